//! The BERT encoder (rust-bert) with a casing embedding added to its input embeddings.
//!
//! Weights use the Hugging Face layout under a `bert.` prefix. The word-embedding matrix is
//! frozen during fine-tuning, so a model folder may leave it out and take it from the base
//! encoder instead (it is the largest tensor and identical to the base's).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::io::write::part_path;
use crate::model::fast::FastEncoder;
use crate::model::meter::{encoder_flops, Meter};
use crate::model::precision::Precision;
use crate::model::wordpiece::WordPiecer;

use rust_bert::bert::{BertConfig, BertEmbeddings, BertModel};
use tch::{nn, Kind, Tensor};

use crate::error::{Error, Result};
use crate::model::wordpiece::CASING_CLASSES;

pub(crate) const WORD_EMBEDDINGS: &str = "bert.embeddings.word_embeddings.weight";

/// A padded batch of windows.
pub struct Batch {
    pub ids: Tensor,
    pub casing: Tensor,
    /// Segment ids (0, or 1 on a marked target).
    pub types: Tensor,
    pub mask: Tensor,
}

pub struct Encoder {
    bert: BertModel<BertEmbeddings>,
    word_embeddings: Tensor,
    casing: Option<nn::Embedding>,
    /// The inference forward, once the model is prepared for inference; training and a
    /// model never prepared use rust-bert's.
    pub(crate) fast: Option<FastEncoder>,
}

impl Encoder {
    /// Builds the variables under `root` (`bert.*`, `casing.weight`) with random values.
    pub fn new(vs: &nn::VarStore, config: &BertConfig, with_casing: bool) -> Result<Self> {
        let root = vs.root();
        // Every layer's output is kept, so a head can branch off an inner layer.
        let config = BertConfig {
            output_hidden_states: Some(true),
            ..config.clone()
        };
        let bert = BertModel::new_with_optional_pooler(&root / "bert", &config, false);
        let casing = with_casing.then(|| {
            let init = nn::EmbeddingConfig {
                ws_init: nn::Init::Const(0.0),
                ..Default::default()
            };
            nn::embedding(&root / "casing", CASING_CLASSES, config.hidden_size, init)
        });
        let word_embeddings = vs
            .variables()
            .remove(WORD_EMBEDDINGS)
            .ok_or_else(|| Error::Invalid("rust-bert moved the word embeddings".into()))?;
        Ok(Encoder {
            bert,
            word_embeddings,
            casing,
            fast: None,
        })
    }

    /// Keeps the word-embedding matrix fixed during training.
    pub(crate) fn freeze_word_embeddings(&mut self) {
        let _ = self.word_embeddings.set_requires_grad(false);
    }

    /// Hidden states `[batch, length, hidden]` of the last layer, in f32.
    pub fn forward(&self, batch: &Batch, train: bool) -> Result<Tensor> {
        let last = self
            .forward_layers(batch, train)?
            .pop()
            .ok_or_else(|| Error::Invalid("the encoder has no layers".into()))?;
        Ok(last.to_kind(Kind::Float))
    }

    /// Hidden states `[batch, length, hidden]` after each layer, first to last, in the
    /// encoder's precision.
    pub(crate) fn forward_layers(&self, batch: &Batch, train: bool) -> Result<Vec<Tensor>> {
        if let (Some(fast), false) = (&self.fast, train) {
            return Ok(fast.forward_layers(&batch.ids, &batch.casing, &batch.types, &batch.mask));
        }
        self.reference_layers(batch, train)
    }

    /// `forward_layers` through rust-bert's `BertModel` (training, and the reference the
    /// inference forward is tested against).
    pub(crate) fn reference_layers(&self, batch: &Batch, train: bool) -> Result<Vec<Tensor>> {
        let mut embeds = Tensor::embedding(&self.word_embeddings, &batch.ids, 0, false, false);
        if let Some(casing) = &self.casing {
            embeds += batch.casing.apply(casing);
        }
        let out = self.bert.forward_t(
            None,
            Some(&batch.mask),
            Some(&batch.types),
            None,
            Some(&embeds),
            None,
            None,
            train,
        )?;
        Ok(out
            .all_hidden_states
            .unwrap_or_else(|| vec![out.hidden_state]))
    }
}

