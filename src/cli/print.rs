//! What the commands print to the terminal: problems in each `--format`, the
//! one-line problem counts, the tables of `list`, `deps` and `rotations`, the
//! tracker as CSV, and rows as JSON.

use std::borrow::Cow;
use std::io::{IsTerminal, Write};

use anyhow::Result;
use serde::Serialize;

use seam::diagnostic::{Counts, Diagnostic};
use seam::site;

use super::args::Format;

/// `s` made safe to print on a terminal: control characters other than
/// newlines (ESC, BEL, CR, …) and the characters that reorder text on screen
/// (bidirectional overrides) are written as `\u{1b}`, so text from a docs
/// repo can neither drive the terminal nor hide what it says.
pub(crate) fn shown(s: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !s.contains(unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Prints every problem to stdout, one per line (or block) in `format`.
pub(crate) fn print_problems(diagnostics: &[Diagnostic], format: Format) {
    let mut out = std::io::stdout().lock();
    for d in diagnostics {
        let _ = match format {
            Format::Human => writeln!(out, "{}", shown(&d.to_human())),
            // JSON escapes control characters itself.
            Format::Json => writeln!(out, "{}", d.to_json()),
            Format::Github => writeln!(out, "{}", shown(&d.to_github())),
        };
    }
}

/// `1 error, 2 warnings`.
pub(crate) fn summary_counts(c: Counts) -> String {
    let plural = |n: usize, w: &str| {
        if n == 1 {
            format!("{n} {w}")
        } else {
            format!("{n} {w}s")
        }
    };
    format!(
        "{}, {}",
        plural(c.errors, "error"),
        plural(c.warnings, "warning")
    )
}

/// Prints rows as pretty JSON, for `--format json`.
pub(crate) fn print_json<T: Serialize + ?Sized>(rows: &T) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(rows)?);
    Ok(())
}

/// The documents of `seam list` as a table; long titles are cut at 48 columns.
pub(crate) fn print_table(rows: &[site::DocumentRow]) {
    let header = [
        "ID",
        "KIND",
        "TITLE",
        "STATUS",
        "DATE",
        "TEAM",
        "FILE",
        "REFERENCES",
    ];
    let cells: Vec<[String; 8]> = rows
        .iter()
        .map(|r| {
            let mut title = shown(&r.title).into_owned();
            if title.chars().count() > 48 {
                title = title.chars().take(47).collect::<String>() + "…";
            }
            let opt = |o: &Option<String>| shown(o.as_deref().unwrap_or_default()).into_owned();
            [
                shown(&r.id).into_owned(),
                r.kind.to_string(),
                title,
                opt(&r.status),
                opt(&r.date),
                opt(&r.team),
                shown(&r.file).into_owned(),
                shown(&r.references.join(",")).into_owned(),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.len());
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = std::io::stdout().lock();
    let line = |out: &mut std::io::StdoutLock, cols: Vec<&str>| {
        let s: Vec<String> = cols
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(i, (c, w))| {
                if i == 7 {
                    c.to_string()
                } else {
                    format!("{c:<w$}")
                }
            })
            .collect();
        let _ = writeln!(out, "{}", s.join("  ").trim_end());
    };
    line(&mut out, header.to_vec());
    for row in &cells {
        line(&mut out, row.iter().map(String::as_str).collect());
    }
}

/// Colours only on a terminal, and never when NO_COLOR is set.
pub(crate) fn colour_on_stdout() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// `s` cut to `width` characters, the last one `…` when cut.
fn truncate(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        s.chars().take(width.saturating_sub(1)).collect::<String>() + "…"
    }
}

/// The tracker as a table that fits 100 columns; flags go on a second line.
pub(crate) fn print_deps(rows: &[site::DependencyRow], colour: bool) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "{:<6}  {:<26}  {:<10}  {:<10}  {:<11}  WHAT",
        "RISK", "TEAM → ON", "NEED BY", "COMMITTED", "STATUS"
    );
    for r in rows {
        let risk = format!("{:<6}", r.risk);
        let risk = if colour {
            let code = match r.risk.as_str() {
                "high" => "31;1",
                "medium" => "33",
                _ => "32",
            };
            format!("\x1b[{code}m{risk}\x1b[0m")
        } else {
            risk
        };
        let _ = writeln!(
            out,
            "{risk}  {:<26}  {:<10}  {:<10}  {:<11}  {}",
            truncate(&shown(&format!("{} → {}", r.team, r.on)), 26),
            shown(r.need_by.as_deref().unwrap_or("—")),
            shown(&r.committed),
            truncate(&shown(r.status.as_deref().unwrap_or("")), 11),
            truncate(&shown(&r.what), 26)
        );
        if !r.flags.is_empty() {
            let _ = writeln!(out, "{:8}{}", "", shown(&r.flags.join(", ")));
        }
    }
}

/// The tracker as RFC 4180 CSV with a header row, for `seam deps --format csv`.
/// The fields are data, written as the documents give them (quoted where
/// needed), not [shown](shown) for a terminal.
pub(crate) fn write_deps_csv(rows: &[site::DependencyRow]) -> Result<()> {
    let mut w = csv::Writer::from_writer(std::io::stdout().lock());
    w.write_record([
        "team",
        "on",
        "what",
        "type",
        "need_by",
        "committed",
        "status",
        "owner_risk",
        "risk",
        "flags",
        "fallback",
        "alignment",
        "updated",
        "source",
    ])?;
    for r in rows {
        let opt = |o: &Option<String>| o.clone().unwrap_or_default();
        w.write_record([
            r.team.clone(),
            r.on.clone(),
            r.what.clone(),
            opt(&r.kind),
            opt(&r.need_by),
            r.committed.clone(),
            opt(&r.status),
            opt(&r.owner_risk),
            r.risk.clone(),
            r.flags.join(" "),
            opt(&r.fallback),
            opt(&r.alignment),
            opt(&r.updated),
            r.source.clone(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Who is on duty in each rotation, one line each, pairs underneath.
pub(crate) fn print_duty(rows: &[site::DutyRow]) {
    let w = rows
        .iter()
        .map(|r| r.rotation.chars().count())
        .max()
        .unwrap_or(8)
        .max(8);
    for r in rows {
        let duty = match (&r.member, &r.until) {
            (Some(m), Some(u)) => format!("{m} until {u}"),
            _ => "nobody (not started, or no schedule)".into(),
        };
        println!("{:<w$}  {}", shown(&r.rotation), shown(&duty));
        for (a, b) in &r.pairs {
            println!("{:<w$}    {} ↔ {}", "", shown(a), shown(b));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::shown;

    #[test]
    fn text_from_a_repo_cannot_drive_the_terminal() {
        assert_eq!(shown("plain ✓ text\nnext line"), "plain ✓ text\nnext line");
        assert_eq!(
            shown("a\u{1b}[2Jb\u{7}c\rd\u{202e}e\0"),
            "a\\u{1b}[2Jb\\u{7}c\\u{d}d\\u{202e}e\\u{0}"
        );
    }
}
