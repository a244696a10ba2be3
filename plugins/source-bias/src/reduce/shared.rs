//! Shared copy in memory that grows only by four bytes a document (eight
//! while the passages are written): every sampled shingle goes to an
//! external sort with its row, and each later step is another sort of small
//! keys or a read of one document's rows, so the fold holds a sort segment
//! and each document's first row, never a value per shingle or row.
//!
//! The steps, each a stream into the next:
//! 1. `add`: each shingle row's printed fields go to the [`Spill`] in row
//!    order (its text to a file of texts); each sampled hash, with the row,
//!    to the first sort. A document's rows come together: its name and
//!    where its rows are go to the spill too, and memory keeps its first row.
//! 2. Shingles by hash: a hash in 2 to [`BOILERPLATE`] rows is a group of
//!    rows; equal groups (a passage's rows under each of its shingles) are
//!    counted, and each gives a row pair, with its count, for every two
//!    rows of two outlets' documents (or of two documents whose outlet is
//!    not known): an outlet's own sign-off or rerun is not shared copy.
//! 3. Row pairs sorted: the counts of a pair sum to the shingles it shares;
//!    pairs that share `min_shared` are the passages, keyed by their
//!    documents' places in the byte order of document names (the names
//!    sorted from the spill in runs, see [`Spill::ranks`]) and by their rows.
//! 4. Passages sorted by that key come in the table's order, one pair of
//!    documents after another; each pair's rows are read from the spill
//!    (doc_a's with their texts, once for all its passages).
//!
//! What grows is on disk, in the run's scratch folder (`--tmp-dir`, else
//! the system's temporary folder): the spill (each shingled sentence's text,
//! and its other fields in about 9 bytes) and the sorts' segments, written
//! as differences between sorted keys: about 5 bytes a sampled shingle and 6
//! a passage. Over ReCOVery repeated to 40,000 articles (10.8 million
//! `shared_copy` rows) that was 197 MB of texts, 13 MB of fields and 34, 139
//! and 66 MB of shingle, pair and passage segments, 398 MB at the peak (2.7
//! GB with the sorts this replaced). Each sort keeps one temporary file, and
//! the spill four (facts, texts, documents and names). What grows in memory
//! is each document's first row (4 bytes) and, at the end, its place by name
//! (4 more); a sort holds at most [`Segments::keys`] keys (and a second
//! buffer as large to sort them in), the group counts [`Segments::groups`]
//! rows and the ranking of names [`Segments::names`] bytes of them.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use newslens_core::analyzer::TableSink;
use newslens_core::{ColumnType, Evidence, Meta, Row, Table, Text, Value};

use super::evidence::EvidenceStore;
use super::keysort::{get_varint, halves, key, put_varint, KeySorter, Sorted, TempFile};
use super::{cell, Count, Names, Reader};
use crate::FastMap;

/// A shingle in more sentences than this is boilerplate (a dateline, a
/// sign-off), not shared copy; it would also make pairs by the square.
const BOILERPLATE: usize = 50;

/// Keys in one in-memory segment of each sort (16 bytes each, and as many
/// again in the buffer the sort moves them through), and rows in the equal
/// shingle groups counted before their pairs are made (4 bytes each, and a
/// map entry a group): these bound the fold's memory.
#[derive(Clone, Copy)]
pub(super) struct Segments {
    pub keys: usize,
    pub groups: usize,
    /// Bytes of document names sorted in memory at once to rank them.
    pub names: usize,
}

impl Default for Segments {
    fn default() -> Segments {
        Segments {
            keys: 2_000_000,
            groups: 4_000_000,
            names: 32 << 20,
        }
    }
}

/// Where one document is in the spill: its rows' facts and texts, and its name.
struct DocPlace {
    facts: std::ops::Range<u64>,
    texts: std::ops::Range<u64>,
    name: Text,
}

/// Bytes of a document's record in the spill's `docs` file: where its
/// facts, texts and name start, as three little-endian u64.
const DOC_RECORD: usize = 24;

/// What `shared_copy` prints of one sentence row; its evidence is the
/// sentence's characters `start..end` in its document.
struct RowFacts {
    source: u32,
    sentence: i64,
    words: i64,
    /// The row's text within its document's texts.
    text: std::ops::Range<usize>,
    start: u64,
    end: u64,
}

impl RowFacts {
    fn evidence(&self, doc: &Text) -> Evidence {
        Evidence {
            doc: doc.clone(),
            start: self.start as usize,
            end: self.end as usize,
        }
    }
}

fn zigzag(x: i64) -> u64 {
    ((x << 1) ^ (x >> 63)) as u64
}

fn unzigzag(x: u64) -> i64 {
    ((x >> 1) as i64) ^ -((x & 1) as i64)
}

/// One row's fields, the text's length standing for the text.
fn encode_facts(out: &mut Vec<u8>, facts: &RowFacts, text_len: usize) {
    put_varint(out, u64::from(facts.source));
    put_varint(out, zigzag(facts.sentence));
    put_varint(out, zigzag(facts.words));
    put_varint(out, text_len as u64);
    put_varint(out, facts.start);
    put_varint(out, facts.end);
}

/// The next row of a document's facts, whose text starts at `text_at` of its texts.
fn decode_facts(bytes: &[u8], at: &mut usize, text_at: usize) -> Result<RowFacts> {
    let mut next = || {
        get_varint(bytes, at)
            .ok_or_else(|| anyhow::anyhow!("source-bias: the shared-copy spill is cut short"))
    };
    let source = next()? as u32;
    let sentence = unzigzag(next()?);
    let words = unzigzag(next()?);
    let text_len = next()? as usize;
    Ok(RowFacts {
        source,
        sentence,
        words,
        text: text_at..text_at + text_len,
        start: next()?,
        end: next()?,
    })
}

