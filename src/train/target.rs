//! `train target`: fits the target ranker (`claims::rank`) on annotated business quotes.
//!
//! Reads: gold business quotes (ids, offsets, target names) and their texts, the pipeline
//! with the rules' targets. Writes: `ranker.json` (weights) and `training.json` (command,
//! config, data checksums, scores) in the output folder. The fit is full-batch and starts
//! from zero weights, so it has no seed: the same data gives the same weights.

use std::path::PathBuf;

use serde_json::json;

use crate::claims::rank::{Choice, TargetRanker, CANDIDATE_FEATURES, NONE_FEATURES};
use crate::claims::target_choices;
use crate::companies::names::Names;
use crate::digest::sha256_file;
use crate::doc::Article;
use crate::error::{Error, Result};
use crate::eval::business::{gold_texts, GoldDoc, Split};
use crate::model::encoder::write_json;
use crate::pipeline::Pipeline;

/// How the weights are fitted.
#[derive(Debug, Clone, Copy)]
pub struct TargetTrainConfig {
    /// Full-batch Adam steps.
    pub steps: usize,
    pub lr: f64,
    /// L2 penalty on every weight but "no target"'s bias.
    pub l2: f64,
}

impl Default for TargetTrainConfig {
    fn default() -> Self {
        TargetTrainConfig {
            steps: 1500,
            lr: 0.03,
            // The most regularised penalty within one standard error of the best 5-fold
            // cross-validated choice accuracy on the train half (0.03: 0.713, 0.1: 0.697,
            // 0.3: 0.662; one error about 0.033). At 0.03 a change of three training
            // claims' features moved the dev choices by up to ten; at 0.1 by none.
            l2: 0.1,
        }
    }
}

/// One claim's choice with the index of the gold answer (`candidates.len()`: no target).
#[derive(Debug, Clone)]
pub struct Example {
    pub choice: Choice,
    pub answer: usize,
    /// The article's id, the quote and the candidates' names, for error analysis.
    pub article: String,
    pub quote: String,
    pub names: Vec<String>,
}

impl Example {
    /// The example as one JSON line (`train target --examples`).
    pub fn to_json(&self, part: &str) -> serde_json::Value {
        json!({
            "part": part, "article": self.article, "quote": self.quote, "names": self.names,
            "answer": self.answer,
            "features": self.choice.candidates.iter().map(|c| &c.features).collect::<Vec<_>>(),
            "none": self.choice.none,
        })
    }
}

/// Gold claims that give no example.
#[derive(Debug, Default, Clone, Copy)]
pub struct ExampleCounts {
    /// Matched claims whose gold target is none of the candidates (left out).
    pub unreachable: usize,
    /// Gold claims no predicted claim overlaps.
    pub unmatched: usize,
}

/// The ranker's examples from gold documents: each gold claim that a predicted direct
/// claim overlaps, answered by the candidate whose name is the gold target's.
pub fn examples(
    pipeline: &Pipeline,
    docs: &[(GoldDoc, String)],
    names: &Names,
) -> Result<(Vec<Example>, ExampleCounts)> {
    let mut out = Vec::new();
    let mut counts = ExampleCounts::default();
    for chunk in docs.chunks(16) {
        let articles: Vec<Article> = (chunk.iter())
            .map(|(d, text)| Article::new(d.article_id(), text.clone()))
            .collect();
        for (doc, (gold, _)) in pipeline.documents(&articles)?.into_iter().zip(chunk) {
            let doc = doc.map_err(Error::Invalid)?;
            let choices = target_choices(&doc);
            for g in &gold.claims {
                let found = choices.iter().find(|(c, _)| {
                    (doc.claims.get(c.claim))
                        .and_then(|claim| doc.normalized.to_original(claim.quote))
                        .is_some_and(|(s, e)| s < g.quote.end && g.quote.start < e)
                });
                let Some((choice, candidate_names)) = found else {
                    counts.unmatched += 1;
                    continue;
                };
                let answer = match &g.target {
                    None => Some(choice.candidates.len()),
                    Some(t) => candidate_names.iter().position(|n| names.same(n, &t.name)),
                };
                match answer {
                    Some(answer) => out.push(Example {
                        choice: choice.clone(),
                        answer,
                        article: doc.id.clone(),
                        quote: (doc.claims.get(choice.claim))
                            .map_or_else(String::new, |c| doc.text_of(c.quote)),
                        names: candidate_names.clone(),
                    }),
                    None => counts.unreachable += 1,
                }
            }
        }
    }
    Ok((out, counts))
}

/// Scores of every option of a choice: the candidates', then "no target"'s.
fn scores(w: &[f64], u: &[f64], choice: &Choice) -> Vec<f64> {
    (choice.candidates.iter())
        .map(|c| TargetRanker::score(w, &c.features))
        .chain([TargetRanker::score(u, &choice.none)])
        .collect()
}

