//! Shared copy in memory that does not grow with the corpus: every sampled
//! shingle goes to an external sort with its row and document, and each
//! later step is another sort or a sequential scan, so the fold holds a few
//! sort segments, never a value per shingle, row or document.
//!
//! The steps, each a stream into the next:
//! 1. `add`: each shingle row's printed fields go to the [`Spill`] in row
//!    order; each sampled hash, as a [`Shingle`], to the first sort.
//! 2. Shingles by hash: a hash in 2 to [`BOILERPLATE`] rows gives a
//!    [`RowPair`] for every two rows of different documents.
//! 3. Row pairs sorted: a pair's run length is the shingles it shares; pairs
//!    that share `min_shared` are the passages.
//! 4. Passages in first-row order meet the spill's rows in one scan, then,
//!    sorted by second row, in another ([`HalfPassage`]), so each
//!    [`Passage`] knows both sentences.
//! 5. Passages sorted in the table's order are written, each one's text
//!    read from the spill where its sentence is.
//!
//! What grows is on disk, in `std::env::temp_dir()`: the spill (each
//! shingle row's text and fields), 21 bytes a sampled shingle, 9 bytes for
//! each shingle two rows share, and in each passage sort a passage's two
//! document names, rows, numbers and spans (its text stays in the spill). Over ReCOVery repeated to 40,000 articles, where every
//! passage recurs 21 times (10.8 million `shared_copy` rows), the peak was
//! 2.7 GB. Each sort keeps one open file per segment written.

use std::cmp::Ordering;
use std::fs::{File, OpenOptions};
use std::hash::{Hash, Hasher};
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};

use anyhow::{bail, Context, Result};
use extsort::{ExternalSorter, PushExternalSorter, Sortable};
use newslens_core::analyzer::TableSink;
use newslens_core::{ColumnType, Evidence, Row, Table, Text, Value};

use super::{cell, int, Count, Names, Reader};
use crate::FastMap;

/// A shingle in more sentences than this is boilerplate (a dateline, a
/// sign-off), not shared copy; it would also make pairs by the square.
const BOILERPLATE: usize = 50;

/// Items in one in-memory segment of the shingle and row-pair sorts (32
/// and 12 bytes each in memory, padded), and of the passage sorts, whose
/// items own names and evidence, so they hold ten times fewer: these bound
/// the fold's memory.
#[derive(Clone, Copy)]
pub(super) struct Segments {
    pub small: usize,
    pub passages: usize,
}

impl Default for Segments {
    fn default() -> Segments {
        Segments {
            small: 2_000_000,
            passages: 200_000,
        }
    }
}

/// A sampled shingle hash of one row, and the row's document as a hash of
/// its name: pairs within a document are not shared copy, and the name
/// itself would make every item as large as a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Shingle {
    hash: u64,
    row: u32,
    doc: u64,
}

/// Two rows (first < second) that share one shingle; one item per shingle
/// shared, so a pair's run in sorted order counts them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct RowPair {
    first: u32,
    second: u32,
}

/// What `shared_copy` needs of one sentence row, without its text, which
/// stays in the spill at `text_at`.
#[derive(Clone, Debug)]
struct Facts {
    doc: Text,
    source: u32,
    sentence: i64,
    words: i64,
    text_at: u64,
    text_len: u32,
    evidence: Vec<Evidence>,
}

/// A passage on its way to its second row: `first`'s facts, found by the
/// scan in first-row order, sorted by `second` for the next scan.
#[derive(Debug)]
struct HalfPassage {
    second: u32,
    first: u32,
    facts: Facts,
}

/// One `shared_copy` row, sorted as the table is: by the two documents'
/// names (the lesser first), the first one's sentence, then the rows.
#[derive(Debug)]
struct Passage {
    doc_a: Text,
    doc_b: Text,
    sentence: i64,
    rows: RowPair,
    source_a: u32,
    source_b: u32,
    words: i64,
    text_at: u64,
    text_len: u32,
    /// Doc_a's spans, then doc_b's.
    evidence: Vec<Evidence>,
}

