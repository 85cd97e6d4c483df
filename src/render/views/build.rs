//! The [`Views`] builder: makes view structs from the linked site, noting in a
//! [`ReadSet`] every document and fact it reads.
//!
//! This file owns the builder itself, its recording (`note_*`) and what every
//! page shares: links, references, dependencies, duties, tag links and the
//! site-wide values. Document pages are built in `document`; index pages
//! (listings, tags, health, tracker, commitments, home) in `listings`; the
//! weekly digest's view in `digest`; what calendars, feeds, the sitemap,
//! graphs and the search files read in `outputs`. Nothing else reads the
//! linked site: producers see it only through these views.

mod digest;
mod document;
mod listings;
mod outputs;

pub use outputs::{CalendarSource, FeedHeader, GraphSource};

use std::collections::{BTreeMap, BTreeSet};

use super::types::*;
use crate::link::{Form, Site};
use crate::model::{Details, DocId, Kind};
use crate::render::markdown::page_href;
use crate::render::reads::{Fact, Read, ReadSet};
use crate::schedule;

impl SiteView {
    /// The site-wide values.
    pub fn new(site: &Site) -> Self {
        let base = site.config.base_path();
        let kind = |k: Kind| NavItem {
            title: k.plural_title().into(),
            section: k.url_dir().into(),
            url: format!("{base}{}/", k.url_dir()),
        };
        let page = |title: &str, section: &str| NavItem {
            title: title.into(),
            section: section.into(),
            url: format!("{base}{section}/"),
        };
        // What sits between teams comes next to the teams.
        let mut nav: Vec<NavItem> = vec![
            kind(Kind::Team),
            page("Dependencies", "dependencies"),
            kind(Kind::Adr),
            kind(Kind::Alignment),
            page("Commitments", "commitments"),
            kind(Kind::Rotation),
            kind(Kind::Update),
        ];
        if site
            .documents
            .iter()
            .any(|d| d.kind == Kind::Page && !d.url.is_empty())
        {
            nav.push(NavItem {
                title: "Pages".into(),
                section: "pages".into(),
                url: format!("{base}pages/"),
            });
        }
        nav.push(NavItem {
            title: "Digest".into(),
            section: "digest".into(),
            url: format!("{base}digest/"),
        });
        nav.push(NavItem {
            title: "Doc health".into(),
            section: "health".into(),
            url: format!("{base}health/"),
        });
        SiteView {
            title: site.config.title.clone(),
            description: site.config.description.clone(),
            base,
            today: site.today.to_string(),
            nav,
            csp: crate::render::PAGE_POLICY,
        }
    }
}

/// The most problems a document's page lists; the rest are counted, and
/// `seam check` or the health pages show them all.
pub const PAGE_PROBLEMS: usize = 200;

/// Builds views from the linked site.
///
/// Views are the only way pages read the site: when made
/// [recording](Views::recording), they note every document and fact they read.
#[derive(Clone)]
pub struct Views<'a> {
    site: &'a Site,
    base: String,
    problems_by_file: std::sync::Arc<std::sync::OnceLock<BTreeMap<String, Vec<ProblemView>>>>,
    reads: Option<std::sync::Arc<ReadSet>>,
}

/// Plain text as HTML, escaped, with each span between backticks as `<code>`
/// (problem messages name fields and values that way), and each date
/// (`2026-11-20`) kept on one line. An unpaired backtick stays as it is.
pub(crate) fn code_spans(text: &str) -> String {
    let escape = |s: &str| dates_unbroken(&crate::render::markdown::escape(s));
    let parts: Vec<&str> = text.split('`').collect();
    let mut out = String::with_capacity(text.len() + 16);
    for (n, part) in parts.iter().enumerate() {
        let last = n + 1 == parts.len();
        if n % 2 == 1 && !last {
            out.push_str("<code>");
            out.push_str(&escape(part));
            out.push_str("</code>");
        } else {
            if n % 2 == 1 {
                out.push('`');
            }
            out.push_str(&escape(part));
        }
    }
    out
}

