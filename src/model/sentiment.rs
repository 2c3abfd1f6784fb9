//! Target-dependent sentiment: negative / neutral / positive toward a marked span.
//!
//! Reads: one window per (sentence, target), the target's pieces marked with segment id 1
//! (and, for a model trained so, put between two marker pieces in the text).
//! Writes: calibrated class probabilities. The head reads the `[CLS]` state and the mean
//! state of the target's pieces, so two targets in one sentence get their own answers.

use std::collections::HashMap;
use std::path::Path;

use tch::nn::{self, Module};
use tch::{Kind, Tensor};

use crate::error::{Error, Result};
use crate::model::encoder::EncoderModel;
use crate::model::parallel::map_batches;
use crate::model::window::{encode_words, padded_len, plan_batches, to_batch, EncodedWord, Window};
use crate::model::wordpiece::WordPiecer;
use crate::range::{CharRange, WordRange};

pub(crate) const LABELS: [&str; 3] = ["negative", "neutral", "positive"];

/// The marker words put around the target when a model is trained with `markers`: existing
/// single-piece punctuation (the word embeddings stay the base encoder's, so new tokens
/// would never learn), rare in news text.
pub(crate) const MARKERS: [&str; 2] = ["<", ">"];

/// How a target is shown to the model: the tokenizer, the window length and the marker
/// pieces (`None` for a model trained with the segment id alone).
#[derive(Clone, Copy)]
pub(crate) struct Marking<'a> {
    pub pieces: &'a WordPiecer,
    pub max_len: usize,
    pub markers: Option<[u32; 2]>,
}

impl Marking<'_> {
    /// The window of `words` (code point ranges in `chars`) around `focus`, shown this way.
    /// Only the words a window can reach are encoded (each takes a piece at least), so a
    /// target in a sentence of thousands of words costs what one in a short sentence does.
    pub(crate) fn window(&self, chars: &[char], words: &[CharRange], focus: WordRange) -> Window {
        let hi = focus.end.saturating_add(self.max_len).min(words.len());
        let lo = focus.start.saturating_sub(self.max_len).min(hi);
        let encoded = encode_words(chars, &words[lo..hi], self.pieces);
        let focus = WordRange::new(focus.start.saturating_sub(lo), focus.end.saturating_sub(lo));
        self.window_in(&encoded, focus)
    }

    /// The window around `focus` in words already encoded (several targets of a sentence).
    pub(crate) fn window_in(&self, encoded: &[EncodedWord], focus: WordRange) -> Window {
        Window::around(encoded, focus, self.max_len, self.pieces, self.markers)
    }

    /// The same marking with windows of at most `max_len` pieces.
    pub(crate) fn at_most(self, max_len: usize) -> Self {
        Marking {
            max_len: max_len.min(self.max_len),
            ..self
        }
    }
}

pub struct SentimentModel {
    /// The shared encoder, tokenizer and folder configuration.
    pub base: EncoderModel,
    classifier: nn::Linear,
    /// Divides the logits before the softmax (temperature scaling, fitted on dev).
    pub temperature: f64,
    /// The marker pieces around the target, for a model trained with them.
    pub markers: Option<[u32; 2]>,
}

impl SentimentModel {
    fn with_head(base: EncoderModel, temperature: f64) -> Self {
        let classifier = nn::linear(
            base.vs.root() / "classifier",
            2 * base.hidden,
            LABELS.len() as i64,
            Default::default(),
        );
        SentimentModel {
            base,
            classifier,
            temperature,
            markers: None,
        }
    }

    /// Marker pieces for `MARKERS`; an error if the tokenizer splits one.
    pub(crate) fn marker_pieces(pieces: &WordPiecer) -> Result<[u32; 2]> {
        let piece = |word: &str| match pieces.word(word).as_slice() {
            [p] if *p != pieces.unk => Ok(*p),
            _ => Err(Error::Invalid(format!(
                "the target marker {word:?} is not one piece of the tokenizer"
            ))),
        };
        Ok([piece(MARKERS[0])?, piece(MARKERS[1])?])
    }

