//! Rotations: `seam rotations`, rotation pages and their iCalendar files agree.

use crate::*;

/// Whether Python's `icalendar` package is importable; CI installs it and must have it.
fn icalendar_available() -> bool {
    let ok = std::process::Command::new("python3")
        .args(["-c", "import icalendar"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok && std::env::var_os("CI").is_some() {
        panic!("CI must install the icalendar package (pip install icalendar)");
    }
    ok
}

#[test]
fn calendars_pages_and_the_command_name_the_same_person_on_duty() {
    let tmp = copy_fixture(&example());
    let o = run(&["build", "--root", tmp.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(&[
        "rotations",
        "--root",
        tmp.path().to_str().unwrap(),
        "--format",
        "json",
    ]);
    let rows: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let rows = rows.as_array().unwrap();
    assert!(rows.len() >= 3);
    let check_ics = icalendar_available();
    if !check_ics {
        eprintln!("note: python3 with icalendar is not installed; checking pages only");
    }
    for row in rows {
        let id = row["id"].as_str().unwrap();
        let member = row["member"]
            .as_str()
            .expect("the example has someone on duty in every rotation");
        let page =
            std::fs::read_to_string(tmp.path().join(format!("public/rotations/{id}/index.html")))
                .unwrap();
        assert!(
            page.contains(&format!("<strong>{member}</strong> is on duty")),
            "{id}: page disagrees"
        );
        if check_ics {
            let ics = tmp.path().join(format!("public/rotations/{id}.ics"));
            let out = std::process::Command::new("python3")
                .arg(fixture("../ics/check_ics.py"))
                .arg(&ics)
                .arg(row["at"].as_str().unwrap())
                .arg(member)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{id}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

#[test]
fn rotations_at_a_date_or_an_instant() {
    let root = example();
    let o = run(&[
        "rotations",
        "--root",
        root.to_str().unwrap(),
        "--at",
        "2026-12-23",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rows: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let payments = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "payments-oncall")
        .unwrap();
    assert_eq!(
        payments["member"], "Ade Okafor",
        "the override from 2026-12-21 to 2026-12-27 applies"
    );
    let o = run(&[
        "rotations",
        "--root",
        root.to_str().unwrap(),
        "--at",
        "2026-11-20T09:00:00Z",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let o = run(&[
        "rotations",
        "--root",
        root.to_str().unwrap(),
        "--at",
        "soon",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("write a date"), "{}", stderr(&o));
}

#[test]
fn bad_rotations_are_diagnostics_with_lines() {
    let tmp = copy_fixture(&fixture("small"));
    std::fs::create_dir_all(tmp.path().join("content/rotations")).unwrap();
    std::fs::write(
        tmp.path().join("content/rotations/bad.md"),
        "---\nname: Bad\nstart: 2026-01-05\nevery: 0w\ntimezone: Mars/Olympus\nmembers: []\noverrides:\n  - from: 2026-02-01\n    to: 2026-02-10\n    member: a\n  - from: 2026-02-05\n    to: 2026-02-06\n    member: a\n---\n\n## Responsibilities\n\nNone.\n",
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("content/rotations/pairs.md"),
        "---\nkind: exchange\nstart: 2026-01-05\nevery: 1w\nmembers: [web, api]\npairs:\n  - team: web\n    with: nobody\n---\n\n## Responsibilities\n\nSwap.\n",
    )
    .unwrap();
    let o = run(&[
        "check",
        "--root",
        tmp.path().to_str().unwrap(),
        "--format",
        "json",
    ]);
    let got: Vec<(String, String, u64)> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["file"].as_str().unwrap().contains("rotations"))
        .map(|v| {
            (
                v["code"].as_str().unwrap().to_string(),
                v["file"].as_str().unwrap().to_string(),
                v["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let bad = "content/rotations/bad.md".to_string();
    for want in [
        ("invalid-rotation".to_string(), bad.clone(), 4),
        ("unknown-value".to_string(), bad.clone(), 5),
        ("invalid-rotation".to_string(), bad.clone(), 6),
        ("invalid-rotation".to_string(), bad.clone(), 11),
        (
            "broken-reference".to_string(),
            "content/rotations/pairs.md".to_string(),
            8,
        ),
    ] {
        assert!(got.contains(&want), "missing {want:?} in {got:#?}");
    }
    assert_eq!(o.status.code(), Some(1));
}