/// Escaped text with each `YYYY-MM-DD` in a `<span class="date">`, which does not break.
fn dates_unbroken(text: &str) -> String {
    let b = text.as_bytes();
    let is_date = |i: usize| {
        i + 10 <= b.len()
            && b[i..i + 10].iter().enumerate().all(|(k, c)| {
                if k == 4 || k == 7 {
                    *c == b'-'
                } else {
                    c.is_ascii_digit()
                }
            })
            && (i == 0 || !b[i - 1].is_ascii_digit())
            && b.get(i + 10).is_none_or(|c| !c.is_ascii_digit())
    };
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    let mut i = 0;
    while i < b.len() {
        if is_date(i) {
            out.push_str(&text[from..i]);
            out.push_str("<span class=\"date\">");
            out.push_str(&text[i..i + 10]);
            out.push_str("</span>");
            i += 10;
            from = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&text[from..]);
    out
}

fn date(d: Option<chrono::NaiveDate>) -> Option<String> {
    d.map(|d| d.to_string())
}

impl<'a> Views<'a> {
    /// Prepares views of `site`.
    pub fn new(site: &'a Site) -> Self {
        Views {
            site,
            base: site.config.base_path(),
            problems_by_file: Default::default(),
            reads: None,
        }
    }

    /// Every problem as pages show it, by file; worked out when a first page needs it.
    pub(crate) fn problems_by_file(&self) -> &BTreeMap<String, Vec<ProblemView>> {
        self.problems_by_file.get_or_init(|| {
            let plain = Views {
                reads: None,
                ..self.clone()
            };
            let mut by_file: BTreeMap<String, Vec<ProblemView>> = BTreeMap::new();
            for d in &self.site.diagnostics {
                by_file
                    .entry(d.span.file_display())
                    .or_default()
                    .push(plain.problem(d));
            }
            by_file
        })
    }

    /// The problems of the file at `file` (relative to the root), as pages
    /// show them: a range of the site's problems, which are sorted by file.
    ///
    /// At most [`PAGE_PROBLEMS`] are made into views; the counts are of all
    /// of them: `(shown, errors, warnings)`.
    pub(crate) fn problems_of(&self, file: &std::path::Path) -> (Vec<ProblemView>, usize, usize) {
        let all = &self.site.diagnostics;
        let start = all.partition_point(|d| &*d.span.file < file);
        let plain = Views {
            reads: None,
            ..self.clone()
        };
        let (mut shown, mut errors, mut warnings) = (Vec::new(), 0, 0);
        for d in all[start..].iter().take_while(|d| &*d.span.file == file) {
            match d.severity {
                crate::diagnostic::Severity::Error => errors += 1,
                crate::diagnostic::Severity::Warning => warnings += 1,
            }
            if shown.len() < PAGE_PROBLEMS {
                shown.push(plain.problem(d));
            }
        }
        (shown, errors, warnings)
    }

    /// One problem as pages show it.
    fn problem(&self, d: &crate::diagnostic::Diagnostic) -> ProblemView {
        let file = d.span.file_display();
        ProblemView {
            severity: d.severity.as_str(),
            code: d.code,
            location: format!("{}:{}:{}", file, d.span.line, d.span.column),
            message: d.message.clone(),
            hint: d.hint.clone(),
            message_html: code_spans(&d.message),
            hint_html: d.hint.as_deref().map(code_spans),
            document: self.site.index.by_file(&file).map(|i| self.link(i)),
        }
    }

    /// The same views, noting in `reads` everything they read from now on.
    pub fn recording(&self, reads: std::sync::Arc<ReadSet>) -> Views<'a> {
        Views {
            reads: Some(reads),
            ..self.clone()
        }
    }

    /// Notes one read, when recording.
    pub fn note(&self, read: Read) {
        if let Some(reads) = &self.reads {
            reads.note(read);
        }
    }

    /// Notes every read of a set, when recording.
    pub fn note_all(&self, reads: &BTreeSet<Read>) {
        if let Some(set) = &self.reads {
            set.extend(reads);
        }
    }

    /// Notes a document's own file.
    pub fn note_document(&self, i: DocId) {
        self.note(Read::Document(i));
    }

    /// Notes a document's title and address, as a link to it shows them.
    pub fn note_title(&self, i: DocId) {
        self.note(Read::Title(i));
    }

    /// Notes what linking says about a document.
    pub fn note_links(&self, i: DocId) {
        self.note(Read::Links(i));
    }

    /// Notes what a document's body shows when rendered: the file, what its
    /// links resolve to, and the titles and addresses of their targets.
    pub fn note_body(&self, i: DocId) {
        if self.reads.is_none() {
            return;
        }
        self.note_document(i);
        self.note_links(i);
        for r in self.site.links.references.of(i) {
            if matches!(r.form, Form::WikiLink | Form::RelativeLink)
                && let Some(t) = r.resolution.found()
            {
                self.note(Read::Title(t));
            }
        }
    }

    /// Notes what an id names, resolved as a field of `kind` (any kind when `None`).
    pub fn note_name(&self, kind: Option<Kind>, id: &str) {
        if self.reads.is_some() {
            self.note(Read::Name(kind, id.to_string()));
        }
    }

    /// The same views with links under another base, e.g. the absolute `base_url` for email and feeds.
    pub fn with_base(mut self, base: String) -> Self {
        self.base = base;
        self
    }

    /// The base every link is made under.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// A link to document `i`.
    pub fn link(&self, i: DocId) -> LinkView {
        self.note(Read::Title(i));
        let d = &self.site.documents[i];
        LinkView {
            id: d.id.clone(),
            title: self.title(i),
            url: page_href(&self.base, &d.url, None),
            kind: d.kind,
            status: self.site.status(i),
            date: date(d.date),
        }
    }

    /// A document's title; an update without one is named after its team and week.
    fn title(&self, i: DocId) -> String {
        let d = &self.site.documents[i];
        match &d.details {
            Details::Update(u)
                if d.source.outline.first_h1().is_none()
                    && d.title.ends_with(&u.week.to_string()) =>
            {
                self.note_name(Some(Kind::Team), &u.team.id);
                let team = self
                    .site
                    .team(&u.team.id)
                    .inspect(|&t| self.note(Read::Title(t)))
                    .map(|t| self.site.documents[t].title.clone())
                    .unwrap_or_else(|| u.team.id.clone());
                format!("{team} · {}", u.week)
            }
            _ => d.title.clone(),
        }
    }

    pub(crate) fn reference(&self, id: &str, kind: Kind) -> RefView {
        self.note_name(Some(kind), id);
        RefView {
            id: id.to_string(),
            link: self.site.resolve(id, Some(kind)).map(|i| self.link(i)),
        }
    }

    fn links(&self, ids: &[DocId]) -> Vec<LinkView> {
        ids.iter().map(|&i| self.link(i)).collect()
    }

    pub(crate) fn dependency(&self, d: &crate::link::DependencyLink) -> DependencyView {
        let Details::Team(team) = &self.site.documents[d.from].details else {
            unreachable!("dependencies come from teams")
        };
        let dep = &team.depends_on[d.entry];
        // The entry and its risk at the build's date; where `on` and `alignment` lead.
        self.note_document(d.from);
        self.note(Read::Fact(Fact::Settings));
        self.note_name(Some(Kind::Team), &dep.on.id);
        if let Some(a) = &dep.alignment {
            self.note_name(Some(Kind::Alignment), &a.id);
        }
        DependencyView {
            from: self.link(d.from),
            on: RefView {
                id: dep.on.id.clone(),
                link: d.to.map(|t| self.link(t)),
            },
            what: dep.what.clone(),
            kind: dep.kind.map(|k| k.to_string()),
            need_by: date(dep.need_by),
            committed: dep.committed.to_string(),
            status: dep.status.map(|s| s.to_string()),
            owner_risk: dep.risk.map(|r| r.to_string()),
            risk: d.assessment.computed.to_string(),
            flags: d
                .assessment
                .flags
                .iter()
                .map(|f| f.as_str().to_string())
                .collect(),
            optimistic: d.assessment.optimistic,
            fallback: dep.fallback.clone(),
            alignment: dep.alignment.as_ref().map(|a| RefView {
                id: a.id.clone(),
                link: d.alignment.map(|i| self.link(i)),
            }),
            updated: date(dep.updated),
        }
    }

    /// Dependencies in the tracker's order (highest risk first, then need-by).
    fn sorted_dependencies<'b>(
        &self,
        deps: impl Iterator<Item = &'b crate::link::DependencyLink>,
    ) -> Vec<DependencyView> {
        deps.map(|d| self.dependency(d)).collect()
    }

    pub(crate) fn duty(&self, i: DocId) -> Option<DutyView> {
        let Details::Rotation(r) = &self.site.documents[i].details else {
            return None;
        };
        self.note_document(i);
        self.note(Read::Fact(Fact::Settings));
        let at = schedule::noon(r, self.site.today);
        let shift = schedule::on_duty(r, at)?;
        let tz = r.timezone.unwrap_or(chrono_tz::Tz::UTC);
        Some(DutyView {
            rotation: self.link(i),
            pairs: self.pairs_text(&shift.pairs),
            member: shift.member,
            until: shift
                .end
                .with_timezone(&tz)
                .format("%a %Y-%m-%d %H:%M %Z")
                .to_string(),
        })
    }

    /// A person or team as written in a list of names: a team's id becomes its name.
    pub(crate) fn name_of(&self, written: &str) -> String {
        self.note_name(Some(Kind::Team), written);
        match self.site.team(written) {
            Some(t) => {
                self.note_title(t);
                self.site.documents[t].title.clone()
            }
            None => written.to_string(),
        }
    }

    /// An exchange rotation's pairs, by team name: `Payments with Platform, …` (a team name may hold an `&`).
    pub(crate) fn pairs_text(&self, pairs: &[(String, String)]) -> String {
        pairs
            .iter()
            .map(|(a, b)| format!("{} with {}", self.name_of(a), self.name_of(b)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn tag_link(&self, tag: &str) -> TagLink {
        TagLink {
            name: tag.to_string(),
            url: format!("{}tags/{}/", self.base, crate::load::slugify(tag)),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn backticks_in_problem_messages_become_code_and_the_rest_is_escaped() {
        use super::code_spans;
        assert_eq!(
            code_spans("set `status: done` if <it> was"),
            "set <code>status: done</code> if &lt;it&gt; was"
        );
        assert_eq!(code_spans("a `b` and `c"), "a <code>b</code> and `c");
        assert_eq!(code_spans("`<x>`"), "<code>&lt;x&gt;</code>");
        assert_eq!(code_spans("plain"), "plain");
        assert_eq!(
            code_spans("needed by 2026-11-09, not 12026-11-099"),
            "needed by <span class=\"date\">2026-11-09</span>, not 12026-11-099"
        );
    }
}
