//! Writes `hash<TAB>origin<TAB>sentence` for the sentences the parity fixture
//! covers; tools/gen_fixture.py scores them with the Python reference.

use newslens_sentiment_lexicon::parity::{fixture_sentences, SHARED};

fn main() {
    let shared: Vec<_> = SHARED
        .iter()
        .filter_map(|name| newslens_core::testing::shared_corpus(name))
        .collect();
    for (hash, origin, text) in fixture_sentences(&shared) {
        println!("{hash}\t{origin}\t{text}");
    }
}
