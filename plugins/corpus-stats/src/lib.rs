//! Corpus statistics: words, sentences, quotations and actor mentions per
//! document and per source. Useful on its own, and the template a new
//! analyzer copies: a `Config`, a pure per-document `map`, a `reduce` that
//! works from the map's tables alone, and one `register_analyzer!` line.
//!
//! ```
//! use newslens_core::{run::run_analyzer, testing, AnalyzerSettings};
//! let analyzer = newslens_corpus_stats::build(&AnalyzerSettings::for_tests("corpus-stats")).unwrap();
//! let docs = vec![testing::annotate("Haftar met Shoigu. “We agree,” Lavrov said.", None)];
//! let report = run_analyzer(analyzer.as_ref(), &docs, None).unwrap();
//! assert_eq!(report.table("documents").unwrap().rows.len(), 1);
//! ```

use std::collections::BTreeMap;

use anyhow::Result;
use newslens_core::analyzer::{Fold, StreamingReduce, TableSink};
use newslens_core::spill::{EvidenceByKey, Scratch};
use newslens_core::text::TokenKind;
use newslens_core::{AnalyzerSettings, AnnotatedDoc, ColumnType, Report, Row, Span, Table, Value};
use serde::Deserialize;

newslens_core::register_analyzer!(
    "corpus-stats",
    "Words, sentences, quotes and actor mentions per document and per source.",
    build,
    views = [newslens_core::View {
        name: "stats",
        summary: "Words, sentences, quotes and mentions per source; `stats SOURCE` for one outlet.",
        table: "sources",
        filter: Some("source"),
    }]
);

/// `[analyzers.corpus-stats]` in newslens.toml.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Count mentions by description ("the strongman") as well as by name.
    pub count_labels: Option<bool>,
}

pub struct CorpusStats {
    count_labels: bool,
    /// Where the reduce keeps the evidence of its sums.
    scratch_dir: std::path::PathBuf,
}

pub fn build(settings: &AnalyzerSettings) -> Result<Box<dyn newslens_core::Analyzer>> {
    let config: Config = settings.parse()?;
    Ok(Box::new(CorpusStats {
        count_labels: config.count_labels.unwrap_or(true),
        scratch_dir: settings.scratch_dir(),
    }))
}

fn documents_table() -> Table {
    use ColumnType::*;
    Table::new(
        "documents",
        &[
            ("doc", Text),
            ("source", Text),
            ("published", Date),
            ("words", Int),
            ("sentences", Int),
            ("quotes", Int),
            ("mentions", Int),
            ("start", Int),
            ("end", Int),
        ],
    )
}

fn doc_actors_table() -> Table {
    use ColumnType::*;
    Table::new(
        "doc_actors",
        &[
            ("doc", Text),
            ("source", Text),
            ("actor", Text),
            ("mentions", Int),
            ("start", Int),
            ("end", Int),
        ],
    )
}

impl newslens_core::Analyzer for CorpusStats {
    fn name(&self) -> &'static str {
        "corpus-stats"
    }

    fn map(&self, doc: &AnnotatedDoc) -> Report {
        let words = doc
            .tokens
            .iter()
            .filter(|t| t.kind != TokenKind::Punct)
            .count();
        let mentions: Vec<_> = doc
            .mentions
            .iter()
            .filter(|m| self.count_labels || m.form == newslens_core::text::MentionForm::Name)
            .collect();
        let whole = Span::new(0, doc.text().len());
        let outer_quotes = doc.quotes.iter().filter(|q| q.depth == 0).count();
        let mut documents = documents_table();
        documents.push(
            Row::new(vec![
                doc.id().into(),
                doc.source().into(),
                doc.published().into(),
                words.into(),
                doc.sentences.len().into(),
                outer_quotes.into(),
                mentions.len().into(),
                0usize.into(),
                doc.char_offset(whole.end).into(),
            ])
            .with_evidence(doc.evidence(whole)),
        );
        // One row per actor, with its first mention as the evidence.
        let mut by_actor: BTreeMap<&str, (usize, Span)> = BTreeMap::new();
        for mention in &mentions {
            let id = doc.gazetteer.actors[mention.actor].id.as_str();
            by_actor.entry(id).or_insert((0, mention.span)).0 += 1;
        }
        let mut doc_actors = doc_actors_table();
        for (actor, (count, first)) in by_actor {
            doc_actors.push(
                Row::new(vec![
                    doc.id().into(),
                    doc.source().into(),
                    actor.into(),
                    count.into(),
                    doc.char_offset(first.start).into(),
                    doc.char_offset(first.end).into(),
                ])
                .with_evidence(doc.evidence(first)),
            );
        }
        Report::new(vec![documents, doc_actors])
    }

    fn streaming_reduce(&self) -> Option<StreamingReduce> {
        Some(reduce_plan(&self.scratch_dir))
    }
}

