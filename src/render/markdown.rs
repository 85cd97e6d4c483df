//! Markdown bodies to HTML, with references rewritten to page URLs and code highlighted.

use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Parser, Tag, TagEnd, html};
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use crate::link::{Form, Site};
use crate::load::{markdown_options, relative_markdown_target, resolve_relative};
use crate::model::Document;

/// The CSS class prefix of highlighted tokens, shared with the theme's stylesheet.
pub const HIGHLIGHT_CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Highlights code blocks with CSS classes; loaded once per process.
pub struct Highlighter {
    syntaxes: SyntaxSet,
    /// Blocks already highlighted, by language and text, once
    /// [`Highlighter::keep`] is on (`seam serve`, whose rebuilds re-render
    /// pages whose code did not change); at most [`KEPT_BYTES`] in all.
    kept: std::sync::Mutex<Kept>,
    keep: std::sync::atomic::AtomicBool,
    /// How many blocks were found kept, for the tests.
    #[cfg(test)]
    hits: std::sync::atomic::AtomicUsize,
}

/// Highlighted blocks kept, and the bytes they and their keys take.
#[derive(Default)]
struct Kept {
    /// By hash of language and text: the blocks with that hash.
    blocks: rustc_hash::FxHashMap<u64, Vec<KeptBlock>>,
    bytes: usize,
}

/// A kept block: its language, its text and its HTML.
type KeptBlock = (Box<str>, Box<str>, std::sync::Arc<str>);

/// The most bytes of code and HTML the highlighter keeps; past it, it starts afresh.
pub const KEPT_BYTES: usize = 32 * 1024 * 1024;

impl Default for Highlighter {
    fn default() -> Self {
        Highlighter {
            syntaxes: SyntaxSet::load_defaults_newlines(),
            kept: Default::default(),
            keep: Default::default(),
            #[cfg(test)]
            hits: Default::default(),
        }
    }
}

/// The longest code block, and the longest line in one, that is coloured:
/// the highlighter's regular expressions slow down sharply on very long lines
/// (one 5 MB line took 8 s and 670 MB), and no reader needs such a block coloured.
pub const HIGHLIGHT_LIMIT: (usize, usize) = (256 * 1024, 2_000);

/// Whether a code block is within [`HIGHLIGHT_LIMIT`].
fn highlightable(code: &str) -> bool {
    code.len() <= HIGHLIGHT_LIMIT.0 && code.lines().all(|l| l.len() <= HIGHLIGHT_LIMIT.1)
}

