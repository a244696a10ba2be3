//! MB/s per core of this analyzer's map (`cargo bench -p newslens-sentiment-lexicon --bench map`):
//! ReCOVery's articles are annotated first by newslens_core, untimed; then
//! the map runs on one thread over every document, timed alone, and its
//! parts (sentence scoring by voice, tone toward parties) are timed on their
//! own so the share of each is visible. Rates are per second of the
//! thread's CPU time (wall clock beside them), as in the throughput bench;
//! that clock ticks every 10 ms, so each timing repeats its work over the
//! corpus for about a second.
//! Needs ../shared/corpora/recovery-covid19.jsonl.gz; says "skipped" without it.
//! `NEWSLENS_BENCH_ROUNDS=N` sets the rounds (5 by default);
//! `NEWSLENS_BENCH_ARTICLES=N` takes the first N articles only (for profilers).

use std::time::Instant;

use newslens_core::testing::{cpu_and_wall_seconds as time, median};
use newslens_core::text::AnnotatedDoc;
use newslens_sentiment_lexicon::Scorer;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn env(name: &str) -> Option<usize> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

fn main() {
    // As the `newslens` binary runs.
    newslens_batch::purge_freed_pages_after_a_second();
    let Some(docs) = newslens_core::testing::shared_corpus("recovery-covid19.jsonl.gz") else {
        return;
    };
    let annotated: Vec<AnnotatedDoc> = docs
        .into_iter()
        .take(env("NEWSLENS_BENCH_ARTICLES").unwrap_or(usize::MAX))
        .map(newslens_core::testing::annotate_doc)
        .collect();
    let bytes: usize = annotated.iter().map(|d| d.text().len()).sum();
    let mb = bytes as f64 / 1e6;
    println!("{} articles, {mb:.2} MB of text", annotated.len());
    let rounds = env("NEWSLENS_BENCH_ROUNDS").unwrap_or(5).max(1);
    let analyzer = newslens_sentiment_lexicon::build(&newslens_core::AnalyzerSettings::for_tests(
        "sentiment-lexicon",
    ))
    .expect("the default configuration builds");
    let scorer = Scorer::news();

    // Warm-up, which also sizes a timing to about a second.
    let started = Instant::now();
    let rows: usize = annotated
        .iter()
        .map(|d| {
            let report = analyzer.map(d);
            report.tables.iter().map(|t| t.rows.len()).sum::<usize>()
        })
        .sum();
    let repeat = (1.0 / started.elapsed().as_secs_f64().max(1e-6)).ceil() as usize;
    println!("{rows} rows per map of the corpus; {repeat} maps of it per timing");

    let each = |f: &dyn Fn(&AnnotatedDoc)| {
        time(|| {
            for _ in 0..repeat {
                for d in &annotated {
                    f(d);
                }
            }
        })
    };
    let (mut map, mut map_wall, mut voices, mut tones) = (vec![], vec![], vec![], vec![]);
    for _ in 0..rounds {
        let (cpu, wall) = each(&|d| {
            std::hint::black_box(analyzer.map(d));
        });
        map.push(cpu);
        map_wall.push(wall);
        voices.push(
            each(&|d| {
                for &sentence in &d.sentences {
                    for (_, _, text) in Scorer::voice_parts(d, sentence) {
                        std::hint::black_box(scorer.score(&text));
                    }
                }
            })
            .0,
        );
        tones.push(
            each(&|d| {
                std::hint::black_box(scorer.actor_tones(d));
            })
            .0,
        );
    }
    let per_map = |v: &mut Vec<f64>| median(v) / repeat as f64;
    let (map, wall, voices, tones) = (
        per_map(&mut map),
        per_map(&mut map_wall),
        per_map(&mut voices),
        per_map(&mut tones),
    );
    println!(
        "map, one thread: {:.1} MB/s per core (CPU time, median of {rounds}; wall clock {:.1} MB/s)",
        mb / map,
        mb / wall
    );
    println!(
        "  sentences by voice, scored: {:.0}% of the map; tone toward parties: {:.0}%",
        100.0 * voices / map,
        100.0 * tones / map
    );
}
