//! What the outputs that are not template pages read: rotation calendars,
//! the ADR feed's entries, feeds' headers, the sitemap's dates, the inputs
//! of the dependency graphs, the search index's files, the home page's
//! introduction and the digests. Each notes its reads like every other view,
//! so no producer needs the linked site itself.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};

use super::Views;
use crate::model::{Details, DocId, Kind, Rotation};
use crate::render::feed::Entry;
use crate::render::graph::{GraphEdge, GraphNode};
use crate::render::markdown::{self, Highlighter};
use crate::render::reads::{Fact, Read};

/// What a rotation's calendar is made from.
pub struct CalendarSource<'a> {
    /// The rotation's id, which names its events.
    pub id: &'a str,
    /// Its title.
    pub title: &'a str,
    /// The rotation.
    pub rotation: &'a Rotation,
    /// Where its shifts are counted from: noon on the build's date.
    pub from: DateTime<Utc>,
    /// Its page's absolute address, when the site has an absolute `base_url`.
    pub url: Option<String>,
}

/// What a feed's header says: where the site is and whose it is.
pub struct FeedHeader {
    /// The absolute base every address starts with.
    pub base: String,
    /// The organisation, the feed's author.
    pub author: String,
    /// The site's description.
    pub description: String,
    /// The build's date, the feed's time when it has no entries.
    pub today: NaiveDate,
}

/// A dependency graph to draw: its title, its teams and their dependencies.
pub struct GraphSource {
    /// The drawing's title.
    pub title: String,
    /// The teams, in path order.
    pub nodes: Vec<GraphNode>,
    /// The dependencies between them, in the tracker's order.
    pub edges: Vec<GraphEdge>,
}

impl<'a> Views<'a> {
    /// Document `i`'s kind, which decides its template.
    pub fn kind(&self, i: DocId) -> Kind {
        self.site.documents[i].kind
    }

