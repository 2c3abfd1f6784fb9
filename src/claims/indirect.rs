//! Indirect (paraphrased) claims: `Officials said the plant would close` has content
//! "the plant would close", cue "said" and speaker "Officials", with no quotation marks.
//!
//! Reads: the word `View` and role spans (source, cue, content) over its words, from the
//! attribution head or from `rule_roles`, the rule baseline it is measured against.
//! Writes: `FoundClaim`s of kind `Indirect`. Contents that are mostly quoted are left to
//! the direct-quote rules, as are contents overlapping a direct claim.

use crate::claims::attribution::{from_lead, from_tail, resolve};
use crate::claims::lexicon::{is_cue, is_punct, is_subject_pronoun};
use crate::claims::quotes::trim_content;
use crate::claims::view::View;
use crate::claims::{lowercase_texts, roles, ClaimKind, FoundClaim};
use crate::doc::{Role, RoleSpan, WordRange};

/// A role span over the words of the `View`.
#[derive(Debug, Clone, Copy)]
struct RoleWords {
    words: WordRange,
    role: Role,
    score: f32,
}

/// Least mean tag probability of a tagged content. Recall falls faster than precision
/// rises as it grows (README, "How the rule settings were chosen"), so it only drops the
/// least sure spans, which cost end-to-end nothing.
const MIN_CONTENT_SCORE: f32 = 0.45;

/// Fewest words an indirect content needs: shorter ones are mostly fragments.
const MIN_CONTENT_WORDS: usize = 3;

/// Role spans as word ranges of the `View`.
fn in_words(v: &View, spans: &[RoleSpan]) -> Vec<RoleWords> {
    spans
        .iter()
        .map(|s| RoleWords {
            words: v.words_in(s.range),
            role: s.role,
            score: s.score,
        })
        .filter(|s| !s.words.is_empty())
        .collect()
}

/// Direct quotes the rules left without a speaker take the tagged source nearest to them
/// in their own sentences (and its cue, when they have none).
pub(crate) fn fill_direct_speakers(v: &View, spans: &[RoleSpan], claims: &mut [FoundClaim]) {
    let spans = in_words(v, spans);
    for claim in claims.iter_mut().filter(|c| c.speaker.is_none()) {
        let quote = v.words_in(claim.quote);
        let nearest = |role: Role| {
            (spans.iter())
                .filter(|s| s.role == role)
                .filter(|s| {
                    (claim.sentence..=claim.last_sentence).contains(&v.sentence_of[s.words.start])
                })
                .filter(|s| !s.words.overlaps(quote))
                .min_by_key(|s| gap(s.words, quote))
                .map(|s| s.words)
        };
        let Some(speaker) = nearest(Role::Speaker) else {
            continue;
        };
        claim.speaker = v.span(speaker);
        claim.speaker_entity = resolve(v, speaker).and_then(|r| v.span(r));
        if claim.cue.is_none() {
            claim.cue = nearest(Role::Cue).and_then(|r| v.span(r));
        }
    }
}

/// Words between two ranges (0 when they touch or overlap).
fn gap(a: WordRange, b: WordRange) -> usize {
    if a.end <= b.start {
        b.start - a.end
    } else {
        a.start.saturating_sub(b.end)
    }
}

pub(crate) fn from_roles(v: &View, spans: &[RoleSpan], direct: &[FoundClaim]) -> Vec<FoundClaim> {
    let spans = in_words(v, spans);
    (spans.iter())
        .filter(|c| c.role == Role::Content && c.score >= MIN_CONTENT_SCORE)
        .filter_map(|content| indirect_claim(v, &spans, content.words, direct))
        .collect()
}

