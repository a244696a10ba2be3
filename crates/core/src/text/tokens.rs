//! Tokens with byte offsets.

use super::numbers::may_start_number_bytes;
use crate::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// Letters (and digits inside words), with inner hyphens and apostrophes:
    /// "year-long", "don't", "19th", "U.N.".
    Word,
    /// Digits, with thousands separators and a decimal point: "1,000", "2.5".
    Number,
    /// Anything else, one character at a time: "." "“" "%" "$".
    Punct,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Token {
    pub span: Span,
    pub kind: TokenKind,
    /// A word whose parts are joined by a hyphen ('-', U+2010 or U+2011):
    /// "well-known", "COVID-19", "U.N.-recognised". Known from the scan that
    /// found the word, so readers need not look for hyphens again.
    pub inner_hyphen: bool,
}

impl Token {
    fn new(start: usize, end: usize, kind: TokenKind) -> Token {
        Token {
            span: Span::new(start, end),
            kind,
            inner_hyphen: false,
        }
    }
}

/// ASCII letters and digits: the bytes most words are made of, looked up
/// in one load instead of a chain of range tests.
const ASCII_ALNUM: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    table
};

/// General punctuation (curly quotes, dashes, thin spaces) is most of the
/// non-ASCII text in news: a range test answers for it without Unicode's
/// tables. The block holds no letter, digit or combining mark.
fn general_punctuation(c: char) -> bool {
    ('\u{2000}'..='\u{206F}').contains(&c)
}

fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    !general_punctuation(c) && (c.is_alphanumeric() || is_mark(c))
}

fn is_space(c: char) -> bool {
    if general_punctuation(c) {
        return matches!(
            c,
            '\u{2000}'..='\u{200A}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}'
        );
    }
    c.is_whitespace()
}

/// Combining marks belong to the letter before them (decomposed "Çavuşoğlu").
fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}')
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

/// The char at byte `at` (a char boundary) and its length; ASCII without decoding.
fn char_at(text: &str, at: usize) -> Option<(char, usize)> {
    let &b = text.as_bytes().get(at)?;
    if b < 0x80 {
        return Some((b as char, 1));
    }
    let c = text[at..].chars().next()?;
    Some((c, c.len_utf8()))
}

/// Splits `text` into tokens. Possessive "’s" becomes its own word token, so
/// "Haftar’s" gives "Haftar" and "’s".
pub fn tokenize(text: &str) -> Vec<Token> {
    scan(text).tokens
}

/// Tokens, and the few of them that the sentence splitter and the number
/// reader must look at, found in the tokenizer's one pass over the text so
/// that neither walks every token again.
pub(crate) struct Scanned {
    pub tokens: Vec<Token>,
    /// The tokens that end in '.', '!', '?' or '…', by index: the only ones
    /// that can end a sentence.
    pub sentence_marks: Vec<u32>,
    /// Digit tokens and the words that may begin a number word, by index.
    pub number_starts: Vec<u32>,
}

impl Scanned {
    /// Inlined at each call, where the token's kind is known: a call per
    /// token cost more than the work.
    #[inline(always)]
    fn push(&mut self, bytes: &[u8], token: Token) {
        let index = self.tokens.len() as u32;
        let (start, end) = (token.span.start as usize, token.span.end as usize);
        if is_sentence_mark(bytes[end - 1]) {
            self.sentence_marks.push(index);
        }
        let may_start_number = match token.kind {
            TokenKind::Number => true,
            TokenKind::Word => may_start_number_bytes(&bytes[start..end]),
            TokenKind::Punct => false,
        };
        if may_start_number {
            self.number_starts.push(index);
        }
        self.tokens.push(token);
    }
}

/// The last byte of a token that may end a sentence: '.', '!', '?' or the
/// last byte of '…' (a few other chars end in it too; the splitter checks).
pub(crate) fn is_sentence_mark(last: u8) -> bool {
    matches!(last, b'.' | b'!' | b'?' | 0xA6)
}

