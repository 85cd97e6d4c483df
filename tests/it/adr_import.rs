//! Existing ADR collections, written with adr-tools, MADR 2, 3 and 4 and
//! log4brains, read unchanged: one fixture repository per format under
//! `tests/fixtures/adr-import/`, and a messy one with every irregularity
//! real collections have.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::*;

/// What `seam list --kind adr --format json` says of one ADR.
#[derive(Debug, PartialEq, Eq)]
struct Row {
    number: Option<u64>,
    title: String,
    status: Option<String>,
    date: Option<String>,
    superseded_by: Vec<String>,
    supersedes: Vec<String>,
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

/// Every ADR of a fixture, by id, as `seam list` reports it.
fn list(root: &Path) -> (BTreeMap<String, Row>, Vec<Value>) {
    let o = run(&[
        "list",
        "--root",
        root.to_str().unwrap(),
        "--kind",
        "adr",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rows: Vec<Value> = serde_json::from_str(&stdout(&o)).unwrap();
    let by_id = rows
        .iter()
        .map(|r| {
            let row = Row {
                number: r["number"].as_u64(),
                title: r["title"].as_str().unwrap().to_string(),
                status: r["status"].as_str().map(str::to_string),
                date: r["date"].as_str().map(str::to_string),
                superseded_by: strings(&r["superseded_by"]),
                supersedes: strings(&r["supersedes"]),
            };
            (r["id"].as_str().unwrap().to_string(), row)
        })
        .collect();
    (by_id, rows)
}

/// One expected ADR: id, number, title, status, date, superseded by, supersedes.
type Expected<'a> = (
    &'a str,
    Option<u64>,
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
    &'a [&'a str],
    &'a [&'a str],
);

fn assert_adrs(root: &Path, expected: &[Expected]) {
    let (got, _) = list(root);
    let want: BTreeMap<String, Row> = expected
        .iter()
        .map(|(id, number, title, status, date, by, sup)| {
            (
                id.to_string(),
                Row {
                    number: *number,
                    title: title.to_string(),
                    status: status.map(str::to_string),
                    date: date.map(str::to_string),
                    superseded_by: by.iter().map(|s| s.to_string()).collect(),
                    supersedes: sup.iter().map(|s| s.to_string()).collect(),
                },
            )
        })
        .collect();
    for (id, row) in &want {
        assert_eq!(got.get(id), Some(row), "{id}");
    }
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>()
    );
}

/// An imported folder checks without errors and without the warnings that
/// would only be noise for a team adopting Seam.
fn assert_checks_quietly(root: &Path, allowed: &[&str]) {
    let (code, found) = check_problems(root);
    let noisy: Vec<_> = found
        .iter()
        .filter(|(_, c, _, _)| !allowed.contains(&c.as_str()))
        .collect();
    assert!(noisy.is_empty(), "{noisy:?}");
    for (severity, code, _, _) in &found {
        assert_eq!(severity, "warning", "{code}");
    }
    assert_eq!(code, Some(0));
}

