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

/// Checks that `text` holds no timex with `surface`.
fn check_none(text: &str, published: &str, surface: &str) {
    let found = tagged(text, published);
    assert!(
        !found.iter().any(|(s, _)| s == surface),
        "{surface:?} should not be a timex in {found:?} ({text:?})"
    );
}

#[test]
fn earnings_reports_count_back_from_the_quarter_in_focus() {
    let text = "Net income rose 8% in the third quarter. A year earlier, the company \
                earned $2.1 million. Sales in the year-ago quarter were flat.";
    check(text, "1989-10-26", "the third quarter", "1989-Q3");
    check(text, "1989-10-26", "A year earlier", "1988-Q3");
    check(text, "1989-10-26", "the year-ago quarter", "1988-Q3");
    // With no quarter in view, "a year earlier" is the year before.
    check(
        "Sales rose 3% from a year earlier.",
        "1998-01-08",
        "a year earlier",
        "1997",
    );
    check(
        "Profit in this year's third quarter doubled.",
        "1989-11-01",
        "this year's third quarter",
        "1989-Q3",
    );
    check(
        "The company lost money in the third quarter of 1984.",
        "1989-10-27",
        "the third quarter of 1984",
        "1984-Q3",
    );
    // In January, "the fourth quarter" is the one just ended.
    check(
        "Earnings for the fourth quarter fell.",
        "1998-01-26",
        "the fourth quarter",
        "1997-Q4",
    );
}

#[test]
fn clock_times_holidays_and_datelines() {
    check(
        "The relatives have until 9 a.m. Tuesday to sign the paper.",
        "2000-04-03",
        "9 a.m. Tuesday",
        "2000-04-04T09:00",
    );
    check(
        "The New York Times said in an editorial on Saturday, April 25:",
        "1998-04-24",
        "Saturday, April 25",
        "1998-04-25",
    );
    check(
        "It had been due to expire Friday evening.",
        "1989-10-30",
        "Friday evening",
        "1989-10-27TEV",
    );
    check(
        "Elian was found on Thanksgiving Day clinging to an inner tube.",
        "2000-01-06",
        "Thanksgiving Day",
        "1999-11-25",
    );
    check(
        "Stores will close on Memorial Day.",
        "2020-05-20",
        "Memorial Day",
        "2020-05-25",
    );
    check(
        "Easter 2020 was quiet.",
        "2020-05-01",
        "Easter 2020",
        "2020-04-12",
    );
    // FA-KES datelines (Abu Salem et al., ICWSM 2019; CC BY 4.0): day first.
    check(
        "01.02.2015 A bus blast in Damascus central district killed at least six people.",
        "2015-02-01",
        "01.02.2015",
        "2015-02-01",
    );
    check(
        "Tue 05 Jul 2016 Suicide bombing kills at least 16 in northeast Syria.",
        "2016-07-05",
        "Tue 05 Jul 2016",
        "2016-07-05",
    );
    check_none("The Sun reported the raid.", "2016-07-05", "Sun");
    check(
        "16-11-2014 title: ISIL Claims Beheading of 18 Syrians US Aid Worker.",
        "2014-11-16",
        "16-11-2014",
        "2014-11-16",
    );
    check(
        "Dozens of shells fell overnight Wednesday and into Thursday morning on Fuaa and Kafraya.",
        "2015-07-16",
        "overnight Wednesday",
        "2015-07-15TNI",
    );
    check(
        "Syria was hit by a violent unrest since mid-March 2011.",
        "2013-08-17",
        "mid-March 2011",
        "2011-03",
    );
}

