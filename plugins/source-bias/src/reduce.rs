//! The merge across documents, from the map tables alone: per-outlet
//! labels, voices, attribution, loaded words and tone; shared copy; and the
//! one-screen profile of each outlet.
//!
//! The reduced tables: `labels` (source, actor, label, voice: count and first
//! use), `quotes` (the map's quotes, unchanged), `voices` (each side's share
//! of an outlet's quotes and quoted words), `attribution` (verbs and hedges),
//! `loaded` (loaded words per 1,000 words of the same voice), `tone` (mean
//! compound toward each party), `shared_copy` (one row per passage two
//! documents share) and `profile` (one row per outlet and dimension).
//!
//! Evidence: a row of `labels`, `voices`, `attribution`, `loaded`, `tone` or
//! `profile` lists the first [`EVIDENCE_CAP`] (1,000) spans behind it, in
//! corpus order; its count columns (`count`, `quotes`, `mentions`, `n`) count
//! them all. `quotes` and `shared_copy` rows keep all their spans (one or two).
//!
//! The reduce is a fold ([`plan`]), so a batch run streams the map rows
//! through it and the REPL runs the same fold over tables in memory.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Result;
use newslens_core::analyzer::{Fold, StreamingReduce, TableSink};
use newslens_core::{ColumnType, Row, Table, Text, Value};

use crate::FastMap;

mod evidence;
mod keysort;
mod shared;
use evidence::{gathered, EvidenceStore, Spans};
#[cfg(test)]
pub(crate) use shared::group_by_hash;
use shared::{Segments, SharedCopy};

/// The per-document tables, in the order `map` fills them.
pub fn map_tables() -> [Table; 7] {
    use ColumnType::*;
    [
        Table::new(
            "label_rows",
            &[
                ("doc", Text),
                ("source", Text),
                ("actor", Text),
                ("label", Text),
                ("voice", Text),
                ("start", Int),
                ("end", Int),
            ],
        ),
        Table::new(
            "quotes",
            &[
                ("doc", Text),
                ("source", Text),
                ("kind", Text),
                ("speaker", Text),
                ("actor", Text),
                ("side", Text),
                ("verb", Text),
                ("quote_start", Int),
                ("quote_end", Int),
                ("speaker_start", Int),
                ("speaker_end", Int),
                ("words", Int),
                ("named", Bool),
            ],
        ),
        Table::new(
            "attribution_rows",
            &[
                ("doc", Text),
                ("source", Text),
                ("side", Text),
                ("class", Text),
                ("term", Text),
            ],
        ),
        Table::new(
            "loaded_rows",
            &[
                ("doc", Text),
                ("source", Text),
                ("term", Text),
                ("voice", Text),
                ("start", Int),
                ("end", Int),
            ],
        ),
        Table::new(
            "word_counts",
            &[
                ("doc", Text),
                ("source", Text),
                ("authorial", Int),
                ("quoted", Int),
            ],
        ),
        Table::new(
            "tone_rows",
            &[
                ("doc", Text),
                ("source", Text),
                ("actor", Text),
                ("voice", Text),
                ("compound", Float),
            ],
        ),
        // One row per document: for each sentence with sampled shingles,
        // "sentence words start end bytes hash…" (start and end its
        // characters in the document, bytes its text's length in `text`,
        // hashes in base64), `;` between sentences; `text` their texts run
        // together.
        Table::new(
            "shingles",
            &[
                ("doc", Text),
                ("source", Text),
                ("sentences", Text),
                ("text", Text),
            ],
        ),
    ]
}

/// At most this many evidence spans on one reduced row; its count columns
/// still count every occurrence. Without a cap a row such as an outlet's
/// quotes in `profile` would list every quote of the outlet — evidence as
/// large as the corpus — and the reduce could not run in flat memory.
pub const EVIDENCE_CAP: usize = 1000;

/// The reduced tables, in the order `reduce` returns them.
const ORDER: [&str; 8] = [
    "labels",
    "quotes",
    "voices",
    "attribution",
    "loaded",
    "tone",
    "shared_copy",
    "profile",
];

