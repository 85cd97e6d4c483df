//! The vocabulary every stage shares: the kinds of document, the addresses
//! of the site's own pages, and how dates are written.
//!
//! A leaf module that depends on nothing else in the crate, so [`config`]
//! (per-kind settings, `today`) and [`model`] (typed documents) both use it
//! without depending on each other. [`model`] re-exports both items, so
//! `crate::model::Kind` and `crate::model::parse_date` work as before.
//!
//! [`config`]: crate::config
//! [`model`]: crate::model

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// What becomes of a document whose address is one of the site's own pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OwnAddress {
    /// It introduces that page (the home page, a listing, tags, health, the
    /// digest archive), which shows its text above what Seam lists there.
    Introduces,
    /// The page is Seam's alone (the tracker, commitments, search, the
    /// theme): the document is not published, and `seam check` says so.
    Taken,
}

/// Whether `url` (a document's address, `teams/` or `` for the root) is one
/// of the pages Seam makes itself, and if so what a document there becomes.
pub fn own_address(url: &str) -> Option<OwnAddress> {
    let url = url.to_ascii_lowercase();
    if matches!(url.as_str(), "" | "tags/" | "health/" | "digest/")
        || Kind::ALL
            .iter()
            .any(|k| url.strip_suffix('/') == Some(k.url_dir()))
    {
        Some(OwnAddress::Introduces)
    } else if matches!(
        url.as_str(),
        "dependencies/" | "commitments/" | "search/" | "theme/"
    ) {
        Some(OwnAddress::Taken)
    } else {
        None
    }
}

/// The kinds of document Seam knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A team page.
    Team,
    /// An architecture decision record.
    Adr,
    /// A working agreement between teams.
    Alignment,
    /// A rotation schedule.
    Rotation,
    /// A team's weekly update.
    Update,
    /// Any other Markdown.
    Page,
}

impl Kind {
    /// Every kind, in the order indexes show them.
    pub const ALL: [Kind; 6] = [
        Kind::Team,
        Kind::Adr,
        Kind::Alignment,
        Kind::Rotation,
        Kind::Update,
        Kind::Page,
    ];

    /// The name used in front matter, seam.toml and URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Team => "team",
            Kind::Adr => "adr",
            Kind::Alignment => "alignment",
            Kind::Rotation => "rotation",
            Kind::Update => "update",
            Kind::Page => "page",
        }
    }

    /// The plural heading of the kind's index page.
    pub fn plural_title(self) -> &'static str {
        match self {
            Kind::Team => "Teams",
            Kind::Adr => "Decisions",
            Kind::Alignment => "Alignments",
            Kind::Rotation => "Rotations",
            Kind::Update => "Updates",
            Kind::Page => "Pages",
        }
    }

    /// The folder of the kind's pages in the site.
    pub fn url_dir(self) -> &'static str {
        match self {
            Kind::Team => "teams",
            Kind::Adr => "adrs",
            Kind::Alignment => "alignments",
            Kind::Rotation => "rotations",
            Kind::Update => "updates",
            Kind::Page => "pages",
        }
    }

    /// Content folders of the kind unless seam.toml says otherwise.
    pub fn default_dirs(self) -> &'static [&'static str] {
        match self {
            Kind::Team => &["teams"],
            Kind::Adr => &["adrs", "adr", "decisions"],
            Kind::Alignment => &["alignments"],
            Kind::Rotation => &["rotations"],
            Kind::Update => &["updates"],
            Kind::Page => &[],
        }
    }

    /// Required level-2 sections; `|` separates aliases.
    pub fn default_required_sections(self) -> &'static [&'static str] {
        match self {
            Kind::Team => &[
                "Current Priorities",
                "Looking for Input On|Looking for Input",
                "Recent Wins",
            ],
            Kind::Adr => &[
                "Context|Context and Problem Statement",
                "Decision|Decision Outcome",
                "Consequences",
            ],
            Kind::Alignment => &[
                "Ownership Map",
                "Interface Definitions",
                "Timeline Commitments",
                "Slip Protocol",
                "Escalation Path",
            ],
            Kind::Rotation => &["Responsibilities"],
            Kind::Update | Kind::Page => &[],
        }
    }

    /// Recommended level-2 sections; `|` separates aliases.
    pub fn default_recommended_sections(self) -> &'static [&'static str] {
        match self {
            Kind::Adr => &["Alternatives Considered|Considered Options|Options Considered"],
            _ => &[],
        }
    }

    /// Front matter keys the kind accepts besides the ones every kind accepts.
    pub(crate) fn allowed_keys(self) -> &'static [&'static str] {
        match self {
            Kind::Team => &[
                "name",
                "mission",
                "lead",
                "members",
                "channels",
                "office_hours",
                "coordination_model",
                "owns",
                "depends_on",
                "updated",
            ],
            Kind::Adr => &[
                "number",
                "status",
                "date",
                "team",
                "deciders",
                "consulted",
                "informed",
                "affects",
                "supersedes",
                "superseded_by",
                "comment_by",
                "status_changed",
            ],
            Kind::Alignment => &[
                "teams",
                "owner",
                "status",
                "review_by",
                "commitments",
                "adrs",
                "date",
                "updated",
            ],
            Kind::Rotation => &[
                "name",
                "team",
                "teams",
                "start",
                "every",
                "handoff",
                "timezone",
                "members",
                "overrides",
                "pairs",
                "pairing",
            ],
            Kind::Update => &["team", "week", "date", "author"],
            Kind::Page => &["date", "author", "team"],
        }
    }
}

