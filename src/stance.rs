//! The sentiment stage: which (text, target) pairs of an article go to the sentiment model,
//! and how the answers land in the record.
//!
//! Reads: the article's sentences, its claims, its company mentions and the targets the
//! input named. Writes: `sentiment` of each claim (toward its target; toward nothing, i.e.
//! the quote's own polarity, when the target is unknown), of each input target, of each
//! company mention (the mention marked in its sentence; on the record's entities only when
//! asked), and each company's aggregate over its mentions and the claims about it
//! (`aggregate`).

use crate::claims::{ClaimKind, FoundClaim};
use crate::model::sentiment::{best, target_window, SentimentModel, LABELS};
use crate::model::window::{encode_words, Window};
use crate::record::{LabelCounts, Record, Sentiment};
use crate::text::{Normalized, Sentence};

/// Where an answer goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Slot {
    /// `record.targets[i]`
    Target(usize),
    /// `record.claims[i]`; `toward_target` is false for the quote's own polarity.
    Claim { index: usize, toward_target: bool },
    /// A mention of `company`: `record.entities[entity]`, or a descriptor ("the startup")
    /// that is no entity.
    Mention {
        company: String,
        entity: Option<usize>,
    },
}

pub struct Request {
    pub window: Window,
    pub slot: Slot,
}

/// A company mention in normalised coordinates.
pub struct CompanyMention {
    pub start: usize,
    pub end: usize,
    pub company: String,
    /// Its index in `record.entities` (None for a descriptor).
    pub entity: Option<usize>,
}

/// Model input for one claim: the clause of its sentence that leads up to the quote (from
/// the previous quote, or the sentence start, to the closing mark), so that claims sharing
/// a sentence are judged on their own words. When the target stands outside that clause,
/// the clause is put after the sentence's lead (its words before the first quote: the
/// governing clause the quotes share, "... OpenAI's licenses are") if the target is there,
/// else after the target's own words. The target is marked where it stands.
fn claim_window(
    model: &SentimentModel,
    normalized: &Normalized,
    sentence: &Sentence,
    (clause_start, lead_end): (usize, usize),
    claim: &FoundClaim,
) -> (Window, bool) {
    // Up to the closing mark (a comma or period may sit inside it).
    let clause_end = claim.quote.1 + 2;
    let within = |from: usize, to: usize| -> Vec<(usize, usize)> {
        (sentence.words.iter())
            .copied()
            .filter(|&(s, e)| s >= from && e <= to)
            .collect()
    };
    let clause = within(clause_start, clause_end);
    let mut words = clause.clone();
    let mut focus = (0, 0);
    if let Some((ts, te)) = claim.target {
        let hits = |words: &[(usize, usize)]| -> Option<(usize, usize)> {
            let inside: Vec<usize> = (0..words.len())
                .filter(|&w| words[w].0 < te && ts < words[w].1)
                .collect();
            Some((*inside.first()?, *inside.last()? + 1))
        };
        if let Some(f) = hits(&clause) {
            focus = f;
        } else {
            let lead = within(sentence.start, lead_end);
            let lead = if hits(&lead).is_some() {
                lead
            } else {
                within(ts, te)
            };
            if let Some(f) = hits(&lead) {
                focus = f;
                words = lead.into_iter().chain(clause).collect();
            }
        }
    }
    let pieces = &model.base.pieces;
    let encoded = encode_words(&normalized.chars, &words, pieces);
    let toward_target = focus.1 > focus.0;
    (
        Window::around(&encoded, focus, model.base.max_len, pieces),
        toward_target,
    )
}

/// Every request for one article. `claims` are the wire claims' sources, in record order.
pub fn requests(
    model: &SentimentModel,
    normalized: &Normalized,
    sentences: &[Sentence],
    claims: &[&FoundClaim],
    mentions: &[CompanyMention],
    targets: &[Option<(usize, usize)>],
) -> Vec<Request> {
    let mut out = Vec::new();
    let pieces = &model.base.pieces;
    // The sentence a range starts in (or overlaps, when it starts between sentences).
    let sentence_at = |s: usize, e: usize| sentences.iter().position(|x| x.start < e && s < x.end);
    for (i, target) in targets.iter().enumerate() {
        let window = target.and_then(|(s, e)| {
            let sentence = &sentences[sentence_at(s, e)?];
            target_window(
                &normalized.chars,
                &sentence.words,
                (s, e),
                pieces,
                model.base.max_len,
            )
        });
        if let Some(window) = window {
            out.push(Request {
                window,
                slot: Slot::Target(i),
            });
        }
    }
    for (index, claim) in claims.iter().enumerate() {
        let Some(sentence) = sentences.get(claim.sentence) else {
            continue;
        };
        // The clause starts after the previous quote of the same sentence; the lead ends
        // before the sentence's first quote (its opening mark).
        // An indirect claim's content is its own clause.
        let same_sentence = || claims.iter().filter(|c| c.sentence == claim.sentence);
        let clause_start = match claim.kind {
            ClaimKind::Indirect => claim.quote.0,
            ClaimKind::Direct => same_sentence()
                .filter(|c| c.quote.1 <= claim.quote.0)
                .map(|c| c.quote.1 + 1)
                .max()
                .unwrap_or(sentence.start),
        };
        let lead_end = same_sentence()
            .map(|c| c.quote.0.saturating_sub(1))
            .min()
            .unwrap_or(sentence.start);
        let (window, toward_target) =
            claim_window(model, normalized, sentence, (clause_start, lead_end), claim);
        out.push(Request {
            window,
            slot: Slot::Claim {
                index,
                toward_target,
            },
        });
    }
    // Every mention on its own, marked in its sentence: two companies (or two mentions of
    // one) in a sentence can be judged differently ("Apple beat estimates while Samsung
    // missed").
    for mention in mentions {
        let Some(s) = sentence_at(mention.start, mention.end) else {
            continue;
        };
        let window = target_window(
            &normalized.chars,
            &sentences[s].words,
            (mention.start, mention.end),
            pieces,
            model.base.max_len,
        );
        if let Some(window) = window {
            out.push(Request {
                window,
                slot: Slot::Mention {
                    company: mention.company.clone(),
                    entity: mention.entity,
                },
            });
        }
    }
    out
}

