//! Stage 3: resolve every reference once, and compute the relations the
//! checks and pages read.
//!
//! [`resolve`] is the one function that decides what a reference names.
//! [`link`] applies it to every reference of every form — `[[id]]` and
//! relative `.md` links in bodies, and each front matter field that names a
//! document (see [`field_references`]) — and keeps the results in
//! [`References`], which checks, backlinks, `seam list`, views and Markdown
//! link rewriting all read. From them it computes what no single file says:
//! who depends on a team, which ADR replaced which (from either side), each
//! team's ADRs, alignments, rotations and updates, backlinks, tags, loops
//! between teams and between ADRs, the assessed risk of every dependency at
//! the build's date, and each ADR's effective status ([`Site::adr_status`]),
//! the one every page and listing shows.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;

use crate::diagnostic::Span;
use crate::load::{Asset, ReferenceForm};
use crate::model::{
    Details, DocId, Document, Documents, IdMap, Index, Kind, Reference, adr_id, parse_adr_reference,
};
use crate::risk::{self, Assessment};

/// How a reference was written, which decides how it resolves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Form {
    /// `[[id]]` in a body: a document of any kind.
    WikiLink,
    /// A relative link to a `.md` source file in a body; its target is content-relative.
    RelativeLink,
    /// A front matter field that takes a document of this kind.
    Field(Kind),
}

impl Form {
    /// The kind the reference must name, if it is particular.
    pub fn expects(self) -> Option<Kind> {
        match self {
            Form::Field(kind) => Some(kind),
            Form::WikiLink | Form::RelativeLink => None,
        }
    }
}

impl From<ReferenceForm> for Form {
    fn from(form: ReferenceForm) -> Self {
        match form {
            ReferenceForm::WikiLink => Form::WikiLink,
            ReferenceForm::RelativeLink => Form::RelativeLink,
        }
    }
}

/// What a reference resolved to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// This document.
    Found(DocId),
    /// Nothing has this id (or no document is at this path).
    Missing,
    /// A document of another kind has this id.
    WrongKind(DocId),
}

impl Resolution {
    /// The document, when the reference names one of the right kind.
    pub fn found(self) -> Option<DocId> {
        match self {
            Resolution::Found(i) => Some(i),
            _ => None,
        }
    }
}

/// Decides what a reference names: the one place that does.
///
/// Ids match exactly (after trimming); an ADR may also be named by its number
/// in any written form (`ADR-7`, `adr-0007`), and by a bare number where the
/// field takes an ADR. Relative links name the document whose source is at
/// that content-relative path.
pub fn resolve(documents: &Documents, index: &Index, form: Form, target: &str) -> Resolution {
    let found = match form {
        Form::RelativeLink => index.by_path(target),
        Form::WikiLink | Form::Field(_) => {
            let written = target.trim();
            index
                .get(written)
                .or_else(|| {
                    let bare = form == Form::Field(Kind::Adr);
                    parse_adr_reference(written, bare).and_then(|n| index.get(&adr_id(n)))
                })
                // An imported ADR's links, read from its body, name files.
                .or_else(|| {
                    (form == Form::Field(Kind::Adr) && written.ends_with(".md"))
                        .then(|| index.by_path(written))
                        .flatten()
                })
        }
    };
    match (found, form.expects()) {
        (Some(i), Some(kind)) if documents[i].kind != kind => Resolution::WrongKind(i),
        (Some(i), _) => Resolution::Found(i),
        (None, _) => Resolution::Missing,
    }
}

/// Every front matter field of a document that names another document, with the kind it takes.
///
/// Dependencies (`on`, `alignment`), an ADR's `team`, `affects`, `supersedes`
/// and `superseded_by`, an alignment's `teams`, `adrs` and commitment teams, a
/// rotation's `teams` and exchange pairs, and an update's `team`.
pub fn field_references(doc: &Document) -> Vec<(&Reference, Kind)> {
    let mut refs = Vec::new();
    match &doc.details {
        Details::Team(team) => {
            for dep in &team.depends_on {
                refs.push((&dep.on, Kind::Team));
                refs.extend(dep.alignment.iter().map(|a| (a, Kind::Alignment)));
            }
        }
        Details::Adr(adr) => {
            refs.extend(adr.team.iter().chain(&adr.affects).map(|t| (t, Kind::Team)));
            refs.extend(
                adr.supersedes
                    .iter()
                    .chain(&adr.superseded_by)
                    .chain(&adr.amends)
                    .chain(&adr.amended_by)
                    .chain(&adr.related)
                    .map(|a| (a, Kind::Adr)),
            );
        }
        Details::Alignment(al) => {
            refs.extend(al.teams.iter().map(|t| (t, Kind::Team)));
            refs.extend(al.adrs.iter().map(|a| (a, Kind::Adr)));
            refs.extend(al.commitments.iter().map(|c| (&c.team, Kind::Team)));
        }
        Details::Rotation(rot) => {
            refs.extend(rot.teams.iter().map(|t| (t, Kind::Team)));
            for p in &rot.pairs {
                refs.push((&p.team, Kind::Team));
                refs.push((&p.with, Kind::Team));
            }
        }
        Details::Update(u) => refs.push((&u.team, Kind::Team)),
        Details::Page => {}
    }
    refs
}

/// One reference of a document, resolved.
#[derive(Clone, Debug)]
pub struct Resolved {
    /// How it was written.
    pub form: Form,
    /// What the author wrote, for messages (`[[payments]]`, `../adrs/7.md`, `ADR-7`).
    pub written: Arc<str>,
    /// The id or content-relative path that was looked up.
    pub target: Arc<str>,
    /// Where it was written.
    pub span: Span,
    /// What it names.
    pub resolution: Resolution,
}

