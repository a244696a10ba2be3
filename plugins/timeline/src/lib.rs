//! Timeline: what happened when, according to whom. Temporal expressions
//! (TIMEX3) are found and normalised per document (`timex`); each dated
//! clause becomes an event (`events`); the reduce (`merge`) joins the
//! reports of one event across outlets and flags where their dates disagree.
//!
//! ```
//! let analyzer = newslens_timeline::build(&newslens_core::AnalyzerSettings::for_tests("timeline")).unwrap();
//! let doc = newslens_core::testing::annotate("On Tuesday, rockets hit the port of Tripoli.", Some("2020-02-19"));
//! let report = analyzer.map(&doc);
//! let timexes = report.table("timexes").unwrap();
//! assert_eq!(timexes.rows[0].cells[5].to_string(), "2020-02-18");
//! ```

pub mod events;
pub mod merge;
pub mod timex;
pub mod words;

use anyhow::Result;
use newslens_core::analyzer::{Fold, StreamingReduce, TableSink};
use newslens_core::{AnalyzerSettings, AnnotatedDoc, ColumnType, Report, Row, Table};
use serde::Deserialize;

newslens_core::register_analyzer!(
    "timeline",
    "Dated events from every outlet, merged into one timeline with disagreements flagged.",
    build,
    views = [newslens_core::View {
        name: "timeline",
        summary: "The merged timeline: each event's date, the outlets that report it and how they wrote the date.",
        table: "timeline",
        filter: None,
    }]
);

/// `[analyzers.timeline]` in newslens.toml.
#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Days apart within which two outlets' dates for one event count as a disagreement.
    pub disagreement_window_days: i64,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            disagreement_window_days: 3,
        }
    }
}

pub struct Timeline {
    config: Config,
    /// Where the merge's external sorts keep their files (a batch run's `--tmp-dir`).
    scratch_dir: std::path::PathBuf,
}

pub fn build(settings: &AnalyzerSettings) -> Result<Box<dyn newslens_core::Analyzer>> {
    Ok(Box::new(Timeline {
        config: settings.parse()?,
        scratch_dir: settings.scratch_dir(),
    }))
}

pub fn timexes_table() -> Table {
    use ColumnType::*;
    Table::new(
        "timexes",
        &[
            ("doc", Text),
            ("start", Int),
            ("end", Int),
            ("text", Text),
            ("type", Text),
            ("value", Text),
        ],
    )
}

impl newslens_core::Analyzer for Timeline {
    fn name(&self) -> &'static str {
        "timeline"
    }

    fn map(&self, doc: &AnnotatedDoc) -> Report {
        // Both the tagger and the event rules read every token lower-cased.
        let words = doc.words();
        let found = timex::tag(&words);
        // Each timex's evidence holds its span's character offsets: counted
        // once, for its row and its event's.
        let mut evidence = Vec::with_capacity(found.len());
        for t in &found {
            evidence.push(doc.evidence(t.span));
        }
        let events = events::events_with_evidence(&words, &found, &evidence);
        let mut timexes = timexes_table();
        // The events are read off the timexes first, so their values move into the rows.
        for (t, evidence) in found.into_iter().zip(evidence) {
            timexes.push(
                Row::new(vec![
                    doc.id().into(),
                    evidence.start.into(),
                    evidence.end.into(),
                    doc.slice(t.span).into(),
                    t.kind.name().into(),
                    t.value.into(),
                ])
                .with_evidence(evidence),
            );
        }
        Report::new(vec![timexes, events])
    }

    /// `events` and `timexes` pass through; `timeline` folds the events,
    /// keeping what the merge needs of each.
    fn streaming_reduce(&self) -> Option<StreamingReduce> {
        Some(StreamingReduce {
            keep: vec![events::events_table(), timexes_table()],
            reads: vec!["events"],
            fold: Box::new(MergeFold {
                merge: merge::Merge::new(&self.scratch_dir),
                window_days: self.config.disagreement_window_days,
            }),
            order: vec!["timeline", "events", "timexes"],
        })
    }
}

struct MergeFold {
    merge: merge::Merge,
    window_days: i64,
}

impl Fold for MergeFold {
    fn add(&mut self, table: &Table, row: &Row) -> Result<()> {
        Ok(self.merge.add(table, row)?)
    }

    /// The timeline a row at a time: a batch run writes it without holding it.
    fn finish_into(self: Box<Self>, out: &mut dyn TableSink) -> Result<()> {
        self.merge.finish_into(self.window_days, out)
    }
}

/// A cell as text ("" for null), for the tests' checks.
#[cfg(test)]
pub(crate) fn text(table: &Table, row: &Row, column: &str) -> String {
    table
        .cell(row, column)
        .map(newslens_core::Value::to_string)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
