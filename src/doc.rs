//! The document model: an article as read, the `Document` the stages annotate, and the
//! typed ranges they share.
//!
//! Two coordinate systems meet here, each with its own type so they cannot be confused:
//! `CharRange` is a code point range of the *normalised* text (what every stage reads),
//! `WordRange` a range of word indices. Offsets into the original `Article::text` appear
//! only in `Span`, made by `Record::from_document`, the one place that converts.

use serde::{Deserialize, Serialize};

pub use crate::labels::EntityLabel;
use crate::labels::{ClaimKind, How, Label, LabelCounts, SentimentBasis, Toward};
pub use crate::range::{CharRange, WordRange};
use crate::text::{segment, Markup, Normalized, Sentence};

/// An article as read from the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// Unique within a run; output records carry it.
    pub id: String,
    /// The text to annotate (plain, Markdown or HTML).
    pub text: String,
    /// Passed through from the input.
    pub title: Option<String>,
    /// Passed through from the input.
    pub url: Option<String>,
    /// Passed through from the input.
    pub published: Option<String>,
    /// The publication the article appeared in, from the input.
    pub source: Option<String>,
    /// The input's free-form `meta` object, passed through to the record.
    pub meta: Option<serde_json::Map<String, serde_json::Value>>,
    /// Spans whose sentiment the user wants, as given (code points into `text`).
    pub targets: Option<Vec<(usize, usize)>>,
    /// The markup of this article's text when its input says so (an `.html` file),
    /// overriding the run's `--markup`.
    pub markup: Option<Markup>,
}

impl Article {
    /// An article with just an id and a text.
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Self {
        Article {
            id: id.into(),
            text: text.into(),
            title: None,
            url: None,
            published: None,
            source: None,
            meta: None,
            targets: None,
            markup: None,
        }
    }
}

/// A located piece of the original text. The one type for every located thing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// The text of the span.
    pub text: String,
    /// First code point.
    pub start: usize,
    /// End, exclusive.
    pub end: usize,
}

/// The sentiment model's probabilities of negative, neutral and positive.
pub(crate) type Probs = [f32; 3];

/// Where a mention comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MentionKind {
    /// A named entity (the NER model's, or a knowledge-base name it missed): one of the
    /// record's `entities`.
    Entity,
    /// A descriptor phrase ("the startup") resolved to a company named before it: used by
    /// the claim rules and for sentiment, never written as an entity.
    Descriptor,
}

/// A mention of a person, organisation, place or thing in the normalised text.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    /// Where the mention is.
    pub range: CharRange,
    /// Its entity type.
    pub label: EntityLabel,
    /// Entity or descriptor.
    pub kind: MentionKind,
    /// The NER model's mean tag probability; `None` for a name only the knowledge base found
    /// and for descriptors.
    pub score: Option<f32>,
    /// The canonical name of the company it refers to, when known.
    pub company: Option<String>,
    /// Sentiment toward the mention's company at this mention (the mention marked in its
    /// sentence), when a sentiment model ran.
    pub sentiment: Option<Probs>,
}

/// The part a span plays in an attribution (PolNeAR's source, cue and content).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Who is said to have said it (PolNeAR's "source").
    Speaker,
    /// The words that attribute ("said", "according to").
    Cue,
    /// What is said to have been said.
    Content,
}

/// A span of the normalised text with its attribution role.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoleSpan {
    /// Where the span is.
    pub range: CharRange,
    /// What part it plays.
    pub role: Role,
    /// The tagger's mean probability over the span's words (1 for rules).
    pub score: f32,
}

/// The sentiment model's answer for a claim.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClaimSentiment {
    /// Probabilities of negative, neutral, positive.
    pub probs: Probs,
    /// What it was judged toward.
    pub toward: Toward,
}

/// The companies a claim's speaker, source and target name, when they name one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClaimCompanies {
    /// The company the speaker is or stands for.
    pub speaker: Option<String>,
    /// The company the speaker's affiliation is.
    pub affiliation: Option<String>,
    /// The company behind the source publication.
    pub source: Option<String>,
    /// The company the claim is about.
    pub target: Option<String>,
}

