//! The fold against the reduce it replaced (kept here verbatim as the
//! reference), and the evidence limit.

use std::collections::BTreeMap;

use newslens_core::analyzer::fold_report;
use newslens_core::run::map_all;
use newslens_core::{testing, ColumnType, Evidence, Report, Row, Table, Value};

use crate::reduce::{plan, plan_with_sort_bytes, plan_with_sort_bytes_in, EVIDENCE_LIMIT};

/// The reduce as it was before the fold, held in memory.
fn reference(mut mapped: Report) -> Report {
    let sentences = mapped
        .take_table("sentences")
        .unwrap_or_else(crate::reduce::sentences_table);
    let clauses = mapped
        .take_table("actor_clauses")
        .unwrap_or_else(crate::reduce::clauses_table);
    let documents = aggregate(&sentences, &["doc", "source"], "documents");
    let sources = aggregate(&sentences, &["source"], "sources");
    let actors = actors(&clauses);
    Report {
        tables: vec![sentences, documents, sources, actors, clauses],
        notes: mapped.notes,
    }
}

#[derive(Default)]
struct Tally {
    n: usize,
    sum: f64,
    polarity: [usize; 3],
    by_voice: [(usize, f64); 2],
    docs: std::collections::BTreeSet<String>,
    evidence: Vec<Evidence>,
}

impl Tally {
    fn add(&mut self, compound: f64, voice: &str, doc: &str, evidence: &[Evidence]) {
        self.n += 1;
        self.sum += compound;
        self.polarity[crate::reduce::polarity(compound)] += 1;
        let v = usize::from(voice == "quoted");
        self.by_voice[v].0 += 1;
        self.by_voice[v].1 += compound;
        self.docs.insert(doc.to_string());
        self.evidence.extend_from_slice(evidence);
    }
    fn mean(n: usize, sum: f64) -> Value {
        if n == 0 {
            Value::Null
        } else {
            Value::Float(sum / n as f64)
        }
    }
    fn share(&self, i: usize) -> Value {
        Value::Float(self.polarity[i] as f64 / self.n.max(1) as f64)
    }
}

/// Sentence aggregates grouped by `keys` (per document, per source).
fn aggregate(sentences: &Table, keys: &[&str], name: &str) -> Table {
    let text = |row: &newslens_core::Row, c: &str| {
        sentences
            .cell(row, c)
            .map(Value::to_string)
            .unwrap_or_default()
    };
    let mut groups: BTreeMap<Vec<String>, Tally> = BTreeMap::new();
    for row in &sentences.rows {
        let key: Vec<String> = keys.iter().map(|k| text(row, k)).collect();
        let compound = sentences
            .cell(row, "compound")
            .and_then(Value::as_f64)
            .unwrap_or(0.0);
        groups.entry(key).or_default().add(
            compound,
            &text(row, "voice"),
            &text(row, "doc"),
            &row.evidence,
        );
    }
    use ColumnType::*;
    let mut columns: Vec<(&str, ColumnType)> = keys.iter().map(|k| (*k, Text)).collect();
    if keys.len() == 1 {
        columns.push(("documents", Int));
    }
    columns.extend([
        ("n", Int),
        ("mean_compound", Float),
        ("negative", Float),
        ("neutral", Float),
        ("positive", Float),
        ("authorial_n", Int),
        ("authorial_mean", Float),
        ("quoted_n", Int),
        ("quoted_mean", Float),
    ]);
    let mut table = Table::new(name, &columns);
    for (key, tally) in groups {
        let mut cells: Vec<Value> = key.into_iter().map(Value::from).collect();
        if keys.len() == 1 {
            cells.push(tally.docs.len().into());
        }
        cells.extend([
            tally.n.into(),
            Tally::mean(tally.n, tally.sum),
            tally.share(0),
            tally.share(1),
            tally.share(2),
            tally.by_voice[0].0.into(),
            Tally::mean(tally.by_voice[0].0, tally.by_voice[0].1),
            tally.by_voice[1].0.into(),
            Tally::mean(tally.by_voice[1].0, tally.by_voice[1].1),
        ]);
        let mut row = Row::new(cells);
        row.evidence = tally.evidence;
        table.push(row);
    }
    table
}

