//! Voices: who is quoted, with which verb, directly or in indirect speech.
//! Built on the core quotation spans, sentences and actor mentions.

use newslens_core::text::{AnnotatedDoc, TokenKind};
use newslens_core::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Words inside quotation marks.
    Direct,
    /// "X said (that) …" with no quotation marks.
    Indirect,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Direct => "direct",
            Kind::Indirect => "indirect",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Quotation {
    pub kind: Kind,
    /// The quoted words (inside the marks for direct quotes).
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
    "told",
    "tells",
    "added",
    "adds",
    "stated",
    "states",
    "noted",
    "notes",
    "explained",
    "explains",
    "announced",
    "announces",
    "reported",
    "reports",
    "wrote",
    "writes",
    "according",
    "read",
    "reads",
    "asked",
    "asks",
    "replied",
    "answered",
    "commented",
    "remarked",
    "described",
    "called",
    "urged",
    "stressed",
    "reiterated",
    "underlined",
    "underlines",
    "emphasised",
    "emphasized",
    "warned",
    "warns",
    "indicated",
];

pub const LOADED_VERBS: &[&str] = &[
    "claimed",
    "claims",
    "claim",
    "admitted",
    "admits",
    "insisted",
    "insists",
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

pub fn is_reporting_verb(word: &str) -> bool {
    NEUTRAL_VERBS.contains(&word) || LOADED_VERBS.contains(&word)
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
    "residents",
    "people",
    "someone",
    "aides",
    "aide",
    "spokesman",
    "spokeswoman",
    "spokesperson",
];

/// Words that may stand in a speaker's noun phrase.
fn speaker_word(word: &str, raw: &str, kind: TokenKind) -> bool {
    if kind == TokenKind::Punct {
        return matches!(raw, "'" | "’" | "-" | ".");
    }
    let capital = raw.chars().next().is_some_and(char::is_uppercase);
    capital
        || matches!(
            word,
            "the"
                | "a"
                | "an"
                | "'s"
                | "’s"
                | "of"
                | "for"
                | "in"
                | "on"
                | "minister"
                | "ministry"
                | "spokesman"
                | "spokeswoman"
                | "official"
                | "officials"
                | "sources"
                | "source"
                | "diplomatic"
                | "security"
                | "military"
                | "defence"
                | "defense"
                | "foreign"
                | "presidential"
                | "turkish"
                | "russian"
                | "government"
                | "army"
                | "analyst"
                | "envoy"
                | "statement"
                | "leader"
                | "commander"
                | "president"
                | "chief"
                | "head"
                | "agency"
                | "forces"
                | "mission"
                | "office"
                | "council"
                | "group"
                | "press"
        )
}

type Sentence<'a> = newslens_core::text::Words<'a>;

/// Speaker phrases around a reporting verb.
trait Speakers {
    fn speaker_before(&self, verb: usize, limit: usize) -> Option<(usize, usize)>;
    fn speaker_after(&self, from: usize) -> Option<(usize, usize)>;
}

impl Speakers for Sentence<'_> {
    /// The speaker phrase ending just before token `verb` (exclusive), walking back.
    fn speaker_before(&self, verb: usize, limit: usize) -> Option<(usize, usize)> {
        let mut start = verb;
        while start > limit && verb - start < 9 {
            let i = start - 1;
            if !speaker_word(self.word(i), self.raw(i), self.tokens[i].kind)
                && !PRONOUNS.contains(&self.word(i))
            {
                break;
            }
            // A pronoun is a whole speaker on its own.
            if PRONOUNS.contains(&self.word(i)) {
                start = i;
                break;
            }
            start = i;
        }
        // Leading prepositions and determiners are not the speaker's head.
        while start < verb
            && matches!(
                self.word(start),
                "of" | "for" | "in" | "on" | "'s" | "’s" | "." | "-"
            )
        {
            start += 1;
        }
        (start < verb).then(|| (start, verb - 1))
    }
    /// The speaker phrase starting at token `from`, walking forward ("said the ministry").
    fn speaker_after(&self, from: usize) -> Option<(usize, usize)> {
        let mut end = from;
        while end < self.tokens.len()
            && end - from < 9
            && speaker_word(self.word(end), self.raw(end), self.tokens[end].kind)
        {
            end += 1;
        }
        while end > from
            && matches!(
                self.word(end - 1),
                "of" | "for" | "in" | "on" | "the" | "a" | "." | "-"
            )
        {
            end -= 1;
        }
        (end > from).then(|| (from, end - 1))
    }
}