/// The fields of every shingle row that `shared_copy` prints, in row order:
/// texts in one temporary file, the rest in another; and each document's
/// name and places in those two, so memory keeps only its first row.
struct Spill {
    facts: TempFile,
    facts_len: u64,
    texts: TempFile,
    texts_len: u64,
    /// A [`DOC_RECORD`] a document.
    docs: TempFile,
    doc_count: usize,
    /// Each document's name: its length (a varint), then its bytes.
    names: TempFile,
    names_len: u64,
    /// A row's encoded facts, reused.
    record: Vec<u8>,
}

impl Spill {
    fn create(dir: &Path) -> Result<Spill> {
        Ok(Spill {
            facts: TempFile::create(dir, "facts")?,
            facts_len: 0,
            texts: TempFile::create(dir, "texts")?,
            texts_len: 0,
            docs: TempFile::create(dir, "docs")?,
            doc_count: 0,
            names: TempFile::create(dir, "names")?,
            names_len: 0,
            record: Vec::new(),
        })
    }

    /// A new document, whose rows come next.
    fn start_doc(&mut self, name: &str) -> std::io::Result<()> {
        let mut record = [0u8; DOC_RECORD];
        for (i, at) in [self.facts_len, self.texts_len, self.names_len]
            .into_iter()
            .enumerate()
        {
            record[8 * i..8 * i + 8].copy_from_slice(&at.to_le_bytes());
        }
        self.docs.write_all(&record)?;
        self.doc_count += 1;
        self.record.clear();
        put_varint(&mut self.record, name.len() as u64);
        self.record.extend_from_slice(name.as_bytes());
        self.names.write_all(&self.record)?;
        self.names_len += self.record.len() as u64;
        Ok(())
    }

    /// Where document `doc` is (once the spill is closed).
    fn place(&self, doc: usize) -> Result<DocPlace> {
        let lost = || anyhow::anyhow!("source-bias: the shared-copy spill lost a document");
        let mut records = [0u8; 2 * DOC_RECORD];
        let want = if doc + 1 < self.doc_count { 2 } else { 1 } * DOC_RECORD;
        let got = self
            .docs
            .read_at(&mut records[..want], (doc * DOC_RECORD) as u64)
            .context("reading the shared-copy spill")?;
        if got != want {
            return Err(lost());
        }
        let field = |i: usize| {
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(&records[8 * i..8 * i + 8]);
            u64::from_le_bytes(bytes)
        };
        let (facts_end, texts_end, names_end) = if want == 2 * DOC_RECORD {
            (field(3), field(4), field(5))
        } else {
            (self.facts_len, self.texts_len, self.names_len)
        };
        let (facts_at, texts_at, name_at) = (field(0), field(1), field(2));
        if facts_end < facts_at || texts_end < texts_at || names_end < name_at {
            return Err(lost());
        }
        let mut bytes = vec![0; (names_end - name_at) as usize];
        self.names
            .read_at(&mut bytes, name_at)
            .context("reading the shared-copy spill")?;
        let mut at = 0;
        let len = get_varint(&bytes, &mut at).ok_or_else(lost)? as usize;
        let name = bytes.get(at..at + len).ok_or_else(lost)?;
        Ok(DocPlace {
            facts: facts_at..facts_end,
            texts: texts_at..texts_end,
            name: Text::from(
                std::str::from_utf8(name).context("a document name that is not UTF-8")?,
            ),
        })
    }

    fn write(&mut self, facts: &RowFacts, text: &str) -> std::io::Result<()> {
        self.record.clear();
        encode_facts(&mut self.record, facts, text.len());
        self.facts.write_all(&self.record)?;
        self.facts_len += self.record.len() as u64;
        self.texts.write_all(text.as_bytes())?;
        self.texts_len += text.len() as u64;
        Ok(())
    }

    fn close(&mut self) -> Result<()> {
        self.facts
            .flush()
            .and_then(|()| self.texts.flush())
            .and_then(|()| self.docs.flush())
            .and_then(|()| self.names.flush())
            .context("writing the shared-copy spill")
    }

    /// Each document's place in the byte order of the names (one place for
    /// a name given twice), so keys sort as the names would: names sorted
    /// `chunk` bytes at a time, each sorted run to a temporary file, then
    /// merged, so memory holds one run and four bytes a document.
    fn ranks(&self, dir: &Path, chunk: usize) -> Result<Vec<u32>> {
        let mut ranks = vec![0u32; self.doc_count];
        let mut names = SeqReader::new(&self.names, 0, self.names_len);
        let mut run: Vec<(Box<[u8]>, u32)> = Vec::new();
        let mut runs: Option<TempFile> = None;
        let mut bounds: Vec<(u64, u64)> = Vec::new();
        let mut written = 0u64;
        let mut run_bytes = 0;
        let mut encoded = Vec::new();
        for doc in 0..self.doc_count {
            let name = names.name()?;
            run_bytes += name.len() + 16;
            run.push((name.into(), doc as u32));
            if run_bytes >= chunk || doc + 1 == self.doc_count {
                run.sort_unstable();
                if bounds.is_empty() && doc + 1 == self.doc_count {
                    // One run: ranked in memory.
                    let mut rank = 0;
                    for i in 0..run.len() {
                        if i > 0 && run[i - 1].0 != run[i].0 {
                            rank += 1;
                        }
                        ranks[run[i].1 as usize] = rank;
                    }
                    return Ok(ranks);
                }
                if runs.is_none() {
                    runs = Some(TempFile::create(dir, "ranks")?);
                }
                let Some(file) = runs.as_mut() else {
                    bail!("source-bias: no file for sorted names");
                };
                let start = written;
                for (name, doc) in run.drain(..) {
                    encoded.clear();
                    put_varint(&mut encoded, name.len() as u64);
                    encoded.extend_from_slice(&name);
                    put_varint(&mut encoded, u64::from(doc));
                    file.write_all(&encoded).context("sorting document names")?;
                    written += encoded.len() as u64;
                }
                bounds.push((start, written));
                run_bytes = 0;
            }
        }
        let Some(mut file) = runs else {
            return Ok(ranks);
        };
        file.flush().context("sorting document names")?;
        let mut readers: Vec<SeqReader> = bounds
            .iter()
            .map(|&(start, end)| SeqReader::new(&file, start, end))
            .collect();
        let mut heap = std::collections::BinaryHeap::new();
        for (i, reader) in readers.iter_mut().enumerate() {
            if let Some(entry) = reader.ranked()? {
                heap.push(std::cmp::Reverse((entry, i)));
            }
        }
        let mut last: Option<Box<[u8]>> = None;
        let mut rank = 0;
        while let Some(std::cmp::Reverse(((name, doc), i))) = heap.pop() {
            if last.as_ref().is_some_and(|l| *l != name) {
                rank += 1;
            }
            *ranks
                .get_mut(doc as usize)
                .context("source-bias: a sorted name of no document")? = rank;
            last = Some(name);
            if let Some(entry) = readers[i].ranked()? {
                heap.push(std::cmp::Reverse((entry, i)));
            }
        }
        Ok(ranks)
    }
}

