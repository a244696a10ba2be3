//! Throughput and memory, per analyzer and end to end, over
//! ../shared/corpora/recovery-covid19.jsonl.gz and that corpus repeated to
//! N articles, with 1 and 2 threads; and the Python tools a user would
//! otherwise run on the same text (vaderSentiment, dateparser), for the ratio.
//!
//! `cargo bench -p newslens-batch --bench throughput`. Settings:
//! - `NEWSLENS_BENCH_ARTICLES` (100000): articles in the repeated corpus; 0 skips it.
//! - `NEWSLENS_BENCH_THREADS` (`1,2`): thread counts of the batch runs.
//! - `NEWSLENS_BENCH_RUNS` (`each,all`): the batch runs, comma-separated:
//!   `each` runs every analyzer alone, `all` all of them together, a name
//!   that analyzer, `a+b` those two together; `NEWSLENS_BENCH_REPEATED_RUNS` (the same) for the
//!   repeated corpus, whose reduces may not all fit in memory.
//! - `NEWSLENS_BENCH_PYTHON` (`python3`), `NEWSLENS_BENCH_DATEPARSER_SECONDS` (20).
//!
//! Each batch run is a child process (this binary again), so its peak RSS
//! and thread count are its own. MB are of article text (UTF-8 bytes);
//! "per core" divides by the thread count.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use newslens_core::{Annotator, Registry};

use newslens_casualty_figure as _;
use newslens_corpus_stats as _;
use newslens_sentiment_lexicon as _;
use newslens_source_bias as _;
use newslens_timeline as _;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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

/// CPU time (user + system) of this process so far, all threads: on a
/// shared machine, wall time also counts the other tenants' work.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The command name may hold spaces; the fields after it are plain.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or(Vec::new(), |(_, rest)| rest.split_whitespace().collect());
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok());
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks of 1/100 s on Linux.
    match (ticks(11), ticks(12)) {
        (Some(user), Some(system)) => (user + system) / 100.0,
        _ => f64::NAN,
    }
}

/// MB per CPU-second, or a dash when the CPU time is under two clock
/// ticks and so says nothing.
fn per_cpu_second(mb: f64, cpu: f64) -> String {
    if cpu < 0.02 {
        "–".to_string()
    } else {
        format!("{:.1}", mb / cpu)
    }
}

