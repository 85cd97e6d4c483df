//! Stage 2: typed documents, one per Markdown file.
//!
//! Front matter arrives as a YAML mapping; here it becomes a [`Team`],
//! [`Adr`], [`Alignment`], [`Rotation`], [`Update`] or page, with dates,
//! enums and references typed. Field problems (missing, wrong type, unknown
//! value, impossible date) become diagnostics pointing at the key's line.
//! Each document is converted on its own, so one file can be re-read alone.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};
use rayon::prelude::*;
use serde::Serialize;
use serde_yaml::{Mapping, Value};

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Span, codes};
use crate::load::{Corpus, FieldPositions, Source};

/// The kinds of document Seam knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A team page.
    Team,
    /// An architecture decision record.
    Adr,
    /// A working agreement between teams.
    Alignment,
    /// A rotation schedule.
    Rotation,
    /// A team's weekly update.
    Update,
    /// Any other Markdown.
    Page,
}

impl Kind {
    /// Every kind, in the order indexes show them.
    pub const ALL: [Kind; 6] = [
        Kind::Team,
        Kind::Adr,
        Kind::Alignment,
        Kind::Rotation,
        Kind::Update,
        Kind::Page,
    ];

    /// The name used in front matter, seam.toml and URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Team => "team",
            Kind::Adr => "adr",
            Kind::Alignment => "alignment",
            Kind::Rotation => "rotation",
            Kind::Update => "update",
            Kind::Page => "page",
        }
    }

    /// The plural heading of the kind's index page.
    pub fn plural_title(self) -> &'static str {
        match self {
            Kind::Team => "Teams",
            Kind::Adr => "Decisions",
            Kind::Alignment => "Alignments",
            Kind::Rotation => "Rotations",
            Kind::Update => "Updates",
            Kind::Page => "Pages",
        }
    }

    /// The folder of the kind's pages in the site.
    pub fn url_dir(self) -> &'static str {
        match self {
            Kind::Team => "teams",
            Kind::Adr => "adrs",
            Kind::Alignment => "alignments",
            Kind::Rotation => "rotations",
            Kind::Update => "updates",
            Kind::Page => "pages",
        }
    }

    /// Content folders of the kind unless seam.toml says otherwise.
    pub fn default_dirs(self) -> &'static [&'static str] {
        match self {
            Kind::Team => &["teams"],
            Kind::Adr => &["adrs", "adr", "decisions"],
            Kind::Alignment => &["alignments"],
            Kind::Rotation => &["rotations"],
            Kind::Update => &["updates"],
            Kind::Page => &[],
        }
    }

    /// Required level-2 sections; `|` separates aliases.
    pub fn default_required_sections(self) -> &'static [&'static str] {
        match self {
            Kind::Team => &[
                "Current Priorities",
                "Looking for Input On|Looking for Input",
                "Recent Wins",
            ],
            Kind::Adr => &[
                "Context|Context and Problem Statement",
                "Decision|Decision Outcome",
                "Consequences",
            ],
            Kind::Alignment => &[
                "Ownership Map",
                "Interface Definitions",
                "Timeline Commitments",
                "Slip Protocol",
                "Escalation Path",
            ],
            Kind::Rotation => &["Responsibilities"],
            Kind::Update | Kind::Page => &[],
        }
    }

    /// Recommended level-2 sections; `|` separates aliases.
    pub fn default_recommended_sections(self) -> &'static [&'static str] {
        match self {
            Kind::Adr => &["Alternatives Considered|Considered Options|Options Considered"],
            _ => &[],
        }
    }

    fn allowed_keys(self) -> &'static [&'static str] {
        match self {
            Kind::Team => &[
                "name",
                "mission",
                "lead",
                "members",
                "channels",
                "office_hours",
                "coordination_model",
                "owns",
                "depends_on",
                "updated",
            ],
            Kind::Adr => &[
                "number",
                "status",
                "date",
                "team",
                "deciders",
                "consulted",
                "informed",
                "affects",
                "supersedes",
                "superseded_by",
                "comment_by",
                "status_changed",
            ],
            Kind::Alignment => &[
                "teams",
                "owner",
                "status",
                "review_by",
                "commitments",
                "adrs",
                "date",
                "updated",
            ],
            Kind::Rotation => &[
                "name",
                "team",
                "teams",
                "start",
                "every",
                "handoff",
                "timezone",
                "members",
                "overrides",
                "pairs",
                "pairing",
            ],
            Kind::Update => &["team", "week", "date", "author"],
            Kind::Page => &["date", "author", "team"],
        }
    }
}

impl FromStr for Kind {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or(())
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Front matter keys every kind accepts.
const COMMON_KEYS: &[&str] = &["kind", "id", "title", "tags", "description"];

/// A reference to another document, as written, with where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// The id as written (`payments`, `ADR-7`, `7`).
    pub id: String,
    /// Where it was written.
    pub span: Span,
}

