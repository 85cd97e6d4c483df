//! `seam new`: a new document of one kind, with the kind's front matter and
//! its sections each holding one line of guidance, written without ever
//! replacing a file.
//!
//! This module owns:
//! - the template of each kind, whose sections follow the kind's required
//!   and recommended sections in `seam.toml`;
//! - file names: slugs made from titles ([`slug`]);
//! - ADR numbering: the next free number is one more than the highest in use
//!   ([`next_number`]), counting the ADR folders, `number:` fields and, in a
//!   git checkout, the ADR file names on every local and remote-tracking
//!   branch. Several `seam new adr` at once each get their own number: a
//!   number is claimed by creating a hidden claim file exclusively, the
//!   folder is looked at again while the claim is held, and the ADR itself is
//!   created exclusively; whichever step finds the number taken moves on to
//!   the next one;
//! - marking the ADR a new one supersedes, by editing only the lines that
//!   must change: in its front matter ([`set_front_matter_fields`]), or, for
//!   an adr-tools file without one, in its `## Status` section
//!   ([`mark_status_section`]).
//!
//! Nothing here prints; the command line shows the [`Created`] result.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use chrono::{Days, NaiveDate};
use serde_yaml::Value;

use crate::check::{UPDATE_SECTIONS, normalise_heading};
use crate::config::Config;
use crate::diagnostic::display_path;
use crate::git::{Git, GitError};
use crate::load::LoadError;
use crate::model::{self, Details, Document, Kind, Week, adr_id, adr_number_of_file};

/// How many numbers `seam new adr` tries before it gives up.
const MAX_ATTEMPTS: u32 = 100;

/// Days a new ADR stays open for comment (`comment_by`).
const COMMENT_DAYS: u64 = 14;

/// Days until a new alignment is due for review (`review_by`).
const REVIEW_DAYS: u64 = 90;

/// Longest slug made from a title, in characters.
const MAX_SLUG: usize = 60;

/// What to create, with the fields the command line fills.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// A team page, `teams/<id>.md`; the id is the slug of the name.
    Team {
        /// The team's name.
        name: Option<String>,
    },
    /// An ADR, `adrs/NNNN-<slug>.md`, with the next free number.
    Adr {
        /// Its title.
        title: Option<String>,
        /// The owning team's id.
        team: Option<String>,
        /// The number of the ADR it supersedes, which is marked superseded.
        supersedes: Option<u32>,
    },
    /// An alignment, `alignments/<slug>.md`.
    Alignment {
        /// Its title.
        title: Option<String>,
        /// The parties' team ids.
        teams: Vec<String>,
    },
    /// A rotation, `rotations/<slug>.md`.
    Rotation {
        /// Its name.
        name: Option<String>,
        /// The teams it belongs to; the first is its `team`.
        teams: Vec<String>,
    },
    /// A team's weekly update, `updates/<yyyy>-W<ww>/<team>.md`.
    Update {
        /// The team's id.
        team: String,
        /// The week (default: the week of today).
        week: Option<Week>,
    },
}

impl Request {
    /// The kind of document it makes.
    pub fn kind(&self) -> Kind {
        match self {
            Request::Team { .. } => Kind::Team,
            Request::Adr { .. } => Kind::Adr,
            Request::Alignment { .. } => Kind::Alignment,
            Request::Rotation { .. } => Kind::Rotation,
            Request::Update { .. } => Kind::Update,
        }
    }

    fn team_ids(&self) -> Vec<&str> {
        match self {
            Request::Team { .. } => Vec::new(),
            Request::Adr { team, .. } => team.iter().map(String::as_str).collect(),
            Request::Alignment { teams, .. } | Request::Rotation { teams, .. } => {
                teams.iter().map(String::as_str).collect()
            }
            Request::Update { team, .. } => vec![team.as_str()],
        }
    }
}

/// What `seam new` made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Created {
    /// The new file, relative to the root.
    pub path: PathBuf,
    /// The new document's id (`ADR-0012`, `payments`, `updates/2026-W47/payments`).
    pub id: String,
    /// The ADR marked superseded by it, relative to the root.
    pub superseded: Option<PathBuf>,
    /// Fields `seam check` needs that could not be filled, each with what to write.
    pub to_fill: Vec<&'static str>,
    /// Whether the file was written (not with a dry run).
    pub written: bool,
}

