//! The wire format: schema `claimlink/1`, one JSON object per output line.
//!
//! These structs are the format, for writing and for reading claimlink output back
//! (`Record: Deserialize`). `Record::from_document` is the one place where the stages'
//! normalised ranges become offsets into the original text.
//! `schema/claimlink-1.schema.json` documents the same shape for users. Every offset is a
//! code point offset into the input `text`, end exclusive; a field that is unknown is
//! `null`, never guessed.

use serde::{Deserialize, Serialize};

use crate::claims::{name_of, FoundClaim};
use crate::doc::{CharIndex, CharRange, Document, EntityLabel, Probs, Span};
use crate::sentiment::company_sentiment;

/// The value of every record's `schema` field.
pub const SCHEMA: &str = "claimlink/1";

/// The annotations of one article.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Record {
    /// The article's id, as given (or made from its file name or line).
    pub id: String,
    /// Always `SCHEMA`.
    pub schema: String,
    /// Named entities in text order.
    pub entities: Vec<Entity>,
    /// Quoted and reported claims in text order.
    pub claims: Vec<Claim>,
    /// Companies the entities refer to.
    pub companies: Vec<Company>,
    /// Present when the input named targets: their sentiment, in the input's order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub targets: Option<Vec<Target>>,
}

/// A span the input asked the sentiment of.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Target {
    /// The span's text, as in the input.
    pub text: String,
    /// First code point.
    pub start: usize,
    /// End, exclusive.
    pub end: usize,
    /// Null when no sentiment model is installed or the span covers no word.
    pub sentiment: Option<Sentiment>,
}

/// A named entity.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Entity {
    /// The mention's text, as in the input.
    pub text: String,
    /// PER, ORG, LOC or MISC.
    pub label: EntityLabel,
    /// First code point.
    pub start: usize,
    /// End, exclusive.
    pub end: usize,
    /// Mean probability the model gave the entity's tags; null for a name only the
    /// company knowledge base found.
    pub score: Option<f32>,
    /// The canonical company this mention refers to, when known.
    pub company: Option<String>,
    /// Sentiment toward the company at this mention (the mention marked in its sentence);
    /// written with `--mention-sentiment`, on company mentions only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentiment: Option<Sentiment>,
}

/// A speaker, source or target: how it is named, and where the text names it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Named {
    /// Canonical company name when known, else the entity's or the mention's words.
    pub name: String,
    /// Where the text names it.
    pub mention: Option<Span>,
}

/// Who made a claim: how the speaker is named, where, in what role and for whom.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Speaker {
    /// The person's name (an earlier mention's full name for "he" or a surname), else
    /// the organisation's canonical name, else the words of the mention ("a spokesman").
    pub name: String,
    /// Where the attribution names the speaker.
    pub mention: Option<Span>,
    /// The speaker's role as written ("chief executive", "analyst", "spokesman").
    pub title: Option<Span>,
    /// The organisation the speaker speaks for; for an organisation speaker, itself.
    pub affiliation: Option<Affiliation>,
}

/// The organisation a speaker speaks for.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Affiliation {
    /// The knowledge base's canonical name when linked, else the words of its mention.
    pub name: String,
    /// Where the text names it.
    pub mention: Option<Span>,
    /// The knowledge-base company, when it is one.
    pub company: Option<String>,
}

/// A sentiment label.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Label {
    /// Against the target.
    Negative = 0,
    /// Neither for nor against.
    Neutral = 1,
    /// For the target.
    Positive = 2,
}

impl Label {
    /// The label as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Negative => "negative",
            Label::Neutral => "neutral",
            Label::Positive => "positive",
        }
    }
}

/// What a claim's sentiment was judged toward.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Toward {
    /// The claim's target.
    Target,
    /// Nothing: the target is unknown and the score is the quote's own polarity.
    Quote,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
/// A sentiment judgement: label, its probability, and on claims what it was judged toward.
pub struct Sentiment {
    /// The most probable label.
    pub label: Label,
    /// Calibrated probability of `label`.
    pub score: f32,
    /// On claims only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toward: Option<Toward>,
}

