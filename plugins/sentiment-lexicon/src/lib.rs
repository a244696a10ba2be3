//! Lexicon sentiment: VADER exactly as its reference implementation computes
//! it, a news layer on top, sentences scored separately in the outlet's own
//! voice and in quoted speech, and the tone toward each party of the story
//! from the clauses that mention it.
//!
//! Tables: `sentences` (one row per sentence and voice, from the map),
//! `documents` (per document), `sources` (per outlet, with its number of
//! documents), `actors` (per outlet, party and voice) and `actor_clauses`
//! (one row per clause about a party, from the map). The three aggregate
//! tables are folded from the map rows in one pass ([`reduce`]), so a batch
//! run holds sums rather than the map tables, and `documents`, which is as
//! long as the corpus, waits for its sorted order on disk: the fold's memory
//! grows with outlets and parties, not documents. Their evidence is the spans
//! of the sentences or clauses they count, in corpus order; a `sources` or
//! `actors` row keeps at most the first [`reduce::EVIDENCE_LIMIT`] (1,000),
//! since an outlet's row would otherwise list every sentence it published
//! (`n` and `mentions` still count them all).
//!
//! ```
//! use newslens_sentiment_lexicon::Scorer;
//! let vader = Scorer::vader();
//! assert_eq!(vader.score("The book was good.").compound, 0.4404);
//! let news = Scorer::news();
//! assert!(news.score("The ceasefire held.").compound > 0.0);
//! ```

pub mod parity;
pub mod reduce;
pub mod vader;

use anyhow::{bail, Result};
use newslens_core::text::{chars_in, AnnotatedDoc, Quote, TokenKind};
use newslens_core::{AnalyzerSettings, Evidence, Report, Row, Span, Text, Value};
use serde::Deserialize;

pub use vader::{Explanation, Scores, Vader};

newslens_core::register_analyzer!(
    "sentiment-lexicon",
    "Lexicon sentiment per sentence, document, outlet and party, in the outlet's voice and in quotes.",
    build,
    views = [newslens_core::View {
        name: "tone",
        summary: "Tone toward each party, outlet by outlet and voice by voice; `tone SOURCE` for one outlet.",
        table: "actors",
        filter: Some("source"),
    }]
);

/// `[analyzers.sentiment-lexicon]` in newslens.toml.
#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// `"news"` (the default): VADER plus the news lexicon in
    /// `data/news_lexicon.tsv`, the removal rule ("purged … of terrorist
    /// elements" is favourable to the one who purges), and typographic
    /// quotes read as ASCII ones (“terrorists”, doesn’t). `"vader"`: VADER 3.3.2 exactly.
    pub lexicon: String,
    /// How many words on each side of a party's mention count as its clause.
    pub clause_window: usize,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            lexicon: "news".into(),
            clause_window: 12,
        }
    }
}

/// A sentence's voice: the outlet's own words or words it quotes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Voice {
    Authorial,
    Quoted,
}

impl Voice {
    pub fn name(self) -> &'static str {
        match self {
            Voice::Authorial => "authorial",
            Voice::Quoted => "quoted",
        }
    }

    /// The name as a table cell, which refers to the name rather than copying it.
    fn cell(self) -> Value {
        Value::Text(Text::const_new(self.name()))
    }
}

/// VADER's own thresholds for calling a compound score positive (1),
/// negative (-1) or neutral (0).
pub fn sign(compound: f64) -> i8 {
    if compound >= 0.05 {
        1
    } else if compound <= -0.05 {
        -1
    } else {
        0
    }
}

/// The tone of the clause around one mention of a party.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClauseTone {
    pub voice: Voice,
    pub compound: f64,
    /// The clause scored.
    pub span: Span,
}

/// The tone of one clause toward one party the gazetteer knows.
#[derive(Clone, Debug, PartialEq)]
pub struct ActorTone {
    /// Index into the gazetteer.
    pub actor: usize,
    /// The mention of the party.
    pub mention: Span,
    pub clause: ClauseTone,
}

