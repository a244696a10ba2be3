//! Voices: who is quoted, with which verb — directly, in indirect speech, or
//! in a mix of the two ("X said the test was “very robust”").
//! Built on the core quotation spans, sentences and actor mentions.
//!
//! Each sentence is read as English attribution is written: a speaker and a
//! reporting verb, and the words reported on one side of them. The speaker
//! comes before the verb ("Hahn said"), after it ("said the ministry") or
//! round an appositive ("Caitlin Oakley, an HHS spokeswoman, said"); the
//! reported words follow the verb ("said (that) …", "said: “…”") or precede
//! it ("“…,” he said", "… on Friday, a monitor said"). The reported words are
//! a direct quote when they are all inside quotation marks, a mixed quote
//! when some are not, and indirect speech when none are. A quote with no
//! attribution of its own that opens a sentence right after another quote
//! continues that speaker; a short one with none is a title or a scare quote,
//! not a voice.

use std::sync::OnceLock;

use newslens_core::text::calendar::weekday_of;
use newslens_core::text::{AnnotatedDoc, Token, TokenKind};
use newslens_core::Span;

use crate::words::{shape, WordMap};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Words inside quotation marks, all of them the speaker's.
    Direct,
    /// Reported content that holds quoted words: "X said it was “very robust”".
    Mixed,
    /// "X said (that) …" with no quotation marks.
    Indirect,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Direct => "direct",
            Kind::Mixed => "mixed",
            Kind::Indirect => "indirect",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Quotation {
    pub kind: Kind,
    /// The quoted words: inside the marks for direct quotes, the reported
    /// clause for mixed and indirect ones.
    pub quote: Span,
    /// The speaker as written ("Mr Lavrov", "the GNA", "he").
    pub speaker: Option<Span>,
    /// The gazetteer actor the speaker is, after resolving pronouns.
    pub actor: Option<usize>,
    pub verb: Option<Span>,
    /// Named source, or anonymous ("diplomatic sources", "an official").
    pub named: bool,
}

/// Reporting verbs: the neutral ones and the loaded ones.
pub const NEUTRAL_VERBS: &[&str] = &[
    "said",
    "says",
    "say",
    "saying",
    "told",
    "tells",
    "telling",
    "added",
    "adds",
    "adding",
    "stated",
    "states",
    "noted",
    "notes",
    "noting",
    "explained",
    "explains",
    "explaining",
    "announced",
    "announces",
    "reported",
    "reports",
    "wrote",
    "writes",
    "according",
    "asked",
    "asks",
    "replied",
    "answered",
    "commented",
    "remarked",
    "urged",
    "stressed",
    "stressing",
    "reiterated",
    "underlined",
    "underlines",
    "emphasised",
    "emphasized",
    "warned",
    "warns",
    "warning",
    "indicated",
    "confirmed",
    "confirms",
    "tweeted",
    "declared",
    "suggested",
    "suggests",
    "cautioned",
    "repeated",
    "recalled",
    "estimated",
    "predicted",
    "revealed",
    "disclosed",
    "testified",
    "quoted",
    "quoting",
    "reporting",
    "read",
    "reads",
    "described",
    "called",
];

pub const LOADED_VERBS: &[&str] = &[
    "claimed",
    "claims",
    "claim",
    "claiming",
    "admitted",
    "admits",
    "insisted",
    "insists",
    "insisting",
    "alleged",
    "alleges",
    "conceded",
    "concedes",
    "denied",
    "denies",
    "acknowledged",
    "acknowledges",
    "confessed",
    "boasted",
    "boasts",
    "complained",
    "complains",
    "accused",
    "accuses",
    "charged",
    "maintained",
    "maintains",
    "argued",
    "argues",
    "arguing",
    "contended",
    "asserted",
    "asserts",
    "blamed",
    "blames",
    "lamented",
    "threatened",
    "vowed",
    "vows",
    "pledged",
];

/// Whether `word` (lower case) is a reporting verb. It runs on every word
/// of the text, so the lists go into one [`WordMap`], which turns nearly
/// every other word away by its shape before hashing it.
#[inline(always)]
pub fn is_reporting_verb(word: &str) -> bool {
    reporting_verbs().contains(word)
}

/// [`NEUTRAL_VERBS`] and [`LOADED_VERBS`], for [`is_reporting_verb`].
#[inline(always)]
pub(crate) fn reporting_verbs() -> &'static WordMap<()> {
    static VERBS: OnceLock<WordMap<()>> = OnceLock::new();
    VERBS.get_or_init(|| {
        WordMap::new(
            NEUTRAL_VERBS
                .iter()
                .chain(LOADED_VERBS)
                .map(|&verb| (verb.into(), ())),
        )
    })
}

/// How a reporting verb takes its speaker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum VerbForm {
    /// "said", "told": a speaker before or after, words on either side.
    Finite,
    /// "saying", "adding": continues the speaker of the clause before it.
    Gerund,
    /// "according to X".
    According,
}

#[inline(always)]
fn verb_form(word: &str) -> Option<VerbForm> {
    // Nearly every token is turned away here, by its shape, without a call.
    if !is_reporting_verb(word) {
        return None;
    }
    form_of_verb(word)
}

/// [`verb_form`] of a reporting verb.
#[inline(never)]
fn form_of_verb(word: &str) -> Option<VerbForm> {
    if word == "according" {
        return Some(VerbForm::According);
    }
    if word.ends_with("ing") {
        // "reporting" and "quoting" introduce a source more often than words.
        return (!matches!(word, "reporting" | "quoting")).then_some(VerbForm::Gerund);
    }
    Some(VerbForm::Finite)
}

/// Verbs that take a bare clause as readily as a "that" one ("said he
/// would", "claimed the strike was"). The others often take a noun phrase
/// ("announced the closure", "denied the reports"), so without a "that" or
/// quotation marks their words count only when a pronoun opens them.
fn takes_bare_clause(word: &str) -> bool {
    matches!(
        word,
        "said"
            | "says"
            | "say"
            | "saying"
            | "told"
            | "tells"
            | "telling"
            | "added"
            | "adds"
            | "adding"
            | "wrote"
            | "writes"
            | "stated"
            | "states"
            | "noted"
            | "notes"
            | "noting"
            | "explained"
            | "explains"
            | "claimed"
            | "claims"
            | "claim"
            | "claiming"
            | "insisted"
            | "insists"
            | "argued"
            | "argues"
            | "warned"
            | "warns"
            | "maintained"
            | "maintains"
            | "contended"
            | "asserted"
            | "asserts"
            | "alleged"
            | "alleges"
            | "admitted"
            | "admits"
            | "conceded"
            | "concedes"
            | "reported"
            | "reports"
            | "stressed"
            | "stressing"
            | "suggested"
            | "suggests"
            | "confirmed"
            | "confirms"
            | "acknowledged"
            | "acknowledges"
            | "complained"
            | "indicated"
            | "estimated"
            | "predicted"
            | "tweeted"
            | "replied"
            | "answered"
            | "reiterated"
            | "emphasised"
            | "emphasized"
            | "underlined"
    )
}