/// Declares a closed set of words for a front matter field.
macro_rules! word_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        pub enum $name { $($(#[$vdoc])* $variant),+ }
        impl $name {
            /// Every allowed word, in order.
            pub const WORDS: &'static [&'static str] = &[$($word),+];
            /// The word as written in front matter.
            pub fn as_str(self) -> &'static str { match self { $($name::$variant => $word),+ } }
            /// Parses a word, ignoring case and surrounding space.
            pub fn parse(s: &str) -> Option<Self> {
                let s = s.trim().to_ascii_lowercase().replace([' ', '_'], "-");
                match s.as_str() { $($word => Some($name::$variant),)+ _ => None }
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

word_enum!(
    /// How a team works with others.
    CoordinationModel {
        /// Runs a service others call.
        ServiceProvider = "service-provider",
        /// Advises.
        Consultant = "consultant",
        /// Provides tools others use alone.
        SelfService = "self-service",
        /// Does the work itself.
        IndependentExecutor = "independent-executor",
        /// Connects teams.
        Liaison = "liaison",
        /// Sits inside another team.
        Embedded = "embedded",
        /// Owns one initiative end to end.
        SingleThreadedOwner = "single-threaded-owner",
        /// Staffed by rotation.
        Rotation = "rotation",
        /// Temporary team for one goal.
        TaskForce = "task-force",
        /// Works in another team's code.
        AwayTeam = "away-team",
        /// Shares practice across teams.
        CommunityOfPractice = "community-of-practice",
        /// Anything else.
        Other = "other",
    }
);

word_enum!(
    /// What a dependency is on.
    DependencyType {
        /// An API.
        Api = "api",
        /// A shared service.
        SharedService = "shared-service",
        /// Data.
        Data = "data",
        /// A platform capability.
        Platform = "platform",
        /// A release.
        Release = "release",
    }
);

word_enum!(
    /// Progress of a dependency.
    DependencyStatus {
        /// Not started.
        NotStarted = "not-started",
        /// In progress.
        InProgress = "in-progress",
        /// On track.
        OnTrack = "on-track",
        /// At risk.
        AtRisk = "at-risk",
        /// Blocked.
        Blocked = "blocked",
        /// Delivered.
        Done = "done",
    }
);

word_enum!(
    /// A risk level, the owner's or computed.
    Risk {
        /// Low.
        Low = "low",
        /// Medium.
        Medium = "medium",
        /// High.
        High = "high",
    }
);

word_enum!(
    /// The status of an alignment document.
    AlignmentStatus {
        /// Being written.
        Draft = "draft",
        /// In force.
        Active = "active",
        /// Done or abandoned.
        Closed = "closed",
    }
);

word_enum!(
    /// What a rotation is for.
    RotationKind {
        /// Incident response.
        OnCall = "on-call",
        /// A person who links teams.
        Liaison = "liaison",
        /// Office hours.
        OfficeHours = "office-hours",
        /// Engineers swapping between teams.
        Exchange = "exchange",
        /// Scrum of scrums.
        ScrumOfScrums = "scrum-of-scrums",
        /// Anything else.
        Other = "other",
    }
);

word_enum!(
    /// The known ADR statuses.
    AdrStatusWord {
        /// Open for comment.
        Proposed = "proposed",
        /// Decided.
        Accepted = "accepted",
        /// Turned down.
        Rejected = "rejected",
        /// No longer recommended.
        Deprecated = "deprecated",
        /// Replaced by another ADR.
        Superseded = "superseded",
    }
);

/// An ADR's status: a known word, or another word kept as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AdrStatus {
    /// One of the statuses Seam understands.
    Known(AdrStatusWord),
    /// Any other word (`on hold`), shown as written.
    Other(String),
}

impl AdrStatus {
    /// Reads a status as people write it: any case, emoji, trailing qualifiers, common misspellings.
    pub fn parse(written: &str) -> AdrStatus {
        let cleaned: String = written
            .chars()
            .map(|c| {
                if c.is_alphabetic() {
                    c.to_ascii_lowercase()
                } else {
                    ' '
                }
            })
            .collect();
        let first = cleaned.split_whitespace().next().unwrap_or("");
        let word = match first {
            "proposed" | "draft" if first == "proposed" => AdrStatusWord::Proposed,
            "accepted" | "approved" | "adopted" => AdrStatusWord::Accepted,
            "rejected" | "declined" => AdrStatusWord::Rejected,
            "deprecated" => AdrStatusWord::Deprecated,
            "superseded" | "superceded" => AdrStatusWord::Superseded,
            "proposal" => AdrStatusWord::Proposed,
            _ => return AdrStatus::Other(written.trim().to_string()),
        };
        AdrStatus::Known(word)
    }

    /// The word shown on badges.
    pub fn label(&self) -> &str {
        match self {
            AdrStatus::Known(w) => w.as_str(),
            AdrStatus::Other(s) => s,
        }
    }
}

/// A person on a team.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Member {
    /// Their name.
    pub name: String,
    /// Their role, if given.
    pub role: Option<String>,
}

/// When a dependency's provider has committed to deliver.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Committed {
    /// A date.
    Date(NaiveDate),
    /// Not yet committed (`TBD`, or not given).
    Tbd,
}

impl fmt::Display for Committed {
    /// The date, or `TBD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Committed::Date(d) => write!(f, "{d}"),
            Committed::Tbd => f.write_str("TBD"),
        }
    }
}

