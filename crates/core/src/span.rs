//! Byte spans into a document's text.

use std::ops::Range;

/// A half-open byte range `start..end` into a document's cleaned text.
///
/// Spans are byte offsets (cheap to slice with) and always lie on char
/// boundaries; tables convert them to character offsets at the edge, with
/// [`crate::text::AnnotatedDoc::char_offset`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    /// A span from `start` to `end`; an inverted pair collapses to an empty span at `start`.
    pub fn new(start: usize, end: usize) -> Span {
        let start = start as u32;
        let end = (end as u32).max(start);
        Span { start, end }
    }

    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The text this span covers; empty when the span does not fit `text`.
    pub fn slice(self, text: &str) -> &str {
        text.get(self.range()).unwrap_or("")
    }

    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    pub fn contains(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    pub fn contains_offset(self, offset: u32) -> bool {
        self.start <= offset && offset < self.end
    }

    pub fn overlaps(self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slicing_and_relations() {
        let text = "Çavuşoğlu said";
        let name = Span::new(0, "Çavuşoğlu".len());
        assert_eq!(name.slice(text), "Çavuşoğlu");
        assert!(Span::new(0, 20).contains(name));
        assert!(name.overlaps(Span::new(3, 15)));
        assert!(!name.overlaps(Span::new(name.end as usize, 15)));
        assert_eq!(Span::new(5, 2), Span::new(5, 5));
        assert_eq!(Span::new(100, 200).slice(text), "");
    }
}
