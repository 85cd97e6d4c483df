//! The weekly digest (SPEC §6): what a week held, chosen from the linked site.
//!
//! A [`Digest`] holds document indexes, not text: rendering it as a page, a
//! feed entry or an email is the render stage's job. Every section is empty
//! when there is nothing to say, and the renderers leave empty sections out.
//!
//! "Now" for a digest is its `as_of` date: the build's date for the build's
//! own week, the Sunday of the week for earlier weeks. Seam only has the
//! documents as they are today, so the parts that describe the present
//! (dependency watch, open comment periods, doc health) are only filled in
//! for the build's own week.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use rayon::prelude::*;

use crate::diagnostic::{Severity, codes};
use crate::link::Site;
use crate::model::{
    AdrStatus, AdrStatusWord, AlignmentStatus, DependencyStatus, Details, DocId, IdMap, Kind, Week,
};
use crate::risk::Flag;
use crate::schedule::{self, Shift};

/// How many days ahead the dependency watch looks for need-by dates.
pub const DUE_WITHIN_DAYS: u64 = 14;

/// Why a digest cannot be made for a week.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DigestError {
    /// The week starts after the build's date.
    #[error(
        "{week} has not started at the build's date ({today}, in {current}); pass --today to date the build inside it"
    )]
    Future {
        /// The week asked for.
        week: Week,
        /// The build's date.
        today: NaiveDate,
        /// The build's week.
        current: Week,
    },
}

/// One team's update for the week.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeamUpdate {
    /// The team's document.
    pub team: DocId,
    /// The update's document.
    pub update: DocId,
}

/// Why an ADR is among the week's decisions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DecisionReason {
    /// Its `date` falls in the week.
    Dated,
    /// Its `status_changed` falls in the week (and its `date` does not).
    StatusChanged,
}

/// An ADR decided, proposed or changed in the week.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    /// The ADR's document.
    pub adr: DocId,
    /// Why it is listed.
    pub reason: DecisionReason,
}

/// How an alignment changed in the week.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AlignmentChange {
    /// Its `date` falls in the week.
    New,
    /// Its `updated` falls in the week.
    Changed,
}

/// One rotation's duty over the week and the next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RotationWeeks {
    /// The rotation's document.
    pub rotation: DocId,
    /// Stretches of duty overlapping the week, in order.
    pub this_week: Vec<Shift>,
    /// Stretches of duty overlapping the following week, in order.
    pub next_week: Vec<Shift>,
}

/// The doc problems of one team's documents.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TeamHealth {
    /// The team's document, or `None` for documents of no team.
    pub team: Option<DocId>,
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// How many problems of each code, most frequent first.
    pub codes: Vec<(&'static str, usize)>,
}

/// Everything the digest of one ISO week says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Digest {
    /// The week.
    pub week: Week,
    /// The date the digest speaks from.
    pub as_of: NaiveDate,
    /// Whether this is the build's own week (with the present-tense sections).
    pub current: bool,
    /// Each team's update for the week, by team name.
    pub updates: Vec<TeamUpdate>,
    /// Teams with no update for the week, by name.
    pub missing: Vec<DocId>,
    /// ADRs dated in the week or whose status changed in it, newest first.
    pub decisions: Vec<Decision>,
    /// Proposed ADRs whose comment period is still open, closing soonest first.
    pub open_for_comment: Vec<DocId>,
    /// Indexes into `site.links.dependencies` that are late, blocked, overdue,
    /// unconfirmed or stale, in tracker order.
    pub watch: Vec<usize>,
    /// Indexes into `site.links.dependencies` needed within [`DUE_WITHIN_DAYS`]
    /// and not done, earliest first.
    pub due_soon: Vec<usize>,
    /// Alignments written or changed in the week.
    pub alignments: Vec<(DocId, AlignmentChange)>,
    /// Alignments, not closed, past their `review_by` date.
    pub past_review: Vec<DocId>,
    /// Rotations running in the week or the next, by name; see [`rotation_weeks`]
    /// for who is on duty in each (worked out only for the rotations shown).
    pub rotations: Vec<DocId>,
    /// Doc problems by team (not the dependency flags, which the watch covers),
    /// the teams with the most errors first.
    pub health: Vec<TeamHealth>,
}

