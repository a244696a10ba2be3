//! The `Analyzer` trait and the registry that plugins join through `inventory`.

use std::collections::BTreeMap;

use anyhow::{bail, Result};

use crate::config::AnalyzerSettings;
use crate::report::{Evidence, Report, Row, Table, Value};
use crate::text::AnnotatedDoc;

/// An analysis over a corpus, split into a per-document map and a
/// corpus-level reduce.
///
/// The map is a pure function of one annotated document, so documents run in
/// parallel and a batch run can stream millions of them. The reduce sees only
/// the concatenated map tables — never the corpus — so the same reduce serves
/// the REPL, a streaming batch run and shards merged later.
pub trait Analyzer: Send + Sync {
    fn name(&self) -> &'static str;

    /// This document's rows of the per-document tables. Always returns the
    /// same tables (names and columns), even when they have no rows.
    fn map(&self, doc: &AnnotatedDoc) -> Report;

    /// The final tables, from the map tables of every document in corpus
    /// order. By default the [`streaming_reduce`](Analyzer::streaming_reduce)
    /// plan run over them, or the map tables as they are when there is none.
    /// An analyzer with a plan is reduced through the plan by the REPL's
    /// `run` and by a batch run alike, which fold its maps as they come and
    /// never call this; an override must therefore give the plan's tables.
    fn reduce(&self, mapped: Report) -> Result<Report> {
        match self.streaming_reduce() {
            Some(plan) => fold_report(plan, mapped),
            None => Ok(mapped),
        }
    }

    /// The reduce as a fold over map rows, for a batch run whose map tables
    /// do not fit in memory. `None` (the default) makes a batch run read the
    /// analyzer's map tables whole and call [`reduce`](Analyzer::reduce).
    /// An analyzer with a plan need not write `reduce`: the default runs the
    /// plan, so the REPL and a batch run share one reduce.
    fn streaming_reduce(&self) -> Option<StreamingReduce> {
        None
    }
}

/// A reduce that keeps compact state instead of the map tables: map tables
/// that pass unchanged into the result are written by the caller row by row,
/// and the rows of the tables it `reads` are folded one at a time.
pub struct StreamingReduce {
    /// Map tables that are also reduced tables, unchanged (`figures`), as
    /// empty tables with their columns, for when there are no map rows.
    pub keep: Vec<Table>,
    /// The map tables the fold reads. Each table's rows arrive in corpus
    /// order, and a document's rows of an earlier entry before its rows of a
    /// later one; see [`Fold`] for how the tables may interleave.
    pub reads: Vec<&'static str>,
    pub fold: Box<dyn Fold>,
    /// Every reduced table's name, in the order `reduce` returns them.
    pub order: Vec<&'static str>,
}

/// The state of a [`StreamingReduce`].
///
/// Rows may come in two orders, and a fold must give the same tables for
/// both: a whole table of [`reads`](StreamingReduce::reads) after another
/// (a reduce over map files, which reads one file at a time), or a part of
/// the corpus at a time, each part's tables in `reads` order (a batch run,
/// which folds the rows as it maps them, so its map files are never read
/// back). [`fold_part`] gives one part.
pub trait Fold: Send {
    /// One map row; `table` gives the name and columns (its own rows may be empty).
    fn add(&mut self, table: &Table, row: &Row) -> Result<()>;
    /// The reduced tables that are not kept map tables, given to `out` a
    /// row at a time, so a batch run writes a large reduced table without
    /// holding it. A fold whose tables are small may build them whole and
    /// hand them over with [`TableSink::write_report`].
    fn finish_into(self: Box<Self>, out: &mut dyn TableSink) -> Result<()>;
    /// The tables of [`finish_into`](Fold::finish_into), held in memory.
    fn finish(self: Box<Self>) -> Result<Report> {
        let mut sink = ReportSink::default();
        self.finish_into(&mut sink)?;
        Ok(sink.into_report())
    }
}

/// Where [`Fold::finish_into`] puts the reduced tables: each table's name
/// and columns (an empty table), then its rows, before the next table.
/// Each table comes once; notes may come at any point.
pub trait TableSink {
    fn table(&mut self, empty: &Table) -> Result<()>;
    /// A row of the table last begun.
    fn row(&mut self, row: Row) -> Result<()>;
    fn note(&mut self, note: String) -> Result<()>;

