//! The weekly digest as a page, an archive, an Atom feed and an email.
//!
//! One view model ([`DigestView`], built by `Views::digest`) feeds every
//! form. Its links are made under the site's base path for pages, and under
//! the absolute `base_url` for the email and the feed, which are read away
//! from the site.

use chrono::Datelike;
use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use super::views::{DependencyView, LinkView, SiteView, Views};
use super::{OutputFile, RenderError, render_page};
use crate::digest::Digest;
use crate::link::Site;
use crate::model::Week;

/// Words a minute for the stated reading time: silent reading of non-fiction
/// averages about 238 (Brysbaert, 2019); 230 allows for names and dates.
pub const WORDS_PER_MINUTE: usize = 230;

/// The update sections the digest quotes, with the headings that count for each.
pub const UPDATE_SECTIONS: &[(&str, &[&str])] = &[
    ("Shipped", &["Shipped"]),
    (
        "Looking for Input On",
        &["Looking for Input On", "Looking for Input"],
    ),
    ("Blockers", &["Blockers"]),
];

/// How many digests the Atom feed holds, newest first.
pub const FEED_ENTRIES: usize = 20;

/// Width of the plain-text email.
pub(crate) const TEXT_WIDTH: usize = 72;

/// One section of a team's update, as HTML and as text.
#[derive(Serialize, Clone)]
pub struct UpdateSectionView {
    /// The section's name (`Shipped`, ...).
    pub title: String,
    /// Its body as HTML, links under the view's base.
    pub html: String,
    /// Its body as wrapped plain text.
    pub text: String,
}

/// A team's update in the digest.
#[derive(Serialize, Clone)]
pub struct DigestUpdateView {
    /// The team.
    pub team: LinkView,
    /// The update's own page.
    pub update: LinkView,
    /// The quoted sections it has, in digest order.
    pub sections: Vec<UpdateSectionView>,
}

/// An ADR among the week's decisions.
#[derive(Serialize, Clone)]
pub struct DecisionView {
    /// The ADR.
    pub adr: LinkView,
    /// Its status as shown.
    pub status: Option<String>,
    /// `dated` or `status-changed`.
    pub reason: &'static str,
    /// The owning team, when it resolves.
    pub team: Option<LinkView>,
    /// For an ADR dated in the week whose status changed later, e.g.
    /// `accepted on 2026-11-16`: its status now is not what it was that week.
    pub later: Option<String>,
}

/// A proposed ADR still open for comment.
#[derive(Serialize, Clone)]
pub struct CommentView {
    /// The ADR.
    pub adr: LinkView,
    /// The last day for comments.
    pub comment_by: String,
    /// Days from the digest's date.
    pub days_left: i64,
}

/// An alignment written or changed in the week, or past its review date.
#[derive(Serialize, Clone)]
pub struct DigestAlignmentView {
    /// The alignment.
    pub alignment: LinkView,
    /// `new`, `changed` or `review-overdue`.
    pub change: &'static str,
    /// The parties, by title.
    pub teams: Vec<String>,
    /// Its review date, if any.
    pub review_by: Option<String>,
}

/// One stretch of duty.
#[derive(Serialize, Clone)]
pub struct ShiftView {
    /// Who.
    pub member: String,
    /// Exchange pairs, as text.
    pub pairs: String,
    /// From, in the rotation's time zone (`Wed 18 Nov 10:00 GMT`).
    pub from: String,
    /// Until, likewise.
    pub until: String,
    /// Whether an override made it.
    pub overridden: bool,
}

/// One rotation's duty this week and next.
#[derive(Serialize, Clone)]
pub struct DigestRotationView {
    /// The rotation.
    pub rotation: LinkView,
    /// Stretches overlapping the digest's week.
    pub this_week: Vec<ShiftView>,
    /// Stretches overlapping the following week.
    pub next_week: Vec<ShiftView>,
}

/// One team's doc problems.
#[derive(Serialize, Clone)]
pub struct DigestHealthView {
    /// The team, or `None` for documents of no team.
    pub team: Option<LinkView>,
    /// The team's name, or "Other documents".
    pub name: String,
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// `missing-section ×2, broken-reference`.
    pub summary: String,
}

