//! What each output file read from the linked site, and which outputs an edit affects.
//!
//! While a page is made, the view layer notes every document and site-wide
//! fact it reads as a [`Read`]. Each read has a fingerprint, a hash of what it
//! names in one linked site. After an edit, the reads whose fingerprint
//! changed between the old and the new site name the outputs to make again
//! ([`affected`]); every other output is byte for byte what it was.
//!
//! Reads name documents by [`DocId`], never by their position in one build,
//! so a read set stays meaningful when files are added, removed or renamed.

use crate::render::ListingOrder;
use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};
use std::sync::Mutex;

use crate::link::{Form, Resolution, Site};
use crate::model::{Details, DocId, IdMap, IdSet, Kind, stable_hash as hash_of};

/// A site-wide value a page may read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fact {
    /// `seam.toml`, the build's date and the base URL.
    Settings,
    /// Whether the site has pages (the "Pages" navigation item).
    Navigation,
    /// How many documents of each kind there are.
    Census,
    /// Every problem in the site (doc health).
    Problems,
    /// Every dependency, in tracker order, with its risk, and the loops between teams.
    Dependencies,
    /// Every tag and the documents with it.
    Tags,
    /// The paths of every output (the sitemap).
    Outputs,
    /// Which weeks have a digest.
    Weeks,
    /// Every document's address and date (the sitemap's `lastmod`).
    Dates,
}

/// One thing an output read from the linked site.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Read {
    /// A document's own file: everything typed from it.
    Document(DocId),
    /// How a document is named where others link to it: its id, title,
    /// address, kind, status and date (a link to it shows no more).
    Title(DocId),
    /// What linking says about a document: what its references resolve to,
    /// what refers to it, its relations (a team's ADRs, alignments,
    /// rotations, updates and dependencies both ways, an ADR's supersession),
    /// and the loops it is part of.
    Links(DocId),
    /// The problems reported in a document's file.
    Problems(DocId),
    /// What an id names, when a page resolves one: `(kind it must be, id as written)`.
    Name(Option<Kind>, String),
    /// The documents of one kind and everything in their files.
    Kind(Kind),
    /// One document as an index lists it: address, id, title, status,
    /// date, team, tags, summary, counts, week and an ADR's comment period
    /// (not its body).
    Entry(DocId),
    /// The documents of one kind by date: id, date, status and an ADR's
    /// comment period (what the home page picks its recent and open ADRs by).
    Dated(Kind),
    /// The order an index lists one kind in, and the statuses, teams and tags it filters by.
    Order(Kind),
    /// The documents with one tag, in order.
    Tag(String),
    /// One week's digest, as the link stage worked it out.
    Digest(crate::model::Week),
    /// One week's digest as its page shows it: everything its view read,
    /// which is what that week's digest page records. It changes when any of
    /// those reads does, so a page that lists many digests (the archive, the
    /// feed) records one read per week, not every document each one shows.
    DigestView(crate::model::Week),
    /// One file of the search index, by path: what the documents' words,
    /// titles, headings and openings make of it.
    Search(String),
    /// A site-wide value.
    Fact(Fact),
}

/// What an edit that kept every document's id, kind and position touched:
/// documents whose file, links or problems changed, and their kinds.
#[derive(Debug, Default)]
pub struct Touched {
    /// The documents.
    pub documents: IdSet,
    /// Their kinds.
    pub kinds: BTreeSet<Kind>,
    /// The kinds of those whose index entry changed, once known: a kind's
    /// listing and order read only its entries (and an update's, its team's title).
    pub entries: Option<BTreeSet<Kind>>,
    /// The build's week, when the digests of the weeks before it are the
    /// last build's, kept (see [`crate::site::Linked::kept_past_digests`]):
    /// only its digest can have changed.
    pub digests_from: Option<crate::model::Week>,
}

impl Touched {
    /// What an edit that kept every document's place touched: the documents
    /// read again, and those whose links or problems hash differently in
    /// `now` than in `before` (the last build's [`Fingerprints::links`] and
    /// [`Fingerprints::problems`]).
    pub fn after(
        reread: impl IntoIterator<Item = DocId>,
        before: &[IdMap<u64>; 2],
        now: &Fingerprints,
    ) -> Touched {
        let mut documents: IdSet = reread.into_iter().collect();
        for (before, after) in before.iter().zip([now.links(), now.problems()]) {
            documents.extend(
                after
                    .iter()
                    .filter(|(k, h)| before.get(*k) != Some(*h))
                    .map(|(k, _)| *k),
            );
            documents.extend(before.keys().filter(|k| !after.contains_key(*k)));
        }
        let kinds = documents.iter().filter_map(|k| now.kind_of(*k)).collect();
        Touched {
            documents,
            kinds,
            entries: None,
            digests_from: None,
        }
    }
}