/// A claim in normalised code point ranges.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundClaim {
    /// Direct quotation or paraphrase.
    pub kind: ClaimKind,
    /// The quoted or reported words.
    pub quote: CharRange,
    /// The phrase that attributes the quote: a name, a pronoun, or a noun phrase such as
    /// "a spokesperson" (what PolNeAR calls the source of an attribution).
    pub speaker: Option<CharRange>,
    /// The person or organisation the speaker phrase refers to: an entity inside it, or
    /// for a pronoun the nearest fitting entity before it.
    pub speaker_entity: Option<CharRange>,
    /// The words that attribute the quote ("said").
    pub cue: Option<CharRange>,
    /// The speaker's role as written ("chief executive").
    pub speaker_title: Option<CharRange>,
    /// The organisation mention the speaker speaks for (for an organisation speaker,
    /// itself).
    pub affiliation: Option<CharRange>,
    /// The publication the quote was reported through.
    pub source: Option<CharRange>,
    /// The organisation the quoted predicate is about.
    pub target: Option<CharRange>,
    /// Index of the sentence where the quote opens.
    pub sentence: usize,
    /// Index of the sentence where it closes.
    pub last_sentence: usize,
    /// Which rule attributed the quote (for error analysis).
    pub rule: Option<How>,
    /// Set by `name_companies`.
    pub companies: ClaimCompanies,
    /// Set by the sentiment stage.
    pub sentiment: Option<ClaimSentiment>,
}

impl FoundClaim {
    /// A claim with a quote and nothing else known yet.
    pub fn new(kind: ClaimKind, quote: CharRange, sentence: usize, last_sentence: usize) -> Self {
        FoundClaim {
            kind,
            quote,
            speaker: None,
            speaker_entity: None,
            speaker_title: None,
            affiliation: None,
            cue: None,
            source: None,
            target: None,
            sentence,
            last_sentence,
            rule: None,
            companies: ClaimCompanies::default(),
            sentiment: None,
        }
    }
}

/// A company's sentiment in the document, from the answers toward it at its mentions and
/// in the claims about it (`sentiment::aggregate`).
#[derive(Debug, Clone, PartialEq)]
pub struct CompanySentiment {
    /// The company's canonical name.
    pub company: String,
    /// Answers per label.
    pub counts: LabelCounts,
    /// The label the article gives it.
    pub label: Label,
    /// Mean probability of `label` over the answers, each weighted by its confidence.
    pub score: f32,
    /// How many answers it rests on: at the company's mentions, and in claims about it.
    pub basis: SentimentBasis,
}

/// A span of the original text the input asked the sentiment of.
#[derive(Debug, Clone, PartialEq)]
pub struct InputTarget {
    /// Code points into the original text, as given.
    pub start: usize,
    /// End, exclusive (code points into the original text).
    pub end: usize,
    /// Where it is in the normalised text; `None` when markup removal left nothing of it.
    pub range: Option<CharRange>,
    /// The sentiment model's answer, when it ran.
    pub sentiment: Option<Probs>,
}

/// What an input says about its article beyond the text, passed through to the record.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    /// The article's title.
    pub title: Option<String>,
    /// Where it was published online.
    pub url: Option<String>,
    /// When it was published, as given.
    pub published: Option<String>,
    /// The publication it appeared in.
    pub source: Option<String>,
    /// The input's free `meta` object.
    pub meta: Option<serde_json::Map<String, serde_json::Value>>,
}

/// One article as the stages see it: the normalised text with its sentences, and what each
/// stage has added (mentions, attribution role spans, claims, sentiment). Stages are
/// functions over `&mut Document`; `Record::from_document` turns it into the wire format.
#[derive(Debug, Clone)]
pub struct Document {
    /// The article's id.
    pub id: String,
    /// The article text exactly as given: record offsets point into it.
    pub text: String,
    /// Passed through to the record.
    pub metadata: Metadata,
    /// The normalised text with its map back to the original.
    pub normalized: Normalized,
    /// Sentences with their words.
    pub sentences: Vec<Sentence>,
    /// Entities in text order, then descriptors in text order.
    pub mentions: Vec<Mention>,
    /// Attribution role spans (speaker, cue, content) behind indirect claims.
    pub roles: Vec<RoleSpan>,
    /// Stock tickers beside names ("( KMB.N )"): evidence of a company, never a name.
    pub tickers: Vec<CharRange>,
    /// Claims in text order (direct, then indirect merged in by position).
    pub claims: Vec<FoundClaim>,
    /// The input's targets, when it named any.
    pub targets: Option<Vec<InputTarget>>,
    /// Each company's sentiment, when a sentiment model ran.
    pub company_sentiment: Vec<CompanySentiment>,
}

