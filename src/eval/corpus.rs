//! `claimlink eval corpus`: scores predictions against the user's gold (`eval::gold`),
//! per field, micro-averaged over the articles. The matching rules, also in `--help`:
//!
//! - Articles match by `id`. A gold article with no prediction counts all its items as
//!   misses; a predicted article not in the gold counts all its items as false positives.
//! - A part the gold omits is not scored for that article; a present part is complete.
//! - Entity spans: exact start and end. Entity labels: exact span and label, over gold
//!   entities that have a label (a prediction on an unlabelled gold span is not counted).
//!   Entity companies: exact span and company.
//! - Claim quotes, exact: same start and end. Overlap: one-to-one, largest overlap first.
//! - Speaker, target, source, cue, claim sentiment: on overlap-matched claims, an item is
//!   the claim's value (name compared ignoring case and spacing; cue by exact span;
//!   sentiment by label). A right value is a true positive; a wrong one is both a false
//!   positive and a miss; a value on one side only is a false positive or a miss. Values
//!   of unmatched predicted claims are false positives, of unmatched gold claims misses.
//!   A field the gold claim omits is not scored on that pair.
//! - Target sentiment: input targets by exact span, then label. Company sentiment:
//!   companies by name, then label.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{json, Value};

use crate::doc::Article;
use crate::error::{Error, Result};
use crate::eval::gold::{read_gold, read_predictions, GoldClaim, GoldRecord, Part, Predictions};
use crate::eval::metrics::{match_by_overlap, Counts};
use crate::pipeline::Pipeline;

/// Articles annotated per pipeline call: bounds memory on a big gold file.
const BATCH: usize = 32;

/// Scores `pred` (claimlink/1 JSONL) against the gold file, or without `pred` the
/// pipeline's records of the gold texts.
pub fn eval_corpus(
    pipeline: Option<&Pipeline>,
    gold: &Path,
    pred: Option<&Path>,
) -> Result<CorpusEval> {
    eval_corpus_with(pipeline, read_gold(gold)?, pred)
}

/// `eval_corpus` on gold already read.
pub(crate) fn eval_corpus_with(
    pipeline: Option<&Pipeline>,
    gold: Vec<GoldRecord>,
    pred: Option<&Path>,
) -> Result<CorpusEval> {
    let predictions = match (pred, pipeline) {
        (Some(path), _) => read_predictions(path)?,
        (None, Some(pipeline)) => predict(pipeline, &gold)?,
        (None, None) => {
            return Err(Error::Invalid(
                "no predictions: give --pred or let the pipeline run".into(),
            ))
        }
    };
    Ok(score_corpus(
        &gold,
        &predictions.records,
        predictions.error_lines,
    ))
}

/// Runs the pipeline on the gold texts (with the gold's input targets, if any).
pub(crate) fn predict(pipeline: &Pipeline, gold: &[GoldRecord]) -> Result<Predictions> {
    let mut articles = Vec::with_capacity(gold.len());
    for g in gold {
        let text = g.text.clone().ok_or_else(|| {
            Error::Invalid(format!(
                "gold article {:?} has no `text`: give it one, or score a predictions file with --pred",
                g.id
            ))
        })?;
        let mut article = Article::new(g.id.clone(), text);
        article.targets =
            (g.targets.as_ref()).map(|ts| ts.iter().map(|t| (t.start, t.end)).collect());
        articles.push(article);
    }
    let mut out = Predictions::default();
    for chunk in articles.chunks(BATCH) {
        for outcome in pipeline.annotate(chunk)? {
            match outcome {
                Ok(annotated) => out.records.push(GoldRecord::from_record(&annotated.record)),
                Err(_) => out.error_lines += 1,
            }
        }
    }
    Ok(out)
}

/// The scored fields, in report order: (JSON key, table name).
pub(crate) const FIELDS: [(&str, &str); 12] = [
    ("entity_spans", "entity spans"),
    ("entity_labels", "entity labels"),
    ("entity_companies", "entity companies"),
    ("quotes_exact", "claim quotes (exact)"),
    ("quotes_overlap", "claim quotes (overlap)"),
    ("speaker", "speaker"),
    ("target", "target"),
    ("source", "source"),
    ("cue", "cue"),
    ("claim_sentiment", "claim sentiment"),
    ("target_sentiment", "target sentiment"),
    ("company_sentiment", "company sentiment"),
];

/// The claim fields scored on matched quotes, as indexes into `FIELDS`.
const CLAIM_FIELDS: [usize; 5] = [5, 6, 7, 8, 9];

/// Right answers out of the matched claims whose gold gives the field.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Agreement {
    pub right: usize,
    pub of: usize,
}

