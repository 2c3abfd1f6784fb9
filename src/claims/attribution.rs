//! Attribution of a quote: who said it (speaker) and with which verb (cue).
//!
//! Reads: the word `View` of an article and one quote's lead (the unquoted words of its
//! sentence before the opening mark) and tail (the words after the closing mark up to the
//! next quote or the sentence end). Writes: `Attribution`, word ranges of the speaker
//! mention and of the cue. Patterns, tail first:
//! - `"...," X said.` / `"...," said X.` / `"...," X, a pollster, said.` / `"..." — X`
//!   / `"...," according to X.`
//! - `X said: "..."` / `X said that "..."` / `X said in a statement, "..."` /
//!   `According to X, "..."` / `Said X: "..."`;
//! - reported speech: a cue after `to`, `and` or as an `-ing` form takes the subject of
//!   the governing clause (`Microsoft instructed staff to tell customers that ... "..."`
//!   → Microsoft, cue "tell");
//! - appositives and relatives before the cue (`X, who ..., said`) take the head before
//!   the comma.
//!
//! The speaker mention is the phrase that names the speaker where the quote is
//! attributed (a name, a pronoun, or a noun phrase such as "a spokesperson"); resolving a
//! pronoun to an entity is `resolve`'s job.

use crate::claims::affiliation::{is_role_tagged, is_title_head, PREPOSITIONS};
use crate::claims::lexicon::{
    antecedent_labels, ends_clause, is_adjunct, is_age, is_cue, is_dash, is_determiner, is_intro,
    is_noun_like_cue, is_np_stop, is_phrasal_cue, is_public_role, is_punct, is_subject_pronoun,
};
use crate::claims::view::View;
use crate::doc::{EntityLabel, WordRange};
pub use crate::labels::How;
use crate::text::dateline;

/// The words of the speaker mention and of the cue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Attribution {
    pub speaker: Option<WordRange>,
    pub cue: Option<WordRange>,
    pub how: How,
}

/// Positions `[a, b)` in a word sequence `seq` (the lead or tail of a quote): indices into
/// `seq`, not word indices; `words` converts.
type SeqRange = (usize, usize);

/// The word range of positions `r` of `seq`.
fn words(seq: &[usize], r: SeqRange) -> WordRange {
    WordRange::new(seq[r.0], seq[r.1 - 1] + 1)
}

/// Words a speaker noun phrase may contain although they are stop words elsewhere.
fn np_inner(word: &str) -> bool {
    matches!(
        word,
        "of" | "for" | "from" | "at" | "'s" | "’s" | "and" | "&" | "-"
    )
}

/// Is `seq[i]` a cue: a speech verb that is not a name or a noun, or "according to".
pub(crate) fn cue_len(v: &View, seq: &[usize], i: usize) -> usize {
    let w = v.word(seq[i]);
    let next = seq.get(i + 1).map(|&n| v.word(n));
    if (w == "according" && next == Some("to")) || next.is_some_and(|n| is_phrasal_cue(w, n)) {
        return 2;
    }
    if !is_cue(w) || v.entity_of[seq[i]].is_some() {
        return 0;
    }
    let sentence_initial = v.sentence_words[v.sentence_of[seq[i]]].start == seq[i];
    if v.is_capitalized(seq[i]) && !sentence_initial {
        return 0;
    }
    let after_determiner = i > 0 && is_determiner(v.word(seq[i - 1]));
    // "a rare note", "the report": words that are nouns as often as verbs count only
    // after a subject (a pronoun or a name).
    let subject_before = i > 0 && {
        let p = seq[i - 1];
        is_subject_pronoun(v.word(p)) || v.is_agent(p)
    };
    usize::from(!after_determiner && (!is_noun_like_cue(w) || subject_before))
}

/// Position in `seq` before which the adjuncts ending at `end` start.
fn strip_back(v: &View, seq: &[usize], mut end: usize) -> usize {
    while end > 0 && is_adjunct(v.word(seq[end - 1])) && v.entity_of[seq[end - 1]].is_none() {
        // "statement" and "interview" are adjuncts only in "in a statement": in "the
        // statement said" the noun is the speaker.
        if matches!(v.word(seq[end - 1]), "statement" | "interview")
            && !(end >= 3 && v.word(seq[end - 3]) == "in" && is_determiner(v.word(seq[end - 2])))
        {
            break;
        }
        end -= 1;
    }
    end
}

fn contiguous(seq: &[usize], a: usize, b: usize) -> bool {
    a < b && seq[b - 1] - seq[a] == b - 1 - a
}

/// The noun phrase ending just before `end` (after adjuncts): a pronoun, an entity, or a
/// short common noun phrase. Positions in `seq`.
fn np_ending_at(v: &View, seq: &[usize], end: usize) -> Option<SeqRange> {
    let mut end = strip_back(v, seq, end);
    if end > 0 && v.word(seq[end - 1]) == ")" {
        let open = (end.saturating_sub(8)..end - 1)
            .rev()
            .find(|&p| v.word(seq[p]) == "(")?;
        end = strip_back(v, seq, open);
    }
    let h = end.checked_sub(1)?;
    let w = v.word(seq[h]);
    if is_subject_pronoun(w) && w != "who" {
        return Some((h, end));
    }
    if let Some(entity) = v.entity_words(seq[h]) {
        let mut a = h;
        while a > 0 && seq[a - 1] >= entity.start && seq[a - 1] + 1 == seq[a] {
            a -= 1;
        }
        return Some((a, end));
    }
    if is_punct(w) || is_np_stop(w) || is_determiner(w) || is_adjunct(w) {
        return None;
    }
    let mut a = h;
    while a > 0 && end - a < 7 && seq[a - 1] + 1 == seq[a] {
        let p = v.word(seq[a - 1]);
        if is_determiner(p) {
            a -= 1;
            break;
        }
        if (is_punct(p) && p != "-") || (is_np_stop(p) && !np_inner(p)) || is_subject_pronoun(p) {
            break;
        }
        a -= 1;
    }
    while a < h && np_inner(v.word(seq[a])) {
        a += 1;
    }
    // "A person familiar with the talks said": the phrase goes on before "with".
    if a >= 2
        && v.word(seq[a - 1]) == "with"
        && v.word(seq[a - 2]) == "familiar"
        && contiguous(seq, a - 2, a + 1)
    {
        if let Some((start, _)) = np_ending_at(v, seq, a - 1) {
            return Some((start, end));
        }
    }
    Some((a, end))
}

