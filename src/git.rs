//! The few questions Seam asks git about a docs repo: which branches exist,
//! which files a commit holds under some folders, and where two branches
//! forked.
//!
//! It runs the `git` program (never a library), with `-C` set to the docs
//! repo root, so every path given and returned is relative to that root and
//! written with `/`. [`Git::open`] says when there is no git to ask (the
//! program is not installed, or the root is not in a work tree): callers
//! that can do without it skip it, and those that cannot report it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Why git could not answer.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// The `git` program is not installed (or cannot be started).
    #[error("git is not installed, or cannot be started: {0}")]
    Missing(std::io::Error),
    /// The docs repo is not inside a git work tree.
    #[error("{} is not inside a git checkout", .0.display())]
    NotARepo(PathBuf),
    /// A name that is no commit in this repository.
    #[error("`{0}` is not a branch, tag or commit in this repository")]
    UnknownRevision(String),
    /// Git ran and failed.
    #[error("`git {command}` failed: {message}")]
    Failed {
        /// The git command, without `git`.
        command: String,
        /// What git said on standard error.
        message: String,
    },
}

/// A docs repo root inside a git work tree.
#[derive(Clone, Debug)]
pub struct Git {
    root: PathBuf,
}

impl Git {
    /// The work tree holding `root`: an error when git is missing or `root` is not in a work tree.
    pub fn open(root: &Path) -> Result<Git, GitError> {
        let git = Git {
            root: root.to_path_buf(),
        };
        match git.run(&["rev-parse", "--is-inside-work-tree"]) {
            Ok(out) if out.trim() == "true" => Ok(git),
            Ok(_) => Err(GitError::NotARepo(root.to_path_buf())),
            Err(GitError::Failed { .. }) => Err(GitError::NotARepo(root.to_path_buf())),
            Err(e) => Err(e),
        }
    }

    /// Like [`Git::open`], but `None` when there is no git to ask, for callers that can do without it.
    pub fn open_if_any(root: &Path) -> Result<Option<Git>, GitError> {
        match Git::open(root) {
            Ok(git) => Ok(Some(git)),
            Err(GitError::Missing(_) | GitError::NotARepo(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The commits that local and remote-tracking branches point at, each once.
    pub fn branch_tips(&self) -> Result<Vec<String>, GitError> {
        let out = self.run(&[
            "for-each-ref",
            "--format=%(objectname)",
            "refs/heads",
            "refs/remotes",
        ])?;
        let mut tips: Vec<String> = out.lines().map(str::to_string).collect();
        tips.sort();
        tips.dedup();
        Ok(tips)
    }

    /// The commit `revision` names (a branch, tag or commit id).
    pub fn commit(&self, revision: &str) -> Result<String, GitError> {
        if revision.is_empty() || revision.starts_with('-') {
            return Err(GitError::UnknownRevision(revision.to_string()));
        }
        let spec = format!("{revision}^{{commit}}");
        match self.run(&["rev-parse", "--verify", "--quiet", &spec]) {
            Ok(out) => Ok(out.trim().to_string()),
            Err(GitError::Failed { .. }) => Err(GitError::UnknownRevision(revision.to_string())),
            Err(e) => Err(e),
        }
    }

    /// The best common ancestor of two commits; `None` when they share no history.
    pub fn merge_base(&self, a: &str, b: &str) -> Result<Option<String>, GitError> {
        let output = self.command(&["merge-base", a, b])?;
        match output.status.code() {
            Some(0) => Ok(Some(
                String::from_utf8_lossy(&output.stdout).trim().to_string(),
            )),
            // merge-base exits 1, saying nothing, when there is no common ancestor.
            Some(1) if output.stderr.is_empty() => Ok(None),
            _ => Err(failed(&["merge-base", a, b], &output)),
        }
    }

    /// Every file that `commit` holds under `folders` (paths relative to the root, with `/`).
    pub fn files(&self, commit: &str, folders: &[String]) -> Result<Vec<String>, GitError> {
        if folders.is_empty() {
            return Ok(Vec::new());
        }
        let mut args = vec!["ls-tree", "-r", "-z", "--name-only", commit, "--"];
        args.extend(folders.iter().map(String::as_str));
        let out = self.run(&args)?;
        Ok(out
            .split('\0')
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect())
    }

    fn command(&self, args: &[&str]) -> Result<std::process::Output, GitError> {
        Command::new("git")
            .arg("-C")
            .arg(&self.root)
            .arg("--literal-pathspecs")
            .args(args)
            .output()
            .map_err(GitError::Missing)
    }

    fn run(&self, args: &[&str]) -> Result<String, GitError> {
        let output = self.command(args)?;
        if !output.status.success() {
            return Err(failed(args, &output));
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }
}

fn failed(args: &[&str], output: &std::process::Output) -> GitError {
    GitError::Failed {
        command: args.join(" "),
        message: String::from_utf8_lossy(&output.stderr).trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_outside_any_work_tree_has_no_git() {
        let tmp = tempfile::tempdir().unwrap();
        // Without git installed this is `None` too: either way there is nothing to ask.
        assert!(Git::open_if_any(tmp.path()).unwrap().is_none());
        assert!(matches!(
            Git::open(tmp.path()),
            Err(GitError::NotARepo(_) | GitError::Missing(_))
        ));
    }
}
