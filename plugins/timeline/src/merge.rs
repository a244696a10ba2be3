//! The merged timeline, from the `events` table alone: reports of one event
//! (same date within precision, a shared party or key word) joined across
//! outlets, with the date each outlet wrote, and a flag where outlets put
//! what looks like one event on different days.
//!
//! A batch run folds millions of events, so [`Merge`] keeps none of them in
//! memory: each row becomes a compact record in an external sort
//! ([`spill`]), and only the interned outlets, dates and words stay, which
//! grow with the vocabulary, not the corpus (documents, which grow with it,
//! are never interned). [`Merge::finish_into`] then runs the merge as a few
//! passes over sorted streams, each holding only what its step reads:
//!
//! 1. The events in an order of their own content (outlet, document,
//!    sentence, date, written date, summary, then the rest), never the order
//!    rows came in: a batch run folds part by part and a reduce shard by
//!    shard, and both must give one timeline. An event's place in this order
//!    is its identity from then on; a cluster is known by its first event's.
//!    Day events go on to a sort by date; coarser ones stay in this order,
//!    and each month or week event also goes to a sort by the month (or two,
//!    for a week) whose days it may join.
//! 2. One day at a time, that day's reports grouped into day clusters. A
//!    cluster's reports go to a sort in date order, and what the coarse step
//!    reads of it (identity, date, its first sentence, whether that sentence
//!    gives all of it, the words some month's or week's clause holds) to a
//!    sort by month; each word's count of dated day clusters stays, as the
//!    disagreements' "rare word" test reads it corpus-wide.
//! 3. A month at a time, its month and week events, a block at a time,
//!    against its day clusters streamed from a tape: each event's best day
//!    from another sentence, and the days only its own sentence gives. A
//!    word that more of the month's day clusters hold than
//!    [`MONTH_COMMON_WORD`] counts for none: a month's busy story put its
//!    words in every day, and a word's clusters times its events grew with
//!    the square of the month (`--run timeline` over ReCOVery repeated to
//!    100,000 and 200,000 articles: the merge after the last part took 4.6
//!    and 14.8 s before, 2.3 and 5.2 s now, and 10.7 s at 400,000; ReCOVery
//!    and FA-KES themselves give the same table as before). Then
//!    the coarse events in content order pick their day or gather by value.
//!    A day only one sentence gives takes no coarse event of that sentence
//!    until another sentence's has joined it, so one join can open the next:
//!    that is the one thing decided in content order, from the few days
//!    another sentence opened before their own sentence comes.
//! 4. The day clusters again, in date order with their joined events; those
//!    with a report of two parties (only they can disagree) wait while the
//!    disagreement window can still pair them. Every row goes to a last
//!    sort by the key the table is ordered by (date and reports, then the
//!    cluster's identity for equal keys), as do the gathered clusters' rows;
//!    that sort gives the table a row at a time.
//!
//! Memory is then a few sort buffers ([`SORT_BUDGET`] each), the vocabulary
//! and what one step's unit holds: a day's reports at a few dozen bytes each
//! (sentence, rank, ties, the words few of the day's reports hold) while
//! their text waits on a tape that spills past the budget; one cluster's row
//! while it is built; the disagreement window's clusters as rows and
//! parties. Events pass between steps as their encoded bytes, read in
//! place: decoding each into owned strings at every step had cost more than
//! the steps' own work (callgrind, `--run timeline --jobs 1` over the first
//! 400 ReCOVery articles: `MergeFold::add` 57.3 M instructions before, 44.5 M
//! now; `finish_into` 89.1 M and 62.3 M, of which writing the rows is 9.2 M).
//! Counted at ReCOVery repeated to 100,000 and 200,000 articles, what had
//! grown was the busiest day held as decoded events (18,603 and 37,206
//! reports, 11.0 and 22.4 MB, besides a hash map per group), not the
//! vocabulary (21,670 names at both sizes: repeats add no words) nor the
//! window (0.4 and 0.8 MB). What still grows with a day is its compact
//! reports, and the largest row (a year's gathered cluster: 0.36 MB at
//! 100,000 articles, 0.73 MB at 200,000), which is the table's own cell.
//! Peak RSS of a batch `--run timeline --jobs 1` (medians of three where
//! three runs finished; it varies by +-10 MB under load, and at these sizes
//! the fold's buffers rather than a day set it): at 20,000 articles 136 MB
//! before, 139 MB now; at 100,000, 167 and 138 MB (148 in a second series);
//! at 200,000, 159 and 185 MB (two runs) before and 154 MB now. Temporary
//! disk, the open run files sampled: 0.76 GB at 100,000 articles, before and now.

use std::collections::{BTreeSet, VecDeque};
use std::io;
use std::sync::Arc;

use crate::events::FastMap as HashMap;

use anyhow::Result;
use jiff::civil::Date;
use newslens_core::analyzer::{ReportSink, TableSink};
use newslens_core::spill::{self, Dec, Enc, Scratch, Sorter, Tape};
use newslens_core::{ColumnType, Evidence, Row, Table, Value};

pub use newslens_core::spill::peak_disk_bytes;

/// Bytes of records each sort holds in memory before it writes a run to disk.
const SORT_BUDGET: usize = 8 << 20;

/// Strings seen many times (outlets, dates, words), stored once: the map
/// and the list share each name's one allocation.
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

    /// The id of a name interned before.
    fn get(&self, name: &str) -> Option<u32> {
        self.ids.get(name).copied()
    }

    fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", |name| name)
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

/// Lists kept per word id and indexed by it directly: the grouping and
/// the coarse scoring look words up many times per report. Cleared by the
/// words reached, so each list keeps its allocation for the next use.
#[derive(Default)]
struct Lists {
    lists: Vec<Vec<u32>>,
    touched: Vec<u32>,
}

impl Lists {
    fn get(&self, word: u32) -> &[u32] {
        self.lists.get(word as usize).map_or(&[], |list| list)
    }

    fn push(&mut self, word: u32, value: u32) {
        let at = word as usize;
        if at >= self.lists.len() {
            self.lists.resize_with(at + 1, Vec::new);
        }
        if self.lists[at].is_empty() {
            self.touched.push(word);
        }
        self.lists[at].push(value);
    }

    fn clear(&mut self) {
        for &word in &self.touched {
            self.lists[word as usize].clear();
        }
        self.touched.clear();
    }
}

/// The ids of a list cell's words (an ASCII separator), in the cell's order.
fn words_of(text: &str, separator: u8, strings: &mut Interner) -> Vec<u32> {
    let mut ids = Vec::with_capacity(8);
    let mut start = 0;
    // Separators found a block of bytes at a time: `str::split` searches
    // for each one afresh, which cost more than interning the short words
    // between them. An ASCII separator's places are character boundaries.
    for at in memchr::memchr_iter(separator, text.as_bytes()).chain([text.len()]) {
        if at > start {
            ids.push(strings.id(&text[start..at]));
        }
        start = at + 1;
    }
    ids
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
/// A word that more of a month's day clusters hold than [`COMMON_WORD`] a
/// day for every day of the month ties no month or week event to one of
/// them.
const MONTH_COMMON_WORD: usize = COMMON_WORD * 31;
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
/// `terms` are the sentence's terms' ids, sorted.
fn clause_terms(
    summary: &str,
    strings: &Interner,
    terms: &[u32],
) -> (Vec<ClauseWord>, Vec<ClauseWord>) {
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
                    word.push_str(text);
                    word.make_ascii_lowercase();
                    if text.contains('-') {
                        word.retain(|c| c != '-');
                    }
                } else {
                    for c in text.chars() {
                        if !matches!(c, '-' | '\u{2010}' | '\u{2011}') {
                            word.extend(c.to_lowercase());
                        }
                    }
                }
                let capital = text.chars().next().is_some_and(char::is_uppercase);
                let term = strings
                    .get(&word)
                    .filter(|id| terms.binary_search(id).is_ok());
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

/// A key word of a clause: one of its sentence's terms, by its id, or a
/// figure ("#14.7").
enum ClauseWord {
    Term(u32),
    Figure(String),
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

/// The first seven characters of a date value: its month, for a day.
fn month_of(date: &str) -> &str {
    match date.char_indices().nth(7) {
        Some((end, _)) => &date[..end],
        None => date,
    }
}

/// One event as every step after the first sort reads it: interned ids,
/// and the texts that only a row prints. The sentence's key words and the
/// clause's figures; the clause's key words, and its names and figures;
/// the parties: sorted ids, no repeats. `ord` is the event's place in the
/// content order, its identity; `sid` the `ord` of the first event of its
/// outlet, document and sentence.
fn encode_ev(enc: &mut Enc, e: &EvRef<'_>) {
    enc.num(e.ord);
    enc.num(e.sid);
    enc.num(u64::from(e.source));
    enc.num(u64::from(e.date));
    enc.num(u64::from(e.precision));
    enc.i64_key(e.sentence);
    enc.text_bytes(e.doc);
    enc.text_bytes(e.written);
    enc.text_bytes(e.summary);
    enc.ids_raw(e.terms.0);
    enc.ids_raw(e.clause.0);
    enc.ids_raw(e.named.0);
    enc.ids_raw(e.actors.0);
    match e.evidence {
        None => enc.num(0),
        Some((doc, start, end)) => {
            if doc == e.doc {
                enc.num(1);
            } else {
                enc.num(2);
                enc.text_bytes(doc);
            }
            enc.num(start as u64);
            enc.num(end as u64);
        }
    }
}

/// A list of ids read in place from a record, four little-endian bytes each.
#[derive(Clone, Copy)]
struct Ids<'a>(&'a [u8]);

impl<'a> Ids<'a> {
    fn len(self) -> usize {
        self.0.len() / 4
    }

    fn iter(self) -> impl Iterator<Item = u32> + 'a {
        self.0
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
}

/// An event read in place from what [`encode_ev`] wrote. The steps after
/// the first pass events on as these bytes, unchanged, and read their texts
/// only where a row prints them: copying every event's texts into owned
/// strings at each step cost more than the steps themselves.
struct EvRef<'a> {
    ord: u64,
    sid: u64,
    source: u32,
    date: u32,
    precision: u32,
    /// The sentence's character offset in its document.
    sentence: i64,
    /// Texts as bytes: the steps only pass them on or compare them, and
    /// the table's rows are checked for UTF-8 when read back.
    doc: &'a [u8],
    written: &'a [u8],
    summary: &'a [u8],
    terms: Ids<'a>,
    clause: Ids<'a>,
    named: Ids<'a>,
    actors: Ids<'a>,
    evidence: Option<(&'a [u8], usize, usize)>,
    /// The whole encoded event (empty for one not read from a record).
    bytes: &'a [u8],
}

fn read_ev<'a>(dec: &mut Dec<'a>) -> io::Result<EvRef<'a>> {
    let start = dec.rest();
    let (ord, sid) = (dec.num()?, dec.num()?);
    let (source, date, precision) = (dec.num_u32()?, dec.num_u32()?, dec.num_u32()?);
    let sentence = dec.i64_key()?;
    let (doc, written, summary) = (dec.text_bytes()?, dec.text_bytes()?, dec.text_bytes()?);
    let terms = Ids(dec.ids_raw()?);
    let clause = Ids(dec.ids_raw()?);
    let named = Ids(dec.ids_raw()?);
    let actors = Ids(dec.ids_raw()?);
    let evidence = match dec.num()? {
        0 => None,
        flag => {
            let doc = if flag == 1 { doc } else { dec.text_bytes()? };
            Some((doc, index(dec.num()?)?, index(dec.num()?)?))
        }
    };
    let used = start.len() - dec.rest().len();
    Ok(EvRef {
        ord,
        sid,
        source,
        date,
        precision,
        sentence,
        doc,
        written,
        summary,
        terms,
        clause,
        named,
        actors,
        evidence,
        bytes: &start[..used],
    })
}

