//! `seam new` for every kind, ADR numbering (gaps, `number:` fields, two
//! processes at once, numbers on other git branches), `--supersedes`,
//! `--edit`, refusing to overwrite, and `seam check --against`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::*;

/// `seam --root ROOT new ARGS...`.
fn new_in(root: &Path, args: &[&str]) -> Output {
    let mut all = vec!["--root", root.to_str().unwrap(), "new"];
    all.extend(args);
    run(&all)
}

/// The path `seam new` printed.
fn printed(o: &Output) -> PathBuf {
    assert_eq!(o.status.code(), Some(0), "{}", stderr(o));
    PathBuf::from(stdout(o).trim())
}

fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path.as_ref())
        .unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

/// The problems `seam check --format json` reports, with its exit code.
fn check_json(root: &Path, extra: &[&str]) -> (Option<i32>, Vec<Value>) {
    let mut args = vec![
        "check",
        "--root",
        root.to_str().unwrap(),
        "--format",
        "json",
    ];
    args.extend(extra);
    let o = run(&args);
    let problems = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    (o.status.code(), problems)
}

/// Asserts that a command failed (status 1) saying `message`.
fn fails_with(o: &Output, message: &str) {
    assert_eq!(o.status.code(), Some(1), "{}", stderr(o));
    assert!(stderr(o).contains(message), "{}", stderr(o));
}

/// `seam check --root ROOT --against REFERENCE`, printed for people.
fn check_against(root: &Path, reference: &str) -> Output {
    run(&[
        "check",
        "--root",
        root.to_str().unwrap(),
        "--against",
        reference,
    ])
}

/// The ADR files of a docs repo's `content/adrs`, by name.
fn adr_files(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join("content/adrs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Whether git can be run. In CI (`CI` set) a missing git is a failure, not a skip.
fn git_available() -> bool {
    let ok = Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok && std::env::var_os("CI").is_some() {
        panic!("git is not installed, and the tests of ADR numbers across branches need it");
    }
    if !ok {
        eprintln!("skipping: git is not installed");
    }
    ok
}

/// Runs git in `dir` with a fixed identity and no user or system configuration.
fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "commit.gpgsign=false"])
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .output()
        .expect("git runs");
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The small fixture as a git repository with one commit on `main`.
fn git_repo() -> tempfile::TempDir {
    let tmp = copy_fixture(&fixture("small"));
    git(tmp.path(), &["init", "-q", "-b", "main"]);
    git(tmp.path(), &["add", "."]);
    git(tmp.path(), &["commit", "-q", "-m", "The small fixture"]);
    tmp
}

/// Writes a file and commits it on the current branch.
fn commit_file(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    git(root, &["add", rel]);
    git(root, &["commit", "-q", "-m", rel]);
}

/// A complete ADR, so the fixture stays free of problems.
fn adr(title: &str) -> String {
    format!(
        "---\ntitle: {title}\nstatus: accepted\ndate: 2026-11-01\nteam: api\n---\n\n## Context\n\nWhy.\n\n## Decision\n\nWhat.\n\n## Consequences\n\nSo.\n\n## Alternatives Considered\n\nOthers.\n"
    )
}