const PRONOUNS: &[&str] = &["he", "she", "it", "they", "we", "i"];

const ANONYMOUS: &[&str] = &[
    "sources",
    "source",
    "official",
    "officials",
    "diplomats",
    "diplomat",
    "observers",
    "analysts",
    "insiders",
    "witnesses",
    "witness",
    "residents",
    "resident",
    "activists",
    "people",
    "someone",
    "aides",
    "aide",
    "spokesman",
    "spokeswoman",
    "spokesperson",
];

fn is_determiner(word: &str) -> bool {
    matches!(
        word,
        "the"
            | "a"
            | "an"
            | "its"
            | "his"
            | "her"
            | "their"
            | "our"
            | "this"
            | "these"
            | "those"
            | "some"
            | "several"
            | "many"
            | "other"
            | "another"
            | "one"
            | "two"
            | "three"
            | "four"
            | "five"
            | "six"
            | "seven"
            | "eight"
            | "nine"
            | "ten"
            | "both"
            | "most"
            | "few"
    )
}

/// Prepositions that stay inside a speaker's noun phrase ("head of the
/// mission", "an official from the forces", "sources familiar with …").
fn is_phrase_preposition(word: &str) -> bool {
    matches!(
        word,
        "of" | "for" | "from" | "with" | "at" | "in" | "inside" | "on"
    )
}

/// Words that end a speaker's noun phrase: clause words, auxiliaries and objects.
fn ends_phrase(word: &str) -> bool {
    matches!(
        word,
        "that"
            | "which"
            | "who"
            | "whom"
            | "whose"
            | "where"
            | "when"
            | "while"
            | "as"
            | "after"
            | "before"
            | "because"
            | "if"
            | "since"
            | "although"
            | "though"
            | "and"
            | "but"
            | "or"
            | "nor"
            | "so"
            | "than"
            | "until"
            | "unless"
            | "whether"
            | "to"
            | "not"
            | "there"
            | "here"
            | "is"
            | "was"
            | "were"
            | "are"
            | "be"
            | "been"
            | "being"
            | "has"
            | "have"
            | "had"
            | "do"
            | "does"
            | "did"
            | "will"
            | "would"
            | "can"
            | "could"
            | "may"
            | "might"
            | "must"
            | "shall"
            | "should"
            | "also"
            | "him"
            | "them"
            | "us"
            | "me"
            | "by"
            | "via"
            | "during"
            | "about"
            | "over"
            | "against"
            | "into"
            | "out"
            | "up"
            | "down"
            | "no"
            | "what"
            | "how"
            | "why"
            | "all"
            | "any"
            | "more"
            | "very"
            | "still"
            | "just"
            | "only"
            | "even"
            | "through"
            | "despite"
            | "amid"
    ) || PRONOUNS.contains(&word)
}

/// Words between a subject and its reporting verb ("Hahn also noted", "the
/// RNC has said", "the government has long denied").
fn is_auxiliary_or_adverb(word: &str) -> bool {
    matches!(
        word,
        "also"
            | "has"
            | "have"
            | "had"
            | "was"
            | "were"
            | "is"
            | "are"
            | "would"
            | "will"
            | "could"
            | "may"
            | "might"
            | "later"
            | "earlier"
            | "previously"
            | "repeatedly"
            | "first"
            | "then"
            | "further"
            | "again"
            | "publicly"
            | "recently"
            | "long"
            | "never"
            | "once"
            | "separately"
            | "subsequently"
            | "immediately"
            | "promptly"
            | "strongly"
            | "specifically"
            | "did"
            | "does"
            | "reportedly"
            | "allegedly"
            | "flatly"
            | "quickly"
            | "openly"
            | "privately"
            | "officially"
            | "not"
    ) || word.ends_with("ly") && word.len() > 4
        || word.ends_with("n't")
        || word.ends_with("n’t")
}

/// Finite verbs and pronoun subjects: their presence between a reporting verb
/// and a "that" means the "that" belongs to the reported clause, not to the verb.
fn starts_clause(word: &str) -> bool {
    PRONOUNS.contains(&word)
        || matches!(
            word,
            "is" | "was"
                | "are"
                | "were"
                | "has"
                | "have"
                | "had"
                | "will"
                | "would"
                | "can"
                | "could"
                | "may"
                | "might"
                | "should"
                | "must"
                | "there"
                | "this"
                | "these"
                | "those"
                | "if"
                | "while"
                | "because"
        )
}

/// Days and other times that an adjunct between a subject and its verb names.
fn is_time_word(word: &str) -> bool {
    weekday_of(word).is_some()
        || matches!(
            word,
            "week" | "weekend" | "month" | "year" | "morning" | "afternoon" | "evening" | "night"
        )
}

/// Words of the adjuncts between a reporting verb and its "that": "said in
/// a statement on Friday that", "told reporters last week that".
fn is_adjunct_word(word: &str) -> bool {
    matches!(
        word,
        "statement"
            | "interview"
            | "memo"
            | "release"
            | "conference"
            | "briefing"
            | "email"
            | "letter"
            | "post"
            | "message"
            | "speech"
            | "report"
            | "video"
            | "tweet"
            | "press"
            | "news"
            | "phone"
            | "telephone"
            | "television"
            | "radio"
            | "written"
            | "emailed"
            | "televised"
            | "joint"
            | "separate"
            | "brief"
            | "week"
            | "month"
            | "year"
            | "day"
            | "morning"
            | "afternoon"
            | "evening"
            | "night"
            | "weekend"
            | "time"
            | "last"
            | "earlier"
            | "later"
            | "late"
            | "also"
            | "yesterday"
            | "today"
            | "tonight"
            | "reporters"
            | "journalists"
            | "him"
            | "her"
            | "them"
            | "us"
            | "me"
            | "'s"
            | "’s"
    )
}

/// Verbs that take the listener as their object before the reported words.
fn takes_listener(word: &str) -> bool {
    matches!(
        word,
        "told" | "tells" | "tell" | "telling" | "warned" | "warns" | "urged" | "asked" | "asks"
    )
}

fn is_mark(raw: &str) -> bool {
    matches!(raw, "“" | "”" | "\"" | "„" | "‘" | "’")
}

/// One sentence's tokens, with each word lower-cased (ASCII letters only, so
/// that byte offsets stay those of the text) from one copy of the document.
struct Clause<'a> {
    doc: &'a AnnotatedDoc,
    tokens: &'a [Token],
    /// Each token lower-cased, sliced once: the rules read each word many times.
    words: &'a [&'a str],
    /// Outer quotation marks and what lies between them, per token.
    quoted: &'a [bool],
}