/// `documents` passes through; `sources` and `actors` are sums over the
/// `documents` and `doc_actors` rows, so the fold keeps only the sums; the
/// evidence (every document a sum counts) waits on disk.
fn reduce_plan(scratch_dir: &std::path::Path) -> StreamingReduce {
    reduce_plan_with_budget(scratch_dir, EVIDENCE_BUDGET)
}

fn reduce_plan_with_budget(scratch_dir: &std::path::Path, budget: usize) -> StreamingReduce {
    let scratch = Scratch::new("corpus-stats", scratch_dir, budget);
    StreamingReduce {
        keep: vec![documents_table()],
        reads: vec!["documents", "doc_actors"],
        fold: Box::new(Sums {
            sources: BTreeMap::new(),
            actors: BTreeMap::new(),
            source_evidence: EvidenceByKey::new(&scratch),
            actor_evidence: EvidenceByKey::new(&scratch),
        }),
        order: vec!["documents", "sources", "actors"],
    }
}

/// Bytes of evidence each of the fold's two sorts holds before it spills.
const EVIDENCE_BUDGET: usize = 4 << 20;

struct Sums {
    /// Per source: documents, words, sentences, quotes, mentions.
    sources: BTreeMap<String, [i64; 5]>,
    /// Per source and actor: mentions and the documents they occur in.
    actors: BTreeMap<(String, String), (i64, i64)>,
    source_evidence: EvidenceByKey,
    actor_evidence: EvidenceByKey,
}

/// The cell of `row` in `column` as text, or "" when it is empty.
fn text<'a>(table: &Table, row: &'a Row, column: &str) -> &'a str {
    table
        .cell(row, column)
        .and_then(Value::as_str)
        .unwrap_or("")
}

fn int(table: &Table, row: &Row, column: &str) -> i64 {
    table.cell(row, column).and_then(Value::as_i64).unwrap_or(0)
}

impl Fold for Sums {
    fn add(&mut self, table: &Table, row: &Row) -> Result<()> {
        if table.name == "documents" {
            let source = text(table, row, "source");
            if !self.sources.contains_key(source) {
                self.sources.insert(source.to_string(), Default::default());
            }
            let Some(entry) = self.sources.get_mut(source) else {
                return Ok(());
            };
            entry[0] += 1;
            for (i, column) in ["words", "sentences", "quotes", "mentions"]
                .iter()
                .enumerate()
            {
                entry[i + 1] += int(table, row, column);
            }
            self.source_evidence.push(&[source], &row.evidence)?;
        } else {
            let (source, actor) = (text(table, row, "source"), text(table, row, "actor"));
            let entry = self
                .actors
                .entry((source.to_string(), actor.to_string()))
                .or_default();
            entry.0 += int(table, row, "mentions");
            entry.1 += 1;
            self.actor_evidence.push(&[source, actor], &row.evidence)?;
        }
        Ok(())
    }