impl Read {
    /// Whether this read can have changed after an edit that kept every
    /// document's id, kind and position, so that every id names what it did.
    ///
    /// A document's file, title, index entry, links and problems are its
    /// own (a title's status also reads its links); what an id names
    /// stands; a kind's documents, listing and order change only with one
    /// of them (an update's title names its team); every site-wide read may
    /// have changed.
    pub fn may_have_changed(&self, touched: &Touched) -> bool {
        match self {
            Read::Document(key)
            | Read::Title(key)
            | Read::Entry(key)
            | Read::Links(key)
            | Read::Problems(key) => touched.documents.contains(key),
            Read::Name(..) => false,
            Read::Kind(kind) => touched.kinds.contains(kind),
            // Every field of these is in the documents' index entries.
            Read::Dated(kind) => touched
                .entries
                .as_ref()
                .unwrap_or(&touched.kinds)
                .contains(kind),
            Read::Order(kind) => {
                let kinds = touched.entries.as_ref().unwrap_or(&touched.kinds);
                kinds.contains(kind) || (*kind == Kind::Update && kinds.contains(&Kind::Team))
            }
            Read::Digest(week) => touched.digests_from.is_none_or(|from| *week >= from),
            Read::Fact(Fact::Dates) => touched.entries.as_ref().is_none_or(|e| !e.is_empty()),
            // A lookup of the hash the index keeps.
            Read::Tag(_) | Read::Fact(_) | Read::Search(_) => true,
            // Stands for other reads: whoever asks works it out from them.
            Read::DigestView(_) => false,
        }
    }

    /// The document this read is about alone, if it is: its file, title,
    /// links, problems or index entry.
    pub fn document(&self) -> Option<DocId> {
        match self {
            Read::Document(key)
            | Read::Title(key)
            | Read::Links(key)
            | Read::Problems(key)
            | Read::Entry(key) => Some(*key),
            Read::Name(..)
            | Read::Kind(_)
            | Read::Dated(_)
            | Read::Order(_)
            | Read::Tag(_)
            | Read::Digest(_)
            | Read::DigestView(_)
            | Read::Search(_)
            | Read::Fact(_) => None,
        }
    }

    /// Every read about one document alone ([`Read::document`]).
    pub fn of_document(key: DocId) -> [Read; 5] {
        [
            Read::Document(key),
            Read::Title(key),
            Read::Links(key),
            Read::Problems(key),
            Read::Entry(key),
        ]
    }

    /// Whether this is made of index entries only (a kind's listing, order or
    /// dates; every document's address and date), which [`Touched::entries`] narrows.
    pub fn is_listing(&self) -> bool {
        matches!(
            self,
            Read::Order(_) | Read::Dated(_) | Read::Fact(Fact::Dates)
        )
    }
}

/// The reads of one output, noted as it is made (in any order, as often as
/// they happen; [`ReadSet::take`] sorts them out once).
#[derive(Debug, Default)]
pub struct ReadSet(Mutex<Vec<Read>>);

impl ReadSet {
    /// Notes one read.
    pub fn note(&self, read: Read) {
        self.lock().push(read);
    }

    /// Notes every read of another set.
    pub fn extend(&self, reads: &BTreeSet<Read>) {
        self.lock().extend(reads.iter().cloned());
    }

