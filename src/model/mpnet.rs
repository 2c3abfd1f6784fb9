//! MPNet (all-mpnet-base-v2: 12 layers, 768 wide), the sentiment teacher that `train teacher`
//! fine-tunes (issue 31). Training time only: it is never shipped nor run by `claimlink run`.
//!
//! It differs from BERT in three ways, all following Hugging Face's `MPNetModel` so that its
//! weights load by name: no segment embeddings; positions counted from `pad_id + 1` over the
//! pieces that are not padding; and a learned relative-position bias (T5-style log buckets,
//! one table for all layers) added to every layer's attention scores.
//!
//! Its vocabulary is BERT's uncased one, shifted by four (`<s>`, `<pad>`, `</s>`, `<unk>`
//! first), so it reads the student's windows through `teacher_ids`.

use std::path::Path;

use serde::Deserialize;
use tch::nn::{self, Module};
use tch::{Kind, Tensor};

use crate::error::{Error, Result};
use crate::model::encoder::{
    check_filled, fill, read_weights, write_json, write_weights, WEIGHTS_FILE,
};
use crate::model::sentiment::{head_features, LABELS};
use crate::model::window::{to_batch, Window};

/// The fields of the teacher's `config.json` that the forward needs.
#[derive(Debug, Clone, Deserialize)]
pub struct MpnetConfig {
    pub hidden_size: i64,
    pub num_hidden_layers: i64,
    pub num_attention_heads: i64,
    pub intermediate_size: i64,
    pub vocab_size: i64,
    pub max_position_embeddings: i64,
    pub relative_attention_num_buckets: i64,
    pub layer_norm_eps: f64,
    pub pad_token_id: i64,
}

/// A folder's `config.json`, as JSON.
fn read_raw_config(dir: &Path) -> Result<serde_json::Value> {
    let path = dir.join("config.json");
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    serde_json::from_str(&text)
        .map_err(|e| Error::model(dir, format!("config.json is not valid JSON: {e}")))
}

impl MpnetConfig {
    /// The MPNet fields of `raw`, the `config.json` of `dir`.
    pub fn from_raw(dir: &Path, raw: &serde_json::Value) -> Result<Self> {
        let config: MpnetConfig = serde_json::from_value(raw.clone())
            .map_err(|e| Error::model(dir, format!("config.json is no MPNet config: {e}")))?;
        if config.num_attention_heads <= 0 || config.hidden_size % config.num_attention_heads != 0 {
            return Err(Error::model(
                dir,
                "hidden_size must be a multiple of num_attention_heads",
            ));
        }
        Ok(config)
    }
}

/// BERT-vocabulary pieces as MPNet ids: `[PAD]` → `<pad>`, `[CLS]` → `<s>`, `[SEP]` →
/// `</s>`, every other piece four places on.
pub fn teacher_ids(bert_ids: &Tensor, cls: i64, sep: i64) -> Tensor {
    (bert_ids + 4)
        .masked_fill(&bert_ids.eq(0), 1)
        .masked_fill(&bert_ids.eq(cls), 0)
        .masked_fill(&bert_ids.eq(sep), 2)
}

/// The relative-position bucket of `relative` (key position minus query position), as
/// Hugging Face's `MPNetEncoder.relative_position_bucket` computes it (in f32): half the
/// buckets per direction, exact up to a quarter of them, logarithmic up to `max_distance`.
pub fn relative_bucket(relative: i64, buckets: i64, max_distance: i64) -> i64 {
    let half = buckets / 2;
    let n = -relative;
    let side = if n < 0 { half } else { 0 };
    let n = n.abs();
    let exact = half / 2;
    if n < exact {
        return side + n;
    }
    let log_ratio = (n as f32 / exact as f32).ln() / (max_distance as f32 / exact as f32).ln();
    let large = exact + (log_ratio * (half - exact) as f32) as i64;
    side + large.min(half - 1)
}

