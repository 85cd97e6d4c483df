//! The weekly digest: pages, the Atom feeds (read back with feedparser), the
//! email (read back with Python's email package) and sending it through a
//! real SMTP server (aiosmtpd) on loopback, including every failure that must
//! leave a saved `.eml` behind.

use crate::*;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// Whether python3 has `module`. In CI (`CI` set) a missing module is a failure, not a skip.
fn python_has(module: &str) -> bool {
    let ok = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok && std::env::var_os("CI").is_some() {
        panic!("python3 cannot import {module}: .ci/run installs it");
    }
    if !ok {
        eprintln!("skipping: python3 cannot import {module} (pip install {module})");
    }
    ok
}

fn script(path: &str) -> String {
    format!("{}/tests/{path}", env!("CARGO_MANIFEST_DIR"))
}

/// Runs a helper script and parses the JSON it prints.
fn python_json(script_path: &str, arg: &Path) -> Value {
    let o = Command::new("python3")
        .arg(script(script_path))
        .arg(arg)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{script_path} {}: {}",
        arg.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

fn example_args(extra: &[&str]) -> Vec<String> {
    let mut args = vec![
        "--root".to_string(),
        example().to_str().unwrap().to_string(),
        "digest".to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

/// `seam digest` on the example organisation, from `cwd`, with `env`.
fn digest(cwd: &Path, extra: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = seam();
    cmd.args(example_args(extra))
        .current_dir(cwd)
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("SEAM_SMTP_USERNAME")
        .env_remove("SEAM_SMTP_PASSWORD")
        .env_remove("SEAM_SMTP_CA_FILE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// An aiosmtpd server on loopback; stopped when dropped.
struct SmtpServer {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl SmtpServer {
    fn start(args: &[&str]) -> SmtpServer {
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new("python3")
            .arg(script("smtp/server.py"))
            .arg("--dir")
            .arg(dir.path())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .strip_prefix("READY ")
            .and_then(|p| p.trim().parse().ok())
            .unwrap_or_else(|| panic!("the SMTP server did not start: {line:?}"));
        SmtpServer { child, port, dir }
    }

    /// The envelopes of the messages received, in order, with their parsed messages.
    fn received(&self) -> Vec<(Value, Value)> {
        (1..)
            .map(|n| self.dir.path().join(n.to_string()))
            .take_while(|base| base.with_extension("json").exists())
            .map(|base| {
                let envelope: Value = serde_json::from_str(
                    &std::fs::read_to_string(base.with_extension("json")).unwrap(),
                )
                .unwrap();
                (
                    envelope,
                    python_json("smtp/read_eml.py", &base.with_extension("eml")),
                )
            })
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The text of the part of `message` with `content_type`.
fn part<'a>(message: &'a Value, content_type: &str) -> &'a str {
    message["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["type"] == content_type)
        .unwrap_or_else(|| panic!("no {content_type} part in {message}"))["text"]
        .as_str()
        .unwrap()
}

const SUBJECT: &str = "Tidewater Engineering weekly digest: week 47 (16–22 November 2026)";

/// What the example's W47 digest must say in both parts.
fn assert_example_sections(text: &str) {
    for needle in [
        "Teams",
        "Checkout",
        "Looking for Input On",
        "No update this week",
        "Catalogue &",
        "Data Platform",
        "Decisions",
        "ADR-0022",
        "Open for comment",
        "Dependency watch",
        "Needed in the next 14 days",
        "Alignments",
        "Moving promotion evaluation into the price engine",
        "Review overdue",
        "Rotations",
        "Rebecca Hall",
        "Doc health",
    ] {
        assert!(
            text.to_lowercase().contains(&needle.to_lowercase()),
            "{needle:?} missing from:\n{text}"
        );
    }
}

#[test]
fn the_text_digest_has_every_section_and_reads_in_about_five_minutes() {
    let tmp = tempfile::tempdir().unwrap();
    let o = digest(tmp.path(), &[], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert_example_sections(&text);
    assert!(text.contains("a 5-minute read"), "{text}");
    assert!(
        text.contains("On the web: https://eng.tidewater.example/digest/2026-W47/"),
        "links in the email are absolute, from base_url: {text}"
    );
    assert!(
        text.lines()
            .all(|l| l.chars().count() <= 72 || !l.contains(' ')),
        "lines wrap at 72 columns:\n{text}"
    );
    // Wiki links in updates read as titles, not as [[ids]].
    assert!(!text.contains("[["), "{text}");
}

#[test]
fn pages_archive_and_feeds_parse_in_feedparser() {
    let out = tempfile::tempdir().unwrap();
    let o = run(&[
        "build",
        "--root",
        example().to_str().unwrap(),
        "--out",
        out.path().join("site").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let site = out.path().join("site");
    let page = std::fs::read_to_string(site.join("digest/2026-W47/index.html")).unwrap();
    assert_example_sections(&page);
    let archive = std::fs::read_to_string(site.join("digest/index.html")).unwrap();
    assert!(archive.contains("href=\"/digest/2026-W47/\""), "{archive}");
    assert!(archive.contains("href=\"/digest/2026-W46/\""), "{archive}");
    let home = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(home.contains("Weekly digest · Week 47, 2026"), "{home}");

    if !python_has("feedparser") {
        return;
    }
    let feed = python_json("feed/check_feed.py", &site.join("digest/feed.xml"));
    assert_eq!(feed["version"], "atom10");
    let entries = feed["entries"].as_array().unwrap();
    assert_eq!(entries[0]["title"], SUBJECT);
    assert_eq!(
        entries[0]["link"],
        "https://eng.tidewater.example/digest/2026-W47/"
    );
    assert_eq!(entries[0]["updated"], "2026-11-20T00:00:00Z");
    assert_eq!(entries[0]["content_type"], "text/html");
    assert!(
        entries[0]["content"]
            .as_str()
            .unwrap()
            .contains("Dependency watch")
    );
    // The newest 20 archived weeks, newest first.
    let weeks = std::fs::read_dir(site.join("digest"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().is_dir())
        .count();
    assert!(weeks > 20, "the example has more weeks than the feed holds");
    assert_eq!(entries.len(), 20);
    let links: Vec<&str> = entries
        .iter()
        .map(|e| e["link"].as_str().unwrap())
        .collect();
    let mut sorted = links.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(links, sorted, "newest first");
    let adrs = python_json("feed/check_feed.py", &site.join("adrs/feed.xml"));
    let first = &adrs["entries"][0];
    assert_eq!(
        first["title"],
        "ADR-0025: Express reorder API for the apps (proposed)"
    );
    assert!(
        first["content"]
            .as_str()
            .unwrap()
            .contains("href=\"https://eng.tidewater.example/"),
        "feed content links are absolute"
    );
}

#[test]
fn the_eml_is_multipart_alternative_with_both_parts() {
    if !python_has("email") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let eml = tmp.path().join("digest.eml");
    let html = tmp.path().join("digest.html");
    let o = digest(
        tmp.path(),
        &[
            "--eml",
            eml.to_str().unwrap(),
            "--html",
            html.to_str().unwrap(),
            "--from",
            "Digest <digest@tidewater.example>",
            "--to",
            "eng@tidewater.example",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).is_empty(), "with --eml nothing goes to stdout");
    let m = python_json("smtp/read_eml.py", &eml);
    assert_eq!(m["subject"], SUBJECT);
    assert_eq!(m["content_type"], "multipart/alternative");
    assert_eq!(m["from"], "Digest <digest@tidewater.example>");
    assert_eq!(m["to"], "eng@tidewater.example");
    assert_example_sections(part(&m, "text/plain"));
    let html_part = part(&m, "text/html");
    assert_example_sections(html_part);
    // The CSS is inlined: the layout survives a client that strips <style>.
    assert!(html_part.contains("width=\"600\""), "table layout, 600 px");
    assert!(html_part.contains("<td class=\"masthead\" bgcolor=\"#1d2127\" style=\""));
    assert!(html_part.contains("class=\"risk risk-high\" style=\""));
    assert_eq!(
        std::fs::read_to_string(&html).unwrap().trim(),
        html_part.trim()
    );
}

#[test]
fn bad_weeks_are_clear_errors() {
    let tmp = tempfile::tempdir().unwrap();
    for (week, code, says) in [
        ("2026-W99", 2, "2026 has no week 99"),
        ("2027-W53", 2, "2027 has no week 53"),
        ("2026-47", 2, "is not an ISO week"),
        ("next", 2, "is not an ISO week"),
        (
            "2026-W48",
            1,
            "2026-W48 has not started at the build's date (2026-11-20, in 2026-W47)",
        ),
    ] {
        let o = digest(tmp.path(), &["--week", week], &[]);
        assert_eq!(o.status.code(), Some(code), "{week}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{week}: {}", stderr(&o));
        assert!(stdout(&o).is_empty());
    }
    // A past week works, with its own updates and without the present-tense sections.
    let o = digest(tmp.path(), &["--week", "2026-W46"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("Week 46, 2026"), "{text}");
    assert!(!text.contains("DEPENDENCY WATCH"), "{text}");
    // An ADR proposed in a past week and accepted since says so.
    let o = digest(tmp.path(), &["--week", "2026-W38"], &[]);
    assert!(
        stdout(&o).contains("[dated this week; accepted on 2026-11-16]"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn sending_needs_a_sender_recipients_and_a_server() {
    let tmp = tempfile::tempdir().unwrap();
    for (args, says) in [
        (
            vec![
                "--send",
                "--to",
                "a@x.example",
                "--smtp",
                "smtp://127.0.0.1:1",
            ],
            "--from",
        ),
        (
            vec![
                "--send",
                "--from",
                "d@x.example",
                "--smtp",
                "smtp://127.0.0.1:1",
            ],
            "--to",
        ),
        (
            vec!["--send", "--from", "d@x.example", "--to", "a@x.example"],
            "--smtp",
        ),
    ] {
        let o = digest(tmp.path(), &args, &[]);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
    }
    let o = digest(tmp.path(), &["--dry-run"], &[]);
    assert_eq!(o.status.code(), Some(2), "--dry-run needs --send");
    let o = digest(
        tmp.path(),
        &[
            "--send",
            "--from",
            "not an address",
            "--to",
            "a@x.example",
            "--smtp",
            "smtp://127.0.0.1:1",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("`not an address` is not an email address"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn sends_through_a_real_smtp_server_with_starttls_and_login() {
    if !python_has("aiosmtpd") || !python_has("trustme") {
        return;
    }
    let server = SmtpServer::start(&["--tls", "--auth", "digest-bot:s3cret-pw"]);
    let ca = server.dir.path().join("ca.pem");
    let tmp = tempfile::tempdir().unwrap();
    let url = format!("smtp://digest-bot@localhost:{}?tls=required", server.port);
    let args = [
        "--send",
        "--smtp",
        url.as_str(),
        "--from",
        "Tidewater digest <digest@tidewater.example>",
        "--to",
        "eng-all@tidewater.example",
        "--to",
        "leads@tidewater.example",
    ];
    let env = [
        ("SEAM_SMTP_PASSWORD", "s3cret-pw"),
        ("SEAM_SMTP_CA_FILE", ca.to_str().unwrap()),
    ];

    // --dry-run checks everything and sends nothing.
    let mut dry: Vec<&str> = args.to_vec();
    dry.push("--dry-run");
    let o = digest(tmp.path(), &dry, &env);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("Would send"), "{}", stdout(&o));
    assert!(stdout(&o).contains("STARTTLS (required), logging in as digest-bot"));
    assert!(server.received().is_empty());

    let o = digest(tmp.path(), &args, &env);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("to 2 recipients"), "{}", stderr(&o));
    for out in [stdout(&o), stderr(&o)] {
        assert!(!out.contains("s3cret-pw"), "the password is never printed");
    }
    let received = server.received();
    assert_eq!(received.len(), 1);
    let (envelope, message) = &received[0];
    assert_eq!(envelope["tls"], true, "STARTTLS was used");
    assert_eq!(envelope["login"], "digest-bot");
    assert_eq!(envelope["mail_from"], "digest@tidewater.example");
    assert_eq!(
        envelope["rcpt_tos"],
        serde_json::json!(["eng-all@tidewater.example", "leads@tidewater.example"])
    );
    assert_eq!(message["subject"], SUBJECT);
    assert_eq!(message["content_type"], "multipart/alternative");
    assert_example_sections(part(message, "text/plain"));
    assert_example_sections(part(message, "text/html"));
    assert!(
        std::fs::read_dir(tmp.path()).unwrap().next().is_none(),
        "nothing is saved when sending works"
    );
}

#[test]
fn sends_over_tls_from_the_first_byte_and_checks_the_certificate() {
    if !python_has("aiosmtpd") || !python_has("trustme") {
        return;
    }
    let server = SmtpServer::start(&["--implicit-tls", "--auth", "digest-bot:pw"]);
    let ca = server.dir.path().join("ca.pem");
    let url = format!("smtps://digest-bot@localhost:{}", server.port);
    let tmp = tempfile::tempdir().unwrap();
    let args = [
        "--send",
        "--smtp",
        url.as_str(),
        "--from",
        "digest@tidewater.example",
        "--to",
        "a@tidewater.example",
    ];
    let o = digest(
        tmp.path(),
        &args,
        &[
            ("SEAM_SMTP_PASSWORD", "pw"),
            ("SEAM_SMTP_CA_FILE", ca.to_str().unwrap()),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].0["login"], "digest-bot");
    assert_eq!(received[0].1["subject"], SUBJECT);

    // Without the CA, the server's certificate is not trusted: a TLS error, and the message is kept.
    let o = digest(tmp.path(), &args, &[("SEAM_SMTP_PASSWORD", "pw")]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains(&format!("TLS with localhost:{} failed", server.port)),
        "{err}"
    );
    assert!(err.contains("UnknownIssuer"), "{err}");
    assert!(tmp.path().join("seam-digest-2026-W47.eml").is_file());
    assert_eq!(server.received().len(), 1, "nothing more arrived");
}

/// Runs a failing send from an empty folder and returns its stderr and the one `.eml` it saved.
fn failing_send(url: &str, env: &[(&str, &str)]) -> (String, Value) {
    let tmp = tempfile::tempdir().unwrap();
    let args = [
        "--send",
        "--smtp",
        url,
        "--from",
        "digest@tidewater.example",
        "--to",
        "a@tidewater.example",
        "--to",
        "nobody@tidewater.example",
    ];
    let o = digest(tmp.path(), &args, env);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let saved: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(saved.len(), 1, "{saved:?}");
    assert!(saved[0].ends_with("seam-digest-2026-W47.eml"), "{saved:?}");
    let err = stderr(&o);
    assert!(
        err.contains("It is saved in") && err.contains("seam-digest-2026-W47.eml"),
        "{err}"
    );
    let message = python_json("smtp/read_eml.py", &saved[0]);
    assert_eq!(message["subject"], SUBJECT);
    assert_eq!(
        message["to"],
        "a@tidewater.example, nobody@tidewater.example"
    );
    (err, message)
}

#[test]
fn failures_say_why_and_save_the_message() {
    if !python_has("aiosmtpd") {
        return;
    }
    // Connection refused: a port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let (err, _) = failing_send(&format!("smtp://127.0.0.1:{port}"), &[]);
    assert!(
        err.contains(&format!("could not connect to 127.0.0.1:{port}")),
        "{err}"
    );
    assert!(err.contains("Connection refused"), "{err}");

    // Authentication rejected.
    let server = SmtpServer::start(&[
        "--auth",
        "digest-bot:right",
        "--refuse",
        "nobody@tidewater.example",
    ]);
    let url = format!("smtp://digest-bot@127.0.0.1:{}", server.port);
    let (err, _) = failing_send(&url, &[("SEAM_SMTP_PASSWORD", "wrong-pw")]);
    assert!(
        err.contains("rejected the login for `digest-bot`: 535"),
        "{err}"
    );
    assert!(!err.contains("wrong-pw"), "{err}");

    // A recipient refused: nobody gets the message.
    let (err, _) = failing_send(&url, &[("SEAM_SMTP_PASSWORD", "right")]);
    assert!(
        err.contains(
            "refused the recipient nobody@tidewater.example, so the message was sent to nobody: 550"
        ),
        "{err}"
    );
    assert!(server.received().is_empty());

    // STARTTLS required but not offered.
    let plain = SmtpServer::start(&[]);
    let (err, _) = failing_send(
        &format!("smtp://127.0.0.1:{}?tls=required", plain.port),
        &[],
    );
    assert!(err.contains("does not offer STARTTLS"), "{err}");
    assert!(plain.received().is_empty());

    // A user name for a server that offers no login.
    let (err, _) = failing_send(
        &format!("smtp://someone@127.0.0.1:{}", plain.port),
        &[("SEAM_SMTP_PASSWORD", "pw")],
    );
    assert!(err.contains("does not offer a login Seam can use"), "{err}");
    assert!(plain.received().is_empty());
}

#[test]
fn the_email_templates_can_be_overridden_by_the_docs_repo() {
    let tmp = copy_fixture(&fixture("small"));
    std::fs::create_dir_all(tmp.path().join("templates")).unwrap();
    std::fs::write(
        tmp.path().join("templates/email.txt"),
        "Our own digest for {{ digest.week }}: {{ digest.missing | length }} teams were quiet.\n",
    )
    .unwrap();
    let o = seam()
        .args([
            "--root",
            tmp.path().to_str().unwrap(),
            "digest",
            "--today",
            "2026-11-20",
        ])
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "Our own digest for 2026-W47: 2 teams were quiet.\n"
    );
}

#[test]
fn the_digest_fixture_renders_as_pinned() {
    // Every section, a nested ordered list, links of each kind, an override
    // and doc problems: the text email and the page are snapshots.
    let root = fixture("digest");
    let o = run(&["--root", root.to_str().unwrap(), "digest"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!("digest_text", stdout(&o));
    let out = tempfile::tempdir().unwrap();
    let o = run(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.path().join("site").to_str().unwrap(),
        "--allow-errors",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = std::fs::read_to_string(out.path().join("site/digest/2026-W47/index.html")).unwrap();
    insta::assert_snapshot!("digest_page", main_of(&page));
}