    /// The reads noted so far.
    pub fn take(&self) -> BTreeSet<Read> {
        let mut reads = std::mem::take(&mut *self.lock());
        // Pages note the same reads many times over: drop the repeats before
        // building the set (from sorted input, that is one linear pass).
        reads.sort_unstable();
        reads.dedup();
        reads.into_iter().collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Read>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Where each document appears in what linking worked out beyond its own
/// references: the dependency rows and loops it is part of.
///
/// Laid out by each document's place in the site's order.
struct Related<'a> {
    site: &'a Site,
    /// Document → the rows of `links.dependencies` it is in, once per mention, in tracker order.
    dependencies: Vec<Vec<usize>>,
    /// Document → the dependency loops it is in, once per mention.
    dependency_cycles: Vec<Vec<usize>>,
    /// Document → the supersession loops it is in, once per mention.
    supersession_cycles: Vec<Vec<usize>>,
}

impl<'a> Related<'a> {
    fn new(site: &'a Site) -> Self {
        let n = site.documents.len();
        let place = |i: DocId| site.documents.position(i);
        let mut dependencies = vec![Vec::new(); n];
        for (row, d) in site.links.dependencies.iter().enumerate() {
            for i in [Some(d.from), d.to, d.alignment].into_iter().flatten() {
                dependencies[place(i)].push(row);
            }
        }
        let by_member = |cycles: &[Vec<DocId>]| {
            let mut of = vec![Vec::new(); n];
            for (c, cycle) in cycles.iter().enumerate() {
                for &i in cycle {
                    of[place(i)].push(c);
                }
            }
            of
        };
        Related {
            site,
            dependencies,
            dependency_cycles: by_member(&site.links.dependency_cycles),
            supersession_cycles: by_member(&site.links.supersession_cycles),
        }
    }

    /// What linking says about document `i`, hashed: its references and
    /// what they resolve to, its relations, its dependencies (in tracker
    /// order) and the loops it is in.
    fn hash(&self, i: DocId) -> u64 {
        let site = self.site;
        let links = &site.links;
        let place = site.documents.position(i);
        let resolution = |r: Resolution| match r {
            Resolution::Found(i) => (1u8, Some(i)),
            Resolution::Missing => (0, None),
            Resolution::WrongKind(i) => (2, Some(i)),
        };
        let mut h = fnv::FnvHasher::default();
        0u8.hash(&mut h);
        for r in links.references.of(i) {
            (r.form, &r.target, resolution(r.resolution)).hash(&mut h);
        }
        let maps = [
            (1u8, &links.backlinks),
            (2, &links.adrs_by_team),
            (3, &links.alignments_by_team),
            (4, &links.rotations_by_team),
            (5, &links.updates_by_team),
            (6, &links.supersedes),
            (7, &links.superseded_by),
            (11, &links.amends),
            (12, &links.amended_by),
        ];
        for (tag, map) in maps {
            if let Some(v) = map.get(&i) {
                (tag, v).hash(&mut h);
            }
        }
        // In tracker order, so a page listing a team's dependencies sees their order change.
        for &row in &self.dependencies[place] {
            let d = &links.dependencies[row];
            (8u8, d).hash(&mut h);
        }
        for &c in &self.dependency_cycles[place] {
            let mut members = links.dependency_cycles[c].clone();
            members.sort_unstable();
            (9u8, members).hash(&mut h);
        }
        for &c in &self.supersession_cycles[place] {
            (10u8, &links.supersession_cycles[c]).hash(&mut h);
        }
        h.finish()
    }
}

/// Per-document hashes laid out in the site's order, for the reads over many
/// documents ([`Read::Kind`], [`Read::Dated`],
/// [`Fact::Dates`]): those combine these rather than read every document
/// again, so a rebuild in which every document kept its place hashes only
/// the documents it touched.
#[derive(Clone, Debug, Default)]
pub struct Dense {
    kinds: Vec<Kind>,
    /// Each document's key and file.
    file: Vec<u64>,
    /// Each document's id, date, status and comment period.
    dated: Vec<u64>,
    /// Each document's address and date.
    dates: Vec<u64>,
    /// What each listed document gives its kind's index filters.
    filters: Vec<Option<Filters>>,
    /// How many listed documents of each kind give each filter value.
    counts: BTreeMap<Kind, FilterCounts>,
}

/// What one listed document gives its kind's index filters: its status,
/// team (but a team's own) and tags, as [`ListingOrder`] gathers them.
#[derive(Clone, Debug)]
struct Filters {
    kind: Kind,
    status: Option<Box<str>>,
    team: Option<Box<str>>,
    tags: Vec<Box<str>>,
}

impl Filters {
    /// Document `i`'s, if its kind's index lists it.
    fn of(site: &Site, i: DocId) -> Option<Filters> {
        let d = &site.documents[i];
        (!d.url.is_empty()).then(|| Filters {
            kind: d.kind,
            status: site.status_label(i).map(Box::from),
            team: d.team().filter(|_| d.kind != Kind::Team).map(Box::from),
            tags: d.tags.iter().map(|t| Box::from(t.as_str())).collect(),
        })
    }
}

/// How many documents give each filter value of one kind's index.
#[derive(Clone, Debug, Default)]
struct FilterCounts {
    statuses: fnv::FnvHashMap<Box<str>, usize>,
    teams: fnv::FnvHashMap<Box<str>, usize>,
    tags: fnv::FnvHashMap<Box<str>, usize>,
}

impl FilterCounts {
    /// Counts one document's values in (`add`) or out.
    fn count(&mut self, filters: &Filters, add: bool) {
        fn one(map: &mut fnv::FnvHashMap<Box<str>, usize>, value: &str, add: bool) {
            if add {
                *map.entry(Box::from(value)).or_default() += 1;
            } else if let Some(n) = map.get_mut(value) {
                *n -= 1;
                if *n == 0 {
                    map.remove(value);
                }
            }
        }
        if let Some(status) = &filters.status {
            one(&mut self.statuses, status, add);
        }
        if let Some(team) = &filters.team {
            one(&mut self.teams, team, add);
        }
        for tag in &filters.tags {
            one(&mut self.tags, tag, add);
        }
    }