struct Layer {
    q: nn::Linear,
    k: nn::Linear,
    v: nn::Linear,
    o: nn::Linear,
    attention_norm: nn::LayerNorm,
    intermediate: nn::Linear,
    output: nn::Linear,
    output_norm: nn::LayerNorm,
}

pub struct Mpnet {
    pub config: MpnetConfig,
    word: nn::Embedding,
    position: nn::Embedding,
    embedding_norm: nn::LayerNorm,
    relative: nn::Embedding,
    layers: Vec<Layer>,
}

const DROPOUT: f64 = 0.1;

impl Mpnet {
    /// The variables under `root`, named as in the Hugging Face checkpoint.
    pub fn new(root: &nn::Path, config: &MpnetConfig) -> Self {
        let h = config.hidden_size;
        let norm = |p: nn::Path| {
            let c = nn::LayerNormConfig {
                eps: config.layer_norm_eps,
                ..Default::default()
            };
            nn::layer_norm(p, vec![h], c)
        };
        let linear = |p: nn::Path, i, o| nn::linear(p, i, o, Default::default());
        let emb = root / "embeddings";
        let encoder = root / "encoder";
        let layers = (0..config.num_hidden_layers)
            .map(|i| {
                let l = &encoder / "layer" / i;
                let attn = &l / "attention" / "attn";
                Layer {
                    q: linear(&attn / "q", h, h),
                    k: linear(&attn / "k", h, h),
                    v: linear(&attn / "v", h, h),
                    o: linear(&attn / "o", h, h),
                    attention_norm: norm(&l / "attention" / "LayerNorm"),
                    intermediate: linear(
                        &l / "intermediate" / "dense",
                        h,
                        config.intermediate_size,
                    ),
                    output: linear(&l / "output" / "dense", config.intermediate_size, h),
                    output_norm: norm(&l / "output" / "LayerNorm"),
                }
            })
            .collect();
        Mpnet {
            config: config.clone(),
            word: nn::embedding(
                &emb / "word_embeddings",
                config.vocab_size,
                h,
                Default::default(),
            ),
            position: nn::embedding(
                &emb / "position_embeddings",
                config.max_position_embeddings,
                h,
                Default::default(),
            ),
            embedding_norm: norm(&emb / "LayerNorm"),
            relative: nn::embedding(
                &encoder / "relative_attention_bias",
                config.relative_attention_num_buckets,
                config.num_attention_heads,
                Default::default(),
            ),
            layers,
        }
    }

    /// The relative-position bias `[1, heads, len, len]`.
    fn position_bias(&self, len: i64) -> Tensor {
        let buckets: Vec<i64> = (0..len)
            .flat_map(|q| (0..len).map(move |k| (q, k)))
            .map(|(q, k)| relative_bucket(k - q, self.config.relative_attention_num_buckets, 128))
            .collect();
        let device = self.relative.ws.device();
        let buckets = Tensor::from_slice(&buckets)
            .view([len, len])
            .to_device(device);
        buckets
            .apply(&self.relative)
            .permute([2, 0, 1])
            .unsqueeze(0)
    }

