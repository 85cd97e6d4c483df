//! `seam.toml`: where the docs repo is, and every setting with its default.
//!
//! The root is the folder holding `seam.toml`, found by walking up from the
//! current folder; every setting is optional. Per-kind tables change the
//! folders a kind lives in and its required sections; an ADR folder may say
//! it holds ADRs written for another tool (`format`), alone or for the kind.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Deserialize;

use crate::vocabulary::{AdrFormat, FolderFormat, Kind, parse_date};

/// The settings of one docs repository.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The organisation's name, shown in every page header.
    pub title: String,
    /// Where the site is published; links are made under its path.
    pub base_url: String,
    /// A one-line description for the home page and feeds.
    pub description: String,
    /// The folder holding the documents, relative to the root.
    pub content_dir: PathBuf,
    /// The folder the site is written to, relative to the root.
    pub output_dir: PathBuf,
    /// Pass raw HTML in Markdown through instead of escaping it (sanitised
    /// unless `sanitize_html` is off).
    pub unsafe_html: bool,
    /// With `unsafe_html`, clean raw HTML of script, event handlers and
    /// unsafe addresses; off only for a repo whose every author is trusted.
    pub sanitize_html: bool,
    /// The schemes a link or image address may have, besides relative ones.
    pub link_schemes: Vec<String>,
    /// Publish `.html`, `.htm`, `.svg` and `.xhtml` files of the content
    /// folder, which can run script on the wiki's origin.
    pub html_assets: bool,
    /// A fixed build date, for examples and tests that must not age.
    #[serde(deserialize_with = "deserialize_date")]
    pub today: Option<NaiveDate>,
    /// Largest document read, in bytes.
    pub max_file_size: u64,
    /// Largest other file of the content folder published, in bytes.
    pub max_asset_size: u64,
    /// Settings per kind, keyed by kind name (`adr`, `team`, ...).
    pub kinds: BTreeMap<String, KindConfig>,
    /// Who the digest email is from and to (read by `seam digest`).
    pub digest: DigestConfig,
    /// The SMTP server (read by `seam digest --send`).
    pub smtp: SmtpConfig,
}

/// The schemes links and images may have unless `link_schemes` says otherwise.
pub const DEFAULT_LINK_SCHEMES: &[&str] = &["http", "https", "mailto"];

/// Schemes that run script or smuggle a document in, never allowed in `link_schemes`.
const SCRIPT_SCHEMES: &[&str] = &["javascript", "vbscript", "data", "blob", "file"];

/// `[digest]`: defaults for the digest email, which command-line options override.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DigestConfig {
    /// The sender, e.g. `"Engineering digest <digest@example.com>"`.
    pub from: Option<String>,
    /// The recipients.
    #[serde(default)]
    pub to: Vec<String>,
}

/// `[smtp]`: where to send the digest. Never a password: those come from the environment.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    /// `smtp://host:587` or `smtps://host:465`, optionally with a user name.
    pub url: Option<String>,
    /// A PEM file of an extra CA to trust (a private mail relay), relative to the root.
    pub ca_file: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "Engineering".into(),
            base_url: "/".into(),
            description: String::new(),
            content_dir: "content".into(),
            output_dir: "public".into(),
            unsafe_html: false,
            sanitize_html: true,
            link_schemes: DEFAULT_LINK_SCHEMES.iter().map(|s| s.to_string()).collect(),
            html_assets: false,
            today: None,
            max_file_size: 10 * 1024 * 1024,
            // GitHub's limit on one file of a repository.
            max_asset_size: 100 * 1024 * 1024,
            kinds: BTreeMap::new(),
            digest: DigestConfig::default(),
            smtp: SmtpConfig::default(),
        }
    }
}

/// Reads a date written as a TOML date (`2026-11-20`) or a string (`"2026-11-20"`).
fn deserialize_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Written {
        Date(toml::value::Datetime),
        Text(String),
    }
    let text = match Written::deserialize(d)? {
        Written::Date(dt) => dt.to_string(),
        Written::Text(s) => s,
    };
    parse_date(&text)
        .map(Some)
        .map_err(|why| serde::de::Error::custom(format!("`today = {text}`: {why}")))
}

