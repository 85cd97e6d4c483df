//! View models: what templates see. Small, serialisable, and documented in `docs/templates.md`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::markdown::{Highlighter, page_href, render_body};
use super::reads::{Fact, Read, ReadSet};
use crate::diagnostic::display_path;
use crate::link::{Form, Site};
use crate::model::{AdrStatus, AdrStatusWord, Details, Kind, Risk};
use crate::schedule;

/// Site-wide values every template gets as `site`.
#[derive(Serialize)]
pub struct SiteView {
    /// The organisation's name.
    pub title: String,
    /// The site's description.
    pub description: String,
    /// The path prefix of every link (`/` or `/wiki/`).
    pub base: String,
    /// The build's date.
    pub today: String,
    /// Main navigation.
    pub nav: Vec<NavItem>,
}

/// A navigation entry.
#[derive(Serialize)]
pub struct NavItem {
    /// Its label.
    pub title: String,
    /// Its section key (compared with `section` to mark the current one).
    pub section: String,
    /// Its href.
    pub url: String,
}

/// Counts of problems.
#[derive(Serialize, Default, Clone, Copy)]
pub struct ProblemCounts {
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
}

impl SiteView {
    /// The site-wide values.
    pub fn new(site: &Site) -> Self {
        let base = site.config.base_path();
        let mut nav: Vec<NavItem> = [
            Kind::Team,
            Kind::Adr,
            Kind::Alignment,
            Kind::Rotation,
            Kind::Update,
        ]
        .into_iter()
        .map(|k| NavItem {
            title: k.plural_title().into(),
            section: k.url_dir().into(),
            url: format!("{base}{}/", k.url_dir()),
        })
        .collect();
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
        }
    }
}

/// A link to a document.
#[derive(Serialize, Clone)]
pub struct LinkView {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its href.
    pub url: String,
    /// Its kind.
    pub kind: Kind,
    /// Its status word, if any (ADRs, alignments).
    pub status: Option<String>,
    /// Its date, if any.
    pub date: Option<String>,
}

/// A reference that may not resolve: linked when it does, shown as written when not.
#[derive(Serialize, Clone)]
pub struct RefView {
    /// What was written.
    pub id: String,
    /// The document, when it resolves.
    pub link: Option<LinkView>,
}

/// A dependency row, as the tracker and team pages show it.
#[derive(Serialize, Clone)]
pub struct DependencyView {
    /// The depending team.
    pub from: LinkView,
    /// The team depended on.
    pub on: RefView,
    /// What is needed.
    pub what: String,
    /// Its type.
    pub kind: Option<String>,
    /// Need-by date.
    pub need_by: Option<String>,
    /// Committed date, or `TBD`.
    pub committed: String,
    /// Status word.
    pub status: Option<String>,
    /// The owner's risk.
    pub owner_risk: Option<String>,
    /// The computed risk.
    pub risk: String,
    /// Computed flags (`late`, `stale`, ...).
    pub flags: Vec<String>,
    /// Whether the owner's risk is lower than the computed risk.
    pub optimistic: bool,
    /// The fallback plan.
    pub fallback: Option<String>,
    /// The governing alignment.
    pub alignment: Option<RefView>,
    /// When it was last confirmed.
    pub updated: Option<String>,
}

/// A heading for the table of contents.
#[derive(Serialize)]
pub struct TocEntry {
    /// 2 or 3.
    pub level: u8,
    /// Its text.
    pub text: String,
    /// Its anchor.
    pub anchor: String,
}

/// A problem shown on a document's page or the health page.
#[derive(Serialize, Clone)]
pub struct ProblemView {
    /// `error` or `warning`.
    pub severity: &'static str,
    /// Its code.
    pub code: &'static str,
    /// File, line and column.
    pub location: String,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub hint: Option<String>,
    /// The document, when the file became one.
    pub document: Option<LinkView>,
}

/// Everything a document's page shows, as `page`.
#[derive(Serialize)]
pub struct DocumentView {
    /// The document as a link.
    #[serde(flatten)]
    pub link: LinkView,
    /// Its description.
    pub description: Option<String>,
    /// Its body as HTML.
    pub html: String,
    /// Level-2 and level-3 headings.
    pub toc: Vec<TocEntry>,
    /// Its tags.
    pub tags: Vec<TagLink>,
    /// Documents that reference it.
    pub backlinks: Vec<LinkView>,
    /// Its source file, relative to the root.
    pub file: String,
    /// Number of words.
    pub words: usize,
    /// Problems in its file.
    pub problems: Vec<ProblemView>,
    /// How many of them are errors.
    pub error_count: usize,
    /// Kind-specific values.
    pub team: Option<TeamView>,
    /// Kind-specific values.
    pub adr: Option<AdrView>,
    /// Kind-specific values.
    pub alignment: Option<AlignmentView>,
    /// Kind-specific values.
    pub rotation: Option<RotationView>,
    /// Kind-specific values.
    pub update: Option<UpdateView>,
}

/// A tag with its page.
#[derive(Serialize, Clone)]
pub struct TagLink {
    /// The tag.
    pub name: String,
    /// Its page.
    pub url: String,
}

/// A team member.
#[derive(Serialize)]
pub struct MemberView {
    /// Name.
    pub name: String,
    /// Role.
    pub role: Option<String>,
}

/// A way to reach a team.
#[derive(Serialize)]
pub struct ChannelView {
    /// `slack`, `email`, ...
    pub name: String,
    /// The handle.
    pub value: String,
    /// A link, for emails and URLs.
    pub href: Option<String>,
}

