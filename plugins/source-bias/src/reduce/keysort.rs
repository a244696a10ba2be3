//! An external sort of 128-bit keys, for shared copy's shingles, row pairs
//! and passages: each is a pair of numbers, so a key is two `u64` halves
//! compared high half first.
//!
//! Why not a general external sort: every item here is a fixed-size key, so
//! a sorted segment can be written as differences from the key before it
//! (a few bytes a key instead of sixteen), all segments go to one temporary
//! file (one open file a sort, however large the corpus), and the merge
//! compares plain integers.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// A key from its high and low halves.
pub(super) fn key(hi: u64, lo: u64) -> u128 {
    u128::from(hi) << 64 | u128::from(lo)
}

/// A key's high and low halves.
pub(super) fn halves(key: u128) -> (u64, u64) {
    ((key >> 64) as u64, key as u64)
}

/// A temporary file of this process, written through a buffer and read
/// back at offsets once flushed; removed when dropped. One descriptor a file.
pub(super) struct TempFile {
    path: PathBuf,
    out: BufWriter<File>,
}

impl TempFile {
    /// A new file in `dir`, its name ending in `.kind`.
    pub(super) fn create(dir: &Path, kind: &str) -> Result<TempFile> {
        let (file, path) = newslens_core::scratch::create_file(dir, "source-bias", kind)?;
        Ok(TempFile {
            path,
            out: BufWriter::with_capacity(1 << 16, file),
        })
    }

    pub(super) fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.out.write_all(bytes)
    }

    /// Flushed, not synced: the reads go through the page cache.
    pub(super) fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }

    /// `buffer.len()` bytes from `at`, or fewer at the end of the file;
    /// what is still in the write buffer is not read.
    pub(super) fn read_at(&self, buffer: &mut [u8], at: u64) -> std::io::Result<usize> {
        let mut done = 0;
        while done < buffer.len() {
            let n = read_at(self.out.get_ref(), &mut buffer[done..], at + done as u64)?;
            if n == 0 {
                break;
            }
            done += n;
        }
        Ok(done)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(unix)]
fn read_at(file: &File, buffer: &mut [u8], at: u64) -> std::io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buffer, at)
}

#[cfg(windows)]
fn read_at(file: &File, buffer: &mut [u8], at: u64) -> std::io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buffer, at)
}

pub(super) fn put_varint(out: &mut Vec<u8>, mut x: u64) {
    while x >= 0x80 {
        out.push(x as u8 | 0x80);
        x >>= 7;
    }
    out.push(x as u8);
}

/// The varint at `bytes[*at..]`, or `None` if the bytes end inside it.
pub(super) fn get_varint(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut x = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *bytes.get(*at)?;
        *at += 1;
        x |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return Some(x);
        }
    }
    None
}

/// The longest key on disk: two varints of ten bytes.
const MAX_KEY_BYTES: usize = 20;

/// Bytes the merge reads ahead for all segments together: each reads
/// blocks of its share, from 64 KB (up to 64 segments) down to 4 KB, so a
/// corpus of many segments does not hold a full block for each.
const MERGE_BUFFERS: usize = 4 << 20;

/// Keys in segments of `segment` sorted in memory, segments past the first
/// written to one temporary file.
pub(super) struct KeySorter {
    segment: usize,
    /// Where the segments go.
    dir: PathBuf,
    buffer: Vec<u128>,
    /// The radix sort's second buffer.
    scratch: Vec<u128>,
    /// Whether the buffer's keys came in order of their low halves, and
    /// the last low half: then a stable sort by the high halves is enough
    /// (shingles come in row order, so this skips the rows' bytes).
    lo_ascending: bool,
    last_lo: u64,
    disk: Option<TempFile>,
    /// Each segment on disk: where it starts and how many keys it holds.
    segments: Vec<(u64, u64)>,
    written: u64,
    bytes: Vec<u8>,
}

