//! Claims: quotations in the text, and who said them (speaker, cue), through which
//! publication (source), about which company (target).
//!
//! Reads: normalised characters, the segmenter's sentences and the NER entities, all as
//! normalised code point ranges. Writes: `FoundClaim`s in normalised ranges;
//! `to_wire` turns them into record `Claim`s with original offsets, dropping a span that
//! does not map back rather than reporting a wrong one. Stages: `quotes` finds the
//! quotations, `attribution` finds speaker and cue, `roles` source and target.
//! A field no rule supports stays `None`.

pub mod attribution;
pub mod context;
pub mod filter;
pub mod lexicon;
pub mod quotes;
pub mod roles;

use crate::doc::{CharIndex, Span};
use crate::record::{Claim, Named, SentenceRange};
use crate::text::{Normalized, Sentence};
use attribution::{from_lead, from_tail, resolve, Attribution, How};
use context::View;
use quotes::{find_quotes, Quote};

pub use crate::record::ClaimKind;

/// An entity the NER stage found: normalised range, label PER/ORG/LOC/MISC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityMention {
    pub start: usize,
    pub end: usize,
    pub label: String,
}

/// A claim in normalised code point ranges, end exclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundClaim {
    pub kind: ClaimKind,
    pub quote: (usize, usize),
    /// The phrase that attributes the quote: a name, a pronoun, or a noun phrase such as
    /// "a spokesperson" (what PolNeAR calls the source of an attribution).
    pub speaker: Option<(usize, usize)>,
    /// The person or organisation the speaker phrase refers to: an entity inside it, or
    /// for a pronoun the nearest fitting entity before it.
    pub speaker_entity: Option<(usize, usize)>,
    pub cue: Option<(usize, usize)>,
    /// The publication the quote was reported through.
    pub source: Option<(usize, usize)>,
    /// The organisation the quoted predicate is about.
    pub target: Option<(usize, usize)>,
    /// Index of the sentence where the quote opens.
    pub sentence: usize,
    /// Index of the sentence where it closes.
    pub last_sentence: usize,
}

/// Settings of the rules, for measuring them; `Default` is what the pipeline runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimOptions {
    /// Quotes of fewer words are kept only when a cue attributes them in their own
    /// sentence (scare quotes and titles are short and unattributed).
    pub min_words: usize,
    /// A full-sentence quote with no attribution takes the previous quote's speaker when
    /// the paragraph (or the next one) goes on.
    pub inherit: bool,
    /// Drop quotes in Title Case inside a sentence (names of shows, books, slogans).
    pub titles: bool,
}

impl Default for ClaimOptions {
    /// Measured on PolNeAR (see `eval::quotes`): TODO numbers.
    fn default() -> Self {
        ClaimOptions {
            min_words: 3,
            inherit: true,
            titles: true,
        }
    }
}

/// Lead and tail words of a quote and the sentences it spans.
struct Parts {
    lead: Vec<usize>,
    tail: Vec<usize>,
    first: usize,
    last: usize,
}