    /// A row of the table last begun whose last cell, a text, and evidence
    /// may be larger than memory should hold: a cell that lists every
    /// report of something a whole corpus reports. `head` is every cell
    /// but the last; `pieces` gives the last cell's text, then the
    /// evidence, to the function it is handed. By default the pieces are
    /// gathered into one row for [`row`](TableSink::row); a sink that
    /// writes files writes them as they come.
    fn row_in_pieces(&mut self, head: Vec<Value>, pieces: &mut Pieces<'_>) -> Result<()> {
        let row = gather_pieces(head, pieces)?;
        self.row(row)
    }

    /// A whole table: its columns, then its rows.
    fn write_table(&mut self, table: Table) -> Result<()> {
        let Table {
            name,
            columns,
            rows,
        } = table;
        self.table(&Table {
            name,
            columns,
            rows: Vec::new(),
        })?;
        for row in rows {
            self.row(row)?;
        }
        Ok(())
    }

    /// Every table of `report`, each whole, then its notes.
    fn write_report(&mut self, report: Report) -> Result<()> {
        for table in report.tables {
            self.write_table(table)?;
        }
        for note in report.notes {
            self.note(note)?;
        }
        Ok(())
    }
}

/// A part of a row given with [`TableSink::row_in_pieces`]: every piece of
/// the last cell's text comes before the first piece of evidence.
pub enum Piece<'a> {
    Text(&'a str),
    Evidence(Evidence),
}

/// What gives a row's pieces, in order, to the function it is handed.
pub type Pieces<'a> = dyn FnMut(&mut dyn FnMut(Piece<'_>) -> Result<()>) -> Result<()> + 'a;

/// The row of [`TableSink::row_in_pieces`], held whole.
pub fn gather_pieces(head: Vec<Value>, pieces: &mut Pieces<'_>) -> Result<Row> {
    let mut text = String::new();
    let mut evidence = Vec::new();
    pieces(&mut |piece| {
        match piece {
            Piece::Text(more) if evidence.is_empty() => text.push_str(more),
            Piece::Text(_) => bail!("a row's text after its evidence"),
            Piece::Evidence(e) => evidence.push(e),
        }
        Ok(())
    })?;
    let mut cells = head;
    cells.push(Value::text(text));
    let mut row = Row::new(cells);
    row.evidence = evidence;
    Ok(row)
}

/// A [`TableSink`] that collects the tables into a [`Report`], in the order
/// they came.
#[derive(Default)]
pub struct ReportSink {
    report: Report,
}

impl ReportSink {
    pub fn into_report(self) -> Report {
        self.report
    }
}

impl TableSink for ReportSink {
    fn table(&mut self, empty: &Table) -> Result<()> {
        if self.report.table(&empty.name).is_some() {
            bail!("the reduce gave the table {:?} twice", empty.name);
        }
        self.report.tables.push(empty.empty_like());
        Ok(())
    }

    fn row(&mut self, row: Row) -> Result<()> {
        match self.report.tables.last_mut() {
            Some(table) => {
                table.push(row);
                Ok(())
            }
            None => bail!("the reduce gave a row before any table"),
        }
    }

    fn note(&mut self, note: String) -> Result<()> {
        self.report.notes.push(note);
        Ok(())
    }
}

/// Gives `fold` the rows of `mapped`'s tables named in `reads`, a table at a
/// time in `reads` order: one part of the corpus, as a batch run folds it.
pub fn fold_part(fold: &mut dyn Fold, reads: &[&str], mapped: &Report) -> Result<()> {
    for name in reads {
        if let Some(table) = mapped.table(name) {
            for row in &table.rows {
                fold.add(table, row)?;
            }
        }
    }
    Ok(())
}

/// Runs a streaming reduce over map tables held in memory, so the REPL and a
/// batch run share one reduce.
pub fn fold_report(plan: StreamingReduce, mapped: Report) -> Result<Report> {
    fold_parts(plan, vec![mapped])
}

/// Runs a streaming reduce over the map tables of consecutive parts of a
/// corpus, folding one part after another as a batch run does; kept tables
/// are the parts' rows concatenated.
pub fn fold_parts(plan: StreamingReduce, parts: Vec<Report>) -> Result<Report> {
    let mut folder = PartFolder::new(plan);
    for part in parts {
        folder.add(part)?;
    }
    folder.finish()
}

