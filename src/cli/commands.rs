//! The body of each command: it builds the library's [`Options`], runs the
//! stages it needs, prints through [`super::print`] and returns the exit
//! code. Failures that are not problems in the documents come back as errors
//! for `main` to print.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use chrono::NaiveDate;

use seam::diagnostic::Counts;
use seam::model::{Kind, Risk};
use seam::site::{self, Options};

use super::args::{Cli, Command, DepsFormat, DigestArgs, Format, ListFormat, NewKind};
use super::print::{
    colour_on_stdout, print_deps, print_duty, print_json, print_problems, print_table, shown,
    summary_counts, write_deps_csv,
};
use super::progress::Progress;
use crate::usage;

/// Runs the command `cli` names.
pub(crate) fn run(cli: Cli) -> Result<ExitCode> {
    let root = cli.root.as_deref();
    let quiet = cli.quiet;
    match cli.command {
        Command::Build {
            out,
            base_url,
            today,
            allow_errors,
        } => build(root, quiet, out, base_url, today, allow_errors),
        Command::Check {
            format,
            deny_warnings,
            today,
            against,
        } => check(
            root,
            quiet,
            format,
            deny_warnings,
            today,
            against.as_deref(),
        ),
        Command::Serve {
            bind,
            port,
            open,
            today,
        } => serve(root, &bind, port, open, today),
        Command::Init { dir, today } => init(quiet, dir, today),
        Command::New { kind } => new(root, quiet, kind),
        Command::Deps {
            team,
            risk,
            format,
            today,
        } => deps(root, team.as_deref(), risk, format, today),
        Command::Rotations { at, format } => rotations(root, at.as_deref(), format),
        Command::Digest(args) => digest(root, args, quiet),
        Command::List {
            kind,
            format,
            today,
        } => list(root, kind, format, today),
    }
}

/// The library's options: the root given or found from the current folder,
/// every week's digest, and `SOURCE_DATE_EPOCH` for reproducible dates.
fn options(
    cli_root: Option<&Path>,
    today: Option<NaiveDate>,
    base_url: Option<String>,
    digests: site::Digests,
) -> Result<Options> {
    Ok(Options {
        root: docs_root(cli_root)?,
        today,
        base_url,
        source_date_epoch: std::env::var("SOURCE_DATE_EPOCH").ok(),
        digests,
        out: None,
    })
}

/// The docs repo root: `--root`, else the nearest folder holding seam.toml.
fn docs_root(cli_root: Option<&Path>) -> Result<PathBuf> {
    Ok(match cli_root {
        Some(r) => r.to_path_buf(),
        None => seam::config::find_root(
            &std::env::current_dir().context("cannot read the current folder")?,
        ),
    })
}