/// Settings for one kind of document.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindConfig {
    /// Folders under the content folder whose documents are of this kind.
    pub dirs: Option<Vec<DirEntry>>,
    /// Level-2 headings every document of this kind must have.
    pub required_sections: Option<Vec<String>>,
    /// Level-2 headings that are warned about when missing.
    pub recommended_sections: Option<Vec<String>>,
    /// For ADRs: how the kind's folders are read (`seam`, `auto` or a named format).
    pub format: Option<String>,
}

/// One entry of `dirs`: a folder, or a folder with settings of its own.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum DirEntry {
    /// `"doc/adr"`.
    Path(String),
    /// `{ dir = "doc/adr", format = "auto" }`.
    Folder(FolderConfig),
}

impl DirEntry {
    /// The folder, relative to the content folder.
    pub fn dir(&self) -> &str {
        match self {
            DirEntry::Path(dir) => dir,
            DirEntry::Folder(f) => &f.dir,
        }
    }
}

/// A folder of a kind with settings of its own (`dirs = [{ dir = "...", format = "auto" }]`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FolderConfig {
    /// The folder, relative to the content folder.
    pub dir: String,
    /// For ADRs: how the folder is read; else the kind's `format`.
    pub format: Option<String>,
    /// Required sections here; else the kind's, else the format's.
    pub required_sections: Option<Vec<String>>,
    /// Recommended sections here; else the kind's, else the format's.
    pub recommended_sections: Option<Vec<String>>,
}

/// How one ADR folder is read: what `[kinds.adr]` says for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdrFolder {
    /// The folder, relative to the content folder.
    pub dir: String,
    /// Seam's own, or imported.
    pub format: FolderFormat,
}

/// Why the configuration could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// `seam.toml` could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// `seam.toml` is not a file Seam will read: not a regular file, too
    /// large, or a link to somewhere outside the docs repo.
    #[error("{path}: {message}")]
    Refused {
        /// The file.
        path: PathBuf,
        /// Why, and what to do.
        message: String,
    },
    /// `seam.toml` is not valid, with the parser's line and column.
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
}

/// The name of the configuration file that marks a docs repo's root.
pub const CONFIG_FILE: &str = "seam.toml";

/// The largest `seam.toml` Seam reads.
pub const MAX_CONFIG_SIZE: u64 = 1024 * 1024;

/// Whether a folder setting stays inside the docs repo: relative, and never
/// climbing above the root with `..`.
fn stays_inside(dir: &Path) -> bool {
    let mut depth = 0usize;
    for c in dir.components() {
        match c {
            std::path::Component::Normal(_) => depth += 1,
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir if depth > 0 => depth -= 1,
            _ => return false,
        }
    }
    true
}

