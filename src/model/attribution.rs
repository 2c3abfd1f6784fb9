//! The attribution head: source, cue and content tags for every word (PolNeAR's roles).
//!
//! It reads the output of an inner layer of the NER encoder (the trunk) and runs its own
//! copies of the layers above, so NER and attribution share the encoder pass up to the
//! branch and the trunk stays exactly the NER model. Reads: trunk hidden states.
//! Writes: tag logits per piece.

use std::collections::HashMap;
use std::path::Path;

use rust_bert::bert::{BertConfig, BertLayer};
use tch::nn::{self, Module};
use tch::{Kind, Tensor};

use crate::digest::sha256_file;
use crate::doc::{CharRange, Document, Role, RoleSpan};
use crate::error::{Error, Result};
use crate::model::encoder::{
    fill, read_config, read_weights, write_json, write_weights, WEIGHTS_FILE,
};
use crate::model::fast::{attention_mask, FastLayer};
use crate::model::precision::Precision;
use crate::model::tags::WordTag;
use crate::model::tags::{labels_from_config, TagSet};

/// The roles as BIO labels, `O` first.
pub(crate) fn attribution_tags() -> TagSet {
    let labels = [
        "O",
        "B-SOURCE",
        "I-SOURCE",
        "B-CUE",
        "I-CUE",
        "B-CONTENT",
        "I-CONTENT",
    ];
    TagSet::from_labels(labels.iter().map(|s| s.to_string()).collect())
        .expect("the attribution label set is valid")
}

pub(crate) struct AttributionModel {
    pub vs: nn::VarStore,
    layers: Vec<BertLayer>,
    /// The same layers for inference, once prepared (see `model::fast`).
    fast: Vec<FastLayer>,
    heads: i64,
    classifier: nn::Linear,
    pub tags: TagSet,
    /// The head reads the output of trunk layer `branch` (1-based).
    pub branch: usize,
    config: serde_json::Value,
}

/// The role a tag type stands for (PolNeAR's "SOURCE" is the speaker).
fn role_of(kind: &str) -> Option<Role> {
    match kind {
        "SOURCE" => Some(Role::Speaker),
        "CUE" => Some(Role::Cue),
        "CONTENT" => Some(Role::Content),
        _ => None,
    }
}

/// The role spans of a document from the head's tag (in `set`) of every word of every
/// sentence (`tags[s][w]`), decoded over the whole article: a content may run over
/// sentences.
pub(crate) fn role_spans(set: &TagSet, doc: &Document, tags: &[Vec<WordTag>]) -> Vec<RoleSpan> {
    let words: Vec<CharRange> = (doc.sentences.iter())
        .flat_map(|s| s.words.iter().copied())
        .collect();
    let flat: Vec<&WordTag> = tags.iter().flatten().collect();
    let path: Vec<usize> = flat.iter().map(|t| t.tag).collect();
    (set.spans(&path).into_iter())
        .filter_map(|span| {
            let role = role_of(&set.types[span.kind])?;
            let probs = flat.get(span.start..span.end)?;
            Some(RoleSpan {
                range: CharRange::new(
                    words.get(span.start)?.start,
                    words.get(span.end.checked_sub(1)?)?.end,
                ),
                role,
                score: probs.iter().map(|t| t.prob).sum::<f32>() / probs.len() as f32,
            })
        })
        .collect()
}

impl AttributionModel {
    fn build(
        config: &BertConfig,
        raw: serde_json::Value,
        tags: TagSet,
        branch: usize,
        n_layers: usize,
    ) -> Self {
        let vs = nn::VarStore::new(tch::Device::Cpu);
        let root = vs.root();
        let layers = (0..n_layers)
            .map(|i| BertLayer::new(&root / "layers" / i, config))
            .collect();
        let classifier = nn::linear(
            &root / "classifier",
            config.hidden_size,
            tags.len() as i64,
            Default::default(),
        );
        AttributionModel {
            vs,
            layers,
            fast: Vec::new(),
            heads: config.num_attention_heads,
            classifier,
            tags,
            branch,
            config: raw,
        }
    }

