//! Events: a clause that a temporal expression anchors, with a short
//! who-did-what summary, the parties it names, and the words that let the
//! reduce recognise the same event in another outlet.

use std::borrow::Cow;

use newslens_core::text::{within, TokenKind};
use newslens_core::{AnnotatedDoc, ColumnType, Evidence, Row, Span, Table};

use crate::timex::{Precision, Timex, Type};
use crate::words::WordTable;
use newslens_core::text::DocWords;

pub fn events_table() -> Table {
    use ColumnType::*;
    Table::new(
        "events",
        &[
            ("doc", Text),
            ("source", Text),
            ("date", Text),
            ("precision", Text),
            ("summary", Text),
            ("actors", Text),
            ("start", Int),
            ("end", Int),
            ("written", Text),
            ("terms", Text),
        ],
    )
}

/// The words of one sentence, worked out once for all the timexes in it.
struct SentenceWords<'a> {
    index: usize,
    tokens: &'a [newslens_core::text::Token],
    /// Each token lower-cased. Every mark the clause rules look for
    /// (brackets, dashes, quote marks, stops) is its own lower case, so they
    /// read marks here too and slice the text as written only to render.
    lower: &'a [&'a str],
    /// Each token's word classes (`LEXICON`).
    class: Vec<u16>,
    /// The parties the sentence names, in order, joined by commas: every
    /// event of the sentence names the same.
    actors: String,
    /// The key words that tie reports together, with the token each comes
    /// from, sorted by word once for all the sentence's events.
    /// Each with its first bytes as a number ([`prefix`]), which orders
    /// most pairs without comparing the words.
    terms: Vec<(u64, Span, Cow<'a, str>)>,
    /// The bytes of all the terms with a space after each: room for any
    /// event's list.
    terms_bytes: usize,
    /// The tokens that may open or close an aside or be a quote mark
    /// ([`opens_mark`]), in order: the clause rules look only at these.
    marks: Vec<usize>,
}

/// Whether a token (lower-cased) begins with a byte that every bracket,
/// dash and quote mark the clause rules skip begins with ("—", "“" and "‘"
/// with 0xE2, "«" with 0xC2): a token that begins otherwise is none.
fn opens_mark(word: &str) -> bool {
    matches!(
        word.as_bytes().first(),
        Some(b'(' | b'-' | b'"' | 0xE2 | 0xC2)
    )
}

impl<'a> SentenceWords<'a> {
    fn new(words: &'a DocWords<'a>, index: usize) -> SentenceWords<'a> {
        let doc = words.doc;
        let sentence = doc.sentences[index];
        let range = words.token_range(sentence);
        let tokens = &doc.tokens[range.clone()];
        let lower = &words.lower[range];
        // A sentence names a few parties: sorting them beats a tree's nodes.
        let mut actors: Vec<&str> = doc
            .mentions_in(sentence)
            .iter()
            .map(|m| doc.gazetteer.actors[m.actor].id.as_str())
            .collect();
        actors.sort_unstable();
        actors.dedup();
        let actors = actors.join(",");
        // One pass gives each token's classes and the terms: only words are
        // in the lexicon, and only words that are no stop word are terms.
        // Both are sized for every token, so pushing never grows them.
        let mut classes: Vec<u16> = Vec::with_capacity(tokens.len());
        let mut terms = Vec::with_capacity(tokens.len());
        let mut terms_bytes = 0;
        // The lexicon once for the sentence rather than once a word: each
        // look-up then inlines, without the call and the check that it is built.
        let lexicon = &*CLASSES;
        let mut marks = Vec::new();
        for (i, (token, &word)) in tokens.iter().zip(lower).enumerate() {
            if opens_mark(word) {
                marks.push(i);
            }
            if token.kind != TokenKind::Word {
                classes.push(0);
                continue;
            }
            let c = lexicon.get(word);
            classes.push(c);
            if c & STOP_WORD != 0 {
                continue;
            }
            if let Some(term) = term_of(token.span, word) {
                terms_bytes += term.2.len() + 1;
                terms.push(term);
            }
        }
        terms.sort_unstable_by(|a: &(u64, Span, Cow<str>), b| {
            a.0.cmp(&b.0).then_with(|| a.2.cmp(&b.2))
        });
        SentenceWords {
            index,
            tokens,
            lower,
            class: classes,
            actors,
            terms,
            terms_bytes,
            marks,
        }
    }
}

/// The key term a word gives (a word that is no stop word), with its
/// [`prefix`]: the word of four letters or more, hyphens dropped.
fn term_of(span: Span, word: &str) -> Option<(u64, Span, Cow<'_, str>)> {
    // Fewer bytes are fewer letters, and dropping hyphens only shortens.
    if word.len() < 4 {
        return None;
    }
    // Most words are ASCII without a hyphen: one pass over the bytes tells,
    // and such a word is its own term, its bytes its letters.
    if plain_ascii(word.as_bytes()) {
        return Some((prefix(word), span, Cow::Borrowed(word)));
    }
    let hyphens = ['-', '\u{2010}', '\u{2011}'];
    if word.contains(hyphens) {
        let term = word.replace(hyphens, "");
        // The word's own class was looked up by the caller; the term's is not.
        (term.chars().count() >= 4 && class(&term) & STOP_WORD == 0)
            .then(|| (prefix(&term), span, Cow::Owned(term)))
    } else {
        (word.chars().count() >= 4).then(|| (prefix(word), span, Cow::Borrowed(word)))
    }
}

/// Whether a word of at least 4 bytes is ASCII without a hyphen, read a
/// word of bytes at a time: its first and last 8 (or 4) bytes, which
/// overlap and cover a word of up to 16 bytes; a longer one byte by byte.
fn plain_ascii(bytes: &[u8]) -> bool {
    // Per byte of `x`, its top bit set when the byte is non-ASCII or a hyphen.
    fn flagged(x: u64, ones: u64) -> u64 {
        let hyphens = x ^ (ones * u64::from(b'-'));
        // A zero byte of `hyphens` is a hyphen (the classic zero-byte test;
        // it only errs towards a flag after a flagged byte).
        (hyphens.wrapping_sub(ones) & !hyphens | x) & (ones << 7)
    }
    const ONES: u64 = 0x0101_0101_0101_0101;
    if bytes.len() > 16 {
        return !bytes.iter().any(|&b| b == b'-' || !b.is_ascii());
    }
    if let (Some(head), Some(tail)) = (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
        return flagged(u64::from_le_bytes(*head), ONES) | flagged(u64::from_le_bytes(*tail), ONES)
            == 0;
    }
    if let (Some(head), Some(tail)) = (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
        let (head, tail) = (
            u64::from(u32::from_le_bytes(*head)),
            u64::from(u32::from_le_bytes(*tail)),
        );
        return flagged(head | tail << 32, ONES) == 0;
    }
    !bytes.iter().any(|&b| b == b'-' || !b.is_ascii())
}

