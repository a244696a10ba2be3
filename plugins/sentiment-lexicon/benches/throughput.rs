//! Sentences per second per core, against the Python reference on the same
//! sentences in the same run (`cargo bench -p newslens-sentiment-lexicon`).
//! Needs ../shared/corpora for the sentences and `pip install vaderSentiment`
//! for the reference; says what it skipped.

use std::io::Write;
use std::process::Command;
use std::time::Instant;

use newslens_sentiment_lexicon::parity::{fixture_sentences, SHARED};
use newslens_sentiment_lexicon::Scorer;

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
    println!(
        "{} sentences, {:.2} MB",
        sentences.len(),
        bytes as f64 / 1e6
    );

    for (name, scorer) in [("vader", Scorer::vader()), ("news", Scorer::news())] {
        let rounds = 5;
        let started = Instant::now();
        let mut total = 0.0;
        for _ in 0..rounds {
            for s in &sentences {
                total += scorer.score(s).compound;
            }
        }
        let seconds = started.elapsed().as_secs_f64() / rounds as f64;
        std::hint::black_box(total);
        println!(
            "newslens {name}: {:.0} sentences/s on one core ({:.1} MB/s)",
            sentences.len() as f64 / seconds,
            bytes as f64 / 1e6 / seconds
        );
        if name == "vader" {
            python(&sentences, sentences.len() as f64 / seconds);
        }
    }
}

fn python(sentences: &[String], ours: f64) {
    let path =
        std::env::temp_dir().join(format!("newslens-vader-bench-{}.txt", std::process::id()));
    let mut file = std::fs::File::create(&path).expect("temp file");
    for s in sentences {
        writeln!(file, "{s}").expect("write");
    }
    let script = "import sys, time\n\
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer as A\n\
        lines = open(sys.argv[1], encoding='utf-8').read().splitlines()\n\
        a = A()\n\
        t = time.perf_counter()\n\
        for s in lines: a.polarity_scores(s)\n\
        print(len(lines) / (time.perf_counter() - t))\n";
    let output = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output();
    let _ = std::fs::remove_file(&path);
    match output {
        Ok(out) if out.status.success() => {
            let theirs: f64 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap_or(f64::NAN);
            println!("python vaderSentiment 3.3.2: {theirs:.0} sentences/s on one core; newslens is {:.0}x", ours / theirs);
        }
        _ => println!("skipped: python3 with vaderSentiment is not installed (pip install vaderSentiment==3.3.2)"),
    }
}