/// One `depends_on` entry: what a team needs from another, by when.
#[derive(Clone, Debug, PartialEq)]
pub struct Dependency {
    /// The team depended on.
    pub on: Reference,
    /// What is needed.
    pub what: String,
    /// What kind of thing it is.
    pub kind: Option<DependencyType>,
    /// When it is needed.
    pub need_by: Option<NaiveDate>,
    /// When the provider committed to deliver.
    pub committed: Committed,
    /// Progress.
    pub status: Option<DependencyStatus>,
    /// The owner's view of the risk.
    pub risk: Option<Risk>,
    /// What happens if it slips.
    pub fallback: Option<String>,
    /// The alignment document that governs it.
    pub alignment: Option<Reference>,
    /// When the entry was last confirmed.
    pub updated: Option<NaiveDate>,
    /// The entry's `- ` line.
    pub span: Span,
}

/// A team page.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Team {
    /// Display name.
    pub name: String,
    /// Why the team exists.
    pub mission: Option<String>,
    /// Who leads it.
    pub lead: Option<String>,
    /// Who is on it.
    pub members: Vec<Member>,
    /// How to reach it (`slack`, `email`, ...).
    pub channels: BTreeMap<String, String>,
    /// When it holds office hours.
    pub office_hours: Option<String>,
    /// How it works with other teams.
    pub coordination_model: Option<CoordinationModel>,
    /// Services and components it owns.
    pub owns: Vec<String>,
    /// What it needs from other teams.
    pub depends_on: Vec<Dependency>,
    /// When the page was last reviewed.
    pub updated: Option<NaiveDate>,
}

/// An architecture decision record.
#[derive(Clone, Debug, PartialEq)]
pub struct Adr {
    /// Its number, when it has one.
    pub number: Option<u32>,
    /// Its status.
    pub status: Option<AdrStatus>,
    /// Where `status` was written.
    pub status_span: Span,
    /// When it was decided or proposed.
    pub date: Option<NaiveDate>,
    /// The owning team.
    pub team: Option<Reference>,
    /// Who decides.
    pub deciders: Vec<String>,
    /// Who was consulted.
    pub consulted: Vec<String>,
    /// Who is informed.
    pub informed: Vec<String>,
    /// Teams impacted.
    pub affects: Vec<Reference>,
    /// ADRs this one replaces.
    pub supersedes: Vec<Reference>,
    /// Where `supersedes` was written.
    pub supersedes_span: Span,
    /// The ADR that replaces this one, as its own file says.
    pub superseded_by: Option<Reference>,
    /// Open for comments until.
    pub comment_by: Option<NaiveDate>,
    /// When the status last changed (e.g. the day it was accepted), for the digest.
    pub status_changed: Option<NaiveDate>,
}

/// A commitment made in an alignment.
#[derive(Clone, Debug, PartialEq)]
pub struct Commitment {
    /// The committing team.
    pub team: Reference,
    /// What it delivers.
    pub deliverable: String,
    /// By when.
    pub date: Option<NaiveDate>,
    /// How sure, 0–100.
    pub confidence: Option<u8>,
}

/// A working agreement between teams.
#[derive(Clone, Debug, PartialEq)]
pub struct Alignment {
    /// The parties.
    pub teams: Vec<Reference>,
    /// Where `teams` was written.
    pub teams_span: Span,
    /// The single coordinator.
    pub owner: Option<String>,
    /// Draft, active or closed.
    pub status: Option<AlignmentStatus>,
    /// When it must be reviewed again.
    pub review_by: Option<NaiveDate>,
    /// Where `review_by` was written.
    pub review_by_span: Span,
    /// What each party promised.
    pub commitments: Vec<Commitment>,
    /// Related ADRs.
    pub adrs: Vec<Reference>,
    /// When it was first written or agreed.
    pub date: Option<NaiveDate>,
    /// When it last changed.
    pub updated: Option<NaiveDate>,
}

/// A length of time between handoffs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    /// Number of days.
    pub days: u32,
}

/// When the duty passes on: a weekday (for weekly periods) and a local time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Handoff {
    /// The weekday, when given.
    pub weekday: Option<Weekday>,
    /// The local time.
    pub time: NaiveTime,
}

