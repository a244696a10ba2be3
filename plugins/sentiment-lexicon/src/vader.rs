//! VADER (Hutto & Gilbert, ICWSM 2014), computed as its reference
//! implementation `vaderSentiment` 3.3.2 computes it, quirks included: the
//! parity fixture in `fixtures/` holds that implementation's scores.
//!
//! The reference lower-cases and compares strings in every rule; here each
//! word is looked up once, in one table that holds its lexicon value, booster
//! value, negation flag and which rule word it is, and the rules compare those.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};

/// A multiply-fold hash over eight bytes at a time: lexicon keys are short
/// words, where SipHash's setup dominates and byte-at-a-time FNV is slow.
#[derive(Default)]
struct WordHasher(u64);

const HASH_SEED: u64 = 0x243f_6a88_85a3_08d3;

fn fold(x: u64) -> u64 {
    let product = u128::from(x ^ HASH_SEED) * u128::from(0x9e37_79b9_7f4a_7c15_u64);
    (product as u64) ^ ((product >> 64) as u64)
}

impl Hasher for WordHasher {
    fn finish(&self) -> u64 {
        fold(self.0)
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut hash = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            hash = fold(hash ^ u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0; 8];
            word[..rest.len()].copy_from_slice(rest);
            hash = fold(hash ^ u64::from_le_bytes(word) ^ ((rest.len() as u64) << 56));
        }
        self.0 = hash;
    }
    fn write_u8(&mut self, byte: u8) {
        // `str`'s Hash ends every key with 0xff; a rotation keeps that cheap.
        self.0 = self.0.rotate_left(8) ^ u64::from(byte);
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<WordHasher>>;

const B_INCR: f64 = 0.293;
const B_DECR: f64 = -0.293;
const C_INCR: f64 = 0.733;
const N_SCALAR: f64 = -0.74;

const NEGATE: &[&str] = &[
    "aint",
    "arent",
    "cannot",
    "cant",
    "couldnt",
    "darent",
    "didnt",
    "doesnt",
    "ain't",
    "aren't",
    "can't",
    "couldn't",
    "daren't",
    "didn't",
    "doesn't",
    "dont",
    "hadnt",
    "hasnt",
    "havent",
    "isnt",
    "mightnt",
    "mustnt",
    "neither",
    "don't",
    "hadn't",
    "hasn't",
    "haven't",
    "isn't",
    "mightn't",
    "mustn't",
    "neednt",
    "needn't",
    "never",
    "none",
    "nope",
    "nor",
    "not",
    "nothing",
    "nowhere",
    "oughtnt",
    "shant",
    "shouldnt",
    "uhuh",
    "wasnt",
    "werent",
    "oughtn't",
    "shan't",
    "shouldn't",
    "uh-uh",
    "wasn't",
    "weren't",
    "without",
    "wont",
    "wouldnt",
    "won't",
    "wouldn't",
    "rarely",
    "seldom",
    "despite",
];

const BOOSTERS: &[(&str, f64)] = &[
    ("absolutely", B_INCR),
    ("amazingly", B_INCR),
    ("awfully", B_INCR),
    ("completely", B_INCR),
    ("considerable", B_INCR),
    ("considerably", B_INCR),
    ("decidedly", B_INCR),
    ("deeply", B_INCR),
    ("effing", B_INCR),
    ("enormous", B_INCR),
    ("enormously", B_INCR),
    ("entirely", B_INCR),
    ("especially", B_INCR),
    ("exceptional", B_INCR),
    ("exceptionally", B_INCR),
    ("extreme", B_INCR),
    ("extremely", B_INCR),
    ("fabulously", B_INCR),
    ("flipping", B_INCR),
    ("flippin", B_INCR),
    ("frackin", B_INCR),
    ("fracking", B_INCR),
    ("fricking", B_INCR),
    ("frickin", B_INCR),
    ("frigging", B_INCR),
    ("friggin", B_INCR),
    ("fully", B_INCR),
    ("fuckin", B_INCR),
    ("fucking", B_INCR),
    ("fuggin", B_INCR),
    ("fugging", B_INCR),
    ("greatly", B_INCR),
    ("hella", B_INCR),
    ("highly", B_INCR),
    ("hugely", B_INCR),
    ("incredible", B_INCR),
    ("incredibly", B_INCR),
    ("intensely", B_INCR),
    ("major", B_INCR),
    ("majorly", B_INCR),
    ("more", B_INCR),
    ("most", B_INCR),
    ("particularly", B_INCR),
    ("purely", B_INCR),
    ("quite", B_INCR),
    ("really", B_INCR),
    ("remarkably", B_INCR),
    ("so", B_INCR),
    ("substantially", B_INCR),
    ("thoroughly", B_INCR),
    ("total", B_INCR),
    ("totally", B_INCR),
    ("tremendous", B_INCR),
    ("tremendously", B_INCR),
    ("uber", B_INCR),
    ("unbelievably", B_INCR),
    ("unusually", B_INCR),
    ("utter", B_INCR),
    ("utterly", B_INCR),
    ("very", B_INCR),
    ("almost", B_DECR),
    ("barely", B_DECR),
    ("hardly", B_DECR),
    ("just enough", B_DECR),
    ("kind of", B_DECR),
    ("kinda", B_DECR),
    ("kindof", B_DECR),
    ("kind-of", B_DECR),
    ("less", B_DECR),
    ("little", B_DECR),
    ("marginal", B_DECR),
    ("marginally", B_DECR),
    ("occasional", B_DECR),
    ("occasionally", B_DECR),
    ("partly", B_DECR),
    ("scarce", B_DECR),
    ("scarcely", B_DECR),
    ("slight", B_DECR),
    ("slightly", B_DECR),
    ("somewhat", B_DECR),
    ("sort of", B_DECR),
    ("sorta", B_DECR),
    ("sortof", B_DECR),
    ("sort-of", B_DECR),
];

const SPECIAL_CASES: &[(&str, f64)] = &[
    ("the shit", 3.0),
    ("the bomb", 3.0),
    ("bad ass", 1.5),
    ("badass", 1.5),
    ("bus stop", 0.0),
    ("yeah right", -2.0),
    ("kiss of death", -1.5),
    ("to die for", 3.0),
    ("beating heart", 3.5),
];

/// The words VADER's rules name, each one value so a rule compares a byte.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(u8)]
enum Word {
    #[default]
    Other,
    No,
    Or,
    Nor,
    Never,
    So,
    This,
    Without,
    Doubt,
    Least,
    At,
    Very,
    Kind,
    Of,
    But,
    // The words of the special idioms and of the booster phrases.
    The,
    Shit,
    Bomb,
    Bad,
    Ass,
    Bus,
    Stop,
    Yeah,
    Right,
    To,
    Die,
    For,
    Kiss,
    Death,
    Beating,
    Heart,
    Sort,
    Just,
    Enough,
}

impl Word {
    const ALL: [(Word, &'static str); 33] = [
        (Word::No, "no"),
        (Word::Or, "or"),
        (Word::Nor, "nor"),
        (Word::Never, "never"),
        (Word::So, "so"),
        (Word::This, "this"),
        (Word::Without, "without"),
        (Word::Doubt, "doubt"),
        (Word::Least, "least"),
        (Word::At, "at"),
        (Word::Very, "very"),
        (Word::Kind, "kind"),
        (Word::Of, "of"),
        (Word::But, "but"),
        (Word::The, "the"),
        (Word::Shit, "shit"),
        (Word::Bomb, "bomb"),
        (Word::Bad, "bad"),
        (Word::Ass, "ass"),
        (Word::Bus, "bus"),
        (Word::Stop, "stop"),
        (Word::Yeah, "yeah"),
        (Word::Right, "right"),
        (Word::To, "to"),
        (Word::Die, "die"),
        (Word::For, "for"),
        (Word::Kiss, "kiss"),
        (Word::Death, "death"),
        (Word::Beating, "beating"),
        (Word::Heart, "heart"),
        (Word::Sort, "sort"),
        (Word::Just, "just"),
        (Word::Enough, "enough"),
    ];

    fn parse(word: &str) -> Option<Word> {
        Word::ALL
            .iter()
            .find(|(_, text)| *text == word)
            .map(|&(w, _)| w)
    }
}

/// A phrase of two or three words and its value: the special idioms and
/// the booster phrases ("kind of").
#[derive(Clone, Copy, Debug)]
struct Phrase {
    /// The words packed one byte each, as [`phrase_key`] packs a sequence.
    key: u32,
    value: f64,
}

impl Phrase {
    /// `None` for a phrase the rules can never match: one word ("badass"),
    /// since the reference only looks multi-word sequences up, or a word no
    /// rule names.
    fn parse(phrase: &str, value: f64) -> Option<Phrase> {
        let words = phrase
            .split(' ')
            .map(Word::parse)
            .collect::<Option<Vec<Word>>>()?;
        if !(2..=3).contains(&words.len()) {
            return None;
        }
        let key = words.iter().rev().fold(words.len() as u32, |key, &w| {
            (key << 8) | u32::from(w as u8)
        });
        Some(Phrase { key, value })
    }
}

/// A sequence of two or three words packed as [`Phrase`] packs its words,
/// under its length: "sort of a" must not read as "sort of". No phrase holds
/// [`Word::Other`], so a sequence with a word no rule names matches nothing.
fn phrase_key(tokens: &[Token]) -> u32 {
    tokens.iter().rev().fold(tokens.len() as u32, |key, t| {
        (key << 8) | u32::from(t.entry.word as u8)
    })
}

/// What the rules need to know about one lower-cased word.
#[derive(Clone, Copy, Debug, Default)]
struct Entry {
    /// VADER's lexicon value (or the overlay's), when the word has one.
    lexicon: Option<f64>,
    /// Booster or dampener value, when the word is one.
    booster: Option<f64>,
    word: Word,
    /// In VADER's negation list, or holds "n't".
    negation: bool,
    /// A verb of removal, for the optional removal rule.
    removal: bool,
}

/// One word of the sentence as the reference splits it.
#[derive(Clone, Copy, Debug)]
struct Token {
    entry: Entry,
    /// Python's `str.isupper()` of the word as written.
    upper: bool,
    start: u32,
    end: u32,
}

impl Token {
    fn text<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start as usize..self.end as usize]
    }
}