#[test]
fn lengths_rates_and_vague_times() {
    check_none(
        "Mr. Schwarz, 52 years old, will succeed him.",
        "1989-10-26",
        "52 years",
    );
    check(
        "The unit sends $1 billion a year in remittances.",
        "2000-02-24",
        "a year",
        "P1Y",
    );
    check(
        "The firm must wait at least 30 days before closing the purchase.",
        "1989-10-27",
        "at least 30 days",
        "P30D",
    );
    check(
        "The cargo spent 10-hour days at sea.",
        "1998-03-06",
        "10-hour",
        "PT10H",
    );
    check(
        "It missed the large majority of tests over the past several months.",
        "2020-05-17",
        "the past several months",
        "PXM",
    );
    check(
        "The sandlot games went away decades ago.",
        "2020-05-14",
        "decades ago",
        "PAST_REF",
    );
    check(
        "Hate groups dwindled through the nineties.",
        "1998-03-03",
        "the nineties",
        "199",
    );
    check(
        "Unemployment is the lowest for almost two decades.",
        "1998-02-06",
        "almost two decades",
        "P20Y",
    );
    check(
        "The ratification process began in February this year.",
        "1998-12-03",
        "February this year",
        "1998-02",
    );
    // "recent" and "previously" order events; they name no time.
    check_none(
        "The recent sale of the unit helped.",
        "1989-10-30",
        "recent",
    );
    check(
        "The company will complete the transaction by year-end.",
        "1989-11-02",
        "year-end",
        "1989",
    );
    check(
        "Rival brewers offered discounts over the summer.",
        "1989-10-26",
        "the summer",
        "1989-SU",
    );
    check(
        "Harassment had become routine over the past decade.",
        "1998-10-25",
        "the past decade",
        "P10Y",
    );
    check(
        "They hurt market makers more painfully these days.",
        "1989-10-30",
        "these days",
        "PRESENT_REF",
    );
    check(
        "They will have to live without power for a while.",
        "1998-01-11",
        "a while",
        "PXX",
    );
    check_none(
        "Iraq imports about three-quarters of its food.",
        "1990-08-16",
        "three-quarters",
    );
    check_none("It is the case for today's youth.", "2000-01-07", "today");
    // A length counted from an event is a length; from a date, a date.
    check(
        "The strikes came a day after the coalition opened an inquiry.",
        "2016-07-30",
        "a day",
        "P1D",
    );
    check(
        "Sales fell by 75 percent since the fall.",
        "2020-05-17",
        "the fall",
        "2019-FA",
    );
    check(
        "Schools are not sure they will reopen in the fall.",
        "2020-05-17",
        "the fall",
        "2020-FA",
    );
    check_none(
        "After the fall of the Soviet Union, the orthodoxy changed.",
        "2020-05-17",
        "the fall",
    );
}

#[test]
fn the_merged_timeline_of_the_bundled_corpus() {
    let analyzer = crate::build(&newslens_core::AnalyzerSettings::for_tests("timeline")).unwrap();
    let report =
        newslens_core::run::run_analyzer(analyzer.as_ref(), &testing::bundled_corpus(), None)
            .unwrap();
    let timeline = report.table("timeline").unwrap();
    // One outlet may date two events of a day alike ("February 18th" for the
    // GNA leaving the talks and for the talks' start): the row with the most
    // outlets is the event the others report.
    let row_for = |date: &str, needle: &str| {
        timeline
            .rows
            .iter()
            .filter(|r| {
                crate::text(timeline, r, "date") == date
                    && crate::text(timeline, r, "reports").contains(needle)
            })
            .max_by_key(|r| timeline.cell(r, "outlets").and_then(|v| v.as_i64()))
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
    // EU ministers agree on the naval mission on 2020-02-17: The National
    // writes "EU", teleSUR "European Union", so the reports share no name,
    // only many of the clause's rarer words.
    let mission = row_for("2020-02-17", "Monday");
    for outlet in ["The National", "teleSUR English"] {
        assert!(
            mission.contains(outlet),
            "2020-02-17 lacks {outlet}: {mission}"
        );
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
        "01.02",
        ".2015",
        "16-11-2014",
        "9",
        ":",
        "p.m.",
        "EST",
        "noon",
        "Easter",
        "Memorial",
        "Day",
        ",",
        "nineteen",
        "ninety-six",
        "'",
        "80s",
        "16th",
        "century",
        "mid-March",
        "year",
        "'s",
        "year-ago",
        "that",
        "decades",
        "overnight",
        "Thanksgiving",
    ];
    for _ in 0..2_000 {
        let mut text = String::new();
        for _ in 0..(state % 25) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            // Now and then an arbitrary code point instead of a word.
            if state.is_multiple_of(7) {
                text.extend(char::from_u32((state >> 11) as u32 % 0x11_0000));
            } else {
                text.push_str(pieces[(state % pieces.len() as u64) as usize]);
            }
            text.push(if state.is_multiple_of(3) {
                ' '
            } else {
                '\u{a0}'
            });
        }
        // The calendar's edges too: "next year" after 9999 has no date.
        for published in [
            Some("2020-02-29"),
            Some("0001-01-01"),
            Some("9999-12-31"),
            None,
        ] {
            let doc = testing::annotate(&text, published);
            let found = timexes(&doc);
            // The summaries' clause rules on the same text.
            let _ = crate::events::events(&doc, &found);
        }
    }
}