/// The reduce as a fold over map rows, so a batch run keeps only sums and
/// interned names in memory, with the capped evidence on disk. `quotes`
/// passes through.
/// Shared copy sorts each sentence's sampled hashes on disk (an external
/// sort) to find the sentence pairs, and spills the fields it prints to a
/// temporary file, from which `finish` reads the sentences of pairs back:
/// one parse of `shingles`, whose text is most of the map's bytes, and
/// memory that grows only by a few bytes a document (see `shared`). The
/// evidence of the other tables goes to disk as it comes (see `evidence`).
/// Its temporary files go in `scratch`.
pub fn plan(min_shared: usize, scratch: PathBuf) -> StreamingReduce {
    plan_with(min_shared, Segments::default(), scratch)
}

fn plan_with(min_shared: usize, segments: Segments, scratch: PathBuf) -> StreamingReduce {
    StreamingReduce {
        keep: vec![map_tables()[1].clone()],
        reads: vec![
            "label_rows",
            "quotes",
            "attribution_rows",
            "loaded_rows",
            "word_counts",
            "tone_rows",
            "shingles",
        ],
        fold: Box::new(Tally::new(min_shared, segments, scratch)),
        order: ORDER.to_vec(),
    }
}

/// A text cell without copying it; other values as they print.
fn cell(r: &Row, at: Option<usize>) -> Cow<'_, str> {
    match at.and_then(|i| r.cells.get(i)) {
        Some(Value::Text(s)) => Cow::Borrowed(s),
        Some(other) => Cow::Owned(other.to_string()),
        None => Cow::Borrowed(""),
    }
}

fn int(r: &Row, at: Option<usize>) -> i64 {
    at.and_then(|i| r.cells.get(i))
        .and_then(Value::as_i64)
        .unwrap_or(0)
}

/// Where one map table's columns are, found by name once per schema rather
/// than on every row, and the name each column gave last: a document's rows
/// come together, so its source (and often its voice or party) repeats.
struct Reader<const N: usize> {
    names: [&'static str; N],
    /// The address and length of the schema's columns the indices were found in.
    schema: (usize, usize),
    at: [Option<usize>; N],
    last: [Option<u32>; N],
}

impl<const N: usize> Reader<N> {
    fn new(names: [&'static str; N]) -> Reader<N> {
        Reader {
            names,
            schema: (0, 0),
            at: [None; N],
            last: [None; N],
        }
    }

    /// The columns' indices in `table`.
    fn columns(&mut self, table: &Table) -> [Option<usize>; N] {
        let schema = (table.columns.as_ptr() as usize, table.columns.len());
        if self.schema != schema {
            self.schema = schema;
            self.at = self.names.map(|name| table.column_index(name));
        }
        self.at
    }

    /// The interned text of column `i` (of `names`) in `row`.
    fn id(&mut self, names: &mut Names, row: &Row, i: usize) -> u32 {
        let text = cell(row, self.at[i]);
        if let Some(last) = self.last[i] {
            if names.name(last) == text {
                return last;
            }
        }
        let id = names.id(&text);
        self.last[i] = Some(id);
        id
    }

    /// The interned texts of the first `K` columns, in order.
    fn key<const K: usize>(&mut self, names: &mut Names, table: &Table, row: &Row) -> [u32; K] {
        self.columns(table);
        std::array::from_fn(|i| self.id(names, row, i))
    }
}

/// Each distinct string once, by number: the fold's keys are numbers.
#[derive(Default)]
struct Names {
    ids: FastMap<Box<str>, u32>,
    names: Vec<Box<str>>,
    /// The id given last: a document's rows and their evidence come one
    /// after another, so most lookups of a document are this one.
    last: Option<u32>,
}

impl Names {
    fn id(&mut self, name: &str) -> u32 {
        if let Some(last) = self.last {
            if *self.names[last as usize] == *name {
                return last;
            }
        }
        let id = match self.ids.get(name) {
            Some(&id) => id,
            None => {
                let id = self.names.len() as u32;
                self.names.push(name.into());
                self.ids.insert(name.into(), id);
                id
            }
        };
        self.last = Some(id);
        id
    }

    fn get(&self, name: &str) -> Option<u32> {
        self.ids.get(name).copied()
    }

    fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }

