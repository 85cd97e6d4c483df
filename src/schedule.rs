//! Rotation arithmetic: who is on duty at an instant, and the next handoffs.
//!
//! Handoffs happen at a local wall-clock time in the rotation's time zone,
//! so they stay at 10:00 across daylight-saving changes. Overrides replace
//! the member for whole days.

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::model::Rotation;

/// One stretch of duty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shift {
    /// Who is on duty.
    pub member: String,
    /// When the shift starts.
    pub start: DateTime<Utc>,
    /// When it ends (the next handoff).
    pub end: DateTime<Utc>,
}

/// The local date and time of handoff number `k` (0 is the first on or after `start`).
fn handoff_local(rotation: &Rotation, k: i64) -> Option<NaiveDateTime> {
    let start = rotation.start?;
    let every = rotation.every?.days as i64;
    let handoff = rotation.handoff;
    let time = handoff.map(|h| h.time).unwrap_or_default();
    let mut first = start;
    if let Some(weekday) = handoff.and_then(|h| h.weekday) {
        let ahead = (7 + weekday.num_days_from_monday() as i64
            - start.weekday().num_days_from_monday() as i64)
            % 7;
        first = start.checked_add_days(Days::new(ahead as u64))?;
    }
    let offset = k.checked_mul(every)?;
    let day = if offset >= 0 {
        first.checked_add_days(Days::new(offset as u64))?
    } else {
        first.checked_sub_days(Days::new(offset.unsigned_abs()))?
    };
    Some(day.and_time(time))
}

fn to_utc(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    // A wall time skipped by a DST jump happens at the first instant after the gap.
    match tz.from_local_datetime(&local).earliest() {
        Some(t) => t.with_timezone(&Utc),
        None => to_utc(tz, local + chrono::Duration::hours(1)),
    }
}

fn member_at(rotation: &Rotation, k: i64, day: NaiveDate) -> Option<String> {
    if let Some(o) = rotation
        .overrides
        .iter()
        .find(|o| o.from <= day && day <= o.to)
    {
        return Some(o.member.clone());
    }
    let n = rotation.members.len() as i64;
    (n > 0).then(|| rotation.members[k.rem_euclid(n) as usize].clone())
}

/// The shift holding `at`, or `None` before the rotation starts or when it cannot be scheduled.
pub fn on_duty(rotation: &Rotation, at: DateTime<Utc>) -> Option<Shift> {
    let tz = rotation.timezone.unwrap_or(Tz::UTC);
    let every = rotation.every?.days as i64;
    let first = to_utc(tz, handoff_local(rotation, 0)?);
    if at < first || rotation.members.is_empty() {
        return None;
    }
    let mut k = (at - first).num_days() / every;
    // Local-time handoffs drift an hour against UTC across DST: settle k exactly.
    while k > 0 && to_utc(tz, handoff_local(rotation, k)?) > at {
        k -= 1;
    }
    while to_utc(tz, handoff_local(rotation, k + 1)?) <= at {
        k += 1;
    }
    let local_day = at.with_timezone(&tz).date_naive();
    Some(Shift {
        member: member_at(rotation, k, local_day)?,
        start: to_utc(tz, handoff_local(rotation, k)?),
        end: to_utc(tz, handoff_local(rotation, k + 1)?),
    })
}

