//! Keeping a built site up to date across edits, for `seam serve`.
//!
//! A [`Workspace`] holds the last build: every Markdown file's typed
//! document and problems, the linked site, the compiled templates, and each
//! output's bytes with what it read ([`Read`]). Given the paths an edit
//! touched, [`Workspace::rebuild`] re-reads only those files, links and
//! checks through the same [`site::link_model_reusing`] a full build uses
//! (when every document kept its id, kind and place, only the re-read ones'
//! references are resolved and their own rules checked again, see
//! [`site::Unchanged`]), and renders again only the outputs whose reads changed, whose
//! template (or a template it includes) changed, or that are new. Every other
//! output keeps its bytes, which are the bytes a full build would make: the
//! tests below replay random edits and compare with full builds byte for byte.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use rayon::prelude::*;
use tera::Tera;

use crate::config::{CONFIG_FILE, Config};
use crate::diagnostic::Diagnostic;
use crate::link::Site;
use crate::load;
use crate::model::{self, Document};
use crate::render::graph::GraphCache;
use crate::render::reads::{Fingerprints, Read, Touched};
use crate::render::{self, DigestViews, Job, Output, RenderError, Renderer};
use crate::site::{self, Digests, Options, SeamError};

/// One output file of the current build.
#[derive(Clone, Debug)]
pub struct Built {
    /// Its bytes.
    pub bytes: Arc<[u8]>,
    /// What it read from the linked site.
    reads: BTreeSet<Read>,
    /// The template it is rendered with, if any.
    template: Option<String>,
}

/// What one Markdown file gave the last build.
#[derive(Debug, Default)]
struct FileState {
    /// Problems reading it.
    load: Vec<Diagnostic>,
    /// Problems typing it.
    model: Vec<Diagnostic>,
    /// Whether it could be read and parsed at all.
    parsed: bool,
}

/// A page kept from an earlier build because its file no longer parses.
#[derive(Clone, Debug)]
pub struct LastGood {
    /// The page's bytes when its file last parsed.
    pub bytes: Arc<[u8]>,
    /// The file, relative to the root.
    pub file: String,
}

/// What one rebuild did.
#[derive(Debug, Default)]
pub struct Rebuilt {
    /// Outputs made again whose bytes changed, or that are new.
    pub changed: Vec<String>,
    /// Outputs made again with the same bytes.
    pub unchanged: usize,
    /// Outputs the site no longer has.
    pub removed: Vec<String>,
    /// Markdown files read again.
    pub reread: usize,
    /// Outputs whose template failed; each keeps its last good bytes and is made again next time.
    pub errors: Vec<RenderError>,
    /// How long each stage took: reading, linking and checking, finding what to make, making it.
    pub stages: Vec<(&'static str, std::time::Duration)>,
}

/// Every output of the current build, with what each read.
#[derive(Default)]
struct Outputs {
    built: fnv::FnvHashMap<String, Built>,
    /// Read → the outputs that read it.
    readers: fnv::FnvHashMap<Read, fnv::FnvHashSet<String>>,
    /// Read → its fingerprint in the current site.
    fingerprints: fnv::FnvHashMap<Read, u64>,
    /// The tracked reads that are not about one document alone, nor what an id names.
    shared: fnv::FnvHashSet<Read>,
    /// Outputs that failed to render last time.
    failed: BTreeSet<String>,
    /// The paths of the last plan, hashed (the fingerprint of [`crate::render::reads::Fact::Outputs`]).
    plan: Option<u64>,
    /// What linking said about each document in the current site, and its
    /// problems, hashed ([`Fingerprints::links`], [`Fingerprints::problems`]).
    hashed: [crate::model::IdMap<u64>; 2],
    /// The current site's per-document hashes ([`Fingerprints::dense`]).
    dense: crate::render::reads::Dense,
}

impl Outputs {
    /// Reads whose fingerprint in the current site differs from the last
    /// build's; remembers the new ones. With `touched` (see
    /// [`Read::may_have_changed`]), only reads that may have changed are
    /// looked at, and a kind's listing and order only when one of its
    /// entries changed (or is not tracked).
    fn changed_reads(&mut self, now: &Fingerprints, touched: Option<&mut Touched>) -> Vec<Read> {
        let Some(touched) = touched else {
            return self.refingerprint(now, |_| true);
        };
        // The touched documents' own reads, and the others that may have changed.
        let mut first: Vec<Read> = touched
            .documents
            .iter()
            .flat_map(|&key| Read::of_document(key))
            .filter(|r| self.fingerprints.contains_key(r))
            .collect();
        first.extend(
            self.shared
                .iter()
                .filter(|r| !r.is_listing() && r.may_have_changed(touched))
                .cloned(),
        );
        let mut stale = self.refingerprint_these(now, first);
        let changed: HashSet<&Read> = stale.iter().collect();
        let entries = touched
            .documents
            .iter()
            .filter(|key| {
                let entry = Read::Entry(**key);
                changed.contains(&entry) || !self.fingerprints.contains_key(&entry)
            })
            .filter_map(|key| now.kind_of(*key))
            .collect();
        touched.entries = Some(entries);
        let listings: Vec<Read> = self
            .shared
            .iter()
            .filter(|r| r.is_listing() && r.may_have_changed(touched))
            .cloned()
            .collect();
        stale.extend(self.refingerprint_these(now, listings));
        stale
    }

    /// Fingerprints again `reads` (each tracked); returns those that changed.
    fn refingerprint_these(&mut self, now: &Fingerprints, reads: Vec<Read>) -> Vec<Read> {
        let fresh: Vec<(Read, u64)> = reads
            .into_par_iter()
            .map(|r| {
                let fp = now.of(&r);
                (r, fp)
            })
            .collect();
        let mut stale = Vec::new();
        for (read, fresh) in fresh {
            if let Some(fp) = self.fingerprints.get_mut(&read)
                && *fp != fresh
            {
                *fp = fresh;
                stale.push(read);
            }
        }
        stale
    }

