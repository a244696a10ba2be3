//! Tokens with byte offsets.

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
    let mut tokens = Vec::with_capacity(text.len() / 5);
    let bytes = text.as_bytes();
    let mut start = 0;
    while start < bytes.len() {
        let b = bytes[start];
        // ASCII is most of news text: its bytes are sorted by one table
        // lookup, and a char is decoded only when the byte is not ASCII.
        if b < 0x80 {
            if !ASCII_ALNUM[usize::from(b)] {
                if !matches!(b, b' ' | b'\t'..=b'\r') {
                    tokens.push(Token::new(start, start + 1, TokenKind::Punct));
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
                    tokens.push(Token::new(start, start + len, TokenKind::Punct));
                }
                start += len;
                continue;
            }
        }
        if b.is_ascii_digit() {
            start = push_number(text, start, &mut tokens);
            continue;
        }
        let (end, inner_hyphen) = scan_word(text, start);
        match possessive_split(&bytes[start..end]).map(|at| start + at) {
            Some(split) => {
                tokens.push(Token {
                    inner_hyphen,
                    ..Token::new(start, split, TokenKind::Word)
                });
                tokens.push(Token::new(split, end, TokenKind::Word));
            }
            None => tokens.push(Token {
                inner_hyphen,
                ..Token::new(start, end, TokenKind::Word)
            }),
        }
        start = end;
    }
    tokens
}

/// Pushes the number (or number-led word) that starts with the ASCII digit
/// at `start`; gives the offset after it.
fn push_number(text: &str, start: usize, tokens: &mut Vec<Token>) -> usize {
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
    tokens.push(Token::new(start, end, kind));
    end
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
fn scan_word(text: &str, start: usize) -> (usize, bool) {
    let bytes = text.as_bytes();
    // Acronym: single letters each followed by a dot, at least two of them.
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
        // "U.N.-recognised" stays one word.
        if i + 1 < bytes.len() && bytes[i] == b'-' && bytes[i + 1].is_ascii_alphabetic() {
            return (scan_word(text, i + 1).0.max(i), true);
        }
        return (i, false);
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