impl Clause<'_> {
    fn len(&self) -> usize {
        self.tokens.len()
    }
    /// Token `i` lower-cased; "" past either end.
    fn word(&self, i: usize) -> &str {
        self.words.get(i).copied().unwrap_or("")
    }
    fn raw(&self, i: usize) -> &str {
        self.tokens.get(i).map_or("", |t| self.doc.slice(t.span))
    }
    fn is_punct(&self, i: usize) -> bool {
        self.tokens
            .get(i)
            .is_some_and(|t| t.kind == TokenKind::Punct)
    }
    fn is_word(&self, i: usize) -> bool {
        self.tokens
            .get(i)
            .is_some_and(|t| t.kind != TokenKind::Punct)
    }
    /// A capitalised word, or an Arabic name with its article ("al-Hajj").
    fn capital(&self, i: usize) -> bool {
        if !self.is_word(i) {
            return false;
        }
        let raw = self.raw(i);
        raw.chars().next().is_some_and(char::is_uppercase)
            || raw.split_once('-').is_some_and(|(article, name)| {
                article.len() <= 2 && name.chars().next().is_some_and(char::is_uppercase)
            })
    }
    fn is_number(&self, i: usize) -> bool {
        self.tokens
            .get(i)
            .is_some_and(|t| t.kind == TokenKind::Number)
    }
    /// "Dr" and "St" before their dot, "U.S" in "U.S." written with a final dot.
    fn abbreviation_dot(&self, i: usize) -> bool {
        self.raw(i) == "."
            && i > 0
            && self.capital(i - 1)
            && self.raw(i - 1).len() <= 3
            && self.tokens[i].span.start == self.tokens[i - 1].span.end
    }

    /// The speaker's noun phrase that ends at token `end` (inclusive), read
    /// leftwards, not before token `limit`.
    fn phrase_before(&self, end: usize, limit: usize) -> Option<(usize, usize)> {
        if end < limit || self.quoted[end] {
            return None;
        }
        if PRONOUNS.contains(&self.word(end)) {
            return Some((end, end));
        }
        if matches!(self.word(end), "who" | "which") {
            // "X, chairman of …, who cautioned", "the Observatory which monitors … said".
            return self.antecedent(end, limit).or(Some((end, end)));
        }
        let mut start = end + 1;
        let mut i = end as isize;
        while i >= limit as isize && end + 1 - (i as usize) <= 14 {
            let at = i as usize;
            let word = self.word(at);
            if self.quoted[at] {
                break;
            }
            if self.raw(at) == ")" {
                // "(IFRC)": an abbreviation in brackets belongs to the name.
                let open = (limit..at).rev().take(6).find(|&k| self.raw(k) == "(");
                match open {
                    Some(k) => {
                        start = k;
                        i = k as isize - 1;
                        continue;
                    }
                    None => break,
                }
            }
            if self.is_punct(at) {
                if matches!(self.raw(at), "-" | "&" | "'" | "’") || self.abbreviation_dot(at) {
                    start = at;
                    i -= 1;
                    continue;
                }
                break;
            }
            if matches!(word, "'s" | "’s") {
                start = at;
                i -= 1;
                continue;
            }
            if is_determiner(word) || self.is_number(at) {
                start = at;
                let before = self.word(at.wrapping_sub(1));
                if at > limit && is_phrase_preposition(before) {
                    i -= 1;
                    continue;
                }
                // "Ibrahim al-Hajj a volunteer with the group said": a name
                // before an appositive that has no commas round it.
                if at > limit && matches!(word, "a" | "an") && self.capital(at - 1) {
                    i -= 1;
                    continue;
                }
                // "Rami Abdul-Rahman the Observatory chief said": the same with
                // "the", when the name opens the clause.
                if at > limit && word == "the" && self.capital(at - 1) {
                    let mut name = at - 1;
                    while name > limit && self.capital(name - 1) {
                        name -= 1;
                    }
                    if name == limit || self.is_punct(name - 1) {
                        start = name;
                    }
                }
                break;
            }
            if is_phrase_preposition(word) {
                if start > end {
                    break;
                }
                start = at;
                i -= 1;
                continue;
            }
            if self.capital(at) {
                if is_reporting_verb(word) || ends_phrase(word) && at + 1 == start {
                    break;
                }
                start = at;
                i -= 1;
                continue;
            }
            if matches!(word, "who" | "which") && start <= end {
                // "The Observatory which monitors violence … said".
                if let Some(phrase) = self.antecedent(at, limit) {
                    return Some(phrase);
                }
                break;
            }
            if ends_phrase(word) || is_reporting_verb(word) {
                break;
            }
            // A past participle ends the phrase ("… focused on vaccine
            // development" keeps only what follows it).
            if word.ends_with("ed") && !word.contains('-') {
                break;
            }
            start = at;
            i -= 1;
        }
        // Prepositions and possessives cannot open a phrase.
        while start <= end
            && (is_phrase_preposition(self.word(start))
                || matches!(self.word(start), "'s" | "’s" | "-" | "&"))
        {
            start += 1;
        }
        (start <= end).then_some((start, end))
    }

    /// The phrase a relative "who" or "which" at `relative` stands for.
    fn antecedent(&self, relative: usize, limit: usize) -> Option<(usize, usize)> {
        if relative <= limit {
            return None;
        }
        let before = relative - 1;
        if self.raw(before) == "," {
            return subject_round_appositive(self, before, limit)
                .or_else(|| self.phrase_before(before.checked_sub(1)?, limit));
        }
        let phrase = self.phrase_before(before, limit)?;
        (!matches!(self.word(phrase.1), "who" | "which")).then_some(phrase)
    }

    /// An appositive right after a speaker's phrase ending at `last`: ", a
    /// D.C.-based lawyer", "a 48-year-old man who …".
    fn appositive_follows(&self, last: usize) -> bool {
        let next = last + 1;
        let opens = |k: usize| matches!(self.word(k), "a" | "an" | "the" | "who" | "whose");
        opens(next) || self.raw(next) == "," && opens(next + 1)
    }

    /// The speaker's noun phrase that starts at token `from`, read rightwards
    /// ("said the Syrian Observatory for Human Rights", "according to residents").
    fn phrase_after(&self, from: usize) -> Option<(usize, usize)> {
        let mut end = from;
        let mut last_word = None;
        while end < self.len() && end - from < 14 && !self.quoted[end] {
            let word = self.word(end);
            if self.raw(end) == "(" {
                match (end..self.len().min(end + 6)).find(|&k| self.raw(k) == ")") {
                    Some(k) => {
                        end = k + 1;
                        continue;
                    }
                    None => break,
                }
            }
            if self.is_punct(end) {
                if matches!(self.raw(end), "-" | "&" | "'" | "’") || self.abbreviation_dot(end) {
                    end += 1;
                    continue;
                }
                break;
            }
            if is_determiner(word) || matches!(word, "'s" | "’s") {
                end += 1;
                continue;
            }
            if is_phrase_preposition(word) {
                // Only into another name or noun phrase: "of the fight", "for
                // Human Rights"; "on" after a name is a time or place ("on Wednesday").
                if word == "on" || !(is_determiner(self.word(end + 1)) || self.capital(end + 1)) {
                    break;
                }
                end += 1;
                continue;
            }
            if ends_phrase(word) || is_reporting_verb(word) {
                break;
            }
            if !self.capital(end) && word.ends_with("ed") && !word.contains('-') {
                // "a statement issued by the ministry": the source goes on.
                if self.word(end + 1) == "by" && last_word.is_some() {
                    end += 2;
                    continue;
                }
                break;
            }
            if self.is_number(end) {
                break;
            }
            last_word = Some(end);
            end += 1;
        }
        let last = last_word?;
        (last >= from).then_some((from, last))
    }

    /// Where the reported words start after the verb at `verb`: past the
    /// listener ("told AFP"), a "that" the verb governs, and a colon or comma.
    fn content_after(&self, verb: usize) -> usize {
        let mut k = verb + 1;
        if takes_listener(self.word(verb)) {
            if matches!(
                self.word(k),
                "him" | "her" | "them" | "us" | "me" | "reporters"
            ) {
                k += 1;
            } else if let Some((_, last)) = self.phrase_after(k) {
                if last - k < 6 {
                    k = last + 1;
                }
            }
        }
        // "said in a statement on Friday that …"
        for t in k..self.len().min(k + 15) {
            let word = self.word(t);
            if word == "that" && !self.quoted[t] {
                return t + 1;
            }
            let adjunct = self.capital(t)
                || is_determiner(word)
                || is_phrase_preposition(word)
                || self.is_number(t)
                || is_adjunct_word(word);
            if self.quoted[t] || !adjunct {
                break;
            }
        }
        while k < self.len() && matches!(self.raw(k), ":" | "," | "—" | "–") {
            k += 1;
        }
        k
    }

    /// The last token of the reported words that run from `start`: the
    /// sentence's end, or the next verb that reports more ("… and said", ", adding").
    fn content_end(&self, start: usize, stop: usize) -> usize {
        let mut end = stop;
        while end > start && self.is_punct(end - 1) && !is_mark(self.raw(end - 1)) {
            end -= 1;
        }
        end
    }

    /// Whether a verb at `verb` is followed by nothing but adjuncts before the
    /// sentence ends: "he said on “CBS This Morning” Friday.", "said in a statement".
    fn nothing_reported_after(&self, verb: usize, stop: usize) -> bool {
        let start = self.content_after(verb);
        if start > verb + 1 && self.word(start - 1) == "that" {
            return false;
        }
        if start < stop && self.quoted[start] && is_mark(self.raw(start)) {
            return false;
        }
        let words = (start..stop)
            .filter(|&k| self.is_word(k) && !self.quoted[k])
            .count();
        if words == 0 {
            return true;
        }
        let first = self.word(start);
        // "he said, but added …", "the witness said adding that …", "said citing …".
        if matches!(first, "and" | "but" | "citing" | "quoting" | "according")
            || verb_form(first) == Some(VerbForm::Gerund)
        {
            return true;
        }
        let adjunct_opening = matches!(
            first,
            "on" | "in"
                | "at"
                | "during"
                | "via"
                | "by"
                | "over"
                | "last"
                | "this"
                | "earlier"
                | "late"
                | "later"
                | "yesterday"
                | "today"
                | "tonight"
                | "citing"
                | "quoting"
                | "through"
                | "after"
                | "when"
                | "before"
                | "from"
                | "with"
                | "to"
                | "amid"
                | "near"
                | "outside"
                | "inside"
                | "ahead"
                | "for"
        ) || first.ends_with("ed") && self.word(start + 1) == "by"
            || self.capital(start) && newslens_core::text::fold(self.raw(start)).ends_with("day");
        adjunct_opening
            && words <= 8
            && !(start..stop).any(|k| starts_clause(self.word(k)) && !self.quoted[k])
    }
}

