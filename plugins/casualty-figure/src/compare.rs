//! The merge across documents: figures for the same toll (kind and coarse
//! group of victims) side by side, outlet by outlet, with a flag where they
//! cannot all be true at once. Works from the `figures` table alone.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::sync::Arc;

use anyhow::Result;
use newslens_core::analyzer::{Piece, ReportSink, TableSink};
use newslens_core::spill::{Dec, Enc, EvidenceByKey, KeyedStream, Scratch, Tape};
use newslens_core::{ColumnType, Row, Table, Value};

/// Victim groups folded into the tolls outlets report: civilians, combatants, people.
pub fn coarse_group(group: Option<&str>) -> &'static str {
    match group {
        Some(
            "civilian" | "child" | "woman" | "resident" | "protester" | "migrant" | "worker"
            | "student" | "journalist" | "patient" | "family",
        ) => "civilian",
        Some("fighter" | "soldier" | "militant" | "rebel" | "police" | "member") => "combatant",
        _ => "person",
    }
}

/// The values a figure allows. "About n" is read as n rounded: "about
/// 140,000" allows 135,000 to 145,000.
pub fn interval(qualifier: &str, value: f64, low: Option<f64>, high: Option<f64>) -> (f64, f64) {
    match qualifier {
        "exact" => (value, value),
        "about" => {
            let mut unit = 1.0;
            while value >= unit * 10.0 && (value / (unit * 10.0)).fract() == 0.0 {
                unit *= 10.0;
            }
            (value - unit / 2.0, value + unit / 2.0)
        }
        "at_least" | "vague" => (value, f64::INFINITY),
        // "More than 1,000" excludes 1,000 itself.
        "more_than" => (value + 1.0, f64::INFINITY),
        "up_to" => (0.0, value),
        "range" => (low.unwrap_or(value), high.unwrap_or(value)),
        _ => (value, value),
    }
}

/// Days from the first report of a window to the last one compared with it.
pub const WINDOW_DAYS: i32 = 45;

pub fn compare_table() -> Table {
    use ColumnType::*;
    Table::new(
        "compare",
        &[
            ("since", Text),
            ("kind", Text),
            ("group", Text),
            ("outlets", Int),
            ("figures", Int),
            ("low", Float),
            ("high", Float),
            ("disagreement", Bool),
            ("reports", Text),
        ],
    )
}

/// Bytes each of the fold's tape and sort holds in memory before it spills.
const SPILL_BUDGET: usize = 8 << 20;

/// The comparison as a fold over `figures` rows. A batch run folds every
/// figure of the corpus, so none is held: each goes to a tape on disk as a
/// record (its publication date, kind, group, outlet, interval, report
/// text and evidence), and only the distinct publication dates stay, which
/// grow with the calendar, not the corpus. The windows of time depend on
/// those dates alone, so [`Compare::finish_into`] can name each figure's
/// window, sum each toll in memory (its outlets, count and bounds: tolls
/// grow with the calendar, not the corpus) and sort the reports and the
/// evidence by toll on disk. Each toll's row then goes to the sink in
/// pieces ([`TableSink::row_in_pieces`]): a toll a whole corpus reports,
/// whose `reports` cell and evidence grow with it, is never held.
pub struct Compare {
    scratch: Scratch,
    figures: Tape,
    published: BTreeSet<Box<str>>,
    enc: Enc,
}

impl Default for Compare {
    fn default() -> Compare {
        Compare::new(&std::env::temp_dir())
    }
}

impl Compare {
    /// A comparison whose temporary files go in `dir`.
    pub fn new(dir: &std::path::Path) -> Compare {
        Compare::with_budget(dir, SPILL_BUDGET)
    }

    /// A comparison whose tape and sort each keep about `budget` bytes in memory.
    pub fn with_budget(dir: &std::path::Path, budget: usize) -> Compare {
        let scratch = Scratch::new("casualty-figure", dir, budget);
        Compare {
            figures: scratch.tape(),
            scratch,
            published: BTreeSet::new(),
            enc: Enc::default(),
        }
    }

