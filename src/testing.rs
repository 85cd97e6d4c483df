//! Helpers shared by the unit tests: a deterministic generator, and a
//! generated docs repo with the random edits an author makes to it.

use std::collections::BTreeMap;
use std::path::Path;

/// A small deterministic generator (xorshift), so generated test data is the same on every run.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    /// The next number.
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `n` (0 when `n` is 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// One of `items`, which must not be empty.
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

pub(crate) fn date(rng: &mut Rng) -> String {
    format!("2026-{:02}-{:02}", 9 + rng.below(4), 1 + rng.below(28))
}

pub(crate) const TEAM_SECTIONS: &str = "## Current Priorities\n\nShip it.\n\n## Looking for Input On\n\nNothing.\n\n## Recent Wins\n\nSome.\n";
pub(crate) const ADR_SECTIONS: &str =
    "## Context\n\nWhy.\n\n## Decision\n\nWhat.\n\n## Consequences\n\nSo.\n";
pub(crate) const ALIGNMENT_SECTIONS: &str = "## Ownership Map\n\nx\n\n## Interface Definitions\n\nx\n\n## Timeline Commitments\n\nx\n\n## Slip Protocol\n\nx\n\n## Escalation Path\n\nx\n";

pub(crate) fn team(rng: &mut Rng, n: usize, teams: usize) -> String {
    let mut deps = String::new();
    for _ in 0..rng.below(3) {
        let on = rng.below(teams);
        deps.push_str(&format!(
            "  - on: t{on}\n    what: Thing {}\n    need_by: {}\n    committed: {}\n    status: in-progress\n    updated: {}\n",
            rng.below(9),
            date(rng),
            date(rng),
            date(rng)
        ));
    }
    let deps = if deps.is_empty() {
        String::new()
    } else {
        format!("depends_on:\n{deps}")
    };
    format!(
        "---\nname: Team {n}\ntags: [{}]\n{deps}---\n\nWe work with [[t{}]] on [[ADR-000{}]].\n\n{TEAM_SECTIONS}",
        rng.pick(&["core", "edge", "data"]),
        rng.below(teams),
        1 + rng.below(6)
    )
}

pub(crate) fn adr(rng: &mut Rng, n: usize, teams: usize) -> String {
    let supersedes = if n > 1 && rng.below(3) == 0 {
        format!("supersedes: [ADR-{}]\n", 1 + rng.below(n - 1))
    } else {
        String::new()
    };
    format!(
        "---\ntitle: Decision {n}\nstatus: {}\ndate: {}\nteam: t{}\naffects: [t{}]\ntags: [{}]\n{supersedes}---\n\nSee [[t{}]] and [the first](0001-d.md).\n\n{ADR_SECTIONS}",
        rng.pick(&["accepted", "proposed", "deprecated"]),
        date(rng),
        rng.below(teams),
        rng.below(teams),
        rng.pick(&["core", "api", "data"]),
        rng.below(teams),
    )
}

/// A generated docs repo: teams with dependencies, ADRs that supersede
/// each other, alignments, rotations, updates and pages, all cross-linked.
pub(crate) fn repo(rng: &mut Rng) -> BTreeMap<String, String> {
    let teams = 6;
    let mut files = BTreeMap::new();
    for n in 0..teams {
        files.insert(format!("teams/t{n}.md"), team(rng, n, teams));
    }
    for n in 1..=6 {
        let name = if n == 1 {
            "0001-d.md".to_string()
        } else {
            format!("000{n}-decision.md")
        };
        files.insert(format!("adrs/{name}"), adr(rng, n, teams));
    }
    for n in 0..2 {
        files.insert(
            format!("alignments/a{n}.md"),
            format!(
                "---\ntitle: Alignment {n}\nteams: [t{}, t{}]\nreview_by: {}\nadrs: [ADR-000{}]\ncommitments:\n  - {{ team: t{}, deliverable: Part, date: {} }}\n---\n\nWith [[t0]].\n\n{ALIGNMENT_SECTIONS}",
                n,
                n + 2,
                date(rng),
                1 + rng.below(6),
                n + 2,
                date(rng)
            ),
        );
    }
    files.insert(
        "rotations/on-call.md".into(),
        "---\nname: On call\nteams: [t0, t1]\nmembers: [Ana, Ben, Cy]\nstart: 2026-09-07\nevery: 1w\n---\n\n## Responsibilities\n\nAnswer [[t0]].\n".into(),
    );
    files.insert(
        "rotations/exchange.md".into(),
        "---\nname: Exchange\nkind: exchange\nteams: [t2, t3, t4]\nmembers: [Di, Ed]\nstart: 2026-09-07\nevery: 2w\npairing: round-robin\n---\n\n## Responsibilities\n\nSwap.\n".into(),
    );
    for (week, t) in [("2026-W46", 0), ("2026-W47", 1), ("2026-W47", 2)] {
        files.insert(
            format!("updates/{week}/t{t}.md"),
            format!("---\n---\n\n## Shipped\n\nA thing with [[t{t}]].\n"),
        );
    }
    files.insert(
        "handbook/guide.md".into(),
        "---\ntitle: Guide\ntags: [core]\n---\n\nRead [[ADR-0002]] and [[t3]].\n".into(),
    );
    files
}

/// One random edit of the kinds an author makes; returns what it did.
pub(crate) fn edit(rng: &mut Rng, files: &mut BTreeMap<String, String>, serial: usize) -> String {
    let paths: Vec<String> = files.keys().cloned().collect();
    let path = rng.pick(&paths).clone();
    let text = files[&path].clone();
    let (front, body) = text
        .strip_prefix("---\n")
        .and_then(|t| t.split_once("\n---\n"))
        .map(|(f, b)| (f.to_string(), b.to_string()))
        .unwrap_or_default();
    let join = |front: &str, body: &str| format!("---\n{front}\n---\n{body}");
    let lines: Vec<&str> = front.lines().collect();
    match rng.below(10) {
        0 => {
            files.insert(path.clone(), format!("{text}\nMore words {serial}.\n"));
            format!("body text of {path}")
        }
        1 => {
            let front: Vec<String> = lines
                .iter()
                .map(|l| {
                    if l.starts_with("title: ") || l.starts_with("name: ") {
                        format!("{} Renamed {serial}", l)
                    } else {
                        l.to_string()
                    }
                })
                .collect();
            files.insert(path.clone(), join(&front.join("\n"), &body));
            format!("title of {path}")
        }
        2 => {
            // A front matter field: a date, or an ADR's status.
            let date = date(rng);
            let status = rng.pick(&["accepted", "proposed", "superseded", "rejected"]);
            let front: Vec<String> = lines
                .iter()
                .map(|l| {
                    if let Some((k, v)) = l.split_once(": ")
                        && v.len() == 10
                        && v.starts_with("2026-")
                    {
                        format!("{k}: {date}")
                    } else if l.starts_with("status: ") && path.starts_with("adrs/") {
                        format!("status: {status}")
                    } else {
                        l.to_string()
                    }
                })
                .collect();
            files.insert(path.clone(), join(&front.join("\n"), &body));
            format!("dates and status of {path}")
        }
        3 => {
            let target = rng.pick(&["t0", "t5", "ADR-0003", "guide", "nobody", "a1"]);
            files.insert(path.clone(), format!("{text}\nSee [[{target}]].\n"));
            format!("reference to {target} added to {path}")
        }
        4 => {
            let Some(start) = body.find("[[") else {
                return format!("nothing to remove in {path}");
            };
            let end = body[start..]
                .find("]]")
                .map_or(body.len(), |e| start + e + 2);
            let body = format!("{}{}", &body[..start], &body[end..]);
            files.insert(path.clone(), join(&front, &body));
            format!("first reference removed from {path}")
        }
        5 => {
            let (new, text) = match rng.below(3) {
                0 => (
                    format!("teams/n{serial}.md"),
                    team(rng, 10 + serial, 6).replace("Team ", "New team "),
                ),
                1 => (
                    format!("adrs/00{}-new.md", 10 + serial),
                    adr(rng, 10 + serial, 6),
                ),
                _ => (
                    format!("handbook/p{serial}.md"),
                    format!("---\ntitle: Page {serial}\ntags: [new]\n---\n\nAbout [[t1]].\n"),
                ),
            };
            files.insert(new.clone(), text);
            format!("created {new}")
        }
        6 => {
            files.remove(&path);
            format!("deleted {path}")
        }
        7 => {
            let renamed = match path.rsplit_once('/') {
                Some((dir, name)) if dir == "adrs" => {
                    format!("{dir}/{}-renamed-{serial}.md", &name[..4])
                }
                Some((dir, _)) => format!("{dir}/r{serial}.md"),
                None => format!("r{serial}.md"),
            };
            let text = files.remove(&path).unwrap_or_default();
            files.insert(renamed.clone(), text);
            format!("renamed {path} to {renamed}")
        }
        8 => {
            let tag = rng.pick(&["core", "api", "fresh"]);
            let front: Vec<String> = if lines.iter().any(|l| l.starts_with("tags: ")) {
                lines
                    .iter()
                    .map(|l| {
                        if l.starts_with("tags: ") {
                            format!("tags: [{tag}]")
                        } else {
                            l.to_string()
                        }
                    })
                    .collect()
            } else {
                lines
                    .iter()
                    .map(|l| l.to_string())
                    .chain([format!("tags: [{tag}]")])
                    .collect()
            };
            files.insert(path.clone(), join(&front.join("\n"), &body));
            format!("tags of {path}")
        }
        _ => {
            let teams: Vec<&String> = paths.iter().filter(|p| p.starts_with("teams/")).collect();
            let Some(team_path) = teams.get(rng.below(teams.len())).map(|p| p.to_string()) else {
                return "no team to change".into();
            };
            let on = rng.pick(&["t0", "t1", "t2", "t3", "t4", "t5", "ghost"]);
            let text = &files[&team_path];
            let entry = format!(
                "  - on: {on}\n    what: Added {serial}\n    need_by: {}\n    committed: TBD\n",
                date(rng)
            );
            let changed = if text.contains("depends_on:\n") {
                text.replacen("depends_on:\n", &format!("depends_on:\n{entry}"), 1)
            } else {
                text.replacen("---\n", &format!("---\ndepends_on:\n{entry}"), 1)
            };
            files.insert(team_path.clone(), changed);
            format!("dependency on {on} added to {team_path}")
        }
    }
}

pub(crate) fn write(root: &Path, files: &BTreeMap<String, String>) {
    let content = root.join("content");
    if content.exists() {
        std::fs::remove_dir_all(&content).unwrap();
    }
    for (rel, text) in files {
        let p = content.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

/// One random edit of a file outside the content folder, or one that breaks
/// or mends a document: a template (a page's or a partial), a theme file,
/// `seam.toml`, or front matter that no longer parses. `files` holds every
/// file by path relative to the root; returns what it did.
pub(crate) fn edit_around(
    rng: &mut Rng,
    files: &mut BTreeMap<String, String>,
    serial: usize,
) -> String {
    let builtin = |name: &str| {
        crate::render::assets::TEMPLATES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, body)| body.to_string())
            .unwrap_or_default()
    };
    match rng.below(7) {
        0 => {
            let name = rng.pick(&[
                "adr.html",
                "pagination.html",
                "base.html",
                "digest_content.html",
            ]);
            let body = builtin(name);
            let marker = format!("<!-- edit {serial} -->");
            // Inside the first block (a child template has text only there), else first.
            let body = match body
                .find("{% block")
                .and_then(|b| body[b..].find("%}").map(|e| b + e + 2))
            {
                Some(at) => format!("{}{marker}{}", &body[..at], &body[at..]),
                None => format!("{marker}{body}"),
            };
            files.insert(format!("templates/{name}"), body);
            format!("template {name} changed")
        }
        1 => {
            let local: Vec<String> = files
                .keys()
                .filter(|k| k.starts_with("templates/") || k.starts_with("theme/"))
                .cloned()
                .collect();
            match local.get(rng.below(local.len())) {
                Some(path) => {
                    files.remove(path);
                    format!("{path} removed, back to the built-in one")
                }
                None => "no local template or theme file to remove".into(),
            }
        }
        2 => {
            let name = rng.pick(&["seam.css", "extra.css"]);
            files.insert(
                format!("theme/{name}"),
                format!("body {{ margin: {serial}px; }}\n"),
            );
            format!("theme file {name} written")
        }
        3 => {
            files.insert("seam.toml".into(), format!("title = \"Org {serial}\"\n"));
            format!("seam.toml: title Org {serial}")
        }
        4 | 5 => {
            let docs: Vec<String> = files
                .keys()
                .filter(|k| k.starts_with("content/"))
                .cloned()
                .collect();
            let Some(path) = docs.get(rng.below(docs.len())).cloned() else {
                return "no document to break".into();
            };
            let text = files[&path].replacen("---\n", "---\ntitle: [never closed\n", 1);
            files.insert(path.clone(), text);
            format!("front matter of {path} broken")
        }
        _ => {
            let broken: Vec<String> = files
                .iter()
                .filter(|(_, t)| t.contains("title: [never closed\n"))
                .map(|(k, _)| k.clone())
                .collect();
            let Some(path) = broken.get(rng.below(broken.len())).cloned() else {
                return "nothing broken to mend".into();
            };
            let text = files[&path].replacen("title: [never closed\n", "", 1);
            files.insert(path.clone(), text);
            format!("front matter of {path} mended")
        }
    }
}