/// A replacement on duty between two dates.
#[derive(Clone, Debug, PartialEq)]
pub struct Override {
    /// First day.
    pub from: NaiveDate,
    /// Last day (inclusive).
    pub to: NaiveDate,
    /// Who is on duty instead.
    pub member: String,
    /// Its position in the front matter list, so problems point at the right line.
    pub index: usize,
}

/// A pair of teams in an exchange rotation.
#[derive(Clone, Debug, PartialEq)]
pub struct Pair {
    /// One team.
    pub team: Reference,
    /// The other.
    pub with: Reference,
    /// Its position in the front matter list, so problems point at the right line.
    pub index: usize,
}

/// A rotation schedule.
#[derive(Clone, Debug, PartialEq)]
pub struct Rotation {
    /// Display name.
    pub name: Option<String>,
    /// What it is for.
    pub kind: Option<RotationKind>,
    /// Teams it belongs to.
    pub teams: Vec<Reference>,
    /// First handoff date.
    pub start: Option<NaiveDate>,
    /// Time between handoffs.
    pub every: Option<Period>,
    /// When duty passes on.
    pub handoff: Option<Handoff>,
    /// IANA time zone of the handoff.
    pub timezone: Option<chrono_tz::Tz>,
    /// Who is on duty, in order.
    pub members: Vec<String>,
    /// Replacements.
    pub overrides: Vec<Override>,
    /// Exchange pairs.
    pub pairs: Vec<Pair>,
    /// `round-robin` pairing for exchanges.
    pub round_robin: bool,
}

/// An ISO week, e.g. `2026-W47`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Week {
    /// ISO week-numbering year.
    pub year: i32,
    /// 1–53.
    pub week: u32,
}

impl Week {
    /// The ISO week holding `date`.
    pub fn of(date: NaiveDate) -> Week {
        let w = date.iso_week();
        Week {
            year: w.year(),
            week: w.week(),
        }
    }

    /// The week's Monday.
    pub fn monday(self) -> NaiveDate {
        NaiveDate::from_isoywd_opt(self.year, self.week, Weekday::Mon).expect("valid week")
    }

    /// The week's Sunday.
    pub fn sunday(self) -> NaiveDate {
        NaiveDate::from_isoywd_opt(self.year, self.week, Weekday::Sun).expect("valid week")
    }

    /// Whether `date` falls in this week.
    pub fn contains(self, date: NaiveDate) -> bool {
        Week::of(date) == self
    }
}

impl FromStr for Week {
    type Err = String;
    fn from_str(s: &str) -> Result<Week, String> {
        let bad = || format!("`{s}` is not an ISO week; write it as YYYY-Www, e.g. 2026-W07");
        let (y, w) = s.trim().split_once(['-']).ok_or_else(bad)?;
        let w = w.strip_prefix(['W', 'w']).ok_or_else(bad)?;
        if y.len() != 4 || w.len() != 2 {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let week: u32 = w.parse().map_err(|_| bad())?;
        NaiveDate::from_isoywd_opt(year, week, Weekday::Mon)
            .filter(|d| Week::of(*d) == Week { year, week })
            .map(|_| Week { year, week })
            .ok_or_else(|| format!("{year} has no week {week}: ISO years have 52 or 53 weeks"))
    }
}

impl fmt::Display for Week {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-W{:02}", self.year, self.week)
    }
}

/// A team's weekly update.
#[derive(Clone, Debug, PartialEq)]
pub struct Update {
    /// The team.
    pub team: Reference,
    /// The week it covers.
    pub week: Week,
}

/// What is particular to each kind.
#[derive(Clone, Debug, PartialEq)]
pub enum Details {
    /// A team page.
    Team(Team),
    /// An ADR.
    Adr(Box<Adr>),
    /// An alignment.
    Alignment(Alignment),
    /// A rotation.
    Rotation(Box<Rotation>),
    /// A weekly update.
    Update(Update),
    /// A page.
    Page,
}

/// A document's identity across builds: derived from its content-relative
/// source path alone, so adding, removing or renaming other files never
/// changes it. A rename makes a new document.
///
/// The link stage names documents by their position in one build's
/// path-sorted list; whatever outlives a build (what a page read, caches)
/// names them by this.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocId(u64);

impl DocId {
    /// The id of the document whose source is at `rel` under `content/`.
    pub fn of(rel: &str) -> DocId {
        use std::hash::Hasher;
        // FNV-1a is defined by its specification, so the id is the same in every build and release.
        let mut h = fnv::FnvHasher::default();
        h.write(rel.as_bytes());
        DocId(h.finish())
    }
}

