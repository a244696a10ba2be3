//! The shared text layer: paragraphs, sentences, tokens, numbers, quotations
//! and actor mentions, built once per document and read by every analyzer.

pub mod calendar;
pub mod fold;
pub mod mentions;
pub mod numbers;
pub mod quotes;
pub mod sentences;
pub mod tokens;
pub mod words;

use std::ops::Range;
use std::sync::{Arc, OnceLock};

pub use fold::fold;
pub use mentions::{Mention, MentionForm, MentionMatcher};
pub use numbers::{Number, NumberForm};
pub use quotes::Quote;
pub use tokens::{Token, TokenKind};
pub use words::{DocWords, Lowered, Words};

use crate::config::Gazetteer;
use crate::report::Evidence;
use crate::{Document, Span};

/// Builds the text layer; holds what is compiled once per configuration.
pub struct Annotator {
    gazetteer: Arc<Gazetteer>,
    mentions: MentionMatcher,
}

impl Annotator {
    pub fn new(gazetteer: Arc<Gazetteer>) -> Annotator {
        let mentions = MentionMatcher::new(&gazetteer);
        Annotator {
            gazetteer,
            mentions,
        }
    }

    pub fn gazetteer(&self) -> &Arc<Gazetteer> {
        &self.gazetteer
    }

    /// Annotates one document. Pure: the same document always gives the same layer.
    pub fn annotate(&self, doc: Arc<Document>) -> AnnotatedDoc {
        let text = doc.text.as_str();
        let paragraphs = sentences::paragraphs(text);
        // One pass finds the tokens and the few of them where a sentence
        // may end or a number begin.
        let scanned = tokens::scan(text);
        let sentences =
            sentences::sentences_at(text, &paragraphs, &scanned.tokens, &scanned.sentence_marks);
        let numbers = numbers::numbers_at(text, &scanned.tokens, &scanned.number_starts);
        let tokens = scanned.tokens;
        let quotes = quotes::quotes(text, &paragraphs);
        let mentions = self.mentions.find(text);
        AnnotatedDoc {
            doc,
            paragraphs,
            sentences,
            tokens,
            numbers,
            quotes,
            mentions,
            gazetteer: Arc::clone(&self.gazetteer),
            char_index: OnceLock::new(),
            lowered: OnceLock::new(),
        }
    }
}

/// A document with its text layer. All spans are byte spans into `doc.text`,
/// and every list is sorted by start.
#[derive(Clone, Debug)]
pub struct AnnotatedDoc {
    pub doc: Arc<Document>,
    pub paragraphs: Vec<Span>,
    pub sentences: Vec<Span>,
    pub tokens: Vec<Token>,
    pub numbers: Vec<Number>,
    /// Sorted by start; a nested quote follows the quote that holds it.
    pub quotes: Vec<Quote>,
    pub mentions: Vec<Mention>,
    pub gazetteer: Arc<Gazetteer>,
    /// Made on the first character offset asked for: only analyzers that
    /// report evidence need it.
    char_index: OnceLock<CharIndex>,
    /// The tokens lower-cased, made on first use and shared by every
    /// analyzer that reads words (the timeline, casualty figures).
    lowered: OnceLock<Lowered>,
}

/// The indices of the items of `items` (in text order by start) that lie
/// inside `span`: one search for the first that starts in it, one for the
/// first that starts past it, then back to the last that also ends in it.
/// The one such search of the text layer's lists (tokens, numbers,
/// mentions) and of an analyzer's slice of them.
pub fn within<T>(items: &[T], span: Span, span_of: impl Fn(&T) -> Span) -> Range<usize> {
    let from = items.partition_point(|x| span_of(x).start < span.start);
    let to = items.partition_point(|x| span_of(x).start < span.end);
    let to = (from..to)
        .rev()
        .find(|&i| span_of(&items[i]).end <= span.end)
        .map_or(from, |i| i + 1);
    from..to
}

impl AnnotatedDoc {
    pub fn text(&self) -> &str {
        &self.doc.text
    }

    pub fn id(&self) -> &str {
        &self.doc.id
    }

    pub fn source(&self) -> &str {
        &self.doc.meta.source
    }

    pub fn published(&self) -> Option<jiff::civil::Date> {
        self.doc.meta.published
    }

    pub fn slice(&self, span: Span) -> &str {
        span.slice(&self.doc.text)
    }

    /// Every token lower-cased, worked out once per document.
    pub fn lowered(&self) -> &Lowered {
        self.lowered.get_or_init(|| Lowered::new(self))
    }