impl FromStr for Kind {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or(())
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The format an ADR file is written in: Seam's own, or another tool's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum AdrFormat {
    /// Seam's own: YAML front matter with Seam's fields.
    #[serde(rename = "seam")]
    Seam,
    /// Michael Nygard's format, as adr-tools writes it: `Date:` line, `## Status` section.
    #[serde(rename = "nygard")]
    Nygard,
    /// MADR 2: `* Status:`, `* Deciders:`, `* Date:` bullet lines.
    #[serde(rename = "madr-2")]
    Madr2,
    /// MADR 3: YAML front matter with `status`, `date`, `deciders`.
    #[serde(rename = "madr-3")]
    Madr3,
    /// MADR 4: YAML front matter with `status`, `date`, `decision-makers`.
    #[serde(rename = "madr-4")]
    Madr4,
    /// log4brains: MADR 2 style `- Status:` bullets, files named by date.
    #[serde(rename = "log4brains")]
    Log4brains,
}

impl AdrFormat {
    /// The name used in `seam.toml` and `seam list`.
    pub fn as_str(self) -> &'static str {
        match self {
            AdrFormat::Seam => "seam",
            AdrFormat::Nygard => "nygard",
            AdrFormat::Madr2 => "madr-2",
            AdrFormat::Madr3 => "madr-3",
            AdrFormat::Madr4 => "madr-4",
            AdrFormat::Log4brains => "log4brains",
        }
    }

    /// Whether the format is one of MADR's (log4brains included).
    pub fn is_madr(self) -> bool {
        matches!(
            self,
            AdrFormat::Madr2 | AdrFormat::Madr3 | AdrFormat::Madr4 | AdrFormat::Log4brains
        )
    }

    /// The sections the format's template has, as required sections; `|` separates aliases.
    pub fn required_sections(self) -> &'static [&'static str] {
        if self.is_madr() {
            &[
                "Context and Problem Statement|Context",
                "Decision Outcome|Decision",
            ]
        } else {
            Kind::Adr.default_required_sections()
        }
    }

    /// The sections recommended in an imported folder unless `seam.toml` says
    /// otherwise: none, since an existing collection was written to its own
    /// tool's template, and warnings about it would only be noise.
    pub fn recommended_sections(self) -> &'static [&'static str] {
        &[]
    }
}

/// How the files of an ADR folder are read (`format` in `[kinds.adr]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FolderFormat {
    /// Seam's own rules: unknown keys warned about, duplicate numbers an error.
    Native,
    /// Imported: each file's format recognised on its own.
    Auto,
    /// Imported, every file in this format.
    Named(AdrFormat),
}

impl FolderFormat {
    /// Every word `format` takes.
    pub const WORDS: &'static [&'static str] = &[
        "seam",
        "auto",
        "nygard",
        "adr-tools",
        "madr",
        "madr-2",
        "madr-3",
        "madr-4",
        "log4brains",
    ];

    /// Reads a `format` setting; `madr` is MADR 3 or 4, told apart per file.
    pub fn parse(s: &str) -> Option<FolderFormat> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "seam" | "native" => FolderFormat::Native,
            "auto" | "madr" => FolderFormat::Auto,
            "nygard" | "adr-tools" => FolderFormat::Named(AdrFormat::Nygard),
            "madr-2" | "madr2" => FolderFormat::Named(AdrFormat::Madr2),
            "madr-3" | "madr3" => FolderFormat::Named(AdrFormat::Madr3),
            "madr-4" | "madr4" => FolderFormat::Named(AdrFormat::Madr4),
            "log4brains" => FolderFormat::Named(AdrFormat::Log4brains),
            _ => return None,
        })
    }

    /// Whether the folder holds ADRs written for another tool.
    pub fn is_imported(self) -> bool {
        self != FolderFormat::Native
    }
}

/// The scheme of a link's destination (entities already decoded), in lower
/// case, read as a browser reads it: tabs and newlines anywhere and leading
/// control characters and spaces ignored. `None` for a relative address: a
/// scheme is letters, digits, `+`, `-` and `.`, starting with a letter,
/// before the first `:` and before any `/`, `?` or `#`.
pub fn link_scheme(dest: &str) -> Option<String> {
    let mut scheme = String::new();
    let read = dest
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'));
    for c in read {
        match c {
            ':' => {
                return scheme
                    .starts_with(|c: char| c.is_ascii_alphabetic())
                    .then(|| scheme.to_ascii_lowercase());
            }
            c if c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.') => scheme.push(c),
            // A `/`, `?`, `#` or any other character first: a relative address.
            _ => return None,
        }
    }
    None
}