/// A temporary file read from `at` to `end` a block at a time.
struct SeqReader<'a> {
    file: &'a TempFile,
    next_at: u64,
    end: u64,
    bytes: Vec<u8>,
    at: usize,
}

impl<'a> SeqReader<'a> {
    fn new(file: &'a TempFile, at: u64, end: u64) -> SeqReader<'a> {
        SeqReader {
            file,
            next_at: at,
            end,
            bytes: Vec::new(),
            at: 0,
        }
    }

    /// At least `n` bytes ready, unless the range ends first.
    fn fill(&mut self, n: usize) -> Result<()> {
        while self.bytes.len() - self.at < n && self.next_at < self.end {
            self.bytes.drain(..self.at);
            self.at = 0;
            let keep = self.bytes.len();
            let want = (self.end - self.next_at).min(1 << 16).max(n as u64) as usize;
            let want = want.min((self.end - self.next_at) as usize);
            self.bytes.resize(keep + want, 0);
            let got = self
                .file
                .read_at(&mut self.bytes[keep..], self.next_at)
                .context("reading the shared-copy spill")?;
            self.bytes.truncate(keep + got);
            self.next_at += got as u64;
            if got == 0 {
                bail!("source-bias: a temporary file ended early");
            }
        }
        Ok(())
    }

    fn done(&self) -> bool {
        self.at == self.bytes.len() && self.next_at >= self.end
    }

    fn varint(&mut self) -> Result<u64> {
        self.fill(10)?;
        get_varint(&self.bytes, &mut self.at)
            .ok_or_else(|| anyhow::anyhow!("source-bias: a temporary file is cut short"))
    }

    /// A length and that many bytes.
    fn name(&mut self) -> Result<&[u8]> {
        let len = self.varint()? as usize;
        self.fill(len)?;
        let start = self.at;
        let name = self
            .bytes
            .get(start..start + len)
            .ok_or_else(|| anyhow::anyhow!("source-bias: a temporary file is cut short"))?;
        self.at += len;
        Ok(name)
    }

    /// The next (name, document) of a sorted run, if any.
    fn ranked(&mut self) -> Result<Option<(Box<[u8]>, u32)>> {
        if self.done() {
            return Ok(None);
        }
        let name: Box<[u8]> = self.name()?.into();
        let doc = self.varint()? as u32;
        Ok(Some((name, doc)))
    }
}

/// The documents of the shingle rows, in the order they came; the rest
/// of what is known of each is in the [`Spill`].
#[derive(Default)]
struct Docs {
    /// Each document's first row.
    first_rows: Vec<u32>,
    /// Each document's outlet, [`NO_OUTLET`] where it is not known.
    outlets: Vec<u32>,
    /// The last document's name, to tell when the next one starts.
    last: Option<Text>,
}

/// The outlet of a document whose source is missing (empty, or the loader's
/// [`Meta::UNKNOWN_SOURCE`]): such documents may share copy with each other,
/// as nothing says they are one outlet's.
const NO_OUTLET: u32 = u32::MAX;

impl Docs {
    /// The document of `row`.
    fn of(&self, row: u32) -> usize {
        self.first_rows.partition_point(|&first| first <= row) - 1
    }
}

/// One document's rows read back from the spill, kept while its passages are written.
struct DocRows {
    doc: usize,
    name: Text,
    rows: Vec<RowFacts>,
    texts: String,
}

impl DocRows {
    /// Document `doc`'s rows (and its texts if `texts`), read unless they are these.
    fn load(
        slot: &mut Option<DocRows>,
        doc: usize,
        texts: bool,
        docs: &Docs,
        spill: &Spill,
        rows: u32,
    ) -> Result<()> {
        if slot.as_ref().is_some_and(|d| d.doc == doc) {
            return Ok(());
        }
        let place = spill.place(doc)?;
        let count = docs.first_rows.get(doc + 1).copied().unwrap_or(rows) - docs.first_rows[doc];
        let mut bytes = vec![0; (place.facts.end - place.facts.start) as usize];
        spill
            .facts
            .read_at(&mut bytes, place.facts.start)
            .context("reading the shared-copy spill")?;
        let mut at = 0;
        let mut text_at = 0;
        let mut facts = Vec::with_capacity(count as usize);
        for _ in 0..count {
            let row = decode_facts(&bytes, &mut at, text_at)?;
            text_at = row.text.end;
            facts.push(row);
        }
        let texts = if texts {
            let mut bytes = vec![0; (place.texts.end - place.texts.start) as usize];
            spill
                .texts
                .read_at(&mut bytes, place.texts.start)
                .context("reading the shared-copy spill")?;
            String::from_utf8(bytes)
                .context("the shared-copy spill holds text that is not UTF-8")?
        } else {
            String::new()
        };
        if texts.len() < text_at && !texts.is_empty() {
            bail!("source-bias: the shared-copy spill lost a text");
        }
        *slot = Some(DocRows {
            doc,
            name: place.name,
            rows: facts,
            texts,
        });
        Ok(())
    }

