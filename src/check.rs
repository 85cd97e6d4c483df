//! Stage 4: every rule of SPEC §2–§4 that looks across fields or documents,
//! read off the linked site.
//!
//! Field-level problems were found while typing (`model`); here are required
//! sections, references, duplicate ids and ADR numbers, supersession,
//! alignment rules, dependency flags and loops. In folders of imported ADRs
//! the rules are the format's and gentler (sections at any level, the
//! format's section names, link problems as warnings, nothing asked of a
//! file Seam must not rewrite). References, risk, supersession
//! and loops were worked out once by `link`; the rules only read them. Nothing
//! is printed: the result is a list of diagnostics, and documents are never
//! changed. [`number_collisions`] (`seam check --against`) also asks git
//! which ADR numbers another branch added.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Span, codes, display_path};
use crate::git::{Git, GitError};
use crate::link::{Form, Resolution, Resolved, Site};
use crate::model::{
    AdrStatus, AdrStatusWord, AlignmentStatus, Details, DocId, Document, IdMap, Kind,
};
use crate::risk::Flag;

/// Words above which an alignment is too long to be read in a meeting.
pub const ALIGNMENT_MAX_WORDS: usize = 1000;

/// The sections of a weekly update; it needs at least one.
pub const UPDATE_SECTIONS: [&str; 4] = [
    "Shipped",
    "Working On",
    "Looking for Input On|Looking for Input",
    "Blockers",
];

/// Runs every rule over the linked site.
pub fn check(site: &Site) -> Vec<Diagnostic> {
    let found = check_documents(site, None);
    let mut diagnostics: Vec<Diagnostic> =
        in_file_order(&site.documents, &found).cloned().collect();
    diagnostics.extend(check_across(site));
    diagnostics
}

/// Each document's own problems, by id.
pub type Checked = IdMap<Vec<Diagnostic>>;

/// Every document's own problems, the documents in file-path order.
pub fn in_file_order<'c>(
    documents: &'c crate::model::Documents,
    checked: &'c Checked,
) -> impl Iterator<Item = &'c Diagnostic> + 'c {
    documents
        .keys()
        .flat_map(|key| checked.get(&key).into_iter().flatten())
}

/// The rules about one document at a time, for every document: each one's problems.
///
/// With `unchanged`, the problems of the last check and the documents read
/// again since, only those documents are checked again. That is valid when
/// linking kept every other document's references (see
/// [`crate::link::Unchanged`]): a document's own rules read only the
/// document, its references and the ids and kinds they name.
pub fn check_documents(site: &Site, unchanged: Option<(Checked, &[DocId])>) -> Checked {
    match unchanged {
        Some((mut last, reread)) => {
            for &i in reread {
                last.insert(i, check_document(site, i));
            }
            last
        }
        None => site
            .documents
            .as_slice()
            .par_iter()
            .map(|d| (d.key, check_document(site, d.key)))
            .collect(),
    }
}

/// The rules that look across documents: dependency flags, duplicate ids and numbers, supersession, loops.
pub fn check_across(site: &Site) -> Vec<Diagnostic> {
    let mut diagnostics = check_dependencies(site);
    diagnostics.extend(check_duplicates(site));
    diagnostics.extend(check_addresses(site));
    diagnostics.extend(check_asset_addresses(site));
    diagnostics.extend(check_supersession(site));
    diagnostics.extend(check_dependency_cycles(site));
    diagnostics
}

/// Lowercase words of a heading, without punctuation: how section names are compared.
pub fn normalise_heading(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut gap = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.push(c.to_ascii_lowercase());
        } else {
            gap = true;
        }
    }
    out
}

/// Whether a document has a level-2 heading matching any alias of `section` (`A|B`).
pub fn has_section(doc: &Document, section: &str) -> bool {
    has_heading(&section_headings(doc), section)
}

/// A document's level-2 headings, normalised; for an imported ADR, its
/// headings of every level below the title (MADR keeps `### Consequences`
/// under `## Decision Outcome`).
fn section_headings(doc: &Document) -> Vec<String> {
    let any_level = matches!(&doc.details, Details::Adr(a) if a.imported);
    doc.source
        .outline
        .headings
        .iter()
        .filter(|h| h.level == 2 || (any_level && h.level > 2))
        .map(|h| normalise_heading(&h.text))
        .collect()
}

/// The required and recommended sections of a document: its kind's, or for
/// an imported ADR its folder's and format's.
fn sections_of(doc: &Document, config: &Config) -> (Vec<String>, Vec<String>) {
    match &doc.details {
        Details::Adr(a) if a.imported => config.imported_adr_sections(&doc.source.rel, a.format),
        _ => (
            config.required_sections(doc.kind),
            config.recommended_sections(doc.kind),
        ),
    }
}