    /// Adds one row of a table with the columns of [`figures_table`](crate::figures_table).
    pub fn add(&mut self, figures: &Table, row: &Row) -> io::Result<()> {
        let text = |column: &str| figures.cell(row, column).and_then(Value::as_str);
        let number = |column: &str| figures.cell(row, column).and_then(Value::as_f64);
        let published = figures
            .cell(row, "published")
            .filter(|v| !v.is_null())
            .map(Value::to_string);
        let source = text("source").unwrap_or_default();
        let qualifier = text("qualifier").unwrap_or_default();
        let (low, high) = interval(
            qualifier,
            number("value").unwrap_or(0.0),
            number("low"),
            number("high"),
        );
        let mut said = format!(
            "{source}: {} {}",
            qualifier.replace('_', " "),
            text("text").unwrap_or_default()
        );
        if let Some(who) = text("attributed_to") {
            said.push_str(&format!(" (per {who})"));
        }
        if let Some(period) = text("period") {
            said.push_str(&format!(" [{period}]"));
        }
        if let Some(date) = &published {
            said.push_str(&format!(" {date}"));
        }
        let group = coarse_group(text("group"));

        let enc = &mut self.enc;
        enc.clear();
        match &published {
            Some(date) => {
                enc.bytes.push(1);
                enc.text(date);
            }
            None => enc.bytes.push(0),
        }
        enc.text(text("kind").unwrap_or_default());
        enc.text(group);
        enc.text(source);
        enc.u64_key(low.to_bits());
        enc.u64_key(high.to_bits());
        enc.text(&said);
        enc.evidence(&row.evidence);
        self.figures.push(&enc.bytes)?;
        if let Some(date) = published {
            if !self.published.contains(date.as_str()) {
                self.published.insert(date.into());
            }
        }
        Ok(())
    }

    /// Each publication date's window of time, named by the window's first
    /// day: reports weeks apart may revise one toll, reports years apart
    /// count different wars' dead. A date that does not parse is "undated".
    fn windows(published: &BTreeSet<Box<str>>) -> BTreeMap<&str, Arc<str>> {
        let undated: Arc<str> = Arc::from("undated");
        let mut window: Option<(jiff::civil::Date, Arc<str>)> = None;
        let mut windows = BTreeMap::new();
        // In date order, as the dates are ISO days (and sort as text).
        for date in published {
            let Ok(day) = date.parse::<jiff::civil::Date>() else {
                windows.insert(&**date, Arc::clone(&undated));
                continue;
            };
            match &window {
                Some((start, _)) if (day - *start).get_days() <= WINDOW_DAYS => {}
                _ => window = Some((day, Arc::from(day.to_string()))),
            }
            if let Some((_, name)) = &window {
                windows.insert(&**date, Arc::clone(name));
            }
        }
        windows
    }

