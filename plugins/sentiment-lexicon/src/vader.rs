//! VADER (Hutto & Gilbert, ICWSM 2014), computed as its reference
//! implementation `vaderSentiment` 3.3.2 computes it, quirks included: the
//! parity fixture in `fixtures/` holds that implementation's scores.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a: lexicon keys are short words, where SipHash's setup dominates.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

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

/// The four VADER scores, rounded as the reference rounds them.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Scores {
    pub compound: f64,
    pub pos: f64,
    pub neu: f64,
    pub neg: f64,
}

/// A change to a word's valence: given the lower-cased words, the word's
/// index and its valence, the new valence and the rule's name if it changed.
pub type Adjust = dyn Fn(&[Cow<'_, str>], usize, f64) -> (f64, Option<String>);

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
    lexicon: FastMap<String, f64>,
    emojis: FastMap<char, String>,
    boosters: FastMap<&'static str, f64>,
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

/// Lower case, borrowing when the word has no capital (most words).
fn lower(word: &str) -> Cow<'_, str> {
    if word
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        Cow::Borrowed(word)
    } else {
        Cow::Owned(word.to_lowercase())
    }
}

impl Vader {
    /// VADER's own lexicon and emoji descriptions.
    pub fn new() -> Vader {
        Vader::with_overlay(&[])
    }