/// The summary of the event that the timex written `written` anchors in `doc`.
fn summary_in(doc: &newslens_core::AnnotatedDoc, written: &str, nth: usize) -> String {
    let table = crate::events::events(doc, &timexes(doc));
    let rows: Vec<_> = table
        .rows
        .iter()
        .filter(|r| crate::text(&table, r, "written") == written)
        .collect();
    let row = rows
        .get(nth)
        .unwrap_or_else(|| panic!("no event {nth} written {written:?} in {}", doc.id()));
    crate::text(&table, row, "summary")
}

/// Checks the summary of the event `written` anchors in `text`.
fn check_summary(text: &str, published: &str, written: &str, expected: &str) {
    let doc = testing::annotate(text, Some(published));
    assert_eq!(summary_in(&doc, written, 0), expected, "{text:?}");
}

#[test]
fn summaries_of_the_bundled_articles() {
    for (id, written, nth, expected) in [
        // "launched his offensive on Tripoli last April but after ...": the
        // clause ends at "but"; "on Tripoli" is no date.
        ("000", "last April", 0, "Field Marshal Haftar launched his offensive on Tripoli"),
        ("000", "February 26", 0, "Further talks were planned to start in Geneva to find a political solution"),
        ("000", "2011", 0, "a Nato-backed uprising killed longtime dictator Muammar Qaddafi"),
        ("000", "January", 0, "the important role of talks held in Moscow"),
        ("000", "last month", 0, "terms agreed to at an international summit in Berlin"),
        ("000", "January", 1, "The shaky truce came into effect"),
        ("000", "this month", 0, "A first round of talks ended with no result"),
        // Reported speech: "X said ... that Y" is "X said Y".
        ("000", "Wednesday", 1, "The UN Support Mission in Libya said in a statement it hoped the talks could resume"),
        ("000", "Tuesday", 2, "UN Libya envoy Ghassan Salame launched a second round of talks in Geneva"),
        ("001", "February 19th", 0, "Russian Defense Minister Sergey Shoigu met with Field Marshal Khalifa Haftar"),
        ("001", "February 18th", 1, "The talks that fell through began"),
        ("001", "February", 0, "The first round that took place led to nothing"),
        ("001", "January 13", 1, "The important role of the talks held in Moscow was noted to establish a ceasefire and start the process"),
        ("002", "Wednesday", 0, "Libya’s U.N.-recognised government dashed hopes of quickly reviving United Nations’ ceasefire negotiations"),
        ("002", "Tuesday", 0, "The Tripoli government left the ceasefire talks"),
        ("003", "early Tuesday", 0, "Haftar’s Libyan National Army said on Twitter"),
        ("003", "last week", 0, "President Vladimir Putin and Turkish counterpart Recep Tayyip Erdogan jointly called for a truce in Istanbul"),
        ("003", "2011", 0, "the NATO-backed ouster of Muammar Qaddafi"),
        ("003", "Monday", 2, "Erdogan reiterated the urgent necessity for a permanent agreement"),
        ("003", "Monday", 4, "French President Emmanuel Macron called for a credible, lasting and verifiable truce"),
        ("004", "the weekend", 1, "Çavuşoğlu reiterated the best way to end the conflict in Libya is a political solution"),
        ("004", "last year", 0, "Haftar has been battling to take the capital Tripoli"),
        ("004", "that year", 0, "a political agreement reached in Morocco"),
        ("004", "2016", 0, "The hometown of Gaddafi was a stronghold of the ISIL, before being taken over by the GNA"),
        ("004", "June 17", 0, "A high-level Turkish delegation including Kalın, the foreign minister, and intelligence chief visited Tripoli"),
        ("004", "June 20", 0, "a statement issued by the Russian Foreign Ministry"),
    ] {
        let doc = testing::bundled(id);
        assert_eq!(summary_in(&doc, written, nth), expected, "{id} {written} #{nth}");
    }
}

