//! Numbers in digits, words and vague quantities, read from tokens.

use super::tokens::{Token, TokenKind};
use crate::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NumberForm {
    /// "1,000", "80 000", "2.5", "1.2 million".
    Digits,
    /// "twenty-three", "a dozen", "five hundred", "two million".
    Words,
    /// "several", "dozens", "scores", "hundreds", "thousands", "tens of thousands":
    /// `value` is the lower bound the word asserts (see [`VAGUE`]).
    Vague,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Number {
    pub span: Span,
    pub value: f64,
    pub form: NumberForm,
}

/// Vague quantity words and the least each one asserts: "dozens" is at least
/// two dozen, "hundreds" at least two hundred, and so on.
pub const VAGUE: &[(&str, f64)] = &[
    ("several", 3.0),
    ("tens", 20.0),
    ("dozens", 24.0),
    ("scores", 40.0),
    ("hundreds", 200.0),
    ("thousands", 2_000.0),
    ("millions", 2_000_000.0),
];

const UNITS: &[(&str, f64)] = &[
    ("zero", 0.0),
    ("one", 1.0),
    ("two", 2.0),
    ("three", 3.0),
    ("four", 4.0),
    ("five", 5.0),
    ("six", 6.0),
    ("seven", 7.0),
    ("eight", 8.0),
    ("nine", 9.0),
    ("ten", 10.0),
    ("eleven", 11.0),
    ("twelve", 12.0),
    ("thirteen", 13.0),
    ("fourteen", 14.0),
    ("fifteen", 15.0),
    ("sixteen", 16.0),
    ("seventeen", 17.0),
    ("eighteen", 18.0),
    ("nineteen", 19.0),
];

const TENS: &[(&str, f64)] = &[
    ("twenty", 20.0),
    ("thirty", 30.0),
    ("forty", 40.0),
    ("fifty", 50.0),
    ("sixty", 60.0),
    ("seventy", 70.0),
    ("eighty", 80.0),
    ("ninety", 90.0),
];

const SCALES: &[(&str, f64)] = &[
    ("hundred", 100.0),
    ("thousand", 1_000.0),
    ("million", 1_000_000.0),
    ("billion", 1_000_000_000.0),
];

fn lookup(table: &[(&str, f64)], word: &str) -> Option<f64> {
    table
        .iter()
        .find(|(w, _)| w.eq_ignore_ascii_case(word))
        .map(|&(_, v)| v)
}

/// "twenty-three", "seven", "ninety": a number word below a hundred.
fn small_number(word: &str) -> Option<f64> {
    if let Some(v) = lookup(UNITS, word).or_else(|| lookup(TENS, word)) {
        return Some(v);
    }
    let (tens, unit) = word.split_once(['-', '\u{2010}', '\u{2011}'])?;
    let tens = lookup(TENS, tens)?;
    let unit = lookup(UNITS, unit).filter(|&u| (1.0..10.0).contains(&u))?;
    Some(tens + unit)
}

/// A digit token's value. Runs on every number of a corpus, so the commas
/// are dropped into a buffer on the stack rather than a new `String`.
fn parse_digits(s: &str) -> Option<f64> {
    if !s.contains(',') {
        return s.parse().ok();
    }
    let mut buffer = [0u8; 64];
    let mut len = 0;
    for b in s.bytes().filter(|&b| b != b',') {
        let Some(slot) = buffer.get_mut(len) else {
            return s.replace(',', "").parse().ok();
        };
        *slot = b;
        len += 1;
    }
    std::str::from_utf8(&buffer[..len]).ok()?.parse().ok()
}

/// Words that can begin a number, as [`may_start_number`] reads them.
const STARTS: &[&str] = &[
    "a",
    "an",
    "half",
    "tens",
    "hundreds",
    "several",
    "dozens",
    "scores",
    "thousands",
    "millions",
];

/// For each first letter and second letter (26: none), a bit for each word
/// length that a number word (or one joined by a hyphen to another word)
/// with those letters can have: "the", "and", "on" and most other words fail
/// this one lookup.
const OPENINGS: [[u16; 27]; 26] = openings();

const fn openings() -> [[u16; 27]; 26] {
    const fn add(table: &mut [[u16; 27]; 26], word: &str, hyphenated: bool) {
        let bytes = word.as_bytes();
        let second = if bytes.len() > 1 { bytes[1] - b'a' } else { 26 };
        // A hyphenated form ("twenty-three", "one-third") can be any longer.
        let last = if hyphenated { 14 } else { bytes.len() };
        let mut len = bytes.len();
        while len <= last {
            table[(bytes[0] - b'a') as usize][second as usize] |= 1 << len;
            len += 1;
        }
    }
    let mut table = [[0u16; 27]; 26];
    let mut i = 0;
    while i < STARTS.len() {
        add(&mut table, STARTS[i], false);
        i += 1;
    }
    let mut i = 0;
    while i < UNITS.len() {
        add(&mut table, UNITS[i].0, true);
        i += 1;
    }
    let mut i = 0;
    while i < TENS.len() {
        add(&mut table, TENS[i].0, true);
        i += 1;
    }
    table
}

/// A cheap test, without allocating, that a word can begin a number:
/// most words cannot, and this runs on every word of a corpus.
pub(crate) fn may_start_number(word: &str) -> bool {
    may_start_number_bytes(word.as_bytes())
}

/// Each ASCII letter's place in the alphabet (either case); 255 for any other byte.
const LETTER: [u8; 256] = {
    let mut table = [255u8; 256];
    let mut b = 0;
    while b < 26 {
        table[b'a' as usize + b] = b as u8;
        table[b'A' as usize + b] = b as u8;
        b += 1;
    }
    table
};

/// [`may_start_number`] on the word's bytes. The first two letters and the
/// length stop almost every word in one table lookup, inlined into the
/// tokenizer's loop; the few others are compared in full.
#[inline]
pub(crate) fn may_start_number_bytes(bytes: &[u8]) -> bool {
    let Some(&first) = bytes.first() else {
        return false;
    };
    let first = LETTER[usize::from(first)];
    let second = bytes.get(1).map_or(26, |&b| LETTER[usize::from(b)]);
    if first == 255 || second == 255 || bytes.len() > 14 {
        return false;
    }
    OPENINGS[usize::from(first)][usize::from(second)] >> bytes.len() & 1 == 1
        && is_number_opening(bytes)
}

/// The full test of [`may_start_number`] for a word that passed its table.
#[inline(never)]
fn is_number_opening(bytes: &[u8]) -> bool {
    if !bytes.is_ascii() {
        return false;
    }
    let mut buffer = [0u8; 14];
    for (slot, b) in buffer.iter_mut().zip(bytes) {
        *slot = b.to_ascii_lowercase();
    }
    let lower = &buffer[..bytes.len()];
    let head = lower
        .iter()
        .position(|&b| b == b'-')
        .map_or(lower, |i| &lower[..i]);
    matches!(
        lower,
        b"a" | b"an"
            | b"half"
            | b"tens"
            | b"hundreds"
            | b"several"
            | b"dozens"
            | b"scores"
            | b"thousands"
            | b"millions"
    ) || matches!(
        head,
        b"zero"
            | b"one"
            | b"two"
            | b"three"
            | b"four"
            | b"five"
            | b"six"
            | b"seven"
            | b"eight"
            | b"nine"
            | b"ten"
            | b"eleven"
            | b"twelve"
            | b"thirteen"
            | b"fourteen"
            | b"fifteen"
            | b"sixteen"
            | b"seventeen"
            | b"eighteen"
            | b"nineteen"
            | b"twenty"
            | b"thirty"
            | b"forty"
            | b"fifty"
            | b"sixty"
            | b"seventy"
            | b"eighty"
            | b"ninety"
    )
}

/// `word` lower-cased into `buffer` when it is ASCII and fits; otherwise
/// "", which no number word equals.
fn ascii_lowercase<'b>(word: &str, buffer: &'b mut [u8; 14]) -> &'b str {
    let Some(slot) = buffer.get_mut(..word.len()) else {
        return "";
    };
    slot.copy_from_slice(word.as_bytes());
    slot.make_ascii_lowercase();
    std::str::from_utf8(slot).unwrap_or("")
}

