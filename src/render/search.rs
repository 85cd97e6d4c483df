//! The search producer: what each document gives the index ([`Entry`]), how
//! text becomes terms ([`fold`], [`words`]), and the files under `search/`
//! that `theme/search.js` fetches piece by piece:
//!
//! - `search/index.json`, the manifest: the number of documents, the chunk
//!   sizes, the stop words, and the first term of every shard;
//! - `search/terms/N.json`, the shards: terms in sorted order, each with its
//!   postings (document, impact, section), cut where a term's hash says so
//!   once a shard is large enough, so that an edit moves few boundaries;
//! - `search/docs/N.json`, what a result shows (title, address, kind, id,
//!   team, status), [`DOCS_CHUNK`] documents a file;
//! - `search/text/N.json`, each document's headings with their anchors and
//!   the opening of each section, for excerpts, [`TEXT_CHUNK`] a file;
//! - `search/facets.json`, each document's kind, status and team, for the
//!   counts beside the results page's filters.
//!
//! Postings carry a BM25 term-frequency part with field boosts, normalised
//! against a fixed document length, so that a posting depends on its own
//! document only; the script multiplies it by the term's rarity.

use std::collections::BTreeMap;
use std::sync::Arc;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use rayon::prelude::*;

use crate::link::Site;
use crate::model::{Details, Document};

/// The index format, checked by the script.
pub const FORMAT: u32 = 1;
/// Documents per `search/docs/` file.
pub const DOCS_CHUNK: usize = 64;
/// Documents per `search/text/` file.
pub const TEXT_CHUNK: usize = 128;
/// A shard is cut before a term once it holds this many bytes and the term's hash allows.
const SHARD_MIN: usize = 24 * 1024;
/// A shard is cut before a term once it holds this many bytes, whatever the hash.
const SHARD_MAX: usize = 64 * 1024;
/// Characters of each section's opening kept for excerpts.
const OPENING: usize = 200;
/// Longer words are not indexed (hashes, encoded data).
const LONGEST_TERM: usize = 40;

/// Ends the term that is a document's whole id, a character words never hold.
pub const ID_MARK: char = '#';

/// Words too common to tell documents apart; the script drops them from queries too.
pub const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have", "if",
    "in", "into", "is", "it", "its", "of", "on", "or", "our", "so", "that", "the", "their", "then",
    "there", "these", "this", "to", "was", "we", "were", "which", "will", "with",
];

/// BM25's term-frequency saturation.
const K1: f64 = 1.2;
/// BM25's length normalisation.
const B: f64 = 0.75;
/// The document length (in indexed words) that length normalisation is relative to.
const PIVOT: f64 = 400.0;
/// Impacts are stored as whole numbers from 1 to this.
const IMPACT_MAX: f64 = 31.0;

/// How much one occurrence counts, by where it is.
#[derive(Clone, Copy)]
enum Field {
    /// The whole id (`adr-7#`, `payments#`) and its parts (`adr`, `7`).
    Id = 12,
    /// The title.
    Title = 5,
    /// Headings, tags and the description.
    Heading = 3,
    /// The team's id, the kind and the status.
    Facet = 2,
    /// The body.
    Body = 1,
}

/// A word as it is indexed and looked up: lower case, without diacritics
/// (canonical decomposition, then marks dropped), and a number without its
/// leading zeros (`0007` is `7`). `theme/search.js` folds queries alike.
pub fn fold(word: &str) -> String {
    let lower = if word.is_ascii() {
        word.to_ascii_lowercase()
    } else {
        let lower = word.to_lowercase();
        let decomposed = icu_normalizer::DecomposingNormalizerBorrowed::new_nfd().normalize(&lower);
        let category =
            icu_properties::CodePointMapData::<icu_properties::props::GeneralCategory>::new();
        decomposed
            .chars()
            .filter(|&c| {
                !icu_properties::props::GeneralCategoryGroup::Mark.contains(category.get(c))
            })
            .collect()
    };
    if !lower.is_empty() && lower.bytes().all(|b| b.is_ascii_digit()) {
        let trimmed = lower.trim_start_matches('0');
        return if trimmed.is_empty() {
            "0".into()
        } else {
            trimmed.into()
        };
    }
    lower
}

