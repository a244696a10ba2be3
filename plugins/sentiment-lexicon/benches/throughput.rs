//! Sentences per second per core, against the Python reference on the same
//! sentences in the same run (`cargo bench -p newslens-sentiment-lexicon --bench throughput`).
//! Needs ../shared/corpora for the sentences and `pip install vaderSentiment==3.3.2`
//! for the reference; says what it skipped.
//!
//! Both sides score the same strings already in memory (no I/O is timed), each
//! after one untimed warm-up pass, and their rounds alternate, so a busy
//! shared machine slows both alike. The ratio is of the medians.
//! `NEWSLENS_BENCH_ROUNDS=N` sets the rounds (5 by default);
//! `NEWSLENS_BENCH_PYTHON=0` leaves the reference out (for profilers).

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Instant;

use newslens_sentiment_lexicon::parity::{fixture_sentences, SHARED};
use newslens_sentiment_lexicon::Scorer;

/// Reads the sentences, then times one pass over them for every line it is sent.
const REFERENCE: &str = "import sys, time
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer as A
lines = open(sys.argv[1], encoding='utf-8').read().split('\\n')[:-1]
a = A()
for s in lines: a.polarity_scores(s)
print('ready', flush=True)
for _ in sys.stdin:
    t = time.perf_counter()
    for s in lines: a.polarity_scores(s)
    print(time.perf_counter() - t, flush=True)
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

    /// Seconds for one pass.
    fn pass(&mut self) -> Option<f64> {
        writeln!(self.input).ok()?;
        let mut line = String::new();
        self.output.read_line(&mut line).ok()?;
        line.trim().parse().ok()
    }
}

impl Drop for Reference {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.path);
    }
}

fn pass(scorer: &Scorer, sentences: &[String]) -> f64 {
    let started = Instant::now();
    let mut total = 0.0;
    for s in sentences {
        total += scorer.score(std::hint::black_box(s)).compound;
    }
    std::hint::black_box(total);
    started.elapsed().as_secs_f64()
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn best(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::INFINITY, f64::min)
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
    for (_, scorer) in &scorers {
        pass(scorer, &sentences);
    }
    let mut ours = vec![Vec::new(); scorers.len()];
    let mut theirs = Vec::new();
    for _ in 0..rounds {
        for (k, (_, scorer)) in scorers.iter().enumerate() {
            ours[k].push(pass(scorer, &sentences));
        }
        if let Some(seconds) = reference.as_mut().and_then(Reference::pass) {
            theirs.push(seconds);
        }
    }
    for (k, (name, _)) in scorers.iter().enumerate() {
        println!(
            "newslens {name}: {:.0} sentences/s on one core, {:.1} MB/s (median of {rounds}; best {:.0}/s)",
            n / median(&ours[k]),
            bytes as f64 / 1e6 / median(&ours[k]),
            n / best(&ours[k]),
        );
    }
    if !theirs.is_empty() {
        println!(
            "python vaderSentiment 3.3.2: {:.0} sentences/s on one core (median of {}; best {:.0}/s)",
            n / median(&theirs),
            theirs.len(),
            n / best(&theirs),
        );
        println!(
            "newslens vader is {:.1}x the reference (medians; {:.1}x best against best)",
            median(&theirs) / median(&ours[0]),
            best(&theirs) / best(&ours[0]),
        );
    }
}