    /// Fingerprints again the reads `which` picks; returns those that changed.
    fn refingerprint(
        &mut self,
        now: &Fingerprints,
        which: impl Fn(&Read) -> bool + Sync,
    ) -> Vec<Read> {
        self.fingerprints
            .par_iter_mut()
            .filter(|(read, _)| which(read))
            .filter_map(|(read, fp)| {
                let fresh = now.of(read);
                (fresh != *fp).then(|| {
                    *fp = fresh;
                    read.clone()
                })
            })
            .collect()
    }

    /// Makes `chosen` (planned among `jobs`) in parallel, recording what each read.
    /// An output whose template fails keeps its last good bytes.
    fn render(
        &mut self,
        renderer: &Renderer,
        now: &Fingerprints,
        chosen: &[&Job],
    ) -> Vec<RenderError> {
        let made: Vec<(String, Option<String>, Result<_, RenderError>)> = chosen
            .par_iter()
            .map(|job| {
                (
                    job.path.clone(),
                    renderer.template(job),
                    renderer.produce_with_reads(job),
                )
            })
            .collect();
        let mut errors = Vec::new();
        for (path, template, result) in made {
            match result {
                Ok((file, reads)) => {
                    self.failed.remove(&path);
                    // Only the reads it no longer makes, or makes for the first time, change the index.
                    let before = self
                        .built
                        .remove(&path)
                        .map(|b| b.reads)
                        .unwrap_or_default();
                    for read in before.difference(&reads) {
                        self.unread(read, &path);
                    }
                    for read in reads.difference(&before) {
                        self.readers
                            .entry(read.clone())
                            .or_default()
                            .insert(path.clone());
                        if !self.fingerprints.contains_key(read) {
                            self.fingerprints.insert(read.clone(), now.of(read));
                            if read.document().is_none() && !matches!(read, Read::Name(..)) {
                                self.shared.insert(read.clone());
                            }
                        }
                    }
                    let built = Built {
                        bytes: file.contents.into(),
                        reads,
                        template,
                    };
                    self.built.insert(path, built);
                }
                Err(e) => {
                    self.failed.insert(path);
                    errors.push(e);
                }
            }
        }
        errors
    }

    /// Drops an output and its reads.
    fn forget(&mut self, path: &str) {
        if let Some(built) = self.built.remove(path) {
            for read in &built.reads {
                self.unread(read, path);
            }
        }
    }

    /// Notes that `path` no longer reads `read`; a read nothing reads any more is forgotten.
    fn unread(&mut self, read: &Read, path: &str) {
        if let Some(outputs) = self.readers.get_mut(read) {
            outputs.remove(path);
            if outputs.is_empty() {
                self.readers.remove(read);
                self.fingerprints.remove(read);
                self.shared.remove(read);
            }
        }
    }
}

/// A built site kept up to date across edits.
pub struct Workspace {
    options: Options,
    /// The root with symlinks resolved, as file-system events name it.
    canonical_root: PathBuf,
    config: Config,
    today: NaiveDate,
    site: Site,
    /// Each document's own problems from the last check.
    checked: crate::check::Checked,
    files: HashMap<String, FileState>,
    templates: BTreeMap<String, String>,
    tera: Tera,
    graphs: GraphCache,
    outputs: Outputs,
    last_good: HashMap<String, LastGood>,
    /// Each digest's view and what it read, reused while none of its reads change.
    digest_views: DigestViews,
    /// Each kind's index order as the last renderer worked it out, and what that read.
    listing_orders: render::ListingOrders,
    /// Who is on duty as the last renderer worked it out, and what that read.
    on_duty: Option<render::OnDuty>,
    /// The search index as last made, patched for the documents an edit changes.
    search: render::search::Indexer,
    /// The problems of reading and typing the files, as [`file_problems`] last gave them.
    file_problems: Vec<Diagnostic>,
    /// The content folder's files as last listed, and their paths relative to the root.
    listing: load::Listing,
    listed: HashSet<PathBuf>,
}

impl Workspace {
    /// Builds the site of `options.root` in memory, every output recording what it read.
    pub fn open(options: &Options) -> Result<Workspace, SeamError> {
        let options = Options {
            digests: Digests::All,
            ..options.clone()
        };
        let (config, today, _) = site::settings(&options)?;
        // Rebuilds re-render pages whose code blocks did not change.
        render::highlighter().keep();
        let templates = render::template_sources(&options.root)?;
        let tera = render::compile_templates(&templates)?;
        let listing = load::walk(&options.root, &config)?;
        let root = options.root.clone();
        let read: Vec<(String, Option<Document>, FileState)> = listing
            .markdown
            .par_iter()
            .map(|(path, rel)| read_one(&root, path, rel, &config))
            .collect();
        let (linked, files, file_problems) = assemble(&root, config.clone(), today, &listing, read);
        let site::Linked { site, checked, .. } = linked;
        let mut workspace = Workspace {
            canonical_root: root.canonicalize().unwrap_or_else(|_| root.clone()),
            options,
            config,
            today,
            site,
            checked,
            files,
            templates,
            tera,
            graphs: GraphCache::default(),
            outputs: Outputs::default(),
            last_good: HashMap::new(),
            digest_views: HashMap::new(),
            listing_orders: Default::default(),
            on_duty: None,
            search: Default::default(),
            file_problems,
            listed: listed(&root, &listing),
            listing,
        };
        let index = workspace.search.index(&workspace.site);
        let _ = workspace.site.search.set(index);
        let jobs = render::plan(&workspace.site);
        let renderer =
            Renderer::new(&workspace.site, &workspace.tera, &workspace.graphs, &jobs).recording();
        let now = Fingerprints::new(&workspace.site).with_plan(&jobs);
        let chosen: Vec<&Job> = jobs.iter().collect();
        let errors = workspace.outputs.render(&renderer, &now, &chosen);
        workspace.outputs.hashed = [now.links().clone(), now.problems().clone()];
        workspace.outputs.dense = now.into_dense();
        workspace.listing_orders = renderer.listing_orders();
        workspace.on_duty = renderer.on_duty_worked_out();
        workspace.digest_views = renderer.into_digest_views();
        if let Some(e) = errors.into_iter().next() {
            return Err(e.into());
        }
        Ok(workspace)
    }

    /// The options the workspace was opened with.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The linked site of the current build.
    pub fn site(&self) -> &Site {
        &self.site
    }

