//! Measures what one edit costs the pipeline: re-reading and re-linking the
//! docs repo, and finding the outputs the edit affects from the read sets.
//!
//! ```sh
//! cargo run --release --example affected -- DOCS_REPO content/adrs/0001-x.md
//! ```
//!
//! The file gets one more line for the measurement and is put back afterwards.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use seam::render::reads::{Read, affected};
use seam::site::{Digests, Options, assemble};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(root), Some(file)) = (args.next(), args.next()) else {
        eprintln!("usage: affected DOCS_REPO FILE (a Markdown file under the repo, to edit)");
        std::process::exit(2);
    };
    let root = std::path::PathBuf::from(root);
    let path = root.join(&file);
    let options = Options {
        root: root.clone(),
        digests: Digests::All,
        ..Options::default()
    };
    let started = Instant::now();
    let (old, _) = assemble(&options, &|_| {})?;
    let tera = seam::render::load_templates(&root)?;
    let made = seam::render::render_with_reads(&old, &tera)?;
    println!(
        "full build with read sets: {:.2} s, {} outputs, {} reads",
        started.elapsed().as_secs_f64(),
        made.len(),
        made.iter().map(|(_, r)| r.len()).sum::<usize>()
    );
    let reads: BTreeMap<String, BTreeSet<Read>> =
        made.into_iter().map(|(f, r)| (f.path, r)).collect();

    let original = std::fs::read_to_string(&path)?;
    std::fs::write(&path, format!("{original}\nOne more line.\n"))?;
    let relinked = Instant::now();
    let result = assemble(&options, &|_| {});
    let relink = relinked.elapsed();
    std::fs::write(&path, &original)?;
    let (new, _) = result?;
    let found = Instant::now();
    let paths: BTreeSet<String> = seam::render::plan(&new)
        .into_iter()
        .map(|j| j.path)
        .collect();
    let hit = affected(&old, &new, &reads, &paths);
    let find = found.elapsed();
    println!(
        "after editing {file}: re-read and re-linked in {:.0} ms, found {} affected outputs of {} in {:.0} ms",
        relink.as_secs_f64() * 1000.0,
        hit.len(),
        paths.len(),
        find.as_secs_f64() * 1000.0
    );
    for p in hit.iter().take(20) {
        println!("  {p}");
    }
    Ok(())
}
