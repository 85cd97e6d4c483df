//! The vocabulary every stage shares: the kinds of document and how dates
//! are written.
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

use chrono::NaiveDate;
use serde::Serialize;

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