    fn row<'a>(slot: &'a Option<DocRows>, docs: &Docs, row: u32) -> Result<&'a RowFacts> {
        slot.as_ref()
            .and_then(|d| d.rows.get((row - docs.first_rows[d.doc]) as usize))
            .context("source-bias: the shared-copy spill lost a row")
    }

    fn text<'a>(slot: &'a Option<DocRows>, facts: &RowFacts) -> &'a str {
        slot.as_ref()
            .and_then(|d| d.texts.get(facts.text.clone()))
            .unwrap_or("")
    }
}

/// Shared copy: the shingles in an external sort, the printed fields in a [`Spill`].
pub(super) struct SharedCopy {
    shingle_rows: Reader<4>,
    segments: Segments,
    /// Where the spill and the sorts' segments go.
    dir: PathBuf,
    shingles: Option<KeySorter>,
    spill: Option<Spill>,
    docs: Docs,
    rows: u32,
}

impl SharedCopy {
    pub(super) fn new(segments: Segments, dir: PathBuf) -> SharedCopy {
        SharedCopy {
            shingle_rows: Reader::new(["doc", "source", "sentences", "text"]),
            segments,
            dir,
            shingles: None,
            spill: None,
            docs: Docs::default(),
            rows: 0,
        }
    }

    /// One document's row of `shingles`: each of its sentences becomes a
    /// row of the spill, and each sentence's hashes go to the sort with it.
    pub(super) fn add(&mut self, table: &Table, row: &Row, names: &mut Names) -> Result<()> {
        let reader = &mut self.shingle_rows;
        reader.columns(table);
        let doc = cell(row, reader.at[0]);
        let source = reader.id(names, row, 1);
        let text_of = |i: usize| {
            reader.at[i]
                .and_then(|i| row.cells.get(i))
                .and_then(Value::as_str)
                .unwrap_or("")
        };
        let (sentences, texts) = (text_of(2), text_of(3));
        if sentences.is_empty() {
            return Ok(());
        }
        if self.spill.is_none() {
            self.spill = Some(Spill::create(&self.dir)?);
        }
        let Some(spill) = &mut self.spill else {
            return Ok(());
        };
        if self.docs.last.as_deref() != Some(doc.as_ref()) {
            spill
                .start_doc(&doc)
                .context("writing the shared-copy spill")?;
            self.docs.last = Some(Text::from(doc.as_ref()));
            self.docs.first_rows.push(self.rows);
            let name = names.name(source).trim();
            let known = !name.is_empty() && name != Meta::UNKNOWN_SOURCE;
            self.docs
                .outlets
                .push(if known { source } else { NO_OUTLET });
        }
        let segment = self.segments.keys;
        let dir = &self.dir;
        let shingles = self
            .shingles
            .get_or_insert_with(|| KeySorter::new(segment, dir));
        let bad = || anyhow::anyhow!("source-bias: a malformed `shingles` row for {doc}");
        // One walk over the bytes: "sentence words start end bytes hash…;…".
        let bytes = sentences.as_bytes();
        let mut at = 0;
        let mut text_at = 0;
        while at < bytes.len() {
            let row = self.rows;
            self.rows = match row.checked_add(1) {
                Some(n) => n,
                None => bail!("source-bias: more than {} shingled sentences", u32::MAX),
            };
            let mut numbers = [0u64; 5];
            for n in &mut numbers {
                *n = parse_number(bytes, &mut at).ok_or_else(bad)?;
            }
            let [sentence, words, start, end, len] = numbers;
            let text = usize::try_from(len)
                .ok()
                .and_then(|len| texts.get(text_at..text_at + len))
                .ok_or_else(bad)?;
            text_at += text.len();
            let facts = RowFacts {
                source,
                sentence: sentence as i64,
                words: words as i64,
                text: 0..0,
                start,
                end,
            };
            spill
                .write(&facts, text)
                .context("writing the shared-copy spill")?;
            loop {
                let hash = bytes
                    .get(at..at + HASH_DIGITS)
                    .and_then(parse_base64)
                    .ok_or_else(bad)?;
                shingles
                    .push(key(hash, u64::from(row)))
                    .context("sorting shingles")?;
                at += HASH_DIGITS;
                match bytes.get(at) {
                    Some(b' ') => at += 1,
                    Some(b';') => {
                        at += 1;
                        break;
                    }
                    None => break,
                    Some(_) => return Err(bad()),
                }
            }
        }
        Ok(())
    }

    /// Pairs of rows of two outlets' documents that share a shingle into
    /// `pairs`, keyed (first row, second row and the shingles they share):
    /// grouped by hash, so the work grows with the corpus, not its square.
    ///
    /// A passage copied into several documents puts the same rows under
    /// each of its shingles, so equal groups are counted before their pairs
    /// are made: a pair per group and its count, not a pair per shingle.
    /// The counts are held up to `limit` rows, then their pairs written.
    fn pair_rows(
        mut shingles: Sorted,
        docs: &Docs,
        limit: usize,
        pairs: &mut KeySorter,
    ) -> Result<()> {
        let mut groups: FastMap<Box<[u32]>, u32> = FastMap::default();
        let mut held = 0;
        // Each row's document and outlet.
        let mut group_docs: Vec<(usize, u32)> = Vec::with_capacity(BOILERPLATE + 1);
        // Shared copy is what one outlet took from another: an outlet's own
        // sign-off or disclaimer in its articles (Sputnik's "The views and
        // opinions expressed in the article do not necessarily reflect those
        // of Sputnik" in 31 ReCOVery articles) is its house text, and its
        // republished article its own copy.
        let apart = |(doc_a, outlet_a): (usize, u32), (doc_b, outlet_b): (usize, u32)| {
            doc_a != doc_b && (outlet_a != outlet_b || outlet_a == NO_OUTLET)
        };
        let mut write = |groups: &mut FastMap<Box<[u32]>, u32>| -> Result<()> {
            for (group, shared) in groups.drain() {
                group_docs.clear();
                group_docs.extend(group.iter().map(|&row| {
                    let doc = docs.of(row);
                    (doc, docs.outlets[doc])
                }));
                // Rows come in order, so each pair is (first, second) already.
                for (x, &a) in group.iter().enumerate() {
                    for (y, &b) in group.iter().enumerate().skip(x + 1) {
                        if apart(group_docs[x], group_docs[y]) {
                            pairs
                                .push(key(u64::from(a), u64::from(b) << 32 | u64::from(shared)))
                                .context("sorting shingle pairs")?;
                        }
                    }
                }
            }
            Ok(())
        };
        let mut add = |group: &[u32]| -> Result<()> {
            if group.len() < 2 || group.len() > BOILERPLATE {
                return Ok(());
            }
            match groups.get_mut(group) {
                Some(n) => *n += 1,
                None => {
                    groups.insert(group.into(), 1);
                    held += group.len();
                    if held > limit {
                        write(&mut groups)?;
                        held = 0;
                    }
                }
            }
            Ok(())
        };
        let mut group: Vec<u32> = Vec::with_capacity(BOILERPLATE + 1);
        let mut hash = 0;
        while let Some(shingle) = shingles.next().context("reading sorted shingles")? {
            let (h, row) = halves(shingle);
            if !group.is_empty() && h != hash {
                add(&group)?;
                group.clear();
            }
            hash = h;
            // One past the cap is enough to know the hash is boilerplate.
            if group.len() <= BOILERPLATE {
                group.push(row as u32);
            }
        }
        add(&group)?;
        write(&mut groups)
    }