/// A [`StreamingReduce`] fed one part of the corpus at a time, in corpus
/// order: each part is folded and its kept tables set aside as it comes, so
/// the rows the fold reads are dropped while still in cache instead of
/// being gathered for the whole corpus first.
pub struct PartFolder {
    /// The kept tables so far; `None` until a part brings one, so the
    /// table's columns are the map's own and the plan's empty one is used
    /// only for a corpus whose maps never gave it.
    kept: Vec<(Table, Option<Table>)>,
    reads: Vec<&'static str>,
    fold: Box<dyn Fold>,
    order: Vec<&'static str>,
    notes: Vec<String>,
}

impl PartFolder {
    pub fn new(plan: StreamingReduce) -> PartFolder {
        let StreamingReduce {
            keep,
            reads,
            fold,
            order,
        } = plan;
        PartFolder {
            kept: keep.into_iter().map(|empty| (empty, None)).collect(),
            reads,
            fold,
            order,
            notes: Vec::new(),
        }
    }

    /// Folds the next part's map tables and keeps the tables the plan keeps.
    pub fn add(&mut self, mut part: Report) -> Result<()> {
        fold_part(self.fold.as_mut(), &self.reads, &part)?;
        for (empty, kept) in &mut self.kept {
            if let Some(table) = part.take_table(&empty.name) {
                match kept {
                    Some(kept) => kept.rows.extend(table.rows),
                    None => *kept = Some(table),
                }
            }
        }
        self.notes.append(&mut part.notes);
        Ok(())
    }

    /// The reduced tables in the plan's order: the fold's own and the kept
    /// ones; the parts' notes before the fold's.
    pub fn finish(self) -> Result<Report> {
        let PartFolder {
            kept,
            fold,
            order,
            mut notes,
            ..
        } = self;
        let mut folded = fold.finish()?;
        let mut kept: Vec<Table> = kept
            .into_iter()
            .map(|(empty, kept)| kept.unwrap_or(empty))
            .collect();
        let mut tables = Vec::with_capacity(order.len());
        for name in order {
            if let Some(i) = kept.iter().position(|t| t.name == name) {
                tables.push(kept.remove(i));
            } else if let Some(table) = folded.take_table(name) {
                tables.push(table);
            } else {
                bail!("the reduce gave no table {name:?}");
            }
        }
        notes.append(&mut folded.notes);
        Ok(Report { tables, notes })
    }
}

/// How a plugin makes itself known; submitted with [`register_analyzer!`](crate::register_analyzer).
pub struct Registration {
    /// kebab-case; the same as the crate's directory under `plugins/`.
    pub name: &'static str,
    /// One sentence, for `analyzers` and `help`.
    pub summary: &'static str,
    /// Checks the configuration and compiles patterns once.
    pub build: fn(&AnalyzerSettings) -> Result<Box<dyn Analyzer>>,
    /// Shortcuts the REPL offers as commands of their own (`timeline`, `profile SOURCE`).
    pub views: &'static [View],
}

/// A named way to look at one of an analyzer's tables: `NAME [ARG]` in the
/// REPL shows `table`, keeping the rows whose `filter` column contains ARG.
#[derive(Debug)]
pub struct View {
    pub name: &'static str,
    /// One sentence, for `help`.
    pub summary: &'static str,
    pub table: &'static str,
    /// The column an optional argument filters on (case-insensitive contains).
    pub filter: Option<&'static str>,
}

inventory::collect!(Registration);

/// Registers an analyzer:
/// `newslens_core::register_analyzer!("timeline", "Dated events merged across outlets.", build);`
/// with, optionally, REPL views of its tables:
/// `newslens_core::register_analyzer!("timeline", "…", build, views = [View { name: "timeline", … }]);`
#[macro_export]
macro_rules! register_analyzer {
    ($name:literal, $summary:literal, $build:path) => {
        $crate::__private::inventory::submit! {
            $crate::Registration { name: $name, summary: $summary, build: $build, views: &[] }
        }
    };
    ($name:literal, $summary:literal, $build:path, views = [$($view:expr),* $(,)?]) => {
        $crate::__private::inventory::submit! {
            $crate::Registration { name: $name, summary: $summary, build: $build, views: &[$($view),*] }
        }
    };
}

/// The registered analyzers, sorted by name.
pub struct Registry {
    entries: BTreeMap<&'static str, &'static Registration>,
}

impl Registry {
    /// Every analyzer linked into this binary. Fails on a duplicate name.
    pub fn linked() -> Result<Registry> {
        Registry::from_registrations(inventory::iter::<Registration>)
    }

