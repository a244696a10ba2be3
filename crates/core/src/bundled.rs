//! The bundled corpus and default configuration, compiled into the binary so
//! `newslens` works from any directory with no flags.

use std::path::Path;
use std::sync::Arc;

use anyhow::{anyhow, Result};

use crate::config::Config;
use crate::load::{load_manifest, Loaded};

/// `corpus/newslens.toml`.
pub const CONFIG: &str = include_str!("../../../corpus/newslens.toml");

const MANIFEST: &str = include_str!("../../../corpus/manifest.toml");

const FILES: &[(&str, &str)] = &[
    (
        "000_ebc747be27607751.txt",
        include_str!("../../../corpus/000_ebc747be27607751.txt"),
    ),
    (
        "001_fa847d10f1cc010e.txt",
        include_str!("../../../corpus/001_fa847d10f1cc010e.txt"),
    ),
    (
        "002_36d8dddac6926498.txt",
        include_str!("../../../corpus/002_36d8dddac6926498.txt"),
    ),
    (
        "003_945b374a739491bc.txt",
        include_str!("../../../corpus/003_945b374a739491bc.txt"),
    ),
    (
        "004_2b50bb5233c3baa1.txt",
        include_str!("../../../corpus/004_2b50bb5233c3baa1.txt"),
    ),
];

/// The default configuration.
pub fn config() -> Config {
    Config::parse(CONFIG, Some(Path::new("corpus/newslens.toml")))
        .expect("the bundled newslens.toml is valid")
}

/// The five seed articles, cleaned, in id order.
pub fn corpus() -> Loaded {
    load_manifest(MANIFEST, Path::new("corpus/manifest.toml"), |name| {
        FILES
            .iter()
            .find(|(file, _)| *file == name)
            .map(|(_, text)| text.as_bytes().to_vec())
            .ok_or_else(|| anyhow!("bundled corpus has no file {name}"))
    })
    .expect("the bundled manifest is valid")
}

/// The raw page of a bundled article as captured, for tests of the cleaning.
pub fn raw_page(id: &str) -> Result<&'static str> {
    let index: usize = id.parse().map_err(|_| anyhow!("no bundled article {id}"))?;
    FILES
        .get(index)
        .map(|(_, text)| *text)
        .ok_or_else(|| anyhow!("no bundled article {id}"))
}

/// The bundled documents, shared.
pub fn documents() -> Vec<Arc<crate::Document>> {
    corpus().docs
}