    /// Hidden states `[batch, len, hidden]` for MPNet ids `[batch, len]` and a mask (1 on
    /// pieces, 0 on padding).
    pub fn forward(&self, ids: &Tensor, mask: &Tensor, train: bool) -> Tensor {
        let (batch, len) = ids.size2().unwrap_or((0, 0));
        let heads = self.config.num_attention_heads;
        let head = self.config.hidden_size / heads;
        let pieces = mask.to_kind(Kind::Int64);
        let positions = pieces.cumsum(1, Kind::Int64) * &pieces + self.config.pad_token_id;
        let mut x = (ids.apply(&self.word) + positions.apply(&self.position))
            .apply(&self.embedding_norm)
            .dropout(DROPOUT, train);
        let padding = (pieces.to_kind(Kind::Float) - 1.0).view([batch, 1, 1, len]) * 1e4;
        let bias = self.position_bias(len) + padding;
        let split = |t: Tensor| t.view([batch, len, heads, head]).transpose(1, 2);
        for layer in &self.layers {
            let q = split(layer.q.forward(&x));
            let k = split(layer.k.forward(&x));
            let v = split(layer.v.forward(&x));
            let dropout = if train { DROPOUT } else { 0.0 };
            let context =
                Tensor::scaled_dot_product_attention(&q, &k, &v, Some(&bias), dropout, false, None)
                    .transpose(1, 2)
                    .contiguous()
                    .view([batch, len, heads * head]);
            let attended = (layer.o.forward(&context).dropout(DROPOUT, train) + &x)
                .apply(&layer.attention_norm);
            let inner = layer.intermediate.forward(&attended).gelu("none");
            x = (layer.output.forward(&inner).dropout(DROPOUT, train) + attended)
                .apply(&layer.output_norm);
        }
        x
    }
}

/// The teacher: MPNet with the student's head (the `<s>` state beside the mean state of the
/// target's pieces, into three classes), reading the student's windows.
pub struct SentimentTeacher {
    pub vs: nn::VarStore,
    mpnet: Mpnet,
    classifier: nn::Linear,
    /// The student vocabulary's `[CLS]` and `[SEP]`, mapped to `<s>` and `</s>`.
    cls: i64,
    sep: i64,
    /// The teacher's `config.json` as read, saved back with `claimlink` keys added.
    raw: serde_json::Value,
    pub temperature: f64,
}

impl SentimentTeacher {
    fn build(dir: &Path, raw: serde_json::Value, cls: i64, sep: i64) -> Result<Self> {
        let config = MpnetConfig::from_raw(dir, &raw)?;
        let vs = nn::VarStore::new(tch::Device::Cpu);
        let mpnet = Mpnet::new(&(vs.root() / "mpnet"), &config);
        let classifier = nn::linear(
            vs.root() / "classifier",
            2 * config.hidden_size,
            LABELS.len() as i64,
            Default::default(),
        );
        Ok(SentimentTeacher {
            vs,
            mpnet,
            classifier,
            cls,
            sep,
            raw,
            temperature: 1.0,
        })
    }

    /// The pretrained encoder in `dir` (all-mpnet-base-v2) with a new head.
    pub fn from_pretrained(dir: &Path, cls: u32, sep: u32) -> Result<Self> {
        let teacher = Self::build(dir, read_raw_config(dir)?, i64::from(cls), i64::from(sep))?;
        let weights = read_weights(&dir.join(WEIGHTS_FILE), "")?;
        let weights = weights
            .into_iter()
            .map(|(name, t)| (format!("mpnet.{name}"), t))
            .collect();
        let filled = fill(&teacher.vs, &weights)?;
        check_filled(&teacher.vs, dir, &filled, &["classifier."])?;
        Ok(teacher)
    }

    /// A teacher `save` wrote.
    pub fn load(dir: &Path) -> Result<Self> {
        let raw = read_raw_config(dir)?;
        let piece = |key: &str| raw["claimlink"][key].as_i64();
        let (Some(cls), Some(sep)) = (piece("cls"), piece("sep")) else {
            return Err(Error::model(
                dir,
                "not a sentiment teacher (no claimlink.cls)",
            ));
        };
        let mut teacher = Self::build(dir, raw, cls, sep)?;
        let weights = read_weights(&dir.join(WEIGHTS_FILE), "")?;
        check_filled(&teacher.vs, dir, &fill(&teacher.vs, &weights)?, &[])?;
        teacher.temperature = teacher.raw["claimlink"]["temperature"]
            .as_f64()
            .unwrap_or(1.0);
        Ok(teacher)
    }

    /// Class logits `[batch, 3]` (before temperature) of student windows.
    pub fn logits(&self, windows: &[&Window], train: bool) -> Tensor {
        let batch = to_batch(windows);
        let ids = teacher_ids(&batch.ids, self.cls, self.sep);
        let hidden = self.mpnet.forward(&ids, &batch.mask, train);
        (self.classifier).forward(&head_features(&hidden, &batch.types, train))
    }

