//! Matching keys: text folded so that spelling variants compare equal.
//!
//! "Çavuşoğlu" and "Cavusoglu", "Kalın" and "Kalin", "Haftar’s" and
//! "Haftar's", "U.N." and "UN" all fold to the same key. Folding is only for
//! matching; spans always point into the original text, through the offset
//! map of [`FoldedText`].

/// The matching key of `s`: lower case, ASCII, straight quotes, acronym dots dropped.
pub fn fold(s: &str) -> String {
    FoldedText::new(s).text
}

/// Folded text plus the way back to original offsets.
pub struct FoldedText {
    pub text: String,
    /// Breakpoints `(folded offset, original offset)`: from a breakpoint on,
    /// folded and original advance together until the next one. News text is
    /// mostly ASCII, so there are few of them.
    breaks: Vec<(u32, u32)>,
    original_len: u32,
}

impl FoldedText {
    pub fn new(original: &str) -> FoldedText {
        let bytes = original.as_bytes();
        let mut out: Vec<u8> = Vec::with_capacity(original.len());
        let mut breaks = vec![(0u32, 0u32)];
        let mut in_acronym = false;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            // A run of plain ASCII (no dot, which may be an acronym's) goes across in one copy.
            if b < 0x80 && b != b'.' {
                let run = plain_ascii_run(&bytes[i..]);
                let from = out.len();
                out.extend_from_slice(&bytes[i..i + run]);
                out[from..].make_ascii_lowercase();
                // An acronym ("U.N.") runs on through single letters only.
                if run > 1 || !bytes[i].is_ascii_alphabetic() {
                    in_acronym = false;
                }
                i += run;
                continue;
            }
            if b < 0x80 {
                if b == b'.' && drops_acronym_dot(bytes, i, &mut in_acronym) {
                    i += 1;
                    breaks.push((out.len() as u32, i as u32));
                    continue;
                }
                if !b.is_ascii_alphabetic() {
                    in_acronym = false;
                }
                out.push(b.to_ascii_lowercase());
                i += 1;
                continue;
            }
            in_acronym = false;
            let c = original[i..]
                .chars()
                .next()
                .expect("i is on a char boundary");
            let folded: &str = match c {
                '\u{2018}' | '\u{2019}' | '\u{02BC}' | '\u{2032}' | '\u{00B4}' => "'",
                '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{00AB}' | '\u{00BB}' => "\"",
                '\u{2013}' | '\u{2014}' | '\u{2010}' | '\u{2011}' | '\u{2212}' => "-",
                '\u{00A0}' | '\u{2009}' | '\u{202F}' => " ",
                _ => deunicode::deunicode_char(c).unwrap_or(""),
            };
            // Every byte of the folded form maps back to the char's start.
            for fb in folded.bytes() {
                breaks.push((out.len() as u32, i as u32));
                out.push(fb.to_ascii_lowercase());
            }
            i += c.len_utf8();
            breaks.push((out.len() as u32, i as u32));
        }
        let text = String::from_utf8(out).unwrap_or_default();
        FoldedText {
            text,
            breaks,
            original_len: original.len() as u32,
        }
    }

    /// The original byte offset of folded byte `i` (`i` may be the end).
    pub fn original_offset(&self, i: usize) -> u32 {
        let i = i as u32;
        let k = self.breaks.partition_point(|&(f, _)| f <= i) - 1;
        // Each byte of an expanded char has its own breakpoint, so this
        // offset is exact for them too.
        let (folded, original) = self.breaks[k];
        (original + (i - folded)).min(self.original_len)
    }

    /// Maps a folded range `start..end` to the original span it covers.
    pub fn original_span(&self, start: usize, end: usize, original: &str) -> crate::Span {
        let from = self.original_offset(start) as usize;
        // The end is the original offset after the last folded byte's source char.
        let last = self.original_offset(end.saturating_sub(1).max(start)) as usize;
        let to = original[last..]
            .chars()
            .next()
            .map_or(last, |c| last + c.len_utf8());
        crate::Span::new(from, to.max(from))
    }
}

