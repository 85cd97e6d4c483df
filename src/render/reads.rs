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

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::Mutex;

use crate::link::{Form, Resolution, Site};
use crate::model::{DocId, Kind};

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
}

/// One thing an output read from the linked site.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Read {
    /// A document's own file: everything typed from it.
    Document(DocId),
    /// What linking says about a document: what its references resolve to,
    /// what refers to it, its relations (a team's ADRs, alignments,
    /// rotations, updates and dependencies both ways, an ADR's supersession),
    /// and the loops it is part of.
    Links(DocId),
    /// The problems reported in a document's file.
    Problems(DocId),
    /// What an id names, when a page resolves one: `(kind it must be, id as written)`.
    Name(Option<Kind>, String),
    /// The documents of one kind and everything in their files (a listing).
    Kind(Kind),
    /// One week's digest, as the link stage worked it out.
    Digest(crate::model::Week),
    /// A site-wide value.
    Fact(Fact),
}

/// The reads of one output, noted as it is made.
#[derive(Debug, Default)]
pub struct ReadSet(Mutex<BTreeSet<Read>>);

impl ReadSet {
    /// Notes one read.
    pub fn note(&self, read: Read) {
        self.lock().insert(read);
    }

    /// Notes every read of another set.
    pub fn extend(&self, reads: &BTreeSet<Read>) {
        self.lock().extend(reads.iter().cloned());
    }