/// The four VADER scores, rounded as the reference rounds them.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Scores {
    pub compound: f64,
    pub pos: f64,
    pub neu: f64,
    pub neg: f64,
}

/// One scored word: its lexicon value and what the rules did to it.
#[derive(Clone, Debug, PartialEq)]
pub struct ScoredWord {
    pub word: String,
    pub lexicon: f64,
    pub rules: Vec<String>,
    pub valence: f64,
}

/// How a sentence got its scores.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Explanation {
    pub words: Vec<ScoredWord>,
    pub scores: Scores,
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for w in &self.words {
            write!(
                f,
                "{:<16} lexicon {:>5.2} -> {:>6.3}",
                w.word, w.lexicon, w.valence
            )?;
            if !w.rules.is_empty() {
                write!(f, "  ({})", w.rules.join("; "))?;
            }
            writeln!(f)?;
        }
        let s = self.scores;
        write!(
            f,
            "compound {} pos {} neu {} neg {}",
            s.compound, s.pos, s.neu, s.neg
        )
    }
}

/// The lexicons, loaded once.
pub struct Vader {
    entries: FastMap<Box<[u8]>, Entry>,
    emojis: FastMap<char, String>,
    special_cases: Vec<Phrase>,
    booster_phrases: Vec<Phrase>,
    /// How many words before a negative word the removal rule looks back; 0: off.
    removal_window: usize,
}