/// A number read back from a key, as an index.
fn index(n: u64) -> io::Result<usize> {
    usize::try_from(n).map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "index past usize"))
}

/// The head of a day event's key: parsed days in calendar order, then any
/// day value that does not parse; the value itself parts two that read as
/// one date.
fn day_key(enc: &mut Enc, value: &str) -> Option<Date> {
    let day = value.parse::<Date>().ok();
    match day {
        Some(d) => {
            // Five bytes, so that a sort's first eight of a key (see
            // `spill::Item`) tell most days apart: a civil year is
            // -9999..=9999, which shifted fits two bytes.
            enc.bytes.push(0);
            let year = (i32::from(d.year()) + 10_000) as u16;
            enc.bytes.extend_from_slice(&year.to_be_bytes());
            enc.bytes.push(d.month() as u8);
            enc.bytes.push(d.day() as u8);
        }
        None => enc.bytes.push(1),
    }
    enc.text_key(value.as_bytes());
    day
}

/// A day cluster while the disagreement window may still pair it.
struct Pending {
    key: u64,
    date: u32,
    /// Days since 1970, for the window.
    day: i64,
    /// Its words that at most [`RARE_CLUSTERS`] day clusters hold.
    rare: Vec<u32>,
    /// Sorted ids, no repeats.
    sources: Vec<u32>,
    /// The parties and key words of each of its reports of two parties or
    /// more: only those can pair it with another cluster.
    parties: Vec<(Vec<u32>, Vec<u32>)>,
    row: RowBuilder,
    /// (the other cluster's key, text) for each disagreement.
    found: Vec<(u64, String)>,
}

/// The key of a gathered coarse cluster, past every day cluster's, in the
/// order the clusters formed.
const COARSE: u64 = 1 << 63;

/// The merged timeline of an events table held in memory.
pub fn timeline(events_table: &Table, window_days: i64) -> Table {
    let mut merge = Merge::default();
    for row in &events_table.rows {
        merge
            .add(events_table, row)
            .expect("events sorted in memory or in temporary files");
    }
    merge.finish(window_days)
}

/// The events table's columns the merge reads.
#[derive(Clone, Copy)]
enum Column {
    Doc,
    Source,
    Date,
    Precision,
    Summary,
    Actors,
    Start,
    Written,
    Terms,
}

const COLUMNS: [&str; 9] = [
    "doc",
    "source",
    "date",
    "precision",
    "summary",
    "actors",
    "start",
    "written",
    "terms",
];

/// Where a table's rows hold each column the merge reads: found by name
/// once per layout, not nine times a row.
#[derive(Default)]
struct Places {
    names: Vec<String>,
    at: [Option<usize>; COLUMNS.len()],
}

impl Places {
    fn of(table: &Table) -> Places {
        Places {
            names: table.columns.iter().map(|c| c.name.clone()).collect(),
            at: COLUMNS.map(|name| table.column_index(name)),
        }
    }

    fn fit(&self, table: &Table) -> bool {
        self.names.len() == table.columns.len()
            && self
                .names
                .iter()
                .zip(&table.columns)
                .all(|(a, b)| *a == b.name)
    }

    fn cell<'a>(&self, row: &'a Row, column: Column) -> Option<&'a Value> {
        self.at[column as usize].and_then(|i| row.cells.get(i))
    }
}

/// The merge's state while rows come: the interned names and the sort of
/// encoded events.
pub struct Merge {
    strings: Interner,
    events: Sorter,
    /// Words some month's or week's clause holds: the only ones the coarse
    /// step looks up, so the only ones its index of day clusters keeps.
    looked_up: Vec<bool>,
    /// The last row's terms cell and its ids, sorted.
    last_terms: (String, Vec<u32>),
    places: Places,
    scratch: Scratch,
    enc: Enc,
}

impl Default for Merge {
    /// Temporary files in the system's temporary folder.
    fn default() -> Merge {
        Merge::new(&std::env::temp_dir())
    }
}

/// Ids of the names a merge compares with.
struct Known {
    day: u32,
    month: u32,
    week: u32,
}

impl Merge {
    /// A merge whose temporary files go in `dir`.
    pub fn new(dir: &std::path::Path) -> Merge {
        Merge::with_budget(dir, SORT_BUDGET)
    }

    /// A merge whose sorts each keep about `budget` bytes in memory.
    pub fn with_budget(dir: &std::path::Path, budget: usize) -> Merge {
        let scratch = Scratch::new("timeline", dir, budget);
        Merge {
            strings: Interner::default(),
            events: scratch.sorter(),
            looked_up: Vec::new(),
            last_terms: (String::new(), Vec::new()),
            places: Places::default(),
            scratch,
            enc: Enc::default(),
        }
    }

