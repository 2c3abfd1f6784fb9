//! The NER head: encoder + linear tag classifier + constrained decoding.
//!
//! Reads: windows of words. Writes: one tag (and its probability) per word.

use std::path::Path;

use std::time::Instant;

use tch::nn::{self, Module};
use tch::{Kind, Tensor};

use crate::error::{Error, Result};
use crate::model::attribution::AttributionModel;
use crate::model::encoder::EncoderModel;
use crate::model::parallel::map_batches;
pub(crate) use crate::model::tags::WordTag;
use crate::model::tags::{labels_from_config, TagSet};
use crate::model::window::{plan_batches, to_batch, Window};

/// One decoded tag path per window.
pub(crate) type Paths = Vec<Vec<WordTag>>;

pub(crate) struct NerModel {
    /// The shared encoder, tokenizer and folder configuration.
    pub base: EncoderModel,
    classifier: nn::Linear,
    pub tags: TagSet,
}

impl NerModel {
    fn with_head(base: EncoderModel, tags: TagSet) -> Self {
        let classifier = nn::linear(
            base.vs.root() / "classifier",
            base.hidden,
            tags.len() as i64,
            Default::default(),
        );
        NerModel {
            base,
            classifier,
            tags,
        }
    }

    /// A fresh model over the base encoder in `base` (new casing and classifier weights).
    pub(crate) fn from_base(
        base: &Path,
        tags: TagSet,
        casing: bool,
        max_len: usize,
    ) -> Result<Self> {
        let model = Self::with_head(EncoderModel::new(base, casing, max_len)?, tags);
        model.base.load_base(base, "classifier.")?;
        Ok(model)
    }

    /// A trained model folder; word embeddings missing from it come from `base`.
    pub(crate) fn load(dir: &Path, base: &Path) -> Result<Self> {
        let encoder = EncoderModel::open(dir)?;
        let tags = TagSet::from_labels(labels_from_config(dir, &encoder.config)?)?;
        let model = Self::with_head(encoder, tags);
        model.base.load_trained(dir, base)?;
        Ok(model)
    }

    /// Tag logits `[batch, length, tags]`.
    pub(crate) fn logits(&self, windows: &[&Window], train: bool) -> Result<Tensor> {
        let batch = to_batch(windows);
        let hidden = self.base.encoder.forward(&batch, train)?;
        let hidden = if train {
            hidden.dropout(0.1, true)
        } else {
            hidden
        };
        Ok(self.classifier.forward(&hidden))
    }

    /// Decodes every window; batches hold at most `max_tokens` padded pieces.
    pub(crate) fn predict(
        &self,
        windows: &[&Window],
        max_tokens: usize,
    ) -> Result<Vec<Vec<WordTag>>> {
        Ok(self.predict_with(windows, max_tokens, None)?.0)
    }

    /// Decodes every window for NER and, when given, for the attribution head, which reads
    /// the same encoder pass at its branch layer. The second list is empty without a head.
    pub(crate) fn predict_with(
        &self,
        windows: &[&Window],
        max_tokens: usize,
        attribution: Option<&AttributionModel>,
    ) -> Result<(Paths, Paths)> {
        let started = Instant::now();
        let batches = plan_batches(windows, max_tokens);
        let decoded = map_batches(&(self, attribution), &batches, |&(model, head), batch| {
            model.predict_batch(windows, batch, head)
        })?;
        let mut entities: Vec<Vec<WordTag>> = vec![Vec::new(); windows.len()];
        let mut roles: Vec<Vec<WordTag>> = match attribution {
            Some(_) => vec![Vec::new(); windows.len()],
            None => Vec::new(),
        };
        for (batch, (ner, role)) in batches.iter().zip(decoded) {
            for (&i, paths) in batch.iter().zip(ner) {
                entities[i] = paths;
            }
            for (&i, paths) in batch.iter().zip(role) {
                roles[i] = paths;
            }
        }
        self.base.meter.time(started);
        Ok((entities, roles))
    }