/// Buffers reused from sentence to sentence, one set per thread.
#[derive(Default)]
struct Scratch {
    tokens: Vec<Token>,
    sentiments: Vec<f64>,
    replaced: String,
    lowered: String,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::default();
}

fn python_is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `str.isupper()`: at least one cased character, none lower case.
fn is_upper(word: &str) -> bool {
    let mut cased = false;
    for c in word.chars() {
        if c.is_lowercase() {
            return false;
        }
        if c.is_uppercase() {
            cased = true;
        }
    }
    cased
}

/// Python's `str.split()` on each first byte: 1 for an ASCII space (space,
/// \t \n \v \f \r and \x1c to \x1f), 2 for a byte that starts a non-ASCII
/// space (U+0085, U+00A0, U+1680, U+2000 to U+3000), else 0.
const fn space_table() -> [u8; 256] {
    let mut table = [0; 256];
    let spaces = [
        b' ', b'\t', b'\n', 0x0b, 0x0c, b'\r', 0x1c, 0x1d, 0x1e, 0x1f,
    ];
    let mut k = 0;
    while k < spaces.len() {
        table[spaces[k] as usize] = 1;
        k += 1;
    }
    table[0xc2] = 2;
    table[0xe1] = 2;
    table[0xe2] = 2;
    table[0xe3] = 2;
    table
}

