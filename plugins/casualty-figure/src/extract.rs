//! Per-document work: every count of victims in a document, with its kind,
//! qualifier, bounds, group, attribution and period. A pure function of one
//! annotated document.

use newslens_core::text::calendar::{month_of, weekday_of};
use newslens_core::text::{AnnotatedDoc, Number, NumberForm, TokenKind};
use newslens_core::Span;

/// What happened to the people counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Killed,
    Injured,
    Casualties,
    Displaced,
    Missing,
    Kidnapped,
    Detained,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Killed => "killed",
            Kind::Injured => "injured",
            Kind::Casualties => "casualties",
            Kind::Displaced => "displaced",
            Kind::Missing => "missing",
            Kind::Kidnapped => "kidnapped",
            Kind::Detained => "detained",
        }
    }
}

/// How the wording bounds the number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Qualifier {
    Exact,
    AtLeast,
    MoreThan,
    About,
    UpTo,
    Range,
    Vague,
}

impl Qualifier {
    pub fn name(self) -> &'static str {
        match self {
            Qualifier::Exact => "exact",
            Qualifier::AtLeast => "at_least",
            Qualifier::MoreThan => "more_than",
            Qualifier::About => "about",
            Qualifier::UpTo => "up_to",
            Qualifier::Range => "range",
            Qualifier::Vague => "vague",
        }
    }
}

/// One reported count of victims.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    pub kind: Kind,
    pub qualifier: Qualifier,
    /// The number as written, read.
    pub value: f64,
    /// The upper number of a range.
    pub value_high: Option<f64>,
    /// Singular head noun of the victims ("civilian", "person"), if named.
    pub group: Option<String>,
    pub attributed_to: Option<String>,
    pub period: Option<String>,
    /// The number's span (a range covers both numbers).
    pub span: Span,
    pub sentence: Span,
}

impl Figure {
    /// The bounds the wording asserts: (low, high, exact).
    pub fn bounds(&self) -> (Option<f64>, Option<f64>, Option<f64>) {
        let n = self.value;
        match self.qualifier {
            Qualifier::Exact => (Some(n), Some(n), Some(n)),
            Qualifier::AtLeast | Qualifier::MoreThan | Qualifier::Vague => (Some(n), None, None),
            Qualifier::UpTo => (None, Some(n), None),
            Qualifier::Range => (Some(n), self.value_high, None),
            Qualifier::About => (None, None, None),
        }
    }
}

/// Words that name what happened, and where they stand relative to the
/// number: after it ("25 people were killed", "16 dead") or before it
/// ("killing 17", "displaced about 140,000").
fn cue_after(word: &str) -> Option<Kind> {
    Some(match word {
        "killed" | "dead" | "died" | "die" | "deaths" | "death" | "slain" | "fatalities"
        | "bodies" | "massacred" | "executed" | "perished" | "drowned" | "murdered" | "lives"
        | "martyred" | "martyrs" | "kills" => Kind::Killed,
        "injured" | "wounded" | "hurt" | "injuries" | "injuring" | "hospitalised"
        | "hospitalized" => Kind::Injured,
        "casualties" => Kind::Casualties,
        "displaced" | "fled" | "homeless" | "uprooted" | "refugees" | "evacuated" => {
            Kind::Displaced
        }
        "missing" | "unaccounted" => Kind::Missing,
        "kidnapped" | "abducted" | "hostage" | "hostages" => Kind::Kidnapped,
        "detained" | "arrested" | "jailed" | "imprisoned" | "captured" | "detainees"
        | "prisoners" => Kind::Detained,
        _ => return None,
    })
}

fn cue_before(word: &str) -> Option<Kind> {
    Some(match word {
        "slew" | "slaughtered" | "slaying" => Kind::Killed,
        "killing" | "killed" | "kill" | "kills" | "claimed" | "claiming" | "executed"
        | "massacred" => Kind::Killed,
        "wounding" | "wounded" | "injuring" | "injured" | "wounds" | "injures" => Kind::Injured,
        "displacing" | "displaced" | "displaces" | "uprooting" => Kind::Displaced,
        "kidnapping" | "kidnapped" | "abducting" | "abducted" => Kind::Kidnapped,
        "detaining" | "detained" | "arresting" | "arrested" | "capturing" | "captured" => {
            Kind::Detained
        }
        _ => return None,
    })
}

