//! Stage 6: write the site atomically.
//!
//! Pages go to a temporary folder beside the output as they are made (see
//! [`Staging`]); only when every file is written is it swapped in. A failed build leaves the previous output as it
//! was. Seam marks folders it creates with a `.seam-output` file and refuses
//! to replace a non-empty folder without that mark.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::load::Asset;
use crate::render::OutputFile;

/// The file that marks an output folder as Seam's to replace.
pub const MARKER: &str = ".seam-output";

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
    parent: PathBuf,
    dir: tempfile::TempDir,
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
        let dir = tempfile::Builder::new()
            .prefix(".seam-build-")
            .tempdir_in(&parent)
            .map_err(io(&parent))?;
        let staging = Staging {
            out: out.to_path_buf(),
            parent,
            dir,
        };
        assets.par_iter().try_for_each(|a| {
            let to = staging.dir.path().join(&a.rel);
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
        let to = self.dir.path().join(&file.path);
        if let Some(p) = to.parent() {
            std::fs::create_dir_all(p).map_err(io(p))?;
        }
        std::fs::write(&to, &file.contents).map_err(io(&to))
    }

    /// Marks the staged folder as Seam's and puts it in place of the output.
    pub fn commit(self) -> Result<(), WriteError> {
        let Staging { out, parent, dir } = self;
        std::fs::write(
            dir.path().join(MARKER),
            "This folder was written by Seam; `seam build` replaces it whole.\n",
        )
        .map_err(io(dir.path()))?;
        let staged = dir.keep();
        if out.exists() {
            let old = tempfile::Builder::new()
                .prefix(".seam-old-")
                .tempdir_in(&parent)
                .map_err(io(&parent))?
                .keep();
            // `old` is an empty folder: renaming onto it replaces it on Unix.
            std::fs::rename(&out, &old).map_err(io(&out))?;
            if let Err(source) = std::fs::rename(&staged, &out) {
                let _ = std::fs::rename(&old, &out);
                let _ = std::fs::remove_dir_all(&staged);
                return Err(WriteError::Io { path: out, source });
            }
            std::fs::remove_dir_all(&old).map_err(io(&old))?;
        } else {
            std::fs::rename(&staged, &out).map_err(io(&out))?;
        }
        Ok(())
    }
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
}
