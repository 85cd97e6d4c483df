//! Runs the pipeline stages in order for the commands: load → model → link → check, then render.
//!
//! `check` is this without rendering; `build` adds rendering and writing;
//! `serve` renders into memory. Nothing here prints.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use crate::config::{Config, ConfigError, TodaySource};
use crate::diagnostic;
use crate::link::{self, Site};
use crate::load::LoadError;
use crate::model::{self, Details, DocId, Index, Kind};
use crate::render::{self, OutputFile, RenderError};
use crate::write::WriteError;

/// Anything that stops a command before it can finish.
#[derive(Debug, thiserror::Error)]
pub enum SeamError {
    /// `seam.toml` is wrong.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The content folder cannot be read.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// A template is wrong.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// The output cannot be written.
    #[error(transparent)]
    Write(#[from] WriteError),
    /// The build's date is wrong.
    #[error("{0}")]
    Today(String),
    /// The digest's week is wrong.
    #[error(transparent)]
    Digest(#[from] crate::digest::DigestError),
    /// Git could not compare this branch with another (`check --against`).
    #[error(transparent)]
    Git(#[from] crate::git::GitError),
}

/// What every command needs to know to read a docs repo.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The docs repo root.
    pub root: PathBuf,
    /// `--today`.
    pub today: Option<NaiveDate>,
    /// `--base-url`.
    pub base_url: Option<String>,
    /// The `SOURCE_DATE_EPOCH` environment variable.
    pub source_date_epoch: Option<String>,
    /// Which weekly digests to work out.
    pub digests: Digests,
    /// `--out`, made absolute: the output folder in place of `output_dir`,
    /// left out of the content like it.
    pub out: Option<PathBuf>,
}

/// Which weekly digests a command needs worked out as part of the site.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Digests {
    /// Every published week's (building and serving the site).
    #[default]
    All,
    /// The build's week only (`seam check` renders the digest templates with it).
    Current,
    /// None (commands that print other things).
    None,
}

/// The stages, for progress reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Reading files.
    Load,
    /// Typing, checking and linking.
    Check,
    /// Rendering pages.
    Render,
    /// Writing the output.
    Write,
}

/// Reads, types, checks and links a docs repo.
pub fn assemble(
    options: &Options,
    progress: &dyn Fn(Stage),
) -> Result<(Site, TodaySource), SeamError> {
    let (config, today, today_source) = settings(options)?;
    progress(Stage::Load);
    let model = model::read(&options.root, config)?;
    progress(Stage::Check);
    let site = link_model(model, today, options.digests);
    Ok((site, today_source))
}

/// Reads `seam.toml` with the options over it, and works out the build's date.
pub fn settings(options: &Options) -> Result<(Config, NaiveDate, TodaySource), SeamError> {
    let mut config = Config::load(&options.root)?;
    if let Some(out) = &options.out {
        config.output_dir = out.clone();
    }
    if let Some(url) = &options.base_url {
        config.base_url = if url.ends_with('/') {
            url.clone()
        } else {
            format!("{url}/")
        };
    }
    let (today, today_source) =
        crate::config::resolve_today(options.today, options.source_date_epoch.as_deref(), &config)
            .map_err(SeamError::Today)?;
    Ok((config, today, today_source))
}

/// Links typed documents, checks them and works out the digests: everything
/// after the model, for a whole build and for a rebuild after an edit alike.
pub fn link_model(model: model::Model, today: NaiveDate, digests: Digests) -> Site {
    link_model_reusing(model, today, digests, None).site
}

/// What a rebuild keeps from the last link when no document came, went,
/// moved or changed its id or kind (see [`link::Unchanged`]).
#[derive(Debug)]
pub struct Unchanged {
    /// The last build's index.
    pub index: Index,
    /// What linking keeps: the last references and the documents read again.
    pub links: link::Unchanged,
    /// The last check's problems of each document, as [`link_model_reusing`] returned them.
    pub checked: crate::check::Checked,
    /// The last build's digests, when every re-read document gives past
    /// weeks what it gave before ([`crate::digest::past_shape`]): if the
    /// relations between documents stand too, past weeks' digests are kept.
    pub digests: Option<Vec<crate::digest::Digest>>,
}