/// Reads numbers from tokens. Each token belongs to at most one number.
pub fn numbers(text: &str, tokens: &[Token]) -> Vec<Number> {
    let starts: Vec<u32> = (0..tokens.len() as u32)
        .filter(|&i| may_start(text, &tokens[i as usize]))
        .collect();
    numbers_at(text, tokens, &starts)
}

/// Whether a number can begin at `token`: a digit token or a number word's
/// first word. [`numbers_at`] looks at no other token.
pub(crate) fn may_start(text: &str, token: &Token) -> bool {
    match token.kind {
        TokenKind::Number => true,
        TokenKind::Word => may_start_number(token.span.slice(text)),
        TokenKind::Punct => false,
    }
}

/// [`numbers`], given the indices of the tokens where a number may begin
/// (those [`may_start`] accepts, in order): the tokenizer finds them in its
/// own pass, so the tokens between them are never read.
pub(crate) fn numbers_at(text: &str, tokens: &[Token], starts: &[u32]) -> Vec<Number> {
    let mut out = Vec::new();
    // The first token that no number read so far has taken.
    let mut free = 0;
    for &start in starts {
        let i = start as usize;
        if i >= free {
            free = read_number(text, tokens, i, &mut out);
        }
    }
    out
}

/// Reads the number that may begin at token `i` into `out`; gives the index
/// of the first token after it (`i + 1` when there is none).
fn read_number(text: &str, tokens: &[Token], i: usize, out: &mut Vec<Number>) -> usize {
    let word = |i: usize| tokens.get(i).map_or("", |t: &Token| t.span.slice(text));
    let token = tokens[i];
    let s = token.span.slice(text);
    // Digits, "80 000" grouping, then an optional scale word.
    if token.kind == TokenKind::Number {
        let Some(mut value) = parse_digits(s) else {
            return i + 1;
        };
        let mut end = i;
        while let Some(next) = tokens.get(end + 1) {
            let gap = &text[tokens[end].span.end as usize..next.span.start as usize];
            let grouped = next.kind == TokenKind::Number
                && matches!(gap, " " | "\u{a0}" | "\u{202f}" | "\u{2009}")
                && next.span.len() == 3
                && tokens[end].span.len() <= 3
                && !tokens[end].span.slice(text).contains([',', '.'])
                && value < 1000.0 * (end - i + 1) as f64 * 1000.0;
            if !grouped {
                break;
            }
            value = value * 1000.0 + parse_digits(next.span.slice(text)).unwrap_or(0.0);
            end += 1;
        }
        if let Some(scale) =
            lookup(SCALES, word(end + 1)).filter(|&s| s >= 1_000.0 || value < 100.0)
        {
            value *= scale;
            end += 1;
        }
        out.push(Number {
            span: Span::new(token.span.start as usize, tokens[end].span.end as usize),
            value,
            form: NumberForm::Digits,
        });
        return end + 1;
    }
    if token.kind != TokenKind::Word || !may_start_number(s) {
        return i + 1;
    }
    // `may_start_number` let only short ASCII words through: lower-case
    // them on the stack.
    let mut buffer = [0u8; 14];
    let lower = ascii_lowercase(s, &mut buffer);
    // "tens of thousands", "hundreds of thousands".
    if matches!(lower, "tens" | "hundreds") && word(i + 1).eq_ignore_ascii_case("of") {
        let big = word(i + 2);
        let factor = if lower == "tens" { 20.0 } else { 200.0 };
        let unit = if big.eq_ignore_ascii_case("thousands") {
            Some(1_000.0)
        } else if big.eq_ignore_ascii_case("millions") {
            Some(1_000_000.0)
        } else {
            None
        };
        if let Some(unit) = unit {
            out.push(Number {
                span: token.span.cover(tokens[i + 2].span),
                value: factor * unit,
                form: NumberForm::Vague,
            });
            return i + 3;
        }
    }
    if let Some(value) = lookup(VAGUE, lower) {
        // "several hundred", "several thousand".
        if let Some(scale) = lookup(SCALES, word(i + 1)).filter(|_| lower == "several") {
            out.push(Number {
                span: token.span.cover(tokens[i + 1].span),
                value: value * scale,
                form: NumberForm::Vague,
            });
            return i + 2;
        }
        out.push(Number {
            span: token.span,
            value,
            form: NumberForm::Vague,
        });
        return i + 1;
    }
    // "a quarter of a million", "half a million".
    let next = word(i + 1);
    let fraction = match lower {
        "a" if next.eq_ignore_ascii_case("quarter")
            && word(i + 2).eq_ignore_ascii_case("of")
            && word(i + 3).eq_ignore_ascii_case("a") =>
        {
            Some((0.25, i + 4))
        }
        "half" if next.eq_ignore_ascii_case("a") => Some((0.5, i + 2)),
        _ => None,
    };
    if let Some((share, scale_at)) = fraction {
        if let Some(scale) = lookup(SCALES, word(scale_at)).filter(|&s| s >= 1_000.0) {
            out.push(Number {
                span: token.span.cover(tokens[scale_at].span),
                value: share * scale,
                form: NumberForm::Words,
            });
            return scale_at + 1;
        }
    }
    // "a dozen", "two dozen", "a hundred", "a thousand".
    if lower == "a" || lower == "an" {
        let base = if next.eq_ignore_ascii_case("dozen") {
            Some(12.0)
        } else {
            lookup(SCALES, next)
        };
        if let Some(base) = base {
            let (value, end) = extend_words(text, tokens, i + 1, base);
            out.push(Number {
                span: token.span.cover(tokens[end].span),
                value,
                form: NumberForm::Words,
            });
            return end + 1;
        }
        return i + 1;
    }
    if let Some(v) = small_number(lower) {
        let (mut value, mut end) = (v, i);
        if word(i + 1).eq_ignore_ascii_case("dozen") {
            value *= 12.0;
            end += 1;
        } else {
            let (v, e) = extend_words(text, tokens, i, v);
            value = v;
            end = e;
        }
        out.push(Number {
            span: token.span.cover(tokens[end].span),
            value,
            form: NumberForm::Words,
        });
        return end + 1;
    }
    i + 1
}