/// The folded words of a text: runs of letters and digits, stop words and
/// over-long words left out.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    all_words(text).filter(|w| !STOP_WORDS.contains(&w.as_str()))
}

/// The folded words of a text, stop words included.
fn all_words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(fold)
        // Folding can leave nothing (a lone mark).
        .filter(|w| !w.is_empty() && w.chars().count() <= LONGEST_TERM)
}

/// The term that stands for a whole id: its words joined by `-`, then
/// [`ID_MARK`] (`ADR-0007` and `adr 7` are both `adr-7#`).
pub fn id_term(id: &str) -> String {
    let mut term = all_words(id).collect::<Vec<_>>().join("-");
    term.push(ID_MARK);
    term
}

/// What one document gives the search index.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// Each term, sorted, with its weighted count and the section it is first in (0: before any heading).
    pub terms: Vec<(String, Occurrence)>,
    /// Indexed words in all fields, for length normalisation.
    pub length: u32,
    /// What a result shows: title, address, kind, id, team, status.
    pub shown: [String; 6],
    /// Every heading's text and anchor.
    pub headings: Vec<(String, String)>,
    /// The opening of each section (the first before any heading).
    pub openings: Vec<String>,
}

/// A term in one document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Occurrence {
    /// Occurrences, each weighted by its field.
    pub weight: u32,
    /// The section of its first occurrence in a heading or the body.
    pub section: u32,
}

impl Entry {
    /// The term's impact in this document: BM25's term-frequency part, 1 to 31.
    pub fn impact(&self, o: Occurrence) -> u32 {
        let tf = f64::from(o.weight);
        let norm = K1 * (1.0 - B + B * f64::from(self.length) / PIVOT);
        let part = tf * (K1 + 1.0) / (tf + norm) / (K1 + 1.0);
        (part * IMPACT_MAX).round().clamp(1.0, IMPACT_MAX) as u32
    }
}

/// Collects a document's terms.
#[derive(Default)]
struct Terms {
    map: fnv::FnvHashMap<String, Occurrence>,
    length: u32,
}

impl Terms {
    fn add(&mut self, term: String, field: Field, section: Option<u32>) {
        self.length += 1;
        let o = self.map.entry(term).or_insert(Occurrence {
            weight: 0,
            section: u32::MAX,
        });
        o.weight += field as u32;
        if let Some(s) = section {
            o.section = o.section.min(s);
        }
    }

    fn text(&mut self, text: &str, field: Field, section: Option<u32>) {
        for w in words(text) {
            self.add(w, field, section);
        }
    }
}

