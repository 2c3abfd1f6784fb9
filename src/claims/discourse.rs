//! Attribution across sentences: a quote's lead and tail words, the sentence after a
//! quote that the segmenter split off (`"Why?" Trump asked.`), a colon closing the
//! sentence before (`X said:` / `"..."`), and, for a quote that stands alone, the
//! subject of the narrative sentence before it or the speaker of the previous quote.
//!
//! Reads: the word `View`, the quotes and the attributions found so far. Writes:
//! `Parts` per quote and `Attribution`s.

use crate::claims::attribution::{from_colon, from_lead, from_tail, Attribution, How};
use crate::claims::lexicon::is_subject_pronoun;
use crate::claims::quotes::Quote;
use crate::claims::view::View;
use crate::doc::{FoundClaim, WordRange};

/// Lead and tail words of a quote and the sentences it spans.
pub(crate) struct Parts {
    pub lead: Vec<usize>,
    pub tail: Vec<usize>,
    pub first: usize,
    pub last: usize,
}

pub(crate) fn parts(v: &View, q: &Quote) -> Parts {
    let first = v.sentence_at(q.open);
    let last = v.sentence_at(q.close.saturating_sub(1).max(q.open));
    // The segmenter keeps `... Netanyahu. ''They didn't ...''` in one sentence: a
    // sentence-final mark outside quotes ends the lead's sentence all the same.
    let ends = |w: usize| matches!(v.word(w), "." | "?" | "!");
    let mut lead: Vec<usize> = v
        .unquoted_words(first)
        .into_iter()
        .filter(|&w| v.words[w].start < q.open)
        .collect();
    if let Some(p) = lead.iter().rposition(|&w| ends(w)) {
        lead.drain(..=p);
    }
    // `X, an analyst for Kalf, Voorhis & Co.` / `, said the deal was "..."`: no sentence
    // opens with a comma, so the segmenter split at an abbreviation and the lead goes on
    // from the sentence before (when that one quotes nothing).
    let before = first.checked_sub(1).and_then(|b| v.sentence_words.get(b));
    if let Some(&before) = before.filter(|_| lead.first().is_some_and(|&w| v.word(w) == ",")) {
        if (before.start..before.end).all(|w| !v.is_quoted(w)) {
            let mut joined: Vec<usize> = (before.start..before.end).collect();
            if joined.last().is_some_and(|&w| v.word(w) == ".") {
                joined.pop();
            }
            if let Some(p) = joined.iter().rposition(|&w| ends(w)) {
                joined.drain(..=p);
            }
            joined.append(&mut lead);
            lead = joined;
        }
    }
    let end = v.sentence_words.get(last).map_or(0, |s| s.end);
    let tail = (v.word_at(q.close)..end)
        .take_while(|&w| !v.is_quoted(w))
        .collect();
    Parts {
        lead,
        tail,
        first,
        last,
    }
}

/// `"Why?" Trump asked.`: the segmenter ends the sentence inside the quote, so the next
/// sentence of the paragraph is the tail when it is short or the quote asks or exclaims.
pub(crate) fn next_sentence_tail(v: &View, q: &Quote, p: &Parts) -> Option<Attribution> {
    if !p.tail.is_empty() || q.continues {
        return None;
    }
    let next = p.last + 1;
    let WordRange { start: a, end: b } = *v.sentence_words.get(next)?;
    let same_paragraph = v.paragraph_of_sentence.get(next) == v.paragraph_of_sentence.get(p.last);
    // A line of its own that only attributes (`Randall said.`) belongs to the quote above.
    let bare = b - a <= 5;
    if !(same_paragraph || bare) || v.words.get(a).is_none_or(|w| w.start < q.close) {
        return None;
    }
    let tail: Vec<usize> = (a..b).take_while(|&w| !v.is_quoted(w)).collect();
    let exclaims = v.chars[q.end.saturating_sub(1)..q.close]
        .iter()
        .any(|&c| c == '?' || c == '!');
    let short = b - a <= 10;
    (from_tail(v, &tail))
        .filter(|_| exclaims || short)
        .filter(|t| same_paragraph || t.cue.is_some())
}

/// `X said:` closing the sentence (or paragraph) before a quote that opens its sentence.
pub(crate) fn colon_lead(v: &View, p: &Parts) -> Option<Attribution> {
    if !p.lead.is_empty() || p.first == 0 {
        return None;
    }
    let previous = p.first - 1;
    let mut words = v.unquoted_words(previous);
    if words.last().is_none_or(|&w| v.word(w) != ":") {
        return None;
    }
    let colon_words = words.clone();
    words.pop();
    from_lead(v, &words)
        .or_else(|| from_colon(v, &colon_words))
        .map(|a| Attribution {
            how: How::Colon,
            ..a
        })
}

/// The subject opening sentence `s` when it is a narrative sentence (no quote): a
/// person or organisation, or a personal pronoun.
fn narrative_subject(v: &View, s: usize) -> Option<WordRange> {
    let WordRange { start: a, end: b } = *v.sentence_words.get(s)?;
    if (a..b).any(|w| v.is_quoted(w)) {
        return None;
    }
    let first = a;
    if v.is_agent(first) {
        return v.entity_words(first);
    }
    let w = v.word(first);
    (is_subject_pronoun(w) && !matches!(w, "who" | "i" | "you" | "it"))
        .then_some(WordRange::new(first, first + 1))
}