/// Victim nouns, plural or singular, and their singular.
fn group_noun(word: &str) -> Option<&'static str> {
    Some(match word {
        "people" | "persons" | "person" | "individuals" | "individual" => "person",
        "civilians" | "civilian" => "civilian",
        "fighters" | "fighter" | "combatants" | "combatant" => "fighter",
        "soldiers" | "soldier" | "troops" | "servicemen" | "serviceman" => "soldier",
        "children" | "child" | "kids" | "minors" | "infants" | "babies" | "boys" | "girls" => {
            "child"
        }
        "women" | "woman" => "woman",
        "men" | "man" => "man",
        "militants" | "militant" | "jihadists" | "jihadist" | "insurgents" | "insurgent"
        | "terrorists" | "terrorist" | "gunmen" | "extremists" | "talibs" | "taliban" => "militant",
        "rebels" | "rebel" => "rebel",
        "mercenaries" | "mercenary" => "mercenary",
        "policemen" | "policeman" | "police" | "officers" | "officer" | "guards" | "guard" => {
            "police"
        }
        "members" | "member" => "member",
        "residents" | "resident" | "villagers" | "inhabitants" => "resident",
        "protesters" | "protestors" | "demonstrators" => "protester",
        "migrants" | "migrant" | "refugees" | "refugee" | "asylum-seekers" => "migrant",
        "workers" | "worker" | "employees" => "worker",
        "students" | "student" | "pupils" => "student",
        "journalists" | "journalist" | "reporters" => "journalist",
        "patients" | "patient" => "patient",
        "pilgrims" | "worshippers" | "passengers" | "tourists" | "prisoners" | "detainees" => {
            "person"
        }
        "victims" | "victim" | "casualties" => "person",
        "others" => "others",
        "families" | "family" => "family",
        _ => return None,
    })
}

/// Demonyms as victim groups: "146,000 Libyans" -> "Libyan".
fn demonym(word: &str) -> Option<String> {
    let capital = word.chars().next().is_some_and(char::is_uppercase);
    if !capital || word.len() < 5 {
        return None;
    }
    for suffix in ["ians", "ans", "is"] {
        if let Some(stem) = word.strip_suffix('s').filter(|_| word.ends_with(suffix)) {
            return Some(stem.to_string());
        }
    }
    None
}

/// Nouns after a number that show it counts something other than people.
const NOT_PEOPLE: &[&str] = &[
    "airstrikes",
    "strikes",
    "raids",
    "sorties",
    "bombs",
    "targets",
    "attacks",
    "explosions",
    "barrel",
    "rounds",
    "percent",
    "per",
    "%",
    "km",
    "kilometers",
    "kilometres",
    "miles",
    "metres",
    "meters",
    "years",
    "year",
    "months",
    "month",
    "weeks",
    "week",
    "days",
    "day",
    "hours",
    "hour",
    "minutes",
    "seconds",
    "dollars",
    "euros",
    "pounds",
    "tonnes",
    "tons",
    "barrels",
    "kg",
    "times",
    "points",
    "goals",
    "votes",
    "seats",
    "vehicles",
    "tanks",
    "rockets",
    "missiles",
    "shells",
    "homes",
    "houses",
    "buildings",
    "cases",
    "infections",
    "tests",
    "doses",
    "beds",
    "jobs",
    "ships",
    "planes",
    "aircraft",
    "drones",
    "cattle",
    "sheep",
    "animals",
    "dogs",
    "birds",
    "villages",
    "towns",
    "sq",
    "square",
];

/// Month names: a number beside one is a date.
const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
];

/// Finds the figures of one document.
pub fn figures(doc: &AnnotatedDoc) -> Vec<Figure> {
    let mut out = Vec::new();
    if doc.numbers.is_empty() {
        return out;
    }
    let words = doc.words();
    for &sentence in &doc.sentences {
        let numbers = doc.numbers_in(sentence);
        if numbers.is_empty() {
            continue;
        }
        sentence_figures(&words.window(sentence), sentence, numbers, &mut out);
    }
    out
}

type Context<'a> = newslens_core::text::Words<'a>;

