//! Tests on real text. Tone expectations are read off the bundled articles.

use newslens_core::{testing, Span};

use crate::{Scorer, Voice};

/// The tones toward `actor` in document `id`: (voice, sign of compound, clause).
fn tones(id: &str, actor: &str, scorer: &Scorer) -> Vec<(Voice, i8, String)> {
    let doc = testing::bundled(id);
    let index = doc.gazetteer.find(actor).unwrap();
    scorer
        .actor_tones(&doc)
        .into_iter()
        .filter(|t| t.actor == index)
        .map(|t| {
            let c = t.clause;
            (
                c.voice,
                crate::sign(c.compound),
                doc.slice(c.span).to_string(),
            )
        })
        .collect()
}

/// The tone of the clause that holds `needle`.
fn check(id: &str, actor: &str, needle: &str, voice: Voice, sign: i8) {
    let scorer = Scorer::news();
    let found = tones(id, actor, &scorer);
    let clause = found.iter().find(|(_, _, clause)| clause.contains(needle));
    match clause {
        Some((v, s, text)) => assert_eq!((*v, *s), (voice, sign), "{id} {actor}: {text:?}"),
        None => panic!("{id}: no clause about {actor} holds {needle:?}; clauses: {found:#?}"),
    }
}

#[test]
fn the_gna_calls_haftar_the_aggressor_in_quoted_voice() {
    // 001: “… adopted against the aggressor [Haftar] and his violations” of the truce, the GNA said.
    check("001", "haftar", "aggressor", Voice::Quoted, -1);
}

#[test]
fn kalin_calls_haftar_a_putschist_and_an_illegitimate_warlord() {
    // 004: Çavuşoğlu: “This kind of a putschist should have no role in a state rule.”
    check("004", "haftar", "putschist", Voice::Quoted, -1);
    // 004: Kalın: “… the French government is supporting an illegitimate warlord …”
    check("004", "haftar", "illegitimate warlord", Voice::Quoted, -1);
}

#[test]
fn south_front_s_own_voice_favours_haftar_s_forces() {
    // 001, authorial: “Despite the fact that Field Marshal Khalifa Haftar’s forces have purged
    // 90% of the country from terrorist elements and have returned normality …”
    check("001", "haftar", "purged", Voice::Authorial, 1);
    // A bare lexicon reads the same clause as negative ("terrorist" -3.7).
    let doc = testing::bundled("001");
    let vader = Scorer::vader();
    let clause = vader
        .actor_tones(&doc)
        .into_iter()
        .find(|t| doc.slice(t.clause.span).contains("purged"))
        .unwrap()
        .clause;
    assert!(clause.compound < 0.0, "pure VADER: {}", clause.compound);
}

#[test]
fn voices_split_a_sentence() {
    // 000: "The first steps … coming up again." is all quote; "Mr Lavrov said" is the outlet's.
    let doc = testing::annotate(
        "\"All those who influence forces in Libya should stimulate them to sit down for talks,\" Mr Lavrov said.",
        None,
    );
    let parts = Scorer::voice_parts(&doc, doc.sentences[0]);
    let voices: Vec<(Voice, &str)> = parts.iter().map(|(v, _, t)| (*v, t.as_str())).collect();
    assert_eq!(
        voices,
        [
            (Voice::Quoted, "All those who influence forces in Libya should stimulate them to sit down for talks,"),
            (Voice::Authorial, "Mr Lavrov said.")
        ]
    );
}

#[test]
fn a_quote_interrupted_by_its_attribution_is_one_quoted_part() {
    let text = "“We will hold the line,” the general said, “and we will win.”";
    let doc = testing::annotate(text, None);
    let parts = Scorer::voice_parts(&doc, doc.sentences[0]);
    let at = |s: &str| text.find(s).unwrap() as u32;
    let found: Vec<(Voice, Span, &str)> =
        parts.iter().map(|(v, s, t)| (*v, *s, t.as_str())).collect();
    assert_eq!(
        found,
        [
            // From inside the first marks to inside the last, the two quotes joined by a space.
            (
                Voice::Quoted,
                Span {
                    start: at("We"),
                    end: at("win.") + 4
                },
                "We will hold the line, and we will win."
            ),
            // Between the marks, trimmed.
            (
                Voice::Authorial,
                Span {
                    start: at(" the general"),
                    end: at("“and")
                },
                "the general said,"
            ),
        ]
    );
}

