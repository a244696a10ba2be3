//! Source bias: how each outlet frames the parties of a story — the labels it
//! uses for them, whose voices it quotes and with which verbs, its loaded
//! words, its tone toward each party, and the copy it shares with other
//! outlets — each split into the outlet's own voice and its sources'.
//!
//! Per document (`map`): label, quote, attribution, loaded-word and tone rows,
//! and one row of hashed word shingles for its sentences (`quotes` passes through the reduce
//! unchanged, so it has its reduced name in the map too). Across documents (`reduce`, from
//! those tables alone): per-outlet aggregates, shared copy and the profile.
//!
//! ```
//! let analyzer = newslens_source_bias::build(&newslens_core::AnalyzerSettings::for_tests("source-bias")).unwrap();
//! let doc = newslens_core::testing::annotate("“We will win,” Mr Lavrov said.", None);
//! let report = analyzer.map(&doc);
//! assert_eq!(report.table("quotes").unwrap().rows.len(), 1);
//! ```

pub mod quotes;
pub mod reduce;
mod words;

use anyhow::Result;
use newslens_core::text::{chars_in, AnnotatedDoc, MentionForm, Token, TokenKind};
use newslens_core::{AnalyzerSettings, ColumnType, Evidence, Report, Row, Span, Table, Value};
use newslens_sentiment_lexicon::{Scorer, Voice};
use serde::Deserialize;
use words::WordMap;

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
    /// The loaded terms, each one word of the text layer ("so-called" included).
    loaded_terms: Vec<String>,
    /// A lower-cased word to the loaded term it is (an index into
    /// `loaded_terms`) and the hedges that start with it (an index into `hedges`).
    word_roles: WordMap<(Option<usize>, Option<usize>)>,
    /// Hedges by first word: each hedge and its words after the first.
    hedges: Vec<Vec<(&'static str, Vec<String>)>>,
    /// Where shared copy's temporary files go (a batch run's `--tmp-dir`).
    scratch_dir: std::path::PathBuf,
}

/// Maps looked up once per word of the text, with a hash cheap on short keys.
/// Keys here are short words and small ids, which FxHash hashes in a few instructions.
pub(crate) type FastMap<K, V> = rustc_hash::FxHashMap<K, V>;

