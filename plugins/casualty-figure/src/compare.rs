//! The merge across documents: figures for the same toll (kind and coarse
//! group of victims) side by side, outlet by outlet, with a flag where they
//! cannot all be true at once. Works from the `figures` table alone.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use newslens_core::{ColumnType, Evidence, Row, Table, Value};

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

/// What the comparison keeps of one figure; strings that repeat across
/// figures (outlets, kinds, dates) are shared.
struct Entry {
    published: Option<Arc<str>>,
    kind: Arc<str>,
    group: &'static str,
    source: Arc<str>,
    qualifier: Arc<str>,
    value: f64,
    low: Option<f64>,
    high: Option<f64>,
    text: Box<str>,
    attributed_to: Option<Arc<str>>,
    period: Option<Box<str>>,
    evidence: Vec<Evidence>,
}

/// A toll: the window's first day (or "undated"), the kind, the coarse group.
type Toll = (Arc<str>, Arc<str>, &'static str);

/// The comparison as a fold over `figures` rows, so a batch run holds only
/// what it needs of each figure, not the rows.
#[derive(Default)]
pub struct Compare {
    entries: Vec<Entry>,
    strings: HashSet<Arc<str>>,
}

impl Compare {
    fn intern(&mut self, s: &str) -> Arc<str> {
        if let Some(shared) = self.strings.get(s) {
            return Arc::clone(shared);
        }
        let shared: Arc<str> = Arc::from(s);
        self.strings.insert(Arc::clone(&shared));
        shared
    }

    /// Adds one row of a table with the columns of [`figures_table`](crate::figures_table).
    pub fn add(&mut self, figures: &Table, row: &Row) {
        let text = |column: &str| figures.cell(row, column).and_then(Value::as_str);
        let number = |column: &str| figures.cell(row, column).and_then(Value::as_f64);
        let published = figures
            .cell(row, "published")
            .filter(|v| !v.is_null())
            .map(Value::to_string);
        let entry = Entry {
            published: published.map(|p| self.intern(&p)),
            kind: self.intern(text("kind").unwrap_or_default()),
            group: coarse_group(text("group")),
            source: self.intern(text("source").unwrap_or_default()),
            qualifier: self.intern(text("qualifier").unwrap_or_default()),
            value: number("value").unwrap_or(0.0),
            low: number("low"),
            high: number("high"),
            text: text("text").unwrap_or_default().into(),
            attributed_to: text("attributed_to").map(|a| self.intern(a)),
            period: text("period").map(Into::into),
            evidence: row.evidence.clone(),
        };
        self.entries.push(entry);
    }

    /// The `compare` table over every figure added, in the order added.
    pub fn finish(self) -> Table {
        let entries = self.entries;
        // Tolls are compared within a window of time: reports weeks apart may
        // revise one toll, reports years apart count different wars' dead.
        let mut by_date: Vec<(&str, usize)> = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.published.as_deref().unwrap_or_default(), i))
            .collect();
        by_date.sort();
        let mut window_of: Vec<Arc<str>> = vec![Arc::from(""); entries.len()];
        let undated: Arc<str> = Arc::from("undated");
        let mut window: Option<(jiff::civil::Date, Arc<str>)> = None;
        for (date, i) in by_date {
            let Ok(day) = date.parse::<jiff::civil::Date>() else {
                window_of[i] = Arc::clone(&undated);
                continue;
            };
            match &window {
                Some((start, _)) if (day - *start).get_days() <= WINDOW_DAYS => {}
                _ => window = Some((day, Arc::from(day.to_string()))),
            }
            if let Some((_, name)) = &window {
                window_of[i] = Arc::clone(name);
            }
        }
        let mut tolls: BTreeMap<Toll, Vec<Entry>> = BTreeMap::new();
        for (entry, window) in entries.into_iter().zip(window_of) {
            tolls
                .entry((window, Arc::clone(&entry.kind), entry.group))
                .or_default()
                .push(entry);
        }
        let mut table = compare_table();
        for ((window, kind, group), entries) in tolls {
            let mut outlets: Vec<&str> = entries.iter().map(|e| &*e.source).collect();
            outlets.sort_unstable();
            outlets.dedup();
            let (low, high) = entries.iter().fold((0.0f64, f64::INFINITY), |(lo, hi), e| {
                let (a, b) = interval(&e.qualifier, e.value, e.low, e.high);
                (lo.max(a), hi.min(b))
            });
            let disagreement = outlets.len() > 1 && low > high;
            let mut reports: Vec<String> = entries
                .iter()
                .map(|e| {
                    let mut said =
                        format!("{}: {} {}", e.source, e.qualifier.replace('_', " "), e.text);
                    if let Some(who) = &e.attributed_to {
                        said.push_str(&format!(" (per {who})"));
                    }
                    if let Some(period) = &e.period {
                        said.push_str(&format!(" [{period}]"));
                    }
                    if let Some(date) = &e.published {
                        said.push_str(&format!(" {date}"));
                    }
                    said
                })
                .collect();
            reports.sort();
            let mut row = Row::new(vec![
                Value::text(&*window),
                Value::text(&*kind),
                group.into(),
                outlets.len().into(),
                entries.len().into(),
                low.into(),
                if high.is_finite() {
                    Value::Float(high)
                } else {
                    Value::Null
                },
                disagreement.into(),
                reports.join(" | ").into(),
            ]);
            row.evidence = entries.into_iter().flat_map(|e| e.evidence).collect();
            table.push(row);
        }
        table
    }
}

/// The `compare` table of a whole `figures` table.
pub fn compare(figures: &Table) -> Table {
    let mut fold = Compare::default();
    for row in &figures.rows {
        fold.add(figures, row);
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

    #[test]
    fn groups_fold_into_tolls() {
        assert_eq!(coarse_group(Some("child")), "civilian");
        assert_eq!(coarse_group(Some("soldier")), "combatant");
        assert_eq!(coarse_group(Some("Libyan")), "person");
        assert_eq!(coarse_group(None), "person");
    }
}
