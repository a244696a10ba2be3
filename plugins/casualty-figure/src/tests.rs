//! Figures read off real sentences. Each expectation is written
//! `kind qualifier value group source`, with `-` for none; the source and
//! the values come from reading the sentence.

use newslens_core::testing;

use crate::extract::figures;

/// Checks the figures of `text`, in order.
fn check(text: &str, expected: &[&str]) {
    let doc = testing::annotate(text, Some("2020-02-19"));
    let got: Vec<String> = figures(&doc)
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {} {}",
                f.kind.name(),
                f.qualifier.name(),
                f.value,
                f.group.as_deref().unwrap_or("-"),
                f.attributed_to.as_deref().unwrap_or("-")
            )
        })
        .collect();
    assert_eq!(got, expected, "in {text:?}");
}

#[test]
fn seed_000_dead_and_displaced() {
    // The National, 2020-02-19.
    check(
        "The fighting has left more than 1,000 people dead and displaced about 140,000 according to the UN.",
        &["killed more_than 1000 person UN", "displaced about 140000 - UN"],
    );
}

#[test]
fn seed_003_since_the_start_of_fighting() {
    // News Agencies, 2020-01-14.
    let text = "Since the start of fighting in Tripoli, more than 280 civilians and about 2,000 fighters have been killed and 146,000 Libyans have been displaced, according to the UN.";
    check(
        text,
        &[
            "killed more_than 280 civilian UN",
            "killed about 2000 fighter UN",
            "displaced exact 146000 Libyan UN",
        ],
    );
    let doc = testing::annotate(text, None);
    let period = figures(&doc)[0].period.clone();
    assert_eq!(
        period.as_deref(),
        Some("Since the start of fighting in Tripoli")
    );
    check(
        "That would have spared Libya further fighting after years of upheaval that has left thousands dead and allowed Islamist extremists to dig in.",
        &["killed vague 2000 - -"],
    );
}

#[test]
fn seed_non_figures() {
    // Every one of these is in the bundled articles; none counts victims.
    for text in [
        "Libya has been in turmoil since a 2011 Nato-backed uprising killed longtime dictator Muammar Qaddafi, with rival armed factions still vying for power.",
        "The UN is already “recording and verifying reported ceasefire violations” through its political mission in Libya, which employs around 230 people, he added.",
        "Several hundred Russian mercenaries are reported to be in Libya supporting Haftar.",
        "Eastern-based Haftar -- a 76-year-old former Gaddafi loyalist turned defector who spent years living in the United States -- has been backed by powers including Russia.",
        "Despite the fact that Field Marshal Khalifa Haftar’s forces have purged 90% of the country from terrorist elements and have returned normality in most of the country.",
        "The hometown of Gaddafi, Sirte, located 450 kilometers (280 miles) east of Tripoli, was a stronghold of the ISIL, before being taken over in 2016 by the GNA.",
        "UN Libya envoy Ghassan Salame earlier on Tuesday launched a second round of talks in Geneva, with five senior officers from the GNA and five appointed by Field Marshal Haftar's forces taking part.",
        "King Abdullah of Jordan on Monday warned that thousands of fighters have left Syria for Libya.",
        "Head of the Government of National Accord had signed the deal in attempting to end nine months of fighting around the Libyan capital, Tripoli.",
        "The LNA has been fighting off a ten-month-long offensive over the capital.",
    ] {
        check(text, &[]);
    }
}

#[test]
fn numbers_in_every_form() {
    check(
        "Twenty-three soldiers were killed in the ambush, the army said.",
        &["killed exact 23 soldier army"],
    );
    check(
        "At least a dozen civilians were wounded, medics said.",
        &["injured at_least 12 civilian medics"],
    );
    check(
        "Dozens of people were killed in the clashes.",
        &["killed vague 24 person -"],
    );
    check(
        "The war has displaced 1.2 million people.",
        &["displaced exact 1200000 person -"],
    );
    check(
        "Some 80 000 refugees fled the city.",
        &["displaced about 80000 migrant -"],
    );
}

