//! The encoder's inference forward, on tch ops alone.
//!
//! rust-bert's `BertModel` stays for training; inference runs this forward over the same
//! weights. It computes what rust-bert computes (embeddings, post-LayerNorm BERT layers,
//! exact erf GELU), with fewer passes over memory: one matrix multiply for Q, K and V,
//! libtorch's fused `scaled_dot_product_attention` in place of scores, mask, softmax and
//! mixing as separate ops, and no copy of every layer's output. Weights are taken once,
//! in the precision inference runs in, when the model is prepared.

use std::collections::HashMap;

use tch::{Kind, Tensor};

use crate::error::{Error, Result};

/// rust-bert's LayerNorm epsilon for BERT.
const LAYER_NORM_EPS: f64 = 1e-12;

/// A weight and bias pair (a linear map or a LayerNorm).
struct Affine {
    weight: Tensor,
    bias: Tensor,
}

impl Affine {
    /// `{prefix}.weight` and `{prefix}.bias` from `vars`, in `kind`.
    fn take(vars: &HashMap<String, Tensor>, prefix: &str, kind: Kind) -> Result<Self> {
        Ok(Affine {
            weight: var(vars, &format!("{prefix}.weight"), kind)?,
            bias: var(vars, &format!("{prefix}.bias"), kind)?,
        })
    }

    /// The linear maps `prefixes` stacked into one (their outputs side by side).
    fn stacked(vars: &HashMap<String, Tensor>, prefixes: &[String], kind: Kind) -> Result<Self> {
        let parts: Vec<Affine> = (prefixes.iter())
            .map(|p| Affine::take(vars, p, kind))
            .collect::<Result<_>>()?;
        let weights: Vec<&Tensor> = parts.iter().map(|a| &a.weight).collect();
        let biases: Vec<&Tensor> = parts.iter().map(|a| &a.bias).collect();
        Ok(Affine {
            weight: Tensor::cat(&weights, 0),
            bias: Tensor::cat(&biases, 0),
        })
    }

    fn linear(&self, x: &Tensor) -> Tensor {
        x.linear(&self.weight, Some(&self.bias))
    }

    fn layer_norm(&self, x: &Tensor) -> Tensor {
        let shape = [self.weight.size()[0]];
        x.layer_norm(
            shape.as_slice(),
            Some(&self.weight),
            Some(&self.bias),
            LAYER_NORM_EPS,
            true,
        )
    }
}

/// A variable of the store, detached and in `kind` (no copy when it is already in `kind`).
fn var(vars: &HashMap<String, Tensor>, name: &str, kind: Kind) -> Result<Tensor> {
    let t = vars
        .get(name)
        .ok_or_else(|| Error::Invalid(format!("the encoder has no weight {name}")))?;
    Ok(t.detach().to_kind(kind))
}

/// One BERT layer (post-LayerNorm, as in rust-bert's `BertLayer`).
pub(crate) struct FastLayer {
    /// Q, K and V projections stacked: `[3 · hidden, hidden]`.
    qkv: Affine,
    out: Affine,
    attention_norm: Affine,
    up: Affine,
    down: Affine,
    output_norm: Affine,
    heads: i64,
}

impl FastLayer {
    /// The layer whose variables are named `{prefix}.attention.self.query.weight` etc.
    pub(crate) fn new(
        vars: &HashMap<String, Tensor>,
        prefix: &str,
        heads: i64,
        kind: Kind,
    ) -> Result<Self> {
        let qkv: Vec<String> = ["query", "key", "value"]
            .iter()
            .map(|p| format!("{prefix}.attention.self.{p}"))
            .collect();
        Ok(FastLayer {
            qkv: Affine::stacked(vars, &qkv, kind)?,
            out: Affine::take(vars, &format!("{prefix}.attention.output.dense"), kind)?,
            attention_norm: Affine::take(
                vars,
                &format!("{prefix}.attention.output.LayerNorm"),
                kind,
            )?,
            up: Affine::take(vars, &format!("{prefix}.intermediate.dense"), kind)?,
            down: Affine::take(vars, &format!("{prefix}.output.dense"), kind)?,
            output_norm: Affine::take(vars, &format!("{prefix}.output.LayerNorm"), kind)?,
            heads,
        })
    }

