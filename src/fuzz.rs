//! Entry points for fuzzing: each takes arbitrary bytes, runs one part of the
//! pipeline on them and checks what must hold whatever the input (no panic,
//! every diagnostic inside its file, no live script in the HTML). The
//! targets under `fuzz/` call them under libFuzzer; a unit test replays the
//! kept corpus (`fuzz/corpus/`) through them on every test run.

use std::path::PathBuf;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::load::{Corpus, Source, parse_source, parse_source_in};
use crate::model::{
    adr_id, adr_number_from_stem, document_from_source, parse_adr_reference, parse_date,
    parse_handoff, parse_loose_date, parse_period,
};

/// Where each fuzzed file is put, by the input's first byte: one of each kind,
/// and an imported ADR folder's file.
const PATHS: &[&str] = &[
    "teams/payments.md",
    "adrs/0007-use-kafka.md",
    "alignments/ledger-cutover.md",
    "rotations/payments-on-call.md",
    "updates/2026-w47-payments.md",
    "handbook/index.md",
    "index.md",
    "adrs/0008-second.md",
];

/// The text of fuzzed bytes: invalid UTF-8 is replaced, as a file that
/// did not decode is reported and skipped before parsing.
fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// Checks that every diagnostic points inside `text`: its line exists and
/// its column is at most one past that line's end.
fn assert_inside(diagnostics: &[Diagnostic], file: &str, text: &str) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.split('\n').collect();
    for d in diagnostics {
        if *d.span.file != *std::path::Path::new(file) {
            continue;
        }
        let line = d.span.line as usize;
        assert!(
            line >= 1 && line <= lines.len().max(1),
            "{} at line {line} of a {}-line file",
            d.code,
            lines.len()
        );
        let width = lines
            .get(line - 1)
            .map_or(0, |l| l.trim_end_matches('\r').chars().count());
        assert!(
            d.span.column as usize <= width + 2,
            "{} at column {} of a {width}-character line",
            d.code,
            d.span.column
        );
    }
}

/// Splits front matter and parses one file, as a file of its folder's kind
/// and as an imported ADR, then types it. The first byte picks the folder.
pub fn document(data: &[u8]) {
    let (path, data) = match data.split_first() {
        Some((&b, rest)) => (PATHS[b as usize % PATHS.len()], rest),
        None => (PATHS[0], data),
    };
    let text = text(data);
    let file = format!("content/{path}");
    let config = Config::default();
    for imported in [false, true] {
        let (source, diagnostics) = parse_source_in(
            PathBuf::from(&file),
            path.to_string(),
            text.clone(),
            imported,
        );
        assert_inside(&diagnostics, &file, &text);
        if let Some(source) = source {
            let (_, diagnostics) = document_from_source(source, &config);
            assert_inside(&diagnostics, &file, &text);
        }
    }
}

/// The parsers of references and values a field can hold: ADR references,
/// dates, periods, hand-offs, file-name numbers, slugs and id terms.
pub fn references(data: &[u8]) {
    let text = text(data);
    for s in std::iter::once(text.as_str()).chain(text.split('\n')) {
        for bare in [false, true] {
            if let Some(n) = parse_adr_reference(s, bare) {
                // The number read back from the id it gives is the same number.
                assert_eq!(parse_adr_reference(&adr_id(n), false), Some(n));
            }
        }
        if let Ok(date) = parse_date(s) {
            // A date read is the date written back.
            let written = date.format("%Y-%m-%d").to_string();
            assert_eq!(parse_date(&written), Ok(date), "{s:?}");
            if (1..=9999).contains(&chrono::Datelike::year(&date)) {
                assert_eq!(parse_loose_date(s), Some(date), "{s:?}");
            }
        }
        let _ = parse_period(s);
        let _ = parse_handoff(s);
        let _ = adr_number_from_stem(s);
        let slug = crate::load::slugify(s);
        assert_eq!(crate::load::slugify(&slug), slug, "a slug is its own slug");
        let _ = crate::render::search::id_term(s);
        let _ = crate::load::resolve_relative("content/adrs/0007-x.md", s);
    }
}