/// A word's first eight bytes as a big-endian number, zeros after a
/// shorter word: two words' prefixes compare as the words do, unless equal
/// (then the words decide), so a sort reads one number for most pairs.
fn prefix(word: &str) -> u64 {
    let bytes = word.as_bytes();
    if let Some(head) = bytes.first_chunk::<8>() {
        return u64::from_be_bytes(*head);
    }
    // 4 to 7 bytes (every term's): the first four and the last four, which
    // overlap, each shifted to its place.
    if let (Some(head), Some(tail)) = (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
        let head = u64::from(u32::from_be_bytes(*head)) << 32;
        let tail = u64::from(u32::from_be_bytes(*tail)) << (64 - 8 * bytes.len());
        return head | tail;
    }
    bytes
        .iter()
        .enumerate()
        .fold(0, |out, (k, &b)| out | u64::from(b) << (56 - 8 * k))
}

/// One event per dated clause: DATE and TIME expressions with a calendar value.
pub fn events(doc: &AnnotatedDoc, timexes: &[Timex]) -> Table {
    events_of(&doc.words(), timexes)
}

/// [`events`] of the document `doc_words` holds.
pub fn events_of(doc_words: &DocWords, timexes: &[Timex]) -> Table {
    let evidence: Vec<Evidence> = timexes
        .iter()
        .map(|t| doc_words.doc.evidence(t.span))
        .collect();
    events_with_evidence(doc_words, timexes, &evidence)
}

/// [`events_of`], given each timex's evidence (the map has it for the
/// timexes' table: character offsets are counted once).
pub fn events_with_evidence(
    doc_words: &DocWords,
    timexes: &[Timex],
    timex_evidence: &[Evidence],
) -> Table {
    let doc = doc_words.doc;
    // The sentence's evidence, for every event of one sentence.
    let mut sentence_evidence: Option<(usize, Evidence)> = None;
    let mut table = events_table();
    let mut words: Option<SentenceWords> = None;
    let mut buffers = ClauseBuffers::default();
    for (k, t) in timexes.iter().enumerate() {
        if !matches!(t.kind, Type::Date | Type::Time)
            || t.precision == Precision::None
            || t.date.is_none()
        {
            continue;
        }
        // "January 13 of this year" is one date: the year dates no event of its own.
        let of_previous = k > 0 && {
            let gap = Span::new(timexes[k - 1].span.end as usize, t.span.start as usize);
            timexes[k - 1].span.end <= t.span.start
                && doc.slice(gap).trim().eq_ignore_ascii_case("of")
        };
        if of_previous {
            continue;
        }
        let Some(index) = doc.sentence_index(t.span.start) else {
            continue;
        };
        if words.as_ref().is_none_or(|w| w.index != index) {
            words = Some(SentenceWords::new(doc_words, index));
        }
        let words = words.as_ref().expect("set just above");
        let sentence = doc.sentences[index];
        // The timexes come in text order: the sentence's are a run around this one.
        let from = timexes.partition_point(|o| o.span.end <= sentence.start);
        let others: Vec<Span> = timexes[from..]
            .iter()
            .take_while(|o| o.span.start < sentence.end)
            .map(|o| o.span)
            .filter(|o| sentence.contains(*o) && *o != t.span)
            .collect();
        let summary = summary(doc, sentence, words, t.span, &others, &mut buffers);
        // A sentence that is only its date (a dateline) tells of no event.
        if summary.is_empty() {
            continue;
        }
        // The sentence's words in order, once each, but for the date's own.
        let mut terms = String::with_capacity(words.terms_bytes);
        let mut last: Option<&str> = None;
        for (_, span, term) in &words.terms {
            if t.span.contains(*span) || last == Some(&**term) {
                continue;
            }
            if last.is_some() {
                terms.push(' ');
            }
            terms.push_str(term);
            last = Some(term);
        }
        let value = t.value.split('T').next().unwrap_or(&t.value);
        // The sentence's evidence holds its character offsets: counted once.
        let evidence = match &sentence_evidence {
            Some((i, evidence)) if *i == index => evidence.clone(),
            _ => {
                let evidence = doc.evidence(sentence);
                sentence_evidence = Some((index, evidence.clone()));
                evidence
            }
        };
        let (start, end) = (evidence.start, evidence.end);
        table.push(
            Row::new(vec![
                doc.id().into(),
                doc.source().into(),
                value.into(),
                t.precision.name().into(),
                summary.into(),
                words.actors.as_str().into(),
                start.into(),
                end.into(),
                doc.slice(t.span).into(),
                terms.into(),
            ])
            .with_evidence(evidence)
            .with_evidence(timex_evidence[k].clone()),
        );
    }
    table
}

// Word classes for the summary's rules: a closed-class lexicon of English,
// so a clause's parts can be found without a tagger.
const VERB: u16 = 1;
const AUX: u16 = 1 << 1;
const SPEECH: u16 = 1 << 2;
const PREP: u16 = 1 << 3;
const DET: u16 = 1 << 4;
const CONJ: u16 = 1 << 5;
const SUB: u16 = 1 << 6;
const REL: u16 = 1 << 7;
const ADV: u16 = 1 << 8;
const TIME_MOD: u16 = 1 << 9;
const PRON: u16 = 1 << 10;
/// Words in "-ed" that are no verbs.
const NOT_VERB: u16 = 1 << 11;
/// Prepositions that can introduce a date ("on Tuesday", "for later this month").
const DATE_PREP: u16 = 1 << 12;
/// Time zones after a clock time ("at 1900 GMT").
const ZONE: u16 = 1 << 13;
/// Words too common in news to tie two reports together.
const STOP_WORD: u16 = 1 << 14;
/// Subordinators that can also be prepositions ("after rapid advances"): a
/// clause boundary only when no date follows them. A class bit, so that the
/// clause rules test a bit rather than compare the word with each.
const SUB_OR_PREP: u16 = 1 << 15;

