//! The reduce as a fold over map rows, so a batch run's memory holds sums
//! per outlet and party instead of the map tables: `sentences` and
//! `actor_clauses` pass through unchanged, `documents`, `sources` and `actors`
//! are folded from them in one pass.
//!
//! A document's sentence rows arrive together; once the next document's
//! start, its rows' compounds and spans go to core's external sort
//! ([`newslens_core::spill`]) that orders the `documents` table, so the
//! memory the fold holds grows with the outlets and parties only, not with
//! the documents: one sort buffer ([`DOCUMENT_SORT_BYTES`]) and
//! the merge's buffers, at most 64 runs at a time, and what grows with the
//! corpus is on disk, in the run's temporary folder (`--tmp-dir`), removed
//! when the table is written. Outlets, parties and voices
//! are interned once; a row's outlet is compared with the previous row's
//! first, so most rows hash nothing. Document names are interned only for
//! the evidence an outlet's or party's row keeps, which is capped.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use newslens_core::analyzer::{Fold, StreamingReduce, TableSink};
use newslens_core::spill::{Dec, Enc, Scratch, Sorter};
use newslens_core::{ColumnType, Evidence, Row, Table, Text, Value};

/// The most evidence spans one `sources` or `actors` row keeps: the first
/// ones in corpus order. An outlet's row would otherwise list every sentence
/// it published, as large as the corpus; the row's counts (`n`, `mentions`)
/// still count every sentence or clause. A `documents` row keeps all of its
/// document's spans, which are as many as its sentences.
pub const EVIDENCE_LIMIT: usize = 1000;

/// Bytes of encoded documents the sort of the `documents` rows holds in
/// memory before it writes a sorted run to disk: about a kilobyte for a
/// news article (a compound and a span per sentence), so some 16,000
/// documents; the sort merges its runs at most 64 at a time, however many
/// a corpus makes.
pub const DOCUMENT_SORT_BYTES: usize = 16 << 20;

pub(crate) fn sentences_table() -> Table {
    use ColumnType::*;
    Table::new(
        "sentences",
        &[
            ("doc", Text),
            ("source", Text),
            ("sentence", Int),
            ("start", Int),
            ("end", Int),
            ("voice", Text),
            ("compound", Float),
            ("pos", Float),
            ("neu", Float),
            ("neg", Float),
            ("text", Text),
        ],
    )
}

pub(crate) fn clauses_table() -> Table {
    use ColumnType::*;
    Table::new(
        "actor_clauses",
        &[
            ("doc", Text),
            ("source", Text),
            ("actor", Text),
            ("voice", Text),
            ("compound", Float),
            ("start", Int),
            ("end", Int),
            ("text", Text),
        ],
    )
}

/// `sentences` and `actor_clauses` are kept; the aggregates are folded from
/// them, the `documents` sort's segments in the system's temporary folder.
pub fn plan() -> StreamingReduce {
    plan_in(&std::env::temp_dir())
}

/// [`plan`] with the `documents` sort's segments in a folder of its own in `dir`.
pub fn plan_in(dir: &Path) -> StreamingReduce {
    StreamingReduce {
        keep: vec![sentences_table(), clauses_table()],
        reads: vec!["sentences", "actor_clauses"],
        fold: Box::new(Tallies::with_sort_bytes(
            DOCUMENT_SORT_BYTES,
            dir.to_path_buf(),
        )),
        order: vec![
            "sentences",
            "documents",
            "sources",
            "actors",
            "actor_clauses",
        ],
    }
}

/// [`plan_in`] `dir` with its `documents` sort holding `bytes` in memory.
#[cfg(test)]
pub(crate) fn plan_with_sort_bytes_in(bytes: usize, dir: &Path) -> StreamingReduce {
    StreamingReduce {
        fold: Box::new(Tallies::with_sort_bytes(bytes, dir.to_path_buf())),
        ..plan()
    }
}

/// [`plan_with_sort_bytes_in`] the system's temporary folder.
#[cfg(test)]
pub(crate) fn plan_with_sort_bytes(bytes: usize) -> StreamingReduce {
    plan_with_sort_bytes_in(bytes, &std::env::temp_dir())
}

/// The index of a compound's class, negative 0 to positive 2.
pub(crate) fn polarity(compound: f64) -> usize {
    (crate::sign(compound) + 1) as usize
}

/// Strings by dense id.
#[derive(Default)]
struct Interner {
    ids: HashMap<Box<str>, u32>,
    names: Vec<Box<str>>,
}

