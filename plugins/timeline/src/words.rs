//! A document's tokens as written and lower-cased, worked out once per
//! document and shared by the tagger and the event rules: lower-casing
//! every token into a `String` of its own, sentence by sentence and again
//! for each dated sentence, was a large part of the map's time.

use std::ops::Range;

use newslens_core::text::{AnnotatedDoc, Token, TokenKind};
use newslens_core::Span;

/// Every token of a document lower-cased.
pub struct Lowered {
    /// The document's text with its ASCII letters lower-cased: an ASCII
    /// token's lower-case form lies at its own span here.
    text: String,
    /// The other tokens lower-cased, in token order, end to end, with where
    /// each ends: lower-casing can change a letter's length ("İ").
    others: String,
    other_ends: Vec<usize>,
}

impl Lowered {
    pub fn new(doc: &AnnotatedDoc) -> Lowered {
        let text = doc.text().to_ascii_lowercase();
        let (mut others, mut other_ends) = (String::new(), Vec::new());
        for token in &doc.tokens {
            if !token_bytes(doc.text(), token).is_ascii() {
                others.push_str(&doc.slice(token.span).to_lowercase());
                other_ends.push(others.len());
            }
        }
        Lowered {
            text,
            others,
            other_ends,
        }
    }
}

/// A token's bytes: cheaper to reach than its `str`, which checks that both
/// ends fall on character boundaries.
fn token_bytes<'t>(text: &'t str, token: &Token) -> &'t [u8] {
    &text.as_bytes()[token.span.start as usize..token.span.end as usize]
}

/// A document's tokens lower-cased, by token index.
pub struct DocWords<'a> {
    pub doc: &'a AnnotatedDoc,
    /// Each token lower-cased.
    pub lower: Vec<&'a str>,
}

impl<'a> DocWords<'a> {
    pub fn new(doc: &'a AnnotatedDoc, lowered: &'a Lowered) -> DocWords<'a> {
        let mut others = lowered.other_ends.iter();
        let mut other_start = 0;
        let lower = doc
            .tokens
            .iter()
            .map(|token| {
                if token_bytes(doc.text(), token).is_ascii() {
                    return &lowered.text[token.span.range()];
                }
                let end = *others.next().expect("Lowered holds every non-ASCII token");
                let word = &lowered.others[other_start..end];
                other_start = end;
                word
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
    /// Token `i` lower-cased; "" past the end.
    pub fn word(&self, i: usize) -> &str {
        self.lower.get(i).copied().unwrap_or("")
    }

    /// Token `i` as written; "" past the end.
    pub fn raw(&self, i: usize) -> &str {
        self.tokens.get(i).map_or("", |t| self.doc.slice(t.span))
    }

    pub fn is_number(&self, i: usize) -> bool {
        self.tokens
            .get(i)
            .is_some_and(|t| t.kind == TokenKind::Number)
    }

    pub fn capital(&self, i: usize) -> bool {
        let Some(token) = self.tokens.get(i) else {
            return false;
        };
        // An ASCII first letter needs neither the token's `str` nor Unicode's tables.
        match token_bytes(self.doc.text(), token).first() {
            Some(&b) if b.is_ascii() => b.is_ascii_uppercase(),
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
    use newslens_core::testing;

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
