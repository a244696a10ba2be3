//! The BABE measurement, shared by `examples/babe.rs` (the printed report)
//! and `tests/babe.rs` (the floor on it). BABE (Spinde et al., Findings of
//! EMNLP 2021) labels news sentences Biased or Non-biased and lists the words
//! its expert annotators marked as biased; the file is theirs and stays out of
//! the repository, so it is read from a path.
//!
//! Every sentence goes through the analyzer's own path: one document per
//! sentence with the outlet as source, annotated by newslens-core, mapped by
//! source-bias, and its `loaded_rows` and `word_counts` read back. Nothing
//! here feeds the lexicon: the measurement only reads.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, Result};
use newslens_core::{AnalyzerSettings, Document, Meta, Value};

/// Outlets with fewer sampled sentences than this stay out of the outlet ranking.
pub const MIN_OUTLET_SENTENCES: usize = 15;

/// One labelled BABE sentence.
pub struct Sentence {
    pub text: String,
    pub outlet: String,
    pub biased: bool,
    /// The annotators' biased words, normalised (see `normalise`), once each.
    pub marked: BTreeSet<String>,
}

/// What the analyzer found in one sentence.
#[derive(Default)]
pub struct Found {
    pub loaded_authorial: usize,
    pub loaded_all: usize,
    pub words_authorial: usize,
    pub words_all: usize,
    /// The loaded words as written, normalised, once each.
    pub terms: BTreeSet<String>,
}

pub struct Loaded {
    pub sentences: Vec<Sentence>,
    /// Records whose label is neither Biased nor Non-biased, or that lack a field.
    pub skipped: usize,
}

/// Reads BABE's semicolon-separated `final_labels_*.csv` (or a sample of it
/// with the same header).
pub fn load(path: &Path) -> Result<Loaded> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .flexible(true)
        .from_path(path)
        .with_context(|| format!("reading {}", path.display()))?;
    let headers = reader.headers()?.clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .with_context(|| format!("{}: no column {name:?}", path.display()))
    };
    let (text, outlet, label, words) = (
        column("text")?,
        column("outlet")?,
        column("label_bias")?,
        column("biased_words")?,
    );
    let mut loaded = Loaded {
        sentences: Vec::new(),
        skipped: 0,
    };
    for record in reader.records() {
        let record = record.with_context(|| format!("reading {}", path.display()))?;
        let field = |i: usize| record.get(i);
        let (Some(t), Some(o), Some(l), Some(w)) =
            (field(text), field(outlet), field(label), field(words))
        else {
            loaded.skipped += 1;
            continue;
        };
        let biased = match l {
            "Biased" => true,
            "Non-biased" => false,
            _ => {
                loaded.skipped += 1;
                continue;
            }
        };
        loaded.sentences.push(Sentence {
            text: t.to_string(),
            outlet: o.to_string(),
            biased,
            marked: python_strings(w)
                .iter()
                .map(|s| normalise(s))
                .filter(|s| !s.is_empty())
                .collect(),
        });
    }
    Ok(loaded)
}

/// The strings of a Python list literal as BABE writes it:
/// `['bizarre', "don't", '"social']`.
fn python_strings(list: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = list.chars();
    while let Some(c) = chars.next() {
        if c != '\'' && c != '"' {
            continue;
        }
        let mut s = String::new();
        while let Some(d) = chars.next() {
            match d {
                '\\' => s.extend(chars.next()),
                d if d == c => break,
                d => s.push(d),
            }
        }
        out.push(s);
    }
    out
}