    /// The document's words as written and lower-cased, for rules that look
    /// a few words around a match.
    pub fn words(&self) -> DocWords<'_> {
        DocWords::new(self, self.lowered())
    }

    /// The index of the sentence that holds byte `offset`.
    pub fn sentence_index(&self, offset: u32) -> Option<usize> {
        let i = self.sentences.partition_point(|s| s.end <= offset);
        self.sentences
            .get(i)
            .filter(|s| s.start <= offset)
            .map(|_| i)
    }

    /// The tokens that lie inside `span`.
    pub fn tokens_in(&self, span: Span) -> &[Token] {
        &self.tokens[within(&self.tokens, span, |t| t.span)]
    }

    /// The numbers that lie inside `span`.
    pub fn numbers_in(&self, span: Span) -> &[Number] {
        &self.numbers[within(&self.numbers, span, |n| n.span)]
    }

    /// The mentions that lie inside `span`.
    pub fn mentions_in(&self, span: Span) -> &[Mention] {
        &self.mentions[within(&self.mentions, span, |m| m.span)]
    }

    /// The innermost quotation whose inner text holds byte `offset`.
    pub fn quote_at(&self, offset: u32) -> Option<&Quote> {
        let candidates = self.quotes.partition_point(|q| q.span.start <= offset);
        self.quotes[..candidates]
            .iter()
            .rev()
            .filter(|q| q.inner.start <= offset && offset < q.inner.end)
            .max_by_key(|q| q.depth)
    }

    /// The character (code point) offset of byte `offset`.
    pub fn char_offset(&self, offset: u32) -> usize {
        self.char_index
            .get_or_init(|| CharIndex::new(&self.doc.text))
            .char_offset(&self.doc.text, offset as usize)
    }

    /// Evidence for a span: the document id and character offsets.
    pub fn evidence(&self, span: Span) -> Evidence {
        Evidence {
            doc: self.doc.id.as_str().into(),
            start: self.char_offset(span.start),
            end: self.char_offset(span.end),
        }
    }
}

/// Byte to character offsets without rescanning the text: the character count
/// at the start of every 64-byte block, or nothing for ASCII text.
#[derive(Clone, Debug)]
struct CharIndex {
    blocks: Option<Vec<u32>>,
}

const BLOCK: usize = 64;

impl CharIndex {
    fn new(text: &str) -> CharIndex {
        if text.is_ascii() {
            return CharIndex { blocks: None };
        }
        let mut blocks = Vec::with_capacity(text.len() / BLOCK + 1);
        let mut count = 0u32;
        for chunk in text.as_bytes().chunks(BLOCK) {
            blocks.push(count);
            count += chars_in(chunk) as u32;
        }
        CharIndex {
            blocks: Some(blocks),
        }
    }

    fn char_offset(&self, text: &str, offset: usize) -> usize {
        let offset = offset.min(text.len());
        let Some(blocks) = &self.blocks else {
            return offset;
        };
        let block = offset / BLOCK;
        let Some(&base) = blocks.get(block) else {
            return text.chars().count();
        };
        base as usize + chars_in(&text.as_bytes()[block * BLOCK..offset])
    }
}

/// The chars that start in `bytes`: every byte but UTF-8's continuation
/// bytes (0b10xx_xxxx). Byte counters over runs of at most 255 vectorise;
/// one usize per byte, or eight bytes at a time by hand, did not as well.
pub fn chars_in(bytes: &[u8]) -> usize {
    bytes
        .chunks(255)
        .map(|run| {
            let starts: u8 = run.iter().map(|&b| u8::from((b as i8) >= -0x40)).sum();
            usize::from(starts)
        })
        .sum()
}

/// Converts a character offset back to a byte offset (for showing evidence).
pub fn byte_offset(text: &str, char_offset: usize) -> usize {
    text.char_indices()
        .nth(char_offset)
        .map_or(text.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing;

    #[test]
    fn char_offsets_match_a_naive_count() {
        let text = "Çavuşoğlu – “Kalın” said: 1,000 ünïcödé ".repeat(20);
        let doc = testing::annotate(&text, None);
        for (byte, _) in text.char_indices().step_by(7) {
            assert_eq!(doc.char_offset(byte as u32), text[..byte].chars().count());
        }
        assert_eq!(doc.char_offset(text.len() as u32), text.chars().count());
        assert_eq!(byte_offset(&text, doc.char_offset(40)), 40);
    }

    #[test]
    fn span_queries() {
        let text = "Haftar met Shoigu. “We agree,” Lavrov said of 2 talks.";
        let doc = testing::annotate(text, None);
        assert_eq!(doc.sentences.len(), 2);
        assert_eq!(
            doc.sentence_index(text.find("Lavrov").unwrap() as u32),
            Some(1)
        );
        let second = doc.sentences[1];
        let words: Vec<&str> = doc
            .tokens_in(second)
            .iter()
            .map(|t| doc.slice(t.span))
            .collect();
        assert_eq!(words.first(), Some(&"“"));
        assert_eq!(doc.numbers_in(second).len(), 1);
        let names: Vec<&str> = doc
            .mentions_in(second)
            .iter()
            .map(|m| doc.slice(m.span))
            .collect();
        assert_eq!(names, ["Lavrov"]);
        let inside = text.find("agree").unwrap() as u32;
        assert_eq!(
            doc.quote_at(inside).map(|q| doc.slice(q.inner)),
            Some("We agree,")
        );
        assert!(doc.quote_at(text.find("Lavrov").unwrap() as u32).is_none());
    }
}