/// Fits a conditional logit (softmax over each claim's options) by full-batch Adam.
pub fn fit(examples: &[Example], config: TargetTrainConfig) -> TargetRanker {
    let (nw, nu) = (CANDIDATE_FEATURES.len(), NONE_FEATURES.len());
    let mut params = vec![0.0; nw + nu];
    let (mut m, mut v) = (vec![0.0; nw + nu], vec![0.0; nw + nu]);
    let (b1, b2, eps) = (0.9, 0.999, 1e-8);
    let n = examples.len().max(1) as f64;
    for step in 1..=config.steps {
        let mut grad = vec![0.0; nw + nu];
        for ex in examples {
            let s = scores(&params[..nw], &params[nw..], &ex.choice);
            let top = s.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            let exp: Vec<f64> = s.iter().map(|x| (x - top).exp()).collect();
            let z: f64 = exp.iter().sum();
            for (k, e) in exp.iter().enumerate() {
                let p = e / z - if k == ex.answer { 1.0 } else { 0.0 };
                let (offset, features) = match ex.choice.candidates.get(k) {
                    Some(c) => (0, &c.features),
                    None => (nw, &ex.choice.none),
                };
                for (j, f) in features.iter().enumerate() {
                    grad[offset + j] += p * f / n;
                }
            }
        }
        for (j, g) in grad.iter_mut().enumerate() {
            // The bias of "no target" is left free.
            if j != nw {
                *g += config.l2 * params[j];
            }
        }
        for j in 0..nw + nu {
            m[j] = b1 * m[j] + (1.0 - b1) * grad[j];
            v[j] = b2 * v[j] + (1.0 - b2) * grad[j] * grad[j];
            let mh = m[j] / (1.0 - b1.powi(step as i32));
            let vh = v[j] / (1.0 - b2.powi(step as i32));
            params[j] -= config.lr * mh / (vh.sqrt() + eps);
        }
    }
    let round = |x: &f64| (x * 1e6).round() / 1e6;
    TargetRanker {
        candidate_features: CANDIDATE_FEATURES.iter().map(|s| s.to_string()).collect(),
        candidate_weights: params[..nw].iter().map(round).collect(),
        none_features: NONE_FEATURES.iter().map(|s| s.to_string()).collect(),
        none_weights: params[nw..].iter().map(round).collect(),
        rule_prior: 0.0,
    }
}

/// The rule priors tried: from none (the ranker alone) to one that leaves the rules be.
const RULE_PRIORS: &[f64] = &[0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0];

/// The rule prior whose smallest gain in choice accuracy over the rules, across the dev
/// parts, is largest (ties: the larger mean gain): the ranker may overrule the rules only
/// as far as no dev set of another kind suffers.
fn select_rule_prior(ranker: &TargetRanker, dev: &[Vec<Example>]) -> (f64, Vec<(f64, f64, f64)>) {
    let sweep: Vec<(f64, f64, f64)> = (RULE_PRIORS.iter())
        .map(|&prior| {
            let tried = TargetRanker {
                rule_prior: prior,
                ..ranker.clone()
            };
            let gains: Vec<f64> = (dev.iter())
                .map(|d| accuracy(&tried, d) - rules_accuracy(d))
                .collect();
            let worst = gains.iter().copied().fold(f64::INFINITY, f64::min);
            let mean = gains.iter().sum::<f64>() / gains.len().max(1) as f64;
            (prior, worst, mean)
        })
        .collect();
    let rank = |&(_, worst, mean): &(f64, f64, f64)| (worst, mean);
    let best = (sweep.iter()).fold(None::<&(f64, f64, f64)>, |best, s| match best {
        Some(b) if rank(b) >= rank(s) => Some(b),
        _ => Some(s),
    });
    (best.map_or(0.0, |b| b.0), sweep)
}

/// Share of examples whose answer the ranker chooses.
pub fn accuracy(ranker: &TargetRanker, examples: &[Example]) -> f64 {
    share_chosen(examples, |choice| ranker.choose(choice))
}

/// Share of examples whose answer `choose` gives (`None`: no target).
fn share_chosen(examples: &[Example], choose: impl Fn(&Choice) -> Option<usize>) -> f64 {
    let right = (examples.iter())
        .filter(|ex| choose(&ex.choice).unwrap_or(ex.choice.candidates.len()) == ex.answer)
        .count();
    right as f64 / examples.len().max(1) as f64
}

/// A gold file and the split of it that is used.
#[derive(Debug, Clone)]
pub struct GoldPart {
    pub gold: PathBuf,
    pub split: Split,
}

/// What `train target` reads and writes.
#[derive(Debug, Clone)]
pub struct TargetTrainJob {
    /// The part learned from.
    pub train: GoldPart,
    /// The parts measured on (model selection only).
    pub dev: Vec<GoldPart>,
    /// Folder the gold files' `file` paths are relative to.
    pub data: PathBuf,
    /// The models folder the pipeline was loaded from (its checksums are recorded).
    pub models: PathBuf,
    /// Output folder (`models/target`).
    pub out: PathBuf,
    /// Where to write every example as JSON lines, for error analysis.
    pub examples: Option<PathBuf>,
    pub config: TargetTrainConfig,
}