impl Config {
    /// Parses `seam.toml` text; `path` is only used in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|s| line_column(text, s.start))
                .unwrap_or((1, 1));
            ConfigError::Invalid {
                path: path.to_path_buf(),
                line,
                column,
                message: e.message().to_string(),
            }
        })?;
        for name in config.kinds.keys() {
            if name.parse::<Kind>().is_err() {
                return Err(ConfigError::Invalid {
                    path: path.to_path_buf(),
                    line: 1,
                    column: 1,
                    message: format!(
                        "unknown kind `{name}` in [kinds.{name}]; expected one of team, adr, alignment, rotation, update, page"
                    ),
                });
            }
        }
        for (name, kind) in &config.kinds {
            let formats = kind
                .format
                .iter()
                .chain(kind.dirs.iter().flatten().filter_map(|d| match d {
                    DirEntry::Folder(f) => f.format.as_ref(),
                    DirEntry::Path(_) => None,
                }));
            for format in formats {
                let message = if name != "adr" {
                    format!("`format` is a setting of [kinds.adr] only, not of [kinds.{name}]")
                } else if FolderFormat::parse(format).is_none() {
                    format!(
                        "unknown ADR format `{format}`; expected one of {}",
                        FolderFormat::WORDS.join(", ")
                    )
                } else {
                    continue;
                };
                return Err(invalid_at(path, text, &format!("\"{format}\""), message));
            }
        }
        if config.title.chars().any(char::is_control) {
            return Err(invalid_at(
                path,
                text,
                "title",
                "`title` must be one line of text without control characters: it is the page header and the email subject",
            ));
        }
        if let Some(url) = &config.smtp.url
            && let Some((_, rest)) = url.split_once("://")
            && let Some((userinfo, _)) = rest.split('/').next().unwrap_or("").rsplit_once('@')
            && userinfo.contains(':')
        {
            return Err(invalid_at(
                path,
                text,
                url.as_str(),
                "[smtp] url holds a password, and seam.toml is committed: remove it from the URL and set SEAM_SMTP_PASSWORD in the environment (a CI secret)",
            ));
        }
        for scheme in &config.link_schemes {
            let word = scheme.trim_end_matches(':');
            let well_formed = word.starts_with(|c: char| c.is_ascii_alphabetic())
                && word
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
            let message = if !well_formed {
                format!(
                    "`link_schemes` holds `{scheme}`, which is not a scheme: write names such as \"https\" or \"tel\""
                )
            } else if SCRIPT_SCHEMES.iter().any(|s| word.eq_ignore_ascii_case(s)) {
                format!(
                    "`link_schemes` holds `{word}`, which can run script or open local files in the reader's browser; Seam never allows it"
                )
            } else {
                continue;
            };
            return Err(invalid_at(path, text, scheme.as_str(), message));
        }
        for scheme in &mut config.link_schemes {
            *scheme = scheme.trim_end_matches(':').to_ascii_lowercase();
        }
        for (key, dir, hint) in [
            (
                "content_dir",
                &config.content_dir,
                "Seam reads only inside the docs repo: move the documents under it",
            ),
            (
                "output_dir",
                &config.output_dir,
                "to write the site outside the docs repo, remove it here and pass `--out DIR` on the command line",
            ),
        ] {
            if !stays_inside(dir) {
                return Err(invalid_at(
                    path,
                    text,
                    key,
                    format!(
                        "`{key}` is {}, outside the docs repo; {hint}",
                        dir.display()
                    ),
                ));
            }
        }
        if !config.base_url.ends_with('/') {
            config.base_url.push('/');
        }
        Ok(config)
    }

    /// Reads `seam.toml` in `root`, or the defaults when there is none.
    ///
    /// It must be a regular file of at most [`MAX_CONFIG_SIZE`] bytes inside
    /// the root (a link to one is followed); anything else is refused before
    /// a byte of it is read, so that a link to `/dev/zero` or a FIFO cannot
    /// exhaust memory or hang the build.
    pub fn load(root: &Path) -> Result<Config, ConfigError> {
        let path = root.join(CONFIG_FILE);
        let refused = |message: String| ConfigError::Refused {
            path: path.clone(),
            message,
        };
        let meta = match std::fs::metadata(&path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return if path.symlink_metadata().is_ok() {
                    Err(refused("it is a link to nothing; remove it, or point it at a file in the docs repo".into()))
                } else {
                    Ok(Config::default())
                };
            }
            Err(source) => return Err(ConfigError::Read { path, source }),
        };
        if !meta.is_file() {
            return Err(refused(
                "it is not a regular file; replace it with a file".into(),
            ));
        }
        if meta.len() > MAX_CONFIG_SIZE {
            return Err(refused(format!(
                "it is {} bytes; Seam reads a seam.toml of up to {MAX_CONFIG_SIZE} bytes",
                meta.len()
            )));
        }
        if let Some(outside) = crate::load::outside(root, &path) {
            return Err(refused(format!(
                "it is a link to {}, outside the docs repo; copy the file into the repo instead",
                outside.display()
            )));
        }
        match std::fs::read_to_string(&path) {
            Ok(text) => Config::parse(&text, &path),
            Err(source) => Err(ConfigError::Read { path, source }),
        }
    }

    /// The folders (relative to the content folder) whose documents are of `kind`.
    pub fn dirs_for(&self, kind: Kind) -> Vec<String> {
        if let Some(dirs) = self.kinds.get(kind.as_str()).and_then(|k| k.dirs.as_ref()) {
            return dirs
                .iter()
                .map(|d| d.dir().trim_matches('/').to_string())
                .collect();
        }
        kind.default_dirs().iter().map(|s| s.to_string()).collect()
    }

    /// The folders of `kind` relative to the root (`content/adrs`), written
    /// with `/`; `.` for the root itself.
    pub fn kind_folders(&self, kind: Kind) -> Vec<String> {
        self.dirs_for(kind)
            .iter()
            .map(|dir| root_relative(&self.content_dir.join(dir)))
            .collect()
    }

    /// The content folder relative to the root (`content`), written with `/`; `.` for the root itself.
    pub fn content_folder(&self) -> String {
        root_relative(&self.content_dir)
    }

    /// How the ADR folder holding `rel` (a content-relative path) is read:
    /// the longest configured ADR folder that holds it, with its own `format`
    /// or else the kind's. `None` when no ADR folder holds it.
    pub fn adr_folder(&self, rel: &str) -> Option<AdrFolder> {
        let kind = self.kinds.get(Kind::Adr.as_str());
        let kind_format = kind
            .and_then(|k| k.format.as_deref())
            .and_then(FolderFormat::parse)
            .unwrap_or(FolderFormat::Native);
        let entries: Vec<(String, Option<&FolderConfig>)> = match kind.and_then(|k| k.dirs.as_ref())
        {
            Some(dirs) => dirs
                .iter()
                .map(|d| {
                    let folder = match d {
                        DirEntry::Folder(f) => Some(f),
                        DirEntry::Path(_) => None,
                    };
                    (d.dir().trim_matches('/').to_string(), folder)
                })
                .collect(),
            None => Kind::Adr
                .default_dirs()
                .iter()
                .map(|d| (d.to_string(), None))
                .collect(),
        };
        entries
            .into_iter()
            .filter(|(dir, _)| dir == "." || dir.is_empty() || rel.starts_with(&format!("{dir}/")))
            .max_by_key(|(dir, _)| dir.len())
            .map(|(dir, folder)| AdrFolder {
                format: folder
                    .and_then(|f| f.format.as_deref())
                    .and_then(FolderFormat::parse)
                    .unwrap_or(kind_format),
                dir,
            })
    }

    /// Whether `seam.toml` lists the required sections of the imported ADR
    /// folder holding `rel` (in its folder entry or in `[kinds.adr]`). Only
    /// then is a missing one an error; the format's defaults only warn.
    pub fn imported_sections_are_set(&self, rel: &str) -> bool {
        let kind = self.kinds.get(Kind::Adr.as_str());
        let folder = self.adr_folder(rel).and_then(|f| {
            kind?.dirs.as_ref()?.iter().find_map(|d| match d {
                DirEntry::Folder(c) if c.dir.trim_matches('/') == f.dir => Some(c),
                _ => None,
            })
        });
        folder.is_some_and(|f| f.required_sections.is_some())
            || kind.is_some_and(|k| k.required_sections.is_some())
    }

    /// The required and recommended sections of an imported ADR at `rel`
    /// written in `format`: the folder's own lists, else the kind's, else
    /// the format's.
    pub fn imported_adr_sections(
        &self,
        rel: &str,
        format: AdrFormat,
    ) -> (Vec<String>, Vec<String>) {
        let kind = self.kinds.get(Kind::Adr.as_str());
        let folder = self.adr_folder(rel).and_then(|f| {
            kind?.dirs.as_ref()?.iter().find_map(|d| match d {
                DirEntry::Folder(c) if c.dir.trim_matches('/') == f.dir => Some(c),
                _ => None,
            })
        });
        let pick = |own: Option<&Vec<String>>, kind: Option<&Vec<String>>, default: &[&str]| {
            own.or(kind)
                .cloned()
                .unwrap_or_else(|| default.iter().map(|s| s.to_string()).collect())
        };
        (
            pick(
                folder.and_then(|f| f.required_sections.as_ref()),
                kind.and_then(|k| k.required_sections.as_ref()),
                format.required_sections(),
            ),
            pick(
                folder.and_then(|f| f.recommended_sections.as_ref()),
                kind.and_then(|k| k.recommended_sections.as_ref()),
                format.recommended_sections(),
            ),
        )
    }

    /// Required level-2 sections of `kind`.
    pub fn required_sections(&self, kind: Kind) -> Vec<String> {
        self.kinds
            .get(kind.as_str())
            .and_then(|k| k.required_sections.clone())
            .unwrap_or_else(|| {
                kind.default_required_sections()
                    .iter()
                    .map(|s| s.to_string())
                    .collect()
            })
    }

    /// Recommended level-2 sections of `kind`.
    pub fn recommended_sections(&self, kind: Kind) -> Vec<String> {
        self.kinds
            .get(kind.as_str())
            .and_then(|k| k.recommended_sections.clone())
            .unwrap_or_else(|| {
                kind.default_recommended_sections()
                    .iter()
                    .map(|s| s.to_string())
                    .collect()
            })
    }

    /// The path part of `base_url` (`/wiki/` for `https://example.com/wiki/`), used for links.
    pub fn base_path(&self) -> String {
        let url = self.base_url.as_str();
        let after_scheme = match url.find("://") {
            Some(i) => &url[i + 3..],
            None => return normalise_base_path(url),
        };
        match after_scheme.find('/') {
            Some(i) => normalise_base_path(&after_scheme[i..]),
            None => "/".into(),
        }
    }
}