fn sentence_figures(ctx: &Context, sentence: Span, numbers: &[Number], out: &mut Vec<Figure>) {
    let first_in_sentence = out.len();
    let mut skip_until = 0u32;
    // The group of the sentence's last figure that is not a part of another.
    let mut whole_group: Option<String> = None;
    for (k, number) in numbers.iter().enumerate() {
        if number.span.start < skip_until {
            continue;
        }
        let start = ctx.index_of(number.span);
        let end = ctx.index_after(number.span); // first token after the number
        if excluded(ctx, number, start, end) {
            continue;
        }
        // A range: "between 20 and 30", "20 to 30", "20-30".
        let mut value_high = None;
        let mut last = end;
        let mut span = number.span;
        if let Some(next) = numbers.get(k + 1) {
            let next_start = ctx.index_of(next.span);
            let joiner = ctx.word(end);
            let between = start >= 1 && ctx.word(start - 1) == "between" && joiner == "and";
            if next_start == end + 1
                && (between || matches!(joiner, "to" | "-" | "–"))
                && next.value > number.value
            {
                value_high = Some(next.value);
                last = ctx.index_after(next.span);
                span = span.cover(next.span);
                skip_until = next.span.end;
            }
        }
        // "151 out of 284 patients lost their lives": the victims and what
        // befell them come after the whole.
        if value_high.is_none()
            && ctx.word(end) == "out"
            && ctx.word(end + 1) == "of"
            && ctx.is_number(end + 2)
        {
            if let Some(whole) = numbers.get(k + 1) {
                last = ctx.index_after(whole.span);
            }
        }
        let qualifier = match (value_high, number.form) {
            (Some(_), _) => Qualifier::Range,
            (None, NumberForm::Vague) => Qualifier::Vague,
            _ => qualifier_before(ctx, start),
        };
        // The victims: adjectives, then a group noun, maybe "of" ("thousands of civilians").
        let (group, after_group) = find_group(ctx, last);
        // "including five children", "among them 3 women": a subset of the figure before.
        let subset = start >= 1
            && matches!(ctx.word(start - 1), "including" | "includes" | "include")
            || (start >= 2 && ctx.word(start - 2) == "among" && ctx.word(start - 1) == "them");
        // "1,733 children 969 women and 3,110 men": a list goes on with the figure before.
        let previous = out[first_in_sentence..].last();
        let listed = previous.is_some_and(|p| {
            let previous_end = ctx.index_after(p.span);
            // Adjacent numbers are not a list: "Rises to 11 44 Injured".
            start > previous_end
                && start - previous_end <= 3
                && (previous_end..start).all(|k| {
                    group_noun(ctx.word(k)).is_some()
                        || demonym(ctx.raw(k)).is_some()
                        || matches!(ctx.word(k), "and" | ",")
                })
        });
        let own_kind =
            || kind_before(ctx, start).or_else(|| kind_after(ctx, after_group, group.is_some()));
        // A figure with a verb or cue of its own goes on with the list only
        // if that says the same: "3 women and 5 children were killed", but
        // not "claimed the lives of 198 people, 1,986 people recovered" or
        // "killing 10 people, 20 people injured".
        let own_verb =
            is_verb_of_its_own(ctx.word(after_group)) || cue_after(ctx.word(after_group)).is_some();
        let (continues_list, kind) = match previous {
            Some(p) if subset => (listed, Some(p.kind)),
            Some(p) if listed && own_verb => {
                let own = own_kind();
                (own == Some(p.kind), own)
            }
            Some(p) if listed => (true, Some(p.kind)),
            _ => (false, own_kind()),
        };
        let Some(kind) = kind else {
            continue;
        };
        if forecast(ctx, start) {
            continue;
        }
        // "one" alone is too often a pronoun ("one of them").
        if number.form == NumberForm::Words && number.value == 1.0 && group.is_none() {
            continue;
        }
        // "N others", "dozens more", "another 659" count more of the group of
        // the whole before them (not of a part: "545 people including 84
        // children and hundreds more injured"); others are people even without one.
        let more = ctx.word(last) == "more" || start >= 1 && ctx.word(start - 1) == "another";
        let group = match group.as_deref() {
            Some("others") => whole_group.clone().or(Some("person".into())),
            None if more => whole_group.clone(),
            _ => group,
        };
        if !subset && !continues_list {
            whole_group.clone_from(&group);
        }
        out.push(Figure {
            kind,
            qualifier,
            value: number.value,
            value_high,
            group,
            attributed_to: None,
            period: None,
            span,
            sentence,
        });
    }
    if out.len() > first_in_sentence {
        let attribution = attribution(ctx);
        let period = period(ctx);
        for figure in &mut out[first_in_sentence..] {
            figure.attributed_to = attribution.clone();
            figure.period = period.clone();
        }
    }
}

/// Numbers that are not counts of people: percentages, money, ages, years,
/// dates, distances, durations, zero statements.
fn excluded(ctx: &Context, number: &Number, start: usize, end: usize) -> bool {
    let next = ctx.word(end);
    let previous = if start >= 1 { ctx.word(start - 1) } else { "" };
    let text = ctx.doc.slice(number.span);
    if NOT_PEOPLE.contains(&next) || next.starts_with("year-old") || next.ends_with("-year-old") {
        return true;
    }
    // "11,033 confirmed cases", "two more rockets": the thing counted after a
    // modifier or two, before any word that names people or what befell them.
    for k in end + 1..end + 3 {
        if !is_modifier(ctx, k - 1) || group_noun(ctx.word(k - 1)).is_some() {
            break;
        }
        if NOT_PEOPLE.contains(&ctx.word(k)) {
            return true;
        }
    }
    // "6,619 confirmed and 71 deaths", "50,000 recovered": counts of cases,
    // unless a word of what befell people follows ("3 confirmed dead").
    if matches!(next, "confirmed" | "recovered" | "infected" | "positive")
        && cue_after(ctx.word(end + 1)).is_none()
    {
        return true;
    }
    // "ages 5, 7 and 18": every number of a list of ages.
    let mut first = start;
    while first >= 2 && matches!(ctx.word(first - 1), "," | "and") && ctx.is_number(first - 2) {
        first -= 2;
    }
    if first >= 1 && matches!(ctx.word(first - 1), "ages" | "aged" | "age") {
        return true;
    }
    // "151 out of 284 patients": the second number is the whole, not a count of victims.
    if previous == "of" && start >= 2 && ctx.word(start - 2) == "out" {
        return true;
    }
    // "the total number of infections there to nearly 25,000": a tally of
    // things, named before the number.
    if counts_things_before(ctx, start) {
        return true;
    }
    // "9/11", "24/7": a date or a fraction.
    if next == "/" {
        return true;
    }
    if next == "-"
        && (ctx.word(end + 1).starts_with("year") || NOT_PEOPLE.contains(&ctx.word(end + 1)))
    {
        return true;
    }
    if matches!(
        previous,
        "$" | "€"
            | "£"
            | "us$"
            | "aged"
            | "age"
            | "no."
            | "number"
            | "page"
            | "article"
            | "resolution"
    ) || MONTHS.contains(&previous)
        || MONTHS.contains(&next)
    {
        return true;
    }
    // "no one was hurt".
    if previous == "no" && text.eq_ignore_ascii_case("one") {
        return true;
    }
    // A bare four-digit number from 1900 to 2099 is a year unless people follow.
    let year_like = number.form == NumberForm::Digits
        && text.len() == 4
        && (1900.0..2100.0).contains(&number.value);
    if year_like && group_noun(next).is_none() && demonym(ctx.raw(end)).is_none() {
        return true;
    }
    // Clock times and scores: "10:30", "3-1".
    if previous == ":"
        && start >= 2
        && ctx
            .tokens
            .get(start - 2)
            .is_some_and(|t| t.kind == TokenKind::Number)
    {
        return true;
    }
    if next == ":"
        || (next == "-"
            && ctx
                .tokens
                .get(end + 1)
                .is_some_and(|t| t.kind == TokenKind::Number))
    {
        return true;
    }
    false
}