/// One document, typed.
#[derive(Clone, Debug)]
pub struct Document {
    /// Its identity across builds.
    pub key: DocId,
    /// Its id (§2 of the spec).
    pub id: String,
    /// Its kind.
    pub kind: Kind,
    /// Its title.
    pub title: String,
    /// A one-line description, if given.
    pub description: Option<String>,
    /// Its page's path under the site root, ending in `/` (empty for the home page).
    pub url: String,
    /// Its tags.
    pub tags: Vec<String>,
    /// Its main date (decided, week, updated), for listings.
    pub date: Option<NaiveDate>,
    /// What the kind adds.
    pub details: Details,
    /// The parsed file.
    pub source: Source,
}

impl Document {
    /// The owning or main team's id, as written.
    pub fn team(&self) -> Option<&str> {
        match &self.details {
            Details::Team(_) => Some(&self.id),
            Details::Adr(a) => a.team.as_ref().map(|r| r.id.as_str()),
            Details::Alignment(a) => a.teams.first().map(|r| r.id.as_str()),
            Details::Rotation(r) => r.teams.first().map(|r| r.id.as_str()),
            Details::Update(u) => Some(&u.team.id),
            Details::Page => None,
        }
    }

    /// The status word shown in listings.
    pub fn status(&self) -> Option<String> {
        match &self.details {
            Details::Adr(a) => a.status.as_ref().map(|s| s.label().to_string()),
            Details::Alignment(a) => a.status.map(|s| s.as_str().to_string()),
            _ => None,
        }
    }

    /// The file, relative to the root.
    pub fn file(&self) -> &Path {
        &self.source.file
    }
}

/// Every document, typed, plus the problems found typing them.
#[derive(Debug)]
pub struct Model {
    /// The docs repository root.
    pub root: std::path::PathBuf,
    /// Its settings.
    pub config: Config,
    /// Documents sorted by file path.
    pub documents: Vec<Document>,
    /// Files copied unchanged.
    pub assets: Vec<crate::load::Asset>,
    /// Problems from loading and typing.
    pub diagnostics: Vec<Diagnostic>,
}

