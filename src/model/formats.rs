//! The readers of ADRs written for other tools: one per format, in front of
//! the ADR model.
//!
//! Each reader fills a [`RawAdr`] — what the file says, as written, with
//! where it says it — from the places its format keeps things: a Nygard /
//! adr-tools `## Status` section and `Date:` line, MADR 2 and log4brains
//! `* Status:` / `- Status:` bullet lines, and the `## Links` list. MADR 3
//! and 4 keep them in YAML front matter, which `readers` reads for every
//! format. [`detect`] recognises the format of one file, so a folder that
//! mixes formats works. Nothing here reports problems or changes a file:
//! `readers` types the raw values and says what is wrong with them.

use serde_yaml::{Mapping, Value};

use super::readers::{adr_number_from_stem, parse_adr_reference};
use super::{AdrFormat, Reference};
use crate::check::normalise_heading;
use crate::config::Config;
use crate::diagnostic::Span;
use crate::load::{Heading, Source};

/// A value as written in an ADR's body, with where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Written {
    /// The text, trimmed.
    pub(super) text: String,
    /// Where it starts.
    pub(super) span: Span,
}

/// How one ADR names another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Relation {
    /// This ADR replaces the other.
    Supersedes,
    /// The other replaces this one.
    SupersededBy,
    /// This ADR changes part of the other.
    Amends,
    /// The other changes part of this one.
    AmendedBy,
    /// Any other link in a `## Links` list.
    Related,
}

/// What an imported ADR's body says, as written.
#[derive(Clone, Debug, Default)]
pub(super) struct RawAdr {
    /// The status line (a `## Status` section's first line, or a `Status:` bullet).
    pub(super) status: Option<Written>,
    /// A `Date:` line or bullet.
    pub(super) date: Option<Written>,
    /// A `Deciders:` bullet, split at commas.
    pub(super) deciders: Vec<String>,
    /// A `Tags:` bullet (log4brains), split at commas and spaces.
    pub(super) tags: Vec<String>,
    /// Other ADRs named by status lines, `Supersedes`/`Superseded by`/`Amends`/`Amended by` lines and `## Links`.
    pub(super) links: Vec<(Relation, Reference)>,
}

/// Recognises the format one ADR file is written in.
///
/// MADR 4 front matter names `decision-makers`; front matter with `status`,
/// `deciders`, `consulted` or `informed` beside MADR's sections is MADR 3,
/// and without them Seam's own. Otherwise a `## Status` section is Nygard;
/// MADR's sections under other front matter (a site generator's keys) are
/// MADR 3; `Status:` bullets or MADR's sections are log4brains when the file
/// is named by date, else MADR 2; any other file with front matter is Seam's
/// own, and one without is Nygard.
pub(super) fn detect(source: &Source, front_matter: &Mapping) -> AdrFormat {
    let key = |k: &str| front_matter.contains_key(Value::String(k.into()));
    let madr_sections = source.outline.headings.iter().any(|h| {
        h.level == 2
            && matches!(
                normalise_heading(&h.text).as_str(),
                "context and problem statement" | "considered options" | "decision outcome"
            )
    });
    let date_named = is_date_stem(source.stem());
    if key("decision-makers") {
        return AdrFormat::Madr4;
    }
    if key("status") || key("deciders") || key("consulted") || key("informed") {
        return if madr_sections {
            AdrFormat::Madr3
        } else {
            AdrFormat::Seam
        };
    }
    if status_section(&source.outline.headings).is_some() {
        return AdrFormat::Nygard;
    }
    let text = source.text.get();
    let bullets = preamble(source, &text).any(|(_, line)| {
        is_bullet(line) && matches!(key_value(strip_marker(line).0), Some((k, _)) if k == "status")
    });
    if madr_sections && !bullets && !front_matter.is_empty() {
        // MADR 3 and 4 files whose front matter holds only a site generator's keys.
        return AdrFormat::Madr3;
    }
    if bullets || madr_sections {
        return if date_named {
            AdrFormat::Log4brains
        } else {
            AdrFormat::Madr2
        };
    }
    if !front_matter.is_empty() {
        return AdrFormat::Seam;
    }
    AdrFormat::Nygard
}