    /// Every output of the current build, by path.
    pub fn outputs(&self) -> impl Iterator<Item = (&str, &Arc<[u8]>)> {
        self.outputs
            .built
            .iter()
            .map(|(p, b)| (p.as_str(), &b.bytes))
    }

    /// The bytes of one output of the current build.
    pub fn output(&self, path: &str) -> Option<&Arc<[u8]>> {
        self.outputs.built.get(path).map(|b| &b.bytes)
    }

    /// Pages kept from an earlier build because their file stopped parsing, by output path.
    pub fn last_good(&self) -> &HashMap<String, LastGood> {
        &self.last_good
    }

    /// Brings the build up to date after an edit touched `paths` (absolute
    /// or relative to the root; files or folders; created, changed or deleted).
    ///
    /// When this fails (a template does not compile, `seam.toml` is wrong,
    /// the content folder is gone), the workspace keeps the last good build
    /// and the error says why.
    pub fn rebuild(&mut self, paths: &[PathBuf]) -> Result<Rebuilt, SeamError> {
        let mut clock = Clock::start();
        let root = self.options.root.clone();
        let touched: Vec<PathBuf> = paths
            .iter()
            .map(|p| {
                p.strip_prefix(&self.canonical_root)
                    .or_else(|_| p.strip_prefix(&root))
                    .unwrap_or(p)
                    .to_path_buf()
            })
            .collect();
        let under = |dir: &str| touched.iter().any(|p| p.starts_with(dir));
        let settings_changed = touched.iter().any(|p| p == Path::new(CONFIG_FILE));
        let theme_changed = under("theme");

        // Everything that can fail comes before the last build is taken apart.
        let (config, today) = if settings_changed {
            let (config, today, _) = site::settings(&self.options)?;
            (config, today)
        } else {
            (self.config.clone(), self.today)
        };
        let mut changed_templates = BTreeSet::new();
        let mut templates = None;
        if under("templates") {
            let sources = render::template_sources(&root)?;
            let compiled = render::compile_templates(&sources)?;
            for name in sources.keys().chain(self.templates.keys()) {
                if sources.get(name) != self.templates.get(name) {
                    changed_templates.insert(name.clone());
                }
            }
            changed_templates = dependents(&sources, &changed_templates);
            templates = Some((sources, compiled));
        }
        // Edits of files already listed leave the listing as it is; anything
        // else (a new, deleted or renamed file, a folder) lists the folder again.
        let content_dir: PathBuf = config
            .content_dir
            .components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect();
        let walked = settings_changed
            || touched.iter().any(|t| {
                t.starts_with(&content_dir) && !(self.listed.contains(t) && root.join(t).is_file())
            });
        let listing = if walked {
            load::walk(&root, &config)?
        } else {
            std::mem::take(&mut self.listing)
        };
        if let Some((sources, compiled)) = templates {
            self.templates = sources;
            self.tera = compiled;
        }

        // Read again the files the edit named (or that sit in a folder it
        // named, or are new); keep every other file's document as it was.
        let everything = settings_changed;
        let content = PathBuf::from(&config.content_dir);
        let file_of = |rel: &str| crate::diagnostic::display_path(&content.join(rel));
        // A touched path names a file under it, or the whole content folder.
        let under_content: Vec<&Path> = touched
            .iter()
            .filter_map(|t| t.strip_prefix(&content_dir).ok())
            .collect();
        let named: Vec<usize> = if !everything && !walked {
            // The listing stands, so each touched content path is one listed file.
            let files: HashSet<String> = under_content
                .iter()
                .map(|t| crate::diagnostic::display_path(t))
                .collect();
            (0..listing.markdown.len())
                .filter(|&n| files.contains(&listing.markdown[n].1))
                .collect()
        } else {
            (0..listing.markdown.len())
                .filter(|&n| {
                    let rel = &listing.markdown[n].1;
                    everything
                        || !self.files.contains_key(rel)
                        || under_content.iter().any(|t| Path::new(rel).starts_with(t))
                })
                .collect()
        };
        let mut fresh: Vec<(String, Option<Document>, FileState)> = named
            .par_iter()
            .map(|&n| {
                let (path, rel) = &listing.markdown[n];
                read_one(&root, path, rel, &config)
            })
            .collect();
        let reread = fresh.len();

        // When the files are the ones listed before and every file read again
        // still gives a document with the same id and kind, each document
        // keeps its position and linking and checking redo only those.
        let same_files = !everything
            && (!walked
                || (listing.markdown.len() == self.listing.markdown.len()
                    && listing
                        .markdown
                        .iter()
                        .zip(&self.listing.markdown)
                        .all(|(a, b)| a.1 == b.1)));
        let mut reread_keys = Vec::with_capacity(fresh.len());
        let mut places = Vec::with_capacity(fresh.len());
        let in_place = same_files
            && fresh.iter().all(|(rel, doc, _)| {
                let old = self.site.index.by_path(rel);
                let same = match (old.map(|i| &self.site.documents[i]), doc) {
                    (Some(old), Some(new)) => old.id == new.id && old.kind == new.kind,
                    _ => false,
                };
                if let Some(old) = old.filter(|_| same) {
                    reread_keys.push(old);
                    places.push(self.site.documents.position(old));
                }
                same
            });
        let kept_places: Option<Vec<crate::model::DocId>> = in_place.then(|| {
            fresh
                .iter()
                .filter_map(|(_, doc, _)| doc.as_ref().map(|d| d.key))
                .collect()
        });
        let (linked, files) = if in_place {
            let mut documents = std::mem::take(&mut self.site.documents).into_vec();
            let mut files = std::mem::take(&mut self.files);
            let mut past_alike = true;
            let mut problems_alike = true;
            for ((rel, doc, state), &i) in fresh.drain(..).zip(&places) {
                let doc = doc.expect("only files that still give a document are kept in place");
                let shape = crate::digest::past_shape(&doc);
                past_alike &= shape.is_some() && shape == crate::digest::past_shape(&documents[i]);
                problems_alike &= files
                    .get(&rel)
                    .is_some_and(|old| old.load == state.load && old.model == state.model);
                documents[i] = doc;
                files.insert(rel, state);
            }
            clock.lap("read");
            // The files' problems are the last build's unless a re-read file's changed.
            if !problems_alike {
                self.file_problems = file_problems(
                    &listing.problems,
                    listing
                        .markdown
                        .iter()
                        .filter_map(|(_, rel)| files.get(rel)),
                );
            }
            let diagnostics = self.file_problems.clone();
            let model = model::Model {
                root: root.clone(),
                config: config.clone(),
                documents,
                assets: listing.assets.clone(),
                diagnostics,
            };
            let unchanged = site::Unchanged {
                index: std::mem::take(&mut self.site.index),
                links: crate::link::Unchanged {
                    last: std::mem::take(&mut self.site.links),
                    reread: reread_keys,
                },
                checked: std::mem::take(&mut self.checked),
                digests: past_alike.then(|| std::mem::take(&mut self.site.digests)),
            };
            let linked = site::link_model_reusing(model, today, Digests::All, Some(unchanged));
            (linked, files)
        } else {
            let mut old_documents: HashMap<String, Document> =
                std::mem::take(&mut self.site.documents)
                    .into_vec()
                    .into_iter()
                    .map(|d| (d.source.rel.clone(), d))
                    .collect();
            let mut old_files = std::mem::take(&mut self.files);
            let mut fresh = fresh.into_iter().peekable();
            let mut read = Vec::with_capacity(listing.markdown.len());
            for (n, (_, rel)) in listing.markdown.iter().enumerate() {
                if fresh.peek().is_some() && named.binary_search(&n).is_ok() {
                    let (rel, doc, state) = fresh.next().expect("one read per named file");
                    // A file that had a page and no longer parses keeps its last good page.
                    if !state.parsed
                        && let Some(old) = old_documents.get(&rel)
                        && let page = format!("{}index.html", old.url)
                        && let Some(built) = self.outputs.built.get(&page)
                    {
                        let last = LastGood {
                            bytes: built.bytes.clone(),
                            file: file_of(&rel),
                        };
                        self.last_good.insert(page, last);
                    }
                    read.push((rel, doc, state));
                } else if let Some(state) = old_files.remove(rel) {
                    read.push((rel.clone(), old_documents.remove(rel), state));
                }
            }
            let _ = std::thread::Builder::new().spawn(move || drop((old_documents, old_files)));
            clock.lap("read");
            let (linked, files, problems) = assemble(&root, config.clone(), today, &listing, read);
            self.file_problems = problems;
            (linked, files)
        };
        clock.lap("link");
        let site::Linked {
            site,
            checked,
            relinked,
            kept_past_digests,
        } = linked;
        if walked {
            self.listed = listed(&root, &listing);
        }
        self.listing = listing;
        // The last build's links, problems and digests are freed out of the rebuild's way.
        let last = std::mem::replace(&mut self.site, site);
        let _ = std::thread::Builder::new().spawn(move || drop(last));
        self.files = files;
        self.checked = checked;
        self.config = config;
        self.today = today;

        // Make again: outputs that are new, whose reads changed, whose
        // template changed, that failed last time, the theme's files when it
        // changed, and everything when the settings changed.
        // The plan and what linking says of each document are worked out side by side.
        // When the relations stand, only the documents `relinked` names are hashed again.
        // The search index: only the documents whose files changed are indexed again.
        if everything {
            self.search = Default::default();
        }
        let index = self.search.index(&self.site);
        let _ = self.site.search.set(index);
        clock.lap("search");
        let last_links = &self.outputs.hashed[0];
        let last_dense = std::mem::take(&mut self.outputs.dense);
        let (jobs, now) = rayon::join(
            || render::plan(&self.site),
            || {
                let last = relinked
                    .as_deref()
                    .map(|r| (last_links.clone(), last_dense, r));
                Fingerprints::reusing(&self.site, last)
            },
        );
        let adr_order = in_place
            .then(|| self.listing_orders.get(&crate::model::Kind::Adr))
            .flatten()
            .map(|order| order.0.documents.clone());
        let now = now.with_plan(&jobs).knowing_adr_order(adr_order);
        // The same paths as last time (by their hash, as the sitemap's read
        // compares them), each built: nothing is gone and nothing is new.
        let plan_hash = now.of(&Read::Fact(crate::render::reads::Fact::Outputs));
        let same_plan =
            self.outputs.plan == Some(plan_hash) && self.outputs.built.len() == jobs.len();
        self.outputs.plan = Some(plan_hash);
        let mut removed: Vec<String> = Vec::new();
        if !same_plan {
            let planned: fnv::FnvHashSet<&str> = jobs.iter().map(|j| j.path.as_str()).collect();
            removed = self
                .outputs
                .built
                .keys()
                .filter(|p| !planned.contains(p.as_str()))
                .cloned()
                .collect();
            for path in &removed {
                self.outputs.forget(path);
            }
        }
        // When every document kept its place, only the reads of documents
        // read again or whose links changed, and site-wide ones, can differ.
        let mut touched =
            kept_places.map(|reread| Touched::after(reread, &self.outputs.hashed, &now));
        if let Some(touched) = touched.as_mut()
            && kept_past_digests
        {
            touched.digests_from = Some(crate::model::Week::of(today));
        }
        let stale = self.outputs.changed_reads(&now, touched.as_mut());
        self.outputs.hashed = [now.links().clone(), now.problems().clone()];
        // Digest views whose reads all stand as they were are not made again;
        // a page that shows a digest as its page does reads it as a whole
        // (`Read::DigestView`), which changed when its view is made again.
        let mut stale = stale;
        let mut prior = std::mem::take(&mut self.digest_views);
        if everything || !changed_templates.is_empty() {
            prior.clear();
        }
        {
            // What was worked out from reads that are all tracked (so that a
            // change to one would be known) stands when none of them changed.
            let stale_set: HashSet<&Read> = stale.iter().collect();
            let unchanged = |reads: &BTreeSet<Read>| !stale_set.iter().any(|r| reads.contains(*r));
            // A digest's view: its page, when built, records all the view read.
            let built = &self.outputs.built;
            prior.retain(|week, (_, reads)| {
                built.contains_key(&format!("digest/{week}/index.html")) && unchanged(reads)
            });
            // An index order names documents by position: only when every
            // document kept its place.
            let fingerprints = &self.outputs.fingerprints;
            self.listing_orders.retain(|_, order| {
                let reads = &order.1;
                in_place
                    && !everything
                    && reads.iter().all(|r| fingerprints.contains_key(r))
                    && unchanged(reads)
            });
            // Who is on duty names no document by position.
            if let Some(on_duty) = &self.on_duty {
                let reads = &on_duty.1;
                if everything
                    || !reads.iter().all(|r| fingerprints.contains_key(r))
                    || !unchanged(reads)
                {
                    self.on_duty = None;
                }
            }
        }
        stale.extend(
            self.site
                .digests
                .iter()
                .filter(|d| !prior.contains_key(&d.week))
                .map(|d| Read::DigestView(d.week)),
        );
        let outputs = &self.outputs;
        let mut again: fnv::FnvHashSet<&str> = Default::default();
        for read in &stale {
            if let Some(readers) = outputs.readers.get(read) {
                again.extend(readers.iter().map(String::as_str));
            }
        }
        let chosen: Vec<&Job> = jobs
            .iter()
            .filter(|job| {
                // With the same plan every output is built: look up only when asked.
                let built = || outputs.built.get(&job.path);
                everything
                    || (!same_plan && built().is_none())
                    || again.contains(job.path.as_str())
                    || (!outputs.failed.is_empty() && outputs.failed.contains(&job.path))
                    || (theme_changed && matches!(job.output, Output::Theme(_)))
                    || (!changed_templates.is_empty()
                        && built()
                            .and_then(|b| b.template.as_ref())
                            .is_some_and(|t| changed_templates.contains(t)))
            })
            .collect();
        let before: HashMap<String, Arc<[u8]>> = chosen
            .iter()
            .filter_map(|j| {
                let built = outputs.built.get(&j.path)?;
                Some((j.path.clone(), built.bytes.clone()))
            })
            .collect();
        let renderer = Renderer::new(&self.site, &self.tera, &self.graphs, &jobs)
            .recording()
            .reusing_digests(prior)
            // Orders worked out to fingerprint them are this site's; kept ones next.
            .reusing_orders(now.take_orders())
            .reusing_orders(std::mem::take(&mut self.listing_orders))
            .reusing_on_duty(self.on_duty.take());
        clock.lap("plan");
        let errors = self.outputs.render(&renderer, &now, &chosen);
        clock.lap("render");
        self.outputs.dense = now.into_dense();
        self.listing_orders = renderer.listing_orders();
        self.on_duty = renderer.on_duty_worked_out();
        self.digest_views = renderer.into_digest_views();

        // A last good page goes when its page is made again, or its file is gone.
        let outputs = &self.outputs.built;
        if !self.last_good.is_empty() {
            let files: HashSet<String> = self.files.keys().map(|rel| file_of(rel)).collect();
            self.last_good
                .retain(|path, lg| !outputs.contains_key(path) && files.contains(&lg.file));
        }

        let mut report = Rebuilt {
            reread,
            errors,
            stages: clock.laps,
            ..Rebuilt::default()
        };
        for job in chosen {
            match (before.get(&job.path), outputs.get(&job.path)) {
                (Some(a), Some(b)) if *a == b.bytes => report.unchanged += 1,
                (_, Some(_)) => report.changed.push(job.path.clone()),
                _ => {}
            }
        }
        report.changed.sort();
        removed.sort();
        report.removed = removed;
        Ok(report)
    }
}

/// The paths of a listing's files, relative to the root.
fn listed(root: &Path, listing: &load::Listing) -> HashSet<PathBuf> {
    let relative = |p: &Path| p.strip_prefix(root).unwrap_or(p).to_path_buf();
    listing
        .markdown
        .iter()
        .map(|(p, _)| relative(p))
        .chain(listing.assets.iter().map(|a| relative(&a.source)))
        .collect()
}

/// Times the stages of a rebuild.
struct Clock {
    last: std::time::Instant,
    laps: Vec<(&'static str, std::time::Duration)>,
}

impl Clock {
    fn start() -> Clock {
        Clock {
            last: std::time::Instant::now(),
            laps: Vec::new(),
        }
    }

