//! Reading typed values out of YAML front matter.
//!
//! A [`Fields`] is one mapping at a dotted path (`depends_on.2`); its
//! methods read text, lists, mappings, dates, words from a closed set and
//! percentages, and turn every problem (missing, wrong type, unknown value,
//! impossible date, unknown key) into a diagnostic at the key's line,
//! collected in the document's [`FieldContext`]. Typo hints ("did you mean")
//! for unknown keys and time zones are here too.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use serde_yaml::{Mapping, Value};

use super::Reference;
use crate::diagnostic::{Diagnostic, Span, codes};
use crate::load::FieldPositions;
use crate::vocabulary::parse_date;

/// The most items Seam reads from one front matter list (`depends_on`,
/// `overrides`, `members`, …): far more than any real document holds, and
/// few enough that a crafted file of millions cannot make a page of millions.
pub(crate) const MAX_LIST_ITEMS: usize = 1_000;

/// Where field problems are collected while one document is typed.
pub(super) struct FieldContext<'a> {
    pub(super) file: &'a Path,
    pub(super) positions: &'a FieldPositions,
    pub(super) diagnostics: RefCell<Vec<Diagnostic>>,
}

impl FieldContext<'_> {
    pub(super) fn push(&self, d: Diagnostic) {
        self.diagnostics.borrow_mut().push(d);
    }
}

/// A mapping being read, at a dotted path in the front matter.
pub(super) struct Fields<'a> {
    pub(super) ctx: &'a FieldContext<'a>,
    pub(super) map: &'a Mapping,
    pub(super) prefix: String,
}

/// One entry of a front matter list.
pub(super) enum Item<'a> {
    Text(String, Span),
    Map(Fields<'a>),
}

impl<'a> Fields<'a> {
    fn path(&self, key: &str) -> String {
        match (self.prefix.is_empty(), key.is_empty()) {
            (true, _) => key.to_string(),
            (false, true) => self.prefix.clone(),
            (false, false) => format!("{}.{key}", self.prefix),
        }
    }

    /// For a list item (`overrides.3`), its position in the list.
    pub(super) fn list_index(&self) -> usize {
        self.prefix
            .rsplit('.')
            .next()
            .and_then(|i| i.parse().ok())
            .unwrap_or(0)
    }

    pub(super) fn span(&self, key: &str) -> Span {
        let (line, column) = self.ctx.positions.find(&self.path(key));
        Span::new(self.ctx.file, line, column)
    }

    pub(super) fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    pub(super) fn missing(&self, key: &str, what: &str) {
        let span = if self.prefix.is_empty() {
            Span::file_start(self.ctx.file)
        } else {
            self.span("")
        };
        self.ctx.push(
            Diagnostic::error(
                codes::MISSING_FIELD,
                span,
                format!("`{key}` is required: {what}"),
            )
            .with_hint(format!("add `{key}:` to the front matter")),
        );
    }

    pub(super) fn invalid(&self, key: &str, expected: &str) {
        self.ctx.push(
            Diagnostic::error(
                codes::INVALID_FIELD,
                self.span(key),
                format!("`{key}` must be {expected}"),
            )
            .with_hint(format!("write `{key}` as {expected}")),
        );
    }