/// Reads what the body of an ADR in `format` says: its status, date,
/// deciders, tags and links to other ADRs.
pub(super) fn read_body(format: AdrFormat, source: &Source, config: &Config) -> RawAdr {
    let mut raw = RawAdr::default();
    match format {
        AdrFormat::Nygard => read_nygard(source, config, &mut raw),
        AdrFormat::Madr2 | AdrFormat::Log4brains => read_bullets(source, config, &mut raw),
        AdrFormat::Madr3 | AdrFormat::Madr4 | AdrFormat::Seam => {}
    }
    // Whatever the format, a `Date:` or `Status:` line at the top, and the
    // `## Links` list, say the same things.
    if raw.status.is_none() || raw.date.is_none() {
        read_bullets(source, config, &mut raw);
    }
    read_links_section(source, config, &mut raw);
    raw
}

/// Nygard / adr-tools: the first line of `## Status` is the status; its other
/// lines may link to other ADRs. `Date:` sits under the title.
fn read_nygard(source: &Source, config: &Config, raw: &mut RawAdr) {
    let Some((start, end)) = status_section(&source.outline.headings) else {
        return;
    };
    let whole = source.text.get();
    for (line_no, line) in lines(&whole, start, end) {
        let (text, column) = strip_marker(line);
        let text = text.split("<!--").next().unwrap_or(text).trim_end();
        if text.is_empty() {
            continue;
        }
        if let Some((k, value)) = key_value(text) {
            if k == "date" {
                raw.date
                    .get_or_insert_with(|| written(source, value, line_no, line));
                continue;
            }
            if k == "status" {
                raw.status
                    .get_or_insert_with(|| written(source, value, line_no, line));
                continue;
            }
        }
        let relation = relation_of(text);
        if raw.status.is_none() {
            raw.status = Some(Written {
                text: text.to_string(),
                span: Span::new(&source.file, line_no, column),
            });
        }
        if let Some((relation, rest)) = relation {
            push_links(source, config, raw, relation, rest, line_no, line);
        }
    }
}

/// MADR 2 and log4brains: `* Status:`, `- Deciders:`, `* Date:`, `- Tags:`
/// bullet lines (or plain `Status:` lines) above the first section, and
/// `Supersedes`-style bullets among them.
fn read_bullets(source: &Source, config: &Config, raw: &mut RawAdr) {
    let whole = source.text.get();
    for (line_no, line) in preamble(source, &whole).collect::<Vec<_>>() {
        let (text, _) = strip_marker(line);
        match key_value(text) {
            Some((key, value)) => match key.as_str() {
                "status" => {
                    if raw.status.is_none() {
                        raw.status = Some(written(source, value, line_no, line));
                        if let Some((relation, rest)) = relation_of(value) {
                            push_links(source, config, raw, relation, rest, line_no, line);
                        }
                    }
                }
                "date" | "last updated" | "decision date" => {
                    raw.date
                        .get_or_insert_with(|| written(source, value, line_no, line));
                }
                "deciders" | "decision makers" | "decision-makers" if raw.deciders.is_empty() => {
                    raw.deciders = split_list(value, &[',', ';']);
                }
                "tags" if raw.tags.is_empty() => {
                    raw.tags = split_list(value, &[',', ' ']);
                }
                _ => {
                    if let Some((relation, rest)) = relation_of(text) {
                        push_links(source, config, raw, relation, rest, line_no, line);
                    }
                }
            },
            None => {
                if let Some((relation, rest)) = relation_of(text) {
                    push_links(source, config, raw, relation, rest, line_no, line);
                }
            }
        }
    }
}

/// MADR's `## Links` list: `* Superseded by [ADR-0005](0005-x.md)`,
/// `* Refines [..](..)`; a link with no known relation is related.
fn read_links_section(source: &Source, config: &Config, raw: &mut RawAdr) {
    let headings = &source.outline.headings;
    let Some((start, end)) = section(headings, |h| normalise_heading(&h.text) == "links") else {
        return;
    };
    let whole = source.text.get();
    for (line_no, line) in lines(&whole, start, end) {
        let (text, _) = strip_marker(line);
        let text = text.split("<!--").next().unwrap_or(text).trim_end();
        if text.is_empty() {
            continue;
        }
        let (relation, rest) = relation_of(text).unwrap_or((Relation::Related, text));
        push_links(source, config, raw, relation, rest, line_no, line);
    }
}

