//! The merged timeline, from the `events` table alone: reports of one event
//! (same date within precision, a shared party or key word) joined across
//! outlets, with the date each outlet wrote, and a flag where outlets put
//! what looks like one event on different days.

use std::collections::{BTreeMap, BTreeSet};

use crate::events::FastMap as HashMap;

use jiff::civil::Date;
use newslens_core::{ColumnType, Evidence, Row, Table, Value};

/// One row of the events table, borrowed from it. Word lists are sorted
/// and without repeats.
struct Event<'a> {
    source: &'a str,
    doc: &'a str,
    date: &'a str,
    precision: &'a str,
    summary: &'a str,
    written: &'a str,
    actors: Vec<&'a str>,
    terms: Vec<&'a str>,
    /// The key words of the clause the summary gives, not of the whole
    /// sentence: what tells apart two events one sentence dates.
    clause: Vec<&'a str>,
    /// The sentence's character offset in its document.
    sentence: i64,
    evidence: &'a [Evidence],
}

/// The words of a list cell, sorted, without repeats.
fn sorted_words(text: &str, separator: char) -> Vec<&str> {
    let mut words: Vec<&str> = text.split(separator).filter(|s| !s.is_empty()).collect();
    words.sort_unstable();
    words.dedup();
    words
}

/// How many words two sorted lists share.
fn shared_count(a: &[&str], b: &[&str]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Same-day reports of one event share this many key words of their sentences.
const SAME_DAY_SHARED: usize = 2;
/// A month or a week joins a day whose reports hold this many words of its clause.
const COARSE_SHARED: usize = 3;
/// A word that more reports of one date use than this ties nothing together.
const COMMON_WORD: usize = 40;
/// Two reports of one event share at least one word that at most this many
/// reports of the day use (a name, a place): on a busy news day two shared
/// everyday words ("cases", "state") chain unrelated reports together.
const RARE_WORD: usize = 3;

/// The clause's key words: the sentence's terms that the summary holds, found
/// with the shared tokenizer.
fn clause_terms<'a>(summary: &str, terms: &[&'a str]) -> Vec<&'a str> {
    let mut word = String::new();
    let mut out = Vec::new();
    for token in newslens_core::text::tokens::tokenize(summary) {
        if token.kind != newslens_core::text::TokenKind::Word {
            continue;
        }
        word.clear();
        for c in summary[token.span.range()].chars() {
            if !matches!(c, '-' | '\u{2010}' | '\u{2011}') {
                word.extend(c.to_lowercase());
            }
        }
        if let Ok(k) = terms.binary_search(&word.as_str()) {
            out.push(terms[k]);
        }
    }
    out.sort_unstable();
    out.dedup();
    out
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

