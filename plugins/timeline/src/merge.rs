//! The merged timeline, from the `events` table alone: reports of one event
//! (same date within precision, a shared party or key word) joined across
//! outlets, with the date each outlet wrote, and a flag where outlets put
//! what looks like one event on different days.
//!
//! [`Merge`] folds the events table one row at a time into a few interned
//! fields per event, so a batch reduce holds neither the table nor its rows.
//! An event's word ids and its two texts live in arenas shared by all events
//! (one allocation for the corpus, not six per event), and
//! [`Merge::finish_into`] gives the timeline a row at a time, building each
//! row only when it is written. Summaries, read back only to break ties in
//! the merge's order and for the one a row prints, go to a temporary file
//! once they pass a few megabytes.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::events::FastMap as HashMap;

use anyhow::Result;
use jiff::civil::Date;
use newslens_core::analyzer::{ReportSink, TableSink};
use newslens_core::{ColumnType, Evidence, Row, Table, Value};

/// Strings seen many times (outlets, documents, dates, words), stored once:
/// the map and the list share each name's one allocation.
#[derive(Default)]
struct Interner {
    ids: HashMap<Arc<str>, u32>,
    names: Vec<Arc<str>>,
}

impl Interner {
    fn id(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = self.names.len() as u32;
        let name: Arc<str> = name.into();
        self.names.push(Arc::clone(&name));
        self.ids.insert(name, id);
        id
    }

    fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }
}

/// Summaries held in memory before they are written to a temporary file.
const SPILL_AT: usize = 1 << 20;

/// Every event's summary, one after another: the first [`SPILL_AT`] bytes
/// and the latest in memory, the rest in a temporary file. Should the file
/// fail to write, the summaries stay in memory.
struct Summaries {
    memory: String,
    /// The bytes in the file, which come before `memory`.
    flushed: usize,
    file: Option<File>,
    /// The file's path while it has one to remove (on Unix it is removed
    /// as soon as it is open).
    path: Option<PathBuf>,
    failed: bool,
    spill_at: usize,
}

impl Default for Summaries {
    fn default() -> Summaries {
        Summaries::spilling_at(SPILL_AT)
    }
}

impl Summaries {
    fn spilling_at(spill_at: usize) -> Summaries {
        Summaries {
            memory: String::new(),
            flushed: 0,
            file: None,
            path: None,
            failed: false,
            spill_at,
        }
    }

    /// Adds a summary and gives where it starts.
    fn push(&mut self, summary: &str) -> usize {
        let at = self.flushed + self.memory.len();
        self.memory.push_str(summary);
        if self.memory.len() >= self.spill_at && !self.failed && self.flush().is_err() {
            self.failed = true;
        }
        at
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let file = match &mut self.file {
            Some(file) => file,
            None => {
                static FILES: AtomicUsize = AtomicUsize::new(0);
                let path = std::env::temp_dir().join(format!(
                    "newslens-timeline-{}-{}.summaries",
                    std::process::id(),
                    FILES.fetch_add(1, Ordering::Relaxed)
                ));
                let file = File::options()
                    .read(true)
                    .write(true)
                    .create_new(true)
                    .open(&path)?;
                // Unix keeps an open file whose name is gone, so a killed
                // run leaves nothing behind.
                if !(cfg!(unix) && std::fs::remove_file(&path).is_ok()) {
                    self.path = Some(path);
                }
                self.file.insert(file)
            }
        };
        file.write_all(self.memory.as_bytes())?;
        self.flushed += self.memory.len();
        self.memory.clear();
        Ok(())
    }

    fn read(&self, e: &Event) -> std::io::Result<Cow<'_, str>> {
        let (at, len) = (e.summary_at, e.summary_len as usize);
        if at >= self.flushed {
            let start = at - self.flushed;
            return Ok(Cow::Borrowed(&self.memory[start..start + len]));
        }
        let mut file = self.file.as_ref().ok_or_else(|| {
            std::io::Error::other("a summary before the first one in memory, with no file")
        })?;
        file.seek(SeekFrom::Start(at as u64))?;
        let mut bytes = vec![0; len];
        file.read_exact(&mut bytes)?;
        String::from_utf8(bytes)
            .map(Cow::Owned)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
    }
}

impl Drop for Summaries {
    fn drop(&mut self) {
        if let Some(path) = &self.path {
            // Nothing to do when it fails: the file is in the temporary directory.
            let _ = std::fs::remove_file(path);
        }
    }
}

/// The `evidence_doc` of an event whose row has no evidence.
const NO_EVIDENCE: u32 = u32::MAX;

/// What the merge needs of one row of the events table: ids and places in
/// [`Merge`]'s arenas, no allocation of its own. Word lists are interned,
/// sorted by id and without repeats.
#[derive(Clone, Copy)]
struct Event {
    source: u32,
    doc: u32,
    date: u32,
    precision: u32,
    /// The document of the row's first evidence span, or [`NO_EVIDENCE`].
    evidence_doc: u32,
    /// The lengths of the sentence's terms and the parties. In
    /// `Merge::words` from `words` on come the terms, then two masks over
    /// them (a bit a term, 32 a word): the key words of the clause the
    /// summary gives, not of the whole sentence (what tells apart two
    /// events one sentence dates), and the clause's names and figures (what
    /// one event's reports share and reports of one topic need not); then
    /// the parties. Both clause lists are terms, so a mask holds them in a
    /// bit a word instead of an id.
    lens: [u32; 2],
    written_len: u32,
    summary_len: u32,
    /// The event's place, by summary and then written date, among the
    /// events of its sentence with its source, document and date (0 for
    /// one alone), once `finish` has sorted them.
    within: u32,
    /// The sentence's character offset in its document.
    sentence: i64,
    words: usize,
    /// Where `written` starts in `Merge::text`.
    text: usize,
    /// Where the summary starts in `Merge::summaries`. Rows are appended,
    /// so this is also the order they came in.
    summary_at: usize,
    /// The first evidence span's start and end.
    evidence: (usize, usize),
}

