//! The `seam` command: parses arguments, runs the library, prints, and picks
//! the exit code.
//!
//! This file holds only `main` and the exit codes of failures; the command
//! line lives in [`cli`]: [`cli::args`] (the arguments), [`cli::commands`]
//! (each command's body) and [`cli::print`] (problems, tables, CSV, JSON).
//!
//! Exit codes: 0 on success, 1 when the docs have errors or a command fails,
//! 2 for wrong usage (clap's own errors, and [`usage`]).
#![warn(missing_docs, unreachable_pub)]

mod cli;

use std::process::ExitCode;

use clap::Parser;

/// Builds and rebuilds make and free many small values on several threads.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::args::Cli::parse();
    match cli::commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", cli::print::shown(&format!("{e:#}")));
            ExitCode::from(1)
        }
    }
}

/// Wrong usage: printed like clap's errors, exit status 2.
fn usage(message: &str) -> anyhow::Result<ExitCode> {
    eprintln!("error: {message}");
    Ok(ExitCode::from(2))
}
