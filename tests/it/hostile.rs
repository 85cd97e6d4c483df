//! Hostile and careless docs repos: what Seam reads, follows and refuses.

use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::{copy_fixture, fixture, seam, stdout};

/// Runs `seam` with `args`, failing the test (not hanging it) after 60 s.
fn run_bounded(args: &[&str]) -> Output {
    let mut child = seam()
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("seam runs");
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("seam {args:?} still running after 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// Every problem `seam check --format json` prints, as (code, file, line), sorted.
fn problems(root: &Path) -> Vec<(String, String, u64)> {
    let o = run_bounded(&[
        "check",
        "--root",
        root.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let mut found: Vec<(String, String, u64)> = stdout(&o)
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["code"].as_str().unwrap().to_string(),
                v["file"].as_str().unwrap().to_string(),
                v["line"].as_u64().unwrap(),
            )
        })
        .collect();
    found.sort();
    found
}

#[test]
fn links_out_of_the_repo_are_reported_and_never_followed() {
    let tmp = copy_fixture(&fixture("hostile/links"));
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    for name in ["content", "shared", "seam.toml"] {
        std::fs::rename(tmp.path().join(name), repo.join(name)).unwrap();
    }
    // Outside the repo: a secret, as a page, an asset and a template.
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(outside.join("theme")).unwrap();
    let secret = "TOPSECRET-4711";
    std::fs::write(
        outside.join("secret.md"),
        format!("---\ntitle: {secret}\n---\n\n{secret}\n"),
    )
    .unwrap();
    std::fs::write(outside.join("secret.txt"), secret).unwrap();
    std::fs::write(outside.join("theme/seam.css"), format!("/* {secret} */")).unwrap();
    std::fs::write(outside.join("base.html"), secret).unwrap();

    let content = repo.join("content");
    symlink(outside.join("secret.md"), content.join("leak.md")).unwrap();
    symlink(outside.join("secret.txt"), content.join("leak.txt")).unwrap();
    symlink(&outside, content.join("elsewhere")).unwrap();
    symlink(outside.join("theme"), repo.join("theme")).unwrap();
    std::fs::create_dir_all(repo.join("templates")).unwrap();
    symlink(outside.join("base.html"), repo.join("templates/base.html")).unwrap();
    symlink(repo.join("missing.md"), content.join("nowhere.md")).unwrap();
    symlink(".", content.join("loop")).unwrap();
    assert!(
        Command::new("mkfifo")
            .arg(content.join("pipe.md"))
            .status()
            .unwrap()
            .success()
    );
    // Inside the repo, a link is followed.
    symlink("../shared", content.join("shared")).unwrap();

    let out = tmp.path().join("site");
    let o = run_bounded(&[
        "build",
        "--root",
        repo.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));

    // Nothing from outside reached the site, and the site is whole.
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let bytes = std::fs::read(entry.path()).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains(secret),
                "{} holds what a link out of the repo points to",
                entry.path().display()
            );
        }
    }
    assert!(out.join("teams/web/index.html").is_file());
    assert!(
        out.join("theme/seam.css").is_file(),
        "the built-in theme stands in"
    );
    assert!(!out.join("leak.txt").exists() && !out.join("elsewhere").exists());
    let shared = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(
        shared.contains("handbook"),
        "the link inside the repo is followed: {shared}"
    );

    let found: Vec<(String, String)> = problems(&repo)
        .into_iter()
        .map(|(code, file, _)| (code, file))
        .collect();
    let expected: Vec<(String, String)> = [
        ("dangling-link", "content/loop"),
        ("dangling-link", "content/nowhere.md"),
        ("not-a-file", "content/pipe.md"),
        ("outside-root", "content/elsewhere"),
        ("outside-root", "content/leak.md"),
        ("outside-root", "content/leak.txt"),
        ("outside-root", "templates/base.html"),
        ("outside-root", "theme"),
    ]
    .into_iter()
    .map(|(c, f)| (c.to_string(), f.to_string()))
    .collect();
    assert_eq!(found, expected);
}

