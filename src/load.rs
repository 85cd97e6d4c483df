//! Stage 1: walk the content folder and parse every file, in parallel,
//! each file as soon as the walk finds it.
//!
//! Owns reading bytes, splitting YAML front matter from the Markdown body,
//! parsing both, and remembering where things are (front matter keys,
//! headings, references) so later stages can point at file, line and column.
//! Problems that stop a file from being read at all (not UTF-8, unclosed
//! front matter, bad YAML) are diagnostics here; the file is left out and
//! every other document goes on.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use rayon::prelude::*;
use serde_yaml::{Mapping, Value};

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Span, codes};

/// Everything read from a docs repository, before it is typed (or, from
/// [`load_each`], what a later stage made of each file).
#[derive(Debug)]
pub struct Corpus<S = Source> {
    /// The docs repository root.
    pub root: PathBuf,
    /// Its settings.
    pub config: Config,
    /// Every Markdown file that could be read, sorted by path.
    pub sources: Vec<S>,
    /// Every other file under the content folder, copied to the output unchanged.
    pub assets: Vec<Asset>,
    /// Problems found while reading.
    pub diagnostics: Vec<Diagnostic>,
}

/// A non-Markdown file under the content folder.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Asset {
    /// Absolute path of the file.
    pub source: PathBuf,
    /// Path relative to the content folder, with `/`; also its output path.
    pub rel: String,
}

/// One Markdown file, split and parsed.
#[derive(Clone, Debug)]
pub struct Source {
    /// Path relative to the root, e.g. `content/teams/payments.md`.
    pub file: std::sync::Arc<Path>,
    /// Path relative to the content folder with `/`, e.g. `teams/payments.md`.
    pub rel: String,
    /// The whole file, as read or packed.
    pub text: Text,
    /// A hash of the whole file, to tell within one process whether it changed.
    pub fingerprint: u64,
    /// The front matter, when the file has one.
    pub front_matter: Option<FrontMatter>,
    /// Byte offset where the Markdown body starts.
    pub body_start: usize,
    /// Headings, references and counts found in the body.
    pub outline: Outline,
    /// Where each line starts, worked out when a line is first quoted.
    pub line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl Source {
    /// The Markdown body (the file without its front matter).
    pub fn body(&self) -> Cow<'_, str> {
        match self.text.get() {
            Cow::Borrowed(text) => Cow::Borrowed(&text[self.body_start..]),
            Cow::Owned(mut text) => {
                text.drain(..self.body_start);
                Cow::Owned(text)
            }
        }
    }

    /// The file stem: `0007-use-postgres` for `adrs/0007-use-postgres.md`.
    pub fn stem(&self) -> &str {
        let name = self.rel.rsplit('/').next().unwrap_or(&self.rel);
        name.strip_suffix(".md").unwrap_or(name)
    }

    /// The text of a 1-based line (as [`str::lines`] gives it: without its
    /// `\n` or `\r\n`), for quoting under a diagnostic. Found through an
    /// index of line starts, so quoting many lines of one file costs no more
    /// than reading it once.
    pub fn line_text(&self, line: u32) -> Option<Cow<'_, str>> {
        let text = self.text.get();
        let starts = self
            .line_starts
            .get_or_init(|| LineIndex::new(&text).starts);
        let n = (line as usize).checked_sub(1)?;
        let start = *starts.get(n)?;
        if start == text.len() {
            return None;
        }
        let end = starts.get(n + 1).map_or(text.len(), |&e| e - 1);
        let end = if starts.get(n + 1).is_some() && text[start..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        Some(match text {
            Cow::Borrowed(text) => Cow::Borrowed(&text[start..end]),
            Cow::Owned(text) => Cow::Owned(text[start..end].to_string()),
        })
    }

    /// Keeps only what pages and the search index read, in less memory:
    /// the text packed (see [`Text::Packed`]), and the body's references
    /// and odd links let go, which only linking and checking read.
    pub fn pack(&mut self) {
        self.outline.references = Vec::new();
        self.outline.odd_links = Vec::new();
        if let Text::Plain(text) = &self.text {
            let packed = lz4_flex::block::compress_prepend_size(text.as_bytes());
            // Copied out: shrinking the room the packer took in place (as
            // allocators do down to half its size) would keep it all.
            self.text = Text::Packed(Box::from(packed.as_slice()));
        }
    }
}

/// A file's text: as read, or packed once a large build has read from it
/// all that it checks, for the pages and the search index to unpack each
/// in turn (about half the memory on typical Markdown, for a few percent
/// of the build's time).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Text {
    /// As read.
    Plain(String),
    /// LZ4-packed, its length first.
    Packed(Box<[u8]>),
}

impl Text {
    /// The text, unpacked when packed.
    pub fn get(&self) -> Cow<'_, str> {
        match self {
            Text::Plain(text) => Cow::Borrowed(text),
            Text::Packed(bytes) => Cow::Owned(
                lz4_flex::block::decompress_size_prepended(bytes)
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
                    .expect("Seam packed this text itself, from a string"),
            ),
        }
    }
}

impl From<String> for Text {
    fn from(text: String) -> Text {
        Text::Plain(text)
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Text {
        Text::Plain(text.to_string())
    }
}

/// Parsed front matter with the position of every key.
#[derive(Clone, Debug, Default)]
pub struct FrontMatter {
    /// The top-level mapping.
    pub fields: Mapping,
    /// Where each key is, by dotted path (`depends_on.0.need_by`).
    pub positions: FieldPositions,
}

/// Line and column of front matter keys and list items, by dotted path.
#[derive(Clone, Debug, Default)]
pub struct FieldPositions(BTreeMap<String, (u32, u32)>);

impl FieldPositions {
    /// Line and column of `path`, else of its nearest recorded parent, else line 1.
    pub fn find(&self, path: &str) -> (u32, u32) {
        let mut p = path;
        loop {
            if let Some(&pos) = self.0.get(p) {
                return pos;
            }
            match p.rfind('.') {
                Some(i) => p = &p[..i],
                None => return (1, 1),
            }
        }
    }

    /// Whether `path` itself was found in the text.
    pub fn contains(&self, path: &str) -> bool {
        self.0.contains_key(path)
    }
}

/// What the Markdown body holds that checks and links need.
#[derive(Clone, Debug, Default)]
pub struct Outline {
    /// Every heading, in order.
    pub headings: Vec<Heading>,
    /// Every reference to another document, in order.
    pub references: Vec<BodyReference>,
    /// Number of words of prose (code excluded).
    pub words: usize,
    /// Links and images whose scheme is not one Seam keeps by default
    /// (`http`, `https`, `mailto`), the first [`MAX_ODD_LINKS`]: `check`
    /// tells the author of those `link_schemes` does not allow.
    pub odd_links: Vec<OddLink>,
    /// References past the first [`MAX_REFERENCES`], which are published
    /// but not checked: how many, and where the first of them is.
    pub references_left_out: Option<(usize, u32, u32)>,
}

/// The most references to other documents one file's outline keeps (and
/// `check` resolves); a file with more gets one `too-many-links` warning.
pub const MAX_REFERENCES: usize = 10_000;

/// The most links with an unusual scheme one file's outline keeps.
pub const MAX_ODD_LINKS: usize = 100;

/// A link or image in the body with a scheme other than `http`, `https` or `mailto`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OddLink {
    /// Its scheme, in lower case (`javascript`, `tel`).
    pub scheme: String,
    /// The start of its destination as written, for messages.
    pub written: String,
    /// 1-based line in the file.
    pub line: u32,
    /// 1-based column in the file.
    pub column: u32,
}