/// [`link_model`], which also returns each document's own problems (for the
/// next rebuild's [`Unchanged`]) and, given `unchanged`, links and checks
/// again only the documents read again. The site is the one `link_model` makes.
pub fn link_model_reusing(
    mut model: model::Model,
    today: NaiveDate,
    digests: Digests,
    unchanged: Option<Unchanged>,
) -> Linked {
    // Settled from the documents alone, so a kept document's id is what it was.
    let shared_numbers = model::settle_adr_ids(&mut model.documents);
    model.diagnostics.extend(shared_numbers);
    let documents = model::Documents::new(model.documents);
    let (index, links, checked, past_digests, relinked) = match unchanged {
        Some(u) => {
            let reread = u.links.reread.clone();
            let shape = |links: &link::Links| -> Vec<Option<u64>> {
                reread
                    .iter()
                    .map(|i| links.shapes.get(i).copied())
                    .collect()
            };
            let before = shape(&u.links.last);
            // The re-read documents and what they referred to: when the
            // relations stand, only these can have other backlinks.
            let mut relinked: BTreeSet<DocId> = reread.iter().copied().collect();
            let targets = |links: &link::Links, relinked: &mut BTreeSet<DocId>| {
                for &i in &reread {
                    let found = links.references.of(i).iter();
                    relinked.extend(found.filter_map(|r| r.resolution.found()));
                }
            };
            targets(&u.links.last, &mut relinked);
            let links = link::link_reusing(&documents, &u.index, today, Some(u.links));
            targets(&links, &mut relinked);
            let related_alike = before == shape(&links);
            let past = u.digests.filter(|_| related_alike);
            let relinked = related_alike.then(|| relinked.into_iter().collect());
            (u.index, links, Some((u.checked, reread)), past, relinked)
        }
        None => {
            let index = Index::new(documents.as_slice());
            let links = link::link(&documents, &index, today);
            (index, links, None, None, None)
        }
    };
    let mut site = Site {
        root: model.root,
        config: model.config,
        today,
        documents,
        assets: model.assets,
        index,
        links,
        diagnostics: model.diagnostics,
        digests: Vec::new(),
        search: Default::default(),
    };
    quote_source_lines(
        &mut site.diagnostics,
        &site.documents,
        &site.index,
        &site.root,
    );
    // Each document's own problems are quoted once, when it is checked.
    let quote = |found: &mut Vec<diagnostic::Diagnostic>| {
        quote_source_lines(found, &site.documents, &site.index, &site.root);
    };
    // The checks across documents read no document's own problems: they
    // run beside the checks of each document, on a core those leave idle.
    let (per_document, across) = rayon::join(
        || match checked {
            Some((last, reread)) => {
                let mut found = crate::check::check_documents(&site, Some((last, &reread)));
                for i in reread {
                    found.get_mut(&i).map(quote);
                }
                found
            }
            None => {
                let mut found = crate::check::check_documents(&site, None);
                use rayon::prelude::*;
                found.par_iter_mut().for_each(|(_, f)| quote(f));
                found
            }
        },
        || {
            let mut across = crate::check::check_across(&site);
            quote(&mut across);
            across
        },
    );
    site.diagnostics
        .extend(crate::check::in_file_order(&site.documents, &per_document).cloned());
    site.diagnostics.extend(across);
    diagnostic::sort(&mut site.diagnostics);
    // Digests read the problems (doc health), so they come last.
    let kept_past_digests = past_digests.is_some() && digests == Digests::All;
    site.digests = match (digests, past_digests) {
        (Digests::All, Some(last)) => {
            crate::digest::Digester::new(&site).digests_keeping_past(last)
        }
        (Digests::All, None) => crate::digest::Digester::new(&site).digests(),
        (Digests::Current, _) => crate::digest::digest(&site, crate::model::Week::of(today))
            .into_iter()
            .collect(),
        (Digests::None, _) => Vec::new(),
    };
    Linked {
        site,
        checked: per_document,
        relinked,
        kept_past_digests,
    }
}

