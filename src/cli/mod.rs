//! The command line, for the `seam` binary only (the library never sees it):
//! [`args`] declares the arguments, [`commands`] runs each command over the
//! library, [`print`] writes problems, tables, CSV and JSON to the terminal,
//! and [`progress`] shows what stage a long build is in.

pub(crate) mod args;
pub(crate) mod commands;
pub(crate) mod print;
pub(crate) mod progress;
