//! Scores the tagger on 100 news sentences from the shared corpora, annotated
//! by reading them (fixtures/news-dev.tsv): strict and relaxed span P/R/F1,
//! and type and value accuracy over the relaxed matches, as TempEval-3
//! scores them. Each article is tagged whole, so that weekdays and "a day
//! earlier" resolve as they do in a real run, and the timexes inside the
//! annotated sentences are compared with the gold ones. Needs
//! ../shared/corpora/recovery-covid19.jsonl.gz and fakes-syria.jsonl.gz; says
//! "skipped" without them. The floors sit just under the measured scores.

use std::collections::{HashMap, HashSet};
use std::io::BufRead;

use newslens_core::testing;

struct Gold {
    start: usize,
    end: usize,
    kind: String,
    value: String,
}

struct Sentence {
    doc: String,
    published: String,
    start: usize,
    end: usize,
    /// (text, type, value), in the order they occur.
    timexes: Vec<(String, String, String)>,
}

fn fixture() -> Vec<Sentence> {
    include_str!("../fixtures/news-dev.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 5, "five columns: {line}");
            let timexes = if f[4] == "-" {
                Vec::new()
            } else {
                f[4].split(" ; ")
                    .map(|t| {
                        let p: Vec<&str> = t.split('|').collect();
                        assert_eq!(p.len(), 3, "text|TYPE|VALUE: {t}");
                        (p[0].to_string(), p[1].to_string(), p[2].to_string())
                    })
                    .collect()
            };
            Sentence {
                doc: f[0].into(),
                published: f[1].into(),
                start: f[2].parse().unwrap(),
                end: f[3].parse().unwrap(),
                timexes,
            }
        })
        .collect()
}

/// The articles of `corpus` whose ids are in `wanted`: id → text.
fn articles(corpus: &str, wanted: &HashSet<&str>) -> Option<HashMap<String, String>> {
    let path = testing::shared_corpus_path(corpus)?;
    let file = std::fs::File::open(path).unwrap();
    let reader = std::io::BufReader::new(flate2::read::MultiGzDecoder::new(file));
    let mut out = HashMap::new();
    for line in reader.lines() {
        let line = line.unwrap();
        // Every line starts with its id; parse only the wanted ones.
        let id = line
            .strip_prefix("{\"id\": \"")
            .and_then(|rest| rest.split('"').next())
            .unwrap_or("");
        if wanted.contains(id) {
            let record: serde_json::Value = serde_json::from_str(&line).unwrap();
            out.insert(id.to_string(), record["text"].as_str().unwrap().to_string());
        }
    }
    Some(out)
}

