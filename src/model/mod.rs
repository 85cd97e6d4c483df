//! Stage 2: typed documents, one per Markdown file.
//!
//! Front matter arrives as a YAML mapping; here it becomes a [`Team`],
//! [`Adr`], [`Alignment`], [`Rotation`], [`Update`] or page, with dates,
//! enums and references typed. Field problems (missing, wrong type, unknown
//! value, impossible date) become diagnostics pointing at the key's line.
//! Each document is converted on its own, so one file can be re-read alone.
//!
//! This file owns the domain types, their small helpers and [`build`].
//! `readers` turns one source into a [`Document`], kind by kind, and makes
//! ids and URLs; `formats` reads what ADRs written for other tools (Nygard,
//! MADR, log4brains) keep in their bodies; `yaml` reads typed values out of
//! a front matter mapping and reports what is wrong with them. [`Kind`] and [`parse_date`] live in
//! [`crate::vocabulary`] and are re-exported here.

mod formats;
mod readers;
mod yaml;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};
use rayon::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Span};
use crate::load::{Corpus, Source};

pub use crate::vocabulary::{AdrFormat, FolderFormat, Kind, parse_date, parse_loose_date};
pub use readers::{
    adr_id, adr_number_from_stem, adr_number_of_file, document_from_source, kind_from_path,
    parse_adr_reference, parse_handoff, parse_period, settle_adr_ids,
};

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
            "accepted" | "approved" | "adopted" | "decided" => AdrStatusWord::Accepted,
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
    /// The status as its file writes it (`Superseded by [ADR-9](0009-x.md)`).
    pub status_written: Option<String>,
    /// ADRs this one amends.
    pub amends: Vec<Reference>,
    /// ADRs that amend this one, as its own file says.
    pub amended_by: Vec<Reference>,
    /// Other ADRs its `## Links` list names.
    pub related: Vec<Reference>,
    /// The format its file was read as.
    pub format: AdrFormat,
    /// Whether its folder holds ADRs written for another tool (`format` in `[kinds.adr]`).
    pub imported: bool,
    /// Whether its id is made from its number (there is no `id:`).
    pub id_from_number: bool,
    /// Its file stem (the folder's name for `<slug>/index.md`): the id of an
    /// imported ADR whose number another imported ADR also has.
    pub stem: String,
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
/// Every stage after the model names documents by this: links, checks,
/// digests, views, what a page read and every cache kept across rebuilds.
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

/// Hashes a [`DocId`] as itself: the id is already a well-mixed 64-bit
/// hash, so maps keyed by ids ([`IdMap`]) need not hash it again.
#[derive(Clone, Copy, Debug, Default)]
pub struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only ids are hashed here, through `write_u64`; anything else is mixed in as FNV-1a does.
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A map keyed by document ids.
pub type IdMap<V> = HashMap<DocId, V, std::hash::BuildHasherDefault<IdHasher>>;

/// A set of document ids.
pub type IdSet = std::collections::HashSet<DocId, std::hash::BuildHasherDefault<IdHasher>>;