/// Who is on duty for a rotation.
#[derive(Serialize, Clone)]
pub struct DutyView {
    /// The rotation.
    pub rotation: LinkView,
    /// The person (or team) on duty.
    pub member: String,
    /// When their shift ends, in the rotation's time zone.
    pub until: String,
    /// For exchanges: the teams paired this period (`a & b, c & d`).
    pub pairs: String,
}

/// The computed parts of a team page.
#[derive(Serialize)]
pub struct TeamView {
    /// Display name.
    pub name: String,
    /// Mission.
    pub mission: Option<String>,
    /// Lead.
    pub lead: Option<String>,
    /// Members.
    pub members: Vec<MemberView>,
    /// Channels.
    pub channels: Vec<ChannelView>,
    /// Office hours.
    pub office_hours: Option<String>,
    /// Coordination model.
    pub coordination_model: Option<String>,
    /// Owned services.
    pub owns: Vec<String>,
    /// Last reviewed.
    pub updated: Option<String>,
    /// What it depends on.
    pub depends_on: Vec<DependencyView>,
    /// Who depends on it.
    pub depended_on_by: Vec<DependencyView>,
    /// Its ADRs (owned or affecting it).
    pub adrs: Vec<LinkView>,
    /// Alignments it is party to.
    pub alignments: Vec<LinkView>,
    /// Who is on duty in its rotations.
    pub on_duty: Vec<DutyView>,
    /// Rotations without anyone on duty now.
    pub rotations: Vec<LinkView>,
    /// Its latest update.
    pub latest_update: Option<LinkView>,
    /// Its neighbourhood in the dependency graph, as inline SVG.
    pub graph: Option<String>,
}

/// The computed parts of an ADR page.
#[derive(Serialize)]
pub struct AdrView {
    /// Its number.
    pub number: Option<u32>,
    /// Status word as shown.
    pub status: Option<String>,
    /// A CSS-safe status class.
    pub status_class: String,
    /// Whether the status word is one Seam knows.
    pub status_known: bool,
    /// Decision date.
    pub date: Option<String>,
    /// Owning team.
    pub team: Option<RefView>,
    /// Deciders.
    pub deciders: Vec<String>,
    /// Consulted.
    pub consulted: Vec<String>,
    /// Informed.
    pub informed: Vec<String>,
    /// Teams affected.
    pub affects: Vec<RefView>,
    /// ADRs it replaces.
    pub supersedes: Vec<LinkView>,
    /// ADRs that replace it.
    pub superseded_by: Vec<LinkView>,
    /// Whether it is superseded only because a successor says so.
    pub superseded_inferred: bool,
    /// Comment deadline.
    pub comment_by: Option<String>,
    /// Whether it is still open for comments at the build's date.
    pub open_for_comment: bool,
}

/// A commitment row.
#[derive(Serialize)]
pub struct CommitmentView {
    /// The committing team.
    pub team: RefView,
    /// What.
    pub deliverable: String,
    /// By when.
    pub date: Option<String>,
    /// Confidence, 0–100.
    pub confidence: Option<u8>,
    /// Whether the date has passed.
    pub past: bool,
}

/// The computed parts of an alignment page.
#[derive(Serialize)]
pub struct AlignmentView {
    /// Parties.
    pub teams: Vec<RefView>,
    /// Coordinator.
    pub owner: Option<String>,
    /// Status.
    pub status: Option<String>,
    /// Review date.
    pub review_by: Option<String>,
    /// Whether the review date has passed.
    pub review_overdue: bool,
    /// Commitments, by date.
    pub commitments: Vec<CommitmentView>,
    /// Related ADRs.
    pub adrs: Vec<RefView>,
    /// Dependencies that name this alignment.
    pub dependencies: Vec<DependencyView>,
}

/// A handoff row.
#[derive(Serialize)]
pub struct ShiftView {
    /// Who takes over.
    pub member: String,
    /// For exchanges: the teams paired in that shift.
    pub pairs: String,
    /// When, in the rotation's zone.
    pub start: String,
}

/// The computed parts of a rotation page.
#[derive(Serialize)]
pub struct RotationView {
    /// Kind of rotation.
    pub kind: Option<String>,
    /// Teams.
    pub teams: Vec<RefView>,
    /// Members, in order.
    pub members: Vec<String>,
    /// Period, e.g. `every 7 days`.
    pub every: Option<String>,
    /// Handoff as written.
    pub handoff: Option<String>,
    /// Time zone name.
    pub timezone: String,
    /// Start date.
    pub start: Option<String>,
    /// On duty at the build's date.
    pub on_duty: Option<DutyView>,
    /// The next handoffs.
    pub next: Vec<ShiftView>,
    /// The iCalendar file to subscribe to.
    pub calendar: String,
}

/// The computed parts of an update page.
#[derive(Serialize)]
pub struct UpdateView {
    /// The team.
    pub team: RefView,
    /// The week, `2026-W47`.
    pub week: String,
}

/// An index page's content, as `listing`.
#[derive(Serialize)]
pub struct ListingView {
    /// Kind.
    pub kind: Kind,
    /// Rows.
    pub items: Vec<ListingItem>,
    /// Distinct statuses among the items (for filters).
    pub statuses: Vec<String>,
    /// Distinct teams among the items.
    pub teams: Vec<String>,
    /// Distinct tags among the items.
    pub tags: Vec<String>,
    /// An introduction (an ADR folder's README or index), as HTML.
    pub intro: Option<String>,
    /// Which page of the listing this is.
    pub pagination: PageNav,
}

