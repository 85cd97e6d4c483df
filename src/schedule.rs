//! Rotation arithmetic: who is on duty at an instant, the shifts around it,
//! exchange pairs, and the problems a rotation's front matter can have.
//!
//! How a schedule is computed:
//!
//! - **Handoffs.** Handoff 0 is on `start`, or on the first `handoff` weekday
//!   on or after `start`; handoff `k` is `k × every` days later, at the
//!   handoff's local wall time in `timezone` (UTC when none is given; 00:00
//!   when no time is given). A 10:00 handoff therefore stays at 10:00 local
//!   time on both sides of a daylight-saving change. A wall time that a
//!   spring-forward change skips happens at the first instant after the gap
//!   (02:30 in New York on the spring-forward day is 03:00 EDT); a wall time
//!   that a fall-back change repeats happens the first time.
//! - **Members.** Period `k`, from handoff `k` to handoff `k + 1`, belongs to
//!   `members[k mod n]`.
//! - **Overrides.** `{from, to, member}` covers whole local days, `to`
//!   inclusive: from local midnight at the start of `from` to local midnight
//!   at the end of `to`. Inside it the override member is on duty; outside it
//!   the regular schedule applies unchanged, so an override that spans a
//!   handoff does not move later handoffs or the member order.
//! - **Shifts.** The timeline is cut at every handoff and every override
//!   boundary. Neighbouring pieces with the same member and pairs are joined
//!   into one [`Shift`] when they lie in the same period or either of them is
//!   part of an override; two regular periods of the same person (a
//!   one-member rotation) stay separate shifts. So a [`Shift`] always starts
//!   and ends at a handoff or an override's day boundary, and an override
//!   from Saturday to Tuesday over a Monday handoff is one shift from
//!   Saturday 00:00 to Wednesday 00:00.
//! - **Exchange pairs.** See [`exchange_pairs`].

use chrono::{
    DateTime, Datelike, Days, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc,
};
use chrono_tz::Tz;

use crate::diagnostic::codes;
use crate::model::{Rotation, RotationKind};

/// One stretch of duty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shift {
    /// Who is on duty. For an exchange rotation without members, the pairs
    /// as text (`checkout & payments`).
    pub member: String,
    /// When the shift starts: a handoff or an override's first midnight.
    pub start: DateTime<Utc>,
    /// When it ends: the next handoff or override boundary where the member changes.
    pub end: DateTime<Utc>,
    /// For exchange rotations, the teams paired in this shift's period
    /// (see [`exchange_pairs`]); empty for other kinds.
    pub pairs: Vec<(String, String)>,
    /// Whether some or all of the shift comes from an override.
    pub overridden: bool,
}

/// Converts a local wall time in `tz` to UTC.
///
/// A wall time repeated by a fall-back change gives the earlier instant; a
/// wall time skipped by a spring-forward change gives the first instant after
/// the gap. `None` only for dates outside chrono's range.
pub fn local_to_utc(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    if let Some(t) = tz.from_local_datetime(&local).earliest() {
        return Some(t.with_timezone(&Utc));
    }
    // In a gap: the first wall time that exists after it. Real gaps end on a
    // whole minute and last at most a day (Samoa, 2011), so minutes suffice.
    let mut t = local;
    for _ in 0..(2 * 24 * 60) {
        t = t.checked_add_signed(Duration::minutes(1))?;
        if let Some(u) = tz.from_local_datetime(&t).earliest() {
            return Some(u.with_timezone(&Utc));
        }
    }
    None
}

/// Local midnight at the start of `day`, in UTC.
fn day_start(tz: Tz, day: NaiveDate) -> Option<DateTime<Utc>> {
    local_to_utc(tz, day.and_time(NaiveTime::MIN))
}

/// A piece of one period: cut at override boundaries, never joined.
#[derive(Clone, Debug)]
struct Piece {
    period: u64,
    shift: Shift,
}

/// Whether two neighbouring pieces are one shift.
fn joinable(a: &Piece, b: &Piece) -> bool {
    a.shift.member == b.shift.member
        && a.shift.pairs == b.shift.pairs
        && (a.period == b.period || a.shift.overridden || b.shift.overridden)
}

/// A rotation that can be scheduled, with its derived values.
struct Plan<'a> {
    rotation: &'a Rotation,
    tz: Tz,
    every: u64,
    first: NaiveDate,
    time: NaiveTime,
    /// Valid overrides in list order: start and end instants and member.
    overrides: Vec<(DateTime<Utc>, DateTime<Utc>, &'a str)>,
}

impl<'a> Plan<'a> {
    /// `None` when the rotation lacks a start, a period, or anyone to put on duty.
    fn new(rotation: &'a Rotation) -> Option<Self> {
        let start = rotation.start?;
        let every = u64::from(rotation.every?.days);
        if every == 0 || (rotation.members.is_empty() && exchange_pairs(rotation, 0).is_empty()) {
            return None;
        }
        let tz = rotation.timezone.unwrap_or(Tz::UTC);
        let time = rotation.handoff.map(|h| h.time).unwrap_or(NaiveTime::MIN);
        let first = match rotation.handoff.and_then(|h| h.weekday) {
            Some(weekday) => {
                let ahead = (7 + weekday.num_days_from_monday()
                    - start.weekday().num_days_from_monday())
                    % 7;
                start.checked_add_days(Days::new(u64::from(ahead)))?
            }
            None => start,
        };
        let overrides = rotation
            .overrides
            .iter()
            .filter_map(|o| {
                let from = day_start(tz, o.from)?;
                let to = day_start(tz, o.to.succ_opt()?)?;
                (from < to).then_some((from, to, o.member.as_str()))
            })
            .collect();
        Some(Plan {
            rotation,
            tz,
            every,
            first,
            time,
            overrides,
        })
    }