/// Tokenizes `text` (see [`tokenize`]) and marks the tokens that may end a
/// sentence or begin a number.
pub(crate) fn scan(text: &str) -> Scanned {
    let mut out = Scanned {
        tokens: Vec::with_capacity(text.len() / 5),
        sentence_marks: Vec::with_capacity(text.len() / 100),
        number_starts: Vec::with_capacity(text.len() / 40),
    };
    let bytes = text.as_bytes();
    let mut start = 0;
    while start < bytes.len() {
        let b = bytes[start];
        // ASCII is most of news text: its bytes are sorted by one table
        // lookup, and a char is decoded only when the byte is not ASCII.
        if b < 0x80 {
            if !ASCII_ALNUM[usize::from(b)] {
                if !matches!(b, b' ' | b'\t'..=b'\r') {
                    out.push(bytes, Token::new(start, start + 1, TokenKind::Punct));
                }
                start += 1;
                continue;
            }
        } else {
            let Some((c, len)) = char_at(text, start) else {
                break;
            };
            if !is_word_char(c) {
                if !is_space(c) {
                    out.push(bytes, Token::new(start, start + len, TokenKind::Punct));
                }
                start += len;
                continue;
            }
        }
        if b.is_ascii_digit() {
            let token = scan_number_token(text, start);
            start = token.span.end as usize;
            out.push(bytes, token);
            continue;
        }
        let (end, inner_hyphen) = scan_word(text, start);
        match possessive_split(&bytes[start..end]).map(|at| start + at) {
            Some(split) => {
                let word = Token {
                    inner_hyphen,
                    ..Token::new(start, split, TokenKind::Word)
                };
                out.push(bytes, word);
                out.push(bytes, Token::new(split, end, TokenKind::Word));
            }
            None => {
                let word = Token {
                    inner_hyphen,
                    ..Token::new(start, end, TokenKind::Word)
                };
                out.push(bytes, word);
            }
        }
        start = end;
    }
    out
}

/// The number (or number-led word) that starts with the ASCII digit at `start`.
fn scan_number_token(text: &str, start: usize) -> Token {
    let bytes = text.as_bytes();
    let end = scan_number(bytes, start);
    // "01.02.2015" (a day-first date) is one word, not the number
    // "01.02" and a sentence that starts "2015".
    let end = dotted_date_end(bytes, start, end).unwrap_or(end);
    // "19th", "3D", "G7" are words.
    let mut end_word = end;
    while let Some((_, len)) = char_at(text, end_word).filter(|&(c, _)| c.is_alphabetic()) {
        end_word += len;
    }
    let dotted = bytes[start..end].iter().filter(|&&b| b == b'.').count() == 2;
    let (end, kind) = if end_word > end || dotted {
        (end_word, TokenKind::Word)
    } else {
        (end, TokenKind::Number)
    };
    Token::new(start, end, kind)
}

/// Where a possessive "'s" / "’s" / "ʼs" begins in `word`, when the word has
/// something before it ("’s" alone stays whole). Decided on bytes: this runs
/// on every word of a corpus.
fn possessive_split(word: &[u8]) -> Option<usize> {
    let (&last, rest) = word.split_last()?;
    if last | 0x20 != b's' {
        return None;
    }
    let apostrophe = ["'", "\u{2019}", "\u{02BC}"]
        .iter()
        .find(|a| rest.ends_with(a.as_bytes()))?;
    let at = rest.len() - apostrophe.len();
    (at > 0).then_some(at)
}

/// Digits with "," thousands groups (exactly three digits after each comma)
/// and one decimal point followed by a digit.
fn scan_number(bytes: &[u8], start: usize) -> usize {
    let mut i = start;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
    }
    loop {
        let group = i + 4 <= bytes.len()
            && bytes[i] == b','
            && bytes[i + 1..i + 4].iter().all(u8::is_ascii_digit)
            && bytes.get(i + 4).is_none_or(|b| !b.is_ascii_digit());
        if group {
            i += 4;
        } else {
            break;
        }
    }
    if i + 1 < bytes.len() && bytes[i] == b'.' && bytes[i + 1].is_ascii_digit() {
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
    }
    i
}

/// The end of "D.M.YYYY" (one or two digits, a dot, one or two digits, a dot,
/// two or four digits) when the number scanned from `start` to `end` is its
/// first two parts.
fn dotted_date_end(bytes: &[u8], start: usize, end: usize) -> Option<usize> {
    let number = &bytes[start..end];
    let dot = number.iter().position(|&b| b == b'.')?;
    let (day, month) = (&number[..dot], &number[dot + 1..]);
    if !(1..=2).contains(&day.len()) || !(1..=2).contains(&month.len()) {
        return None;
    }
    let rest = bytes.get(end..)?;
    let year = rest
        .iter()
        .skip(1)
        .take_while(|b| b.is_ascii_digit())
        .count();
    (rest.first() == Some(&b'.') && matches!(year, 2 | 4)).then_some(end + 1 + year)
}