/// Scores text; built once per configuration.
pub struct Scorer {
    vader: Vader,
    clause_window: usize,
    /// The news layer reads typographic quotes as ASCII ones (see [`ascii_quotes`]).
    ascii_quotes: bool,
}

/// Puts into `out` the text with its typographic quotes and apostrophes
/// (‘ ’ “ ”) made ASCII ones, and tells whether it had any (`out` is left
/// as it was where not). VADER strips only ASCII punctuation from a word
/// and finds its negations by "n't": news copy set with curly quotes hides
/// “shit” and doesn’t from it, where a typewriter's "shit" and doesn't are
/// scored.
fn ascii_quotes(text: &str, out: &mut String) -> bool {
    let bytes = text.as_bytes();
    let mut copied = None;
    // All four are U+2018 to U+201D, three bytes from 0xE2 0x80. A byte
    // search, not a substring one, which costs more to set up than a short
    // sentence takes to scan.
    for at in memchr::memchr_iter(0xe2, bytes) {
        let ascii = match bytes.get(at + 1..at + 3) {
            Some([0x80, 0x98 | 0x99]) => '\'',
            Some([0x80, 0x9c | 0x9d]) => '"',
            _ => continue,
        };
        let from = *copied.get_or_insert_with(|| {
            out.clear();
            0
        });
        out.push_str(&text[from..at]);
        out.push(ascii);
        copied = Some(at + 3);
    }
    let Some(from) = copied else {
        return false;
    };
    out.push_str(&text[from..]);
    true
}

thread_local! {
    /// The news layer's copy of a text with ASCII quotes, reused from one
    /// text to the next rather than allocated for each.
    static ASCII_QUOTED: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Verbs of removal: a bad thing removed is good news for whoever removes it.
const REMOVAL: &[&str] = &[
    "purged",
    "purge",
    "purging",
    "cleared",
    "clearing",
    "freed",
    "liberated",
    "liberating",
    "rid",
    "ridding",
    "expelled",
    "expelling",
    "eliminated",
    "eliminating",
    "defeated",
    "defeating",
    "repelled",
    "repelling",
    "ousted",
    "drove",
    "driven",
    "routed",
];

fn news_overlay() -> Vec<(String, f64)> {
    include_str!("../data/news_lexicon.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut fields = l.split('\t');
            let word = fields.next()?.to_string();
            let value = fields.next()?.parse().ok()?;
            Some((word, value))
        })
        .collect()
}

impl Scorer {
    pub fn new(config: &Config) -> Result<Scorer> {
        let news = match config.lexicon.as_str() {
            "news" => true,
            "vader" => false,
            other => bail!("lexicon = {other:?}: expected \"news\" or \"vader\""),
        };
        let vader = if news {
            // The news layer's one rule: a negative word within six words after a verb of
            // removal ("purged … of terrorist elements") counts half as much, positive.
            Vader::with_overlay(&news_overlay()).with_removal_rule(REMOVAL, 6)
        } else {
            Vader::new()
        };
        Ok(Scorer {
            vader,
            clause_window: config.clause_window.max(1),
            ascii_quotes: news,
        })
    }

    /// Pure VADER 3.3.2.
    pub fn vader() -> Scorer {
        Scorer::new(&Config {
            lexicon: "vader".into(),
            ..Config::default()
        })
        .expect("\"vader\" is a lexicon")
    }

    /// VADER with the news layer.
    pub fn news() -> Scorer {
        Scorer::new(&Config::default()).expect("\"news\" is a lexicon")
    }

    pub fn score(&self, text: &str) -> Scores {
        self.as_scored(text, |text| self.vader.polarity_scores(text))
    }

    /// Each scored word, its lexicon value, the rules that changed it, and the scores.
    pub fn explain(&self, text: &str) -> Explanation {
        self.as_scored(text, |text| self.vader.explain(text))
    }