/// What [`link_model_reusing`] makes.
#[derive(Debug)]
pub struct Linked {
    /// The linked site.
    pub site: Site,
    /// Each document's own problems (for the next rebuild's [`Unchanged`]).
    pub checked: crate::check::Checked,
    /// The only documents whose links (what
    /// [`crate::render::reads::Fingerprints::links`] hashes) can differ from
    /// the last build's; `None` when any can.
    pub relinked: Option<Vec<DocId>>,
    /// Whether the digests of weeks before the build's are the last build's, kept.
    pub kept_past_digests: bool,
}

/// Adds to the site's problems every ADR number that this branch and
/// `reference` each gave to a different file (`seam check --against`).
pub fn check_against(site: &mut Site, reference: &str) -> Result<(), SeamError> {
    let git = crate::git::Git::open(&site.root)?;
    let mut found = crate::check::number_collisions(site, &git, reference)?;
    quote_source_lines(&mut found, &site.documents, &site.index, &site.root);
    site.diagnostics.extend(found);
    diagnostic::sort(&mut site.diagnostics);
    Ok(())
}

/// The bytes of a file that did not load, to quote a line of: only a
/// regular file under 1 MB inside the docs repo (never a FIFO, which would
/// hang, nor what a link out of the repo points to).
fn quotable(root: &Path, path: &Path) -> Option<Vec<u8>> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() >= 1 << 20 || crate::load::outside(root, path).is_some() {
        return None;
    }
    std::fs::read(path).ok()
}

/// Adds the quoted source line to each diagnostic, from the loaded text of
/// its document (or from the file, for a file that did not load).
fn quote_source_lines(
    diagnostics: &mut [diagnostic::Diagnostic],
    documents: &model::Documents,
    index: &Index,
    root: &Path,
) {
    // Only short lines are quoted; a long one is never copied (a file of one
    // 4 MB line with a problem per link would copy it once per problem).
    let quoted = |l: &str| (!l.trim().is_empty() && l.len() < 400).then(|| l.to_string());
    // The last file read that did not load, and its text: its problems come together.
    let mut unloaded: Option<(PathBuf, Option<String>)> = None;
    for d in diagnostics.iter_mut() {
        let file = &*d.span.file;
        let doc = index
            .by_file(&diagnostic::display_path(file))
            .and_then(|i| documents.get(i));
        let n = d.span.line.saturating_sub(1) as usize;
        d.source_line = match doc {
            Some(doc) => doc.source.line_text(d.span.line).and_then(|l| quoted(&l)),
            None => {
                if unloaded.as_ref().is_none_or(|(f, _)| f != file) {
                    let text = quotable(root, &root.join(file))
                        .map(|b| String::from_utf8_lossy(&b).into_owned());
                    unloaded = Some((file.to_path_buf(), text));
                }
                let text = unloaded.as_ref().and_then(|(_, t)| t.as_deref());
                text.and_then(|t| t.lines().nth(n).and_then(quoted))
            }
        };
    }
}

/// Renders every page of a linked site with its templates, into memory.
pub fn render(site: &Site) -> Result<Vec<OutputFile>, SeamError> {
    let tera = render::load_templates(&site.root)?;
    Ok(render::render(site, &tera)?)
}

/// Renders every page of a linked site into `out`, writing each file as it is
/// made, and swaps it in whole. Returns how many files were written.
pub fn build(site: &Site, out: &Path, progress: &dyn Fn(Stage)) -> Result<usize, SeamError> {
    // The search index is made on every core while the previous site is
    // listed, which takes one thread that mostly waits on the file system.
    let (_, begun) = rayon::join(
        || render::search::of(site),
        || -> Result<_, SeamError> {
            let tera = render::load_templates(&site.root)?;
            Ok((tera, crate::write::Staging::begin(out, &site.assets)?))
        },
    );
    let (tera, staging) = begun?;
    progress(Stage::Render);
    let written = render::render_each::<SeamError>(
        site,
        &tera,
        &render::graph::GraphCache::default(),
        &|file| Ok(staging.write(&file)?),
    )?;
    progress(Stage::Write);
    staging.commit()?;
    Ok(written)
}