impl Sentiment {
    /// The most probable label of the model's answer, with its probability.
    pub fn from_probs(probs: &Probs, toward: Option<Toward>) -> Self {
        let mut best = Label::Negative;
        for label in [Label::Neutral, Label::Positive] {
            if probs[label as usize] > probs[best as usize] {
                best = label;
            }
        }
        Sentiment {
            label: best,
            score: round3(probs[best as usize]),
            toward,
        }
    }
}

/// Where a claim's sentence (or sentences) are.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SentenceRange {
    /// First code point of the first sentence.
    pub start: usize,
    /// End of the last sentence, exclusive.
    pub end: usize,
}

/// Whether a claim's quote is the speaker's own words in quotation marks (`direct`) or
/// a paraphrase (`indirect`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ClaimKind {
    /// In quotation marks: the speaker's own words.
    Direct,
    /// A paraphrase (reported speech).
    Indirect,
}

/// A quoted or reported statement, who made it, through which publication and about whom.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Claim {
    /// `c1`, `c2`, ... in text order within the article.
    pub id: String,
    /// Direct quotation or paraphrase.
    pub kind: ClaimKind,
    /// The quoted or reported words.
    pub quote: Span,
    /// Who said it.
    pub speaker: Option<Speaker>,
    /// The verb or phrase that attributes it ("said", "according to").
    pub cue: Option<Span>,
    /// The publication it was reported through.
    pub source: Option<Named>,
    /// The company it is about.
    pub target: Option<Named>,
    /// Its sentiment toward the target (or its own polarity when the target is unknown).
    pub sentiment: Option<Sentiment>,
    /// The sentence or sentences it is in.
    pub sentence: Option<SentenceRange>,
}

/// A company the article mentions.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Company {
    /// Canonical name from the knowledge base.
    pub name: String,
    /// How many entities refer to it.
    pub mentions: usize,
    /// The article's sentiment toward the company over its mentions and the claims about
    /// it (see `sentiment::aggregate`).
    pub sentiment: Option<Sentiment>,
    /// How many of the company's mentions and claims about it were judged negative,
    /// neutral and positive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentiment_counts: Option<LabelCounts>,
}

/// Answers per sentiment label.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct LabelCounts {
    /// Answers labelled negative.
    pub negative: usize,
    /// Answers labelled neutral.
    pub neutral: usize,
    /// Answers labelled positive.
    pub positive: usize,
}

/// Scores are written with three decimals: more is noise, and lines stay short.
pub fn round3(x: f32) -> f32 {
    (x * 1000.0).round() / 1000.0
}

impl Record {
    /// The record of an annotated document: every normalised range becomes a span of the
    /// original text (a range that does not map back is left out rather than reported
    /// wrong). `mention_sentiment` writes each company entity's own sentiment.
    pub fn from_document(doc: &Document, mention_sentiment: bool) -> Record {
        let index = CharIndex::new(&doc.text);
        let span = |range: CharRange| -> Option<Span> {
            let (start, end) = doc.normalized.to_original(range)?;
            index.span(&doc.text, start, end)
        };
        let entities: Vec<Entity> = (doc.entities())
            .filter_map(|m| {
                let located = span(m.range)?;
                let sentiment = m
                    .sentiment
                    .filter(|_| mention_sentiment && m.company.is_some());
                Some(Entity {
                    text: located.text,
                    label: m.label,
                    start: located.start,
                    end: located.end,
                    score: m.score.map(round3),
                    company: m.company.clone(),
                    sentiment: sentiment.map(|p| Sentiment::from_probs(&p, None)),
                })
            })
            .collect();
        let mut claims = Vec::with_capacity(doc.claims.len());
        for found in &doc.claims {
            if let Some(claim) = wire_claim(doc, found, &span, claims.len() + 1) {
                claims.push(claim);
            }
        }
        let targets = doc.targets.as_ref().map(|targets| {
            (targets.iter())
                .filter_map(|t| {
                    Some(Target {
                        text: index.span(&doc.text, t.start, t.end)?.text,
                        start: t.start,
                        end: t.end,
                        sentiment: t.sentiment.map(|p| Sentiment::from_probs(&p, None)),
                    })
                })
                .collect()
        });
        let mut companies = company_counts(&entities);
        for company in &mut companies {
            if let Some((counts, overall)) = company_sentiment(doc, &company.name) {
                company.sentiment = Some(overall);
                company.sentiment_counts = Some(counts);
            }
        }
        Record {
            id: doc.id.clone(),
            schema: SCHEMA.to_string(),
            entities,
            claims,
            companies,
            targets,
        }
    }
}