    /// `f` of the text VADER is given: with the news layer, its quotes made ASCII.
    fn as_scored<R>(&self, text: &str, f: impl FnOnce(&str) -> R) -> R {
        if !self.ascii_quotes {
            return f(text);
        }
        ASCII_QUOTED.with(|cell| {
            let mut fresh = String::new();
            // Never borrowed while scoring, but a fresh buffer is always correct.
            let mut borrowed = cell.try_borrow_mut();
            let plain = borrowed.as_deref_mut().unwrap_or(&mut fresh);
            if ascii_quotes(text, plain) {
                f(plain)
            } else {
                f(text)
            }
        })
    }

    /// The tone toward every party a document mentions: each mention's
    /// clause — bounded by clause punctuation, contrastive words and quotation
    /// marks, at most `clause_window` words each side — is scored on its own.
    pub fn actor_tones(&self, doc: &AnnotatedDoc) -> Vec<ActorTone> {
        let quoted = QuotedText::new(doc);
        doc.mentions
            .iter()
            .filter_map(|mention| {
                Some(ActorTone {
                    actor: mention.actor,
                    mention: mention.span,
                    clause: self.clause_tone(doc, &quoted, mention.span)?,
                })
            })
            .collect()
    }

    /// The tone of the clause around `mention`, a span of `doc` that names
    /// a party whether or not the gazetteer knows it ("Mr. Trump", "she"),
    /// as [`Scorer::actor_tones`] finds it for the parties it knows: the
    /// mention itself is not scored. `None` where the span lies in no
    /// sentence or its clause holds no word.
    pub fn tone_at(&self, doc: &AnnotatedDoc, mention: Span) -> Option<ClauseTone> {
        self.clause_tone(doc, &QuotedText::new(doc), mention)
    }

    fn clause_tone(
        &self,
        doc: &AnnotatedDoc,
        quoted: &QuotedText,
        mention: Span,
    ) -> Option<ClauseTone> {
        let text = doc.text();
        let sentence_index = doc.sentence_index(mention.start)?;
        let sentence = doc.sentences[sentence_index];
        let tokens = doc.tokens_in(sentence);
        let at = tokens.partition_point(|t| t.span.start < mention.start);
        let quote = doc.quote_at(mention.start).map(|q| q.inner);
        let inside = |span: Span| match quote {
            Some(q) => q.contains(span),
            None => !quoted.holds(span.start),
        };
        let is_boundary = |i: usize, forward: bool| {
            let t = tokens[i];
            let w = t.span.slice(text);
            // "… the legitimate government and the French government is …": a
            // conjunction before a determiner or pronoun starts a new clause.
            let next = tokens.get(i + 1).map_or("", |n| n.span.slice(text));
            let new_subject = matches!(w, "and" | "or") && is_any_case(next, SUBJECTS);
            if new_subject {
                return true;
            }
            // What an outlet says a party called for or said is part of that
            // party's clause: "Macron called for a “credible, lasting” truce".
            let quote_mark = matches!(w, "“" | "”" | "\"");
            if forward && quote.is_none() && (quote_mark || !inside(t.span)) {
                return false;
            }
            (t.kind == TokenKind::Punct
                && (quote_mark || matches!(w, ";" | ":" | "—" | "–" | "(" | ")" | ",")))
                || is_any_case(w, CONTRASTS)
                || !inside(t.span)
        };
        let mut start = at;
        while start > 0 && at - start < self.clause_window && !is_boundary(start - 1, false) {
            start -= 1;
        }
        let mention_end = tokens.partition_point(|t| t.span.start < mention.end);
        let mut end = mention_end;
        while end < tokens.len()
            && end - mention_end < self.clause_window
            && !is_boundary(end, true)
        {
            end += 1;
        }
        if start >= end {
            return None;
        }
        let span = tokens[start].span.cover(tokens[end - 1].span);
        let compound = self.score(&without_names(doc, span, mention)).compound;
        let voice = if quote.is_some() {
            Voice::Quoted
        } else {
            Voice::Authorial
        };
        Some(ClauseTone {
            voice,
            compound,
            span,
        })
    }

