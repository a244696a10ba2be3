//! Byte strings sorted on disk, records kept on a tape, and the encoding
//! their records use: what a reduce keeps of a corpus that need not fit in
//! memory (the timeline merge's events, casualty-figure's figures).
//!
//! Records are byte strings whose head is a key encoded so that comparing
//! the bytes compares the keys ([`Enc::text_key`] keeps a text's order and
//! ends it, so no key is a prefix of a different one): one plain byte
//! comparison sorts every record, and the sorter needs no knowledge of what
//! it sorts. Up to a budget of bytes stays in memory; past it each sorted
//! run goes to a temporary file (removed as soon as it is open on Unix, so a
//! killed run leaves nothing; elsewhere on drop), and the runs are merged
//! through a heap, at most [`FAN_IN`] at a time so the open files stay few
//! whatever the corpus size.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use std::sync::Arc;

use crate::Evidence;

/// Runs merged at once; more are merged into fewer first.
const FAN_IN: usize = 64;
/// Read and write buffers of a run file.
const IO_BUFFER: usize = 1 << 16;

/// Bytes the spills' temporary files hold now, and the most they held.
static DISK_NOW: AtomicU64 = AtomicU64::new(0);
static DISK_PEAK: AtomicU64 = AtomicU64::new(0);

/// The most bytes the spills' temporary files held at once in this process.
pub fn peak_disk_bytes() -> u64 {
    DISK_PEAK.load(AtomicOrdering::Relaxed)
}

/// A temporary file, gone when dropped (on Unix, from the moment it is open).
struct TempFile {
    file: File,
    path: Option<PathBuf>,
    bytes: u64,
}

impl TempFile {
    fn create(scratch: &Scratch) -> io::Result<TempFile> {
        let (file, path) = crate::scratch::create_file(&scratch.dir, scratch.owner, "run")?;
        let path = if cfg!(unix) && std::fs::remove_file(&path).is_ok() {
            None
        } else {
            Some(path)
        };
        Ok(TempFile {
            file,
            path,
            bytes: 0,
        })
    }

    fn wrote(&mut self, bytes: u64) {
        self.bytes += bytes;
        let now = DISK_NOW.fetch_add(bytes, AtomicOrdering::Relaxed) + bytes;
        DISK_PEAK.fetch_max(now, AtomicOrdering::Relaxed);
    }
}

impl Read for TempFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.file.read(buf)
    }
}

impl Write for TempFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        DISK_NOW.fetch_sub(self.bytes, AtomicOrdering::Relaxed);
        if let Some(path) = &self.path {
            // Nothing to do when it fails: the file is in the temporary directory.
            let _ = std::fs::remove_file(path);
        }
    }
}

fn write_len(out: &mut impl Write, mut n: usize) -> io::Result<usize> {
    let mut bytes = [0u8; 10];
    let mut k = 0;
    loop {
        let low = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            bytes[k] = low;
            k += 1;
            break;
        }
        bytes[k] = low | 0x80;
        k += 1;
    }
    out.write_all(&bytes[..k])?;
    Ok(k)
}

/// The next item of a run into `item`; false at the end of the run.
fn read_item(input: &mut impl Read, item: &mut Vec<u8>) -> io::Result<bool> {
    let (mut len, mut shift) = (0usize, 0u32);
    let mut byte = [0u8];
    loop {
        if input.read(&mut byte)? == 0 {
            if shift == 0 {
                return Ok(false);
            }
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        if shift > 63 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "length too long",
            ));
        }
        len |= ((byte[0] & 0x7f) as usize) << shift;
        shift += 7;
        if byte[0] & 0x80 == 0 {
            break;
        }
    }
    item.clear();
    item.resize(len, 0);
    input.read_exact(item)?;
    Ok(true)
}

/// Where the sorts and tapes of one reduce keep their files (named for the
/// analyzer that owns them), and how many bytes each holds in memory.
#[derive(Clone)]
pub struct Scratch {
    dir: Arc<Path>,
    owner: &'static str,
    pub budget: usize,
}

