//! `seam serve`: the site served from memory on loopback, rebuilt on every
//! edit, with open pages reloaded and problems shown over them.
//!
//! [`Live`] holds the current [`Snapshot`] of the built site and the pages
//! listening for changes; [`http`] answers requests from it; [`watch`] turns
//! file-system events into batches of edited paths. The command ties them to
//! a [`crate::rebuild::Workspace`]. Pages learn of a rebuild through
//! server-sent events at `/__seam/events`; the script that listens,
//! `/__seam/live.js`, is added to HTML pages as they are served and is never
//! part of a built file.

pub mod http;
pub mod watch;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock, mpsc};

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::rebuild::{LastGood, Workspace};

/// The script that reloads a page when the site changes and shows problems over it.
pub const LIVE_SCRIPT: &str = include_str!("live.js");

/// Where pages listen for rebuilds.
pub const EVENTS_PATH: &str = "/__seam/events";
/// Where the live script is served.
pub const SCRIPT_PATH: &str = "/__seam/live.js";
/// Where a page asks for the problems to show when it loads.
pub const PROBLEMS_PATH: &str = "/__seam/problems";

/// More changed outputs than this and pages are told that everything changed.
const CHANGED_LIST_LIMIT: usize = 500;

/// What the overlay shows: problems, failed rebuilds, and pages served from an earlier build.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Overlay {
    /// Problems to show, each as `seam check --format json` prints it.
    pub problems: Vec<serde_json::Value>,
    /// Why the last rebuild could not finish, if it could not.
    pub errors: Vec<String>,
    /// Pages kept from an earlier build: URL path → the file that no longer parses.
    pub last_good: std::collections::BTreeMap<String, String>,
}

/// More outputs changed since a snapshot's shared pages were taken than
/// this, and the next snapshot takes them all again.
const CHANGES_BEFORE_RETAKING: usize = 2048;

/// The pages of a snapshot: every output as a build made it, shared between
/// snapshots, and what rebuilds since then changed or removed. A rebuild's
/// snapshot copies only the changes, not every page.
#[derive(Clone, Default)]
struct Pages {
    all: Arc<HashMap<String, Arc<[u8]>>>,
    changes: Arc<HashMap<String, Option<Arc<[u8]>>>>,
}

impl Pages {
    fn of(workspace: &Workspace) -> Pages {
        Pages {
            all: Arc::new(
                workspace
                    .outputs()
                    .map(|(p, b)| (p.to_string(), b.clone()))
                    .collect(),
            ),
            changes: Default::default(),
        }
    }

    fn get(&self, path: &str) -> Option<&Arc<[u8]>> {
        match self.changes.get(path) {
            Some(changed) => changed.as_ref(),
            None => self.all.get(path),
        }
    }
}

/// The built site as it is served: pages in memory, assets on disk.
#[derive(Default)]
pub struct Snapshot {
    pages: Pages,
    assets: HashMap<String, PathBuf>,
    content: PathBuf,
    last_good: HashMap<String, LastGood>,
    overlay: String,
}

impl Snapshot {
    /// The workspace's current build, with `overlay` to show over its pages.
    pub fn of(workspace: &Workspace, overlay: &Overlay) -> Snapshot {
        Snapshot::with_pages(workspace, overlay, Pages::of(workspace))
    }

    /// The workspace's build after a rebuild that changed (or made) the
    /// outputs `changed` and removed `removed` since `previous`, which it
    /// shares every other page with.
    pub fn after(
        previous: &Snapshot,
        workspace: &Workspace,
        overlay: &Overlay,
        changed: &[String],
        removed: &[String],
    ) -> Snapshot {
        let mut pages = previous.pages.clone();
        if pages.changes.len() + changed.len() + removed.len() > CHANGES_BEFORE_RETAKING {
            pages = Pages::of(workspace);
        } else if !changed.is_empty() || !removed.is_empty() {
            let changes = Arc::make_mut(&mut pages.changes);
            for path in changed {
                changes.insert(path.clone(), workspace.output(path).cloned());
            }
            for path in removed {
                changes.insert(path.clone(), None);
            }
        }
        Snapshot::with_pages(workspace, overlay, pages)
    }

