//! Is this organisation a company, and which of an article's: one home for the tests that
//! `target`, `affiliation` and `unlisted` share. A public body, a market or an index is no
//! company ("Bank of Japan", "Nikkei", "the CFDT union"); an acronym is what it stands for;
//! the article's first and focal companies are counted outside quotes.

use crate::claims::view::View;
use crate::companies::acronyms::expansion;
use crate::companies::kinds::{is_kind_after, is_not_company};
use crate::doc::{EntityLabel, WordRange};

/// The mentions of the entity `words`: the same words anywhere in the article.
pub(super) fn mentions_of(v: &View, words: WordRange) -> Vec<WordRange> {
    let all = WordRange::new(0, v.words.len());
    (v.entities_in(all).iter().copied())
        .filter(|&e| same_words(v, e, words))
        .collect()
}

/// Whether the knowledge base links the entity at `words` to a company.
pub(super) fn is_linked(v: &View, words: WordRange) -> bool {
    (v.entity_of.get(words.start).copied().flatten())
        .and_then(|i| v.entities.get(i))
        .is_some_and(|m| m.company.is_some())
}

/// The organisation an acronym or short name at `words` stands for ("RBA" → Reserve Bank
/// of Australia, "Dutch PTT" → Koninklijke PTT Nederland NV), else `words`.
pub(super) fn stands_for(v: &View, words: WordRange) -> WordRange {
    (v.span(words))
        .and_then(|r| expansion(v.chars, v.entities, r))
        .map_or(words, |full| v.words_in(full))
}

/// Whether the organisation entity `words` is a company (not a public body).
pub(super) fn is_company(v: &View, words: WordRange) -> bool {
    // "the Socialist CFDT union": the kind follows the name wherever the article names it
    // (not "Boeing union members" in an article that also says "Boeing said").
    let mentions = mentions_of(v, words);
    if !is_linked(v, words)
        && !mentions.is_empty()
        && (mentions.iter()).all(|e| is_kind_after(v.word(e.end)))
    {
        return false;
    }
    // An acronym is what it stands for: "RBA" is the Reserve Bank of Australia.
    let words = stands_for(v, words);
    (words.start..words.end).all(|w| !is_not_company(v.word(w)))
        && !(words.start..words.end).any(|w| v.word(w) == "bank" && v.word(w + 1) == "of")
}

/// The words of an entity, for comparing mentions.
pub(super) fn text<'a>(v: &'a View, r: WordRange) -> Vec<&'a str> {
    (r.start..r.end).map(|w| v.word(w)).collect()
}

/// Whether two entities are written with the same words (asked per mention pair: no list
/// is built).
pub(super) fn same_words(v: &View, a: WordRange, b: WordRange) -> bool {
    (a.start..a.end)
        .map(|w| v.word(w))
        .eq((b.start..b.end).map(|w| v.word(w)))
}

/// The first company the article names outside quotes (its lead's subject, in news).
pub(super) fn first_company(v: &View) -> Option<WordRange> {
    companies_outside_quotes(v).next()
}

/// The company entities of the article outside quotes, in text order.
pub(super) fn companies_outside_quotes<'v>(v: &'v View) -> impl Iterator<Item = WordRange> + 'v {
    let all = WordRange::new(0, v.words.len());
    (v.entities_in(all).iter().copied()).filter(move |&e| {
        v.label(e.start) == Some(EntityLabel::Organisation)
            && !v.is_quoted(e.start)
            && is_company(v, e)
    })
}

/// The article's focal company: the company named most often outside quotes (first named
/// on a tie), other than the firms outside commentators speak for.
pub(super) fn focal_company(v: &View, except: &[WordRange]) -> Option<WordRange> {
    let mut counts: Vec<(Vec<&str>, usize, WordRange)> = Vec::new();
    for e in companies_outside_quotes(v) {
        if except.iter().any(|&x| same_words(v, x, e)) {
            continue;
        }
        let key = text(v, e);
        match counts.iter_mut().find(|(k, _, _)| *k == key) {
            Some(entry) => entry.1 += 1,
            None => counts.push((key, 1, e)),
        }
    }
    let most = counts.iter().map(|c| c.1).max()?;
    counts.into_iter().find(|c| c.1 == most).map(|c| c.2)
}
