//! Seam turns a docs repository of team pages, ADRs, alignments, rotations
//! and weekly updates into a validated, cross-linked static wiki.
//!
//! The library is a pipeline: [`load`] → [`model`] → [`link`] → [`check`] →
//! [`render`] → [`write`](mod@write). Each stage owns its data and passes it forward;
//! [`site`] runs the stages in order for the commands, and [`init`],
//! [`new`] and [`serve`] are thin commands over it; [`rebuild`] keeps a
//! built site up to date across edits for [`serve`]. [`new`] writes new documents from
//! each kind's template and numbers ADRs, asking [`git`] about the numbers
//! on other branches. [`render`] makes the output files,
//! the rotations' iCalendar files ([`render::ics`]) among them.
//!
//! [`vocabulary`] is the leaf both [`config`] and [`model`] build on: the
//! kinds of document and how dates are written. [`fuzz`] runs parts of the
//! pipeline on arbitrary bytes, for the fuzz targets under `fuzz/`.
#![warn(missing_docs, unreachable_pub)]

pub mod check;
pub mod config;
pub mod diagnostic;
pub mod digest;
pub mod email;
pub mod fuzz;
pub mod git;
pub mod init;
pub mod link;
pub mod load;
pub mod model;
pub mod new;
pub mod rebuild;
pub mod render;
pub mod risk;
pub mod schedule;
pub mod serve;
pub mod site;
#[cfg(test)]
mod testing;
pub mod vocabulary;
pub mod write;