    /// How this model wants its targets shown.
    pub(crate) fn marking(&self) -> Marking<'_> {
        Marking {
            pieces: &self.base.pieces,
            max_len: self.base.max_len,
            markers: self.markers,
        }
    }

    pub(crate) fn from_base(base: &Path, casing: bool, max_len: usize) -> Result<Self> {
        let model = Self::with_head(EncoderModel::new(base, casing, max_len)?, 1.0);
        model.base.load_base(base, "classifier.")?;
        Ok(model)
    }

    pub fn load(dir: &Path, base: &Path) -> Result<Self> {
        let encoder = EncoderModel::open(dir)?;
        let labels = &encoder.config["id2label"];
        for (i, label) in LABELS.iter().enumerate() {
            if labels[i.to_string()].as_str() != Some(label) {
                return Err(Error::model(
                    dir,
                    format!("id2label must be {LABELS:?} in this order"),
                ));
            }
        }
        let temperature = encoder.config["claimlink"]["temperature"]
            .as_f64()
            .unwrap_or(1.0);
        let markers = encoder.config["claimlink"]["markers"]
            .as_bool()
            .unwrap_or(false);
        let mut model = Self::with_head(encoder, temperature);
        if markers {
            model.markers = Some(Self::marker_pieces(&model.base.pieces)?);
        }
        model.base.load_trained(dir, base)?;
        Ok(model)
    }

    /// Class logits `[batch, 3]` (before temperature).
    pub(crate) fn logits(&self, windows: &[&Window], train: bool) -> Result<Tensor> {
        let batch = to_batch(windows);
        let hidden = self.base.encoder.forward(&batch, train)?;
        Ok(self
            .classifier
            .forward(&head_features(&hidden, &batch.types, train)))
    }

    /// Calibrated probabilities per window, in the order of `LABELS`.
    /// A window that recurs (boilerplate repeated across articles, a name repeated in a
    /// list) is computed once.
    pub(crate) fn predict(&self, windows: &[&Window], max_tokens: usize) -> Result<Vec<[f32; 3]>> {
        let started = std::time::Instant::now();
        let mut unique: Vec<&Window> = Vec::new();
        let mut seen: HashMap<[&[i64]; 3], usize> = HashMap::new();
        let of: Vec<usize> = (windows.iter())
            .map(|&w| {
                *seen
                    .entry([&w.ids, &w.types, &w.casing])
                    .or_insert_with(|| {
                        unique.push(w);
                        unique.len() - 1
                    })
            })
            .collect();
        let batches = plan_batches(&unique, max_tokens);
        let answers = map_batches(self, &batches, |model, batch| {
            model.predict_batch(&unique, batch)
        })?;
        let mut probs = vec![[0.0f32; 3]; unique.len()];
        for (batch, answer) in batches.iter().zip(answers) {
            for (&i, p) in batch.iter().zip(answer) {
                probs[i] = p;
            }
        }
        self.base.meter.time(started);
        Ok(of.into_iter().map(|u| probs[u]).collect())
    }

    /// Calibrated probabilities of one batch's windows, in batch order.
    fn predict_batch(&self, windows: &[&Window], batch: &[usize]) -> Result<Vec<[f32; 3]>> {
        let members: Vec<&Window> = batch.iter().map(|&i| windows[i]).collect();
        let logits = tch::no_grad(|| self.logits(&members, false))?;
        let probs = (logits / self.temperature).softmax(-1, Kind::Float);
        let flat = Vec::<f32>::try_from(probs.flatten(0, -1))?;
        let longest = padded_len(members.iter().map(|w| w.len()).max().unwrap_or(0));
        self.base.meter.record(
            members.iter().map(|w| w.len()).sum(),
            members.len() * longest,
            self.base.flops(members.len(), longest, self.base.layers),
        );
        Ok(flat.chunks_exact(3).map(|c| [c[0], c[1], c[2]]).collect())
    }

    pub(crate) fn save(&self, dir: &Path) -> Result<()> {
        let input = if self.markers.is_some() {
            "target pieces marked with token_type_ids = 1, between the words < and >"
        } else {
            "target pieces marked with token_type_ids = 1"
        };
        self.base.save(
            dir,
            serde_json::json!({
                "architectures": ["BertForSequenceClassification"],
                "id2label": {"0": LABELS[0], "1": LABELS[1], "2": LABELS[2]},
                "label2id": {LABELS[0]: 0, LABELS[1]: 1, LABELS[2]: 2},
                "claimlink": {"task": "sentiment", "temperature": self.temperature,
                              "markers": self.markers.is_some(), "input": input},
            }),
        )
    }
}