    fn lap(&mut self, stage: &'static str) {
        let now = std::time::Instant::now();
        self.laps.push((stage, now - self.last));
        self.last = now;
    }
}

/// Reads and types one Markdown file.
fn read_one(
    root: &Path,
    path: &Path,
    rel: &str,
    config: &Config,
) -> (String, Option<Document>, FileState) {
    let (source, load) = load::read_source(root, path, rel, config);
    let source_parsed = source.is_some();
    let (document, model) = match source {
        Some(s) => model::document_from_source(s, config),
        None => (None, Vec::new()),
    };
    let state = FileState {
        parsed: source_parsed,
        load,
        model,
    };
    (rel.to_string(), document, state)
}

/// Links the documents of every file, in path order, into a site, with
/// the problems in the order a full build finds them.
fn assemble(
    root: &Path,
    config: Config,
    today: NaiveDate,
    listing: &load::Listing,
    read: Vec<(String, Option<Document>, FileState)>,
) -> (site::Linked, HashMap<String, FileState>, Vec<Diagnostic>) {
    let assets = listing.assets.clone();
    let diagnostics = file_problems(&listing.problems, read.iter().map(|(_, _, s)| s));
    let problems = diagnostics.clone();
    let mut documents = Vec::with_capacity(read.len());
    let mut files = HashMap::with_capacity(read.len());
    for (rel, doc, state) in read {
        documents.extend(doc);
        files.insert(rel, state);
    }
    let model = model::Model {
        root: root.to_path_buf(),
        config,
        documents,
        assets,
        diagnostics,
    };
    let linked = site::link_model_reusing(model, today, Digests::All, None);
    (linked, files, problems)
}

/// The problems of reading and typing files, in the order a full build finds
/// them: what listing the folder found, then every file's reading problems,
/// then every file's typing problems.
fn file_problems<'a>(
    listed: &[Diagnostic],
    states: impl Iterator<Item = &'a FileState> + Clone,
) -> Vec<Diagnostic> {
    let load = listed
        .iter()
        .cloned()
        .chain(states.clone().flat_map(|s| s.load.iter().cloned()));
    load.chain(states.flat_map(|s| s.model.iter().cloned()))
        .collect()
}

/// The templates in `changed` and every template that extends, includes or imports one of them.
fn dependents(
    templates: &BTreeMap<String, String>,
    changed: &BTreeSet<String>,
) -> BTreeSet<String> {
    let uses: BTreeMap<&str, BTreeSet<String>> = templates
        .iter()
        .map(|(name, body)| (name.as_str(), template_uses(body)))
        .collect();
    let mut out = changed.clone();
    loop {
        let before = out.len();
        for (name, used) in &uses {
            if used.iter().any(|u| out.contains(u)) {
                out.insert(name.to_string());
            }
        }
        if out.len() == before {
            return out;
        }
    }
}

/// The templates a template's `extends`, `include` and `import` tags name.
fn template_uses(body: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut rest = body;
    while let Some(start) = rest.find("{%") {
        let tag = &rest[start + 2..];
        let end = tag.find("%}").unwrap_or(tag.len());
        let inside = tag[..end].trim_start_matches('-').trim_start();
        let keyword = inside.split_whitespace().next().unwrap_or("");
        if matches!(keyword, "extends" | "include" | "import") {
            let mut quoted = inside.split(['"', '\'']).skip(1).step_by(2);
            names.extend(quoted.by_ref().map(str::to_string));
        }
        rest = &tag[end..];
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Rng, edit, edit_around, repo};

    fn options(root: &Path) -> Options {
        Options {
            root: root.to_path_buf(),
            today: Some("2026-11-20".parse().unwrap()),
            base_url: None,
            source_date_epoch: None,
            digests: Digests::All,
            out: None,
        }
    }

    /// Asserts that the workspace's outputs are, byte for byte, a full
    /// build's of the same files (and the rebuild had no errors); returns how many there are.
    fn assert_equals_full_build(
        workspace: &Workspace,
        report: &Rebuilt,
        root: &Path,
        context: &str,
    ) -> usize {
        assert!(report.errors.is_empty(), "{context}: {:?}", report.errors);
        let rebuilt: BTreeMap<String, Vec<u8>> = workspace
            .outputs()
            .map(|(p, b)| (p.to_string(), b.to_vec()))
            .collect();
        let full = full_build(root);
        let text = |b: Option<&Vec<u8>>| {
            b.map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_else(|| "(missing)".into())
        };
        let paths: BTreeSet<&String> = rebuilt.keys().chain(full.keys()).collect();
        for path in paths {
            assert!(
                rebuilt.get(path) == full.get(path),
                "{context}: {path} differs from a full build\n--- rebuilt:\n{}\n--- full:\n{}",
                text(rebuilt.get(path)),
                text(full.get(path)),
            );
        }
        full.len()
    }

    /// Writes `text` to `path` (under `root`, also in `files`) and rebuilds.
    fn rewrite(
        workspace: &mut Workspace,
        root: &Path,
        files: &mut BTreeMap<String, String>,
        path: &str,
        text: String,
    ) -> Rebuilt {
        let before = files.clone();
        files.insert(path.to_string(), text);
        let touched = sync(root, &before, files);
        workspace.rebuild(&touched).unwrap()
    }

    /// One output of the workspace, as text.
    fn page(workspace: &Workspace, path: &str) -> String {
        String::from_utf8_lossy(workspace.output(path).unwrap()).into_owned()
    }

    /// Every output of a full build of `root`, by path.
    fn full_build(root: &Path) -> BTreeMap<String, Vec<u8>> {
        let (site, _) = site::assemble(&options(root), &|_| {}).unwrap();
        site::render(&site)
            .unwrap()
            .into_iter()
            .map(|f| (f.path, f.contents))
            .collect()
    }

    /// Writes the files that differ between `before` and `after` (paths
    /// relative to the root) and returns the paths it touched.
    fn sync(
        root: &Path,
        before: &BTreeMap<String, String>,
        after: &BTreeMap<String, String>,
    ) -> Vec<PathBuf> {
        let mut touched = Vec::new();
        for (path, text) in after {
            if before.get(path) != Some(text) {
                let p = root.join(path);
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(&p, text).unwrap();
                touched.push(p);
            }
        }
        for path in before.keys().filter(|p| !after.contains_key(*p)) {
            let p = root.join(path);
            std::fs::remove_file(&p).unwrap();
            touched.push(p);
        }
        touched
    }

    /// After random sequences of edits of every kind — content, front
    /// matter, references, create, delete, rename, tags, dependencies,
    /// templates, theme, `seam.toml`, files that stop parsing and parse
    /// again — the rebuilt site is byte for byte a full build of the same files.
    #[test]
    fn rebuilds_after_any_edits_equal_full_builds() {
        let mut rng = Rng(0x0dd_ba11_5eed);
        let mut remade = 0;
        let mut total = 0;
        for sequence in 0..6 {
            let tmp = tempfile::tempdir().unwrap();
            let root = tmp.path();
            let mut files: BTreeMap<String, String> = repo(&mut rng)
                .into_iter()
                .map(|(k, v)| (format!("content/{k}"), v))
                .collect();
            sync(root, &BTreeMap::new(), &files);
            let mut workspace = Workspace::open(&options(root)).unwrap();
            for step in 0..10 {
                let before = files.clone();
                let mut done = Vec::new();
                // Up to three edits at once, as one batch of events.
                for n in 0..1 + rng.below(3) {
                    let serial = sequence * 100 + step * 10 + n;
                    if rng.below(3) == 0 {
                        done.push(edit_around(&mut rng, &mut files, serial));
                    } else {
                        let mut content: BTreeMap<String, String> = files
                            .iter()
                            .filter_map(|(k, v)| {
                                Some((k.strip_prefix("content/")?.to_string(), v.clone()))
                            })
                            .collect();
                        done.push(edit(&mut rng, &mut content, serial));
                        files.retain(|k, _| !k.starts_with("content/"));
                        files.extend(
                            content
                                .into_iter()
                                .map(|(k, v)| (format!("content/{k}"), v)),
                        );
                    }
                }
                let touched = sync(root, &before, &files);
                let report = workspace.rebuild(&touched).unwrap();
                let outputs = assert_equals_full_build(
                    &workspace,
                    &report,
                    root,
                    &format!("sequence {sequence}, step {step} ({done:?})"),
                );
                remade += report.changed.len() + report.unchanged;
                total += outputs;
            }
        }
        eprintln!("60 rebuilds made {remade} of {total} outputs again");
        assert!(
            remade < total,
            "rebuilds made everything again: {remade} of {total}"
        );
    }

    /// Edits of an imported ADR folder — a second file with a taken number
    /// (both fall back to their file names), its removal, a supersession
    /// stated on one side only, a template — rebuild to a full build's bytes.
    #[test]
    fn rebuilds_of_imported_adrs_equal_full_builds() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let nygard = |n: u32, title: &str, status: &str| {
            format!(
                "# {n}. {title}\n\nDate: 2020-01-0{n}\n\n## Status\n\n{status}\n\n## Context\n\nx\n\n## Decision\n\ny\n\n## Consequences\n\nz\n"
            )
        };
        let mut files: BTreeMap<String, String> = BTreeMap::new();
        files.insert(
            "seam.toml".into(),
            "[kinds.adr]\nformat = \"auto\"\n".into(),
        );
        files.insert("content/adrs/0001-a.md".into(), nygard(1, "A", "Accepted"));
        files.insert("content/adrs/0002-b.md".into(), nygard(2, "B", "Accepted"));
        files.insert("content/teams/t.md".into(), "---\nname: T\n---\n\nSee [[ADR-0002]] and [b](../adrs/0002-b.md).\n\n## Current Priorities\n\nx\n\n## Looking for Input On\n\nx\n\n## Recent Wins\n\nx\n".into());
        sync(root, &BTreeMap::new(), &files);
        let mut workspace = Workspace::open(&options(root)).unwrap();
        let steps: Vec<(&str, Option<String>)> = vec![
            ("content/adrs/0002-c.md", Some(nygard(2, "C", "Accepted"))),
            (
                "content/adrs/0003-d.md",
                Some(nygard(3, "D", "Accepted\n\nSupersedes [1. A](0001-a.md)")),
            ),
            ("content/adrs/0002-c.md", None),
            (
                "content/adrs/0001-a.md",
                Some(nygard(1, "A", "Superseded by [3. D](0003-d.md)")),
            ),
            (
                "content/adrs/adr-template.md",
                Some("---\nstatus: {proposed | accepted}\n---\n".into()),
            ),
            ("content/adrs/0003-d.md", None),
        ];
        for (step, (path, text)) in steps.into_iter().enumerate() {
            let before = files.clone();
            match text {
                Some(t) => files.insert(path.to_string(), t),
                None => files.remove(path),
            };
            let touched = sync(root, &before, &files);
            let report = workspace.rebuild(&touched).unwrap();
            assert_equals_full_build(&workspace, &report, root, &format!("step {step}"));
        }
        let pages: Vec<String> = workspace.outputs().map(|(p, _)| p.to_string()).collect();
        assert!(
            pages.contains(&"adrs/adr-0002/index.html".to_string()),
            "{pages:?}"
        );
    }

