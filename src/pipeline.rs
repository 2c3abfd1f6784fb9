//! The pipeline over a batch of articles: normalise → segment → NER → record.
//!
//! CPU stages run per article on the rayon pool; the model sees the windows of all articles
//! of the batch at once, sorted by length, which is where transformer throughput comes from.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use rayon::prelude::*;

use crate::doc::{Article, CharIndex};
use crate::error::Result;
use crate::model::ner::{per_sentence, NerModel, WordTag};
use crate::model::window::{pack, EncodedWord, Window};
use crate::model::wordpiece::{casing, WordPiecer};
use crate::record::{Entity, Record, SCHEMA};
use crate::text::{segment, Markup, Normalized, Sentence};

#[derive(Debug, Clone)]
pub struct Options {
    pub markup: Markup,
    /// Most padded pieces in one model batch.
    pub batch_tokens: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            markup: Markup::Markdown,
            batch_tokens: 4096,
        }
    }
}

/// An annotated article and how many words it had.
#[derive(Debug, Clone)]
pub struct Annotated {
    pub record: Record,
    pub words: usize,
}

/// What an article looks like after the CPU stages.
struct Prepared {
    normalized: Normalized,
    sentences: Vec<Sentence>,
    windows: Vec<Window>,
}

pub struct Pipeline {
    ner: NerModel,
    pub options: Options,
}

impl Pipeline {
    /// Loads the NER model folder; word embeddings it leaves out come from `base`.
    pub fn load(ner_dir: &Path, base: &Path, options: Options) -> Result<Self> {
        Ok(Pipeline {
            ner: NerModel::load(ner_dir, base)?,
            options,
        })
    }

    /// Annotates articles; an article whose processing panics gets an `Err` with the
    /// reason, the others are unaffected.
    pub fn annotate(
        &self,
        articles: &[Article],
    ) -> Result<Vec<std::result::Result<Annotated, String>>> {
        let pieces = self.ner.pieces();
        let (markup, max_len) = (self.options.markup, self.ner.max_len());
        let prepared: Vec<std::result::Result<Prepared, String>> = articles
            .par_iter()
            .map(|a| guard(|| prepare(&a.text, markup, pieces, max_len)))
            .collect();
        let windows: Vec<&Window> = prepared
            .iter()
            .flat_map(|p| p.iter().flat_map(|p| p.windows.iter()))
            .collect();
        let mut predicted = self
            .ner
            .predict(&windows, self.options.batch_tokens)?
            .into_iter();
        let mut out = Vec::with_capacity(articles.len());
        for (article, prepared) in articles.iter().zip(&prepared) {
            let result = match prepared {
                Ok(p) => {
                    let tags: Vec<Vec<WordTag>> =
                        predicted.by_ref().take(p.windows.len()).collect();
                    guard(|| self.assemble(article, p, &tags))
                }
                Err(e) => Err(e.clone()),
            };
            out.push(result);
        }
        Ok(out)
    }

    fn assemble(&self, article: &Article, p: &Prepared, tags: &[Vec<WordTag>]) -> Annotated {
        let lens: Vec<usize> = p.sentences.iter().map(|s| s.words.len()).collect();
        let per_sentence = per_sentence(
            p.windows.iter().zip(tags).map(|(w, t)| (w, t.as_slice())),
            &lens,
        );
        let index = CharIndex::new(&article.text);
        let mut entities = Vec::new();
        for (sentence, word_tags) in p.sentences.iter().zip(&per_sentence) {
            let path: Vec<usize> = word_tags.iter().map(|t| t.tag).collect();
            for span in self.ner.tags.spans(&path) {
                let start = sentence.words[span.start].0;
                let end = sentence.words[span.end - 1].1;
                let Some((s, e)) = p.normalized.to_original(start, end) else {
                    continue;
                };
                let Some(located) = index.span(&article.text, s, e) else {
                    continue;
                };
                let probs = &word_tags[span.start..span.end];
                let score = probs.iter().map(|t| t.prob).sum::<f32>() / probs.len() as f32;
                entities.push(Entity {
                    text: located.text,
                    label: self.ner.tags.types[span.kind].clone(),
                    start: located.start,
                    end: located.end,
                    score: (score * 1000.0).round() / 1000.0,
                    company: None,
                });
            }
        }
        Annotated {
            record: Record {
                id: article.id.clone(),
                schema: SCHEMA,
                entities,
                claims: Vec::new(),
                companies: Vec::new(),
            },
            words: lens.iter().sum(),
        }
    }
}

fn prepare(text: &str, markup: Markup, pieces: &WordPiecer, max_len: usize) -> Prepared {
    let normalized = Normalized::new(text, markup);
    let sentences = segment(&normalized.chars);
    let encoded: Vec<Vec<EncodedWord>> = sentences
        .iter()
        .map(|s| {
            s.words
                .iter()
                .map(|&(a, b)| {
                    let word = normalized.text(a, b);
                    EncodedWord {
                        pieces: pieces.word(&word),
                        casing: casing(&word),
                    }
                })
                .collect()
        })
        .collect();
    let windows = pack(&encoded, max_len, pieces);
    Prepared {
        normalized,
        sentences,
        windows,
    }
}

/// Runs `f`, turning a panic into an error message so one article cannot end a run.
fn guard<T>(f: impl FnOnce() -> T) -> std::result::Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        format!("internal error while processing this article: {what}")
    })
}
