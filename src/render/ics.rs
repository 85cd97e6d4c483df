//! iCalendar (RFC 5545) files for rotations, for calendar apps to subscribe to.
//!
//! One VEVENT per [`Shift`]: the shifts of the
//! [`HISTORY_DAYS`] before the build's instant, the shift on duty at it, and
//! the next ones. Times are in UTC, so no VTIMEZONE is needed. The output
//! depends only on its inputs (DTSTAMP is the shift's start, not the clock),
//! so rebuilding an unchanged site gives byte-identical files and UIDs that
//! calendar apps can track.

use std::fmt::Write as _;

use chrono::format::{Item, StrftimeItems};
use chrono::{DateTime, Datelike, Duration, Timelike, Utc};
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
    let shifts = calendar_shifts(rotation, from, shifts);
    let mut cal = Lines {
        out: String::with_capacity(400 + shifts.len() * 520),
        line: String::new(),
    };
    for l in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Seam//Seam//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        cal.raw(l);
    }
    cal.text("X-WR-CALNAME:", [title]);
    cal.raw("REFRESH-INTERVAL;VALUE=DURATION:P1D");
    cal.raw("X-PUBLISHED-TTL:P1D");
    // Read once: formatting parses its pattern on every use otherwise.
    let local: Vec<Item> = StrftimeItems::new("%a %Y-%m-%d %H:%M %Z").collect();
    let url: Option<String> = url.map(|u| u.chars().filter(|c| !c.is_control()).collect());
    let mut start = String::new();
    let mut text = String::new();
    for shift in &shifts {
        start.clear();
        push_stamp(&mut start, shift.start);
        cal.raw("BEGIN:VEVENT");
        cal.text("UID:", [id, "-", &start, "@seam"]);
        cal.plain(&["DTSTAMP:", &start]);
        cal.plain(&["DTSTART:", &start]);
        text.clear();
        push_stamp(&mut text, shift.end);
        cal.plain(&["DTEND:", &text]);
        text.clear();
        push_summary(&mut text, title, shift);
        cal.text("SUMMARY:", [text.as_str()]);
        text.clear();
        push_description(&mut text, title, shift, tz, &local, url.as_deref());
        cal.text("DESCRIPTION:", [text.as_str()]);
        if let Some(url) = &url {
            cal.plain(&["URL:", url]);
        }
        cal.raw("TRANSP:TRANSPARENT");
        cal.raw("END:VEVENT");
    }
    cal.raw("END:VCALENDAR");
    cal.out
}

/// A calendar being written: each content line is put together in `line`,
/// then folded onto `out`.
struct Lines {
    out: String,
    line: String,
}

impl Lines {
    /// A line as it is, folded.
    fn raw(&mut self, line: &str) {
        fold_into(&mut self.out, line);
    }

    /// A line of these pieces, as they are.
    fn plain(&mut self, pieces: &[&str]) {
        self.line.clear();
        for p in pieces {
            self.line.push_str(p);
        }
        fold_into(&mut self.out, &self.line);
    }

    /// A property `name` (with its colon) whose TEXT value is these pieces, escaped.
    fn text<'a>(&mut self, name: &str, value: impl IntoIterator<Item = &'a str>) {
        self.line.clear();
        self.line.push_str(name);
        for v in value {
            escape_into(&mut self.line, v);
        }
        fold_into(&mut self.out, &self.line);
    }
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
fn push_summary(s: &mut String, title: &str, shift: &Shift) {
    let _ = write!(s, "{} on duty: {title}", shift.member);
    if !shift.pairs.is_empty() {
        let pairs = schedule::pairs_text(&shift.pairs);
        if shift.member != pairs {
            let _ = write!(s, " ({pairs})");
        }
    }
}

fn push_description(
    d: &mut String,
    title: &str,
    shift: &Shift,
    tz: Tz,
    local: &[Item],
    url: Option<&str>,
) {
    let local = |t: DateTime<Utc>| t.with_timezone(&tz).format_with_items(local.iter());
    let _ = write!(d, "{} is on duty for {title}.", shift.member);
    if !shift.pairs.is_empty() {
        let _ = write!(
            d,
            "\nExchange pairs: {}.",
            schedule::pairs_text(&shift.pairs)
        );
    }
    if shift.overridden {
        d.push_str("\nThis shift is an override of the regular schedule.");
    }
    let _ = write!(
        d,
        "\nFrom {} to {} ({}).",
        local(shift.start),
        local(shift.end),
        tz.name()
    );
    if let Some(url) = url {
        let _ = write!(d, "\n{url}");
    }
}

/// Appends a UTC DATE-TIME: `20260105T100000Z`.
fn push_stamp(out: &mut String, t: DateTime<Utc>) {
    if !(0..=9999).contains(&t.year()) {
        // A year that needs a sign, as chrono writes it.
        let _ = write!(out, "{}", t.format("%Y%m%dT%H%M%SZ"));
        return;
    }
    let _ = write!(
        out,
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
}

/// Escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and
/// newline; carriage returns and other control characters except tab are dropped.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

/// [`escape_text`], appended to `out`.
fn escape_into(out: &mut String, s: &str) {
    // Most text needs no escape: copied whole.
    if !s
        .bytes()
        .any(|b| matches!(b, b'\\' | b';' | b',') || b.is_ascii_control() || b >= 0x80)
    {
        out.push_str(s);
        return;
    }
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
}

/// One content line, folded (RFC 5545 §3.1) so no physical line exceeds 75
/// octets, never inside a UTF-8 character, with the CRLF after each part.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 37 + 2);
    fold_into(&mut out, line);
    out
}

/// [`fold`], appended to `out`.
fn fold_into(out: &mut String, line: &str) {
    const LIMIT: usize = 75;
    let mut rest = line;
    // The first physical line holds 75 octets, each one after it a space and 74.
    let mut room = LIMIT;
    while rest.len() > room {
        let mut cut = room;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        room = LIMIT - 1;
    }
    out.push_str(rest);
    out.push_str("\r\n");
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
    fn stamps_are_what_chrono_writes() {
        for t in [
            "2026-01-05T10:00:00Z",
            "0001-02-03T04:05:06Z",
            "9999-12-31T23:59:59Z",
            "+10000-01-01T00:00:00Z",
        ] {
            let t: DateTime<Utc> = t.parse().unwrap();
            let mut s = String::new();
            push_stamp(&mut s, t);
            assert_eq!(s, t.format("%Y%m%dT%H%M%SZ").to_string());
        }
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
            .position(|s| {
                let mut start = String::new();
                push_stamp(&mut start, current.start);
                *s == start
            })
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