    #[test]
    fn a_reference_taken_out_leaves_its_target_without_the_backlink() {
        // Only the edited team's file changes; the team it stopped naming
        // loses a backlink, and its page has to be made again.
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let team = |title: &str, body: &str| format!("---\nname: {title}\n---\n\n{body}\n");
        let mut files = BTreeMap::new();
        files.insert("content/teams/a.md".to_string(), team("A", "We use [[b]]."));
        files.insert("content/teams/b.md".to_string(), team("B", "We serve."));
        files.insert("content/teams/c.md".to_string(), team("C", "We watch."));
        sync(root, &BTreeMap::new(), &files);
        let mut workspace = Workspace::open(&options(root)).unwrap();
        let steps = [
            ("We use [[c]].", "teams/b/index.html"),
            ("We use nothing.", "teams/c/index.html"),
        ];
        for (body, target) in steps {
            let report = rewrite(
                &mut workspace,
                root,
                &mut files,
                "content/teams/a.md",
                team("A", body),
            );
            assert!(
                report.changed.contains(&target.to_string()),
                "{body}: {:?}",
                report.changed
            );
            assert_equals_full_build(&workspace, &report, root, body);
        }
    }

    #[test]
    fn an_adr_accepted_leaves_the_home_page_open_for_comment_list() {
        // The home page picks open ADRs by status and comment period; the
        // edit changes neither the ADR's title nor its place.
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let adr = |status: &str| {
            format!(
                "---\ntitle: Use queues\nstatus: {status}\ndate: 2026-11-02\ncomment_by: 2026-12-01\n---\n\n## Context\n\nWhy.\n\n## Decision\n\nQueues.\n\n## Consequences\n\nFewer calls.\n"
            )
        };
        let mut files = BTreeMap::new();
        files.insert(
            "content/adrs/0001-use-queues.md".to_string(),
            adr("proposed"),
        );
        sync(root, &BTreeMap::new(), &files);
        let mut workspace = Workspace::open(&options(root)).unwrap();
        let home = |w: &Workspace| page(w, "index.html");
        assert!(home(&workspace).contains("Open for comment"));
        let report = rewrite(
            &mut workspace,
            root,
            &mut files,
            "content/adrs/0001-use-queues.md",
            adr("accepted"),
        );
        assert!(
            !home(&workspace).contains("Open for comment"),
            "{:?}",
            report.changed
        );
        assert_equals_full_build(&workspace, &report, root, "accepted");
    }

