//! Batch runs over corpora too large to hold: documents stream from JSONL
//! (gzip too) or directories through a bounded queue, are annotated and
//! mapped in parallel a part at a time, and each analyzer's map tables are
//! appended to files; the reduce then runs over those files alone, so a run
//! split into shards is reduced by `newslens reduce` over all of them.
//!
//! Layout of an output folder:
//! ```text
//! OUT/map/<analyzer>/<table>.jsonl            map rows, one JSON object a line
//! OUT/map/<analyzer>/<table>.parquet          the same, with --format parquet
//! OUT/<analyzer>/<table>.jsonl|.csv|.parquet  the reduced tables
//! OUT/<analyzer>/<table>.schema.json          column names and types of a table
//! ```
//! Each JSONL row holds the table's columns (ints and floats as numbers,
//! dates as `YYYY-MM-DD`, empty cells as null) and `_evidence`: a list of
//! `[doc, start, end]` character spans; [`parquet_file`] gives the Parquet
//! schema. Files are written under a temporary name and renamed when
//! complete, so an interrupted run leaves no half file.
//!
//! An analyzer whose [`streaming_reduce`](Analyzer::streaming_reduce) gives a
//! plan is reduced as its map rows are read back, one at a time, so the
//! reduce holds only the plan's state; the others read their map tables
//! whole and call `reduce`.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use newslens_core::analyzer::{Piece, Pieces, StreamingReduce};
use newslens_core::load::{read_text_file, CorpusIds, JsonlReader, LoadError, LoadOptions};
use newslens_core::{Analyzer, ColumnType, Config, Document, Registry, Report, Row, Table, Value};
use output_file::OutputFile;

mod json_rows;
mod output_file;
#[cfg(feature = "parquet")]
pub mod parquet_file;
use serde_json::json;

pub const HELP: &str = "\
Usage: newslens batch --corpus PATH... --out DIR [--run all|NAME...] [--format jsonl|csv|parquet]
                      [--config PATH] [--skip-bad] [--jobs N] [--part-size N] [--tmp-dir DIR]
       newslens reduce DIR... --out DIR [--run all|NAME...] [--format jsonl|csv|parquet] [--config PATH]
                      [--tmp-dir DIR]

batch   streams the corpora (.jsonl, .jsonl.gz, and directories: the documents a
        manifest.toml lists, or else the .jsonl, .jsonl.gz and .txt files in
        it, by name) through every named analyzer, writes each analyzer's
        per-document tables to DIR/map/ and the reduced tables to DIR/<analyzer>/.
reduce  reduces the map tables of one or more batch folders (shards) into DIR.

Every table is written as JSONL with a <table>.schema.json; --format csv adds
a CSV file per reduced table, --format parquet a Parquet file per map and
reduced table (fixed schema: one column per table column, typed Utf8, Int64,
Float64, Date32 or Boolean, then _evidence, a list of {doc, start, end}).

--config PATH  the gazetteer and [analyzers.NAME] sections (default, as in
               the REPL: newslens.toml in the first --corpus folder or beside
               the first --corpus file, else the bundled corpus's). A run
               keeps the one it used as DIR/newslens.toml, and reduce uses
               its shards' unless --config names another.
--jobs N       analysis threads (default: one a core).
--part-size N  articles read and analyzed together (default 500); each
               analyzer writes and folds one part while the next is mapped,
               so memory holds a few parts whatever the corpus size.
--tmp-dir DIR  where analyzers put temporary files: the external sorts that
               hold what grows with the corpus instead of memory (default:
               $TMPDIR, else /tmp). They are removed when the run ends.
--skip-bad     report a malformed record (file and line) and go on; without
               it the run stops there.

Progress (articles, MB/s, share of the input read, time left) goes to standard
error when it is a terminal. Ctrl-C stops between parts or within a reduce and
leaves complete files only. Exit status: 0 done, 1 failed, 2 usage.
";

/// Articles read and analyzed together unless `--part-size` says otherwise:
/// enough to keep both cores busy, few enough that a part's text layers stay
/// small.
pub const DEFAULT_PART_SIZE: usize = 500;

/// Output formats of the tables. JSONL is always written, since the reduce
/// and `load` read it; CSV (reduced tables) or Parquet (map and reduced
/// tables) go beside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Jsonl,
    Csv,
    Parquet,
}

#[derive(Debug)]
pub struct BatchArgs {
    pub corpora: Vec<PathBuf>,
    pub reduce_from: Vec<PathBuf>,
    pub out: PathBuf,
    pub run: Vec<String>,
    pub format: Format,
    pub config: Option<PathBuf>,
    pub skip_bad: bool,
    pub jobs: Option<usize>,
    pub part_size: usize,
    /// Where analyzers put temporary files; `None`: the system's temp folder.
    pub tmp_dir: Option<PathBuf>,
}

fn parse(args: &[String], reduce: bool) -> Result<BatchArgs> {
    let mut parsed = BatchArgs {
        corpora: Vec::new(),
        reduce_from: Vec::new(),
        out: PathBuf::new(),
        run: Vec::new(),
        format: Format::Jsonl,
        config: None,
        skip_bad: false,
        jobs: None,
        part_size: DEFAULT_PART_SIZE,
        tmp_dir: None,
    };
    let mut i = 0;
    let mut list: Option<&str> = if reduce { Some("dirs") } else { None };
    while i < args.len() {
        let arg = args[i].as_str();
        let value = |i: usize| {
            args.get(i + 1)
                .cloned()
                .ok_or_else(|| anyhow::anyhow!("{arg} needs a value"))
        };
        match arg {
            "--corpus" => {
                parsed.corpora.push(PathBuf::from(value(i)?));
                list = Some("corpus");
                i += 1;
            }
            "--out" => {
                parsed.out = PathBuf::from(value(i)?);
                list = None;
                i += 1;
            }
            "--run" => {
                parsed.run.push(value(i)?);
                list = Some("run");
                i += 1;
            }
            "--format" => {
                parsed.format = match value(i)?.as_str() {
                    "jsonl" => Format::Jsonl,
                    "csv" => Format::Csv,
                    "parquet" if cfg!(feature = "parquet") => Format::Parquet,
                    "parquet" => bail!("this newslens was built without Parquet (cargo feature `parquet`); use jsonl"),
                    other => bail!("unknown format `{other}` (formats: jsonl, csv, parquet)"),
                };
                list = None;
                i += 1;
            }
            "--config" => {
                parsed.config = Some(PathBuf::from(value(i)?));
                list = None;
                i += 1;
            }
            "--tmp-dir" => {
                parsed.tmp_dir = Some(PathBuf::from(value(i)?));
                list = None;
                i += 1;
            }
            "--skip-bad" => parsed.skip_bad = true,
            "--jobs" | "-j" => {
                parsed.jobs = Some(
                    value(i)?
                        .parse()
                        .ok()
                        .filter(|&n: &usize| n > 0)
                        .ok_or_else(|| anyhow::anyhow!("--jobs takes a positive number"))?,
                );
                i += 1;
            }
            "--part-size" => {
                parsed.part_size = value(i)?
                    .parse()
                    .ok()
                    .filter(|&n: &usize| n > 0)
                    .ok_or_else(|| anyhow::anyhow!("--part-size takes a positive number"))?;
                i += 1;
            }
            other if other.starts_with('-') => bail!(
                "unknown argument `{other}` (see newslens {} --help)",
                if reduce { "reduce" } else { "batch" }
            ),
            other => match list {
                Some("corpus") => parsed.corpora.push(PathBuf::from(other)),
                Some("run") => parsed.run.push(other.to_string()),
                Some("dirs") => parsed.reduce_from.push(PathBuf::from(other)),
                _ => bail!("unexpected `{other}`"),
            },
        }
        i += 1;
    }
    if parsed.out.as_os_str().is_empty() {
        bail!("--out DIR is required");
    }
    if !reduce && parsed.corpora.is_empty() {
        bail!("--corpus PATH is required");
    }
    if reduce && parsed.reduce_from.is_empty() {
        bail!("name the batch folders to reduce");
    }
    if parsed.run.is_empty() {
        parsed.run.push("all".into());
    }
    Ok(parsed)
}

