//! Stage 6: write the site atomically.
//!
//! Pages go to a staging folder beside the output as they are made (see
//! [`Staging`]); only when every file is written is it swapped in, with one
//! atomic exchange where the system has one (Linux's `renameat2`). A failed
//! or killed build leaves the previous output as it was. The site a swap
//! replaces is kept, hidden and ignored by git, as the next build's staging
//! folder, so that build writes only the files that changed; the next build
//! takes up or removes what killed builds left. Seam marks folders it
//! creates with a `.seam-output` file and refuses to replace a non-empty
//! folder without that mark. A kept site carries a [`record`] of its
//! pages, so the build that reuses it reads back only pages the record
//! cannot vouch for.

mod record;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::load::Asset;
use crate::render::OutputFile;
use record::{Page, Record, Stamp};

/// The file that marks an output folder as Seam's to replace.
pub const MARKER: &str = ".seam-output";

/// How the names of staging folders begin; then comes the output folder's
/// name (see [`staging_prefix`]). Each has a lock file beside it, its name
/// plus [`LOCK_SUFFIX`], that its build holds locked while it runs; the next
/// build into the same output takes up or removes any folder whose lock
/// nobody holds.
const STAGING_PREFIX: &str = ".seam-build-";

/// The start of the names of `out`'s staging folders: [`STAGING_PREFIX`],
/// the output folder's name in letters, digits and `_`, and `-`. Outputs
/// side by side (`public`, `preview`) keep their own previous sites.
fn staging_prefix(out: &Path) -> String {
    let name: String = out
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .chars()
        .take(40)
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("{STAGING_PREFIX}{name}-")
}

/// Ends the name of a staging folder's lock file.
const LOCK_SUFFIX: &str = ".lock";

/// Ends the name of a previous site awaiting removal, where the swap takes
/// two renames; it shares the lock of the staging folder it was swapped for.
const OLD_SUFFIX: &str = ".old";

/// How long a staging folder is left alone where files cannot be locked.
const UNLOCKED_GRACE: std::time::Duration = std::time::Duration::from_secs(600);

/// Why the output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The output folder holds files Seam did not write.
    #[error(
        "{0} is not empty and was not created by Seam; refusing to replace it (choose another folder with --out, or empty it)"
    )]
    NotOurs(PathBuf),
    /// The output path is a file.
    #[error("{0} is a file, not a folder")]
    NotAFolder(PathBuf),
    /// A file system operation failed.
    #[error("cannot write {path}: {source}")]
    Io {
        /// Where.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Whether Seam may replace `out`: it does not exist, is empty, or carries the marker.
pub fn may_replace(out: &Path) -> Result<bool, WriteError> {
    if !out.exists() {
        return Ok(true);
    }
    if !out.is_dir() {
        return Err(WriteError::NotAFolder(out.to_path_buf()));
    }
    if out.join(MARKER).is_file() {
        return Ok(true);
    }
    Ok(std::fs::read_dir(out).map_err(io(out))?.next().is_none())
}

/// A build's output being written: a folder beside the output, swapped in
/// whole by [`Staging::commit`]. Dropped without committing, the previous
/// output stays as it was.
///
/// The folder is the site of the build before last where one is there
/// (the previous site, kept after each swap): files whose bytes did not
/// change are left as they are, changed ones are replaced, and files the
/// build did not make are removed before the swap. Creating and removing
/// every file of a large site costs far more, on most disks, than reading
/// the unchanged ones back.
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    lock_path: PathBuf,
    /// Held locked while the build runs, so other builds leave the folder alone.
    lock: Option<std::fs::File>,
    /// The regular files the folder held when the build began that the
    /// build has not written yet, by path relative to it with `/`.
    left: std::sync::Mutex<rustc_hash::FxHashSet<String>>,
    /// The folders it held with nothing in them when the build began.
    empty: Vec<PathBuf>,
    /// What the reused folder's record vouches for.
    record: Option<Record>,
    /// Whether a file of the site took the name of the output's record,
    /// which the reused folder holds (unlisted) until the swap.
    output_record_overwritten: std::sync::atomic::AtomicBool,
    /// The pages written or kept so far, for the record of this site.
    pages: std::sync::Mutex<Vec<Page>>,
    /// How many pages were kept on the record's word, unread.
    vouched: std::sync::atomic::AtomicUsize,
}