    /// A sentence's parts by voice: the quoted text (inside quotation marks)
    /// and the rest, each as (voice, span of the part, text to score).
    pub fn voice_parts(doc: &AnnotatedDoc, sentence: Span) -> Vec<(Voice, Span, String)> {
        let mut parts = Vec::new();
        voice_parts_near(doc, sentence, &doc.quotes, &mut parts);
        parts
    }
}

/// [`Scorer::voice_parts`] appended to `parts`, given the document's quotes
/// from one at or before the first that may reach the sentence: the map
/// walks the sentences and the quotes together instead of scanning every
/// quote for every sentence.
fn voice_parts_near(
    doc: &AnnotatedDoc,
    sentence: Span,
    quotes: &[Quote],
    parts: &mut Vec<(Voice, Span, String)>,
) {
    let clip = |s: Span| Span {
        start: s.start.max(sentence.start),
        end: s.end.min(sentence.end),
    };
    // Quotes are sorted by start, and a quote's text lies inside its marks.
    let touching = || {
        quotes
            .iter()
            .take_while(|q| q.span.start < sentence.end)
            .filter(|q| q.depth == 0 && q.inner.overlaps(sentence))
    };
    let has_letters = |s: &str| s.chars().any(char::is_alphabetic);
    if touching().next().is_none() {
        // Most sentences quote no one: all of it is the outlet's, as the general
        // case below would find, without its buffers.
        let text = doc.slice(sentence);
        if has_letters(text) {
            parts.push((Voice::Authorial, sentence, text.trim().to_string()));
        }
        return;
    }
    let first_part = parts.len();
    // The quotes are walked again for each use rather than collected: the
    // walk is short, an allocation is not.
    let quoted = || touching().map(|q| clip(q.inner));
    if quoted().any(|q| has_letters(doc.slice(q))) {
        // From the first quote to the last.
        let mut ends: Option<(Span, Span)> = None;
        let mut text = String::new();
        for q in quoted() {
            if ends.is_some() {
                text.push(' ');
            }
            ends = Some((ends.map_or(q, |(first, _)| first), q));
            text.push_str(doc.slice(q));
        }
        // Some quote has letters, so some quote was seen.
        if let Some((first, last)) = ends {
            parts.push((Voice::Quoted, first.cover(last), text));
        }
    }
    let mut authorial = String::with_capacity(sentence.len());
    let mut cursor = sentence.start;
    let mut first: Option<u32> = None;
    let mut last = sentence.start;
    // The marks themselves belong to neither voice.
    let marked = touching().map(|q| clip(q.span));
    for q in marked.chain(std::iter::once(Span {
        start: sentence.end,
        end: sentence.end,
    })) {
        if q.start > cursor {
            let piece = doc.slice(Span {
                start: cursor,
                end: q.start,
            });
            if has_letters(piece) {
                first.get_or_insert(cursor);
                last = q.start;
                authorial.push_str(piece);
                authorial.push(' ');
            }
        }
        cursor = cursor.max(q.end);
    }
    // A sentence that is all quote keeps only its quoted part; attribution words alone
    // ("he said") are still the outlet's voice.
    if let Some(first) = first {
        // Trimmed in place: no second copy.
        authorial.truncate(authorial.trim_end().len());
        authorial.drain(..authorial.len() - authorial.trim_start().len());
        parts.push((
            Voice::Authorial,
            Span {
                start: first,
                end: last,
            },
            authorial,
        ));
    }
    parts[first_part..].sort_by_key(|p| p.1.start);
}

/// The bytes inside some quotation's marks, as sorted disjoint ranges:
/// whether `doc.quote_at(offset)` finds a quote, by one binary search instead
/// of a scan over every quote that opens before the offset.
struct QuotedText(Vec<(u32, u32)>);

