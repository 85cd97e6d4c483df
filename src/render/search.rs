//! The search producer: what each document gives the index ([`Entry`]), how
//! text becomes terms ([`fold`], [`words`]), and the files under `search/`
//! that `theme/search.js` fetches piece by piece:
//!
//! - `search/index.json.gz`, the manifest: the number of documents, the chunk
//!   sizes, the stop words, and the first term of every shard;
//! - `search/terms/N.json.gz`, the shards: terms in sorted order, each with its
//!   postings (document, impact, section), cut where a term's hash says so
//!   once a shard is large enough, so that an edit moves few boundaries;
//! - `search/docs/N.json.gz`, what a result shows (title, address, kind, id,
//!   team, status), [`DOCS_CHUNK`] documents a file;
//! - `search/text/N.json.gz`, each document's headings with their anchors and
//!   the opening of each section, for excerpts, [`TEXT_CHUNK`] a file;
//! - `search/ends/N.json.gz`, the typo shards: long terms sorted by their
//!   reversed spelling, for a word whose first letters are mistyped;
//! - `search/facets.json.gz`, each document's kind, status and team, for the
//!   counts beside the results page's filters.
//!
//! Every file is written gzipped ([`SearchFile::published`])
//! and unpacked by the script, so a query fetches the compressed bytes
//! whether or not the host compresses what it serves.
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
pub const FORMAT: u32 = 3;
/// Documents per `search/docs/` file.
pub const DOCS_CHUNK: usize = 128;
/// Documents per `search/text/` file.
pub const TEXT_CHUNK: usize = 128;
/// A shard is cut before a term once it holds this many bytes and the term's hash allows.
const SHARD_MIN: usize = 26 * 1024;
/// A shard is cut before a term that would take it past this many bytes,
/// whatever the hash (a term larger than this has a shard of its own).
const SHARD_MAX: usize = 44 * 1024;
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
/// Impacts are stored as whole numbers from 1 to this: sixteen steps rank
/// as thirty-two did on the benchmark's queries, and take a bit less a posting.
const IMPACT_MAX: f64 = 15.0;

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
    all_words(text).filter(|w| !is_stop_word(w))
}

/// Whether a folded word is one of [`STOP_WORDS`].
pub fn is_stop_word(word: &str) -> bool {
    // A match compiles to a switch on length, then on bytes.
    matches!(
        word,
        "a" | "an"
            | "and"
            | "are"
            | "as"
            | "at"
            | "be"
            | "but"
            | "by"
            | "for"
            | "from"
            | "has"
            | "have"
            | "if"
            | "in"
            | "into"
            | "is"
            | "it"
            | "its"
            | "of"
            | "on"
            | "or"
            | "our"
            | "so"
            | "that"
            | "the"
            | "their"
            | "then"
            | "there"
            | "these"
            | "this"
            | "to"
            | "was"
            | "we"
            | "were"
            | "which"
            | "will"
            | "with"
    )
}

/// The folded words of a text, stop words included.
fn all_words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(fold)
        // Folding can leave nothing (a lone mark).
        .filter(|w| !w.is_empty() && w.chars().count() <= LONGEST_TERM)
}

/// Calls `each` with every folded word of `text` that [`words`] gives: a
/// slice of `text` when it is already folded (most prose), else `buffer`,
/// reused (the index's hot path: no allocation per word). The flag says
/// whether the word is a slice of `text`.
fn each_word<'t>(text: &'t str, buffer: &mut String, mut each: impl FnMut(&str, Option<&'t str>)) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // A run of letters and digits, scanned by byte while it is ASCII,
        // noting which classes of byte it holds.
        let start = i;
        let mut classes = 0u8;
        while i < bytes.len() {
            let class = ASCII_CLASS[bytes[i] as usize];
            if class == 0 {
                break;
            }
            if class == NON_ASCII {
                let c = text[i..].chars().next().expect("a char starts here");
                if !c.is_alphanumeric() {
                    break;
                }
                i += c.len_utf8();
            } else {
                i += 1;
            }
            classes |= class;
        }
        if i == start {
            // A separator: one ASCII byte, or one other character.
            i += if bytes[i] < 0x80 {
                1
            } else {
                text[i..].chars().next().map_or(1, char::len_utf8)
            };
            continue;
        }
        let w = &text[start..i];
        if classes & NON_ASCII == 0 {
            if w.len() > LONGEST_TERM {
                continue;
            }
            let digits = classes == DIGIT;
            if (!digits || !w.starts_with('0')) && classes & UPPER == 0 {
                if !is_stop_word(w) {
                    each(w, Some(w));
                }
                continue;
            }
            buffer.clear();
            if digits {
                let trimmed = w.trim_start_matches('0');
                buffer.push_str(if trimmed.is_empty() { "0" } else { trimmed });
            } else {
                buffer.extend(w.bytes().map(|b| b.to_ascii_lowercase() as char));
            }
        } else {
            buffer.clear();
            buffer.push_str(&fold(w));
            if buffer.is_empty() || buffer.chars().count() > LONGEST_TERM {
                continue;
            }
        }
        if !is_stop_word(buffer) {
            each(buffer, None);
        }
    }
}

/// [`each_word`]'s byte classes: 0 for ASCII that is neither letter nor digit.
const LOWER: u8 = 1;
const UPPER: u8 = 2;
const DIGIT: u8 = 4;
/// A byte of a character beyond ASCII, which may or may not be a letter.
const NON_ASCII: u8 = 8;
const ASCII_CLASS: [u8; 256] = {
    let mut classes = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        classes[b] = match b as u8 {
            b'a'..=b'z' => LOWER,
            b'A'..=b'Z' => UPPER,
            b'0'..=b'9' => DIGIT,
            0x80..=0xff => NON_ASCII,
            _ => 0,
        };
        b += 1;
    }
    classes
};

/// The term that stands for a whole id: its words joined by `-`, then
/// [`ID_MARK`] (`ADR-0007` and `adr 7` are both `adr-7#`).
pub fn id_term(id: &str) -> String {
    let mut term = all_words(id).collect::<Vec<_>>().join("-");
    term.push(ID_MARK);
    term
}

/// What one document gives the search index.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Entry {
    /// Each term, sorted, with its weighted count and the section it is first in (0: before any heading).
    pub terms: TermList,
    /// Indexed words in all fields, for length normalisation.
    pub length: u32,
    /// What a result shows: title, address, kind, id, team, status.
    pub shown: [String; 6],
    /// Every heading's text and anchor.
    pub headings: Vec<(String, String)>,
    /// The opening of each section (the first before any heading).
    pub openings: Vec<String>,
}

/// A document's terms in sorted order, held in one string (a document has
/// hundreds; one allocation each would dominate indexing).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TermList {
    text: String,
    ends: Vec<(u32, Occurrence)>,
}

