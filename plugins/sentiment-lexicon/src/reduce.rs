//! The reduce as a fold over map rows, so a batch run's memory holds sums
//! per document, outlet and party instead of the map tables: `sentences` and
//! `actor_clauses` pass through unchanged, `documents`, `sources` and `actors`
//! are folded from them in one pass.
//!
//! Strings that recur on every row (document ids, outlets, parties, voices)
//! are interned once; a row's doc and outlet are compared with the previous
//! row's first, since a document's rows arrive together, so most rows hash
//! nothing. Evidence is kept as interned spans and turned back into
//! [`Evidence`] only for the rows written out.

use std::collections::HashMap;

use anyhow::{bail, Result};
use newslens_core::analyzer::{Fold, ReportSink, StreamingReduce, TableSink};
use newslens_core::{ColumnType, Evidence, Report, Row, Table, Value};

/// The most evidence spans one `sources` or `actors` row keeps: the first
/// ones in corpus order. An outlet's row would otherwise list every sentence
/// it published, as large as the corpus; the row's counts (`n`, `mentions`)
/// still count every sentence or clause. A `documents` row keeps all of its
/// document's spans, which are as many as its sentences.
pub const EVIDENCE_LIMIT: usize = 1000;

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

/// `sentences` and `actor_clauses` are kept; the aggregates are folded from them.
pub fn plan() -> StreamingReduce {
    StreamingReduce {
        keep: vec![sentences_table(), clauses_table()],
        reads: vec!["sentences", "actor_clauses"],
        fold: Box::new(Tallies::default()),
        order: vec![
            "sentences",
            "documents",
            "sources",
            "actors",
            "actor_clauses",
        ],
    }
}