    /// Gives `out` the `shared_copy` table (one row per shared passage: a
    /// sentence of doc_a and its copy in doc_b) a row at a time, and returns
    /// the words each outlet shares with each other one, by [source, other].
    pub(super) fn finish_into(
        mut self,
        store: &mut EvidenceStore,
        names: &Names,
        min_shared: usize,
        out: &mut dyn TableSink,
    ) -> Result<FastMap<[u32; 2], Count>> {
        use ColumnType::*;
        let table = Table::new(
            "shared_copy",
            &[
                ("doc_a", Text),
                ("doc_b", Text),
                ("source_a", Text),
                ("source_b", Text),
                ("words", Int),
                ("text", Text),
            ],
        );
        let mut shares: FastMap<[u32; 2], Count> = FastMap::default();
        let (Some(shingles), Some(mut spill)) = (self.shingles.take(), self.spill.take()) else {
            out.table(&table)?;
            return Ok(shares);
        };
        spill.close()?;
        let docs = &self.docs;
        let ranks = spill.ranks(&self.dir, self.segments.names)?;
        let segment = self.segments.keys;

        let mut pairs = KeySorter::new(segment, &self.dir);
        Self::pair_rows(
            shingles.sorted().context("sorting shingles")?,
            docs,
            self.segments.groups,
            &mut pairs,
        )?;

        // Pairs that share enough are passages, keyed for the table's order:
        // doc_a's and doc_b's places by name, then doc_a's row and doc_b's.
        let mut passages = KeySorter::new(segment, &self.dir);
        let mut passage = |first: u32, second: u32, shared: usize| -> Result<()> {
            if shared < min_shared {
                return Ok(());
            }
            let (rank_first, rank_second) = (ranks[docs.of(first)], ranks[docs.of(second)]);
            // Two rows of one document given twice are not shared copy either.
            let (ranks, rows) = match rank_first.cmp(&rank_second) {
                std::cmp::Ordering::Equal => return Ok(()),
                std::cmp::Ordering::Less => ((rank_first, rank_second), (first, second)),
                std::cmp::Ordering::Greater => ((rank_second, rank_first), (second, first)),
            };
            let pack = |(a, b): (u32, u32)| u64::from(a) << 32 | u64::from(b);
            passages
                .push(key(pack(ranks), pack(rows)))
                .context("sorting shared passages")
        };
        let mut sorted_pairs = pairs.sorted().context("sorting shingle pairs")?;
        let mut run: Option<(u64, u64, usize)> = None;
        while let Some(pair) = sorted_pairs
            .next()
            .context("reading sorted shingle pairs")?
        {
            let (first, lo) = halves(pair);
            let (second, shared) = (lo >> 32, (lo & 0xffff_ffff) as usize);
            match &mut run {
                Some((f, s, n)) if (*f, *s) == (first, second) => *n += shared,
                _ => {
                    if let Some((f, s, n)) = run.replace((first, second, shared)) {
                        passage(f as u32, s as u32, n)?;
                    }
                }
            }
        }
        if let Some((f, s, n)) = run {
            passage(f as u32, s as u32, n)?;
        }
        drop(sorted_pairs);

        out.table(&table)?;
        let mut writer = PassageWriter {
            docs,
            spill: &spill,
            rows: self.rows,
            names,
            store,
            shares: &mut shares,
            out,
            a: None,
            b: (0..B_SLOTS).map(|_| None).collect(),
            last_b: None,
        };
        let mut sorted = passages.sorted().context("sorting shared passages")?;
        let mut group: Vec<(u32, u32)> = Vec::new();
        let mut group_docs = None;
        while let Some(passage) = sorted.next().context("reading sorted shared passages")? {
            let (doc_pair, rows) = halves(passage);
            if group_docs != Some(doc_pair) {
                writer.write(&mut group)?;
                group_docs = Some(doc_pair);
            }
            group.push(((rows >> 32) as u32, rows as u32));
        }
        writer.write(&mut group)?;
        Ok(shares)
    }
}

/// Writes the passages of one pair of documents, read from the spill.
struct PassageWriter<'a> {
    docs: &'a Docs,
    spill: &'a Spill,
    rows: u32,
    names: &'a Names,
    store: &'a mut EvidenceStore,
    shares: &'a mut FastMap<[u32; 2], Count>,
    out: &'a mut dyn TableSink,
    /// Doc_a's rows and texts.
    a: Option<DocRows>,
    /// Doc_b's rows, in a slot by document number: a document copied into
    /// several is doc_b of each of the others in turn, so its rows are read
    /// once for many doc_a.
    b: Vec<Option<DocRows>>,
    /// The doc_b of the last passage.
    last_b: Option<usize>,
}