#[test]
fn every_kind_is_created_with_its_fields_and_checks_clean() {
    let tmp = copy_fixture(&fixture("small"));
    let root = tmp.path();
    let cases: [(&[&str], &str); 6] = [
        (
            &["team", "Data", "Platform"],
            "content/teams/data-platform.md",
        ),
        (
            &["adr", "Use Kafka: for events", "--team", "api"],
            "content/adrs/0003-use-kafka-for-events.md",
        ),
        (
            &["alignment", "Cart API", "--teams", "api,web"],
            "content/alignments/cart-api.md",
        ),
        (
            &["rotation", "Web on-call", "--team", "web"],
            "content/rotations/web-on-call.md",
        ),
        (
            &["update", "--team", "api", "--week", "2026-W46"],
            "content/updates/2026-W46/api.md",
        ),
        // The week of today (seam.toml pins it to 2026-11-20).
        (
            &["update", "--team", "web"],
            "content/updates/2026-W47/web.md",
        ),
    ];
    for (args, want) in cases {
        let o = new_in(root, args);
        assert_eq!(printed(&o), root.join(want), "{args:?}");
        assert!(root.join(want).is_file(), "{want}");
    }
    let team = read(root.join(cases[0].1));
    assert!(team.starts_with("---\nname: Data Platform\n"), "{team}");
    assert!(team.contains("\nupdated: 2026-11-20\n"), "{team}");
    let adr = read(root.join(cases[1].1));
    assert!(
        adr.starts_with(
            "---\ntitle: \"Use Kafka: for events\"\nstatus: proposed\ndate: 2026-11-20\ncomment_by: 2026-12-04\nteam: api\n"
        ),
        "{adr}"
    );
    for section in [
        "Context",
        "Decision",
        "Consequences",
        "Alternatives Considered",
    ] {
        assert!(
            adr.contains(&format!("\n## {section}\n\n")),
            "{section}: {adr}"
        );
    }
    let alignment = read(root.join(cases[2].1));
    assert!(alignment.contains("\nteams: [api, web]\n"), "{alignment}");
    assert!(
        alignment.contains("\nreview_by: 2027-02-18\n"),
        "{alignment}"
    );
    let rotation = read(root.join(cases[3].1));
    assert!(
        rotation.contains("\nteam: web\nstart: 2026-11-20\n"),
        "{rotation}"
    );
    // The members are the team page's, in order.
    assert!(rotation.contains("\nmembers: [Ana, Ben]\n"), "{rotation}");
    let update = read(root.join(cases[4].1));
    assert!(
        update.starts_with("---\nteam: api\nweek: 2026-W46\n---\n"),
        "{update}"
    );
    let (code, problems) = check_json(root, &[]);
    let about_new: Vec<&Value> = problems
        .iter()
        .filter(|p| cases.iter().any(|(_, f)| p["file"] == *f))
        .collect();
    assert!(about_new.is_empty(), "{about_new:#?}");
    assert_eq!(code, Some(0), "{problems:#?}");

    // `--today` dates a document; without a title the file gets a default name.
    let o = new_in(root, &["team", "--today", "2026-02-02"]);
    let team = read(printed(&o));
    assert!(team.contains("\nname: New team\n"), "{team}");
    assert!(team.contains("\nupdated: 2026-02-02\n"), "{team}");
    assert!(root.join("content/teams/new-team.md").is_file());
    let o = new_in(root, &["alignment", "数据"]);
    assert_eq!(
        printed(&o),
        root.join("content/alignments/new-alignment.md")
    );
    assert!(
        stderr(&o).contains("fill in `teams`"),
        "an alignment needs two parties: {}",
        stderr(&o)
    );
}

#[test]
fn a_dry_run_prints_the_path_and_writes_nothing() {
    let tmp = copy_fixture(&fixture("small"));
    let root = tmp.path();
    let o = new_in(root, &["adr", "Later", "--dry-run"]);
    assert_eq!(printed(&o), root.join("content/adrs/0003-later.md"));
    assert!(stderr(&o).contains("nothing was written"), "{}", stderr(&o));
    assert_eq!(adr_files(root), ["0001-use-rest.md", "0002-use-graphql.md"]);
    let o = new_in(root, &["adr", "Later", "--dry-run", "--supersedes", "2"]);
    assert!(
        stderr(&o).contains("would mark content/adrs/0002-use-graphql.md superseded by ADR-0003")
    );
    assert_eq!(
        read(root.join("content/adrs/0002-use-graphql.md")),
        read(fixture("small").join("content/adrs/0002-use-graphql.md"))
    );
}

#[test]
fn the_next_number_is_one_above_the_highest_whatever_the_gaps() {
    let tmp = copy_fixture(&fixture("small"));
    let root = tmp.path();
    std::fs::write(root.join("content/adrs/0005-later.md"), adr("Later")).unwrap();
    std::fs::write(root.join("content/adrs/README.md"), "# Decisions\n").unwrap();
    let o = new_in(root, &["adr", "After", "the", "gap"]);
    assert_eq!(printed(&o), root.join("content/adrs/0006-after-the-gap.md"));
    // A `number:` field counts, and so does the name of a file that does not parse.
    std::fs::write(
        root.join("content/adrs/legacy-choice.md"),
        "---\nnumber: 9\ntitle: Legacy\n---\n",
    )
    .unwrap();
    let o = new_in(root, &["adr", "Next"]);
    assert_eq!(printed(&o), root.join("content/adrs/0010-next.md"));
    std::fs::write(
        root.join("content/adrs/0012-broken.md"),
        "---\ntitle: [unclosed\n---\n",
    )
    .unwrap();
    let o = new_in(root, &["adr", "Next"]);
    assert_eq!(printed(&o), root.join("content/adrs/0013-next.md"));
}