impl QuotedText {
    fn new(doc: &AnnotatedDoc) -> QuotedText {
        let mut ranges: Vec<(u32, u32)> = doc
            .quotes
            .iter()
            .map(|q| (q.inner.start.max(q.span.start), q.inner.end))
            .filter(|(start, end)| start < end)
            .collect();
        ranges.sort_unstable();
        let mut merged: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
        for (start, end) in ranges {
            match merged.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => merged.push((start, end)),
            }
        }
        QuotedText(merged)
    }

    fn holds(&self, offset: u32) -> bool {
        let after = self.0.partition_point(|&(start, _)| start <= offset);
        after > 0 && offset < self.0[after - 1].1
    }
}

/// Words that open a new clause after "and" or "or".
const SUBJECTS: &[&str] = &[
    "the", "a", "an", "we", "they", "he", "she", "it", "i", "you", "this", "that",
];

/// Contrastive and causal words, which end a clause.
const CONTRASTS: &[&str] = &[
    "but", "while", "whereas", "although", "though", "despite", "however", "because",
];

/// Whether `word` lower-cased is one of `words` (all ASCII, lower case,
/// none holding a "k"), without lower-casing a copy: only ASCII letters
/// lower-case to ASCII ones, but for the Kelvin sign, which becomes "k".
fn is_any_case(word: &str, words: &[&str]) -> bool {
    words.iter().any(|w| word.eq_ignore_ascii_case(w))
}

/// A clause's text with the parties' names taken out: "UN Support Mission"
/// or "Government of National Accord" say nothing about anyone. Labels stay,
/// since "putschist" or "legitimate government" are the judgement itself.
/// `mention`, the party the clause is about, goes too when the gazetteer
/// does not know it as a label.
fn without_names(doc: &AnnotatedDoc, span: Span, mention: Span) -> String {
    let mentions = doc.mentions_in(span);
    let known = mentions.iter().any(|m| m.span == mention);
    let mut names = mentions
        .iter()
        .filter(|m| m.form == newslens_core::text::MentionForm::Name)
        .map(|m| m.span)
        .peekable();
    let mut unknown = (!known).then_some(mention);
    // The names and the unknown mention, in text order.
    let cuts = std::iter::from_fn(|| match (names.peek(), unknown) {
        (Some(name), Some(m)) if m.start < name.start => unknown.take(),
        (Some(_), _) => names.next(),
        (None, _) => unknown.take(),
    });
    // At most the clause and a space per name taken out: one allocation.
    let mut out = String::with_capacity(span.len() + mentions.len() + 1);
    let mut cursor = span.start;
    for cut in cuts {
        if cut.start < cursor {
            // The mention overlaps a name already taken out.
            cursor = cursor.max(cut.end);
            continue;
        }
        out.push_str(doc.slice(Span {
            start: cursor,
            end: cut.start,
        }));
        out.push(' ');
        cursor = cut.end;
    }
    out.push_str(doc.slice(Span {
        start: cursor.min(span.end),
        end: span.end,
    }));
    out
}

/// Character offsets of byte offsets that come mostly in text order, as the
/// map's sentences do: the characters since the previous offset are counted,
/// not those since the start of the offset's block, as
/// [`AnnotatedDoc::char_offset`] does for each one afresh.
struct CharCursor<'a> {
    doc: &'a AnnotatedDoc,
    /// A text all ASCII has as many characters as bytes.
    ascii: bool,
    byte: usize,
    chars: usize,
}