/// Tells mimalloc (the binary's allocator) to hand the memory a batch run
/// frees back to the system once it has lain unused for a second, unless
/// `MIMALLOC_PURGE_DELAY` says otherwise. A run frees each part's tables and
/// builds the next part's a few times a second; mimalloc 2's default (10 ms)
/// gave those pages back at once, and they were faulted in again, zeroed, for
/// the next part. Never giving pages back made the peak grow with the corpus
/// instead: an array grown by reallocation (the seen ids) leaves its old
/// blocks behind. `--run all` over 100,000 articles, two threads: 10 ms,
/// 581,780 page faults, 97.4 and 100.8 CPU-seconds, peak 282 and 285 MB;
/// never, 553 faults, 90.4 and 91.3 CPU-seconds, 373 and 375 MB; a second,
/// 3,227 faults, 88.8 CPU-seconds, 332 MB. Over a million articles: 440 MB
/// never, 360 MB with a second, in the same CPU time (920 and 916 s). The
/// REPL's `run` is the same pattern (the last result freed, the next one
/// built), so the `newslens` binary sets it for every command, and the
/// analyzers' benches, which time that `run`, set it too. To be called
/// before any thread is started (the option is a plain global in mimalloc).
pub fn purge_freed_pages_after_a_second() {
    /// `mi_option_purge_delay` in mimalloc's `mi_option_e` (v2 and v3): not
    /// exported as a constant by the -sys crate.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: a plain store of an integer option; called before the
        // run starts any thread, so nothing reads it concurrently.
        unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 1000) }
    }
}

/// `newslens batch …` and `newslens reduce …`; returns the exit status.
pub fn main(command: &str, args: &[String]) -> i32 {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        print!("{HELP}");
        return 0;
    }
    // An analyzer no one linked is a usage error, found before any work.
    let parsed = match parse(args, command == "reduce").and_then(|parsed| {
        selected(&Registry::linked()?, &parsed.run)?;
        Ok(parsed)
    }) {
        Ok(parsed) => parsed,
        Err(e) => {
            eprintln!("error: {e:#}");
            return 2;
        }
    };
    if let Some(jobs) = parsed.jobs {
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build_global();
    }
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&cancel);
    // Ctrl-C stops between parts or during a reduce; what was written stays
    // under temporary names.
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed));
    let outcome = if command == "reduce" {
        reduce_command(&parsed, &cancel)
    } else {
        batch_command(&parsed, &cancel)
    };
    match outcome {
        Ok(summary) => {
            eprintln!("{summary}");
            0
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            1
        }
    }
}

/// The analyzers `names` (`all` for every one) name, in registry order; an
/// unknown name is an error.
fn selected(registry: &Registry, names: &[String]) -> Result<Vec<&'static str>> {
    let mut selected: Vec<&'static str> = Vec::new();
    for name in names {
        if name == "all" {
            selected.extend(registry.names());
        } else {
            selected.push(registry.get(name)?.name);
        }
    }
    selected.sort_unstable();
    selected.dedup();
    Ok(selected)
}

fn analyzers(config: &Config, names: &[String]) -> Result<Vec<Box<dyn Analyzer>>> {
    let registry = Registry::linked()?;
    selected(&registry, names)?
        .into_iter()
        .map(|name| (registry.get(name)?.build)(&config.settings_for(name)))
        .collect()
}

fn load_config(args: &BatchArgs) -> Result<Config> {
    // As the REPL does: the corpus's own newslens.toml unless --config names one.
    let config = Config::for_corpus(
        args.config.as_deref(),
        args.corpora.first().map(PathBuf::as_path),
    )?;
    with_tmp_dir(config, args)
}

/// `config` with its analyzers' temporary files in `--tmp-dir`, if given.
fn with_tmp_dir(mut config: Config, args: &BatchArgs) -> Result<Config> {
    if let Some(dir) = &args.tmp_dir {
        // Found out now, not when the first sort spills an hour into the run.
        std::fs::create_dir_all(dir)
            .and_then(|()| probe_writable(dir))
            .with_context(|| format!("--tmp-dir {}: cannot write there", dir.display()))?;
        config.scratch_dir = Some(dir.clone());
    }
    Ok(config)
}

/// Creates and removes a file in `dir`, the way the analyzers' sorts will.
fn probe_writable(dir: &Path) -> std::io::Result<()> {
    let (_, probe) = newslens_core::scratch::create_file(dir, "batch", "probe")?;
    std::fs::remove_file(&probe)
}

/// Streams documents from the corpora, a part at a time.
struct Stream {
    sources: Vec<PathBuf>,
    current: Option<JsonlReader>,
    /// The ids of the files read to their end, which the next must not repeat.
    ids: CorpusIds,
    pending: std::vec::IntoIter<Arc<Document>>,
    options: LoadOptions,
    /// The records left out, each told on stderr as it is met.
    skipped: Vec<LoadError>,
    /// Bytes of the input files read to their end, for progress.
    finished_bytes: u64,
}

/// The bytes a corpus path holds on disk: a file's size, or the sizes of the
/// files directly in a directory.
fn input_size(path: &Path) -> u64 {
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => std::fs::read_dir(path)
            .map(|entries| {
                entries
                    .flatten()
                    .filter_map(|e| e.metadata().ok())
                    .filter(|m| m.is_file())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0),
        Ok(m) => m.len(),
        Err(_) => 0,
    }
}

/// The progress line: articles, text MB/s and, once some input is read, the
/// share of the input's bytes read and the time left at the rate so far.
fn progress_line(
    articles: usize,
    text_bytes: usize,
    seconds: f64,
    read: u64,
    total: u64,
) -> String {
    let mut line = format!(
        "{articles} articles, {:.1} MB/s",
        text_bytes as f64 / 1e6 / seconds.max(1e-9)
    );
    if read > 0 && total > 0 {
        let share = (read as f64 / total as f64).min(1.0);
        line.push_str(&format!(
            ", {:.0}% read, ETA {}",
            share * 100.0,
            time_left(seconds, share)
        ));
    }
    line
}

/// The time left, as minutes:seconds, of work `share` (above 0) done in
/// `seconds`, if it goes on at the same pace: batch's and the REPL's
/// progress lines.
pub fn time_left(seconds: f64, share: f64) -> String {
    let left = (seconds * (1.0 - share) / share).round() as u64;
    format!("{}:{:02}", left / 60, left % 60)
}

impl Stream {
    /// Bytes of the input read so far.
    fn position(&self) -> u64 {
        self.finished_bytes + self.current.as_ref().map_or(0, |r| r.file_position().0)
    }

    fn next_part(&mut self, size: usize) -> Result<Vec<Arc<Document>>> {
        let mut part = Vec::with_capacity(size);
        while part.len() < size {
            if let Some(doc) = self.pending.next() {
                part.push(doc);
                continue;
            }
            if let Some(reader) = &mut self.current {
                match reader.next() {
                    Some(Ok(doc)) => part.push(Arc::new(doc)),
                    Some(Err(e)) if self.options.skips(&e) => {
                        eprintln!("skipped {e}");
                        self.skipped.push(e);
                    }
                    Some(Err(e)) => return Err(e.into()),
                    None => {
                        self.finished_bytes += reader.file_position().1;
                        if let Some(reader) = self.current.take() {
                            self.ids = reader.into_ids();
                        }
                    }
                }
                continue;
            }
            let Some(path) = (!self.sources.is_empty()).then(|| self.sources.remove(0)) else {
                break;
            };
            let options = self.options;
            if newslens_core::load::is_jsonl(&path) {
                let ids = std::mem::take(&mut self.ids);
                self.current = Some(JsonlReader::open_in(&path, ids)?);
            } else {
                let loaded = if path.is_dir() {
                    // A manifest's folder: its ids are checked within it.
                    newslens_core::load::load_path(&path, options)?
                } else {
                    let mut loaded = Default::default();
                    read_text_file(&path, &mut self.ids, options, &mut loaded)?;
                    loaded
                };
                for e in &loaded.skipped {
                    eprintln!("skipped {e}");
                }
                self.skipped.extend(loaded.skipped);
                self.pending = loaded.docs.into_iter();
                self.finished_bytes += input_size(&path);
            }
        }
        Ok(part)
    }
}

