//! Expectations read off the bundled articles (issue list) and other real sentences.

use newslens_core::testing;

use crate::timex::timexes;

/// The (text, value) pairs of the timexes in `text` published on `published`.
fn tagged(text: &str, published: &str) -> Vec<(String, String)> {
    let doc = testing::annotate(text, Some(published));
    timexes(&doc)
        .into_iter()
        .map(|t| (doc.slice(t.span).to_string(), t.value))
        .collect()
}

/// Checks that `text` holds a timex `surface` with `value` (and maybe others).
fn check(text: &str, published: &str, surface: &str, value: &str) {
    let found = tagged(text, published);
    assert!(
        found.iter().any(|(s, v)| s == surface && v == value),
        "{surface:?} = {value} not in {found:?} ({text:?})"
    );
}

fn seed(id: &str) -> Vec<(String, String)> {
    let doc = testing::bundled(id);
    timexes(&doc)
        .into_iter()
        .map(|t| (doc.slice(t.span).to_string(), t.value))
        .collect()
}

fn has(found: &[(String, String)], surface: &str, value: &str) -> bool {
    found.iter().any(|(s, v)| s == surface && v == value)
}

#[test]
fn seed_000_the_national() {
    let f = seed("000");
    for (s, v) in [
        ("Wednesday", "2020-02-19"),
        ("A day earlier", "2020-02-18"),
        ("January", "2020-01"),
        ("last month", "2020-01"),
        ("Tuesday", "2020-02-18"),
        ("last April", "2019-04"),
        ("February 26", "2020-02-26"),
        ("this month", "2020-02"),
        ("2011", "2011"),
        ("Monday", "2020-02-17"),
    ] {
        assert!(has(&f, s, v), "000: {s} = {v} not in {f:?}");
    }
}

#[test]
fn seed_001_south_front() {
    let f = seed("001");
    for (s, v) in [
        ("February 19th", "2020-02-19"),
        ("January 13", "2020-01-13"),
        ("February 18th", "2020-02-18"),
        ("February 19", "2020-02-19"),
    ] {
        assert!(has(&f, s, v), "001: {s} = {v} not in {f:?}");
    }
}

#[test]
fn seed_002_telesur() {
    let f = seed("002");
    for (s, v) in [
        ("Tuesday", "2020-02-18"),
        ("Wednesday", "2020-02-19"),
        ("last month", "2020-01"),
        ("Jan. 19", "2020-01-19"),
        ("Sunday", "2020-02-16"),
        ("Monday", "2020-02-17"),
    ] {
        assert!(has(&f, s, v), "002: {s} = {v} not in {f:?}");
    }
}

#[test]
fn seed_003_news_agencies() {
    let f = seed("003");
    for (s, v) in [
        ("Tuesday", "2020-01-14"),
        ("Monday", "2020-01-13"),
        ("early Tuesday", "2020-01-14"),
        ("midnight Sunday", "2020-01-12T24:00"),
        ("Saturday", "2020-01-11"),
        ("last week", "2020-W02"),
        ("later this month", "2020-01"),
        ("the weekend", "2020-W02-WE"),
        ("nine months", "P9M"),
    ] {
        assert!(has(&f, s, v), "003: {s} = {v} not in {f:?}");
    }
}

#[test]
fn seed_004_hurriyet() {
    let f = seed("004");
    for (s, v) in [
        ("June 20", "2020-06-20"),
        ("June 17", "2020-06-17"),
        ("early this month", "2020-06"),
        ("last January", "2020-01"),
        ("last year", "2019"),
        ("2016", "2016"),
        ("2015", "2015"),
        ("the coming days", "FUTURE_REF"),
    ] {
        assert!(has(&f, s, v), "004: {s} = {v} not in {f:?}");
    }
}

#[test]
fn durations_and_non_dates() {
    check(
        "The LNA has been fighting off a ten-month-long offensive over the capital.",
        "2020-02-19",
        "ten-month-long",
        "P10M",
    );
    // "May" the verb, "March" the noun, money, percentages, ages, counts.
    for text in [
        "Talks may resume soon after the ceasefire.",
        "The march on Tripoli stalled.",
        "Donations: 2,500 $ and 5,000 $.",
        "Haftar's forces have purged 90% of the country.",
        "A 76-year-old former Gaddafi loyalist turned defector.",
        "The mission employs around 230 people.",
    ] {
        let found = tagged(text, "2020-02-19");
        let dates: Vec<_> = found
            .iter()
            .filter(|(_, v)| v.starts_with(|c: char| c.is_ascii_digit()) || v.starts_with("XXXX"))
            .collect();
        assert!(dates.is_empty(), "{text}: {found:?}");
    }
}

