//! Watching a docs repo for edits: the content folder, `templates/`,
//! `theme/` and `seam.toml`, through `notify`.
//!
//! Events arrive one file operation at a time; an editor's save is often
//! several (write a temporary file, rename it over the old one, delete a
//! backup). [`Watcher::next_batch`] waits for the first event that matters, then
//! gathers what follows until the files have been quiet for [`QUIET`], and
//! never longer than [`WINDOW`], so that one save is one rebuild.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher as _};

/// How long the files must be quiet before a batch of edits is rebuilt.
pub const QUIET: Duration = Duration::from_millis(12);
/// The longest a batch waits for more edits after its first.
pub const WINDOW: Duration = Duration::from_millis(50);

/// Edited paths, gathered into one batch.
#[derive(Debug, Default)]
pub struct Batch {
    /// Absolute paths that were created, changed, renamed or deleted.
    pub paths: Vec<PathBuf>,
    /// When the first edit of the batch was seen.
    pub since: Option<Instant>,
}

/// A running watch on one docs repo.
pub struct Watcher {
    inner: notify::RecommendedWatcher,
    events: mpsc::Receiver<notify::Result<notify::Event>>,
    root: PathBuf,
    content: PathBuf,
    output: PathBuf,
    watched: BTreeSet<PathBuf>,
}

impl Watcher {
    /// Watches `root`'s `content_dir` (recursively), `templates/` and `theme/`
    /// (recursively, also once they are created) and `seam.toml`; never `output_dir`.
    pub fn new(root: &Path, content_dir: &Path, output_dir: &Path) -> notify::Result<Watcher> {
        let (tx, events) = mpsc::channel();
        let inner = notify::recommended_watcher(move |e| {
            let _ = tx.send(e);
        })?;
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let mut watcher = Watcher {
            inner,
            events,
            content: root.join(content_dir),
            output: root.join(output_dir),
            root,
            watched: BTreeSet::new(),
        };
        watcher
            .inner
            .watch(&watcher.root, RecursiveMode::NonRecursive)?;
        let content = watcher.content.clone();
        watcher.add(&content)?;
        watcher.add_folders();
        Ok(watcher)
    }

    /// Follows `seam.toml` to a new content or output folder: the new
    /// content folder is watched, the old one no longer, and events go on
    /// arriving on the same channel.
    pub fn follow(&mut self, content_dir: &Path, output_dir: &Path) -> notify::Result<()> {
        let content = self.root.join(content_dir);
        self.output = self.root.join(output_dir);
        if content != self.content {
            let old = std::mem::replace(&mut self.content, content.clone());
            if self.watched.remove(&old) {
                let _ = self.inner.unwatch(&old);
            }
            self.add(&content)?;
        }
        Ok(())
    }

    /// Watches `dir` recursively, once.
    fn add(&mut self, dir: &Path) -> notify::Result<()> {
        if dir.is_dir() && !self.watched.contains(dir) && dir != self.root {
            self.inner.watch(dir, RecursiveMode::Recursive)?;
            self.watched.insert(dir.to_path_buf());
        }
        Ok(())
    }

    /// Watches `templates/` and `theme/` if they exist and are not watched yet.
    fn add_folders(&mut self) {
        for name in ["templates", "theme"] {
            let dir = self.root.join(name);
            let _ = self.add(&dir);
        }
    }

    /// Whether an edit of `path` can change the site.
    fn matters(&self, path: &Path) -> bool {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        // Editors' temporary and backup files.
        if name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") || name == "4913"
        {
            return false;
        }
        if path.starts_with(&self.output) && self.output != self.content {
            return false;
        }
        path == self.root.join(crate::config::CONFIG_FILE)
            || path.starts_with(&self.content)
            || path.starts_with(self.root.join("templates"))
            || path.starts_with(self.root.join("theme"))
    }

    /// The paths of one event that matter, if it changes files at all.
    fn paths_of(&self, event: notify::Result<notify::Event>) -> Vec<PathBuf> {
        let Ok(event) = event else {
            // The watch lost events (its queue overflowed): read everything again.
            return vec![self.root.join(crate::config::CONFIG_FILE)];
        };
        if event.need_rescan() {
            return vec![self.root.join(crate::config::CONFIG_FILE)];
        }
        if matches!(event.kind, EventKind::Access(_)) {
            return Vec::new();
        }
        event
            .paths
            .into_iter()
            .filter(|p| self.matters(p))
            .collect()
    }

    /// Blocks until files change, then returns every path edited until they go quiet.
    /// Returns `None` when the watch has stopped.
    pub fn next_batch(&mut self) -> Option<Batch> {
        let mut batch = Batch::default();
        let mut seen = BTreeSet::new();
        loop {
            let event = match batch.since {
                None => self.events.recv().ok()?,
                Some(since) => {
                    let left = WINDOW.saturating_sub(since.elapsed()).min(QUIET);
                    match self.events.recv_timeout(left) {
                        Ok(e) => e,
                        Err(mpsc::RecvTimeoutError::Timeout) => break,
                        Err(mpsc::RecvTimeoutError::Disconnected) => break,
                    }
                }
            };
            for path in self.paths_of(event) {
                batch.since.get_or_insert_with(Instant::now);
                if seen.insert(path.clone()) {
                    batch.paths.push(path);
                }
            }
            if batch.since.is_some_and(|s| s.elapsed() >= WINDOW) {
                break;
            }
        }
        self.add_folders();
        Some(batch)
    }
}