const SPACE: [u8; 256] = space_table();

/// The length of the whitespace character at byte `at`, or 0 (also inside
/// a multi-byte character, whose bytes never start a space).
fn space_at(text: &str, at: usize) -> usize {
    match SPACE[usize::from(text.as_bytes()[at])] {
        0 => 0,
        1 => 1,
        _ => match text.get(at..).and_then(|rest| rest.chars().next()) {
            Some(c) if python_is_space(c) => c.len_utf8(),
            _ => 0,
        },
    }
}

/// Python's `"n't" in word`.
fn holds_nt(word: &[u8]) -> bool {
    word.windows(3).any(|w| w == b"n't")
}

impl Vader {
    /// VADER's own lexicon and emoji descriptions.
    pub fn new() -> Vader {
        Vader::with_overlay(&[])
    }

    /// VADER's lexicon with `overlay` entries added or replacing its values.
    pub fn with_overlay(overlay: &[(String, f64)]) -> Vader {
        let mut entries: FastMap<Box<[u8]>, Entry> = FastMap::default();
        for line in include_str!("../data/vader_lexicon.txt")
            .trim_end_matches('\n')
            .split('\n')
        {
            if line.is_empty() {
                continue;
            }
            let mut fields = line.trim_matches(python_is_space).split('\t');
            if let (Some(word), Some(value)) = (fields.next(), fields.next()) {
                if let Ok(value) = value.parse::<f64>() {
                    entries.entry(word.as_bytes().into()).or_default().lexicon = Some(value);
                }
            }
        }
        for (word, value) in overlay {
            entries.entry(word.as_bytes().into()).or_default().lexicon = Some(*value);
        }
        // A token never holds a space, so only one-word boosters are looked up by token.
        for &(word, value) in BOOSTERS.iter().filter(|(w, _)| !w.contains(' ')) {
            entries.entry(word.as_bytes().into()).or_default().booster = Some(value);
        }
        for &word in NEGATE {
            entries.entry(word.as_bytes().into()).or_default().negation = true;
        }
        for &(word, text) in &Word::ALL {
            entries.entry(text.as_bytes().into()).or_default().word = word;
        }
        for (word, e) in entries.iter_mut() {
            e.negation |= holds_nt(word);
        }

        let mut emojis = FastMap::default();
        for line in include_str!("../data/emoji_utf8_lexicon.txt")
            .trim_end_matches('\n')
            .split('\n')
        {
            let mut fields = line.trim_matches(python_is_space).split('\t');
            if let (Some(emoji), Some(description)) = (fields.next(), fields.next()) {
                let mut chars = emoji.chars();
                // A one-character key is all that can match, char by char, as in the reference.
                if let (Some(c), None) = (chars.next(), chars.next()) {
                    emojis.insert(c, description.to_string());
                }
            }
        }
        Vader {
            entries,
            emojis,
            special_cases: SPECIAL_CASES
                .iter()
                .filter_map(|&(p, v)| Phrase::parse(p, v))
                .collect(),
            booster_phrases: BOOSTERS
                .iter()
                .filter(|(w, _)| w.contains(' '))
                .filter_map(|&(p, v)| Phrase::parse(p, v))
                .collect(),
            removal_window: 0,
        }
    }

    /// Adds the news layer's removal rule: a negative word within `window`
    /// words after one of `verbs` ("purged … of terrorist elements") counts
    /// half as much, positive. Not part of VADER.
    pub fn with_removal_rule(mut self, verbs: &[&str], window: usize) -> Vader {
        for &verb in verbs {
            self.entries
                .entry(verb.as_bytes().into())
                .or_default()
                .removal = true;
        }
        self.removal_window = window;
        self
    }