impl Digest {
    /// Whether every section is empty.
    pub fn is_empty(&self) -> bool {
        self.updates.is_empty()
            && self.decisions.is_empty()
            && self.open_for_comment.is_empty()
            && self.watch.is_empty()
            && self.due_soon.is_empty()
            && self.alignments.is_empty()
            && self.past_review.is_empty()
            && self.rotations.is_empty()
            && self.health.is_empty()
    }
}

/// Problem codes that belong to the dependency watch, not to doc health.
const DEPENDENCY_CODES: &[&str] = &[
    codes::LATE,
    codes::NO_BUFFER,
    codes::UNCONFIRMED,
    codes::OVERDUE,
    codes::STALE,
    codes::OPTIMISTIC_RISK,
    codes::DEPENDENCY_CYCLE,
];

/// Makes the digests of many weeks, sorting and grouping what every week needs once.
pub struct Digester<'a> {
    site: &'a Site,
    /// Each team's, rotation's and alignment's place when sorted by
    /// title (ignoring case), then id.
    rank: IdMap<usize>,
    /// Teams, by name.
    teams: Vec<DocId>,
    /// Rotations that run, by name, with the date of their first turn.
    rotations: Vec<(DocId, Option<NaiveDate>)>,
    /// Week → the ADRs dated or changing status in it, in file order.
    adrs_by_week: HashMap<Week, Vec<DocId>>,
    /// Week → the alignments dated or updated in it, in file order.
    alignments_by_week: HashMap<Week, Vec<DocId>>,
    /// Every ADR and every alignment, in file order.
    adrs: Vec<DocId>,
    alignments: Vec<DocId>,
    /// (team, week) → the team's first update of that week, in its newest-first order.
    updates: HashMap<(DocId, Week), DocId>,
}

impl<'a> Digester<'a> {
    /// Prepares digests of `site`.
    pub fn new(site: &'a Site) -> Self {
        let docs = &site.documents;
        // Only teams, rotations and alignments are listed by title.
        let mut by_title: Vec<DocId> = docs
            .iter()
            .filter(|d| matches!(d.kind, Kind::Team | Kind::Rotation | Kind::Alignment))
            .map(|d| d.key)
            .collect();
        by_title.sort_by_cached_key(|&i| (docs[i].title.to_lowercase(), &docs[i].id));
        let rank = by_title.iter().enumerate().map(|(r, &i)| (i, r)).collect();
        let teams = by_title
            .iter()
            .copied()
            .filter(|&i| docs[i].kind == Kind::Team)
            .collect();
        let rotations = by_title
            .iter()
            .filter_map(|&i| {
                let Details::Rotation(r) = &docs[i].details else {
                    return None;
                };
                let runs = !r.members.is_empty() || !schedule::exchange_pairs(r, 0).is_empty();
                Some((
                    i,
                    runs.then(|| schedule::handoff(r, 0).map(|first| first.date_naive()))
                        .flatten(),
                ))
            })
            .collect();
        // Each week's digest looks only at the documents of that week.
        let mut adrs_by_week: HashMap<Week, Vec<DocId>> = HashMap::new();
        let mut alignments_by_week: HashMap<Week, Vec<DocId>> = HashMap::new();
        let (mut adrs, mut alignments) = (Vec::new(), Vec::new());
        for d in docs {
            let i = d.key;
            let (dates, by_week, all) = match &d.details {
                Details::Adr(a) => ([a.date, a.status_changed], &mut adrs_by_week, &mut adrs),
                Details::Alignment(a) => (
                    [a.date, a.updated],
                    &mut alignments_by_week,
                    &mut alignments,
                ),
                _ => continue,
            };
            all.push(i);
            let weeks: BTreeSet<Week> = dates.into_iter().flatten().map(Week::of).collect();
            for week in weeks {
                by_week.entry(week).or_default().push(i);
            }
        }
        let mut updates = HashMap::new();
        for (&team, us) in &site.links.updates_by_team {
            for &u in us {
                if let Details::Update(x) = &docs[u].details {
                    updates.entry((team, x.week)).or_insert(u);
                }
            }
        }
        Digester {
            site,
            rank,
            teams,
            rotations,
            adrs_by_week,
            alignments_by_week,
            adrs,
            alignments,
            updates,
        }
    }

