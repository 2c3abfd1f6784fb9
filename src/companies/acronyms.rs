//! Acronyms and short names introduced in parentheses: after "Taiwan Semiconductor
//! Manufacturing Co. (TSMC)", every "TSMC" of the article is that company, whether or not
//! the knowledge base lists the acronym.
//!
//! Reads: the article's code points and its entities (original offsets). Writes: the
//! `company` of entities that are a defined acronym and had none. [`expansion`] names any
//! acronym by the organisation of the article whose initials it is ("CBSA" → "Copper and
//! Brass Servicenter Association"), known to the knowledge base or not.

use crate::companies::kinds;
use crate::doc::{single_spaced, text_at, CharRange, EntityLabel, Mention, MentionKind};

/// An acronym: 2 to 6 capital letters or digits, at least one letter. Not "S&P": it
/// names the S&P 500 index as often as the rating agency.
fn is_acronym(word: &str) -> bool {
    (2..=6).contains(&word.chars().count())
        && word
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && word.chars().any(|c| c.is_ascii_uppercase())
}

/// Gives the entities among `mentions` that are an acronym defined after a company's name
/// that company. `chars` is the normalised text.
pub fn link_acronyms(chars: &[char], mentions: &mut [Mention]) {
    let text = |m: &Mention| text_at(chars, m.range);
    let entities = |m: &&Mention| m.kind == MentionKind::Entity;
    let mut defined: Vec<(String, String)> = Vec::new();
    for m in mentions.iter().filter(entities) {
        let Some(company) = &m.company else {
            continue;
        };
        let Some(inner) = defined_after(chars, m.range) else {
            continue;
        };
        if !defined.iter().any(|(a, _)| *a == inner) {
            defined.push((inner, company.clone()));
        }
    }
    for m in mentions.iter_mut() {
        if m.kind != MentionKind::Entity || m.company.is_some() {
            continue;
        }
        let name = single_spaced(&text(m));
        if let Some((_, company)) = defined.iter().find(|(a, _)| *a == name) {
            m.company = Some(company.clone());
        }
    }
}

/// Whether a parenthesis opens right after `range` (past spaces and a possessive), within
/// the characters `defined_after` reads: what it needs, told from a few characters without
/// building a string, as it is asked for every organisation of the article.
fn may_define(chars: &[char], range: CharRange) -> bool {
    fn spaces_skipped(s: &[char]) -> &[char] {
        &s[s.iter().take_while(|c| c.is_whitespace()).count()..]
    }
    let after = chars.get(range.end..).unwrap_or_default();
    let rest = spaces_skipped(&after[..after.len().min(40)]);
    let rest = match rest {
        ['\'' | '’', 's', ..] => &rest[2..],
        ['\'' | '’', ' ', 's', ..] => &rest[3..],
        _ => rest,
    };
    spaces_skipped(rest).first() == Some(&'(')
}

/// The short name a name defines in the parentheses right after it: an acronym
/// ("Guinness Peat Group Plc (GPG)", also spaced as "( GPG )"), up to three capitalised
/// words ("Koninklijke PTT Nederland NV (Dutch PTT)"), or a ticker's symbol ("( AEP.N )").
fn defined_after(chars: &[char], range: CharRange) -> Option<String> {
    let after: String = chars.iter().skip(range.end).take(40).collect();
    let after = after.trim_start();
    // "Koninklijke PTT Nederland NV's (Dutch PTT)"
    let after = ["'s", "’s", "' s", "’ s"]
        .iter()
        .find_map(|p| after.strip_prefix(p))
        .unwrap_or(after);
    let inner = after
        .trim_start()
        .strip_prefix('(')?
        .split(')')
        .next()?
        .trim();
    // A ticker's symbol is a short name too: after "American Electric Power Co. Inc.
    // ( AEP.N )", "AEP" is that company.
    if let Some((symbol, exchange)) = inner.split_once('.') {
        let symbol = symbol.trim_end_matches(['a', 'b', 'c']);
        let ric = is_acronym(symbol)
            && (1..=2).contains(&exchange.len())
            && exchange.chars().all(|c| c.is_ascii_uppercase());
        return (ric && after.contains(')')).then(|| symbol.to_string());
    }
    let words: Vec<&str> = inner.split_whitespace().collect();
    let short_name = (1..=3).contains(&words.len())
        && words.iter().all(|w| {
            w.starts_with(|c: char| c.is_uppercase())
                && w.chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '&' | '-'))
        });
    (after.contains(')') && (is_acronym(inner) || short_name)).then(|| words.join(" "))
}