#[test]
fn summaries_of_general_english() {
    for (text, written, expected) in [
        ("The company said on Monday that it would cut 500 jobs.", "Monday", "The company said it would cut 500 jobs"),
        ("Protesters gathered outside parliament on Friday, demanding the minister's resignation.", "Friday", "Protesters gathered outside parliament"),
        ("On March 3, the court rejected the appeal.", "March 3", "the court rejected the appeal"),
        ("The bridge, which opened in 1932, was closed for repairs.", "1932", "The bridge opened"),
        ("The minister resigned last week after the report was published.", "last week", "The minister resigned"),
        ("Police arrested two men late on Saturday.", "Saturday", "Police arrested two men"),
        // The date's possessive goes with it.
        ("Tuesday’s vote was postponed until the spring.", "Tuesday", "vote was postponed until the spring"),
        ("Last year's harvest was the worst in a decade.", "Last year", "harvest was the worst in a decade"),
        ("The technique was developed in the 1920’s and later abandoned.", "1920", "The technique was developed"),
    ] {
        check_summary(text, "2020-03-10", written, expected);
    }
}

#[test]
fn summaries_of_fakes_syria_sentences() {
    // Excerpts of FA-KES reports (CC BY 4.0), which often lack commas.
    for (text, published, written, expected) in [
        (
            "Syrian activists accused President Bashar al-Assads forces of launching a nerve gas attack that killed at least 213 people on Wednesday in what would if confirmed be by far the worst reported use of poison gas in the two-year-old civil war.",
            "2013-08-21",
            "Wednesday",
            "a nerve gas attack killed at least 213 people",
        ),
        (
            "Camp residents told Reuters that the attack took place on Wednesday with two barrel bombs dropped from an army helicopter.",
            "2014-10-31",
            "Wednesday",
            "the attack took place with two barrel bombs dropped from an army helicopter",
        ),
        (
            "The war in Syria which started in March 2011 with pro-democracy protests but rapidly grew into a horrific civil war has caused the death of more than 200000 people and at least 60000 are missing.",
            "2014-10-31",
            "March 2011",
            "The war in Syria started with pro-democracy protests",
        ),
        (
            "In 1988 3000 to 5000 Iraqi Kurds were gassed by Saddam Husseins forces at Halabja.",
            "2013-08-21",
            "1988",
            "3000 to 5000 Iraqi Kurds were gassed by Saddam Husseins forces at Halabja",
        ),
        (
            "The U.N. Security Council of which Britain and France are permanent members will hold an emergency meeting at 1900 GMT to discuss the alleged attack.",
            "2013-08-21",
            "1900",
            "The U.N. Security Council of which Britain and France are permanent members will hold an emergency meeting to discuss the alleged attack",
        ),
        // The article before a date left out agrees with the word after it.
        (
            "U.S. forces appear to have failed to take necessary precautions to avoid civilian casualties in a March 16 airstrike that killed dozens of people in the northern Syrian province of Aleppo.",
            "2017-04-18",
            "March 16",
            "U.S. forces appear to have failed to take necessary precautions to avoid civilian casualties in an airstrike",
        ),
    ] {
        check_summary(text, published, written, expected);
    }
}

#[test]
fn summaries_of_recovery_articles() {
    // ReCOVery is CC BY-NC-SA: its text stays out of the repository, so the
    // sentences are found by document id.
    let Some(docs) = testing::shared_corpus("recovery-covid19.jsonl.gz") else {
        return;
    };
    for (id, written, expected) in [
        // "Facebook shut down one of its Seattle offices after ..., and asked
        // the company’s 5,000 Seattle-based employees to work from home until March 31st."
        ("recovery-bca0259f496f", "March 31st", "Facebook asked the company’s 5,000 Seattle-based employees to work from home"),
        ("recovery-f87abf1761a4", "last week", "the space agency wanted to do a wide-scale test of its telework capabilities"),
        ("recovery-f87abf1761a4", "Sunday", "NASA’s Ames Research Center in Silicon Valley announced it was restricting access to its facilities"),
        ("recovery-071da968c099", "January", "Fear of the outbreaks already led to a drop in passenger demand"),
    ] {
        let Some(doc) = docs.iter().find(|d| d.id == id) else {
            panic!("{id} not in the corpus");
        };
        let doc = testing::annotate_doc(doc.clone());
        assert_eq!(summary_in(&doc, written, 0), expected, "{id} {written}");
    }
}

