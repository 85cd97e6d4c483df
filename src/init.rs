//! `seam init`: a new docs repo with `seam.toml` and one example of each kind,
//! dated around the day it runs so that a new wiki opens on a current week
//! with nothing overdue.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

/// The files `seam init` writes, by path relative to the new root. Dates
/// are written relative to the day it runs: `{today-3}` (days before or
/// after), `{monday-7}` (from this week's Monday) and `{week}` (this ISO week),
/// filled in by [`starter`].
pub const STARTER: &[(&str, &str)] = &[
    (
        "seam.toml",
        "# Seam settings: every key is optional.\ntitle = \"Our Engineering\"\n# base_url = \"https://example.com/wiki/\"\n# output_dir = \"public\"\n\n# [kinds.adr]\n# dirs = [\"adrs\"]\n# required_sections = [\"Context\", \"Decision\", \"Consequences\"]\n\n# The weekly digest email (`seam digest --send`); the password comes from SEAM_SMTP_PASSWORD.\n# [digest]\n# from = \"Engineering digest <digest@example.com>\"\n# to = [\"engineering@example.com\"]\n# [smtp]\n# url = \"smtp://digest-bot@smtp.example.com:587\"\n",
    ),
    (
        "content/index.md",
        "# Welcome\n\nThis wiki is built by Seam from the Markdown files under `content/`.\nStart with the [[platform]] team, decision [[ADR-0001]] and the [[onboarding]] page.\n",
    ),
    (
        "content/teams/platform.md",
        "---\nname: Platform\nmission: Give product teams a paved road to production.\nlead: Alex Doe\nmembers:\n  - Alex Doe\n  - { name: Sam Lee, role: SRE }\nchannels:\n  slack: \"#team-platform\"\ncoordination_model: service-provider\nowns: [ci, deploy-pipeline]\nupdated: {today-3}\ndepends_on:\n  - on: security\n    what: Signed artefact verification in the deploy pipeline\n    type: platform\n    need_by: {today+60}\n    committed: {today+40}\n    status: in-progress\n    risk: low\n    updated: {today-3}\n---\n\n## Current Priorities\n\n- Move every service to the new deploy pipeline ([[ADR-0001]]).\n\n## Looking for Input On\n\n- Which services need canary releases first?\n\n## Recent Wins\n\n- Build times down from 14 to 6 minutes.\n",
    ),
    (
        "content/teams/security.md",
        "---\nname: Security\nmission: Keep customer data safe without slowing teams down.\nlead: Jo Park\nmembers: [Jo Park]\ncoordination_model: consultant\nupdated: {today-3}\n---\n\n## Current Priorities\n\n- Artefact signing for the [[platform]] pipeline.\n\n## Looking for Input On\n\n- Nothing this week.\n\n## Recent Wins\n\n- Completed the yearly access review.\n",
    ),
    (
        "content/adrs/0001-use-one-deploy-pipeline.md",
        "---\ntitle: Use one deploy pipeline for every service\nstatus: accepted\ndate: {today-14}\nteam: platform\ndeciders: [Alex Doe]\naffects: [security]\ntags: [ci-cd]\n---\n\n## Context\n\nEach team deploys differently, so fixes to the release process land five times.\n\n## Decision\n\nEvery service deploys through the shared pipeline owned by [[platform]].\n\n## Consequences\n\nTeams lose some freedom and gain signed, auditable releases.\n\n## Alternatives Considered\n\n- Keep per-team pipelines and share a checklist.\n",
    ),
    (
        "content/alignments/signed-releases.md",
        "---\ntitle: Signed releases\nteams: [platform, security]\nowner: Alex Doe\nstatus: active\nreview_by: {today+60}\ncommitments:\n  - { team: security, deliverable: Signing keys in the KMS, date: {today+14}, confidence: 90 }\n  - { team: platform, deliverable: Verification step in the pipeline, date: {today+40}, confidence: 70 }\nadrs: [ADR-0001]\n---\n\n## Ownership Map\n\nSecurity owns the keys; Platform owns the pipeline step.\n\n## Interface Definitions\n\nThe pipeline calls the signing service's `verify` endpoint.\n\n## Timeline Commitments\n\nSee the commitments above.\n\n## Slip Protocol\n\nA slip of more than a week is raised in the next sync.\n\n## Escalation Path\n\nLeads first, then the engineering director.\n",
    ),
    (
        "content/rotations/platform-on-call.md",
        "---\nname: Platform on-call\nkind: on-call\nteam: platform\nstart: {monday-7}\nevery: 1w\nhandoff: Mon 10:00\ntimezone: Europe/London\nmembers: [Alex Doe, Sam Lee]\n---\n\n## Responsibilities\n\n- Answer pages for the deploy pipeline within 15 minutes.\n",
    ),
    (
        "content/updates/{week}/platform.md",
        "## Shipped\n\n- Pipeline support for monorepos.\n\n## Blockers\n\n- Waiting on signing keys from [[security]].\n",
    ),
    (
        "content/onboarding.md",
        "---\ntitle: Onboarding\n---\n\n# Onboarding\n\nRead the team pages, then the decisions that affect your team.\n",
    ),
];