/// Every reference of the site, resolved once.
#[derive(Clone, Debug, Default)]
pub struct References {
    /// Each document's references: its body's in source order, then its front matter fields'.
    of: IdMap<Vec<Resolved>>,
    /// Each distinct `(form, target)` and what it names.
    table: HashMap<Form, rustc_hash::FxHashMap<Arc<str>, Resolution>>,
}

impl References {
    /// A document's references: its body's in source order, then its front matter fields'.
    pub fn of(&self, key: DocId) -> &[Resolved] {
        self.of.get(&key).map_or(&[], Vec::as_slice)
    }

    /// What `target`, written in this form somewhere in the site, names.
    ///
    /// Every reference in a document is in the table; anything else (a
    /// team asked for on the command line) is resolved by [`resolve`].
    pub fn get(&self, form: Form, target: &str) -> Option<Resolution> {
        // Ids are compared trimmed; the table holds them as [`resolve`] saw them.
        self.table.get(&form)?.get(target).copied()
    }
}

/// One `depends_on` entry, resolved and assessed.
#[derive(Clone, Debug, Hash)]
pub struct DependencyLink {
    /// The depending team's document.
    pub from: DocId,
    /// Position of the entry in its team's `depends_on`.
    pub entry: usize,
    /// The team depended on, when it resolves (and is not the team itself).
    pub to: Option<DocId>,
    /// The governing alignment, when it resolves.
    pub alignment: Option<DocId>,
    /// Computed flags and risk.
    pub assessment: Assessment,
}

/// Relations between documents.
#[derive(Clone, Debug, Default)]
pub struct Links {
    /// Every reference, resolved.
    pub references: References,
    /// Every dependency in the organisation, highest computed risk first, then by need-by date.
    pub dependencies: Vec<DependencyLink>,
    /// Team → where it is in [`Links::dependencies`]; see [`Links::dependencies_from`].
    pub dependency_rows: BTreeMap<DocId, DependencyRows>,
    /// ADR → the ADRs that replace it (from either file).
    pub superseded_by: BTreeMap<DocId, Vec<DocId>>,
    /// ADR → the ADRs it replaces (from either file).
    pub supersedes: BTreeMap<DocId, Vec<DocId>>,
    /// ADRs that supersede each other in a loop: one path per loop, oldest-recorded first.
    pub supersession_cycles: Vec<Vec<DocId>>,
    /// ADR → the ADRs it amends (from either file).
    pub amends: BTreeMap<DocId, Vec<DocId>>,
    /// ADR → the ADRs that amend it (from either file).
    pub amended_by: BTreeMap<DocId, Vec<DocId>>,
    /// Team → ADRs it owns or is affected by.
    pub adrs_by_team: BTreeMap<DocId, Vec<DocId>>,
    /// Team → alignments it is party to.
    pub alignments_by_team: BTreeMap<DocId, Vec<DocId>>,
    /// Team → rotations it belongs to.
    pub rotations_by_team: BTreeMap<DocId, Vec<DocId>>,
    /// Team → its updates, newest first.
    pub updates_by_team: BTreeMap<DocId, Vec<DocId>>,
    /// Document → documents that reference it.
    pub backlinks: BTreeMap<DocId, Vec<DocId>>,
    /// A tag's address (its [slug](crate::load::slugify), `tags/<slug>/`) →
    /// the documents with a tag of that address, each once, in order. Tags
    /// written differently but with one address (`Payments`, `payments`)
    /// share one page; see [`tag_name`] for the name it shows.
    pub tags: BTreeMap<String, Vec<DocId>>,
    /// Teams that depend on each other in a loop: one path per loop, `a → b → … → a`.
    pub dependency_cycles: Vec<Vec<DocId>>,
    /// What each document's fields give the relations above (all but its
    /// backlinks and tags), hashed: when a rebuild's re-read documents keep
    /// theirs, the relations are kept and only backlinks and tags redone.
    pub shapes: IdMap<u64>,
}

/// The rows of [`Links::dependencies`] a team is in, each list in tracker order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DependencyRows {
    /// Its own `depends_on` entries.
    pub from: Vec<usize>,
    /// Other teams' entries that name it.
    pub to: Vec<usize>,
}

impl Links {
    /// The rows `pick` takes from team `team`'s [`DependencyRows`], as dependencies.
    fn rows_of(
        &self,
        team: DocId,
        pick: fn(&DependencyRows) -> &[usize],
    ) -> impl Iterator<Item = &DependencyLink> + '_ {
        let rows = self.dependency_rows.get(&team).map_or(&[][..], pick);
        rows.iter().map(|&row| &self.dependencies[row])
    }

    /// Team `team`'s own `depends_on` entries, in tracker order: looked
    /// up, so a page per team does not read every dependency of the
    /// organisation.
    pub fn dependencies_from(&self, team: DocId) -> impl Iterator<Item = &DependencyLink> + '_ {
        self.rows_of(team, |r| &r.from)
    }

    /// Other teams' entries that name `team`, in tracker order.
    pub fn dependencies_on(&self, team: DocId) -> impl Iterator<Item = &DependencyLink> + '_ {
        self.rows_of(team, |r| &r.to)
    }

    /// The dependencies from or on `team`, each once, in tracker order.
    pub fn dependencies_around(&self, team: DocId) -> impl Iterator<Item = &DependencyLink> + '_ {
        let mut rows: Vec<usize> = (self.dependency_rows.get(&team))
            .map(|r| r.from.iter().chain(&r.to).copied().collect())
            .unwrap_or_default();
        rows.sort_unstable();
        rows.dedup();
        rows.into_iter().map(|row| &self.dependencies[row])
    }

    /// Whether the dependency `from → to` is part of a loop between teams.
    pub fn in_cycle(&self, from: DocId, to: DocId) -> bool {
        self.dependency_cycles
            .iter()
            .any(|c| c.contains(&from) && c.contains(&to))
    }
}

