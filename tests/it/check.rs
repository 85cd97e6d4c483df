//! `seam check` on the broken fixture, the small fixture and the example organisation.

use std::collections::BTreeSet;

use crate::*;

fn problems(root: &std::path::Path) -> (Option<i32>, BTreeSet<Problem>) {
    let (code, found) = check_problems(root);
    (code, found.into_iter().collect())
}

fn expected(root: &std::path::Path) -> BTreeSet<Problem> {
    std::fs::read_to_string(root.join("EXPECTED.tsv"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[0].into(), f[1].into(), f[2].into(), f[3].parse().unwrap())
        })
        .collect()
}

#[test]
fn broken_fixture_reports_every_planted_problem_and_nothing_else() {
    let root = fixture("broken");
    let (code, got) = problems(&root);
    let want = expected(&root);
    assert!(want.len() >= 30, "the fixture plants at least 30 problems");
    let missing: Vec<_> = want.difference(&got).collect();
    let extra: Vec<_> = got.difference(&want).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing: {missing:#?}\nextra: {extra:#?}"
    );
    assert_eq!(code, Some(1));
}

#[test]
fn a_50_mb_file_is_refused_and_the_rest_still_builds() {
    let tmp = copy_fixture(&fixture("broken"));
    let big = tmp.path().join("content/handbook/huge.md");
    let line = "All work and no play makes a very large document. ".repeat(20) + "\n";
    let mut text = String::from("# Huge\n");
    while text.len() < 50 * 1024 * 1024 {
        text.push_str(&line);
    }
    std::fs::write(&big, text).unwrap();
    let (_, got) = problems(tmp.path());
    assert!(got.contains(&(
        "error".into(),
        "file-too-large".into(),
        "content/handbook/huge.md".into(),
        1
    )));
    let out = tmp.path().join("public");
    let o = run(&[
        "build",
        "--root",
        tmp.path().to_str().unwrap(),
        "--allow-errors",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        out.join("teams/alpha/index.html").is_file(),
        "valid documents still render"
    );
    assert!(out.join("handbook/onboarding/index.html").is_file());
    assert!(!out.join("handbook/huge/index.html").exists());
}

#[test]
fn example_organisation_has_no_errors_and_shows_every_dependency_flag() {
    let (code, got) = problems(&example());
    assert_eq!(code, Some(0), "{got:#?}");
    assert!(got.iter().all(|(s, ..)| s == "warning"), "{got:#?}");
    let codes: BTreeSet<&str> = got.iter().map(|(_, c, ..)| c.as_str()).collect();
    for flag in [
        "late",
        "no-buffer",
        "unconfirmed",
        "overdue",
        "stale",
        "optimistic-risk",
        "dependency-cycle",
    ] {
        assert!(
            codes.contains(flag),
            "the example shows `{flag}`: {codes:?}"
        );
    }
}

#[test]
fn human_diagnostics_read_like_a_compiler() {
    let o = run(&["check", "--root", fixture("small").to_str().unwrap()]);
    insta::assert_snapshot!("small_human", stdout(&o));
    assert_eq!(o.status.code(), Some(0), "warnings alone do not fail");
    let o = run(&[
        "check",
        "--root",
        fixture("small").to_str().unwrap(),
        "--deny-warnings",
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "--deny-warnings fails on warnings"
    );
}

#[test]
fn github_format_prints_workflow_annotations() {
    let o = run(&[
        "check",
        "--root",
        fixture("broken").to_str().unwrap(),
        "--format",
        "github",
    ]);
    let out = stdout(&o);
    assert!(
        out.lines()
            .all(|l| l.starts_with("::error file=") || l.starts_with("::warning file=")),
        "{out}"
    );
    assert!(out.contains("::error file=content/teams/dangling.md,line=9,"));
}

#[test]
fn today_changes_the_computed_flags() {
    let root = fixture("small");
    let o = run(&[
        "check",
        "--root",
        root.to_str().unwrap(),
        "--format",
        "json",
        "--today",
        "2027-01-01",
    ]);
    let out = stdout(&o);
    assert!(out.contains("\"code\":\"overdue\""), "{out}");
    assert!(out.contains("\"code\":\"stale\""), "{out}");
    let o = run(&[
        "check",
        "--root",
        root.to_str().unwrap(),
        "--today",
        "2026-02-30",
    ]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "an impossible --today is a usage error"
    );
}

#[test]
fn a_committed_date_must_be_a_date_or_tbd() {
    let tmp = copy_fixture(&fixture("small"));
    let web = tmp.path().join("content/teams/web.md");
    let text = std::fs::read_to_string(&web).unwrap();
    std::fs::write(
        &web,
        text.replace("committed: 2026-12-03", "committed: soon"),
    )
    .unwrap();
    let o = run(&["check", "--root", tmp.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("error[invalid-date]: `committed: soon`"),
        "{out}"
    );
    assert!(out.contains("content/teams/web.md:11:5"), "{out}");
    assert!(out.contains("or `TBD` while there is none"), "{out}");
    // TBD in any case is not a problem.
    std::fs::write(
        &web,
        text.replace("committed: 2026-12-03", "committed: tbd"),
    )
    .unwrap();
    let o = run(&["check", "--root", tmp.path().to_str().unwrap()]);
    assert!(!stdout(&o).contains("invalid-date"), "{}", stdout(&o));
}

/// `seam check` does not render the whole site, but it still renders every
/// template once (the digest email's too), so a template that fails at run
/// time fails the check, and nothing is written.
#[test]
fn check_reports_a_failing_template_of_every_kind_without_building() {
    let templates: Vec<String> = std::fs::read_dir(example().join("templates"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(templates.len() >= 25, "{templates:?}");
    for template in &templates {
        let tmp = tempfile::tempdir().unwrap();
        for entry in walkdir::WalkDir::new(example().join("content")) {
            let entry = entry.unwrap();
            let rel = entry.path().strip_prefix(example()).unwrap();
            let to = tmp.path().join(rel);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else {
                std::fs::copy(entry.path(), &to).unwrap();
            }
        }
        std::fs::copy(example().join("seam.toml"), tmp.path().join("seam.toml")).unwrap();
        std::fs::create_dir(tmp.path().join("templates")).unwrap();
        std::fs::write(
            tmp.path().join("templates").join(template),
            "{{ no_such_value.field }}",
        )
        .unwrap();
        let o = run(&["check", "--quiet", "--root", tmp.path().to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{template}: {}", stderr(&o));
        // At run time the message names the value; a parent template that
        // lost its blocks fails when the templates are compiled.
        let err = stderr(&o);
        assert!(
            err.contains("no_such_value") || err.contains("is not defined in any parent"),
            "{template}: {err}"
        );
        assert!(!tmp.path().join("public").exists(), "{template}");
    }
}