impl Outline {
    /// The text of the first level-1 heading.
    pub fn first_h1(&self) -> Option<&str> {
        self.headings
            .iter()
            .find(|h| h.level == 1)
            .map(|h| h.text.as_str())
    }
}

/// A heading in the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// Its plain text.
    pub text: String,
    /// The `id` given to it in HTML, unique within the page.
    pub anchor: String,
    /// 1-based line in the file.
    pub line: u32,
}

/// How a body reference was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReferenceForm {
    /// `[[id]]` or `[[id|label]]`.
    WikiLink,
    /// `[text](../adrs/0007-x.md)`: a relative link to a source file.
    RelativeLink,
}

/// A reference in the body to another document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BodyReference {
    /// The id (wiki links) or the content-relative path of the target file
    /// (relative links); shared with the link stage's resolved reference.
    pub target: std::sync::Arc<str>,
    /// A `#fragment` after the target, if any.
    pub fragment: Option<String>,
    /// How it was written.
    pub form: ReferenceForm,
    /// What the author wrote, for messages (shared as `target` is).
    pub written: std::sync::Arc<str>,
    /// 1-based line in the file.
    pub line: u32,
    /// 1-based column in the file.
    pub column: u32,
}

/// Why the docs repo could not be loaded at all.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The content folder does not exist.
    #[error("no content folder at {0}: create it, or set `content_dir` in seam.toml")]
    NoContentDir(PathBuf),
    /// The content folder is, or is reached through, a link out of the docs repo.
    #[error(
        "{path} leads to {real}, outside the docs repo; Seam reads only inside it: move the documents under the repo, or run Seam from a folder that holds both"
    )]
    OutsideRoot {
        /// The content folder as configured.
        path: PathBuf,
        /// Where it really is.
        real: PathBuf,
    },
    /// Walking the folder failed.
    #[error("cannot walk {path}: {message}")]
    Walk {
        /// Where.
        path: PathBuf,
        /// Why.
        message: String,
    },
}

/// The Markdown extensions Seam enables everywhere.
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_WIKILINKS
}

/// The files under a content folder, in path order, before any is read.
#[derive(Clone, Debug, Default)]
pub struct Listing {
    /// Markdown files: (absolute path, path relative to the content folder with `/`).
    pub markdown: Vec<(PathBuf, String)>,
    /// Every other file, copied unchanged.
    pub assets: Vec<Asset>,
    /// What was found but not listed, and why: links that leave the docs
    /// repo, files that are not regular files, folders that cannot be read.
    pub problems: Vec<Diagnostic>,
}

/// Where `path` really is, when that is outside `root`: a link (or a
/// folder on the way) that leads out of the docs repo. `None` when it stays
/// inside, or cannot be resolved at all.
pub fn outside(root: &Path, path: &Path) -> Option<PathBuf> {
    let real_root = root.canonicalize().ok()?;
    let real = path.canonicalize().ok()?;
    (!real.starts_with(&real_root)).then_some(real)
}

/// Lists the files under the content folder of `root`, sorted by path,
/// leaving out hidden files and the output, templates and theme folders.
///
/// Links are followed only where they lead to somewhere inside the root;
/// one that leads out of it, or nowhere, is a problem and is skipped, as
/// are FIFOs, sockets and devices and folders that cannot be read. So is a
/// `theme/` or `templates/` folder, or a file in one, that leads out.
pub fn walk(root: &Path, config: &Config) -> Result<Listing, LoadError> {
    let mut markdown = Vec::new();
    let mut listing = walk_each(root, config, |path, rel| markdown.push((path, rel)))?;
    listing.markdown = markdown;
    Ok(listing)
}

/// [`walk`], handing each Markdown file (its path, and its path relative
/// to the content folder) to `each` as it is found, in path order, so that
/// reading can begin before the walk ends; the listing's `markdown` is empty.
pub fn walk_each(
    root: &Path,
    config: &Config,
    mut each: impl FnMut(PathBuf, String),
) -> Result<Listing, LoadError> {
    let content = root.join(&config.content_dir);
    if !content.is_dir() {
        return Err(LoadError::NoContentDir(content));
    }
    if let Some(real) = outside(root, &content) {
        return Err(LoadError::OutsideRoot {
            path: content,
            real,
        });
    }
    let mut listing = Listing::default();
    let relative = |p: &Path| p.strip_prefix(root).unwrap_or(p).to_path_buf();
    let (entries, left_out) = walk_entries(root, config, &content);
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e.path().unwrap_or(&content);
                let at = Span::file_start(relative(path));
                let link = path
                    .symlink_metadata()
                    .is_ok_and(|m| m.file_type().is_symlink());
                listing.problems.push(if let Some(ancestor) = e.loop_ancestor() {
                    Diagnostic::warning(
                        codes::DANGLING_LINK,
                        at,
                        format!(
                            "this link loops back to {}, a folder it is in; Seam does not follow it",
                            crate::diagnostic::display_path(&relative(ancestor))
                        ),
                    )
                    .with_hint("remove the link, or point it at another folder")
                } else if link && path.metadata().is_err() {
                    Diagnostic::warning(codes::DANGLING_LINK, at, "this link leads to nothing; Seam skips it")
                        .with_hint("point it at a file in the docs repo, or remove it")
                } else {
                    let why = e.io_error().map_or_else(|| e.to_string(), |io| io.to_string());
                    Diagnostic::error(codes::UNREADABLE, at, format!("cannot read this folder: {why}"))
                        .with_hint("check its permissions")
                });
                continue;
            }
        };
        if entry.file_type().is_dir() {
            continue;
        }
        if !entry.file_type().is_file() {
            listing.problems.push(
                Diagnostic::error(
                    codes::NOT_A_FILE,
                    Span::file_start(relative(entry.path())),
                    "this is not a regular file (a FIFO, socket or device); Seam does not read it",
                )
                .with_hint("remove it from the content folder"),
            );
            continue;
        }
        let rel_path = entry.path().strip_prefix(&content).unwrap_or(entry.path());
        let rel = crate::diagnostic::display_path(rel_path);
        if entry.path().extension().is_some_and(|e| e == "md") {
            if is_adr_template(&rel, config) {
                continue;
            }
            each(entry.path().to_path_buf(), rel);
        } else if entry.file_name() != crate::config::CONFIG_FILE || entry.depth() > 1 {
            if !config.html_assets && runs_script(entry.path()) {
                listing.problems.push(
                    Diagnostic::warning(
                        codes::HTML_ASSET,
                        Span::file_start(relative(entry.path())),
                        "this HTML or SVG file is not published: opened from the wiki, its scripts would run as the wiki's own",
                    )
                    .with_hint("write it as Markdown, or export the picture as PNG; to publish such files from a repo whose authors you trust, set `html_assets = true` in seam.toml"),
                );
                continue;
            }
            let size = entry.metadata().map_or(0, |m| m.len());
            if size > config.max_asset_size {
                listing.problems.push(
                    Diagnostic::error(
                        codes::FILE_TOO_LARGE,
                        Span::file_start(relative(entry.path())),
                        format!(
                            "this file is {} and is not published: Seam publishes files up to {}",
                            size_of(size),
                            size_of(config.max_asset_size)
                        ),
                    )
                    .with_hint(
                        "host it elsewhere and link to it, or raise `max_asset_size` in seam.toml",
                    ),
                );
                continue;
            }
            listing.assets.push(Asset {
                source: entry.path().to_path_buf(),
                rel,
            });
        }
    }
    for dir in ["theme", "templates"] {
        left_out
            .borrow_mut()
            .extend(crate::render::assets::contained_files(root, &root.join(dir)).1);
    }
    let mut left_out = left_out.take();
    left_out.sort();
    left_out.dedup();
    for (link, real) in left_out {
        let at = Span::file_start(relative(&link));
        listing.problems.push(match real {
            Some(real) => Diagnostic::error(
                codes::OUTSIDE_ROOT,
                at,
                format!(
                    "this link leads to {}, outside the docs repo; Seam does not follow it",
                    real.display()
                ),
            )
            .with_hint("copy what it points to into the docs repo, or run Seam from a folder that holds both"),
            None => Diagnostic::warning(codes::DANGLING_LINK, at, "this link leads to nothing; Seam skips it")
                .with_hint("point it at a file in the docs repo, or remove it"),
        });
    }
    listing
        .problems
        .sort_by(|a, b| a.span.file.cmp(&b.span.file));
    Ok(listing)
}

