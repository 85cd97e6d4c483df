//! View models: what templates see. Small, serialisable, and documented in `docs/templates.md`.
//!
//! The models themselves are in `types`, the [`Views`] builder that makes them
//! from the linked site (noting what it reads) in `build`; both are re-exported
//! here. This module owns the pagination constants and helpers, the home page's
//! caps and tag addresses.

mod build;
mod types;

pub use build::{CalendarSource, FeedHeader, GraphSource, PAGE_PROBLEMS, Views};
pub use types::*;

/// How many team cards the home page shows before linking to all teams.
pub const HOME_TEAMS: usize = 60;
/// How many rotations' duty the home page shows.
pub const HOME_DUTIES: usize = 20;
/// How many of the latest week's updates the home page lists.
pub const HOME_UPDATES: usize = 30;
/// How many ADRs open for comment the home page lists.
pub const HOME_COMMENTS: usize = 20;

/// How many items one page of a listing holds; a longer listing goes on at `page/2/`, `page/3/`, ….
pub const PAGE_SIZE: usize = 1000;

/// How many pages `total` items take (at least one, which may be empty).
pub fn page_count(total: usize) -> usize {
    total.div_ceil(PAGE_SIZE).max(1)
}

/// The path under the site root of page `n` of the listing at `url` (`adrs/`, `adrs/page/2/`).
pub fn page_path(url: &str, n: usize) -> String {
    if n <= 1 {
        url.to_string()
    } else {
        format!("{url}page/{n}/")
    }
}

/// The items of page `n` (from 1) of a listing.
pub fn page_slice<T>(items: &[T], n: usize) -> &[T] {
    let start = ((n.max(1) - 1) * PAGE_SIZE).min(items.len());
    &items[start..(start + PAGE_SIZE).min(items.len())]
}

/// The path of a tag's page under the site root (`tags/rust/`).
pub fn tag_url(name: &str) -> String {
    format!("tags/{}/", crate::load::slugify(name))
}
