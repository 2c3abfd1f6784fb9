//! BIO tag sets and constrained decoding: the decoder never emits `I-X` after anything but
//! `B-X` or `I-X`, so every output is a valid entity sequence.

use std::path::Path;

use crate::error::{Error, Result};

/// The labels of a token classifier's `config.json` (`id2label`), in id order.
pub(crate) fn labels_from_config(dir: &Path, raw: &serde_json::Value) -> Result<Vec<String>> {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tag {
    Outside,
    Begin(usize),
    Inside(usize),
}

/// A word-level entity: words `[start, end)` of one sequence with an entity type index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct WordSpan {
    pub start: usize,
    pub end: usize,
    pub kind: usize,
}

#[derive(Debug, Clone)]
pub(crate) struct TagSet {
    pub labels: Vec<String>,
    pub types: Vec<String>,
    tags: Vec<Tag>,
}

impl TagSet {
    /// The CoNLL-2003 set, `O` first.
    pub(crate) fn conll() -> Self {
        let labels = [
            "O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC",
        ];
        Self::from_labels(labels.iter().map(|s| s.to_string()).collect())
            .expect("the CoNLL label set is valid")
    }

    /// Parses IOB2 labels (`O`, `B-X`, `I-X`); every `I-X` needs its `B-X`.
    pub(crate) fn from_labels(labels: Vec<String>) -> Result<Self> {
        let mut types: Vec<String> = Vec::new();
        let mut tags = Vec::with_capacity(labels.len());
        for label in &labels {
            let tag = if label == "O" {
                Tag::Outside
            } else if let Some((prefix, kind)) = label.split_once('-') {
                let index = match types.iter().position(|t| t == kind) {
                    Some(i) => i,
                    None => {
                        types.push(kind.to_string());
                        types.len() - 1
                    }
                };
                match prefix {
                    "B" => Tag::Begin(index),
                    "I" => Tag::Inside(index),
                    _ => return Err(Error::Invalid(format!("unsupported tag {label:?}"))),
                }
            } else {
                return Err(Error::Invalid(format!("unsupported tag {label:?}")));
            };
            tags.push(tag);
        }
        for (kind, name) in types.iter().enumerate() {
            if !tags.contains(&Tag::Begin(kind)) {
                return Err(Error::Invalid(format!("tag set has no B-{name}")));
            }
        }
        if !tags.contains(&Tag::Outside) {
            return Err(Error::Invalid("tag set has no O".into()));
        }
        Ok(TagSet {
            labels,
            types,
            tags,
        })
    }

    pub(crate) fn len(&self) -> usize {
        self.tags.len()
    }

    pub(crate) fn index(&self, label: &str) -> Option<usize> {
        self.labels.iter().position(|l| l == label)
    }

    fn allowed(&self, prev: Option<usize>, next: usize) -> bool {
        match self.tags[next] {
            Tag::Inside(kind) => prev.is_some_and(
                |p| matches!(self.tags[p], Tag::Begin(k) | Tag::Inside(k) if k == kind),
            ),
            _ => true,
        }
    }

    /// Best valid tag path under per-word log-probabilities `logp[word][tag]`.
    pub(crate) fn viterbi(&self, logp: &[Vec<f32>]) -> Vec<usize> {
        let n = self.len();
        if logp.is_empty() {
            return Vec::new();
        }
        let mut score: Vec<f32> = (0..n)
            .map(|t| {
                if self.allowed(None, t) {
                    logp[0][t]
                } else {
                    f32::NEG_INFINITY
                }
            })
            .collect();
        let mut back: Vec<Vec<usize>> = Vec::with_capacity(logp.len());
        for row in &logp[1..] {
            let mut next = vec![f32::NEG_INFINITY; n];
            let mut from = vec![0usize; n];
            for t in 0..n {
                for (p, &s) in score.iter().enumerate() {
                    if s > f32::NEG_INFINITY && self.allowed(Some(p), t) && s + row[t] > next[t] {
                        next[t] = s + row[t];
                        from[t] = p;
                    }
                }
            }
            back.push(from);
            score = next;
        }
        let mut best = (0..n)
            .max_by(|&a, &b| score[a].total_cmp(&score[b]))
            .unwrap_or(0);
        let mut path = vec![best; logp.len()];
        for (i, from) in back.iter().enumerate().rev() {
            best = from[best];
            path[i] = best;
        }
        path
    }

    /// Entities of a tag sequence; a stray `I-X` (only in gold data) opens an entity.
    pub(crate) fn spans(&self, path: &[usize]) -> Vec<WordSpan> {
        let mut spans = Vec::new();
        let mut open: Option<WordSpan> = None;
        for (i, &t) in path.iter().enumerate() {
            let tag = self.tags[t];
            let continues = matches!((open, tag), (Some(s), Tag::Inside(k)) if s.kind == k);
            if continues {
                continue;
            }
            if let Some(mut s) = open.take() {
                s.end = i;
                spans.push(s);
            }
            if let Tag::Begin(kind) | Tag::Inside(kind) = tag {
                open = Some(WordSpan {
                    start: i,
                    end: i,
                    kind,
                });
            }
        }
        if let Some(mut s) = open {
            s.end = path.len();
            spans.push(s);
        }
        spans
    }
}

/// A decoded word: tag index into the model's `TagSet` and the model's probability of it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct WordTag {
    pub tag: usize,
    pub prob: f32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viterbi_never_starts_with_inside() {
        let tags = TagSet::conll();
        let o = tags.index("O").expect("O");
        let i_org = tags.index("I-ORG").expect("I-ORG");
        let b_org = tags.index("B-ORG").expect("B-ORG");
        // Greedy would pick I-ORG, I-ORG; the valid best path is B-ORG, I-ORG.
        let mut row = vec![-5.0f32; tags.len()];
        row[i_org] = -0.1;
        row[b_org] = -0.5;
        row[o] = -3.0;
        let path = tags.viterbi(&[row.clone(), row]);
        assert_eq!(path, vec![b_org, i_org]);
    }

    #[test]
    fn spans_from_paths() {
        let tags = TagSet::conll();
        let ix = |l: &str| tags.index(l).expect("label");
        let path = [
            ix("B-PER"),
            ix("I-PER"),
            ix("O"),
            ix("B-ORG"),
            ix("B-ORG"),
            ix("I-LOC"),
        ];
        let spans = tags.spans(&path);
        let kinds: Vec<(usize, usize, &str)> = spans
            .iter()
            .map(|s| (s.start, s.end, tags.types[s.kind].as_str()))
            .collect();
        assert_eq!(
            kinds,
            vec![(0, 2, "PER"), (3, 4, "ORG"), (4, 5, "ORG"), (5, 6, "LOC")]
        );
    }

    #[test]
    fn rejects_inside_without_begin() {
        assert!(TagSet::from_labels(vec!["O".into(), "I-X".into()]).is_err());
    }
}
