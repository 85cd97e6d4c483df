//! `seam init` and `seam list`.

use crate::*;

#[test]
fn init_creates_a_repo_that_checks_clean_and_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("docs");
    let o = run(&["init", dir.to_str().unwrap(), "--today", "2031-06-18"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for kind in ["teams", "adrs", "alignments", "rotations", "updates"] {
        assert!(dir.join("content").join(kind).is_dir(), "{kind}");
    }
    // Dated around the day it ran: clean that day, with this week's update
    // and nothing at high risk on the home page.
    let root = dir.to_str().unwrap();
    let o = run(&[
        "check",
        "--root",
        root,
        "--today",
        "2031-06-18",
        "--deny-warnings",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(dir.join("content/updates/2031-W25/platform.md").is_file());
    let out = tmp.path().join("site");
    let o = run(&[
        "build",
        "--root",
        root,
        "--today",
        "2031-06-18",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(!home.contains("risk-high"), "{home}");
    assert!(home.contains("Week 25, 2031"));
    // Months later the same files are stale, as real ones would be.
    let o = run(&[
        "check",
        "--root",
        root,
        "--today",
        "2031-10-01",
        "--deny-warnings",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    std::fs::write(dir.join("seam.toml"), "title = \"Mine\"\n").unwrap();
    let o = run(&["init", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("already exist"));
    assert_eq!(
        std::fs::read_to_string(dir.join("seam.toml")).unwrap(),
        "title = \"Mine\"\n"
    );
}

#[test]
fn list_prints_every_document_with_resolved_references() {
    let o = run(&[
        "list",
        "--root",
        fixture("small").to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let rows: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let web = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "web")
        .unwrap();
    assert_eq!(web["kind"], "team");
    assert_eq!(web["file"], "content/teams/web.md");
    assert_eq!(
        web["references"],
        serde_json::json!(["ADR-0001", "ADR-0002", "api"])
    );
    let adr = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "ADR-0001")
        .unwrap();
    assert_eq!(adr["status"], "superseded");
    assert_eq!(adr["team"], "api");
    let o = run(&[
        "list",
        "--root",
        fixture("small").to_str().unwrap(),
        "--kind",
        "adr",
    ]);
    let table = stdout(&o);
    assert!(table.starts_with("ID"), "{table}");
    assert_eq!(table.lines().count(), 3, "{table}");
}

#[test]
fn bad_usage_exits_2() {
    assert_eq!(run(&["build", "--no-such-flag"]).status.code(), Some(2));
    assert_eq!(run(&["list", "--kind", "memo"]).status.code(), Some(2));
}
