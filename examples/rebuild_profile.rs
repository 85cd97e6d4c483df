//! Profiling aid: opens a workspace on a copy of DOCS_REPO (in a temporary
//! folder, so DOCS_REPO is never changed) and times N rebuilds after edits
//! of its ADRs, stage by stage.
//!
//! ```sh
//! cargo run --release --locked --example rebuild_profile -- DOCS_REPO [N]
//! ```
//!
//! `EDIT=body|title|status|tags|reference|new|delete|rename` picks the
//! edit (body text by default); `PAUSE=300` waits that many milliseconds
//! before each, as an author would.

use std::time::Instant;

use seam::rebuild::Workspace;
use seam::site::Options;

// As the `seam` binary allocates.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "common/scratch.rs"]
mod scratch;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let Some(repo) = args.next() else {
        eprintln!("usage: rebuild_profile DOCS_REPO [N]");
        std::process::exit(2);
    };
    let n: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(20);
    let (_scratch, root) = scratch::scratch_copy(std::path::Path::new(&repo));
    let options = Options {
        root: root.clone(),
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 20),
        // As `seam serve` builds: links under the local server's address.
        base_url: Some("http://127.0.0.1:1111/".into()),
        ..Options::default()
    };
    let started = Instant::now();
    let mut workspace = Workspace::open(&options)?;
    eprintln!("opened in {:?}", started.elapsed());
    let mut adrs: Vec<_> = std::fs::read_dir(root.join("content/adrs"))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    adrs.sort();
    let kind = std::env::var("EDIT").unwrap_or_else(|_| "body".into());
    // PAUSE=ms waits between edits, as an author does (caches go cold).
    let pause: u64 = std::env::var("PAUSE")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    for i in 0..n {
        std::thread::sleep(std::time::Duration::from_millis(pause));
        let at_file = (i * 7919) % adrs.len();
        let file = adrs[at_file].clone();
        let text = std::fs::read_to_string(&file)?;
        // Files come and go with these three; the others edit one file in place.
        let touched = match kind.as_str() {
            "new" => {
                let new = file.with_file_name(format!("{:05}-new-decision-{i}.md", 90000 + i));
                std::fs::write(&new, text.replacen("title: \"", "title: \"New ", 1))?;
                adrs.push(new.clone());
                vec![new]
            }
            "delete" => {
                std::fs::remove_file(&file)?;
                adrs.remove(at_file);
                vec![file]
            }
            "rename" => {
                let name = file.file_name().unwrap_or_default().to_string_lossy();
                let renamed = file.with_file_name(format!("{}-renamed-{i}.md", &name[..5]));
                std::fs::rename(&file, &renamed)?;
                adrs[at_file] = renamed.clone();
                vec![file, renamed]
            }
            edit => {
                let new = match edit {
                    "title" => text.replacen("title: \"", &format!("title: \"Edited {i} "), 1),
                    "status" => replace_line(&text, "status:", "status: deprecated"),
                    "reference" => {
                        format!("{text}\nSee [[adr-{:04}]].\n", 1 + (i * 31) % 1000)
                    }
                    "tags" => replace_line(&text, "tags:", &format!("tags: [edited-{i}]")),
                    _ => format!("{text}\nOne more sentence {i}.\n"),
                };
                std::fs::write(&file, new)?;
                vec![file]
            }
        };
        let at = Instant::now();
        let report = workspace.rebuild(&touched)?;
        eprintln!(
            "{:>6.1} ms {:?} changed {} unchanged {} removed {}",
            at.elapsed().as_secs_f64() * 1000.0,
            report.stages,
            report.changed.len(),
            report.unchanged,
            report.removed.len()
        );
    }
    Ok(())
}

/// The text with its first line starting with `prefix` replaced by `line`.
fn replace_line(text: &str, prefix: &str, line: &str) -> String {
    let mut done = false;
    text.lines()
        .map(|l| {
            if !done && l.starts_with(prefix) {
                done = true;
                line.to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}
