//! The sentiment stage: which (text, target) pairs of each document go to the sentiment
//! model (`requests`), and where the answers land (`apply`).
//!
//! Reads: the document's sentences, claims, company mentions and the targets the input
//! named. Writes: the probabilities of each claim (toward its target; toward nothing, i.e.
//! the quote's own polarity, when the target is unknown), of each input target and of each
//! company mention (the mention marked in its sentence). `company_sentiment` sums a
//! company's answers over its mentions and the claims about it.

use crate::claims::quotes::paragraphs;
use crate::doc::{
    CharRange, ClaimSentiment, CompanySentiment, Document, FoundClaim, Probs, WordRange,
};
use crate::labels::{ClaimKind, Label, LabelCounts, SentimentBasis, Toward};
use crate::model::sentiment::{focus_of, target_window, Marking};
use crate::model::window::{encode_words, EncodedWord, Window};
use crate::text::Sentence;

/// Where an answer goes in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    /// `doc.targets[i]`
    Target(usize),
    /// `doc.claims[i]`
    Claim { index: usize, toward: Toward },
    /// `doc.mentions[i]`
    Mention(usize),
}

/// One model input and where its answer goes.
pub(crate) struct Request {
    pub(crate) window: Window,
    pub(crate) slot: Slot,
}

/// Model input for one claim: the clause of its sentence that leads up to the quote (from
/// the previous quote, or the sentence start, to the closing mark), so that claims sharing
/// a sentence are judged on their own words. When the target stands outside that clause,
/// the clause is put after the sentence's lead (its words before the first quote: the
/// governing clause the quotes share, "... OpenAI's licenses are") if the target is there,
/// else after the target's own words. The target is marked where it stands.
fn claim_window(
    marking: Marking<'_>,
    chars: &[char],
    sentence: &Sentence,
    (clause_start, lead_end): (usize, usize),
    claim: &FoundClaim,
) -> (Window, Toward) {
    // Up to the closing mark (a comma or period may sit inside it).
    let clause_end = claim.quote.end + 2;
    let within = |from: usize, to: usize| -> Vec<CharRange> {
        (sentence.words.iter())
            .copied()
            .filter(|w| w.start >= from && w.end <= to)
            .collect()
    };
    let clause = within(clause_start, clause_end);
    let mut words = clause.clone();
    let mut focus = WordRange::default();
    if let Some(target) = claim.target {
        let hits = |words: &[CharRange]| -> Option<WordRange> {
            let inside: Vec<usize> = (0..words.len())
                .filter(|&w| words[w].overlaps(target))
                .collect();
            Some(WordRange::new(*inside.first()?, *inside.last()? + 1))
        };
        if let Some(f) = hits(&clause) {
            focus = f;
        } else {
            let lead = within(sentence.start, lead_end);
            let lead = if hits(&lead).is_some() {
                lead
            } else {
                within(target.start, target.end)
            };
            if let Some(f) = hits(&lead) {
                focus = f;
                words = lead.into_iter().chain(clause).collect();
            }
        }
    }
    let toward = if focus.is_empty() {
        Toward::Quote
    } else {
        Toward::Target
    };
    (marking.window(chars, &words, focus), toward)
}

/// Every request of one document: its input targets, its claims and its company mentions,
/// as the sentiment model wants them shown (`marking`).
pub(crate) fn requests(marking: Marking<'_>, doc: &Document) -> Vec<Request> {
    // An input target is judged in its paragraph: what the paragraph says of a company
    // often stands in the sentence before or after its name.
    // Only documents with input targets need the paragraphs (most runs pass none).
    let paragraphs = match doc.targets {
        Some(_) => paragraphs(doc.chars()),
        None => Vec::new(),
    };
    let mark = |range: CharRange| {
        let sentence = &doc.sentences[doc.sentence_at(range)?];
        let paragraph = (paragraphs.iter())
            .find(|&&(start, end)| start <= sentence.start && sentence.start < end);
        let words: Vec<CharRange> = match paragraph {
            Some(&(start, end)) => (doc.sentences.iter())
                .filter(|s| start <= s.start && s.start < end)
                .flat_map(|s| s.words.iter().copied())
                .collect(),
            None => sentence.words.clone(),
        };
        target_window(doc.chars(), &words, range, marking)
    };
    let mut out = Vec::new();
    for (i, target) in doc.targets.iter().flatten().enumerate() {
        if let Some(window) = target.range.and_then(mark) {
            out.push(Request {
                window,
                slot: Slot::Target(i),
            });
        }
    }
    for (index, claim) in doc.claims.iter().enumerate() {
        let Some(sentence) = doc.sentences.get(claim.sentence) else {
            continue;
        };
        let bounds = clause_bounds(&doc.claims, claim, sentence);
        let (window, toward) = claim_window(marking, doc.chars(), sentence, bounds, claim);
        out.push(Request {
            window,
            slot: Slot::Claim { index, toward },
        });
    }
    // Every company mention on its own, marked in its sentence: two companies (or two
    // mentions of one) in a sentence can be judged differently ("Apple beat estimates
    // while Samsung missed").
    let companies: Vec<(usize, usize)> = (doc.mentions.iter().enumerate())
        .filter(|(_, m)| m.company.is_some())
        .filter_map(|(i, m)| Some((i, doc.sentence_at(m.range)?)))
        .collect();
    let mut per_sentence = vec![0usize; doc.sentences.len()];
    for &(_, s) in &companies {
        per_sentence[s] += 1;
    }
    // Each sentence is encoded once for all its mentions.
    let mut encoded: Vec<Option<Vec<EncodedWord>>> = vec![None; doc.sentences.len()];
    for (i, s) in companies {
        let sentence = &doc.sentences[s];
        let Some(focus) = focus_of(&sentence.words, doc.mentions[i].range) else {
            continue;
        };
        let words = encoded[s]
            .get_or_insert_with(|| encode_words(doc.chars(), &sentence.words, marking.pieces));
        let marking = marking.at_most(mention_window(sentence.words.len(), per_sentence[s]));
        out.push(Request {
            window: marking.window_in(words, focus),
            slot: Slot::Mention(i),
        });
    }
    out
}

