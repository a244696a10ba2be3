//! Helpers for analyzer tests: annotated text with the bundled gazetteer, the
//! bundled corpus, and the shared corpora when they are present.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use crate::config::Config;
use crate::text::{AnnotatedDoc, Annotator};
use crate::{Document, Meta};

/// The bundled configuration, parsed once.
pub fn bundled_config() -> &'static Config {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    CONFIG.get_or_init(crate::bundled::config)
}

fn annotator() -> &'static Annotator {
    static ANNOTATOR: OnceLock<Annotator> = OnceLock::new();
    ANNOTATOR.get_or_init(|| Annotator::new(Arc::clone(&bundled_config().gazetteer)))
}

/// `text` as a document "test" (source "test"), annotated with the bundled gazetteer.
/// `published` is `YYYY-MM-DD`.
pub fn annotate(text: &str, published: Option<&str>) -> AnnotatedDoc {
    let doc = Document {
        id: "test".into(),
        meta: Meta {
            source: "test".into(),
            published: published.map(|d| d.parse().expect("published is YYYY-MM-DD")),
            ..Meta::default()
        },
        text: text.to_string(),
    };
    annotator().annotate(Arc::new(doc))
}

/// Annotates any document with the bundled gazetteer.
pub fn annotate_doc(doc: Document) -> AnnotatedDoc {
    annotator().annotate(Arc::new(doc))
}

/// The five bundled articles, cleaned and annotated, ids "000" to "004".
pub fn bundled_corpus() -> Vec<AnnotatedDoc> {
    crate::bundled::documents()
        .into_iter()
        .map(|doc| annotator().annotate(doc))
        .collect()
}

/// One bundled article by id.
pub fn bundled(id: &str) -> AnnotatedDoc {
    bundled_corpus()
        .into_iter()
        .find(|d| d.id() == id)
        .expect("a bundled article id, 000 to 004")
}

/// `../shared/corpora/NAME` beside the checkout, when it is there. Tests that
/// need it print a `skipped:` line and pass when it is not.
pub fn shared_corpus_path(name: &str) -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpora")
        .join(name);
    if root.exists() {
        Some(root)
    } else {
        say_skipped(&format!(
            "{} not found (the shared corpora are not beside this checkout)",
            root.display()
        ));
        None
    }
}

/// Prints `skipped: WHY` on standard error past the test harness's output
/// capture (which keeps `eprintln!` of a passing test out of sight), so that
/// `cargo test` tells which tests had nothing to measure.
pub fn say_skipped(why: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "skipped: {why}");
}

/// The documents of a shared corpus, when present.
pub fn shared_corpus(name: &str) -> Option<Vec<Document>> {
    let path = shared_corpus_path(name)?;
    Some(crate::load::read_jsonl(&path).expect("the shared corpora load"))
}

/// Texts for no-panic tests, the same on every run: each of `count` texts
/// joins up to `max_pieces` pieces drawn from `pieces` (the words, numbers
/// and marks an analyzer's rules are made of) with a space, a no-break space
/// or nothing, and every seventh piece is an arbitrary code point instead
/// (control, combining and unassigned ones included).
pub fn random_texts(seed: u64, count: usize, max_pieces: usize, pieces: &[&str]) -> Vec<String> {
    // xorshift64: no crate, and a zero seed would stay zero.
    let mut state = seed | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..count)
        .map(|_| {
            let mut text = String::new();
            let n = next() as usize % (max_pieces + 1);
            for _ in 0..n {
                let r = next();
                if r % 7 == 0 || pieces.is_empty() {
                    text.extend(char::from_u32((r >> 11) as u32 % 0x11_0000));
                } else {
                    text.push_str(pieces[(r >> 3) as usize % pieces.len()]);
                }
                match (r >> 8) % 4 {
                    0 | 1 => text.push(' '),
                    2 => text.push('\u{a0}'),
                    _ => {}
                }
            }
            text
        })
        .collect()
}