fn parts(v: &View, q: &Quote) -> Parts {
    let first = v.sentence_at(q.open);
    let last = v.sentence_at(q.close.saturating_sub(1).max(q.open));
    let lead = v
        .unquoted_words(first)
        .into_iter()
        .filter(|&w| v.words[w].0 < q.open)
        .collect();
    let end = v.sentence_words.get(last).map_or(0, |s| s.1);
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
fn next_sentence_tail(v: &View, q: &Quote, p: &Parts) -> Option<Attribution> {
    if !p.tail.is_empty() || q.continues {
        return None;
    }
    let next = p.last + 1;
    let &(a, b) = v.sentence_words.get(next)?;
    let same_paragraph = v.paragraph_of_sentence.get(next) == v.paragraph_of_sentence.get(p.last);
    if !same_paragraph || v.words.get(a).is_none_or(|w| w.0 < q.close) {
        return None;
    }
    let tail: Vec<usize> = (a..b).take_while(|&w| !v.is_quoted(w)).collect();
    let exclaims = v.chars[q.end..q.close]
        .iter()
        .any(|&c| c == '?' || c == '!');
    let short = b - a <= 10;
    from_tail(v, &tail).filter(|_| exclaims || short)
}

/// `X said:` closing the sentence (or paragraph) before a quote that opens its sentence.
fn colon_lead(v: &View, p: &Parts) -> Option<Attribution> {
    if !p.lead.is_empty() || p.first == 0 {
        return None;
    }
    let previous = p.first - 1;
    let mut words = v.unquoted_words(previous);
    if words.last().is_none_or(|&w| v.word(w) != ":") {
        return None;
    }
    words.pop();
    from_lead(v, &words).map(|a| Attribution {
        how: How::Colon,
        ..a
    })
}

/// The most recent attributed quote, when this one opens its sentence and the text goes
/// on from it: same paragraph, or the next one with this quote opening it.
fn previous(
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
    let j = (0..i)
        .rev()
        .find(|&j| found[j].is_some_and(|a| a.speaker.is_some()))?;
    let para = |s: usize| v.paragraph_of_sentence.get(s).copied().unwrap_or(0);
    let (pi, pj) = (para(p.first), para(parts[j].last));
    let opens_paragraph = v
        .sentence_words
        .get(p.first)
        .is_some_and(|&(a, _)| a == 0 || para(v.sentence_of[a - 1]) != pi)
        && quotes[i].open == v.words.get(v.sentence_words[p.first].0).map_or(0, |w| w.0);
    let near = p.first.saturating_sub(parts[j].last) <= 3;
    let goes_on = pi == pj || (pi == pj + 1 && opens_paragraph);
    let base = found[j]?;
    (near && goes_on).then_some(Attribution {
        how: How::Previous,
        ..base
    })
}

/// The claims of an article, with the pipeline's settings.
pub fn extract_claims(
    chars: &[char],
    sentences: &[Sentence],
    entities: &[EntityMention],
) -> Vec<FoundClaim> {
    extract_with(chars, sentences, entities, &ClaimOptions::default())
}

pub fn extract_with(
    chars: &[char],
    sentences: &[Sentence],
    entities: &[EntityMention],
    options: &ClaimOptions,
) -> Vec<FoundClaim> {
    let quotes = find_quotes(chars);
    let v = View::new(chars, sentences, entities, &quotes);
    let parts: Vec<Parts> = quotes.iter().map(|q| parts(&v, q)).collect();
    let mut found: Vec<Option<Attribution>> = quotes
        .iter()
        .zip(&parts)
        .map(|(q, p)| {
            from_tail(&v, &p.tail)
                .or_else(|| from_lead(&v, &p.lead))
                .or_else(|| next_sentence_tail(&v, q, p))
                .or_else(|| colon_lead(&v, p))
        })
        .collect();
    for i in 0..quotes.len() {
        if found[i].is_none() {
            let group = quotes[i].group;
            found[i] = (0..quotes.len())
                .filter(|&j| quotes[j].group == group)
                .find_map(|j| found[j])
                .map(|a| Attribution {
                    how: How::Group,
                    ..a
                });
        }
        if found[i].is_none() && options.inherit {
            found[i] = previous(&v, &quotes, &parts, &found, i);
        }
    }
    let mut out = Vec::with_capacity(quotes.len());
    let mut last_entity: Option<((usize, usize), usize)> = None;
    let long: Vec<bool> = quotes
        .iter()
        .map(|q| filter::word_count(chars, q) >= options.min_words)
        .collect();
    for (i, ((q, p), a)) in quotes.iter().zip(&parts).zip(&found).enumerate() {
        let cue = a.and_then(|a| a.cue);
        let shared = cue.is_some()
            && (0..quotes.len()).any(|j| j != i && long[j] && found[j].and_then(|a| a.cue) == cue);
        if !filter::keep(&v, q, &p.lead, &p.tail, a.as_ref(), shared, options) {
            continue;
        }
        let speaker = a.and_then(|a| a.speaker);
        let mut entity = speaker.and_then(|m| resolve(&v, m));
        if entity.is_none() && speaker.is_some_and(|(a, b)| b == a + 1 && !v.is_agent(a)) {
            entity = last_entity
                .filter(|&(_, s)| p.first.saturating_sub(s) <= 3)
                .map(|(e, _)| e);
        }
        if let Some(e) = entity {
            last_entity = Some((e, p.last));
        }
        // A colon attribution's sentence is part of the quote's context.
        let colon = a.is_some_and(|a| a.how == How::Colon);
        let from = if colon {
            p.first.saturating_sub(1)
        } else {
            p.first
        };
        let mut unquoted: Vec<usize> = (from..=p.last).flat_map(|s| v.unquoted_words(s)).collect();
        unquoted.dedup();
        let source = roles::source(&v, &unquoted, speaker);
        let text = |r: Option<(usize, usize)>| {
            r.and_then(|(a, b)| v.span(a, b))
                .map(|(s, e)| chars[s..e].iter().collect::<String>().to_lowercase())
        };
        let exclude: Vec<String> = [speaker, entity, source]
            .into_iter()
            .filter_map(text)
            .collect();
        let target = roles::target(&v, &p.lead, &p.tail, cue, &exclude);
        let span = |r: Option<(usize, usize)>| r.and_then(|(a, b)| v.span(a, b));
        out.push(FoundClaim {
            kind: ClaimKind::Direct,
            quote: (q.start, q.end),
            speaker: span(speaker),
            speaker_entity: span(entity),
            cue: span(cue),
            source: span(source),
            target: span(target),
            sentence: p.first,
            last_sentence: p.last,
        });
    }
    out
}

/// Record claims with original offsets. A claim whose quote does not map back is
/// dropped; a speaker, cue, source or target that does not map back becomes `None`.
pub fn to_wire(
    found: &[FoundClaim],
    text: &str,
    index: &CharIndex,
    normalized: &Normalized,
    sentences: &[Sentence],
) -> Vec<Claim> {
    let span = |r: (usize, usize)| -> Option<Span> {
        let (s, e) = normalized.to_original(r.0, r.1)?;
        index.span(text, s, e)
    };
    let name_of = |r: (usize, usize)| -> Option<String> {
        let chars = normalized.chars.get(r.0..r.1)?;
        let name: String = chars.iter().collect();
        Some(name.split_whitespace().collect::<Vec<_>>().join(" "))
    };
    let named = |mention: Option<(usize, usize)>, entity: Option<(usize, usize)>| {
        let m = span(mention?)?;
        let name = entity
            .and_then(name_of)
            .or_else(|| mention.and_then(name_of))?;
        Some(Named {
            name,
            mention: Some(m),
        })
    };
    let mut out = Vec::with_capacity(found.len());
    for f in found {
        let Some(quote) = span(f.quote) else {
            continue;
        };
        let sentence = sentences
            .get(f.sentence)
            .zip(sentences.get(f.last_sentence))
            .and_then(|(a, b)| normalized.to_original(a.start, b.end))
            .map(|(start, end)| SentenceRange { start, end });
        out.push(Claim {
            id: format!("c{}", out.len() + 1),
            kind: f.kind,
            quote,
            speaker: named(f.speaker, f.speaker_entity),
            cue: f.cue.and_then(span),
            source: named(f.source, None),
            target: named(f.target, None),
            sentiment: None,
            sentence,
        });
    }
    out
}