/// The linked site: documents, their relations, and every problem found.
#[derive(Debug)]
pub struct Site {
    /// The docs repository root.
    pub root: std::path::PathBuf,
    /// Its settings.
    pub config: crate::config::Config,
    /// The build's date.
    pub today: NaiveDate,
    /// Documents in file-path order, each found by its id.
    pub documents: Documents,
    /// Files copied unchanged.
    pub assets: Vec<Asset>,
    /// Documents by id and path.
    pub index: Index,
    /// Relations.
    pub links: Links,
    /// Every problem, sorted.
    pub diagnostics: Vec<crate::diagnostic::Diagnostic>,
    /// Every published weekly digest, newest first.
    pub digests: Vec<crate::digest::Digest>,
    /// The search index, made when first asked for (by planning its files).
    pub search: std::sync::OnceLock<std::sync::Arc<crate::render::search::SearchIndex>>,
}

impl Site {
    /// What a reference of this form names, as the link stage resolved it.
    pub fn resolution(&self, form: Form, target: &str) -> Resolution {
        self.links
            .references
            .get(form, target)
            .unwrap_or_else(|| resolve(&self.documents, &self.index, form, target))
    }

    /// The team with this id, if one has it.
    pub fn team(&self, id: &str) -> Option<DocId> {
        self.resolution(Form::Field(Kind::Team), id).found()
    }

    /// The document an id names, of the expected kind if one is given.
    pub fn resolve(&self, id: &str, expect: Option<Kind>) -> Option<DocId> {
        let form = expect.map_or(Form::WikiLink, Form::Field);
        self.resolution(form, id).found()
    }

    /// An ADR's effective status: superseded when another ADR replaces it
    /// (whichever file says so), else its own. `None` for other kinds and
    /// ADRs without a status.
    pub fn adr_status(&self, i: DocId) -> Option<crate::model::AdrStatus> {
        use crate::model::{AdrStatus, AdrStatusWord};
        let Details::Adr(adr) = &self.documents[i].details else {
            return None;
        };
        if self.replaced(i) {
            Some(AdrStatus::Known(AdrStatusWord::Superseded))
        } else {
            adr.status.clone()
        }
    }

    /// Whether another ADR replaces ADR `i` (whichever file says so).
    fn replaced(&self, i: DocId) -> bool {
        self.links
            .superseded_by
            .get(&i)
            .is_some_and(|s| !s.is_empty())
    }

    /// The status word every page, index, feed and `seam list` shows for
    /// document `i`: an ADR's effective status, an alignment's own.
    pub fn status(&self, i: DocId) -> Option<String> {
        self.status_label(i).map(str::to_string)
    }

    /// [`Site::status`], borrowed.
    pub fn status_label(&self, i: DocId) -> Option<&str> {
        match &self.documents[i].details {
            Details::Adr(adr) => {
                if self.replaced(i) {
                    Some(crate::model::AdrStatusWord::Superseded.as_str())
                } else {
                    adr.status.as_ref().map(|s| s.label())
                }
            }
            Details::Alignment(a) => a.status.map(|s| s.as_str()),
            _ => None,
        }
    }

    /// What a front matter reference names (`None` when it names nothing of `kind`).
    pub fn target(&self, reference: &Reference, kind: Kind) -> Option<DocId> {
        self.resolve(&reference.id, Some(kind))
    }
}

/// Resolves every reference and computes every relation between documents.
pub fn link(documents: &Documents, index: &Index, today: NaiveDate) -> Links {
    link_reusing(documents, index, today, None)
}

/// What linking can keep from the last link of the same documents.
///
/// Valid only when no document came, went or moved, and every re-read
/// document kept its id, kind and path, so that the index (and with it what
/// every other document's references name) is what it was.
#[derive(Debug)]
pub struct Unchanged {
    /// The last link.
    pub last: Links,
    /// The documents that were read again.
    pub reread: Vec<DocId>,
}