    /// The digest of `week`, or an error for a week after the build's date.
    pub fn digest(&self, week: Week) -> Result<Digest, DigestError> {
        digest_with(self, week)
    }

    /// Every published digest, newest first (see [`weeks`]), made in parallel.
    pub fn digests(&self) -> Vec<Digest> {
        let current = Week::of(self.site.today);
        let mut with_content = weeks_with_content(self.site);
        with_content.retain(|w| *w <= current);
        let current_has_content = with_content.contains(&current);
        with_content.insert(current);
        let weeks: Vec<Week> = with_content.into_iter().rev().collect();
        let mut digests: Vec<Digest> = weeks
            .par_iter()
            .filter_map(|&w| self.digest(w).ok())
            .collect();
        digests.retain(|d| !d.current || current_has_content || !d.is_empty());
        digests
    }

    /// [`Digester::digests`], given the last build's: valid when every
    /// document gives past weeks what it gave then ([`past_shape`]) and the
    /// relations between documents are as they were. Past weeks' digests are
    /// kept; the build's own week, which also reads the dependencies, the
    /// problems and the statuses, is made again.
    pub fn digests_keeping_past(&self, last: Vec<Digest>) -> Vec<Digest> {
        let current = Week::of(self.site.today);
        let mut digests: Vec<Digest> = last.into_iter().filter(|d| !d.current).collect();
        if let Ok(d) = self.digest(current)
            && (weeks_with_content(self.site).contains(&current) || !d.is_empty())
        {
            digests.insert(0, d);
        }
        digests
    }
}

/// The weeks some document is dated in (an update's week, an ADR's or an
/// alignment's dates).
fn weeks_with_content(site: &Site) -> BTreeSet<Week> {
    let mut weeks = BTreeSet::new();
    for d in &site.documents {
        let dates = match &d.details {
            Details::Update(u) => [Some(u.week.monday()), None],
            Details::Adr(a) => [a.date, a.status_changed],
            Details::Alignment(a) => [a.date, a.updated],
            _ => [None, None],
        };
        weeks.extend(dates.into_iter().flatten().map(Week::of));
    }
    weeks
}

/// What the digests of past weeks read from one document's own file,
/// hashed, or `None` when that is not worked out (a rotation's schedule).
/// What they read through the relations between documents (a team's
/// updates) is not in it.
pub fn past_shape(doc: &crate::model::Document) -> Option<u64> {
    use crate::model::stable_hash;
    let shape = match &doc.details {
        // An ADR's title and status show only in the build's own week, or
        // come from its page, not from the digest worked out here.
        Details::Adr(a) => stable_hash(&(a.date, a.status_changed)),
        // Teams and alignments are listed by title.
        Details::Team(_) => stable_hash(&doc.title.to_lowercase()),
        Details::Alignment(a) => stable_hash(&(doc.title.to_lowercase(), a.date, a.updated)),
        Details::Update(u) => stable_hash(&u.week),
        Details::Page => 0,
        Details::Rotation(_) => return None,
    };
    Some(crate::model::stable_hash(&(doc.kind, shape)))
}

/// The digest of `week`, or an error for a week after the build's date.
pub fn digest(site: &Site, week: Week) -> Result<Digest, DigestError> {
    Digester::new(site).digest(week)
}