/// The lines (1-based number, text) from line `start` up to, not including, `end`, outside code fences.
fn lines(text: &str, start: u32, end: u32) -> impl Iterator<Item = (u32, &str)> {
    let mut fenced = false;
    text.lines()
        .enumerate()
        .map(|(i, l)| (i as u32 + 1, l))
        .skip(start.saturating_sub(1) as usize)
        .take_while(move |(n, _)| *n < end)
        .filter(move |(_, l)| {
            let t = l.trim_start();
            if t.starts_with("```") || t.starts_with("~~~") {
                fenced = !fenced;
                return false;
            }
            !fenced
        })
}

/// The lines of the body before its first section heading (level 2 or deeper).
fn preamble<'t>(source: &Source, text: &'t str) -> impl Iterator<Item = (u32, &'t str)> {
    let start = text[..source.body_start].matches('\n').count() as u32 + 1;
    let end = source
        .outline
        .headings
        .iter()
        .find(|h| h.level >= 2)
        .map_or(u32::MAX, |h| h.line);
    lines(text, start, end)
}

/// The lines of the first section whose heading `matches`: (first line after it, its end).
fn section(headings: &[Heading], matches: impl Fn(&Heading) -> bool) -> Option<(u32, u32)> {
    let at = headings.iter().position(|h| h.level <= 3 && matches(h))?;
    let level = headings[at].level;
    let end = headings[at + 1..]
        .iter()
        .find(|h| h.level <= level)
        .map_or(u32::MAX, |h| h.line);
    Some((headings[at].line + 1, end))
}

/// A `## Status` section, anywhere in the file.
fn status_section(headings: &[Heading]) -> Option<(u32, u32)> {
    section(headings, |h| normalise_heading(&h.text) == "status")
}

/// A line without its list marker (`*`, `-`, `+`) and surrounding space, with
/// the 1-based column where what is left starts.
fn strip_marker(line: &str) -> (&str, u32) {
    let mut rest = line.trim_start();
    if let Some(r) = rest
        .strip_prefix("* ")
        .or_else(|| rest.strip_prefix("- "))
        .or_else(|| rest.strip_prefix("+ "))
    {
        rest = r.trim_start();
    }
    let rest = rest.trim_end();
    (rest, column_of(line, rest))
}

/// The byte offset of `part`, a slice of `line`, in `line`.
fn offset_in(line: &str, part: &str) -> usize {
    let at = (part.as_ptr() as usize).wrapping_sub(line.as_ptr() as usize);
    if at <= line.len() {
        at
    } else {
        line.find(part).unwrap_or(0)
    }
}

/// The 1-based column, in characters, of `part`, a slice of `line`.
fn column_of(line: &str, part: &str) -> u32 {
    line[..offset_in(line, part)].chars().count() as u32 + 1
}

fn is_bullet(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("* ") || t.starts_with("- ") || t.starts_with("+ ")
}

/// `Status: Accepted`, `**Date:** 2020-01-01`, `Deciders: a, b`: the key in
/// lower case, and the value.
fn key_value(text: &str) -> Option<(String, &str)> {
    let (key, value) = text.split_once(':')?;
    let key = key
        .trim()
        .trim_matches(['*', '_'])
        .trim()
        .to_ascii_lowercase();
    if key.is_empty()
        || key.len() > 20
        || !key
            .chars()
            .all(|c| c.is_ascii_alphabetic() || c == ' ' || c == '-')
    {
        return None;
    }
    // Templates keep `<!-- optional -->` after a value; it is no part of it.
    let value = value.split("<!--").next().unwrap_or(value);
    let value = value.trim().trim_start_matches(['*', '_']).trim();
    Some((key, value))
}

/// A [`Written`] value of a `key: value` line: the value's own column.
fn written(source: &Source, value: &str, line_no: u32, line: &str) -> Written {
    let column = column_of(line, value);
    Written {
        text: value.trim().to_string(),
        span: Span::new(&source.file, line_no, column),
    }
}

