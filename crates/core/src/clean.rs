//! Cleaning captured web pages: page chrome removed, article text kept.
//!
//! Each rule looks at one line (a paragraph, in captured pages) and says why
//! it is chrome. The rules are generic — share buttons, comment forms,
//! donation widgets, photo credits, breadcrumbs, repeated headlines — so they
//! work on pages beyond the bundled ones; each has a test on a real seed line.

use std::collections::HashSet;

/// Why a line was removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chrome {
    /// Navigation, share and comment-form lines ("google plus", "Leave a Reply").
    Widget,
    /// A donation amount ("2,500 $").
    Donation,
    /// A photo caption carrying an agency credit ("REUTERS/Ahmed Elumami", "| Photo: Reuters").
    PhotoCredit,
    /// A caption repeated just before the same caption with its credit.
    CaptionDuplicate,
    /// "RELATED:" and the headline it links to.
    Related,
    /// A breadcrumb ("News > Libya").
    Breadcrumb,
    /// A publication line or bare dateline ("Published 19 February 2020", "ANKARA").
    Dateline,
    /// A line already seen on the page (repeated titles).
    Repeated,
    /// A lone count (comment counters).
    Counter,
}

/// Phrases that make up a whole chrome line, compared case-insensitively
/// after bullets and surrounding space are stripped.
const WIDGET_LINES: &[&str] = &[
    "click to see full-size image",
    "live",
    "audio only",
    "video",
    "google plus",
    "facebook",
    "twitter",
    "whatsapp",
    "telegram",
    "email",
    "print",
    "share",
    "share this",
    "share this article",
    "comment",
    "comments",
    "post with no comments.",
    "leave a reply",
    "leave a comment",
    "powered by automated translation",
    "do you like this content? consider helping us!",
    "opinion",
    "advertisement",
    "read more",
    "source ; news agencies",
    "source: news agencies",
    "subscribe",
    "sign up for our newsletter",
];

const WIDGET_PREFIXES: &[&str] = &[
    "your email address will not be published",
    "required fields are marked",
    "click to see",
    "photo credit:",
];

/// Classifies each line; `None` keeps it.
pub fn classify(lines: &[&str]) -> Vec<Option<Chrome>> {
    let mut verdicts = vec![None; lines.len()];
    let mut seen: HashSet<String> = HashSet::new();
    let mut after_related = false;
    for (i, raw) in lines.iter().enumerate() {
        let line = strip_bullet(raw.trim());
        if line.is_empty() {
            continue;
        }
        let lower = line.to_lowercase();
        let verdict = if after_related {
            after_related = false;
            Some(Chrome::Related)
        } else if lower.starts_with("related:") || lower == "related" || lower == "related articles"
        {
            // A bare "RELATED:" line announces a linked headline on the next line.
            after_related = matches!(lower.as_str(), "related:" | "related");
            Some(Chrome::Related)
        } else if WIDGET_LINES.contains(&lower.as_str())
            || WIDGET_PREFIXES.iter().any(|p| lower.starts_with(p))
        {
            Some(Chrome::Widget)
        } else if is_donation(line) {
            Some(Chrome::Donation)
        } else if line.chars().all(|c| c.is_ascii_digit()) {
            Some(Chrome::Counter)
        } else if has_photo_credit(line) {
            Some(Chrome::PhotoCredit)
        } else if is_breadcrumb(line) {
            Some(Chrome::Breadcrumb)
        } else if is_dateline(line) {
            Some(Chrome::Dateline)
        } else if !seen.insert(lower.clone()) {
            Some(Chrome::Repeated)
        } else if next_line(lines, i).is_some_and(|next| {
            let next = strip_bullet(next.trim());
            next.len() > line.len() && next.starts_with(line) && has_photo_credit(next)
        }) {
            Some(Chrome::CaptionDuplicate)
        } else {
            None
        };
        verdicts[i] = verdict;
    }
    verdicts
}

/// The page with chrome lines removed and paragraphs separated by a blank line.
pub fn clean_page(raw: &str) -> String {
    let lines: Vec<&str> = raw.lines().collect();
    let verdicts = classify(&lines);
    let kept: Vec<&str> = lines
        .iter()
        .zip(&verdicts)
        .filter(|(line, verdict)| verdict.is_none() && !line.trim().is_empty())
        .map(|(line, _)| strip_bullet(line.trim()))
        .collect();
    kept.join("\n\n")
}

fn next_line<'a>(lines: &[&'a str], i: usize) -> Option<&'a str> {
    lines[i + 1..]
        .iter()
        .copied()
        .find(|l| !l.trim().is_empty())
}

fn strip_bullet(line: &str) -> &str {
    line.trim_start_matches(['•', '·', '▪', '●']).trim()
}

/// "2,500 $", "$ 115", "€50".
fn is_donation(line: &str) -> bool {
    let digits = line.trim_matches(|c: char| "$€£ ".contains(c));
    line.contains(['$', '€', '£'])
        && !digits.is_empty()
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
}