/// What the head reads: the first piece's state beside the mean state of the target's
/// pieces (`types` 1), `[batch, 2 · hidden]`, with dropout in training.
pub(crate) fn head_features(hidden: &Tensor, types: &Tensor, train: bool) -> Tensor {
    let cls = hidden.select(1, 0);
    let marked = types.to_kind(Kind::Float).unsqueeze(-1);
    let count = marked
        .sum_dim_intlist([1i64].as_slice(), false, Kind::Float)
        .clamp_min(1.0);
    let target = (hidden * &marked).sum_dim_intlist([1i64].as_slice(), false, Kind::Float) / count;
    let features = Tensor::cat(&[cls, target], 1);
    if train {
        features.dropout(0.1, true)
    } else {
        features
    }
}

/// The model input for a target inside a sentence: `words` are the sentence's word ranges
/// in `chars`; `target` a character range. `None` when no word overlaps the target.
pub(crate) fn target_window(
    chars: &[char],
    words: &[CharRange],
    target: CharRange,
    marking: Marking<'_>,
) -> Option<Window> {
    Some(marking.window(chars, words, focus_of(words, target)?))
}

/// The words (in text order) that `target` overlaps; `None` when there are none.
pub(crate) fn focus_of(words: &[CharRange], target: CharRange) -> Option<WordRange> {
    let first = words.partition_point(|w| w.end <= target.start);
    let last = (first..words.len())
        .take_while(|&w| words[w].start < target.end)
        .filter(|&w| words[w].overlaps(target))
        .last()?;
    Some(WordRange::new(first, last + 1))
}