/// The noun phrase starting at `start`: `said Geoff Garin, a pollster` → Geoff Garin.
fn np_starting_at(v: &View, seq: &[usize], start: usize) -> Option<SeqRange> {
    let first = *seq.get(start)?;
    let w = v.word(first);
    if is_subject_pronoun(w) && w != "who" {
        return Some((start, start + 1));
    }
    let mut b = start;
    while b < seq.len() && b - start < 8 && (b == start || seq[b] == seq[b - 1] + 1) {
        let p = v.word(seq[b]);
        let in_entity = v.entity_of[seq[b]].is_some();
        // "a person familiar with the matter" is one phrase.
        let familiar_with = p == "with" && b > start && v.word(seq[b - 1]) == "familiar";
        if !in_entity
            && !familiar_with
            && ((is_punct(p) && p != "-")
                || (is_np_stop(p) && !np_inner(p))
                || (b > start && v.word(seq[b - 1]) != "of" && is_adjunct(p) && p != "a"))
        {
            break;
        }
        b += 1;
    }
    while b > start && (np_inner(v.word(seq[b - 1])) || is_determiner(v.word(seq[b - 1]))) {
        b -= 1;
    }
    let content = (start..b).any(|p| !is_determiner(v.word(seq[p])) && !is_punct(v.word(seq[p])));
    content.then_some((start, b))
}

/// The subject of the clause ending at `end`: walking back over comma-separated
/// segments, the first person, organisation or subject pronoun of the nearest segment
/// that has one (`After X spoke, Microsoft told staff to say` → Microsoft).
fn clause_subject(v: &View, seq: &[usize], end: usize) -> Option<SeqRange> {
    let end = end.min(seq.len());
    let mut bounds: Vec<usize> = vec![0];
    bounds.extend((0..end).filter(|&p| v.word(seq[p]) == ",").map(|p| p + 1));
    bounds.push(end);
    for k in (0..bounds.len() - 1).rev() {
        let (start, stop) = (bounds[k], bounds[k + 1]);
        let Some(&first) = seq[start..stop].first() else {
            continue;
        };
        let w = v.word(first);
        // "..., told X to say": a predicate, the subject is further back.
        let predicate = !(v.is_capitalized(first)
            || is_determiner(w)
            || is_subject_pronoun(w)
            || is_adjunct(w)
            || is_intro(w));
        if predicate && k > 0 {
            continue;
        }
        let mut candidates = (start..stop).filter_map(|p| {
            let w = v.word(seq[p]);
            if v.is_agent(seq[p]) && (p == start || v.entity_of[seq[p - 1]] != v.entity_of[seq[p]])
            {
                let entity = v.entity_words(seq[p])?;
                let b = (p..stop).take_while(|&q| seq[q] < entity.end).count() + p;
                return Some((p, b));
            }
            (is_subject_pronoun(w) && w != "who").then_some((p, p + 1))
        });
        if is_intro(w) {
            // An introductory phrase before a comma holds no subject; without a comma
            // ("When he returned he began by saying") the subject is its last one.
            if bounds.len() == 2 {
                return candidates.next_back();
            }
            continue;
        }
        if let Some(found) = candidates.next() {
            return Some(found);
        }
        if is_determiner(w) && !predicate {
            // "The Vermont senator emailed supporters saying": a noun phrase subject.
            if let Some(found) = np_starting_at(v, seq, start).filter(|&(_, b)| b <= stop) {
                return Some(found);
            }
        }
    }
    None
}

/// Attribution from the words before the opening mark.
pub(crate) fn from_lead(v: &View, seq: &[usize]) -> Option<Attribution> {
    lead_attribution(v, seq).map(|a| cited(v, a))
}

fn lead_attribution(v: &View, seq: &[usize]) -> Option<Attribution> {
    let (c, len) = (0..seq.len())
        .rev()
        .map(|i| (i, cue_len(v, seq, i)))
        .find(|&(_, n)| n > 0)?;
    let cue = Some(words(seq, (c, c + len)));
    let attribution = |speaker: Option<SeqRange>| {
        Some(Attribution {
            speaker: speaker.map(|r| words(seq, r)),
            cue,
            how: How::Lead,
        })
    };
    if v.word(seq[c]) == "according" {
        return attribution(np_starting_at(v, seq, c + 2));
    }
    let j = strip_back(v, seq, c);
    if j == 0 {
        // "Said Trump: ..."
        return attribution(np_starting_at(v, seq, c + 1));
    }
    let before = v.word(seq[j - 1]);
    let cue_word = v.word(seq[c]);
    let participle = cue_word.ends_with("ing");
    let speaker = if participle && before == "," {
        // "he said, adding ...": the subject of the cue before, else of the clause.
        from_lead(v, &seq[..c])
            .and_then(|a| a.speaker)
            .and_then(|speaker| {
                let pa = seq.iter().position(|&w| w == speaker.start)?;
                Some((pa, pa + speaker.len()))
            })
            .or_else(|| clause_subject(v, seq, c))
    } else if participle {
        // "X emailed supporters saying", "upon saying": the clause's subject.
        clause_subject(v, seq, c).or_else(|| np_ending_at(v, seq, j))
    } else if matches!(before, "to" | "and" | "but" | "then" | "or") {
        clause_subject(v, seq, j - 1)
    } else if before == "who" {
        // "X, who said": the relative pronoun is the mention; `resolve` finds X.
        Some((j - 1, j))
    } else if let Some(end) = (before == ",")
        .then(|| person_end(v, seq, 0))
        .flatten()
        .filter(|&e| e < j && seq.get(e).is_some_and(|&w| v.word(w) == ","))
    {
        // "Robert Gutenstein, an analyst for Kalf, Voorhis & Co., said": the person
        // opening the clause, whatever commas the apposition holds.
        Some((0, end))
    } else if before == "," {
        let previous = (j.saturating_sub(25)..j - 1)
            .rev()
            .find(|&p| v.word(seq[p]) == ",");
        // "Shell's chief executive, Wael Sawan, said", "the company's largest investor,
        // Litware Partners, said": the name set off by the commas.
        let named = previous.filter(|&p| agent_end(v, seq, p + 1) == Some(j - 1));
        named
            .map(|p| (p + 1, j - 1))
            .or_else(|| previous.and_then(|p| np_ending_at(v, seq, p)))
            .or_else(|| clause_subject(v, seq, j - 1))
    } else {
        np_ending_at(v, seq, j)
            .map(|np| match object_of_preposition(v, seq, np) {
                // "X, speaking at the investor conference said": a preposition's object
                // is no subject; the clause's subject speaks.
                true => clause_subject(v, seq, c).unwrap_or(np),
                false => np,
            })
            .or_else(|| {
                cue_word
                    .ends_with("ing")
                    .then(|| clause_subject(v, seq, c))
                    .flatten()
            })
            .map(|np| person_before_firm(v, seq, np).unwrap_or(np))
    };
    attribution(speaker)
}

