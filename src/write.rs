//! Stage 6: write the site atomically.
//!
//! Pages go to a temporary folder beside the output as they are made (see
//! [`Staging`]); only when every file is written is it swapped in, with one
//! atomic exchange where the system has one (Linux's `renameat2`). A failed
//! or killed build leaves the previous output as it was, and the next build
//! removes the staging folders killed builds left behind. Seam marks folders
//! it creates with a `.seam-output` file and refuses to replace a non-empty
//! folder without that mark.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::load::Asset;
use crate::render::OutputFile;

/// The file that marks an output folder as Seam's to replace.
pub const MARKER: &str = ".seam-output";

/// How the names of staging folders begin. Each has a lock file beside it,
/// its name plus [`LOCK_SUFFIX`], that its build holds locked while it runs;
/// the next build removes any folder whose lock nobody holds.
const STAGING_PREFIX: &str = ".seam-build-";

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

/// A build's output being written: a temporary folder beside the output,
/// swapped in whole by [`Staging::commit`]. Dropped without committing, it
/// is removed and the previous output stays as it was.
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    lock_path: PathBuf,
    /// Held locked while the build runs, so other builds leave the folder alone.
    lock: Option<std::fs::File>,
}

impl Staging {
    /// Opens a staging folder for `out` and copies `assets` into it.
    pub fn begin(out: &Path, assets: &[Asset]) -> Result<Staging, WriteError> {
        if !may_replace(out)? {
            return Err(WriteError::NotOurs(out.to_path_buf()));
        }
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(io(&parent))?;
        // The lock first, then the folder: no other build ever sees the
        // folder without its lock held.
        let held = tempfile::Builder::new()
            .prefix(STAGING_PREFIX)
            .suffix(LOCK_SUFFIX)
            .tempfile_in(&parent)
            .map_err(io(&parent))?;
        // Without file locks (some network file systems) the folder is still
        // ours; other builds then leave it for the grace period.
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
        };
        std::fs::create_dir(&dir).map_err(io(&dir))?;
        remove_stale(&parent);
        assets.par_iter().try_for_each(|a| {
            let to = staging.dir.join(&a.rel);
            if let Some(p) = to.parent() {
                std::fs::create_dir_all(p).map_err(io(p))?;
            }
            std::fs::copy(&a.source, &to)
                .map(|_| ())
                .map_err(io(&a.source))
        })?;
        Ok(staging)
    }

    /// Writes one file (safe to call from several threads at once).
    pub fn write(&self, file: &OutputFile) -> Result<(), WriteError> {
        let to = self.dir.join(&file.path);
        if let Some(p) = to.parent() {
            std::fs::create_dir_all(p).map_err(io(p))?;
        }
        std::fs::write(&to, &file.contents).map_err(io(&to))
    }

    /// Marks the staged folder as Seam's and puts it in place of the output.
    pub fn commit(self) -> Result<(), WriteError> {
        let marker = self.dir.join(MARKER);
        std::fs::write(
            &marker,
            "This folder was written by Seam; `seam build` replaces it whole.\n",
        )
        .map_err(io(&marker))?;
        let (out, staged) = (&self.out, &self.dir);
        if !out.exists() {
            return std::fs::rename(staged, out).map_err(io(out));
        }
        // After the swap, `staged` holds the previous site, removed when
        // `self` drops. A kill before that leaves a folder whose lock nobody
        // holds, which the next build removes.
        if exchange(staged, out) {
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
    /// Removes the staging folder (after a swap, the previous site), then its lock.
    fn drop(&mut self) {
        if self.dir.exists() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
        let _ = std::fs::remove_file(&self.lock_path);
        self.lock.take();
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
/// `parent` that no running build holds: left by builds that were killed.
/// Best effort: what cannot be removed is left for the next build.
fn remove_stale(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        // Only real folders, never through a link; lock files go with them.
        let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
        let Some(id) = name.strip_prefix(STAGING_PREFIX) else {
            continue;
        };
        let lock = if is_dir {
            let id = id.strip_suffix(OLD_SUFFIX).unwrap_or(id);
            parent.join(format!("{STAGING_PREFIX}{id}{LOCK_SUFFIX}"))
        } else if name.ends_with(LOCK_SUFFIX) {
            entry.path()
        } else {
            continue;
        };
        if held(&lock) {
            continue;
        }
        if is_dir {
            if std::fs::remove_dir_all(entry.path()).is_ok() && !name.ends_with(OLD_SUFFIX) {
                let _ = std::fs::remove_file(&lock);
            }
        } else {
            // A lock whose folder is gone (or never made) goes too, but not
            // while its folder is still there to be removed.
            let dir = parent.join(name.trim_end_matches(LOCK_SUFFIX));
            if !dir.exists() {
                let _ = std::fs::remove_file(&lock);
            }
        }
    }
}

/// Whether a running build holds the lock file `lock`.
fn held(lock: &Path) -> bool {
    match std::fs::File::open(lock) {
        Ok(file) => match file.try_lock() {
            Ok(()) => false,
            Err(std::fs::TryLockError::WouldBlock) => true,
            // No locks on this file system: go by age.
            Err(std::fs::TryLockError::Error(_)) => recent(lock),
        },
        // No lock file: a build killed before it made its folder's lock
        // cannot be told from one that made it; the lock is made first.
        Err(_) => false,
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
        write_site(&out, &[file("a/index.html", "two")], &[]).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("a/index.html")).unwrap(),
            "two"
        );
        assert!(!out.join("old.html").exists());
        let leftovers: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no staging folders left behind");
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
        let killed = tmp.path().join(".seam-build-killed");
        std::fs::create_dir_all(killed.join("a")).unwrap();
        std::fs::write(tmp.path().join(".seam-build-killed.lock"), "").unwrap();
        std::fs::write(killed.join("a/index.html"), "half").unwrap();
        let swapped = tmp.path().join(".seam-build-swapped.old");
        std::fs::create_dir(&swapped).unwrap();
        std::fs::write(swapped.join("index.html"), "old").unwrap();
        let running = tmp.path().join(".seam-build-running");
        std::fs::create_dir(&running).unwrap();
        let lock = std::fs::File::create(tmp.path().join(".seam-build-running.lock")).unwrap();
        lock.lock().unwrap();
        // Someone else's folder that only looks alike is not touched.
        let theirs = tmp.path().join("seam-build-notes");
        std::fs::create_dir(&theirs).unwrap();
        write_site(&out, &[file("index.html", "two")], &[]).unwrap();
        assert!(!killed.exists(), "the killed build's folder is removed");
        assert!(
            !swapped.exists(),
            "a previous site a killed swap left is removed"
        );
        assert!(running.exists(), "a running build's folder is kept");
        assert!(theirs.exists());
        drop(lock);
        write_site(&out, &[file("index.html", "three")], &[]).unwrap();
        assert!(
            !running.exists(),
            "once its build is gone, it is removed too"
        );
        let mut left: Vec<String> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["public", "seam-build-notes"]);
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "three"
        );
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
}