/// Types every loaded document, in parallel.
pub fn build(corpus: Corpus) -> Model {
    let Corpus {
        root,
        config,
        sources,
        assets,
        mut diagnostics,
    } = corpus;
    let typed: Vec<(Option<Document>, Vec<Diagnostic>)> = sources
        .into_par_iter()
        .map(|s| document_from_source(s, &config))
        .collect();
    let mut documents = Vec::with_capacity(typed.len());
    for (doc, diags) in typed {
        documents.extend(doc);
        diagnostics.extend(diags);
    }
    Model {
        root,
        config,
        documents,
        assets,
        diagnostics,
    }
}

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
    let t = title.trim();
    let lower = t.to_ascii_lowercase();
    let rest_start = if lower.starts_with("adr") {
        let after = t[3..].trim_start_matches(['-', '_', ' ']);
        t.len() - after.len()
    } else {
        0
    };
    let after = &t[rest_start..];
    let digits = after.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 {
        return t;
    }
    let rest = &after[digits..];
    match rest
        .strip_prefix(['.', ':'])
        .or_else(|| rest.strip_prefix(" -"))
    {
        Some(r) if r.starts_with(' ') || r.is_empty() => r.trim(),
        _ => t,
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
        match source.stem().to_ascii_lowercase().as_str() {
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
    let stem = source.stem().to_string();
    let title_field = fields.string("title");
    let description = fields.string("description");
    let tags = fields.strings("tags").into_iter().map(|r| r.id).collect();
    let explicit_id = fields.string("id");

    let mut date = None;
    let mut name_title = None;
    let (details, id) = match kind {
        Kind::Team => {
            let team = read_team(&fields);
            name_title = Some(team.name.clone()).filter(|n| !n.is_empty());
            date = team.updated;
            (Details::Team(team), explicit_id.unwrap_or(stem.clone()))
        }
        Kind::Adr => {
            let adr = read_adr(&fields, &stem);
            date = adr.date;
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
    let mut allowed: Vec<&str> = COMMON_KEYS.to_vec();
    allowed.extend(kind.allowed_keys());
    fields.report_unknown(&allowed);

    let h1 = source.outline.first_h1().map(|h| {
        if kind == Kind::Adr {
            strip_adr_prefix(h).to_string()
        } else {
            h.to_string()
        }
    });
    let title = title_field
        .or(name_title)
        .or(h1)
        .unwrap_or_else(|| match &details {
            Details::Update(u) => format!("{} — {}", u.team.id, u.week),
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
    let number = match f.get("number") {
        Some(Value::Number(n)) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        Some(Value::String(s)) => parse_adr_reference(s, true),
        Some(_) => {
            f.invalid("number", "a whole number such as 7");
            None
        }
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
    }
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

/// Parses `1w`, `2w`, `3d`: a positive number of days or weeks.
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
        None => {
            f.missing(
                "week",
                "the ISO week, e.g. `week: 2026-W47`, or put the file in updates/2026-W47/",
            );
            None
        }
    }
}

/// Where field problems are collected while one document is typed.
struct FieldContext<'a> {
    file: &'a Path,
    positions: &'a FieldPositions,
    diagnostics: RefCell<Vec<Diagnostic>>,
}

impl FieldContext<'_> {
    fn push(&self, d: Diagnostic) {
        self.diagnostics.borrow_mut().push(d);
    }
}

/// A mapping being read, at a dotted path in the front matter.
struct Fields<'a> {
    ctx: &'a FieldContext<'a>,
    map: &'a Mapping,
    prefix: String,
}

/// One entry of a front matter list.
enum Item<'a> {
    Text(String, Span),
    Map(Fields<'a>),
}

impl<'a> Fields<'a> {
    fn path(&self, key: &str) -> String {
        match (self.prefix.is_empty(), key.is_empty()) {
            (true, _) => key.to_string(),
            (false, true) => self.prefix.clone(),
            (false, false) => format!("{}.{key}", self.prefix),
        }
    }

    /// For a list item (`overrides.3`), its position in the list.
    fn list_index(&self) -> usize {
        self.prefix
            .rsplit('.')
            .next()
            .and_then(|i| i.parse().ok())
            .unwrap_or(0)
    }

    fn span(&self, key: &str) -> Span {
        let (line, column) = self.ctx.positions.find(&self.path(key));
        Span::new(self.ctx.file, line, column)
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    fn missing(&self, key: &str, what: &str) {
        let span = if self.prefix.is_empty() {
            Span::file_start(self.ctx.file)
        } else {
            self.span("")
        };
        self.ctx.push(
            Diagnostic::error(
                codes::MISSING_FIELD,
                span,
                format!("`{key}` is required: {what}"),
            )
            .with_hint(format!("add `{key}:` to the front matter")),
        );
    }

    fn invalid(&self, key: &str, expected: &str) {
        self.ctx.push(
            Diagnostic::error(
                codes::INVALID_FIELD,
                self.span(key),
                format!("`{key}` must be {expected}"),
            )
            .with_hint(format!("write `{key}` as {expected}")),
        );
    }

    fn string(&self, key: &str) -> Option<String> {
        match self.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => {
                self.invalid(key, "text");
                None
            }
        }
    }

    fn required_string(&self, key: &str) -> Option<String> {
        let s = self.string(key).filter(|s| !s.trim().is_empty());
        if s.is_none() && self.get(key).is_none() {
            self.missing(key, "it cannot be left out");
        }
        s
    }

    fn reference(&self, key: &str) -> Option<Reference> {
        self.string(key).map(|id| Reference {
            id: id.trim().to_string(),
            span: self.span(key),
        })
    }

    /// A list of strings, or one string standing for a list of one.
    fn strings(&self, key: &str) -> Vec<Reference> {
        match self.get(key) {
            None => Vec::new(),
            Some(Value::Sequence(items)) => items
                .iter()
                .enumerate()
                .filter_map(|(i, v)| {
                    let span = self.span(&format!("{key}.{i}"));
                    match v {
                        Value::String(s) => Some(s.trim().to_string()),
                        Value::Number(n) => Some(n.to_string()),
                        _ => {
                            self.ctx.push(Diagnostic::error(
                                codes::INVALID_FIELD,
                                span.clone(),
                                format!("item {} of `{key}` must be text", i + 1),
                            ));
                            None
                        }
                    }
                    .map(|id| Reference { id, span })
                })
                .collect(),
            Some(Value::String(s)) => vec![Reference {
                id: s.trim().to_string(),
                span: self.span(key),
            }],
            Some(_) => {
                self.invalid(key, "a list, e.g. `[a, b]`");
                Vec::new()
            }
        }
    }

    fn string_map(&self, key: &str) -> BTreeMap<String, String> {
        match self.get(key) {
            None => BTreeMap::new(),
            Some(Value::Mapping(m)) => m
                .iter()
                .filter_map(|(k, v)| match (k, v) {
                    (Value::String(k), Value::String(v)) => Some((k.clone(), v.clone())),
                    _ => None,
                })
                .collect(),
            Some(_) => {
                self.invalid(key, "a mapping, e.g. `slack: \"#team\"`");
                BTreeMap::new()
            }
        }
    }

    fn list(&self, key: &str) -> Vec<Item<'a>> {
        match self.get(key) {
            None => Vec::new(),
            Some(Value::Sequence(items)) => items
                .iter()
                .enumerate()
                .filter_map(|(i, v)| {
                    let path = format!("{key}.{i}");
                    match v {
                        Value::Mapping(m) => Some(Item::Map(Fields {
                            ctx: self.ctx,
                            map: m,
                            prefix: self.path(&path),
                        })),
                        Value::String(s) => Some(Item::Text(s.clone(), self.span(&path))),
                        _ => {
                            self.ctx.push(Diagnostic::error(
                                codes::INVALID_FIELD,
                                self.span(&path),
                                format!("item {} of `{key}` must be text or a mapping", i + 1),
                            ));
                            None
                        }
                    }
                })
                .collect(),
            Some(_) => {
                self.invalid(key, "a list");
                Vec::new()
            }
        }
    }

    fn date(&self, key: &str) -> Option<NaiveDate> {
        self.date_or(key, "write a real calendar date as YYYY-MM-DD")
    }

    /// A date field whose hint names what else may be written (e.g. `TBD`).
    fn date_or(&self, key: &str, hint: &str) -> Option<NaiveDate> {
        let written = match self.get(key)? {
            Value::String(s) => s.trim().to_string(),
            Value::Number(n) => n.to_string(),
            _ => {
                self.invalid(key, "a date written YYYY-MM-DD");
                return None;
            }
        };
        match parse_date(&written) {
            Ok(d) => Some(d),
            Err(why) => {
                self.ctx.push(
                    Diagnostic::error(
                        codes::INVALID_DATE,
                        self.span(key),
                        format!("`{key}: {written}`: {why}"),
                    )
                    .with_hint(hint),
                );
                None
            }
        }
    }

    fn required_date(&self, key: &str) -> Option<NaiveDate> {
        if self.get(key).is_none() {
            self.missing(key, "a date written YYYY-MM-DD");
        }
        self.date(key)
    }

    fn word<T>(&self, key: &str, parse: fn(&str) -> Option<T>, words: &[&str]) -> Option<T> {
        let s = self.string(key)?;
        let parsed = parse(&s);
        if parsed.is_none() {
            self.ctx.push(
                Diagnostic::error(
                    codes::UNKNOWN_VALUE,
                    self.span(key),
                    format!("`{s}` is not a valid `{key}`"),
                )
                .with_hint(format!("use one of {}", words.join(", "))),
            );
        }
        parsed
    }

    fn percentage(&self, key: &str) -> Option<u8> {
        let v = self.get(key)?;
        let n = match v {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().trim_end_matches('%').trim().parse::<f64>().ok(),
            _ => None,
        };
        match n {
            Some(n) if (0.0..=100.0).contains(&n) => Some(n.round() as u8),
            _ => {
                self.invalid(key, "a percentage from 0 to 100, e.g. `80` or \"80%\"");
                None
            }
        }
    }

    fn report_unknown(&self, allowed: &[&str]) {
        for key in self.map.keys() {
            let Value::String(k) = key else { continue };
            if !allowed.contains(&k.as_str()) {
                let close = allowed.iter().find(|a| similar(a, k));
                let hint = match close {
                    Some(c) => format!("did you mean `{c}`?"),
                    None => format!("known fields here: {}", allowed.join(", ")),
                };
                self.ctx.push(
                    Diagnostic::warning(
                        codes::UNKNOWN_FIELD,
                        self.span(k),
                        format!("`{k}` is not a field Seam knows here; it is ignored"),
                    )
                    .with_hint(hint),
                );
            }
        }
    }
}