    /// One row of the events table (columns found by name).
    pub fn add(&mut self, table: &Table, row: &Row) -> io::Result<()> {
        if !self.places.fit(table) {
            self.places = Places::of(table);
        }
        let places = &self.places;
        let cell = |name: Column| match places.cell(row, name) {
            Some(Value::Text(s)) => s.as_str(),
            _ => "",
        };
        let strings = &mut self.strings;
        let sorted = |mut ids: Vec<u32>| {
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        // Words are compared by id from here on: the lists need no sorting
        // as text, and a clause's word is a term when its id is one.
        // A sentence's events come together and share its terms.
        let terms_cell = cell(Column::Terms);
        if self.last_terms.0 != terms_cell {
            self.last_terms.0.clear();
            self.last_terms.0.push_str(terms_cell);
            self.last_terms.1 = sorted(words_of(terms_cell, b' ', strings));
        }
        let term_ids = &self.last_terms.1;
        let (clause, named) = clause_terms(cell(Column::Summary), strings, term_ids);
        // The clause's words are interned once, as terms; figures apart.
        let mut id_of = |word: &ClauseWord| match word {
            ClauseWord::Term(id) => *id,
            ClauseWord::Figure(figure) => strings.id(figure),
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
        let actors = sorted(words_of(cell(Column::Actors), b',', strings));
        let (source, date) = (cell(Column::Source), cell(Column::Date));
        let precision = cell(Column::Precision);
        let ids = [strings.id(source), strings.id(date), strings.id(precision)];
        if matches!(precision, "month" | "week") {
            for &word in &clause {
                let word = word as usize;
                if word >= self.looked_up.len() {
                    self.looked_up.resize(word + 1, false);
                }
                self.looked_up[word] = true;
            }
        }
        let sentence = match places.cell(row, Column::Start) {
            Some(Value::Int(n)) => *n,
            _ => -1,
        };
        // The content order: what the key gives, then (for events equal in
        // all of that) their evidence and at last their word ids.
        let enc = &mut self.enc;
        enc.clear();
        enc.text_key(source.as_bytes());
        enc.text_key(cell(Column::Doc).as_bytes());
        enc.i64_key(sentence);
        enc.text_key(date.as_bytes());
        enc.text_key(clip(cell(Column::Written)).as_bytes());
        enc.text_key(clip(cell(Column::Summary)).as_bytes());
        enc.text_key(precision.as_bytes());
        match row.evidence.first() {
            Some(e) => {
                enc.bytes.push(1);
                enc.u64_key(e.start as u64);
                enc.u64_key(e.end as u64);
                enc.text_key(e.doc.as_bytes());
            }
            None => enc.bytes.push(0),
        }
        for id in ids {
            enc.num(u64::from(id));
        }
        enc.ids(&terms);
        enc.ids(&clause);
        enc.ids(&named);
        enc.ids(&actors);
        self.events.push(&enc.bytes)
    }

    /// The merged timeline of every event added. Panics only if the
    /// temporary files fail; a batch run calls
    /// [`finish_into`](Merge::finish_into), which gives that error.
    pub fn finish(self, window_days: i64) -> Table {
        let mut sink = ReportSink::default();
        self.finish_into(window_days, &mut sink)
            .expect("events sorted in memory or in temporary files");
        sink.into_report()
            .take_table("timeline")
            .unwrap_or_else(timeline_table)
    }

    /// The merged timeline of every event added, given to `out` a row at a
    /// time (the module doc gives the steps).
    pub fn finish_into(self, window_days: i64, out: &mut dyn TableSink) -> Result<()> {
        let Merge {
            mut strings,
            events,
            looked_up,
            scratch,
            mut enc,
            ..
        } = self;
        let known = Known {
            day: strings.id("day"),
            month: strings.id("month"),
            week: strings.id("week"),
        };
        let strings = strings;
        let numbered = number_events(events.finish()?, &strings, &known, &scratch, &mut enc)?;
        let clustered = cluster_days(numbered.days, &strings, &looked_up, &scratch, &mut enc)?;
        drop(looked_up);
        let scored = score_coarse(
            numbered.by_month,
            clustered.by_month,
            &strings,
            &scratch,
            &mut enc,
        )?;
        let (joined, gathered) = join_coarse(numbered.coarse, scored, &scratch, &mut enc)?;
        let mut rows = scratch.sorter();
        find_disagreements(
            clustered.clusters,
            joined,
            &clustered.users_of,
            &strings,
            window_days,
            &mut rows,
            &mut enc,
        )?;
        drop(clustered.users_of);
        gathered_rows(gathered, &strings, &mut rows, &mut enc)?;
        out.table(&timeline_table())?;
        let mut rows = rows.finish()?;
        while let Some(record) = rows.next()? {
            let mut dec = Dec::new(record);
            dec.skip_text_key()?;
            dec.u64_key()?;
            out.row(decode_row(&mut dec)?)?;
        }
        Ok(())
    }
}

/// Step 1: each event's place in the content order, and the sentence it
/// belongs to; day events sorted by date, the others kept in this order.
fn number_events(
    mut sorted: spill::Sorted,
    strings: &Interner,
    known: &Known,
    scratch: &Scratch,
    enc: &mut Enc,
) -> io::Result<Numbered> {
    let mut out = Numbered {
        days: scratch.sorter(),
        coarse: scratch.sorter(),
        by_month: scratch.sorter(),
    };
    let mut months = Vec::new();
    let (mut ord, mut sid) = (0u64, 0u64);
    // The last sentence's outlet and offset, and its document.
    let (mut last, mut last_doc): (Option<(u32, i64)>, Vec<u8>) = (None, Vec::new());
    while let Some(record) = sorted.next()? {
        let mut dec = Dec::new(record);
        dec.skip_text_key()?;
        let doc = dec.key_bytes()?;
        let sentence = dec.i64_key()?;
        dec.skip_text_key()?;
        let written = dec.key_bytes()?;
        let summary = dec.key_bytes()?;
        dec.skip_text_key()?;
        let evidence = if dec.byte()? != 0 {
            let (start, end) = (index(dec.u64_key()?)?, index(dec.u64_key()?)?);
            Some((dec.key_bytes()?, start, end))
        } else {
            None
        };
        let (source, date, precision) = (dec.num_u32()?, dec.num_u32()?, dec.num_u32()?);
        if last != Some((source, sentence)) || last_doc != *doc {
            sid = ord;
            last = Some((source, sentence));
            last_doc.clear();
            last_doc.extend_from_slice(&doc);
        }
        let e = EvRef {
            ord,
            sid,
            source,
            date,
            precision,
            sentence,
            doc: &doc,
            written: &written,
            summary: &summary,
            terms: Ids(dec.ids_raw()?),
            clause: Ids(dec.ids_raw()?),
            named: Ids(dec.ids_raw()?),
            actors: Ids(dec.ids_raw()?),
            evidence: evidence
                .as_ref()
                .map(|(doc, start, end)| (&**doc, *start, *end)),
            bytes: &[],
        };
        ord += 1;
        enc.clear();
        if precision == known.day {
            day_key(enc, strings.name(date));
            enc.u64_key(e.ord);
            encode_ev(enc, &e);
            out.days.push(&enc.bytes)?;
        } else {
            enc.u64_key(e.ord);
            encode_ev(enc, &e);
            out.coarse.push(&enc.bytes)?;
            months_of(date, precision, strings, known, &mut months);
            for month in &months {
                enc.clear();
                enc.text_key(month.as_bytes());
                enc.u64_key(e.ord);
                enc.num(e.sid);
                enc.num(u64::from(date));
                enc.ids_raw(e.clause.0);
                out.by_month.push(&enc.bytes)?;
            }
        }
    }
    Ok(out)
}

/// What step 1 leaves: day events by date; the others in content order;
/// and each month or week event under each month it may join a day of.
struct Numbered {
    days: Sorter,
    coarse: Sorter,
    by_month: Sorter,
}

/// The months ("2020-03") whose days a month or week event may join.
fn months_of(
    date: u32,
    precision: u32,
    strings: &Interner,
    known: &Known,
    months: &mut Vec<String>,
) {
    months.clear();
    let value = strings.name(date);
    if precision == known.month {
        months.push(value.to_string());
    } else if precision == known.week {
        // A week spans at most two months.
        if let Some(d) = week_start(value) {
            // The last week of year 9999 ends past what a date holds.
            let last = d
                .checked_add(jiff::Span::new().days(6))
                .unwrap_or(Date::MAX);
            for day in [d, last] {
                let month: String = day.to_string().chars().take(7).collect();
                if !months.contains(&month) {
                    months.push(month);
                }
            }
        }
    }
}

/// What step 2 leaves: each word's count of dated day clusters, the
/// clusters' reports in date order, and what the coarse step reads of each
/// cluster by month.
struct Clustered {
    users_of: Vec<u32>,
    clusters: Sorter,
    by_month: Sorter,
}

/// Step 2: each day's reports grouped into clusters.
fn cluster_days(
    days: Sorter,
    strings: &Interner,
    looked_up: &[bool],
    scratch: &Scratch,
    enc: &mut Enc,
) -> io::Result<Clustered> {
    let mut out = Clustered {
        users_of: vec![0; strings.names.len()],
        clusters: scratch.sorter(),
        by_month: scratch.sorter(),
    };
    let mut seq: u64 = 0;
    let mut days = days.finish()?;
    let mut day = Day::new(scratch);
    while let Some(record) = days.next()? {
        let mut dec = Dec::new(record);
        if dec.byte()? == 0 {
            for _ in 0..4 {
                dec.byte()?;
            }
        }
        dec.skip_text_key()?;
        dec.u64_key()?;
        let e = read_ev(&mut dec)?;
        if day.date.is_some_and(|date| date != e.date) {
            day.finish(strings, looked_up, &mut out, &mut seq, enc)?;
        }
        day.add(&e)?;
    }
    if day.date.is_some() {
        day.finish(strings, looked_up, &mut out, &mut seq, enc)?;
    }
    Ok(out)
}

/// The kinds of a day cluster's records, after its seq: the head (its
/// key, date and words) sorts before its reports, one record each; a
/// cluster of one report is one record, head and report.
const HEAD: u8 = 0;
const MEMBER: u8 = 1;
const WHOLE: u8 = 2;

/// A day's report as the grouping reads it; the rest of it waits on the
/// day's tape, so a day of a million reports holds a few dozen bytes each.
struct DayReport {
    sid: u64,
    /// Its place among the day's reports of its sentence by summary,
    /// written date and `ord`: after their ties, the order the grouping
    /// takes reports in.
    rank: u32,
    ties: u32,
    /// Where its words that at most [`COMMON_WORD`] of the day's reports
    /// hold are in [`Day::held`].
    held: (u32, u32),
    group: u32,
}

/// A day's reports join one group when they share this many of the group's
/// core words; a word is in a group's core when half its reports or more hold it.
struct Group {
    size: u32,
    /// How many members hold each word, by word id: sorted pairs, as most
    /// groups are one report, whose words come sorted, and a hash map per
    /// group cost more than the rest of the grouping.
    holders: Vec<(u32, u32)>,
    /// While its reports are written out: the first one's `ord` and `sid`,
    /// whether all of them are of that sentence, how many are still to come,
    /// and the words they hold.
    first: Option<(u64, u64)>,
    single: bool,
    left: u32,
    words: Vec<u32>,
}

impl Group {
    /// Is the word held by at least half the group's reports?
    fn core_count(&self, word: u32) -> Option<u32> {
        let at = self.holders.binary_search_by_key(&word, |&(w, _)| w).ok()?;
        let held = self.holders[at].1;
        (held as usize * 2 >= self.size as usize).then_some(held)
    }

    /// A member's words (sorted, no repeats) counted in `holders`; `fresh`
    /// hears of each word no member held before.
    fn hold(&mut self, words: &[u32], merged: &mut Vec<(u32, u32)>, mut fresh: impl FnMut(u32)) {
        merged.clear();
        let (mut i, mut j) = (0, 0);
        while i < self.holders.len() || j < words.len() {
            match (self.holders.get(i), words.get(j)) {
                (Some(&(w, n)), Some(&x)) if w == x => {
                    merged.push((w, n + 1));
                    i += 1;
                    j += 1;
                }
                (Some(&(w, n)), Some(&x)) if w < x => {
                    merged.push((w, n));
                    i += 1;
                }
                (Some(&pair), None) => {
                    merged.push(pair);
                    i += 1;
                }
                (_, Some(&x)) => {
                    merged.push((x, 1));
                    fresh(x);
                    j += 1;
                }
                (None, None) => break,
            }
        }
        std::mem::swap(&mut self.holders, merged);
    }
}

/// One day's reports while the day's events stream in, and the scratch
/// space its grouping reuses from day to day.
struct Day {
    date: Option<u32>,
    /// The day's events as written, in content order.
    tape: Tape,
    reports: Vec<DayReport>,
    /// How many of the day's reports hold each word.
    users: Tally<u32>,
    /// Words some report of the day names (capitalised in its clause, or a
    /// figure): a report of a busy day shares everyday words with many
    /// others, but the name or figure of its event with few.
    named: Tally<bool>,
    held: Vec<u32>,
    /// The current sentence's reports: summary, written date, place in
    /// `reports`; the slots past `run_len` keep their strings for reuse.
    run: Vec<(Vec<u8>, Vec<u8>, usize)>,
    run_len: usize,
    order: Vec<(std::cmp::Reverse<u32>, u64, u32, u32)>,
    groups: Vec<Group>,
    /// The groups whose reports hold each word: at most COMMON_WORD long,
    /// as more common words are left out.
    holding: Lists,
    /// Per candidate group: core words shared, rare ones among them, and
    /// named ones among those.
    score: Tally<(u32, u32, u32)>,
    /// Scratch space for a group's merged word counts.
    merged: Vec<(u32, u32)>,
    words: Vec<u32>,
    looked: Vec<u32>,
}

impl Day {
    fn new(scratch: &Scratch) -> Day {
        Day {
            date: None,
            tape: scratch.tape(),
            reports: Vec::new(),
            users: Tally::new(),
            named: Tally::new(),
            held: Vec::new(),
            run: Vec::new(),
            run_len: 0,
            order: Vec::new(),
            groups: Vec::new(),
            holding: Lists::default(),
            score: Tally::new(),
            merged: Vec::new(),
            words: Vec::new(),
            looked: Vec::new(),
        }
    }

    fn add(&mut self, e: &EvRef<'_>) -> io::Result<()> {
        self.date = Some(e.date);
        self.tape.push(e.bytes)?;
        for w in e.terms.iter() {
            *self.users.entry(w as usize) += 1;
        }
        for w in e.named.iter() {
            *self.named.entry(w as usize) = true;
        }
        // A sentence's reports of one day come together: their `ord`s are
        // consecutive.
        if self.reports.last().is_some_and(|r| r.sid != e.sid) {
            self.rank_run();
        }
        let place = self.reports.len();
        match self.run.get_mut(self.run_len) {
            Some((summary, written, at)) => {
                summary.clear();
                summary.extend_from_slice(e.summary);
                written.clear();
                written.extend_from_slice(e.written);
                *at = place;
            }
            None => self
                .run
                .push((e.summary.to_vec(), e.written.to_vec(), place)),
        }
        self.run_len += 1;
        self.reports.push(DayReport {
            sid: e.sid,
            rank: 0,
            ties: 0,
            held: (0, 0),
            group: 0,
        });
        Ok(())
    }

    /// Ranks the current sentence's reports by summary, then written date,
    /// then content order.
    fn rank_run(&mut self) {
        let run = &mut self.run[..self.run_len];
        run.sort_unstable_by(|a, b| (&a.0, &a.1, a.2).cmp(&(&b.0, &b.1, b.2)));
        for (rank, &(_, _, at)) in run.iter().enumerate() {
            if let Some(r) = self.reports.get_mut(at) {
                r.rank = rank as u32;
            }
        }
        self.run_len = 0;
    }

    /// The day's clusters to `out`, numbered on from `seq` (records as
    /// [`HEAD`] tells).
    fn finish(
        &mut self,
        strings: &Interner,
        looked_up: &[bool],
        out: &mut Clustered,
        seq: &mut u64,
        enc: &mut Enc,
    ) -> io::Result<()> {
        self.rank_run();
        let Some(date) = self.date.take() else {
            return Ok(());
        };
        self.count_ties()?;
        self.group();
        let Day {
            tape,
            reports,
            groups,
            words,
            looked,
            ..
        } = self;
        let first_seq = *seq;
        *seq += groups.len() as u64;
        let parsed = strings.name(date).parse::<Date>().is_ok();
        let month = month_of(strings.name(date));
        let mut place = 0usize;
        tape.read(|bytes| {
            let e = read_ev(&mut Dec::new(bytes))?;
            let Some(report) = reports.get(place) else {
                return Err(io::Error::other("a day's tape past its reports"));
            };
            let g = report.group as usize;
            let seq = first_seq + g as u64;
            let group = &mut groups[g];
            // A group of one report goes out as one record, head and report.
            if group.size > 1 {
                enc.clear();
                enc.u64_key(seq);
                enc.bytes.push(MEMBER);
                enc.u64_key(place as u64);
                enc.bytes.extend_from_slice(e.bytes);
                out.clusters.push(&enc.bytes)?;
            }
            place += 1;
            let (first_ord, first_sid) = *group.first.get_or_insert((e.ord, e.sid));
            group.single &= e.sid == first_sid;
            group.left -= 1;
            // Most groups are one report: their words need no keeping.
            let held = if group.size == 1 {
                words.clear();
                &mut *words
            } else {
                &mut group.words
            };
            held.extend(e.actors.iter());
            held.extend(e.terms.iter());
            if group.left > 0 {
                return Ok(());
            }
            if group.size > 1 {
                *words = std::mem::take(&mut group.words);
            }
            words.sort_unstable();
            words.dedup();
            if parsed {
                for &w in words.iter() {
                    if let Some(count) = out.users_of.get_mut(w as usize) {
                        *count = count.saturating_add(1);
                    }
                }
            }
            looked.clear();
            looked.extend(
                words
                    .iter()
                    .copied()
                    .filter(|&w| looked_up.get(w as usize).copied().unwrap_or(false)),
            );
            // A cluster no coarse clause can share a word with is no
            // candidate for one.
            if !looked.is_empty() {
                enc.clear();
                enc.text_key(month.as_bytes());
                enc.u64_key(seq);
                enc.num(first_ord);
                enc.num(u64::from(date));
                enc.num(first_sid);
                enc.num(u64::from(group.single));
                enc.ids(looked);
                out.by_month.push(&enc.bytes)?;
            }
            enc.clear();
            enc.u64_key(seq);
            enc.bytes.push(if group.size > 1 { HEAD } else { WHOLE });
            enc.num(first_ord);
            enc.num(u64::from(date));
            enc.ids(words);
            if group.size == 1 {
                enc.bytes.extend_from_slice(e.bytes);
            }
            out.clusters.push(&enc.bytes)?;
            Ok(())
        })?;
        self.tape.clear();
        self.reports.clear();
        self.users.clear();
        self.named.clear();
        self.held.clear();
        self.groups.clear();
        Ok(())
    }

    /// Each report's ties to the day's others (the day's reports that hold
    /// each of its words, for words at most [`COMMON_WORD`] hold), and
    /// those words.
    fn count_ties(&mut self) -> io::Result<()> {
        let Day {
            tape,
            reports,
            users,
            held,
            ..
        } = self;
        held.clear();
        let mut place = 0usize;
        tape.read(|bytes| {
            let e = read_ev(&mut Dec::new(bytes))?;
            let Some(report) = reports.get_mut(place) else {
                return Err(io::Error::other("a day's tape past its reports"));
            };
            place += 1;
            let start = held.len() as u32;
            let mut ties = 0;
            for w in e.terms.iter() {
                let u = users.get(w as usize);
                if u as usize <= COMMON_WORD {
                    ties += u - 1;
                    held.push(w);
                }
            }
            report.ties = ties;
            report.held = (start, held.len() as u32);
            Ok(())
        })
    }

    /// The day's reports grouped into events. A report joins the group
    /// whose core (the words half its reports or more hold) it shares at
    /// least [`SAME_DAY_SHARED`] words with, two of them rare outside the
    /// group; pairwise links would chain unrelated reports of a busy day
    /// into one row through a different pair of words at each step. The day
    /// is taken in an order of the reports' own content (most shared words
    /// first, then outlet, document and sentence, summary and written
    /// date), so the groups do not depend on the order the rows arrived in.
    fn group(&mut self) {
        let Day {
            reports,
            users,
            named,
            held,
            order,
            groups,
            holding,
            score,
            merged,
            ..
        } = self;
        // The reports most bound up with the day's others seed the groups,
        // so a group starts from the middle of an event, not its edge.
        // `sid` stands for outlet, document and sentence, which it follows.
        order.clear();
        order.extend(
            reports
                .iter()
                .enumerate()
                .map(|(i, r)| (std::cmp::Reverse(r.ties), r.sid, r.rank, i as u32)),
        );
        order.sort_unstable();
        groups.clear();
        holding.clear();
        for &(_, _, _, i) in order.iter() {
            let (start, end) = reports[i as usize].held;
            let words = &held[start as usize..end as usize];
            score.clear();
            for &word in words {
                for &g in holding.get(word) {
                    let g = g as usize;
                    if let Some(count) = groups[g].core_count(word) {
                        let entry = score.entry(g);
                        entry.0 += 1;
                        // Rare: few of the day's reports outside the group use it.
                        entry.1 +=
                            u32::from(((users.get(word as usize) - count) as usize) < RARE_WORD);
                        entry.2 += u32::from(named.get(word as usize));
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
                    size: 0,
                    holders: Vec::new(),
                    first: None,
                    single: true,
                    left: 0,
                    words: Vec::new(),
                });
                groups.len() - 1
            });
            let group = &mut groups[g];
            group.size += 1;
            group.left += 1;
            if group.holders.is_empty() {
                // A new group: its words are this report's, no merge needed.
                group.holders.extend(words.iter().map(|&w| (w, 1)));
                for &word in words {
                    holding.push(word, g as u32);
                }
            } else {
                group.hold(words, merged, |word| holding.push(word, g as u32));
            }
            reports[i as usize].group = g as u32;
        }
        // What the grouping read is done with; the day's groups stay until
        // their reports are written out.
        for group in groups.iter_mut() {
            group.holders = Vec::new();
        }
    }
}

/// A day cluster a coarse event may join: (words shared, the cluster's
/// key, its place in date order, its first report's sentence, whether that
/// sentence gives all its reports). Ordered as the join picks: most words
/// shared, then the greatest key.
type Candidate = (u32, u64, u64, u64, bool);

/// A coarse event while its months' day clusters are scored against it.
struct Scored {
    ord: u64,
    sid: u64,
    date: u32,
    /// Where its clause's words are in the block's list, and the ones of
    /// them most used in the block, which are not indexed.
    words: (u32, u32),
    most_used: [u32; COARSE_SHARED - 1],
    /// The best cluster from any other sentence (or of several).
    best: Option<Candidate>,
    /// Clusters only its own sentence gives: whether one may be joined
    /// depends on the joins before it, so the next step decides.
    own: Vec<Candidate>,
}

/// Step 3a: every month or week event against the day clusters of each
/// month it may join, a month at a time. The events of a month are held a
/// block at a time (about `budget` bytes) while the month's clusters, kept
/// on a tape, stream past them; so neither side needs to fit in memory.
/// Gives, by event, the best candidate and the own-sentence ones.
fn score_coarse(
    by_month: Sorter,
    clusters: Sorter,
    strings: &Interner,
    scratch: &Scratch,
    enc: &mut Enc,
) -> io::Result<Sorter> {
    let mut scored = scratch.sorter();
    let mut events = by_month.finish()?;
    let mut clusters = clusters.finish()?;
    // The next record of each stream, with its month.
    let read_month = |dec: &mut Dec<'_>| dec.text_key();
    let mut next_event: Option<(Vec<u8>, Vec<u8>)> = match events.next()? {
        Some(r) => Some((read_month(&mut Dec::new(r))?, r.to_vec())),
        None => None,
    };
    let mut next_cluster: Option<(Vec<u8>, Vec<u8>)> = match clusters.next()? {
        Some(r) => Some((read_month(&mut Dec::new(r))?, r.to_vec())),
        None => None,
    };
    let mut tape = scratch.tape();
    let mut block: Vec<Scored> = Vec::new();
    let mut holding = Lists::default();
    // Per event of the block, its indexed words the cluster at hand holds;
    // and that cluster's words.
    let mut shared: Tally<u32> = Tally::new();
    let mut in_cluster: Tally<bool> = Tally::new();
    // How many of the month's day clusters hold each word, and how many of
    // the block's events.
    let mut in_month: Tally<u32> = Tally::new();
    let mut in_block: Tally<u32> = Tally::new();
    // The block's events' words that are not common in the month, sorted,
    // each event's at `Scored::words`.
    let mut block_words: Vec<u32> = Vec::new();
    let mut by_use: Vec<(u32, u32)> = Vec::new();
    let mut words: Vec<u32> = Vec::new();
    while let Some((month, _)) = next_event.clone() {
        // The month's clusters onto the tape; earlier months have no events.
        tape.clear();
        in_month.clear();
        let mut any = false;
        while let Some((m, record)) = &next_cluster {
            match m.cmp(&month) {
                std::cmp::Ordering::Greater => break,
                std::cmp::Ordering::Equal => {
                    tape.push(record)?;
                    let mut dec = Dec::new(record);
                    dec.skip_text_key()?;
                    dec.u64_key()?;
                    for _ in 0..4 {
                        dec.num()?;
                    }
                    dec.ids(&mut words)?;
                    for &w in &words {
                        *in_month.entry(w as usize) += 1;
                    }
                    any = true;
                }
                std::cmp::Ordering::Less => {}
            }
            next_cluster = match clusters.next()? {
                Some(r) => Some((read_month(&mut Dec::new(r))?, r.to_vec())),
                None => None,
            };
        }
        // The month's events, a block at a time.
        while next_event.as_ref().is_some_and(|(m, _)| *m == month) {
            block.clear();
            holding.clear();
            block_words.clear();
            let mut held = 0;
            while held < scratch.budget {
                let Some((m, record)) = &next_event else {
                    break;
                };
                if *m != month {
                    break;
                }
                let mut dec = Dec::new(record);
                dec.skip_text_key()?;
                let ord = dec.u64_key()?;
                let (sid, date) = (dec.num()?, dec.num_u32()?);
                dec.ids(&mut words)?;
                held += 64 + 12 * words.len();
                // A word common in the month counts for no cluster.
                words.retain(|&w| in_month.get(w as usize) as usize <= MONTH_COMMON_WORD);
                words.sort_unstable();
                words.dedup();
                let start = block_words.len() as u32;
                block_words.extend_from_slice(&words);
                let end = block_words.len() as u32;
                block.push(Scored {
                    ord,
                    sid,
                    date,
                    words: (start, end),
                    most_used: [0; COARSE_SHARED - 1],
                    best: None,
                    own: Vec::new(),
                });
                next_event = match events.next()? {
                    Some(r) => Some((read_month(&mut Dec::new(r))?, r.to_vec())),
                    None => None,
                };
            }
            // A cluster and an event that share COARSE_SHARED words share
            // one of the event's words past its COARSE_SHARED - 1 most used
            // in the block (in one order for all events: most events
            // first, then word id), so only those are indexed, and an event
            // found through one has its most used words looked up in the
            // cluster's. The most used words, whose lists of events are the
            // longest, are then read only for the events they could decide.
            in_block.clear();
            for &w in &block_words {
                *in_block.entry(w as usize) += 1;
            }
            for (slot, e) in block.iter_mut().enumerate() {
                let clause = &block_words[e.words.0 as usize..e.words.1 as usize];
                if clause.len() < COARSE_SHARED {
                    continue;
                }
                by_use.clear();
                by_use.extend(clause.iter().map(|&w| (in_block.get(w as usize), w)));
                by_use.sort_unstable_by(|a, b| b.cmp(a));
                let (most_used, rest) = by_use.split_at(COARSE_SHARED - 1);
                for &(_, w) in rest {
                    holding.push(w, slot as u32);
                }
                for (top, &(_, w)) in e.most_used.iter_mut().zip(most_used) {
                    *top = w;
                }
            }
            if any {
                let mut parsed: Option<(u32, Option<Date>)> = None;
                tape.read(|record| {
                    let mut dec = Dec::new(record);
                    dec.skip_text_key()?;
                    let seq = dec.u64_key()?;
                    let (key, date, sid) = (dec.num()?, dec.num_u32()?, dec.num()?);
                    let single = dec.num()? == 1;
                    dec.ids(&mut words)?;
                    let day = match parsed {
                        Some((d, day)) if d == date => day,
                        _ => {
                            let day = strings.name(date).parse().ok();
                            parsed = Some((date, day));
                            day
                        }
                    };
                    shared.clear();
                    in_cluster.clear();
                    // Skipping the month's common words also keeps this step
                    // linear: a word's clusters times its events would grow
                    // with the square of the month.
                    for w in &words {
                        if in_month.get(*w as usize) as usize > MONTH_COMMON_WORD {
                            continue;
                        }
                        *in_cluster.entry(*w as usize) = true;
                        for &slot in holding.get(*w) {
                            *shared.entry(slot as usize) += 1;
                        }
                    }
                    for (slot, &indexed) in shared.iter() {
                        let e = &mut block[slot];
                        let score = indexed
                            + e.most_used
                                .iter()
                                .map(|&w| u32::from(in_cluster.get(w as usize)))
                                .sum::<u32>();
                        if score as usize >= COARSE_SHARED
                            && covers(strings.name(e.date), strings.name(date), day)
                        {
                            let candidate = (score, key, seq, sid, single);
                            if single && sid == e.sid {
                                e.own.push(candidate);
                            } else if e.best.is_none_or(|best| candidate > best) {
                                e.best = Some(candidate);
                            }
                        }
                    }
                    Ok(())
                })?;
            }
            for e in &block {
                if e.best.is_none() && e.own.is_empty() {
                    continue;
                }
                enc.clear();
                enc.u64_key(e.ord);
                for candidate in e.best.iter().chain(&e.own) {
                    encode_candidate(enc, candidate);
                }
                scored.push(&enc.bytes)?;
            }
        }
    }
    Ok(scored)
}

fn encode_candidate(enc: &mut Enc, &(score, key, seq, sid, single): &Candidate) {
    enc.num(u64::from(score));
    enc.num(key);
    enc.num(seq);
    enc.num(sid);
    enc.num(u64::from(single));
}

/// Step 3b: coarser events, in content order, joined to the day cluster
/// they cover that they share most with (scored in step 3a), or else
/// gathered by their own value. Months and weeks join the day they cover
/// whose reports hold most of their clause's words; not a day only their
/// own sentence gives ("Berlin said Monday the summit was planned for later
/// this month") unless another sentence's event has joined it before. Gives
/// the joins (by day cluster, then event) and the gathered clusters' events
/// (by cluster, then event).
fn join_coarse(
    coarse: Sorter,
    scored: Sorter,
    scratch: &Scratch,
    enc: &mut Enc,
) -> io::Result<(Sorter, Sorter)> {
    let (mut joined, mut gathered) = (scratch.sorter(), scratch.sorter());
    let mut coarse = coarse.finish()?;
    let mut scored = scored.finish()?;
    let mut next_scored: Option<Vec<u8>> = scored.next()?.map(<[u8]>::to_vec);
    // Day clusters only one sentence gives that another sentence's event
    // joined before that sentence's own events come, by (sentence, place);
    // dropped once the sentence is passed.
    let mut opened: BTreeSet<(u64, u64)> = BTreeSet::new();
    // Per value, the gathered clusters under each word of their clauses.
    let mut own: HashMap<(u32, u32), HashMap<u32, Vec<u64>>> = HashMap::default();
    let mut formed: u64 = 0;
    while let Some(record) = coarse.next()? {
        let mut dec = Dec::new(record);
        dec.u64_key()?;
        let e = read_ev(&mut dec)?;
        while opened.first().is_some_and(|&(sid, _)| sid < e.sid) {
            opened.pop_first();
        }
        let mut best: Option<Candidate> = None;
        while let Some(record) = &next_scored {
            let mut dec = Dec::new(record);
            if dec.u64_key()? != e.ord {
                break;
            }
            while !dec.is_empty() {
                let candidate: Candidate = (
                    dec.num_u32()?,
                    dec.num()?,
                    dec.num()?,
                    dec.num()?,
                    dec.num()? == 1,
                );
                let (_, _, seq, sid, single) = candidate;
                let open = !(single && sid == e.sid) || opened.contains(&(sid, seq));
                if open && best.is_none_or(|best| candidate > best) {
                    best = Some(candidate);
                }
            }
            next_scored = scored.next()?.map(<[u8]>::to_vec);
        }
        enc.clear();
        match best {
            Some((_, _, seq, sid, single)) => {
                if single && sid != e.sid && e.ord < sid {
                    opened.insert((sid, seq));
                }
                enc.u64_key(seq);
                enc.u64_key(e.ord);
                enc.bytes.extend_from_slice(e.bytes);
                joined.push(&enc.bytes)?;
            }
            None => {
                // Coarse events of one value whose clauses share key words
                // gather in one cluster.
                let index = own.entry((e.date, e.precision)).or_default();
                let mut counts: HashMap<u64, usize> = HashMap::default();
                for w in e.clause.iter() {
                    for &key in index.get(&w).into_iter().flatten() {
                        *counts.entry(key).or_default() += 1;
                    }
                }
                let key = counts
                    .iter()
                    .filter(|&(_, &c)| c >= SAME_DAY_SHARED)
                    .map(|(&key, &c)| (c, std::cmp::Reverse(key)))
                    .max()
                    .map_or(formed, |(_, std::cmp::Reverse(key))| key);
                for w in e.clause.iter() {
                    let keys = index.entry(w).or_default();
                    if !keys.contains(&key) && keys.len() < COMMON_WORD {
                        keys.push(key);
                    }
                }
                if key == formed {
                    formed += 1;
                }
                enc.u64_key(key);
                enc.u64_key(e.ord);
                enc.bytes.extend_from_slice(e.bytes);
                gathered.push(&enc.bytes)?;
            }
        }
    }
    Ok((joined, gathered))
}

/// One report of a day cluster, as step 4 reads it.
fn add_member(
    row: &mut RowBuilder,
    sources: &mut Vec<u32>,
    parties: &mut Vec<(Vec<u32>, Vec<u32>)>,
    strings: &Interner,
    e: &EvRef<'_>,
) {
    row.add(strings, e);
    sources.push(e.source);
    // A pair disagrees only through two reports that share two parties.
    if e.actors.len() >= 2 {
        parties.push((e.actors.iter().collect(), e.terms.iter().collect()));
    }
}

/// The next record of a sorted stream copied into `into`; false at its end.
fn next_copy(sorted: &mut spill::Sorted, into: &mut Vec<u8>) -> io::Result<bool> {
    into.clear();
    match sorted.next()? {
        Some(record) => {
            into.extend_from_slice(record);
            Ok(true)
        }
        None => Ok(false),
    }
}

/// Step 4: day clusters in date order with the coarse events joined to
/// them; disagreements between clusters a few days apart that share parties
/// and several words, reported by different outlets. Each cluster's row
/// goes to `rows` once no later cluster can pair with it.
fn find_disagreements(
    clusters: Sorter,
    joined: Sorter,
    users_of: &[u32],
    strings: &Interner,
    window_days: i64,
    rows: &mut Sorter,
    enc: &mut Enc,
) -> io::Result<()> {
    let epoch = Date::constant(1970, 1, 1);
    let mut clusters = clusters.finish()?;
    let mut joined = joined.finish()?;
    let mut next_join = Vec::new();
    let mut have_join = next_copy(&mut joined, &mut next_join)?;
    let mut window: VecDeque<Pending> = VecDeque::new();
    // Window clusters under each rare word, by their place in the window
    // counted from the first cluster ever in it.
    let mut holding: HashMap<u32, VecDeque<u64>> = HashMap::default();
    let mut passed: u64 = 0;
    let mut words: Vec<u32> = Vec::new();
    let mut partners: Vec<usize> = Vec::new();
    // The cluster being read: its seq, key and date, row, outlets and parties.
    let mut open: Option<(u64, u64, u32)> = None;
    let mut row = RowBuilder::default();
    let mut sources: Vec<u32> = Vec::new();
    let mut parties: Vec<(Vec<u32>, Vec<u32>)> = Vec::new();
    loop {
        let mut dec = clusters.next()?.map(Dec::new);
        // A cluster's head record, then one record per report.
        let head = match &mut dec {
            Some(dec) => {
                let seq = dec.u64_key()?;
                let kind = dec.byte()?;
                if kind == MEMBER {
                    dec.u64_key()?;
                    let e = read_ev(dec)?;
                    add_member(&mut row, &mut sources, &mut parties, strings, &e);
                    continue;
                }
                Some((seq, dec.num()?, dec.num_u32()?, kind == WHOLE))
            }
            None => None,
        };
        if let Some((seq, key, date)) = open.take() {
            while have_join {
                let mut dec = Dec::new(&next_join);
                if dec.u64_key()? != seq {
                    break;
                }
                dec.u64_key()?;
                let e = read_ev(&mut dec)?;
                add_member(&mut row, &mut sources, &mut parties, strings, &e);
                have_join = next_copy(&mut joined, &mut next_join)?;
            }
            sources.sort_unstable();
            sources.dedup();
            // A cluster without a report of two parties pairs with none and
            // need not wait in the window: most clusters.
            let day = match strings.name(date).parse::<Date>() {
                Ok(day) if !parties.is_empty() => Some(i64::from((day - epoch).get_days())),
                _ => None,
            };
            match day {
                None => row.finish(rows, enc, strings, "", key)?,
                Some(day) => {
                    // Clusters too far back for this one are too far back for any later.
                    while window.front().is_some_and(|a| day - a.day > window_days) {
                        if let Some(a) = window.pop_front() {
                            for w in &a.rare {
                                if let Some(list) = holding.get_mut(w) {
                                    list.pop_front();
                                    if list.is_empty() {
                                        holding.remove(w);
                                    }
                                }
                            }
                            passed += 1;
                            finish_pending(rows, enc, strings, a)?;
                        }
                    }
                    let rare: Vec<u32> = words
                        .iter()
                        .copied()
                        .filter(|&w| {
                            users_of.get(w as usize).copied().unwrap_or(0) as usize <= RARE_CLUSTERS
                        })
                        .collect();
                    partners.clear();
                    for w in &rare {
                        for &place in holding.get(w).into_iter().flatten() {
                            partners.push((place - passed) as usize);
                        }
                    }
                    partners.sort_unstable();
                    partners.dedup();
                    let mut b = Pending {
                        key,
                        date,
                        day,
                        rare,
                        sources: std::mem::take(&mut sources),
                        parties: std::mem::take(&mut parties),
                        row: std::mem::take(&mut row),
                        found: Vec::new(),
                    };
                    for &p in &partners {
                        let a = &mut window[p];
                        if a.day == b.day || a.date == b.date {
                            continue;
                        }
                        // An outlet that reports both dates reports two events, not one event twice.
                        if shared_count(&a.sources, &b.sources) > 0 {
                            continue;
                        }
                        let strong = a.parties.iter().any(|(x_parties, x_terms)| {
                            b.parties.iter().any(|(y_parties, y_terms)| {
                                shared_count(x_parties, y_parties) >= 2
                                    && shared_count(x_terms, y_terms) >= 3
                            })
                        });
                        if strong {
                            let names = |c: &Pending| {
                                let names: BTreeSet<&str> =
                                    c.sources.iter().map(|&id| strings.name(id)).collect();
                                names.into_iter().collect::<Vec<_>>().join(", ")
                            };
                            a.found.push((
                                b.key,
                                format!("{} dated it {}", names(&b), strings.name(b.date)),
                            ));
                            b.found.push((
                                a.key,
                                format!("{} dated it {}", names(a), strings.name(a.date)),
                            ));
                        }
                    }
                    let place = passed + window.len() as u64;
                    for w in &b.rare {
                        holding.entry(*w).or_default().push_back(place);
                    }
                    window.push_back(b);
                }
            }
        }
        let (Some((seq, key, date, whole)), Some(dec)) = (head, &mut dec) else {
            break;
        };
        dec.ids(&mut words)?;
        open = Some((seq, key, date));
        row.start(strings, date);
        sources.clear();
        parties.clear();
        if whole {
            let e = read_ev(dec)?;
            add_member(&mut row, &mut sources, &mut parties, strings, &e);
        }
    }
    for a in window {
        finish_pending(rows, enc, strings, a)?;
    }
    Ok(())
}

/// A day cluster's row, its disagreements in the order of the other
/// clusters' keys.
fn finish_pending(
    rows: &mut Sorter,
    enc: &mut Enc,
    strings: &Interner,
    mut a: Pending,
) -> io::Result<()> {
    a.found.sort_by_key(|&(key, _)| key);
    let disagreement = a
        .found
        .iter()
        .map(|(_, text)| text.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    a.row.finish(rows, enc, strings, &disagreement, a.key)
}

/// Gathered coarse clusters' rows.
fn gathered_rows(
    gathered: Sorter,
    strings: &Interner,
    rows: &mut Sorter,
    enc: &mut Enc,
) -> io::Result<()> {
    let mut gathered = gathered.finish()?;
    let mut row = RowBuilder::default();
    let mut current: Option<u64> = None;
    while let Some(record) = gathered.next()? {
        let mut dec = Dec::new(record);
        let key = dec.u64_key()?;
        dec.u64_key()?;
        let e = read_ev(&mut dec)?;
        if current != Some(key) {
            if let Some(done) = current {
                row.finish(rows, enc, strings, "", COARSE | done)?;
            }
            current = Some(key);
            row.start(strings, e.date);
        }
        row.add(strings, &e);
    }
    if let Some(done) = current {
        row.finish(rows, enc, strings, "", COARSE | done)?;
    }
    Ok(())
}

/// One cluster's row, built a report at a time as its events stream past,
/// so that no step holds a cluster's events: only the row's own text.
#[derive(Default)]
struct RowBuilder {
    date: u32,
    /// The first report's precision.
    precision: Option<u32>,
    /// The date and the reports apart by "|": the table's order.
    sort_key: Vec<u8>,
    /// Each run of repeated reports once, apart by " | ".
    cell: Vec<u8>,
    last: Vec<u8>,
    report: Vec<u8>,
    /// The summary with the longest text up to 80 bytes (the shortest past
    /// that), the last of equals, and its rank.
    summary: Vec<u8>,
    summary_rank: Option<(usize, std::cmp::Reverse<usize>)>,
    /// Outlet ids, sorted and without repeats at `finish`.
    sources: Vec<u32>,
    evidence: Enc,
    evidence_count: u64,
}

impl RowBuilder {
    fn start(&mut self, strings: &Interner, date: u32) {
        self.date = date;
        self.precision = None;
        self.sort_key.clear();
        self.sort_key
            .extend_from_slice(strings.name(date).as_bytes());
        self.sort_key.push(b'|');
        self.cell.clear();
        self.last.clear();
        self.summary.clear();
        self.summary_rank = None;
        self.sources.clear();
        self.evidence.clear();
        self.evidence_count = 0;
    }

    fn add(&mut self, strings: &Interner, e: &EvRef<'_>) {
        let first = self.precision.is_none();
        self.precision.get_or_insert(e.precision);
        self.report.clear();
        for piece in [
            strings.name(e.source).as_bytes(),
            b": \"",
            e.written,
            b"\" (",
            e.doc,
            b")",
        ] {
            self.report.extend_from_slice(piece);
        }
        if first || self.report != self.last {
            if !first {
                self.cell.extend_from_slice(b" | ");
                self.sort_key.push(b'|');
            }
            self.cell.extend_from_slice(&self.report);
            self.sort_key.extend_from_slice(&self.report);
            std::mem::swap(&mut self.last, &mut self.report);
        }
        let len = e.summary.len();
        let rank = (len.min(80), std::cmp::Reverse(len));
        if self.summary_rank.is_none_or(|best| rank >= best) {
            self.summary_rank = Some(rank);
            self.summary.clear();
            self.summary.extend_from_slice(e.summary);
        }
        self.sources.push(e.source);
        if let Some((doc, start, end)) = e.evidence {
            self.evidence.text_bytes(doc);
            self.evidence.num(start as u64);
            self.evidence.num(end as u64);
            self.evidence_count += 1;
        }
    }

    /// The outlets' names, sorted, without repeats.
    fn source_names<'s>(&mut self, strings: &'s Interner) -> Vec<&'s str> {
        self.sources.sort_unstable();
        self.sources.dedup();
        let mut names: Vec<&str> = self.sources.iter().map(|&id| strings.name(id)).collect();
        names.sort_unstable();
        names
    }