    pub(super) fn string(&self, key: &str) -> Option<String> {
        match self.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => {
                self.invalid(key, "text");
                None
            }
        }
    }

    pub(super) fn required_string(&self, key: &str) -> Option<String> {
        let s = self.string(key).filter(|s| !s.trim().is_empty());
        if s.is_none() && self.get(key).is_none() {
            self.missing(key, "it cannot be left out");
        }
        s
    }

    pub(super) fn reference(&self, key: &str) -> Option<Reference> {
        self.string(key).map(|id| Reference {
            id: id.trim().to_string(),
            span: self.span(key),
        })
    }

    /// The first [`MAX_LIST_ITEMS`] items of a list, and an error at the
    /// field when it has more.
    fn capped<'v>(&self, key: &str, items: &'v [Value]) -> &'v [Value] {
        if items.len() <= MAX_LIST_ITEMS {
            return items;
        }
        self.ctx.push(
            Diagnostic::error(
                codes::INVALID_FIELD,
                self.span(key),
                format!(
                    "`{key}` has {} items; Seam reads the first {MAX_LIST_ITEMS}",
                    items.len()
                ),
            )
            .with_hint("split the list across documents, or keep only the items that are current"),
        );
        &items[..MAX_LIST_ITEMS]
    }

    /// A list of strings, or one string standing for a list of one.
    pub(super) fn strings(&self, key: &str) -> Vec<Reference> {
        match self.get(key) {
            None => Vec::new(),
            Some(Value::Sequence(items)) => self
                .capped(key, items)
                .iter()
                .enumerate()
                .filter_map(|(i, v)| {
                    let span = self.span(&format!("{key}.{i}"));
                    match v {
                        Value::String(s) => Some(s.trim().to_string()),
                        Value::Number(n) => Some(n.to_string()),
                        _ => {
                            self.ctx.push(Diagnostic::error(
                                codes::INVALID_FIELD,
                                span.clone(),
                                format!("item {} of `{key}` must be text", i + 1),
                            ));
                            None
                        }
                    }
                    .map(|id| Reference { id, span })
                })
                .collect(),
            Some(Value::String(s)) => vec![Reference {
                id: s.trim().to_string(),
                span: self.span(key),
            }],
            Some(_) => {
                self.invalid(key, "a list, e.g. `[a, b]`");
                Vec::new()
            }
        }
    }

    pub(super) fn string_map(&self, key: &str) -> BTreeMap<String, String> {
        match self.get(key) {
            None => BTreeMap::new(),
            Some(Value::Mapping(m)) => m
                .iter()
                .filter_map(|(k, v)| match (k, v) {
                    (Value::String(k), Value::String(v)) => Some((k.clone(), v.clone())),
                    _ => None,
                })
                .collect(),
            Some(_) => {
                self.invalid(key, "a mapping, e.g. `slack: \"#team\"`");
                BTreeMap::new()
            }
        }
    }

    pub(super) fn list(&self, key: &str) -> Vec<Item<'a>> {
        match self.get(key) {
            None => Vec::new(),
            Some(Value::Sequence(items)) => self
                .capped(key, items)
                .iter()
                .enumerate()
                .filter_map(|(i, v)| {
                    let path = format!("{key}.{i}");
                    match v {
                        Value::Mapping(m) => Some(Item::Map(Fields {
                            ctx: self.ctx,
                            map: m,
                            prefix: self.path(&path),
                        })),
                        Value::String(s) => Some(Item::Text(s.clone(), self.span(&path))),
                        _ => {
                            self.ctx.push(Diagnostic::error(
                                codes::INVALID_FIELD,
                                self.span(&path),
                                format!("item {} of `{key}` must be text or a mapping", i + 1),
                            ));
                            None
                        }
                    }
                })
                .collect(),
            Some(_) => {
                self.invalid(key, "a list");
                Vec::new()
            }
        }
    }

    pub(super) fn date(&self, key: &str) -> Option<NaiveDate> {
        self.date_or(key, "write a real calendar date as YYYY-MM-DD")
    }

    /// A date field whose hint names what else may be written (e.g. `TBD`).
    pub(super) fn date_or(&self, key: &str, hint: &str) -> Option<NaiveDate> {
        let written = match self.get(key)? {
            Value::String(s) => s.trim().to_string(),
            Value::Number(n) => n.to_string(),
            _ => {
                self.invalid(key, "a date written YYYY-MM-DD");
                return None;
            }
        };
        match parse_date(&written) {
            Ok(d) => Some(d),
            Err(why) => {
                self.ctx.push(
                    Diagnostic::error(
                        codes::INVALID_DATE,
                        self.span(key),
                        format!("`{key}: {written}`: {why}"),
                    )
                    .with_hint(hint),
                );
                None
            }
        }
    }

    pub(super) fn required_date(&self, key: &str) -> Option<NaiveDate> {
        if self.get(key).is_none() {
            self.missing(key, "a date written YYYY-MM-DD");
        }
        self.date(key)
    }

    pub(super) fn word<T>(
        &self,
        key: &str,
        parse: fn(&str) -> Option<T>,
        words: &[&str],
    ) -> Option<T> {
        let s = self.string(key)?;
        let parsed = parse(&s);
        if parsed.is_none() {
            self.ctx.push(
                Diagnostic::error(
                    codes::UNKNOWN_VALUE,
                    self.span(key),
                    format!("`{s}` is not a valid `{key}`"),
                )
                .with_hint(format!("use one of {}", words.join(", "))),
            );
        }
        parsed
    }

    pub(super) fn percentage(&self, key: &str) -> Option<u8> {
        let v = self.get(key)?;
        let n = match v {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().trim_end_matches('%').trim().parse::<f64>().ok(),
            _ => None,
        };
        match n {
            Some(n) if (0.0..=100.0).contains(&n) => Some(n.round() as u8),
            _ => {
                self.invalid(key, "a percentage from 0 to 100, e.g. `80` or \"80%\"");
                None
            }
        }
    }

    pub(super) fn report_unknown(&self, allowed: &[&str]) {
        for key in self.map.keys() {
            let Value::String(k) = key else { continue };
            if !allowed.contains(&k.as_str()) {
                let close = allowed.iter().find(|a| similar(a, k));
                let hint = match close {
                    Some(c) => format!("did you mean `{c}`?"),
                    None => format!("known fields here: {}", allowed.join(", ")),
                };
                self.ctx.push(
                    Diagnostic::warning(
                        codes::UNKNOWN_FIELD,
                        self.span(k),
                        format!("`{k}` is not a field Seam knows here; it is ignored"),
                    )
                    .with_hint(hint),
                );
            }
        }
    }
}

/// A hint for an unknown time zone: the IANA names a typo away, or examples.
pub(super) fn timezone_hint(written: &str) -> String {
    let close: Vec<&str> = chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| tz.name())
        .filter(|name| similar(&written.to_ascii_lowercase(), &name.to_ascii_lowercase()))
        .take(3)
        .collect();
    if close.is_empty() {
        "use an IANA name such as Europe/London, America/New_York or UTC".into()
    } else {
        format!("did you mean {}?", close.join(" or "))
    }
}

/// Whether two names differ by a small edit (a typo): at most two
/// single-character insertions, deletions or substitutions.
fn similar(a: &str, b: &str) -> bool {
    // The distance is at least the difference in length; checking that first
    // skips the full computation for most of the ~600 time zone names.
    a.chars().count().abs_diff(b.chars().count()) <= 2 && strsim::levenshtein(a, b) <= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_are_suggested() {
        assert!(similar("status", "staus"));
        assert!(!similar("status", "members"));
        assert_eq!(timezone_hint("Europe/Londn"), "did you mean Europe/London?");
        assert_eq!(timezone_hint("europe/paris"), "did you mean Europe/Paris?");
        assert!(timezone_hint("Mars/Olympus_Mons").starts_with("use an IANA name"));
    }
}
