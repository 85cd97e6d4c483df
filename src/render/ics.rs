//! iCalendar (RFC 5545) files for rotations, for calendar apps to subscribe to.
//!
//! One VEVENT per [`Shift`]: the shifts of the
//! [`HISTORY_DAYS`] before the build's instant, the shift on duty at it, and
//! the next ones. Times are in UTC, so no VTIMEZONE is needed. The output
//! depends only on its inputs (DTSTAMP is the shift's start, not the clock),
//! so rebuilding an unchanged site gives byte-identical files and UIDs that
//! calendar apps can track.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use crate::model::Rotation;
use crate::schedule::{self, Shift};

/// How many days before the build's instant a calendar reaches back, so
/// subscribers see recent history.
pub const HISTORY_DAYS: i64 = 56;

/// A rotation as an iCalendar file (CRLF line endings, folded lines).
///
/// `id` makes the UIDs (`{id}-{start}@seam`), `title` names the calendar
/// and the events, `from` is the build's instant, `shifts` is how many
/// shifts after the one on duty at `from` to include, and `url` (absolute,
/// ideally) links each event to the rotation's page.
pub fn rotation_calendar(
    id: &str,
    title: &str,
    rotation: &Rotation,
    from: DateTime<Utc>,
    shifts: usize,
    url: Option<&str>,
) -> String {
    let tz = rotation.timezone.unwrap_or(Tz::UTC);
    let mut out = String::new();
    let mut line = |l: &str| out.push_str(&fold(l));
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line("PRODID:-//Seam//Seam//EN");
    line("CALSCALE:GREGORIAN");
    line("METHOD:PUBLISH");
    line(&format!("X-WR-CALNAME:{}", escape_text(title)));
    line("REFRESH-INTERVAL;VALUE=DURATION:P1D");
    line("X-PUBLISHED-TTL:P1D");
    for shift in calendar_shifts(rotation, from, shifts) {
        let start = stamp(shift.start);
        line("BEGIN:VEVENT");
        line(&format!(
            "UID:{}",
            escape_text(&format!("{id}-{start}@seam"))
        ));
        line(&format!("DTSTAMP:{start}"));
        line(&format!("DTSTART:{start}"));
        line(&format!("DTEND:{}", stamp(shift.end)));
        line(&format!("SUMMARY:{}", escape_text(&summary(title, &shift))));
        line(&format!(
            "DESCRIPTION:{}",
            escape_text(&description(title, &shift, tz, url))
        ));
        if let Some(url) = url {
            let url: String = url.chars().filter(|c| !c.is_control()).collect();
            line(&format!("URL:{url}"));
        }
        line("TRANSP:TRANSPARENT");
        line("END:VEVENT");
    }
    line("END:VCALENDAR");
    out
}

/// The shifts a calendar holds: those overlapping the [`HISTORY_DAYS`]
/// before `from`, the one on duty at `from`, and `upcoming` more.
pub fn calendar_shifts(rotation: &Rotation, from: DateTime<Utc>, upcoming: usize) -> Vec<Shift> {
    let since = from
        .checked_sub_signed(Duration::days(HISTORY_DAYS))
        .unwrap_or(from);
    let mut out = Vec::new();
    let mut after = 0;
    for shift in schedule::shifts(rotation, since) {
        if shift.start > from {
            if after == upcoming {
                break;
            }
            after += 1;
        }
        out.push(shift);
    }
    out
}

/// `{member} on duty: {title}`, with the pairs of an exchange.
fn summary(title: &str, shift: &Shift) -> String {
    let mut s = format!("{} on duty: {title}", shift.member);
    if !shift.pairs.is_empty() && shift.member != schedule::pairs_text(&shift.pairs) {
        s.push_str(&format!(" ({})", schedule::pairs_text(&shift.pairs)));
    }
    s
}

fn description(title: &str, shift: &Shift, tz: Tz, url: Option<&str>) -> String {
    let local = |t: DateTime<Utc>| t.with_timezone(&tz).format("%a %Y-%m-%d %H:%M %Z");
    let mut d = format!("{} is on duty for {title}.", shift.member);
    if !shift.pairs.is_empty() {
        d.push_str(&format!(
            "\nExchange pairs: {}.",
            schedule::pairs_text(&shift.pairs)
        ));
    }
    if shift.overridden {
        d.push_str("\nThis shift is an override of the regular schedule.");
    }
    d.push_str(&format!(
        "\nFrom {} to {} ({}).",
        local(shift.start),
        local(shift.end),
        tz.name()
    ));
    if let Some(url) = url {
        d.push_str(&format!("\n{url}"));
    }
    d
}

