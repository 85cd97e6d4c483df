//! The `seam` command: parses arguments, runs the library, prints, and picks the exit code.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};

use seam::diagnostic::{Counts, Diagnostic};
use seam::model::{Kind, Risk, Week};
use seam::site::{self, Options, Stage};

/// Seam: a validated, cross-linked wiki of teams, decisions, alignments and rotations.
#[derive(Parser)]
#[command(name = "seam", version, about, propagate_version = true)]
struct Cli {
    /// The docs repo root (default: the nearest folder holding seam.toml).
    #[arg(long, global = true, value_name = "DIR")]
    root: Option<PathBuf>,
    /// Print only problems and errors.
    #[arg(long, short, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
    Github,
}

#[derive(Clone, Copy, ValueEnum)]
enum DepsFormat {
    Table,
    Json,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
enum ListFormat {
    Table,
    Json,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    seam::model::parse_date(s).map_err(|why| format!("{why} (expected YYYY-MM-DD)"))
}

fn parse_week(s: &str) -> Result<Week, String> {
    s.parse()
}

fn parse_risk(s: &str) -> Result<Risk, String> {
    Risk::parse(s).ok_or_else(|| "expected low, medium or high".to_string())
}

fn parse_kind(s: &str) -> Result<Kind, String> {
    s.parse()
        .map_err(|()| "expected one of team, adr, alignment, rotation, update, page".to_string())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn options(
    cli_root: &Option<PathBuf>,
    today: Option<NaiveDate>,
    base_url: Option<String>,
) -> Result<Options> {
    let root = match cli_root {
        Some(r) => r.clone(),
        None => seam::config::find_root(
            &std::env::current_dir().context("cannot read the current folder")?,
        ),
    };
    Ok(Options {
        root,
        today,
        base_url,
        source_date_epoch: std::env::var("SOURCE_DATE_EPOCH").ok(),
        digests: site::Digests::All,
    })
}

/// Shows what stage a long build is in, on a terminal, after a second.
struct Progress {
    stage: Arc<Mutex<Option<&'static str>>>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    fn start(enabled: bool) -> Progress {
        let stage = Arc::new(Mutex::new(Some("starting")));
        let handle = enabled.then(|| {
            let stage = Arc::clone(&stage);
            std::thread::spawn(move || {
                let started = Instant::now();
                let mut shown = false;
                loop {
                    std::thread::sleep(Duration::from_millis(100));
                    let Some(name) = *stage.lock().expect("progress lock") else {
                        break;
                    };
                    if started.elapsed() >= Duration::from_secs(1) {
                        eprint!("\r\x1b[2K  {name}… {:.1}s", started.elapsed().as_secs_f64());
                        let _ = std::io::stderr().flush();
                        shown = true;
                    }
                }
                if shown {
                    eprint!("\r\x1b[2K");
                }
            })
        });
        Progress { stage, handle }
    }

    fn set(&self, s: Stage) {
        let name = match s {
            Stage::Load => "reading documents",
            Stage::Check => "checking",
            Stage::Render => "rendering",
            Stage::Write => "writing",
        };
        *self.stage.lock().expect("progress lock") = Some(name);
    }

    fn finish(mut self) {
        *self.stage.lock().expect("progress lock") = None;
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

fn print_problems(diagnostics: &[Diagnostic], format: Format) {
    let mut out = std::io::stdout().lock();
    for d in diagnostics {
        let _ = match format {
            Format::Human => writeln!(out, "{}", d.to_human()),
            Format::Json => writeln!(out, "{}", d.to_json()),
            Format::Github => writeln!(out, "{}", d.to_github()),
        };
    }
}

fn summary_counts(c: Counts) -> String {
    let plural = |n: usize, w: &str| {
        if n == 1 {
            format!("{n} {w}")
        } else {
            format!("{n} {w}s")
        }
    };
    format!(
        "{}, {}",
        plural(c.errors, "error"),
        plural(c.warnings, "warning")
    )
}

fn run(cli: Cli) -> Result<ExitCode> {
    let quiet = cli.quiet;
    match cli.command {
        Command::Build {
            out,
            base_url,
            today,
            allow_errors,
        } => {
            let started = Instant::now();
            let opts = options(&cli.root, today, base_url)?;
            let progress = Progress::start(!quiet && std::io::stderr().is_terminal());
            let result = (|| -> Result<_> {
                let (site, _) = site::assemble(&opts, &|s| progress.set(s))?;
                let out_dir = out.unwrap_or_else(|| site.root.join(&site.config.output_dir));
                let written = site::build(&site, &out_dir, &|s| progress.set(s))?;
                Ok((site, written, out_dir))
            })();
            progress.finish();
            let (site, pages, out_dir) = result?;
            print_problems(&site.diagnostics, Format::Human);
            let counts = Counts::of(&site.diagnostics);
            if !quiet {
                eprintln!(
                    "Built {} documents into {} files in {} ({}) in {:.2}s",
                    site.documents.len(),
                    pages + site.assets.len(),
                    out_dir.display(),
                    summary_counts(counts),
                    started.elapsed().as_secs_f64()
                );
            }
            Ok(if counts.errors > 0 && !allow_errors {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Check {
            format,
            deny_warnings,
            today,
        } => {
            let started = Instant::now();
            let opts = Options {
                digests: site::Digests::Current,
                ..options(&cli.root, today, None)?
            };
            let (site, _) = site::assemble(&opts, &|_| {})?;
            // A broken template is a problem too: each is compiled and rendered once.
            site::check_templates(&site)?;
            print_problems(&site.diagnostics, format);
            let counts = Counts::of(&site.diagnostics);
            if !quiet {
                eprintln!(
                    "Checked {} documents at {}: {} in {:.2}s",
                    site.documents.len(),
                    site.today,
                    summary_counts(counts),
                    started.elapsed().as_secs_f64()
                );
            }
            let failed = counts.errors > 0 || (deny_warnings && counts.warnings > 0);
            Ok(if failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Serve {
            bind,
            port,
            open,
            today,
        } => {
            let url = format!(
                "http://{}:{port}/",
                if bind.contains(':') {
                    format!("[{bind}]")
                } else {
                    bind.clone()
                }
            );
            let opts = options(&cli.root, today, Some(url.clone()))?;
            let (site, _) = site::assemble(&opts, &|_| {})?;
            let files = site::render(&site)?;
            print_problems(&site.diagnostics, Format::Human);
            let server = tiny_http::Server::http((bind.as_str(), port))
                .map_err(|e| anyhow::anyhow!("cannot listen on {bind}:{port}: {e}"))?;
            eprintln!(
                "Serving {} documents ({}) at {url} — press Ctrl-C to stop",
                site.documents.len(),
                summary_counts(Counts::of(&site.diagnostics))
            );
            if open {
                let opener = if cfg!(target_os = "macos") {
                    "open"
                } else {
                    "xdg-open"
                };
                if std::process::Command::new(opener)
                    .arg(&url)
                    .spawn()
                    .is_err()
                {
                    eprintln!("could not open a browser; visit {url}");
                }
            }
            let memory = seam::serve::MemorySite::new(files, &site);
            seam::serve::serve(server, memory);
            Ok(ExitCode::SUCCESS)
        }
        Command::Init { dir } => {
            let dir = dir.unwrap_or_else(|| PathBuf::from("."));
            let written = seam::init::init(&dir)?;
            if !quiet {
                for p in &written {
                    println!("created {}", p.display());
                }
                println!("Next: cd {} && seam serve", dir.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Deps {
            team,
            risk,
            format,
            today,
        } => {
            let opts = Options {
                digests: site::Digests::None,
                ..options(&cli.root, today, None)?
            };
            let (site, _) = site::assemble(&opts, &|_| {})?;
            let team_index = match &team {
                Some(id) => Some(site.team(id).with_context(|| {
                    format!("no team has the id `{id}`; `seam list --kind team` shows them")
                })?),
                None => None,
            };
            let rows = site::dependency_rows(&site, team_index, risk);
            match format {
                DepsFormat::Json => println!("{}", serde_json::to_string_pretty(&rows)?),
                DepsFormat::Csv => write_deps_csv(&rows)?,
                DepsFormat::Table => print_deps(&rows, colour_on_stdout()),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Rotations { at, format } => {
            let opts = Options {
                digests: site::Digests::None,
                ..options(&cli.root, None, None)?
            };
            let (site, _) = site::assemble(&opts, &|_| {})?;
            let at = match at.as_deref() {
                None => site::At::Date(site.today),
                Some(s) => site::At::parse(s).map_err(|e| anyhow::anyhow!(e))?,
            };
            let rows = site::duty_rows(&site, at);
            match format {
                ListFormat::Json => println!("{}", serde_json::to_string_pretty(&rows)?),
                ListFormat::Table => print_duty(&rows),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Digest(args) => digest_command(&cli.root, args, quiet),
        Command::List {
            kind,
            format,
            today,
        } => {
            let opts = Options {
                digests: site::Digests::None,
                ..options(&cli.root, today, None)?
            };
            let (site, _) = site::assemble(&opts, &|_| {})?;
            let rows = site::document_rows(&site, kind);
            match format {
                ListFormat::Json => println!("{}", serde_json::to_string_pretty(&rows)?),
                ListFormat::Table => print_table(&rows),
            }
            let counts = Counts::of(&site.diagnostics);
            if counts.errors > 0 {
                eprintln!(
                    "The docs have {}: run `seam check` to see them",
                    summary_counts(counts)
                );
                return Ok(ExitCode::from(1));
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print_table(rows: &[site::DocumentRow]) {
    let header = [
        "ID",
        "KIND",
        "TITLE",
        "STATUS",
        "DATE",
        "TEAM",
        "FILE",
        "REFERENCES",
    ];
    let cells: Vec<[String; 8]> = rows
        .iter()
        .map(|r| {
            let mut title = r.title.clone();
            if title.chars().count() > 48 {
                title = title.chars().take(47).collect::<String>() + "…";
            }
            [
                r.id.clone(),
                r.kind.to_string(),
                title,
                r.status.clone().unwrap_or_default(),
                r.date.clone().unwrap_or_default(),
                r.team.clone().unwrap_or_default(),
                r.file.clone(),
                r.references.join(","),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.len());
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = std::io::stdout().lock();
    let line = |out: &mut std::io::StdoutLock, cols: Vec<&str>| {
        let s: Vec<String> = cols
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(i, (c, w))| {
                if i == 7 {
                    c.to_string()
                } else {
                    format!("{c:<w$}")
                }
            })
            .collect();
        let _ = writeln!(out, "{}", s.join("  ").trim_end());
    };
    line(&mut out, header.to_vec());
    for row in &cells {
        line(&mut out, row.iter().map(String::as_str).collect());
    }
}

/// Colours only on a terminal, and never when NO_COLOR is set.
fn colour_on_stdout() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn truncate(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        s.chars().take(width.saturating_sub(1)).collect::<String>() + "…"
    }
}

/// The tracker as a table that fits 100 columns; flags go on a second line.
fn print_deps(rows: &[site::DependencyRow], colour: bool) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "{:<6}  {:<26}  {:<10}  {:<10}  {:<11}  WHAT",
        "RISK", "TEAM → ON", "NEED BY", "COMMITTED", "STATUS"
    );
    for r in rows {
        let risk = format!("{:<6}", r.risk);
        let risk = if colour {
            let code = match r.risk.as_str() {
                "high" => "31;1",
                "medium" => "33",
                _ => "32",
            };
            format!("\x1b[{code}m{risk}\x1b[0m")
        } else {
            risk
        };
        let _ = writeln!(
            out,
            "{risk}  {:<26}  {:<10}  {:<10}  {:<11}  {}",
            truncate(&format!("{} → {}", r.team, r.on), 26),
            r.need_by.as_deref().unwrap_or("—"),
            r.committed,
            truncate(r.status.as_deref().unwrap_or(""), 11),
            truncate(&r.what, 26)
        );
        if !r.flags.is_empty() {
            let _ = writeln!(out, "{:8}{}", "", r.flags.join(", "));
        }
    }
}

fn write_deps_csv(rows: &[site::DependencyRow]) -> Result<()> {
    let mut w = csv::Writer::from_writer(std::io::stdout().lock());
    w.write_record([
        "team",
        "on",
        "what",
        "type",
        "need_by",
        "committed",
        "status",
        "owner_risk",
        "risk",
        "flags",
        "fallback",
        "alignment",
        "updated",
        "source",
    ])?;
    for r in rows {
        let opt = |o: &Option<String>| o.clone().unwrap_or_default();
        w.write_record([
            r.team.clone(),
            r.on.clone(),
            r.what.clone(),
            opt(&r.kind),
            opt(&r.need_by),
            r.committed.clone(),
            opt(&r.status),
            opt(&r.owner_risk),
            r.risk.clone(),
            r.flags.join(" "),
            opt(&r.fallback),
            opt(&r.alignment),
            opt(&r.updated),
            r.source.clone(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

fn print_duty(rows: &[site::DutyRow]) {
    let w = rows
        .iter()
        .map(|r| r.rotation.chars().count())
        .max()
        .unwrap_or(8)
        .max(8);
    for r in rows {
        let duty = match (&r.member, &r.until) {
            (Some(m), Some(u)) => format!("{m} until {u}"),
            _ => "nobody (not started, or no schedule)".into(),
        };
        println!("{:<w$}  {duty}", r.rotation);
        for (a, b) in &r.pairs {
            println!("{:<w$}    {a} ↔ {b}", "");
        }
    }
}

/// The options of `seam digest`.
#[derive(clap::Args)]
struct DigestArgs {
    /// The ISO week (default: the week of the build's date).
    #[arg(long, value_name = "YYYY-Www", value_parser = parse_week)]
    week: Option<Week>,
    /// The build's date.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    today: Option<NaiveDate>,
    /// Where the site is published, for the links in the email (default: base_url in seam.toml).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Write the whole message (both parts) to this .eml file.
    #[arg(long, value_name = "FILE")]
    eml: Option<PathBuf>,
    /// Write the HTML part to this file, to preview it in a browser.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Send it over SMTP.
    #[arg(long)]
    send: bool,
    /// The SMTP server: smtp://[user@]host[:587] (STARTTLS) or smtps://[user@]host[:465] (default: [smtp] url).
    #[arg(long, value_name = "URL")]
    smtp: Option<String>,
    /// The sender (default: [digest] from).
    #[arg(long, value_name = "ADDRESS")]
    from: Option<String>,
    /// A recipient; repeat for several (default: [digest] to).
    #[arg(long, value_name = "ADDRESS")]
    to: Vec<String>,
    /// With --send: compose and check everything, say what would be sent, and send nothing.
    #[arg(long, requires = "send")]
    dry_run: bool,
}

/// Wrong usage: printed like clap's errors, exit status 2.
fn usage(message: &str) -> Result<ExitCode> {
    eprintln!("error: {message}");
    Ok(ExitCode::from(2))
}

fn digest_command(root: &Option<PathBuf>, args: DigestArgs, quiet: bool) -> Result<ExitCode> {
    use seam::email::{Addresses, SmtpServer};
    let opts = Options {
        digests: site::Digests::None,
        ..options(root, args.today, args.base_url)?
    };
    let (site, _) = site::assemble(&opts, &|_| {})?;
    let (digest, email) = site::digest_email(&site, args.week)?;
    let week = digest.week.to_string();
    let config = &site.config;
    let from = args.from.or_else(|| config.digest.from.clone());
    let to = if args.to.is_empty() {
        config.digest.to.clone()
    } else {
        args.to
    };
    if args.send {
        if from.is_none() {
            return usage(
                "--send needs a sender: --from ADDRESS, or from in [digest] in seam.toml",
            );
        }
        if to.is_empty() {
            return usage(
                "--send needs at least one recipient: --to ADDRESS, or to in [digest] in seam.toml",
            );
        }
    }
    let server = if args.send {
        let Some(url) = args.smtp.or_else(|| config.smtp.url.clone()) else {
            return usage(
                "--send needs a server: --smtp smtp://host:587, or url in [smtp] in seam.toml",
            );
        };
        let mut server = SmtpServer::parse(&url, &|k| std::env::var(k).ok())?;
        server.ca_file = std::env::var_os("SEAM_SMTP_CA_FILE")
            .map(PathBuf::from)
            .or_else(|| config.smtp.ca_file.as_ref().map(|p| site.root.join(p)));
        Some(server)
    } else {
        None
    };
    if !config.base_url.contains("://") && !quiet {
        eprintln!(
            "warning: base_url is `{}`, so the email's links are not absolute and will not work in a mail client; set base_url in seam.toml or pass --base-url https://…",
            config.base_url
        );
    }
    let now = std::time::SystemTime::now();
    // Without a sender and recipients (a preview), the .eml gets placeholder addresses.
    let addresses = match &from {
        Some(f) if !to.is_empty() => Some(Addresses::parse(f, &to)?),
        _ => None,
    };
    let message = match &addresses {
        Some(a) => seam::email::message(&email, a, now)?,
        None => seam::email::preview(&email, now)?,
    };
    let summary = format!(
        "“{}”: {} of {} teams sent an update, {} {}, {} to watch",
        email.subject,
        digest.updates.len(),
        digest.updates.len() + digest.missing.len(),
        digest.decisions.len(),
        if digest.decisions.len() == 1 {
            "decision"
        } else {
            "decisions"
        },
        digest.watch.len(),
    );
    if let Some(path) = &args.html {
        std::fs::write(path, &email.html)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    if let Some(path) = &args.eml {
        seam::email::write_eml(path, &message)
            .with_context(|| format!("cannot write {}", path.display()))?;
        if !quiet {
            eprintln!("Wrote {} to {}", summary, path.display());
        }
    }
    // With --send, the checks above made sure of a server, a sender and recipients.
    let (Some(server), Some(addresses)) = (server, addresses) else {
        if args.eml.is_none() && args.html.is_none() {
            print!("{}", email.text);
        }
        return Ok(ExitCode::SUCCESS);
    };
    if args.dry_run {
        println!(
            "Would send {summary}\nfrom {}\nto {}\nthrough {} ({} bytes); nothing was sent.",
            addresses.from,
            addresses
                .to
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            server.describe(),
            message.formatted().len()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let here = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let sent = seam::email::send_or_keep(
        &server,
        &addresses,
        &message,
        args.eml.as_deref(),
        &here,
        &week,
    );
    match sent {
        Ok(()) => {
            if !quiet {
                let n = addresses.to.len();
                eprintln!(
                    "Sent {summary} to {n} {} through {}",
                    if n == 1 { "recipient" } else { "recipients" },
                    server.address()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(unsent) => {
            eprintln!("error: {}", unsent.error);
            if let Some(hint) = unsent.error.hint() {
                eprintln!("  = hint: {hint}");
            }
            match unsent.saved {
                Ok(path) => eprintln!(
                    "The message was not sent. It is saved in {}: fix the problem and run the command again, or send that file with any mail tool.",
                    path.display()
                ),
                Err(io) => {
                    eprintln!("The message was not sent, and could not be saved either: {io}")
                }
            }
            Ok(ExitCode::from(1))
        }
    }
}