/// Where one page of a long listing sits among the others.
#[derive(Serialize, Clone)]
pub struct PageNav {
    /// This page's number, from 1.
    pub page: usize,
    /// How many pages there are.
    pub pages: usize,
    /// How many items there are on all pages together.
    pub total: usize,
    /// The position of this page's first item, from 1.
    pub from: usize,
    /// The position of its last item.
    pub to: usize,
    /// The previous page's href.
    pub prev: Option<String>,
    /// The next page's href.
    pub next: Option<String>,
    /// Every page's number and href.
    pub links: Vec<PageLink>,
}

/// A link to one page of a listing.
#[derive(Serialize, Clone)]
pub struct PageLink {
    /// Its number.
    pub number: usize,
    /// Its href.
    pub url: String,
    /// Whether it is the page shown.
    pub current: bool,
}

/// How many team cards the home page shows before linking to all teams.
pub const HOME_TEAMS: usize = 60;
/// How many rotations' duty the home page shows.
pub const HOME_DUTIES: usize = 20;
/// How many of the latest week's updates the home page lists.
pub const HOME_UPDATES: usize = 30;

/// How many items one page of a listing holds; a longer listing goes on at `page/2/`, `page/3/`, ….
pub const PAGE_SIZE: usize = 1000;

/// How many pages `total` items take (at least one, which may be empty).
pub fn page_count(total: usize) -> usize {
    total.div_ceil(PAGE_SIZE).max(1)
}

/// The path under the site root of page `n` of the listing at `url` (`adrs/`, `adrs/page/2/`).
pub fn page_path(url: &str, n: usize) -> String {
    if n <= 1 {
        url.to_string()
    } else {
        format!("{url}page/{n}/")
    }
}

/// The items of page `n` (from 1) of a listing.
pub fn page_slice<T>(items: &[T], n: usize) -> &[T] {
    let start = ((n.max(1) - 1) * PAGE_SIZE).min(items.len());
    &items[start..(start + PAGE_SIZE).min(items.len())]
}

/// The documents of one kind's index, in its order, with the values its filters offer.
#[derive(Clone, Debug, Default)]
pub struct ListingOrder {
    /// Documents, in the order they are listed.
    pub documents: Vec<usize>,
    /// Distinct statuses among them.
    pub statuses: Vec<String>,
    /// Distinct teams among them, as written.
    pub teams: Vec<String>,
    /// Distinct tags among them.
    pub tags: Vec<String>,
}

/// One row of an index page.
#[derive(Serialize)]
pub struct ListingItem {
    /// The document.
    #[serde(flatten)]
    pub link: LinkView,
    /// Its team.
    pub team: Option<RefView>,
    /// Its tags.
    pub tags: Vec<TagLink>,
    /// A one-line summary (mission, description).
    pub summary: Option<String>,
    /// Count of dependencies (teams) or commitments (alignments).
    pub count: usize,
    /// Count of reverse dependencies (teams).
    pub reverse_count: usize,
    /// The week (updates).
    pub week: Option<String>,
}

/// A tag page.
#[derive(Serialize)]
pub struct TagView {
    /// The tag.
    pub name: String,
    /// Its page.
    pub url: String,
    /// Documents with it (on this page).
    pub documents: Vec<LinkView>,
    /// Which page of the tag's documents this is.
    pub pagination: PageNav,
}

/// Problems grouped by team.
#[derive(Serialize)]
pub struct HealthView {
    /// One group per team with problems, then `Other` (the part of them on this page).
    pub groups: Vec<HealthGroup>,
    /// Totals.
    pub counts: ProblemCounts,
    /// Which page of the problems this is.
    pub pagination: PageNav,
}

/// The problems of one team's documents.
#[derive(Serialize)]
pub struct HealthGroup {
    /// The team, or none for documents without a team.
    pub team: Option<LinkView>,
    /// Name shown.
    pub name: String,
    /// Counts (of the whole group).
    pub counts: ProblemCounts,
    /// Problems (on this page).
    pub problems: Vec<ProblemView>,
    /// Whether the group began on an earlier page.
    pub continued: bool,
}

/// The home page.
#[derive(Serialize)]
pub struct HomeView {
    /// Introduction from `content/index.md`, as HTML.
    pub intro: Option<String>,
    /// Teams (the first [`HOME_TEAMS`] by name).
    pub teams: Vec<ListingItem>,
    /// How many teams there are.
    pub teams_total: usize,
    /// Latest ADRs.
    pub recent_decisions: Vec<LinkView>,
    /// Proposed ADRs open for comment.
    pub open_for_comment: Vec<LinkView>,
    /// Highest-risk dependencies.
    pub risks: Vec<DependencyView>,
    /// Who is on duty (in the first [`HOME_DUTIES`] rotations by file).
    pub on_duty: Vec<DutyView>,
    /// How many rotations have someone on duty.
    pub on_duty_total: usize,
    /// The latest week with updates.
    pub latest_week: Option<String>,
    /// That week's updates (the first [`HOME_UPDATES`]).
    pub latest_updates: Vec<LinkView>,
    /// How many updates that week has.
    pub latest_updates_total: usize,
    /// Counts of documents per kind.
    pub counts: BTreeMap<String, usize>,
}