/// Why `seam new` made nothing.
#[derive(Debug, thiserror::Error)]
pub enum NewError {
    /// The file to create exists already.
    #[error(
        "{} already exists; `seam new` never replaces a file, so nothing was written",
        display_path(.0)
    )]
    Exists(PathBuf),
    /// `seam.toml` gives the kind no folder.
    #[error("`[kinds.{0}] dirs` in seam.toml lists no folder to put a new {0} in")]
    NoFolder(Kind),
    /// A team id that cannot be a file name or a reference.
    #[error("{0}")]
    InvalidId(String),
    /// `--supersedes` names no ADR.
    #[error(
        "no ADR has the number {0}, so there is nothing to supersede; `seam list --kind adr` shows them"
    )]
    NoSuchAdr(u32),
    /// `--supersedes` names a number two ADRs share.
    #[error("{} ADRs have the number {number} ({}): renumber one before superseding it", .files.len(), .files.join(", "))]
    AmbiguousAdr {
        /// The number.
        number: u32,
        /// Their files.
        files: Vec<String>,
    },
    /// `--supersedes` names an ADR another one already supersedes.
    #[error("{} is already superseded by {by}: supersede that one instead", adr_id(*.number))]
    AlreadySuperseded {
        /// The number given.
        number: u32,
        /// Its successor, as written.
        by: String,
    },
    /// The superseded ADR has neither front matter nor a `## Status` section.
    #[error(
        "{} has no front matter and no `## Status` section, so it cannot be marked superseded",
        display_path(.0)
    )]
    NoStatus(PathBuf),
    /// Every number tried was taken while trying.
    #[error(
        "numbers {first} to {last} were all taken while `seam new adr` tried them; run it again"
    )]
    NoFreeNumber {
        /// The first number tried.
        first: u32,
        /// The last.
        last: u32,
    },
    /// The content folder could not be read.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// Git could not list the other branches' ADRs.
    #[error("cannot read the ADR numbers on other branches: {0}")]
    Git(#[from] GitError),
    /// Reading or writing a file failed.
    #[error("cannot write {}: {source}", display_path(.path))]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Whether `id` can be a team id written by `seam new`: letters, digits,
/// `-`, `_` and `.`, starting with a letter or digit. Says why not.
pub fn check_id(id: &str) -> Result<(), String> {
    let ok = id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{id}` is not a team id: use letters, digits, `-`, `_` and `.`, starting with a letter or digit"
        ))
    }
}

/// A file name from a title: lowercase ASCII letters and digits joined by
/// single hyphens, at most 60 characters, cut at a hyphen. Accented Latin
/// letters become their base letters (`é` → `e`, `ß` → `ss`); apostrophes
/// are dropped; any other character separates words. Empty when nothing is left.
pub fn slug(title: &str) -> String {
    let mut out = String::new();
    let mut pending_hyphen = false;
    for c in title.chars().flat_map(char::to_lowercase) {
        if matches!(c, '\'' | '’' | '`') {
            continue;
        }
        let ascii = transliterate(c);
        if ascii.is_empty() {
            pending_hyphen = !out.is_empty();
            continue;
        }
        if pending_hyphen {
            out.push('-');
            pending_hyphen = false;
        }
        out.push_str(ascii);
    }
    if out.len() > MAX_SLUG {
        let cut = out[..=MAX_SLUG].rfind('-').unwrap_or(MAX_SLUG);
        out.truncate(cut);
    }
    out
}

/// The ASCII letters or digit a lowercase character is written as in a slug; empty for a separator.
fn transliterate(c: char) -> &'static str {
    const DIGITS_AND_LETTERS: &str = "0123456789abcdefghijklmnopqrstuvwxyz";
    if c.is_ascii_alphanumeric() {
        let i = DIGITS_AND_LETTERS
            .find(c)
            .expect("an ASCII letter or digit");
        return &DIGITS_AND_LETTERS[i..i + 1];
    }
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => "",
    }
}

/// The next free ADR number: one more than the highest in use, so gaps
/// (1, 2, 5 → 6) are never filled; 1 when none is used.
pub fn next_number(used: &BTreeSet<u32>) -> u32 {
    used.last().map_or(1, |n| n + 1)
}

/// Creates the document `request` describes under `root` (or, with
/// `dry_run`, only works out its path). `today` dates it.
pub fn create(
    root: &Path,
    config: &Config,
    request: &Request,
    today: NaiveDate,
    dry_run: bool,
) -> Result<Created, NewError> {
    for id in request.team_ids() {
        check_id(id).map_err(NewError::InvalidId)?;
    }
    let kind = request.kind();
    let folder = config
        .kind_folders(kind)
        .into_iter()
        .next()
        .ok_or(NewError::NoFolder(kind))?;
    let folder = PathBuf::from(folder);
    let sections = sections(config, kind);
    let mut to_fill = Vec::new();
    let (rel, text, id) = match request {
        Request::Adr {
            title,
            team,
            supersedes,
        } => {
            let (title, slug) = title_and_slug(title, "New decision");
            let draft = AdrDraft {
                title: &title,
                slug: &slug,
                team: team.as_deref(),
                supersedes: *supersedes,
                today,
                sections: &sections,
            };
            return create_adr(root, config, &folder, draft, dry_run);
        }
        Request::Team { name } => {
            let (name, slug) = title_and_slug(name, "New team");
            let text = team_text(&name, &slug, today, &sections);
            (folder.join(format!("{slug}.md")), text, slug)
        }
        Request::Alignment { title, teams } => {
            if teams.len() < 2 {
                to_fill.push("`teams` (the parties: at least two team ids)");
            }
            let (title, slug) = title_and_slug(title, "New alignment");
            let text = alignment_text(&title, teams, today, &sections);
            (folder.join(format!("{slug}.md")), text, slug)
        }
        Request::Rotation { name, teams } => {
            let members = match teams.first() {
                Some(team) => team_members(root, config, team)?,
                None => Vec::new(),
            };
            if members.is_empty() {
                to_fill.push("`members` (the people on duty, in order)");
            }
            let (name, slug) = title_and_slug(name, "New rotation");
            let text = rotation_text(&name, teams, &members, today, &sections);
            (folder.join(format!("{slug}.md")), text, slug)
        }
        Request::Update { team, week } => {
            let week = week.unwrap_or_else(|| Week::of(today));
            (
                folder.join(week.to_string()).join(format!("{team}.md")),
                update_text(team, week, &sections),
                format!("updates/{week}/{team}"),
            )
        }
    };
    let path = root.join(&rel);
    if path.exists() {
        return Err(NewError::Exists(rel));
    }
    if !dry_run {
        match write_new(&path, &text) {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(NewError::Exists(rel));
            }
            Err(source) => return Err(NewError::Io { path: rel, source }),
            Ok(()) => {}
        }
    }
    Ok(Created {
        path: rel,
        id,
        superseded: None,
        to_fill,
        written: !dry_run,
    })
}

/// A title with its runs of whitespace made single spaces, and the slug of
/// its file name; `default` for both when no title is given or its slug is empty.
fn title_and_slug(title: &Option<String>, default: &str) -> (String, String) {
    let title = title
        .as_deref()
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| default.to_string());
    let slug = Some(slug(&title))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| slug(default));
    (title, slug)
}