/// One attribution in a sentence: the verb, the speaker, the reported tokens.
#[derive(Clone, Copy, Debug)]
struct Attribution {
    verb: usize,
    speaker: Option<(usize, usize)>,
    /// The reported tokens, both ends included.
    content: (usize, usize),
    /// The reported words follow the verb with no "that": they must read as a
    /// clause ("denied the reports" reports nothing).
    needs_clause: bool,
}

/// The attributions of one sentence, in order.
fn attributions(s: &Clause) -> Vec<Attribution> {
    let mut out: Vec<Attribution> = Vec::new();
    let n = s.len();
    // Words before this token are already reported by an attribution found.
    let mut taken = 0;
    let mut verb = 0;
    let mut last_speaker: Option<(usize, usize)> = None;
    // "… and several mosques announced … God is greatest a witness told
    // Reuters.": a speaker and verb that close a sentence with no quotation
    // marks report all of it, verbs inside included.
    if !s.quoted.iter().any(|&q| q) {
        let last = (0..n)
            .rev()
            .find(|&k| verb_form(s.word(k)) == Some(VerbForm::Finite) && !noun_use(s, k));
        if let Some(k) = last {
            let found = finite(s, k, 0, None);
            if let (Some(a), None) = (found.backward, found.forward) {
                // "…, said he had asked the physician.": a subject right after
                // a reporting verb or its "that" belongs to the reported words.
                let embedded = a.speaker.is_none_or(|(start, _)| {
                    start > 0 && {
                        let before = s.word(start - 1);
                        before == "that" || is_reporting_verb(before)
                    }
                });
                if a.content.0 == 0 && !embedded {
                    last_speaker = a.speaker;
                    out.push(a);
                    taken = k.max(a.speaker.map_or(0, |(_, b)| b)) + 1;
                    verb = taken;
                }
            }
        }
    }
    while verb < n {
        let at = verb;
        verb += 1;
        if s.quoted[at] || !s.is_word(at) {
            continue;
        }
        let Some(form) = verb_form(s.word(at)) else {
            continue;
        };
        if noun_use(s, at) {
            continue;
        }
        let previous_speaker = last_speaker;
        match form {
            VerbForm::According => {
                if s.word(at + 1) != "to" {
                    continue;
                }
                let speaker = s.phrase_after(at + 2);
                let after = speaker.map_or(at + 2, |(_, b)| b + 1);
                let after = if s.raw(after) == "," {
                    after + 1
                } else {
                    after
                };
                // "According to X, …" opens its sentence; "…, according to X" closes it.
                let before_words = (taken..at).filter(|&k| s.is_word(k)).count();
                let content = if before_words == 0 {
                    (after, s.content_end(after, n))
                } else {
                    (taken, s.content_end(taken, at))
                };
                if content.0 < content.1 {
                    out.push(Attribution {
                        verb: at,
                        speaker,
                        content: (content.0, content.1 - 1),
                        needs_clause: false,
                    });
                    last_speaker = speaker.or(last_speaker);
                    taken = content.1.max(at + 1);
                }
            }
            VerbForm::Gerund => {
                // "It quoted activists as saying …": the one quoted speaks.
                let quoted_as = (s.word(at.wrapping_sub(1)) == "as" && at >= 2)
                    .then(|| s.phrase_before(at - 2, 0))
                    .flatten()
                    .filter(|&(a, _)| {
                        a > 0 && matches!(s.word(a - 1), "quoted" | "quoting" | "cited" | "citing")
                    });
                // ", adding that …", "… said stressing that …": the same speaker goes on.
                // "The Mission on Wednesday condemned the attack, saying …":
                // with no reporting verb before it, the clause's subject speaks.
                let subject = || {
                    (s.raw(at.wrapping_sub(1)) == ","
                        && (s.capital(taken) || is_determiner(s.word(taken))))
                    .then(|| s.phrase_after(taken))
                    .flatten()
                    .filter(|&(_, b)| b < at)
                };
                let speaker = quoted_as.or(previous_speaker).or_else(subject);
                if speaker.is_none() && out.is_empty() {
                    continue;
                }
                if let Some((a, _)) = quoted_as {
                    // The quoting verb's own "words" were only its source.
                    out.retain(|x| x.content.0 < a.saturating_sub(1));
                }
                let start = s.content_after(at);
                let end = s.content_end(start, n);
                if start < end {
                    out.push(Attribution {
                        verb: at,
                        speaker,
                        content: (start, end - 1),
                        needs_clause: s.word(start.wrapping_sub(1)) != "that",
                    });
                    last_speaker = speaker;
                    taken = end;
                    verb = end;
                }
            }
            VerbForm::Finite => {
                let found = finite(s, at, taken, previous_speaker);
                last_speaker = found.subject.or(last_speaker);
                let (backward, forward) = (found.backward, found.forward);
                if let Some(a) = backward {
                    taken = at.max(a.speaker.map_or(0, |(_, b)| b)) + 1;
                    verb = taken;
                    out.push(a);
                }
                if let Some(a) = forward {
                    {
                        // Everything after the verb is reported; only a verb
                        // that reports more ("… and said", ", adding") ends it.
                        let next = (a.verb + 1..n).find(|&k| {
                            !s.quoted[k]
                                && k > a.content.0
                                && match verb_form(s.word(k)) {
                                    Some(VerbForm::Gerund) => true,
                                    Some(VerbForm::Finite) => !noun_use(s, k) && coordinated(s, k),
                                    _ => false,
                                }
                        });
                        let mut a = a;
                        if let Some(k) = next {
                            // The reported words end before the next verb's subject.
                            let mut end = k;
                            while end > a.content.0 && is_auxiliary_or_adverb(s.word(end - 1)) {
                                end -= 1;
                            }
                            if end > a.content.0 && !matches!(s.word(end - 1), "and" | "but" | ",")
                            {
                                if let Some((subject, _)) = s.phrase_before(end - 1, a.content.0) {
                                    end = subject;
                                }
                            }
                            while end > a.content.0
                                && (matches!(s.word(end - 1), "and" | "but" | ",")
                                    || s.is_punct(end - 1) && !is_mark(s.raw(end - 1)))
                            {
                                end -= 1;
                            }
                            if end > a.content.0 {
                                a.content.1 = end - 1;
                            }
                            verb = k;
                        } else {
                            verb = n;
                        }
                        taken = a.content.1 + 1;
                        out.push(a);
                    }
                }
            }
        }
    }
    out
}