#[test]
fn vader_reference_examples() {
    // Scores printed by vaderSentiment 3.3.2 for the examples in its own source.
    let vader = Scorer::vader();
    for (text, compound) in [
        ("VADER is smart, handsome, and funny.", 0.8316),
        ("VADER is smart, handsome, and funny!", 0.8439),
        ("VADER is very smart, handsome, and funny.", 0.8545),
        ("VADER is VERY SMART, handsome, and FUNNY.", 0.9227),
        ("VADER is VERY SMART, handsome, and FUNNY!!!", 0.9342),
        (
            "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
            0.9469,
        ),
        ("VADER is not smart, handsome, nor funny.", -0.7424),
        ("The book was good.", 0.4404),
        ("At least it isn't a horrible book.", 0.431),
        ("The book was only kind of good.", 0.3832),
        (
            "The plot was good, but the characters are uncompelling and the dialog is not great.",
            -0.7042,
        ),
        ("Today SUX!", -0.5461),
        ("Today only kinda sux! But I'll get by, lol", 0.5249),
        ("Make sure you :) or :D today!", 0.8633),
        ("Catch utf-8 emoji such as 💘 and 💋 and 😁", 0.875),
        ("Not bad at all", 0.431),
    ] {
        assert_eq!(vader.score(text).compound, compound, "{text}");
    }
}

#[test]
fn explain_names_the_rules() {
    let explanation = Scorer::news()
        .explain("The militias have NOT been defeated, but the truce is very fragile.");
    let text = explanation.to_string();
    assert!(text.contains("truce"), "{text}");
    assert!(text.contains("but"), "{text}");
}

#[test]
fn no_panic_on_arbitrary_text() {
    let scorer = Scorer::news();
    let pieces = [
        "but",
        "not",
        "least",
        "!",
        "kind of",
        "no",
        "😁",
        "GOOD",
        "ISN'T",
        "\u{3000}",
        "UNBELIEVABLY-WONDERFUL-AND-HEARTWARMING",
    ];
    for text in newslens_core::testing::random_texts(0x9e37_79b9_7f4a_7c15, 3_000, 24, &pieces) {
        let s = scorer.score(&text);
        assert!((-1.0..=1.0).contains(&s.compound), "{text:?}: {s:?}");
        let shares = s.pos + s.neu + s.neg;
        assert!(
            shares == 0.0 || (shares - 1.0).abs() <= 0.0015,
            "{text:?}: {s:?}"
        );
    }
}

#[test]
fn quoted_text_holds_what_quote_at_finds() {
    let mut docs = testing::bundled_corpus();
    let texts = testing::random_texts(5, 200, 30, &["“", "”", "\"", "‘", "’", "said", " ", "\n\n"]);
    docs.extend(texts.iter().map(|t| testing::annotate(t, None)));
    let mut quoted_bytes = 0;
    for doc in &docs {
        let quoted = crate::QuotedText::new(doc);
        for offset in 0..=doc.text().len() as u32 {
            let expected = doc.quote_at(offset).is_some();
            assert_eq!(quoted.holds(offset), expected, "{offset} in {:?}", doc.id());
            quoted_bytes += usize::from(expected);
        }
    }
    assert!(
        quoted_bytes > 1000,
        "the texts quote something: {quoted_bytes}"
    );
}

