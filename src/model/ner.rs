//! The NER head: encoder + linear tag classifier + constrained decoding.
//!
//! Reads: windows of words. Writes: one tag (and its probability) per word.

use std::path::Path;

use tch::nn::{self, Module};
use tch::{Device, Kind, Tensor};

use crate::error::{Error, Result};
use crate::model::encoder::{self, Encoder, WORD_EMBEDDINGS};
use crate::model::tags::TagSet;
use crate::model::window::{plan_batches, to_batch, Window};
use crate::model::wordpiece::WordPiecer;

pub const WEIGHTS_FILE: &str = "model.safetensors";

/// A decoded word: tag index into the model's `TagSet` and the model's probability of it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WordTag {
    pub tag: usize,
    pub prob: f32,
}

pub struct NerModel {
    vs: nn::VarStore,
    encoder: Encoder,
    classifier: nn::Linear,
    pub tags: TagSet,
    pub pieces: WordPiecer,
    /// Longest window in pieces, special tokens included.
    pub max_len: usize,
    config: serde_json::Value,
    casing: bool,
}

impl NerModel {
    fn build(dir: &Path, tags: TagSet, casing: bool, max_len: usize) -> Result<Self> {
        let (config, raw) = encoder::read_config(dir)?;
        let vs = nn::VarStore::new(Device::Cpu);
        let encoder = Encoder::new(&vs, &config, casing)?;
        let classifier = nn::linear(
            vs.root() / "classifier",
            config.hidden_size,
            tags.len() as i64,
            Default::default(),
        );
        Ok(NerModel {
            pieces: WordPiecer::from_dir(dir)?,
            vs,
            encoder,
            classifier,
            tags,
            max_len,
            config: raw,
            casing,
        })
    }

    /// A fresh model over the base encoder in `base` (new casing and classifier weights).
    pub fn from_base(base: &Path, tags: TagSet, casing: bool, max_len: usize) -> Result<Self> {
        let model = Self::build(base, tags, casing, max_len)?;
        let weights = encoder::read_weights(&base.join(WEIGHTS_FILE), "bert.")?;
        let filled = encoder::fill(&model.vs, &weights)?;
        model.check_filled(base, &filled, &["casing.", "classifier."])?;
        Ok(model)
    }