const LEXICON: &[(u16, &str)] = &[
    (
        STOP_WORD,
        "the and that with from this have were been which their they said says will would \
         about after before also into over than there these those what when where while \
         other more most some such only according told year month week day last early \
         late later earlier monday tuesday wednesday thursday friday saturday sunday \
         january february march april june july august september october november \
         december it's its his her them then being could should because",
    ),
    (
        VERB,
        "met meet meets left leave leaves held hold holds began begin begins took take takes \
         fell falls went goes came comes made makes hit won lost fled led sent saw gave got ran \
         kept broke struck shot fought sought brought bought sold built spoke rose drew chose \
         threw knew grew paid put set cut quit split read reads became become becomes sign signs launch \
         launches visit visits kill kills resume resumes starts ends calls warn warns agree \
         agrees found felt heard stood thought understood withdrew meant lay laid lent let \
         slid spent swore swept taught tore wore woke arose flew beat bore bid bound dug fed \
         hung shook shut sank stole stuck spun rang sang sat slept remain remains threatens \
         continue continues wants supports seeks condemns denies urges plans expects hopes \
         killed stop stops opened begun taken given gone seen known shown done sprang sprung \
         arisen awoke bent bled blew blown bred caught clung crept dealt drove driven drank \
         drunk ate eaten fought forbade forgave forgiven froze frozen ground hid hidden hurt \
         leapt lit meant mistook overcame overran overthrew overturned rode ridden rang rung \
         sank sunk shone shrank slew sped spun spat spread sprang stank stung strode strove \
         swam swung tore torn trod undertook underwent upheld upset wept withheld withstood \
         won wound wrung",
    ),
    (
        AUX,
        "is are was were be been being am has have had do does did will would can could may \
         might must shall should",
    ),
    (
        SPEECH | VERB,
        "said says say told tells tell announced added stated warned noted stressed reiterated \
         confirmed insisted claimed argued reported declared explained urged wrote asserted \
         acknowledged admitted denied revealed suggested predicted disclosed mentioned indicated \
         emphasised emphasized",
    ),
    (
        PREP,
        "of into onto under about against between among through without within toward towards \
         across around near despite amid amidst per via upon off out up down along behind beyond \
         beside besides like than including",
    ),
    (
        PREP | DATE_PREP,
        "on in at by for with from to over during since until till throughout after before",
    ),
    (
        DET,
        "the a an his its their our my your every",
    ),
    (CONJ, "and or but yet nor"),
    (
        SUB,
        "while when whereas because although though if unless once whether whilst",
    ),
    (REL, "who which that whom whose where"),
    (
        ADV,
        "also again still now never already just then not reportedly allegedly jointly \
         repeatedly quickly recently finally only even however meanwhile too",
    ),
    (
        TIME_MOD,
        "late early earlier later around about approximately roughly sometime",
    ),
    (DATE_PREP, "to"),
    (SUB_OR_PREP, "after before since until"),
    (ZONE, "gmt utc edt est pdt pst cet cest bst edt"),
    (PRON, "he she it they we i you"),
    (
        NOT_VERB,
        "hundred need needed speed seed bed red shed united indeed naked wicked sacred kindred \
         beloved alleged proceed exceed succeed feed breed greed",
    ),
];

/// A hash map for short words and small integers, for which SipHash's setup
/// costs more than the lookup.
pub(crate) type FastMap<K, V> = rustc_hash::FxHashMap<K, V>;

static CLASSES: std::sync::LazyLock<WordTable<u16>> = std::sync::LazyLock::new(|| {
    WordTable::new(
        LEXICON
            .iter()
            .flat_map(|&(class, list)| list.split_whitespace().map(move |word| (word, class))),
    )
});

fn class(word: &str) -> u16 {
    CLASSES.get(word)
}

/// The parts of one sentence that a summary is cut from.
struct Clauses<'a> {
    tokens: &'a [newslens_core::text::Token],
    /// The document's text, for the words as written.
    text: &'a str,
    lower: &'a [&'a str],
    class: &'a [u16],
    /// Token indices outside parentheses, dash asides and quote marks.
    kept: Vec<usize>,
    /// Per token: the anchoring date or the preposition that belongs to it.
    removed: Vec<bool>,
    /// Per token: inside another temporal expression.
    other_timex: Vec<bool>,
    /// Per kept position: a finite verb or an auxiliary.
    verb: Vec<bool>,
    /// Segments over kept positions, [start, end): split at punctuation and
    /// before words that open a clause.
    segments: Vec<(usize, usize)>,
    /// Per kept position: its segment.
    segment_of: Vec<usize>,
}

/// Whether a word as written begins with a capital; an ASCII first letter
/// needs no decoding.
fn starts_upper(word: &str) -> bool {
    match word.as_bytes().first() {
        Some(b) if b.is_ascii() => b.is_ascii_uppercase(),
        _ => word.chars().next().is_some_and(char::is_uppercase),
    }
}

fn is_dash(s: &str) -> bool {
    matches!(s, "-" | "—" | "–")
}

fn is_stop_punct(s: &str) -> bool {
    matches!(s, "," | ";" | ":" | "." | "?" | "!" | "…") || is_dash(s)
}

/// The lists a [`Clauses`] is made of, handed from one event's to the
/// next, so that each reuses the room of the last rather than allocating
/// its own.
#[derive(Default)]
struct ClauseBuffers {
    kept: Vec<usize>,
    removed: Vec<bool>,
    other_timex: Vec<bool>,
    verb: Vec<bool>,
    segments: Vec<(usize, usize)>,
    segment_of: Vec<usize>,
    quotes: Vec<Span>,
    short_quotes: Vec<Span>,
}