impl Staging {
    /// Opens a staging folder for `out`, reusing a previous site beside it
    /// where one is free, and copies `assets` into it.
    pub fn begin(out: &Path, assets: &[Asset]) -> Result<Staging, WriteError> {
        if !may_replace(out)? {
            return Err(WriteError::NotOurs(out.to_path_buf()));
        }
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(io(&parent))?;
        let prefix = staging_prefix(out);
        let staging = match reusable(&parent, &prefix) {
            Some((dir, lock_path, lock)) => {
                // Out first, so the site built in the folder never holds it.
                let record = record::take_own(&dir);
                let (left, empty) = inventory(&dir).map_err(io(&dir))?;
                Staging {
                    out: out.to_path_buf(),
                    dir,
                    lock_path,
                    lock: Some(lock),
                    left: std::sync::Mutex::new(left),
                    empty,
                    record,
                    output_record_overwritten: Default::default(),
                    pages: Default::default(),
                    vouched: Default::default(),
                }
            }
            None => {
                // The lock first, then the folder: no other build ever sees
                // the folder without its lock held.
                let held = tempfile::Builder::new()
                    .prefix(&prefix)
                    .suffix(LOCK_SUFFIX)
                    .tempfile_in(&parent)
                    .map_err(io(&parent))?;
                // Without file locks (some network file systems) the folder
                // is still ours; other builds then leave it for the grace period.
                let _ = held.as_file().try_lock();
                let (lock, lock_path) = held.keep().map_err(|e| WriteError::Io {
                    path: parent.clone(),
                    source: e.error,
                })?;
                let name = lock_path.file_name().unwrap_or_default().to_string_lossy();
                let dir = parent.join(name.trim_end_matches(LOCK_SUFFIX));
                let staging = Staging {
                    out: out.to_path_buf(),
                    dir: dir.clone(),
                    lock_path,
                    lock: Some(lock),
                    left: Default::default(),
                    empty: Vec::new(),
                    record: None,
                    output_record_overwritten: Default::default(),
                    pages: Default::default(),
                    vouched: Default::default(),
                };
                std::fs::create_dir(&dir).map_err(io(&dir))?;
                staging
            }
        };
        remove_stale(&parent, &prefix);
        assets.par_iter().try_for_each(|a| {
            staging.taking_name(&a.rel);
            let to = staging.dir.join(&a.rel);
            if staging.was_there(&a.rel) {
                if same_file(&a.source, &to) {
                    return Ok(());
                }
                remove(&to);
            } else {
                make_parent(&to)?;
            }
            std::fs::copy(&a.source, &to)
                .map(|_| ())
                .map_err(io(&a.source))
        })?;
        Ok(staging)
    }