#[test]
fn annotated_news_sentences() {
    let sentences = fixture();
    let wanted: HashSet<&str> = sentences.iter().map(|s| s.doc.as_str()).collect();
    let (Some(recovery), Some(fakes)) = (
        articles("recovery-covid19.jsonl.gz", &wanted),
        articles("fakes-syria.jsonl.gz", &wanted),
    ) else {
        return;
    };
    let (mut gold_n, mut found_n, mut strict, mut relaxed, mut type_ok, mut value_ok) =
        (0, 0, 0, 0, 0, 0);
    let mut tagged = HashMap::new();
    let mut wrong = Vec::new();
    for sentence in &sentences {
        let text = recovery
            .get(&sentence.doc)
            .or_else(|| fakes.get(&sentence.doc))
            .unwrap_or_else(|| panic!("{} is not in the shared corpora", sentence.doc));
        let (doc, found) = tagged.entry(sentence.doc.clone()).or_insert_with(|| {
            let doc = testing::annotate(text, Some(&sentence.published));
            let found = newslens_timeline::timex::timexes(&doc);
            (doc, found)
        });
        let chars: Vec<char> = text.chars().collect();
        let words: String = chars[sentence.start..sentence.end].iter().collect();
        // Gold spans: each text found left to right in the sentence.
        let mut at = 0;
        let gold: Vec<Gold> = sentence
            .timexes
            .iter()
            .map(|(surface, kind, value)| {
                let byte = at
                    + words[at..].find(surface.as_str()).unwrap_or_else(|| {
                        panic!("{surface:?} not in {} at {}", sentence.doc, sentence.start)
                    });
                at = byte + surface.len();
                let start = sentence.start + words[..byte].chars().count();
                Gold {
                    start,
                    end: start + surface.chars().count(),
                    kind: kind.clone(),
                    value: value.clone(),
                }
            })
            .collect();
        let ours: Vec<_> = found
            .iter()
            .map(|t| {
                (
                    doc.char_offset(t.span.start),
                    doc.char_offset(t.span.end),
                    t,
                )
            })
            .filter(|&(s, e, _)| s < sentence.end && sentence.start < e)
            .collect();
        gold_n += gold.len();
        found_n += ours.len();
        let mut used = vec![false; gold.len()];
        for &(s, e, t) in &ours {
            strict += usize::from(gold.iter().any(|g| g.start == s && g.end == e));
            let Some(k) =
                (0..gold.len()).find(|&k| !used[k] && gold[k].start < e && s < gold[k].end)
            else {
                wrong.push(format!(
                    "{}\textra  {:?} {} {}",
                    sentence.doc,
                    doc.slice(t.span),
                    t.kind.name(),
                    t.value
                ));
                continue;
            };
            used[k] = true;
            relaxed += 1;
            type_ok += usize::from(gold[k].kind == t.kind.name());
            value_ok += usize::from(gold[k].value == t.value);
            if gold[k].value != t.value || gold[k].kind != t.kind.name() {
                wrong.push(format!(
                    "{}\tvalue  {:?} {} {} (gold {} {})",
                    sentence.doc,
                    doc.slice(t.span),
                    t.kind.name(),
                    t.value,
                    gold[k].kind,
                    gold[k].value
                ));
            }
        }
        for (k, g) in gold.iter().enumerate() {
            if !used[k] {
                let missed: String = chars[g.start..g.end].iter().collect();
                wrong.push(format!(
                    "{}\tmissed {missed:?} {} {}",
                    sentence.doc, g.kind, g.value
                ));
            }
        }
    }
    let f1 = |hits: usize| {
        let (p, r) = (hits as f64 / found_n as f64, hits as f64 / gold_n as f64);
        (p, r, 2.0 * p * r / (p + r))
    };
    let (sp, sr, sf) = f1(strict);
    let (rp, rr, rf) = f1(relaxed);
    let type_acc = type_ok as f64 / relaxed as f64;
    let value_acc = value_ok as f64 / relaxed as f64;
    for line in &wrong {
        println!("{line}");
    }
    println!(
        "news-dev: {} sentences, {gold_n} gold, {found_n} found",
        sentences.len()
    );
    println!("strict  P {sp:.3} R {sr:.3} F1 {sf:.3}");
    println!("relaxed P {rp:.3} R {rr:.3} F1 {rf:.3}");
    println!(
        "type accuracy {type_acc:.3}, value accuracy {value_acc:.3}, value F1 {:.3}",
        rf * value_acc
    );
    assert!(gold_n >= 100, "the fixture holds {gold_n} timexes");
    assert!(sf >= FLOOR_STRICT_F1, "strict F1 {sf:.3}");
    assert!(rf >= FLOOR_RELAXED_F1, "relaxed F1 {rf:.3}");
    assert!(
        type_acc >= FLOOR_TYPE_ACCURACY,
        "type accuracy {type_acc:.3}"
    );
    assert!(
        value_acc >= FLOOR_VALUE_ACCURACY,
        "value accuracy {value_acc:.3}"
    );
}

// Measured blind, before any rule looked at these sentences: strict F1 0.803,
// relaxed F1 0.937, type accuracy 0.913, value accuracy 0.833. After the
// rules its errors pointed to (day-first dotted dates, holidays near
// publication, "the past several months", "decades ago", "Day, 9 a.m.",
// centuries, "over" before "the past", abbreviated weekdays in datelines):
// strict 0.922, relaxed 0.974, type 0.939, value 0.924.
const FLOOR_STRICT_F1: f64 = 0.915;
const FLOOR_RELAXED_F1: f64 = 0.965;
const FLOOR_TYPE_ACCURACY: f64 = 0.93;
const FLOOR_VALUE_ACCURACY: f64 = 0.915;
