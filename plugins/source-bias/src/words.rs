//! Word lists looked up once per token of the text. Nearly every token is in
//! none of them, so a bit per word shape (its length, first and last letter)
//! that some listed word has turns most tokens away before they are hashed.

use rustc_hash::FxHashMap;

/// Lower-case words and a value for each.
pub(crate) struct WordMap<V> {
    /// One bit per [`shape`] that some word in `words` has.
    shapes: Vec<u64>,
    words: FxHashMap<Box<str>, V>,
}

/// A word's shape: its length (31 and above alike) and the low five bits
/// of its first and last bytes, which tell the letters a to z apart; the
/// empty word's are zero. Other bytes may share a letter's bits, which only
/// lets a few more words through to the hash.
#[inline]
fn shape(word: &[u8]) -> usize {
    let low = |b: Option<&u8>| usize::from(b.map_or(0, |&b| b & 31));
    (word.len().min(31) << 10) | (low(word.first()) << 5) | low(word.last())
}

/// One bit for each of the 2^15 shapes.
const SHAPES: usize = 1 << 15;

impl<V> WordMap<V> {
    pub(crate) fn new(words: impl IntoIterator<Item = (Box<str>, V)>) -> WordMap<V> {
        let words: FxHashMap<Box<str>, V> = words.into_iter().collect();
        let mut shapes = vec![0u64; SHAPES / 64];
        for word in words.keys() {
            let bit = shape(word.as_bytes());
            shapes[bit / 64] |= 1 << (bit % 64);
        }
        WordMap { shapes, words }
    }

    #[inline]
    pub(crate) fn get(&self, word: &str) -> Option<&V> {
        let bit = shape(word.as_bytes());
        if self.shapes[bit / 64] & (1 << (bit % 64)) == 0 {
            return None;
        }
        self.words.get(word)
    }

    #[inline]
    pub(crate) fn contains(&self, word: &str) -> bool {
        self.get(word).is_some()
    }

    /// The value of `word`, added (default) if it has none.
    pub(crate) fn entry(&mut self, word: &str) -> &mut V
    where
        V: Default,
    {
        let bit = shape(word.as_bytes());
        self.shapes[bit / 64] |= 1 << (bit % 64);
        self.words.entry(word.into()).or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_its_words_and_only_those_whatever_their_shape() {
        let mut map = WordMap::new([("said".into(), 1), ("so-called".into(), 2)]);
        *map.entry("reportedly") = 3;
        assert_eq!(map.get("said"), Some(&1));
        assert_eq!(map.get("so-called"), Some(&2));
        assert_eq!(map.get("reportedly"), Some(&3));
        // Same shape as "said", or as "so-called", but not in the map.
        for word in [
            "sand",
            "seed",
            "sx-called",
            "Said",
            "s",
            "reportedly-long-word",
        ] {
            assert_eq!(map.get(word), None, "{word}");
        }
        assert_eq!(map.get(""), None);
        *map.entry("") = 4;
        assert_eq!(map.get(""), Some(&4));
        let long = "a".repeat(40);
        assert!(!map.contains(&long));
        *map.entry(&long) = 5;
        assert_eq!(map.get(&long), Some(&5));
        assert_eq!(map.get(&"a".repeat(41)), None);
    }
}