fn digest_with(digester: &Digester, week: Week) -> Result<Digest, DigestError> {
    let site = digester.site;
    let today = site.today;
    let current_week = Week::of(today);
    if week > current_week {
        return Err(DigestError::Future {
            week,
            today,
            current: current_week,
        });
    }
    let current = week == current_week;
    let as_of = if current { today } else { week.sunday() };
    let docs = &site.documents;
    let rank = &digester.rank;
    let by_title = |a: &DocId, b: &DocId| rank[a].cmp(&rank[b]);

    // 1. Teams.
    let mut updates = Vec::new();
    let mut missing = Vec::new();
    for &team in &digester.teams {
        match digester.updates.get(&(team, week)).copied() {
            Some(update) => updates.push(TeamUpdate { team, update }),
            None => missing.push(team),
        }
    }

    // 2. Decisions.
    let mut decisions: Vec<(NaiveDate, Decision)> = Vec::new();
    let mut open_for_comment: Vec<(NaiveDate, DocId)> = Vec::new();
    let none = Vec::new();
    let this_week = digester.adrs_by_week.get(&week).unwrap_or(&none);
    // Only the current week lists ADRs open for comment, so only it looks at every ADR.
    let adrs = if current { &digester.adrs } else { this_week };
    for &i in adrs {
        let Details::Adr(adr) = &docs[i].details else {
            continue;
        };
        if let Some(date) = adr.date.filter(|&x| week.contains(x)) {
            decisions.push((
                date,
                Decision {
                    adr: i,
                    reason: DecisionReason::Dated,
                },
            ));
        } else if let Some(date) = adr.status_changed.filter(|&x| week.contains(x)) {
            decisions.push((
                date,
                Decision {
                    adr: i,
                    reason: DecisionReason::StatusChanged,
                },
            ));
        }
        let proposed = site.adr_status(i) == Some(AdrStatus::Known(AdrStatusWord::Proposed));
        if current
            && proposed
            && let Some(by) = adr.comment_by.filter(|&c| c >= as_of)
        {
            open_for_comment.push((by, i));
        }
    }
    decisions.sort_by(|a, b| b.0.cmp(&a.0).then(docs[a.1.adr].id.cmp(&docs[b.1.adr].id)));
    open_for_comment.sort_by(|a, b| a.0.cmp(&b.0).then(docs[a.1].id.cmp(&docs[b.1].id)));

    // 3. Dependency watch.
    let mut watch = Vec::new();
    let mut due_soon: Vec<(NaiveDate, usize)> = Vec::new();
    if current {
        let horizon = as_of + Days::new(DUE_WITHIN_DAYS);
        for (n, link) in site.links.dependencies.iter().enumerate() {
            let Details::Team(team) = &docs[link.from].details else {
                continue;
            };
            let dep = &team.depends_on[link.entry];
            let flags = &link.assessment.flags;
            let blocked = dep.status == Some(DependencyStatus::Blocked);
            let watched = blocked
                || flags.iter().any(|f| {
                    matches!(
                        f,
                        Flag::Late | Flag::Overdue | Flag::Unconfirmed | Flag::Stale
                    )
                });
            if watched {
                watch.push(n);
            }
            let done = dep.status == Some(DependencyStatus::Done);
            if let Some(need_by) = dep.need_by
                && !done
                && need_by >= as_of
                && need_by <= horizon
            {
                due_soon.push((need_by, n));
            }
        }
    }
    due_soon.sort();

    // 4. Alignments.
    let mut alignments = Vec::new();
    let mut past_review = Vec::new();
    let this_week = digester.alignments_by_week.get(&week).unwrap_or(&none);
    let changed = if current {
        &digester.alignments
    } else {
        this_week
    };
    for &i in changed {
        let Details::Alignment(a) = &docs[i].details else {
            continue;
        };
        if a.date.is_some_and(|x| week.contains(x)) {
            alignments.push((i, AlignmentChange::New));
        } else if a.updated.is_some_and(|x| week.contains(x)) {
            alignments.push((i, AlignmentChange::Changed));
        }
        let open = a.status != Some(AlignmentStatus::Closed);
        if current && open && a.review_by.is_some_and(|r| r < as_of) {
            past_review.push(i);
        }
    }
    alignments.sort_by(|a, b| by_title(&a.0, &b.0));
    past_review.sort_by(by_title);

    // 5. Rotations: those whose first turn starts before the end of the next week.
    let end = week.monday() + Days::new(14);
    let rotations = digester
        .rotations
        .iter()
        .filter(|(_, first)| first.is_some_and(|first| first < end))
        .map(|&(i, _)| i)
        .collect();

    // 6. Doc health.
    let health = if current { health(site) } else { Vec::new() };

    Ok(Digest {
        week,
        as_of,
        current,
        updates,
        missing,
        decisions: decisions.into_iter().map(|(_, d)| d).collect(),
        open_for_comment: open_for_comment.into_iter().map(|(_, i)| i).collect(),
        watch,
        due_soon: due_soon.into_iter().map(|(_, n)| n).collect(),
        alignments,
        past_review,
        rotations,
        health,
    })
}

