//! The merge across documents, from the map tables alone: per-outlet
//! labels, voices, attribution, loaded words and tone; shared copy; and the
//! one-screen profile of each outlet.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use newslens_core::{ColumnType, Evidence, Report, Row, Table, Value};

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
            "quote_rows",
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

fn take(mapped: &mut Report, index: usize) -> Table {
    let empty = map_tables()[index].clone();
    mapped.take_table(&empty.name).unwrap_or(empty)
}

fn text(t: &Table, r: &Row, c: &str) -> String {
    // Text cells copy straight across; `to_string` would format them.
    match t.cell(r, c) {
        Some(Value::Text(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

/// Whether a text cell equals `value`, without copying it.
fn is(t: &Table, r: &Row, c: &str, value: &str) -> bool {
    t.cell(r, c).and_then(Value::as_str) == Some(value)
}

fn int(t: &Table, r: &Row, c: &str) -> i64 {
    t.cell(r, c).and_then(Value::as_i64).unwrap_or(0)
}

/// Grouping keys: (source, actor or term, …, voice).
type Key3 = (String, String, String);
type Key4 = (String, String, String, String);

#[derive(Default)]
struct Count {
    n: i64,
    evidence: Vec<Evidence>,
}

pub fn reduce(mut mapped: Report, min_shared: usize) -> Report {
    let label_rows = take(&mut mapped, 0);
    let quote_rows = take(&mut mapped, 1);
    let attribution_rows = take(&mut mapped, 2);
    let loaded_rows = take(&mut mapped, 3);
    let word_counts = take(&mut mapped, 4);
    let tone_rows = take(&mut mapped, 5);
    let shingle_rows = take(&mut mapped, 6);
    use ColumnType::*;

    // Labels per outlet, actor, label and voice, with the first place each was used.
    let mut labels: BTreeMap<(String, String, String, String), Count> = BTreeMap::new();
    let mut first: HashMap<Key4, (String, i64, i64)> = HashMap::new();
    for r in &label_rows.rows {
        let key = (
            text(&label_rows, r, "source"),
            text(&label_rows, r, "actor"),
            text(&label_rows, r, "label"),
            text(&label_rows, r, "voice"),
        );
        first.entry(key.clone()).or_insert((
            text(&label_rows, r, "doc"),
            int(&label_rows, r, "start"),
            int(&label_rows, r, "end"),
        ));
        let c = labels.entry(key).or_default();
        c.n += 1;
        c.evidence.extend(r.evidence.iter().cloned());
    }
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
    for (key, c) in labels {
        let (doc, start, end) = first[&key].clone();
        let (source, actor, label, voice) = key;
        let mut row = Row::new(vec![
            source.into(),
            actor.into(),
            label.into(),
            voice.into(),
            c.n.into(),
            doc.into(),
            start.into(),
            end.into(),
        ]);
        row.evidence = c.evidence;
        labels_table.push(row);
    }

    // Quotes, and voices: each side's share of an outlet's quotes and quoted words.
    let mut quotes = Table::new(
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
    );
    let mut voices: BTreeMap<(String, String), (i64, i64, Vec<Evidence>)> = BTreeMap::new();
    let mut totals: BTreeMap<String, (i64, i64, i64)> = BTreeMap::new();
    // Each outlet's quotes, for the profile's evidence.
    let mut quote_evidence_by: HashMap<String, Vec<Evidence>> = HashMap::new();
    for r in &quote_rows.rows {
        if let Some(e) = r.evidence.first() {
            quote_evidence_by
                .entry(text(&quote_rows, r, "source"))
                .or_default()
                .push(e.clone());
        }
        let source = text(&quote_rows, r, "source");
        let words = int(&quote_rows, r, "words");
        let e = voices
            .entry((source.clone(), text(&quote_rows, r, "side")))
            .or_default();
        e.0 += 1;
        e.1 += words;
        e.2.extend(r.evidence.iter().take(1).cloned());
        let t = totals.entry(source).or_default();
        t.0 += 1;
        t.1 += words;
        t.2 += i64::from(quote_rows.cell(r, "named") == Some(&Value::Bool(true)));
    }
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
    for ((source, side), (n, words, evidence)) in voices {
        let (total_quotes, total_words, _) = totals[&source];
        let mut row = Row::new(vec![
            source.into(),
            side.into(),
            n.into(),
            words.into(),
            (n as f64 / total_quotes.max(1) as f64).into(),
            (words as f64 / total_words.max(1) as f64).into(),
        ]);
        row.evidence = evidence;
        voices_table.push(row);
    }

    // Attribution verbs and hedges.
    let mut attribution: BTreeMap<(String, String, String, String), Count> = BTreeMap::new();
    for r in &attribution_rows.rows {
        let key = (
            text(&attribution_rows, r, "source"),
            text(&attribution_rows, r, "side"),
            text(&attribution_rows, r, "class"),
            text(&attribution_rows, r, "term"),
        );
        let c = attribution.entry(key).or_default();
        c.n += 1;
        c.evidence.extend(r.evidence.iter().cloned());
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
    for ((source, side, class, term), c) in attribution {
        let mut row = Row::new(vec![
            source.into(),
            side.into(),
            class.into(),
            term.into(),
            c.n.into(),
        ]);
        row.evidence = c.evidence;
        attribution_table.push(row);
    }

    // Loaded words per 1,000 words of the same voice.
    let mut words_by: BTreeMap<(String, String), i64> = BTreeMap::new();
    for r in &word_counts.rows {
        let source = text(&word_counts, r, "source");
        *words_by
            .entry((source.clone(), "authorial".into()))
            .or_default() += int(&word_counts, r, "authorial");
        *words_by.entry((source, "quoted".into())).or_default() += int(&word_counts, r, "quoted");
    }
    let mut loaded: BTreeMap<(String, String, String), Count> = BTreeMap::new();
    for r in &loaded_rows.rows {
        let key = (
            text(&loaded_rows, r, "source"),
            text(&loaded_rows, r, "term"),
            text(&loaded_rows, r, "voice"),
        );
        let c = loaded.entry(key).or_default();
        c.n += 1;
        c.evidence.extend(r.evidence.iter().cloned());
    }
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
    let mut loaded_totals: BTreeMap<(String, String), (i64, Vec<Evidence>)> = BTreeMap::new();
    for ((source, term, voice), c) in loaded {
        let words = words_by
            .get(&(source.clone(), voice.clone()))
            .copied()
            .unwrap_or(0);
        let t = loaded_totals
            .entry((source.clone(), voice.clone()))
            .or_default();
        t.0 += c.n;
        t.1.extend(c.evidence.iter().cloned());
        let mut row = Row::new(vec![
            source.into(),
            term.into(),
            voice.into(),
            c.n.into(),
            (1000.0 * c.n as f64 / words.max(1) as f64).into(),
        ]);
        row.evidence = c.evidence;
        loaded_table.push(row);
    }

    // Tone toward each party, per outlet and voice.
    let mut tone: BTreeMap<Key3, (i64, f64, Vec<Evidence>)> = BTreeMap::new();
    for r in &tone_rows.rows {
        let key = (
            text(&tone_rows, r, "source"),
            text(&tone_rows, r, "actor"),
            text(&tone_rows, r, "voice"),
        );
        let e = tone.entry(key).or_default();
        e.0 += 1;
        e.1 += tone_rows
            .cell(r, "compound")
            .and_then(Value::as_f64)
            .unwrap_or(0.0);
        e.2.extend(r.evidence.iter().cloned());
    }
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
    for ((source, actor, voice), (n, sum, evidence)) in &tone {
        let mut row = Row::new(vec![
            source.clone().into(),
            actor.clone().into(),
            voice.clone().into(),
            (*n).into(),
            (sum / *n as f64).into(),
        ]);
        row.evidence = evidence.clone();
        tone_table.push(row);
    }

    let shared = shared_copy(&shingle_rows, min_shared);

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
    let sources: BTreeSet<String> = word_counts
        .rows
        .iter()
        .map(|r| text(&word_counts, r, "source"))
        .collect();
    for source in &sources {
        let mut push = |dimension: &str, value: String, n: i64, evidence: Vec<Evidence>| {
            let mut row = Row::new(vec![
                source.clone().into(),
                dimension.into(),
                value.into(),
                n.into(),
            ]);
            row.evidence = evidence;
            profile.push(row);
        };
        let (quotes_n, quoted_words, named) = totals.get(source).copied().unwrap_or_default();
        let quote_evidence = quote_evidence_by.remove(source).unwrap_or_default();
        push(
            "quotes",
            format!("{quotes_n} quotes, {quoted_words} quoted words, {named} from named sources"),
            quotes_n,
            quote_evidence,
        );
        let sides: Vec<String> = voices_table
            .rows
            .iter()
            .filter(|r| is(&voices_table, r, "source", source))
            .map(|r| {
                format!(
                    "{} {:.0}%",
                    text(&voices_table, r, "side"),
                    100.0
                        * voices_table
                            .cell(r, "word_share")
                            .and_then(Value::as_f64)
                            .unwrap_or(0.0)
                )
            })
            .collect();
        push(
            "quoted words by side",
            sides.join(", "),
            quotes_n,
            Vec::new(),
        );
        for voice in ["authorial", "quoted"] {
            let words = words_by
                .get(&(source.clone(), voice.to_string()))
                .copied()
                .unwrap_or(0);
            let (n, evidence) = loaded_totals
                .get(&(source.clone(), voice.to_string()))
                .cloned()
                .unwrap_or_default();
            let mut top: Vec<(i64, String)> = loaded_table
                .rows
                .iter()
                .filter(|r| {
                    is(&loaded_table, r, "source", source) && is(&loaded_table, r, "voice", voice)
                })
                .map(|r| {
                    (
                        int(&loaded_table, r, "count"),
                        text(&loaded_table, r, "term"),
                    )
                })
                .collect();
            top.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            let top: Vec<String> = top
                .iter()
                .take(5)
                .map(|(c, t)| format!("{t} {c}"))
                .collect();
            push(
                &format!("loaded words, {voice}"),
                format!(
                    "{:.1} per 1,000 words ({})",
                    1000.0 * n as f64 / words.max(1) as f64,
                    top.join(", ")
                ),
                n,
                evidence,
            );
        }
        let mut verbs: BTreeMap<String, (i64, Vec<Evidence>)> = BTreeMap::new();
        for r in attribution_table.rows.iter().filter(|r| {
            is(&attribution_table, r, "source", source)
                && !is(&attribution_table, r, "class", "neutral")
        }) {
            let e = verbs
                .entry(text(&attribution_table, r, "term"))
                .or_default();
            e.0 += int(&attribution_table, r, "count");
            e.1.extend(r.evidence.iter().cloned());
        }
        push(
            "loaded verbs and hedges",
            verbs
                .iter()
                .map(|(term, (n, _))| format!("{term} {n}"))
                .collect::<Vec<_>>()
                .join(", "),
            verbs.values().map(|v| v.0).sum(),
            verbs.into_values().flat_map(|v| v.1).collect(),
        );
        let mut tones: Vec<(i64, String, Vec<Evidence>)> = tone
            .iter()
            .filter(|((s, _, voice), _)| s == source && voice == "authorial")
            .map(|((_, actor, _), (n, sum, e))| {
                (*n, format!("{actor} {:+.2}", sum / *n as f64), e.clone())
            })
            .collect();
        tones.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        tones.truncate(4);
        push(
            "tone toward parties, authorial",
            tones
                .iter()
                .map(|t| t.1.clone())
                .collect::<Vec<_>>()
                .join(", "),
            tones.iter().map(|t| t.0).sum(),
            tones.into_iter().flat_map(|t| t.2).collect(),
        );
        let mut shares: BTreeMap<String, (i64, Vec<Evidence>)> = BTreeMap::new();
        for r in &shared.rows {
            let (a, b) = (text(&shared, r, "source_a"), text(&shared, r, "source_b"));
            let other = match (&a == source, &b == source) {
                (true, _) => b,
                (_, true) => a,
                _ => continue,
            };
            let e = shares.entry(other).or_default();
            e.0 += int(&shared, r, "words");
            e.1.extend(r.evidence.iter().cloned());
        }
        push(
            "shared copy",
            if shares.is_empty() {
                "none found".to_string()
            } else {
                shares
                    .iter()
                    .map(|(other, (n, _))| format!("{n} words with {other}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            shares.values().map(|v| v.0).sum(),
            shares.into_values().flat_map(|v| v.1).collect(),
        );
    }

    quotes.rows = quote_rows.rows;
    Report {
        tables: vec![
            labels_table,
            quotes,
            voices_table,
            attribution_table,
            loaded_table,
            tone_table,
            shared,
            profile,
        ],
        notes: mapped.notes,
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

/// A text cell by column index, "" when absent.
fn cell_str(r: &Row, at: Option<usize>) -> &str {
    at.and_then(|i| r.cells.get(i))
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// Sentences of two outlets' documents that share `min_shared` sampled
/// shingles: grouped by hash, so the work grows with the corpus, not its square.
fn shared_copy(shingles: &Table, min_shared: usize) -> Table {
    use ColumnType::*;
    let column = |name: &str| shingles.column_index(name);
    let (doc_at, hashes_at) = (column("doc"), column("hashes"));
    // Every (hash, sentence) pair, grouped by hash with one counting pass
    // over the hashes' top bits (the hashes are uniform), then a sort of
    // each small bucket: linear in the number of shingles.
    let mut pairs_by_hash: Vec<(u64, u32)> = Vec::new();
    for (i, r) in shingles.rows.iter().enumerate() {
        for h in cell_str(r, hashes_at).split(' ') {
            if let Ok(h) = u64::from_str_radix(h, 16) {
                pairs_by_hash.push((h, i as u32));
            }
        }
    }
    let grouped = group_by_hash(pairs_by_hash);
    let mut pair_counts: crate::FastMap<(u32, u32), usize> = crate::FastMap::default();
    for rows in grouped.chunk_by(|a, b| a.0 == b.0) {
        // A shingle in very many sentences is boilerplate, not shared copy.
        if rows.len() < 2 || rows.len() > 50 {
            continue;
        }
        for (x, &(_, a)) in rows.iter().enumerate() {
            let doc_a = cell_str(&shingles.rows[a as usize], doc_at);
            for &(_, b) in &rows[x + 1..] {
                if doc_a != cell_str(&shingles.rows[b as usize], doc_at) {
                    *pair_counts.entry((a.min(b), a.max(b))).or_default() += 1;
                }
            }
        }
    }
    // One row per shared passage (a sentence of doc_a and its copy in doc_b).
    let mut pairs: Vec<((u32, u32), usize)> = pair_counts
        .into_iter()
        .filter(|&(_, n)| n >= min_shared)
        .collect();
    pairs.sort_unstable();
    let mut rows: Vec<((String, String, i64), Row)> = Vec::new();
    for ((a, b), _) in pairs {
        let (ra, rb) = (&shingles.rows[a as usize], &shingles.rows[b as usize]);
        let (first, second) = if cell_str(ra, doc_at) <= cell_str(rb, doc_at) {
            (ra, rb)
        } else {
            (rb, ra)
        };
        let mut row = Row::new(vec![
            text(shingles, first, "doc").into(),
            text(shingles, second, "doc").into(),
            text(shingles, first, "source").into(),
            text(shingles, second, "source").into(),
            int(shingles, first, "words").into(),
            text(shingles, first, "text").into(),
        ]);
        row.evidence = first
            .evidence
            .iter()
            .chain(&second.evidence)
            .cloned()
            .collect();
        rows.push((
            (
                text(shingles, first, "doc"),
                text(shingles, second, "doc"),
                int(shingles, first, "sentence"),
            ),
            row,
        ));
    }
    rows.sort_by(|x, y| x.0.cmp(&y.0));
    let mut table = Table::new(
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
    for (_, row) in rows {
        table.push(row);
    }
    table
}