impl Interner {
    fn id(&mut self, s: &str) -> Result<u32> {
        if let Some(&id) = self.ids.get(s) {
            return Ok(id);
        }
        let Ok(id) = u32::try_from(self.names.len()) else {
            bail!("more than 2^32 distinct strings in one column");
        };
        self.names.push(s.into());
        self.ids.insert(s.into(), id);
        Ok(id)
    }

    fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }
}

/// An interner that remembers the last string it was asked for, for columns
/// whose value changes rarely from one row to the next.
#[derive(Default)]
struct Recent {
    strings: Interner,
    last: Option<u32>,
}

impl Recent {
    fn id(&mut self, s: &str) -> Result<u32> {
        if let Some(last) = self.last {
            if self.strings.name(last) == s {
                return Ok(last);
            }
        }
        let id = self.strings.id(s)?;
        self.last = Some(id);
        Ok(id)
    }
}

/// An [`Evidence`] with its document interned: a third of the size, no allocation.
#[derive(Clone, Copy)]
struct Spot {
    doc: u32,
    start: u32,
    end: u32,
}

fn offsets(e: &Evidence) -> Result<(u32, u32)> {
    match (u32::try_from(e.start), u32::try_from(e.end)) {
        (Ok(start), Ok(end)) => Ok((start, end)),
        _ => bail!("evidence offset {} past 2^32 in {}", e.end, e.doc),
    }
}

#[derive(Default)]
struct Tally {
    n: usize,
    sum: f64,
    polarity: [usize; 3],
    by_voice: [(usize, f64); 2],
    evidence: Vec<Spot>,
}

impl Tally {
    /// Counts one sentence or clause.
    fn add(&mut self, compound: f64, quoted: bool) {
        self.n += 1;
        self.sum += compound;
        self.polarity[polarity(compound)] += 1;
        let v = usize::from(quoted);
        self.by_voice[v].0 += 1;
        self.by_voice[v].1 += compound;
    }

    /// Keeps a row's evidence while the tally has fewer than [`EVIDENCE_LIMIT`]
    /// spans; only a kept span's document is interned.
    fn keep(&mut self, docs: &mut Recent, row: &Row) -> Result<()> {
        let room = EVIDENCE_LIMIT.saturating_sub(self.evidence.len());
        for e in row.evidence.iter().take(room) {
            let (start, end) = offsets(e)?;
            self.evidence.push(Spot {
                doc: docs.id(&e.doc)?,
                start,
                end,
            });
        }
        Ok(())
    }

    fn mean(n: usize, sum: f64) -> Value {
        if n == 0 {
            Value::Null
        } else {
            Value::Float(sum / n as f64)
        }
    }

    fn share(&self, i: usize) -> Value {
        Value::Float(self.polarity[i] as f64 / self.n.max(1) as f64)
    }

    fn evidence(&self, docs: &Interner) -> Vec<Evidence> {
        self.evidence
            .iter()
            .map(|s| Evidence {
                doc: docs.name(s.doc).into(),
                start: s.start as usize,
                end: s.end as usize,
            })
            .collect()
    }

    /// n, mean, the three polarity shares and the two voices, as the
    /// `documents` and `sources` tables give them.
    fn sentence_cells(&self) -> [Value; 9] {
        [
            self.n.into(),
            Tally::mean(self.n, self.sum),
            self.share(0),
            self.share(1),
            self.share(2),
            self.by_voice[0].0.into(),
            Tally::mean(self.by_voice[0].0, self.by_voice[0].1),
            self.by_voice[1].0.into(),
            Tally::mean(self.by_voice[1].0, self.by_voice[1].1),
        ]
    }
}

/// Where a table's columns are, looked up once per schema rather than by
/// name on every row.
struct Columns<const N: usize> {
    /// The address of the schema's columns these indices were found in.
    schema: usize,
    at: [Option<usize>; N],
}

impl<const N: usize> Default for Columns<N> {
    fn default() -> Self {
        Columns {
            schema: 0,
            at: [None; N],
        }
    }
}

impl<const N: usize> Columns<N> {
    fn find(&mut self, table: &Table, names: [&str; N]) -> [Option<usize>; N] {
        let schema = table.columns.as_ptr() as usize;
        if self.schema != schema {
            self.schema = schema;
            self.at = names.map(|name| table.column_index(name));
        }
        self.at
    }
}

fn text(row: &Row, at: Option<usize>) -> &str {
    at.and_then(|i| row.cells.get(i))
        .and_then(Value::as_str)
        .unwrap_or("")
}

fn float(row: &Row, at: Option<usize>) -> f64 {
    at.and_then(|i| row.cells.get(i))
        .and_then(Value::as_f64)
        .unwrap_or(0.0)
}

