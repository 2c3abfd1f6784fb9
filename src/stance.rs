//! The sentiment stage: which (text, target) pairs of an article go to the sentiment model,
//! and how the answers land in the record.
//!
//! Reads: the article's sentences, its claims, its company mentions and the targets the
//! input named. Writes: `sentiment` of each claim (toward its target; toward nothing, i.e.
//! the quote's own polarity, when the target is unknown), of each input target, and each
//! company's aggregate over the claims about it and the sentences that mention it.

use crate::claims::{ClaimKind, FoundClaim};
use crate::model::sentiment::{best, target_window, SentimentModel};
use crate::model::window::{encode_words, Window};
use crate::record::{Record, Sentiment};
use crate::text::{Normalized, Sentence};

/// Where an answer goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Slot {
    /// `record.targets[i]`
    Target(usize),
    /// `record.claims[i]`; `toward_target` is false for the quote's own polarity.
    Claim { index: usize, toward_target: bool },
    /// The aggregate of the named company.
    Company(String),
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
    // One sentence per company and sentence, the first mention marked.
    let mut seen: Vec<(usize, &str)> = Vec::new();
    for mention in mentions {
        let Some(s) = sentence_at(mention.start, mention.end) else {
            continue;
        };
        if seen.contains(&(s, mention.company.as_str())) {
            continue;
        }
        seen.push((s, mention.company.as_str()));
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
                slot: Slot::Company(mention.company.clone()),
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

/// Writes the model's answers into the record; companies average their answers.
pub fn apply(record: &mut Record, answers: &[(Slot, [f32; 3])]) {
    let mut sums: Vec<(String, [f32; 3], usize)> = Vec::new();
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
                    if let (true, Some(target)) = (*toward_target, &c.target) {
                        add(&mut sums, &target.name, probs);
                    }
                }
            }
            Slot::Company(name) => add(&mut sums, name, probs),
        }
    }
    for company in &mut record.companies {
        if let Some((_, sum, n)) = sums.iter().find(|(name, _, _)| *name == company.name) {
            let mean = sum.map(|x| x / *n as f32);
            company.sentiment = Some(sentiment(&mean));
        }
    }
}

fn add(sums: &mut Vec<(String, [f32; 3], usize)>, name: &str, probs: &[f32; 3]) {
    match sums.iter_mut().find(|(n, _, _)| n == name) {
        Some((_, sum, n)) => {
            for k in 0..3 {
                sum[k] += probs[k];
            }
            *n += 1;
        }
        None => sums.push((name.to_string(), *probs, 1)),
    }
}
