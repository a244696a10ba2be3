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

/// Lengths above this share one shape class.
const LONG: usize = 24;
/// Letters a to z, then one class for every other byte.
const CLASSES: usize = 27;

/// A word's shape: its length (up to [`LONG`]) and the classes of its
/// first and last bytes (the empty word's are the "other" class).
#[inline]
fn shape(word: &[u8]) -> usize {
    let class = |b: Option<&u8>| match b {
        Some(&b) if b.is_ascii_lowercase() => usize::from(b - b'a'),
        _ => CLASSES - 1,
    };
    (word.len().min(LONG) * CLASSES + class(word.first())) * CLASSES + class(word.last())
}

impl<V> WordMap<V> {
    pub(crate) fn new(words: impl IntoIterator<Item = (Box<str>, V)>) -> WordMap<V> {
        let words: FxHashMap<Box<str>, V> = words.into_iter().collect();
        let mut shapes = vec![0u64; ((LONG + 1) * CLASSES * CLASSES).div_ceil(64)];
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