/// Slots of [`PassageWriter::b`].
const B_SLOTS: usize = 256;

impl PassageWriter<'_> {
    /// `group`'s passages (doc_a's row, doc_b's row), all of one doc_a and
    /// one doc_b, in the table's order: by doc_a's sentence, then the rows.
    fn write(&mut self, group: &mut Vec<(u32, u32)>) -> Result<()> {
        if group.is_empty() {
            return Ok(());
        }
        let docs = self.docs;
        // Rows in order are nearly always sentences in order; otherwise (a
        // map file written elsewhere, a name given twice) sort by sentence.
        let mut keyed = Vec::with_capacity(group.len());
        for &(a, b) in group.iter() {
            self.load_a(a)?;
            let sentence = DocRows::row(&self.a, docs, a)?.sentence;
            keyed.push(((sentence, a.min(b), a.max(b)), (a, b)));
        }
        if !keyed.is_sorted_by_key(|k| k.0) {
            keyed.sort_by_key(|k| k.0);
        }
        for (_, (a, b)) in keyed {
            self.load_a(a)?;
            let b_doc = self.doc_of(b);
            let slot = &mut self.b[b_doc % B_SLOTS];
            DocRows::load(slot, b_doc, false, docs, self.spill, self.rows)?;
            self.last_b = Some(b_doc);
            let fa = DocRows::row(&self.a, docs, a)?;
            let fb = DocRows::row(&self.b[b_doc % B_SLOTS], docs, b)?;
            let name = |slot: &Option<DocRows>| slot.as_ref().map(|d| d.name.clone());
            let lost = || anyhow::anyhow!("source-bias: the shared-copy spill lost a document");
            let doc_a = name(&self.a).ok_or_else(lost)?;
            let doc_b = name(&self.b[b_doc % B_SLOTS]).ok_or_else(lost)?;
            let (doc_a, doc_b) = (&doc_a, &doc_b);
            let evidence = vec![fa.evidence(doc_a), fb.evidence(doc_b)];
            for (source, other) in [(fa.source, fb.source), (fb.source, fa.source)] {
                let e = self.shares.entry([source, other]).or_default();
                e.n += fa.words;
                e.evidence.add(self.store, &evidence)?;
                if fa.source == fb.source {
                    break;
                }
            }
            let mut row = Row::new(vec![
                doc_a.clone().into(),
                doc_b.clone().into(),
                self.names.name(fa.source).into(),
                self.names.name(fb.source).into(),
                fa.words.into(),
                DocRows::text(&self.a, fa).into(),
            ]);
            row.evidence = evidence;
            self.out.row(row)?;
        }
        group.clear();
        Ok(())
    }

    fn load_a(&mut self, row: u32) -> Result<()> {
        let doc = self.doc_of(row);
        DocRows::load(&mut self.a, doc, true, self.docs, self.spill, self.rows)
    }

    /// The document of `row`: doc_a's or the last doc_b, nearly always.
    fn doc_of(&self, row: u32) -> usize {
        let docs = self.docs;
        let holds = |doc: Option<usize>| {
            doc.filter(|&doc| {
                docs.first_rows[doc] <= row
                    && docs.first_rows.get(doc + 1).is_none_or(|&next| row < next)
            })
        };
        holds(self.a.as_ref().map(|d| d.doc))
            .or_else(|| holds(self.last_b))
            .unwrap_or_else(|| docs.of(row))
    }
}

/// The decimal number at `bytes[*at..]` and the space after it.
fn parse_number(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let start = *at;
    let mut n = 0u64;
    while let Some(&b) = bytes.get(*at).filter(|b| b.is_ascii_digit()) {
        n = n.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
        *at += 1;
    }
    (*at > start && bytes.get(*at) == Some(&b' ')).then(|| {
        *at += 1;
        n
    })
}

/// Base64 digits of a hash in `shingles`.
const HASH_DIGITS: usize = 11;

/// A hash as `map` writes it: 11 base64 digits, the last holding four bits.
fn parse_base64(digits: &[u8]) -> Option<u64> {
    let [first @ .., last] = digits else {
        return None;
    };
    if first.len() != HASH_DIGITS - 1 {
        return None;
    }
    let mut h = 0u64;
    for &b in first {
        h = h << 6 | u64::from(digit(b)?);
    }
    let last = digit(*last)?;
    (last & 3 == 0).then_some(h << 4 | u64::from(last >> 2))
}

const NOT_DIGIT: u8 = 0xff;

/// Each byte's value as a base64 digit, or [`NOT_DIGIT`]: one load a digit
/// instead of range tests.
const DIGITS: [u8; 256] = {
    let mut table = [NOT_DIGIT; 256];
    let mut i = 0;
    while i < 64 {
        table[crate::BASE64_DIGITS[i] as usize] = i as u8;
        i += 1;
    }
    table
};

fn digit(b: u8) -> Option<u8> {
    let d = DIGITS[usize::from(b)];
    (d != NOT_DIGIT).then_some(d)
}

