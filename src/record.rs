//! The wire format: schema `claimlink/1`, one JSON object per output line.
//!
//! These structs are the format; internal types convert into them in one place
//! (`pipeline`). `schema/claimlink-1.schema.json` documents the same shape for users.
//! Every offset is a code point offset into the input `text`, end exclusive; a field
//! that is unknown is `null`, never guessed.

use serde::{Deserialize, Deserializer, Serialize};

use crate::doc::Span;

pub const SCHEMA: &str = "claimlink/1";

/// A fixed string of the format (`schema`, `toward`). An alias, so serde's derive does not
/// take the `&'static str` for a borrow from the input.
pub type Tag = &'static str;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Record {
    pub id: String,
    #[serde(deserialize_with = "schema_tag")]
    pub schema: Tag,
    /// The input's metadata, passed through when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The input's free `meta` object, passed through untouched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<serde_json::Map<String, serde_json::Value>>,
    /// The article text (`run --with-text`), so an index needs no second source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Digest of the model set that produced the record (`feed::models_digest`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub models: Option<String>,
    pub entities: Vec<Entity>,
    pub claims: Vec<Claim>,
    pub companies: Vec<Company>,
    /// Present when the input named targets: their sentiment, in the input's order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub targets: Option<Vec<Target>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Target {
    pub text: String,
    pub start: usize,
    pub end: usize,
    /// Null when no sentiment model is installed or the span covers no word.
    pub sentiment: Option<Sentiment>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Entity {
    pub text: String,
    pub label: String,
    pub start: usize,
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

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Named {
    pub name: String,
    pub mention: Option<Span>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Sentiment {
    pub label: String,
    /// Calibrated probability of `label`.
    pub score: f32,
    /// On claims: "target" when judged toward the claim's target, "quote" when the target
    /// is unknown and the score is the quote's own polarity.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "toward_tag"
    )]
    pub toward: Option<Tag>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SentenceRange {
    pub start: usize,
    pub end: usize,
    /// The sentence's text (filled by `feed::finish`), so a claim can be indexed alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// Whether a claim's quote is the speaker's own words in quotation marks (`direct`) or
/// a paraphrase (`indirect`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ClaimKind {
    Direct,
    Indirect,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Claim {
    pub id: String,
    pub kind: ClaimKind,
    pub quote: Span,
    pub speaker: Option<Named>,
    pub cue: Option<Span>,
    pub source: Option<Named>,
    pub target: Option<Named>,
    pub sentiment: Option<Sentiment>,
    pub sentence: Option<SentenceRange>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Company {
    /// The knowledge base's id of the company (`models/companies.json`), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
    /// `company` or `publication`, from the knowledge base.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Stock tickers from the knowledge base.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tickers: Vec<String>,
    pub mentions: usize,
    /// The article's sentiment toward the company over its mentions and the claims about
    /// it (see `stance::aggregate`).
    pub sentiment: Option<Sentiment>,
    /// How many of the company's mentions and claims about it were judged negative,
    /// neutral and positive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentiment_counts: Option<LabelCounts>,
}

/// Mentions per sentiment label.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct LabelCounts {
    pub negative: usize,
    pub neutral: usize,
    pub positive: usize,
}

/// Written in place of a record for an input line that could not be processed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ErrorRecord {
    pub id: Option<String>,
    #[serde(deserialize_with = "schema_tag")]
    pub schema: Tag,
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ErrorDetail {
    pub kind: String,
    pub message: String,
    pub file: String,
    pub line: usize,
}

/// One output line.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum OutputLine {
    Record(Record),
    Error(ErrorRecord),
}

/// Reads `"schema"`, accepting only `claimlink/1`.
fn schema_tag<'de, D: Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
    let tag = String::deserialize(d)?;
    if tag == SCHEMA {
        Ok(SCHEMA)
    } else {
        Err(serde::de::Error::custom(format!(
            "schema is {tag:?}, expected {SCHEMA:?}"
        )))
    }
}

/// Reads a sentiment's `"toward"`: `target` or `quote`.
fn toward_tag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<&'static str>, D::Error> {
    match Option::<String>::deserialize(d)?.as_deref() {
        None => Ok(None),
        Some("target") => Ok(Some("target")),
        Some("quote") => Ok(Some("quote")),
        Some(other) => Err(serde::de::Error::custom(format!(
            "toward is {other:?}, expected \"target\" or \"quote\""
        ))),
    }
}

impl OutputLine {
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
