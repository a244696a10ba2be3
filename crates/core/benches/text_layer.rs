//! Loading and the shared text layer, in MB/s per core, over the shared
//! ReCOVery corpus (1,888 articles, ~10 MB). Run with
//! `cargo bench -p newslens-core --bench text_layer`.
//! Prints `skipped:` without ../shared/corpora.

use std::sync::Arc;
use std::time::Instant;

use newslens_core::load::{load_path, LoadOptions};
use newslens_core::run::annotate_all;
use newslens_core::{testing, Annotator};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let Some(path) = testing::shared_corpus_path("recovery-covid19.jsonl.gz") else {
        return;
    };
    let rounds = 5;
    let started = Instant::now();
    let mut docs = Vec::new();
    for _ in 0..rounds {
        docs = load_path(&path, LoadOptions::default())
            .expect("corpus loads")
            .docs;
    }
    let load_seconds = started.elapsed().as_secs_f64() / rounds as f64;
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let mb = bytes as f64 / 1e6;
    println!("corpus: {} articles, {mb:.1} MB of text", docs.len());
    println!("load (gunzip + JSON): {:.0} MB/s", mb / load_seconds);

    let annotator = Annotator::new(Arc::clone(&testing::bundled_config().gazetteer));
    // One core: annotate document by document on this thread.
    let started = Instant::now();
    let mut tokens = 0;
    for _ in 0..rounds {
        for doc in &docs {
            tokens += annotator.annotate(Arc::clone(doc)).tokens.len();
        }
    }
    let one = started.elapsed().as_secs_f64() / rounds as f64;
    println!(
        "text layer, 1 thread: {:.1} MB/s per core ({} tokens per pass)",
        mb / one,
        tokens / rounds
    );

    let threads = rayon::current_num_threads();
    let started = Instant::now();
    for _ in 0..rounds {
        std::hint::black_box(annotate_all(&annotator, &docs));
    }
    let all = started.elapsed().as_secs_f64() / rounds as f64;
    println!(
        "text layer, {threads} threads: {:.1} MB/s ({:.1} MB/s per core)",
        mb / all,
        mb / all / threads as f64
    );
}
