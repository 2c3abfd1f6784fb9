//! `claimlink eval sentiment`: runs the pipeline on NewsMTSC sentences with their targets
//! passed as input `targets` (the way users pass known targets) and scores the returned
//! labels: per-class P/R/F1, macro-F1, accuracy, confusion matrix, and calibration (ECE).

use std::path::Path;

use crate::doc::Article;
use crate::error::{Error, Result};
use crate::eval::metrics::{expected_calibration_error, Confusion};
use crate::eval::newsmtsc::read_newsmtsc;
use crate::model::sentiment::LABELS;
use crate::pipeline::Pipeline;

pub struct SentimentEval {
    pub confusion: Confusion,
    pub ece: f64,
    /// Targets the pipeline returned no sentiment for (counted as wrong: neutral).
    pub unanswered: usize,
}

pub fn eval_sentiment(pipeline: &Pipeline, gold: &Path) -> Result<SentimentEval> {
    if !pipeline.has_sentiment() {
        return Err(Error::Invalid(
            "no sentiment model: train one with `claimlink train sentiment` into models/sentiment"
                .into(),
        ));
    }
    let examples = read_newsmtsc(gold)?;
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
                Some(s) => (
                    LABELS.iter().position(|l| *l == s.label).unwrap_or(1),
                    s.score,
                ),
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
        ece: expected_calibration_error(&confidence, &correct, 15),
        confusion,
        unanswered,
    })
}
