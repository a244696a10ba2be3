//! Every analyzer linked into newslens. The linker drops a crate nothing
//! refers to, and its `inventory` registration with it, so each plugin needs
//! one line here (and one dependency line in Cargo.toml); the registry test
//! in tests/registry.rs fails when a crate under plugins/ is missing.

use newslens_casualty_figure as _;
use newslens_corpus_stats as _;
use newslens_sentiment_lexicon as _;
use newslens_source_bias as _;
use newslens_timeline as _;