/// Words that may or may not give their initial to an acronym ("Bank of Japan": BOJ, BJ).
fn is_joiner(word: &str) -> bool {
    matches!(
        word.to_lowercase().as_str(),
        "of" | "and" | "the" | "for" | "&" | "de" | "du" | "la" | "del"
    )
}

/// Whether `letters` are the initials of `words`, joiners optional, or of the words after
/// a public body's kind ("HHS": the Department of Health and Human Services).
fn initials_match_name(letters: &[char], words: &[&str]) -> bool {
    let kind_of = words.len() > 2
        && kinds::is_not_company(&words[0].to_lowercase())
        && words[1].eq_ignore_ascii_case("of");
    initials_match(letters, words) || (kind_of && initials_match(letters, &words[2..]))
}

/// Whether `letters` are the initials of `words`, joiners optional.
fn initials_match(letters: &[char], words: &[&str]) -> bool {
    let Some((word, rest)) = words.split_first() else {
        return letters.is_empty();
    };
    // "American Electric Power Co. Inc.": AEP, the legal forms left out.
    if letters.is_empty() && words.iter().all(|w| kinds::is_legal_form(w)) {
        return true;
    }
    let initial = word.chars().next().map(|c| c.to_ascii_uppercase());
    let uses = letters.first().copied() == initial && initials_match(&letters[1..], rest);
    uses || (is_joiner(word) && initials_match(letters, rest))
}