/// Links found under a folder that were not followed: where each is, and
/// where it leads (`None`: nowhere).
pub type LeftOut = std::rc::Rc<std::cell::RefCell<Vec<(PathBuf, Option<PathBuf>)>>>;

/// Whether a file is a document a browser runs script in when it is opened
/// directly: HTML, XHTML, SVG and XML, by extension in any case.
pub fn runs_script(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["html", "htm", "xhtml", "xht", "svg", "svgz", "xml"]
            .iter()
            .any(|x| e.eq_ignore_ascii_case(x))
    })
}

/// Whether a content-relative path is an ADR template, which Seam neither
/// builds nor checks: `template.md`, `adr-template.md` or `*-template.md`
/// (any case, `_` for `-`) in an ADR folder. A numbered file
/// (`0012-use-the-service-template.md`) is an ADR, not a template.
pub fn is_adr_template(rel: &str, config: &Config) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel).to_ascii_lowercase();
    let Some(stem) = name.strip_suffix(".md") else {
        return false;
    };
    let numbered = stem.starts_with(|c: char| c.is_ascii_digit())
        || crate::model::adr_number_from_stem(stem).is_some();
    let template = stem == "template"
        || (!numbered && (stem.ends_with("-template") || stem.ends_with("_template")));
    template && crate::model::kind_from_path(rel, config) == crate::vocabulary::Kind::Adr
}

/// Whether a content-relative path is in a folder of ADRs written for another tool.
pub fn is_imported_adr(rel: &str, config: &Config) -> bool {
    crate::model::kind_from_path(rel, config) == crate::vocabulary::Kind::Adr
        && config
            .adr_folder(rel)
            .is_some_and(|f| f.format.is_imported())
}

/// Reads and parses one Markdown file of a [`Listing`]. Returns no source when
/// the file cannot be used, with the problem that says why.
pub fn read_source(
    root: &Path,
    path: &Path,
    rel: &str,
    config: &Config,
) -> (Option<Source>, Vec<Diagnostic>) {
    let file = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    match read_file(path, &file, config.max_file_size) {
        Ok(text) => {
            let imported = is_imported_adr(rel, config);
            parse_source_in(file, rel.to_string(), text, imported)
        }
        Err(d) => (None, vec![*d]),
    }
}

/// Reads every file under the content folder of `root`.
pub fn load(root: &Path, config: Config) -> Result<Corpus, LoadError> {
    let (corpus, _) = load_each(root, config, |source, _| (Some(source), Vec::new()))?;
    Ok(corpus)
}

/// Reads every file under the content folder of `root` and hands each
/// source, as soon as it is parsed and on the same thread, to `then`,
/// keeping only what that makes of it: a stage after this one can let go
/// of what it does not need file by file instead of once all are read.
/// Returns the corpus (with the reading problems) and the problems `then`
/// found, both in file order.
pub fn load_each<S: Send>(
    root: &Path,
    config: Config,
    then: impl Fn(Source, &Config) -> (Option<S>, Vec<Diagnostic>) + Sync,
) -> Result<(Corpus<S>, Vec<Diagnostic>), LoadError> {
    // Files are read as the walk finds them: the walk takes one thread,
    // and reading starts on the others before it ends.
    let (found_file, files) = std::sync::mpsc::channel::<(usize, PathBuf, String)>();
    let settings = &config;
    let (listing, mut results) = rayon::join(
        move || {
            let mut n = 0;
            walk_each(root, settings, |path, rel| {
                // The receiver lives until every file is read.
                let _ = found_file.send((n, path, rel));
                n += 1;
            })
        },
        || {
            files
                .into_iter()
                .par_bridge()
                .map(
                    |(n, path, rel)| match read_source(root, &path, &rel, settings) {
                        (Some(source), read) => {
                            let (made, found) = then(source, settings);
                            (n, made, read, found)
                        }
                        (None, read) => (n, None, read, Vec::new()),
                    },
                )
                .collect::<Vec<(usize, Option<S>, Vec<Diagnostic>, Vec<Diagnostic>)>>()
        },
    );
    let Listing {
        assets, problems, ..
    } = listing?;
    // In the walk's order, which is by path.
    results.sort_unstable_by_key(|r| r.0);
    let mut sources = Vec::with_capacity(results.len());
    let mut diagnostics = problems;
    let mut found = Vec::new();
    for (_, source, read, more) in results {
        sources.extend(source);
        diagnostics.extend(read);
        found.extend(more);
    }
    let corpus = Corpus {
        root: root.to_path_buf(),
        config,
        sources,
        assets,
        diagnostics,
    };
    Ok((corpus, found))
}

