//! A claimlink/1 record flattened into the rows every backend stores (and the export
//! denormalises): one article, its claims, entities and company mentions.
//!
//! Reads a `Record`; offsets are converted to the unit asked for here, in one place.

use crate::index::offsets::{OffsetMap, Unit};
use crate::index::IndexError;
use crate::record::{Claim, Named, Record};

/// A record's score (an `f32` written with three decimals) as the same decimal in `f64`,
/// not as `0.722000002861023`.
fn score(x: f32) -> f64 {
    (f64::from(x) * 1000.0).round() / 1000.0
}

#[derive(Debug, Clone, PartialEq)]
pub struct ArticleRow {
    pub id: String,
    pub title: Option<String>,
    pub url: Option<String>,
    pub published: Option<String>,
    pub source: Option<String>,
    pub text: Option<String>,
    pub models: Option<String>,
    /// The `meta` object as JSON text.
    pub meta: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ClaimRow {
    pub id: String,
    pub article_id: String,
    pub kind: &'static str,
    pub quote: String,
    pub quote_start: i64,
    pub quote_end: i64,
    pub sentence: Option<String>,
    pub sentence_start: Option<i64>,
    pub sentence_end: Option<i64>,
    pub speaker: Option<String>,
    pub speaker_mention: Option<String>,
    /// The speaker's role as written ("spokesperson", "director").
    pub speaker_title: Option<String>,
    /// The organisation the speaker speaks for (`--speaker-org`).
    pub speaker_org: Option<String>,
    pub cue: Option<String>,
    pub target: Option<String>,
    /// The publication the claim was reported through, else the article's source.
    pub source: Option<String>,
    pub sentiment: Option<String>,
    pub sentiment_score: Option<f64>,
    /// The article's title and date, denormalised so a claim is ranked and filtered alone.
    pub title: Option<String>,
    pub published: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EntityRow {
    pub article_id: String,
    pub start: i64,
    pub end: i64,
    pub text: String,
    pub label: String,
    pub score: Option<f64>,
    pub company: Option<String>,
}

/// A company in one article: how often it is mentioned and the article's sentiment to it.
#[derive(Debug, Clone, PartialEq)]
pub struct MentionRow {
    pub article_id: String,
    pub company_id: Option<String>,
    pub company: String,
    pub kind: Option<String>,
    pub tickers: Vec<String>,
    pub mentions: i64,
    pub sentiment: Option<String>,
    pub sentiment_score: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
/// The table rows of one record.
pub struct Rows {
    /// Its article.
    pub article: ArticleRow,
    /// Its claims.
    pub claims: Vec<ClaimRow>,
    /// Its entities.
    pub entities: Vec<EntityRow>,
    /// Its companies.
    pub mentions: Vec<MentionRow>,
}

impl Rows {
    /// The batch with each article once, as its last copy: what a load that replaces
    /// articles in input order leaves.
    pub(crate) fn last_copies(batch: &[Rows]) -> Vec<&Rows> {
        let mut last = std::collections::HashMap::new();
        for (i, rows) in batch.iter().enumerate() {
            last.insert(rows.article.id.as_str(), i);
        }
        (batch.iter().enumerate())
            .filter(|(i, r)| last.get(r.article.id.as_str()) == Some(i))
            .map(|(_, r)| r)
            .collect()
    }

    /// Flattens `record`, with offsets in `unit` (which needs the record's text unless it
    /// is code points).
    pub(crate) fn from_record(record: &Record, unit: Unit) -> Result<Rows, IndexError> {
        let map = match (unit, &record.text) {
            (Unit::Codepoint, _) => None,
            (_, Some(text)) => Some(OffsetMap::new(text, unit)),
            (_, None) => {
                return Err(IndexError::Usage(format!(
                    "record {:?} has no text: offsets in {} need records written by \
                     `claimlink run --with-text`",
                    record.id,
                    unit.name()
                )))
            }
        };
        let at = |offset: usize| -> i64 {
            let converted = map.as_ref().map_or(offset, |m| m.convert(offset));
            i64::try_from(converted).unwrap_or(i64::MAX)
        };
        let article = ArticleRow {
            id: record.id.clone(),
            title: record.title.clone(),
            url: record.url.clone(),
            published: record.published.clone(),
            source: record.source.clone(),
            text: record.text.clone(),
            models: record.models.clone(),
            meta: record
                .meta
                .as_ref()
                .map(|m| serde_json::Value::Object(m.clone()).to_string()),
        };
        let claims = (record.claims.iter())
            .map(|c| claim_row(record, c, &at))
            .collect();
        let entities = record
            .entities
            .iter()
            .map(|e| EntityRow {
                article_id: record.id.clone(),
                start: at(e.start),
                end: at(e.end),
                text: e.text.clone(),
                label: e.label.as_str().to_string(),
                score: e.score.map(score),
                company: e.company.clone(),
            })
            .collect();
        let mentions = record
            .companies
            .iter()
            .map(|c| MentionRow {
                article_id: record.id.clone(),
                company_id: c.id.clone(),
                company: c.name.clone(),
                kind: c.kind.clone(),
                tickers: c.tickers.clone(),
                mentions: i64::try_from(c.mentions).unwrap_or(i64::MAX),
                sentiment: c.sentiment.as_ref().map(|s| s.label.as_str().to_string()),
                sentiment_score: c.sentiment.as_ref().map(|s| score(s.score)),
            })
            .collect();
        Ok(Rows {
            article,
            claims,
            entities,
            mentions,
        })
    }
}

/// One claim's row; `at` converts a code point offset to the index's unit.
fn claim_row(record: &Record, c: &Claim, at: &impl Fn(usize) -> i64) -> ClaimRow {
    let name = |n: &Option<Named>| n.as_ref().map(|n| n.name.clone());
    ClaimRow {
        id: c.id.clone(),
        article_id: record.id.clone(),
        kind: match c.kind {
            crate::record::ClaimKind::Direct => "direct",
            crate::record::ClaimKind::Indirect => "indirect",
        },
        quote: c.quote.text.clone(),
        quote_start: at(c.quote.start),
        quote_end: at(c.quote.end),
        sentence: c.sentence.as_ref().and_then(|s| s.text.clone()),
        sentence_start: c.sentence.as_ref().map(|s| at(s.start)),
        sentence_end: c.sentence.as_ref().map(|s| at(s.end)),
        speaker: c.speaker.as_ref().map(|s| s.name.clone()),
        speaker_mention: c
            .speaker
            .as_ref()
            .and_then(|s| s.mention.as_ref())
            .map(|m| m.text.clone()),
        speaker_title: (c.speaker.as_ref())
            .and_then(|s| s.title.as_ref())
            .map(|t| t.text.clone()),
        speaker_org: (c.speaker.as_ref())
            .and_then(|s| s.affiliation.as_ref())
            .map(|a| a.name.clone()),
        cue: c.cue.as_ref().map(|c| c.text.clone()),
        target: name(&c.target),
        source: name(&c.source).or_else(|| record.source.clone()),
        sentiment: c.sentiment.as_ref().map(|s| s.label.as_str().to_string()),
        sentiment_score: c.sentiment.as_ref().map(|s| score(s.score)),
        title: record.title.clone(),
        published: record.published.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(text: Option<&str>) -> Record {
        let line = serde_json::json!({
            "id": "a", "schema": "claimlink/1", "text": text,
            "entities": [{"text": "Acme", "label": "ORG", "start": 2, "end": 6,
                          "score": 0.722, "company": "Acme"}],
            "claims": [{"id": "0123456789abcdef", "kind": "direct",
                        "quote": {"text": "up", "start": 13, "end": 15},
                        "speaker": {"name": "Acme", "mention": {"text": "Acme", "start": 2, "end": 6}},
                        "cue": null, "source": null, "target": null,
                        "sentiment": {"label": "positive", "score": 0.722},
                        "sentence": null}],
            "companies": []
        });
        serde_json::from_value(line).expect("a record")
    }

    #[test]
    fn offsets_convert_and_scores_keep_their_three_decimals() {
        let text = "😀 Acme said: up";
        let rows = Rows::from_record(&record(Some(text)), Unit::Utf16).expect("rows");
        assert_eq!((rows.entities[0].start, rows.entities[0].end), (3, 7));
        assert_eq!(rows.claims[0].quote_start, 14);
        assert_eq!(rows.claims[0].sentiment_score, Some(0.722));
        assert_eq!(rows.entities[0].score, Some(0.722));
        assert_eq!(rows.claims[0].speaker.as_deref(), Some("Acme"));
    }

    #[test]
    fn other_units_need_the_text() {
        assert!(Rows::from_record(&record(None), Unit::Byte).is_err());
        assert!(Rows::from_record(&record(None), Unit::Codepoint).is_ok());
    }
}
