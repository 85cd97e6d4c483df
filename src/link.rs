//! Stage 4: resolve references into relations the pages show.
//!
//! Turns ids into document indexes and computes what no single file says:
//! who depends on a team, which ADR replaced which (from either side), each
//! team's ADRs, alignments, rotations and updates, backlinks, tags, and the
//! assessed risk of every dependency at the build's date.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use crate::load::{Asset, ReferenceForm};
use crate::model::{Details, Document, Index, Kind, Resolution};
use crate::risk::{self, Assessment};

/// One `depends_on` entry, resolved and assessed.
#[derive(Clone, Debug)]
pub struct DependencyLink {
    /// The depending team's document.
    pub from: usize,
    /// Position of the entry in its team's `depends_on`.
    pub entry: usize,
    /// The team depended on, when it resolves.
    pub to: Option<usize>,
    /// The governing alignment, when it resolves.
    pub alignment: Option<usize>,
    /// Computed flags and risk.
    pub assessment: Assessment,
}

/// Relations between documents.
#[derive(Clone, Debug, Default)]
pub struct Links {
    /// Every dependency in the organisation, highest computed risk first, then by need-by date.
    pub dependencies: Vec<DependencyLink>,
    /// ADR → the ADRs that replace it (from either file).
    pub superseded_by: BTreeMap<usize, Vec<usize>>,
    /// ADR → the ADRs it replaces (from either file).
    pub supersedes: BTreeMap<usize, Vec<usize>>,
    /// Team → ADRs it owns or is affected by.
    pub adrs_by_team: BTreeMap<usize, Vec<usize>>,
    /// Team → alignments it is party to.
    pub alignments_by_team: BTreeMap<usize, Vec<usize>>,
    /// Team → rotations it belongs to.
    pub rotations_by_team: BTreeMap<usize, Vec<usize>>,
    /// Team → its updates, newest first.
    pub updates_by_team: BTreeMap<usize, Vec<usize>>,
    /// Document → documents that reference it.
    pub backlinks: BTreeMap<usize, Vec<usize>>,
    /// Tag → documents with it.
    pub tags: BTreeMap<String, Vec<usize>>,
    /// Teams that depend on each other in a loop: one set per loop.
    pub dependency_cycles: Vec<BTreeSet<usize>>,
}

impl Links {
    /// Whether the dependency `from → to` is part of a loop between teams.
    pub fn in_cycle(&self, from: usize, to: usize) -> bool {
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
    /// Documents sorted by file path.
    pub documents: Vec<Document>,
    /// Files copied unchanged.
    pub assets: Vec<Asset>,
    /// Documents by id and path.
    pub index: Index,
    /// Relations.
    pub links: Links,
    /// Every problem, sorted.
    pub diagnostics: Vec<crate::diagnostic::Diagnostic>,
}

impl Site {
    /// The document with this index's team id resolved, if it is a team.
    pub fn team(&self, id: &str) -> Option<usize> {
        match self.index.resolve(&self.documents, id, Some(Kind::Team)) {
            Resolution::Found(i) => Some(i),
            _ => None,
        }
    }

