//! Quotation spans: straight and curly double quotes, and single quotes nested
//! inside them or standing alone in headlines.

use crate::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Quote {
    /// From the opening mark to the closing mark, both included.
    pub span: Span,
    /// Between the marks.
    pub inner: Span,
    /// 0 for an outer quote, 1 for a quote inside another.
    pub depth: u8,
}

/// Finds quotations paragraph by paragraph. A quote left open at the end of a
/// paragraph closes there: news style repeats the opening mark on each
/// paragraph of a long quote and closes only the last.
pub fn quotes(text: &str, paragraphs: &[Span]) -> Vec<Quote> {
    let mut out = Vec::new();
    for paragraph in paragraphs {
        scan_paragraph(text, *paragraph, &mut out);
    }
    out.sort_by_key(|q| (q.span.start, std::cmp::Reverse(q.span.end)));
    out
}

#[derive(Clone, Copy, PartialEq)]
enum Mark {
    Double,
    Single,
}

fn scan_paragraph(text: &str, paragraph: Span, out: &mut Vec<Quote>) {
    let body = paragraph.slice(text);
    let bytes = body.as_bytes();
    let base = paragraph.start as usize;
    // Open quotes: (mark, offset of the opening mark, its length).
    let mut open: Vec<(Mark, usize, usize)> = Vec::new();
    // Only quote marks matter, so jump from one candidate byte to the next:
    // '"', '\'' and the lead byte 0xE2 of the curly marks (U+2018 to U+201E).
    let mut i = 0;
    while let Some(found) = memchr::memchr3(b'"', b'\'', 0xE2, &bytes[i..]) {
        i += found;
        let Some(c) = body[i..].chars().next() else {
            break;
        };
        let len = c.len_utf8();
        if !matches!(c, '"' | '\'' | '“' | '”' | '„' | '‘' | '’') {
            i += len;
            continue;
        }
        let previous = body[..i].chars().next_back();
        let next = body[i + len..].chars().next();
        let offset = base + i;
        let after_space = previous.is_none_or(|p| p.is_whitespace() || "([{—–-/".contains(p));
        let before_space = next.is_none_or(|n| n.is_whitespace() || ",.;:!?)]}—–-…".contains(n));
        match c {
            '“' | '„' => open.push((Mark::Double, offset, len)),
            '”' => close(&mut open, Mark::Double, offset, len, out),
            '"' => {
                let has_double = open.iter().any(|&(m, _, _)| m == Mark::Double);
                if has_double && (!after_space || before_space) {
                    close(&mut open, Mark::Double, offset, len, out);
                } else {
                    // English nests quotes in single marks, so a straight mark
                    // opening a new sentence while another straight quote is
                    // open means that one lost its closing mark: it ends with
                    // the sentence before.
                    if let Some(&(Mark::Double, start, 1)) = open.last() {
                        if let Some(stop) = sentence_end_before(body, i) {
                            open.pop();
                            out.push(Quote {
                                span: Span::new(start, base + stop),
                                inner: Span::new(start + 1, base + stop),
                                depth: open.len().min(1) as u8,
                            });
                        }
                    }
                    open.push((Mark::Double, offset, len));
                }
            }
            '‘' => open.push((Mark::Single, offset, len)),
            _ => {
                // ’ or ': an apostrophe inside a word (don't, Haftar’s), a
                // closing single quote, or (straight only) an opening one.
                let inside_word = previous.is_some_and(char::is_alphanumeric)
                    && next.is_some_and(char::is_alphanumeric);
                let has_single = open.iter().any(|&(m, _, _)| m == Mark::Single);
                if !inside_word && has_single && !after_space {
                    close(&mut open, Mark::Single, offset, len, out);
                } else if !inside_word
                    && c == '\''
                    && after_space
                    && next.is_some_and(char::is_alphanumeric)
                {
                    open.push((Mark::Single, offset, len));
                }
            }
        }
        i += len;
    }
    // Close what is still open at the paragraph's end: only double quotes,
    // since a stray single mark is far more often an apostrophe.
    while let Some((mark, start, len)) = open.pop() {
        if mark == Mark::Double && start + len < paragraph.end as usize {
            let depth = open
                .iter()
                .filter(|&&(m, _, _)| m == Mark::Double)
                .count()
                .min(1) as u8;
            out.push(Quote {
                span: Span::new(start, paragraph.end as usize),
                inner: Span::new(start + len, paragraph.end as usize),
                depth,
            });
        }
    }
}

/// Where a sentence ends before the white space that precedes byte `i`:
/// just after its '.', '!' or '?'.
fn sentence_end_before(body: &str, i: usize) -> Option<usize> {
    let before = body[..i].trim_end();
    (before.len() < i && before.ends_with(['.', '!', '?'])).then_some(before.len())
}

fn close(
    open: &mut Vec<(Mark, usize, usize)>,
    mark: Mark,
    offset: usize,
    len: usize,
    out: &mut Vec<Quote>,
) {
    let Some(position) = open.iter().rposition(|&(m, _, _)| m == mark) else {
        return;
    };
    let (_, start, open_len) = open[position];
    // Quotes opened inside this one and never closed are dropped.
    open.truncate(position);
    out.push(Quote {
        span: Span::new(start, offset + len),
        inner: Span::new(start + open_len, offset),
        depth: open.len().min(1) as u8,
    });
}

#[cfg(test)]
mod tests {
    use super::super::sentences::paragraphs;
    use super::*;

    fn inner(text: &str) -> Vec<(&str, u8)> {
        quotes(text, &paragraphs(text))
            .iter()
            .map(|q| (q.inner.slice(text), q.depth))
            .collect()
    }

    #[test]
    fn curly_and_straight() {
        // Seed 002.
        assert_eq!(
            inner("ruled out a truce with “terrorists” and “Turkish invaders,” suggesting"),
            [("terrorists", 0), ("Turkish invaders,", 0)]
        );
        // Seed 000.
        assert_eq!(
            inner("commitment to Libya's \"independence, unity and territorial integrity\"."),
            [("independence, unity and territorial integrity", 0)]
        );
        // Seed 000 headline: single quotes standing alone.
        assert_eq!(
            inner("agree political settlement is 'only option'"),
            [("only option", 0)]
        );
    }

    #[test]
    fn nested_and_apostrophes() {
        assert_eq!(
            inner("“He said ‘no deal’ and Haftar’s men left,” an aide said."),
            [
                ("He said ‘no deal’ and Haftar’s men left,", 0),
                ("no deal", 1)
            ]
        );
        // Seed 003: a stray closing mark is not a quote.
        assert_eq!(inner("Calls for ‘credible’ truce’"), [("credible", 0)]);
    }

    #[test]
    fn a_straight_quote_that_lost_its_closing_mark_ends_with_its_sentence() {
        let text = "said: \"Our position will not change. \"This targeting is a crime,\" he added.";
        assert_eq!(
            inner(text),
            [
                ("Our position will not change.", 0),
                ("This targeting is a crime,", 0)
            ]
        );
        // A closed quote followed by a new one is unaffected.
        let text = "\"We agree.\" Then: \"We leave.\"";
        assert_eq!(inner(text), [("We agree.", 0), ("We leave.", 0)]);
    }

    #[test]
    fn open_quote_closes_at_paragraph_end() {
        let text = "“We will fight on,” he said. “We have no choice\n\n“And we will win.”";
        assert_eq!(
            inner(text),
            [
                ("We will fight on,", 0),
                ("We have no choice", 0),
                ("And we will win.", 0)
            ]
        );
    }
}
