//! Document pages: [`Views::document`] and the per-kind views it fills in.

use std::collections::BTreeMap;

use super::{Views, date};
use crate::diagnostic::display_path;
use crate::model::{AdrStatus, AdrStatusWord, Details, DocId, Kind};
use crate::render::markdown::{Highlighter, render_body};
use crate::render::reads::{Fact, Read};
use crate::render::views::types::*;
use crate::schedule;

impl Views<'_> {
    /// The page of document `i`.
    pub fn document(&self, i: DocId, highlighter: &Highlighter) -> DocumentView {
        let site = self.site;
        self.note_body(i);
        self.note(Read::Problems(i));
        self.note(Read::Fact(Fact::Settings));
        let doc = &site.documents[i];
        let file = display_path(doc.file());
        let (problems, error_count, warning_count) = self.problems_of(doc.file());
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
            problems_more: error_count + warning_count - problems.len(),
            error_count,
            warning_count,
            problems,
            file,
            words: doc.source.outline.words,
            team: None,
            adr: None,
            alignment: None,
            rotation: None,
            update: None,
        };
        let get = |m: &BTreeMap<DocId, Vec<DocId>>| m.get(&i).cloned().unwrap_or_default();
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
                    depends_on: self.sorted_dependencies(site.links.dependencies_from(i)),
                    depended_on_by: self.sorted_dependencies(site.links.dependencies_on(i)),
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
                let effective = site.adr_status(i);
                let status_class = match &effective {
                    Some(AdrStatus::Known(w)) => w.as_str().to_string(),
                    Some(AdrStatus::Other(_)) => "other".into(),
                    None => "none".into(),
                };
                let superseded_by = get(&site.links.superseded_by);
                // An imported file is never edited, so there is nothing to ask of it.
                let superseded_inferred =
                    !superseded_by.is_empty() && a.superseded_by.is_none() && !a.imported;
                view.adr = Some(AdrView {
                    number: a.number,
                    status_known: !matches!(effective, Some(AdrStatus::Other(_))),
                    status_class,
                    status: effective.as_ref().map(|s| s.label().to_string()),
                    date: date(a.date),
                    team: a.team.as_ref().map(|t| self.reference(&t.id, Kind::Team)),
                    deciders: a.deciders.iter().map(|n| self.name_of(n)).collect(),
                    consulted: a.consulted.iter().map(|n| self.name_of(n)).collect(),
                    informed: a.informed.iter().map(|n| self.name_of(n)).collect(),
                    affects: a
                        .affects
                        .iter()
                        .map(|t| self.reference(&t.id, Kind::Team))
                        .collect(),
                    supersedes: self.links(&get(&site.links.supersedes)),
                    superseded_by: self.links(&superseded_by),
                    superseded_inferred,
                    amends: self.links(&get(&site.links.amends)),
                    amended_by: self.links(&get(&site.links.amended_by)),
                    format: a.format.as_str(),
                    comment_by: date(a.comment_by),
                    open_for_comment: effective == Some(AdrStatus::Known(AdrStatusWord::Proposed))
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
                            pairs: self.pairs_text(&s.pairs),
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
}