/// Continues a number word with scale words and "and": "five hundred and
/// twenty", "two million", "a hundred thousand".
fn extend_words(text: &str, tokens: &[Token], first: usize, first_value: f64) -> (f64, usize) {
    // Every comparison below ignores ASCII case, so the words stay as written.
    let word = |i: usize| tokens.get(i).map_or("", |t: &Token| t.span.slice(text));
    let mut total = 0.0;
    let mut current = first_value;
    let mut end = first;
    let mut i = first + 1;
    loop {
        let w = word(i);
        if let Some(scale) = lookup(SCALES, w) {
            if scale == 100.0 {
                current *= 100.0;
            } else {
                total += current * scale;
                current = 0.0;
            }
            end = i;
            i += 1;
            continue;
        }
        if w.eq_ignore_ascii_case("and") {
            if let Some(v) = small_number(word(i + 1)) {
                current += v;
                end = i + 1;
                i += 2;
                continue;
            }
        }
        if let Some(v) = small_number(w) {
            // "hundred twenty" after a scale word.
            if end > first && current % 100.0 == 0.0 {
                current += v;
                end = i;
                i += 1;
                continue;
            }
        }
        break;
    }
    (total + current, end)
}

#[cfg(test)]
mod tests {
    use super::super::tokens::tokenize;

