//! Names of months and weekdays, as lower-cased words: the timeline reads
//! dates from them, and other analyzers know a time phrase by them ("on
//! Friday", "in March") where a name or a speaker might otherwise stand.
//! Each is a `match` rather than a search of a list: the timeline asks it
//! of every candidate word, and the compiler dispatches on length first.

/// The month, 1 to 12, that a lower-cased name or abbreviation names:
/// "march", "mar", "sept".
pub fn month_of(word: &str) -> Option<i8> {
    Some(match word {
        "january" | "jan" => 1,
        "february" | "feb" => 2,
        "march" | "mar" => 3,
        "april" | "apr" => 4,
        "may" => 5,
        "june" | "jun" => 6,
        "july" | "jul" => 7,
        "august" | "aug" => 8,
        "september" | "sep" | "sept" => 9,
        "october" | "oct" => 10,
        "november" | "nov" => 11,
        "december" | "dec" => 12,
        _ => return None,
    })
}

/// The weekday a lower-cased full name names, Monday 0 to Sunday 6.
pub fn weekday_of(word: &str) -> Option<i8> {
    Some(match word {
        "monday" => 0,
        "tuesday" => 1,
        "wednesday" => 2,
        "thursday" => 3,
        "friday" => 4,
        "saturday" => 5,
        "sunday" => 6,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_abbreviations() {
        assert_eq!(month_of("may"), Some(5));
        assert_eq!(month_of("sept"), Some(9));
        assert_eq!(month_of("December"), None, "words come lower-cased");
        assert_eq!(month_of("mars"), None);
        assert_eq!(weekday_of("sunday"), Some(6));
        assert_eq!(weekday_of("sun"), None, "only full names");
    }
}
