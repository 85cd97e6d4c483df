//! The per-kind readers: one parsed source to a typed [`Document`].
//!
//! [`document_from_source`] settles the kind (from the folder or `kind:`),
//! reads the kind's fields (team, dependency, ADR, alignment, rotation,
//! update), reports keys the kind does not know, and derives the title, id
//! and URL. Also here: ADR numbers and ids from file names and references,
//! imported ADRs (front matter read leniently, the body through
//! `formats`, titles stripped of other tools' numbering), the ids
//! of imported ADRs that share a number ([`settle_adr_ids`]), and rotation
//! periods and handoffs.

use std::cell::RefCell;

use chrono::{NaiveTime, Weekday};
use serde_yaml::Value;

use super::formats::{self, Relation};
use super::yaml::{FieldContext, Fields, Item, timezone_hint};
use super::{
    Adr, AdrFormat, AdrStatus, AdrStatusWord, Alignment, AlignmentStatus, Commitment, Committed,
    CoordinationModel, Dependency, DependencyStatus, DependencyType, Details, DocId, Document,
    Handoff, Kind, Member, Override, Pair, Period, Reference, Risk, Rotation, RotationKind, Team,
    Update, Week,
};
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Span, codes};
use crate::load::Source;
use crate::vocabulary::{FolderFormat, parse_loose_date};

/// Front matter keys every kind accepts.
const COMMON_KEYS: &[&str] = &["kind", "id", "title", "tags", "description"];

/// The kind a file's folder gives it, by the longest configured folder that holds it.
pub fn kind_from_path(rel: &str, config: &Config) -> Kind {
    let mut best: Option<(usize, Kind)> = None;
    for kind in Kind::ALL {
        for dir in config.dirs_for(kind) {
            let dir = dir.trim_matches('/');
            let matches = dir == "." || dir.is_empty() || rel.starts_with(&format!("{dir}/"));
            if matches && best.is_none_or(|(len, _)| dir.len() > len) {
                best = Some((dir.len(), kind));
            }
        }
    }
    best.map(|(_, k)| k).unwrap_or(Kind::Page)
}

/// The number an ADR file name starts with: `0007-x`, `007-x`, `adr-007-x`, `ADR007-x`.
/// A run of more than 5 digits is a date, not a number.
pub fn adr_number_from_stem(stem: &str) -> Option<u32> {
    let lower = stem.to_ascii_lowercase();
    let rest = lower.strip_prefix("adr").unwrap_or(&lower);
    let rest = rest.trim_start_matches(['-', '_']);
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    if digits.is_empty() || digits.len() > 5 {
        return None;
    }
    let after = &rest[digits.len()..];
    if !(after.is_empty() || after.starts_with(['-', '_', '.', ' '])) {
        return None;
    }
    digits.parse().ok()
}

/// The number of the ADR a file name gives, for files known only by their
/// path (on another git branch, or not yet read): `file` is relative to the
/// root, with `/`. `None` for files that are not in an ADR folder, are not
/// Markdown, are an ADR folder's README, index or template, or have no number
/// in their name.
pub fn adr_number_of_file(file: &str, config: &Config) -> Option<u32> {
    let content = config.content_folder();
    let rel = if content == "." {
        file
    } else {
        file.strip_prefix(&content)?.strip_prefix('/')?
    };
    let name = rel.rsplit('/').next()?;
    let mut stem = name.strip_suffix(".md")?;
    if kind_from_path(rel, config) != Kind::Adr || crate::load::is_adr_template(rel, config) {
        return None;
    }
    if stem.eq_ignore_ascii_case("index") {
        // `<slug>/index.md`, one folder per ADR, is named by its folder.
        let folder = config.adr_folder(rel)?;
        let parent = rel.rsplit_once('/').map_or("", |(p, _)| p);
        if parent
            == if folder.dir == "." {
                ""
            } else {
                folder.dir.as_str()
            }
        {
            return None;
        }
        stem = parent.rsplit('/').next()?;
    }
    if stem.eq_ignore_ascii_case("readme") {
        return None;
    }
    adr_number_from_stem(stem)
}

/// The canonical id of ADR number `n`: `ADR-0007`.
pub fn adr_id(n: u32) -> String {
    format!("ADR-{n:04}")
}