/// Whether the phrase `np`, not a name, is the object of a preposition right before it.
fn object_of_preposition(v: &View, seq: &[usize], np: SeqRange) -> bool {
    let (start, end) = np;
    let named = (seq.get(start)).is_some_and(|&w| v.entity_of[w].is_some());
    !named
        && start > 0
        && contiguous(seq, start - 1, end)
        && matches!(
            v.word(seq[start - 1]),
            "of" | "at" | "on" | "in" | "with" | "from" | "for" | "to" | "by" | "during"
        )
}

/// Most words of a role between a person and their firm ("an analyst with").
const ROLE_WORDS: usize = 6;

/// "Jim Chanos of Kynikos Associates said", "Hassan Ahmed, an analyst with HSBC said":
/// when the phrase before the cue is a firm after a preposition, the person before it
/// (right before, or before a role set off by a comma) is the one speaking; the firm is
/// their employer, which `affiliation` finds from the person.
fn person_before_firm(v: &View, seq: &[usize], np: SeqRange) -> Option<SeqRange> {
    let (start, end) = np;
    let firm = v.entity_words(*seq.get(start)?)?;
    if v.label(firm.start) != Some(EntityLabel::Organisation) {
        return None;
    }
    let preposition = start.checked_sub(1)?;
    if !PREPOSITIONS.contains(&v.word(seq[preposition])) || !contiguous(seq, preposition, end) {
        return None;
    }
    // Back over the role's words (no names, no punctuation) to the comma that opens it.
    let mut k = preposition;
    while k > 0
        && preposition - k < ROLE_WORDS
        && contiguous(seq, k - 1, k + 1)
        && v.entity_of[seq[k - 1]].is_none()
        && v.word(seq[k - 1]).chars().all(char::is_alphabetic)
    {
        k -= 1;
    }
    let person_end = match k {
        _ if k == preposition => preposition,
        _ if k > 0 && v.word(seq[k - 1]) == "," => k - 1,
        _ => return None,
    };
    let last = *seq.get(person_end.checked_sub(1)?)?;
    if v.label(last) != Some(EntityLabel::Person) {
        return None;
    }
    let person = v.entity_words(last)?;
    let person_start = seq.iter().position(|&w| w == person.start)?;
    Some((person_start, person_end))
}

/// `X boomed: "..."`, `Transcript as follows: "..."`, `- Philip Bump: "..."`: a lead that
/// ends with a colon and has no cue. The speaker is an entity right before the colon, else
/// the clause subject, else the noun phrase opening the clause; the cue is a verb right
/// before the colon, if any.
pub(crate) fn from_colon(v: &View, seq: &[usize]) -> Option<Attribution> {
    let (&colon, rest) = seq.split_last()?;
    if v.word(colon) != ":" || rest.is_empty() {
        return None;
    }
    let end = rest.len();
    let last = rest[end - 1];
    let speaker = if v.is_agent(last) {
        let entity = v.entity_words(last)?;
        let a = end
            - rest
                .iter()
                .rev()
                .take_while(|&&w| w >= entity.start)
                .count();
        Some((a, end))
    } else {
        clause_subject(v, rest, end).or_else(|| {
            let start = rest
                .iter()
                .rposition(|&w| v.word(w) == ",")
                .map_or(0, |p| p + 1);
            np_starting_at(v, rest, start)
        })
    };
    let verb = strip_back(v, rest, end)
        .checked_sub(1)
        .filter(|&p| is_verb_like(v.word(rest[p])) || v.word(rest[p]).ends_with("ing"));
    let speaker = speaker?;
    Some(Attribution {
        speaker: Some(words(rest, speaker)),
        cue: verb.map(|p| words(rest, (p, p + 1))),
        how: How::Lead,
    })
}

/// Most words of the name opening a capitalised header.
const HEADER_NAME_WORDS: usize = 5;

/// `COMMENTARY: JANE DOE, ANALYST, CONTOSO SECURITIES, NEW YORK "..."`: a wire reaction
/// box heads each quote with its speaker's name, title and firm in capitals, and no cue.
/// The speaker is the name before the header's first comma.
pub(crate) fn from_header(v: &View, seq: &[usize]) -> Option<Attribution> {
    let start = (seq.iter())
        .rposition(|&w| v.word(w) == ":")
        .map_or(0, |p| p + 1);
    let header = &seq[start..];
    let is_header_word = |&w: &usize| {
        let written = &v.chars[v.words[w].start..v.words[w].end];
        let capitals =
            written.iter().any(|c| c.is_alphabetic()) && !written.iter().any(|c| c.is_lowercase());
        capitals || matches!(v.word(w), "," | "&" | "." | "-" | "'")
    };
    let comma = header.iter().position(|&w| v.word(w) == ",")?;
    let named = (2..=HEADER_NAME_WORDS).contains(&comma)
        && header.len() > comma + 1
        && header.iter().all(is_header_word)
        && contiguous(header, 0, header.len());
    named.then(|| Attribution {
        speaker: Some(words(header, (0, comma))),
        cue: None,
        how: How::Lead,
    })
}

/// Attribution from the words after the closing mark.
pub(crate) fn from_tail(v: &View, seq: &[usize]) -> Option<Attribution> {
    tail_attribution(v, seq).map(|a| cited(v, a))
}