/// Who is on duty in `rotation` during `week` and the week after: every stretch
/// of duty overlapping each, cut at handoffs and overrides in the rotation's zone.
pub fn rotation_weeks(site: &Site, rotation: DocId, week: Week) -> Option<RotationWeeks> {
    let Details::Rotation(r) = &site.documents[rotation].details else {
        return None;
    };
    let tz = r.timezone.unwrap_or(chrono_tz::Tz::UTC);
    let midnight = |date: NaiveDate| -> Option<DateTime<Utc>> {
        schedule::local_to_utc(tz, date.and_hms_opt(0, 0, 0)?)
    };
    let (start, middle, end) = (
        midnight(week.monday())?,
        midnight(week.monday() + Days::new(7))?,
        midnight(week.monday() + Days::new(14))?,
    );
    let shifts: Vec<Shift> = schedule::shifts(r, start)
        .take_while(|s| s.start < end)
        .take(64)
        .collect();
    let overlapping = |from: DateTime<Utc>, to: DateTime<Utc>| -> Vec<Shift> {
        shifts
            .iter()
            .filter(|s| s.start < to && s.end > from)
            .cloned()
            .collect()
    };
    let weeks = RotationWeeks {
        rotation,
        this_week: overlapping(start, middle),
        next_week: overlapping(middle, end),
    };
    (!weeks.this_week.is_empty() || !weeks.next_week.is_empty()).then_some(weeks)
}