/// VADER's own thresholds for calling a compound positive or negative.
fn polarity(compound: f64) -> usize {
    if compound >= 0.05 {
        2
    } else if compound <= -0.05 {
        0
    } else {
        1
    }
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

#[derive(Default)]
struct Tally {
    n: usize,
    sum: f64,
    polarity: [usize; 3],
    by_voice: [(usize, f64); 2],
    evidence: Vec<Spot>,
}

impl Tally {
    /// Counts one sentence or clause, keeping its evidence while the row has fewer than `limit` spans.
    fn add(&mut self, compound: f64, quoted: bool, evidence: &[Spot], limit: usize) {
        self.n += 1;
        self.sum += compound;
        self.polarity[polarity(compound)] += 1;
        let v = usize::from(quoted);
        self.by_voice[v].0 += 1;
        self.by_voice[v].1 += compound;
        let room = limit.saturating_sub(self.evidence.len());
        self.evidence
            .extend_from_slice(&evidence[..evidence.len().min(room)]);
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

/// The fold's state: one tally per document, outlet and (outlet, party, voice).
#[derive(Default)]
struct Tallies {
    docs: Recent,
    sources: Recent,
    actors: Interner,
    voices: Interner,
    /// Per (doc, source), in order of first appearance.
    documents: Vec<((u32, u32), Tally)>,
    document_index: HashMap<(u32, u32), usize>,
    /// The `documents` entry of the previous sentence row.
    current: Option<usize>,
    /// Per source id.
    by_source: Vec<Option<Tally>>,
    by_actor: HashMap<(u32, u32, u32), Tally>,
    sentence_columns: Columns<4>,
    clause_columns: Columns<5>,
    /// A row's evidence, reused from row to row.
    spots: Vec<Spot>,
}

impl Tallies {
    fn spots(&mut self, doc: u32, row: &Row) -> Result<()> {
        self.spots.clear();
        for e in &row.evidence {
            let id = if self.docs.strings.name(doc) == e.doc.as_str() {
                doc
            } else {
                self.docs.strings.id(&e.doc)?
            };
            let (Ok(start), Ok(end)) = (u32::try_from(e.start), u32::try_from(e.end)) else {
                bail!("evidence offset {} past 2^32 in {}", e.end, e.doc);
            };
            self.spots.push(Spot {
                doc: id,
                start,
                end,
            });
        }
        Ok(())
    }

    fn add_sentence(&mut self, table: &Table, row: &Row) -> Result<()> {
        let [doc, source, voice, compound] = self
            .sentence_columns
            .find(table, ["doc", "source", "voice", "compound"]);
        let doc = self.docs.id(text(row, doc))?;
        let source = self.sources.id(text(row, source))?;
        let quoted = text(row, voice) == "quoted";
        let compound = float(row, compound);
        self.spots(doc, row)?;
        let key = (doc, source);
        let index = match self.current {
            Some(i) if self.documents[i].0 == key => i,
            _ => {
                // The previous document is most likely complete: give back
                // the slack of its growing evidence list.
                if let Some(previous) = self.current {
                    self.documents[previous].1.evidence.shrink_to_fit();
                }
                let next = self.documents.len();
                let i = *self.document_index.entry(key).or_insert(next);
                if i == next {
                    self.documents.push((key, Tally::default()));
                }
                self.current = Some(i);
                i
            }
        };
        self.documents[index]
            .1
            .add(compound, quoted, &self.spots, usize::MAX);
        let slot = source as usize;
        if self.by_source.len() <= slot {
            self.by_source.resize_with(slot + 1, || None);
        }
        self.by_source[slot].get_or_insert_with(Tally::default).add(
            compound,
            quoted,
            &self.spots,
            EVIDENCE_LIMIT,
        );
        Ok(())
    }

    fn add_clause(&mut self, table: &Table, row: &Row) -> Result<()> {
        let [doc, source, actor, voice, compound] = self
            .clause_columns
            .find(table, ["doc", "source", "actor", "voice", "compound"]);
        let doc = self.docs.id(text(row, doc))?;
        let source = self.sources.id(text(row, source))?;
        let actor = self.actors.id(text(row, actor))?;
        let voice_text = text(row, voice);
        let quoted = voice_text == "quoted";
        let voice = self.voices.id(voice_text)?;
        let compound = float(row, compound);
        self.spots(doc, row)?;
        self.by_actor
            .entry((source, actor, voice))
            .or_default()
            .add(compound, quoted, &self.spots, EVIDENCE_LIMIT);
        Ok(())
    }
}

impl Fold for Tallies {
    fn add(&mut self, table: &Table, row: &Row) -> Result<()> {
        match table.name.as_str() {
            "sentences" => self.add_sentence(table, row),
            "actor_clauses" => self.add_clause(table, row),
            _ => Ok(()),
        }
    }

    fn finish(self: Box<Self>) -> Result<Report> {
        let mut sink = ReportSink::default();
        self.finish_into(&mut sink)?;
        Ok(sink.into_report())
    }

    /// `documents`, one row per document and as long as the corpus, is made
    /// and given to `out` a row at a time; `sources` and `actors` are small.
    fn finish_into(self: Box<Self>, out: &mut dyn TableSink) -> Result<()> {
        use ColumnType::*;
        let Tallies {
            docs,
            sources,
            actors,
            voices,
            mut documents,
            by_source,
            by_actor,
            ..
        } = *self;
        let docs = docs.strings;
        let sources = sources.strings;
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

        // A source's documents are its distinct (doc, source) keys.
        let mut documents_of = vec![0usize; by_source.len()];
        for ((_, source), _) in &documents {
            documents_of[*source as usize] += 1;
        }
        documents.sort_unstable_by(|((d1, s1), _), ((d2, s2), _)| {
            (docs.name(*d1), sources.name(*s1)).cmp(&(docs.name(*d2), sources.name(*s2)))
        });
        let mut columns = vec![("doc", Text), ("source", Text)];
        columns.extend(tally_columns);
        out.table(&Table::new("documents", &columns))?;
        for ((doc, source), tally) in documents {
            let mut cells = Vec::with_capacity(11);
            cells.push(docs.name(doc).into());
            cells.push(sources.name(source).into());
            cells.extend(tally.sentence_cells());
            let mut row = Row::new(cells);
            row.evidence = tally.evidence(&docs);
            out.row(row)?;
        }

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
