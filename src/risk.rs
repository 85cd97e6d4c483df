//! The dependency risk rules of SPEC §4, as pure functions of an entry and a date.
//!
//! Both `check` (warnings) and `link` (the tracker's computed risk) use these,
//! so the page and the warnings can never disagree.

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::{Committed, Dependency, DependencyStatus, Risk};

/// Days between committed and need-by below which there is no buffer.
pub const BUFFER_DAYS: i64 = 7;
/// An uncommitted dependency needed within this many days is unconfirmed.
pub const UNCONFIRMED_WINDOW_DAYS: i64 = 42;
/// An entry not confirmed for more than this many days is stale.
pub const STALE_AFTER_DAYS: i64 = 28;

/// A computed warning sign on a dependency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Flag {
    /// Committed after it is needed.
    Late,
    /// Committed less than a week before it is needed.
    NoBuffer,
    /// Not committed, and needed within six weeks.
    Unconfirmed,
    /// Needed in the past and not done.
    Overdue,
    /// Not confirmed for four weeks, or never.
    Stale,
}

impl Flag {
    /// The flag's name, which is also its diagnostic code.
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::Late => "late",
            Flag::NoBuffer => "no-buffer",
            Flag::Unconfirmed => "unconfirmed",
            Flag::Overdue => "overdue",
            Flag::Stale => "stale",
        }
    }
}

/// What Seam computes for one dependency at the build's date.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Assessment {
    /// The warning signs, in a fixed order.
    pub flags: Vec<Flag>,
    /// The computed risk.
    pub computed: Risk,
    /// Whether the owner's risk is lower than the computed one.
    pub optimistic: bool,
}

impl Assessment {
    /// Every flag's name, `optimistic-risk` last when the owner's risk is too low:
    /// the words shown beside the entry and reported as diagnostic codes.
    pub fn flag_names(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = self.flags.iter().map(|f| f.as_str()).collect();
        if self.optimistic {
            names.push(crate::diagnostic::codes::OPTIMISTIC_RISK);
        }
        names
    }
}