    /// Handoff `k`, in UTC.
    fn handoff(&self, k: u64) -> Option<DateTime<Utc>> {
        let day = self
            .first
            .checked_add_days(Days::new(k.checked_mul(self.every)?))?;
        local_to_utc(self.tz, day.and_time(self.time))
    }

    /// The period holding `at`, or `None` before the first handoff.
    fn period_at(&self, at: DateTime<Utc>) -> Option<u64> {
        let first = self.handoff(0)?;
        if at < first {
            return None;
        }
        // A first guess, off by at most one where DST moved a handoff by an hour.
        let mut k = ((at - first).num_days() / self.every as i64) as u64;
        while k > 0 && self.handoff(k)? > at {
            k -= 1;
        }
        while self.handoff(k + 1)? <= at {
            k += 1;
        }
        Some(k)
    }

    /// Who the regular schedule puts on duty in period `k`, and the pairs.
    fn regular(&self, k: u64) -> (String, Vec<(String, String)>) {
        let pairs = exchange_pairs(self.rotation, k);
        let members = &self.rotation.members;
        let member = if members.is_empty() {
            pairs_text(&pairs)
        } else {
            members[(k % members.len() as u64) as usize].clone()
        };
        (member, pairs)
    }

    /// Period `k`, cut at override boundaries.
    fn pieces(&self, k: u64) -> Option<Vec<Piece>> {
        let (start, end) = (self.handoff(k)?, self.handoff(k + 1)?);
        let mut cuts = vec![start, end];
        for &(from, to, _) in &self.overrides {
            cuts.extend([from, to].into_iter().filter(|&x| start < x && x < end));
        }
        cuts.sort();
        cuts.dedup();
        let (member, pairs) = self.regular(k);
        Some(
            cuts.windows(2)
                .map(|w| {
                    let o = self
                        .overrides
                        .iter()
                        .find(|&&(from, to, _)| from <= w[0] && w[0] < to);
                    Piece {
                        period: k,
                        shift: Shift {
                            member: o.map_or_else(|| member.clone(), |o| o.2.to_string()),
                            start: w[0],
                            end: w[1],
                            pairs: pairs.clone(),
                            overridden: o.is_some(),
                        },
                    }
                })
                .collect(),
        )
    }

    fn piece_at(&self, at: DateTime<Utc>) -> Option<Piece> {
        self.pieces(self.period_at(at)?)?
            .into_iter()
            .find(|p| p.shift.start <= at && at < p.shift.end)
    }

    fn piece_before(&self, p: &Piece) -> Option<Piece> {
        let pieces = self.pieces(p.period)?;
        if let Some(q) = pieces.into_iter().find(|q| q.shift.end == p.shift.start) {
            return Some(q);
        }
        self.pieces(p.period.checked_sub(1)?)?.pop()
    }

    fn piece_after(&self, p: &Piece) -> Option<Piece> {
        let pieces = self.pieces(p.period)?;
        if let Some(q) = pieces.into_iter().find(|q| q.shift.start == p.shift.end) {
            return Some(q);
        }
        self.pieces(p.period + 1)?.into_iter().next()
    }

    /// The whole shift holding `at`. Terminates: pieces of different periods
    /// join only through an override, and overrides are finite.
    fn shift_at(&self, at: DateTime<Utc>) -> Option<Shift> {
        let piece = self.piece_at(at)?;
        let mut shift = piece.shift.clone();
        let mut edge = piece.clone();
        while let Some(prev) = self.piece_before(&edge).filter(|q| joinable(q, &edge)) {
            shift.start = prev.shift.start;
            shift.overridden |= prev.shift.overridden;
            edge = prev;
        }
        let mut edge = piece;
        while let Some(next) = self.piece_after(&edge).filter(|q| joinable(&edge, q)) {
            shift.end = next.shift.end;
            shift.overridden |= next.shift.overridden;
            edge = next;
        }
        Some(shift)
    }
}

/// The shifts of a rotation in order, from the one holding `from` (or the
/// first shift, when `from` is before the rotation starts). Unbounded: take
/// what you need. Empty when the rotation cannot be scheduled (no `start`,
/// no `every`, nobody on duty).
pub fn shifts(rotation: &Rotation, from: DateTime<Utc>) -> Shifts<'_> {
    let plan = Plan::new(rotation);
    let next = plan
        .as_ref()
        .and_then(|p| p.handoff(0))
        .map(|first| from.max(first));
    Shifts { plan, next }
}

/// Iterator over a rotation's shifts; see [`shifts`].
pub struct Shifts<'a> {
    plan: Option<Plan<'a>>,
    next: Option<DateTime<Utc>>,
}

impl Iterator for Shifts<'_> {
    type Item = Shift;

    fn next(&mut self) -> Option<Shift> {
        let shift = self.plan.as_ref()?.shift_at(self.next?);
        self.next = shift.as_ref().map(|s| s.end);
        shift
    }
}