impl Passage {
    fn key(&self) -> (&str, &str, i64, RowPair) {
        (&self.doc_a, &self.doc_b, self.sentence, self.rows)
    }
}

impl Ord for Passage {
    fn cmp(&self, other: &Passage) -> Ordering {
        self.key().cmp(&other.key())
    }
}

impl PartialOrd for Passage {
    fn partial_cmp(&self, other: &Passage) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Passage {
    fn eq(&self, other: &Passage) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Passage {}

/// By second row, then first: each pair once, so a total order.
impl Ord for HalfPassage {
    fn cmp(&self, other: &HalfPassage) -> Ordering {
        (self.second, self.first).cmp(&(other.second, other.first))
    }
}

impl PartialOrd for HalfPassage {
    fn partial_cmp(&self, other: &HalfPassage) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for HalfPassage {
    fn eq(&self, other: &HalfPassage) -> bool {
        (self.second, self.first) == (other.second, other.first)
    }
}

impl Eq for HalfPassage {}

fn put_u32(w: &mut impl Write, x: u32) -> std::io::Result<()> {
    w.write_all(&x.to_le_bytes())
}

fn put_u64(w: &mut impl Write, x: u64) -> std::io::Result<()> {
    w.write_all(&x.to_le_bytes())
}

fn put_str(w: &mut impl Write, s: &str) -> std::io::Result<()> {
    put_u32(w, s.len() as u32)?;
    w.write_all(s.as_bytes())
}

fn get_u32(r: &mut impl Read) -> std::io::Result<u32> {
    let mut b = [0; 4];
    r.read_exact(&mut b)?;
    Ok(u32::from_le_bytes(b))
}

fn get_u64(r: &mut impl Read) -> std::io::Result<u64> {
    let mut b = [0; 8];
    r.read_exact(&mut b)?;
    Ok(u64::from_le_bytes(b))
}

fn get_str(r: &mut impl Read) -> std::io::Result<Text> {
    let len = get_u32(r)? as usize;
    let invalid = |e| std::io::Error::new(std::io::ErrorKind::InvalidData, e);
    // Names are short: read them on the stack, so a short one (which
    // `Text` keeps inline) costs no allocation at all.
    let mut short = [0u8; 64];
    if len <= short.len() {
        r.read_exact(&mut short[..len])?;
        return std::str::from_utf8(&short[..len])
            .map(Text::from)
            .map_err(invalid);
    }
    let mut bytes = vec![0; len];
    r.read_exact(&mut bytes)?;
    String::from_utf8(bytes)
        .map(Text::from)
        .map_err(|e| invalid(e.utf8_error()))
}

/// A span's document as the index of one of the item's own documents
/// (nearly always), or else as its name after this mark.
const NAMED_DOC: u8 = u8::MAX;

fn put_evidence(w: &mut impl Write, evidence: &[Evidence], docs: [&str; 2]) -> std::io::Result<()> {
    put_u32(w, evidence.len() as u32)?;
    for e in evidence {
        match docs.iter().position(|&d| d == e.doc) {
            Some(i) => w.write_all(&[i as u8])?,
            None => {
                w.write_all(&[NAMED_DOC])?;
                put_str(w, &e.doc)?;
            }
        }
        put_u64(w, e.start as u64)?;
        put_u64(w, e.end as u64)?;
    }
    Ok(())
}

fn get_evidence(r: &mut impl Read, docs: [&Text; 2]) -> std::io::Result<Vec<Evidence>> {
    let n = get_u32(r)? as usize;
    let mut evidence = Vec::with_capacity(n.min(16));
    for _ in 0..n {
        let mut which = [0];
        r.read_exact(&mut which)?;
        let doc = match docs.get(usize::from(which[0])) {
            Some(&doc) => doc.clone(),
            None => get_str(r)?,
        };
        evidence.push(Evidence {
            doc,
            start: get_u64(r)? as usize,
            end: get_u64(r)? as usize,
        });
    }
    Ok(evidence)
}

impl Sortable for Shingle {
    fn encode<W: Write>(&self, w: &mut W) -> std::io::Result<()> {
        let mut b = [0; 20];
        b[..8].copy_from_slice(&self.hash.to_le_bytes());
        b[8..12].copy_from_slice(&self.row.to_le_bytes());
        b[12..].copy_from_slice(&self.doc.to_le_bytes());
        w.write_all(&b)
    }

    fn decode<R: Read>(r: &mut R) -> std::io::Result<Shingle> {
        let mut b = [0; 20];
        r.read_exact(&mut b)?;
        let u64_at = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or_default());
        Ok(Shingle {
            hash: u64_at(0),
            row: u32::from_le_bytes(b[8..12].try_into().unwrap_or_default()),
            doc: u64_at(12),
        })
    }
}

impl Sortable for RowPair {
    fn encode<W: Write>(&self, w: &mut W) -> std::io::Result<()> {
        put_u64(w, u64::from(self.first) << 32 | u64::from(self.second))
    }

    fn decode<R: Read>(r: &mut R) -> std::io::Result<RowPair> {
        let x = get_u64(r)?;
        Ok(RowPair {
            first: (x >> 32) as u32,
            second: x as u32,
        })
    }
}

impl Facts {
    fn encode(&self, w: &mut impl Write) -> std::io::Result<()> {
        put_str(w, &self.doc)?;
        put_u32(w, self.source)?;
        put_u64(w, self.sentence as u64)?;
        put_u64(w, self.words as u64)?;
        put_u64(w, self.text_at)?;
        put_u32(w, self.text_len)?;
        put_evidence(w, &self.evidence, [&self.doc, &self.doc])
    }

    fn decode(r: &mut impl Read) -> std::io::Result<Facts> {
        let doc = get_str(r)?;
        let source = get_u32(r)?;
        let sentence = get_u64(r)? as i64;
        let words = get_u64(r)? as i64;
        let text_at = get_u64(r)?;
        let text_len = get_u32(r)?;
        let evidence = get_evidence(r, [&doc, &doc])?;
        Ok(Facts {
            doc,
            source,
            sentence,
            words,
            text_at,
            text_len,
            evidence,
        })
    }
}

impl Sortable for HalfPassage {
    fn encode<W: Write>(&self, w: &mut W) -> std::io::Result<()> {
        put_u32(w, self.second)?;
        put_u32(w, self.first)?;
        self.facts.encode(w)
    }

    fn decode<R: Read>(r: &mut R) -> std::io::Result<HalfPassage> {
        Ok(HalfPassage {
            second: get_u32(r)?,
            first: get_u32(r)?,
            facts: Facts::decode(r)?,
        })
    }
}

impl Sortable for Passage {
    fn encode<W: Write>(&self, w: &mut W) -> std::io::Result<()> {
        put_str(w, &self.doc_a)?;
        put_str(w, &self.doc_b)?;
        put_u64(w, self.sentence as u64)?;
        self.rows.encode(w)?;
        put_u32(w, self.source_a)?;
        put_u32(w, self.source_b)?;
        put_u64(w, self.words as u64)?;
        put_u64(w, self.text_at)?;
        put_u32(w, self.text_len)?;
        put_evidence(w, &self.evidence, [&self.doc_a, &self.doc_b])
    }

    fn decode<R: Read>(r: &mut R) -> std::io::Result<Passage> {
        let doc_a = get_str(r)?;
        let doc_b = get_str(r)?;
        let sentence = get_u64(r)? as i64;
        let rows = RowPair::decode(r)?;
        let source_a = get_u32(r)?;
        let source_b = get_u32(r)?;
        let words = get_u64(r)? as i64;
        let text_at = get_u64(r)?;
        let text_len = get_u32(r)?;
        let evidence = get_evidence(r, [&doc_a, &doc_b])?;
        Ok(Passage {
            doc_a,
            doc_b,
            sentence,
            rows,
            source_a,
            source_b,
            words,
            text_at,
            text_len,
            evidence,
        })
    }
}

/// An item of a [`Sorter`], or the pad that works around extsort 0.5's
/// loss of every item when their number is a positive multiple of one more
/// than the segment size: its last segment is then empty, and it iterates
/// that empty buffer instead of the segments on disk.
enum Padded<T> {
    Item(T),
    Pad,
}

impl<T: Sortable> Sortable for Padded<T> {
    fn encode<W: Write>(&self, w: &mut W) -> std::io::Result<()> {
        match self {
            Padded::Item(item) => {
                w.write_all(&[0])?;
                item.encode(w)
            }
            Padded::Pad => w.write_all(&[1]),
        }
    }

    fn decode<R: Read>(r: &mut R) -> std::io::Result<Padded<T>> {
        let mut tag = [0];
        r.read_exact(&mut tag)?;
        match tag[0] {
            0 => T::decode(r).map(Padded::Item),
            _ => Ok(Padded::Pad),
        }
    }
}

/// The pad after every item.
fn padded_cmp<T: Ord>(a: &Padded<T>, b: &Padded<T>) -> Ordering {
    match (a, b) {
        (Padded::Item(a), Padded::Item(b)) => a.cmp(b),
        (Padded::Item(_), Padded::Pad) => Ordering::Less,
        (Padded::Pad, Padded::Item(_)) => Ordering::Greater,
        (Padded::Pad, Padded::Pad) => Ordering::Equal,
    }
}

type PaddedCmp<T> = fn(&Padded<T>, &Padded<T>) -> Ordering;

/// An external sort in segments of `segment` items, its items compared by `F`.
struct Sorter<T: Sortable + Ord, F: Fn(&Padded<T>, &Padded<T>) -> Ordering + Send + Sync + Clone> {
    inner: PushExternalSorter<Padded<T>, F>,
    segment: u64,
    pushed: u64,
}

/// A sorter that can be a field: its comparison is called through a pointer.
type StoredSorter<T> = Sorter<T, PaddedCmp<T>>;

fn stored_sorter<T: Sortable + Ord>(segment: usize) -> StoredSorter<T> {
    sorter_by(segment, padded_cmp::<T> as PaddedCmp<T>)
}

/// A sorter whose comparison (a closure type of its own) is inlined into
/// extsort's sort and merge: most of their work is comparing.
fn sorter<T: Sortable + Ord>(
    segment: usize,
) -> Sorter<T, impl Fn(&Padded<T>, &Padded<T>) -> Ordering + Send + Sync + Clone> {
    sorter_by(segment, |a: &Padded<T>, b: &Padded<T>| padded_cmp(a, b))
}

fn sorter_by<T: Sortable + Ord, F: Fn(&Padded<T>, &Padded<T>) -> Ordering + Send + Sync + Clone>(
    segment: usize,
    cmp: F,
) -> Sorter<T, F> {
    let segment = segment.max(1);
    Sorter {
        inner: ExternalSorter::new()
            .with_segment_size(segment)
            .pushed_by(cmp),
        segment: segment as u64,
        pushed: 0,
    }
}

impl<T: Sortable + Ord, F: Fn(&Padded<T>, &Padded<T>) -> Ordering + Send + Sync + Clone>
    Sorter<T, F>
{
    fn push(&mut self, item: T) -> std::io::Result<()> {
        self.pushed += 1;
        self.inner.push(Padded::Item(item))
    }

    fn done(mut self) -> std::io::Result<impl Iterator<Item = std::io::Result<T>>> {
        // extsort writes a segment when its buffer passes `segment` items.
        if self.pushed > 0 && self.pushed.is_multiple_of(self.segment + 1) {
            self.inner.push(Padded::Pad)?;
        }
        Ok(self.inner.done()?.filter_map(|item| match item {
            Ok(Padded::Item(item)) => Some(Ok(item)),
            Ok(Padded::Pad) => None,
            Err(e) => Some(Err(e)),
        }))
    }
}

/// The fields of every shingle row that `shared_copy` prints, in row order,
/// in a temporary file that is removed when this is dropped.
struct Spill {
    path: PathBuf,
    out: Option<BufWriter<File>>,
    /// A row's encoded facts, reused.
    head: Vec<u8>,
}

impl Spill {
    fn create() -> Result<Spill> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "newslens-source-bias-{}-{}.rows",
            std::process::id(),
            NEXT.fetch_add(1, AtomicOrdering::Relaxed)
        ));
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .with_context(|| format!("creating {}", path.display()))?;
        Ok(Spill {
            path,
            out: Some(BufWriter::new(file)),
            head: Vec::new(),
        })
    }

    /// One row: its facts (without the text's place, which a [`Scan`]
    /// knows from where it reads), then its text.
    fn write(&mut self, facts: &Facts, text: &str) -> std::io::Result<()> {
        let Some(out) = self.out.as_mut() else {
            return Ok(());
        };
        self.head.clear();
        facts.encode(&mut self.head)?;
        put_u32(out, self.head.len() as u32)?;
        out.write_all(&self.head)?;
        out.write_all(text.as_bytes())
    }

    fn close(&mut self) -> Result<()> {
        if let Some(out) = self.out.take() {
            // Flushed, not synced: the scans read it back through the page cache.
            out.into_inner().map_err(|e| e.into_error())?;
        }
        Ok(())
    }

    fn scan(&mut self) -> Result<Scan> {
        self.close()?;
        let file =
            File::open(&self.path).with_context(|| format!("reading {}", self.path.display()))?;
        Ok(Scan {
            input: BufReader::with_capacity(1 << 16, file),
            next_row: 0,
            read: 0,
            head: Vec::new(),
            last: None,
        })
    }

    fn texts(&mut self) -> Result<Texts> {
        self.close()?;
        let file =
            File::open(&self.path).with_context(|| format!("reading {}", self.path.display()))?;
        Ok(Texts {
            file,
            doc: Text::default(),
            texts: FastMap::default(),
        })
    }
}

