//! `--format parquet`: every map and reduced table of the bundled corpus
//! reads back with the parquet crate's reader with the documented schema and
//! the same rows as the JSONL beside it.

use std::path::{Path, PathBuf};

use arrow_schema::DataType;
use newslens_batch::parquet_file;
use newslens_core::{ColumnType, Table, Value};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use newslens_casualty_figure as _;
use newslens_corpus_stats as _;
use newslens_sentiment_lexicon as _;
use newslens_source_bias as _;
use newslens_timeline as _;

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("newslens-parquet-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Cells as Parquet holds them: an int in a float column is a float there.
fn normalised(table: &Table) -> Vec<(Vec<Value>, Vec<newslens_core::Evidence>)> {
    table
        .rows
        .iter()
        .map(|row| {
            let cells = row
                .cells
                .iter()
                .zip(&table.columns)
                .map(|(cell, column)| match (cell, column.ty) {
                    (Value::Int(i), ColumnType::Float) => Value::Float(*i as f64),
                    _ => cell.clone(),
                })
                .collect();
            (cells, row.evidence.clone())
        })
        .collect()
}

/// The Arrow schema stored in a file, as (name, type) pairs.
fn stored_schema(path: &Path) -> Vec<(String, DataType)> {
    let file = std::fs::File::open(path).unwrap();
    let reader = ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
    reader
        .schema()
        .fields()
        .iter()
        .map(|f| (f.name().clone(), f.data_type().clone()))
        .collect()
}

/// Every table of `dir` (a folder of `<table>.schema.json`) has a Parquet
/// file equal to its JSONL; returns how many rows were compared.
fn check_folder(dir: &Path) -> usize {
    let mut rows = 0;
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            Some(name.strip_suffix(".schema.json")?.to_string())
        })
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no tables in {}", dir.display());
    for name in names {
        let jsonl = newslens_batch::read_table(dir, &name).unwrap();
        let path = dir.join(format!("{name}.parquet"));
        let parquet = parquet_file::read(&path, &name).unwrap();
        assert_eq!(jsonl.columns, parquet.columns, "{}", path.display());
        let mut expected: Vec<(String, DataType)> = jsonl
            .columns
            .iter()
            .map(|c| (c.name.clone(), parquet_file::arrow_type(c.ty)))
            .collect();
        expected.push((
            "_evidence".into(),
            parquet_file::schema(&jsonl)
                .field(jsonl.columns.len())
                .data_type()
                .clone(),
        ));
        assert_eq!(stored_schema(&path), expected, "{}", path.display());
        assert_eq!(
            normalised(&jsonl),
            normalised(&parquet),
            "{}",
            path.display()
        );
        rows += jsonl.rows.len();
    }
    rows
}

#[test]
fn bundled_corpus_tables_read_back_from_parquet() {
    let dir = temp("bundled");
    let input = dir.join("input.jsonl");
    newslens_batch::write_jsonl(&newslens_core::bundled::documents(), &input).unwrap();
    let out = dir.join("out");
    newslens_batch::run_with(
        std::slice::from_ref(&input),
        &out,
        2,
        &["all"],
        newslens_batch::Format::Parquet,
    )
    .unwrap();
    let mut rows = 0;
    for analyzer in [
        "casualty-figure",
        "corpus-stats",
        "sentiment-lexicon",
        "source-bias",
        "timeline",
    ] {
        rows += check_folder(&out.join(analyzer));
        rows += check_folder(&out.join("map").join(analyzer));
    }
    assert!(rows > 100, "only {rows} rows compared");

    // The figures table's fixed schema, as documented, and a figure read off
    // 000 (The National, 2020-02-19): "more than 1,000 people dead".
    let figures = out.join("casualty-figure").join("figures.parquet");
    let schema = stored_schema(&figures);
    let types: Vec<(&str, &DataType)> = schema.iter().map(|(n, t)| (n.as_str(), t)).collect();
    assert_eq!(types[0], ("doc", &DataType::Utf8));
    assert_eq!(types[2], ("published", &DataType::Date32));
    assert_eq!(types[5], ("low", &DataType::Float64));
    assert_eq!(types[12], ("start", &DataType::Int64));
    assert_eq!(types.last().unwrap().0, "_evidence");
    let DataType::List(item) = types.last().unwrap().1 else {
        panic!("_evidence is {:?}", types.last());
    };
    let DataType::Struct(fields) = item.data_type() else {
        panic!("_evidence items are {item:?}");
    };
    let names: Vec<&str> = fields.iter().map(|f| f.name().as_str()).collect();
    assert_eq!(names, ["doc", "start", "end"]);
    let table = parquet_file::read(&figures, "figures").unwrap();
    let column = |name: &str| table.column_index(name).unwrap();
    let thousand = table
        .rows
        .iter()
        .find(|r| {
            r.cells[column("doc")] == Value::text("000")
                && r.cells[column("value")] == Value::Float(1000.0)
        })
        .expect("000 reports more than 1,000 dead");
    assert_eq!(thousand.cells[column("kind")], Value::text("killed"));
    assert_eq!(
        thousand.cells[column("qualifier")],
        Value::text("more_than")
    );
    assert_eq!(
        thousand.cells[column("source")],
        Value::text("The National")
    );
    assert_eq!(
        thousand.cells[column("published")],
        Value::Date(jiff::civil::date(2020, 2, 19))
    );
    assert_eq!(thousand.evidence[0].doc, "000");
    let _ = std::fs::remove_dir_all(&dir);
}
