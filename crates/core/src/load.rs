//! Loading corpora: a directory of `.txt` files with a manifest, a directory
//! of `.jsonl`, `.jsonl.gz` and `.txt` files, a `.jsonl` or `.jsonl.gz` file,
//! or a single text file.
//!
//! Text is kept exactly as given (so offsets can be checked against the
//! source) unless a directory's manifest asks for page-chrome cleaning. Bad
//! input is an error naming the file and line; with `skip_bad` the bad records
//! are reported, counted and left out, never dropped silently.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use anyhow::{Context, Result};
use jiff::civil::Date;
use serde::Deserialize;

use crate::{clean, Document, Meta};

mod seen_ids;
use seen_ids::SeenIds;

/// A record that could not be loaded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LoadError {
    #[error("{path}:{line}: malformed JSON: {message}")]
    Json {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{path}:{line}: duplicate id {id:?} (first on line {first})")]
    DuplicateId {
        path: PathBuf,
        line: usize,
        id: String,
        first: usize,
    },
    #[error("{path}:{line}: duplicate id {id:?} (first in {first_path} on line {first_line})")]
    DuplicateIdAcross {
        path: PathBuf,
        line: usize,
        id: String,
        first_path: PathBuf,
        first_line: usize,
    },
    #[error("{path}:{line}: missing field `{field}`")]
    Missing {
        path: PathBuf,
        line: usize,
        field: &'static str,
    },
    #[error("{path}:{line}: bad date {value:?} in `published` (expected YYYY-MM-DD)")]
    BadDate {
        path: PathBuf,
        line: usize,
        value: String,
    },
    #[error("{path}:{line}: not valid UTF-8")]
    NotUtf8 { path: PathBuf, line: usize },
    #[error("{path}: {message}")]
    Io { path: PathBuf, message: String },
}

/// How to treat bad records.
#[derive(Clone, Copy, Debug, Default)]
pub struct LoadOptions {
    /// Leave bad records out (and list them) instead of stopping at the first.
    pub skip_bad: bool,
}

impl LoadOptions {
    /// Whether `error` leaves its record out rather than stopping the load:
    /// a bad record under `skip_bad`, never a file that cannot be read.
    pub fn skips(self, error: &LoadError) -> bool {
        self.skip_bad && !matches!(error, LoadError::Io { .. })
    }
}

/// A loaded corpus.
#[derive(Debug, Default)]
pub struct Loaded {
    pub docs: Vec<Arc<Document>>,
    /// The records left out under `skip_bad`, in file order.
    pub skipped: Vec<LoadError>,
}

