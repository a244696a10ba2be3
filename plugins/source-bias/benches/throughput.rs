//! MB/s per core of this analyzer alone (`cargo bench -p newslens-source-bias`):
//! the corpus is annotated first, untimed, then the map runs on one thread over
//! every document, then the reduce. The tone part (the sentiment-lexicon
//! library) is also timed on its own, so its share of the map is visible.
//! Needs ../shared/corpora/recovery-covid19.jsonl.gz; says "skipped" without it.
//! `NEWSLENS_BENCH_ROUNDS=N` sets the rounds (3 by default);
//! `NEWSLENS_BENCH_CORPUS=bundled` runs on the bundled articles instead.

use std::time::Instant;

use newslens_sentiment_lexicon::Scorer;

fn main() {
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
            .map(newslens_core::testing::annotate_doc)
            .collect()
    };
    let bytes: usize = annotated.iter().map(|d| d.text().len()).sum();
    let mb = bytes as f64 / 1e6;
    println!("{} articles, {mb:.2} MB of text", annotated.len());
    let rounds: usize = std::env::var("NEWSLENS_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let analyzer =
        newslens_source_bias::build(&newslens_core::AnalyzerSettings::for_tests("source-bias"))
            .expect("the default configuration builds");
    let scorer = Scorer::news();

    let mut map_seconds = Vec::new();
    let mut tone_seconds = Vec::new();
    let mut reduce_seconds = Vec::new();
    for _ in 0..rounds {
        let started = Instant::now();
        let maps: Vec<_> = annotated.iter().map(|d| analyzer.map(d)).collect();
        map_seconds.push(started.elapsed().as_secs_f64());

        let started = Instant::now();
        let tones: usize = annotated.iter().map(|d| scorer.actor_tones(d).len()).sum();
        tone_seconds.push(started.elapsed().as_secs_f64());
        std::hint::black_box(tones);

        let mut merged = newslens_core::Report {
            tables: maps[0].tables.iter().map(|t| t.empty_like()).collect(),
            notes: Vec::new(),
        };
        for map in maps {
            merged.append(map);
        }
        let started = Instant::now();
        let reduced = analyzer.reduce(merged).expect("reduce");
        reduce_seconds.push(started.elapsed().as_secs_f64());
        std::hint::black_box(reduced);
    }
    let best = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
    let median = |v: &[f64]| {
        let mut v = v.to_vec();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (map, tone, reduce) = (
        median(&map_seconds),
        median(&tone_seconds),
        median(&reduce_seconds),
    );
    println!(
        "map, one thread: {map:.3} s, {:.1} MB/s (best {:.1})",
        mb / map,
        mb / best(&map_seconds)
    );
    println!(
        "  of which tone (sentiment-lexicon actor_tones): {tone:.3} s, {:.0}% of the map",
        100.0 * tone / map
    );
    println!(
        "  the map without tone: {:.1} MB/s",
        mb / (map - tone).max(1e-9)
    );
    println!("reduce, one thread: {reduce:.3} s, {:.1} MB/s", mb / reduce);
    println!(
        "map + reduce: {:.1} MB/s per core (median of {rounds})",
        mb / (map + reduce)
    );
}
