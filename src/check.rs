//! Stage 3: every rule of SPEC §2–§4 that looks across fields or documents.
//!
//! Field-level problems were found while typing (`model`); here are required
//! sections, references, duplicate ids and ADR numbers, supersession,
//! alignment rules, dependency flags and cycles. Nothing is printed: the
//! result is a list of diagnostics, and documents are never changed.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Span, codes, display_path};
use crate::load::ReferenceForm;
use crate::model::{
    AdrStatus, AdrStatusWord, AlignmentStatus, Details, Document, Index, Kind, Reference,
    Resolution,
};
use crate::risk::{self, Flag};

/// Words above which an alignment is too long to be read in a meeting.
pub const ALIGNMENT_MAX_WORDS: usize = 1000;

/// The sections of a weekly update; it needs at least one.
pub const UPDATE_SECTIONS: [&str; 4] = [
    "Shipped",
    "Working On",
    "Looking for Input On|Looking for Input",
    "Blockers",
];

/// Runs every rule over the documents at the build's date.
pub fn check(
    documents: &[Document],
    index: &Index,
    config: &Config,
    today: NaiveDate,
) -> Vec<Diagnostic> {
    let mut diagnostics: Vec<Diagnostic> = documents
        .par_iter()
        .flat_map_iter(|doc| check_document(doc, documents, index, config, today))
        .collect();
    diagnostics.extend(check_duplicates(documents, index));
    diagnostics.extend(check_supersession(documents, index));
    diagnostics.extend(check_dependency_cycles(documents, index));
    diagnostics
}

