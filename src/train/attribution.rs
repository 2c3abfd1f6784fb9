//! `claimlink train attribution`: trains the attribution head (source, cue and content
//! tags per word) on PolNeAR over the frozen NER encoder, selecting on PolNeAR dev.
//!
//! Reads: the PolNeAR train and dev split folders, the NER model folder (the trunk).
//! Writes: the head folder with `training.json` whenever the dev F1 improves, and
//! checkpoints. Gold roles go on words: each character takes the role of the shortest
//! annotated span over it (an inner attribution's source inside another's content keeps
//! its role), a word the role most of its characters have, and a word starts a new span
//! (`B-`) when its span differs from the previous word's.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use tch::Tensor;

use crate::error::{Error, Result};
use crate::eval::metrics::LabelledScores;
use crate::eval::polnear::{read_split, Attribution, PolnearDoc};
use crate::model::attribution::AttributionModel;
use crate::model::encoder::write_json;
use crate::model::ner::NerModel;
use crate::model::window::{encode_words, pack, Window};
use crate::text::{segment, Markup, Normalized};
use crate::train::checkpoint::Position;
use crate::train::fit::{add_progress, fit, token_loss, training_record, Schedule, Task};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AttributionTrainConfig {
    #[serde(flatten)]
    pub schedule: Schedule,
    /// The head reads the output of this NER encoder layer (1-based)…
    pub branch: usize,
    /// …and runs this many layers of its own (initialised from the trunk's layers above).
    pub layers: usize,
}

impl Default for AttributionTrainConfig {
    fn default() -> Self {
        AttributionTrainConfig {
            schedule: Schedule {
                epochs: 4,
                batch: 16,
                lr: 1e-4,
                warmup_ratio: 0.05,
                weight_decay: 0.01,
                seed: 13,
                clip_norm: 1.0,
                checkpoint_every: 200,
            },
            branch: 4,
            layers: 2,
        }
    }
}

pub struct AttributionTrainJob {
    pub train: PathBuf,
    pub dev: PathBuf,
    /// The NER model folder whose encoder is the trunk.
    pub trunk: PathBuf,
    pub base: PathBuf,
    pub out: PathBuf,
    pub checkpoint: PathBuf,
    pub config: AttributionTrainConfig,
    pub resume: bool,
}

/// The role label (`O`, `B-CONTENT`, …) of every word of `words` (code point ranges of
/// the original text, in text order).
pub(crate) fn word_roles(
    text_len: usize,
    attributions: &[Attribution],
    words: &[(usize, usize)],
) -> Vec<String> {
    // Per character: (span length, span id, role) of the shortest span over it.
    let mut best: Vec<Option<(usize, usize, &str)>> = vec![None; text_len];
    let mut id = 0;
    for a in attributions {
        for (role, fragments) in [
            ("CONTENT", &a.content),
            ("CUE", &a.cue),
            ("SOURCE", &a.source),
        ] {
            for &(s, e) in fragments {
                id += 1;
                for slot in best.iter_mut().take(e.min(text_len)).skip(s) {
                    if slot.is_none_or(|(len, _, _)| e - s < len) {
                        *slot = Some((e - s, id, role));
                    }
                }
            }
        }
    }
    let mut previous: Option<usize> = None;
    words
        .iter()
        .map(|&(s, e)| {
            let mut counts: Vec<(usize, &str, usize)> = Vec::new();
            for (span, role) in best[s.min(text_len)..e.min(text_len)]
                .iter()
                .flatten()
                .map(|&(_, id, role)| (id, role))
            {
                match counts.iter_mut().find(|c| c.0 == span) {
                    Some(c) => c.2 += 1,
                    None => counts.push((span, role, 1)),
                }
            }
            let covered: usize = counts.iter().map(|c| c.2).sum();
            let chosen = counts
                .iter()
                .max_by_key(|c| c.2)
                .filter(|_| 2 * covered >= e - s);
            let label = match chosen {
                None => "O".to_string(),
                Some(&(span, role, _)) if previous == Some(span) => format!("I-{role}"),
                Some(&(_, role, _)) => format!("B-{role}"),
            };
            previous = chosen.map(|c| c.0);
            label
        })
        .collect()
}