/// Whether normalised `headings` hold any alias of `section` (`A|B`).
fn has_heading(headings: &[String], section: &str) -> bool {
    section
        .split('|')
        .any(|alias| headings.contains(&normalise_heading(alias)))
}

fn section_name(section: &str) -> &str {
    section.split('|').next().unwrap_or(section).trim()
}

fn check_document(site: &Site, i: DocId) -> Vec<Diagnostic> {
    let doc = &site.documents[i];
    let config: &Config = &site.config;
    let today = site.today;
    let mut out = Vec::new();
    let file = doc.file();
    let headings = section_headings(doc);
    let (required, recommended) = sections_of(doc, config);
    // An existing collection was written to its own template: until
    // `seam.toml` says which sections its folder keeps, a missing one only warns.
    let gentle = matches!(&doc.details, Details::Adr(a) if a.imported)
        && !config.imported_sections_are_set(&doc.source.rel);
    for section in required {
        if !has_heading(&headings, &section) {
            let name = section_name(&section);
            let message = format!("this {} has no `## {name}` section", doc.kind);
            let found = if gentle {
                Diagnostic::warning(codes::MISSING_SECTION, Span::file_start(file), message)
                    .with_hint(format!(
                        "{}, or set `required_sections` in this folder's `[kinds.adr]` entry to the sections your ADRs keep",
                        section_hint(&section)
                    ))
            } else {
                Diagnostic::error(codes::MISSING_SECTION, Span::file_start(file), message)
                    .with_hint(section_hint(&section))
            };
            out.push(found);
        }
    }
    if let Some((count, line, column)) = doc.source.outline.references_left_out {
        out.push(
            Diagnostic::warning(
                codes::TOO_MANY_LINKS,
                Span::new(file, line, column),
                format!(
                    "this file links to other documents {} times: the {count} links from here on are published but not checked",
                    count + crate::load::MAX_REFERENCES
                ),
            )
            .with_hint(format!(
                "Seam checks the first {} links of a file; split it into smaller documents",
                crate::load::MAX_REFERENCES
            )),
        );
    }
    for link in &doc.source.outline.odd_links {
        if !config.link_schemes.contains(&link.scheme) {
            out.push(
                Diagnostic::warning(
                    codes::UNSAFE_LINK,
                    Span::new(file, link.line, link.column),
                    format!(
                        "the address `{}` is left out (a link keeps only its text): the site does not allow `{}:` addresses",
                        link.written, link.scheme
                    ),
                )
                .with_hint(format!(
                    "link to an {} address or a relative one; to allow a scheme such as `tel`, add it to `link_schemes` in seam.toml (schemes that run script never are)",
                    config.link_schemes.join(", ")
                )),
            );
        }
    }
    for section in recommended {
        if !has_heading(&headings, &section) {
            out.push(
                Diagnostic::warning(
                    codes::MISSING_RECOMMENDED_SECTION,
                    Span::file_start(file),
                    format!(
                        "this {} has no `## {}` section",
                        doc.kind,
                        section_name(&section)
                    ),
                )
                .with_hint(section_hint(&section)),
            );
        }
    }
    let imported = matches!(&doc.details, Details::Adr(a) if a.imported);
    out.extend(site.links.references.of(i).iter().filter_map(|r| {
        match broken_reference(site, r) {
            // An imported ADR's links to other ADRs were read from its body:
            // a broken Markdown link is reported there already, and a
            // word that does not name an ADR is no more than a warning.
            Some(_)
                if imported
                    && r.form == Form::Field(Kind::Adr)
                    && doc
                        .source
                        .outline
                        .references
                        .iter()
                        .any(|b| b.line == r.span.line) =>
            {
                None
            }
            Some(d) if imported && r.form == Form::Field(Kind::Adr) => Some(Diagnostic {
                severity: crate::diagnostic::Severity::Warning,
                ..d
            }),
            d => d,
        }
    }));
    match &doc.details {
        Details::Team(team) => {
            for dep in &team.depends_on {
                if dep.on.id == doc.id {
                    out.push(
                        Diagnostic::error(
                            codes::SELF_DEPENDENCY,
                            dep.on.span.clone(),
                            format!("team `{}` depends on itself", doc.id),
                        )
                        .with_hint("name the team you depend on in `on:`; work inside a team is not a dependency"),
                    );
                }
            }
        }
        Details::Alignment(al) => {
            let parties: BTreeSet<String> = al
                .teams
                .iter()
                .map(|t| canonical_team(site, &t.id))
                .collect();
            if parties.len() < 2 {
                out.push(
                    Diagnostic::error(
                        codes::TOO_FEW_PARTIES,
                        al.teams_span.clone(),
                        format!(
                            "an alignment needs at least two teams; this one has {}",
                            parties.len()
                        ),
                    )
                    .with_hint(
                        "list every party in `teams: [a, b]`; a plan inside one team is a page",
                    ),
                );
            }
            for c in &al.commitments {
                if !parties.contains(&canonical_team(site, &c.team.id)) {
                    out.push(
                        Diagnostic::warning(
                            codes::COMMITMENT_NOT_PARTY,
                            c.team.span.clone(),
                            format!("`{}` makes a commitment but is not a party to this alignment", c.team.id),
                        )
                        .with_hint("add the team to `teams:`, or move the commitment to an alignment it is party to"),
                    );
                }
            }
            // A commitment past its date leaves the commitments page; say so, so it is not forgotten.
            if al.status == Some(AlignmentStatus::Active) {
                for c in &al.commitments {
                    if let Some(date) = c.date.filter(|&d| d < today) {
                        out.push(
                            Diagnostic::warning(
                                codes::PAST_DUE_COMMITMENT,
                                c.team.span.clone(),
                                format!(
                                    "`{}` committed to “{}” by {date}, which has passed",
                                    c.team.id, c.deliverable
                                ),
                            )
                            .with_hint("agree a new `date`, take the commitment out once it is delivered, or close the alignment with `status: closed`"),
                        );
                    }
                }
            }
            if doc.source.outline.words > ALIGNMENT_MAX_WORDS {
                out.push(
                    Diagnostic::warning(
                        codes::TOO_LONG,
                        Span::file_start(file),
                        format!(
                            "this alignment is {} words long; keep it under {ALIGNMENT_MAX_WORDS} (one to two pages)",
                            doc.source.outline.words
                        ),
                    )
                    .with_hint("move background into linked ADRs or pages and keep the agreement itself short"),
                );
            }
            if al.status != Some(AlignmentStatus::Closed)
                && let Some(review) = al.review_by
                && review < today
            {
                out.push(
                    Diagnostic::warning(
                        codes::STALE,
                        al.review_by_span.clone(),
                        format!("this alignment was due for review on {review}, {} days ago", (today - review).num_days()),
                    )
                    .with_hint("review it with the parties and move `review_by` forward, or set `status: closed`"),
                );
            }
        }
        Details::Update(_) if !UPDATE_SECTIONS.iter().any(|s| has_section(doc, s)) => {
            out.push(
                    Diagnostic::error(
                        codes::EMPTY_UPDATE,
                        Span::file_start(file),
                        "this update has none of the sections Shipped, Working On, Looking for Input On, Blockers",
                    )
                    .with_hint("add at least one of them as a `## ` heading"),
                );
        }
        _ => {}
    }
    out
}