/// The shift holding `at`, or `None` before the rotation starts or when it cannot be scheduled.
pub fn on_duty(rotation: &Rotation, at: DateTime<Utc>) -> Option<Shift> {
    shifts(rotation, at).next().filter(|s| s.start <= at)
}

/// The next `n` shifts starting after `at`: who takes over, and when.
/// Before the rotation starts, its first `n` shifts.
pub fn next_handoffs(rotation: &Rotation, at: DateTime<Utc>, n: usize) -> Vec<Shift> {
    shifts(rotation, at)
        .filter(|s| s.start > at)
        .take(n)
        .collect()
}

/// Regular handoff number `k` (0 is the first), in UTC; `None` when the rotation cannot be scheduled.
pub fn handoff(rotation: &Rotation, k: u64) -> Option<DateTime<Utc>> {
    Plan::new(rotation)?.handoff(k)
}

/// The number of the regular period holding `at` (0 from the first handoff
/// to the second), or `None` before the rotation starts.
pub fn period_at(rotation: &Rotation, at: DateTime<Utc>) -> Option<u64> {
    Plan::new(rotation)?.period_at(at)
}

/// Noon of the build's date in the rotation's zone: the instant "today" means for a schedule.
pub fn noon(rotation: &Rotation, date: NaiveDate) -> DateTime<Utc> {
    let tz = rotation.timezone.unwrap_or(Tz::UTC);
    let local = date.and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or(NaiveTime::MIN));
    local_to_utc(tz, local).unwrap_or_else(|| Utc.from_utc_datetime(&local))
}

/// Who is paired with whom in period `k` of an exchange rotation.
///
/// - With `pairs` listed (n of them), period `k` uses pair `k mod n`.
/// - With `pairing: round-robin` over `teams` t0 … tn−1 (n ≥ 2), period `k`
///   pairs `t[k mod n]` with `t[(k + 1) mod n]`: neighbours on the list in
///   turn, the last with the first, so a full cycle takes n periods (with two
///   teams, the same pair every period, alternating which is named first).
/// - Listed `pairs` win over `pairing`.
///
/// Empty for rotations of another kind (a rotation without `kind` counts as
/// an exchange when it has pairs), and when nothing can be paired. Team ids
/// are as written.
pub fn exchange_pairs(rotation: &Rotation, k: u64) -> Vec<(String, String)> {
    if !matches!(rotation.kind, None | Some(RotationKind::Exchange)) {
        return Vec::new();
    }
    if !rotation.pairs.is_empty() {
        let p = &rotation.pairs[(k % rotation.pairs.len() as u64) as usize];
        return vec![(p.team.id.clone(), p.with.id.clone())];
    }
    let teams = &rotation.teams;
    if rotation.round_robin && teams.len() >= 2 {
        let n = teams.len() as u64;
        let i = (k % n) as usize;
        let j = ((k + 1) % n) as usize;
        return vec![(teams[i].id.clone(), teams[j].id.clone())];
    }
    Vec::new()
}