/// Whether two field names differ by a small edit (a typo).
/// A hint for an unknown time zone: the IANA names a typo away, or examples.
fn timezone_hint(written: &str) -> String {
    let close: Vec<&str> = chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| tz.name())
        .filter(|name| similar(&written.to_ascii_lowercase(), &name.to_ascii_lowercase()))
        .take(3)
        .collect();
    if close.is_empty() {
        "use an IANA name such as Europe/London, America/New_York or UTC".into()
    } else {
        format!("did you mean {}?", close.join(" or "))
    }
}

fn similar(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > 2 {
        return false;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()] <= 2
}

/// Parses a `YYYY-MM-DD` date, saying why when it is not one.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let s = s.trim();
    let s = s.split(['T', ' ']).next().unwrap_or(s);
    let parts: Vec<&str> = s.split('-').collect();
    if parts.len() != 3 || parts[0].len() != 4 {
        return Err("not a date written YYYY-MM-DD".into());
    }
    let nums: Vec<u32> = parts.iter().filter_map(|p| p.parse().ok()).collect();
    if nums.len() != 3 {
        return Err("not a date written YYYY-MM-DD".into());
    }
    NaiveDate::from_ymd_opt(nums[0] as i32, nums[1], nums[2]).ok_or_else(|| {
        if !(1..=12).contains(&nums[1]) {
            format!("there is no month {}", nums[1])
        } else {
            format!("that month has no day {}", nums[2])
        }
    })
}

/// Finds documents by id or by source path.
#[derive(Debug, Default)]
pub struct Index {
    by_key: HashMap<DocId, usize>,
    by_id: HashMap<String, usize>,
    by_rel: HashMap<String, usize>,
    by_file: HashMap<String, usize>,
    /// Documents whose id was already taken: (later, first).
    pub duplicates: Vec<(usize, usize)>,
}