impl<'a> CharCursor<'a> {
    fn new(doc: &'a AnnotatedDoc) -> CharCursor<'a> {
        CharCursor {
            doc,
            ascii: doc.text().is_ascii(),
            byte: 0,
            chars: 0,
        }
    }

    fn at(&mut self, offset: u32) -> usize {
        let bytes = self.doc.text().as_bytes();
        let offset = (offset as usize).min(bytes.len());
        if self.ascii {
            return offset;
        }
        // A step back (a clause starts before the previous one ends) is
        // counted back from here: short, and the document's character index,
        // which reads the whole text, is never built.
        if offset < self.byte {
            self.chars -= chars_in(&bytes[offset..self.byte]);
        } else {
            self.chars += chars_in(&bytes[self.byte..offset]);
        }
        self.byte = offset;
        self.chars
    }

    fn span(&mut self, span: Span) -> (usize, usize) {
        (self.at(span.start), self.at(span.end))
    }
}

/// A row whose evidence is `chars`, the character span a [`CharCursor`] gave,
/// in the document `id`: what `Row::with_evidence(doc.evidence(span))`
/// makes, without counting again.
fn with_evidence(id: &Text, cells: Vec<Value>, (start, end): (usize, usize)) -> Row {
    let mut row = Row::new(cells);
    row.evidence = vec![Evidence {
        doc: id.clone(),
        start,
        end,
    }];
    row
}

pub fn build(settings: &AnalyzerSettings) -> Result<Box<dyn newslens_core::Analyzer>> {
    let config: Config = settings.parse()?;
    Ok(Box::new(SentimentLexicon {
        scorer: Scorer::new(&config)?,
        scratch_dir: settings.scratch_dir(),
    }))
}

pub struct SentimentLexicon {
    scorer: Scorer,
    /// Where the fold's sort of the `documents` table writes its segments.
    scratch_dir: std::path::PathBuf,
}

impl newslens_core::Analyzer for SentimentLexicon {
    fn name(&self) -> &'static str {
        "sentiment-lexicon"
    }

    fn map(&self, doc: &AnnotatedDoc) -> Report {
        let mut sentences = reduce::sentences_table();
        // A row a sentence, and one more for each that a quote splits in two:
        // growing the table row by row reallocates it often.
        sentences
            .rows
            .reserve(doc.sentences.len() + doc.quotes.len());
        let mut next_quote = 0;
        let mut parts = Vec::new();
        let mut chars = CharCursor::new(doc);
        // Made once, cloned into every row: a short text's clone is a copy of its bytes in place.
        let id = Text::from(doc.id());
        let source = Text::from(doc.source());
        for (index, &sentence) in doc.sentences.iter().enumerate() {
            // Sentences come in text order: a quote that ends before this one
            // starts reaches no later sentence either.
            while doc
                .quotes
                .get(next_quote)
                .is_some_and(|q| q.inner.end <= sentence.start)
            {
                next_quote += 1;
            }
            voice_parts_near(doc, sentence, &doc.quotes[next_quote..], &mut parts);
            for (voice, span, text) in parts.drain(..) {
                let s = self.scorer.score(&text);
                let (start, end) = chars.span(span);
                sentences.push(with_evidence(
                    &id,
                    vec![
                        id.clone().into(),
                        source.clone().into(),
                        (index + 1).into(),
                        start.into(),
                        end.into(),
                        voice.cell(),
                        s.compound.into(),
                        s.pos.into(),
                        s.neu.into(),
                        s.neg.into(),
                        text.into(),
                    ],
                    (start, end),
                ));
            }
        }
        let mut clauses = reduce::clauses_table();
        clauses.rows.reserve(doc.mentions.len());
        // Clauses come in the order of their mentions, nearly text order.
        let mut chars = CharCursor::new(doc);
        for tone in self.scorer.actor_tones(doc) {
            let clause = tone.clause;
            let (start, end) = chars.span(clause.span);
            clauses.push(with_evidence(
                &id,
                vec![
                    id.clone().into(),
                    source.clone().into(),
                    doc.gazetteer.actors[tone.actor].id.as_str().into(),
                    clause.voice.cell(),
                    clause.compound.into(),
                    start.into(),
                    end.into(),
                    doc.slice(clause.span).into(),
                ],
                (start, end),
            ));
        }
        Report::new(vec![sentences, clauses])
    }

    fn streaming_reduce(&self) -> Option<newslens_core::analyzer::StreamingReduce> {
        Some(reduce::plan_in(&self.scratch_dir))
    }
}

#[cfg(test)]
mod reduce_tests;
#[cfg(test)]
mod tests;