/// Everything an ADR's text needs but its number.
struct AdrDraft<'a> {
    title: &'a str,
    slug: &'a str,
    team: Option<&'a str>,
    supersedes: Option<u32>,
    today: NaiveDate,
    sections: &'a [(String, &'static str)],
}

fn create_adr(
    root: &Path,
    config: &Config,
    folder: &Path,
    draft: AdrDraft<'_>,
    dry_run: bool,
) -> Result<Created, NewError> {
    let documents = documents(root, config)?;
    // The ADR to supersede must exist and be markable before anything is written.
    // An imported ADR is never rewritten: the new ADR's `supersedes` says it alone.
    let old = match draft.supersedes {
        Some(n) => {
            let file = adr_file(&documents, n)?;
            let imported = documents.iter().any(|d| {
                **d.file() == *file && matches!(&d.details, Details::Adr(a) if a.imported)
            });
            if imported {
                None
            } else {
                let text = read(root, &file)?;
                if mark_superseded(&text, "ADR-0000", "").is_none() {
                    return Err(NewError::NoStatus(file));
                }
                Some(file)
            }
        }
        None => None,
    };
    let mut used: BTreeSet<u32> = documents
        .iter()
        .filter_map(|d| match &d.details {
            Details::Adr(a) => a.number,
            _ => None,
        })
        .collect();
    used.extend(numbers_on_disk(
        root,
        config,
        &config.kind_folders(Kind::Adr),
    )?);
    used.extend(numbers_on_branches(root, config)?);
    let text = adr_text(&draft);
    let first = next_number(&used);
    let file_name = |n: u32| folder.join(format!("{n:04}-{}.md", draft.slug));
    if dry_run {
        return Ok(Created {
            path: file_name(first),
            id: adr_id(first),
            superseded: old,
            to_fill: Vec::new(),
            written: false,
        });
    }
    let dir = root.join(folder);
    std::fs::create_dir_all(&dir).map_err(|source| NewError::Io {
        path: folder.to_path_buf(),
        source,
    })?;
    let folder_text = display_path(folder);
    let mut n = first;
    let number = loop {
        if n >= first + MAX_ATTEMPTS {
            return Err(NewError::NoFreeNumber { first, last: n - 1 });
        }
        let io = |source| NewError::Io {
            path: folder.to_path_buf(),
            source,
        };
        let Some(claim) = Claim::take(&dir, n).map_err(io)? else {
            n += 1;
            continue;
        };
        // Another `seam new adr` may have written this number since the folder was first read.
        if numbers_on_disk(root, config, std::slice::from_ref(&folder_text))?.contains(&n) {
            drop(claim);
            n += 1;
            continue;
        }
        match write_new(&root.join(file_name(n)), &text) {
            Ok(()) => break n,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => n += 1,
            Err(source) => {
                return Err(NewError::Io {
                    path: file_name(n),
                    source,
                });
            }
        }
    };
    let path = file_name(number);
    let superseded = match old {
        Some(file) => {
            let text = read(root, &file)?;
            let link = format!(
                "[{number}. {}]({})",
                draft.title,
                relative_link(&display_path(&file), &display_path(&path))
            );
            let edited = mark_superseded(&text, &adr_id(number), &link)
                .ok_or_else(|| NewError::NoStatus(file.clone()))?;
            std::fs::write(root.join(&file), edited).map_err(|source| NewError::Io {
                path: file.clone(),
                source,
            })?;
            Some(file)
        }
        None => None,
    };
    Ok(Created {
        path,
        id: adr_id(number),
        superseded,
        to_fill: Vec::new(),
        written: true,
    })
}

/// A number held by one `seam new adr` while it checks the folder and
/// writes the ADR: a hidden file, created exclusively, removed when dropped.
struct Claim(PathBuf);

impl Claim {
    /// Claims `n` in `dir`; `None` when another process holds it.
    fn take(dir: &Path, n: u32) -> std::io::Result<Option<Claim>> {
        let path = dir.join(format!(".seam-new-{n:04}"));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(_) => Ok(Some(Claim(path))),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(None),
            Err(e) => Err(e),
        }
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        // A claim left behind only makes its number skipped.
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Creates `path` (and its folder) exclusively and writes `text`; removes it again if writing fails.
fn write_new(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(text.as_bytes()).inspect_err(|_| {
        let _ = std::fs::remove_file(path);
    })
}

fn read(root: &Path, file: &Path) -> Result<String, NewError> {
    std::fs::read_to_string(root.join(file)).map_err(|source| NewError::Io {
        path: file.to_path_buf(),
        source,
    })
}

/// Every document of the docs repo, typed; none when it has no content folder yet.
fn documents(root: &Path, config: &Config) -> Result<Vec<Document>, NewError> {
    match model::read(root, config.clone()) {
        Ok(model) => Ok(model.documents),
        Err(LoadError::NoContentDir(_)) => Ok(Vec::new()),
        Err(e) => Err(e.into()),
    }
}

/// The file of ADR number `n`.
fn adr_file(documents: &[Document], n: u32) -> Result<PathBuf, NewError> {
    let files: Vec<&Path> = documents
        .iter()
        .filter(|d| matches!(&d.details, Details::Adr(a) if a.number == Some(n)))
        .map(|d| &**d.file())
        .collect();
    let file = match files.as_slice() {
        [] => return Err(NewError::NoSuchAdr(n)),
        [one] => one.to_path_buf(),
        many => {
            return Err(NewError::AmbiguousAdr {
                number: n,
                files: many.iter().map(|f| display_path(f)).collect(),
            });
        }
    };
    let names_n = |r: &model::Reference| model::parse_adr_reference(&r.id, true) == Some(n);
    let successor = documents.iter().find_map(|d| match &d.details {
        Details::Adr(a) if a.number == Some(n) => a.superseded_by.as_ref().map(|r| r.id.clone()),
        Details::Adr(a) if a.supersedes.iter().any(names_n) => Some(d.id.clone()),
        _ => None,
    });
    match successor {
        Some(by) => Err(NewError::AlreadySuperseded { number: n, by }),
        None => Ok(file),
    }
}

/// The members of team `id`, in order, for a new rotation of that team.
fn team_members(root: &Path, config: &Config, id: &str) -> Result<Vec<String>, NewError> {
    Ok(documents(root, config)?
        .into_iter()
        .find(|d| d.kind == Kind::Team && d.id == id)
        .and_then(|d| match d.details {
            Details::Team(t) => Some(t.members.into_iter().map(|m| m.name).collect()),
            _ => None,
        })
        .unwrap_or_default())
}

/// The numbers that ADR file names in `folders` (relative to the root) give.
fn numbers_on_disk(
    root: &Path,
    config: &Config,
    folders: &[String],
) -> Result<BTreeSet<u32>, NewError> {
    let mut numbers = BTreeSet::new();
    for folder in folders {
        for entry in crate::load::walk_entries(root, config, &root.join(folder)).0 {
            let entry = match entry {
                Ok(e) => e,
                Err(e)
                    if e.depth() == 0
                        && e.io_error()
                            .is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound) =>
                {
                    break;
                }
                Err(e) => {
                    return Err(NewError::Io {
                        path: PathBuf::from(folder),
                        source: e.into(),
                    });
                }
            };
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
            numbers.extend(adr_number_of_file(&display_path(rel), config));
        }
    }
    Ok(numbers)
}