/// One run of a document's sentence rows, as they arrived: all its
/// `documents` row needs. A document met again later (two shards that both
/// hold it) is a second run, folded after the first.
#[derive(Default)]
struct DocumentRows {
    doc: Text,
    source: Text,
    /// Arrival order of the run.
    run: u64,
    /// Each sentence's compound, row by row.
    compounds: Vec<f64>,
    /// Whether each sentence is quoted: apart from the compounds, so an
    /// entry is nine bytes, not sixteen with padding.
    quoted: Vec<bool>,
    /// The rows' evidence in order; a span's `doc` indexes `docs`, whose
    /// first name is the document's own.
    spans: Vec<Spot>,
    /// The documents the spans name.
    docs: Vec<Text>,
}

impl DocumentRows {
    fn holds(&self, doc: &str, source: &str) -> bool {
        self.doc == doc && self.source == source
    }

    fn add(&mut self, compound: f64, quoted: bool, row: &Row) -> Result<()> {
        self.compounds.push(compound);
        self.quoted.push(quoted);
        for e in &row.evidence {
            let (start, end) = offsets(e)?;
            let doc = match self.docs.iter().position(|d| *d == e.doc) {
                Some(i) => i,
                None => {
                    self.docs.push(e.doc.clone());
                    self.docs.len() - 1
                }
            };
            self.spans.push(Spot {
                doc: doc as u32,
                start,
                end,
            });
        }
        Ok(())
    }
}

/// The finished runs, sorted by document, outlet and arrival, through
/// core's external sort: the key leads each record, so the sort's byte
/// order is the table's order.
struct DocumentSort {
    scratch: Scratch,
    sorter: Sorter,
    enc: Enc,
}

impl DocumentSort {
    /// A sort holding about `bytes` of documents in memory, its files in `dir`.
    fn new(bytes: usize, dir: PathBuf) -> DocumentSort {
        let scratch = Scratch::new("sentiment-lexicon", &dir, bytes);
        DocumentSort {
            sorter: scratch.sorter(),
            scratch,
            enc: Enc::default(),
        }
    }

    fn push(&mut self, rows: &DocumentRows) -> Result<()> {
        let enc = &mut self.enc;
        enc.clear();
        enc.text_key(rows.doc.as_bytes());
        enc.text_key(rows.source.as_bytes());
        enc.u64_key(rows.run);
        enc.num(rows.compounds.len() as u64);
        // Sized once: a record is as long as its document has sentences.
        enc.bytes
            .reserve(9 * rows.compounds.len() + 12 * rows.spans.len() + 16);
        for (&compound, &quoted) in rows.compounds.iter().zip(&rows.quoted) {
            enc.bytes
                .extend_from_slice(&compound.to_bits().to_le_bytes());
            enc.bytes.push(u8::from(quoted));
        }
        enc.num(rows.docs.len() as u64);
        for doc in &rows.docs {
            enc.text(doc);
        }
        enc.num(rows.spans.len() as u64);
        for spot in &rows.spans {
            for n in [spot.doc, spot.start, spot.end] {
                enc.bytes.extend_from_slice(&n.to_le_bytes());
            }
        }
        self.sorter.push(&enc.bytes).with_context(|| {
            format!(
                "sorting the documents table in {}",
                self.scratch.dir().display()
            )
        })
    }

    /// The runs in order.
    fn sorted(self) -> Result<impl Iterator<Item = std::io::Result<DocumentRows>>> {
        let mut sorted = self.sorter.finish().with_context(|| {
            format!(
                "sorting the documents table in {}",
                self.scratch.dir().display()
            )
        })?;
        Ok(std::iter::from_fn(move || match sorted.next() {
            Ok(Some(record)) => Some(decode_rows(record)),
            Ok(None) => None,
            Err(e) => Some(Err(e)),
        }))
    }
}

fn decode_rows(record: &[u8]) -> std::io::Result<DocumentRows> {
    let text = |bytes: Vec<u8>| -> std::io::Result<Text> {
        String::from_utf8(bytes)
            .map(Text::from)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
    };
    let mut dec = Dec::new(record);
    let doc = text(dec.text_key()?)?;
    let source = text(dec.text_key()?)?;
    let run = dec.u64_key()?;
    // Each list is taken whole and cut into fixed-size entries: one check of
    // the record's length per list, not one per entry.
    let (compounds, quoted) = dec
        .entries(9)?
        .chunks_exact(9)
        .map(|b| {
            let bits = u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]);
            (f64::from_bits(bits), b[8] != 0)
        })
        .unzip();
    let n = dec.num()? as usize;
    let mut docs = Vec::with_capacity(n.min(16));
    for _ in 0..n {
        docs.push(Text::from(dec.text()?));
    }
    let spans = dec
        .entries(12)?
        .chunks_exact(12)
        .map(|b| {
            let at = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
            Spot {
                doc: at(0),
                start: at(4),
                end: at(8),
            }
        })
        .collect();
    Ok(DocumentRows {
        doc,
        source,
        run,
        compounds,
        quoted,
        spans,
        docs,
    })
}