    #[test]
    fn an_adr_redated_joins_the_home_pages_recent_decisions() {
        // The home page lists the ten newest ADRs; the oldest of thirteen,
        // dated again into a week that has a digest already, becomes the newest. The home
        // page read nothing of it before but the dates it picks by.
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let adr = |n: usize, date: &str| {
            format!(
                "---\ntitle: Decision number {n}\nstatus: accepted\ndate: {date}\n---\n\n## Context\n\nWhy.\n"
            )
        };
        let mut files = BTreeMap::new();
        for n in 1..=12 {
            files.insert(
                format!("content/adrs/{n:04}-decision.md"),
                // The first shares its week with the second, so no week loses its digest.
                adr(
                    n,
                    &if n == 1 {
                        "2025-01-31".to_string()
                    } else {
                        format!("2025-{n:02}-01")
                    },
                ),
            );
        }
        // One in the build's week, so that its digest is the home page's.
        files.insert(
            "content/adrs/0013-decision.md".into(),
            adr(13, "2026-11-17"),
        );
        sync(root, &BTreeMap::new(), &files);
        let mut workspace = Workspace::open(&options(root)).unwrap();
        let home = |w: &Workspace| page(w, "index.html");
        assert!(!home(&workspace).contains("Decision number 1<"));
        let report = rewrite(
            &mut workspace,
            root,
            &mut files,
            "content/adrs/0001-decision.md",
            adr(1, "2025-12-02"),
        );
        assert!(
            home(&workspace).contains("Decision number 1<"),
            "{:?}",
            report.changed
        );
        assert_equals_full_build(&workspace, &report, root, "redated");
    }

