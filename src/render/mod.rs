//! Stage 5: the linked site to output files, through tera templates.
//!
//! Templates never see domain types: each page gets small serialisable view
//! structs (documented in `docs/templates.md`). Built-in templates and theme
//! files are compiled in; files of the same name in the docs repo's
//! `templates/` and `theme/` folders replace them. Rotations' iCalendar
//! files come from [`ics`].

pub mod assets;
pub mod digest;
pub mod feed;
pub mod graph;
pub mod ics;
pub mod markdown;
pub mod reads;
pub mod search;
pub mod views;

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::link::Site;
use crate::model::{DocId, Kind};
use std::collections::BTreeSet;

use graph::GraphCache;
use markdown::Highlighter;
use reads::{Fact, Read, ReadSet};
use views::*;

/// One file of the built site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    /// Path relative to the output folder, with `/`.
    pub path: String,
    /// Its bytes.
    pub contents: Vec<u8>,
}

/// Why pages could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A template does not parse.
    #[error("template {name}: {message}")]
    Template {
        /// The template's name.
        name: String,
        /// The parser's message.
        message: String,
    },
    /// A template failed while rendering a page.
    #[error("rendering {page} with {template}: {message}")]
    Render {
        /// The output page.
        page: String,
        /// The template.
        template: String,
        /// What went wrong.
        message: String,
    },
    /// The email's CSS could not be inlined.
    #[error("inlining the email's CSS: {0}")]
    Email(String),
    /// A file in `templates/` or `theme/` could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: std::path::PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

impl RenderError {
    /// A template that failed while rendering something other than a page (an email, a feed entry).
    fn template(template: &str, e: tera::Error) -> Self {
        RenderError::Render {
            page: template.into(),
            template: template.into(),
            message: e.to_string(),
        }
    }
}

/// Loads the built-in templates, then the docs repo's `templates/` over them.
pub fn load_templates(root: &Path) -> Result<Tera, RenderError> {
    compile_templates(&template_sources(root)?)
}

/// Every template's text by name: the built-in ones, with the docs repo's `templates/` over them.
pub fn template_sources(root: &Path) -> Result<BTreeMap<String, String>, RenderError> {
    let mut templates: BTreeMap<String, String> = assets::TEMPLATES
        .iter()
        .map(|(name, body)| (name.to_string(), body.to_string()))
        .collect();
    for (name, path) in assets::local_files(root, &root.join("templates")) {
        let body =
            std::fs::read_to_string(&path).map_err(|source| RenderError::Read { path, source })?;
        templates.insert(name, body);
    }
    Ok(templates)
}

/// Compiles templates by name, escaping HTML and XML output.
pub fn compile_templates(templates: &BTreeMap<String, String>) -> Result<Tera, RenderError> {
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.add_raw_templates(templates.iter().map(|(n, b)| (n.as_str(), b.as_str())))
        .map_err(|e| RenderError::Template {
            name: "templates".into(),
            message: e.to_string(),
        })?;
    Ok(tera)
}

pub(crate) fn render_page(
    tera: &Tera,
    template: &str,
    path: &str,
    context: &Context,
) -> Result<OutputFile, RenderError> {
    let html = tera
        .render(template, context)
        .map_err(|e| RenderError::Render {
            page: path.into(),
            template: template.into(),
            message: e.to_string(),
        })?;
    Ok(OutputFile {
        path: path.into(),
        contents: html.into_bytes(),
    })
}

pub(crate) fn context(site_view: &SiteView, section: &str, title: &str, url: &str) -> Context {
    let mut c = Context::new();
    c.insert("site", site_view);
    c.insert("section", section);
    c.insert("title", title);
    c.insert("url", url);
    c
}

fn index_path(url: &str) -> String {
    format!("{url}index.html")
}

/// The Content-Security-Policy of Seam's pages: every page carries it (a
/// `<meta>` in `base.html`, for hosts that cannot set headers) and `seam
/// serve` sends it. Scripts, styles, fetches and forms stay on the site's
/// own origin; images may also come from `https:` hosts and `data:` URLs;
/// plugins and `<base>` elsewhere are refused. Inline style attributes are
/// allowed (Markdown tables align their cells with them); inline scripts are not.
pub const PAGE_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; media-src 'self' https:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'";

/// The Content-Security-Policy `seam serve` sends with HTML and SVG files
/// from the content folder (published only with `html_assets = true`): a
/// sandbox with no script, no fetch and no form, so such a file shows but
/// cannot act as the site. Hosts should send it with those files too.
pub const ASSET_POLICY: &str =
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:";

/// How many shifts after the current one a rotation's calendar holds.
pub const CALENDAR_SHIFTS: usize = 26;

/// One output file of the site, named before it is made.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Output {
    /// A document's page.
    Document(DocId),
    /// A rotation's iCalendar file.
    Calendar(DocId),
    /// The page of one weekly digest (a position in `Site::digests`).
    Digest(usize),
    /// The archive of digests.
    DigestArchive,
    /// The Atom feed of digests.
    DigestFeed,
    /// The Atom feed of ADRs.
    AdrFeed,
    /// The home page.
    Home,
    /// One page (from 1) of the index of one kind.
    Listing(Kind, usize),
    /// Every tag.
    Tags,
    /// One page of the documents with one tag.
    Tag(String, usize),
    /// The organisation's dependency graph as an SVG file.
    Graph,
    /// One page of the dependency tracker.
    Tracker(usize),
    /// Commitments due soon.
    Commitments,
    /// One page of doc health.
    Health(usize),
    /// The not-found page.
    NotFound,
    /// `sitemap.xml`: the sitemap, or past [`SITEMAP_URLS`] pages an index of its parts.
    Sitemap,
    /// One part of a large sitemap (from 1).
    SitemapPart(usize),
    /// The search results page.
    SearchPage,
    /// One file of the search index (a position in [`search::SearchIndex::files`]).
    Search(usize),
    /// A theme file (`theme/seam.css`).
    Theme(String),
    /// `_headers`, the recommended headers for hosts that read that file.
    HostHeaders,
}