/// A word: word characters, joined by single inner hyphens or apostrophes,
/// or an acronym with dots ("U.N.", "e.g."). Gives its end and whether a
/// hyphen joined two of its parts.
#[inline(always)]
fn scan_word(text: &str, start: usize) -> (usize, bool) {
    let bytes = text.as_bytes();
    // Only a letter and a dot can begin an acronym.
    if bytes.get(start + 1) == Some(&b'.') {
        if let Some(acronym) = scan_acronym(text, start) {
            return acronym;
        }
    }
    let mut i = start;
    let mut hyphen = false;
    loop {
        // The common case: a run of ASCII letters and digits.
        while i < bytes.len() && ASCII_ALNUM[usize::from(bytes[i])] {
            i += 1;
        }
        let Some(&b) = bytes.get(i) else {
            break;
        };
        // No other ASCII byte is a word character, and only these two join.
        if b < 0x80 && b != b'\'' && b != b'-' {
            break;
        }
        let Some((c, len)) = char_at(text, i) else {
            break;
        };
        if b >= 0x80 && is_word_char(c) {
            i += len;
            continue;
        }
        // An inner apostrophe or hyphen joins two runs of word characters
        // (the loop only gets here right after a word character).
        let joiner_is_hyphen = is_hyphen(c);
        let joins = (joiner_is_hyphen || is_apostrophe(c))
            && char_at(text, i + len).is_some_and(|(next, _)| is_word_char(next));
        if !joins {
            break;
        }
        hyphen |= joiner_is_hyphen;
        i += len;
    }
    (i, hyphen)
}