/// The numbers of ADR files on every local and remote-tracking branch; none outside a git checkout.
fn numbers_on_branches(root: &Path, config: &Config) -> Result<BTreeSet<u32>, NewError> {
    let Some(git) = Git::open_if_any(root)? else {
        return Ok(BTreeSet::new());
    };
    let folders = config.kind_folders(Kind::Adr);
    let mut numbers = BTreeSet::new();
    for tip in git.branch_tips()? {
        for file in git.files(&tip, &folders)? {
            numbers.extend(adr_number_of_file(&file, config));
        }
    }
    Ok(numbers)
}

/// A link from the file `from` to the file `to`, both relative to the root with `/`.
fn relative_link(from: &str, to: &str) -> String {
    let mut from_dir: Vec<&str> = from.split('/').collect();
    from_dir.pop();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<&str> = vec![".."; from_dir.len() - common];
    parts.extend(&to_parts[common..]);
    parts.join("/")
}

/// Marks an ADR's text superseded by `successor` (`ADR-0012`): in its front
/// matter when it has one, else in its `## Status` section with `link`
/// (`[12. Title](0012-title.md)`). `None` when it has neither.
fn mark_superseded(text: &str, successor: &str, link: &str) -> Option<String> {
    set_front_matter_fields(
        text,
        &[("status", "superseded"), ("superseded_by", successor)],
    )
    .or_else(|| mark_status_section(text, &format!("Superseded by {link}")))
}

// ---------------------------------------------------------------------------
// Editing lines

/// One line of a text and its ending (`\n`, `\r\n` or none, for a last line without one).
fn split_lines(text: &str) -> Vec<(&str, &str)> {
    text.split_inclusive('\n')
        .map(|l| {
            let body = l.trim_end_matches(['\n', '\r']);
            (body, &l[body.len()..])
        })
        .collect()
}

/// Sets top-level `key: value` fields in a document's front matter by
/// editing lines: a key that is there keeps its line, with only its value
/// replaced (its quoting and any comment after it kept, lines continuing
/// the old value removed); a key that is not there gets a new line after the
/// field before it in `fields`, or at the end of the front matter. Every
/// other byte is kept, line endings included. `None` when the text has no
/// front matter.
pub fn set_front_matter_fields(text: &str, fields: &[(&str, &str)]) -> Option<String> {
    let (bom, body) = match text.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", text),
    };
    let mut lines: Vec<(String, String)> = split_lines(body)
        .into_iter()
        .map(|(l, e)| (l.to_string(), e.to_string()))
        .collect();
    if lines.first().is_none_or(|(l, _)| l.trim_end() != "---") {
        return None;
    }
    let eol = match lines[0].1.as_str() {
        "" => "\n".to_string(),
        e => e.to_string(),
    };
    let mut close = (1..lines.len()).find(|&i| lines[i].0.trim_end() == "---")?;
    let mut after: Option<usize> = None;
    for (key, value) in fields {
        match (1..close).find(|&i| top_level_key(&lines[i].0) == Some(key)) {
            Some(at) => {
                let end = value_end(&lines, at, close);
                let kept_comments: Vec<(String, String)> = lines[at + 1..end]
                    .iter()
                    .filter(|(l, _)| l.trim_start().starts_with('#'))
                    .cloned()
                    .collect();
                lines[at].0 = replace_value(&lines[at].0, value);
                let removed = end - (at + 1) - kept_comments.len();
                lines.splice(at + 1..end, kept_comments);
                close -= removed;
                after = Some(end - removed);
            }
            None => {
                let at = after.unwrap_or(close);
                lines.insert(at, (format!("{key}: {value}"), eol.clone()));
                close += 1;
                after = Some(at + 1);
            }
        }
    }
    let mut out = String::with_capacity(text.len() + 64);
    out.push_str(bom);
    for (line, ending) in &lines {
        out.push_str(line);
        out.push_str(ending);
    }
    Some(out)
}