/// Lowercase words of a heading, without punctuation: how section names are compared.
pub fn normalise_heading(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether a document has a level-2 heading matching any alias of `section` (`A|B`).
pub fn has_section(doc: &Document, section: &str) -> bool {
    let aliases: Vec<String> = section.split('|').map(normalise_heading).collect();
    doc.source
        .outline
        .headings
        .iter()
        .filter(|h| h.level == 2)
        .any(|h| aliases.contains(&normalise_heading(&h.text)))
}

fn section_name(section: &str) -> &str {
    section.split('|').next().unwrap_or(section).trim()
}

fn check_document<'a>(
    doc: &'a Document,
    documents: &[Document],
    index: &Index,
    config: &Config,
    today: NaiveDate,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let file = doc.file();
    for section in config.required_sections(doc.kind) {
        if !has_section(doc, &section) {
            let name = section_name(&section);
            out.push(
                Diagnostic::error(
                    codes::MISSING_SECTION,
                    Span::file_start(file),
                    format!("this {} has no `## {name}` section", doc.kind),
                )
                .with_hint(section_hint(&section)),
            );
        }
    }
    for section in config.recommended_sections(doc.kind) {
        if !has_section(doc, &section) {
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
    for r in &doc.source.outline.references {
        let span = Span::new(file, r.line, r.column);
        match r.form {
            ReferenceForm::WikiLink => {
                if index.resolve(documents, &r.target, None) == Resolution::Missing {
                    out.push(broken(span, &r.written, &r.target, None));
                }
            }
            ReferenceForm::RelativeLink => {
                if index.by_path(&r.target).is_none() {
                    out.push(
                        Diagnostic::error(
                            codes::BROKEN_REFERENCE,
                            span,
                            format!(
                                "the link `{}` points at {}, which is not a document",
                                r.written, r.target
                            ),
                        )
                        .with_hint(
                            "fix the path (relative to this file), or link by id with [[id]]",
                        ),
                    );
                }
            }
        }
    }
    let mut refs: Vec<(&Reference, Kind)> = Vec::new();
    let mut field = |r: &'a Reference, kind: Kind| refs.push((r, kind));
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
                } else {
                    field(&dep.on, Kind::Team);
                }
                if let Some(a) = &dep.alignment {
                    field(a, Kind::Alignment);
                }
            }
        }
        Details::Adr(adr) => {
            if let Some(t) = &adr.team {
                field(t, Kind::Team);
            }
            for t in &adr.affects {
                field(t, Kind::Team);
            }
            for a in adr.supersedes.iter().chain(&adr.superseded_by) {
                field(a, Kind::Adr);
            }
        }
        Details::Alignment(al) => {
            for t in &al.teams {
                field(t, Kind::Team);
            }
            for a in &al.adrs {
                field(a, Kind::Adr);
            }
            for c in &al.commitments {
                field(&c.team, Kind::Team);
            }
        }
        Details::Rotation(rot) => {
            for t in &rot.teams {
                field(t, Kind::Team);
            }
            for p in &rot.pairs {
                field(&p.team, Kind::Team);
                field(&p.with, Kind::Team);
            }
        }
        Details::Update(u) => field(&u.team, Kind::Team),
        Details::Page => {}
    }
    out.extend(
        refs.into_iter()
            .filter_map(|(r, kind)| check_reference(documents, index, r, kind)),
    );
    match &doc.details {
        Details::Team(team) => {
            for dep in &team.depends_on {
                let assessment = risk::assess(dep, today);
                for flag in &assessment.flags {
                    out.push(flag_diagnostic(*flag, dep, today));
                }
                if assessment.optimistic
                    && let Some(owner) = dep.risk
                {
                    out.push(
                        Diagnostic::warning(
                            codes::OPTIMISTIC_RISK,
                            dep.span.clone(),
                            format!(
                                "the dependency on `{}` is marked {owner} risk, but its dates say {}",
                                dep.on.id, assessment.computed
                            ),
                        )
                        .with_hint("raise `risk:`, or update the dates and status so they show why it is safe"),
                    );
                }
            }
        }
        Details::Alignment(al) => {
            let parties: BTreeSet<String> = al
                .teams
                .iter()
                .map(|t| canonical_team(documents, index, &t.id))
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
                if !parties.contains(&canonical_team(documents, index, &c.team.id)) {
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

fn canonical_team(documents: &[Document], index: &Index, id: &str) -> String {
    match index.resolve(documents, id, Some(Kind::Team)) {
        Resolution::Found(i) => documents[i].id.clone(),
        _ => id.to_string(),
    }
}

fn broken(span: Span, written: &str, target: &str, expect: Option<Kind>) -> Diagnostic {
    let what = expect.map(|k| k.as_str()).unwrap_or("document");
    Diagnostic::error(
        codes::BROKEN_REFERENCE,
        span,
        format!("`{written}` does not name any {what}: no {what} has the id `{target}`"),
    )
    .with_hint("check the spelling; `seam list` shows every id")
}

/// Resolves a front matter reference that must name a document of `kind`.
fn check_reference(
    documents: &[Document],
    index: &Index,
    r: &Reference,
    kind: Kind,
) -> Option<Diagnostic> {
    match index.resolve(documents, &r.id, Some(kind)) {
        Resolution::Found(_) => None,
        Resolution::Missing => Some(broken(r.span.clone(), &r.id, &r.id, Some(kind))),
        Resolution::WrongKind(i) => Some(
            Diagnostic::error(
                codes::BROKEN_REFERENCE,
                r.span.clone(),
                format!(
                    "`{}` is a {}, but this field takes a {kind}",
                    r.id, documents[i].kind
                ),
            )
            .with_hint(format!("name a {kind} here")),
        ),
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

fn check_duplicates(documents: &[Document], index: &Index) -> Vec<Diagnostic> {
    index
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
                .with_hint("give this ADR the next free number (`seam new adr` picks it)")
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

/// Edges `older → newer` from both `supersedes` and `superseded_by`, resolved.
fn supersession_edges(documents: &[Document], index: &Index) -> BTreeSet<(usize, usize)> {
    let mut edges = BTreeSet::new();
    for (i, doc) in documents.iter().enumerate() {
        let Details::Adr(adr) = &doc.details else {
            continue;
        };
        for r in &adr.supersedes {
            if let Resolution::Found(old) = index.resolve(documents, &r.id, Some(Kind::Adr))
                && old != i
            {
                edges.insert((old, i));
            }
        }
        if let Some(r) = &adr.superseded_by
            && let Resolution::Found(new) = index.resolve(documents, &r.id, Some(Kind::Adr))
            && new != i
        {
            edges.insert((i, new));
        }
    }
    edges
}

fn check_supersession(documents: &[Document], index: &Index) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let edges = supersession_edges(documents, index);
    let successors: BTreeMap<usize, Vec<usize>> =
        edges.iter().fold(BTreeMap::new(), |mut m, &(a, b)| {
            m.entry(a).or_default().push(b);
            m
        });
    for (i, doc) in documents.iter().enumerate() {
        let Details::Adr(adr) = &doc.details else {
            continue;
        };
        let has_successor = successors.contains_key(&i);
        if adr.status == Some(AdrStatus::Known(AdrStatusWord::Superseded))
            && !has_successor
            && adr.superseded_by.is_none()
        {
            out.push(
                Diagnostic::error(
                    codes::SUPERSEDED_WITHOUT_SUCCESSOR,
                    adr.status_span.clone(),
                    format!("{} is superseded, but no ADR replaces it", doc.id),
                )
                .with_hint(
                    "add `superseded_by: ADR-NNNN`, or `supersedes: [this ADR]` on its successor",
                ),
            );
        }
        for &new in successors.get(&i).into_iter().flatten() {
            let recorded = adr.superseded_by.as_ref().is_some_and(|r| {
                index.resolve(documents, &r.id, Some(Kind::Adr)) == Resolution::Found(new)
            });
            if !recorded {
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
    for cycle in cycles(&successors) {
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
        let names: Vec<&str> = rotate_to(&cycle, first)
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

fn check_dependency_cycles(documents: &[Document], index: &Index) -> Vec<Diagnostic> {
    let mut graph: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, doc) in documents.iter().enumerate() {
        let Details::Team(team) = &doc.details else {
            continue;
        };
        for dep in &team.depends_on {
            if let Resolution::Found(j) = index.resolve(documents, &dep.on.id, Some(Kind::Team))
                && j != i
            {
                graph.entry(i).or_default().push(j);
            }
        }
    }
    let mut out = Vec::new();
    for cycle in cycles(&graph) {
        let first = *cycle
            .iter()
            .min_by_key(|&&i| &documents[i].id)
            .expect("non-empty cycle");
        let cycle = rotate_to(&cycle, first);
        let Details::Team(team) = &documents[first].details else {
            continue;
        };
        let next = &documents[cycle[1 % cycle.len()]].id;
        let span = team
            .depends_on
            .iter()
            .find(|d| canonical_team(documents, index, &d.on.id) == *next)
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

fn rotate_to(cycle: &[usize], first: usize) -> Vec<usize> {
    let pos = cycle.iter().position(|&i| i == first).unwrap_or(0);
    cycle[pos..].iter().chain(&cycle[..pos]).copied().collect()
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
}