/// The claim of one tagged content, unless it is mostly quoted, too short, overlaps a
/// direct claim, or nobody is said to have said it.
fn indirect_claim(
    v: &View,
    spans: &[RoleWords],
    content: WordRange,
    direct: &[FoundClaim],
) -> Option<FoundClaim> {
    let content = past_closing_marks(v, content);
    let words = content.start..content.end;
    let quoted = words.clone().filter(|&w| v.is_quoted(w)).count();
    let real = words.clone().filter(|&w| !is_punct(v.word(w))).count();
    if 2 * quoted > words.len() || real < MIN_CONTENT_WORDS {
        return None;
    }
    let quote = v.span(content).and_then(|r| trim_content(v.chars, r))?;
    if direct.iter().any(|d| d.quote.overlaps(quote)) {
        return None;
    }
    let sentence = |w: usize| v.sentence_of.get(w).copied().unwrap_or(usize::MAX);
    let (first, last) = (sentence(content.start), sentence(content.end - 1));
    let (speaker, cue) = speaker_and_cue(v, spans, content, first..=last);
    // Content nobody is said to have said is not a claim: a little overlap F1 for more
    // end-to-end F1 (README).
    if speaker.is_none() && cue.is_none() {
        return None;
    }
    // Nor is a quote's own attribution after it, said by nobody ("…," said a person
    // familiar with the matter); a speaker before the quote ("Only 52 percent of voters
    // agreed that she is in "good health"") may be tagged as content of its own.
    let attributes_a_quote = || {
        (direct.iter())
            .filter(|d| d.quote.end <= quote.start)
            .filter_map(|d| d.speaker)
            .any(|s| s.overlaps(quote))
    };
    if speaker.is_none() && attributes_a_quote() {
        return None;
    }
    let entity = speaker.and_then(|m| resolve(v, m));
    let clause: Vec<usize> = (v.sentence_words[first].start..v.sentence_words[last].end)
        .filter(|&w| !v.is_quoted(w))
        .collect();
    let source = roles::source(v, &clause, speaker);
    let exclude = lowercase_texts(v, &[speaker, entity, source]);
    let content_words: Vec<usize> = words.collect();
    let target = roles::target(v, &content_words, &[], None, &exclude);
    let span = |r: Option<WordRange>| r.and_then(|r| v.span(r));
    Some(FoundClaim {
        speaker: span(speaker),
        speaker_entity: span(entity),
        cue: span(cue),
        source: span(source),
        target: span(target),
        ..FoundClaim::new(ClaimKind::Indirect, quote, first, last)
    })
}

/// A quotation mark tagged as the content's first word closes the quote before it: it is
/// not this content's, nor is that quote's sentence (and its cue).
fn past_closing_marks(v: &View, mut content: WordRange) -> WordRange {
    let closes_a_quote = |w: usize| {
        v.quote_at(w).is_some() && is_punct(v.word(w)) && v.quote_at(w + 1) != v.quote_at(w)
    };
    while content.start < content.end && closes_a_quote(content.start) {
        content.start += 1;
    }
    content
}

/// Speaker and cue of `content`, whose words are in `sentences`: the tagged speaker first,
/// the direct-quote rules when there is none (this order measured best, README).
fn speaker_and_cue(
    v: &View,
    spans: &[RoleWords],
    content: WordRange,
    sentences: std::ops::RangeInclusive<usize>,
) -> SpeakerCue {
    let sentence = |w: usize| v.sentence_of.get(w).copied().unwrap_or(usize::MAX);
    // The tagged span of `role` nearest to `to` within the content's sentences.
    let closest = |role: Role, to: WordRange| {
        (spans.iter())
            .filter(|s| s.role == role && sentences.contains(&sentence(s.words.start)))
            .map(|s| (gap(s.words, to), s.words))
            .min()
            .map(|(_, words)| words)
    };
    let tagged_cue = closest(Role::Cue, content);
    let tagged = (
        closest(Role::Speaker, tagged_cue.unwrap_or(content)),
        tagged_cue,
    );
    match tagged.0 {
        Some(_) => tagged,
        None => rule_attribution(v, content).unwrap_or(tagged),
    }
}

/// Speaker and cue of content words by the direct-quote rules: the words of its sentence
/// after it (`..., officials said.`), else before it (`Officials said`).
fn rule_attribution(v: &View, content: WordRange) -> Option<SpeakerCue> {
    let sentence = *v.sentence_of.get(content.start)?;
    let all = *v.sentence_words.get(sentence)?;
    let unquoted = |r: std::ops::Range<usize>| r.filter(|&w| !v.is_quoted(w)).collect::<Vec<_>>();
    let tail = unquoted(content.end..all.end);
    let lead = unquoted(all.start..content.start);
    let found = (!tail.is_empty())
        .then(|| from_tail(v, &tail))
        .flatten()
        .or_else(|| (!lead.is_empty()).then(|| from_lead(v, &lead)).flatten())?;
    Some((found.speaker, found.cue))
}

/// Word ranges of a speaker mention and a cue.
type SpeakerCue = (Option<WordRange>, Option<WordRange>);