/// Why `seam init` wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// Some starter files already exist.
    #[error("these files already exist, so nothing was written: {}", .0.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))]
    Exists(Vec<PathBuf>),
    /// Writing failed.
    #[error("cannot write {path}: {source}")]
    Io {
        /// Where.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// The starter files with their dates filled in for `today`.
pub fn starter(today: NaiveDate) -> Vec<(String, String)> {
    let week = crate::model::Week::of(today);
    let fill = |text: &str| {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find('{') {
            out.push_str(&rest[..start]);
            let after = &rest[start..];
            let Some(end) = after.find('}') else {
                out.push_str(after);
                rest = "";
                break;
            };
            let token = &after[1..end];
            let shifted = |from: NaiveDate, days: &str| {
                days.parse::<i64>()
                    .ok()
                    .map(|n| (from + chrono::Duration::days(n)).to_string())
            };
            let value = match token {
                "week" => Some(week.to_string()),
                _ => token
                    .strip_prefix("today")
                    .and_then(|d| shifted(today, d))
                    .or_else(|| {
                        token
                            .strip_prefix("monday")
                            .and_then(|d| shifted(week.monday(), d))
                    }),
            };
            match value {
                Some(v) => {
                    out.push_str(&v);
                    rest = &after[end + 1..];
                }
                // A brace that opens no date token (a YAML flow map) is kept, and
                // what follows it is read on: a token may sit inside the map.
                None => {
                    out.push('{');
                    rest = &after[1..];
                }
            }
        }
        out.push_str(rest);
        out
    };
    STARTER
        .iter()
        .map(|(path, body)| (fill(path), fill(body)))
        .collect()
}

/// Writes the starter docs repo into `dir`, dated for `today`; writes
/// nothing if any of its files exist.
pub fn init(dir: &Path, today: NaiveDate) -> Result<Vec<PathBuf>, InitError> {
    let files = starter(today);
    let existing: Vec<PathBuf> = files
        .iter()
        .map(|(p, _)| dir.join(p))
        .filter(|p| p.exists())
        .collect();
    if !existing.is_empty() {
        return Err(InitError::Exists(existing));
    }
    let mut written = Vec::new();
    for (rel, body) in &files {
        let path = dir.join(rel);
        let io = |source| InitError::Io {
            path: path.clone(),
            source,
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, body.as_bytes()))
            .map_err(io)?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starter_dates_follow_the_day_it_runs() {
        let today = NaiveDate::from_ymd_opt(2031, 6, 18).unwrap();
        let files = starter(today);
        let get = |p: &str| &files.iter().find(|(path, _)| path == p).unwrap().1;
        assert!(
            files
                .iter()
                .any(|(p, _)| p == "content/updates/2031-W25/platform.md")
        );
        let platform = get("content/teams/platform.md");
        assert!(platform.contains("need_by: 2031-08-17"), "{platform}");
        assert!(platform.contains("updated: 2031-06-15"));
        // Rotations start on the Monday a week before this week's.
        assert!(get("content/rotations/platform-on-call.md").contains("start: 2031-06-09"));
        assert!(
            files
                .iter()
                .all(|(p, b)| !p.contains('{') && !b.contains("{today") && !b.contains("{monday"))
        );
    }
}