/// Lower case without the quotes and punctuation annotators sometimes kept
/// around a word (`"social` is `social`).
pub fn normalise(word: &str) -> String {
    word.trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

/// Runs each sentence through source-bias's map.
pub fn analyze(sentences: &[Sentence]) -> Result<Vec<Found>> {
    let analyzer = newslens_source_bias::build(&AnalyzerSettings::for_tests("source-bias"))?;
    let mut found = Vec::with_capacity(sentences.len());
    for (i, s) in sentences.iter().enumerate() {
        let doc = newslens_core::testing::annotate_doc(Document {
            id: format!("babe-{i}"),
            meta: Meta {
                source: s.outlet.clone(),
                ..Meta::default()
            },
            text: s.text.clone(),
        });
        let report = analyzer.map(&doc);
        let mut f = Found::default();
        let loaded = report
            .table("loaded_rows")
            .context("no loaded_rows table")?;
        let chars: Vec<char> = s.text.chars().collect();
        for row in &loaded.rows {
            f.loaded_all += 1;
            if loaded.cell(row, "voice").and_then(Value::as_str) == Some("authorial") {
                f.loaded_authorial += 1;
            }
            let offset = |name| {
                loaded
                    .cell(row, name)
                    .and_then(Value::as_i64)
                    .map_or(0, |v| v as usize)
            };
            let (start, end) = (offset("start"), offset("end").min(chars.len()));
            let written: String = chars[start.min(end)..end].iter().collect();
            f.terms.insert(normalise(&written));
        }
        let words = report
            .table("word_counts")
            .context("no word_counts table")?;
        for row in &words.rows {
            let count = |name| {
                words
                    .cell(row, name)
                    .and_then(Value::as_i64)
                    .map_or(0, |v| v as usize)
            };
            f.words_authorial += count("authorial");
            f.words_all += count("authorial") + count("quoted");
        }
        found.push(f);
    }
    Ok(found)
}

/// Sentence-level agreement of one score with the Biased label.
pub struct SentenceLevel {
    pub auc: f64,
    /// Hanley & McNeil's standard error of the AUC.
    pub auc_se: f64,
    /// Of the sentences with at least one loaded word, the share labelled Biased.
    pub precision: f64,
    /// Of the Biased sentences, the share with at least one loaded word.
    pub recall: f64,
    pub flagged: usize,
}

pub struct OutletRow {
    pub outlet: String,
    pub sentences: usize,
    pub biased_share: f64,
    pub words_authorial: usize,
    pub loaded_authorial: usize,
    pub words_all: usize,
    pub loaded_all: usize,
}

impl OutletRow {
    pub fn rate_authorial(&self) -> f64 {
        1000.0 * self.loaded_authorial as f64 / self.words_authorial.max(1) as f64
    }
    pub fn rate_all(&self) -> f64 {
        1000.0 * self.loaded_all as f64 / self.words_all.max(1) as f64
    }
}

pub struct Correlation {
    pub spearman: f64,
    pub kendall_tau_b: f64,
    /// Two-sided: the share of orderings of the outlets' rates whose Spearman
    /// is at least as far from 0 (all orderings up to 9 outlets, else a fixed
    /// random sample of 200,000).
    pub spearman_p: f64,
}

pub struct Summary {
    pub sentences: usize,
    pub biased: usize,
    pub skipped: usize,
    pub authorial: SentenceLevel,
    pub all_voices: SentenceLevel,
    /// Distinct annotator-marked words per sentence, summed.
    pub marked: usize,
    /// Of those, the ones our lexicon flagged.
    pub marked_flagged: usize,
    /// Distinct loaded words we flagged per sentence, summed.
    pub flagged_terms: usize,
    /// Of those, the ones the annotators marked too.
    pub flagged_marked: usize,
    pub outlets: Vec<OutletRow>,
    pub outlets_authorial: Option<Correlation>,
    pub outlets_all: Option<Correlation>,
}

/// A loaded word and an annotator's word agree when they are the same word or
/// the loaded word is one part of the marked hyphenated word ("anti-police").
fn agree(loaded: &str, marked: &str) -> bool {
    loaded == marked || marked.split('-').any(|part| part == loaded)
}

pub fn summarize(loaded: &Loaded, found: &[Found]) -> Summary {
    let sentences = &loaded.sentences;
    let labels: Vec<bool> = sentences.iter().map(|s| s.biased).collect();
    let level = |score: &dyn Fn(&Found) -> usize| {
        let scores: Vec<f64> = found.iter().map(|f| score(f) as f64).collect();
        let (auc, auc_se) = auc(&scores, &labels);
        let flagged = scores.iter().filter(|&&s| s > 0.0).count();
        let hits = scores
            .iter()
            .zip(&labels)
            .filter(|(&s, &b)| s > 0.0 && b)
            .count();
        let biased = labels.iter().filter(|&&b| b).count();
        SentenceLevel {
            auc,
            auc_se,
            precision: hits as f64 / flagged.max(1) as f64,
            recall: hits as f64 / biased.max(1) as f64,
            flagged,
        }
    };
    let (mut marked, mut marked_flagged, mut flagged_terms, mut flagged_marked) = (0, 0, 0, 0);
    for (s, f) in sentences.iter().zip(found) {
        marked += s.marked.len();
        marked_flagged += s
            .marked
            .iter()
            .filter(|m| f.terms.iter().any(|t| agree(t, m)))
            .count();
        flagged_terms += f.terms.len();
        flagged_marked += f
            .terms
            .iter()
            .filter(|t| s.marked.iter().any(|m| agree(t, m)))
            .count();
    }
    let mut by_outlet: BTreeMap<&str, OutletRow> = BTreeMap::new();
    for (s, f) in sentences.iter().zip(found) {
        let row = by_outlet.entry(&s.outlet).or_insert_with(|| OutletRow {
            outlet: s.outlet.clone(),
            sentences: 0,
            biased_share: 0.0,
            words_authorial: 0,
            loaded_authorial: 0,
            words_all: 0,
            loaded_all: 0,
        });
        row.sentences += 1;
        row.biased_share += f64::from(u8::from(s.biased));
        row.words_authorial += f.words_authorial;
        row.loaded_authorial += f.loaded_authorial;
        row.words_all += f.words_all;
        row.loaded_all += f.loaded_all;
    }
    let mut outlets: Vec<OutletRow> = by_outlet
        .into_values()
        .filter(|r| r.sentences >= MIN_OUTLET_SENTENCES)
        .map(|mut r| {
            r.biased_share /= r.sentences as f64;
            r
        })
        .collect();
    outlets.sort_by(|a, b| b.biased_share.total_cmp(&a.biased_share));
    let human: Vec<f64> = outlets.iter().map(|r| r.biased_share).collect();
    let correlate = |ours: Vec<f64>| (outlets.len() >= 3).then(|| correlation(&human, &ours));
    Summary {
        sentences: sentences.len(),
        biased: labels.iter().filter(|&&b| b).count(),
        skipped: loaded.skipped,
        authorial: level(&|f| f.loaded_authorial),
        all_voices: level(&|f| f.loaded_all),
        marked,
        marked_flagged,
        flagged_terms,
        flagged_marked,
        outlets_authorial: correlate(outlets.iter().map(OutletRow::rate_authorial).collect()),
        outlets_all: correlate(outlets.iter().map(OutletRow::rate_all).collect()),
        outlets,
    }
}

/// Ranks from 1, ties sharing their mean rank.
fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let mean = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            ranks[k] = mean;
        }
        i = j + 1;
    }
    ranks
}

