//! `seam init`: a new docs repo with `seam.toml` and one example of each kind.

use std::path::{Path, PathBuf};

/// The files `seam init` writes, by path relative to the new root.
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
        "---\nname: Platform\nmission: Give product teams a paved road to production.\nlead: Alex Doe\nmembers:\n  - Alex Doe\n  - { name: Sam Lee, role: SRE }\nchannels:\n  slack: \"#team-platform\"\ncoordination_model: service-provider\nowns: [ci, deploy-pipeline]\nupdated: 2026-01-05\ndepends_on:\n  - on: security\n    what: Signed artefact verification in the deploy pipeline\n    type: platform\n    need_by: 2026-03-01\n    committed: 2026-02-01\n    status: in-progress\n    risk: low\n    updated: 2026-01-05\n---\n\n## Current Priorities\n\n- Move every service to the new deploy pipeline ([[ADR-0001]]).\n\n## Looking for Input On\n\n- Which services need canary releases first?\n\n## Recent Wins\n\n- Build times down from 14 to 6 minutes.\n",
    ),
    (
        "content/teams/security.md",
        "---\nname: Security\nmission: Keep customer data safe without slowing teams down.\nlead: Jo Park\nmembers: [Jo Park]\ncoordination_model: consultant\nupdated: 2026-01-05\n---\n\n## Current Priorities\n\n- Artefact signing for the [[platform]] pipeline.\n\n## Looking for Input On\n\n- Nothing this week.\n\n## Recent Wins\n\n- Completed the yearly access review.\n",
    ),
    (
        "content/adrs/0001-use-one-deploy-pipeline.md",
        "---\ntitle: Use one deploy pipeline for every service\nstatus: accepted\ndate: 2026-01-05\nteam: platform\ndeciders: [Alex Doe]\naffects: [security]\ntags: [ci-cd]\n---\n\n## Context\n\nEach team deploys differently, so fixes to the release process land five times.\n\n## Decision\n\nEvery service deploys through the shared pipeline owned by [[platform]].\n\n## Consequences\n\nTeams lose some freedom and gain signed, auditable releases.\n\n## Alternatives Considered\n\n- Keep per-team pipelines and share a checklist.\n",
    ),
    (
        "content/alignments/signed-releases.md",
        "---\ntitle: Signed releases\nteams: [platform, security]\nowner: Alex Doe\nstatus: active\nreview_by: 2026-03-01\ncommitments:\n  - { team: security, deliverable: Signing keys in the KMS, date: 2026-01-20, confidence: 90 }\n  - { team: platform, deliverable: Verification step in the pipeline, date: 2026-02-01, confidence: 70 }\nadrs: [ADR-0001]\n---\n\n## Ownership Map\n\nSecurity owns the keys; Platform owns the pipeline step.\n\n## Interface Definitions\n\nThe pipeline calls the signing service's `verify` endpoint.\n\n## Timeline Commitments\n\nSee the commitments above.\n\n## Slip Protocol\n\nA slip of more than a week is raised in the next sync.\n\n## Escalation Path\n\nLeads first, then the engineering director.\n",
    ),
    (
        "content/rotations/platform-on-call.md",
        "---\nname: Platform on-call\nkind: on-call\nteam: platform\nstart: 2026-01-05\nevery: 1w\nhandoff: Mon 10:00\ntimezone: Europe/London\nmembers: [Alex Doe, Sam Lee]\n---\n\n## Responsibilities\n\n- Answer pages for the deploy pipeline within 15 minutes.\n",
    ),
    (
        "content/updates/2026-W02/platform.md",
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

/// Writes the starter docs repo into `dir`; writes nothing if any of its files exist.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, InitError> {
    let existing: Vec<PathBuf> = STARTER
        .iter()
        .map(|(p, _)| dir.join(p))
        .filter(|p| p.exists())
        .collect();
    if !existing.is_empty() {
        return Err(InitError::Exists(existing));
    }
    let mut written = Vec::new();
    for (rel, body) in STARTER {
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
