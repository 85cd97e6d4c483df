//! Problems found in a docs repository, as values.
//!
//! Every stage collects [`Diagnostic`]s instead of printing them; the command
//! line decides how to show them (human, JSON lines or CI annotations) and
//! which exit code they lead to. Codes are stable strings users can search
//! for and CI can match on: see [`codes`].

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The document is wrong: `check` and `build` exit 1.
    Error,
    /// The document is suspicious or incomplete; fails only with `--deny-warnings`.
    Warning,
}

impl Severity {
    /// The word shown before the code, as compilers do.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A place in a source file: path relative to the docs repo root, 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    /// Path relative to the docs repository root, e.g. `content/adrs/0007-x.md`
    /// (shared: a file's many spans hold one copy).
    pub file: Arc<Path>,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

impl Span {
    /// A span at a line and column of a file.
    pub fn new(file: impl SpanFile, line: u32, column: u32) -> Self {
        Span {
            file: file.span_file(),
            line: line.max(1),
            column: column.max(1),
        }
    }

    /// The first character of a file, for problems that concern it as a whole.
    pub fn file_start(file: impl SpanFile) -> Self {
        Span::new(file, 1, 1)
    }

    /// The file path with forward slashes, as shown to users on every platform.
    pub fn file_display(&self) -> String {
        display_path(&self.file)
    }
}

/// What a span's file is made from: a path, copied, or a shared path, counted.
pub trait SpanFile {
    /// The path as a span holds it.
    fn span_file(self) -> Arc<Path>;
}

impl SpanFile for &Arc<Path> {
    fn span_file(self) -> Arc<Path> {
        self.clone()
    }
}

impl SpanFile for Arc<Path> {
    fn span_file(self) -> Arc<Path> {
        self
    }
}

impl SpanFile for &Path {
    fn span_file(self) -> Arc<Path> {
        self.into()
    }
}

impl SpanFile for PathBuf {
    fn span_file(self) -> Arc<Path> {
        self.into()
    }
}

impl SpanFile for &PathBuf {
    fn span_file(self) -> Arc<Path> {
        self.as_path().into()
    }
}

impl SpanFile for &str {
    fn span_file(self) -> Arc<Path> {
        Path::new(self).into()
    }
}

impl SpanFile for String {
    fn span_file(self) -> Arc<Path> {
        Path::new(&self).into()
    }
}

impl SpanFile for &String {
    fn span_file(self) -> Arc<Path> {
        Path::new(self).into()
    }
}

/// A path with forward slashes, for messages and output that must not depend on the platform.
pub fn display_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// One problem in one document.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable code, one of [`codes`].
    pub code: &'static str,
    /// Where the problem is.
    pub span: Span,
    /// What is wrong, in one sentence.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
    /// The source line the span points at, quoted under the message.
    #[serde(skip)]
    pub source_line: Option<String>,
}

impl Diagnostic {
    /// An error with a code, place and message.
    pub fn error(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            span,
            message: message.into(),
            hint: None,
            source_line: None,
        }
    }

    /// A warning with a code, place and message.
    pub fn warning(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, span, message)
        }
    }

    /// The same diagnostic with a hint saying what to do.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Rendered like a compiler message, quoting the source line when known.
    pub fn to_human(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}[{}]: {}",
            self.severity.as_str(),
            self.code,
            self.message
        );
        let gutter = self.span.line.to_string().len();
        let _ = writeln!(
            out,
            "{:gutter$}--> {}:{}:{}",
            "",
            self.span.file_display(),
            self.span.line,
            self.span.column
        );
        if let Some(line) = &self.source_line {
            let line = line.trim_end();
            let _ = writeln!(out, "{:gutter$} |", "");
            let _ = writeln!(out, "{} | {}", self.span.line, line);
            let caret_at: usize = line
                .chars()
                .take(self.span.column as usize - 1)
                .map(|c| if c == '\t' { 4 } else { 1 })
                .sum();
            let _ = writeln!(out, "{:gutter$} | {:caret_at$}^", "", "");
        }
        if let Some(hint) = &self.hint {
            let _ = writeln!(out, "{:gutter$} = hint: {}", "", hint);
        }
        out
    }

    /// One JSON object on one line, for scripts.
    pub fn to_json(&self) -> String {
        self.to_json_value().to_string()
    }

    /// The problem as the JSON object `--format json` prints (and `seam serve`'s overlay shows).
    pub fn to_json_value(&self) -> serde_json::Value {
        serde_json::json!({
            "severity": self.severity,
            "code": self.code,
            "file": self.span.file_display(),
            "line": self.span.line,
            "column": self.span.column,
            "message": self.message,
            "hint": self.hint,
        })
    }

    /// A GitHub Actions workflow command that annotates the file in a pull request.
    pub fn to_github(&self) -> String {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut message = self.message.clone();
        if let Some(hint) = &self.hint {
            message.push_str("\nhint: ");
            message.push_str(hint);
        }
        format!(
            "::{level} file={},line={},col={},title={}::{}",
            escape_github_property(&self.span.file_display()),
            self.span.line,
            self.span.column,
            escape_github_property(self.code),
            escape_github_data(&message)
        )
    }
}

