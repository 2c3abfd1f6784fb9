//! The dateline of a wire story: the place that opens it before the agency's tag
//! ("FRANKFURT (Reuters) -", "HOUSTON/NEW YORK (Reuters) -"). By the convention of every
//! news agency it names where the story was filed, so whatever the tagger makes of the
//! capitalised words there, they are a place.
//!
//! Only datelines in capitals count: that is how the agencies write them.

use std::sync::OnceLock;

use regex::Regex;

use crate::doc::CharRange;

/// The place words of the text's dateline, if it opens with one: up to the space before
/// the agency's parenthesis.
pub fn place(chars: &[char]) -> Option<CharRange> {
    group(chars, 1)
}

/// The agency's name in the text's dateline ("Reuters" of "TOKYO (Reuters) -"): the
/// outlet that filed the story, never what a claim in it is about.
pub fn agency(chars: &[char]) -> Option<CharRange> {
    group(chars, 2)
}

/// Capture group `i` of the dateline pattern, in code points.
fn group(chars: &[char], i: usize) -> Option<CharRange> {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    let pattern = PATTERN.get_or_init(|| {
        // Place words in capitals, as the agencies write them (joined by spaces, "/", ","
        // or "-"), then the agency's name in parentheses and a dash. A story that opens
        // with a name and its ticker ("Apple (AAPL) - ...") is written in mixed case.
        Regex::new(r"^\s*([A-Z][A-Z.'’]*(?:[ /,-]+[A-Z][A-Z.'’]*){0,5})\s*\(\s*([A-Z][A-Za-z&. ]{0,30}?)\s*\)\s*(?:-|--|–|—)")
            .expect("the dateline pattern compiles")
    });
    // Enough of the text for any dateline; the regex works on bytes, the document on chars.
    let head: String = chars.iter().take(120).collect();
    let found = pattern.captures(&head)?.get(i)?;
    let start = head[..found.start()].chars().count();
    let end = start + found.as_str().chars().count();
    Some(CharRange::new(start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place_of(text: &str) -> Option<String> {
        let chars: Vec<char> = text.chars().collect();
        place(&chars).map(|r| chars[r.start..r.end].iter().collect())
    }

    #[test]
    fn wire_datelines_give_their_place() {
        assert_eq!(
            place_of("TOKYO (Reuters) - Shares fell.").as_deref(),
            Some("TOKYO")
        );
        assert_eq!(
            place_of("HOUSTON/NEW YORK (Reuters) - Oil rose.").as_deref(),
            Some("HOUSTON/NEW YORK")
        );
        assert_eq!(
            place_of("WASHINGTON, D.C. (AP) — The Fed said.").as_deref(),
            Some("WASHINGTON, D.C.")
        );
    }

    #[test]
    fn the_agency_is_the_name_in_the_parentheses() {
        let chars: Vec<char> = "LONDON ( Reuters ) - Oil rose.".chars().collect();
        let agency = agency(&chars).map(|r| chars[r.start..r.end].iter().collect::<String>());
        assert_eq!(agency.as_deref(), Some("Reuters"));
    }

    #[test]
    fn text_without_a_dateline_has_none() {
        assert_eq!(place_of("Apple (AAPL) - the maker of phones."), None);
        assert_eq!(place_of("Shares of Boeing (Reuters) rose."), None);
        assert_eq!(place_of("The company said on Monday it would grow."), None);
    }
}