impl Event {
    /// How many `u32` words each mask takes.
    fn mask_len(&self) -> usize {
        (self.lens[0] as usize).div_ceil(32)
    }

    fn terms<'a>(&self, words: &'a [u32]) -> &'a [u32] {
        &words[self.words..self.words + self.lens[0] as usize]
    }

    /// The terms a mask (0: the clause's, 1: its names) has a bit for.
    fn masked<'a>(&self, words: &'a [u32], which: usize) -> impl Iterator<Item = u32> + 'a {
        let start = self.words + self.lens[0] as usize + which * self.mask_len();
        let mask = &words[start..start + self.mask_len()];
        self.terms(words)
            .iter()
            .enumerate()
            .filter(move |&(k, _)| mask[k / 32] >> (k % 32) & 1 == 1)
            .map(|(_, &id)| id)
    }

    fn clause<'a>(&self, words: &'a [u32]) -> impl Iterator<Item = u32> + 'a {
        self.masked(words, 0)
    }

    fn named<'a>(&self, words: &'a [u32]) -> impl Iterator<Item = u32> + 'a {
        self.masked(words, 1)
    }

    fn actors<'a>(&self, words: &'a [u32]) -> &'a [u32] {
        let start = self.words + self.lens[0] as usize + 2 * self.mask_len();
        &words[start..start + self.lens[1] as usize]
    }

    fn written<'a>(&self, text: &'a str) -> &'a str {
        &text[self.text..self.text + self.written_len as usize]
    }
}

/// A cell's text cut, at a character boundary, to what an event's `u32`
/// lengths hold; no real cell comes near 4 GB, but no text may panic.
fn clip(text: &str) -> &str {
    let mut end = text.len().min(u32::MAX as usize);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Appends a word list (cut to what a `u32` length holds) and gives its length.
fn push_list(words: &mut Vec<u32>, list: &[u32]) -> u32 {
    let list = &list[..list.len().min(u32::MAX as usize)];
    words.extend_from_slice(list);
    list.len() as u32
}

/// Appends a mask over `terms` with a bit for each of `subset`'s words
/// (sorted, as `terms` is, and all in it).
fn push_mask(words: &mut Vec<u32>, terms: &[u32], subset: &[u32]) {
    let start = words.len();
    words.resize(start + terms.len().div_ceil(32), 0);
    let mut k = 0;
    for id in subset {
        // Both are sorted: each of the subset's words is found after the last.
        while k < terms.len() && terms[k] < *id {
            k += 1;
        }
        if terms.get(k) == Some(id) {
            words[start + k / 32] |= 1 << (k % 32);
        }
    }
}

/// Each source's, document's and date's place in the order of their names:
/// sorting by it sorts as by the names, with numbers to compare instead.
fn name_ranks(strings: &Interner, events: &[Event]) -> Vec<u32> {
    let mut ids: Vec<u32> = events
        .iter()
        .flat_map(|e| [e.source, e.doc, e.date])
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.sort_unstable_by(|&a, &b| strings.name(a).cmp(strings.name(b)));
    let mut rank = vec![u32::MAX; strings.names.len()];
    for (place, &id) in ids.iter().enumerate() {
        rank[id as usize] = place as u32;
    }
    rank
}

/// Counts kept per small index (a group's, or a day cluster's first event):
/// the merge adds to them many times per report, and a vector indexed
/// directly does that cheaper than a hash map. Every key is changed from
/// its default when it is first reached, so `touched` lists each once.
struct Tally<T> {
    counts: Vec<T>,
    touched: Vec<usize>,
}

impl<T: Default + Clone + PartialEq> Tally<T> {
    fn new() -> Tally<T> {
        Tally {
            counts: Vec::new(),
            touched: Vec::new(),
        }
    }

    fn entry(&mut self, key: usize) -> &mut T {
        if key >= self.counts.len() {
            self.counts.resize(key + 1, T::default());
        }
        if self.counts[key] == T::default() {
            self.touched.push(key);
        }
        &mut self.counts[key]
    }

    /// The count of `key` (the default when never reached).
    fn get(&self, key: usize) -> T {
        self.counts.get(key).cloned().unwrap_or_default()
    }

    /// The keys reached since the last clear, with their counts.
    fn iter(&self) -> impl Iterator<Item = (usize, &T)> + '_ {
        self.touched.iter().map(|&key| (key, &self.counts[key]))
    }

    fn clear(&mut self) {
        for &key in &self.touched {
            self.counts[key] = T::default();
        }
        self.touched.clear();
    }
}

/// The words of a list cell, sorted, without repeats.
fn sorted_words(text: &str, separator: char) -> Vec<&str> {
    let mut words: Vec<&str> = text.split(separator).filter(|s| !s.is_empty()).collect();
    // The events table writes its lists sorted: checking is cheaper than sorting.
    if !words.is_sorted() {
        words.sort_unstable();
    }
    words.dedup();
    words
}