/// The flags and the owner's optimism of every dependency, as link assessed them.
fn check_dependencies(site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for d in &site.links.dependencies {
        let Details::Team(team) = &site.documents[d.from].details else {
            continue;
        };
        let dep = &team.depends_on[d.entry];
        for flag in &d.assessment.flags {
            out.push(flag_diagnostic(*flag, dep, site.today));
        }
        if d.assessment.optimistic
            && let Some(owner) = dep.risk
        {
            out.push(
                Diagnostic::warning(
                    codes::OPTIMISTIC_RISK,
                    dep.span.clone(),
                    format!(
                        "the dependency on `{}` is marked {owner} risk, but its dates say {}",
                        dep.on.id, d.assessment.computed
                    ),
                )
                .with_hint(
                    "raise `risk:`, or update the dates and status so they show why it is safe",
                ),
            );
        }
    }
    out
}

fn section_hint(section: &str) -> String {
    let mut names = section.split('|').map(str::trim);
    let first = names.next().unwrap_or(section);
    let rest: Vec<&str> = names.collect();
    if rest.is_empty() {
        format!("add a `## {first}` heading")
    } else {
        format!(
            "add a `## {first}` heading (also accepted: {})",
            rest.join(", ")
        )
    }
}

fn canonical_team(site: &Site, id: &str) -> String {
    match site.team(id) {
        Some(i) => site.documents[i].id.clone(),
        None => id.to_string(),
    }
}

