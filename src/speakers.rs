//! Who said it, named once: a person speaker goes by the fullest name the article gives
//! that person ("Jim Farley" where the attribution says "Farley", or "he" whose antecedent
//! is "Farley"), so one person is one name across an article's claims; and every speaker
//! says what it is (`SpeakerKind`).
//!
//! Reads: the document's mentions and text. Used when the record is written.

use serde::{Deserialize, Serialize};

use crate::claims::lexicon::{is_function_word, is_report_noun};
use crate::doc::{CharRange, Document, EntityLabel, MentionKind};

/// What a speaker is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SpeakerKind {
    /// A named person.
    Person,
    /// A named organisation (a company, a body, a government).
    Organisation,
    /// People in the plural, unnamed: "analysts", "officials", "many Democrats".
    Group,
    /// A text: "the report", "the statement", "a filing".
    Document,
    /// One unnamed person: "a spokesman", "a person familiar with the matter".
    Unnamed,
}

/// The fullest name of the person named at `range` (a person entity of the document):
/// among the article's person names that end with the same words ("Trump" in "Donald
/// Trump", "Donald J. Trump"), those of the nearest one before `range` (else the first
/// after it), the longest. `None` when the article names no such person more fully.
pub(crate) fn person_name(doc: &Document, range: CharRange) -> Option<String> {
    let mut own = name_words(&doc.name_of(range));
    // "Mr. Clarke" is Clarke: the honorific is no part of the name to match.
    if own.len() > 1 && is_honorific(&own[0]) {
        own.remove(0);
    }
    let last = own.last()?;
    let people: Vec<(CharRange, Vec<String>)> = (doc.mentions.iter())
        .filter(|m| m.kind == MentionKind::Entity && m.label == EntityLabel::Person)
        .map(|m| (m.range, name_words(&doc.name_of(m.range))))
        .filter(|(_, words)| words.len() > own.len() && without_suffix(words).ends_with(&own))
        .filter(|(_, words)| !is_honorific(&words[0]))
        .collect();
    let anchor = (people.iter())
        .rfind(|(r, _)| r.end <= range.start)
        .or_else(|| people.iter().find(|(r, _)| r.start >= range.end))?;
    // The same person: the same first name, or the same last word when the name is one word.
    let first = anchor.1.first()?;
    let fullest = (people.iter())
        .filter(|(_, words)| {
            words.first() == Some(first) && without_suffix(words).last() == Some(last)
        })
        .max_by_key(|(r, words)| (words.len(), std::cmp::Reverse(r.start)))?;
    Some(fullest.1.join(" "))
}

/// Words before a surname that are not part of the name.
const HONORIFICS: &[&str] = &[
    "Mr",
    "Mrs",
    "Ms",
    "Miss",
    "Dr",
    "Prof",
    "Sir",
    "Dame",
    "Lord",
    "Lady",
    "Sen",
    "Senator",
    "Rep",
    "Gov",
    "Governor",
    "President",
    "Gen",
    "General",
    "Judge",
    "Justice",
];

/// A name's words without a generational suffix: "Arthur Sulzberger Jr." ends with the
/// surname before it.
fn without_suffix(words: &[String]) -> &[String] {
    match words.split_last() {
        Some((suffix, rest)) if !rest.is_empty() && is_name_suffix(suffix) => rest,
        _ => words,
    }
}

/// Whether a name's last word is a generational suffix ("Jr.", "III"), not its surname.
pub(crate) fn is_name_suffix(word: &str) -> bool {
    matches!(
        word.trim_end_matches('.').to_lowercase().as_str(),
        "jr" | "sr" | "ii" | "iii" | "iv"
    )
}

fn is_honorific(word: &str) -> bool {
    HONORIFICS.contains(&word.trim_end_matches('.'))
}

/// The words of a name without a possessive ending ("Lee's" → "Lee").
fn name_words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = name.split_whitespace().map(str::to_string).collect();
    if let Some(last) = words.last_mut() {
        for ending in ["'s", "’s", "'", "’"] {
            if let Some(stem) = last.strip_suffix(ending).filter(|s| !s.is_empty()) {
                *last = stem.to_string();
                break;
            }
        }
    }
    words
}

/// What the speaker named by `phrase` is: a person or organisation when it resolved to a
/// person or organisation entity (`entity`) or a company; otherwise by the phrase's head
/// word: a document noun, a plural (a group), else one unnamed person.
pub(crate) fn kind(
    doc: &Document,
    phrase: CharRange,
    entity: Option<CharRange>,
    company: bool,
) -> SpeakerKind {
    if company {
        return SpeakerKind::Organisation;
    }
    let label = |range: CharRange| {
        (doc.mentions.iter())
            .filter(|m| m.kind == MentionKind::Entity && m.range.overlaps(range))
            .map(|m| m.label)
            .find(|l| matches!(l, EntityLabel::Person | EntityLabel::Organisation))
    };
    match entity.and_then(label).or_else(|| label(phrase)) {
        Some(EntityLabel::Person) => return SpeakerKind::Person,
        Some(_) => return SpeakerKind::Organisation,
        None => {}
    }
    let text = doc.name_of(phrase).to_lowercase();
    let words: Vec<&str> = (text.split(|c: char| !c.is_alphanumeric() && c != '-'))
        .filter(|w| !w.is_empty())
        .collect();
    // The head: the last word before a post-modifier ("a person familiar with ...").
    let head = (words.iter())
        .take_while(|w| {
            !matches!(
                **w,
                "of" | "at" | "with" | "familiar" | "who" | "from" | "in"
            )
        })
        .filter(|w| !is_function_word(w))
        .last()
        .copied()
        .unwrap_or("");
    if is_report_noun(head) || DOCUMENT_NOUNS.contains(&head) {
        SpeakerKind::Document
    } else if is_plural(head) || words.first().is_some_and(|w| is_plural_determiner(w)) {
        SpeakerKind::Group
    } else {
        SpeakerKind::Unnamed
    }
}