impl Drop for Spill {
    fn drop(&mut self) {
        self.out = None;
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The spill read front to back, for rows asked for in ascending order.
struct Scan {
    input: BufReader<File>,
    next_row: u32,
    /// Bytes read so far.
    read: u64,
    head: Vec<u8>,
    last: Option<(u32, Facts)>,
}

impl Scan {
    fn facts(&mut self, row: u32) -> Result<&Facts> {
        if self.last.as_ref().map(|l| l.0) != Some(row) {
            if row < self.next_row {
                bail!("source-bias: shared-copy rows asked for out of order");
            }
            loop {
                let len = get_u32(&mut self.input).context("the shared-copy spill ended early")?;
                self.head.resize(len as usize, 0);
                self.input.read_exact(&mut self.head)?;
                let mut facts = Facts::decode(&mut self.head.as_slice())?;
                self.read += 4 + u64::from(len);
                facts.text_at = self.read;
                self.input.seek_relative(i64::from(facts.text_len))?;
                self.read += u64::from(facts.text_len);
                self.next_row += 1;
                if self.next_row - 1 == row {
                    self.last = Some((row, facts));
                    break;
                }
            }
        }
        match &self.last {
            Some((_, facts)) => Ok(facts),
            None => bail!("source-bias: the shared-copy spill lost a row"),
        }
    }
}

/// Texts read from the spill where the facts say they are. The table
/// gives one doc_a's passages together, each sentence once per document
/// it shares with, so the texts of the current doc_a are kept until the next.
struct Texts {
    file: File,
    doc: Text,
    texts: FastMap<u64, String>,
}

impl Texts {
    fn text(&mut self, doc: &str, at: u64, len: u32) -> Result<&str> {
        if self.doc != doc {
            self.doc = doc.into();
            self.texts.clear();
        }
        if let std::collections::hash_map::Entry::Vacant(slot) = self.texts.entry(at) {
            let mut buffer = vec![0; len as usize];
            read_at(&self.file, &mut buffer, at)?;
            let text = String::from_utf8(buffer)
                .context("the shared-copy spill holds text that is not UTF-8")?;
            slot.insert(text);
        }
        Ok(self.texts.get(&at).map_or("", String::as_str))
    }
}

#[cfg(unix)]
fn read_at(file: &File, buffer: &mut [u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buffer, at)
}

#[cfg(not(unix))]
fn read_at(mut file: &File, buffer: &mut [u8], at: u64) -> std::io::Result<()> {
    use std::io::{Seek, SeekFrom};
    file.seek(SeekFrom::Start(at))?;
    file.read_exact(buffer)
}

/// Shared copy: the shingles in an external sort, the printed fields in a [`Spill`].
pub(super) struct SharedCopy {
    shingle_rows: Reader<6>,
    segments: Segments,
    shingles: Option<StoredSorter<Shingle>>,
    spill: Option<Spill>,
    rows: u32,
    /// The last row's document and the hash of its name: a document's rows
    /// come together.
    last_doc: Option<(Text, u64)>,
}

impl SharedCopy {
    pub(super) fn new(segments: Segments) -> SharedCopy {
        SharedCopy {
            shingle_rows: Reader::new(["doc", "source", "sentence", "words", "text", "hashes"]),
            segments,
            shingles: None,
            spill: None,
            rows: 0,
            last_doc: None,
        }
    }

    fn doc_hash(&mut self, doc: &str) -> u64 {
        if let Some((last, hash)) = &self.last_doc {
            if last == doc {
                return *hash;
            }
        }
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        doc.hash(&mut hasher);
        let hash = hasher.finish();
        self.last_doc = Some((doc.into(), hash));
        hash
    }

    pub(super) fn add(&mut self, table: &Table, row: &Row, names: &mut Names) -> Result<()> {
        let at = self.rows;
        self.rows = match at.checked_add(1) {
            Some(n) => n,
            None => bail!("source-bias: more than {} shingle rows", u32::MAX),
        };
        let reader = &mut self.shingle_rows;
        reader.columns(table);
        let doc = cell(row, reader.at[0]);
        let facts = Facts {
            doc: Text::from(doc.as_ref()),
            source: reader.id(names, row, 1),
            sentence: int(row, reader.at[2]),
            words: int(row, reader.at[3]),
            text_at: 0,
            text_len: 0,
            evidence: row.evidence.clone(),
        };
        let text = cell(row, reader.at[4]);
        let hashes = reader.at[5]
            .and_then(|i| row.cells.get(i))
            .and_then(Value::as_str)
            .unwrap_or("");
        let doc = self.doc_hash(&facts.doc);
        if self.spill.is_none() {
            self.spill = Some(Spill::create()?);
        }
        if let Some(spill) = &mut self.spill {
            let facts = Facts {
                text_len: text.len() as u32,
                ..facts
            };
            spill
                .write(&facts, &text)
                .context("writing the shared-copy spill")?;
        }
        let segment = self.segments.small;
        let shingles = self.shingles.get_or_insert_with(|| stored_sorter(segment));
        for h in hashes.as_bytes().split(|&b| b == b' ') {
            if let Some(hash) = parse_hex(h) {
                shingles
                    .push(Shingle { hash, row: at, doc })
                    .context("sorting shingles")?;
            }
        }
        Ok(())
    }

    /// Pairs of rows of different documents that share a shingle, one per
    /// shingle shared, into `pairs`: grouped by hash, so the work grows with
    /// the corpus, not its square.
    fn pair_rows(
        shingles: StoredSorter<Shingle>,
        pairs: &mut Sorter<
            RowPair,
            impl Fn(&Padded<RowPair>, &Padded<RowPair>) -> Ordering + Send + Sync + Clone,
        >,
    ) -> Result<()> {
        let mut group: Vec<Shingle> = Vec::with_capacity(BOILERPLATE + 1);
        let mut flush = |group: &[Shingle]| -> Result<()> {
            if group.len() < 2 || group.len() > BOILERPLATE {
                return Ok(());
            }
            for (x, a) in group.iter().enumerate() {
                for b in &group[x + 1..] {
                    if a.doc != b.doc {
                        pairs
                            .push(RowPair {
                                first: a.row.min(b.row),
                                second: a.row.max(b.row),
                            })
                            .context("sorting shingle pairs")?;
                    }
                }
            }
            Ok(())
        };
        for shingle in shingles.done().context("sorting shingles")? {
            let shingle = shingle.context("reading sorted shingles")?;
            if group.first().is_some_and(|g| g.hash != shingle.hash) {
                flush(&group)?;
                group.clear();
            }
            // One past the cap is enough to know the hash is boilerplate.
            if group.len() <= BOILERPLATE {
                group.push(shingle);
            }
        }
        flush(&group)
    }

    /// Gives `out` the `shared_copy` table (one row per shared passage: a
    /// sentence of doc_a and its copy in doc_b) a row at a time, and returns
    /// the words each outlet shares with each other one, by [source, other].
    pub(super) fn finish_into(
        mut self,
        docs: &mut Names,
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
        let Segments { small, passages } = self.segments;

        let mut pairs = sorter(small);
        Self::pair_rows(shingles, &mut pairs)?;

        // The passages, in first-row order, meet their first rows.
        let mut halves = sorter::<HalfPassage>(passages);
        let mut scan = spill.scan()?;
        let mut run: Option<(RowPair, usize)> = None;
        let mut passage = |pair: RowPair, shared: usize| -> Result<()> {
            if shared >= min_shared {
                let facts = scan.facts(pair.first)?.clone();
                halves
                    .push(HalfPassage {
                        second: pair.second,
                        first: pair.first,
                        facts,
                    })
                    .context("sorting shared passages")?;
            }
            Ok(())
        };
        for pair in pairs.done().context("sorting shingle pairs")? {
            let pair = pair.context("reading sorted shingle pairs")?;
            match &mut run {
                Some((last, n)) if *last == pair => *n += 1,
                _ => {
                    if let Some((last, n)) = run.replace((pair, 1)) {
                        passage(last, n)?;
                    }
                }
            }
        }
        if let Some((last, n)) = run {
            passage(last, n)?;
        }

        // Then their second rows, and take the table's order.
        let mut passages_sorted = sorter::<Passage>(passages);
        let mut scan = spill.scan()?;
        for half in halves.done().context("sorting shared passages")? {
            let half = half.context("reading sorted shared passages")?;
            let second = scan.facts(half.second)?;
            let first = &half.facts;
            let rows = RowPair {
                first: half.first,
                second: half.second,
            };
            let (a, b) = if first.doc <= second.doc {
                (first, second)
            } else {
                (second, first)
            };
            let mut evidence = Vec::with_capacity(a.evidence.len() + b.evidence.len());
            evidence.extend(a.evidence.iter().cloned());
            evidence.extend(b.evidence.iter().cloned());
            passages_sorted
                .push(Passage {
                    doc_a: a.doc.clone(),
                    doc_b: b.doc.clone(),
                    sentence: a.sentence,
                    rows,
                    source_a: a.source,
                    source_b: b.source,
                    words: a.words,
                    text_at: a.text_at,
                    text_len: a.text_len,
                    evidence,
                })
                .context("sorting shared passages")?;
        }

        out.table(&table)?;
        let mut texts = spill.texts()?;
        for p in passages_sorted.done().context("sorting shared passages")? {
            let p = p.context("reading sorted shared passages")?;
            for (source, other) in [(p.source_a, p.source_b), (p.source_b, p.source_a)] {
                let e = shares.entry([source, other]).or_default();
                e.n += p.words;
                e.evidence.add(docs, &p.evidence);
                if p.source_a == p.source_b {
                    break;
                }
            }
            let text = texts.text(&p.doc_a, p.text_at, p.text_len)?.into();
            let mut row = Row::new(vec![
                p.doc_a.into(),
                p.doc_b.into(),
                names.name(p.source_a).into(),
                names.name(p.source_b).into(),
                p.words.into(),
                text,
            ]);
            row.evidence = p.evidence;
            out.row(row)?;
        }
        Ok(shares)
    }
}
/// A hash of `map` (16 lower-case hex digits) without the generality of
/// `from_str_radix`.
fn parse_hex(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || digits.len() > 16 {
        return None;
    }
    let mut h = 0u64;
    for &b in digits {
        let d = HEX_DIGITS[usize::from(b)];
        if d == NOT_HEX {
            return None;
        }
        h = h << 4 | u64::from(d);
    }
    Some(h)
}

const NOT_HEX: u8 = 0xff;

/// Each byte's value as a hex digit, or [`NOT_HEX`]: one load a digit
/// instead of three range tests.
const HEX_DIGITS: [u8; 256] = {
    let mut table = [NOT_HEX; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => NOT_HEX,
        };
        b += 1;
    }
    table
};

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
    fn segment_items_are_as_large_as_the_segment_sizes_assume() {
        assert_eq!(std::mem::size_of::<Padded<Shingle>>(), 32);
        assert_eq!(std::mem::size_of::<Padded<RowPair>>(), 12);
    }