    /// The index of `documents` (in order), with these values in its filters.
    fn order(&self, documents: Vec<DocId>) -> ListingOrder {
        fn sorted(map: &fnv::FnvHashMap<Box<str>, usize>) -> Vec<String> {
            let mut values: Vec<String> = map.keys().map(|v| v.to_string()).collect();
            values.sort_unstable();
            values
        }
        ListingOrder {
            documents,
            statuses: sorted(&self.statuses),
            teams: sorted(&self.teams),
            tags: sorted(&self.tags),
        }
    }
}

impl Dense {
    /// Every document's hashes.
    fn new(site: &Site) -> Dense {
        use rayon::prelude::*;
        let rows: Vec<(Kind, [u64; 3], Option<Filters>)> = site
            .documents
            .as_slice()
            .par_iter()
            .map(|d| Dense::row(site, d.key))
            .collect();
        let mut dense = Dense::default();
        for (kind, [file, dated, dates], filters) in rows {
            dense.kinds.push(kind);
            dense.file.push(file);
            dense.dated.push(dated);
            dense.dates.push(dates);
            if let Some(f) = &filters {
                dense.counts.entry(f.kind).or_default().count(f, true);
            }
            dense.filters.push(filters);
        }
        dense
    }

    /// The last build's hashes with those of the documents `keys` worked
    /// out again. Valid only for the same documents, each in its place.
    fn patched(mut self, site: &Site, keys: &[DocId]) -> Dense {
        for &key in keys {
            let (kind, [file, dated, dates], filters) = Dense::row(site, key);
            let i = site.documents.position(key);
            self.kinds[i] = kind;
            self.file[i] = file;
            self.dated[i] = dated;
            self.dates[i] = dates;
            if let Some(f) = &self.filters[i] {
                self.counts.entry(f.kind).or_default().count(f, false);
            }
            if let Some(f) = &filters {
                self.counts.entry(f.kind).or_default().count(f, true);
            }
            self.filters[i] = filters;
        }
        self
    }

    /// The index of `kind` listing `documents` in order, its filters' values counted here.
    fn order(&self, kind: Kind, documents: Vec<DocId>) -> ListingOrder {
        match self.counts.get(&kind) {
            Some(counts) => counts.order(documents),
            None => FilterCounts::default().order(documents),
        }
    }

    /// Document `i`'s hashes.
    fn row(site: &Site, i: DocId) -> (Kind, [u64; 3], Option<Filters>) {
        let d = &site.documents[i];
        let comment_by = match &d.details {
            Details::Adr(a) => a.comment_by,
            _ => None,
        };
        (
            d.kind,
            [
                hash_of(&(d.key, d.source.fingerprint)),
                hash_of(&(d.key, &d.id, d.date, site.status_label(i), comment_by)),
                hash_of(&(&d.url, d.date)),
            ],
            Filters::of(site, i),
        )
    }

