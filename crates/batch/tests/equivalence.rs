//! Batch + reduce gives the same tables as the in-memory run, on the bundled
//! corpus and on the FA-KES reports (when ../shared is there), whole or in shards.

use std::path::PathBuf;
use std::sync::Arc;

use newslens_core::{Registry, Report};

use newslens_casualty_figure as _;
use newslens_corpus_stats as _;
use newslens_sentiment_lexicon as _;
use newslens_source_bias as _;
use newslens_timeline as _;

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("newslens-batch-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn in_memory(docs: &[Arc<newslens_core::Document>]) -> Vec<(String, Report)> {
    let config = newslens_core::bundled::config();
    let annotator = newslens_core::Annotator::new(Arc::clone(&config.gazetteer));
    let annotated = newslens_core::run::annotate_all(&annotator, docs);
    Registry::linked()
        .unwrap()
        .iter()
        .map(|r| {
            let analyzer = (r.build)(&config.settings_for(r.name)).unwrap();
            (
                r.name.to_string(),
                newslens_core::run::run_analyzer(analyzer.as_ref(), &annotated, None).unwrap(),
            )
        })
        .collect()
}

fn assert_same(expected: &[(String, Report)], got: &[(String, Report)]) {
    assert_eq!(expected.len(), got.len());
    for ((name_a, a), (name_b, b)) in expected.iter().zip(got) {
        assert_eq!(name_a, name_b);
        let mut names_a: Vec<&str> = a.tables.iter().map(|t| t.name.as_str()).collect();
        let mut names_b: Vec<&str> = b.tables.iter().map(|t| t.name.as_str()).collect();
        names_a.sort_unstable();
        names_b.sort_unstable();
        assert_eq!(names_a, names_b, "{name_a}");
        for table in &a.tables {
            let other = b.table(&table.name).unwrap();
            assert_eq!(table.columns, other.columns, "{name_a}.{}", table.name);
            assert_eq!(
                table.rows.len(),
                other.rows.len(),
                "{name_a}.{}",
                table.name
            );
            for (x, y) in table.rows.iter().zip(&other.rows) {
                assert_eq!(x, y, "{name_a}.{}", table.name);
            }
        }
    }
}