/// What the company mentions of one sentence may cost together, in pieces per word of
/// the sentence: far above an article's sentences (a few mentions in a few dozen words fit
/// whole), but a flattened table or a run-on list naming hundreds of companies would
/// otherwise cost a full window per name.
const MENTION_PIECES_PER_WORD: usize = 10;

/// The shortest mention window: the mention and its clause, about twenty words each side.
const MIN_MENTION_WINDOW: usize = 48;

/// The longest window for each of `mentions` company mentions in a sentence of `words`.
fn mention_window(words: usize, mentions: usize) -> usize {
    (MENTION_PIECES_PER_WORD * words / mentions.max(1)).max(MIN_MENTION_WINDOW)
}

/// Where a claim's clause starts (after the previous quote of the same sentence; an
/// indirect claim's content is its own clause) and where the sentence's lead ends (before
/// its first quote's opening mark).
fn clause_bounds(claims: &[FoundClaim], claim: &FoundClaim, sentence: &Sentence) -> (usize, usize) {
    let same_sentence = || claims.iter().filter(|c| c.sentence == claim.sentence);
    let clause_start = match claim.kind {
        ClaimKind::Indirect => claim.quote.start,
        ClaimKind::Direct => same_sentence()
            .filter(|c| c.quote.end <= claim.quote.start)
            .map(|c| c.quote.end + 1)
            .max()
            .unwrap_or(sentence.start),
    };
    let lead_end = same_sentence()
        .map(|c| c.quote.start.saturating_sub(1))
        .min()
        .unwrap_or(sentence.start);
    (clause_start, lead_end)
}

/// Files the model's answers into the document, then sums each company's.
pub(crate) fn apply(doc: &mut Document, answers: impl IntoIterator<Item = (Slot, Probs)>) {
    for (slot, probs) in answers {
        match slot {
            Slot::Target(i) => {
                if let Some(t) = doc.targets.as_mut().and_then(|t| t.get_mut(i)) {
                    t.sentiment = Some(probs);
                }
            }
            Slot::Claim { index, toward } => {
                if let Some(c) = doc.claims.get_mut(index) {
                    c.sentiment = Some(ClaimSentiment { probs, toward });
                }
            }
            Slot::Mention(i) => {
                if let Some(m) = doc.mentions.get_mut(i) {
                    m.sentiment = Some(probs);
                }
            }
        }
    }
    let mut companies: Vec<String> = Vec::new();
    for company in doc.entities().filter_map(|m| m.company.as_ref()) {
        if !companies.contains(company) {
            companies.push(company.clone());
        }
    }
    doc.company_sentiment = (companies.iter())
        .filter_map(|company| company_sentiment(doc, company))
        .collect();
}

/// The name a claim's target goes by: its company, else its text.
pub(crate) fn target_name(doc: &Document, claim: &FoundClaim) -> Option<String> {
    (claim.companies.target.clone()).or_else(|| claim.target.map(|t| doc.name_of(t)))
}

