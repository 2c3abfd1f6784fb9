//! NewsMTSC files: one sentence per line with targets `{from, to, polarity}`, `to`
//! exclusive (code points), polarity 2.0 negative, 4.0 neutral, 6.0 positive.

use std::path::Path;

use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq)]
pub struct TargetExample {
    pub sentence: String,
    /// Code point range of the target mention in `sentence`.
    pub target: (usize, usize),
    /// Index into `model::sentiment::LABELS`.
    pub label: usize,
}

pub(crate) fn read_newsmtsc(path: &Path) -> Result<Vec<TargetExample>> {
    read_examples(path, |value, fail| {
        let sentence = value["sentence_normalized"]
            .as_str()
            .ok_or_else(|| fail("no \"sentence_normalized\" string".into()))?;
        let targets = value["targets"]
            .as_array()
            .ok_or_else(|| fail("no \"targets\" array".into()))?;
        targets
            .iter()
            .map(|target| {
                let (Some(from), Some(to), Some(polarity)) = (
                    target["from"].as_u64(),
                    target["to"].as_u64(),
                    target["polarity"].as_f64(),
                ) else {
                    return Err(fail("a target lacks from, to or polarity".into()));
                };
                let label = match polarity as i64 {
                    2 => 0,
                    4 => 1,
                    6 => 2,
                    _ => return Err(fail(format!("polarity {polarity} is not 2, 4 or 6"))),
                };
                Ok(TargetExample {
                    sentence: sentence.to_string(),
                    target: (from as usize, to as usize),
                    label,
                })
            })
            .collect()
    })
}

/// The target examples of a JSONL gold file: `parse` turns each non-blank line's JSON into
/// examples, given a function that makes an error naming the file and line.
pub(crate) fn read_examples(
    path: &Path,
    parse: impl Fn(&serde_json::Value, &dyn Fn(String) -> Error) -> Result<Vec<TargetExample>>,
) -> Result<Vec<TargetExample>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let fail = |message: String| Error::Data {
            path: path.to_path_buf(),
            line: n + 1,
            message,
        };
        let value: serde_json::Value =
            serde_json::from_str(line).map_err(|e| fail(format!("not valid JSON: {e}")))?;
        out.extend(parse(&value, &fail)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_targets_and_polarities() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("x.jsonl");
        std::fs::write(
            &path,
            r#"{"sentence_normalized": "Trump praised Biden.", "targets": [{"from": 0, "to": 5, "polarity": 6.0}, {"from": 14, "to": 19, "polarity": 4.0}]}"#,
        )
        .expect("write");
        let examples = read_newsmtsc(&path).expect("reads");
        assert_eq!(examples.len(), 2);
        assert_eq!(examples[0].target, (0, 5));
        assert_eq!(examples[0].label, 2);
        assert_eq!(examples[1].label, 1);
    }
}