impl Scratch {
    pub fn new(owner: &'static str, dir: &Path, budget: usize) -> Scratch {
        Scratch {
            dir: dir.into(),
            owner,
            budget: budget.max(1),
        }
    }

    /// The folder the files go in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn sorter(&self) -> Sorter {
        Sorter {
            bytes: Vec::new(),
            items: Vec::new(),
            scratch: self.clone(),
            runs: Vec::new(),
        }
    }

    pub fn tape(&self) -> Tape {
        Tape {
            bytes: Vec::new(),
            file: None,
            scratch: self.clone(),
        }
    }
}

/// An item held in memory: its first eight bytes as a number (zeros past
/// its end), its start and its length in the sorter's bytes. Most items
/// differ in their first eight bytes, which then order them with one
/// comparison of numbers instead of two slices'.
#[derive(Clone, Copy)]
pub struct Item {
    head: u64,
    start: usize,
    len: usize,
}

/// Bytes of memory an item's place takes.
const ITEM: usize = std::mem::size_of::<Item>();

/// Byte strings in, the same byte strings out in byte order.
pub struct Sorter {
    bytes: Vec<u8>,
    items: Vec<Item>,
    scratch: Scratch,
    runs: Vec<TempFile>,
}

impl Sorter {
    pub fn push(&mut self, item: &[u8]) -> io::Result<()> {
        if self.items.capacity() == 0 {
            // Once, to the budget: a vector left to double would overshoot it.
            self.bytes.reserve(self.scratch.budget);
            self.items.reserve(self.scratch.budget / ITEM);
        }
        let mut head = [0u8; 8];
        let n = item.len().min(8);
        head[..n].copy_from_slice(&item[..n]);
        self.items.push(Item {
            head: u64::from_be_bytes(head),
            start: self.bytes.len(),
            len: item.len(),
        });
        self.bytes.extend_from_slice(item);
        if self.bytes.len() + ITEM * self.items.len() >= self.scratch.budget {
            self.spill()?;
        }
        Ok(())
    }

    fn sort(&mut self) {
        let bytes = &self.bytes;
        self.items.sort_unstable_by(|a, b| {
            a.head
                .cmp(&b.head)
                .then_with(|| bytes[a.start..a.start + a.len].cmp(&bytes[b.start..b.start + b.len]))
        });
    }

    fn spill(&mut self) -> io::Result<()> {
        self.sort();
        let mut run = TempFile::create(&self.scratch)?;
        let mut written = 0u64;
        {
            let mut out = BufWriter::with_capacity(IO_BUFFER, &run.file);
            for &Item { start, len, .. } in &self.items {
                written += write_len(&mut out, len)? as u64 + len as u64;
                out.write_all(&self.bytes[start..start + len])?;
            }
            out.flush()?;
        }
        run.wrote(written);
        self.runs.push(run);
        self.bytes.clear();
        self.items.clear();
        Ok(())
    }

    /// The items in byte order.
    pub fn finish(mut self) -> io::Result<Sorted> {
        if self.runs.is_empty() {
            self.sort();
            return Ok(Sorted::Memory {
                bytes: self.bytes,
                items: self.items.into_iter(),
            });
        }
        if !self.items.is_empty() {
            self.spill()?;
        }
        self.bytes = Vec::new();
        self.items = Vec::new();
        let mut runs = std::mem::take(&mut self.runs);
        while runs.len() > FAN_IN {
            let rest = runs.split_off(FAN_IN);
            let mut merged = Merger::new(runs)?;
            let mut run = TempFile::create(&self.scratch)?;
            let mut written = 0u64;
            {
                let mut out = BufWriter::with_capacity(IO_BUFFER, &run.file);
                while let Some(item) = merged.next()? {
                    written += write_len(&mut out, item.len())? as u64 + item.len() as u64;
                    out.write_all(item)?;
                }
                out.flush()?;
            }
            run.wrote(written);
            drop(merged);
            runs = rest;
            runs.push(run);
        }
        Ok(Sorted::Runs(Merger::new(runs)?))
    }
}

