//! The serialisable view structs templates see, as documented in `docs/templates.md`.
//!
//! They only hold values; [`Views`](super::Views) fills them in from the site.

use std::collections::BTreeMap;

use serde::Serialize;

#[cfg(doc)] // Named in the home page's doc comments.
use super::{HOME_COMMENTS, HOME_DUTIES, HOME_TEAMS, HOME_UPDATES};
use crate::model::Kind;

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
    /// The pages' Content-Security-Policy ([`crate::render::PAGE_POLICY`]).
    pub csp: &'static str,
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

/// A link to a document.
#[derive(Serialize, Clone, Hash)]
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
    /// `message` as HTML: escaped, with each `` `name` `` as `<code>`.
    pub message_html: String,
    /// `hint` as HTML, likewise.
    pub hint_html: Option<String>,
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
    /// Problems in its file, the first [`PAGE_PROBLEMS`](super::PAGE_PROBLEMS).
    pub problems: Vec<ProblemView>,
    /// How many problems its file has that are errors, listed or not.
    pub error_count: usize,
    /// How many are warnings, listed or not.
    pub warning_count: usize,
    /// How many are not in `problems`.
    pub problems_more: usize,
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
    /// Whether it is superseded only because a successor says so (never for imported ADRs).
    pub superseded_inferred: bool,
    /// ADRs it amends.
    pub amends: Vec<LinkView>,
    /// ADRs that amend it.
    pub amended_by: Vec<LinkView>,
    /// The format its file was read as: `seam`, `nygard`, `madr-2`, `madr-3`, `madr-4`, `log4brains`.
    pub format: &'static str,
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

/// The documents of one kind's index, in its order, with the values its filters offer.
#[derive(Clone, Debug, Default)]
pub struct ListingOrder {
    /// Documents, in the order they are listed.
    pub documents: Vec<crate::model::DocId>,
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
    /// Proposed ADRs open for comment (the newest [`HOME_COMMENTS`]).
    pub open_for_comment: Vec<LinkView>,
    /// How many proposed ADRs are open for comment.
    pub open_for_comment_total: usize,
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
    /// Every team with a dependency either way, by name: how much it waits
    /// for and how much others wait on it for (each team's page lists them).
    pub by_team: Vec<TeamLoad>,
    /// Number of dependencies at each computed risk.
    pub counts: BTreeMap<String, usize>,
    /// The dependency graph as inline SVG; empty when it is too large to inline.
    pub graph: String,
    /// Which page of the dependencies this is.
    pub pagination: PageNav,
}

/// One team's dependencies both ways, counted, for the tracker's summary.
#[derive(Serialize)]
pub struct TeamLoad {
    /// The team, when the id resolves.
    pub team: RefView,
    /// How many dependencies it has on other teams.
    pub waits_for: usize,
    /// How many of those are at high computed risk.
    pub waits_for_high: usize,
    /// How many dependencies other teams have on it.
    pub waited_on_for: usize,
    /// How many of those are at high computed risk.
    pub waited_on_for_high: usize,
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