/// The length of the run of ASCII bytes other than '.' that `bytes` starts
/// with: the text that folds and hashes as it is (source-bias's shingles
/// read words through it too); tested eight bytes at a time.
pub fn plain_ascii_run(bytes: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = 0;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        let dots = word ^ (ONES * u64::from(b'.'));
        // High bit set in the bytes that are non-ASCII or a dot (the zero-byte
        // test is exact for the lowest such byte, which is all we need).
        let stops = (word | (dots.wrapping_sub(ONES) & !dots)) & HIGH;
        if stops != 0 {
            return i + (stops.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    i + bytes[i..]
        .iter()
        .position(|&c| c >= 0x80 || c == b'.')
        .unwrap_or(bytes.len() - i)
}

/// A dot in "U.N." or "U.S.-backed": a single capital letter before it that
/// starts a word or follows another such dot, and another single letter plus
/// dot after it (or it closes such a run).
fn drops_acronym_dot(bytes: &[u8], offset: usize, in_acronym: &mut bool) -> bool {
    let letter_before = offset >= 1 && bytes[offset - 1].is_ascii_uppercase();
    let starts_word =
        offset < 2 || !bytes[offset - 2].is_ascii_alphanumeric() || bytes[offset - 2] == b'.';
    if !(letter_before && starts_word) {
        *in_acronym = false;
        return false;
    }
    let continues = bytes.get(offset + 1).is_some_and(u8::is_ascii_uppercase)
        && bytes.get(offset + 2) == Some(&b'.');
    if continues {
        *in_acronym = true;
        return true;
    }
    let closes = *in_acronym;
    *in_acronym = false;
    closes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_runs_stop_at_the_first_dot_or_non_ascii_byte() {
        for text in [
            "",
            "abc",
            "abcdefgh",
            "abcdefghi.",
            "abcdefg.hijk",
            "a.",
            ".",
            "abcdefghijklmnopé",
            "é",
            "0123456789abcdef0123456789abcdef.",
            "\u{0}\u{7f}\u{1}~ .",
        ] {
            let expected = text
                .bytes()
                .position(|c| c >= 0x80 || c == b'.')
                .unwrap_or(text.len());
            assert_eq!(plain_ascii_run(text.as_bytes()), expected, "{text:?}");
        }
    }

    #[test]
    fn spelling_variants_of_the_seeds_fold_together() {
        assert_eq!(fold("Çavuşoğlu"), fold("Cavusoglu"));
        assert_eq!(fold("Mevlüt"), fold("Mevlut"));
        assert_eq!(fold("Kalın"), "kalin");
        assert_eq!(fold("İbrahim"), "ibrahim");
        assert_eq!(fold("Haftar’s"), "haftar's");
        assert_eq!(fold("U.N.-recognised"), "un-recognised");
        assert_eq!(fold("the U.N. envoy"), "the un envoy");
        assert_eq!(fold("the UN envoy"), "the un envoy");
        assert_eq!(fold("“quote”"), "\"quote\"");
    }

    #[test]
    fn sentence_full_stops_and_initials_stay() {
        assert_eq!(fold("in Libya. The"), "in libya. the");
        assert_eq!(fold("said Mr. Smith"), "said mr. smith");
        // A lone initial is not an acronym.
        assert_eq!(fold("George W. Bush"), "george w. bush");
    }

    #[test]
    fn offsets_map_back_through_many_expansions() {
        let original = "Çavuşoğlu – “Kalın” met Œuvre’s U.N. team in Zürich";
        let folded = FoldedText::new(original);
        assert_eq!(
            folded.text,
            "cavusoglu - \"kalin\" met oeuvre's un team in zurich"
        );
        let pairs = [
            ("cavusoglu", "Çavuşoğlu"),
            ("kalin", "Kalın"),
            ("oeuvre's", "Œuvre’s"),
            ("un", "U.N"),
            ("zurich", "Zürich"),
        ];
        for (word, expected) in pairs {
            let start = folded.text.find(word).unwrap();
            let span = folded.original_span(start, start + word.len(), original);
            assert_eq!(span.slice(original), expected);
        }
    }

    #[test]
    fn offsets_map_back_to_the_original() {
        let original = "Minister Çavuşoğlu said";
        let folded = FoldedText::new(original);
        let start = folded.text.find("cavusoglu").unwrap();
        let span = folded.original_span(start, start + "cavusoglu".len(), original);
        assert_eq!(span.slice(original), "Çavuşoğlu");
        let original = "the U.N. envoy";
        let folded = FoldedText::new(original);
        let start = folded.text.find("un").unwrap();
        assert_eq!(
            folded
                .original_span(start, start + 2, original)
                .slice(original),
            "U.N"
        );
    }
}
