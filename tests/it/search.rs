//! Search as a reader meets it: the index Seam writes, the engine of
//! `theme/search.js` run by Node on a small fixture, and the real page typed
//! into in headless Chromium. Without Node or Chromium these tests say so and
//! pass, except in CI (`CI` set), where a missing tool is a failure.

use std::path::Path;
use std::process::Command;

use super::browser::{browser_tests, chromium, drive, have, serve_static};
use super::{example, fixture, seam};

fn build(root: &Path, out: &Path, base_url: Option<&str>) {
    let mut cmd = seam();
    cmd.arg("--root")
        .arg(root)
        .args(["build", "--quiet", "--out"])
        .arg(out);
    if let Some(url) = base_url {
        cmd.args(["--base-url", url]);
    }
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// Bytes unpacked by a gzip reader this project did not write.
fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut unpacked = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(bytes), &mut unpacked)
        .expect("gzip");
    unpacked
}

fn search_files(out: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(out.join("search"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(out)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn the_index_is_json_in_pieces_and_the_same_every_build() {
    // Sites in folders of a temporary one: the previous site a build keeps
    // beside its output goes with it.
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    build(&example(), &a, None);
    build(&example(), &b, None);
    let files = search_files(&a);
    assert_eq!(files, search_files(&b), "two builds give the same index");
    let manifest: serde_json::Value = serde_json::from_slice(&gunzip(
        &std::fs::read(a.join("search/index.json.gz")).unwrap(),
    ))
    .unwrap();
    let documents = manifest["documents"].as_u64().unwrap() as usize;
    let shards = manifest["shards"].as_array().unwrap();
    assert!(documents > 50, "{documents} documents");
    let count = |dir: &str| files.iter().filter(|(p, _)| p.starts_with(dir)).count();
    assert_eq!(count("search/terms/"), shards.len());
    let chunk = |key: &str| manifest[key].as_u64().unwrap() as usize;
    assert_eq!(
        count("search/docs/"),
        documents.div_ceil(chunk("docs_chunk"))
    );
    assert_eq!(
        count("search/text/"),
        documents.div_ceil(chunk("text_chunk"))
    );
    assert_eq!(
        count("search/ends/"),
        manifest["ends"].as_array().unwrap().len()
    );
    // Every file of the index is gzipped JSON.
    for (path, bytes) in files.iter().filter(|(p, _)| p != "search/index.html") {
        assert!(path.ends_with(".json.gz"), "{path}");
        serde_json::from_slice::<serde_json::Value>(&gunzip(bytes))
            .unwrap_or_else(|e| panic!("{path}: {e}"));
    }
    // Every page carries the box; the results page says what it needs without JavaScript.
    let home = std::fs::read_to_string(a.join("index.html")).unwrap();
    assert!(home.contains(r#"role="search""#) && home.contains("theme/search.js"));
    let page = std::fs::read_to_string(a.join("search/index.html")).unwrap();
    assert!(page.contains("Search needs JavaScript"));
    assert!(a.join("theme/search.js").is_file());
}

#[test]
fn the_engine_ranks_tokenises_and_forgives_typos_as_pinned() {
    if !have("node", &["--version"]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    build(&fixture("search"), &out, None);
    let o = Command::new("node")
        .arg("--test")
        .arg(browser_tests().join("engine.test.mjs"))
        .env("SITE", &out)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(text.contains("# fail 0"), "{text}");
}

#[test]
fn search_works_in_headless_chromium_behind_a_sub_path() {
    let Some(chromium) = chromium() else {
        return;
    };
    // The site published under /wiki/ of its host, as behind a sub-path.
    let dir = tempfile::tempdir().unwrap();
    let (server, port) = serve_static(dir.path());
    let url = format!("http://127.0.0.1:{port}/wiki/");
    build(&example(), &dir.path().join("wiki"), Some(&url));
    drive(&chromium, "search.mjs", &[url.as_ref()]);
    drop(server);
}