/// Reads a safetensors file, as f32, optionally putting `prefix` before names that lack it.
pub(crate) fn read_weights(path: &Path, prefix: &str) -> Result<HashMap<String, Tensor>> {
    let tensors = Tensor::read_safetensors(path)
        .map_err(|e| Error::model(path, format!("cannot read weights: {e}")))?;
    Ok(tensors
        .into_iter()
        .map(|(name, t)| {
            let name = if name.starts_with(prefix) {
                name
            } else {
                format!("{prefix}{name}")
            };
            (name, t.to_kind(Kind::Float))
        })
        .collect())
}

/// Copies matching tensors into the store's variables; returns the names it filled.
pub(crate) fn fill(
    vs: &nn::VarStore,
    weights: &HashMap<String, Tensor>,
) -> Result<HashSet<String>> {
    let mut filled = HashSet::new();
    tch::no_grad(|| -> Result<()> {
        for (name, mut var) in vs.variables() {
            if let Some(t) = weights.get(&name) {
                if t.size() != var.size() {
                    return Err(Error::Invalid(format!(
                        "weight {name} has shape {:?}, the model expects {:?}",
                        t.size(),
                        var.size()
                    )));
                }
                var.copy_(t);
                filled.insert(name);
            }
        }
        Ok(())
    })?;
    Ok(filled)
}

/// An error naming the variables of `vs` that `filled` lacks, except those under the
/// `may_miss` prefixes (a head trained later, an optional embedding).
pub(crate) fn check_filled(
    vs: &nn::VarStore,
    dir: &Path,
    filled: &HashSet<String>,
    may_miss: &[&str],
) -> Result<()> {
    let mut missing: Vec<String> = (vs.variables().into_keys())
        .filter(|n| !filled.contains(n) && !may_miss.iter().any(|p| n.starts_with(p)))
        .collect();
    missing.sort();
    match missing.first() {
        None => Ok(()),
        Some(first) => Err(Error::model(
            dir,
            format!("weights lack {} tensors, e.g. {first}", missing.len()),
        )),
    }
}

/// Reads the encoder configuration (`config.json`) of a model folder.
pub(crate) fn read_config(dir: &Path) -> Result<(BertConfig, serde_json::Value)> {
    let path = dir.join("config.json");
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let raw: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Error::model(dir, format!("config.json is not valid JSON: {e}")))?;
    let config: BertConfig = serde_json::from_value(raw.clone())
        .map_err(|e| Error::model(dir, format!("config.json is not a BERT config: {e}")))?;
    Ok((config, raw))
}

pub(crate) const WEIGHTS_FILE: &str = "model.safetensors";

/// What every task model shares: the variable store, the encoder, the tokenizer and the
/// folder's `config.json`. A task head adds its own variables to `vs` before weights load.
pub struct EncoderModel {
    pub vs: nn::VarStore,
    pub encoder: Encoder,
    pub pieces: WordPiecer,
    pub config: serde_json::Value,
    pub hidden: i64,
    /// Feed-forward width and number of layers (for counting FLOPs).
    pub ffn: usize,
    pub layers: usize,
    pub heads: i64,
    /// What inference with this encoder has done so far.
    pub meter: Meter,
    /// Whether the casing embedding is part of the input.
    pub casing: bool,
    /// Longest input in pieces, special tokens included.
    pub max_len: usize,
}

impl EncoderModel {
    /// The encoder of the model folder `dir`, with random weights.
    pub fn new(dir: &Path, casing: bool, max_len: usize) -> Result<Self> {
        let (config, raw) = read_config(dir)?;
        let vs = nn::VarStore::new(tch::Device::Cpu);
        let encoder = Encoder::new(&vs, &config, casing)?;
        Ok(EncoderModel {
            pieces: WordPiecer::from_dir(dir)?,
            vs,
            encoder,
            config: raw,
            hidden: config.hidden_size,
            ffn: config.intermediate_size as usize,
            layers: config.num_hidden_layers as usize,
            heads: config.num_attention_heads,
            meter: Meter::default(),
            casing,
            max_len,
        })
    }

    /// Prepares the loaded model for inference: the encoder computes in `precision` from
    /// now on (the task classifier on top stays f32), through the inference forward.
    pub(crate) fn prepare(&mut self, precision: Precision) -> Result<()> {
        precision.apply(self.vs.root() / "bert");
        precision.apply(self.vs.root() / "casing");
        let vars = self.vs.variables();
        let fast = FastEncoder::new(&vars, self.layers, self.heads, precision.kind())?;
        self.encoder.fast = Some(fast);
        Ok(())
    }