#[test]
fn real_newswire_sentences() {
    // Reuters / AP style sentences, read by hand.
    check(
        "The company said Friday that third-quarter profit fell 5%.",
        "1989-11-02",
        "Friday",
        "1989-10-27",
    );
    check(
        "The company said Friday that third-quarter profit fell 5%.",
        "1989-11-02",
        "third-quarter",
        "1989-Q3",
    );
    check(
        "Talks are scheduled to resume next Tuesday in Geneva.",
        "2020-02-19",
        "next Tuesday",
        "2020-02-25",
    );
    check(
        "The vote will be held on Thursday.",
        "2020-02-19",
        "Thursday",
        "2020-02-20",
    );
    check(
        "Sales rose 3% from a year earlier.",
        "1998-01-08",
        "a year earlier",
        "1997",
    );
    check(
        "The strike began three days ago.",
        "2020-02-19",
        "three days ago",
        "2020-02-16",
    );
    check(
        "Inflation has been rising for months.",
        "2020-02-19",
        "months",
        "PXM",
    );
    check(
        "The council meets every week.",
        "2020-02-19",
        "every week",
        "P1W",
    );
    check(
        "He has lived in exile since 2011.",
        "2020-02-19",
        "2011",
        "2011",
    );
    check(
        "Prices were lower in the 1990s.",
        "2020-02-19",
        "1990s",
        "199",
    );
}

#[test]
fn the_merged_timeline_of_the_bundled_corpus() {
    let analyzer = crate::build(&newslens_core::AnalyzerSettings::for_tests("timeline")).unwrap();
    let report =
        newslens_core::run::run_analyzer(analyzer.as_ref(), &testing::bundled_corpus(), None)
            .unwrap();
    let timeline = report.table("timeline").unwrap();
    let row_for = |date: &str, needle: &str| {
        timeline
            .rows
            .iter()
            .find(|r| {
                crate::text(timeline, r, "date") == date
                    && crate::text(timeline, r, "reports").contains(needle)
            })
            .map(|r| crate::text(timeline, r, "sources"))
            .unwrap_or_else(|| panic!("no {date} row with {needle}"))
    };
    // The Moscow talks of 2020-01-13: four outlets.
    let moscow = row_for("2020-01-13", "January 13");
    for outlet in [
        "South Front",
        "News Agencies",
        "The National",
        "teleSUR English",
    ] {
        assert!(
            moscow.contains(outlet),
            "Moscow talks lack {outlet}: {moscow}"
        );
    }
    // The port attack and the GNA leaving Geneva on 2020-02-18.
    let port = row_for("2020-02-18", "February 18th");
    for outlet in ["South Front", "The National", "teleSUR English"] {
        assert!(port.contains(outlet), "2020-02-18 lacks {outlet}: {port}");
    }
    // Shoigu meets Haftar on 2020-02-19.
    let meeting = row_for("2020-02-19", "February 19th");
    for outlet in ["South Front", "The National", "teleSUR English"] {
        assert!(
            meeting.contains(outlet),
            "2020-02-19 lacks {outlet}: {meeting}"
        );
    }
}

#[test]
fn no_panic_on_arbitrary_text() {
    let mut state = 0x1234_5678_9abc_def1u64;
    let pieces = [
        "Monday",
        "last",
        "month",
        "2020",
        "-",
        "12",
        "Jan",
        ".",
        "19",
        " ",
        "the",
        "weekend",
        "a",
        "day",
        "earlier",
        "ten-month-long",
        "May",
        "Çavuşoğlu",
        "🙂",
        "\n",
        "every",
        "quarter",
        "third-quarter",
        "ago",
    ];
    for _ in 0..2_000 {
        let mut text = String::new();
        for _ in 0..(state % 25) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            text.push_str(pieces[(state % pieces.len() as u64) as usize]);
            text.push(if state.is_multiple_of(3) {
                ' '
            } else {
                '\u{a0}'
            });
        }
        for published in [Some("2020-02-29"), None] {
            let doc = testing::annotate(&text, published);
            let _ = timexes(&doc);
        }
    }
}
