//! The merged timeline, from the `events` table alone: reports of one event
//! (same date within precision, a shared party or key word) joined across
//! outlets, with the date each outlet wrote, and a flag where outlets put
//! what looks like one event on different days.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use newslens_core::{ColumnType, Evidence, Row, Table};

use crate::text;

struct Event {
    source: String,
    doc: String,
    date: String,
    precision: String,
    summary: String,
    written: String,
    actors: BTreeSet<String>,
    terms: BTreeSet<String>,
    evidence: Vec<Evidence>,
}

impl Event {
    fn overlap(&self, other: &Event) -> usize {
        self.actors.intersection(&other.actors).count()
            + self.terms.intersection(&other.terms).count()
    }
}

struct Cluster {
    date: String,
    precision: String,
    members: Vec<usize>,
}

pub fn timeline_table() -> Table {
    use ColumnType::*;
    Table::new(
        "timeline",
        &[
            ("date", Text),
            ("precision", Text),
            ("summary", Text),
            ("sources", Text),
            ("reports", Text),
            ("disagreement", Text),
            ("outlets", Int),
        ],
    )
}

fn find(parent: &mut [usize], i: usize) -> usize {
    let mut root = i;
    while parent[root] != root {
        root = parent[root];
    }
    let mut k = i;
    while parent[k] != root {
        let next = parent[k];
        parent[k] = root;
        k = next;
    }
    root
}

/// Does a coarse value ("2020-01", "2020-W02", "2020") cover a day ("2020-01-13")?
fn covers(coarse: &str, day: &str) -> bool {
    let Ok(date) = day.parse::<Date>() else {
        return false;
    };
    if let Some((year, week)) = coarse.split_once("-W") {
        let week = week.trim_end_matches("-WE");
        let iso = date.iso_week_date();
        return year.parse() == Ok(iso.year()) && week.parse() == Ok(iso.week());
    }
    if let Some((year, quarter)) = coarse.split_once("-Q") {
        let q = (date.month() - 1) / 3 + 1;
        return year.parse() == Ok(date.year()) && quarter.parse() == Ok(q);
    }
    day.starts_with(coarse)
}