#[test]
fn the_char_cursor_counts_as_the_document_does_in_either_direction() {
    // Çavuşoğlu's "ş" and "ğ" and the curly quotes are two and three bytes each.
    let doc = testing::annotate(
        "Çavuşoğlu said “the ceasefire holds”. Haftar’s forces did not agree.",
        None,
    );
    let text = doc.text();
    let boundaries: Vec<u32> = (0..=text.len())
        .filter(|&i| text.is_char_boundary(i))
        .map(|i| i as u32)
        .collect();
    let mut cursor = crate::CharCursor::new(&doc);
    // Forward (counted since the previous offset), then backward (counted back).
    for &offset in boundaries.iter().step_by(3).chain(boundaries.iter().rev()) {
        assert_eq!(cursor.at(offset), doc.char_offset(offset), "byte {offset}");
    }
    // An offset past the end is the end, as `char_offset` has it.
    assert_eq!(cursor.at(text.len() as u32 + 10), text.chars().count());
}

#[test]
fn tone_at_scores_the_clause_around_a_party_the_gazetteer_does_not_know() {
    // NewsMTSC's first training sentence: a person named Winner, told neutrally.
    let text = "Winner wrote that she had a 30-minute private meeting with the Republican lawmaker’s state policy director.";
    let doc = testing::annotate(text, None);
    let scorer = Scorer::news();
    assert!(
        scorer.score(text).compound > 0.0,
        "\"winner\" is in VADER's lexicon"
    );
    let mention = Span { start: 0, end: 6 };
    let tone = scorer.tone_at(&doc, mention).unwrap();
    assert_eq!(tone.compound, 0.0, "the name itself is not scored");
    assert_eq!(tone.voice, Voice::Authorial);
    assert!(tone.span.contains(mention));
}

#[test]
fn tone_at_a_known_party_is_its_actor_tone() {
    let doc = testing::bundled("004");
    let scorer = Scorer::news();
    let tones = scorer.actor_tones(&doc);
    assert!(!tones.is_empty());
    for tone in tones {
        assert_eq!(scorer.tone_at(&doc, tone.mention), Some(tone.clause));
    }
}

#[test]
fn the_news_layer_reads_typographic_quotes_as_ascii_ones() {
    // VADER strips only ASCII punctuation and finds negation by "n't".
    let vader = Scorer::vader();
    let news = Scorer::news();
    let curly = "She called the deal a “disaster”.";
    assert_eq!(
        vader.score(curly).compound,
        0.0,
        "“disaster” is no word VADER knows"
    );
    assert_eq!(
        news.score(curly).compound,
        news.score("She called the deal a \"disaster\".").compound
    );
    assert!(news.score(curly).compound < -0.5);
    let apostrophe = "The minister doesn’t support the plan.";
    assert!(
        vader.score(apostrophe).compound > 0.0,
        "no negation without n't"
    );
    assert!(news.score(apostrophe).compound < 0.0);
    // Other characters from the same block stay: a dash is no quote.
    let mut out = String::from("kept");
    assert!(!super::ascii_quotes("a – b", &mut out));
    assert_eq!(out, "kept");
    assert!(super::ascii_quotes("‘a’ “b” — c", &mut out));
    assert_eq!(out, "'a' \"b\" — c");
}

#[test]
fn tone_at_odd_spans_gives_none_or_a_tone_and_never_panics() {
    let text = "Le ministre a salué l’accord — “un succès”, a-t-il dit.";
    let doc = testing::annotate(text, None);
    let scorer = Scorer::news();
    let len = text.len() as u32;
    for (start, end) in [(5, 2), (0, 0), (len, len + 10), (len + 5, len + 9), (3, 30)] {
        let _ = scorer.tone_at(&doc, Span { start, end });
    }
    // Inside the three bytes of the apostrophe and of the dash.
    let inside = text.find('’').unwrap() as u32 + 1;
    let _ = scorer.tone_at(
        &doc,
        Span {
            start: inside,
            end: inside + 1,
        },
    );
    let dash = text.find('—').unwrap() as u32;
    let _ = scorer.tone_at(
        &doc,
        Span {
            start: dash + 1,
            end: dash + 2,
        },
    );
    assert!(scorer
        .tone_at(
            &doc,
            Span {
                start: len + 5,
                end: len + 9
            }
        )
        .is_none());
}