/// A root-relative folder with `/` and without `.` parts; `.` when nothing is left.
fn root_relative(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

fn normalise_base_path(path: &str) -> String {
    let trimmed = path.trim_matches('/');
    if trimmed.is_empty() {
        "/".into()
    } else {
        format!("/{trimmed}/")
    }
}

/// The error for a setting of `seam.toml`, at the first place `found` is written in `text`.
fn invalid_at(path: &Path, text: &str, found: &str, message: impl Into<String>) -> ConfigError {
    let (line, column) = line_column(text, text.find(found).unwrap_or(0));
    ConfigError::Invalid {
        path: path.to_path_buf(),
        line,
        column,
        message: message.into(),
    }
}

/// 1-based line and column of a byte offset in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    (line, before[line_start..].chars().count() + 1)
}

/// The docs repo root: the nearest folder at or above `start` holding `seam.toml`, else `start`.
pub fn find_root(start: &Path) -> PathBuf {
    let mut dir = Some(start);
    while let Some(d) = dir {
        if d.join(CONFIG_FILE).is_file() {
            return d.to_path_buf();
        }
        dir = d.parent();
    }
    start.to_path_buf()
}

/// Where the build's date came from, for the summary line and `--today` docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TodaySource {
    /// `--today`.
    Flag,
    /// The `SOURCE_DATE_EPOCH` environment variable.
    SourceDateEpoch,
    /// `today` in `seam.toml`.
    Config,
    /// The system clock.
    Clock,
}