/// The fold's state: the document whose rows are arriving, the sort of the
/// finished ones, and one tally per outlet and (outlet, party, voice).
struct Tallies {
    sources: Recent,
    actors: Interner,
    voices: Interner,
    /// The documents that kept evidence names.
    docs: Recent,
    /// The run of sentence rows arriving now, and its outlet's id.
    current: DocumentRows,
    current_source: u32,
    /// Runs begun so far.
    runs: u64,
    documents: DocumentSort,
    /// Per source id.
    by_source: Vec<Option<Tally>>,
    by_actor: HashMap<(u32, u32, u32), Tally>,
    sentence_columns: Columns<4>,
    clause_columns: Columns<5>,
}

impl Tallies {
    /// A fold whose `documents` sort holds `bytes` of documents in memory and
    /// writes the rest in a folder it makes in `dir`.
    fn with_sort_bytes(bytes: usize, dir: PathBuf) -> Tallies {
        Tallies {
            sources: Recent::default(),
            actors: Interner::default(),
            voices: Interner::default(),
            docs: Recent::default(),
            current: DocumentRows::default(),
            current_source: 0,
            runs: 0,
            documents: DocumentSort::new(bytes, dir),
            by_source: Vec::new(),
            by_actor: HashMap::new(),
            sentence_columns: Columns::default(),
            clause_columns: Columns::default(),
        }
    }

    /// Sends the current run to the sort, encoded from where it lies: it
    /// waits there with a segment's others. Its buffers stay for the next run.
    fn end_run(&mut self) -> Result<()> {
        if self.current.compounds.is_empty() {
            return Ok(());
        }
        let pushed = self.documents.push(&self.current);
        let current = &mut self.current;
        current.compounds.clear();
        current.quoted.clear();
        current.spans.clear();
        current.docs.clear();
        pushed
    }

    fn add_sentence(&mut self, table: &Table, row: &Row) -> Result<()> {
        let [doc, source, voice, compound] = self
            .sentence_columns
            .find(table, ["doc", "source", "voice", "compound"]);
        let doc = text(row, doc);
        let source_name = text(row, source);
        let source = self.sources.id(source_name)?;
        let quoted = text(row, voice) == "quoted";
        let compound = float(row, compound);
        // The outlet's id is at hand: its name is not compared again.
        if self.current.compounds.is_empty()
            || source != self.current_source
            || self.current.doc != doc
        {
            self.end_run()?;
            self.current_source = source;
            self.current.doc = doc.into();
            self.current.source = source_name.into();
            self.current.run = self.runs;
            self.current.docs.push(doc.into());
            self.runs += 1;
        }
        self.current.add(compound, quoted, row)?;
        let slot = source as usize;
        if self.by_source.len() <= slot {
            self.by_source.resize_with(slot + 1, || None);
        }
        let tally = self.by_source[slot].get_or_insert_with(Tally::default);
        tally.add(compound, quoted);
        tally.keep(&mut self.docs, row)
    }

    fn add_clause(&mut self, table: &Table, row: &Row) -> Result<()> {
        let [_, source, actor, voice, compound] = self
            .clause_columns
            .find(table, ["doc", "source", "actor", "voice", "compound"]);
        let source = self.sources.id(text(row, source))?;
        let actor = self.actors.id(text(row, actor))?;
        let voice_text = text(row, voice);
        let quoted = voice_text == "quoted";
        let voice = self.voices.id(voice_text)?;
        let compound = float(row, compound);
        let tally = self.by_actor.entry((source, actor, voice)).or_default();
        tally.add(compound, quoted);
        tally.keep(&mut self.docs, row)
    }
}

/// One `documents` row from all the runs of its document, in arrival order.
fn document_row(runs: &[DocumentRows]) -> Row {
    let mut tally = Tally::default();
    let mut evidence = Vec::new();
    for run in runs {
        for (&compound, &quoted) in run.compounds.iter().zip(&run.quoted) {
            tally.add(compound, quoted);
        }
        evidence.extend(run.spans.iter().map(|s| Evidence {
            doc: run.docs.get(s.doc as usize).cloned().unwrap_or_default(),
            start: s.start as usize,
            end: s.end as usize,
        }));
    }
    let mut cells = Vec::with_capacity(11);
    if let Some(first) = runs.first() {
        cells.push(Value::Text(first.doc.clone()));
        cells.push(Value::Text(first.source.clone()));
    }
    cells.extend(tally.sentence_cells());
    let mut row = Row::new(cells);
    row.evidence = evidence;
    row
}

