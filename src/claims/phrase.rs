//! Speaker phrases that are only a fragment: the attribution head sometimes tags just the
//! first word of a subject ("The" of "The FBI decided", "Many" of "Many environmentalists
//! are trying") or a relative pronoun ("who" of "Democrats on Capitol Hill, who have
//! argued"). A fragment is no name, so the phrase grows to what it stands for: the entity
//! it opens, or the noun phrase up to the claim's cue. "who" and "which" stay the mention
//! (they are where the attribution names the speaker) and are named by the name or noun
//! phrase before them. A pronoun with no antecedent ("It says") stays as it is.

use crate::claims::lexicon::{
    is_adjunct, is_age, is_cue, is_dash, is_determiner, is_function_word, is_punct,
    is_subject_pronoun,
};
use crate::claims::view::View;
use crate::doc::{EntityLabel, FoundClaim, WordRange};

/// Longest noun phrase a fragment grows to, in words.
const MAX_PHRASE_WORDS: usize = 7;

/// Whether every word of `words` is a function word or punctuation.
pub(crate) fn is_fragment(v: &View, words: WordRange) -> bool {
    (words.start..words.end).all(|w| is_function_word(v.word(w)) || is_punct(v.word(w)))
}

/// Grows a fragment speaker of `claim` to its phrase (and entity, when the phrase is one).
pub(crate) fn complete_speaker(v: &View, claim: &mut FoundClaim) {
    let Some(speaker) = claim.speaker.map(|s| v.words_in(s)) else {
        return;
    };
    if speaker.is_empty() || claim.speaker_entity.is_some() || !is_fragment(v, speaker) {
        return;
    }
    let first = v.word(speaker.start);
    if matches!(first, "who" | "which" | "whom") && speaker.len() == 1 {
        claim.speaker_entity = antecedent(v, speaker.start).and_then(|a| v.span(a));
        return;
    }
    if is_subject_pronoun(first) {
        // "The city sent a letter. It says …": an "it" or "they" left unresolved is named
        // by the subject of the sentence before, in the same paragraph.
        if speaker.len() == 1 && matches!(first, "it" | "they") {
            let subject = previous_subject(v, speaker.start)
                // "it" is no person.
                .filter(|s| first != "it" || v.label(s.start) != Some(EntityLabel::Person));
            claim.speaker_entity = subject.and_then(|s| v.span(s));
        }
        return;
    }
    let cue = claim.cue.map(|c| v.words_in(c).start);
    if let Some((phrase, entity)) = following_phrase(v, speaker, cue) {
        claim.speaker = v.span(phrase);
        claim.speaker_entity = entity.and_then(|e| v.span(e));
    }
}

/// "Smith, who said" → Smith; "some economists who argue" → "some economists": the name
/// before it, else its last word with a determiner, or with one modifier and a determiner
/// (a verb cannot be told from a modifier further back).
fn antecedent(v: &View, who: usize) -> Option<WordRange> {
    let sentence = v.sentence_words[*v.sentence_of.get(who)?];
    let before = |w: usize| w.checked_sub(1).filter(|&p| p >= sentence.start);
    let mut last = before(who)?;
    // "many of whom": the people before the quantifier.
    if v.word(last) == "of" && before(last).is_some_and(|q| is_function_word(v.word(q))) {
        last = before(before(last)?)?;
    }
    if v.word(last) == "," || is_dash(v.word(last)) {
        last = before(last)?;
    }
    // "Warren, 61, who wrote": the name before the age.
    if is_age(v.word(last)) && before(last).is_some_and(|c| v.word(c) == ",") {
        last = before(before(last)?)?;
    }
    if let Some(entity) = v.entity_words(last) {
        if v.label(last) != Some(EntityLabel::Location) {
            return Some(entity);
        }
        // "Democrats on Capitol Hill, who": a place is not who spoke, the people before
        // its preposition are.
        let preposition = before(entity.start)?;
        if !matches!(v.word(preposition), "on" | "in" | "at" | "from" | "of") {
            return None;
        }
        last = before(preposition)?;
        if let Some(entity) = v.entity_words(last) {
            return (v.label(last) != Some(EntityLabel::Location)).then_some(entity);
        }
    }
    let plain = |w: usize| {
        w >= sentence.start
            && !is_punct(v.word(w))
            && !is_cue(v.word(w))
            && !is_adjunct(v.word(w))
            && !v.is_quoted(w)
    };
    let mut first = last;
    if first > sentence.start && plain(first - 1) {
        if is_function_word(v.word(first - 1)) {
            first -= 1;
        } else if first >= sentence.start + 2
            && plain(first - 2)
            && is_function_word(v.word(first - 2))
        {
            first -= 2;
        }
    }
    let phrase = WordRange::new(first, last + 1);
    (!is_fragment(v, phrase)).then_some(phrase)
}