/// Records kept to be read more than once, in the order written: in memory
/// up to a budget, past it in a temporary file.
pub struct Tape {
    bytes: Vec<u8>,
    file: Option<BufWriter<TempFile>>,
    scratch: Scratch,
}

impl Tape {
    /// Forgets every record (and the file).
    pub fn clear(&mut self) {
        self.bytes.clear();
        self.file = None;
    }

    fn flush_bytes(&mut self) -> io::Result<()> {
        let out = match &mut self.file {
            Some(out) => out,
            None => self.file.insert(BufWriter::with_capacity(
                IO_BUFFER,
                TempFile::create(&self.scratch)?,
            )),
        };
        out.write_all(&self.bytes)?;
        out.get_mut().wrote(self.bytes.len() as u64);
        self.bytes.clear();
        Ok(())
    }

    pub fn push(&mut self, item: &[u8]) -> io::Result<()> {
        write_len(&mut self.bytes, item.len())?;
        self.bytes.extend_from_slice(item);
        if self.bytes.len() >= self.scratch.budget {
            self.flush_bytes()?;
        }
        Ok(())
    }

    /// Calls `each` on every record, from the first.
    pub fn read(&mut self, mut each: impl FnMut(&[u8]) -> io::Result<()>) -> io::Result<()> {
        let mut item = Vec::new();
        if self.file.is_some() {
            self.flush_bytes()?;
        }
        if let Some(out) = &mut self.file {
            out.flush()?;
            let file = &mut out.get_mut().file;
            file.seek(SeekFrom::Start(0))?;
            let mut input = BufReader::with_capacity(IO_BUFFER, &*file);
            while read_item(&mut input, &mut item)? {
                each(&item)?;
            }
            drop(input);
            file.seek(SeekFrom::End(0))?;
            return Ok(());
        }
        // In memory, each record is read where it lies, not copied out.
        let mut input = &self.bytes[..];
        while !input.is_empty() {
            let mut dec = Dec::new(input);
            let len = usize::try_from(dec.num()?).map_err(|_| bad("a length past usize"))?;
            let rest = dec.rest();
            if rest.len() < len {
                return Err(bad("cut short"));
            }
            let (record, after) = rest.split_at(len);
            each(record)?;
            input = after;
        }
        Ok(())
    }
}

/// A sorter's items, in order.
pub enum Sorted {
    Memory {
        bytes: Vec<u8>,
        items: std::vec::IntoIter<Item>,
    },
    Runs(Merger),
}

impl Sorted {
    // Each item borrows the sorter's buffer until the next call, which
    // `Iterator` cannot express.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> io::Result<Option<&[u8]>> {
        match self {
            Sorted::Memory { bytes, items } => Ok(items
                .next()
                .map(|Item { start, len, .. }| &bytes[start..start + len])),
            Sorted::Runs(merger) => merger.next(),
        }
    }
}

/// One run's next item, ordered (reversed, for a max-heap) by the item and
/// then the run, so equal items come out in a fixed order.
struct Head {
    item: Vec<u8>,
    run: usize,
}

impl PartialEq for Head {
    fn eq(&self, other: &Head) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Head {}
impl PartialOrd for Head {
    fn partial_cmp(&self, other: &Head) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Head {
    fn cmp(&self, other: &Head) -> Ordering {
        (&self.item, self.run).cmp(&(&other.item, other.run))
    }
}

/// Sorted runs merged into one sorted stream.
pub struct Merger {
    readers: Vec<BufReader<TempFile>>,
    heap: BinaryHeap<Reverse<Head>>,
    /// The item given last; its buffer is reused for the next one read.
    last: Vec<u8>,
}

impl Merger {
    fn new(runs: Vec<TempFile>) -> io::Result<Merger> {
        let mut readers = Vec::with_capacity(runs.len());
        let mut heap = BinaryHeap::with_capacity(runs.len());
        for (k, mut run) in runs.into_iter().enumerate() {
            run.file.seek(SeekFrom::Start(0))?;
            let mut reader = BufReader::with_capacity(IO_BUFFER, run);
            let mut item = Vec::new();
            if read_item(&mut reader, &mut item)? {
                heap.push(Reverse(Head { item, run: k }));
            }
            readers.push(reader);
        }
        Ok(Merger {
            readers,
            heap,
            last: Vec::new(),
        })
    }