/// The loaded terms (by index) and the hedges in one document, and its
/// reporting verbs (what `quotes::verb_tokens` gives), found in the same walk.
struct TermMatches {
    loaded: Vec<(Span, usize)>,
    hedges: Vec<(Span, &'static str)>,
    verbs: Vec<usize>,
}

pub fn build(settings: &AnalyzerSettings) -> Result<Box<dyn newslens_core::Analyzer>> {
    Ok(Box::new(source_bias(settings)?))
}

fn source_bias(settings: &AnalyzerSettings) -> Result<SourceBias> {
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
    // Every loaded term is one token of the text layer (hyphenated words
    // are one token), so matching is a hash lookup per token: linear in the
    // text, with the set built once. Hedges are short word sequences, found
    // from their first word.
    let mut word_roles: WordMap<(Option<usize>, Option<usize>)> = WordMap::new([]);
    for (i, term) in loaded_terms.iter().enumerate() {
        word_roles.entry(&term.to_ascii_lowercase()).0 = Some(i);
    }
    let mut hedges: Vec<Vec<(&'static str, Vec<String>)>> = Vec::new();
    for &hedge in HEDGES {
        let words: Vec<String> = hedge.split(' ').map(str::to_string).collect();
        let role = word_roles.entry(&words[0]);
        let list = *role.1.get_or_insert_with(|| {
            hedges.push(Vec::new());
            hedges.len() - 1
        });
        hedges[list].push((hedge, words[1..].to_vec()));
    }
    Ok(SourceBias {
        config,
        scorer,
        loaded_terms,
        word_roles,
        hedges,
        scratch_dir: settings.scratch_dir(),
    })
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

/// A row with one span of evidence. `Row::with_evidence` pushes onto an
/// empty list, which allocates room for four.
fn row_with(cells: Vec<Value>, evidence: Evidence) -> Row {
    let mut row = Row::new(cells);
    row.evidence = vec![evidence];
    row
}

/// A span's character offsets.
fn char_span(doc: &AnnotatedDoc, span: Span) -> (usize, usize) {
    (doc.char_offset(span.start), doc.char_offset(span.end))
}

/// `doc.evidence(span)` from the offsets [`char_span`] gave.
fn evidence(doc: &AnnotatedDoc, (start, end): (usize, usize)) -> Evidence {
    Evidence {
        doc: doc.id().into(),
        start,
        end,
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
    #[inline(never)]
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
                let chars = char_span(doc, span);
                table.push(row_with(
                    vec![
                        doc.id().into(),
                        doc.source().into(),
                        actor.id.as_str().into(),
                        label.into(),
                        voice_of(doc, span).name().into(),
                        chars.0.into(),
                        chars.1.into(),
                    ],
                    evidence(doc, chars),
                ));
            }
        }
    }

    #[inline(never)]
    fn quotes(
        &self,
        doc: &AnnotatedDoc,
        lower: &str,
        terms: &TermMatches,
        quotes: &mut Table,
        attribution: &mut Table,
    ) {
        for q in quotes::quotations_with(doc, lower, &terms.verbs) {
            let words = doc
                .tokens_in(q.quote)
                .iter()
                .filter(|t| t.kind != TokenKind::Punct)
                .count();
            let verb = q.verb.map(|v| doc.slice(v).to_lowercase());
            let side = side_of(doc, q.actor);
            // Each offset is counted once, for its column and its evidence.
            let quote = char_span(doc, q.quote);
            let speaker = q.speaker.map(|s| char_span(doc, s));
            let (speaker_start, speaker_end) =
                speaker.map_or((Value::Null, Value::Null), |(s, e)| (s.into(), e.into()));
            let mut row = Row::new(vec![
                doc.id().into(),
                doc.source().into(),
                q.kind.name().into(),
                Value::opt_text(q.speaker.map(|s| doc.slice(s).to_string())),
                Value::opt_text(q.actor.map(|a| doc.gazetteer.actors[a].id.clone())),
                side.clone().into(),
                Value::opt_text(verb.clone()),
                quote.0.into(),
                quote.1.into(),
                speaker_start,
                speaker_end,
                words.into(),
                q.named.into(),
            ]);
            row.evidence = std::iter::once(quote)
                .chain(speaker)
                .map(|chars| evidence(doc, chars))
                .collect();
            quotes.push(row);
            if let (Some(verb), Some(span)) = (verb, q.verb) {
                let class = if quotes::LOADED_VERBS.contains(&verb.as_str()) {
                    "loaded"
                } else {
                    "neutral"
                };
                attribution.push(row_with(
                    vec![
                        doc.id().into(),
                        doc.source().into(),
                        side.into(),
                        class.into(),
                        verb.into(),
                    ],
                    doc.evidence(span),
                ));
            }
        }
        // Hedges in the outlet's own voice.
        for &(span, hedge) in &terms.hedges {
            if voice_of(doc, span) == Voice::Quoted {
                continue;
            }
            attribution.push(row_with(
                vec![
                    doc.id().into(),
                    doc.source().into(),
                    "-".into(),
                    "hedge".into(),
                    hedge.into(),
                ],
                doc.evidence(span),
            ));
        }
    }

    /// Loaded terms and hedges, word by word over the text layer's tokens.
    /// A hyphenated word also counts its parts ("anti-terrorism").
    #[inline(never)]
    fn scan_terms(&self, doc: &AnnotatedDoc, lower: &str) -> TermMatches {
        let mut matches = TermMatches {
            loaded: Vec::new(),
            hedges: Vec::new(),
            verbs: Vec::new(),
        };
        let word_at =
            |t: &newslens_core::text::Token| &lower[t.span.start as usize..t.span.end as usize];
        let verbs = quotes::reporting_verbs();
        let mut from = 0;
        while let Some((i, bit)) = self.next_candidate(&doc.tokens, lower.as_bytes(), verbs, from) {
            from = i + 1;
            let t = &doc.tokens[i];
            if verbs.has_shape(bit) && quotes::is_verb(word_at(t)) {
                matches.verbs.push(i);
            }
            if !t.inner_hyphen && !self.word_roles.has_shape(bit) {
                continue;
            }
            let word = word_at(t);
            let (loaded, hedges) = self.word_roles.get(word).copied().unwrap_or_default();
            if let Some(term) = loaded {
                matches.loaded.push((t.span, term));
            } else if t.inner_hyphen {
                // The tokenizer flags every word with a hyphen inside (a
                // Unicode hyphen too, whose word is one part, looked up above).
                let mut offset = t.span.start as usize;
                for part in word.split('-') {
                    if let Some(&(Some(term), _)) = self.word_roles.get(part) {
                        matches
                            .loaded
                            .push((Span::new(offset, offset + part.len()), term));
                    }
                    offset += part.len() + 1;
                }
            }
            let Some(hedges) = hedges.map(|list| &self.hedges[list]) else {
                continue;
            };
            // The longest hedge that starts here ("is said to", not "is").
            let found = hedges
                .iter()
                .filter(|(_, rest)| {
                    rest.iter().enumerate().all(|(k, w)| {
                        doc.tokens
                            .get(i + 1 + k)
                            .is_some_and(|next| word_at(next) == w)
                    })
                })
                .max_by_key(|(_, rest)| rest.len());
            if let Some((hedge, rest)) = found {
                let last = doc.tokens[i + rest.len()].span;
                matches.hedges.push((t.span.cover(last), hedge));
            }
        }
        matches
    }

    /// The first word at `from` or after that may be a reporting verb or one
    /// of `word_roles` by its [`words::shape`], or has a hyphen inside, and
    /// that shape. Nearly every word is turned away here, by a loop that
    /// only reads, so it keeps what it reads in registers.
    #[inline(always)]
    fn next_candidate(
        &self,
        tokens: &[Token],
        lower: &[u8],
        verbs: &WordMap<()>,
        from: usize,
    ) -> Option<(usize, usize)> {
        for (i, t) in tokens.iter().enumerate().skip(from) {
            if t.kind != TokenKind::Word {
                continue;
            }
            let bit = words::shape(&lower[t.span.start as usize..t.span.end as usize]);
            if t.inner_hyphen || self.word_roles.has_shape(bit) || verbs.has_shape(bit) {
                return Some((i, bit));
            }
        }
        None
    }

    #[inline(never)]
    fn loaded(&self, doc: &AnnotatedDoc, terms: &TermMatches, table: &mut Table) {
        for &(span, term) in &terms.loaded {
            let term = &self.loaded_terms[term];
            let chars = char_span(doc, span);
            table.push(row_with(
                vec![
                    doc.id().into(),
                    doc.source().into(),
                    term.as_str().into(),
                    voice_of(doc, span).name().into(),
                    chars.0.into(),
                    chars.1.into(),
                ],
                evidence(doc, chars),
            ));
        }
    }

    /// Word counts by voice, for rates per 1,000 words: a word is quoted
    /// when it starts inside an outer quote.
    #[inline(never)]
    fn words(&self, doc: &AnnotatedDoc, table: &mut Table) {
        let is_word = |t: &newslens_core::text::Token| t.kind != TokenKind::Punct;
        let all = doc.tokens.iter().filter(|t| is_word(t)).count();
        // Quotes are few: each one's tokens found by binary search, and
        // counted once where quotes overlap.
        let mut quoted = 0usize;
        let mut covered = 0u32;
        for q in doc.quotes.iter().filter(|q| q.depth == 0) {
            let (from, to) = (q.inner.start.max(covered), q.inner.end);
            if from >= to {
                continue;
            }
            covered = to;
            let first = doc.tokens.partition_point(|t| t.span.start < from);
            let last = doc.tokens.partition_point(|t| t.span.start < to);
            quoted += doc.tokens[first..last.max(first)]
                .iter()
                .filter(|t| is_word(t))
                .count();
        }
        let authorial = all.saturating_sub(quoted);
        table.push(Row::new(vec![
            doc.id().into(),
            doc.source().into(),
            authorial.into(),
            quoted.into(),
        ]));
    }

    #[inline(never)]
    fn tone(&self, doc: &AnnotatedDoc, table: &mut Table) {
        for tone in self.scorer.actor_tones(doc) {
            table.push(row_with(
                vec![
                    doc.id().into(),
                    doc.source().into(),
                    doc.gazetteer.actors[tone.actor].id.as_str().into(),
                    tone.clause.voice.name().into(),
                    tone.clause.compound.into(),
                ],
                doc.evidence(tone.clause.span),
            ));
        }
    }

    /// Sampled shingle hashes per sentence, in one row per document: the
    /// reduce finds sentences that two outlets share by grouping on these,
    /// in one pass over the corpus. A row rather than a row a sentence,
    /// because the map's rows are written out: the document's name, source
    /// and column names once, not once a sentence.
    #[inline(never)]
    fn shingles(&self, doc: &AnnotatedDoc, lower: &str, table: &mut Table) {
        let k = self.config.shingle_words.max(2);
        // Each word is folded and hashed once; a shingle's hash mixes its
        // words' hashes, so it costs k steps, not k words' bytes.
        let mut hasher = WordHasher::new(doc, lower);
        let mut words: Vec<u64> = Vec::new();
        let mut sampled: Vec<u64> = Vec::new();
        // Digits, spaces and semicolons: bytes, made a string once.
        let mut sentences: Vec<u8> = Vec::new();
        // Most of the text is in sampled sentences: room for all of it up
        // front, not grown a sentence at a time.
        let mut texts = String::with_capacity(doc.text().len());
        let mut covered: Option<(usize, usize)> = None;
        // Sentences come in text order: each one's characters are counted
        // from the previous one's end, not from a block start for each offset.
        let bytes = doc.text().as_bytes();
        let (mut byte, mut chars) = (0, 0);
        let mut char_at = |offset: u32| {
            let offset = (offset as usize).min(bytes.len());
            if offset < byte {
                chars -= chars_in(&bytes[offset..byte]);
            } else {
                chars += chars_in(&bytes[byte..offset]);
            }
            byte = offset;
            chars
        };
        for (index, (sentence, tokens)) in quotes::sentence_tokens(doc).enumerate() {
            hasher.hash_words(tokens, &mut words);
            if words.len() < k + 3 {
                continue;
            }
            sample(&words, k, &mut sampled);
            if sampled.is_empty() {
                continue;
            }
            sampled.sort_unstable();
            sampled.dedup();
            let (start, end) = (char_at(sentence.start), char_at(sentence.end));
            let text = doc.slice(sentence);
            if !sentences.is_empty() {
                sentences.push(b';');
            }
            for n in [index + 1, words.len(), start, end, text.len()] {
                push_decimal(&mut sentences, n);
                sentences.push(b' ');
            }
            for (i, &h) in sampled.iter().enumerate() {
                if i > 0 {
                    sentences.push(b' ');
                }
                push_base64(&mut sentences, h);
            }
            texts.push_str(text);
            covered = Some((covered.map_or(start, |c| c.0), end));
        }
        if let Some(span) = covered {
            table.push(row_with(
                vec![
                    doc.id().into(),
                    doc.source().into(),
                    String::from_utf8(sentences).unwrap_or_default().into(),
                    texts.into(),
                ],
                evidence(doc, span),
            ));
        }
    }
}

/// The shingles' word hashes: FNV-1a over each word's matching key (core's
/// fold), for words that come in text order.
struct WordHasher<'a> {
    doc: &'a AnnotatedDoc,
    lower: &'a [u8],
    /// The first byte at or after the last word looked at that is not plain
    /// ASCII or is a dot. A word that ends before it is its own folded form,
    /// hashed byte by byte with no test; nearly every word is.
    next_stop: usize,
}