impl<'a> Clauses<'a> {
    fn new(
        doc: &'a AnnotatedDoc,
        sentence: Span,
        words: &'a SentenceWords,
        timex: Span,
        others: &[Span],
        buffers: &mut ClauseBuffers,
    ) -> Clauses<'a> {
        let tokens = words.tokens;
        let n = tokens.len();
        // The marks below are their own lower case (see `SentenceWords::lower`).
        let raw = |i: usize| words.lower[i];
        let lower = words.lower;
        let class = &words.class[..];
        let mut removed = std::mem::take(&mut buffers.removed);
        removed.clear();
        removed.resize(n, false);
        let dated = within(tokens, timex, |t| t.span);
        removed[dated.clone()].fill(true);
        let mut other_timex = std::mem::take(&mut buffers.other_timex);
        other_timex.clear();
        other_timex.resize(n, false);
        for &other in others {
            other_timex[within(tokens, other, |t| t.span)].fill(true);
        }
        // The preposition and "late"/"earlier" before the date belong to it;
        // so does a date joined to it by "of" ("January 13 of this year").
        if !dated.is_empty() {
            let (first, last) = (dated.start, dated.end - 1);
            // A date inside a noun phrase ("the 2011 NATO-backed ouster")
            // keeps the phrase's article and preposition.
            let modifier = first > 0
                && matches!(lower[first - 1], "the" | "a" | "an")
                && last + 1 < n
                && tokens[last + 1].kind == TokenKind::Word
                && class[last + 1] & (PREP | CONJ | SUB | REL | AUX | ADV | VERB) == 0
                && (!lower[last + 1].ends_with("ed") || lower[last + 1].contains('-'))
                && !other_timex[last + 1];
            let mut i = first;
            // "at the end of last year": the part of the period goes with it.
            if i >= 3
                && lower[i - 1] == "of"
                && matches!(
                    lower[i - 2],
                    "end"
                        | "beginning"
                        | "start"
                        | "middle"
                        | "turn"
                        | "close"
                        | "rest"
                        | "remainder"
                )
                && lower[i - 3] == "the"
            {
                i -= 3;
                removed[i..first].iter_mut().for_each(|r| *r = true);
            }
            if i > 1 && !modifier && lower[i - 1] == "the" && class[i - 2] & DATE_PREP != 0 {
                // "since the 1980s": the article goes with the date.
                i -= 1;
                removed[i] = true;
            }
            // "late on Tuesday", "at around 3 a.m.", "to sometime in May":
            // right to left, a modifier, a preposition, a modifier, and a
            // preposition before that modifier.
            let is = |i: usize, class_bit: u16| i > 0 && class[i - 1] & class_bit != 0;
            if !modifier {
                let mut modified = false;
                if is(i, TIME_MOD) {
                    i -= 1;
                    removed[i] = true;
                    modified = true;
                }
                if is(i, DATE_PREP) && !is(i, TIME_MOD) {
                    i -= 1;
                    removed[i] = true;
                    modified = false;
                    if is(i, TIME_MOD) {
                        i -= 1;
                        removed[i] = true;
                        modified = true;
                    }
                }
                if modified && is(i, DATE_PREP) && !is(i, TIME_MOD) {
                    removed[i - 1] = true;
                }
            }
            // "a time zone after the clock time"; "Monday’s performance": the
            // possessive belongs to the date.
            let glued = |k: usize| k < n && tokens[k].span.start == tokens[k - 1].span.end;
            if last + 1 < n
                && (class[last + 1] & ZONE != 0
                    || (matches!(lower[last + 1], "’s" | "'s") && glued(last + 1)))
            {
                removed[last + 1] = true;
            }
            // "the 1920’s" after a number: the mark and the "s" apart.
            if matches!(lower.get(last + 1).copied(), Some("’" | "'"))
                && glued(last + 1)
                && lower.get(last + 2).is_some_and(|&w| w == "s")
                && glued(last + 2)
            {
                removed[last + 1] = true;
                removed[last + 2] = true;
            }
            if last + 2 < n && lower[last + 1] == "of" && other_timex[last + 2] {
                removed[last + 1] = true;
                for j in last + 2..n {
                    if !other_timex[j] {
                        break;
                    }
                    removed[j] = true;
                }
            }
            if first >= 2 && lower[first - 1] == "of" && other_timex[first - 2] {
                removed[first - 1] = true;
                let mut j = first - 1;
                while j > 0 && other_timex[j - 1] {
                    j -= 1;
                    removed[j] = true;
                }
                if j > 0 && class[j - 1] & DATE_PREP != 0 {
                    removed[j - 1] = true;
                }
            }
        }
        let from = doc.quotes.partition_point(|q| q.span.end <= sentence.start);
        let quotes_here = &mut buffers.quotes;
        quotes_here.clear();
        quotes_here.extend(
            doc.quotes[from..]
                .iter()
                .take_while(|q| q.span.start < sentence.end)
                .map(|q| q.span),
        );
        // Asides: "(GNA)", "- as well as the two warring sides -", skipped;
        // the tokens up to each mark are kept whole. A mark inside an aside
        // already skipped is passed over.
        let mut kept = std::mem::take(&mut buffers.kept);
        kept.clear();
        let mut next = 0;
        for &i in &words.marks {
            if i < next {
                continue;
            }
            kept.extend(next..i);
            let r = raw(i);
            let close = match r {
                "(" => (i + 1..n)
                    .find(|&j| raw(j) == ")")
                    .filter(|&j| !(i..=j).any(|k| removed[k])),
                _ if is_dash(r) => (i + 1..n.min(i + 16))
                    .find(|&j| is_dash(raw(j)))
                    .filter(|&j| !(i..=j).any(|k| removed[k])),
                _ => None,
            };
            match close {
                Some(j) => next = j + 1,
                None => {
                    // Quote marks go; an apostrophe ("the United Nations’
                    // talks") stays unless it opens or closes a quotation.
                    let t = tokens[i];
                    let mark = match r {
                        "“" | "”" | "\"" | "«" | "»" => true,
                        "‘" | "’" => quotes_here
                            .iter()
                            .any(|q| q.start == t.span.start || q.end == t.span.end),
                        _ => false,
                    };
                    if !(mark && t.kind == TokenKind::Punct) {
                        kept.push(i);
                    }
                    next = i + 1;
                }
            }
        }
        kept.extend(next..n);
        // A comma inside a short quotation ("a “credible, lasting and
        // verifiable” truce") lists words; it does not end a clause.
        let from = doc.quotes.partition_point(|q| q.span.end <= sentence.start);
        let short_quotes = &mut buffers.short_quotes;
        short_quotes.clear();
        short_quotes.extend(
            doc.quotes[from..]
                .iter()
                .take_while(|q| q.span.start < sentence.end)
                .filter(|q| q.inner.len() < 60)
                .map(|q| q.inner),
        );
        let word = |p: usize| lower[kept[p]];
        let cls = |p: usize| class[kept[p]];
        let mut verb = std::mem::take(&mut buffers.verb);
        verb.clear();
        verb.resize(kept.len(), false);
        for p in 0..kept.len() {
            let i = kept[p];
            let w = word(p);
            let c = cls(p);
            // Most words are no verb form ("-ed" or listed) at all: asked
            // first, as it needs neither the neighbours nor the date.
            let listed = c & (AUX | VERB) != 0;
            let ed_form = c & NOT_VERB == 0 && w.len() > 4 && w.ends_with("ed");
            if !(listed || ed_form) {
                continue;
            }
            if removed[i] || other_timex[i] || tokens[i].kind != TokenKind::Word {
                continue;
            }
            let before = if p > 0 { cls(p - 1) } else { 0 };
            // After an article a verb form is a noun or an adjective ("the
            // attack", "the disregarded embargo"); after "to", an infinitive.
            if (before & DET != 0 || (p > 0 && word(p - 1) == "to")) && c & AUX == 0 {
                continue;
            }
            // A capital inside the sentence makes a name of an "-ed" word;
            // asked last, as it reads the text as written.
            let capital_inside = || p > 0 && starts_upper(doc.slice(tokens[i].span));
            verb[p] = listed || (!w.contains(['-', '\u{2010}', '\u{2011}']) && !capital_inside());
        }
        // A segment ends at a mark or before a word: never more than the tokens.
        let mut segments = std::mem::take(&mut buffers.segments);
        segments.clear();
        let mut start = 0;
        for p in 0..kept.len() {
            let i = kept[p];
            let r = raw(i);
            // "3:00" and "1,000" hold their marks inside; a clause mark has space after it.
            let inner = || {
                i + 1 < n
                    && tokens[i + 1].span.start == tokens[i].span.end
                    && tokens[i + 1].kind != TokenKind::Punct
                    && i > 0
                    && tokens[i - 1].span.end == tokens[i].span.start
            };
            if tokens[i].kind == TokenKind::Punct
                && (is_stop_punct(r) || matches!(r, "(" | ")"))
                && !inner()
                && !(r == "," && short_quotes.iter().any(|q| q.contains(tokens[i].span)))
            {
                if start < p {
                    segments.push((start, p));
                }
                start = p + 1;
                continue;
            }
            let c = cls(p);
            // Only a word of these classes opens a clause.
            if c & (SUB | REL | SUB_OR_PREP | CONJ) == 0 {
                continue;
            }
            if removed[i] || other_timex[i] || p == start {
                continue;
            }
            let w = word(p);
            let next_is_date =
                p + 1 < kept.len() && (removed[kept[p + 1]] || other_timex[kept[p + 1]]);
            let opens = c & (SUB | REL) != 0
                || (c & SUB_OR_PREP != 0 && !next_is_date)
                // The four are conjunctions: the class bit rules out other words first.
                || (c & CONJ != 0 && matches!(w, "but" | "yet"))
                || (c & CONJ != 0 && matches!(w, "and" | "or") && {
                    // "and" opens a clause when a subject pronoun or a verb follows.
                    let mut q = p + 1;
                    while q < kept.len() && cls(q) & (ADV | TIME_MOD) != 0 {
                        q += 1;
                    }
                    q < kept.len() && (cls(q) & PRON != 0 || verb[q])
                });
            if opens {
                segments.push((start, p));
                start = p;
            }
        }
        if start < kept.len() {
            segments.push((start, kept.len()));
        }
        let mut segment_of = std::mem::take(&mut buffers.segment_of);
        segment_of.clear();
        segment_of.resize(kept.len(), usize::MAX);
        for (s, &(a, b)) in segments.iter().enumerate() {
            segment_of[a..b].iter_mut().for_each(|x| *x = s);
        }
        Clauses {
            tokens,
            text: doc.text(),
            lower,
            class,
            kept,
            removed,
            other_timex,
            verb,
            segments,
            segment_of,
        }
    }

    /// Hands the lists back for the next event's.
    fn recycle(self, buffers: &mut ClauseBuffers) {
        buffers.kept = self.kept;
        buffers.removed = self.removed;
        buffers.other_timex = self.other_timex;
        buffers.verb = self.verb;
        buffers.segments = self.segments;
        buffers.segment_of = self.segment_of;
    }

    fn cls(&self, p: usize) -> u16 {
        self.class[self.kept[p]]
    }

    fn word(&self, p: usize) -> &str {
        self.lower[self.kept[p]]
    }

    fn gone(&self, p: usize) -> bool {
        self.removed[self.kept[p]]
    }

    /// A form that is only a participle, or one in "-ing" or "-ed": what
    /// opens a clause with no subject ("..., originally planned for March").
    fn opens_participle_clause(&self, p: usize) -> bool {
        let w = self.word(p);
        (w.len() > 4 && w.ends_with("ing"))
            || (self.verb[p] && w.ends_with("ed"))
            || matches!(
                w,
                "taken"
                    | "given"
                    | "gone"
                    | "seen"
                    | "known"
                    | "shown"
                    | "done"
                    | "begun"
                    | "written"
                    | "spoken"
                    | "driven"
                    | "broken"
                    | "chosen"
                    | "fallen"
                    | "risen"
                    | "stolen"
                    | "thrown"
                    | "drawn"
                    | "grown"
                    | "beaten"
                    | "forgotten"
                    | "hidden"
                    | "held"
                    | "brought"
                    | "built"
                    | "caught"
                    | "sent"
                    | "led"
                    | "left"
                    | "kept"
                    | "found"
            )
    }

    fn is_participle(&self, p: usize) -> bool {
        let w = self.word(p);
        self.verb[p] && self.cls(p) & AUX == 0 && (w.ends_with("ed") || self.cls(p) & VERB != 0)
    }

    /// The start of the verb group ending at `v`: auxiliaries, adverbs and
    /// the date's own words before it.
    fn group_start(&self, v: usize, floor: usize) -> usize {
        let mut g = v;
        while g > floor {
            let c = self.cls(g - 1);
            let w = self.word(g - 1);
            let adverb = c & ADV != 0 || (w.len() > 4 && w.ends_with("ly"));
            // "that’s been": the clitic is "has" or "is" before a verb.
            let clitic = matches!(w, "’s" | "'s") && (self.verb[g] || self.cls(g) & ADV != 0);
            if c & AUX != 0 || adverb || clitic || self.gone(g - 1) {
                g -= 1;
            } else {
                break;
            }
        }
        // "was ... subjected": the group starts at its auxiliary, not at a dropped date before it.
        while g < v && (self.gone(g) || self.cls(g) & AUX == 0 && !self.verb[g]) && {
            let c = self.cls(g);
            self.gone(g) || c & ADV != 0
        } {
            if (g..v).any(|q| self.cls(q) & AUX != 0) {
                break;
            }
            g += 1;
        }
        g
    }

    /// The noun phrase a relative pronoun at `p` stands for: the words
    /// before it back to a preposition, a verb or a boundary.
    fn antecedent(&self, p: usize) -> Vec<usize> {
        let mut q = p;
        if q > 0 && self.word(q - 1) == "," {
            q -= 1;
        }
        let end = q;
        while q > 0 && end - q < 10 {
            let collected = end - q;
            let c = self.cls(q - 1);
            let t = self.tokens[self.kept[q - 1]];
            let w = self.word(q - 1);
            // A preposition after a noun belongs to the noun phrase ("the war
            // in Syria, which"); after a verb, it ends it ("launched by X, who").
            let after_verb = q < 2 || self.verb[q - 2] || self.cls(q - 2) & (PREP | DET) != 0;
            let stop = (t.kind == TokenKind::Punct && is_stop_punct(w))
                || self.verb[q - 1]
                || (w.len() > 4 && w.ends_with("ing"))
                || (q >= 2 && self.word(q - 2) == "to")
                || (c & PREP != 0 && self.word(q - 1) != "of" && (after_verb || collected > 2))
                || c & (SUB | REL) != 0
                || matches!(w, "but" | "yet");
            if stop {
                break;
            }
            q -= 1;
        }
        (q..end).collect()
    }

    /// The subject of the clause whose verb group starts at `g` in segment
    /// `s`; empty when the clause has none of its own.
    fn subject(&self, s: usize, g: usize, v: usize) -> Vec<usize> {
        let (start, _) = self.segments[s];
        let mut region: Vec<usize> = Vec::with_capacity(g.saturating_sub(start));
        region.extend((start..g).filter(|&p| !self.gone(p) && !self.other_timex[self.kept[p]]));
        let Some(&first) = region.first() else {
            return Vec::new();
        };
        let has_verb = |ps: &[usize]| ps.iter().any(|&p| self.verb[p]);
        if self.cls(first) & REL != 0 {
            let rest = &region[1..];
            if rest.iter().all(|&p| self.cls(p) & ADV != 0) {
                // "Putin and Erdogan, who jointly called": the pronoun's noun
                // phrase; with none before it, the pronoun is the subject
                // ("but that’s been pushed back").
                let mut out = self.antecedent(first);
                if out.is_empty() {
                    return region;
                }
                out.extend_from_slice(rest);
                return out;
            }
            if has_verb(rest) {
                // "The talks that fell through began": the relative clause is the subject's.
                let mut out = self.antecedent(first);
                out.extend_from_slice(&region);
                return out;
            }
            // "that it hoped": a complement clause with its own subject.
            region.remove(0);
        } else if matches!(self.word(first), "and" | "or")
            && (0..start).all(|p| !self.verb[p])
            && self.cls(0) & (PREP | SUB) == 0
        {
            // "A delegation including Kalın, the foreign minister, and
            // intelligence chief visited": a list is one subject.
            return (0..g)
                .filter(|&p| !self.gone(p) && !self.other_timex[self.kept[p]])
                .collect();
        } else if self.cls(first) & (SUB | CONJ | SUB_OR_PREP) != 0 {
            region.remove(0);
            while region.first().is_some_and(|&p| self.cls(p) & ADV != 0) {
                region.remove(0);
            }
        }
        let Some(&first) = region.first() else {
            return Vec::new();
        };
        // A bare participle after a noun in a clause that already has its
        // verb ("discussed ... talks held in Moscow", "referring to an
        // agreement reached") tells what its noun underwent: that noun
        // phrase is its subject.
        let bare = self.is_participle(v) && g == v;
        let word = self.word(first);
        let gerund = |p: usize| self.word(p).len() > 4 && self.word(p).ends_with("ing");
        // A verb that heads a clause: an auxiliary, a verb of saying, or one
        // right after the clause's first word or a pronoun ("they discussed"),
        // not a participle after a noun ("families stationed on bases").
        let finite = |k: usize| {
            let p = region[k];
            self.verb[p]
                && (self.cls(p) & (AUX | SPEECH) != 0
                    || k <= 1
                    || self.cls(region[k - 1]) & PRON != 0)
        };
        let headed = (0..region.len()).any(finite);
        if bare && (headed || word == "as" || gerund(first)) {
            let cut = (0..region.len()).rev().find(|&k| {
                let p = region[k];
                finite(k)
                    || gerund(p)
                    || self.cls(p) & CONJ != 0
                    || (p > 0
                        && self.word(p - 1) == "to"
                        && self.cls(p) & DET == 0
                        && !matches!(self.word(p), "a" | "an" | "the"))
            });
            if let Some(cut) = cut {
                let mut from = cut + 1;
                while from < region.len() && self.cls(region[from]) & PREP != 0 {
                    from += 1;
                }
                if from < region.len() {
                    return region[from..].to_vec();
                }
            }
        }
        if region.len() > 12 {
            // A run-on region ("the site of the attack government spokeswoman
            // X told") starts after its last verb; a long noun phrase keeps its
            // head ("A South Korean contract construction worker working at ...").
            if let Some(k) = (0..region.len()).rev().find(|&k| self.verb[region[k]]) {
                if k + 1 < region.len() {
                    region.drain(..=k);
                }
            }
            if region.len() > 12 {
                let head_end = (2..region.len())
                    .find(|&k| {
                        let p = region[k];
                        gerund(p)
                            || self.cls(p) & (REL | SUB) != 0
                            || (self.cls(p) & PREP != 0 && self.word(p) != "of")
                    })
                    .unwrap_or(12)
                    .min(12);
                region.truncate(head_end);
            }
        }
        region
    }

    /// The main clause's subject: the first segment with a verb that no
    /// subordinator, relative pronoun or conjunction opens.
    fn main_subject(&self, before: usize) -> Vec<usize> {
        for k in 0..before {
            let (a, b) = self.segments[k];
            let Some(v) = (a..b).find(|&p| self.verb[p]) else {
                continue;
            };
            if self.cls(a) & (SUB | REL | CONJ | SUB_OR_PREP) != 0 {
                continue;
            }
            let g = self.group_start(v, a);
            let subject = self.subject(k, g, v);
            return if subject.is_empty() {
                self.inherit(k)
            } else {
                subject
            };
        }
        Vec::new()
    }

    /// A clause with no subject of its own borrows its sentence's: the first
    /// segment when that is a noun phrase ("Haftar, a former commander, ...,
    /// has been battling").
    fn inherit(&self, s: usize) -> Vec<usize> {
        // Back over appositives and relative clauses to the noun phrase they describe.
        let mut found = None;
        for k in (0..s).rev() {
            let (a, b) = self.segments[k];
            if self.cls(a) & REL != 0 || self.opens_participle_clause(a) {
                continue;
            }
            if (a..b).any(|p| self.verb[p])
                || self.cls(a) & (PREP | SUB | CONJ) != 0
                || (a..b).any(|p| self.gone(p))
            {
                break;
            }
            found = Some(k);
        }
        let Some(k) = found else {
            return Vec::new();
        };
        let (a, b) = self.segments[k];
        (a..b)
            .filter(|&p| !self.gone(p) && !self.other_timex[self.kept[p]])
            .collect()
    }

    /// The verb's object or complement: the rest of its clause, cut at a
    /// phrase boundary.
    fn object(&self, s: usize, v: usize) -> Vec<usize> {
        let speech = self.cls(v) & SPEECH != 0;
        let mut end = self.segments[s].1;
        let limit = if speech { 14 } else { 12 };
        let mut out: Vec<usize> = Vec::with_capacity(limit);
        let mut p = v + 1;
        let mut crossed = false;
        let mut capped = false;
        let mut at_limit = false;
        loop {
            if p >= end {
                // Reported speech goes on past "that".
                let next = self.segment_of.get(end + 1).or(self.segment_of.get(end));
                let next = next.copied().filter(|&n| n != usize::MAX && n != s);
                match next {
                    Some(n)
                        if speech
                            && !crossed
                            && self.word(self.segments[n].0) == "that"
                            && self.segments[n].0 <= end + 1 =>
                    {
                        crossed = true;
                        p = self.segments[n].0 + 1;
                        end = self.segments[n].1;
                        continue;
                    }
                    _ => break,
                }
            }
            if self.gone(p) {
                p += 1;
                continue;
            }
            if self.word(p).starts_with("http") || self.word(p) == "www" {
                break;
            }
            // A new predicate after the object ("talks held in Moscow was noted").
            if !speech && !crossed && !out.is_empty() && self.cls(p) & AUX != 0 {
                break;
            }
            if out.len() == limit {
                // Stopping right before a preposition or a conjunction already ends a phrase.
                let c = self.cls(p);
                capped = c & (PREP | CONJ | SUB | REL) == 0;
                at_limit = true;
                break;
            }
            out.push(p);
            p += 1;
        }
        if capped {
            // Cut where a phrase ends: before a preposition, a conjunction or "to".
            let boundary = |k: usize| {
                let c = self.cls(out[k]);
                c & (PREP | CONJ | SUB | REL) != 0
            };
            if let Some(k) = (1..out.len()).rev().find(|&k| boundary(k)) {
                out.truncate(k);
            }
        }
        // "near the city of Deir Ezzor leaving [90 dead]": a participle whose
        // object was cut off says nothing.
        let cut_short = (p..end).any(|q| !self.gone(q));
        if cut_short && out.len() > 1 {
            let last = out[out.len() - 1];
            let w = self.word(last);
            let before = self.cls(out[out.len() - 2]);
            if w.len() > 4
                && w.ends_with("ing")
                && self.cls(last) & PREP == 0
                && before & (CONJ | DET | PREP) == 0
            {
                out.pop();
            }
        }
        while let Some(&last) = out.last() {
            let c = self.cls(last);
            let w = self.word(last);
            if c & (PREP | DET | CONJ | SUB | REL | AUX | ADV) != 0 || matches!(w, "’s" | "'s" | "what")
                // "a shortage of components caused [by ...]": a participle cut from its agent.
                || (at_limit && self.is_participle(last))
            {
                out.pop();
            } else {
                break;
            }
        }
        out
    }

    /// Tidies the ends and renders: never open on a conjunction, a relative
    /// pronoun or a possessive (a "that" before its verb is the subject:
    /// "that’s been pushed back"), never end on a word that needs another.
    fn finish(&self, mut pieces: Vec<Vec<usize>>) -> String {
        let shown = |p: &usize| !self.removed[self.kept[*p]];
        for piece in &mut pieces {
            piece.retain(shown);
        }
        pieces.retain(|p| !p.is_empty());
        if let Some(piece) = pieces.first_mut() {
            while piece.first().is_some_and(|&p| {
                let pronoun = self.word(p) == "that"
                    && piece
                        .get(1)
                        .is_some_and(|&q| self.verb[q] || matches!(self.word(q), "’s" | "'s"));
                !pronoun
                    && (self.cls(p) & (CONJ | SUB | REL | ADV) != 0
                        || matches!(self.word(p), "’s" | "'s" | ","))
            }) {
                piece.remove(0);
            }
        }
        if let Some(piece) = pieces.last_mut() {
            while piece.last().is_some_and(|&p| {
                self.cls(p) & (PREP | DET | CONJ | SUB | REL | AUX) != 0
                    || matches!(self.word(p), "’s" | "'s" | "," | "what")
            }) {
                piece.pop();
            }
        }
        self.render(&pieces)
    }

    /// Whether the text from `end` to `start` is one space.
    fn one_space(&self, end: u32, start: u32) -> bool {
        start == end + 1 && self.text.as_bytes().get(end as usize) == Some(&b' ')
    }

    fn render(&self, pieces: &[Vec<usize>]) -> String {
        // At most the sentence, with a comma between pieces.
        let room = pieces.iter().map(|p| p.len() * 2).sum::<usize>()
            + pieces
                .iter()
                .flatten()
                .map(|&p| self.tokens[self.kept[p]].span.len())
                .sum::<usize>();
        let mut out = String::with_capacity(room);
        for piece in pieces.iter().filter(|p| !p.is_empty()) {
            if !out.is_empty() {
                out.push_str(", ");
            }
            // Words glued together or one space apart are written as the
            // text has them: such a run is copied from the text at once.
            let mut run: Option<Span> = None;
            for &p in piece {
                let i = self.kept[p];
                if self.removed[i] {
                    continue;
                }
                let span = self.tokens[i].span;
                run = match run {
                    None => Some(span),
                    Some(r) if r.end == span.start || self.one_space(r.end, span.start) => {
                        Some(r.cover(span))
                    }
                    Some(r) => {
                        // A word left out after an article ("a 2011
                        // uprising" without its date) may change it.
                        let text = r.slice(self.text);
                        let noun_like = self.cls(p) & (PREP | CONJ | SUB | REL | AUX | DET) == 0;
                        let article = ["a", "an", "A", "An"]
                            .into_iter()
                            .filter(|_| noun_like)
                            .find(|a| {
                                text.strip_suffix(a)
                                    .is_some_and(|rest| rest.is_empty() || rest.ends_with(' '))
                            });
                        match article {
                            Some(a) => {
                                out.push_str(&text[..text.len() - a.len()]);
                                out.push_str(article_before(a, span.slice(self.text)));
                            }
                            None => out.push_str(text),
                        }
                        out.push(' ');
                        Some(span)
                    }
                };
            }
            if let Some(r) = run {
                out.push_str(r.slice(self.text));
            }
        }
        out
    }
}