/// The org-wide dependency tracker, as `tracker`.
#[derive(Serialize)]
pub struct TrackerView {
    /// Every dependency, highest computed risk first, then by need-by date (on this page).
    pub all: Vec<DependencyView>,
    /// Grouped by the team depended on: what others are waiting on it for
    /// (only when every dependency fits on one page; team pages group them otherwise).
    pub by_owner: Vec<DependencyGroup>,
    /// Grouped by the depending team (likewise).
    pub by_dependent: Vec<DependencyGroup>,
    /// Number of dependencies at each computed risk.
    pub counts: BTreeMap<String, usize>,
    /// The dependency graph as inline SVG; empty when it is too large to inline.
    pub graph: String,
    /// Which page of the dependencies this is.
    pub pagination: PageNav,
}

/// Dependencies grouped under one team.
#[derive(Serialize)]
pub struct DependencyGroup {
    /// The team, when the id resolves.
    pub team: RefView,
    /// Its dependencies, in tracker order.
    pub dependencies: Vec<DependencyView>,
}

/// One commitment on the org-wide commitments page.
#[derive(Serialize)]
pub struct UpcomingCommitment {
    /// The alignment it was made in.
    pub alignment: LinkView,
    /// The committing team.
    pub team: RefView,
    /// What.
    pub deliverable: String,
    /// By when.
    pub date: String,
    /// Days from the build's date.
    pub days: i64,
    /// Confidence, 0–100.
    pub confidence: Option<u8>,
}

/// Builds views from the linked site.
///
/// Views are the only way pages read the site: when made [`recording`]
/// (Views::recording), they note every document and fact they read.
#[derive(Clone)]
pub struct Views<'a> {
    site: &'a Site,
    base: String,
    problems_by_file: std::sync::Arc<BTreeMap<String, Vec<ProblemView>>>,
    reads: Option<std::sync::Arc<ReadSet>>,
}

/// The path of a tag's page under the site root (`tags/rust/`).
pub fn tag_url(name: &str) -> String {
    format!("tags/{}/", crate::load::slugify(name))
}

fn date(d: Option<chrono::NaiveDate>) -> Option<String> {
    d.map(|d| d.to_string())
}

