//! Actor mentions from the gazetteer, matched with one automaton over folded text.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use super::fold::{fold, FoldedText};
use crate::config::Gazetteer;
use crate::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MentionForm {
    /// A name or alias: "Haftar", "Khalifa Haftar", "LNA".
    Name,
    /// A description from the actor's `labels`: "the strongman", "eastern forces".
    Label,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Mention {
    pub span: Span,
    /// Index into `Gazetteer::actors`.
    pub actor: usize,
    pub form: MentionForm,
}

struct Pattern {
    actor: usize,
    form: MentionForm,
    /// All-capital aliases ("UN", "LNA") match only in capitals, so "un" and
    /// "us" in running text are not the United Nations or the United States.
    capitals_only: bool,
}

/// Finds gazetteer names in text: case-insensitive, diacritic-insensitive,
/// whole words, longest match first, possessives allowed ("Haftar’s").
pub struct MentionMatcher {
    automaton: Option<AhoCorasick>,
    patterns: Vec<Pattern>,
}

impl MentionMatcher {
    pub fn new(gazetteer: &Gazetteer) -> MentionMatcher {
        let mut keys = Vec::new();
        let mut patterns = Vec::new();
        let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for (actor_index, actor) in gazetteer.actors.iter().enumerate() {
            let names = std::iter::once(&actor.name)
                .chain(&actor.aliases)
                .map(|n| (n, MentionForm::Name));
            for (name, form) in names.chain(actor.labels.iter().map(|l| (l, MentionForm::Label))) {
                let key = fold(name.trim());
                let letters: Vec<char> = name.chars().filter(|c| c.is_alphabetic()).collect();
                let capitals_only = letters.len() <= 6
                    && !letters.is_empty()
                    && letters.iter().all(|c| c.is_uppercase());
                if key.is_empty() {
                    continue;
                }
                // "NATO" and "Nato" share a key; any mixed-case variant lifts the capitals rule.
                if let Some(&index) = seen.get(&key) {
                    let pattern: &mut Pattern = &mut patterns[index];
                    pattern.capitals_only &= capitals_only;
                    continue;
                }
                seen.insert(key.clone(), patterns.len());
                keys.push(key);
                patterns.push(Pattern {
                    actor: actor_index,
                    form,
                    capitals_only,
                });
            }
        }
        let automaton = (!keys.is_empty()).then(|| {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                // A few hundred names make a small DFA, the fastest to scan with.
                .kind(Some(AhoCorasickKind::DFA))
                .build(&keys)
                .expect("folded gazetteer names form a valid automaton")
        });
        MentionMatcher {
            automaton,
            patterns,
        }
    }

    pub fn find(&self, text: &str) -> Vec<Mention> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        let folded = FoldedText::new(text);
        let bytes = folded.text.as_bytes();
        let mut out = Vec::new();
        for m in automaton.find_iter(&folded.text) {
            let before_ok = m.start() == 0 || !bytes[m.start() - 1].is_ascii_alphanumeric();
            let after_ok = m.end() >= bytes.len() || !bytes[m.end()].is_ascii_alphanumeric();
            if !(before_ok && after_ok) {
                continue;
            }
            let pattern = &self.patterns[m.pattern().as_usize()];
            let span = folded.original_span(m.start(), m.end(), text);
            if pattern.capitals_only && span.slice(text).chars().any(char::is_lowercase) {
                continue;
            }
            out.push(Mention {
                span,
                actor: pattern.actor,
                form: pattern.form,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Actor;

    fn gazetteer() -> Gazetteer {
        let actor = |id: &str, name: &str, aliases: &[&str], labels: &[&str]| Actor {
            id: id.into(),
            name: name.into(),
            kind: String::new(),
            side: None,
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
            labels: labels.iter().map(|s| s.to_string()).collect(),
        };
        Gazetteer {
            actors: vec![
                actor(
                    "haftar",
                    "Khalifa Haftar",
                    &["Haftar", "Hifter"],
                    &["the strongman"],
                ),
                actor(
                    "cavusoglu",
                    "Mevlüt Çavuşoğlu",
                    &["Cavusoglu", "Çavuşoğlu"],
                    &[],
                ),
                actor("un", "United Nations", &["UN", "U.N."], &[]),
                actor("lna", "Libyan National Army", &["LNA"], &[]),
            ],
        }
    }

    fn found(text: &str) -> Vec<(&str, usize)> {
        MentionMatcher::new(&gazetteer())
            .find(text)
            .iter()
            .map(|m| (m.span.slice(text), m.actor))
            .collect()
    }

    #[test]
    fn variants_possessives_and_longest_match() {
        assert_eq!(
            found("Field Marshal Khalifa Haftar’s forces"),
            [("Khalifa Haftar", 0)]
        );
        assert_eq!(
            found("Mevlut Cavusoglu and Mevlüt Çavuşoğlu"),
            [("Mevlut Cavusoglu", 1), ("Mevlüt Çavuşoğlu", 1)]
        );
        assert_eq!(
            found("the U.N. envoy and the UN said"),
            [("U.N", 2), ("UN", 2)]
        );
        assert_eq!(found("the Strongman left"), [("the Strongman", 0)]);
    }

    #[test]
    fn word_boundaries_and_capitals() {
        assert_eq!(found("Haftarism and unHaftar"), []);
        assert_eq!(found("un-named sources told us"), []);
        assert_eq!(found("the LNA's leader, not the lna"), [("LNA", 3)]);
    }
}