    /// VADER's lexicon with `overlay` entries added or replacing its values.
    pub fn with_overlay(overlay: &[(String, f64)]) -> Vader {
        let mut lexicon = FastMap::default();
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
                    lexicon.insert(word.to_string(), value);
                }
            }
        }
        for (word, value) in overlay {
            lexicon.insert(word.clone(), *value);
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
            lexicon,
            emojis,
            boosters: BOOSTERS.iter().copied().collect(),
        }
    }

    pub fn lexicon_value(&self, word: &str) -> Option<f64> {
        self.lexicon.get(word).copied()
    }

    pub fn polarity_scores(&self, text: &str) -> Scores {
        self.run(text, &|_, _, valence| (valence, None), false)
            .scores
    }

    /// Scores a sentence and records each step.
    pub fn explain(&self, text: &str) -> Explanation {
        self.run(text, &|_, _, valence| (valence, None), true)
    }

    /// As [`Vader::explain`], with `adjust(lowered words, index, valence)`
    /// applied to each word's valence before the "but" rule; it returns the
    /// new valence and, when it changed it, the rule's name. Pure VADER
    /// passes the valence through.
    pub fn explain_with(&self, text: &str, adjust: &Adjust) -> Explanation {
        self.run(text, adjust, true)
    }

    /// Scores with `adjust`, without recording the rules.
    pub fn score_with(&self, text: &str, adjust: &Adjust) -> Scores {
        self.run(text, adjust, false).scores
    }

    fn run(&self, text: &str, adjust: &Adjust, explain: bool) -> Explanation {
        // Emojis become their descriptions; ASCII text has none.
        if text.is_ascii() {
            return self.score_words(text, adjust, explain);
        }
        let mut replaced = String::with_capacity(text.len());
        let mut previous_space = true;
        for c in text.chars() {
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
        self.score_words(&replaced, adjust, explain)
    }

    fn score_words(&self, text: &str, adjust: &Adjust, explain: bool) -> Explanation {
        let text = text.trim_matches(python_is_space);
        let words: Vec<&str> = text
            .split(python_is_space)
            .filter(|w| !w.is_empty())
            .map(|w| {
                // Python's string.punctuation is exactly ASCII punctuation.
                let stripped = w.trim_matches(|c: char| c.is_ascii_punctuation());
                if stripped.len() <= 2 || (stripped.len() <= 8 && stripped.chars().count() <= 2) {
                    w
                } else {
                    stripped
                }
            })
            .collect();
        let lowered: Vec<Cow<'_, str>> = words.iter().map(|w| lower(w)).collect();
        // Each word's lexicon value, looked up once: the rules ask about neighbours often.
        let lex: Vec<Option<f64>> = lowered
            .iter()
            .map(|w| self.lexicon.get(w.as_ref()).copied())
            .collect();
        let all_caps = words.iter().filter(|w| is_upper(w)).count();
        let differential = words.len() - all_caps;
        let is_cap_diff = 0 < differential && differential < words.len();

        let mut sentiments: Vec<f64> = Vec::with_capacity(words.len());
        let mut explained: Vec<ScoredWord> = Vec::new();
        for i in 0..words.len() {
            let item_lower = &lowered[i];
            if self.boosters.contains_key(item_lower.as_ref()) {
                sentiments.push(0.0);
                continue;
            }
            if i + 1 < words.len() && item_lower == "kind" && lowered[i + 1] == "of" {
                sentiments.push(0.0);
                continue;
            }
            let (valence, word) =
                self.sentiment_valence(&words, &lowered, &lex, i, is_cap_diff, explain);
            let (valence, rule) = adjust(&lowered, i, valence);
            if let Some(mut word) = word {
                if let Some(rule) = rule {
                    word.rules.push(rule);
                    word.valence = valence;
                }
                explained.push(word);
            }
            sentiments.push(valence);
        }
        but_check(&lowered, &mut sentiments, &mut explained);
        let scores = score_valence(&sentiments, text);
        Explanation {
            words: explained,
            scores,
        }
    }

    fn sentiment_valence(
        &self,
        words: &[&str],
        lowered: &[Cow<'_, str>],
        lex: &[Option<f64>],
        i: usize,
        is_cap_diff: bool,
        explain: bool,
    ) -> (f64, Option<ScoredWord>) {
        let item = words[i];
        let item_lower = lowered[i].as_ref();
        let Some(base) = lex[i] else {
            return (0.0, None);
        };
        let mut rules = Vec::new();
        let mut valence = base;
        if item_lower == "no" && i != words.len() - 1 && lex[i + 1].is_some() {
            valence = 0.0;
            if explain {
                rules.push("\"no\" negates the next word instead".to_string());
            }
        }
        let no_before = (i > 0 && lowered[i - 1] == "no")
            || (i > 1 && lowered[i - 2] == "no")
            || (i > 2 && lowered[i - 3] == "no" && matches!(lowered[i - 1].as_ref(), "or" | "nor"));
        if no_before {
            valence = base * N_SCALAR;
            if explain {
                rules.push("negated by \"no\"".to_string());
            }
        }
        if is_upper(item) && is_cap_diff {
            valence += if valence > 0.0 { C_INCR } else { -C_INCR };
            if explain {
                rules.push("ALL CAPS emphasis".to_string());
            }
        }
        for start_i in 0..3 {
            if i > start_i && lex[i - (start_i + 1)].is_none() {
                let mut s = scalar_inc_dec(
                    &self.boosters,
                    words[i - (start_i + 1)],
                    valence,
                    is_cap_diff,
                );
                if start_i == 1 && s != 0.0 {
                    s *= 0.95;
                }
                if start_i == 2 && s != 0.0 {
                    s *= 0.9;
                }
                if s != 0.0 && explain {
                    rules.push(format!("{:+.3} from \"{}\"", s, words[i - (start_i + 1)]));
                }
                valence += s;
                let before = valence;
                valence = negation_check(valence, lowered, start_i, i);
                if valence != before && explain {
                    rules.push(format!(
                        "x{:.2} from \"{}\"",
                        valence / before,
                        lowered[i - (start_i + 1)]
                    ));
                }
                if start_i == 2 {
                    let before = valence;
                    valence = special_idioms_check(valence, lowered, i);
                    if valence != before && explain {
                        rules.push("special idiom".to_string());
                    }
                }
            }
        }
        let before = valence;
        valence = least_check(lex, valence, lowered, i);
        if valence != before && explain {
            rules.push("negated by \"least\"".to_string());
        }
        (
            valence,
            Some(ScoredWord {
                word: item.to_string(),
                lexicon: base,
                rules,
                valence,
            }),
        )
    }
}

impl Default for Vader {
    fn default() -> Vader {
        Vader::new()
    }
}

fn negated(word: &str) -> bool {
    static SORTED: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    let sorted = SORTED.get_or_init(|| {
        let mut words = NEGATE.to_vec();
        words.sort_unstable();
        words
    });
    word.contains("n't") || sorted.binary_search(&word).is_ok()
}

fn scalar_inc_dec(
    boosters: &FastMap<&'static str, f64>,
    word: &str,
    valence: f64,
    is_cap_diff: bool,
) -> f64 {
    let Some(&value) = boosters.get(lower(word).as_ref()) else {
        return 0.0;
    };
    let mut scalar = value;
    if valence < 0.0 {
        scalar *= -1.0;
    }
    if is_upper(word) && is_cap_diff {
        if valence > 0.0 {
            scalar += C_INCR;
        } else {
            scalar -= C_INCR;
        }
    }
    scalar
}

fn negation_check(valence: f64, w: &[Cow<'_, str>], start_i: usize, i: usize) -> f64 {
    let so_this = |k: usize| matches!(w[k].as_ref(), "so" | "this");
    match start_i {
        0 if negated(&w[i - 1]) => valence * N_SCALAR,
        1 => {
            if w[i - 2] == "never" && so_this(i - 1) {
                valence * 1.25
            } else if w[i - 2] == "without" && w[i - 1] == "doubt" {
                valence
            } else if negated(&w[i - 2]) {
                valence * N_SCALAR
            } else {
                valence
            }
        }
        2 => {
            // As written in the reference: `a and b or c`.
            if (w[i - 3] == "never" && so_this(i - 2)) || so_this(i - 1) {
                valence * 1.25
            } else if w[i - 3] == "without" && (w[i - 2] == "doubt" || w[i - 1] == "doubt") {
                valence
            } else if negated(&w[i - 3]) {
                valence * N_SCALAR
            } else {
                valence
            }
        }
        _ => valence,
    }
}

fn special_idioms_check(mut valence: f64, w: &[Cow<'_, str>], i: usize) -> f64 {
    // The reference joins words with spaces and looks the phrase up; compare
    // word by word instead, with no allocation.
    let phrase_is = |phrase: &str, words: &[&Cow<'_, str>]| {
        let mut parts = phrase.split(' ');
        words.iter().all(|w| parts.next() == Some(w.as_ref())) && parts.next().is_none()
    };
    let special = |words: &[&Cow<'_, str>]| {
        SPECIAL_CASES
            .iter()
            .find(|(k, _)| phrase_is(k, words))
            .map(|&(_, v)| v)
    };
    let (w3, w2, w1, w0) = (&w[i - 3], &w[i - 2], &w[i - 1], &w[i]);
    // Every special case holds one of these words; most sentences hold none nearby.
    let anchors = [
        "shit", "bomb", "ass", "badass", "stop", "right", "death", "die", "heart",
    ];
    let near = &w[i - 3..(i + 3).min(w.len())];
    if !near.iter().any(|x| anchors.contains(&x.as_ref())) {
        return two_word_boosters(valence, w3.as_ref(), w2.as_ref(), w1.as_ref());
    }
    let sequences: [&[&Cow<'_, str>]; 5] = [
        &[w1, w0],
        &[w2, w1, w0],
        &[w2, w1],
        &[w3, w2, w1],
        &[w3, w2],
    ];
    for seq in sequences {
        if let Some(v) = special(seq) {
            valence = v;
            break;
        }
    }
    if w.len() - 1 > i {
        if let Some(v) = special(&[w0, &w[i + 1]]) {
            valence = v;
        }
    }
    if w.len() - 1 > i + 1 {
        if let Some(v) = special(&[w0, &w[i + 1], &w[i + 2]]) {
            valence = v;
        }
    }
    two_word_boosters(valence, w3.as_ref(), w2.as_ref(), w1.as_ref())
}

/// The reference also adds any booster phrase among the three n-grams before
/// the word; the only phrases are "kind of", "sort of" and "just enough", so
/// only the two-word n-grams can match.
fn two_word_boosters(mut valence: f64, w3: &str, w2: &str, w1: &str) -> f64 {
    for pair in [(w3, w2), (w2, w1)] {
        if matches!(pair, ("kind", "of") | ("sort", "of") | ("just", "enough")) {
            valence += B_DECR;
        }
    }
    valence
}

fn least_check(lex: &[Option<f64>], valence: f64, w: &[Cow<'_, str>], i: usize) -> f64 {
    if i > 1 && lex[i - 1].is_none() && w[i - 1] == "least" {
        if w[i - 2] != "at" && w[i - 2] != "very" {
            return valence * N_SCALAR;
        }
    } else if i > 0 && lex[i - 1].is_none() && w[i - 1] == "least" {
        return valence * N_SCALAR;
    }
    valence
}

/// The reference's "but" rule, including its use of `list.index`, which finds
/// the first equal value rather than the current position.
fn but_check(w: &[Cow<'_, str>], sentiments: &mut [f64], explained: &mut [ScoredWord]) {
    let Some(bi) = w.iter().position(|x| x == "but") else {
        return;
    };
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
    for word in explained.iter_mut() {
        if word.valence != 0.0 {
            word.rules
                .push("weighed by \"but\" (x0.5 before, x1.5 after)".to_string());
        }
    }
}

fn punctuation_emphasis(text: &str) -> f64 {
    let ep = text.matches('!').count().min(4) as f64 * 0.292;
    let qm_count = text.matches('?').count();
    let qm = match qm_count {
        0 | 1 => 0.0,
        2 | 3 => qm_count as f64 * 0.18,
        _ => 0.96,
    };
    ep + qm
}

fn normalize(score: f64) -> f64 {
    let norm = score / (score * score + 15.0).sqrt();
    norm.clamp(-1.0, 1.0)
}

/// Python's `round(x, digits)`: the correctly rounded decimal of the binary value.
fn round(x: f64, digits: usize) -> f64 {
    format!("{x:.digits$}").parse().unwrap_or(x)
}

fn score_valence(sentiments: &[f64], text: &str) -> Scores {
    if sentiments.is_empty() {
        return Scores::default();
    }
    let mut sum: f64 = sentiments.iter().sum();
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