/// Above this many bytes of Markdown, `seam build` packs the documents'
/// files in memory once they are linked and checked (see
/// [`crate::load::Source::pack`]): at 100,000 documents their text is the
/// largest thing a build holds, and below this size packing would cost
/// more time than the memory is worth.
pub const PACK_ABOVE: usize = 64 << 20;

/// Packs every document's file in memory when together they hold more
/// than `above` bytes, for a site that is only rendered from then on.
/// Returns whether it did.
pub fn pack_sources(site: &mut Site, above: usize) -> bool {
    let size: usize = site
        .documents
        .iter()
        .map(|d| match &d.source.text {
            crate::load::Text::Plain(text) => text.len(),
            crate::load::Text::Packed(_) => 0,
        })
        .sum();
    if size <= above {
        return false;
    }
    site.documents.pack_sources();
    true
}

/// Compiles the templates and renders one output with each, so a broken
/// template is reported without rendering the whole site. Returns how many were rendered.
pub fn check_templates(site: &Site) -> Result<usize, SeamError> {
    let tera = render::load_templates(&site.root)?;
    Ok(render::check_templates(site, &tera)?)
}

/// The digest of `week` (the build's week when `None`) and its email.
pub fn digest_email(
    site: &Site,
    week: Option<crate::model::Week>,
) -> Result<(crate::digest::Digest, render::digest::DigestEmail), SeamError> {
    let week = week.unwrap_or_else(|| crate::model::Week::of(site.today));
    let digest = crate::digest::digest(site, week)?;
    let tera = render::load_templates(&site.root)?;
    let email = render::digest::digest_email(site, &tera, &digest)?;
    Ok((digest, email))
}

/// One row of `seam list`.
#[derive(Clone, Debug, Serialize)]
pub struct DocumentRow {
    /// Id.
    pub id: String,
    /// Kind.
    pub kind: Kind,
    /// Title.
    pub title: String,
    /// Status word, if any.
    pub status: Option<String>,
    /// Main date, if any.
    pub date: Option<String>,
    /// Main team id, if any.
    pub team: Option<String>,
    /// Source file, relative to the root.
    pub file: String,
    /// Ids of the documents it references, resolved, sorted.
    pub references: Vec<String>,
    /// What an ADR's file said, for checking a migration by script.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub adr: Option<AdrRow>,
}

/// The ADR fields of a `seam list` row.
#[derive(Clone, Debug, Serialize)]
pub struct AdrRow {
    /// Its number, when it has one.
    pub number: Option<u32>,
    /// Its status as its file writes it.
    pub status_written: Option<String>,
    /// Its own status, normalised (`status` is the effective one).
    pub status_own: Option<String>,
    /// Who decided.
    pub deciders: Vec<String>,
    /// Ids of the ADRs it replaces (whichever file says so).
    pub supersedes: Vec<String>,
    /// Ids of the ADRs that replace it (whichever file says so).
    pub superseded_by: Vec<String>,
    /// Ids of the ADRs it amends (whichever file says so).
    pub amends: Vec<String>,
    /// Ids of the ADRs that amend it (whichever file says so).
    pub amended_by: Vec<String>,
    /// The format its file was read as: `seam`, `nygard`, `madr-2`, `madr-3`, `madr-4`, `log4brains`.
    pub format: crate::model::AdrFormat,
    /// Whether its folder holds ADRs written for another tool.
    pub imported: bool,
}

