//! A scratch copy of a docs repo for the benchmarks that edit one, so the
//! repo they are given is never changed.

use std::path::{Path, PathBuf};

/// Copies `repo` into a new temporary folder (in memory, under `/dev/shm`,
/// where the machine has it) and returns the folder, which is removed when
/// dropped, and the copy's root.
pub fn scratch_copy(repo: &Path) -> (tempfile::TempDir, PathBuf) {
    let scratch = if Path::new("/dev/shm").is_dir() {
        tempfile::tempdir_in("/dev/shm")
    } else {
        tempfile::tempdir()
    }
    .expect("a temporary folder");
    let root = scratch.path().join("repo");
    for entry in walkdir::WalkDir::new(repo)
        .into_iter()
        .filter_map(Result::ok)
    {
        let rel = entry.path().strip_prefix(repo).expect("under the repo");
        let target = root.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("a folder in the copy");
        } else if entry.file_type().is_file() {
            std::fs::copy(entry.path(), &target).expect("a file in the copy");
        }
    }
    (scratch, root)
}