    #[test]
    fn every_item_comes_back_whatever_the_count_and_segment() {
        // extsort 0.5 alone returns none of 50 items in segments of one
        // (25 full segments of two), the case `Padded` exists for.
        for segment in [1usize, 2, 4, 9, 49, 50, 100] {
            for count in [0u32, 1, 2, 3, 10, 50, 51, 100] {
                let mut s = sorter(segment);
                for i in (0..count).rev() {
                    s.push(RowPair {
                        first: i % 7,
                        second: i,
                    })
                    .unwrap();
                }
                let back: Vec<RowPair> = s.done().unwrap().map(Result::unwrap).collect();
                let mut expected: Vec<RowPair> = (0..count)
                    .map(|i| RowPair {
                        first: i % 7,
                        second: i,
                    })
                    .collect();
                expected.sort();
                assert_eq!(back, expected, "{count} items in segments of {segment}");
            }
        }
    }

    #[test]
    fn a_passage_comes_back_from_disk_as_it_went() {
        let span = |doc: &str, start| Evidence {
            doc: doc.into(),
            start,
            end: start + 10,
        };
        let passage = Passage {
            doc_a: "a-1".into(),
            doc_b: "an id longer than any name that a string keeps inline, ninety bytes or so in all".into(),
            sentence: 4,
            rows: RowPair {
                first: 7,
                second: 3_000_000_000,
            },
            source_a: 1,
            source_b: 2,
            words: 25,
            text_at: 1 << 40,
            text_len: 152,
            // A span of neither document is written by name.
            evidence: vec![span("a-1", 0), span("elsewhere", 5), span("an id longer than any name that a string keeps inline, ninety bytes or so in all", 9)],
        };
        let mut bytes = Vec::new();
        passage.encode(&mut bytes).unwrap();
        let back = Passage::decode(&mut bytes.as_slice()).unwrap();
        assert_eq!(format!("{back:?}"), format!("{passage:?}"));
    }