    /// The row into the sort by the table's order, then the cluster's key.
    fn finish(
        &mut self,
        rows: &mut Sorter,
        enc: &mut Enc,
        strings: &Interner,
        disagreement: &str,
        key: u64,
    ) -> io::Result<()> {
        let names = self.source_names(strings);
        enc.clear();
        enc.text_key(&self.sort_key);
        enc.u64_key(key);
        enc.text(strings.name(self.date));
        enc.text(self.precision.map_or("", |p| strings.name(p)));
        enc.text_bytes(&self.summary);
        enc.text(&names.join(", "));
        enc.text_bytes(&self.cell);
        enc.text(disagreement);
        enc.num(names.len() as u64);
        enc.num(self.evidence_count);
        enc.bytes.extend_from_slice(&self.evidence.bytes);
        rows.push(&enc.bytes)
    }
}

fn decode_row(dec: &mut Dec<'_>) -> io::Result<Row> {
    let mut cells: Vec<Value> = Vec::with_capacity(7);
    for _ in 0..6 {
        cells.push(dec.text()?.into());
    }
    cells.push(index(dec.num()?)?.into());
    let mut row = Row::new(cells);
    for _ in 0..dec.num()? {
        row.evidence.push(Evidence {
            doc: dec.text()?.into(),
            start: index(dec.num()?)?,
            end: index(dec.num()?)?,
        });
    }
    Ok(row)
}

