//! `claimlink train ner`: fine-tunes the base encoder for CoNLL-2003 NER.
//!
//! Reads: CoNLL train and valid files, the base encoder. Writes: the model folder (HF
//! layout) with `training.json` whenever the valid F1 improves, and a checkpoint after
//! every `checkpoint_every` steps and every epoch.

use std::collections::HashMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use tch::Tensor;

use crate::error::{Error, Result};
use crate::eval::conll::{read_conll, ConllDocument};
use crate::eval::metrics::LabelledScores;
use crate::model::encoder::write_json;
use crate::model::ner::{per_sentence, NerModel};
use crate::model::tags::TagSet;
use crate::model::window::{pack, EncodedWord, Window};
use crate::model::wordpiece::casing;
use crate::train::checkpoint::Position;
use crate::train::fit::{add_progress, fit, token_loss, training_record, Schedule, Task};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct NerTrainConfig {
    #[serde(flatten)]
    pub schedule: Schedule,
    /// Window length in pieces, special tokens included.
    pub max_len: usize,
    /// Add the casing embedding to the input embeddings.
    pub casing: bool,
}

impl Default for NerTrainConfig {
    fn default() -> Self {
        NerTrainConfig {
            schedule: Schedule {
                epochs: 8,
                batch: 8,
                lr: 1e-4,
                warmup_ratio: 0.05,
                weight_decay: 0.01,
                seed: 13,
                clip_norm: 1.0,
                checkpoint_every: 200,
            },
            max_len: 128,
            casing: true,
        }
    }
}

pub struct NerTrainJob {
    pub train: PathBuf,
    pub valid: PathBuf,
    pub base: PathBuf,
    pub out: PathBuf,
    pub checkpoint: PathBuf,
    pub config: NerTrainConfig,
    /// Continue from the checkpoint if it is there (same configuration only).
    pub resume: bool,
}

/// Documents turned into windows, with gold tag indices per window word.
struct Prepared {
    docs: Vec<ConllDocument>,
    /// `(document, window)`
    windows: Vec<(usize, Window)>,
    labels: Vec<Vec<i64>>,
    pieces: usize,
}

fn prepare(docs: Vec<ConllDocument>, model: &NerModel, max_len: usize) -> Result<Prepared> {
    let mut cache: HashMap<String, Vec<u32>> = HashMap::new();
    let mut windows = Vec::new();
    let mut labels = Vec::new();
    let mut pieces = 0;
    for (d, doc) in docs.iter().enumerate() {
        let encoded: Vec<Vec<EncodedWord>> = doc
            .sentences
            .iter()
            .map(|s| {
                s.words
                    .iter()
                    .map(|w| EncodedWord {
                        pieces: cache
                            .entry(w.clone())
                            .or_insert_with(|| model.base.pieces.word(w))
                            .clone(),
                        casing: casing(w),
                    })
                    .collect()
            })
            .collect();
        for window in pack(&encoded, max_len, &model.base.pieces) {
            let mut tags = Vec::with_capacity(window.words.len());
            for &(s, w) in &window.words {
                let label = &doc.sentences[s].labels[w];
                let tag = model.tags.index(label).ok_or_else(|| {
                    Error::Invalid(format!("label {label:?} is not in the tag set"))
                })?;
                tags.push(tag as i64);
            }
            pieces += window.len();
            labels.push(tags);
            windows.push((d, window));
        }
    }
    Ok(Prepared {
        docs,
        windows,
        labels,
        pieces,
    })
}