/// Texts that say things, beyond the report nouns of the cue lexicon.
const DOCUMENT_NOUNS: &[&str] = &[
    "statement",
    "filing",
    "letter",
    "memo",
    "study",
    "survey",
    "poll",
    "article",
    "ad",
    "advertisement",
    "release",
    "document",
    "complaint",
    "lawsuit",
    "ruling",
    "minutes",
    "post",
    "tweet",
    "email",
    "website",
    "data",
    "figures",
    "prospectus",
    "indictment",
    "order",
    "bill",
    "plan",
    "proposal",
];

/// A plural noun: "analysts", "officials", "people" (not "business", "analysis").
fn is_plural(word: &str) -> bool {
    matches!(
        word,
        "people" | "men" | "women" | "police" | "staff" | "children"
    ) || (word.len() > 3
        && word.ends_with('s')
        && !word.ends_with("ss")
        && !word.ends_with("us")
        && !word.ends_with("is"))
}

fn is_plural_determiner(word: &str) -> bool {
    matches!(
        word,
        "some" | "many" | "several" | "both" | "those" | "these" | "few" | "most" | "all"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::mentions_in;
    use crate::doc::Article;
    use crate::text::Markup;

    fn doc(text: &str, entities: &[(&str, &str)]) -> Document {
        let mut doc = Document::new(&Article::new("a", text), Markup::Plain);
        doc.mentions = mentions_in(text, entities);
        doc
    }

    fn range_of(text: &str, needle: &str, nth: usize) -> CharRange {
        let byte = text
            .match_indices(needle)
            .nth(nth)
            .map(|(b, _)| b)
            .expect("in text");
        let start = text[..byte].chars().count();
        CharRange::new(start, start + needle.chars().count())
    }

    #[test]
    fn a_surname_goes_by_the_fullest_name_of_that_person() {
        let text = "Jim Farley runs Ford. Bill Clinton and Hillary Clinton met. Farley said so. \
                    Clinton agreed, and Lee's aide Ann Lee said Lee's plan works. Mr. Farley left.";
        let d = doc(
            text,
            &[
                ("Jim Farley", "PER"),
                ("Farley", "PER"),
                ("Bill Clinton", "PER"),
                ("Hillary Clinton", "PER"),
                ("Clinton", "PER"),
                ("Ann Lee", "PER"),
                ("Lee's", "PER"),
                ("Mr. Farley", "PER"),
            ],
        );
        let mister = range_of(text, "Mr. Farley", 0);
        assert_eq!(person_name(&d, mister).as_deref(), Some("Jim Farley"));
        let farley = range_of(text, "Farley", 1);
        assert_eq!(person_name(&d, farley).as_deref(), Some("Jim Farley"));
        // Two people share the surname: the nearest full name before it.
        let clinton = range_of(text, "Clinton", 2);
        assert_eq!(person_name(&d, clinton).as_deref(), Some("Hillary Clinton"));
        // The full name comes after; a possessive is no part of the name.
        let lee = range_of(text, "Lee's", 0);
        assert_eq!(person_name(&d, lee).as_deref(), Some("Ann Lee"));
        // A full name is already the fullest.
        assert_eq!(person_name(&d, range_of(text, "Jim Farley", 0)), None);
        // A generational suffix follows the surname.
        let text = "Chairman Arthur Sulzberger Jr. sold shares. Sulzberger said so.";
        let d = doc(
            text,
            &[("Arthur Sulzberger Jr.", "PER"), ("Sulzberger", "PER")],
        );
        let sulzberger = range_of(text, "Sulzberger", 1);
        assert_eq!(
            person_name(&d, sulzberger).as_deref(),
            Some("Arthur Sulzberger Jr.")
        );
    }

    #[test]
    fn kinds_follow_the_entity_else_the_head_word() {
        let text = "Ann Lee, Contoso, analysts, the report, a person familiar with it, officials \
                    at the agency, some economists, a spokesman";
        let d = doc(text, &[("Ann Lee", "PER"), ("Contoso", "ORG")]);
        let kind_of = |s: &str| kind(&d, range_of(text, s, 0), None, false);
        assert_eq!(kind_of("Ann Lee"), SpeakerKind::Person);
        assert_eq!(kind_of("Contoso"), SpeakerKind::Organisation);
        assert_eq!(kind_of("analysts"), SpeakerKind::Group);
        assert_eq!(kind_of("the report"), SpeakerKind::Document);
        assert_eq!(kind_of("a person familiar with it"), SpeakerKind::Unnamed);
        assert_eq!(kind_of("officials at the agency"), SpeakerKind::Group);
        assert_eq!(kind_of("some economists"), SpeakerKind::Group);
        assert_eq!(kind_of("a spokesman"), SpeakerKind::Unnamed);
    }
}