/// Every file and folder under `from` (a folder of the content), in file
/// name order, leaving out what Seam never reads as content: hidden files and
/// folders, `node_modules`, and the output, templates, theme and `target`
/// folders of the root.
///
/// Links are followed where they lead inside the root (and not into one of
/// those folders); the others are left out, and named in the second value.
pub(crate) fn walk_entries(
    root: &Path,
    config: &Config,
    from: &Path,
) -> (
    impl Iterator<Item = walkdir::Result<walkdir::DirEntry>> + use<>,
    LeftOut,
) {
    let content = root.join(&config.content_dir);
    let skip: Vec<PathBuf> = [
        root.join(&config.output_dir),
        root.join("templates"),
        root.join("theme"),
        root.join("target"),
    ]
    .into_iter()
    .filter(|p| p != &content)
    .collect();
    let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let real_skip: Vec<PathBuf> = skip.iter().filter_map(|p| p.canonicalize().ok()).collect();
    let left_out = LeftOut::default();
    let record = left_out.clone();
    let entries = walkdir::WalkDir::new(from)
        .sort_by_file_name()
        .follow_links(true)
        .into_iter()
        .filter_entry(move |e| {
            let hidden = e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.');
            if hidden || skip.iter().any(|s| e.path() == s) || e.file_name() == "node_modules" {
                return false;
            }
            if !e.path_is_symlink() {
                return true;
            }
            match e.path().canonicalize() {
                Ok(real) if real.starts_with(&real_root) => {
                    !real_skip.iter().any(|s| real.starts_with(s))
                }
                Ok(real) => {
                    record
                        .borrow_mut()
                        .push((e.path().to_path_buf(), Some(real)));
                    false
                }
                Err(_) => {
                    record.borrow_mut().push((e.path().to_path_buf(), None));
                    false
                }
            }
        });
    (entries, left_out)
}

/// A size in bytes as people read it: `900 bytes`, `12.5 KB`, `10.5 MB`.
fn size_of(bytes: u64) -> String {
    match bytes {
        0..1_000 => format!("{bytes} bytes"),
        1_000..1_000_000 => format!("{:.1} KB", bytes as f64 / 1e3),
        _ => format!("{:.1} MB", bytes as f64 / 1e6),
    }
}

/// Reads a file as UTF-8 text, refusing files over `max_size` bytes.
fn read_file(path: &Path, file: &Path, max_size: u64) -> Result<String, Box<Diagnostic>> {
    let unreadable = |e: std::io::Error| {
        Box::new(
            Diagnostic::error(
                codes::UNREADABLE,
                Span::file_start(file),
                format!("cannot read this file: {e}"),
            )
            .with_hint("check its permissions"),
        )
    };
    // Opened once, its length read from the open file: each system call
    // counts when a large docs repo is read.
    let mut handle = std::fs::File::open(path).map_err(unreadable)?;
    let size = handle.metadata().map_err(unreadable)?.len();
    if size > max_size {
        return Err(Box::new(Diagnostic::error(
            codes::FILE_TOO_LARGE,
            Span::file_start(file),
            format!(
                "this file is {}; Seam reads documents up to {}",
                size_of(size),
                size_of(max_size)
            ),
        )
        .with_hint("split it into smaller documents, move it out of the content folder, or raise `max_file_size` in seam.toml")));
    }
    // Room for one byte more than the file held, so that the read after
    // its last byte says it has ended; a file that grew since is still
    // read whole, up to the largest size.
    let mut bytes = Vec::with_capacity(size as usize + 1);
    std::io::Read::read_to_end(
        &mut std::io::Read::take(&mut handle, max_size.saturating_add(1)),
        &mut bytes,
    )
    .map_err(unreadable)?;
    if bytes.len() as u64 > max_size {
        return Err(Box::new(
            Diagnostic::error(
                codes::FILE_TOO_LARGE,
                Span::file_start(file),
                format!("this file grew past {} while it was read", size_of(max_size)),
            )
            .with_hint("split it into smaller documents, move it out of the content folder, or raise `max_file_size` in seam.toml"),
        ));
    }
    if bytes.is_empty() {
        return Err(Box::new(
            Diagnostic::error(
                codes::EMPTY_FILE,
                Span::file_start(file),
                "this file is empty",
            )
            .with_hint("write the document, or delete the file"),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let valid = std::str::from_utf8(valid).unwrap_or_default();
        let (line, column) = crate::config::line_column(valid, valid.len());
        Box::new(
            Diagnostic::error(
                codes::NOT_UTF8,
                Span::new(file, line as u32, column as u32),
                format!(
                    "this file is not UTF-8: byte 0x{:02x} cannot start a character",
                    e.as_bytes()[e.utf8_error().valid_up_to()]
                ),
            )
            .with_hint("save it as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)"),
        )
    })
}

/// Splits and parses one file's text. Returns no source when the file cannot be used.
pub fn parse_source(file: PathBuf, rel: String, text: String) -> (Option<Source>, Vec<Diagnostic>) {
    parse_source_in(file, rel, text, false)
}

/// [`parse_source`] for a file in a folder of imported ADRs when `imported`:
/// there, blank lines before the opening `---` are allowed, as other tools allow them.
pub fn parse_source_in(
    file: PathBuf,
    rel: String,
    text: String,
    imported: bool,
) -> (Option<Source>, Vec<Diagnostic>) {
    let text = match text.strip_prefix('\u{feff}') {
        Some(t) => t.to_string(),
        None => text,
    };
    let mut diagnostics = Vec::new();
    let blank = if imported {
        leading_blank_lines(&text)
    } else {
        0
    };
    let (front_matter, body_start) = match split_front_matter(&text[blank..]) {
        FrontMatterSplit::None => (None, 0),
        FrontMatterSplit::Unclosed => {
            diagnostics.push(
                Diagnostic::error(
                    codes::UNCLOSED_FRONT_MATTER,
                    Span::file_start(&file),
                    "the front matter opened on line 1 is never closed",
                )
                .with_hint("end the front matter with a line holding only `---`"),
            );
            return (None, diagnostics);
        }
        FrontMatterSplit::Found { yaml, body_start } => {
            let first_line = FRONT_MATTER_FIRST_LINE + text[..blank].matches('\n').count() as u32;
            match parse_yaml(yaml, &file, first_line) {
                Ok(fm) => (Some(fm), blank + body_start),
                Err(d) => {
                    diagnostics.push(*d);
                    return (None, diagnostics);
                }
            }
        }
    };
    let outline = outline(&text, body_start, &rel);
    let fingerprint = {
        use std::hash::BuildHasher;
        rustc_hash::FxBuildHasher.hash_one(&text)
    };
    (
        Some(Source {
            file: file.into(),
            rel,
            text: Text::Plain(text),
            fingerprint,
            front_matter,
            body_start,
            outline,
            line_starts: Default::default(),
        }),
        diagnostics,
    )
}

/// The length of the blank lines a text starts with, when a `---` line follows them.
fn leading_blank_lines(text: &str) -> usize {
    let mut at = 0;
    while let Some(end) = text[at..].find('\n') {
        let line = &text[at..at + end];
        if !line.trim().is_empty() {
            break;
        }
        at += end + 1;
    }
    let next = text[at..].lines().next().unwrap_or("");
    if next.trim_end() == "---" { at } else { 0 }
}

enum FrontMatterSplit<'a> {
    None,
    Unclosed,
    Found { yaml: &'a str, body_start: usize },
}

fn split_front_matter(text: &str) -> FrontMatterSplit<'_> {
    let first_end = text.find('\n').unwrap_or(text.len());
    if text[..first_end].trim_end() != "---" {
        return FrontMatterSplit::None;
    }
    let yaml_start = (first_end + 1).min(text.len());
    let mut pos = yaml_start;
    while pos < text.len() {
        let end = text[pos..]
            .find('\n')
            .map(|i| pos + i)
            .unwrap_or(text.len());
        if text[pos..end].trim_end() == "---" {
            return FrontMatterSplit::Found {
                yaml: &text[yaml_start..pos],
                body_start: (end + 1).min(text.len()),
            };
        }
        pos = end + 1;
    }
    FrontMatterSplit::Unclosed
}