/// The build's date: `--today`, else `SOURCE_DATE_EPOCH`, else `today` in `seam.toml`, else the clock.
pub fn resolve_today(
    flag: Option<NaiveDate>,
    source_date_epoch: Option<&str>,
    config: &Config,
) -> Result<(NaiveDate, TodaySource), String> {
    if let Some(d) = flag {
        return Ok((d, TodaySource::Flag));
    }
    if let Some(epoch) = source_date_epoch.filter(|s| !s.trim().is_empty()) {
        let secs: i64 = epoch
            .trim()
            .parse()
            .map_err(|_| format!("SOURCE_DATE_EPOCH must be a number of seconds, not `{epoch}`"))?;
        let date = chrono::DateTime::from_timestamp(secs, 0)
            .ok_or_else(|| format!("SOURCE_DATE_EPOCH `{epoch}` is out of range"))?
            .date_naive();
        return Ok((date, TodaySource::SourceDateEpoch));
    }
    if let Some(d) = config.today {
        return Ok((d, TodaySource::Config));
    }
    Ok((chrono::Local::now().date_naive(), TodaySource::Clock))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_settings_stay_inside_the_repo() {
        for inside in ["content", "./docs", "a/../b", "docs/site/..", "."] {
            assert!(stays_inside(Path::new(inside)), "{inside}");
        }
        for out in ["..", "../site", "a/../../b", "/etc", "docs/../../x"] {
            assert!(!stays_inside(Path::new(out)), "{out}");
        }
        let e = Config::parse("content_dir = \"../shared\"\n", Path::new("seam.toml")).unwrap_err();
        assert!(
            matches!(
                e,
                ConfigError::Invalid {
                    line: 1,
                    column: 1,
                    ..
                }
            ),
            "{e}"
        );
    }

    #[test]
    fn link_schemes_are_read_and_script_schemes_refused_at_their_line() {
        let c = Config::parse("title = \"x\"", Path::new("seam.toml")).unwrap();
        assert_eq!(c.link_schemes, ["http", "https", "mailto"]);
        assert!(c.sanitize_html && !c.html_assets && !c.unsafe_html);
        let c = Config::parse(
            "link_schemes = [\"https\", \"TEL:\", \"ssh\"]\n",
            Path::new("seam.toml"),
        )
        .unwrap();
        assert_eq!(c.link_schemes, ["https", "tel", "ssh"]);
        for (bad, column) in [("JavaScript", 27), ("data", 27), ("not a scheme", 27)] {
            let text = format!("title = \"x\"\nlink_schemes = [\"https\", \"{bad}\"]\n");
            match Config::parse(&text, Path::new("seam.toml")) {
                Err(ConfigError::Invalid {
                    line, column: c, ..
                }) => assert_eq!((line, c), (2, column), "{bad}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }

    #[test]
    fn defaults_apply_when_keys_are_missing() {
        let c = Config::parse("title = \"Acme\"", Path::new("seam.toml")).unwrap();
        assert_eq!(c.title, "Acme");
        assert_eq!(c.output_dir, PathBuf::from("public"));
        assert_eq!(c.base_path(), "/");
        assert_eq!(c.dirs_for(Kind::Adr), vec!["adrs", "adr", "decisions"]);
    }

    #[test]
    fn kind_tables_override_dirs_and_sections() {
        let c = Config::parse(
            "[kinds.adr]\ndirs = [\"architecture/decisions/\"]\nrequired_sections = [\"Why\"]",
            Path::new("seam.toml"),
        )
        .unwrap();
        assert_eq!(c.dirs_for(Kind::Adr), vec!["architecture/decisions"]);
        assert_eq!(
            c.kind_folders(Kind::Adr),
            vec!["content/architecture/decisions"]
        );
        assert_eq!(c.required_sections(Kind::Adr), vec!["Why"]);
        let c = Config::parse(
            "content_dir = \".\"\n[kinds.adr]\ndirs = [\"docs/adr\", \".\"]",
            Path::new("seam.toml"),
        )
        .unwrap();
        assert_eq!(c.kind_folders(Kind::Adr), vec!["docs/adr", "."]);
        assert_eq!(c.content_folder(), ".");
        assert_eq!(Config::default().content_folder(), "content");
    }

    #[test]
    fn adr_folders_say_whether_they_are_imported() {
        let c = Config::parse(
            "[kinds.adr]\nformat = \"auto\"\ndirs = [\"adrs\", { dir = \"doc/adr\", format = \"nygard\", required_sections = [] }, { dir = \"adrs/native\", format = \"seam\" }]",
            Path::new("seam.toml"),
        )
        .unwrap();
        assert_eq!(
            c.dirs_for(Kind::Adr),
            vec!["adrs", "doc/adr", "adrs/native"]
        );
        let format = |rel: &str| c.adr_folder(rel).map(|f| f.format);
        assert_eq!(format("adrs/0001-x.md"), Some(FolderFormat::Auto));
        assert_eq!(
            format("doc/adr/0001-x.md"),
            Some(FolderFormat::Named(AdrFormat::Nygard))
        );
        assert_eq!(format("adrs/native/0001-x.md"), Some(FolderFormat::Native));
        assert_eq!(format("teams/x.md"), None);
        let (required, recommended) =
            c.imported_adr_sections("doc/adr/0001-x.md", AdrFormat::Nygard);
        assert!(required.is_empty() && recommended.is_empty());
        let (required, _) = c.imported_adr_sections("adrs/0001-x.md", AdrFormat::Madr3);
        assert_eq!(required[1], "Decision Outcome|Decision");
        assert_eq!(
            Config::default()
                .adr_folder("adrs/0001-x.md")
                .map(|f| f.format),
            Some(FolderFormat::Native)
        );
        for bad in [
            "[kinds.adr]\nformat = \"docusaurus\"",
            "[kinds.team]\nformat = \"auto\"",
            "[kinds.adr]\ndirs = [{ dir = \"x\", format = \"madr-9\" }]",
        ] {
            assert!(Config::parse(bad, Path::new("seam.toml")).is_err(), "{bad}");
        }
    }

    #[test]
    fn digest_and_smtp_tables() {
        let c = Config::parse(
            "[digest]\nfrom = \"Digest <d@example.com>\"\nto = [\"all@example.com\"]\n[smtp]\nurl = \"smtp://bot@mail.example.com\"\n",
            Path::new("seam.toml"),
        )
        .unwrap();
        assert_eq!(c.digest.to, ["all@example.com"]);
        assert_eq!(c.smtp.url.as_deref(), Some("smtp://bot@mail.example.com"));
        let e = Config::parse(
            "title = \"x\"\n[smtp]\nurl = \"smtps://bot:hunter2@mail.example.com\"\n",
            Path::new("seam.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("seam.toml:3:8: [smtp] url holds a password"),
            "{e}"
        );
        let e = Config::parse("title = \"A\\r\\nBcc: x@y\"\n", Path::new("seam.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("`title` must be one line"), "{e}");
        let e = Config::parse("[digest]\nsubjet = \"x\"\n", Path::new("seam.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown field `subjet`"), "{e}");
    }

    #[test]
    fn unknown_keys_are_errors_with_a_position() {
        let e = Config::parse("title = \"x\"\ntitel = 1\n", Path::new("seam.toml")).unwrap_err();
        match e {
            ConfigError::Invalid { line, .. } => assert_eq!(line, 2),
            other => panic!("{other}"),
        }
        assert!(Config::parse("[kinds.memo]\n", Path::new("seam.toml")).is_err());
    }

    #[test]
    fn today_may_be_a_toml_date_or_a_string() {
        for text in ["today = 2026-11-20", "today = \"2026-11-20\""] {
            let c = Config::parse(text, Path::new("seam.toml")).unwrap();
            assert_eq!(c.today.unwrap().to_string(), "2026-11-20");
        }
        assert!(Config::parse("today = \"2026-02-30\"", Path::new("seam.toml")).is_err());
    }

    #[test]
    fn base_path_is_taken_from_the_url() {
        let mut c = Config::default();
        for (url, path) in [
            ("https://example.com/wiki/", "/wiki/"),
            ("https://example.com/wiki", "/wiki/"),
            ("https://example.com", "/"),
            ("/docs", "/docs/"),
        ] {
            c.base_url = url.into();
            assert_eq!(c.base_path(), path, "{url}");
        }
    }

    #[test]
    fn today_prefers_flag_then_epoch_then_config() {
        let mut c = Config::default();
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        c.today = Some(d("2026-01-01"));
        assert_eq!(
            resolve_today(Some(d("2026-05-05")), Some("0"), &c).unwrap(),
            (d("2026-05-05"), TodaySource::Flag)
        );
        assert_eq!(
            resolve_today(None, Some("86400"), &c).unwrap(),
            (d("1970-01-02"), TodaySource::SourceDateEpoch)
        );
        assert_eq!(
            resolve_today(None, None, &c).unwrap(),
            (d("2026-01-01"), TodaySource::Config)
        );
        assert!(resolve_today(None, Some("soon"), &c).is_err());
    }
}