/// A UTC DATE-TIME: `20260105T100000Z`.
fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and
/// newline; carriage returns and other control characters except tab are dropped.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// One content line, folded (RFC 5545 §3.1) so no physical line exceeds 75
/// octets, never inside a UTF-8 character, with the CRLF after each part.
pub fn fold(line: &str) -> String {
    const LIMIT: usize = 75;
    let mut out = String::with_capacity(line.len() + line.len() / 37 + 2);
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > LIMIT {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Override, Period, RotationKind, parse_date, parse_handoff};

    fn unfold(s: &str) -> String {
        s.replace("\r\n ", "")
    }

    fn rotation() -> Rotation {
        Rotation {
            name: None,
            kind: None,
            teams: vec![],
            start: parse_date("2026-01-05").ok(),
            every: Some(Period { days: 7 }),
            handoff: parse_handoff("Mon 10:00"),
            timezone: Some(chrono_tz::Europe::London),
            members: vec!["Priya Raman".into(), "Tomás Ortega".into(), "Ade".into()],
            overrides: vec![Override {
                from: parse_date("2026-03-21").unwrap(),
                to: parse_date("2026-03-24").unwrap(),
                member: "Mei Chen".into(),
                index: 0,
            }],
            pairs: vec![],
            round_robin: false,
        }
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn folds_at_75_octets_without_splitting_characters() {
        let ascii = "DESCRIPTION:".to_string() + &"x".repeat(200);
        let folded = fold(&ascii);
        assert!(folded.ends_with("\r\n"));
        let lines: Vec<_> = folded.trim_end_matches("\r\n").split("\r\n").collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0].len(), 75);
        assert_eq!(lines[1].len(), 75);
        assert!(lines[1].starts_with(' '));
        assert_eq!(unfold(&folded), ascii + "\r\n");

        // Two-, three- and four-byte characters near every boundary.
        for pad in 0..4 {
            let text = format!("SUMMARY:{}{}", "a".repeat(pad), "é€😀".repeat(40));
            let folded = fold(&text);
            for l in folded.trim_end_matches("\r\n").split("\r\n") {
                assert!(l.len() <= 75, "{} octets: {l}", l.len());
                // The line was cut between characters (split would have panicked otherwise)
                // and is non-empty after the fold's space.
                assert!(l.trim_start_matches(' ').chars().count() > 0);
            }
            assert_eq!(unfold(&folded), text.clone() + "\r\n");
        }
        // Short lines are untouched.
        assert_eq!(fold("VERSION:2.0"), "VERSION:2.0\r\n");
        assert_eq!(fold(&"y".repeat(75)), "y".repeat(75) + "\r\n");
        assert_eq!(fold(&"y".repeat(76)), "y".repeat(75) + "\r\n y\r\n");
    }

    #[test]
    fn escapes_text() {
        assert_eq!(
            escape_text("a\\b;c,d\ne\r\nf\rg\u{7}h\ti"),
            "a\\\\b\\;c\\,d\\ne\\nf\\ng".to_string() + "h\ti"
        );
        assert_eq!(escape_text("Tomás: on-call"), "Tomás: on-call");
    }

    #[test]
    fn calendar_structure() {
        let r = rotation();
        let from = utc("2026-03-23T12:00:00Z");
        let ics = rotation_calendar(
            "payments-oncall",
            "Payments on-call, UK; tier 1",
            &r,
            from,
            8,
            Some("https://docs.example.com/rotations/payments-oncall/"),
        );
        // Deterministic.
        assert_eq!(
            ics,
            rotation_calendar(
                "payments-oncall",
                "Payments on-call, UK; tier 1",
                &r,
                from,
                8,
                Some("https://docs.example.com/rotations/payments-oncall/")
            )
        );
        assert!(ics.starts_with(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Seam//Seam//EN\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n"
        ));
        assert!(ics.contains("\r\nX-WR-CALNAME:Payments on-call\\, UK\\; tier 1\r\n"));
        assert!(ics.ends_with("END:VEVENT\r\nEND:VCALENDAR\r\n"));
        // CRLF everywhere, no long lines.
        assert!(!ics.replace("\r\n", "").contains(['\r', '\n']));
        assert!(ics.split("\r\n").all(|l| l.len() <= 75));

        let text = unfold(&ics);
        let events: Vec<&str> = text.split("BEGIN:VEVENT\r\n").skip(1).collect();
        assert_eq!(events.len(), text.matches("END:VEVENT\r\n").count());
        let mut uids = std::collections::BTreeSet::new();
        let mut starts = Vec::new();
        for e in &events {
            let prop = |name: &str| {
                e.lines()
                    .find_map(|l| l.strip_prefix(&format!("{name}:")))
                    .unwrap_or_else(|| panic!("no {name} in {e}"))
                    .to_string()
            };
            let start = prop("DTSTART");
            assert!(uids.insert(prop("UID")));
            assert_eq!(prop("UID"), format!("payments-oncall-{start}@seam"));
            assert_eq!(prop("DTSTAMP"), start);
            assert!(prop("DTEND") > start);
            assert!(start.ends_with('Z') && start.len() == 16);
            assert!(prop("SUMMARY").contains(" on duty: Payments on-call\\, UK\\; tier 1"));
            assert!(prop("DESCRIPTION").contains("\\n"));
            assert_eq!(
                prop("URL"),
                "https://docs.example.com/rotations/payments-oncall/"
            );
            starts.push(start);
        }
        // Eight weeks of history: the shift holding 2026-01-26 12:00 (from − 56 days) comes first.
        assert_eq!(starts[0], "20260126T100000Z");
        // The override across Monday's handoff: Mei Chen from Saturday 00:00 to Wednesday 00:00.
        assert!(text.contains(
            "DTSTART:20260321T000000Z\r\nDTEND:20260325T000000Z\r\nSUMMARY:Mei Chen on duty"
        ));
        // The shift on duty at `from`, then 8 more.
        let current = schedule::on_duty(&r, from).unwrap();
        let i = starts
            .iter()
            .position(|s| *s == stamp(current.start))
            .unwrap();
        assert_eq!(starts.len(), i + 1 + 8);
        assert!(events[i].contains("SUMMARY:Mei Chen on duty"));
        // Sorted, contiguous.
        let mut sorted = starts.clone();
        sorted.sort();
        assert_eq!(sorted, starts);
    }

    #[test]
    fn exchange_summaries_list_pairs() {
        let mut r = rotation();
        r.kind = Some(RotationKind::Exchange);
        r.overrides.clear();
        r.members.clear();
        r.round_robin = true;
        r.teams = ["checkout", "payments", "fulfilment"]
            .iter()
            .map(|t| crate::model::Reference {
                id: t.to_string(),
                span: crate::diagnostic::Span::file_start("r.md"),
            })
            .collect();
        let ics = unfold(&rotation_calendar(
            "x",
            "Exchange",
            &r,
            utc("2026-01-06T00:00:00Z"),
            2,
            None,
        ));
        assert!(ics.contains("SUMMARY:checkout & payments on duty: Exchange\r\n"));
        assert!(ics.contains("SUMMARY:payments & fulfilment on duty: Exchange\r\n"));
        assert!(!ics.contains("URL:"));
        r.members = vec!["ana".into()];
        let ics = unfold(&rotation_calendar(
            "x",
            "Exchange",
            &r,
            utc("2026-01-06T00:00:00Z"),
            2,
            None,
        ));
        assert!(ics.contains("SUMMARY:ana on duty: Exchange (checkout & payments)\r\n"));
        assert!(ics.contains("Exchange pairs: checkout & payments."));
    }

    #[test]
    fn before_the_start_and_unschedulable() {
        let r = rotation();
        let ics = rotation_calendar("p", "P", &r, utc("2025-06-01T00:00:00Z"), 3, None);
        assert_eq!(ics.matches("BEGIN:VEVENT").count(), 3);
        assert!(ics.contains("DTSTART:20260105T100000Z"));
        let empty = Rotation {
            members: vec![],
            ..r
        };
        let ics = rotation_calendar("p", "P", &empty, utc("2026-06-01T00:00:00Z"), 3, None);
        assert!(!ics.contains("BEGIN:VEVENT"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
    }

    /// Writes calendars to /tmp/seam-ics and checks them with
    /// `tests/ics/check_ics.py` (needs `pip install icalendar`).
    #[test]
    #[ignore = "needs python3 with the icalendar package"]
    fn python_icalendar_agrees() {
        let dir = std::path::Path::new("/tmp/seam-ics");
        std::fs::create_dir_all(dir).unwrap();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/ics/check_ics.py");
        let mut daily = rotation();
        daily.every = Some(Period { days: 1 });
        daily.handoff = parse_handoff("01:30");
        let mut ny = rotation();
        ny.timezone = Some(chrono_tz::America::New_York);
        let cases = [
            ("london", rotation(), "2026-03-23T12:00:00Z", 20),
            ("daily", daily, "2026-03-29T12:00:00Z", 40),
            ("ny", ny, "2026-11-03T12:00:00Z", 8),
        ];
        for (name, r, from, n) in cases {
            let from = utc(from);
            let path = dir.join(format!("{name}.ics"));
            let url = "https://docs.example.com/rotations/x/";
            std::fs::write(
                &path,
                rotation_calendar(name, "Some, title; ü", &r, from, n, Some(url)),
            )
            .unwrap();
            // Every shift in the file, probed at its start, middle and last second.
            let mut cmd = std::process::Command::new("python3");
            cmd.arg(script).arg(&path);
            for s in calendar_shifts(&r, from, n) {
                let mid = s.start + (s.end - s.start) / 2;
                for t in [s.start, mid, s.end - Duration::seconds(1)] {
                    let expected = schedule::on_duty(&r, t).unwrap().member;
                    cmd.arg(t.to_rfc3339()).arg(expected);
                }
            }
            let status = cmd.status().unwrap();
            assert!(status.success(), "{name}: see the script's message");
        }
    }
}
