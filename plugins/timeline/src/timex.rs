//! Temporal expressions (TimeML TIMEX3): found on the core tokens, typed
//! DATE, TIME, DURATION or SET, and normalised against the publication date
//! and the date the narrative last set.

use jiff::civil::Date;
use jiff::ToSpan;
use newslens_core::text::calendar::{month_of, weekday_of};
use newslens_core::text::AnnotatedDoc;
use newslens_core::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    Date,
    Time,
    Duration,
    Set,
}

impl Type {
    pub fn name(self) -> &'static str {
        match self {
            Type::Date => "DATE",
            Type::Time => "TIME",
            Type::Duration => "DURATION",
            Type::Set => "SET",
        }
    }
}

/// How much of a calendar value is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Precision {
    Day,
    Week,
    Month,
    Quarter,
    Season,
    Year,
    Decade,
    Century,
    /// PAST_REF, PRESENT_REF, FUTURE_REF, durations and sets.
    None,
}

impl Precision {
    pub fn name(self) -> &'static str {
        match self {
            Precision::Day => "day",
            Precision::Week => "week",
            Precision::Month => "month",
            Precision::Quarter => "quarter",
            Precision::Season => "season",
            Precision::Year => "year",
            Precision::Decade => "decade",
            Precision::Century => "century",
            Precision::None => "none",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Timex {
    pub span: Span,
    pub kind: Type,
    /// TIMEX3 value: `2020-02-18`, `2020-01`, `2020-W02`, `P9M`, `FUTURE_REF`, `XXXX-XX-XX` when unknown.
    pub value: String,
    pub precision: Precision,
    /// The first day the value covers, for calendar values.
    pub date: Option<Date>,
}

fn weekday_abbreviation(word: &str) -> bool {
    matches!(
        word,
        "mon" | "tue" | "tues" | "wed" | "thu" | "thur" | "thurs" | "fri" | "sat" | "sun"
    )
}

/// Number words for durations: "nine months", "ten-month-long".
fn small_number(word: &str) -> Option<i64> {
    Some(match word {
        "a" | "an" | "one" => 1,
        "several" | "few" => return None,
        "zero" => 0,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        "thirteen" => 13,
        "fourteen" => 14,
        "fifteen" => 15,
        "sixteen" => 16,
        "seventeen" => 17,
        "eighteen" => 18,
        "nineteen" => 19,
        "twenty" => 20,
        "thirty" => 30,
        "forty" => 40,
        "fifty" => 50,
        "hundred" => 100,
        _ => return word.parse().ok(),
    })
}

/// The TIMEX3 unit letter of a unit word, and the precision of "last UNIT".
fn unit(word: &str) -> Option<(&'static str, Precision)> {
    Some(match word.trim_end_matches('s') {
        "day" => ("D", Precision::Day),
        "week" => ("W", Precision::Week),
        "month" => ("M", Precision::Month),
        "year" => ("Y", Precision::Year),
        "decade" => ("DE", Precision::Decade),
        "quarter" => ("Q", Precision::Quarter),
        "hour" => ("H", Precision::None),
        "minute" => ("M", Precision::None),
        "centurie" | "century" => ("CE", Precision::None),
        _ => return None,
    })
}

/// A TIMEX3 duration of `amount` units (`amount` "X" when unknown):
/// "P9M", "PT5H" (hours, minutes and seconds go after a "T").
fn period(amount: &str, unit_word: &str) -> Option<String> {
    let (letter, _) = unit(unit_word)?;
    // The newswire annotation counts decades in years: "two decades" = P20Y.
    if letter == "DE" {
        return Some(match amount.parse::<i64>() {
            Ok(n) => format!("P{}Y", n * 10),
            Err(_) => "PXY".to_string(),
        });
    }
    let clock = matches!(unit_word.trim_end_matches('s'), "hour" | "minute");
    Some(if clock {
        format!("PT{amount}{letter}")
    } else {
        format!("P{amount}{letter}")
    })
}

fn season_of(word: &str) -> Option<&'static str> {
    Some(match word {
        "spring" => "SP",
        "summer" => "SU",
        "fall" | "autumn" => "FA",
        "winter" => "WI",
        _ => return None,
    })
}

use crate::words::WordTable;
use newslens_core::text::{DocWords, Words};

/// A match: tokens `from..=to`, type, value, precision, the first day it covers.
type Found = (usize, usize, Type, String, Precision, Option<Date>);

/// The tense of a sentence, for resolving a bare weekday.
#[derive(Clone, Copy, PartialEq)]
enum Tense {
    Past,
    Future,
}

/// The tense a weekday is read in: forward when the words just before it
/// look ahead ("until Tuesday", "will meet on Tuesday", "next Tuesday"),
/// back otherwise — news reports what happened.
fn tense_at(words: &Words, at: usize, day: usize) -> Tense {
    let before = |k: usize| if at >= k { words.word(at - k) } else { "" };
    // "had been due to expire Friday", "Until Thursday, they had not called
    // him": the past perfect looks back even past a future word.
    if (1..=6).any(|k| before(k) == "had") || (1..=4).any(|k| words.word(day + k) == "had") {
        return Tense::Past;
    }
    if (1..=2).any(|k| matches!(before(k), "until" | "till" | "by" | "next")) {
        return Tense::Future;
    }
    // "as soon as Tuesday", "as early as Tuesday".
    if before(1) == "as" && matches!(before(2), "soon" | "early") {
        return Tense::Future;
    }
    // "they would appeal the decision, announced Wednesday": a verb in the
    // past just before the day is the day's, whatever future word comes
    // earlier; but not after "be" ("will be released Tuesday"), and
    // "scheduled", "expected" and the like look ahead.
    let previous = before(1);
    if looks_past(previous)
        && !is_future_marker(previous)
        && before(2) != "be"
        // "as soon as trading opened Monday" looks ahead from a past.
        && !(2..=4).any(|k| matches!(before(k), "soon" | "once"))
    {
        return Tense::Past;
    }
    // "will be held on Thursday": a future marker shortly before wins over
    // the participle between.
    if (1..=8).any(|k| is_future_marker(before(k))) {
        return Tense::Future;
    }
    // "On Tuesday, the league plans to hold a news conference": a day that
    // opens the sentence takes the tense of the verb that follows, if a
    // future marker comes before any word of the past.
    if at <= 1 {
        for k in 1..=10 {
            let w = words.word(day + k);
            // "plans to", not "vacation plans"; and not "set", as often a past
            // ("On Friday, when Albright set aside …").
            if matches!(w, "will" | "'ll" | "shall")
                || (matches!(w, "plans" | "plan" | "planning" | "scheduled")
                    && words.word(day + k + 1) == "to")
            {
                return Tense::Future;
            }
            if matches!(w, "said" | "was" | "were" | "had" | "did" | "." | ";") || looks_past(w) {
                break;
            }
        }
    }
    Tense::Past
}

/// A word that looks like a verb in the past: "announced", "located".
fn looks_past(word: &str) -> bool {
    word.len() > 4 && word.ends_with("ed")
}

/// A word that sets what follows it in the future: "will", "scheduled", "plans".
fn is_future_marker(word: &str) -> bool {
    matches!(
        word,
        "will"
            | "'ll"
            | "shall"
            | "scheduled"
            | "due"
            | "expected"
            | "planned"
            | "plans"
            | "plan"
            | "planning"
            | "would"
            | "could"
            | "might"
            | "upcoming"
            | "soon"
            | "set"
    )
}

/// The state a document's timexes share: the publication date and the last
/// day the narrative set.
struct Anchor {
    published: Option<Date>,
    last_day: Option<Date>,
    /// The quarter the document last named (year, quarter) and the sentence
    /// it was named in: what "the period" and "a year earlier" refer to.
    focus_quarter: Option<(i16, i8, usize)>,
    /// The year of the last calendar date named: what "that year" means.
    last_year: Option<i16>,
    /// The sentence being tagged, counted from the document's start.
    sentence: usize,
}

fn ymd(date: Date) -> String {
    let mut out = String::with_capacity(10);
    push_padded(&mut out, date.year().into(), 4);
    out.push('-');
    push_padded(&mut out, date.month().into(), 2);
    out.push('-');
    push_padded(&mut out, date.day().into(), 2);
    out
}

/// `n` with zeros before it to `width` digits, as `format!("{n:0width$}")`
/// writes it: every timex value is made of these, and the formatting
/// machinery costs several times the digits.
fn push_padded(out: &mut String, n: i64, width: usize) {
    if n < 0 {
        use std::fmt::Write;
        let _ = write!(out, "{n:0width$}");
        return;
    }
    let mut digits = [0u8; 20];
    let mut len = 0;
    let mut rest = n.unsigned_abs();
    loop {
        digits[len] = b'0' + (rest % 10) as u8;
        len += 1;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.extend(std::iter::repeat_n('0', width.saturating_sub(len)));
    out.extend(digits[..len].iter().rev().map(|&d| char::from(d)));
}

/// A year as TIMEX3 writes it: "2020", "0800".
fn year_value(year: i16) -> String {
    let mut out = String::with_capacity(4);
    push_padded(&mut out, year.into(), 4);
    out
}

/// A DATE of day precision: the day, or an unknown one ("XXXX-XX-XX") when
/// there is no anchor to count from.
fn day_found(date: Option<Date>, from: usize, to: usize) -> Found {
    match date {
        Some(d) => (from, to, Type::Date, ymd(d), Precision::Day, Some(d)),
        None => (
            from,
            to,
            Type::Date,
            "XXXX-XX-XX".into(),
            Precision::Day,
            None,
        ),
    }
}

fn ym(year: i16, month: i8) -> String {
    let mut out = String::with_capacity(7);
    push_padded(&mut out, year.into(), 4);
    out.push('-');
    push_padded(&mut out, month.into(), 2);
    out
}

fn week_value(date: Date) -> String {
    let iso = date.iso_week_date();
    format!("{:04}-W{:02}", iso.year(), iso.week())
}

fn add_days(date: Date, days: i64) -> Option<Date> {
    date.checked_add(days.days()).ok()
}

fn add_months(date: Date, months: i64) -> Option<Date> {
    date.checked_add(months.months()).ok()
}

/// Tags one document.
pub fn timexes(doc: &AnnotatedDoc) -> Vec<Timex> {
    tag(&doc.words())
}

/// Tags the document `words` holds.
pub fn tag(doc_words: &DocWords) -> Vec<Timex> {
    let doc = doc_words.doc;
    let mut anchor = Anchor {
        published: doc.published(),
        last_day: doc.published(),
        focus_quarter: None,
        last_year: None,
        sentence: 0,
    };
    let table = &*WORD_BITS;
    let mut out = Vec::new();
    let mut resume_at = 0;
    let mut sentences = SentenceTokens::default();
    // The tokens of the sentence a timex may begin at, in order: most
    // tokens can begin none, and the rules run only at these.
    let mut candidates: Vec<usize> = Vec::new();
    for (index, &sentence) in doc.sentences.iter().enumerate() {
        anchor.sentence = index;
        let range = sentences.range(doc, sentence);
        let words = Words {
            doc,
            tokens: &doc.tokens[range.clone()],
            lower: &doc_words.lower[range],
        };
        let tokens = words.tokens;
        let future = scan_candidates(table, &words, &mut candidates);
        // A month named without a year is read in the sentence's tense.
        let tense = if future { Tense::Future } else { Tense::Past };
        // The first token past the last timex found in this sentence.
        let mut next = 0;
        for &i in &candidates {
            // A timex that ran on past the sentence the splitter cut.
            if i < next || tokens[i].span.start < resume_at {
                continue;
            }
            next = i + 1;
            // A dotted date's day comes first, in digits.
            let digit_first = words.lower[i]
                .as_bytes()
                .first()
                .is_some_and(u8::is_ascii_digit);
            if let Some((date, end)) = digit_first.then(|| dotted_date(&words, i)).flatten() {
                anchor.last_day = Some(date);
                anchor.last_year = Some(date.year());
                resume_at = end;
                out.push(Timex {
                    span: Span {
                        start: tokens[i].span.start,
                        end,
                    },
                    kind: Type::Date,
                    value: ymd(date),
                    precision: Precision::Day,
                    date: Some(date),
                });
                continue;
            }
            let found = if worth_trying(&words, i) {
                find_at(&words, i, &anchor, tense)
            } else {
                None
            };
            if let Some((from, to, kind, value, precision, date)) =
                found.map(|found| with_clock(&words, found))
            {
                // TimeML puts "at least", "nearly", "about" inside the
                // timex of a length or of an "ago".
                let from = if kind == Type::Duration || words.word(to) == "ago" {
                    with_modifier(&words, from)
                } else {
                    let part = with_part_of(&words, from);
                    // Only words no earlier timex holds.
                    let taken = out
                        .last()
                        .is_some_and(|t: &Timex| t.span.end > tokens[part].span.start);
                    if taken {
                        from
                    } else {
                        part
                    }
                };
                if precision <= Precision::Year {
                    if let Some(day) = date {
                        anchor.last_year = Some(day.year());
                    }
                }
                if precision == Precision::Day {
                    if let Some(day) = date {
                        anchor.last_day = Some(day);
                    }
                }
                // A quarter counted back from the focus ("a year earlier",
                // "the year-ago quarter") leaves the focus where it was.
                let counted_back = (from..=to).any(|k| {
                    matches!(
                        words.word(k),
                        "ago" | "earlier" | "year-ago" | "year-earlier" | "prior-year" | "last"
                    )
                });
                if let Some(q) = quarter_of(&value).filter(|_| !counted_back) {
                    anchor.focus_quarter = Some((q.0, q.1, index));
                }
                out.push(Timex {
                    span: words.span(from, to),
                    kind,
                    value,
                    precision,
                    date,
                });
                next = to + 1;
            }
        }
    }
    out
}

/// Fills `candidates` with the tokens of `words` a timex may begin at, in
/// order, and tells whether a word of the sentence sets it in the future.
/// One look-up per token answers both. Its own function, so that the loop
/// over every token keeps its state in registers rather than sharing the
/// tagger's.
#[inline(never)]
fn scan_candidates(table: &WordBits, words: &Words, candidates: &mut Vec<usize>) -> bool {
    candidates.clear();
    let mut future = false;
    for (i, (token, &word)) in words.tokens.iter().zip(words.lower).enumerate() {
        let bits = table.bits(word);
        future |= bits & FUTURE != 0;
        if bits & (START | UNIT_STEM | DOTTED) == 0 {
            if may_start(table, token, word) {
                candidates.push(i);
            }
            continue;
        }
        // "the 16th century": the word before "century" may begin one;
        // it is the last candidate already if it could anyway.
        if bits & UNIT_STEM != 0
            && word == "century"
            && i > 0
            && candidates.last() != Some(&(i - 1))
        {
            candidates.push(i - 1);
        }
        candidates.push(i);
    }
    future
}

/// The token range of each sentence in turn, found from where the last
/// sentence's ended by one search rather than by two from the document's
/// start; the same tokens as [`AnnotatedDoc::tokens_in`].
#[derive(Default)]
struct SentenceTokens {
    /// The first token that starts at or after the last sentence's end.
    cursor: usize,
    last_end: u32,
}

impl SentenceTokens {
    fn range(&mut self, doc: &AnnotatedDoc, sentence: Span) -> std::ops::Range<usize> {
        let tokens = &doc.tokens;
        if sentence.start < self.last_end {
            // Out of order: start over from a search.
            self.cursor = tokens.partition_point(|t| t.span.start < sentence.start);
        }
        let mut from = self.cursor;
        while from < tokens.len() && tokens[from].span.start < sentence.start {
            from += 1;
        }
        // Tokens come in text order: a search of the rest of the document
        // finds the sentence's end in fewer steps than walking its tokens.
        let mut to = from + tokens[from..].partition_point(|t| t.span.start < sentence.end);
        self.cursor = to;
        self.last_end = sentence.end;
        // A token that begins inside the sentence but runs past its end is not its.
        while to > from && tokens[to - 1].span.end > sentence.end {
            to -= 1;
        }
        from..to
    }
}

/// Whether a token holds an ASCII hyphen. The tokenizer flags a word that
/// holds any hyphen (`inner_hyphen`), so most words need no look at their
/// bytes; marks and numbers are a byte or a few. Lower-casing makes no
/// hyphen, so the lower-cased word answers for the text as written.
fn holds_hyphen(token: &newslens_core::text::Token, word: &str) -> bool {
    match token.kind {
        newslens_core::text::TokenKind::Word => {
            token.inner_hyphen && word.as_bytes().contains(&b'-')
        }
        // Marks are a character, numbers a few bytes: a loop reads them
        // sooner than a call to `memchr`.
        _ => word.bytes().any(|b| b == b'-'),
    }
}

/// What a lower-cased word can be to the tagger, as bits.
/// A timex can begin at the word as it is.
const START: u8 = 1;
/// With every trailing "s" cut off, a unit ("days", "centuries").
const UNIT_STEM: u8 = 1 << 1;
/// With every trailing "." cut off, a month or a weekday's abbreviation ("Jan.", "Tues.").
const DOTTED: u8 = 1 << 2;
/// A word that sets a sentence in the future, for a month named without a year.
const FUTURE: u8 = 1 << 3;

/// Every word a rule below begins with: the number words of
/// [`small_number`], the weekdays, and the first words of the other rules.
const START_WORDS: &str = "zero one two three four five six seven eight nine ten eleven twelve \
    thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty a an thirty forty fifty \
    hundred monday tuesday wednesday thursday friday saturday sunday \
        ' noon midday new valentine christmas thanksgiving easter halloween good memorial labor \
         labour election independence the this last next fiscal first second third fourth early \
         late midnight overnight today yesterday tomorrow tonight that coming now currently \
         nowadays recently lately several many earlier later past daily hourly these weekly \
         monthly annually yearly every each";

/// The words of the rules above with their bits: most tokens are no such
/// word, and the table tells so from their ends and length alone.
struct WordBits {
    words: WordTable<u8>,
}

static WORD_BITS: std::sync::LazyLock<WordBits> = std::sync::LazyLock::new(|| WordBits {
    words: WordTable::new(word_bits_list()),
});

fn word_bits_list() -> Vec<(&'static str, u8)> {
    let mut map = Vec::new();
    let mut add = |words: &mut dyn Iterator<Item = &'static str>, bits: u8| {
        map.extend(words.map(|word| (word, bits)));
    };
    add(&mut START_WORDS.split_whitespace(), START);
    add(
        &mut [
            "day", "week", "month", "year", "decade", "quarter", "hour", "minute", "centurie",
            "century",
        ]
        .into_iter(),
        UNIT_STEM,
    );
    // Every word `month_of` knows.
    add(
        &mut "january february march april may june july august september october \
              november december jan feb mar apr jun jul aug sep sept oct nov dec"
            .split_whitespace(),
        DOTTED,
    );
    add(
        &mut [
            "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
        ]
        .into_iter(),
        DOTTED,
    );
    add(
        &mut [
            "will",
            "'ll",
            "shall",
            "next",
            "upcoming",
            "expected",
            "expects",
            "scheduled",
            "planned",
            "planning",
            "payable",
            "due",
            "would",
            "effective",
        ]
        .into_iter(),
        FUTURE,
    );
    map
}

impl WordBits {
    #[inline]
    fn bits(&self, word: &str) -> u8 {
        self.words.get(word)
    }
}

/// Whether a timex can begin at a token whose own [`WordBits`] name no
/// rule's first word: a number, a hyphenated compound, or a unit or a month
/// with its "s" or "." (the other first words of the rules below). Most
/// tokens are none of them, and skip the rules altogether.
#[inline]
fn may_start(table: &WordBits, token: &newslens_core::text::Token, word: &str) -> bool {
    let bytes = word.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    // Most tokens are words without a hyphen that begin with a letter and
    // end in neither "s" nor ".": no test below holds for them, and the
    // tests are kept out of line so that the loop over every token stays small.
    let edges = EDGES[usize::from(first)] & FIRST_EDGE | EDGES[usize::from(last)] & LAST_EDGE;
    let is_word = token.kind == newslens_core::text::TokenKind::Word;
    if is_word && !token.inner_hyphen && edges == 0 {
        return false;
    }
    // The marks between words are a byte each. A byte is a hyphen only if
    // it is the token; with its "s" or "." cut off a byte leaves no stem to
    // name a unit or a month, and "+" alone is no number.
    if bytes.len() == 1 {
        return token.kind == newslens_core::text::TokenKind::Number
            || first.is_ascii_digit()
            || (first == b'-' && (!is_word || token.inner_hyphen));
    }
    may_start_otherwise(table, token, word, first, last)
}

/// In [`EDGES`], a first byte that [`may_start_otherwise`] reads: a digit or a sign.
const FIRST_EDGE: u8 = 1;
/// In [`EDGES`], a last byte that it reads: the "s" of a plural, the "." of an abbreviation.
const LAST_EDGE: u8 = 2;

/// Per byte, whether it is a first or a last byte that may make a word
/// begin a timex: two loads tell what four compares would.
static EDGES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = b'0';
    while b <= b'9' {
        table[b as usize] = FIRST_EDGE;
        b += 1;
    }
    table[b'+' as usize] = FIRST_EDGE;
    table[b's' as usize] = LAST_EDGE;
    table[b'.' as usize] = LAST_EDGE;
    table
};

