//! MB per CPU-second of this analyzer alone (`cargo bench -p newslens-source-bias`):
//! the corpus is annotated first, untimed, then the map runs on one thread over
//! every document, then the reduce. The tone part (the sentiment-lexicon
//! library) is also timed on its own, so its share of the map is visible.
//! Rates are per second of the thread's CPU time (wall clock beside them), as
//! in the sentiment-lexicon benches, since on a shared machine wall time also
//! counts other processes; that clock ticks every 10 ms, so each timing
//! repeats its work for about a second.
//! Needs ../shared/corpora/recovery-covid19.jsonl.gz; says "skipped" without it.
//! `NEWSLENS_BENCH_ROUNDS=N` sets the rounds (5 by default);
//! `NEWSLENS_BENCH_ARTICLES=N` takes the first N articles only (for profilers);
//! `NEWSLENS_BENCH_CORPUS=bundled` runs on the bundled articles instead.

use std::time::Instant;

use newslens_core::testing::{cpu_and_wall_seconds as time, median};
use newslens_core::Report;
use newslens_sentiment_lexicon::Scorer;

fn env(name: &str) -> Option<usize> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // As the `newslens` binary runs.
    newslens_batch::purge_freed_pages_after_a_second();
    // The COVID corpus mentions few of the bundled gazetteer's (Libyan)
    // parties, so tone has little to do there; NEWSLENS_BENCH_CORPUS=bundled
    // times the five bundled Libya articles instead, repeated 400 times,
    // where parties are named in most sentences.
    let annotated: Vec<_> = if std::env::var("NEWSLENS_BENCH_CORPUS").as_deref() == Ok("bundled") {
        let bundled = newslens_core::testing::bundled_corpus();
        (0..400).flat_map(|_| bundled.iter().cloned()).collect()
    } else {
        let Some(docs) = newslens_core::testing::shared_corpus("recovery-covid19.jsonl.gz") else {
            return;
        };
        docs.into_iter()
            .take(env("NEWSLENS_BENCH_ARTICLES").unwrap_or(usize::MAX))
            .map(newslens_core::testing::annotate_doc)
            .collect()
    };
    let bytes: usize = annotated.iter().map(|d| d.text().len()).sum();
    let mb = bytes as f64 / 1e6;
    println!("{} articles, {mb:.2} MB of text", annotated.len());
    let rounds = env("NEWSLENS_BENCH_ROUNDS").unwrap_or(5).max(1);
    let analyzer =
        newslens_source_bias::build(&newslens_core::AnalyzerSettings::for_tests("source-bias"))
            .expect("the default configuration builds");
    let scorer = Scorer::news();
    let map_all = || -> Vec<Report> { annotated.iter().map(|d| analyzer.map(d)).collect() };
    let merge = |maps: Vec<Report>| {
        let mut merged = Report {
            tables: maps[0].tables.iter().map(|t| t.empty_like()).collect(),
            notes: Vec::new(),
        };
        for map in maps {
            merged.append(map);
        }
        merged
    };

    // Warm-up, which also sizes a timing to about a second.
    let started = Instant::now();
    let merged = merge(map_all());
    let repeat = (1.0 / started.elapsed().as_secs_f64().max(1e-6)).ceil() as usize;
    println!("{repeat} maps and reduces of the corpus per timing");

    let (mut map, mut map_wall, mut tone, mut reduce, mut reduce_wall) =
        (vec![], vec![], vec![], vec![], vec![]);
    for _ in 0..rounds {
        let (cpu, wall) = time(|| {
            for _ in 0..repeat {
                std::hint::black_box(map_all());
            }
        });
        map.push(cpu / repeat as f64);
        map_wall.push(wall / repeat as f64);
        let (cpu, _) = time(|| {
            for _ in 0..repeat {
                let tones: usize = annotated.iter().map(|d| scorer.actor_tones(d).len()).sum();
                std::hint::black_box(tones);
            }
        });
        tone.push(cpu / repeat as f64);
        // The reduce consumes its input: each gets a copy made outside the timing.
        let (mut cpu, mut wall) = (0.0, 0.0);
        for _ in 0..repeat {
            let input = merged.clone();
            let (c, w) = time(|| {
                std::hint::black_box(analyzer.reduce(input).expect("reduce"));
            });
            cpu += c;
            wall += w;
        }
        reduce.push(cpu / repeat as f64);
        reduce_wall.push(wall / repeat as f64);
    }
    let (map, map_wall, tone, reduce, reduce_wall) = (
        median(&mut map),
        median(&mut map_wall),
        median(&mut tone),
        median(&mut reduce),
        median(&mut reduce_wall),
    );
    println!(
        "map, one thread: {map:.3} CPU-s, {:.1} MB/s per core (median of {rounds}; wall clock {:.1} MB/s)",
        mb / map,
        mb / map_wall
    );
    println!(
        "  of which tone (sentiment-lexicon actor_tones): {tone:.3} s, {:.0}% of the map",
        100.0 * tone / map
    );
    println!(
        "  the map without tone: {:.1} MB/s",
        mb / (map - tone).max(1e-9)
    );
    println!(
        "reduce, one thread: {reduce:.3} CPU-s, {:.1} MB/s per core (wall clock {:.1} MB/s)",
        mb / reduce,
        mb / reduce_wall
    );
    println!(
        "map + reduce: {:.1} MB/s per core (CPU time, median of {rounds})",
        mb / (map + reduce)
    );
}