impl<'a> Views<'a> {
    /// Prepares views of `site`.
    pub fn new(site: &'a Site) -> Self {
        let mut views = Views {
            site,
            base: site.config.base_path(),
            problems_by_file: Default::default(),
            reads: None,
        };
        let mut problems_by_file: BTreeMap<String, Vec<ProblemView>> = BTreeMap::new();
        for d in &site.diagnostics {
            let file = d.span.file_display();
            let problem = ProblemView {
                severity: d.severity.as_str(),
                code: d.code,
                location: format!("{}:{}:{}", file, d.span.line, d.span.column),
                message: d.message.clone(),
                hint: d.hint.clone(),
                document: site.index.by_file(&file).map(|i| views.link(i)),
            };
            problems_by_file.entry(file).or_default().push(problem);
        }
        views.problems_by_file = std::sync::Arc::new(problems_by_file);
        views
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

    /// Notes a document's own file.
    pub fn note_document(&self, i: usize) {
        self.note(Read::Document(self.site.documents[i].key));
    }

    /// Notes what linking says about a document.
    pub fn note_links(&self, i: usize) {
        self.note(Read::Links(self.site.documents[i].key));
    }

    /// Notes what a document's body shows when rendered: the file, what its
    /// links resolve to, and the titles and addresses of their targets.
    pub fn note_body(&self, i: usize) {
        if self.reads.is_none() {
            return;
        }
        self.note_document(i);
        self.note_links(i);
        for r in &self.site.links.references.of[i] {
            if matches!(r.form, Form::WikiLink | Form::RelativeLink)
                && let Some(t) = r.resolution.found()
            {
                self.note_document(t);
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

    /// The site being viewed.
    pub fn site(&self) -> &'a Site {
        self.site
    }

    /// A link to document `i`.
    pub fn link(&self, i: usize) -> LinkView {
        self.note_document(i);
        let d = &self.site.documents[i];
        LinkView {
            id: d.id.clone(),
            title: self.title(i),
            url: page_href(&self.base, &d.url, None),
            kind: d.kind,
            status: d.status(),
            date: date(d.date),
        }
    }

    /// A document's title; an update without one is named after its team and week.
    fn title(&self, i: usize) -> String {
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
                    .inspect(|&t| self.note_document(t))
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

    fn links(&self, ids: &[usize]) -> Vec<LinkView> {
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

    fn duty(&self, i: usize) -> Option<DutyView> {
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
            pairs: crate::schedule::pairs_text(&shift.pairs),
            member: shift.member,
            until: shift
                .end
                .with_timezone(&tz)
                .format("%a %Y-%m-%d %H:%M %Z")
                .to_string(),
        })
    }

    /// The page of document `i`.
    pub fn document(&self, i: usize, highlighter: &Highlighter) -> DocumentView {
        let site = self.site;
        self.note_body(i);
        self.note(Read::Problems(site.documents[i].key));
        self.note(Read::Fact(Fact::Settings));
        let doc = &site.documents[i];
        let file = display_path(doc.file());
        let mut view = DocumentView {
            link: self.link(i),
            description: doc.description.clone(),
            html: render_body(doc, site, highlighter),
            toc: doc
                .source
                .outline
                .headings
                .iter()
                .filter(|h| h.level == 2 || h.level == 3)
                .map(|h| TocEntry {
                    level: h.level,
                    text: h.text.clone(),
                    anchor: h.anchor.clone(),
                })
                .collect(),
            tags: doc.tags.iter().map(|t| self.tag_link(t)).collect(),
            backlinks: self.links(
                site.links
                    .backlinks
                    .get(&i)
                    .map(Vec::as_slice)
                    .unwrap_or(&[]),
            ),
            problems: self
                .problems_by_file
                .get(&file)
                .cloned()
                .unwrap_or_default(),
            error_count: self
                .problems_by_file
                .get(&file)
                .map(|p| p.iter().filter(|p| p.severity == "error").count())
                .unwrap_or(0),
            file,
            words: doc.source.outline.words,
            team: None,
            adr: None,
            alignment: None,
            rotation: None,
            update: None,
        };
        let get = |m: &BTreeMap<usize, Vec<usize>>| m.get(&i).cloned().unwrap_or_default();
        match &doc.details {
            Details::Team(t) => {
                let rotations = get(&site.links.rotations_by_team);
                let on_duty: Vec<DutyView> =
                    rotations.iter().filter_map(|&r| self.duty(r)).collect();
                view.team = Some(TeamView {
                    name: t.name.clone(),
                    mission: t.mission.clone(),
                    lead: t.lead.clone(),
                    members: t
                        .members
                        .iter()
                        .map(|m| MemberView {
                            name: m.name.clone(),
                            role: m.role.clone(),
                        })
                        .collect(),
                    channels: t
                        .channels
                        .iter()
                        .map(|(name, value)| ChannelView {
                            name: name.clone(),
                            value: value.clone(),
                            href: if value.contains('@') && !value.contains(' ') {
                                Some(format!("mailto:{value}"))
                            } else if value.starts_with("https://") || value.starts_with("http://")
                            {
                                Some(value.clone())
                            } else {
                                None
                            },
                        })
                        .collect(),
                    office_hours: t.office_hours.clone(),
                    coordination_model: t.coordination_model.map(|c| c.to_string()),
                    owns: t.owns.clone(),
                    updated: date(t.updated),
                    depends_on: self.sorted_dependencies(
                        site.links.dependencies.iter().filter(|d| d.from == i),
                    ),
                    depended_on_by: self.sorted_dependencies(
                        site.links.dependencies.iter().filter(|d| d.to == Some(i)),
                    ),
                    adrs: {
                        let mut adrs = self.links(&get(&site.links.adrs_by_team));
                        adrs.sort_by(|a, b| b.date.cmp(&a.date).then(b.id.cmp(&a.id)));
                        adrs
                    },
                    alignments: self.links(&get(&site.links.alignments_by_team)),
                    rotations: rotations
                        .iter()
                        .filter(|r| {
                            !on_duty
                                .iter()
                                .any(|d| d.rotation.id == site.documents[**r].id)
                        })
                        .map(|&r| self.link(r))
                        .collect(),
                    on_duty,
                    latest_update: get(&site.links.updates_by_team)
                        .first()
                        .map(|&u| self.link(u)),
                    graph: None,
                });
            }
            Details::Adr(a) => {
                let status_class = match &a.status {
                    Some(AdrStatus::Known(w)) => w.as_str().to_string(),
                    Some(AdrStatus::Other(_)) => "other".into(),
                    None => "none".into(),
                };
                let superseded_by = get(&site.links.superseded_by);
                let superseded_inferred = !superseded_by.is_empty() && a.superseded_by.is_none();
                let status = match (&a.status, superseded_inferred) {
                    (_, true) => Some("superseded".to_string()),
                    (s, false) => s.as_ref().map(|s| s.label().to_string()),
                };
                view.adr = Some(AdrView {
                    number: a.number,
                    status_known: !matches!(a.status, Some(AdrStatus::Other(_))),
                    status_class: if superseded_inferred {
                        "superseded".into()
                    } else {
                        status_class
                    },
                    status,
                    date: date(a.date),
                    team: a.team.as_ref().map(|t| self.reference(&t.id, Kind::Team)),
                    deciders: a.deciders.clone(),
                    consulted: a.consulted.clone(),
                    informed: a.informed.clone(),
                    affects: a
                        .affects
                        .iter()
                        .map(|t| self.reference(&t.id, Kind::Team))
                        .collect(),
                    supersedes: self.links(&get(&site.links.supersedes)),
                    superseded_by: self.links(&superseded_by),
                    superseded_inferred,
                    comment_by: date(a.comment_by),
                    open_for_comment: a.status == Some(AdrStatus::Known(AdrStatusWord::Proposed))
                        && a.comment_by.is_some_and(|c| c >= site.today),
                });
            }
            Details::Alignment(al) => {
                let mut commitments: Vec<CommitmentView> = al
                    .commitments
                    .iter()
                    .map(|c| CommitmentView {
                        team: self.reference(&c.team.id, Kind::Team),
                        deliverable: c.deliverable.clone(),
                        date: date(c.date),
                        confidence: c.confidence,
                        past: c.date.is_some_and(|d| d < site.today),
                    })
                    .collect();
                commitments.sort_by(|a, b| a.date.cmp(&b.date));
                view.alignment = Some(AlignmentView {
                    teams: al
                        .teams
                        .iter()
                        .map(|t| self.reference(&t.id, Kind::Team))
                        .collect(),
                    owner: al.owner.clone(),
                    status: al.status.map(|s| s.to_string()),
                    review_by: date(al.review_by),
                    review_overdue: al.review_by.is_some_and(|r| r < site.today),
                    commitments,
                    adrs: al
                        .adrs
                        .iter()
                        .map(|a| self.reference(&a.id, Kind::Adr))
                        .collect(),
                    dependencies: self.sorted_dependencies(
                        site.links
                            .dependencies
                            .iter()
                            .filter(|d| d.alignment == Some(i)),
                    ),
                });
            }
            Details::Rotation(r) => {
                let tz = r.timezone.unwrap_or(chrono_tz::Tz::UTC);
                let at = schedule::noon(r, site.today);
                view.rotation = Some(RotationView {
                    kind: r.kind.map(|k| k.to_string()),
                    teams: r
                        .teams
                        .iter()
                        .map(|t| self.reference(&t.id, Kind::Team))
                        .collect(),
                    members: r.members.clone(),
                    every: r.every.map(|p| match p.days {
                        d if d % 7 == 0 && d > 7 => format!("every {} weeks", d / 7),
                        7 => "every week".into(),
                        1 => "every day".into(),
                        d => format!("every {d} days"),
                    }),
                    handoff: r.handoff.map(|h| match h.weekday {
                        Some(w) => format!("{w} {}", h.time.format("%H:%M")),
                        None => h.time.format("%H:%M").to_string(),
                    }),
                    timezone: tz.name().to_string(),
                    start: date(r.start),
                    on_duty: self.duty(i),
                    calendar: format!("{}{}.ics", self.base, doc.url.trim_end_matches('/')),
                    next: schedule::next_handoffs(r, at, 8)
                        .into_iter()
                        .map(|s| ShiftView {
                            pairs: crate::schedule::pairs_text(&s.pairs),
                            member: s.member,
                            start: s
                                .start
                                .with_timezone(&tz)
                                .format("%a %Y-%m-%d %H:%M %Z")
                                .to_string(),
                        })
                        .collect(),
                });
            }
            Details::Update(u) => {
                view.update = Some(UpdateView {
                    team: self.reference(&u.team.id, Kind::Team),
                    week: u.week.to_string(),
                });
            }
            Details::Page => {}
        }
        view
    }

    fn tag_link(&self, tag: &str) -> TagLink {
        TagLink {
            name: tag.to_string(),
            url: format!("{}tags/{}/", self.base, crate::load::slugify(tag)),
        }
    }

    /// Every tag with its documents.
    pub fn tags(&self) -> Vec<TagView> {
        self.note(Read::Fact(Fact::Tags));
        self.site
            .links
            .tags
            .keys()
            .map(|name| self.tag(name, 1))
            .collect()
    }

    /// One page of a tag and the documents with it.
    pub fn tag(&self, name: &str, page: usize) -> TagView {
        self.note(Read::Fact(Fact::Tags));
        let docs = self
            .site
            .links
            .tags
            .get(name)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let url = tag_url(name);
        TagView {
            name: name.to_string(),
            documents: self.links(page_slice(docs, page)),
            pagination: self.page_nav(&url, page, docs.len()),
            url,
        }
    }

    /// Where page `page` of a listing at `url` with `total` items sits among the others.
    pub fn page_nav(&self, url: &str, page: usize, total: usize) -> PageNav {
        let pages = page_count(total);
        let href = |n: usize| format!("{}{}", self.base, page_path(url, n));
        PageNav {
            page,
            pages,
            total,
            from: ((page - 1) * PAGE_SIZE + 1).min(total),
            to: (page * PAGE_SIZE).min(total),
            prev: (page > 1).then(|| href(page - 1)),
            next: (page < pages).then(|| href(page + 1)),
            links: (1..=pages)
                .map(|n| PageLink {
                    number: n,
                    url: href(n),
                    current: n == page,
                })
                .collect(),
        }
    }

    /// The documents of one kind's index, in order, with its filters' values.
    pub fn listing_order(&self, kind: Kind) -> ListingOrder {
        let site = self.site;
        let mut documents: Vec<usize> = site
            .documents
            .iter()
            .enumerate()
            .filter(|(_, d)| d.kind == kind && !d.url.is_empty())
            .map(|(i, _)| i)
            .collect();
        match kind {
            Kind::Adr => {
                documents.sort_by(|&a, &b| site.documents[b].id.cmp(&site.documents[a].id))
            }
            Kind::Update => {
                let week = |i: usize| match &site.documents[i].details {
                    Details::Update(u) => Some(u.week.to_string()),
                    _ => None,
                };
                let keys: BTreeMap<usize, (Option<String>, String)> = documents
                    .iter()
                    .map(|&i| (i, (week(i), self.title(i))))
                    .collect();
                documents.sort_by(|a, b| {
                    let (wa, ta) = &keys[a];
                    let (wb, tb) = &keys[b];
                    wb.cmp(wa).then(ta.cmp(tb))
                })
            }
            _ => {
                let keys: BTreeMap<usize, String> = documents
                    .iter()
                    .map(|&i| (i, self.title(i).to_lowercase()))
                    .collect();
                documents.sort_by(|a, b| keys[a].cmp(&keys[b]))
            }
        }
        let distinct = |values: Vec<String>| {
            values
                .into_iter()
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect::<Vec<_>>()
        };
        let docs = || documents.iter().map(|&i| &site.documents[i]);
        ListingOrder {
            statuses: distinct(docs().filter_map(|d| d.status()).collect()),
            teams: distinct(
                docs()
                    .filter(|_| kind != Kind::Team)
                    .filter_map(|d| d.team().map(str::to_string))
                    .collect(),
            ),
            tags: distinct(docs().flat_map(|d| d.tags.iter().cloned()).collect()),
            documents,
        }
    }

    /// Page `page` of the index of one kind, listed in `order`.
    pub fn listing(
        &self,
        kind: Kind,
        order: &ListingOrder,
        page: usize,
        highlighter: &Highlighter,
    ) -> ListingView {
        let site = self.site;
        self.note(Read::Kind(kind));
        let items: Vec<ListingItem> = page_slice(&order.documents, page)
            .iter()
            .map(|&i| self.listing_item(kind, i))
            .collect();
        let intro = (kind == Kind::Adr && page == 1)
            .then(|| {
                site.documents.iter().find(|d| {
                    let dirs = site.config.dirs_for(Kind::Adr);
                    dirs.iter().any(|dir| {
                        d.source.rel == format!("{dir}/README.md")
                            || d.source.rel == format!("{dir}/index.md")
                    })
                })
            })
            .flatten()
            .map(|d| {
                if let Some(i) = site.index.position(d.key) {
                    self.note_body(i);
                }
                render_body(d, site, highlighter)
            });
        ListingView {
            kind,
            items,
            statuses: order.statuses.clone(),
            teams: order.teams.clone(),
            tags: order.tags.clone(),
            intro,
            pagination: self.page_nav(&format!("{}/", kind.url_dir()), page, order.documents.len()),
        }
    }

    fn listing_item(&self, kind: Kind, i: usize) -> ListingItem {
        let site = self.site;
        let d = &site.documents[i];
        // How many depend on a team comes from linking.
        self.note_links(i);
        ListingItem {
            link: self.link(i),
            team: d
                .team()
                .filter(|_| kind != Kind::Team)
                .map(|t| self.reference(t, Kind::Team)),
            tags: d.tags.iter().map(|t| self.tag_link(t)).collect(),
            summary: match &d.details {
                Details::Team(t) => t.mission.clone(),
                _ => d.description.clone(),
            },
            count: match &d.details {
                Details::Team(t) => t.depends_on.len(),
                Details::Alignment(a) => a.commitments.len(),
                _ => 0,
            },
            // Only teams are depended on.
            reverse_count: if d.kind == Kind::Team {
                site.links
                    .dependencies
                    .iter()
                    .filter(|x| x.to == Some(i))
                    .count()
            } else {
                0
            },
            week: match &d.details {
                Details::Update(u) => Some(u.week.to_string()),
                _ => None,
            },
        }
    }

    /// Every problem grouped by the team that owns each file, on one page.
    pub fn health(&self) -> HealthView {
        let site = self.site;
        self.note(Read::Fact(Fact::Problems));
        let mut groups: BTreeMap<(u8, String), HealthGroup> = BTreeMap::new();
        for (file, problems) in self.problems_by_file.iter() {
            let doc = site.index.by_file(file);
            let team = doc
                .inspect(|&i| self.note_document(i))
                .and_then(|i| site.documents[i].team())
                .inspect(|t| self.note_name(Some(Kind::Team), t))
                .and_then(|t| site.team(t));
            let key = match team {
                Some(t) => (0, site.documents[t].title.clone()),
                None => (1, "Other documents".into()),
            };
            let group = groups.entry(key.clone()).or_insert_with(|| HealthGroup {
                team: team.map(|t| self.link(t)),
                name: key.1.clone(),
                counts: ProblemCounts::default(),
                problems: Vec::new(),
                continued: false,
            });
            for p in problems {
                match p.severity {
                    "error" => group.counts.errors += 1,
                    _ => group.counts.warnings += 1,
                }
                group.problems.push(p.clone());
            }
        }
        let c = crate::diagnostic::Counts::of(&site.diagnostics);
        HealthView {
            groups: groups.into_values().collect(),
            counts: ProblemCounts {
                errors: c.errors,
                warnings: c.warnings,
            },
            pagination: self.page_nav("health/", 1, site.diagnostics.len()),
        }
    }

    /// Page `page` of the health view `all`: [`PAGE_SIZE`] problems, in their groups.
    pub fn health_page(&self, all: &HealthView, page: usize) -> HealthView {
        let total: usize = all.groups.iter().map(|g| g.problems.len()).sum();
        let start = (page.max(1) - 1) * PAGE_SIZE;
        let end = start + PAGE_SIZE;
        let mut seen = 0;
        let mut groups = Vec::new();
        for g in &all.groups {
            let (first, last) = (seen, seen + g.problems.len());
            seen = last;
            if last <= start || first >= end {
                continue;
            }
            let from = start.saturating_sub(first);
            let to = (end - first).min(g.problems.len());
            groups.push(HealthGroup {
                team: g.team.clone(),
                name: g.name.clone(),
                counts: g.counts,
                problems: g.problems[from..to].to_vec(),
                continued: from > 0,
            });
        }
        HealthView {
            groups,
            counts: all.counts,
            pagination: self.page_nav("health/", page, total),
        }
    }

    /// Page `page` of the org-wide tracker, with the graph already drawn (or empty).
    pub fn tracker(&self, graph: String, page: usize) -> TrackerView {
        self.note(Read::Fact(Fact::Dependencies));
        let deps = &self.site.links.dependencies;
        let pagination = self.page_nav("dependencies/", page, deps.len());
        let all: Vec<DependencyView> = page_slice(deps, page)
            .iter()
            .map(|d| self.dependency(d))
            .collect();
        let group = |key: &dyn Fn(&DependencyView) -> RefView| {
            let mut groups: BTreeMap<String, DependencyGroup> = BTreeMap::new();
            for d in &all {
                let team = key(d);
                let name = team
                    .link
                    .as_ref()
                    .map(|l| l.title.to_lowercase())
                    .unwrap_or_else(|| team.id.clone());
                groups
                    .entry(name)
                    .or_insert_with(|| DependencyGroup {
                        team,
                        dependencies: Vec::new(),
                    })
                    .dependencies
                    .push(d.clone());
            }
            groups.into_values().collect::<Vec<_>>()
        };
        // Grouped twice more, every row would be on the page three times: past
        // one page, each team's page shows its rows both ways instead.
        let (by_owner, by_dependent) = if pagination.pages == 1 {
            (
                group(&|d: &DependencyView| d.on.clone()),
                group(&|d: &DependencyView| RefView {
                    id: d.from.id.clone(),
                    link: Some(d.from.clone()),
                }),
            )
        } else {
            (Vec::new(), Vec::new())
        };
        let mut counts = BTreeMap::new();
        for d in deps {
            *counts.entry(d.assessment.computed.to_string()).or_insert(0) += 1;
        }
        TrackerView {
            all,
            by_owner,
            by_dependent,
            counts,
            graph,
            pagination,
        }
    }

    /// Every alignment commitment due within `days` of the build's date, soonest first.
    pub fn upcoming_commitments(&self, days: i64) -> Vec<UpcomingCommitment> {
        let site = self.site;
        self.note(Read::Kind(Kind::Alignment));
        self.note(Read::Fact(Fact::Settings));
        let mut out: Vec<UpcomingCommitment> = site
            .documents
            .iter()
            .enumerate()
            .filter_map(|(i, d)| match &d.details {
                Details::Alignment(a)
                    if a.status != Some(crate::model::AlignmentStatus::Closed) =>
                {
                    Some((i, a))
                }
                _ => None,
            })
            .flat_map(|(i, a)| {
                a.commitments.iter().filter_map(move |c| {
                    let date = c.date?;
                    let away = (date - site.today).num_days();
                    (0..=days).contains(&away).then(|| UpcomingCommitment {
                        alignment: self.link(i),
                        team: self.reference(&c.team.id, Kind::Team),
                        deliverable: c.deliverable.clone(),
                        date: date.to_string(),
                        days: away,
                        confidence: c.confidence,
                    })
                })
            })
            .collect();
        out.sort_by(|a, b| (&a.date, &a.alignment.id).cmp(&(&b.date, &b.alignment.id)));
        out
    }

    /// The home page.
    pub fn home(&self, intro: Option<String>) -> HomeView {
        let site = self.site;
        for read in [
            Read::Kind(Kind::Adr),
            Read::Kind(Kind::Rotation),
            Read::Kind(Kind::Update),
            Read::Fact(Fact::Dependencies),
            Read::Fact(Fact::Census),
            Read::Fact(Fact::Settings),
        ] {
            self.note(read);
        }
        let mut adrs: Vec<usize> = (0..site.documents.len())
            .filter(|&i| site.documents[i].kind == Kind::Adr)
            .collect();
        adrs.sort_by(|&a, &b| {
            site.documents[b]
                .date
                .cmp(&site.documents[a].date)
                .then(site.documents[b].id.cmp(&site.documents[a].id))
        });
        let open_for_comment = adrs
            .iter()
            .copied()
            .filter(|&i| match &site.documents[i].details {
                Details::Adr(a) => {
                    a.status == Some(AdrStatus::Known(AdrStatusWord::Proposed))
                        && a.comment_by.is_none_or(|c| c >= site.today)
                }
                _ => false,
            })
            .map(|i| self.link(i))
            .collect();
        let risks = self
            .sorted_dependencies(
                site.links
                    .dependencies
                    .iter()
                    .filter(|d| d.assessment.computed == Risk::High),
            )
            .into_iter()
            .take(10)
            .collect();
        let mut on_duty: Vec<DutyView> = (0..site.documents.len())
            .filter_map(|i| self.duty(i))
            .collect();
        let on_duty_total = on_duty.len();
        on_duty.truncate(HOME_DUTIES);
        let latest_week = site
            .documents
            .iter()
            .filter_map(|d| match &d.details {
                Details::Update(u) if u.week <= crate::model::Week::of(site.today) => Some(u.week),
                _ => None,
            })
            .max();
        let latest: Vec<usize> = (0..site.documents.len())
            .filter(|&i| matches!(&site.documents[i].details, Details::Update(u) if Some(u.week) == latest_week))
            .collect();
        let latest_updates = latest
            .iter()
            .take(HOME_UPDATES)
            .map(|&i| self.link(i))
            .collect();
        let mut counts = BTreeMap::new();
        for d in &site.documents {
            *counts.entry(d.kind.as_str().to_string()).or_insert(0) += 1;
        }
        let teams = self.listing_order(Kind::Team);
        HomeView {
            intro,
            teams: teams
                .documents
                .iter()
                .take(HOME_TEAMS)
                .map(|&i| {
                    self.note(Read::Kind(Kind::Team));
                    self.listing_item(Kind::Team, i)
                })
                .collect(),
            teams_total: teams.documents.len(),
            recent_decisions: adrs.iter().take(8).map(|&i| self.link(i)).collect(),
            open_for_comment,
            risks,
            on_duty,
            on_duty_total,
            latest_week: latest_week.map(|w| w.to_string()),
            latest_updates,
            latest_updates_total: latest.len(),
            counts,
        }
    }
}
