//! Source bias: how each outlet frames the parties of a story — the labels it
//! uses for them, whose voices it quotes and with which verbs, its loaded
//! words, its tone toward each party, and the copy it shares with other
//! outlets — each split into the outlet's own voice and its sources'.
//!
//! Per document (`map`): label, quote, attribution, loaded-word and tone rows,
//! and hashed word shingles per sentence. Across documents (`reduce`, from
//! those tables alone): per-outlet aggregates, shared copy and the profile.
//!
//! ```
//! let analyzer = newslens_source_bias::build(&newslens_core::AnalyzerSettings::for_tests("source-bias")).unwrap();
//! let doc = newslens_core::testing::annotate("“We will win,” Mr Lavrov said.", None);
//! let report = analyzer.map(&doc);
//! assert_eq!(report.table("quote_rows").unwrap().rows.len(), 1);
//! ```

pub mod quotes;
pub mod reduce;

use std::collections::BTreeSet;

use aho_corasick::{AhoCorasick, MatchKind};
use anyhow::Result;
use newslens_core::text::{AnnotatedDoc, MentionForm, TokenKind};
use newslens_core::{AnalyzerSettings, ColumnType, Report, Row, Span, Table, Value};
use newslens_sentiment_lexicon::{Scorer, Voice};
use serde::Deserialize;

newslens_core::register_analyzer!(
    "source-bias",
    "How each outlet frames the parties: labels, voices, attribution verbs, loaded words, tone and shared copy.",
    build,
    views = [newslens_core::View {
        name: "profile",
        summary: "Each outlet's framing on one screen, dimension by dimension; `profile SOURCE` for one outlet.",
        table: "profile",
        filter: Some("source"),
    }]
);

/// `[analyzers.source-bias]` in newslens.toml.
#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Words in a shingle for finding shared copy.
    pub shingle_words: usize,
    /// Sampled shingles two sentences must share to count as one copy.
    pub min_shared_shingles: usize,
    /// The sentiment lexicon for tone toward parties: "news" or "vader".
    pub lexicon: String,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            shingle_words: 5,
            min_shared_shingles: 3,
            lexicon: "news".into(),
        }
    }
}

/// Hedges: words that distance the outlet from what it reports.
pub const HEDGES: &[&str] = &[
    "reportedly",
    "allegedly",
    "purportedly",
    "apparently",
    "supposedly",
    "is said to",
    "are said to",
    "was said to",
    "were said to",
    "is reported to",
    "are reported to",
    "was reported to",
    "were reported to",
    "is believed to",
    "are believed to",
    "claims to",
    "so-called",
];

pub struct SourceBias {
    config: Config,
    scorer: Scorer,
    loaded: AhoCorasick,
    loaded_terms: Vec<String>,
    hedges: AhoCorasick,
}