/// The organisation entity the short name at `range` stands for: the name that defines it
/// in parentheses, else for an acronym the organisation whose initials it is, when the
/// article has exactly one such name (several different ones: none).
pub fn expansion(chars: &[char], mentions: &[Mention], range: CharRange) -> Option<CharRange> {
    let short = text_at(chars, range);
    let organisations = || {
        (mentions.iter())
            .filter(|m| m.kind == MentionKind::Entity && m.label == EntityLabel::Organisation)
    };
    // A name that defines it in parentheses is what it stands for, initials or not
    // ("Central Office of Statistics and Information (OCEI)", "Koninklijke PTT Nederland
    // NV (Dutch PTT)").
    let written = single_spaced(&short);
    if let Some(m) = organisations().find(|m| {
        m.range != range
            && may_define(chars, m.range)
            && defined_after(chars, m.range).as_deref() == Some(&written)
    }) {
        return Some(m.range);
    }
    if !is_acronym(&short) {
        return None;
    }
    // An acronym the article also writes with a legal form ("UBS AG") is that company's
    // own name, not the initials of another one it mentions ("the merger of Union Bank
    // of Switzerland and Swiss Bank Corp.").
    if let Some(m) = organisations().find(|m| {
        let name = text_at(chars, m.range);
        let mut words = name.split_whitespace();
        words.next() == Some(short.as_str()) && {
            let rest: Vec<&str> = words.collect();
            !rest.is_empty() && rest.iter().all(|w| kinds::is_legal_form(w))
        }
    }) {
        return Some(m.range);
    }
    let letters: Vec<char> = short.chars().filter(char::is_ascii_alphabetic).collect();
    let mut found: Option<(CharRange, String)> = None;
    // Only names of two words or more can have initials; looking at the characters first
    // keeps an article naming one firm thousands of times from costing a string each.
    let several_words = |r: CharRange| {
        (chars.get(r.start..r.end)).is_some_and(|c| c.iter().any(|c| c.is_whitespace()))
    };
    for m in organisations().filter(|m| several_words(m.range)) {
        let name = text_at(chars, m.range);
        let words: Vec<&str> = name.split_whitespace().collect();
        if words.len() < 2 || !initials_match_name(&letters, &words) {
            continue;
        }
        match &found {
            Some((_, seen)) if *seen != name => return None,
            Some(_) => {}
            None => found = Some((m.range, name)),
        }
    }
    found.map(|(r, _)| r)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::doc::{CharRange, EntityLabel};

    /// An ORG entity over the `n`-th occurrence of `name` in `text`.
    fn entity(text: &str, name: &str, n: usize, company: Option<&str>) -> Mention {
        let at = text.match_indices(name).nth(n).expect("in text").0;
        let start = text[..at].chars().count();
        Mention {
            range: CharRange::new(start, start + name.chars().count()),
            label: EntityLabel::Organisation,
            kind: MentionKind::Entity,
            score: Some(0.9),
            company: company.map(str::to_string),
            sentiment: None,
        }
    }

    /// The text `expansion` gives for the `i`-th entity.
    fn expanded(chars: &[char], entities: &[Mention], i: usize) -> Option<String> {
        expansion(chars, entities, entities[i].range)
            .map(|r| chars[r.start..r.end].iter().collect::<String>())
    }

    #[test]
    fn the_quick_check_lets_every_definition_through() {
        for (text, name, defined) in [
            (
                "Guinness Peat Group Plc (GPG) rose",
                "Guinness Peat Group Plc",
                true,
            ),
            (
                "Guinness Peat Group Plc ( GPG ) rose",
                "Guinness Peat Group Plc",
                true,
            ),
            (
                "Koninklijke PTT Nederland NV's (Dutch PTT) said",
                "Koninklijke PTT Nederland NV",
                true,
            ),
            (
                "Koninklijke PTT Nederland NV ’ s  (Dutch PTT) said",
                "Koninklijke PTT Nederland NV",
                true,
            ),
            ("Apple Inc (AAPL.O) rose", "Apple Inc", true),
            ("Apple Inc (No.1) rose", "Apple Inc", false),
            ("Apple Inc said (on Monday) that", "Apple Inc", false),
            ("Apple Inc", "Apple Inc", false),
        ] {
            let chars: Vec<char> = text.chars().collect();
            let range = CharRange::new(0, name.chars().count());
            assert_eq!(defined_after(&chars, range).is_some(), defined, "{text}");
            assert!(!defined || may_define(&chars, range), "{text}");
        }
        let text = "Apple Inc said (on Monday) that";
        let chars: Vec<char> = text.chars().collect();
        assert!(!may_define(&chars, CharRange::new(0, 9)));
    }

    #[test]
    fn a_parenthesised_acronym_takes_the_company_of_the_name_before_it() {
        let text = "Taiwan Semiconductor (TSMC) grew. Later TSMC said more. XYZ did not.";
        let chars: Vec<char> = text.chars().collect();
        let mut entities = vec![
            entity(text, "Taiwan Semiconductor", 0, Some("TSMC Ltd")),
            entity(text, "TSMC", 0, None),
            entity(text, "XYZ", 0, None),
            entity(text, "TSMC", 1, None),
        ];
        link_acronyms(&chars, &mut entities);
        let companies: Vec<Option<&str>> = entities.iter().map(|e| e.company.as_deref()).collect();
        assert_eq!(
            companies,
            [Some("TSMC Ltd"), Some("TSMC Ltd"), None, Some("TSMC Ltd")]
        );
    }

    #[test]
    fn an_acronym_expands_to_the_organisation_with_its_initials() {
        let text = "The Copper and Brass Servicenter Association said. The CBSA added. \
                    The Bank of Japan and the BOJ. ABC and XYZ.";
        let chars: Vec<char> = text.chars().collect();
        let entities = vec![
            entity(text, "Copper and Brass Servicenter Association", 0, None),
            entity(text, "CBSA", 0, None),
            entity(text, "Bank of Japan", 0, None),
            entity(text, "BOJ", 0, None),
            entity(text, "XYZ", 0, None),
        ];
        let expand = |i: usize| expanded(&chars, &entities, i);
        assert_eq!(
            expand(1).as_deref(),
            Some("Copper and Brass Servicenter Association")
        );
        assert_eq!(expand(3).as_deref(), Some("Bank of Japan"));
        assert_eq!(expand(4), None, "no name with those initials");
        assert_eq!(expand(0), None, "not an acronym");
    }

    #[test]
    fn a_public_bodys_kind_may_stand_before_its_initials() {
        let text = "The Department of Health and Human Services said. HHS added. S&P rose.";
        let chars: Vec<char> = text.chars().collect();
        let entities = vec![
            entity(text, "Department of Health and Human Services", 0, None),
            entity(text, "HHS", 0, None),
            entity(text, "S&P", 0, None),
        ];
        let expand = |i: usize| expanded(&chars, &entities, i);
        assert_eq!(
            expand(1).as_deref(),
            Some("Department of Health and Human Services")
        );
        assert_eq!(expand(2), None, "no acronym: the S&P 500 is no agency");
    }

    #[test]
    fn a_name_defining_an_acronym_expands_it_spaced_or_not_initials_or_not() {
        let text = "Guinness Peat Group Plc ( GPG ) grew. The GPG board met. \
                    Central Office of Statistics and Information (OCEI) said. OCEI added.";
        let chars: Vec<char> = text.chars().collect();
        let entities = vec![
            entity(text, "Guinness Peat Group Plc", 0, None),
            entity(text, "GPG", 1, None),
            entity(
                text,
                "Central Office of Statistics and Information",
                0,
                None,
            ),
            entity(text, "OCEI", 1, None),
        ];
        let expand = |i: usize| expanded(&chars, &entities, i);
        assert_eq!(expand(1).as_deref(), Some("Guinness Peat Group Plc"));
        assert_eq!(
            expand(3).as_deref(),
            Some("Central Office of Statistics and Information")
        );
        // Initials alone, with a legal form left out.
        assert!(initials_match(
            &['G', 'P', 'G'],
            &["Guinness", "Peat", "Group", "Plc"]
        ));
        assert!(!initials_match(
            &['G', 'P'],
            &["Guinness", "Peat", "Group", "Plc"]
        ));
    }

    #[test]
    fn a_short_name_in_parentheses_stands_for_the_name_before_it_and_a_ticker_does_not() {
        let text =
            "Koninklijke PTT Nederland NV 's ( Dutch PTT ) grew. Later Dutch PTT said more. \
                    Contoso Inc (CTSO.O) rose. CTSO.O fell. Fabrikam (in Ohio) hired.";
        let chars: Vec<char> = text.chars().collect();
        let entities = vec![
            entity(text, "Koninklijke PTT Nederland NV", 0, None),
            entity(text, "Dutch PTT", 1, None),
            entity(text, "Contoso Inc", 0, None),
            entity(text, "CTSO.O", 1, None),
            entity(text, "Fabrikam", 0, None),
        ];
        let expand = |i: usize| expanded(&chars, &entities, i);
        assert_eq!(expand(1).as_deref(), Some("Koninklijke PTT Nederland NV"));
        assert_eq!(expand(3), None, "a ticker is no short name");
        assert_eq!(
            defined_after(&chars, entities[2].range).as_deref(),
            Some("CTSO")
        );
        assert_eq!(
            defined_after(&chars, entities[4].range),
            None,
            "lowercase words"
        );
        assert_eq!(expand(0), None, "the full name stands for itself");
    }

    #[test]
    fn an_acronym_written_with_a_legal_form_is_its_own_name() {
        let text = "UBS AG cut jobs. UBS was formed by Union Bank of Switzerland and others. \
                    American Electric Power Co. Inc. rose. AEP said.";
        let chars: Vec<char> = text.chars().collect();
        let entities = vec![
            entity(text, "UBS AG", 0, None),
            entity(text, "UBS", 1, None),
            entity(text, "Union Bank of Switzerland", 0, None),
            entity(text, "American Electric Power Co. Inc.", 0, None),
            entity(text, "AEP", 0, None),
        ];
        let expand = |i: usize| expanded(&chars, &entities, i);
        assert_eq!(expand(1).as_deref(), Some("UBS AG"));
        assert_eq!(
            expand(4).as_deref(),
            Some("American Electric Power Co. Inc."),
            "initials with two legal forms left out"
        );
    }

    #[test]
    fn lowercase_or_long_parentheses_are_not_acronyms() {
        assert!(is_acronym("AWS") && is_acronym("3M"));
        assert!(!is_acronym("Inc") && !is_acronym("ABCDEFG") && !is_acronym("12"));
    }
}