/// Tone toward each party per outlet and voice, from the clause table.
fn actors(clauses: &Table) -> Table {
    let text = |row: &newslens_core::Row, c: &str| {
        clauses
            .cell(row, c)
            .map(Value::to_string)
            .unwrap_or_default()
    };
    let mut groups: BTreeMap<(String, String, String), Tally> = BTreeMap::new();
    for row in &clauses.rows {
        let compound = clauses
            .cell(row, "compound")
            .and_then(Value::as_f64)
            .unwrap_or(0.0);
        let voice = text(row, "voice");
        groups
            .entry((text(row, "source"), text(row, "actor"), voice.clone()))
            .or_default()
            .add(compound, &voice, &text(row, "doc"), &row.evidence);
    }
    use ColumnType::*;
    let mut table = Table::new(
        "actors",
        &[
            ("source", Text),
            ("actor", Text),
            ("voice", Text),
            ("mentions", Int),
            ("mean_compound", Float),
            ("negative", Int),
            ("neutral", Int),
            ("positive", Int),
        ],
    );
    for ((source, actor, voice), tally) in groups {
        let mut row = Row::new(vec![
            source.into(),
            actor.into(),
            voice.into(),
            tally.n.into(),
            Tally::mean(tally.n, tally.sum),
            tally.polarity[0].into(),
            tally.polarity[1].into(),
            tally.polarity[2].into(),
        ]);
        row.evidence = tally.evidence;
        table.push(row);
    }
    table
}

fn analyzer() -> Box<dyn newslens_core::Analyzer> {
    crate::build(&newslens_core::AnalyzerSettings::for_tests(
        "sentiment-lexicon",
    ))
    .unwrap()
}

/// Asserts the fold gives the reference's tables, except that a `sources` or
/// `actors` row keeps only the first [`EVIDENCE_LIMIT`] spans. Returns how many rows
/// the limit cut.
fn assert_same_as_reference(mapped: Report) -> usize {
    let mut expected = reference(mapped.clone());
    let mut cut = 0;
    for table in &mut expected.tables {
        if ["sources", "actors"].contains(&table.name.as_str()) {
            for row in &mut table.rows {
                cut += usize::from(row.evidence.len() > EVIDENCE_LIMIT);
                row.evidence.truncate(EVIDENCE_LIMIT);
            }
        }
    }
    let got = analyzer().reduce(mapped).unwrap();
    let names = |r: &Report| r.tables.iter().map(|t| t.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&got), names(&expected));
    for (g, e) in got.tables.iter().zip(&expected.tables) {
        assert_eq!(g.columns, e.columns, "{}", g.name);
        assert_eq!(g.rows.len(), e.rows.len(), "{}", g.name);
        for (i, (gr, er)) in g.rows.iter().zip(&e.rows).enumerate() {
            assert_eq!(gr, er, "{} row {i}", g.name);
        }
    }
    assert_eq!(got.notes, expected.notes);
    cut
}

#[test]
fn the_fold_gives_the_old_reduce_s_tables_on_the_bundled_corpus() {
    let docs = testing::bundled_corpus();
    let mapped = map_all(analyzer().as_ref(), &docs, None).unwrap();
    assert!(mapped.tables.iter().all(|t| !t.rows.is_empty()));
    assert_eq!(assert_same_as_reference(mapped), 0);
}

#[test]
fn the_fold_gives_the_old_reduce_s_tables_on_fakes_syria() {
    let Some(docs) = testing::shared_corpus("fakes-syria.jsonl.gz") else {
        return;
    };
    let docs: Vec<_> = docs.into_iter().map(testing::annotate_doc).collect();
    let mapped = map_all(analyzer().as_ref(), &docs, None).unwrap();
    // Its outlets publish thousands of sentences each, so the limit is exercised.
    assert!(assert_same_as_reference(mapped) > 0);
}

#[test]
fn no_map_rows_give_the_tables_empty() {
    assert_same_as_reference(Report::default());
    let got = analyzer().reduce(Report::default()).unwrap();
    assert_eq!(got.tables.len(), 5);
    assert!(got.tables.iter().all(|t| t.rows.is_empty()));
}

/// A sentence row of `doc` from outlet "Outlet" with the given compound.
fn sentence(table: &Table, doc: &str, index: usize, compound: f64, voice: &str) -> Row {
    let mut cells = vec![Value::Null; table.columns.len()];
    let mut set = |name: &str, value: Value| cells[table.column_index(name).unwrap()] = value;
    set("doc", doc.into());
    set("source", "Outlet".into());
    set("sentence", index.into());
    set("voice", voice.into());
    set("compound", compound.into());
    Row::new(cells).with_evidence(Evidence {
        doc: doc.into(),
        start: index * 10,
        end: index * 10 + 9,
    })
}