/// One file to make: where it goes and what it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    /// Path relative to the output folder, with `/`.
    pub path: String,
    /// What to make.
    pub output: Output,
}

impl Job {
    /// The producer that makes it.
    pub fn producer(&self) -> &'static str {
        match &self.output {
            Output::Document(_) => "document pages",
            Output::Calendar(_) => "calendars",
            Output::Digest(_) | Output::DigestArchive | Output::DigestFeed => "digests",
            Output::AdrFeed => "ADR feed",
            Output::Home => "home",
            Output::Listing(..) => "listings",
            Output::Tags | Output::Tag(..) => "tags",
            Output::Graph | Output::Tracker(_) => "tracker",
            Output::Commitments => "commitments",
            Output::Health(_) => "health",
            Output::NotFound => "404",
            Output::Sitemap | Output::SitemapPart(_) => "sitemap",
            Output::SearchPage => "search",
            Output::Search(_) => "search index",
            Output::Theme(_) => "theme",
            Output::HostHeaders => "host headers",
        }
    }
}

/// A producer: one kind of output, and how to list its files from the linked site.
pub struct Producer {
    /// Its name, for messages.
    pub name: &'static str,
    /// Its files, given the site and the files of the producers before it.
    plan: fn(&Site, &[Job]) -> Vec<Job>,
}

fn job(path: impl Into<String>, output: Output) -> Job {
    Job {
        path: path.into(),
        output,
    }
}

/// Generated pages own these addresses; a document there (an ADR folder's
/// README) is an introduction, or is not published (`seam check` says so).
fn reserved(url: &str) -> bool {
    crate::vocabulary::own_address(url).is_some()
}

/// Every producer, in the order their files are listed (the sitemap's order).
pub const PRODUCERS: &[Producer] = &[
    Producer {
        name: "document pages",
        plan: |site, _| {
            site.documents
                .iter()
                .filter(|d| !reserved(&d.url))
                .map(|d| job(index_path(&d.url), Output::Document(d.key)))
                .collect()
        },
    },
    Producer {
        name: "calendars",
        plan: |site, _| {
            site.documents
                .iter()
                .filter(|d| matches!(d.details, crate::model::Details::Rotation(_)))
                .map(|d| {
                    job(
                        format!("{}.ics", d.url.trim_end_matches('/')),
                        Output::Calendar(d.key),
                    )
                })
                .collect()
        },
    },
    Producer {
        name: "digests",
        plan: |site, _| {
            let mut jobs: Vec<Job> = site
                .digests
                .iter()
                .enumerate()
                .map(|(n, d)| job(format!("digest/{}/index.html", d.week), Output::Digest(n)))
                .collect();
            jobs.push(job("digest/index.html", Output::DigestArchive));
            jobs.push(job("digest/feed.xml", Output::DigestFeed));
            jobs
        },
    },
    Producer {
        name: "ADR feed",
        plan: |_, _| vec![job("adrs/feed.xml", Output::AdrFeed)],
    },
    Producer {
        name: "home",
        plan: |_, _| vec![job("index.html", Output::Home)],
    },
    Producer {
        name: "listings",
        plan: |site, _| {
            Kind::ALL
                .iter()
                .filter(|&&k| {
                    k != Kind::Page
                        || site
                            .documents
                            .iter()
                            .any(|d| d.kind == Kind::Page && !d.url.is_empty())
                })
                .flat_map(|&k| {
                    let url = format!("{}/", k.url_dir());
                    let items = site
                        .documents
                        .iter()
                        .filter(|d| d.kind == k && !d.url.is_empty())
                        .count();
                    (1..=page_count(items))
                        .map(move |n| job(index_path(&page_path(&url, n)), Output::Listing(k, n)))
                })
                .collect()
        },
    },
    Producer {
        name: "tags",
        plan: |site, _| {
            std::iter::once(job("tags/index.html", Output::Tags))
                .chain(site.links.tags.iter().flat_map(|(t, docs)| {
                    (1..=page_count(docs.len())).map(move |n| {
                        job(
                            index_path(&page_path(&views::tag_url(t), n)),
                            Output::Tag(t.clone(), n),
                        )
                    })
                }))
                .collect()
        },
    },
    Producer {
        name: "tracker",
        plan: |site, _| {
            std::iter::once(job("dependencies/graph.svg", Output::Graph))
                .chain((1..=page_count(site.links.dependencies.len())).map(|n| {
                    job(
                        index_path(&page_path("dependencies/", n)),
                        Output::Tracker(n),
                    )
                }))
                .collect()
        },
    },
    Producer {
        name: "commitments",
        plan: |_, _| vec![job("commitments/index.html", Output::Commitments)],
    },
    Producer {
        name: "health",
        plan: |site, _| {
            (1..=page_count(site.diagnostics.len()))
                .map(|n| job(index_path(&page_path("health/", n)), Output::Health(n)))
                .collect()
        },
    },
    Producer {
        name: "404",
        plan: |_, _| vec![job("404.html", Output::NotFound)],
    },
    Producer {
        name: "sitemap",
        plan: |_, earlier| {
            // Every page planned before the sitemap is in it.
            let pages = earlier
                .iter()
                .filter(|j| j.path.ends_with("index.html"))
                .count();
            let parts = sitemap_parts(pages);
            std::iter::once(job("sitemap.xml", Output::Sitemap))
                .chain((1..=parts).map(|n| job(format!("sitemap-{n}.xml"), Output::SitemapPart(n))))
                .collect()
        },
    },
    Producer {
        name: "search",
        plan: |_, _| vec![job("search/index.html", Output::SearchPage)],
    },
    Producer {
        name: SEARCH_INDEX,
        plan: |site, _| {
            search::of(site)
                .files
                .iter()
                .enumerate()
                .map(|(n, f)| job(f.path.clone(), Output::Search(n)))
                .collect()
        },
    },
    Producer {
        name: "theme",
        plan: |site, _| {
            assets::theme_names(&site.root)
                .into_iter()
                .map(|name| job(format!("theme/{name}"), Output::Theme(name)))
                .collect()
        },
    },
    Producer {
        name: "host headers",
        plan: |_, _| vec![job("_headers", Output::HostHeaders)],
    },
];