    /// One column's hashes of the documents of `kind` (all, for `None`), combined in order.
    fn combined(&self, column: &[u64], kind: Option<Kind>) -> u64 {
        use std::hash::Hasher;
        let mut h = fnv::FnvHasher::default();
        for (k, value) in self.kinds.iter().zip(column) {
            if kind.is_none_or(|kind| *k == kind) {
                h.write_u64(*value);
            }
        }
        h.finish()
    }
}

/// Fingerprints of reads over one linked site.
pub struct Fingerprints<'a> {
    site: &'a Site,
    links: IdMap<u64>,
    /// Each document's problems, hashed.
    problems: IdMap<u64>,
    /// The output paths, hashed, when the caller has planned them already.
    outputs: Option<u64>,
    /// Views of the site, for reads that are what a view shows.
    views: std::sync::OnceLock<super::views::Views<'a>>,
    /// The index orders worked out to fingerprint [`Read::Order`], with what
    /// each read: the renderer of the same site takes them as they are.
    orders: std::sync::Mutex<super::ListingOrders>,
    /// The ADR index's documents, in order, when known already.
    known_adr_order: Option<Vec<DocId>>,
    /// Per-document hashes for the reads over many documents.
    dense: Dense,
}

impl<'a> Fingerprints<'a> {
    /// Prepares fingerprints of `site`, hashing what linking says about every document.
    pub fn new(site: &'a Site) -> Self {
        Fingerprints::reusing(site, None)
    }

    /// [`Fingerprints::new`], given the last build's [`Fingerprints::links`]
    /// and its per-document hashes ([`Fingerprints::into_dense`]) and the only documents
    /// whose links may differ from them (and the only ones read again):
    /// only those are hashed again. Valid only for the same documents as
    /// that build's, each in its place.
    pub fn reusing(site: &'a Site, last: Option<(IdMap<u64>, Dense, &[DocId])>) -> Self {
        use rayon::prelude::*;
        let related = Related::new(site);
        let (links, dense) = match last {
            // Only in place: the same documents as last time, so no key goes.
            Some((mut links, dense, relinked)) => {
                for &i in relinked {
                    links.insert(i, related.hash(i));
                }
                // (A rebuild that failed half way leaves none to patch.)
                let dense = if dense.kinds.len() == site.documents.len() {
                    dense.patched(site, relinked)
                } else {
                    Dense::new(site)
                };
                (links, dense)
            }
            None => rayon::join(
                || {
                    site.documents
                        .as_slice()
                        .par_iter()
                        .map(|d| (d.key, related.hash(d.key)))
                        .collect()
                },
                || Dense::new(site),
            ),
        };
        // Problems are sorted by file, so each file's document is looked up once per run of them.
        let mut by_document: IdMap<fnv::FnvHasher> = Default::default();
        let mut run: Option<(&std::path::Path, Option<DocId>)> = None;
        for p in &site.diagnostics {
            let file = &*p.span.file;
            let key = match run {
                Some((f, key)) if f == file => key,
                _ => {
                    let key = site.index.by_file(&crate::diagnostic::display_path(file));
                    run = Some((file, key));
                    key
                }
            };
            if let Some(key) = key {
                p.hash(by_document.entry(key).or_default());
            }
        }
        let problems = by_document
            .into_iter()
            .map(|(k, h)| (k, h.finish()))
            .collect();
        Fingerprints {
            site,
            links,
            problems,
            outputs: None,
            views: std::sync::OnceLock::new(),
            orders: Default::default(),
            known_adr_order: None,
            dense,
        }
    }

    /// The per-document hashes the reads over many documents combine, for
    /// the next rebuild's [`Fingerprints::reusing`].
    pub fn into_dense(self) -> Dense {
        self.dense
    }

    /// The same fingerprints, told the documents (in order) that the ADR
    /// index lists, as the last build listed them. Valid only when every
    /// document kept its place, id and kind: the ADR index orders by id and
    /// then place alone.
    pub fn knowing_adr_order(mut self, documents: Option<Vec<DocId>>) -> Self {
        self.known_adr_order = documents;
        self
    }