    pub fn lexicon_value(&self, word: &str) -> Option<f64> {
        self.entries.get(word.as_bytes()).and_then(|e| e.lexicon)
    }

    pub fn polarity_scores(&self, text: &str) -> Scores {
        self.with_scratch(|vader, scratch| vader.run::<false>(text, scratch).scores)
    }

    /// Scores a sentence and records each step.
    pub fn explain(&self, text: &str) -> Explanation {
        self.run::<true>(text, &mut Scratch::default())
    }

    fn with_scratch<R>(&self, f: impl FnOnce(&Vader, &mut Scratch) -> R) -> R {
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => f(self, &mut scratch),
            // Never while scoring, but a fresh set is always correct.
            Err(_) => f(self, &mut Scratch::default()),
        })
    }

    fn run<const EXPLAIN: bool>(&self, text: &str, scratch: &mut Scratch) -> Explanation {
        // Emojis become their descriptions. Every emoji is outside ASCII, and most
        // non-ASCII text holds none (curly quotes, accents).
        let first_emoji = text
            .char_indices()
            .find(|&(_, c)| !c.is_ascii() && self.emojis.contains_key(&c));
        let Some((at, _)) = first_emoji else {
            return self.score_text::<EXPLAIN>(text, scratch);
        };
        let mut replaced = std::mem::take(&mut scratch.replaced);
        replaced.clear();
        replaced.push_str(&text[..at]);
        let mut previous_space = at == 0 || text[..at].ends_with(' ');
        for c in text[at..].chars() {
            match self.emojis.get(&c) {
                Some(description) => {
                    if !previous_space {
                        replaced.push(' ');
                    }
                    replaced.push_str(description);
                    previous_space = false;
                }
                None => {
                    replaced.push(c);
                    previous_space = c == ' ';
                }
            }
        }
        let explanation = self.score_text::<EXPLAIN>(&replaced, scratch);
        scratch.replaced = replaced;
        explanation
    }

    /// The entry of a word as written, lower-cased the way Python's
    /// `str.lower()` does, and whether the word is all capitals.
    fn look_up(&self, word: &str, lowered: &mut String) -> (Entry, bool) {
        let bytes = word.as_bytes();
        let (mut has_upper, mut has_lower, mut ascii, mut apostrophe) = (false, false, true, false);
        for &b in bytes {
            has_upper |= b.is_ascii_uppercase();
            has_lower |= b.is_ascii_lowercase();
            ascii &= b.is_ascii();
            apostrophe |= b == b'\'';
        }
        if !ascii {
            // `str::to_lowercase`, as Python's, lowers a final sigma to "ς".
            *lowered = word.to_lowercase();
            return (
                self.entry_of(lowered.as_bytes(), apostrophe),
                is_upper(word),
            );
        }
        let upper = has_upper && !has_lower;
        if !has_upper {
            return (self.entry_of(bytes, apostrophe), upper);
        }
        let mut buffer = [0u8; 32];
        if let Some(key) = buffer.get_mut(..bytes.len()) {
            for (slot, b) in key.iter_mut().zip(bytes) {
                *slot = b.to_ascii_lowercase();
            }
            return (self.entry_of(key, apostrophe), upper);
        }
        *lowered = word.to_ascii_lowercase();
        (self.entry_of(lowered.as_bytes(), apostrophe), upper)
    }

    fn entry_of(&self, lowered: &[u8], apostrophe: bool) -> Entry {
        match self.entries.get(lowered) {
            Some(&entry) => entry,
            None => Entry {
                negation: apostrophe && holds_nt(lowered),
                ..Entry::default()
            },
        }
    }

    /// The reference's `SentiText`: split on whitespace, and strip the
    /// punctuation around a word unless that leaves two characters or fewer.
    fn tokenize(&self, text: &str, scratch: &mut Scratch) {
        let tokens = &mut scratch.tokens;
        tokens.clear();
        let ascii_text = text.is_ascii();
        let bytes = text.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            let space = space_at(text, at);
            if space > 0 {
                at += space;
                continue;
            }
            let start = at;
            // Inside a word every byte is looked at, but only a whitespace
            // character's first byte can start one, so continuation bytes pass.
            at += 1;
            while at < bytes.len() && space_at(text, at) == 0 {
                at += 1;
            }
            // Python's string.punctuation is exactly ASCII punctuation, and
            // no byte of a multi-byte character is ASCII.
            let (mut s, mut e) = (start, at);
            while s < e && bytes[s].is_ascii_punctuation() {
                s += 1;
            }
            while e > s && bytes[e - 1].is_ascii_punctuation() {
                e -= 1;
            }
            let stripped = &text[s..e];
            // Python counts characters: two bytes or fewer are two characters or fewer.
            let short = stripped.len() <= 2
                || (!ascii_text && stripped.len() <= 8 && stripped.chars().count() <= 2);
            let (s, e) = if short { (start, at) } else { (s, e) };
            let (entry, upper) = self.look_up(&text[s..e], &mut scratch.lowered);
            tokens.push(Token {
                entry,
                upper,
                start: s as u32,
                end: e as u32,
            });
        }
    }

    fn score_text<const EXPLAIN: bool>(&self, text: &str, scratch: &mut Scratch) -> Explanation {
        let text = text.trim_matches(python_is_space);
        if text.len() > u32::MAX as usize {
            // Spans are u32; no sentence is 4 GB, but no text may panic.
            return Explanation::default();
        }
        self.tokenize(text, scratch);
        let tokens = &scratch.tokens;
        let all_caps = tokens.iter().filter(|t| t.upper).count();
        let differential = tokens.len() - all_caps;
        let is_cap_diff = 0 < differential && differential < tokens.len();

        let sentiments = &mut scratch.sentiments;
        sentiments.clear();
        let mut explained: Vec<ScoredWord> = Vec::new();
        for (i, token) in tokens.iter().enumerate() {
            let entry = token.entry;
            let kind_of = entry.word == Word::Kind
                && tokens.get(i + 1).is_some_and(|t| t.entry.word == Word::Of);
            let Some(base) = entry
                .lexicon
                .filter(|_| entry.booster.is_none() && !kind_of)
            else {
                sentiments.push(0.0);
                continue;
            };
            let mut rules = Vec::new();
            let mut valence =
                self.sentiment_valence::<EXPLAIN>(text, tokens, i, base, is_cap_diff, &mut rules);
            if valence < 0.0 && self.removal_window > 0 {
                let from = i.saturating_sub(self.removal_window);
                if let Some(verb) = tokens[from..i].iter().find(|t| t.entry.removal) {
                    valence *= -0.5;
                    if EXPLAIN {
                        rules.push(format!(
                            "removed (\"{}\"): x-0.5",
                            verb.text(text).to_lowercase()
                        ));
                    }
                }
            }
            if EXPLAIN {
                explained.push(ScoredWord {
                    word: token.text(text).to_string(),
                    lexicon: base,
                    rules,
                    valence,
                });
            }
            sentiments.push(valence);
        }
        if let Some(but) = tokens.iter().position(|t| t.entry.word == Word::But) {
            but_check(but, sentiments);
            for word in explained.iter_mut().filter(|w| w.valence != 0.0) {
                word.rules
                    .push("weighed by \"but\" (x0.5 before, x1.5 after)".to_string());
            }
        }
        Explanation {
            words: explained,
            scores: score_valence(sentiments, text),
        }
    }

    fn sentiment_valence<const EXPLAIN: bool>(
        &self,
        text: &str,
        w: &[Token],
        i: usize,
        base: f64,
        is_cap_diff: bool,
        rules: &mut Vec<String>,
    ) -> f64 {
        let is = |k: usize, word: Word| w[k].entry.word == word;
        let mut valence = base;
        if is(i, Word::No) && i != w.len() - 1 && w[i + 1].entry.lexicon.is_some() {
            valence = 0.0;
            if EXPLAIN {
                rules.push("\"no\" negates the next word instead".to_string());
            }
        }
        let no_before = (i > 0 && is(i - 1, Word::No))
            || (i > 1 && is(i - 2, Word::No))
            || (i > 2 && is(i - 3, Word::No) && (is(i - 1, Word::Or) || is(i - 1, Word::Nor)));
        if no_before {
            valence = base * N_SCALAR;
            if EXPLAIN {
                rules.push("negated by \"no\"".to_string());
            }
        }
        if w[i].upper && is_cap_diff {
            valence += if valence > 0.0 { C_INCR } else { -C_INCR };
            if EXPLAIN {
                rules.push("ALL CAPS emphasis".to_string());
            }
        }
        for start_i in 0..3 {
            if i <= start_i {
                break;
            }
            let before_word = &w[i - (start_i + 1)];
            if before_word.entry.lexicon.is_some() {
                continue;
            }
            let mut s = scalar_inc_dec(before_word, valence, is_cap_diff);
            if start_i == 1 {
                s *= 0.95;
            }
            if start_i == 2 {
                s *= 0.9;
            }
            if s != 0.0 && EXPLAIN {
                rules.push(format!("{:+.3} from \"{}\"", s, before_word.text(text)));
            }
            valence += s;
            let before = valence;
            valence = negation_check(valence, w, start_i, i);
            if valence != before && EXPLAIN {
                rules.push(format!(
                    "x{:.2} from \"{}\"",
                    valence / before,
                    before_word.text(text).to_lowercase()
                ));
            }
            if start_i == 2 {
                let before = valence;
                valence = self.special_idioms_check(valence, w, i);
                if valence != before && EXPLAIN {
                    rules.push("special idiom".to_string());
                }
            }
        }
        let before = valence;
        valence = least_check(valence, w, i);
        if valence != before && EXPLAIN {
            rules.push("negated by \"least\"".to_string());
        }
        valence
    }

    fn special_idioms_check(&self, mut valence: f64, w: &[Token], i: usize) -> f64 {
        let special = |tokens: &[Token]| {
            let key = phrase_key(tokens);
            self.special_cases
                .iter()
                .find(|p| p.key == key)
                .map(|p| p.value)
        };
        // The reference's order: "w1 w0", "w2 w1 w0", "w2 w1", "w3 w2 w1", "w3 w2".
        let sequences = [
            &w[i - 1..=i],
            &w[i - 2..=i],
            &w[i - 2..i],
            &w[i - 3..i],
            &w[i - 3..i - 1],
        ];
        if let Some(v) = sequences.iter().find_map(|seq| special(seq)) {
            valence = v;
        }
        if w.len() - 1 > i {
            if let Some(v) = special(&w[i..i + 2]) {
                valence = v;
            }
        }
        if w.len() - 1 > i + 1 {
            if let Some(v) = special(&w[i..i + 3]) {
                valence = v;
            }
        }
        // Booster phrases among "w3 w2 w1", "w3 w2" and "w2 w1".
        for seq in [&w[i - 3..i], &w[i - 3..i - 1], &w[i - 2..i]] {
            let key = phrase_key(seq);
            if let Some(p) = self.booster_phrases.iter().find(|p| p.key == key) {
                valence += p.value;
            }
        }
        valence
    }
}