    /// A fresh head over the NER model folder `trunk`: its layers start as copies of the
    /// trunk's layers `branch + 1 ..= branch + n_layers`, the classifier is random.
    pub(crate) fn from_trunk(trunk: &Path, branch: usize, n_layers: usize) -> Result<Self> {
        let (config, raw) = read_config(trunk)?;
        let depth = config.num_hidden_layers as usize;
        if branch == 0 || branch + n_layers > depth {
            return Err(Error::Invalid(format!(
                "cannot branch after layer {branch} with {n_layers} layers: the trunk has {depth}"
            )));
        }
        let model = Self::build(&config, raw, attribution_tags(), branch, n_layers);
        let trunk_weights = read_weights(&trunk.join(WEIGHTS_FILE), "")?;
        let copied: HashMap<String, Tensor> = (0..n_layers)
            .flat_map(|i| {
                let from = format!("bert.encoder.layer.{}.", branch + i);
                let to = format!("layers.{i}.");
                trunk_weights
                    .iter()
                    .filter_map(move |(name, t)| {
                        name.strip_prefix(&from)
                            .map(|rest| (format!("{to}{rest}"), t.shallow_clone()))
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        let filled = fill(&model.vs, &copied)?;
        let layer_vars = (model.vs.variables().keys())
            .filter(|n| n.starts_with("layers."))
            .count();
        if filled.len() != layer_vars {
            return Err(Error::model(
                trunk,
                format!("holds {} of the {layer_vars} layer weights", filled.len()),
            ));
        }
        Ok(model)
    }

    /// A trained head folder; `trunk` is the NER model folder it was trained on (checked).
    pub(crate) fn load(dir: &Path, trunk: &Path) -> Result<Self> {
        let (config, raw) = read_config(dir)?;
        let extra = &raw["claimlink"];
        let (Some(branch), Some(n_layers)) = (extra["branch"].as_u64(), extra["layers"].as_u64())
        else {
            return Err(Error::model(
                dir,
                "config.json lacks claimlink.branch/layers",
            ));
        };
        let expected = extra["trunk_sha256"].as_str().unwrap_or_default();
        let actual = sha256_file(&trunk.join(WEIGHTS_FILE))?;
        if expected != actual {
            return Err(Error::model(
                dir,
                format!(
                    "was trained on another NER model than the one in {} (trunk checksum \
                     differs): retrain it with `claimlink train attribution`",
                    trunk.display()
                ),
            ));
        }
        let tags = TagSet::from_labels(labels_from_config(dir, &raw)?)?;
        let model = Self::build(&config, raw, tags, branch as usize, n_layers as usize);
        let weights = read_weights(&dir.join(WEIGHTS_FILE), "")?;
        let filled = fill(&model.vs, &weights)?;
        let total = model.vs.variables().len();
        if filled.len() != total {
            return Err(Error::model(
                dir,
                format!("weights hold {} of {total} tensors", filled.len()),
            ));
        }
        Ok(model)
    }

    /// Encoder layers of the head's own.
    pub(crate) fn layers(&self) -> usize {
        self.layers.len()
    }

    /// Tag logits `[batch, length, tags]` from the trunk's output at the branch.
    pub(crate) fn logits(&self, branch_hidden: &Tensor, mask: &Tensor, train: bool) -> Tensor {
        if !train && !self.fast.is_empty() {
            let blocked = attention_mask(mask, branch_hidden.kind());
            let mut hidden = branch_hidden.shallow_clone();
            for layer in &self.fast {
                hidden = layer.forward(&hidden, &blocked);
            }
            return self.classifier.forward(&hidden.to_kind(Kind::Float));
        }
        let blocked = (mask.ones_like() - mask).to_kind(branch_hidden.kind()) * -10000.0;
        let blocked = blocked.unsqueeze(1).unsqueeze(1);
        let mut hidden = branch_hidden.shallow_clone();
        for layer in &self.layers {
            hidden = layer
                .forward_t(&hidden, Some(&blocked), None, None, train)
                .hidden_state;
        }
        let hidden = if train {
            hidden.dropout(0.1, true)
        } else {
            hidden
        };
        self.classifier.forward(&hidden.to_kind(Kind::Float))
    }

    /// Prepares the loaded head for inference: its layers compute in `precision` (the
    /// classifier stays f32; the trunk must match), through the inference forward.
    pub(crate) fn prepare(&mut self, precision: Precision) -> Result<()> {
        precision.apply(self.vs.root() / "layers");
        let vars = self.vs.variables();
        self.fast = (0..self.layers.len())
            .map(|i| FastLayer::new(&vars, &format!("layers.{i}"), self.heads, precision.kind()))
            .collect::<Result<_>>()?;
        Ok(())
    }

    /// Writes the head folder: `config.json` (the trunk's encoder configuration, the labels
    /// and the branch) and `model.safetensors` in f16.
    pub(crate) fn save(&self, dir: &Path, trunk: &Path) -> Result<()> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        write_weights(&self.vs, &dir.join(WEIGHTS_FILE), Kind::Half, |_| true)?;
        let mut config = self.config.clone();
        config["id2label"] = (self.tags.labels.iter().enumerate())
            .map(|(i, l)| (i.to_string(), serde_json::Value::from(l.clone())))
            .collect::<serde_json::Map<_, _>>()
            .into();
        config["label2id"] = (self.tags.labels.iter().enumerate())
            .map(|(i, l)| (l.clone(), serde_json::Value::from(i)))
            .collect::<serde_json::Map<_, _>>()
            .into();
        config["claimlink"] = serde_json::json!({
            "task": "attribution",
            "branch": self.branch,
            "layers": self.layers.len(),
            "trunk": "ner",
            "trunk_sha256": sha256_file(&trunk.join(WEIGHTS_FILE))?,
        });
        write_json(&dir.join("config.json"), &config)
    }
}