impl TermList {
    /// The list of these terms, which must be sorted and distinct.
    pub fn new<'a>(terms: impl IntoIterator<Item = (&'a str, Occurrence)>) -> TermList {
        let mut list = TermList::default();
        for (t, o) in terms {
            list.text.push_str(t);
            list.ends.push((list.text.len() as u32, o));
        }
        list
    }

    /// Each term and its occurrence, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Occurrence)> + '_ {
        let mut start = 0usize;
        self.ends.iter().map(move |&(end, o)| {
            let term = &self.text[start..end as usize];
            start = end as usize;
            (term, o)
        })
    }

    /// How many terms there are.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
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
    /// The term's impact in this document: BM25's term-frequency part, 1 to 15.
    pub fn impact(&self, o: Occurrence) -> u32 {
        let tf = f64::from(o.weight);
        let norm = K1 * (1.0 - B + B * f64::from(self.length) / PIVOT);
        let part = tf * (K1 + 1.0) / (tf + norm) / (K1 + 1.0);
        (part * IMPACT_MAX).round().clamp(1.0, IMPACT_MAX) as u32
    }
}

/// Collects a document's terms, borrowing those that are slices of its text.
#[derive(Default)]
struct Terms<'a> {
    map: fnv::FnvHashMap<std::borrow::Cow<'a, str>, Occurrence>,
    length: u32,
}

impl<'a> Terms<'a> {
    /// Counts one occurrence of a term; `slice` is the term when it is a
    /// slice of a text that lives as long as the document.
    fn add(&mut self, term: &str, slice: Option<&'a str>, field: Field, section: Option<u32>) {
        self.length += 1;
        let o = match self.map.get_mut(term) {
            Some(o) => o,
            None => self.map.entry(key(term, slice)).or_insert(Occurrence {
                weight: 0,
                section: u32::MAX,
            }),
        };
        o.weight += field as u32;
        if let Some(s) = section {
            o.section = o.section.min(s);
        }
    }
}

/// A term as a key that may outlive the call: borrowed when it is a slice
/// of the document, else copied.
fn key<'a>(term: &str, slice: Option<&'a str>) -> std::borrow::Cow<'a, str> {
    match slice {
        Some(s) => std::borrow::Cow::Borrowed(s),
        None => std::borrow::Cow::Owned(term.to_string()),
    }
}

/// What a document shows in results: its [`Entry`] but for the terms.
struct Shown {
    shown: [String; 6],
    headings: Vec<(String, String)>,
    openings: Vec<String>,
}

/// Hands the words of a document's texts to a reader's `each`.
struct Reader<'a, F> {
    each: F,
    buffer: String,
    doc: std::marker::PhantomData<&'a Document>,
}

impl<'a, F: FnMut(&str, Option<&'a str>, Field, Option<u32>)> Reader<'a, F> {
    /// The words of a text that lives as long as the document (its words are slices of it).
    fn text(&mut self, text: &'a str, field: Field, section: Option<u32>) {
        let each = &mut self.each;
        each_word(text, &mut self.buffer, |w, slice| {
            each(w, slice, field, section)
        });
    }

    /// The words of a text made for this reading.
    fn passing(&mut self, text: &str, field: Field, section: Option<u32>) {
        let each = &mut self.each;
        each_word(text, &mut self.buffer, |w, _| each(w, None, field, section));
    }
}