/// [`may_start`] for a token its first test does not rule out.
#[inline(never)]
fn may_start_otherwise(
    table: &WordBits,
    token: &newslens_core::text::Token,
    word: &str,
    first: u8,
    last: u8,
) -> bool {
    token.kind == newslens_core::text::TokenKind::Number
        || first.is_ascii_digit()
        || holds_hyphen(token, word)
        // What else `small_number` reads as a number: "+5".
        || (first == b'+' && word.parse::<i64>().is_ok())
        || (last == b's' && stem_bits(table, word, b's') & UNIT_STEM != 0)
        || (last == b'.' && stem_bits(table, word, b'.') & DOTTED != 0)
}

/// The bits of `word` with every trailing `cut` byte off, as `unit` and the
/// month rules read it; cut bytewise, as an ASCII byte ends no other character.
#[inline(always)]
fn stem_bits(table: &WordBits, word: &str, cut: u8) -> u8 {
    let kept = word
        .as_bytes()
        .iter()
        .rposition(|&b| b != cut)
        .map_or(0, |k| k + 1);
    table.bits(&word[..kept])
}

/// Whether [`find_at`] can match at `i` at all, judged by the word after
/// the commonest first words ("the", "a", "this", "one", numbers, compounds):
/// most of their uses begin no timex, and every rule is tried for each.
/// Each arm names every word that some rule below reads after its first
/// words; a word it does not name makes them all fail.
fn worth_trying(w: &Words, i: usize) -> bool {
    let word = w.word(i);
    let next = w.word(i + 1);
    let part_of_day = |s: &str| matches!(s, "morning" | "afternoon" | "evening" | "night");
    // "more than two additional weeks": what may stand between a number and its unit.
    let before_unit = |s: &str| matches!(s, "more" | "additional" | "straight" | "consecutive");
    match word {
        // The commonest first word: one look-up answers for the words listed
        // after it and for the number words, and only a sign or a digit
        // leaves `small_number` to parse.
        "the" => {
            AFTER_THE.get(next) != 0
                || unit(next).is_some()
                || (next.starts_with(|c: char| c.is_ascii_digit() || c == '+' || c == '-')
                    && small_number(next).is_some())
                || w.is_number(i + 1)
                // "the third-quarter", "the first-half"; "the nineties".
                || next.ends_with("-quarter")
                || next.ends_with("-half")
                || next.ends_with("ies")
        }
        "a" | "an" => unit(next).is_some() || matches!(next, "few" | "while") || before_unit(next),
        "that" => matches!(next, "day" | "year" | "quarter" | "same"),
        // Only "New Year's Day" and "New Year's Eve".
        "new" => next == "year",
        // "many years ago".
        "many" => matches!(next, "days" | "weeks" | "months" | "years" | "decades"),
        // "this week", "last Friday", "next spring", "last night", "this
        // morning", "last year's third quarter".
        "this" | "last" | "next" | "past" | "coming" => {
            unit(next).is_some()
                || next.trim_end_matches('s') == "weekend"
                || weekday_of(next).is_some()
                || season_of(next).is_some()
                || part_of_day(next)
        }
        // "early Tuesday", "late last year", "earlier this month".
        "early" | "late" => weekday_of(next).is_some() || matches!(next, "this" | "last" | "next"),
        "earlier" | "later" => matches!(next, "this" | "last" | "next"),
        // "first quarter", "second half" (after "the", the arm above).
        "first" | "second" | "third" | "fourth" => matches!(next, "quarter" | "half"),
        // "every week", "each Thursday", "every July".
        "each" | "every" => {
            unit(next).is_some() || weekday_of(next).is_some() || month_of(next).is_some()
        }
        // "several weeks", "several years ago".
        "several" => unit(next).is_some(),
        "these" => next == "days",
        "good" => next == "friday",
        // "the '80s" begins at the apostrophe.
        "'" => next.len() == 3 && next.ends_with('s'),
        // "year-end" written apart: "year end", "year's end".
        "year" => matches!(next, "end" | "'s"),
        // Another unit alone begins nothing; plurals last ("for months").
        "day" | "week" | "month" | "decade" | "quarter" | "hour" | "minute" | "century" => {
            next == "century"
        }
        // "nineteen ninety-six".
        "nineteen" => true,
        // A number said in words counts units: "two years", "one day
        // earlier", "three more weeks".
        _ if !w.is_number(i) && spelled_number(word) => {
            unit(next).is_some() || (before_unit(next) && unit(w.word(i + 2)).is_some())
        }
        // Digits other than a year: a clock time ("10 p.m.", "7:15"), a day
        // before its month ("18 February"), a count of units ("30 days",
        // "20-year", "two more weeks").
        _ if w.is_number(i) && w.raw(i).len() != 4 => {
            matches!(
                next,
                ":" | "a.m." | "a.m" | "am" | "p.m." | "p.m" | "pm" | "-"
            ) || before_unit(next)
                || unit(next).is_some()
                || month_of(next.trim_end_matches('.')).is_some()
        }
        // Compounds: "third-quarter", "first-half", "mid-March", "year-ago",
        // "year-end", "ten-month-long", "day-long"; not "COVID-19".
        _ if word.contains('-') => {
            let (head, rest) = word.split_once('-').unwrap_or((word, ""));
            word.starts_with("mid-")
                || word.ends_with("-half")
                || unit(head).is_some()
                || unit(rest.split('-').next().unwrap_or("")).is_some()
                || small_number(word).is_some()
                || next == "century"
        }
        // A month or a weekday begins a date only with its capital ("may" is a verb).
        _ if !w.capital(i) && calendar_name(word) => false,
        _ => true,
    }
}