#[test]
fn qualifiers_bind_only_the_number_they_precede() {
    check(
        "The attack killed at least 80 people and wounded 100, officials said.",
        &[
            "killed at_least 80 person officials",
            "injured exact 100 - officials",
        ],
    );
    check(
        "Up to 300 people are missing after the flood.",
        &["missing up_to 300 person -"],
    );
    check(
        "Between 20 and 30 people were abducted.",
        &["kidnapped range 20 person -"],
    );
}

#[test]
fn subsets_others_and_revised_tolls() {
    // The 40 others are other people, as the 25 are, not other children.
    check(
        "The strike killed 25 people, including five children, and wounded 40 others, the health ministry said.",
        &["killed exact 25 person health ministry", "killed exact 5 child health ministry", "injured exact 40 person health ministry"],
    );
    check(
        "The death toll has risen to 12, police said.",
        &["killed exact 12 - police"],
    );
}

#[test]
fn active_passive_and_headlines() {
    // FA-KES (Syrian-war reports) style: headline, no commas.
    check(
        "Suicide bombing kills at least 16 in northeast Syria.",
        &["killed at_least 16 - -"],
    );
    check("Syrian tanks shelled the central city of Hama Monday killing four civilians residents said.", &["killed exact 4 civilian residents"]);
    check(
        "Security forces detained 45 protesters on Friday.",
        &["detained exact 45 protester -"],
    );
    check(
        "Gunmen kidnapped three journalists near the border.",
        &["kidnapped exact 3 journalist -"],
    );
    check("Nine people remain missing.", &["missing exact 9 person -"]);
    check(
        "More than 500 were killed or wounded.",
        &["casualties more_than 500 - -"],
    );
}

#[test]
fn hard_negatives() {
    for text in [
        "No one was hurt in the blast.",
        "The government deployed 3,000 troops to the border.",
        "The company employs around 230 people.",
        "The plan will cost $2.5 million.",
        "Barcelona beat Madrid 3-1 on Sunday.",
        "A crowd of 10,000 people gathered in the square.",
        "The militia lost 12 tanks and 40 vehicles.",
        "He was 76 years old when he died.",
        "The ceasefire took effect on January 12.",
        "The siege lasted 18 months.",
        "Prices rose 5 percent in 2019.",
        "The insurer raised its casualty reserves by 200 million.",
    ] {
        check(text, &[]);
    }
}

#[test]
fn no_panic_on_arbitrary_text() {
    let pieces = [
        "killed",
        "1,000",
        "at least",
        "more than",
        " ",
        "“",
        "”",
        "\n",
        "dead",
        "people",
        "Çavuşoğlu",
        "\u{301}",
        "🙂",
        "between",
        "and",
        "-",
        "thousands",
        "of",
        "according to",
        ".",
        ",",
    ];
    for text in testing::random_texts(0x2545_f491_4f6c_dd1d, 2_000, 30, &pieces) {
        let doc = testing::annotate(&text, None);
        let _ = figures(&doc);
    }
}

/// A sentence of ReCOVery by its article and character offsets: the corpus
/// is CC BY-NC-SA and stays in ../shared, so its text is not copied here.
/// `None` (and a "skipped" line) without ../shared.
fn recovery(doc: &str, start: usize, end: usize) -> Option<String> {
    static TEXTS: std::sync::OnceLock<Option<std::collections::HashMap<String, String>>> =
        std::sync::OnceLock::new();
    let texts = TEXTS.get_or_init(|| {
        testing::shared_corpus("recovery-covid19.jsonl.gz")
            .map(|docs| docs.into_iter().map(|d| (d.id, d.text)).collect())
    });
    let text = texts.as_ref()?.get(doc)?;
    Some(text.chars().skip(start).take(end - start).collect())
}

#[test]
fn covid_counts_of_cases_are_not_victims() {
    // A count of cases or infections beside a count of deaths.
    let cases = [
        // Confirmed cases and deaths, side by side.
        (
            "recovery-66fe3254b407",
            511,
            602,
            vec!["killed exact 392 - -"],
        ),
        // The same, with "had".
        (
            "recovery-dc5c26324689",
            12227,
            12288,
            vec!["killed exact 289 - -"],
        ),
        // New cases and deaths, then a total number of infections and a
        // total of deaths, both reported by "Officials in Italy".
        (
            "recovery-a4444facfb2a",
            1592,
            1768,
            vec![
                "killed exact 368 - Officials in Italy",
                "killed about 1800 - Officials in Italy",
            ],
        ),
    ];
    for (doc, start, end, expected) in cases {
        let Some(text) = recovery(doc, start, end) else {
            return;
        };
        check(&text, &expected);
    }
}