/// No summary opens on a conjunction, a relative pronoun or a bare
/// possessive, or ends on a word that needs another after it.
#[test]
fn summaries_start_and_end_on_whole_phrases() {
    let mut docs = testing::bundled_corpus();
    // The five bundled articles have 59 dated events; FA-KES adds many more.
    let mut enough = 50;
    if let Some(fakes) = testing::shared_corpus("fakes-syria.jsonl.gz") {
        docs.extend(fakes.into_iter().take(200).map(testing::annotate_doc));
        enough = 60;
    }
    let opening = ["and", "but", "or", "which", "who", "whom", "’s", "'s"];
    let closing = [
        "the", "a", "an", "of", "to", "in", "on", "at", "by", "for", "with", "from", "and", "or",
        "but", "that", "which", "who", "’s", "'s",
    ];
    let mut checked = 0;
    for doc in &docs {
        let table = crate::events::events(doc, &timexes(doc));
        for row in &table.rows {
            let summary = crate::text(&table, row, "summary");
            let words: Vec<String> = summary
                .split_whitespace()
                .map(|w| w.to_lowercase())
                .collect();
            let (Some(first), Some(last)) = (words.first(), words.last()) else {
                continue;
            };
            assert!(
                !opening.contains(&first.as_str()),
                "{}: {summary:?}",
                doc.id()
            );
            assert!(
                !closing.contains(&last.as_str()),
                "{}: {summary:?}",
                doc.id()
            );
            checked += 1;
        }
    }
    assert!(checked >= enough, "only {checked} summaries");
}

/// The merged timeline of the bundled corpus: (date, reports) of each row.
fn bundled_timeline() -> Vec<(String, String)> {
    let analyzer = crate::build(&newslens_core::AnalyzerSettings::for_tests("timeline")).unwrap();
    let report =
        newslens_core::run::run_analyzer(analyzer.as_ref(), &testing::bundled_corpus(), None)
            .unwrap();
    let timeline = report.table("timeline").unwrap();
    timeline
        .rows
        .iter()
        .map(|r| {
            (
                crate::text(timeline, r, "date"),
                crate::text(timeline, r, "reports"),
            )
        })
        .collect()
}

#[test]
fn the_merge_keeps_different_events_apart() {
    let rows = bundled_timeline();
    let row = |date: &str, needle: &str| {
        rows.iter()
            .find(|(d, r)| d == date && r.contains(needle))
            .map(|(_, r)| r.clone())
            .unwrap_or_else(|| panic!("no {date} row with {needle}: {rows:?}"))
    };
    // Haftar's army on Twitter (003, 2020-01-14) and Sirte falling to
    // Haftar's camp "last January" (004) share only a party.
    let twitter = row("2020-01-14", "early Tuesday");
    assert!(!twitter.contains("Hürriyet"), "{twitter}");
    // On 2020-02-19 UNSMIL's statement (000, 002) is not the Shoigu-Haftar
    // meeting (000, 001, 002).
    let meeting = row("2020-02-19", "February 19th");
    let unsmil = row("2020-02-19", "The National: \"Wednesday\"");
    assert!(meeting.contains("teleSUR") && meeting.contains("The National"));
    let statement = rows
        .iter()
        .filter(|(d, r)| d == "2020-02-19" && !r.contains("February 19th"))
        .find(|(_, r)| r.contains("teleSUR") && r.contains("The National"))
        .map(|(_, r)| r.clone())
        .unwrap_or_else(|| panic!("UNSMIL's statement in two outlets: {unsmil}"));
    assert!(!statement.contains("South Front"), "{statement}");
    // "World leaders had agreed at a Berlin summit last month" (000) is the
    // Berlin summit of Jan. 19 (002), though its sentence also names the
    // Moscow talks.
    let berlin = row("2020-01-19", "Jan. 19");
    assert!(berlin.contains("The National: \"last month\""), "{berlin}");
    // "the summit was planned for later this month" dates no Monday.
    let said = row("2020-01-13", "News Agencies: \"Monday\"");
    assert!(
        rows.iter()
            .all(|(d, r)| d != "2020-01-13" || !r.contains("later this month")),
        "{said}"
    );
    // The first round of talks, early in February: South Front's "earlier in
    // February" and The National's "this month", apart from 2020-02-18.
    let first_round = row("2020-02", "South Front: \"February\"");
    assert!(
        first_round.contains("The National: \"this month\""),
        "{first_round}"
    );
    // "January 13 of this year" is one date, not a day and a year.
    assert!(rows.iter().all(|(_, r)| !r.contains("\"this year\" (001)")));
}

