//! The closed vocabularies of the format and the stages: entity types, claim kinds,
//! sentiment labels and counts, what a sentiment was judged toward, and which rule
//! attributed a quote.

use serde::{Deserialize, Serialize};

/// The entity types of the NER model (CoNLL-2003's four).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EntityLabel {
    #[serde(rename = "PER")]
    /// A person.
    Person,
    #[serde(rename = "ORG")]
    /// A company, institution or other organisation.
    Organisation,
    #[serde(rename = "LOC")]
    /// A place.
    Location,
    #[serde(rename = "MISC")]
    /// Anything else named: products, events, nationalities.
    Misc,
}

impl EntityLabel {
    /// The label as the model's configuration and the output name it.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityLabel::Person => "PER",
            EntityLabel::Organisation => "ORG",
            EntityLabel::Location => "LOC",
            EntityLabel::Misc => "MISC",
        }
    }

    /// The label named `name` ("PER", "ORG", "LOC", "MISC").
    pub fn parse(name: &str) -> Option<Self> {
        [Self::Person, Self::Organisation, Self::Location, Self::Misc]
            .into_iter()
            .find(|l| l.as_str() == name)
    }

    /// A person or an organisation: who can say something.
    pub(crate) fn is_agent(self) -> bool {
        matches!(self, EntityLabel::Person | EntityLabel::Organisation)
    }
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

/// What a company's sentiment rests on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentimentBasis {
    /// Answers at its mentions (named, acronym or descriptor).
    pub mentions: usize,
    /// Answers in claims with it as target.
    pub claims: usize,
}

/// How a quote got its attribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// The words after the closing mark: `"...," X said.`
    Tail,
    /// The words before the opening mark: `X said: "..."`.
    Lead,
    /// The sentence before ends with a colon: `X said:` / `"..."`.
    Colon,
    /// Another piece of the same multi-paragraph quote.
    Group,
    /// The previous quote's speaker, the paragraph going on.
    Previous,
}