/// One article's (or the corpus') counts per field.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Scores {
    /// Indexed like `FIELDS`.
    pub fields: [Counts; 12],
    /// Accuracy on matched quotes, indexed like `CLAIM_FIELDS`.
    pub agreement: [Agreement; 5],
}

impl Scores {
    pub fn field(&self, key: &str) -> Option<Counts> {
        let i = FIELDS.iter().position(|(k, _)| *k == key)?;
        Some(self.fields[i])
    }

    fn add(&mut self, other: &Scores) {
        for (a, b) in self.fields.iter_mut().zip(other.fields) {
            a.add(b);
        }
        for (a, b) in self.agreement.iter_mut().zip(other.agreement) {
            a.right += b.right;
            a.of += b.of;
        }
    }

    pub fn table(&self) -> String {
        let mut out = Counts::header("", 24);
        for ((_, name), c) in FIELDS.iter().zip(&self.fields) {
            if c.tp + c.fp + c.fn_ == 0 {
                out += &format!("{name:<24} {:>9}\n", "-");
            } else {
                out += &c.row(name, 24);
            }
        }
        out += "on matched quotes:\n";
        for (&i, a) in CLAIM_FIELDS.iter().zip(&self.agreement) {
            out += &format!("  {:<22} {}/{}\n", FIELDS[i].1, a.right, a.of);
        }
        out
    }

    pub fn to_json(&self) -> Value {
        let mut fields = serde_json::Map::new();
        for ((key, _), c) in FIELDS.iter().zip(&self.fields) {
            // No item on either side: nothing was scored, not a score of 0.
            let value = match c.tp + c.fp + c.fn_ {
                0 => Value::Null,
                _ => c.to_json(),
            };
            fields.insert(key.to_string(), value);
        }
        let mut agreement = serde_json::Map::new();
        for (&i, a) in CLAIM_FIELDS.iter().zip(&self.agreement) {
            agreement.insert(
                FIELDS[i].0.to_string(),
                json!({"right": a.right, "of": a.of}),
            );
        }
        json!({"fields": fields, "on_matched_quotes": agreement})
    }
}

/// Scores of a corpus: the totals, each article's, and what did not pair up.
#[derive(Debug, Default)]
pub struct CorpusEval {
    pub total: Scores,
    /// (id, scores) in gold order, then predicted-only articles.
    pub articles: Vec<(String, Scores)>,
    pub gold_articles: usize,
    pub predicted_articles: usize,
    /// Gold ids with no prediction.
    pub missing: Vec<String>,
    /// Predicted ids not in the gold.
    pub unexpected: Vec<String>,
    /// Error lines in the predictions (or articles the pipeline failed on).
    pub error_lines: usize,
}

impl CorpusEval {
    /// The human report: heading, article counts, the table, and per article on request.
    pub fn report(&self, title: &str, per_article: bool) -> String {
        let mut out = format!(
            "{title}\narticles: {} gold, {} predicted, {} gold without prediction, {} predicted not in gold, {} prediction error lines\n",
            self.gold_articles,
            self.predicted_articles,
            self.missing.len(),
            self.unexpected.len(),
            self.error_lines
        );
        for (what, ids) in [
            ("gold without prediction", &self.missing),
            ("predicted not in gold", &self.unexpected),
        ] {
            if !ids.is_empty() {
                out += &format!("{what}: {}\n", ids.join(", "));
            }
        }
        out += &self.total.table();
        if per_article {
            for (id, scores) in &self.articles {
                out += &format!("\narticle {id}\n{}", scores.table());
            }
        }
        out
    }

    pub fn to_json(&self, per_article: bool) -> Value {
        let mut value = json!({
            "articles": {
                "gold": self.gold_articles,
                "predicted": self.predicted_articles,
                "gold_without_prediction": self.missing,
                "predicted_not_in_gold": self.unexpected,
                "prediction_error_lines": self.error_lines,
            },
            "scores": self.total.to_json(),
        });
        if per_article {
            value["per_article"] = (self.articles.iter())
                .map(|(id, s)| json!({"id": id, "scores": s.to_json()}))
                .collect();
        }
        value
    }
}