#[cfg(test)]
mod tests {
    use newslens_core::{Row, Table, Value};

    /// An events row as the map writes it; `terms` are the sentence's key words.
    /// A group's word counts merge a member's words in: shared ones count
    /// up, new ones are told once, in order.
    #[test]
    fn a_group_counts_its_members_words() {
        let mut group = super::Group {
            size: 2,
            holders: vec![(3, 1), (7, 2), (9, 1)],
            first: None,
            single: true,
            left: 0,
            words: Vec::new(),
        };
        let (mut merged, mut fresh) = (Vec::new(), Vec::new());
        group.hold(&[1, 7, 9, 12], &mut merged, |w| fresh.push(w));
        assert_eq!(group.holders, vec![(1, 1), (3, 1), (7, 3), (9, 2), (12, 1)]);
        assert_eq!(fresh, vec![1, 12]);
        group.size = 3;
        // Held by two of three reports: in the core; by one: not.
        assert_eq!(group.core_count(9), Some(2));
        assert_eq!(group.core_count(3), None);
        assert_eq!(group.core_count(4), None);
    }

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
    /// these come after the 32nd term.
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
    /// two events when none does, names past the 32nd term included.
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

    fn fold(events: &Table, budget: usize, reversed: bool) -> super::Merge {
        let mut merge = super::Merge::with_budget(&std::env::temp_dir(), budget);
        let rows: Vec<&Row> = if reversed {
            events.rows.iter().rev().collect()
        } else {
            events.rows.iter().collect()
        };
        for row in rows {
            merge.add(events, row).unwrap();
        }
        merge
    }

