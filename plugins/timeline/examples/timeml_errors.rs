//! Prints the tagger's errors on the TimeML training newswire, for developing
//! the rules: misses (FN), false alarms (FP) and wrong values (VAL), each
//! with its sentence context, then the counts by kind and the TempEval-3
//! scores. `cargo run --release -p newslens-timeline --example timeml_errors [KIND]`
//! prints only lines of that kind (FN, FP, VAL, TYPE).
use std::io::BufRead;

fn main() {
    let Some(path) = newslens_core::testing::shared_corpus_path("timeml-train.jsonl.gz") else {
        return;
    };
    let only = std::env::args().nth(1);
    let show = |kind: &str| only.as_deref().is_none_or(|o| o == kind);
    let reader = std::io::BufReader::new(flate2::read::MultiGzDecoder::new(
        std::fs::File::open(path).unwrap(),
    ));
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    let (mut gold_n, mut found_n, mut strict, mut relaxed, mut type_ok, mut value_ok) =
        (0, 0, 0, 0, 0, 0);
    for line in reader.lines() {
        let record: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
        let text = record["text"].as_str().unwrap();
        let published = record["published"].as_str().unwrap_or("");
        let doc = newslens_core::testing::annotate(text, record["published"].as_str());
        let found = newslens_timeline::timex::timexes(&doc);
        let gold = record["timexes"].as_array().unwrap();
        let chars: Vec<char> = text.chars().collect();
        let offsets = |g: &serde_json::Value| {
            (
                g["start"].as_u64().unwrap() as usize,
                g["end"].as_u64().unwrap() as usize,
            )
        };
        let context = |s: usize, e: usize| {
            let from = s.saturating_sub(60);
            let to = (e + 30).min(chars.len());
            let left: String = chars[from..s].iter().collect();
            let mid: String = chars[s..e].iter().collect();
            let right: String = chars[e..to].iter().collect();
            format!("{left}[{mid}]{right}").replace('\n', " ")
        };
        gold_n += gold.len();
        found_n += found.len();
        let mut used = vec![false; gold.len()];
        for t in &found {
            let (s, e) = (doc.char_offset(t.span.start), doc.char_offset(t.span.end));
            if gold.iter().any(|g| offsets(g) == (s, e)) {
                strict += 1;
            }
            let hit = (0..gold.len()).find(|&k| {
                let (gs, ge) = offsets(&gold[k]);
                !used[k] && gs < e && s < ge
            });
            let Some(k) = hit else {
                *counts.entry("FP").or_default() += 1;
                if show("FP") {
                    println!("FP\t{}\t{}\t{}", t.kind.name(), t.value, context(s, e));
                }
                continue;
            };
            used[k] = true;
            relaxed += 1;
            let g = &gold[k];
            let (gs, ge) = offsets(g);
            if g["type"] == t.kind.name() {
                type_ok += 1;
            } else {
                *counts.entry("TYPE").or_default() += 1;
            }
            if g["value"] == t.value.as_str() {
                value_ok += 1;
            } else {
                *counts.entry("VAL").or_default() += 1;
                if show("VAL") {
                    println!(
                        "VAL\tgold {} {}\tours {} {}\t{published}\t{}",
                        g["type"].as_str().unwrap_or(""),
                        g["value"].as_str().unwrap_or(""),
                        t.kind.name(),
                        t.value,
                        context(gs, ge)
                    );
                }
            }
            if (gs, ge) != (s, e) {
                *counts.entry("SPAN").or_default() += 1;
                if show("SPAN") {
                    println!("SPAN\tgold {}\tours {}", context(gs, ge), context(s, e));
                }
            }
        }
        for (k, g) in gold.iter().enumerate() {
            if !used[k] {
                *counts.entry("FN").or_default() += 1;
                if show("FN") {
                    let (gs, ge) = offsets(g);
                    println!(
                        "FN\t{} {}\t{published}\t{}",
                        g["type"].as_str().unwrap_or(""),
                        g["value"].as_str().unwrap_or(""),
                        context(gs, ge)
                    );
                }
            }
        }
    }
    let f1 = |hits: usize| {
        let (p, r) = (hits as f64 / found_n as f64, hits as f64 / gold_n as f64);
        2.0 * p * r / (p + r)
    };
    let value_acc = value_ok as f64 / relaxed as f64;
    eprintln!("errors by kind: {counts:?}");
    eprintln!(
        "{gold_n} gold, {found_n} found; strict F1 {:.3}, relaxed F1 {:.3}, type accuracy {:.3}, value accuracy {value_acc:.3}, value F1 {:.3}",
        f1(strict),
        f1(relaxed),
        type_ok as f64 / relaxed as f64,
        f1(relaxed) * value_acc
    );
}