/// Scores `predicted` against `gold`, pairing articles by id.
pub(crate) fn score_corpus(
    gold: &[GoldRecord],
    predicted: &[GoldRecord],
    error_lines: usize,
) -> CorpusEval {
    let by_id: BTreeMap<&str, &GoldRecord> = predicted.iter().map(|p| (p.id.as_str(), p)).collect();
    let mut eval = CorpusEval {
        gold_articles: gold.len(),
        predicted_articles: predicted.len(),
        error_lines,
        ..CorpusEval::default()
    };
    let push = |eval: &mut CorpusEval, id: &str, scores: Scores| {
        eval.total.add(&scores);
        eval.articles.push((id.to_string(), scores));
    };
    for g in gold {
        let scores = match by_id.get(g.id.as_str()) {
            Some(p) => score_article(g, p),
            None => {
                eval.missing.push(g.id.clone());
                score_article(g, &GoldRecord::empty(&g.id))
            }
        };
        push(&mut eval, &g.id, scores);
    }
    let gold_ids: std::collections::BTreeSet<&str> = gold.iter().map(|g| g.id.as_str()).collect();
    for p in predicted
        .iter()
        .filter(|p| !gold_ids.contains(p.id.as_str()))
    {
        eval.unexpected.push(p.id.clone());
        push(
            &mut eval,
            &p.id,
            score_article(&GoldRecord::empty(&p.id), p),
        );
    }
    eval
}

/// Counts of items matched as multisets: each gold item found among the predictions is
/// right (the old `eval record` rule, kept so its numbers do not move).
fn counts<T: PartialEq>(gold: &[T], predicted: &[T]) -> Counts {
    let tp = predicted.iter().filter(|p| gold.contains(p)).count();
    Counts {
        tp,
        fp: predicted.len() - tp,
        fn_: gold.len() - gold.iter().filter(|g| predicted.contains(g)).count(),
    }
}