    /// One batch through the encoder: the NER paths of its windows and, with a head, their
    /// role paths (empty without one), in batch order.
    fn predict_batch(
        &self,
        windows: &[&Window],
        batch: &[usize],
        attribution: Option<&AttributionModel>,
    ) -> Result<(Paths, Paths)> {
        let members: Vec<&Window> = batch.iter().map(|&i| windows[i]).collect();
        let input = to_batch(&members);
        let (ner_logp, role_logp) = tch::no_grad(|| -> Result<(Tensor, Option<Tensor>)> {
            let layers = self.base.encoder.forward_layers(&input, false)?;
            let last = layers
                .last()
                .ok_or_else(|| Error::Invalid("the encoder has no layers".into()))?;
            let ner = (self.classifier)
                .forward(&last.to_kind(Kind::Float))
                .log_softmax(-1, Kind::Float);
            let roles = match attribution {
                Some(head) => {
                    let at = layers.get(head.branch - 1).ok_or_else(|| {
                        Error::Invalid(format!("the trunk has no layer {}", head.branch))
                    })?;
                    Some(
                        head.logits(at, &input.mask, false)
                            .log_softmax(-1, Kind::Float),
                    )
                }
                None => None,
            };
            Ok((ner, roles))
        })?;
        let entities = decode(&self.tags, &ner_logp, &members)?;
        let roles = match (attribution, role_logp) {
            (Some(head), Some(logp)) => decode(&head.tags, &logp, &members)?,
            _ => Vec::new(),
        };
        let (rows, longest) = (members.len(), input.ids.size()[1] as usize);
        let head_layers = attribution.map_or(0, |h| h.layers());
        self.base.meter.record(
            members.iter().map(|w| w.len()).sum(),
            rows * longest,
            self.base
                .flops(rows, longest, self.base.layers + head_layers),
        );
        Ok((entities, roles))
    }

    /// Writes the model folder (HF layout, `BertForTokenClassification` labels).
    pub(crate) fn save(&self, dir: &Path) -> Result<()> {
        let id2label: serde_json::Map<String, serde_json::Value> = (self.tags.labels.iter())
            .enumerate()
            .map(|(i, l)| (i.to_string(), l.clone().into()))
            .collect();
        let label2id: serde_json::Map<String, serde_json::Value> = (self.tags.labels.iter())
            .enumerate()
            .map(|(i, l)| (l.clone(), i.into()))
            .collect();
        self.base.save(
            dir,
            serde_json::json!({
                "architectures": ["BertForTokenClassification"],
                "id2label": id2label,
                "label2id": label2id,
                "claimlink": {"task": "ner"},
            }),
        )
    }
}

/// Viterbi-decodes the first piece of every word of a batch's windows, in batch order.
pub(crate) fn decode(tags: &TagSet, logp: &Tensor, members: &[&Window]) -> Result<Paths> {
    let (longest, n_tags) = (logp.size()[1] as usize, tags.len());
    let flat = Vec::<f32>::try_from(logp.flatten(0, -1))?;
    let path = |b: usize, window: &Window| -> Vec<WordTag> {
        let rows: Vec<Vec<f32>> = (window.firsts.iter())
            .map(|&pos| {
                let at = (b * longest + pos) * n_tags;
                flat[at..at + n_tags].to_vec()
            })
            .collect();
        (tags.viterbi(&rows).iter().zip(&rows))
            .map(|(&tag, row)| WordTag {
                tag,
                prob: row[tag].exp(),
            })
            .collect()
    };
    Ok(members
        .iter()
        .enumerate()
        .map(|(b, w)| path(b, w))
        .collect())
}

/// Spreads window predictions back over sentences: `lens[s]` words in sentence `s`.
/// Words no window covered keep tag 0 (`O` in every set this project writes).
pub(crate) fn per_sentence<'a>(
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