/// The whole pipeline on a repo made from the input: files separated by a
/// line `%%%`, each placed by its first byte, read, typed, linked, checked
/// and rendered in memory. No page may hold a live `javascript:` link or a
/// `<script>` the input wrote.
pub fn pipeline(data: &[u8]) {
    let text = text(data);
    let mut sources: Vec<Source> = Vec::new();
    let mut diagnostics = Vec::new();
    let mut taken = std::collections::BTreeSet::new();
    for (n, part) in text.split("\n%%%\n").take(PATHS.len()).enumerate() {
        let pick = part.bytes().next().unwrap_or(0) as usize + n;
        let path = (0..PATHS.len())
            .map(|i| PATHS[(pick + i) % PATHS.len()])
            .find(|p| taken.insert(*p))
            .expect("fewer parts than paths");
        let file = PathBuf::from(format!("content/{path}"));
        let (source, found) = parse_source(file, path.to_string(), part.to_string());
        diagnostics.extend(found);
        sources.extend(source);
    }
    sources.sort_by(|a, b| a.rel.cmp(&b.rel));
    let corpus = Corpus {
        // No such folder: the built-in theme and templates are used.
        root: PathBuf::from("/nonexistent/seam-fuzz"),
        config: Config::default(),
        sources,
        assets: Vec::new(),
        diagnostics,
    };
    let model = crate::model::build(corpus);
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).expect("a date");
    let site = crate::site::link_model(model, today, crate::site::Digests::All);
    // The built-in templates, compiled once for every run.
    static TERA: std::sync::OnceLock<tera::Tera> = std::sync::OnceLock::new();
    let tera = TERA.get_or_init(|| {
        crate::render::load_templates(&site.root).expect("the built-in templates compile")
    });
    let files = crate::render::render(&site, tera).expect("the built-in templates render any site");
    for f in &files {
        if !f.path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(&f.contents).to_ascii_lowercase();
        assert!(
            !html.contains("href=\"javascript:"),
            "a live javascript: link in {}",
            f.path
        );
        assert!(
            !html.contains("<script>alert"),
            "the input's script in {}",
            f.path
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs every kept input of `target`'s corpus through `run`.
    fn replay(target: &str, run: fn(&[u8])) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz/corpus")
            .join(target);
        let mut inputs: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        inputs.sort();
        assert!(
            inputs.len() >= 20,
            "{target}'s corpus has {} inputs",
            inputs.len()
        );
        for path in inputs {
            let data = std::fs::read(&path).unwrap();
            if std::panic::catch_unwind(|| run(&data)).is_err() {
                panic!("{target} failed on {}", path.display());
            }
        }
    }

    #[test]
    fn the_kept_document_corpus_replays() {
        replay("document", document);
    }

    #[test]
    fn the_kept_references_corpus_replays() {
        replay("references", references);
    }

    #[test]
    fn the_kept_pipeline_corpus_replays() {
        replay("pipeline", pipeline);
    }

    #[test]
    fn the_checks_catch_what_they_are_for() {
        // A span past the file's end, and a live script link, are caught.
        let d = Diagnostic::error("x", crate::diagnostic::Span::new("content/a.md", 9, 1), "m");
        assert!(std::panic::catch_unwind(|| assert_inside(&[d], "content/a.md", "one\n")).is_err());
        let d = Diagnostic::error("x", crate::diagnostic::Span::new("content/a.md", 1, 9), "m");
        assert!(std::panic::catch_unwind(|| assert_inside(&[d], "content/a.md", "one\n")).is_err());
        let d = Diagnostic::error("x", crate::diagnostic::Span::new("content/a.md", 2, 1), "m");
        assert_inside(&[d], "content/a.md", "one\n");
    }
}