/// Whether token `i` may modify a noun that follows it ("confirmed",
/// "Syrian", "more"): a word that is not a cue, a verb of being or having,
/// a preposition, an article, a determiner or a relative pronoun.
fn is_modifier(ctx: &Context, i: usize) -> bool {
    let word = ctx.word(i);
    ctx.tokens.get(i).is_some_and(|t| t.kind == TokenKind::Word)
        && !ctx.starts_number(i)
        && cue_after(word).is_none()
        && !matches!(
            word,
            "and"
                | "or"
                | "were"
                | "was"
                | "have"
                | "has"
                | "had"
                | "are"
                | "is"
                | "in"
                | "on"
                | "at"
                | "from"
                | "by"
                | "to"
                | "of"
                | "the"
                | "a"
                | "an"
                | "since"
                | "who"
                | "that"
                | "which"
                | "been"
                | "this"
                | "these"
                | "those"
                | "last"
                | "next"
                | "each"
                | "every"
                | "per"
                | "their"
                | "its"
        )
}

/// "the number of cases rose to 1,200", "the tally of infections at 25,000":
/// within the six words before the number (after its qualifier), a
/// "number", "total", "tally" or "count" of something [`NOT_PEOPLE`] names,
/// with no other number and no word of what befell people in between.
fn counts_things_before(ctx: &Context, start: usize) -> bool {
    // The tally leads to the number ("rose to", "at"): in "fired a number of
    // rocket shells on Kilmakho leaving three people wounded" it does not.
    if start == 0 || !is_tally_link(ctx.word(start - 1)) {
        return false;
    }
    let from = start.saturating_sub(8);
    let mut thing = None;
    for j in (from..start).rev() {
        let word = ctx.word(j);
        // Another number is another count, with a noun of its own: "to nearly
        // 25,000 and some 1,800 deaths".
        if matches!(word, "." | ";" | ",")
            || ctx.is_number(j)
            || cue_after(word).is_some()
            || cue_before(word).is_some()
        {
            return false;
        }
        if NOT_PEOPLE.contains(&word) {
            thing = Some(j);
        }
        // "number of (confirmed) cases": the thing within three words of "of".
        if thing.is_some_and(|t| t <= j + 3)
            && j >= 1
            && word == "of"
            && matches!(ctx.word(j - 1), "number" | "total" | "tally" | "count")
        {
            return true;
        }
    }
    false
}

fn qualifier_before(ctx: &Context, start: usize) -> Qualifier {
    let w = |back: usize| {
        if start >= back {
            ctx.word(start - back)
        } else {
            ""
        }
    };
    // "at least a dozen": the number word may include "a".
    match (w(2), w(1)) {
        ("at", "least") | ("no", "fewer") | ("not", "less") => Qualifier::AtLeast,
        ("more", "than") | ("upwards", "of") | ("excess", "of") => Qualifier::MoreThan,
        ("up", "to") | ("as", "many") | ("fewer", "than") | ("less", "than") => Qualifier::UpTo,
        _ => match w(1) {
            "over" | "above" | "surpassed" | "exceeded" | "topped" | "passed" | "past" => {
                Qualifier::MoreThan
            }
            "nearly" | "almost" | "nearing" | "approaching" | "approaches" => Qualifier::UpTo,
            "about" | "around" | "approximately" | "roughly" | "some" | "estimated" | "circa"
            | "approx" | "~" => Qualifier::About,
            _ => Qualifier::Exact,
        },
    }
}