/// Every document as a row for `seam list`, optionally of one kind.
pub fn document_rows(site: &Site, kind: Option<Kind>) -> Vec<DocumentRow> {
    site.documents
        .iter()
        .filter(|d| kind.is_none_or(|k| d.kind == k))
        .map(|d| {
            let i = d.key;
            let mut refs: BTreeSet<String> = site
                .links
                .references
                .of(i)
                .iter()
                .filter_map(|r| r.resolution.found())
                .map(|t| site.documents[t].id.clone())
                .collect();
            refs.remove(&d.id);
            let ids = |map: &std::collections::BTreeMap<DocId, Vec<DocId>>| -> Vec<String> {
                let mut ids: Vec<String> = map
                    .get(&i)
                    .into_iter()
                    .flatten()
                    .map(|&j| site.documents[j].id.clone())
                    .collect();
                ids.sort();
                ids
            };
            let adr = match &d.details {
                Details::Adr(a) => Some(AdrRow {
                    number: a.number,
                    status_written: a.status_written.clone(),
                    status_own: a.status.as_ref().map(|s| s.label().to_string()),
                    deciders: a.deciders.clone(),
                    supersedes: ids(&site.links.supersedes),
                    superseded_by: ids(&site.links.superseded_by),
                    amends: ids(&site.links.amends),
                    amended_by: ids(&site.links.amended_by),
                    format: a.format,
                    imported: a.imported,
                }),
                _ => None,
            };
            DocumentRow {
                id: d.id.clone(),
                kind: d.kind,
                title: d.title.clone(),
                status: site.status(i),
                date: d.date.map(|x| x.to_string()),
                team: d.team().map(str::to_string),
                file: diagnostic::display_path(d.file()),
                references: refs.into_iter().collect(),
                adr,
            }
        })
        .collect()
}

/// One dependency, as `seam deps` prints it.
#[derive(Clone, Debug, Serialize)]
pub struct DependencyRow {
    /// The depending team.
    pub team: String,
    /// The team depended on.
    pub on: String,
    /// What is needed.
    pub what: String,
    /// Its type.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Need-by date.
    pub need_by: Option<String>,
    /// Committed date or `TBD`.
    pub committed: String,
    /// Status.
    pub status: Option<String>,
    /// The owner's risk.
    pub owner_risk: Option<String>,
    /// The computed risk.
    pub risk: String,
    /// Computed flags, `optimistic-risk` included.
    pub flags: Vec<String>,
    /// Fallback plan.
    pub fallback: Option<String>,
    /// Governing alignment.
    pub alignment: Option<String>,
    /// Last confirmed.
    pub updated: Option<String>,
    /// The depending team's file and the entry's line.
    pub source: String,
}

/// Every dependency in tracker order, optionally only those touching `team` or at `min_risk` and above.
pub fn dependency_rows(
    site: &Site,
    team: Option<DocId>,
    min_risk: Option<crate::model::Risk>,
) -> Vec<DependencyRow> {
    site.links
        .dependencies
        .iter()
        .filter(|d| team.is_none_or(|t| d.from == t || d.to == Some(t)))
        .filter(|d| min_risk.is_none_or(|r| d.assessment.computed >= r))
        .map(|d| {
            let from = &site.documents[d.from];
            let Details::Team(t) = &from.details else {
                unreachable!("dependencies come from teams")
            };
            let dep = &t.depends_on[d.entry];
            DependencyRow {
                team: from.id.clone(),
                on: d
                    .to
                    .map(|i| site.documents[i].id.clone())
                    .unwrap_or_else(|| dep.on.id.clone()),
                what: dep.what.clone(),
                kind: dep.kind.map(|k| k.to_string()),
                need_by: dep.need_by.map(|x| x.to_string()),
                committed: dep.committed.to_string(),
                status: dep.status.map(|s| s.to_string()),
                owner_risk: dep.risk.map(|r| r.to_string()),
                risk: d.assessment.computed.to_string(),
                flags: d
                    .assessment
                    .flag_names()
                    .into_iter()
                    .map(String::from)
                    .collect(),
                fallback: dep.fallback.clone(),
                alignment: dep.alignment.as_ref().map(|a| a.id.clone()),
                updated: dep.updated.map(|x| x.to_string()),
                source: format!(
                    "{}:{}",
                    diagnostic::display_path(from.file()),
                    dep.span.line
                ),
            }
        })
        .collect()
}

