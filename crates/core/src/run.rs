//! Running analyzers: annotate and map in parallel over documents, in
//! document order, then reduce.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::{anyhow, Result};
use rayon::prelude::*;

use crate::analyzer::{Analyzer, PartFolder};
use crate::report::Report;
use crate::text::{AnnotatedDoc, Annotator};
use crate::Document;

/// Told how many documents are done, now and then, as a long run goes
/// (the REPL's progress line); called on the thread that started the run.
pub type Progress<'a> = &'a dyn Fn(usize);

/// Documents annotated between two calls of a [`Progress`].
const PROGRESS_SLICE: usize = 1024;

/// Annotates documents in parallel; the result is in input order.
pub fn annotate_all(annotator: &Annotator, docs: &[Arc<Document>]) -> Vec<AnnotatedDoc> {
    annotate_all_reporting(annotator, docs, None)
}

/// [`annotate_all`], telling `progress` how many are done a slice at a time.
pub fn annotate_all_reporting(
    annotator: &Annotator,
    docs: &[Arc<Document>],
    progress: Option<Progress<'_>>,
) -> Vec<AnnotatedDoc> {
    let annotate = |docs: &[Arc<Document>]| {
        docs.par_iter()
            .map(|doc| annotator.annotate(Arc::clone(doc)))
            .collect::<Vec<_>>()
    };
    let Some(progress) = progress else {
        return annotate(docs);
    };
    let mut annotated = Vec::with_capacity(docs.len());
    for slice in docs.chunks(PROGRESS_SLICE) {
        annotated.extend(annotate(slice));
        progress(annotated.len());
    }
    annotated
}

/// The per-document maps of `analyzer`, concatenated in document order.
/// `cancel` is checked between documents.
pub fn map_all(
    analyzer: &dyn Analyzer,
    docs: &[AnnotatedDoc],
    cancel: Option<&AtomicBool>,
) -> Result<Report> {
    let maps = map_each(analyzer, docs, cancel)?;
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
///
/// An analyzer with a [`StreamingReduce`](crate::analyzer::StreamingReduce)
/// has its documents mapped a slice at a time and each slice folded, in
/// document order, while the next one is mapped, as a batch run folds a
/// part while the next is mapped: the fold reads rows mapped a moment ago,
/// and only the kept tables are held for the whole corpus. Other analyzers
/// have every map gathered for their `reduce`.
pub fn run_analyzer(
    analyzer: &dyn Analyzer,
    docs: &[AnnotatedDoc],
    cancel: Option<&AtomicBool>,
) -> Result<Report> {
    run_analyzer_reporting(analyzer, docs, cancel, None)
}

/// [`run_analyzer`], telling `progress` how many documents are mapped as
/// the slices go (an analyzer without a streaming plan: once, when all are).
pub fn run_analyzer_reporting(
    analyzer: &dyn Analyzer,
    docs: &[AnnotatedDoc],
    cancel: Option<&AtomicBool>,
    progress: Option<Progress<'_>>,
) -> Result<Report> {
    let tell_progress = |done: usize| {
        if let Some(progress) = progress {
            progress(done);
        }
    };
    let plan = match analyzer.streaming_reduce() {
        Some(plan) if !docs.is_empty() => plan,
        _ => {
            let maps = map_all(analyzer, docs, cancel)?;
            tell_progress(docs.len());
            return analyzer.reduce(maps);
        }
    };
    let mut folder = PartFolder::new(plan);
    // Enough documents per thread that the threads rarely wait for each
    // other at a slice's end, few enough that a slice's maps stay in cache.
    let slice = FOLD_SLICE_PER_THREAD * rayon::current_num_threads();
    let fold = |folder: &mut PartFolder, maps: Vec<Report>| -> Result<()> {
        maps.into_iter().try_for_each(|map| folder.add(map))
    };
    // The fold is one thread's work, in document order: it folds a slice
    // while the other threads map the next one, rather than leave them idle.
    let mut previous: Option<Vec<Report>> = None;
    let mut mapped_so_far = 0;
    for docs in docs.chunks(slice) {
        let maps = previous.take();
        let (folded, mapped) = rayon::join(
            || maps.map_or(Ok(()), |maps| fold(&mut folder, maps)),
            || map_each(analyzer, docs, cancel),
        );
        folded?;
        previous = Some(mapped?);
        mapped_so_far += docs.len();
        tell_progress(mapped_so_far);
    }
    if let Some(maps) = previous {
        fold(&mut folder, maps)?;
    }
    folder.finish()
}

const FOLD_SLICE_PER_THREAD: usize = 16;

/// Each document's map, in parallel and in document order; `cancel` is
/// checked between documents.
fn map_each(
    analyzer: &dyn Analyzer,
    docs: &[AnnotatedDoc],
    cancel: Option<&AtomicBool>,
) -> Result<Vec<Report>> {
    let cancelled = || cancel.is_some_and(|c| c.load(Ordering::Relaxed));
    docs.par_iter()
        .map(|doc| (!cancelled()).then(|| analyzer.map(doc)))
        .collect::<Option<Vec<Report>>>()
        .ok_or_else(|| anyhow!("cancelled"))
}
