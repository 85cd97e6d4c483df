//! Atom feeds (RFC 4287) of digests and ADRs.
//!
//! Written by hand rather than with a template so that every value is escaped
//! for XML and the document is well-formed whatever the content holds.

use chrono::{DateTime, SecondsFormat, Utc};

use super::escape_xml as xml;

/// One feed entry.
#[derive(Clone, Debug)]
pub struct Entry {
    /// A permanent id: the entry page's absolute URL, or a `urn:uuid:` when the site has no absolute URL.
    pub id: String,
    /// The entry's title.
    pub title: String,
    /// Its page.
    pub link: String,
    /// When it last changed.
    pub updated: DateTime<Utc>,
    /// A one-line summary.
    pub summary: Option<String>,
    /// The content, as HTML.
    pub content: String,
}

/// A whole feed.
#[derive(Clone, Debug)]
pub struct Feed {
    /// A permanent id for the feed.
    pub id: String,
    /// Its title.
    pub title: String,
    /// What it is, in a line (may be empty).
    pub subtitle: String,
    /// The page it is the feed of.
    pub link: String,
    /// Its own address.
    pub self_link: String,
    /// Who publishes it.
    pub author: String,
    /// When any entry last changed.
    pub updated: DateTime<Utc>,
    /// The entries, newest first.
    pub entries: Vec<Entry>,
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// An id for feeds and entries: the URL when it is absolute, else a stable
/// `urn:uuid:` made from it (an RFC 9562 version 8 UUID), since Atom ids must be absolute IRIs.
pub fn id_for(url: &str) -> String {
    if url.contains("://") {
        return url.to_string();
    }
    // Two FNV-1a 64-bit hashes with different offsets make 128 stable bits.
    let fnv = |offset: u64| {
        url.bytes().fold(offset, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    };
    let (a, b) = (fnv(0xcbf2_9ce4_8422_2325), fnv(0x6c62_272e_07bb_0142));
    let a = (a & !0xf000) | 0x8000; // version 8
    let b = (b & !(0b11 << 62)) | (0b10 << 62); // RFC 9562 variant
    format!(
        "urn:uuid:{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}

/// The feed of the site's section at `dir` (`digest/`, `adrs/`), written to
/// `<dir>feed.xml`: links under the absolute `base_url`, the organisation as
/// author, and the newest entry's time (else the build's date) as its own.
pub fn section_feed(
    header: &super::views::FeedHeader,
    dir: &str,
    title: String,
    subtitle: String,
    entries: Vec<Entry>,
) -> super::OutputFile {
    let base = &header.base;
    let feed = Feed {
        id: format!("{base}{dir}"),
        title,
        subtitle,
        link: format!("{base}{dir}"),
        self_link: format!("{base}{dir}feed.xml"),
        author: header.author.clone(),
        updated: entries
            .iter()
            .map(|e| e.updated)
            .max()
            .unwrap_or_else(|| crate::digest::utc_midnight(header.today)),
        entries,
    };
    super::OutputFile {
        path: format!("{dir}feed.xml"),
        contents: atom(&feed).into_bytes(),
    }
}

/// The feed as an Atom document.
pub fn atom(feed: &Feed) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    out.push_str(&format!("  <id>{}</id>\n", xml(&id_for(&feed.id))));
    out.push_str(&format!("  <title>{}</title>\n", xml(&feed.title)));
    if !feed.subtitle.is_empty() {
        out.push_str(&format!("  <subtitle>{}</subtitle>\n", xml(&feed.subtitle)));
    }
    out.push_str(&format!("  <updated>{}</updated>\n", stamp(feed.updated)));
    out.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml(&feed.link)
    ));
    out.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        xml(&feed.self_link)
    ));
    out.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        xml(&feed.author)
    ));
    out.push_str("  <generator>Seam</generator>\n");
    for e in &feed.entries {
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <id>{}</id>\n", xml(&id_for(&e.id))));
        out.push_str(&format!("    <title>{}</title>\n", xml(&e.title)));
        out.push_str(&format!("    <updated>{}</updated>\n", stamp(e.updated)));
        out.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml(&e.link)
        ));
        if let Some(summary) = &e.summary {
            out.push_str(&format!("    <summary>{}</summary>\n", xml(summary)));
        }
        out.push_str(&format!(
            "    <content type=\"html\">{}</content>\n",
            xml(&e.content)
        ));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_absolute_and_stable() {
        assert_eq!(id_for("https://x.example/a/"), "https://x.example/a/");
        let id = id_for("/digest/2026-W47/");
        assert_eq!(id, id_for("/digest/2026-W47/"));
        assert_ne!(id, id_for("/digest/2026-W46/"));
        assert!(id.starts_with("urn:uuid:"), "{id}");
        let hex = id.trim_start_matches("urn:uuid:");
        assert_eq!(hex.len(), 36);
        assert_eq!(&hex[14..15], "8", "version 8: {hex}");
        assert!("89ab".contains(&hex[19..20]), "variant: {hex}");
    }

    #[test]
    fn text_is_escaped_and_forbidden_characters_dropped() {
        let t = chrono::DateTime::parse_from_rfc3339("2026-11-20T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let feed = Feed {
            id: "https://x.example/".into(),
            title: "R&D <digest>".into(),
            subtitle: String::new(),
            link: "https://x.example/".into(),
            self_link: "https://x.example/feed.xml".into(),
            author: "R&D".into(),
            updated: t,
            entries: vec![Entry {
                id: "https://x.example/1/".into(),
                title: "One\u{7}".into(),
                link: "https://x.example/1/".into(),
                updated: t,
                summary: None,
                content: "<p>a & b</p>".into(),
            }],
        };
        let xml = atom(&feed);
        assert!(xml.contains("<title>R&amp;D &lt;digest&gt;</title>"));
        assert!(xml.contains("<title>One</title>"));
        assert!(xml.contains("<content type=\"html\">&lt;p&gt;a &amp; b&lt;/p&gt;</content>"));
        assert!(xml.contains("<updated>2026-11-20T00:00:00Z</updated>"));
        assert!(!xml.contains("<subtitle>"));
    }
}