    /// `[batch, length, hidden]` → the same shape; `mask` is `attention_mask` below.
    pub(crate) fn forward(&self, x: &Tensor, mask: &Tensor) -> Tensor {
        let (batch, len, hidden) = x.size3().unwrap_or((0, 0, 0));
        let head = hidden / self.heads.max(1);
        // [batch, length, 3, heads, head] → [3, batch, heads, length, head]
        let qkv = (self.qkv.linear(x))
            .view([batch, len, 3, self.heads, head])
            .permute([2, 0, 3, 1, 4]);
        let (q, k, v) = (qkv.get(0), qkv.get(1), qkv.get(2));
        let context =
            Tensor::scaled_dot_product_attention(&q, &k, &v, Some(mask), 0.0, false, None::<f64>)
                .transpose(1, 2)
                .reshape([batch, len, hidden]);
        let x = self
            .attention_norm
            .layer_norm(&(x + self.out.linear(&context)));
        let inner = self.up.linear(&x).gelu("none");
        self.output_norm
            .layer_norm(&(&x + self.down.linear(&inner)))
    }
}

/// The additive attention mask `[batch, 1, 1, length]` of a `[batch, length]` 0/1 mask, in
/// `kind`: 0 where a piece may be attended, -10000 on padding (rust-bert's value).
pub(crate) fn attention_mask(mask: &Tensor, kind: Kind) -> Tensor {
    ((mask.ones_like() - mask) * -10000.0)
        .to_kind(kind)
        .unsqueeze(1)
        .unsqueeze(1)
}

/// The whole encoder: embeddings (word, position, segment and the project's casing), then
/// the layers.
pub(crate) struct FastEncoder {
    word: Tensor,
    position: Tensor,
    segment: Tensor,
    casing: Option<Tensor>,
    norm: Affine,
    layers: Vec<FastLayer>,
    kind: Kind,
}

impl FastEncoder {
    /// Takes the weights of the store's variables (`bert.*`, `casing.weight`) in `kind`.
    pub(crate) fn new(
        vars: &HashMap<String, Tensor>,
        layers: usize,
        heads: i64,
        kind: Kind,
    ) -> Result<Self> {
        let embeddings = |name: &str| var(vars, &format!("bert.embeddings.{name}.weight"), kind);
        let layers = (0..layers)
            .map(|i| FastLayer::new(vars, &format!("bert.encoder.layer.{i}"), heads, kind))
            .collect::<Result<_>>()?;
        Ok(FastEncoder {
            word: embeddings("word_embeddings")?,
            position: embeddings("position_embeddings")?,
            segment: embeddings("token_type_embeddings")?,
            casing: match vars.contains_key("casing.weight") {
                true => Some(var(vars, "casing.weight", kind)?),
                false => None,
            },
            norm: Affine::take(vars, "bert.embeddings.LayerNorm", kind)?,
            layers,
            kind,
        })
    }