    #[test]
    fn the_cheap_test_lets_every_number_word_through_and_stops_common_words() {
        let words = UNITS
            .iter()
            .chain(TENS)
            .map(|&(w, _)| w)
            .chain(STARTS.iter().copied());
        for word in words {
            assert!(may_start_number(word), "{word}");
            assert!(may_start_number(&word.to_uppercase()), "{word}");
        }
        for word in ["twenty-three", "Ninety-nine", "one-third", "seventy-seven"] {
            assert!(may_start_number(word), "{word}");
        }
        for word in [
            "the", "and", "on", "that", "often", "tenth", "", "-", "é", "Ü",
        ] {
            assert!(!may_start_number(word), "{word}");
        }
    }
    use super::*;

    fn check(text: &str, expected: &[(&str, f64, NumberForm)]) {
        let tokens = tokenize(text);
        let got: Vec<(&str, f64, NumberForm)> = numbers(text, &tokens)
            .iter()
            .map(|n| (n.span.slice(text), n.value, n.form))
            .collect();
        assert_eq!(got, expected, "in {text:?}");
    }

    use NumberForm::*;

    #[test]
    fn digits() {
        check("more than 1,000 people dead", &[("1,000", 1000.0, Digits)]);
        check(
            "displaced 146,000 Libyans",
            &[("146,000", 146000.0, Digits)],
        );
        check("about 80 000 refugees", &[("80 000", 80000.0, Digits)]);
        check(
            "1.2 million displaced",
            &[("1.2 million", 1_200_000.0, Digits)],
        );
        check("purged 90% of the country", &[("90", 90.0, Digits)]);
        check("FA-KES writes 1970 killed", &[("1970", 1970.0, Digits)]);
        check(
            "2,500 $ and 2.5",
            &[("2,500", 2500.0, Digits), ("2.5", 2.5, Digits)],
        );
    }