impl Fold for Tallies {
    fn add(&mut self, table: &Table, row: &Row) -> Result<()> {
        match table.name.as_str() {
            "sentences" => self.add_sentence(table, row),
            "actor_clauses" => self.add_clause(table, row),
            _ => Ok(()),
        }
    }

    /// `documents`, one row per document and as long as the corpus, comes
    /// from the sort and is given to `out` a row at a time; `sources` and
    /// `actors` are small.
    fn finish_into(mut self: Box<Self>, out: &mut dyn TableSink) -> Result<()> {
        use ColumnType::*;
        self.end_run()?;
        let Tallies {
            sources,
            actors,
            voices,
            docs,
            documents,
            by_source,
            by_actor,
            ..
        } = *self;
        let mut sources = sources.strings;
        let docs = docs.strings;
        let tally_columns = [
            ("n", Int),
            ("mean_compound", Float),
            ("negative", Float),
            ("neutral", Float),
            ("positive", Float),
            ("authorial_n", Int),
            ("authorial_mean", Float),
            ("quoted_n", Int),
            ("quoted_mean", Float),
        ];

        let mut columns = vec![("doc", Text), ("source", Text)];
        columns.extend(tally_columns);
        out.table(&Table::new("documents", &columns))?;
        // A source's documents are its distinct (doc, source) keys: the
        // groups of runs the sort brings together.
        let mut documents_of = vec![0usize; by_source.len()];
        let mut group: Vec<DocumentRows> = Vec::new();
        let mut emit = |group: &mut Vec<DocumentRows>, out: &mut dyn TableSink| -> Result<()> {
            let Some(first) = group.first() else {
                return Ok(());
            };
            let source = sources.id(&first.source)? as usize;
            if let Some(count) = documents_of.get_mut(source) {
                *count += 1;
            }
            out.row(document_row(group))?;
            group.clear();
            Ok(())
        };
        let sorted = documents.sorted()?;
        for rows in sorted {
            let rows = rows.context("reading the documents table's sort")?;
            if group
                .first()
                .is_some_and(|first| !rows.holds(&first.doc, &first.source))
            {
                emit(&mut group, out)?;
            }
            group.push(rows);
        }
        emit(&mut group, out)?;

        let mut by_source: Vec<(u32, Tally)> = by_source
            .into_iter()
            .enumerate()
            .filter_map(|(id, tally)| Some((id as u32, tally?)))
            .collect();
        by_source.sort_unstable_by(|(a, _), (b, _)| sources.name(*a).cmp(sources.name(*b)));
        let mut columns = vec![("source", Text), ("documents", Int)];
        columns.extend(tally_columns);
        out.table(&Table::new("sources", &columns))?;
        for (source, tally) in by_source {
            let mut cells = Vec::with_capacity(11);
            cells.push(sources.name(source).into());
            cells.push(documents_of[source as usize].into());
            cells.extend(tally.sentence_cells());
            let mut row = Row::new(cells);
            row.evidence = tally.evidence(&docs);
            out.row(row)?;
        }

        let mut by_actor: Vec<((u32, u32, u32), Tally)> = by_actor.into_iter().collect();
        by_actor.sort_unstable_by(|((s1, a1, v1), _), ((s2, a2, v2), _)| {
            (sources.name(*s1), actors.name(*a1), voices.name(*v1)).cmp(&(
                sources.name(*s2),
                actors.name(*a2),
                voices.name(*v2),
            ))
        });
        out.table(&Table::new(
            "actors",
            &[
                ("source", Text),
                ("actor", Text),
                ("voice", Text),
                ("mentions", Int),
                ("mean_compound", Float),
                ("negative", Int),
                ("neutral", Int),
                ("positive", Int),
            ],
        ))?;
        for ((source, actor, voice), tally) in by_actor {
            let mut row = Row::new(vec![
                sources.name(source).into(),
                actors.name(actor).into(),
                voices.name(voice).into(),
                tally.n.into(),
                Tally::mean(tally.n, tally.sum),
                tally.polarity[0].into(),
                tally.polarity[1].into(),
                tally.polarity[2].into(),
            ]);
            row.evidence = tally.evidence(&docs);
            out.row(row)?;
        }
        Ok(())
    }
}