pub fn build(settings: &AnalyzerSettings) -> Result<Box<dyn newslens_core::Analyzer>> {
    let config: Config = settings.parse()?;
    let scorer = Scorer::new(&newslens_sentiment_lexicon::Config {
        lexicon: config.lexicon.clone(),
        ..Default::default()
    })?;
    let loaded_terms: Vec<String> = include_str!("../data/loaded_terms.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split('\t').next().map(str::to_string))
        .collect();
    let loaded = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(&loaded_terms)?;
    let hedges = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(HEDGES)?;
    Ok(Box::new(SourceBias {
        config,
        scorer,
        loaded,
        loaded_terms,
        hedges,
    }))
}

/// Titles and descriptors that stand before a name ("Field Marshal Khalifa Haftar").
const TITLES: &[&str] = &[
    "field",
    "marshal",
    "general",
    "gen",
    "president",
    "prime",
    "minister",
    "premier",
    "foreign",
    "defence",
    "defense",
    "chancellor",
    "king",
    "envoy",
    "spokesman",
    "leader",
    "commander",
    "strongman",
    "mr",
    "mrs",
    "ms",
    "dr",
    "chief",
    "head",
    "secretary",
    "ambassador",
    "colonel",
    "sheikh",
    "emir",
    "presidential",
    "interior",
    "deputy",
];

fn voice_of(doc: &AnnotatedDoc, span: Span) -> Voice {
    if doc.quote_at(span.start).is_some() {
        Voice::Quoted
    } else {
        Voice::Authorial
    }
}

fn side_of(doc: &AnnotatedDoc, actor: Option<usize>) -> String {
    actor
        .and_then(|a| doc.gazetteer.actors[a].side.clone())
        .unwrap_or_else(|| "unknown".into())
}

impl SourceBias {
    /// Labels: the label-form mention itself ("the strongman"), titles just
    /// before a name ("Field Marshal"), hyphenated descriptors
    /// ("UN-backed"), and appositives (", a former Kadhafi army commander,").
    fn labels(&self, doc: &AnnotatedDoc, table: &mut Table) {
        let text = doc.text();
        for mention in &doc.mentions {
            let actor = &doc.gazetteer.actors[mention.actor];
            let mut found: Vec<(String, Span)> = Vec::new();
            if mention.form == MentionForm::Label {
                let label = doc.slice(mention.span).to_lowercase();
                let label = label.strip_prefix("the ").unwrap_or(&label).to_string();
                found.push((label, mention.span));
            }
            let sentence = doc
                .sentence_index(mention.span.start)
                .map(|i| doc.sentences[i])
                .unwrap_or(mention.span);
            let tokens = doc.tokens_in(sentence);
            let at = tokens.partition_point(|t| t.span.start < mention.span.start);
            // Titles and descriptors before the name.
            let mut start = at;
            while start > 0 {
                let t = tokens[start - 1];
                let w = t.span.slice(text).to_lowercase();
                let descriptor = w.contains('-')
                    && (w.ends_with("backed")
                        || w.ends_with("recognised")
                        || w.ends_with("recognized")
                        || w.ends_with("based")
                        || w.ends_with("led")
                        || w.ends_with("allied"));
                if TITLES.contains(&w.trim_end_matches('.'))
                    || descriptor
                    || (w == "."
                        && start >= 2
                        && TITLES
                            .contains(&tokens[start - 2].span.slice(text).to_lowercase().as_str()))
                {
                    start -= 1;
                } else {
                    break;
                }
            }
            if start < at {
                let span = tokens[start].span.cover(tokens[at - 1].span);
                found.push((
                    doc.slice(span)
                        .to_lowercase()
                        .trim_end_matches('.')
                        .to_string(),
                    span,
                ));
            }
            // An appositive: ", a former Kadhafi army commander who …".
            let after = tokens.partition_point(|t| t.span.start < mention.span.end);
            if tokens.get(after).is_some_and(|t| t.span.slice(text) == ",")
                && tokens.get(after + 1).is_some_and(|t| {
                    matches!(
                        t.span.slice(text).to_lowercase().as_str(),
                        "a" | "an" | "the"
                    )
                })
            {
                let mut end = after + 2;
                while end < tokens.len()
                    && end - after < 10
                    && !matches!(
                        tokens[end].span.slice(text),
                        "," | "." | ";" | "—" | "–" | "("
                    )
                    && !matches!(
                        tokens[end].span.slice(text).to_lowercase().as_str(),
                        "who" | "which" | "that" | "whose"
                    )
                {
                    end += 1;
                }
                if end > after + 2 {
                    let span = tokens[after + 1].span.cover(tokens[end - 1].span);
                    found.push((doc.slice(span).to_lowercase(), span));
                }
            }
            for (label, span) in found {
                table.push(
                    Row::new(vec![
                        doc.id().into(),
                        doc.source().into(),
                        actor.id.as_str().into(),
                        label.into(),
                        voice_of(doc, span).name().into(),
                        doc.char_offset(span.start).into(),
                        doc.char_offset(span.end).into(),
                    ])
                    .with_evidence(doc.evidence(span)),
                );
            }
        }
    }

    fn quotes(&self, doc: &AnnotatedDoc, quotes: &mut Table, attribution: &mut Table) {
        for q in quotes::quotations(doc) {
            let words = doc
                .tokens_in(q.quote)
                .iter()
                .filter(|t| t.kind != TokenKind::Punct)
                .count();
            let verb = q.verb.map(|v| doc.slice(v).to_lowercase());
            let side = side_of(doc, q.actor);
            let char_span = |s: Option<Span>| -> (Value, Value) {
                s.map_or((Value::Null, Value::Null), |s| {
                    (
                        doc.char_offset(s.start).into(),
                        doc.char_offset(s.end).into(),
                    )
                })
            };
            let (speaker_start, speaker_end) = char_span(q.speaker);
            let mut row = Row::new(vec![
                doc.id().into(),
                doc.source().into(),
                q.kind.name().into(),
                Value::opt_text(q.speaker.map(|s| doc.slice(s).to_string())),
                Value::opt_text(q.actor.map(|a| doc.gazetteer.actors[a].id.clone())),
                side.clone().into(),
                Value::opt_text(verb.clone()),
                doc.char_offset(q.quote.start).into(),
                doc.char_offset(q.quote.end).into(),
                speaker_start,
                speaker_end,
                words.into(),
                q.named.into(),
            ])
            .with_evidence(doc.evidence(q.quote));
            if let Some(s) = q.speaker {
                row = row.with_evidence(doc.evidence(s));
            }
            quotes.push(row);
            if let (Some(verb), Some(span)) = (verb, q.verb) {
                let class = if quotes::LOADED_VERBS.contains(&verb.as_str()) {
                    "loaded"
                } else {
                    "neutral"
                };
                attribution.push(
                    Row::new(vec![
                        doc.id().into(),
                        doc.source().into(),
                        side.into(),
                        class.into(),
                        verb.into(),
                    ])
                    .with_evidence(doc.evidence(span)),
                );
            }
        }
        // Hedges in the outlet's own voice.
        for m in self.hedges.find_iter(doc.text()) {
            let span = Span::new(m.start(), m.end());
            if !whole_words(doc.text(), span) || voice_of(doc, span) == Voice::Quoted {
                continue;
            }
            attribution.push(
                Row::new(vec![
                    doc.id().into(),
                    doc.source().into(),
                    "-".into(),
                    "hedge".into(),
                    HEDGES[m.pattern().as_usize()].into(),
                ])
                .with_evidence(doc.evidence(span)),
            );
        }
    }

    fn loaded(&self, doc: &AnnotatedDoc, table: &mut Table) {
        for m in self.loaded.find_iter(doc.text()) {
            let span = Span::new(m.start(), m.end());
            if !whole_words(doc.text(), span) {
                continue;
            }
            table.push(
                Row::new(vec![
                    doc.id().into(),
                    doc.source().into(),
                    self.loaded_terms[m.pattern().as_usize()].as_str().into(),
                    voice_of(doc, span).name().into(),
                    doc.char_offset(span.start).into(),
                    doc.char_offset(span.end).into(),
                ])
                .with_evidence(doc.evidence(span)),
            );
        }
    }

    /// Word counts by voice, for rates per 1,000 words.
    fn words(&self, doc: &AnnotatedDoc, table: &mut Table) {
        let (mut authorial, mut quoted) = (0usize, 0usize);
        for t in doc.tokens.iter().filter(|t| t.kind != TokenKind::Punct) {
            if voice_of(doc, t.span) == Voice::Quoted {
                quoted += 1;
            } else {
                authorial += 1;
            }
        }
        table.push(Row::new(vec![
            doc.id().into(),
            doc.source().into(),
            authorial.into(),
            quoted.into(),
        ]));
    }

    fn tone(&self, doc: &AnnotatedDoc, table: &mut Table) {
        for tone in self.scorer.actor_tones(doc) {
            table.push(
                Row::new(vec![
                    doc.id().into(),
                    doc.source().into(),
                    doc.gazetteer.actors[tone.actor].id.as_str().into(),
                    tone.voice.name().into(),
                    tone.compound.into(),
                ])
                .with_evidence(doc.evidence(tone.span)),
            );
        }
    }

    /// Sampled shingle hashes per sentence: the reduce finds sentences that two
    /// outlets share by grouping on these, in one pass over the corpus.
    fn shingles(&self, doc: &AnnotatedDoc, table: &mut Table) {
        let k = self.config.shingle_words.max(2);
        for (index, &sentence) in doc.sentences.iter().enumerate() {
            let words: Vec<String> = doc
                .tokens_in(sentence)
                .iter()
                .filter(|t| t.kind != TokenKind::Punct)
                .map(|t| newslens_core::text::fold(doc.slice(t.span)))
                .collect();
            if words.len() < k + 3 {
                continue;
            }
            let sampled: BTreeSet<u64> = words
                .windows(k)
                .map(|w| fnv(w.join(" ").as_bytes()))
                .filter(|h| h % 4 == 0)
                .collect();
            if sampled.is_empty() {
                continue;
            }
            let hashes: Vec<String> = sampled.iter().map(|h| format!("{h:016x}")).collect();
            table.push(
                Row::new(vec![
                    doc.id().into(),
                    doc.source().into(),
                    (index + 1).into(),
                    words.len().into(),
                    hashes.join(" ").into(),
                    doc.slice(sentence).into(),
                ])
                .with_evidence(doc.evidence(sentence)),
            );
        }
    }
}

fn fnv(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// A match that starts and ends at word boundaries.
fn whole_words(text: &str, span: Span) -> bool {
    let bytes = text.as_bytes();
    let (s, e) = (span.start as usize, span.end as usize);
    (s == 0 || !bytes[s - 1].is_ascii_alphanumeric())
        && (e >= bytes.len() || !bytes[e].is_ascii_alphanumeric())
}

impl newslens_core::Analyzer for SourceBias {
    fn name(&self) -> &'static str {
        "source-bias"
    }

    fn map(&self, doc: &AnnotatedDoc) -> Report {
        let mut tables = reduce::map_tables();
        let [labels, quote_rows, attribution, loaded, words, tone, shingles] = &mut tables;
        self.labels(doc, labels);
        self.quotes(doc, quote_rows, attribution);
        self.loaded(doc, loaded);
        self.words(doc, words);
        self.tone(doc, tone);
        self.shingles(doc, shingles);
        Report::new(tables.into())
    }

    fn reduce(&self, mapped: Report) -> Result<Report> {
        Ok(reduce::reduce(mapped, self.config.min_shared_shingles))
    }
}

/// The column types of the map tables, for readers of batch output.
pub fn map_schema() -> Vec<(String, Vec<(String, ColumnType)>)> {
    reduce::map_tables()
        .iter()
        .map(|t| {
            (
                t.name.clone(),
                t.columns.iter().map(|c| (c.name.clone(), c.ty)).collect(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests;
