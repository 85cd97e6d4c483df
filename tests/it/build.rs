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
    let files = |root: &std::path::Path| -> Vec<(String, Vec<u8>)> {
        walkdir::WalkDir::new(root)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                (
                    e.path().strip_prefix(root).unwrap().display().to_string(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect()
    };
    let (fa, fb) = (files(&a.path().join("site")), files(&b.path().join("site")));
    assert!(fa.len() > 100);
    assert!(fa == fb, "two builds differ");
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