/// Reads a date as ADRs written for other tools give it: `2016-02-12`,
/// `2016-02-12T10:00`, `2016/02/12`, `20/05/2021` (day first), `September
/// 20, 2024`, `20 September 2024`, `Sep 20, 2024`. `None` when it is none of these.
pub fn parse_loose_date(s: &str) -> Option<NaiveDate> {
    // Years outside 1–9999 cannot be written in feeds and calendars.
    loose_date(s).filter(|d| (1..=9999).contains(&d.year()))
}

fn loose_date(s: &str) -> Option<NaiveDate> {
    let t = s
        .trim()
        .trim_matches(|c: char| c == '*' || c == '_' || c == '`');
    if let Ok(d) = parse_date(t) {
        return Some(d);
    }
    let t = t.trim_end_matches('.');
    for format in [
        "%Y/%m/%d", "%Y.%m.%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y",
    ] {
        if let Ok(d) = NaiveDate::parse_from_str(t, format) {
            return Some(d);
        }
    }
    // Month names, with or without a comma and an ordinal suffix.
    let words: String = t
        .replace(',', " ")
        .split_whitespace()
        .map(|w| {
            let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
            if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
                digits.to_string()
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    for format in ["%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(&words, format) {
            return Some(d);
        }
    }
    None
}

/// Parses a `YYYY-MM-DD` date, saying why when it is not one.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let s = s.trim();
    let s = s.split(['T', ' ']).next().unwrap_or(s);
    let parts: Vec<&str> = s.split('-').collect();
    if parts.len() != 3 || parts[0].len() != 4 {
        return Err("not a date written YYYY-MM-DD".into());
    }
    let nums: Vec<u32> = parts.iter().filter_map(|p| p.parse().ok()).collect();
    if nums.len() != 3 {
        return Err("not a date written YYYY-MM-DD".into());
    }
    NaiveDate::from_ymd_opt(nums[0] as i32, nums[1], nums[2]).ok_or_else(|| {
        if !(1..=12).contains(&nums[1]) {
            format!("there is no month {}", nums[1])
        } else {
            format!("that month has no day {}", nums[2])
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Every calendar date written `YYYY-MM-DD` (with or without a time
        /// after it) reads as itself, and whatever reads as a date is that
        /// date written back.
        #[test]
        fn dates_read_back_as_written(days in 0i64..3_000_000, time in proptest::option::of("[T ][0-9:]{0,8}")) {
            let date = NaiveDate::from_ymd_opt(1000, 1, 1).unwrap() + chrono::Duration::days(days % 3_250_000);
            proptest::prop_assume!(date.year() <= 9999);
            let written = format!("{}{}", date.format("%Y-%m-%d"), time.unwrap_or_default());
            proptest::prop_assert_eq!(parse_date(&written), Ok(date));
            proptest::prop_assert_eq!(parse_loose_date(&written), Some(date));
        }

        #[test]
        fn anything_that_reads_as_a_date_is_that_date(s in "\\PC{0,24}|[0-9]{1,5}-[0-9]{1,3}-[0-9]{1,3}") {
            if let Ok(d) = parse_date(&s) {
                proptest::prop_assert_eq!(parse_date(&d.format("%Y-%m-%d").to_string()), Ok(d));
            }
            if let Some(d) = parse_loose_date(&s) {
                proptest::prop_assert!((1..=9999).contains(&d.year()));
            }
        }
    }

    #[test]
    fn dates_of_other_tools_are_read() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        for (written, date) in [
            ("2016-02-12", d(2016, 2, 12)),
            ("2016-02-12T10:00", d(2016, 2, 12)),
            ("20/05/2021", d(2021, 5, 20)),
            ("September 20, 2024", d(2024, 9, 20)),
            ("Sep 20th, 2024", d(2024, 9, 20)),
            ("20 September 2024", d(2024, 9, 20)),
            ("2021/05/20", d(2021, 5, 20)),
            ("2016-02-30", None),
            ("yesterday", None),
            ("20/05/12021", None),
            ("September 20, 300000", None),
            ("[YYYY-MM-DD when the decision was last updated]", None),
        ] {
            assert_eq!(parse_loose_date(written), date, "{written}");
        }
    }

    #[test]
    fn folder_formats_are_named_in_users_words() {
        assert_eq!(FolderFormat::parse("auto"), Some(FolderFormat::Auto));
        assert_eq!(
            FolderFormat::parse("adr-tools"),
            Some(FolderFormat::Named(AdrFormat::Nygard))
        );
        assert_eq!(FolderFormat::parse("Seam"), Some(FolderFormat::Native));
        assert_eq!(FolderFormat::parse("docusaurus"), None);
        for w in FolderFormat::WORDS {
            assert!(FolderFormat::parse(w).is_some(), "{w}");
        }
    }

    #[test]
    fn dates_say_why_they_are_wrong() {
        assert!(parse_date("2026-02-28").is_ok());
        assert_eq!(
            parse_date("2026-02-30").unwrap_err(),
            "that month has no day 30"
        );
        assert_eq!(
            parse_date("2026-13-01").unwrap_err(),
            "there is no month 13"
        );
        assert!(parse_date("next week").is_err());
    }
}