    /// The `compare` table over every figure added: a row per toll (window,
    /// kind, coarse group) in that order, its reports sorted, its evidence
    /// in the order the figures were added.
    pub fn finish_into(mut self, out: &mut dyn TableSink) -> Result<()> {
        // Each toll's sums stay in memory (tolls grow with the calendar and
        // the outlets, not the corpus); its reports and its evidence go to
        // two sorts, which then give the toll's row a piece at a time.
        let mut tolls: BTreeMap<(Arc<str>, String, String), Toll> = BTreeMap::new();
        let mut reports = self.scratch.sorter();
        let mut spans = EvidenceByKey::new(&self.scratch);
        {
            let windows = Compare::windows(&self.published);
            let undated: Arc<str> = Arc::from("undated");
            let mut key = Enc::default();
            let mut seq = 0u64;
            let mut evidence = Vec::new();
            self.figures.read(|record| {
                let mut dec = Dec::new(record);
                let window = match dec.byte()? {
                    0 => &undated,
                    _ => windows.get(dec.text()?).unwrap_or(&undated),
                };
                let kind = dec.text()?;
                let group = dec.text()?;
                let source = dec.text()?;
                let (low, high) = (dec.u64_key()?, dec.u64_key()?);
                let said = dec.text()?;
                evidence.clear();
                dec.evidence(&mut evidence)?;
                let toll = (Arc::clone(window), kind.to_string(), group.to_string());
                tolls
                    .entry(toll)
                    .or_default()
                    .add(source, (f64::from_bits(low), f64::from_bits(high)));
                // The toll leads both sorts; the reports go by text, the
                // evidence by the order the figures were added.
                key.clear();
                key.text_keys(&[window, kind, group, said]);
                key.u64_key(seq);
                reports.push(&key.bytes)?;
                spans.push(&[window, kind, group], &evidence)?;
                seq += 1;
                Ok(())
            })?;
        }
        self.figures.clear();
        out.table(&compare_table())?;
        let mut reports = KeyedStream::new(reports.finish()?)?;
        let mut spans = spans.finish()?;
        let mut toll_key = Enc::default();
        for ((window, kind, group), toll) in tolls {
            toll_key.clear();
            toll_key.text_keys(&[&window, &kind, &group]);
            let head = toll.head(&window, &kind, &group);
            out.row_in_pieces(head, &mut |emit| {
                let mut first = true;
                while let Some(record) = reports.next_under(&toll_key.bytes)? {
                    let mut dec = Dec::new(&record[toll_key.bytes.len()..]);
                    let said = dec.key_bytes()?;
                    if !first {
                        emit(Piece::Text(" | "))?;
                    }
                    first = false;
                    emit(Piece::Text(
                        std::str::from_utf8(&said).map_err(|_| not_utf8())?,
                    ))?;
                }
                spans.take_each(&[&window, &kind, &group], |e| emit(Piece::Evidence(e)))
            })?;
        }
        if !reports.is_empty() || !spans.is_empty() || spans.dropped() > 0 {
            anyhow::bail!("the comparison's sorts hold a toll its sums do not");
        }
        Ok(())
    }

    /// The `compare` table, whole.
    pub fn finish(self) -> Result<Table> {
        let mut sink = ReportSink::default();
        self.finish_into(&mut sink)?;
        sink.into_report()
            .tables
            .pop()
            .ok_or_else(|| anyhow::anyhow!("the comparison gave no table"))
    }
}

fn not_utf8() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, "a toll's text is not UTF-8")
}

/// One toll's sums while its figures come in; its reports and evidence
/// wait in the sorts.
struct Toll {
    outlets: BTreeSet<Box<str>>,
    figures: usize,
    low: f64,
    high: f64,
}

impl Default for Toll {
    fn default() -> Toll {
        Toll {
            outlets: BTreeSet::new(),
            figures: 0,
            low: 0.0,
            high: f64::INFINITY,
        }
    }
}

impl Toll {
    fn add(&mut self, source: &str, (a, b): (f64, f64)) {
        if !self.outlets.contains(source) {
            self.outlets.insert(source.into());
        }
        self.figures += 1;
        // The values every figure allows.
        self.low = self.low.max(a);
        self.high = self.high.min(b);
    }

    /// The row's cells before its reports.
    fn head(&self, window: &str, kind: &str, group: &str) -> Vec<Value> {
        let disagreement = self.outlets.len() > 1 && self.low > self.high;
        vec![
            Value::text(window),
            Value::text(kind),
            Value::text(group),
            self.outlets.len().into(),
            self.figures.into(),
            self.low.into(),
            if self.high.is_finite() {
                Value::Float(self.high)
            } else {
                Value::Null
            },
            disagreement.into(),
        ]
    }
}

