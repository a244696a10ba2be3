//! Word-list prefilters of the tagger and the event rules. The document's
//! lower-cased tokens and the windows on them are core's
//! (`newslens_core::text::words`).

/// A slot (of 1,024) for a word's first and last bytes, for tables that
/// rule most words out of a word list before hashing them; words that share
/// a slot only cost a look-up that fails.
pub fn ends_slot(first: u8, last: u8) -> usize {
    ((usize::from(first) << 5) ^ usize::from(last)) & 1023
}
