//! Profiling aid: assembles DOCS_REPO's site, then times making its search
//! index N times (its files gzipped as they are made), and prints the index's size.
//!
//! ```sh
//! cargo run --release --locked --example search_profile -- DOCS_REPO [N]
//! ```

use std::time::Instant;

use seam::render::search;
use seam::site::{Options, assemble};

// As the `seam` binary allocates.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let Some(repo) = args.next() else {
        eprintln!("usage: search_profile DOCS_REPO [N]");
        std::process::exit(2);
    };
    let n: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(5);
    let options = Options {
        root: repo.into(),
        ..Options::default()
    };
    let (site, _) = assemble(&options, &|_| {})?;
    for _ in 0..n {
        let at = Instant::now();
        let index = search::index_site(&site);
        let indexed = at.elapsed();
        // Each file is gzipped as it is made, so the time is both.
        let written: usize = index.files.iter().map(|f| f.bytes.len()).sum();
        eprintln!(
            "{:>7.1} ms to index and gzip: {} files, {:.1} MB gzipped",
            indexed.as_secs_f64() * 1000.0,
            index.files.len(),
            written as f64 / 1e6
        );
    }
    Ok(())
}