/// A 64-bit hash of a value, the same in every run (FNV-1a over its
/// `Hash` bytes): what fingerprints, shapes and caches compare.
pub fn stable_hash<T: std::hash::Hash + ?Sized>(value: &T) -> u64 {
    use std::hash::Hasher;
    let mut h = fnv::FnvHasher::default();
    value.hash(&mut h);
    h.finish()
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
    pub fn file(&self) -> &std::sync::Arc<Path> {
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

/// Reads and types every document of the docs repo at `root`, in one
/// parallel pass: each file's parsed front matter is let go as soon as its
/// document is typed, so a large docs repo never holds all of them at once
/// (at 100,000 documents they weigh more than the files' text). Gives what
/// [`build`] gives for [`crate::load::load`]'s corpus.
pub fn read(root: &Path, config: Config) -> Result<Model, crate::load::LoadError> {
    let (corpus, found) = crate::load::load_each(root, config, document_from_source)?;
    let Corpus {
        root,
        config,
        sources: documents,
        assets,
        mut diagnostics,
    } = corpus;
    diagnostics.extend(found);
    Ok(Model {
        root,
        config,
        documents,
        assets,
        diagnostics,
    })
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

/// A build's documents, in file-path order, each found by its [`DocId`].
///
/// Every stage after the model names documents by their id: `documents[id]`
/// is the document, and iterating gives them in the path order that
/// listings and messages follow. A document's position in that order is an
/// implementation detail of this collection ([`Documents::position`]), used
/// only to compare two documents' places.
#[derive(Debug, Default)]
pub struct Documents {
    list: Vec<Document>,
    at: IdMap<usize>,
}

impl Documents {
    /// Packs every document's file in memory (see [`crate::load::Source::pack`]).
    pub fn pack_sources(&mut self) {
        use rayon::prelude::*;
        self.list.par_iter_mut().for_each(|d| d.source.pack());
    }

    /// Documents sorted by file path (as the model gives them).
    pub fn new(list: Vec<Document>) -> Documents {
        let at = list.iter().enumerate().map(|(i, d)| (d.key, i)).collect();
        Documents { list, at }
    }

    /// The document with this id, if this build has it.
    pub fn get(&self, key: DocId) -> Option<&Document> {
        self.at.get(&key).map(|&i| &self.list[i])
    }

    /// The place of this document in file-path order: what sorts ids into that order.
    pub fn position(&self, key: DocId) -> usize {
        self.at[&key]
    }

    /// Sorts ids into file-path order.
    pub fn sort(&self, keys: &mut [DocId]) {
        keys.sort_by_key(|&k| self.position(k));
    }

    /// How many documents there are.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The documents in file-path order.
    pub fn iter(&self) -> std::slice::Iter<'_, Document> {
        self.list.iter()
    }

    /// The documents in file-path order, as a slice.
    pub fn as_slice(&self) -> &[Document] {
        &self.list
    }

    /// Every id, in file-path order.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = DocId> + '_ {
        self.list.iter().map(|d| d.key)
    }

    /// The documents, to change or reuse.
    pub fn into_vec(self) -> Vec<Document> {
        self.list
    }
}

impl std::ops::Index<DocId> for Documents {
    type Output = Document;

    fn index(&self, key: DocId) -> &Document {
        self.get(key)
            .expect("a document id is looked up only in the build that gave it")
    }
}

impl<'a> IntoIterator for &'a Documents {
    type Item = &'a Document;
    type IntoIter = std::slice::Iter<'a, Document>;

    fn into_iter(self) -> Self::IntoIter {
        self.list.iter()
    }
}

/// Finds documents by id or by source path.
#[derive(Debug, Default)]
pub struct Index {
    by_id: rustc_hash::FxHashMap<String, DocId>,
    by_rel: rustc_hash::FxHashMap<String, DocId>,
    by_file: rustc_hash::FxHashMap<String, DocId>,
    /// Documents whose id was already taken: (later, first).
    pub duplicates: Vec<(DocId, DocId)>,
}

impl Index {
    /// Indexes documents by id and path; the first of two with one id wins.
    pub fn new(documents: &[Document]) -> Index {
        let mut index = Index::default();
        for doc in documents {
            let i = doc.key;
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

    /// The document with exactly this id.
    pub fn get(&self, id: &str) -> Option<DocId> {
        self.by_id.get(id).copied()
    }

    /// The document whose source is at this root-relative path, written with
    /// `/` as diagnostics show it (`content/teams/web.md`).
    pub fn by_file(&self, file: &str) -> Option<DocId> {
        self.by_file.get(file).copied()
    }

    /// The document whose source is at this content-relative path.
    pub fn by_path(&self, rel: &str) -> Option<DocId> {
        self.by_rel.get(rel).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_and_typing_in_one_pass_gives_what_loading_then_typing_gives() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        for (file, text) in [
            (
                "teams/payments.md",
                "---\nid: payments\nname: Payments\n---\n# Payments\n## Mission\nMoney.\n",
            ),
            // Typed with a problem: a status Seam does not know.
            (
                "adrs/0001-x.md",
                "---\ntitle: X\nstatus: pondering\n---\nX.\n",
            ),
            // Not read at all: bad YAML, then bytes that are not UTF-8.
            ("adrs/0002-y.md", "---\ntitle: [unclosed\n---\n# Y\n"),
            ("notes/z.md", "# Z\n"),
        ] {
            let path = content.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        std::fs::write(content.join("teams/bad.md"), b"# Bad \xff\n").unwrap();
        let example = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        for root in [dir.path(), example.as_path()] {
            let config = Config::load(root).unwrap();
            let one_pass = read(root, config.clone()).unwrap();
            let two_passes = build(crate::load::load(root, config).unwrap());
            assert!(one_pass.documents.len() >= 2, "{}", root.display());
            assert_eq!(
                format!("{:?}", one_pass.documents),
                format!("{:?}", two_passes.documents)
            );
            assert_eq!(one_pass.diagnostics, two_passes.diagnostics);
            assert_eq!(one_pass.assets, two_passes.assets);
            if root == dir.path() {
                // Reading's problems, then typing's, each in file order.
                use crate::diagnostic::codes::{INVALID_YAML, NOT_UTF8, UNKNOWN_STATUS};
                let codes: Vec<&str> = one_pass.diagnostics.iter().map(|d| d.code).collect();
                assert_eq!(
                    codes,
                    [INVALID_YAML, NOT_UTF8, UNKNOWN_STATUS],
                    "{:?}",
                    one_pass.diagnostics
                );
            }
        }
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
}