/// The most probable label and its probability.
pub fn best(probs: &[f32; 3]) -> (&'static str, f32) {
    let mut best = 0;
    for i in 1..3 {
        if probs[i] > probs[best] {
            best = i;
        }
    }
    (LABELS[best], probs[best])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::segment::tokenize;

    fn marking(pieces: &WordPiecer) -> Marking<'_> {
        Marking {
            pieces,
            max_len: 160,
            markers: None,
        }
    }

    #[test]
    fn markers_stand_around_the_target_and_nowhere_else() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/sentiment");
        let pieces = WordPiecer::from_dir(&dir).expect("tokenizer in models/sentiment");
        let [open, close] = SentimentModel::marker_pieces(&pieces).expect("single pieces");
        let text = "Investors praised Nvidia Corp but blamed Intel.";
        let chars: Vec<char> = text.chars().collect();
        let words = tokenize(&chars, 0, chars.len());
        let marked = Marking {
            markers: Some([open, close]),
            ..marking(&pieces)
        };
        let plain = target_window(&chars, &words, CharRange::new(18, 28), marking(&pieces))
            .expect("window");
        let window = target_window(&chars, &words, CharRange::new(18, 28), marked).expect("window");
        assert_eq!(window.len(), plain.len() + 2);
        let at = |id: u32| -> Vec<usize> {
            (0..window.len())
                .filter(|&i| window.ids[i] == i64::from(id))
                .collect()
        };
        let (opens, closes) = (at(open), at(close));
        assert_eq!((opens.len(), closes.len()), (1, 1));
        let typed: Vec<usize> = (0..window.len())
            .filter(|&i| window.types[i] == 1)
            .collect();
        // The open marker right before the first target piece, the close right after the last.
        assert_eq!(opens[0] + 1, typed[0]);
        assert_eq!(closes[0], typed[typed.len() - 1] + 1);
        assert_eq!((window.types[opens[0]], window.types[closes[0]]), (0, 0));
        // The word positions skip the markers: the same words, each still at its first piece.
        assert_eq!(window.words, plain.words);
        assert!(window
            .firsts
            .iter()
            .all(|&f| f != opens[0] && f != closes[0]));
        // A window with room for the target alone still holds both markers, and no
        // neighbour word pushed in beside them.
        let room = 4 + pieces.word("Nvidia").len();
        let tight = Marking {
            max_len: room,
            ..marked
        };
        let small = target_window(&chars, &words, CharRange::new(18, 24), tight).expect("window");
        assert_eq!(small.len(), room);
        assert_eq!(small.ids[1], i64::from(open));
        assert_eq!(small.ids[small.len() - 2], i64::from(close));
    }

    #[test]
    fn a_target_in_a_very_long_sentence_gets_the_window_the_whole_sentence_would_give() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/sentiment");
        let pieces = WordPiecer::from_dir(&dir).expect("tokenizer in models/sentiment");
        let text =
            "Shares of Contoso rose while Fabrikam fell and analysts said little. ".repeat(200);
        let chars: Vec<char> = text.chars().collect();
        let words = tokenize(&chars, 0, chars.len());
        let whole = encode_words(&chars, &words, &pieces);
        for marking in [marking(&pieces), marking(&pieces).at_most(48)] {
            for focus in [0, 1, 7, words.len() / 2, words.len() - 2, words.len() - 1] {
                let focus = WordRange::new(focus, focus + 1);
                let window = marking.window(&chars, &words, focus);
                let expected = marking.window_in(&whole, focus);
                assert_eq!(
                    (&window.ids, &window.types),
                    (&expected.ids, &expected.types)
                );
                assert!(window.len() <= marking.max_len);
            }
        }
        // The focus found by search is the one a scan finds.
        let target = words[601];
        let focus = focus_of(&words, CharRange::new(target.start + 1, target.end)).expect("focus");
        assert_eq!(focus, WordRange::new(601, 602));
        assert_eq!(
            focus_of(&words, CharRange::new(words[3].end, words[4].start)),
            None
        );
    }

    #[test]
    fn the_target_is_marked_and_only_the_target() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/sentiment");
        let pieces = WordPiecer::from_dir(&dir).expect("tokenizer in models/sentiment");
        let text = "Investors praised Nvidia but blamed Intel.";
        let chars: Vec<char> = text.chars().collect();
        let words = tokenize(&chars, 0, chars.len());
        let nvidia = target_window(&chars, &words, CharRange::new(18, 24), marking(&pieces))
            .expect("window");
        let intel = target_window(&chars, &words, CharRange::new(36, 41), marking(&pieces))
            .expect("window");
        assert_eq!(nvidia.ids, intel.ids, "same sentence, same pieces");
        assert_ne!(nvidia.types, intel.types, "different marks");
        let marked = |w: &Window| -> Vec<i64> {
            w.ids
                .iter()
                .zip(&w.types)
                .filter(|(_, &t)| t == 1)
                .map(|(&i, _)| i)
                .collect()
        };
        assert_eq!(
            marked(&nvidia),
            pieces
                .word("Nvidia")
                .iter()
                .map(|&p| i64::from(p))
                .collect::<Vec<_>>()
        );
        assert!(
            target_window(&chars, &words, CharRange::new(11, 12), marking(&pieces)).is_some(),
            "inside a word"
        );
        assert!(
            target_window(&chars, &words, CharRange::new(9, 10), marking(&pieces)).is_none(),
            "a space"
        );
        assert!(target_window(&chars, &words, CharRange::new(41, 41), marking(&pieces)).is_none());
    }
}