/// Reads `doc` for the index: calls `each` with every term occurrence, in
/// order, with the term (a slice of the document's own text when it is one,
/// so that a caller can keep it without copying), the field it is in and
/// its section, and returns what a result shows. [`entry`] and the one-pass
/// indexer both read documents through this, so they index the same words.
fn read<'a>(
    doc: &'a Document,
    each: impl FnMut(&str, Option<&'a str>, Field, Option<u32>),
) -> Shown {
    let mut r = Reader {
        each,
        buffer: String::new(),
        doc: std::marker::PhantomData,
    };
    // The whole id, marked so that only a query of exactly it finds it (`adr-7#`).
    let id = id_term(&doc.id);
    if id.len() > 1 {
        (r.each)(&id, None, Field::Id, None);
    }
    r.text(&doc.id, Field::Id, None);
    r.text(&doc.title, Field::Title, None);
    if let Some(d) = &doc.description {
        r.text(d, Field::Heading, None);
    }
    for t in &doc.tags {
        r.text(t, Field::Heading, None);
    }
    r.text(doc.kind.as_str(), Field::Facet, None);
    let team = doc.team().unwrap_or_default().to_string();
    if !matches!(doc.details, Details::Team(_)) {
        r.passing(&team, Field::Facet, None);
    }
    let status = doc.status().unwrap_or_default();
    r.passing(&status, Field::Facet, None);

    // The body: headings count more, code blocks and raw HTML are left out.
    let mut section = 0u32;
    let mut in_heading = false;
    let mut in_code = false;
    let mut openings = vec![String::new()];
    // Characters the current section's opening still has room for.
    let mut room = OPENING;
    let body = doc.source.body();
    // The document's own text, when the body is not unpacked for this
    // reading: its words are then slices that live as long as the document.
    let own: Option<&'a str> = match &body {
        std::borrow::Cow::Borrowed(own) => Some(own),
        std::borrow::Cow::Owned(_) => None,
    };
    for event in Parser::new_ext(&body, crate::load::markdown_options()) {
        match event {
            Event::Start(Tag::Heading { .. }) => {
                section += 1;
                in_heading = true;
                openings.push(String::new());
                room = OPENING;
            }
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(t) | Event::Code(t) if !in_code => {
                let field = if in_heading {
                    Field::Heading
                } else {
                    Field::Body
                };
                match &t {
                    pulldown_cmark::CowStr::Borrowed(b) => match own {
                        Some(own) => {
                            let at = b.as_ptr() as usize - own.as_ptr() as usize;
                            r.text(&own[at..at + b.len()], field, Some(section))
                        }
                        None => r.passing(b, field, Some(section)),
                    },
                    other => r.passing(other, field, Some(section)),
                }
                if !in_heading && room > 0 {
                    let opening = openings.last_mut().expect("one opening per section");
                    for c in t.chars().take(room) {
                        opening.push(c);
                        room -= 1;
                    }
                }
            }
            // Lines and blocks run on with a space between them.
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell)
                if !in_heading && room > 0 =>
            {
                let opening = openings.last_mut().expect("one opening per section");
                if !opening.is_empty() && !opening.ends_with(' ') {
                    opening.push(' ');
                    room -= 1;
                }
            }
            _ => {}
        }
    }
    let headings = doc
        .source
        .outline
        .headings
        .iter()
        .map(|h| (h.text.clone(), h.anchor.clone()))
        .collect();
    Shown {
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

/// What `doc` gives the index.
pub fn entry(doc: &Document) -> Entry {
    let mut terms = Terms {
        map: fnv::FnvHashMap::with_capacity_and_hasher(512, Default::default()),
        ..Terms::default()
    };
    let shown = read(doc, |w, slice, field, section| {
        terms.add(w, slice, field, section)
    });
    let mut sorted: Vec<(&str, Occurrence)> = terms
        .map
        .iter()
        .map(|(t, &o)| {
            let section = if o.section == u32::MAX { 0 } else { o.section };
            (t.as_ref(), Occurrence { section, ..o })
        })
        .collect();
    sorted.sort_unstable_by(|a, b| a.0.cmp(b.0));
    Entry {
        terms: TermList::new(sorted),
        length: terms.length,
        shown: shown.shown,
        headings: shown.headings,
        openings: shown.openings,
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
#[derive(Clone, Debug, Default)]
pub struct SearchIndex {
    /// Each file, by path.
    pub files: Vec<SearchFile>,
}

/// One file of the search index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchFile {
    /// Its path under the output folder.
    pub path: String,
    /// The bytes written: its JSON, gzipped (shared with the index an edit patches).
    pub bytes: Arc<[u8]>,
    /// A hash of its JSON, worked out once when it is made.
    pub hash: u64,
}

impl SearchIndex {
    /// The file at `path`.
    pub fn get(&self, path: &str) -> Option<&SearchFile> {
        self.files
            .binary_search_by(|f| f.path.as_str().cmp(path))
            .ok()
            .map(|i| &self.files[i])
    }

    /// The JSON of the file at `path`, unpacked.
    pub fn file(&self, path: &str) -> Option<String> {
        self.get(path).map(SearchFile::json)
    }
}

impl SearchFile {
    /// The bytes written for this file: its JSON gzipped, with no time or
    /// name in the header, so the same contents always give the same bytes.
    pub fn published(&self) -> Vec<u8> {
        self.bytes.to_vec()
    }

    /// Its JSON, unpacked.
    pub fn json(&self) -> String {
        let mut json = String::new();
        std::io::Read::read_to_string(
            &mut flate2::read::GzDecoder::new(&self.bytes[..]),
            &mut json,
        )
        .expect("the index's own gzip");
        json
    }
}

/// A file's gzipped JSON and the hash of its JSON. A file is gzipped as
/// soon as it is made: the index is held until the build ends, and its
/// JSON is three to four times the size of its gzip.
type Made = (Arc<[u8]>, u64);

fn made(json: String) -> Made {
    use std::io::Write;
    let hash = crate::model::stable_hash(json.as_str());
    let mut gz = flate2::GzBuilder::new().mtime(0).write(
        Vec::with_capacity(json.len() / 3),
        flate2::Compression::new(4),
    );
    let bytes = gz
        .write_all(json.as_bytes())
        .and_then(|()| gz.finish())
        .expect("gzip into memory cannot fail");
    (Arc::from(bytes), hash)
}

/// The search index of `site`, made on first use.
pub fn of(site: &Site) -> &SearchIndex {
    site.search.get_or_init(|| Indexer::once().index(site))
}

/// The search index of `site`, made afresh (for benchmarks).
pub fn index_site(site: &Site) -> SearchIndex {
    let mut indexer = Indexer::once();
    drop(indexer.index(site));
    Arc::unwrap_or_clone(std::mem::take(&mut indexer.files))
}

/// The index of these entries, a document's number being its position.
pub fn index(entries: &[Arc<Entry>]) -> SearchIndex {
    let mut indexer = Indexer::once();
    indexer.index_entries(entries.to_vec(), None);
    Arc::unwrap_or_clone(std::mem::take(&mut indexer.files))
}

/// One document's use of a term: its number, impact and section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Posting {
    doc: u32,
    impact: u8,
    section: u32,
}

/// A term's postings, in document order, and their encoded form.
#[derive(Default)]
struct TermPostings {
    list: Vec<Posting>,
    encoded: String,
}

impl TermPostings {
    fn encode(&mut self) {
        self.encoded.clear();
        let mut last = 0;
        for p in &self.list {
            encode_number(p.doc - last, &mut self.encoded);
            encode_number(u32::from(p.impact), &mut self.encoded);
            encode_number(p.section, &mut self.encoded);
            last = p.doc;
        }
    }
}

/// A shard's file, `{"format":…,"terms":[[term,postings],…]}`: each term
/// with its postings, which `postings` appends given the term's position
/// among `terms` and the term, each posting its document's distance from
/// the last, its impact and its section (in [`encode_number`]'s
/// characters, which JSON needs no escape for). The file holds them as
/// three columns, `distances.impacts.sections`, which gzip packs tighter
/// than the postings one after another.
fn shard_json<T: AsRef<str>>(
    terms: &[T],
    capacity: usize,
    postings: impl Fn(usize, &str, &mut String),
) -> String {
    let mut json = String::with_capacity(capacity + 32);
    let (mut interleaved, mut scratch) = (String::new(), Default::default());
    json.push_str(&format!(r#"{{"format":{FORMAT},"terms":["#));
    for (k, t) in terms.iter().enumerate() {
        let t = t.as_ref();
        json.push_str(if k == 0 { "[" } else { ",[" });
        json.push_str(&serde_json::to_string(t).expect("a string"));
        json.push_str(",\"");
        interleaved.clear();
        postings(k, t, &mut interleaved);
        push_columns(&interleaved, &mut json, &mut scratch);
        json.push_str("\"]");
    }
    json.push_str("]}");
    json
}

/// The bytes a term's entry takes in a shard, `["term","a.b.c"],`, given
/// the length of its encoded postings: what shards are cut by, alike for
/// the one-pass and the patching indexer.
fn entry_len(term: &str, postings: usize) -> usize {
    term.len() + postings + 8
}

/// Appends encoded postings, given one after another (distance, impact,
/// section, distance, …), as their three columns joined by `.`, in one
/// pass: the distances straight to `out`, the others through `scratch`.
fn push_columns(interleaved: &str, out: &mut String, scratch: &mut [String; 2]) {
    let [impacts, sections] = scratch;
    impacts.clear();
    sections.clear();
    let mut column = 0;
    for b in interleaved.bytes() {
        let c = char::from(b);
        match column {
            0 => out.push(c),
            1 => impacts.push(c),
            _ => sections.push(c),
        }
        // The first 32 digits end a number.
        if matches!(b, b'0'..=b'9' | b'a'..=b'v') {
            column = (column + 1) % 3;
        }
    }
    out.push('.');
    out.push_str(impacts);
    out.push('.');
    out.push_str(sections);
}

/// A shard as last made: its first and last term, how many, and its file.
struct MadeShard {
    first: String,
    last: String,
    count: usize,
    json: Made,
}

/// Makes a site's search index and keeps what it made, so that the next
/// index, after an edit, works out again only the documents whose files
/// changed and writes again only the shards and chunks they touch. The
/// files are those a fresh indexer makes.
#[derive(Default)]
pub struct Indexer {
    /// Each document's id and what its entry was made from, by position.
    keys: Vec<(crate::model::DocId, u64)>,
    entries: Vec<Arc<Entry>>,
    terms: fnv::FnvHashMap<String, TermPostings>,
    /// Every term, sorted.
    sorted: Vec<String>,
    shards: Vec<MadeShard>,
    docs: Vec<Made>,
    text: Vec<Made>,
    files: Arc<SearchIndex>,
    /// The typo shards: the first reversed term of each, and its file.
    ends: Vec<(String, Made)>,
    /// Whether a term came or went since the typo shards were made.
    ends_stale: bool,
    /// Made for one index only (a build): what only patching needs is let go.
    once: bool,
}

/// One part of the corpus's postings, gathered by the one-pass indexer:
/// each term is numbered as it is first met, and its postings are encoded
/// as its documents are read, so that a term is looked up once per
/// occurrence and a document's terms are neither sorted nor copied. The
/// terms are kept one after another in one string, where looking one up
/// finds it in cache, not in the document it was first met in; all a term
/// needs while a document is read sits in its one [`PartTerm`], so that
/// an occurrence touches the table, that and the term's letters.
#[derive(Default)]
struct Gathered {
    /// Every term, one after another.
    text: String,
    /// The terms' numbers, by the hash of the term.
    table: hashbrown::HashTable<u32>,
    /// By number: where the term is in `text`, its postings in this part,
    /// and its count in the document being read.
    terms: Vec<PartTerm>,
    /// The numbers of the terms the document being read has.
    seen: Vec<u32>,
}

/// One term of one part: where it is in the part's text, its first and
/// last document and the encoding after the first document's number, and
/// while a document is read, its weighted count and first section there.
struct PartTerm {
    start: u32,
    first: u32,
    last: u32,
    /// Its weighted count in the document being read: 0 until it is met
    /// there (every [`Field`] counts at least 1), and again once encoded.
    weight: u32,
    section: u32,
    /// Its length in bytes: a word holds at most [`LONGEST_TERM`]
    /// characters, and a whole id's term comes from an id or file name of
    /// at most 255 bytes, which folding can make at most three times longer.
    len: u16,
    rest: String,
}

/// The hash the indexer's term table uses.
fn term_hash(term: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(term)
}

impl Gathered {
    /// Term number `id`.
    fn term(&self, id: u32) -> &str {
        let t = &self.terms[id as usize];
        &self.text[t.start as usize..t.start as usize + usize::from(t.len)]
    }

    /// Lets go of what only reading documents needs, and of the room each
    /// term's encoding grew into but did not use: the part is held until
    /// every shard is made.
    fn finish(&mut self) {
        self.seen = Vec::new();
        self.table = hashbrown::HashTable::new();
        self.text.shrink_to_fit();
        self.terms.shrink_to_fit();
        for p in &mut self.terms {
            p.rest.shrink_to_fit();
        }
    }

    /// Reads document number `doc` into the postings, and gives its entry
    /// without its terms (the files need only what it shows).
    fn document(&mut self, doc: u32, d: &Document) -> Entry {
        let mut length = 0u32;
        let shown = read(d, |w, _, field, section| {
            length += 1;
            let hash = term_hash(w);
            let Gathered {
                text,
                table,
                terms,
                seen,
            } = self;
            let letters =
                |t: &PartTerm| &text[t.start as usize..t.start as usize + usize::from(t.len)];
            let id = match table.find(hash, |&id| letters(&terms[id as usize]) == w) {
                Some(&id) => id,
                None => {
                    let id = terms.len() as u32;
                    table.insert_unique(hash, id, |&id| term_hash(letters(&terms[id as usize])));
                    terms.push(PartTerm {
                        start: text.len() as u32,
                        len: w.len() as u16,
                        first: doc,
                        last: doc,
                        weight: 0,
                        section: 0,
                        rest: String::new(),
                    });
                    text.push_str(w);
                    id
                }
            };
            let t = &mut terms[id as usize];
            if t.weight == 0 {
                t.section = u32::MAX;
                seen.push(id);
            }
            t.weight += field as u32;
            if let Some(s) = section {
                t.section = t.section.min(s);
            }
        });
        let entry = Entry {
            terms: TermList::default(),
            length,
            shown: shown.shown,
            headings: shown.headings,
            openings: shown.openings,
        };
        for id in self.seen.drain(..) {
            let p = &mut self.terms[id as usize];
            let section = if p.section == u32::MAX { 0 } else { p.section };
            if p.last != doc {
                encode_number(doc - p.last, &mut p.rest);
                p.last = doc;
            }
            let weight = std::mem::take(&mut p.weight);
            encode_number(entry.impact(Occurrence { weight, section }), &mut p.rest);
            encode_number(section, &mut p.rest);
        }
        entry
    }
}

/// One part of the corpus as the one-pass indexer reads it: its entries
/// (what results show), its postings, and its documents' result and text files.
struct Part {
    entries: Vec<Entry>,
    gathered: Gathered,
    docs: Vec<Made>,
    text: Vec<Made>,
}

/// Every term of the parts, sorted, each with where it is in each part
/// that has it (in part order): the parts' terms are joined once, by
/// sorting, so that writing a shard looks no term up.
struct Joined<'a> {
    /// The distinct terms, sorted.
    names: Vec<&'a str>,
    /// Term `k`'s places are `places[starts[k]..starts[k + 1]]`.
    starts: Vec<u32>,
    /// (part, term number in that part).
    places: Vec<(u32, u32)>,
}

impl<'a> Joined<'a> {
    fn of(parts: &[&'a Gathered]) -> Joined<'a> {
        let mut all: Vec<(&str, u32, u32)> = parts
            .iter()
            .enumerate()
            .flat_map(|(p, g)| (0..g.terms.len() as u32).map(move |id| (g.term(id), p as u32, id)))
            .collect();
        all.par_sort_unstable();
        let mut joined = Joined {
            names: Vec::new(),
            starts: Vec::new(),
            places: Vec::with_capacity(all.len()),
        };
        for (term, part, id) in all {
            if joined.names.last() != Some(&term) {
                joined.names.push(term);
                joined.starts.push(joined.places.len() as u32);
            }
            joined.places.push((part, id));
        }
        joined.starts.push(joined.places.len() as u32);
        joined
    }

    /// Term `k`'s places: (part, number there), in part order.
    fn places(&self, k: usize) -> &[(u32, u32)] {
        &self.places[self.starts[k] as usize..self.starts[k + 1] as usize]
    }

    /// The length of term `k`'s postings joined across `parts` in order.
    fn postings_len(&self, parts: &[&Gathered], k: usize) -> usize {
        let mut last = 0;
        let mut len = 0;
        for &(p, id) in self.places(k) {
            let t = &parts[p as usize].terms[id as usize];
            len += number_len(t.first - last) + t.rest.len();
            last = t.last;
        }
        len
    }

    /// Appends term `k`'s postings joined across `parts` in order: each
    /// part's encoding begins with its first document's distance from the
    /// last part's last.
    fn push_postings(&self, parts: &[&Gathered], k: usize, out: &mut String) {
        let mut last = 0;
        for &(p, id) in self.places(k) {
            let t = &parts[p as usize].terms[id as usize];
            encode_number(t.first - last, out);
            out.push_str(&t.rest);
            last = t.last;
        }
    }
}

/// How many characters [`encode_number`] writes for `n`.
fn number_len(mut n: u32) -> usize {
    let mut len = 1;
    while n >= 32 {
        n >>= 5;
        len += 1;
    }
    len
}

/// A results chunk: what each document's result shows.
fn docs_file<E: std::borrow::Borrow<Entry>>(chunk: &[E]) -> Made {
    let shown: Vec<&[String; 6]> = chunk.iter().map(|e| &e.borrow().shown).collect();
    made(serde_json::to_string(&shown).expect("strings"))
}

/// A text chunk: each document's headings and section openings.
fn text_file<E: std::borrow::Borrow<Entry>>(chunk: &[E]) -> Made {
    let text: Vec<_> = chunk
        .iter()
        .map(|e| (&e.borrow().headings, &e.borrow().openings))
        .collect();
    made(serde_json::to_string(&text).expect("strings"))
}

/// What an entry is made from: the document's file and address.
fn entry_key(doc: &Document) -> (crate::model::DocId, u64) {
    (
        doc.key,
        crate::model::stable_hash(&(doc.source.fingerprint, &doc.url, &doc.id)),
    )
}

impl Indexer {
    /// An indexer for one index: memory goes as each piece is made (each
    /// term's decoded postings once encoded, each document's terms once
    /// gathered, the encodings once in their shards), so it cannot patch.
    pub fn once() -> Indexer {
        Indexer {
            once: true,
            ..Indexer::default()
        }
    }

    /// The search index of `site`, reusing what the last call made.
    pub fn index(&mut self, site: &Site) -> Arc<SearchIndex> {
        if self.once {
            return self.index_once(site);
        }
        let keys: Vec<_> = site.documents.iter().map(entry_key).collect();
        // Entries whose file is as it was are kept, wherever the document now sits.
        let known: fnv::FnvHashMap<_, &Arc<Entry>> =
            self.keys.iter().copied().zip(&self.entries).collect();
        let entries: Vec<Arc<Entry>> = site
            .documents
            .as_slice()
            .par_iter()
            .zip(&keys)
            .map(|(d, k)| match known.get(k) {
                Some(&e) => e.clone(),
                None => Arc::new(entry(d)),
            })
            .collect();
        drop(known);
        // When every document kept its place, only the changed ones are patched in.
        let changed = (!self.keys.is_empty()
            && self.keys.len() == keys.len()
            && self.keys.iter().zip(&keys).all(|(a, b)| a.0 == b.0))
        .then(|| {
            (0..keys.len())
                .filter(|&i| self.keys[i] != keys[i])
                .collect::<Vec<usize>>()
        });
        if changed.is_none() && !self.keys.is_empty() {
            // Documents came, went or moved: renumber the postings of those
            // that stayed, take out those that went, and patch in the rest.
            if let Some(changed) = self.renumber(&keys) {
                self.keys = keys;
                self.terms.par_iter_mut().for_each(|(_, p)| p.encode());
                self.index_entries(entries, Some(changed));
                return self.files();
            }
        }
        self.keys = keys;
        self.index_entries(entries, changed);
        self.files()
    }

    /// Renumbers the postings for documents at `keys` when those that stay
    /// keep their order (documents are sorted by path): the entries of those
    /// that went are taken out and the new places hold empty entries. Gives
    /// the places whose entry is to be patched in, or `None` (nothing done)
    /// when the order changed.
    fn renumber(&mut self, keys: &[(crate::model::DocId, u64)]) -> Option<Vec<usize>> {
        let old: crate::model::IdMap<usize> = self
            .keys
            .iter()
            .enumerate()
            .map(|(i, k)| (k.0, i))
            .collect();
        let mut old_to_new: Vec<Option<u32>> = vec![None; self.keys.len()];
        let mut last: Option<usize> = None;
        for (n, k) in keys.iter().enumerate() {
            if let Some(&o) = old.get(&k.0) {
                if last.is_some_and(|l| o <= l) {
                    return None;
                }
                last = Some(o);
                old_to_new[o] = Some(n as u32);
            }
        }
        let mut dirty = fnv::FnvHashSet::default();
        let empty = Arc::new(Entry::default());
        let gone: Vec<usize> = (0..old_to_new.len())
            .filter(|&o| old_to_new[o].is_none())
            .collect();
        for o in gone {
            self.patch(o, &empty, &mut dirty);
        }
        self.terms.par_iter_mut().for_each(|(_, p)| {
            for posting in &mut p.list {
                posting.doc = old_to_new[posting.doc as usize].expect("only documents that stay");
            }
        });
        let mut entries = vec![empty; keys.len()];
        for (o, n) in old_to_new.iter().enumerate() {
            if let Some(n) = n {
                entries[*n as usize] = self.entries[o].clone();
            }
        }
        self.entries = entries;
        // The shards and chunks are all made again: numbers after the first change moved.
        self.shards.clear();
        self.docs.clear();
        self.text.clear();
        Some(
            (0..keys.len())
                .filter(|&n| old.get(&keys[n].0).is_none_or(|&o| self.keys[o] != keys[n]))
                .collect(),
        )
    }

    /// The index of `site` made in one pass that keeps little: each part of
    /// the corpus encodes its postings as it reads its documents, and makes
    /// its documents' result and text files; each shard is then written
    /// straight from the parts, term by term in document order, so the
    /// postings are never joined in memory.
    fn index_once(&mut self, site: &Site) -> Arc<SearchIndex> {
        let docs = &site.documents;
        // A part holds whole chunks of documents, so it makes their files.
        let size = docs
            .len()
            .div_ceil(4 * rayon::current_num_threads())
            .max(64)
            .next_multiple_of(DOCS_CHUNK.max(TEXT_CHUNK));
        let parts: Vec<Part> = docs
            .as_slice()
            .par_chunks(size)
            .enumerate()
            .map(|(c, chunk)| {
                let mut gathered = Gathered::default();
                let mut entries: Vec<Entry> = chunk
                    .iter()
                    .enumerate()
                    .map(|(n, d)| gathered.document((c * size + n) as u32, d))
                    .collect();
                gathered.finish();
                let docs = entries.chunks(DOCS_CHUNK).map(docs_file).collect();
                let text = entries.chunks(TEXT_CHUNK).map(text_file).collect();
                // What is left is only what the manifest and facets read.
                for e in &mut entries {
                    e.headings = Vec::new();
                    e.openings = Vec::new();
                }
                Part {
                    entries,
                    gathered,
                    docs,
                    text,
                }
            })
            .collect();
        let gathered: Vec<&Gathered> = parts.iter().map(|p| &p.gathered).collect();
        let joined = Joined::of(&gathered);
        let names = &joined.names;
        let sizes: Vec<usize> = (0..names.len())
            .into_par_iter()
            .map(|k| entry_len(names[k], joined.postings_len(&gathered, k)))
            .collect();
        self.shards = cut(names, &sizes)
            .par_iter()
            .map(|r| {
                let terms = &names[r.clone()];
                let capacity = sizes[r.clone()].iter().sum();
                MadeShard {
                    first: terms[0].to_string(),
                    last: terms[terms.len() - 1].to_string(),
                    count: terms.len(),
                    json: made(shard_json(terms, capacity, |k, _, out| {
                        joined.push_postings(&gathered, r.start + k, out)
                    })),
                }
            })
            .collect();
        self.ends = ends_files(names);
        drop((gathered, joined));
        let mut entries = Vec::with_capacity(docs.len());
        for part in parts {
            entries.extend(part.entries.into_iter().map(Arc::new));
            self.docs.extend(part.docs);
            self.text.extend(part.text);
        }
        self.entries = entries;
        self.publish();
        self.files()
    }

    /// The files last made.
    fn files(&self) -> Arc<SearchIndex> {
        self.files.clone()
    }

    /// Makes the index of `entries`; `changed` names the positions that
    /// differ from the last entries when all others are as they were.
    fn index_entries(&mut self, entries: Vec<Arc<Entry>>, changed: Option<Vec<usize>>) {
        let mut dirty: fnv::FnvHashSet<String> = Default::default();
        let patch = changed.filter(|_| self.entries.len() == entries.len());
        match &patch {
            Some(changed) => {
                for &i in changed {
                    self.patch(i, &entries[i], &mut dirty);
                }
                let terms = &mut self.terms;
                for t in &dirty {
                    if let Some(p) = terms.get_mut(t) {
                        p.encode();
                    }
                }
            }
            None => self.rebuild_terms(&entries),
        }
        self.make_files(entries, patch.map(|changed| (changed, dirty)));
    }

    /// Makes the files from the terms as they now stand; `patch` names the
    /// documents that changed, and the terms whose postings did, when all
    /// others are as they were.
    fn make_files(
        &mut self,
        entries: Vec<Arc<Entry>>,
        patch: Option<(Vec<usize>, fnv::FnvHashSet<String>)>,
    ) {
        let dirty = patch.as_ref().map(|p| &p.1);
        self.entries = entries;
        let entries = &self.entries;

        // Shards: cut as a fresh index would, and made again only where a term changed.
        let sizes: Vec<usize> = self
            .sorted
            .iter()
            .map(|t| entry_len(t, self.terms[t].encoded.len()))
            .collect();
        let ranges = cut(&self.sorted, &sizes);
        let old: fnv::FnvHashMap<&str, &MadeShard> =
            self.shards.iter().map(|m| (m.first.as_str(), m)).collect();
        let (sorted, terms) = (&self.sorted, &self.terms);
        let shards: Vec<MadeShard> = ranges
            .par_iter()
            .map(|r| {
                let names = &sorted[r.clone()];
                let (first, last) = (&names[0], &names[names.len() - 1]);
                if patch.is_some()
                    && let Some(m) = old.get(first.as_str())
                    && m.last == *last
                    && m.count == names.len()
                    && !names.iter().any(|t| dirty.is_some_and(|d| d.contains(t)))
                {
                    return MadeShard {
                        first: m.first.clone(),
                        last: m.last.clone(),
                        count: m.count,
                        json: m.json.clone(),
                    };
                }
                let capacity = sizes[r.clone()].iter().sum();
                MadeShard {
                    first: first.clone(),
                    last: last.clone(),
                    count: names.len(),
                    json: made(shard_json(names, capacity, |_, t, out| {
                        out.push_str(&terms[t].encoded)
                    })),
                }
            })
            .collect();
        drop(old);
        self.shards = shards;
        if self.ends_stale || patch.is_none() {
            self.ends = ends_files(&self.sorted);
            self.ends_stale = false;
        }
        if self.once {
            self.terms = Default::default();
            self.sorted = Vec::new();
        }

        // Chunks with no changed document are kept.
        let keep = |chunk: usize, size: usize, made: &Vec<Made>| -> bool {
            patch.as_ref().is_some_and(|(changed, _)| {
                chunk < made.len() && !changed.iter().any(|&i| i / size == chunk)
            })
        };
        let docs: Vec<Made> = entries
            .par_chunks(DOCS_CHUNK)
            .enumerate()
            .map(|(i, chunk)| {
                if keep(i, DOCS_CHUNK, &self.docs) {
                    return self.docs[i].clone();
                }
                docs_file(chunk)
            })
            .collect();
        let text: Vec<Made> = entries
            .par_chunks(TEXT_CHUNK)
            .enumerate()
            .map(|(i, chunk)| {
                if keep(i, TEXT_CHUNK, &self.text) {
                    return self.text[i].clone();
                }
                text_file(chunk)
            })
            .collect();
        self.docs = docs;
        self.text = text;
        self.publish();
    }

    /// Lists the files last made, with the manifest and the facets of the
    /// entries, as the index's files.
    fn publish(&mut self) {
        let entries = &self.entries;
        let firsts: Vec<&str> = self
            .shards
            .iter()
            .enumerate()
            .map(|(i, m)| if i == 0 { "" } else { m.first.as_str() })
            .collect();
        let manifest = serde_json::json!({
            "format": FORMAT,
            "documents": entries.len(),
            "docs_chunk": DOCS_CHUNK,
            "text_chunk": TEXT_CHUNK,
            "stop_words": STOP_WORDS,
            "shards": firsts,
            "ends": self.ends.iter().enumerate().map(|(i, (first, _))| if i == 0 { "" } else { first.as_str() }).collect::<Vec<_>>(),
            "id_prefixes": id_prefixes(entries),
        });
        let file = |path: String, (bytes, hash): &Made| SearchFile {
            path,
            bytes: bytes.clone(),
            hash: *hash,
        };
        let mut files = vec![
            file("search/index.json.gz".into(), &made(manifest.to_string())),
            file("search/facets.json.gz".into(), &made(facets_file(entries))),
        ];
        for (i, m) in self.shards.iter().enumerate() {
            files.push(file(format!("search/terms/{i}.json.gz"), &m.json));
        }
        for (i, d) in self.docs.iter().enumerate() {
            files.push(file(format!("search/docs/{i}.json.gz"), d));
        }
        for (i, (_, e)) in self.ends.iter().enumerate() {
            files.push(file(format!("search/ends/{i}.json.gz"), e));
        }
        for (i, t) in self.text.iter().enumerate() {
            files.push(file(format!("search/text/{i}.json.gz"), t));
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        self.files = Arc::new(SearchIndex { files });
    }

    /// Takes these terms, sorted, as the index's.
    fn set_terms(&mut self, built: Vec<(String, TermPostings)>) {
        self.sorted = built.iter().map(|(t, _)| t.clone()).collect();
        self.terms = built.into_iter().collect();
    }

    /// Every term's postings, from all the entries: gathered by parts of
    /// the corpus in parallel, then joined term by term in document order.
    fn rebuild_terms(&mut self, entries: &[Arc<Entry>]) {
        let once = self.once;
        let size = entries
            .len()
            .div_ceil(4 * rayon::current_num_threads())
            .max(64);
        let parts: Vec<fnv::FnvHashMap<&str, Vec<Posting>>> = entries
            .par_chunks(size)
            .enumerate()
            .map(|(c, chunk)| {
                let mut part: fnv::FnvHashMap<&str, Vec<Posting>> = Default::default();
                for (n, e) in chunk.iter().enumerate() {
                    for (term, o) in e.terms.iter() {
                        part.entry(term).or_default().push(Posting {
                            doc: (c * size + n) as u32,
                            impact: e.impact(o) as u8,
                            section: o.section,
                        });
                    }
                }
                part
            })
            .collect();
        let names = distinct_sorted(parts.iter().flat_map(|p| p.keys().copied()));
        let built: Vec<(String, TermPostings)> = names
            .par_iter()
            .map(|&t| {
                let mut p = TermPostings::default();
                for part in &parts {
                    if let Some(list) = part.get(t) {
                        p.list.extend_from_slice(list);
                    }
                }
                p.encode();
                if once {
                    p.list = Vec::new();
                }
                (t.to_string(), p)
            })
            .collect();
        drop(parts);
        self.set_terms(built);
        self.shards.clear();
    }

    /// Takes document `i`'s last entry out of the postings and puts `new`
    /// in, marking dirty only the terms whose postings change.
    fn patch(&mut self, i: usize, new: &Entry, dirty: &mut fnv::FnvHashSet<String>) {
        let doc = i as u32;
        let old = self.entries[i].clone();
        let posting = |e: &Entry, o: Occurrence| Posting {
            doc,
            impact: e.impact(o) as u8,
            section: o.section,
        };
        let was: fnv::FnvHashMap<&str, Posting> = old
            .terms
            .iter()
            .map(|(t, o)| (t, posting(&old, o)))
            .collect();
        let now: fnv::FnvHashMap<&str, Posting> = new
            .terms
            .iter()
            .map(|(t, o)| (t, posting(new, o)))
            .collect();
        for (&term, _) in was.iter().filter(|(t, _)| !now.contains_key(*t)) {
            let Some(p) = self.terms.get_mut(term) else {
                continue;
            };
            if let Ok(at) = p.list.binary_search_by_key(&doc, |p| p.doc) {
                p.list.remove(at);
            }
            if p.list.is_empty() {
                self.terms.remove(term);
                if let Ok(at) = self.sorted.binary_search_by(|t| t.as_str().cmp(term)) {
                    self.sorted.remove(at);
                }
                self.ends_stale = true;
            }
            dirty.insert(term.to_string());
        }
        for (&term, &posting) in &now {
            if was.get(term) == Some(&posting) && self.terms.contains_key(term) {
                continue;
            }
            let p = match self.terms.get_mut(term) {
                Some(p) => p,
                None => {
                    if let Err(at) = self.sorted.binary_search_by(|t| t.as_str().cmp(term)) {
                        self.sorted.insert(at, term.to_string());
                    }
                    self.ends_stale = true;
                    self.terms.entry(term.to_string()).or_default()
                }
            };
            match p.list.binary_search_by_key(&doc, |p| p.doc) {
                Ok(at) => p.list[at] = posting,
                Err(at) => p.list.insert(at, posting),
            }
            dirty.insert(term.to_string());
        }
    }
}

/// The distinct names among `names`, sorted.
/// The words that begin numbered ids (`adr` of `ADR-0007`), the sixteen
/// most used, in order: the script reads `adr 7` as one id, not as a query
/// for every ADR.
fn id_prefixes(entries: &[Arc<Entry>]) -> Vec<String> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for e in entries {
        let mut parts = all_words(&e.shown[3]);
        if let (Some(first), Some(number), None) = (parts.next(), parts.next(), parts.next())
            && number.bytes().all(|b| b.is_ascii_digit())
            && !first.bytes().all(|b| b.is_ascii_digit())
        {
            *counts.entry(first).or_default() += 1;
        }
    }
    let mut used: Vec<(String, usize)> = counts.into_iter().collect();
    used.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut names: Vec<String> = used.into_iter().take(16).map(|(w, _)| w).collect();
    names.sort();
    names
}

fn distinct_sorted<'a>(names: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut names: Vec<&str> = names.collect();
    names.par_sort_unstable();
    names.dedup();
    names
}

/// Terms shorter than this have no typo tolerance, and are not in the typo shards.
const TYPO_LENGTH: usize = 5;
/// A typo shard is cut once it holds this many bytes and the hash allows.
const ENDS_MIN: usize = 12 * 1024;
/// A typo shard is cut before a term that would take it past this many bytes.
const ENDS_MAX: usize = 32 * 1024;

/// The typo shards: every term of [`TYPO_LENGTH`] letters or more, sorted
/// by its letters read backwards, so that a query word whose first letters
/// are mistyped still finds the terms that end as it does. Each file lists
/// the terms (forwards); the script looks up their postings in their shards.
fn ends_files<T: AsRef<str>>(sorted: &[T]) -> Vec<(String, Made)> {
    let mut ends: Vec<(String, &str)> = sorted
        .iter()
        .map(AsRef::as_ref)
        .filter(|t| !t.ends_with(ID_MARK) && t.chars().count() >= TYPO_LENGTH)
        .map(|t| (t.chars().rev().collect(), t))
        .collect();
    ends.sort_unstable();
    let reversed: Vec<String> = ends.iter().map(|(r, _)| r.clone()).collect();
    let sizes: Vec<usize> = ends.iter().map(|(_, t)| t.len() + 3).collect();
    cut_at(&reversed, &sizes, ENDS_MIN, ENDS_MAX)
        .into_iter()
        .map(|r| {
            let names: Vec<&str> = ends[r.clone()].iter().map(|(_, t)| *t).collect();
            let json = serde_json::json!({ "format": FORMAT, "terms": names }).to_string();
            (reversed[r.start].clone(), made(json))
        })
        .collect()
}

/// Where shards start and end over the sorted terms: a cut before a term
/// that would overfill the shard, or when the shard is large enough and
/// the term's hash says so (so that a boundary depends on the terms near
/// it, and an edit moves few).
fn cut<T: AsRef<str>>(sorted: &[T], sizes: &[usize]) -> Vec<std::ops::Range<usize>> {
    cut_at(sorted, sizes, SHARD_MIN, SHARD_MAX)
}

/// Cuts as [`cut`] does, between these sizes.
fn cut_at<T: AsRef<str>>(
    sorted: &[T],
    sizes: &[usize],
    min: usize,
    max: usize,
) -> Vec<std::ops::Range<usize>> {
    let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
    let mut size = 0usize;
    for (i, term) in sorted.iter().enumerate() {
        let cut = ranges.is_empty()
            || (size > 0 && size + sizes[i] > max)
            || (size >= min && crate::model::stable_hash(term.as_ref()) % 4 == 0);
        if cut {
            ranges.push(i..i);
            size = 0;
        }
        size += sizes[i];
        ranges.last_mut().expect("a shard").end = i + 1;
    }
    ranges
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
        // The hot path folds as `words` does.
        let text = "The Café's ÜBER-fast API, ADR-0007 and naïve 00 a1b2 ǅemal";
        let mut fast = Vec::new();
        each_word(text, &mut String::new(), |w, _| fast.push(w.to_string()));
        assert_eq!(fast, words(text).collect::<Vec<_>>());
        let mut sorted = STOP_WORDS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, STOP_WORDS, "stop words are sorted");
        assert!(STOP_WORDS.iter().all(|w| is_stop_word(w)));
        assert!(!is_stop_word("ledger") && !is_stop_word("thee"));
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
        let get = |t: &str| e.terms.iter().find(|(x, _)| *x == t).map(|(_, o)| o);
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
            terms: TermList::default(),
            length,
            shown: Default::default(),
            headings: Vec::new(),
            openings: Vec::new(),
        };
        let o = |weight| Occurrence { weight, section: 0 };
        assert!(e(400).impact(o(3)) > e(400).impact(o(1)));
        assert!(e(100).impact(o(1)) > e(2000).impact(o(1)));
        assert!((1..=15).contains(&e(100_000).impact(o(1))));
        assert_eq!(e(1).impact(o(1000)), 15);
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
                    terms: TermList::new(terms.iter().map(|(t, o)| (t.as_str(), *o))),
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
            serde_json::from_str(&index.file("search/index.json.gz").expect("a manifest"))
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
                &index
                    .file(&format!("search/terms/{k}.json.gz"))
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
                let columns: Vec<Vec<u32>> = t[1]
                    .as_str()
                    .expect("postings")
                    .split('.')
                    .map(decode_numbers)
                    .collect();
                assert_eq!(columns.len(), 3);
                assert!(columns.iter().all(|c| c.len() == columns[0].len()));
                assert!(columns[1].iter().all(|i| (1..=15).contains(i)));
                all += columns[0].len();
            }
        }
        assert_eq!(all, entries.iter().map(|e| e.terms.len()).sum::<usize>());
        assert_eq!(
            index
                .file(&format!("search/docs/{}.json.gz", 400 / DOCS_CHUNK))
                .map(|d| d.matches("Doc ").count()),
            Some(400 % DOCS_CHUNK)
        );
        // The same entries give the same bytes.
        let again = super::index(&entries);
        assert_eq!(again.files, index.files);

        // Every file is written gzipped, the same bytes each time, and
        // unpacks to JSON whose hash is the file's.
        for f in &index.files {
            let bytes = f.published();
            assert!(f.path.ends_with(".json.gz"), "{}", f.path);
            assert_eq!(bytes[..2], [0x1f, 0x8b], "{} is gzip", f.path);
            assert_eq!(bytes, f.published());
            let mut unpacked = String::new();
            std::io::Read::read_to_string(
                &mut flate2::read::GzDecoder::new(&bytes[..]),
                &mut unpacked,
            )
            .expect("gzip");
            assert_eq!(unpacked, f.json());
            assert_eq!(f.hash, crate::model::stable_hash(unpacked.as_str()));
            serde_json::from_str::<serde_json::Value>(&unpacked).expect("JSON");
        }
    }

    #[test]
    fn an_edit_patches_the_index_to_what_a_fresh_one_makes_and_rewrites_few_files() {
        // Enough distinct words for several shards.
        let page = |n: usize, extra: &str| {
            let words: Vec<String> = (0..120)
                .map(|k| format!("w{:05}", (n * 37 + k * 11) % 9000))
                .collect();
            format!(
                "---\ntitle: Page {n}\n---\n\n{}\n{extra}\n",
                words.join(" ")
            )
        };
        let names: Vec<String> = (0..300).map(|n| format!("handbook/p{n:03}.md")).collect();
        let texts: Vec<String> = (0..300).map(|n| page(n, "")).collect();
        let files = |texts: &[String]| -> Vec<(String, String)> {
            names.iter().cloned().zip(texts.iter().cloned()).collect()
        };
        let site_of = |files: &[(String, String)]| {
            let borrowed: Vec<(&str, &str)> = files
                .iter()
                .map(|(a, b)| (a.as_str(), b.as_str()))
                .collect();
            crate::site::test_site(&borrowed, "2026-11-20")
        };
        let before = site_of(&files(&texts));
        let mut indexer = Indexer::default();
        let first = indexer.index(&before);
        let shards = first
            .files
            .iter()
            .filter(|f| f.path.starts_with("search/terms/"))
            .count();
        assert!(shards >= 4, "{shards} shards");

        // One page gains a word no other page has.
        let mut edited = texts.clone();
        edited[150] = page(150, "zebra");
        let after = site_of(&files(&edited));
        let patched = indexer.index(&after);
        let fresh = Indexer::default().index(&after);
        assert_eq!(patched.files, fresh.files, "a patched index is a fresh one");
        let changed: Vec<&str> = patched
            .files
            .iter()
            .zip(&first.files)
            .filter(|(a, b)| a != b)
            .map(|(a, _)| a.path.as_str())
            .collect();
        // Only the shard with the new word and the typo shard that lists it:
        // the page's other words keep their impact, and its title and
        // opening are as they were.
        assert_eq!(changed.len(), 2, "{changed:?}");
        assert!(changed[0].starts_with("search/ends/"), "{changed:?}");
        assert!(patched.file(changed[0]).unwrap().contains(r#""zebra""#));
        let shard = patched.file(changed[1]).expect("the changed shard");
        assert!(changed[1].starts_with("search/terms/") && shard.contains(r#"["zebra","#));
    }

    #[test]
    fn the_one_pass_index_is_the_one_the_patching_indexer_makes() {
        // 300 pages, so the one-pass indexer reads them in several parts,
        // with words of every form: upper case, accents, leading zeros, stop words.
        let files: Vec<(String, String)> = (0..300)
            .map(|n| {
                let words: Vec<String> = (0..80)
                    .map(|k| format!("w{:04}", (n * 37 + k * 11) % 900))
                    .collect();
                (
                    format!("handbook/p{n:03}.md"),
                    format!(
                        "---\ntitle: Page {n} Ünïcode\ntags: [HTTP, İstanbul]\n---\n\n{} the 007 Café\n\n## Part {}\n\nMore `code` and **bold** {n}.\n",
                        words.join(" "),
                        n % 7
                    ),
                )
            })
            .collect();
        let borrowed: Vec<(&str, &str)> = files
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let site = crate::site::test_site(&borrowed, "2026-11-20");
        let once = index_site(&site);
        let patching = Indexer::default().index(&site);
        assert!(once.files.len() > 10);
        assert_eq!(once.files, patching.files);
    }

    #[test]
    fn numbered_ids_name_their_first_word_for_the_script() {
        let with_id = |id: &str| {
            Arc::new(Entry {
                terms: TermList::new(std::iter::empty()),
                length: 0,
                shown: [
                    String::new(),
                    String::new(),
                    String::new(),
                    id.into(),
                    String::new(),
                    String::new(),
                ],
                headings: Vec::new(),
                openings: Vec::new(),
            })
        };
        let entries: Vec<Arc<Entry>> = [
            "ADR-0007", "ADR-0012", "team-3", "payments", "2024-07", "a-b-3",
        ]
        .into_iter()
        .map(with_id)
        .collect();
        assert_eq!(id_prefixes(&entries), ["adr", "team"]);
        // Only the sixteen most used are named.
        let many: Vec<Arc<Entry>> = (0..40)
            .flat_map(|k| (0..=k).map(move |n| with_id(&format!("p{k:02}-{n}"))))
            .collect();
        let named = id_prefixes(&many);
        assert_eq!(named.len(), 16);
        assert_eq!(named[0], "p24");
    }

    #[test]
    fn a_shard_goes_past_its_largest_size_only_for_a_term_alone() {
        // Terms of a few bytes to a whole shard's worth and more, as common words are.
        let terms: Vec<String> = (0..5000).map(|k| format!("term{k:05}")).collect();
        let sizes: Vec<usize> = (0..terms.len())
            .map(|k| match k % 97 {
                0 => 60 * 1024,
                1 | 2 => 20 * 1024,
                _ => 40 + k % 300,
            })
            .collect();
        let ranges = cut(&terms, &sizes);
        assert_eq!(ranges.first().map(|r| r.start), Some(0));
        assert_eq!(ranges.last().map(|r| r.end), Some(terms.len()));
        assert!(ranges.windows(2).all(|w| w[0].end == w[1].start));
        let mut alone = 0;
        for r in &ranges {
            let size: usize = sizes[r.clone()].iter().sum();
            if r.len() == 1 && size > SHARD_MAX {
                alone += 1;
            } else {
                assert!(size <= SHARD_MAX, "{r:?} holds {size} bytes");
            }
        }
        assert_eq!(alone, terms.len().div_ceil(97));
    }

    #[test]
    fn typo_shards_list_long_words_by_their_ends() {
        let sorted: Vec<String> = ["adr-7#", "alpha", "beta", "observability", "gamma", "zeta"]
            .iter()
            .map(|t| t.to_string())
            .collect();
        let ends = ends_files(&sorted);
        assert_eq!(ends.len(), 1);
        let file: serde_json::Value = serde_json::from_str(
            &SearchFile {
                path: "search/ends/0.json.gz".into(),
                bytes: ends[0].1.0.clone(),
                hash: ends[0].1.1,
            }
            .json(),
        )
        .unwrap();
        // By their letters read backwards: ahpla, ammag, ytilibavresbo; no ids, no short words.
        assert_eq!(
            file["terms"],
            serde_json::json!(["alpha", "gamma", "observability"])
        );
    }
}
