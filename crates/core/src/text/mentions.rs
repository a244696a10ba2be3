//! Actor mentions from the gazetteer, matched with one automaton over folded text.

use std::collections::HashMap;

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::{dfa, Anchored, MatchKind};

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
    automaton: Option<Scanner>,
    patterns: Vec<Pattern>,
}

/// The folded names, and what each one names.
fn keys_and_patterns(gazetteer: &Gazetteer) -> (Vec<String>, Vec<Pattern>) {
    let mut keys = Vec::new();
    let mut patterns = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
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
    (keys, patterns)
}

impl MentionMatcher {
    pub fn new(gazetteer: &Gazetteer) -> MentionMatcher {
        let (keys, patterns) = keys_and_patterns(gazetteer);
        let automaton = (!keys.is_empty()).then(|| Scanner::new(&keys));
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
        for m in automaton.find_iter(bytes) {
            let before_ok = m.start == 0 || !bytes[m.start - 1].is_ascii_alphanumeric();
            let after_ok = m.end >= bytes.len() || !bytes[m.end].is_ascii_alphanumeric();
            if !(before_ok && after_ok) {
                continue;
            }
            let pattern = &self.patterns[m.pattern];
            let span = folded.original_span(m.start, m.end, text);
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

/// A match of the scanner: folded byte offsets and the pattern's index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Found {
    start: usize,
    end: usize,
    pattern: usize,
}

/// The gazetteer's leftmost-longest Aho-Corasick DFA (built by the
/// `aho-corasick` crate) copied into one flat transition table, scanned by a
/// loop of one table load per byte. The crate's own search loop goes through
/// its generic automaton interface at every byte and was most of the text
/// layer's cost after tokenizing; the matches are the crate's, state for
/// state.
struct Scanner {
    /// `next[state + class]`: states are numbered by row start (index times
    /// `stride`), so a step is one add and one load.
    next: Vec<u32>,
    /// Each byte that occurs in a key has a class of its own; every other
    /// byte is class 0. Bytes in no key are alike to any automaton of these
    /// keys (swapping two of them leaves the keys, hence the automaton,
    /// unchanged), so a row needs only one column per class and the crate is
    /// asked for one successor per class, not 256.
    classes: [u8; 256],
    stride: usize,
    start: u32,
    /// The dead state is row 0 and the match states come next: any state at
    /// or below this needs a look, every other one just steps on.
    last_special: u32,
    /// For the dead state and each match state, by row: the pattern matched
    /// and its length (nothing for the dead state).
    matches: Vec<(usize, usize)>,
}

const DEAD: u32 = 0;

impl Scanner {
    fn new(keys: &[String]) -> Scanner {
        let automaton = dfa::DFA::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(keys)
            .expect("folded gazetteer names form a valid automaton");
        let start = automaton
            .start_state(Anchored::No)
            .expect("an unanchored automaton has an unanchored start");
        let (classes, class_bytes) = key_byte_classes(keys);
        let stride = class_bytes.len();
        // Every state reachable from the start, numbered in the order found,
        // with its successor for each class by number.
        let mut states = vec![start];
        // By the crate's state id (a small integer): our number plus one,
        // or 0 for a state not seen yet.
        let mut numbers: Vec<u32> = vec![0; start.as_usize() + 1];
        numbers[start.as_usize()] = 1;
        let mut number_of = |sid: StateID, states: &mut Vec<StateID>| {
            let id = sid.as_usize();
            if numbers.len() <= id {
                numbers.resize(id + 1, 0);
            }
            if numbers[id] == 0 {
                states.push(sid);
                numbers[id] = states.len() as u32;
            }
            numbers[id] - 1
        };
        let mut successors: Vec<u32> = Vec::new();
        while let Some(&sid) = states.get(successors.len() / stride) {
            for &byte in &class_bytes {
                let to = automaton.next_state(Anchored::No, sid, byte);
                successors.push(number_of(to, &mut states));
            }
        }
        // Rows: the dead state, the match states, then the rest.
        let kind = |sid: StateID| {
            if automaton.is_dead(sid) {
                0
            } else if automaton.is_match(sid) {
                1
            } else {
                2
            }
        };
        let mut order: Vec<Option<usize>> = (0..states.len()).map(Some).collect();
        order.sort_by_key(|&i| i.map(|i| kind(states[i])));
        if !states.iter().any(|&sid| automaton.is_dead(sid)) {
            // No state is dead: keep row 0 for one that nothing reaches.
            order.insert(0, None);
        }
        let mut row_start = vec![0u32; states.len()];
        for (row, &i) in order.iter().enumerate() {
            if let Some(i) = i {
                row_start[i] = (row * stride) as u32;
            }
        }
        let mut next = vec![DEAD; order.len() * stride];
        let mut matches = vec![(0, 0); order.len()];
        let mut last_special = 0;
        for (row, &i) in order.iter().enumerate() {
            let Some(i) = i else {
                continue;
            };
            let from = &successors[i * stride..(i + 1) * stride];
            for (to, &successor) in next[row * stride..(row + 1) * stride].iter_mut().zip(from) {
                *to = row_start[successor as usize];
            }
            let sid = states[i];
            if automaton.is_match(sid) {
                let pattern = automaton.match_pattern(sid, 0);
                matches[row] = (pattern.as_usize(), automaton.pattern_len(pattern));
                last_special = (row * stride) as u32;
            }
        }
        // What makes `step`'s unchecked load sound: every state is a row
        // start with a whole row after it, and every class fits in a row.
        assert!(
            next.iter()
                .chain([&row_start[0]])
                .all(|&state| state as usize + stride <= next.len())
                && classes.iter().all(|&class| usize::from(class) < stride),
            "every scanner state and class lies inside the table"
        );
        Scanner {
            next,
            classes,
            stride,
            start: row_start[0],
            last_special,
            matches,
        }
    }

    #[inline(always)]
    fn step(&self, state: u32, byte: u8) -> u32 {
        let at = state as usize + usize::from(self.classes[usize::from(byte)]);
        // SAFETY: `state` is the start or an entry of `next`, and `new`
        // asserts that each of those plus any class is inside `next`, which
        // is never changed afterwards. The bounds test this skips was a
        // quarter of the scan's instructions (7.0 M of 26.7 M over 400
        // articles), at every byte of every document.
        unsafe { *self.next.get_unchecked(at) }
    }

    /// The leftmost-longest match that starts at or after `from`.
    fn find_from(&self, haystack: &[u8], from: usize) -> Option<Found> {
        let mut state = self.start;
        let mut found = None;
        let mut at = from;
        while at < haystack.len() {
            // Sixteen steps, tested for a special state once: nearly every
            // run of sixteen bytes reaches none, and the test and the bounds
            // check per run cost about as much as a step (over 400 articles,
            // eight steps a run took 5.2 M fewer instructions than four, and
            // sixteen 0.9 M fewer than eight).
            if let Some(run) = haystack.get(at..at + 16) {
                let mut lowest = u32::MAX;
                let mut next = state;
                for &b in run {
                    next = self.step(next, b);
                    lowest = lowest.min(next);
                }
                if lowest > self.last_special {
                    state = next;
                    at += 16;
                    continue;
                }
            }
            // One of the next sixteen states needs a look (or the text ends
            // sooner): take them one by one.
            let end = haystack.len().min(at + 16);
            while at < end {
                state = self.step(state, haystack[at]);
                at += 1;
                if state <= self.last_special {
                    if state == DEAD {
                        return found;
                    }
                    // A match state: a longer match may still follow.
                    let (pattern, len) = self.matches[state as usize / self.stride];
                    found = Some(Found {
                        start: at - len,
                        end: at,
                        pattern,
                    });
                }
            }
        }
        found
    }

    /// Non-overlapping leftmost-longest matches, each search starting where
    /// the last match ended, as `AhoCorasick::find_iter` gives them.
    fn find_iter<'h>(&'h self, haystack: &'h [u8]) -> impl Iterator<Item = Found> + 'h {
        let mut at = 0;
        std::iter::from_fn(move || {
            let found = self.find_from(haystack, at)?;
            at = found.end;
            Some(found)
        })
    }
}

/// Byte classes for an automaton of `keys`: a class per byte that occurs in
/// a key, and class 0 for all the others; with one byte of each class.
fn key_byte_classes(keys: &[String]) -> ([u8; 256], Vec<u8>) {
    let mut used = [false; 256];
    for key in keys {
        for &b in key.as_bytes() {
            used[usize::from(b)] = true;
        }
    }
    let mut classes = [0u8; 256];
    // Class 0's byte: the first that no key holds (if every byte occurs in
    // some key, class 0 is simply the first byte's).
    let other = (0..=255u8).find(|&b| !used[usize::from(b)]).unwrap_or(0);
    let mut class_bytes = vec![other];
    for b in 0..=255u8 {
        if used[usize::from(b)] && b != other {
            classes[usize::from(b)] = class_bytes.len() as u8;
            class_bytes.push(b);
        }
    }
    (classes, class_bytes)
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

#[cfg(test)]
mod scanner_tests {
    use aho_corasick::{AhoCorasick, AhoCorasickKind};

    use super::*;
    use crate::testing;

    /// The crate's own search, as the matcher ran it before its table copy.
    fn crate_matches(automaton: &AhoCorasick, haystack: &[u8]) -> Vec<Found> {
        automaton
            .find_iter(haystack)
            .map(|m| Found {
                start: m.start(),
                end: m.end(),
                pattern: m.pattern().as_usize(),
            })
            .collect()
    }

    #[test]
    fn bytes_of_one_class_step_alike_in_every_state() {
        // The scanner asks the crate for one byte per class only.
        let (keys, _) = keys_and_patterns(&testing::bundled_config().gazetteer);
        let (classes, class_bytes) = key_byte_classes(&keys);
        let automaton = dfa::DFA::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&keys)
            .expect("valid automaton");
        let start = automaton.start_state(Anchored::No).expect("unanchored");
        let mut states = vec![start];
        let mut seen = std::collections::HashSet::from([start]);
        while let Some(sid) = states.pop() {
            for byte in 0..=255u8 {
                let to = automaton.next_state(Anchored::No, sid, byte);
                let like = class_bytes[usize::from(classes[usize::from(byte)])];
                assert_eq!(to, automaton.next_state(Anchored::No, sid, like));
                if seen.insert(to) {
                    states.push(to);
                }
            }
        }
        assert!(seen.len() > 100, "only {} states", seen.len());
    }

    #[test]
    fn the_table_finds_what_the_crate_finds_in_real_text() {
        let (keys, _) = keys_and_patterns(&testing::bundled_config().gazetteer);
        let scanner = Scanner::new(&keys);
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&keys)
            .expect("valid automaton");
        let mut texts = testing::real_texts();
        // Matches that overlap, nest, run into words and end the text.
        texts.push("Khalifa Khalifa Haftar’s LNA-forces; the strongmanHaftar, Haftar".to_string());
        let mut found = 0;
        for text in &texts {
            let folded = FoldedText::new(text);
            let haystack = folded.text.as_bytes();
            let expected = crate_matches(&automaton, haystack);
            found += expected.len();
            assert_eq!(scanner.find_iter(haystack).collect::<Vec<_>>(), expected);
        }
        assert!(found > 20, "only {found} matches to compare");
    }
}