    fn with_pages(workspace: &Workspace, overlay: &Overlay, pages: Pages) -> Snapshot {
        let site = workspace.site();
        let mut overlay = overlay.clone();
        overlay.last_good = workspace
            .last_good()
            .iter()
            .map(|(path, lg)| {
                (
                    format!("/{}", path.trim_end_matches("index.html")),
                    lg.file.clone(),
                )
            })
            .collect();
        Snapshot {
            pages,
            assets: site
                .assets
                .iter()
                .map(|a| (a.rel.clone(), a.source.clone()))
                .collect(),
            content: site.root.join(&site.config.content_dir),
            last_good: workspace.last_good().clone(),
            overlay: serde_json::to_string(&overlay).unwrap_or_else(|_| "{}".into()),
        }
    }

    /// The overlay, as JSON.
    pub fn overlay_json(&self) -> &str {
        &self.overlay
    }

    /// The file for a decoded request path (without the leading `/`), or `None`.
    fn file(&self, path: &str) -> Option<(String, Body)> {
        let candidates = if path.is_empty() || path.ends_with('/') {
            vec![format!("{path}index.html")]
        } else {
            vec![path.to_string(), format!("{path}/index.html")]
        };
        for c in candidates {
            if let Some(bytes) = self.pages.get(&c) {
                return Some((c, Body::Shared(bytes.clone())));
            }
            if let Some(last) = self.last_good.get(&c) {
                return Some((c, Body::Shared(last.bytes.clone())));
            }
            if let Some(source) = self.assets.get(&c)
                && let Some(bytes) = read_asset(&self.content, source)
            {
                return Some((c, Body::Owned(bytes)));
            }
        }
        None
    }

    /// What to answer for a request path (`/adrs/?x#y`): status, content
    /// type, Content-Security-Policy and body. An HTML or SVG file from the
    /// content folder gets [`ASSET_POLICY`](crate::render::ASSET_POLICY)
    /// (a sandbox) and no live script; everything else the pages' policy.
    pub fn get(&self, target: &str) -> Answer {
        let path = target.split(['?', '#']).next().unwrap_or("");
        let found = decode_path(path).and_then(|p| self.file(&p));
        let (status, name, body) = match found {
            Some((name, body)) => (200, name, body),
            None => (
                404,
                "404.html".to_string(),
                Body::Owned(
                    self.pages
                        .get("404.html")
                        .map(|b| b.to_vec())
                        .unwrap_or_else(|| b"Not found".to_vec()),
                ),
            ),
        };
        let asset = matches!(body, Body::Owned(_)) && status == 200;
        let content_type = content_type(&name);
        let (policy, body) = if asset && crate::load::runs_script(Path::new(&name)) {
            (crate::render::ASSET_POLICY, body.into_vec())
        } else if content_type.starts_with("text/html") {
            (
                crate::render::PAGE_POLICY,
                with_live_script(body.into_vec()),
            )
        } else {
            (crate::render::PAGE_POLICY, body.into_vec())
        };
        Answer {
            status,
            content_type,
            policy,
            body,
        }
    }
}

/// What `seam serve` answers for a path.
#[derive(Debug)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The `Content-Type`.
    pub content_type: &'static str,
    /// The `Content-Security-Policy`.
    pub policy: &'static str,
    /// The body.
    pub body: Vec<u8>,
}

enum Body {
    Shared(Arc<[u8]>),
    Owned(Vec<u8>),
}

impl Body {
    fn into_vec(self) -> Vec<u8> {
        match self {
            Body::Shared(b) => b.to_vec(),
            Body::Owned(v) => v,
        }
    }
}

