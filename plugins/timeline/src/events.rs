//! Events: a clause that a temporal expression anchors, with a short
//! who-did-what summary, the parties it names, and the words that let the
//! reduce recognise the same event in another outlet.

use std::collections::BTreeSet;

use newslens_core::text::TokenKind;
use newslens_core::{AnnotatedDoc, ColumnType, Row, Span, Table};

use crate::timex::{Precision, Timex, Type};

pub fn events_table() -> Table {
    use ColumnType::*;
    Table::new(
        "events",
        &[
            ("doc", Text),
            ("source", Text),
            ("date", Text),
            ("precision", Text),
            ("summary", Text),
            ("actors", Text),
            ("start", Int),
            ("end", Int),
            ("written", Text),
            ("terms", Text),
        ],
    )
}

/// Words too common in news to tie two reports together.
const STOP: &[&str] = &[
    "the",
    "and",
    "that",
    "with",
    "from",
    "this",
    "have",
    "were",
    "been",
    "which",
    "their",
    "they",
    "said",
    "says",
    "will",
    "would",
    "about",
    "after",
    "before",
    "also",
    "into",
    "over",
    "than",
    "there",
    "these",
    "those",
    "what",
    "when",
    "where",
    "while",
    "other",
    "more",
    "most",
    "some",
    "such",
    "only",
    "according",
    "told",
    "year",
    "month",
    "week",
    "day",
    "last",
    "early",
    "late",
    "later",
    "earlier",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "it's",
    "its",
    "his",
    "her",
    "them",
    "then",
    "being",
    "could",
    "should",
    "because",
];

/// Verbs in past and present forms that anchor an event, beyond regular "-ed".
const VERBS: &[&str] = &[
    "met", "meet", "meets", "left", "leave", "leaves", "said", "says", "told", "held", "hold",
    "holds", "began", "begin", "begins", "took", "take", "fell", "went", "came", "made", "hit",
    "won", "lost", "fled", "led", "sent", "saw", "gave", "got", "ran", "kept", "broke", "struck",
    "shot", "fought", "sought", "brought", "bought", "sold", "built", "spoke", "wrote", "rose",
    "drew", "chose", "threw", "knew", "grew", "paid", "put", "set", "cut", "quit", "split", "read",
    "become", "became", "sign", "signs", "launch", "launches", "visit", "visits", "attack",
    "attacks", "kill", "kills", "resume", "resumes", "start", "starts", "end", "ends", "call",
    "calls", "warn", "warns", "agree", "agrees",
];

fn is_verb(word: &str) -> bool {
    VERBS.contains(&word) || (word.len() > 4 && word.ends_with("ed"))
}

/// The words of one sentence, worked out once for all the timexes in it.
struct SentenceWords<'a> {
    index: usize,
    /// Each token lower-cased.
    lower: Vec<String>,
    /// The parties the sentence names.
    actors: BTreeSet<&'a str>,
    /// The key words that tie reports together, with the token each comes from.
    terms: Vec<(Span, String)>,
}