/// The events of several one-sentence documents, merged.
fn merged(articles: &[(&str, &str, &str)]) -> Vec<(String, String)> {
    let docs: Vec<_> = articles
        .iter()
        .map(|(id, source, text)| {
            testing::annotate_doc(newslens_core::Document {
                id: id.to_string(),
                meta: newslens_core::Meta {
                    source: source.to_string(),
                    published: "2020-03-12".parse().ok(),
                    title: None,
                    url: None,
                },
                text: text.to_string(),
            })
        })
        .collect();
    let analyzer = crate::build(&newslens_core::AnalyzerSettings::for_tests("timeline")).unwrap();
    let report = newslens_core::run::run_analyzer(analyzer.as_ref(), &docs, None).unwrap();
    let timeline = report.table("timeline").unwrap();
    timeline
        .rows
        .iter()
        .map(|r| {
            (
                crate::text(timeline, r, "date"),
                crate::text(timeline, r, "sources"),
            )
        })
        .collect()
}

#[test]
fn the_merge_joins_on_shared_words_not_one_common_one() {
    let rows = merged(&[
        (
            "a",
            "Outlet A",
            "The health ministry confirmed 12 new cases of the virus on Wednesday in Lombardy.",
        ),
        (
            "b",
            "Outlet B",
            "On Wednesday, Lombardy's health ministry reported 12 new virus cases.",
        ),
        (
            "c",
            "Outlet C",
            "Football clubs in Lombardy suspended training on Wednesday.",
        ),
    ]);
    let day: Vec<&(String, String)> = rows.iter().filter(|(d, _)| d == "2020-03-11").collect();
    assert_eq!(day.len(), 2, "{rows:?}");
    assert!(
        day.iter().any(|(_, s)| s == "Outlet A, Outlet B"),
        "{rows:?}"
    );
    assert!(day.iter().any(|(_, s)| s == "Outlet C"), "{rows:?}");
}

/// The groups of a day come from the reports' content, not the order the
/// outlets' rows arrive in (a batch reduce reads shards in any order).
#[test]
fn the_merge_does_not_depend_on_the_order_of_reports() {
    let analyzer = crate::build(&newslens_core::AnalyzerSettings::for_tests("timeline")).unwrap();
    let docs = testing::bundled_corpus();
    let mapped = newslens_core::run::map_all(analyzer.as_ref(), &docs, None).unwrap();
    let events = mapped.table("events").unwrap();
    let forward = crate::merge::timeline(events, 3);
    let mut reversed = events.clone();
    reversed.rows.reverse();
    assert_eq!(crate::merge::timeline(&reversed, 3), forward);
}

/// On busy ReCOVery days unrelated reports no longer chain into one row
/// (issue #5: 35 outlets on one day). ReCOVery text stays out of the
/// repository, so this runs only where the shared corpus is.
#[test]
fn busy_recovery_days_stay_apart() {
    let Some(docs) = testing::shared_corpus("recovery-covid19.jsonl.gz") else {
        return;
    };
    let docs: Vec<_> = docs.into_iter().map(testing::annotate_doc).collect();
    let analyzer = crate::build(&newslens_core::AnalyzerSettings::for_tests("timeline")).unwrap();
    let report = newslens_core::run::run_analyzer(analyzer.as_ref(), &docs, None).unwrap();
    let timeline = report.table("timeline").unwrap();
    let widest = timeline
        .rows
        .iter()
        .filter(|r| crate::text(timeline, r, "precision") == "day")
        .filter_map(|r| timeline.cell(r, "outlets").and_then(|v| v.as_i64()))
        .max()
        .unwrap_or(0);
    assert!(widest <= 12, "a day row with {widest} outlets");
}