/// The 1-based line and column in `yaml`, lines ending at `\n` as
/// everywhere in Seam, of the YAML parser's 1-based line and column, which
/// count a lone `\r` (and NEL, LS, PS) as a line break too.
fn yaml_position(yaml: &str, line: usize, column: usize) -> (u32, u32) {
    let mut chars = yaml.char_indices().peekable();
    let mut at = 0;
    // Past the breaks before the parser's line.
    for _ in 1..line {
        let mut crossed = false;
        while let Some((i, c)) = chars.next() {
            at = i + c.len_utf8();
            if c == '\r' && chars.peek().is_some_and(|&(_, n)| n == '\n') {
                continue;
            }
            if matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}') {
                crossed = true;
                break;
            }
        }
        if !crossed {
            break;
        }
    }
    // Then along it, to the column.
    for _ in 1..column {
        match chars.next() {
            Some((i, c)) if c != '\n' => at = i + c.len_utf8(),
            _ => break,
        }
    }
    let before = &yaml[..at];
    let line = before.matches('\n').count() + 1;
    let column = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    (line as u32, column as u32)
}

/// The front matter starts on line 2 of the file (after the opening `---`).
const FRONT_MATTER_FIRST_LINE: u32 = 2;

fn parse_yaml(yaml: &str, file: &Path, first_line: u32) -> Result<FrontMatter, Box<Diagnostic>> {
    let value: Value = serde_yaml::from_str(yaml).map_err(|e| {
        let (line, column) = e
            .location()
            .map(|l| yaml_position(yaml, l.line(), l.column()))
            .unwrap_or((1, 1));
        let message = e.to_string();
        let message = message.split(" at line ").next().unwrap_or(&message);
        let hint = if message.contains("repetition limit") || message.contains("recursion limit")
        {
            "the front matter expands too much (deeply nested or repeated YAML aliases); write the values out"
        } else {
            "fix the YAML syntax; quote values that contain `: ` or start with `[`, `{`, `*`, `&` or `#`"
        };
        Box::new(Diagnostic::error(
            codes::INVALID_YAML,
            Span::new(file, line + first_line - 1, column),
            format!("invalid YAML in the front matter: {message}"),
        )
        .with_hint(hint))
    })?;
    let fields = match value {
        Value::Mapping(m) => m,
        Value::Null => Mapping::new(),
        other => {
            let what = match other {
                Value::Sequence(_) => "a list",
                Value::String(_) => "a string",
                Value::Number(_) => "a number",
                Value::Bool(_) => "a boolean",
                _ => "not a mapping",
            };
            return Err(Box::new(
                Diagnostic::error(
                    codes::FRONT_MATTER_NOT_A_MAP,
                    Span::new(file, first_line, 1),
                    format!("the front matter is {what}, not a set of `key: value` fields"),
                )
                .with_hint("write one `key: value` field per line"),
            ));
        }
    };
    Ok(FrontMatter {
        fields,
        positions: locate_fields(yaml, first_line),
    })
}

/// Finds the line and column of each block-style key and list item in YAML text.
///
/// Flow-style values (`{ on: x }`) are not entered; lookups fall back to the
/// nearest enclosing key or item, which is still the right line.
fn locate_fields(yaml: &str, first_line: u32) -> FieldPositions {
    struct Frame {
        indent: usize,
        path: String,
    }
    let mut positions = BTreeMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut item_counts: BTreeMap<String, usize> = BTreeMap::new();
    for (i, line) in yaml.lines().enumerate() {
        let line_no = first_line + i as u32;
        let trimmed = line.trim_start_matches(' ');
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let mut indent = line.len() - trimmed.len();
        let mut rest = trimmed;
        while rest == "-" || rest.starts_with("- ") {
            while stack
                .last()
                .is_some_and(|f| f.indent > indent || (f.indent == indent && f.path.ends_with(']')))
            {
                stack.pop();
            }
            let parent = stack.last().map(|f| f.path.clone()).unwrap_or_default();
            let count = item_counts.entry(parent.clone()).or_insert(0);
            let path = format!("{parent}.{count}]");
            *count += 1;
            let key = path
                .trim_end_matches(']')
                .trim_start_matches('.')
                .to_string();
            positions.insert(key, (line_no, indent as u32 + 1));
            stack.push(Frame { indent, path });
            let after = rest[1..].trim_start_matches(' ');
            indent += rest.len() - after.len();
            rest = after;
        }
        if let Some(key) = leading_key(rest) {
            while stack.last().is_some_and(|f| f.indent >= indent) {
                stack.pop();
            }
            let parent = stack
                .last()
                .map(|f| f.path.trim_end_matches(']').to_string())
                .unwrap_or_default();
            let path = if parent.is_empty() {
                key.to_string()
            } else {
                format!("{}.{key}", parent.trim_start_matches('.'))
            };
            positions
                .entry(path.clone())
                .or_insert((line_no, indent as u32 + 1));
            stack.push(Frame { indent, path });
        }
    }
    FieldPositions(positions)
}

fn leading_key(s: &str) -> Option<&str> {
    let (key, rest) = if let Some(q) = s.strip_prefix('"') {
        let end = q.find('"')?;
        (&q[..end], &q[end + 1..])
    } else if let Some(q) = s.strip_prefix('\'') {
        let end = q.find('\'')?;
        (&q[..end], &q[end + 1..])
    } else {
        let end = s.find(':')?;
        let key = &s[..end];
        if key.is_empty() || key.contains([' ', '{', '[', '#', ',']) && !key.contains('-') {
            return None;
        }
        if key.starts_with(['{', '[', '"', '\'', '&', '*', '!', '|', '>']) {
            return None;
        }
        (key, &s[end..])
    };
    let rest = rest.strip_prefix(':')?;
    (rest.is_empty() || rest.starts_with([' ', '\t'])).then_some(key)
}

/// Byte offsets of line starts, to turn offsets into 1-based lines and columns.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// The last position worked out: byte offset, line, and characters
    /// before it on its line. Offsets asked for in order along one line (a
    /// long line of links) are counted on from there, not from the line's
    /// start, so a line of n links costs O(n), not O(n²).
    last: std::cell::Cell<(usize, usize, usize)>,
    /// How many bytes the column counts have read, for the test that bounds it.
    #[cfg(test)]
    read: std::cell::Cell<usize>,
}