/// The rule baseline: in a sentence without quotation marks, `SUBJECT CUE [that] CLAUSE`
/// (the subject a person or organisation entity or a pronoun right before the cue, the
/// content the rest of the sentence) and `according to X, CLAUSE`.
pub(crate) fn rule_roles(v: &View) -> Vec<RoleSpan> {
    let mut out = Vec::new();
    for &WordRange { start: a, end: b } in &v.sentence_words {
        if (a..b).any(|w| v.is_quoted(w)) {
            continue;
        }
        let mut end = b;
        while end > a && is_punct(v.word(end - 1)) {
            end -= 1;
        }
        let push = |out: &mut Vec<RoleSpan>, speaker: WordRange, cue: WordRange, from| {
            for (words, role) in [
                (speaker, Role::Speaker),
                (cue, Role::Cue),
                (WordRange::new(from, end), Role::Content),
            ] {
                if let Some(range) = v.span(words) {
                    out.push(RoleSpan {
                        range,
                        role,
                        score: 1.0,
                    });
                }
            }
        };
        if v.word(a) == "according" && v.word(a + 1) == "to" {
            if let Some(comma) = (a + 2..end).find(|&w| v.word(w) == ",") {
                let speaker = WordRange::new(a + 2, comma);
                push(&mut out, speaker, WordRange::new(a, a + 2), comma + 1);
            }
            continue;
        }
        let Some(cue) = (a + 1..end.saturating_sub(1)).find(|&w| is_cue(v.word(w))) else {
            continue;
        };
        let before = cue - 1;
        let subject = if is_subject_pronoun(v.word(before)) {
            Some(WordRange::new(before, cue))
        } else if v.is_agent(before) {
            v.entity_words(before)
        } else {
            None
        };
        if let Some(subject) = subject {
            let from = if v.word(cue + 1) == "that" {
                cue + 2
            } else {
                cue + 1
            };
            push(&mut out, subject, WordRange::new(cue, cue + 1), from);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::view::with_view;
    use crate::doc::CharRange;

    fn claims(text: &str, entities: &[(&str, &str)]) -> Vec<(String, Option<String>)> {
        with_view(text, entities, |v, _| {
            let slice = |r: CharRange| v.chars[r.start..r.end].iter().collect::<String>();
            from_roles(v, &rule_roles(v), &[])
                .into_iter()
                .map(|c| (slice(c.quote), c.speaker_entity.map(slice)))
                .collect()
        })
    }

    #[test]
    fn reported_speech_with_that() {
        let got = claims(
            "Acme Corp said that its profits would double next year.",
            &[("Acme Corp", "ORG")],
        );
        assert_eq!(
            got,
            [(
                "its profits would double next year".to_string(),
                Some("Acme Corp".to_string())
            )]
        );
    }

    #[test]
    fn pronoun_subject_resolves_to_the_previous_person() {
        let got = claims(
            "Jane Smith spoke on Monday. She said the plant would close in May.",
            &[("Jane Smith", "PER")],
        );
        assert_eq!(
            got,
            [(
                "the plant would close in May".to_string(),
                Some("Jane Smith".to_string())
            )]
        );
    }

    #[test]
    fn according_to_puts_the_speaker_first() {
        let got = claims(
            "According to Reuters, the deal is worth five billion dollars.",
            &[("Reuters", "ORG")],
        );
        assert_eq!(
            got,
            [(
                "the deal is worth five billion dollars".to_string(),
                Some("Reuters".to_string())
            )]
        );
    }

    #[test]
    fn a_quotes_attribution_tagged_as_content_is_no_claim() {
        let text = "\"The unit is not delivering,\" said a person familiar with the matter.";
        let span = |piece: &str, role: Role| {
            let at = text.find(piece).expect("piece in text");
            let start = text[..at].chars().count();
            RoleSpan {
                range: CharRange::new(start, start + piece.chars().count()),
                role,
                score: 1.0,
            }
        };
        let roles = [
            span("said", Role::Cue),
            span("a person familiar with the matter", Role::Content),
        ];
        let got = with_view(text, &[], |v, quotes| {
            let direct = crate::claims::direct_claims(v, quotes, &Default::default());
            assert_eq!(direct.len(), 1, "the direct quote");
            from_roles(v, &roles, &direct).len()
        });
        assert_eq!(got, 0);
    }

    #[test]
    fn a_quotes_closing_mark_does_not_lend_its_cue_to_the_next_paragraph() {
        // The tagger took the closing mark and the next paragraph as one content: without
        // the mark, the content's sentence has no speaker or cue, so it is no claim.
        let text = "He added that supply \"will improve through the year.\"\n\nShares of the \
                    company rose 6% in extended trading.";
        let at = text.find(".\"\n").expect("closing mark") + 1;
        let start = text[..at].chars().count();
        let end = text.find(" in extended").expect("end");
        let span = |range: CharRange, role: Role| RoleSpan {
            range,
            role,
            score: 1.0,
        };
        let cue = text.find("added").expect("cue");
        let roles = [
            span(CharRange::new(cue, cue + 5), Role::Cue),
            span(
                CharRange::new(start, text[..end].chars().count()),
                Role::Content,
            ),
        ];
        let got = with_view(text, &[], |v, quotes| {
            let direct = crate::claims::direct_claims(v, quotes, &Default::default());
            assert_eq!(direct.len(), 1, "the direct quote");
            from_roles(v, &roles, &direct).len()
        });
        assert_eq!(got, 0);
    }

    #[test]
    fn quoted_sentences_are_left_to_the_direct_rules() {
        assert!(claims("Acme said \"we will win the case.\"", &[("Acme", "ORG")]).is_empty());
    }
}