    /// Document `i`'s page address under the site root.
    pub fn url(&self, i: DocId) -> &'a str {
        &self.site.documents[i].url
    }

    /// The docs repository's root, where a theme folder overrides the built-in files.
    pub fn root(&self) -> &'a std::path::Path {
        &self.site.root
    }

    /// The organisation's name.
    pub fn organisation(&self) -> &'a str {
        self.note(Read::Fact(Fact::Settings));
        &self.site.config.title
    }

    /// What rotation `i`'s calendar is made from; `None` for another kind.
    pub fn calendar(&self, i: DocId) -> Option<CalendarSource<'a>> {
        let doc = &self.site.documents[i];
        let Details::Rotation(rotation) = &doc.details else {
            return None;
        };
        self.note_document(i);
        let url = format!("{}{}", self.absolute_base(), doc.url);
        Some(CalendarSource {
            id: &doc.id,
            title: &doc.title,
            rotation,
            from: crate::schedule::noon(rotation, self.site.today),
            url: url.contains("://").then_some(url),
        })
    }

    /// What every feed's header says.
    pub fn feed_header(&self) -> FeedHeader {
        self.note(Read::Fact(Fact::Settings));
        FeedHeader {
            base: crate::render::absolute_base(&self.site.config.base_url),
            author: self.site.config.title.clone(),
            description: self.site.config.description.clone(),
            today: self.site.today,
        }
    }

    /// The newest `limit` ADRs by date as feed entries: title with status,
    /// summary, and the body rendered with links under the absolute `base`
    /// (the feed header's).
    pub fn adr_feed_entries(&self, base: &str, limit: usize) -> Vec<Entry> {
        self.note(Read::Kind(Kind::Adr));
        let site = self.site;
        let mut adrs: Vec<DocId> = site
            .documents
            .iter()
            .filter(|d| d.kind == Kind::Adr && !d.url.is_empty() && d.url != "adrs/")
            .map(|d| d.key)
            .collect();
        let docs = &site.documents;
        adrs.sort_by(|&a, &b| {
            docs[b]
                .date
                .cmp(&docs[a].date)
                .then(docs[b].id.cmp(&docs[a].id))
        });
        adrs.into_iter()
            .take(limit)
            .map(|i| {
                let d = &docs[i];
                self.note_body(i);
                let url = format!("{base}{}", d.url);
                let updated = match &d.details {
                    Details::Adr(a) => a.status_changed.max(a.date),
                    _ => d.date,
                };
                Entry {
                    id: url.clone(),
                    title: match site.status(i) {
                        Some(status) => format!("{}: {} ({status})", d.id, d.title),
                        None => format!("{}: {}", d.id, d.title),
                    },
                    link: url,
                    updated: crate::digest::utc_midnight(updated.unwrap_or(site.today)),
                    summary: d.description.clone(),
                    content: markdown::render_body_under(d, site, base, None),
                }
            })
            .collect()
    }

    /// Each document page's address under the site root with its date, for the sitemap's `lastmod`.
    pub fn page_dates(&self) -> HashMap<&'a str, NaiveDate> {
        self.note(Read::Fact(Fact::Dates));
        self.site
            .documents
            .iter()
            .filter_map(|d| Some((d.url.as_str(), d.date?)))
            .collect()
    }

    /// The absolute base addresses start with in files read away from the
    /// site (sitemaps, feeds, calendars): `base_url` as written.
    pub fn absolute_base(&self) -> String {
        self.note(Read::Fact(Fact::Settings));
        crate::render::absolute_base(&self.site.config.base_url)
    }

    /// The page that sits at the site's root, rendered: the home page's introduction.
    pub fn intro(&self, highlighter: &Highlighter) -> Option<String> {
        // Whichever page sits at the root is the introduction.
        self.note(Read::Kind(Kind::Page));
        let i = self.site.documents.iter().find(|d| d.url.is_empty())?.key;
        self.note_body(i);
        Some(markdown::render_body(
            &self.site.documents[i],
            self.site,
            highlighter,
        ))
    }

    /// The search index's file `n`.
    pub fn search_file(&self, n: usize) -> &'a crate::render::search::SearchFile {
        // What the documents' words, titles and openings make of this file.
        let f = &crate::render::search::of(self.site).files[n];
        self.note(Read::Search(f.path.clone()));
        f
    }

    /// Every published weekly digest, newest first, as link worked them out.
    ///
    /// Notes nothing: each digest's view notes what it reads.
    pub fn digests(&self) -> &'a [crate::digest::Digest] {
        &self.site.digests
    }

    /// Notes what the organisation's graph is drawn from: every team and every dependency.
    pub fn note_org_graph(&self) {
        self.note(Read::Kind(Kind::Team));
        self.note(Read::Fact(Fact::Dependencies));
        self.note(Read::Fact(Fact::Settings));
    }

    /// What a dependency graph is drawn from: the whole organisation, or
    /// team `focus` and its direct neighbours.
    pub fn graph(&self, focus: Option<DocId>) -> GraphSource {
        let site = self.site;
        match focus {
            // The team's dependencies both ways and the loops it is in; its neighbours' names below.
            Some(f) => self.note_links(f),
            None => self.note_org_graph(),
        }
        let base = site.config.base_path();
        let deps: Vec<&crate::link::DependencyLink> = match focus {
            Some(f) => site.links.dependencies_around(f).collect::<Vec<_>>(),
            None => site.links.dependencies.iter().collect(),
        }
        .into_iter()
        .filter(|d| d.to.is_some())
        .collect();
        // The teams drawn, in the site's order: every team for the
        // organisation's graph; for a team's, it and those its
        // dependencies name.
        let teams: Vec<DocId> = match focus {
            None => (site.documents.iter())
                .filter(|d| d.kind == Kind::Team)
                .map(|d| d.key)
                .collect(),
            Some(f) => {
                let mut places: Vec<usize> = std::iter::once(f)
                    .chain(deps.iter().flat_map(|d| [Some(d.from), d.to]).flatten())
                    .filter(|&i| site.documents[i].kind == Kind::Team)
                    .map(|i| site.documents.position(i))
                    .collect();
                places.sort_unstable();
                places.dedup();
                places
                    .into_iter()
                    .map(|p| site.documents.as_slice()[p].key)
                    .collect()
            }
        };
        let position: BTreeMap<DocId, usize> =
            teams.iter().enumerate().map(|(n, &i)| (i, n)).collect();
        let nodes: Vec<GraphNode> = teams
            .iter()
            .inspect(|&&i| {
                if focus.is_some() {
                    self.note_document(i);
                }
            })
            .map(|&i| GraphNode {
                label: site.documents[i].title.clone(),
                url: markdown::page_href(&base, &site.documents[i].url, None),
                highlight: focus == Some(i),
            })
            .collect();
        let edges: Vec<GraphEdge> = deps
            .iter()
            .filter_map(|d| {
                let to = d.to?;
                let Details::Team(team) = &site.documents[d.from].details else {
                    return None;
                };
                let dep = &team.depends_on[d.entry];
                let flags = d.assessment.flag_names();
                let flags = if flags.is_empty() {
                    String::new()
                } else {
                    format!("; {}", flags.join(", "))
                };
                Some(GraphEdge {
                    from: position[&d.from],
                    to: position[&to],
                    risk: d.assessment.computed,
                    title: format!(
                        "{} needs {} from {}{}: {} risk{flags}",
                        site.documents[d.from].title,
                        dep.what,
                        site.documents[to].title,
                        dep.need_by.map(|n| format!(" by {n}")).unwrap_or_default(),
                        d.assessment.computed
                    ),
                    in_cycle: site.links.in_cycle(d.from, to),
                })
            })
            .collect();
        let title = match focus {
            Some(f) => format!("Dependencies of and on {}", site.documents[f].title),
            None => format!("Dependencies between the teams of {}", site.config.title),
        };
        GraphSource {
            title,
            nodes,
            edges,
        }
    }
}
