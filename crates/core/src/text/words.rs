//! A document's tokens as written and lower-cased, worked out once per
//! document, and windows on them for rules that look a few words left and
//! right: the one view every analyzer's patterns use. Lower-casing every
//! token into a `String` of its own, sentence by sentence, was a large part
//! of the timeline map's time.

use std::ops::Range;

use super::tokens::{Token, TokenKind};
use super::AnnotatedDoc;
use crate::Span;

/// Every token of a document lower-cased.
#[derive(Clone, Debug)]
pub struct Lowered {
    /// The document's text with its ASCII letters lower-cased, so that an
    /// ASCII token's lower-case form lies at its own span; after it, the
    /// other tokens lower-cased (lower-casing can change a letter's
    /// length: "İ").
    text: String,
    /// Where each token's lower-case form lies in `text`.
    spans: Vec<(u32, u32)>,
}

impl Lowered {
    pub fn new(doc: &AnnotatedDoc) -> Lowered {
        let original = doc.text().as_bytes();
        let mut text = doc.text().to_ascii_lowercase();
        let mut spans = Vec::with_capacity(doc.tokens.len());
        // The first non-ASCII byte at or after the last token scanned from:
        // tokens come in text order, so the text is scanned once, not once
        // per token.
        let first_other = |from: usize| {
            // Whole chunks at a time: `is_ascii` reads a word per step.
            let mut at = from;
            for chunk in original[from..].chunks(32) {
                if !chunk.is_ascii() {
                    return at + chunk.iter().position(|b| !b.is_ascii()).unwrap_or(0);
                }
                at += chunk.len();
            }
            original.len()
        };
        let mut next_other = first_other(0);
        for token in &doc.tokens {
            let (start, end) = (token.span.start as usize, token.span.end as usize);
            if next_other < start {
                next_other = first_other(start);
            }
            let raw = if next_other >= end {
                None
            } else {
                Some(doc.slice(token.span))
            };
            // Curly quotes and dashes are most of the other tokens; like ASCII
            // ones, they are their own lower case at their own span.
            if raw.is_none_or(caseless) {
                spans.push((token.span.start, token.span.end));
                continue;
            }
            let from = text.len() as u32;
            text.push_str(&raw.unwrap_or_default().to_lowercase());
            spans.push((from, text.len() as u32));
        }
        Lowered { text, spans }
    }
}

/// Whether lower-casing leaves a token's non-ASCII characters as they are:
/// Latin-1's punctuation and signs, general punctuation and currency signs
/// have no case.
fn caseless(token: &str) -> bool {
    token.chars().all(|c| {
        c.is_ascii()
            || matches!(c, '\u{a0}'..='\u{bf}' | '\u{2000}'..='\u{206f}' | '\u{20a0}'..='\u{20cf}')
    })
}

/// A document's tokens lower-cased, by token index.
pub struct DocWords<'a> {
    pub doc: &'a AnnotatedDoc,
    /// Each token lower-cased.
    pub lower: Vec<&'a str>,
}

impl<'a> DocWords<'a> {
    pub fn new(doc: &'a AnnotatedDoc, lowered: &'a Lowered) -> DocWords<'a> {
        let text = lowered.text.as_str();
        let lower = lowered
            .spans
            .iter()
            .map(|&(start, end)| {
                let (start, end) = (start as usize, end as usize);
                debug_assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
                // SAFETY: `Lowered::new` (its fields are private) makes each
                // span either a token's own span, on character boundaries of
                // the document's text, which lower-casing ASCII letters in
                // place keeps, or the bounds of a string it appended whole;
                // and every span lies inside `text`. Checking two boundaries
                // per token was most of this loop's cost, paid by every
                // analyzer that reads words (timeline, casualty-figure).
                unsafe { text.get_unchecked(start..end) }
            })
            .collect();
        DocWords { doc, lower }
    }

    /// The indices in `doc.tokens` of the tokens inside `span` (those
    /// [`AnnotatedDoc::tokens_in`] gives).
    pub fn token_range(&self, span: Span) -> Range<usize> {
        let tokens = self.doc.tokens_in(span);
        // The slice lies inside `doc.tokens`: its offset there is its index.
        let from = (tokens.as_ptr() as usize - self.doc.tokens.as_ptr() as usize)
            / std::mem::size_of::<Token>().max(1);
        from..from + tokens.len()
    }

    /// A window on the tokens of one span (usually a sentence).
    pub fn window(&self, span: Span) -> Words<'_> {
        let range = self.token_range(span);
        Words {
            doc: self.doc,
            tokens: &self.doc.tokens[range.clone()],
            lower: &self.lower[range],
        }
    }
}

