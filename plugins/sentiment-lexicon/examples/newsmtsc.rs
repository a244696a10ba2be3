//! Tone toward a target against NewsMTSC (Hamborg & Donnay, EACL 2021):
//! news sentences from US outlets, each target's sentiment labelled by
//! five coders (2 negative, 4 neutral, 6 positive). Not shipped: give the
//! JSONL file (`train.jsonl` of the dataset, or a part of it) as the first
//! argument. Develop on the train split only; its test splits are for a
//! last measurement.
//!
//! `cargo run --release -p newslens-sentiment-lexicon --example newsmtsc -- FILE [half]`
//! prints accuracy and macro-F1 over the three classes for the clause view
//! ([`Scorer::tone_at`]) and for the whole sentence, with VADER alone and
//! with the news layer; `half` 1 or 2 takes the first or second half of the
//! records, to develop on one and check on the other.

use std::io::BufRead;

use newslens_core::testing::accuracy_and_macro_f1 as score;
use newslens_core::Span;
use newslens_sentiment_lexicon::{sign, Scorer};

/// The byte offset of character `chars` of `text` (the dataset counts
/// Python characters).
fn byte_of(text: &str, chars: usize) -> Option<usize> {
    text.char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .nth(chars)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: newsmtsc FILE.jsonl [1|2]");
        std::process::exit(2);
    };
    let half: Option<usize> = args.next().and_then(|h| h.parse().ok());
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let records: Vec<serde_json::Value> = std::io::BufReader::new(file)
        .lines()
        .map_while(Result::ok)
        .filter_map(|line| serde_json::from_str(&line).ok())
        .collect();
    let records = match half {
        Some(1) => &records[..records.len() / 2],
        Some(2) => &records[records.len() / 2..],
        _ => &records[..],
    };
    let scorers = [("vader", Scorer::vader()), ("news", Scorer::news())];
    // Per scorer: (clause view, whole sentence) pairs.
    let mut pairs = vec![(Vec::new(), Vec::new()); scorers.len()];
    let mut skipped = 0;
    let show = std::env::var_os("NEWSMTSC_SHOW").is_some();
    for record in records {
        let Some(text) = record["sentence_normalized"].as_str() else {
            continue;
        };
        let doc = newslens_core::testing::annotate(text, None);
        for target in record["targets"].as_array().into_iter().flatten() {
            let gold = match target["polarity"].as_f64() {
                Some(p) if p < 3.0 => -1,
                Some(p) if p > 5.0 => 1,
                Some(_) => 0,
                None => continue,
            };
            let span = (|| {
                let from = byte_of(text, target["from"].as_u64()? as usize)?;
                let to = byte_of(text, target["to"].as_u64()? as usize)?;
                (from < to).then_some(Span {
                    start: from as u32,
                    end: to as u32,
                })
            })();
            let Some(span) = span else {
                skipped += 1;
                continue;
            };
            for (k, (name, scorer)) in scorers.iter().enumerate() {
                let Some(tone) = scorer.tone_at(&doc, span) else {
                    skipped += 1;
                    continue;
                };
                let clause = sign(tone.compound);
                pairs[k].0.push((gold, clause));
                pairs[k].1.push((gold, sign(scorer.score(text).compound)));
                if show && *name == "news" && clause != gold {
                    println!(
                        "gold {gold:+} clause {:+.3} {:?} | target {:?}",
                        tone.compound,
                        doc.slice(tone.span),
                        doc.slice(span)
                    );
                }
            }
        }
    }
    let n = pairs[0].0.len();
    let gold_share =
        |class: i8| pairs[0].0.iter().filter(|(g, _)| *g == class).count() as f64 / n.max(1) as f64;
    println!(
        "{n} targets ({skipped} skipped); gold negative {:.3}, neutral {:.3}, positive {:.3}",
        gold_share(-1),
        gold_share(0),
        gold_share(1)
    );
    for (k, (name, _)) in scorers.iter().enumerate() {
        let (ca, cf) = score(&pairs[k].0);
        let (wa, wf) = score(&pairs[k].1);
        println!(
            "{name}: clause view accuracy {ca:.3}, macro-F1 {cf:.3}; whole sentence {wa:.3}, {wf:.3}"
        );
    }
}