/// How many items a section lists before it says "and N more" and links to the
/// wiki: the digest is a five-minute read, also for an organisation with
/// hundreds of rotations.
pub const SECTION_LIMIT: usize = 12;

/// How many teams without an update are named before "and N more".
pub const MISSING_LIMIT: usize = 30;

/// Items each section left out; zero when it lists everything.
#[derive(Serialize, Clone, Default)]
pub struct DigestMore {
    /// Teams with no update.
    pub missing: usize,
    /// Decisions.
    pub decisions: usize,
    /// ADRs open for comment.
    pub open_for_comment: usize,
    /// Dependencies to watch.
    pub watch: usize,
    /// Dependencies due soon.
    pub due_soon: usize,
    /// Alignments.
    pub alignments: usize,
    /// Rotations.
    pub rotations: usize,
    /// Teams with doc problems.
    pub health: usize,
}

/// The first `limit` items, and how many were left out.
pub(crate) fn capped<T>(items: impl ExactSizeIterator<Item = T>, limit: usize) -> (Vec<T>, usize) {
    let total = items.len();
    (items.take(limit).collect(), total.saturating_sub(limit))
}

/// Links the digest points readers to.
#[derive(Serialize, Clone)]
pub struct DigestLinks {
    /// This digest's page.
    pub page: String,
    /// The archive of digests.
    pub archive: String,
    /// The Atom feed of digests.
    pub feed: String,
    /// The dependency tracker.
    pub tracker: String,
    /// The doc-health page.
    pub health: String,
    /// The site's home page.
    pub home: String,
}

/// Everything a digest template sees as `digest`.
#[derive(Serialize, Clone)]
pub struct DigestView {
    /// `2026-W47`.
    pub week: String,
    /// `Week 47, 2026`.
    pub title: String,
    /// `16–22 November 2026`.
    pub dates: String,
    /// The date it speaks from.
    pub as_of: String,
    /// Whether it is the build's own week (with dependency watch and doc health).
    pub current: bool,
    /// The organisation's name.
    pub organisation: String,
    /// The email subject, also the feed entry's title.
    pub subject: String,
    /// Minutes to read the text, rounded up.
    pub reading_minutes: usize,
    /// Words in the text.
    pub words: usize,
    /// Where to go from the digest.
    pub links: DigestLinks,
    /// Team updates.
    pub updates: Vec<DigestUpdateView>,
    /// Teams with no update.
    pub missing: Vec<LinkView>,
    /// ADRs dated or changed in the week.
    pub decisions: Vec<DecisionView>,
    /// Proposed ADRs open for comment.
    pub open_for_comment: Vec<CommentView>,
    /// Late, blocked, overdue, unconfirmed or stale dependencies.
    pub watch: Vec<DependencyView>,
    /// Dependencies needed within 14 days.
    pub due_soon: Vec<DependencyView>,
    /// Alignments new or changed in the week, then those past review.
    pub alignments: Vec<DigestAlignmentView>,
    /// Rotations.
    pub rotations: Vec<DigestRotationView>,
    /// Doc problems by team.
    pub health: Vec<DigestHealthView>,
    /// How many items each section left out (see [`SECTION_LIMIT`]).
    pub more: DigestMore,
    /// What the week holds, counted, naming only what it has (`8 updates · 2 decisions`).
    pub summary: String,
    /// Total doc errors in the docs (all teams, also those left out).
    pub health_errors: usize,
    /// Total doc warnings, likewise.
    pub health_warnings: usize,
}

/// `16–22 November 2026`, `30 November – 6 December 2026`, `29 December 2025 – 4 January 2026`.
pub fn week_dates(week: Week) -> String {
    let (a, b) = (week.monday(), week.sunday());
    if a.month() == b.month() {
        format!("{}–{}", a.day(), b.format("%-d %B %Y"))
    } else if a.year() == b.year() {
        format!("{} – {}", a.format("%-d %B"), b.format("%-d %B %Y"))
    } else {
        format!("{} – {}", a.format("%-d %B %Y"), b.format("%-d %B %Y"))
    }
}

/// The subject line: the organisation and the week.
pub fn subject(organisation: &str, week: Week) -> String {
    format!(
        "{organisation} weekly digest: week {} ({})",
        week.week,
        week_dates(week)
    )
}