impl Default for Vader {
    fn default() -> Vader {
        Vader::new()
    }
}

fn scalar_inc_dec(word: &Token, valence: f64, is_cap_diff: bool) -> f64 {
    let Some(mut scalar) = word.entry.booster else {
        return 0.0;
    };
    if valence < 0.0 {
        scalar *= -1.0;
    }
    if word.upper && is_cap_diff {
        if valence > 0.0 {
            scalar += C_INCR;
        } else {
            scalar -= C_INCR;
        }
    }
    scalar
}

fn negation_check(valence: f64, w: &[Token], start_i: usize, i: usize) -> f64 {
    let is = |k: usize, word: Word| w[k].entry.word == word;
    let so_this = |k: usize| is(k, Word::So) || is(k, Word::This);
    let negated = |k: usize| w[k].entry.negation;
    match start_i {
        0 if negated(i - 1) => valence * N_SCALAR,
        1 => {
            if is(i - 2, Word::Never) && so_this(i - 1) {
                valence * 1.25
            } else if is(i - 2, Word::Without) && is(i - 1, Word::Doubt) {
                valence
            } else if negated(i - 2) {
                valence * N_SCALAR
            } else {
                valence
            }
        }
        2 => {
            // As written in the reference: `a and b or c`.
            if (is(i - 3, Word::Never) && so_this(i - 2)) || so_this(i - 1) {
                valence * 1.25
            } else if is(i - 3, Word::Without) && (is(i - 2, Word::Doubt) || is(i - 1, Word::Doubt))
            {
                valence
            } else if negated(i - 3) {
                valence * N_SCALAR
            } else {
                valence
            }
        }
        _ => valence,
    }
}

