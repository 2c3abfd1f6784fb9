//! Indirect (paraphrased) claims: `Officials said the plant would close` has content
//! "the plant would close", cue "said" and speaker "Officials", with no quotation marks.
//!
//! Reads: the word `View` and role spans (source, cue, content) over its words, from the
//! attribution head or from `rule_roles`, the rule baseline it is measured against.
//! Writes: `FoundClaim`s of kind `Indirect`. Contents that are mostly quoted are left to
//! the direct-quote rules, as are contents overlapping a direct claim.

use crate::claims::attribution::{cited_by_cue, cited_in_content, from_lead, from_tail, resolve};
use crate::claims::lexicon::{
    ends_clause, is_adjunct, is_claim_verb, is_determiner, is_function_word, is_phrasal_cue,
    is_possessive, is_punct, is_subject_pronoun,
};
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
    let content = to_clause_end(v, past_closing_marks(v, content));
    // "Bloomberg cited two people as saying the deal was done": the people said it.
    let cited = cited_in_content(v, content);
    let content = cited.map_or(content, |(_, _, said)| said);
    let words = content.start..content.end;
    let quoted = words.clone().filter(|&w| v.is_quoted(w)).count();
    let real = words.clone().filter(|&w| !is_punct(v.word(w))).count();
    if 2 * quoted > words.len() || real < MIN_CONTENT_WORDS || only_a_name(v, content) {
        return None;
    }
    let quote = v.span(content).and_then(|r| trim_content(v.chars, r))?;
    if direct.iter().any(|d| d.quote.overlaps(quote)) {
        return None;
    }
    let sentence = |w: usize| v.sentence_of.get(w).copied().unwrap_or(usize::MAX);
    let (first, last) = (sentence(content.start), sentence(content.end - 1));
    let (speaker, cue) = match cited {
        Some((speaker, cue, _)) => (Some(speaker), Some(cue)),
        None => {
            let (speaker, cue) = speaker_and_cue(v, spans, content, first..=last);
            match cue.and_then(|c| cited_by_cue(v, c)) {
                Some((speaker, cue)) => (Some(speaker), Some(cue)),
                None => (speaker, cue),
            }
        }
    };
    // Only a speech, belief or report verb (or "according to") makes a claim: "Intel
    // posted a loss" and "AMD fell 1.2%" report events, not what anyone said.
    if !cue.is_some_and(|c| is_claim_cue(v, c)) {
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
    if speaker.is_some_and(|s| is_writer(v, s)) {
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

/// Whether a content is a name and nothing else ("told the Financial Times", "Ford
/// Motor Co.'s"): the one spoken to or about, never what was said.
fn only_a_name(v: &View, content: WordRange) -> bool {
    (content.start..content.end).all(|w| {
        let word = v.word(w);
        v.label(w).is_some() || is_determiner(word) || is_possessive(word) || is_punct(word)
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

/// Whether the cue words hold a speech, belief or report verb, or "according to".
pub(crate) fn is_claim_cue(v: &View, cue: WordRange) -> bool {
    (cue.start..cue.end).any(|w| {
        let word = v.word(w);
        (word == "according" && v.word(w + 1) == "to")
            || is_phrasal_cue(word, v.word(w + 1))
            || (is_claim_verb(word) && v.entity_of.get(w).is_some_and(Option::is_none))
    })
}

/// Words a content cannot end on: they open a phrase whose rest is missing ("a loss
/// on", "the plan to").
fn is_dangling(word: &str) -> bool {
    is_determiner(word)
        || matches!(
            word,
            "of" | "on"
                | "in"
                | "at"
                | "to"
                | "for"
                | "with"
                | "by"
                | "from"
                | "into"
                | "about"
                | "over"
                | "under"
                | "than"
                | "as"
                | "and"
                | "or"
                | "but"
                | "that"
                | "which"
                | "who"
                | "whose"
                | "'s"
                | "’s"
                | "is"
                | "are"
                | "was"
                | "were"
                | "be"
                | "not"
        )
}

/// Most words a content grows by to reach its clause boundary.
const MAX_CLAUSE_GROWTH: usize = 30;

/// A content ends at a clause boundary, never inside a phrase: one that stops on a word
/// that opens a phrase, or inside a name, goes on to the next clause punctuation (or the
/// sentence end); one that starts on a closing bracket or a comma starts after it.
fn to_clause_end(v: &View, mut content: WordRange) -> WordRange {
    while content.start < content.end
        && matches!(v.word(content.start), ")" | "," | ";" | ":" | "]")
    {
        content.start += 1;
    }
    let Some(&sentence) = v.sentence_of.get(content.start) else {
        return content;
    };
    let sentence_end = v.sentence_words[sentence].end;
    let last = content.end.saturating_sub(1);
    if let Some(name) = v.entity_words(last).filter(|e| e.end <= sentence_end) {
        content.end = content.end.max(name.end);
    }
    if content.is_empty() || !is_dangling(v.word(content.end - 1)) {
        return content;
    }
    let limit = sentence_end.min(content.end + MAX_CLAUSE_GROWTH);
    let boundary = (content.end..limit).find(|&w| {
        let word = v.word(w);
        ends_clause(word) || matches!(word, "," | ":" | "(") || v.is_quoted(w)
    });
    content.end = boundary.unwrap_or(limit);
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
    // A tagged cue that is no speech, belief or report verb ("posted", "fell") is not
    // this content's; a claim verb of the sentence may be.
    let tagged_cue = (spans.iter())
        .filter(|s| s.role == Role::Cue && sentences.contains(&sentence(s.words.start)))
        .filter(|s| is_claim_cue(v, s.words))
        .map(|s| (gap(s.words, content), s.words))
        .min()
        .map(|(_, words)| words);
    let cue = tagged_cue.or_else(|| claim_verb_near(v, content, &sentences));
    let speaker = closest(Role::Speaker, cue.unwrap_or(content)).map(|s| {
        // "one source, the head of a trading house, said": a tagged apposition goes with
        // the phrase the rules read right before its comma.
        let anchor = rule_attribution(v, content)
            .and_then(|(r, _)| r)
            .filter(|r| r.end + 1 == s.start && v.word(r.end) == ",");
        let joined = anchor.map_or(s, |r| WordRange::new(r.start, s.end));
        without_edge_punctuation(v, joined)
    });
    match speaker {
        Some(_) => (speaker, cue),
        // A claim verb of the sentence is a cue only with a tagged speaker.
        None => rule_attribution(v, content)
            .filter(|(_, cue)| cue.is_some_and(|c| is_claim_cue(v, c)))
            .unwrap_or((None, tagged_cue)),
    }
}

/// The unquoted claim verb of `sentences` outside `content` nearest to it.
fn claim_verb_near(
    v: &View,
    content: WordRange,
    sentences: &std::ops::RangeInclusive<usize>,
) -> Option<WordRange> {
    let first = v.sentence_words.get(*sentences.start())?.start;
    let last = v.sentence_words.get(*sentences.end())?.end;
    (first..last)
        .filter(|&w| !(content.start..content.end).contains(&w) && !v.is_quoted(w))
        .map(|w| WordRange::new(w, w + 1))
        .filter(|&w| is_claim_cue(v, w))
        .min_by_key(|&w| gap(w, content))
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
/// (the subject as the direct-quote rules find it before a cue: a name, a pronoun, a noun
/// phrase, past adverbs and auxiliaries), `CLAUSE, SUBJECT CUE.` or `CLAUSE, CUE
/// SUBJECT.`, and `according to X, CLAUSE`. Cues are speech, belief and report verbs.
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
        // "Acme said in a statement:" introduces the quote after it, left to the quotes.
        if (end..b).any(|w| v.word(w) == ":") {
            continue;
        }
        let found = according_to(v, a, end)
            .map(|(speaker, cue, content)| (speaker, cue, vec![content]))
            .or_else(|| set_off_rule(v, a, end))
            .or_else(|| lead_rule(v, a, end).map(|(s, c, content)| (s, c, vec![content])));
        let Some((speaker, cue, contents)) = found else {
            continue;
        };
        let roles = [(speaker, Role::Speaker), (cue, Role::Cue)];
        let contents = contents.into_iter().map(|c| (c, Role::Content));
        for (words, role) in roles.into_iter().chain(contents) {
            if let Some(range) = v.span(words) {
                out.push(RoleSpan {
                    range,
                    role,
                    score: 1.0,
                });
            }
        }
    }
    out
}

/// Speaker, cue and content word ranges of one sentence.
type RuleClaim = (WordRange, WordRange, WordRange);

/// `According to X, CLAUSE` over the words `a..end` of a sentence.
fn according_to(v: &View, a: usize, end: usize) -> Option<RuleClaim> {
    if !(v.word(a) == "according" && v.word(a + 1) == "to") {
        return None;
    }
    let comma = (a + 2..end).find(|&w| v.word(w) == ",")?;
    Some((
        WordRange::new(a + 2, comma),
        WordRange::new(a, a + 2),
        WordRange::new(comma + 1, end),
    ))
}

/// `SUBJECT CUE [that] CLAUSE`: the first claim verb with a subject before it (as the
/// direct-quote rules find one) and a clause after it.
fn lead_rule(v: &View, a: usize, end: usize) -> Option<RuleClaim> {
    (a + 1..end.saturating_sub(1)).find_map(|cue| {
        let one = WordRange::new(cue, cue + 1);
        if !is_claim_cue(v, one) {
            return None;
        }
        let lead: Vec<usize> = (a..=cue).collect();
        // The direct-quote rules know speech verbs; a belief verb takes the subject right
        // before it.
        let speaker = match from_lead(v, &lead) {
            Some(found) if found.cue == Some(one) => found.speaker,
            _ if verb_follows_subject(v, cue) => subject_before(v, a, cue),
            _ => None,
        };
        let speaker = speaker.filter(|&s| is_rule_subject(v, s) && s.end <= cue)?;
        let speaker = role_phrase(v, a, speaker);
        let from = if v.word(cue + 1) == "that" {
            cue + 2
        } else {
            cue + 1
        };
        (end > from).then_some((speaker, one, WordRange::new(from, end)))
    })
}

/// "The chairman of engineering group T&N Plc said": the organisation is the end of the
/// speaker's role phrase, which opens with a determiner a few plain words before "of"
/// (the affiliation rules then take the role and the organisation apart).
fn role_phrase(v: &View, a: usize, speaker: WordRange) -> WordRange {
    let plain = |w: usize| !is_punct(v.word(w)) && v.entity_of[w].is_none();
    // "of engineering group T&N": the link word a few plain words before the name.
    let link = (speaker.start.saturating_sub(3).max(a + 1)..speaker.start)
        .rev()
        .take_while(|&w| plain(w))
        .find(|&w| matches!(v.word(w), "of" | "at" | "for" | "from"));
    let Some(link) = link else {
        return speaker;
    };
    let opening = (link.saturating_sub(6).max(a)..link)
        .rev()
        .take_while(|&w| plain(w))
        .find(|&w| is_determiner(v.word(w)));
    opening.map_or(speaker, |d| WordRange::new(d, speaker.end))
}

/// Whether the belief verb at `cue` reads as a verb: inflected ("believes", "hoped",
/// "thought"), or after a pronoun, an auxiliary or adverb, a name or a plural ("they
/// plan", "economists believe"); "the new plan is" has a noun.
fn verb_follows_subject(v: &View, cue: usize) -> bool {
    let word = v.word(cue);
    let inflected = ["s", "ed", "ing"].iter().any(|e| word.ends_with(e))
        || matches!(
            word,
            "thought" | "felt" | "knew" | "found" | "saw" | "understood"
        );
    let Some(before) = cue.checked_sub(1) else {
        return false;
    };
    let prev = v.word(before);
    let after_subject = is_subject_pronoun(prev)
        || is_adjunct(prev)
        || v.is_agent(before)
        || (prev.len() > 3 && prev.ends_with('s') && !prev.ends_with("'s"));
    !is_determiner(prev) && (inflected || after_subject)
}

/// The subject right before the verb at `cue`, past adverbs and auxiliaries: a pronoun,
/// a name, or a determiner and up to three words ("some economists").
fn subject_before(v: &View, a: usize, cue: usize) -> Option<WordRange> {
    let mut end = cue;
    while end > a && is_adjunct(v.word(end - 1)) && v.entity_of[end - 1].is_none() {
        end -= 1;
    }
    let last = end.checked_sub(1).filter(|&w| w >= a)?;
    if is_subject_pronoun(v.word(last)) {
        return Some(WordRange::new(last, end));
    }
    if v.is_agent(last) {
        return v.entity_words(last).filter(|e| e.start >= a);
    }
    let start = (last.saturating_sub(3).max(a)..last)
        .rev()
        .find(|&w| is_determiner(v.word(w)))?;
    let plain = (start + 1..end).all(|w| !is_punct(v.word(w)) && !is_function_word(v.word(w)));
    plain.then_some(WordRange::new(start, end))
}

/// A subject the rules trust without the head: a name of a person or organisation, a
/// subject pronoun, or a noun phrase opened by a determiner ("the senators", "some
/// economists"); not a date, number or preposition ("April", "18 states", "Among"), nor
/// the writer ("we", "I").
fn is_rule_subject(v: &View, speaker: WordRange) -> bool {
    let first = v.word(speaker.start);
    (speaker.start..speaker.end).any(|w| v.is_agent(w))
        || (speaker.len() == 1
            && is_subject_pronoun(first)
            && first != "who"
            && !is_writer(v, speaker))
        || (speaker.len() > 1 && is_determiner(first))
}

/// `words` without the punctuation the head tagged at its ends ("Hillary Clinton ,").
fn without_edge_punctuation(v: &View, mut words: WordRange) -> WordRange {
    while words.len() > 1 && is_punct(v.word(words.end - 1)) {
        words.end -= 1;
    }
    while words.len() > 1 && is_punct(v.word(words.start)) {
        words.start += 1;
    }
    words
}

/// Whether `speaker` is the writer ("we", "I" or "you" outside quotation marks): the
/// writer's own view ("We expect that ...") is no reported claim.
fn is_writer(v: &View, speaker: WordRange) -> bool {
    speaker.len() == 1
        && !v.is_quoted(speaker.start)
        && matches!(v.word(speaker.start), "we" | "i" | "you")
}

/// Most words between an attribution set off by commas and the comma or sentence end
/// after it ("he told me on Friday,").
const MAX_ATTRIBUTION_TAIL: usize = 4;

/// An attribution set off by a comma: `CLAUSE, SUBJECT CUE.`, `CLAUSE, CUE SUBJECT, an
/// apposition.` (one content before it) and `CLAUSE, SUBJECT CUE, CLAUSE.` (a content on
/// each side), the first comma that opens one.
fn set_off_rule(v: &View, a: usize, end: usize) -> Option<(WordRange, WordRange, Vec<WordRange>)> {
    (a + 1..end)
        .filter(|&w| v.word(w) == ",")
        .find_map(|comma| {
            let tail: Vec<usize> = (comma..end).collect();
            let found = from_tail(v, &tail)?;
            let speaker = found.speaker.filter(|&s| is_rule_subject(v, s))?;
            let cue = found.cue.filter(|&c| is_claim_cue(v, c))?;
            if speaker.start.min(cue.start) != comma + 1 {
                return None;
            }
            let reach = speaker.end.max(cue.end);
            let next_comma =
                (reach..end.min(reach + MAX_ATTRIBUTION_TAIL + 1)).find(|&w| v.word(w) == ",");
            let before = WordRange::new(a, comma);
            if end <= reach + MAX_ATTRIBUTION_TAIL {
                return Some((speaker, cue, vec![before]));
            }
            match next_comma {
                // "..., said Brian Baker, a longtime adviser ...": an apposition.
                Some(_) if cue.start < speaker.start => Some((speaker, cue, vec![before])),
                Some(c) if c + 1 < end => {
                    Some((speaker, cue, vec![before, WordRange::new(c + 1, end)]))
                }
                _ => None,
            }
        })
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
    fn a_tagged_apposition_joins_its_phrase_and_sheds_its_comma() {
        let text = "But one source, the head of a trading house, said the deal was off.";
        let tags = [
            ("the head of a trading house,", Role::Speaker),
            ("said", Role::Cue),
            ("the deal was off", Role::Content),
        ];
        assert_eq!(
            tagged_claims(text, &[], &tags),
            [(
                "the deal was off".to_string(),
                Some("one source, the head of a trading house".to_string())
            )]
        );
        let text = "We expect that the deal will close in May.";
        let tags = [
            ("We", Role::Speaker),
            ("expect", Role::Cue),
            ("the deal will close in May", Role::Content),
        ];
        assert!(
            tagged_claims(text, &[], &tags).is_empty(),
            "the writer is no speaker"
        );
    }

    #[test]
    fn the_one_cited_as_saying_is_the_speaker_not_the_one_citing() {
        let text = "Bloomberg cited two people familiar with the matter as saying the deal \
                    was nearly done.";
        let tags = [
            ("Bloomberg", Role::Speaker),
            ("cited", Role::Cue),
            (
                "two people familiar with the matter as saying the deal was nearly done",
                Role::Content,
            ),
        ];
        assert_eq!(
            tagged_claims(text, &[("Bloomberg", "ORG")], &tags),
            [(
                "the deal was nearly done".to_string(),
                Some("two people familiar with the matter".to_string())
            )]
        );
        let text = "The newspaper quoted Ann Lee as saying that the company would cut jobs.";
        let tags = [
            ("The newspaper", Role::Speaker),
            ("quoted", Role::Cue),
            ("that the company would cut jobs", Role::Content),
        ];
        assert_eq!(
            tagged_claims(text, &[("Ann Lee", "PER")], &tags),
            [(
                "that the company would cut jobs".to_string(),
                Some("Ann Lee".to_string())
            )]
        );
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

    /// The claims of `text` from the given role spans (the head's, as the test says):
    /// content and speaker mention.
    fn tagged_claims(
        text: &str,
        entities: &[(&str, &str)],
        roles: &[(&str, Role)],
    ) -> Vec<(String, Option<String>)> {
        let roles: Vec<RoleSpan> = (roles.iter())
            .map(|&(piece, role)| {
                let at = text.find(piece).expect("piece in text");
                let start = text[..at].chars().count();
                RoleSpan {
                    range: CharRange::new(start, start + piece.chars().count()),
                    role,
                    score: 0.9,
                }
            })
            .collect();
        with_view(text, entities, |v, _| {
            let slice = |r: CharRange| v.chars[r.start..r.end].iter().collect::<String>();
            (from_roles(v, &roles, &[]).into_iter())
                .map(|c| (slice(c.quote), c.speaker.map(slice)))
                .collect()
        })
    }

    /// The contents of the claims `tagged_claims` finds.
    fn from_tagged(text: &str, entities: &[(&str, &str)], roles: &[(&str, Role)]) -> Vec<String> {
        (tagged_claims(text, entities, roles).into_iter())
            .map(|(content, _)| content)
            .collect()
    }

    #[test]
    fn the_one_told_is_no_content() {
        let text = "Delta will counter the bid, its finance chief told the Financial Times.";
        let entities = [("Delta", "ORG"), ("Financial Times", "ORG")];
        let roles = [
            ("its finance chief", Role::Speaker),
            ("told", Role::Cue),
            ("the Financial Times", Role::Content),
        ];
        assert!(from_tagged(text, &entities, &roles).is_empty());
        let roles = [
            ("its finance chief", Role::Speaker),
            ("told", Role::Cue),
            ("Delta will counter the bid", Role::Content),
        ];
        assert_eq!(
            from_tagged(text, &entities, &roles),
            ["Delta will counter the bid"]
        );
    }

    #[test]
    fn posted_and_fell_make_no_claim() {
        let text = "Intel posted a wider-than-expected quarterly loss on Tuesday.";
        let roles = [
            ("Intel", Role::Speaker),
            ("posted", Role::Cue),
            ("a wider-than-expected quarterly loss on", Role::Content),
        ];
        assert!(from_tagged(text, &[("Intel", "ORG")], &roles).is_empty());
        let text = "Shares of Advanced Micro Devices (AMD) fell 1.2% in early trading.";
        let roles = [
            ("AMD", Role::Speaker),
            ("fell", Role::Cue),
            (") fell 1.2% in early trading", Role::Content),
        ];
        assert!(from_tagged(text, &[("AMD", "ORG")], &roles).is_empty());
        // The rules see no claim in either sentence.
        assert!(claims(
            "Intel posted a wider-than-expected quarterly loss on Tuesday.",
            &[("Intel", "ORG")]
        )
        .is_empty());
    }

    #[test]
    fn a_content_cut_inside_a_phrase_runs_to_the_clause_end() {
        let text = "Intel said it expects a wider quarterly loss on weak demand, and shares fell.";
        let roles = [
            ("Intel", Role::Speaker),
            ("said", Role::Cue),
            ("it expects a wider quarterly loss on", Role::Content),
        ];
        assert_eq!(
            from_tagged(text, &[("Intel", "ORG")], &roles),
            ["it expects a wider quarterly loss on weak demand"]
        );
    }

    #[test]
    fn an_attribution_after_a_comma_ends_or_splits_the_sentence() {
        let got = claims(
            "The new plan is still tilted toward the rich, the Tax Foundation said.",
            &[("Tax Foundation", "ORG")],
        );
        assert_eq!(
            got,
            [(
                "The new plan is still tilted toward the rich".to_string(),
                Some("Tax Foundation".to_string())
            )]
        );
        let got = claims(
            "Lenox was a juggernaut, Mr. Clarke said, until it went bankrupt in 1999.",
            &[("Clarke", "PER")],
        );
        let contents: Vec<&str> = got.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(
            contents,
            ["Lenox was a juggernaut", "until it went bankrupt in 1999"]
        );
    }

    #[test]
    fn a_rule_subject_is_a_name_a_pronoun_or_a_determined_phrase() {
        assert!(claims("In April said the union would strike.", &[]).is_empty());
        let got = claims("Some economists believe that taxes should be lower.", &[]);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, "taxes should be lower");
    }

    #[test]
    fn the_writers_own_view_is_no_reported_claim() {
        let text = "Acme sells chips. We expect that Acme will try to buy Contoso.";
        assert!(claims(text, &[("Acme", "ORG"), ("Contoso", "ORG")]).is_empty());
    }

    #[test]
    fn quoted_sentences_are_left_to_the_direct_rules() {
        assert!(claims("Acme said \"we will win the case.\"", &[("Acme", "ORG")]).is_empty());
    }
}