#[test]
fn lost_their_lives() {
    // FA-KES.
    check(
        "At least 50 people have lost their lives and 100 others sustained injuries in twin bomb attacks targeting a residential neighborhood in Syrias western city of Homs.",
        &["killed at_least 50 person -", "injured exact 100 person -"],
    );
    let cases = [
        // So many patients out of so many lost their lives: the whole of a
        // proportion is not a count of victims.
        (
            "recovery-d98f0545ceda",
            361,
            455,
            vec!["killed exact 151 patient -"],
        ),
        // "at least N of whom had lost their lives", attributed to MSF.
        (
            "recovery-b8c801c16053",
            1389,
            1542,
            vec!["killed at_least 68 - MSF"],
        ),
        // Livelihoods lost are not lives.
        ("recovery-bee484b5d7fd", 1415, 1565, vec![]),
    ];
    for (doc, start, end, expected) in cases {
        let Some(text) = recovery(doc, start, end) else {
            return;
        };
        check(&text, &expected);
    }
}

#[test]
fn lives_claimed_lists_that_change_verb_and_reporters() {
    // FA-KES, Ahram Online: "cost the lives of" counts the dead, and the
    // list goes on with them.
    check(
        "The two-week-old battle for Zabadani has cost the lives of at least 63 rebels and 21 Hezbollah fighters according to the Observatory which has not given a toll for the army.",
        &[
            "killed at_least 63 rebel Observatory",
            "killed exact 21 fighter Observatory",
        ],
    );
    // FA-KES, SANA: before, the 3 children took the verb after them and were counted injured.
    check(
        "A source at Aleppo Police Command told SANA reporter that three of the shells fell in al-Sulaimaniyeh neighborhood claiming the lives of 3 children and injuring 17 people some of them are in critical situation.",
        &[
            "killed exact 3 child Aleppo Police Command",
            "injured exact 17 person Aleppo Police Command",
        ],
    );
    // ReCOVery: the recovered are no victims, though their number follows the dead's.
    check(
        "For the time being, the new disease has claimed the lives of 198 people, 1,986 people recovered.",
        &["killed exact 198 person -"],
    );
    // FA-KES, SANA: "43 others were injured" has a verb of its own.
    check(
        "Later in the evening SANA reporter said that 4 people were killed including 3 children and 43 others were injured in rocket shells fired by the terrorist organizations on the neighborhoods of Maisaloun and al-Jabiryieh in Aleppo City.",
        &[
            "killed exact 4 person SANA reporter",
            "killed exact 3 child SANA reporter",
            "injured exact 43 person SANA reporter",
        ],
    );
    // FA-KES headline, SANA.
    check(
        "16 October 2016 Three killed including 2 women 29 injured in terrorist rocket attacks in Aleppo city.",
        &[
            "killed exact 3 - -",
            "killed exact 2 woman -",
            "injured exact 29 - -",
        ],
    );
    // Reporters speak, and the adverb that opens the sentence is not theirs.
    check(
        "Later SANAs correspondent in Aleppo said that 3 people were killed and 4 others were injured due to rocket shells fired by terrorist groups on Salah-Eddin neighborhood in the city.",
        &[
            "killed exact 3 person SANAs correspondent in Aleppo",
            "injured exact 4 person SANAs correspondent in Aleppo",
        ],
    );
    check(
        "Meanwhile state news agency SANA said artillery fire killed two people and wounded nine others in the Bab Sharqi area of Old Damascus.",
        &[
            "killed exact 2 person state news agency SANA",
            "injured exact 9 person state news agency SANA",
        ],
    );
    // Lives saved are no deaths.
    check(
        "The group are believed to have saved the lives of more than 100000 Syrians in bombings.",
        &[],
    );
}