/// The indefinite article (`a` as written: "a" or "A") that goes before
/// `word` by its sound, told from its spelling: "an uprising", "a
/// university", "an hour", "an NGO", "an 18-month".
fn article_before(a: &str, word: &str) -> &'static str {
    let lower = word.to_lowercase();
    let vowel_sound = if word.len() > 1 && word.chars().all(|c| c.is_ascii_uppercase()) {
        // An initialism is read letter by letter.
        matches!(
            word.as_bytes()[0],
            b'A' | b'E' | b'F' | b'H' | b'I' | b'L' | b'M'
        ) || matches!(word.as_bytes()[0], b'N' | b'O' | b'R' | b'S' | b'X')
    } else if lower.starts_with(|c: char| c.is_ascii_digit()) {
        let digits: String = lower.chars().take_while(char::is_ascii_digit).collect();
        // "an 8", "an 80", "an 11", "an 18", "an 11,000" (read "eleven
        // thousand"); not "a 1", "a 110".
        let eleven = digits.starts_with("11") || digits.starts_with("18");
        digits.starts_with('8') || (eleven && digits.len() % 3 == 2)
    } else {
        // "a university", but "an unintended": "un-" before "n" or "m".
        let yoo = lower.starts_with("uni") && !lower[3..].starts_with(['n', 'm']);
        const CONSONANT_SOUND: [&str; 8] = ["use", "usu", "uti", "ura", "eu", "ewe", "one", "once"];
        const SILENT_H: [&str; 4] = ["hour", "honest", "honor", "heir"];
        (lower.starts_with(['a', 'e', 'i', 'o', 'u'])
            && !yoo
            && !CONSONANT_SOUND.iter().any(|p| lower.starts_with(p)))
            || SILENT_H.iter().any(|p| lower.starts_with(p))
    };
    match (a.starts_with('A'), vowel_sound) {
        (false, false) => "a",
        (false, true) => "an",
        (true, false) => "A",
        (true, true) => "An",
    }
}