/// What a run reads, in order: each `--corpus` path, a folder without a
/// manifest as its corpus files, so a folder of JSONL files streams file by
/// file like files named one by one. A path that cannot be read, or a folder
/// with nothing to read, is found out now, not after the paths before it
/// have been analyzed.
fn corpus_sources(corpora: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut sources = Vec::new();
    for path in corpora {
        std::fs::metadata(path)
            .with_context(|| format!("--corpus {}: cannot read it", path.display()))?;
        match newslens_core::load::folder_files(path)? {
            Some(files) => sources.extend(files),
            None => sources.push(path.clone()),
        }
    }
    Ok(sources)
}

/// The configuration a batch or reduce run keeps beside its tables, so that
/// a reduce of its shards, later or elsewhere, uses the same settings.
pub const CONFIG_FILE: &str = "newslens.toml";

fn batch_command(args: &BatchArgs, cancel: &AtomicBool) -> Result<String> {
    let config = load_config(args)?;
    let analyzers = analyzers(&config, &args.run)?;
    let annotator = newslens_core::Annotator::new(Arc::clone(&config.gazetteer));
    let summary = batch_with(args, &annotator, &analyzers, cancel)?;
    write_atomically(&args.out.join(CONFIG_FILE), config.text().as_bytes())?;
    Ok(summary)
}

/// The configuration of a reduce without `--config`: the one its shards
/// were made with. Shards made with different ones are an error, since
/// their folds would disagree; shards that kept none (made before runs kept
/// theirs) leave the choice to those that did, or to the bundled one.
fn shards_config(args: &BatchArgs) -> Result<Config> {
    if args.config.is_some() {
        return load_config(args);
    }
    let mut kept: Option<(PathBuf, String)> = None;
    for shard in &args.reduce_from {
        let path = shard.join(CONFIG_FILE);
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        match &kept {
            Some((first, first_text)) if *first_text != text => bail!(
                "{} and {} differ: the shards were made with different configurations; \
                 name the one to reduce with in --config",
                first.display(),
                path.display()
            ),
            Some(_) => {}
            None => kept = Some((path, text)),
        }
    }
    let config = match kept {
        Some((path, text)) => Config::parse(&text, Some(&path))?,
        None => newslens_core::bundled::config(),
    };
    with_tmp_dir(config, args)
}

/// A batch run of the analyzers given (`args.run` is not read).
fn batch_with(
    args: &BatchArgs,
    annotator: &newslens_core::Annotator,
    analyzers: &[Box<dyn Analyzer>],
    cancel: &AtomicBool,
) -> Result<String> {
    // Map tables are JSONL for the reduce, and Parquet too when asked; CSV
    // is for the reduced tables only.
    let map_format = match args.format {
        Format::Parquet => Format::Parquet,
        Format::Jsonl | Format::Csv => Format::Jsonl,
    };
    let sources = corpus_sources(&args.corpora)?;
    let input_bytes: u64 = sources.iter().map(|p| input_size(p)).sum();
    let mut stream = Stream {
        sources,
        current: None,
        ids: Default::default(),
        pending: Vec::new().into_iter(),
        options: LoadOptions {
            skip_bad: args.skip_bad,
        },
        skipped: Vec::new(),
        finished_bytes: 0,
    };
    let progress = std::io::stderr().is_terminal();
    let started = Instant::now();
    let (mut docs_done, mut bytes_done) = (0usize, 0usize);
    // A reader thread fills a bounded queue, so reading overlaps analysis and
    // at most two parts are in memory.
    // Each part comes with how many bytes of the input were read for it.
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Result<(Vec<Arc<Document>>, u64)>>(1);
    let part_size = args.part_size;
    let reader = std::thread::spawn(move || {
        loop {
            let part = stream.next_part(part_size);
            let done = matches!(&part, Ok(p) if p.is_empty()) || part.is_err();
            let part = part.map(|p| (p, stream.position()));
            if sender.send(part).is_err() || done {
                break;
            }
        }
        stream.skipped.len()
    });
    std::thread::scope(|scope| -> Result<String> {
        // Each analyzer's map tables go to a thread of its own, which writes
        // them and folds them while the next part is mapped.
        let mut outputs = Vec::new();
        for analyzer in analyzers {
            let output = AnalyzerOutput::new(analyzer.as_ref(), args, map_format)?;
            let (send, receive) = std::sync::mpsc::sync_channel::<Report>(1);
            let worker = scope.spawn(move || output.run(receive, cancel));
            outputs.push((send, worker));
        }
        let mapping = (|| -> Result<()> {
            for part in receiver {
                let (part, input_read) = part?;
                if part.is_empty() {
                    break;
                }
                if cancel.load(Ordering::Relaxed) {
                    bail!("cancelled after {docs_done} documents; no output written");
                }
                let annotated = newslens_core::run::annotate_all(annotator, &part);
                for (analyzer, (send, _)) in analyzers.iter().zip(&outputs) {
                    let mapped =
                        newslens_core::run::map_all(analyzer.as_ref(), &annotated, Some(cancel))?;
                    if send.send(mapped).is_err() {
                        // The writer stopped on an error, which its join gives.
                        return Ok(());
                    }
                }
                docs_done += part.len();
                bytes_done += part.iter().map(|d| d.text.len()).sum::<usize>();
                if progress {
                    let seconds = started.elapsed().as_secs_f64();
                    let line =
                        progress_line(docs_done, bytes_done, seconds, input_read, input_bytes);
                    eprint!("\r{line}   ");
                }
            }
            Ok(())
        })();
        // An empty report after the last part tells a writer the run is
        // complete; without it (an error, Ctrl-C) it leaves its files unfinished.
        // Every writer hears it before any is joined, so the reduces finish
        // side by side: joined in turn, each waited for the one before it
        // (over ReCOVery repeated to 100,000 articles, `--run all`, the
        // timeline's merge began some 4 s after the last part).
        let mut workers = Vec::new();
        for (send, worker) in outputs {
            if mapping.is_ok() {
                let _ = send.send(Report::default());
            }
            drop(send);
            workers.push(worker);
        }
        let mut reduced = Vec::new();
        for worker in workers {
            reduced.push(
                worker
                    .join()
                    .map_err(|_| anyhow::anyhow!("a writer thread failed"))?,
            );
        }
        mapping?;
        let skipped = reader
            .join()
            .map_err(|_| anyhow::anyhow!("the reader thread failed"))?;
        if progress {
            eprintln!();
        }
        let mut tables = 0;
        let mut unfolded = Vec::new();
        for (analyzer, result) in analyzers.iter().zip(reduced) {
            match result? {
                Some(n) => tables += n,
                None => unfolded.push(analyzer),
            }
        }
        // Analyzers without a streaming plan reduce from their map files.
        for analyzer in unfolded {
            tables += reduce_until(
                std::slice::from_ref(&args.out),
                &args.out,
                std::slice::from_ref(analyzer),
                args.format,
                cancel,
            )?;
        }
        Ok(format!(
            "{docs_done} articles ({:.1} MB) in {:.1} s; {skipped} bad records skipped; {tables} tables in {}",
            bytes_done as f64 / 1e6,
            started.elapsed().as_secs_f64(),
            args.out.display()
        ))
    })
}