/// Documents as trunk windows with gold tag indices per window word.
struct Prepared {
    /// Gold tag path of each document's words, in text order.
    gold: Vec<Vec<usize>>,
    /// `(document, window, index in the document's word list of each window word)`
    windows: Vec<(usize, Window, Vec<usize>)>,
    pieces: usize,
}

fn prepare(docs: &[PolnearDoc], ner: &NerModel, head: &AttributionModel) -> Result<Prepared> {
    let pieces = &ner.base.pieces;
    let mut prepared = Prepared {
        gold: Vec::new(),
        windows: Vec::new(),
        pieces: 0,
    };
    for (d, doc) in docs.iter().enumerate() {
        let normalized = Normalized::new(&doc.text, Markup::Plain);
        let sentences = segment(&normalized.chars);
        let mut first_word = Vec::with_capacity(sentences.len());
        let mut original = Vec::new();
        for sentence in &sentences {
            first_word.push(original.len());
            for &word in &sentence.words {
                original.push(normalized.to_original(word).unwrap_or((0, 0)));
            }
        }
        let labels = word_roles(doc.text.chars().count(), &doc.attributions, &original);
        let gold: Vec<usize> = labels
            .iter()
            .map(|l| {
                head.tags
                    .index(l)
                    .ok_or_else(|| Error::Invalid(format!("label {l:?} is not in the tag set")))
            })
            .collect::<Result<_>>()?;
        let encoded: Vec<_> = sentences
            .iter()
            .map(|s| encode_words(&normalized.chars, &s.words, pieces))
            .collect();
        for window in pack(&encoded, ner.base.max_len, pieces) {
            let at: Vec<usize> = window
                .words
                .iter()
                .map(|&(s, w)| first_word[s] + w)
                .collect();
            prepared.pieces += window.len();
            prepared.windows.push((d, window, at));
        }
        prepared.gold.push(gold);
    }
    Ok(prepared)
}

struct AttributionTask<'a> {
    job: &'a AttributionTrainJob,
    trunk: NerModel,
    head: AttributionModel,
    train: Prepared,
    dev: Prepared,
}

impl AttributionTask<'_> {
    /// Span scores per role over whole documents (a content may cross sentences).
    fn scores(&self, data: &Prepared) -> Result<LabelledScores> {
        let windows: Vec<&Window> = data.windows.iter().map(|(_, w, _)| w).collect();
        let (_, roles) = self.trunk.predict_with(&windows, 4096, Some(&self.head))?;
        let mut paths: Vec<Vec<usize>> = data.gold.iter().map(|g| vec![0; g.len()]).collect();
        for ((d, _, at), tags) in data.windows.iter().zip(&roles) {
            for (&w, tag) in at.iter().zip(tags) {
                paths[*d][w] = tag.tag;
            }
        }
        let mut scores = LabelledScores::default();
        for (d, (gold, predicted)) in data.gold.iter().zip(&paths).enumerate() {
            let key = |path: &[usize]| -> Vec<((usize, usize, usize), String)> {
                (self.head.tags.spans(path).into_iter())
                    .map(|s| ((d, s.start, s.end), self.head.tags.types[s.kind].clone()))
                    .collect()
            };
            scores.add(&key(gold), &key(predicted));
        }
        Ok(scores)
    }
}