    /// The index orders worked out so far, each with what deciding it read,
    /// for [`Renderer::reusing_orders`](super::Renderer::reusing_orders).
    pub fn take_orders(&self) -> super::ListingOrders {
        std::mem::take(&mut *self.orders.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// What linking says about each document, hashed: compare two builds'
    /// to learn whose [`Read::Links`] (and so whose title's status) changed.
    pub fn links(&self) -> &IdMap<u64> {
        &self.links
    }

    /// The kind of the document with this identity, if the site has it.
    pub fn kind_of(&self, key: DocId) -> Option<Kind> {
        self.site.documents.get(key).map(|d| d.kind)
    }

    /// Each document's problems, hashed: compare two builds' to learn whose changed.
    pub fn problems(&self) -> &IdMap<u64> {
        &self.problems
    }

    /// The same fingerprints, with the site's outputs as already planned (saves planning again).
    pub fn with_plan(mut self, jobs: &[super::Job]) -> Self {
        self.outputs = Some(outputs_hash(jobs));
        self
    }

    /// The fingerprint of one read: equal in two sites exactly when what it names is the same.
    pub fn of(&self, read: &Read) -> u64 {
        let site = self.site;
        let doc = |key: &DocId| site.documents.get(*key);
        match read {
            Read::Document(key) => {
                hash_of(&doc(key).map(|d| (&d.source.rel, d.source.fingerprint)))
            }
            Read::Title(key) => {
                let views = self.views.get_or_init(|| super::views::Views::new(site));
                hash_of(&doc(key).map(|_| hash_of(&views.link(*key))))
            }
            Read::Links(key) => hash_of(&doc(key).map(|_| self.links.get(key).copied())),
            Read::Problems(key) => hash_of(&doc(key).map(|_| self.problems.get(key).copied())),
            Read::Name(kind, id) => {
                let form = kind.map_or(Form::WikiLink, Form::Field);
                let named = match site.resolution(form, id) {
                    Resolution::Found(i) => (1u8, Some(i)),
                    Resolution::Missing => (0, None),
                    Resolution::WrongKind(i) => (2, Some(i)),
                };
                hash_of(&named)
            }
            Read::Kind(kind) => self.dense.combined(&self.dense.file, Some(*kind)),
            Read::Dated(kind) => self.dense.combined(&self.dense.dated, Some(*kind)),
            Read::Entry(key) => hash_of(&doc(key).map(|d| entry(site, *key, d))),
            Read::Tag(slug) => hash_of(&site.links.tags.get(slug).map(|docs| {
                let name = crate::link::tag_name(&site.documents, docs, slug);
                (name, docs)
            })),
            Read::Order(kind) => {
                let known = self.known_adr_order.as_ref().filter(|_| *kind == Kind::Adr);
                let (order, reads) = match known {
                    // What deciding the order reads, as the view notes it.
                    Some(documents) => (
                        self.dense.order(*kind, documents.clone()),
                        BTreeSet::from([Read::Order(*kind)]),
                    ),
                    None => {
                        let views = self.views.get_or_init(|| super::views::Views::new(site));
                        let reads = std::sync::Arc::new(ReadSet::default());
                        let order = views.recording(reads.clone()).listing_order(*kind);
                        (order, reads.take())
                    }
                };
                let hash = hash_of(&(&order.documents, &order.statuses, &order.teams, &order.tags));
                let order = std::sync::Arc::new((order, reads));
                self.orders
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(*kind, order);
                hash
            }
            // Not a value of the site: it changes with the reads of its
            // week's page ([`affected`], and the rebuild's digest views).
            Read::DigestView(week) => hash_of(week),
            Read::Search(path) => hash_of(&super::search::of(site).get(path).map(|f| f.hash)),
            Read::Digest(week) => hash_of(
                &site
                    .digests
                    .iter()
                    .find(|d| d.week == *week)
                    .map(|d| digest_key(site, d)),
            ),
            Read::Fact(fact) => match fact {
                Fact::Settings => hash_of(&(format!("{:?}", site.config), site.today)),
                Fact::Navigation => hash_of(
                    &site
                        .documents
                        .iter()
                        .any(|d| d.kind == Kind::Page && !d.url.is_empty()),
                ),
                Fact::Dates => self.dense.combined(&self.dense.dates, None),
                Fact::Census => {
                    let mut counts: BTreeMap<Kind, usize> = BTreeMap::new();
                    for d in &site.documents {
                        *counts.entry(d.kind).or_default() += 1;
                    }
                    hash_of(&counts)
                }
                Fact::Problems => hash_of(&site.diagnostics),
                Fact::Dependencies => {
                    hash_of(&(&site.links.dependencies, &site.links.dependency_cycles))
                }
                Fact::Tags => hash_of(
                    &site
                        .links
                        .tags
                        .iter()
                        .map(|(t, docs)| (t, crate::link::tag_name(&site.documents, docs, t), docs))
                        .collect::<Vec<_>>(),
                ),
                Fact::Weeks => hash_of(&site.digests.iter().map(|d| d.week).collect::<Vec<_>>()),
                Fact::Outputs => self
                    .outputs
                    .unwrap_or_else(|| outputs_hash(&super::plan(site))),
            },
        }
    }
}

/// What an index shows of one document, to hash: see [`Read::Entry`].
#[allow(clippy::type_complexity)]
fn entry<'s>(
    site: &'s Site,
    i: DocId,
    d: &'s crate::model::Document,
) -> (
    (
        DocId,
        &'s String,
        &'s String,
        &'s String,
        Option<&'s str>,
        Option<chrono::NaiveDate>,
    ),
    (
        Option<&'s str>,
        &'s Vec<String>,
        Option<&'s String>,
        usize,
        Option<crate::model::Week>,
    ),
    (bool, Option<chrono::NaiveDate>),
) {
    let comment_by = match &d.details {
        Details::Adr(a) => a.comment_by,
        _ => None,
    };
    let (summary, count, week) = match &d.details {
        Details::Team(t) => (t.mission.as_ref(), t.depends_on.len(), None),
        Details::Alignment(a) => (d.description.as_ref(), a.commitments.len(), None),
        Details::Update(u) => (d.description.as_ref(), 0, Some(u.week)),
        _ => (d.description.as_ref(), 0, None),
    };
    (
        (d.key, &d.url, &d.id, &d.title, site.status_label(i), d.date),
        (d.team(), &d.tags, summary, count, week),
        (d.source.outline.first_h1().is_some(), comment_by),
    )
}

/// The paths of planned outputs, hashed.
fn outputs_hash(jobs: &[super::Job]) -> u64 {
    hash_of(&jobs.iter().map(|j| j.path.as_str()).collect::<Vec<_>>())
}

/// A digest with every document named by its [`DocId`], hashed.
fn digest_key(site: &Site, d: &crate::digest::Digest) -> u64 {
    let dep = |n: &usize| {
        let d = &site.links.dependencies[*n];
        (d.from, d.entry)
    };
    hash_of(&(
        (d.week, d.as_of, d.current),
        d.updates
            .iter()
            .map(|u| (u.team, u.update))
            .collect::<Vec<_>>(),
        &d.missing,
        d.decisions
            .iter()
            .map(|x| (x.adr, x.reason))
            .collect::<Vec<_>>(),
        &d.open_for_comment,
        d.watch.iter().map(dep).collect::<Vec<_>>(),
        d.due_soon.iter().map(dep).collect::<Vec<_>>(),
        &d.alignments,
        &d.past_review,
        &d.rotations,
        d.health
            .iter()
            .map(|h| (h.team, h.errors, h.warnings, &h.codes))
            .collect::<Vec<_>>(),
    ))
}

/// Every document a digest names: the teams, which it names, and the other
/// documents, whose text it shows.
pub fn digest_documents(d: &crate::digest::Digest) -> (Vec<DocId>, Vec<DocId>) {
    let mut named: Vec<DocId> = Vec::new();
    named.extend(d.updates.iter().map(|u| u.team));
    named.extend(&d.missing);
    named.extend(d.health.iter().filter_map(|h| h.team));
    let mut shown: Vec<DocId> = Vec::new();
    shown.extend(d.updates.iter().map(|u| u.update));
    shown.extend(d.decisions.iter().map(|x| x.adr));
    shown.extend(&d.open_for_comment);
    shown.extend(d.alignments.iter().map(|(i, _)| *i));
    shown.extend(&d.past_review);
    shown.extend(&d.rotations);
    (named, shown)
}

/// The outputs an edit affects: those whose reads changed between `old` and
/// `new`, and those that exist in only one of them.
///
/// `reads` maps each output path of `old` to what it read. `new_paths` are the
/// paths `new` makes. Every output not returned is, byte for byte, what it was.
pub fn affected(
    old: &Site,
    new: &Site,
    reads: &BTreeMap<String, BTreeSet<Read>>,
    new_paths: &BTreeSet<String>,
) -> BTreeSet<String> {
    use rayon::prelude::*;
    let (before, after) = rayon::join(|| Fingerprints::new(old), || Fingerprints::new(new));
    let distinct: std::collections::HashSet<&Read> = reads.values().flatten().collect();
    let mut changed: std::collections::HashSet<&Read> = distinct
        .par_iter()
        .copied()
        .filter(|r| before.of(r) != after.of(r))
        .collect();
    // A digest as its page shows it changed when a read of that page did
    // (or the page is new or gone).
    let views: Vec<&Read> = distinct
        .iter()
        .copied()
        .filter(|r| match r {
            Read::DigestView(week) => reads
                .get(&format!("digest/{week}/index.html"))
                .is_none_or(|page| page.iter().any(|r| changed.contains(r))),
            _ => false,
        })
        .collect();
    changed.extend(views);
    let mut out: BTreeSet<String> = new_paths
        .iter()
        .filter(|p| !reads.contains_key(*p))
        .cloned()
        .collect();
    out.extend(
        reads
            .par_iter()
            .filter(|(path, read)| {
                !new_paths.contains(*path) || read.iter().any(|r| changed.contains(r))
            })
            .map(|(path, _)| path.clone())
            .collect::<Vec<_>>(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    use crate::testing::{Rng, edit, repo, write};

    type Built = (Site, BTreeMap<String, (Vec<u8>, BTreeSet<Read>)>);

    fn build(root: &Path) -> Built {
        let options = crate::site::Options {
            root: root.to_path_buf(),
            today: Some("2026-11-20".parse().unwrap()),
            base_url: None,
            source_date_epoch: None,
            digests: crate::site::Digests::All,
            out: None,
        };
        let (site, _) = crate::site::assemble(&options, &|_| {}).unwrap();
        let tera = super::super::load_templates(root).unwrap();
        let outputs = super::super::render_with_reads(&site, &tera)
            .unwrap()
            .into_iter()
            .map(|(f, reads)| (f.path, (f.contents, reads)))
            .collect();
        (site, outputs)
    }

    /// After random sequences of edits of every kind, the outputs the read
    /// sets name as affected include every output whose bytes change in a
    /// full rebuild, and a small edit affects only a part of the site.
    #[test]
    fn read_sets_name_every_output_an_edit_changes() {
        let mut rng = Rng(0x5eed_cafe_f00d);
        let mut edits = 0;
        let mut affected_total = 0;
        let mut outputs_total = 0;
        for sequence in 0..10 {
            let tmp = tempfile::tempdir().unwrap();
            let mut files = repo(&mut rng);
            write(tmp.path(), &files);
            let (mut old, mut old_outputs) = build(tmp.path());
            for step in 0..8 {
                let what = edit(&mut rng, &mut files, sequence * 100 + step);
                write(tmp.path(), &files);
                let (new, new_outputs) = build(tmp.path());
                let reads: BTreeMap<String, BTreeSet<Read>> = old_outputs
                    .iter()
                    .map(|(p, (_, r))| (p.clone(), r.clone()))
                    .collect();
                let new_paths: BTreeSet<String> = new_outputs.keys().cloned().collect();
                let named = affected(&old, &new, &reads, &new_paths);
                let all: BTreeSet<&String> = old_outputs.keys().chain(new_outputs.keys()).collect();
                for path in all {
                    let before = old_outputs.get(path).map(|(b, _)| b);
                    let after = new_outputs.get(path).map(|(b, _)| b);
                    if before != after {
                        assert!(
                            named.contains(path),
                            "sequence {sequence}, step {step} ({what}): {path} changed but its reads did not;\nit read {:?}",
                            old_outputs.get(path).map(|(_, r)| r)
                        );
                    }
                }
                edits += 1;
                affected_total += named.len();
                outputs_total += new_outputs.len();
                old = new;
                old_outputs = new_outputs;
            }
        }
        assert_eq!(edits, 80);
        eprintln!("{edits} edits: {affected_total} of {outputs_total} outputs affected");
        // Reads are precise enough to matter: an edit remakes a fraction of the site.
        assert!(
            affected_total * 2 < outputs_total,
            "{affected_total} of {outputs_total} outputs affected"
        );
    }
}