/// The group noun after the number (skipping up to three modifiers), and the
/// token index after it.
fn find_group(ctx: &Context, from: usize) -> (Option<String>, usize) {
    let mut i = from;
    // "thousands of civilians", "hundreds of people".
    if ctx.word(i) == "of" {
        i += 1;
        if ctx.word(i) == "the" {
            i += 1;
        }
    }
    for skip in 0..4 {
        let word = ctx.word(i + skip);
        if let Some(group) = group_noun(word) {
            return (Some(group.to_string()), i + skip + 1);
        }
        if let Some(group) = demonym(ctx.raw(i + skip)) {
            // "Syrian civilians": the demonym is a modifier; keep looking one further.
            if let Some(next) = group_noun(ctx.word(i + skip + 1)) {
                return (Some(next.to_string()), i + skip + 2);
            }
            return (Some(group), i + skip + 1);
        }
        if !is_modifier(ctx, i + skip) {
            break;
        }
    }
    (None, from)
}

/// A cue just before the number: "killing 17", "displaced about 140,000",
/// "the death toll rose to 12".
fn kind_before(ctx: &Context, start: usize) -> Option<Kind> {
    let mut i = start;
    // Step back over a qualifier.
    for _ in 0..3 {
        if i == 0 {
            return None;
        }
        let w = ctx.word(i - 1);
        if matches!(
            w,
            "at" | "least"
                | "more"
                | "than"
                | "about"
                | "around"
                | "some"
                | "nearly"
                | "almost"
                | "nearing"
                | "approaching"
                | "over"
                | "up"
                | "to"
                | "approximately"
                | "roughly"
                | "an"
                | "estimated"
                | "as"
                | "many"
                | "another"
                | "a"
                | "further"
                | "between"
        ) {
            i -= 1;
        } else {
            break;
        }
    }
    if i == 0 {
        return None;
    }
    if let Some(kind) = cue_before(ctx.word(i - 1)) {
        // "killing and wounding several": one count of both.
        if i >= 3
            && ctx.word(i - 2) == "and"
            && cue_before(ctx.word(i - 3)).is_some_and(|k| k != kind)
        {
            return Some(Kind::Casualties);
        }
        return Some(kind);
    }
    // "the killing of 5,812 civilians", "the deaths of 12 children".
    if i >= 2 && ctx.word(i - 1) == "of" {
        match ctx.word(i - 2) {
            "killing" | "killings" | "deaths" | "death" | "massacre" | "execution"
            | "executions" => return Some(Kind::Killed),
            "wounding" | "injuring" => return Some(Kind::Injured),
            "displacement" => return Some(Kind::Displaced),
            "abduction" | "kidnapping" => return Some(Kind::Kidnapped),
            "arrest" | "arrests" | "detention" => return Some(Kind::Detained),
            // "claimed the lives of 198 people", "cost the lives of at least
            // 63 rebels"; not "saved the lives of 100 Syrians".
            "lives" | "life" => {
                let verb = match ctx.word(i.saturating_sub(3)) {
                    "the" if i >= 4 => ctx.word(i - 4),
                    word if i >= 3 => word,
                    _ => "",
                };
                if takes_lives(verb) {
                    return Some(Kind::Killed);
                }
            }
            _ => {}
        }
    }
    // "The death toll rose to 12", "the state's death toll from confirmed or
    // presumed cases to nearly 1,700", "the number of people killed in an air
    // strike has risen to 21": a tally named earlier in the clause.
    let window = clause_start(ctx, i, 20)..i;
    // The tally nearest the number: "US death toll approaching 90,000 The
    // U.S. death toll now stands at 88,473".
    let tally = window.clone().rev().find(|&j| {
        // "The grim economic toll": not one of lives.
        (ctx.word(j) == "toll"
            && j + 12 >= i
            && (j == 0
                || !matches!(
                    ctx.word(j - 1),
                    "economic" | "financial" | "emotional" | "psychological" | "mental"
                )))
            || (matches!(ctx.word(j), "number" | "tally" | "count")
                && ctx.word(j + 1) == "of"
                && (j + 2..(j + 7).min(i)).any(|k| cue_after(ctx.word(k)).is_some()))
    });
    // The tally's own number: the next count after it ("COVID-19" is a name,
    // not a count), reached through a verb or preposition ("rose to",
    // "stands at", "is", "surpassed"), not any number later in the clause
    // ("that enormous toll will impact tens of thousands of workers").
    let own = |at: usize| {
        !(at + 1..i).any(|k| ctx.starts_number(k) && ctx.word(k - 1) != "-")
            && (at + 1 == i || (i - 1..start).any(|k| is_tally_link(ctx.word(k))))
    };
    if tally.is_some_and(own) {
        let wounded = window.clone().any(|j| {
            matches!(ctx.word(j), "injury" | "injuries" | "casualty")
                || cue_after(ctx.word(j)) == Some(Kind::Injured)
        });
        return Some(if wounded { Kind::Injured } else { Kind::Killed });
    }
    None
}

/// A verb whose "the lives of N" are N dead: "claimed", "cost", "took".
fn takes_lives(word: &str) -> bool {
    matches!(
        word,
        "claimed"
            | "claiming"
            | "claims"
            | "claim"
            | "cost"
            | "costs"
            | "costing"
            | "took"
            | "taken"
            | "take"
            | "takes"
            | "taking"
    )
}