#[test]
fn an_outlet_keeps_its_first_spans_and_counts_every_sentence() {
    let mut sentences = crate::reduce::sentences_table();
    // Document "a" is split in two runs with "b" between, as two shards that
    // both hold an "a" would give: it is still one document of the outlet.
    let runs = [("a", 0, 600), ("b", 0, 600), ("a", 600, 1200)];
    for (doc, from, to) in runs {
        for i in from..to {
            // One sentence in three of each kind: positive, negative, neutral.
            let compound = [0.5, -0.25, 0.0][i % 3];
            let voice = if i % 2 == 0 { "authorial" } else { "quoted" };
            let row = sentence(&sentences, doc, i, compound, voice);
            sentences.push(row);
        }
    }
    let mapped = Report::new(vec![sentences, crate::reduce::clauses_table()]);
    assert_eq!(assert_same_as_reference(mapped.clone()), 1);
    let got = fold_report(plan(), mapped).unwrap();
    let sources = got.tables.iter().find(|t| t.name == "sources").unwrap();
    let row = &sources.rows[0];
    let cell = |name: &str| sources.cell(row, name).unwrap().clone();
    assert_eq!(cell("documents"), Value::Int(2));
    assert_eq!(cell("n"), Value::Int(1800));
    // 600 of each: (600 × 0.5 − 600 × 0.25) / 1800.
    assert_eq!(cell("mean_compound"), Value::Float(150.0 / 1800.0));
    assert_eq!(cell("positive"), Value::Float(1.0 / 3.0));
    assert_eq!(cell("authorial_n"), Value::Int(900));
    assert_eq!(row.evidence.len(), EVIDENCE_LIMIT);
    // The first 600 spans are a's first run, then b's.
    assert_eq!(row.evidence[599].doc, "a");
    assert_eq!(row.evidence[600].doc, "b");
    assert_eq!(row.evidence[600].start, 0);
    let documents = got.tables.iter().find(|t| t.name == "documents").unwrap();
    let a = &documents.rows[0];
    assert_eq!(documents.cell(a, "doc"), Some(&Value::from("a")));
    // A document's row keeps every span, past the limit too.
    assert_eq!(documents.cell(a, "n"), Some(&Value::Int(1200)));
    assert_eq!(a.evidence.len(), 1200);
    assert_eq!(a.evidence[1199].start, 11990);
}

/// Sentence rows of outlet "Outlet": `runs` gives each run's document and
/// sentence numbers, in arrival order.
fn runs_of_sentences(runs: &[(&str, usize, usize)]) -> Report {
    let mut sentences = crate::reduce::sentences_table();
    for &(doc, from, to) in runs {
        for i in from..to {
            let compound = [0.1, -0.3, 0.0, 0.7][i % 4];
            let voice = if i % 3 == 0 { "quoted" } else { "authorial" };
            let row = sentence(&sentences, doc, i, compound, voice);
            sentences.push(row);
        }
    }
    Report::new(vec![sentences, crate::reduce::clauses_table()])
}

#[test]
fn documents_sorted_on_disk_are_the_documents_sorted_in_memory() {
    // Documents out of order, one of them in two runs (about a hundred bytes
    // each, encoded): with buffers of a byte to a few runs the sort writes
    // them to disk, one run a file or several; two runs under one buffer
    // and a third is the count the extsort crate, used before, lost.
    let mapped = runs_of_sentences(&[("c", 0, 5), ("a", 0, 3), ("b", 0, 4), ("a", 3, 9)]);
    let whole = fold_report(plan_with_sort_bytes(1000), mapped.clone()).unwrap();
    let documents = whole.tables.iter().find(|t| t.name == "documents").unwrap();
    let docs: Vec<_> = documents
        .rows
        .iter()
        .map(|r| documents.cell(r, "doc").unwrap().to_string())
        .collect();
    assert_eq!(docs, ["a", "b", "c"]);
    // "a"'s two runs are one row, its spans in arrival order.
    let a = &documents.rows[0];
    assert_eq!(documents.cell(a, "n"), Some(&Value::Int(9)));
    let starts: Vec<usize> = a.evidence.iter().map(|e| e.start).collect();
    assert_eq!(starts, (0..9).map(|i| i * 10).collect::<Vec<_>>());
    for bytes in [1, 80, 150, 250] {
        let got = fold_report(plan_with_sort_bytes(bytes), mapped.clone()).unwrap();
        assert_eq!(got.tables, whole.tables, "{bytes} bytes");
    }
    let three_runs = runs_of_sentences(&[("b", 0, 2), ("a", 0, 2), ("b", 2, 4)]);
    let got = fold_report(plan_with_sort_bytes(100), three_runs.clone()).unwrap();
    assert_eq!(got.tables, fold_report(plan(), three_runs).unwrap().tables);
}