fn least_check(valence: f64, w: &[Token], i: usize) -> f64 {
    let least_before =
        |i: usize| w[i - 1].entry.lexicon.is_none() && w[i - 1].entry.word == Word::Least;
    if i > 1 && least_before(i) {
        if w[i - 2].entry.word != Word::At && w[i - 2].entry.word != Word::Very {
            return valence * N_SCALAR;
        }
    } else if i > 0 && least_before(i) {
        return valence * N_SCALAR;
    }
    valence
}

/// The reference's "but" rule, including its use of `list.index`, which finds
/// the first equal value rather than the current position.
fn but_check(bi: usize, sentiments: &mut [f64]) {
    for k in 0..sentiments.len() {
        let sentiment = sentiments[k];
        let Some(si) = sentiments.iter().position(|&s| s == sentiment) else {
            continue;
        };
        if si < bi {
            sentiments[si] = sentiment * 0.5;
        } else if si > bi {
            sentiments[si] = sentiment * 1.5;
        }
    }
}

fn punctuation_emphasis(text: &str) -> f64 {
    let count = |mark: u8| text.bytes().filter(|&b| b == mark).count();
    let ep = count(b'!').min(4) as f64 * 0.292;
    let questions = count(b'?');
    let qm = match questions {
        0 | 1 => 0.0,
        2 | 3 => questions as f64 * 0.18,
        _ => 0.96,
    };
    ep + qm
}