    /// Reports of one sentence, outlet and date list in order of written
    /// date whatever order they came in: the reports cell is read off the
    /// events' content order.
    #[test]
    fn reports_go_by_written_date_whatever_the_arrival() {
        let mut events = crate::events::events_table();
        for written in ["Thursday", "March 5", "5 March"] {
            events.push(event(
                "A",
                "a",
                written,
                "artillery of Haftar's forces hit Sirte",
                "artillery forces haftar hit sirte",
            ));
        }
        for reversed in [false, true] {
            let table = fold(&events, 1 << 20, reversed).finish(3);
            let reports: Vec<String> = table
                .rows
                .iter()
                .map(|row| crate::text(&table, row, "reports"))
                .collect();
            assert_eq!(
                reports,
                ["A: \"5 March\" (a) | A: \"March 5\" (a) | A: \"Thursday\" (a)"],
                "reversed: {reversed}"
            );
        }
    }

    /// The `events` table the timeline's map gives for the bundled corpus.
    fn bundled_events() -> Table {
        let analyzer =
            crate::build(&newslens_core::AnalyzerSettings::for_tests("timeline")).unwrap();
        let docs = newslens_core::testing::bundled_corpus();
        let mapped = newslens_core::run::map_all(analyzer.as_ref(), &docs, None).unwrap();
        mapped.table("events").unwrap().clone()
    }