/// [`link`], resolving again only the references of re-read documents when
/// `unchanged` says the rest stand. When the re-read documents also give
/// the relations what they gave before (their [`Links::shapes`] are the
/// same), the last relations are kept and only the backlinks and tags of
/// those documents are redone.
pub fn link_reusing(
    documents: &Documents,
    index: &Index,
    today: NaiveDate,
    unchanged: Option<Unchanged>,
) -> Links {
    let Some(Unchanged { mut last, reread }) = unchanged else {
        let references = resolve_all(documents, index);
        let contributions = contributions(documents, &references, today);
        return relate(documents, references, contributions);
    };
    // What the re-read documents referred to before they were read again.
    let before: Vec<BTreeSet<DocId>> = reread
        .iter()
        .map(|&i| referenced(&last.references, i))
        .collect();
    let references = resolve_again(
        documents,
        index,
        std::mem::take(&mut last.references),
        &reread,
    );
    let same_shapes = reread.iter().all(|&i| {
        let shape = crate::model::stable_hash(&contribution(documents, &references, i, today));
        last.shapes.get(&i) == Some(&shape)
    });
    if !same_shapes {
        let contributions = contributions(documents, &references, today);
        return relate(documents, references, contributions);
    }
    // Everything but the re-read documents' backlinks and tags stands.
    let place = |d: DocId| documents.position(d);
    for (&i, before) in reread.iter().zip(before) {
        let after = referenced(&references, i);
        for t in before.difference(&after) {
            if let Some(sources) = last.backlinks.get_mut(t) {
                sources.retain(|&s| s != i);
                if sources.is_empty() {
                    last.backlinks.remove(t);
                }
            }
        }
        for &t in after.difference(&before) {
            let sources = last.backlinks.entry(t).or_default();
            let at = sources.partition_point(|&s| place(s) < place(i));
            sources.insert(at, i);
        }
        last.tags.retain(|_, docs| {
            docs.retain(|&d| d != i);
            !docs.is_empty()
        });
        for slug in tag_slugs(&documents[i]) {
            let docs = last.tags.entry(slug).or_default();
            let at = docs.partition_point(|&d| place(d) <= place(i));
            docs.insert(at, i);
        }
    }
    last.references = references;
    last
}

/// The addresses of `doc`'s tags, each once.
fn tag_slugs(doc: &Document) -> BTreeSet<String> {
    doc.tags.iter().map(|t| crate::load::slugify(t)).collect()
}

/// The name a tag page shows for the address `slug`: the tag as the first
/// of its documents writes it.
pub fn tag_name<'a>(documents: &'a Documents, docs: &[DocId], slug: &'a str) -> &'a str {
    docs.first()
        .and_then(|&i| {
            documents[i]
                .tags
                .iter()
                .find(|t| crate::load::slugify(t) == slug)
        })
        .map_or(slug, String::as_str)
}

/// The documents `i`'s references resolve to, other than itself.
fn referenced(references: &References, i: DocId) -> BTreeSet<DocId> {
    references
        .of(i)
        .iter()
        .filter_map(|r| r.resolution.found())
        .filter(|&t| t != i)
        .collect()
}

/// A relation between two documents that one document's fields record.
#[derive(Clone, Copy, Debug, Hash)]
enum Relation {
    AdrsByTeam,
    Supersedes,
    SupersededBy,
    Amends,
    AmendedBy,
    AlignmentsByTeam,
    RotationsByTeam,
    UpdatesByTeam,
}

/// What one document's fields give the relations between documents (all
/// but its backlinks and tags), in the order the relations take them.
#[derive(Debug, Default, Hash)]
struct Contribution {
    /// Its dependencies, with the need-by date the tracker orders them by.
    dependencies: Vec<(DependencyLink, Option<NaiveDate>)>,
    /// `(relation, key, value)`: `value` joins the relation's list for `key`.
    relations: Vec<(Relation, DocId, DocId)>,
    /// An update's week, which orders a team's updates.
    week: Option<crate::model::Week>,
}

/// What every document gives the relations, in file-path order.
fn contributions(
    documents: &Documents,
    references: &References,
    today: NaiveDate,
) -> Vec<Contribution> {
    use rayon::prelude::*;
    documents
        .as_slice()
        .par_iter()
        .map(|d| contribution(documents, references, d.key, today))
        .collect()
}

/// What document `i` gives the relations.
fn contribution(
    documents: &Documents,
    references: &References,
    i: DocId,
    today: NaiveDate,
) -> Contribution {
    let target = |reference: &Reference, kind: Kind| {
        references
            .get(Form::Field(kind), &reference.id)
            .and_then(Resolution::found)
    };
    let mut out = Contribution::default();
    let mut relate = |relation, key, value| out.relations.push((relation, key, value));
    match &documents[i].details {
        Details::Team(team) => {
            for (entry, dep) in team.depends_on.iter().enumerate() {
                let link = DependencyLink {
                    from: i,
                    entry,
                    to: target(&dep.on, Kind::Team).filter(|&t| t != i),
                    alignment: dep
                        .alignment
                        .as_ref()
                        .and_then(|a| target(a, Kind::Alignment)),
                    assessment: risk::assess(dep, today),
                };
                out.dependencies.push((link, dep.need_by));
            }
        }
        Details::Adr(adr) => {
            for t in adr
                .team
                .iter()
                .chain(&adr.affects)
                .filter_map(|t| target(t, Kind::Team))
            {
                relate(Relation::AdrsByTeam, t, i);
            }
            for r in &adr.supersedes {
                if let Some(old) = target(r, Kind::Adr).filter(|&o| o != i) {
                    relate(Relation::Supersedes, i, old);
                    relate(Relation::SupersededBy, old, i);
                }
            }
            if let Some(new) = adr
                .superseded_by
                .as_ref()
                .and_then(|r| target(r, Kind::Adr))
                .filter(|&n| n != i)
            {
                relate(Relation::SupersededBy, i, new);
                relate(Relation::Supersedes, new, i);
            }
            for r in &adr.amends {
                if let Some(old) = target(r, Kind::Adr).filter(|&o| o != i) {
                    relate(Relation::Amends, i, old);
                    relate(Relation::AmendedBy, old, i);
                }
            }
            for r in &adr.amended_by {
                if let Some(new) = target(r, Kind::Adr).filter(|&n| n != i) {
                    relate(Relation::AmendedBy, i, new);
                    relate(Relation::Amends, new, i);
                }
            }
        }
        Details::Alignment(al) => {
            for t in al.teams.iter().filter_map(|t| target(t, Kind::Team)) {
                relate(Relation::AlignmentsByTeam, t, i);
            }
        }
        Details::Rotation(rot) => {
            for t in rot.teams.iter().filter_map(|t| target(t, Kind::Team)) {
                relate(Relation::RotationsByTeam, t, i);
            }
        }
        Details::Update(u) => {
            if let Some(t) = target(&u.team, Kind::Team) {
                relate(Relation::UpdatesByTeam, t, i);
            }
            out.week = Some(u.week);
        }
        Details::Page => {}
    }
    out
}