impl LineIndex {
    /// Indexes the lines of `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        #[cfg(test)]
        tests::INDEXED.with(|n| n.set(n.get() + text.len()));
        LineIndex {
            starts,
            last: std::cell::Cell::new((0, 1, 0)),
            #[cfg(test)]
            read: Default::default(),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn position(&self, text: &str, offset: usize) -> (u32, u32) {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let offset = offset.min(text.len());
        let (last_offset, last_line, last_column) = self.last.get();
        let counted = |from: usize| {
            let s = text.get(from..offset)?;
            #[cfg(test)]
            self.read.set(self.read.get() + s.len());
            Some(s.chars().count())
        };
        let column = if last_line == line && (start..=offset).contains(&last_offset) {
            counted(last_offset).map(|n| last_column + n)
        } else {
            None
        }
        .or_else(|| counted(start))
        .unwrap_or(0);
        self.last.set((offset, line, column));
        (line as u32, column as u32 + 1)
    }
}

/// Turns heading text into an HTML id: lowercase words joined by `-`.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let category =
        icu_properties::CodePointMapData::<icu_properties::props::GeneralCategory>::new();
    // Marks are kept, as letters are: lower-casing can make one (`İ` is
    // `i` and a dot above), and a slug must be its own slug.
    let is_mark =
        |c: char| icu_properties::props::GeneralCategoryGroup::Mark.contains(category.get(c));
    for c in text.chars() {
        if c.is_alphanumeric() || (!c.is_ascii() && is_mark(c)) {
            slug.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '_') && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_matches('-').to_string();
    if slug.is_empty() {
        "section".into()
    } else {
        slug
    }
}

/// Whether a link destination is a relative link to a Markdown source file.
pub fn relative_markdown_target(dest: &str) -> Option<(&str, Option<&str>)> {
    if dest.contains("://")
        || dest.starts_with('/')
        || dest.starts_with('#')
        || dest.starts_with("mailto:")
    {
        return None;
    }
    let (path, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (dest, None),
    };
    path.ends_with(".md").then_some((path, fragment))
}

/// Resolves a relative path against the folder of `from` (both content-relative).
/// Returns `None` when it climbs out of the content folder.
pub fn resolve_relative(from: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for segment in target.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn outline(text: &str, body_start: usize, rel: &str) -> Outline {
    let body = &text[body_start..];
    let lines = LineIndex::new(text);
    let mut outline = Outline::default();
    let mut heading: Option<(u8, usize, String)> = None;
    let mut explicit_id: Option<String> = None;
    let mut anchors: BTreeMap<String, usize> = BTreeMap::new();
    let mut in_code = false;
    let mut wiki: Option<(usize, String, String)> = None;
    for (event, range) in Parser::new_ext(body, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                heading = Some((heading_level(level), range.start, String::new()));
                explicit_id = id.map(|i| i.to_string());
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, start, text_)) = heading.take() {
                    let text_ = text_.trim().to_string();
                    let slug = explicit_id.take().unwrap_or_else(|| slugify(&text_));
                    let anchor = unique_anchor(&mut anchors, slug);
                    let (line, _) = lines.position(text, body_start + start);
                    outline.headings.push(Heading {
                        level,
                        text: text_,
                        anchor,
                        line,
                    });
                }
            }
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Start(Tag::Link {
                link_type: LinkType::WikiLink { .. },
                dest_url,
                ..
            }) => {
                wiki = Some((range.start, dest_url.to_string(), String::new()));
            }
            Event::End(TagEnd::Link) => {
                if let Some((start, dest, _)) = wiki.take() {
                    let (target, fragment) = match dest.split_once('#') {
                        Some((t, f)) => (t.trim().to_string(), Some(f.to_string())),
                        None => (dest.trim().to_string(), None),
                    };
                    let (line, column) = lines.position(text, body_start + start);
                    if left_out(&mut outline, line, column) {
                        continue;
                    }
                    let end = body[start..]
                        .find("]]")
                        .map(|i| start + i + 2)
                        .unwrap_or(start);
                    outline.references.push(BodyReference {
                        target: target.into(),
                        fragment,
                        form: ReferenceForm::WikiLink,
                        written: body[start..end].into(),
                        line,
                        column,
                    });
                }
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if outline.odd_links.len() < MAX_ODD_LINKS
                    && crate::vocabulary::link_scheme(&dest_url).is_some_and(|s| {
                        !crate::config::DEFAULT_LINK_SCHEMES.contains(&s.as_str())
                    }) =>
            {
                let (line, column) = lines.position(text, body_start + range.start);
                outline.odd_links.push(OddLink {
                    scheme: crate::vocabulary::link_scheme(&dest_url).unwrap_or_default(),
                    written: dest_url.chars().take(60).collect(),
                    line,
                    column,
                });
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                if let Some((path, fragment)) = relative_markdown_target(&dest_url) {
                    let (line, column) = lines.position(text, body_start + range.start);
                    if left_out(&mut outline, line, column) {
                        continue;
                    }
                    let target =
                        resolve_relative(rel, path).unwrap_or_else(|| format!("../{path}"));
                    outline.references.push(BodyReference {
                        target: target.into(),
                        fragment: fragment.map(str::to_string),
                        form: ReferenceForm::RelativeLink,
                        written: (*dest_url).into(),
                        line,
                        column,
                    });
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, h)) = heading.as_mut() {
                    h.push_str(&t);
                }
                if !in_code {
                    outline.words += count_words(&t);
                }
            }
            _ => {}
        }
    }
    outline
}

/// How many words `t` has, as `split_whitespace` counts them: byte by byte
/// when the text is ASCII (most prose), which is several times faster than
/// decoding it character by character.
fn count_words(t: &str) -> usize {
    if !t.is_ascii() {
        return t.split_whitespace().count();
    }
    // ASCII's whitespace as `char::is_whitespace` has it (with \x0b, which
    // `u8::is_ascii_whitespace` leaves out).
    let space = |b: u8| matches!(b, b' ' | b'\t'..=b'\r');
    let mut words = 0;
    let mut after_space = true;
    for &b in t.as_bytes() {
        let is_space = space(b);
        words += usize::from(after_space && !is_space);
        after_space = is_space;
    }
    words
}

