//! The weekly digest's view: the sections a digest page, its feed entry and
//! its email show, from the digest link worked out.

use chrono::{DateTime, Utc};

use super::Views;
use crate::check::normalise_heading;
use crate::digest::{AlignmentChange, DecisionReason, Digest, RotationWeeks};
use crate::model::{Details, DocId};
use crate::render::digest::*;
use crate::render::markdown::{render_fragment, render_text, sections};
use crate::render::views::DependencyView;
use crate::schedule::Shift;

impl Views<'_> {
    /// The digest of one week as a view, with links under these views' base.
    pub fn digest(&self, digest: &Digest) -> DigestView {
        let site = self.site;
        let docs = &site.documents;
        let base = self.base().to_string();
        let href = |path: &str| format!("{base}{path}");

        let updates: Vec<DigestUpdateView> = digest
            .updates
            .iter()
            .map(|u| {
                let doc = &docs[u.update];
                let body = doc.source.body();
                let found = sections(&body);
                let sections = UPDATE_SECTIONS
                    .iter()
                    .filter_map(|(title, names)| {
                        let (_, range) = found.iter().find(|(h, _)| {
                            names
                                .iter()
                                .any(|n| normalise_heading(h) == normalise_heading(n))
                        })?;
                        let fragment = &body[range.clone()];
                        let text = render_text(doc, site, fragment, TEXT_WIDTH);
                        (!text.trim().is_empty()).then(|| UpdateSectionView {
                            title: title.to_string(),
                            html: render_fragment(doc, site, fragment, &base, None),
                            text,
                        })
                    })
                    .collect();
                DigestUpdateView {
                    team: self.link(u.team),
                    update: self.link(u.update),
                    sections,
                }
            })
            .collect();

        let mut more = DigestMore::default();
        let (decisions, n) = capped(digest.decisions.iter(), SECTION_LIMIT);
        more.decisions = n;
        let decisions: Vec<DecisionView> = decisions
            .into_iter()
            .map(|d| {
                let team = match &docs[d.adr].details {
                    Details::Adr(a) => a.team.as_ref().and_then(|t| site.team(&t.id)),
                    _ => None,
                };
                let later = match &docs[d.adr].details {
                    Details::Adr(a) => a
                        .status_changed
                        .filter(|c| *c > digest.week.sunday())
                        .map(|c| format!("{} on {c}", site.status(d.adr).unwrap_or_default())),
                    _ => None,
                };
                DecisionView {
                    later,
                    adr: self.link(d.adr),
                    status: site.status(d.adr),
                    reason: match d.reason {
                        DecisionReason::Dated => "dated",
                        DecisionReason::StatusChanged => "status-changed",
                    },
                    team: team.map(|t| self.link(t)),
                }
            })
            .collect();

        let (open, n) = capped(digest.open_for_comment.iter(), SECTION_LIMIT);
        more.open_for_comment = n;
        let open_for_comment = open
            .into_iter()
            .filter_map(|&i| match &docs[i].details {
                Details::Adr(a) => a.comment_by.map(|c| CommentView {
                    adr: self.link(i),
                    comment_by: c.to_string(),
                    days_left: (c - digest.as_of).num_days(),
                }),
                _ => None,
            })
            .collect();

        let deps = &site.links.dependencies;
        let (watch, n) = capped(digest.watch.iter(), SECTION_LIMIT);
        more.watch = n;
        let watch: Vec<DependencyView> = watch
            .into_iter()
            .map(|&n| self.dependency(&deps[n]))
            .collect();
        let (due_soon, n) = capped(digest.due_soon.iter(), SECTION_LIMIT);
        more.due_soon = n;
        let due_soon = due_soon
            .into_iter()
            .map(|&n| self.dependency(&deps[n]))
            .collect();

        let alignment = |i: DocId, change: &'static str| {
            let Details::Alignment(a) = &docs[i].details else {
                unreachable!("digest alignments are alignments")
            };
            DigestAlignmentView {
                alignment: self.link(i),
                change,
                teams: a
                    .teams
                    .iter()
                    .map(|t| {
                        site.team(&t.id)
                            .map(|x| docs[x].title.clone())
                            .unwrap_or_else(|| t.id.clone())
                    })
                    .collect(),
                review_by: a.review_by.map(|d| d.to_string()),
            }
        };
        let changes = digest.alignments.iter().map(|&(i, c)| {
            (
                i,
                match c {
                    AlignmentChange::New => "new",
                    AlignmentChange::Changed => "changed",
                },
            )
        });
        let overdue = digest.past_review.iter().map(|&i| (i, "review-overdue"));
        let all: Vec<(DocId, &'static str)> = changes.chain(overdue).collect();
        let (shown, n) = capped(all.into_iter(), SECTION_LIMIT);
        more.alignments = n;
        let alignments: Vec<DigestAlignmentView> = shown
            .into_iter()
            .map(|(i, change)| alignment(i, change))
            .collect();

        let (rotations, n) = capped(digest.rotations.iter(), SECTION_LIMIT);
        more.rotations = n;
        let rotations = rotations
            .into_iter()
            .filter_map(|&r| crate::digest::rotation_weeks(site, r, digest.week))
            .map(|r| self.rotation_view(&r))
            .collect();

        let health_errors = digest.health.iter().map(|h| h.errors).sum();
        let health_warnings = digest.health.iter().map(|h| h.warnings).sum();
        let (health, n) = capped(digest.health.iter(), SECTION_LIMIT);
        more.health = n;
        let health: Vec<DigestHealthView> = health
            .into_iter()
            .map(|h| DigestHealthView {
                team: h.team.map(|t| self.link(t)),
                name: h
                    .team
                    .map(|t| docs[t].title.clone())
                    .unwrap_or_else(|| "Other documents".into()),
                errors: h.errors,
                warnings: h.warnings,
                summary: h
                    .codes
                    .iter()
                    .map(|(code, n)| {
                        if *n == 1 {
                            code.to_string()
                        } else {
                            format!("{code} ×{n}")
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            })
            .collect();

        let week = digest.week.to_string();
        let summary = {
            let count = |n: usize, one: &str, many: &str| {
                (n > 0).then(|| format!("{n} {}", if n == 1 { one } else { many }))
            };
            let parts: Vec<String> = [
                count(updates.len(), "update", "updates"),
                count(decisions.len() + more.decisions, "decision", "decisions"),
                count(
                    alignments.len() + more.alignments,
                    "alignment",
                    "alignments",
                ),
                count(
                    watch.len() + more.watch,
                    "dependency to watch",
                    "dependencies to watch",
                ),
            ]
            .into_iter()
            .flatten()
            .collect();
            if parts.is_empty() {
                "no updates".to_string()
            } else {
                parts.join(" · ")
            }
        };
        DigestView {
            summary,
            title: format!("Week {}, {}", digest.week.week, digest.week.year),
            dates: week_dates(digest.week),
            as_of: digest.as_of.to_string(),
            current: digest.current,
            organisation: site.config.title.clone(),
            subject: subject(&site.config.title, digest.week),
            reading_minutes: 0,
            words: 0,
            links: DigestLinks {
                page: href(&format!("digest/{week}/")),
                archive: href("digest/"),
                feed: href("digest/feed.xml"),
                tracker: href("dependencies/"),
                health: href("health/"),
                home: href(""),
            },
            week,
            updates,
            missing: {
                let (missing, n) = capped(digest.missing.iter(), MISSING_LIMIT);
                more.missing = n;
                missing.into_iter().map(|&t| self.link(t)).collect()
            },
            decisions,
            open_for_comment,
            watch,
            due_soon,
            alignments,
            rotations,
            health_errors,
            health_warnings,
            health,
            more,
        }
    }

    fn rotation_view(&self, r: &RotationWeeks) -> DigestRotationView {
        let site = self.site;
        let tz = match &site.documents[r.rotation].details {
            Details::Rotation(rot) => rot.timezone.unwrap_or(chrono_tz::Tz::UTC),
            _ => chrono_tz::Tz::UTC,
        };
        let when = |t: DateTime<Utc>| {
            t.with_timezone(&tz)
                .format("%a %Y-%m-%d %H:%M %Z")
                .to_string()
        };
        let shift = |s: &Shift| ShiftView {
            member: s.member.clone(),
            pairs: self.pairs_text(&s.pairs),
            from: when(s.start),
            until: when(s.end),
            overridden: s.overridden,
        };
        DigestRotationView {
            rotation: self.link(r.rotation),
            this_week: r.this_week.iter().map(shift).collect(),
            next_week: r.next_week.iter().map(shift).collect(),
        }
    }
}