/// A rendered digest email.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DigestEmail {
    /// The subject line.
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part, CSS inlined.
    pub html: String,
}

/// Counts the words a reader reads: tokens with a letter or digit, not URLs.
fn count_words(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .filter(|w| !w.contains("://") && !w.starts_with('/'))
        .count()
}

/// The text email as sent: lines wrapped at 72 columns (continuations indented
/// under the text of a list item), no runs of blank lines, CRLF-free.
fn tidy_text(text: &str) -> String {
    let wrapped = super::markdown::wrap_text(text.trim(), TEXT_WIDTH, 2);
    let mut out = String::with_capacity(wrapped.len());
    let mut blank = 0;
    for line in wrapped.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The plain-text email of a view, tidied.
fn render_email_text(tera: &Tera, view: &DigestView) -> Result<String, RenderError> {
    let mut c = Context::new();
    c.insert("digest", view);
    let text = tera
        .render("email.txt", &c)
        .map_err(|e| RenderError::template("email.txt", e))?;
    Ok(tidy_text(&text))
}

/// Fills in the word count and reading time, measured on the plain text.
fn measure(tera: &Tera, view: &mut DigestView) -> Result<(), RenderError> {
    view.words = count_words(&render_email_text(tera, view)?);
    view.reading_minutes = view.words.div_ceil(WORDS_PER_MINUTE).max(1);
    Ok(())
}

/// The email of a digest: subject, plain text and HTML with inlined CSS.
pub fn digest_email(site: &Site, tera: &Tera, digest: &Digest) -> Result<DigestEmail, RenderError> {
    let views = Views::new(site).with_base(super::absolute_base(&site.config.base_url));
    let mut view = views.digest(digest);
    measure(tera, &mut view)?;
    let text = render_email_text(tera, &view)?;
    let mut c = Context::new();
    c.insert("digest", &view);
    let html = tera
        .render("email.html", &c)
        .map_err(|e| RenderError::template("email.html", e))?;
    let inliner = css_inline::CSSInliner::options()
        .keep_style_tags(true)
        .load_remote_stylesheets(false)
        .build();
    let html = inliner
        .inline(&html)
        .map_err(|e| RenderError::Email(e.to_string()))?;
    Ok(DigestEmail {
        subject: view.subject,
        text,
        html,
    })
}

/// The page view of a digest, measured (word count and reading time).
pub fn page_view(tera: &Tera, views: &Views, digest: &Digest) -> Result<DigestPage, RenderError> {
    let mut view = views.digest(digest);
    measure(tera, &mut view)?;
    let value = tera::Value::try_from_serializable(&view)
        .map_err(|e| RenderError::template("digest.html", e))?;
    Ok(DigestPage { view, value })
}

/// A digest's page view, with the template value made from it once: the
/// archive lists every digest, and would otherwise convert them all again.
#[derive(Clone)]
pub struct DigestPage {
    /// The view.
    pub view: DigestView,
    /// The view as templates see it.
    pub value: tera::Value,
}

/// A digest's page.
pub fn digest_page(
    tera: &Tera,
    site_view: &SiteView,
    page: &DigestPage,
    newer: Option<&DigestPage>,
    older: Option<&DigestPage>,
) -> Result<OutputFile, RenderError> {
    let url = format!("digest/{}/", page.view.week);
    let mut c = super::context(site_view, "digest", &page.view.title, &url);
    c.insert_value("digest", page.value.clone());
    // The neighbouring weeks' digests, for the previous and next links.
    let neighbour = |p: Option<&DigestPage>| {
        p.map(|p| NeighbourWeek {
            title: p.view.title.clone(),
            url: p.view.links.page.clone(),
        })
    };
    c.insert("newer", &neighbour(newer));
    c.insert("older", &neighbour(older));
    render_page(tera, "digest.html", &format!("{url}index.html"), &c)
}

/// A neighbouring week's digest, as a digest page links to it.
#[derive(Serialize)]
struct NeighbourWeek {
    title: String,
    url: String,
}

/// The archive of every digest.
pub fn digest_archive(
    tera: &Tera,
    site_view: &SiteView,
    pages: &[std::sync::Arc<DigestPage>],
) -> Result<OutputFile, RenderError> {
    let mut c = super::context(site_view, "digest", "Weekly digest", "digest/");
    let digests: Vec<tera::Value> = pages.iter().map(|p| p.value.clone()).collect();
    c.insert_value("digests", tera::Value::from(digests));
    render_page(tera, "digest_index.html", "digest/index.html", &c)
}

/// The Atom feed of the newest digests, with links that work away from the site.
pub fn digest_feed(
    views: &Views,
    tera: &Tera,
    pages: &[std::sync::Arc<DigestPage>],
) -> Result<OutputFile, RenderError> {
    let header = views.feed_header();
    let absolute = views.clone().with_base(header.base.clone());
    let entries = views
        .digests()
        .par_iter()
        .zip(pages)
        .take(FEED_ENTRIES)
        .map(|(digest, page)| {
            let mut feed_view = absolute.digest(digest);
            feed_view.words = page.view.words;
            feed_view.reading_minutes = page.view.reading_minutes;
            let mut c = Context::new();
            c.insert("digest", &feed_view);
            let content = tera
                .render("digest_content.html", &c)
                .map_err(|e| RenderError::template("digest_content.html", e))?;
            Ok(super::feed::Entry {
                id: feed_view.links.page.clone(),
                title: feed_view.subject.clone(),
                link: feed_view.links.page.clone(),
                updated: crate::digest::utc_midnight(digest.as_of),
                summary: Some(format!(
                    "{}. A {}-minute read.",
                    feed_view.dates, feed_view.reading_minutes
                )),
                content,
            })
        })
        .collect::<Result<Vec<_>, RenderError>>()?;
    let title = format!("{} weekly digest", header.author);
    let subtitle = header.description.clone();
    Ok(super::feed::section_feed(
        &header, "digest/", title, subtitle, entries,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn week_dates_across_months_and_years() {
        let w = |s: &str| s.parse::<Week>().unwrap();
        assert_eq!(week_dates(w("2026-W47")), "16–22 November 2026");
        assert_eq!(week_dates(w("2026-W49")), "30 November – 6 December 2026");
        assert_eq!(
            week_dates(w("2026-W01")),
            "29 December 2025 – 4 January 2026"
        );
        assert_eq!(
            subject("Tidewater Engineering", w("2026-W47")),
            "Tidewater Engineering weekly digest: week 47 (16–22 November 2026)"
        );
    }

    #[test]
    fn long_sections_stop_at_the_limit_and_say_how_many_more() {
        let mut files: Vec<(String, String)> = (0..SECTION_LIMIT + 3)
            .map(|n| {
                (
                    format!("rotations/r{n:02}.md"),
                    format!("---\nname: Rotation {n:02}\nkind: on-call\nstart: 2026-01-05\nevery: 1w\nmembers: [A, B]\n---\n\n## Responsibilities\n\nx\n"),
                )
            })
            .collect();
        files.push((
            "rotations/later.md".into(),
            "---\nname: Starts next year\nkind: on-call\nstart: 2027-06-07\nevery: 1w\nmembers: [A]\n---\n\n## Responsibilities\n\nx\n".into(),
        ));
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let site = crate::site::test_site(&refs, "2026-11-20");
        let digest = crate::digest::digest(&site, Week::of(site.today)).unwrap();
        assert_eq!(
            digest.rotations.len(),
            SECTION_LIMIT + 3,
            "not the one that has not started"
        );
        let tera = super::super::load_templates(&site.root).unwrap();
        let email = digest_email(&site, &tera, &digest).unwrap();
        assert!(email.text.contains("Rotation 11"), "{}", email.text);
        assert!(!email.text.contains("Rotation 12"), "{}", email.text);
        assert!(
            email.text.contains("…and 3 more rotations: /rotations/"),
            "{}",
            email.text
        );
        assert!(email.html.contains("…and 3 more rotations"));
    }

    #[test]
    fn words_are_runs_with_letters_or_digits() {
        assert_eq!(
            count_words("Shipped — 3 things: a, b & c\n- see https://x.example/y or /adrs/"),
            8
        );
    }
}