    pub fn from_registrations(
        registrations: impl IntoIterator<Item = &'static Registration>,
    ) -> Result<Registry> {
        let mut entries = BTreeMap::new();
        for registration in registrations {
            if entries.insert(registration.name, registration).is_some() {
                bail!("two analyzers are registered as {:?}", registration.name);
            }
        }
        Ok(Registry { entries })
    }

    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.entries.keys().copied()
    }

    pub fn iter(&self) -> impl Iterator<Item = &'static Registration> + '_ {
        self.entries.values().copied()
    }

    pub fn get(&self, name: &str) -> Result<&'static Registration> {
        match self.entries.get(name) {
            Some(registration) => Ok(registration),
            None => {
                let known: Vec<&str> = self.names().collect();
                bail!("unknown analyzer `{name}` (known: {})", known.join(", "))
            }
        }
    }

    /// Every view of every analyzer, with the analyzer that owns it, sorted by view name.
    pub fn views(&self) -> Vec<(&'static str, &'static View)> {
        let mut views: Vec<(&'static str, &'static View)> = self
            .iter()
            .flat_map(|r| r.views.iter().map(move |v| (r.name, v)))
            .collect();
        views.sort_by_key(|(_, v)| v.name);
        views
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{ColumnType, Value};

    struct Toy;
    impl Analyzer for Toy {
        fn name(&self) -> &'static str {
            "toy"
        }
        fn map(&self, doc: &AnnotatedDoc) -> Report {
            let mut t = Table::new(
                "lengths",
                &[("doc", ColumnType::Text), ("bytes", ColumnType::Int)],
            );
            t.push(Row::new(vec![doc.id().into(), doc.text().len().into()]));
            Report::new(vec![t])
        }
    }
    fn build_toy(_: &AnalyzerSettings) -> Result<Box<dyn Analyzer>> {
        Ok(Box::new(Toy))
    }
    static TOY: Registration = Registration {
        name: "toy",
        summary: "A toy.",
        build: build_toy,
        views: &[],
    };
    static OTHER: Registration = Registration {
        name: "alpha",
        summary: "Another.",
        build: build_toy,
        views: &[],
    };

    #[test]
    fn registry_is_sorted_and_rejects_duplicates() {
        let registry = Registry::from_registrations([&TOY, &OTHER]).unwrap();
        assert_eq!(registry.names().collect::<Vec<_>>(), ["alpha", "toy"]);
        let error = registry.get("toyy").err().unwrap().to_string();
        assert_eq!(error, "unknown analyzer `toyy` (known: alpha, toy)");
        assert!(Registry::from_registrations([&TOY, &TOY]).is_err());
    }

    #[test]
    fn a_toy_analyzer_runs_over_the_bundled_corpus_in_order() {
        let analyzer = (TOY.build)(&AnalyzerSettings::for_tests("toy")).unwrap();
        let docs = crate::testing::bundled_corpus();
        let report = crate::run::run_analyzer(analyzer.as_ref(), &docs, None).unwrap();
        let ids: Vec<String> = report.tables[0]
            .rows
            .iter()
            .map(|r| r.cells[0].to_string())
            .collect();
        assert_eq!(ids, ["000", "001", "002", "003", "004"]);
        // A cancelled run stops between documents with an error.
        let cancel = std::sync::atomic::AtomicBool::new(true);
        let error = crate::run::run_analyzer(analyzer.as_ref(), &docs, Some(&cancel)).unwrap_err();
        assert_eq!(error.to_string(), "cancelled");
        // An empty corpus still gives the tables, with no rows.
        let empty = crate::run::run_analyzer(analyzer.as_ref(), &[], None).unwrap();
        assert_eq!(empty.tables.len(), 1);
        assert!(empty.tables[0].rows.is_empty());
    }

    /// Sums the byte counts of the toy's map as a fold.
    struct Total(i64);
    impl Fold for Total {
        fn add(&mut self, table: &Table, row: &Row) -> Result<()> {
            self.0 += table
                .cell(row, "bytes")
                .and_then(|v| v.as_i64())
                .unwrap_or(0);
            Ok(())
        }
        fn finish_into(self: Box<Self>, out: &mut dyn TableSink) -> Result<()> {
            let mut t = Table::new("total", &[("bytes", ColumnType::Int)]);
            t.push(Row::new(vec![self.0.into()]));
            out.write_report(Report::new(vec![t]))
        }
    }

    #[test]
    fn a_fold_keeps_map_tables_and_adds_its_own_in_order() {
        let docs = crate::testing::bundled_corpus();
        let mapped = crate::run::map_all(&Toy, &docs, None).unwrap();
        let lengths = mapped.tables[0].clone();
        let plan = || StreamingReduce {
            keep: vec![lengths.empty_like()],
            reads: vec!["lengths"],
            fold: Box::new(Total(0)),
            order: vec!["total", "lengths"],
        };
        let report = fold_report(plan(), mapped).unwrap();
        let names: Vec<&str> = report.tables.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["total", "lengths"]);
        assert_eq!(report.tables[1], lengths);
        let sum: usize = docs.iter().map(|d| d.text().len()).sum();
        assert_eq!(report.tables[0].rows[0].cells[0], Value::Int(sum as i64));
        // No map tables at all: the kept table is there, empty.
        let empty = fold_report(plan(), Report::default()).unwrap();
        assert!(empty.tables[1].rows.is_empty());
        assert_eq!(empty.tables[0].rows[0].cells[0], Value::Int(0));
    }

    /// The toy with the [`Total`] plan as its reduce.
    struct PlannedToy;
    impl Analyzer for PlannedToy {
        fn name(&self) -> &'static str {
            "planned-toy"
        }
        fn map(&self, doc: &AnnotatedDoc) -> Report {
            Toy.map(doc)
        }
        fn streaming_reduce(&self) -> Option<StreamingReduce> {
            Some(StreamingReduce {
                keep: vec![Table::new(
                    "lengths",
                    &[("doc", ColumnType::Text), ("bytes", ColumnType::Int)],
                )],
                reads: vec!["lengths"],
                fold: Box::new(Total(0)),
                order: vec!["total", "lengths"],
            })
        }
    }

    #[test]
    fn run_analyzer_folding_slice_by_slice_gives_the_whole_fold() {
        // Enough documents for many slices, whatever the thread count.
        let bundled = crate::testing::bundled_corpus();
        let docs: Vec<AnnotatedDoc> = (0..200).flat_map(|_| bundled.iter().cloned()).collect();
        let run = crate::run::run_analyzer(&PlannedToy, &docs, None).unwrap();
        let whole = PlannedToy
            .reduce(crate::run::map_all(&PlannedToy, &docs, None).unwrap())
            .unwrap();
        assert_eq!(run, whole);
        assert_eq!(run.tables[1].rows.len(), 1000);
        let sum: usize = docs.iter().map(|d| d.text().len()).sum();
        assert_eq!(run.tables[0].rows[0].cells[0], Value::Int(sum as i64));
        let cancel = std::sync::atomic::AtomicBool::new(true);
        let error = crate::run::run_analyzer(&PlannedToy, &docs, Some(&cancel)).unwrap_err();
        assert_eq!(error.to_string(), "cancelled");
    }

    #[test]
    fn a_run_tells_its_progress_slice_by_slice_and_ends_at_every_document() {
        let bundled = crate::testing::bundled_corpus();
        let docs: Vec<AnnotatedDoc> = (0..200).flat_map(|_| bundled.iter().cloned()).collect();
        let told = std::cell::RefCell::new(Vec::new());
        let progress = |done: usize| told.borrow_mut().push(done);
        let run =
            crate::run::run_analyzer_reporting(&PlannedToy, &docs, None, Some(&progress)).unwrap();
        assert_eq!(
            run,
            crate::run::run_analyzer(&PlannedToy, &docs, None).unwrap()
        );
        let told = told.take();
        assert!(told.len() > 1, "{told:?}");
        assert!(told.windows(2).all(|w| w[0] < w[1]), "{told:?}");
        assert_eq!(told.last(), Some(&docs.len()));
        // Without a streaming plan: once, when every document is mapped.
        let told = std::cell::RefCell::new(Vec::new());
        let progress = |done: usize| told.borrow_mut().push(done);
        crate::run::run_analyzer_reporting(&Toy, &docs, None, Some(&progress)).unwrap();
        assert_eq!(told.take(), [docs.len()]);
        // Annotation, a slice of documents at a time, in input order.
        let raw: Vec<std::sync::Arc<crate::Document>> =
            docs.iter().map(|d| std::sync::Arc::clone(&d.doc)).collect();
        let told = std::cell::RefCell::new(Vec::new());
        let progress = |done: usize| told.borrow_mut().push(done);
        let annotator = crate::text::Annotator::new(std::sync::Arc::clone(&docs[0].gazetteer));
        let annotated = crate::run::annotate_all_reporting(&annotator, &raw, Some(&progress));
        assert_eq!(annotated.len(), docs.len());
        assert!(annotated.iter().zip(&docs).all(|(a, d)| a.id() == d.id()));
        let told = told.take();
        assert_eq!(told.last(), Some(&docs.len()));
        assert!(told.windows(2).all(|w| w[0] < w[1]), "{told:?}");
    }

    /// Records what a sink is given, in order.
    #[derive(Default)]
    struct Log(Vec<String>);
    impl TableSink for Log {
        fn table(&mut self, empty: &Table) -> Result<()> {
            let columns: Vec<&str> = empty.columns.iter().map(|c| c.name.as_str()).collect();
            self.0
                .push(format!("table {} {}", empty.name, columns.join(",")));
            assert!(empty.rows.is_empty());
            Ok(())
        }
        fn row(&mut self, row: Row) -> Result<()> {
            self.0.push(format!("row {}", row.cells[0]));
            Ok(())
        }
        fn note(&mut self, note: String) -> Result<()> {
            self.0.push(format!("note {note}"));
            Ok(())
        }
    }

    /// A fold that builds two tables and a note whole and hands them over.
    struct Two;
    impl Fold for Two {
        fn add(&mut self, _: &Table, _: &Row) -> Result<()> {
            Ok(())
        }
        fn finish_into(self: Box<Self>, out: &mut dyn TableSink) -> Result<()> {
            let mut a = Table::new("a", &[("x", ColumnType::Int)]);
            a.push(Row::new(vec![1i64.into()]));
            a.push(Row::new(vec![2i64.into()]));
            let b = Table::new("b", &[("y", ColumnType::Text), ("z", ColumnType::Int)]);
            let mut report = Report::new(vec![a, b]);
            report.notes.push("half done".into());
            out.write_report(report)
        }
    }

    #[test]
    fn write_report_gives_each_table_before_its_rows() {
        let mut log = Log::default();
        Box::new(Two).finish_into(&mut log).unwrap();
        assert_eq!(
            log.0,
            [
                "table a x",
                "row 1",
                "row 2",
                "table b y,z",
                "note half done"
            ]
        );
    }

    /// Emits its total as rows one by one.
    struct Streamed(Total);
    impl Fold for Streamed {
        fn add(&mut self, table: &Table, row: &Row) -> Result<()> {
            self.0.add(table, row)
        }
        fn finish_into(self: Box<Self>, out: &mut dyn TableSink) -> Result<()> {
            out.note("streamed".into())?;
            out.table(&Table::new("total", &[("bytes", ColumnType::Int)]))?;
            out.row(Row::new(vec![self.0 .0.into()]))
        }
    }

    #[test]
    fn fold_report_collects_a_streamed_finish_like_a_whole_one() {
        let docs = crate::testing::bundled_corpus();
        let mapped = crate::run::map_all(&Toy, &docs, None).unwrap();
        let plan = |fold: Box<dyn Fold>| StreamingReduce {
            keep: vec![mapped.tables[0].empty_like()],
            reads: vec!["lengths"],
            fold,
            order: vec!["total", "lengths"],
        };
        let whole = fold_report(plan(Box::new(Total(0))), mapped.clone()).unwrap();
        let streamed = fold_report(plan(Box::new(Streamed(Total(0)))), mapped.clone()).unwrap();
        assert_eq!(streamed.tables, whole.tables);
        assert_eq!(streamed.notes, ["streamed"]);
        // `finish` through the sink gives the same tables as the fold emitted.
        let mut alone = Box::new(Streamed(Total(5))).finish().unwrap();
        assert_eq!(
            alone.take_table("total").unwrap().rows[0].cells[0],
            Value::Int(5)
        );
    }

    #[test]
    fn a_report_sink_refuses_a_table_twice_and_a_row_before_any_table() {
        let mut sink = ReportSink::default();
        assert!(sink.row(Row::new(vec![1i64.into()])).is_err());
        let t = Table::new("a", &[("x", ColumnType::Int)]);
        sink.table(&t).unwrap();
        sink.row(Row::new(vec![3i64.into()])).unwrap();
        assert!(sink.table(&t).is_err());
        let report = sink.into_report();
        assert_eq!(report.tables.len(), 1);
        assert_eq!(report.tables[0].rows[0].cells[0], Value::Int(3));
    }
}