/// Whether a reference at `line`, `column` is past [`MAX_REFERENCES`]:
/// then it is counted, not kept.
fn left_out(outline: &mut Outline, line: u32, column: u32) -> bool {
    if outline.references.len() < MAX_REFERENCES {
        return false;
    }
    let (count, _, _) = outline.references_left_out.get_or_insert((0, line, column));
    *count += 1;
    true
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Makes `slug` unique among the anchors already given on one page.
pub fn unique_anchor(seen: &mut BTreeMap<String, usize>, slug: String) -> String {
    let n = seen.entry(slug.clone()).or_insert(0);
    *n += 1;
    if *n == 1 {
        slug
    } else {
        format!("{slug}-{}", *n - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_read_as_the_walk_finds_them_come_in_path_order() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        // Enough files, in enough folders, that reading overtakes the walk.
        for f in 0..12 {
            let folder = content.join(format!("f{}", (f * 7) % 12));
            std::fs::create_dir_all(&folder).unwrap();
            for n in 0..60 {
                let name = folder.join(format!("{}.md", (n * 37) % 60));
                let text = if n % 13 == 0 {
                    // Unreadable as text: a reading problem, in its file's place.
                    vec![b'x', 0xff, b'\n']
                } else {
                    format!("---\ntitle: T{n}\n---\n# T{n}\n").into_bytes()
                };
                std::fs::write(name, text).unwrap();
            }
        }
        let config = Config::default();
        let listed = walk(dir.path(), &config).unwrap().markdown;
        let corpus = load(dir.path(), config).unwrap();
        let read: Vec<&str> = corpus.sources.iter().map(|s| s.rel.as_str()).collect();
        let expected: Vec<&str> = listed
            .iter()
            .map(|(_, rel)| rel.as_str())
            .filter(|rel| {
                !corpus
                    .diagnostics
                    .iter()
                    .any(|d| d.span.file.ends_with(rel))
            })
            .collect();
        assert_eq!(read.len(), 12 * 60 - 12 * 5);
        assert_eq!(read, expected);
        let problems: Vec<PathBuf> = corpus
            .diagnostics
            .iter()
            .map(|d| d.span.file.to_path_buf())
            .collect();
        let mut sorted = problems.clone();
        sorted.sort();
        assert_eq!(problems.len(), 12 * 5);
        assert_eq!(problems, sorted, "reading problems in file order");
    }

    #[test]
    fn files_over_the_asset_limit_are_not_published() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir_all(&content).unwrap();
        std::fs::write(content.join("small.png"), vec![0u8; 100]).unwrap();
        std::fs::write(content.join("big.pdf"), vec![0u8; 2000]).unwrap();
        let config = Config {
            max_asset_size: 1000,
            ..Config::default()
        };
        let listing = walk(dir.path(), &config).unwrap();
        let published: Vec<&str> = listing.assets.iter().map(|a| a.rel.as_str()).collect();
        assert_eq!(published, ["small.png"]);
        let told: Vec<(&str, String)> = listing
            .problems
            .iter()
            .map(|d| (d.code, d.span.file.display().to_string()))
            .collect();
        assert_eq!(
            told,
            [(codes::FILE_TOO_LARGE, "content/big.pdf".to_string())]
        );
    }

    #[test]
    fn a_slug_keeps_the_marks_lower_casing_makes() {
        // `İ` lower-cases to `i` and a combining dot, found by fuzzing.
        let slug = slugify("İstanbul");
        assert_eq!(slug, "i\u{307}stanbul");
        assert_eq!(slugify(&slug), slug);
    }

    proptest::proptest! {
        /// A slug is lower case letters, marks and digits joined by single
        /// dashes, never empty, and its own slug.
        #[test]
        fn slugs_are_tidy_and_their_own_slug(text in "\\PC{0,40}|[A-Za-z ._-]{0,20}") {
            let slug = slugify(&text);
            proptest::prop_assert!(!slug.is_empty());
            proptest::prop_assert!(!slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"), "{:?}", slug);
            proptest::prop_assert!(!slug.chars().any(|c| c.is_whitespace() || c.is_ascii_punctuation() && c != '-'), "{:?}", slug);
            proptest::prop_assert_eq!(slugify(&slug), slug.clone());
            proptest::prop_assert_eq!(slugify(&text.to_ascii_uppercase()), slugify(&text.to_ascii_lowercase()));
        }
    }

    #[test]
    fn lines_and_columns_by_index_equal_counting_from_the_start() {
        let texts = [
            "",
            "one",
            "a\nb\n",
            "a\r\nbé\r\n\r\nlast",
            "x\n\n\nyz é [[a]] [[b]]\n",
            "é".repeat(50).as_str().to_owned().leak(),
        ];
        for text in texts {
            let source = Source {
                file: std::path::Path::new("content/x.md").into(),
                rel: "x.md".into(),
                text: text.into(),
                fingerprint: 0,
                front_matter: None,
                body_start: 0,
                outline: Outline::default(),
                line_starts: Default::default(),
            };
            for line in 0..8 {
                let counted = text.lines().nth((line as usize).saturating_sub(1));
                let counted = if line == 0 { None } else { counted };
                assert_eq!(
                    source.line_text(line).as_deref(),
                    counted,
                    "{text:?} line {line}"
                );
            }
            // In order, backwards and in any order, as a fresh count gives them.
            let offsets: Vec<usize> = (0..=text.len())
                .filter(|&o| text.is_char_boundary(o))
                .collect();
            let fresh = |o: usize| LineIndex::new(text).position(text, o);
            let index = LineIndex::new(text);
            for &o in offsets
                .iter()
                .chain(offsets.iter().rev())
                .chain(offsets.iter().step_by(3))
            {
                assert_eq!(index.position(text, o), fresh(o), "{text:?} at {o}");
            }
        }
    }

    #[test]
    fn a_long_line_of_links_is_counted_once() {
        // 20,000 links on one line: counted from the line's start each time,
        // the columns would read 1.2 billion bytes; counted on from the last
        // link, the line once.
        let text = "[[x]] ".repeat(20_000);
        let index = LineIndex::new(&text);
        let mut last = (0, 0);
        for o in (0..text.len()).step_by(6) {
            last = index.position(&text, o);
        }
        assert_eq!(last, (1, (text.len() - 6) as u32 + 1));
        assert!(
            index.read.get() <= text.len(),
            "{} bytes read",
            index.read.get()
        );
    }

    thread_local! {
        /// How many bytes [`LineIndex::new`] has scanned on this thread.
        pub(super) static INDEXED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    #[test]
    fn quoting_every_line_of_a_file_reads_it_once() {
        // 80,000 problems on 80,000 lines: found by counting lines from the
        // file's start, the quotes would read 3.2 billion line breaks; found
        // through the index of line starts, the file once.
        let text: String = (0..80_000)
            .map(|i| format!("- [[missing-{i}]]\n"))
            .collect();
        let source = Source {
            file: std::path::Path::new("content/x.md").into(),
            rel: "x.md".into(),
            text: text.clone().into(),
            fingerprint: 0,
            front_matter: None,
            body_start: 0,
            outline: Outline::default(),
            line_starts: Default::default(),
        };
        let before = INDEXED.with(|n| n.get());
        for line in (1..=80_000).rev() {
            let quoted = source.line_text(line).unwrap();
            assert_eq!(quoted, format!("- [[missing-{}]]", line - 1));
        }
        assert_eq!(source.line_text(80_001), None);
        assert_eq!(INDEXED.with(|n| n.get()) - before, text.len());
    }

    fn parse(text: &str) -> (Option<Source>, Vec<Diagnostic>) {
        parse_source(
            "content/x/doc.md".into(),
            "x/doc.md".into(),
            text.to_string(),
        )
    }

    #[test]
    fn words_are_counted_as_split_whitespace_counts_them() {
        for t in [
            "",
            " ",
            "one",
            "  two words  ",
            "tab\tnew\nline\r\nvertical\x0btab\x0cfeed",
            "non\u{a0}breaking and em\u{2003}space",
            "naïve café, déjà vu",
            "x\u{1c}y\u{85}z",
            "x\u{1c}y\u{1f}z\u{7f}",
        ] {
            assert_eq!(count_words(t), t.split_whitespace().count(), "{t:?}");
        }
    }

    #[test]
    fn a_packed_file_gives_back_its_text_body_and_lines() {
        let text = "---\ntitle: Café ☕\n---\r\n# Body\r\n\nLine with ünïcode, [[payments]]\n\n```\ncode\n```\nlast";
        let (s, _) = parse(text);
        let plain = s.unwrap();
        let mut packed = plain.clone();
        packed.pack();
        assert!(matches!(packed.text, Text::Packed(_)));
        assert_eq!(packed.text.get(), text);
        assert_eq!(packed.body(), plain.body());
        assert!(matches!(plain.body(), Cow::Borrowed(_)));
        for line in 0..=12 {
            assert_eq!(packed.line_text(line), plain.line_text(line), "line {line}");
        }
        assert_eq!(plain.line_text(4).as_deref(), Some("# Body"));
        // What pages read of the outline stays; the references, which
        // linking has read, go.
        assert_eq!(plain.outline.references.len(), 1);
        assert!(packed.outline.references.is_empty());
        assert_eq!(packed.outline.headings, plain.outline.headings);
        assert_eq!(packed.outline.words, plain.outline.words);
        // Packing twice changes nothing.
        let again = packed.text.clone();
        packed.pack();
        assert_eq!(packed.text, again);
    }

    #[test]
    fn front_matter_is_split_from_the_body() {
        let (s, d) = parse("---\ntitle: Hi\n---\n# Body\n");
        let s = s.unwrap();
        assert!(d.is_empty());
        assert_eq!(s.body(), "# Body\n");
        assert_eq!(s.front_matter.unwrap().fields.len(), 1);
        assert_eq!(s.outline.first_h1(), Some("Body"));
        assert_eq!(s.outline.headings[0].line, 4);
    }

    #[test]
    fn unclosed_front_matter_is_reported_on_line_1() {
        let (s, d) = parse("---\ntitle: Hi\n# Body\n");
        assert!(s.is_none());
        assert_eq!(d[0].code, codes::UNCLOSED_FRONT_MATTER);
        assert_eq!(d[0].span.line, 1);
    }

    #[test]
    fn yaml_errors_point_at_the_file_line() {
        let (_, d) = parse("---\ntitle: Hi\nteams: [a, b\nstatus: x\n---\n");
        assert_eq!(d[0].code, codes::INVALID_YAML);
        assert!(d[0].span.line >= 3, "{:?}", d[0]);
    }

    #[test]
    fn yaml_errors_after_lone_carriage_returns_stay_on_the_files_lines() {
        // The YAML parser counts each lone `\r` as a line; Seam counts `\n`.
        let (_, d) = parse("---\ntitle: Hi\nx: 1\r\r\r\r\r\ry: [\n---\n");
        assert_eq!(d[0].code, codes::INVALID_YAML);
        assert!(d[0].span.line <= 4, "{:?}", d[0]);
        assert_eq!(yaml_position("a\r\rb: [\n", 3, 4), (1, 7));
        assert_eq!(yaml_position("a\r\nb\n", 2, 1), (2, 1));
        assert_eq!(yaml_position("a\n\u{2028}é x\n", 3, 3), (2, 4));
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut yaml = String::from("---\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            yaml.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        yaml.push_str("---\n");
        let (s, d) = parse(&yaml);
        assert!(s.is_none());
        assert_eq!(d[0].code, codes::INVALID_YAML);
    }

    #[test]
    fn scalar_front_matter_is_not_a_map() {
        let (_, d) = parse("---\n- a\n- b\n---\n");
        assert_eq!(d[0].code, codes::FRONT_MATTER_NOT_A_MAP);
    }

    #[test]
    fn keys_and_list_items_are_located() {
        let yaml = "name: A\ndepends_on:\n  - on: b\n    what: x\n    need_by: 2026-01-01\n  - { on: c }\ntags:\n- a\n- b\nnested:\n  inner: 1\n";
        let p = locate_fields(yaml, 2);
        assert_eq!(p.find("name"), (2, 1));
        assert_eq!(p.find("depends_on"), (3, 1));
        assert_eq!(p.find("depends_on.0"), (4, 3));
        assert_eq!(p.find("depends_on.0.on"), (4, 5));
        assert_eq!(p.find("depends_on.0.need_by"), (6, 5));
        assert_eq!(p.find("depends_on.1"), (7, 3));
        assert_eq!(p.find("depends_on.1.what"), (7, 3));
        assert_eq!(p.find("tags.1"), (10, 1));
        assert_eq!(p.find("nested.inner"), (12, 3));
        assert_eq!(p.find("missing"), (1, 1));
    }

    #[test]
    fn references_keep_their_positions() {
        let (s, _) = parse(
            "---\na: 1\n---\nSee [[payments]] and\n  [[ADR-7|the ADR]], [x](../adrs/0001-a.md#ctx), [y](https://e.com/a.md).\n",
        );
        let refs = s.unwrap().outline.references;
        assert_eq!(refs.len(), 3);
        assert_eq!(
            (&*refs[0].target, refs[0].line, refs[0].column),
            ("payments", 4, 5)
        );
        assert_eq!(
            (&*refs[1].target, refs[1].line, refs[1].column),
            ("ADR-7", 5, 3)
        );
        assert_eq!(&*refs[1].written, "[[ADR-7|the ADR]]");
        assert_eq!(&*refs[2].target, "adrs/0001-a.md");
        assert_eq!(refs[2].fragment.as_deref(), Some("ctx"));
        assert_eq!(refs[2].form, ReferenceForm::RelativeLink);
    }

    #[test]
    fn anchors_are_unique_and_code_is_not_counted() {
        let (s, _) = parse("## Context\ntext here\n## Context\n```\nlots of code words\n```\n");
        let s = s.unwrap();
        let anchors: Vec<_> = s
            .outline
            .headings
            .iter()
            .map(|h| h.anchor.as_str())
            .collect();
        assert_eq!(anchors, ["context", "context-1"]);
        assert_eq!(s.outline.words, 4);
    }

    #[test]
    fn relative_paths_resolve_inside_content() {
        assert_eq!(
            resolve_relative("teams/a.md", "../adrs/1.md").as_deref(),
            Some("adrs/1.md")
        );
        assert_eq!(resolve_relative("a.md", "./b.md").as_deref(), Some("b.md"));
        assert_eq!(resolve_relative("a.md", "../../b.md"), None);
        assert_eq!(slugify("Looking for Input On?"), "looking-for-input-on");
    }
}