    /// The reads noted so far.
    pub fn take(&self) -> BTreeSet<Read> {
        std::mem::take(&mut *self.lock())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeSet<Read>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A stable 64-bit hash (FNV-1a over the value's `Hash` bytes).
fn hash_of(value: &impl Hash) -> u64 {
    let mut h = fnv::FnvHasher::default();
    value.hash(&mut h);
    h.finish()
}

/// Fingerprints of reads over one linked site.
pub struct Fingerprints<'a> {
    site: &'a Site,
    links: HashMap<DocId, u64>,
    problems: HashMap<&'a std::path::Path, u64>,
}

impl<'a> Fingerprints<'a> {
    /// Prepares fingerprints of `site`; what linking says about each document is hashed in one pass.
    pub fn new(site: &'a Site) -> Self {
        let key = |i: usize| site.documents[i].key;
        let keys = |v: &[usize]| v.iter().map(|&i| key(i)).collect::<Vec<_>>();
        let resolution = |r: Resolution| match r {
            Resolution::Found(i) => (1u8, Some(key(i))),
            Resolution::Missing => (0, None),
            Resolution::WrongKind(i) => (2, Some(key(i))),
        };
        let mut hashers: HashMap<DocId, fnv::FnvHasher> = HashMap::new();
        let mut add = |doc: usize, what: &dyn Fn(&mut fnv::FnvHasher)| {
            what(hashers.entry(key(doc)).or_default());
        };
        for (i, refs) in site.links.references.of.iter().enumerate() {
            add(i, &|h| {
                0u8.hash(h);
                for r in refs {
                    (r.form, &r.target, resolution(r.resolution)).hash(h);
                }
            });
        }
        let maps = [
            (1u8, &site.links.backlinks),
            (2, &site.links.adrs_by_team),
            (3, &site.links.alignments_by_team),
            (4, &site.links.rotations_by_team),
            (5, &site.links.updates_by_team),
            (6, &site.links.supersedes),
            (7, &site.links.superseded_by),
        ];
        for (tag, map) in maps {
            for (&i, v) in map {
                let v = keys(v);
                add(i, &|h| (tag, &v).hash(h));
            }
        }
        // In tracker order, so a page listing a team's dependencies sees their order change.
        for d in &site.links.dependencies {
            let row = (
                key(d.from),
                d.entry,
                d.to.map(key),
                d.alignment.map(key),
                format!("{:?}", d.assessment),
            );
            for i in [Some(d.from), d.to, d.alignment].into_iter().flatten() {
                add(i, &|h| (8u8, &row).hash(h));
            }
        }
        for cycle in &site.links.dependency_cycles {
            let mut members = keys(cycle);
            members.sort_unstable();
            for &i in cycle {
                add(i, &|h| (9u8, &members).hash(h));
            }
        }
        for cycle in &site.links.supersession_cycles {
            let members = keys(cycle);
            for &i in cycle {
                add(i, &|h| (10u8, &members).hash(h));
            }
        }
        let mut problems: HashMap<&std::path::Path, fnv::FnvHasher> = HashMap::new();
        for p in &site.diagnostics {
            format!("{p:?}").hash(problems.entry(p.span.file.as_path()).or_default());
        }
        Fingerprints {
            site,
            links: hashers.into_iter().map(|(k, h)| (k, h.finish())).collect(),
            problems: problems.into_iter().map(|(k, h)| (k, h.finish())).collect(),
        }
    }

    /// The fingerprint of one read: equal in two sites exactly when what it names is the same.
    pub fn of(&self, read: &Read) -> u64 {
        let site = self.site;
        let doc = |key: &DocId| site.index.position(*key).map(|i| &site.documents[i]);
        match read {
            Read::Document(key) => {
                hash_of(&doc(key).map(|d| (&d.source.rel, d.source.fingerprint)))
            }
            Read::Links(key) => hash_of(&doc(key).map(|_| self.links.get(key).copied())),
            Read::Problems(key) => {
                hash_of(&doc(key).map(|d| self.problems.get(d.source.file.as_path()).copied()))
            }
            Read::Name(kind, id) => {
                let form = kind.map_or(Form::WikiLink, Form::Field);
                let named = match site.resolution(form, id) {
                    Resolution::Found(i) => (1u8, Some(site.documents[i].key)),
                    Resolution::Missing => (0, None),
                    Resolution::WrongKind(i) => (2, Some(site.documents[i].key)),
                };
                hash_of(&named)
            }
            Read::Kind(kind) => hash_of(
                &site
                    .documents
                    .iter()
                    .filter(|d| d.kind == *kind)
                    .map(|d| (d.key, d.source.fingerprint))
                    .collect::<Vec<_>>(),
            ),
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
                Fact::Census => {
                    let mut counts: BTreeMap<Kind, usize> = BTreeMap::new();
                    for d in &site.documents {
                        *counts.entry(d.kind).or_default() += 1;
                    }
                    hash_of(&counts)
                }
                Fact::Problems => hash_of(
                    &site
                        .diagnostics
                        .iter()
                        .map(|d| format!("{d:?}"))
                        .collect::<Vec<_>>(),
                ),
                Fact::Dependencies => {
                    let key = |i: usize| site.documents[i].key;
                    hash_of(&(
                        site.links
                            .dependencies
                            .iter()
                            .map(|d| {
                                (
                                    key(d.from),
                                    d.entry,
                                    d.to.map(key),
                                    d.alignment.map(key),
                                    format!("{:?}", d.assessment),
                                )
                            })
                            .collect::<Vec<_>>(),
                        site.links
                            .dependency_cycles
                            .iter()
                            .map(|c| c.iter().map(|&i| key(i)).collect::<Vec<_>>())
                            .collect::<Vec<_>>(),
                    ))
                }
                Fact::Tags => hash_of(
                    &site
                        .links
                        .tags
                        .iter()
                        .map(|(t, docs)| {
                            (
                                t,
                                docs.iter()
                                    .map(|&i| site.documents[i].key)
                                    .collect::<Vec<_>>(),
                            )
                        })
                        .collect::<Vec<_>>(),
                ),
                Fact::Weeks => hash_of(&site.digests.iter().map(|d| d.week).collect::<Vec<_>>()),
                Fact::Outputs => hash_of(
                    &super::plan(site)
                        .into_iter()
                        .map(|j| j.path)
                        .collect::<Vec<_>>(),
                ),
            },
        }
    }
}

/// A digest with every document named by its [`DocId`], as text to hash.
fn digest_key(site: &Site, d: &crate::digest::Digest) -> String {
    let key = |i: &usize| site.documents[*i].key;
    let dep = |n: &usize| {
        let d = &site.links.dependencies[*n];
        (key(&d.from), d.entry)
    };
    format!(
        "{:?}",
        (
            (d.week, d.as_of, d.current),
            d.updates
                .iter()
                .map(|u| (key(&u.team), key(&u.update)))
                .collect::<Vec<_>>(),
            d.missing.iter().map(key).collect::<Vec<_>>(),
            d.decisions
                .iter()
                .map(|x| (key(&x.adr), x.reason))
                .collect::<Vec<_>>(),
            d.open_for_comment.iter().map(key).collect::<Vec<_>>(),
            d.watch.iter().map(dep).collect::<Vec<_>>(),
            d.due_soon.iter().map(dep).collect::<Vec<_>>(),
            d.alignments
                .iter()
                .map(|(i, c)| (key(i), *c))
                .collect::<Vec<_>>(),
            d.past_review.iter().map(key).collect::<Vec<_>>(),
            d.rotations.iter().map(key).collect::<Vec<_>>(),
            d.health
                .iter()
                .map(|h| (h.team.as_ref().map(key), h.errors, h.warnings, &h.codes))
                .collect::<Vec<_>>(),
        )
    )
}

/// Every document a digest names (positions in `site.documents`).
pub fn digest_documents(d: &crate::digest::Digest) -> Vec<usize> {
    let mut docs: Vec<usize> = Vec::new();
    docs.extend(d.updates.iter().flat_map(|u| [u.team, u.update]));
    docs.extend(&d.missing);
    docs.extend(d.decisions.iter().map(|x| x.adr));
    docs.extend(&d.open_for_comment);
    docs.extend(d.alignments.iter().map(|(i, _)| *i));
    docs.extend(&d.past_review);
    docs.extend(&d.rotations);
    docs.extend(d.health.iter().filter_map(|h| h.team));
    docs
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
    let changed: std::collections::HashSet<&Read> = distinct
        .into_par_iter()
        .filter(|r| before.of(r) != after.of(r))
        .collect();
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

    use crate::testing::Rng;

    fn date(rng: &mut Rng) -> String {
        format!("2026-{:02}-{:02}", 9 + rng.below(4), 1 + rng.below(28))
    }

    const TEAM_SECTIONS: &str = "## Current Priorities\n\nShip it.\n\n## Looking for Input On\n\nNothing.\n\n## Recent Wins\n\nSome.\n";
    const ADR_SECTIONS: &str =
        "## Context\n\nWhy.\n\n## Decision\n\nWhat.\n\n## Consequences\n\nSo.\n";
    const ALIGNMENT_SECTIONS: &str = "## Ownership Map\n\nx\n\n## Interface Definitions\n\nx\n\n## Timeline Commitments\n\nx\n\n## Slip Protocol\n\nx\n\n## Escalation Path\n\nx\n";

    fn team(rng: &mut Rng, n: usize, teams: usize) -> String {
        let mut deps = String::new();
        for _ in 0..rng.below(3) {
            let on = rng.below(teams);
            deps.push_str(&format!(
                "  - on: t{on}\n    what: Thing {}\n    need_by: {}\n    committed: {}\n    status: in-progress\n    updated: {}\n",
                rng.below(9),
                date(rng),
                date(rng),
                date(rng)
            ));
        }
        let deps = if deps.is_empty() {
            String::new()
        } else {
            format!("depends_on:\n{deps}")
        };
        format!(
            "---\nname: Team {n}\ntags: [{}]\n{deps}---\n\nWe work with [[t{}]] on [[ADR-000{}]].\n\n{TEAM_SECTIONS}",
            rng.pick(&["core", "edge", "data"]),
            rng.below(teams),
            1 + rng.below(6)
        )
    }

    fn adr(rng: &mut Rng, n: usize, teams: usize) -> String {
        let supersedes = if n > 1 && rng.below(3) == 0 {
            format!("supersedes: [ADR-{}]\n", 1 + rng.below(n - 1))
        } else {
            String::new()
        };
        format!(
            "---\ntitle: Decision {n}\nstatus: {}\ndate: {}\nteam: t{}\naffects: [t{}]\ntags: [{}]\n{supersedes}---\n\nSee [[t{}]] and [the first](0001-d.md).\n\n{ADR_SECTIONS}",
            rng.pick(&["accepted", "proposed", "deprecated"]),
            date(rng),
            rng.below(teams),
            rng.below(teams),
            rng.pick(&["core", "api", "data"]),
            rng.below(teams),
        )
    }

    /// A generated docs repo: teams with dependencies, ADRs that supersede
    /// each other, alignments, rotations, updates and pages, all cross-linked.
    fn repo(rng: &mut Rng) -> BTreeMap<String, String> {
        let teams = 6;
        let mut files = BTreeMap::new();
        for n in 0..teams {
            files.insert(format!("teams/t{n}.md"), team(rng, n, teams));
        }
        for n in 1..=6 {
            let name = if n == 1 {
                "0001-d.md".to_string()
            } else {
                format!("000{n}-decision.md")
            };
            files.insert(format!("adrs/{name}"), adr(rng, n, teams));
        }
        for n in 0..2 {
            files.insert(
                format!("alignments/a{n}.md"),
                format!(
                    "---\ntitle: Alignment {n}\nteams: [t{}, t{}]\nreview_by: {}\nadrs: [ADR-000{}]\ncommitments:\n  - {{ team: t{}, deliverable: Part, date: {} }}\n---\n\nWith [[t0]].\n\n{ALIGNMENT_SECTIONS}",
                    n,
                    n + 2,
                    date(rng),
                    1 + rng.below(6),
                    n + 2,
                    date(rng)
                ),
            );
        }
        files.insert(
            "rotations/on-call.md".into(),
            "---\nname: On call\nteams: [t0, t1]\nmembers: [Ana, Ben, Cy]\nstart: 2026-09-07\nevery: 1w\n---\n\n## Responsibilities\n\nAnswer [[t0]].\n".into(),
        );
        files.insert(
            "rotations/exchange.md".into(),
            "---\nname: Exchange\nkind: exchange\nteams: [t2, t3, t4]\nmembers: [Di, Ed]\nstart: 2026-09-07\nevery: 2w\npairing: round-robin\n---\n\n## Responsibilities\n\nSwap.\n".into(),
        );
        for (week, t) in [("2026-W46", 0), ("2026-W47", 1), ("2026-W47", 2)] {
            files.insert(
                format!("updates/{week}/t{t}.md"),
                format!("---\n---\n\n## Shipped\n\nA thing with [[t{t}]].\n"),
            );
        }
        files.insert(
            "handbook/guide.md".into(),
            "---\ntitle: Guide\ntags: [core]\n---\n\nRead [[ADR-0002]] and [[t3]].\n".into(),
        );
        files
    }

    /// One random edit of the kinds an author makes; returns what it did.
    fn edit(rng: &mut Rng, files: &mut BTreeMap<String, String>, serial: usize) -> String {
        let paths: Vec<String> = files.keys().cloned().collect();
        let path = rng.pick(&paths).clone();
        let text = files[&path].clone();
        let (front, body) = text
            .strip_prefix("---\n")
            .and_then(|t| t.split_once("\n---\n"))
            .map(|(f, b)| (f.to_string(), b.to_string()))
            .unwrap_or_default();
        let join = |front: &str, body: &str| format!("---\n{front}\n---\n{body}");
        let lines: Vec<&str> = front.lines().collect();
        match rng.below(10) {
            0 => {
                files.insert(path.clone(), format!("{text}\nMore words {serial}.\n"));
                format!("body text of {path}")
            }
            1 => {
                let front: Vec<String> = lines
                    .iter()
                    .map(|l| {
                        if l.starts_with("title: ") || l.starts_with("name: ") {
                            format!("{} Renamed {serial}", l)
                        } else {
                            l.to_string()
                        }
                    })
                    .collect();
                files.insert(path.clone(), join(&front.join("\n"), &body));
                format!("title of {path}")
            }
            2 => {
                // A front matter field: a date, or an ADR's status.
                let date = date(rng);
                let status = rng.pick(&["accepted", "proposed", "superseded", "rejected"]);
                let front: Vec<String> = lines
                    .iter()
                    .map(|l| {
                        if let Some((k, v)) = l.split_once(": ")
                            && v.len() == 10
                            && v.starts_with("2026-")
                        {
                            format!("{k}: {date}")
                        } else if l.starts_with("status: ") && path.starts_with("adrs/") {
                            format!("status: {status}")
                        } else {
                            l.to_string()
                        }
                    })
                    .collect();
                files.insert(path.clone(), join(&front.join("\n"), &body));
                format!("dates and status of {path}")
            }
            3 => {
                let target = rng.pick(&["t0", "t5", "ADR-0003", "guide", "nobody", "a1"]);
                files.insert(path.clone(), format!("{text}\nSee [[{target}]].\n"));
                format!("reference to {target} added to {path}")
            }
            4 => {
                let Some(start) = body.find("[[") else {
                    return format!("nothing to remove in {path}");
                };
                let end = body[start..]
                    .find("]]")
                    .map_or(body.len(), |e| start + e + 2);
                let body = format!("{}{}", &body[..start], &body[end..]);
                files.insert(path.clone(), join(&front, &body));
                format!("first reference removed from {path}")
            }
            5 => {
                let (new, text) = match rng.below(3) {
                    0 => (
                        format!("teams/n{serial}.md"),
                        team(rng, 10 + serial, 6).replace("Team ", "New team "),
                    ),
                    1 => (
                        format!("adrs/00{}-new.md", 10 + serial),
                        adr(rng, 10 + serial, 6),
                    ),
                    _ => (
                        format!("handbook/p{serial}.md"),
                        format!("---\ntitle: Page {serial}\ntags: [new]\n---\n\nAbout [[t1]].\n"),
                    ),
                };
                files.insert(new.clone(), text);
                format!("created {new}")
            }
            6 => {
                files.remove(&path);
                format!("deleted {path}")
            }
            7 => {
                let renamed = match path.rsplit_once('/') {
                    Some((dir, name)) if dir == "adrs" => {
                        format!("{dir}/{}-renamed-{serial}.md", &name[..4])
                    }
                    Some((dir, _)) => format!("{dir}/r{serial}.md"),
                    None => format!("r{serial}.md"),
                };
                let text = files.remove(&path).unwrap_or_default();
                files.insert(renamed.clone(), text);
                format!("renamed {path} to {renamed}")
            }
            8 => {
                let tag = rng.pick(&["core", "api", "fresh"]);
                let front: Vec<String> = if lines.iter().any(|l| l.starts_with("tags: ")) {
                    lines
                        .iter()
                        .map(|l| {
                            if l.starts_with("tags: ") {
                                format!("tags: [{tag}]")
                            } else {
                                l.to_string()
                            }
                        })
                        .collect()
                } else {
                    lines
                        .iter()
                        .map(|l| l.to_string())
                        .chain([format!("tags: [{tag}]")])
                        .collect()
                };
                files.insert(path.clone(), join(&front.join("\n"), &body));
                format!("tags of {path}")
            }
            _ => {
                let teams: Vec<&String> =
                    paths.iter().filter(|p| p.starts_with("teams/")).collect();
                let Some(team_path) = teams.get(rng.below(teams.len())).map(|p| p.to_string())
                else {
                    return "no team to change".into();
                };
                let on = rng.pick(&["t0", "t1", "t2", "t3", "t4", "t5", "ghost"]);
                let text = &files[&team_path];
                let entry = format!(
                    "  - on: {on}\n    what: Added {serial}\n    need_by: {}\n    committed: TBD\n",
                    date(rng)
                );
                let changed = if text.contains("depends_on:\n") {
                    text.replacen("depends_on:\n", &format!("depends_on:\n{entry}"), 1)
                } else {
                    text.replacen("---\n", &format!("---\ndepends_on:\n{entry}"), 1)
                };
                files.insert(team_path.clone(), changed);
                format!("dependency on {on} added to {team_path}")
            }
        }
    }

    fn write(root: &Path, files: &BTreeMap<String, String>) {
        let content = root.join("content");
        if content.exists() {
            std::fs::remove_dir_all(&content).unwrap();
        }
        for (rel, text) in files {
            let p = content.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
    }

    type Built = (Site, BTreeMap<String, (Vec<u8>, BTreeSet<Read>)>);

    fn build(root: &Path) -> Built {
        let options = crate::site::Options {
            root: root.to_path_buf(),
            today: Some("2026-11-20".parse().unwrap()),
            base_url: None,
            source_date_epoch: None,
            digests: crate::site::Digests::All,
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