/// The scores of a fitted ranker, as `training.json` records them.
#[derive(Debug, Clone)]
pub struct TargetTrainReport {
    pub train_examples: usize,
    pub train_accuracy: f64,
    /// (gold file, split, examples, choice accuracy of the rules, of the ranker).
    pub dev: Vec<(PathBuf, Split, usize, f64, f64)>,
}

/// The rules' choice as an example's answer would be counted.
fn rules_accuracy(examples: &[Example]) -> f64 {
    share_chosen(examples, Choice::rules_choice)
}

/// Checksums of what the candidates' features are computed from: the entity and
/// attribution models and the knowledge base.
fn features_from(models: &std::path::Path) -> Result<serde_json::Value> {
    let mut files = serde_json::Map::new();
    for file in [
        "ner/model.safetensors",
        "attribution/model.safetensors",
        "companies.json",
    ] {
        let path = models.join(file);
        if path.is_file() {
            files.insert(file.to_string(), json!({"sha256": sha256_file(&path)?}));
        }
    }
    Ok(serde_json::Value::Object(files))
}

/// Fits the ranker on `job.train`, scores it on `job.dev`, and writes it with its record.
/// `pipeline` must keep the rules' targets (`Options::rank_targets` off).
pub fn train_target(pipeline: &Pipeline, job: &TargetTrainJob) -> Result<TargetTrainReport> {
    let names = Names::new(pipeline.companies());
    let load = |part: &GoldPart| -> Result<(Vec<Example>, ExampleCounts)> {
        let docs = gold_texts(&part.gold, &job.data, part.split)?;
        examples(pipeline, &docs, &names)
    };
    let (train, train_counts) = load(&job.train)?;
    let mut lines: Vec<String> = (train.iter())
        .map(|e| e.to_json("train").to_string())
        .collect();
    let devs = (job.dev.iter()).map(load).collect::<Result<Vec<_>>>()?;
    let mut ranker = fit(&train, job.config);
    let dev_examples: Vec<Vec<Example>> = devs.iter().map(|(d, _)| d.clone()).collect();
    let (prior, sweep) = select_rule_prior(&ranker, &dev_examples);
    ranker.rule_prior = prior;
    let mut report = TargetTrainReport {
        train_examples: train.len(),
        train_accuracy: accuracy(&ranker, &train),
        dev: Vec::new(),
    };
    let mut dev_json = Vec::new();
    for (part, (dev, counts)) in job.dev.iter().zip(devs) {
        let (rules, learned) = (rules_accuracy(&dev), accuracy(&ranker, &dev));
        let name = part.gold.display().to_string();
        lines.extend(dev.iter().map(|e| e.to_json(&name).to_string()));
        report
            .dev
            .push((part.gold.clone(), part.split, dev.len(), rules, learned));
        dev_json.push(json!({
            "gold": part.gold, "split": part.split.name(), "sha256": sha256_file(&part.gold)?,
            "examples": dev.len(), "unreachable": counts.unreachable, "unmatched": counts.unmatched,
            "choice_accuracy": {"rules": rules, "ranker": learned},
        }));
    }
    if let Some(path) = &job.examples {
        std::fs::write(path, lines.join("\n") + "\n").map_err(|e| Error::io(path, e))?;
    }
    std::fs::create_dir_all(&job.out).map_err(|e| Error::io(&job.out, e))?;
    let weights = serde_json::to_value(&ranker).map_err(|e| Error::Invalid(e.to_string()))?;
    write_json(&job.out.join("ranker.json"), &weights)?;
    let record = json!({
        "command": format!(
            "claimlink train target --gold {} --split {} --steps {} --lr {} --l2 {}",
            job.train.gold.display(), job.train.split.name(), job.config.steps, job.config.lr,
            job.config.l2
        ),
        "claimlink_version": env!("CARGO_PKG_VERSION"),
        "config": {"steps": job.config.steps, "lr": job.config.lr, "l2": job.config.l2,
                   "seed": null, "note": "full-batch fit from zero weights: no randomness"},
        "features_from": features_from(&job.models)?,
        "data": {"train": {"gold": job.train.gold, "split": job.train.split.name(),
                           "sha256": sha256_file(&job.train.gold)?, "examples": train.len(),
                           "unreachable": train_counts.unreachable,
                           "unmatched": train_counts.unmatched}},
        "train_choice_accuracy": report.train_accuracy,
        "rule_prior": {"chosen": prior, "sweep": sweep.iter()
            .map(|(p, worst, mean)| json!({"prior": p, "smallest_dev_gain_over_rules": worst,
                                           "mean_dev_gain_over_rules": mean}))
            .collect::<Vec<_>>()},
        "dev": dev_json,
    });
    write_json(&job.out.join("training.json"), &record)?;
    Ok(report)
}