/// Reads `ADR-0007`, `ADR-7`, `adr7`, and (when `bare` allows) `7` as an ADR number.
pub fn parse_adr_reference(s: &str, bare: bool) -> Option<u32> {
    let t = s.trim();
    let lower = t.to_ascii_lowercase();
    let digits = match lower.strip_prefix("adr") {
        Some(rest) => rest.trim_start_matches(['-', '_', ' ']),
        None if bare => lower.as_str(),
        None => return None,
    };
    if digits.is_empty() || digits.len() > 5 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// A title from a file stem: `use-postgres` → `Use postgres`.
fn humanise(stem: &str) -> String {
    let s = stem.replace(['-', '_'], " ");
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

/// Strips a `7.` or `ADR-7:` numbering prefix from an ADR's H1.
fn strip_adr_prefix(title: &str) -> &str {
    strip_adr_numbering(title, None).0
}

/// Strips the numbering other tools put before an ADR's title: `7.`,
/// `ADR-7:`, `ADR045:`, `007 -`, `Architecture Decision Record:`, and a bare
/// `23 ` when 23 is the file's number. Returns the title and the number it
/// gave, if any.
fn strip_adr_numbering(title: &str, file_number: Option<u32>) -> (&str, Option<u32>) {
    let mut t = title.trim();
    for lead in [
        "architecture decision record",
        "architectural decision record",
    ] {
        if t.len() >= lead.len()
            && t.is_char_boundary(lead.len())
            && t[..lead.len()].eq_ignore_ascii_case(lead)
        {
            let rest = t[lead.len()..].trim_start();
            if let Some(r) = rest.strip_prefix([':', '-', '–', '—']) {
                t = r.trim_start();
            } else if rest.starts_with(|c: char| c.is_ascii_digit()) {
                t = rest;
            }
        }
    }
    // `XXXX. Draft idea`: a number still to be given.
    let xs = t.chars().take_while(|c| *c == 'X' || *c == 'x').count();
    if xs >= 3
        && let Some(r) = t[xs..]
            .strip_prefix(['.', ':'])
            .or_else(|| t[xs..].strip_prefix(" -"))
        && r.starts_with(' ')
    {
        return (r.trim(), None);
    }
    let lower = t.to_ascii_lowercase();
    let (after, prefixed) = if lower.starts_with("adr") {
        (t[3..].trim_start_matches(['-', '_', ' ', '#']), true)
    } else {
        (t, false)
    };
    let digits = after.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 || digits > 5 {
        return (t, None);
    }
    let number = after[..digits].parse::<u32>().ok();
    let rest = &after[digits..];
    let separated = rest
        .strip_prefix(['.', ':'])
        .or_else(|| rest.trim_start().strip_prefix(['-', '–', '—', ':', '.']));
    match separated {
        Some(r) if r.starts_with(' ') || r.is_empty() => (r.trim(), number),
        // `23 Logging`: only when 23 is this ADR's number, so `2024 roadmap` keeps its year.
        _ if rest.starts_with(' ') && (prefixed || (number.is_some() && number == file_number)) => {
            (rest.trim(), number)
        }
        _ if rest.is_empty() && prefixed => ("", number),
        _ => (t, None),
    }
}

/// Whether a title is a template's placeholder: `[short title of solved
/// problem and solution]`, `{title}`, `<Title>`, `Title`, or nothing.
fn is_placeholder_title(title: &str) -> bool {
    let t = title.trim();
    let wrapped = |open: char, close: char| t.starts_with(open) && t.ends_with(close);
    t.is_empty()
        || (wrapped('[', ']') && !t.contains("]("))
        || wrapped('{', '}')
        || wrapped('<', '>')
        || ["title", "short title", "adr title", "decision title"]
            .contains(&t.to_ascii_lowercase().as_str())
}

/// A stem without its ADR number: `0007-use-postgres` → `use-postgres`.
fn stem_without_number(stem: &str) -> &str {
    let lower = stem.to_ascii_lowercase();
    let rest = if lower.starts_with("adr") {
        &stem[3..]
    } else {
        stem
    };
    let rest = rest.trim_start_matches(['-', '_']);
    let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
    let draft = rest.chars().take_while(|c| *c == 'X' || *c == 'x').count();
    let skip = if digits > 0 {
        digits
    } else if draft >= 3 {
        draft
    } else {
        0
    };
    match rest[skip..].strip_prefix(['-', '_', '.', ' ']) {
        Some(r) if skip > 0 && !r.is_empty() => r,
        _ => stem,
    }
}

/// Types one source. Returns no document only when the file's kind is unknown.
pub fn document_from_source(
    mut source: Source,
    config: &Config,
) -> (Option<Document>, Vec<Diagnostic>) {
    let front_matter = source.front_matter.take().unwrap_or_default();
    let file = source.file.clone();
    let ctx = FieldContext {
        file: &file,
        positions: &front_matter.positions,
        diagnostics: RefCell::new(Vec::new()),
    };
    let fields = Fields {
        ctx: &ctx,
        map: &front_matter.fields,
        prefix: String::new(),
    };
    let mut folder_kind = kind_from_path(&source.rel, config);
    if folder_kind == Kind::Adr {
        // An ADR folder's README or index introduces the ADR index; its template is no document.
        let in_own_folder = config.adr_folder(&source.rel).is_some_and(|f| {
            let parent = source.rel.rsplit_once('/').map_or("", |(p, _)| p);
            parent != if f.dir == "." { "" } else { f.dir.as_str() }
        });
        match source.stem().to_ascii_lowercase().as_str() {
            // `<slug>/index.md` below the ADR folder is that ADR, one folder per ADR.
            "index" if in_own_folder => {}
            "readme" | "index" => folder_kind = Kind::Page,
            "template" => return (None, Vec::new()),
            _ => {}
        }
    }
    let written_kind = fields.string("kind");
    let mut rotation_kind_word = None;
    let kind = match &written_kind {
        Some(k) => match k.parse::<Kind>() {
            Ok(kind) => kind,
            Err(()) if folder_kind == Kind::Rotation => {
                rotation_kind_word = Some(k.clone());
                Kind::Rotation
            }
            Err(()) => {
                ctx.push(
                    Diagnostic::error(
                        codes::UNKNOWN_KIND,
                        fields.span("kind"),
                        format!("`{k}` is not a kind of document"),
                    )
                    .with_hint("use one of team, adr, alignment, rotation, update, page, or remove `kind:` to take it from the folder"),
                );
                return (None, ctx.diagnostics.into_inner());
            }
        },
        None => folder_kind,
    };
    let mut stem = source.stem().to_string();
    let folder = (kind == Kind::Adr)
        .then(|| config.adr_folder(&source.rel))
        .flatten();
    if kind == Kind::Adr && stem.eq_ignore_ascii_case("index") {
        // `<slug>/index.md` in an ADR folder: one folder per ADR, named by the folder.
        if let Some(parent) = source.rel.rsplit('/').nth(1) {
            stem = parent.to_string();
        }
    }
    let imported = folder.as_ref().is_some_and(|f| f.format.is_imported());
    let title_field = fields.string("title");
    let description = fields.string("description");
    let tags = fields
        .strings("tags")
        .into_iter()
        .filter(|r| match tag_unportable(&r.id) {
            None => true,
            Some(why) => {
                ctx.push(
                    Diagnostic::error(
                        codes::UNPORTABLE_ID,
                        r.span.clone(),
                        format!(
                            "the tag `{}` {why}, so no page can be published for it; it is left out",
                            shortened(&r.id.escape_debug().to_string())
                        ),
                    )
                    .with_hint("write a tag of a few words, under 100 characters"),
                );
                false
            }
        })
        .map(|r| r.id)
        .collect();
    let explicit_id = fields.string("id").filter(|id| match unportable(id) {
        None => true,
        Some(why) => {
            ctx.push(
                Diagnostic::error(
                    codes::UNPORTABLE_ID,
                    fields.span("id"),
                    format!(
                        "the id `{}` {why}, so no page can be published at it; the file name is used instead",
                        shortened(&id.escape_debug().to_string())
                    ),
                )
                .with_hint("write an id of letters, digits and `-`, under 100 characters"),
            );
            false
        }
    });

    let mut date = None;
    let mut name_title = None;
    let mut extra_tags: Vec<String> = Vec::new();
    let (details, id) = match kind {
        Kind::Team => {
            let team = read_team(&fields);
            name_title = Some(team.name.clone()).filter(|n| !n.is_empty());
            date = team.updated;
            (Details::Team(team), explicit_id.unwrap_or(stem.clone()))
        }
        Kind::Adr => {
            let mut adr = match folder.as_ref().map(|f| f.format) {
                Some(format @ (FolderFormat::Auto | FolderFormat::Named(_))) => {
                    read_imported_adr(&fields, &source, &stem, config, format, &mut extra_tags)
                }
                _ => read_adr(&fields, &stem),
            };
            date = adr.date;
            adr.id_from_number = explicit_id.is_none() && adr.number.is_some();
            adr.stem = stem.clone();
            let id = match (explicit_id, adr.number) {
                (Some(id), _) => id,
                (None, Some(n)) => adr_id(n),
                (None, None) => stem.clone(),
            };
            (Details::Adr(Box::new(adr)), id)
        }
        Kind::Alignment => (
            Details::Alignment(read_alignment(&fields)),
            explicit_id.unwrap_or(stem.clone()),
        ),
        Kind::Rotation => {
            let rotation = read_rotation(&fields, rotation_kind_word.as_deref());
            name_title = rotation.name.clone();
            date = rotation.start;
            (
                Details::Rotation(Box::new(rotation)),
                explicit_id.unwrap_or(stem.clone()),
            )
        }
        Kind::Update => {
            let update = read_update(&fields, &source.rel, &stem);
            date = fields.date("date").or(update
                .as_ref()
                .map(|u| u.week.sunday().min(u.week.monday() + chrono::Days::new(4))));
            match update {
                Some(u) => {
                    let id =
                        explicit_id.unwrap_or_else(|| format!("updates/{}/{}", u.week, u.team.id));
                    (Details::Update(u), id)
                }
                None => (
                    Details::Page,
                    explicit_id.unwrap_or_else(|| page_id(&source.rel)),
                ),
            }
        }
        Kind::Page => {
            date = fields.date("date");
            (
                Details::Page,
                explicit_id.unwrap_or_else(|| page_id(&source.rel)),
            )
        }
    };
    // Imported ADRs, and the README or index beside them, keep whatever keys
    // their tool uses (`nav_order`, `parent`, `has_children`).
    let imported_page = kind == Kind::Page && crate::load::is_imported_adr(&source.rel, config);
    if !imported && !imported_page {
        let mut allowed: Vec<&str> = COMMON_KEYS.to_vec();
        allowed.extend(kind.allowed_keys());
        fields.report_unknown(&allowed);
    }
    let mut tags: Vec<String> = tags;
    for t in extra_tags {
        if let Some(why) = tag_unportable(&t) {
            ctx.push(Diagnostic::error(
                codes::UNPORTABLE_ID,
                Span::file_start(ctx.file),
                format!(
                    "the tag `{}` {why}, so no page can be published for it; it is left out",
                    shortened(&t.escape_debug().to_string())
                ),
            ));
        } else if !tags.contains(&t) {
            tags.push(t);
        }
    }

    // An update without a week is published as a page (its `missing-field`
    // or `invalid-date` error says why), never through the update template.
    let kind = match (kind, &details) {
        (Kind::Update, Details::Page) => Kind::Page,
        (kind, _) => kind,
    };
    let h1 = if imported {
        imported_title(&source, &details, &ctx)
    } else {
        source.outline.first_h1().map(|h| {
            if kind == Kind::Adr {
                strip_adr_prefix(h).to_string()
            } else {
                h.to_string()
            }
        })
    };
    let title_field = match title_field {
        Some(t) if imported && is_placeholder_title(&t) => {
            placeholder_warning(&ctx, fields.span("title"), &t);
            None
        }
        t => t,
    };
    let title = title_field
        .or(name_title)
        .or(h1)
        .unwrap_or_else(|| match &details {
            Details::Update(u) => format!("{} — {}", u.team.id, u.week),
            Details::Adr(a) if a.imported => humanise(stem_without_number(&stem)),
            _ => humanise(&stem),
        });
    let url = url_for(kind, &id, &details, &source.rel);
    let doc = Document {
        key: DocId::of(&source.rel),
        id,
        kind,
        title,
        description,
        url,
        tags,
        date,
        details,
        source,
    };
    let diagnostics = ctx.diagnostics.into_inner();
    (Some(doc), diagnostics)
}

/// Why an id written in front matter cannot name a folder of the site, if
/// it cannot: `.` and `..` (which would publish over a listing or the home
/// page), control characters, and names too long for a file system.
pub(super) fn unportable(id: &str) -> Option<&'static str> {
    let trimmed = id.trim();
    if trimmed.is_empty() {
        Some("is empty")
    } else if trimmed
        .split(['/', '\\'])
        .any(|part| part == "." || part == "..")
    {
        Some("is or holds `.` or `..`")
    } else if id.chars().any(char::is_control) {
        Some("holds a control character")
    } else if id.len() > 100 {
        Some("is longer than 100 bytes")
    } else if trimmed.split(['/', '\\']).any(reserved_on_windows) {
        Some("is a name Windows reserves for a device")
    } else {
        None
    }
}

/// Why a tag cannot have a page, if it cannot: as for ids, and also when
/// its address (`tags/<slug>/`) would be a name Windows reserves.
fn tag_unportable(tag: &str) -> Option<&'static str> {
    unportable(tag).or_else(|| {
        reserved_on_windows(&crate::load::slugify(tag))
            .then_some("gives an address Windows reserves for a device")
    })
}