#[test]
fn the_documents_sort_writes_in_the_folder_it_is_given_and_leaves_it_empty() {
    let mapped = runs_of_sentences(&[("c", 0, 5), ("a", 0, 3), ("b", 0, 4)]);
    let whole = fold_report(plan(), mapped.clone()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let got = fold_report(plan_with_sort_bytes_in(1, dir.path()), mapped.clone()).unwrap();
    assert_eq!(got.tables, whole.tables);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    // A folder that cannot be made in is an error that names it, not a panic.
    let missing = dir.path().join("missing");
    let err = fold_report(plan_with_sort_bytes_in(1, &missing), mapped).unwrap_err();
    assert!(format!("{err:#}").contains("missing"), "{err:#}");
}

#[test]
fn the_bundled_corpus_sorted_a_document_a_run_gives_the_same_tables() {
    let docs = testing::bundled_corpus();
    let mapped = map_all(analyzer().as_ref(), &docs, None).unwrap();
    let whole = fold_report(plan(), mapped.clone()).unwrap();
    for bytes in [1, 2_000, 6_000] {
        let got = fold_report(plan_with_sort_bytes(bytes), mapped.clone()).unwrap();
        assert_eq!(got.tables, whole.tables, "{bytes} bytes");
    }
}

#[test]
fn finish_into_gives_finish_s_tables_row_by_row() {
    let docs = testing::bundled_corpus();
    let mapped = map_all(analyzer().as_ref(), &docs, None).unwrap();
    let fold = |mapped: &Report| {
        let plan = plan();
        let mut fold = plan.fold;
        for name in &plan.reads {
            assert!(mapped.table(name).is_some(), "the map gives {name}");
        }
        newslens_core::analyzer::fold_part(fold.as_mut(), &plan.reads, mapped).unwrap();
        fold
    };
    let mut streamed = newslens_core::testing::RecordedTables::default();
    fold(&mapped).finish_into(&mut streamed).unwrap();
    let whole = fold(&mapped).finish().unwrap();
    assert_eq!(streamed.0, whole.tables);
    let names: Vec<&str> = streamed.0.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["documents", "sources", "actors"]);
    // One `documents` row per bundled document, each with its sentences' spans.
    assert_eq!(streamed.0[0].rows.len(), docs.len());
    assert!(streamed.0[0].rows.iter().all(|r| !r.evidence.is_empty()));
}

#[test]
fn one_id_from_two_outlets_back_to_back_is_two_documents() {
    // Two feeds that number their articles alike, in one corpus: "17" of
    // outlet A, then "17" of outlet B, with no other document between.
    let mut sentences = crate::reduce::sentences_table();
    let source = sentences.column_index("source").unwrap();
    for (outlet, compound) in [("A", 0.5), ("A", 0.5), ("B", -0.5)] {
        let mut row = sentence(&sentences, "17", 0, compound, "authorial");
        row.cells[source] = outlet.into();
        sentences.push(row);
    }
    let mapped = Report::new(vec![sentences, crate::reduce::clauses_table()]);
    assert_same_as_reference(mapped.clone());
    let got = fold_report(plan(), mapped).unwrap();
    let documents = got.tables.iter().find(|t| t.name == "documents").unwrap();
    let rows: Vec<_> = documents
        .rows
        .iter()
        .map(|r| {
            let cell = |name: &str| documents.cell(r, name).unwrap().clone();
            (cell("source"), cell("n"), cell("mean_compound"))
        })
        .collect();
    assert_eq!(
        rows,
        [
            (Value::from("A"), Value::Int(2), Value::Float(0.5)),
            (Value::from("B"), Value::Int(1), Value::Float(-0.5)),
        ]
    );
}
