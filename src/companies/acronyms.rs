//! Acronyms introduced in parentheses: after "Taiwan Semiconductor Manufacturing Co.
//! (TSMC)", every "TSMC" of the article is that company, whether or not the knowledge base
//! lists the acronym.
//!
//! Reads: the article's code points and its entities (original offsets). Writes: the
//! `company` of entities that are a defined acronym and had none.

use crate::record::Entity;

/// An acronym: 2 to 6 capital letters or digits, at least one letter.
fn is_acronym(word: &str) -> bool {
    (2..=6).contains(&word.chars().count())
        && word
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && word.chars().any(|c| c.is_ascii_uppercase())
}

pub fn link_acronyms(chars: &[char], entities: &mut [Entity]) {
    let mut defined: Vec<(String, String)> = Vec::new();
    for e in entities.iter() {
        let Some(company) = &e.company else {
            continue;
        };
        let after: String = chars.iter().skip(e.end).take(10).collect();
        let Some(inner) = after.strip_prefix(" (").and_then(|r| r.split(')').next()) else {
            continue;
        };
        if is_acronym(inner) && !defined.iter().any(|(a, _)| a == inner) {
            defined.push((inner.to_string(), company.clone()));
        }
    }
    for e in entities.iter_mut().filter(|e| e.company.is_none()) {
        if let Some((_, company)) = defined.iter().find(|(a, _)| *a == e.text) {
            e.company = Some(company.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entity(text: &str, all: &str, company: Option<&str>) -> Entity {
        let at = all.find(text).expect("in text");
        let start = all[..at].chars().count();
        Entity {
            text: text.into(),
            label: "ORG".into(),
            start,
            end: start + text.chars().count(),
            score: Some(0.9),
            company: company.map(str::to_string),
            sentiment: None,
        }
    }

    #[test]
    fn a_parenthesised_acronym_takes_the_company_of_the_name_before_it() {
        let text = "Taiwan Semiconductor (TSMC) grew. Later TSMC said more. XYZ did not.";
        let chars: Vec<char> = text.chars().collect();
        let mut entities = vec![
            entity("Taiwan Semiconductor", text, Some("TSMC Ltd")),
            entity("TSMC)", text, None),
            entity("XYZ", text, None),
        ];
        entities[1].text = "TSMC".into();
        entities[1].end -= 1;
        let later = text.rfind("TSMC").expect("later");
        let mut again = entity("TSMC", text, None);
        again.start = text[..later].chars().count();
        again.end = again.start + 4;
        entities.push(again);
        link_acronyms(&chars, &mut entities);
        let companies: Vec<Option<&str>> = entities.iter().map(|e| e.company.as_deref()).collect();
        assert_eq!(
            companies,
            [Some("TSMC Ltd"), Some("TSMC Ltd"), None, Some("TSMC Ltd")]
        );
    }

    #[test]
    fn lowercase_or_long_parentheses_are_not_acronyms() {
        assert!(is_acronym("AWS") && is_acronym("3M"));
        assert!(!is_acronym("Inc") && !is_acronym("ABCDEFG") && !is_acronym("12"));
    }
}
