//! Parity with the reference implementation, vaderSentiment 3.3.2, on the
//! fixtures tools/gen_fixture.py made: every compound score within 1e-4.

use std::collections::HashMap;

use newslens_sentiment_lexicon::parity::{fixture_sentences, SHARED};
use newslens_sentiment_lexicon::Scorer;

const TOLERANCE: f64 = 1e-4;

fn parse_scores(fields: &[&str]) -> [f64; 4] {
    let mut scores = [0.0; 4];
    for (slot, field) in scores.iter_mut().zip(fields) {
        *slot = field.parse().expect("a score");
    }
    scores
}

#[test]
fn bundled_sentences_and_rule_cases_match_the_reference() {
    let vader = Scorer::vader();
    let mut disagreements = Vec::new();
    let mut n = 0;
    for line in include_str!("../fixtures/parity.tsv")
        .lines()
        .filter(|l| !l.starts_with('#'))
    {
        let fields: Vec<&str> = line.split('\t').collect();
        let [compound, pos, neu, neg] = parse_scores(&fields[2..6]);
        let ours = vader.score(fields[1]);
        n += 1;
        if (ours.compound - compound).abs() > TOLERANCE
            || (ours.pos - pos).abs() > 1e-3
            || (ours.neg - neg).abs() > 1e-3
            || (ours.neu - neu).abs() > 1e-3
        {
            disagreements.push(format!(
                "{:?}: ours {ours:?}, reference {compound} {pos} {neu} {neg}",
                fields[1]
            ));
        }
    }
    assert!(n > 250, "{n} fixture sentences");
    // No disagreement is expected here: these are the rules' own cases.
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}

#[test]
fn thousands_of_news_sentences_match_the_reference() {
    let shared: Vec<_> = SHARED
        .iter()
        .filter_map(|name| newslens_core::testing::shared_corpus(name))
        .collect();
    if shared.len() < SHARED.len() {
        return; // shared_corpus printed "skipped: …"
    }
    let reference: HashMap<&str, [f64; 4]> = include_str!("../fixtures/parity-shared.tsv")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let fields: Vec<&str> = l.split('\t').collect();
            (fields[0], parse_scores(&fields[1..5]))
        })
        .collect();
    let vader = Scorer::vader();
    let (mut n, mut agree, mut identical) = (0, 0, 0);
    let mut disagreements = Vec::new();
    for (hash, origin, text) in fixture_sentences(&shared) {
        if origin != "shared" {
            continue;
        }
        let Some(expected) = reference.get(hash.as_str()) else {
            continue;
        };
        n += 1;
        let scores = vader.score(&text);
        let ours = scores.compound;
        if [scores.compound, scores.pos, scores.neu, scores.neg] == *expected {
            identical += 1;
        }
        if (ours - expected[0]).abs() <= TOLERANCE {
            agree += 1;
        } else {
            disagreements.push(format!("{text:?}: ours {ours}, reference {}", expected[0]));
        }
    }
    println!("parity: {agree} of {n} news sentences within {TOLERANCE}; {identical} with all four scores identical");
    assert!(
        n >= 5_000,
        "only {n} fixture sentences matched the shared corpora"
    );
    assert!(
        agree as f64 >= 0.999 * n as f64,
        "{agree}/{n}: {disagreements:#?}"
    );
    // pos, neu and neg too, rounded as the reference rounds them.
    assert!(
        identical as f64 >= 0.999 * n as f64,
        "{identical}/{n} with all four scores identical"
    );
}
