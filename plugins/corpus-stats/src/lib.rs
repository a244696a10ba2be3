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
use newslens_core::analyzer::{Fold, StreamingReduce};
use newslens_core::text::TokenKind;
use newslens_core::{
    AnalyzerSettings, AnnotatedDoc, ColumnType, Evidence, Report, Row, Span, Table, Value,
};
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
}

pub fn build(settings: &AnalyzerSettings) -> Result<Box<dyn newslens_core::Analyzer>> {
    let config: Config = settings.parse()?;
    Ok(Box::new(CorpusStats {
        count_labels: config.count_labels.unwrap_or(true),
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
        Some(reduce_plan())
    }
}

/// `documents` passes through; `sources` and `actors` are sums over the
/// `documents` and `doc_actors` rows, so the fold keeps only the sums and
/// the evidence.
fn reduce_plan() -> StreamingReduce {
    StreamingReduce {
        keep: vec![documents_table()],
        reads: vec!["documents", "doc_actors"],
        fold: Box::new(Sums::default()),
        order: vec!["documents", "sources", "actors"],
    }
}

#[derive(Default)]
struct Sums {
    /// Per source: documents, words, sentences, quotes, mentions.
    sources: BTreeMap<String, ([i64; 5], Vec<Evidence>)>,
    /// Per source and actor: mentions and the documents they occur in.
    actors: BTreeMap<(String, String), (i64, i64, Vec<Evidence>)>,
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
            entry.0[0] += 1;
            for (i, column) in ["words", "sentences", "quotes", "mentions"]
                .iter()
                .enumerate()
            {
                entry.0[i + 1] += int(table, row, column);
            }
            entry.1.extend(row.evidence.iter().cloned());
        } else {
            let key = (
                text(table, row, "source").to_string(),
                text(table, row, "actor").to_string(),
            );
            let entry = self.actors.entry(key).or_default();
            entry.0 += int(table, row, "mentions");
            entry.1 += 1;
            entry.2.extend(row.evidence.iter().cloned());
        }
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<Report> {
        use ColumnType::*;
        let mut source_table = Table::new(
            "sources",
            &[
                ("source", Text),
                ("documents", Int),
                ("words", Int),
                ("sentences", Int),
                ("quotes", Int),
                ("mentions", Int),
            ],
        );
        for (source, (counts, evidence)) in self.sources {
            let mut row = Row::new(
                std::iter::once(Value::from(source))
                    .chain(counts.iter().map(|&c| c.into()))
                    .collect(),
            );
            row.evidence = evidence;
            source_table.push(row);
        }
        let mut actor_table = Table::new(
            "actors",
            &[
                ("source", Text),
                ("actor", Text),
                ("mentions", Int),
                ("documents", Int),
            ],
        );
        for ((source, actor), (mentions, docs, evidence)) in self.actors {
            let mut row = Row::new(vec![
                source.into(),
                actor.into(),
                mentions.into(),
                docs.into(),
            ]);
            row.evidence = evidence;
            actor_table.push(row);
        }
        Ok(Report::new(vec![source_table, actor_table]))
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