/// The producer of the search index's files.
const SEARCH_INDEX: &str = "search index";

/// Every file of the site, named, in producer order.
///
/// Where two outputs would have one path (two documents with one id), the
/// first planned keeps it, so the same inputs always give the same site.
pub fn plan(site: &Site) -> Vec<Job> {
    plan_of(site, PRODUCERS.iter())
}

/// The files of these producers, as [`plan`] names them.
fn plan_of<'p>(site: &Site, producers: impl Iterator<Item = &'p Producer>) -> Vec<Job> {
    // Paths are remembered by hash; two paths with one hash are told apart by looking.
    let mut seen: fnv::FnvHashMap<u64, usize> = Default::default();
    let mut jobs: Vec<Job> = Vec::new();
    for producer in producers {
        for j in (producer.plan)(site, &jobs) {
            let hash = crate::model::stable_hash(&j.path);
            match seen.get(&hash) {
                Some(&k) if jobs[k].path == j.path || jobs.iter().any(|o| o.path == j.path) => {}
                Some(_) => jobs.push(j),
                None => {
                    seen.insert(hash, jobs.len());
                    jobs.push(j);
                }
            }
        }
    }
    jobs
}

/// One kind's index order and what deciding it read.
pub type KindOrder = std::sync::Arc<(ListingOrder, BTreeSet<Read>)>;

/// Each kind's index order and what deciding it read, as a renderer worked them out and a later one may reuse them.
pub type ListingOrders = BTreeMap<Kind, KindOrder>;

/// Who is on duty in every rotation and what working it out read, as a
/// renderer worked it out and a later one may reuse it.
pub type OnDuty = std::sync::Arc<(Vec<views::DutyView>, BTreeSet<Read>)>;

/// Each digest's view and what it read, by week, as a renderer made them and a later one may reuse them.
pub type DigestViews = std::collections::HashMap<
    crate::model::Week,
    (
        std::sync::Arc<digest::DigestPage>,
        std::sync::Arc<BTreeSet<Read>>,
    ),
>;

/// What every output is made with: templates, highlighter, views and what several outputs share.
pub struct Renderer<'a> {
    tera: &'a Tera,
    site_view: SiteView,
    views: Views<'a>,
    graphs: &'a GraphCache,
    org_graph: std::sync::OnceLock<std::sync::Arc<str>>,
    digest_pages: std::sync::OnceLock<Vec<std::sync::Arc<digest::DigestPage>>>,
    /// Each kind's index order, worked out once for all its pages.
    listing_orders: BTreeMap<Kind, std::sync::OnceLock<KindOrder>>,
    /// Who is on duty, for the home page (worked out once, or kept from an earlier build).
    on_duty: std::sync::OnceLock<OnDuty>,
    /// Every problem, grouped, once for all health pages.
    health: std::sync::OnceLock<(HealthView, BTreeSet<Read>)>,
    /// What each digest's view read, when recording.
    digest_reads: std::sync::OnceLock<Vec<std::sync::Arc<BTreeSet<Read>>>>,
    /// Digest views made by an earlier build whose reads have not changed since.
    prior_digests: DigestViews,
    /// Whether outputs note what they read.
    record: bool,
    /// Whether outputs are made only to try the templates (`seam check`).
    sample: bool,
    /// The pages' paths for the sitemap, in plan order.
    page_paths: Vec<String>,
}

impl<'a> Renderer<'a> {
    /// Prepares to render `site` with `tera`, drawing graphs through `graphs`.
    pub fn new(site: &'a Site, tera: &'a Tera, graphs: &'a GraphCache, jobs: &[Job]) -> Self {
        Renderer {
            tera,
            site_view: SiteView::new(site),
            views: Views::new(site),
            graphs,
            org_graph: std::sync::OnceLock::new(),
            on_duty: std::sync::OnceLock::new(),
            digest_pages: std::sync::OnceLock::new(),
            digest_reads: std::sync::OnceLock::new(),
            prior_digests: Default::default(),
            listing_orders: Kind::ALL
                .iter()
                .map(|&k| (k, std::sync::OnceLock::new()))
                .collect(),
            health: std::sync::OnceLock::new(),
            record: false,
            sample: false,
            page_paths: jobs
                .iter()
                .filter(|j| j.path.ends_with("index.html"))
                .map(|j| j.path.clone())
                .collect(),
        }
    }