/// Loads whatever `path` is: a directory, a `.jsonl`/`.jsonl.gz` file or a text file.
pub fn load_path(path: &Path, options: LoadOptions) -> Result<Loaded> {
    let metadata =
        std::fs::metadata(path).with_context(|| format!("reading {}", path.display()))?;
    if metadata.is_dir() {
        return load_dir(path, options);
    }
    if is_jsonl(path) {
        return load_jsonl(path, options);
    }
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let mut text = String::from_utf8(bytes).map_err(|e| {
        let line = e.as_bytes()[..e.utf8_error().valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        LoadError::NotUtf8 {
            path: path.to_path_buf(),
            line,
        }
    })?;
    text.drain(..text.len() - without_bom(&text).len());
    let id = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("doc")
        .to_string();
    Ok(Loaded {
        docs: vec![Arc::new(Document {
            id,
            meta: Meta {
                source: Meta::UNKNOWN_SOURCE.into(),
                ..Meta::default()
            },
            text,
        })],
        skipped: Vec::new(),
    })
}

/// One JSONL record as written: `id, source, published, title, url, text`;
/// other fields are ignored.
#[derive(Deserialize)]
struct Record {
    id: Option<String>,
    source: Option<String>,
    published: Option<String>,
    title: Option<String>,
    url: Option<String>,
    text: Option<String>,
}

/// The ids one load or batch run has given so far, from JSONL and text
/// files alike, with the file and line each was first on, so that an id
/// given twice is refused wherever the second comes from: twelve bytes a
/// document.
#[derive(Default)]
pub struct CorpusIds {
    seen: SeenIds,
    /// Every file started, with its base, in order: lines count on from file
    /// to file, so a file's line n is `base + n`.
    files: Vec<(PathBuf, u32)>,
    /// The place of the last id recorded; the next file's base.
    last: u32,
}

impl CorpusIds {
    /// Starts the next file; its ids are recorded with [`CorpusIds::record`].
    fn start_file(&mut self, path: &Path) {
        self.files.push((path.to_path_buf(), self.last));
    }

    /// Records `id`, given on `line` of the file started last, or says where
    /// it was given first (and then records nothing).
    fn record(&mut self, id: String, line: usize) -> Result<String, LoadError> {
        let (path, base) = self.files.last().expect("a file is started first");
        let place = base.saturating_add(u32::try_from(line).unwrap_or(u32::MAX));
        let Some(first) = self.seen.first_line_or_insert(&id, place) else {
            self.last = place;
            return Ok(id);
        };
        if first > *base {
            return Err(LoadError::DuplicateId {
                path: path.clone(),
                line,
                id,
                first: (first - base) as usize,
            });
        }
        // The last file begun before `first`: one without records shares
        // its base with the file after it.
        let file = self.files.partition_point(|&(_, b)| b < first) - 1;
        let (first_path, first_base) = &self.files[file];
        Err(LoadError::DuplicateIdAcross {
            path: path.clone(),
            line,
            id,
            first_path: first_path.clone(),
            first_line: (first - first_base) as usize,
        })
    }

    /// Records the id of a document read whole from `path` (a text file),
    /// as the file's only record, on its line 1.
    pub fn record_file(&mut self, path: &Path, doc: &Document) -> Result<(), LoadError> {
        self.start_file(path);
        self.record(doc.id.clone(), 1).map(drop)
    }
}

/// Reads documents from a JSONL file (gzip when the name ends in `.gz`,
/// including multi-member gzip), one at a time, without holding the file.
pub struct JsonlReader {
    path: PathBuf,
    lines: Box<dyn BufRead + Send>,
    line: usize,
    buffer: Vec<u8>,
    /// The ids read so far, this file's and those of the files read before
    /// it in the same run ([`JsonlReader::open_in`]).
    ids: CorpusIds,
    file_bytes_read: Arc<AtomicU64>,
    file_len: u64,
}

/// Counts the bytes read from the file itself (compressed ones for `.gz`),
/// so progress can be told against the file's size.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl JsonlReader {
    /// Opens `path` as a corpus of its own.
    pub fn open(path: &Path) -> Result<JsonlReader> {
        JsonlReader::open_in(path, CorpusIds::default())
    }

    /// Opens `path` as the next file of a corpus whose files so far gave
    /// `ids`: an id of this file that an earlier one gave too is an error,
    /// as within one file. [`JsonlReader::into_ids`] gives them back, with
    /// this file's.
    pub fn open_in(path: &Path, mut ids: CorpusIds) -> Result<JsonlReader> {
        let file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
        let file_len = file.metadata().map_or(0, |m| m.len());
        let file_bytes_read = Arc::new(AtomicU64::new(0));
        let file = Counting {
            inner: file,
            count: Arc::clone(&file_bytes_read),
        };
        let reader: Box<dyn Read + Send> = if path.extension().is_some_and(|e| e == "gz") {
            Box::new(flate2::read::MultiGzDecoder::new(BufReader::new(file)))
        } else {
            Box::new(file)
        };
        ids.start_file(path);
        Ok(JsonlReader {
            path: path.to_path_buf(),
            lines: Box::new(BufReader::with_capacity(1 << 16, reader)),
            line: 0,
            buffer: Vec::new(),
            ids,
            file_bytes_read,
            file_len,
        })
    }

    /// The ids of this file and of the files before it, for the next file.
    pub fn into_ids(self) -> CorpusIds {
        self.ids
    }

    /// The line number of the last record read.
    pub fn line(&self) -> usize {
        self.line
    }

    /// How far into the file reading has got: bytes of the file read so far
    /// (read ahead by up to two buffers) and the file's size.
    pub fn file_position(&self) -> (u64, u64) {
        let read = self.file_bytes_read.load(Ordering::Relaxed);
        (read.min(self.file_len), self.file_len)
    }

    fn parse(&mut self) -> Result<Option<Document>, LoadError> {
        let path = &self.path;
        let line = self.line;
        let text = std::str::from_utf8(&self.buffer).map_err(|_| LoadError::NotUtf8 {
            path: path.clone(),
            line,
        })?;
        let text = if line == 1 { without_bom(text) } else { text };
        if text.trim().is_empty() {
            return Ok(None);
        }
        let record: Record = serde_json::from_str(text).map_err(|e| LoadError::Json {
            path: path.clone(),
            line,
            message: e.to_string(),
        })?;
        let missing = |field| LoadError::Missing {
            path: path.clone(),
            line,
            field,
        };
        let id = record
            .id
            .filter(|s| !s.is_empty())
            .ok_or_else(|| missing("id"))?;
        let text = record.text.ok_or_else(|| missing("text"))?;
        let published = match record.published.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(value) => Some(parse_date(value).ok_or_else(|| LoadError::BadDate {
                path: path.clone(),
                line,
                value: value.to_string(),
            })?),
        };
        let id = self.ids.record(id, line)?;
        Ok(Some(Document {
            id,
            meta: Meta {
                // An empty outlet is no outlet: it would show as a blank name.
                source: record
                    .source
                    .filter(|s| !s.trim().is_empty())
                    .unwrap_or_else(|| Meta::UNKNOWN_SOURCE.into()),
                published,
                title: record.title,
                url: record.url,
            },
            text,
        }))
    }
}