/// Pairs as text: `checkout & payments, mobile & pricing`.
pub fn pairs_text(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(a, b)| format!("{a} & {b}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Something wrong with a rotation's schedule, for `check` to report at a front matter key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RotationProblem {
    /// Dotted front matter path, e.g. `overrides.2.from`, `handoff`,
    /// `pairs.1.with`: give it to `FieldPositions::find` for the line
    /// (flow-style items fall back to the item's line).
    pub key: String,
    /// The index into `Rotation::overrides` or `Rotation::pairs`, when the
    /// problem is about one item.
    pub index: Option<usize>,
    /// A warning rather than an error.
    pub severity_warning: bool,
    /// The diagnostic code to use.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

impl RotationProblem {
    fn error(key: String, index: Option<usize>, message: String, hint: &str) -> Self {
        RotationProblem {
            key,
            index,
            severity_warning: false,
            code: codes::INVALID_ROTATION,
            message,
            hint: hint.to_string(),
        }
    }

    fn warning(key: String, index: Option<usize>, message: String, hint: &str) -> Self {
        RotationProblem {
            severity_warning: true,
            ..RotationProblem::error(key, index, message, hint)
        }
    }
}

/// The schedule problems of a rotation, in front matter order.
///
/// Errors: an override that ends before it starts, one entirely before
/// `start`, two overrides that share a day, a handoff weekday with a period
/// that is not a whole number of weeks, `pairing: round-robin` with fewer
/// than two teams, a pair of a team with itself. Warnings: an override member
/// who is not in `members`, `pairs` together with `pairing` (the pairs win),
/// pairs on a rotation that is not an exchange (ignored), an exchange with
/// nothing to pair. Missing fields, bad periods, unknown zones and unknown
/// teams are reported elsewhere (model and reference checks).
pub fn problems(rotation: &Rotation) -> Vec<RotationProblem> {
    let mut out = Vec::new();
    if let (Some(handoff), Some(every)) = (rotation.handoff, rotation.every)
        && let Some(weekday) = handoff.weekday
        && every.days % 7 != 0
    {
        out.push(RotationProblem::error(
            "handoff".into(),
            None,
            format!(
                "the handoff names a weekday ({weekday}), but `every` is {} days: handoffs would not stay on that weekday",
                every.days
            ),
            "make `every` a whole number of weeks (`1w`, `2w`), or give only a time (`handoff: 10:00`)",
        ));
    }
    let known = |name: &str| {
        rotation
            .members
            .iter()
            .any(|m| m.trim().eq_ignore_ascii_case(name.trim()))
    };
    for (n, o) in rotation.overrides.iter().enumerate() {
        // `index` is the position in the front matter list, which may hold items the model dropped.
        let i = o.index;
        if o.to < o.from {
            out.push(RotationProblem::error(
                format!("overrides.{i}.to"),
                Some(i),
                format!(
                    "this override ends ({}) before it starts ({})",
                    o.to, o.from
                ),
                "`to` is the last day of the override, inclusive: swap the dates or fix the typo",
            ));
        } else if let Some(start) = rotation.start
            && o.to < start
        {
            out.push(RotationProblem::error(
                format!("overrides.{i}.to"),
                Some(i),
                format!(
                    "this override ({} to {}) is entirely before the rotation starts on {start}",
                    o.from, o.to
                ),
                "check the year, or remove the override",
            ));
        }
        if o.from <= o.to {
            let earlier = rotation.overrides[..n]
                .iter()
                .find(|p| p.from <= p.to && p.from <= o.to && o.from <= p.to);
            if let Some(p) = earlier {
                out.push(RotationProblem::error(
                    format!("overrides.{i}.from"),
                    Some(i),
                    format!(
                        "this override ({}, {} to {}) overlaps an earlier one ({}, {} to {}): who is on duty on {} is ambiguous",
                        o.member,
                        o.from,
                        o.to,
                        p.member,
                        p.from,
                        p.to,
                        o.from.max(p.from)
                    ),
                    "give each day to one override: shorten one of them or merge them",
                ));
            }
        }
        if !rotation.members.is_empty() && !known(&o.member) {
            out.push(RotationProblem::warning(
                format!("overrides.{i}.member"),
                Some(i),
                format!("`{}` is not one of this rotation's members", o.member),
                "check the spelling against `members`, or add them to `members`",
            ));
        }
    }
    let exchange = rotation.kind == Some(RotationKind::Exchange);
    let other_kind = rotation.kind.is_some() && !exchange;
    if other_kind && (!rotation.pairs.is_empty() || rotation.round_robin) {
        let key = if rotation.pairs.is_empty() {
            "pairing"
        } else {
            "pairs"
        };
        out.push(RotationProblem::warning(
            key.into(),
            None,
            format!(
                "`{key}` is ignored: this is not an exchange rotation (kind: {})",
                rotation.kind.map(|k| k.as_str()).unwrap_or("")
            ),
            "set `kind: exchange`, or remove the pairs",
        ));
    }
    if !other_kind {
        if !rotation.pairs.is_empty() && rotation.round_robin {
            out.push(RotationProblem::warning(
                "pairing".into(),
                None,
                "both `pairs` and `pairing` are given: the listed pairs are used".into(),
                "remove one of them",
            ));
        } else if rotation.round_robin && rotation.teams.len() < 2 {
            out.push(RotationProblem::error(
                "pairing".into(),
                None,
                format!(
                    "round-robin pairing needs at least two teams, and this rotation has {}",
                    rotation.teams.len()
                ),
                "list the teams that exchange under `teams`",
            ));
        }
        for p in &rotation.pairs {
            let i = p.index;
            if p.team.id.trim().eq_ignore_ascii_case(p.with.id.trim()) {
                out.push(RotationProblem::error(
                    format!("pairs.{i}.with"),
                    Some(i),
                    format!("this pair puts `{}` with itself", p.team.id),
                    "name two different teams",
                ));
            }
        }
        if exchange && rotation.pairs.is_empty() && !rotation.round_robin {
            out.push(RotationProblem::warning(
                "kind".into(),
                None,
                "this exchange rotation says nothing about who pairs with whom".into(),
                "add `pairing: round-robin` (with `teams`), or list `pairs` of `{team, with}`",
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Span;
    use crate::model::{Override, Pair, Period, Reference, parse_date, parse_handoff};

    fn rotation(tz: Tz) -> Rotation {
        Rotation {
            name: None,
            kind: None,
            teams: vec![],
            start: parse_date("2026-01-05").ok(),
            every: Some(Period { days: 7 }),
            handoff: parse_handoff("Mon 10:00"),
            timezone: Some(tz),
            members: vec!["ana".into(), "ben".into(), "cy".into()],
            overrides: vec![],
            pairs: vec![],
            round_robin: false,
        }
    }

    fn daily(tz: Tz, time: &str) -> Rotation {
        Rotation {
            start: parse_date("2026-01-01").ok(),
            every: Some(Period { days: 1 }),
            handoff: parse_handoff(time),
            ..rotation(tz)
        }
    }

    fn day(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn ov(from: &str, to: &str, member: &str) -> Override {
        Override {
            from: day(from),
            to: day(to),
            member: member.into(),
            index: 0,
        }
    }

    fn reference(id: &str) -> Reference {
        Reference {
            id: id.into(),
            span: Span::file_start(std::path::Path::new("r.md")),
        }
    }

    /// A local wall time in `tz` that exists exactly once.
    fn at(tz: Tz, s: &str) -> DateTime<Utc> {
        let local = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        tz.from_local_datetime(&local)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn who(r: &Rotation, t: DateTime<Utc>) -> String {
        on_duty(r, t).map(|s| s.member).unwrap_or_default()
    }

    #[test]
    fn members_cycle_weekly() {
        let r = rotation(Tz::UTC);
        assert_eq!(who(&r, at(Tz::UTC, "2026-01-05 10:00")), "ana");
        assert_eq!(who(&r, at(Tz::UTC, "2026-01-12 09:59")), "ana");
        assert_eq!(who(&r, at(Tz::UTC, "2026-01-12 10:00")), "ben");
        assert_eq!(who(&r, at(Tz::UTC, "2026-01-19 10:00")), "cy");
        assert_eq!(who(&r, at(Tz::UTC, "2026-01-26 10:00")), "ana");
        assert!(on_duty(&r, at(Tz::UTC, "2026-01-05 09:00")).is_none());
        assert_eq!(period_at(&r, at(Tz::UTC, "2026-01-26 10:00")), Some(3));
        assert_eq!(period_at(&r, at(Tz::UTC, "2026-01-05 09:59")), None);
        // Far in the future the order still holds: 2036-01-07 is 522 weeks on.
        assert_eq!(who(&r, at(Tz::UTC, "2036-01-07 10:00")), "ana");
    }

    #[test]
    fn start_moves_to_the_handoff_weekday() {
        let mut r = rotation(Tz::UTC);
        r.start = Some(day("2026-01-07")); // a Wednesday
        assert!(on_duty(&r, at(Tz::UTC, "2026-01-10 12:00")).is_none());
        let s = on_duty(&r, at(Tz::UTC, "2026-01-12 10:00")).unwrap();
        assert_eq!(
            (s.member.as_str(), s.start),
            ("ana", at(Tz::UTC, "2026-01-12 10:00"))
        );
        // No handoff given: midnight of `start`.
        r.handoff = None;
        assert_eq!(handoff(&r, 0), Some(utc("2026-01-07T00:00:00Z")));
    }

    #[test]
    fn weekly_handoffs_stay_at_local_time_on_both_sides_of_dst() {
        // (zone, Monday before, Monday after the change, UTC handoffs before and after)
        let cases = [
            // Europe springs forward on 2026-03-29 and falls back on 2026-10-25.
            (
                chrono_tz::Europe::London,
                "2026-03-23",
                "2026-03-30",
                "2026-03-23T10:00:00Z",
                "2026-03-30T09:00:00Z",
            ),
            (
                chrono_tz::Europe::London,
                "2026-10-19",
                "2026-10-26",
                "2026-10-19T09:00:00Z",
                "2026-10-26T10:00:00Z",
            ),
            // The US springs forward on 2026-03-08 and falls back on 2026-11-01.
            (
                chrono_tz::America::New_York,
                "2026-03-02",
                "2026-03-09",
                "2026-03-02T15:00:00Z",
                "2026-03-09T14:00:00Z",
            ),
            (
                chrono_tz::America::New_York,
                "2026-10-26",
                "2026-11-02",
                "2026-10-26T14:00:00Z",
                "2026-11-02T15:00:00Z",
            ),
        ];
        for (tz, before, after, utc_before, utc_after) in cases {
            let r = rotation(tz);
            let s = on_duty(&r, at(tz, &format!("{before} 12:00"))).unwrap();
            assert_eq!(s.start, utc(utc_before), "{tz} {before}");
            assert_eq!(s.end, utc(utc_after), "{tz} {after}");
            assert_eq!(
                s.start.with_timezone(&tz).format("%H:%M").to_string(),
                "10:00"
            );
            assert_eq!(
                s.end.with_timezone(&tz).format("%H:%M").to_string(),
                "10:00"
            );
            // A week of 167 or 169 hours, not 168.
            assert_ne!((s.end - s.start).num_hours(), 168, "{tz}");
            let next = on_duty(&r, s.end).unwrap();
            assert_eq!(next.start, s.end);
            assert_ne!(next.member, s.member);
            assert_eq!(who(&r, s.end - Duration::minutes(1)), s.member);
        }
    }

    #[test]
    fn skipped_handoff_time_happens_at_the_end_of_the_gap() {
        // London skips 01:00–02:00 on 2026-03-29: a 01:30 handoff is at 02:00 BST.
        let london = chrono_tz::Europe::London;
        let r = daily(london, "01:30");
        let s = on_duty(&r, utc("2026-03-28T12:00:00Z")).unwrap();
        assert_eq!(s.start, utc("2026-03-28T01:30:00Z"));
        assert_eq!(s.end, utc("2026-03-29T01:00:00Z"));
        let s = on_duty(&r, s.end).unwrap();
        assert_eq!(s.end, utc("2026-03-30T00:30:00Z"));
        // New York skips 02:00–03:00 on 2026-03-08: 02:30 is at 03:00 EDT;
        // 01:30 exists there and is an ordinary handoff.
        let ny = chrono_tz::America::New_York;
        let r = daily(ny, "02:30");
        let s = on_duty(&r, utc("2026-03-07T12:00:00Z")).unwrap();
        assert_eq!(s.start, utc("2026-03-07T07:30:00Z"));
        assert_eq!(s.end, utc("2026-03-08T07:00:00Z"));
        assert_eq!(on_duty(&r, s.end).unwrap().end, utc("2026-03-09T06:30:00Z"));
        let r = daily(ny, "01:30");
        assert_eq!(
            on_duty(&r, utc("2026-03-08T12:00:00Z")).unwrap().start,
            utc("2026-03-08T06:30:00Z")
        );
    }

    #[test]
    fn repeated_handoff_time_happens_the_first_time() {
        // 01:30 happens twice on the fall-back day in both zones: the first (summer) one counts.
        for (tz, change, first, next) in [
            (
                chrono_tz::Europe::London,
                "2026-10-25T12:00:00Z",
                "2026-10-25T00:30:00Z",
                "2026-10-26T01:30:00Z",
            ),
            (
                chrono_tz::America::New_York,
                "2026-11-01T12:00:00Z",
                "2026-11-01T05:30:00Z",
                "2026-11-02T06:30:00Z",
            ),
        ] {
            let r = daily(tz, "01:30");
            let s = on_duty(&r, utc(change)).unwrap();
            assert_eq!(s.start, utc(first), "{tz}");
            assert_eq!(s.end, utc(next), "{tz}");
            assert_eq!((s.end - s.start).num_hours(), 25, "{tz}");
            let before = on_duty(&r, s.start - Duration::seconds(1)).unwrap();
            assert_eq!((before.end - before.start).num_hours(), 24, "{tz}");
        }
    }

    #[test]
    fn override_spanning_a_handoff() {
        // ana's week from Mon 5 Jan, ben's from Mon 12 Jan; dee covers Sat 10 to Tue 13 inclusive.
        for tz in [chrono_tz::Europe::London, chrono_tz::America::New_York] {
            let mut r = rotation(tz);
            r.overrides.push(ov("2026-01-10", "2026-01-13", "dee"));
            let ana = on_duty(&r, at(tz, "2026-01-09 12:00")).unwrap();
            assert_eq!(ana.member, "ana");
            assert_eq!(
                (ana.start, ana.end),
                (at(tz, "2026-01-05 10:00"), at(tz, "2026-01-10 00:00"))
            );
            assert!(!ana.overridden);
            let dee = on_duty(&r, at(tz, "2026-01-12 12:00")).unwrap();
            assert_eq!(dee.member, "dee", "{tz}");
            assert_eq!(
                (dee.start, dee.end),
                (at(tz, "2026-01-10 00:00"), at(tz, "2026-01-14 00:00"))
            );
            assert!(dee.overridden);
            assert_eq!(on_duty(&r, at(tz, "2026-01-10 00:00")).unwrap(), dee);
            assert_eq!(on_duty(&r, at(tz, "2026-01-13 23:59")).unwrap(), dee);
            // The regular schedule resumes: ben for the rest of his week, then cy.
            let ben = on_duty(&r, at(tz, "2026-01-14 00:00")).unwrap();
            assert_eq!(ben.member, "ben");
            assert_eq!(
                (ben.start, ben.end),
                (at(tz, "2026-01-14 00:00"), at(tz, "2026-01-19 10:00"))
            );
            assert_eq!(who(&r, at(tz, "2026-01-19 10:00")), "cy");
            let next: Vec<_> = next_handoffs(&r, at(tz, "2026-01-06 12:00"), 4)
                .into_iter()
                .map(|s| (s.member, s.start))
                .collect();
            assert_eq!(
                next,
                [
                    ("dee".to_string(), at(tz, "2026-01-10 00:00")),
                    ("ben".to_string(), at(tz, "2026-01-14 00:00")),
                    ("cy".to_string(), at(tz, "2026-01-19 10:00")),
                    ("ana".to_string(), at(tz, "2026-01-26 10:00")),
                ]
            );
        }
    }

    #[test]
    fn override_days_are_local_days() {
        // In July New York is UTC−4: the override starts at 04:00 UTC.
        let ny = chrono_tz::America::New_York;
        let mut r = rotation(ny);
        r.overrides.push(ov("2026-07-04", "2026-07-04", "dee"));
        let s = on_duty(&r, utc("2026-07-04T12:00:00Z")).unwrap();
        assert_eq!(
            (s.member.as_str(), s.start, s.end),
            (
                "dee",
                utc("2026-07-04T04:00:00Z"),
                utc("2026-07-05T04:00:00Z")
            )
        );
        assert_ne!(who(&r, utc("2026-07-04T03:59:00Z")), "dee");
        assert_ne!(who(&r, utc("2026-07-05T04:00:00Z")), "dee");
    }

    #[test]
    fn override_inside_a_week_splits_it() {
        let mut r = rotation(Tz::UTC);
        r.overrides.push(ov("2026-01-13", "2026-01-14", "dee"));
        let shifts: Vec<_> = shifts(&r, at(Tz::UTC, "2026-01-12 12:00"))
            .take(4)
            .map(|s| (s.member, s.start, s.end))
            .collect();
        let t = |s| at(Tz::UTC, s);
        assert_eq!(
            shifts,
            [
                ("ben".into(), t("2026-01-12 10:00"), t("2026-01-13 00:00")),
                ("dee".into(), t("2026-01-13 00:00"), t("2026-01-15 00:00")),
                ("ben".into(), t("2026-01-15 00:00"), t("2026-01-19 10:00")),
                ("cy".into(), t("2026-01-19 10:00"), t("2026-01-26 10:00")),
            ]
        );
    }

    #[test]
    fn override_by_the_member_on_duty_joins_their_shifts() {
        // ben covers Saturday to Monday, into his own week: one shift from Saturday to his week's end.
        let mut r = rotation(Tz::UTC);
        r.overrides.push(ov("2026-01-10", "2026-01-12", "ben"));
        let s = on_duty(&r, at(Tz::UTC, "2026-01-10 12:00")).unwrap();
        assert_eq!(
            (s.start, s.end),
            (
                at(Tz::UTC, "2026-01-10 00:00"),
                at(Tz::UTC, "2026-01-19 10:00")
            )
        );
        assert!(s.overridden);
        // Saturday and Sunday only: ana is back from Monday 00:00 until the 10:00 handoff.
        r.overrides = vec![ov("2026-01-10", "2026-01-11", "ben")];
        let s = on_duty(&r, at(Tz::UTC, "2026-01-12 09:00")).unwrap();
        assert_eq!(s.member, "ana");
        assert_eq!(
            (s.start, s.end),
            (
                at(Tz::UTC, "2026-01-12 00:00"),
                at(Tz::UTC, "2026-01-12 10:00")
            )
        );
        // A one-member rotation still has one shift per period.
        r.members = vec!["solo".into()];
        r.overrides.clear();
        let s = on_duty(&r, at(Tz::UTC, "2026-01-13 12:00")).unwrap();
        assert_eq!(
            (s.start, s.end),
            (
                at(Tz::UTC, "2026-01-12 10:00"),
                at(Tz::UTC, "2026-01-19 10:00")
            )
        );
    }

    #[test]
    fn override_starting_before_the_rotation_is_clipped() {
        let mut r = rotation(Tz::UTC);
        r.overrides.push(ov("2026-01-01", "2026-01-06", "dee"));
        assert!(on_duty(&r, at(Tz::UTC, "2026-01-04 12:00")).is_none());
        let s = on_duty(&r, at(Tz::UTC, "2026-01-05 12:00")).unwrap();
        assert_eq!(
            (s.member.as_str(), s.start),
            ("dee", at(Tz::UTC, "2026-01-05 10:00"))
        );
        assert_eq!(s.end, at(Tz::UTC, "2026-01-07 00:00"));
        assert_eq!(who(&r, s.end), "ana");
    }

    #[test]
    fn next_handoffs_follow_the_current_shift() {
        let r = rotation(Tz::UTC);
        let next = next_handoffs(&r, at(Tz::UTC, "2026-01-06 12:00"), 3);
        let names: Vec<_> = next.iter().map(|s| s.member.as_str()).collect();
        assert_eq!(names, ["ben", "cy", "ana"]);
        assert_eq!(next[0].start, at(Tz::UTC, "2026-01-12 10:00"));
        // Before the start: the first shifts.
        let first = next_handoffs(&r, at(Tz::UTC, "2025-12-01 00:00"), 2);
        assert_eq!(first[0].start, at(Tz::UTC, "2026-01-05 10:00"));
        assert_eq!(first[0].member, "ana");
    }

    #[test]
    fn unschedulable_rotations_have_no_shifts() {
        let base = rotation(Tz::UTC);
        let t = at(Tz::UTC, "2026-02-01 00:00");
        for r in [
            Rotation {
                members: vec![],
                ..base.clone()
            },
            Rotation {
                start: None,
                ..base.clone()
            },
            Rotation {
                every: None,
                ..base.clone()
            },
            Rotation {
                every: Some(Period { days: 0 }),
                ..base.clone()
            },
        ] {
            assert!(on_duty(&r, t).is_none());
            assert!(next_handoffs(&r, t, 8).is_empty());
        }
        // The ends of time do not panic.
        assert!(on_duty(&base, DateTime::<Utc>::MAX_UTC).is_none());
        assert!(on_duty(&base, DateTime::<Utc>::MIN_UTC).is_none());
        assert!(next_handoffs(&base, DateTime::<Utc>::MAX_UTC, 3).is_empty());
        let mut odd = base.clone();
        odd.overrides.push(ov("2026-01-20", "2026-01-10", "dee"));
        odd.overrides.push(Override {
            from: NaiveDate::MAX,
            to: NaiveDate::MAX,
            member: "dee".into(),
            index: 0,
        });
        assert_eq!(who(&odd, at(Tz::UTC, "2026-01-15 00:00")), "ben");
    }

    fn exchange(teams: &[&str]) -> Rotation {
        Rotation {
            kind: Some(RotationKind::Exchange),
            teams: teams.iter().map(|t| reference(t)).collect(),
            every: Some(Period { days: 14 }),
            members: vec![],
            round_robin: true,
            ..rotation(Tz::UTC)
        }
    }

    fn pair(a: &str, b: &str) -> (String, String) {
        (a.to_string(), b.to_string())
    }

    #[test]
    fn round_robin_pairs_neighbours_in_turn() {
        let r = exchange(&["checkout", "payments", "fulfilment"]);
        let got: Vec<_> = (0..4).map(|k| exchange_pairs(&r, k)).collect();
        assert_eq!(
            got,
            [
                vec![pair("checkout", "payments")],
                vec![pair("payments", "fulfilment")],
                vec![pair("fulfilment", "checkout")],
                vec![pair("checkout", "payments")],
            ]
        );
        // Without members, the pair is who is on duty.
        let s = on_duty(&r, at(Tz::UTC, "2026-01-20 12:00")).unwrap();
        assert_eq!(s.member, "payments & fulfilment");
        assert_eq!(s.pairs, [pair("payments", "fulfilment")]);
        assert_eq!(
            (s.start, s.end),
            (
                at(Tz::UTC, "2026-01-19 10:00"),
                at(Tz::UTC, "2026-02-02 10:00")
            )
        );
        // With members, they cycle as usual and the pairs ride along.
        let r = Rotation {
            members: vec!["ana".into(), "ben".into()],
            ..r
        };
        let s = on_duty(&r, at(Tz::UTC, "2026-02-03 12:00")).unwrap();
        assert_eq!(s.member, "ana");
        assert_eq!(s.pairs, [pair("fulfilment", "checkout")]);
        // Two teams: the same pair each period.
        let r = exchange(&["a", "b"]);
        assert_eq!(exchange_pairs(&r, 1), [pair("b", "a")]);
        // One team: nothing to pair, nothing scheduled.
        let r = exchange(&["a"]);
        assert!(exchange_pairs(&r, 0).is_empty());
        assert!(on_duty(&r, at(Tz::UTC, "2026-02-03 12:00")).is_none());
    }

    #[test]
    fn listed_pairs_cycle_and_win_over_round_robin() {
        let mut r = exchange(&["a", "b", "c", "d"]);
        r.pairs = vec![
            Pair {
                team: reference("a"),
                with: reference("c"),
                index: 0,
            },
            Pair {
                team: reference("b"),
                with: reference("d"),
                index: 1,
            },
        ];
        assert_eq!(exchange_pairs(&r, 0), [pair("a", "c")]);
        assert_eq!(exchange_pairs(&r, 1), [pair("b", "d")]);
        assert_eq!(exchange_pairs(&r, 2), [pair("a", "c")]);
        // Other kinds have no pairs.
        r.kind = Some(RotationKind::OnCall);
        r.members = vec!["ana".into()];
        assert!(exchange_pairs(&r, 0).is_empty());
        assert!(
            on_duty(&r, at(Tz::UTC, "2026-01-06 00:00"))
                .unwrap()
                .pairs
                .is_empty()
        );
    }

    #[test]
    fn exchange_override_splits_at_the_handoff() {
        // Pairs change at the handoff, so an override across it is two shifts.
        let mut r = exchange(&["a", "b", "c"]);
        r.members = vec!["ana".into(), "ben".into()];
        r.overrides.push(ov("2026-01-17", "2026-01-20", "dee"));
        let s = on_duty(&r, at(Tz::UTC, "2026-01-18 00:00")).unwrap();
        assert_eq!(
            (s.member.as_str(), s.end),
            ("dee", at(Tz::UTC, "2026-01-19 10:00"))
        );
        let s = on_duty(&r, s.end).unwrap();
        assert_eq!(
            (s.member.as_str(), s.end),
            ("dee", at(Tz::UTC, "2026-01-21 00:00"))
        );
        assert_eq!(s.pairs, [pair("b", "c")]);
    }

    fn keys(r: &Rotation) -> Vec<(String, bool)> {
        problems(r)
            .into_iter()
            .map(|p| (p.key, p.severity_warning))
            .collect()
    }

    #[test]
    fn problems_of_overrides() {
        let mut r = rotation(Tz::UTC);
        r.overrides = vec![
            ov("2026-01-10", "2026-01-13", "ben"), // fine
            ov("2026-01-13", "2026-01-14", "cy"),  // overlaps 0 on the 13th
            ov("2026-02-10", "2026-02-01", "ana"), // ends before it starts
            ov("2025-12-01", "2025-12-07", "ana"), // before start
            ov("2026-03-01", "2026-03-02", "Zed"), // not a member
            ov("2026-03-03", "2026-03-03", "BEN"), // a member, other case
            ov("2026-01-05", "2026-01-05", "ana"), // touches start: fine
        ];
        for (i, o) in r.overrides.iter_mut().enumerate() {
            o.index = i;
        }
        assert_eq!(
            keys(&r),
            [
                ("overrides.1.from".to_string(), false),
                ("overrides.2.to".to_string(), false),
                ("overrides.3.to".to_string(), false),
                ("overrides.4.member".to_string(), true),
            ]
        );
        let p = &problems(&r)[0];
        assert_eq!(p.index, Some(1));
        assert!(p.message.contains("2026-01-13"), "{}", p.message);
        assert!(!p.hint.is_empty());
    }

    #[test]
    fn problems_of_handoff_and_pairs() {
        let mut r = rotation(Tz::UTC);
        assert!(problems(&r).is_empty());
        r.every = Some(Period { days: 10 });
        assert_eq!(keys(&r), [("handoff".to_string(), false)]);
        r.handoff = parse_handoff("10:00");
        assert!(problems(&r).is_empty());

        let mut r = exchange(&["a"]);
        assert_eq!(keys(&r), [("pairing".to_string(), false)]);
        r.pairs = vec![
            Pair {
                team: reference("a"),
                with: reference("b"),
                index: 0,
            },
            Pair {
                team: reference("c"),
                with: reference("C"),
                index: 1,
            },
        ];
        assert_eq!(
            keys(&r),
            [
                ("pairing".to_string(), true),
                ("pairs.1.with".to_string(), false)
            ]
        );
        r.pairs.clear();
        r.round_robin = false;
        assert_eq!(keys(&r), [("kind".to_string(), true)]);
        r.kind = Some(RotationKind::OnCall);
        r.round_robin = true;
        assert_eq!(keys(&r), [("pairing".to_string(), true)]);
    }
}