fn split_list(value: &str, separators: &[char]) -> Vec<String> {
    value
        .split(separators)
        .map(|s| s.trim().trim_matches(['[', ']']).trim())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// The relation a line states, and the rest of the line after its words:
/// `Superseded by [..](..)`, `Supersedes ..`, `Amends ..`, `Amended by ..`,
/// also misspelt `Superceded`, in any case, with emphasis or a colon.
pub(super) fn relation_of(text: &str) -> Option<(Relation, &str)> {
    let t = text.trim_start_matches(|c: char| !c.is_alphanumeric() && c != '[');
    let lower = t.to_ascii_lowercase();
    let phrases: [(&str, Relation); 12] = [
        ("superseded by", Relation::SupersededBy),
        ("superceded by", Relation::SupersededBy),
        ("superseded-by", Relation::SupersededBy),
        ("replaced by", Relation::SupersededBy),
        ("supersedes", Relation::Supersedes),
        ("supercedes", Relation::Supersedes),
        ("replaces", Relation::Supersedes),
        ("amended by", Relation::AmendedBy),
        ("amends", Relation::Amends),
        ("relates to", Relation::Related),
        ("related to", Relation::Related),
        ("refines", Relation::Related),
    ];
    phrases.iter().find_map(|(phrase, relation)| {
        let rest = lower.strip_prefix(phrase)?;
        if rest.starts_with(|c: char| c.is_alphanumeric()) {
            return None;
        }
        let rest = &t[phrase.len()..];
        Some((*relation, rest.trim_start_matches(['*', '_', ':', ' '])))
    })
}

/// Adds the ADRs `rest` (of line `line_no`) names, under `relation`.
fn push_links(
    source: &Source,
    config: &Config,
    raw: &mut RawAdr,
    relation: Relation,
    rest: &str,
    line_no: u32,
    line: &str,
) {
    let base = offset_in(line, rest);
    for (target, at) in adr_targets(rest, &source.rel, config) {
        let column = line[..base + at].chars().count() as u32 + 1;
        let reference = Reference {
            id: target,
            span: Span::new(&source.file, line_no, column),
        };
        if !raw
            .links
            .iter()
            .any(|(r, x)| *r == relation && x.id == reference.id)
        {
            raw.links.push((relation, reference));
        }
    }
}

/// The ADRs a piece of text names, each with its byte offset: the targets of
/// its Markdown links to `.md` files (relative, or absolute from the
/// repository root), as content-relative paths; else the first word that is
/// an ADR id, a number or an ADR's file stem.
pub(super) fn adr_targets(text: &str, from_rel: &str, config: &Config) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(open) = text[at..].find("](") {
        let start = at + open + 2;
        let Some(close) = text[start..].find(')') else {
            break;
        };
        let target = text[start..start + close].trim();
        let target = target.split_whitespace().next().unwrap_or(target);
        let target = target.trim_matches(['<', '>']);
        if let Some(path) = link_path(target, from_rel, config) {
            found.push((path, start));
        } else {
            // A link to a page, not a file: the link's text may still name the ADR.
            let text_start = text[..at + open].rfind('[').map_or(at, |i| i + 1);
            if let Some(id) = id_in_words(&text[text_start..at + open]) {
                found.push((id, text_start));
            }
        }
        at = start + close;
    }
    if found.is_empty()
        && let Some(id) = id_in_words(text)
    {
        let offset = text.find(|c: char| c.is_alphanumeric()).unwrap_or(0);
        found.push((id, offset));
    }
    found
}

