//! Word-list prefilters of the tagger and the event rules. The document's
//! lower-cased tokens and the windows on them are core's
//! (`newslens_core::text::words`).

/// A slot (of 1,024) for a word's first and last bytes, for tables that
/// rule most words out of a word list before hashing them; words that share
/// a slot only cost a look-up that fails.
pub fn ends_slot(first: u8, last: u8) -> usize {
    ((usize::from(first) << 5) ^ usize::from(last)) & 1023
}

const SLOTS: usize = 1024;

/// The longest word a [`WordTable`] lists.
const MAX_LEN: usize = 16;

/// A word of 1 to 16 bytes as two numbers that, with its length, tell it
/// from every other word: its first and last 8 (or 4) bytes, which overlap
/// and so cover it all, or its first, middle and last byte. Comparing these
/// is two compares where comparing bytes is a call.
#[inline]
fn packed(bytes: &[u8]) -> Option<(u64, u64)> {
    let n = bytes.len();
    if n > MAX_LEN {
        return None;
    }
    if let (Some(head), Some(tail)) = (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
        return Some((u64::from_le_bytes(*head), u64::from_le_bytes(*tail)));
    }
    if let (Some(head), Some(tail)) = (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
        return Some((
            u64::from(u32::from_le_bytes(*head)),
            u64::from(u32::from_le_bytes(*tail)),
        ));
    }
    let (&first, &last) = (bytes.first()?, bytes.last()?);
    Some((
        u64::from(first) | u64::from(bytes[n / 2]) << 8 | u64::from(last) << 16,
        0,
    ))
}

/// Where a packed word starts probing a table of `bits` bits.
#[inline]
fn home(key: (u64, u64), len: usize, bits: u32) -> usize {
    let mixed = (key.0.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ key.1 ^ len as u64)
        .wrapping_mul(0xD6E8_FEB8_6659_FD93);
    (mixed >> (64 - bits)) as usize
}

/// A fixed word list with a value per word. The slot of a word's first
/// and last bytes ([`ends_slot`]) and its length rule most words of a text
/// out at once; the rest are found by their packed bytes in an open-address
/// table, without hashing or comparing their bytes one by one.
pub struct WordTable<T> {
    /// Per slot, the lengths of its words (bit `len`).
    lengths: [u32; SLOTS],
    /// Per place, 1 + the index in `entries` of the word there, or 0.
    places: Vec<u16>,
    bits: u32,
    /// Each word's packed bytes, length and value.
    entries: Vec<((u64, u64), usize, T)>,
}

impl<T: Copy + Default + std::ops::BitOrAssign> WordTable<T> {
    /// The table of `words`; a word listed twice has its values or-ed.
    pub fn new(words: impl IntoIterator<Item = (&'static str, T)>) -> WordTable<T> {
        let mut entries: Vec<((u64, u64), usize, T)> = Vec::new();
        let mut lengths = [0u32; SLOTS];
        for (word, value) in words {
            let bytes = word.as_bytes();
            let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
                continue;
            };
            let key = packed(bytes).expect("a listed word has at most 16 bytes");
            lengths[ends_slot(first, last)] |= 1 << bytes.len();
            match entries
                .iter_mut()
                .find(|(k, len, _)| *k == key && *len == bytes.len())
            {
                Some((_, _, v)) => *v |= value,
                None => entries.push((key, bytes.len(), value)),
            }
        }
        // At most a quarter full, so that a probe ends in a step or two.
        let bits = (entries.len() * 4)
            .next_power_of_two()
            .trailing_zeros()
            .max(4);
        let mut places = vec![0u16; 1 << bits];
        for (index, &(key, len, _)) in entries.iter().enumerate() {
            let mut at = home(key, len, bits);
            while places[at] != 0 {
                at = (at + 1) & ((1 << bits) - 1);
            }
            places[at] = u16::try_from(index + 1).expect("a word list of fewer than 65,535 words");
        }
        WordTable {
            lengths,
            places,
            bits,
            entries,
        }
    }

    /// The value of `word`, the default when it is not listed.
    #[inline]
    pub fn get(&self, word: &str) -> T {
        let bytes = word.as_bytes();
        let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
            return T::default();
        };
        if bytes.len() > MAX_LEN || self.lengths[ends_slot(first, last)] & (1 << bytes.len()) == 0 {
            return T::default();
        }
        let Some(key) = packed(bytes) else {
            return T::default();
        };
        let mask = self.places.len() - 1;
        let mut at = home(key, bytes.len(), self.bits);
        loop {
            let place = usize::from(self.places[at]);
            let Some(&(k, len, value)) = place.checked_sub(1).and_then(|i| self.entries.get(i))
            else {
                return T::default();
            };
            if k == key && len == bytes.len() {
                return value;
            }
            at = (at + 1) & mask;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::WordTable;

    #[test]
    fn a_word_table_finds_its_words_and_only_them() {
        // "day" and "dry" share a slot and a length; "days" shares the slot's
        // first byte only; "quarter"/"quartet" differ in a byte only the
        // packed tail reads, "yesterday"/"yesterdays" in length.
        let table = WordTable::new([
            ("day", 1u8),
            ("dry", 2),
            ("the", 4),
            ("day", 8),
            ("quarter", 16),
            ("yesterday", 32),
            ("a", 64),
        ]);
        assert_eq!(table.get("quartet"), 0);
        assert_eq!(table.get("quarter"), 16);
        assert_eq!(table.get("yesterday"), 32);
        assert_eq!(table.get("yesterdays"), 0);
        assert_eq!(table.get("yesterdey"), 0);
        assert_eq!(table.get("a"), 64);
        assert_eq!(table.get("aa"), 0);
        assert_eq!(table.get("day"), 9);
        assert_eq!(table.get("dry"), 2);
        assert_eq!(table.get("the"), 4);
        assert_eq!(table.get("dey"), 0);
        assert_eq!(table.get("days"), 0);
        assert_eq!(table.get(""), 0);
        assert_eq!(table.get(&"d".repeat(40)), 0);
    }
}