    /// A trained model folder; word embeddings missing from it come from `base`.
    pub fn load(dir: &Path, base: &Path) -> Result<Self> {
        let (_, raw) = encoder::read_config(dir)?;
        let labels = labels_from_config(dir, &raw)?;
        let extra = &raw["claimlink"];
        let casing = extra["casing"].as_bool().unwrap_or(false);
        let max_len = extra["max_len"].as_u64().unwrap_or(128) as usize;
        let model = Self::build(dir, TagSet::from_labels(labels)?, casing, max_len)?;
        let mut weights = encoder::read_weights(&dir.join(WEIGHTS_FILE), "")?;
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
            let base_weights = encoder::read_weights(&path, "bert.")?;
            if let Some(t) = base_weights.get(WORD_EMBEDDINGS) {
                weights.insert(WORD_EMBEDDINGS.to_string(), t.shallow_clone());
            }
        }
        let filled = encoder::fill(&model.vs, &weights)?;
        model.check_filled(dir, &filled, &[])?;
        Ok(model)
    }

    fn check_filled(
        &self,
        dir: &Path,
        filled: &std::collections::HashSet<String>,
        may_miss: &[&str],
    ) -> Result<()> {
        let mut missing: Vec<String> = self
            .vs
            .variables()
            .into_keys()
            .filter(|n| !filled.contains(n) && !may_miss.iter().any(|p| n.starts_with(p)))
            .collect();
        missing.sort();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(Error::model(
                dir,
                format!(
                    "weights lack {} tensors, e.g. {}",
                    missing.len(),
                    missing[0]
                ),
            ))
        }
    }

    pub fn var_store(&self) -> &nn::VarStore {
        &self.vs
    }

    pub fn freeze_word_embeddings(&mut self) {
        self.encoder.freeze_word_embeddings();
    }

    /// Tag logits `[batch, length, tags]`.
    pub fn logits(&self, windows: &[&Window], train: bool) -> Result<Tensor> {
        let batch = to_batch(windows);
        let hidden = self.encoder.forward(&batch, train)?;
        let hidden = if train {
            hidden.dropout(0.1, true)
        } else {
            hidden
        };
        Ok(self.classifier.forward(&hidden))
    }

    /// Decodes every window; batches hold at most `max_tokens` padded pieces.
    pub fn predict(&self, windows: &[&Window], max_tokens: usize) -> Result<Vec<Vec<WordTag>>> {
        let mut out: Vec<Vec<WordTag>> = vec![Vec::new(); windows.len()];
        let n_tags = self.tags.len();
        for batch in plan_batches(windows, max_tokens) {
            let members: Vec<&Window> = batch.iter().map(|&i| windows[i]).collect();
            let logp = tch::no_grad(|| self.logits(&members, false))?.log_softmax(-1, Kind::Float);
            let longest = logp.size()[1] as usize;
            let flat = Vec::<f32>::try_from(logp.flatten(0, -1))?;
            for (b, &i) in batch.iter().enumerate() {
                let rows: Vec<Vec<f32>> = windows[i]
                    .firsts
                    .iter()
                    .map(|&pos| {
                        let at = (b * longest + pos) * n_tags;
                        flat[at..at + n_tags].to_vec()
                    })
                    .collect();
                let path = self.tags.viterbi(&rows);
                out[i] = path
                    .iter()
                    .zip(&rows)
                    .map(|(&tag, row)| WordTag {
                        tag,
                        prob: row[tag].exp(),
                    })
                    .collect();
            }
        }
        Ok(out)
    }

    /// Writes the model folder: `config.json`, `tokenizer.json`, `model.safetensors` (f16,
    /// without the frozen word embeddings when `drop_word_embeddings`).
    pub fn save(&self, dir: &Path, drop_word_embeddings: bool) -> Result<()> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let mut named: Vec<(String, Tensor)> = self
            .vs
            .variables()
            .into_iter()
            .filter(|(n, _)| !(drop_word_embeddings && n == WORD_EMBEDDINGS))
            .map(|(n, t)| (n, t.detach().to_kind(Kind::Half)))
            .collect();
        named.sort_by(|a, b| a.0.cmp(&b.0));
        let tmp = dir.join(format!("{WEIGHTS_FILE}.part"));
        Tensor::write_safetensors(&named, &tmp)?;
        rename(&tmp, &dir.join(WEIGHTS_FILE))?;

        let mut config = self.config.clone();
        let id2label: serde_json::Map<String, serde_json::Value> = self
            .tags
            .labels
            .iter()
            .enumerate()
            .map(|(i, l)| (i.to_string(), l.clone().into()))
            .collect();
        let label2id: serde_json::Map<String, serde_json::Value> = self
            .tags
            .labels
            .iter()
            .enumerate()
            .map(|(i, l)| (l.clone(), i.into()))
            .collect();
        config["architectures"] = serde_json::json!(["BertForTokenClassification"]);
        config["id2label"] = id2label.into();
        config["label2id"] = label2id.into();
        config["claimlink"] = serde_json::json!({
            "task": "ner",
            "casing": self.casing,
            "max_len": self.max_len,
            "word_embeddings": if drop_word_embeddings { "base" } else { "included" },
        });
        write_json(&dir.join("config.json"), &config)?;
        self.pieces.save(dir)
    }
}

fn labels_from_config(dir: &Path, raw: &serde_json::Value) -> Result<Vec<String>> {
    let map = raw["id2label"]
        .as_object()
        .ok_or_else(|| Error::model(dir, "config.json has no id2label: not a token classifier"))?;
    let mut labels: Vec<(usize, String)> = Vec::with_capacity(map.len());
    for (id, label) in map {
        let id: usize = id
            .parse()
            .map_err(|_| Error::model(dir, format!("id2label key {id:?} is not a number")))?;
        let label = label
            .as_str()
            .ok_or_else(|| Error::model(dir, format!("id2label[{id}] is not a string")))?;
        labels.push((id, label.to_string()));
    }
    labels.sort();
    Ok(labels.into_iter().map(|(_, l)| l).collect())
}

/// Writes JSON through a temporary file and a rename.
pub fn write_json(path: &Path, value: &serde_json::Value) -> Result<()> {
    let tmp = path.with_extension("json.part");
    let text = serde_json::to_string_pretty(value).map_err(|e| Error::Invalid(e.to_string()))?;
    std::fs::write(&tmp, text + "\n").map_err(|e| Error::io(&tmp, e))?;
    rename(&tmp, path)
}

fn rename(from: &Path, to: &Path) -> Result<()> {
    std::fs::rename(from, to).map_err(|e| Error::io(to, e))
}

/// Spreads window predictions back over sentences: `lens[s]` words in sentence `s`.
/// Words no window covered keep tag 0 (`O` in every set this project writes).
pub fn per_sentence<'a>(
    windows: impl IntoIterator<Item = (&'a Window, &'a [WordTag])>,
    lens: &[usize],
) -> Vec<Vec<WordTag>> {
    let mut out: Vec<Vec<WordTag>> = lens
        .iter()
        .map(|&n| vec![WordTag { tag: 0, prob: 0.0 }; n])
        .collect();
    for (window, tags) in windows {
        for (&(s, w), &tag) in window.words.iter().zip(tags) {
            if let Some(slot) = out.get_mut(s).and_then(|sentence| sentence.get_mut(w)) {
                *slot = tag;
            }
        }
    }
    out
}