    /// The same renderer, noting what each output reads.
    pub fn recording(mut self) -> Self {
        self.record = true;
        self
    }

    /// The same renderer, taking each digest's view from `prior` (week →
    /// view and what it read) when it is there: the caller keeps only views
    /// none of whose reads changed since they were made.
    pub fn reusing_digests(mut self, prior: DigestViews) -> Self {
        self.prior_digests = prior;
        self
    }

    /// The same renderer, taking each kind's index order from `prior` (kind
    /// → order and what deciding it read) when it is there: the caller keeps
    /// only orders none of whose reads changed since they were worked out.
    pub fn reusing_orders(self, prior: ListingOrders) -> Self {
        for (kind, order) in prior {
            if let Some(cell) = self.listing_orders.get(&kind) {
                let _ = cell.set(order);
            }
        }
        self
    }

    /// The same renderer, given who is on duty as an earlier renderer
    /// worked it out: the caller keeps it only when none of its reads changed since.
    pub fn reusing_on_duty(self, prior: Option<OnDuty>) -> Self {
        if let Some(prior) = prior {
            let _ = self.on_duty.set(prior);
        }
        self
    }

    /// Who is on duty, if this renderer worked it out or was given it, and what that read.
    pub fn on_duty_worked_out(&self) -> Option<OnDuty> {
        self.on_duty.get().cloned()
    }

    /// Each kind's index order this renderer worked out or was given, and what deciding it read.
    pub fn listing_orders(&self) -> ListingOrders {
        self.listing_orders
            .iter()
            .filter_map(|(&kind, cell)| Some((kind, cell.get()?.clone())))
            .collect()
    }

    /// Every digest's view and what it read, by week: those this renderer
    /// made, or else the ones it was given to reuse.
    pub fn into_digest_views(self) -> DigestViews {
        match (
            self.digest_pages.into_inner(),
            self.digest_reads.into_inner(),
        ) {
            (Some(pages), Some(reads)) => self
                .views
                .digests()
                .iter()
                .zip(pages)
                .zip(reads)
                .map(|((d, view), reads)| (d.week, (view, reads)))
                .collect(),
            _ => self.prior_digests,
        }
    }

    /// Works out what several outputs share (the org graph, every digest's view)
    /// before outputs are made in parallel.
    pub fn prepare(&self) -> Result<(), RenderError> {
        self.org_graph();
        self.prepare_pages()
    }

    /// [`Renderer::prepare`] but for the organisation's graph, which only
    /// [`needs_org_graph`] jobs read.
    fn prepare_pages(&self) -> Result<(), RenderError> {
        self.listing_order(Kind::Team, &self.views);
        self.health(&self.views);
        self.digest_pages()?;
        Ok(())
    }

    /// Runs `f` with views that note what it reads, when recording.
    fn shared<T>(&self, f: impl FnOnce(&Views) -> T) -> (T, BTreeSet<Read>) {
        let reads = std::sync::Arc::new(ReadSet::default());
        let views = if self.record {
            self.views.recording(reads.clone())
        } else {
            self.views.clone()
        };
        let value = f(&views);
        (value, reads.take())
    }

    /// A kind's index order, noting in `views` what deciding it read.
    fn listing_order(&self, kind: Kind, views: &Views) -> &ListingOrder {
        // Each kind's order is worked out when a first page needs it.
        let (order, reads) = &**self.listing_orders[&kind]
            .get_or_init(|| std::sync::Arc::new(self.shared(|v| v.listing_order(kind))));
        for r in reads {
            views.note(r.clone());
        }
        order
    }

    /// Who is on duty in every rotation, noting in `views` what working it out read.
    fn on_duty(&self, views: &Views) -> &[views::DutyView] {
        let (duties, reads) = &**self
            .on_duty
            .get_or_init(|| std::sync::Arc::new(self.shared(|v| v.on_duty())));
        for r in reads {
            views.note(r.clone());
        }
        duties
    }

    /// Every problem grouped, noting in `views` what grouping them read.
    fn health(&self, views: &Views) -> &HealthView {
        let (health, reads) = self.health.get_or_init(|| self.shared(|v| v.health()));
        for r in reads {
            views.note(r.clone());
        }
        health
    }