    /// A row at a time, each with its evidence read back from disk.
    fn finish_into(self: Box<Self>, out: &mut dyn TableSink) -> Result<()> {
        use ColumnType::*;
        let Sums {
            sources,
            actors,
            source_evidence,
            actor_evidence,
        } = *self;
        out.table(&Table::new(
            "sources",
            &[
                ("source", Text),
                ("documents", Int),
                ("words", Int),
                ("sentences", Int),
                ("quotes", Int),
                ("mentions", Int),
            ],
        ))?;
        let mut evidence = source_evidence.finish()?;
        for (source, counts) in sources {
            let mut row = Row::new(
                std::iter::once(Value::from(source.as_str()))
                    .chain(counts.iter().map(|&c| c.into()))
                    .collect(),
            );
            row.evidence = evidence.take(&[&source])?;
            out.row(row)?;
        }
        out.table(&Table::new(
            "actors",
            &[
                ("source", Text),
                ("actor", Text),
                ("mentions", Int),
                ("documents", Int),
            ],
        ))?;
        let mut evidence = actor_evidence.finish()?;
        for ((source, actor), (mentions, docs)) in actors {
            let mut row = Row::new(vec![
                source.as_str().into(),
                actor.as_str().into(),
                mentions.into(),
                docs.into(),
            ]);
            row.evidence = evidence.take(&[&source, &actor])?;
            out.row(row)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use newslens_core::run::run_analyzer;
    use newslens_core::testing;

    fn run(docs: &[AnnotatedDoc]) -> Report {
        let analyzer = build(&AnalyzerSettings::for_tests("corpus-stats")).unwrap();
        run_analyzer(analyzer.as_ref(), docs, None).unwrap()
    }

    /// The rows of `table` as "col=value" strings for the named columns.
    fn rows(report: &Report, table: &str, columns: &[&str]) -> Vec<String> {
        let t = report.table(table).unwrap();
        t.rows
            .iter()
            .map(|r| {
                columns
                    .iter()
                    .map(|c| t.cell(r, c).unwrap().to_string())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    #[test]
    fn counts_on_a_sentence_read_by_hand() {
        // Two sentences, seven words (Haftar met Shoigu / We agree Lavrov said),
        // one quotation, three mentions.
        let doc = testing::annotate(
            "Haftar met Shoigu. “We agree,” Lavrov said.",
            Some("2020-02-19"),
        );
        let report = run(&[doc]);
        assert_eq!(
            rows(
                &report,
                "documents",
                &["words", "sentences", "quotes", "mentions"]
            ),
            ["7 2 1 3"]
        );
        assert_eq!(
            rows(&report, "actors", &["actor", "mentions"]),
            ["haftar 1", "lavrov 1", "shoigu 1"]
        );
    }

    /// Evidence spilled to many small runs on disk comes back as it does
    /// from memory: every document of a source, in corpus order.
    #[test]
    fn spilled_evidence_gives_the_same_tables() {
        let analyzer = build(&AnalyzerSettings::for_tests("corpus-stats")).unwrap();
        let mapped =
            newslens_core::run::map_all(analyzer.as_ref(), &testing::bundled_corpus(), None)
                .unwrap();
        let dir = std::env::temp_dir();
        let fold = |budget| {
            newslens_core::analyzer::fold_report(
                reduce_plan_with_budget(&dir, budget),
                mapped.clone(),
            )
            .unwrap()
        };
        let whole = fold(EVIDENCE_BUDGET);
        assert_eq!(fold(40).tables, whole.tables);
        let actors = whole.table("actors").unwrap();
        let cited: usize = actors.rows.iter().map(|r| r.evidence.len()).sum();
        assert_eq!(cited, mapped.table("doc_actors").unwrap().rows.len());
        let sources = whole.table("sources").unwrap();
        let docs: Vec<&str> = sources
            .rows
            .iter()
            .map(|r| r.evidence[0].doc.as_str())
            .collect();
        // Sources in name order (seeds README): Hürriyet (004), News
        // Agencies (003), South Front (001), The National (000), teleSUR (002).
        assert_eq!(docs, ["004", "003", "001", "000", "002"]);
    }

    #[test]
    fn the_bundled_corpus_by_source() {
        let report = run(&testing::bundled_corpus());
        let sources = rows(&report, "sources", &["source", "documents"]);
        assert_eq!(
            sources,
            [
                "Hürriyet Daily News 1",
                "News Agencies 1",
                "South Front 1",
                "The National 1",
                "teleSUR English 1"
            ]
        );
        // 004 quotes Kalın at length; the actors table counts his name in both spellings.
        let kalin = rows(&report, "actors", &["source", "actor", "mentions"])
            .into_iter()
            .find(|r| r.contains("kalin"))
            .unwrap();
        assert!(kalin.starts_with("Hürriyet Daily News kalin"), "{kalin}");
        let n: i64 = kalin.rsplit(' ').next().unwrap().parse().unwrap();
        assert!(n >= 10, "Kalın is named at least ten times in 004: {n}");
    }
}