/// Who did what: the subject, verb and object of the clause the date
/// anchors, in the text's words and order, without the date and its
/// preposition, cut only where a phrase ends.
fn summary(
    doc: &AnnotatedDoc,
    sentence: Span,
    words: &SentenceWords,
    timex: Span,
    others: &[Span],
    buffers: &mut ClauseBuffers,
) -> String {
    let clauses = Clauses::new(doc, sentence, words, timex, others, buffers);
    let summary = summary_of(&clauses, timex);
    clauses.recycle(buffers);
    summary
}

fn summary_of(c: &Clauses, timex: Span) -> String {
    if c.kept.is_empty() || c.segments.is_empty() {
        return String::new();
    }
    let at = c
        .kept
        .iter()
        .position(|&i| c.removed[i] && timex.contains(c.tokens[i].span))
        .unwrap_or(0);
    let anchor = c.segment_of[at].min(c.segments.len() - 1);
    let verbs_in = |s: usize| (c.segments[s].0..c.segments[s].1).filter(|&p| c.verb[p]);
    // A date follows the verb phrase it dates ("launched his offensive last
    // April") or stands between subject and verb ("Erdogan on Monday reiterated").
    let after = (at..c.segments[anchor].1).find(|&p| !c.gone(p));
    let nearest = after
        .filter(|&p| c.verb[p])
        .or_else(|| verbs_in(anchor).rfind(|&p| p < at))
        .or_else(|| verbs_in(anchor).next());
    // A date before any verb of its segment ("On Tuesday, ...") anchors the
    // clause after it; one at a clause's end, the clause before.
    let chosen = nearest.map(|v| (anchor, v)).or_else(|| {
        let later = (anchor + 1..c.segments.len()).find_map(|s| verbs_in(s).next().map(|v| (s, v)));
        let earlier = (0..anchor)
            .rev()
            .find_map(|s| verbs_in(s).next_back().map(|v| (s, v)));
        let fronted = c.segments[anchor].0 == 0 || earlier.is_none();
        if fronted {
            later.or(earlier)
        } else {
            earlier.or(later)
        }
    });
    // A date inside a noun phrase with no verb of its own ("since the 2011
    // NATO-backed ouster of Muammar Qaddafi") dates that phrase.
    let modifier = at > 0 && matches!(c.word(at - 1), "the" | "a" | "an");
    if nearest.is_none() && modifier {
        let (a, b) = c.segments[anchor];
        let mut phrase: Vec<usize> = (a..b.min(a + 14)).collect();
        if phrase
            .first()
            .is_some_and(|&p| c.cls(p) & (PREP | SUB | REL | CONJ) != 0 && p < at - 1)
        {
            phrase.remove(0);
        }
        return c.finish(vec![phrase]);
    }
    let Some((s, v)) = chosen else {
        // No verb to hang on (a headline): the words, without the date, to a phrase's end.
        let mut all: Vec<usize> = (0..c.kept.len().min(16))
            .filter(|&p| c.tokens[c.kept[p]].kind != TokenKind::Punct || c.word(p) == ",")
            .collect();
        while all
            .last()
            .is_some_and(|&p| c.cls(p) & (PREP | DET | CONJ | SUB | REL) != 0 || c.word(p) == ",")
        {
            all.pop();
        }
        return c.finish(vec![all]);
    };
    let g = c.group_start(v, c.segments[s].0);
    let mut pieces = Vec::new();
    let mut subject = c.subject(s, g, v);
    let first = c.segments[s].0;
    // A clause with no subject that hangs on the clause before it
    // ("..., before being taken over", "but added") is read with that clause.
    if subject.is_empty() && s > 0 {
        let opener = c.cls(first) & (SUB | CONJ | SUB_OR_PREP) != 0;
        let participle = first == g && c.opens_participle_clause(first);
        let prev = (0..s).rev().find(|&k| verbs_in(k).next().is_some());
        let conjunction = c.cls(first) & CONJ != 0;
        let after_comma = first > 0 && c.word(first - 1) == ",";
        // An aside between commas has the main verb after it ("the camera,
        // originally planned for March, will be delayed").
        let aside = (s + 1..c.segments.len()).any(|k| {
            let a = c.segments[k].0;
            c.cls(a) & (SUB | REL | CONJ) == 0 && verbs_in(k).next().is_some()
        });
        match prev {
            // "Facebook shut down an office ..., and asked": the main clause's subject.
            _ if conjunction => {
                subject = c.main_subject(s);
                if subject.is_empty() {
                    subject = c.inherit(s);
                }
            }
            // "the camera, originally planned for March": the noun it describes.
            _ if participle && after_comma && aside && !c.antecedent(first).is_empty() => {
                subject = c.antecedent(first);
            }
            Some(prev) if opener || participle => {
                let pv = verbs_in(prev).next().expect("found above");
                let pg = c.group_start(pv, c.segments[prev].0);
                let mut clause = c.subject(prev, pg, pv);
                if clause.is_empty() {
                    clause = c.inherit(prev);
                }
                clause.extend(pg..=pv);
                clause.extend(c.object(prev, pv));
                pieces.push(clause);
                if opener {
                    subject.push(first);
                }
            }
            _ => subject = c.inherit(s),
        }
    }
    subject.extend(g..=v);
    subject.extend(c.object(s, v));
    pieces.push(subject);
    c.finish(pieces)
}