    #[test]
    fn a_problem_typing_a_file_comes_and_goes_as_in_a_full_build() {
        // An unknown status is found typing the file, which keeps its id,
        // kind and place: the problem still shows on the health page and is gone when fixed.
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let adr = |status: &str| {
            format!(
                "---\ntitle: Use queues\nstatus: {status}\ndate: 2026-11-02\n---\n\n## Context\n\nWhy.\n"
            )
        };
        let mut files = BTreeMap::new();
        files.insert(
            "content/adrs/0001-use-queues.md".to_string(),
            adr("accepted"),
        );
        sync(root, &BTreeMap::new(), &files);
        let mut workspace = Workspace::open(&options(root)).unwrap();
        for status in ["wibble", "accepted"] {
            let report = rewrite(
                &mut workspace,
                root,
                &mut files,
                "content/adrs/0001-use-queues.md",
                adr(status),
            );
            let found = workspace
                .site()
                .diagnostics
                .iter()
                .any(|d| d.code == crate::diagnostic::codes::UNKNOWN_STATUS);
            assert_eq!(found, status == "wibble", "{status}");
            assert_equals_full_build(&workspace, &report, root, status);
        }
    }

    #[test]
    fn a_retitled_document_moves_between_index_pages_as_in_a_full_build() {
        // More teams than one index page holds: retitling one moves it from
        // the first page to the second, which read nothing of that team
        // before; only the index order says that page changed.
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let team = |title: &str| format!("---\nname: {title}\n---\n\nWhat we do.\n");
        let mut files = BTreeMap::new();
        for n in 0..crate::render::views::PAGE_SIZE + 5 {
            files.insert(
                format!("content/teams/t{n:04}.md"),
                team(&format!("Team {n:04}")),
            );
        }
        sync(root, &BTreeMap::new(), &files);
        let mut workspace = Workspace::open(&options(root)).unwrap();
        let report = rewrite(
            &mut workspace,
            root,
            &mut files,
            "content/teams/t0003.md",
            team("Zulu team"),
        );
        assert!(
            report
                .changed
                .contains(&"teams/page/2/index.html".to_string()),
            "{:?}",
            report.changed
        );
        assert_equals_full_build(&workspace, &report, root, "retitled t0003");
    }