    #[allow(clippy::should_implement_trait)] // As `Sorted::next`.
    pub fn next(&mut self) -> io::Result<Option<&[u8]>> {
        let Some(Reverse(mut head)) = self.heap.pop() else {
            return Ok(None);
        };
        std::mem::swap(&mut self.last, &mut head.item);
        if read_item(&mut self.readers[head.run], &mut head.item)? {
            self.heap.push(Reverse(head));
        }
        Ok(Some(&self.last))
    }
}

fn bad(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("spilled record: {what}"),
    )
}

/// Writes a record: keys that sort as their bytes, then plain fields.
#[derive(Default)]
pub struct Enc {
    pub bytes: Vec<u8>,
}

impl Enc {
    pub fn clear(&mut self) {
        self.bytes.clear();
    }

    /// Texts in a key, one after another ([`text_key`](Enc::text_key)).
    pub fn text_keys(&mut self, parts: &[&str]) {
        for part in parts {
            self.text_key(part.as_bytes());
        }
    }

    /// A text in a key: byte order kept, a zero byte written as 0 255, the
    /// end as 0 0, so a text sorts before every longer text it begins.
    pub fn text_key(&mut self, text: &[u8]) {
        // Most texts hold no zero byte: copied whole.
        if memchr::memchr(0, text).is_none() {
            self.bytes.extend_from_slice(text);
            self.bytes.extend_from_slice(&[0, 0]);
            return;
        }
        for &b in text {
            self.bytes.push(b);
            if b == 0 {
                self.bytes.push(0xff);
            }
        }
        self.bytes.extend_from_slice(&[0, 0]);
    }

    /// A number in a key, in big-endian order.
    pub fn u64_key(&mut self, n: u64) {
        self.bytes.extend_from_slice(&n.to_be_bytes());
    }

    /// A signed number in a key: the sign bit flipped so negatives come first.
    pub fn i64_key(&mut self, n: i64) {
        self.u64_key((n as u64) ^ (1 << 63));
    }

    pub fn num(&mut self, mut n: u64) {
        loop {
            let low = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                self.bytes.push(low);
                return;
            }
            self.bytes.push(low | 0x80);
        }
    }

    pub fn text(&mut self, text: &str) {
        self.text_bytes(text.as_bytes());
    }

    /// A text's bytes, read back by [`Dec::text`] or [`Dec::text_bytes`].
    pub fn text_bytes(&mut self, text: &[u8]) {
        self.num(text.len() as u64);
        self.bytes.extend_from_slice(text);
    }

    /// A list of ids as [`Dec::ids_raw`] read it.
    pub fn ids_raw(&mut self, raw: &[u8]) {
        self.num((raw.len() / 4) as u64);
        self.bytes.extend_from_slice(raw);
    }

    /// A row's evidence, read back by [`Dec::evidence`].
    pub fn evidence(&mut self, evidence: &[Evidence]) {
        self.num(evidence.len() as u64);
        for e in evidence {
            self.text(&e.doc);
            self.num(e.start as u64);
            self.num(e.end as u64);
        }
    }

    /// A list of ids, four bytes each: read back a slice at a time.
    pub fn ids(&mut self, ids: &[u32]) {
        self.num(ids.len() as u64);
        for &id in ids {
            self.bytes.extend_from_slice(&id.to_le_bytes());
        }
    }
}

/// Reads a record [`Enc`] wrote, field by field in the same order.
pub struct Dec<'a> {
    bytes: &'a [u8],
}