/// The probability that a Biased sentence scores above a Non-biased one, ties
/// counting half (Mann–Whitney from ranks), and its standard error.
fn auc(scores: &[f64], biased: &[bool]) -> (f64, f64) {
    let r = ranks(scores);
    let pos = biased.iter().filter(|&&b| b).count() as f64;
    let neg = biased.len() as f64 - pos;
    if pos == 0.0 || neg == 0.0 {
        return (f64::NAN, f64::NAN);
    }
    let rank_sum: f64 = r
        .iter()
        .zip(biased)
        .filter(|(_, &b)| b)
        .map(|(r, _)| r)
        .sum();
    let a = (rank_sum - pos * (pos + 1.0) / 2.0) / (pos * neg);
    let (q1, q2) = (a / (2.0 - a), 2.0 * a * a / (1.0 + a));
    let var =
        (a * (1.0 - a) + (pos - 1.0) * (q1 - a * a) + (neg - 1.0) * (q2 - a * a)) / (pos * neg);
    (a, var.max(0.0).sqrt())
}

fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    sxy / (sxx * syy).sqrt()
}

fn kendall_tau_b(x: &[f64], y: &[f64]) -> f64 {
    let (mut concordant, mut discordant, mut tied_x, mut tied_y) = (0.0f64, 0.0, 0.0, 0.0);
    for i in 0..x.len() {
        for j in i + 1..x.len() {
            let (dx, dy) = (x[i] - x[j], y[i] - y[j]);
            if dx == 0.0 && dy == 0.0 {
                continue;
            } else if dx == 0.0 {
                tied_x += 1.0;
            } else if dy == 0.0 {
                tied_y += 1.0;
            } else if (dx > 0.0) == (dy > 0.0) {
                concordant += 1.0;
            } else {
                discordant += 1.0;
            }
        }
    }
    let n0 = concordant + discordant;
    (concordant - discordant) / ((n0 + tied_x) * (n0 + tied_y)).sqrt()
}