/// This thread's user + system CPU time in seconds, where Linux tells it.
/// Benchmarks give rates per CPU-second, since on a shared machine wall time
/// also counts the other tenants' work.
pub fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // The fields after the command name, which is in parentheses and may hold spaces.
    let mut fields = stat.rsplit_once(')')?.1.split_whitespace();
    let utime: f64 = fields.nth(11)?.parse().ok()?;
    let stime: f64 = fields.next()?.parse().ok()?;
    // USER_HZ is 100 on every Linux ABI in use.
    Some((utime + stime) / 100.0)
}

/// (CPU seconds, wall seconds) of `f` on this thread; CPU falls back to wall
/// time where Linux does not tell it.
pub fn cpu_and_wall_seconds(f: impl FnOnce()) -> (f64, f64) {
    let cpu = thread_cpu_seconds();
    let started = std::time::Instant::now();
    f();
    let wall = started.elapsed().as_secs_f64();
    match (cpu, thread_cpu_seconds()) {
        (Some(a), Some(b)) => (b - a, wall),
        _ => (wall, wall),
    }
}

/// Accuracy and macro-averaged F1 of (gold, predicted) pairs over the
/// three classes -1, 0 and 1 (negative, neutral, positive); a class never
/// predicted and never gold adds an F1 of 0.
pub fn accuracy_and_macro_f1(pairs: &[(i8, i8)]) -> (f64, f64) {
    let count = |f: &dyn Fn(i8, i8) -> bool| pairs.iter().filter(|&&(g, p)| f(g, p)).count() as f64;
    let accuracy = count(&|g, p| g == p) / pairs.len().max(1) as f64;
    let f1 = |class: i8| {
        let tp = count(&|g, p| g == class && p == class);
        let predicted = count(&|_, p| p == class);
        let gold = count(&|g, _| g == class);
        if tp == 0.0 {
            0.0
        } else {
            2.0 * tp / (predicted + gold)
        }
    };
    (accuracy, (f1(-1) + f1(0) + f1(1)) / 3.0)
}

/// The median of `values` (the upper one of an even count); sorts them.
pub fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_texts_mix_pieces_and_code_points_and_repeat() {
        let texts = random_texts(7, 200, 20, &["said", "“"]);
        assert_eq!(texts, random_texts(7, 200, 20, &["said", "“"]));
        assert!(texts.iter().any(|t| t.contains("said") && t.contains('“')));
        assert!(texts.iter().any(|t| t
            .chars()
            .any(|c| !c.is_ascii() && c != '“' && c != '\u{a0}')));
        assert!(texts.iter().any(String::is_empty));
        // At most 20 pieces of at most four characters, each with one space.
        assert!(texts.iter().all(|t| t.chars().count() <= 20 * 5));
    }
}

/// A [`TableSink`](crate::analyzer::TableSink) that keeps what a fold's
/// `finish_into` gives: the tables in order, each with the rows that
/// followed its columns. It fails a test on a table given with rows or a
/// row before any table.
#[derive(Default)]
pub struct RecordedTables(pub Vec<crate::Table>);

impl crate::analyzer::TableSink for RecordedTables {
    fn table(&mut self, empty: &crate::Table) -> anyhow::Result<()> {
        assert!(empty.rows.is_empty(), "{} came with rows", empty.name);
        self.0.push(empty.clone());
        Ok(())
    }
    fn row(&mut self, row: crate::Row) -> anyhow::Result<()> {
        self.0
            .last_mut()
            .expect("a row before any table")
            .rows
            .push(row);
        Ok(())
    }
    fn note(&mut self, _: String) -> anyhow::Result<()> {
        Ok(())
    }
}

/// Texts to compare two implementations on: the bundled articles, and the
/// first 300 articles of each shared corpus when it is present.
#[cfg(test)]
pub(crate) fn real_texts() -> Vec<String> {
    let mut texts: Vec<String> = bundled_corpus()
        .iter()
        .map(|d| d.text().to_string())
        .collect();
    for name in ["recovery-covid19.jsonl.gz", "fakes-syria.jsonl.gz"] {
        if let Some(path) = shared_corpus_path(name) {
            let docs = crate::load::load_path(&path, crate::load::LoadOptions::default())
                .expect("corpus loads");
            texts.extend(docs.docs.iter().take(300).map(|d| d.text.clone()));
        }
    }
    texts
}