/// Entity-level scores of the model on prepared documents (gold word boundaries).
fn evaluate(model: &NerModel, data: &Prepared) -> Result<LabelledScores> {
    let windows: Vec<&Window> = data.windows.iter().map(|(_, w)| w).collect();
    let predicted = model.predict(&windows, 4096)?;
    let mut scores = LabelledScores::default();
    for (d, doc) in data.docs.iter().enumerate() {
        let members: Vec<usize> = (0..windows.len())
            .filter(|&i| data.windows[i].0 == d)
            .collect();
        let lens: Vec<usize> = doc.sentences.iter().map(|s| s.words.len()).collect();
        let paths = per_sentence(
            members
                .iter()
                .map(|&i| (windows[i], predicted[i].as_slice())),
            &lens,
        );
        for (s, sentence) in doc.sentences.iter().enumerate() {
            let gold_path: Vec<usize> = sentence
                .labels
                .iter()
                .map(|l| model.tags.index(l).unwrap_or(0))
                .collect();
            let pred_path: Vec<usize> = paths[s].iter().map(|t| t.tag).collect();
            let key = |spans: Vec<crate::model::tags::WordSpan>| -> Vec<((usize, usize, usize, usize), String)> {
                spans
                    .into_iter()
                    .map(|e| ((d, s, e.start, e.end), model.tags.types[e.kind].clone()))
                    .collect()
            };
            scores.add(
                &key(model.tags.spans(&gold_path)),
                &key(model.tags.spans(&pred_path)),
            );
        }
    }
    Ok(scores)
}

/// The NER task for the shared training loop.
struct NerTask<'a> {
    job: &'a NerTrainJob,
    model: NerModel,
    train: Prepared,
    valid: Prepared,
}

impl Task for NerTask<'_> {
    fn name(&self) -> &str {
        "ner"
    }

    fn var_store(&self) -> &tch::nn::VarStore {
        &self.model.base.vs
    }

    fn examples(&self) -> usize {
        self.train.windows.len()
    }

    fn dev_examples(&self) -> usize {
        self.valid.windows.len()
    }

    fn loss(&self, batch: &[usize]) -> Result<(Tensor, usize)> {
        let windows: Vec<&Window> = batch.iter().map(|&i| &self.train.windows[i].1).collect();
        let logits = self.model.logits(&windows, true)?;
        let rows: Vec<Vec<(usize, i64)>> = batch
            .iter()
            .map(|&i| {
                let window = &self.train.windows[i].1;
                (window.firsts.iter().copied())
                    .zip(self.train.labels[i].iter().copied())
                    .collect()
            })
            .collect();
        let loss = token_loss(&logits, &rows);
        Ok((loss, windows.iter().map(|w| w.len()).sum()))
    }

    fn evaluate(&self) -> Result<(f64, serde_json::Value)> {
        let scores = evaluate(&self.model, &self.valid)?;
        Ok((scores.overall.f1(), summary(&scores)))
    }

    fn save_best(&self, position: &Position) -> Result<()> {
        self.model.save(&self.job.out)?;
        write_training_record(self.job, position)
    }
}

fn summary(scores: &LabelledScores) -> serde_json::Value {
    let per_type: HashMap<String, f64> = scores
        .by_label
        .iter()
        .map(|(k, c)| (k.clone(), c.f1()))
        .collect();
    serde_json::json!({
        "f1": scores.overall.f1(),
        "precision": scores.overall.precision(),
        "recall": scores.overall.recall(),
        "per_type_f1": per_type,
    })
}

pub fn train_ner(job: &NerTrainJob) -> Result<Position> {
    let cfg = &job.config;
    let config = serde_json::to_value(cfg).map_err(|e| Error::Invalid(e.to_string()))?;
    tch::manual_seed(cfg.schedule.seed as i64);
    let mut model = NerModel::from_base(&job.base, TagSet::conll(), cfg.casing, cfg.max_len)?;
    model.base.encoder.freeze_word_embeddings();
    let train = prepare(read_conll(&job.train)?, &model, cfg.max_len)?;
    let valid = prepare(read_conll(&job.valid)?, &model, cfg.max_len)?;
    eprintln!(
        "train ner: {} train windows ({} pieces), {} valid windows",
        train.windows.len(),
        train.pieces,
        valid.windows.len(),
    );
    let task = NerTask {
        job,
        model,
        train,
        valid,
    };
    fit(&task, &cfg.schedule, config, &job.checkpoint, job.resume)
}

fn write_training_record(job: &NerTrainJob, position: &Position) -> Result<()> {
    let mut record = training_record(
        "ner",
        &job.config,
        &job.base,
        &[
            ("train", "conll2003/train.txt", &job.train),
            ("valid", "conll2003/valid.txt", &job.valid),
        ],
    )?;
    add_progress(
        &mut record,
        position,
        "conll2003 valid, gold tokenisation (eval ner scores the full pipeline)",
    );
    write_json(&job.out.join("training.json"), &record)
}