    /// The bundled corpus's timeline is the same from sorts held in memory
    /// as from sorts spilled to many small runs on disk, and from the rows
    /// in either order.
    #[test]
    fn spilled_sorts_and_either_row_order_give_the_same_timeline() {
        let events = &bundled_events();
        let in_memory = fold(events, 1 << 30, false).finish(3);
        assert!(in_memory.rows.len() > 20, "{}", in_memory.rows.len());
        assert_eq!(fold(events, 512, false).finish(3), in_memory);
        assert!(super::peak_disk_bytes() > 0);
        assert_eq!(fold(events, 512, true).finish(3), in_memory);
        assert_eq!(fold(events, 1 << 30, true).finish(3), in_memory);
    }

    /// An events row of a given date and precision.
    fn dated(source: &str, doc: &str, date: &str, precision: &str, written: &str) -> Row {
        let summary = "Haftar's forces shelled the port of Tripoli";
        let mut row = event(
            source,
            doc,
            written,
            summary,
            "forces haftar port shelled tripoli",
        );
        row.cells[2] = Value::Text(date.into());
        row.cells[3] = Value::Text(precision.into());
        row
    }

    fn reports(events: &Table) -> Vec<String> {
        let table = super::timeline(events, 3);
        table
            .rows
            .iter()
            .map(|row| crate::text(&table, row, "reports"))
            .collect()
    }