/// The rows of the ADR index page: (data-status, the cells' text).
fn index_rows(html: &str) -> Vec<(String, Vec<String>)> {
    let body = &html[html.find("<tbody>").unwrap()..html.find("</tbody>").unwrap()];
    body.split("<tr ")
        .skip(1)
        .map(|row| {
            let status = row
                .split("data-status=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .unwrap_or_default()
                .to_string();
            let cells = row
                .split("<td")
                .skip(1)
                .map(|cell| {
                    let inner = &cell[cell.find('>').unwrap() + 1..];
                    let inner = inner.split("</td>").next().unwrap();
                    let mut text = String::new();
                    let mut in_tag = false;
                    for c in inner.chars() {
                        match c {
                            '<' => in_tag = true,
                            '>' => in_tag = false,
                            c if !in_tag => text.push(c),
                            _ => {}
                        }
                    }
                    text.trim().to_string()
                })
                .collect();
            (status, cells)
        })
        .collect()
}

/// Builds a copy of `fixture`, checks that no source file changed, and
/// returns the ADR index's rows.
fn build_index(fixture_root: &Path) -> (Vec<(String, Vec<String>)>, tempfile::TempDir) {
    let tmp = copy_fixture(fixture_root);
    let before = snapshot_files(tmp.path());
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let o = run(&[
        "build",
        "--root",
        tmp.path().to_str().unwrap(),
        "--out",
        site.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        snapshot_files(tmp.path()),
        before,
        "Seam never rewrites an imported file"
    );
    let html = std::fs::read_to_string(site.join("adrs/index.html")).unwrap();
    (index_rows(&html), out)
}

fn snapshot_files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(root).unwrap().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// The imported index has the shape of a native one: the same columns per
/// row, each ADR's status in its row's filter attribute and badge, and its
/// id and date in their columns.
fn assert_index_like_native(root: &Path) {
    let (native, _keep) = build_index(&fixture("small"));
    let (rows, _keep2) = build_index(root);
    let (listed, _) = list(root);
    assert!(!native.is_empty());
    assert_eq!(rows.len(), listed.len());
    for (status, cells) in &rows {
        assert_eq!(cells.len(), native[0].1.len(), "{cells:?}");
        let row = &listed[&cells[0]];
        assert_eq!(Some(status), row.status.as_ref(), "{cells:?}");
        assert_eq!(Some(&cells[2]), row.status.as_ref(), "{cells:?}");
        assert_eq!(cells[1], row.title, "{cells:?}");
        assert_eq!(cells[4], row.date.clone().unwrap_or_default(), "{cells:?}");
    }
}

fn import_fixture(name: &str) -> std::path::PathBuf {
    fixture(&format!("adr-import/{name}"))
}

#[test]
fn nygard_adr_tools_collections_read_status_dates_and_links() {
    let root = import_fixture("nygard");
    assert!(root.join(".adr-dir").is_file());
    assert_adrs(
        &root,
        &[
            (
                "ADR-0001",
                Some(1),
                "Record architecture decisions",
                Some("accepted"),
                Some("2016-02-12"),
                &[],
                &[],
            ),
            (
                "ADR-0002",
                Some(2),
                "Use PostgreSQL for orders",
                Some("accepted"),
                Some("2016-03-01"),
                &[],
                &[],
            ),
            (
                "ADR-0003",
                Some(3),
                "Deploy with Ansible",
                Some("superseded"),
                Some("2016-04-11"),
                &["ADR-0007"],
                &[],
            ),
            // Only 0009 says it: one side is enough.
            (
                "ADR-0004",
                Some(4),
                "Use RabbitMQ for events",
                Some("superseded"),
                Some("2016-05-02"),
                &["ADR-0009"],
                &[],
            ),
            (
                "ADR-0005",
                Some(5),
                "Log in JSON",
                Some("accepted"),
                Some("2016-06-20"),
                &[],
                &[],
            ),
            (
                "ADR-0006",
                Some(6),
                "Offer a GraphQL API",
                Some("proposed"),
                Some("2017-01-09"),
                &[],
                &[],
            ),
            (
                "ADR-0007",
                Some(7),
                "Deploy with Kubernetes",
                Some("accepted"),
                Some("2017-03-14"),
                &[],
                &["ADR-0003"],
            ),
            (
                "ADR-0008",
                Some(8),
                "Add trace ids to logs",
                Some("accepted"),
                Some("2017-05-30"),
                &[],
                &[],
            ),
            (
                "ADR-0009",
                Some(9),
                "Use Kafka for events",
                Some("accepted"),
                Some("2018-02-05"),
                &[],
                &["ADR-0004"],
            ),
            (
                "ADR-0010",
                Some(10),
                "Cache sessions in the monolith",
                Some("rejected"),
                Some("2018-06-18"),
                &[],
                &[],
            ),
        ],
    );
    let (_, rows) = list(&root);
    let row = |id: &str| rows.iter().find(|r| r["id"] == id).unwrap().clone();
    assert_eq!(row("ADR-0008")["amends"], serde_json::json!(["ADR-0005"]));
    assert_eq!(
        row("ADR-0005")["amended_by"],
        serde_json::json!(["ADR-0008"])
    );
    assert_eq!(
        row("ADR-0003")["status_written"],
        "Superseded by [7. Deploy with Kubernetes](0007-deploy-with-kubernetes.md)"
    );
    assert_eq!(row("ADR-0004")["status_own"], "accepted");
    assert!(
        rows.iter()
            .all(|r| r["format"] == "nygard" && r["imported"] == true)
    );
    assert_checks_quietly(&root, &[]);
    assert_index_like_native(&root);
    // Pages show the links from both sides, and ask nothing of the files.
    let (_, out) = build_index(&root);
    let page = |id: &str| {
        std::fs::read_to_string(out.path().join(format!("site/adrs/{id}/index.html"))).unwrap()
    };
    assert!(page("adr-0005").contains("This decision was amended by <a href=\"/adrs/adr-0008/\">"));
    assert!(page("adr-0008").contains("This decision amends <a href=\"/adrs/adr-0005/\">"));
    let replaced = page("adr-0004");
    assert!(
        replaced.contains("replaced by <a href=\"/adrs/adr-0009/\">"),
        "{replaced}"
    );
    assert!(
        !replaced.contains("Its own file does not say so"),
        "{replaced}"
    );
}

#[test]
fn madr_2_collections_read_bullets_and_links() {
    let root = import_fixture("madr-2");
    assert_adrs(
        &root,
        &[
            (
                "ADR-0000",
                Some(0),
                "Use Markdown Architectural Decision Records",
                Some("accepted"),
                Some("2017-12-01"),
                &[],
                &[],
            ),
            (
                "ADR-0001",
                Some(1),
                "Use Java for the backend",
                Some("accepted"),
                Some("2018-01-15"),
                &[],
                &[],
            ),
            (
                "ADR-0002",
                Some(2),
                "Use Angular for the frontend",
                Some("superseded"),
                Some("2018-02-01"),
                &["ADR-0006"],
                &[],
            ),
            // Only 0008's `## Links` says it.
            (
                "ADR-0003",
                Some(3),
                "Store files on NFS",
                Some("superseded"),
                Some("2018-03-12"),
                &["ADR-0008"],
                &[],
            ),
            (
                "ADR-0004",
                Some(4),
                "Use SOAP for partner integrations",
                Some("rejected"),
                Some("2018-04-20"),
                &[],
                &[],
            ),
            (
                "ADR-0005",
                Some(5),
                "Use feature flags for releases",
                Some("proposed"),
                Some("2018-05-02"),
                &[],
                &[],
            ),
            (
                "ADR-0006",
                Some(6),
                "Use React for the frontend",
                Some("accepted"),
                Some("2019-01-10"),
                &[],
                &["ADR-0002"],
            ),
            (
                "ADR-0007",
                Some(7),
                "Write ADRs in English",
                Some("accepted"),
                Some("2019-02-14"),
                &[],
                &[],
            ),
            (
                "ADR-0008",
                Some(8),
                "Store files in S3",
                Some("accepted"),
                Some("2019-06-03"),
                &[],
                &["ADR-0003"],
            ),
        ],
    );
    let (_, rows) = list(&root);
    let r1 = rows.iter().find(|r| r["id"] == "ADR-0002").unwrap();
    assert_eq!(r1["deciders"], serde_json::json!(["Ann Lee", "Bo Chen"]));
    assert!(rows.iter().all(|r| r["format"] == "madr-2"), "{rows:?}");
    assert_checks_quietly(&root, &[]);
    assert_index_like_native(&root);
}

#[test]
fn madr_3_collections_read_front_matter_and_ignore_other_tools_keys() {
    let root = import_fixture("madr-3");
    assert!(root.join("docs/decisions/adr-template.md").is_file());
    assert_adrs(
        &root,
        &[
            (
                "ADR-0001",
                Some(1),
                "Use Markdown Any Decision Records",
                Some("accepted"),
                Some("2022-09-12"),
                &[],
                &[],
            ),
            (
                "ADR-0002",
                Some(2),
                "Use REST for the mobile API",
                Some("superseded"),
                Some("2022-10-03"),
                &["ADR-0007"],
                &[],
            ),
            (
                "ADR-0003",
                Some(3),
                "Use PostgreSQL",
                Some("accepted"),
                Some("2022-11-21"),
                &[],
                &[],
            ),
            (
                "ADR-0004",
                Some(4),
                "Use Jenkins for CI",
                Some("superseded"),
                Some("2023-01-09"),
                &["ADR-0008"],
                &[],
            ),
            (
                "ADR-0005",
                Some(5),
                "Adopt event sourcing for billing",
                Some("proposed"),
                Some("2023-02-27"),
                &[],
                &[],
            ),
            (
                "ADR-0006",
                Some(6),
                "Write our own ORM",
                Some("rejected"),
                Some("2023-03-13"),
                &[],
                &[],
            ),
            (
                "ADR-0007",
                Some(7),
                "Use GraphQL for the mobile API",
                Some("accepted"),
                Some("2023-05-02"),
                &[],
                &["ADR-0002"],
            ),
            (
                "ADR-0008",
                Some(8),
                "Use GitHub Actions for CI",
                Some("accepted"),
                Some("2023-06-19"),
                &[],
                &["ADR-0004"],
            ),
        ],
    );
    let (_, rows) = list(&root);
    assert!(rows.iter().all(|r| r["format"] == "madr-3"), "{rows:?}");
    let r = rows.iter().find(|r| r["id"] == "ADR-0001").unwrap();
    assert_eq!(
        r["deciders"],
        serde_json::json!(["Oliver Kopp", "Olaf Zimmermann"])
    );
    // `parent` and `nav_order` (just-the-docs) draw no unknown-field warning,
    // nor `### Consequences` under Decision Outcome a missing section.
    assert_checks_quietly(&root, &[]);
    assert_index_like_native(&root);
}

#[test]
fn madr_4_collections_read_decision_makers_and_id_successors() {
    let root = import_fixture("madr-4");
    assert_adrs(
        &root,
        &[
            (
                "ADR-0001",
                Some(1),
                "Use MADR 4 for decisions",
                Some("accepted"),
                Some("2024-09-17"),
                &[],
                &[],
            ),
            (
                "ADR-0002",
                Some(2),
                "Host on AWS",
                Some("accepted"),
                Some("2024-10-01"),
                &[],
                &[],
            ),
            (
                "ADR-0003",
                Some(3),
                "Use Terraform for infrastructure",
                Some("superseded"),
                Some("2024-10-15"),
                &["ADR-0008"],
                &[],
            ),
            (
                "ADR-0004",
                Some(4),
                "Use Lambda for batch jobs",
                Some("rejected"),
                Some("2024-11-04"),
                &[],
                &[],
            ),
            (
                "ADR-0005",
                Some(5),
                "Use OpenTelemetry",
                Some("proposed"),
                Some("2024-12-02"),
                &[],
                &[],
            ),
            (
                "ADR-0006",
                Some(6),
                "Use a monorepo",
                Some("deprecated"),
                Some("2025-01-13"),
                &[],
                &[],
            ),
            (
                "ADR-0007",
                Some(7),
                "Use Kotlin for Android",
                Some("accepted"),
                Some("2025-02-10"),
                &[],
                &[],
            ),
            (
                "ADR-0008",
                Some(8),
                "Use OpenTofu for infrastructure",
                Some("accepted"),
                Some("2025-03-24"),
                &[],
                &["ADR-0003"],
            ),
        ],
    );
    let (_, rows) = list(&root);
    let r = rows.iter().find(|r| r["id"] == "ADR-0002").unwrap();
    assert_eq!(r["deciders"], serde_json::json!(["Ann Lee", "Bo Chen"]));
    assert!(rows.iter().all(|r| r["format"] == "madr-4"), "{rows:?}");
    assert_checks_quietly(&root, &[]);
    assert_index_like_native(&root);
}

#[test]
fn log4brains_collections_span_package_folders() {
    let root = import_fixture("log4brains");
    let rest = "20201016-use-rest-for-the-public-api";
    let graphql = "20210301-use-graphql-for-the-public-api";
    assert_adrs(
        &root,
        &[
            (
                "20200925-use-log4brains-to-manage-the-adrs",
                None,
                "Use Log4brains to manage the ADRs",
                Some("accepted"),
                Some("2020-09-25"),
                &[],
                &[],
            ),
            (
                "20200926-use-markdown-architectural-decision-records",
                None,
                "Use Markdown Architectural Decision Records",
                Some("accepted"),
                Some("2020-09-26"),
                &[],
                &[],
            ),
            (
                "20201001-use-a-monorepo",
                None,
                "Use a monorepo",
                Some("accepted"),
                Some("2020-10-01"),
                &[],
                &[],
            ),
            (
                rest,
                None,
                "Use REST for the public API",
                Some("superseded"),
                Some("2020-10-16"),
                &[graphql],
                &[],
            ),
            (
                "20201105-use-jira-for-decisions",
                None,
                "Use Jira for decisions",
                Some("rejected"),
                Some("2020-11-05"),
                &[],
                &[],
            ),
            (
                "20201103-use-postgresql",
                None,
                "Use PostgreSQL",
                Some("accepted"),
                Some("2020-11-03"),
                &[],
                &[],
            ),
            // log4brains' own `draft` is kept and shown.
            (
                "20201120-cache-sessions-in-redis",
                None,
                "Cache sessions in Redis",
                Some("draft"),
                Some("2020-11-20"),
                &[],
                &[],
            ),
            (
                "20210215-use-cqrs-for-orders",
                None,
                "Use CQRS for orders",
                Some("deprecated"),
                Some("2021-02-15"),
                &[],
                &[],
            ),
            (
                graphql,
                None,
                "Use GraphQL for the public API",
                Some("accepted"),
                Some("2021-03-01"),
                &[],
                &[rest],
            ),
        ],
    );
    let (_, rows) = list(&root);
    assert!(rows.iter().all(|r| r["format"] == "log4brains"), "{rows:?}");
    // Each package has a template.md; neither is an ADR.
    assert!(
        rows.iter()
            .all(|r| !r["file"].as_str().unwrap().ends_with("template.md"))
    );
    assert_checks_quietly(&root, &["unknown-status"]);
    assert_index_like_native(&root);
    // Tags come from the `- Tags:` bullet.
    let (_, out) = build_index(&root);
    let tag = std::fs::read_to_string(out.path().join("site/tags/backend/index.html")).unwrap();
    assert!(tag.contains("Use GraphQL for the public API"), "{tag}");
    assert!(!tag.contains("Use REST for the public API"), "{tag}");
}

#[test]
fn messy_collections_read_every_irregularity_with_a_warning_at_most() {
    let root = import_fixture("messy");
    assert_adrs(
        &root,
        &[
            // A byte order mark, `Architecture Decision Record:`, an emoji, a date with a time.
            (
                "ADR-0001",
                Some(1),
                "Record decisions",
                Some("accepted"),
                Some("2016-02-12"),
                &[],
                &[],
            ),
            // Blank lines before the front matter, `status: { accepted }`, a front matter title and no H1.
            (
                "ADR-0005",
                Some(5),
                "Blank lines before front matter",
                Some("accepted"),
                Some("2020-01-01"),
                &[],
                &[],
            ),
            // `NNN-`, `007 -`, a trailing qualifier, `September 20, 2024`.
            (
                "ADR-0007",
                Some(7),
                "Three digits",
                Some("accepted"),
                Some("2024-09-20"),
                &[],
                &[],
            ),
            // `adr-NNN-`, `approved`, `20/05/2021`.
            (
                "ADR-0008",
                Some(8),
                "Prefixed file names",
                Some("accepted"),
                Some("2021-05-20"),
                &[],
                &[],
            ),
            // The title says 12; the file's number wins. A word outside Seam's set is kept.
            (
                "ADR-0010",
                Some(10),
                "Title number disagrees",
                Some("On hold"),
                Some("2020-02-02"),
                &[],
                &[],
            ),
            (
                "ADR-0023",
                Some(23),
                "Logging",
                Some("Experimental"),
                Some("2020-03-03"),
                &[],
                &[],
            ),
            // `Superceded by` in a Nygard status section, stated on one side only.
            (
                "ADR-0024",
                Some(24),
                "Superceded thing",
                Some("superseded"),
                Some("2020-04-04"),
                &["ADR-0025"],
                &[],
            ),
            (
                "ADR-0025",
                Some(25),
                "New thing",
                Some("accepted"),
                Some("2020-05-05"),
                &[],
                &["ADR-0024"],
            ),
            // A placeholder title gives way to the file name.
            (
                "ADR-0026",
                Some(26),
                "Placeholder",
                Some("proposed"),
                Some("2020-06-06"),
                &[],
                &[],
            ),
            // No H1 at the top: a later `# Appendix` is not the title.
            (
                "ADR-0027",
                Some(27),
                "Title from the file name",
                Some("accepted"),
                None,
                &[],
                &[],
            ),
            // One folder per ADR.
            (
                "ADR-0030",
                Some(30),
                "One folder per ADR",
                Some("accepted"),
                Some("2020-07-07"),
                &[],
                &[],
            ),
            // `ADRNNN-`, `ADR045:`, `Decided`, a date that is not one.
            (
                "ADR-0045",
                Some(45),
                "Cache invalidation",
                Some("accepted"),
                None,
                &[],
                &[],
            ),
            // Three files with one number: each keeps its stem as id.
            (
                "0046-alpha",
                Some(46),
                "Alpha",
                Some("accepted"),
                Some("2020-08-08"),
                &[],
                &[],
            ),
            (
                "0046-beta",
                Some(46),
                "Beta",
                Some("accepted"),
                Some("2020-08-08"),
                &[],
                &[],
            ),
            (
                "0046-gamma",
                Some(46),
                "Gamma",
                Some("accepted"),
                Some("2020-08-08"),
                &[],
                &[],
            ),
            // `status: superseded by [ADR-0048](0048-successor.md)` in front matter.
            (
                "ADR-0047",
                Some(47),
                "Front matter link",
                Some("superseded"),
                Some("2020-09-09"),
                &["ADR-0048"],
                &[],
            ),
            (
                "ADR-0048",
                Some(48),
                "Successor",
                Some("accepted"),
                Some("2020-10-10"),
                &[],
                &["ADR-0047"],
            ),
            // Numbered, so an ADR although its name ends in `-template`.
            (
                "ADR-0049",
                Some(49),
                "Use the service template",
                Some("accepted"),
                None,
                &[],
                &[],
            ),
            // `YYYYMMDD-slug`, unnumbered and `XXXX-` drafts are known by their stems.
            (
                "20210903-date-named",
                None,
                "Date named file",
                Some("accepted"),
                Some("2021-09-03"),
                &[],
                &[],
            ),
            (
                "use-unnumbered-files",
                None,
                "Use unnumbered files",
                Some("accepted"),
                Some("2021-10-10"),
                &[],
                &[],
            ),
            (
                "XXXX-draft-idea",
                None,
                "Draft idea",
                Some("proposed"),
                None,
                &[],
                &[],
            ),
        ],
    );
    let (code, found) = check_problems(&root);
    assert_eq!(code, Some(0), "{found:?}");
    let found: Vec<(&str, &str, u64)> = found
        .iter()
        .map(|(severity, code, file, line)| {
            assert_eq!(severity, "warning", "{code} {file}");
            (
                code.as_str(),
                file.trim_start_matches("content/adrs/"),
                *line,
            )
        })
        .collect();
    let mut expected = vec![
        ("invalid-field", "0005-blank-lines.md", 5),
        ("adr-title-number", "0010-title-number.md", 1),
        ("unknown-status", "0010-title-number.md", 7),
        ("unknown-status", "0023-logging.md", 7),
        ("placeholder-title", "0026-placeholder.md", 1),
        ("duplicate-adr-number", "0046-alpha.md", 1),
        ("duplicate-adr-number", "0046-beta.md", 1),
        ("duplicate-adr-number", "0046-gamma.md", 1),
        ("invalid-date", "ADR045-cache.md", 3),
        // A picture beside an ADR as SVG, which could run script opened on its own.
        ("html-asset", "0030-one-folder-per-adr/diagram.svg", 1),
    ];
    let mut found = found;
    found.sort();
    expected.sort();
    assert_eq!(found, expected);
    // Each of the three ADRs numbered 46 has its own page.
    let (rows, out) = build_index(&root);
    assert_eq!(rows.len(), 21);
    for stem in ["0046-alpha", "0046-beta", "0046-gamma"] {
        let page = out.path().join(format!("site/adrs/{stem}/index.html"));
        assert!(page.is_file(), "{stem}");
    }
    // The SVG beside ADR 30 is not published, whatever the ADR's folder.
    let svg = out
        .path()
        .join("site/adrs/0030-one-folder-per-adr/diagram.svg");
    assert!(!svg.exists(), "{}", svg.display());
    // The folder's README introduces the index; templates are neither built nor listed.
    let index = std::fs::read_to_string(out.path().join("site/adrs/index.html")).unwrap();
    assert!(index.contains("Every way our teams have written ADRs"));
    let o = run(&["list", "--root", root.to_str().unwrap(), "--format", "json"]);
    for template in ["/template.md", "/adr-template.md", "/nygard-template.md"] {
        assert!(!stdout(&o).contains(template), "{template}");
    }
}

#[test]
fn native_adr_folders_keep_their_rules() {
    // The same Nygard files in a folder that does not say it is imported:
    // Seam's own rules, so their status sections are not read.
    let tmp = copy_fixture(&import_fixture("nygard"));
    std::fs::write(
        tmp.path().join("seam.toml"),
        "today = \"2026-11-20\"\ncontent_dir = \"doc\"\n[kinds.adr]\ndirs = [\"adr\"]\n",
    )
    .unwrap();
    let (rows, _) = list(tmp.path());
    assert_eq!(rows["ADR-0001"].status, None);
    let (_, found) = check_problems(tmp.path());
    assert!(
        found
            .iter()
            .any(|(_, c, _, _)| c == "missing-recommended-section"),
        "{found:?}"
    );
}

#[test]
fn a_new_adr_superseding_an_imported_one_leaves_it_unchanged() {
    let tmp = copy_fixture(&import_fixture("nygard"));
    let old = tmp.path().join("doc/adr/0002-use-postgresql-for-orders.md");
    let before = std::fs::read(&old).unwrap();
    let o = run(&[
        "new",
        "adr",
        "Use CockroachDB for orders",
        "--root",
        tmp.path().to_str().unwrap(),
        "--supersedes",
        "2",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(std::fs::read(&old).unwrap(), before);
    let (rows, _) = list(tmp.path());
    assert_eq!(rows["ADR-0002"].status.as_deref(), Some("superseded"));
    assert_eq!(rows["ADR-0002"].superseded_by, vec!["ADR-0011"]);
}

#[test]
fn example_adr_0005_shows_one_effective_status_everywhere() {
    // ADR-0015 supersedes ADR-0005, whose own file still says `accepted`:
    // every page, the index and its filter, the team page, the feed and
    // `seam list` show it superseded.
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let o = run(&[
        "build",
        "--root",
        example().to_str().unwrap(),
        "--out",
        site.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let read = |p: &str| std::fs::read_to_string(site.join(p)).unwrap();
    let rows = index_rows(&read("adrs/index.html"));
    let row = rows
        .iter()
        .find(|(_, cells)| cells[0] == "ADR-0005")
        .unwrap();
    assert_eq!(row.0, "superseded");
    assert_eq!(row.1[2], "superseded");
    let page = read("adrs/adr-0005/index.html");
    assert!(page.contains("status-superseded"), "{page}");
    let team = read("teams/identity/index.html");
    let at = team.find("ADR-0005: ").unwrap();
    let before = &team[team[..at].rfind("<li>").unwrap()..at];
    assert!(before.contains("status-superseded"), "{before}");
    let feed = read("adrs/feed.xml");
    if let Some(at) = feed.find("ADR-0005: ") {
        let title = &feed[at..at + feed[at..].find("</title>").unwrap()];
        assert!(title.ends_with("(superseded)"), "{title}");
    }
    let (listed, rows) = list(&example());
    assert_eq!(listed["ADR-0005"].status.as_deref(), Some("superseded"));
    let r = rows.iter().find(|r| r["id"] == "ADR-0005").unwrap();
    assert_eq!(r["status_own"], "accepted");
    assert_eq!(r["superseded_by"], serde_json::json!(["ADR-0015"]));
}

#[test]
fn a_missing_section_in_an_imported_folder_warns_until_seam_toml_lists_the_sections() {
    // An adr-tools ADR written without its Consequences section.
    let tmp = copy_fixture(&import_fixture("nygard"));
    let adr = tmp.path().join("doc/adr/0005-log-in-json.md");
    let text = std::fs::read_to_string(&adr).unwrap();
    let cut = text
        .find("## Consequences")
        .expect("the fixture has the section");
    std::fs::write(&adr, &text[..cut]).unwrap();
    let missing = |found: &[Problem]| -> Vec<(String, String)> {
        found
            .iter()
            .filter(|(_, c, _, _)| c == "missing-section")
            .map(|(s, _, f, _)| (s.clone(), f.clone()))
            .collect()
    };
    let (code, found) = check_problems(tmp.path());
    assert_eq!(
        missing(&found),
        vec![(
            "warning".to_string(),
            "doc/adr/0005-log-in-json.md".to_string()
        )],
        "{found:?}"
    );
    assert_eq!(code, Some(0), "a warning does not fail the check");

    // Once the folder says which sections it keeps, a missing one is an error.
    let toml = tmp.path().join("seam.toml");
    let settings = std::fs::read_to_string(&toml).unwrap().replace(
        "{ dir = \"adr\", format = \"nygard\" }",
        "{ dir = \"adr\", format = \"nygard\", required_sections = [\"Context\", \"Decision\", \"Consequences\"] }",
    );
    std::fs::write(&toml, settings).unwrap();
    let (code, found) = check_problems(tmp.path());
    assert_eq!(
        missing(&found),
        vec![(
            "error".to_string(),
            "doc/adr/0005-log-in-json.md".to_string()
        )],
        "{found:?}"
    );
    assert_eq!(code, Some(1));
}

#[test]
fn the_readme_of_an_adr_folder_introduces_the_index_also_when_it_is_the_content_folder() {
    // adr-tools' own layout read with the ADR folder as the content folder.
    for (content_dir, dirs) in [("doc", "\"adr\""), ("doc/adr", "\".\"")] {
        let tmp = copy_fixture(&import_fixture("nygard"));
        std::fs::write(
            tmp.path().join("seam.toml"),
            format!("today = \"2026-11-20\"\ncontent_dir = \"{content_dir}\"\n[kinds.adr]\nformat = \"nygard\"\ndirs = [{dirs}]\n"),
        )
        .unwrap();
        // A folder inside the temporary one: the previous site a build
        // keeps beside its output goes with it.
        let tmp_out = tempfile::tempdir().unwrap();
        let out = tmp_out.path().join("site");
        let o = run(&[
            "build",
            "--root",
            tmp.path().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let html = std::fs::read_to_string(out.join("adrs/index.html")).unwrap();
        assert!(
            main_of(&html).contains("Written with"),
            "{content_dir}: the README is the introduction\n{html}"
        );
        assert_eq!(index_rows(&html).len(), 10, "{content_dir}");
    }
}