impl Iterator for JsonlReader {
    type Item = Result<Document, LoadError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            self.buffer.clear();
            match self.lines.read_until(b'\n', &mut self.buffer) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => {
                    return Some(Err(LoadError::Io {
                        path: self.path.clone(),
                        message: e.to_string(),
                    }));
                }
            }
            self.line += 1;
            match self.parse() {
                Ok(None) => continue,
                Ok(Some(doc)) => return Some(Ok(doc)),
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

/// `text` without the byte-order mark that Windows tools put at the start
/// of a UTF-8 file: it marks the encoding and is not part of the text (a
/// JSONL file's first record would not parse, a text file's first word
/// would not match a name).
fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// `2020-02-19`, or the date part of `2020-02-19T10:00:00Z` / `2020-02-19 10:00`.
pub fn parse_date(value: &str) -> Option<Date> {
    let day = value
        .get(..10)
        .filter(|_| value.len() == 10 || matches!(value.as_bytes()[10], b'T' | b' '))?;
    day.parse().ok()
}

/// Loads a whole JSONL file.
pub fn load_jsonl(path: &Path, options: LoadOptions) -> Result<Loaded> {
    let mut loaded = Loaded::default();
    read_all(&mut JsonlReader::open(path)?, options, &mut loaded)?;
    Ok(loaded)
}

/// The document of a text file, into `loaded` unless `ids` already holds
/// its id (the file's name).
pub fn read_text_file(
    path: &Path,
    ids: &mut CorpusIds,
    options: LoadOptions,
    loaded: &mut Loaded,
) -> Result<()> {
    let mut one = load_path(path, options)?;
    for doc in one.docs.drain(..) {
        match ids.record_file(path, &doc) {
            Ok(()) => loaded.docs.push(doc),
            Err(e) if options.skips(&e) => loaded.skipped.push(e),
            Err(e) => return Err(e.into()),
        }
    }
    loaded.skipped.append(&mut one.skipped);
    Ok(())
}

/// Every record `reader` has left, into `loaded`.
fn read_all(reader: &mut JsonlReader, options: LoadOptions, loaded: &mut Loaded) -> Result<()> {
    for record in reader {
        match record {
            Ok(doc) => loaded.docs.push(Arc::new(doc)),
            Err(e) if options.skips(&e) => loaded.skipped.push(e),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// Reads every document of a JSONL file, for tests and tools.
pub fn read_jsonl(path: &Path) -> Result<Vec<Document>> {
    Ok(load_jsonl(path, LoadOptions::default())?
        .docs
        .into_iter()
        .map(Arc::unwrap_or_clone)
        .collect())
}

/// `manifest.toml` beside a directory's `.txt` files.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Strip web-page chrome (see [`crate::clean`]) from every file at load time.
    #[serde(default)]
    pub clean: bool,
    #[serde(default, rename = "documents")]
    pub documents: Vec<ManifestEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestEntry {
    pub id: String,
    pub file: String,
    pub source: String,
    #[serde(default)]
    pub published: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
}

/// Whether `path` names JSONL input: `.jsonl`, or gzipped `.jsonl.gz` or `.json.gz`.
pub fn is_jsonl(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.ends_with(".jsonl") || name.ends_with(".jsonl.gz") || name.ends_with(".json.gz")
}

/// The corpus files of `path` when it is a directory without a
/// `manifest.toml`: its JSONL ([`is_jsonl`]) and `.txt` files, sorted by
/// name; `None` for a file or a directory with a manifest. Other files and
/// subfolders are not read; a folder with none of these files is an error,
/// not an empty corpus.
pub fn folder_files(path: &Path) -> Result<Option<Vec<PathBuf>>> {
    if !path.is_dir() || path.join("manifest.toml").exists() {
        return Ok(None);
    }
    let dir = path;
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && (is_jsonl(p) || p.extension().is_some_and(|e| e == "txt")))
        .collect();
    if files.is_empty() {
        anyhow::bail!(
            "{}: no manifest.toml and no .jsonl, .jsonl.gz or .txt files to read",
            dir.display()
        );
    }
    files.sort();
    Ok(Some(files))
}

/// A directory: the documents its `manifest.toml` lists, or, without one,
/// those of its [`folder_files`] in order (a `.txt` file is one document, id =
/// file stem, source unknown).
pub fn load_dir(dir: &Path, options: LoadOptions) -> Result<Loaded> {
    if let Some(files) = folder_files(dir)? {
        let mut loaded = Loaded::default();
        // One set of ids, so an id one file repeats from another is caught.
        let mut ids = CorpusIds::default();
        for file in files {
            if is_jsonl(&file) {
                let mut reader = JsonlReader::open_in(&file, ids)?;
                read_all(&mut reader, options, &mut loaded)?;
                ids = reader.into_ids();
            } else {
                read_text_file(&file, &mut ids, options, &mut loaded)?;
            }
        }
        return Ok(loaded);
    }
    let manifest_path = dir.join("manifest.toml");
    let manifest_text = std::fs::read_to_string(&manifest_path)
        .with_context(|| format!("reading {}", manifest_path.display()))?;
    let files = |name: &str| -> Result<Vec<u8>> {
        let path = dir.join(name);
        std::fs::read(&path).with_context(|| format!("reading {}", path.display()))
    };
    load_manifest(&manifest_text, &manifest_path, files)
}

/// Builds documents from manifest text and a way to read the files it names.
pub fn load_manifest(
    text: &str,
    manifest_path: &Path,
    read: impl Fn(&str) -> Result<Vec<u8>>,
) -> Result<Loaded> {
    let manifest: Manifest = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(0, |s| {
            text[..s.start.min(text.len())].matches('\n').count() + 1
        });
        anyhow::anyhow!(
            "{}:{line}: {}",
            manifest_path.display(),
            e.message().trim_end()
        )
    })?;
    let mut loaded = Loaded::default();
    let mut seen = HashMap::new();
    for (index, entry) in manifest.documents.into_iter().enumerate() {
        let place = format!(
            "{} (document {}, {:?})",
            manifest_path.display(),
            index + 1,
            entry.id
        );
        if let Some(first) = seen.insert(entry.id.clone(), index + 1) {
            anyhow::bail!("{place}: duplicate id (first as document {first})");
        }
        let bytes = read(&entry.file)?;
        let mut raw = String::from_utf8(bytes)
            .map_err(|_| anyhow::anyhow!("{place}: {} is not valid UTF-8", entry.file))?;
        raw.drain(..raw.len() - without_bom(&raw).len());
        let published = match entry.published.as_deref() {
            None | Some("") => None,
            Some(value) => Some(
                parse_date(value).ok_or_else(|| anyhow::anyhow!("{place}: bad date {value:?}"))?,
            ),
        };
        let text = if manifest.clean {
            clean::clean_page(&raw)
        } else {
            raw
        };
        loaded.docs.push(Arc::new(Document {
            id: entry.id,
            meta: Meta {
                source: entry.source,
                published,
                title: entry.title,
                url: entry.url,
            },
            text,
        }));
    }
    Ok(loaded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A file named `name` holding `bytes`, in a folder of its own that
    /// goes when the file does.
    struct TempFile {
        path: PathBuf,
    }

    impl std::ops::Deref for TempFile {
        type Target = Path;
        fn deref(&self) -> &Path {
            &self.path
        }
    }

    impl Drop for TempFile {
        fn drop(&mut self) {
            if let Some(dir) = self.path.parent() {
                let _ = std::fs::remove_dir_all(dir);
            }
        }
    }

    fn temp_file(name: &str, bytes: &[u8]) -> TempFile {
        let dir = std::env::temp_dir().join(format!("newslens-load-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        TempFile { path }
    }

    fn error(name: &str, content: &[u8]) -> String {
        let path = temp_file(name, content);
        load_path(&path, LoadOptions::default())
            .err()
            .map(|e| format!("{e:#}"))
            .unwrap_or_default()
    }

    const GOOD: &str = r#"{"id": "a", "source": "Reuters", "published": "2020-02-19", "title": "T", "url": null, "text": "Tripoli was shelled."}"#;

    #[test]
    fn jsonl_keeps_text_exactly() {
        let raw =
            r#"{"id": "a", "source": "X", "published": null, "text": "  two\r\nlines  “quoted” "}"#;
        let loaded = load_path(
            &temp_file("exact.jsonl", raw.as_bytes()),
            LoadOptions::default(),
        )
        .unwrap();
        assert_eq!(loaded.docs[0].text, "  two\r\nlines  “quoted” ");
        assert_eq!(loaded.docs[0].meta.published, None);
    }

    #[test]
    fn bad_records_name_file_and_line() {
        let e = error(
            "json.jsonl",
            format!("{GOOD}\n{{\"id\": \"b\", \n").as_bytes(),
        );
        assert!(e.contains("json.jsonl:2: malformed JSON"), "{e}");
        let e = error("dup.jsonl", format!("{GOOD}\n\n{GOOD}\n").as_bytes());
        assert!(
            e.contains("dup.jsonl:3: duplicate id \"a\" (first on line 1)"),
            "{e}"
        );
        let e = error("missing.jsonl", br#"{"id": "a", "source": "X"}"#);
        assert!(e.contains("missing.jsonl:1: missing field `text`"), "{e}");
        let e = error(
            "date.jsonl",
            br#"{"id": "a", "published": "19/02/2020", "text": "x"}"#,
        );
        assert!(e.contains("date.jsonl:1: bad date \"19/02/2020\""), "{e}");
        let mut bytes = format!("{GOOD}\n").into_bytes();
        bytes.extend_from_slice(b"{\"id\": \"b\", \"text\": \"caf\xe9\"}\n");
        let e = error("utf8.jsonl", &bytes);
        assert!(e.contains("utf8.jsonl:2: not valid UTF-8"), "{e}");
    }

    #[test]
    fn an_empty_source_is_the_unknown_one() {
        let jsonl = concat!(
            r#"{"id": "a", "source": "", "text": "x"}"#,
            "\n",
            r#"{"id": "b", "source": "  ", "text": "x"}"#,
            "\n",
            r#"{"id": "c", "text": "x"}"#,
            "\n",
        );
        let loaded = load_path(
            &temp_file("source.jsonl", jsonl.as_bytes()),
            LoadOptions::default(),
        )
        .unwrap();
        for doc in &loaded.docs {
            assert_eq!(doc.meta.source, Meta::UNKNOWN_SOURCE, "{}", doc.id);
        }
    }

    #[test]
    fn a_byte_order_mark_at_a_file_s_start_is_not_text() {
        let bom = "\u{feff}";
        let jsonl = format!("{bom}{GOOD}\r\n{}\r\n", GOOD.replace("\"a\"", "\"b\""));
        let loaded = load_path(
            &temp_file("bom.jsonl", jsonl.as_bytes()),
            LoadOptions::default(),
        )
        .unwrap();
        let ids: Vec<&str> = loaded.docs.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        assert_eq!(loaded.docs[0].text, "Tripoli was shelled.");
        // Only at the start: inside a record it is the record's.
        let e = error("bom2.jsonl", format!("{GOOD}\n{bom}{GOOD}\n").as_bytes());
        assert!(e.contains("bom2.jsonl:2: malformed JSON"), "{e}");
        let text = format!("{bom}Haftar's forces advanced.");
        let loaded = load_path(
            &temp_file("bom.txt", text.as_bytes()),
            LoadOptions::default(),
        )
        .unwrap();
        assert_eq!(loaded.docs[0].text, "Haftar's forces advanced.");
        let manifest = "[[documents]]\nid = \"m\"\nsource = \"X\"\nfile = \"m.txt\"\n";
        let loaded = load_manifest(manifest, Path::new("manifest.toml"), |_| {
            Ok(text.clone().into_bytes())
        })
        .unwrap();
        assert_eq!(loaded.docs[0].text, "Haftar's forces advanced.");
    }

    #[test]
    fn skip_bad_counts_and_lists() {
        let content = format!("{GOOD}\nnot json\n{}\n", GOOD.replace("\"a\"", "\"b\""));
        let path = temp_file("skip.jsonl", content.as_bytes());
        let loaded = load_path(&path, LoadOptions { skip_bad: true }).unwrap();
        assert_eq!(loaded.docs.len(), 2);
        assert_eq!(loaded.skipped.len(), 1);
        assert!(loaded.skipped[0].to_string().contains("skip.jsonl:2:"));
    }

    #[test]
    fn a_folder_without_a_manifest_reads_its_jsonl_and_text_files_by_name() {
        // b.jsonl holds a bad line, skipped as asked; the folder's other files are not read.
        let b = format!("{}\nnot json\n", GOOD.replace("\"a\"", "\"b\""));
        let file = temp_file("b.jsonl", b.as_bytes());
        let dir = file.parent().unwrap();
        std::fs::write(dir.join("a.txt"), "Haftar left Moscow without signing.").unwrap();
        std::fs::write(dir.join("c.jsonl"), GOOD.replace("\"a\"", "\"c\"")).unwrap();
        // d.jsonl repeats b.jsonl's id on its first line.
        let d = format!(
            "{}\n{}\n",
            GOOD.replace("\"a\"", "\"b\""),
            GOOD.replace("\"a\"", "\"d\"")
        );
        std::fs::write(dir.join("d.jsonl"), d).unwrap();
        std::fs::write(dir.join("notes.md"), "not a corpus file").unwrap();
        let loaded = load_path(dir, LoadOptions { skip_bad: true }).unwrap();
        let ids: Vec<&str> = loaded.docs.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c", "d"]);
        assert_eq!(loaded.docs[0].text, "Haftar left Moscow without signing.");
        assert_eq!(loaded.skipped.len(), 2);
        assert!(loaded.skipped[0].to_string().contains("b.jsonl:2:"));
        let repeat = loaded.skipped[1].to_string();
        assert!(
            repeat.contains("d.jsonl:1: duplicate id \"b\" (first in "),
            "{repeat}"
        );
        assert!(repeat.ends_with("b.jsonl on line 1)"), "{repeat}");
        std::fs::remove_file(dir.join("d.jsonl")).unwrap();
        // Without skip_bad, the bad line stops the load, naming it.
        let e = load_path(dir, LoadOptions::default()).unwrap_err();
        assert!(format!("{e:#}").contains("b.jsonl:2:"), "{e:#}");
        std::fs::remove_file(dir.join("a.txt")).unwrap();
        std::fs::remove_file(dir.join("b.jsonl")).unwrap();
        std::fs::remove_file(dir.join("c.jsonl")).unwrap();
        let e = load_path(dir, LoadOptions::default()).unwrap_err();
        assert!(format!("{e:#}").contains("no manifest.toml"), "{e:#}");
    }

    #[test]
    fn a_text_file_s_id_is_checked_against_the_jsonl_files_of_its_folder() {
        // a.txt is id "a", which b2.jsonl gives again on its second line;
        // c.txt, read after c.jsonl, is that file's first id. (Its own
        // folder: tests run side by side.)
        let b = format!("{}\n{}\n", GOOD.replace("\"a\"", "\"b\""), GOOD);
        let file = temp_file("b2.jsonl", b.as_bytes());
        let dir = file.parent().unwrap();
        std::fs::write(dir.join("a.txt"), "Haftar left Moscow without signing.").unwrap();
        std::fs::write(dir.join("c.jsonl"), GOOD.replace("\"a\"", "\"c\"")).unwrap();
        std::fs::write(dir.join("c.txt"), "The talks ended.").unwrap();
        let loaded = load_path(dir, LoadOptions { skip_bad: true }).unwrap();
        let ids: Vec<&str> = loaded.docs.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        let skipped: Vec<String> = loaded.skipped.iter().map(|e| e.to_string()).collect();
        assert_eq!(skipped.len(), 2, "{skipped:?}");
        assert!(
            skipped[0].contains("b2.jsonl:2: duplicate id \"a\" (first in ")
                && skipped[0].ends_with("a.txt on line 1)"),
            "{skipped:?}"
        );
        assert!(
            skipped[1].contains("c.txt:1: duplicate id \"c\" (first in ")
                && skipped[1].ends_with("c.jsonl on line 1)"),
            "{skipped:?}"
        );
        let e = load_path(dir, LoadOptions::default()).unwrap_err();
        assert!(
            format!("{e:#}").contains("b2.jsonl:2: duplicate id"),
            "{e:#}"
        );
        for name in ["a.txt", "c.jsonl", "c.txt"] {
            std::fs::remove_file(dir.join(name)).unwrap();
        }
    }

    #[test]
    fn multi_member_gzip() {
        let mut bytes = Vec::new();
        for record in [GOOD.to_string(), GOOD.replace("\"a\"", "\"b\"")] {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            encoder.write_all(format!("{record}\n").as_bytes()).unwrap();
            bytes.extend(encoder.finish().unwrap());
        }
        let loaded =
            load_path(&temp_file("multi.jsonl.gz", &bytes), LoadOptions::default()).unwrap();
        assert_eq!(
            loaded
                .docs
                .iter()
                .map(|d| d.id.as_str())
                .collect::<Vec<_>>(),
            ["a", "b"]
        );
    }

    #[test]
    fn position_counts_the_file_s_own_bytes_up_to_its_size() {
        // Enough records to outgrow the read buffers.
        let records: String = (0..5_000)
            .map(|i| GOOD.replace("\"a\"", &format!("\"{i}\"")) + "\n")
            .collect();
        let path = temp_file("position.jsonl", records.as_bytes());
        let mut reader = JsonlReader::open(&path).unwrap();
        let total = records.len() as u64;
        reader.next().unwrap().unwrap();
        let (early, size) = reader.file_position();
        assert_eq!(size, total);
        assert!(early > 0 && early < total / 2, "{early} of {total}");
        assert_eq!(reader.by_ref().count(), 4_999);
        assert_eq!(reader.file_position(), (total, total));
        // Gzip: the compressed bytes, against the compressed size.
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(records.as_bytes()).unwrap();
        let bytes = encoder.finish().unwrap();
        let mut reader = JsonlReader::open(&temp_file("position.jsonl.gz", &bytes)).unwrap();
        assert_eq!(reader.by_ref().count(), 5_000);
        let size = bytes.len() as u64;
        assert_eq!(reader.file_position(), (size, size));
    }

    #[test]
    fn dates() {
        assert_eq!(
            parse_date("2020-02-19T08:00:00Z").unwrap().to_string(),
            "2020-02-19"
        );
        assert!(parse_date("2020-02-30").is_none());
        assert!(parse_date("2020-02-1").is_none());
    }
}