/// The subject opening the sentence before word `w`'s, in the same paragraph, past an
/// opening conjunction or adverb: an entity, or a determiner and the word after it ("The
/// city"). A sentence opening with anything else (a preposition, a quote) gives none.
fn previous_subject(v: &View, w: usize) -> Option<WordRange> {
    let sentence = *v.sentence_of.get(w)?;
    let before = sentence.checked_sub(1)?;
    if v.paragraph_of_sentence.get(before) != v.paragraph_of_sentence.get(sentence) {
        return None;
    }
    let words = v.sentence_words[before];
    let start = (words.start..words.end).find(|&k| {
        !matches!(
            v.word(k),
            "but" | "and" | "yet" | "still" | "however" | "meanwhile" | "so" | "then" | "now" | ","
        )
    })?;
    if v.is_quoted(start) {
        return None;
    }
    if let Some(entity) = v.entity_words(start).filter(|e| e.start == start) {
        return is_agent_label(v, start).then_some(entity);
    }
    if !is_determiner(v.word(start)) {
        return capitalised_subject(v, start, words.end);
    }
    following_phrase(v, WordRange::new(start, start + 1), None)
        .map(|(phrase, entity)| entity.unwrap_or(phrase))
}

/// "Voting rights advocates have expressed concern": a plural noun phrase opening a
/// sentence, up to an auxiliary or adverb, when it is a few plain words.
fn capitalised_subject(v: &View, start: usize, end: usize) -> Option<WordRange> {
    if !v.is_capitalized(start) || is_function_word(v.word(start)) {
        return None;
    }
    let stop = (start..end.min(start + 5)).find(|&w| {
        let word = v.word(w);
        is_adjunct(word) || is_cue(word) || is_punct(word) || is_function_word(word)
    })?;
    let phrase = WordRange::new(start, stop);
    // A plural head: "they" stands for people.
    let plural = stop > start && v.word(stop - 1).ends_with('s');
    (stop > start + 1 && plural && !v.is_quoted(start)).then_some(phrase)
}

/// Whether the claim's speaker is still a fragment with nothing it stands for: a pronoun
/// with no antecedent ("It is worth noting"), a quantifier or a mark.
pub(crate) fn is_unnamed_fragment(v: &View, claim: &FoundClaim) -> bool {
    let fragment =
        |r: Option<crate::doc::CharRange>| r.is_some_and(|r| is_fragment(v, v.words_in(r)));
    fragment(claim.speaker) && (claim.speaker_entity.is_none() || fragment(claim.speaker_entity))
}

/// "The FBI" → the entity; "The ad" of "The ad features …" → the words up to the cue.
fn following_phrase(
    v: &View,
    fragment: WordRange,
    cue: Option<usize>,
) -> Option<(WordRange, Option<WordRange>)> {
    let sentence = v.sentence_words[*v.sentence_of.get(fragment.start)?];
    // Without a cue after it, only a name or one more word can be told from a verb.
    let limit = match cue.filter(|&c| c >= fragment.end && c <= sentence.end) {
        Some(cue) => cue.min(fragment.start + MAX_PHRASE_WORDS),
        None => (fragment.end + 1).min(sentence.end),
    };
    let mut end = fragment.end;
    while end < limit {
        let word = v.word(end);
        if let Some(entity) = v.entity_words(end).filter(|e| e.start == end) {
            let entity_end = entity.end.min(sentence.end);
            let named = is_agent_label(v, end).then_some(WordRange::new(end, entity_end));
            return Some((WordRange::new(fragment.start, entity_end), named));
        }
        if is_punct(word) || is_cue(word) || is_adjunct(word) || v.is_quoted(end) {
            break;
        }
        if matches!(word, "who" | "which" | "that") {
            break;
        }
        end += 1;
    }
    let phrase = WordRange::new(fragment.start, end);
    (end > fragment.end && !is_fragment(v, phrase)).then_some((phrase, None))
}

fn is_agent_label(v: &View, w: usize) -> bool {
    matches!(
        v.label(w),
        Some(EntityLabel::Person | EntityLabel::Organisation)
    )
}

#[cfg(test)]
mod tests {
    use crate::claims::{annotate, mentions_in, Indirect};
    use crate::doc::{Article, CharRange, Role, RoleSpan};
    use crate::text::Markup;
    use crate::Document;