/// Reports of one topic on one day ("testing sites closed") share everyday
/// words; reports of one event share its name or figure too (issue #5:
/// ReCOVery rows that joined reports only by topic).
#[test]
fn the_merge_joins_on_a_shared_name_or_figure_not_a_topic() {
    let rows = merged(&[
        (
            "a",
            "Outlet A",
            "On Wednesday, the state's testing sites remained closed because of the storm.",
        ),
        (
            "b",
            "Outlet B",
            "State testing sites were closed on Wednesday, officials said.",
        ),
        (
            "c",
            "Outlet C",
            "Tesla shut down its Fremont plant on Wednesday.",
        ),
        (
            "d",
            "Outlet D",
            "On Wednesday, the carmaker Tesla halted work at the Fremont plant.",
        ),
    ]);
    let day: Vec<&(String, String)> = rows.iter().filter(|(d, _)| d == "2020-03-11").collect();
    assert!(day.iter().any(|(_, s)| s == "Outlet A"), "{rows:?}");
    assert!(day.iter().any(|(_, s)| s == "Outlet B"), "{rows:?}");
    assert!(
        day.iter().any(|(_, s)| s == "Outlet C, Outlet D"),
        "{rows:?}"
    );
}

#[test]
fn timexes_after_the_commonest_first_words() {
    // "the", "a", "that", "new" and "many" try the rules only before some
    // words (`worth_trying`); each phrase here needs one of those words.
    let wednesday = "2020-02-19";
    check(
        "The talks resumed the next day.",
        wednesday,
        "the next day",
        "2020-02-20",
    );
    // In February 2020 the third quarter is 2019's.
    check(
        "Sales rose in the third quarter.",
        wednesday,
        "the third quarter",
        "2019-Q3",
    );
    check(
        "That day, the ministers met.",
        wednesday,
        "That day",
        "2020-02-19",
    );
    check(
        "A few days ago, rockets hit the port.",
        wednesday,
        "A few days ago",
        "PAST_REF",
    );
    check(
        "The fighting paused for a while.",
        wednesday,
        "a while",
        "PXX",
    );
    check(
        "Many years ago, the port was closed.",
        wednesday,
        "Many years ago",
        "PAST_REF",
    );
    check(
        "He spoke on New Year's Day.",
        wednesday,
        "New Year's Day",
        "2020-01-01",
    );
    check(
        "Prices fell in the nineties.",
        wednesday,
        "the nineties",
        "199",
    );
}

/// The tagger runs its rules only at tokens a timex may begin at, and
/// `worth_trying` judges many first words by the word after them: each of
/// these begins at such a word and must still be found; values read off the
/// text, published on Wednesday 19 February 2020.
#[test]
fn expressions_past_the_prefilters() {
    let dct = "2020-02-19";
    for (text, surface, value) in [
        // A compound: kept for its "-quarter", "mid-" or unit.
        (
            "Profits fell in the third-quarter report.",
            "the third-quarter",
            "2019-Q3",
        ),
        ("The talks resumed in mid-March.", "mid-March", "2020-03"),
        ("The ten-month-long siege ended.", "ten-month-long", "P10M"),
        ("Restrictions stay until year-end.", "year-end", "2020"),
        // Number words and digits before a unit or a month.
        (
            "The curfew will last two more weeks.",
            "two more weeks",
            "P2W",
        ),
        ("The emergency lasts 30 days.", "30 days", "P30D"),
        (
            "Talks began on 18 February in Geneva.",
            "18 February",
            "2020-02-18",
        ),
        // First words judged by the next: a part of day, a month, a weekday, a decade.
        (
            "Shelling resumed last night.",
            "last night",
            "2020-02-18TNI",
        ),
        ("The festival is held every July.", "every July", "XXXX-07"),
        (
            "Rockets hit the port early Tuesday.",
            "early Tuesday",
            "2020-02-18",
        ),
        ("Music from the '80s is back.", "'80s", "198"),
        // A month with its capital, after the verb without one.
        ("Officials may meet in May.", "May", "2019-05"),
    ] {
        check(text, dct, surface, value);
    }
    // What the prefilters turn away begins none.
    check_none("COVID-19 cases rose.", dct, "COVID-19");
    check_none("Officials may meet in May.", dct, "may");
    check_none("Officials said this one was different.", dct, "this");
}

