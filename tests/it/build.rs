//! `seam build`: pages, determinism, sub-path hosting and atomic output.

use crate::*;

fn build(root: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["build", "--root", root.to_str().unwrap()];
    args.extend_from_slice(extra);
    run(&args)
}

fn read(path: std::path::PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn builds_every_page_of_the_small_site() {
    let tmp = copy_fixture(&fixture("small"));
    let o = build(tmp.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = tmp.path().join("public");
    for page in [
        "index.html",
        "404.html",
        "sitemap.xml",
        "teams/index.html",
        "teams/web/index.html",
        "adrs/index.html",
        "adrs/adr-0001/index.html",
        "adrs/adr-0002/index.html",
        "tags/index.html",
        "tags/api-design/index.html",
        "health/index.html",
        "theme/seam.css",
        "theme/syntax.css",
        ".seam-output",
    ] {
        assert!(out.join(page).is_file(), "{page}");
    }
    let summary = stderr(&o);
    assert!(summary.contains("Built 4 documents"), "{summary}");
    insta::assert_snapshot!(
        "adr_0002_page",
        main_of(&read(out.join("adrs/adr-0002/index.html")))
    );
    insta::assert_snapshot!(
        "web_team_page",
        main_of(&read(out.join("teams/web/index.html")))
    );
    // Doc health groups problems under the team whose file has them.
    let health = read(out.join("health/index.html"));
    assert!(
        health.contains("<a href=\"/teams/web/\">Web</a>"),
        "{health}"
    );
    assert!(!health.contains("Other documents"), "{health}");
}

#[test]
fn pages_link_under_a_sub_path() {
    let tmp = copy_fixture(&fixture("small"));
    let o = build(tmp.path(), &["--base-url", "https://example.com/wiki/"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = tmp.path().join("public");
    let page = read(out.join("teams/web/index.html"));
    assert!(
        page.contains("href=\"/wiki/adrs/adr-0002/\""),
        "wiki links carry the sub-path"
    );
    assert!(
        page.contains("href=\"/wiki/adrs/adr-0001/\""),
        "relative .md links are rewritten"
    );
    assert!(page.contains("href=\"/wiki/theme/seam.css\""));
    assert!(
        !page.contains("href=\"/adrs/"),
        "no link escapes the sub-path"
    );
    for load in ["src=\"http", "href=\"http", "url(http", "@import"] {
        assert!(
            !page.contains(load),
            "nothing is loaded from another host: {load}"
        );
    }
    assert!(
        read(out.join("sitemap.xml")).contains("<loc>https://example.com/wiki/teams/web/</loc>")
    );
    assert!(read(out.join("404.html")).contains("href=\"/wiki/\""));
}

#[test]
fn same_inputs_and_date_give_byte_identical_output() {
    let a = copy_fixture(&example());
    let b = copy_fixture(&example());
    for dir in [&a, &b] {
        let o = build(
            dir.path(),
            &[
                "--today",
                "2026-11-20",
                "--out",
                dir.path().join("site").to_str().unwrap(),
            ],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let (fa, fb) = (
        files_under(&a.path().join("site")),
        files_under(&b.path().join("site")),
    );
    assert!(fa.len() > 100);
    assert!(fa == fb, "two builds differ");
}

/// Every file under `root`, by path, with its bytes.
fn files_under(root: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(root).unwrap().display().to_string();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Replaces the first `from` in the file at `path` with `to` (as long), in
/// place, as a tool that post-processes a published site might.
fn edit_in_place(path: &std::path::Path, from: &str, to: &str) {
    assert_eq!(from.len(), to.len());
    let text = read(path.to_path_buf());
    assert!(text.contains(from), "{} holds {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn rebuilds_over_kept_sites_and_their_records_equal_a_fresh_build() {
    let tmp = copy_fixture(&example());
    let root = tmp.path();
    let out = root.join("site");
    let args = ["--today", "2026-11-20", "--allow-errors", "--out"];
    let build_into = |to: &std::path::Path| {
        let mut all = args.to_vec();
        all.push(to.to_str().unwrap());
        let o = build(root, &all);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    };
    let fresh = |n: usize| {
        let to = root.join(format!("fresh-{n}"));
        build_into(&to);
        let files = files_under(&to);
        std::fs::remove_dir_all(&to).unwrap();
        files
    };
    for _ in 0..3 {
        build_into(&out);
    }
    // Beside the output: the site before it, with the records of both.
    let kept = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.is_dir()
                && p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with(".seam-build-site-")
        })
        .expect("a kept site");
    for name in [".seam-record", ".seam-record-output"] {
        let path = kept.join(name);
        let text = read(path.clone());
        // As if the builds had been a minute apart, so the records vouch
        // for the pages they wrote (not for pages changed just before).
        let taken = text.lines().nth(2).unwrap().to_string();
        let secs: u64 = taken.split(' ').nth(1).unwrap().parse().unwrap();
        let later = taken.replacen(&secs.to_string(), &(secs + 60).to_string(), 1);
        std::fs::write(&path, text.replacen(&taken, &later, 1)).unwrap();
    }
    // Pages changed behind the records' back: one published, one kept.
    edit_in_place(&out.join("404.html"), "<html", "<HTML");
    edit_in_place(&kept.join("404.html"), "<html", "<HTML");
    // And a real edit.
    let team = root.join("content/teams/payments.md");
    let text = read(team.clone());
    std::fs::write(&team, text.replacen("Payments", "Payment Rails", 1)).unwrap();
    for n in 4..=6 {
        build_into(&out);
        let built = files_under(&out);
        assert!(built.len() > 100);
        assert!(
            built == fresh(n),
            "build {n} over kept sites differs from a fresh one"
        );
        for (rel, _) in &built {
            assert!(!rel.contains(".seam-record"), "{rel} published");
        }
    }
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_create() {
    let tmp = copy_fixture(&fixture("small"));
    let out = tmp.path().join("public");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let o = build(tmp.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("was not created by Seam"),
        "{}",
        stderr(&o)
    );
    assert_eq!(read(out.join("notes.txt")), "mine");
}

#[test]
fn a_failed_build_leaves_the_previous_output() {
    let tmp = copy_fixture(&fixture("small"));
    assert_eq!(build(tmp.path(), &[]).status.code(), Some(0));
    let before = read(tmp.path().join("public/teams/web/index.html"));
    std::fs::create_dir(tmp.path().join("templates")).unwrap();
    std::fs::write(tmp.path().join("templates/team.html"), "{% if %}").unwrap();
    std::fs::write(
        tmp.path().join("content/teams/web.md"),
        "---\nname: Changed\n---\n",
    )
    .unwrap();
    let o = build(tmp.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("team.html"), "{}", stderr(&o));
    assert_eq!(read(tmp.path().join("public/teams/web/index.html")), before);
    let stray: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".seam-"))
        .collect();
    assert!(stray.is_empty(), "no staging folder is left behind");
}

#[test]
fn templates_and_theme_in_the_docs_repo_override_the_built_in_ones() {
    let tmp = copy_fixture(&fixture("small"));
    std::fs::create_dir_all(tmp.path().join("templates")).unwrap();
    std::fs::write(
        tmp.path().join("templates/404.html"),
        "{% extends \"base.html\" %}{% block content %}Lost at sea{% endblock %}",
    )
    .unwrap();
    std::fs::create_dir_all(tmp.path().join("theme")).unwrap();
    std::fs::write(tmp.path().join("theme/seam.css"), "body{}").unwrap();
    assert_eq!(build(tmp.path(), &[]).status.code(), Some(0));
    assert!(read(tmp.path().join("public/404.html")).contains("Lost at sea"));
    assert_eq!(read(tmp.path().join("public/theme/seam.css")), "body{}");
}

#[test]
fn errors_fail_the_build_unless_allowed() {
    let tmp = copy_fixture(&fixture("broken"));
    assert_eq!(build(tmp.path(), &[]).status.code(), Some(1));
    assert!(
        tmp.path().join("public/teams/alpha/index.html").is_file(),
        "the build still writes what it can"
    );
    let health = read(tmp.path().join("public/health/index.html"));
    assert!(health.contains("broken-reference") && health.contains("content/teams/dangling.md:9"));
}

#[test]
fn an_adr_folder_readme_introduces_the_adr_index() {
    let tmp = copy_fixture(&fixture("small"));
    std::fs::write(
        tmp.path().join("content/adrs/README.md"),
        "# Decisions\n\nWe record every *significant* decision here.\n",
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("content/adrs/template.md"),
        "# NNNN. Title\n\n## Context\n",
    )
    .unwrap();
    let o = build(tmp.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let index = read(tmp.path().join("public/adrs/index.html"));
    assert!(
        index.contains("We record every <em>significant</em> decision here."),
        "{index}"
    );
    assert!(index.contains("ADR-0002"), "the index still lists the ADRs");
    assert!(!tmp.path().join("public/adrs/template/index.html").exists());
}

/// A docs repo that outgrows one page: 1,001 ADRs, 1,005 tagged pages and 61
/// teams with 1,003 dependencies between them.
fn large_repo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    for dir in ["teams", "adrs", "handbook"] {
        std::fs::create_dir_all(content.join(dir)).unwrap();
    }
    std::fs::write(
        tmp.path().join("seam.toml"),
        "title = \"Large Co\"\ntoday = 2026-11-20\n",
    )
    .unwrap();
    let sections =
        "## Current Priorities\n\nx\n\n## Looking for Input On\n\nx\n\n## Recent Wins\n\nx\n";
    for t in 0..61 {
        let mut deps = String::new();
        // 1,003 dependencies in all: 16 or 17 per team, on its neighbours.
        for k in 0..(if t < 27 { 17 } else { 16 }) {
            deps.push_str(&format!(
                "  - {{ on: t{:02}, what: Thing {k}, need_by: 2027-03-01, committed: 2027-01-01, updated: 2026-11-10 }}\n",
                (t + 1 + k % 5) % 61
            ));
        }
        std::fs::write(
            content.join(format!("teams/t{t:02}.md")),
            format!("---\nname: Team {t:02}\ndepends_on:\n{deps}---\n\n{sections}"),
        )
        .unwrap();
    }
    for n in 1..=1001 {
        std::fs::write(
            content.join(format!("adrs/{n:04}-d.md")),
            format!("---\ntitle: Decision {n}\nstatus: accepted\ndate: 2026-01-01\n---\n\n## Context\n\nx\n\n## Decision\n\nx\n\n## Consequences\n\nx\n\n## Alternatives Considered\n\nx\n"),
        )
        .unwrap();
    }
    for n in 0..1005 {
        std::fs::write(
            content.join(format!("handbook/p{n:04}.md")),
            format!("---\ntitle: Page {n:04}\ntags: [common]\n---\n\nText.\n"),
        )
        .unwrap();
    }
    tmp
}

#[test]
fn long_listings_continue_on_numbered_pages_and_the_home_page_caps_its_lists() {
    let tmp = large_repo();
    let o = build(tmp.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = tmp.path().join("public");
    let rows = |page: &str| read(out.join(page)).matches("<tr data-status").count();
    // 1,001 ADRs: 1,000 on the index, the last on page 2, with the totals and links between them.
    assert_eq!(rows("adrs/index.html"), 1000);
    assert_eq!(rows("adrs/page/2/index.html"), 1);
    assert!(!out.join("adrs/page/3").exists());
    let first = read(out.join("adrs/index.html"));
    assert!(first.contains("1–1000 of 1001 · page 1 of 2"), "{first}");
    assert!(first.contains(r#"<a rel="next" href="/adrs/page/2/">"#));
    let second = read(out.join("adrs/page/2/index.html"));
    assert!(second.contains("1001–1001 of 1001 · page 2 of 2"));
    assert!(second.contains(r#"<a rel="prev" href="/adrs/">"#));
    assert!(second.contains("ADR-0001"), "the oldest ADR is last");
    // Pages of a tag, and the tag index counts all of them.
    assert!(out.join("tags/common/page/2/index.html").is_file());
    assert!(
        read(out.join("tags/index.html")).contains(r#"common <span class="muted">1005</span>"#)
    );
    // The tracker: 1,003 rows over two pages; the first counts every team's
    // dependencies both ways, over all of them, and the rows are not repeated.
    let tracker = read(out.join("dependencies/index.html"));
    assert!(tracker.contains("1–1000 of 1003"), "{tracker}");
    assert!(tracker.contains(r#"id="by-team""#));
    assert_eq!(tracker.matches(r#"<table class="deps""#).count(), 1);
    // Team 60's 16 dependencies are all counted, though its last rows are on page 2.
    assert!(
        tracker.contains(r##"<a href="/teams/t60/#depends-on">16</a>"##),
        "{tracker}"
    );
    let page2 = read(out.join("dependencies/page/2/index.html"));
    assert!(page2.contains("Team 60"));
    assert!(!page2.contains(r#"id="by-team""#));
    // The home page shows 60 of the 61 teams and links to the rest.
    let home = read(out.join("index.html"));
    assert_eq!(home.matches(r#"<li class="card">"#).count(), 60);
    assert!(home.contains("All 61 teams →"));
    // Every page is in the sitemap once, later pages included.
    let sitemap = read(out.join("sitemap.xml"));
    assert_eq!(sitemap.matches("/adrs/page/2/</loc>").count(), 1);
    assert_eq!(sitemap.matches("<url>").count(), {
        walkdir::WalkDir::new(&out)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_name() == "index.html")
            .count()
    });
}