/// The relations between documents, from their references and what each
/// gives (in file-path order, as [`contributions`] makes them).
fn relate(documents: &Documents, references: References, given: Vec<Contribution>) -> Links {
    let mut links = Links {
        references,
        shapes: documents
            .keys()
            .zip(&given)
            .map(|(key, c)| (key, crate::model::stable_hash(c)))
            .collect(),
        ..Links::default()
    };
    let push = |map: &mut BTreeMap<DocId, Vec<DocId>>, key: DocId, value: DocId| {
        let v = map.entry(key).or_default();
        if !v.contains(&value) {
            v.push(value);
        }
    };
    for (doc, given) in documents.iter().zip(given) {
        let i = doc.key;
        for t in referenced(&links.references, i) {
            links.backlinks.entry(t).or_default().push(i);
        }
        for slug in tag_slugs(doc) {
            links.tags.entry(slug).or_default().push(i);
        }
        links
            .dependencies
            .extend(given.dependencies.into_iter().map(|(d, _)| d));
        for (relation, key, value) in given.relations {
            let map = match relation {
                Relation::AdrsByTeam => &mut links.adrs_by_team,
                Relation::Supersedes => &mut links.supersedes,
                Relation::SupersededBy => &mut links.superseded_by,
                Relation::Amends => &mut links.amends,
                Relation::AmendedBy => &mut links.amended_by,
                Relation::AlignmentsByTeam => &mut links.alignments_by_team,
                Relation::RotationsByTeam => &mut links.rotations_by_team,
                Relation::UpdatesByTeam => &mut links.updates_by_team,
            };
            push(map, key, value);
        }
    }
    // Loops are looked for in file-path order, whichever file recorded the edges.
    let place = |d: DocId| documents.position(d);
    let mut graph: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for d in &links.dependencies {
        if let Some(to) = d.to {
            graph.entry(place(d.from)).or_default().push(place(to));
        }
    }
    let by_id = |loops: Vec<Vec<usize>>| -> Vec<Vec<DocId>> {
        let key = |p: usize| documents.as_slice()[p].key;
        loops
            .into_iter()
            .map(|l| l.into_iter().map(key).collect())
            .collect()
    };
    links.dependency_cycles = by_id(cycles(&graph));
    let successors: BTreeMap<usize, Vec<usize>> = links
        .superseded_by
        .iter()
        .map(|(&old, news)| {
            let mut news: Vec<usize> = news.iter().map(|&n| place(n)).collect();
            news.sort_unstable();
            (place(old), news)
        })
        .collect();
    links.supersession_cycles = by_id(cycles(&successors));
    // Highest computed risk first, then the soonest need-by date: the tracker's order everywhere.
    links.dependencies.sort_by_cached_key(|d| {
        let team = &documents[d.from];
        let need_by = match &team.details {
            Details::Team(t) => t.depends_on[d.entry].need_by,
            _ => None,
        };
        (
            std::cmp::Reverse(d.assessment.computed),
            need_by.is_none(),
            need_by,
            team.id.as_str(),
            d.entry,
        )
    });
    for (row, d) in links.dependencies.iter().enumerate() {
        links
            .dependency_rows
            .entry(d.from)
            .or_default()
            .from
            .push(row);
        if let Some(to) = d.to {
            links.dependency_rows.entry(to).or_default().to.push(row);
        }
    }
    for updates in links.updates_by_team.values_mut() {
        updates.sort_by_key(|&u| match &documents[u].details {
            Details::Update(x) => std::cmp::Reverse(x.week),
            _ => std::cmp::Reverse(crate::model::Week { year: 0, week: 0 }),
        });
    }
    links
}

/// Applies [`resolve`] to every reference of every document, each distinct one once.
fn resolve_all(documents: &Documents, index: &Index) -> References {
    use rayon::prelude::*;
    let of: Vec<Vec<Resolved>> = documents
        .as_slice()
        .par_iter()
        .map(|doc| resolve_document(documents, index, doc))
        .collect();
    let mut references = References {
        of: documents.keys().zip(of).collect(),
        table: HashMap::new(),
    };
    for key in documents.keys() {
        references.tabulate(key);
    }
    references
}

/// The last link's references with the re-read documents' resolved again.
fn resolve_again(
    documents: &Documents,
    index: &Index,
    mut references: References,
    reread: &[DocId],
) -> References {
    for &i in reread {
        let again = resolve_document(documents, index, &documents[i]);
        references.of.insert(i, again);
        // The index is as it was, so an entry no document writes any more
        // still says what its target names; only new targets are added.
        references.tabulate(i);
    }
    references
}

/// One document's references, resolved: its body's in source order, then its fields'.
fn resolve_document(documents: &Documents, index: &Index, doc: &Document) -> Vec<Resolved> {
    let body = doc.source.outline.references.iter().map(|r| {
        let form = Form::from(r.form);
        Resolved {
            form,
            written: r.written.clone(),
            target: r.target.clone(),
            span: Span::new(doc.file(), r.line, r.column),
            resolution: resolve(documents, index, form, &r.target),
        }
    });
    let fields = field_references(doc).into_iter().map(|(r, kind)| {
        let form = Form::Field(kind);
        let id: Arc<str> = r.id.as_str().into();
        Resolved {
            form,
            written: id.clone(),
            target: id,
            span: r.span.clone(),
            resolution: resolve(documents, index, form, &r.id),
        }
    });
    body.chain(fields).collect()
}

