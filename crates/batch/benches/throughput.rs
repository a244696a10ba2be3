//! Per analyzer and end to end over ../shared/corpora/recovery-covid19.jsonl.gz:
//! MB/s per core and articles/s with 1 and 2 threads, and a batch run over
//! that corpus repeated to N articles (NEWSLENS_BENCH_ARTICLES, default
//! 100,000) with its peak RSS. `cargo bench -p newslens-batch --bench throughput`.

use std::sync::Arc;
use std::time::Instant;

use newslens_core::{Annotator, Registry};

use newslens_casualty_figure as _;
use newslens_corpus_stats as _;
use newslens_sentiment_lexicon as _;
use newslens_source_bias as _;
use newslens_timeline as _;

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn main() {
    let Some(docs) = newslens_core::testing::shared_corpus("recovery-covid19.jsonl.gz") else {
        return;
    };
    let docs: Vec<Arc<newslens_core::Document>> = docs.into_iter().map(Arc::new).collect();
    let mb = docs.iter().map(|d| d.text.len()).sum::<usize>() as f64 / 1e6;
    println!("corpus: {} articles, {mb:.1} MB", docs.len());
    let config = newslens_core::bundled::config();
    let annotator = Annotator::new(Arc::clone(&config.gazetteer));
    let registry = Registry::linked().unwrap();
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let started = Instant::now();
            let annotated = newslens_core::run::annotate_all(&annotator, &docs);
            let annotate_s = started.elapsed().as_secs_f64();
            println!("[{threads} thread(s)] text layer: {:.1} MB/s per core", mb / annotate_s / threads as f64);
            let mut total = annotate_s;
            for r in registry.iter() {
                let analyzer = (r.build)(&config.settings_for(r.name)).unwrap();
                let started = Instant::now();
                let report = newslens_core::run::run_analyzer(analyzer.as_ref(), &annotated, None).unwrap();
                let s = started.elapsed().as_secs_f64();
                total += s;
                std::hint::black_box(report);
                println!("[{threads} thread(s)] {:<18} {:>7.1} MB/s per core (map + reduce, text layer excluded)", r.name, mb / s / threads as f64);
            }
            println!(
                "[{threads} thread(s)] end to end, all analyzers: {:.1} MB/s per core, {:.0} articles/s",
                mb / total / threads as f64,
                docs.len() as f64 / total
            );
        });
    }
    // A batch run over the corpus repeated, streamed from a gzip file.
    let target: usize = std::env::var("NEWSLENS_BENCH_ARTICLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = std::env::temp_dir().join(format!("newslens-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("repeated.jsonl");
    let mut repeated = Vec::with_capacity(target);
    for i in 0..target {
        let d = &docs[i % docs.len()];
        let mut copy = (**d).clone();
        copy.id = format!("{}-{i}", d.id);
        repeated.push(Arc::new(copy));
    }
    newslens_batch::write_jsonl(&repeated, &input).unwrap();
    let repeated_mb = repeated.iter().map(|d| d.text.len()).sum::<usize>() as f64 / 1e6;
    drop(repeated);
    let before = peak_rss_mb();
    let started = Instant::now();
    let summary = newslens_batch::run(&[input], &dir.join("out"), 2_000).unwrap();
    let seconds = started.elapsed().as_secs_f64();
    println!("batch, {target} articles ({repeated_mb:.0} MB), all analyzers, {} threads: {seconds:.1} s, {:.1} MB/s, {:.0} articles/s; peak RSS {:.0} MB (before the run {before:.0} MB)", rayon::current_num_threads(), repeated_mb / seconds, target as f64 / seconds, peak_rss_mb());
    println!("{summary}");
    let _ = std::fs::remove_dir_all(&dir);
}