/// An attribution found in one sentence: a reporting verb outside quotation
/// marks with the speaker before or after it.
#[derive(Clone, Copy)]
struct Attribution {
    speaker: Option<(usize, usize)>,
    verb: usize,
}

fn attribution_in(s: &Sentence, quotes: &[Span]) -> Option<Attribution> {
    let tokens = s.tokens;
    let outside = |i: usize| {
        !quotes.iter().any(|q| q.contains(tokens[i].span)) && !matches!(s.word(i), "“" | "”" | "\"")
    };
    for i in 0..tokens.len() {
        if !outside(i) || !is_reporting_verb(s.word(i)) {
            continue;
        }
        if s.word(i) == "according" {
            if s.word(i + 1) == "to" {
                return Some(Attribution {
                    speaker: s.speaker_after(i + 2),
                    verb: i,
                });
            }
            continue;
        }
        // "the ministry said", or "said the ministry" after a quote.
        let before = s.speaker_before(i, 0).filter(|&(a, _)| (a..i).all(outside));
        let after = if before.is_none() {
            s.speaker_after(i + 1)
        } else {
            None
        };
        return Some(Attribution {
            speaker: before.or(after),
            verb: i,
        });
    }
    None
}

/// Finds the quotations of one document, resolving "he"/"it" to the nearest
/// earlier speaker that fits. A quotation of several sentences takes the
/// attribution of the sentence it ends in ("“… We support that,” Kalın said.").
pub fn quotations(doc: &AnnotatedDoc) -> Vec<Quotation> {
    let sentences: Vec<Sentence> = doc
        .sentences
        .iter()
        .map(|&sentence| {
            let tokens = doc.tokens_in(sentence);
            Sentence {
                doc,
                tokens,
                lower: tokens
                    .iter()
                    .map(|t| doc.slice(t.span).to_lowercase())
                    .collect(),
            }
        })
        .collect();
    let outer: Vec<Span> = doc
        .quotes
        .iter()
        .filter(|q| q.depth == 0)
        .map(|q| q.inner)
        .collect();
    let attributions: Vec<Option<Attribution>> = sentences
        .iter()
        .map(|s| attribution_in(s, &outer))
        .collect();
    let sentence_of = |offset: u32| doc.sentence_index(offset);
    let mut found: Vec<(u32, Quotation)> = Vec::new();
    for quote in &outer {
        let end = sentence_of(quote.end.saturating_sub(1).max(quote.start));
        let start = sentence_of(quote.start);
        let chosen = [end, start]
            .into_iter()
            .flatten()
            .find_map(|k| attributions[k].map(|a| (k, a)));
        let q = match chosen {
            Some((k, a)) => quotation(&sentences[k], Kind::Direct, *quote, a.speaker, Some(a.verb)),
            None => Quotation {
                kind: Kind::Direct,
                quote: *quote,
                speaker: None,
                actor: None,
                verb: None,
                named: false,
            },
        };
        found.push((quote.start, q));
    }
    // Indirect speech: "X said (that) …" in a sentence with no quotation marks.
    for (k, s) in sentences.iter().enumerate() {
        let sentence = doc.sentences[k];
        if outer.iter().any(|q| q.overlaps(sentence)) {
            continue;
        }
        let Some(Attribution {
            speaker: Some((a, b)),
            verb,
        }) = attributions[k]
        else {
            continue;
        };
        // "Russia supports Haftar …, said analyst Alexei Malashenko."
        if a > verb && verb >= 4 && s.word(verb - 1) == "," && s.word(verb) != "according" {
            let quote = s.tokens[0].span.cover(s.tokens[verb - 2].span);
            found.push((
                quote.start,
                quotation(s, Kind::Indirect, quote, Some((a, b)), Some(verb)),
            ));
            continue;
        }
        if verb > b && verb + 2 < s.tokens.len() && s.word(verb) != "according" {
            let start = if s.word(verb + 1) == "that" {
                verb + 2
            } else {
                verb + 1
            };
            let last = s.tokens.len() - 1;
            let end = if s.word(last) == "." && last > start {
                last - 1
            } else {
                last
            };
            if start <= end && end - start >= 3 {
                let quote = s.tokens[start].span.cover(s.tokens[end].span);
                found.push((
                    quote.start,
                    quotation(s, Kind::Indirect, quote, Some((a, b)), Some(verb)),
                ));
            }
        }
    }
    found.sort_by_key(|(start, _)| *start);

    // Resolve speakers in reading order: pronouns to the nearest fitting
    // earlier speaker; a quote with no attribution continues the previous one.
    let mut out = Vec::new();
    let mut last_person: Option<(Span, Option<usize>)> = None;
    let mut last_other: Option<(Span, Option<usize>)> = None;
    let mut last_speaker: Option<(Option<usize>, bool)> = None;
    // A person quoted within the last few sentences is a better "he" than one merely named.
    let mut last_person_speaker: Option<(u32, Option<usize>)> = None;
    let mut mentions = doc.mentions.iter().peekable();
    for (start, mut q) in found {
        // People named before this quote are candidates for "he".
        while let Some(m) = mentions.next_if(|m| m.span.start < start) {
            if doc.gazetteer.actors[m.actor].kind == "person"
                && doc.quote_at(m.span.start).is_none()
            {
                last_person = Some((m.span, Some(m.actor)));
            }
        }
        let speaker_text = q.speaker.map(|sp| doc.slice(sp).to_lowercase());
        match speaker_text.as_deref() {
            Some("he" | "she") => {
                let here = sentence_of(start).unwrap_or(0) as u32;
                let recent_speaker = last_person_speaker
                    .filter(|(at, _)| here.saturating_sub(*at) <= 3)
                    .map(|(_, a)| a);
                if let Some(actor) = recent_speaker.or(last_person.map(|(_, a)| a)) {
                    q.actor = actor;
                    q.named = actor.is_some();
                }
            }
            Some("it" | "they") => {
                if let Some((_, actor)) = last_other.or(last_person) {
                    q.actor = actor;
                    q.named = actor.is_some();
                }
            }
            None if q.kind == Kind::Direct => {
                if let Some((actor, named)) = last_speaker {
                    q.actor = actor;
                    q.named = named;
                }
            }
            _ => {}
        }
        if let Some(speaker) = q.speaker {
            let text = doc.slice(speaker).to_lowercase();
            if !PRONOUNS.contains(&text.as_str()) {
                let person = q
                    .actor
                    .is_some_and(|a| doc.gazetteer.actors[a].kind == "person")
                    || text.starts_with("mr")
                    || text.starts_with("ms");
                if person {
                    last_person = Some((speaker, q.actor));
                    last_person_speaker = Some((sentence_of(start).unwrap_or(0) as u32, q.actor));
                } else {
                    last_other = Some((speaker, q.actor));
                }
            }
        }
        last_speaker = Some((q.actor, q.named));
        out.push(q);
    }
    out
}

fn quotation(
    s: &Sentence,
    kind: Kind,
    quote: Span,
    speaker: Option<(usize, usize)>,
    verb: Option<usize>,
) -> Quotation {
    let speaker_span = speaker.map(|(a, b)| s.tokens[a].span.cover(s.tokens[b].span));
    let actor = speaker_span.and_then(|span| s.doc.mentions_in(span).last().map(|m| m.actor));
    let words: Vec<&str> =
        speaker.map_or(Vec::new(), |(a, b)| (a..=b).map(|i| s.word(i)).collect());
    let anonymous = words.iter().any(|w| ANONYMOUS.contains(w)) && actor.is_none()
        || words.first().is_some_and(|w| matches!(*w, "a" | "an"));
    Quotation {
        kind,
        quote,
        speaker: speaker_span,
        actor,
        verb: verb.map(|v| s.tokens[v].span),
        named: speaker.is_some() && !anonymous,
    }
}