/// The record claim `c{number}`; `None` when its quote does not map back.
fn wire_claim(
    doc: &Document,
    found: &FoundClaim,
    span: &impl Fn(CharRange) -> Option<Span>,
    number: usize,
) -> Option<Claim> {
    let quote = span(found.quote)?;
    // A speaker, source or target goes by its company, else by its entity's name, else by
    // the words of its mention.
    let named =
        |mention: Option<CharRange>, entity: Option<CharRange>, company: &Option<String>| {
            let mention = mention?;
            let located = span(mention)?;
            let name = company
                .clone()
                .unwrap_or_else(|| name_of(doc, entity.unwrap_or(mention)));
            Some(Named {
                name,
                mention: Some(located),
            })
        };
    let companies = &found.companies;
    let sentence = (doc.sentences.get(found.sentence))
        .zip(doc.sentences.get(found.last_sentence))
        .and_then(|(a, b)| doc.normalized.to_original(CharRange::new(a.start, b.end)))
        .map(|(start, end)| SentenceRange { start, end });
    Some(Claim {
        id: format!("c{number}"),
        kind: found.kind,
        quote,
        speaker: named(found.speaker, found.speaker_entity, &companies.speaker).map(|named| {
            Speaker {
                name: named.name,
                mention: named.mention,
                title: found.speaker_title.and_then(span),
                affiliation: found.affiliation.map(|mention| Affiliation {
                    name: (companies.affiliation.clone()).unwrap_or_else(|| name_of(doc, mention)),
                    mention: span(mention),
                    company: companies.affiliation.clone(),
                }),
            }
        }),
        cue: found.cue.and_then(span),
        source: named(found.source, None, &companies.source),
        target: named(found.target, None, &companies.target),
        sentiment: (found.sentiment).map(|s| Sentiment::from_probs(&s.probs, Some(s.toward))),
        sentence,
    })
}

/// Companies mentioned, most mentioned first (then by first mention).
fn company_counts(entities: &[Entity]) -> Vec<Company> {
    let mut companies: Vec<Company> = Vec::new();
    for name in entities.iter().filter_map(|e| e.company.as_ref()) {
        match companies.iter_mut().find(|c| &c.name == name) {
            Some(c) => c.mentions += 1,
            None => companies.push(Company {
                name: name.clone(),
                mentions: 1,
                sentiment: None,
                sentiment_counts: None,
            }),
        }
    }
    // Stable: ties keep the order of first mention.
    companies.sort_by_key(|c| std::cmp::Reverse(c.mentions));
    companies
}

/// Written in place of a record for an input line that could not be processed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ErrorRecord {
    /// The item's id when it could be read.
    pub id: Option<String>,
    /// Always `SCHEMA`.
    pub schema: String,
    /// What went wrong.
    pub error: ErrorDetail,
}

/// What went wrong with an input item, and where it is.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ErrorDetail {
    /// A stable machine-readable kind (`invalid_json`, `too_large`, `unreadable`, ...).
    pub kind: String,
    /// What went wrong, for people.
    pub message: String,
    /// The input file (`-` for stdin).
    pub file: String,
    /// 1-based line in that file (0 for a whole file).
    pub line: usize,
}