impl Task for AttributionTask<'_> {
    fn name(&self) -> &str {
        "attribution"
    }

    fn var_store(&self) -> &tch::nn::VarStore {
        &self.head.vs
    }

    fn examples(&self) -> usize {
        self.train.windows.len()
    }

    fn dev_examples(&self) -> usize {
        self.dev.windows.len()
    }

    fn loss(&self, batch: &[usize]) -> Result<(Tensor, usize)> {
        let windows: Vec<&Window> = batch.iter().map(|&i| &self.train.windows[i].1).collect();
        let input = crate::model::window::to_batch(&windows);
        // The trunk is frozen: no gradients below the branch.
        let branch_hidden = tch::no_grad(|| {
            let mut layers = self.trunk.base.encoder.forward_layers(&input, false)?;
            Ok::<_, Error>(layers.swap_remove(self.head.branch - 1))
        })?;
        let logits = self.head.logits(&branch_hidden, &input.mask, true);
        let rows: Vec<Vec<(usize, i64)>> = batch
            .iter()
            .map(|&i| {
                let (d, window, at) = &self.train.windows[i];
                (window.firsts.iter().zip(at))
                    .map(|(&pos, &w)| (pos, self.train.gold[*d][w] as i64))
                    .collect()
            })
            .collect();
        let loss = token_loss(&logits, &rows);
        Ok((loss, windows.iter().map(|w| w.len()).sum()))
    }

    fn evaluate(&self) -> Result<(f64, serde_json::Value)> {
        let scores = self.scores(&self.dev)?;
        let per_role: serde_json::Map<String, serde_json::Value> = (scores.by_label.iter())
            .map(|(k, c)| (k.clone(), c.f1().into()))
            .collect();
        let summary = serde_json::json!({
            "f1": scores.overall.f1(),
            "precision": scores.overall.precision(),
            "recall": scores.overall.recall(),
            "per_role_f1": per_role,
        });
        Ok((scores.overall.f1(), summary))
    }

    fn save_best(&self, position: &Position) -> Result<()> {
        let job = self.job;
        self.head.save(&job.out, &job.trunk)?;
        let mut record = training_record(
            "attribution",
            &job.config,
            &job.base,
            &[
                ("train", "polnear/train", &job.train),
                ("dev", "polnear/dev", &job.dev),
                (
                    "trunk",
                    "models/ner/model.safetensors",
                    &job.trunk.join("model.safetensors"),
                ),
            ],
        )?;
        record["data"]["train"]["articles"] = self.train.gold.len().into();
        record["data"]["dev"]["articles"] = self.dev.gold.len().into();
        add_progress(
            &mut record,
            position,
            "polnear dev, exact word spans per role over whole articles",
        );
        write_json(&job.out.join("training.json"), &record)
    }
}

pub fn train_attribution(job: &AttributionTrainJob) -> Result<Position> {
    let cfg = &job.config;
    let config = serde_json::to_value(cfg).map_err(|e| Error::Invalid(e.to_string()))?;
    tch::manual_seed(cfg.schedule.seed as i64);
    let trunk = NerModel::load(&job.trunk, &job.base)?;
    let head = AttributionModel::from_trunk(&job.trunk, cfg.branch, cfg.layers)?;
    let train = prepare(&read_split(&job.train)?, &trunk, &head)?;
    let dev = prepare(&read_split(&job.dev)?, &trunk, &head)?;
    eprintln!(
        "train attribution: {} train articles in {} windows ({} pieces), {} dev articles",
        train.gold.len(),
        train.windows.len(),
        train.pieces,
        dev.gold.len(),
    );
    let task = AttributionTask {
        job,
        trunk,
        head,
        train,
        dev,
    };
    fit(&task, &cfg.schedule, config, &job.checkpoint, job.resume)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_on_words_with_inner_spans_winning() {
        // "Bob said Ann claimed taxes rose"
        let words = [(0, 3), (4, 8), (9, 12), (13, 20), (21, 26), (27, 31)];
        let outer = Attribution {
            source: vec![(0, 3)],
            cue: vec![(4, 8)],
            content: vec![(9, 31)],
        };
        let inner = Attribution {
            source: vec![(9, 12)],
            cue: vec![(13, 20)],
            content: vec![(21, 31)],
        };
        let labels = word_roles(31, &[outer, inner], &words);
        assert_eq!(
            labels,
            [
                "B-SOURCE",
                "B-CUE",
                "B-SOURCE",
                "B-CUE",
                "B-CONTENT",
                "I-CONTENT"
            ]
        );
    }

    #[test]
    fn a_word_mostly_outside_every_span_is_outside() {
        let words = [(0, 10)];
        let a = Attribution {
            source: vec![],
            cue: vec![],
            content: vec![(8, 10)],
        };
        assert_eq!(word_roles(10, &[a], &words), ["O"]);
    }
}
