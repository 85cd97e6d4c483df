//! Markdown bodies to HTML, with references rewritten to page URLs and code highlighted.

use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Parser, Tag, TagEnd, html};
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use crate::link::Site;
use crate::load::{markdown_options, relative_markdown_target, resolve_relative};
use crate::model::Document;

/// The CSS class prefix of highlighted tokens, shared with the theme's stylesheet.
pub const HIGHLIGHT_CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Highlights code blocks with CSS classes; built once per build.
pub struct Highlighter {
    syntaxes: SyntaxSet,
}

impl Default for Highlighter {
    fn default() -> Self {
        Highlighter {
            syntaxes: SyntaxSet::load_defaults_newlines(),
        }
    }
}

impl Highlighter {
    /// HTML for one code block; unknown languages are escaped as plain text.
    pub fn highlight(&self, code: &str, lang: &str) -> String {
        let token = lang.split([',', ' ']).next().unwrap_or("").trim();
        let syntax = (!token.is_empty())
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
    let base = site.config.base_path();
    let body = doc.source.body();
    let mut anchors = doc.source.outline.headings.iter().map(|h| h.anchor.clone());
    let mut events: Vec<Event> = Vec::new();
    let mut code: Option<(String, String)> = None;
    // For each open link: whether it is broken (rendered as a span), and whether its text is replaced.
    let mut links: Vec<(bool, bool)> = Vec::new();
    let mut skip_heading = false;
    let mut first_block = true;
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
                    events.push(Event::Html(highlighter.highlight(text, lang).into()));
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
                if first_block && level == pulldown_cmark::HeadingLevel::H1 && repeats_title(doc) {
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
                link_type: LinkType::WikiLink { has_pothole },
                dest_url,
                title,
                id,
            }) => {
                let (target, fragment) = match dest_url.split_once('#') {
                    Some((t, f)) => (t.trim(), Some(f)),
                    None => (dest_url.trim(), None),
                };
                match site.resolve(target, None) {
                    Some(i) => {
                        let t = &site.documents[i];
                        events.push(Event::Start(Tag::Link {
                            link_type: LinkType::Inline,
                            dest_url: page_href(&base, &t.url, fragment).into(),
                            title: if title.is_empty() {
                                t.title.clone().into()
                            } else {
                                title
                            },
                            id,
                        }));
                        if !has_pothole {
                            events.push(Event::Text(t.title.clone().into()));
                        }
                        links.push((false, !has_pothole));
                    }
                    None => {
                        events.push(Event::Html(
                            format!(
                                "<span class=\"broken-link\" title=\"broken reference: {}\">",
                                escape(target)
                            )
                            .into(),
                        ));
                        if !has_pothole {
                            events.push(Event::Text(target.to_string().into()));
                        }
                        links.push((true, !has_pothole));
                    }
                }
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = match relative_markdown_target(&dest_url) {
                    Some((path, fragment)) => match resolve_relative(&doc.source.rel, path)
                        .and_then(|p| site.index.by_path(&p))
                    {
                        Some(i) => page_href(&base, &site.documents[i].url, fragment).into(),
                        None => dest_url,
                    },
                    None => dest_url,
                };
                links.push((false, false));
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url: dest,
                    title,
                    id,
                }));
            }
            Event::Html(h) | Event::InlineHtml(h) if !site.config.unsafe_html => {
                events.push(Event::Text(h));
            }
            other => events.push(other),
        }
        if starts_block {
            first_block = false;
        }
    }
    let mut out = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
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