/// The tokens of one sentence, indexed from its first.
pub struct Words<'a> {
    pub doc: &'a AnnotatedDoc,
    pub tokens: &'a [Token],
    pub lower: &'a [&'a str],
}

impl Words<'_> {
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// The index of the first token that starts at or after `span.start`.
    pub fn index_of(&self, span: Span) -> usize {
        self.tokens.partition_point(|t| t.span.start < span.start)
    }

    /// The index of the first token that starts at or after `span.end`.
    pub fn index_after(&self, span: Span) -> usize {
        self.tokens.partition_point(|t| t.span.start < span.end)
    }

    /// Token `i` lower-cased; "" past the end.
    pub fn word(&self, i: usize) -> &str {
        self.lower.get(i).copied().unwrap_or("")
    }

    /// Token `i` as written; "" past the end.
    pub fn raw(&self, i: usize) -> &str {
        self.tokens.get(i).map_or("", |t| self.doc.slice(t.span))
    }

    /// Whether token `i` is written in digits ("18", "1,700").
    pub fn is_number(&self, i: usize) -> bool {
        self.tokens
            .get(i)
            .is_some_and(|t| t.kind == TokenKind::Number)
    }

    /// Whether one of the document's numbers starts at token `i`, in digits
    /// or in words ("eighteen", "a dozen", "thousands").
    pub fn starts_number(&self, i: usize) -> bool {
        self.tokens.get(i).is_some_and(|t| {
            self.doc
                .numbers
                .binary_search_by_key(&t.span.start, |n| n.span.start)
                .is_ok()
        })
    }

    pub fn capital(&self, i: usize) -> bool {
        let Some(token) = self.tokens.get(i) else {
            return false;
        };
        // An ASCII first letter needs neither the token's `str` nor Unicode's tables.
        let first = (token.span.start < token.span.end)
            .then(|| self.doc.text().as_bytes()[token.span.start as usize]);
        match first {
            Some(b) if b.is_ascii() => b.is_ascii_uppercase(),
            _ => self.raw(i).chars().next().is_some_and(char::is_uppercase),
        }
    }

    /// Token `i` touches token `i + 1` with no space between ("20-year", "Jan.").
    pub fn joined(&self, i: usize) -> bool {
        match (self.tokens.get(i), self.tokens.get(i + 1)) {
            (Some(a), Some(b)) => a.span.end == b.span.start,
            _ => false,
        }
    }

    /// The span from token `from` to token `to`, both included.
    pub fn span(&self, from: usize, to: usize) -> Span {
        self.tokens[from].span.cover(self.tokens[to].span)
    }
}

#[cfg(test)]
mod tests {
    use crate::testing;

    #[test]
    fn a_window_on_a_sentence() {
        let doc = testing::annotate("Haftar's 20-year rule. İstanbul Next.", None);
        let lowered = super::Lowered::new(&doc);
        let words = super::DocWords::new(&doc, &lowered);
        let first = words.window(doc.sentences[0]);
        assert_eq!(first.word(0), "haftar");
        assert_eq!(first.raw(0), "Haftar");
        assert!(first.capital(0) && !first.capital(1));
        assert!(first.is_number(2) && first.joined(2));
        assert_eq!(first.word(99), "");
        assert_eq!(doc.slice(first.span(2, 4)), "20-year");
        // The second sentence's window starts at its own first token, and a
        // letter that grows when lower-cased keeps the words after it in place.
        let second = words.window(doc.sentences[1]);
        assert_eq!(second.word(0), "i\u{307}stanbul");
        assert_eq!(second.raw(1), "Next");
        assert_eq!(second.word(1), "next");
        assert_eq!(second.word(2), ".");
    }
}