/// One analyzer's side of a batch run: appends each part's map tables to the
/// map files and, when the analyzer has a streaming plan, folds their rows as
/// they come, so the reduce never reads the map files back.
struct AnalyzerOutput {
    map_dir: PathBuf,
    map_format: Format,
    files: BTreeMap<String, TableFiles>,
    folding: Option<Folding>,
}

/// The reduce of an [`AnalyzerOutput`], run on the way.
struct Folding {
    plan: StreamingReduce,
    dir: PathBuf,
    format: Format,
    /// CSV files of the kept tables, written as the rows come; their JSONL
    /// and Parquet files are the map files, linked in at the end.
    kept_csv: BTreeMap<String, CsvWriter>,
}

impl AnalyzerOutput {
    fn new(analyzer: &dyn Analyzer, args: &BatchArgs, map_format: Format) -> Result<Self> {
        let folding = match analyzer.streaming_reduce() {
            Some(plan) => {
                let dir = args.out.join(analyzer.name());
                let map_dir = args.out.join("map").join(analyzer.name());
                let mut kept_csv = BTreeMap::new();
                if args.format == Format::Csv {
                    // Under the map folder until complete, so a failed run
                    // leaves no folder of reduced tables.
                    std::fs::create_dir_all(&map_dir)
                        .with_context(|| format!("creating {}", map_dir.display()))?;
                    for table in &plan.keep {
                        let csv = CsvWriter::create_via(&map_dir, &dir, table)?;
                        kept_csv.insert(table.name.clone(), csv);
                    }
                }
                Some(Folding {
                    plan,
                    dir,
                    format: args.format,
                    kept_csv,
                })
            }
            None => None,
        };
        Ok(AnalyzerOutput {
            map_dir: args.out.join("map").join(analyzer.name()),
            map_format,
            files: BTreeMap::new(),
            folding,
        })
    }

    /// Takes parts until an empty one, which completes the files; returns how
    /// many reduced tables it wrote, or `None` when the reduce is left to
    /// [`reduce_until`]. A closed channel before the empty part leaves every
    /// file unfinished, so an interrupted run leaves no half file.
    fn run(
        mut self,
        parts: std::sync::mpsc::Receiver<Report>,
        cancel: &AtomicBool,
    ) -> Result<Option<usize>> {
        for part in parts {
            if part.tables.is_empty() {
                return self.finish(cancel);
            }
            if let Some(folding) = &mut self.folding {
                let reads = &folding.plan.reads;
                newslens_core::analyzer::fold_part(folding.plan.fold.as_mut(), reads, &part)?;
                for (name, csv) in &mut folding.kept_csv {
                    if let Some(table) = part.table(name) {
                        csv.append(&table.rows)?;
                    }
                }
            }
            for table in part.tables {
                let files = match self.files.entry(table.name.clone()) {
                    std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::btree_map::Entry::Vacant(e) => {
                        if let Some(kept) = self
                            .folding
                            .as_ref()
                            .and_then(|f| f.plan.keep.iter().find(|k| k.name == table.name))
                        {
                            if kept.columns != table.columns {
                                bail!(
                                    "the map table {} has other columns than the reduce keeps",
                                    table.name
                                );
                            }
                        }
                        e.insert(TableFiles::create(&self.map_dir, &table, self.map_format)?)
                    }
                };
                files.append(&table.rows)?;
            }
        }
        Ok(None)
    }

    fn finish(self, cancel: &AtomicBool) -> Result<Option<usize>> {
        for files in self.files.into_values() {
            files.finish()?;
        }
        let Some(folding) = self.folding else {
            return Ok(None);
        };
        let Folding {
            plan: StreamingReduce {
                keep, fold, order, ..
            },
            dir,
            format,
            kept_csv,
        } = folding;
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        for csv in kept_csv.into_values() {
            csv.finish()?;
        }
        // A kept table is its map table unchanged: the same bytes, linked.
        for table in &keep {
            let mut extensions = vec!["jsonl", "schema.json"];
            if format == Format::Parquet {
                extensions.push("parquet");
            }
            if !self.map_dir.join(format!("{}.jsonl", table.name)).exists() {
                // No part had rows, so there is no map file. Its CSV is
                // in `kept_csv`.
                let format = if format == Format::Csv {
                    Format::Jsonl
                } else {
                    format
                };
                TableFiles::create(&dir, table, format)?.finish()?;
                continue;
            }
            for extension in extensions {
                let file = format!("{}.{extension}", table.name);
                link_or_copy(&self.map_dir.join(&file), &dir.join(&file))?;
            }
        }
        FileSink::write_fold(fold, &dir, format, cancel)?;
        write_atomically(
            &dir.join("tables.txt"),
            format!("{}\n", order.join("\n")).as_bytes(),
        )?;
        Ok(Some(order.len()))
    }
}

/// Puts `from`'s bytes at `to`, by a hard link where the file system allows,
/// under a temporary name first so `to` is never half written.
fn link_or_copy(from: &Path, to: &Path) -> Result<()> {
    let temp = to.with_extension("link.tmp");
    let _ = std::fs::remove_file(&temp);
    if std::fs::hard_link(from, &temp).is_err() {
        std::fs::copy(from, &temp)
            .with_context(|| format!("copying {} to {}", from.display(), temp.display()))?;
    }
    std::fs::rename(&temp, to).with_context(|| format!("renaming {}", temp.display()))?;
    Ok(())
}

fn reduce_command(args: &BatchArgs, cancel: &AtomicBool) -> Result<String> {
    let config = shards_config(args)?;
    let analyzers = analyzers(&config, &args.run)?;
    let tables = reduce_until(
        &args.reduce_from,
        &args.out,
        &analyzers,
        args.format,
        cancel,
    )?;
    write_atomically(&args.out.join(CONFIG_FILE), config.text().as_bytes())?;
    Ok(format!("{tables} tables in {}", args.out.display()))
}

/// Reads the map tables of `shards` and writes each analyzer's reduced tables to `out`.
pub fn reduce_into(
    shards: &[PathBuf],
    out: &Path,
    analyzers: &[Box<dyn Analyzer>],
    format: Format,
) -> Result<usize> {
    reduce_until(shards, out, analyzers, format, &AtomicBool::new(false))
}

/// [`reduce_into`], stopping when `cancel` is set (between analyzers, and
/// every few thousand rows of a streaming reduce).
fn reduce_until(
    shards: &[PathBuf],
    out: &Path,
    analyzers: &[Box<dyn Analyzer>],
    format: Format,
    cancel: &AtomicBool,
) -> Result<usize> {
    use rayon::prelude::*;
    // The analyzers' reduces are independent: they run side by side, as
    // many at once as the pool has threads.
    let written: Vec<usize> = analyzers
        .par_iter()
        .map(|analyzer| reduce_one(shards, out, analyzer.as_ref(), format, cancel))
        .collect::<Result<_>>()?;
    Ok(written.into_iter().sum())
}

/// One analyzer's reduced tables from the shards' map tables; returns how
/// many it wrote.
fn reduce_one(
    shards: &[PathBuf],
    out: &Path,
    analyzer: &dyn Analyzer,
    format: Format,
    cancel: &AtomicBool,
) -> Result<usize> {
    if cancel.load(Ordering::Relaxed) {
        bail!("cancelled before the reduce of {}", analyzer.name());
    }
    let dir = out.join(analyzer.name());
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    // The analyzer's own table order, so a loaded folder shows its main table first.
    let order: Vec<String> = match analyzer.streaming_reduce() {
        Some(plan) => {
            let maps = map_dirs(shards, analyzer.name())?;
            reduce_streaming(&maps, plan, &dir, format, cancel)?
        }
        None => {
            let report = reduce_shards(shards, analyzer)?;
            for table in &report.tables {
                write_table(&dir, table, format)?;
            }
            report.tables.into_iter().map(|t| t.name).collect()
        }
    };
    write_atomically(
        &dir.join("tables.txt"),
        format!("{}\n", order.join("\n")).as_bytes(),
    )?;
    Ok(order.len())
}

