//! MB of article text per second on one core for the timeline analyzer over
//! ../shared/corpora/recovery-covid19.jsonl.gz (1,888 articles, 10.0 MB):
//! the TIMEX3 tagger alone, and the whole analyzer (map per document, then
//! the reduce), on documents the text layer has already annotated (that is
//! not timed, as in the batch bench's per-analyzer rows).
//! `cargo bench -p newslens-timeline --bench throughput`; says "skipped"
//! without the corpus. Rates are of the scoring thread's CPU time
//! (/proc/thread-self/stat), since on a shared machine wall time also counts
//! the time other processes held the core; wall-clock rates beside them.
//! Median of `NEWSLENS_BENCH_ROUNDS` rounds (5 by default);
//! `NEWSLENS_BENCH_ARTICLES=N` takes the first N articles (for callgrind).

use std::time::Instant;

use newslens_core::testing::median;

/// CPU seconds the calling thread has used (user + system).
fn thread_cpu_seconds() -> f64 {
    newslens_core::testing::thread_cpu_seconds().unwrap_or(f64::NAN)
}

/// (CPU seconds, wall seconds) of `work`, repeated until a second of CPU has
/// passed (the tick is 10 ms), divided by the repetitions.
fn time(mut work: impl FnMut()) -> (f64, f64) {
    let (cpu, wall) = (thread_cpu_seconds(), Instant::now());
    let mut repetitions = 0;
    while repetitions == 0 || thread_cpu_seconds() - cpu < 1.0 {
        work();
        repetitions += 1;
    }
    let n = f64::from(repetitions);
    (
        (thread_cpu_seconds() - cpu) / n,
        wall.elapsed().as_secs_f64() / n,
    )
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // As the `newslens` binary runs.
    newslens_batch::purge_freed_pages_after_a_second();
    let Some(mut docs) = newslens_core::testing::shared_corpus("recovery-covid19.jsonl.gz") else {
        return;
    };
    // The first N articles only, for a profiler's run.
    if let Some(n) = std::env::var("NEWSLENS_BENCH_ARTICLES")
        .ok()
        .and_then(|n| n.parse().ok())
    {
        docs.truncate(n);
    }
    let mb = docs.iter().map(|d| d.text.len()).sum::<usize>() as f64 / 1e6;
    let annotated: Vec<_> = docs
        .into_iter()
        .map(newslens_core::testing::annotate_doc)
        .collect();
    let analyzer =
        newslens_timeline::build(&newslens_core::AnalyzerSettings::for_tests("timeline")).unwrap();
    let rounds: usize = std::env::var("NEWSLENS_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let mut timexes = 0;
    let mut stages: [(&str, Vec<f64>, Vec<f64>); 3] = [
        ("TIMEX3 tagger", vec![], vec![]),
        ("map (tagger, events, tables)", vec![], vec![]),
        ("reduce (the merged timeline)", vec![], vec![]),
    ];
    for _ in 0..rounds {
        let (cpu, wall) = time(|| {
            timexes = annotated
                .iter()
                .map(|doc| newslens_timeline::timex::timexes(doc).len())
                .sum::<usize>();
        });
        stages[0].1.push(cpu);
        stages[0].2.push(wall);
        // As core's map_all does, on this thread alone.
        let map = || {
            let mut maps = annotated.iter().map(|doc| analyzer.map(doc));
            let mut mapped = maps.next().expect("the corpus has articles");
            for map in maps {
                mapped.append(map);
            }
            mapped
        };
        let (cpu, wall) = time(|| {
            std::hint::black_box(map());
        });
        stages[1].1.push(cpu);
        stages[1].2.push(wall);
        let mapped = map();
        let (cpu, wall) = time(|| {
            std::hint::black_box(analyzer.reduce(mapped.clone()).unwrap());
        });
        stages[2].1.push(cpu);
        stages[2].2.push(wall);
    }
    println!(
        "recovery-covid19: {} articles, {mb:.1} MB, {timexes} timexes; median of {rounds} rounds, one core",
        annotated.len()
    );
    println!("| stage | MB/s (CPU time) | MB/s (wall) |");
    println!("|---|---:|---:|");
    let mut total = 0.0;
    for (name, mut cpu, mut wall) in stages.iter().cloned() {
        let cpu = median(&mut cpu);
        if name != "TIMEX3 tagger" {
            total += cpu;
        }
        println!(
            "| {name} | {:.1} | {:.1} |",
            mb / cpu,
            mb / median(&mut wall)
        );
    }
    println!("| timeline analyzer (map + reduce) | {:.1} | |", mb / total);
}