/// The Monday of an ISO week value ("2020-W02", "2020-W02-WE").
fn week_start(value: &str) -> Option<Date> {
    let (year, week) = value.split_once("-W")?;
    let week: i8 = week.trim_end_matches("-WE").parse().ok()?;
    jiff::civil::ISOWeekDate::new(year.parse().ok()?, week, jiff::civil::Weekday::Monday)
        .ok()
        .map(|w| w.date())
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
    let column = |name: &str| events_table.column_index(name);
    let columns = [
        "source",
        "doc",
        "date",
        "precision",
        "summary",
        "written",
        "actors",
        "terms",
    ]
    .map(column);
    let start = column("start");
    let events: Vec<Event> = events_table
        .rows
        .iter()
        .map(|row| {
            let cell = |k: Option<usize>| k.and_then(|k| row.cells.get(k));
            let [source, doc, date, precision, summary, written, actors, terms] =
                columns.map(|k| match cell(k) {
                    Some(Value::Text(s)) => s.as_str(),
                    _ => "",
                });

            let terms = sorted_words(terms, ' ');
            Event {
                source,
                doc,
                date,
                precision,
                clause: clause_terms(summary, &terms),
                summary,
                written,
                actors: sorted_words(actors, ','),
                terms,
                sentence: match cell(start) {
                    Some(Value::Int(n)) => *n,
                    _ => -1,
                },
                evidence: &row.evidence,
            }
        })
        .collect();
    // Day events: one cluster per date and connected group of shared parties or words.
    let n = events.len();
    let mut parent: Vec<usize> = (0..n).collect();
    let days: Vec<usize> = (0..n).filter(|&i| events[i].precision == "day").collect();
    // Only events of the same date can join, so compare within each date.
    let mut by_date: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for &i in &days {
        by_date.entry(events[i].date).or_default().push(i);
    }
    // Events of a day are one event when their sentences share key words,
    // one of them rare that day (a shared party or one common word, "Libya",
    // "talks", is not enough):
    // each event counts what it shares with the day's earlier events through
    // the lists of its own words, leaving out words too common to tell.
    // Counts by position within the day, and the positions touched, reused.
    let mut shared_with: Vec<u32> = Vec::new();
    let mut touched: Vec<usize> = Vec::new();
    let mut rare_with: Vec<u32> = Vec::new();
    for same_day in by_date.values() {
        let mut users: HashMap<&str, Vec<usize>> = HashMap::default();
        for (local, &i) in same_day.iter().enumerate() {
            for word in &events[i].terms {
                users.entry(word).or_default().push(local);
            }
        }
        shared_with.clear();
        shared_with.resize(same_day.len(), 0);
        rare_with.clear();
        rare_with.resize(same_day.len(), 0);
        for (local, &i) in same_day.iter().enumerate() {
            for word in &events[i].terms {
                let list = &users[word];
                if list.len() > COMMON_WORD {
                    continue;
                }
                let rare = list.len() <= RARE_WORD;
                // Lists are in the day's order: only earlier events.
                for &j in list.iter().take_while(|&&j| j != local) {
                    if shared_with[j] == 0 {
                        touched.push(j);
                    }
                    shared_with[j] += 1;
                    rare_with[j] += u32::from(rare);
                }
            }
            for j in touched.drain(..) {
                if shared_with[j] as usize >= SAME_DAY_SHARED && rare_with[j] >= 1 {
                    let (ri, rj) = (find(&mut parent, i), find(&mut parent, same_day[j]));
                    parent[ri] = rj;
                }
                shared_with[j] = 0;
                rare_with[j] = 0;
            }
        }
    }
    let mut clusters: BTreeMap<usize, Cluster> = BTreeMap::new();
    for &i in &days {
        let root = find(&mut parent, i);
        clusters
            .entry(root)
            .or_insert_with(|| Cluster {
                date: events[i].date.to_string(),
                precision: "day".into(),
                members: Vec::new(),
            })
            .members
            .push(i);
    }
    // Coarser events join the day cluster they cover that they share most with,
    // or else gather by their own value.
    // Day clusters by month, so a coarse event looks only at the days it may cover.
    let mut by_month: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (&key, cluster) in &clusters {
        by_month
            .entry(cluster.date.chars().take(7).collect())
            .or_default()
            .push(key);
    }
    // Each day cluster's parties and words, for scoring coarse events against it.
    let cluster_words: HashMap<usize, BTreeSet<&str>> = clusters
        .iter()
        .map(|(&k, c)| {
            (
                k,
                c.members
                    .iter()
                    .flat_map(|&m| events[m].actors.iter().chain(&events[m].terms).copied())
                    .collect(),
            )
        })
        .collect();
    // Each month's day clusters under every party and word they hold: a
    // coarse event counts what it shares with each cluster from the lists of
    // its own words, instead of comparing itself with every day of the month.
    let mut month_index: HashMap<&str, HashMap<&str, Vec<usize>>> = HashMap::default();
    for (month, keys) in &by_month {
        let index = month_index.entry(month.as_str()).or_default();
        for key in keys {
            for &word in &cluster_words[key] {
                index.entry(word).or_default().push(*key);
            }
        }
    }
    let mut own: HashMap<(&str, &str), HashMap<&str, Vec<usize>>> = HashMap::default();
    let mut shared: HashMap<usize, usize> = HashMap::default();
    for i in (0..n).filter(|&i| events[i].precision != "day") {
        let months: BTreeSet<String> = match events[i].precision {
            "month" => BTreeSet::from([events[i].date.to_string()]),
            // A week spans at most two months.
            "week" => week_start(events[i].date)
                .iter()
                .flat_map(|d| [d.to_string(), (*d + jiff::Span::new().days(6)).to_string()])
                .map(|s| s.chars().take(7).collect())
                .collect(),
            _ => BTreeSet::new(),
        };
        shared.clear();
        for index in months.iter().filter_map(|m| month_index.get(m.as_str())) {
            for word in &events[i].clause {
                for &key in index.get(word).into_iter().flatten() {
                    *shared.entry(key).or_default() += 1;
                }
            }
        }
        // Months and weeks join the day they cover whose reports hold most of
        // their clause's words; not a day only their own sentence gives
        // ("Berlin said Monday the summit was planned for later this month").
        let own_sentence = |key: &usize| {
            clusters[key].members.iter().all(|&m| {
                events[m].doc == events[i].doc && events[m].sentence == events[i].sentence
            })
        };
        let best = shared
            .iter()
            .filter(|&(key, &score)| {
                score >= COARSE_SHARED
                    && covers(events[i].date, &clusters[key].date)
                    && !own_sentence(key)
            })
            .map(|(&key, &score)| (score, key))
            .max();
        match best {
            Some((_, key)) => clusters
                .get_mut(&key)
                .expect("key from the map")
                .members
                .push(i),
            None => {
                // Coarse events of one value whose clauses share key words
                // gather in one cluster.
                let index = own
                    .entry((events[i].date, events[i].precision))
                    .or_default();
                let mut counts: HashMap<usize, usize> = HashMap::default();
                for w in &events[i].clause {
                    for &key in index.get(w).into_iter().flatten() {
                        *counts.entry(key).or_default() += 1;
                    }
                }
                let key = counts
                    .iter()
                    .filter(|&(_, &c)| c >= SAME_DAY_SHARED)
                    .map(|(&key, &c)| (c, std::cmp::Reverse(key)))
                    .max()
                    .map_or(n + i, |(_, std::cmp::Reverse(key))| key);
                for w in &events[i].clause {
                    let keys = index.entry(w).or_default();
                    if !keys.contains(&key) && keys.len() < COMMON_WORD {
                        keys.push(key);
                    }
                }
                clusters
                    .entry(key)
                    .or_insert_with(|| Cluster {
                        date: events[i].date.to_string(),
                        precision: events[i].precision.to_string(),
                        members: Vec::new(),
                    })
                    .members
                    .push(i);
            }
        }
    }
    let key_of: Vec<usize> = clusters.keys().copied().collect();
    let clusters: Vec<Cluster> = clusters.into_values().collect();
    // Disagreements: day clusters a few days apart that share parties and
    // several words, reported by different outlets.
    let mut disagreements: Vec<Vec<String>> = vec![Vec::new(); clusters.len()];
    let mut dated: Vec<(Date, usize)> = clusters
        .iter()
        .enumerate()
        .filter(|(_, c)| c.precision == "day")
        .filter_map(|(k, c)| c.date.parse::<Date>().ok().map(|d| (d, k)))
        .collect();
    dated.sort();
    // Candidate pairs share a word that few clusters use, within the window.
    let mut users: HashMap<&str, Vec<(Date, usize)>> = HashMap::default();
    for &(date, k) in &dated {
        for word in &cluster_words[&key_of[k]] {
            users.entry(word).or_default().push((date, k));
        }
    }
    let mut candidates: BTreeSet<(usize, usize)> = BTreeSet::new();
    for list in users.values().filter(|l| l.len() <= 50) {
        // Each list is in date order, so the window ends at the first later day past it.
        for (x, &(da, a)) in list.iter().enumerate() {
            for &(db, b) in &list[x + 1..] {
                if (db - da).get_days() as i64 > window_days {
                    break;
                }
                if da != db {
                    candidates.insert((a.min(b), a.max(b)));
                }
            }
        }
    }
    for (a, b) in candidates {
        {
            let (ca, cb) = (&clusters[a], &clusters[b]);
            if ca.date == cb.date {
                continue;
            }
            // An outlet that reports both dates reports two events, not one event twice.
            let sources_a: BTreeSet<&str> = ca.members.iter().map(|&m| events[m].source).collect();
            if cb
                .members
                .iter()
                .any(|&m| sources_a.contains(events[m].source))
            {
                continue;
            }
            let strong = ca.members.iter().any(|&x| {
                cb.members.iter().any(|&y| {
                    let (ex, ey) = (&events[x], &events[y]);
                    shared_count(&ex.actors, &ey.actors) >= 2
                        && shared_count(&ex.terms, &ey.terms) >= 3
                })
            });
            if strong {
                let sources = |c: &Cluster| {
                    let s: BTreeSet<&str> = c.members.iter().map(|&m| events[m].source).collect();
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
        let sources: BTreeSet<&str> = members.iter().map(|&m| events[m].source).collect();
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