/// `pairs` ordered so that equal hashes are adjacent: the order the
/// external sort of shingles must give (each hash's rows in row order),
/// kept as the reference its tests compare against.
#[cfg(test)]
pub(crate) fn group_by_hash(pairs: Vec<(u64, u32)>) -> Vec<(u64, u32)> {
    if pairs.is_empty() {
        return pairs;
    }
    let bits = (usize::BITS - pairs.len().leading_zeros()).clamp(1, 24);
    let bucket = |h: u64| (h >> (64 - bits)) as usize;
    let mut starts = vec![0usize; (1 << bits) + 1];
    for &(h, _) in &pairs {
        starts[bucket(h) + 1] += 1;
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let mut next = starts.clone();
    let mut out = vec![(0u64, 0u32); pairs.len()];
    for pair in pairs {
        let b = bucket(pair.0);
        out[next[b]] = pair;
        next[b] += 1;
    }
    for w in starts.windows(2) {
        out[w[0]..w[1]].sort_unstable();
    }
    out
}

#[cfg(test)]
mod tests {
    use newslens_core::{AnalyzerSettings, Document, Meta, Report, Value};

    use super::*;

    #[test]
    fn a_hash_comes_back_from_its_base64_digits() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let hashes = (0..1000).map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        });
        for h in hashes.chain([0, 1, u64::MAX, 1 << 63]) {
            let mut digits = Vec::new();
            crate::push_base64(&mut digits, h);
            assert_eq!(digits.len(), HASH_DIGITS);
            assert_eq!(parse_base64(&digits), Some(h), "{digits:?}");
        }
        // The last digit holds four bits: one with the two below set is no hash.
        assert_eq!(parse_base64(b"AAAAAAAAAAB"), None);
        assert_eq!(parse_base64(b"AAAAAAAAAA"), None);
        assert_eq!(parse_base64(b"AAAAAAAAAA="), None);
    }

    #[test]
    fn documents_rank_by_name_from_disk_in_runs_as_in_one() {
        let dir = std::env::temp_dir();
        let mut spill = Spill::create(&dir).unwrap();
        // A name given twice shares its place; "ab" sorts between "a" and "b".
        let names = [
            "b",
            "a",
            "c",
            "a",
            "ab",
            "é",
            "a-much-longer-name-than-the-rest",
        ];
        for name in names {
            spill.start_doc(name).unwrap();
        }
        spill.close().unwrap();
        let expected = vec![3, 0, 4, 0, 2, 5, 1];
        for chunk in [1, 20, 32 << 20] {
            assert_eq!(spill.ranks(&dir, chunk).unwrap(), expected, "{chunk}");
        }
        for (doc, name) in names.iter().enumerate() {
            assert_eq!(spill.place(doc).unwrap().name, *name);
        }
        assert!(spill.place(names.len()).is_err());
    }

    #[test]
    fn a_malformed_shingles_row_is_an_error_not_a_panic() {
        let table = crate::reduce::map_tables()[6].clone();
        let row = |sentences: &str, text: &str| {
            Row::new(vec![
                "d-1".into(),
                "Outlet".into(),
                sentences.into(),
                text.into(),
            ])
        };
        let add = |sentences: &str, text: &str| {
            let mut shared = SharedCopy::new(Segments::default(), std::env::temp_dir());
            shared.add(&table, &row(sentences, text), &mut Names::default())
        };
        assert!(add(
            "3 9 0 5 5 AAAAAAAAAAA BAAAAAAAAAA;4 9 6 8 2 AAAAAAAAAAA",
            "Hello, "
        )
        .is_ok());
        for bad in [
            "3 9 0 5",
            "3 9 0 5 5",
            "3 9 0 5 5 ",
            "3 9 0 5 5 AAAA",
            "3 9 0 5 5 AAAAAAAAAAA,",
            "3 9 0 5 8 AAAAAAAAAAA",
            "3 9 0 5 -5 AAAAAAAAAAA",
            "3 9 0 5 99999999999999999999999 AAAAAAAAAAA",
            "x",
        ] {
            assert!(add(bad, "Hello").is_err(), "{bad}");
        }
        // A text cut inside a character is no text either.
        assert!(add("3 9 0 1 1 AAAAAAAAAAA", "é").is_err());
    }

    /// A passage's doc_a, doc_b, text, and its spans' documents and starts.
    type Printed = (String, String, String, Vec<(String, usize)>);

    #[test]
    fn passages_need_min_shared_shingles_of_two_documents_and_sort_by_sentence() {
        // Hand-made map rows: a's sentence 5 and b's share three shingles, c
        // shares two with each; a comes again after c (a name given twice)
        // with sentence 2, which shares three with b but is a's own copy of a.
        let table = crate::reduce::map_tables()[6].clone();
        let (h1, h2, h3) = ("AAAAAAAAAAA", "BAAAAAAAAAA", "CAAAAAAAAAA");
        let row = |doc: &str, sentence: &str, text: &str| {
            Row::new(vec![
                doc.into(),
                format!("Outlet {doc}").into(),
                sentence.into(),
                text.into(),
            ])
        };
        let rows = [
            row("a", &format!("5 9 100 106 6 {h1} {h2} {h3}"), "first."),
            row("b", &format!("1 9 0 6 6 {h1} {h2} {h3}"), "copy b"),
            row("c", &format!("1 9 0 6 6 {h1} {h2}"), "part c"),
            row("a", &format!("2 9 10 16 6 {h1} {h2} {h3}"), "again."),
        ];
        for segments in [
            Segments::default(),
            Segments {
                keys: 1,
                groups: 1,
                names: 1,
            },
        ] {
            let mut plan = super::super::plan_with(3, segments, std::env::temp_dir());
            for r in &rows {
                plan.fold.add(&table, r).unwrap();
            }
            let report = plan.fold.finish().unwrap();
            let shared = report.table("shared_copy").unwrap();
            let got: Vec<Printed> = shared
                .rows
                .iter()
                .map(|r| {
                    let text = |c: &str| shared.cell(r, c).unwrap().to_string();
                    let spans = r
                        .evidence
                        .iter()
                        .map(|e| (e.doc.to_string(), e.start))
                        .collect();
                    (text("doc_a"), text("doc_b"), text("text"), spans)
                })
                .collect();
            let passage = |text: &str, a_start: usize| {
                (
                    "a".to_string(),
                    "b".to_string(),
                    text.to_string(),
                    vec![("a".to_string(), a_start), ("b".to_string(), 0)],
                )
            };
            assert_eq!(got, [passage("again.", 10), passage("first.", 100)]);
        }
    }

    fn mapped(docs: &[(&str, &str, String)]) -> Report {
        let analyzer = crate::build(&AnalyzerSettings::for_tests("source-bias")).unwrap();
        let annotated: Vec<_> = docs
            .iter()
            .map(|(id, source, text)| {
                newslens_core::testing::annotate_doc(Document {
                    id: (*id).into(),
                    meta: Meta {
                        source: (*source).into(),
                        ..Meta::default()
                    },
                    text: text.clone(),
                })
            })
            .collect();
        newslens_core::run::map_all(analyzer.as_ref(), &annotated, None).unwrap()
    }

    const FIRST_WIRE: &str = "Health officials in the northern province said on Tuesday that the new clinic would open its doors to patients from the surrounding villages next month.";
    const SECOND_WIRE: &str = "The ministry added that two hundred nurses had been trained over the winter and that more would follow before the end of the year.";
    const OWN: &str = "Our reporter spent a quiet afternoon walking along the river with farmers who worry about the coming harvest season.";

    fn four_outlets() -> Report {
        mapped(&[
            (
                "a-1",
                "Outlet A",
                format!("{FIRST_WIRE} The mayor welcomed it."),
            ),
            (
                "b-1",
                "Outlet B",
                format!("Local news. {FIRST_WIRE} {SECOND_WIRE}"),
            ),
            ("c-1", "Outlet C", format!("{SECOND_WIRE} {FIRST_WIRE}")),
            ("a-2", "Outlet A", SECOND_WIRE.to_string()),
            ("d-1", "Outlet D", OWN.to_string()),
        ])
    }

    /// The reduced tables of `mapped` with the default plan, as a run gives them.
    fn reduced(mapped: Report) -> Report {
        newslens_core::analyzer::fold_report(super::super::plan(3, std::env::temp_dir()), mapped)
            .unwrap()
    }

    fn passages(report: &Report) -> Vec<(String, String, String)> {
        let table = report.table("shared_copy").unwrap();
        let text = |r: &Row, c: &str| match table.cell(r, c) {
            Some(Value::Text(s)) => s.to_string(),
            other => panic!("{c}: {other:?}"),
        };
        table
            .rows
            .iter()
            .map(|r| (text(r, "doc_a"), text(r, "doc_b"), text(r, "text")))
            .collect()
    }

    #[test]
    fn an_outlets_own_sign_off_is_not_shared_copy_but_another_outlets_copy_is() {
        // Sentences from ReCOVery: Sputnik's disclaimer closes 31 of its
        // articles there. The wire sentences are this module's made-up ones.
        const SIGN_OFF: &str = "The views and opinions expressed in the article do not necessarily reflect those of Sputnik.";
        let report = mapped(&[
            ("s-1", "Sputnik News", format!("{FIRST_WIRE} {SIGN_OFF}")),
            ("s-2", "Sputnik News", format!("{OWN} {SIGN_OFF}")),
            ("u-1", "unknown", SECOND_WIRE.to_string()),
            (
                "u-2",
                "unknown",
                format!("{SECOND_WIRE} The mayor welcomed it."),
            ),
            ("y-1", "Yahoo! News", FIRST_WIRE.to_string()),
        ]);
        let report = reduced(report);
        assert_eq!(
            passages(&report),
            [
                ("s-1".to_string(), "y-1".to_string(), FIRST_WIRE.to_string()),
                // Nothing says two documents of no known outlet are one outlet's.
                (
                    "u-1".to_string(),
                    "u-2".to_string(),
                    SECOND_WIRE.to_string()
                ),
            ]
        );
    }

    #[test]
    fn sorting_on_disk_in_tiny_segments_gives_the_tables_of_one_segment() {
        let whole = reduced(four_outlets());
        // Segments of two items put every sort on disk, the shingles' in more
        // segments than extsort merges by peeking (so by its heap).
        let tiny = Segments {
            keys: 2,
            groups: 3,
            names: 8,
        };
        let on_disk = newslens_core::analyzer::fold_report(
            super::super::plan_with(3, tiny, std::env::temp_dir()),
            four_outlets(),
        )
        .unwrap();
        assert_eq!(on_disk.tables, whole.tables);
        // Each wire sentence is in three documents: three pairs each, in the
        // order of the documents' names, then the sentence's place in doc_a.
        let (first, second) = (FIRST_WIRE.to_string(), SECOND_WIRE.to_string());
        let pair = |a: &str, b: &str, text: &String| (a.to_string(), b.to_string(), text.clone());
        assert_eq!(
            passages(&on_disk),
            [
                pair("a-1", "b-1", &first),
                pair("a-1", "c-1", &first),
                pair("a-2", "b-1", &second),
                pair("a-2", "c-1", &second),
                pair("b-1", "c-1", &first),
                pair("b-1", "c-1", &second),
            ]
        );
    }

    #[test]
    fn a_passage_in_more_documents_than_the_boilerplate_cap_is_not_shared_copy() {
        let outlets = |n: usize| -> Vec<(String, String, String)> {
            (0..n)
                .map(|i| {
                    (
                        format!("d-{i:02}"),
                        format!("Outlet {i}"),
                        FIRST_WIRE.to_string(),
                    )
                })
                .collect()
        };
        let run = |n: usize| {
            let docs = outlets(n);
            let docs: Vec<(&str, &str, String)> = docs
                .iter()
                .map(|(id, source, text)| (id.as_str(), source.as_str(), text.clone()))
                .collect();
            passages(&reduced(mapped(&docs))).len()
        };
        assert_eq!(run(BOILERPLATE), BOILERPLATE * (BOILERPLATE - 1) / 2);
        assert_eq!(run(BOILERPLATE + 1), 0);
    }

    #[test]
    fn shingles_come_off_the_disk_sort_grouped_as_in_memory() {
        // Hashes with many repeats, rows out of order, as a corpus's parts give them.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            state >> 11
        };
        let pairs: Vec<(u64, u32)> = (0..5_000)
            .map(|_| ((next() % 300) << 50, (next() % 2_000) as u32))
            .collect();
        let mut sorter = KeySorter::new(37, &std::env::temp_dir());
        for &(hash, row) in &pairs {
            sorter.push(key(hash, u64::from(row))).unwrap();
        }
        let mut keys = sorter.sorted().unwrap();
        let mut sorted = Vec::new();
        while let Some(k) = keys.next().unwrap() {
            let (hash, row) = halves(k);
            sorted.push((hash, row as u32));
        }
        assert_eq!(sorted, group_by_hash(pairs));
    }
}
