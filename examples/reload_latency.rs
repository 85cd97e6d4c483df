//! Benchmark: how long after an ADR is saved a page open under `seam serve` hears that it changed.
//!
//! ```text
//! cargo build --release --locked
//! cargo run --release --locked --example reload_latency -- DOCS_REPO [EDITS] [LOG]
//! ```
//!
//! Copies DOCS_REPO (a folder with seam.toml, such as the `seam/` folder of
//! `../shared/bench/gen_corpus.py`'s output) to a temporary folder, starts
//! `target/release/seam serve` on it, listens to its reload events like a
//! page does, and makes EDITS (default 20) edits of different kinds to its
//! ADRs, one at a time: body text, title, status, a reference added, a
//! reference removed, tags, a new ADR, a rename, a deletion. For each it
//! measures the time from the moment the file is written to the moment the
//! reload event arrives, and prints every time, the median and the maximum.
//! With LOG, the server's own report of each rebuild (its stages' times) goes there.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[path = "common/scratch.rs"]
mod scratch;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(repo) = args.first().map(PathBuf::from) else {
        eprintln!("usage: reload_latency DOCS_REPO [EDITS]");
        std::process::exit(2);
    };
    let edits: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(20);
    let log = match args.get(2) {
        Some(path) => Stdio::from(std::fs::File::create(path).expect("the log file")),
        None => Stdio::null(),
    };
    let (_scratch, root) = scratch::scratch_copy(&repo);
    let adrs = root.join("content/adrs");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&adrs)
        .expect("content/adrs")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    let documents = walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .count();

    let port = free_port();
    let binary = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/seam");
    let started = Instant::now();
    let mut server = Command::new(&binary)
        .args(["--root"])
        .arg(&root)
        .args([
            "serve",
            "--port",
            &port.to_string(),
            "--today",
            "2026-11-20",
        ])
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot start {}: {e} (build it with cargo build --release)",
                binary.display()
            )
        });
    let mut events = loop {
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
            s.write_all(b"GET /__seam/events HTTP/1.1\r\nHost: x\r\n\r\n")
                .unwrap();
            break BufReader::new(s);
        }
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "the server did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut line = String::new();
    while events.read_line(&mut line).unwrap() > 0 && !line.starts_with("retry:") {
        line.clear();
    }
    println!(
        "{documents} documents; seam serve ready in {:.2} s",
        started.elapsed().as_secs_f64()
    );

    let mut times = Vec::new();
    for n in 0..edits {
        std::thread::sleep(Duration::from_millis(300));
        let file = files[(n * 7919) % files.len()].clone();
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let (what, saved) = match n % 9 {
            0 => (
                "body text",
                write(&file, &format!("{text}\nOne more sentence {n}.\n")),
            ),
            1 => (
                "title",
                write(&file, &retitle(&text, &format!("Edited {n} "))),
            ),
            2 => (
                "status",
                write(&file, &replace_line(&text, "status:", "status: deprecated")),
            ),
            3 => (
                "reference added",
                write(
                    &file,
                    &format!("{text}\nSee [[{}]].\n", stem(&files[n % files.len()])),
                ),
            ),
            4 => (
                "reference removed",
                write(&file, &text.replacen("[[", "[", 1)),
            ),
            5 => (
                "tags",
                write(
                    &file,
                    &replace_line(&text, "tags:", &format!("tags: [edited-{n}]")),
                ),
            ),
            6 => {
                let new = adrs.join(format!("{:05}-new-decision-{n}.md", 90000 + n));
                let t = write(&new, &retitle(&text, "New "));
                files.push(new);
                ("new ADR", t)
            }
            7 => {
                let renamed = file.with_file_name(format!(
                    "{}-renamed-{n}.md",
                    &file.file_name().unwrap().to_string_lossy()[..5]
                ));
                std::fs::rename(&file, &renamed).unwrap();
                let at = Instant::now();
                let i = files.iter().position(|f| *f == file).unwrap();
                files[i] = renamed;
                ("rename", at)
            }
            _ => {
                std::fs::remove_file(&file).unwrap();
                let at = Instant::now();
                files.retain(|f| *f != file);
                ("deletion", at)
            }
        };
        loop {
            line.clear();
            if events.read_line(&mut line).unwrap() == 0 {
                panic!("the server closed the event stream");
            }
            if line.starts_with("event: reload") {
                break;
            }
        }
        let ms = saved.elapsed().as_secs_f64() * 1000.0;
        println!("{:>2}. {what:<18} {ms:7.1} ms", n + 1);
        times.push(ms);
    }
    let _ = server.kill();
    let _ = server.wait();
    times.sort_by(f64::total_cmp);
    let median = if times.len() % 2 == 1 {
        times[times.len() / 2]
    } else {
        (times[times.len() / 2 - 1] + times[times.len() / 2]) / 2.0
    };
    println!(
        "save to reload event over {} edits at {documents} documents: median {median:.1} ms, max {:.1} ms",
        times.len(),
        times.last().copied().unwrap_or(0.0)
    );
}

/// Writes `text` to `path` and returns when the write finished.
fn write(path: &Path, text: &str) -> Instant {
    std::fs::write(path, text).unwrap();
    Instant::now()
}

/// The text with `prefix` put before its title, inside the quotes if it has them.
fn retitle(text: &str, prefix: &str) -> String {
    if text.contains("title: \"") {
        text.replacen("title: \"", &format!("title: \"{prefix}"), 1)
    } else {
        text.replacen("title: ", &format!("title: {prefix}"), 1)
    }
}

fn replace_line(text: &str, key: &str, with: &str) -> String {
    let mut done = false;
    let lines: Vec<String> = text
        .lines()
        .map(|l| {
            if !done && l.starts_with(key) {
                done = true;
                with.to_string()
            } else {
                l.to_string()
            }
        })
        .collect();
    if done {
        lines.join("\n") + "\n"
    } else {
        text.replacen("---\n", &format!("---\n{with}\n"), 1)
    }
}

fn stem(path: &Path) -> String {
    let name = path.file_stem().unwrap().to_string_lossy();
    format!("ADR-{}", name[..5].trim_start_matches('0'))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
