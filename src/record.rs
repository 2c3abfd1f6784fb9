//! The wire format: schema `claimlink/1`, one JSON object per output line.
//!
//! These structs are the format; internal types convert into them in one place
//! (`pipeline`). `schema/claimlink-1.schema.json` documents the same shape for users.
//! Every offset is a code point offset into the input `text`, end exclusive; a field
//! that is unknown is `null`, never guessed.

use serde::Serialize;

use crate::doc::Span;

pub const SCHEMA: &str = "claimlink/1";

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Record {
    pub id: String,
    pub schema: &'static str,
    pub entities: Vec<Entity>,
    pub claims: Vec<Claim>,
    pub companies: Vec<Company>,
    /// Present when the input named targets: their sentiment, in the input's order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub targets: Option<Vec<Target>>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Target {
    pub text: String,
    pub start: usize,
    pub end: usize,
    /// Null when no sentiment model is installed or the span covers no word.
    pub sentiment: Option<Sentiment>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sentiment: Option<Sentiment>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Named {
    pub name: String,
    pub mention: Option<Span>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Sentiment {
    pub label: String,
    /// Calibrated probability of `label`.
    pub score: f32,
    /// On claims: "target" when judged toward the claim's target, "quote" when the target
    /// is unknown and the score is the quote's own polarity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub toward: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SentenceRange {
    pub start: usize,
    pub end: usize,
}

/// Whether a claim's quote is the speaker's own words in quotation marks (`direct`) or
/// a paraphrase (`indirect`).
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ClaimKind {
    Direct,
    Indirect,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
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

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Company {
    pub name: String,
    pub mentions: usize,
    /// The article's sentiment toward the company over its mentions and the claims about
    /// it (see `stance::aggregate`).
    pub sentiment: Option<Sentiment>,
    /// How many of the company's mentions and claims about it were judged negative,
    /// neutral and positive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sentiment_counts: Option<LabelCounts>,
}

/// Mentions per sentiment label.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct LabelCounts {
    pub negative: usize,
    pub neutral: usize,
    pub positive: usize,
}

/// Written in place of a record for an input line that could not be processed.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ErrorRecord {
    pub id: Option<String>,
    pub schema: &'static str,
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ErrorDetail {
    pub kind: String,
    pub message: String,
    pub file: String,
    pub line: usize,
}

/// One output line.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(untagged)]
pub enum OutputLine {
    Record(Record),
    Error(ErrorRecord),
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