/// The problem with a reference that does not name what it should, if any.
fn broken_reference(site: &Site, r: &Resolved) -> Option<Diagnostic> {
    match (r.resolution, r.form) {
        (Resolution::Found(_), _) => None,
        (Resolution::Missing, Form::RelativeLink)
            if crate::load::is_adr_template(&r.target, &site.config) =>
        {
            Some(
                Diagnostic::warning(
                    codes::BROKEN_REFERENCE,
                    r.span.clone(),
                    format!(
                        "the link `{}` points at an ADR template, which Seam does not build",
                        r.written
                    ),
                )
                .with_hint(
                    "link to the template in your repository host instead, or accept the warning",
                ),
            )
        }
        (Resolution::Missing, Form::RelativeLink) => Some(
            Diagnostic::error(
                codes::BROKEN_REFERENCE,
                r.span.clone(),
                format!(
                    "the link `{}` points at {}, which is not a document",
                    r.written, r.target
                ),
            )
            .with_hint("fix the path (relative to this file), or link by id with [[id]]"),
        ),
        (Resolution::Missing, form) => {
            let what = form.expects().map(|k| k.as_str()).unwrap_or("document");
            Some(
                Diagnostic::error(
                    codes::BROKEN_REFERENCE,
                    r.span.clone(),
                    format!(
                        "`{}` does not name any {what}: no {what} has the id `{}`",
                        r.written, r.target
                    ),
                )
                .with_hint("check the spelling; `seam list` shows every id"),
            )
        }
        (Resolution::WrongKind(i), form) => {
            let kind = form.expects().map(|k| k.as_str()).unwrap_or("document");
            Some(
                Diagnostic::error(
                    codes::BROKEN_REFERENCE,
                    r.span.clone(),
                    format!(
                        "`{}` is a {}, but this field takes a {kind}",
                        r.written, site.documents[i].kind
                    ),
                )
                .with_hint(format!("name a {kind} here")),
            )
        }
    }
}

fn flag_diagnostic(flag: Flag, dep: &crate::model::Dependency, today: NaiveDate) -> Diagnostic {
    use crate::model::Committed;
    let on = &dep.on.id;
    let need = dep.need_by.map(|d| d.to_string()).unwrap_or_default();
    let (message, hint) = match flag {
        Flag::Late => {
            let Committed::Date(c) = dep.committed else {
                unreachable!("late needs a date")
            };
            (
                format!("the dependency on `{on}` is late: committed {c}, needed by {need}"),
                "agree a new date with the owning team, or plan the fallback",
            )
        }
        Flag::NoBuffer => {
            let Committed::Date(c) = dep.committed else {
                unreachable!("no-buffer needs a date")
            };
            (
                format!(
                    "the dependency on `{on}` has no buffer: committed {c}, only {} days before it is needed ({need})",
                    dep.need_by.map(|n| (n - c).num_days()).unwrap_or(0)
                ),
                "ask for an earlier date or move need-by; a week of slack absorbs a normal slip",
            )
        }
        Flag::Unconfirmed => (
            format!("the dependency on `{on}` is needed by {need} and has no committed date"),
            "ask the owning team for a date and write it in `committed:`",
        ),
        Flag::Overdue => (
            format!("the dependency on `{on}` was needed by {need} and is not done"),
            "set `status: done` if it was delivered, or agree a new need-by date",
        ),
        Flag::Stale => (
            match dep.updated {
                Some(u) => format!(
                    "the dependency on `{on}` was last confirmed {} days ago ({u})",
                    (today - u).num_days()
                ),
                None => {
                    format!("the dependency on `{on}` has never been confirmed (no `updated:`)")
                }
            },
            "confirm the dates with the owning team and set `updated:` to today",
        ),
    };
    Diagnostic::warning(flag.as_str(), dep.span.clone(), message).with_hint(hint)
}

/// Two documents at one address (ids that differ only in case or in what
/// the address drops, two root pages), and documents at an address that is
/// Seam's own page. A second document with the same id is `duplicate-id`'s.
fn check_addresses(site: &Site) -> Vec<Diagnostic> {
    let documents = &site.documents;
    let duplicates: BTreeSet<DocId> = site
        .index
        .duplicates
        .iter()
        .map(|&(later, _)| later)
        .collect();
    let mut first: BTreeMap<String, DocId> = BTreeMap::new();
    let mut out = Vec::new();
    let shown = |url: &str| format!("/{url}");
    for doc in documents {
        let i = doc.key;
        if duplicates.contains(&i) {
            continue;
        }
        if crate::vocabulary::own_address(&doc.url) == Some(crate::vocabulary::OwnAddress::Taken) {
            out.push(
                Diagnostic::error(
                    codes::ADDRESS_TAKEN,
                    Span::file_start(doc.file()),
                    format!("this document would be published at {}, which is Seam's own page; it is not published", shown(&doc.url)),
                )
                .with_hint("move or rename the file, or set an `id:` that gives it another address"),
            );
            continue;
        }
        match first.entry(doc.url.to_lowercase()) {
            std::collections::btree_map::Entry::Vacant(v) => {
                v.insert(i);
            }
            std::collections::btree_map::Entry::Occupied(o) => {
                let other = &documents[*o.get()];
                let what = if other.url == doc.url {
                    format!(
                        "where {} is; only that one is published",
                        display_path(other.file())
                    )
                } else {
                    format!(
                        "and {} at {}: the same but for case, so on macOS or Windows one replaces the other",
                        display_path(other.file()),
                        shown(&other.url)
                    )
                };
                out.push(
                    Diagnostic::error(
                        codes::ADDRESS_TAKEN,
                        Span::file_start(doc.file()),
                        format!("this document would be published at {}, {what}", shown(&doc.url)),
                    )
                    .with_hint("give one of them another id or file name: addresses ignore case, and `a b` and `a-b` give one address"),
                );
            }
        }
    }
    out.extend(check_tag_addresses(site));
    out
}