impl Highlighter {
    /// Keeps the blocks it highlights from now on, so that highlighting one
    /// again costs a lookup: for `seam serve`, whose rebuilds re-render pages
    /// with unchanged code. A batch build highlights each block once and
    /// does not keep them.
    pub fn keep(&self) {
        self.keep.store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// HTML for one code block; unknown languages, and blocks too long to
    /// colour cheaply ([`HIGHLIGHT_LIMIT`]), are escaped as plain text.
    pub fn highlight(&self, code: &str, lang: &str) -> String {
        if !self.keep.load(std::sync::atomic::Ordering::Relaxed) {
            return self.highlight_anew(code, lang);
        }
        let hash = {
            use std::hash::{Hash, Hasher};
            let mut h = rustc_hash::FxHasher::default();
            (lang, code).hash(&mut h);
            h.finish()
        };
        let lock = || {
            self.kept
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        let found = lock().blocks.get(&hash).and_then(|same| {
            same.iter()
                .find(|(l, c, _)| **l == *lang && **c == *code)
                .map(|(.., html)| html.to_string())
        });
        if let Some(html) = found {
            #[cfg(test)]
            self.hits.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            return html;
        }
        let html = self.highlight_anew(code, lang);
        let size = lang.len() + code.len() + html.len();
        if size <= KEPT_BYTES / 16 {
            let mut k = lock();
            if k.bytes + size > KEPT_BYTES {
                k.blocks.clear();
                k.bytes = 0;
            }
            k.blocks.entry(hash).or_default().push((
                Box::from(lang),
                Box::from(code),
                std::sync::Arc::from(html.as_str()),
            ));
            k.bytes += size;
        }
        html
    }

    fn highlight_anew(&self, code: &str, lang: &str) -> String {
        let token = lang.split([',', ' ']).next().unwrap_or("").trim();
        let syntax = (!token.is_empty() && highlightable(code))
            .then(|| self.syntaxes.find_syntax_by_token(token))
            .flatten();
        let inner = match syntax {
            Some(syntax) => {
                let mut generator = ClassedHTMLGenerator::new_with_class_style(
                    syntax,
                    &self.syntaxes,
                    HIGHLIGHT_CLASS_STYLE,
                );
                let ok = LinesWithEndings::from(code).all(|line| {
                    generator
                        .parse_html_for_line_which_includes_newline(line)
                        .is_ok()
                });
                if ok {
                    generator.finalize()
                } else {
                    escape(code)
                }
            }
            None => escape(code),
        };
        let lang_attr = if token.is_empty() {
            String::new()
        } else {
            format!(" data-lang=\"{}\"", escape(token))
        };
        format!("<pre class=\"code\"{lang_attr}><code>{inner}</code></pre>\n")
    }
}

/// Escapes text for HTML.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Renders a document's body. The first H1 is dropped when it only repeats the title.
pub fn render_body(doc: &Document, site: &Site, highlighter: &Highlighter) -> String {
    render_markdown(doc, site, None, &site.config.base_path(), Some(highlighter))
}

/// Renders a document's body with links under `base`, which may be absolute
/// (for feeds). Without a highlighter, code is plain.
pub fn render_body_under(
    doc: &Document,
    site: &Site,
    base: &str,
    highlighter: Option<&Highlighter>,
) -> String {
    render_markdown(doc, site, None, base, highlighter)
}

/// Renders part of a document's body (a section) with links under `base`, which
/// may be absolute (for email and feeds). Without a highlighter, code is plain.
pub fn render_fragment(
    doc: &Document,
    site: &Site,
    fragment: &str,
    base: &str,
    highlighter: Option<&Highlighter>,
) -> String {
    render_markdown(doc, site, Some(fragment), base, highlighter)
}

/// Where a link in a document's body goes once references are resolved.
enum LinkTarget {
    /// A page of the site (or any other URL), with the title to use as text when the link has none.
    Page { href: String, title: Option<String> },
    /// A wiki link or relative `.md` link to no document.
    Broken { target: String },
    /// A link whose scheme could run code or leave the web (`javascript:`,
    /// `data:`, `vbscript:`, …): its text is kept, the link is not.
    Unsafe,
}

/// Whether a link's destination (entities already decoded) is relative or
/// has one of `schemes` (`link_schemes` in seam.toml), read as a browser
/// reads it: tabs and newlines anywhere and leading control characters and
/// spaces ignored, letters in any case.
pub(crate) fn safe_url(dest: &str, schemes: &[String]) -> bool {
    crate::vocabulary::link_scheme(dest).is_none_or(|scheme| schemes.contains(&scheme))
}

/// Cleans `html` (a rendered body holding raw HTML) of everything that can
/// run script or leave the page: `<script>`, `<style>`, `<iframe>`, event
/// handlers, and addresses without one of `schemes`. What Markdown and
/// Seam make (headings' anchors, highlighted code, task lists, aligned
/// table cells) survives.
fn sanitize(html: &str, schemes: &[String]) -> String {
    let mut builder = ammonia::Builder::default();
    builder
        .add_generic_attributes(["class", "id", "title"])
        .add_tags([
            "details",
            "summary",
            "figure",
            "figcaption",
            "mark",
            "kbd",
            "input",
        ])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attributes("th", ["style"])
        .add_tag_attributes("td", ["style"])
        .add_tag_attributes("details", ["open"])
        .add_tag_attributes("pre", ["data-lang"])
        .url_schemes(schemes.iter().map(String::as_str).collect())
        .link_rel(Some("noopener noreferrer"));
    builder.clean(html).to_string()
}

/// Resolves a wiki link or a relative `.md` link of `doc` to a URL under `base`.
fn resolve_link(
    doc: &Document,
    site: &Site,
    base: &str,
    link_type: LinkType,
    dest_url: &str,
) -> LinkTarget {
    if let LinkType::WikiLink { .. } = link_type {
        let (target, fragment) = match dest_url.split_once('#') {
            Some((t, f)) => (t.trim(), Some(f)),
            None => (dest_url.trim(), None),
        };
        return match site.resolve(target, None) {
            Some(i) => {
                let t = &site.documents[i];
                LinkTarget::Page {
                    href: page_href(base, &t.url, fragment),
                    title: Some(t.title.clone()),
                }
            }
            None => LinkTarget::Broken {
                target: target.to_string(),
            },
        };
    }
    if !safe_url(dest_url, &site.config.link_schemes) {
        return LinkTarget::Unsafe;
    }
    let href = match relative_markdown_target(dest_url) {
        Some((path, fragment)) => {
            let target = resolve_relative(&doc.source.rel, path)
                .and_then(|p| site.resolution(Form::RelativeLink, &p).found());
            match target {
                Some(i) => page_href(base, &site.documents[i].url, fragment),
                // Shown as broken, as `seam check` reports it.
                None => {
                    return LinkTarget::Broken {
                        target: dest_url.to_string(),
                    };
                }
            }
        }
        None => file_href(doc, base, dest_url).unwrap_or_else(|| dest_url.to_string()),
    };
    LinkTarget::Page { href, title: None }
}

/// Where a relative link to a file beside the document (an image, a PDF)
/// points once the page is at its own address: the file keeps its place in
/// the content folder, so the link is made from `base`. `None` for an
/// absolute URL, an anchor, or a path that climbs out of the content folder.
fn file_href(doc: &Document, base: &str, dest: &str) -> Option<String> {
    let scheme = dest
        .find([':', '/', '?', '#'])
        .is_some_and(|i| dest.as_bytes()[i] == b':');
    if dest.is_empty() || scheme || dest.starts_with(['/', '#', '?']) {
        return None;
    }
    let (path, rest) = dest.split_at(dest.find(['?', '#']).unwrap_or(dest.len()));
    let resolved = crate::load::resolve_relative(&doc.source.rel, path)?;
    (!resolved.is_empty()).then(|| format!("{base}{resolved}{rest}"))
}

/// Renders `fragment` of a document's body, or the whole body when `None`.
fn render_markdown(
    doc: &Document,
    site: &Site,
    fragment: Option<&str>,
    base: &str,
    highlighter: Option<&Highlighter>,
) -> String {
    // Only the whole body has the outline's anchors and may repeat the title.
    let whole = fragment.is_none();
    let unpacked;
    let body = match fragment {
        Some(fragment) => fragment,
        None => {
            unpacked = doc.source.body();
            &*unpacked
        }
    };
    let mut anchors = doc
        .source
        .outline
        .headings
        .iter()
        .filter(|_| whole)
        .map(|h| h.anchor.clone());
    let mut events: Vec<Event> = Vec::new();
    let mut code: Option<(String, String)> = None;
    // For each open link: whether it is broken (rendered as a span), and whether its text is replaced.
    let mut links: Vec<(bool, bool)> = Vec::new();
    let mut skip_heading = false;
    let mut first_block = true;
    // Whether raw HTML passed through (with `unsafe_html`), to be sanitised.
    let mut raw_html = false;
    for event in Parser::new_ext(body, markdown_options()) {
        if skip_heading {
            if matches!(event, Event::End(TagEnd::Heading(_))) {
                skip_heading = false;
            }
            continue;
        }
        if let Some((lang, text)) = code.as_mut() {
            match event {
                Event::Text(t) => text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let html = match highlighter {
                        Some(h) => h.highlight(text, lang),
                        None => format!("<pre><code>{}</code></pre>\n", escape(text)),
                    };
                    events.push(Event::Html(html.into()));
                    code = None;
                }
                _ => {}
            }
            continue;
        }
        if let Event::End(TagEnd::Link) = event {
            match links.pop() {
                Some((true, _)) => events.push(Event::Html("</span>".into())),
                _ => events.push(event),
            }
            continue;
        }
        if links.last().is_some_and(|&(_, replaced)| replaced) {
            continue;
        }
        let starts_block = matches!(&event, Event::Start(_));
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let anchor = anchors.next();
                if whole
                    && first_block
                    && level == pulldown_cmark::HeadingLevel::H1
                    && repeats_title(doc)
                {
                    skip_heading = true;
                } else {
                    // The outline's anchor is the written `{#id}` made unique, else the slug.
                    let id = anchor.map(CowStr::from).or(id);
                    events.push(Event::Start(Tag::Heading {
                        level,
                        id,
                        classes,
                        attrs,
                    }));
                }
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(l) => l.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let has_pothole = match link_type {
                    LinkType::WikiLink { has_pothole } => has_pothole,
                    _ => true,
                };
                match resolve_link(doc, site, base, link_type, &dest_url) {
                    LinkTarget::Page {
                        href,
                        title: page_title,
                    } => {
                        let wiki = page_title.is_some();
                        let title = match page_title.as_ref() {
                            Some(t) if title.is_empty() => t.clone().into(),
                            _ => title,
                        };
                        events.push(Event::Start(Tag::Link {
                            link_type: if wiki { LinkType::Inline } else { link_type },
                            dest_url: href.into(),
                            title,
                            id,
                        }));
                        if !has_pothole && let Some(t) = page_title {
                            events.push(Event::Text(t.into()));
                        }
                        links.push((false, !has_pothole));
                    }
                    LinkTarget::Broken { target } => {
                        events.push(Event::Html(
                            format!(
                                "<span class=\"broken-link\" title=\"broken reference: {}\">",
                                escape(&target)
                            )
                            .into(),
                        ));
                        if !has_pothole {
                            events.push(Event::Text(target.into()));
                        }
                        links.push((true, !has_pothole));
                    }
                    LinkTarget::Unsafe => {
                        events.push(Event::Html(
                            "<span class=\"unsafe-link\" title=\"link left out: only http, https, mailto and relative links are kept\">".into(),
                        ));
                        links.push((true, false));
                    }
                }
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                // An image from an unsafe address shows nothing rather than run it.
                let dest_url = if safe_url(&dest_url, &site.config.link_schemes) {
                    file_href(doc, base, &dest_url).map_or(dest_url, CowStr::from)
                } else {
                    CowStr::from("")
                };
                events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Html(h) | Event::InlineHtml(h) if !site.config.unsafe_html => {
                events.push(Event::Text(h));
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                raw_html = true;
                events.push(Event::Html(h));
            }
            other => events.push(other),
        }
        if starts_block {
            first_block = false;
        }
    }
    let mut out = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    if raw_html && site.config.sanitize_html {
        return sanitize(&out, &site.config.link_schemes);
    }
    out
}