/// A finite reporting verb at `verb`: its speaker, and the words it reports
/// before it ("“…,” he said") and after it ("he said (that) …"); a split
/// quote has both.
fn finite(
    s: &Clause,
    verb: usize,
    taken: usize,
    previous_speaker: Option<(usize, usize)>,
) -> Found {
    let n = s.len();
    // The subject's last token, past auxiliaries, adverbs and a time
    // ("Erdogan on Monday reiterated", "the ministry last week said").
    let mut left = verb;
    loop {
        if left > taken && is_auxiliary_or_adverb(s.word(left - 1)) && !s.quoted[left - 1] {
            left -= 1;
        } else if left > taken + 1
            && is_time_word(s.word(left - 1))
            && matches!(s.word(left - 2), "on" | "last" | "this" | "early" | "late")
        {
            left -= 2;
        } else {
            break;
        }
    }
    let left_token = left.checked_sub(1).filter(|&l| l >= taken);
    let after_punct = left_token.is_some_and(|l| s.raw(l) == "," || s.quoted[l]);
    let verb_word = s.word(verb);
    // "would not say", "might say", "was asked about": nothing is reported,
    // though the subject may be the speaker of an "…, but said" after it.
    let between = left..verb;
    let negated = between.clone().any(|k| {
        let w = s.word(k);
        matches!(
            w,
            "not" | "never" | "might" | "could" | "would" | "should" | "may"
        ) || w.ends_with("n't")
            || w.ends_with("n’t")
    });
    let passive = (verb_word.ends_with("ed") || matches!(verb_word, "told" | "said" | "read"))
        && between.clone().any(|k| {
            matches!(
                s.word(k),
                "was" | "were" | "is" | "are" | "be" | "been" | "being"
            )
        });
    if negated || passive {
        let subject = left_token
            .filter(|_| !passive)
            .and_then(|l| s.phrase_before(l, taken));
        return Found {
            subject,
            ..Found::default()
        };
    }
    let appositive_subject = left_token
        .filter(|&l| s.raw(l) == "," && !s.quoted[l])
        .and_then(|l| subject_round_appositive(s, l, taken));
    let backward = |speaker: Option<(usize, usize)>, before: usize| {
        let end = backward_end(s, before);
        (before > taken && end >= taken && has_words(s, taken, end)).then_some(Attribution {
            verb,
            speaker,
            content: (taken, end),
            needs_clause: false,
        })
    };

    // "“…,” said Marc Elias", "…, said analyst Alexei Malashenko": the speaker
    // follows. "told" is followed by its listener, not its speaker.
    if after_punct && appositive_subject.is_none() && !takes_listener(verb_word) {
        if let Some((a, b)) = s.phrase_after(verb + 1) {
            let first = s.word(a);
            let speaker_like = s.capital(a) || is_determiner(first) || ANONYMOUS.contains(&first);
            if speaker_like && (s.nothing_reported_after(b, n) || s.appositive_follows(b)) {
                return Found {
                    backward: backward(Some((a, b)), left),
                    subject: Some((a, b)),
                    ..Found::default()
                };
            }
        }
    }

    // The subject before the verb.
    let speaker = match left_token {
        None => None,
        Some(l) if matches!(s.word(l), "and" | "but") => previous_speaker,
        Some(l) if s.raw(l) == "," && !s.quoted[l] => {
            if l > taken && matches!(s.word(l - 1), "and" | "but") {
                previous_speaker
            } else {
                appositive_subject
            }
        }
        Some(l) => s.phrase_before(l, taken),
    };
    let subject_start = speaker.map_or(left, |(a, _)| a.min(left)).max(taken);
    let before_words = (taken..subject_start)
        .filter(|&k| s.is_word(k) || s.quoted[k])
        .count();

    // ", he says, …" in the middle of a sentence: the words after it are reported.
    let parenthetical = before_words > 0
        && subject_start > taken
        && s.raw(subject_start - 1) == ","
        && s.raw(verb + 1) == ",";
    if before_words > 0 && !parenthetical && s.nothing_reported_after(verb, n) {
        // "“…,” he said.", "… on Friday a monitor said."
        return Found {
            backward: backward(speaker, subject_start),
            subject: speaker,
            ..Found::default()
        };
    }
    if speaker.is_none() {
        return Found::default();
    }
    let start = if parenthetical {
        verb + 2
    } else {
        s.content_after(verb)
    };
    let end = s.content_end(start, n);
    let forward = (end > start && has_words(s, start, end - 1)).then_some(Attribution {
        verb,
        speaker,
        content: (start, end - 1),
        needs_clause: !parenthetical && s.word(start.wrapping_sub(1)) != "that",
    });
    // "“…,” he said, “…”": a quote just before the speaker is his too.
    let quote_before = subject_start > taken && {
        let mut k = subject_start - 1;
        while k > taken && s.raw(k) == "," {
            k -= 1;
        }
        s.quoted[k]
    };
    let before = if quote_before && !parenthetical {
        backward(speaker, subject_start)
    } else {
        None
    };
    Found {
        backward: before,
        forward,
        subject: speaker,
    }
}

