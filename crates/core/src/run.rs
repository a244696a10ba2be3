//! Running analyzers: annotate and map in parallel over documents, in
//! document order, then reduce.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::{bail, Result};
use rayon::prelude::*;

use crate::analyzer::Analyzer;
use crate::report::Report;
use crate::text::{AnnotatedDoc, Annotator};
use crate::Document;

/// Annotates documents in parallel; the result is in input order.
pub fn annotate_all(annotator: &Annotator, docs: &[Arc<Document>]) -> Vec<AnnotatedDoc> {
    docs.par_iter()
        .map(|doc| annotator.annotate(Arc::clone(doc)))
        .collect()
}

/// The per-document maps of `analyzer`, concatenated in document order.
/// `cancel` is checked between documents.
pub fn map_all(
    analyzer: &dyn Analyzer,
    docs: &[AnnotatedDoc],
    cancel: Option<&AtomicBool>,
) -> Result<Report> {
    let cancelled = || cancel.is_some_and(|c| c.load(Ordering::Relaxed));
    let maps: Option<Vec<Report>> = docs
        .par_iter()
        .map(|doc| (!cancelled()).then(|| analyzer.map(doc)))
        .collect();
    let Some(maps) = maps else {
        bail!("cancelled");
    };
    let mut merged = match maps.first() {
        Some(first) => Report {
            tables: first.tables.iter().map(|t| t.empty_like()).collect(),
            notes: Vec::new(),
        },
        // No documents: map an empty one for the table schemas.
        None => {
            let gazetteer = Arc::new(crate::config::Gazetteer::default());
            let empty = Annotator::new(gazetteer).annotate(Arc::new(Document {
                id: String::new(),
                meta: Default::default(),
                text: String::new(),
            }));
            let schema = analyzer.map(&empty);
            Report {
                tables: schema.tables.iter().map(|t| t.empty_like()).collect(),
                notes: Vec::new(),
            }
        }
    };
    for map in maps {
        merged.append(map);
    }
    Ok(merged)
}

/// Map then reduce: the analyzer's final report over `docs`.
pub fn run_analyzer(
    analyzer: &dyn Analyzer,
    docs: &[AnnotatedDoc],
    cancel: Option<&AtomicBool>,
) -> Result<Report> {
    let mapped = map_all(analyzer, docs, cancel)?;
    analyzer.reduce(mapped)
}
