//! The built example site in a real browser, as its readers meet it: every
//! page crawled in headless Chromium on a laptop and on a phone, light and
//! dark, with and without JavaScript, and checked by axe-core
//! (`tests/browser/site.mjs`). Also the helpers the browser tests share.
//! Without Node, Chromium or the npm packages these tests say so and pass,
//! except in CI (`CI` set), where a missing tool is a failure.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{example, seam};

/// Whether `tool` runs; in CI a missing tool fails the test.
pub fn have(tool: &str, args: &[&str]) -> bool {
    let ok = Command::new(tool)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok && std::env::var_os("CI").is_some() {
        panic!("{tool} is needed for this test in CI (.ci/run installs it)");
    }
    if !ok {
        eprintln!("skipped: {tool} is not installed");
    }
    ok
}

/// The folder of the Node scripts that drive the browser.
pub fn browser_tests() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// A static file server this project did not write, stopped when dropped.
pub struct Static(Child);

impl Drop for Static {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Serves `dir` on a free loopback port with Python's `http.server`.
pub fn serve_static(dir: &Path) -> (Static, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("python3")
        .args([
            "-m",
            "http.server",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--directory",
        ])
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 runs");
    let server = Static(child);
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the static server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    (server, port)
}

/// Runs one of `tests/browser`'s scripts with `args` in `chromium`, asserts
/// that it passed and that no check failed, and returns what it printed.
pub fn drive(chromium: &str, script: &str, args: &[&std::ffi::OsStr]) -> String {
    let o = Command::new("node")
        .arg(browser_tests().join(script))
        .args(args)
        .env("CHROMIUM", chromium)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        o.status.success() && !text.contains("FAIL"),
        "{text}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    text
}

/// Debian's Chromium (or `$CHROMIUM`), when it, Node and the npm packages
/// of `tests/browser` are there.
pub fn chromium() -> Option<String> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let package = |name: &str| {
        have(
            "node",
            &[
                "-e",
                &format!(
                    "require({:?})",
                    browser_tests()
                        .join("node_modules")
                        .join(name)
                        .to_string_lossy()
                ),
            ],
        )
    };
    (have("node", &["--version"])
        && have(&chromium, &["--version"])
        && package("playwright-core")
        && package("axe-core"))
    .then_some(chromium)
}

