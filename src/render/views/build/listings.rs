//! Index pages: kind listings, tags, doc health, the dependency tracker,
//! upcoming commitments and the home page, with their pagination.

use std::collections::BTreeMap;

use super::Views;
use crate::model::{AdrStatus, AdrStatusWord, Details, DocId, Kind, Risk};
use crate::render::markdown::{Highlighter, render_body};
use crate::render::reads::{Fact, Read};
use crate::render::views::types::*;
use crate::render::views::{
    HOME_COMMENTS, HOME_DUTIES, HOME_TEAMS, HOME_UPDATES, PAGE_SIZE, page_count, page_path,
    page_slice, tag_url,
};

impl Views<'_> {
    /// Every tag with its documents.
    pub fn tags(&self) -> Vec<TagView> {
        self.note(Read::Fact(Fact::Tags));
        // Names and counts only: each tag's documents are on its own pages.
        self.site
            .links
            .tags
            .iter()
            .map(|(slug, docs)| {
                let url = tag_url(slug);
                TagView {
                    name: crate::link::tag_name(&self.site.documents, docs, slug).to_string(),
                    documents: Vec::new(),
                    pagination: self.page_nav(&url, 1, docs.len()),
                    url,
                }
            })
            .collect()
    }

    /// One page of a tag (by its address, `slug`) and the documents with it.
    pub fn tag(&self, slug: &str, page: usize) -> TagView {
        self.note(Read::Tag(slug.to_string()));
        let docs = self
            .site
            .links
            .tags
            .get(slug)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let url = tag_url(slug);
        TagView {
            name: crate::link::tag_name(&self.site.documents, docs, slug).to_string(),
            documents: self.links(page_slice(docs, page)),
            pagination: self.page_nav(&url, page, docs.len()),
            url,
        }
    }

    /// Where page `page` of a listing at `url` with `total` items sits among the others.
    pub fn page_nav(&self, url: &str, page: usize, total: usize) -> PageNav {
        let pages = page_count(total);
        let href = |n: usize| format!("{}{}", self.base, page_path(url, n));
        PageNav {
            page,
            pages,
            total,
            from: ((page - 1) * PAGE_SIZE + 1).min(total),
            to: (page * PAGE_SIZE).min(total),
            prev: (page > 1).then(|| href(page - 1)),
            next: (page < pages).then(|| href(page + 1)),
            links: (1..=pages)
                .map(|n| PageLink {
                    number: n,
                    url: href(n),
                    current: n == page,
                })
                .collect(),
        }
    }

    /// The documents of one kind's index, in order, with its filters' values.
    pub fn listing_order(&self, kind: Kind) -> ListingOrder {
        let site = self.site;
        self.note(Read::Order(kind));
        let documents = self.listed_in_order(kind);
        // Each distinct value once, sorted, copied only then.
        fn distinct<'v>(values: impl Iterator<Item = &'v str>) -> Vec<String> {
            let set: fnv::FnvHashSet<&str> = values.collect();
            let mut values: Vec<String> = set.into_iter().map(str::to_string).collect();
            values.sort_unstable();
            values
        }
        let docs = || documents.iter().map(|&i| &site.documents[i]);
        let statuses = distinct(documents.iter().filter_map(|&i| site.status_label(i)));
        ListingOrder {
            statuses,
            teams: distinct(
                docs()
                    .filter(|_| kind != Kind::Team)
                    .filter_map(|d| d.team()),
            ),
            tags: distinct(docs().flat_map(|d| d.tags.iter().map(String::as_str))),
            documents,
        }
    }

    /// The documents of one kind's index, in the order it lists them: ADRs
    /// by id, newest number first; updates by week, newest first, then
    /// title; the others by title. Ties keep the documents' order.
    fn listed_in_order(&self, kind: Kind) -> Vec<DocId> {
        let site = self.site;
        let of_kind = site
            .documents
            .iter()
            .enumerate()
            .filter(|(_, d)| d.kind == kind && !d.url.is_empty());
        // Sorted by keys laid out side by side (each in the order a stable
        // sort by the key alone leaves them: ties by file path, which is
        // each document's place in the site's order).
        match kind {
            Kind::Adr => {
                let mut keyed: Vec<(std::cmp::Reverse<&str>, usize, DocId)> = of_kind
                    .map(|(place, d)| (std::cmp::Reverse(d.id.as_str()), place, d.key))
                    .collect();
                keyed.sort_unstable();
                keyed.into_iter().map(|(.., i)| i).collect()
            }
            Kind::Update => {
                let mut keyed: Vec<(std::cmp::Reverse<Option<String>>, String, usize, DocId)> =
                    of_kind
                        .map(|(place, d)| {
                            let week = match &d.details {
                                Details::Update(u) => Some(u.week.to_string()),
                                _ => None,
                            };
                            (std::cmp::Reverse(week), self.title(d.key), place, d.key)
                        })
                        .collect();
                keyed.sort_unstable();
                keyed.into_iter().map(|(.., i)| i).collect()
            }
            _ => {
                let mut keyed: Vec<(String, usize, DocId)> = of_kind
                    .map(|(place, d)| (self.title(d.key).to_lowercase(), place, d.key))
                    .collect();
                keyed.sort_unstable();
                keyed.into_iter().map(|(.., i)| i).collect()
            }
        }
    }

    /// Page `page` of the index of one kind, listed in `order`.
    pub fn listing(
        &self,
        kind: Kind,
        order: &ListingOrder,
        page: usize,
        highlighter: &Highlighter,
    ) -> ListingView {
        let site = self.site;
        self.note(Read::Order(kind));
        let items: Vec<ListingItem> = page_slice(&order.documents, page)
            .iter()
            .map(|&i| self.listing_item(kind, i))
            .collect();
        // The first (by path) `README.md` or `index.md` at the top of an ADR
        // folder, also when the folder is the content folder itself (`.`).
        // One may be added or removed with any page, so the index reads them all.
        let intro = (kind == Kind::Adr && page == 1)
            .then(|| {
                self.note(Read::Kind(Kind::Page));
                site.config
                    .dirs_for(Kind::Adr)
                    .iter()
                    .flat_map(|dir| {
                        let folder = match dir.as_str() {
                            "" | "." => String::new(),
                            d => format!("{d}/"),
                        };
                        ["README.md", "index.md"]
                            .map(|name| site.index.by_path(&format!("{folder}{name}")))
                    })
                    .flatten()
                    .min_by_key(|&i| site.documents.position(i))
            })
            .flatten()
            .map(|i| {
                self.note_body(i);
                render_body(&site.documents[i], site, highlighter)
            });
        ListingView {
            kind,
            items,
            statuses: order.statuses.clone(),
            teams: order.teams.clone(),
            tags: order.tags.clone(),
            intro,
            pagination: self.page_nav(&format!("{}/", kind.url_dir()), page, order.documents.len()),
        }
    }

    fn listing_item(&self, kind: Kind, i: DocId) -> ListingItem {
        let site = self.site;
        let d = &site.documents[i];
        self.note(Read::Entry(d.key));
        // How many depend on a team comes from linking (a link's status is its title's read).
        if d.kind == Kind::Team {
            self.note_links(i);
        }
        ListingItem {
            link: self.link(i),
            team: d
                .team()
                .filter(|_| kind != Kind::Team)
                .map(|t| self.reference(t, Kind::Team)),
            tags: d.tags.iter().map(|t| self.tag_link(t)).collect(),
            summary: match &d.details {
                Details::Team(t) => t.mission.clone(),
                _ => d.description.clone(),
            },
            count: match &d.details {
                Details::Team(t) => t.depends_on.len(),
                Details::Alignment(a) => a.commitments.len(),
                _ => 0,
            },
            // Only teams are depended on.
            reverse_count: if d.kind == Kind::Team {
                site.links
                    .dependencies
                    .iter()
                    .filter(|x| x.to == Some(i))
                    .count()
            } else {
                0
            },
            week: match &d.details {
                Details::Update(u) => Some(u.week.to_string()),
                _ => None,
            },
        }
    }

    /// Every problem grouped by the team that owns each file, on one page.
    pub fn health(&self) -> HealthView {
        let site = self.site;
        self.note(Read::Fact(Fact::Problems));
        let mut groups: BTreeMap<(u8, String), HealthGroup> = BTreeMap::new();
        for (file, problems) in self.problems_by_file().iter() {
            let doc = site.index.by_file(file);
            let team = doc
                .inspect(|&i| self.note_document(i))
                .and_then(|i| site.documents[i].team())
                .inspect(|t| self.note_name(Some(Kind::Team), t))
                .and_then(|t| site.team(t));
            let key = match team {
                Some(t) => (0, site.documents[t].title.clone()),
                None => (1, "Other documents".into()),
            };
            let group = groups.entry(key.clone()).or_insert_with(|| HealthGroup {
                team: team.map(|t| self.link(t)),
                name: key.1.clone(),
                counts: ProblemCounts::default(),
                problems: Vec::new(),
                continued: false,
            });
            for p in problems {
                match p.severity {
                    "error" => group.counts.errors += 1,
                    _ => group.counts.warnings += 1,
                }
                group.problems.push(p.clone());
            }
        }
        let c = crate::diagnostic::Counts::of(&site.diagnostics);
        HealthView {
            groups: groups.into_values().collect(),
            counts: ProblemCounts {
                errors: c.errors,
                warnings: c.warnings,
            },
            pagination: self.page_nav("health/", 1, site.diagnostics.len()),
        }
    }

    /// Page `page` of the health view `all`: [`PAGE_SIZE`] problems, in their groups.
    pub fn health_page(&self, all: &HealthView, page: usize) -> HealthView {
        let total: usize = all.groups.iter().map(|g| g.problems.len()).sum();
        let start = (page.max(1) - 1) * PAGE_SIZE;
        let end = start + PAGE_SIZE;
        let mut seen = 0;
        let mut groups = Vec::new();
        for g in &all.groups {
            let (first, last) = (seen, seen + g.problems.len());
            seen = last;
            if last <= start || first >= end {
                continue;
            }
            let from = start.saturating_sub(first);
            let to = (end - first).min(g.problems.len());
            groups.push(HealthGroup {
                team: g.team.clone(),
                name: g.name.clone(),
                counts: g.counts,
                problems: g.problems[from..to].to_vec(),
                continued: from > 0,
            });
        }
        HealthView {
            groups,
            counts: all.counts,
            pagination: self.page_nav("health/", page, total),
        }
    }

    /// Page `page` of the org-wide tracker, with the graph already drawn (or empty).
    pub fn tracker(&self, graph: String, page: usize) -> TrackerView {
        self.note(Read::Fact(Fact::Dependencies));
        let deps = &self.site.links.dependencies;
        let pagination = self.page_nav("dependencies/", page, deps.len());
        let all: Vec<DependencyView> = page_slice(deps, page)
            .iter()
            .map(|d| self.dependency(d))
            .collect();
        // Each team's load both ways, over every dependency (not only this
        // page's), on the first page only: [waits for, of them high, waited
        // on for, of them high], by team (its place in the site's order, or
        // the id that names no team).
        let place = |t: DocId| self.site.documents.position(t);
        let mut loads: BTreeMap<Result<usize, String>, [usize; 4]> = BTreeMap::new();
        let counted: &[crate::link::DependencyLink] = if page <= 1 { deps } else { &[] };
        for d in counted {
            let high = usize::from(d.assessment.computed == Risk::High);
            // A team that names itself (a `self-dependency` error) is counted as written.
            let on = d.to.ok_or_else(|| {
                let Details::Team(team) = &self.site.documents[d.from].details else {
                    unreachable!("dependencies come from teams")
                };
                team.depends_on[d.entry].on.id.clone()
            });
            let on = on.or_else(|id| self.site.team(&id).ok_or(id)).map(place);
            let waiting = loads.entry(Ok(place(d.from))).or_default();
            waiting[0] += 1;
            waiting[1] += high;
            let waited_on = loads.entry(on).or_default();
            waited_on[2] += 1;
            waited_on[3] += high;
        }
        let mut by_team: Vec<(String, TeamLoad)> = loads
            .into_iter()
            .map(|(team, [waits, waits_high, on, on_high])| {
                let team = match team {
                    Ok(t) => {
                        let team = &self.site.documents.as_slice()[t];
                        RefView {
                            id: team.id.clone(),
                            link: Some(self.link(team.key)),
                        }
                    }
                    Err(id) => RefView { id, link: None },
                };
                let name = team
                    .link
                    .as_ref()
                    .map_or_else(|| team.id.clone(), |l| l.title.to_lowercase());
                let load = TeamLoad {
                    team,
                    waits_for: waits,
                    waits_for_high: waits_high,
                    waited_on_for: on,
                    waited_on_for_high: on_high,
                };
                (name, load)
            })
            .collect();
        by_team.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.team.id.cmp(&b.1.team.id)));
        let by_team: Vec<TeamLoad> = by_team.into_iter().map(|(_, load)| load).collect();
        let mut counts = BTreeMap::new();
        for d in deps {
            *counts.entry(d.assessment.computed.to_string()).or_insert(0) += 1;
        }
        TrackerView {
            all,
            by_team,
            counts,
            graph,
            pagination,
        }
    }

    /// Every alignment commitment due within `days` of the build's date, soonest first.
    pub fn upcoming_commitments(&self, days: i64) -> Vec<UpcomingCommitment> {
        let site = self.site;
        self.note(Read::Kind(Kind::Alignment));
        self.note(Read::Fact(Fact::Settings));
        let mut out: Vec<UpcomingCommitment> = site
            .documents
            .iter()
            .filter_map(|d| match &d.details {
                Details::Alignment(a)
                    if a.status != Some(crate::model::AlignmentStatus::Closed) =>
                {
                    Some((d.key, a))
                }
                _ => None,
            })
            .flat_map(|(i, a)| {
                a.commitments.iter().filter_map(move |c| {
                    let date = c.date?;
                    let away = (date - site.today).num_days();
                    (0..=days).contains(&away).then(|| UpcomingCommitment {
                        alignment: self.link(i),
                        team: self.reference(&c.team.id, Kind::Team),
                        deliverable: c.deliverable.clone(),
                        date: date.to_string(),
                        days: away,
                        confidence: c.confidence,
                    })
                })
            })
            .collect();
        out.sort_by(|a, b| (&a.date, &a.alignment.id).cmp(&(&b.date, &b.alignment.id)));
        out
    }

    /// The home page.
    /// Who is on duty today in every rotation that has someone on duty, in
    /// the documents' order (the home page shows the first few).
    pub fn on_duty(&self) -> Vec<DutyView> {
        self.note(Read::Kind(Kind::Rotation));
        self.site
            .documents
            .keys()
            .filter_map(|i| self.duty(i))
            .collect()
    }

    /// The home page, showing the first of `on_duty` ([`Views::on_duty`]).
    pub fn home(&self, intro: Option<String>, on_duty: &[DutyView]) -> HomeView {
        let site = self.site;
        // Recent and open ADRs are picked by date, status and comment period
        // (and shown by their titles), not by their text.
        for read in [
            Read::Dated(Kind::Adr),
            Read::Kind(Kind::Rotation),
            Read::Kind(Kind::Update),
            Read::Fact(Fact::Dependencies),
            Read::Fact(Fact::Census),
            Read::Fact(Fact::Settings),
        ] {
            self.note(read);
        }
        // Newest first, then by id, highest first (ties by file path), by
        // keys laid out side by side.
        let mut dated: Vec<_> = (site.documents.iter().enumerate())
            .filter(|(_, d)| d.kind == Kind::Adr)
            .map(|(place, d)| (std::cmp::Reverse((d.date, d.id.as_str())), place, d.key))
            .collect();
        dated.sort_unstable();
        let adrs: Vec<DocId> = dated.into_iter().map(|(.., i)| i).collect();
        let open: Vec<DocId> = adrs
            .iter()
            .copied()
            .filter(|&i| match &site.documents[i].details {
                Details::Adr(a) => {
                    site.adr_status(i) == Some(AdrStatus::Known(AdrStatusWord::Proposed))
                        && a.comment_by.is_none_or(|c| c >= site.today)
                }
                _ => false,
            })
            .collect();
        let open_for_comment = open
            .iter()
            .take(HOME_COMMENTS)
            .map(|&i| self.link(i))
            .collect();
        let risks = self
            .sorted_dependencies(
                site.links
                    .dependencies
                    .iter()
                    .filter(|d| d.assessment.computed == Risk::High),
            )
            .into_iter()
            .take(10)
            .collect();
        let on_duty_total = on_duty.len();
        let on_duty = on_duty[..on_duty_total.min(HOME_DUTIES)].to_vec();
        let latest_week = site
            .documents
            .iter()
            .filter_map(|d| match &d.details {
                Details::Update(u) if u.week <= crate::model::Week::of(site.today) => Some(u.week),
                _ => None,
            })
            .max();
        let latest: Vec<DocId> = site
            .documents
            .iter()
            .filter(|d| matches!(&d.details, Details::Update(u) if Some(u.week) == latest_week))
            .map(|d| d.key)
            .collect();
        let latest_updates = latest
            .iter()
            .take(HOME_UPDATES)
            .map(|&i| self.link(i))
            .collect();
        let mut counts = BTreeMap::new();
        for d in &site.documents {
            *counts.entry(d.kind.as_str().to_string()).or_insert(0) += 1;
        }
        // Which teams come first, by name, depends on every team.
        self.note(Read::Kind(Kind::Team));
        let teams = self.listing_order(Kind::Team);
        HomeView {
            intro,
            teams: teams
                .documents
                .iter()
                .take(HOME_TEAMS)
                .map(|&i| self.listing_item(Kind::Team, i))
                .collect(),
            teams_total: teams.documents.len(),
            recent_decisions: adrs.iter().take(8).map(|&i| self.link(i)).collect(),
            open_for_comment,
            open_for_comment_total: open.len(),
            risks,
            on_duty,
            on_duty_total,
            latest_week: latest_week.map(|w| w.to_string()),
            latest_updates,
            latest_updates_total: latest.len(),
            counts,
        }
    }
}