/// What one finite reporting verb gives: the words reported before it and
/// after it, and its subject (kept for "…, but said" even when it reports nothing).
#[derive(Default)]
struct Found {
    backward: Option<Attribution>,
    forward: Option<Attribution>,
    subject: Option<(usize, usize)>,
}

/// A reporting verb used as a noun: "the claims came", "Wednesdays claim of",
/// "Southern states with", "the United States".
fn noun_use(s: &Clause, at: usize) -> bool {
    let before = s.word(at.wrapping_sub(1));
    let word = s.word(at);
    // A capitalised verb inside a name; a headline in title case capitalises
    // the word after it too ("Scientist Says He Was Removed").
    if at > 0 && s.capital(at) && s.capital(at - 1) && !s.capital(at + 1) {
        return true;
    }
    // These read as nouns unless something is reported right after them.
    if matches!(
        word,
        "states" | "reports" | "claims" | "notes" | "calls" | "reads" | "claim" | "report"
    ) && !(s.word(at + 1) == "that"
        || matches!(s.raw(at + 1), ":" | ",")
        || s.quoted.get(at + 1) == Some(&true)
        || PRONOUNS.contains(&s.word(at + 1)))
    {
        return true;
    }
    (at > 0
        && (is_determiner(before)
            && !matches!(
                before,
                "one"
                    | "two"
                    | "three"
                    | "some"
                    | "several"
                    | "many"
                    | "both"
                    | "other"
                    | "most"
                    | "few"
            )
            || matches!(before, "'s" | "’s")))
        || matches!(
            s.word(at),
            "reports" | "claims" | "claim" | "states" | "notes" | "calls" | "reads"
        ) && s.word(at + 1) == "of"
}

/// A finite reporting verb at `k` whose subject follows "and" or "but": "…,
/// and the doctor told him: …", "… but said …".
fn coordinated(s: &Clause, k: usize) -> bool {
    let conjunction = |w: &str| matches!(w, "and" | "but");
    let mut left = k;
    while left > 0 && is_auxiliary_or_adverb(s.word(left - 1)) {
        left -= 1;
    }
    if left == 0 {
        return false;
    }
    let before = left - 1;
    if conjunction(s.word(before))
        || s.raw(before) == "," && conjunction(s.word(before.wrapping_sub(1)))
    {
        return true;
    }
    s.phrase_before(before, 0)
        .and_then(|(a, _)| a.checked_sub(1))
        .is_some_and(|b| conjunction(s.word(b)))
}

/// The last reported token before a speaker or verb at `at`: back past the
/// comma (and the closing mark stays with the quote).
fn backward_end(s: &Clause, at: usize) -> usize {
    let mut end = at;
    while end > 0 && s.is_punct(end - 1) && !is_mark(s.raw(end - 1)) {
        end -= 1;
    }
    end.saturating_sub(1)
}

fn has_words(s: &Clause, from: usize, to: usize) -> bool {
    from <= to && (from..=to).any(|k| s.is_word(k))
}

/// "Caitlin Oakley, an HHS spokeswoman, said", "Trump, 73, who is tested
/// daily, said": the subject is the phrase before the parenthetical.
fn subject_round_appositive(s: &Clause, comma: usize, limit: usize) -> Option<(usize, usize)> {
    let open = (limit..comma)
        .rev()
        .take(30)
        .find(|&k| s.raw(k) == "," || s.quoted[k] || is_mark(s.raw(k)))?;
    if s.raw(open) != "," || open <= limit || s.quoted[open] {
        return None;
    }
    let first = s.word(open + 1);
    let parenthetical = is_determiner(first)
        || matches!(
            first,
            "who" | "which" | "whose" | "of" | "from" | "with" | "in"
        )
        || s.capital(open + 1)
        || s.is_number(open + 1)
        || first.ends_with("ed")
        || s.capital(open - 1);
    // A participle may open it ("Nancy Pelosi, asked on CNN …, said"); a
    // reporting verb inside it otherwise means it is a clause of its own.
    let reports = (open + 2..comma).any(|k| !s.quoted[k] && is_reporting_verb(s.word(k)));
    if !parenthetical || reports {
        return None;
    }
    let phrase = s.phrase_before(open - 1, limit)?;
    // "Trump, 73, who …": a bare number is one more parenthetical.
    if phrase.0 == phrase.1 && s.is_number(phrase.0) && phrase.0 > limit + 1 {
        let comma = phrase.0 - 1;
        if s.raw(comma) == "," {
            return s.phrase_before(comma - 1, limit);
        }
    }
    Some(phrase)
}

/// Every sentence with its tokens (what [`AnnotatedDoc::tokens_in`] gives
/// for it), each found from where the previous one's left off.
pub(crate) fn sentence_tokens(doc: &AnnotatedDoc) -> impl Iterator<Item = (Span, &[Token])> {
    sentence_ranges(doc).map(|(sentence, range)| (sentence, &doc.tokens[range]))
}

/// `from` plus `tokens[from..].partition_point(pred)`, searched from `from`
/// in doubling steps and then halving ones: a sentence's first token is
/// usually the one at `from` and its last some thirty on, which this finds
/// in a few steps where a search of all the tokens left takes a dozen.
fn partition_from(tokens: &[Token], from: usize, pred: impl Fn(&Token) -> bool) -> usize {
    let (mut low, mut step) = (from, 1);
    // Every token before `low` is one `pred` holds for.
    while low + step <= tokens.len() && pred(&tokens[low + step - 1]) {
        low += step;
        step *= 2;
    }
    let high = (low + step).min(tokens.len());
    low + tokens[low..high].partition_point(pred)
}

