//! Paragraphs and sentences.

use super::tokens::{is_sentence_mark, Token, TokenKind};
use crate::Span;

/// Non-empty lines, trimmed. News text puts one paragraph on a line; a line
/// that was hard-wrapped mid-sentence is joined to the next one.
pub fn paragraphs(text: &str) -> Vec<Span> {
    let mut paragraphs: Vec<Span> = Vec::new();
    let mut offset = 0;
    let mut previous_blank = true;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim();
        if trimmed.is_empty() {
            previous_blank = true;
            continue;
        }
        let lead = line.len() - line.trim_start().len();
        let span = Span::new(start + lead, start + lead + trimmed.len());
        let wrapped = !previous_blank
            && paragraphs.last().is_some_and(|last| {
                let before = last.slice(text);
                let ends_open =
                    before.ends_with(|c: char| c.is_ascii_lowercase() || c == ',' || c == ';');
                ends_open
                    && trimmed.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
            });
        match (wrapped, paragraphs.last_mut()) {
            (true, Some(last)) => last.end = span.end,
            _ => paragraphs.push(span),
        }
        previous_blank = false;
    }
    paragraphs
}

/// Words after which a full stop rarely ends a sentence, sorted for a binary search.
const ABBREVIATIONS: &[&str] = &[
    "adm", "al", "amb", "approx", "apr", "aug", "ave", "blvd", "bros", "ca", "capt", "cf", "cmdr",
    "co", "col", "corp", "cpl", "cpt", "dec", "dept", "dr", "e.g", "est", "feb", "fig", "fr", "ft",
    "gen", "gens", "gov", "hon", "i.e", "inc", "jan", "jr", "jul", "jun", "lt", "ltd", "maj",
    "mar", "messrs", "mr", "mrs", "ms", "mt", "no", "nos", "nov", "oct", "pp", "pres", "prof",
    "pvt", "rep", "rev", "sen", "sep", "sept", "sgt", "sr", "st", "univ", "v", "vol", "vs",
];

/// Words that, after an acronym such as "U.S.", show that a new sentence began.
const SENTENCE_STARTERS: &[&str] = &[
    "The",
    "A",
    "An",
    "He",
    "She",
    "It",
    "They",
    "We",
    "I",
    "But",
    "And",
    "In",
    "On",
    "This",
    "That",
    "There",
    "Its",
    "His",
    "Her",
    "Their",
    "However",
    "Meanwhile",
    "Some",
    "Many",
    "Earlier",
    "Later",
];

/// Sentence spans inside each paragraph. A sentence ends at ".", "!", "?" or
/// "…" (with any closing quotes and brackets after it) when the next token
/// starts a sentence: a capital, a digit or an opening quote. "Gen.", "Jan. 19",
/// "Mr.", initials and "U.N." are read past.
pub fn sentences(text: &str, paragraphs: &[Span], tokens: &[Token]) -> Vec<Span> {
    let bytes = text.as_bytes();
    let marks: Vec<u32> = (0..tokens.len() as u32)
        .filter(|&i| is_sentence_mark(bytes[tokens[i as usize].span.end as usize - 1]))
        .collect();
    sentences_at(text, paragraphs, tokens, &marks)
}

/// [`sentences`], given the indices of the tokens that end in a sentence
/// mark (see [`is_sentence_mark`]), in order: the tokenizer finds them in
/// its own pass, so the tokens between them are never read.
pub(crate) fn sentences_at(
    text: &str,
    paragraphs: &[Span],
    tokens: &[Token],
    marks: &[u32],
) -> Vec<Span> {
    let mut sentences = Vec::new();
    let mut token_index = 0;
    let mut mark_index = 0;
    for paragraph in paragraphs {
        // Tokens are sorted and never overlap: their starts and their ends
        // both rise, so each bound is a binary search.
        token_index += tokens[token_index..].partition_point(|t| t.span.start < paragraph.start);
        let first = token_index;
        token_index += tokens[token_index..].partition_point(|t| t.span.end <= paragraph.end);
        let first_mark =
            mark_index + marks[mark_index..].partition_point(|&m| (m as usize) < first);
        mark_index =
            first_mark + marks[first_mark..].partition_point(|&m| (m as usize) < token_index);
        split_paragraph(
            text,
            *paragraph,
            &tokens[first..token_index],
            marks[first_mark..mark_index]
                .iter()
                .map(|&m| m as usize - first),
            &mut sentences,
        );
    }
    sentences
}

fn split_paragraph(
    text: &str,
    paragraph: Span,
    tokens: &[Token],
    marks: impl Iterator<Item = usize>,
    out: &mut Vec<Span>,
) {
    let mut start = paragraph.start;
    // The first token not yet read as part of a sentence's end.
    let mut free = 0;
    for i in marks {
        if i < free {
            continue;
        }
        let token = tokens[i];
        let s = token.span.slice(text);
        let terminal = matches!(s, "." | "!" | "?" | "…")
            || (token.kind == TokenKind::Word && s.ends_with('.'));
        if !terminal {
            free = i + 1;
            continue;
        }
        // Swallow further terminals, closing quotes and brackets: `?!`, `."`, `.)`.
        let mut end_index = i;
        while end_index + 1 < tokens.len() {
            let next_token = tokens[end_index + 1];
            let next = next_token.span.slice(text);
            let adjacent = next_token.span.start == tokens[end_index].span.end;
            if adjacent
                && matches!(
                    next,
                    "." | "!" | "?" | "…" | "\"" | "'" | "”" | "’" | ")" | "]"
                )
            {
                end_index += 1;
            } else {
                break;
            }
        }
        let Some(next) = tokens.get(end_index + 1) else {
            break;
        };
        if ends_sentence(text, tokens, i, next) {
            let end = tokens[end_index].span.end;
            out.push(Span::new(start as usize, end as usize));
            start = next.span.start;
        }
        free = end_index + 1;
    }
    if start < paragraph.end {
        out.push(Span::new(start as usize, paragraph.end as usize));
    }
}