/// One output line.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum OutputLine {
    /// An annotated article.
    Record(Record),
    /// An input item that could not be processed, in its place.
    Error(ErrorRecord),
}

impl OutputLine {
    /// Whether this line is an error record.
    pub fn is_error(&self) -> bool {
        matches!(self, OutputLine::Error(_))
    }

    /// The line as JSON, without the newline.
    pub fn to_json(&self) -> String {
        // Serialising these plain structs cannot fail (no maps with non-string keys).
        serde_json::to_string(self).unwrap_or_else(|e| {
            format!(r#"{{"schema":"{SCHEMA}","error":{{"kind":"internal","message":"{e}"}}}}"#)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::{annotate, mentions_in, ClaimKind, FoundClaim, Indirect};
    use crate::doc::Article;
    use crate::text::Markup;

    /// The normalised text's entities, as `mentions_in` finds them.
    fn document(text: &str, markup: Markup, entities: &[(&str, &str)]) -> Document {
        let mut doc = Document::new(&Article::new("a", text), markup);
        let plain: String = doc.chars().iter().collect();
        doc.mentions = mentions_in(&plain, entities);
        doc
    }

    #[test]
    fn offsets_point_into_the_original_markdown() {
        let text = "**Acme** said \"we *win* big,\" per [Reuters](#).";
        let mut doc = document(
            text,
            Markup::Markdown,
            &[("Acme", "ORG"), ("Reuters", "ORG")],
        );
        annotate(&mut doc, Indirect::FromRoles);
        let record = Record::from_document(&doc, false);
        let slice = |s: &Span| {
            (text.chars().skip(s.start))
                .take(s.end - s.start)
                .collect::<String>()
        };
        for entity in &record.entities {
            let span = Span {
                text: entity.text.clone(),
                start: entity.start,
                end: entity.end,
            };
            assert_eq!(slice(&span), entity.text);
        }
        let [c] = record.claims.as_slice() else {
            panic!("one claim: {:?}", record.claims);
        };
        assert_eq!((c.id.as_str(), c.kind), ("c1", ClaimKind::Direct));
        assert_eq!(c.quote.text, "we *win* big");
        assert_eq!(slice(&c.quote), c.quote.text);
        let speaker = c.speaker.as_ref().expect("speaker");
        assert_eq!(speaker.name, "Acme");
        assert_eq!(speaker.mention.as_ref().map(slice).as_deref(), Some("Acme"));
        assert_eq!(c.source.as_ref().map(|s| s.name.as_str()), Some("Reuters"));
    }

    #[test]
    fn a_claim_whose_quote_does_not_map_back_is_left_out_and_ids_stay_dense() {
        let text = "\"We will win this,\" Acme said.";
        let mut doc = document(text, Markup::Plain, &[("Acme", "ORG")]);
        annotate(&mut doc, Indirect::FromRoles);
        assert_eq!(doc.claims.len(), 1);
        let outside = FoundClaim::new(ClaimKind::Direct, CharRange::new(0, 500), 0, 0);
        doc.claims.insert(0, outside);
        let record = Record::from_document(&doc, false);
        let ids: Vec<&str> = record.claims.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["c1"]);
        assert_eq!(record.claims[0].quote.text, "We will win this");
    }

    #[test]
    fn a_record_reads_back_as_itself() {
        let text = "\"Profits will double,\" Acme said.";
        let mut doc = document(text, Markup::Plain, &[("Acme", "ORG")]);
        doc.mentions[0].company = Some("Acme Corp".into());
        doc.mentions[0].sentiment = Some([0.1, 0.2, 0.7]);
        annotate(&mut doc, Indirect::FromRoles);
        let record = Record::from_document(&doc, true);
        assert_eq!(record.companies[0].name, "Acme Corp");
        let line = OutputLine::Record(record).to_json();
        let back: OutputLine = serde_json::from_str(&line).expect("reads back");
        assert_eq!(back.to_json(), line);
    }
}