    /// The speaker phrase and entity of the one indirect claim, with the head's roles given.
    fn speaker(
        text: &str,
        entities: &[(&str, &str)],
        roles: &[(&str, Role)],
    ) -> (String, Option<String>) {
        let mut doc = Document::new(&Article::new("a", text), Markup::Plain);
        doc.mentions = mentions_in(text, entities);
        doc.roles = (roles.iter())
            .map(|(words, role)| {
                let byte = text.find(words).expect("in the text");
                let start = text[..byte].chars().count();
                RoleSpan {
                    range: CharRange::new(start, start + words.chars().count()),
                    role: *role,
                    score: 0.9,
                }
            })
            .collect();
        annotate(&mut doc, Indirect::FromRoles);
        let Some(claim) = doc.claims.first() else {
            return (String::new(), None);
        };
        let text_of = |r: CharRange| doc.text_of(r);
        (
            claim.speaker.map(text_of).unwrap_or_default(),
            claim.speaker_entity.map(text_of),
        )
    }

    #[test]
    fn a_determiner_grows_to_the_entity_it_opens() {
        let text = "The FBI decided after a lengthy investigation not to recommend charges.";
        let got = speaker(
            text,
            &[("FBI", "ORG")],
            &[
                ("The", Role::Speaker),
                ("decided", Role::Cue),
                ("not to recommend charges", Role::Content),
            ],
        );
        assert_eq!(got, ("The FBI".into(), Some("FBI".into())));
    }

    #[test]
    fn a_determiner_grows_to_the_noun_phrase_before_the_cue() {
        let text = "The new ad claims that the campaign violated federal law.";
        let got = speaker(
            text,
            &[],
            &[
                ("The", Role::Speaker),
                ("claims", Role::Cue),
                ("the campaign violated federal law", Role::Content),
            ],
        );
        assert_eq!(got, ("The new ad".into(), None));
    }

    #[test]
    fn who_takes_the_name_or_phrase_before_it() {
        let text = "It pleases nervous Democrats, who have argued that it helps candidates.";
        let got = speaker(
            text,
            &[("Democrats", "MISC")],
            &[
                ("who", Role::Speaker),
                ("argued", Role::Cue),
                ("it helps candidates", Role::Content),
            ],
        );
        assert_eq!(got, ("who".into(), Some("Democrats".into())));
        let text = "There are some economists who argue that taxes should be lower.";
        let got = speaker(
            text,
            &[],
            &[
                ("who", Role::Speaker),
                ("argue", Role::Cue),
                ("taxes should be lower", Role::Content),
            ],
        );
        assert_eq!(got, ("who".into(), Some("some economists".into())));
    }

    #[test]
    fn a_relative_pronoun_after_a_place_is_the_people_before_it() {
        let text =
            "It will placate Democrats on Capitol Hill, who have argued that it helps candidates.";
        let got = speaker(
            text,
            &[("Democrats", "MISC"), ("Capitol Hill", "LOC")],
            &[
                ("who", Role::Speaker),
                ("argued", Role::Cue),
                ("it helps candidates", Role::Content),
            ],
        );
        assert_eq!(got, ("who".into(), Some("Democrats".into())));
    }

    #[test]
    fn a_pronoun_that_names_nobody_makes_no_reported_claim() {
        let text = "Nothing happened then. It is worth noting that this is the first time.";
        let mut doc = Document::new(&Article::new("a", text), Markup::Plain);
        let at = |piece: &str| {
            let byte = text.find(piece).expect("in the text");
            let start = text[..byte].chars().count();
            CharRange::new(start, start + piece.chars().count())
        };
        doc.roles = [
            ("It", Role::Speaker),
            ("noting", Role::Cue),
            ("this is the first time", Role::Content),
        ]
        .iter()
        .map(|&(piece, role)| RoleSpan {
            range: at(piece),
            role,
            score: 0.9,
        })
        .collect();
        annotate(&mut doc, Indirect::FromRoles);
        assert!(doc.claims.is_empty(), "{:?}", doc.claims);
    }

    #[test]
    fn an_unresolved_it_or_they_is_named_by_the_subject_before() {
        let text = "The city sent a letter on Thursday. It says that the campaign broke the law.";
        let got = speaker(
            text,
            &[],
            &[
                ("It", Role::Speaker),
                ("says", Role::Cue),
                ("the campaign broke the law", Role::Content),
            ],
        );
        assert_eq!(got, ("It".into(), Some("The city".into())));
        // A person before is no antecedent of "it": naming nobody, it makes no claim (the
        // speaker "It" was kept before issue #32).
        let text = "Ann Lee sent a letter on Thursday. It says that the campaign broke the law.";
        let got = speaker(
            text,
            &[("Ann Lee", "PER")],
            &[
                ("It", Role::Speaker),
                ("says", Role::Cue),
                ("the campaign broke the law", Role::Content),
            ],
        );
        assert_eq!(got, (String::new(), None));
    }
}