    #[test]
    fn words_and_vague() {
        check("twenty-three soldiers", &[("twenty-three", 23.0, Words)]);
        check("at least a dozen civilians", &[("a dozen", 12.0, Words)]);
        check("two dozen people", &[("two dozen", 24.0, Words)]);
        check(
            "five hundred and twenty dead",
            &[("five hundred and twenty", 520.0, Words)],
        );
        check(
            "two million refugees",
            &[("two million", 2_000_000.0, Words)],
        );
        check(
            "dozens were hurt and hundreds fled",
            &[("dozens", 24.0, Vague), ("hundreds", 200.0, Vague)],
        );
        check("left thousands dead", &[("thousands", 2000.0, Vague)]);
        check(
            "tens of thousands displaced",
            &[("tens of thousands", 20_000.0, Vague)],
        );
        check(
            "more than a quarter of a million people",
            &[("a quarter of a million", 250_000.0, Words)],
        );
        check(
            "half a million refugees",
            &[("half a million", 500_000.0, Words)],
        );
        check(
            "Several hundred Russian mercenaries",
            &[("Several hundred", 300.0, Vague)],
        );
        check("no one was hurt", &[("one", 1.0, Words)]);
    }
}

#[cfg(test)]
mod filter_tests {
    use super::*;

    #[test]
    fn the_quick_filter_lets_every_number_word_through() {
        for (word, _) in UNITS.iter().chain(TENS).chain(VAGUE) {
            assert!(may_start_number(word), "{word}");
            assert!(may_start_number(&word.to_uppercase()), "{word}");
        }
        assert!(may_start_number("twenty-three"));
        assert!(!may_start_number("ceasefire"));
    }
}