impl KeySorter {
    pub(super) fn new(segment: usize, dir: &Path) -> KeySorter {
        KeySorter {
            segment: segment.max(1),
            dir: dir.to_path_buf(),
            buffer: Vec::new(),
            scratch: Vec::new(),
            lo_ascending: true,
            last_lo: 0,
            disk: None,
            segments: Vec::new(),
            written: 0,
            bytes: Vec::new(),
        }
    }

    pub(super) fn push(&mut self, key: u128) -> Result<()> {
        if self.buffer.len() >= self.segment {
            self.write_segment()?;
        }
        let lo = key as u64;
        self.lo_ascending &= lo >= self.last_lo;
        self.last_lo = lo;
        self.buffer.push(key);
        Ok(())
    }

    fn write_segment(&mut self) -> Result<()> {
        radix_sort(&mut self.buffer, &mut self.scratch, self.lo_ascending);
        (self.lo_ascending, self.last_lo) = (true, 0);
        if self.disk.is_none() {
            self.disk = Some(TempFile::create(&self.dir, "sort")?);
        }
        let Some(out) = self.disk.as_mut() else {
            return Ok(());
        };
        let start = self.written;
        let mut last = (0u64, 0u64);
        for chunk in self.buffer.chunks(4096) {
            self.bytes.clear();
            for &key in chunk {
                let (hi, lo) = halves(key);
                put_varint(&mut self.bytes, hi - last.0);
                put_varint(&mut self.bytes, if hi == last.0 { lo - last.1 } else { lo });
                last = (hi, lo);
            }
            out.write_all(&self.bytes)
                .context("writing a sort segment")?;
            self.written += self.bytes.len() as u64;
        }
        self.segments.push((start, self.buffer.len() as u64));
        self.buffer.clear();
        Ok(())
    }

    /// The keys in ascending order.
    pub(super) fn sorted(mut self) -> Result<Sorted> {
        if self.disk.is_none() {
            radix_sort(&mut self.buffer, &mut self.scratch, self.lo_ascending);
            return Ok(Sorted::Memory(std::mem::take(&mut self.buffer).into_iter()));
        }
        if !self.buffer.is_empty() {
            self.write_segment()?;
        }
        self.buffer = Vec::new();
        let Some(mut temp) = self.disk.take() else {
            return Ok(Sorted::Memory(Vec::new().into_iter()));
        };
        temp.flush().context("writing a sort segment")?;
        let ends: Vec<u64> = self
            .segments
            .iter()
            .skip(1)
            .map(|s| s.0)
            .chain([self.written])
            .collect();
        let block = (MERGE_BUFFERS / self.segments.len().max(1)).clamp(4 << 10, 1 << 16);
        let mut cursors: Vec<Cursor> = self
            .segments
            .iter()
            .zip(ends)
            .map(|(&(start, keys), end)| Cursor {
                next_at: start,
                end,
                left: keys,
                block,
                bytes: Vec::new(),
                at: 0,
                last: (0, 0),
            })
            .collect();
        let mut heap = BinaryHeap::with_capacity(cursors.len());
        for (i, cursor) in cursors.iter_mut().enumerate() {
            if let Some(key) = cursor.next(&temp)? {
                heap.push(Reverse((key, i)));
            }
        }
        Ok(Sorted::Disk(Merge {
            temp,
            cursors,
            heap,
        }))
    }
}