/// What `doc` gives the index.
pub fn entry(doc: &Document) -> Entry {
    let mut terms = Terms::default();
    // The whole id, marked so that only a query of exactly it finds it (`adr-7#`).
    let id = id_term(&doc.id);
    if id.len() > 1 {
        terms.add(id, Field::Id, None);
    }
    terms.text(&doc.id, Field::Id, None);
    terms.text(&doc.title, Field::Title, None);
    if let Some(d) = &doc.description {
        terms.text(d, Field::Heading, None);
    }
    for t in &doc.tags {
        terms.text(t, Field::Heading, None);
    }
    terms.text(doc.kind.as_str(), Field::Facet, None);
    let team = doc.team().unwrap_or_default().to_string();
    if !matches!(doc.details, Details::Team(_)) {
        terms.text(&team, Field::Facet, None);
    }
    let status = doc.status().unwrap_or_default();
    terms.text(&status, Field::Facet, None);

    // The body: headings count more, code blocks and raw HTML are left out.
    let mut section = 0u32;
    let mut in_heading = false;
    let mut in_code = false;
    let mut openings = vec![String::new()];
    let body = doc.source.body();
    for event in Parser::new_ext(body, crate::load::markdown_options()) {
        match event {
            Event::Start(Tag::Heading { .. }) => {
                section += 1;
                in_heading = true;
                openings.push(String::new());
            }
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(t) | Event::Code(t) if !in_code => {
                if in_heading {
                    terms.text(&t, Field::Heading, Some(section));
                } else {
                    terms.text(&t, Field::Body, Some(section));
                    let opening = openings.last_mut().expect("one opening per section");
                    if opening.chars().count() < OPENING {
                        if !opening.is_empty() && !opening.ends_with(' ') {
                            opening.push(' ');
                        }
                        opening.extend(t.chars().take(OPENING - opening.chars().count()));
                    }
                }
            }
            Event::SoftBreak | Event::HardBreak if !in_heading => {
                if let Some(o) = openings.last_mut()
                    && !o.is_empty()
                    && !o.ends_with(' ')
                {
                    o.push(' ');
                }
            }
            _ => {}
        }
    }
    let mut sorted: Vec<(String, Occurrence)> = terms
        .map
        .into_iter()
        .map(|(t, mut o)| {
            if o.section == u32::MAX {
                o.section = 0;
            }
            (t, o)
        })
        .collect();
    sorted.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let headings = doc
        .source
        .outline
        .headings
        .iter()
        .map(|h| (h.text.clone(), h.anchor.clone()))
        .collect();
    Entry {
        terms: sorted,
        length: terms.length,
        shown: [
            doc.title.clone(),
            doc.url.clone(),
            doc.kind.as_str().to_string(),
            doc.id.clone(),
            team,
            status,
        ],
        headings,
        openings: openings.into_iter().map(|o| o.trim().to_string()).collect(),
    }
}

/// The alphabet of encoded numbers: the first 32 characters end a number,
/// the last 32 carry five more bits of it (least significant first).
const DIGITS: &[u8; 64] = b"0123456789abcdefghijklmnopqrstuvABCDEFGHIJKLMNOPQRSTUVwxyzWXYZ_-";

/// Appends `n` to `out` in the script's compact form (five bits a character).
pub fn encode_number(mut n: u32, out: &mut String) {
    while n >= 32 {
        out.push(DIGITS[32 + (n & 31) as usize] as char);
        n >>= 5;
    }
    out.push(DIGITS[n as usize] as char);
}

/// The numbers encoded by [`encode_number`], in order (for tests).
pub fn decode_numbers(text: &str) -> Vec<u32> {
    let mut out = Vec::new();
    let (mut n, mut shift) = (0u32, 0u32);
    for b in text.bytes() {
        let d = DIGITS
            .iter()
            .position(|&x| x == b)
            .expect("an encoded digit") as u32;
        if d >= 32 {
            n |= (d - 32) << shift;
            shift += 5;
        } else {
            out.push(n | (d << shift));
            n = 0;
            shift = 0;
        }
    }
    out
}

/// The whole search index of one site: every file under `search/`, in order.
#[derive(Debug, Default)]
pub struct SearchIndex {
    /// Path under the output folder and contents of each file.
    pub files: Vec<(String, String)>,
}

impl SearchIndex {
    /// The contents of the file at `path`.
    pub fn file(&self, path: &str) -> Option<&str> {
        self.files
            .binary_search_by(|(p, _)| p.as_str().cmp(path))
            .ok()
            .map(|i| self.files[i].1.as_str())
    }
}

/// The search index of `site`, made on first use.
pub fn of(site: &Site) -> &SearchIndex {
    site.search.get_or_init(|| Arc::new(index_site(site)))
}