/// The `compare` table of a whole `figures` table.
pub fn compare(figures: &Table) -> Result<Table> {
    let mut fold = Compare::default();
    for row in &figures.rows {
        fold.add(figures, row)?;
    }
    fold.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn about_means_rounded() {
        assert_eq!(
            interval("about", 140_000.0, None, None),
            (135_000.0, 145_000.0)
        );
        assert_eq!(interval("about", 2_000.0, None, None), (1_500.0, 2_500.0));
        assert_eq!(interval("about", 280.0, None, None), (275.0, 285.0));
        assert_eq!(
            interval("more_than", 1_000.0, None, None),
            (1_001.0, f64::INFINITY)
        );
    }

    /// The bundled corpus's figures, as the map gives them.
    fn bundled_figures() -> Table {
        let analyzer = crate::build(&newslens_core::AnalyzerSettings::for_tests(
            "casualty-figure",
        ))
        .unwrap();
        let docs = newslens_core::testing::bundled_corpus();
        let mapped = newslens_core::run::map_all(&*analyzer, &docs, None).unwrap();
        mapped.table("figures").unwrap().clone()
    }

    fn compared(figures: &Table, budget: usize) -> Table {
        let mut fold = Compare::with_budget(&std::env::temp_dir(), budget);
        for row in &figures.rows {
            fold.add(figures, row).unwrap();
        }
        fold.finish().unwrap()
    }

    /// The National (2020-02-19) has the UN's "displaced about 140,000";
    /// News Agencies (2020-01-14), 36 days before, the UN's "146,000 Libyans
    /// have been displaced". One toll, and about 140,000 (135,000 to
    /// 145,000) cannot be 146,000.
    #[test]
    fn outlets_disagree_on_the_displaced() {
        let table = compared(&bundled_figures(), SPILL_BUDGET);
        let cell = |row: &Row, column: &str| table.cell(row, column).unwrap().to_string();
        let displaced: Vec<&Row> = table
            .rows
            .iter()
            .filter(|r| cell(r, "kind") == "displaced")
            .collect();
        assert_eq!(displaced.len(), 1, "{:?}", table.rows);
        let row = displaced[0];
        assert_eq!(cell(row, "since"), "2020-01-14");
        assert_eq!(cell(row, "group"), "person");
        assert_eq!(cell(row, "outlets"), "2");
        assert_eq!(cell(row, "low"), "146000");
        assert_eq!(cell(row, "high"), "145000");
        assert_eq!(cell(row, "disagreement"), "true");
        // Reports in text order; evidence in the corpus's order (000 is The National's).
        let reports = cell(row, "reports");
        assert!(
            reports.starts_with("News Agencies: exact 146,000 (per UN)")
                && reports.contains(" | The National: about 140,000 (per UN) 2020-02-19"),
            "{reports}"
        );
        let docs: Vec<&str> = row.evidence.iter().map(|e| e.doc.as_str()).collect();
        assert_eq!(docs, ["000", "003"]);
    }

    /// Figures that spill to many runs on disk give the table they give in
    /// memory, on the bundled corpus and, where it is here, on FA-KES.
    #[test]
    fn spilled_figures_give_the_same_table() {
        let bundled = bundled_figures();
        let whole = compared(&bundled, SPILL_BUDGET);
        assert!(whole.rows.len() > 3);
        assert_eq!(compared(&bundled, 64), whole);
        let Some(docs) = newslens_core::testing::shared_corpus("fakes-syria.jsonl.gz") else {
            newslens_core::testing::say_skipped(
                "FA-KES spill check: ../shared/corpora is not here",
            );
            return;
        };
        let analyzer = crate::build(&newslens_core::AnalyzerSettings::for_tests(
            "casualty-figure",
        ))
        .unwrap();
        let annotated: Vec<_> = docs
            .into_iter()
            .map(newslens_core::testing::annotate_doc)
            .collect();
        let mapped = newslens_core::run::map_all(&*analyzer, &annotated, None).unwrap();
        let figures = mapped.table("figures").unwrap();
        let whole = compared(figures, SPILL_BUDGET);
        assert!(whole.rows.len() > 50, "{}", whole.rows.len());
        // About 1 KB: hundreds of runs, so the sort merges runs of runs.
        assert_eq!(compared(figures, 1000), whole);
    }

    #[test]
    fn groups_fold_into_tolls() {
        assert_eq!(coarse_group(Some("child")), "civilian");
        assert_eq!(coarse_group(Some("soldier")), "combatant");
        assert_eq!(coarse_group(Some("Libyan")), "person");
        assert_eq!(coarse_group(None), "person");
    }
}
