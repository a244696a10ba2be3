//! The merge across documents: figures for the same toll (kind and coarse
//! group of victims) side by side, outlet by outlet, with a flag where they
//! cannot all be true at once. Works from the `figures` table alone.

use std::collections::BTreeMap;

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

struct Entry {
    source: String,
    qualifier: String,
    value: f64,
    low: Option<f64>,
    high: Option<f64>,
    text: String,
    attributed_to: Option<String>,
    period: Option<String>,
    published: Option<String>,
    evidence: Vec<Evidence>,
}

pub fn compare(figures: &Table) -> Table {
    let text = |row: &Row, column: &str| {
        figures
            .cell(row, column)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let number = |row: &Row, column: &str| figures.cell(row, column).and_then(Value::as_f64);
    // Tolls are compared within a window of time: reports weeks apart may
    // revise one toll, reports years apart count different wars' dead.
    let mut by_date: Vec<(String, usize)> = figures
        .rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            (
                figures
                    .cell(row, "published")
                    .filter(|v| !v.is_null())
                    .map(Value::to_string)
                    .unwrap_or_default(),
                i,
            )
        })
        .collect();
    by_date.sort();
    let mut window_of = vec![String::new(); figures.rows.len()];
    let mut window_start: Option<jiff::civil::Date> = None;
    for (date, i) in &by_date {
        let parsed = date.parse::<jiff::civil::Date>().ok();
        let start = match (parsed, window_start) {
            (Some(d), Some(s)) if (d - s).get_days() <= WINDOW_DAYS => s,
            (Some(d), _) => d,
            (None, _) => {
                window_of[*i] = "undated".into();
                continue;
            }
        };
        window_start = Some(start);
        window_of[*i] = start.to_string();
    }
    let mut tolls: BTreeMap<(String, String, &'static str), Vec<Entry>> = BTreeMap::new();
    for (index, row) in figures.rows.iter().enumerate() {
        let kind = text(row, "kind").unwrap_or_default();
        let group = coarse_group(text(row, "group").as_deref());
        tolls
            .entry((window_of[index].clone(), kind, group))
            .or_default()
            .push(Entry {
                source: text(row, "source").unwrap_or_default(),
                qualifier: text(row, "qualifier").unwrap_or_default(),
                value: number(row, "value").unwrap_or(0.0),
                low: number(row, "low"),
                high: number(row, "high"),
                text: text(row, "text").unwrap_or_default(),
                attributed_to: text(row, "attributed_to"),
                period: text(row, "period"),
                published: figures
                    .cell(row, "published")
                    .filter(|v| !v.is_null())
                    .map(Value::to_string),
                evidence: row.evidence.clone(),
            });
    }
    let mut table = compare_table();
    for ((window, kind, group), entries) in tolls {
        let mut outlets: Vec<&str> = entries.iter().map(|e| e.source.as_str()).collect();
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
            window.into(),
            kind.into(),
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