    fn mapped(docs: &[(&str, &str, String)]) -> Report {
        let analyzer = crate::build(&AnalyzerSettings::for_tests("source-bias")).unwrap();
        let mut merged: Option<Report> = None;
        for (id, source, text) in docs {
            let doc = Document {
                id: (*id).into(),
                meta: Meta {
                    source: (*source).into(),
                    ..Meta::default()
                },
                text: text.clone(),
            };
            let map = analyzer.map(&newslens_core::testing::annotate_doc(doc));
            match &mut merged {
                Some(m) => m.append(map),
                None => merged = Some(map),
            }
        }
        merged.unwrap()
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
    fn sorting_on_disk_in_tiny_segments_gives_the_tables_of_one_segment() {
        let whole = super::super::reduce(four_outlets(), 3).unwrap();
        // Segments of two items put every sort on disk, the shingles' in more
        // segments than extsort merges by peeking (so by its heap).
        let tiny = Segments {
            small: 2,
            passages: 2,
        };
        let on_disk =
            newslens_core::analyzer::fold_report(super::super::plan_with(3, tiny), four_outlets())
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
            passages(&super::super::reduce(mapped(&docs), 3).unwrap()).len()
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
        let mut sorted = sorter(37);
        for &(hash, row) in &pairs {
            sorted
                .push(Shingle {
                    hash,
                    row,
                    doc: u64::from(row / 10),
                })
                .unwrap();
        }
        let sorted: Vec<(u64, u32)> = sorted
            .done()
            .unwrap()
            .map(|s| s.map(|s| (s.hash, s.row)).unwrap())
            .collect();
        assert_eq!(sorted, group_by_hash(pairs));
    }
}