    /// A month does not join a day only its own sentence gives ("shelled
    /// the port on Monday, the second attack this month"), unless another
    /// sentence's month has joined that day before it in the content order
    /// (outlet first); a join that comes after does not open it.
    #[test]
    fn a_month_joins_its_own_sentences_day_only_after_another_sentence() {
        let mut events = crate::events::events_table();
        events.push(dated("Sirte Post", "s", "2020-03-02", "day", "Monday"));
        events.push(dated("Sirte Post", "s", "2020-03", "month", "this month"));
        assert_eq!(
            reports(&events),
            [
                "Sirte Post: \"Monday\" (s)",
                "Sirte Post: \"this month\" (s)"
            ]
        );

        let mut before = events.clone();
        before.push(dated("Alpha News", "a", "2020-03", "month", "March"));
        assert_eq!(
            reports(&before),
            [
                "Sirte Post: \"Monday\" (s) | Alpha News: \"March\" (a) | Sirte Post: \"this month\" (s)"
            ]
        );

        let mut after = events.clone();
        after.push(dated("Zeta News", "z", "2020-03", "month", "March"));
        assert_eq!(
            reports(&after),
            [
                "Sirte Post: \"Monday\" (s) | Zeta News: \"March\" (z)",
                "Sirte Post: \"this month\" (s)"
            ]
        );
    }

    /// A month's clause words that more of the month's day clusters hold
    /// than [`MONTH_COMMON_WORD`] join it to none of them: a busy month's
    /// everyday words tie nothing, and counting them would make this step
    /// grow with the square of the month. Each day here has more reports
    /// than [`COMMON_WORD`], so each report is a cluster of its own.
    #[test]
    fn a_month_joins_no_day_through_the_months_common_words() {
        let month_of_days = |days: u32| {
            let mut events = crate::events::events_table();
            for day in 1..=days {
                for n in 0..=super::COMMON_WORD {
                    let doc = format!("d{day}-{n}");
                    let date = format!("2020-03-{day:02}");
                    events.push(dated("Sirte Post", &doc, &date, "day", "Monday"));
                }
            }
            events.push(dated("Zeta News", "z", "2020-03", "month", "March"));
            reports(&events)
        };
        let zeta = "Zeta News: \"March\" (z)";
        // 30 days of 41 clusters each: 1,230, not more than 31 days of 40.
        let quiet = month_of_days(30);
        assert!(!quiet.iter().any(|r| r == zeta), "{:?}", &quiet[..3]);
        assert_eq!(quiet.iter().filter(|r| r.contains(zeta)).count(), 1);
        // 31 days: 1,271 clusters hold each of the month's words.
        let busy = month_of_days(31);
        assert_eq!(busy.iter().filter(|r| *r == zeta).count(), 1);
        assert_eq!(busy.len(), 31 * (super::COMMON_WORD + 1) + 1);
    }

    /// Values at the ends of the calendar, or that read as no date, merge
    /// without a panic: the last ISO week of 9999 ends past the last date.
    #[test]
    fn dates_past_the_calendar_merge_without_a_panic() {
        let mut events = crate::events::events_table();
        events.push(dated("A", "a", "9999-12-31", "day", "that Friday"));
        events.push(dated("B", "b", "9999-W52", "week", "that week"));
        events.push(dated("C", "c", "2020-13-45", "day", "then"));
        events.push(dated("D", "d", "", "day", ""));
        assert_eq!(
            reports(&events),
            // Sorted by "date|reports": an empty date's "|" after the digits.
            [
                "C: \"then\" (c)",
                "A: \"that Friday\" (a) | B: \"that week\" (b)",
                "D: \"\" (d)"
            ]
        );
    }

    /// The sorts' files go in the folder the merge is given: one it cannot
    /// write is an error from `add` or `finish_into`, not a panic.
    #[test]
    fn a_folder_that_cannot_hold_the_sorts_is_an_error() {
        let events = &bundled_events();
        let missing = std::env::temp_dir().join(format!(
            "newslens-timeline-no-such-folder-{}",
            std::process::id()
        ));
        let mut merge = super::Merge::with_budget(&missing, 512);
        let added: std::io::Result<()> = events
            .rows
            .iter()
            .try_for_each(|row| merge.add(events, row));
        assert!(added.is_err());
        struct Discard;
        impl newslens_core::analyzer::TableSink for Discard {
            fn table(&mut self, _: &Table) -> anyhow::Result<()> {
                Ok(())
            }
            fn row(&mut self, _: Row) -> anyhow::Result<()> {
                Ok(())
            }
            fn note(&mut self, _: String) -> anyhow::Result<()> {
                Ok(())
            }
        }
        let mut small = super::Merge::with_budget(&missing, 1 << 20);
        for row in &events.rows {
            small.add(events, row).unwrap();
        }
        assert!(
            small.finish_into(3, &mut Discard).is_ok(),
            "nothing spilled"
        );
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
        let mut streamed = Rows(Vec::new(), 0);
        fold(&events, 1 << 20, false)
            .finish_into(3, &mut streamed)
            .unwrap();
        assert_eq!(streamed.1, 1);
        assert_eq!(streamed.0, fold(&events, 1 << 20, false).finish(3).rows);
        assert_eq!(streamed.0.len(), 1);
    }
}