    /// Resolves an id of any kind.
    pub fn resolve(&self, id: &str, expect: Option<Kind>) -> Option<usize> {
        match self.index.resolve(&self.documents, id, expect) {
            Resolution::Found(i) => Some(i),
            _ => None,
        }
    }
}

/// Computes every relation between documents.
pub fn link(documents: &[Document], index: &Index, today: NaiveDate) -> Links {
    let mut links = Links::default();
    let resolve = |id: &str, kind: Option<Kind>| match index.resolve(documents, id, kind) {
        Resolution::Found(i) => Some(i),
        _ => None,
    };
    let push = |map: &mut BTreeMap<usize, Vec<usize>>, key: usize, value: usize| {
        let v = map.entry(key).or_default();
        if !v.contains(&value) {
            v.push(value);
        }
    };
    for (i, doc) in documents.iter().enumerate() {
        let mut referenced = BTreeSet::new();
        for r in &doc.source.outline.references {
            let target = match r.form {
                ReferenceForm::WikiLink => resolve(&r.target, None),
                ReferenceForm::RelativeLink => index.by_path(&r.target),
            };
            referenced.extend(target);
        }
        for tag in &doc.tags {
            links.tags.entry(tag.clone()).or_default().push(i);
        }
        match &doc.details {
            Details::Team(team) => {
                for (entry, dep) in team.depends_on.iter().enumerate() {
                    let to = resolve(&dep.on.id, Some(Kind::Team)).filter(|&t| t != i);
                    let alignment = dep
                        .alignment
                        .as_ref()
                        .and_then(|a| resolve(&a.id, Some(Kind::Alignment)));
                    referenced.extend(to);
                    referenced.extend(alignment);
                    links.dependencies.push(DependencyLink {
                        from: i,
                        entry,
                        to,
                        alignment,
                        assessment: risk::assess(dep, today),
                    });
                }
            }
            Details::Adr(adr) => {
                let teams = adr
                    .team
                    .iter()
                    .chain(&adr.affects)
                    .filter_map(|t| resolve(&t.id, Some(Kind::Team)));
                for t in teams {
                    push(&mut links.adrs_by_team, t, i);
                    referenced.insert(t);
                }
                for r in &adr.supersedes {
                    if let Some(old) = resolve(&r.id, Some(Kind::Adr)).filter(|&o| o != i) {
                        push(&mut links.supersedes, i, old);
                        push(&mut links.superseded_by, old, i);
                        referenced.insert(old);
                    }
                }
                if let Some(new) = adr
                    .superseded_by
                    .as_ref()
                    .and_then(|r| resolve(&r.id, Some(Kind::Adr)))
                    .filter(|&n| n != i)
                {
                    push(&mut links.superseded_by, i, new);
                    push(&mut links.supersedes, new, i);
                    referenced.insert(new);
                }
            }
            Details::Alignment(al) => {
                for t in al
                    .teams
                    .iter()
                    .filter_map(|t| resolve(&t.id, Some(Kind::Team)))
                {
                    push(&mut links.alignments_by_team, t, i);
                    referenced.insert(t);
                }
                referenced.extend(
                    al.adrs
                        .iter()
                        .filter_map(|a| resolve(&a.id, Some(Kind::Adr))),
                );
            }
            Details::Rotation(rot) => {
                for t in rot
                    .teams
                    .iter()
                    .filter_map(|t| resolve(&t.id, Some(Kind::Team)))
                {
                    push(&mut links.rotations_by_team, t, i);
                    referenced.insert(t);
                }
            }
            Details::Update(u) => {
                if let Some(t) = resolve(&u.team.id, Some(Kind::Team)) {
                    push(&mut links.updates_by_team, t, i);
                    referenced.insert(t);
                }
            }
            Details::Page => {}
        }
        referenced.remove(&i);
        for target in referenced {
            links.backlinks.entry(target).or_default().push(i);
        }
    }
    let mut graph: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for d in &links.dependencies {
        if let Some(to) = d.to {
            graph.entry(d.from).or_default().push(to);
        }
    }
    links.dependency_cycles = crate::check::cycles(&graph)
        .into_iter()
        .map(|c| c.into_iter().collect())
        .collect();
    // Highest computed risk first, then the soonest need-by date: the tracker's order everywhere.
    links.dependencies.sort_by_key(|d| {
        let Details::Team(team) = &documents[d.from].details else {
            unreachable!("dependencies come from teams")
        };
        let dep = &team.depends_on[d.entry];
        (
            std::cmp::Reverse(d.assessment.computed),
            dep.need_by.is_none(),
            dep.need_by,
            documents[d.from].id.clone(),
            d.entry,
        )
    });
    for updates in links.updates_by_team.values_mut() {
        updates.sort_by_key(|&u| match &documents[u].details {
            Details::Update(x) => std::cmp::Reverse(x.week),
            _ => std::cmp::Reverse(crate::model::Week { year: 0, week: 0 }),
        });
    }
    links
}