/// Reads an asset only when it is a regular file inside the content folder (never through a symlink out of it).
fn read_asset(content: &Path, source: &Path) -> Option<Vec<u8>> {
    let meta = std::fs::symlink_metadata(source).ok()?;
    if !meta.is_file() {
        return None;
    }
    let real = source.canonicalize().ok()?;
    let content = content.canonicalize().ok()?;
    if !real.starts_with(&content) {
        return None;
    }
    std::fs::read(real).ok()
}

/// Decodes a request path into a path inside the site, without the leading `/`.
///
/// Refuses what cannot name a file of the site: `..` or `.` segments (also
/// percent-encoded), backslashes, NUL and other control characters, and
/// paths that are not valid UTF-8.
pub fn decode_path(path: &str) -> Option<String> {
    let path = path.strip_prefix('/')?;
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?
        .into_owned();
    if decoded.chars().any(|c| c.is_control() || c == '\\') {
        return None;
    }
    if decoded
        .split('/')
        .any(|segment| segment == ".." || segment == ".")
        || decoded.starts_with('/')
        || decoded.contains("//")
    {
        return None;
    }
    Some(decoded)
}

/// Adds the live script to an HTML page, before its closing `</body>`.
fn with_live_script(mut html: Vec<u8>) -> Vec<u8> {
    let tag = format!("<script src=\"{SCRIPT_PATH}\"></script>\n");
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    html.splice(at..at, tag.into_bytes());
    html
}

/// The `Content-Type` of a file by its extension.
pub fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        // The search index's pieces, which the script unpacks itself: no Content-Encoding.
        "gz" => "application/gzip",
        "ics" => "text/calendar; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Which problems a serve session shows, and which are new or fixed after each rebuild.
///
/// The overlay shows the problems a session brought in (those not there
/// when it started) and every problem in a file edited since; the terminal
/// is told each rebuild's new and fixed problems once.
#[derive(Debug, Default)]
pub struct Problems {
    baseline: std::collections::HashSet<ProblemKey>,
    current: Vec<Diagnostic>,
    /// The key of each of `current`.
    keys: Vec<ProblemKey>,
    edited: std::collections::HashSet<String>,
}