/// Each shard's folder of map tables for `analyzer`.
fn map_dirs(shards: &[PathBuf], analyzer: &str) -> Result<Vec<PathBuf>> {
    shards
        .iter()
        .map(|shard| {
            let dir = shard.join("map").join(analyzer);
            if !dir.exists() {
                bail!("{} has no map tables for {analyzer}", shard.display());
            }
            Ok(dir)
        })
        .collect()
}

/// A reduce that folds map rows as they are read: memory holds the fold's
/// state and one row, whatever the size of the map tables. Kept map tables
/// are written out row by row on the way.
fn reduce_streaming(
    maps: &[PathBuf],
    plan: StreamingReduce,
    dir: &Path,
    format: Format,
    cancel: &AtomicBool,
) -> Result<Vec<String>> {
    let StreamingReduce {
        keep,
        reads,
        mut fold,
        order,
    } = plan;
    let mut kept_written = vec![false; keep.len()];
    let mut tables: Vec<(&str, Option<usize>)> = reads
        .iter()
        .map(|name| (*name, keep.iter().position(|t| t.name == *name)))
        .collect();
    for (i, table) in keep.iter().enumerate() {
        if !reads.contains(&table.name.as_str()) {
            tables.push((table.name.as_str(), Some(i)));
        }
    }
    let passes = reads.len();
    for (pass, (name, kept)) in tables.into_iter().enumerate() {
        // The entries after the reads are kept tables no fold reads.
        let folded = pass < passes;
        // A kept table read twice is written on its first pass only.
        let mut files = match kept {
            Some(i) if !kept_written[i] => {
                kept_written[i] = true;
                Some(TableFiles::create(dir, &keep[i], format)?)
            }
            _ => None,
        };
        for map in maps {
            if !map.join(format!("{name}.schema.json")).exists() {
                continue;
            }
            let schema = read_schema(map, name)?;
            if let Some(i) = kept {
                if schema.columns != keep[i].columns {
                    bail!(
                        "{}: the columns of {name} are not the ones this version writes; rerun the batch",
                        map.display()
                    );
                }
            }
            let mut until_check = 0u16;
            for_each_row(map, &schema, |row| {
                until_check = until_check.wrapping_sub(1);
                if until_check == 0 && cancel.load(Ordering::Relaxed) {
                    bail!("cancelled in the reduce of {name}");
                }
                if folded {
                    fold.add(&schema, &row)?;
                }
                if let Some(files) = &mut files {
                    files.append(std::slice::from_ref(&row))?;
                }
                Ok(())
            })?;
        }
        if let Some(files) = files {
            files.finish()?;
        }
    }
    FileSink::write_fold(fold, dir, format, cancel)?;
    Ok(order.into_iter().map(String::from).collect())
}

/// Writes each reduced table a fold gives straight to its files, a row at a
/// time, so a table larger than memory is never held.
struct FileSink<'a> {
    dir: &'a Path,
    format: Format,
    cancel: &'a AtomicBool,
    open: Option<TableFiles>,
    /// The tables begun so far, to refuse one given twice.
    written: Vec<String>,
    /// Rows written, for the cancel check.
    rows: u64,
}

impl FileSink<'_> {
    /// The fold's reduced tables, into `dir`.
    fn write_fold(
        fold: Box<dyn newslens_core::analyzer::Fold>,
        dir: &Path,
        format: Format,
        cancel: &AtomicBool,
    ) -> Result<()> {
        let mut sink = FileSink {
            dir,
            format,
            cancel,
            open: None,
            written: Vec::new(),
            rows: 0,
        };
        fold.finish_into(&mut sink)?;
        sink.close()
    }

    /// The open table's files for one more row, after the cancel check.
    fn next_row(&mut self) -> Result<&mut TableFiles> {
        self.rows += 1;
        if self.rows.is_multiple_of(4096) && self.cancel.load(Ordering::Relaxed) {
            bail!("cancelled while writing the reduced tables");
        }
        match &mut self.open {
            Some(files) => Ok(files),
            None => bail!("the reduce gave a row before any table"),
        }
    }

    fn close(&mut self) -> Result<()> {
        match self.open.take() {
            Some(files) => files.finish(),
            None => Ok(()),
        }
    }
}

impl newslens_core::analyzer::TableSink for FileSink<'_> {
    fn table(&mut self, empty: &Table) -> Result<()> {
        self.close()?;
        if self.written.contains(&empty.name) {
            bail!("the reduce gave the table {:?} twice", empty.name);
        }
        self.written.push(empty.name.clone());
        self.open = Some(TableFiles::create(self.dir, empty, self.format)?);
        Ok(())
    }

    fn row(&mut self, row: Row) -> Result<()> {
        self.next_row()?.append(std::slice::from_ref(&row))
    }

    fn row_in_pieces(&mut self, head: Vec<Value>, pieces: &mut Pieces<'_>) -> Result<()> {
        self.next_row()?.append_in_pieces(head, pieces)
    }

    /// A batch run has nowhere to keep notes; the REPL shows them.
    fn note(&mut self, _note: String) -> Result<()> {
        Ok(())
    }
}

/// The reduce of one analyzer over the map tables of several shards, held in memory.
pub fn reduce_shards(shards: &[PathBuf], analyzer: &dyn Analyzer) -> Result<Report> {
    let mut mapped = Report::default();
    for dir in map_dirs(shards, analyzer.name())? {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.to_string_lossy().ends_with(".schema.json"))
            .collect();
        names.sort();
        let mut part = Report::default();
        for schema in names {
            let name = schema
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .trim_end_matches(".schema.json")
                .to_string();
            part.tables.push(read_table(&dir, &name)?);
        }
        mapped.append(part);
    }
    analyzer.reduce(mapped)
}

/// Whether `dir` is the output folder of `newslens batch` or `newslens
/// reduce`: some analyzer's folder in it lists its tables (`tables.txt`).
/// A reduce's output has no `map` folder, so that alone does not tell.
pub fn is_result_folder(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .filter_map(|e| e.ok())
            .any(|e| e.path().join("tables.txt").is_file())
    })
}

/// Every reduced table in a batch folder, by analyzer, for the REPL.
pub fn load_results(dir: &Path) -> Result<Vec<(String, Report)>> {
    let mut out = Vec::new();
    let mut analyzers: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() && p.file_name().is_some_and(|n| n != "map"))
        .collect();
    analyzers.sort();
    for analyzer_dir in analyzers {
        let mut report = Report::default();
        let order = std::fs::read_to_string(analyzer_dir.join("tables.txt")).unwrap_or_default();
        for name in order.lines().filter(|l| !l.is_empty()) {
            report.tables.push(read_table(&analyzer_dir, name)?);
        }
        out.push((
            analyzer_dir
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_string(),
            report,
        ));
    }
    Ok(out)
}

fn schema_json(table: &Table) -> serde_json::Value {
    json!({
        "table": table.name,
        "columns": table.columns.iter().map(|c| json!({"name": c.name, "type": c.ty.name()})).collect::<Vec<_>>(),
    })
}

fn parse_type(name: &str) -> Result<ColumnType> {
    Ok(match name {
        "text" => ColumnType::Text,
        "int" => ColumnType::Int,
        "float" => ColumnType::Float,
        "date" => ColumnType::Date,
        "bool" => ColumnType::Bool,
        other => bail!("unknown column type {other}"),
    })
}

/// The files of one table, written a few rows at a time: JSONL (with the
/// schema file) always, CSV or Parquet beside it when asked.
struct TableFiles {
    jsonl: TableWriter,
    csv: Option<CsvWriter>,
    #[cfg(feature = "parquet")]
    parquet: Option<parquet_file::ParquetWriter>,
}