/// How many words two sorted lists share.
fn shared_count(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
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
/// A word that more day clusters hold than this pairs none of them as one
/// event dated differently.
const RARE_CLUSTERS: usize = 50;
/// Reports that share no name or figure are still one event when they share
/// this many rare words: outlets name one party differently ("EU foreign
/// ministers agreed to launch" and "European Union foreign affairs ministers
/// agreed to launch").
const UNNAMED_RARE: usize = 5;

/// The clause's key words: the sentence's terms that the summary holds, found
/// with the shared tokenizer; and among them its names (capitalised words)
/// and figures ("#14.7"). Figures join the clause's words, as the sentence's
/// terms hold none.
/// Neither list is sorted nor free of repeats: the caller's ids are.
fn clause_terms(summary: &str, terms: &[&str]) -> (Vec<ClauseWord>, Vec<ClauseWord>) {
    let mut word = String::new();
    let (mut out, mut named) = (Vec::new(), Vec::new());
    let (mut position, mut first) = (0, None);
    for token in newslens_core::text::tokens::tokenize(summary) {
        let text = &summary[token.span.range()];
        match token.kind {
            newslens_core::text::TokenKind::Number => {
                let figure: String = text.chars().filter(|&c| c != ',').collect();
                // One-digit counts ("2 people") are too common to name an event.
                if figure.chars().filter(char::is_ascii_digit).count() >= 2 {
                    let key = format!("#{figure}");
                    out.push(ClauseWord::Figure(key.clone()));
                    named.push(ClauseWord::Figure(key));
                }
            }
            newslens_core::text::TokenKind::Word => {
                word.clear();
                if text.is_ascii() {
                    // Most words: no character to look up in Unicode's tables.
                    word.extend(
                        text.bytes()
                            .filter(|&b| b != b'-')
                            .map(|b| char::from(b.to_ascii_lowercase())),
                    );
                } else {
                    for c in text.chars() {
                        if !matches!(c, '-' | '\u{2010}' | '\u{2011}') {
                            word.extend(c.to_lowercase());
                        }
                    }
                }
                let capital = text.chars().next().is_some_and(char::is_uppercase);
                let term = terms.binary_search(&word.as_str()).ok();
                if let Some(term) = term {
                    out.push(ClauseWord::Term(term));
                }
                match position {
                    // A capital on the clause's first word may be the
                    // sentence's ("State testing sites were closed"); a name
                    // when the next word is capitalised too ("Russian Foreign
                    // Minister Sergei Lavrov told").
                    0 => first = term.filter(|_| capital),
                    1 if capital => named.extend(first.take().map(ClauseWord::Term)),
                    _ => {}
                }
                if position > 0 && capital {
                    named.extend(term.map(ClauseWord::Term));
                }
                position += 1;
            }
            _ => {}
        }
    }
    (out, named)
}

/// A key word of a clause: one of its sentence's terms, by its index in
/// them, or a figure ("#14.7").
enum ClauseWord {
    Term(usize),
    Figure(String),
}

/// Events of one sentence, source, document and date, sorted by the order
/// they came in: puts them in order of written date, summary and arrival,
/// and sets each one's `within`, its place by summary, written date and
/// that new position, which is how a day's grouping takes them.
fn order_ties(run: &mut [Event], text: &str, summaries: &Summaries) -> Result<()> {
    let events: Vec<Event> = run.to_vec();
    let texts: Vec<Cow<'_, str>> = events
        .iter()
        .map(|e| summaries.read(e))
        .collect::<std::io::Result<_>>()?;
    let key = |k: usize| (events[k].written(text), &texts[k]);
    let mut order: Vec<usize> = (0..events.len()).collect();
    order.sort_by(|&a, &b| {
        key(a)
            .cmp(&key(b))
            .then(events[a].summary_at.cmp(&events[b].summary_at))
    });
    let mut places: Vec<usize> = (0..order.len()).collect();
    places.sort_by(|&a, &b| {
        let (x, y) = (order[a], order[b]);
        (&texts[x], events[x].written(text), a).cmp(&(&texts[y], events[y].written(text), b))
    });
    for (slot, &k) in run.iter_mut().zip(&order) {
        *slot = events[k];
    }
    for (within, &place) in places.iter().enumerate() {
        run[place].within = within as u32;
    }
    Ok(())
}

/// The clusters under `word` in a month's sorted (word, cluster) pairs.
fn clusters_with(pairs: &[(u32, u32)], word: u32) -> impl Iterator<Item = usize> + '_ {
    let start = pairs.partition_point(|&(w, _)| w < word);
    let end = start + pairs[start..].partition_point(|&(w, _)| w == word);
    pairs[start..end].iter().map(|&(_, key)| key as usize)
}

/// Where a day cluster's words are: an event's terms (a cluster of that
/// event alone), or a range of the gathered clusters' words.
#[derive(Clone, Copy)]
enum WordSpan {
    Terms(usize),
    Gathered(usize, usize),
}