    /// Each id's place in the byte order of the names, so keys sort as the
    /// strings would without comparing strings.
    fn ranks(&self) -> Vec<u32> {
        let mut ids: Vec<u32> = (0..self.names.len() as u32).collect();
        ids.sort_unstable_by(|&a, &b| self.name(a).cmp(self.name(b)));
        let mut ranks = vec![0; ids.len()];
        for (rank, id) in ids.into_iter().enumerate() {
            ranks[id as usize] = rank as u32;
        }
        ranks
    }
}

#[derive(Default)]
struct Count {
    n: i64,
    evidence: Spans,
}

struct Label {
    n: i64,
    /// The first use: document, start, end.
    first: (Text, i64, i64),
    evidence: Spans,
}

#[derive(Default)]
struct Voice {
    quotes: i64,
    words: i64,
    evidence: Spans,
}

#[derive(Default, Clone, Copy)]
struct Totals {
    quotes: i64,
    words: i64,
    named: i64,
}

#[derive(Default)]
struct Tone {
    n: i64,
    sum: f64,
    evidence: Spans,
}

/// The fold's state: counts and sums keyed by interned names, and the
/// shared-copy passes.
struct Tally {
    min_shared: usize,
    /// Sources, actors, labels, voices, sides, classes and terms.
    names: Names,
    evidence: EvidenceStore,
    labels: FastMap<[u32; 4], Label>,
    voices: FastMap<[u32; 2], Voice>,
    totals: FastMap<u32, Totals>,
    quote_evidence: FastMap<u32, Spans>,
    attribution: FastMap<[u32; 4], Count>,
    /// (source, voice) → words.
    words: FastMap<[u32; 2], i64>,
    loaded: FastMap<[u32; 3], Count>,
    tone: FastMap<[u32; 3], Tone>,
    shared: SharedCopy,
    label_rows: Reader<7>,
    quote_rows: Reader<4>,
    attribution_rows: Reader<4>,
    loaded_rows: Reader<3>,
    word_counts: Reader<3>,
    tone_rows: Reader<4>,
}

impl Tally {
    fn new(min_shared: usize, segments: Segments, scratch: PathBuf) -> Tally {
        Tally {
            min_shared,
            names: Names::default(),
            evidence: EvidenceStore::new(scratch.clone()),
            labels: FastMap::default(),
            voices: FastMap::default(),
            totals: FastMap::default(),
            quote_evidence: FastMap::default(),
            attribution: FastMap::default(),
            words: FastMap::default(),
            loaded: FastMap::default(),
            tone: FastMap::default(),
            shared: SharedCopy::new(segments, scratch),
            label_rows: Reader::new(["source", "actor", "label", "voice", "doc", "start", "end"]),
            quote_rows: Reader::new(["source", "side", "words", "named"]),
            attribution_rows: Reader::new(["source", "side", "class", "term"]),
            loaded_rows: Reader::new(["source", "term", "voice"]),
            word_counts: Reader::new(["source", "authorial", "quoted"]),
            tone_rows: Reader::new(["source", "actor", "voice", "compound"]),
        }
    }
}

impl Fold for Tally {
    fn add(&mut self, table: &Table, row: &Row) -> Result<()> {
        let names = &mut self.names;
        match table.name.as_str() {
            "shingles" => self.shared.add(table, row, names)?,
            "label_rows" => {
                let reader = &mut self.label_rows;
                let key = reader.key(names, table, row);
                let label = self.labels.entry(key).or_insert_with(|| Label {
                    n: 0,
                    first: (
                        Text::from(cell(row, reader.at[4]).as_ref()),
                        int(row, reader.at[5]),
                        int(row, reader.at[6]),
                    ),
                    evidence: Spans::default(),
                });
                label.n += 1;
                label.evidence.add(&mut self.evidence, &row.evidence)?;
            }
            "quotes" => {
                let reader = &mut self.quote_rows;
                let [source, side] = reader.key(names, table, row);
                let words = int(row, reader.at[2]);
                let named = reader.at[3].and_then(|i| row.cells.get(i)) == Some(&Value::Bool(true));
                let voice = self.voices.entry([source, side]).or_default();
                voice.quotes += 1;
                voice.words += words;
                let outlet = self.quote_evidence.entry(source).or_default();
                if let Some(e) = row.evidence.first() {
                    voice
                        .evidence
                        .push(&mut self.evidence, &e.doc, e.start, e.end)?;
                    outlet.push(&mut self.evidence, &e.doc, e.start, e.end)?;
                }
                let totals = self.totals.entry(source).or_default();
                totals.quotes += 1;
                totals.words += words;
                totals.named += i64::from(named);
            }
            "attribution_rows" => {
                let key = self.attribution_rows.key(names, table, row);
                let count = self.attribution.entry(key).or_default();
                count.n += 1;
                count.evidence.add(&mut self.evidence, &row.evidence)?;
            }
            "loaded_rows" => {
                let key = self.loaded_rows.key(names, table, row);
                let count = self.loaded.entry(key).or_default();
                count.n += 1;
                count.evidence.add(&mut self.evidence, &row.evidence)?;
            }
            "word_counts" => {
                let reader = &mut self.word_counts;
                let [source] = reader.key(names, table, row);
                for (voice, column) in [("authorial", 1), ("quoted", 2)] {
                    let id = names.id(voice);
                    *self.words.entry([source, id]).or_default() += int(row, reader.at[column]);
                }
            }
            "tone_rows" => {
                let reader = &mut self.tone_rows;
                let key = reader.key(names, table, row);
                let tone = self.tone.entry(key).or_default();
                tone.n += 1;
                tone.sum += reader.at[3]
                    .and_then(|i| row.cells.get(i))
                    .and_then(Value::as_f64)
                    .unwrap_or(0.0);
                tone.evidence.add(&mut self.evidence, &row.evidence)?;
            }
            _ => {}
        }
        Ok(())
    }