/// The next `n` handoffs after `at`: who takes over, and when.
pub fn next_handoffs(rotation: &Rotation, at: DateTime<Utc>, n: usize) -> Vec<Shift> {
    let Some(tz) = Some(rotation.timezone.unwrap_or(Tz::UTC)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut k = match on_duty(rotation, at) {
        Some(_) => {
            let Some(first) = handoff_local(rotation, 0) else {
                return out;
            };
            let every = rotation.every.map(|p| p.days as i64).unwrap_or(1);
            let mut k = (at - to_utc(tz, first)).num_days() / every;
            while handoff_local(rotation, k + 1).is_some_and(|l| to_utc(tz, l) <= at) {
                k += 1;
            }
            k + 1
        }
        None => 0,
    };
    while out.len() < n {
        let (Some(start), Some(end)) = (handoff_local(rotation, k), handoff_local(rotation, k + 1))
        else {
            break;
        };
        let Some(member) = member_at(rotation, k, start.date()) else {
            break;
        };
        out.push(Shift {
            member,
            start: to_utc(tz, start),
            end: to_utc(tz, end),
        });
        k += 1;
    }
    out
}

/// Noon of the build's date in the rotation's zone: the instant "today" means for a schedule.
pub fn noon(rotation: &Rotation, date: NaiveDate) -> DateTime<Utc> {
    let tz = rotation.timezone.unwrap_or(Tz::UTC);
    to_utc(tz, date.and_hms_opt(12, 0, 0).expect("valid time"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Handoff, Override, Period};

    fn rotation(tz: Tz) -> Rotation {
        Rotation {
            name: None,
            kind: None,
            teams: vec![],
            start: crate::model::parse_date("2026-01-05").ok(),
            every: Some(Period { days: 7 }),
            handoff: crate::model::parse_handoff("Mon 10:00"),
            timezone: Some(tz),
            members: vec!["ana".into(), "ben".into(), "cy".into()],
            overrides: vec![],
            pairs: vec![],
            round_robin: false,
        }
    }

    fn at(tz: Tz, s: &str) -> DateTime<Utc> {
        let local = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        tz.from_local_datetime(&local).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn members_cycle_weekly() {
        let r = rotation(Tz::UTC);
        assert_eq!(
            on_duty(&r, at(Tz::UTC, "2026-01-05 10:00")).unwrap().member,
            "ana"
        );
        assert_eq!(
            on_duty(&r, at(Tz::UTC, "2026-01-12 09:59")).unwrap().member,
            "ana"
        );
        assert_eq!(
            on_duty(&r, at(Tz::UTC, "2026-01-12 10:00")).unwrap().member,
            "ben"
        );
        assert_eq!(
            on_duty(&r, at(Tz::UTC, "2026-01-26 10:00")).unwrap().member,
            "ana"
        );
        assert!(on_duty(&r, at(Tz::UTC, "2026-01-05 09:00")).is_none());
    }

    #[test]
    fn handoff_stays_at_local_time_across_dst() {
        for tz in [chrono_tz::Europe::London, chrono_tz::America::New_York] {
            let r = rotation(tz);
            // Europe moves clocks on 2026-03-29, the US on 2026-03-08: both before Monday 2026-03-30.
            let s = on_duty(&r, at(tz, "2026-03-30 10:00")).unwrap();
            assert_eq!(s.start, at(tz, "2026-03-30 10:00"), "{tz}");
            assert_eq!(
                on_duty(&r, at(tz, "2026-03-30 09:59")).unwrap().end,
                s.start,
                "{tz}"
            );
        }
    }

    #[test]
    fn overrides_replace_the_member_for_their_days() {
        let mut r = rotation(Tz::UTC);
        r.overrides.push(Override {
            from: crate::model::parse_date("2026-01-13").unwrap(),
            to: crate::model::parse_date("2026-01-14").unwrap(),
            member: "dee".into(),
        });
        assert_eq!(
            on_duty(&r, at(Tz::UTC, "2026-01-12 12:00")).unwrap().member,
            "ben"
        );
        assert_eq!(
            on_duty(&r, at(Tz::UTC, "2026-01-13 12:00")).unwrap().member,
            "dee"
        );
        assert_eq!(
            on_duty(&r, at(Tz::UTC, "2026-01-15 12:00")).unwrap().member,
            "ben"
        );
    }

    #[test]
    fn next_handoffs_follow_the_current_shift() {
        let r = rotation(Tz::UTC);
        let next = next_handoffs(&r, at(Tz::UTC, "2026-01-06 12:00"), 3);
        let names: Vec<_> = next.iter().map(|s| s.member.as_str()).collect();
        assert_eq!(names, ["ben", "cy", "ana"]);
        assert_eq!(next[0].start, at(Tz::UTC, "2026-01-12 10:00"));
        let _ = Handoff {
            weekday: None,
            time: Default::default(),
        };
    }
}
