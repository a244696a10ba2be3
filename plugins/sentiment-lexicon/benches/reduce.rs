//! MB/s per core of this analyzer's reduce (`cargo bench -p newslens-sentiment-lexicon --bench reduce`):
//! ReCOVery's articles are annotated and mapped first, untimed; then the
//! streaming reduce's fold is fed every map row and finished, on one thread,
//! as a batch reduce does after reading the rows from disk (the reading and
//! writing of files are the batch crate's and are not timed here). The rate
//! is article text over the thread's CPU time (wall clock beside it), as in
//! the map bench; that clock ticks every 10 ms, so each timing repeats the
//! reduce for about a second.
//! Needs ../shared/corpora/recovery-covid19.jsonl.gz; says "skipped" without it.
//! `NEWSLENS_BENCH_ROUNDS=N` sets the rounds (5 by default);
//! `NEWSLENS_BENCH_PASSES=N` fixes the reduces per timing (for profilers).

use std::time::Instant;

use newslens_core::testing::{cpu_and_wall_seconds as time, median};
use newslens_core::text::AnnotatedDoc;
use newslens_core::Report;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn env(name: &str) -> Option<usize> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

/// One streaming reduce over `mapped`: every row of the tables the plan
/// reads into its fold, then the fold's tables.
fn fold(analyzer: &dyn newslens_core::Analyzer, mapped: &Report) -> Report {
    let plan = analyzer
        .streaming_reduce()
        .expect("sentiment-lexicon reduces as a fold");
    let mut fold = plan.fold;
    for name in plan.reads {
        if let Some(table) = mapped.table(name) {
            for row in &table.rows {
                fold.add(table, row).expect("the map's own rows fold");
            }
        }
    }
    fold.finish().expect("the fold finishes")
}

fn main() {
    // As the `newslens` binary runs.
    newslens_batch::purge_freed_pages_after_a_second();
    let Some(docs) = newslens_core::testing::shared_corpus("recovery-covid19.jsonl.gz") else {
        return;
    };
    let annotated: Vec<AnnotatedDoc> = docs
        .into_iter()
        .map(newslens_core::testing::annotate_doc)
        .collect();
    let bytes: usize = annotated.iter().map(|d| d.text().len()).sum();
    let mb = bytes as f64 / 1e6;
    let rounds = env("NEWSLENS_BENCH_ROUNDS").unwrap_or(5).max(1);
    let analyzer = newslens_sentiment_lexicon::build(&newslens_core::AnalyzerSettings::for_tests(
        "sentiment-lexicon",
    ))
    .expect("the default configuration builds");
    let mapped =
        newslens_core::run::map_all(analyzer.as_ref(), &annotated, None).expect("the map runs");
    let rows: usize = mapped.tables.iter().map(|t| t.rows.len()).sum();
    println!(
        "{} articles, {mb:.2} MB of text, {rows} map rows",
        annotated.len()
    );

    // Warm-up, which also sizes a timing to about a second.
    let started = Instant::now();
    std::hint::black_box(fold(analyzer.as_ref(), &mapped));
    let repeat = env("NEWSLENS_BENCH_PASSES")
        .unwrap_or_else(|| (1.0 / started.elapsed().as_secs_f64().max(1e-6)).ceil() as usize);
    println!("{repeat} reduces per timing");
    let (mut cpu, mut wall) = (vec![], vec![]);
    for _ in 0..rounds {
        let (c, w) = time(|| {
            for _ in 0..repeat {
                std::hint::black_box(fold(analyzer.as_ref(), &mapped));
            }
        });
        cpu.push(c / repeat as f64);
        wall.push(w / repeat as f64);
    }
    let (cpu, wall) = (median(&mut cpu), median(&mut wall));
    println!(
        "reduce (fold), one thread: {:.0} MB/s per core of article text, {:.2} M map rows/s \
         (CPU time, median of {rounds}; wall clock {:.0} MB/s)",
        mb / cpu,
        rows as f64 / cpu / 1e6,
        mb / wall
    );
}