impl<'a> SentenceWords<'a> {
    fn new(doc: &'a AnnotatedDoc, index: usize) -> SentenceWords<'a> {
        let sentence = doc.sentences[index];
        let tokens = doc.tokens_in(sentence);
        let lower: Vec<String> = tokens
            .iter()
            .map(|tok| doc.slice(tok.span).to_lowercase())
            .collect();
        let actors = doc
            .mentions_in(sentence)
            .iter()
            .map(|m| doc.gazetteer.actors[m.actor].id.as_str())
            .collect();
        let terms = tokens
            .iter()
            .zip(&lower)
            .filter(|(tok, _)| tok.kind == TokenKind::Word)
            .map(|(tok, word)| (tok.span, word.replace(['-', '\u{2010}', '\u{2011}'], "")))
            .filter(|(_, w)| w.chars().count() >= 4 && !STOP.contains(&w.as_str()))
            .collect();
        SentenceWords {
            index,
            lower,
            actors,
            terms,
        }
    }
}

/// One event per dated clause: DATE and TIME expressions with a calendar value.
pub fn events(doc: &AnnotatedDoc, timexes: &[Timex]) -> Table {
    let mut table = events_table();
    let mut words: Option<SentenceWords> = None;
    for t in timexes {
        if !matches!(t.kind, Type::Date | Type::Time)
            || t.precision == Precision::None
            || t.date.is_none()
        {
            continue;
        }
        let Some(index) = doc.sentence_index(t.span.start) else {
            continue;
        };
        if words.as_ref().is_none_or(|w| w.index != index) {
            words = Some(SentenceWords::new(doc, index));
        }
        let words = words.as_ref().expect("set just above");
        let sentence = doc.sentences[index];
        let summary = summary(doc, sentence, &words.lower, t.span);
        let terms: BTreeSet<&str> = words
            .terms
            .iter()
            .filter(|(span, _)| !t.span.contains(*span))
            .map(|(_, term)| term.as_str())
            .collect();
        let value = t.value.split('T').next().unwrap_or(&t.value).to_string();
        table.push(
            Row::new(vec![
                doc.id().into(),
                doc.source().into(),
                value.into(),
                t.precision.name().into(),
                summary.into(),
                words
                    .actors
                    .iter()
                    .copied()
                    .collect::<Vec<_>>()
                    .join(",")
                    .into(),
                doc.char_offset(sentence.start).into(),
                doc.char_offset(sentence.end).into(),
                doc.slice(t.span).into(),
                terms.into_iter().collect::<Vec<_>>().join(" ").into(),
            ])
            .with_evidence(doc.evidence(sentence))
            .with_evidence(doc.evidence(t.span)),
        );
    }
    table
}

/// Who did what: the verb nearest the date expression, the words before it
/// back to the clause's start (its subject), and a few after it (its object),
/// without the date expression itself.
fn summary(doc: &AnnotatedDoc, sentence: Span, lower: &[String], timex: Span) -> String {
    let tokens = doc.tokens_in(sentence);
    let word = |i: usize| doc.slice(tokens[i].span);
    let lower = |i: usize| lower[i].as_str();
    let inside = |i: usize| timex.contains(tokens[i].span);
    // Prepositions that only introduce the date belong to it.
    let attached = |i: usize| {
        matches!(
            lower(i),
            "on" | "in" | "at" | "since" | "until" | "by" | "during" | "over" | "late" | "early"
        ) && (i + 1..tokens.len()).take(2).any(inside)
    };
    let at = tokens.partition_point(|t| t.span.start < timex.start);
    let verbs: Vec<usize> = (0..tokens.len())
        .filter(|&i| !inside(i) && is_verb(lower(i)))
        .collect();
    let Some(&verb) = verbs
        .iter()
        .min_by_key(|&&v| (v as i64 - at as i64).unsigned_abs())
    else {
        return doc.slice(sentence).chars().take(100).collect();
    };
    let boundary = |i: usize| {
        matches!(
            word(i),
            "," | ";" | ":" | "“" | "”" | "\"" | "(" | ")" | "—" | "–"
        ) || matches!(
            lower(i),
            "that" | "after" | "before" | "while" | "when" | "because" | "which" | "who"
        )
    };
    let mut start = verb;
    while start > 0 && verb - start < 8 && !boundary(start - 1) {
        start -= 1;
    }
    let mut end = verb + 1;
    while end < tokens.len() && end - verb < 9 && !boundary(end) && word(end) != "." {
        end += 1;
    }
    let mut out = String::new();
    for i in start..end {
        if inside(i) || attached(i) {
            continue;
        }
        let t = tokens[i];
        let glued = i > start && tokens[i - 1].span.end == t.span.start && !out.is_empty();
        if !out.is_empty() && !glued {
            out.push(' ');
        }
        out.push_str(doc.slice(t.span));
    }
    out.trim_matches(|c: char| c == ',' || c.is_whitespace())
        .to_string()
}