    fn highlighter(&self) -> &'static Highlighter {
        highlighter()
    }

    fn org_graph(&self) -> &std::sync::Arc<str> {
        self.org_graph.get_or_init(|| {
            if self.sample {
                // Trying the templates needs a drawing, not the organisation's laid out.
                graph::render_svg("Dependencies", &[], &[]).into()
            } else {
                dependency_graph(&self.views, None, self.graphs)
            }
        })
    }

    fn digest_pages(&self) -> Result<&[std::sync::Arc<digest::DigestPage>], RenderError> {
        if let Some(pages) = self.digest_pages.get() {
            return Ok(pages);
        }
        let made = self
            .views
            .digests()
            .par_iter()
            .map(|d| {
                if let Some((view, reads)) = self.prior_digests.get(&d.week) {
                    return Ok((view.clone(), reads.clone()));
                }
                let (view, reads) = self.shared(|views| {
                    // The digest as link worked it out, the documents it names and what their bodies show.
                    views.note(Read::Digest(d.week));
                    views.note(Read::Fact(Fact::Settings));
                    views.note(Read::Fact(Fact::Dependencies));
                    // Teams are named (and linked); the other documents show their text.
                    let (named, shown) = reads::digest_documents(d);
                    for i in named {
                        views.note_title(i);
                    }
                    for i in shown {
                        views.note_body(i);
                    }
                    digest::page_view(self.tera, views, d)
                });
                Ok((std::sync::Arc::new(view?), std::sync::Arc::new(reads)))
            })
            .collect::<Result<Vec<_>, RenderError>>()?;
        let (pages, reads): (Vec<_>, Vec<_>) = made.into_iter().unzip();
        let _ = self.digest_reads.set(reads);
        Ok(self.digest_pages.get_or_init(|| pages))
    }

    /// Notes that a page shows the digests `range` of `site.digests` as
    /// their pages do ([`Read::DigestView`]).
    fn note_digest_views(&self, views: &Views, range: std::ops::Range<usize>) {
        for d in self.views.digests().get(range).into_iter().flatten() {
            views.note(Read::DigestView(d.week));
        }
    }

    /// Notes what the digests `range` of `site.digests` read.
    fn note_digests(&self, views: &Views, range: std::ops::Range<usize>) {
        if let Some(reads) = self.digest_reads.get() {
            for r in reads.get(range).into_iter().flatten() {
                views.note_all(r);
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn page(
        &self,
        views: &Views,
        job: &Job,
        template: &str,
        section: &str,
        title: &str,
        url: &str,
        values: &[(&str, &dyn erased::Value)],
    ) -> Result<OutputFile, RenderError> {
        // The chrome: the organisation's name, the base path, the navigation.
        views.note(Read::Fact(Fact::Settings));
        views.note(Read::Fact(Fact::Navigation));
        let mut c = context(&self.site_view, section, title, url);
        for (name, value) in values {
            value.insert_into(&mut c, name);
        }
        render_page(self.tera, template, &job.path, &c)
    }

    /// Makes one output file.
    pub fn produce(&self, job: &Job) -> Result<OutputFile, RenderError> {
        self.make(job, &self.views)
    }

    /// Makes one output file and says what it read from the linked site.
    pub fn produce_with_reads(
        &self,
        job: &Job,
    ) -> Result<(OutputFile, BTreeSet<Read>), RenderError> {
        let reads = std::sync::Arc::new(ReadSet::default());
        let file = self.make(job, &self.views.recording(reads.clone()))?;
        Ok((file, reads.take()))
    }

    fn make(&self, job: &Job, views: &Views) -> Result<OutputFile, RenderError> {
        let file = |contents: Vec<u8>| OutputFile {
            path: job.path.clone(),
            contents,
        };
        match &job.output {
            &Output::Document(i) => {
                let kind = views.kind(i);
                let mut page = views.document(i, self.highlighter());
                if let Some(team) = page.team.as_mut() {
                    team.graph = Some(dependency_graph(views, Some(i), self.graphs).to_string());
                }
                let template = format!("{}.html", kind.as_str());
                let title = page.link.title.clone();
                self.page(
                    views,
                    job,
                    &template,
                    kind.url_dir(),
                    &title,
                    views.url(i),
                    &[("page", &page)],
                )
            }
            &Output::Calendar(i) => {
                let Some(c) = views.calendar(i) else {
                    unreachable!("calendars are planned for rotations")
                };
                Ok(file(
                    ics::rotation_calendar(
                        c.id,
                        c.title,
                        c.rotation,
                        c.from,
                        CALENDAR_SHIFTS,
                        c.url.as_deref(),
                    )
                    .into_bytes(),
                ))
            }
            &Output::Digest(n) => {
                let pages = self.digest_pages()?;
                self.note_digests(views, n..n + 1);
                views.note(Read::Fact(Fact::Navigation));
                // Which weeks have a digest, for the links to the weeks either side.
                views.note(Read::Fact(Fact::Weeks));
                let newer = n.checked_sub(1).map(|m| &*pages[m]);
                let older = pages.get(n + 1).map(|p| &**p);
                digest::digest_page(self.tera, &self.site_view, &pages[n], newer, older)
            }
            Output::DigestArchive => {
                let pages = self.digest_pages()?;
                self.note_digest_views(views, 0..pages.len());
                views.note(Read::Fact(Fact::Weeks));
                views.note(Read::Fact(Fact::Navigation));
                digest::digest_archive(self.tera, &self.site_view, pages)
            }
            Output::DigestFeed => {
                let pages = self.digest_pages()?;
                self.note_digest_views(views, 0..pages.len().min(digest::FEED_ENTRIES));
                views.note(Read::Fact(Fact::Weeks));
                digest::digest_feed(views, self.tera, pages)
            }
            Output::AdrFeed => Ok(adr_feed(views)),
            Output::Home => {
                let intro = views.intro(self.highlighter());
                let home = views.home(intro, self.on_duty(views));
                let latest = self.digest_pages()?.first().map(|p| &p.view);
                self.note_digest_views(views, 0..1);
                views.note(Read::Fact(Fact::Weeks));
                self.page(
                    views,
                    job,
                    "home.html",
                    "home",
                    &self.site_view.title,
                    "",
                    &[("home", &home), ("latest_digest", &latest)],
                )
            }
            &Output::Listing(kind, n) => {
                let listing =
                    views.listing(kind, self.listing_order(kind, views), n, self.highlighter());
                let url = page_path(&format!("{}/", kind.url_dir()), n);
                self.page(
                    views,
                    job,
                    &format!("{}_index.html", kind.as_str()),
                    kind.url_dir(),
                    kind.plural_title(),
                    &url,
                    &[("listing", &listing)],
                )
            }
            Output::Tags => {
                let tags = views.tags();
                self.page(
                    views,
                    job,
                    "tags.html",
                    "tags",
                    "Tags",
                    "tags/",
                    &[("tags", &tags)],
                )
            }
            Output::Tag(name, n) => {
                let tag = views.tag(name, *n);
                self.page(
                    views,
                    job,
                    "tag.html",
                    "tags",
                    &format!("Tagged “{}”", tag.name),
                    &page_path(&tag.url, *n),
                    &[("tag", &tag)],
                )
            }
            Output::Graph => {
                views.note_org_graph();
                Ok(file(self.org_graph().as_bytes().to_vec()))
            }
            &Output::Tracker(n) => {
                views.note_org_graph();
                // A large organisation's graph is linked, not inlined: it would outweigh the page.
                let graph = if n == 1 && self.org_graph().len() <= INLINE_GRAPH_BYTES {
                    self.org_graph().to_string()
                } else {
                    String::new()
                };
                let tracker = views.tracker(graph, n);
                self.page(
                    views,
                    job,
                    "dependencies.html",
                    "dependencies",
                    "Dependencies",
                    &page_path("dependencies/", n),
                    &[("tracker", &tracker)],
                )
            }
            Output::Commitments => {
                let commitments = views.upcoming_commitments(90);
                self.page(
                    views,
                    job,
                    "commitments.html",
                    "commitments",
                    "Commitments",
                    "commitments/",
                    &[("commitments", &commitments)],
                )
            }
            &Output::Health(n) => {
                views.note(Read::Fact(Fact::Problems));
                let health = views.health_page(self.health(views), n);
                self.page(
                    views,
                    job,
                    "health.html",
                    "health",
                    "Doc health",
                    &page_path("health/", n),
                    &[("health", &health)],
                )
            }
            Output::NotFound => self.page(
                views,
                job,
                "404.html",
                "",
                "Page not found",
                "404.html",
                &[],
            ),
            Output::Sitemap => {
                note_sitemap(views);
                let parts = sitemap_parts(self.page_paths.len());
                let text = if parts > 0 {
                    sitemap_index(views, parts)
                } else {
                    sitemap(views, &self.page_paths)
                };
                Ok(file(text.into_bytes()))
            }
            &Output::SitemapPart(n) => {
                note_sitemap(views);
                let start = (n - 1) * SITEMAP_URLS;
                let end = (start + SITEMAP_URLS).min(self.page_paths.len());
                Ok(file(
                    sitemap(views, &self.page_paths[start..end]).into_bytes(),
                ))
            }
            Output::SearchPage => self.page(
                views,
                job,
                "search.html",
                "search",
                "Search",
                "search/",
                &[],
            ),
            &Output::Search(n) => Ok(file(views.search_file(n).published())),
            Output::Theme(name) => Ok(file(assets::theme_file(views.root(), name)?)),
            Output::HostHeaders => Ok(file(host_headers().into_bytes())),
        }
    }

    /// The template an output is rendered with, if it uses one.
    pub fn template(&self, job: &Job) -> Option<String> {
        Some(match &job.output {
            &Output::Document(i) => format!("{}.html", self.views.kind(i).as_str()),
            Output::Digest(_) => "digest.html".into(),
            Output::DigestArchive => "digest_index.html".into(),
            Output::DigestFeed => "digest_content.html".into(),
            Output::Home => "home.html".into(),
            Output::Listing(kind, _) => format!("{}_index.html", kind.as_str()),
            Output::Tags => "tags.html".into(),
            Output::Tag(..) => "tag.html".into(),
            Output::Tracker(_) => "dependencies.html".into(),
            Output::Commitments => "commitments.html".into(),
            Output::Health(_) => "health.html".into(),
            Output::NotFound => "404.html".into(),
            Output::SearchPage => "search.html".into(),
            Output::Calendar(_)
            | Output::Search(_)
            | Output::AdrFeed
            | Output::Graph
            | Output::Sitemap
            | Output::SitemapPart(_)
            | Output::Theme(_)
            | Output::HostHeaders => return None,
        })
    }
}

/// The code highlighter, loaded once per process when a first page needs
/// it: `seam serve`'s rebuilds share it (and have it keep what it highlighted).
pub fn highlighter() -> &'static Highlighter {
    static HIGHLIGHTER: std::sync::OnceLock<Highlighter> = std::sync::OnceLock::new();
    HIGHLIGHTER.get_or_init(Highlighter::default)
}

/// The text of `_headers`, the same for every site: the headers Seam
/// recommends, in the form Netlify and Cloudflare Pages read from the
/// published folder. Beside [`PAGE_POLICY`] they forbid framing by other
/// sites (`frame-ancestors`, which a `<meta>` policy cannot set) and
/// content-type sniffing. Other hosts ignore the file.
fn host_headers() -> String {
    format!(
        "# Headers Seam recommends for every file of this site, in the form Netlify and\n\
         # Cloudflare Pages read; other hosts ignore this file. See Seam's docs/security.md.\n\
         /*\n  Content-Security-Policy: {PAGE_POLICY}; frame-ancestors 'self'\n  \
         X-Content-Type-Options: nosniff\n  Referrer-Policy: strict-origin-when-cross-origin\n"
    )
}

/// Notes what a sitemap is made from: every page's address, and the documents' addresses and dates.
fn note_sitemap(views: &Views) {
    views.note(Read::Fact(Fact::Outputs));
    views.note(Read::Fact(Fact::Settings));
    views.note(Read::Fact(Fact::Dates));
}

/// Lets one helper insert values of different types into a template context.
mod erased {
    /// A serialisable value.
    pub(super) trait Value {
        fn insert_into(&self, c: &mut tera::Context, name: &str);
    }
    impl<T: serde::Serialize> Value for T {
        fn insert_into(&self, c: &mut tera::Context, name: &str) {
            c.insert(name.to_string(), self);
        }
    }
}

/// Makes every output file of the site in parallel, handing each to `sink` as it is made.
///
/// Nothing is kept: memory grows with the linked site, not with the output.
/// Returns how many files were made.
pub fn render_each<E: From<RenderError> + Send>(
    site: &Site,
    tera: &Tera,
    graphs: &GraphCache,
    sink: &(dyn Fn(OutputFile) -> Result<(), E> + Sync),
) -> Result<usize, E> {
    // The search index is made first, on every core, and written before
    // the pages: what making it holds is let go before the pages' shared
    // views (listings, digests, the graph) are made, so the two never
    // weigh on memory together. Its paths are Seam's own (`search/`), so
    // planning it apart names the same files as `plan`.
    let is_index = |p: &&Producer| p.name == SEARCH_INDEX;
    let index = plan_of(site, PRODUCERS.iter().filter(is_index));
    let jobs = plan_of(site, PRODUCERS.iter().filter(|p| !is_index(p)));
    let renderer = Renderer::new(site, tera, graphs, &jobs);
    index
        .par_iter()
        .try_for_each(|job| sink(renderer.produce(job)?))?;
    renderer.prepare_pages()?;
    // Laying out a large organisation's graph takes one core for seconds:
    // it is done while the other pages are made, and the pages that show
    // it are made after.
    let (later, now): (Vec<&Job>, Vec<&Job>) = jobs.iter().partition(|j| needs_org_graph(j));
    let ((), made) = rayon::join(
        || {
            renderer.org_graph();
        },
        || {
            now.par_iter()
                .try_for_each(|job| sink(renderer.produce(job)?))
        },
    );
    made?;
    later
        .par_iter()
        .try_for_each(|job| sink(renderer.produce(job)?))?;
    Ok(jobs.len() + index.len())
}

/// Whether making `job` lays out the organisation's dependency graph.
fn needs_org_graph(job: &Job) -> bool {
    matches!(job.output, Output::Graph | Output::Tracker(1))
}

/// Every output file of the site, in memory, sorted by path (for `seam serve` and tests).
pub fn render(site: &Site, tera: &Tera) -> Result<Vec<OutputFile>, RenderError> {
    let files = std::sync::Mutex::new(Vec::new());
    render_each::<RenderError>(site, tera, &GraphCache::default(), &|f| {
        files
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(f);
        Ok(())
    })?;
    let mut files = files
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Every output file of the site with what it read, sorted by path.
pub fn render_with_reads(
    site: &Site,
    tera: &Tera,
) -> Result<Vec<(OutputFile, BTreeSet<Read>)>, RenderError> {
    let graphs = GraphCache::default();
    let jobs = plan(site);
    let renderer = Renderer::new(site, tera, &graphs, &jobs).recording();
    renderer.prepare()?;
    let mut made = jobs
        .par_iter()
        .map(|job| renderer.produce_with_reads(job))
        .collect::<Result<Vec<_>, _>>()?;
    made.sort_by(|a, b| a.0.path.cmp(&b.0.path));
    Ok(made)
}

/// Renders one output per template (and the digest email), so that a template
/// error is found without making the whole site. Returns how many were rendered.
pub fn check_templates(site: &Site, tera: &Tera) -> Result<usize, RenderError> {
    let graphs = GraphCache::default();
    // The search index uses no template: it is not made to check them.
    let jobs = plan_of(site, PRODUCERS.iter().filter(|p| p.name != SEARCH_INDEX));
    let mut renderer = Renderer::new(site, tera, &graphs, &jobs);
    renderer.sample = true;
    let mut seen = std::collections::BTreeSet::new();
    let sample: Vec<&Job> = jobs
        .iter()
        .filter(|job| renderer.template(job).is_some_and(|t| seen.insert(t)))
        .collect();
    renderer.prepare()?;
    let (pages, email) = rayon::join(
        || {
            sample
                .par_iter()
                .try_for_each(|job| renderer.produce(job).map(drop))
        },
        || {
            site.digests
                .first()
                .map(|digest| digest::digest_email(site, tera, digest))
                .transpose()
        },
    );
    pages?;
    Ok(sample.len() + email?.map_or(0, |_| 1))
}

/// Escapes text for XML content and attributes (as for HTML), dropping the
/// characters XML 1.0 does not allow.
pub(crate) fn escape_xml(s: &str) -> String {
    let forbidden = |c: char| {
        ((c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
            || c == '\u{FFFE}'
            || c == '\u{FFFF}'
    };
    if s.chars().any(forbidden) {
        markdown::escape(&s.replace(forbidden, ""))
    } else {
        markdown::escape(s)
    }
}

/// How many ADRs the ADR feed holds.
pub const ADR_FEED_ENTRIES: usize = 20;

/// The Atom feed of the newest ADRs, by date.
fn adr_feed(views: &Views) -> OutputFile {
    let header = views.feed_header();
    let entries = views.adr_feed_entries(&header.base, ADR_FEED_ENTRIES);
    let title = format!("{} decisions", header.author);
    feed::section_feed(
        &header,
        "adrs/",
        title,
        "Architecture decision records, newest first.".into(),
        entries,
    )
}

/// The team dependency graph: the whole organisation, or one team and its direct neighbours.
pub fn dependency_graph(
    views: &Views,
    focus: Option<DocId>,
    graphs: &GraphCache,
) -> std::sync::Arc<str> {
    let g = views.graph(focus);
    graphs.render(&g.title, &g.nodes, &g.edges)
}

/// The most URLs one sitemap file may hold (sitemaps.org); past it, `sitemap.xml` is an index.
pub const SITEMAP_URLS: usize = 50_000;

/// The organisation graph is inlined in the tracker up to this size; larger, it is linked.
pub const INLINE_GRAPH_BYTES: usize = 1 << 20;

/// How many sitemap files `pages` pages need besides `sitemap.xml`: none up to
/// [`SITEMAP_URLS`], when `sitemap.xml` lists them all.
fn sitemap_parts(pages: usize) -> usize {
    if pages > SITEMAP_URLS {
        pages.div_ceil(SITEMAP_URLS)
    } else {
        0
    }
}

/// A sitemap index of `parts` sitemap files, `sitemap-1.xml` on.
fn sitemap_index(views: &Views, parts: usize) -> String {
    let absolute = views.absolute_base();
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for n in 1..=parts {
        out.push_str(&format!(
            "  <sitemap><loc>{}</loc></sitemap>\n",
            markdown::escape(&format!("{absolute}sitemap-{n}.xml"))
        ));
    }
    out.push_str("</sitemapindex>\n");
    out
}

fn sitemap(views: &Views, pages: &[String]) -> String {
    #[derive(Serialize)]
    struct Entry {
        loc: String,
    }
    let absolute = views.absolute_base();
    let dates = views.page_dates();
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for path in pages {
        let url = path.trim_end_matches("index.html");
        let lastmod = dates
            .get(url)
            .map(|d| format!("<lastmod>{d}</lastmod>"))
            .unwrap_or_default();
        let entry = Entry {
            loc: format!("{absolute}{url}"),
        };
        out.push_str(&format!(
            "  <url><loc>{}</loc>{lastmod}</url>\n",
            markdown::escape(&entry.loc)
        ));
    }
    out.push_str("</urlset>\n");
    out
}

/// `base_url` as written when it is absolute, else the path alone.
pub(crate) fn absolute_base(base_url: &str) -> String {
    if base_url.ends_with('/') {
        base_url.to_string()
    } else {
        format!("{base_url}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checking_the_templates_renders_the_search_page_but_makes_no_index() {
        let site = crate::site::test_site(
            &[("handbook/a.md", "---\ntitle: A\n---\nText.\n")],
            "2026-11-20",
        );
        let tera = load_templates(&site.root).unwrap();
        let checked = check_templates(&site, &tera).unwrap();
        assert!(checked > 10, "{checked} templates");
        assert!(site.search.get().is_none(), "the index is left unmade");
        assert!(plan(&site).iter().any(|j| j.path == "search/index.json.gz"));
    }

    #[test]
    fn a_page_lists_its_first_problems_and_counts_the_rest() {
        let n = PAGE_PROBLEMS + 50;
        let body: String = (0..n)
            .map(|i| format!("See [[missing-{i}]].\n\n"))
            .collect();
        let site = crate::site::test_site(
            &[("handbook/a.md", &format!("---\ntitle: A\n---\n{body}"))],
            "2026-11-20",
        );
        let of_page = site
            .diagnostics
            .iter()
            .filter(|d| d.span.file.ends_with("handbook/a.md"))
            .count();
        assert_eq!(of_page, n, "one problem per link");
        let tera = load_templates(&site.root).unwrap();
        let files = render(&site, &tera).unwrap();
        let page = files
            .iter()
            .find(|f| f.path == "handbook/a/index.html")
            .unwrap();
        let html = String::from_utf8_lossy(&page.contents);
        assert_eq!(html.matches("<li class=\"problem ").count(), PAGE_PROBLEMS);
        assert!(
            html.contains(&format!("{n} errors in this document")),
            "{html}"
        );
        assert!(html.contains("And 50 more: <code>seam check</code> lists them all."));
    }

    #[test]
    fn past_50000_pages_the_sitemap_is_an_index_of_parts() {
        assert_eq!(sitemap_parts(0), 0);
        assert_eq!(sitemap_parts(50_000), 0);
        assert_eq!(sitemap_parts(50_001), 2);
        assert_eq!(sitemap_parts(100_000), 2);
        assert_eq!(sitemap_parts(100_001), 3);
        let mut site = crate::site::test_site(&[("index.md", "Home.\n")], "2026-11-20");
        site.config.base_url = "https://wiki.example.com/docs/".into();
        let index = sitemap_index(&Views::new(&site), 3);
        // Read back by an XML parser: a sitemapindex of three absolute sitemap locations.
        let mut reader = quick_xml::Reader::from_str(&index);
        let (mut root, mut locs, mut in_loc) = (None, Vec::new(), false);
        loop {
            match reader.read_event().unwrap() {
                quick_xml::events::Event::Start(e) => {
                    let name = e.name().as_ref().to_string();
                    in_loc = name == "loc";
                    root.get_or_insert(name);
                }
                quick_xml::events::Event::Text(t) if in_loc => {
                    locs.push(t.xml10_content().into_owned())
                }
                quick_xml::events::Event::End(_) => in_loc = false,
                quick_xml::events::Event::Eof => break,
                _ => {}
            }
        }
        assert_eq!(root.as_deref(), Some("sitemapindex"));
        assert_eq!(
            locs,
            [
                "https://wiki.example.com/docs/sitemap-1.xml",
                "https://wiki.example.com/docs/sitemap-2.xml",
                "https://wiki.example.com/docs/sitemap-3.xml"
            ]
        );
    }
}
