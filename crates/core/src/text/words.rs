//! A sentence's tokens with their lower-case forms, for rules that look a
//! few words left and right: the one view every analyzer's patterns use.

use super::tokens::{Token, TokenKind};
use super::AnnotatedDoc;
use crate::Span;

pub struct Words<'a> {
    pub doc: &'a AnnotatedDoc,
    pub tokens: &'a [Token],
    /// Each token lower-cased.
    pub lower: Vec<String>,
}

impl<'a> Words<'a> {
    /// The tokens inside `span` (usually a sentence).
    pub fn new(doc: &'a AnnotatedDoc, span: Span) -> Words<'a> {
        let tokens = doc.tokens_in(span);
        Words {
            doc,
            tokens,
            lower: tokens
                .iter()
                .map(|t| doc.slice(t.span).to_lowercase())
                .collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// Token `i` lower-cased; "" past either end.
    pub fn word(&self, i: usize) -> &str {
        self.lower.get(i).map_or("", String::as_str)
    }

    /// Token `i` as written; "" past either end.
    pub fn raw(&self, i: usize) -> &str {
        self.tokens.get(i).map_or("", |t| self.doc.slice(t.span))
    }

    pub fn is_number(&self, i: usize) -> bool {
        self.tokens
            .get(i)
            .is_some_and(|t| t.kind == TokenKind::Number)
    }

    pub fn capital(&self, i: usize) -> bool {
        self.raw(i).chars().next().is_some_and(char::is_uppercase)
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

    /// The index of the first token that starts at or after `span.start`.
    pub fn index_of(&self, span: Span) -> usize {
        self.tokens.partition_point(|t| t.span.start < span.start)
    }

    /// The index of the first token that starts at or after `span.end`.
    pub fn index_after(&self, span: Span) -> usize {
        self.tokens.partition_point(|t| t.span.start < span.end)
    }
}

#[cfg(test)]
mod tests {
    use crate::testing;

    #[test]
    fn a_window_on_a_sentence() {
        let doc = testing::annotate("Haftar's 20-year rule. Next.", None);
        let words = super::Words::new(&doc, doc.sentences[0]);
        assert_eq!(words.word(0), "haftar");
        assert_eq!(words.raw(0), "Haftar");
        assert!(words.capital(0) && !words.capital(1));
        assert!(words.is_number(2) && words.joined(2));
        assert_eq!(words.word(99), "");
        assert_eq!(doc.slice(words.span(2, 4)), "20-year");
    }
}
