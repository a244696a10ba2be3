//! The parity fixture's keys: sentences from corpora that may not be copied
//! into the repository are stored by hash only, with the reference's scores.

/// FNV-1a 64 of the sentence's bytes, as hex.
pub fn sentence_hash(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// The sentences the fixtures cover, as (hash, origin, text): the bundled
/// articles ("seed") and, when `shared` documents are given, up to twenty
/// sentences of every seventh of them ("shared"). Whitespace is folded to
/// single spaces, so the Python reference reads the same string.
pub fn fixture_sentences(
    shared: &[Vec<newslens_core::Document>],
) -> Vec<(String, &'static str, String)> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    let mut emit = |text: &str, origin: &'static str| {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.chars().any(char::is_alphabetic) && seen.insert(text.clone()) {
            out.push((sentence_hash(&text), origin, text));
        }
    };
    for doc in newslens_core::testing::bundled_corpus() {
        for s in &doc.sentences {
            emit(doc.slice(*s), "seed");
        }
    }
    for docs in shared {
        for doc in docs.iter().step_by(7) {
            let doc = newslens_core::testing::annotate_doc(doc.clone());
            for s in doc.sentences.iter().take(20) {
                emit(doc.slice(*s), "shared");
            }
        }
    }
    out
}

/// The shared corpora the fixture draws on, when present.
pub const SHARED: &[&str] = &["fakes-syria.jsonl.gz", "recovery-covid19.jsonl.gz"];