impl Index {
    /// Indexes documents by id and path; the first of two with one id wins.
    pub fn new(documents: &[Document]) -> Index {
        let mut index = Index::default();
        for (i, doc) in documents.iter().enumerate() {
            index.by_key.insert(doc.key, i);
            index.by_rel.insert(doc.source.rel.clone(), i);
            index
                .by_file
                .insert(crate::diagnostic::display_path(doc.file()), i);
            match index.by_id.get(&doc.id) {
                Some(&first) => index.duplicates.push((i, first)),
                None => {
                    index.by_id.insert(doc.id.clone(), i);
                }
            }
        }
        index
    }

    /// The position in this build of the document with this identity, if it still exists.
    pub fn position(&self, key: DocId) -> Option<usize> {
        self.by_key.get(&key).copied()
    }

    /// The document with exactly this id.
    pub fn get(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The document whose source is at this root-relative path, written with
    /// `/` as diagnostics show it (`content/teams/web.md`).
    pub fn by_file(&self, file: &str) -> Option<usize> {
        self.by_file.get(file).copied()
    }

    /// The document whose source is at this content-relative path.
    pub fn by_path(&self, rel: &str) -> Option<usize> {
        self.by_rel.get(rel).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(rel: &str, text: &str) -> (Option<Document>, Vec<Diagnostic>) {
        let (source, d) =
            crate::load::parse_source(format!("content/{rel}").into(), rel.into(), text.into());
        assert!(d.is_empty(), "{d:?}");
        document_from_source(source.unwrap(), &Config::default())
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
    fn adr_references_accept_every_spelling() {
        assert_eq!(parse_adr_reference("ADR-0007", false), Some(7));
        assert_eq!(parse_adr_reference("adr-7", false), Some(7));
        assert_eq!(parse_adr_reference("ADR7", false), Some(7));
        assert_eq!(parse_adr_reference("7", false), None);
        assert_eq!(parse_adr_reference("7", true), Some(7));
        assert_eq!(parse_adr_reference("payments", true), None);
    }

    #[test]
    fn adr_statuses_are_read_leniently() {
        use AdrStatusWord::*;
        for (s, w) in [
            ("Accepted", Accepted),
            ("✅ accepted", Accepted),
            ("approved", Accepted),
            ("Superseded by [ADR-9](0009-x.md)", Superseded),
            ("superceded", Superseded),
            ("PROPOSED", Proposed),
        ] {
            assert_eq!(AdrStatus::parse(s), AdrStatus::Known(w), "{s}");
        }
        assert_eq!(
            AdrStatus::parse("on hold"),
            AdrStatus::Other("on hold".into())
        );
    }

    #[test]
    fn adr_titles_drop_their_number() {
        assert_eq!(strip_adr_prefix("7. Use Postgres"), "Use Postgres");
        assert_eq!(strip_adr_prefix("ADR-7: Use Postgres"), "Use Postgres");
        assert_eq!(strip_adr_prefix("2024 roadmap"), "2024 roadmap");
    }

    #[test]
    fn dates_say_why_they_are_wrong() {
        assert!(parse_date("2026-02-28").is_ok());
        assert_eq!(
            parse_date("2026-02-30").unwrap_err(),
            "that month has no day 30"
        );
        assert_eq!(
            parse_date("2026-13-01").unwrap_err(),
            "there is no month 13"
        );
        assert!(parse_date("next week").is_err());
    }

    #[test]
    fn weeks_parse_and_reject_impossible_ones() {
        let w: Week = "2026-W47".parse().unwrap();
        assert_eq!(w.to_string(), "2026-W47");
        assert_eq!(w.monday().to_string(), "2026-11-16");
        assert!("2026-W99".parse::<Week>().is_err());
        assert!("2027-W53".parse::<Week>().is_err());
        assert!("2026-W53".parse::<Week>().is_ok());
        assert!("2026-W00".parse::<Week>().is_err());
        assert!("2026-47".parse::<Week>().is_err());
        assert!("2020-W53".parse::<Week>().is_ok());
    }

    #[test]
    fn periods_and_handoffs() {
        assert_eq!(parse_period("2w").unwrap().days, 14);
        assert_eq!(parse_period("1d").unwrap().days, 1);
        assert!(parse_period("0w").is_err());
        assert!(parse_period("w").is_err());
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
    fn typos_are_suggested() {
        assert!(similar("status", "staus"));
        assert!(!similar("status", "members"));
        assert_eq!(timezone_hint("Europe/Londn"), "did you mean Europe/London?");
        assert_eq!(timezone_hint("europe/paris"), "did you mean Europe/Paris?");
        assert!(timezone_hint("Mars/Olympus_Mons").starts_with("use an IANA name"));
    }
}
