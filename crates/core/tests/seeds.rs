//! The text layer on the five bundled articles, checked against what a reader
//! sees in them.

use newslens_core::testing::{bundled, bundled_corpus};
use newslens_core::text::MentionForm;

/// The actor ids of every mention of `surface` (as written) in a document.
fn actors_of(doc: &newslens_core::AnnotatedDoc, surface: &str) -> Vec<String> {
    doc.mentions
        .iter()
        .filter(|m| doc.slice(m.span) == surface)
        .map(|m| doc.gazetteer.actors[m.actor].id.clone())
        .collect()
}

/// The seeds use no-break spaces here and there; compare as a reader sees them.
fn plain(text: &str) -> String {
    text.replace('\u{a0}', " ")
}

#[test]
fn spelling_variants_resolve_to_one_actor() {
    let cases = [
        ("000", "Muammar Qaddafi", "qaddafi"),
        ("004", "Moamer Kadhafi", "qaddafi"),
        ("004", "Gaddafi", "qaddafi"),
        ("000", "Sergey Lavrov", "lavrov"),
        ("003", "Sergei Lavrov", "lavrov"),
        ("003", "Mevlut Cavusoglu", "cavusoglu"),
        ("004", "Mevlüt Çavuşoğlu", "cavusoglu"),
        ("004", "Çavuşoğlu", "cavusoglu"),
        ("004", "İbrahim Kalın", "kalin"),
        ("004", "Kalın", "kalin"),
        ("002", "Fayez Al-Sarraj", "sarraj"),
        ("002", "al Sarraj", "sarraj"),
        ("003", "Fayez Al Sarraj", "sarraj"),
        ("004", "Fayez al-Sarraj", "sarraj"),
        ("000", "UN", "un"),
        ("002", "U.N", "un"),
        ("002", "UNSMIL", "unsmil"),
        ("001", "UN Support Mission in Libya", "unsmil"),
        ("000", "Nato", "nato"),
        ("003", "NATO", "nato"),
    ];
    let mut problems = Vec::new();
    for (id, surface, actor) in cases {
        let doc = bundled(id);
        let found = actors_of(&doc, surface);
        if found.is_empty() || found.iter().any(|a| a != actor) {
            problems.push(format!("{id}: {surface:?} -> {found:?}, expected {actor}"));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn labels_and_possessives() {
    let doc = bundled("003");
    // "the departure of the strongman" refers to Haftar by a label.
    let strongman = doc
        .mentions
        .iter()
        .find(|m| doc.slice(m.span) == "the strongman")
        .unwrap();
    assert_eq!(doc.gazetteer.actors[strongman.actor].id, "haftar");
    assert_eq!(strongman.form, MentionForm::Label);
    // "Haftar’s Libyan National Army": the name after the possessive is the LNA.
    assert!(actors_of(&doc, "Libyan National Army")
        .iter()
        .all(|a| a == "lna"));
    let doc = bundled("002");
    assert_eq!(actors_of(&doc, "eastern forces"), ["lna"]);
    assert_eq!(actors_of(&doc, "Tripoli government"), ["gna"]);
    // No mention inside a longer word: "Russian" is not Russia.
    assert!(doc
        .mentions
        .iter()
        .all(|m| !doc.slice(m.span).starts_with("Russian")));
}

#[test]
fn cleaned_text_keeps_the_article_and_drops_the_chrome() {
    let chrome = [
        "Click to see full-size image",
        "2,500 $",
        "Do you like this content",
        "google plus",
        "News > Libya",
        "Post with no comments",
        "RELATED:",
        "Tripoli Port Hit, Govt Cancels",
        "| Photo: Reuters",
        "REUTERS/Ahmed Elumami",
        "Powered by automated translation",
        "Leave a Reply",
        "Required fields are marked",
        "Source ; News Agencies",
        "Published 19 February 2020",
        "\nANKARA\n",
    ];
    // The first and last sentences of each article's body, as read on the page.
    let kept = [
        ("000", "Libya's Field Marshal Khalifa Haftar and Russia’s defence minister have agreed", "to \"establish dominance\" over the whole country."),
        ("001", "Russian Defense Minister Sergey Shoigu met with Field Marshal Khalifa Haftar on February 19th", "calling for a “lasting ceasefire”."),
        ("002", "LNA’s leader General Khalifa Haftar ruled out a truce", "to enforce a United Nations arms embargo on Libya."),
        ("003", "Russian and Turkish sponsored cease-fire talks to end Libya’s civil war appeared to collapse", "will have to address in 2020”."),
        ("004", "Turkey and Russia have continued dialogue to broker a ceasefire in Libya", "requested by the Libyan government to be there.\""),
    ];
    let docs = bundled_corpus();
    for (id, first, last) in kept {
        let doc = docs.iter().find(|d| d.id() == id).unwrap();
        let text = plain(doc.text());
        assert!(text.contains(first), "{id} lost {first:?}");
        let tail: String = text
            .chars()
            .rev()
            .take(80)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        assert!(text.trim_end().ends_with(last), "{id} ends {tail:?}");
        for bit in chrome {
            assert!(!text.contains(bit), "{id} still has {bit:?}");
        }
        // Titles appear once, however often the page repeated them.
        let title = doc.doc.meta.title.as_deref().unwrap();
        assert!(
            doc.text().matches(title).count() <= 1,
            "{id} repeats its title"
        );
    }
}

#[test]
fn sentences_of_the_seeds() {
    let doc = bundled("002");
    let sentences: Vec<&str> = doc.sentences.iter().map(|s| doc.slice(*s)).collect();
    assert!(sentences.contains(
        &"The U.N. Support Mission in Libya (UNSMIL) on Wednesday condemned the attack on the port, saying it could have led to a \"real catastrophe\" but added it hoped the talks could resume."
    ));
    assert!(sentences
        .iter()
        .any(|s| s.starts_with("On Jan. 19, in a Germany-led peace summit")));
    let doc = bundled("000");
    let sentences: Vec<String> = doc.sentences.iter().map(|s| plain(doc.slice(*s))).collect();
    assert!(sentences.contains(
        &"It said Field Marshal Haftar and Mr Shoigu reaffirmed their commitment to Libya's \"independence, unity and territorial integrity\".".to_string()
    ));
    // Headlines without a full stop are sentences of their own.
    assert_eq!(
        sentences[0],
        "Libya's Haftar and Russian defence chief agree political settlement is 'only option'"
    );
}

#[test]
fn numbers_of_the_seeds() {
    let values = |id: &str| -> Vec<(String, f64)> {
        let doc = bundled(id);
        doc.numbers
            .iter()
            .map(|n| (doc.slice(n.span).to_string(), n.value))
            .collect()
    };
    let n000 = values("000");
    assert!(n000.contains(&("1,000".into(), 1000.0)));
    assert!(n000.contains(&("140,000".into(), 140_000.0)));
    assert!(n000.contains(&("five".into(), 5.0)));
    let n003 = values("003");
    for expected in [
        ("280", 280.0),
        ("2,000", 2000.0),
        ("146,000", 146_000.0),
        ("thousands", 2000.0),
        ("Several hundred", 300.0),
        ("230", 230.0),
    ] {
        assert!(
            n003.contains(&(expected.0.into(), expected.1)),
            "003 lacks {expected:?}: {n003:?}"
        );
    }
    let n004 = values("004");
    assert!(n004.contains(&("450".into(), 450.0)));
    assert!(n004.contains(&("76".into(), 76.0)));
}

#[test]
fn the_same_output_whatever_the_thread_count() {
    let docs = newslens_core::bundled::documents();
    let annotator = newslens_core::Annotator::new(std::sync::Arc::clone(
        &newslens_core::testing::bundled_config().gazetteer,
    ));
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let two = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let a = one.install(|| newslens_core::run::annotate_all(&annotator, &docs));
    let b = two.install(|| newslens_core::run::annotate_all(&annotator, &docs));
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.sentences, y.sentences);
        assert_eq!(x.mentions, y.mentions);
        assert_eq!(x.quotes, y.quotes);
    }
}