/// Whether the body's first heading only repeats the page title (which the template shows).
fn repeats_title(doc: &Document) -> bool {
    let norm = |s: &str| crate::check::normalise_heading(s);
    doc.source.outline.first_h1().is_some_and(|h1| {
        let title = norm(&doc.title);
        norm(h1) == title || norm(h1).ends_with(&title)
    })
}

/// The site-absolute href of a page, with an optional fragment.
pub fn page_href(base: &str, url: &str, fragment: Option<&str>) -> String {
    match fragment {
        Some(f) if !f.is_empty() => format!("{base}{url}#{f}"),
        _ => format!("{base}{url}"),
    }
}

/// The level-2 sections of a Markdown body: each heading's text and the byte
/// range of what follows it, up to the next level-1 or level-2 heading.
pub fn sections(body: &str) -> Vec<(String, std::ops::Range<usize>)> {
    let mut out: Vec<(String, std::ops::Range<usize>)> = Vec::new();
    let mut heading: Option<(pulldown_cmark::HeadingLevel, String)> = None;
    for (event, range) in Parser::new_ext(body, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. })
                if level <= pulldown_cmark::HeadingLevel::H2 =>
            {
                if let Some(last) = out.last_mut()
                    && last.1.end == body.len()
                {
                    last.1.end = range.start;
                }
                heading = Some((level, String::new()));
            }
            Event::Text(t) | Event::Code(t) if heading.is_some() => {
                if let Some((_, text)) = heading.as_mut() {
                    text.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, text)) = heading.take()
                    && level == pulldown_cmark::HeadingLevel::H2
                {
                    out.push((text.trim().to_string(), range.end..body.len()));
                }
            }
            _ => {}
        }
    }
    out
}