/// `seam build`: writes the site; exit 1 when documents have errors, unless allowed.
fn build(
    root: Option<&Path>,
    quiet: bool,
    out: Option<PathBuf>,
    base_url: Option<String>,
    today: Option<NaiveDate>,
    allow_errors: bool,
) -> Result<ExitCode> {
    let started = Instant::now();
    let mut opts = options(root, today, base_url, site::Digests::All)?;
    opts.out = out
        .map(|o| {
            std::path::absolute(&o).with_context(|| format!("cannot resolve --out {}", o.display()))
        })
        .transpose()?;
    let progress = Progress::start(!quiet && std::io::stderr().is_terminal());
    let result = (|| -> Result<_> {
        let (mut site, _) = site::assemble(&opts, &|s| progress.set(s))?;
        site::pack_sources(&mut site, site::PACK_ABOVE);
        let out_dir = site.root.join(&site.config.output_dir);
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
    // The process ends now: freeing every document one by one would only delay it.
    std::mem::forget(site);
    Ok(if counts.errors > 0 && !allow_errors {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `seam check`: every document and template, nothing written; exit 1 on
/// errors, or on warnings with `--deny-warnings`.
fn check(
    root: Option<&Path>,
    quiet: bool,
    format: Format,
    deny_warnings: bool,
    today: Option<NaiveDate>,
    against: Option<&str>,
) -> Result<ExitCode> {
    let started = Instant::now();
    let opts = options(root, today, None, site::Digests::Current)?;
    let (mut site, _) = site::assemble(&opts, &|_| {})?;
    // A broken template is a problem too: each is compiled and rendered once.
    site::check_templates(&site)?;
    if let Some(reference) = against {
        site::check_against(&mut site, reference)
            .with_context(|| format!("--against {reference}"))?;
    }
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
    // The process ends now: freeing every document one by one would only delay it.
    std::mem::forget(site);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `seam serve`: the site built into memory, served on loopback, and rebuilt
/// on every edit until Ctrl-C.
fn serve(
    root: Option<&Path>,
    bind: &str,
    port: u16,
    open: bool,
    today: Option<NaiveDate>,
) -> Result<ExitCode> {
    use seam::serve::{self, Event, Live, Problems, Snapshot};
    // The port is checked before the build, so a taken one is said at once.
    let listener = serve::http::listen(bind, port)?;
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(port);
    let host = if bind.contains(':') {
        format!("[{bind}]")
    } else {
        bind.to_string()
    };
    let url = format!("http://{host}:{port}/");
    let opts = options(root, today, Some(url.clone()), site::Digests::All)?;
    let started = Instant::now();
    let mut workspace = seam::rebuild::Workspace::open(&opts)?;
    let site = workspace.site();
    print_problems(&site.diagnostics, Format::Human);
    let mut problems = Problems::new(&site.diagnostics);
    // Watching starts before the first page is served, so no edit made
    // after a page has loaded goes unseen.
    let (mut content_dir, mut output_dir) = (
        site.config.content_dir.clone(),
        site.config.output_dir.clone(),
    );
    let mut watcher = serve::watch::Watcher::new(&opts.root, &content_dir, &output_dir)
        .context("cannot watch the docs repo for edits")?;
    let live = std::sync::Arc::new(Live::new(Snapshot::of(
        &workspace,
        &problems.overlay(Vec::new()),
    )));
    {
        let live = live.clone();
        let hosts = serve::http::Hosts::for_bind(bind);
        std::thread::Builder::new()
            .name("seam-listen".into())
            .spawn(move || serve::http::serve(listener, live, hosts))
            .context("cannot start the server thread")?;
    }
    eprintln!(
        "Serving {} documents ({}) at {url}, built in {:.2}s; watching for edits — press Ctrl-C to stop",
        site.documents.len(),
        summary_counts(Counts::of(&site.diagnostics)),
        started.elapsed().as_secs_f64()
    );
    if open {
        open_browser(&url);
    }
    let canonical_root = opts
        .root
        .canonicalize()
        .unwrap_or_else(|_| opts.root.clone());
    while let Some(batch) = watcher.next_batch() {
        let since = batch.since.unwrap_or_else(Instant::now);
        let edited: Vec<String> = batch
            .paths
            .iter()
            .map(|p| {
                let rel = p
                    .strip_prefix(&canonical_root)
                    .or_else(|_| p.strip_prefix(&opts.root))
                    .unwrap_or(p);
                seam::diagnostic::display_path(rel)
            })
            .collect();
        let (events, errors, report) = match workspace.rebuild(&batch.paths) {
            Ok(report) => {
                // `seam.toml` may have moved the content or output folder.
                let config = &workspace.site().config;
                if config.content_dir != content_dir || config.output_dir != output_dir {
                    content_dir = config.content_dir.clone();
                    output_dir = config.output_dir.clone();
                    if let Err(e) = watcher.follow(&content_dir, &output_dir) {
                        eprintln!(
                            "error: cannot watch {}: {e}; restart seam serve to see its edits",
                            content_dir.display()
                        );
                    }
                }
                let changes = problems.update(&workspace.site().diagnostics, &edited);
                print_problems(&changes.new, Format::Human);
                for d in &changes.fixed {
                    eprintln!(
                        "fixed: {}[{}]: {} ({}:{})",
                        d.severity.as_str(),
                        d.code,
                        shown(&d.message),
                        shown(&seam::diagnostic::display_path(&d.span.file)),
                        d.span.line
                    );
                }
                let errors: Vec<String> = report.errors.iter().map(|e| e.to_string()).collect();
                for e in &errors {
                    eprintln!(
                        "error: {}; still serving this page's last good version",
                        shown(e)
                    );
                }
                let mut changed = report.changed.clone();
                changed.extend(report.removed.iter().cloned());
                let stages: Vec<String> = report
                    .stages
                    .iter()
                    .map(|(stage, t)| format!("{stage} {} ms", t.as_millis()))
                    .collect();
                eprintln!(
                    "Rebuilt in {} ms ({}): {} files re-read, {} outputs changed, {} removed, {} made again unchanged",
                    since.elapsed().as_millis(),
                    stages.join(", "),
                    report.reread,
                    report.changed.len(),
                    report.removed.len(),
                    report.unchanged
                );
                (vec![Event::reload(&changed)], errors, report)
            }
            Err(e) => {
                eprintln!(
                    "error: {}; still serving the last good build",
                    shown(&e.to_string())
                );
                (Vec::new(), vec![e.to_string()], Default::default())
            }
        };
        let overlay = problems.overlay(errors);
        let snapshot = Snapshot::after(
            &live.snapshot(),
            &workspace,
            &overlay,
            &report.changed,
            &report.removed,
        );
        let mut events = events;
        events.push(Event::Problems(snapshot.overlay_json().to_string()));
        live.publish(snapshot, &events);
    }
    Ok(ExitCode::SUCCESS)
}

/// Opens `url` in the desktop's browser, or says where to go.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(opener).arg(url).spawn().is_err() {
        eprintln!("could not open a browser; visit {url}");
    }
}

/// `seam init`: a new docs repo in `dir` (default: here).
fn init(quiet: bool, dir: Option<PathBuf>, today: Option<NaiveDate>) -> Result<ExitCode> {
    let dir = dir.unwrap_or_else(|| PathBuf::from("."));
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
    let (today, _) =
        seam::config::resolve_today(today, epoch.as_deref(), &seam::config::Config::default())
            .map_err(|e| anyhow::anyhow!(e))?;
    let written = seam::init::init(&dir, today)?;
    if !quiet {
        for p in &written {
            println!("created {}", p.display());
        }
        println!("Next: cd {} && seam serve", dir.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// `seam new`: writes a document of a kind and prints its path (on
/// standard output, alone, for scripts); what else it did or left to fill
/// goes to standard error. `--edit` then opens it.
fn new(root: Option<&Path>, quiet: bool, kind: NewKind) -> Result<ExitCode> {
    use seam::new::Request;
    let title = |words: Vec<String>| Some(words.join(" ")).filter(|t| !t.trim().is_empty());
    let (request, common) = match kind {
        NewKind::Team { name, common } => (Request::Team { name: title(name) }, common),
        NewKind::Adr {
            title: words,
            team,
            supersedes,
            common,
        } => (
            Request::Adr {
                title: title(words),
                team,
                supersedes,
            },
            common,
        ),
        NewKind::Alignment {
            title: words,
            teams,
            common,
        } => (
            Request::Alignment {
                title: title(words),
                teams: teams.ids(),
            },
            common,
        ),
        NewKind::Rotation {
            name,
            teams,
            common,
        } => (
            Request::Rotation {
                name: title(name),
                teams: teams.ids(),
            },
            common,
        ),
        NewKind::Update { team, week, common } => (Request::Update { team, week }, common),
    };
    let root = docs_root(root)?;
    let config = seam::config::Config::load(&root)?;
    let (today, _) = seam::config::resolve_today(
        common.today,
        std::env::var("SOURCE_DATE_EPOCH").ok().as_deref(),
        &config,
    )
    .map_err(anyhow::Error::msg)?;
    let created = seam::new::create(&root, &config, &request, today, common.dry_run)?;
    let path = root.join(&created.path);
    let here = std::env::current_dir().unwrap_or_default();
    println!("{}", path.strip_prefix(&here).unwrap_or(&path).display());
    if !quiet {
        if let Some(old) = &created.superseded {
            eprintln!(
                "{} {} superseded by {}",
                if created.written {
                    "marked"
                } else {
                    "would mark"
                },
                seam::diagnostic::display_path(old),
                created.id
            );
        }
        if !created.written {
            eprintln!("dry run: nothing was written");
        }
        for field in &created.to_fill {
            eprintln!("fill in {field}; `seam check` needs it");
        }
    }
    if common.edit {
        open_in_editor(&path)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Opens `path` in `$VISUAL`, else `$EDITOR` (a program and its arguments,
/// split on whitespace), and waits for it to close.
fn open_in_editor(path: &Path) -> Result<()> {
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()));
    let Some(editor) = editor else {
        anyhow::bail!(
            "--edit: neither VISUAL nor EDITOR is set, so there is no editor to open {} in",
            path.display()
        );
    };
    let mut words = editor.split_whitespace();
    let program = words.next().expect("not blank");
    let status = std::process::Command::new(program)
        .args(words)
        .arg(path)
        .status()
        .with_context(|| format!("cannot start the editor `{editor}`"))?;
    if !status.success() {
        anyhow::bail!(
            "the editor `{editor}` exited with {status}; {} is kept",
            path.display()
        );
    }
    Ok(())
}

/// `seam deps`: the dependency tracker, filtered by team and risk.
fn deps(
    root: Option<&Path>,
    team: Option<&str>,
    risk: Option<Risk>,
    format: DepsFormat,
    today: Option<NaiveDate>,
) -> Result<ExitCode> {
    let opts = options(root, today, None, site::Digests::None)?;
    let (site, _) = site::assemble(&opts, &|_| {})?;
    let team_index = match team {
        Some(id) => Some(site.team(id).with_context(|| {
            format!("no team has the id `{id}`; `seam list --kind team` shows them")
        })?),
        None => None,
    };
    let rows = site::dependency_rows(&site, team_index, risk);
    match format {
        DepsFormat::Json => print_json(&rows)?,
        DepsFormat::Csv => write_deps_csv(&rows)?,
        DepsFormat::Table => print_deps(&rows, colour_on_stdout()),
    }
    Ok(ExitCode::SUCCESS)
}

/// `seam rotations`: who is on duty at a date or instant (default: today).
fn rotations(root: Option<&Path>, at: Option<&str>, format: ListFormat) -> Result<ExitCode> {
    let opts = options(root, None, None, site::Digests::None)?;
    let (site, _) = site::assemble(&opts, &|_| {})?;
    let at = match at {
        None => site::At::Date(site.today),
        Some(s) => site::At::parse(s).map_err(|e| anyhow::anyhow!(e))?,
    };
    let rows = site::duty_rows(&site, at);
    match format {
        ListFormat::Json => print_json(&rows)?,
        ListFormat::Table => print_duty(&rows),
    }
    Ok(ExitCode::SUCCESS)
}

/// `seam list`: every document, or those of one kind; exit 1 when the docs
/// have errors, after listing them.
fn list(
    root: Option<&Path>,
    kind: Option<Kind>,
    format: ListFormat,
    today: Option<NaiveDate>,
) -> Result<ExitCode> {
    let opts = options(root, today, None, site::Digests::None)?;
    let (site, _) = site::assemble(&opts, &|_| {})?;
    let rows = site::document_rows(&site, kind);
    match format {
        ListFormat::Json => print_json(&rows)?,
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

/// `seam digest`: prints the week's digest as text, writes it as `.eml` or
/// HTML, or sends it (`--send`, `--dry-run`). Missing sender, recipients or
/// server are usage errors (exit 2); a failed send saves the message (exit 1).
fn digest(root: Option<&Path>, args: DigestArgs, quiet: bool) -> Result<ExitCode> {
    use seam::email::{Addresses, SmtpServer};
    let opts = options(root, args.today, args.base_url, site::Digests::None)?;
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