/// The words after "the" that some rule reads: those [`worth_trying`]
/// lists, and the number words of [`small_number`].
static AFTER_THE: std::sync::LazyLock<WordTable<u8>> = std::sync::LazyLock::new(|| {
    let listed = "comparable corresponding same year-ago year-earlier prior-year this last next \
        fiscal first second third fourth quarter latest recent period future near short long \
        past coming previous following end full year weekend spring summer fall autumn winter \
        current few several";
    // Every word `small_number` knows by name.
    let numbers = "a an one zero two three four five six seven eight nine ten eleven twelve \
        thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty \
        hundred";
    WordTable::new(
        listed
            .split_whitespace()
            .chain(numbers.split_whitespace())
            .map(|w| (w, 1u8)),
    )
});

/// The number words of [`small_number`] ("one" to "hundred"), not "a" or "an".
fn spelled_number(word: &str) -> bool {
    !matches!(word, "a" | "an")
        && small_number(word).is_some()
        && !word.starts_with(|c: char| c.is_ascii_digit() || c == '+' || c == '-')
}

/// A month or weekday name, or an abbreviation of one ("Jan.", "Tues").
fn calendar_name(word: &str) -> bool {
    let trimmed = word.trim_end_matches('.');
    month_of(trimmed).is_some() || weekday_of(word).is_some() || weekday_abbreviation(trimmed)
}

/// "Memorial Day, 9 a.m.", "Tuesday, 10 p.m.": a day and the clock time
/// after it are one TIME.
fn with_clock(w: &Words, found: Found) -> Found {
    let (from, to, kind, value, precision, date) = found;
    let Some(day) = date.filter(|_| kind == Type::Date && precision == Precision::Day) else {
        return (from, to, kind, value, precision, date);
    };
    match clock_time(w, to + 2).filter(|_| w.word(to + 1) == ",") {
        Some((hour, minute, end)) => (
            from,
            end,
            Type::Time,
            format!("{}T{hour:02}:{minute:02}", ymd(day)),
            precision,
            date,
        ),
        None => (from, to, kind, value, precision, date),
    }
}

/// "16-11-2014", "01.02.2015": day first, as the outlets that write dates
/// so (in Europe and the Middle East) do; and where it ends. The text layer
/// keeps a dotted date as one token.
fn dotted_date(w: &Words, i: usize) -> Option<(Date, u32)> {
    let token = w.tokens.get(i)?;
    let two_digits =
        |s: &str| s.len() <= 2 && !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let four_digits = |s: &str| s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit());
    let raw = w.raw(i);
    let (day, month, year, end) = if let Some((d, rest)) = raw.split_once('.') {
        let (m, y) = rest.split_once('.')?;
        (d, m, y, token.span.end)
    } else if w.word(i + 1) == "-"
        && w.word(i + 3) == "-"
        && w.is_number(i + 2)
        && w.is_number(i + 4)
        && (i..i + 4).all(|k| w.joined(k))
    {
        (raw, w.raw(i + 2), w.raw(i + 4), w.tokens[i + 4].span.end)
    } else {
        return None;
    };
    if !(two_digits(day) && two_digits(month) && four_digits(year)) {
        return None;
    }
    let date = Date::new(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?).ok()?;
    Some((date, end))
}

/// Where a timex begins once the modifier before it is counted in:
/// "at least 30 days", "more than four decades ago", "nearly two months".
fn with_modifier(w: &Words, from: usize) -> usize {
    let before = |k: usize| if from >= k { w.word(from - k) } else { "" };
    match (before(2), before(1)) {
        ("at", "least" | "most") => from - 2,
        // "over two days" is a modifier; "over the past months" a preposition.
        (_, "nearly" | "almost" | "about" | "roughly" | "approximately" | "some" | "over")
            if w.word(from) != "the" =>
        {
            from - 1
        }
        ("more" | "less" | "fewer", "than") => {
            if from >= 3 && w.word(from - 3) == "no" {
                from - 3
            } else {
                from - 2
            }
        }
        _ => from,
    }
}

/// Where a date begins once the part of it named before it is counted in:
/// TimeML marks "the end of 1990", "the middle of October" and "the
/// beginning of this week" whole, with the value of the date (its MOD
/// attribute, which newslens does not keep, says which part).
fn with_part_of(w: &Words, from: usize) -> usize {
    let before = |k: usize| if from >= k { w.word(from - k) } else { "" };
    match (before(3), before(2), before(1)) {
        ("the", "end" | "beginning" | "middle" | "start" | "close", "of") => from - 3,
        _ => from,
    }
}

/// The year and quarter of a value like "1989-Q3".
fn quarter_of(value: &str) -> Option<(i16, i8)> {
    // A look for the two bytes: every timex's value is asked, and a
    // substring search costs its setup on each.
    let at = value.as_bytes().windows(2).position(|pair| pair == b"-Q")?;
    let (year, q) = (&value[..at], &value[at + 2..]);
    Some((year.parse().ok()?, q.parse().ok()?))
}

/// The quarter in focus, if it was named in this sentence or the three before:
/// "a year earlier" then means that quarter a year before.
fn near_focus(anchor: &Anchor) -> Option<(i16, i8)> {
    anchor
        .focus_quarter
        .filter(|&(_, _, at)| anchor.sentence - at <= 3)
        .map(|(y, q, _)| (y, q))
}

fn quarter_found(from: usize, to: usize, year: i16, q: i8) -> Option<Found> {
    Some((
        from,
        to,
        Type::Date,
        format!("{year:04}-Q{q}"),
        Precision::Quarter,
        Date::new(year, (q - 1) * 3 + 1, 1).ok(),
    ))
}

/// "10 p.m.", "7:15 p.m.", "noon": the hour and minute, and the last token.
fn clock_time(w: &Words, i: usize) -> Option<(i8, i8, usize)> {
    match w.word(i) {
        "noon" | "midday" => Some((12, 0, i)),
        _ if w.is_number(i) && w.raw(i).len() <= 2 => {
            let hour: i8 = w.raw(i).parse().ok()?;
            let (minute, at) =
                if w.word(i + 1) == ":" && w.is_number(i + 2) && w.raw(i + 2).len() == 2 {
                    (w.raw(i + 2).parse().ok()?, i + 3)
                } else {
                    (0, i + 1)
                };
            let afternoon = match w.word(at) {
                "a.m." | "a.m" | "am" => false,
                "p.m." | "p.m" | "pm" => true,
                _ => return None,
            };
            if !(1..=12).contains(&hour) || minute > 59 {
                return None;
            }
            let hour = match (hour, afternoon) {
                (12, false) => 0,
                (12, true) => 12,
                (h, true) => h + 12,
                (h, false) => h,
            };
            Some((hour, minute, at))
        }
        _ => None,
    }
}

