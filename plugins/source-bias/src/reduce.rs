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

use std::fs::{File, OpenOptions};
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{bail, Context, Result};
use newslens_core::analyzer::{fold_report, Fold, ReportSink, StreamingReduce, TableSink};
use newslens_core::{ColumnType, Evidence, Report, Row, Table, Value};

use crate::FastMap;

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
        Table::new(
            "shingle_rows",
            &[
                ("doc", Text),
                ("source", Text),
                ("sentence", Int),
                ("words", Int),
                ("hashes", Text),
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

/// The reduce as a fold over map rows, so a batch run keeps only sums,
/// interned names and capped evidence in memory. `quotes` passes through.
/// Shared copy keeps each sentence's sampled hashes as integers (16 bytes a
/// shingle) to find the sentence pairs, and spills the fields it prints to a
/// temporary file, from which `finish` reads back the sentences in a pair
/// only: one parse of `shingle_rows`, whose text is most of the map's bytes.
pub fn plan(min_shared: usize) -> StreamingReduce {
    StreamingReduce {
        keep: vec![map_tables()[1].clone()],
        reads: vec![
            "label_rows",
            "quotes",
            "attribution_rows",
            "loaded_rows",
            "word_counts",
            "tone_rows",
            "shingle_rows",
        ],
        fold: Box::new(Tally::new(min_shared)),
        order: ORDER.to_vec(),
    }
}

/// The reduced tables from map tables held in memory: the same fold as a batch run.
pub fn reduce(mapped: Report, min_shared: usize) -> Result<Report> {
    fold_report(plan(min_shared), mapped)
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

/// Evidence with an interned document; offsets are u32 in the text layer too.
#[derive(Clone, Copy)]
struct Span {
    doc: u32,
    start: u32,
    end: u32,
}

/// The first [`EVIDENCE_CAP`] spans of a row.
#[derive(Clone, Default)]
struct Spans(Vec<Span>);

impl Spans {
    fn push(&mut self, span: Span) {
        if self.0.len() < EVIDENCE_CAP {
            self.0.push(span);
        }
    }

    fn add(&mut self, docs: &mut Names, evidence: &[Evidence]) {
        for e in evidence {
            if self.0.len() >= EVIDENCE_CAP {
                break;
            }
            self.0.push(span_of(docs, e));
        }
    }

    fn extend(&mut self, other: &Spans) {
        let room = EVIDENCE_CAP.saturating_sub(self.0.len());
        self.0.extend(other.0.iter().take(room));
    }

    fn evidence(&self, docs: &Names) -> Vec<Evidence> {
        self.0.iter().map(|s| evidence_of(docs, *s)).collect()
    }
}

fn span_of(docs: &mut Names, e: &Evidence) -> Span {
    Span {
        doc: docs.id(&e.doc),
        start: e.start as u32,
        end: e.end as u32,
    }
}

fn evidence_of(docs: &Names, s: Span) -> Evidence {
    Evidence {
        doc: docs.name(s.doc).into(),
        start: s.start as usize,
        end: s.end as usize,
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
    first: (u32, i64, i64),
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
    docs: Names,
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
    fn new(min_shared: usize) -> Tally {
        Tally {
            min_shared,
            names: Names::default(),
            docs: Names::default(),
            labels: FastMap::default(),
            voices: FastMap::default(),
            totals: FastMap::default(),
            quote_evidence: FastMap::default(),
            attribution: FastMap::default(),
            words: FastMap::default(),
            loaded: FastMap::default(),
            tone: FastMap::default(),
            shared: SharedCopy::default(),
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
            "shingle_rows" => self.shared.add(table, row, &mut self.docs, names)?,
            "label_rows" => {
                let reader = &mut self.label_rows;
                let key = reader.key(names, table, row);
                let docs = &mut self.docs;
                let label = self.labels.entry(key).or_insert_with(|| Label {
                    n: 0,
                    first: (
                        docs.id(&cell(row, reader.at[4])),
                        int(row, reader.at[5]),
                        int(row, reader.at[6]),
                    ),
                    evidence: Spans::default(),
                });
                label.n += 1;
                label.evidence.add(docs, &row.evidence);
            }
            "quotes" => {
                let reader = &mut self.quote_rows;
                let [source, side] = reader.key(names, table, row);
                let words = int(row, reader.at[2]);
                let named = reader.at[3].and_then(|i| row.cells.get(i)) == Some(&Value::Bool(true));
                let first = row.evidence.first().map(|e| span_of(&mut self.docs, e));
                let voice = self.voices.entry([source, side]).or_default();
                voice.quotes += 1;
                voice.words += words;
                if let Some(span) = first {
                    voice.evidence.push(span);
                    self.quote_evidence.entry(source).or_default().push(span);
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
                count.evidence.add(&mut self.docs, &row.evidence);
            }
            "loaded_rows" => {
                let key = self.loaded_rows.key(names, table, row);
                let count = self.loaded.entry(key).or_default();
                count.n += 1;
                count.evidence.add(&mut self.docs, &row.evidence);
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
                tone.evidence.add(&mut self.docs, &row.evidence);
            }
            _ => {}
        }
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<Report> {
        let mut sink = ReportSink::default();
        self.finish_into(&mut sink)?;
        Ok(sink.into_report())
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
    /// The reduced tables in [`ORDER`]; `shared_copy`, the one as large as
    /// the corpus's copied passages, row by row.
    fn tables_into(self, out: &mut dyn TableSink) -> Result<()> {
        use ColumnType::*;
        let Tally {
            min_shared,
            names,
            docs,
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

        let mut labels_table = Table::new(
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
        for ([source, actor, label, voice], l) in sorted(&ranks, labels) {
            let (doc, start, end) = l.first;
            let mut row = Row::new(vec![
                name(source),
                name(actor),
                name(label),
                name(voice),
                l.n.into(),
                docs.name(doc).into(),
                start.into(),
                end.into(),
            ]);
            row.evidence = l.evidence.evidence(&docs);
            labels_table.push(row);
        }

        // Voices: each side's share of an outlet's quotes and quoted words.
        let mut voices_table = Table::new(
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
            row.evidence = v.evidence.evidence(&docs);
            voices_table.push(row);
        }

        let mut attribution_table = Table::new(
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
        for ([source, side, class, term], c) in &attribution {
            let mut row = Row::new(vec![
                name(*source),
                name(*side),
                name(*class),
                name(*term),
                c.n.into(),
            ]);
            row.evidence = c.evidence.evidence(&docs);
            attribution_table.push(row);
        }

        // Loaded words per 1,000 words of the same voice.
        let words_of = |source: u32, voice: u32| words.get(&[source, voice]).copied().unwrap_or(0);
        let mut loaded_table = Table::new(
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
        let mut loaded_totals: FastMap<[u32; 2], Count> = FastMap::default();
        for ([source, term, voice], c) in &loaded {
            let total = loaded_totals.entry([*source, *voice]).or_default();
            total.n += c.n;
            total.evidence.extend(&c.evidence);
            let mut row = Row::new(vec![
                name(*source),
                name(*term),
                name(*voice),
                c.n.into(),
                (1000.0 * c.n as f64 / words_of(*source, *voice).max(1) as f64).into(),
            ]);
            row.evidence = c.evidence.evidence(&docs);
            loaded_table.push(row);
        }

        // Tone toward each party, per outlet and voice.
        let mut tone_table = Table::new(
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
        for ([source, actor, voice], t) in &tone {
            let mut row = Row::new(vec![
                name(*source),
                name(*actor),
                name(*voice),
                t.n.into(),
                (t.sum / t.n as f64).into(),
            ]);
            row.evidence = t.evidence.evidence(&docs);
            tone_table.push(row);
        }

        for table in [
            labels_table,
            voices_table,
            attribution_table,
            loaded_table,
            tone_table,
        ] {
            out.write_table(table)?;
        }
        let shares = shared.finish_into(&docs, &names, min_shared, out)?;

        // The profile: one row per outlet and dimension.
        let mut profile = Table::new(
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
        for source in sources {
            let mut push = |dimension: &str, value: String, n: i64, evidence: &Spans| {
                let mut row =
                    Row::new(vec![name(source), dimension.into(), value.into(), n.into()]);
                row.evidence = evidence.evidence(&docs);
                profile.push(row);
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
                &quote_evidence,
            );
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
            push(
                "quoted words by side",
                sides.join(", "),
                t.quotes,
                &Spans::default(),
            );
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
                let n = total.map_or(0, |t| t.n);
                push(
                    &format!("loaded words, {voice}"),
                    format!(
                        "{:.1} per 1,000 words ({})",
                        1000.0 * n as f64 / words.max(1) as f64,
                        top.join(", ")
                    ),
                    n,
                    total.map_or(&Spans::default(), |t| &t.evidence),
                );
            }
            let mut verbs: BTreeMap<&str, (i64, Spans)> = BTreeMap::new();
            for &i in attribution_by.get(&source).unwrap_or(&none) {
                let ([_, _, class, term], c) = &attribution[i];
                if Some(*class) == neutral {
                    continue;
                }
                let e = verbs.entry(names.name(*term)).or_default();
                e.0 += c.n;
                e.1.extend(&c.evidence);
            }
            let mut evidence = Spans::default();
            for v in verbs.values() {
                evidence.extend(&v.1);
            }
            push(
                "loaded verbs and hedges",
                verbs
                    .iter()
                    .map(|(term, (n, _))| format!("{term} {n}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                verbs.values().map(|v| v.0).sum(),
                &evidence,
            );
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
            let mut evidence = Spans::default();
            for t in &tones {
                evidence.extend(t.2);
            }
            push(
                "tone toward parties, authorial",
                tones
                    .iter()
                    .map(|t| t.1.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                tones.iter().map(|t| t.0).sum(),
                &evidence,
            );
            let shared_with = shares_by.get(&source).unwrap_or(&none);
            let mut evidence = Spans::default();
            for &i in shared_with {
                evidence.extend(&shares[i].1.evidence);
            }
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
            );
        }

        out.write_table(profile)
    }
}

/// A sentence in a shared pair, read back from the spill.
struct SharedRow {
    doc: u32,
    source: u32,
    sentence: i64,
    words: i64,
    text: String,
    evidence: Vec<Span>,
}

/// Shared copy: hashes in memory, the printed fields in a [`Spill`].
struct SharedCopy {
    shingle_rows: Reader<6>,
    /// Every sampled (hash, row) pair, and each row's document.
    hashes: Vec<(u64, u32)>,
    row_docs: Vec<u32>,
    spill: Option<Spill>,
    /// The sentence pairs (rows, in order) that share enough shingles, and
    /// the rows they name, sorted.
    pairs: Vec<(u32, u32)>,
    needed: Vec<u32>,
    /// The rows of `needed`, in its order.
    rows: Vec<SharedRow>,
}

impl Default for SharedCopy {
    fn default() -> SharedCopy {
        SharedCopy {
            shingle_rows: Reader::new(["doc", "source", "sentence", "words", "text", "hashes"]),
            hashes: Vec::new(),
            row_docs: Vec::new(),
            spill: None,
            pairs: Vec::new(),
            needed: Vec::new(),
            rows: Vec::new(),
        }
    }
}

/// The fields of every shingle row that `shared_copy` prints, in row order,
/// in a temporary file that is removed when this is dropped.
struct Spill {
    path: PathBuf,
    out: Option<BufWriter<File>>,
}

impl Spill {
    fn create() -> Result<Spill> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "newslens-source-bias-{}-{}.rows",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .with_context(|| format!("creating {}", path.display()))?;
        Ok(Spill {
            path,
            out: Some(BufWriter::new(file)),
        })
    }

    fn write(
        &mut self,
        fields: (u32, u32, i64, i64),
        text: &str,
        evidence: &[Evidence],
        docs: &mut Names,
    ) -> std::io::Result<()> {
        let Some(out) = self.out.as_mut() else {
            return Ok(());
        };
        let (doc, source, sentence, words) = fields;
        out.write_all(&doc.to_le_bytes())?;
        out.write_all(&source.to_le_bytes())?;
        out.write_all(&sentence.to_le_bytes())?;
        out.write_all(&words.to_le_bytes())?;
        out.write_all(&(text.len() as u64).to_le_bytes())?;
        out.write_all(text.as_bytes())?;
        out.write_all(&(evidence.len() as u32).to_le_bytes())?;
        for e in evidence {
            let s = span_of(docs, e);
            for x in [s.doc, s.start, s.end] {
                out.write_all(&x.to_le_bytes())?;
            }
        }
        Ok(())
    }

    /// Reads the rows back, keeping the ones `keep` names (sorted).
    fn read(mut self, count: usize, keep: &[u32]) -> Result<Vec<SharedRow>> {
        if let Some(out) = self.out.take() {
            out.into_inner().map_err(|e| e.into_error())?;
        }
        let mut input = BufReader::new(
            File::open(&self.path).with_context(|| format!("reading {}", self.path.display()))?,
        );
        fn u32_of(input: &mut impl Read) -> std::io::Result<u32> {
            let mut b = [0; 4];
            input.read_exact(&mut b)?;
            Ok(u32::from_le_bytes(b))
        }
        fn u64_of(input: &mut impl Read) -> std::io::Result<u64> {
            let mut b = [0; 8];
            input.read_exact(&mut b)?;
            Ok(u64::from_le_bytes(b))
        }
        let mut rows = Vec::with_capacity(keep.len());
        let mut text = Vec::new();
        for at in 0..count as u32 {
            let wanted = keep.get(rows.len()) == Some(&at);
            let doc = u32_of(&mut input)?;
            let source = u32_of(&mut input)?;
            let sentence = u64_of(&mut input)? as i64;
            let words = u64_of(&mut input)? as i64;
            let len = u64_of(&mut input)? as usize;
            text.resize(len, 0);
            input.read_exact(&mut text)?;
            let spans = u32_of(&mut input)?;
            let mut evidence = Vec::new();
            for _ in 0..spans {
                let span = Span {
                    doc: u32_of(&mut input)?,
                    start: u32_of(&mut input)?,
                    end: u32_of(&mut input)?,
                };
                if wanted {
                    evidence.push(span);
                }
            }
            if wanted {
                rows.push(SharedRow {
                    doc,
                    source,
                    sentence,
                    words,
                    text: String::from_utf8_lossy(&text).into_owned(),
                    evidence,
                });
            }
        }
        Ok(rows)
    }
}

impl Drop for Spill {
    fn drop(&mut self) {
        self.out = None;
        let _ = std::fs::remove_file(&self.path);
    }
}

/// A hash of `map` (16 lower-case hex digits) without the generality of
/// `from_str_radix`.
fn parse_hex(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || digits.len() > 16 {
        return None;
    }
    let mut h = 0u64;
    for &b in digits {
        let d = HEX_DIGITS[usize::from(b)];
        if d == NOT_HEX {
            return None;
        }
        h = h << 4 | u64::from(d);
    }
    Some(h)
}

const NOT_HEX: u8 = 0xff;

/// Each byte's value as a hex digit, or [`NOT_HEX`]: one load a digit
/// instead of three range tests.
const HEX_DIGITS: [u8; 256] = {
    let mut table = [NOT_HEX; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => NOT_HEX,
        };
        b += 1;
    }
    table
};

impl SharedCopy {
    fn add(&mut self, table: &Table, row: &Row, docs: &mut Names, names: &mut Names) -> Result<()> {
        let at = self.row_docs.len() as u32;
        let reader = &mut self.shingle_rows;
        let [doc] = reader.key(docs, table, row);
        self.row_docs.push(doc);
        if self.spill.is_none() {
            self.spill = Some(Spill::create()?);
        }
        let fields = (
            doc,
            reader.id(names, row, 1),
            int(row, reader.at[2]),
            int(row, reader.at[3]),
        );
        if let Some(spill) = &mut self.spill {
            spill
                .write(fields, &cell(row, reader.at[4]), &row.evidence, docs)
                .context("writing the shared-copy spill")?;
        }
        let hashes = reader.at[5]
            .and_then(|i| row.cells.get(i))
            .and_then(Value::as_str)
            .unwrap_or("");
        for h in hashes.as_bytes().split(|&b| b == b' ') {
            if let Some(h) = parse_hex(h) {
                self.hashes.push((h, at));
            }
        }
        Ok(())
    }

    /// Sentences of two documents that share `min_shared` sampled shingles:
    /// grouped by hash, so the work grows with the corpus, not its square.
    fn match_pairs(&mut self, min_shared: usize) {
        let grouped = group_by_hash(std::mem::take(&mut self.hashes));
        let mut counts: FastMap<(u32, u32), usize> = FastMap::default();
        for rows in grouped.chunk_by(|a, b| a.0 == b.0) {
            // A shingle in very many sentences is boilerplate, not shared copy.
            if rows.len() < 2 || rows.len() > 50 {
                continue;
            }
            for (x, &(_, a)) in rows.iter().enumerate() {
                let doc_a = self.row_docs[a as usize];
                for &(_, b) in &rows[x + 1..] {
                    if doc_a != self.row_docs[b as usize] {
                        *counts.entry((a.min(b), a.max(b))).or_default() += 1;
                    }
                }
            }
        }
        drop(grouped);
        let mut pairs: Vec<(u32, u32)> = counts
            .into_iter()
            .filter(|&(_, n)| n >= min_shared)
            .map(|(pair, _)| pair)
            .collect();
        pairs.sort_unstable();
        self.needed = pairs.iter().flat_map(|&(a, b)| [a, b]).collect();
        self.needed.sort_unstable();
        self.needed.dedup();
        self.pairs = pairs;
    }

    /// Gives `out` the `shared_copy` table (one row per shared passage: a
    /// sentence of doc_a and its copy in doc_b) a row at a time, made from
    /// the sorted pairs as written, and returns the words each outlet shares
    /// with each other one, by [source, other].
    fn finish_into(
        mut self,
        docs: &Names,
        names: &Names,
        min_shared: usize,
        out: &mut dyn TableSink,
    ) -> Result<FastMap<[u32; 2], Count>> {
        use ColumnType::*;
        self.match_pairs(min_shared);
        if let Some(spill) = self.spill.take() {
            self.rows = spill.read(self.row_docs.len(), &self.needed)?;
        }
        if self.rows.len() != self.needed.len() {
            bail!("source-bias: the shared-copy spill lost rows");
        }
        let doc_ranks = docs.ranks();
        let row = |at: u32| &self.rows[self.needed.partition_point(|&n| n < at)];
        let mut found: Vec<(&SharedRow, &SharedRow)> = self
            .pairs
            .iter()
            .map(|&(a, b)| {
                let (ra, rb) = (row(a), row(b));
                if docs.name(ra.doc) <= docs.name(rb.doc) {
                    (ra, rb)
                } else {
                    (rb, ra)
                }
            })
            .collect();
        // Stable, so passages of the same sentence pair keep row order.
        found.sort_by_key(|(a, b)| {
            (
                doc_ranks[a.doc as usize],
                doc_ranks[b.doc as usize],
                a.sentence,
            )
        });
        let table = Table::new(
            "shared_copy",
            &[
                ("doc_a", Text),
                ("doc_b", Text),
                ("source_a", Text),
                ("source_b", Text),
                ("words", Int),
                ("text", Text),
            ],
        );
        let mut shares: FastMap<[u32; 2], Count> = FastMap::default();
        let mut share = |source: u32, other: u32, a: &SharedRow, b: &SharedRow| {
            let e = shares.entry([source, other]).or_default();
            e.n += a.words;
            for &s in a.evidence.iter().chain(&b.evidence) {
                e.evidence.push(s);
            }
        };
        for &(a, b) in &found {
            share(a.source, b.source, a, b);
            if a.source != b.source {
                share(b.source, a.source, a, b);
            }
        }
        out.table(&table)?;
        for (a, b) in found {
            let mut row = Row::new(vec![
                docs.name(a.doc).into(),
                docs.name(b.doc).into(),
                names.name(a.source).into(),
                names.name(b.source).into(),
                a.words.into(),
                a.text.as_str().into(),
            ]);
            row.evidence = a
                .evidence
                .iter()
                .chain(&b.evidence)
                .map(|&s| evidence_of(docs, s))
                .collect();
            out.row(row)?;
        }
        Ok(shares)
    }
}

/// `pairs` ordered so that equal hashes are adjacent: a counting sort on the
/// top bits, then each bucket (a few entries on average) sorted on its own.
pub(crate) fn group_by_hash(pairs: Vec<(u64, u32)>) -> Vec<(u64, u32)> {
    if pairs.is_empty() {
        return pairs;
    }
    let bits = (usize::BITS - pairs.len().leading_zeros()).clamp(1, 24);
    let bucket = |h: u64| (h >> (64 - bits)) as usize;
    let mut starts = vec![0usize; (1 << bits) + 1];
    for &(h, _) in &pairs {
        starts[bucket(h) + 1] += 1;
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let mut next = starts.clone();
    let mut out = vec![(0u64, 0u32); pairs.len()];
    for pair in pairs {
        let b = bucket(pair.0);
        out[next[b]] = pair;
        next[b] += 1;
    }
    for w in starts.windows(2) {
        out[w[0]..w[1]].sort_unstable();
    }
    out
}