#[test]
fn settings_that_reach_outside_the_repo_are_refused() {
    let tmp = copy_fixture(&fixture("hostile/links"));
    let root = tmp.path();
    let build = |out: &Path| {
        run_bounded(&[
            "build",
            "--root",
            root.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
    };
    let out = tempfile::tempdir().unwrap();
    for (setting, key) in [
        ("content_dir = \"../elsewhere\"", "content_dir"),
        ("content_dir = \"/etc\"", "content_dir"),
        ("output_dir = \"docs/../../site\"", "output_dir"),
    ] {
        std::fs::write(
            root.join("seam.toml"),
            format!("title = \"x\"\n{setting}\n"),
        )
        .unwrap();
        let o = build(&out.path().join("site"));
        let err = crate::stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{setting}: {err}");
        assert!(
            err.contains("seam.toml:2:1")
                && err.contains(&format!("`{key}`"))
                && err.contains("outside the docs repo"),
            "{setting}: {err}"
        );
    }
    // The command line may put the site anywhere; a folder inside the repo is fine in seam.toml.
    std::fs::write(
        root.join("seam.toml"),
        "title = \"x\"\noutput_dir = \"build/../site\"\n",
    )
    .unwrap();
    assert_eq!(build(&out.path().join("site")).status.code(), Some(0));

    // seam.toml itself: not a FIFO, not a device, not too large, not a link out.
    std::fs::remove_file(root.join("seam.toml")).unwrap();
    symlink("/dev/zero", root.join("seam.toml")).unwrap();
    let o = build(&out.path().join("site"));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        crate::stderr(&o).contains("not a regular file"),
        "{}",
        crate::stderr(&o)
    );
    std::fs::remove_file(root.join("seam.toml")).unwrap();
    assert!(
        Command::new("mkfifo")
            .arg(root.join("seam.toml"))
            .status()
            .unwrap()
            .success()
    );
    let o = build(&out.path().join("site"));
    assert!(
        crate::stderr(&o).contains("not a regular file"),
        "{}",
        crate::stderr(&o)
    );
    std::fs::remove_file(root.join("seam.toml")).unwrap();
    std::fs::write(
        root.join("seam.toml"),
        format!("title = \"x\"\n#{}\n", "x".repeat(2 << 20)),
    )
    .unwrap();
    let o = build(&out.path().join("site"));
    assert!(
        crate::stderr(&o).contains("bytes; Seam reads a seam.toml of up to"),
        "{}",
        crate::stderr(&o)
    );
    std::fs::remove_file(root.join("seam.toml")).unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("seam.toml"), "title = \"x\"\n").unwrap();
    symlink(elsewhere.path().join("seam.toml"), root.join("seam.toml")).unwrap();
    let o = build(&out.path().join("site"));
    assert!(
        crate::stderr(&o).contains("outside the docs repo"),
        "{}",
        crate::stderr(&o)
    );
}