/// "10 p.m. Wednesday", "9 a.m. EST Tuesday", "5 p.m. EST, Nov. 6",
/// "noon Saturday", "around 7:15 p.m.": a clock time on the day that
/// follows it, or on the day the narrative last set.
fn clock(w: &Words, i: usize, anchor: &Anchor, tense: Tense) -> Option<Found> {
    let (hour, minute, mut to) = clock_time(w, i)?;
    if matches!(
        w.word(to + 1),
        "est"
            | "edt"
            | "cst"
            | "cdt"
            | "mst"
            | "mdt"
            | "pst"
            | "pdt"
            | "gmt"
            | "utc"
            | "bst"
            | "cet"
    ) {
        to += 1;
    }
    let day_at = if w.word(to + 1) == "," {
        to + 2
    } else {
        to + 1
    };
    let day = weekday(w, day_at, i, anchor, tense)
        .or_else(|| absolute(w, day_at, anchor, tense))
        .or_else(|| relative(w, day_at, anchor))
        .filter(|f| f.0 == day_at && f.4 == Precision::Day && f.5.is_some());
    // "noon" alone is too often a figure of speech to tag.
    if day.is_none() && w.word(i) == "noon" {
        return None;
    }
    let (to, date) = match &day {
        Some(found) => (found.1, found.5),
        None => (to, anchor.last_day.or(anchor.published)),
    };
    let value = match date {
        Some(d) => format!("{}T{hour:02}:{minute:02}", ymd(d)),
        None => format!("XXXX-XX-XXT{hour:02}:{minute:02}"),
    };
    Some((i, to, Type::Time, value, Precision::Day, date))
}

/// The day of a holiday in `year`: fixed dates, and the movable feasts
/// news mentions most (United States federal holidays, Easter).
fn holiday_date(name: &str, year: i16) -> Option<Date> {
    use jiff::civil::Weekday;
    let nth = |month: i8, weekday: Weekday, n: i8| -> Option<Date> {
        Date::new(year, month, 1)
            .ok()?
            .nth_weekday_of_month(n, weekday)
            .ok()
    };
    match name {
        "christmas" => Date::new(year, 12, 25).ok(),
        "christmas eve" => Date::new(year, 12, 24).ok(),
        "new year's day" => Date::new(year, 1, 1).ok(),
        "new year's eve" => Date::new(year, 12, 31).ok(),
        "valentine's day" => Date::new(year, 2, 14).ok(),
        "independence day" => Date::new(year, 7, 4).ok(),
        "halloween" => Date::new(year, 10, 31).ok(),
        "thanksgiving" => nth(11, Weekday::Thursday, 4),
        "memorial day" => nth(5, Weekday::Monday, -1),
        "labor day" => nth(9, Weekday::Monday, 1),
        // The Tuesday after the first Monday of November.
        "election day" => add_days(nth(11, Weekday::Monday, 1)?, 1),
        "easter" => easter(year),
        "good friday" => add_days(easter(year)?, -2),
        _ => None,
    }
}

/// Easter Sunday (Gregorian; the anonymous algorithm).
fn easter(year: i16) -> Option<Date> {
    let y = i32::from(year);
    let (a, b, c) = (y % 19, y / 100, y % 100);
    let (d, e) = (b / 4, b % 4);
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let (i, k) = (c / 4, c % 4);
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    Date::new(year, month as i8, day as i8).ok()
}

/// "Thanksgiving Day", "on Christmas", "Easter 2020", "last Thanksgiving",
/// "New Year's Eve", "Memorial Day weekend" (the day): the holiday before
/// publication in a past-tense sentence (unless this year's is at most two
/// months ahead), the next one in a future one.
fn holiday(w: &Words, i: usize, anchor: &Anchor, tense: Tense) -> Option<Found> {
    if !w.capital(i) {
        return None;
    }
    let (name, mut to) = match (w.word(i), w.word(i + 1), w.word(i + 2), w.word(i + 3)) {
        ("new", "year", "'s", d @ ("day" | "eve")) => (
            if d == "day" {
                "new year's day"
            } else {
                "new year's eve"
            },
            i + 3,
        ),
        ("valentine", "'s", "day", _) => ("valentine's day", i + 2),
        ("christmas", "eve", _, _) => ("christmas eve", i + 1),
        ("christmas" | "thanksgiving" | "easter", "day" | "sunday", _, _) => (w.word(i), i + 1),
        ("christmas" | "thanksgiving" | "easter" | "halloween", _, _, _) => (w.word(i), i),
        ("good", "friday", _, _) => ("good friday", i + 1),
        ("memorial", "day", _, _) => ("memorial day", i + 1),
        ("labor" | "labour", "day", _, _) => ("labor day", i + 1),
        ("election", "day", _, _) => ("election day", i + 1),
        ("independence", "day", _, _) if w.capital(i + 1) => ("independence day", i + 1),
        _ => return None,
    };
    if to > i && !w.capital(to) {
        return None;
    }
    let previous = if i > 0 { w.word(i - 1) } else { "" };
    let from = if matches!(previous, "last" | "next" | "this") {
        i - 1
    } else {
        i
    };
    let explicit = (w.is_number(to + 1) && w.raw(to + 1).len() == 4)
        .then(|| w.raw(to + 1).parse::<i16>().ok())
        .flatten();
    let date = match (explicit, anchor.published) {
        (Some(year), _) => {
            to += 1;
            holiday_date(name, year)
        }
        (None, Some(dct)) => {
            let this_year = holiday_date(name, dct.year())?;
            let forward = match previous {
                "next" => true,
                "last" => false,
                // As for months: a holiday at most two months ahead is this
                // year's even in a past-tense sentence.
                _ => {
                    tense == Tense::Future
                        || (this_year > dct && (this_year - dct).get_days() <= 61)
                }
            };
            match (forward, this_year <= dct) {
                (true, true) => holiday_date(name, dct.year() + 1),
                (false, false) => holiday_date(name, dct.year() - 1),
                _ => Some(this_year),
            }
        }
        (None, None) => None,
    };
    // "Easter week": the week that Easter Sunday ends, as the newswire annotates it.
    if name == "easter" && w.word(to + 1) == "week" {
        let date = date?;
        return Some((
            from,
            to + 1,
            Type::Date,
            week_value(date),
            Precision::Week,
            Some(date),
        ));
    }
    Some(day_found(date, from, to))
}

fn find_at(w: &Words, i: usize, anchor: &Anchor, tense: Tense) -> Option<Found> {
    clock(w, i, anchor, tense)
        .or_else(|| holiday(w, i, anchor, tense))
        .or_else(|| quarter(w, i, anchor))
        .or_else(|| absolute(w, i, anchor, tense))
        .or_else(|| weekday(w, i, i, anchor, tense))
        .or_else(|| relative(w, i, anchor))
        .or_else(|| duration_or_set(w, i))
}

/// "February 18, 2020", "Feb. 18", "18 February 2020", "February 19th", "June 2020",
/// "last April", "in January", "2020-02-18", "in 2015", "the 1990s", "fiscal 1989".
/// Is this month word (lower case, point trimmed) a short form ("feb",
/// "sept"), not a full name of four letters or fewer ("may", "june")?
fn is_abbreviated(month_word: &str) -> bool {
    month_word.len() <= 4 && !matches!(month_word, "may" | "june" | "july")
}

