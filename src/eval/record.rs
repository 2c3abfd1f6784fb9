//! `claimlink eval record --gold FILE.json`: the seed's hand-made gold record
//! (`shared/seed/*.gold.json`: one pretty-printed JSON object, `canonical` names, sentiment
//! as a bare label) scored as a one-article `eval corpus`: the record is converted to the
//! gold format (`eval::gold`) and scored by the same rules.

use std::path::Path;

use serde::Deserialize;

use crate::doc::EntityLabel;
use crate::error::{Error, Result};
use crate::eval::corpus::{eval_corpus_with, CorpusEval};
use crate::eval::gold::{
    GoldClaim, GoldCompany, GoldEntity, GoldNamed, GoldRecord, GoldSentiment, GoldSpan,
};
use crate::labels::Label;
use crate::pipeline::Pipeline;

#[derive(Debug, Deserialize)]
struct SeedEntity {
    start: usize,
    end: usize,
    label: Option<String>,
    canonical: Option<String>,
}

#[derive(Debug, Deserialize)]
struct SeedNamed {
    canonical: String,
}

#[derive(Debug, Deserialize)]
struct SeedClaim {
    quote: GoldSpan,
    speaker: Option<SeedNamed>,
    target: Option<SeedNamed>,
    source: Option<SeedNamed>,
    cue: Option<GoldSpan>,
    sentiment: Option<Label>,
}

#[derive(Debug, Deserialize)]
struct Seed {
    id: String,
    text: String,
    #[serde(default)]
    entities: Vec<SeedEntity>,
    #[serde(default)]
    claims: Vec<SeedClaim>,
}

/// The claimlink label of a seed label: products are CoNLL's MISC; a label with no
/// claimlink counterpart (DATE) leaves the span unlabelled, scored as a span only.
pub(crate) fn seed_label(label: &str) -> Option<EntityLabel> {
    match label {
        "PRODUCT" => Some(EntityLabel::Misc),
        other => EntityLabel::parse(other),
    }
}

fn convert(seed: Seed) -> GoldRecord {
    let named = |n: Option<SeedNamed>| Some(n.map(|n| GoldNamed { name: n.canonical }));
    GoldRecord {
        id: seed.id,
        text: Some(seed.text),
        entities: Some(
            (seed.entities.into_iter())
                .map(|e| GoldEntity {
                    start: e.start,
                    end: e.end,
                    label: e.label.as_deref().and_then(seed_label),
                    company: e.canonical,
                })
                .collect(),
        ),
        claims: Some(
            (seed.claims.into_iter())
                .map(|c| GoldClaim {
                    quote: c.quote,
                    speaker: named(c.speaker),
                    target: named(c.target),
                    source: named(c.source),
                    cue: Some(c.cue),
                    sentiment: Some(c.sentiment.map(|label| GoldSentiment { label })),
                })
                .collect(),
        ),
        // The seed labels claims, not companies' overall sentiment.
        companies: None::<Vec<GoldCompany>>,
        targets: None,
    }
}

/// Reads a seed-style gold record.
pub(crate) fn read_seed(gold_path: &Path) -> Result<GoldRecord> {
    let text = std::fs::read_to_string(gold_path).map_err(|e| Error::io(gold_path, e))?;
    let seed: Seed = serde_json::from_str(&text).map_err(|e| Error::Data {
        path: gold_path.to_path_buf(),
        line: e.line(),
        message: format!(
            "not a seed gold record (one JSON object; for JSONL gold use `eval corpus`): {e}"
        ),
    })?;
    Ok(convert(seed))
}

/// Runs the pipeline on the seed record's text and scores it.
pub fn eval_record(pipeline: &Pipeline, gold_path: &Path) -> Result<CorpusEval> {
    let gold = read_seed(gold_path)?;
    eval_corpus_with(Some(pipeline), vec![gold], None)
}
