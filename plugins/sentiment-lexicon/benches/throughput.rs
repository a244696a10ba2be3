//! Sentences per second per core, against the Python reference on the same
//! sentences in the same run (`cargo bench -p newslens-sentiment-lexicon --bench throughput`).
//! Needs ../shared/corpora for the sentences and `pip install vaderSentiment==3.3.2`
//! for the reference; says what it skipped.
//!
//! Two comparisons: VADER alone (`Scorer`) on the parity fixture's
//! sentences, and then the whole analyzer, map and reduce as `run
//! sentiment-lexicon` runs them, over ReCOVery's articles, against the
//! reference over the same articles' sentences (MB per CPU-second each;
//! the target for sentiment is this second ratio).
//!
//! Both sides score the same strings already in memory (no I/O is timed), each
//! after one untimed warm-up pass, and their rounds alternate; a round's
//! ratio compares the two timings taken one after the other. Rates are per
//! second of the scoring thread's CPU time (Rust: /proc/thread-self/stat,
//! whose ticks are 10 ms, so a Rust round repeats the sentences for about a
//! second; Python: `time.thread_time()`), since on a shared machine wall time
//! also counts the time other processes held the core. Wall-clock rates are
//! printed beside them. The headline ratio is the median of the rounds' ratios.
//! `NEWSLENS_BENCH_ROUNDS=N` sets the rounds (5 by default);
//! `NEWSLENS_BENCH_PYTHON=0` leaves the reference out and
//! `NEWSLENS_BENCH_PASSES=N` fixes a round's passes over the sentences (for
//! profilers: with one round and one pass, every sentence is scored four times).

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Instant;

use newslens_core::testing::thread_cpu_seconds;
use newslens_sentiment_lexicon::parity::{fixture_sentences, SHARED};
use newslens_sentiment_lexicon::Scorer;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Reads the sentences, then for every line it is sent, a number, times that
/// many passes over them.
const REFERENCE: &str = "import json, sys, time
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer as A
lines = [json.loads(line) for line in open(sys.argv[1], encoding='utf-8')]
a = A()
for s in lines: a.polarity_scores(s)
print('ready', flush=True)
for passes in sys.stdin:
    t, c = time.perf_counter(), time.thread_time()
    for _ in range(int(passes)):
        for s in lines: a.polarity_scores(s)
    print(time.thread_time() - c, time.perf_counter() - t, flush=True)
";

struct Reference {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
    path: std::path::PathBuf,
}

impl Reference {
    fn start(sentences: &[String]) -> Option<Reference> {
        let path =
            std::env::temp_dir().join(format!("newslens-vader-bench-{}.txt", std::process::id()));
        let mut file = std::fs::File::create(&path).ok()?;
        for s in sentences {
            // One JSON string a line: a corpus's sentences may hold newlines.
            writeln!(file, "{}", serde_json::to_string(s).ok()?).ok()?;
        }
        let mut child = Command::new("python3")
            .arg("-c")
            .arg(REFERENCE)
            .arg(&path)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let input = child.stdin.take()?;
        let mut output = BufReader::new(child.stdout.take()?);
        let mut line = String::new();
        output.read_line(&mut line).ok()?;
        if line.trim() != "ready" {
            let _ = child.kill();
            let _ = std::fs::remove_file(&path);
            return None;
        }
        Some(Reference {
            child,
            input,
            output,
            path,
        })
    }

    /// The reference over `sentences`, unless `NEWSLENS_BENCH_PYTHON=0`
    /// leaves it out; says so when it cannot start.
    fn wanted(sentences: &[String]) -> Option<Reference> {
        if std::env::var("NEWSLENS_BENCH_PYTHON").as_deref() == Ok("0") {
            return None;
        }
        let started = Reference::start(sentences);
        if started.is_none() {
            println!("skipped the reference: python3 with vaderSentiment is not installed (pip install vaderSentiment==3.3.2)");
        }
        started
    }

    /// `passes` passes over the sentences.
    fn run(&mut self, passes: usize) -> Option<Timing> {
        writeln!(self.input, "{passes}").ok()?;
        let mut line = String::new();
        self.output.read_line(&mut line).ok()?;
        let mut fields = line.split_whitespace().map(str::parse::<f64>);
        Some(Timing {
            passes,
            cpu: fields.next()?.ok()?,
            wall: fields.next()?.ok()?,
        })
    }
}