impl<'a> Dec<'a> {
    pub fn new(bytes: &'a [u8]) -> Dec<'a> {
        Dec { bytes }
    }

    /// The next `n` bytes as they are.
    pub fn take(&mut self, n: usize) -> io::Result<&'a [u8]> {
        if self.bytes.len() < n {
            return Err(bad("cut short"));
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    pub fn text_key(&mut self) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        loop {
            let (piece, ended) = self.text_piece()?;
            out.extend_from_slice(piece);
            if ended {
                return Ok(out);
            }
            out.push(0);
        }
    }

    /// Skips a key's text.
    pub fn skip_text_key(&mut self) -> io::Result<()> {
        while !self.text_piece()?.1 {}
        Ok(())
    }

    /// A key's text up to its next zero byte (most texts hold none but the
    /// end), and whether the text ends there (`0 0`) or the zero byte was
    /// one of the text's own (`0 0xff`).
    fn text_piece(&mut self) -> io::Result<(&'a [u8], bool)> {
        let at = memchr::memchr(0, self.bytes).ok_or_else(|| bad("an unended key"))?;
        let piece = &self.bytes[..at];
        let next = *self.bytes.get(at + 1).ok_or_else(|| bad("cut short"))?;
        self.bytes = &self.bytes[at + 2..];
        match next {
            0 => Ok((piece, true)),
            0xff => Ok((piece, false)),
            _ => Err(bad("a key's zero byte")),
        }
    }

    /// A key's text, read in place unless it holds a zero byte of its own;
    /// not checked for UTF-8, as [`Dec::text_bytes`].
    pub fn key_bytes(&mut self) -> io::Result<std::borrow::Cow<'a, [u8]>> {
        if let Some(at) = memchr::memchr(0, self.bytes) {
            if self.bytes.get(at + 1) == Some(&0) {
                let text = &self.bytes[..at];
                self.bytes = &self.bytes[at + 2..];
                return Ok(text.into());
            }
        }
        Ok(self.text_key()?.into())
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// A byte written straight into a key.
    pub fn byte(&mut self) -> io::Result<u8> {
        Ok(self.take(1)?[0])
    }

    pub fn u64_key(&mut self) -> io::Result<u64> {
        let bytes: [u8; 8] = self.take(8)?.try_into().map_err(|_| bad("cut short"))?;
        Ok(u64::from_be_bytes(bytes))
    }

    pub fn i64_key(&mut self) -> io::Result<i64> {
        Ok((self.u64_key()? ^ (1 << 63)) as i64)
    }

    pub fn num(&mut self) -> io::Result<u64> {
        // Most numbers here (ids, counts, offsets) take one or two bytes.
        match *self.bytes {
            [b, ref rest @ ..] if b < 0x80 => {
                self.bytes = rest;
                return Ok(u64::from(b));
            }
            [b, c, ref rest @ ..] if c < 0x80 => {
                self.bytes = rest;
                return Ok(u64::from(b & 0x7f) | u64::from(c) << 7);
            }
            _ => {}
        }
        let (mut n, mut shift) = (0u64, 0u32);
        loop {
            let b = self.take(1)?[0];
            if shift > 63 {
                return Err(bad("number too long"));
            }
            n |= u64::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                return Ok(n);
            }
        }
    }

    /// Evidence [`Enc::evidence`] wrote, added to `out`.
    pub fn evidence(&mut self, out: &mut Vec<Evidence>) -> io::Result<()> {
        for _ in 0..self.num()? {
            out.push(Evidence {
                doc: self.text()?.into(),
                start: usize::try_from(self.num()?).map_err(|_| bad("an offset past usize"))?,
                end: usize::try_from(self.num()?).map_err(|_| bad("an offset past usize"))?,
            });
        }
        Ok(())
    }

    pub fn num_u32(&mut self) -> io::Result<u32> {
        u32::try_from(self.num()?).map_err(|_| bad("an id past u32"))
    }

