//! Loaded-language rates against BABE's expert sentence-bias labels (issue #8):
//! sentence-level AUC, word-level overlap with the annotators' biased words,
//! and the outlet ranking.
//!
//! ```console
//! $ cargo run --release -p newslens-source-bias --example babe -- PATH/final_labels_SG2.csv
//! ```
//!
//! PATH is BABE's `final_labels_SG2.csv` (semicolon-separated, from the
//! Media-Bias-Group BABE repository) or any sample of it with its header;
//! `NEWSLENS_BABE` names it when no argument is given. BABE is for research
//! use and is not part of this repository.

// Shared with tests/babe.rs, which checks a floor on the same numbers.
#[path = "babe/measure.rs"]
mod measure;

use std::path::PathBuf;

use anyhow::{Context, Result};

fn main() -> Result<()> {
    let path: PathBuf = std::env::args_os()
        .nth(1)
        .or_else(|| std::env::var_os("NEWSLENS_BABE"))
        .map(PathBuf::from)
        .context("usage: babe PATH (BABE's final_labels_SG2.csv), or set NEWSLENS_BABE")?;
    let loaded = measure::load(&path)?;
    let found = measure::analyze(&loaded.sentences)?;
    print!("{}", measure::render(&measure::summarize(&loaded, &found)));
    Ok(())
}