fn correlation(human: &[f64], ours: &[f64]) -> Correlation {
    let (rh, ro) = (ranks(human), ranks(ours));
    let spearman = pearson(&rh, &ro);
    // The null: any ordering of our rates against the human shares is as likely.
    let mut perm = ro.clone();
    let (mut extreme, mut total) = (0u64, 0u64);
    let mut tally = |p: &[f64]| {
        total += 1;
        if pearson(&rh, p).abs() >= spearman.abs() - 1e-12 {
            extreme += 1;
        }
    };
    if perm.len() <= 9 {
        // Heap's algorithm: every ordering once.
        let n = perm.len();
        let mut c = vec![0usize; n];
        tally(&perm);
        let mut i = 0;
        while i < n {
            if c[i] < i {
                perm.swap(if i % 2 == 0 { 0 } else { c[i] }, i);
                tally(&perm);
                c[i] += 1;
                i = 0;
            } else {
                c[i] = 0;
                i += 1;
            }
        }
    } else {
        // A fixed xorshift stream, so the p-value is the same on every run.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..200_000 {
            for i in (1..perm.len()).rev() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                perm.swap(i, (state % (i as u64 + 1)) as usize);
            }
            tally(&perm);
        }
    }
    Correlation {
        spearman,
        kendall_tau_b: kendall_tau_b(human, ours),
        spearman_p: extreme as f64 / total as f64,
    }
}

/// The report the example prints.
pub fn render(s: &Summary) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    let _ = writeln!(
        out,
        "BABE sentences: {} ({} Biased, {} Non-biased); {} records skipped (other label or missing field)\n",
        s.sentences,
        s.biased,
        s.sentences - s.biased,
        s.skipped
    );
    let _ = writeln!(
        out,
        "1. Sentence level: loaded-word count as a score for Biased"
    );
    let _ = writeln!(
        out,
        "   {:<12} {:>7} {:>7} {:>8} {:>10} {:>8}",
        "voice", "AUC", "±SE", "flagged", "precision", "recall"
    );
    for (name, l) in [("authorial", &s.authorial), ("all voices", &s.all_voices)] {
        let _ = writeln!(
            out,
            "   {:<12} {:>7.3} {:>7.3} {:>8} {:>9.1}% {:>7.1}%",
            name,
            l.auc,
            l.auc_se,
            l.flagged,
            100.0 * l.precision,
            100.0 * l.recall
        );
    }
    let _ = writeln!(
        out,
        "   (flagged = sentences with at least one loaded word; base rate of Biased {:.1}%)\n",
        pct(s.biased, s.sentences)
    );
    let _ = writeln!(
        out,
        "2. Word level (distinct words per sentence, all voices)"
    );
    let _ = writeln!(
        out,
        "   annotators' biased words our lexicon flags: {} of {} ({:.1}%)",
        s.marked_flagged,
        s.marked,
        pct(s.marked_flagged, s.marked)
    );
    let _ = writeln!(
        out,
        "   our loaded words the annotators marked:     {} of {} ({:.1}%)\n",
        s.flagged_marked,
        s.flagged_terms,
        pct(s.flagged_marked, s.flagged_terms)
    );
    let _ = writeln!(
        out,
        "3. Outlet level (outlets with at least {MIN_OUTLET_SENTENCES} sentences, by human share of Biased)"
    );
    let _ = writeln!(
        out,
        "   {:<14} {:>9} {:>8} {:>12} {:>12} {:>12} {:>12}",
        "outlet", "sentences", "Biased", "words (auth)", "loaded/1k", "words (all)", "loaded/1k"
    );
    for r in &s.outlets {
        let _ = writeln!(
            out,
            "   {:<14} {:>9} {:>7.1}% {:>12} {:>12.2} {:>12} {:>12.2}",
            r.outlet,
            r.sentences,
            100.0 * r.biased_share,
            r.words_authorial,
            r.rate_authorial(),
            r.words_all,
            r.rate_all()
        );
    }
    for (name, c) in [
        ("authorial", &s.outlets_authorial),
        ("all voices", &s.outlets_all),
    ] {
        match c {
            Some(c) => {
                let _ = writeln!(
                    out,
                    "   {name}: Spearman {:.3} (two-sided permutation p {:.3}), Kendall tau-b {:.3}, n = {} outlets",
                    c.spearman,
                    c.spearman_p,
                    c.kendall_tau_b,
                    s.outlets.len()
                );
            }
            None => {
                let _ = writeln!(out, "   {name}: fewer than 3 outlets, no correlation");
            }
        }
    }
    out
}