#[test]
fn every_page_works_on_laptops_and_phones_light_and_dark_with_and_without_script() {
    let Some(chromium) = chromium() else {
        return;
    };
    // The site in a folder of the temporary one, so that the previous site
    // a build keeps beside its output goes with it.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    let o = seam()
        .arg("--root")
        .arg(example())
        .args(["build", "--quiet", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (server, port) = serve_static(&dir);
    // Screenshots for review, where the build's other products are.
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    let url = format!("http://127.0.0.1:{port}/");
    let text = drive(&chromium, "site.mjs", &[url.as_ref(), shots.as_os_str()]);
    drop(server);
    assert!(text.contains("crawled "), "{text}");
    assert!(shots.join("team-375-dark.png").is_file());
}

/// A generated organisation big enough that listings, the tracker and the
/// digest split into pages: 80 teams that depend on their neighbours, 1,500
/// ADRs, alignments with commitments, rotations and this week's updates.
fn large_site(root: &Path) {
    let content = root.join("content");
    for dir in [
        "teams",
        "adrs",
        "alignments",
        "rotations",
        "updates/2026-W47",
    ] {
        std::fs::create_dir_all(content.join(dir)).unwrap();
    }
    std::fs::write(
        root.join("seam.toml"),
        "title = \"Large Co\"\ntoday = 2026-11-20\n",
    )
    .unwrap();
    let team_sections = "## Current Priorities\n\nShip the thing.\n\n## Looking for Input On\n\nNothing.\n\n## Recent Wins\n\nShipped.\n";
    for t in 0..80 {
        let mut deps = String::new();
        for k in 0..14 {
            deps.push_str(&format!(
                "  - {{ on: t{:02}, what: Interface {k} with a long descriptive name for wrapping, need_by: 2026-12-{:02}, committed: 2026-12-{:02}, status: in-progress, updated: 2026-11-10 }}\n",
                (t + 1 + k % 7) % 80,
                1 + k,
                (3 + k * 2).min(28)
            ));
        }
        std::fs::write(
            content.join(format!("teams/t{t:02}.md")),
            format!("---\nname: Team {t:02}\nmission: Team {t:02} keeps its services running.\ncoordination_model: service-provider\ndepends_on:\n{deps}---\n\n{team_sections}"),
        )
        .unwrap();
        std::fs::write(
            content.join(format!("updates/2026-W47/t{t:02}.md")),
            format!("## Shipped\n\n- Release {t} of the service, see [[t{:02}]].\n\n## Blockers\n\n- None.\n", (t + 1) % 80),
        )
        .unwrap();
    }
    for n in 1..=1500 {
        let supersedes = if n > 1 && n % 10 == 0 {
            format!("supersedes: [ADR-{:04}]\n", n - 1)
        } else {
            String::new()
        };
        std::fs::write(
            content.join(format!("adrs/{n:04}-decision.md")),
            format!("---\ntitle: Decision {n} about the shared platform\nstatus: accepted\ndate: 2026-{:02}-{:02}\nteam: t{:02}\naffects: [t{:02}]\ntags: [platform, tag{}]\n{supersedes}---\n\n## Context\n\nWhy {n}.\n\n## Decision\n\nWe do {n}.\n\n```json\n{{\"decision\": {n}, \"a_long_key_that_makes_the_line_wide\": \"and a long value to go with it\"}}\n```\n\n## Consequences\n\nSome.\n\n## Alternatives Considered\n\nOthers.\n", 1 + n % 11, 1 + n % 28, n % 80, (n + 3) % 80, n % 40),
        )
        .unwrap();
    }
    for a in 0..40 {
        std::fs::write(
            content.join(format!("alignments/a{a:02}.md")),
            format!("---\ntitle: Alignment {a}\nteams: [t{:02}, t{:02}]\nowner: Someone\nstatus: active\nreview_by: 2027-02-01\ncommitments:\n  - {{ team: t{:02}, deliverable: Deliverable {a}, date: 2026-12-{:02}, confidence: {} }}\n---\n\n## Ownership Map\n\nx\n\n## Interface Definitions\n\nx\n\n## Timeline Commitments\n\nx\n\n## Slip Protocol\n\nx\n\n## Escalation Path\n\nx\n", a * 2 % 80, (a * 2 + 1) % 80, a * 2 % 80, 1 + a % 28, 30 + a % 70),
        )
        .unwrap();
    }
    for r in 0..10 {
        std::fs::write(
            content.join(format!("rotations/r{r}.md")),
            format!("---\nname: Rotation {r}\nkind: on-call\nteam: t{r:02}\nstart: 2026-01-05\nevery: 1w\nmembers: [Ann Long-Name, Bob Longer-Name, Cy]\n---\n\n## Responsibilities\n\nAnswer pages.\n"),
        )
        .unwrap();
    }
}

#[test]
fn a_large_organisation_works_on_phones_and_passes_axe_too() {
    let Some(chromium) = chromium() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("repo");
    large_site(&root);
    let out = tmp.path().join("site");
    let o = seam()
        .arg("--root")
        .arg(&root)
        .args(["build", "--quiet", "--allow-errors", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        out.join("adrs/page/2/index.html").is_file(),
        "the ADR index splits into pages"
    );
    let (server, port) = serve_static(&out);
    let url = format!("http://127.0.0.1:{port}/");
    let text = drive(
        &chromium,
        "site.mjs",
        &[url.as_ref(), "--pages".as_ref(), "120".as_ref()],
    );
    drop(server);
    assert!(text.contains("crawled 120 pages"), "{text}");
}

/// Script payloads in every place an author can write them, built with and
/// without `unsafe_html`: nothing runs in Chromium on load, click or hover,
/// and no handler or script address reaches the DOM
/// (`tests/browser/hostile.mjs`, on `tests/fixtures/hostile/script`).
#[test]
fn hostile_pages_run_no_script_when_opened_clicked_or_hovered() {
    let Some(chromium) = chromium() else {
        return;
    };
    let root = super::copy_fixture(&super::fixture("hostile/script"));
    for unsafe_html in [true, false] {
        if !unsafe_html {
            let toml = std::fs::read_to_string(root.path().join("seam.toml")).unwrap();
            std::fs::write(
                root.path().join("seam.toml"),
                toml.replace("unsafe_html = true", ""),
            )
            .unwrap();
        }
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        let o = seam()
            .arg("--root")
            .arg(root.path())
            .args(["build", "--quiet", "--allow-errors", "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let (_server, port) = serve_static(&out);
        let url = format!("http://127.0.0.1:{port}/");
        let text = drive(&chromium, "hostile.mjs", &[url.as_ref()]);
        assert!(text.contains("ok  no dialog opened"), "{text}");
    }
}