/// The words that lead from a tally to its number: "rose to", "stands at",
/// "is now", "surpassed", "approaching", "(34,466)"; or a qualifier.
fn is_tally_link(word: &str) -> bool {
    matches!(
        word,
        "to" | "at"
            | "of"
            | "on"
            | "by"
            | "from"
            | "with"
            | "is"
            | "was"
            | "are"
            | "were"
            | "be"
            | "become"
            | "now"
            | "only"
            | "just"
            | "reach"
            | "reached"
            | "reaches"
            | "hit"
            | "hits"
            | "surpassed"
            | "surpasses"
            | "exceeded"
            | "exceeds"
            | "topped"
            | "topping"
            | "tops"
            | "passed"
            | "passes"
            | "past"
            | "cross"
            | "crossed"
            | "crosses"
            | "approaches"
            | "approaching"
            | "approached"
            | "nearing"
            | "nears"
            | "stood"
            | "stands"
            | "remained"
            | "remains"
            | "rose"
            | "risen"
            | "rises"
            | "climbed"
            | "climbs"
            | "jumped"
            | "increased"
            | "grew"
            | "above"
            | "below"
            | "under"
            | "over"
            | "nearly"
            | "almost"
            | "about"
            | "around"
            | "roughly"
            | "some"
            | "than"
            | "least"
            | "as"
            | "estimated"
            | "between"
            | "("
            | "—"
            | "–"
            | ":"
    )
}

/// Where the clause holding token `i` starts, looking back at most `max`
/// tokens: after the last clause punctuation, contrastive or subordinating
/// word. A dash or a parenthesis does not end it: "its largest one-day death
/// toll — 73 — since", "the second highest death toll (34,466)".
fn clause_start(ctx: &Context, i: usize, max: usize) -> usize {
    (i.saturating_sub(max)..i)
        .rev()
        .find(|&j| {
            matches!(
                ctx.word(j),
                "." | ";"
                    | ":"
                    | ","
                    | "but"
                    | "though"
                    | "although"
                    | "while"
                    | "whereas"
                    | "when"
                    | "because"
                    | "if"
                    | "unless"
                    | "whether"
            )
        })
        .map_or(i.saturating_sub(max), |j| j + 1)
}

/// Whether the clause before the number at `start` makes it a forecast or
/// a hypothetical: "models were predicting millions of deaths", "the model
/// has projected a death toll at just over 156,000".
fn forecast(ctx: &Context, start: usize) -> bool {
    for j in (clause_start(ctx, start, 16)..start).rev() {
        let word = ctx.word(j);
        // "the death toll could have reached 300,000"; but in "that would have
        // spared Libya years of upheaval that has left thousands dead" the
        // modal is another clause's.
        if matches!(
            word,
            "that" | "which" | "who" | "after" | "since" | "before"
        ) {
            return false;
        }
        if is_projection(word) || matches!(word, "could" | "would" | "might") {
            return true;
        }
    }
    false
}

/// Words that make a count a forecast rather than a report.
fn is_projection(word: &str) -> bool {
    matches!(
        word,
        "predict"
            | "predicts"
            | "predicted"
            | "predicting"
            | "prediction"
            | "predictions"
            | "project"
            | "projects"
            | "projected"
            | "projecting"
            | "projection"
            | "projections"
            | "forecast"
            | "forecasts"
            | "forecasting"
            | "model"
            | "models"
    )
}