    /// Matrix-multiply FLOPs of `layers` of this encoder over `rows` inputs of `len` pieces.
    pub(crate) fn flops(&self, rows: usize, len: usize, layers: usize) -> u64 {
        encoder_flops(rows, len, layers, self.hidden as usize, self.ffn)
    }

    /// Reads `casing` and `max_len` from a trained folder's `config.json`.
    pub fn open(dir: &Path) -> Result<Self> {
        let (_, raw) = read_config(dir)?;
        let extra = &raw["claimlink"];
        let casing = extra["casing"].as_bool().unwrap_or(false);
        let max_len = extra["max_len"].as_u64().unwrap_or(128) as usize;
        Self::new(dir, casing, max_len)
    }

    /// Fills the encoder from the base encoder folder; task heads stay random.
    pub(crate) fn load_base(&self, base: &Path, head: &str) -> Result<()> {
        let weights = read_weights(&base.join(WEIGHTS_FILE), "bert.")?;
        let filled = fill(&self.vs, &weights)?;
        check_filled(&self.vs, base, &filled, &["casing.", head])
    }

    /// Fills every variable from a trained folder; word embeddings it leaves out come from
    /// the base encoder in `base`.
    pub(crate) fn load_trained(&self, dir: &Path, base: &Path) -> Result<()> {
        let mut weights = read_weights(&dir.join(WEIGHTS_FILE), "")?;
        if !weights.contains_key(WORD_EMBEDDINGS) {
            let path = base.join(WEIGHTS_FILE);
            if !path.is_file() {
                return Err(Error::model(
                    dir,
                    format!(
                        "takes its word embeddings from the base encoder, which is not at {} \
                         (run scripts/setup.sh, or pass --base-model)",
                        base.display()
                    ),
                ));
            }
            let base_weights = read_weights(&path, "bert.")?;
            if let Some(t) = base_weights.get(WORD_EMBEDDINGS) {
                weights.insert(WORD_EMBEDDINGS.to_string(), t.shallow_clone());
            }
        }
        let filled = fill(&self.vs, &weights)?;
        check_filled(&self.vs, dir, &filled, &[])
    }

    /// Writes the folder: `config.json` (the encoder's, plus `extra` keys), `tokenizer.json`
    /// and `model.safetensors` in f16, without the frozen word embeddings.
    pub(crate) fn save(&self, dir: &Path, extra: serde_json::Value) -> Result<()> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        write_weights(&self.vs, &dir.join(WEIGHTS_FILE), Kind::Half, |n| {
            n != WORD_EMBEDDINGS
        })?;
        let mut config = self.config.clone();
        if let (Some(config), Some(extra)) = (config.as_object_mut(), extra.as_object()) {
            for (k, v) in extra {
                config.insert(k.clone(), v.clone());
            }
        }
        config["claimlink"]["casing"] = self.casing.into();
        config["claimlink"]["max_len"] = self.max_len.into();
        config["claimlink"]["word_embeddings"] = "base".into();
        write_json(&dir.join("config.json"), &config)?;
        self.pieces.save(dir)
    }
}

/// Writes the variables of `vs` that `keep` selects, as `kind` and sorted by name, to a
/// safetensors file through a temporary file and a rename.
pub(crate) fn write_weights(
    vs: &nn::VarStore,
    path: &Path,
    kind: Kind,
    keep: impl Fn(&str) -> bool,
) -> Result<()> {
    let mut named: Vec<(String, Tensor)> = vs
        .variables()
        .into_iter()
        .filter(|(n, _)| keep(n))
        .map(|(n, t)| (n, t.detach().to_kind(kind)))
        .collect();
    named.sort_by(|a, b| a.0.cmp(&b.0));
    let tmp = part_path(path);
    Tensor::write_safetensors(&named, &tmp)?;
    rename(&tmp, path)
}

/// Writes JSON through a temporary file and a rename.
pub(crate) fn write_json(path: &Path, value: &serde_json::Value) -> Result<()> {
    let tmp = part_path(path);
    let text = serde_json::to_string_pretty(value).map_err(|e| Error::Invalid(e.to_string()))?;
    std::fs::write(&tmp, text + "\n").map_err(|e| Error::io(&tmp, e))?;
    rename(&tmp, path)
}

fn rename(from: &Path, to: &Path) -> Result<()> {
    std::fs::rename(from, to).map_err(|e| Error::io(to, e))
}