/// A caption credit at the end of a line: "REUTERS/Ahmed Elumami", "| Photo: Reuters",
/// "(AFP Photo)", "Getty Images".
fn has_photo_credit(line: &str) -> bool {
    let tail = line.rsplit(['.', '|']).next().unwrap_or("").trim();
    let agency_slash = ["REUTERS/", "AFP/", "AP/", "EPA/", "ANADOLU/"]
        .iter()
        .any(|a| tail.starts_with(a));
    let lower = line.to_lowercase();
    agency_slash
        || lower.contains("| photo:")
        || lower.ends_with("(afp photo)")
        || lower.ends_with("getty images")
        || lower.starts_with("photo:")
}

/// "News > Libya": short segments joined by " > ".
fn is_breadcrumb(line: &str) -> bool {
    let parts: Vec<&str> = line.split(" > ").collect();
    parts.len() >= 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.split_whitespace().count() <= 4 && !p.ends_with('.'))
}

/// "Published 19 February 2020", "Updated: …", or a bare all-capital place
/// name standing alone ("ANKARA").
fn is_dateline(line: &str) -> bool {
    let lower = line.to_lowercase();
    let stamp = [
        "published ",
        "updated ",
        "published:",
        "updated:",
        "last updated",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
        && line.split_whitespace().count() <= 8
        && line.chars().any(|c| c.is_ascii_digit());
    let bare_place = line.split_whitespace().count() <= 3
        && line.chars().any(char::is_alphabetic)
        && line
            .chars()
            .all(|c| c.is_uppercase() || c.is_whitespace() || c == ',' || c == '-')
        && line.chars().filter(|c| c.is_alphabetic()).count() >= 4;
    stamp || bare_place
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(lines: &[&str]) -> Vec<Option<Chrome>> {
        classify(lines)
    }

    #[test]
    fn chrome_lines_of_the_seeds() {
        use Chrome::*;
        // Seed 001 (South Front).
        assert_eq!(
            verdict(&["0 $", "2,500 $", "Click to see full-size image"]),
            [Some(Donation), Some(Donation), Some(Widget)]
        );
        assert_eq!(
            verdict(&["Do you like this content? Consider helping us!"]),
            [Some(Widget)]
        );
        // Seed 002 (teleSUR).
        assert_eq!(
            verdict(&[
                "• Live",
                "  • google plus",
                "News > Libya",
                "Published 19 February 2020",
                "Opinion"
            ]),
            [
                Some(Widget),
                Some(Widget),
                Some(Breadcrumb),
                Some(Dateline),
                Some(Widget)
            ]
        );
        assert_eq!(
            verdict(&[
                "RELATED:",
                "Libya: Tripoli Port Hit, Govt Cancels Ceasefire Talks in Geneva",
                "The Tripoli government left."
            ]),
            [Some(Related), Some(Related), None]
        );
        assert_eq!(
            verdict(&[
                "  • Smoke is seen in Tripoli port after being attacked by Haftar's forces on Feb. 18, 2020.",
                "    Smoke is seen in Tripoli port after being attacked by Haftar's forces on Feb. 18, 2020. | Photo: Reuters",
            ]),
            [Some(CaptionDuplicate), Some(PhotoCredit)]
        );
        assert_eq!(
            verdict(&["Comment", "0", "Comments", "Post with no comments."]),
            [Some(Widget), Some(Counter), Some(Widget), Some(Widget)]
        );
        // Seed 000 (The National).
        assert_eq!(
            verdict(&["A smoke rises from a port of Tripoli after being attacked in Tripoli, Libya February 18, 2020. REUTERS/Ahmed Elumami"]),
            [Some(PhotoCredit)]
        );
        // Seed 003 and 004.
        assert_eq!(
            verdict(&["Source ; News Agencies", "Leave a Reply"]),
            [Some(Widget), Some(Widget)]
        );
        assert_eq!(
            verdict(&["Your email address will not be published. Required fields are marked *"]),
            [Some(Widget)]
        );
        assert_eq!(
            verdict(&[
                "Turkey, Russia continue talks",
                "Turkey, Russia continue talks",
                "ANKARA"
            ]),
            [None, Some(Repeated), Some(Dateline)]
        );
    }

    #[test]
    fn article_lines_stay() {
        let lines = [
            "Libya's Field Marshal Khalifa Haftar and Russia’s defence minister have agreed that a political settlement is the only option for the North African country.",
            "War Continues Despite Arms Embargo and Fragile Truce",
            "Calls for ‘credible’ truce’",
            "“Without a lasting ceasefire … negotiations make no sense. There can be no peace under the bombing.”",
            "The UN is already “recording and verifying reported ceasefire violations” through its political mission in Libya, which employs around 230 people, he added.",
            "NATO and the EU > the rest, he said.",
        ];
        assert_eq!(verdict(&lines), vec![None; lines.len()]);
    }
}
