//! Stage 5: the linked site to output files, through tera templates.
//!
//! Templates never see domain types: each page gets small serialisable view
//! structs (documented in `docs/templates.md`). Built-in templates and theme
//! files are compiled in; files of the same name in the docs repo's
//! `templates/` and `theme/` folders replace them.

pub mod assets;
pub mod digest;
pub mod feed;
pub mod graph;
pub mod markdown;
pub mod views;

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::link::Site;
use crate::model::Kind;
use markdown::Highlighter;
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
    let mut templates: BTreeMap<String, String> = assets::TEMPLATES
        .iter()
        .map(|(name, body)| (name.to_string(), body.to_string()))
        .collect();
    for (name, path) in assets::local_files(&root.join("templates")) {
        let body =
            std::fs::read_to_string(&path).map_err(|source| RenderError::Read { path, source })?;
        templates.insert(name, body);
    }
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

/// How many shifts after the current one a rotation's calendar holds.
pub const CALENDAR_SHIFTS: usize = 26;

/// Every page, feed and asset of the site.
pub fn render(site: &Site, tera: &Tera) -> Result<Vec<OutputFile>, RenderError> {
    let highlighter = Highlighter::default();
    let site_view = SiteView::new(site);
    let views = Views::new(site);
    // Generated pages own these addresses; a document there (an ADR folder's README) is an introduction.
    let reserved: Vec<String> = Kind::ALL
        .iter()
        .map(|k| format!("{}/", k.url_dir()))
        .chain([
            "".into(),
            "tags/".into(),
            "health/".into(),
            "digest/".into(),
        ])
        .collect();
    let mut files: Vec<OutputFile> = site
        .documents
        .par_iter()
        .enumerate()
        .filter(|(_, d)| !reserved.contains(&d.url))
        .map(|(i, doc)| {
            let mut page = views.document(i, &highlighter);
            if let Some(team) = page.team.as_mut() {
                team.graph = Some(dependency_graph(site, Some(i)));
            }
            let mut c = context(&site_view, doc.kind.url_dir(), &page.link.title, &doc.url);
            c.insert("page", &page);
            render_page(
                tera,
                &format!("{}.html", doc.kind.as_str()),
                &index_path(&doc.url),
                &c,
            )
        })
        .collect::<Result<_, _>>()?;

    let absolute = absolute_base(&site.config.base_url);
    for doc in &site.documents {
        if let crate::model::Details::Rotation(r) = &doc.details {
            let url = format!("{absolute}{}", doc.url);
            let url = url.contains("://").then_some(url.as_str());
            let at = crate::schedule::noon(r, site.today);
            files.push(OutputFile {
                path: format!("{}.ics", doc.url.trim_end_matches('/')),
                contents: crate::ics::rotation_calendar(
                    &doc.id,
                    &doc.title,
                    r,
                    at,
                    CALENDAR_SHIFTS,
                    url,
                )
                .into_bytes(),
            });
        }
    }

    let (digest_files, latest_digest) =
        digest::digest_pages(site, tera, &site_view, &views, &site.digests)?;
    files.extend(digest_files);
    files.push(adr_feed(site));

    let home_intro = site
        .documents
        .iter()
        .position(|d| d.url.is_empty())
        .map(|i| markdown::render_body(&site.documents[i], site, &highlighter));
    let mut c = context(&site_view, "home", &site.config.title, "");
    c.insert("home", &views.home(home_intro, &highlighter));
    c.insert("latest_digest", &latest_digest);
    files.push(render_page(tera, "home.html", "index.html", &c)?);

    for kind in Kind::ALL {
        let listing = views.listing(kind, &highlighter);
        if kind == Kind::Page && listing.items.is_empty() {
            continue;
        }
        let url = format!("{}/", kind.url_dir());
        let mut c = context(&site_view, kind.url_dir(), kind.plural_title(), &url);
        c.insert("listing", &listing);
        files.push(render_page(
            tera,
            &format!("{}_index.html", kind.as_str()),
            &index_path(&url),
            &c,
        )?);
    }

    let tags = views.tags();
    let mut c = context(&site_view, "tags", "Tags", "tags/");
    c.insert("tags", &tags);
    files.push(render_page(tera, "tags.html", "tags/index.html", &c)?);
    for tag in &tags {
        let mut c = context(
            &site_view,
            "tags",
            &format!("Tagged “{}”", tag.name),
            &tag.url,
        );
        c.insert("tag", tag);
        files.push(render_page(tera, "tag.html", &index_path(&tag.url), &c)?);
    }

    let org_graph = dependency_graph(site, None);
    files.push(OutputFile {
        path: "dependencies/graph.svg".into(),
        contents: org_graph.clone().into_bytes(),
    });
    let mut c = context(&site_view, "dependencies", "Dependencies", "dependencies/");
    c.insert("tracker", &views.tracker(org_graph));
    files.push(render_page(
        tera,
        "dependencies.html",
        "dependencies/index.html",
        &c,
    )?);

    let mut c = context(&site_view, "alignments", "Commitments", "commitments/");
    c.insert("commitments", &views.upcoming_commitments(90));
    files.push(render_page(
        tera,
        "commitments.html",
        "commitments/index.html",
        &c,
    )?);

    let mut c = context(&site_view, "health", "Doc health", "health/");
    c.insert("health", &views.health());
    files.push(render_page(tera, "health.html", "health/index.html", &c)?);

    let c = context(&site_view, "", "Page not found", "404.html");
    files.push(render_page(tera, "404.html", "404.html", &c)?);

    files.push(OutputFile {
        path: "sitemap.xml".into(),
        contents: sitemap(site, &files).into_bytes(),
    });
    files.extend(assets::theme_files(&site.root)?);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
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
fn adr_feed(site: &Site) -> OutputFile {
    let base = absolute_base(&site.config.base_url);
    let mut adrs: Vec<&crate::model::Document> = site
        .documents
        .iter()
        .filter(|d| d.kind == Kind::Adr && !d.url.is_empty() && d.url != "adrs/")
        .collect();
    adrs.sort_by(|a, b| b.date.cmp(&a.date).then(b.id.cmp(&a.id)));
    let stamp = |d: Option<chrono::NaiveDate>| crate::digest::utc_midnight(d.unwrap_or(site.today));
    let entries: Vec<feed::Entry> = adrs
        .iter()
        .take(ADR_FEED_ENTRIES)
        .map(|d| {
            let url = format!("{base}{}", d.url);
            feed::Entry {
                id: url.clone(),
                title: match d.status() {
                    Some(status) => format!("{}: {} ({status})", d.id, d.title),
                    None => format!("{}: {}", d.id, d.title),
                },
                link: url,
                updated: stamp(match &d.details {
                    crate::model::Details::Adr(a) => a.status_changed.max(a.date),
                    _ => d.date,
                }),
                summary: d.description.clone(),
                content: markdown::render_body_under(d, site, &base, None),
            }
        })
        .collect();
    feed::section_feed(
        site,
        "adrs/",
        format!("{} decisions", site.config.title),
        "Architecture decision records, newest first.".into(),
        entries,
    )
}

/// The team dependency graph: the whole organisation, or one team and its direct neighbours.
pub fn dependency_graph(site: &Site, focus: Option<usize>) -> String {
    let base = site.config.base_path();
    let deps: Vec<&crate::link::DependencyLink> = site
        .links
        .dependencies
        .iter()
        .filter(|d| d.to.is_some())
        .filter(|d| focus.is_none_or(|f| d.from == f || d.to == Some(f)))
        .collect();
    let teams: Vec<usize> = site
        .documents
        .iter()
        .enumerate()
        .filter(|(i, d)| {
            d.kind == Kind::Team
                && focus.is_none_or(|f| {
                    *i == f || deps.iter().any(|x| x.from == *i || x.to == Some(*i))
                })
        })
        .map(|(i, _)| i)
        .collect();
    let position: BTreeMap<usize, usize> = teams.iter().enumerate().map(|(n, &i)| (i, n)).collect();
    let nodes: Vec<graph::GraphNode> = teams
        .iter()
        .map(|&i| graph::GraphNode {
            label: site.documents[i].title.clone(),
            url: markdown::page_href(&base, &site.documents[i].url, None),
            highlight: focus == Some(i),
        })
        .collect();
    let edges: Vec<graph::GraphEdge> = deps
        .iter()
        .filter_map(|d| {
            let to = d.to?;
            let crate::model::Details::Team(team) = &site.documents[d.from].details else {
                return None;
            };
            let dep = &team.depends_on[d.entry];
            let flags = d.assessment.flag_names();
            let flags = if flags.is_empty() {
                String::new()
            } else {
                format!("; {}", flags.join(", "))
            };
            Some(graph::GraphEdge {
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
    graph::render_svg(&title, &nodes, &edges)
}

fn sitemap(site: &Site, files: &[OutputFile]) -> String {
    #[derive(Serialize)]
    struct Entry {
        loc: String,
    }
    let absolute = absolute_base(&site.config.base_url);
    let dates: std::collections::HashMap<&str, chrono::NaiveDate> = site
        .documents
        .iter()
        .filter_map(|d| Some((d.url.as_str(), d.date?)))
        .collect();
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for f in files.iter().filter(|f| f.path.ends_with("index.html")) {
        let url = f.path.trim_end_matches("index.html");
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