/// A link target as a content-relative path of a Markdown file, if it is one.
fn link_path(target: &str, from_rel: &str, config: &Config) -> Option<String> {
    if target.contains("://") || target.starts_with("mailto:") || target.starts_with('#') {
        return None;
    }
    let path = target.split('#').next().unwrap_or(target);
    let path = path.replace("%20", " ");
    let path = match path.strip_suffix(".html") {
        Some(p) => format!("{p}.md"),
        None => path,
    };
    let path = if path.ends_with(".md") {
        path
    } else {
        let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
        if last.is_empty() || last.contains('.') {
            return None;
        }
        format!("{}.md", path.trim_end_matches('/'))
    };
    match path.strip_prefix('/') {
        Some(from_root) => {
            let content = config.content_folder();
            if content == "." {
                Some(from_root.to_string())
            } else {
                from_root
                    .strip_prefix(&content)
                    .and_then(|p| p.strip_prefix('/'))
                    .map(str::to_string)
                    .or_else(|| Some(from_root.to_string()))
            }
        }
        None => crate::load::resolve_relative(from_rel, &path),
    }
}

/// The first word of `text` that names an ADR: `ADR-0005`, `ADR 5`, `#5`,
/// `0005`, `5.` or a file stem (`0005-use-x`, `20201016-use-cqrs`).
fn id_in_words(text: &str) -> Option<String> {
    let words: Vec<&str> = text
        .split(|c: char| {
            c.is_whitespace() || matches!(c, '[' | ']' | '(' | ')' | ',' | ':' | '`' | '*')
        })
        .filter(|w| !w.is_empty())
        .collect();
    // Only the first word counts: "superseded by the new process" names nothing.
    let w = words
        .first()?
        .trim_end_matches(['.', ';'])
        .trim_start_matches('#');
    if w.eq_ignore_ascii_case("adr") {
        let n = words
            .get(1)?
            .trim_end_matches(['.', ';'])
            .parse::<u32>()
            .ok()?;
        return Some(super::adr_id(n));
    }
    if let Some(n) = parse_adr_reference(w, true) {
        return Some(super::adr_id(n));
    }
    if is_date_stem(w) {
        return Some(w.to_string());
    }
    adr_number_from_stem(w).map(super::adr_id)
}

