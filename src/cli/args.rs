//! The command-line arguments: the clap structs and enums of every command,
//! and the parsers of their values (dates, weeks, risks, kinds).

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};

use seam::model::{Kind, Risk, Week};

/// Seam: a validated, cross-linked wiki of teams, decisions, alignments and rotations.
#[derive(Parser)]
#[command(name = "seam", version, about, propagate_version = true)]
pub(crate) struct Cli {
    /// The docs repo root (default: the nearest folder holding seam.toml).
    #[arg(long, global = true, value_name = "DIR")]
    pub(crate) root: Option<PathBuf>,
    /// Print only problems and errors.
    #[arg(long, short, global = true)]
    pub(crate) quiet: bool,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The commands, with their own options.
#[derive(Subcommand)]
pub(crate) enum Command {
    /// Build the site.
    Build {
        /// Output folder (default: `output_dir` in seam.toml, else public/).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Where the site will be published, e.g. https://example.com/wiki/.
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// The build's date, for risk, staleness and rotations.
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        today: Option<NaiveDate>,
        /// Exit 0 even when documents have errors.
        #[arg(long)]
        allow_errors: bool,
    },
    /// Check every document without writing anything.
    Check {
        /// How to print problems.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Fail on warnings too.
        #[arg(long)]
        deny_warnings: bool,
        /// The build's date.
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        today: Option<NaiveDate>,
        /// Also report ADR numbers that this branch and the git branch (or commit) REF each added for different files.
        #[arg(long, value_name = "REF")]
        against: Option<String>,
    },
    /// Build the site into memory and serve it locally.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Port to listen on.
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Open the site in a browser.
        #[arg(long)]
        open: bool,
        /// The build's date.
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        today: Option<NaiveDate>,
    },
    /// Create a new docs repo with seam.toml and one example of each kind.
    Init {
        /// Where to create it (default: the current folder).
        dir: Option<PathBuf>,
        /// The day the starter documents are dated around (default: today,
        /// or `SOURCE_DATE_EPOCH`).
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        today: Option<NaiveDate>,
    },
    /// Create a document with its kind's front matter and sections, and print its path.
    New {
        #[command(subcommand)]
        kind: NewKind,
    },
    /// The dependency tracker: who waits on whom, for what, by when, at what risk.
    Deps {
        /// Only dependencies of or on this team.
        #[arg(long, value_name = "ID")]
        team: Option<String>,
        /// Only dependencies at this computed risk or higher.
        #[arg(long, value_parser = parse_risk)]
        risk: Option<Risk>,
        /// Table for people, JSON or CSV for scripts and spreadsheets.
        #[arg(long, value_enum, default_value_t = DepsFormat::Table)]
        format: DepsFormat,
        /// The build's date.
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        today: Option<NaiveDate>,
    },
    /// Who is on duty in every rotation.
    Rotations {
        /// The date (noon in each rotation's time zone) or instant (RFC 3339) to ask about.
        #[arg(long, value_name = "DATE")]
        at: Option<String>,
        /// Table for people, JSON for scripts.
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// The weekly digest: print it, write it as an email, or send it.
    Digest(DigestArgs),
    /// List every document: id, kind, title, status, date, team, file, references.
    List {
        /// Only documents of this kind.
        #[arg(long, value_parser = parse_kind)]
        kind: Option<Kind>,
        /// Table for people, JSON for scripts.
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
        /// The build's date.
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        today: Option<NaiveDate>,
    },
}

/// The kinds `seam new` creates, with the fields each takes.
#[derive(Subcommand)]
pub(crate) enum NewKind {
    /// A team page, teams/<id>.md; the id is made from the name.
    Team {
        /// The team's name (several words need no quotes).
        name: Vec<String>,
        #[command(flatten)]
        common: NewCommon,
    },
    /// An ADR, adrs/NNNN-<slug>.md, with the next free number.
    Adr {
        /// Its title (several words need no quotes).
        title: Vec<String>,
        /// The owning team's id.
        #[arg(long, value_name = "ID", value_parser = parse_id)]
        team: Option<String>,
        /// Mark ADR N superseded by the new one (in N, only the lines that must change).
        #[arg(long, value_name = "N", value_parser = parse_adr_number)]
        supersedes: Option<u32>,
        #[command(flatten)]
        common: NewCommon,
    },
    /// An alignment between teams, alignments/<slug>.md.
    Alignment {
        /// Its title (several words need no quotes).
        title: Vec<String>,
        #[command(flatten)]
        teams: NewTeams,
        #[command(flatten)]
        common: NewCommon,
    },
    /// A rotation, rotations/<slug>.md; its members are the team's, when the team page lists them.
    Rotation {
        /// Its name (several words need no quotes).
        name: Vec<String>,
        #[command(flatten)]
        teams: NewTeams,
        #[command(flatten)]
        common: NewCommon,
    },
    /// A team's weekly update, updates/<yyyy>-W<ww>/<team>.md.
    Update {
        /// The team's id.
        #[arg(long, value_name = "ID", value_parser = parse_id)]
        team: String,
        /// The ISO week (default: the week of today).
        #[arg(long, value_name = "YYYY-Www", value_parser = parse_week)]
        week: Option<Week>,
        #[command(flatten)]
        common: NewCommon,
    },
}

/// The teams of a new alignment (its parties) or rotation (its owners).
#[derive(clap::Args)]
pub(crate) struct NewTeams {
    /// A team's id: the rotation's owner, or one party to the alignment (listed first).
    #[arg(long, value_name = "ID", value_parser = parse_id)]
    pub(crate) team: Option<String>,
    /// Team ids, separated by commas: the alignment's parties, or the rotation's teams.
    #[arg(long, value_name = "ID,ID", value_delimiter = ',', value_parser = parse_id)]
    pub(crate) teams: Vec<String>,
}

impl NewTeams {
    /// `--team` first, then `--teams`.
    pub(crate) fn ids(self) -> Vec<String> {
        self.team.into_iter().chain(self.teams).collect()
    }
}

/// The options every `seam new` takes.
#[derive(clap::Args)]
pub(crate) struct NewCommon {
    /// Open the new file in $VISUAL, else $EDITOR, and wait for it.
    #[arg(long)]
    pub(crate) edit: bool,
    /// Print the path it would create, and write nothing.
    #[arg(long, conflicts_with = "edit")]
    pub(crate) dry_run: bool,
    /// The date the document is dated (default: SOURCE_DATE_EPOCH, `today` in seam.toml, the clock).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub(crate) today: Option<NaiveDate>,
}

/// How `seam check` prints problems.
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Format {
    Human,
    Json,
    Github,
}

/// How `seam deps` prints the tracker.
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum DepsFormat {
    Table,
    Json,
    Csv,
}

/// How `seam list` and `seam rotations` print their rows.
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum ListFormat {
    Table,
    Json,
}

/// The options of `seam digest`.
#[derive(clap::Args)]
pub(crate) struct DigestArgs {
    /// The ISO week (default: the week of the build's date).
    #[arg(long, value_name = "YYYY-Www", value_parser = parse_week)]
    pub(crate) week: Option<Week>,
    /// The build's date.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub(crate) today: Option<NaiveDate>,
    /// Where the site is published, for the links in the email (default: base_url in seam.toml).
    #[arg(long, value_name = "URL")]
    pub(crate) base_url: Option<String>,
    /// Write the whole message (both parts) to this .eml file.
    #[arg(long, value_name = "FILE")]
    pub(crate) eml: Option<PathBuf>,
    /// Write the HTML part to this file, to preview it in a browser.
    #[arg(long, value_name = "FILE")]
    pub(crate) html: Option<PathBuf>,
    /// Send it over SMTP.
    #[arg(long)]
    pub(crate) send: bool,
    /// The SMTP server: smtp://[user@]host[:587] (STARTTLS) or smtps://[user@]host[:465] (default: [smtp] url).
    #[arg(long, value_name = "URL")]
    pub(crate) smtp: Option<String>,
    /// The sender (default: [digest] from).
    #[arg(long, value_name = "ADDRESS")]
    pub(crate) from: Option<String>,
    /// A recipient; repeat for several (default: [digest] to).
    #[arg(long, value_name = "ADDRESS")]
    pub(crate) to: Vec<String>,
    /// With --send: compose and check everything, say what would be sent, and send nothing.
    #[arg(long, requires = "send")]
    pub(crate) dry_run: bool,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    seam::model::parse_date(s).map_err(|why| format!("{why} (expected YYYY-MM-DD)"))
}

fn parse_week(s: &str) -> Result<Week, String> {
    s.parse()
}

fn parse_id(s: &str) -> Result<String, String> {
    seam::new::check_id(s.trim()).map(|()| s.trim().to_string())
}

fn parse_adr_number(s: &str) -> Result<u32, String> {
    seam::model::parse_adr_reference(s, true)
        .ok_or_else(|| "expected an ADR number: 7, ADR-7 or ADR-0007".to_string())
}

fn parse_risk(s: &str) -> Result<Risk, String> {
    Risk::parse(s).ok_or_else(|| "expected low, medium or high".to_string())
}

fn parse_kind(s: &str) -> Result<Kind, String> {
    s.parse()
        .map_err(|()| "expected one of team, adr, alignment, rotation, update, page".to_string())
}