/// The moment `seam rotations --at` asks about.
#[derive(Clone, Copy, Debug)]
pub enum At {
    /// Noon of a date in each rotation's own time zone.
    Date(NaiveDate),
    /// An exact instant.
    Instant(chrono::DateTime<chrono::Utc>),
}

impl At {
    /// Reads `YYYY-MM-DD` or an RFC 3339 instant (`2026-11-20T09:00:00Z`).
    pub fn parse(s: &str) -> Result<At, String> {
        if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s.trim()) {
            return Ok(At::Instant(t.with_timezone(&chrono::Utc)));
        }
        model::parse_date(s).map(At::Date).map_err(|why| {
            format!("`{s}`: {why}; write a date (2026-11-20) or an instant (2026-11-20T09:00:00Z)")
        })
    }
}

/// Who is on duty in one rotation.
#[derive(Clone, Debug, Serialize)]
pub struct DutyRow {
    /// The rotation's id.
    pub id: String,
    /// Its title.
    pub rotation: String,
    /// Who is on duty, if anyone.
    pub member: Option<String>,
    /// Until when, in the rotation's time zone.
    pub until: Option<String>,
    /// Exchange pairs this period.
    pub pairs: Vec<(String, String)>,
    /// The instant asked about, RFC 3339 in UTC.
    pub at: String,
}

/// Who is on duty in every rotation at `at`.
pub fn duty_rows(site: &Site, at: At) -> Vec<DutyRow> {
    site.documents
        .iter()
        .filter_map(|d| match &d.details {
            Details::Rotation(r) => Some((d, r)),
            _ => None,
        })
        .map(|(d, r)| {
            let instant = match at {
                At::Date(date) => crate::schedule::noon(r, date),
                At::Instant(t) => t,
            };
            let tz = r.timezone.unwrap_or(chrono_tz::Tz::UTC);
            let shift = crate::schedule::on_duty(r, instant);
            DutyRow {
                id: d.id.clone(),
                rotation: d.title.clone(),
                member: shift.as_ref().map(|s| s.member.clone()),
                until: shift.as_ref().map(|s| {
                    s.end
                        .with_timezone(&tz)
                        .format("%a %Y-%m-%d %H:%M %Z")
                        .to_string()
                }),
                pairs: shift.as_ref().map(|s| s.pairs.clone()).unwrap_or_default(),
                at: instant.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            }
        })
        .collect()
}

/// A linked site made from `(path under content/, text)` pairs, for unit tests.
#[cfg(test)]
pub(crate) fn test_site(files: &[(&str, &str)], today: &str) -> Site {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join("content").join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let options = Options {
        root: dir.path().to_path_buf(),
        today: Some(today.parse().unwrap()),
        base_url: None,
        source_date_epoch: None,
        digests: Digests::All,
        out: None,
    };
    let (site, _) = assemble(&options, &|_| {}).unwrap();
    site
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_with_its_files_packed_renders_byte_for_byte_as_before() {
        // The example organisation, with every digest, so that pages,
        // the search index, digests and feeds all read the documents' bodies.
        let options = Options {
            root: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
            today: Some("2026-11-20".parse().unwrap()),
            digests: Digests::All,
            ..Options::default()
        };
        let (plain, _) = assemble(&options, &|_| {}).unwrap();
        let (mut packed, _) = assemble(&options, &|_| {}).unwrap();
        assert!(
            !pack_sources(&mut packed, usize::MAX),
            "under the bound: left as read"
        );
        assert!(pack_sources(&mut packed, 0));
        assert!(packed.documents.len() > 20);
        assert!(
            packed
                .documents
                .iter()
                .all(|d| matches!(d.source.text, crate::load::Text::Packed(_)))
        );
        let plain = render(&plain).unwrap();
        let packed = render(&packed).unwrap();
        assert_eq!(plain.len(), packed.len());
        for (a, b) in plain.iter().zip(&packed) {
            assert_eq!(a.path, b.path);
            assert!(a.contents == b.contents, "{} differs once packed", a.path);
        }
    }
}