fn tail_attribution(v: &View, seq: &[usize]) -> Option<Attribution> {
    let (k, dash) = past_separators(v, seq);
    let first = v.word(*seq.get(k)?);
    let found = |speaker: Option<SeqRange>, cue: Option<SeqRange>| {
        Some(Attribution {
            speaker: speaker.map(|r| words(seq, r)),
            cue: cue.map(|r| words(seq, r)),
            how: How::Tail,
        })
    };
    if dash && (v.is_capitalized(seq[k]) || v.entity_of[seq[k]].is_some()) {
        return found(Some(dash_speaker(v, seq, k)?), None);
    }
    // `"..." Mr. Zahed said: "..."` introduces the next quote, not this one.
    let introduces = |j: usize| seq.get(j).is_some_and(|&w| v.word(w) == ":");
    let n = tail_cue(v, seq, k);
    if n > 0 && (first == "according" || !first.ends_with("ing")) {
        let np = np_starting_at(v, seq, k + n);
        if introduces(np.map_or(k + n, |(_, b)| b)) {
            return None;
        }
        return found(np, Some((k, k + n)));
    }
    // "..., beamed Donald Hartley": a verb not in the list, before a person.
    if is_verb_like(first)
        && seq
            .get(k + 1)
            .is_some_and(|&w| v.label(w) == Some(EntityLabel::Person))
    {
        return found(np_starting_at(v, seq, k + 1), Some((k, k + 1)));
    }
    let Some((j, n)) = cue_ahead(v, seq, k) else {
        // "..., Trump barked": a person or pronoun, then a verb not in the list.
        let end = person_end(v, seq, k)?;
        let verb = v.word(*seq.get(end)?);
        return is_verb_like(verb).then(|| found(Some((k, end)), Some((end, end + 1))))?;
    };
    let (start, end) = speaker_before_cue(v, seq, k, j);
    if introduces(j + n) {
        return None;
    }
    valid_np(v, seq, start, end).then(|| found(Some((start, end)), Some((j, j + n))))?
}

/// Verbs of citing, and the speech verbs of their "as ...ing".
const CITING: &[&str] = &["cited", "cites", "citing", "quoted", "quotes", "quoting"];
const AS_SAYING: &[&str] = &["saying", "telling", "stating", "writing", "adding"];

/// "the paper cited a letter Brown sent as saying", "Reuters quoted Ann Lee as saying": the
/// one cited is the speaker, not the one citing (who is the source, `roles::source`).
fn cited(v: &View, found: Attribution) -> Attribution {
    match found.cue.and_then(|c| cited_by_cue(v, c)) {
        Some((speaker, cue)) => Attribution {
            speaker: Some(speaker),
            cue: Some(cue),
            how: found.how,
        },
        None => found,
    }
}

/// The one cited when the cue is a citing verb or its "as saying" ("The newspaper quoted
/// [Ann Lee] as saying that ..."): the words from the citing verb to "as", cut before a
/// relative clause or a comma, in the cue's sentence; and the "-ing" verb as the cue.
pub(crate) fn cited_by_cue(v: &View, cue: WordRange) -> Option<(WordRange, WordRange)> {
    let sentence = *v.sentence_words.get(*v.sentence_of.get(cue.start)?)?;
    let open = |w: usize| !v.is_quoted(w) && !ends_clause(v.word(w));
    let (citing, as_word) = if CITING.contains(&v.word(cue.start)) {
        let as_word = (cue.start + 2..sentence.end.min(cue.start + 30))
            .take_while(|&w| open(w))
            .find(|&w| v.word(w) == "as" && AS_SAYING.contains(&v.word(w + 1)))?;
        (cue.start, as_word)
    } else {
        let as_word = cue.start.checked_sub(1)?;
        if !(AS_SAYING.contains(&v.word(cue.start)) && v.word(as_word) == "as") {
            return None;
        }
        let citing = (sentence.start.max(as_word.saturating_sub(30))..as_word.saturating_sub(1))
            .rev()
            .take_while(|&w| open(w))
            .find(|&w| CITING.contains(&v.word(w)))?;
        (citing, as_word)
    };
    Some((
        cited_phrase(v, citing + 1, as_word),
        WordRange::new(as_word + 1, as_word + 2),
    ))
}

/// The one cited: the words from `start` to "as" at `as_word`, cut before a relative
/// clause or a comma ("a letter [that Brown sent]", "Ann Lee[, a spokeswoman,]").
fn cited_phrase(v: &View, start: usize, as_word: usize) -> WordRange {
    let end = (start + 1..as_word)
        .find(|&w| matches!(v.word(w), "that" | "who" | "which" | ","))
        .unwrap_or(as_word);
    WordRange::new(start, end)
}

/// Content tagged from right after a citing verb through its "as saying" ("Bloomberg cited
/// [two people familiar with the matter as saying the deal was done]"): the cited speaker,
/// the "-ing" cue, and what follows it as the content (maybe empty).
pub(crate) fn cited_in_content(
    v: &View,
    content: WordRange,
) -> Option<(WordRange, WordRange, WordRange)> {
    let before = content.start.checked_sub(1)?;
    if !CITING.contains(&v.word(before)) {
        return None;
    }
    let j = (content.start + 1..content.end.saturating_sub(1))
        .find(|&w| v.word(w) == "as" && AS_SAYING.contains(&v.word(w + 1)))?;
    Some((
        cited_phrase(v, content.start, j),
        WordRange::new(j + 1, j + 2),
        WordRange::new(j + 2, content.end),
    ))
}

/// The commas, colons and dashes right after the closing mark: how many, and whether a
/// dash is among them.
fn past_separators(v: &View, seq: &[usize]) -> (usize, bool) {
    let mut k = 0;
    let mut dash = false;
    while let Some(&w) = seq.get(k) {
        let word = v.word(w);
        if !(matches!(word, "," | ":") || is_dash(word)) {
            break;
        }
        dash |= is_dash(word);
        k += 1;
    }
    (k, dash)
}

/// `"..." -- Jane Doe, CEO.`: the name after a dash, when the clause closes right after it.
fn dash_speaker(v: &View, seq: &[usize], k: usize) -> Option<SeqRange> {
    let np = np_starting_at(v, seq, k)?;
    let closes = seq
        .get(np.1)
        .is_none_or(|&w| matches!(v.word(w), "," | "." | "(" | ";"));
    closes.then_some(np)
}

/// The length of the cue at `j` (0: none). After a quote, "read" is a cue too:
/// `"...," read the statement.`
fn tail_cue(v: &View, seq: &[usize], j: usize) -> usize {
    match v.word(seq[j]) {
        "read" | "reads" => 1,
        _ => cue_len(v, seq, j),
    }
}

/// The first cue after `k`, within 30 words and before the clause ends or a quote opens:
/// its position and length.
fn cue_ahead(v: &View, seq: &[usize], k: usize) -> Option<(usize, usize)> {
    let limit = (k + 30).min(seq.len());
    // "Allentown, Pa., said": a period before a comma ends an abbreviation, not a clause;
    // so does one glued to the next word ("Ill.-based").
    let ends = |j: usize| {
        ends_clause(v.word(seq[j]))
            && seq
                .get(j + 1)
                .is_none_or(|&n| v.word(n) != "," && v.words[n].start > v.words[seq[j]].end)
    };
    (k + 1..limit)
        .take_while(|&j| !ends(j) && !v.is_quoted(seq[j]))
        .map(|j| (j, tail_cue(v, seq, j)))
        .find(|&(_, n)| n > 0)
}