struct Cluster {
    /// Interned, as is `precision`.
    date: u32,
    /// `date` read as a day, for day clusters: coarse events test many
    /// days each.
    day: Option<Date>,
    precision: u32,
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

/// The Monday of an ISO week value ("2020-W02", "2020-W02-WE").
fn week_start(value: &str) -> Option<Date> {
    let (year, week) = value.split_once("-W")?;
    let week: i8 = week.trim_end_matches("-WE").parse().ok()?;
    jiff::civil::ISOWeekDate::new(year.parse().ok()?, week, jiff::civil::Weekday::Monday)
        .ok()
        .map(|w| w.date())
}

/// Does a coarse value ("2020-01", "2020-W02", "2020") cover a day ("2020-01-13"),
/// which is `date` when it reads as one?
fn covers(coarse: &str, day: &str, date: Option<Date>) -> bool {
    let Some(date) = date else {
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

/// The merged timeline of an events table held in memory.
pub fn timeline(events_table: &Table, window_days: i64) -> Table {
    let mut merge = Merge::default();
    for row in &events_table.rows {
        merge.add(events_table, row);
    }
    merge.finish(window_days)
}

/// The merge's state: each event's interned fields, added row by row.
#[derive(Default)]
pub struct Merge {
    strings: Interner,
    events: Vec<Event>,
    /// Every event's word lists, one after another.
    words: Vec<u32>,
    /// Every event's written date, one after another.
    text: String,
    summaries: Summaries,
}

/// A day's reports join one group when they share this many of the group's
/// core words; a word is in a group's core when half its reports or more hold it.
struct Group {
    members: Vec<usize>,
    /// How many members hold each word.
    holders: HashMap<u32, u32>,
}

impl Group {
    /// Is the word held by at least half the group's reports?
    fn core_count(&self, word: u32) -> Option<u32> {
        let held = *self.holders.get(&word)?;
        (held as usize * 2 >= self.members.len()).then_some(held)
    }
}

/// The first seven characters of a date value: its month, for a day.
fn month_of(date: &str) -> &str {
    match date.char_indices().nth(7) {
        Some((end, _)) => &date[..end],
        None => date,
    }
}

/// What the timeline's rows are built from once the events are merged:
/// names, events and their texts, read-only.
#[derive(Clone, Copy)]
struct Rows<'a> {
    strings: &'a Interner,
    events: &'a [Event],
    text: &'a str,
}

impl<'a> Rows<'a> {
    /// One member's report, `Source: "written" (doc)`, in pieces.
    fn report(self, m: usize) -> [&'a str; 6] {
        let e = &self.events[m];
        [
            self.strings.name(e.source),
            ": \"",
            e.written(self.text),
            "\" (",
            self.strings.name(e.doc),
            ")",
        ]
    }

    fn same_report(self, a: usize, b: usize) -> bool {
        let bytes = |m| self.report(m).into_iter().flat_map(str::bytes);
        bytes(a).eq(bytes(b))
    }

    /// The members whose report differs from the one before: the reports
    /// cell lists each run of repeats once.
    fn reports(self, members: &'a [usize]) -> impl Iterator<Item = usize> + 'a {
        members
            .iter()
            .enumerate()
            .filter(move |&(k, &m)| k == 0 || !self.same_report(members[k - 1], m))
            .map(|(_, &m)| m)
    }

    /// The key the rows are sorted by, the date and the reports apart by
    /// "|", in pieces: comparing it piece by piece sorts as the joined text
    /// would, without building it for every row at once.
    fn key(self, cluster: &'a Cluster) -> impl Iterator<Item = u8> + 'a {
        let reports = self
            .reports(&cluster.members)
            .enumerate()
            .flat_map(move |(k, m)| {
                let apart = if k > 0 { "|" } else { "" };
                std::iter::once(apart).chain(self.report(m))
            });
        [self.strings.name(cluster.date), "|"]
            .into_iter()
            .chain(reports)
            .flat_map(str::bytes)
    }
}

impl Merge {
    /// One row of the events table (columns found by name).
    pub fn add(&mut self, table: &Table, row: &Row) {
        let cell = |name: &str| match table.cell(row, name) {
            Some(Value::Text(s)) => s.as_str(),
            _ => "",
        };
        let strings = &mut self.strings;
        let terms = sorted_words(cell("terms"), ' ');
        let (clause, named) = clause_terms(cell("summary"), &terms);
        // The clause's words are interned once, as terms; figures apart.
        let term_ids: Vec<u32> = terms.iter().map(|w| strings.id(w)).collect();
        let mut id_of = |word: &ClauseWord| match word {
            ClauseWord::Term(k) => term_ids[*k],
            ClauseWord::Figure(figure) => strings.id(figure),
        };
        let sorted = |mut ids: Vec<u32>| {
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        let clause_ids: Vec<u32> = clause.iter().map(&mut id_of).collect();
        let named = sorted(named.iter().map(&mut id_of).collect());
        let figures = clause
            .iter()
            .zip(&clause_ids)
            .filter(|(word, _)| matches!(word, ClauseWord::Figure(_)))
            .map(|(_, &id)| id);
        let terms = sorted(term_ids.iter().copied().chain(figures).collect());
        let clause = sorted(clause_ids);
        let actors = sorted(
            sorted_words(cell("actors"), ',')
                .into_iter()
                .map(|w| strings.id(w))
                .collect(),
        );
        let (evidence_doc, evidence) = match row.evidence.first() {
            Some(e) => (strings.id(&e.doc), (e.start, e.end)),
            None => (NO_EVIDENCE, (0, 0)),
        };
        let (source, doc) = (strings.id(cell("source")), strings.id(cell("doc")));
        let (date, precision) = (strings.id(cell("date")), strings.id(cell("precision")));
        let words = self.words.len();
        let terms_len = push_list(&mut self.words, &terms);
        let terms = &terms[..terms_len as usize];
        push_mask(&mut self.words, terms, &clause);
        push_mask(&mut self.words, terms, &named);
        let lens = [terms_len, push_list(&mut self.words, &actors)];
        let text = self.text.len();
        let (written, summary) = (clip(cell("written")), clip(cell("summary")));
        self.text.push_str(written);
        let summary_at = self.summaries.push(summary);
        self.events.push(Event {
            source,
            doc,
            date,
            precision,
            evidence_doc,
            lens,
            written_len: written.len() as u32,
            summary_len: summary.len() as u32,
            within: 0,
            sentence: match table.cell(row, "start") {
                Some(Value::Int(n)) => *n,
                _ => -1,
            },
            words,
            text,
            summary_at,
            evidence,
        });
    }

    /// The reports of one day grouped into events. A report joins the group
    /// whose core (the words half its reports or more hold) it shares at least
    /// [`SAME_DAY_SHARED`] words with, two of them rare outside the group;
    /// pairwise links would chain unrelated reports of a busy day into one
    /// row through a different pair of words at each step. The day is taken
    /// in an order of the reports' own content (most shared words first, then
    /// outlet, document and sentence), so the groups do not depend on the
    /// order the rows arrived in.
    /// `users` is scratch space, kept from day to day so that it is
    /// allocated once: how many of the day's reports hold each word.
    /// `rank` orders names as [`name_ranks`] gives.
    fn group_day(
        &self,
        same_day: &mut [usize],
        users: &mut Tally<u32>,
        rank: &[u32],
    ) -> Vec<Vec<usize>> {
        let (events, words) = (&self.events, &self.words[..]);
        users.clear();
        for &i in same_day.iter() {
            for &word in events[i].terms(words) {
                *users.entry(word as usize) += 1;
            }
        }
        // The reports most bound up with the day's others seed the groups,
        // so a group starts from the middle of an event, not its edge.
        let ties = |i: usize| -> u32 {
            events[i]
                .terms(words)
                .iter()
                .map(|&w| users.get(w as usize))
                .filter(|&u| u as usize <= COMMON_WORD)
                .map(|u| u - 1)
                .sum()
        };
        let mut keyed: Vec<(std::cmp::Reverse<u32>, usize)> = same_day
            .iter()
            .map(|&i| (std::cmp::Reverse(ties(i)), i))
            .collect();
        keyed.sort_by(|&(ta, a), &(tb, b)| {
            let (x, y) = (&events[a], &events[b]);
            (
                ta,
                rank[x.source as usize],
                rank[x.doc as usize],
                x.sentence,
                x.within,
            )
                .cmp(&(
                    tb,
                    rank[y.source as usize],
                    rank[y.doc as usize],
                    y.sentence,
                    y.within,
                ))
                .then(a.cmp(&b))
        });
        for (slot, (_, i)) in same_day.iter_mut().zip(keyed) {
            *slot = i;
        }
        let mut groups: Vec<Group> = Vec::new();
        // The groups whose reports hold each word: at most COMMON_WORD long,
        // as more common words are left out.
        let mut holding: HashMap<u32, Vec<usize>> = HashMap::default();
        // Words some report of the day names (capitalised in its clause,
        // or a figure): a report of a busy day shares everyday words
        // with many others, but the name or figure of its event with few.
        let mut named: Vec<u32> = same_day
            .iter()
            .flat_map(|&i| events[i].named(words))
            .collect();
        named.sort_unstable();
        named.dedup();
        // Per candidate group: core words shared, rare ones among them, and
        // named ones among those.
        let mut score: Tally<(u32, u32, u32)> = Tally::new();
        for &i in same_day.iter() {
            let held_words: Vec<u32> = events[i]
                .terms(words)
                .iter()
                .copied()
                .filter(|&w| users.get(w as usize) as usize <= COMMON_WORD)
                .collect();
            score.clear();
            for &word in &held_words {
                for &g in holding.get(&word).into_iter().flatten() {
                    if let Some(held) = groups[g].core_count(word) {
                        let entry = score.entry(g);
                        entry.0 += 1;
                        // Rare: few of the day's reports outside the group use it.
                        entry.1 +=
                            u32::from(((users.get(word as usize) - held) as usize) < RARE_WORD);
                        entry.2 += u32::from(named.binary_search(&word).is_ok());
                    }
                }
            }
            let best = score
                .iter()
                .filter(|(_, &(shared, rare, anchored))| {
                    shared as usize >= SAME_DAY_SHARED
                        && rare >= 2
                        && (anchored >= 1 || rare as usize >= UNNAMED_RARE)
                })
                .map(|(g, &(shared, rare, _))| (shared, rare, std::cmp::Reverse(g)))
                .max()
                .map(|(_, _, std::cmp::Reverse(g))| g);
            let g = best.unwrap_or_else(|| {
                groups.push(Group {
                    members: Vec::new(),
                    holders: HashMap::default(),
                });
                groups.len() - 1
            });
            groups[g].members.push(i);
            for &word in &held_words {
                let held = groups[g].holders.entry(word).or_default();
                *held += 1;
                if *held == 1 {
                    holding.entry(word).or_default().push(g);
                }
            }
        }
        groups.into_iter().map(|g| g.members).collect()
    }

    /// The merged timeline of every event added. Panics only if summaries
    /// written to the temporary file cannot be read back; a batch run calls
    /// [`finish_into`](Merge::finish_into), which gives that error.
    pub fn finish(self, window_days: i64) -> Table {
        let mut sink = ReportSink::default();
        self.finish_into(window_days, &mut sink)
            .expect("a ReportSink takes the one table finish_into gives");
        sink.into_report()
            .take_table("timeline")
            .unwrap_or_else(timeline_table)
    }

    /// The merged timeline of every event added, given to `out` a row at a
    /// time. Each stage's state is dropped once the next no longer reads it,
    /// and a row is built only as it is written, so the peak is the events
    /// and the day clusters' words, not the finished table.
    pub fn finish_into(mut self, window_days: i64, out: &mut dyn TableSink) -> Result<()> {
        // Rows arrive in corpus or shard order; the merge sees them in an
        // order of their own content, so every way of reading gives one timeline.
        let rank = name_ranks(&self.strings, &self.events);
        let r = |id: u32| rank[id as usize];
        // By source, document, sentence and date, then (below) written date
        // and summary. Unstable, but the last key is the order the rows came
        // in, as a stable sort would keep it.
        self.events.sort_unstable_by(|x, y| {
            (r(x.source), r(x.doc), x.sentence, r(x.date), x.summary_at).cmp(&(
                r(y.source),
                r(y.doc),
                y.sentence,
                r(y.date),
                y.summary_at,
            ))
        });
        // Only the events of one sentence, source, document and date need
        // their texts to be ordered, so only theirs are read back.
        let mut start = 0;
        while start < self.events.len() {
            let first = self.events[start];
            let end = start
                + self.events[start..]
                    .iter()
                    .take_while(|e| {
                        (e.source, e.doc, e.sentence, e.date)
                            == (first.source, first.doc, first.sentence, first.date)
                    })
                    .count();
            if end - start > 1 {
                order_ties(&mut self.events[start..end], &self.text, &self.summaries)?;
            }
            start = end;
        }
        let n = self.events.len();
        let day = self.strings.id("day");
        let mut by_date: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
        for (i, e) in self.events.iter().enumerate() {
            if e.precision == day {
                by_date.entry(e.date).or_default().push(i);
            }
        }
        // Day clusters in the order of their earliest event; a cluster is
        // known by its place in them, or for a coarse one by its place after them.
        let mut clusters: Vec<Cluster> = Vec::new();
        let mut users = Tally::new();
        for same_day in by_date.values_mut() {
            for mut members in self.group_day(same_day, &mut users, &rank) {
                members.sort_unstable();
                let date = self.events[members[0]].date;
                clusters.push(Cluster {
                    date,
                    day: self.strings.name(date).parse().ok(),
                    precision: day,
                    members,
                });
            }
        }
        drop((by_date, users));
        clusters.sort_unstable_by_key(|c| c.members[0]);
        let days = clusters.len();
        let Merge {
            strings,
            events,
            words,
            text,
            summaries,
        } = self;
        let s = |id: u32| strings.name(id);
        // Coarser events join the day cluster they cover that they share most with,
        // or else gather by their own value.
        // Day clusters by month, so a coarse event looks only at the days it may cover.
        let mut by_month: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (key, cluster) in clusters.iter().enumerate() {
            by_month
                .entry(month_of(s(cluster.date)))
                .or_default()
                .push(key);
        }
        // Each day cluster's parties and words, for scoring coarse events
        // against it: sorted and without repeats, as a set would give them,
        // one cluster after another in one vector.
        // A cluster of one report without parties (most of them) holds just
        // its terms, which are read where they are; the others' words are
        // gathered one cluster after another in `cluster_words`.
        let mut cluster_words: Vec<u32> = Vec::new();
        let mut cluster_span: Vec<WordSpan> = Vec::with_capacity(days);
        for c in &clusters {
            if let [m] = c.members[..] {
                if events[m].lens[1] == 0 {
                    cluster_span.push(WordSpan::Terms(m));
                    continue;
                }
            }
            let start = cluster_words.len();
            for &m in &c.members {
                cluster_words.extend_from_slice(events[m].actors(&words));
                cluster_words.extend_from_slice(events[m].terms(&words));
            }
            cluster_words[start..].sort_unstable();
            let mut end = start;
            for k in start..cluster_words.len() {
                if end == start || cluster_words[k] != cluster_words[end - 1] {
                    cluster_words[end] = cluster_words[k];
                    end += 1;
                }
            }
            cluster_words.truncate(end);
            cluster_span.push(WordSpan::Gathered(start, end));
        }
        let words_of = |key: usize| match cluster_span[key] {
            WordSpan::Terms(m) => events[m].terms(&words),
            WordSpan::Gathered(start, end) => &cluster_words[start..end],
        };
        // Each month's day clusters under every party and word they hold: a
        // coarse event counts what it shares with each cluster from the lists of
        // its own words, instead of comparing itself with every day of the month.
        // Only the words of some month's or week's clause are ever looked up.
        let mut looked_up = vec![false; strings.names.len()];
        for e in events.iter() {
            if matches!(s(e.precision), "month" | "week") {
                for word in e.clause(&words) {
                    looked_up[word as usize] = true;
                }
            }
        }
        // Per month, (word, cluster) pairs sorted, so a word's clusters are
        // a range of them; clusters are counted in u32, as any merge that
        // fits in memory has fewer.
        let mut month_index: HashMap<&str, Vec<(u32, u32)>> = HashMap::default();
        for (month, keys) in &by_month {
            let mut pairs: Vec<(u32, u32)> = keys
                .iter()
                .flat_map(|&key| words_of(key).iter().map(move |&word| (word, key as u32)))
                .filter(|&(word, _)| looked_up[word as usize])
                .collect();
            pairs.sort_unstable();
            month_index.insert(month, pairs);
        }
        drop(looked_up);
        drop(by_month);
        let mut own: HashMap<(u32, u32), HashMap<u32, Vec<usize>>> = HashMap::default();
        let mut shared: Tally<usize> = Tally::new();
        for i in (0..n).filter(|&i| events[i].precision != day) {
            let months: BTreeSet<String> = match s(events[i].precision) {
                "month" => BTreeSet::from([s(events[i].date).to_string()]),
                // A week spans at most two months.
                "week" => week_start(s(events[i].date))
                    .iter()
                    .flat_map(|d| [d.to_string(), (*d + jiff::Span::new().days(6)).to_string()])
                    .map(|s| s.chars().take(7).collect())
                    .collect(),
                _ => BTreeSet::new(),
            };
            shared.clear();
            for pairs in months.iter().filter_map(|m| month_index.get(m.as_str())) {
                for word in events[i].clause(&words) {
                    for key in clusters_with(pairs, word) {
                        *shared.entry(key) += 1;
                    }
                }
            }
            // Months and weeks join the day they cover whose reports hold most of
            // their clause's words; not a day only their own sentence gives
            // ("Berlin said Monday the summit was planned for later this month").
            let own_sentence = |key: &usize| {
                clusters[*key].members.iter().all(|&m| {
                    events[m].doc == events[i].doc && events[m].sentence == events[i].sentence
                })
            };
            let best = shared
                .iter()
                .filter(|&(key, &score)| {
                    score >= COARSE_SHARED
                        && {
                            let cluster = &clusters[key];
                            covers(s(events[i].date), s(cluster.date), cluster.day)
                        }
                        && !own_sentence(&key)
                })
                .map(|(key, &score)| (score, key))
                .max();
            match best {
                Some((_, key)) => clusters[key].members.push(i),
                None => {
                    // Coarse events of one value whose clauses share key words
                    // gather in one cluster.
                    let index = own
                        .entry((events[i].date, events[i].precision))
                        .or_default();
                    let mut counts: HashMap<usize, usize> = HashMap::default();
                    for w in events[i].clause(&words) {
                        for &key in index.get(&w).into_iter().flatten() {
                            *counts.entry(key).or_default() += 1;
                        }
                    }
                    let key = counts
                        .iter()
                        .filter(|&(_, &c)| c >= SAME_DAY_SHARED)
                        .map(|(&key, &c)| (c, std::cmp::Reverse(key)))
                        .max()
                        .map_or(clusters.len(), |(_, std::cmp::Reverse(key))| key);
                    for w in events[i].clause(&words) {
                        let keys = index.entry(w).or_default();
                        if !keys.contains(&key) && keys.len() < COMMON_WORD {
                            keys.push(key);
                        }
                    }
                    if key == clusters.len() {
                        clusters.push(Cluster {
                            date: events[i].date,
                            day: None,
                            precision: events[i].precision,
                            members: Vec::new(),
                        });
                    }
                    clusters[key].members.push(i);
                }
            }
        }
        drop((month_index, own, shared));
        // Disagreements: day clusters a few days apart that share parties and
        // several words, reported by different outlets.
        let mut dated: Vec<(Date, usize)> = clusters
            .iter()
            .enumerate()
            .filter(|(_, c)| c.precision == day)
            .filter_map(|(k, c)| s(c.date).parse::<Date>().ok().map(|d| (d, k)))
            .collect();
        dated.sort();
        // Candidate pairs share a word that few clusters use, within the
        // window. The clusters under each such word, in date order, one word
        // after another in one vector (`starts` gives where each word's
        // begin); the common words, which most pairs of a word and a cluster
        // are, have none.
        let mut users_of = vec![0u32; strings.names.len()];
        for &(_, k) in &dated {
            for &word in words_of(k) {
                users_of[word as usize] = users_of[word as usize].saturating_add(1);
            }
        }
        let mut starts = vec![0usize; strings.names.len() + 1];
        for (w, &count) in users_of.iter().enumerate() {
            let kept = if count as usize <= RARE_CLUSTERS {
                count as usize
            } else {
                0
            };
            starts[w + 1] = starts[w] + kept;
        }
        let mut users: Vec<(Date, usize)> = vec![(Date::MIN, 0); starts[starts.len() - 1]];
        let mut next = starts.clone();
        for &(date, k) in &dated {
            for &word in words_of(k) {
                if users_of[word as usize] as usize <= RARE_CLUSTERS {
                    users[next[word as usize]] = (date, k);
                    next[word as usize] += 1;
                }
            }
        }
        drop((next, users_of, dated, cluster_span, cluster_words));
        // Sorted and without repeats below, as a set would hold them.
        let mut candidates: Vec<(usize, usize)> = Vec::new();
        for list in starts.windows(2).map(|w| &users[w[0]..w[1]]) {
            // Each list is in date order, so the window ends at the first later day past it.
            for (x, &(da, a)) in list.iter().enumerate() {
                for &(db, b) in &list[x + 1..] {
                    if (db - da).get_days() as i64 > window_days {
                        break;
                    }
                    if da != db {
                        candidates.push((a.min(b), a.max(b)));
                    }
                }
            }
        }
        drop((users, starts));
        candidates.sort_unstable();
        candidates.dedup();
        // (cluster, text) for the clusters that have any, in the order found.
        let mut disagreements: Vec<(usize, String)> = Vec::new();
        for (a, b) in candidates {
            let (ca, cb) = (&clusters[a], &clusters[b]);
            if ca.date == cb.date {
                continue;
            }
            // An outlet that reports both dates reports two events, not one event twice.
            let sources_a: BTreeSet<u32> = ca.members.iter().map(|&m| events[m].source).collect();
            if cb
                .members
                .iter()
                .any(|&m| sources_a.contains(&events[m].source))
            {
                continue;
            }
            let strong = ca.members.iter().any(|&x| {
                cb.members.iter().any(|&y| {
                    let (ex, ey) = (&events[x], &events[y]);
                    shared_count(ex.actors(&words), ey.actors(&words)) >= 2
                        && shared_count(ex.terms(&words), ey.terms(&words)) >= 3
                })
            });
            if strong {
                let sources = |c: &Cluster| {
                    let names: BTreeSet<&str> =
                        c.members.iter().map(|&m| s(events[m].source)).collect();
                    names.into_iter().collect::<Vec<_>>().join(", ")
                };
                disagreements.push((a, format!("{} dated it {}", sources(cb), s(cb.date))));
                disagreements.push((b, format!("{} dated it {}", sources(ca), s(ca.date))));
            }
        }
        drop(words);
        // Stable: each cluster's texts stay in the order found.
        disagreements.sort_by_key(|&(k, _)| k);
        for cluster in &mut clusters {
            cluster.members.sort_by(|&a, &b| {
                (
                    events[a].precision != day,
                    r(events[a].source),
                    r(events[a].doc),
                )
                    .cmp(&(
                        events[b].precision != day,
                        r(events[b].source),
                        r(events[b].doc),
                    ))
            });
        }
        let rows = Rows {
            strings: &strings,
            events: &events,
            text: &text,
        };
        // Stable, so rows with one key keep the clusters' order.
        let mut order: Vec<usize> = (0..clusters.len()).collect();
        order.sort_by(|&a, &b| rows.key(&clusters[a]).cmp(rows.key(&clusters[b])));
        out.table(&timeline_table())?;
        for k in order {
            let cluster = &clusters[k];
            let members = &cluster.members;
            let summary = members
                .iter()
                .map(|&m| &events[m])
                .max_by_key(|e| {
                    let len = e.summary_len as usize;
                    (len.min(80), std::cmp::Reverse(len))
                })
                .map(|e| summaries.read(e))
                .transpose()?
                .unwrap_or_default();
            let sources: BTreeSet<&str> = members.iter().map(|&m| s(events[m].source)).collect();
            let mut cell = String::new();
            for (place, m) in rows.reports(members).enumerate() {
                if place > 0 {
                    cell.push_str(" | ");
                }
                for piece in rows.report(m) {
                    cell.push_str(piece);
                }
            }
            let found = disagreements.partition_point(|&(c, _)| c < k)
                ..disagreements.partition_point(|&(c, _)| c <= k);
            let disagreement = disagreements[found]
                .iter()
                .map(|(_, text)| text.as_str())
                .collect::<Vec<_>>()
                .join("; ");
            let mut row = Row::new(vec![
                s(cluster.date).into(),
                s(cluster.precision).into(),
                summary.as_ref().into(),
                sources
                    .iter()
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", ")
                    .into(),
                cell.into(),
                disagreement.into(),
                sources.len().into(),
            ]);
            row.evidence = members
                .iter()
                .map(|&m| &events[m])
                .filter(|e| e.evidence_doc != NO_EVIDENCE)
                .map(|e| Evidence {
                    doc: s(e.evidence_doc).into(),
                    start: e.evidence.0,
                    end: e.evidence.1,
                })
                .collect();
            out.row(row)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use newslens_core::{Row, Table, Value};

    /// An events row as the map writes it; `terms` are the sentence's key words.
    fn event(source: &str, doc: &str, written: &str, summary: &str, terms: &str) -> Row {
        let text = |s: &str| Value::Text(s.into());
        Row::new(vec![
            text(doc),
            text(source),
            text("2020-03-05"),
            text("day"),
            text(summary),
            text(""),
            Value::Int(0),
            Value::Int(summary.chars().count() as i64),
            text(written),
            text(terms),
        ])
    }

    /// 35 filler terms that sort before the event's own words, so that
    /// these come after the 32nd term, in the second word of each mask.
    fn fillers(prefix: &str) -> String {
        (1..=35).map(|k| format!("{prefix}{k:02} ")).collect()
    }

    fn merged(first_summary: &str) -> Table {
        let mut events = crate::events::events_table();
        let own = "forces general haftar misrata shelled tripoli";
        events.push(event(
            "Outlet A",
            "a",
            "Thursday",
            first_summary,
            &format!("{}{own}", fillers("alpha")),
        ));
        events.push(event(
            "Outlet B",
            "b",
            "March 5",
            "shelling hit tripoli and misrata",
            &format!("{}hit misrata shelling tripoli", fillers("beta")),
        ));
        super::timeline(&events, 3)
    }

    /// Two reports of one day that share two rare words are one event when
    /// some report of the day names them (capitalised in its clause), and
    /// two events when none does: the names come from the mask's bits past
    /// the first 32 terms.
    #[test]
    fn names_past_the_32nd_term_join_reports_of_one_day() {
        let named = merged("forces of General Haftar shelled Tripoli and Misrata");
        assert_eq!(named.rows.len(), 1, "{:?}", named.rows);
        let row = &named.rows[0];
        assert_eq!(crate::text(&named, row, "outlets"), "2");
        assert_eq!(
            crate::text(&named, row, "reports"),
            "Outlet A: \"Thursday\" (a) | Outlet B: \"March 5\" (b)"
        );

        let unnamed = merged("forces shelled tripoli and misrata");
        assert_eq!(unnamed.rows.len(), 2, "{:?}", unnamed.rows);
    }

    /// Events of one sentence, outlet and date go in order of written date
    /// and summary, and each knows its place by summary, which a day's
    /// grouping reads.
    #[test]
    fn ties_go_by_written_date_then_summary() {
        let mut merge = super::Merge {
            summaries: super::Summaries::spilling_at(0),
            ..super::Merge::default()
        };
        let mut events = crate::events::events_table();
        for (written, summary) in [
            ("Thursday", "artillery hit Sirte"),
            ("March 5", "the talks ended"),
            ("March 5", "fighting resumed"),
        ] {
            let mut row = event("A", "a", written, summary, "");
            row.cells[7] = Value::Int(40);
            events.push(row);
        }
        for row in &events.rows {
            merge.add(&events, row);
        }
        super::order_ties(&mut merge.events, &merge.text, &merge.summaries).unwrap();
        let got: Vec<(String, String, u32)> = merge
            .events
            .iter()
            .map(|e| {
                let summary = merge.summaries.read(e).unwrap().into_owned();
                (e.written(&merge.text).to_string(), summary, e.within)
            })
            .collect();
        let want = [
            ("March 5", "fighting resumed", 1),
            ("March 5", "the talks ended", 2),
            ("Thursday", "artillery hit Sirte", 0),
        ];
        let want: Vec<(String, String, u32)> = want
            .iter()
            .map(|&(w, s, k)| (w.to_string(), s.to_string(), k))
            .collect();
        assert_eq!(got, want);
    }

    /// Summaries read back from the temporary file order ties and fill the
    /// rows as those held in memory do.
    #[test]
    fn summaries_read_back_from_the_file_give_the_same_timeline() {
        let analyzer =
            crate::build(&newslens_core::AnalyzerSettings::for_tests("timeline")).unwrap();
        let docs = newslens_core::testing::bundled_corpus();
        let mapped = newslens_core::run::map_all(analyzer.as_ref(), &docs, None).unwrap();
        let events = mapped.table("events").unwrap();
        let mut spilled = super::Merge {
            summaries: super::Summaries::spilling_at(0),
            ..super::Merge::default()
        };
        for row in &events.rows {
            spilled.add(events, row);
        }
        assert!(spilled.summaries.file.is_some());
        assert!(spilled.summaries.memory.is_empty());
        let in_memory = super::timeline(events, 3);
        assert!(in_memory.rows.len() > 20, "{}", in_memory.rows.len());
        assert_eq!(spilled.finish(3), in_memory);
    }

    /// A batch run gets the timeline a row at a time; the rows are those
    /// `finish` collects, in the same order.
    #[test]
    fn finish_into_gives_the_rows_of_finish() {
        struct Rows(Vec<Row>, usize);
        impl newslens_core::analyzer::TableSink for Rows {
            fn table(&mut self, _: &Table) -> anyhow::Result<()> {
                self.1 += 1;
                Ok(())
            }
            fn row(&mut self, row: Row) -> anyhow::Result<()> {
                self.0.push(row);
                Ok(())
            }
            fn note(&mut self, _: String) -> anyhow::Result<()> {
                Ok(())
            }
        }
        let mut events = crate::events::events_table();
        for (source, doc, written) in [("B", "b1", "Thursday"), ("A", "a1", "March 5")] {
            events.push(event(
                source,
                doc,
                written,
                "Haftar's forces shelled Tripoli",
                "forces haftar shelled tripoli",
            ));
        }
        let fold = |events: &Table| {
            let mut merge = super::Merge::default();
            for row in &events.rows {
                merge.add(events, row);
            }
            merge
        };
        let mut streamed = Rows(Vec::new(), 0);
        fold(&events).finish_into(3, &mut streamed).unwrap();
        assert_eq!(streamed.1, 1);
        assert_eq!(streamed.0, fold(&events).finish(3).rows);
        assert_eq!(streamed.0.len(), 1);
    }
}