#[test]
fn two_new_adrs_at_once_take_two_numbers() {
    let tmp = copy_fixture(&fixture("small"));
    let root = tmp.path();
    let rounds = 8;
    let mut numbers = Vec::new();
    for round in 0..rounds {
        // The same title makes both want one file name; different titles only one number.
        let titles = if round % 2 == 0 {
            ["Same title", "Same title"]
        } else {
            ["First title", "Second title"]
        };
        let children: Vec<_> = titles
            .iter()
            .map(|title| {
                seam()
                    .args(["--root", root.to_str().unwrap(), "new", "adr", title])
                    .env_remove("SOURCE_DATE_EPOCH")
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let o = child.wait_with_output().unwrap();
            let path = printed(&o);
            assert!(path.is_file(), "{}", path.display());
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            numbers.push(name[..4].parse::<u32>().unwrap());
        }
    }
    numbers.sort_unstable();
    let want: Vec<u32> = (3..3 + 2 * rounds).collect();
    assert_eq!(numbers, want, "every ADR got its own number, with no gap");
    let files = adr_files(root);
    assert_eq!(files.len(), 2 + 2 * rounds as usize, "{files:?}");
    for n in want {
        let prefix = format!("{n:04}-");
        assert_eq!(
            files.iter().filter(|f| f.starts_with(&prefix)).count(),
            1,
            "{prefix}: {files:?}"
        );
    }
    assert!(
        files.iter().all(|f| f.ends_with(".md")),
        "no claim is left behind: {files:?}"
    );
}

#[test]
fn numbers_used_on_other_branches_are_skipped() {
    if !git_available() {
        return;
    }
    let tmp = git_repo();
    let root = tmp.path();
    git(root, &["checkout", "-q", "-b", "feature"]);
    commit_file(root, "content/adrs/0003-on-feature.md", &adr("On feature"));
    git(root, &["checkout", "-q", "main"]);
    assert!(!root.join("content/adrs/0003-on-feature.md").exists());
    let o = new_in(root, &["adr", "Mine"]);
    assert_eq!(printed(&o), root.join("content/adrs/0004-mine.md"));

    // A remote-tracking branch counts too, with no local branch of the same commit.
    git(root, &["checkout", "-q", "-b", "scratch"]);
    commit_file(root, "content/adrs/0005-remote.md", &adr("Remote"));
    git(root, &["update-ref", "refs/remotes/origin/topic", "HEAD"]);
    git(root, &["checkout", "-q", "main"]);
    git(root, &["branch", "-q", "-D", "scratch"]);
    let o = new_in(root, &["adr", "Theirs", "first"]);
    assert_eq!(printed(&o), root.join("content/adrs/0006-theirs-first.md"));
}

#[test]
fn check_against_reports_a_number_both_branches_added() {
    if !git_available() {
        return;
    }
    let tmp = git_repo();
    let root = tmp.path();
    git(root, &["checkout", "-q", "-b", "feature"]);
    commit_file(
        root,
        "content/adrs/0003-feature-choice.md",
        &adr("Feature choice"),
    );
    git(root, &["checkout", "-q", "main"]);
    commit_file(
        root,
        "content/adrs/0003-main-choice.md",
        &adr("Main choice"),
    );
    commit_file(root, "content/adrs/0004-main-next.md", &adr("Main next"));
    git(root, &["checkout", "-q", "feature"]);
    // Not committed yet: the working tree counts as this branch.
    std::fs::write(
        root.join("content/adrs/0004-wip.md"),
        adr("Work in progress"),
    )
    .unwrap();

    let collisions = |problems: &[Value]| -> Vec<(String, u64, String)> {
        problems
            .iter()
            .filter(|p| p["code"] == "adr-number-collision")
            .map(|p| {
                assert_eq!(p["severity"], "error");
                (
                    p["file"].as_str().unwrap().to_string(),
                    p["line"].as_u64().unwrap(),
                    p["message"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let (code, problems) = check_json(root, &["--against", "main"]);
    let found = collisions(&problems);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_eq!(found[0].0, "content/adrs/0003-feature-choice.md");
    assert_eq!(found[0].1, 1);
    assert!(
        found[0]
            .2
            .contains("content/adrs/0003-main-choice.md on `main`"),
        "{}",
        found[0].2
    );
    assert_eq!(found[1].0, "content/adrs/0004-wip.md");
    assert_eq!(code, Some(1));
    let o = check_against(root, "main");
    assert!(
        stdout(&o).contains("error[adr-number-collision]: ADR-0003 is also the number of")
            && stdout(&o).contains("`seam new adr --dry-run`"),
        "{}",
        stdout(&o)
    );

    // Without --against, or against a branch that added nothing, there is no collision.
    let (code, problems) = check_json(root, &[]);
    assert!(collisions(&problems).is_empty());
    assert_eq!(code, Some(0), "{problems:#?}");
    let (_, problems) = check_json(root, &["--against", "feature"]);
    assert!(collisions(&problems).is_empty(), "{problems:#?}");

    // Renumbered past both branches' numbers, the collisions are gone.
    let o = new_in(root, &["adr", "Spare", "--dry-run"]);
    assert_eq!(printed(&o), root.join("content/adrs/0005-spare.md"));
    git(
        root,
        &[
            "mv",
            "content/adrs/0003-feature-choice.md",
            "content/adrs/0005-feature-choice.md",
        ],
    );
    std::fs::rename(
        root.join("content/adrs/0004-wip.md"),
        root.join("content/adrs/0006-wip.md"),
    )
    .unwrap();
    let (code, problems) = check_json(root, &["--against", "main"]);
    assert!(collisions(&problems).is_empty(), "{problems:#?}");
    assert_eq!(code, Some(0));

    let o = check_against(root, "no-such-branch");
    fails_with(&o, "`no-such-branch` is not a branch, tag or commit");
    let plain = copy_fixture(&fixture("small"));
    let o = check_against(plain.path(), "main");
    fails_with(&o, "is not inside a git checkout");
}

#[test]
fn new_never_overwrites_a_file() {
    let tmp = copy_fixture(&fixture("small"));
    let root = tmp.path();
    let api = root.join("content/teams/api.md");
    let before = std::fs::read(&api).unwrap();
    let o = new_in(root, &["team", "API"]);
    fails_with(
        &o,
        "content/teams/api.md already exists; `seam new` never replaces a file",
    );
    assert!(stdout(&o).is_empty());
    assert_eq!(std::fs::read(&api).unwrap(), before);

    let o = new_in(root, &["update", "--team", "api"]);
    let update = printed(&o);
    std::fs::write(&update, "## Shipped\n\n- Mine.\n").unwrap();
    let o = new_in(root, &["update", "--team", "api"]);
    fails_with(&o, "already exists");
    assert_eq!(read(&update), "## Shipped\n\n- Mine.\n");
}

#[test]
fn supersedes_changes_only_the_lines_it_must() {
    let tmp = copy_fixture(&fixture("small"));
    let root = tmp.path();
    // CRLF line endings, a comment, quoted values and an unusual key order.
    let old = "---\r\n# Reviewed by the API guild.\r\nteam: api\r\ntitle: 'Cache: everything'\r\nstatus: \"accepted\"  # since May\r\ndate: 2026-05-01\r\n---\r\n\r\n## Context\r\n\r\nSlow.\r\n\r\n## Decision\r\n\r\nCache.\r\n\r\n## Consequences\r\n\r\nStale reads.\r\n\r\n## Alternatives Considered\r\n\r\nNone.\r\n";
    let old_path = root.join("content/adrs/0003-cache-everything.md");
    std::fs::write(&old_path, old).unwrap();
    let o = new_in(
        root,
        &["adr", "Cache less", "--supersedes", "3", "--team", "api"],
    );
    let new_path = printed(&o);
    assert_eq!(new_path, root.join("content/adrs/0004-cache-less.md"));
    assert!(
        stderr(&o).contains("marked content/adrs/0003-cache-everything.md superseded by ADR-0004"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        read(&old_path),
        old.replace(
            "status: \"accepted\"  # since May\r\n",
            "status: \"superseded\"  # since May\r\nsuperseded_by: ADR-0004\r\n"
        )
    );
    assert!(read(&new_path).contains("\nsupersedes: [ADR-0003]\n"));

    // An adr-tools file without front matter: its `## Status` section.
    let nygard = "# 5. Keep Nygard files\n\nDate: 2016-02-12\n\n## Status\n\nAccepted\n\n## Context\n\nOld.\n\n## Decision\n\nKeep.\n\n## Consequences\n\nNone.\n";
    let nygard_path = root.join("content/adrs/0005-keep-nygard-files.md");
    std::fs::write(&nygard_path, nygard).unwrap();
    let o = new_in(root, &["adr", "Drop Nygard files", "--supersedes", "ADR-5"]);
    assert_eq!(
        printed(&o),
        root.join("content/adrs/0006-drop-nygard-files.md")
    );
    assert_eq!(
        read(&nygard_path),
        nygard.replace(
            "\nAccepted\n",
            "\nSuperseded\n\nSuperseded by [6. Drop Nygard files](0006-drop-nygard-files.md)\n"
        )
    );

    let (_, problems) = check_json(root, &[]);
    let about: Vec<&Value> = problems
        .iter()
        .filter(|p| {
            ["0003-cache", "0004-cache"]
                .iter()
                .any(|f| p["file"].as_str().unwrap().contains(f))
        })
        .collect();
    assert!(about.is_empty(), "{about:#?}");

    // Nothing is written when the ADR to supersede is missing or cannot be marked.
    let before = adr_files(root);
    let o = new_in(root, &["adr", "Nope", "--supersedes", "99"]);
    fails_with(&o, "no ADR has the number 99");
    // ADR 1 says it is superseded by 2, and ADR 3 is named by 4's `supersedes`.
    for (n, by) in [("1", "ADR-2"), ("3", "ADR-0004")] {
        let o = new_in(root, &["adr", "Nope", "--supersedes", n]);
        fails_with(
            &o,
            &format!("is already superseded by {by}: supersede that one instead"),
        );
    }
    std::fs::write(
        root.join("content/adrs/0007-bare.md"),
        "# 7. Bare\n\n## Context\n\nX.\n",
    )
    .unwrap();
    let o = new_in(root, &["adr", "Nope", "--supersedes", "7"]);
    fails_with(&o, "has no front matter and no `## Status` section");
    let mut after = adr_files(root);
    after.retain(|f| f != "0007-bare.md");
    assert_eq!(after, before);
}

#[cfg(unix)]
#[test]
fn edit_opens_the_new_file_in_the_editor() {
    let tmp = copy_fixture(&fixture("small"));
    let root = tmp.path();
    let script = root.join("editor.sh");
    // Called as `sh editor.sh WORD FILE`: the variable is split on whitespace.
    std::fs::write(&script, "echo \"$1\" >> \"$2\"\n").unwrap();
    let editor = |word: &str| format!("sh {} {word}", script.display());
    // `seam new team NAME --edit` with these VISUAL and EDITOR.
    let edit = |name: &str, visual: Option<String>, editor: Option<String>| {
        let mut cmd = seam();
        cmd.args([
            "--root",
            root.to_str().unwrap(),
            "new",
            "team",
            name,
            "--edit",
        ]);
        for (key, value) in [("VISUAL", visual), ("EDITOR", editor)] {
            match value {
                Some(v) => cmd.env(key, v),
                None => cmd.env_remove(key),
            };
        }
        cmd.output().unwrap()
    };
    let o = edit("Edited", None, Some(editor("from-editor")));
    let path = printed(&o);
    assert!(read(&path).ends_with("\nfrom-editor\n"), "{}", read(&path));
    let o = edit(
        "Visual",
        Some(editor("from-visual")),
        Some(editor("from-editor")),
    );
    assert!(read(printed(&o)).ends_with("\nfrom-visual\n"));
    let o = edit("Unedited", None, None);
    fails_with(&o, "neither VISUAL nor EDITOR is set");
    assert!(root.join("content/teams/unedited.md").is_file());
}

#[test]
fn wrong_use_of_new_exits_2() {
    let tmp = copy_fixture(&fixture("small"));
    let root = tmp.path();
    for args in [
        &["update"][..],
        &["team", "X", "--week", "2026-W01"],
        &["team", "X", "--team", "api"],
        &["adr", "X", "--supersedes", "latest"],
        &["adr", "X", "--team", "a b"],
        &["update", "--team", "api", "--week", "2026-W99"],
        &["page", "X"],
    ] {
        let o = new_in(root, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    }
    let o = new_in(root, &["update"]);
    assert!(stderr(&o).contains("--team <ID>"), "{}", stderr(&o));
    assert_eq!(adr_files(root), ["0001-use-rest.md", "0002-use-graphql.md"]);
    assert!(!root.join("content/updates").exists());
}