impl TableFiles {
    fn create(dir: &Path, table: &Table, format: Format) -> Result<TableFiles> {
        Ok(TableFiles {
            jsonl: TableWriter::create(dir, table)?,
            csv: match format {
                Format::Csv => Some(CsvWriter::create(dir, table)?),
                _ => None,
            },
            #[cfg(feature = "parquet")]
            parquet: match format {
                Format::Parquet => Some(parquet_file::ParquetWriter::create(dir, table)?),
                _ => None,
            },
        })
    }

    fn append(&mut self, rows: &[Row]) -> Result<()> {
        self.jsonl.append(rows)?;
        if let Some(csv) = &mut self.csv {
            csv.append(rows)?;
        }
        #[cfg(feature = "parquet")]
        if let Some(parquet) = &mut self.parquet {
            for row in rows {
                parquet.append(row)?;
            }
        }
        Ok(())
    }

    /// A row given in pieces: streamed into the JSONL file when that is the
    /// only file, held whole for the CSV and Parquet writers, which take a
    /// cell at once.
    fn append_in_pieces(&mut self, head: Vec<Value>, pieces: &mut Pieces<'_>) -> Result<()> {
        #[cfg(feature = "parquet")]
        let whole = self.csv.is_some() || self.parquet.is_some();
        #[cfg(not(feature = "parquet"))]
        let whole = self.csv.is_some();
        if whole {
            let row = newslens_core::analyzer::gather_pieces(head, pieces)?;
            return self.append(std::slice::from_ref(&row));
        }
        self.jsonl.append_in_pieces(&head, pieces)
    }

    fn finish(self) -> Result<()> {
        self.jsonl.finish()?;
        if let Some(csv) = self.csv {
            csv.finish()?;
        }
        #[cfg(feature = "parquet")]
        if let Some(parquet) = self.parquet {
            parquet.finish()?;
        }
        Ok(())
    }
}

/// Appends rows of one table to its JSONL file under a temporary name.
struct TableWriter {
    out: OutputFile,
    rows: json_rows::RowWriter,
    /// Rows not yet handed to `out`, which gathers whole blocks to write.
    buffer: Vec<u8>,
}

/// How many bytes of rows [`TableWriter`] gathers before handing them on.
const WRITE_SIZE: usize = 1 << 16;

impl TableWriter {
    fn create(dir: &Path, table: &Table) -> Result<TableWriter> {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let out = OutputFile::create(
            dir.join(format!("{}.jsonl", table.name)),
            dir.join(format!(".{}.jsonl.tmp", table.name)),
        )?;
        write_atomically(
            &dir.join(format!("{}.schema.json", table.name)),
            serde_json::to_string_pretty(&schema_json(table))?.as_bytes(),
        )?;
        Ok(TableWriter {
            out,
            rows: json_rows::RowWriter::new(&table.columns),
            buffer: Vec::with_capacity(WRITE_SIZE + WRITE_SIZE / 4),
        })
    }

    fn append(&mut self, rows: &[Row]) -> Result<()> {
        for row in rows {
            self.rows.write(&mut self.buffer, row);
            if self.buffer.len() >= WRITE_SIZE {
                self.flush()?;
            }
        }
        Ok(())
    }

    /// A row given in pieces, written as they come: a piece never waits for
    /// the rest of its row, so a cell larger than memory passes through.
    fn append_in_pieces(&mut self, head: &[Value], pieces: &mut Pieces<'_>) -> Result<()> {
        let TableWriter { out, rows, buffer } = self;
        rows.open_last_text(buffer, head);
        let (mut in_text, mut first) = (true, true);
        pieces(&mut |piece| {
            match piece {
                Piece::Text(_) if !in_text => bail!("a row's text after its evidence"),
                Piece::Text(more) => json_rows::text_piece(buffer, more),
                Piece::Evidence(e) => {
                    if in_text {
                        rows.close_text(buffer);
                        in_text = false;
                    }
                    json_rows::evidence(buffer, &e, first);
                    first = false;
                }
            }
            if buffer.len() >= WRITE_SIZE {
                write_out(out, buffer)?;
            }
            Ok(())
        })?;
        if in_text {
            rows.close_text(buffer);
        }
        json_rows::close_row(buffer);
        if buffer.len() >= WRITE_SIZE {
            write_out(out, buffer)?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        write_out(&mut self.out, &mut self.buffer)
    }

    fn finish(mut self) -> Result<()> {
        self.flush()?;
        self.out.finish()
    }
}

/// Writes the bytes `buffer` gathered to `out` and empties it.
fn write_out(out: &mut OutputFile, buffer: &mut Vec<u8>) -> Result<()> {
    out.write_all(buffer)
        .with_context(|| format!("writing {}", out.temp_path().display()))?;
    buffer.clear();
    Ok(())
}

/// A table as CSV: a header of column names, cells as the REPL prints them.
struct CsvWriter {
    out: csv::Writer<OutputFile>,
}

impl CsvWriter {
    fn create(dir: &Path, table: &Table) -> Result<CsvWriter> {
        CsvWriter::create_via(dir, dir, table)
    }

    /// A CSV file of `dir` written under a temporary name in `temp_dir`.
    fn create_via(temp_dir: &Path, dir: &Path, table: &Table) -> Result<CsvWriter> {
        let file = OutputFile::create(
            dir.join(format!("{}.csv", table.name)),
            temp_dir.join(format!(".{}.csv.tmp", table.name)),
        )?;
        let mut out = csv::Writer::from_writer(file);
        out.write_record(table.columns.iter().map(|c| c.name.as_str()))?;
        Ok(CsvWriter { out })
    }

    fn append(&mut self, rows: &[Row]) -> Result<()> {
        for row in rows {
            self.out
                .write_record(row.cells.iter().map(Value::to_string))?;
        }
        Ok(())
    }

    fn finish(self) -> Result<()> {
        let out = self.out.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
        out.finish()
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let temp = path.with_extension("tmp");
    std::fs::write(&temp, bytes).with_context(|| format!("writing {}", temp.display()))?;
    std::fs::rename(&temp, path).with_context(|| format!("renaming {}", temp.display()))?;
    Ok(())
}

/// Writes a whole reduced table in `format` (and JSONL).
fn write_table(dir: &Path, table: &Table, format: Format) -> Result<()> {
    let mut files = TableFiles::create(dir, table, format)?;
    files.append(&table.rows)?;
    files.finish()
}

/// The name and columns of the table `name` in `dir`, from its schema file.
pub fn read_schema(dir: &Path, name: &str) -> Result<Table> {
    let schema_path = dir.join(format!("{name}.schema.json"));
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&schema_path)
            .with_context(|| format!("reading {}", schema_path.display()))?,
    )?;
    let mut columns = Vec::new();
    for c in schema["columns"]
        .as_array()
        .ok_or_else(|| anyhow::anyhow!("{}: no columns", schema_path.display()))?
    {
        columns.push((
            c["name"].as_str().unwrap_or("").to_string(),
            parse_type(c["type"].as_str().unwrap_or(""))?,
        ));
    }
    let column_refs: Vec<(&str, ColumnType)> =
        columns.iter().map(|(n, t)| (n.as_str(), *t)).collect();
    Ok(Table::new(name, &column_refs))
}

/// Reads the JSONL rows of `schema`'s table in `dir` one at a time, each
/// value typed by its column.
fn for_each_row(dir: &Path, schema: &Table, mut f: impl FnMut(Row) -> Result<()>) -> Result<()> {
    let path = dir.join(format!("{}.jsonl", schema.name));
    let file = File::open(&path).with_context(|| format!("opening {}", path.display()))?;
    let mut reader = BufReader::new(file);
    let mut line = String::new();
    let mut number = 0;
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        number += 1;
        let mut parser = serde_json::Deserializer::from_str(&line);
        let row = serde::de::DeserializeSeed::deserialize(
            json_rows::RowIn {
                columns: &schema.columns,
            },
            &mut parser,
        )
        .and_then(|row| parser.end().map(|()| row))
        .with_context(|| format!("{}:{number}", path.display()))?;
        f(row)?;
    }
}

