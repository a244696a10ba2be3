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
        eprintln!(
            "skipped: {} not found (the shared corpora are not beside this checkout)",
            root.display()
        );
        None
    }
}

/// The documents of a shared corpus, when present.
pub fn shared_corpus(name: &str) -> Option<Vec<Document>> {
    let path = shared_corpus_path(name)?;
    Some(crate::load::read_jsonl(&path).expect("the shared corpora load"))
}