/// The key of a top-level `key: value` line (`"key":` and `'key':` too).
fn top_level_key(line: &str) -> Option<&str> {
    let (key, rest) = match line.chars().next()? {
        q @ ('"' | '\'') => {
            let end = line[1..].find(q)? + 1;
            (&line[1..end], &line[end + 1..])
        }
        c if c.is_whitespace() || matches!(c, '#' | '-' | '[' | '{') => return None,
        _ => {
            let colon = line.find(':')?;
            (line[..colon].trim_end(), &line[colon..])
        }
    };
    let rest = rest.trim_start_matches([' ', '\t']).strip_prefix(':')?;
    (rest.is_empty() || rest.starts_with([' ', '\t'])).then_some(key)
}

/// Where the value of the key on line `at` ends: after the lines below it
/// that continue it (indented, or `- ` items), blank lines between them included.
fn value_end(lines: &[(String, String)], at: usize, close: usize) -> usize {
    let mut end = at + 1;
    let mut i = at + 1;
    while i < close {
        let line = &lines[i].0;
        if line.starts_with([' ', '\t']) && !line.trim().is_empty()
            || line == "-"
            || line.starts_with("- ")
        {
            end = i + 1;
        } else if !line.trim().is_empty() {
            break;
        }
        i += 1;
    }
    end
}

/// A `key: value` line with its value replaced by `value`, keeping the
/// space after the colon, the old value's quotes and a comment after it.
fn replace_value(line: &str, value: &str) -> String {
    let colon = match line.chars().next() {
        Some(q @ ('"' | '\'')) => line[1..].find(q).map(|e| e + 2).unwrap_or(0),
        _ => 0,
    };
    let colon = colon + line[colon..].find(':').unwrap_or(line.len() - colon);
    let (head, after) = line.split_at(colon + 1);
    let space_len = after.len() - after.trim_start_matches([' ', '\t']).len();
    let (space, old) = after.split_at(space_len);
    let token_len = match old.chars().next() {
        Some('"') => quoted_len(old, '"'),
        Some('\'') => quoted_len(old, '\''),
        Some('#') => 0,
        _ => [" #", "\t#"]
            .iter()
            .filter_map(|c| old.find(c))
            .min()
            .unwrap_or(old.len()),
    };
    let token = old[..token_len].trim_end();
    let tail = &old[token.len()..];
    let new_value = match token.chars().next() {
        Some('"') => serde_json::to_string(value).expect("a string serialises"),
        Some('\'') => format!("'{}'", value.replace('\'', "''")),
        _ => value.to_string(),
    };
    if token.is_empty() {
        let comment = tail.trim_start();
        let gap = if comment.is_empty() { "" } else { " " };
        return format!("{head} {new_value}{gap}{comment}");
    }
    let space = if space.is_empty() { " " } else { space };
    format!("{head}{space}{new_value}{tail}")
}

/// The length of a quoted YAML scalar at the start of `s`, quotes included.
fn quoted_len(s: &str, quote: char) -> usize {
    let mut chars = s.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        if quote == '"' && c == '\\' {
            chars.next();
        } else if c == quote {
            if quote == '\'' && chars.peek().is_some_and(|&(_, n)| n == '\'') {
                chars.next();
            } else {
                return i + 1;
            }
        }
    }
    s.len()
}

/// Marks an adr-tools (Nygard) ADR superseded in its `## Status` section:
/// the section's first line becomes `Superseded` and `line` (`Superseded by
/// [12. Title](0012-title.md)`) follows it after a blank line. Every other
/// byte is kept. `None` when there is no `## Status` section.
pub fn mark_status_section(text: &str, line: &str) -> Option<String> {
    let lines = split_lines(text);
    let mut fence: Option<&str> = None;
    let mut heading = None;
    for (i, (l, _)) in lines.iter().enumerate() {
        let t = l.trim_start();
        if let Some(f) = fence {
            if t.starts_with(f) {
                fence = None;
            }
            continue;
        }
        if t.starts_with("```") || t.starts_with("~~~") {
            fence = Some(&t[..3]);
            continue;
        }
        if let Some(rest) = t.strip_prefix("##")
            && rest.starts_with([' ', '\t'])
            && normalise_heading(rest) == "status"
        {
            heading = Some(i);
            break;
        }
    }
    let heading = heading?;
    let eol = match lines[heading].1 {
        "" => "\n",
        e => e,
    };
    let first = (heading + 1..lines.len()).find(|&i| !lines[i].0.trim().is_empty());
    let mut out = String::with_capacity(text.len() + line.len() + 16);
    let push = |out: &mut String, range: std::ops::Range<usize>| {
        for (l, e) in &lines[range] {
            out.push_str(l);
            out.push_str(e);
        }
    };
    match first.filter(|&i| !lines[i].0.trim_start().starts_with('#')) {
        Some(status) => {
            push(&mut out, 0..status);
            let ending = lines[status].1;
            out.push_str("Superseded");
            out.push_str(if ending.is_empty() { eol } else { ending });
            out.push_str(eol);
            out.push_str(line);
            out.push_str(ending);
            push(&mut out, status + 1..lines.len());
        }
        None => {
            push(&mut out, 0..heading + 1);
            if lines[heading].1.is_empty() {
                out.push_str(eol);
            }
            out.push_str(eol);
            out.push_str("Superseded");
            out.push_str(eol);
            out.push_str(eol);
            out.push_str(line);
            out.push_str(eol);
            if lines
                .get(heading + 1)
                .is_some_and(|(l, _)| !l.trim().is_empty())
            {
                out.push_str(eol);
            }
            push(&mut out, heading + 1..lines.len());
        }
    }
    Some(out)
}

// ---------------------------------------------------------------------------
// Templates