pub fn timeline(events_table: &Table, window_days: i64) -> Table {
    let events: Vec<Event> = events_table
        .rows
        .iter()
        .map(|row| {
            let t = |c: &str| text(events_table, row, c);
            let set = |c: &str, sep: char| {
                t(c).split(sep)
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect()
            };
            Event {
                source: t("source"),
                doc: t("doc"),
                date: t("date"),
                precision: t("precision"),
                summary: t("summary"),
                written: t("written"),
                actors: set("actors", ','),
                terms: set("terms", ' '),
                evidence: row.evidence.clone(),
            }
        })
        .collect();
    // Day events: one cluster per date and connected group of shared parties or words.
    let n = events.len();
    let mut parent: Vec<usize> = (0..n).collect();
    let days: Vec<usize> = (0..n).filter(|&i| events[i].precision == "day").collect();
    for (a_pos, &a) in days.iter().enumerate() {
        for &b in &days[a_pos + 1..] {
            if events[a].date == events[b].date && events[a].overlap(&events[b]) > 0 {
                let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
                parent[ra] = rb;
            }
        }
    }
    let mut clusters: BTreeMap<usize, Cluster> = BTreeMap::new();
    for &i in &days {
        let root = find(&mut parent, i);
        clusters
            .entry(root)
            .or_insert_with(|| Cluster {
                date: events[i].date.clone(),
                precision: "day".into(),
                members: Vec::new(),
            })
            .members
            .push(i);
    }
    // Coarser events join the day cluster they cover that they share most with,
    // or else gather by their own value.
    for i in (0..n).filter(|&i| events[i].precision != "day") {
        let best = clusters
            .iter()
            .filter(|(_, c)| c.precision == "day" && covers(&events[i].date, &c.date))
            .map(|(&k, c)| {
                (
                    c.members
                        .iter()
                        .map(|&m| events[m].overlap(&events[i]))
                        .max()
                        .unwrap_or(0),
                    k,
                )
            })
            // Only months and weeks are fine enough to join a day, and on more than one shared word.
            .filter(|&(score, _)| {
                score > 1 && matches!(events[i].precision.as_str(), "month" | "week")
            })
            .max();
        match best {
            Some((_, key)) => clusters
                .get_mut(&key)
                .expect("key from the map")
                .members
                .push(i),
            None => {
                let key = clusters
                    .iter()
                    .find(|(_, c)| {
                        c.date == events[i].date
                            && c.members.iter().any(|&m| events[m].overlap(&events[i]) > 0)
                    })
                    .map(|(&k, _)| k)
                    .unwrap_or(n + i);
                clusters
                    .entry(key)
                    .or_insert_with(|| Cluster {
                        date: events[i].date.clone(),
                        precision: events[i].precision.clone(),
                        members: Vec::new(),
                    })
                    .members
                    .push(i);
            }
        }
    }
    let clusters: Vec<Cluster> = clusters.into_values().collect();
    // Disagreements: day clusters a few days apart that share parties and
    // several words, reported by different outlets.
    let mut disagreements: Vec<Vec<String>> = vec![Vec::new(); clusters.len()];
    for a in 0..clusters.len() {
        for b in a + 1..clusters.len() {
            let (ca, cb) = (&clusters[a], &clusters[b]);
            if ca.precision != "day" || cb.precision != "day" || ca.date == cb.date {
                continue;
            }
            // An outlet that reports both dates reports two events, not one event twice.
            let sources_a: BTreeSet<&str> = ca
                .members
                .iter()
                .map(|&m| events[m].source.as_str())
                .collect();
            if cb
                .members
                .iter()
                .any(|&m| sources_a.contains(events[m].source.as_str()))
            {
                continue;
            }
            let (Ok(da), Ok(db)) = (ca.date.parse::<Date>(), cb.date.parse::<Date>()) else {
                continue;
            };
            let apart = (db - da).get_days().abs() as i64;
            if apart > window_days {
                continue;
            }
            let strong = ca.members.iter().any(|&x| {
                cb.members.iter().any(|&y| {
                    let (ex, ey) = (&events[x], &events[y]);
                    ex.source != ey.source
                        && ex.actors.intersection(&ey.actors).count() >= 2
                        && ex.terms.intersection(&ey.terms).count() >= 3
                })
            });
            if strong {
                let sources = |c: &Cluster| {
                    let s: BTreeSet<&str> = c
                        .members
                        .iter()
                        .map(|&m| events[m].source.as_str())
                        .collect();
                    s.into_iter().collect::<Vec<_>>().join(", ")
                };
                disagreements[a].push(format!("{} dated it {}", sources(cb), cb.date));
                disagreements[b].push(format!("{} dated it {}", sources(ca), ca.date));
            }
        }
    }
    let mut table = timeline_table();
    let mut rows: Vec<(String, Row)> = Vec::new();
    for (cluster, disagreement) in clusters.iter().zip(disagreements) {
        let mut members = cluster.members.clone();
        members.sort_by(|&a, &b| {
            (
                events[a].precision != "day",
                &events[a].source,
                &events[a].doc,
            )
                .cmp(&(
                    events[b].precision != "day",
                    &events[b].source,
                    &events[b].doc,
                ))
        });
        let summary = members
            .iter()
            .map(|&m| &events[m].summary)
            .max_by_key(|s| (s.len().min(80), std::cmp::Reverse(s.len())))
            .cloned()
            .unwrap_or_default();
        let sources: BTreeSet<&str> = members.iter().map(|&m| events[m].source.as_str()).collect();
        let mut reports: Vec<String> = members
            .iter()
            .map(|&m| {
                format!(
                    "{}: \"{}\" ({})",
                    events[m].source, events[m].written, events[m].doc
                )
            })
            .collect();
        reports.dedup();
        let mut row = Row::new(vec![
            cluster.date.clone().into(),
            cluster.precision.clone().into(),
            summary.into(),
            sources
                .iter()
                .copied()
                .collect::<Vec<_>>()
                .join(", ")
                .into(),
            reports.join(" | ").into(),
            disagreement.join("; ").into(),
            sources.len().into(),
        ]);
        row.evidence = members
            .iter()
            .flat_map(|&m| events[m].evidence.iter().take(1).cloned())
            .collect();
        rows.push((format!("{}|{}", cluster.date, reports.join("|")), row));
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    for (_, row) in rows {
        table.push(row);
    }
    table
}
