//! Packing sentences into encoder windows and windows into padded batches.
//!
//! Consecutive sentences of one document share a window (up to `max_len` pieces), so each
//! sentence is encoded with its neighbours as context at no extra cost; a longer sentence
//! is cut at word boundaries. Batches group windows of one padded length to cut padding.

use tch::Tensor;

use crate::model::encoder::Batch;
use crate::model::wordpiece::{casing, WordPiecer};
use crate::range::{CharRange, WordRange};

/// A word as the encoder sees it.
#[derive(Debug, Clone)]
pub struct EncodedWord {
    pub pieces: Vec<u32>,
    pub casing: u8,
}

impl EncodedWord {
    pub fn new(word: &str, pieces: &WordPiecer) -> Self {
        EncodedWord {
            pieces: pieces.word(word),
            casing: casing(word),
        }
    }
}

/// The words `[start, end)` of `chars`, as the encoder sees them.
pub fn encode_words(chars: &[char], words: &[CharRange], pieces: &WordPiecer) -> Vec<EncodedWord> {
    words
        .iter()
        .map(|w| EncodedWord::new(&chars[w.start..w.end].iter().collect::<String>(), pieces))
        .collect()
}

/// One encoder input: `[CLS] pieces… [SEP]`, with the position of every word's first piece.
#[derive(Debug, Clone)]
pub struct Window {
    pub ids: Vec<i64>,
    pub casing: Vec<i64>,
    /// Segment ids: 1 marks the pieces of a target span (sentiment), 0 elsewhere.
    pub types: Vec<i64>,
    /// Position in `ids` of the first piece of each word.
    pub firsts: Vec<usize>,
    /// `(sentence, word)` of each word, indices into what `pack` was given.
    pub words: Vec<(usize, usize)>,
}

impl Window {
    fn new(pieces: &WordPiecer) -> Self {
        Window {
            ids: vec![i64::from(pieces.cls)],
            casing: vec![0],
            types: vec![0],
            firsts: Vec::new(),
            words: Vec::new(),
        }
    }

    fn push(&mut self, word: &EncodedWord, at: (usize, usize), segment: i64) {
        self.firsts.push(self.ids.len());
        self.words.push(at);
        for &p in &word.pieces {
            self.ids.push(i64::from(p));
            self.casing.push(i64::from(word.casing));
            self.types.push(segment);
        }
    }

    /// A piece that is no word (a target marker): punctuation casing, segment 0.
    fn push_marker(&mut self, piece: u32) {
        self.ids.push(i64::from(piece));
        self.casing.push(i64::from(casing("<")));
        self.types.push(0);
    }

    fn finish(mut self, pieces: &WordPiecer) -> Self {
        self.ids.push(i64::from(pieces.sep));
        self.casing.push(0);
        self.types.push(0);
        self
    }

    /// One sentence around a target: the words `focus` (marked with segment id 1) and as
    /// many words on either side as fit in `max_len` pieces. With `markers`, the open and
    /// close pieces stand around the focus too (segment id 0, not words), so the encoder
    /// also sees the target's bounds in the text.
    pub(crate) fn around(
        words: &[EncodedWord],
        focus: WordRange,
        max_len: usize,
        pieces: &WordPiecer,
        markers: Option<[u32; 2]>,
    ) -> Window {
        let markers = markers.filter(|_| !focus.is_empty() && focus.start < words.len());
        let budget = max_len.saturating_sub(2 + if markers.is_some() { 2 } else { 0 });
        let size = |w: usize| words[w].pieces.len();
        let (mut lo, mut hi) = (focus.start.min(words.len()), focus.end.min(words.len()));
        let mut used: usize = (lo..hi).map(size).sum();
        loop {
            let mut grew = false;
            if lo > 0 && used + size(lo - 1) <= budget {
                lo -= 1;
                used += size(lo);
                grew = true;
            }
            if hi < words.len() && used + size(hi) <= budget {
                used += size(hi);
                hi += 1;
                grew = true;
            }
            if !grew {
                break;
            }
        }
        let mut window = Window::new(pieces);
        for (w, word) in words.iter().enumerate().take(hi).skip(lo) {
            let segment = i64::from(focus.start <= w && w < focus.end);
            if let (Some([open, _]), true) = (markers, w == focus.start) {
                window.push_marker(open);
            }
            window.push(word, (0, w), segment);
            if let (Some([_, close]), true) = (markers, w + 1 == focus.end.min(hi)) {
                window.push_marker(close);
            }
            if window.len() > budget + 1 {
                break;
            }
        }
        window.finish(pieces)
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

fn pieces_of(sentence: &[EncodedWord]) -> usize {
    sentence.iter().map(|w| w.pieces.len()).sum()
}

/// Packs the sentences of one document into windows of at most `max_len` pieces.
pub fn pack(sentences: &[Vec<EncodedWord>], max_len: usize, pieces: &WordPiecer) -> Vec<Window> {
    let budget = max_len.saturating_sub(2).max(1);
    let mut windows = Vec::new();
    let mut current = Window::new(pieces);
    for (s, sentence) in sentences.iter().enumerate() {
        if sentence.is_empty() {
            continue;
        }
        let fits = current.len() - 1 + pieces_of(sentence) <= budget;
        if !fits && !current.is_empty() {
            windows.push(std::mem::replace(&mut current, Window::new(pieces)).finish(pieces));
        }
        for (w, word) in sentence.iter().enumerate() {
            if current.len() - 1 + word.pieces.len() > budget && !current.is_empty() {
                windows.push(std::mem::replace(&mut current, Window::new(pieces)).finish(pieces));
            }
            current.push(word, (s, w), 0);
        }
    }
    if !current.is_empty() {
        windows.push(current.finish(pieces));
    }
    windows
}

/// Windows are padded to a multiple of this many pieces, whatever batch they land in: a
/// window's padded length then depends on the window alone, so its numbers do not depend
/// on its batch-mates (in bf16 the order of a sum over padding shows in the result).
pub(crate) const PAD_MULTIPLE: usize = 4;

/// The padded length of a window of `len` pieces.
pub(crate) fn padded_len(len: usize) -> usize {
    len.div_ceil(PAD_MULTIPLE) * PAD_MULTIPLE
}

/// Groups window indices into batches of windows with the same padded length, each at most
/// `max_tokens` padded pieces, in order of increasing length.
pub(crate) fn plan_batches(windows: &[&Window], max_tokens: usize) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..windows.len()).collect();
    order.sort_by_key(|&i| windows[i].len());
    let mut batches: Vec<Vec<usize>> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    for i in order {
        let padded = padded_len(windows[i].len());
        let other_length = current
            .first()
            .is_some_and(|&f| padded_len(windows[f].len()) != padded);
        if !current.is_empty() && ((current.len() + 1) * padded > max_tokens || other_length) {
            batches.push(std::mem::take(&mut current));
        }
        current.push(i);
    }
    if !current.is_empty() {
        batches.push(current);
    }
    batches
}