#[test]
fn every_address_has_one_owner_and_ids_that_cannot_be_folders_are_refused() {
    let root = fixture("hostile/addresses");
    let found = problems(&root);
    let expected: Vec<(String, String, u64)> = [
        ("address-taken", "content/_headers", 1),
        ("address-taken", "content/dependencies.md", 1),
        ("address-taken", "content/index.md", 1),
        ("address-taken", "content/search/index.json.gz", 1),
        ("address-taken", "content/teams/a-space.md", 1),
        ("address-taken", "content/teams/payments.md", 1),
        ("address-taken", "content/theme/seam.css", 1),
        ("unportable-id", "content/teams/dotdot.md", 3),
        ("unportable-id", "content/teams/long.md", 3),
    ]
    .into_iter()
    .map(|(c, f, l)| (c.to_string(), f.to_string(), l))
    .collect();
    assert_eq!(found, expected);

    // The build publishes one page at each address, the same one every time,
    // and Seam's own pages keep theirs.
    let title = |out: &Path, page: &str| {
        let html = std::fs::read_to_string(out.join(page)).unwrap();
        let at = html.find("<title>").unwrap() + 7;
        html[at..at + html[at..].find('<').unwrap()].to_string()
    };
    let mut built = Vec::new();
    for _ in 0..2 {
        let out = tempfile::tempdir().unwrap();
        let site = out.path().join("site");
        let o = run_bounded(&[
            "build",
            "--root",
            root.to_str().unwrap(),
            "--out",
            site.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(1));
        assert_eq!(
            title(&site, "dependencies/index.html"),
            "Dependencies · Addresses Co"
        );
        assert_eq!(
            title(&site, "teams/a-b/index.html"),
            "A hyphen · Addresses Co"
        );
        // Files of the content folder at Seam's own files' paths give way;
        // others in the same folders are published.
        let read = |p: &str| std::fs::read_to_string(site.join(p)).unwrap();
        assert!(read("_headers").contains("Content-Security-Policy"));
        assert!(read("theme/seam.css").len() > 1000);
        assert!(read("theme/logo.png").starts_with("not a picture"));
        assert!(
            site.join("teams/dotdot/index.html").is_file(),
            "an id that cannot be a folder gives way to the file name"
        );
        let home = std::fs::read_to_string(site.join("index.html")).unwrap();
        assert!(
            home.contains("A second root page."),
            "README.md, first by path, introduces the home page"
        );
        built.push(
            walkdir::WalkDir::new(&site)
                .sort_by_file_name()
                .into_iter()
                .map(|e| e.unwrap())
                .filter(|e| e.file_type().is_file())
                .map(|e| {
                    (
                        e.path().strip_prefix(&site).unwrap().to_path_buf(),
                        std::fs::read(e.path()).unwrap(),
                    )
                })
                .collect::<Vec<_>>(),
        );
    }
    assert!(built[0] == built[1], "two builds give the same site");
}

/// Every file under `dir` with its bytes, by path.
fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            (rel.display().to_string(), std::fs::read(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn a_build_killed_at_any_point_leaves_the_previous_site_whole_and_the_next_build_tidies_up() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    std::fs::copy(crate::example().join("seam.toml"), repo.join("seam.toml")).unwrap();
    let content = copy_fixture(&crate::example().join("content"));
    std::fs::rename(content.path(), repo.join("content")).unwrap();
    let adr = repo.join("content/adrs/0002-use-rabbitmq-for-domain-events.md");
    let original = std::fs::read_to_string(&adr).unwrap();
    let edited = format!("{original}\nA line that makes the second site differ.\n");
    let out = repo.join("public");
    let build = |into: &Path| {
        let o = run_bounded(&[
            "build",
            "--root",
            repo.to_str().unwrap(),
            "--out",
            into.to_str().unwrap(),
            "--quiet",
        ]);
        assert!(o.status.success(), "{}", crate::stderr(&o));
    };
    // The two sites a build can leave: the one from the original text and the edited one.
    let sites = [original.as_str(), edited.as_str()].map(|text| {
        std::fs::write(&adr, text).unwrap();
        let into = tempfile::tempdir().unwrap();
        build(&into.path().join("site"));
        tree(&into.path().join("site"))
    });
    assert_ne!(sites[0], sites[1]);
    std::fs::write(&adr, original.as_str()).unwrap();
    build(&out);
    let mut current = 0;
    let mut on_disk = 0;
    // Kill points spread over a build's whole run, from a fixed seed.
    let mut seed: u64 = 0x5eed_cafe;
    let (mut killed, mut finished) = (0, 0);
    for trial in 0..40 {
        let target = 1 - current;
        std::fs::write(&adr, [original.as_str(), edited.as_str()][target]).unwrap();
        on_disk = target;
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let delay = Duration::from_micros((seed >> 33) % 500_000);
        let mut child = seam()
            .args(["build", "--root", repo.to_str().unwrap(), "--quiet"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        if child.try_wait().unwrap().is_none() {
            killed += 1;
        } else {
            finished += 1;
        }
        let _ = child.kill(); // SIGKILL
        child.wait().unwrap();
        let now = tree(&out);
        if now == sites[target] {
            current = target;
        } else {
            assert!(
                now == sites[current],
                "trial {trial}: killed after {delay:?}, public/ is neither the previous site nor the new one ({} files)",
                now.len()
            );
        }
    }
    eprintln!("{killed} builds killed mid-run, {finished} finished before the kill");
    assert!(
        killed >= 10,
        "too few kills landed during a build ({killed} of 40)"
    );
    // The next build takes up what a killed build left as its staging
    // folder: what it publishes is exactly the site of the text on disk.
    build(&out);
    assert!(
        tree(&out) == sites[on_disk],
        "the build after the kills publishes the site of the text on disk"
    );
    // Beside the output, only the previous site, kept for the next build to
    // write only what changed, and ignored by git: no staging folder, no lock.
    let mut left: Vec<String> = std::fs::read_dir(repo)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .map(|name| {
            if name.starts_with(".seam-build-") {
                let ignore = std::fs::read_to_string(repo.join(&name).join(".gitignore"));
                assert!(ignore.unwrap().lines().any(|l| l == "*"), "{name}");
                "(previous site)".to_string()
            } else {
                name
            }
        })
        .collect();
    left.sort();
    assert_eq!(
        left,
        ["(previous site)", "content", "public", "seam.toml"],
        "the next build leaves nothing else behind"
    );
}

#[test]
fn an_output_folder_inside_the_content_is_never_read_back_as_content() {
    let tmp = copy_fixture(&fixture("hostile/addresses"));
    let out = tmp.path().join("content/site");
    let mut trees = Vec::new();
    for _ in 0..3 {
        let o = run_bounded(&[
            "build",
            "--root",
            tmp.path().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
            "--allow-errors",
        ]);
        assert!(o.status.success(), "{}", crate::stderr(&o));
        trees.push(tree(&out));
    }
    assert!(
        trees[0].keys().all(|p| !p.starts_with("site/")),
        "the old site is not published inside the new one"
    );
    assert_eq!(trees[0], trees[2], "building again changes nothing");
    // Relative to the folder seam runs in, as a shell user means it.
    let o = seam()
        .current_dir(tmp.path())
        .args([
            "build",
            "--out",
            "content/site",
            "--quiet",
            "--allow-errors",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", crate::stderr(&o));
    assert_eq!(tree(&out), trees[0]);
}

#[test]
fn control_characters_from_a_repo_never_reach_the_terminal_raw() {
    let tmp = tempfile::tempdir().unwrap();
    let teams = tmp.path().join("content/teams");
    std::fs::create_dir_all(&teams).unwrap();
    std::fs::write(tmp.path().join("seam.toml"), "today = \"2026-11-20\"\n").unwrap();
    // YAML's double-quoted escapes give ESC, BEL, CR and a right-to-left override.
    std::fs::write(
        teams.join("evil.md"),
        "---\nname: \"Evil\\e]0;pwned\\a\\e[2J\\rteam\\u202e\"\ndepends_on:\n  - on: \"nobody\\e[31m\"\n    what: \"x\\ry\"\n---\n# Evil\n",
    )
    .unwrap();
    let root = tmp.path().to_str().unwrap();
    for args in [
        vec!["check", "--root", root],
        vec!["check", "--root", root, "--format", "github"],
        vec!["list", "--root", root],
        vec!["deps", "--root", root],
        vec!["build", "--root", root, "--allow-errors"],
    ] {
        let o = run_bounded(&args);
        let all = [o.stdout.as_slice(), o.stderr.as_slice()].concat();
        let text = String::from_utf8_lossy(&all);
        assert!(
            !text.contains(['\u{1b}', '\u{7}', '\r', '\u{202e}']),
            "{args:?} printed a raw control character:\n{text:?}"
        );
        if args[0] != "build" {
            assert!(
                text.contains("\\u{1b}"),
                "{args:?} shows the escape as text:\n{text}"
            );
        }
    }
    // JSON escapes them itself, and keeps them as data.
    let o = run_bounded(&["check", "--root", root, "--format", "json"]);
    assert!(!o.stdout.contains(&0x1b));
    assert!(stdout(&o).contains("\\u001b"));
}

#[test]
fn careless_documents_are_problems_and_everything_else_is_still_built() {
    let root = fixture("hostile/careless");
    let found: Vec<(String, String, u64)> = problems(&root)
        .into_iter()
        .filter(|(code, ..)| code != "missing-section")
        .collect();
    let want = |code: &str, file: &str, line: u64| (code.to_string(), file.to_string(), line);
    assert_eq!(
        found,
        [
            want("address-taken", "content/teams/csharp.md", 1),
            want("address-taken", "content/teams/csharp.md", 1),
            want("invalid-date", "content/updates/bad-week.md", 4),
            want("missing-field", "content/updates/no-week.md", 1),
            want("unportable-id", "content/teams/cpp.md", 6),
            want("unportable-id", "content/teams/cpp.md", 7),
            want("unportable-id", "content/teams/cpp.md", 8),
        ]
    );
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let o = run_bounded(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--allow-errors",
    ]);
    assert!(o.status.success(), "{}", crate::stderr(&o));
    // The updates without a week are pages, not failed templates.
    for page in ["updates/no-week/index.html", "updates/bad-week/index.html"] {
        let html = std::fs::read_to_string(out.join(page)).unwrap_or_else(|_| panic!("{page}"));
        assert!(html.contains("<main"), "{page}");
    }
    // One page per tag address; both spellings of one tag on it, and the
    // documents of the tags that only share the address too.
    let tags: Vec<String> = std::fs::read_dir(out.join("tags"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "index.html")
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(tags, ["c", "payments"]);
    for (tag, shows) in [("c", "C++"), ("payments", "Payments")] {
        let html = std::fs::read_to_string(out.join(format!("tags/{tag}/index.html"))).unwrap();
        assert!(html.contains(&format!("Tagged “{shows}”")), "{tag}");
        assert!(
            html.contains("teams/cpp/") && html.contains("teams/csharp/"),
            "{tag}"
        );
    }
    // The same output every build.
    let again = tmp.path().join("again");
    run_bounded(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        again.to_str().unwrap(),
        "--allow-errors",
    ]);
    assert_eq!(tree(&out), tree(&again));
}