fn check(docs: Vec<Arc<newslens_core::Document>>, name: &str, part_size: usize) {
    let dir = temp(name);
    let input = dir.join("input.jsonl");
    newslens_batch::write_jsonl(&docs, &input).unwrap();
    let out = dir.join("out");
    newslens_batch::run(std::slice::from_ref(&input), &out, part_size).unwrap();
    assert_same(
        &in_memory(&docs),
        &newslens_batch::load_results(&out).unwrap(),
    );

    // The same corpus in two shards, reduced together.
    let half = docs.len() / 2;
    let (first, second) = (dir.join("a.jsonl"), dir.join("b.jsonl"));
    newslens_batch::write_jsonl(&docs[..half], &first).unwrap();
    newslens_batch::write_jsonl(&docs[half..], &second).unwrap();
    let (shard_a, shard_b) = (dir.join("shard-a"), dir.join("shard-b"));
    newslens_batch::run(&[first], &shard_a, part_size).unwrap();
    newslens_batch::run(&[second], &shard_b, part_size).unwrap();
    let merged = dir.join("merged");
    let config = newslens_core::bundled::config();
    let analyzers: Vec<_> = Registry::linked()
        .unwrap()
        .iter()
        .map(|r| (r.build)(&config.settings_for(r.name)).unwrap())
        .collect();
    newslens_batch::reduce_into(
        &[shard_a, shard_b],
        &merged,
        &analyzers,
        newslens_batch::Format::Jsonl,
    )
    .unwrap();
    assert_same(
        &in_memory(&docs),
        &newslens_batch::load_results(&merged).unwrap(),
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bundled_corpus_batch_equals_run_all() {
    // Parts of two documents, so the map files are written in several appends.
    check(newslens_core::bundled::documents(), "bundled", 2);
}

#[test]
fn a_folder_of_jsonl_files_is_read_file_by_file_in_name_order() {
    use std::io::Write;
    let dir = temp("folder");
    let docs = newslens_core::bundled::documents();
    let folder = dir.join("corpus");
    std::fs::create_dir_all(&folder).unwrap();
    // By name, "a" before "b": the first two articles, then the rest, gzipped.
    newslens_batch::write_jsonl(&docs[..2], &folder.join("a.jsonl")).unwrap();
    let rest = dir.join("rest.jsonl");
    newslens_batch::write_jsonl(&docs[2..], &rest).unwrap();
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(folder.join("b.jsonl.gz")).unwrap(),
        flate2::Compression::fast(),
    );
    gz.write_all(&std::fs::read(&rest).unwrap()).unwrap();
    gz.finish().unwrap();
    // Not a corpus file: left alone.
    std::fs::write(folder.join("NOTES.md"), "where these came from\n").unwrap();
    let out = dir.join("out");
    newslens_batch::run(std::slice::from_ref(&folder), &out, 2).unwrap();
    assert_same(
        &in_memory(&docs),
        &newslens_batch::load_results(&out).unwrap(),
    );
    // An article that a later file gives again is refused, naming both places.
    newslens_batch::write_jsonl(&docs[1..2], &folder.join("c.jsonl")).unwrap();
    let error =
        newslens_batch::run(std::slice::from_ref(&folder), &dir.join("out-twice"), 2).unwrap_err();
    let message = format!("{error:#}");
    assert!(message.contains("c.jsonl:1: duplicate id"), "{message}");
    assert!(message.contains("a.jsonl on line 2)"), "{message}");
    std::fs::remove_file(folder.join("c.jsonl")).unwrap();
    // So is an article that a text file gave first (a text file's id is its
    // name; "000.txt" comes before "a.jsonl").
    let named = folder.join(format!("{}.txt", docs[0].id));
    std::fs::write(&named, &docs[0].text).unwrap();
    let error =
        newslens_batch::run(std::slice::from_ref(&folder), &dir.join("out-txt"), 2).unwrap_err();
    let message = format!("{error:#}");
    let expected = format!("a.jsonl:1: duplicate id {:?} (first in ", docs[0].id);
    assert!(message.contains(&expected), "{message}");
    let first = format!("{}.txt on line 1)", docs[0].id);
    assert!(message.ends_with(&first), "{message}");
    std::fs::remove_file(named).unwrap();
    // A folder with nothing to read says so instead of giving empty tables.
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    std::fs::write(empty.join("NOTES.md"), "nothing yet\n").unwrap();
    // Named after a good file, so it is found before that file is analyzed.
    let good = folder.join("a.jsonl");
    let error = newslens_batch::run(&[good.clone(), empty], &dir.join("out-empty"), 2).unwrap_err();
    assert!(
        format!("{error:#}").contains("no manifest.toml and no .jsonl"),
        "{error:#}"
    );
    assert!(!dir.join("out-empty").join("map").exists());
    let missing = dir.join("no-such.jsonl");
    let error = newslens_batch::run(&[good, missing], &dir.join("out-missing"), 2).unwrap_err();
    assert!(
        format!("{error:#}").contains("no-such.jsonl: cannot read it"),
        "{error:#}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn fakes_syria_batch_equals_run_all() {
    let Some(docs) = newslens_core::testing::shared_corpus("fakes-syria.jsonl.gz") else {
        return;
    };
    check(docs.into_iter().map(Arc::new).collect(), "fakes", 300);
}

#[test]
fn a_malformed_line_is_reported_with_file_and_line() {
    let dir = temp("bad");
    let input = dir.join("bad.jsonl");
    std::fs::write(
        &input,
        "{\"id\": \"a\", \"source\": \"X\", \"text\": \"Ten people were killed.\"}\nnot json\n",
    )
    .unwrap();
    let error = newslens_batch::run(&[input], &dir.join("out"), 10)
        .unwrap_err()
        .to_string();
    assert!(error.contains("bad.jsonl:2: malformed JSON"), "{error}");
    // Nothing half-written is left under a final name.
    assert!(!dir.join("out").join("casualty-figure").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_shard_written_with_other_columns_is_refused() {
    let dir = temp("columns");
    let input = dir.join("input.jsonl");
    newslens_batch::write_jsonl(&newslens_core::bundled::documents(), &input).unwrap();
    let shard = dir.join("shard");
    newslens_batch::run(std::slice::from_ref(&input), &shard, 10).unwrap();
    // As if an older version had written the figures without `value`.
    let schema = shard.join("map/casualty-figure/figures.schema.json");
    let text = std::fs::read_to_string(&schema).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut columns = json["columns"].as_array().unwrap().clone();
    columns.retain(|c| c["name"] != "value");
    let changed = serde_json::json!({"table": "figures", "columns": columns});
    std::fs::write(&schema, changed.to_string()).unwrap();
    let config = newslens_core::bundled::config();
    let registry = Registry::linked().unwrap();
    let casualty = registry.get("casualty-figure").unwrap();
    let analyzers = vec![(casualty.build)(&config.settings_for("casualty-figure")).unwrap()];
    let error = newslens_batch::reduce_into(
        &[shard],
        &dir.join("merged"),
        &analyzers,
        newslens_batch::Format::Jsonl,
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.contains("the columns of figures are not the ones"),
        "{error}"
    );
    assert!(!dir.join("merged/casualty-figure/figures.jsonl").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// casualty-figure with a `reduce` that must not be called: the batch
/// reduce has to take the streaming path, never the whole map tables.
struct StreamOnly(Box<dyn newslens_core::Analyzer>);

impl newslens_core::Analyzer for StreamOnly {
    fn name(&self) -> &'static str {
        self.0.name()
    }
    fn map(&self, doc: &newslens_core::AnnotatedDoc) -> Report {
        self.0.map(doc)
    }
    fn reduce(&self, _: Report) -> anyhow::Result<Report> {
        panic!("the batch reduce read the map tables whole")
    }
    fn streaming_reduce(&self) -> Option<newslens_core::analyzer::StreamingReduce> {
        self.0.streaming_reduce()
    }
}

#[test]
fn a_streaming_analyzer_is_reduced_without_its_reduce() {
    let Some(docs) = newslens_core::testing::shared_corpus("fakes-syria.jsonl.gz") else {
        return;
    };
    let docs: Vec<_> = docs.into_iter().map(Arc::new).collect();
    let dir = temp("stream-only");
    let input = dir.join("input.jsonl");
    newslens_batch::write_jsonl(&docs, &input).unwrap();
    let shard = dir.join("shard");
    newslens_batch::run(std::slice::from_ref(&input), &shard, 500).unwrap();
    let config = newslens_core::bundled::config();
    let registry = Registry::linked().unwrap();
    let casualty = registry.get("casualty-figure").unwrap();
    let real = (casualty.build)(&config.settings_for("casualty-figure")).unwrap();
    let analyzers: Vec<Box<dyn newslens_core::Analyzer>> = vec![Box::new(StreamOnly(real))];
    let merged = dir.join("merged");
    newslens_batch::reduce_into(&[shard], &merged, &analyzers, newslens_batch::Format::Jsonl)
        .unwrap();
    let results = newslens_batch::load_results(&merged).unwrap();
    let (_, report) = &results[0];
    let names: Vec<&str> = report.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["figures", "compare"]);
    // FA-KES reports are full of tolls, and outlets report them differently.
    let compare = report.table("compare").unwrap();
    assert!(compare.rows.len() > 10, "{} tolls", compare.rows.len());
    let disagreement = compare.column_index("disagreement").unwrap();
    assert!(compare
        .rows
        .iter()
        .any(|r| r.cells[disagreement] == newslens_core::Value::Bool(true)));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every file and folder below `dir`.
fn paths_under(dir: &std::path::Path) -> Vec<PathBuf> {
    let (mut found, mut stack) = (Vec::new(), vec![dir.to_path_buf()]);
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path.clone());
            }
            found.push(path);
        }
    }
    found
}

/// The rows of a CSV file, after its header.
fn csv_rows(path: &std::path::Path) -> usize {
    csv::Reader::from_path(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .records()
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .len()
}

#[test]
fn csv_output_has_every_reduced_table_kept_ones_too() {
    let dir = temp("csv");
    let input = dir.join("input.jsonl");
    newslens_batch::write_jsonl(&newslens_core::bundled::documents(), &input).unwrap();
    let out = dir.join("out");
    newslens_batch::run_with(&[input], &out, 2, &["all"], newslens_batch::Format::Csv).unwrap();
    let results = newslens_batch::load_results(&out).unwrap();
    assert!(!results.is_empty());
    for (analyzer, report) in results {
        for table in &report.tables {
            let csv = out.join(&analyzer).join(format!("{}.csv", table.name));
            assert_eq!(csv_rows(&csv), table.rows.len(), "{}", csv.display());
        }
    }
    // `figures` passes through the reduce and is written as the rows come.
    let figures = out.join("casualty-figure").join("figures.csv");
    assert!(csv_rows(&figures) > 0);
    // No temporary file is left anywhere.
    for path in paths_under(&out) {
        assert!(
            !path.to_string_lossy().ends_with(".tmp"),
            "{}",
            path.display()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_empty_corpus_gives_every_table_with_no_rows() {
    let dir = temp("empty");
    let input = dir.join("empty.jsonl");
    std::fs::write(&input, "").unwrap();
    let out = dir.join("out");
    newslens_batch::run_with(&[input], &out, 10, &["all"], newslens_batch::Format::Csv).unwrap();
    let results = newslens_batch::load_results(&out).unwrap();
    assert_same(&in_memory(&[]), &results);
    for (analyzer, report) in &results {
        for table in &report.tables {
            assert!(table.rows.is_empty(), "{analyzer}.{}", table.name);
            let csv = out.join(analyzer).join(format!("{}.csv", table.name));
            assert_eq!(csv_rows(&csv), 0, "{}", csv.display());
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_cancelled_run_leaves_no_file_under_a_final_name() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let dir = temp("cancel");
    let input = dir.join("input.jsonl");
    // Many parts of one article each, so the run is still going when the
    // first map files appear.
    let bundled = newslens_core::bundled::documents();
    let docs: Vec<_> = (0..2_000)
        .map(|i| {
            let mut doc = (*bundled[i % bundled.len()]).clone();
            doc.id = format!("{}-{i}", doc.id);
            Arc::new(doc)
        })
        .collect();
    newslens_batch::write_jsonl(&docs, &input).unwrap();
    let out = dir.join("out");
    let cancel = AtomicBool::new(false);
    let result = std::thread::scope(|scope| {
        scope.spawn(|| {
            // Ctrl-C once the run has written part of its map files.
            let started = std::time::Instant::now();
            while !out.join("map").join("casualty-figure").exists()
                && started.elapsed().as_secs() < 60
            {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            cancel.store(true, Ordering::Relaxed);
        });
        newslens_batch::run_until(
            &[input],
            &out,
            1,
            &["all"],
            newslens_batch::Format::Jsonl,
            &cancel,
        )
    });
    let error = result.unwrap_err().to_string();
    assert!(error.contains("cancelled"), "{error}");
    // No reduced table folder, and under map/ only schemas and hidden
    // temporary files: nothing a reader could take for a complete table.
    for path in paths_under(&out) {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if path.is_dir() {
            assert!(path.starts_with(out.join("map")), "{}", path.display());
        } else {
            assert!(
                name.ends_with(".schema.json") || (name.starts_with('.') && name.ends_with(".tmp")),
                "{}",
                path.display()
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