/// Whether `word` lower-cased is one of [`ABBREVIATIONS`]. This runs at
/// every full stop after a word: ASCII words are lower-cased on the stack,
/// and only other words (whose lower case may be ASCII: the Kelvin sign
/// "K") go through `to_lowercase`.
fn is_abbreviation(word: &str) -> bool {
    if !word.is_ascii() {
        return ABBREVIATIONS
            .binary_search(&word.to_lowercase().as_str())
            .is_ok();
    }
    let mut buffer = [0u8; 8];
    let Some(lower) = buffer.get_mut(..word.len()) else {
        // Longer than any abbreviation.
        return false;
    };
    lower.copy_from_slice(word.as_bytes());
    lower.make_ascii_lowercase();
    ABBREVIATIONS
        .binary_search_by(|a| a.as_bytes().cmp(lower))
        .is_ok()
}

fn ends_sentence(text: &str, tokens: &[Token], i: usize, next: &Token) -> bool {
    let next_text = next.span.slice(text);
    let next_char = next_text.chars().next().unwrap_or(' ');
    let starts = next_char.is_uppercase()
        || next_char.is_ascii_digit()
        || matches!(next_char, '"' | '“' | '‘' | '\'' | '(' | '[');
    if !starts {
        return false;
    }
    // Nothing to read past unless a full stop follows a word.
    let token = tokens[i];
    let mark = token.span.slice(text);
    let word = if mark == "." {
        match i.checked_sub(1).map(|j| tokens[j]) {
            Some(previous)
                if previous.span.end == token.span.start && previous.kind == TokenKind::Word =>
            {
                previous.span.slice(text)
            }
            _ => return true,
        }
    } else if token.kind == TokenKind::Word {
        // An acronym token that carries its dot: "U.N."
        return SENTENCE_STARTERS.contains(&next_text);
    } else {
        return true;
    };
    if is_abbreviation(word) {
        // "Jan. 19", "Gen. Haftar": read past. But "... in Washington, D.C. The" is rare enough.
        return false;
    }
    // An initial: "George W. Bush".
    let mut chars = word.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        if c.is_uppercase() {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::super::tokens::tokenize;
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        let paragraphs = paragraphs(text);
        let tokens = tokenize(text);
        sentences(text, &paragraphs, &tokens)
            .iter()
            .map(|s| s.slice(text))
            .collect()
    }

    #[test]
    fn seed_sentences() {
        // Seed 002 (teleSUR): "U.N." mid-sentence, "Jan. 19".
        assert_eq!(
            split("The U.N. Support Mission in Libya (UNSMIL) on Wednesday condemned the attack. On Jan. 19, in a Germany-led peace summit all countries agreed."),
            [
                "The U.N. Support Mission in Libya (UNSMIL) on Wednesday condemned the attack.",
                "On Jan. 19, in a Germany-led peace summit all countries agreed."
            ]
        );
        // Seed 000 (The National): "Mr Lavrov" without a dot, a quote that ends a sentence.
        assert_eq!(
            split("\"All those who influence forces in Libya should stimulate them to sit down for talks,\" Mr Lavrov said. \"The first steps were taken.\""),
            [
                "\"All those who influence forces in Libya should stimulate them to sit down for talks,\" Mr Lavrov said.",
                "\"The first steps were taken.\""
            ]
        );
        // Seed 004 (Hürriyet): a quoted paragraph of several sentences.
        assert_eq!(
            split("“Haftar did not heed the calls. To the contrary, he intensified his aggression. He is losing,” he said."),
            ["“Haftar did not heed the calls.", "To the contrary, he intensified his aggression.", "He is losing,” he said."]
        );
    }

    #[test]
    fn abbreviations_are_sorted_for_the_binary_search() {
        assert!(ABBREVIATIONS.windows(2).all(|w| w[0] < w[1]));
        for word in ["Gen", "JAN", "e.g", "messrs", "ca"] {
            assert!(is_abbreviation(word), "{word}");
        }
        for word in ["General", "Haftar", "", "e", "Ĳ"] {
            assert!(!is_abbreviation(word), "{word}");
        }
    }

    #[test]
    fn abbreviations_and_initials() {
        assert_eq!(
            split("Gen. Khalifa Haftar met Mr. Putin. They talked."),
            ["Gen. Khalifa Haftar met Mr. Putin.", "They talked."]
        );
        assert_eq!(
            split("George W. Bush spoke. Then he left."),
            ["George W. Bush spoke.", "Then he left."]
        );
        assert_eq!(
            split("Troops left the U.S. The talks resumed."),
            ["Troops left the U.S.", "The talks resumed."]
        );
        assert_eq!(
            split("Is it over? Yes! It is."),
            ["Is it over?", "Yes!", "It is."]
        );
        assert_eq!(
            split("It fell by 2.5 percent. Prices rose."),
            ["It fell by 2.5 percent.", "Prices rose."]
        );
    }

    #[test]
    fn lines_are_paragraphs_and_wraps_are_joined() {
        let text = "Headline Without Stop\n\nFirst line of a sentence that was\nwrapped here. Next one.\nAnother paragraph";
        assert_eq!(
            split(text),
            [
                "Headline Without Stop",
                "First line of a sentence that was\nwrapped here.",
                "Next one.",
                "Another paragraph"
            ]
        );
    }
}