impl References {
    /// Adds document `i`'s references to the table of distinct ones.
    fn tabulate(&mut self, i: DocId) {
        let Some(of) = self.of.get(&i) else { return };
        for r in of {
            let forms = self.table.entry(r.form).or_default();
            if !forms.contains_key(&*r.target) {
                forms.insert(r.target.clone(), r.resolution);
            }
        }
    }
}

/// One cycle per strongly connected component of more than one node (Tarjan), as a path.
pub fn cycles(graph: &BTreeMap<usize, Vec<usize>>) -> Vec<Vec<usize>> {
    struct Tarjan<'a> {
        graph: &'a BTreeMap<usize, Vec<usize>>,
        index: BTreeMap<usize, usize>,
        low: BTreeMap<usize, usize>,
        stack: Vec<usize>,
        on_stack: BTreeSet<usize>,
        next: usize,
        components: Vec<Vec<usize>>,
    }
    impl Tarjan<'_> {
        fn visit(&mut self, v: usize) {
            self.index.insert(v, self.next);
            self.low.insert(v, self.next);
            self.next += 1;
            self.stack.push(v);
            self.on_stack.insert(v);
            for &w in self.graph.get(&v).into_iter().flatten() {
                if !self.index.contains_key(&w) {
                    self.visit(w);
                    let lw = self.low[&w];
                    let lv = self.low.get_mut(&v).expect("visited");
                    *lv = (*lv).min(lw);
                } else if self.on_stack.contains(&w) {
                    let iw = self.index[&w];
                    let lv = self.low.get_mut(&v).expect("visited");
                    *lv = (*lv).min(iw);
                }
            }
            if self.low[&v] == self.index[&v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack.remove(&w);
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    self.components.push(component);
                }
            }
        }
    }
    let mut t = Tarjan {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        components: Vec::new(),
    };
    for &v in graph.keys() {
        if !t.index.contains_key(&v) {
            t.visit(v);
        }
    }
    // Walk each component from its smallest node to find one simple cycle through it.
    t.components
        .into_iter()
        .map(|component| {
            let members: BTreeSet<usize> = component.iter().copied().collect();
            let start = *members.iter().next().expect("non-empty");
            let mut path = vec![start];
            let mut seen = BTreeSet::from([start]);
            loop {
                let here = *path.last().expect("non-empty");
                let nexts: Vec<usize> = graph
                    .get(&here)
                    .into_iter()
                    .flatten()
                    .copied()
                    .filter(|n| members.contains(n))
                    .collect();
                if nexts.contains(&start) && path.len() > 1 {
                    return path;
                }
                match nexts.iter().find(|n| !seen.contains(n)) {
                    Some(&n) => {
                        seen.insert(n);
                        path.push(n);
                    }
                    None => return path,
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::test_site;

    const TEAM: &str =
        "## Current Priorities\n\nx\n\n## Looking for Input On\n\nx\n\n## Recent Wins\n\nx\n";

    fn team(name: &str) -> String {
        format!("---\nname: {name}\n---\n\n{TEAM}")
    }

    fn ids(site: &Site, docs: &[DocId]) -> Vec<String> {
        docs.iter().map(|&i| site.documents[i].id.clone()).collect()
    }

    /// Documents typed from `(path under content/, text)` pairs, and their index, in memory.
    fn typed(files: &[(String, String)]) -> (Documents, Index) {
        let config = crate::config::Config::default();
        let mut list: Vec<Document> = files
            .iter()
            .filter_map(|(rel, text)| {
                let file = std::path::PathBuf::from(format!("content/{rel}"));
                let (source, _) = crate::load::parse_source(file, rel.clone(), text.clone());
                crate::model::document_from_source(source?, &config).0
            })
            .collect();
        crate::model::settle_adr_ids(&mut list);
        let documents = Documents::new(list);
        let index = Index::new(documents.as_slice());
        (documents, index)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// An ADR is found by its number in every written form, and a team
        /// by its id with spaces around it; a number no ADR has, and an id
        /// no document has, are missing, never another document.
        #[test]
        fn references_resolve_to_the_document_they_name(
            n in 1u32..=99_999,
            other in 1u32..=99_999,
            zeros in 0usize..3,
            prefix in proptest::sample::select(vec!["ADR-", "adr-", "ADR", "adr_", "Adr ", "adr "]),
            team in "[a-z][a-z0-9-]{0,20}",
            pad in "[ \t]{0,2}",
        ) {
            let (documents, index) = typed(&[
                (format!("adrs/{n:04}-x.md"), "---\ntitle: X\nstatus: accepted\ndate: 2026-01-01\n---\n".into()),
                (format!("teams/{team}.md"), format!("---\nname: T\n---\n\n{TEAM}")),
            ]);
            let adr = index.get(&adr_id(n)).expect("the ADR is indexed");
            let digits = format!("{}{n}", "0".repeat(zeros));
            let written = format!("{pad}{prefix}{digits}{pad}");
            let expected = if digits.len() <= 5 { Resolution::Found(adr) } else { Resolution::Missing };
            proptest::prop_assert_eq!(resolve(&documents, &index, Form::WikiLink, &written), expected);
            proptest::prop_assert_eq!(resolve(&documents, &index, Form::Field(Kind::Adr), &written), expected);
            // A bare number names an ADR only where the field takes one.
            proptest::prop_assert_eq!(resolve(&documents, &index, Form::Field(Kind::Adr), &n.to_string()), Resolution::Found(adr));
            let bare = resolve(&documents, &index, Form::WikiLink, &n.to_string());
            proptest::prop_assert!(bare != Resolution::Found(adr));
            if other != n {
                proptest::prop_assert_eq!(resolve(&documents, &index, Form::Field(Kind::Adr), &adr_id(other)), Resolution::Missing);
            }
            let t = index.get(&team).expect("the team is indexed");
            proptest::prop_assert_eq!(resolve(&documents, &index, Form::Field(Kind::Team), &format!("{pad}{team}{pad}")), Resolution::Found(t));
            // The team where an ADR is wanted is the wrong kind, not missing.
            proptest::prop_assert_eq!(resolve(&documents, &index, Form::Field(Kind::Adr), &team), Resolution::WrongKind(t));
            proptest::prop_assert_eq!(resolve(&documents, &index, Form::Field(Kind::Team), &format!("{team}-gone")), Resolution::Missing);
        }
    }

    /// Every form of reference is resolved once, and every reader sees the same answer:
    /// commitment teams and exchange pairs count as references for backlinks and
    /// `seam list` too, not only for the broken-reference check.
    #[test]
    fn every_reader_sees_one_resolution() {
        let site = test_site(
            &[
                ("teams/alpha.md", &team("Alpha")),
                ("teams/beta.md", &team("Beta")),
                ("teams/gamma.md", &team("Gamma")),
                ("teams/delta.md", &team("Delta")),
                (
                    "alignments/plan.md",
                    "---\ntitle: Plan\nteams: [alpha, beta]\ncommitments:\n  - team: gamma\n    deliverable: x\n    date: 2026-12-01\n  - team: nobody\n    deliverable: y\n    date: 2026-12-01\n---\n\nSee [[delta]] and [[ghost]] and [the ADR](../adrs/0001-a.md).\n",
                ),
                (
                    "rotations/swap.md",
                    "---\nname: Swap\nkind: exchange\nteams: [alpha]\nmembers: [a, b]\nstart: 2026-11-02\nevery: 2w\npairs:\n  - team: delta\n    with: beta\n---\n\n## Responsibilities\n\nx\n",
                ),
                (
                    "adrs/0001-a.md",
                    "---\ntitle: A\nstatus: accepted\nteam: Alpha\n---\n\n## Context\n\nx\n\n## Decision\n\nx\n\n## Consequences\n\nx\n",
                ),
            ],
            "2026-11-20",
        );
        let gamma = site.team("gamma").unwrap();
        let delta = site.team("delta").unwrap();
        let plan = site.index.get("plan").unwrap();
        let swap = site.index.get("swap").unwrap();
        assert_eq!(ids(&site, &site.links.backlinks[&gamma]), ["plan"]);
        assert_eq!(ids(&site, &site.links.backlinks[&delta]), ["plan", "swap"]);
        // `team: Alpha` names a team id that does not exist (ids are exact).
        let adr = site.index.get("ADR-0001").unwrap();
        assert!(
            site.links
                .references
                .of(adr)
                .iter()
                .any(|r| &*r.target == "Alpha" && r.resolution == Resolution::Missing)
        );
        // The plan's references, in source order: body, then fields.
        let plan_refs: Vec<(&str, Option<&str>)> = site
            .links
            .references
            .of(plan)
            .iter()
            .map(|r| {
                (
                    &*r.target,
                    r.resolution.found().map(|i| site.documents[i].id.as_str()),
                )
            })
            .collect();
        assert_eq!(
            plan_refs,
            [
                ("delta", Some("delta")),
                ("ghost", None),
                ("adrs/0001-a.md", Some("ADR-0001")),
                ("alpha", Some("alpha")),
                ("beta", Some("beta")),
                ("gamma", Some("gamma")),
                ("nobody", None),
            ]
        );
        // `seam list` reads the same structure.
        let rows = crate::site::document_rows(&site, None);
        let row = |id: &str| rows.iter().find(|r| r.id == id).unwrap();
        assert_eq!(
            row("plan").references,
            ["ADR-0001", "alpha", "beta", "delta", "gamma"]
        );
        assert_eq!(row("swap").references, ["alpha", "beta", "delta"]);
        // The check reports exactly the references link could not resolve.
        let broken: Vec<(String, u32)> = site
            .diagnostics
            .iter()
            .filter(|d| d.code == crate::diagnostic::codes::BROKEN_REFERENCE)
            .map(|d| (crate::diagnostic::display_path(&d.span.file), d.span.line))
            .collect();
        let unresolved: Vec<(String, u32)> = site
            .documents
            .keys()
            .flat_map(|key| site.links.references.of(key))
            .filter(|r| r.resolution.found().is_none())
            .map(|r| (crate::diagnostic::display_path(&r.span.file), r.span.line))
            .collect();
        assert_eq!(broken.len(), 3, "{broken:?}");
        let mut a = broken.clone();
        let mut b = unresolved.clone();
        a.sort();
        b.sort();
        assert_eq!(a, b);
        assert!(!site.links.backlinks.contains_key(&swap));
    }

    #[test]
    fn adrs_are_named_by_number_in_any_form_and_bare_only_where_a_field_takes_one() {
        let site = test_site(
            &[(
                "adrs/0007-x.md",
                "---\ntitle: X\nstatus: accepted\n---\n\n## Context\n\nx\n\n## Decision\n\nx\n\n## Consequences\n\nx\n",
            )],
            "2026-11-20",
        );
        let adr = site.index.get("ADR-0007");
        for written in ["ADR-0007", "adr-7", "ADR7", " ADR-7 "] {
            assert_eq!(site.resolve(written, None), adr, "{written}");
        }
        assert_eq!(site.resolve("7", Some(Kind::Adr)), adr);
        assert_eq!(site.resolve("7", None), None);
        assert_eq!(
            resolve(
                &site.documents,
                &site.index,
                Form::Field(Kind::Team),
                "ADR-7"
            ),
            Resolution::WrongKind(adr.unwrap())
        );
    }

    #[test]
    fn a_teams_dependency_rows_are_those_that_name_it_in_tracker_order() {
        // Four teams, each depending on the next two (one of them missing,
        // one the team itself) with need-by dates that order rows against
        // file order.
        let names = ["a", "b", "c", "d"];
        let texts: Vec<(String, String)> = names
            .iter()
            .enumerate()
            .map(|(n, name)| {
                let entry = |on: &str, day: usize| {
                    format!("  - on: {on}\n    what: w{n}\n    need_by: 2026-12-{day:02}\n    committed: 2026-11-25\n    risk: low\n")
                };
                let next = names[(n + 1) % 4];
                let other = if n == 2 { "nobody" } else { names[(n + 2) % 4] };
                let deps = entry(next, 20 - n) + &entry(other, 10 + n) + &entry(name, 5);
                (
                    format!("teams/{name}.md"),
                    format!("---\nname: {name}\ndepends_on:\n{deps}---\n\n{TEAM}"),
                )
            })
            .collect();
        let files: Vec<(&str, &str)> = texts
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        let site = test_site(&files, "2026-11-20");
        let links = &site.links;
        assert_eq!(links.dependencies.len(), 12);
        let rows = |it: &mut dyn Iterator<Item = &DependencyLink>| -> Vec<(DocId, usize)> {
            it.map(|d| (d.from, d.entry)).collect()
        };
        let mut named = 0;
        for doc in site.documents.iter() {
            let i = doc.key;
            let all = links.dependencies.iter();
            let from = rows(&mut all.clone().filter(|d| d.from == i));
            let to = rows(&mut all.clone().filter(|d| d.to == Some(i)));
            let around = rows(&mut all.filter(|d| d.from == i || d.to == Some(i)));
            assert_eq!(rows(&mut links.dependencies_from(i)), from);
            assert_eq!(rows(&mut links.dependencies_on(i)), to);
            assert_eq!(rows(&mut links.dependencies_around(i)), around);
            named += to.len();
        }
        // Seven entries name another team: neither the self-dependencies
        // nor `nobody` resolve.
        assert_eq!(named, 7);
    }

    #[test]
    fn cycles_are_found_once_per_loop() {
        let g: BTreeMap<usize, Vec<usize>> =
            [(0, vec![1]), (1, vec![2]), (2, vec![0]), (3, vec![0])].into();
        let c = cycles(&g);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0], vec![0, 1, 2]);
        let g: BTreeMap<usize, Vec<usize>> = [(0, vec![1]), (1, vec![2])].into();
        assert!(cycles(&g).is_empty());
    }

    #[test]
    fn ties_and_loops_follow_file_paths_not_the_ids_values() {
        // Three teams whose ids (hashes of their paths) sort the other way
        // round from their paths: whatever sorted or started from ids rather
        // than places would come out reversed.
        let mut names: Vec<String> = Vec::new();
        for n in 0..1000 {
            let name = format!("t{n:03}");
            let key = DocId::of(&format!("teams/{name}.md"));
            if names
                .last()
                .is_none_or(|last| key < DocId::of(&format!("teams/{last}.md")))
            {
                names.push(name);
            }
            if names.len() == 3 {
                break;
            }
        }
        assert_eq!(
            names.len(),
            3,
            "three names whose ids fall as their paths rise"
        );
        let team = |me: usize| {
            let next = &names[(me + 1) % 3];
            format!(
                "---\nname: Same\ntags: [shared]\ndepends_on:\n  - on: {next}\n    what: x\n    need_by: 2026-12-01\n    committed: 2026-11-25\n    risk: low\n---\n\nSee [[adr-0001]].\n\n{TEAM}"
            )
        };
        let teams: Vec<(String, String)> = (0..3)
            .map(|n| (format!("teams/{}.md", names[n]), team(n)))
            .collect();
        let mut files: Vec<(&str, &str)> = teams
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        let adr = "---\ntitle: X\nstatus: accepted\n---\n\n## Context\n\nx\n\n## Decision\n\nx\n\n## Consequences\n\nx\n";
        files.push(("adrs/0001-x.md", adr));
        let site = test_site(&files, "2026-11-20");
        let adr = site.index.get("ADR-0001").expect("the ADR");
        assert_eq!(ids(&site, &site.links.backlinks[&adr]), names);
        assert_eq!(ids(&site, &site.links.tags["shared"]), names);
        // One loop through all three, started at the first by path.
        assert_eq!(site.links.dependency_cycles.len(), 1);
        assert_eq!(ids(&site, &site.links.dependency_cycles[0]), names);
        // Teams of one name are listed by path.
        let order = crate::render::views::Views::new(&site).listing_order(Kind::Team);
        assert_eq!(ids(&site, &order.documents), names);
    }
}