/// Plain text of part of a document's body, for the digest's text email:
/// paragraphs and list items wrapped at `width` columns, links to the site's
/// own pages reduced to their text, other links followed by `<url>`, and code
/// blocks indented.
pub fn render_text(doc: &Document, site: &Site, fragment: &str, width: usize) -> String {
    let mut out = TextWriter::new(width);
    // Per open list: the next number of an ordered list.
    let mut lists: Vec<Option<u64>> = Vec::new();
    // Per open link: the outer URL to print after it, if any, and the text's start.
    let mut links: Vec<(Option<String>, usize, bool)> = Vec::new();
    let mut in_code = false;
    for event in Parser::new_ext(fragment, markdown_options()) {
        if in_code {
            match event {
                Event::Text(t) => out.code(&t),
                Event::End(TagEnd::CodeBlock) => {
                    in_code = false;
                    out.blank();
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::List(start)) => {
                out.flush();
                lists.push(start);
                out.widths.push(2);
            }
            Event::End(TagEnd::List(_)) => {
                out.flush();
                lists.pop();
                out.widths.pop();
                if lists.is_empty() {
                    out.blank();
                }
            }
            Event::Start(Tag::Item) => {
                out.flush();
                let marker = match lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{}. ", *n - 1)
                    }
                    _ => "- ".to_string(),
                };
                out.item(marker);
            }
            Event::End(TagEnd::Item) => out.flush(),
            Event::End(TagEnd::Paragraph) => {
                out.flush();
                if lists.is_empty() {
                    out.blank();
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                out.flush();
                out.blank();
            }
            Event::Start(Tag::CodeBlock(_)) => {
                out.flush();
                in_code = true;
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => {
                let has_pothole = match link_type {
                    LinkType::WikiLink { has_pothole } => has_pothole,
                    _ => true,
                };
                match resolve_link(doc, site, "", link_type, &dest_url) {
                    LinkTarget::Page { title: Some(t), .. } => {
                        if !has_pothole {
                            out.text(&t);
                        }
                        links.push((None, out.len(), !has_pothole));
                    }
                    LinkTarget::Page { href, title: None } => {
                        let external = href.contains("://") || href.starts_with("mailto:");
                        links.push((external.then_some(href), out.len(), false));
                    }
                    LinkTarget::Broken { target } => {
                        if !has_pothole {
                            out.text(&target);
                        }
                        links.push((None, out.len(), !has_pothole));
                    }
                    LinkTarget::Unsafe => links.push((None, out.len(), false)),
                }
            }
            Event::End(TagEnd::Link) => {
                if let Some((Some(href), start, _)) = links.pop() {
                    let label = out.since(start);
                    if label.trim() != href.trim_start_matches("mailto:") {
                        out.text(&format!(" <{href}>"));
                    }
                }
            }
            _ if links.last().is_some_and(|l| l.2) => {}
            Event::Text(t) | Event::Code(t) => out.text(&t),
            Event::InlineHtml(h) | Event::Html(h) => out.text(&h),
            Event::SoftBreak => out.text(" "),
            Event::HardBreak => out.text("\n"),
            Event::Rule => {
                out.flush();
                out.line("----".into());
                out.blank();
            }
            Event::TaskListMarker(done) => out.text(if done { "[x] " } else { "[ ] " }),
            _ => {}
        }
    }
    out.flush();
    out.finish()
}

/// Accumulates inline text and writes wrapped lines.
struct TextWriter {
    width: usize,
    /// Per open list, the width of its current item's marker (`- `, `10. `).
    widths: Vec<usize>,
    lines: Vec<String>,
    inline: String,
    marker: Option<String>,
}

impl TextWriter {
    fn new(width: usize) -> Self {
        TextWriter {
            width,
            widths: Vec::new(),
            lines: Vec::new(),
            inline: String::new(),
            marker: None,
        }
    }

    fn text(&mut self, t: &str) {
        self.inline.push_str(t);
    }

    fn len(&self) -> usize {
        self.inline.len()
    }

    fn since(&self, start: usize) -> &str {
        self.inline.get(start..).unwrap_or("")
    }

    fn item(&mut self, marker: String) {
        if let Some(w) = self.widths.last_mut() {
            *w = marker.chars().count();
        }
        self.marker = Some(marker);
    }

    fn line(&mut self, l: String) {
        self.lines.push(l);
    }

    fn blank(&mut self) {
        if self.lines.last().is_some_and(|l| !l.is_empty()) {
            self.lines.push(String::new());
        }
    }

    fn code(&mut self, t: &str) {
        let indent = " ".repeat(self.widths.iter().sum::<usize>() + 4);
        for l in t.lines() {
            self.lines
                .push(format!("{indent}{l}").trim_end().to_string());
        }
    }

    /// Wraps the pending inline text, with a list marker on its first line.
    fn flush(&mut self) {
        let text = std::mem::take(&mut self.inline);
        let marker = self.marker.take();
        if text.trim().is_empty() {
            // An item whose text comes in a later paragraph keeps its marker.
            self.marker = marker;
            return;
        }
        // Nested items start under their parent's text; continuations under their own.
        let outer: usize = self.widths.iter().rev().skip(1).sum();
        let indent = " ".repeat(outer);
        let first = format!("{indent}{}", marker.as_deref().unwrap_or(""));
        let rest = " ".repeat(outer + self.widths.last().copied().unwrap_or(0));
        for (n, para) in text.split('\n').enumerate() {
            let prefix = if n == 0 { &first } else { &rest };
            self.lines.extend(wrap(para, self.width, prefix, &rest));
        }
    }

    fn finish(mut self) -> String {
        while self.lines.last().is_some_and(|l| l.is_empty()) {
            self.lines.pop();
        }
        let mut out = self.lines.join("\n");
        out.push('\n');
        out
    }
}

/// Wraps each line of `text` at `width` columns; continuation lines are
/// indented by `indent` spaces more than the line they continue.
pub fn wrap_text(text: &str, width: usize, indent: usize) -> String {
    text.split('\n')
        .map(|line| {
            let lead = line.len() - line.trim_start().len();
            let first = &line[..lead];
            let rest = " ".repeat(lead + indent);
            let wrapped = wrap(line.trim_start(), width, first, &rest);
            if wrapped.is_empty() {
                String::new()
            } else {
                wrapped.join("\n")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Greedy word wrap by display width; words longer than the width (URLs) get
/// a line of their own, unbroken.
fn wrap(text: &str, width: usize, first: &str, rest: &str) -> Vec<String> {
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if words.is_empty() {
        return Vec::new();
    }
    let options = textwrap::Options::new(width)
        .initial_indent(first)
        .subsequent_indent(rest)
        .break_words(false)
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
        .wrap_algorithm(textwrap::WrapAlgorithm::FirstFit);
    textwrap::wrap(&words, options)
        .into_iter()
        .map(std::borrow::Cow::into_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::test_site;

    #[test]
    fn kept_blocks_are_highlighted_once_and_stay_within_their_bound() {
        let h = Highlighter::default();
        let code = "fn main() {\n    let x = 1;\n}\n";
        let plain = h.highlight(code, "rust");
        assert_eq!(h.highlight(code, "rust"), plain);
        assert_eq!(
            h.hits.load(std::sync::atomic::Ordering::Relaxed),
            0,
            "a batch build keeps nothing"
        );
        h.keep();
        assert_eq!(h.highlight(code, "rust"), plain);
        assert_eq!(h.highlight(code, "rust"), plain);
        assert_eq!(h.hits.load(std::sync::atomic::Ordering::Relaxed), 1);
        // Another language, or other text, is not the same block.
        assert_ne!(h.highlight(code, "text"), plain);
        assert_ne!(h.highlight("fn main() {}\n", "rust"), plain);
        assert_eq!(h.hits.load(std::sync::atomic::Ordering::Relaxed), 1);
        // Many distinct blocks never take more than the bound.
        let big = "x".repeat(KEPT_BYTES / 40);
        for i in 0..100 {
            h.highlight(&format!("{i}{big}"), "text");
            assert!(h.kept.lock().unwrap().bytes <= KEPT_BYTES);
        }
    }

    #[test]
    fn code_past_the_limits_is_shown_plain_not_coloured() {
        let h = Highlighter::default();
        let small = h.highlight("let x = 1;\n", "rust");
        assert!(small.contains("class=\"hl-"), "{small}");
        let long_line = format!("{}\n", "let x = 1; ".repeat(HIGHLIGHT_LIMIT.1 / 11 + 1));
        let plain = h.highlight(&long_line, "rust");
        assert!(
            !plain.contains("class=\"hl-") && plain.contains("let x = 1;"),
            "{plain}"
        );
        let many_lines = "let x = 1;\n".repeat(HIGHLIGHT_LIMIT.0 / 11 + 1);
        let plain = h.highlight(&many_lines, "rust");
        assert!(!plain.contains("class=\"hl-"));
        assert_eq!(
            plain.matches("let x = 1;").count(),
            HIGHLIGHT_LIMIT.0 / 11 + 1
        );
    }

    #[test]
    fn plain_text_wraps_lists_and_keeps_external_urls() {
        let site = test_site(
            &[
                ("teams/web.md", "---\nname: Web\n---\n"),
                (
                    "notes.md",
                    "Intro with [[web]], [[web|the web team]], [[gone]] and [docs](https://example.com/docs).\n\n- one item that is long enough to need wrapping when the width is thirty\n- two\n  1. nested\n\n```\ncode line\n```\n\n9. nine\n10. ten\n    - under ten\n",
                ),
            ],
            "2026-11-20",
        );
        let doc = site.documents.iter().find(|d| d.id == "notes").unwrap();
        let text = render_text(doc, &site, &doc.source.body(), 30);
        assert_eq!(
            text,
            "Intro with Web, the web team,\ngone and docs\n<https://example.com/docs>.\n\n- one item that is long enough\n  to need wrapping when the\n  width is thirty\n- two\n  1. nested\n\n    code line\n\n9. nine\n10. ten\n    - under ten\n"
        );
    }

    #[test]
    fn raw_html_is_sanitised_unless_the_repo_opts_out() {
        let body = "## Context\n\n<details open><summary>More</summary><b onclick=\"alert(1)\">bold</b></details>\n\n\
                    <script>alert(2)</script><img src=x onerror=alert(3)><a href=\"javascript:alert(4)\">a</a> \
                    <iframe src=\"https://evil.example/\"></iframe><a href=\"tel:123\">call</a> <span class=\"note\">kept</span>\n\n\
                    | a | b |\n|:--|--:|\n| 1 | 2 |\n\n- [x] done\n\n```rust\nfn main() {}\n```\n";
        let mut site = test_site(&[("notes.md", body)], "2026-11-20");
        site.config.unsafe_html = true;
        let doc = &site.documents.as_slice()[0];
        let html = render_markdown(doc, &site, None, "/", None);
        let lower = html.to_ascii_lowercase();
        for gone in [
            "<script",
            "onclick",
            "onerror",
            "javascript:",
            "<iframe",
            "tel:",
        ] {
            assert!(!lower.contains(gone), "{gone} survived: {html}");
        }
        for kept in [
            "<details open=\"\"><summary>More</summary><b>bold</b></details>",
            "<span class=\"note\">kept</span>",
            "<th style=\"text-align: left\">a</th>",
            "<input disabled=\"\" type=\"checkbox\" checked=\"\">",
            "id=\"context\"",
            "<pre><code>fn main() {}",
        ] {
            assert!(html.contains(kept), "{kept} is lost: {html}");
        }
        // A scheme the repo allows is kept.
        site.config.link_schemes.push("tel".into());
        let html = render_markdown(doc, &site, None, "/", None);
        assert!(html.contains("href=\"tel:123\""), "{html}");
        // Opting out passes raw HTML as written.
        site.config.sanitize_html = false;
        let html = render_markdown(doc, &site, None, "/", None);
        assert!(html.contains("<script>alert(2)</script>"), "{html}");
        // Off, raw HTML is text.
        site.config.unsafe_html = false;
        let html = render_markdown(doc, &site, None, "/", None);
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn only_safe_schemes_are_linked_in_pages_and_text() {
        // Hostile destinations, written as authors (or attackers) do: any
        // case, entities, tabs, leading spaces, autolinks, images.
        let body = "[a](javascript:alert(1)) [b](JaVaScRiPt:alert(2)) [c](&#106;avascript:alert(3)) \
                    [d](<java\tscript:alert(4)>) [e](< javascript:alert(5)>) <javascript:alert(6)> \
                    [f](vbscript:x) [g](data:text/html,<script>alert(7)</script>) ![h](javascript:alert(8)) \
                    [ok1](https://example.com/) [ok2](mailto:a@example.com) [ok3](../pages/x/) [ok4](#context) [ok5](a/b:c) <https://example.org/>\n";
        let site = test_site(&[("notes.md", body)], "2026-11-20");
        let doc = &site.documents.as_slice()[0];
        let html = render_markdown(doc, &site, None, "/", None).to_ascii_lowercase();
        for bad in ["javascript:", "vbscript:", "data:text"] {
            assert!(
                !html.contains(&format!("href=\"{bad}")) && !html.contains(&format!("src=\"{bad}")),
                "{bad} is linked: {html}"
            );
        }
        // The text of a link left out stays, marked.
        assert_eq!(html.matches("class=\"unsafe-link\"").count(), 8, "{html}");
        assert!(
            html.contains(">a</span>") && html.contains(">g</span>"),
            "{html}"
        );
        for good in [
            "href=\"https://example.com/\"",
            "href=\"mailto:a@example.com\"",
            "href=\"#context\"",
            "href=\"https://example.org/\"",
        ] {
            assert!(html.contains(good), "{good} missing: {html}");
        }
        let text = render_text(doc, &site, &doc.source.body(), 400);
        assert!(!text.to_ascii_lowercase().contains("<javascript"), "{text}");
        for (url, safe) in [
            ("javascript:x", false),
            ("\u{1}\u{20}JAVASCRIPT:x", false),
            ("java\nscript:x", false),
            ("https://a", true),
            ("HTTP://a", true),
            ("mailto:x@y", true),
            ("/a:b", true),
            ("a?b:c", true),
            ("#x:y", true),
            ("1x:y", true),
            ("tel:123", false),
        ] {
            let defaults: Vec<String> = crate::config::DEFAULT_LINK_SCHEMES
                .iter()
                .map(|s| s.to_string())
                .collect();
            assert_eq!(safe_url(url, &defaults), safe, "{url:?}");
        }
    }

    #[test]
    fn files_beside_a_document_are_linked_where_they_are_copied() {
        let site = test_site(
            &[(
                "adrs/0007-use-x.md",
                "---\ntitle: Use X\nstatus: accepted\ndate: 2026-11-01\n---\n\n![flow](img/flow.png \"Flow\") and [the PDF](../files/x.pdf#page=2), [web](https://example.com/a.png), [top](/about/), [here](#context), ![far](../../out.png)\n",
            )],
            "2026-11-20",
        );
        let doc = &site.documents.as_slice()[0];
        let html = render_markdown(doc, &site, None, "/base/", None);
        // The page is at /base/adrs/adr-0007/, the files stay at their content paths.
        assert!(html.contains("src=\"/base/adrs/img/flow.png\""), "{html}");
        assert!(html.contains("href=\"/base/files/x.pdf#page=2\""), "{html}");
        assert!(
            html.contains("href=\"https://example.com/a.png\""),
            "{html}"
        );
        assert!(html.contains("href=\"/about/\""), "{html}");
        assert!(html.contains("href=\"#context\""), "{html}");
        // Out of the content folder: left as written.
        assert!(html.contains("src=\"../../out.png\""), "{html}");
    }

    #[test]
    fn wrapping_counts_display_columns_not_characters() {
        // Each of these characters takes two columns: three and the marker fill ten
        // (counting characters would put a fourth on the first line, twelve wide).
        assert_eq!(
            wrap_text("- 表 示 幅 の 計 算", 10, 2),
            "- 表 示 幅\n  の 計 算"
        );
    }

    #[test]
    fn wrap_text_keeps_leading_space_and_indents_continuations() {
        assert_eq!(
            wrap_text("- one two three four\n\n  five six seven", 12, 2),
            "- one two\n  three four\n\n  five six\n    seven"
        );
    }

    #[test]
    fn sections_run_to_the_next_level_two_heading() {
        let body = "# Title\n\nIntro\n\n## Shipped\n\n- a\n\n### Detail\n\nb\n\n## Blockers `now`\n\nNone.\n\n# End\n\nx\n";
        let got: Vec<(String, &str)> = sections(body)
            .into_iter()
            .map(|(h, r)| (h, body[r].trim()))
            .collect();
        assert_eq!(
            got,
            [
                ("Shipped".to_string(), "- a\n\n### Detail\n\nb"),
                ("Blockers now".to_string(), "None.")
            ]
        );
    }

    #[test]
    fn fragments_link_under_any_base() {
        let site = test_site(
            &[
                ("teams/web.md", "---\nname: Web\n---\n"),
                (
                    "notes.md",
                    "# Notes\n\n## Part\n\nSee [[web]] and [the page](teams/web.md).\n",
                ),
            ],
            "2026-11-20",
        );
        let doc = site.documents.iter().find(|d| d.id == "notes").unwrap();
        let html = render_fragment(
            doc,
            &site,
            "See [[web]] and [the page](teams/web.md).",
            "https://wiki.example.com/",
            None,
        );
        assert_eq!(
            html,
            "<p>See <a href=\"https://wiki.example.com/teams/web/\" title=\"Web\">Web</a> and <a href=\"https://wiki.example.com/teams/web/\">the page</a>.</p>\n"
        );
    }
}