/// The speaker among the words from `k` to the cue at `j`: commas decide which words name
/// it, then a relative clause and a parenthetical are cut off.
fn speaker_before_cue(v: &View, seq: &[usize], k: usize, j: usize) -> SeqRange {
    let region_end = strip_back(v, seq, j);
    let commas: Vec<usize> = (k..region_end).filter(|&p| v.word(seq[p]) == ",").collect();
    let (start, end) = match (commas.first(), commas.last()) {
        (None, _) | (_, None) => (k, region_end),
        // "the company's chairman, Richard Solomons, said": the name set off by the commas.
        (Some(&p), Some(&last)) if last > p + 1 && agent_end(v, seq, p + 1) == Some(last) => {
            (p + 1, last)
        }
        // "X, a pollster, said": the appositive closes right before the cue.
        (Some(&p), _) if v.word(seq[region_end - 1]) == "," => (k, p),
        // "another friend, Mariam Emara told CNN": the name after the last comma.
        (_, Some(&last)) => (last + 1, region_end),
    };
    // "a White House official who spoke anonymously, said": the head before "who".
    let end = (start..end)
        .find(|&p| p > start && matches!(v.word(seq[p]), "who" | "which" | "whose"))
        .unwrap_or(end);
    (start, trim_parenthetical(v, seq, start, end))
}

/// Could `word` be a past or present tense verb ("barked", "fumes")?
fn is_verb_like(word: &str) -> bool {
    word.len() > 3
        && word.chars().all(|c| c.is_ascii_lowercase())
        && (word.ends_with("ed") || word.ends_with('s'))
        && !is_np_stop(word)
        && !is_adjunct(word)
}

/// End of a person entity or a personal pronoun starting at `seq[k]`.
fn person_end(v: &View, seq: &[usize], k: usize) -> Option<usize> {
    let w = *seq.get(k)?;
    if matches!(v.word(w), "he" | "she") {
        return Some(k + 1);
    }
    if v.label(w) != Some(EntityLabel::Person) {
        return None;
    }
    Some(past(seq, k, v.entity_words(w)?))
}

/// End of a person or organisation entity starting at `seq[k]`.
fn agent_end(v: &View, seq: &[usize], k: usize) -> Option<usize> {
    let w = *seq.get(k)?;
    let entity = v
        .entity_words(w)
        .filter(|e| e.start == w && v.is_agent(w))?;
    Some(past(seq, k, entity))
}

/// The position in `seq`, from `k` on, just past the words of `entity`.
fn past(seq: &[usize], k: usize, entity: WordRange) -> usize {
    k + seq[k..].iter().take_while(|&&x| x < entity.end).count()
}

/// Is `seq[start..end]` a speaker noun phrase: short, contiguous, no clause words, a
/// pronoun only alone?
fn valid_np(v: &View, seq: &[usize], start: usize, end: usize) -> bool {
    if end <= start || end - start > 8 || !contiguous(seq, start, end) {
        return false;
    }
    let opens_np = is_determiner(v.word(seq[start])) || v.entity_of[seq[start]].is_some();
    let inner = |w: &str| np_inner(w) || (opens_np && matches!(w, "in" | "on" | "with"));
    let words_ok = (start..end).all(|p| {
        let w = v.word(seq[p]);
        v.entity_of[seq[p]].is_some()
            || (p > start && v.is_capitalized(seq[p]))
            || inner(w)
            || !(is_np_stop(w) || (is_punct(w) && !matches!(w, "-" | "." | "$" | "&" | "'" | "’")))
    });
    let pronoun_alone =
        end - start == 1 || !(start..end).any(|p| is_subject_pronoun(v.word(seq[p])));
    words_ok && pronoun_alone && !np_inner(v.word(seq[start]))
}

/// Drops a parenthetical like "(R-Fla.)" at the end of `[k, end)`.
fn trim_parenthetical(v: &View, seq: &[usize], k: usize, end: usize) -> usize {
    if end > k && v.word(seq[end - 1]) == ")" {
        if let Some(open) = (k..end).rev().find(|&p| v.word(seq[p]) == "(") {
            return open;
        }
    }
    end
}

/// The entity a speaker mention refers to: a person or organisation inside it, or for a
/// pronoun the nearest one before it outside quotes: in the same or the previous sentence
/// for "they", up to [`PRONOUN_REACH_SENTENCES`] back for "he", "she" and "it".
pub(crate) fn resolve(v: &View, mention: WordRange) -> Option<WordRange> {
    let (a, b) = (mention.start, mention.end);
    let inside = |label: EntityLabel| {
        (a..b)
            .rev()
            .find(|&w| v.label(w) == Some(label))
            .and_then(|w| v.entity_words(w))
    };
    let found = inside(EntityLabel::Person)
        .or_else(|| inside(EntityLabel::Organisation).filter(|&e| !is_role_tagged(v, e)));
    if let Some(found) = found {
        return Some(found);
    }
    if let Some(person) = role_antecedent(v, mention) {
        return Some(person);
    }
    if b != a + 1 {
        return None;
    }
    if v.word(a) == "who" {
        // "Mike Pence, who called": the entity before the comma.
        let before = a.checked_sub(1)?;
        let mut last = if v.word(before) == "," {
            before.checked_sub(1)?
        } else {
            before
        };
        // "Elizabeth Warren, 61, who wrote": the name before the age.
        if is_age(v.word(last)) && last >= 2 && v.word(last - 1) == "," {
            last -= 2;
        }
        return v.entity_words(last).filter(|_| v.is_agent(last));
    }
    let labels = antecedent_labels(v.word(a));
    if labels.is_empty() {
        return None;
    }
    let sentence = v.sentence_of[a];
    // "they" may be people or organisations, so only a close antecedent is safe; "he",
    // "she" and "it" go on naming the last person or company for a few sentences.
    let back = if labels.len() == 1 {
        PRONOUN_REACH_SENTENCES
    } else {
        1
    };
    let first = v.sentence_words[sentence.saturating_sub(back)].start;
    let agency = agency_words(v);
    if labels == [EntityLabel::Organisation] {
        // "News Corp said profits were hit by losses at Asian Star TV. ... it said": the
        // company a sentence is about, not the one named last.
        let subject = (sentence.saturating_sub(back)..=sentence)
            .rev()
            .find_map(|s| organisation_subject(v, s, &agency).filter(|e| e.end <= a));
        if subject.is_some() {
            return subject;
        }
    }
    (first..a)
        .rev()
        .filter(|&w| !v.is_quoted(w) && v.label(w).is_some_and(|l| labels.contains(&l)))
        .filter_map(|w| v.entity_words(w))
        .find(|&e| !is_newsroom(v, e, &agency))
}