/// A problem's identity across rebuilds: its file, code and message (its line moves as text is edited).
type ProblemKey = (String, &'static str, String);

fn key(d: &Diagnostic) -> ProblemKey {
    (d.span.file_display(), d.code, d.message.clone())
}

/// What changed in the problems after a rebuild.
#[derive(Debug, Default)]
pub struct ProblemChanges {
    /// Problems the rebuild found that the one before did not.
    pub new: Vec<Diagnostic>,
    /// Problems the rebuild before found that this one did not.
    pub fixed: Vec<Diagnostic>,
}

impl Problems {
    /// Starts a session whose site has `diagnostics`.
    pub fn new(diagnostics: &[Diagnostic]) -> Problems {
        let keys: Vec<ProblemKey> = diagnostics.iter().map(key).collect();
        Problems {
            baseline: keys.iter().cloned().collect(),
            current: diagnostics.to_vec(),
            keys,
            edited: Default::default(),
        }
    }

    /// Takes in a rebuild's problems, after an edit of `edited` (paths relative to the root).
    pub fn update(&mut self, diagnostics: &[Diagnostic], edited: &[String]) -> ProblemChanges {
        self.edited.extend(edited.iter().cloned());
        if diagnostics == self.current.as_slice() {
            return ProblemChanges::default();
        }
        let keys: Vec<ProblemKey> = diagnostics.iter().map(key).collect();
        let before: std::collections::HashSet<&ProblemKey> = self.keys.iter().collect();
        let after: std::collections::HashSet<&ProblemKey> = keys.iter().collect();
        let changes = ProblemChanges {
            new: diagnostics
                .iter()
                .zip(&keys)
                .filter(|(_, k)| !before.contains(k))
                .map(|(d, _)| d.clone())
                .collect(),
            fixed: self
                .current
                .iter()
                .zip(&self.keys)
                .filter(|(_, k)| !after.contains(k))
                .map(|(d, _)| d.clone())
                .collect(),
        };
        self.current = diagnostics.to_vec();
        self.keys = keys;
        changes
    }

    /// The overlay: problems the session brought in or in files it edited, and `errors`.
    pub fn overlay(&self, errors: Vec<String>) -> Overlay {
        Overlay {
            problems: self
                .current
                .iter()
                .zip(&self.keys)
                .filter(|(_, k)| !self.baseline.contains(*k) || self.edited.contains(&k.0))
                .map(|(d, _)| d.to_json_value())
                .collect(),
            errors,
            last_good: Default::default(),
        }
    }
}

/// What pages listening at [`EVENTS_PATH`] are told.
#[derive(Clone, Debug)]
pub enum Event {
    /// These URL paths changed (`None`: too many to list; reload whatever is open).
    Reload(Option<Vec<String>>),
    /// What the overlay shows now (JSON).
    Problems(String),
}

impl Event {
    /// The event as server-sent-events text.
    pub fn to_sse(&self) -> String {
        match self {
            Event::Reload(paths) => {
                let data = serde_json::json!({ "paths": paths });
                format!("event: reload\ndata: {data}\n\n")
            }
            Event::Problems(json) => format!("event: problems\ndata: {json}\n\n"),
        }
    }

    /// A reload event for these changed output paths.
    pub fn reload(changed: &[String]) -> Event {
        if changed.len() > CHANGED_LIST_LIMIT {
            return Event::Reload(None);
        }
        Event::Reload(Some(
            changed
                .iter()
                .map(|p| format!("/{}", p.strip_suffix("index.html").unwrap_or(p)))
                .collect(),
        ))
    }
}

/// The site being served and the pages listening for changes, shared by every connection.
#[derive(Default)]
pub struct Live {
    snapshot: RwLock<Arc<Snapshot>>,
    listeners: Mutex<Vec<mpsc::Sender<Event>>>,
}

impl Live {
    /// Serves `snapshot`.
    pub fn new(snapshot: Snapshot) -> Live {
        Live {
            snapshot: RwLock::new(Arc::new(snapshot)),
            listeners: Mutex::new(Vec::new()),
        }
    }

    /// The site as served now.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Serves `snapshot` from now on and tells every listening page `events`.
    pub fn publish(&self, snapshot: Snapshot, events: &[Event]) {
        *self
            .snapshot
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(snapshot);
        let mut listeners = self
            .listeners
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        listeners.retain(|l| events.iter().all(|e| l.send(e.clone()).is_ok()));
    }

    /// A new listener: every event published from now on.
    pub fn listen(&self) -> mpsc::Receiver<Event> {
        let (tx, rx) = mpsc::channel();
        self.listeners
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(tx);
        rx
    }

    /// How many pages are listening.
    pub fn listeners(&self) -> usize {
        self.listeners
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_paths_never_leave_the_site() {
        assert_eq!(decode_path("/adrs/x/").as_deref(), Some("adrs/x/"));
        assert_eq!(decode_path("/").as_deref(), Some(""));
        assert_eq!(decode_path("/caf%C3%A9/").as_deref(), Some("café/"));
        for bad in [
            "/../etc/passwd",
            "/adrs/../../x",
            "/%2e%2e/secret",
            "/%2E%2E%2Fsecret",
            "/a/%2e/b",
            "/a\\..\\b",
            "/a%5c..%5cb",
            "/a%00.html",
            "//etc/passwd",
            "/%2fetc/passwd",
            "etc/passwd",
            "/%ff",
        ] {
            assert_eq!(decode_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_live_script_goes_before_the_closing_body_tag_only_when_served() {
        let page = b"<html><body><p>x</p></BODY></html>".to_vec();
        let served = String::from_utf8(with_live_script(page)).unwrap();
        assert_eq!(
            served,
            "<html><body><p>x</p><script src=\"/__seam/live.js\"></script>\n</BODY></html>"
        );
    }
}