fn sentiment(probs: &[f32; 3]) -> Sentiment {
    let (label, score) = best(probs);
    Sentiment {
        label: label.to_string(),
        score: (score * 1000.0).round() / 1000.0,
        toward: None,
    }
}

/// Writes the model's answers into the record: claims, input targets, and each company's
/// aggregate over its mentions and the claims about it; with `mention_sentiment` also each
/// company entity's own.
pub fn apply(record: &mut Record, answers: &[(Slot, [f32; 3])], mention_sentiment: bool) {
    let mut per_company: Vec<(String, Vec<[f32; 3]>)> = Vec::new();
    for (slot, probs) in answers {
        match slot {
            Slot::Target(i) => {
                if let Some(t) = record.targets.as_mut().and_then(|t| t.get_mut(*i)) {
                    t.sentiment = Some(sentiment(probs));
                }
            }
            Slot::Claim {
                index,
                toward_target,
            } => {
                if let Some(c) = record.claims.get_mut(*index) {
                    let mut s = sentiment(probs);
                    s.toward = Some(if *toward_target { "target" } else { "quote" });
                    c.sentiment = Some(s);
                    // A claim about a company is said of it: one more answer toward it.
                    if let (true, Some(target)) = (*toward_target, &c.target) {
                        push(&mut per_company, &target.name, probs);
                    }
                }
            }
            Slot::Mention { company, entity } => {
                push(&mut per_company, company, probs);
                let entity = entity.and_then(|i| record.entities.get_mut(i));
                if let (true, Some(entity)) = (mention_sentiment, entity) {
                    entity.sentiment = Some(sentiment(probs));
                }
            }
        }
    }
    for company in &mut record.companies {
        if let Some((_, all)) = per_company.iter().find(|(name, _)| *name == company.name) {
            let (counts, overall) = aggregate(all);
            company.sentiment = Some(overall);
            company.sentiment_counts = Some(counts);
        }
    }
}

fn push(per_company: &mut Vec<(String, Vec<[f32; 3]>)>, name: &str, probs: &[f32; 3]) {
    match per_company.iter_mut().find(|(n, _)| n == name) {
        Some((_, all)) => all.push(*probs),
        None => per_company.push((name.to_string(), vec![*probs])),
    }
}

/// A company's sentiment in an article from the answers at its mentions and the claims
/// about it. Each mention
/// counts for its most probable label. Most mentions of a company are neutral (a name in a
/// sentence about something else), so a majority vote would call almost every company
/// neutral; what the article says about it is in its polar mentions: the label is the
/// polar label with more mentions, neutral when there are none or as many of each. The
/// score is the mean probability of that label over all the mentions.
pub fn aggregate(answers: &[[f32; 3]]) -> (LabelCounts, Sentiment) {
    let mut counts = LabelCounts::default();
    let mut mean = [0.0f32; 3];
    for probs in answers {
        // Indices into LABELS: negative, neutral, positive.
        match (0..3).fold(0, |b, i| if probs[i] > probs[b] { i } else { b }) {
            0 => counts.negative += 1,
            2 => counts.positive += 1,
            _ => counts.neutral += 1,
        }
        for k in 0..3 {
            mean[k] += probs[k] / answers.len() as f32;
        }
    }
    let label = match counts.negative.cmp(&counts.positive) {
        std::cmp::Ordering::Greater => 0,
        std::cmp::Ordering::Less => 2,
        std::cmp::Ordering::Equal => 1,
    };
    let overall = Sentiment {
        label: LABELS[label].to_string(),
        score: (mean[label] * 1000.0).round() / 1000.0,
        toward: None,
    };
    (counts, overall)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEG: [f32; 3] = [0.8, 0.15, 0.05];
    const NEU: [f32; 3] = [0.1, 0.8, 0.1];
    const POS: [f32; 3] = [0.05, 0.15, 0.8];

    #[test]
    fn polar_mentions_decide_a_companys_label_and_neutral_ones_do_not_drown_them() {
        let (counts, s) = aggregate(&[NEU, NEG, NEU, NEU, NEG, POS, NEU]);
        assert_eq!(
            counts,
            LabelCounts {
                negative: 2,
                neutral: 4,
                positive: 1
            }
        );
        assert_eq!(s.label, "negative");
        // Mean probability of "negative" over all seven mentions.
        let expected = (2.0 * 0.8 + 4.0 * 0.1 + 0.05) / 7.0;
        assert!((s.score - expected).abs() < 1e-3, "{}", s.score);
        assert_eq!(aggregate(&[POS, NEU]).1.label, "positive");
        assert_eq!(aggregate(&[POS, NEG, NEU]).1.label, "neutral", "a tie");
        assert_eq!(aggregate(&[NEU, NEU]).1.label, "neutral");
    }
}
