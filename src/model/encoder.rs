//! The BERT encoder (rust-bert) with a casing embedding added to its input embeddings.
//!
//! Weights use the Hugging Face layout under a `bert.` prefix. The word-embedding matrix is
//! frozen during fine-tuning, so a model folder may leave it out and take it from the base
//! encoder instead (it is the largest tensor and identical to the base's).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use rust_bert::bert::{BertConfig, BertEmbeddings, BertModel};
use tch::{nn, Kind, Tensor};

use crate::error::{Error, Result};
use crate::model::wordpiece::CASING_CLASSES;

pub const WORD_EMBEDDINGS: &str = "bert.embeddings.word_embeddings.weight";

/// A padded batch of windows.
pub struct Batch {
    pub ids: Tensor,
    pub casing: Tensor,
    pub mask: Tensor,
}

pub struct Encoder {
    bert: BertModel<BertEmbeddings>,
    word_embeddings: Tensor,
    casing: Option<nn::Embedding>,
}

impl Encoder {
    /// Builds the variables under `root` (`bert.*`, `casing.weight`) with random values.
    pub fn new(vs: &nn::VarStore, config: &BertConfig, with_casing: bool) -> Result<Self> {
        let root = vs.root();
        let bert = BertModel::new_with_optional_pooler(&root / "bert", config, false);
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
        })
    }

    /// Keeps the word-embedding matrix fixed during training.
    pub fn freeze_word_embeddings(&mut self) {
        let _ = self.word_embeddings.set_requires_grad(false);
    }

    /// Hidden states `[batch, length, hidden]`.
    pub fn forward(&self, batch: &Batch, train: bool) -> Result<Tensor> {
        let mut embeds = Tensor::embedding(&self.word_embeddings, &batch.ids, 0, false, false);
        if let Some(casing) = &self.casing {
            embeds += batch.casing.apply(casing);
        }
        let out = self.bert.forward_t(
            None,
            Some(&batch.mask),
            None,
            None,
            Some(&embeds),
            None,
            None,
            train,
        )?;
        Ok(out.hidden_state)
    }
}

/// Reads a safetensors file, as f32, optionally putting `prefix` before names that lack it.
pub fn read_weights(path: &Path, prefix: &str) -> Result<HashMap<String, Tensor>> {
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
pub fn fill(vs: &nn::VarStore, weights: &HashMap<String, Tensor>) -> Result<HashSet<String>> {
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

/// Reads the encoder configuration (`config.json`) of a model folder.
pub fn read_config(dir: &Path) -> Result<(BertConfig, serde_json::Value)> {
    let path = dir.join("config.json");
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let raw: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Error::model(dir, format!("config.json is not valid JSON: {e}")))?;
    let config: BertConfig = serde_json::from_value(raw.clone())
        .map_err(|e| Error::model(dir, format!("config.json is not a BERT config: {e}")))?;
    Ok((config, raw))
}