    pub fn text(&mut self) -> io::Result<&'a str> {
        std::str::from_utf8(self.text_bytes()?).map_err(|_| bad("text that is not UTF-8"))
    }

    /// A text's bytes, not checked for UTF-8: for texts only compared or
    /// passed on, as checking costs more than reading them.
    pub fn text_bytes(&mut self) -> io::Result<&'a [u8]> {
        let len = usize::try_from(self.num()?).map_err(|_| bad("a length past usize"))?;
        self.take(len)
    }

    /// What is left to read.
    pub fn rest(&self) -> &'a [u8] {
        self.bytes
    }

    /// A count, then that many entries of `size` bytes each, in place: the
    /// whole list at once, for a caller that cuts it with `chunks_exact`.
    pub fn entries(&mut self, size: usize) -> io::Result<&'a [u8]> {
        let len = usize::try_from(self.num()?).map_err(|_| bad("a length past usize"))?;
        self.take(
            len.checked_mul(size)
                .ok_or_else(|| bad("a length past usize"))?,
        )
    }

    /// A list of ids in place, four little-endian bytes each.
    pub fn ids_raw(&mut self) -> io::Result<&'a [u8]> {
        self.entries(4)
    }

    pub fn ids(&mut self, out: &mut Vec<u32>) -> io::Result<()> {
        let bytes = self.ids_raw()?;
        out.clear();
        out.extend(
            bytes
                .chunks_exact(4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])),
        );
        Ok(())
    }
}

/// Evidence gathered under keys (an outlet, an outlet and an actor) and
/// kept on disk, for a reduce whose rows each cite every document they
/// count: the counts stay in memory, the evidence, which grows with the
/// corpus, does not. Read back a key at a time, in key order, each key's
/// evidence in the order it was added.
pub struct EvidenceByKey {
    sorter: Sorter,
    added: u64,
    enc: Enc,
}

impl EvidenceByKey {
    pub fn new(scratch: &Scratch) -> EvidenceByKey {
        EvidenceByKey {
            sorter: scratch.sorter(),
            added: 0,
            enc: Enc::default(),
        }
    }

    /// `evidence` under `key`; every key of one gathering has as many parts.
    pub fn push(&mut self, key: &[&str], evidence: &[Evidence]) -> io::Result<()> {
        if evidence.is_empty() {
            return Ok(());
        }
        self.enc.clear();
        self.enc.text_keys(key);
        self.enc.u64_key(self.added);
        self.added += 1;
        self.enc.evidence(evidence);
        self.sorter.push(&self.enc.bytes)
    }

    pub fn finish(self) -> io::Result<EvidenceStream> {
        Ok(EvidenceStream {
            records: KeyedStream::new(self.sorter.finish()?)?,
            key: Enc::default(),
            dropped: 0,
        })
    }
}

/// A sorted stream whose records lead with a key, read a key at a time:
/// the record after a key's last waits until its own key is asked for.
pub struct KeyedStream {
    sorted: Sorted,
    head: Option<Vec<u8>>,
}

impl KeyedStream {
    pub fn new(mut sorted: Sorted) -> io::Result<KeyedStream> {
        let head = sorted.next()?.map(<[u8]>::to_vec);
        Ok(KeyedStream { sorted, head })
    }

    /// Whether records are left.
    pub fn is_empty(&self) -> bool {
        self.head.is_none()
    }

    /// The next record, whole, if it begins with `prefix` (an encoded key).
    pub fn next_under(&mut self, prefix: &[u8]) -> io::Result<Option<Vec<u8>>> {
        if !self.head.as_ref().is_some_and(|r| r.starts_with(prefix)) {
            return Ok(None);
        }
        let following = self.sorted.next()?.map(<[u8]>::to_vec);
        Ok(std::mem::replace(&mut self.head, following))
    }

    /// Drops the records that sort before `prefix` (keys passed over) and
    /// says how many.
    pub fn skip_before(&mut self, prefix: &[u8]) -> io::Result<u64> {
        let mut dropped = 0;
        while self.head.as_deref().is_some_and(|r| r < prefix) {
            self.head = self.sorted.next()?.map(<[u8]>::to_vec);
            dropped += 1;
        }
        Ok(dropped)
    }
}

/// What an [`EvidenceByKey`] gathered, a key at a time.
pub struct EvidenceStream {
    records: KeyedStream,
    key: Enc,
    dropped: u64,
}