/// `keys` in ascending order, a byte at a time from the lowest, skipping
/// the bytes all keys share: row numbers and ranks leave most of a key's
/// sixteen bytes zero, and a comparison sort of millions of keys costs
/// several times more.
///
/// `scratch` is the second buffer the passes move keys between, kept from
/// one segment to the next: a new one every segment is tens of megabytes of
/// fresh pages for the kernel to clear.
///
/// `lo_ascending`: the keys are in order of their low halves already, so
/// the passes over those bytes are skipped (the passes are stable).
fn radix_sort(keys: &mut Vec<u128>, scratch: &mut Vec<u128>, lo_ascending: bool) {
    if keys.len() < 256 {
        keys.sort_unstable();
        return;
    }
    let mut counts = vec![[0usize; 256]; 16];
    for &k in keys.iter() {
        for (count, b) in counts.iter_mut().zip(k.to_le_bytes()) {
            count[usize::from(b)] += 1;
        }
    }
    let n = keys.len();
    scratch.clear();
    scratch.resize(n, 0);
    let mut passes = 0;
    {
        let (mut from, mut to) = (&mut *keys, &mut *scratch);
        let first = if lo_ascending { 8 } else { 0 };
        for (byte, count) in counts.iter().enumerate().skip(first) {
            if count.contains(&n) {
                continue;
            }
            let mut next = [0usize; 256];
            let mut sum = 0;
            for (slot, &c) in next.iter_mut().zip(count.iter()) {
                *slot = sum;
                sum += c;
            }
            for &k in from.iter() {
                let digit = usize::from(k.to_le_bytes()[byte]);
                to[next[digit]] = k;
                next[digit] += 1;
            }
            std::mem::swap(&mut from, &mut to);
            passes += 1;
        }
    }
    // An odd number of passes leaves the keys in the other buffer.
    if passes % 2 == 1 {
        std::mem::swap(keys, scratch);
    }
}

/// A segment on disk being read, a block at a time.
struct Cursor {
    next_at: u64,
    end: u64,
    left: u64,
    /// Bytes read at once.
    block: usize,
    bytes: Vec<u8>,
    at: usize,
    last: (u64, u64),
}

impl Cursor {
    fn next(&mut self, temp: &TempFile) -> Result<Option<u128>> {
        if self.left == 0 {
            return Ok(None);
        }
        if self.bytes.len() - self.at < MAX_KEY_BYTES && self.next_at < self.end {
            self.bytes.drain(..self.at);
            self.at = 0;
            let keep = self.bytes.len();
            let want = (self.end - self.next_at).min(self.block as u64) as usize;
            self.bytes.resize(keep + want, 0);
            let got = temp
                .read_at(&mut self.bytes[keep..], self.next_at)
                .context("reading a sort segment")?;
            self.bytes.truncate(keep + got);
            self.next_at += got as u64;
            if got == 0 {
                anyhow::bail!("source-bias: a sort segment ended early");
            }
        }
        let (Some(dhi), Some(lo)) = (
            get_varint(&self.bytes, &mut self.at),
            get_varint(&self.bytes, &mut self.at),
        ) else {
            anyhow::bail!("source-bias: a sort segment is cut short");
        };
        let hi = self.last.0 + dhi;
        let lo = if dhi == 0 { self.last.1 + lo } else { lo };
        self.last = (hi, lo);
        self.left -= 1;
        Ok(Some(key(hi, lo)))
    }
}

pub(super) struct Merge {
    temp: TempFile,
    cursors: Vec<Cursor>,
    heap: BinaryHeap<Reverse<(u128, usize)>>,
}

/// A sort's keys, read in order.
pub(super) enum Sorted {
    Memory(std::vec::IntoIter<u128>),
    Disk(Merge),
}

