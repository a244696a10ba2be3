//! The streaming reduce: the plan a batch run folds row by row gives the
//! REPL's tables, in shards as whole, shared copy included; and
//! evidence lists stop at `EVIDENCE_CAP` while counts do not.

use newslens_core::analyzer::{fold_part, fold_parts, StreamingReduce};
use newslens_core::testing::RecordedTables;

use newslens_core::{Analyzer, AnalyzerSettings, Document, Meta, Report, Value};
use newslens_source_bias::reduce::EVIDENCE_CAP;

fn analyzer() -> Box<dyn Analyzer> {
    newslens_source_bias::build(&AnalyzerSettings::for_tests("source-bias")).unwrap()
}

fn doc(id: &str, source: &str, text: &str) -> Document {
    Document {
        id: id.into(),
        meta: Meta {
            source: source.into(),
            ..Meta::default()
        },
        text: text.into(),
    }
}

fn mapped(analyzer: &dyn Analyzer, docs: Vec<Document>) -> Report {
    let annotated: Vec<_> = docs
        .into_iter()
        .map(newslens_core::testing::annotate_doc)
        .collect();
    newslens_core::run::map_all(analyzer, &annotated, None).unwrap()
}

// A wire-service paragraph that two outlets run word for word, and one that
// only the third has.
const WIRE: &str = "Health officials in the northern province said on Tuesday that the new clinic would open its doors to patients from the surrounding villages next month.";
const OWN: &str = "Our reporter spent a quiet afternoon walking along the river with farmers who worry about the coming harvest season.";

fn three_outlets() -> Vec<Document> {
    vec![
        doc("a-1", "Outlet A", &format!("{WIRE} The mayor welcomed it.")),
        doc("b-1", "Outlet B", &format!("Local news. {WIRE}")),
        doc("c-1", "Outlet C", OWN),
    ]
}

#[test]
fn shared_copy_is_found_by_the_fold_whole_and_in_shards() {
    let analyzer = analyzer();
    let plan = analyzer.streaming_reduce().expect("source-bias has a plan");
    assert_eq!(
        plan.reads.iter().filter(|&&t| t == "shingles").count(),
        1,
        "shared copy parses the shingles once"
    );
    let whole = analyzer
        .reduce(mapped(analyzer.as_ref(), three_outlets()))
        .unwrap();
    let shared = whole.table("shared_copy").unwrap();
    assert_eq!(shared.rows.len(), 1, "one passage is shared: {shared:?}");
    let row = &shared.rows[0];
    let cell = |c: &str| shared.cell(row, c).unwrap().clone();
    assert_eq!(cell("doc_a"), Value::from("a-1"));
    assert_eq!(cell("doc_b"), Value::from("b-1"));
    assert_eq!(cell("source_b"), Value::from("Outlet B"));
    assert_eq!(cell("text"), Value::from(WIRE));
    assert_eq!(cell("words"), Value::Int(25));
    let profile = whole.table("profile").unwrap();
    let shared_of = |source: &str| {
        profile
            .rows
            .iter()
            .find(|r| {
                profile.cell(r, "source") == Some(&Value::from(source))
                    && profile.cell(r, "dimension") == Some(&Value::from("shared copy"))
            })
            .and_then(|r| profile.cell(r, "value").cloned())
    };
    assert_eq!(
        shared_of("Outlet A"),
        Some(Value::from("25 words with Outlet B"))
    );
    assert_eq!(
        shared_of("Outlet B"),
        Some(Value::from("25 words with Outlet A"))
    );
    assert_eq!(shared_of("Outlet C"), Some(Value::from("none found")));

    // Shards: each document's map on its own, folded one after another as a
    // batch run folds its parts (`whole` went a table at a time).
    let shards: Vec<Report> = three_outlets()
        .into_iter()
        .map(|d| mapped(analyzer.as_ref(), vec![d]))
        .collect();
    let sharded = fold_parts(analyzer.streaming_reduce().unwrap(), shards).unwrap();
    assert_eq!(sharded.tables, whole.tables);
}

#[test]
fn evidence_stops_at_the_cap_and_counts_do_not() {
    let analyzer = analyzer();
    // "regime" is on the loaded-word list; every sentence uses it once in
    // the outlet's own voice.
    let sentences = EVIDENCE_CAP + 200;
    let text = "The regime closed the border again. ".repeat(sentences);
    let reduced = analyzer
        .reduce(mapped(
            analyzer.as_ref(),
            vec![doc("long-1", "Outlet L", &text)],
        ))
        .unwrap();
    let loaded = reduced.table("loaded").unwrap();
    let row = loaded
        .rows
        .iter()
        .find(|r| loaded.cell(r, "term") == Some(&Value::from("regime")))
        .expect("a row for regime");
    assert_eq!(
        loaded.cell(row, "count"),
        Some(&Value::Int(sentences as i64))
    );
    assert_eq!(row.evidence.len(), EVIDENCE_CAP);
    // The first spans are kept: the first use is at the start of the text.
    assert_eq!(row.evidence[0].start, 4);
    assert_eq!(row.evidence[0].end, 10);
    let profile = reduced.table("profile").unwrap();
    let authorial = profile
        .rows
        .iter()
        .find(|r| profile.cell(r, "dimension") == Some(&Value::from("loaded words, authorial")))
        .unwrap();
    assert_eq!(
        profile.cell(authorial, "n"),
        Some(&Value::Int(sentences as i64))
    );
    assert_eq!(authorial.evidence.len(), EVIDENCE_CAP);
}

#[test]
fn finish_into_streams_the_tables_of_finish_in_their_order() {
    let analyzer = analyzer();
    let map = mapped(analyzer.as_ref(), three_outlets());
    let fold_into = |sink: &mut RecordedTables| {
        let StreamingReduce {
            reads, mut fold, ..
        } = analyzer.streaming_reduce().unwrap();
        for name in &reads {
            assert!(map.table(name).is_some(), "the map gives {name}");
        }
        fold_part(fold.as_mut(), &reads, &map).unwrap();
        fold.finish_into(sink).unwrap();
    };
    let mut streamed = RecordedTables::default();
    fold_into(&mut streamed);
    let names: Vec<&str> = streamed.0.iter().map(|t| t.name.as_str()).collect();
    // `quotes` passes through the reduce, so the fold does not give it.
    assert_eq!(
        names,
        [
            "labels",
            "voices",
            "attribution",
            "loaded",
            "tone",
            "shared_copy",
            "profile"
        ]
    );
    let whole = analyzer.reduce(map.clone()).unwrap();
    for table in &streamed.0 {
        assert_eq!(Some(table), whole.table(&table.name), "{}", table.name);
    }
    assert_eq!(streamed.0[5].rows.len(), 1, "the wire paragraph");
}