/// For a quote that opens its sentence with no attribution of its own: the subject of the
/// narrative sentence just before it (`He then had a question. "Who pays?"`), else the
/// speaker of the most recent attributed quote when the text goes on from it (same
/// paragraph, or the next one with this quote opening it).
pub(crate) fn previous(
    v: &View,
    quotes: &[Quote],
    parts: &[Parts],
    found: &[Option<Attribution>],
    i: usize,
) -> Option<Attribution> {
    let p = &parts[i];
    if !p.lead.is_empty() {
        return None;
    }
    let para = |s: usize| v.paragraph_of_sentence.get(s).copied().unwrap_or(0);
    let pi = para(p.first);
    let opens_paragraph = v
        .sentence_words
        .get(p.first)
        .is_some_and(|r| r.start == 0 || para(v.sentence_of[r.start - 1]) != pi)
        && quotes[i].open == (v.words.get(v.sentence_words[p.first].start)).map_or(0, |w| w.start);
    let before = p.first.checked_sub(1);
    let adjacent = before.is_some_and(|b| para(b) == pi || (para(b) + 1 == pi && opens_paragraph));
    if let Some(subject) = before
        .filter(|_| adjacent)
        .and_then(|b| narrative_subject(v, b))
    {
        return Some(Attribution {
            speaker: Some(subject),
            cue: None,
            how: How::Previous,
        });
    }
    // `Gilbertson said the group would wait. "I think ..."`: a quote right after reported
    // speech goes on with its speaker.
    if let Some(reported) = before
        .filter(|&b| b + 1 == p.first && opens_sentence(v, &quotes[i], p.first))
        .and_then(|b| reported_speech(v, b))
    {
        return Some(reported);
    }
    let j = (0..i)
        .rev()
        .find(|&j| found[j].is_some_and(|a| a.speaker.is_some()))?;
    let pj = para(parts[j].last);
    let near = p.first.saturating_sub(parts[j].last) <= 3;
    let goes_on = pi == pj || (pi == pj + 1 && opens_paragraph);
    let base = found[j]?;
    (near && goes_on).then_some(Attribution {
        how: How::Previous,
        ..base
    })
}

/// Whether quote `q` opens sentence `s`.
fn opens_sentence(v: &View, q: &Quote, s: usize) -> bool {
    (v.sentence_words.get(s))
        .and_then(|r| v.words.get(r.start))
        .is_some_and(|w| w.start == q.open)
}

/// The attribution of sentence `s` when it reports speech and quotes nothing: `X said
/// (that) ...`.
fn reported_speech(v: &View, s: usize) -> Option<Attribution> {
    let WordRange { start: a, end: b } = *v.sentence_words.get(s)?;
    if (a..b).any(|w| v.is_quoted(w)) {
        return None;
    }
    let words: Vec<usize> = (a..b).collect();
    let found = from_lead(v, &words)?;
    found.speaker.map(|speaker| Attribution {
        speaker: Some(speaker),
        cue: found.cue,
        how: How::Previous,
    })
}

/// `A spokesman for Contoso said ... "We are positive," he said.`: a "he" or "she" with no
/// person to name stands for the latest speaker before it (within three sentences) when
/// that one is a person described by a role; the role and organisation carry over.
pub(crate) fn role_antecedents(v: &View, claims: &mut [FoundClaim]) {
    let one_word = |c: &FoundClaim, is: &dyn Fn(&str) -> bool| {
        (c.speaker.map(|s| v.words_in(s))).is_some_and(|s| s.len() == 1 && is(v.word(s.start)))
    };
    let pronoun = |c: &FoundClaim| one_word(c, &is_subject_pronoun);
    for i in 0..claims.len() {
        let c = &claims[i];
        if c.speaker_entity.is_some() || !one_word(c, &|w| matches!(w, "he" | "she")) {
            continue;
        }
        let described = (claims[..i].iter().rev())
            .take_while(|p| c.sentence.saturating_sub(p.last_sentence) <= 3)
            .find(|p| p.speaker.is_some() && !pronoun(p))
            .filter(|p| p.speaker_title.is_some() && p.speaker_entity.is_none());
        if let Some(p) = described {
            let (entity, title, affiliation) = (p.speaker, p.speaker_title, p.affiliation);
            let c = &mut claims[i];
            c.speaker_entity = entity;
            c.speaker_title = title;
            c.affiliation = affiliation;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::view::with_view;

    #[test]
    fn the_lead_starts_after_a_sentence_end_the_segmenter_missed() {
        with_view("Mr. Li left. ''We won.''", &[], |v, quotes| {
            assert!(parts(v, &quotes[0]).lead.is_empty());
        });
    }

    #[test]
    fn a_standalone_quote_takes_the_narrative_subject_before_it() {
        let text = "\"We will build it,\" Trump added. He then asked the crowd.\n\n\"Who pays?\"";
        with_view(text, &[("Trump", "PER")], |v, quotes| {
            let all: Vec<Parts> = quotes.iter().map(|q| parts(v, q)).collect();
            let first = from_tail(v, &all[0].tail);
            let found = vec![first, None];
            let a = previous(v, quotes, &all, &found, 1).expect("attributed");
            let speaker = a.speaker.expect("speaker");
            assert_eq!(v.word(speaker.start), "he");
        });
    }

    #[test]
    fn a_question_split_off_by_the_segmenter_keeps_its_tail() {
        with_view(
            "\"Why now?\" Bo Li asked the crowd.",
            &[("Bo Li", "PER")],
            |v, quotes| {
                let p = parts(v, &quotes[0]);
                let a = next_sentence_tail(v, &quotes[0], &p).expect("attributed");
                assert!(a.cue.is_some() && a.speaker.is_some());
            },
        );
    }
}