/// Doc problems (not dependency flags) grouped by the team each file belongs to.
fn health(site: &Site) -> Vec<TeamHealth> {
    // Grouped in file-path order of the teams, which breaks ties below.
    let mut groups: BTreeMap<Option<usize>, (TeamHealth, BTreeMap<&'static str, usize>)> =
        BTreeMap::new();
    for d in &site.diagnostics {
        if DEPENDENCY_CODES.contains(&d.code) {
            continue;
        }
        let team = site
            .index
            .by_file(&d.span.file_display())
            .and_then(|i| site.documents[i].team())
            .and_then(|t| site.team(t));
        let place = team.map(|t| site.documents.position(t));
        let (group, counts) = groups.entry(place).or_insert_with(|| {
            (
                TeamHealth {
                    team,
                    ..TeamHealth::default()
                },
                BTreeMap::new(),
            )
        });
        match d.severity {
            Severity::Error => group.errors += 1,
            Severity::Warning => group.warnings += 1,
        }
        *counts.entry(d.code).or_default() += 1;
    }
    let mut out: Vec<TeamHealth> = groups
        .into_values()
        .map(|(mut group, counts)| {
            let mut codes: Vec<(&'static str, usize)> = counts.into_iter().collect();
            codes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            group.codes = codes;
            group
        })
        .collect();
    let docs = &site.documents;
    // The teams with the most problems first; documents of no team last.
    out.sort_by(|a, b| match (a.team, b.team) {
        (Some(x), Some(y)) => (b.errors, b.warnings)
            .cmp(&(a.errors, a.warnings))
            .then_with(|| {
                docs[x]
                    .title
                    .to_lowercase()
                    .cmp(&docs[y].title.to_lowercase())
            }),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    out
}

/// The weeks that have a digest, newest first: every week up to the build's
/// with an update, a decision or an alignment change, and the build's own
/// week when any of its sections has something to say.
pub fn weeks(site: &Site) -> Vec<Week> {
    Digester::new(site)
        .digests()
        .iter()
        .map(|d| d.week)
        .collect()
}

/// Midnight UTC of a date, for feed timestamps.
pub fn utc_midnight(date: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0).expect("midnight exists"))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::site::test_site as site;

    const TEAM: &str =
        "## Current Priorities\n\nx\n\n## Looking for Input On\n\nx\n\n## Recent Wins\n\nx\n";

    fn team(name: &str, front: &str) -> String {
        format!("---\nname: {name}\n{front}---\n\n{TEAM}")
    }

    fn week(s: &str) -> Week {
        s.parse().unwrap()
    }

    #[test]
    fn teams_with_and_without_an_update() {
        let a = team("Alpha", "");
        let b = team("Beta", "");
        let s = site(
            &[
                ("teams/b.md", &b),
                ("teams/a.md", &a),
                ("updates/2026-W47/b.md", "## Shipped\n\nThings.\n"),
                ("updates/2026-W46/a.md", "## Shipped\n\nOlder.\n"),
            ],
            "2026-11-20",
        );
        let d = digest(&s, week("2026-W47")).unwrap();
        assert!(d.current);
        assert_eq!(d.as_of.to_string(), "2026-11-20");
        assert_eq!(d.updates.len(), 1);
        assert_eq!(s.documents[d.updates[0].team].id, "b");
        assert_eq!(
            d.missing
                .iter()
                .map(|&i| s.documents[i].id.as_str())
                .collect::<Vec<_>>(),
            ["a"]
        );
        let old = digest(&s, week("2026-W46")).unwrap();
        assert!(!old.current);
        assert_eq!(old.as_of.to_string(), "2026-11-15");
        assert_eq!(s.documents[old.updates[0].team].id, "a");
        assert_eq!(weeks(&s), vec![week("2026-W47"), week("2026-W46")]);
    }

    #[test]
    fn a_week_after_the_build_date_is_an_error() {
        let s = site(&[("teams/a.md", &team("A", ""))], "2026-11-20");
        let e = digest(&s, week("2026-W48")).unwrap_err();
        assert!(e.to_string().contains("2026-W48 has not started"), "{e}");
        assert!(e.to_string().contains("2026-11-20, in 2026-W47"), "{e}");
    }

    #[test]
    fn decisions_dated_or_changed_in_the_week_and_open_comment_periods() {
        let adr = |extra: &str| {
            format!(
                "---\n{extra}---\n\n## Context\n\nx\n\n## Decision\n\nx\n\n## Consequences\n\nx\n"
            )
        };
        let s = site(
            &[
                (
                    "adrs/0001-a.md",
                    &adr("status: accepted\ndate: 2026-11-17\n"),
                ),
                (
                    "adrs/0002-b.md",
                    &adr("status: accepted\ndate: 2026-10-01\nstatus_changed: 2026-11-19\n"),
                ),
                (
                    "adrs/0003-c.md",
                    &adr("status: proposed\ndate: 2026-11-01\ncomment_by: 2026-12-01\n"),
                ),
                (
                    "adrs/0004-d.md",
                    &adr("status: proposed\ndate: 2026-10-01\ncomment_by: 2026-11-19\n"),
                ),
                (
                    "adrs/0005-e.md",
                    &adr("status: accepted\ndate: 2026-11-10\n"),
                ),
            ],
            "2026-11-20",
        );
        let d = digest(&s, week("2026-W47")).unwrap();
        let ids: Vec<(&str, DecisionReason)> = d
            .decisions
            .iter()
            .map(|x| (s.documents[x.adr].id.as_str(), x.reason))
            .collect();
        assert_eq!(
            ids,
            [
                ("ADR-0002", DecisionReason::StatusChanged),
                ("ADR-0001", DecisionReason::Dated)
            ]
        );
        let open: Vec<&str> = d
            .open_for_comment
            .iter()
            .map(|&i| s.documents[i].id.as_str())
            .collect();
        assert_eq!(
            open,
            ["ADR-0003"],
            "the comment period of 0004 closed yesterday"
        );
        // A past week has its decisions but no open comment periods.
        let old = digest(&s, week("2026-W46")).unwrap();
        assert_eq!(old.decisions.len(), 1);
        assert!(old.open_for_comment.is_empty());
    }

    #[test]
    fn dependency_watch_and_due_soon() {
        let a = team(
            "Alpha",
            "depends_on:\n  - { on: b, what: late one, need_by: 2026-12-01, committed: 2026-12-10, status: on-track, updated: 2026-11-18 }\n  - { on: b, what: soon and fine, need_by: 2026-12-01, committed: 2026-11-25, status: on-track, updated: 2026-11-18 }\n  - { on: b, what: blocked, need_by: 2027-03-01, committed: 2027-02-01, status: blocked, updated: 2026-11-18 }\n  - { on: b, what: done, need_by: 2026-11-25, committed: 2026-11-10, status: done, updated: 2026-11-18 }\n  - { on: b, what: no buffer, need_by: 2027-03-01, committed: 2027-02-27, status: on-track, updated: 2026-11-18 }\n",
        );
        let s = site(
            &[("teams/a.md", &a), ("teams/b.md", &team("Beta", ""))],
            "2026-11-20",
        );
        let d = digest(&s, week("2026-W47")).unwrap();
        let what = |n: &usize| {
            let l = &s.links.dependencies[*n];
            let Details::Team(t) = &s.documents[l.from].details else {
                unreachable!()
            };
            t.depends_on[l.entry].what.clone()
        };
        let watch: Vec<String> = d.watch.iter().map(what).collect();
        assert_eq!(watch, ["late one", "blocked"]);
        let soon: Vec<String> = d.due_soon.iter().map(what).collect();
        assert_eq!(soon, ["late one", "soon and fine"]);
        assert!(digest(&s, week("2026-W46")).unwrap().watch.is_empty());
    }

    #[test]
    fn alignments_new_changed_and_past_review() {
        let body = "## Ownership Map\n\nx\n\n## Interface Definitions\n\nx\n\n## Timeline Commitments\n\nx\n\n## Slip Protocol\n\nx\n\n## Escalation Path\n\nx\n";
        let s = site(
            &[
                ("teams/a.md", &team("A", "")),
                ("teams/b.md", &team("B", "")),
                (
                    "alignments/new.md",
                    &format!("---\ntitle: New\nteams: [a, b]\ndate: 2026-11-16\n---\n\n{body}"),
                ),
                (
                    "alignments/changed.md",
                    &format!(
                        "---\ntitle: Changed\nteams: [a, b]\ndate: 2026-01-01\nupdated: 2026-11-20\nreview_by: 2026-11-01\n---\n\n{body}"
                    ),
                ),
                (
                    "alignments/closed.md",
                    &format!(
                        "---\ntitle: Closed\nteams: [a, b]\nstatus: closed\nreview_by: 2026-11-01\n---\n\n{body}"
                    ),
                ),
            ],
            "2026-11-20",
        );
        let d = digest(&s, week("2026-W47")).unwrap();
        let got: Vec<(&str, AlignmentChange)> = d
            .alignments
            .iter()
            .map(|(i, c)| (s.documents[*i].id.as_str(), *c))
            .collect();
        assert_eq!(
            got,
            [
                ("changed", AlignmentChange::Changed),
                ("new", AlignmentChange::New)
            ]
        );
        let past: Vec<&str> = d
            .past_review
            .iter()
            .map(|&i| s.documents[i].id.as_str())
            .collect();
        assert_eq!(past, ["changed"]);
    }

    #[test]
    fn rotations_this_week_and_next_with_handoffs() {
        let s = site(
            &[(
                "rotations/oncall.md",
                "---\nname: On-call\nkind: on-call\nstart: 2026-11-02\nevery: 1w\nhandoff: Wed 10:00\ntimezone: Europe/London\nmembers: [Ann, Bob, Cy]\n---\n\n## Responsibilities\n\nx\n",
            )],
            "2026-11-20",
        );
        let d = digest(&s, week("2026-W47")).unwrap();
        let r = rotation_weeks(&s, d.rotations[0], d.week).unwrap();
        let names = |v: &[Shift]| v.iter().map(|s| s.member.clone()).collect::<Vec<_>>();
        // Handoffs on Wednesdays: W47 (16–22 Nov) has Bob then Cy; W48 has Cy then Ann.
        assert_eq!(names(&r.this_week), ["Bob", "Cy"]);
        assert_eq!(names(&r.next_week), ["Cy", "Ann"]);
        assert_eq!(
            r.this_week[1].start.to_rfc3339(),
            "2026-11-18T10:00:00+00:00"
        );
    }

    #[test]
    fn doc_health_leaves_dependency_flags_to_the_watch() {
        let s = site(
            &[
                (
                    "teams/a.md",
                    "---\nname: A\ndepends_on:\n  - { on: b, what: x, need_by: 2026-11-01 }\n---\n\nSee [[nowhere]].\n",
                ),
                ("teams/b.md", &team("B", "")),
                ("notes.md", "[[gone]]\n"),
            ],
            "2026-11-20",
        );
        let d = digest(&s, week("2026-W47")).unwrap();
        assert_eq!(d.health.len(), 2);
        let a = &d.health[0];
        assert_eq!(s.documents[a.team.unwrap()].id, "a");
        assert_eq!(a.codes, [("missing-section", 3), ("broken-reference", 1)]);
        assert_eq!((a.errors, a.warnings), (4, 0));
        assert_eq!(d.health[1].team, None);
        assert!(digest(&s, week("2026-W46")).unwrap().health.is_empty());
    }
}