impl Document {
    /// Normalises and segments `article`; `markup` applies unless the article says otherwise.
    pub fn new(article: &Article, markup: Markup) -> Self {
        let normalized = Normalized::new(&article.text, article.markup.unwrap_or(markup));
        let sentences = segment(&normalized.chars);
        let targets = article.targets.as_ref().map(|given| {
            let len = article.text.chars().count();
            (given.iter())
                .filter(|&&(start, end)| start < end && end <= len)
                .map(|&(start, end)| InputTarget {
                    start,
                    end,
                    range: normalized.from_original(start, end),
                    sentiment: None,
                })
                .collect()
        });
        Document {
            id: article.id.clone(),
            text: article.text.clone(),
            metadata: Metadata {
                title: article.title.clone(),
                url: article.url.clone(),
                published: article.published.clone(),
                source: article.source.clone(),
                meta: article.meta.clone(),
            },
            normalized,
            sentences,
            mentions: Vec::new(),
            roles: Vec::new(),
            tickers: Vec::new(),
            claims: Vec::new(),
            targets,
            company_sentiment: Vec::new(),
        }
    }

    /// The normalised code points.
    pub fn chars(&self) -> &[char] {
        &self.normalized.chars
    }

    /// The text of `range` with its white space runs as single spaces: how a name is
    /// written.
    pub(crate) fn name_of(&self, range: CharRange) -> String {
        single_spaced(&self.text_of(range))
    }

    /// The normalised text of `range`.
    pub(crate) fn text_of(&self, range: CharRange) -> String {
        text_at(self.chars(), range)
    }

    /// Number of words over all sentences.
    pub(crate) fn word_count(&self) -> usize {
        self.sentences.iter().map(|s| s.words.len()).sum()
    }

    /// The index of the sentence a range starts in (or overlaps, when it starts between
    /// sentences).
    pub(crate) fn sentence_at(&self, range: CharRange) -> Option<usize> {
        // Sentences are in text order and do not overlap: skip those that end before it.
        let first = (self.sentences).partition_point(|s| s.end <= range.start);
        let s = self.sentences.get(first)?;
        (s.start < range.end && range.start < s.end).then_some(first)
    }

    /// The record entities: mentions that are entities, in order.
    pub fn entities(&self) -> impl Iterator<Item = &Mention> {
        (self.mentions.iter()).filter(|m| m.kind == MentionKind::Entity)
    }
}

/// Maps code point offsets to byte offsets of one text, so spans can be sliced.
#[derive(Debug, Clone)]
pub struct CharIndex {
    /// Byte offset of each code point, plus the text length as a sentinel.
    bytes: Vec<usize>,
}

impl CharIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let mut bytes: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        bytes.push(text.len());
        CharIndex { bytes }
    }

    /// Number of code points in the text.
    pub fn len(&self) -> usize {
        self.bytes.len() - 1
    }

    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Byte offset of code point `c`; `None` past the end.
    pub fn byte(&self, c: usize) -> Option<usize> {
        self.bytes.get(c).copied()
    }

    /// The span `[start, end)` of `text` (which must be the indexed text), or `None`
    /// when the range is empty, reversed or out of bounds.
    pub fn span(&self, text: &str, start: usize, end: usize) -> Option<Span> {
        if start >= end {
            return None;
        }
        let (b0, b1) = (self.byte(start)?, self.byte(end)?);
        Some(Span {
            text: text.get(b0..b1)?.to_string(),
            start,
            end,
        })
    }
}

/// The characters of `range` in `chars`, clamped to their end.
pub(crate) fn text_at(chars: &[char], range: CharRange) -> String {
    chars[range.start.min(chars.len())..range.end.min(chars.len())]
        .iter()
        .collect()
}

/// `text` with its white space runs as single spaces: how a name is written ("( Dutch  PTT
/// )" names "Dutch PTT").
pub(crate) fn single_spaced(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_count_code_points_not_bytes() {
        let text = "Zoë met “Élan”.";
        let index = CharIndex::new(text);
        assert_eq!(index.len(), text.chars().count());
        let span = index.span(text, 9, 13).expect("in range");
        assert_eq!(span.text, "Élan");
    }

    #[test]
    fn out_of_range_or_empty_spans_are_none() {
        let text = "abc";
        let index = CharIndex::new(text);
        assert!(index.span(text, 2, 2).is_none());
        assert!(index.span(text, 2, 9).is_none());
        assert!(index.span(text, 3, 1).is_none());
    }
}
