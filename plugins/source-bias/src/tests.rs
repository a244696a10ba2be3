//! Expectations read off the bundled articles.

use newslens_core::testing;

use crate::quotes::{quotations, Kind};

/// (speaker as written, actor id, verb, first words of the quote) for each quotation of a seed.
fn voices(id: &str) -> Vec<(String, String, String, String)> {
    let doc = testing::bundled(id);
    quotations(&doc)
        .into_iter()
        .map(|q| {
            let words: String = doc
                .slice(q.quote)
                .split_whitespace()
                .take(4)
                .collect::<Vec<_>>()
                .join(" ");
            (
                q.speaker
                    .map(|s| doc.slice(s).to_string())
                    .unwrap_or_default(),
                q.actor
                    .map(|a| doc.gazetteer.actors[a].id.clone())
                    .unwrap_or_default(),
                q.verb.map(|v| doc.slice(v).to_string()).unwrap_or_default(),
                words,
            )
        })
        .collect()
}

/// The quotation starting with `opening` is attributed to `actor`.
fn check(id: &str, opening: &str, actor: &str) {
    let found = voices(id);
    let quote = found.iter().find(|q| q.3.starts_with(opening));
    match quote {
        Some(q) => assert_eq!(q.1, actor, "{id}: {opening:?} attributed to {q:?}"),
        None => panic!("{id}: no quotation opens {opening:?}: {found:#?}"),
    }
}

#[test]
fn speakers_of_the_seed_quotes() {
    check("000", "All those who in", "lavrov");
    // The next paragraph continues Lavrov's quote without a new attribution.
    check("000", "The first steps in", "lavrov");
    check("000", "I want to specifically", "erdogan");
    check("000", "The Mission calls for", "unsmil");
    check("001", "We are announcing the", "gna");
    check("001", "If a fair agreement", "erdogan");
    check("003", "We have worked with", "cavusoglu");
    check("003", "For the ceasefire in", "dujarric");
    check("003", "Moscow wants to preserve", "malashenko");
    check("003", "There will be no", "lna");
    check("004", "Haftar did not heed", "cavusoglu");
    check("004", "In Libya, we are", "kalin");
    check("004", "He has been unreliable", "kalin");
    // "…, saying it could have led to a “real catastrophe” …": the Mission's
    // words, and so is the "it" of the statement that follows.
    check("002", "it could have led", "unsmil");
    check("002", "The Mission calls for", "unsmil");
    check("002", "there must first be", "sarraj");
}

#[test]
fn split_mixed_and_continued_quotes() {
    let doc = testing::annotate(
        "“We have known that for years,” he said, “and we will act.” Hahn said the data “were very robust” \
         in March. “That being said, the test is on the market.”\n\nThe film “Long Game” opened.",
        None,
    );
    let found: Vec<(Kind, String, String)> = quotations(&doc)
        .into_iter()
        .map(|q| {
            (
                q.kind,
                doc.slice(q.quote).to_string(),
                q.speaker
                    .map(|s| doc.slice(s).to_string())
                    .unwrap_or_default(),
            )
        })
        .collect();
    let expected = [
        (Kind::Direct, "We have known that for years,", "he"),
        (Kind::Direct, "and we will act.", "he"),
        (Kind::Mixed, "the data “were very robust” in March", "Hahn"),
        (
            Kind::Direct,
            "That being said, the test is on the market.",
            "Hahn",
        ),
    ];
    let expected: Vec<(Kind, String, String)> = expected
        .iter()
        .map(|(k, q, s)| (*k, q.to_string(), s.to_string()))
        .collect();
    // The film title is no one's voice.
    assert_eq!(found, expected);
}

#[test]
fn indirect_speech() {
    let doc = testing::annotate(
        "Russia's Defence Ministry said the two men agreed that there was no alternative.",
        None,
    );
    let q = quotations(&doc);
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].kind, Kind::Indirect);
    assert_eq!(
        doc.slice(q[0].quote),
        "the two men agreed that there was no alternative"
    );
    assert_eq!(
        doc.slice(q[0].speaker.unwrap()),
        "Russia's Defence Ministry"
    );
}

#[test]
fn anonymous_sources() {
    let doc = testing::annotate(
        "Diplomatic sources said discussions were also under way at the United Nations.",
        None,
    );
    let q = quotations(&doc);
    assert!(!q[0].named, "{:?}", doc.slice(q[0].speaker.unwrap()));
}