    fn finish_into(self: Box<Self>, out: &mut dyn TableSink) -> Result<()> {
        self.tables_into(out)
    }
}

/// `map`'s entries in the order of their keys' strings.
fn sorted<const N: usize, V>(ranks: &[u32], map: FastMap<[u32; N], V>) -> Vec<([u32; N], V)> {
    let mut entries: Vec<_> = map.into_iter().collect();
    entries.sort_unstable_by_key(|(key, _)| key.map(|id| ranks[id as usize]));
    entries
}

/// Indices of `entries` by their key's source (its first part), in order.
fn by_source<const N: usize, V>(entries: &[([u32; N], V)]) -> FastMap<u32, Vec<usize>> {
    let mut out: FastMap<u32, Vec<usize>> = FastMap::default();
    for (i, (key, _)) in entries.iter().enumerate() {
        out.entry(key[0]).or_default().push(i);
    }
    out
}

impl Tally {
    /// The reduced tables in [`ORDER`], row by row: each row's evidence is
    /// read back from the [`EvidenceStore`] as it is written, so no table's
    /// evidence is held whole.
    fn tables_into(self, out: &mut dyn TableSink) -> Result<()> {
        use ColumnType::*;
        let Tally {
            min_shared,
            names,
            evidence: mut store,
            labels,
            voices,
            totals,
            mut quote_evidence,
            attribution,
            words,
            loaded,
            tone,
            shared,
            ..
        } = self;
        let ranks = names.ranks();
        let name = |id: u32| Value::from(names.name(id));

        let labels_table = Table::new(
            "labels",
            &[
                ("source", Text),
                ("actor", Text),
                ("label", Text),
                ("voice", Text),
                ("count", Int),
                ("doc", Text),
                ("start", Int),
                ("end", Int),
            ],
        );
        out.table(&labels_table)?;
        for ([source, actor, label, voice], l) in sorted(&ranks, labels) {
            let (doc, start, end) = l.first;
            let mut row = Row::new(vec![
                name(source),
                name(actor),
                name(label),
                name(voice),
                l.n.into(),
                doc.into(),
                start.into(),
                end.into(),
            ]);
            row.evidence = l.evidence.evidence(&mut store)?;
            out.row(row)?;
        }

        // Voices: each side's share of an outlet's quotes and quoted words.
        let voices_table = Table::new(
            "voices",
            &[
                ("source", Text),
                ("side", Text),
                ("quotes", Int),
                ("words", Int),
                ("share", Float),
                ("word_share", Float),
            ],
        );
        let voices = sorted(&ranks, voices);
        out.table(&voices_table)?;
        for ([source, side], v) in &voices {
            let t = totals.get(source).copied().unwrap_or_default();
            let mut row = Row::new(vec![
                name(*source),
                name(*side),
                v.quotes.into(),
                v.words.into(),
                (v.quotes as f64 / t.quotes.max(1) as f64).into(),
                (v.words as f64 / t.words.max(1) as f64).into(),
            ]);
            row.evidence = v.evidence.evidence(&mut store)?;
            out.row(row)?;
        }

        let attribution_table = Table::new(
            "attribution",
            &[
                ("source", Text),
                ("side", Text),
                ("class", Text),
                ("term", Text),
                ("count", Int),
            ],
        );
        let attribution = sorted(&ranks, attribution);
        out.table(&attribution_table)?;
        for ([source, side, class, term], c) in &attribution {
            let mut row = Row::new(vec![
                name(*source),
                name(*side),
                name(*class),
                name(*term),
                c.n.into(),
            ]);
            row.evidence = c.evidence.evidence(&mut store)?;
            out.row(row)?;
        }

        // Loaded words per 1,000 words of the same voice.
        let words_of = |source: u32, voice: u32| words.get(&[source, voice]).copied().unwrap_or(0);
        let loaded_table = Table::new(
            "loaded",
            &[
                ("source", Text),
                ("term", Text),
                ("voice", Text),
                ("count", Int),
                ("per_1k", Float),
            ],
        );
        let loaded = sorted(&ranks, loaded);
        // (source, voice) → loaded words and the rows they come from, in order.
        let mut loaded_totals: FastMap<[u32; 2], (i64, Vec<&Spans>)> = FastMap::default();
        out.table(&loaded_table)?;
        for ([source, term, voice], c) in &loaded {
            let total = loaded_totals.entry([*source, *voice]).or_default();
            total.0 += c.n;
            total.1.push(&c.evidence);
            let mut row = Row::new(vec![
                name(*source),
                name(*term),
                name(*voice),
                c.n.into(),
                (1000.0 * c.n as f64 / words_of(*source, *voice).max(1) as f64).into(),
            ]);
            row.evidence = c.evidence.evidence(&mut store)?;
            out.row(row)?;
        }

        // Tone toward each party, per outlet and voice.
        let tone_table = Table::new(
            "tone",
            &[
                ("source", Text),
                ("actor", Text),
                ("voice", Text),
                ("mentions", Int),
                ("mean_compound", Float),
            ],
        );
        let tone = sorted(&ranks, tone);
        out.table(&tone_table)?;
        for ([source, actor, voice], t) in &tone {
            let mut row = Row::new(vec![
                name(*source),
                name(*actor),
                name(*voice),
                t.n.into(),
                (t.sum / t.n as f64).into(),
            ]);
            row.evidence = t.evidence.evidence(&mut store)?;
            out.row(row)?;
        }

        let shares = shared.finish_into(&mut store, &names, min_shared, out)?;

        // The profile: one row per outlet and dimension.
        let profile = Table::new(
            "profile",
            &[
                ("source", Text),
                ("dimension", Text),
                ("value", Text),
                ("n", Int),
            ],
        );
        let mut sources: Vec<u32> = words.keys().map(|k| k[0]).collect();
        sources.sort_unstable_by_key(|&s| ranks[s as usize]);
        sources.dedup();
        let voices_by = by_source(&voices);
        let loaded_by = by_source(&loaded);
        let attribution_by = by_source(&attribution);
        let tone_by = by_source(&tone);
        let shares = sorted(&ranks, shares);
        let shares_by = by_source(&shares);
        let neutral = names.get("neutral");
        let authorial = names.get("authorial");
        let none = Vec::new();
        out.table(&profile)?;
        for source in sources {
            // A row's evidence: the first spans of the rows it sums, in order.
            let mut push = |dimension: &str, value: String, n: i64, evidence: &[&Spans]| {
                let mut row =
                    Row::new(vec![name(source), dimension.into(), value.into(), n.into()]);
                row.evidence = gathered(&mut store, evidence.iter().copied())?;
                out.row(row)
            };
            let t = totals.get(&source).copied().unwrap_or_default();
            let quote_evidence = quote_evidence.remove(&source).unwrap_or_default();
            push(
                "quotes",
                format!(
                    "{} quotes, {} quoted words, {} from named sources",
                    t.quotes, t.words, t.named
                ),
                t.quotes,
                &[&quote_evidence],
            )?;
            let sides: Vec<String> = voices_by
                .get(&source)
                .unwrap_or(&none)
                .iter()
                .map(|&i| {
                    let ([_, side], v) = &voices[i];
                    let share = v.words as f64 / t.words.max(1) as f64;
                    format!("{} {:.0}%", names.name(*side), 100.0 * share)
                })
                .collect();
            push("quoted words by side", sides.join(", "), t.quotes, &[])?;
            for voice in ["authorial", "quoted"] {
                let voice_id = names.get(voice);
                let words = voice_id.map_or(0, |v| words_of(source, v));
                let total = voice_id.and_then(|v| loaded_totals.get(&[source, v]));
                let mut top: Vec<(i64, &str)> = loaded_by
                    .get(&source)
                    .unwrap_or(&none)
                    .iter()
                    .filter(|&&i| Some(loaded[i].0[2]) == voice_id)
                    .map(|&i| (loaded[i].1.n, names.name(loaded[i].0[1])))
                    .collect();
                top.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
                let top: Vec<String> = top
                    .iter()
                    .take(5)
                    .map(|(c, t)| format!("{t} {c}"))
                    .collect();
                let n = total.map_or(0, |t| t.0);
                push(
                    &format!("loaded words, {voice}"),
                    format!(
                        "{:.1} per 1,000 words ({})",
                        1000.0 * n as f64 / words.max(1) as f64,
                        top.join(", ")
                    ),
                    n,
                    total.map_or(&[], |t| &t.1),
                )?;
            }
            let mut verbs: BTreeMap<&str, (i64, Vec<&Spans>)> = BTreeMap::new();
            for &i in attribution_by.get(&source).unwrap_or(&none) {
                let ([_, _, class, term], c) = &attribution[i];
                if Some(*class) == neutral {
                    continue;
                }
                let e = verbs.entry(names.name(*term)).or_default();
                e.0 += c.n;
                e.1.push(&c.evidence);
            }
            // Each verb's rows in turn: the first spans of each verb's own
            // capped list, then the next verb's, are these rows' first spans.
            let evidence: Vec<&Spans> = verbs.values().flat_map(|v| v.1.iter().copied()).collect();
            push(
                "loaded verbs and hedges",
                verbs
                    .iter()
                    .map(|(term, (n, _))| format!("{term} {n}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                verbs.values().map(|v| v.0).sum(),
                &evidence,
            )?;
            let mut tones: Vec<(i64, String, &Spans)> = tone_by
                .get(&source)
                .unwrap_or(&none)
                .iter()
                .filter(|&&i| Some(tone[i].0[2]) == authorial)
                .map(|&i| {
                    let ([_, actor, _], t) = &tone[i];
                    (
                        t.n,
                        format!("{} {:+.2}", names.name(*actor), t.sum / t.n as f64),
                        &t.evidence,
                    )
                })
                .collect();
            tones.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            tones.truncate(4);
            let evidence: Vec<&Spans> = tones.iter().map(|t| t.2).collect();
            push(
                "tone toward parties, authorial",
                tones
                    .iter()
                    .map(|t| t.1.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                tones.iter().map(|t| t.0).sum(),
                &evidence,
            )?;
            let shared_with = shares_by.get(&source).unwrap_or(&none);
            let evidence: Vec<&Spans> =
                shared_with.iter().map(|&i| &shares[i].1.evidence).collect();
            push(
                "shared copy",
                if shared_with.is_empty() {
                    "none found".to_string()
                } else {
                    shared_with
                        .iter()
                        .map(|&i| {
                            let ([_, other], c) = &shares[i];
                            format!("{} words with {}", c.n, names.name(*other))
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                },
                shared_with.iter().map(|&i| shares[i].1.n).sum(),
                &evidence,
            )?;
        }
        Ok(())
    }
}
