//! Sentences per second per core, against the Python reference on the same
//! sentences in the same run (`cargo bench -p newslens-sentiment-lexicon --bench throughput`).
//! Needs ../shared/corpora for the sentences and `pip install vaderSentiment==3.3.2`
//! for the reference; says what it skipped.
//!
//! Both sides score the same strings already in memory (no I/O is timed), each
//! after one untimed warm-up pass, and their rounds alternate; a round's
//! ratio compares the two timings taken one after the other. Rates are per
//! second of the scoring thread's CPU time (Rust: /proc/thread-self/stat,
//! whose ticks are 10 ms, so a Rust round repeats the sentences for about a
//! second; Python: `time.thread_time()`), since on a shared machine wall time
//! also counts the time other processes held the core. Wall-clock rates are
//! printed beside them. The ratio is of the medians.
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
const REFERENCE: &str = "import sys, time
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer as A
lines = open(sys.argv[1], encoding='utf-8').read().split('\\n')[:-1]
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
            // The fixture's sentences hold no newline (whitespace is folded).
            writeln!(file, "{s}").ok()?;
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
    let mut reference = if std::env::var("NEWSLENS_BENCH_PYTHON").as_deref() == Ok("0") {
        None
    } else {
        let started = Reference::start(&sentences);
        if started.is_none() {
            println!("skipped the reference: python3 with vaderSentiment is not installed (pip install vaderSentiment==3.3.2)");
        }
        started
    };

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
}