    /// Hidden states after each layer, first to last, in the encoder's kind.
    pub(crate) fn forward_layers(
        &self,
        ids: &Tensor,
        casing: &Tensor,
        types: &Tensor,
        mask: &Tensor,
    ) -> Vec<Tensor> {
        let len = ids.size().get(1).copied().unwrap_or(0);
        let mut x = Tensor::embedding(&self.word, ids, 0, false, false);
        if let Some(table) = &self.casing {
            x += Tensor::embedding(table, casing, -1, false, false);
        }
        // The same order of sums as rust-bert: (word + casing) + position + segment.
        let x = x
            + self.position.narrow(0, 0, len)
            + Tensor::embedding(&self.segment, types, -1, false, false);
        let mut x = self.norm.layer_norm(&x);
        let mask = attention_mask(mask, self.kind);
        let mut out = Vec::with_capacity(self.layers.len());
        for layer in &self.layers {
            x = layer.forward(&x, &mask);
            out.push(x.shallow_clone());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::model::encoder::Batch;
    use crate::model::ner::NerModel;
    use crate::model::precision::Precision;
    use crate::model::window::{pack, plan_batches, to_batch, EncodedWord, Window};

    fn models() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("models")
    }

    fn ner() -> NerModel {
        let base = Path::new(env!("CARGO_MANIFEST_DIR")).join(".libtorch/base");
        NerModel::load(&models().join("ner"), &base).expect("the committed NER model")
    }

    /// Windows of many lengths (1 to 128 pieces) from news-like sentences.
    fn windows(model: &NerModel) -> Vec<Window> {
        let text = "Shares of Contoso Ltd rose 4.5 % on Tuesday after Chief Executive Maria \
                    Lopez told Reuters the company would buy back stock , analysts said .";
        let words: Vec<&str> = text.split(' ').collect();
        let pieces = &model.base.pieces;
        (1..=words.len() * 4)
            .step_by(5)
            .map(|n| {
                let sentence: Vec<EncodedWord> = (0..n)
                    .map(|i| EncodedWord::new(words[i % words.len()], pieces))
                    .collect();
                pack(&[sentence], 128, pieces).remove(0)
            })
            .collect()
    }

    fn max_diff(a: &Tensor, b: &Tensor) -> f64 {
        (a.to_kind(Kind::Float) - b.to_kind(Kind::Float))
            .abs()
            .max()
            .double_value(&[])
    }

    #[test]
    fn in_f32_the_inference_forward_computes_what_rust_bert_does() {
        let mut model = ner();
        let windows = windows(&model);
        let refs: Vec<&Window> = windows.iter().collect();
        let batch: Batch = to_batch(&refs);
        let reference = tch::no_grad(|| model.base.encoder.reference_layers(&batch, false))
            .expect("reference forward");
        model.base.prepare(Precision::F32).expect("prepare");
        let fast = tch::no_grad(|| model.base.encoder.forward_layers(&batch, false))
            .expect("inference forward");
        assert_eq!(reference.len(), fast.len());
        let mask = batch.mask.unsqueeze(-1).to_kind(Kind::Float);
        for (layer, (r, f)) in reference.iter().zip(&fast).enumerate() {
            // Real pieces only: what padding positions hold is read by nobody.
            let diff = max_diff(&(r * &mask), &(f * &mask));
            eprintln!("layer {layer}: max abs diff {diff:e}");
            assert!(diff < 1e-4, "layer {layer}: {diff}");
        }
    }

    /// Each window's last-layer rows, `[padded length, hidden]` as f32, computed in batches
    /// of at most `budget` padded pieces.
    fn rows_in_batches(model: &NerModel, windows: &[&Window], budget: usize) -> Vec<Vec<f32>> {
        let mut rows = vec![Vec::new(); windows.len()];
        for batch in plan_batches(windows, budget) {
            let members: Vec<&Window> = batch.iter().map(|&i| windows[i]).collect();
            let input = to_batch(&members);
            let layers =
                tch::no_grad(|| model.base.encoder.forward_layers(&input, false)).expect("forward");
            let last = layers.last().expect("layers").to_kind(Kind::Float);
            for (b, &i) in batch.iter().enumerate() {
                rows[i] = Vec::<f32>::try_from(last.get(b as i64).flatten(0, -1)).expect("f32");
            }
        }
        rows
    }

    #[test]
    fn in_bf16_a_window_gets_the_same_bits_whatever_its_batch_mates() {
        let mut model = ner();
        model.base.prepare(Precision::Bf16).expect("prepare");
        let windows = windows(&model);
        let refs: Vec<&Window> = windows.iter().collect();
        let alone = rows_in_batches(&model, &refs, 1);
        for budget in [300, 1024, 4096, 100_000] {
            let batched = rows_in_batches(&model, &refs, budget);
            for (i, (a, b)) in alone.iter().zip(&batched).enumerate() {
                assert!(
                    a == b,
                    "window {i} ({} pieces), budget {budget}",
                    refs[i].len()
                );
            }
        }
    }
}
