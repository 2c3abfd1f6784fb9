//! The user's own gold: JSONL in the claimlink/1 record shape where every part is optional
//! (`schema/claimlink-gold.schema.json`), so a hand-corrected output line is gold.
//!
//! A part that is absent was not annotated and is not scored; a part that is present is
//! taken as complete: `"claims": []` says the article has no claims, `"speaker": null`
//! that a claim has no speaker. Predictions (`Record`s) read into the same type with every
//! part present, so scoring compares like with like.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Deserializer};

use crate::doc::EntityLabel;
use crate::error::{Error, Result};
use crate::labels::Label;
use crate::record::Record;

/// The JSON Schema gold lines are checked against.
pub(crate) const GOLD_SCHEMA: &str = include_str!("../../schema/claimlink-gold.schema.json");

/// A part that may be absent (not annotated: `None`) or present and null (`Some(None)`).
pub(crate) type Part<T> = Option<Option<T>>;

/// One gold (or predicted) article.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct GoldRecord {
    /// Matches gold to predicted articles.
    pub id: String,
    /// The article text: what the pipeline runs on when no predictions are given.
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub entities: Option<Vec<GoldEntity>>,
    #[serde(default)]
    pub claims: Option<Vec<GoldClaim>>,
    #[serde(default)]
    pub companies: Option<Vec<GoldCompany>>,
    #[serde(default)]
    pub targets: Option<Vec<GoldTarget>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GoldEntity {
    pub start: usize,
    pub end: usize,
    /// Absent or null: the span is an entity of no label claimlink knows (scored as a
    /// span only).
    #[serde(default)]
    pub label: Option<EntityLabel>,
    #[serde(default)]
    pub company: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
pub struct GoldSpan {
    pub start: usize,
    pub end: usize,
}

impl GoldSpan {
    pub fn pair(self) -> (usize, usize) {
        (self.start, self.end)
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct GoldNamed {
    pub name: String,
}

#[derive(Debug, Clone, Copy, Deserialize)]
pub struct GoldSentiment {
    pub label: Label,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GoldClaim {
    pub quote: GoldSpan,
    #[serde(default, deserialize_with = "present")]
    pub speaker: Part<GoldNamed>,
    #[serde(default, deserialize_with = "present")]
    pub target: Part<GoldNamed>,
    #[serde(default, deserialize_with = "present")]
    pub source: Part<GoldNamed>,
    #[serde(default, deserialize_with = "present")]
    pub cue: Part<GoldSpan>,
    #[serde(default, deserialize_with = "present")]
    pub sentiment: Part<GoldSentiment>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GoldCompany {
    pub name: String,
    #[serde(default, deserialize_with = "present")]
    pub sentiment: Part<GoldSentiment>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GoldTarget {
    pub start: usize,
    pub end: usize,
    #[serde(default, deserialize_with = "present")]
    pub sentiment: Part<GoldSentiment>,
}

/// A field that is in the JSON, null or not: `#[serde(default)]` gives `None` when absent.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> std::result::Result<Part<T>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

impl GoldRecord {
    /// An article with every part present and empty: the other side of an article only
    /// one side has, so all its items count (as misses or false positives).
    pub fn empty(id: &str) -> Self {
        GoldRecord {
            id: id.to_string(),
            text: None,
            entities: Some(Vec::new()),
            claims: Some(Vec::new()),
            companies: Some(Vec::new()),
            targets: Some(Vec::new()),
        }
    }

    /// A prediction as gold-shaped data: every part present.
    pub(crate) fn from_record(record: &Record) -> Self {
        let named = |n: Option<&str>| {
            Some(n.map(|name| GoldNamed {
                name: name.to_string(),
            }))
        };
        let sentiment = |s: Option<&crate::record::Sentiment>| {
            Some(s.map(|s| GoldSentiment { label: s.label }))
        };
        GoldRecord {
            id: record.id.clone(),
            text: record.text.clone(),
            entities: Some(
                (record.entities.iter())
                    .map(|e| GoldEntity {
                        start: e.start,
                        end: e.end,
                        label: Some(e.label),
                        company: e.company.clone(),
                    })
                    .collect(),
            ),
            claims: Some(
                (record.claims.iter())
                    .map(|c| GoldClaim {
                        quote: GoldSpan {
                            start: c.quote.start,
                            end: c.quote.end,
                        },
                        speaker: named(c.speaker.as_ref().map(|s| s.name.as_str())),
                        target: named(c.target.as_ref().map(|s| s.name.as_str())),
                        source: named(c.source.as_ref().map(|s| s.name.as_str())),
                        cue: Some(c.cue.as_ref().map(|s| GoldSpan {
                            start: s.start,
                            end: s.end,
                        })),
                        sentiment: sentiment(c.sentiment.as_ref()),
                    })
                    .collect(),
            ),
            companies: Some(
                (record.companies.iter())
                    .map(|c| GoldCompany {
                        name: c.name.clone(),
                        sentiment: sentiment(c.sentiment.as_ref()),
                    })
                    .collect(),
            ),
            targets: Some(
                (record.targets.iter().flatten())
                    .map(|t| GoldTarget {
                        start: t.start,
                        end: t.end,
                        sentiment: sentiment(t.sentiment.as_ref()),
                    })
                    .collect(),
            ),
        }
    }
}

impl GoldRecord {
    /// Every span is a non-empty range (start < end) and, when the record has its text,
    /// ends within it; the error names the field (`claims[2].quote`) and the numbers.
    pub(crate) fn check_spans(&self) -> std::result::Result<(), String> {
        let length = self.text.as_ref().map(|t| t.chars().count());
        let check = |field: String, start: usize, end: usize| {
            if start >= end {
                return Err(format!(
                    "{field}: start {start} is not before end {end} (offsets are code \
                     points, start inclusive, end exclusive)"
                ));
            }
            match length {
                Some(length) if end > length => Err(format!(
                    "{field}: end {end} is past the end of the text ({length} code points)"
                )),
                _ => Ok(()),
            }
        };
        for (i, e) in self.entities.iter().flatten().enumerate() {
            check(format!("entities[{i}]"), e.start, e.end)?;
        }
        for (i, c) in self.claims.iter().flatten().enumerate() {
            check(format!("claims[{i}].quote"), c.quote.start, c.quote.end)?;
            if let Some(Some(cue)) = c.cue {
                check(format!("claims[{i}].cue"), cue.start, cue.end)?;
            }
        }
        for (i, t) in self.targets.iter().flatten().enumerate() {
            check(format!("targets[{i}]"), t.start, t.end)?;
        }
        Ok(())
    }
}

/// The compiled gold schema.
fn validator() -> Result<jsonschema::Validator> {
    let schema: serde_json::Value = serde_json::from_str(GOLD_SCHEMA)
        .map_err(|e| Error::Invalid(format!("the built-in gold schema is not JSON: {e}")))?;
    jsonschema::validator_for(&schema)
        .map_err(|e| Error::Invalid(format!("the built-in gold schema is invalid: {e}")))
}

/// The non-blank lines of a JSONL file as JSON values with their 1-based line numbers; a
/// line that is not JSON is the error, naming it.
fn json_lines(path: &Path) -> Result<Vec<(usize, serde_json::Value)>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    (text.lines().enumerate())
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            serde_json::from_str(line)
                .map(|value| (i + 1, value))
                .map_err(|e| data_error(path, i + 1, format!("not JSON: {e}")))
        })
        .collect()
}

fn data_error(path: &Path, line: usize, message: String) -> Error {
    Error::Data {
        path: path.to_path_buf(),
        line,
        message,
    }
}

/// Records `id` as seen; an id seen on an earlier line is the error.
fn unique_id(ids: &mut BTreeSet<String>, id: &str, path: &Path, line: usize) -> Result<()> {
    if ids.insert(id.to_string()) {
        Ok(())
    } else {
        Err(data_error(
            path,
            line,
            format!("id {id:?} is already on an earlier line"),
        ))
    }
}

/// Reads a gold JSONL file: every non-blank line is checked against the gold schema, ids
/// must be unique; the first bad line is the error, with its line number and field.
pub fn read_gold(path: &Path) -> Result<Vec<GoldRecord>> {
    let validator = validator()?;
    let mut records = Vec::new();
    let mut ids = BTreeSet::new();
    for (line, value) in json_lines(path)? {
        let errors: Vec<String> = (validator.iter_errors(&value))
            .take(3)
            .map(|e| {
                let at = e.instance_path().to_string();
                let at = if at.is_empty() { "/".to_string() } else { at };
                format!("at {at}: {e}")
            })
            .collect();
        if !errors.is_empty() {
            return Err(data_error(
                path,
                line,
                format!("not a gold record ({})", errors.join("; ")),
            ));
        }
        let record: GoldRecord = serde_json::from_value(value)
            .map_err(|e| data_error(path, line, format!("not a gold record: {e}")))?;
        unique_id(&mut ids, &record.id, path, line)?;
        record
            .check_spans()
            .map_err(|message| data_error(path, line, message))?;
        records.push(record);
    }
    if records.is_empty() {
        return Err(data_error(path, 0, "holds no gold records".into()));
    }
    Ok(records)
}

/// Predictions read back from `claimlink run` output.
#[derive(Debug, Default)]
pub struct Predictions {
    pub records: Vec<GoldRecord>,
    /// Error lines (`{"id", "error"}`): their articles count as unpredicted.
    pub error_lines: usize,
}

/// Reads claimlink/1 output; a line that is neither a record nor an error line is an
/// error naming the line, as is an id seen twice.
pub(crate) fn read_predictions(path: &Path) -> Result<Predictions> {
    let mut out = Predictions::default();
    let mut ids = BTreeSet::new();
    for (line, value) in json_lines(path)? {
        if value.get("error").is_some() {
            out.error_lines += 1;
            continue;
        }
        let record: Record = serde_json::from_value(value)
            .map_err(|e| data_error(path, line, format!("not a claimlink/1 record: {e}")))?;
        unique_id(&mut ids, &record.id, path, line)?;
        out.records.push(GoldRecord::from_record(&record));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> GoldRecord {
        serde_json::from_str(line).expect("a gold line")
    }

    #[test]
    fn absent_and_null_parts_differ() {
        let g = parse(
            r#"{"id":"a","claims":[{"quote":{"start":1,"end":4},"speaker":null,"target":{"name":"X"}}]}"#,
        );
        let claim = &g.claims.as_ref().expect("claims")[0];
        assert!(matches!(claim.speaker, Some(None)));
        assert!(matches!(claim.target, Some(Some(_))));
        assert!(claim.source.is_none());
        assert!(g.entities.is_none());
    }

    #[test]
    fn the_schema_compiles_and_rejects_a_claim_without_quote() {
        let v = validator().expect("schema");
        assert!(v.is_valid(&serde_json::json!({"id": "a", "claims": []})));
        assert!(!v.is_valid(&serde_json::json!({"id": "a", "claims": [{"speaker": null}]})));
        assert!(!v.is_valid(&serde_json::json!({"claims": []})));
        assert!(!v.is_valid(
            &serde_json::json!({"id": "a", "entities": [{"start": 0, "end": 1, "label": "PERSON"}]})
        ));
    }

    #[test]
    fn spans_past_the_text_or_backwards_are_refused_naming_the_field() {
        let past = parse(r#"{"id":"a","text":"abc","claims":[{"quote":{"start":1,"end":9}}]}"#);
        let err = past.check_spans().expect_err("past the end");
        assert!(
            err.contains("claims[0].quote") && err.contains("3 code points"),
            "{err}"
        );
        let backwards = parse(r#"{"id":"a","entities":[{"start":0,"end":2},{"start":5,"end":4}]}"#);
        let err = backwards.check_spans().expect_err("start after end");
        assert!(
            err.contains("entities[1]") && err.contains("start 5"),
            "{err}"
        );
        let fine = parse(r#"{"id":"a","text":"abc","targets":[{"start":0,"end":3}]}"#);
        assert!(fine.check_spans().is_ok());
    }
}