/// An acronym: single letters each followed by a dot, at least two of them
/// ("U.N.", "e.g."); its end and whether a hyphen joins a word to it.
#[inline(never)]
fn scan_acronym(text: &str, start: usize) -> Option<(usize, bool)> {
    let bytes = text.as_bytes();
    let mut i = start;
    let mut letters = 0;
    while i + 1 < bytes.len() && bytes[i].is_ascii_alphabetic() && bytes[i + 1] == b'.' {
        letters += 1;
        i += 2;
        if bytes.get(i).is_none_or(|b| !b.is_ascii_alphabetic())
            || bytes.get(i + 1).is_some_and(u8::is_ascii_alphanumeric)
        {
            break;
        }
    }
    if letters < 2 {
        return None;
    }
    // "U.N.-recognised" stays one word.
    if i + 1 < bytes.len() && bytes[i] == b'-' && bytes[i + 1].is_ascii_alphabetic() {
        return Some((scan_word(text, i + 1).0.max(i), true));
    }
    Some((i, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        tokenize(text).iter().map(|t| t.span.slice(text)).collect()
    }

    #[test]
    fn news_tokens() {
        assert_eq!(
            words("Haftar’s forces purged 90% of the country"),
            ["Haftar", "’s", "forces", "purged", "90", "%", "of", "the", "country"]
        );
        assert_eq!(
            words("the U.N.-recognised GNA"),
            ["the", "U.N.-recognised", "GNA"]
        );
        assert_eq!(words("the U.N. envoy"), ["the", "U.N.", "envoy"]);
        assert_eq!(
            words("a ten-month-long offensive"),
            ["a", "ten-month-long", "offensive"]
        );
        assert_eq!(
            words("1,000 people, 2.5 million"),
            ["1,000", "people", ",", "2.5", "million"]
        );
        assert_eq!(words("February 19th."), ["February", "19th", "."]);
        assert_eq!(
            words("Sun 01.02.2015 Ten killed"),
            ["Sun", "01.02.2015", "Ten", "killed"]
        );
        assert_eq!(words("on 5.10.16."), ["on", "5.10.16", "."]);
        // A decimal stays a number, and a dotted run that is no date is not joined.
        assert_eq!(words("2.5."), ["2.5", "."]);
        assert_eq!(words("1.5.300"), ["1.5", ".", "300"]);
        assert_eq!(words("a 76-year-old"), ["a", "76", "-", "year-old"]);
        assert_eq!(words("don't stop"), ["don't", "stop"]);
        assert_eq!(
            words("“Turkish invaders,”"),
            ["“", "Turkish", "invaders", ",", "”"]
        );
    }

    #[test]
    fn number_kinds() {
        let kinds: Vec<TokenKind> = tokenize("1,970 and 80 000 in 2020, 1,00")
            .iter()
            .map(|t| t.kind)
            .collect();
        use TokenKind::*;
        assert_eq!(
            kinds,
            [Number, Word, Number, Number, Word, Number, Punct, Number, Punct, Number]
        );
    }

    #[test]
    fn no_panic_on_odd_text() {
        for text in [
            "", "'", "-", "U.", "a.", "1,", "1.", "’s", "x’", "e\u{301}", "9,999,", "A.B.-",
        ] {
            let tokens = tokenize(text);
            for t in tokens {
                assert!(text.get(t.span.range()).is_some());
            }
        }
    }
}

/// The tokenizer before its table-driven fast path, kept to check that the
/// fast path tokenizes real text exactly as it did.
#[cfg(test)]
mod reference {
    use super::{dotted_date_end, possessive_split, scan_number};
    use crate::Span;

    fn is_word_char(c: char) -> bool {
        c.is_alphanumeric()
            || matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
    }

    fn joiner(c: char) -> bool {
        matches!(
            c,
            '\'' | '\u{2019}' | '\u{02BC}' | '-' | '\u{2010}' | '\u{2011}'
        )
    }

    /// `(span, is a word, is a number)` of every token, char by char.
    pub fn tokenize(text: &str) -> Vec<(Span, bool, bool)> {
        let mut tokens = Vec::new();
        let bytes = text.as_bytes();
        let mut start = 0;
        while start < bytes.len() {
            let c = text[start..].chars().next().expect("char boundary");
            if c.is_whitespace() {
                start += c.len_utf8();
                continue;
            }
            if c.is_ascii_digit() {
                let end = scan_number(bytes, start);
                let end = dotted_date_end(bytes, start, end).unwrap_or(end);
                let mut end_word = end;
                while let Some(ch) = text[end_word..]
                    .chars()
                    .next()
                    .filter(|c| c.is_alphabetic())
                {
                    end_word += ch.len_utf8();
                }
                let dotted = bytes[start..end].iter().filter(|&&b| b == b'.').count() == 2;
                let word = end_word > end || dotted;
                let end = if word { end_word } else { end };
                tokens.push((Span::new(start, end), word, !word));
                start = end;
                continue;
            }
            if !is_word_char(c) {
                tokens.push((Span::new(start, start + c.len_utf8()), false, false));
                start += c.len_utf8();
                continue;
            }
            let end = scan_word(text, start);
            match possessive_split(&bytes[start..end]).map(|at| start + at) {
                Some(split) => {
                    tokens.push((Span::new(start, split), true, false));
                    tokens.push((Span::new(split, end), true, false));
                }
                None => tokens.push((Span::new(start, end), true, false)),
            }
            start = end;
        }
        tokens
    }

    fn scan_word(text: &str, start: usize) -> usize {
        let bytes = text.as_bytes();
        let mut i = start;
        let mut letters = 0;
        while i + 1 < bytes.len() && bytes[i].is_ascii_alphabetic() && bytes[i + 1] == b'.' {
            letters += 1;
            i += 2;
            if bytes.get(i).is_none_or(|b| !b.is_ascii_alphabetic())
                || bytes.get(i + 1).is_some_and(u8::is_ascii_alphanumeric)
            {
                break;
            }
        }
        if letters >= 2 {
            if i + 1 < bytes.len() && bytes[i] == b'-' && bytes[i + 1].is_ascii_alphabetic() {
                return scan_word(text, i + 1).max(i);
            }
            return i;
        }
        let mut end = start;
        let mut i = start;
        while let Some(c) = text[i..].chars().next() {
            if is_word_char(c) {
                i += c.len_utf8();
                end = i;
            } else if joiner(c)
                && end == i
                && text[i + c.len_utf8()..]
                    .chars()
                    .next()
                    .is_some_and(is_word_char)
            {
                i += c.len_utf8();
            } else {
                break;
            }
        }
        end
    }
}

#[cfg(test)]
mod fast_path_tests {
    use super::*;
    use crate::testing;

    fn same_as_reference(text: &str) {
        let fast: Vec<(Span, bool, bool)> = tokenize(text)
            .iter()
            .map(|t| {
                (
                    t.span,
                    t.kind == TokenKind::Word,
                    t.kind == TokenKind::Number,
                )
            })
            .collect();
        assert_eq!(fast, reference::tokenize(text), "in {text:?}");
    }

    #[test]
    fn real_text_tokenizes_as_the_char_by_char_reference_does() {
        for text in testing::real_texts() {
            same_as_reference(&text);
            // The same text with Windows line ends.
            same_as_reference(&text.replace('\n', "\r\n"));
        }
    }

    #[test]
    fn unicode_crlf_and_curly_quotes() {
        let text = "“Çavuşoğlu’s well‑known plan,” he said.\r\n\
            Zürich — 2,500 people… ‘It’s over’\u{2009}now\u{a0}e\u{301}t\u{e9}.\r\n\
            \u{feff}x\u{200b}y K\u{212a} ½ 3½ ٣ ⁰ COVID‐19";
        same_as_reference(text);
        let words: Vec<&str> = tokenize(text).iter().map(|t| t.span.slice(text)).collect();
        assert_eq!(
            &words[..9],
            [
                "“",
                "Çavuşoğlu",
                "’s",
                "well‑known",
                "plan",
                ",",
                "”",
                "he",
                "said"
            ]
        );
        assert!(words.contains(&"e\u{301}t\u{e9}"));
        assert!(words.contains(&"COVID‐19"));
    }

    #[test]
    fn the_general_punctuation_shortcut_agrees_with_unicode() {
        for c in (0x80..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(is_space(c), c.is_whitespace(), "{c:?}");
            let slow = c.is_alphanumeric()
                || matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F);
            assert_eq!(is_word_char(c), slow, "{c:?}");
        }
        for b in 0..0x80u8 {
            assert_eq!(ASCII_ALNUM[usize::from(b)], (b as char).is_alphanumeric());
        }
    }

    #[test]
    fn a_word_is_flagged_exactly_when_it_holds_a_hyphen() {
        // So a reader may ask the flag instead of looking into the word.
        for text in testing::real_texts() {
            for token in tokenize(&text) {
                let holds = token
                    .span
                    .slice(&text)
                    .contains(['-', '\u{2010}', '\u{2011}']);
                let expected = holds && token.kind == TokenKind::Word;
                assert_eq!(
                    token.inner_hyphen,
                    expected,
                    "{:?}",
                    token.span.slice(&text)
                );
            }
        }
    }

    #[test]
    fn the_hyphen_flag_fits_in_the_token_s_padding() {
        // Every document holds a token per five bytes or so: keep them small.
        assert_eq!(std::mem::size_of::<Token>(), 12);
    }

    #[test]
    fn inner_hyphens_are_flagged() {
        let text = "A well-known COVID-19 test, the U.N.-recognised GNA, a 76-year-old \
            man, a ten\u{2011}month siege - and don't-care Haftar’s well-wishers’s - x-";
        let flagged: Vec<&str> = tokenize(text)
            .iter()
            .filter(|t| t.inner_hyphen)
            .map(|t| t.span.slice(text))
            .collect();
        assert_eq!(
            flagged,
            [
                "well-known",
                "COVID-19",
                "U.N.-recognised",
                "year-old",
                "ten\u{2011}month",
                "don't-care",
                "well-wishers"
            ]
        );
    }

    #[test]
    fn the_marks_found_while_tokenizing_are_the_ones_the_readers_would_find() {
        for text in testing::real_texts() {
            let scanned = scan(&text);
            let bytes = text.as_bytes();
            let marks: Vec<u32> = (0..scanned.tokens.len() as u32)
                .filter(|&i| {
                    let end = scanned.tokens[i as usize].span.end as usize;
                    is_sentence_mark(bytes[end - 1])
                })
                .collect();
            assert_eq!(scanned.sentence_marks, marks);
            let starts: Vec<u32> = (0..scanned.tokens.len() as u32)
                .filter(|&i| super::super::numbers::may_start(&text, &scanned.tokens[i as usize]))
                .collect();
            assert_eq!(scanned.number_starts, starts);
        }
    }
}