    #[test]
    fn a_page_whose_file_stops_parsing_is_kept_until_it_parses_again_or_goes() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let adr = root.join("content/adrs/0001-first.md");
        std::fs::create_dir_all(adr.parent().unwrap()).unwrap();
        let good = "---\ntitle: First\nstatus: accepted\ndate: 2026-11-01\n---\n\n## Context\n\nWhy.\n\n## Decision\n\nWhat.\n\n## Consequences\n\nSo.\n";
        std::fs::write(&adr, good).unwrap();
        let mut workspace = Workspace::open(&options(root)).unwrap();
        let page = "adrs/adr-0001/index.html";
        let first = workspace
            .outputs()
            .find(|(p, _)| *p == page)
            .unwrap()
            .1
            .clone();

        std::fs::write(&adr, good.replace("title: First", "title: [First")).unwrap();
        let report = workspace.rebuild(std::slice::from_ref(&adr)).unwrap();
        assert!(report.removed.contains(&page.to_string()), "{report:?}");
        assert!(workspace.outputs().all(|(p, _)| p != page));
        let kept = &workspace.last_good()[page];
        assert_eq!(kept.bytes, first);
        assert_eq!(kept.file, "content/adrs/0001-first.md");

        std::fs::write(&adr, good.replace("title: First", "title: Second")).unwrap();
        workspace.rebuild(std::slice::from_ref(&adr)).unwrap();
        assert!(workspace.last_good().is_empty());
        let now = workspace.outputs().find(|(p, _)| *p == page).unwrap().1;
        assert!(String::from_utf8_lossy(now).contains("Second"));

        std::fs::write(&adr, "---\ntitle: [x\n---\n").unwrap();
        workspace.rebuild(std::slice::from_ref(&adr)).unwrap();
        assert_eq!(workspace.last_good().len(), 1);
        std::fs::remove_file(&adr).unwrap();
        workspace.rebuild(std::slice::from_ref(&adr)).unwrap();
        assert!(
            workspace.last_good().is_empty(),
            "a deleted file keeps no page"
        );
    }

    #[test]
    fn a_template_depends_on_what_it_extends_includes_and_imports() {
        let templates: BTreeMap<String, String> = [
            ("base.html", "<html>{% block c %}{% endblock %}</html>"),
            (
                "list.html",
                "{% extends \"base.html\" %}{%- include 'pager.html' -%}",
            ),
            ("adr.html", "{% extends \"list.html\" %}"),
            ("pager.html", "pages"),
            ("team.html", "{% import \"macros.html\" as m %}"),
            ("macros.html", "{% macro x() %}{% endmacro %}"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let changed = |names: &[&str]| {
            dependents(&templates, &names.iter().map(|s| s.to_string()).collect())
                .into_iter()
                .collect::<Vec<_>>()
        };
        assert_eq!(
            changed(&["pager.html"]),
            ["adr.html", "list.html", "pager.html"]
        );
        assert_eq!(
            changed(&["base.html"]),
            ["adr.html", "base.html", "list.html"]
        );
        assert_eq!(changed(&["macros.html"]), ["macros.html", "team.html"]);
        assert_eq!(changed(&["adr.html"]), ["adr.html"]);
    }
}