#[cfg(test)]
mod tests {
    use super::{article_before, plain_ascii};

    #[test]
    fn the_article_goes_by_the_next_words_sound() {
        for (a, word, expected) in [
            ("a", "uprising", "an"),
            ("an", "airstrike", "an"),
            ("an", "chemical", "a"),
            ("A", "investigation", "An"),
            ("An", "proclamation", "A"),
            ("an", "university", "a"),
            ("a", "unintended", "an"),
            ("an", "European", "a"),
            ("an", "one-day", "a"),
            ("a", "hour-long", "an"),
            ("an", "historic", "a"),
            ("a", "NGO", "an"),
            ("an", "UN", "a"),
            ("a", "FBI", "an"),
            ("a", "8-year-old", "an"),
            ("a", "18-month", "an"),
            ("a", "11,000-strong", "an"),
            ("an", "110-page", "a"),
            ("an", "2011", "a"),
        ] {
            assert_eq!(article_before(a, word), expected, "{a} {word}");
        }
    }

    /// The word-at-a-time test against the byte-by-byte one, for a hyphen
    /// or a non-ASCII byte at every place of words of every length up to 24.
    #[test]
    fn plain_ascii_reads_every_byte() {
        let naive = |b: &[u8]| !b.iter().any(|&c| c == b'-' || !c.is_ascii());
        for len in 4..=24 {
            let plain = vec![b'q'; len];
            assert!(plain_ascii(&plain), "{len} letters");
            for at in 0..len {
                for odd in [b'-', 0x80, 0xe2, 0xff, b',', 0] {
                    let mut word = plain.clone();
                    word[at] = odd;
                    assert_eq!(plain_ascii(&word), naive(&word), "{word:?}");
                }
            }
        }
    }
}
