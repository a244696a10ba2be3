//! Word lists looked up once per token of the text. Nearly every token is in
//! none of them, so a bit per word shape (its length, first, middle and last
//! letter) that some listed word has turns most tokens away before they are hashed.

use rustc_hash::FxHashMap;

/// Lower-case words and a value for each.
pub(crate) struct WordMap<V> {
    /// One bit per [`shape`] that some word in `words` has; an array, so
    /// that a shape indexes it with no bounds test.
    shapes: Box<[u64; SHAPES / 64]>,
    words: FxHashMap<Box<str>, V>,
}

/// A word's shape: its length and its first, middle and last bytes, mixed
/// down to one of [`SHAPES`]; the empty word's is zero. Other words may
/// share a listed word's shape, which only lets them through to the hash.
/// The middle letter matters: with the ends alone, one word in five of news
/// text ("have", "people") had a listed word's shape.
#[inline(always)]
pub(crate) fn shape(word: &[u8]) -> usize {
    let (Some(&first), Some(&last)) = (word.first(), word.last()) else {
        return 0;
    };
    let key = u32::from(first)
        | u32::from(word[word.len() / 2]) << 8
        | u32::from(last) << 16
        | (word.len() as u32) << 24;
    // Fibonacci hashing: the multiply carries every bit of the key into the
    // high bits kept.
    (key.wrapping_mul(0x9E37_79B1) >> (32 - SHAPE_BITS)) as usize
}

const SHAPE_BITS: u32 = 16;

/// One bit for each shape.
const SHAPES: usize = 1 << SHAPE_BITS;

impl<V> WordMap<V> {
    pub(crate) fn new(words: impl IntoIterator<Item = (Box<str>, V)>) -> WordMap<V> {
        let words: FxHashMap<Box<str>, V> = words.into_iter().collect();
        let mut shapes = Box::new([0u64; SHAPES / 64]);
        for word in words.keys() {
            let bit = shape(word.as_bytes());
            shapes[bit / 64] |= 1 << (bit % 64);
        }
        WordMap { shapes, words }
    }

    // Always inlined, and the lookup never: a call per word of the text
    // cost as much as the test itself.
    #[inline(always)]
    pub(crate) fn get(&self, word: &str) -> Option<&V> {
        if !self.may_hold(word.as_bytes()) {
            return None;
        }
        self.lookup(word)
    }

    /// Whether some word in the map has the shape of `word`: false for
    /// nearly every word of a text, known from its bytes alone.
    #[inline(always)]
    pub(crate) fn may_hold(&self, word: &[u8]) -> bool {
        self.has_shape(shape(word))
    }

    /// Whether some word in the map has the [`shape`] `bit`: for callers
    /// that test one word against several maps.
    #[inline(always)]
    pub(crate) fn has_shape(&self, bit: usize) -> bool {
        self.shapes[bit / 64] & (1 << (bit % 64)) != 0
    }

    /// The hash lookup, for the few words whose shape a listed word has.
    #[inline(never)]
    fn lookup(&self, word: &str) -> Option<&V> {
        self.words.get(word)
    }

    #[inline(always)]
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