fn absolute(w: &Words, i: usize, anchor: &Anchor, tense: Tense) -> Option<Found> {
    let dct = anchor.published;
    let word = w.word(i);
    // ISO dates: 2020-02-18.
    if w.is_number(i)
        && w.raw(i).len() == 4
        && w.word(i + 1) == "-"
        && w.is_number(i + 2)
        && w.word(i + 3) == "-"
        && w.is_number(i + 4)
    {
        let (y, m, d) = (
            w.raw(i).parse().ok()?,
            w.raw(i + 2).parse().ok()?,
            w.raw(i + 4).parse().ok()?,
        );
        let date = Date::new(y, m, d).ok()?;
        return Some((i, i + 4, Type::Date, ymd(date), Precision::Day, Some(date)));
    }
    // Day month [year]: "18 February 2020", "19 February".
    if w.is_number(i) && w.raw(i).len() <= 2 {
        let month_word = w.word(i + 1).trim_end_matches('.');
        if let Some(month) = month_of(month_word).filter(|_| w.capital(i + 1)) {
            let day: i8 = w.raw(i).parse().ok()?;
            let mut to = i + 1;
            // "18 Feb. 2020": the abbreviation's point; after a full name
            // ("on 8 July.") it ends the sentence.
            if w.word(to + 1) == "." && is_abbreviated(month_word) {
                to += 1;
            }
            let year = if w.is_number(to + 1) && w.raw(to + 1).len() == 4 {
                to += 1;
                w.raw(to).parse().ok()
            } else {
                None
            };
            let year = year.or_else(|| infer_year(dct, month, tense));
            return date_value(i, to, year, month, Some(day));
        }
    }
    // "mid-November", "mid-1990s" as one token.
    if let Some(rest) = word.strip_prefix("mid-") {
        if let Some(month) = month_of(rest) {
            // "mid-March 2011".
            if w.is_number(i + 1) && w.raw(i + 1).len() == 4 {
                let year: i16 = w.raw(i + 1).parse().ok()?;
                return date_value(i, i + 1, Some(year), month, None);
            }
            let year = infer_year(dct, month, tense);
            let value = year.map_or(format!("XXXX-{month:02}"), |y| ym(y, month));
            return Some((
                i,
                i,
                Type::Date,
                value,
                Precision::Month,
                year.and_then(|y| Date::new(y, month, 1).ok()),
            ));
        }
        if let Some(decade) = decade_of(rest) {
            return Some(decade_found(i, i, decade));
        }
    }
    // "the '80s", "the nineties": decades of the last century.
    let decade = match (word, w.word(i + 1)) {
        ("'", tens) if w.joined(i) => tens
            .strip_suffix('s')
            .filter(|t| t.len() == 2)
            .and_then(|t| t.parse::<i16>().ok()),
        ("the", tens) => tens
            .strip_suffix("ies")
            .and_then(|t| spelled_tens(&format!("{t}y")))
            .filter(|t| t % 10 == 0),
        _ => None,
    };
    if let Some(tens) = decade {
        return Some(decade_found(i, i + 1, 1900 + tens));
    }
    // Month-led: MONTH [DAY[th]] [, YEAR] | MONTH YEAR | MONTH alone in context.
    let month_word = word.trim_end_matches('.');
    if let Some(month) = month_of(month_word) {
        if !w.capital(i) {
            return None;
        }
        let abbreviated = is_abbreviated(month_word);
        let mut j = i;
        if abbreviated && w.word(j + 1) == "." {
            j += 1;
        }
        let previous = if i > 0 { w.word(i - 1) } else { "" };
        // "Jan. 19", "February 18th", "June 20"
        let day_token = w.raw(j + 1);
        let day_digits: String = day_token.chars().take_while(char::is_ascii_digit).collect();
        let ordinal = matches!(
            &day_token[day_digits.len()..],
            "" | "st" | "nd" | "rd" | "th"
        );
        if !day_digits.is_empty() && day_digits.len() <= 2 && ordinal {
            let day: i8 = day_digits.parse().ok()?;
            let mut to = j + 1;
            let mut year = None;
            if w.word(to + 1) == "," && w.is_number(to + 2) && w.raw(to + 2).len() == 4 {
                year = w.raw(to + 2).parse().ok();
                to += 2;
            } else if w.is_number(to + 1) && w.raw(to + 1).len() == 4 {
                year = w.raw(to + 1).parse().ok();
                to += 1;
            }
            let year = year.or_else(|| infer_year(dct, month, tense));
            return date_value(i, to, year, month, Some(day));
        }
        // "June 2020", "February of 2019"
        if w.is_number(j + 1) && w.raw(j + 1).len() == 4 {
            let year: i16 = w.raw(j + 1).parse().ok()?;
            return Some((
                i,
                j + 1,
                Type::Date,
                ym(year, month),
                Precision::Month,
                Date::new(year, month, 1).ok(),
            ));
        }
        // "May" and "March" are also a verb and a noun: only with a preposition before them.
        let led = matches!(
            previous,
            "in" | "since"
                | "until"
                | "by"
                | "from"
                | "through"
                | "of"
                | "early"
                | "late"
                | "mid"
                | "last"
                | "next"
                | "this"
                | "during"
                | "before"
                | "after"
        );
        if matches!(month_word, "may" | "march") && !led {
            return None;
        }
        if abbreviated && !led {
            return None;
        }
        // "last April": the most recent April before publication; "next April" the first after.
        let (from, year) = match previous {
            "last" => (
                i - 1,
                dct.map(|d| {
                    if month < d.month() {
                        d.year()
                    } else {
                        d.year() - 1
                    }
                }),
            ),
            "next" => (
                i - 1,
                dct.map(|d| {
                    if month > d.month() {
                        d.year()
                    } else {
                        d.year() + 1
                    }
                }),
            ),
            "this" => (i - 1, dct.map(|d| d.year())),
            "early" | "late" | "mid" => (i - 1, infer_year(dct, month, tense)),
            // "since March" looks back: the last March.
            "since" => (i, dct.map(|d| d.year() - i16::from(month > d.month()))),
            _ => (i, infer_year(dct, month, tense)),
        };
        // "February this year", "April next year".
        let (to, year) = match (w.word(j + 1), w.word(j + 2)) {
            (m @ ("this" | "last" | "next"), "year") => (
                j + 2,
                dct.map(|d| {
                    d.year()
                        + match m {
                            "last" => -1,
                            "next" => 1,
                            _ => 0,
                        }
                }),
            ),
            _ => (j, year),
        };
        let value = year.map_or(format!("XXXX-{month:02}"), |y| ym(y, month));
        let date = year.and_then(|y| Date::new(y, month, 1).ok());
        return Some((from, to, Type::Date, value, Precision::Month, date));
    }
    // "the 16th century": its value is the hundreds, "15".
    if w.word(i + 1) == "century" {
        let number = word
            .strip_suffix("st")
            .or_else(|| word.strip_suffix("nd"))
            .or_else(|| word.strip_suffix("rd"))
            .or_else(|| word.strip_suffix("th"))
            .and_then(|n| n.parse::<i16>().ok())
            .filter(|n| (1..=30).contains(n));
        if let Some(n) = number {
            let from = if i > 0 && w.word(i - 1) == "the" {
                i - 1
            } else {
                i
            };
            return Some((
                from,
                i + 1,
                Type::Date,
                format!("{:02}", n - 1),
                Precision::Century,
                Date::new((n - 1) * 100, 1, 1).ok(),
            ));
        }
    }
    // Years said aloud in broadcast transcripts: "nineteen ninety-six".
    if word == "nineteen" {
        if let Some(rest) = spelled_tens(w.word(i + 1)) {
            let year = 1900 + rest;
            return Some((
                i,
                i + 1,
                Type::Date,
                year_value(year),
                Precision::Year,
                Date::new(year, 1, 1).ok(),
            ));
        }
    }
    // Years: "2011", "in 2015", "fiscal 1989", "the 1990s", "mid-1990s".
    if w.is_number(i) && w.raw(i).len() == 4 {
        let year: i16 = w.raw(i).parse().ok()?;
        if !(1900..=2100).contains(&year) {
            return None;
        }
        // Not a count of something: "2,000 people" has a comma; "1989 people"
        // is rare; "more than 2000 tankers" where the comma was lost.
        let previous = if i > 0 { w.word(i - 1) } else { "" };
        if matches!(
            previous,
            "than" | "least" | "nearly" | "almost" | "approximately"
        ) {
            return None;
        }
        if matches!(
            w.word(i + 1),
            "people"
                | "troops"
                | "soldiers"
                | "fighters"
                | "civilians"
                | "dollars"
                | "%"
                | "percent"
        ) {
            return None;
        }
        if w.joined(i) && w.word(i + 1) == "s" {
            return Some((
                i,
                i + 1,
                Type::Date,
                format!("{}", year / 10),
                Precision::Decade,
                Date::new(year, 1, 1).ok(),
            ));
        }
        let from = if i > 0 && w.word(i - 1) == "fiscal" {
            i - 1
        } else {
            i
        };
        return Some((
            from,
            i,
            Type::Date,
            year_value(year),
            Precision::Year,
            Date::new(year, 1, 1).ok(),
        ));
    }
    if word.len() == 5 && word.ends_with('s') && word[..4].chars().all(|c| c.is_ascii_digit()) {
        let year: i16 = word[..4].parse().ok()?;
        return Some((
            i,
            i,
            Type::Date,
            format!("{}", year / 10),
            Precision::Decade,
            Date::new(year, 1, 1).ok(),
        ));
    }
    None
}

/// The first year of "1990s".
fn decade_of(word: &str) -> Option<i16> {
    let digits = word.strip_suffix('s')?;
    (digits.len() == 4 && digits.ends_with('0'))
        .then(|| digits.parse().ok())
        .flatten()
}

fn decade_found(from: usize, to: usize, year: i16) -> Found {
    (
        from,
        to,
        Type::Date,
        format!("{}", year / 10),
        Precision::Decade,
        Date::new(year, 1, 1).ok(),
    )
}