    /// Notes a file of the site written at `rel`: at the output's record's
    /// name, that record is no longer there to keep.
    fn taking_name(&self, rel: &str) {
        if rel == record::OUTPUT {
            self.output_record_overwritten
                .store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }

    /// Whether the reused folder held a file at `rel` that the build has
    /// not written yet; it is now the build's to write.
    fn was_there(&self, rel: &str) -> bool {
        lock(&self.left).remove(rel)
    }

    /// Writes one file (safe to call from several threads at once), leaving
    /// a file of the reused folder that already holds these bytes as it is.
    pub fn write(&self, file: &OutputFile) -> Result<(), WriteError> {
        self.put(&file.path, &file.contents)
    }

    fn put(&self, rel: &str, contents: &[u8]) -> Result<(), WriteError> {
        self.taking_name(rel);
        let to = self.dir.join(rel);
        let (key, hash) = (record::key(rel), record::hash(contents));
        if let Some(stamp) = self.put_at(rel, key, &to, contents, hash)? {
            lock(&self.pages).push(Page { key, hash, stamp });
        }
        Ok(())
    }

    /// Puts `contents` (hashing to `hash`) at `to`, `rel` in the folder
    /// (filed under `key` in records), and returns the file's stamp once
    /// they are there.
    fn put_at(
        &self,
        rel: &str,
        key: u64,
        to: &Path,
        contents: &[u8],
        hash: [u64; 2],
    ) -> Result<Option<Stamp>, WriteError> {
        if self.was_there(rel) {
            let recorded = self.record.as_ref();
            if let Some(stamp) = recorded.and_then(|r| r.vouches(key, to, contents.len(), hash)) {
                self.vouched
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                return Ok(Some(stamp));
            }
            if let Some(same) = same_bytes(to, contents) {
                return Ok(Stamp::from_metadata(&same));
            }
            // A new file, not a rewrite in place: the old one may be linked
            // from elsewhere (a deployment that hard-linked the site).
            remove(to);
        } else {
            make_parent(to)?;
        }
        let written = write_new(to, contents).map_err(io(to))?;
        Ok(Stamp::from_metadata(&written))
    }

    /// Marks the staged folder as Seam's and puts it in place of the output.
    pub fn commit(self) -> Result<(), WriteError> {
        self.put(
            MARKER,
            b"This folder was written by Seam; `seam build` replaces it whole.\n",
        )?;
        // What the reused folder held that this build did not make.
        let left = std::mem::take(&mut *lock(&self.left));
        for rel in &left {
            let _ = std::fs::remove_file(self.dir.join(rel));
        }
        // Only a folder a file was taken from, or one already empty, can be
        // empty now (this build made no folder it wrote nothing into).
        let emptied = left
            .iter()
            .filter_map(|rel| Path::new(rel).parent().map(Path::to_path_buf));
        remove_empty_folders(&self.dir, emptied.chain(self.empty.iter().cloned()));
        // Made before the swap: the folder's identity goes with it.
        let made = record::make(&self.dir, std::mem::take(&mut *lock(&self.pages)));
        // The output's record leaves the folder before it is published.
        let overwritten = self
            .output_record_overwritten
            .load(std::sync::atomic::Ordering::Relaxed);
        let output_record = (!overwritten)
            .then(|| record::take_output(&self.dir))
            .flatten();
        let (out, staged) = (&self.out, &self.dir);
        if !out.exists() {
            return std::fs::rename(staged, out).map_err(io(out));
        }
        // After the swap, `staged` holds the previous site, kept for the
        // next build to reuse when `self` drops, with its own record (the
        // output's until now) and the new output's.
        if exchange(staged, out) {
            record::keep(staged, output_record.as_deref(), made.as_ref());
            return Ok(());
        }
        let old = self.dir.with_file_name(format!(
            "{}{OLD_SUFFIX}",
            staged.file_name().unwrap_or_default().to_string_lossy()
        ));
        std::fs::rename(out, &old).map_err(io(out))?;
        if let Err(source) = std::fs::rename(staged, out) {
            let _ = std::fs::rename(&old, out);
            return Err(WriteError::Io {
                path: out.clone(),
                source,
            });
        }
        std::fs::remove_dir_all(&old).map_err(io(&old))
    }
}

impl Drop for Staging {
    /// Leaves the staging folder (after a swap, the previous site) for the
    /// next build to reuse, marked for git to ignore, and removes its lock
    /// file. A folder that cannot be marked is removed.
    fn drop(&mut self) {
        if self.dir.is_dir() && std::fs::write(self.dir.join(".gitignore"), KEPT_GITIGNORE).is_err()
        {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
        // The lock file goes while still held; the next build makes it anew.
        let _ = std::fs::remove_file(&self.lock_path);
        self.lock.take();
    }
}

/// What a kept previous site's `.gitignore` says: ignore this whole folder,
/// so it never shows as untracked where the output is in a repository.
const KEPT_GITIGNORE: &str =
    "# A previous site Seam keeps to write only what changed; safe to delete.\n*\n";

/// A staging folder beside the output that no running build holds, locked
/// for this build: the previous site, or what a killed build left.
fn reusable(parent: &Path, prefix: &str) -> Option<(PathBuf, PathBuf, std::fs::File)> {
    let entries = std::fs::read_dir(parent).ok()?;
    entries.flatten().find_map(|entry| {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if !is_dir || !name.starts_with(prefix) || name.ends_with(OLD_SUFFIX) {
            return None;
        }
        let lock_path = parent.join(format!("{name}{LOCK_SUFFIX}"));
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .ok()?;
        // Only where locks work: without them a running build's folder
        // could not be told from a free one.
        if lock.try_lock().is_err() {
            return None;
        }
        // Still there once locked: not removed by a build that held it.
        entry
            .path()
            .is_dir()
            .then(|| (entry.path(), lock_path, lock))
    })
}

/// The regular files under `dir`, by path relative to it with `/`; anything
/// else in it that is not a folder (a link, a FIFO) is removed, so writing
/// into the folder never follows a link out of it.
fn inventory(dir: &Path) -> std::io::Result<(rustc_hash::FxHashSet<String>, Vec<PathBuf>)> {
    let mut files = rustc_hash::FxHashSet::default();
    let mut empty = Vec::new();
    // The folders above the entry being read, the one at depth `d` at
    // `d - 1`, each with whether anything was found in it: the walk is
    // depth first, so a folder is done once an entry no deeper comes.
    let mut above: Vec<(PathBuf, bool)> = Vec::new();
    let mut done = |above: &mut Vec<(PathBuf, bool)>, depth: usize| {
        while above.len() >= depth.max(1) {
            let (folder, found) = above.pop().expect("a folder");
            if !found {
                empty.push(folder);
            }
        }
    };
    for entry in walkdir::WalkDir::new(dir).min_depth(1) {
        let entry = entry.map_err(std::io::Error::other)?;
        done(&mut above, entry.depth());
        if let Some(parent) = above.last_mut() {
            parent.1 = true;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        // The output's record is not the site's: it stays until the swap.
        if rel == Path::new(record::OUTPUT) {
            continue;
        }
        let kind = entry.file_type();
        if kind.is_dir() {
            above.push((rel.to_path_buf(), false));
        } else if kind.is_file() {
            files.insert(crate::diagnostic::display_path(rel));
        } else {
            std::fs::remove_file(entry.path())?;
        }
    }
    done(&mut above, 1);
    Ok((files, empty))
}

/// Makes the folders `file` goes in. A file of a reused folder where one of
/// them must be (the old site had `a`, this one `a/index.html`) gives way.
fn make_parent(file: &Path) -> Result<(), WriteError> {
    let Some(parent) = file.parent() else {
        return Ok(());
    };
    if std::fs::create_dir_all(parent).is_ok() {
        // A folder where the file goes (the old site had `a/`, this one `a`).
        if file.is_dir() {
            std::fs::remove_dir_all(file).map_err(io(file))?;
        }
        return Ok(());
    }
    for ancestor in parent.ancestors() {
        if std::fs::symlink_metadata(ancestor).is_ok_and(|m| m.is_file()) {
            std::fs::remove_file(ancestor).map_err(io(ancestor))?;
        }
    }
    std::fs::create_dir_all(parent).map_err(io(parent))
}

/// Locks `m`, whatever a panicking thread left in it (a set or a list that
/// holds what it held, panic or not).
fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Writes `contents` into a new file at `path` and returns the file's
/// metadata once they are in it.
fn write_new(path: &Path, contents: &[u8]) -> std::io::Result<std::fs::Metadata> {
    use std::io::Write;
    let mut file = std::fs::File::create(path)?;
    file.write_all(contents)?;
    file.metadata()
}

/// Removes a file about to be written anew; one already gone is fine.
fn remove(path: &Path) {
    let _ = std::fs::remove_file(path);
}

/// The metadata of the file at `path` when it holds exactly `contents`.
/// Opened once and read with its length known (four system calls, where
/// `metadata` then `fs::read` take six): a rebuild asks this of every page
/// its record does not vouch for.
fn same_bytes(path: &Path, contents: &[u8]) -> Option<std::fs::Metadata> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() || meta.len() != contents.len() as u64 {
        return None;
    }
    let mut bytes = vec![0; contents.len()];
    (file.read_exact(&mut bytes).is_ok() && bytes == contents).then_some(meta)
}

/// Whether two files hold the same bytes, read a piece at a time.
fn same_file(a: &Path, b: &Path) -> bool {
    use std::io::Read;
    let (Ok(ma), Ok(mb)) = (std::fs::metadata(a), std::fs::metadata(b)) else {
        return false;
    };
    if ma.len() != mb.len() {
        return false;
    }
    let (Ok(mut fa), Ok(mut fb)) = (std::fs::File::open(a), std::fs::File::open(b)) else {
        return false;
    };
    let (mut ba, mut bb) = (vec![0u8; 64 * 1024], vec![0u8; 64 * 1024]);
    loop {
        let n = match fa.read(&mut ba) {
            Ok(0) => return fb.read(&mut bb[..1]).is_ok_and(|m| m == 0),
            Ok(n) => n,
            Err(_) => return false,
        };
        if fb.read_exact(&mut bb[..n]).is_err() || ba[..n] != bb[..n] {
            return false;
        }
    }
}

/// Removes, deepest first, those of `folders` (relative to `dir`) that are
/// empty, and each folder above one removed that is then empty.
fn remove_empty_folders(dir: &Path, folders: impl Iterator<Item = PathBuf>) {
    let mut next: BTreeSet<(usize, PathBuf)> = folders
        .filter(|f| !f.as_os_str().is_empty())
        .map(|f| (f.components().count(), f))
        .collect();
    // Deepest first, so a folder is tried after every folder in it (and
    // once: a folder is only added back as the parent of a deeper one).
    while let Some((depth, folder)) = next.pop_last() {
        // Fails, as it should, for a folder with anything in it.
        if std::fs::remove_dir(dir.join(&folder)).is_ok()
            && let Some(parent) = folder.parent().filter(|p| !p.as_os_str().is_empty())
        {
            next.insert((depth - 1, parent.to_path_buf()));
        }
    }
}

/// Swaps the folders `a` and `b` in one atomic step; `false` where the
/// system or file system cannot, and nothing was changed.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn exchange(a: &Path, b: &Path) -> bool {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).is_ok()
}

/// Swaps the folders `a` and `b` in one atomic step; `false` where the
/// system or file system cannot, and nothing was changed.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn exchange(_a: &Path, _b: &Path) -> bool {
    false
}

