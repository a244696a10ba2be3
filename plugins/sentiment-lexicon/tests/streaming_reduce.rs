//! The streaming reduce as a batch run drives it: the plan's kept tables
//! must have the map's columns (the batch refuses map files whose columns
//! differ), and folding each document's map rows as they come, table by
//! table, must give what `reduce` gives over the whole map.

use newslens_core::run::map_all;
use newslens_core::{testing, Analyzer, AnalyzerSettings, Report};

fn analyzer() -> Box<dyn Analyzer> {
    newslens_sentiment_lexicon::build(&AnalyzerSettings::for_tests("sentiment-lexicon")).unwrap()
}

#[test]
fn kept_tables_have_the_map_s_columns_and_every_table_is_in_the_order() {
    let analyzer = analyzer();
    let plan = analyzer.streaming_reduce().expect("a streaming plan");
    let map = analyzer.map(&testing::bundled("000"));
    for kept in &plan.keep {
        let mapped = map.table(&kept.name).expect("a kept table is a map table");
        assert_eq!(kept.columns, mapped.columns, "{}", kept.name);
        assert!(kept.rows.is_empty());
    }
    let reduced = analyzer.reduce(map).unwrap();
    let names: Vec<&str> = reduced.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, plan.order);
    assert_eq!(
        names,
        [
            "sentences",
            "documents",
            "sources",
            "actors",
            "actor_clauses"
        ]
    );
}

#[test]
fn folding_document_by_document_gives_the_reduce() {
    let analyzer = analyzer();
    let docs = testing::bundled_corpus();
    let whole = analyzer
        .reduce(map_all(analyzer.as_ref(), &docs, None).unwrap())
        .unwrap();

    // As a batch run does: part after part (here one document each), so each
    // row's schema is a different table; `whole` went a table at a time.
    let plan = analyzer.streaming_reduce().unwrap();
    let maps: Vec<Report> = docs.iter().map(|d| analyzer.map(d)).collect();
    for map in &maps {
        for name in &plan.reads {
            assert!(map.table(name).is_some(), "the map gives {name}");
        }
    }
    let folded = newslens_core::analyzer::fold_parts(plan, maps).unwrap();
    for name in ["documents", "sources", "actors"] {
        let got = folded.table(name).unwrap();
        let expected = whole.table(name).unwrap();
        assert!(!expected.rows.is_empty(), "{name}");
        assert_eq!(got, expected, "{name}");
    }
    // One row per bundled article.
    assert_eq!(folded.table("documents").unwrap().rows.len(), 5);
}