/// The sections a new document of `kind` gets, each with its line of
/// guidance: the required sections, then the recommended ones (each by the
/// first of its names); for updates, all four update sections.
fn sections(config: &Config, kind: Kind) -> Vec<(String, &'static str)> {
    let names: Vec<String> = if kind == Kind::Update {
        UPDATE_SECTIONS.iter().map(|s| s.to_string()).collect()
    } else {
        config
            .required_sections(kind)
            .into_iter()
            .chain(config.recommended_sections(kind))
            .collect()
    };
    names
        .iter()
        .map(|s| {
            let name = s.split('|').next().unwrap_or(s).trim().to_string();
            let guidance = guidance(kind, &name);
            (name, guidance)
        })
        .collect()
}

/// One line of guidance for each section Seam knows, by kind and section name.
#[rustfmt::skip]
const GUIDANCE: &[(Kind, &str, &str)] = &[
    (Kind::Team, "Current Priorities", "What the team is working on now, most important first."),
    (Kind::Team, "Looking for Input On", "Questions for other teams, each with a link to the ADR or alignment it concerns."),
    (Kind::Team, "Recent Wins", "What the team shipped or learned lately that other teams should know."),
    (Kind::Adr, "Context", "The problem and the forces at play, with numbers where you have them."),
    (Kind::Adr, "Decision", "What we will do, in the present tense, specific enough to check the code against."),
    (Kind::Adr, "Consequences", "What becomes easier and what becomes harder because of it, the bad included."),
    (Kind::Adr, "Alternatives Considered", "The options weighed, doing nothing among them, and why each was not chosen."),
    (Kind::Alignment, "Ownership Map", "Which team owns which part of the work."),
    (Kind::Alignment, "Interface Definitions", "The APIs, events or hand-offs between the teams, and who may change them."),
    (Kind::Alignment, "Timeline Commitments", "Who delivers what by when; list each in `commitments` above too."),
    (Kind::Alignment, "Slip Protocol", "What happens when a date slips: who is told, how soon, and the fallback."),
    (Kind::Alignment, "Escalation Path", "Who decides when the teams disagree, in the order to ask them."),
    (Kind::Rotation, "Responsibilities", "What the person on duty does, and how quickly they answer."),
    (Kind::Update, "Shipped", "What reached customers or other teams this week."),
    (Kind::Update, "Working On", "What is in progress that matters to someone outside the team."),
    (Kind::Update, "Looking for Input On", "Questions for other teams; link the ADR or alignment."),
    (Kind::Update, "Blockers", "What is stopping you, and who can unblock it."),
];

/// One line of guidance for a section of a new document.
fn guidance(kind: Kind, section: &str) -> &'static str {
    let section = normalise_heading(section);
    GUIDANCE
        .iter()
        .find(|(k, name, _)| *k == kind && normalise_heading(name) == section)
        .map_or(
            "This section is required by seam.toml: write it here.",
            |(_, _, guidance)| guidance,
        )
}

/// A YAML scalar for `s`: plain when it reads back as the same string, else double-quoted.
fn yaml_scalar(s: &str) -> String {
    let plain = !s.chars().any(char::is_control)
        && matches!(serde_yaml::from_str::<Value>(s), Ok(Value::String(v)) if v == s);
    if plain {
        s.to_string()
    } else {
        serde_json::to_string(s).expect("a string serialises")
    }
}

/// A YAML flow list (`[a, b]`) of strings.
fn yaml_list(items: &[String]) -> String {
    let items: Vec<String> = items
        .iter()
        .map(|s| {
            if s.contains([',', '[', ']', '{', '}']) {
                serde_json::to_string(s).expect("a string serialises")
            } else {
                yaml_scalar(s)
            }
        })
        .collect();
    format!("[{}]", items.join(", "))
}