/// Seconds and CPU seconds of one call of `f`, after an untimed call (the
/// Python tools' timings also leave out their set-up), averaged over as many
/// calls as take a second of CPU time, since the clock ticks every 10 ms.
/// Gives the untimed call's result.
fn timed<T>(mut f: impl FnMut() -> T) -> (T, f64, f64) {
    let first = f();
    let (started, cpu) = (Instant::now(), cpu_seconds());
    let mut calls = 0;
    while calls == 0 || cpu_seconds() - cpu < 1.0 {
        std::hint::black_box(f());
        calls += 1;
    }
    let n = f64::from(calls);
    (
        first,
        started.elapsed().as_secs_f64() / n,
        (cpu_seconds() - cpu) / n,
    )
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

/// In a child: one batch run, printed as `seconds peak_rss_mb`.
fn child(spec: &str) {
    let parts: Vec<&str> = spec.split('|').collect();
    let [input, out, run, threads] = parts[..] else {
        panic!("NEWSLENS_BENCH_CHILD is input|out|run|threads, not {spec}");
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.parse().expect("a thread count"))
        .build()
        .expect("a thread pool");
    let started = Instant::now();
    let cpu = cpu_seconds();
    let names: Vec<&str> = run.split('+').collect();
    pool.install(|| {
        newslens_batch::run_with(
            &[PathBuf::from(input)],
            Path::new(out),
            newslens_batch::DEFAULT_PART_SIZE,
            &names,
            newslens_batch::Format::Jsonl,
        )
    })
    .expect("the batch run");
    println!(
        "{} {} {}",
        started.elapsed().as_secs_f64(),
        cpu_seconds() - cpu,
        peak_rss_mb()
    );
}

/// One batch run in a child process: (seconds, CPU seconds, peak RSS in MB).
fn batch_in_child(input: &Path, run: &str, threads: usize) -> (f64, f64, f64) {
    let out = std::env::temp_dir().join(format!("newslens-bench-out-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let output = Command::new(std::env::current_exe().expect("this binary"))
        .env(
            "NEWSLENS_BENCH_CHILD",
            format!("{}|{}|{run}|{threads}", input.display(), out.display()),
        )
        .output()
        .expect("the child runs");
    let _ = std::fs::remove_dir_all(&out);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut numbers = stdout
        .split_whitespace()
        .filter_map(|w| w.parse::<f64>().ok());
    match (numbers.next(), numbers.next(), numbers.next()) {
        (Some(s), Some(cpu), Some(rss)) => (s, cpu, rss),
        _ => panic!(
            "the batch run failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ),
    }
}

/// The Python tools over the same text; prints their rates and returns
/// (vaderSentiment MB/s, dateparser MB/s), each on one core.
fn python_stack(
    annotated: &[newslens_core::AnnotatedDoc],
    dir: &Path,
) -> (Option<f64>, Option<f64>) {
    use std::io::Write;
    let sentences = dir.join("sentences.jsonl");
    let documents = dir.join("documents.jsonl");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&sentences).unwrap());
    for doc in annotated {
        for &span in &doc.sentences {
            serde_json::to_writer(&mut out, doc.slice(span)).unwrap();
            out.write_all(b"\n").unwrap();
        }
    }
    out.flush().unwrap();
    let mut out = std::io::BufWriter::new(std::fs::File::create(&documents).unwrap());
    for doc in annotated {
        serde_json::to_writer(&mut out, doc.text()).unwrap();
        out.write_all(b"\n").unwrap();
    }
    out.flush().unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/python_stack.py");
    let output = Command::new(env_or("NEWSLENS_BENCH_PYTHON", "python3"))
        .arg(&script)
        .arg(&sentences)
        .arg(&documents)
        .arg(env_or("NEWSLENS_BENCH_DATEPARSER_SECONDS", "20"))
        .output();
    let Some(output) = output.ok().filter(|o| o.status.success()) else {
        println!(
            "python stack: skipped (python3 did not run {})",
            script.display()
        );
        return (None, None);
    };
    let (mut vader, mut dateparser) = (None, None);
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let tool = v["tool"].as_str().unwrap_or("");
        if let Some(missing) = v["missing"].as_str() {
            println!("python stack: {tool} skipped ({missing})");
            continue;
        }
        let (items, bytes, seconds) = (
            v["items"].as_f64().unwrap_or(0.0),
            v["bytes"].as_f64().unwrap_or(0.0),
            v["seconds"].as_f64().unwrap_or(f64::NAN),
        );
        let mb_s = bytes / 1e6 / seconds;
        println!(
            "python {tool}: {items:.0} items, {:.2} MB in {seconds:.1} s CPU: {mb_s:.3} MB/s, {:.0} items/s on one core",
            bytes / 1e6,
            items / seconds
        );
        match tool {
            "vaderSentiment" => vader = Some(mb_s),
            _ => dateparser = Some(mb_s),
        }
    }
    (vader, dateparser)
}

fn main() {
    // As the `newslens` binary runs, for the child's batch run and the
    // in-memory timings (the REPL's `run`) alike.
    newslens_batch::purge_freed_pages_after_a_second();
    if let Ok(spec) = std::env::var("NEWSLENS_BENCH_CHILD") {
        child(&spec);
        return;
    }
    let Some(path) = newslens_core::testing::shared_corpus_path("recovery-covid19.jsonl.gz") else {
        println!("skipped: ../shared/corpora/recovery-covid19.jsonl.gz is not there");
        return;
    };
    let docs = newslens_core::load::load_path(&path, Default::default())
        .expect("the corpus loads")
        .docs;
    let mb = docs.iter().map(|d| d.text.len()).sum::<usize>() as f64 / 1e6;
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!("corpus: {} articles, {mb:.1} MB; {cpus} CPUs", docs.len());
    let config = newslens_core::bundled::config();
    let annotator = Annotator::new(Arc::clone(&config.gazetteer));
    let registry = Registry::linked().unwrap();

    // In memory: the analyzers alone, text layer excluded.
    println!("\n| in memory, recovery-covid19 | threads | MB/s per core | MB per CPU-second | articles/s |");
    println!("|---|---:|---:|---:|---:|");
    let mut one_thread: Vec<(&str, f64)> = Vec::new();
    let mut annotated_once = Vec::new();
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let (annotated, annotate_s, annotate_cpu) =
                timed(|| newslens_core::run::annotate_all(&annotator, &docs));
            let row = |name: &str, seconds: f64, cpu: f64| {
                println!(
                    "| {name} | {threads} | {:.1} | {} | {:.0} |",
                    mb / seconds / threads as f64,
                    per_cpu_second(mb, cpu),
                    docs.len() as f64 / seconds
                );
            };
            row("text layer", annotate_s, annotate_cpu);
            let (mut total, mut total_cpu) = (annotate_s, annotate_cpu);
            for r in registry.iter() {
                let analyzer = (r.build)(&config.settings_for(r.name)).unwrap();
                let ((), s, cpu) = timed(|| {
                    let report =
                        newslens_core::run::run_analyzer(analyzer.as_ref(), &annotated, None)
                            .unwrap();
                    std::hint::black_box(&report);
                });
                total += s;
                total_cpu += cpu;
                row(r.name, s, cpu);
                if threads == 1 {
                    one_thread.push((r.name, mb / cpu));
                }
            }
            row("all, with the text layer", total, total_cpu);
            if threads == 1 {
                annotated_once = annotated;
            }
        });
    }

    let dir = std::env::temp_dir().join(format!("newslens-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    println!();
    let (vader, dateparser) = python_stack(&annotated_once, &dir);
    drop(annotated_once);
    let rate = |name: &str| one_thread.iter().find(|(n, _)| *n == name).map(|(_, r)| *r);
    if let (Some(python), Some(ours)) = (vader, rate("sentiment-lexicon")) {
        println!("sentiment-lexicon (VADER and the news layer, map + reduce) / vaderSentiment, MB per CPU-second: {:.1}x", ours / python);
    }
    if let (Some(python), Some(ours)) = (dateparser, rate("timeline")) {
        println!(
            "timeline (TIMEX3 tagging, events, merge) / dateparser.search_dates, MB per CPU-second: {:.0}x",
            ours / python
        );
    }

    // Batch runs, streamed from files, each in its own process.
    let target: usize = env_or("NEWSLENS_BENCH_ARTICLES", "100000")
        .parse()
        .unwrap_or(100_000);
    let threads: Vec<usize> = env_or("NEWSLENS_BENCH_THREADS", "1,2")
        .split(',')
        .filter_map(|t| t.trim().parse().ok())
        .collect();
    let names: Vec<&str> = registry.names().collect();
    let runs_of = |setting: &str| -> Vec<String> {
        let mut runs = Vec::new();
        for item in setting.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            match item {
                "each" => runs.extend(names.iter().map(|n| n.to_string())),
                other => runs.push(other.to_string()),
            }
        }
        runs
    };
    let runs = runs_of(&env_or("NEWSLENS_BENCH_RUNS", "each,all"));
    let repeated_runs = runs_of(&env_or(
        "NEWSLENS_BENCH_REPEATED_RUNS",
        &env_or("NEWSLENS_BENCH_RUNS", "each,all"),
    ));
    let mut corpora = vec![(path.clone(), docs.len(), mb, runs)];
    if target > 0 {
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
        corpora.push((input, target, repeated_mb, repeated_runs));
    }
    drop(docs);
    println!("\n| batch run (text layer included) | articles | threads | s | CPU s | MB/s per core | MB per CPU-second | articles/s | peak RSS MB |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (input, articles, corpus_mb, runs) in &corpora {
        for &t in &threads {
            for run in runs {
                let (seconds, cpu, rss) = batch_in_child(input, run, t);
                println!(
                    "| {run} | {articles} | {t} | {seconds:.1} | {cpu:.1} | {:.2} | {:.2} | {:.0} | {rss:.0} |",
                    corpus_mb / seconds / t as f64,
                    corpus_mb / cpu,
                    *articles as f64 / seconds
                );
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