/// Whether Windows refuses `name` as a file or folder name: `con`, `prn`,
/// `aux`, `nul`, `com1`–`com9` and `lpt1`–`lpt9`, in any case, alone or
/// before a `.`.
fn reserved_on_windows(name: &str) -> bool {
    let stem = name
        .split('.')
        .next()
        .unwrap_or(name)
        .trim_end()
        .to_ascii_lowercase();
    matches!(stem.as_str(), "con" | "prn" | "aux" | "nul")
        || ((stem.starts_with("com") || stem.starts_with("lpt"))
            && stem.len() == 4
            && matches!(stem.as_bytes()[3], b'1'..=b'9'))
}

/// At most 60 characters of `text`, with `…` where it was cut.
fn shortened(text: &str) -> String {
    match text.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// A page's id: its content-relative path without `.md`.
fn page_id(rel: &str) -> String {
    rel.strip_suffix(".md").unwrap_or(rel).to_string()
}

fn url_for(kind: Kind, id: &str, details: &Details, rel: &str) -> String {
    let slug = |s: &str| s.to_ascii_lowercase().replace([' ', '/'], "-");
    match (kind, details) {
        (Kind::Update, Details::Update(u)) => format!("updates/{}/{}/", u.week, slug(&u.team.id)),
        (Kind::Page, _) | (Kind::Update, _) => {
            let path = page_id(rel);
            let path = path
                .strip_suffix("/index")
                .or_else(|| path.strip_suffix("/README"))
                .unwrap_or(&path);
            if path == "index" || path == "README" {
                String::new()
            } else {
                format!("{path}/")
            }
        }
        _ => format!("{}/{}/", kind.url_dir(), slug(id)),
    }
}

fn read_team(f: &Fields) -> Team {
    let name = f.required_string("name").unwrap_or_default();
    let members = f
        .list("members")
        .into_iter()
        .filter_map(|item| match item {
            Item::Text(name, _) => Some(Member { name, role: None }),
            Item::Map(m) => Some(Member {
                name: m.required_string("name")?,
                role: m.string("role"),
            }),
        })
        .collect();
    let channels = f.string_map("channels");
    let depends_on = f
        .list("depends_on")
        .into_iter()
        .filter_map(|item| match item {
            Item::Map(m) => read_dependency(&m),
            Item::Text(text, span) => {
                f.ctx.push(
                    Diagnostic::error(
                        codes::INVALID_FIELD,
                        span,
                        format!(
                            "a dependency must be a mapping with `on:` and `what:`, not `{text}`"
                        ),
                    )
                    .with_hint(
                        "write `- on: <team id>` and `what: <what you need>` on separate lines",
                    ),
                );
                None
            }
        })
        .collect();
    Team {
        name,
        mission: f.string("mission"),
        lead: f.string("lead"),
        members,
        channels,
        office_hours: f.string("office_hours"),
        coordination_model: f.word(
            "coordination_model",
            CoordinationModel::parse,
            CoordinationModel::WORDS,
        ),
        owns: f.strings("owns").into_iter().map(|r| r.id).collect(),
        depends_on,
        updated: f.date("updated"),
    }
}

fn read_dependency(m: &Fields) -> Option<Dependency> {
    let on = m.reference("on");
    let what = m.required_string("what");
    if on.is_none() {
        m.missing("on", "the team depended on");
    }
    let committed = match m.get("committed") {
        None => Committed::Tbd,
        Some(Value::String(s)) if s.trim().eq_ignore_ascii_case("tbd") => Committed::Tbd,
        Some(_) => m
            .date_or(
                "committed",
                "write the committed date as YYYY-MM-DD, or `TBD` while there is none",
            )
            .map(Committed::Date)
            .unwrap_or(Committed::Tbd),
    };
    let kind = m.word("type", DependencyType::parse, DependencyType::WORDS);
    let need_by = m.date("need_by");
    let status = m.word("status", DependencyStatus::parse, DependencyStatus::WORDS);
    let risk = m.word("risk", Risk::parse, Risk::WORDS);
    let alignment = m.reference("alignment");
    let updated = m.date("updated");
    m.report_unknown(&[
        "on",
        "what",
        "type",
        "need_by",
        "committed",
        "status",
        "risk",
        "fallback",
        "alignment",
        "updated",
        "notes",
    ]);
    let dep = Dependency {
        on: on?,
        what: what?,
        kind,
        need_by,
        committed,
        status,
        risk,
        fallback: m.string("fallback"),
        alignment,
        updated,
        span: m.span(""),
    };
    Some(dep)
}

fn read_adr(f: &Fields, stem: &str) -> Adr {
    let whole = |n: Option<u32>| {
        if n.is_none() {
            f.invalid("number", "a whole number such as 7, from 0 to 4294967295");
        }
        n
    };
    let number = match f.get("number") {
        Some(Value::Number(n)) => whole(n.as_u64().and_then(|n| u32::try_from(n).ok())),
        Some(Value::String(s)) => whole(parse_adr_reference(s, true)),
        Some(_) => whole(None),
        None => None,
    }
    .or_else(|| adr_number_from_stem(stem));
    let status = f.string("status").map(|s| {
        let status = AdrStatus::parse(&s);
        if let AdrStatus::Other(word) = &status {
            f.ctx.push(
                Diagnostic::warning(
                    codes::UNKNOWN_STATUS,
                    f.span("status"),
                    format!("`{word}` is not an ADR status Seam knows; it is shown as written"),
                )
                .with_hint(format!("use one of {}", AdrStatusWord::WORDS.join(", "))),
            );
        }
        status
    });
    Adr {
        number,
        status,
        status_span: f.span("status"),
        date: f.date("date"),
        team: f.reference("team"),
        deciders: f.strings("deciders").into_iter().map(|r| r.id).collect(),
        consulted: f.strings("consulted").into_iter().map(|r| r.id).collect(),
        informed: f.strings("informed").into_iter().map(|r| r.id).collect(),
        affects: f.strings("affects"),
        supersedes: f.strings("supersedes"),
        supersedes_span: f.span("supersedes"),
        superseded_by: f.reference("superseded_by"),
        comment_by: f.date("comment_by"),
        status_changed: f.date("status_changed"),
        status_written: f.string("status"),
        amends: Vec::new(),
        amended_by: Vec::new(),
        related: Vec::new(),
        format: AdrFormat::Seam,
        imported: false,
        id_from_number: false,
        stem: stem.to_string(),
    }
}

/// The title of an imported ADR from its body: the first heading, when it
/// is a level-1 heading (a later one is part of the text), without the
/// numbering other tools put before it. A title whose number is not the
/// file's, or a template's placeholder, is a warning.
fn imported_title(source: &Source, details: &Details, ctx: &FieldContext) -> Option<String> {
    let Details::Adr(adr) = details else {
        return None;
    };
    let first = source.outline.headings.first().filter(|h| h.level == 1)?;
    let span = Span::new(&source.file, first.line, 1);
    let (title, number) = strip_adr_numbering(&first.text, adr.number);
    if let (Some(file), Some(written)) = (adr.number, number)
        && file != written
    {
        ctx.push(
            Diagnostic::warning(
                codes::ADR_TITLE_NUMBER,
                span.clone(),
                format!(
                    "the title says ADR {written}, the file name says {}; Seam uses the file's number",
                    adr_id(file)
                ),
            )
            .with_hint("renumber the title or the file so that they agree"),
        );
    }
    if is_placeholder_title(title) {
        placeholder_warning(ctx, span, &first.text);
        return None;
    }
    Some(title.to_string())
}

fn placeholder_warning(ctx: &FieldContext, span: Span, written: &str) {
    ctx.push(
        Diagnostic::warning(
            codes::PLACEHOLDER_TITLE,
            span,
            format!(
                "`{}` is a template's placeholder, not a title; the file name is used instead",
                written.trim()
            ),
        )
        .with_hint("write the decision's title in the first heading"),
    );
}

/// Text of a front matter value as an imported ADR may write it: a string or
/// number, the one key of a mapping (`status: { accepted }`), or the first
/// item of a list.
fn loose_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Mapping(m) if m.len() == 1 => m.keys().next().and_then(loose_text),
        Value::Sequence(items) => items.first().and_then(loose_text),
        Value::Tagged(t) => loose_text(&t.value),
        _ => None,
    }
}