/// The organisation entity opening sentence `s` (after a determiner or conjunction), not
/// a newsroom or the agency of words `agency`.
fn organisation_subject(v: &View, s: usize, agency: &[String]) -> Option<WordRange> {
    let WordRange { start, end } = *v.sentence_words.get(s)?;
    let w = (start..end.min(start + 3)).find(|&w| {
        !matches!(
            v.word(w),
            "the" | "but" | "and" | "--" | "-" | "," | "so" | "yet"
        )
    })?;
    let entity = v.entity_words(w).filter(|e| e.start == w)?;
    (v.label(w) == Some(EntityLabel::Organisation)
        && !v.is_quoted(w)
        && !is_newsroom(v, entity, agency))
    .then_some(entity)
}

/// The lowercase words of the dateline's agency ("reuters"); empty without a dateline.
fn agency_words(v: &View) -> Vec<String> {
    (dateline::agency(v.chars))
        .and_then(|r| v.chars.get(r.start..r.end))
        .map(|name| {
            (name.iter().collect::<String>().split_whitespace())
                .map(str::to_lowercase)
                .collect()
        })
        .unwrap_or_default()
}

/// A newsroom or news desk named in a dateline or sign-off ("-- Sydney Newsroom"), or the
/// dateline's agency (its words `agency`) wherever the story names it ("according to
/// Reuters Estimates"): never what "it" refers to.
fn is_newsroom(v: &View, entity: WordRange, agency: &[String]) -> bool {
    let named = (entity.start..entity.end).map(|w| v.word(w));
    let agency_named = !agency.is_empty()
        && entity.len() >= agency.len()
        && named.zip(agency).all(|(a, b)| a == b);
    (entity.start..entity.end).any(|w| matches!(v.word(w), "newsroom" | "newsdesk" | "desk"))
        || agency_named
}

/// How many sentences back a singular pronoun's antecedent is looked for.
const PRONOUN_REACH_SENTENCES: usize = 5;

/// Most words of an apposition that gives a person's role ("Vishal Bhatia, an analyst at").
const ROLE_AFTER: usize = 4;

/// "the analyst", "the judge": the latest person the article named in that role, outside
/// quotes, within [`PRONOUN_REACH_SENTENCES`] ("Merrill Lynch analyst Vishal Bhatia said
/// ... the analyst said": Vishal Bhatia). A role named of nobody refers to nobody.
fn role_antecedent(v: &View, mention: WordRange) -> Option<WordRange> {
    let (a, b) = (mention.start, mention.end);
    let head = v.word(b.checked_sub(1)?);
    let is_role = is_title_head(head) || is_public_role(head);
    if !(2..=4).contains(&(b - a)) || v.word(a) != "the" || !is_role {
        return None;
    }
    let sentence = *v.sentence_of.get(a)?;
    let first = v.sentence_words[sentence.saturating_sub(PRONOUN_REACH_SENTENCES)].start;
    // The role is written into the name's phrase: right before it ("Merrill Lynch analyst
    // Vishal Bhatia"), inside it (the tagger's "Judge Morrissey") or in an apposition
    // after a comma ("Vishal Bhatia, an analyst at ...").
    let has_role = |e: WordRange| {
        let is_head = |w: usize| plays_role(v, w, head) && !v.is_quoted(w);
        let apposition = (v.word(e.end) == ",")
            .then(|| e.end + 1..(e.end + 1 + ROLE_AFTER).min(v.words.len()))
            .into_iter()
            .flatten()
            .take_while(|&w| v.entity_of[w].is_none() && !is_punct(v.word(w)))
            .any(is_head);
        (e.start.saturating_sub(1)..e.end).any(is_head) || apposition
    };
    let people = |from: usize, to: usize| {
        (v.entities_in(WordRange::new(from, to))
            .iter()
            .rev()
            .copied())
        .filter(|&e| !v.is_quoted(e.start) && v.label(e.start) == Some(EntityLabel::Person))
    };
    // The role may be given at the person's first mention, before the reach: "Vishal
    // Bhatia, an analyst at ..." long before "Bhatia revised ... the analyst said".
    let surname = |e: WordRange| v.word(e.end - 1);
    people(first, a).find(|&e| {
        has_role(e) || people(0, e.start).any(|m| surname(m) == surname(e) && has_role(m))
    })
}