/// Reads a table back with its schema; every value keeps its type.
pub fn read_table(dir: &Path, name: &str) -> Result<Table> {
    let mut table = read_schema(dir, name)?;
    let mut rows = Vec::new();
    for_each_row(dir, &table, |row| {
        rows.push(row);
        Ok(())
    })?;
    table.rows = rows;
    Ok(table)
}

/// Writes documents as a newslens JSONL file (the input format of `batch`).
pub fn write_jsonl(docs: &[Arc<Document>], path: &Path) -> Result<()> {
    let mut out = BufWriter::new(File::create(path)?);
    for doc in docs {
        let record = json!({
            "id": doc.id, "source": doc.meta.source, "published": doc.meta.published.map(|d| d.to_string()),
            "title": doc.meta.title, "url": doc.meta.url, "text": doc.text,
        });
        serde_json::to_writer(&mut out, &record)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

/// Batch-runs `corpora` into `out` with every linked analyzer; for tests and tools.
pub fn run(corpora: &[PathBuf], out: &Path, part_size: usize) -> Result<String> {
    run_with(corpora, out, part_size, &["all"], Format::Jsonl)
}

/// Batch-runs `corpora` into `out` with the named analyzers (or `all`), in `format`.
pub fn run_with(
    corpora: &[PathBuf],
    out: &Path,
    part_size: usize,
    analyzers: &[&str],
    format: Format,
) -> Result<String> {
    run_until(
        corpora,
        out,
        part_size,
        analyzers,
        format,
        &AtomicBool::new(false),
    )
}

/// [`run_with`], stopping with an error once `cancel` is set, as Ctrl-C does.
pub fn run_until(
    corpora: &[PathBuf],
    out: &Path,
    part_size: usize,
    analyzers: &[&str],
    format: Format,
    cancel: &AtomicBool,
) -> Result<String> {
    let args = BatchArgs {
        corpora: corpora.to_vec(),
        reduce_from: Vec::new(),
        out: out.to_path_buf(),
        run: analyzers.iter().map(|a| a.to_string()).collect(),
        format,
        config: None,
        skip_bad: false,
        jobs: None,
        part_size,
        tmp_dir: None,
    };
    batch_command(&args, cancel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tmp_dir_reaches_the_analyzers_and_must_be_writable() {
        let dir = std::env::temp_dir().join(format!("newslens-batch-tmp-{}", std::process::id()));
        let words = |words: &[&str]| words.iter().map(|w| w.to_string()).collect::<Vec<_>>();
        let e = parse(&words(&["--corpus", "c", "--out", "o", "--tmp-dir"]), false).unwrap_err();
        assert!(e.to_string().contains("--tmp-dir needs a value"), "{e}");
        let args = |tmp: &Path| {
            let tmp = tmp.display().to_string();
            parse(
                &words(&["--corpus", "c", "--out", "o", "--tmp-dir", &tmp]),
                false,
            )
            .unwrap()
        };
        let config = load_config(&args(&dir.join("sorts"))).unwrap();
        assert!(dir.join("sorts").is_dir(), "made when missing");
        assert_eq!(
            config.settings_for("timeline").scratch_dir(),
            dir.join("sorts")
        );
        // Under a file, where nothing can be written.
        std::fs::write(dir.join("a-file"), b"").unwrap();
        let e = load_config(&args(&dir.join("a-file").join("sorts"))).unwrap_err();
        assert!(format!("{e:#}").contains("--tmp-dir"), "{e:#}");
        std::fs::remove_dir_all(&dir).unwrap();
        // Without it, the system's temporary folder.
        let config =
            load_config(&parse(&words(&["--corpus", "c", "--out", "o"]), false).unwrap()).unwrap();
        assert_eq!(
            config.settings_for("timeline").scratch_dir(),
            std::env::temp_dir()
        );
    }

    #[test]
    fn progress_tells_the_share_read_and_the_time_left() {
        // A quarter of the input in 30 s leaves 90 s at that rate.
        assert_eq!(
            progress_line(2_000, 10_000_000, 30.0, 250, 1_000),
            "2000 articles, 0.3 MB/s, 25% read, ETA 1:30"
        );
        // Nothing read yet, or an input of unknown size: no guess.
        assert_eq!(progress_line(0, 0, 0.0, 0, 1_000), "0 articles, 0.0 MB/s");
        assert_eq!(
            progress_line(5, 5_000_000, 1.0, 10, 0),
            "5 articles, 5.0 MB/s"
        );
    }

    #[test]
    fn input_size_of_a_file_and_of_a_directory() {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
        let txt: u64 = std::fs::read_dir(&corpus)
            .unwrap()
            .flatten()
            .map(|e| e.metadata().unwrap().len())
            .sum();
        assert_eq!(input_size(&corpus), txt);
        let manifest = corpus.join("manifest.toml");
        assert_eq!(
            input_size(&manifest),
            std::fs::metadata(&manifest).unwrap().len()
        );
        assert_eq!(input_size(Path::new("/no/such/corpus")), 0);
    }

    /// A fold whose reduced table exists only as rows made one at a time:
    /// its `finish` fails, so the rows can reach the files only through
    /// `finish_into`. Halfway it notes how much of the table is on disk.
    struct Counter {
        rows: usize,
        temp: PathBuf,
        on_disk_halfway: Arc<std::sync::atomic::AtomicU64>,
    }

    impl newslens_core::analyzer::Fold for Counter {
        fn add(&mut self, _: &Table, _: &Row) -> Result<()> {
            Ok(())
        }
        fn finish(self: Box<Self>) -> Result<Report> {
            bail!("the batch reduce asked for the whole table")
        }
        fn finish_into(
            self: Box<Self>,
            out: &mut dyn newslens_core::analyzer::TableSink,
        ) -> Result<()> {
            out.table(&Table::new(
                "counts",
                &[("n", ColumnType::Int), ("label", ColumnType::Text)],
            ))?;
            for n in 0..self.rows {
                if n == self.rows / 2 {
                    let size = std::fs::metadata(&self.temp).map_or(0, |m| m.len());
                    self.on_disk_halfway.store(size, Ordering::Relaxed);
                }
                out.row(Row::new(vec![n.into(), "row".into()]))?;
            }
            out.note("counted".into())?;
            out.table(&Table::new("after", &[("n", ColumnType::Int)]))?;
            out.row(Row::new(vec![self.rows.into()]))
        }
    }

    #[test]
    fn a_folds_rows_reach_the_files_before_its_table_ends() {
        let dir = std::env::temp_dir().join(format!("newslens-batch-sink-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let rows = 200_000;
        let on_disk_halfway = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let plan = StreamingReduce {
            keep: Vec::new(),
            reads: Vec::new(),
            fold: Box::new(Counter {
                rows,
                temp: dir.join(".counts.jsonl.tmp"),
                on_disk_halfway: Arc::clone(&on_disk_halfway),
            }),
            order: vec!["after", "counts"],
        };
        let order =
            reduce_streaming(&[], plan, &dir, Format::Csv, &AtomicBool::new(false)).unwrap();
        assert_eq!(order, ["after", "counts"]);
        // Each JSONL row is at least `{"n":0,"label":"row"}`, 21 bytes: half
        // the rows are far more than a write buffer holds.
        let halfway = on_disk_halfway.load(Ordering::Relaxed);
        assert!(
            halfway > (rows as u64 / 2) * 21 / 2,
            "{halfway} bytes on disk halfway"
        );
        let counts = read_table(&dir, "counts").unwrap();
        assert_eq!(counts.rows.len(), rows);
        assert_eq!(
            counts.rows[rows - 1].cells,
            [Value::Int(rows as i64 - 1), Value::text("row")]
        );
        let csv = std::fs::read_to_string(dir.join("counts.csv")).unwrap();
        assert_eq!(csv.lines().count(), rows + 1);
        assert_eq!(csv.lines().next(), Some("n,label"));
        assert_eq!(
            read_table(&dir, "after").unwrap().rows[0].cells,
            [Value::Int(rows as i64)]
        );
        let leftovers: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A fold whose one row is a cell of many pieces and as many spans of
    /// evidence; halfway through its text it notes how much is on disk.
    struct OneLongRow {
        pieces: usize,
        temp: PathBuf,
        on_disk_halfway: Arc<std::sync::atomic::AtomicU64>,
    }

    impl newslens_core::analyzer::Fold for OneLongRow {
        fn add(&mut self, _: &Table, _: &Row) -> Result<()> {
            Ok(())
        }
        fn finish(self: Box<Self>) -> Result<Report> {
            bail!("the batch reduce asked for the whole table")
        }
        fn finish_into(
            self: Box<Self>,
            out: &mut dyn newslens_core::analyzer::TableSink,
        ) -> Result<()> {
            out.table(&Table::new(
                "tolls",
                &[("kind", ColumnType::Text), ("reports", ColumnType::Text)],
            ))?;
            out.row_in_pieces(vec!["killed".into()], &mut |emit| {
                for n in 0..self.pieces {
                    if n == self.pieces / 2 {
                        let size = std::fs::metadata(&self.temp).map_or(0, |m| m.len());
                        self.on_disk_halfway.store(size, Ordering::Relaxed);
                    }
                    emit(Piece::Text("Outlet: \"at least 12\" | "))?;
                }
                for n in 0..self.pieces {
                    emit(Piece::Evidence(newslens_core::Evidence {
                        doc: "doc".into(),
                        start: n,
                        end: n + 2,
                    }))?;
                }
                Ok(())
            })
        }
    }

    #[test]
    fn a_row_in_pieces_reaches_the_file_before_it_ends() {
        let dir = std::env::temp_dir().join(format!("newslens-batch-long-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let pieces = 200_000;
        let on_disk_halfway = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let plan = StreamingReduce {
            keep: Vec::new(),
            reads: Vec::new(),
            fold: Box::new(OneLongRow {
                pieces,
                temp: dir.join(".tolls.jsonl.tmp"),
                on_disk_halfway: Arc::clone(&on_disk_halfway),
            }),
            order: vec!["tolls"],
        };
        reduce_streaming(&[], plan, &dir, Format::Jsonl, &AtomicBool::new(false)).unwrap();
        // Each piece is 28 bytes written (its quotes escaped): half of them
        // are several write buffers.
        let halfway = on_disk_halfway.load(Ordering::Relaxed);
        assert!(
            halfway > (pieces as u64 / 2) * 28 / 2,
            "{halfway} bytes on disk halfway"
        );
        let tolls = read_table(&dir, "tolls").unwrap();
        assert_eq!(tolls.rows.len(), 1);
        let row = &tolls.rows[0];
        assert_eq!(
            row.cells[1],
            Value::text("Outlet: \"at least 12\" | ".repeat(pieces))
        );
        assert_eq!(row.evidence.len(), pieces);
        assert_eq!((row.evidence[7].start, row.evidence[7].end), (7, 9));
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Gives one table twice.
    struct Twice;
    impl newslens_core::analyzer::Fold for Twice {
        fn add(&mut self, _: &Table, _: &Row) -> Result<()> {
            Ok(())
        }
        fn finish_into(
            self: Box<Self>,
            out: &mut dyn newslens_core::analyzer::TableSink,
        ) -> Result<()> {
            let t = Table::new("t", &[("n", ColumnType::Int)]);
            out.write_report(Report::new(vec![t.clone(), t]))
        }
    }

    #[test]
    fn a_table_given_twice_is_refused() {
        let dir = std::env::temp_dir().join(format!("newslens-batch-twice-{}", std::process::id()));
        let plan = StreamingReduce {
            keep: Vec::new(),
            reads: Vec::new(),
            fold: Box::new(Twice),
            order: vec!["t"],
        };
        let error = reduce_streaming(&[], plan, &dir, Format::Jsonl, &AtomicBool::new(false))
            .unwrap_err()
            .to_string();
        assert_eq!(error, "the reduce gave the table \"t\" twice");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// An analyzer whose reduce, once asked to finish, waits (up to a
    /// deadline) until every analyzer of the run has been asked too.
    struct WaitsForTheOthers {
        name: &'static str,
        finishing: Arc<std::sync::atomic::AtomicUsize>,
        of: usize,
    }

    struct WaitingFold {
        finishing: Arc<std::sync::atomic::AtomicUsize>,
        of: usize,
    }

    impl Analyzer for WaitsForTheOthers {
        fn name(&self) -> &'static str {
            self.name
        }
        fn map(&self, doc: &newslens_core::AnnotatedDoc) -> Report {
            let mut table = Table::new("docs", &[("doc", ColumnType::Text)]);
            table.rows.push(Row::new(vec![doc.doc.id.as_str().into()]));
            Report {
                tables: vec![table],
                ..Report::default()
            }
        }
        fn streaming_reduce(&self) -> Option<StreamingReduce> {
            Some(StreamingReduce {
                keep: Vec::new(),
                reads: vec!["docs"],
                fold: Box::new(WaitingFold {
                    finishing: Arc::clone(&self.finishing),
                    of: self.of,
                }),
                order: vec!["together"],
            })
        }
    }

    impl newslens_core::analyzer::Fold for WaitingFold {
        fn add(&mut self, _: &Table, _: &Row) -> Result<()> {
            Ok(())
        }
        fn finish_into(
            self: Box<Self>,
            out: &mut dyn newslens_core::analyzer::TableSink,
        ) -> Result<()> {
            let seen = self.finishing.fetch_add(1, Ordering::SeqCst) + 1;
            let deadline = Instant::now() + std::time::Duration::from_secs(20);
            let mut all = seen;
            while all < self.of && Instant::now() < deadline {
                std::thread::sleep(std::time::Duration::from_millis(5));
                all = self.finishing.load(Ordering::SeqCst);
            }
            let mut table = Table::new("together", &[("finishing", ColumnType::Int)]);
            table.rows.push(Row::new(vec![all.into()]));
            out.write_table(table)
        }
    }

    #[test]
    fn the_analyzers_reduces_finish_side_by_side() {
        let dir = std::env::temp_dir().join(format!("newslens-batch-side-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
        let args = parse(
            &[
                "--corpus".to_string(),
                corpus.display().to_string(),
                "--out".to_string(),
                dir.display().to_string(),
            ],
            false,
        )
        .unwrap();
        let finishing = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let analyzers: Vec<Box<dyn Analyzer>> = ["first", "second", "third"]
            .into_iter()
            .map(|name| {
                Box::new(WaitsForTheOthers {
                    name,
                    finishing: Arc::clone(&finishing),
                    of: 3,
                }) as Box<dyn Analyzer>
            })
            .collect();
        let annotator =
            newslens_core::Annotator::new(Arc::clone(&newslens_core::bundled::config().gazetteer));
        batch_with(&args, &annotator, &analyzers, &AtomicBool::new(false)).unwrap();
        // Finished one after another, the first would see only itself
        // finishing and give up at the deadline.
        for name in ["first", "second", "third"] {
            let together = read_table(&dir.join(name), "together").unwrap();
            assert_eq!(together.rows[0].cells, [Value::Int(3)], "{name}");
            assert_eq!(
                read_table(&dir.join("map").join(name), "docs")
                    .unwrap()
                    .rows
                    .len(),
                5
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