impl<'a> WordHasher<'a> {
    fn new(doc: &'a AnnotatedDoc, lower: &'a str) -> WordHasher<'a> {
        WordHasher {
            doc,
            lower: lower.as_bytes(),
            next_stop: 0,
        }
    }

    /// The hashes of the words (punctuation left out) of `tokens`, which
    /// come after those of the previous call, into `out`.
    #[inline(never)]
    fn hash_words(&mut self, tokens: &[Token], out: &mut Vec<u64>) {
        out.clear();
        let lower = self.lower;
        let mut next_stop = self.next_stop;
        for t in tokens {
            if t.kind == TokenKind::Punct {
                continue;
            }
            let (start, end) = (t.span.start as usize, t.span.end as usize);
            if next_stop < start {
                next_stop = start + newslens_core::text::fold::plain_ascii_run(&lower[start..]);
            }
            let bytes = &lower[start..end];
            let hash = if next_stop >= end {
                bytes.iter().fold(FNV_OFFSET, |hash, &b| fnv_step(hash, b))
            } else {
                self.hash_other(bytes, start..end)
            };
            out.push(hash);
        }
        self.next_stop = next_stop;
    }

    /// A word with a dot or a non-ASCII byte: a curly apostrophe
    /// (“Haftar’s”) folds to a straight one, as core's fold has it; the rest
    /// (accents, acronym dots) goes through that fold.
    #[inline(never)]
    fn hash_other(&self, bytes: &[u8], range: std::ops::Range<usize>) -> u64 {
        let mut hash = FNV_OFFSET;
        let mut k = 0;
        while k < bytes.len() {
            let b = bytes[k];
            if b < 0x80 && b != b'.' {
                hash = fnv_step(hash, b);
                k += 1;
            } else if b == 0xe2
                && bytes.get(k + 1) == Some(&0x80)
                && matches!(bytes.get(k + 2), Some(0x98 | 0x99))
            {
                hash = fnv_step(hash, b'\'');
                k += 3;
            } else {
                return newslens_core::text::fold(&self.doc.text()[range])
                    .bytes()
                    .fold(FNV_OFFSET, fnv_step);
            }
        }
        hash
    }
}

