//! `claimlink eval sentiment`: runs the pipeline on NewsMTSC sentences or SEntFiN headlines
//! with their targets passed as input `targets` (the way users pass known targets) and
//! scores the returned labels: per-class P/R/F1, macro-F1, accuracy, confusion matrix, and
//! calibration (ECE). The format is told by the fields of the first line.

use std::path::Path;

use crate::doc::Article;
use crate::error::{Error, Result};
use crate::eval::business::{gold_texts, organisation_examples, Split};
use crate::eval::metrics::{expected_calibration_error, Confusion};
use crate::eval::newsmtsc::{read_newsmtsc, TargetExample};
use crate::eval::sentfin::read_sentfin;
use crate::model::sentiment::LABELS;
use crate::pipeline::Pipeline;

/// The gold formats `eval sentiment` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoldFormat {
    /// `{"sentence_normalized", "targets": [{"from", "to", "polarity"}]}`
    NewsMtsc,
    /// `{"title", "entities": [{"text", "sentiment"}]}`
    SentFin,
    /// The business gold's `organisations` (ids and offsets; texts from the data folder):
    /// each organisation in its paragraph.
    BusinessParagraphs,
}

impl GoldFormat {
    pub fn name(self) -> &'static str {
        match self {
            GoldFormat::NewsMtsc => "NewsMTSC",
            GoldFormat::SentFin => "SEntFiN",
            GoldFormat::BusinessParagraphs => "business paragraphs",
        }
    }
}

/// Reads a NewsMTSC or SEntFiN file, or the business gold's organisations (texts from
/// `data`, documents of `split`), told apart by the first line's fields. A file without a
/// single target is an error: scores over nothing would read as a model that is wrong.
pub(crate) fn read_sentiment_gold(
    path: &Path,
    data: &Path,
    split: Split,
) -> Result<(GoldFormat, Vec<TargetExample>)> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let Some((n, first)) = text.lines().enumerate().find(|(_, l)| !l.trim().is_empty()) else {
        return Err(Error::Invalid(format!(
            "{} is empty: pass a NewsMTSC (e.g. newsmtsc/dev-rw.jsonl) or SEntFiN \
             (e.g. sentfin/dev.jsonl) file with at least one target",
            path.display()
        )));
    };
    let value: serde_json::Value = serde_json::from_str(first).map_err(|e| Error::Data {
        path: path.to_path_buf(),
        line: n + 1,
        message: format!("not valid JSON: {e}"),
    })?;
    let format = if value.get("sentence_normalized").is_some() {
        GoldFormat::NewsMtsc
    } else if value.get("title").is_some() && value.get("entities").is_some() {
        GoldFormat::SentFin
    } else if value.get("text_sha256").is_some() && value.get("organisations").is_some() {
        GoldFormat::BusinessParagraphs
    } else {
        return Err(Error::Data {
            path: path.to_path_buf(),
            line: n + 1,
            message: "neither NewsMTSC (\"sentence_normalized\", \"targets\"), SEntFiN \
                      (\"title\", \"entities\") nor business gold (\"text_sha256\", \
                      \"organisations\")"
                .into(),
        });
    };
    let examples = match format {
        GoldFormat::NewsMtsc => read_newsmtsc(path)?,
        GoldFormat::SentFin => read_sentfin(path)?,
        GoldFormat::BusinessParagraphs => organisation_examples(&gold_texts(path, data, split)?)?,
    };
    if examples.is_empty() {
        return Err(Error::Invalid(format!(
            "{} holds no targets to score ({} format): nothing to evaluate",
            path.display(),
            format.name()
        )));
    }
    Ok((format, examples))
}

pub struct SentimentEval {
    pub format: GoldFormat,
    pub confusion: Confusion,
    pub ece: f64,
    /// Targets the pipeline returned no sentiment for (counted as wrong: neutral).
    pub unanswered: usize,
}

impl SentimentEval {
    /// The metrics object of `eval sentiment --json`.
    pub fn to_json(&self, gold: &Path) -> serde_json::Value {
        serde_json::json!({
            "eval": "sentiment",
            "gold": gold.display().to_string(),
            "format": self.format.name(),
            "confusion": self.confusion.to_json(),
            "ece_15_bins": self.ece,
            "unanswered": self.unanswered,
        })
    }

