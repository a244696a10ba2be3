//! Casualty figures: who was killed, injured, displaced, missing, kidnapped or
//! detained, how many, according to whom and since when — and where outlets
//! report different figures for the same toll.
//!
//! The map (`extract`) reads each sentence's numbers from the core text layer
//! and keeps those that count victims; the reduce (`compare`) lines the
//! outlets' figures up side by side.
//!
//! ```
//! let analyzer = newslens_casualty_figure::build(&newslens_core::AnalyzerSettings::for_tests("casualty-figure")).unwrap();
//! let doc = newslens_core::testing::annotate("The fighting has displaced about 140,000 people, according to the UN.", None);
//! let report = analyzer.map(&doc);
//! assert_eq!(report.table("figures").unwrap().rows.len(), 1);
//! ```

pub mod compare;
pub mod extract;

use anyhow::Result;
use newslens_core::analyzer::{Fold, StreamingReduce, TableSink};
use newslens_core::{AnalyzerSettings, AnnotatedDoc, ColumnType, Report, Row, Table, Value};
use serde::Deserialize;

newslens_core::register_analyzer!(
    "casualty-figure",
    "Killed, injured and displaced counts, attributed and compared across outlets.",
    build,
    views = [newslens_core::View {
        name: "figures",
        summary: "Every casualty figure with its qualifier, group and source; `figures SOURCE` for one outlet.",
        table: "figures",
        filter: Some("source"),
    }]
);

/// `[analyzers.casualty-figure]` in newslens.toml.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Leave out figures whose sentence names no source ("according to …", "… said").
    pub attributed_only: bool,
}

pub struct CasualtyFigure {
    config: Config,
    /// Where the comparison spills the corpus's figures.
    scratch_dir: std::path::PathBuf,
}

pub fn build(settings: &AnalyzerSettings) -> Result<Box<dyn newslens_core::Analyzer>> {
    Ok(Box::new(CasualtyFigure {
        config: settings.parse()?,
        scratch_dir: settings.scratch_dir(),
    }))
}

/// The `figures` table: one row per reported count. `low`/`high`/`exact` are
/// the bounds the wording asserts ("at least 80": low 80; "up to 80": high 80;
/// a vague "thousands": low 2000, the least the word claims); `value` is the
/// number as written, for comparing approximate figures.
pub fn figures_table() -> Table {
    use ColumnType::*;
    Table::new(
        "figures",
        &[
            ("doc", Text),
            ("source", Text),
            ("published", Date),
            ("kind", Text),
            ("qualifier", Text),
            ("low", Float),
            ("high", Float),
            ("exact", Float),
            ("group", Text),
            ("attributed_to", Text),
            ("period", Text),
            ("text", Text),
            ("start", Int),
            ("end", Int),
            ("value", Float),
        ],
    )
}

impl newslens_core::Analyzer for CasualtyFigure {
    fn name(&self) -> &'static str {
        "casualty-figure"
    }

    fn map(&self, doc: &AnnotatedDoc) -> Report {
        let mut table = figures_table();
        for figure in extract::figures(doc) {
            if self.config.attributed_only && figure.attributed_to.is_none() {
                continue;
            }
            let (low, high, exact) = figure.bounds();
            table.push(
                Row::new(vec![
                    doc.id().into(),
                    doc.source().into(),
                    doc.published().into(),
                    figure.kind.name().into(),
                    figure.qualifier.name().into(),
                    low.into(),
                    high.into(),
                    exact.into(),
                    Value::opt_text(figure.group.clone()),
                    Value::opt_text(figure.attributed_to.clone()),
                    Value::opt_text(figure.period.clone()),
                    doc.slice(figure.span).into(),
                    doc.char_offset(figure.span.start).into(),
                    doc.char_offset(figure.span.end).into(),
                    figure.value.into(),
                ])
                .with_evidence(doc.evidence(figure.span)),
            );
        }
        Report::new(vec![table])
    }

    fn streaming_reduce(&self) -> Option<StreamingReduce> {
        Some(reduce_plan(&self.scratch_dir))
    }
}

/// `figures` passes through; `compare` folds the figures, keeping a few
/// fields of each.
fn reduce_plan(scratch_dir: &std::path::Path) -> StreamingReduce {
    StreamingReduce {
        keep: vec![figures_table()],
        reads: vec!["figures"],
        fold: Box::new(CompareFold(compare::Compare::new(scratch_dir))),
        order: vec!["figures", "compare"],
    }
}

struct CompareFold(compare::Compare);

impl Fold for CompareFold {
    fn add(&mut self, table: &Table, row: &Row) -> Result<()> {
        Ok(self.0.add(table, row)?)
    }

    /// A toll at a time: a batch run writes the table without holding it.
    fn finish_into(self: Box<Self>, out: &mut dyn TableSink) -> Result<()> {
        self.0.finish_into(out)
    }
}

#[cfg(test)]
mod tests;
