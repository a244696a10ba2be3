//! Tone toward a party, against sentences of the bundled articles annotated
//! by reading them: for each, the party and whether the sentence presents it
//! favourably (+1), unfavourably (-1) or neither (0). The clause view of
//! `actor_tones` is compared with scoring the whole sentence.

use newslens_core::testing;
use newslens_core::testing::accuracy_and_macro_f1 as score;
use newslens_sentiment_lexicon::{sign, Scorer};

/// (document, words that pick out the sentence, party, tone toward it as read).
const CASES: &[(&str, &str, &str, i8)] = &[
    ("000", "On Wednesday Field Marshal Haftar met", "haftar", 0),
    (
        "000",
        "launched his offensive on Tripoli last April",
        "haftar",
        -1,
    ),
    ("000", "Erdogan criticised the move", "erdogan", 0),
    ("000", "The EU is trying to take charge", "eu", -1),
    ("001", "against the aggressor [Haftar]", "haftar", -1),
    ("001", "have purged 90% of the country", "haftar", 1),
    ("001", "It entirely blamed the LNA", "lna", -1),
    ("001", "Erdogan welcomed the Tripoli government", "gna", 1),
    ("001", "we will support the legitimate government", "gna", 1),
    ("001", "the LNA is carrying out the airstrikes", "lna", -1),
    (
        "002",
        "LNA’s leader General Khalifa Haftar ruled out a truce",
        "haftar",
        -1,
    ),
    (
        "002",
        "after eastern forces continue to shell the capital",
        "lna",
        -1,
    ),
    (
        "002",
        "on Wednesday condemned the attack on the port",
        "unsmil",
        0,
    ),
    ("003", "Haftar’s departure casts doubt", "haftar", -1),
    ("003", "Russia has been accused of backing", "russia", -1),
    ("003", "Moscow wants to preserve its presence", "russia", 0),
    ("003", "Sarraj on Monday called on Libyans", "sarraj", 1),
    ("003", "Macron on Monday called for", "macron", 1),
    ("004", "Haftar did not heed the calls", "haftar", -1),
    ("004", "This kind of a putschist", "haftar", -1),
    (
        "004",
        "helped him repel Haftar's recent offensive",
        "haftar",
        -1,
    ),
    (
        "004",
        "helped him repel Haftar's recent offensive",
        "sarraj",
        1,
    ),
    ("004", "accused the UAE of", "uae", -1),
    ("004", "supporting an illegitimate warlord", "haftar", -1),
    (
        "004",
        "Tensions have increased between Turkey and France",
        "france",
        -1,
    ),
];

#[test]
fn clause_tone_beats_whole_sentence_tone() {
    let scorer = Scorer::news();
    let (mut clause, mut whole) = (Vec::new(), Vec::new());
    for &(id, needle, actor, gold) in CASES {
        let doc = testing::bundled(id);
        // The articles use no-break spaces here and there; find the needle as a reader would.
        let plain = doc.text().replace('\u{a0}', " ");
        let found = plain
            .find(needle)
            .unwrap_or_else(|| panic!("{id}: {needle:?} not found"));
        let original = doc
            .text()
            .char_indices()
            .nth(plain[..found].chars().count())
            .map_or(0, |(i, _)| i);
        let at = original as u32;
        let sentence = doc.sentences[doc.sentence_index(at).unwrap()];
        let actor_index = doc.gazetteer.find(actor).unwrap();
        let tone = scorer
            .actor_tones(&doc)
            .into_iter()
            .find(|t| t.actor == actor_index && sentence.contains(t.mention))
            .unwrap_or_else(|| panic!("{id}: no clause about {actor} in {:?}", doc.slice(sentence)))
            .clause;
        if sign(tone.compound) != gold {
            println!(
                "clause {:+.3} for {actor} (read {gold:+}): {:?}",
                tone.compound,
                doc.slice(tone.span)
            );
        }
        clause.push((gold, sign(tone.compound)));
        whole.push((gold, sign(scorer.score(doc.slice(sentence)).compound)));
    }
    let (clause_acc, clause_f1) = score(&clause);
    let (whole_acc, whole_f1) = score(&whole);
    println!("{} annotated (sentence, party) pairs", CASES.len());
    println!("clause: accuracy {clause_acc:.3}, macro-F1 {clause_f1:.3}; whole sentence: accuracy {whole_acc:.3}, macro-F1 {whole_f1:.3}");
    assert!(clause_acc > whole_acc && clause_f1 > whole_f1);
}
