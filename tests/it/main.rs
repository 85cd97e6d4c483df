//! Integration tests: run the real `seam` binary on fixture docs repos.

mod adr_import;
mod browser;
mod build;
mod check;
mod commands;
mod digest;
mod graph;
mod hostile;
mod new;
mod rotations;
mod search;
mod serve;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `seam` binary under test.
pub fn seam() -> Command {
    Command::new(env!("CARGO_BIN_EXE_seam"))
}

/// A fixture folder under `tests/fixtures`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The example organisation at the repo root.
pub fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `seam` with args and returns its output.
pub fn run(args: &[&str]) -> Output {
    seam()
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("seam runs")
}

/// Copies a fixture into a temporary folder, to build or modify it freely;
/// of the example (the repo itself), only what a docs repo holds, not the
/// build's, the fuzzer's or git's folders.
pub fn copy_fixture(from: &Path) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let walk = walkdir::WalkDir::new(from).into_iter().filter_entry(|e| {
        e.depth() != 1
            || !matches!(
                e.file_name().to_str(),
                Some("target" | ".git" | "fuzz" | "node_modules")
            )
    });
    for entry in walk {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let to = tmp.path().join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
    tmp
}

/// Stdout as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The `<main>` element of a page: what a snapshot should pin. Inline SVG graphs,
/// pinned by their own unit tests, are replaced by a marker.
pub fn main_of(html: &str) -> String {
    let start = html.find("<main").unwrap();
    let end = html.find("</main>").unwrap() + 7;
    let mut main = html[start..end].to_string();
    while let (Some(a), Some(b)) = (main.find("<svg"), main.find("</svg>")) {
        main.replace_range(a..b + 6, "<!-- inline graph -->");
    }
    main.lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A problem as the tests compare it: severity, code, file, line.
pub type Problem = (String, String, String, u64);

/// Every problem `seam check --format json` reports on `root`, in its order, and the exit code.
pub fn check_problems(root: &Path) -> (Option<i32>, Vec<Problem>) {
    let o = run(&[
        "check",
        "--root",
        root.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let found = stdout(&o)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("one JSON object per line");
            let text = |k: &str| v[k].as_str().unwrap().to_string();
            (
                text("severity"),
                text("code"),
                text("file"),
                v["line"].as_u64().unwrap(),
            )
        })
        .collect();
    (o.status.code(), found)
}