fn escape_github_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_github_property(s: &str) -> String {
    escape_github_data(s)
        .replace(':', "%3A")
        .replace(',', "%2C")
}

/// Sorts diagnostics by file, line, column and code, so output is stable.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.span, a.severity, a.code, &a.message).cmp(&(&b.span, b.severity, b.code, &b.message))
    });
}

/// Counts of errors and warnings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Number of errors.
    pub errors: usize,
    /// Number of warnings.
    pub warnings: usize,
}

impl Counts {
    /// Counts the diagnostics of each severity.
    pub fn of(diagnostics: &[Diagnostic]) -> Self {
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        Counts {
            errors,
            warnings: diagnostics.len() - errors,
        }
    }
}

/// The stable diagnostic codes, documented in `docs/checks.md`.
pub mod codes {
    /// The file is larger than Seam reads.
    pub const FILE_TOO_LARGE: &str = "file-too-large";
    /// The file is not UTF-8.
    pub const NOT_UTF8: &str = "not-utf8";
    /// The file is empty.
    pub const EMPTY_FILE: &str = "empty-file";
    /// The file could not be read.
    pub const UNREADABLE: &str = "unreadable-file";
    /// A link in the docs repo points outside it, so Seam does not follow it.
    pub const OUTSIDE_ROOT: &str = "outside-root";
    /// A link in the docs repo that leads to nothing, or loops back to a folder it is in.
    pub const DANGLING_LINK: &str = "dangling-link";
    /// A FIFO, socket or device where a document or asset was expected.
    pub const NOT_A_FILE: &str = "not-a-file";
    /// Front matter opened with `---` but never closed.
    pub const UNCLOSED_FRONT_MATTER: &str = "unclosed-front-matter";
    /// The front matter is not valid YAML (or expands too much).
    pub const INVALID_YAML: &str = "invalid-yaml";
    /// The front matter is YAML but not a mapping of keys to values.
    pub const FRONT_MATTER_NOT_A_MAP: &str = "front-matter-not-a-map";
    /// A required front matter field is missing.
    pub const MISSING_FIELD: &str = "missing-field";
    /// A field has the wrong type.
    pub const INVALID_FIELD: &str = "invalid-field";
    /// A date that does not exist or is not `YYYY-MM-DD`.
    pub const INVALID_DATE: &str = "invalid-date";
    /// A value that is not one of the field's allowed words.
    pub const UNKNOWN_VALUE: &str = "unknown-value";
    /// A front matter key Seam does not know.
    pub const UNKNOWN_FIELD: &str = "unknown-field";
    /// A `kind:` that is not a known kind.
    pub const UNKNOWN_KIND: &str = "unknown-kind";
    /// A required section heading is missing.
    pub const MISSING_SECTION: &str = "missing-section";
    /// A recommended section heading is missing.
    pub const MISSING_RECOMMENDED_SECTION: &str = "missing-recommended-section";
    /// An update with none of its sections.
    pub const EMPTY_UPDATE: &str = "empty-update";
    /// A reference that resolves to nothing (or to the wrong kind).
    pub const BROKEN_REFERENCE: &str = "broken-reference";
    /// Two documents with one id.
    pub const DUPLICATE_ID: &str = "duplicate-id";
    /// An id that cannot name a folder of the site (`.`, `..`, control characters, too long).
    pub const UNPORTABLE_ID: &str = "unportable-id";
    /// Two documents, or a document and a page Seam makes, would be published at one address.
    pub const ADDRESS_TAKEN: &str = "address-taken";
    /// A file with more references to other documents than Seam checks.
    pub const TOO_MANY_LINKS: &str = "too-many-links";
    /// A link or image whose scheme `link_schemes` does not allow: shown without its address.
    pub const UNSAFE_LINK: &str = "unsafe-link";
    /// An HTML or SVG file in the content folder, left unpublished.
    pub const HTML_ASSET: &str = "html-asset";
    /// Two ADRs with one number.
    pub const DUPLICATE_ADR_NUMBER: &str = "duplicate-adr-number";
    /// An ADR number this branch and the branch `check --against` names each gave to a different file.
    pub const ADR_NUMBER_COLLISION: &str = "adr-number-collision";
    /// ADRs that supersede each other in a loop.
    pub const SUPERSESSION_CYCLE: &str = "supersession-cycle";
    /// `status: superseded` with no successor.
    pub const SUPERSEDED_WITHOUT_SUCCESSOR: &str = "superseded-without-successor";
    /// A successor says it supersedes an ADR whose own file does not say so.
    pub const SUPERSESSION_NOT_RECORDED: &str = "supersession-not-recorded";
    /// An ADR status word Seam does not know; kept and shown.
    pub const UNKNOWN_STATUS: &str = "unknown-status";
    /// An imported ADR's title gives another number than its file name.
    pub const ADR_TITLE_NUMBER: &str = "adr-title-number";
    /// An imported ADR's title is still its template's placeholder.
    pub const PLACEHOLDER_TITLE: &str = "placeholder-title";
    /// A team that depends on itself.
    pub const SELF_DEPENDENCY: &str = "self-dependency";
    /// Teams that depend on each other in a loop.
    pub const DEPENDENCY_CYCLE: &str = "dependency-cycle";
    /// Committed date after the need-by date.
    pub const LATE: &str = "late";
    /// Committed less than 7 days before need-by.
    pub const NO_BUFFER: &str = "no-buffer";
    /// Committed date TBD and need-by within 42 days.
    pub const UNCONFIRMED: &str = "unconfirmed";
    /// Need-by passed and not done.
    pub const OVERDUE: &str = "overdue";
    /// Not confirmed or reviewed recently enough.
    pub const STALE: &str = "stale";
    /// The owner's risk is lower than the computed risk.
    pub const OPTIMISTIC_RISK: &str = "optimistic-risk";
    /// An alignment with fewer than two parties.
    pub const TOO_FEW_PARTIES: &str = "too-few-parties";
    /// A commitment by a team that is not a party to the alignment.
    pub const COMMITMENT_NOT_PARTY: &str = "commitment-not-party";
    /// A commitment of an active alignment whose date has passed.
    pub const PAST_DUE_COMMITMENT: &str = "past-due-commitment";
    /// An alignment longer than 1,000 words.
    pub const TOO_LONG: &str = "too-long";
    /// A rotation that cannot produce a schedule.
    pub const INVALID_ROTATION: &str = "invalid-rotation";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_output_quotes_the_line_and_points_at_the_column() {
        let mut d = Diagnostic::error(
            codes::BROKEN_REFERENCE,
            Span::new("content/teams/a.md", 12, 5),
            "`[[nope]]` names no document",
        )
        .with_hint("check the id");
        d.source_line = Some("See [[nope]] first.".into());
        assert_eq!(
            d.to_human(),
            "error[broken-reference]: `[[nope]]` names no document\n  --> content/teams/a.md:12:5\n   |\n12 | See [[nope]] first.\n   |     ^\n   = hint: check the id\n"
        );
    }

    #[test]
    fn github_annotations_escape_newlines_and_separators() {
        let d = Diagnostic::warning(codes::STALE, Span::new("a,b.md", 3, 1), "50%\nold")
            .with_hint("update it");
        assert_eq!(
            d.to_github(),
            "::warning file=a%2Cb.md,line=3,col=1,title=stale::50%25%0Aold%0Ahint: update it"
        );
    }

    #[test]
    fn json_has_every_field() {
        let d = Diagnostic::error(codes::EMPTY_FILE, Span::file_start("x.md"), "empty");
        let v: serde_json::Value = serde_json::from_str(&d.to_json()).unwrap();
        assert_eq!(v["code"], "empty-file");
        assert_eq!(v["line"], 1);
        assert_eq!(v["severity"], "error");
        assert!(v["hint"].is_null());
    }
}