impl Drop for Reference {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Seconds of CPU time and of wall time for `passes` passes over the sentences.
#[derive(Clone, Copy)]
struct Timing {
    passes: usize,
    cpu: f64,
    wall: f64,
}

/// One sentence's score, never inlined, so a profiler can count exactly this
/// (`valgrind --tool=callgrind '--toggle-collect=*score_one*'` with NEWSLENS_BENCH_PYTHON=0).
#[inline(never)]
fn score_one(scorer: &Scorer, sentence: &str) -> f64 {
    scorer.score(sentence).compound
}

fn run(scorer: &Scorer, sentences: &[String], passes: usize) -> Timing {
    let cpu = thread_cpu_seconds();
    let started = Instant::now();
    let mut total = 0.0;
    for _ in 0..passes {
        for s in sentences {
            total += score_one(scorer, std::hint::black_box(s));
        }
    }
    std::hint::black_box(total);
    let wall = started.elapsed().as_secs_f64();
    Timing {
        passes,
        cpu: match (cpu, thread_cpu_seconds()) {
            (Some(a), Some(b)) => b - a,
            _ => wall,
        },
        wall,
    }
}

/// Median and best sentences per second of CPU time and of wall time.
fn rates(timings: &[Timing], n: f64) -> [f64; 4] {
    let mut cpu: Vec<f64> = timings
        .iter()
        .map(|t| n * t.passes as f64 / t.cpu)
        .collect();
    let mut wall: Vec<f64> = timings
        .iter()
        .map(|t| n * t.passes as f64 / t.wall)
        .collect();
    cpu.sort_by(f64::total_cmp);
    wall.sort_by(f64::total_cmp);
    [
        cpu[cpu.len() / 2],
        cpu[cpu.len() - 1],
        wall[wall.len() / 2],
        wall[wall.len() - 1],
    ]
}

fn main() {
    // As the `newslens` binary runs.
    newslens_batch::purge_freed_pages_after_a_second();
    let shared: Vec<_> = SHARED
        .iter()
        .filter_map(|name| newslens_core::testing::shared_corpus(name))
        .collect();
    let sentences: Vec<String> = fixture_sentences(&shared)
        .into_iter()
        .map(|(_, _, text)| text)
        .collect();
    let bytes: usize = sentences.iter().map(String::len).sum();
    let n = sentences.len() as f64;
    println!(
        "{} sentences, {:.2} MB",
        sentences.len(),
        bytes as f64 / 1e6
    );
    let rounds: usize = std::env::var("NEWSLENS_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5)
        .max(1);
    let mut reference = Reference::wanted(&sentences);

    let scorers = [("vader", Scorer::vader()), ("news", Scorer::news())];
    // Warm-up, which also sizes a round to about a second.
    let mut passes = 1;
    for (_, scorer) in &scorers {
        let warm = run(scorer, &sentences, 1);
        passes = passes.max((1.0 / warm.wall.max(1e-6)).ceil() as usize);
    }
    if let Some(fixed) = std::env::var("NEWSLENS_BENCH_PASSES")
        .ok()
        .and_then(|p| p.parse().ok())
    {
        passes = fixed;
    }
    let reference_passes = reference
        .as_mut()
        .and_then(|r| r.run(1))
        .map_or(1, |warm| (1.0 / warm.wall.max(1e-6)).ceil() as usize);
    // Each round times pure VADER, then the reference, then the news layer, about a
    // second each; the ratio of a round is of its two neighbouring timings.
    let mut ours = vec![Vec::new(); scorers.len()];
    let mut theirs = Vec::new();
    let mut ratios = Vec::new();
    for _ in 0..rounds {
        let vader = run(&scorers[0].1, &sentences, passes);
        ours[0].push(vader);
        if let Some(timing) = reference.as_mut().and_then(|r| r.run(reference_passes)) {
            theirs.push(timing);
            let rate = |t: &Timing| t.passes as f64 / t.cpu;
            ratios.push(rate(&vader) / rate(&timing));
        }
        for (k, (_, scorer)) in scorers.iter().enumerate().skip(1) {
            ours[k].push(run(scorer, &sentences, passes));
        }
    }
    let report = |name: &str, timings: &[Timing]| {
        let [cpu, cpu_best, wall, wall_best] = rates(timings, n);
        println!(
            "{name}: {cpu:.0} sentences/s per core, {:.1} MB/s (CPU time, median of {}; best {cpu_best:.0}); wall clock {wall:.0}/s (best {wall_best:.0})",
            cpu * bytes as f64 / n / 1e6,
            timings.len(),
        );
        cpu
    };
    let mut vader = 0.0;
    for (k, (name, _)) in scorers.iter().enumerate() {
        let rate = report(&format!("newslens {name}"), &ours[k]);
        if k == 0 {
            vader = rate;
        }
    }
    if !theirs.is_empty() {
        let python = report("python vaderSentiment 3.3.2", &theirs);
        ratios.sort_by(f64::total_cmp);
        println!(
            "newslens vader is {:.1}x the reference, sentences per second per core \
             (median of the rounds' ratios; {:.1}x to {:.1}x; {:.1}x of the medians)",
            ratios[ratios.len() / 2],
            ratios[0],
            ratios[ratios.len() - 1],
            vader / python
        );
    }
    drop(reference);
    whole_analyzer(rounds);
}

/// The whole analyzer, as `run sentiment-lexicon` runs it (map and reduce,
/// one thread), over ReCOVery's articles annotated beforehand, against the
/// reference over the same articles' sentences, in alternating rounds: the
/// target is the analyzer's rate over the reference's, MB of text per
/// CPU-second each, and a round's ratio compares two timings taken one after
/// the other, so a machine that slows for a while slows both.
fn whole_analyzer(rounds: usize) {
    use newslens_core::testing::{cpu_and_wall_seconds, median};
    let Some(docs) = newslens_core::testing::shared_corpus("recovery-covid19.jsonl.gz") else {
        println!(
            "whole analyzer: skipped (../shared/corpora/recovery-covid19.jsonl.gz is not there)"
        );
        return;
    };
    let annotated: Vec<newslens_core::AnnotatedDoc> = docs
        .into_iter()
        .map(newslens_core::testing::annotate_doc)
        .collect();
    // The reference is given the sentences newslens splits, so it is not
    // charged for a splitter; the analyzer is charged for the whole text.
    let sentences: Vec<String> = annotated
        .iter()
        .flat_map(|d| d.sentences.iter().map(|&s| d.slice(s).to_string()))
        .collect();
    let text_mb = annotated.iter().map(|d| d.text().len()).sum::<usize>() as f64 / 1e6;
    let sentence_mb = sentences.iter().map(String::len).sum::<usize>() as f64 / 1e6;
    println!(
        "\nwhole analyzer over recovery-covid19: {} articles, {text_mb:.2} MB of text, {} sentences",
        annotated.len(),
        sentences.len()
    );
    let analyzer = newslens_sentiment_lexicon::build(&newslens_core::AnalyzerSettings::for_tests(
        "sentiment-lexicon",
    ))
    .expect("the default configuration builds");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a thread pool");
    // CPU seconds per run of `runs` runs, on the pool's one thread.
    let time_runs = |runs: usize| {
        pool.install(|| {
            let (cpu, wall) = cpu_and_wall_seconds(|| {
                for _ in 0..runs {
                    let report =
                        newslens_core::run::run_analyzer(analyzer.as_ref(), &annotated, None)
                            .expect("the analyzer runs");
                    std::hint::black_box(report);
                }
            });
            (cpu / runs as f64, wall / runs as f64)
        })
    };
    // Warm-up, which also sizes a round to about a second.
    let (_, wall) = time_runs(1);
    let runs = (1.0 / wall.max(1e-6)).ceil() as usize;
    let mut reference = Reference::wanted(&sentences);
    let (mut ours, mut theirs, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        let (cpu, _) = time_runs(runs);
        let rate = text_mb / cpu;
        ours.push(rate);
        if let Some(timing) = reference.as_mut().and_then(|r| r.run(1)) {
            let python = sentence_mb / timing.cpu;
            theirs.push(python);
            ratios.push(rate / python);
        }
    }
    println!(
        "newslens sentiment-lexicon (map and reduce, one thread): {:.1} MB of text per CPU-second \
         (median of {rounds} rounds of {runs} runs; {:.1} to {:.1})",
        median(&mut ours),
        ours[0],
        ours[ours.len() - 1]
    );
    if ratios.is_empty() {
        println!("whole analyzer: the reference was skipped");
        return;
    }
    println!(
        "python vaderSentiment 3.3.2 over the same sentences: {:.2} MB per CPU-second (median of {})",
        median(&mut theirs),
        theirs.len()
    );
    println!(
        "the whole analyzer is {:.1}x the reference, MB per CPU-second (median of the rounds' \
         ratios; {:.1}x to {:.1}x)",
        median(&mut ratios),
        ratios[0],
        ratios[ratios.len() - 1]
    );
}
