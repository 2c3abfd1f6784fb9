//! Which quotations are claims. Scare quotes (`the so-called "deal"`), titles of shows,
//! books and slogans (`on ABC's "This Week"`) and names in quotation marks are not.
//!
//! Reads: the word `View`, one quote, its lead and tail words and its attribution.
//! Writes: keep or drop. A short quote (fewer than `min_words` words) is kept when it is a
//! sentence of its own (`"Very good," he said.` / `"Big time."`), when its cue stands right
//! before it (`called "a disaster"`), after it, or governs its `that` clause (`said that it
//! was "unacceptable"`), or when its cue also attributes a longer quote of the sentence. A quote in Title Case that sits inside a sentence is
//! a title, except in a headline `Name: 'Quote In Title Case'`.

use crate::claims::attribution::{Attribution, How};
use crate::claims::quotes::Quote;
use crate::claims::view::View;
use crate::claims::ClaimOptions;

/// Words of a quote: whitespace-separated pieces with a letter or digit.
pub(crate) fn word_count(chars: &[char], q: &Quote) -> usize {
    chars[q.start..q.end]
        .split(|c| c.is_whitespace())
        .filter(|w| w.iter().any(|c| c.is_alphanumeric()))
        .count()
}

/// Minor words a title leaves in lower case.
fn is_minor(word: &str) -> bool {
    matches!(
        word,
        "a" | "an"
            | "the"
            | "of"
            | "and"
            | "or"
            | "for"
            | "to"
            | "in"
            | "on"
            | "at"
            | "by"
            | "with"
            | "from"
            | "as"
            | "vs"
            | "vs."
            | "is"
            | "de"
            | "la"
            | "4"
    )
}

/// `"Sunday Morning Futures"`, `"The Walking Dead"`: every major word capitalised, at most
/// eight words, no sentence punctuation.
pub(crate) fn is_title_case(chars: &[char], q: &Quote) -> bool {
    let text: String = chars[q.start..q.end].iter().collect();
    if text.contains(['.', '!', '?', ';']) {
        return false;
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    let major: Vec<&&str> = words.iter().filter(|w| !is_minor(w)).collect();
    !major.is_empty()
        && words.len() <= 8
        && major.iter().all(|w| {
            w.chars()
                .find(|c| c.is_alphanumeric())
                .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
        })
}

/// `Kasich: 'We Are Going To Win'`: capitalised words and a colon open the paragraph.
fn is_headline_lead(v: &View, lead: &[usize]) -> bool {
    let Some((&colon, name)) = lead.split_last() else {
        return false;
    };
    let opens_paragraph = lead.first().is_some_and(|&w| {
        let s = v.sentence_of[w];
        v.sentence_words[s].start == w
            && (s == 0 || v.paragraph_of_sentence[s - 1] != v.paragraph_of_sentence[s])
    });
    v.word(colon) == ":"
        && opens_paragraph
        && !name.is_empty()
        && name.len() <= 6
        && name
            .iter()
            .all(|&w| v.is_capitalized(w) || v.word(w) == "." || v.word(w) == "'s")
}

/// Should this quote become a claim?
pub(crate) fn keep(
    v: &View,
    q: &Quote,
    lead: &[usize],
    tail: &[usize],
    a: Option<&Attribution>,
    cue_attributes_longer: bool,
    options: &ClaimOptions,
) -> bool {
    let attributed_after = a.is_some_and(|a| a.how == How::Tail);
    let own_sentence = lead.is_empty() && (tail.is_empty() || attributed_after);
    let title = options.titles && is_title_case(v.chars, q);
    if title && !own_sentence && !is_headline_lead(v, lead) {
        return false;
    }
    if word_count(v.chars, q) >= options.min_words || own_sentence || cue_attributes_longer {
        return true;
    }
    match a.map(|a| (a.how, a.cue)) {
        Some((How::Tail | How::Colon, _)) => true,
        Some((How::Lead, Some(cue))) => {
            let between: Vec<&str> = lead
                .iter()
                .filter(|&&w| w >= cue.end)
                .map(|&w| v.word(w))
                .collect();
            // `said that the plan was "unacceptable"`: the cue governs the clause. (Such
            // contents are mixed in PolNeAR, so this costs nothing there.)
            let that_clause = between.len() <= 10 && between.contains(&"that");
            between.len() <= 1 || that_clause
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quote(text: &str) -> (Vec<char>, Quote) {
        let chars: Vec<char> = text.chars().collect();
        let q = Quote {
            start: 0,
            end: chars.len(),
            open: 0,
            close: chars.len(),
            continues: false,
            group: 0,
        };
        (chars, q)
    }

    #[test]
    fn titles_are_title_case_without_sentence_punctuation() {
        for t in [
            "Sunday Morning Futures",
            "The Walking Dead",
            "Thelma and Louise",
        ] {
            let (chars, q) = quote(t);
            assert!(is_title_case(&chars, &q), "{t}");
        }
        for t in [
            "We will win.",
            "limited enterprise-grade capabilities",
            "great [for] it",
        ] {
            let (chars, q) = quote(t);
            assert!(!is_title_case(&chars, &q), "{t}");
        }
    }

    #[test]
    fn words_need_a_letter_or_digit() {
        let (chars, q) = quote("security/privacy features — ok");
        assert_eq!(word_count(&chars, &q), 3);
    }
}
