//! Prints the tagger's misses, false alarms and wrong values on the TimeML
//! training newswire, for developing the rules.
use std::io::BufRead;
fn main() {
    let Some(path) = newslens_core::testing::shared_corpus_path("timeml-train.jsonl.gz") else {
        return;
    };
    let reader = std::io::BufReader::new(flate2::read::MultiGzDecoder::new(
        std::fs::File::open(path).unwrap(),
    ));
    for line in reader.lines() {
        let record: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
        let text = record["text"].as_str().unwrap();
        let doc = newslens_core::testing::annotate(text, record["published"].as_str());
        let found = newslens_timeline::timex::timexes(&doc);
        let gold = record["timexes"].as_array().unwrap();
        let chars: Vec<char> = text.chars().collect();
        let g_text = |g: &serde_json::Value| {
            chars[g["start"].as_u64().unwrap() as usize..g["end"].as_u64().unwrap() as usize]
                .iter()
                .collect::<String>()
        };
        for t in &found {
            let (s, e) = (doc.char_offset(t.span.start), doc.char_offset(t.span.end));
            match gold.iter().find(|g| {
                (g["start"].as_u64().unwrap() as usize) < e
                    && s < g["end"].as_u64().unwrap() as usize
            }) {
                None => println!("FP\t{}\t{}\t{}", doc.slice(t.span), t.kind.name(), t.value),
                Some(g) if g["value"] != t.value.as_str() => println!(
                    "VAL\t{}\t{}\tgold {} {}\tours {} {}\t{}",
                    doc.slice(t.span),
                    g_text(g),
                    g["type"],
                    g["value"],
                    t.kind.name(),
                    t.value,
                    record["published"]
                ),
                _ => {}
            }
        }
        for g in gold {
            let (gs, ge) = (
                g["start"].as_u64().unwrap() as usize,
                g["end"].as_u64().unwrap() as usize,
            );
            if !found
                .iter()
                .any(|t| doc.char_offset(t.span.start) < ge && gs < doc.char_offset(t.span.end))
            {
                println!("FN\t{}\t{}\t{}", g_text(g), g["type"], g["value"]);
            }
        }
    }
}