impl Sorted {
    pub(super) fn next(&mut self) -> Result<Option<u128>> {
        match self {
            Sorted::Memory(keys) => Ok(keys.next()),
            Sorted::Disk(merge) => {
                let Some(Reverse((key, i))) = merge.heap.pop() else {
                    return Ok(None);
                };
                if let Some(next) = merge.cursors[i].next(&merge.temp)? {
                    merge.heap.push(Reverse((next, i)));
                }
                Ok(Some(key))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(mut sorted: Sorted) -> Vec<u128> {
        let mut out = Vec::new();
        while let Some(k) = sorted.next().unwrap() {
            out.push(k);
        }
        out
    }

    #[test]
    fn keys_come_back_sorted_whatever_the_count_and_segment() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            state
        };
        for segment in [1usize, 2, 3, 7, 100, 10_000] {
            for count in [0usize, 1, 2, 3, 10, 99, 100, 101, 1000] {
                let keys: Vec<u128> = (0..count)
                    .map(|i| {
                        // Repeated high halves (as shingles of one hash and
                        // pairs of one row have), extreme values, and equal keys.
                        let hi = match i % 5 {
                            0 => u64::MAX,
                            1 => next() % 4,
                            _ => next(),
                        };
                        let lo = if i % 7 == 0 { u64::MAX } else { next() % 1000 };
                        key(hi, lo)
                    })
                    .collect();
                let mut sorter = KeySorter::new(segment, &std::env::temp_dir());
                for &k in &keys {
                    sorter.push(k).unwrap();
                    if count == 99 {
                        sorter.push(k).unwrap();
                    }
                }
                let mut expected = keys.clone();
                if count == 99 {
                    expected.extend(&keys);
                }
                expected.sort_unstable();
                assert_eq!(
                    all(sorter.sorted().unwrap()),
                    expected,
                    "{count} keys in segments of {segment}"
                );
            }
        }
    }

    #[test]
    fn the_radix_sort_sorts_as_a_comparison_sort_does() {
        let mut state = 7u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        // One second buffer for every sort, as a sorter keeps it.
        let mut scratch = Vec::new();
        for count in [0usize, 1, 255, 256, 257, 5000, 300] {
            // Small keys (most bytes shared), full-width ones, and a mix.
            for shape in 0..3 {
                let mut keys: Vec<u128> = (0..count)
                    .map(|_| match shape {
                        0 => key(next() % 300, next() % 70_000),
                        1 => key(next(), next()),
                        _ => key(next() >> (next() % 64), next() % 3),
                    })
                    .collect();
                let mut expected = keys.clone();
                expected.sort_unstable();
                radix_sort(&mut keys, &mut scratch, false);
                assert_eq!(keys, expected, "{count} keys of shape {shape}");
                // Keys in order of their low halves need only the high ones sorted.
                keys.sort_unstable_by_key(|&k| halves(k).1);
                radix_sort(&mut keys, &mut scratch, true);
                assert_eq!(keys, expected, "{count} keys of shape {shape}");
            }
        }
    }

    #[test]
    fn keys_pushed_in_order_of_their_low_halves_come_back_sorted() {
        // As shingles come: low halves (rows) ascending, repeated, in
        // segments on disk and in memory; then one out of order.
        for segment in [37usize, 300, 100_000] {
            let mut sorter = KeySorter::new(segment, &std::env::temp_dir());
            let mut expected = Vec::new();
            for i in 0..3000u64 {
                let k = key((i * 7919) % 97, i / 3);
                sorter.push(k).unwrap();
                expected.push(k);
            }
            let late = key(5, 1);
            sorter.push(late).unwrap();
            expected.push(late);
            expected.sort_unstable();
            assert_eq!(
                all(sorter.sorted().unwrap()),
                expected,
                "segments of {segment}"
            );
        }
    }

    #[test]
    fn a_key_is_its_two_halves() {
        let k = key(3, u64::MAX);
        assert_eq!(halves(k), (3, u64::MAX));
        assert!(key(3, u64::MAX) < key(4, 0));
    }

    #[test]
    fn varints_round_trip_at_every_length() {
        let mut bytes = Vec::new();
        let values: Vec<u64> = (0..64).map(|s| 1u64 << s).chain([0, u64::MAX]).collect();
        for &v in &values {
            put_varint(&mut bytes, v);
        }
        let mut at = 0;
        for &v in &values {
            assert_eq!(get_varint(&bytes, &mut at), Some(v));
        }
        assert_eq!(at, bytes.len());
        assert_eq!(get_varint(&[0x80], &mut 0), None);
    }
}