fn normalize(score: f64) -> f64 {
    let norm = score / (score * score + 15.0).sqrt();
    norm.clamp(-1.0, 1.0)
}

/// Python's `round(x, digits)`: the correctly rounded decimal of the binary
/// value. Away from a tie, `(x * 10^d).round() / 10^d` is that decimal's
/// nearest double (an exact integer over an exact power of ten, divided once);
/// near a tie only the exact decimal expansion decides.
fn round(x: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    let scaled = x * scale;
    let fraction = (scaled - scaled.trunc()).abs();
    if (fraction - 0.5).abs() > 1e-6 && scaled.abs() < 1e15 {
        return scaled.round() / scale;
    }
    let digits = digits as usize;
    format!("{x:.digits$}").parse().unwrap_or(x)
}

fn score_valence(sentiments: &[f64], text: &str) -> Scores {
    if sentiments.is_empty() {
        return Scores::default();
    }
    // Python's sum starts from the integer 0, so an all-zero list sums to 0.0, not -0.0.
    let mut sum: f64 = sentiments.iter().fold(0.0, |a, b| a + b);
    let emphasis = punctuation_emphasis(text);
    if sum > 0.0 {
        sum += emphasis;
    } else if sum < 0.0 {
        sum -= emphasis;
    }
    let compound = normalize(sum);
    let mut pos_sum = 0.0;
    let mut neg_sum = 0.0;
    let mut neu_count = 0.0;
    for &s in sentiments {
        if s > 0.0 {
            pos_sum += s + 1.0;
        }
        if s < 0.0 {
            neg_sum += s - 1.0;
        }
        if s == 0.0 {
            neu_count += 1.0;
        }
    }
    if pos_sum > neg_sum.abs() {
        pos_sum += emphasis;
    } else if pos_sum < neg_sum.abs() {
        neg_sum -= emphasis;
    }
    let total = pos_sum + neg_sum.abs() + neu_count;
    Scores {
        compound: round(compound, 4),
        pos: round((pos_sum / total).abs(), 3),
        neu: round((neu_count / total).abs(), 3),
        neg: round((neg_sum / total).abs(), 3),
    }
}