/// A list in front matter as an imported ADR may write it: a YAML list, or one string with commas.
fn loose_list(value: Option<&Value>) -> Vec<String> {
    match value {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Sequence(items)) => items.iter().filter_map(loose_text).collect(),
        Some(v) => loose_text(v)
            .map(|s| {
                s.split([',', ';'])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// Reads an ADR written for another tool: its front matter (MADR 3 and 4,
/// or any other keys), then what its format keeps in the body (Nygard status
/// sections and `Date:` lines, MADR 2 and log4brains bullets, `## Links`).
/// Front matter wins where both say something. Nothing here is an error:
/// what cannot be read is a warning, and the ADR is kept.
fn read_imported_adr(
    f: &Fields,
    source: &Source,
    stem: &str,
    config: &Config,
    folder: FolderFormat,
    tags: &mut Vec<String>,
) -> Adr {
    let fm = f.map;
    let format = match folder {
        FolderFormat::Named(format) => format,
        _ => formats::detect(source, fm),
    };
    let raw = formats::read_body(format, source, config);
    let number = match f.get("number") {
        Some(v) => loose_text(v).and_then(|s| parse_adr_reference(&s, true)),
        None => None,
    }
    .or_else(|| adr_number_from_stem(stem));
    let get = |keys: &[&'static str]| -> Option<(&'static str, &Value)> {
        keys.iter().find_map(|k| f.get(k).map(|v| (*k, v)))
    };
    let targets = |text: &str, span: &Span| -> Vec<Reference> {
        formats::adr_targets(text, &source.rel, config)
            .into_iter()
            .map(|(id, _)| Reference {
                id,
                span: span.clone(),
            })
            .collect()
    };
    let mut links = raw.links.clone();

    // Status: front matter, else the body's status line.
    let status_written = match get(&["status"]) {
        Some((key, value)) => {
            let span = f.span(key);
            let text = loose_text(value);
            if matches!(value, Value::Mapping(_) | Value::Sequence(_))
                && let Some(t) = &text
            {
                f.ctx.push(
                    Diagnostic::warning(
                        codes::INVALID_FIELD,
                        span.clone(),
                        format!("`status` is written in braces or brackets, which YAML reads as a mapping or list; read as `{t}`"),
                    )
                    .with_hint(format!("write `status: {t}`")),
                );
            }
            text.map(|t| (t, span))
        }
        None => raw.status.clone().map(|w| (w.text, w.span)),
    };
    let mut status_span = Span::file_start(f.ctx.file);
    let mut status = None;
    if let Some((text, span)) = &status_written {
        status_span = span.clone();
        let t = text.trim();
        if (t.starts_with('[') || t.starts_with('{')) && t.contains('|') {
            f.ctx.push(
                Diagnostic::warning(
                    codes::UNKNOWN_STATUS,
                    span.clone(),
                    format!(
                        "`{t}` is the template's list of statuses, not a status; this ADR has none"
                    ),
                )
                .with_hint(format!("write one of {}", AdrStatusWord::WORDS.join(", "))),
            );
        } else if !t.is_empty() {
            let parsed = AdrStatus::parse(t);
            if let AdrStatus::Other(word) = &parsed {
                f.ctx.push(
                    Diagnostic::warning(
                        codes::UNKNOWN_STATUS,
                        span.clone(),
                        format!("`{word}` is not an ADR status Seam knows; it is shown as written"),
                    )
                    .with_hint(format!(
                        "Seam understands {}",
                        AdrStatusWord::WORDS.join(", ")
                    )),
                );
            }
            if get(&["status"]).is_some() {
                // `superseded by [..](..)`, or `accepted; supersedes ADR-0045`.
                for part in t.split(';') {
                    if let Some((relation, rest)) = formats::relation_of(part.trim()) {
                        for r in targets(rest, span) {
                            links.push((relation, r));
                        }
                    }
                }
            }
            status = Some(parsed);
        }
    }

    // Dates: any common way of writing one; what cannot be read is a warning.
    let date_of = |keys: &[&'static str],
                   from_body: Option<&formats::Written>|
     -> Option<chrono::NaiveDate> {
        let (text, span) = match get(keys) {
            Some((key, value)) => (loose_text(value)?, f.span(key)),
            None => {
                let w = from_body?;
                (w.text.clone(), w.span.clone())
            }
        };
        let text = text.trim().to_string();
        if text.is_empty() {
            return None;
        }
        let date = parse_loose_date(&text);
        if date.is_none() {
            let placeholder = text.starts_with(['[', '{', '<']);
            f.ctx.push(
                Diagnostic::warning(
                    codes::INVALID_DATE,
                    span,
                    if placeholder {
                        format!("`{text}` is the template's placeholder, not a date; this ADR has no date")
                    } else {
                        format!("`{text}` is not a date Seam can read; this ADR has no date")
                    },
                )
                .with_hint("write the date as YYYY-MM-DD"),
            );
        }
        date
    };
    let date = date_of(&["date"], raw.date.as_ref());
    let comment_by = date_of(&["comment_by"], None);
    let status_changed = date_of(&["status_changed"], None);

    let mut deciders =
        loose_list(get(&["deciders", "decision-makers", "decision_makers"]).map(|(_, v)| v));
    if deciders.is_empty() {
        deciders = raw.deciders.clone();
    }
    for t in loose_list(get(&["tags"]).map(|(_, v)| v))
        .into_iter()
        .chain(raw.tags.clone())
    {
        if !tags.contains(&t) {
            tags.push(t);
        }
    }
    let team = get(&["team"])
        .and_then(|(k, v)| loose_text(v).map(|id| (k, id)))
        .map(|(k, id)| Reference {
            id: id.trim().to_string(),
            span: f.span(k),
        });
    let affects = loose_list(get(&["affects"]).map(|(_, v)| v))
        .into_iter()
        .map(|id| Reference {
            id,
            span: f.span("affects"),
        })
        .collect();

    // Links written in front matter, as ids, numbers or Markdown links.
    for (keys, relation) in [
        (&["supersedes", "supercedes"][..], Relation::Supersedes),
        (
            &["superseded_by", "superseded-by", "supersededBy"][..],
            Relation::SupersededBy,
        ),
        (&["amends"][..], Relation::Amends),
        (&["amended_by", "amended-by"][..], Relation::AmendedBy),
    ] {
        if let Some((key, value)) = get(keys) {
            let span = f.span(key);
            for text in loose_list(Some(value)) {
                let found = targets(&text, &span);
                if found.is_empty() {
                    links.push((
                        relation,
                        Reference {
                            id: text.trim().to_string(),
                            span: span.clone(),
                        },
                    ));
                }
                links.extend(found.into_iter().map(|r| (relation, r)));
            }
        }
    }
    let of = |relation: Relation| -> Vec<Reference> {
        let mut out: Vec<Reference> = Vec::new();
        for (r, x) in &links {
            if *r == relation && !out.iter().any(|o| o.id == x.id) {
                out.push(x.clone());
            }
        }
        out
    };
    let supersedes = of(Relation::Supersedes);
    let supersedes_span = supersedes
        .first()
        .map_or(status_span.clone(), |r| r.span.clone());
    Adr {
        number,
        status,
        status_span,
        date,
        team,
        deciders,
        consulted: loose_list(get(&["consulted"]).map(|(_, v)| v)),
        informed: loose_list(get(&["informed"]).map(|(_, v)| v)),
        affects,
        supersedes,
        supersedes_span,
        superseded_by: of(Relation::SupersededBy).into_iter().next(),
        comment_by,
        status_changed,
        status_written: status_written.map(|(t, _)| t),
        amends: of(Relation::Amends),
        amended_by: of(Relation::AmendedBy),
        related: of(Relation::Related),
        format,
        imported: true,
        id_from_number: false,
        stem: stem.to_string(),
    }
}

/// Gives each imported ADR whose number another imported ADR also has its
/// file stem as id (and the page that goes with it), so that each keeps a
/// page; every other ADR numbered without `id:` is `ADR-NNNN`. Returns a
/// `duplicate-adr-number` warning per such file. Settled again on every
/// build and rebuild from the documents alone, so the result never depends on
/// the last one.
pub fn settle_adr_ids(documents: &mut [Document]) -> Vec<Diagnostic> {
    let mut by_number: std::collections::BTreeMap<u32, Vec<usize>> = Default::default();
    for (i, d) in documents.iter().enumerate() {
        if let Details::Adr(a) = &d.details
            && a.imported
            && a.id_from_number
            && let Some(n) = a.number
        {
            by_number.entry(n).or_default().push(i);
        }
    }
    let mut out = Vec::new();
    for (n, docs) in by_number {
        let shared = docs.len() > 1;
        for &i in &docs {
            let d = &mut documents[i];
            let Details::Adr(a) = &d.details else {
                continue;
            };
            let id = if shared { a.stem.clone() } else { adr_id(n) };
            if shared {
                let others: Vec<String> = docs
                    .iter()
                    .filter(|&&j| j != i)
                    .map(|&j| crate::diagnostic::display_path(documents[j].file()))
                    .collect();
                let d = &documents[i];
                out.push(
                    Diagnostic::warning(
                        codes::DUPLICATE_ADR_NUMBER,
                        Span::file_start(d.file()),
                        format!("{} is also the number of {}; this ADR is known as `{id}`", adr_id(n), others.join(", ")),
                    )
                    .with_hint("renumber one of them when you can; until then, refer to each by its file name"),
                );
            }
            let d = &mut documents[i];
            if d.id != id {
                d.url = url_for(Kind::Adr, &id, &d.details, &d.source.rel);
                d.id = id;
            }
        }
    }
    out
}

fn read_alignment(f: &Fields) -> Alignment {
    let commitments = f
        .list("commitments")
        .into_iter()
        .filter_map(|item| match item {
            Item::Map(m) => {
                let team = m.reference("team");
                if team.is_none() {
                    m.missing("team", "the committing team");
                }
                let deliverable = m.required_string("deliverable");
                let confidence = m.percentage("confidence");
                let c = Commitment {
                    team: team?,
                    deliverable: deliverable?,
                    date: m.date("date"),
                    confidence,
                };
                m.report_unknown(&["team", "deliverable", "date", "confidence"]);
                Some(c)
            }
            Item::Text(_, span) => {
                f.ctx.push(Diagnostic::error(
                    codes::INVALID_FIELD,
                    span,
                    "a commitment must be a mapping with team, deliverable, date and confidence",
                ));
                None
            }
        })
        .collect();
    Alignment {
        teams: f.strings("teams"),
        teams_span: f.span("teams"),
        owner: f.string("owner"),
        status: f.word("status", AlignmentStatus::parse, AlignmentStatus::WORDS),
        review_by: f.date("review_by"),
        review_by_span: f.span("review_by"),
        commitments,
        adrs: f.strings("adrs"),
        date: f.date("date"),
        updated: f.date("updated"),
    }
}

fn read_rotation(f: &Fields, kind_word: Option<&str>) -> Rotation {
    let kind = kind_word.and_then(|w| {
        let k = RotationKind::parse(w);
        if k.is_none() {
            f.ctx.push(
                Diagnostic::error(
                    codes::UNKNOWN_VALUE,
                    f.span("kind"),
                    format!("`{w}` is not a kind of rotation"),
                )
                .with_hint(format!("use one of {}", RotationKind::WORDS.join(", "))),
            );
        }
        k
    });
    let mut teams = f.strings("teams");
    if let Some(team) = f.reference("team") {
        teams.insert(0, team);
    }
    let every = f.string("every").and_then(|s| match parse_period(&s) {
        Ok(p) => Some(p),
        Err(why) => {
            f.ctx.push(
                Diagnostic::error(codes::INVALID_ROTATION, f.span("every"), why)
                    .with_hint("write a positive number of days or weeks: `1d`, `1w`, `2w`"),
            );
            None
        }
    });
    let handoff = f.string("handoff").and_then(|s| match parse_handoff(&s) {
        Some(h) => Some(h),
        None => {
            f.ctx.push(
                Diagnostic::error(
                    codes::INVALID_ROTATION,
                    f.span("handoff"),
                    format!("`{s}` is not a handoff time"),
                )
                .with_hint("write a weekday and a 24-hour time, e.g. `Mon 10:00`, or just `09:30`"),
            );
            None
        }
    });
    let timezone = f
        .string("timezone")
        .and_then(|s| match s.trim().parse::<chrono_tz::Tz>() {
            Ok(tz) => Some(tz),
            Err(_) => {
                f.ctx.push(
                    Diagnostic::error(
                        codes::UNKNOWN_VALUE,
                        f.span("timezone"),
                        format!("`{s}` is not an IANA time zone"),
                    )
                    .with_hint(timezone_hint(s.trim())),
                );
                None
            }
        });
    let members: Vec<String> = f.strings("members").into_iter().map(|r| r.id).collect();
    let pairing = f.string("pairing");
    let round_robin = match pairing.as_deref().map(str::trim) {
        None => false,
        Some(p) if p.eq_ignore_ascii_case("round-robin") => true,
        Some(p) => {
            f.ctx.push(
                Diagnostic::error(
                    codes::UNKNOWN_VALUE,
                    f.span("pairing"),
                    format!("`{p}` is not a pairing"),
                )
                .with_hint("use `round-robin`, or list `pairs`"),
            );
            false
        }
    };
    let overrides = f
        .list("overrides")
        .into_iter()
        .filter_map(|item| match item {
            Item::Map(m) => {
                let from = m.required_date("from");
                let to = m.required_date("to");
                let member = m.required_string("member");
                Some(Override {
                    from: from?,
                    to: to?,
                    member: member?,
                    index: m.list_index(),
                })
            }
            Item::Text(_, span) => {
                f.ctx.push(Diagnostic::error(
                    codes::INVALID_FIELD,
                    span,
                    "an override must be a mapping with from, to and member",
                ));
                None
            }
        })
        .collect();
    let pairs = f
        .list("pairs")
        .into_iter()
        .filter_map(|item| match item {
            Item::Map(m) => {
                let team = m.reference("team");
                let with = m.reference("with");
                if team.is_none() {
                    m.missing("team", "one team of the pair");
                }
                if with.is_none() {
                    m.missing("with", "the other team of the pair");
                }
                Some(Pair {
                    team: team?,
                    with: with?,
                    index: m.list_index(),
                })
            }
            Item::Text(_, span) => {
                f.ctx.push(Diagnostic::error(
                    codes::INVALID_FIELD,
                    span,
                    "a pair must be a mapping with team and with",
                ));
                None
            }
        })
        .collect();
    let start = f.date("start");
    if f.get("start").is_none() {
        f.missing("start", "the date of the first handoff, YYYY-MM-DD");
    }
    if f.get("every").is_none() {
        f.missing("every", "the time between handoffs, e.g. `1w`");
    }
    if members.is_empty() && f.get("members").is_some() {
        f.ctx.push(
            Diagnostic::error(
                codes::INVALID_ROTATION,
                f.span("members"),
                "this rotation has no members",
            )
            .with_hint("list the people (or teams) on the rotation, in order"),
        );
    } else if members.is_empty() {
        f.missing("members", "the people on the rotation, in order");
    }
    let rotation = Rotation {
        name: f.string("name"),
        kind,
        teams,
        start,
        every,
        handoff,
        timezone,
        members,
        overrides,
        pairs,
        round_robin,
    };
    for p in crate::schedule::problems(&rotation) {
        let span = f.span(&p.key);
        let d = if p.severity_warning {
            Diagnostic::warning(p.code, span, p.message)
        } else {
            Diagnostic::error(p.code, span, p.message)
        };
        f.ctx.push(d.with_hint(p.hint));
    }
    rotation
}

/// The longest period between handoffs: ten years, which keeps every
/// handoff date within the years a calendar can carry.
pub(crate) const MAX_PERIOD_DAYS: u32 = 3653;

/// Parses `1w`, `2w`, `3d`: a positive number of days or weeks, at most
/// ten years (3,653 days).
pub fn parse_period(s: &str) -> Result<Period, String> {
    let t = s.trim().to_ascii_lowercase();
    let (n, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
    let n: u32 = n
        .parse()
        .map_err(|_| format!("`{s}` is not a period such as `1w` or `3d`"))?;
    let days = match unit.trim() {
        "d" | "day" | "days" => n,
        "w" | "week" | "weeks" => n.saturating_mul(7),
        _ => return Err(format!("`{s}` is not a period such as `1w` or `3d`")),
    };
    if days == 0 {
        return Err(format!(
            "`{s}` is zero: a rotation must hand off after some time"
        ));
    }
    if days > MAX_PERIOD_DAYS {
        return Err(format!(
            "`{s}` is longer than ten years ({MAX_PERIOD_DAYS} days): a rotation hands off sooner than that"
        ));
    }
    Ok(Period { days })
}

/// Parses `Mon 10:00` or `09:30`.
pub fn parse_handoff(s: &str) -> Option<Handoff> {
    let mut parts = s.split_whitespace();
    let first = parts.next()?;
    let (weekday, time) = match parts.next() {
        Some(time) => (Some(first.parse::<Weekday>().ok()?), time),
        None => (None, first),
    };
    if parts.next().is_some() {
        return None;
    }
    let time = NaiveTime::parse_from_str(time, "%H:%M").ok()?;
    Some(Handoff { weekday, time })
}

fn read_update(f: &Fields, rel: &str, stem: &str) -> Option<Update> {
    let team = f.reference("team").unwrap_or(Reference {
        id: stem.to_string(),
        span: Span::file_start(f.ctx.file),
    });
    let week = match f.string("week") {
        Some(w) => match w.parse::<Week>() {
            Ok(w) => Some(w),
            Err(why) => {
                f.ctx
                    .push(Diagnostic::error(codes::INVALID_DATE, f.span("week"), why));
                None
            }
        },
        None => rel.split('/').find_map(|seg| seg.parse::<Week>().ok()),
    };
    match week {
        Some(week) => Some(Update { team, week }),
        // An unreadable week is already an `invalid-date` error.
        None if f.get("week").is_some() => None,
        None => {
            f.missing(
                "week",
                "the ISO week, e.g. `week: 2026-W47`, or put the file in updates/2026-W47/",
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// An ADR number reads back from its id and from file names in every
        /// numbering style; six digits or more are a date, not a number.
        #[test]
        fn adr_numbers_read_back_from_ids_and_file_names(
            n in 0u32..=99_999,
            style in proptest::sample::select(vec!["{n:04}-{s}", "{n:03}_{s}", "adr-{n:04}-{s}", "ADR{n}-{s}", "{n}"]),
            slug in "[a-z][a-z-]{0,12}",
        ) {
            proptest::prop_assert_eq!(parse_adr_reference(&adr_id(n), false), Some(n));
            let stem = match style {
                "{n:04}-{s}" => format!("{n:04}-{slug}"),
                "{n:03}_{s}" => format!("{n:03}_{slug}"),
                "adr-{n:04}-{s}" => format!("adr-{n:04}-{slug}"),
                "ADR{n}-{s}" => format!("ADR{n}-{slug}"),
                _ => n.to_string(),
            };
            proptest::prop_assert_eq!(adr_number_from_stem(&stem), Some(n));
            proptest::prop_assert_eq!(adr_number_from_stem(&format!("2026{n:04}-{slug}")), None);
        }

        /// An id is portable exactly when it is a non-empty name of at most
        /// 100 bytes without control characters or `.`/`..` parts.
        #[test]
        fn ids_are_portable_only_as_file_names(id in "\\PC{0,12}|[a-z./\\\\\\x00-\\x1f]{0,8}|[a-z]{95,110}") {
            let trimmed = id.trim();
            let fine = !trimmed.is_empty()
                && id.len() <= 100
                && !id.chars().any(char::is_control)
                && !trimmed.split(['/', '\\']).any(|p| p == "." || p == ".." || reserved_on_windows(p));
            proptest::prop_assert_eq!(unportable(&id).is_none(), fine, "{:?}", id);
        }
    }

    fn doc(rel: &str, text: &str) -> (Option<Document>, Vec<Diagnostic>) {
        let (source, d) =
            crate::load::parse_source(format!("content/{rel}").into(), rel.into(), text.into());
        assert!(d.is_empty(), "{d:?}");
        document_from_source(source.unwrap(), &Config::default())
    }

    #[test]
    fn ids_that_cannot_name_a_folder_are_told_apart() {
        for fine in [
            "payments", "ADR-0007", "a b", "team/sub", "é", "console", "com10", "lpt0",
        ] {
            assert_eq!(unportable(fine), None, "{fine}");
        }
        for (bad, why) in [
            ("..", "is or holds `.` or `..`"),
            (".", "is or holds `.` or `..`"),
            ("a/../b", "is or holds `.` or `..`"),
            ("a\\..", "is or holds `.` or `..`"),
            (" ", "is empty"),
            ("a\0b", "holds a control character"),
            ("a\u{1b}[31m", "holds a control character"),
            ("con", "is a name Windows reserves for a device"),
            ("teams/NUL.txt", "is a name Windows reserves for a device"),
            ("Lpt3", "is a name Windows reserves for a device"),
        ] {
            assert_eq!(unportable(bad), Some(why), "{bad:?}");
        }
        assert_eq!(
            unportable(&"x".repeat(101)),
            Some("is longer than 100 bytes")
        );
        assert_eq!(unportable(&"x".repeat(100)), None);
        assert_eq!(shortened(&"y".repeat(70)).chars().count(), 61);
    }

    #[test]
    fn adr_numbers_come_from_file_names() {
        for (stem, n) in [
            ("0007-use-postgres", Some(7)),
            ("007-x", Some(7)),
            ("adr-007-x", Some(7)),
            ("ADR007-x", Some(7)),
            ("12345-x", Some(12345)),
            ("20210903-x", None),
            ("use-x", None),
            ("7", Some(7)),
            ("7days", None),
        ] {
            assert_eq!(adr_number_from_stem(stem), n, "{stem}");
        }
    }

    #[test]
    fn adr_numbers_of_files_take_only_adr_folders() {
        let c = Config::default();
        assert_eq!(adr_number_of_file("content/adrs/0007-x.md", &c), Some(7));
        assert_eq!(
            adr_number_of_file("content/decisions/sub/012-y.md", &c),
            Some(12)
        );
        for not in [
            "content/adrs/0007-x.txt",
            "content/teams/0007-x.md",
            "content/adrs/README.md",
            "content/adrs/use-x.md",
            "other/adrs/0007-x.md",
            "content/adrsx/0007-x.md",
            "content/adrs/adr-template.md",
            "content/adrs/nygard_template.md",
            "content/adrs/index.md",
        ] {
            assert_eq!(adr_number_of_file(not, &c), None, "{not}");
        }
        assert_eq!(
            adr_number_of_file("content/adrs/0030-one-folder/index.md", &c),
            Some(30)
        );
        // A numbered file is an ADR, whatever its name ends with.
        assert_eq!(
            adr_number_of_file("content/adrs/0009-use-the-service-template.md", &c),
            Some(9)
        );
        let c = Config::parse(
            "content_dir = \".\"\n[kinds.adr]\ndirs = [\"docs/adr\"]",
            std::path::Path::new("seam.toml"),
        )
        .unwrap();
        assert_eq!(adr_number_of_file("docs/adr/0003-z.md", &c), Some(3));
        assert_eq!(adr_number_of_file("adrs/0003-z.md", &c), None);
    }

    #[test]
    fn adr_references_accept_every_spelling() {
        assert_eq!(parse_adr_reference("ADR-0007", false), Some(7));
        assert_eq!(parse_adr_reference("adr-7", false), Some(7));
        assert_eq!(parse_adr_reference("ADR7", false), Some(7));
        assert_eq!(parse_adr_reference("7", false), None);
        assert_eq!(parse_adr_reference("7", true), Some(7));
        assert_eq!(parse_adr_reference("payments", true), None);
    }

    #[test]
    fn adr_titles_drop_their_number() {
        assert_eq!(strip_adr_prefix("7. Use Postgres"), "Use Postgres");
        assert_eq!(strip_adr_prefix("ADR-7: Use Postgres"), "Use Postgres");
        assert_eq!(strip_adr_prefix("2024 roadmap"), "2024 roadmap");
    }

    #[test]
    fn imported_adr_titles_drop_every_numbering_other_tools_write() {
        for (title, file, want, number) in [
            ("7. Use Postgres", Some(7), "Use Postgres", Some(7)),
            ("23 Logging", Some(23), "Logging", Some(23)),
            ("2024 roadmap", Some(3), "2024 roadmap", None),
            ("007 - Three digits", Some(7), "Three digits", Some(7)),
            (
                "ADR045: Cache invalidation",
                Some(45),
                "Cache invalidation",
                Some(45),
            ),
            ("ADR-12 Logging", Some(12), "Logging", Some(12)),
            ("Architecture Decision Record: Use X", None, "Use X", None),
            (
                "Architecture Decision Record: 9. Use X",
                Some(9),
                "Use X",
                Some(9),
            ),
            ("XXXX. Draft idea", None, "Draft idea", None),
            ("12. Disagrees", Some(10), "Disagrees", Some(12)),
            ("Use 2 regions", None, "Use 2 regions", None),
        ] {
            assert_eq!(strip_adr_numbering(title, file), (want, number), "{title}");
        }
        for placeholder in [
            "[short title of solved problem and solution]",
            "{short title}",
            "Title",
            "",
        ] {
            assert!(is_placeholder_title(placeholder), "{placeholder}");
        }
        assert!(!is_placeholder_title(
            "[Kafka](https://kafka.apache.org) for events"
        ));
        assert_eq!(stem_without_number("0007-use-postgres"), "use-postgres");
        assert_eq!(stem_without_number("XXXX-draft-idea"), "draft-idea");
        assert_eq!(stem_without_number("use-x"), "use-x");
    }

    fn imported(rel: &str, text: &str) -> (Option<Document>, Vec<Diagnostic>) {
        let config = Config::parse(
            "[kinds.adr]\nformat = \"auto\"",
            std::path::Path::new("seam.toml"),
        )
        .unwrap();
        let (source, d) = crate::load::parse_source_in(
            format!("content/{rel}").into(),
            rel.into(),
            text.into(),
            true,
        );
        assert!(d.is_empty(), "{d:?}");
        document_from_source(source.unwrap(), &config)
    }

    fn adr_of(doc: &Document) -> &Adr {
        match &doc.details {
            Details::Adr(a) => a,
            _ => panic!("not an ADR"),
        }
    }

    #[test]
    fn imported_adrs_read_status_date_and_links_from_their_format() {
        let (d, diags) = imported(
            "adrs/0003-x.md",
            "\n\n---\nstatus: { accepted }\ndate: September 20, 2024\nnav_order: 3\nparent: Decisions\n---\n# 3. X\n",
        );
        let d = d.unwrap();
        let a = adr_of(&d);
        assert_eq!(a.status, Some(AdrStatus::Known(AdrStatusWord::Accepted)));
        assert_eq!(a.date.map(|d| d.to_string()).as_deref(), Some("2024-09-20"));
        let got: Vec<(&str, u32)> = diags.iter().map(|d| (d.code, d.span.line)).collect();
        assert_eq!(
            got,
            vec![("invalid-field", 4)],
            "one warning for the braces, none for nav_order or parent"
        );
        assert!(
            diags
                .iter()
                .all(|d| d.severity == crate::diagnostic::Severity::Warning)
        );

        let (d, diags) = imported(
            "adrs/0004-y.md",
            "# 4. Y\n\nDate: someday\n\n## Status\n\nSuperseded by [9. Z](0009-z.md)\n",
        );
        let d = d.unwrap();
        let a = adr_of(&d);
        assert_eq!((a.format, d.title.as_str()), (AdrFormat::Nygard, "Y"));
        assert_eq!(a.status, Some(AdrStatus::Known(AdrStatusWord::Superseded)));
        assert_eq!(
            a.superseded_by.as_ref().map(|r| r.id.as_str()),
            Some("adrs/0009-z.md")
        );
        assert_eq!(a.date, None);
        let got: Vec<(&str, u32, u32)> = diags
            .iter()
            .map(|d| (d.code, d.span.line, d.span.column))
            .collect();
        assert_eq!(got, vec![("invalid-date", 3, 7)]);

        // JabRef's MADR 4 files say it in the successor's status.
        let (d, _) = imported(
            "adrs/0057-z.md",
            "---\nstatus: \"accepted; supersedes ADR-0045\"\ndecision-makers: [a]\n---\n# Z\n",
        );
        let d = d.unwrap();
        let a = adr_of(&d);
        assert_eq!(a.status, Some(AdrStatus::Known(AdrStatusWord::Accepted)));
        let ids: Vec<&str> = a.supersedes.iter().map(|r| r.id.as_str()).collect();
        assert_eq!((a.format, ids), (AdrFormat::Madr4, vec!["ADR-0045"]));
    }

    #[test]
    fn an_index_md_in_its_own_folder_is_that_adr() {
        let (d, _) = imported(
            "adrs/0030-one-folder/index.md",
            "# 30. One folder\n\n## Status\n\nAccepted\n",
        );
        let d = d.unwrap();
        assert_eq!(
            (d.kind, d.id.as_str(), d.title.as_str()),
            (Kind::Adr, "ADR-0030", "One folder")
        );
        let (d, _) = imported("adrs/index.md", "# Our decisions\n");
        assert_eq!(d.unwrap().kind, Kind::Page);
    }

    #[test]
    fn periods_and_handoffs() {
        assert_eq!(parse_period("2w").unwrap().days, 14);
        assert_eq!(parse_period("1d").unwrap().days, 1);
        assert!(parse_period("0w").is_err());
        assert!(parse_period("w").is_err());
        assert_eq!(parse_period("521w").unwrap().days, 3647);
        let long = parse_period("3000000w").unwrap_err();
        assert!(long.contains("ten years"), "{long}");
        assert!(parse_period("3654d").is_err());
        let h = parse_handoff("Mon 10:00").unwrap();
        assert_eq!(h.weekday, Some(Weekday::Mon));
        assert!(parse_handoff("09:30").unwrap().weekday.is_none());
        assert!(parse_handoff("Funday 10:00").is_none());
    }

    #[test]
    fn kinds_come_from_folders_and_front_matter() {
        let (d, _) = doc("teams/payments.md", "---\nname: Payments\n---\n");
        let d = d.unwrap();
        assert_eq!(
            (d.kind, d.id.as_str(), d.url.as_str()),
            (Kind::Team, "payments", "teams/payments/")
        );
        let (d, _) = doc("adrs/0007-use-pg.md", "# 7. Use Postgres\n");
        let d = d.unwrap();
        assert_eq!(
            (d.kind, d.id.as_str(), d.title.as_str()),
            (Kind::Adr, "ADR-0007", "Use Postgres")
        );
        let (d, _) = doc("misc/x.md", "---\nkind: team\nname: X\n---\n");
        assert_eq!(d.unwrap().kind, Kind::Team);
        let (d, _) = doc(
            "rotations/oncall.md",
            "---\nkind: on-call\nmembers: [a]\n---\n",
        );
        let d = d.unwrap();
        assert_eq!(d.kind, Kind::Rotation);
        let Details::Rotation(r) = d.details else {
            panic!()
        };
        assert_eq!(r.kind, Some(RotationKind::OnCall));
        let (d, _) = doc("handbook/index.md", "# Handbook\n");
        assert_eq!(d.unwrap().url, "handbook/");
        let (d, _) = doc("updates/2026-W47/payments.md", "## Shipped\n- x\n");
        let d = d.unwrap();
        assert_eq!(
            (d.kind, d.url.as_str()),
            (Kind::Update, "updates/2026-W47/payments/")
        );
    }

    #[test]
    fn lists_are_read_up_to_a_limit_with_an_error_at_the_field() {
        let n = crate::model::yaml::MAX_LIST_ITEMS + 200;
        let deps: String = (0..n)
            .map(|i| format!("  - on: b\n    what: thing {i}\n"))
            .collect();
        let tags: String = (0..n).map(|i| format!("t{i}, ")).collect();
        let (doc, d) = doc(
            "teams/a.md",
            &format!("---\nname: A\ntags: [{tags}]\ndepends_on:\n{deps}---\n"),
        );
        let Details::Team(team) = doc.unwrap().details else {
            panic!("a team")
        };
        assert_eq!(team.depends_on.len(), crate::model::yaml::MAX_LIST_ITEMS);
        let too_long: Vec<(u32, &str)> = d
            .iter()
            .filter(|d| d.message.contains("Seam reads the first"))
            .map(|d| (d.span.line, d.code))
            .collect();
        assert_eq!(
            too_long,
            [(3, "invalid-field"), (4, "invalid-field")],
            "{d:?}"
        );
    }

    #[test]
    fn field_problems_point_at_their_key() {
        let (_, d) = doc(
            "teams/a.md",
            "---\nname: A\nmembers: 42\ncoordination_model: vibes\ndepends_on:\n  - on: b\n    need_by: 2026-02-30\n  - on: c\n    what: x\n    type: pigeon\nnmae: typo\n---\n",
        );
        let got: Vec<(&str, u32)> = d.iter().map(|d| (d.code, d.span.line)).collect();
        assert!(got.contains(&("invalid-field", 3)), "{got:?}");
        assert!(got.contains(&("unknown-value", 4)), "{got:?}");
        assert!(got.contains(&("missing-field", 6)), "{got:?}");
        assert!(got.contains(&("invalid-date", 7)), "{got:?}");
        assert!(got.contains(&("unknown-value", 10)), "{got:?}");
        assert!(got.contains(&("unknown-field", 11)), "{got:?}");
        assert!(got.iter().any(|(c, _)| *c == "unknown-field"));
    }

    #[test]
    fn adr_folder_readme_is_a_page_and_template_is_skipped() {
        let (d, _) = doc("adrs/README.md", "# Decisions\n\nHow we decide.\n");
        let d = d.unwrap();
        assert_eq!((d.kind, d.id.as_str()), (Kind::Page, "adrs/README"));
        let (d, diags) = doc("adrs/template.md", "# NNNN. Title\n");
        assert!(d.is_none() && diags.is_empty());
    }

    #[test]
    fn rotations_need_a_start_and_a_period() {
        let (_, d) = doc("rotations/r.md", "---\nmembers: [a]\n---\n");
        let missing: Vec<&str> = d
            .iter()
            .filter(|d| d.code == "missing-field")
            .map(|d| d.message.as_str())
            .collect();
        assert!(
            missing.iter().any(|m| m.starts_with("`start`")),
            "{missing:?}"
        );
        assert!(
            missing.iter().any(|m| m.starts_with("`every`")),
            "{missing:?}"
        );
    }

    #[test]
    fn adr_numbers_that_are_not_whole_are_errors_at_their_line() {
        for bad in ["-5", "1.5", "99999999999", "seven", "[7]"] {
            let text = format!("---\nstatus: accepted\nnumber: {bad}\n---\n# Title\n");
            let (d, diags) = doc("adrs/0003-x.md", &text);
            let got: Vec<(&str, u32)> = diags.iter().map(|d| (d.code, d.span.line)).collect();
            assert!(got.contains(&("invalid-field", 3)), "{bad}: {got:?}");
            // The file name's number stands in.
            assert_eq!(d.unwrap().id, "ADR-0003", "{bad}");
        }
        let (d, diags) = doc("adrs/x.md", "---\nstatus: accepted\nnumber: 12\n---\n# T\n");
        assert!(diags.iter().all(|d| d.code != "invalid-field"), "{diags:?}");
        assert_eq!(d.unwrap().id, "ADR-0012");
    }
}
