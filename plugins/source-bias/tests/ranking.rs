//! Loaded-language rates against human judgements of outlets: ReCOVery's
//! reliability labels (from NewsGuard and Media Bias/Fact Check) for 52
//! outlets of COVID-19 news. Outlets labelled unreliable should use more
//! loaded words in their own voice. Needs ../shared/corpora; says "skipped"
//! without it.

use std::collections::BTreeMap;

use newslens_core::Value;

#[test]
fn unreliable_outlets_use_more_loaded_words_in_their_own_voice() {
    let Some(docs) = newslens_core::testing::shared_corpus("recovery-covid19.jsonl.gz") else {
        return;
    };
    let Some(labels_path) =
        newslens_core::testing::shared_corpus_path("recovery-covid19.sources.tsv")
    else {
        return;
    };
    let labels: BTreeMap<String, bool> = std::fs::read_to_string(labels_path)
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Some((f.first()?.to_string(), *f.get(2)? == "1"))
        })
        .collect();
    let analyzer =
        newslens_source_bias::build(&newslens_core::AnalyzerSettings::for_tests("source-bias"))
            .unwrap();
    let annotated: Vec<_> = docs
        .into_iter()
        .map(newslens_core::testing::annotate_doc)
        .collect();
    let report = newslens_core::run::run_analyzer(analyzer.as_ref(), &annotated, None).unwrap();
    let profile = report.table("profile").unwrap();
    let (mut reliable, mut unreliable) = (Vec::new(), Vec::new());
    for row in &profile.rows {
        if profile.cell(row, "dimension").and_then(Value::as_str) != Some("loaded words, authorial")
        {
            continue;
        }
        let source = profile.cell(row, "source").unwrap().to_string();
        let value = profile.cell(row, "value").unwrap().to_string();
        let rate: f64 = value.split(" per").next().unwrap().parse().unwrap();
        match labels.get(&source) {
            Some(true) => reliable.push(rate),
            Some(false) => unreliable.push(rate),
            None => {}
        }
    }
    // The probability that an unreliable outlet's rate exceeds a reliable one's (ties count half).
    let wins: f64 = unreliable
        .iter()
        .flat_map(|u| {
            reliable.iter().map(move |r| {
                if u > r {
                    1.0
                } else if u == r {
                    0.5
                } else {
                    0.0
                }
            })
        })
        .sum();
    let auc = wins / (reliable.len() * unreliable.len()) as f64;
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    println!(
        "reliable: {} outlets, mean {:.2} per 1k; unreliable: {} outlets, mean {:.2} per 1k; AUC {auc:.3}",
        reliable.len(),
        mean(&reliable),
        unreliable.len(),
        mean(&unreliable)
    );
    assert!(reliable.len() >= 15 && unreliable.len() >= 15);
    // Measured 0.892 with the first 99-term list, 0.910 with the 815-term
    // list of the issue #8 follow-up (2.15 vs 6.66 loaded words per 1,000).
    assert!(auc >= 0.90, "AUC {auc:.3}");
}