/// The sampled shingles of a sentence's word hashes, `k` words each: one in
/// four, by their hashes, so that copies of a sentence sample the same ones.
#[inline(never)]
fn sample(words: &[u64], k: usize, sampled: &mut Vec<u64>) {
    sampled.clear();
    // With the shingle's length known when compiled, its k steps unroll:
    // the loop round them was a third of each shingle's cost.
    match k {
        2 => sample_k::<2>(words, sampled),
        3 => sample_k::<3>(words, sampled),
        4 => sample_k::<4>(words, sampled),
        5 => sample_k::<5>(words, sampled),
        6 => sample_k::<6>(words, sampled),
        7 => sample_k::<7>(words, sampled),
        8 => sample_k::<8>(words, sampled),
        _ => sample_windows(words.windows(k), sampled),
    }
}

fn sample_k<const K: usize>(words: &[u64], sampled: &mut Vec<u64>) {
    sample_windows(words.windows(K), sampled);
}

#[inline(always)]
fn sample_windows<'a>(windows: impl Iterator<Item = &'a [u64]>, sampled: &mut Vec<u64>) {
    for window in windows {
        let hash = shingle_hash(window);
        if hash.is_multiple_of(4) {
            sampled.push(hash);
        }
    }
}

/// `n` in decimal digits.
fn push_decimal(out: &mut Vec<u8>, n: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut n = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// The digits of a shingle hash in `shingles`: URL-safe base64, which
/// JSON writes without escapes, six bits a digit, the highest first.
pub(crate) const BASE64_DIGITS: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// `h` as 11 base64 digits (the last holds its lowest four bits).
fn push_base64(out: &mut Vec<u8>, h: u64) {
    // Straight into `out`: one test of its room for all eleven.
    out.extend((0..11).map(|i| {
        let shift = 58i32 - 6 * i;
        let value = if shift >= 0 {
            (h >> shift) & 63
        } else {
            (h << -shift) & 63
        };
        BASE64_DIGITS[value as usize]
    }));
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// The hash of a shingle from its words' hashes: order matters, and the
/// final mix (SplitMix64's) spreads every word into the low bits the
/// sampling reads.
fn shingle_hash(words: &[u64]) -> u64 {
    let mut hash = FNV_OFFSET;
    for &w in words {
        hash = (hash ^ w).wrapping_mul(0x0100_0000_01b3).rotate_left(23);
    }
    hash ^= hash >> 30;
    hash = hash.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    hash ^= hash >> 27;
    hash = hash.wrapping_mul(0x94d0_49bb_1331_11eb);
    hash ^ (hash >> 31)
}

fn fnv_step(hash: u64, byte: u8) -> u64 {
    (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
}

impl newslens_core::Analyzer for SourceBias {
    fn name(&self) -> &'static str {
        "source-bias"
    }

    fn map(&self, doc: &AnnotatedDoc) -> Report {
        let mut tables = reduce::map_tables();
        let [labels, quote_rows, attribution, loaded, words, tone, shingles] = &mut tables;
        self.labels(doc, labels);
        // One lower-cased copy of the text (ASCII only, so offsets hold) for
        // every word comparison of the map.
        let lower = doc.text().to_ascii_lowercase();
        let terms = self.scan_terms(doc, &lower);
        self.quotes(doc, &lower, &terms, quote_rows, attribution);
        self.loaded(doc, &terms, loaded);
        self.words(doc, words);
        self.tone(doc, tone);
        self.shingles(doc, &lower, shingles);
        Report::new(tables.into())
    }

    fn streaming_reduce(&self) -> Option<newslens_core::analyzer::StreamingReduce> {
        Some(reduce::plan(
            self.config.min_shared_shingles,
            self.scratch_dir.clone(),
        ))
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