/// The indices in `doc.tokens` of the words that are reporting verbs
/// ([`verb_form`] has a form for them), in text order.
pub(crate) fn verb_tokens(doc: &AnnotatedDoc, lower: &str) -> Vec<usize> {
    let bytes = lower.as_bytes();
    let mut verbs = Vec::new();
    // A plain loop, each word's shape tested on its bytes: as a filter on
    // `str` slices, the test was a call per token and a check of both ends.
    for (i, t) in doc.tokens.iter().enumerate() {
        let range = t.span.start as usize..t.span.end as usize;
        if t.kind == TokenKind::Word
            && may_be_verb(shape(&bytes[range.clone()]))
            && is_verb(&lower[range])
        {
            verbs.push(i);
        }
    }
    verbs
}

/// Whether a word of [`shape`] `bit` may be a reporting verb; [`is_verb`]
/// tells.
#[inline(always)]
pub(crate) fn may_be_verb(bit: usize) -> bool {
    reporting_verbs().has_shape(bit)
}

/// Whether [`verb_form`] has a form for `word`: what [`verb_tokens`] keeps.
pub(crate) fn is_verb(word: &str) -> bool {
    verb_form(word).is_some()
}

/// [`sentence_tokens`] as ranges of indices into `doc.tokens`.
pub(crate) fn sentence_ranges(
    doc: &AnnotatedDoc,
) -> impl Iterator<Item = (Span, std::ops::Range<usize>)> + '_ {
    let tokens = &doc.tokens[..];
    let (mut from, mut to, mut previous_end) = (0, 0, 0);
    doc.sentences.iter().map(move |&sentence| {
        // Sentences are in text order, so this one's first token is at or
        // after the previous one's; when it starts where that one ended or
        // later, after the previous one's last too.
        if sentence.start >= previous_end {
            from = to;
        }
        previous_end = sentence.end;
        from = partition_from(tokens, from, |t| t.span.start < sentence.start);
        to = partition_from(tokens, from, |t| t.span.start < sentence.end);
        // As `tokens_in`: up to the last token that ends inside the sentence.
        while to > from && tokens[to - 1].span.end > sentence.end {
            to -= 1;
        }
        (sentence, from..to)
    })
}

/// Finds the quotations of one document, resolving "he"/"it" to the nearest
/// earlier speaker that fits.
pub fn quotations(doc: &AnnotatedDoc) -> Vec<Quotation> {
    quotations_in(doc, &doc.text().to_ascii_lowercase())
}

/// [`quotations`] with the document's text already lower-cased (ASCII only).
pub fn quotations_in(doc: &AnnotatedDoc, lower: &str) -> Vec<Quotation> {
    quotations_with(doc, lower, &verb_tokens(doc, lower))
}

/// [`quotations_in`] with the document's reporting verbs already found:
/// `verbs` are what [`verb_tokens`] gives (the map finds them in its own
/// walk over the words).
pub(crate) fn quotations_with(doc: &AnnotatedDoc, lower: &str, verbs: &[usize]) -> Vec<Quotation> {
    let outer: Vec<Span> = doc
        .quotes
        .iter()
        .filter(|q| q.depth == 0)
        .map(|q| q.span)
        .collect();
    let inners: Vec<Span> = doc
        .quotes
        .iter()
        .filter(|q| q.depth == 0)
        .map(|q| q.inner)
        .collect();
    // Quotes reported by an attribution, by index into `outer`.
    let mut assigned = vec![false; outer.len()];
    // (start, quotation, None if attributed or Some(whether it may continue the quote before)).
    let mut found: Vec<(u32, Quotation, Option<bool>)> = Vec::new();
    let mut next_quote = 0;
    // A sentence with no reporting verb reports nothing: the verbs are found
    // in one walk over the document's words, and only their sentences read.
    let mut next_verb = 0;
    // Per-sentence buffers, reused from one sentence to the next.
    let (mut quoted, mut words) = (Vec::new(), Vec::new());
    for (sentence, range) in sentence_ranges(doc) {
        let tokens = &doc.tokens[range.clone()];
        if tokens.is_empty() {
            continue;
        }
        while next_quote < outer.len() && outer[next_quote].end <= sentence.start {
            next_quote += 1;
        }
        while verbs.get(next_verb).is_some_and(|&v| v < range.start) {
            next_verb += 1;
        }
        let here = verbs[next_verb..]
            .iter()
            .take_while(|&&v| v < range.end)
            .map(|&v| v - range.start);
        if here.clone().next().is_none() {
            continue;
        }
        let nearby = &outer[next_quote..];
        quoted.clear();
        quoted.extend(tokens.iter().map(|t| {
            nearby
                .iter()
                .take_while(|q| q.start < sentence.end)
                .any(|q| q.start <= t.span.start && t.span.end <= q.end)
        }));
        // A verb outside the quotation marks.
        if !here.into_iter().any(|k| !quoted[k]) {
            continue;
        }
        words.clear();
        words.extend(
            tokens
                .iter()
                .map(|t| &lower[t.span.start as usize..t.span.end as usize]),
        );
        let s = Clause {
            doc,
            tokens,
            words: &words,
            quoted: &quoted,
        };
        for a in attributions(&s) {
            let content = s.tokens[a.content.0].span.cover(s.tokens[a.content.1].span);
            // The quotes the reported words touch, whole.
            let touched: Vec<usize> = (next_quote..outer.len())
                .take_while(|&q| outer[q].start < content.end)
                .filter(|&q| outer[q].overlaps(content))
                .collect();
            let span = touched
                .iter()
                .fold(content, |span, &q| span.cover(outer[q]));
            let outside_words = (a.content.0..=a.content.1)
                .filter(|&k| s.is_word(k) && !s.quoted[k] && s.word(k) != "that")
                .count();
            let quoted_words = (a.content.0..=a.content.1)
                .filter(|&k| s.is_word(k) && s.quoted[k])
                .count();
            // "“We are announcing the suspension …” of the truce": a tail of a
            // few words does not make a long quote a mixed one.
            let outside_words = if touched.len() == 1 && outside_words * 4 <= quoted_words {
                0
            } else {
                outside_words
            };
            let verb = Some(s.tokens[a.verb].span);
            let speaker = a
                .speaker
                .map(|(x, y)| s.tokens[x].span.cover(s.tokens[y].span));
            let mut push = |kind: Kind, quote: Span| {
                found.push((
                    quote.start,
                    quotation(doc, lower, kind, quote, speaker, verb),
                    None,
                ));
            };
            if touched.is_empty() {
                let words = (a.content.0..=a.content.1)
                    .filter(|&k| s.is_word(k))
                    .count();
                let verb_word = s.word(a.verb);
                let clause = !a.needs_clause
                    || if takes_bare_clause(verb_word) {
                        reads_as_clause(&s, a.content)
                    } else {
                        PRONOUNS.contains(&s.word(a.content.0))
                    };
                if words >= 3 && clause {
                    push(Kind::Indirect, trim_end(&s, a.content));
                }
            } else if outside_words == 0 {
                for &q in &touched {
                    if !assigned[q] {
                        assigned[q] = true;
                        push(Kind::Direct, inners[q]);
                    }
                }
            } else {
                for &q in &touched {
                    assigned[q] = true;
                }
                push(Kind::Mixed, trim_end(&s, a.content).cover(span));
            }
        }
    }
    // Quotes no attribution reported: a quote that opens a sentence right
    // after another quote goes on in that voice; a short one is a name, a
    // title or a scare quote.
    for (q, &span) in outer.iter().enumerate() {
        if assigned[q] {
            continue;
        }
        let inner = inners[q];
        let words = doc
            .tokens_in(inner)
            .iter()
            .filter(|t| t.kind != TokenKind::Punct)
            .count();
        let opens_sentence = doc
            .sentence_index(span.start)
            .and_then(|k| doc.tokens_in(doc.sentences[k]).first())
            .is_some_and(|t| t.span.start == span.start);
        let quotation = Quotation {
            kind: Kind::Direct,
            quote: inner,
            speaker: None,
            actor: None,
            verb: None,
            named: false,
        };
        let continues = opens_sentence && words > 2;
        if !continues && words <= 4 {
            continue;
        }
        found.push((span.start, quotation, Some(continues)));
    }
    found.sort_by_key(|(start, _, _)| *start);
    resolve(doc, lower, found)
}

