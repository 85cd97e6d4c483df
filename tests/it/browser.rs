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
    let dir = tempfile::tempdir().unwrap();
    let o = seam()
        .arg("--root")
        .arg(example())
        .args(["build", "--quiet", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (server, port) = serve_static(dir.path());
    // Screenshots for review, where the build's other products are.
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    let o = Command::new("node")
        .arg(browser_tests().join("site.mjs"))
        .arg(format!("http://127.0.0.1:{port}/"))
        .arg(&shots)
        .env("CHROMIUM", &chromium)
        .output()
        .unwrap();
    drop(server);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        text.contains("crawled ") && !text.contains("FAIL"),
        "{text}"
    );
    assert!(shots.join("team-375-dark.png").is_file());
}