    /// What `claimlink eval sentiment` prints for the gold file `gold`: a heading line, the
    /// confusion table, then calibration and unanswered targets.
    pub fn report(&self, gold: &Path) -> String {
        format!(
            "eval sentiment: {} ({})\n{}ECE (15 bins) {:.4}; targets without an answer: {}\n",
            gold.display(),
            self.format.name(),
            self.confusion.table(),
            self.ece,
            self.unanswered
        )
    }
}

/// Scores the pipeline's sentiment toward the gold targets of `gold` (for the business
/// gold: the documents of `split`, texts from `data`).
pub fn eval_sentiment(
    pipeline: &Pipeline,
    gold: &Path,
    data: &Path,
    split: Split,
) -> Result<SentimentEval> {
    if !pipeline.has_sentiment() {
        return Err(Error::Invalid(
            "no sentiment model: train one with `claimlink train sentiment` into models/sentiment"
                .into(),
        ));
    }
    let (format, examples) = read_sentiment_gold(gold, data, split)?;
    let mut confusion = Confusion::new(&LABELS);
    let (mut confidence, mut correct, mut unanswered) = (Vec::new(), Vec::new(), 0);
    for (c, chunk) in examples.chunks(64).enumerate() {
        let articles: Vec<Article> = chunk
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let mut a = Article::new(format!("t{}", c * 64 + i), e.sentence.clone());
                a.targets = Some(vec![e.target]);
                a
            })
            .collect();
        for (result, example) in pipeline.annotate(&articles)?.into_iter().zip(chunk) {
            let annotated = result.map_err(Error::Invalid)?;
            let sentiment = annotated
                .record
                .targets
                .as_ref()
                .and_then(|t| t.first())
                .and_then(|t| t.sentiment.as_ref());
            let (predicted, score) = match sentiment {
                Some(s) => (s.label as usize, s.score),
                None => {
                    unanswered += 1;
                    (1, 0.0)
                }
            };
            confusion.add(example.label, predicted);
            confidence.push(score);
            correct.push(predicted == example.label);
        }
    }
    Ok(SentimentEval {
        format,
        ece: expected_calibration_error(&confidence, &correct, 15),
        confusion,
        unanswered,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gold(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("gold.jsonl");
        std::fs::write(&path, text).expect("write");
        (dir, path)
    }

    #[test]
    fn the_format_is_told_by_the_first_lines_fields() {
        let (_d, path) = gold(
            "\n{\"title\": \"Wipro slips\", \"entities\": [{\"text\": \"Wipro\", \"sentiment\": \"negative\"}]}\n",
        );
        let (format, examples) =
            read_sentiment_gold(&path, Path::new("."), Split::Dev).expect("SEntFiN");
        assert_eq!(format, GoldFormat::SentFin);
        assert_eq!(examples[0].target, (0, 5));
        let (_d, path) = gold(
            r#"{"sentence_normalized": "Trump won.", "targets": [{"from": 0, "to": 5, "polarity": 6.0}]}"#,
        );
        let (format, examples) =
            read_sentiment_gold(&path, Path::new("."), Split::Dev).expect("NewsMTSC");
        assert_eq!(format, GoldFormat::NewsMtsc);
        assert_eq!(examples[0].label, 2);
        let (_d, path) = gold(r#"{"text": "x"}"#);
        let error =
            read_sentiment_gold(&path, Path::new("."), Split::Dev).expect_err("unknown format");
        assert!(error.to_string().contains("gold.jsonl:1:"), "{error}");
    }

    #[test]
    fn empty_gold_is_an_error_not_zero_scores() {
        for text in ["", "\n \n", r#"{"title": "Quiet day", "entities": []}"#] {
            let (_d, path) = gold(text);
            let error = read_sentiment_gold(&path, Path::new("."), Split::Dev)
                .expect_err("nothing to score");
            assert!(error.to_string().contains("gold.jsonl"), "{error}");
        }
    }
}