/// Whether reported words with no "that" before them read as a clause: a
/// subject pronoun, an auxiliary or a past tense ("denied the reports" does
/// not; "said he had asked" does).
fn reads_as_clause(s: &Clause, (from, to): (usize, usize)) -> bool {
    (from..=to).any(|k| {
        let word = s.word(k);
        !s.quoted[k]
            && (starts_clause(word)
                || word.ends_with("ed") && !word.contains('-')
                || word.contains("'d")
                || word.contains("’d")
                || matches!(
                    word,
                    "did"
                        | "does"
                        | "gave"
                        | "took"
                        | "made"
                        | "came"
                        | "went"
                        | "saw"
                        | "got"
                        | "found"
                        | "held"
                        | "left"
                        | "kept"
                        | "began"
                        | "became"
                        | "fell"
                        | "ran"
                        | "won"
                        | "lost"
                        | "sent"
                        | "met"
                        | "paid"
                        | "put"
                        | "led"
                        | "fled"
                        | "shot"
                        | "hit"
                        | "struck"
                        | "fought"
                        | "brought"
                        | "thought"
                        | "knew"
                        | "felt"
                        | "heard"
                        | "seemed"
                        | "needs"
                        | "wants"
                        | "plans"
                        | "says"
                        | "said"
                        | "rose"
                        | "grew"
                        | "spent"
                        | "built"
                        | "told"
                        | "remains"
                        | "continues"
                        | "includes"
                        | "include"
                        | "seems"
                ))
    })
}

/// The reported tokens' span, without a final stop or comma.
fn trim_end(s: &Clause, (from, to): (usize, usize)) -> Span {
    let mut to = to;
    while to > from && s.is_punct(to) && !is_mark(s.raw(to)) {
        to -= 1;
    }
    s.tokens[from].span.cover(s.tokens[to].span)
}

/// Speakers in reading order: pronouns to the nearest fitting earlier
/// speaker; a continuing quote to the speaker of the quote before it.
fn resolve(
    doc: &AnnotatedDoc,
    lower: &str,
    found: Vec<(u32, Quotation, Option<bool>)>,
) -> Vec<Quotation> {
    let sentence_of = |offset: u32| doc.sentence_index(offset);
    let paragraph_of = |offset: u32| doc.paragraphs.partition_point(|p| p.end <= offset);
    let mut out: Vec<Quotation> = Vec::new();
    let mut last_person: Option<Option<usize>> = None;
    let mut last_other: Option<Option<usize>> = None;
    // A person quoted within the last few sentences is a better "he" than one merely named.
    let mut last_person_speaker: Option<(u32, Option<usize>)> = None;
    let mut mentions = doc.mentions.iter().peekable();
    for (start, mut q, unattributed) in found {
        while let Some(m) = mentions.next_if(|m| m.span.start < start) {
            if doc.gazetteer.actors[m.actor].kind == "person"
                && doc.quote_at(m.span.start).is_none()
            {
                last_person = Some(Some(m.actor));
            }
        }
        if let Some(continues) = unattributed {
            let previous = out.last().filter(|p| {
                continues
                    && p.kind != Kind::Indirect
                    && paragraph_of(start) <= paragraph_of(p.quote.end) + 1
            });
            if let Some(p) = previous {
                q.speaker = p.speaker;
                q.actor = p.actor;
                q.named = p.named;
            }
            out.push(q);
            continue;
        }
        let speaker_text = q
            .speaker
            .map(|sp| &lower[sp.start as usize..sp.end as usize]);
        match speaker_text {
            Some("he" | "she" | "who") => {
                let here = sentence_of(start).unwrap_or(0) as u32;
                let recent_speaker = last_person_speaker
                    .filter(|(at, _)| here.saturating_sub(*at) <= 3)
                    .map(|(_, a)| a);
                if let Some(actor) = recent_speaker.or(last_person) {
                    q.actor = actor;
                    q.named = actor.is_some();
                }
            }
            Some("it" | "they" | "which") => {
                if let Some(actor) = last_other.or(last_person) {
                    q.actor = actor;
                    q.named = actor.is_some();
                }
            }
            _ => {}
        }
        if let Some(text) = speaker_text {
            if !PRONOUNS.contains(&text) {
                let person = q
                    .actor
                    .is_some_and(|a| doc.gazetteer.actors[a].kind == "person")
                    || text.starts_with("mr")
                    || text.starts_with("ms");
                if person {
                    last_person = Some(q.actor);
                    last_person_speaker = Some((sentence_of(start).unwrap_or(0) as u32, q.actor));
                } else {
                    last_other = Some(q.actor);
                }
            }
        }
        out.push(q);
    }
    out
}

fn quotation(
    doc: &AnnotatedDoc,
    lower: &str,
    kind: Kind,
    quote: Span,
    speaker: Option<Span>,
    verb: Option<Span>,
) -> Quotation {
    let actor = speaker.and_then(|span| doc.mentions_in(span).last().map(|m| m.actor));
    let words: Vec<&str> = speaker.map_or(Vec::new(), |span| {
        lower[span.start as usize..span.end as usize]
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect()
    });
    let anonymous = words.iter().any(|w| ANONYMOUS.contains(w)) && actor.is_none()
        || words.first().is_some_and(|w| matches!(*w, "a" | "an"));
    Quotation {
        kind,
        quote,
        speaker,
        actor,
        verb,
        named: speaker.is_some() && !anonymous,
    }
}