/// Whether word `w` names the role `head` as news writes it beside a name: the same word,
/// an abbreviation ("Sen. Ann Lee" for "the senator", "Chief Financial Officer Ann Lee"
/// for "the CFO") or another form ("Chairman Ann Lee" for "the panel chair").
fn plays_role(v: &View, w: usize, head: &str) -> bool {
    let word = v.word(w);
    let before = |expected: &str| w > 0 && v.word(w - 1) == expected;
    match head {
        "senator" => matches!(word, "senator" | "sen." | "sen"),
        "governor" => matches!(word, "governor" | "gov." | "gov"),
        "representative" | "congressman" | "congresswoman" => matches!(
            word,
            "representative" | "rep." | "rep" | "congressman" | "congresswoman"
        ),
        "chair" | "chairman" | "chairwoman" => {
            matches!(word, "chair" | "chairman" | "chairwoman")
        }
        "ceo" => word == "ceo" || (word == "executive" && before("chief")),
        "cfo" => word == "cfo" || (word == "officer" && before("financial")),
        _ => word == head,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::view::{orgs, with_view};

    /// What the last "it" of `text` resolves to, with `names` as organisation entities.
    fn it_refers_to(text: &str, names: &[&str]) -> Option<String> {
        with_view(text, &orgs(names), |v, _| {
            let it = (0..v.words.len()).rev().find(|&w| v.word(w) == "it")?;
            let found = resolve(v, WordRange::new(it, it + 1))?;
            let r = v.span(found)?;
            Some(v.chars[r.start..r.end].iter().collect())
        })
    }

    #[test]
    fn it_is_the_company_a_recent_sentence_is_about() {
        let text = "Fabrikam said profits were hit by losses at Contoso Media. \
                    Paper prices rose. \"Costs went up,\" it said.";
        assert_eq!(
            it_refers_to(text, &["Fabrikam", "Contoso Media"]).as_deref(),
            Some("Fabrikam")
        );
        // No subject: the organisation named last, but never a newsroom's sign-off.
        let text =
            "Rates at the Reserve Bank stayed. -- Sydney Newsroom\n\"Growth is slow,\" it said.";
        assert_eq!(
            it_refers_to(text, &["Reserve Bank", "Sydney Newsroom"]).as_deref(),
            Some("Reserve Bank")
        );
        // Nor the dateline's agency where the story cites it for figures.
        let text = "AUSTIN (Reuters) - Sales fell as Contoso cut prices. The estimate was 31 \
                    cents, according to Reuters Estimates. \"Costs rise,\" it added.";
        assert_eq!(
            it_refers_to(text, &["Reuters", "Contoso", "Reuters Estimates"]).as_deref(),
            Some("Contoso")
        );
    }

    #[test]
    fn a_quote_cited_as_said_is_said_by_the_one_cited() {
        let text = "\"We will coordinate,\" the paper cited a letter that Brown sent as saying.";
        assert_eq!(
            attribute(text, &[("Brown", "PER")]),
            pair("a letter", "saying")
        );
        let text = "\"We are proud,\" Reuters quoted Ann Lee, a Contoso spokeswoman, as saying.";
        let entities = [("Reuters", "ORG"), ("Ann Lee", "PER"), ("Contoso", "ORG")];
        assert_eq!(attribute(text, &entities), pair("Ann Lee", "saying"));
        let text = "The newspaper cited a Ford spokesman as saying: \"No comment.\"";
        assert_eq!(
            attribute(text, &[("Ford", "ORG")]),
            pair("a Ford spokesman", "saying")
        );
    }

    #[test]
    fn who_after_an_age_is_the_person_before_it() {
        let text =
            "Ann Lee, 61, who wrote of her grandmother \"pulling up her socks,\" grew up poor.";
        let found = with_view(text, &[("Ann Lee", "PER")], |v, _| {
            let who = (0..v.words.len()).find(|&w| v.word(w) == "who")?;
            let r = v.span(resolve(v, WordRange::new(who, who + 1))?)?;
            Some(v.chars[r.start..r.end].iter().collect::<String>())
        });
        assert_eq!(found.as_deref(), Some("Ann Lee"));
    }

    /// Who the first `phrase` of `text` refers to, with `entities` tagged.
    fn phrase_refers_to(text: &str, phrase: &str, entities: &[(&str, &str)]) -> Option<String> {
        with_view(text, entities, |v, _| {
            let words: Vec<&str> = phrase.split(' ').collect();
            let start = (0..v.words.len())
                .find(|&w| (0..words.len()).all(|k| v.word(w + k) == words[k]))?;
            let found = resolve(v, WordRange::new(start, start + words.len()))?;
            let r = v.span(found)?;
            Some(v.chars[r.start..r.end].iter().collect())
        })
    }

    #[test]
    fn the_analyst_is_the_person_the_article_gave_that_role() {
        let people = [
            ("Vishal Bhatia", "PER"),
            ("Bhatia", "PER"),
            ("Ann Lee", "PER"),
        ];
        let text = "Vishal Bhatia, an analyst at Contoso, cut his forecast. Ann Lee, a trader, \
                    sold. Bhatia revised his outlook. \"Growth is slow,\" the analyst said.";
        let found = phrase_refers_to(text, "the analyst", &people);
        assert!(
            found.as_deref().is_some_and(|n| n.ends_with("Bhatia")),
            "{found:?}"
        );
        // A role given to nobody by name refers to nobody.
        let text = "Ann Lee sold. \"Growth is slow,\" the analyst said.";
        assert_eq!(phrase_refers_to(text, "the analyst", &people), None);
        // Abbreviated and other forms of a role; "CFO" tagged as an organisation.
        let text = "Sen. Ann Lee spoke. \"We win,\" the senator said.";
        let found = phrase_refers_to(text, "the senator", &[("Sen. Ann Lee", "PER")]);
        assert_eq!(found.as_deref(), Some("Sen. Ann Lee"));
        let text = "Contoso cited Chief Financial Officer Ann Lee. \"We pay,\" the CFO said.";
        let entities = [("Contoso", "ORG"), ("Ann Lee", "PER"), ("CFO", "ORG")];
        let found = phrase_refers_to(text, "the cfo", &entities);
        assert_eq!(found.as_deref(), Some("Ann Lee"));
        let text = "Ann Lee, chairman of the panel, spoke. \"We act,\" the panel chair said.";
        let found = phrase_refers_to(text, "the panel chair", &[("Ann Lee", "PER")]);
        assert_eq!(found.as_deref(), Some("Ann Lee"));
    }

    /// Lead or tail attribution of the first quote, as (speaker text, cue text).
    fn attribute(text: &str, entities: &[(&str, &str)]) -> (Option<String>, Option<String>) {
        with_view(text, entities, |v, quotes| {
            let q = quotes[0];
            let s = v.sentence_at(q.open);
            let lead: Vec<usize> = v
                .unquoted_words(s)
                .into_iter()
                .filter(|&w| v.words[w].start < q.open)
                .collect();
            let tail: Vec<usize> = (v.word_at(q.close)..v.sentence_words[s].end)
                .take_while(|&w| !v.is_quoted(w))
                .collect();
            let a = from_tail(v, &tail).or_else(|| from_lead(v, &lead));
            let text_of = |r: Option<WordRange>| {
                r.and_then(|r| v.span(r))
                    .map(|r| v.chars[r.start..r.end].iter().collect::<String>())
            };
            (
                text_of(a.and_then(|a| a.speaker)),
                text_of(a.and_then(|a| a.cue)),
            )
        })
    }

    fn pair(speaker: &str, cue: &str) -> (Option<String>, Option<String>) {
        (Some(speaker.to_string()), Some(cue.to_string()))
    }

    #[test]
    fn quote_then_name_then_verb() {
        let got = attribute("\"We will win,\" Jane Doe said.", &[("Jane Doe", "PER")]);
        assert_eq!(got, pair("Jane Doe", "said"));
    }

    #[test]
    fn a_statement_speaks_and_in_a_statement_is_an_adjunct() {
        let got = attribute("\"We are concerned,\" the statement said.", &[]);
        assert_eq!(got, pair("the statement", "said"));
        let got = attribute("\"We are pleased,\" the company's statement said.", &[]);
        assert_eq!(got, pair("the company's statement", "said"));
        let got = attribute(
            "\"We will win,\" Jane Doe in a statement said.",
            &[("Jane Doe", "PER")],
        );
        assert_eq!(got, pair("Jane Doe", "said"));
    }

    /// The speaker `from_header` finds for the first quote of `text`.
    fn header_speaker(text: &str) -> Option<String> {
        with_view(text, &[], |v, quotes| {
            let q = quotes[0];
            let lead: Vec<usize> = (v.unquoted_words(v.sentence_at(q.open)).into_iter())
                .filter(|&w| v.words[w].start < q.open)
                .collect();
            let speaker = from_header(v, &lead)?.speaker?;
            v.span(speaker)
                .map(|r| v.chars[r.start..r.end].iter().collect())
        })
    }

    #[test]
    fn a_capitalised_header_names_the_speaker_of_its_quote() {
        let text = "Shares fell. COMMENTARY: JANE DOE, ANALYST, CONTOSO SECURITIES, NEW YORK \
                    \"Sales were weak this quarter.\"";
        assert_eq!(header_speaker(text).as_deref(), Some("JANE DOE"));
        // A capitalised name with nothing after it, or words in lower case, are no header.
        assert_eq!(header_speaker("JANE DOE, \"Sales were weak.\""), None);
        assert_eq!(
            header_speaker("Jane Doe, analyst, said \"Sales were weak.\""),
            None
        );
    }

    #[test]
    fn a_person_familiar_with_something_is_one_speaker() {
        let got = attribute(
            "\"A deal is close,\" said a person familiar with the matter.",
            &[],
        );
        assert_eq!(got, pair("a person familiar with the matter", "said"));
        let got = attribute(
            "A person familiar with the talks said \"a deal is close.\"",
            &[],
        );
        assert_eq!(got, pair("A person familiar with the talks", "said"));
    }

    #[test]
    fn a_person_before_their_firm_is_the_speaker() {
        let people = [
            ("Ann Lee", "PER"),
            ("Contoso Partners", "ORG"),
            ("Fabrikam", "ORG"),
        ];
        let got = attribute(
            "Ann Lee of Contoso Partners said Fabrikam was \"in the wrong business.\"",
            &people,
        );
        assert_eq!(got, pair("Ann Lee", "said"));
        let got = attribute(
            "Ann Lee, an analyst with Contoso Partners said: \"Fabrikam is cheap.\"",
            &people,
        );
        assert_eq!(got, pair("Ann Lee", "said"));
        let got = attribute(
            "Ann Lee, chief executive of Fabrikam, speaking at the investor conference said: \
             \"Deals are off.\"",
            &people,
        );
        assert_eq!(got, pair("Ann Lee", "said"));
        let got = attribute(
            "Ann Lee, an analyst at Contoso Partners, said the data, which was based on \
             unaudited reports from dealers, \"point to a weak quarter.\"",
            &people,
        );
        // (The cue found is "reports", the verb nearest the quote.)
        assert_eq!(got.0.as_deref(), Some("Ann Lee"));
        // A firm with no person before it speaks for itself.
        let got = attribute(
            "The chairman of Contoso Partners said: \"Fabrikam is cheap.\"",
            &people,
        );
        assert_eq!(got.0.as_deref(), Some("Contoso Partners"));
    }

    #[test]
    fn quote_then_verb_then_name() {
        let got = attribute(
            "\"We will win,\" said Geoff Garin, a Democratic pollster.",
            &[("Geoff Garin", "PER")],
        );
        assert_eq!(got, pair("Geoff Garin", "said"));
    }

    #[test]
    fn name_verb_colon_quote() {
        let got = attribute(
            "Acme Corp said: \"Sales doubled.\"",
            &[("Acme Corp", "ORG")],
        );
        assert_eq!(got, pair("Acme Corp", "said"));
        let got = attribute(
            "Acme Corp said that \"sales doubled.\"",
            &[("Acme Corp", "ORG")],
        );
        assert_eq!(got, pair("Acme Corp", "said"));
    }

    #[test]
    fn statement_and_appositive() {
        let got = attribute(
            "Acme said in a statement that it was \"deeply sorry.\"",
            &[("Acme", "ORG")],
        );
        assert_eq!(got, pair("Acme", "said"));
        let got = attribute(
            "\"No,\" the economist Jared Bernstein, a former adviser, said.",
            &[("Jared Bernstein", "PER")],
        );
        assert_eq!(got, pair("the economist Jared Bernstein", "said"));
        let got = attribute(
            "Its largest investor, Litware Partners, said it was \"pleased with the change.\"",
            &[("Litware Partners", "ORG")],
        );
        assert_eq!(got, pair("Litware Partners", "said"));
        let got = attribute(
            "\"We will not sell,\" the company's chairman, Ann Lee, said in an interview.",
            &[("Ann Lee", "PER")],
        );
        assert_eq!(got, pair("Ann Lee", "said"));
        let got = attribute(
            "Shell's chief executive, Wael Sawan, said: \"We will keep returning cash.\"",
            &[("Shell", "ORG"), ("Wael Sawan", "PER")],
        );
        assert_eq!(got, pair("Wael Sawan", "said"));
    }

    #[test]
    fn pronoun_and_noun_phrase_speakers() {
        assert_eq!(attribute("\"It works,\" he said.", &[]), pair("he", "said"));
        assert_eq!(
            attribute("\"It works,\" a company spokesperson told reporters.", &[]),
            pair("a company spokesperson", "told")
        );
    }

    #[test]
    fn dash_and_according_to() {
        let got = attribute(
            "\"Never give up.\" — Winston Churchill",
            &[("Winston Churchill", "PER")],
        );
        assert_eq!(got, (Some("Winston Churchill".into()), None));
        let got = attribute(
            "According to Acme, the plan is \"dead.\"",
            &[("Acme", "ORG")],
        );
        assert_eq!(got, pair("Acme", "According to"));
    }

    #[test]
    fn reported_speech_takes_the_governing_subject() {
        let text = "Microsoft instructed Azure sales staff to tell prospective customers that \
                    OpenAI's licenses are \"great [for] experimentation\" per The Information.";
        let got = attribute(
            text,
            &[("Microsoft", "ORG"), ("Azure", "ORG"), ("OpenAI", "ORG")],
        );
        assert_eq!(got, pair("Microsoft", "tell"));
    }

    #[test]
    fn relative_clause_speaker() {
        let got = attribute(
            "Jane Doe, who runs the fund, said \"buy.\"",
            &[("Jane Doe", "PER")],
        );
        assert_eq!(got, pair("Jane Doe", "said"));
    }
}