impl EvidenceStream {
    /// The evidence under `key`. Keys are asked for in order; the evidence
    /// of a key passed over without being asked for is dropped.
    pub fn take(&mut self, key: &[&str]) -> io::Result<Vec<Evidence>> {
        let mut evidence = Vec::new();
        self.take_each(key, |e| {
            evidence.push(e);
            Ok::<_, io::Error>(())
        })?;
        Ok(evidence)
    }

    /// [`take`](EvidenceStream::take), a span at a time to `each`, so a
    /// key's evidence need not fit in memory.
    pub fn take_each<E: From<io::Error>>(
        &mut self,
        key: &[&str],
        mut each: impl FnMut(Evidence) -> Result<(), E>,
    ) -> Result<(), E> {
        self.key.clear();
        self.key.text_keys(key);
        let prefix = &self.key.bytes[..];
        self.dropped += self.records.skip_before(prefix)?;
        let mut evidence = Vec::new();
        while let Some(record) = self.records.next_under(prefix)? {
            let mut dec = Dec::new(&record[prefix.len()..]);
            dec.u64_key()?;
            dec.evidence(&mut evidence)?;
            for e in evidence.drain(..) {
                each(e)?;
            }
        }
        Ok(())
    }

    /// Whether evidence is left under keys not yet asked for.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// How many records of keys passed over were dropped.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(budget: usize) -> Scratch {
        Scratch::new("spill-test", &std::env::temp_dir(), budget)
    }

    fn sorted(budget: usize, items: &[Vec<u8>]) -> Vec<Vec<u8>> {
        let mut sorter = scratch(budget).sorter();
        for item in items {
            sorter.push(item).unwrap();
        }
        let mut out = Vec::new();
        let mut sorted = sorter.finish().unwrap();
        while let Some(item) = sorted.next().unwrap() {
            out.push(item.to_vec());
        }
        out
    }

    /// Items come back in byte order whether they stay in memory, spill to
    /// a few runs or to more runs than one merge opens.
    #[test]
    fn sorts_in_memory_and_across_runs() {
        // A fixed pseudo-random sequence, with repeats and empty items.
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let items: Vec<Vec<u8>> = (0..5000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let len = (x % 7) as usize;
                (0..len).map(|k| (x >> (8 * k)) as u8 % 5).collect()
            })
            .collect();
        let mut want = items.clone();
        want.sort();
        assert_eq!(sorted(1 << 30, &items), want);
        assert_eq!(sorted(4000, &items), want);
        // 5,000 items at ~20 bytes each in memory: well over FAN_IN runs.
        assert_eq!(sorted(200, &items), want);
        assert!(peak_disk_bytes() > 0);
        assert_eq!(sorted(10, &[]), Vec::<Vec<u8>>::new());
    }

    /// Each key's evidence comes back in the order added, keys in order,
    /// in memory and spilled; a key not asked for is passed over.
    #[test]
    fn evidence_by_key_in_key_order() {
        let ev = |doc: &str, start: usize| Evidence {
            doc: doc.into(),
            start,
            end: start + 3,
        };
        for budget in [1 << 20, 60] {
            let mut gathered = EvidenceByKey::new(&scratch(budget));
            for k in 0..40usize {
                let outlet = ["b", "a", "ab", "c"][k % 4];
                gathered
                    .push(&[outlet], &[ev(&format!("d{k}"), k)])
                    .unwrap();
            }
            gathered.push(&["a"], &[]).unwrap();
            let mut stream = gathered.finish().unwrap();
            let docs =
                |e: Vec<Evidence>| e.into_iter().map(|e| e.doc.to_string()).collect::<Vec<_>>();
            let a = docs(stream.take(&["a"]).unwrap());
            assert_eq!(
                a,
                (0..10)
                    .map(|i| format!("d{}", 4 * i + 1))
                    .collect::<Vec<_>>()
            );
            // "ab" is passed over; "b" still comes whole.
            let b = docs(stream.take(&["b"]).unwrap());
            assert_eq!(
                b,
                (0..10).map(|i| format!("d{}", 4 * i)).collect::<Vec<_>>(),
                "budget {budget}"
            );
            assert!(stream.take(&["bb"]).unwrap().is_empty());
            assert_eq!(stream.take(&["c"]).unwrap().len(), 10);
            assert!(stream.take(&["d"]).unwrap().is_empty());
        }
    }

    /// A tape gives its records in the order written, each time it is
    /// read, whether held in memory or in its file.
    #[test]
    fn tapes_read_back_every_time() {
        let items: Vec<Vec<u8>> = (0..300u32)
            .map(|k| k.to_le_bytes()[..(k % 4) as usize].to_vec())
            .collect();
        let read = |tape: &mut Tape| {
            let mut got = Vec::new();
            tape.read(|item| {
                got.push(item.to_vec());
                Ok(())
            })
            .unwrap();
            got
        };
        for budget in [1, 7, 1 << 20] {
            let mut tape = scratch(budget).tape();
            for item in &items[..200] {
                tape.push(item).unwrap();
            }
            assert_eq!(read(&mut tape), items[..200], "budget {budget}");
            assert_eq!(read(&mut tape), items[..200], "budget {budget}, again");
            for item in &items[200..] {
                tape.push(item).unwrap();
            }
            assert_eq!(read(&mut tape), items, "budget {budget}, after more");
            tape.clear();
            assert_eq!(read(&mut tape), Vec::<Vec<u8>>::new());
        }
    }

    /// Records past 127 bytes (a length of two bytes or more) read back
    /// whole, in place in memory as from the file.
    #[test]
    fn tapes_read_long_records() {
        let items: Vec<Vec<u8>> = (0..400u32)
            .map(|k| (0..k * 7).map(|i| (i % 251) as u8).collect())
            .collect();
        for budget in [1 << 30, 5000] {
            let mut tape = scratch(budget).tape();
            for item in &items {
                tape.push(item).unwrap();
            }
            let mut got = Vec::new();
            tape.read(|item| {
                got.push(item.to_vec());
                Ok(())
            })
            .unwrap();
            assert_eq!(got, items, "budget {budget}");
        }
    }

    /// Texts in keys sort as the texts do, zero bytes and prefixes included.
    #[test]
    fn text_keys_sort_as_their_texts() {
        let texts: [&[u8]; 7] = [b"", b"a", b"a\0", b"a\0b", b"ab", b"b", b"\0"];
        let key = |t: &[u8]| {
            let mut enc = Enc::default();
            enc.text_key(t);
            enc.u64_key(7);
            enc.bytes
        };
        for a in texts {
            for b in texts {
                assert_eq!(key(a).cmp(&key(b)), a.cmp(b), "{a:?} {b:?}");
            }
            let bytes = key(a);
            let mut dec = Dec::new(&bytes);
            assert_eq!(dec.text_key().unwrap(), a);
            assert_eq!(dec.u64_key().unwrap(), 7);
            let mut dec = Dec::new(&bytes);
            dec.skip_text_key().unwrap();
            assert_eq!(dec.u64_key().unwrap(), 7);
        }
        let signed = |n: i64| {
            let mut enc = Enc::default();
            enc.i64_key(n);
            enc.bytes
        };
        assert!(signed(-1) < signed(0) && signed(0) < signed(5) && signed(i64::MIN) < signed(-1));
    }

    /// A record cut short or not UTF-8 is an error, not a panic.
    #[test]
    fn broken_records_are_errors() {
        let mut enc = Enc::default();
        enc.text("summary");
        enc.ids(&[3, 1_000_000]);
        let whole = enc.bytes.clone();
        for cut in 0..whole.len() {
            let mut dec = Dec::new(&whole[..cut]);
            let mut ids = Vec::new();
            assert!(dec.text().is_err() || dec.ids(&mut ids).is_err());
        }
        assert!(Dec::new(&[2, 0xff, 0xfe]).text().is_err());
        assert!(Dec::new(b"abc").skip_text_key().is_err());
    }
}