/// Pads windows into one batch (pad id 0, mask 0), to the padded length of the longest.
pub(crate) fn to_batch(windows: &[&Window]) -> Batch {
    let longest = padded_len(windows.iter().map(|w| w.len()).max().unwrap_or(0));
    let n = windows.len();
    let mut ids = vec![0i64; n * longest];
    let mut casing = vec![0i64; n * longest];
    let mut types = vec![0i64; n * longest];
    let mut mask = vec![0i64; n * longest];
    for (b, w) in windows.iter().enumerate() {
        let row = b * longest;
        ids[row..row + w.len()].copy_from_slice(&w.ids);
        casing[row..row + w.len()].copy_from_slice(&w.casing);
        types[row..row + w.len()].copy_from_slice(&w.types);
        mask[row..row + w.len()].fill(1);
    }
    let shape = [n as i64, longest as i64];
    Batch {
        ids: Tensor::from_slice(&ids).view(shape),
        casing: Tensor::from_slice(&casing).view(shape),
        types: Tensor::from_slice(&types).view(shape),
        mask: Tensor::from_slice(&mask).view(shape),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(len: usize) -> Window {
        Window {
            ids: vec![1; len],
            casing: vec![0; len],
            types: vec![0; len],
            firsts: Vec::new(),
            words: Vec::new(),
        }
    }

    #[test]
    fn batches_hold_one_padded_length_within_the_token_budget() {
        let windows: Vec<Window> = [40, 10, 12, 13, 10, 11, 12, 12, 16, 7]
            .into_iter()
            .map(window)
            .collect();
        let refs: Vec<&Window> = windows.iter().collect();
        let lens = |batches: Vec<Vec<usize>>| -> Vec<Vec<usize>> {
            (batches.into_iter())
                .map(|b| b.into_iter().map(|i| windows[i].len()).collect())
                .collect()
        };
        // 7 pads to 8, 10..=12 to 12, 13..=16 to 16, 40 stays.
        assert_eq!(
            lens(plan_batches(&refs, 1000)),
            [
                vec![7],
                vec![10, 10, 11, 12, 12, 12],
                vec![13, 16],
                vec![40]
            ]
        );
        // The budget: at most 36 padded pieces, so three windows padded to 12.
        assert_eq!(
            lens(plan_batches(&refs, 36)),
            [
                vec![7],
                vec![10, 10, 11],
                vec![12, 12, 12],
                vec![13, 16],
                vec![40]
            ]
        );
    }

    #[test]
    fn a_window_is_padded_to_the_same_length_whatever_its_batch() {
        let windows: Vec<Window> = [9, 14, 11, 3, 12].into_iter().map(window).collect();
        let refs: Vec<&Window> = windows.iter().collect();
        for budget in [1, 24, 1000] {
            for batch in plan_batches(&refs, budget) {
                let members: Vec<&Window> = batch.iter().map(|&i| refs[i]).collect();
                let padded = to_batch(&members).ids.size()[1] as usize;
                for w in members {
                    assert_eq!(padded, padded_len(w.len()), "budget {budget}");
                }
            }
        }
        assert_eq!((padded_len(12), padded_len(13)), (12, 16));
    }
}
