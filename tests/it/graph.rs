//! The org-wide dependency graph at the size the issue asks for: 60 teams and
//! 300 dependencies, built by the real binary and read back from the SVG.

use crate::*;
use quick_xml::events::Event;
use std::collections::BTreeSet;
use std::path::Path;

/// A deterministic docs repo with `teams` teams and `deps` dependencies.
fn write_org(root: &Path, teams: usize, deps: usize) {
    std::fs::create_dir_all(root.join("content/teams")).unwrap();
    std::fs::write(
        root.join("seam.toml"),
        "title = \"Sixty\"\ntoday = \"2026-11-20\"\n",
    )
    .unwrap();
    let words = [
        "Payments", "Search", "Identity", "Growth", "Billing", "Ledger", "Mobile", "Web", "Data",
        "Platform",
    ];
    let mut seed: u64 = 0x5eed;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) % n as u64) as usize
    };
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); teams];
    let mut made = BTreeSet::new();
    while made.len() < deps {
        let (a, b) = (next(teams), next(teams));
        if a != b && made.insert((a, b)) {
            edges[a].push(b);
        }
    }
    for (t, on) in edges.iter().enumerate() {
        let mut front = format!(
            "---\nname: {} {} {t}\ndepends_on:\n",
            words[t % words.len()],
            words[(t / words.len()) % words.len()]
        );
        for (i, b) in on.iter().enumerate() {
            let status = ["on-track", "at-risk", "blocked", "not-started"][i % 4];
            front.push_str(&format!(
                "  - {{ on: team-{b}, what: thing {i}, need_by: 2027-0{}-15, committed: 2027-0{}-01, status: {status}, risk: medium, updated: 2026-11-{:02} }}\n",
                1 + i % 9,
                1 + (i + t) % 9,
                1 + (i * 7 + t) % 20,
            ));
        }
        if on.is_empty() {
            front.push_str("  []\n");
        }
        front.push_str("---\n\n## Current Priorities\n\nShipping.\n\n## Looking for Input On\n\nNothing.\n\n## Recent Wins\n\nSome.\n");
        std::fs::write(root.join(format!("content/teams/team-{t}.md")), front).unwrap();
    }
}

#[derive(Debug, Clone, Copy)]
struct Box2 {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

fn attr(e: &quick_xml::events::BytesStart, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .map(|a| a.value.to_string())
}

fn num(e: &quick_xml::events::BytesStart, name: &str) -> f64 {
    attr(e, name)
        .unwrap_or_else(|| panic!("no {name}"))
        .parse()
        .unwrap()
}

#[test]
fn sixty_teams_and_three_hundred_dependencies_stay_legible() {
    // `SEAM_GRAPH_SITE=/some/dir` keeps the repo and its output for a screenshot.
    let tmp = tempfile::tempdir().unwrap();
    let root = std::env::var_os("SEAM_GRAPH_SITE")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| tmp.path().to_path_buf());
    let _ = std::fs::remove_dir_all(root.join("content"));
    write_org(&root, 60, 300);
    let o = run(&["build", "--root", root.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = root.join("public");
    let svg = std::fs::read_to_string(out.join("dependencies/graph.svg")).unwrap();

    let mut reader = quick_xml::Reader::from_str(&svg);
    let (mut nodes, mut edges, mut links) = (Vec::new(), 0, Vec::new());
    let mut in_node = false;
    let mut labels = Vec::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let class = attr(&e, "class").unwrap_or_default();
                match e.name().as_ref() {
                    "g" if class == "node" || class == "node node-focus" => in_node = true,
                    "rect" if in_node => nodes.push(Box2 {
                        x: num(&e, "x"),
                        y: num(&e, "y"),
                        w: num(&e, "width"),
                        h: num(&e, "height"),
                    }),
                    "path" if class.split(' ').any(|c| c == "edge") => edges += 1,
                    "a" => links.push(attr(&e, "href").unwrap()),
                    _ => {}
                }
            }
            Event::Text(t) if in_node => labels.push(t[..].to_string()),
            Event::End(e) if e.name().as_ref() == "g" => in_node = false,
            _ => {}
        }
    }
    assert_eq!(nodes.len(), 60, "one box per team");
    assert_eq!(labels.len(), 60, "one label per team");
    // Legend arrows are paths too, so there are at least 300 edges.
    assert!(edges >= 300, "{edges} edges");
    for (i, a) in nodes.iter().enumerate() {
        for b in &nodes[i + 1..] {
            let apart =
                a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
            assert!(apart, "boxes overlap: {a:?} {b:?}");
        }
    }
    // Each label fits its box: at 13px a character is at least 6px wide.
    for (label, b) in labels.iter().zip(&nodes) {
        assert!(
            label.chars().count() as f64 * 6.0 <= b.w,
            "{label} in {}",
            b.w
        );
    }
    assert_eq!(links.len(), 60);
    for href in links {
        let page = out.join(href.trim_start_matches('/')).join("index.html");
        assert!(page.is_file(), "{}", page.display());
    }
}
