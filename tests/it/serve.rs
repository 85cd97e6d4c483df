//! `seam serve` as an author and a browser meet it: a running server on a
//! free port, its reload channel, edits of every kind, the overlay's
//! problems, the last good page, and requests that must not reach outside the site.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{copy_fixture, fixture, seam};

/// A running `seam serve`, stopped when dropped.
struct Server {
    child: Child,
    port: u16,
    log: Arc<Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(root: &Path) -> Server {
    let port = free_port();
    let mut child = seam()
        .arg("--root")
        .arg(root)
        .args(["serve", "--port", &port.to_string()])
        .env_remove("SOURCE_DATE_EPOCH")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("seam serve starts");
    let log = Arc::new(Mutex::new(String::new()));
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let sink = log.clone();
    std::thread::spawn(move || {
        let mut line = String::new();
        while stderr.read_line(&mut line).unwrap_or(0) > 0 {
            sink.lock().unwrap().push_str(&line);
            line.clear();
        }
    });
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(60) {
        if log.lock().unwrap().contains("watching for edits") {
            return Server { child, port, log };
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("seam serve did not start: {}", log.lock().unwrap());
}

impl Server {
    /// Sends raw request bytes and returns (status, head, body).
    fn raw(&self, request: &[u8]) -> (u16, String, Vec<u8>) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s.write_all(request).unwrap();
        let mut bytes = Vec::new();
        let _ = s.read_to_end(&mut bytes);
        let split = bytes
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no response head in {:?}", String::from_utf8_lossy(&bytes)));
        let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
        let status = head[9..12].parse().unwrap();
        (status, head, bytes[split + 4..].to_vec())
    }

    fn get(&self, path: &str) -> (u16, String) {
        let (status, _, body) = self.raw(
            format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        );
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    fn events(&self) -> Events {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        s.write_all(b"GET /__seam/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .unwrap();
        let mut reader = BufReader::new(s);
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap() > 0 && !line.starts_with("retry:") {
            line.clear();
        }
        Events(reader)
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// The terminal's output once it says `text`: the test reads stderr on
    /// its own thread, so a line printed before a reload may arrive after it.
    fn log_saying(&self, text: &str) -> String {
        let started = Instant::now();
        loop {
            let log = self.log();
            if log.contains(text) || started.elapsed() > Duration::from_secs(20) {
                return log;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// The reload channel, read as a page's EventSource reads it.
struct Events(BufReader<TcpStream>);

impl Events {
    /// The next event named `name`, as (name, data).
    fn next(&mut self, name: &str) -> String {
        let mut current = String::new();
        let mut line = String::new();
        let started = Instant::now();
        loop {
            line.clear();
            let n = self.0.read_line(&mut line).expect("an event within 20 s");
            assert!(n > 0, "the event stream closed");
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "no `{name}` event within 20 s"
            );
            if let Some(e) = line.strip_prefix("event: ") {
                current = e.trim().to_string();
            } else if let Some(data) = line.strip_prefix("data: ")
                && current == name
            {
                return data.trim().to_string();
            }
        }
    }
}

/// The first overlay sent on the reload channel for which `wanted` holds.
fn problems_until(
    events: &mut Events,
    wanted: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let started = Instant::now();
    loop {
        let overlay: serde_json::Value = serde_json::from_str(&events.next("problems")).unwrap();
        if wanted(&overlay) {
            return overlay;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no such overlay; last {overlay}"
        );
    }
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
}

/// Waits for the next reload that names `page`, and returns the reload's paths.
fn reload_naming(events: &mut Events, page: &str) -> String {
    let started = Instant::now();
    loop {
        let data = events.next("reload");
        if data.contains(&format!("\"{page}\"")) || data.contains("null") {
            return data;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no reload naming {page}"
        );
    }
}

#[test]
fn serve_rebuilds_each_edit_reloads_pages_and_shows_problems_until_fixed() {
    let tmp = copy_fixture(&fixture("small"));
    let root = tmp.path();
    let server = start(root);
    let adr = root.join("content/adrs/0002-use-graphql.md");
    let original = std::fs::read_to_string(&adr).unwrap();

    let (status, page) = server.get("/adrs/adr-0002/");
    assert_eq!(status, 200);
    assert!(page.contains("<script src=\"/__seam/live.js\"></script>"));
    let (status, script) = server.get("/__seam/live.js");
    assert_eq!(status, 200);
    assert!(script.contains("EventSource(\"/__seam/events\")"));

    let mut events = server.events();

    // A title edit reloads the page with the new title.
    write(&adr, &original.replacen("title: ", "title: Edited ", 1));
    reload_naming(&mut events, "/adrs/adr-0002/");
    assert!(server.get("/adrs/adr-0002/").1.contains("Edited "));

    // A new file is served at once.
    write(
        &root.join("content/adrs/0003-use-grpc.md"),
        "---\ntitle: Use gRPC\nstatus: proposed\ndate: 2026-11-19\nteam: api\n---\n\n## Context\n\nx\n\n## Decision\n\nx\n\n## Consequences\n\nx\n\n## Alternatives Considered\n\nx\n",
    );
    reload_naming(&mut events, "/adrs/adr-0003/");
    let (status, page) = server.get("/adrs/adr-0003/");
    assert_eq!(status, 200);
    assert!(page.contains("Use gRPC"));

    // A rename breaks the relative link on the web team's page: the page
    // shows the broken link, and the overlay names file, line and column.
    let old = root.join("content/adrs/0001-use-rest.md");
    let renamed = root.join("content/adrs/0001-rest-it-is.md");
    std::fs::rename(&old, &renamed).unwrap();
    reload_naming(&mut events, "/teams/web/");
    assert!(
        server
            .get("/teams/web/")
            .1
            .contains("class=\"broken-link\"")
    );
    let problems = server.get("/__seam/problems").1;
    let overlay: serde_json::Value = serde_json::from_str(&problems).unwrap();
    let broken = overlay["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "broken-reference")
        .unwrap_or_else(|| panic!("no broken reference in the overlay: {problems}"));
    assert_eq!(broken["file"], "content/teams/web.md");
    assert!(broken["line"].as_u64().unwrap() > 1);
    assert!(broken["column"].as_u64().unwrap() >= 1);
    assert!(broken["hint"].is_string());

    // Renaming it back fixes it: the overlay empties by itself, and the terminal says so once.
    std::fs::rename(&renamed, &old).unwrap();
    reload_naming(&mut events, "/teams/web/");
    assert!(
        !server
            .get("/teams/web/")
            .1
            .contains("class=\"broken-link\"")
    );
    let overlay: serde_json::Value =
        serde_json::from_str(&server.get("/__seam/problems").1).unwrap();
    assert!(
        overlay["problems"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["code"] != "broken-reference"),
        "{overlay}"
    );
    let log = server.log_saying("fixed: error[broken-reference]");
    assert_eq!(
        log.matches("fixed: error[broken-reference]").count(),
        1,
        "{log}"
    );

    // A file that stops parsing: its last good page is still served, the overlay says so.
    let edited = std::fs::read_to_string(&adr).unwrap();
    write(&adr, &edited.replacen("title: ", "title: [unclosed ", 1));
    let overlay = problems_until(&mut events, |o| o["last_good"] != serde_json::json!({}));
    assert_eq!(
        overlay["last_good"]["/adrs/adr-0002/"], "content/adrs/0002-use-graphql.md",
        "{overlay}"
    );
    let yaml = overlay["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["file"] == "content/adrs/0002-use-graphql.md")
        .unwrap_or_else(|| panic!("no problem for the broken file: {overlay}"));
    assert_eq!(yaml["severity"], "error");
    assert!(yaml["line"].as_u64().unwrap() >= 1);
    let (status, page) = server.get("/adrs/adr-0002/");
    assert_eq!(status, 200);
    assert!(page.contains("Edited "), "the last good page is served");

    // Mending it serves the new page and clears the overlay.
    write(
        &adr,
        &edited.replacen("title: Edited ", "title: Mended ", 1),
    );
    reload_naming(&mut events, "/adrs/adr-0002/");
    assert!(server.get("/adrs/adr-0002/").1.contains("Mended "));
    let overlay: serde_json::Value =
        serde_json::from_str(&server.get("/__seam/problems").1).unwrap();
    assert_eq!(overlay["last_good"], serde_json::json!({}));
    assert!(
        overlay["problems"].as_array().unwrap().is_empty(),
        "{overlay}"
    );

    // A template edit reloads the pages it feeds.
    std::fs::create_dir_all(root.join("templates")).unwrap();
    let base = seam_template("adr.html").replacen(
        "{% block eyebrow %}",
        "{% block eyebrow %}<span id=\"local-template\">local</span>",
        1,
    );
    assert!(base.contains("local-template"));
    write(&root.join("templates/adr.html"), &base);
    reload_naming(&mut events, "/adrs/adr-0001/");
    assert!(server.get("/adrs/adr-0001/").1.contains("local-template"));
    assert!(!server.get("/teams/web/").1.contains("local-template"));
}

/// A built-in template's text, as shipped in this repo.
fn seam_template(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("templates")
            .join(name),
    )
    .unwrap()
}

#[test]
fn built_pages_never_carry_the_live_script() {
    let tmp = copy_fixture(&fixture("small"));
    let out = tmp.path().join("public");
    let o = seam()
        .arg("--root")
        .arg(tmp.path())
        .args(["build", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success());
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let bytes = std::fs::read(entry.path()).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains("__seam"),
                "{} has the live script",
                entry.path().display()
            );
        }
    }
}

#[test]
fn the_server_answers_only_files_of_the_site_and_holds_against_bad_requests() {
    let tmp = copy_fixture(&fixture("small"));
    let root = tmp.path();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "secret").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        root.join("content/secret.txt"),
    )
    .unwrap();
    std::fs::write(root.join("content/notes.txt"), "a real asset").unwrap();
    let server = start(root);
    let (_, not_found) = server.get("/no-such-page/");

    assert_eq!(server.get("/notes.txt"), (200, "a real asset".into()));
    for path in [
        "/../seam.toml",
        "/../../etc/passwd",
        "/%2e%2e/seam.toml",
        "/%2E%2E%2Fseam.toml",
        "/teams/..%2f..%2fseam.toml",
        "/..%5cseam.toml",
        "/teams\\..\\..\\seam.toml",
        "/index.html%00.txt",
        "//etc/passwd",
        "/secret.txt",
        "/content/teams/web.md",
    ] {
        let (status, body) = server.get(path);
        assert_eq!(status, 404, "{path}");
        assert_eq!(body, not_found, "{path} gets the site's 404 page");
        assert!(!body.contains("secret"), "{path}");
    }
    assert!(not_found.contains("<html"), "the 404 page is the site's");

    // Absolute paths and malformed requests get 400 and the server goes on.
    for request in [
        &b"GET http://localhost/../seam.toml HTTP/1.1\r\nHost: localhost\r\n\r\n"[..],
        b"NOT A REQUEST\r\n\r\n",
        b"GET / HTTP/1.1\r\nBad Header Without Colon\r\n\r\n",
        b"GET / HTTP/1.1\r\nContent-Length: many\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
    ] {
        let (status, _, _) = server.raw(request);
        assert_eq!(status, 400, "{:?}", String::from_utf8_lossy(request));
    }
    let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    s.write_all(&[0xff; 64 * 1024]).unwrap_or(());
    drop(s);
    assert_eq!(server.get("/").0, 200);

    // Only GET and HEAD.
    let (status, head, _) = server.raw(
        b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi",
    );
    assert_eq!(status, 405);
    assert!(head.contains("Allow: GET, HEAD"));
    let (status, head, body) =
        server.raw(b"HEAD / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    assert_eq!(status, 200);
    assert!(head.contains("Content-Length: "));
    assert!(body.is_empty());

    // Only for local names: a page on another name that resolves here
    // (DNS rebinding) gets nothing; a 1.1 request without a Host neither.
    for (request, want) in [
        (&b"GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n"[..], 403),
        (b"GET / HTTP/1.1\r\nHost: evil.example:80\r\n\r\n", 403),
        (b"GET / HTTP/1.1\r\n\r\n", 400),
        (b"GET / HTTP/1.0\r\n\r\n", 200),
        (
            b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
            200,
        ),
    ] {
        let (status, _, body) = server.raw(request);
        assert_eq!(status, want, "{:?}", String::from_utf8_lossy(request));
        if want == 403 {
            assert!(!String::from_utf8_lossy(&body).contains("<html"));
        }
    }

    // 200 idle connections do not keep a new request waiting.
    let idle: Vec<TcpStream> = (0..200)
        .map(|_| TcpStream::connect(("127.0.0.1", server.port)).unwrap())
        .collect();
    let asked = Instant::now();
    assert_eq!(server.get("/adrs/adr-0001/").0, 200);
    assert!(
        asked.elapsed() < Duration::from_secs(2),
        "a request behind 200 idle connections took {:?}",
        asked.elapsed()
    );
    drop(idle);
}

/// HTML and SVG files from the content folder are served in a sandbox with
/// no script; Seam's pages under the pages' policy, which they also carry.
#[test]
fn served_files_carry_a_content_security_policy_and_assets_a_sandbox() {
    let tmp = copy_fixture(&fixture("small"));
    let root = tmp.path();
    let toml = std::fs::read_to_string(root.join("seam.toml")).unwrap();
    std::fs::write(
        root.join("seam.toml"),
        format!("html_assets = true\n{toml}"),
    )
    .unwrap();
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";
    std::fs::write(root.join("content/diagram.svg"), svg).unwrap();
    std::fs::write(
        root.join("content/old.html"),
        "<html><body><script>alert(1)</script></body></html>",
    )
    .unwrap();
    let server = start(root);
    let header = |head: &str, name: &str| -> Option<String> {
        head.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}: ")).map(str::to_string))
    };
    let request = |path: &str| {
        server.raw(
            format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
    };
    for path in ["/diagram.svg", "/old.html"] {
        let (status, head, body) = request(path);
        assert_eq!(status, 200, "{path}");
        let policy = header(&head, "Content-Security-Policy").unwrap_or_default();
        assert!(
            policy.starts_with("sandbox;") && policy.contains("default-src 'none'"),
            "{path}: {head}"
        );
        assert_eq!(
            header(&head, "X-Content-Type-Options").as_deref(),
            Some("nosniff")
        );
        assert!(
            !String::from_utf8_lossy(&body).contains("__seam"),
            "{path} has no live script"
        );
    }
    let (status, head, body) = request("/");
    assert_eq!(status, 200);
    let policy = header(&head, "Content-Security-Policy").unwrap();
    assert!(
        policy.contains("script-src 'self'") && !policy.contains("sandbox"),
        "{head}"
    );
    let page = String::from_utf8_lossy(&body).replace("&#39;", "'");
    assert!(
        page.contains(&format!(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">"
        )),
        "the page carries the policy it is served with"
    );
    assert_eq!(
        header(&head, "X-Content-Type-Options").as_deref(),
        Some("nosniff")
    );
    // `_headers`, for hosts that read it: one rule for every path, with the
    // same policy, plus what only a header can say.
    let (status, _, body) = request("/_headers");
    assert_eq!(status, 200);
    let text = String::from_utf8(body).unwrap();
    let mut rules = text.lines().filter(|l| !l.starts_with('#'));
    assert_eq!(rules.next(), Some("/*"), "{text}");
    let headers: Vec<(&str, &str)> = rules
        .map(|l| {
            let l = l.strip_prefix("  ").expect("a header line is indented");
            l.split_once(": ").expect("a header line is `Name: value`")
        })
        .collect();
    assert_eq!(
        headers,
        [
            (
                "Content-Security-Policy",
                format!("{policy}; frame-ancestors 'self'").as_str()
            ),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ]
    );
}

#[test]
fn a_taken_port_is_said_before_building_with_a_free_one_to_try() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let o = seam()
        .arg("--root")
        .arg(fixture("small"))
        .args(["serve", "--port", &port.to_string()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!("port {port} on 127.0.0.1 is already in use")),
        "{err}"
    );
    assert!(err.contains("try `--port "), "{err}");
    assert!(!err.contains("warning["), "nothing is built first: {err}");
}

#[test]
fn serve_follows_seam_toml_to_a_new_content_folder() {
    let tmp = copy_fixture(&fixture("small"));
    let root = tmp.path();
    let server = start(root);
    let mut events = server.events();

    // The docs move to `docs/`, and seam.toml says so.
    let moved = root.join("docs");
    copy_dir(&root.join("content"), &moved);
    let toml = root.join("seam.toml");
    let settings = std::fs::read_to_string(&toml).unwrap();
    write(&toml, &format!("content_dir = \"docs\"\n{settings}"));
    reload_naming(&mut events, "/adrs/adr-0002/");

    // An edit in the new folder is seen; one in the old folder no longer matters.
    let adr = moved.join("adrs/0002-use-graphql.md");
    let text = std::fs::read_to_string(&adr).unwrap();
    write(&adr, &text.replacen("title: ", "title: Moved ", 1));
    reload_naming(&mut events, "/adrs/adr-0002/");
    assert!(server.get("/adrs/adr-0002/").1.contains("Moved "));
}

/// Copies a folder and everything in it.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