/// Removes the staging folders (and previous sites awaiting removal) in
/// `parent` that no running build holds: left by builds that were killed,
/// or previous sites beyond the one this build reuses. Each is removed
/// holding its lock, so no other build takes it up meanwhile. Best effort:
/// what cannot be removed is left for the next build.
fn remove_stale(parent: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        // Only real folders, never through a link; lock files go with them.
        let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
        let Some(id) = name.strip_prefix(prefix) else {
            continue;
        };
        if is_dir {
            let id = id.strip_suffix(OLD_SUFFIX).unwrap_or(id);
            let lock_path = parent.join(format!("{prefix}{id}{LOCK_SUFFIX}"));
            let Some(_lock) = take(&lock_path) else {
                continue;
            };
            // A previous site awaiting removal shares its lock with its
            // staging folder, which keeps the lock while it is there.
            let sibling = parent.join(format!("{prefix}{id}"));
            if std::fs::remove_dir_all(entry.path()).is_ok()
                && (!name.ends_with(OLD_SUFFIX) || !sibling.exists())
            {
                let _ = std::fs::remove_file(&lock_path);
            }
        } else if name.ends_with(LOCK_SUFFIX) {
            // A lock whose folder is gone (or never made) goes too, but not
            // while its folder is still there to be removed.
            let dir = parent.join(name.trim_end_matches(LOCK_SUFFIX));
            if !dir.exists() && take(&entry.path()).is_some() {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// Takes the lock file `lock` for this build, making it where it is
/// missing; `None` while a running build holds it. Where the file system
/// has no locks, a folder is taken only once its lock is older than the
/// [grace period](UNLOCKED_GRACE).
fn take(lock: &Path) -> Option<std::fs::File> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(lock)
        .ok()?;
    match file.try_lock() {
        Ok(()) => Some(file),
        Err(std::fs::TryLockError::WouldBlock) => None,
        Err(std::fs::TryLockError::Error(_)) => (!recent(lock)).then_some(file),
    }
}

/// Whether `path` was modified within the [grace period](UNLOCKED_GRACE).
fn recent(path: &Path) -> bool {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_none_or(|age| age < UNLOCKED_GRACE)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stages `files` and `assets` and swaps them in, as a build does.
    fn write_site(out: &Path, files: &[OutputFile], assets: &[Asset]) -> Result<(), WriteError> {
        let staging = Staging::begin(out, assets)?;
        files.par_iter().try_for_each(|f| staging.write(f))?;
        staging.commit()
    }

    fn file(path: &str, body: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            contents: body.as_bytes().to_vec(),
        }
    }

    /// The names in `dir`, sorted, with the one kept previous site (if
    /// any) as `KEPT`, after checking that git is told to ignore it.
    fn beside(dir: &Path) -> Vec<String> {
        beside_but(dir, &[])
    }

    /// [`beside`], leaving out the names in `but`.
    fn beside_but(dir: &Path, but: &[&str]) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| !but.contains(&name.as_str()))
            .map(|name| {
                if name.starts_with(STAGING_PREFIX) {
                    let ignore = std::fs::read_to_string(dir.join(&name).join(".gitignore"));
                    assert_eq!(ignore.ok().as_deref(), Some(KEPT_GITIGNORE), "{name}");
                    "KEPT".to_string()
                } else {
                    name
                }
            })
            .collect();
        names.sort();
        names
    }

    #[test]
    fn replaces_its_own_output_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write_site(
            &out,
            &[file("a/index.html", "one"), file("old.html", "x")],
            &[],
        )
        .unwrap();
        assert_eq!(beside(tmp.path()), ["public"], "nothing to keep yet");
        write_site(&out, &[file("a/index.html", "two")], &[]).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("a/index.html")).unwrap(),
            "two"
        );
        assert!(!out.join("old.html").exists());
        assert_eq!(
            beside(tmp.path()),
            ["KEPT", "public"],
            "the previous site is kept, and no lock file"
        );
    }

    #[test]
    fn a_kept_site_is_reused_writing_only_what_changed() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let asset = tmp.path().join("logo.png");
        std::fs::write(&asset, "picture").unwrap();
        let assets = [Asset {
            source: asset.clone(),
            rel: "img/logo.png".into(),
        }];
        let first = [
            file("same/index.html", "same"),
            file("a/index.html", "one"),
            file("gone/deep/index.html", "x"),
            file("file-then-folder", "f"),
        ];
        write_site(&out, &first, &assets).unwrap();
        write_site(&out, &first, &assets).unwrap();
        // The kept site is the first one: age its files, and link one of
        // them from elsewhere, as a deployment might.
        let kept = kept_site(tmp.path());
        let long_ago =
            std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
        for rel in ["same/index.html", "a/index.html", "img/logo.png"] {
            let f = std::fs::File::options()
                .write(true)
                .open(kept.join(rel))
                .unwrap();
            f.set_modified(long_ago).unwrap();
        }
        let deployed = tmp.path().join("deployed.html");
        std::fs::hard_link(kept.join("a/index.html"), &deployed).unwrap();
        // A link a stranger put there is removed, not written through.
        let outside = tmp.path().join("outside.txt");
        std::fs::write(&outside, "theirs").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(&outside, kept.join("b.html")).unwrap();

        let second = [
            file("same/index.html", "same"),
            file("a/index.html", "two"),
            file("b.html", "b"),
            file("file-then-folder/index.html", "now a folder"),
        ];
        write_site(&out, &second, &assets).unwrap();
        let modified = |rel: &str| {
            std::fs::metadata(out.join(rel))
                .unwrap()
                .modified()
                .unwrap()
        };
        assert_eq!(
            modified("same/index.html"),
            long_ago,
            "unchanged: not rewritten"
        );
        assert_eq!(
            modified("img/logo.png"),
            long_ago,
            "unchanged asset: not copied again"
        );
        assert_ne!(modified("a/index.html"), long_ago);
        let read = |rel: &str| std::fs::read_to_string(out.join(rel)).unwrap();
        assert_eq!(read("a/index.html"), "two");
        assert_eq!(read("b.html"), "b");
        assert_eq!(read("file-then-folder/index.html"), "now a folder");
        assert_eq!(std::fs::read_to_string(&deployed).unwrap(), "one");
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "theirs");
        assert!(!out.join("gone").exists(), "folders left empty go");
        let mut files: Vec<String> = walkdir::WalkDir::new(&out)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| !e.file_type().is_dir())
            .map(|e| crate::diagnostic::display_path(e.path().strip_prefix(&out).unwrap()))
            .collect();
        files.sort();
        assert_eq!(
            files,
            [
                MARKER,
                "a/index.html",
                "b.html",
                "file-then-folder/index.html",
                "img/logo.png",
                "same/index.html"
            ]
        );
    }

    /// The kept previous site beside `out`.
    fn kept_site(parent: &Path) -> PathBuf {
        std::fs::read_dir(parent)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                p.is_dir()
                    && p.file_name()
                        .unwrap()
                        .to_string_lossy()
                        .starts_with(STAGING_PREFIX)
            })
            .unwrap()
    }

    #[test]
    #[cfg(unix)]
    fn a_kept_sites_record_spares_reading_back_its_untouched_pages() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        // Pages 0 to 2 are the same in every site, 3 to 5 are not.
        let site = |n: usize| {
            let body = |i: usize| match i {
                0..=2 => format!("page {i}"),
                _ => format!("page {i} of site {n}"),
            };
            (0..6)
                .map(|i| file(&format!("p{i}/index.html"), &body(i)))
                .collect::<Vec<_>>()
        };
        // The third build is the first to reuse a site that has a record
        // (the first has no kept folder, the second keeps the first's site
        // before any record of it was made).
        for n in 1..=3 {
            write_site(&out, &site(n), &[]).unwrap();
        }
        let kept = kept_site(tmp.path());
        for name in [record::OWN, record::OUTPUT] {
            assert!(kept.join(name).is_file(), "{name} in the kept site");
            assert!(!out.join(name).exists(), "{name} is never published");
        }
        // The record was made as the second build ended: pages changed
        // since so short a time are not vouched for. Let a minute pass.
        let path = kept.join(record::OWN);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, record::made_later(&text, 60)).unwrap();
        // One kept page changed behind the record's back, its length kept.
        std::fs::write(kept.join("p0/index.html"), "PAGE 0").unwrap();

        let fourth = site(4);
        let staging = Staging::begin(&out, &[]).unwrap();
        for f in &fourth {
            staging.write(f).unwrap();
        }
        // The kept site is the second: pages 3 to 5 changed since; page 0
        // did not, but its file was changed.
        assert_eq!(
            staging.vouched.load(std::sync::atomic::Ordering::Relaxed),
            2,
            "pages 1 and 2 kept unread"
        );
        staging.commit().unwrap();
        for f in &fourth {
            let bytes = std::fs::read(out.join(&f.path)).unwrap();
            assert_eq!(bytes, f.contents, "{}", f.path);
        }
        // And the next build trusts the pages this one left, once settled.
        let kept = kept_site(tmp.path());
        assert!(kept.join(record::OUTPUT).is_file());
        assert!(!out.join(record::OWN).exists() && !out.join(record::OUTPUT).exists());
    }

    #[test]
    fn a_file_of_the_site_named_as_a_record_is_published_as_it_is() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let source = tmp.path().join("theirs");
        std::fs::write(&source, "not a record").unwrap();
        let assets = [Asset {
            source,
            rel: record::OUTPUT.into(),
        }];
        for n in 0..5 {
            let page = file(record::OWN, &format!("page {n}"));
            write_site(&out, std::slice::from_ref(&page), &assets).unwrap();
            let read = |name: &str| std::fs::read_to_string(out.join(name)).unwrap();
            assert_eq!(read(record::OUTPUT), "not a record", "build {n}");
            assert_eq!(read(record::OWN), format!("page {n}"), "build {n}");
        }
    }

    #[test]
    fn refuses_a_folder_it_did_not_create() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("docs");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("precious.txt"), "keep me").unwrap();
        let err = write_site(&out, &[file("index.html", "x")], &[]).unwrap_err();
        assert!(matches!(err, WriteError::NotOurs(_)));
        assert_eq!(
            std::fs::read_to_string(out.join("precious.txt")).unwrap(),
            "keep me"
        );
    }

    #[test]
    fn removes_what_killed_builds_left_and_keeps_a_running_builds_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write_site(&out, &[file("index.html", "one")], &[]).unwrap();
        // A killed build's staging folder (its lock file no longer held), a
        // previous site a killed two-rename swap left, and a running build's.
        let killed = tmp.path().join(".seam-build-public-killed");
        std::fs::create_dir_all(killed.join("a")).unwrap();
        std::fs::write(tmp.path().join(".seam-build-public-killed.lock"), "").unwrap();
        std::fs::write(killed.join("a/index.html"), "half").unwrap();
        let swapped = tmp.path().join(".seam-build-public-swapped.old");
        std::fs::create_dir(&swapped).unwrap();
        std::fs::write(swapped.join("index.html"), "old").unwrap();
        let running = tmp.path().join(".seam-build-public-running");
        std::fs::create_dir(&running).unwrap();
        let lock =
            std::fs::File::create(tmp.path().join(".seam-build-public-running.lock")).unwrap();
        lock.lock().unwrap();
        // Someone else's folder that only looks alike is not touched, nor
        // the previous site of another output beside this one.
        let theirs = tmp.path().join("seam-build-notes");
        std::fs::create_dir(&theirs).unwrap();
        let preview = tmp.path().join(".seam-build-preview-Ab12Cd");
        std::fs::create_dir(&preview).unwrap();
        std::fs::write(preview.join(".gitignore"), KEPT_GITIGNORE).unwrap();
        write_site(&out, &[file("index.html", "two")], &[]).unwrap();
        // The killed build's folder is taken up as the staging folder (or
        // removed); nothing it held is published.
        assert!(!out.join("a").exists(), "the killed build's half file");
        assert!(
            !swapped.exists(),
            "a previous site a killed swap left is removed"
        );
        assert!(running.exists(), "a running build's folder is kept");
        assert!(theirs.exists());
        assert_eq!(
            beside_but(
                tmp.path(),
                &[
                    ".seam-build-public-running",
                    ".seam-build-public-running.lock"
                ]
            ),
            ["KEPT", "KEPT", "public", "seam-build-notes"]
        );
        drop(lock);
        write_site(&out, &[file("index.html", "three")], &[]).unwrap();
        assert_eq!(
            beside(tmp.path()),
            ["KEPT", "KEPT", "public", "seam-build-notes"],
            "once its build is gone, the running build's folder is taken up or removed too"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "three"
        );
        assert!(!out.join("a").exists());
        assert!(preview.join(".gitignore").is_file(), "another output's");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn swaps_two_folders_in_one_step() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        std::fs::create_dir(&a).unwrap();
        std::fs::create_dir(&b).unwrap();
        std::fs::write(a.join("which"), "a").unwrap();
        std::fs::write(b.join("which"), "b").unwrap();
        assert!(exchange(&a, &b));
        assert_eq!(std::fs::read_to_string(a.join("which")).unwrap(), "b");
        assert_eq!(std::fs::read_to_string(b.join("which")).unwrap(), "a");
        assert!(!exchange(&a, &tmp.path().join("missing")));
        assert_eq!(std::fs::read_to_string(a.join("which")).unwrap(), "b");
    }

    #[test]
    fn same_bytes_is_true_only_for_a_file_holding_exactly_those_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.html");
        std::fs::write(&a, "<p>one</p>").unwrap();
        assert!(same_bytes(&a, b"<p>one</p>").is_some());
        assert!(
            same_bytes(&a, b"<p>two</p>").is_none(),
            "same length, other bytes"
        );
        assert!(same_bytes(&a, b"<p>one</p>\n").is_none(), "longer");
        assert!(same_bytes(&a, b"<p>one").is_none(), "shorter");
        assert!(same_bytes(&dir.path().join("missing"), b"").is_none());
        std::fs::create_dir(dir.path().join("folder")).unwrap();
        assert!(
            same_bytes(&dir.path().join("folder"), b"").is_none(),
            "a folder"
        );
        let empty = dir.path().join("empty");
        std::fs::write(&empty, "").unwrap();
        assert!(same_bytes(&empty, b"").is_some());
    }

    #[test]
    fn the_inventory_names_every_file_and_every_empty_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        for folder in ["a/b/empty", "a/c", "d/e", "f", "g/h/i"] {
            std::fs::create_dir_all(dir.join(folder)).unwrap();
        }
        for file in ["top.html", "a/b/x.html", "a/c/y.html", "g/z.html"] {
            std::fs::write(dir.join(file), "x").unwrap();
        }
        let (files, mut empty) = inventory(dir).unwrap();
        let mut files: Vec<String> = files.into_iter().collect();
        files.sort();
        empty.sort();
        assert_eq!(files, ["a/b/x.html", "a/c/y.html", "g/z.html", "top.html"]);
        // `d` holds only an empty folder, so it is not empty itself.
        let empty: Vec<String> = empty
            .iter()
            .map(|p| crate::diagnostic::display_path(p))
            .collect();
        assert_eq!(empty, ["a/b/empty", "d/e", "f", "g/h/i"]);
    }

    #[test]
    fn only_the_folders_named_and_those_they_leave_empty_are_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        for folder in ["a/b/c", "a/keep", "unnamed/empty", "full"] {
            std::fs::create_dir_all(dir.join(folder)).unwrap();
        }
        std::fs::write(dir.join("a/keep/file.html"), "x").unwrap();
        std::fs::write(dir.join("full/file.html"), "x").unwrap();
        let named = ["a/b/c", "full", "a/b/c"].map(PathBuf::from);
        remove_empty_folders(dir, named.into_iter());
        assert!(!dir.join("a/b").exists(), "emptied upwards");
        assert!(
            dir.join("a/keep/file.html").exists(),
            "a folder with a file stays"
        );
        assert!(dir.join("full/file.html").exists());
        assert!(
            dir.join("unnamed/empty").is_dir(),
            "a folder not named is not looked at"
        );
    }
}