fn with_sections(front_matter: String, sections: &[(String, &'static str)]) -> String {
    let mut text = front_matter;
    for (name, guidance) in sections {
        text.push_str(&format!("\n## {name}\n\n{guidance}\n"));
    }
    text
}

fn plus_days(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_add_days(Days::new(days)).unwrap_or(date)
}

fn team_text(
    name: &str,
    id: &str,
    today: NaiveDate,
    sections: &[(String, &'static str)],
) -> String {
    let front_matter = format!(
        "---\n\
         name: {}\n\
         # mission: Why the team exists, in one sentence.\n\
         # lead: Who leads it\n\
         # members: [A Person, {{ name: Another Person, role: SRE }}]\n\
         # channels: {{ slack: \"#team-{id}\" }}\n\
         # coordination_model: service-provider\n\
         # owns: [a-service]\n\
         # depends_on:\n\
         #   - on: another-team\n\
         #     what: What you need from them\n\
         #     need_by: YYYY-MM-DD\n\
         updated: {today}\n\
         ---\n",
        yaml_scalar(name),
    );
    with_sections(front_matter, sections)
}

fn adr_text(d: &AdrDraft<'_>) -> String {
    let mut fm = format!(
        "---\ntitle: {}\nstatus: proposed\ndate: {}\ncomment_by: {}\n",
        yaml_scalar(d.title),
        d.today,
        plus_days(d.today, COMMENT_DAYS)
    );
    match d.team {
        Some(team) => fm.push_str(&format!("team: {}\n", yaml_scalar(team))),
        None => fm.push_str("# team: the owning team's id\n"),
    }
    fm.push_str("# deciders: [Who decides]\n# affects: [teams-it-impacts]\n");
    if let Some(n) = d.supersedes {
        fm.push_str(&format!("supersedes: [{}]\n", adr_id(n)));
    }
    fm.push_str("# tags: [a-tag]\n---\n");
    with_sections(fm, d.sections)
}

fn alignment_text(
    title: &str,
    teams: &[String],
    today: NaiveDate,
    sections: &[(String, &'static str)],
) -> String {
    let front_matter = format!(
        "---\n\
         title: {}\n\
         teams: {}{}\n\
         # owner: Who coordinates it\n\
         status: draft\n\
         date: {today}\n\
         review_by: {}\n\
         # commitments:\n\
         #   - {{ team: a-team, deliverable: What it delivers, date: YYYY-MM-DD, confidence: 80 }}\n\
         # adrs: [ADR-0001]\n\
         ---\n",
        yaml_scalar(title),
        yaml_list(teams),
        if teams.len() < 2 {
            "  # the parties: at least two team ids"
        } else {
            ""
        },
        plus_days(today, REVIEW_DAYS),
    );
    with_sections(front_matter, sections)
}

fn rotation_text(
    name: &str,
    teams: &[String],
    members: &[String],
    today: NaiveDate,
    sections: &[(String, &'static str)],
) -> String {
    let owner = match teams {
        [] => "# team: the owning team's id\n".to_string(),
        [team] => format!("team: {}\n", yaml_scalar(team)),
        many => format!("teams: {}\n", yaml_list(many)),
    };
    let front_matter = format!(
        "---\n\
         name: {}\n\
         kind: on-call\n\
         {owner}\
         start: {today}\n\
         every: 1w\n\
         handoff: Mon 10:00\n\
         timezone: UTC  # an IANA time zone, e.g. Europe/London\n\
         members: {}{}\n\
         ---\n",
        yaml_scalar(name),
        yaml_list(members),
        if members.is_empty() {
            "  # the people on duty, in order"
        } else {
            ""
        },
    );
    with_sections(front_matter, sections)
}

fn update_text(team: &str, week: Week, sections: &[(String, &'static str)]) -> String {
    with_sections(format!("---\nteam: {team}\nweek: {week}\n---\n"), sections)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_ascii_words_joined_by_hyphens() {
        for (title, want) in [
            (
                "Use PostgreSQL for the ledger",
                "use-postgresql-for-the-ledger",
            ),
            ("  Don't   break: the API!  ", "dont-break-the-api"),
            ("Café Straße Ørsted naïve", "cafe-strasse-orsted-naive"),
            ("Łódź → Kraków", "lodz-krakow"),
            ("ADR 7/8 -- rework", "adr-7-8-rework"),
            ("数据平台", ""),
            ("数据 platform", "platform"),
            ("", ""),
        ] {
            assert_eq!(slug(title), want, "{title}");
        }
        let long = slug(&"word ".repeat(30));
        assert!(long.len() <= MAX_SLUG && long.ends_with("word"), "{long}");
        let unbroken = slug(&"x".repeat(80));
        assert_eq!(unbroken.len(), MAX_SLUG);
    }

    #[test]
    fn the_next_number_is_one_above_the_highest_gaps_and_all() {
        assert_eq!(next_number(&BTreeSet::new()), 1);
        assert_eq!(next_number(&[1, 2, 5].into()), 6);
        assert_eq!(next_number(&[3].into()), 4);
        assert_eq!(next_number(&[9999].into()), 10000);
    }

    #[test]
    fn team_ids_must_be_file_names() {
        assert!(check_id("payments").is_ok());
        assert!(check_id("data-platform_2.0").is_ok());
        for bad in ["", "-x", ".hidden", "a/b", "a b", "é"] {
            assert!(check_id(bad).is_err(), "{bad}");
        }
    }

    /// The fields `--supersedes` sets, set in `text`.
    fn supersede(text: &str) -> Option<String> {
        set_front_matter_fields(
            text,
            &[("status", "superseded"), ("superseded_by", "ADR-0012")],
        )
    }

    #[test]
    fn fields_are_replaced_in_place_keeping_quotes_comments_and_order() {
        let text = "---\n# Decided in the architecture review.\ntitle: \"Use: REST\"\nstatus: 'accepted'   # since March\ndate: 2026-01-10\ntags: [api]\n---\n\n## Context\n";
        let got = supersede(text).unwrap();
        assert_eq!(
            got,
            "---\n# Decided in the architecture review.\ntitle: \"Use: REST\"\nstatus: 'superseded'   # since March\nsuperseded_by: ADR-0012\ndate: 2026-01-10\ntags: [api]\n---\n\n## Context\n"
        );
    }

    #[test]
    fn an_existing_successor_is_replaced_with_its_continuation_lines() {
        let text = "---\nstatus: accepted\ntitle: X\nsuperseded_by:\n  - ADR-0003\n  # old note\nteam: api\n---\nbody\n";
        let got = supersede(text).unwrap();
        assert_eq!(
            got,
            "---\nstatus: superseded\ntitle: X\nsuperseded_by: ADR-0012\n  # old note\nteam: api\n---\nbody\n"
        );
    }

    #[test]
    fn missing_fields_are_added_at_the_end_with_the_files_line_endings() {
        let text =
            "\u{feff}---\r\ntitle: X\r\n\"status\" : \"accepted\"\r\n---\r\n\r\n## Context\r\n";
        let got = supersede(text).unwrap();
        assert_eq!(
            got,
            "\u{feff}---\r\ntitle: X\r\n\"status\" : \"superseded\"\r\nsuperseded_by: ADR-0012\r\n---\r\n\r\n## Context\r\n"
        );
        let got = supersede("---\r\ntitle: X # no status yet\r\n---\r\n").unwrap();
        assert_eq!(
            got,
            "---\r\ntitle: X # no status yet\r\nstatus: superseded\r\nsuperseded_by: ADR-0012\r\n---\r\n"
        );
        assert_eq!(
            set_front_matter_fields("# 7. No front matter\n", &[("status", "x")]),
            None
        );
        assert_eq!(
            set_front_matter_fields("---\nopen: x\n", &[("status", "x")]),
            None
        );
    }

    #[test]
    fn values_keep_their_line_and_what_follows_them() {
        assert_eq!(
            replace_value("status: accepted", "superseded"),
            "status: superseded"
        );
        assert_eq!(replace_value("status:", "superseded"), "status: superseded");
        assert_eq!(
            replace_value("status:   # fill in", "superseded"),
            "status: superseded # fill in"
        );
        assert_eq!(
            replace_value("status: \"acc \\\" # x\" # why", "superseded"),
            "status: \"superseded\" # why"
        );
        assert_eq!(
            replace_value("'status': 'it''s # ok'  # c", "superseded"),
            "'status': 'superseded'  # c"
        );
        assert_eq!(top_level_key("status: x"), Some("status"));
        assert_eq!(top_level_key("status:"), Some("status"));
        assert_eq!(top_level_key("'status' : x"), Some("status"));
        assert_eq!(top_level_key("  status: x"), None);
        assert_eq!(top_level_key("# status: x"), None);
        assert_eq!(top_level_key("status_changed: x"), Some("status_changed"));
        assert_eq!(top_level_key("url: http://x"), Some("url"));
        assert_eq!(top_level_key("note: a:b"), Some("note"));
        assert_eq!(top_level_key("a:b"), None);
    }

    #[test]
    fn a_status_section_is_marked_superseded() {
        let text = "# 3. Use X\n\nDate: 2016-02-12\n\n## Status\n\nAccepted\n\nAmends [1. Old](0001-old.md)\n\n## Context\n\nWhy.\n";
        let got = mark_status_section(text, "Superseded by [12. Y](0012-y.md)").unwrap();
        assert_eq!(
            got,
            "# 3. Use X\n\nDate: 2016-02-12\n\n## Status\n\nSuperseded\n\nSuperseded by [12. Y](0012-y.md)\n\nAmends [1. Old](0001-old.md)\n\n## Context\n\nWhy.\n"
        );
        let crlf = "# 3. X\r\n\r\n## Status\r\n\r\nAccepted\r\n";
        assert_eq!(
            mark_status_section(crlf, "Superseded by [12. Y](0012-y.md)").unwrap(),
            "# 3. X\r\n\r\n## Status\r\n\r\nSuperseded\r\n\r\nSuperseded by [12. Y](0012-y.md)\r\n"
        );
        let empty = "## Status\n## Context\n";
        assert_eq!(
            mark_status_section(empty, "L").unwrap(),
            "## Status\n\nSuperseded\n\nL\n\n## Context\n"
        );
        let fenced = "```\n## Status\n```\n# Title\n";
        assert_eq!(mark_status_section(fenced, "L"), None);
        assert_eq!(mark_status_section("### Status\nAccepted\n", "L"), None);
    }

    #[test]
    fn links_between_adr_files_are_relative() {
        assert_eq!(
            relative_link("content/adrs/0003-x.md", "content/adrs/0012-y.md"),
            "0012-y.md"
        );
        assert_eq!(
            relative_link("content/decisions/0003-x.md", "content/adrs/0012-y.md"),
            "../adrs/0012-y.md"
        );
        assert_eq!(relative_link("0003-x.md", "a/0012-y.md"), "a/0012-y.md");
    }

    #[test]
    fn yaml_values_are_quoted_only_when_they_must_be() {
        assert_eq!(yaml_scalar("Use REST"), "Use REST");
        assert_eq!(yaml_scalar("Use: REST"), "\"Use: REST\"");
        assert_eq!(yaml_scalar("true"), "\"true\"");
        assert_eq!(yaml_scalar("2024"), "\"2024\"");
        assert_eq!(yaml_scalar("C# or F#"), "C# or F#");
        assert_eq!(yaml_scalar("a #b"), "\"a #b\"");
        assert_eq!(yaml_scalar("- x"), "\"- x\"");
        assert_eq!(yaml_scalar("\"quoted\""), "\"\\\"quoted\\\"\"");
        assert_eq!(yaml_list(&["a".into(), "b,c".into()]), "[a, \"b,c\"]");
    }

    #[test]
    fn every_template_has_its_kinds_sections() {
        let config = Config::default();
        let today = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let texts = [
            (
                Kind::Team,
                team_text("Data", "data", today, &sections(&config, Kind::Team)),
            ),
            (
                Kind::Alignment,
                alignment_text("A", &[], today, &sections(&config, Kind::Alignment)),
            ),
            (
                Kind::Rotation,
                rotation_text("R", &[], &[], today, &sections(&config, Kind::Rotation)),
            ),
            (
                Kind::Update,
                update_text("data", Week::of(today), &sections(&config, Kind::Update)),
            ),
        ];
        for (kind, text) in texts {
            let (source, problems) = crate::load::parse_source(
                "x.md".into(),
                format!("{}/x.md", kind.url_dir()),
                text.clone(),
            );
            assert!(problems.is_empty(), "{kind}: {problems:?}\n{text}");
            let source = source.unwrap();
            assert!(source.front_matter.is_some(), "{kind}");
            let wanted = if kind == Kind::Update {
                UPDATE_SECTIONS.len()
            } else {
                config.required_sections(kind).len()
            };
            let headings = source
                .outline
                .headings
                .iter()
                .filter(|h| h.level == 2)
                .count();
            assert_eq!(headings, wanted, "{kind}\n{text}");
        }
        let custom = Config::parse(
            "[kinds.rotation]\nrequired_sections = [\"Responsibilities\", \"Paging|Pager\"]",
            Path::new("seam.toml"),
        )
        .unwrap();
        let s = sections(&custom, Kind::Rotation);
        assert_eq!(s[1].0, "Paging");
        assert!(s[1].1.contains("seam.toml"));
    }
}