/// 20 to 99 written out: "ninety-six", "eighty", "seventy-nine".
fn spelled_tens(word: &str) -> Option<i16> {
    const TENS: &[&str] = &[
        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    const UNITS: &[&str] = &[
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    ];
    let (tens, unit) = word.split_once('-').unwrap_or((word, ""));
    let tens = TENS.iter().position(|t| *t == tens)? as i16 * 10 + 20;
    let unit = match unit {
        "" => 0,
        u => UNITS.iter().position(|x| *x == u)? as i16 + 1,
    };
    Some(tens + unit)
}

/// The year of a month named without one. In a sentence about the future,
/// the nearest such month (leaning forward); otherwise the last such month,
/// unless it lies at most two months ahead: "December" in an October report
/// is two months ahead, not ten back; "October" in an April report is last
/// October.
fn infer_year(dct: Option<Date>, month: i8, tense: Tense) -> Option<i16> {
    let dct = dct?;
    let year = dct.year();
    let ahead = (month - dct.month()).rem_euclid(12);
    if ahead == 0 {
        return Some(year);
    }
    let behind = 12 - ahead;
    let forward = match tense {
        Tense::Past => ahead <= 2,
        Tense::Future => ahead <= behind + 2,
    };
    Some(match (forward, month > dct.month()) {
        (true, true) | (false, false) => year,
        (true, false) => year + 1,
        (false, true) => year - 1,
    })
}

fn date_value(
    from: usize,
    to: usize,
    year: Option<i16>,
    month: i8,
    day: Option<i8>,
) -> Option<Found> {
    match (year, day) {
        (Some(y), Some(d)) => {
            let date = Date::new(y, month, d).ok()?;
            Some((from, to, Type::Date, ymd(date), Precision::Day, Some(date)))
        }
        (None, Some(d)) => Some((
            from,
            to,
            Type::Date,
            format!("XXXX-{month:02}-{d:02}"),
            Precision::Day,
            None,
        )),
        (Some(y), None) => Some((
            from,
            to,
            Type::Date,
            ym(y, month),
            Precision::Month,
            Date::new(y, month, 1).ok(),
        )),
        (None, None) => Some((
            from,
            to,
            Type::Date,
            format!("XXXX-{month:02}"),
            Precision::Month,
            None,
        )),
    }
}

/// "Tuesday", "on Tuesday", "early Tuesday", "midnight Sunday", "Wednesday night",
/// "last Friday", "next Monday": the nearest such day before publication in a
/// past-tense sentence, after it in a future one.
/// `lead` is where the phrase that holds the weekday begins: the weekday
/// itself, or the clock time before it ("until 9 a.m. Tuesday").
fn weekday(
    w: &Words,
    i: usize,
    lead: usize,
    anchor: &Anchor,
    sentence_tense: Tense,
) -> Option<Found> {
    let (from, target) = match (w.word(i), w.word(i + 1)) {
        (m @ ("early" | "late" | "midnight" | "overnight" | "last" | "next" | "this"), d)
            if weekday_of(d).is_some() =>
        {
            (Some(m), i + 1)
        }
        (d, _) if weekday_of(d).is_some() => (None, i),
        // "Tue 05 Jul 2016", "Thu May 26 2016": an abbreviated weekday, only
        // before a date, as in a dateline ("Sun" and "Sat" are words too).
        (d, _) if w.capital(i) && weekday_abbreviation(d.trim_end_matches('.')) => {
            let at = if w.word(i + 1) == "." { i + 2 } else { i + 1 };
            let at = if w.word(at) == "," { at + 1 } else { at };
            let found = absolute(w, at, anchor, sentence_tense)
                .filter(|f| f.0 == at && f.4 == Precision::Day && f.5.is_some())?;
            return Some((i, found.1, Type::Date, found.3, Precision::Day, found.5));
        }
        _ => return None,
    };
    if !w.capital(target) {
        return None;
    }
    let wanted = weekday_of(w.word(target))?;
    // A weekday's direction comes from the words just before it, not the sentence.
    let tense = tense_at(w, start_of_phrase(w, lead.min(i)), target);
    let start = if from.is_some() { i } else { target };
    let mut to = target;
    let part = match w.word(target + 1) {
        "morning" => Some("MO"),
        "afternoon" => Some("AF"),
        "evening" => Some("EV"),
        "night" => Some("NI"),
        _ => None,
    };
    if part.is_some() {
        to += 1;
    }
    // "overnight Wednesday": that day's night.
    let part = part.or(if from == Some("overnight") {
        Some("NI")
    } else {
        None
    });
    // "Saturday, April 25", "Friday Oct. 13": the date says which one.
    let date_at = if w.word(to + 1) == "," {
        to + 2
    } else {
        to + 1
    };
    if let Some(found) = absolute(w, date_at, anchor, sentence_tense)
        .filter(|f| f.0 == date_at && f.4 == Precision::Day && f.5.is_some())
    {
        return Some((start, found.1, Type::Date, found.3, Precision::Day, found.5));
    }
    let Some(dct) = anchor.published else {
        let value = "XXXX-XX-XX".to_string();
        return Some((start, to, Type::Date, value, Precision::Day, None));
    };
    let today = dct.weekday().to_monday_zero_offset();
    let back = i64::from((today - wanted).rem_euclid(7));
    let forward = i64::from((wanted - today).rem_euclid(7));
    let offset = match (from, tense) {
        (Some("last"), _) => -(if back == 0 { 7 } else { back }),
        (Some("next"), _) => {
            if forward == 0 {
                7
            } else {
                forward
            }
        }
        (_, Tense::Future) => forward,
        (_, Tense::Past) => -back,
    };
    let date = add_days(dct, offset)?;
    let (kind, value) = match (part, from) {
        // The newswire annotation types "Wednesday night" as a DATE with a part of day.
        (Some(p), _) => (Type::Date, format!("{}T{p}", ymd(date))),
        (None, Some("midnight")) => (Type::Time, format!("{}T24:00", ymd(date))),
        _ => (Type::Date, ymd(date)),
    };
    Some((start, to, kind, value, Precision::Day, Some(date)))
}

/// Where a weekday phrase begins, with its preposition: "late on Tuesday".
fn start_of_phrase(w: &Words, i: usize) -> usize {
    let mut start = i;
    while start > 0
        && matches!(
            w.word(start - 1),
            "on" | "late" | "early" | "by" | "since" | "until" | "till" | "from" | "before"
        )
    {
        start -= 1;
        if matches!(w.word(start), "by" | "until" | "till" | "from" | "before") {
            return start + 1;
        }
    }
    start
}

/// Deictic and narrative expressions: "today", "yesterday", "now", "last
/// month", "earlier this month", "a day earlier", "the day before", "over
/// the weekend", "in the coming days", "since last year", "third-quarter".
fn relative(w: &Words, i: usize, anchor: &Anchor) -> Option<Found> {
    let dct = anchor.published;
    let word = w.word(i);
    let day = |date: Option<Date>, from: usize, to: usize| Some(day_found(date, from, to));
    let reference = |from: usize, to: usize, value: &str| {
        Some((
            from,
            to,
            Type::Date,
            value.to_string(),
            Precision::None,
            None,
        ))
    };
    // "yesterday morning", "last night", "this evening": a part of a day.
    let part_of_day = |k: usize| match w.word(k) {
        "morning" => Some("MO"),
        "afternoon" => Some("AF"),
        "evening" => Some("EV"),
        "night" => Some("NI"),
        _ => None,
    };
    let day_shift = match word {
        "today" | "this" => Some(0),
        "yesterday" => Some(-1),
        "tomorrow" => Some(1),
        "last" if w.word(i + 1) == "night" => Some(-1),
        _ => None,
    };
    if let (Some(shift), Some(part)) = (day_shift, part_of_day(i + 1)) {
        if word != "this" || part != "NI" {
            let date = dct.and_then(|d| add_days(d, shift));
            let value = date.map_or(format!("XXXX-XX-XXT{part}"), |d| {
                format!("{}T{part}", ymd(d))
            });
            return Some((i, i + 1, Type::Time, value, Precision::Day, date));
        }
    }
    // "that day", "that same day", "that year", "that quarter": the last one named.
    if word == "that" {
        let k = if w.word(i + 1) == "same" {
            i + 2
        } else {
            i + 1
        };
        match w.word(k) {
            "day" => return day(anchor.last_day, i, k),
            "year" => {
                if let Some(year) = anchor.last_year {
                    return Some((
                        i,
                        k,
                        Type::Date,
                        year_value(year),
                        Precision::Year,
                        Date::new(year, 1, 1).ok(),
                    ));
                }
            }
            "quarter" => {
                if let Some((year, q, _)) = anchor.focus_quarter {
                    return quarter_found(i, k, year, q);
                }
            }
            _ => {}
        }
    }
    match word {
        // "in coming weeks".
        "coming" if matches!(w.word(i + 1), "days" | "weeks" | "months" | "years") => {
            return reference(i, i + 1, "FUTURE_REF")
        }
        // "in today's world", "for today's youth": the present age, untagged.
        "today"
            if w.word(i + 1) == "'s" && i > 0 && matches!(w.word(i - 1), "of" | "in" | "for") => {}
        "today" => return day(dct, i, i),
        "yesterday" => return day(dct.and_then(|d| add_days(d, -1)), i, i),
        "tomorrow" => return day(dct.and_then(|d| add_days(d, 1)), i, i),
        "tonight" => {
            let value = dct.map_or("XXXX-XX-XXTNI".into(), |d| format!("{}TNI", ymd(d)));
            return Some((i, i, Type::Time, value, Precision::Day, dct));
        }
        // The adjectives "current", "recent", "former" and the adverbs
        // "previously", "soon" mostly go untagged in the TimeML newswire
        // (under a fifth of their uses there): they order events rather
        // than point at a time. "Now" and "recently" point at one.
        "now" | "currently" | "nowadays" => return reference(i, i, "PRESENT_REF"),
        "these" if w.word(i + 1) == "days" => return reference(i, i + 1, "PRESENT_REF"),
        "recently" | "lately" => return reference(i, i, "PAST_REF"),
        // "year-earlier", "year-ago": the same period a year before.
        "year-earlier" | "year-ago" => {
            if let Some((year, q)) = near_focus(anchor) {
                return quarter_found(i, i, year - 1, q);
            }
            let year = dct.map(|d| d.year() - 1);
            let value = year.map_or("XXXX".into(), |y| format!("{y:04}"));
            return Some((
                i,
                i,
                Type::Date,
                value,
                Precision::Year,
                year.and_then(|y| Date::new(y, 1, 1).ok()),
            ));
        }
        _ => {}
    }
    // "this morning", "this evening".
    if word == "this" {
        let part = match w.word(i + 1) {
            "morning" => Some("MO"),
            "afternoon" => Some("AF"),
            "evening" => Some("EV"),
            _ => None,
        };
        if let Some(p) = part {
            let value = dct.map_or(format!("XXXX-XX-XXT{p}"), |d| format!("{}T{p}", ymd(d)));
            return Some((i, i + 1, Type::Time, value, Precision::Day, dct));
        }
    }
    // "the future", "the past", "in the coming days", "in recent years".
    if word == "the" {
        match w.word(i + 1) {
            "future" => return reference(i, i + 1, "FUTURE_REF"),
            "near" | "short" | "long" if matches!(w.word(i + 2), "future" | "term") => {
                return reference(i, i + 2, "FUTURE_REF")
            }
            "past"
                if unit(w.word(i + 2)).is_none()
                    && small_number(w.word(i + 2)).is_none()
                    && !matches!(w.word(i + 2), "few" | "several" | "couple") =>
            {
                return reference(i, i + 1, "PAST_REF")
            }
            "coming" | "next" if matches!(w.word(i + 2), "days" | "weeks" | "months" | "years") => {
                return reference(i, i + 2, "FUTURE_REF")
            }
            _ => {}
        }
    }
    // "a day earlier", "the day before", "the previous day", "the next day", "a year ago".
    if matches!(word, "a" | "the" | "one") && unit(w.word(i + 1)).is_some()
        || (word == "the" && matches!(w.word(i + 1), "previous" | "next" | "following"))
    {
        let (unit_index, direction) = match (w.word(i + 1), w.word(i + 2), w.word(i + 3)) {
            ("previous", u, _) if unit(u).is_some() => (i + 2, -1),
            ("next" | "following", u, _) if unit(u).is_some() => (i + 2, 1),
            (u, "earlier" | "before" | "ago", _) if unit(u).is_some() => (i + 1, -1),
            (u, "later" | "after", _) if unit(u).is_some() => (i + 1, 1),
            _ => (0, 0),
        };
        if direction != 0 {
            let to = if w.word(i + 1) == w.word(unit_index) {
                unit_index + 1
            } else {
                unit_index
            };
            let (letter, _) = unit(w.word(unit_index))?;
            // "a day after the coalition opened an inquiry": counted from an
            // event, not a date; what the words give is the length.
            let event_follows = matches!(w.word(unit_index + 1), "before" | "after")
                && w.tokens
                    .get(unit_index + 2)
                    .is_some_and(|t| t.kind == newslens_core::text::TokenKind::Word);
            if word != "the" && event_follows {
                let value = period("1", w.word(unit_index))?;
                return Some((i, unit_index, Type::Duration, value, Precision::None, None));
            }
            if letter == "Y" && direction == -1 {
                if let Some((year, q)) = near_focus(anchor) {
                    return quarter_found(i, to, year - 1, q);
                }
            }
            let base = if w.word(unit_index + 1) == "ago" {
                dct
            } else {
                anchor.last_day.or(dct)
            };
            return shifted(base, letter, direction, i, to);
        }
    }
    // "decades ago", "a few years ago", "several months ago": some time back.
    let vague_unit = match (word, w.word(i + 1)) {
        ("a", "few") => Some(i + 2),
        ("several" | "many", _) => Some(i + 1),
        _ => Some(i),
    };
    if let Some(k) = vague_unit {
        let plural = matches!(w.word(k), "days" | "weeks" | "months" | "years" | "decades");
        if plural && w.word(k + 1) == "ago" {
            return reference(i, k + 1, "PAST_REF");
        }
    }
    // "N days/weeks/months/years ago|earlier|later".
    if let Some(n) = small_number(word).filter(|_| word != "a" && word != "an") {
        if let Some((letter, _)) = unit(w.word(i + 1)) {
            if matches!(w.word(i + 2), "ago" | "earlier" | "later") {
                let direction = if w.word(i + 2) == "later" { n } else { -n };
                let base = if w.word(i + 2) == "ago" {
                    dct
                } else {
                    anchor.last_day.or(dct)
                };
                return shifted(base, letter, direction, i, i + 2);
            }
        }
    }
    // "year-end", "year end", "year's end", "the end of the year": the end of
    // this year (of last year after "since"); "the end of the month".
    let end_of = match (
        word,
        w.word(i + 1),
        w.word(i + 2),
        w.word(i + 3),
        w.word(i + 4),
    ) {
        ("year-end", ..) => Some(("year", i)),
        ("year", "end", ..) => Some(("year", i + 1)),
        ("year", "'s", "end", ..) => Some(("year", i + 2)),
        ("the", "end", "of", "the", u @ ("year" | "month")) => Some((u, i + 4)),
        _ => None,
    };
    if let (Some((what, to)), Some(d)) = (end_of, dct) {
        let previous = if i > 0 { w.word(i - 1) } else { "" };
        let back = i16::from(previous == "since");
        return Some(if what == "year" {
            (
                i,
                to,
                Type::Date,
                year_value(d.year() - back),
                Precision::Year,
                Date::new(d.year() - back, 1, 1).ok(),
            )
        } else {
            (
                i,
                to,
                Type::Date,
                ym(d.year(), d.month()),
                Precision::Month,
                Date::new(d.year(), d.month(), 1).ok(),
            )
        });
    }
    // "the year", "the full year", "the fiscal year": the year of the report,
    // unless a year of accounts is being measured ("the year ended Sept. 30").
    if word == "the" {
        let k = if matches!(w.word(i + 1), "full" | "fiscal") {
            i + 2
        } else {
            i + 1
        };
        if w.word(k) == "year" {
            let after = w.word(k + 1);
            if matches!(after, "ended" | "ending") {
                return Some((i, k, Type::Duration, "P1Y".into(), Precision::None, None));
            }
            // "the year two thousand".
            if after == "two" && w.word(k + 2) == "thousand" {
                return Some((
                    i,
                    k + 2,
                    Type::Date,
                    "2000".into(),
                    Precision::Year,
                    Date::new(2000, 1, 1).ok(),
                ));
            }
            let anaphoric = matches!(
                after,
                "before"
                    | "after"
                    | "earlier"
                    | "later"
                    | "ago"
                    | "when"
                    | "that"
                    | "in"
                    | "since"
                    | "of"
                    | "-"
                    | "which"
                    | "following"
                    | "old"
            ) || w.is_number(k + 1);
            if !anaphoric {
                if let Some(d) = dct {
                    return Some((
                        i,
                        k,
                        Type::Date,
                        year_value(d.year()),
                        Precision::Year,
                        Date::new(d.year(), 1, 1).ok(),
                    ));
                }
            }
        }
    }
    // "last week", "this month", "next year", "earlier this month", "later this month",
    // "early this month", "late last year", "since last year", "over the weekend".
    let (from, modifier, k) = match (word, w.word(i + 1)) {
        ("earlier" | "later" | "early" | "late", m @ ("this" | "last" | "next")) => (i, m, i + 2),
        (m @ ("this" | "last" | "next" | "past" | "coming"), _) => (i, m, i + 1),
        ("the", "weekend") => (i, "the", i + 1),
        // "the summer", "the winter of 1994".
        ("the", season) if season_of(season).is_some() => (i, "the", i + 1),
        // "the past year", "the last decade".
        ("the", m @ ("past" | "last"))
            if unit(w.word(i + 2)).is_some() && !w.word(i + 2).ends_with('s') =>
        {
            (i, m, i + 2)
        }
        // "the current quarter", "the current fiscal year": this one.
        ("the", "current") if w.word(i + 2) == "fiscal" => (i, "this", i + 3),
        ("the", "current") => (i, "this", i + 2),
        _ => return None,
    };
    let what = w.word(k);
    let dct = dct?;
    let shift = match modifier {
        "last" | "past" => -1,
        "next" | "coming" => 1,
        _ => 0,
    };
    if let Some(season) = season_of(what) {
        // "the winter of 1994", "the winter of nineteen ninety-four"; but "the
        // fall of the Soviet Union" is no season.
        if w.word(k + 1) == "of" {
            let named = if w.is_number(k + 2) && w.raw(k + 2).len() == 4 {
                w.raw(k + 2).parse::<i16>().ok().map(|y| (y, k + 2))
            } else if w.word(k + 2) == "nineteen" {
                spelled_tens(w.word(k + 3)).map(|t| (1900 + t, k + 3))
            } else {
                None
            };
            if let Some((year, to)) = named {
                return Some((
                    from,
                    to,
                    Type::Date,
                    format!("{year:04}-{season}"),
                    Precision::Season,
                    Date::new(year, 1, 1).ok(),
                ));
            }
            if modifier == "the" {
                return None;
            }
        }
        // "since the fall": the last one.
        let previous = if from > 0 { w.word(from - 1) } else { "" };
        if modifier == "the" && previous == "since" && season_code(dct) < season_rank(season) {
            let year = dct.year() - 1;
            return Some((
                from,
                k,
                Type::Date,
                format!("{year:04}-{season}"),
                Precision::Season,
                Date::new(year, 1, 1).ok(),
            ));
        }
        let year = dct.year()
            + if shift < 0 && season_code(dct) <= season_rank(season) {
                -1
            } else {
                0
            }
            + if shift > 0 { 1 } else { 0 };
        return Some((
            from,
            k,
            Type::Date,
            format!("{year:04}-{season}"),
            Precision::Season,
            Date::new(year, 1, 1).ok(),
        ));
    }
    match what.trim_end_matches('s') {
        "week" if what == "week" => {
            let date = add_days(dct, 7 * shift)?;
            Some((
                from,
                k,
                Type::Date,
                week_value(date),
                Precision::Week,
                Some(date),
            ))
        }
        "weekend" => {
            // The weekend before publication (or this one, if published on it).
            let back = i64::from(dct.weekday().to_monday_zero_offset() - 5).rem_euclid(7);
            let saturday = add_days(dct, if shift > 0 { 7 - back } else { -back })?;
            Some((
                from,
                k,
                Type::Date,
                format!("{}-WE", week_value(saturday)),
                Precision::Week,
                Some(saturday),
            ))
        }
        "month" if what == "month" => {
            let date = add_months(dct, shift)?;
            Some((
                from,
                k,
                Type::Date,
                ym(date.year(), date.month()),
                Precision::Month,
                Date::new(date.year(), date.month(), 1).ok(),
            ))
        }
        "year" if what == "year" => {
            let year = dct.year() + shift as i16;
            Some((
                from,
                k,
                Type::Date,
                year_value(year),
                Precision::Year,
                Date::new(year, 1, 1).ok(),
            ))
        }
        "quarter" if what == "quarter" => {
            let q = (dct.month() - 1) / 3 + 1;
            let (year, q) = match q as i64 + shift {
                0 => (dct.year() - 1, 4),
                5 => (dct.year() + 1, 1),
                n => (dct.year(), n as i8),
            };
            Some((
                from,
                k,
                Type::Date,
                format!("{year:04}-Q{q}"),
                Precision::Quarter,
                Date::new(year, (q - 1) * 3 + 1, 1).ok(),
            ))
        }
        // "the past decade" is ten years up to now; "the last decade" the
        // decade before this one, as "last year" is the year before.
        "decade" if what == "decade" && modifier == "past" => Some((
            from,
            k,
            Type::Duration,
            "P10Y".into(),
            Precision::None,
            None,
        )),
        "decade" if what == "decade" => {
            let year = (dct.year() / 10 + shift as i16) * 10;
            Some(decade_found(from, k, year))
        }
        _ => None,
    }
}

/// Where a season falls in the year, and the season of a date.
fn season_rank(code: &str) -> i8 {
    match code {
        "WI" => 0,
        "SP" => 1,
        "SU" => 2,
        _ => 3,
    }
}

fn season_code(date: Date) -> i8 {
    match date.month() {
        3..=5 => 1,
        6..=8 => 2,
        9..=11 => 3,
        _ => 0,
    }
}

fn shifted(base: Option<Date>, letter: &str, n: i64, from: usize, to: usize) -> Option<Found> {
    let Some(base) = base else {
        return Some(day_found(None, from, to));
    };
    Some(match letter {
        "D" => {
            let d = add_days(base, n)?;
            (from, to, Type::Date, ymd(d), Precision::Day, Some(d))
        }
        "W" => {
            let d = add_days(base, 7 * n)?;
            (
                from,
                to,
                Type::Date,
                week_value(d),
                Precision::Week,
                Some(d),
            )
        }
        "M" => {
            let d = add_months(base, n)?;
            (
                from,
                to,
                Type::Date,
                ym(d.year(), d.month()),
                Precision::Month,
                Some(d),
            )
        }
        "Y" => {
            let year = base.year() + n as i16;
            (
                from,
                to,
                Type::Date,
                year_value(year),
                Precision::Year,
                Date::new(year, 1, 1).ok(),
            )
        }
        _ => return None,
    })
}

/// Which year a quarter or half belongs to, as the words say it.
#[derive(Clone, Copy, PartialEq)]
enum QuarterYear {
    /// "the third quarter of 1984", "the 1988 quarter", "fiscal 1989's".
    Named(i16),
    /// "this year's", "last year's", "next year's": counted from publication.
    Deictic(i16),
    /// "the year-ago quarter", "the quarter a year earlier": a year before
    /// the quarter the report is about.
    YearBefore,
    Unsaid,
}

/// "the third quarter", "third-quarter", "the 1988 third quarter", "the third
/// quarter of 1984", "this year's third quarter", "next year's first quarter",
/// "the year-ago quarter", "the year-earlier period", "the quarter a year
/// ago", "the first half", "the last half of 1989", "the quarter".
///
/// Earnings reports are about one quarter: "the quarter", "the period" and
/// "a year earlier" refer to the quarter the report last named (its focus).
/// A quarter named by number alone is the latest such quarter to have begun
/// by publication ("the fourth quarter" in January is last year's), or the
/// one the sentence names with a year.
fn quarter(w: &Words, i: usize, anchor: &Anchor) -> Option<Found> {
    let ordinal = |s: &str| match s {
        "first" => Some(1),
        "second" => Some(2),
        "third" => Some(3),
        "fourth" => Some(4),
        _ => None,
    };
    let four_digit_year = |k: usize| -> Option<i16> {
        (w.is_number(k) && w.raw(k).len() == 4)
            .then(|| w.raw(k).parse().ok())
            .flatten()
            .filter(|y| (1900..=2100).contains(y))
    };
    let mut k = i;
    let the = w.word(k) == "the";
    if the {
        k += 1;
        if matches!(w.word(k), "comparable" | "corresponding" | "same") {
            k += 1;
        }
    }
    let mut year = QuarterYear::Unsaid;
    match w.word(k) {
        "year-ago" | "year-earlier" | "prior-year" if the => {
            year = QuarterYear::YearBefore;
            k += 1;
        }
        m @ ("this" | "last" | "next") if w.word(k + 1) == "year" && w.word(k + 2) == "'s" => {
            year = QuarterYear::Deictic(match m {
                "last" => -1,
                "next" => 1,
                _ => 0,
            });
            k += 3;
        }
        "fiscal" if four_digit_year(k + 1).is_some() && w.word(k + 2) == "'s" => {
            year = QuarterYear::Named(four_digit_year(k + 1)?);
            k += 3;
        }
        _ if the && four_digit_year(k).is_some() => {
            year = QuarterYear::Named(four_digit_year(k)?);
            k += 1;
        }
        _ => {}
    }
    if w.word(k) == "fiscal" && year == QuarterYear::Unsaid {
        k += 1;
    }
    let word = w.word(k);
    let spelled = |suffix: &str| word.strip_suffix(suffix).and_then(ordinal);
    // (number, is a half, last token)
    let (number, half, mut to) = if let Some(n) = spelled("-quarter") {
        (Some(n), false, k)
    } else if let Some(n) = spelled("-half") {
        (Some(n), true, k)
    } else if let Some(n) = ordinal(word) {
        match w.word(k + 1) {
            "quarter" => (Some(n), false, k + 1),
            "half" if n <= 2 => (Some(n), true, k + 1),
            _ => return None,
        }
    } else if the && word == "last" && w.word(k + 1) == "half" {
        (Some(2), true, k + 1)
    } else if the || year != QuarterYear::Unsaid {
        match (word, w.word(k + 1)) {
            ("quarter", _) => (None, false, k),
            ("latest" | "recent", "quarter" | "period") => (None, false, k + 1),
            ("period", _) if year != QuarterYear::Unsaid => (None, false, k),
            _ => return None,
        }
    } else {
        return None;
    };
    // "of 1984", "of this year", "of fiscal 1990".
    if w.word(to + 1) == "of" {
        let mut at = to + 2;
        if w.word(at) == "fiscal" {
            at += 1;
        }
        if let Some(y) = four_digit_year(at) {
            year = QuarterYear::Named(y);
            to = at;
        } else if w.word(at + 1) == "year" {
            if let Some(shift) = match w.word(at) {
                "this" => Some(0),
                "last" => Some(-1),
                "next" => Some(1),
                _ => None,
            } {
                year = QuarterYear::Deictic(shift);
                to = at + 1;
            }
        }
    }
    // "the quarter a year ago": one timex, a year before the focus.
    let mut year_before = year == QuarterYear::YearBefore;
    if number.is_none()
        && w.word(to + 1) == "a"
        && w.word(to + 2) == "year"
        && matches!(w.word(to + 3), "ago" | "earlier")
    {
        year_before = true;
        to += 3;
    }
    let Some(dct) = anchor.published else {
        let value = match (number, half) {
            (Some(n), true) => format!("XXXX-H{n}"),
            (Some(n), false) => format!("XXXX-Q{n}"),
            (None, _) => "XXXX-QX".to_string(),
        };
        return Some((i, to, Type::Date, value, Precision::Quarter, None));
    };
    let current = (dct.month() - 1) / 3 + 1;
    let focus = anchor.focus_quarter.map(|(y, q, _)| (y, q));
    // The latest quarter completed before publication.
    let completed = if current == 1 {
        (dct.year() - 1, 4)
    } else {
        (dct.year(), current - 1)
    };
    let (default_year, q) = match number {
        Some(n) if half => (dct.year() - i16::from(n == 2 && current <= 2), n),
        Some(n) => {
            // Earnings of a past quarter are still "will be" news, so the
            // tense does not move a numbered quarter forward.
            let begun = if n <= current {
                dct.year()
            } else {
                dct.year() - 1
            };
            (begun, n)
        }
        None => focus.unwrap_or(completed),
    };
    let mut year = match year {
        QuarterYear::Named(y) => y,
        QuarterYear::Deictic(shift) => dct.year() + shift,
        QuarterYear::YearBefore | QuarterYear::Unsaid => focus
            .filter(|_| number.is_none())
            .map_or(default_year, |f| f.0),
    };
    if year_before {
        year -= 1;
    }
    let (value, first_month) = if half {
        (format!("{year:04}-H{q}"), (q - 1) * 6 + 1)
    } else {
        (format!("{year:04}-Q{q}"), (q - 1) * 3 + 1)
    };
    Some((
        i,
        to,
        Type::Date,
        value,
        Precision::Quarter,
        Date::new(year, first_month, 1).ok(),
    ))
}

/// Whether the words before `i` count something that "a year" then makes a
/// rate of: "$1 billion a year", "10,000 units annually", "interviews a day".
fn counted_before(w: &Words, i: usize) -> bool {
    const MAGNITUDES: &[&str] = &[
        "hundred",
        "thousand",
        "million",
        "billion",
        "trillion",
        "dozens",
        "hundreds",
        "thousands",
        "millions",
        "percent",
        "%",
        "times",
        "once",
        "twice",
    ];
    if i == 0 {
        return false;
    }
    let previous = w.word(i - 1);
    if w.is_number(i - 1) || MAGNITUDES.contains(&previous) {
        return true;
    }
    // A plural noun after a number: "fifty thousand CDs a year".
    previous.len() > 3
        && previous.ends_with('s')
        && (i.saturating_sub(4)..i - 1).any(|k| w.is_number(k) || MAGNITUDES.contains(&w.word(k)))
}

/// "nine months", "ten-month-long", "the first nine months", "two years",
/// "months", "every week", "daily".
fn duration_or_set(w: &Words, i: usize) -> Option<Found> {
    let word = w.word(i);
    let set = |from: usize, to: usize, value: &str| {
        Some((
            from,
            to,
            Type::Set,
            value.to_string(),
            Precision::None,
            None,
        ))
    };
    match word {
        "daily" => return set(i, i, "P1D"),
        "hourly" => return set(i, i, "PT1H"),
        "weekly" => return set(i, i, "P1W"),
        "monthly" => return set(i, i, "P1M"),
        "annually" | "yearly" => return set(i, i, "P1Y"),
        "every" | "each" => {
            let next = w.word(i + 1);
            if let Some(value) = period("1", next).filter(|_| !next.ends_with('s')) {
                return set(i, i + 1, &value);
            }
            // "each Thursday", "every July": that day of every week, that month of every year.
            if let Some(day) = weekday_of(next) {
                return set(i, i + 1, &format!("XXXX-WXX-{}", day + 1));
            }
            if let Some(month) = month_of(next).filter(|_| w.capital(i + 1)) {
                return set(i, i + 1, &format!("XXXX-{month:02}"));
            }
        }
        _ => {}
    }
    // A hyphenated compound: "ten-month-long", "20-year", "nine-month"; not an age ("six-year-old").
    if let Some((number, rest)) = word.split_once('-').filter(|_| !word.ends_with("-old")) {
        let mut parts = rest.split('-');
        let unit_word = parts.next().unwrap_or("");
        // "three-quarters of its food" is a share, not a length.
        let share = unit_word.starts_with("quarter") && w.word(i + 1) == "of";
        if let Some(n) = small_number(number).filter(|&n| n > 0 && !share) {
            if let Some(value) = period(&n.to_string(), unit_word) {
                return Some((i, i, Type::Duration, value, Precision::None, None));
            }
        }
        // "day-long" lasts a day, "decades-long" some decades.
        if rest == "long" {
            let amount = if number.ends_with('s') { "X" } else { "1" };
            if let Some(value) = period(amount, number) {
                return Some((i, i, Type::Duration, value, Precision::None, None));
            }
        }
    }
    // "20-year": digits, hyphen, unit, written as three tokens; not "76-year-old".
    if w.is_number(i) && w.word(i + 1) == "-" && w.joined(i) && !w.word(i + 2).ends_with("-old") {
        if let Some(value) = period(w.raw(i), w.word(i + 2)) {
            return Some((i, i + 2, Type::Duration, value, Precision::None, None));
        }
    }
    // "the first nine months", "nine months", "two more weeks", "a year",
    // "$1 billion a year".
    let mut k = i;
    if word == "the" {
        k += 1;
        if matches!(w.word(k), "first" | "last" | "past" | "next" | "previous") {
            k += 1;
        }
    }
    let n = small_number(w.word(k));
    let mut unit_at = k + 1;
    if matches!(
        w.word(unit_at),
        "more" | "additional" | "straight" | "consecutive"
    ) {
        unit_at += 1;
    }
    if let (Some(n), Some((letter, _))) = (n, unit(w.word(unit_at))) {
        let after = w.word(unit_at + 1);
        // An age: "52 years old", "55 years of age"; a share: "a quarter of".
        if after == "old"
            || (after == "of" && w.word(unit_at + 2) == "age")
            || (after == "of" && w.word(unit_at).starts_with("quarter"))
        {
            return None;
        }
        // "a day earlier" and "two years ago" are dates, found before this;
        // "the day before." too. "30 days before closing" is a stretch of time.
        if matches!(after, "ago" | "earlier" | "later")
            || (matches!(after, "before" | "after")
                && !w
                    .tokens
                    .get(unit_at + 2)
                    .is_some_and(|t| t.kind == newslens_core::text::TokenKind::Word))
        {
            return None;
        }
        if matches!(w.word(k), "a" | "an") && word != "the" {
            // "$1 billion a year", "hundreds of interviews a day": a rate.
            if unit_at == k + 1 && counted_before(w, i) {
                return set(i, unit_at, &format!("P1{letter}"));
            }
            // Otherwise "a year" needs a word of lasting before it.
            let previous = if i > 0 { w.word(i - 1) } else { "" };
            if !matches!(
                previous,
                "for" | "than" | "about" | "nearly" | "over" | "almost" | "in" | "within" | "least"
            ) {
                return None;
            }
        }
        let value = period(&n.to_string(), w.word(unit_at))?;
        return Some((i, unit_at, Type::Duration, value, Precision::None, None));
    }
    // "for a while": some time, of no stated length.
    if word == "a"
        && w.word(i + 1) == "while"
        && i > 0
        && matches!(w.word(i - 1), "for" | "in" | "after")
    {
        return Some((
            i,
            i + 1,
            Type::Duration,
            "PXX".into(),
            Precision::None,
            None,
        ));
    }
    // "the next few days", "the past several weeks".
    if word == "the" && matches!(w.word(k), "few" | "several") {
        if let Some(value) = period("X", w.word(k + 1)).filter(|_| w.word(k + 1).ends_with('s')) {
            return Some((i, k + 1, Type::Duration, value, Precision::None, None));
        }
    }
    // "a few days", "several weeks".
    if (word == "a" && w.word(i + 1) == "few") || word == "several" {
        let k = if word == "a" { i + 2 } else { i + 1 };
        if let Some(value) = period("X", w.word(k)).filter(|_| w.word(k).ends_with('s')) {
            if !matches!(w.word(k + 1), "ago" | "earlier" | "later") {
                return Some((i, k, Type::Duration, value, Precision::None, None));
            }
        }
    }
    // Bare plural units as vague durations: "for months", "weeks of talks".
    let plural_unit = |word: &str| {
        matches!(
            word,
            "days" | "weeks" | "months" | "years" | "decades" | "centuries"
        )
    };
    if plural_unit(word) {
        let previous = if i > 0 { w.word(i - 1) } else { "" };
        // "days or weeks", "for weeks and months".
        let coordinated = (matches!(w.word(i + 1), "or" | "and") && plural_unit(w.word(i + 2)))
            || (matches!(previous, "or" | "and") && i >= 2 && plural_unit(w.word(i - 2)));
        // "weeks of talks" lasts; "the days of sandlot games" is an era.
        if matches!(
            previous,
            "for" | "in" | "within" | "of" | "several" | "many" | "recent"
        ) || (w.word(i + 1) == "of" && previous != "the")
            || coordinated
        {
            // "recent weeks": a stretch of unknown length up to now.
            return Some((
                if previous == "recent" { i - 1 } else { i },
                i,
                Type::Duration,
                period("X", word)?,
                Precision::None,
                None,
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    /// Every number name the "the" look-up lists is one `small_number`
    /// knows, and the words it does not list begin no rule after "the".
    #[test]
    fn the_look_up_agrees_with_the_rules() {
        for word in ["one", "twelve", "fifty", "hundred", "a", "an", "zero"] {
            assert!(super::small_number(word).is_some(), "{word}");
            assert_ne!(super::AFTER_THE.get(word), 0, "{word}");
        }
        for word in [
            "coronavirus",
            "outbreak",
            "several",
            "few",
            "year-ago",
            "period",
        ] {
            assert_eq!(
                super::AFTER_THE.get(word) != 0,
                !matches!(word, "coronavirus" | "outbreak")
            );
        }
    }
}