/// Names compare ignoring case and runs of spaces.
fn norm(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Scores one article; `gold` parts that are absent are not scored.
pub(crate) fn score_article(gold: &GoldRecord, pred: &GoldRecord) -> Scores {
    let mut s = Scores::default();
    let empty = Vec::new();
    if let Some(g) = &gold.entities {
        let p = pred.entities.as_ref().unwrap_or(&empty);
        let span = |e: &crate::eval::gold::GoldEntity| (e.start, e.end);
        s.fields[0] = counts(
            &g.iter().map(span).collect::<Vec<_>>(),
            &p.iter().map(span).collect::<Vec<_>>(),
        );
        let unlabelled: Vec<(usize, usize)> =
            g.iter().filter(|e| e.label.is_none()).map(span).collect();
        let labelled = |es: &[crate::eval::gold::GoldEntity]| -> Vec<(usize, usize, String)> {
            es.iter()
                .filter(|e| !unlabelled.contains(&span(e)))
                .filter_map(|e| Some((e.start, e.end, e.label?.as_str().to_string())))
                .collect()
        };
        s.fields[1] = counts(&labelled(g), &labelled(p));
        let company = |es: &[crate::eval::gold::GoldEntity]| -> Vec<(usize, usize, String)> {
            es.iter()
                .filter_map(|e| Some((e.start, e.end, e.company.clone()?)))
                .collect()
        };
        s.fields[2] = counts(&company(g), &company(p));
    }
    if let Some(g) = &gold.claims {
        score_claims(&mut s, g, pred.claims.as_ref().unwrap_or(&Vec::new()));
    }
    if let Some(g) = &gold.targets {
        let p = pred.targets.as_deref().unwrap_or(&[]);
        let unscored: Vec<(usize, usize)> = (g.iter())
            .filter(|t| t.sentiment.is_none())
            .map(|t| (t.start, t.end))
            .collect();
        let items =
            |ts: &[crate::eval::gold::GoldTarget]| -> Vec<(usize, usize, crate::labels::Label)> {
                ts.iter()
                    .filter(|t| !unscored.contains(&(t.start, t.end)))
                    .filter_map(|t| Some((t.start, t.end, t.sentiment.flatten()?.label)))
                    .collect()
            };
        s.fields[10] = counts(&items(g), &items(p));
    }
    if let Some(g) = &gold.companies {
        let p = pred.companies.as_deref().unwrap_or(&[]);
        let unscored: Vec<String> = (g.iter())
            .filter(|c| c.sentiment.is_none())
            .map(|c| norm(&c.name))
            .collect();
        let items = |cs: &[crate::eval::gold::GoldCompany]| -> Vec<(String, crate::labels::Label)> {
            cs.iter()
                .filter(|c| !unscored.contains(&norm(&c.name)))
                .filter_map(|c| Some((norm(&c.name), c.sentiment.flatten()?.label)))
                .collect()
        };
        s.fields[11] = counts(&items(g), &items(p));
    }
    s
}

/// The comparable value of each claim field, `None` when the claim does not say.
fn claim_values(c: &GoldClaim) -> [Part<String>; 5] {
    let name = |n: &Part<crate::eval::gold::GoldNamed>| {
        n.as_ref().map(|n| n.as_ref().map(|n| norm(&n.name)))
    };
    [
        name(&c.speaker),
        name(&c.target),
        name(&c.source),
        c.cue.map(|c| c.map(|c| format!("{}-{}", c.start, c.end))),
        c.sentiment.map(|s| s.map(|s| s.label.as_str().to_string())),
    ]
}

fn score_claims(s: &mut Scores, gold: &[GoldClaim], pred: &[GoldClaim]) {
    let g_quotes: Vec<(usize, usize)> = gold.iter().map(|c| c.quote.pair()).collect();
    let p_quotes: Vec<(usize, usize)> = pred.iter().map(|c| c.quote.pair()).collect();
    s.fields[3] = counts(&g_quotes, &p_quotes);
    let matched = match_by_overlap(&p_quotes, &g_quotes);
    s.fields[4] = Counts {
        tp: matched.len(),
        fp: pred.len() - matched.len(),
        fn_: gold.len() - matched.len(),
    };
    let mut pred_done = vec![false; pred.len()];
    let mut gold_done = vec![false; gold.len()];
    for &(pi, gi) in &matched {
        pred_done[pi] = true;
        gold_done[gi] = true;
        let (gv, pv) = (claim_values(&gold[gi]), claim_values(&pred[pi]));
        for k in 0..5 {
            let Some(g) = &gv[k] else { continue };
            let p = pv[k].clone().flatten();
            let c = &mut s.fields[CLAIM_FIELDS[k]];
            let a = &mut s.agreement[k];
            a.of += 1;
            a.right += usize::from(*g == p);
            match (g, p) {
                (Some(g), Some(p)) if *g == p => c.tp += 1,
                (Some(_), Some(_)) => {
                    c.fp += 1;
                    c.fn_ += 1;
                }
                (Some(_), None) => c.fn_ += 1,
                (None, Some(_)) => c.fp += 1,
                (None, None) => {}
            }
        }
    }
    for (pi, _) in pred_done.iter().enumerate().filter(|(_, d)| !**d) {
        for (k, v) in claim_values(&pred[pi]).iter().enumerate() {
            if matches!(v, Some(Some(_))) {
                s.fields[CLAIM_FIELDS[k]].fp += 1;
            }
        }
    }
    for (gi, _) in gold_done.iter().enumerate().filter(|(_, d)| !**d) {
        for (k, v) in claim_values(&gold[gi]).iter().enumerate() {
            if matches!(v, Some(Some(_))) {
                s.fields[CLAIM_FIELDS[k]].fn_ += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(json: &str) -> GoldRecord {
        serde_json::from_str(json).expect("record")
    }

    #[test]
    fn wrong_speaker_is_a_false_positive_and_a_miss() {
        let g = rec(
            r#"{"id":"a","claims":[{"quote":{"start":0,"end":10},"speaker":{"name":"Ann Lee"}},{"quote":{"start":20,"end":30},"speaker":{"name":"Bob"}}]}"#,
        );
        let p = rec(
            r#"{"id":"a","claims":[{"quote":{"start":2,"end":10},"speaker":{"name":"ann  lee"}},{"quote":{"start":20,"end":30},"speaker":{"name":"Carl"}},{"quote":{"start":40,"end":45},"speaker":{"name":"Dan"}}]}"#,
        );
        let s = score_article(&g, &p);
        assert_eq!(
            s.field("quotes_exact"),
            Some(Counts {
                tp: 1,
                fp: 2,
                fn_: 1
            })
        );
        assert_eq!(
            s.field("quotes_overlap"),
            Some(Counts {
                tp: 2,
                fp: 1,
                fn_: 0
            })
        );
        assert_eq!(
            s.field("speaker"),
            Some(Counts {
                tp: 1,
                fp: 2,
                fn_: 1
            })
        );
        assert_eq!(s.agreement[0], Agreement { right: 1, of: 2 });
        // The gold does not give targets: not scored on matched pairs.
        assert_eq!(s.agreement[1], Agreement { right: 0, of: 0 });
        // Entities are absent from the gold: not scored.
        assert_eq!(s.field("entity_spans"), Some(Counts::default()));
    }

    #[test]
    fn unlabelled_gold_entities_count_as_spans_only() {
        let g =
            rec(r#"{"id":"a","entities":[{"start":0,"end":3,"label":"ORG"},{"start":5,"end":9}]}"#);
        let p = rec(
            r#"{"id":"a","entities":[{"start":0,"end":3,"label":"PER"},{"start":5,"end":9,"label":"MISC"}]}"#,
        );
        let s = score_article(&g, &p);
        assert_eq!(
            s.field("entity_spans"),
            Some(Counts {
                tp: 2,
                fp: 0,
                fn_: 0
            })
        );
        assert_eq!(
            s.field("entity_labels"),
            Some(Counts {
                tp: 0,
                fp: 1,
                fn_: 1
            })
        );
    }
}