/// The search index of `site`, from each document's entry.
pub fn index_site(site: &Site) -> SearchIndex {
    let entries: Vec<Arc<Entry>> = site
        .documents
        .par_iter()
        .map(|d| Arc::new(entry(d)))
        .collect();
    index(&entries)
}

/// The index of these entries, a document's number being its position.
pub fn index(entries: &[Arc<Entry>]) -> SearchIndex {
    let (terms, (docs, (text, facets))) = rayon::join(
        || term_files(entries),
        || {
            rayon::join(
                || docs_files(entries),
                || rayon::join(|| text_files(entries), || facets_file(entries)),
            )
        },
    );
    let (shards, firsts) = terms;
    let manifest = serde_json::json!({
        "format": FORMAT,
        "documents": entries.len(),
        "docs_chunk": DOCS_CHUNK,
        "text_chunk": TEXT_CHUNK,
        "stop_words": STOP_WORDS,
        "shards": firsts,
    });
    let mut files = vec![("search/index.json".to_string(), manifest.to_string())];
    files.push(("search/facets.json".to_string(), facets));
    files.extend(shards);
    files.extend(docs);
    files.extend(text);
    files.sort_by(|a, b| a.0.cmp(&b.0));
    SearchIndex { files }
}

/// Every term's postings, encoded: for each document (by number, as the
/// difference from the one before), its impact and its section.
fn postings(entries: &[Arc<Entry>]) -> Vec<(&str, String)> {
    let mut by_term: fnv::FnvHashMap<&str, (u32, String)> = Default::default();
    for (n, e) in entries.iter().enumerate() {
        let n = n as u32;
        for (term, o) in &e.terms {
            let (last, out) = by_term
                .entry(term.as_str())
                .or_insert_with(|| (0, String::new()));
            encode_number(n - *last, out);
            encode_number(e.impact(*o), out);
            encode_number(o.section, out);
            *last = n;
        }
    }
    let mut terms: Vec<(&str, String)> = by_term.into_iter().map(|(t, (_, p))| (t, p)).collect();
    terms.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
    terms
}

/// The shard files, and the first term of each.
fn term_files(entries: &[Arc<Entry>]) -> (Vec<(String, String)>, Vec<String>) {
    let terms = postings(entries);
    // Cut before a term when the shard is full, or large enough and the term's hash says so.
    let mut shards: Vec<Vec<(&str, String)>> = Vec::new();
    let mut size = 0usize;
    for (term, posting) in terms {
        let cut = shards.is_empty()
            || size >= SHARD_MAX
            || (size >= SHARD_MIN && crate::model::stable_hash(term) % 4 == 0);
        if cut {
            shards.push(Vec::new());
            size = 0;
        }
        size += term.len() + posting.len() + 6;
        shards.last_mut().expect("a shard").push((term, posting));
    }
    let firsts = shards
        .iter()
        .enumerate()
        .map(|(i, s)| {
            if i == 0 {
                String::new()
            } else {
                s[0].0.to_string()
            }
        })
        .collect();
    let files = shards
        .into_par_iter()
        .enumerate()
        .map(|(i, s)| {
            let body = serde_json::json!({ "format": FORMAT, "terms": s });
            (format!("search/terms/{i}.json"), body.to_string())
        })
        .collect();
    (files, firsts)
}

/// What results show, [`DOCS_CHUNK`] documents a file.
fn docs_files(entries: &[Arc<Entry>]) -> Vec<(String, String)> {
    entries
        .par_chunks(DOCS_CHUNK)
        .enumerate()
        .map(|(i, chunk)| {
            let shown: Vec<&[String; 6]> = chunk.iter().map(|e| &e.shown).collect();
            (
                format!("search/docs/{i}.json"),
                serde_json::to_string(&shown).expect("strings"),
            )
        })
        .collect()
}