/// A cue after the group: "25 people were killed", "left 1,000 people dead",
/// "280 civilians and about 2,000 fighters have been killed". The search stops
/// at a clause boundary.
fn kind_after(ctx: &Context, from: usize, has_group: bool) -> Option<Kind> {
    let mut limit = (from + 9).min(ctx.tokens.len());
    let mut i = from;
    while i < limit {
        let word = ctx.word(i);
        // "three young people — ages 5, 7 and 18 — have died": an aside between
        // dashes, or in parentheses, is passed over whole.
        let close = match word {
            "—" | "–" => Some(word),
            "(" => Some(")"),
            _ => None,
        };
        if let Some(close) = close {
            if let Some(end) =
                (i + 1..(i + 12).min(ctx.tokens.len())).find(|&j| ctx.word(j) == close)
            {
                limit = (limit + end + 1 - i).min(ctx.tokens.len());
                i = end + 1;
                continue;
            }
        }
        // Another number starts another figure unless it is coordinated with this one
        // ("280 civilians and about 2,000 fighters have been killed"); one right
        // after this one ("Helmand 23 5 Eighteen soldiers") never is. Nor is one
        // after "and" and this one's own verb: "350 people have tested positive and
        // three died" ("two children are among four civilians killed" is one count).
        if ctx.starts_number(i) && i > 0 {
            let before = ctx.word(i - 1);
            // ("Three civilians two women and a man were killed": after the
            // group, a number in words is the figure's breakdown.)
            if (i == from && !has_group)
                || (before == "and" && (from..i).any(|j| is_verb_of_its_own(ctx.word(j))))
            {
                return None;
            }
            // A number in words elsewhere is passed: "three children from one
            // family were killed", "two people, one of them a child, died".
            if !ctx.is_number(i) || i == from {
                i += 1;
                continue;
            }
            let coordinated = matches!(
                before,
                "and"
                    | "including"
                    | "them"
                    | "among"
                    | ","
                    | "or"
                    | "about"
                    | "than"
                    | "least"
                    | "nearly"
                    | "some"
                    | "over"
                    | "around"
                    | "to"
                    | "almost"
            );
            if !coordinated {
                return None;
            }
        }
        if matches!(
            word,
            ";" | "."
                | ":"
                | "“"
                | "\""
                | "("
                | "but"
                | "while"
                | "whereas"
                | "after"
                | "as"
                | "when"
                | "because"
        ) || (word == "," && !has_group)
        {
            return None;
        }
        if word == "," && ctx.word(i + 1) != "and" {
            return None;
        }
        // "two million Americans might be dead", "could die": a hypothetical
        // ("may have been killed", "might have been wounded" are uncertain
        // reports, and count).
        if matches!(word, "might" | "could" | "would")
            && !(word == "might" && ctx.word(i + 1) == "have")
        {
            return None;
        }
        // "50 people have lost their lives".
        if word == "lost"
            && matches!(ctx.word(i + 1), "their" | "his" | "her")
            && matches!(ctx.word(i + 2), "lives" | "life")
        {
            return Some(Kind::Killed);
        }
        if let Some(kind) = cue_after(word) {
            // "killed or wounded", "dead or missing": a combined count.
            // "and" joins two counts when a number follows ("dead and displaced about 140,000").
            let joined = match ctx.word(i + 1) {
                "or" => true,
                "and" => {
                    let after = ctx.word(i + 3);
                    let next_is_count = ctx
                        .tokens
                        .get(i + 3)
                        .is_some_and(|t| t.kind == TokenKind::Number)
                        || matches!(
                            after,
                            "about"
                                | "at"
                                | "more"
                                | "nearly"
                                | "some"
                                | "over"
                                | "around"
                                | "up"
                                | "another"
                        );
                    !next_is_count
                }
                _ => false,
            };
            if joined && cue_after(ctx.word(i + 2)).is_some_and(|k| k != kind) {
                return Some(Kind::Casualties);
            }
            // "deaths" must follow the number closely ("12 deaths", not "12 soldiers ... deaths of").
            if matches!(word, "death" | "lives" | "bodies") && i > from + 1 {
                return None;
            }
            // "refugees" and "displaced" as a noun after the group are a count of the displaced.
            return Some(kind);
        }
        i += 1;
    }
    None
}

/// An auxiliary or a verb that gives the number before it a predicate of
/// its own, so that a cue after a later number is that number's.
fn is_verb_of_its_own(word: &str) -> bool {
    matches!(
        word,
        "have" | "has" | "had" | "are" | "is" | "were" | "was" | "tested" | "recovered"
    )
}