/// A company's sentiment in the document from the answers toward it: the claims judged
/// toward a target of that name (a claim about a company is said of it), then its
/// mentions. `None` when there is no answer.
pub(crate) fn company_sentiment(doc: &Document, company: &str) -> Option<CompanySentiment> {
    let claims: Vec<Probs> = (doc.claims.iter())
        .filter(|c| target_name(doc, c).as_deref() == Some(company))
        .filter_map(|c| c.sentiment.filter(|s| s.toward == Toward::Target))
        .map(|s| s.probs)
        .collect();
    let mentions = (doc.mentions.iter())
        .filter(|m| m.company.as_deref() == Some(company))
        .filter_map(|m| m.sentiment);
    let all: Vec<Probs> = claims.iter().copied().chain(mentions).collect();
    (!all.is_empty()).then(|| CompanySentiment {
        company: company.to_string(),
        basis: SentimentBasis {
            mentions: all.len() - claims.len(),
            claims: claims.len(),
        },
        ..aggregate(&all)
    })
}

/// A company's sentiment in an article from the answers at its mentions and the claims
/// about it, each answer counting for its most probable label with the weight of its
/// probability (a sure answer counts more than a hesitant one). Most mentions of a company
/// are neutral (a name in a sentence about something else), so a vote over all labels would
/// call almost every company neutral; what the article says about it is in its polar
/// answers: the label is the polar side with more weight, neutral when there is none or
/// the sides weigh the same. The score is the mean probability of that label over all the
/// answers, weighted the same way.
pub(crate) fn aggregate(answers: &[Probs]) -> CompanySentiment {
    let mut counts = LabelCounts::default();
    // Indices into LABELS: negative, neutral, positive.
    let mut weight = [0.0f32; 3];
    for probs in answers {
        let best = (0..3).fold(0, |b, i| if probs[i] > probs[b] { i } else { b });
        match best {
            0 => counts.negative += 1,
            2 => counts.positive += 1,
            _ => counts.neutral += 1,
        }
        weight[best] += probs[best];
    }
    let label = if weight[0] > weight[2] {
        Label::Negative
    } else if weight[2] > weight[0] {
        Label::Positive
    } else {
        Label::Neutral
    };
    let confidence = |p: &Probs| p.iter().copied().fold(0.0f32, f32::max);
    let total: f32 = answers.iter().map(confidence).sum();
    let score = (answers.iter())
        .map(|p| confidence(p) * p[label as usize])
        .sum::<f32>()
        / total.max(f32::MIN_POSITIVE);
    CompanySentiment {
        company: String::new(),
        counts,
        label,
        score,
        basis: SentimentBasis::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEG: [f32; 3] = [0.8, 0.15, 0.05];
    const NEU: [f32; 3] = [0.1, 0.8, 0.1];
    const POS: [f32; 3] = [0.05, 0.15, 0.8];

    #[test]
    fn mentions_of_a_long_list_share_the_sentences_cost_and_an_articles_keep_whole_windows() {
        // Five companies in a forty-word sentence (some sixty pieces): room for all of it.
        assert!(mention_window(40, 5) >= 64);
        // A thousand names in a flattened table of three thousand words: short windows.
        assert_eq!(mention_window(3000, 1000), MIN_MENTION_WINDOW);
    }

    #[test]
    fn polar_mentions_decide_a_companys_label_and_neutral_ones_do_not_drown_them() {
        let s = aggregate(&[NEU, NEG, NEU, NEU, NEG, POS, NEU]);
        assert_eq!(
            s.counts,
            LabelCounts {
                negative: 2,
                neutral: 4,
                positive: 1
            }
        );
        assert_eq!(s.label, Label::Negative);
        // Every answer here is 0.8 sure, so the weighted mean is the plain mean of
        // "negative" over all seven answers.
        let expected = (2.0 * 0.8 + 4.0 * 0.1 + 0.05) / 7.0;
        assert!((s.score - expected).abs() < 1e-3, "{}", s.score);
        assert_eq!(aggregate(&[POS, NEU]).label, Label::Positive);
        assert_eq!(
            aggregate(&[POS, NEG, NEU]).label,
            Label::Neutral,
            "sides of equal weight"
        );
        assert_eq!(aggregate(&[NEU, NEU]).label, Label::Neutral);
    }

    #[test]
    fn sure_answers_outweigh_hesitant_ones() {
        let sure_neg = [0.95, 0.04, 0.01];
        let unsure_pos = [0.3, 0.3, 0.4];
        assert_eq!(
            aggregate(&[POS, sure_neg, NEU]).label,
            Label::Negative,
            "one answer each side: the surer one wins"
        );
        let s = aggregate(&[unsure_pos, unsure_pos, sure_neg]);
        assert_eq!(s.counts.positive, 2);
        assert_eq!(s.label, Label::Negative, "two hesitant answers weigh less");
        // Weights 0.4, 0.4, 0.95: (0.4 * 0.3 * 2 + 0.95 * 0.95) / 1.75.
        let expected = (0.24 + 0.9025) / 1.75;
        assert!((s.score - expected).abs() < 1e-4, "{}", s.score);
    }
}
