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

/// Rows of every bf16 matrix multiply. oneDNN picks its bf16 kernel and blocking by the
/// shape of a multiply, and on some CPUs (Intel AMX) a row's result then depends on how
/// many rows are multiplied with it: on batch-mates. In blocks of one fixed row count,
/// every row goes through the same kernel whatever its batch. 256 rows keep the multiply
/// as fast as a whole batch's (measured here: M = 128 ran at the rate of M = 4,096).
const BF16_ROWS: i64 = 256;

/// A weight and bias pair (a linear map or a LayerNorm).
struct Affine {
    weight: Tensor,
    bias: Tensor,
    /// Multiply in blocks of this many rows (bf16), or all rows at once (f32).
    rows: Option<i64>,
}

impl Affine {
    /// `{prefix}.weight` and `{prefix}.bias` from `vars`, in `kind`.
    fn take(vars: &HashMap<String, Tensor>, prefix: &str, kind: Kind) -> Result<Self> {
        Ok(Affine {
            weight: var(vars, &format!("{prefix}.weight"), kind)?,
            bias: var(vars, &format!("{prefix}.bias"), kind)?,
            rows: (kind == Kind::BFloat16).then_some(BF16_ROWS),
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
            rows: parts.first().and_then(|a| a.rows),
        })
    }

    fn linear(&self, x: &Tensor) -> Tensor {
        match self.rows {
            None => x.linear(&self.weight, Some(&self.bias)),
            Some(rows) => self.linear_in_blocks(x, rows),
        }
    }

    /// `linear` over the rows of `x` (all dimensions but the last) in blocks of `rows`,
    /// the last block padded with zero rows.
    fn linear_in_blocks(&self, x: &Tensor, rows: i64) -> Tensor {
        let mut shape = x.size();
        let inner = shape.last().copied().unwrap_or(0);
        let outer = self.weight.size()[0];
        let flat = x.reshape([-1, inner]);
        let total = flat.size()[0];
        let blocks = (total + rows - 1) / rows;
        let out = Tensor::empty([blocks * rows, outer], (x.kind(), x.device()));
        for block in 0..blocks {
            let (start, len) = (block * rows, rows.min(total - block * rows));
            let input = match len == rows {
                true => flat.narrow(0, start, rows),
                false => flat
                    .narrow(0, start, len)
                    .constant_pad_nd([0, 0, 0, rows - len]),
            };
            let _ = input.linear_out(&out.narrow(0, start, rows), &self.weight, Some(&self.bias));
        }
        if let Some(last) = shape.last_mut() {
            *last = outer;
        }
        out.narrow(0, 0, total).reshape(shape)
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

    #[test]
    fn a_linear_map_in_blocks_of_rows_is_the_map_of_all_rows_at_once() {
        tch::manual_seed(7);
        let opts = (Kind::Float, tch::Device::Cpu);
        let plain = Affine {
            weight: Tensor::randn([5, 4], opts),
            bias: Tensor::randn([5], opts),
            rows: None,
        };
        let x = Tensor::randn([2, 7, 4], opts);
        let whole = plain.linear(&x);
        for rows in [1, 3, 14, 20] {
            let blocks = Affine {
                weight: plain.weight.shallow_clone(),
                bias: plain.bias.shallow_clone(),
                rows: Some(rows),
            };
            let out = blocks.linear(&x);
            assert_eq!(out.size(), [2, 7, 5]);
            assert!(max_diff(&out, &whole) < 1e-5, "blocks of {rows} rows");
        }
    }

    /// The same encoder multiplying all rows at once (no row blocks in bf16).
    fn unblocked(model: &NerModel, kind: Kind) -> FastEncoder {
        let vars = model.base.vs.variables();
        let mut fast =
            FastEncoder::new(&vars, model.base.layers, model.base.heads, kind).expect("encoder");
        for layer in &mut fast.layers {
            for affine in [
                &mut layer.qkv,
                &mut layer.out,
                &mut layer.up,
                &mut layer.down,
            ] {
                affine.rows = None;
            }
        }
        fast
    }

    #[test]
    #[ignore = "a measurement, not a test"]
    fn speed_of_the_forwards() {
        tch::set_num_threads(1);
        let model = ner();
        let windows = windows(&model);
        let long: Vec<&Window> = windows.iter().rev().take(4).collect();
        for rows in [8, 32] {
            let refs: Vec<&Window> = long.iter().copied().cycle().take(rows).collect();
            let batch = to_batch(&refs);
            let pieces = batch.ids.numel() as f64;
            for precision in [Precision::F32, Precision::Bf16] {
                let mut model = ner();
                model.base.prepare(precision).expect("prepare");
                let plain = unblocked(&model, precision.kind());
                let mut times = [Vec::new(), Vec::new(), Vec::new()];
                tch::no_grad(|| {
                    for round in 0..16 {
                        for (v, t) in times.iter_mut().enumerate() {
                            let started = std::time::Instant::now();
                            let _ = match v {
                                0 => model.base.encoder.reference_layers(&batch, false),
                                1 => model.base.encoder.forward_layers(&batch, false),
                                _ => Ok(plain.forward_layers(
                                    &batch.ids,
                                    &batch.casing,
                                    &batch.types,
                                    &batch.mask,
                                )),
                            };
                            if round > 0 {
                                t.push(pieces / started.elapsed().as_secs_f64());
                            }
                        }
                    }
                });
                let names = ["rust-bert", "fast", "fast, no row blocks"];
                for (name, mut t) in names.into_iter().zip(times) {
                    t.sort_by(|a, b| a.total_cmp(b));
                    eprintln!(
                        "{rows}x{} {} {name}: median {:.0} pieces/s",
                        batch.ids.size()[1],
                        precision.name(),
                        t[t.len() / 2]
                    );
                }
            }
        }
    }
}