fn run() -> newslens_core::Report {
    let analyzer =
        crate::build(&newslens_core::AnalyzerSettings::for_tests("source-bias")).unwrap();
    newslens_core::run::run_analyzer(analyzer.as_ref(), &testing::bundled_corpus(), None).unwrap()
}

#[test]
fn putschist_and_warlord_are_kalin_s_words_not_hurriyet_s() {
    let report = run();
    let labels = report.table("labels").unwrap();
    let voice_of = |label: &str| {
        labels
            .rows
            .iter()
            .filter(|r| labels.cell(r, "label").unwrap().to_string() == label)
            .map(|r| {
                (
                    labels.cell(r, "source").unwrap().to_string(),
                    labels.cell(r, "voice").unwrap().to_string(),
                    labels.cell(r, "actor").unwrap().to_string(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        voice_of("putschist"),
        [(
            "Hürriyet Daily News".into(),
            "quoted".into(),
            "haftar".into()
        )]
    );
    assert_eq!(
        voice_of("illegitimate warlord"),
        [(
            "Hürriyet Daily News".into(),
            "quoted".into(),
            "haftar".into()
        )]
    );
    // "Field Marshal" is The National's and South Front's own title for Haftar.
    let field_marshal = voice_of("field marshal");
    assert!(
        field_marshal
            .iter()
            .any(|(s, v, a)| s == "The National" && v == "authorial" && a == "haftar"),
        "{field_marshal:?}"
    );
    assert!(
        field_marshal.iter().any(|(s, _, _)| s == "South Front"),
        "{field_marshal:?}"
    );
}

#[test]
fn south_front_s_purge_claim_is_its_own_voice() {
    let report = run();
    let loaded = report.table("loaded").unwrap();
    let purged: Vec<String> = loaded
        .rows
        .iter()
        .filter(|r| loaded.cell(r, "term").unwrap().to_string() == "purged")
        .map(|r| {
            format!(
                "{} {}",
                loaded.cell(r, "source").unwrap(),
                loaded.cell(r, "voice").unwrap()
            )
        })
        .collect();
    assert_eq!(purged, ["South Front authorial"]);
}

#[test]
fn the_unsmil_statement_is_shared_copy() {
    let report = run();
    let shared = report.table("shared_copy").unwrap();
    let pairs: Vec<String> = shared
        .rows
        .iter()
        .filter(|r| {
            shared
                .cell(r, "text")
                .unwrap()
                .to_string()
                .contains("The Mission calls for an end")
        })
        .map(|r| {
            format!(
                "{}-{}",
                shared.cell(r, "doc_a").unwrap(),
                shared.cell(r, "doc_b").unwrap()
            )
        })
        .collect();
    for pair in ["000-001", "000-002", "001-002"] {
        assert!(pairs.contains(&pair.to_string()), "{pair} not in {pairs:?}");
    }
}

#[test]
fn an_outlet_that_shares_no_copy_says_so_in_its_profile() {
    // Hürriyet (004) writes its own story; the UNSMIL statement is not in it.
    let report = run();
    let profile = report.table("profile").unwrap();
    let value = |source: &str| {
        profile
            .rows
            .iter()
            .find(|r| {
                profile.cell(r, "source").unwrap().to_string() == source
                    && profile.cell(r, "dimension").unwrap().to_string() == "shared copy"
            })
            .map(|r| profile.cell(r, "value").unwrap().to_string())
    };
    assert_eq!(value("Hürriyet Daily News").as_deref(), Some("none found"));
    assert!(value("The National")
        .unwrap()
        .contains("words with South Front"));
}

/// Map and reduce over texts built from the words and marks attribution is
/// made of, glued with and without spaces, and over random characters:
/// nothing may panic, and every span must lie on character boundaries.
#[test]
fn no_panic_on_arbitrary_text() {
    let analyzer =
        crate::build(&newslens_core::AnalyzerSettings::for_tests("source-bias")).unwrap();
    let pieces = [
        "“",
        "”",
        "\"",
        "'",
        "‘",
        "’",
        "’s",
        "'s",
        "said",
        "says",
        "saying",
        "adding",
        "told",
        "he",
        "she",
        "it",
        "who",
        "which",
        "Haftar",
        "Mr",
        "Dr.",
        "U.N.",
        ",",
        ".",
        ":",
        ";",
        "(",
        ")",
        "—",
        "-",
        "according",
        "to",
        "the",
        "a",
        "an",
        "and",
        "but",
        "not",
        "would",
        "was",
        "asked",
        "as",
        "quoted",
        "reportedly",
        "is said to",
        "so-called",
        "anti-terrorism",
        "putschist",
        " ",
        "\n",
        "\n\n",
        "Çavuşoğlu",
        "İstanbul",
        "🙂",
        "\u{301}",
        "claimed",
        "that",
        "73",
        "1,000",
        "al-Hajj",
        "States",
        "reports",
        "of",
    ];
    // Mostly short texts, some long ones with paragraphs, and some of code
    // points alone (control and combining ones included).
    let short = testing::random_texts(0xdead_beef_cafe_f00d, 1_500, 40, &pieces);
    let long = testing::random_texts(0x0dd_ba11, 200, 600, &pieces);
    let code_points = testing::random_texts(0xc0de_9017, 500, 40, &[]);
    let mut docs = Vec::new();
    for text in short.into_iter().chain(long).chain(code_points) {
        let doc = testing::annotate(&text, None);
        for q in quotations(&doc) {
            for span in [Some(q.quote), q.speaker, q.verb].into_iter().flatten() {
                assert!(
                    span.start <= span.end && span.end as usize <= text.len(),
                    "{text:?}"
                );
                assert!(
                    text.is_char_boundary(span.start as usize)
                        && text.is_char_boundary(span.end as usize),
                    "{text:?}"
                );
            }
        }
        docs.push(doc);
    }
    let report = newslens_core::run::run_analyzer(analyzer.as_ref(), &docs, None).unwrap();
    assert!(report.table("profile").is_some());
}

/// The map's rows of one table for `text`, as (term, voice) or (class, term).
fn map_cells(text: &str, table: &str, columns: &[&str]) -> Vec<Vec<String>> {
    let analyzer =
        crate::build(&newslens_core::AnalyzerSettings::for_tests("source-bias")).unwrap();
    let report = analyzer.map(&testing::annotate(text, None));
    let t = report.table(table).unwrap();
    t.rows
        .iter()
        .map(|r| {
            columns
                .iter()
                .map(|c| t.cell(r, c).unwrap().to_string())
                .collect()
        })
        .collect()
}

#[test]
fn loaded_words_whole_and_inside_hyphenated_words_by_voice() {
    let found = map_cells(
        "The so-called anti-terrorism law hit Regime critics. “It is a massacre,” he said. The terrorists' camp was empty.",
        "loaded_rows",
        &["term", "voice"],
    );
    let pairs: Vec<(&str, &str)> = found
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("so-called", "authorial"),
            ("terrorism", "authorial"),
            ("regime", "authorial"),
            ("massacre", "quoted"),
            ("terrorists", "authorial"),
        ]
    );
}

#[test]
fn hedges_of_several_words_in_the_outlet_s_voice_only() {
    let found = map_cells(
        "The commander is said to have fled. He reportedly left Sirte. “They allegedly lied,” she said.",
        "attribution_rows",
        &["class", "term"],
    );
    let hedges: Vec<&str> = found
        .iter()
        .filter(|r| r[0] == "hedge")
        .map(|r| r[1].as_str())
        .collect();
    assert_eq!(hedges, ["is said to", "reportedly"]);
}

#[test]
fn a_shingle_hash_depends_on_every_word_and_its_place() {
    use crate::shingle_hash;
    let words = [1u64, 2, 3, 4, 5];
    let base = shingle_hash(&words);
    for i in 0..words.len() {
        let mut changed = words;
        changed[i] = 9;
        assert_ne!(shingle_hash(&changed), base, "word {i}");
    }
    assert_ne!(shingle_hash(&[2, 1, 3, 4, 5]), base);
    // The sampling keeps hashes divisible by 4: about a quarter of them.
    let kept = (0..4000u64)
        .filter(|&i| shingle_hash(&[i, i + 1, i + 2, i + 3, i + 4]).is_multiple_of(4))
        .count();
    assert!((800..1200).contains(&kept), "{kept}");
}

#[test]
fn shingles_group_by_hash_whatever_their_order() {
    use crate::reduce::group_by_hash;
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut pairs = Vec::new();
    for i in 0..5000u32 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        // Every hash three times, in scattered places.
        pairs.push((state, i));
        pairs.push((state, i + 10_000));
        pairs.push((state, i + 20_000));
    }
    pairs.reverse();
    let mut expected = pairs.clone();
    expected.sort_unstable();
    assert_eq!(group_by_hash(pairs), expected);
    assert!(group_by_hash(Vec::new()).is_empty());
}

/// The speaker as written of the quotation starting with `opening`.
fn speaker_of(id: &str, opening: &str) -> String {
    let found = voices(id);
    match found.iter().find(|q| q.3.starts_with(opening)) {
        Some(q) => q.0.clone(),
        None => panic!("{id}: no quotation opens {opening:?}: {found:#?}"),
    }
}

#[test]
fn speakers_as_written_without_their_time_and_with_their_source() {
    // "Erdogan on Monday reiterated …": the day is no part of the speaker.
    assert_eq!(speaker_of("003", "the “urgent necessity” for"), "Erdogan");
    assert_eq!(
        speaker_of("003", "thousands of fighters have"),
        "King Abdullah of Jordan"
    );
    // "“…,” read a statement issued by the Russian Foreign Ministry on June 20."
    assert_eq!(
        speaker_of("004", "During the conversation, an"),
        "a statement issued by the Russian Foreign Ministry"
    );
    // "Caitlin Oakley, an HHS spokeswoman, said:" and "Trump, 73, who …, said".
    for (text, speaker) in [
        (
            "In an emailed statement, Caitlin Oakley, an HHS spokeswoman, said: “It was Dr. Bright who asked.”",
            "Caitlin Oakley",
        ),
        (
            "Trump, 73, who is tested daily for the virus, said he had asked the physician if it was OK.",
            "Trump",
        ),
    ] {
        let doc = testing::annotate(text, None);
        let speakers: Vec<&str> = quotations(&doc)
            .iter()
            .filter_map(|q| q.speaker.map(|s| doc.slice(s)))
            .collect();
        assert_eq!(speakers, [speaker], "{text}");
    }
}

#[test]
fn a_closing_verb_does_not_take_over_the_words_another_verb_reports() {
    let doc = testing::annotate(
        "Trump, 73, who is tested daily for the virus, said he had asked the physician.",
        None,
    );
    let q = quotations(&doc);
    assert_eq!(q.len(), 1);
    assert_eq!(doc.slice(q[0].speaker.unwrap()), "Trump");
    assert_eq!(doc.slice(q[0].quote), "he had asked the physician");
}

#[test]
fn reporting_verbs_are_found_and_words_of_their_shape_are_not() {
    use crate::quotes::{is_reporting_verb, LOADED_VERBS, NEUTRAL_VERBS};
    for verb in NEUTRAL_VERBS.iter().chain(LOADED_VERBS) {
        assert!(is_reporting_verb(verb), "{verb}");
    }
    // Same length, first and last letter as "said", "told", "claimed", "says":
    // they pass the shape bits and must still be turned away by the set.
    for word in [
        "sand", "seed", "toad", "cleaned", "sees", "Said", "said.", "s", "",
    ] {
        assert!(!is_reporting_verb(word), "{word}");
    }
}

#[test]
fn a_reduce_reads_columns_by_name_whatever_their_order() {
    // A reduce over map files reads tables with the columns their schema
    // names; the fold finds each column by name, once per schema.
    let analyzer =
        crate::build(&newslens_core::AnalyzerSettings::for_tests("source-bias")).unwrap();
    let docs = testing::bundled_corpus();
    let mapped = newslens_core::run::map_all(analyzer.as_ref(), &docs, None).unwrap();
    let mut reversed = mapped.clone();
    for table in &mut reversed.tables {
        table.columns.reverse();
        for row in &mut table.rows {
            row.cells.reverse();
        }
    }
    let expected = analyzer.reduce(mapped).unwrap();
    let found = analyzer.reduce(reversed).unwrap();
    for name in [
        "labels",
        "voices",
        "attribution",
        "loaded",
        "tone",
        "shared_copy",
        "profile",
    ] {
        assert_eq!(found.table(name), expected.table(name), "{name}");
    }
    assert!(!expected.table("labels").unwrap().rows.is_empty());
    assert!(!expected.table("shared_copy").unwrap().rows.is_empty());
}

#[test]
fn shingles_fold_words_as_core_folds_them() {
    // A sentence from 001 and spellings of it that core's fold makes one key:
    // curly and straight apostrophes, capitals, acronym dots, accents. Their
    // shingle hashes must agree, whichever way each word was hashed.
    // Each sentence's hashes, after its number, words, start, end and bytes.
    let hashes = |text: &str| -> Vec<Vec<String>> {
        map_cells(text, "shingles", &["sentences"])
            .iter()
            .flat_map(|row| {
                row[0]
                    .split(';')
                    .map(|s| s.split(' ').skip(5).map(str::to_string).collect())
                    .collect::<Vec<Vec<String>>>()
            })
            .collect()
    };
    let original = hashes(
        "Field Marshal Khalifa Haftar’s forces have purged 90% of the country from terrorist \
         elements, the U.N. envoy said in Geneva on Tuesday.",
    );
    assert!(!original.is_empty() && !original[0][0].is_empty());
    for variant in [
        "Field Marshal Khalifa Haftar's forces have purged 90% of the country from terrorist \
         elements, the U.N. envoy said in Geneva on Tuesday.",
        "FIELD MARSHAL KHALIFA HAFTAR’S FORCES HAVE PURGED 90% OF THE COUNTRY FROM TERRORIST \
         ELEMENTS, THE U.N. ENVOY SAID IN GENEVA ON TUESDAY.",
        "Field Marshal Khalifa Haftar’s forces have purged 90% of the country from terrorist \
         elements, the U.N. envoy said in Genéva on Tuesday.",
    ] {
        assert_eq!(hashes(variant), original, "{variant}");
    }
    // A different word is a different shingle.
    let other = hashes(
        "Field Marshal Khalifa Haftar’s troops have purged 90% of the country from terrorist \
         elements, the U.N. envoy said in Geneva on Tuesday.",
    );
    assert_ne!(other, original);
}

#[test]
fn sentences_get_the_tokens_tokens_in_gives_them() {
    let mut docs = testing::bundled_corpus();
    let texts = testing::random_texts(11, 300, 40, &["said", ".", "“", "”", "\n\n", " ", "U.S."]);
    docs.extend(texts.iter().map(|t| testing::annotate(t, None)));
    for doc in &docs {
        let walked: Vec<_> = crate::quotes::sentence_tokens(doc).collect();
        assert_eq!(walked.len(), doc.sentences.len());
        for (&sentence, (span, tokens)) in doc.sentences.iter().zip(walked) {
            assert_eq!(span, sentence);
            assert_eq!(tokens, doc.tokens_in(sentence), "{:?}", doc.slice(sentence));
        }
    }
}

#[test]
fn words_inside_outer_quotes_count_as_quoted_once_each() {
    let analyzer =
        crate::build(&newslens_core::AnalyzerSettings::for_tests("source-bias")).unwrap();
    // Two quotes, the second holding an inner one: its words count once.
    let doc = newslens_core::testing::annotate(
        "The minister said “we will win” on Monday. “They call it ‘a truce’ now,” he added.",
        None,
    );
    let report = analyzer.map(&doc);
    let table = report.table("word_counts").unwrap();
    let row = &table.rows[0];
    let count = |c: &str| {
        table
            .cell(row, c)
            .and_then(newslens_core::Value::as_i64)
            .unwrap()
    };
    // Quoted: we will win / They call it a truce now (3 + 6);
    // authorial: The minister said on Monday / he added (5 + 2).
    assert_eq!((count("authorial"), count("quoted")), (7, 9));
}

#[test]
fn the_maps_walk_finds_the_verbs_quotations_in_finds() {
    let analyzer =
        crate::source_bias(&newslens_core::AnalyzerSettings::for_tests("source-bias")).unwrap();
    let mut docs = testing::bundled_corpus();
    let texts = testing::random_texts(
        13,
        300,
        40,
        &[
            "said",
            "Said",
            "saying",
            "reporting",
            "according",
            "is",
            "so-called",
            " ",
            ".",
        ],
    );
    docs.extend(texts.iter().map(|t| testing::annotate(t, None)));
    for doc in &docs {
        let lower = doc.text().to_ascii_lowercase();
        let verbs = crate::quotes::verb_tokens(doc, &lower);
        assert_eq!(
            analyzer.scan_terms(doc, &lower).verbs,
            verbs,
            "{:?}",
            doc.text()
        );
        assert_eq!(
            crate::quotes::quotations_with(doc, &lower, &verbs),
            crate::quotes::quotations(doc)
        );
    }
}