/// Who the sentence attributes its figures to: "according to X", "X said",
/// "said X", "X reported".
fn attribution(ctx: &Context) -> Option<String> {
    let n = ctx.tokens.len();
    for i in 0..n.saturating_sub(1) {
        if ctx.word(i) == "according" && ctx.word(i + 1) == "to" {
            return phrase(ctx, i + 2, n);
        }
    }
    const SAID: &[&str] = &[
        "said",
        "says",
        "reported",
        "reports",
        "told",
        "announced",
        "stated",
        "added",
        "estimated",
        "estimates",
        // Not "claimed": a strike that "claimed 100 lives" killed them.
        "counted",
        "documented",
    ];
    for i in 0..n {
        if !SAID.contains(&ctx.word(i)) {
            continue;
        }
        // "officials said", "the UN said", "the Syrian Observatory for Human Rights said";
        // "the ministry has reported": the speaker stands before the auxiliary.
        let mut j = i;
        if j > 0 && matches!(ctx.word(j - 1), "has" | "have" | "had") {
            j -= 1;
        }
        let verb = j;
        while j > 0 {
            let w = ctx.word(j - 1);
            // "officials in Italy said": where the people who speak are is theirs.
            if w == "in" && j >= 2 && is_speaking_people(ctx.word(j - 2)) {
                j -= 1;
                continue;
            }
            // A capital that opens a time phrase, a preposition or a sentence
            // adverb ("Meanwhile SANA's correspondent said") is not a speaker's.
            let not_speaker = matches!(
                w,
                "in" | "on"
                    | "at"
                    | "by"
                    | "after"
                    | "before"
                    | "since"
                    | "during"
                    | "last"
                    | "this"
                    | "meanwhile"
                    | "later"
                    | "earlier"
                    | "also"
                    | "however"
                    | "separately"
                    | "moreover"
                    | "then"
            ) || weekday_of(w).is_some()
                || month_of(w).is_some();
            if not_speaker {
                break;
            }
            let t = ctx.tokens[j - 1];
            let capital = ctx
                .raw(j - 1)
                .chars()
                .next()
                .is_some_and(char::is_uppercase);
            if t.kind == TokenKind::Word
                && (capital
                    || is_speaking_people(w)
                    || matches!(
                        w,
                        "source"
                            | "rescuers"
                            | "paramedics"
                            | "monitors"
                            | "observers"
                            | "relatives"
                            | "ministry"
                            | "monitor"
                            | "group"
                            | "observatory"
                            | "spokesman"
                            | "spokeswoman"
                            | "for"
                            | "of"
                            | "on"
                            | "human"
                            | "rights"
                            | "health"
                            | "local"
                            | "security"
                            | "military"
                            | "medical"
                            | "hospital"
                            | "army"
                            | "state"
                            | "media"
                            | "agency"
                            | "news"
                            | "network"
                            | "channel"
                            | "page"
                            | "organisation"
                            | "organization"
                            | "committee"
                            | "council"
                            | "command"
                            | "office"
                            | "department"
                            | "tv"
                            | "television"
                            | "radio"
                            | "newspaper"
                            | "website"
                            | "websites"
                            | "statement"
                            | "report"
                            | "commander"
                            | "officer"
                            | "officers"
                            | "witness"
                            | "volunteers"
                    ))
            {
                j -= 1;
                continue;
            }
            break;
        }
        while j < verb && matches!(ctx.word(j), "for" | "of" | "on") {
            j += 1;
        }
        // A pronoun names nobody; the sentence before would have to say who.
        let pronoun = j + 1 == verb && matches!(ctx.word(j), "it" | "he" | "she" | "they" | "we");
        if j < verb && !pronoun {
            let span = ctx.tokens[j].span.cover(ctx.tokens[verb - 1].span);
            return Some(clean_source(ctx.doc.slice(span)));
        }
        // "said the ministry": the speaker follows, and names someone.
        if i + 1 < n && ctx.word(i + 1) == "the" {
            let named = ctx
                .raw(i + 2)
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
                || matches!(
                    ctx.word(i + 2),
                    "ministry"
                        | "army"
                        | "police"
                        | "military"
                        | "government"
                        | "officials"
                        | "agency"
                        | "monitor"
                        | "group"
                );
            if let Some(speaker) = phrase(ctx, i + 1, n).filter(|_| named) {
                return Some(speaker);
            }
        }
    }
    None
}

/// People who give figures, as a reporting verb's subject names them.
fn is_speaking_people(word: &str) -> bool {
    matches!(
        word,
        "officials"
            | "official"
            | "sources"
            | "activists"
            | "residents"
            | "witnesses"
            | "doctors"
            | "medics"
            | "authorities"
            | "police"
            | "reporter"
            | "reporters"
            | "correspondent"
            | "correspondents"
            | "journalist"
            | "journalists"
    )
}

/// A noun phrase from token `from`, up to punctuation or a verb-like break.
fn phrase(ctx: &Context, from: usize, end: usize) -> Option<String> {
    let mut j = from;
    while j < end && j < from + 8 {
        let w = ctx.word(j);
        if ctx.tokens[j].kind == TokenKind::Punct && !matches!(w, "." | "-" | "'" | "’")
            || matches!(
                w,
                "said" | "says" | "which" | "who" | "that" | "and" | "on" | "in" | "since" | "as"
            ) && j > from
        {
            break;
        }
        j += 1;
    }
    (j > from).then(|| {
        clean_source(
            ctx.doc
                .slice(ctx.tokens[from].span.cover(ctx.tokens[j - 1].span)),
        )
    })
}

fn clean_source(text: &str) -> String {
    let text = text.trim().trim_end_matches(['.', ',']);
    let text = text
        .strip_prefix("the ")
        .or_else(|| text.strip_prefix("The "))
        .unwrap_or(text);
    text.to_string()
}

/// The span of a cumulative toll: "since the start of fighting in Tripoli",
/// "this year", "in the past 24 hours".
fn period(ctx: &Context) -> Option<String> {
    let n = ctx.tokens.len();
    for i in 0..n {
        let w = ctx.word(i);
        let starts = match w {
            "since" => true,
            "this" | "last" => matches!(ctx.word(i + 1), "year" | "month" | "week"),
            "so" => ctx.word(i + 1) == "far",
            "in" | "over" | "during" => {
                matches!(ctx.word(i + 1), "the") && matches!(ctx.word(i + 2), "past" | "last")
            }
            _ => false,
        };
        if !starts {
            continue;
        }
        let mut j = i + 1;
        while j < n && j < i + 9 {
            let t = ctx.tokens[j];
            let word = ctx.word(j);
            if t.kind == TokenKind::Punct
                || matches!(
                    word,
                    "more"
                        | "about"
                        | "at"
                        | "nearly"
                        | "have"
                        | "has"
                        | "had"
                        | "were"
                        | "was"
                        | "according"
                )
            {
                break;
            }
            j += 1;
        }
        if j > i + 1 || matches!(w, "so") {
            return Some(
                ctx.doc
                    .slice(ctx.tokens[i].span.cover(ctx.tokens[j - 1].span))
                    .to_string(),
            );
        }
    }
    None
}