/// Applies the rules of SPEC §4 to one entry at `today`. Delivered dependencies carry no risk.
pub fn assess(dep: &Dependency, today: NaiveDate) -> Assessment {
    let done = dep.status == Some(DependencyStatus::Done);
    let mut flags = Vec::new();
    if !done {
        if let (Committed::Date(c), Some(need)) = (dep.committed, dep.need_by) {
            if c > need {
                flags.push(Flag::Late);
            } else if (need - c).num_days() < BUFFER_DAYS {
                flags.push(Flag::NoBuffer);
            }
        }
        if let (Committed::Tbd, Some(need)) = (dep.committed, dep.need_by)
            && (need - today).num_days() <= UNCONFIRMED_WINDOW_DAYS
        {
            flags.push(Flag::Unconfirmed);
        }
        if dep.need_by.is_some_and(|need| need < today) {
            flags.push(Flag::Overdue);
        }
        if dep
            .updated
            .is_none_or(|u| (today - u).num_days() > STALE_AFTER_DAYS)
        {
            flags.push(Flag::Stale);
        }
    }
    let blocked = dep.status == Some(DependencyStatus::Blocked);
    let high = blocked
        || flags
            .iter()
            .any(|f| matches!(f, Flag::Late | Flag::Overdue | Flag::Unconfirmed));
    let computed = if high {
        Risk::High
    } else if flags
        .iter()
        .any(|f| matches!(f, Flag::NoBuffer | Flag::Stale))
    {
        Risk::Medium
    } else {
        Risk::Low
    };
    Assessment {
        optimistic: dep.risk.is_some_and(|owner| owner < computed),
        flags,
        computed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Span;
    use crate::model::Reference;

    fn d(s: &str) -> NaiveDate {
        crate::model::parse_date(s).unwrap()
    }

    fn dep(need_by: &str, committed: Option<&str>, updated: Option<&str>) -> Dependency {
        Dependency {
            on: Reference {
                id: "b".into(),
                span: Span::file_start("x"),
            },
            what: "x".into(),
            kind: None,
            need_by: Some(d(need_by)),
            committed: committed
                .map(|c| Committed::Date(d(c)))
                .unwrap_or(Committed::Tbd),
            status: Some(DependencyStatus::InProgress),
            risk: Some(Risk::Low),
            fallback: None,
            alignment: None,
            updated: updated.map(d),
            span: Span::file_start("x"),
        }
    }

    const TODAY: &str = "2026-11-20";

    #[test]
    fn healthy_dependency_is_low() {
        let a = assess(
            &dep("2026-12-31", Some("2026-12-01"), Some("2026-11-15")),
            d(TODAY),
        );
        assert_eq!(a.flags, []);
        assert_eq!(a.computed, Risk::Low);
        assert!(!a.optimistic);
    }

    #[test]
    fn committed_after_need_by_is_late_and_high() {
        let a = assess(
            &dep("2026-12-01", Some("2026-12-02"), Some("2026-11-15")),
            d(TODAY),
        );
        assert_eq!(a.flags, [Flag::Late]);
        assert_eq!(a.computed, Risk::High);
        assert!(a.optimistic);
    }

    #[test]
    fn less_than_seven_days_buffer_is_medium() {
        let a = assess(
            &dep("2026-12-08", Some("2026-12-02"), Some("2026-11-15")),
            d(TODAY),
        );
        assert_eq!(a.flags, [Flag::NoBuffer]);
        assert_eq!(a.computed, Risk::Medium);
        let a = assess(
            &dep("2026-12-09", Some("2026-12-02"), Some("2026-11-15")),
            d(TODAY),
        );
        assert_eq!(a.flags, [], "exactly seven days is a buffer");
    }

    #[test]
    fn tbd_within_42_days_is_unconfirmed() {
        let a = assess(&dep("2027-01-01", None, Some("2026-11-15")), d(TODAY));
        assert_eq!(a.flags, [Flag::Unconfirmed]);
        assert_eq!(a.computed, Risk::High);
        let a = assess(&dep("2027-01-02", None, Some("2026-11-15")), d(TODAY));
        assert_eq!(a.flags, []);
    }

    #[test]
    fn past_need_by_is_overdue_unless_done() {
        let mut x = dep("2026-11-19", Some("2026-11-01"), Some("2026-11-15"));
        assert_eq!(assess(&x, d(TODAY)).flags, [Flag::Overdue]);
        x.status = Some(DependencyStatus::Done);
        assert_eq!(assess(&x, d(TODAY)).flags, []);
        assert_eq!(assess(&x, d(TODAY)).computed, Risk::Low);
    }

    #[test]
    fn old_or_missing_confirmation_is_stale() {
        let a = assess(
            &dep("2027-06-01", Some("2027-05-01"), Some("2026-10-22")),
            d(TODAY),
        );
        assert_eq!(a.flags, [Flag::Stale]);
        assert_eq!(a.computed, Risk::Medium);
        let a = assess(
            &dep("2027-06-01", Some("2027-05-01"), Some("2026-10-23")),
            d(TODAY),
        );
        assert_eq!(a.flags, [], "28 days is not yet stale");
        let a = assess(&dep("2027-06-01", Some("2027-05-01"), None), d(TODAY));
        assert_eq!(a.flags, [Flag::Stale]);
    }

    #[test]
    fn blocked_is_high_and_owner_high_is_not_optimistic() {
        let mut x = dep("2027-06-01", Some("2027-05-01"), Some("2026-11-15"));
        x.status = Some(DependencyStatus::Blocked);
        x.risk = Some(Risk::High);
        let a = assess(&x, d(TODAY));
        assert_eq!(a.computed, Risk::High);
        assert!(!a.optimistic);
        x.risk = None;
        assert!(
            !assess(&x, d(TODAY)).optimistic,
            "no owner view, nothing to compare"
        );
    }
}