    /// Calibrated probabilities per window, in the order of `LABELS`, in batches of windows
    /// of similar length.
    pub fn predict(&self, windows: &[&Window]) -> Result<Vec<[f32; 3]>> {
        let mut order: Vec<usize> = (0..windows.len()).collect();
        order.sort_by_key(|&i| windows[i].len());
        let mut probs = vec![[0.0f32; 3]; windows.len()];
        for chunk in order.chunks(32) {
            let members: Vec<&Window> = chunk.iter().map(|&i| windows[i]).collect();
            let logits = tch::no_grad(|| self.logits(&members, false));
            let p = (logits / self.temperature).softmax(-1, Kind::Float);
            let flat = Vec::<f32>::try_from(p.flatten(0, -1))?;
            for (&i, row) in chunk.iter().zip(flat.chunks_exact(3)) {
                probs[i] = [row[0], row[1], row[2]];
            }
        }
        Ok(probs)
    }

    /// Writes `config.json` (the encoder's, with the labels, the pieces and the temperature)
    /// and `model.safetensors` (f32), each through a temporary file.
    pub fn save(&self, dir: &Path, markers: bool, max_len: usize) -> Result<()> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        write_weights(&self.vs, &dir.join(WEIGHTS_FILE), Kind::Float, |_| true)?;
        let mut config = self.raw.clone();
        config["id2label"] = serde_json::json!({"0": LABELS[0], "1": LABELS[1], "2": LABELS[2]});
        config["claimlink"] = serde_json::json!({
            "task": "sentiment-teacher",
            "cls": self.cls,
            "sep": self.sep,
            "temperature": self.temperature,
            "markers": markers,
            "max_len": max_len,
            "input": "the student's windows (BERT uncased pieces, shifted by four); the target \
                      pieces are those with token_type_ids = 1",
        });
        write_json(&dir.join("config.json"), &config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_follow_hugging_face() {
        // Values of MPNetEncoder.relative_position_bucket(rp, 32, 128).
        let cases = [
            (0, 0),
            (-1, 1),
            (-7, 7),
            (-8, 8),
            (-15, 9),
            (-16, 10),
            (-32, 12),
            (-64, 14),
            (-127, 15),
            (-500, 15),
            (1, 17),
            (7, 23),
            (8, 24),
            (16, 26),
            (500, 31),
        ];
        for (relative, bucket) in cases {
            assert_eq!(
                relative_bucket(relative, 32, 128),
                bucket,
                "relative {relative}"
            );
        }
    }

    #[test]
    fn bert_pieces_map_to_teacher_ids() {
        let ids = teacher_ids(&Tensor::from_slice(&[101i64, 2023, 102, 0]), 101, 102);
        assert_eq!(Vec::<i64>::try_from(ids).expect("ids"), vec![0, 2027, 2, 1]);
    }

    /// A teacher of random weights and a tiny configuration, in a temporary folder.
    fn tiny_teacher(dir: &Path) -> SentimentTeacher {
        let config = serde_json::json!({
            "hidden_size": 8, "num_hidden_layers": 2, "num_attention_heads": 2,
            "intermediate_size": 16, "vocab_size": 40, "max_position_embeddings": 20,
            "relative_attention_num_buckets": 32, "layer_norm_eps": 1e-5, "pad_token_id": 1,
        });
        std::fs::create_dir_all(dir).expect("folder");
        write_json(&dir.join("config.json"), &config).expect("config");
        let vs = nn::VarStore::new(tch::Device::Cpu);
        let config =
            MpnetConfig::from_raw(dir, &read_raw_config(dir).expect("reads")).expect("MPNet");
        let _ = Mpnet::new(&vs.root(), &config);
        write_weights(&vs, &dir.join(WEIGHTS_FILE), Kind::Float, |_| true).expect("weights");
        SentimentTeacher::from_pretrained(dir, 30, 31).expect("loads")
    }

    fn window(ids: &[i64], target: usize) -> Window {
        let mut types = vec![0; ids.len()];
        types[target] = 1;
        Window {
            ids: ids.to_vec(),
            casing: vec![0; ids.len()],
            types,
            firsts: Vec::new(),
            words: Vec::new(),
        }
    }

    #[test]
    fn a_window_scores_the_same_alone_and_padded_in_a_batch() {
        let dir = std::env::temp_dir().join(format!("claimlink-mpnet-{}", std::process::id()));
        let teacher = tiny_teacher(&dir);
        let short = window(&[30, 5, 6, 31], 1);
        let long = window(&[30, 7, 8, 9, 10, 11, 31], 2);
        let alone = tch::no_grad(|| teacher.logits(&[&short], false));
        let batched = tch::no_grad(|| teacher.logits(&[&long, &short], false));
        assert_eq!(batched.size(), vec![2, 3]);
        let gap = f64::try_from((alone.get(0) - batched.get(1)).abs().max()).expect("gap");
        assert!(
            gap < 1e-5,
            "padding changed the short window's logits by {gap}"
        );
        // What `save` writes, `load` reads back to the same outputs.
        let saved = dir.join("trained");
        teacher.save(&saved, true, 160).expect("saves");
        let back = SentimentTeacher::load(&saved).expect("loads");
        let again = tch::no_grad(|| back.logits(&[&short], false));
        let gap = f64::try_from((alone - again).abs().max()).expect("gap");
        assert!(gap < 1e-6, "a saved teacher differs by {gap}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Compares the forward with Hugging Face's `MPNetModel` on the real checkpoint (not in
    /// CI: `scripts/teacher.sh` fetches it): the first four values of the first three
    /// positions' last states, as a NumPy transcription of `modeling_mpnet.py` computed them
    /// from the same weights. Run with
    /// `CLAIMLINK_TEACHER=target/teacher/all-mpnet-base-v2 cargo test --release --lib mpnet -- --ignored`.
    #[test]
    #[ignore]
    fn forward_matches_reference_values() {
        let dir = std::path::PathBuf::from(
            std::env::var("CLAIMLINK_TEACHER").unwrap_or("target/teacher/all-mpnet-base-v2".into()),
        );
        let teacher = SentimentTeacher::from_pretrained(&dir, 101, 102).expect("loads");
        let ids = Tensor::from_slice(&[0i64, 2027, 2023, 7592, 2, 0, 2000, 2, 1, 1]).view([2, 5]);
        let mask = Tensor::from_slice(&[1i64, 1, 1, 1, 1, 1, 1, 1, 0, 0]).view([2, 5]);
        let hidden = tch::no_grad(|| teacher.mpnet.forward(&ids, &mask, false));
        let reference: [[[f32; 4]; 3]; 2] = [
            [
                [-0.0024329, -0.0985369, 0.0271796, 0.0832011],
                [0.0720006, -0.324763, -0.1512928, 0.1709675],
                [-0.0188871, -0.3067798, 0.0253523, 0.1455166],
            ],
            [
                [0.0019068, 0.0293119, -0.0252917, -0.0720887],
                [0.1504777, 0.1324075, -0.1951473, -0.111459],
                [0.0637929, 0.0627160, -0.0488266, -0.0693497],
            ],
        ];
        for (b, rows) in reference.iter().enumerate() {
            for (p, expected) in rows.iter().enumerate() {
                let row = Vec::<f32>::try_from(hidden.get(b as i64).get(p as i64).narrow(0, 0, 4))
                    .expect("row");
                for (got, want) in row.iter().zip(expected) {
                    assert!(
                        (got - want).abs() < 1e-5,
                        "[{b}, {p}]: {row:?} against {expected:?}"
                    );
                }
            }
        }
    }
}