/// Headings and section openings, [`TEXT_CHUNK`] documents a file.
fn text_files(entries: &[Arc<Entry>]) -> Vec<(String, String)> {
    entries
        .par_chunks(TEXT_CHUNK)
        .enumerate()
        .map(|(i, chunk)| {
            let text: Vec<_> = chunk.iter().map(|e| (&e.headings, &e.openings)).collect();
            (
                format!("search/text/{i}.json"),
                serde_json::to_string(&text).expect("strings"),
            )
        })
        .collect()
}

/// Each document's kind, status and team, as numbers into lists of each.
fn facets_file(entries: &[Arc<Entry>]) -> String {
    let mut values: [BTreeMap<&str, u32>; 3] = Default::default();
    for e in entries {
        for (f, v) in values
            .iter_mut()
            .zip([&e.shown[2], &e.shown[5], &e.shown[4]])
        {
            if !v.is_empty() {
                f.insert(v.as_str(), 0);
            }
        }
    }
    for f in values.iter_mut() {
        for (n, v) in f.values_mut().enumerate() {
            *v = n as u32 + 1;
        }
    }
    let mut encoded = String::with_capacity(entries.len() * 4);
    for e in entries {
        for (f, v) in values.iter().zip([&e.shown[2], &e.shown[5], &e.shown[4]]) {
            encode_number(f.get(v.as_str()).copied().unwrap_or(0), &mut encoded);
        }
    }
    fn names<'a>(f: &BTreeMap<&'a str, u32>) -> Vec<&'a str> {
        f.keys().copied().collect()
    }
    serde_json::json!({
        "format": FORMAT,
        "kinds": names(&values[0]),
        "statuses": names(&values[1]),
        "teams": names(&values[2]),
        "documents": encoded,
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_folded_split_and_stripped_of_stop_words() {
        let w: Vec<String> = words("The Café's ÜBER-fast API, ADR-0007 and naïve 00").collect();
        assert_eq!(
            w,
            ["cafe", "s", "uber", "fast", "api", "adr", "7", "naive", "0"]
        );
        assert_eq!(fold("Ångström"), "angstrom");
        assert_eq!(fold("0042"), "42");
        assert_eq!(fold("x0042"), "x0042");
        assert_eq!(id_term("ADR-0007"), "adr-7#");
        assert_eq!(id_term("The Platform"), "the-platform#");
    }

    #[test]
    fn numbers_round_trip_through_the_compact_form() {
        let numbers = [0, 1, 31, 32, 33, 1023, 1024, 65_535, 1_000_000, u32::MAX];
        let mut s = String::new();
        for n in numbers {
            encode_number(n, &mut s);
        }
        assert_eq!(decode_numbers(&s), numbers);
        // Small numbers take one character.
        let mut one = String::new();
        encode_number(31, &mut one);
        assert_eq!(one, "v");
    }

    fn site_entry(files: &[(&str, &str)], id: &str) -> Entry {
        let site = crate::site::test_site(files, "2026-11-20");
        let doc = site
            .documents
            .iter()
            .find(|d| d.id == id)
            .expect("the document");
        entry(doc)
    }

    #[test]
    fn an_entry_weighs_id_title_and_headings_above_the_body() {
        let e = site_entry(
            &[(
                "adrs/0007-queue.md",
                "---\ntitle: Use a queue for billing\nstatus: accepted\ndate: 2026-01-02\n---\n\
                 Intro about billing.\n\n## Context\n\nWe needed ordering.\n\n## Decision\n\nA queue, with ordering.\n",
            )],
            "ADR-0007",
        );
        let get = |t: &str| e.terms.iter().find(|(x, _)| x == t).map(|(_, o)| *o);
        let id = get("adr-7#").expect("the whole id is a term");
        let title = get("queue").expect("a title word");
        let body = get("ordering").expect("a body word");
        assert!(e.impact(id) > e.impact(body));
        assert!(title.weight > body.weight);
        // First in the body's first heading's section.
        assert_eq!(body.section, 1);
        assert_eq!(get("context").expect("a heading").section, 1);
        assert_eq!(
            get("accepted").expect("the status").weight,
            Field::Facet as u32
        );
        assert_eq!(
            e.headings.iter().map(|h| h.0.as_str()).collect::<Vec<_>>(),
            ["Context", "Decision"]
        );
        assert_eq!(
            e.openings,
            [
                "Intro about billing.",
                "We needed ordering.",
                "A queue, with ordering."
            ]
        );
        assert!(get("the").is_none(), "stop words are left out");
    }

    #[test]
    fn impacts_grow_with_count_and_shrink_with_length() {
        let e = |length| Entry {
            terms: Vec::new(),
            length,
            shown: Default::default(),
            headings: Vec::new(),
            openings: Vec::new(),
        };
        let o = |weight| Occurrence { weight, section: 0 };
        assert!(e(400).impact(o(3)) > e(400).impact(o(1)));
        assert!(e(100).impact(o(1)) > e(2000).impact(o(1)));
        assert!((1..=31).contains(&e(100_000).impact(o(1))));
        assert_eq!(e(1).impact(o(1000)), 31);
    }

    #[test]
    fn the_index_is_cut_into_sorted_shards_named_in_the_manifest() {
        // Many distinct terms, so that there are several shards.
        let entries: Vec<Arc<Entry>> = (0..400)
            .map(|n| {
                let mut terms: Vec<(String, Occurrence)> = (0..60)
                    .map(|k| {
                        (
                            format!("w{:05}", (n * 7 + k * 13) % 5000),
                            Occurrence {
                                weight: 1,
                                section: 0,
                            },
                        )
                    })
                    .collect();
                terms.sort_by(|a, b| a.0.cmp(&b.0));
                terms.dedup_by(|a, b| a.0 == b.0);
                Arc::new(Entry {
                    terms,
                    length: 60,
                    shown: [
                        format!("Doc {n}"),
                        format!("d/{n}/"),
                        "page".into(),
                        format!("d{n}"),
                        String::new(),
                        String::new(),
                    ],
                    headings: Vec::new(),
                    openings: vec![String::new()],
                })
            })
            .collect();
        let index = index(&entries);
        let manifest: serde_json::Value =
            serde_json::from_str(index.file("search/index.json").expect("a manifest"))
                .expect("JSON");
        let firsts: Vec<&str> = manifest["shards"]
            .as_array()
            .expect("shards")
            .iter()
            .map(|v| v.as_str().expect("a term"))
            .collect();
        assert!(firsts.len() > 2, "{} shards", firsts.len());
        assert!(firsts.windows(2).all(|w| w[0] < w[1]));
        let mut all = 0;
        for (k, first) in firsts.iter().enumerate() {
            let shard: serde_json::Value = serde_json::from_str(
                index
                    .file(&format!("search/terms/{k}.json"))
                    .expect("a shard"),
            )
            .expect("JSON");
            let terms = shard["terms"].as_array().expect("terms");
            let names: Vec<&str> = terms
                .iter()
                .map(|t| t[0].as_str().expect("a term"))
                .collect();
            assert!(k == 0 || names[0] == *first);
            assert!(
                names
                    .iter()
                    .all(|t| *t >= *first && firsts.get(k + 1).is_none_or(|next| t < next))
            );
            for t in terms {
                let numbers = decode_numbers(t[1].as_str().expect("postings"));
                assert_eq!(numbers.len() % 3, 0);
                all += numbers.len() / 3;
            }
        }
        assert_eq!(all, entries.iter().map(|e| e.terms.len()).sum::<usize>());
        assert_eq!(
            index
                .file("search/docs/6.json")
                .map(|d| d.matches("Doc ").count()),
            Some(400 - 6 * DOCS_CHUNK)
        );
        // The same entries give the same bytes.
        let again = super::index(&entries);
        assert_eq!(again.files, index.files);
    }
}