/// A summary is written with one space between words, however the text
/// spaced them: copying runs of the text as written must not copy a line
/// break or a double space, nor a mark the summary drops.
#[test]
fn summaries_space_words_once_whatever_the_text_does() {
    let expected = "rockets hit the port of Tripoli";
    check_summary(
        "On Tuesday, rockets hit the port of Tripoli.",
        "2020-02-19",
        "Tuesday",
        expected,
    );
    check_summary(
        "On Tuesday, rockets  hit the\nport of Tripoli.",
        "2020-02-19",
        "Tuesday",
        expected,
    );
    check_summary(
        "On Tuesday, rockets hit \u{201c}the port\u{201d} of Tripoli.",
        "2020-02-19",
        "Tuesday",
        expected,
    );
}

/// A full month name's day at the end of a sentence leaves the sentence's
/// point out of the timex; an abbreviation keeps its own (FA-KES sentences).
#[test]
fn a_sentence_point_after_a_day_and_month_is_not_the_dates() {
    let text = "Turkey began its operation inside Syria dubbed Operation \
                Euphrates Shield on 24 August. The Britain-based Syrian \
                Observatory for Human Rights said these shootings took place \
                on 27 May.";
    let found = tagged(text, "2016-09-01");
    assert!(has(&found, "24 August", "2016-08-24"), "{found:?}");
    assert!(has(&found, "27 May", "2016-05-27"), "{found:?}");
    check(
        "The siege began on 18 Feb. 2016 and lasted weeks.",
        "2016-09-01",
        "18 Feb. 2016",
        "2016-02-18",
    );
}

#[test]
fn a_weekday_takes_the_tense_of_its_own_words() {
    // Shaped on TimeML newswire sentences (../shared/corpora/timeml-train.jsonl.gz,
    // not copied here): a past participle just before the day is the day's,
    // whatever future word comes earlier in the sentence.
    check(
        "The relatives said they would appeal the ruling, announced Wednesday by the agency.",
        "2000-01-06",
        "Wednesday",
        "2000-01-05",
    );
    // But not a participle after "be", nor one that "as soon as" looks ahead from.
    check(
        "The report will be released Tuesday.",
        "2020-02-19",
        "Tuesday",
        "2020-02-25",
    );
    check(
        "Buyers were expected to step in as soon as trading opened Monday.",
        "1989-11-01",
        "Monday",
        "1989-11-06",
    );
    // A day that opens the sentence looks at the verb that follows it.
    check(
        "On Tuesday, the group plans to hold a news conference.",
        "1998-10-26",
        "Tuesday",
        "1998-10-27",
    );
    check(
        "On Friday, when she set aside her vacation plans, the warning was lifted.",
        "1998-08-17",
        "Friday",
        "1998-08-14",
    );
    // A month in a sentence of plans leans forward.
    check(
        "Elections are planned for June.",
        "2020-02-19",
        "June",
        "2020-06",
    );
}

#[test]
fn a_part_of_a_date_is_inside_its_timex() {
    // ReCOVery sentences; TimeML marks the part named with the date it is of.
    for (text, published, surface, value) in [
        (
            "Scientists think this new virus first became capable of jumping to humans at the beginning of December 2019.",
            "2020-01-23",
            "the beginning of December 2019",
            "2019-12",
        ),
        (
            "At the end of December, public health officials from China informed the World Health Organization.",
            "2020-01-23",
            "the end of December",
            "2019-12",
        ),
        (
            "Manufacturing giants like Foxconn are expecting to be back to normal operation by the end of this month.",
            "2020-03-09",
            "the end of this month",
            "2020-03",
        ),
        (
            "The group admits that some of its members travelled from China to South Korea at the end of last year, possibly bringing the virus with them.",
            "2020-03-02",
            "the end of last year",
            "2019",
        ),
        (
            "The ACC, Big East, Big 12, Pac-12 and SEC postponed all competition at least through the end of March.",
            "2020-03-12",
            "the end of March",
            "2020-03",
        ),
    ] {
        check(text, published, surface, value);
    }
    // "the end" alone is no part of a date, and the words before a part stay out.
    let found = tagged(
        "Six shows were to open before the end of March, while nine others were scheduled to open before April 23.",
        "2020-03-12",
    );
    assert_eq!(
        found,
        vec![
            ("the end of March".to_string(), "2020-03".to_string()),
            ("April 23".to_string(), "2020-04-23".to_string()),
        ]
    );
}