/// Files of the content folder at the path of one of Seam's own files: its
/// `404.html`, `_headers`, sitemap, feeds, dependency graph, theme files,
/// search page and index manifests, a rotation's calendar, or the first
/// page (`index.html`) of a document, a listing, a tag, a digest or one of
/// Seam's pages. Seam's file is published and the asset is not, which is an
/// error naming it.
fn check_asset_addresses(site: &Site) -> Vec<Diagnostic> {
    let mut taken: BTreeSet<String> = [
        "404.html",
        "_headers",
        "sitemap.xml",
        "adrs/feed.xml",
        "digest/feed.xml",
        "dependencies/graph.svg",
        "search/index.json.gz",
        "search/facets.json.gz",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    let theme = crate::render::assets::theme_names(&site.root);
    taken.extend(theme.iter().map(|name| format!("theme/{name}")));
    let pages = [
        "",
        "tags/",
        "health/",
        "digest/",
        "dependencies/",
        "commitments/",
        "search/",
    ]
    .into_iter()
    .map(String::from)
    .chain(Kind::ALL.iter().map(|k| format!("{}/", k.url_dir())))
    .chain(site.documents.iter().map(|d| d.url.clone()))
    .chain(
        site.links
            .tags
            .keys()
            .map(|t| crate::render::views::tag_url(t)),
    )
    .chain(site.digests.iter().map(|d| format!("digest/{}/", d.week)));
    taken.extend(pages.map(|folder| format!("{folder}index.html")));
    taken.extend(
        site.documents
            .iter()
            .filter(|d| d.kind == Kind::Rotation)
            .map(|d| format!("{}.ics", d.url.trim_end_matches('/'))),
    );
    site.assets
        .iter()
        .filter(|a| taken.contains(&a.rel))
        .map(|a| {
            let file = a.source.strip_prefix(&site.root).unwrap_or(&a.source);
            Diagnostic::error(
                codes::ADDRESS_TAKEN,
                Span::file_start(file),
                format!(
                    "this file would be published at /{}, where Seam writes its own; it is not published",
                    a.rel
                ),
            )
            .with_hint("move or rename the file")
        })
        .collect()
}

/// Different tags with one address (`C++`, `C#` and `c` all give
/// `tags/c/`): they share one page, so each after the first is an error
/// naming the file that first wrote the first. Tags that differ only in case
/// or in spaces, `-` and `_` are one tag, and fine.
fn check_tag_addresses(site: &Site) -> Vec<Diagnostic> {
    let same_tag = |t: &str| {
        let mut ident = String::with_capacity(t.len());
        for c in t.trim().chars() {
            if c.is_whitespace() || c == '-' || c == '_' {
                if !ident.ends_with('-') {
                    ident.push('-');
                }
            } else {
                ident.extend(c.to_lowercase());
            }
        }
        ident
    };
    let documents = &site.documents;
    let mut out = Vec::new();
    for (slug, docs) in &site.links.tags {
        // Each spelling, with the first document that writes it (in order).
        let mut spellings: Vec<(String, &str, DocId)> = Vec::new();
        for &i in docs {
            for tag in documents[i]
                .tags
                .iter()
                .filter(|t| crate::load::slugify(t) == *slug)
            {
                let ident = same_tag(tag);
                if !spellings.iter().any(|(seen, ..)| *seen == ident) {
                    spellings.push((ident, tag, i));
                }
            }
        }
        let Some(((_, first, at), rest)) = spellings.split_first() else {
            continue;
        };
        for (_, tag, i) in rest {
            out.push(
                Diagnostic::error(
                    codes::ADDRESS_TAKEN,
                    Span::file_start(documents[*i].file()),
                    format!(
                        "the tag `{tag}` would be published at /tags/{slug}/, where the tag `{first}` of {} is; both tags' documents share that page",
                        display_path(documents[*at].file())
                    ),
                )
                .with_hint("spell the two tags alike if they are one, or tell them apart in letters and digits (`cpp`, `csharp`): a tag's address keeps only those"),
            );
        }
    }
    out
}

fn check_duplicates(site: &Site) -> Vec<Diagnostic> {
    let documents = &site.documents;
    site.index
        .duplicates
        .iter()
        .map(|&(later, first)| {
            let (a, b) = (&documents[later], &documents[first]);
            let first_file = display_path(b.file());
            let both_numbered_adrs = a.kind == Kind::Adr
                && b.kind == Kind::Adr
                && matches!((&a.details, &b.details), (Details::Adr(x), Details::Adr(y)) if x.number.is_some() && x.number == y.number);
            if both_numbered_adrs {
                Diagnostic::error(
                    codes::DUPLICATE_ADR_NUMBER,
                    Span::file_start(a.file()),
                    format!("{} is also the number of {first_file}", a.id),
                )
                .with_hint("renumber one of them: `seam new adr --dry-run` prints the path with the next free number; rename the file to that number and update references to it")
            } else {
                Diagnostic::error(
                    codes::DUPLICATE_ID,
                    Span::file_start(a.file()),
                    format!("the id `{}` is already used by {first_file}", a.id),
                )
                .with_hint("ids are unique across the site: rename the file or set a different `id:`")
            }
        })
        .collect()
}

/// `seam check --against REF`: every ADR number that this branch (HEAD and
/// the working tree) and `reference` each gave to a different file since
/// they forked (their merge base), reported at this branch's file. Numbers
/// on `reference` come from its file names.
pub fn number_collisions(
    site: &Site,
    git: &Git,
    reference: &str,
) -> Result<Vec<Diagnostic>, GitError> {
    let theirs = git.commit(reference)?;
    let head = git.commit("HEAD")?;
    let config = &site.config;
    let files_at = |commit: &str, folders: &[String]| -> Result<BTreeSet<String>, GitError> {
        Ok(git.files(commit, folders)?.into_iter().collect())
    };
    let base_files = match git.merge_base(&head, &theirs)? {
        Some(base) => files_at(&base, &[config.content_folder()])?,
        None => BTreeSet::new(),
    };
    let their_files = files_at(&theirs, &config.kind_folders(Kind::Adr))?;
    let their_added: BTreeMap<u32, Vec<&String>> = their_files
        .iter()
        .filter(|f| !base_files.contains(*f))
        .fold(BTreeMap::new(), |mut by_number, f| {
            if let Some(n) = crate::model::adr_number_of_file(f, config) {
                by_number.entry(n).or_insert_with(Vec::new).push(f);
            }
            by_number
        });
    let our_files: BTreeSet<String> = site
        .documents
        .iter()
        .map(|d| display_path(d.file()))
        .collect();
    let mut out = Vec::new();
    for doc in &site.documents {
        let Details::Adr(adr) = &doc.details else {
            continue;
        };
        let file = display_path(doc.file());
        let Some(n) = adr.number else { continue };
        if base_files.contains(&file) || their_files.contains(&file) {
            continue;
        }
        for other in their_added.get(&n).into_iter().flatten() {
            if our_files.contains(*other) {
                continue;
            }
            out.push(
                Diagnostic::error(
                    codes::ADR_NUMBER_COLLISION,
                    Span::file_start(doc.file()),
                    format!(
                        "{} is also the number of {other} on `{reference}`: both branches added an ADR with it since they forked",
                        crate::model::adr_id(n)
                    ),
                )
                .with_hint(format!(
                    "renumber this branch's ADR before merging: `seam new adr --dry-run` prints the path with the next number free on every branch; rename the file to that number and update references to {}",
                    crate::model::adr_id(n)
                )),
            );
        }
    }
    Ok(out)
}

fn check_supersession(site: &Site) -> Vec<Diagnostic> {
    let documents = &site.documents;
    let mut out = Vec::new();
    for doc in documents {
        let i = doc.key;
        let Details::Adr(adr) = &doc.details else {
            continue;
        };
        let mut successors = site
            .links
            .superseded_by
            .get(&i)
            .cloned()
            .unwrap_or_default();
        documents.sort(&mut successors);
        if adr.status == Some(AdrStatus::Known(AdrStatusWord::Superseded))
            && successors.is_empty()
            && adr.superseded_by.is_none()
        {
            let new = if adr.imported {
                Diagnostic::warning
            } else {
                Diagnostic::error
            };
            out.push(
                new(
                    codes::SUPERSEDED_WITHOUT_SUCCESSOR,
                    adr.status_span.clone(),
                    format!("{} is superseded, but no ADR replaces it", doc.id),
                )
                .with_hint(
                    "add `superseded_by: ADR-NNNN`, or `supersedes: [this ADR]` on its successor",
                ),
            );
        }
        let recorded = adr
            .superseded_by
            .as_ref()
            .and_then(|r| site.target(r, Kind::Adr));
        if adr.imported {
            // Seam never rewrites an imported file, and one side saying it is enough.
            continue;
        }
        for new in successors {
            if recorded != Some(new) {
                out.push(
                    Diagnostic::warning(
                        codes::SUPERSESSION_NOT_RECORDED,
                        adr.status_span.clone(),
                        format!(
                            "{} supersedes {}, but this file does not say so",
                            documents[new].id, doc.id
                        ),
                    )
                    .with_hint(format!(
                        "set `status: superseded` and `superseded_by: {}`",
                        documents[new].id
                    )),
                );
            }
        }
    }
    for cycle in &site.links.supersession_cycles {
        let first = *cycle
            .iter()
            .min_by_key(|&&i| &documents[i].id)
            .expect("non-empty cycle");
        let Details::Adr(adr) = &documents[first].details else {
            continue;
        };
        let span = if adr.supersedes.is_empty() {
            adr.status_span.clone()
        } else {
            adr.supersedes_span.clone()
        };
        let names: Vec<&str> = rotate_to(cycle, first)
            .iter()
            .map(|&i| documents[i].id.as_str())
            .collect();
        out.push(
            Diagnostic::error(
                codes::SUPERSESSION_CYCLE,
                span,
                format!("these ADRs supersede each other in a loop: {} → {}", names.join(" → "), names[0]),
            )
            .with_hint("a decision can only be replaced by a later one: remove one `supersedes`/`superseded_by`"),
        );
    }
    out
}

fn check_dependency_cycles(site: &Site) -> Vec<Diagnostic> {
    let documents = &site.documents;
    let mut out = Vec::new();
    for cycle in &site.links.dependency_cycles {
        let first = *cycle
            .iter()
            .min_by_key(|&&i| &documents[i].id)
            .expect("non-empty cycle");
        let cycle = rotate_to(cycle, first);
        let Details::Team(team) = &documents[first].details else {
            continue;
        };
        let next = cycle[1 % cycle.len()];
        let span = team
            .depends_on
            .iter()
            .find(|d| site.target(&d.on, Kind::Team) == Some(next))
            .map(|d| d.span.clone())
            .unwrap_or_else(|| Span::file_start(documents[first].file()));
        let names: Vec<&str> = cycle.iter().map(|&i| documents[i].id.as_str()).collect();
        out.push(
            Diagnostic::warning(
                codes::DEPENDENCY_CYCLE,
                span,
                format!("teams depend on each other in a loop: {} → {}", names.join(" → "), names[0]),
            )
            .with_hint("a loop means no team can finish first: agree the order in an alignment, or break one dependency"),
        );
    }
    out
}

fn rotate_to(cycle: &[DocId], first: DocId) -> Vec<DocId> {
    let pos = cycle.iter().position(|&i| i == first).unwrap_or(0);
    cycle[pos..].iter().chain(&cycle[..pos]).copied().collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_file_with_more_links_than_are_checked_says_so_once() {
        let body = format!(
            "Intro.\n\n{}\n[[ghost]]\n",
            "[[x]] ".repeat(crate::load::MAX_REFERENCES + 49)
        );
        let site = crate::site::test_site(&[("notes.md", body.as_str())], "2026-11-20");
        let found = super::check(&site);
        let count = |code: &str| found.iter().filter(|d| d.code == code).count();
        assert_eq!(count(super::codes::TOO_MANY_LINKS), 1);
        assert_eq!(
            count(super::codes::BROKEN_REFERENCE),
            crate::load::MAX_REFERENCES
        );
        let told = found
            .iter()
            .find(|d| d.code == super::codes::TOO_MANY_LINKS)
            .unwrap();
        // At the first link left unchecked: line 3, after 10,000 links of six characters.
        assert_eq!(
            (told.span.line, told.span.column),
            (3, 6 * crate::load::MAX_REFERENCES as u32 + 1)
        );
        assert!(
            told.message.contains("10050 times") && told.message.contains("the 50 links"),
            "{}",
            told.message
        );
    }

    #[test]
    fn links_the_site_does_not_keep_are_told_at_their_place() {
        let body = "Intro.\n\n[a](javascript:alert(1)) [b](&#106;avascript:x) <vbscript:y>\n\
                    ![c](data:image/png;base64,AA) [tel](tel:+441234) [ok](https://example.com/) [rel](a/b:c)\n";
        let site = crate::site::test_site(&[("notes.md", body)], "2026-11-20");
        let found: Vec<(u32, u32, String)> = super::check(&site)
            .into_iter()
            .filter(|d| d.code == super::codes::UNSAFE_LINK)
            .map(|d| (d.span.line, d.span.column, d.message))
            .collect();
        let places: Vec<(u32, u32)> = found.iter().map(|f| (f.0, f.1)).collect();
        assert_eq!(
            places,
            [(3, 1), (3, 26), (3, 49), (4, 1), (4, 32)],
            "{found:?}"
        );
        assert!(
            found[1].2.contains("`javascript:x`"),
            "entities are read as the browser reads them: {found:?}"
        );
        assert!(found[4].2.contains("`tel:`"), "{found:?}");
        // Allowed by `link_schemes`, `tel` is fine.
        let mut site = site;
        site.config.link_schemes.push("tel".into());
        assert_eq!(
            super::check(&site)
                .iter()
                .filter(|d| d.code == super::codes::UNSAFE_LINK)
                .count(),
            4
        );
    }

    #[test]
    fn headings_compare_by_their_lowercase_words() {
        use super::normalise_heading as n;
        assert_eq!(
            n("Context and Problem Statement"),
            "context and problem statement"
        );
        assert_eq!(n("  Decision   Outcome!! "), "decision outcome");
        assert_eq!(n("1. Context — & Scope"), "1 context scope");
        assert_eq!(
            n("Ça Änderung"),
            "Ça Änderung",
            "only ASCII letters are lowered"
        );
        assert_eq!(n("---"), "");
        assert_eq!(n("Looking-for_Input"), "looking for input");
    }

    use super::*;

    #[test]
    fn imported_adr_links_that_name_nothing_are_reported_once_and_gently() {
        let sections = "\n## Context\n\nx\n\n## Decision\n\nx\n\n## Consequences\n\nx\n";
        let a = format!("# 1. A\n\n## Status\n\nSuperseded by [9. Gone](0009-gone.md)\n{sections}");
        let b =
            format!("---\nstatus: superseded by [ADR-0008](0008-gone.md)\n---\n# 2. B\n{sections}");
        let c = format!("# 3. C\n\n## Status\n\nAccepted\n\nAmends ADR-0042\n{sections}");
        let site = crate::site::test_site(
            &[
                ("../seam.toml", "[kinds.adr]\nformat = \"auto\"\n"),
                ("adrs/0001-a.md", &a),
                ("adrs/0002-b.md", &b),
                ("adrs/0003-c.md", &c),
            ],
            "2026-11-20",
        );
        let got: Vec<(String, u32, crate::diagnostic::Severity)> = site
            .diagnostics
            .iter()
            .filter(|d| d.code == codes::BROKEN_REFERENCE)
            .map(|d| (d.span.file_display(), d.span.line, d.severity))
            .collect();
        use crate::diagnostic::Severity::*;
        assert_eq!(
            got,
            vec![
                ("content/adrs/0001-a.md".to_string(), 5, Error),
                ("content/adrs/0002-b.md".to_string(), 2, Warning),
                ("content/adrs/0003-c.md".to_string(), 7, Warning),
            ]
        );
    }

    #[test]
    fn only_an_active_alignments_passed_commitments_are_past_due() {
        let team = |n: &str| {
            format!(
                "---\nname: {n}\n---\n\n## Current Priorities\n\nx\n\n## Looking for Input On\n\nx\n\n## Recent Wins\n\nx\n"
            )
        };
        let alignment = |status: &str| {
            format!(
                "---\ntitle: T\nteams: [a, b]\nstatus: {status}\ncommitments:\n  - {{ team: a, deliverable: X, date: 2026-11-19 }}\n  - {{ team: b, deliverable: Y, date: 2026-11-20 }}\n---\n\n## Ownership Map\n\nx\n\n## Interface Definitions\n\nx\n\n## Timeline Commitments\n\nx\n\n## Slip Protocol\n\nx\n\n## Escalation Path\n\nx\n"
            )
        };
        let (a, b) = (team("A"), team("B"));
        let (active, closed, draft) =
            (alignment("active"), alignment("closed"), alignment("draft"));
        let site = crate::site::test_site(
            &[
                ("teams/a.md", &a),
                ("teams/b.md", &b),
                ("alignments/active.md", &active),
                ("alignments/closed.md", &closed),
                ("alignments/draft.md", &draft),
            ],
            "2026-11-20",
        );
        let got: Vec<(String, u32)> = site
            .diagnostics
            .iter()
            .filter(|d| d.code == codes::PAST_DUE_COMMITMENT)
            .map(|d| (d.span.file_display(), d.span.line))
            .collect();
        // A date of today is not past; closed and draft alignments promise nothing yet or any more.
        assert_eq!(got, vec![("content/alignments/active.md".to_string(), 6)]);
    }

    #[test]
    fn headings_match_ignoring_case_and_punctuation() {
        assert_eq!(
            normalise_heading("  Looking for Input On: "),
            "looking for input on"
        );
        assert_eq!(
            normalise_heading("Context & Problem-Statement"),
            "context problem statement"
        );
    }
}