/// Whether a file stem is named by date, as log4brains names files: `20210903-use-x`.
pub(super) fn is_date_stem(stem: &str) -> bool {
    let digits = stem.chars().take_while(|c| c.is_ascii_digit()).count();
    digits == 8 && stem[8..].starts_with(['-', '_'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(rel: &str, text: &str) -> Source {
        let (s, d) =
            crate::load::parse_source(format!("content/{rel}").into(), rel.into(), text.into());
        assert!(d.is_empty(), "{d:?}");
        s.unwrap()
    }

    fn read(rel: &str, text: &str) -> (AdrFormat, RawAdr) {
        let s = source(rel, text);
        let fm = s.front_matter.clone().unwrap_or_default().fields;
        let format = detect(&s, &fm);
        (format, read_body(format, &s, &Config::default()))
    }

    fn links(raw: &RawAdr) -> Vec<(Relation, &str, u32, u32)> {
        raw.links
            .iter()
            .map(|(r, x)| (*r, x.id.as_str(), x.span.line, x.span.column))
            .collect()
    }

    #[test]
    fn nygard_status_sections_give_status_date_and_links() {
        let (format, raw) = read(
            "adrs/0004-x.md",
            "# 4. Use X\n\nDate: 2016-02-12\n\n## Status\n\nAccepted\n\nSupersedes [2. Use Y](0002-use-y.md)\n\nAmended by [5. Z](0005-z.md)\n\n## Context\n\nx\n",
        );
        assert_eq!(format, AdrFormat::Nygard);
        let status = raw.status.clone().unwrap();
        assert_eq!((status.text.as_str(), status.span.line), ("Accepted", 7));
        let date = raw.date.clone().unwrap();
        assert_eq!(
            (date.text.as_str(), date.span.line, date.span.column),
            ("2016-02-12", 3, 7)
        );
        assert_eq!(
            links(&raw),
            vec![
                (Relation::Supersedes, "adrs/0002-use-y.md", 9, 23),
                (Relation::AmendedBy, "adrs/0005-z.md", 11, 19),
            ]
        );
    }

    #[test]
    fn a_status_line_that_is_a_link_is_the_status_and_the_link() {
        let (_, raw) = read(
            "doc/adr/0001-x.md",
            "# 1. X\n\n## Status\n\nSuperceded by [3. New](../adr/0003-new.md)\n",
        );
        assert_eq!(
            raw.status.clone().unwrap().text,
            "Superceded by [3. New](../adr/0003-new.md)"
        );
        assert_eq!(links(&raw)[0].0, Relation::SupersededBy);
        assert_eq!(links(&raw)[0].1, "doc/adr/0003-new.md");
    }

    #[test]
    fn madr_2_and_log4brains_bullets() {
        let (format, raw) = read(
            "adrs/0003-x.md",
            "# Use X\n\n* Status: superseded by [ADR-0005](0005-example.md)\n* Deciders: Ann, Bo\n* Date: 2018-09-01\n\n## Context and Problem Statement\n\nx\n\n## Links\n\n* Refines [ADR-0001](0001-a.md)\n* [ADR-0002](0002-b.md)\n",
        );
        assert_eq!(format, AdrFormat::Madr2);
        assert!(
            raw.status
                .clone()
                .unwrap()
                .text
                .starts_with("superseded by")
        );
        assert_eq!(raw.deciders, vec!["Ann", "Bo"]);
        assert_eq!(raw.date.clone().unwrap().text, "2018-09-01");
        let ids: Vec<(Relation, &str)> = links(&raw).iter().map(|l| (l.0, l.1)).collect();
        assert_eq!(
            ids,
            vec![
                (Relation::SupersededBy, "adrs/0005-example.md"),
                (Relation::Related, "adrs/0001-a.md"),
                (Relation::Related, "adrs/0002-b.md"),
            ]
        );
        let (format, raw) = read(
            "adr/20200925-use-x.md",
            "# Use X\n\n- Status: accepted\n- Date: 2020-09-25\n- Tags: architecture, tooling\n\n## Context and Problem Statement\n",
        );
        assert_eq!(format, AdrFormat::Log4brains);
        assert_eq!(raw.tags, vec!["architecture", "tooling"]);
    }

    #[test]
    fn front_matter_formats_are_told_apart() {
        let (format, _) = read(
            "adrs/0001-x.md",
            "---\nstatus: accepted\ndecision-makers: [a]\n---\n# X\n",
        );
        assert_eq!(format, AdrFormat::Madr4);
        let (format, _) = read(
            "adrs/0001-x.md",
            "---\nstatus: accepted\n---\n# X\n\n## Context and Problem Statement\n\n## Decision Outcome\n",
        );
        assert_eq!(format, AdrFormat::Madr3);
        let (format, _) = read(
            "adrs/0001-x.md",
            "---\nstatus: accepted\n---\n# X\n\n## Context\n",
        );
        assert_eq!(format, AdrFormat::Seam);
    }

    #[test]
    fn targets_are_paths_ids_numbers_or_stems() {
        let c = Config::default();
        let t = |s: &str| {
            adr_targets(s, "adrs/0009-x.md", &c)
                .into_iter()
                .map(|(t, _)| t)
                .collect::<Vec<_>>()
        };
        assert_eq!(t("[ADR-0062](0062-x.md)"), vec!["adrs/0062-x.md"]);
        assert_eq!(t("[x](/content/adrs/0062-x.md)"), vec!["adrs/0062-x.md"]);
        assert_eq!(t("[x](0062-x.html#status)"), vec!["adrs/0062-x.md"]);
        assert_eq!(t("ADR-0123"), vec!["ADR-0123"]);
        assert_eq!(t("ADR 12"), vec!["ADR-0012"]);
        assert_eq!(t("#12"), vec!["ADR-0012"]);
        assert_eq!(t("20201016-use-cqrs"), vec!["20201016-use-cqrs"]);
        assert!(t("the new process").is_empty());
        assert!(t("[docs](https://example.com/x)").is_empty());
    }

    #[test]
    fn relations_are_read_in_any_case_and_spelling() {
        assert_eq!(
            relation_of("**Superseded by:** x").map(|r| r.0),
            Some(Relation::SupersededBy)
        );
        assert_eq!(
            relation_of("supercedes x").map(|r| r.0),
            Some(Relation::Supersedes)
        );
        assert_eq!(relation_of("Amends x").map(|r| r.0), Some(Relation::Amends));
        assert_eq!(relation_of("Supersedesx"), None);
        assert_eq!(relation_of("Accepted"), None);
    }
}
