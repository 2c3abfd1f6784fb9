//! The pipeline over a batch of articles: normalise → segment → NER → record.
//!
//! CPU stages run per article on the rayon pool; the model sees the windows of all articles
//! of the batch at once, sorted by length, which is where transformer throughput comes from.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use rayon::prelude::*;

use crate::doc::{Article, CharIndex, Span};
use crate::error::Result;
use crate::model::ner::{per_sentence, NerModel, WordTag};
use crate::model::sentiment::{best, target_window, SentimentModel};
use crate::model::window::{pack, EncodedWord, Window};
use crate::model::wordpiece::{casing, WordPiecer};
use crate::record::{Entity, Record, Sentiment, Target, SCHEMA};
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
    sentiment: Option<SentimentModel>,
    pub options: Options,
}

impl Pipeline {
    /// Loads the model folders under `models` (`ner` required, `sentiment` when present);
    /// word embeddings they leave out come from the base encoder in `base`.
    pub fn load(models: &Path, base: &Path, options: Options) -> Result<Self> {
        let sentiment_dir = models.join("sentiment");
        let sentiment = if sentiment_dir.join("config.json").is_file() {
            Some(SentimentModel::load(&sentiment_dir, base)?)
        } else {
            None
        };
        Ok(Pipeline {
            ner: NerModel::load(&models.join("ner"), base)?,
            sentiment,
            options,
        })
    }

    pub fn has_sentiment(&self) -> bool {
        self.sentiment.is_some()
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
        let mut targets = self.target_sentiments(articles, &prepared)?.into_iter();
        let mut out = Vec::with_capacity(articles.len());
        for (article, prepared) in articles.iter().zip(&prepared) {
            let targets = targets.next().flatten();
            let result = match prepared {
                Ok(p) => {
                    let tags: Vec<Vec<WordTag>> =
                        predicted.by_ref().take(p.windows.len()).collect();
                    guard(|| self.assemble(article, p, &tags)).map(|mut a| {
                        a.record.targets = targets;
                        a
                    })
                }
                Err(e) => Err(e.clone()),
            };
            out.push(result);
        }
        Ok(out)
    }

    /// Sentiment toward the targets the input named, batched across articles.
    fn target_sentiments(
        &self,
        articles: &[Article],
        prepared: &[std::result::Result<Prepared, String>],
    ) -> Result<Vec<Option<Vec<Target>>>> {
        let mut windows: Vec<Window> = Vec::new();
        // Per article and target: the index of its window, if it has one.
        let mut slots: Vec<Option<Vec<(Span, Option<usize>)>>> = Vec::new();
        for (article, p) in articles.iter().zip(prepared) {
            let (Some(targets), Ok(p)) = (&article.targets, p) else {
                slots.push(None);
                continue;
            };
            let index = CharIndex::new(&article.text);
            let mut list = Vec::with_capacity(targets.len());
            for &(start, end) in targets {
                let Some(span) = index.span(&article.text, start, end) else {
                    continue;
                };
                let window = self.sentiment.as_ref().and_then(|model| {
                    let (s, e) = p.normalized.from_original(start, end)?;
                    let sentence = p.sentences.iter().find(|x| x.start < e && s < x.end)?;
                    target_window(
                        &p.normalized.chars,
                        &sentence.words,
                        (s, e),
                        model.pieces(),
                        model.max_len(),
                    )
                });
                let slot = window.map(|w| {
                    windows.push(w);
                    windows.len() - 1
                });
                list.push((span, slot));
            }
            slots.push(Some(list));
        }
        let probs = match &self.sentiment {
            Some(model) if !windows.is_empty() => {
                let refs: Vec<&Window> = windows.iter().collect();
                model.predict(&refs, self.options.batch_tokens)?
            }
            _ => Vec::new(),
        };
        Ok(slots
            .into_iter()
            .map(|list| {
                list.map(|items| {
                    items
                        .into_iter()
                        .map(|(span, slot)| Target {
                            sentiment: slot.and_then(|i| probs.get(i)).map(|p| {
                                let (label, score) = best(p);
                                Sentiment {
                                    label: label.to_string(),
                                    score: round3(score),
                                }
                            }),
                            text: span.text,
                            start: span.start,
                            end: span.end,
                        })
                        .collect()
                })
            })
            .collect())
    }

    fn assemble(&self, article: &Article, p: &Prepared, tags: &[Vec<WordTag>]) -> Annotated {
        let lens: Vec<usize> = p.sentences.iter().map(|s| s.words.len()).collect();
        let per_sentence = per_sentence(
            p.windows.iter().zip(tags).map(|(w, t)| (w, t.as_slice())),
            &lens,
        );
        let index = CharIndex::new(&article.text);
        let mut entities = Vec::new();
        let mut mentions = Vec::new();
        for (sentence, word_tags) in p.sentences.iter().zip(&per_sentence) {
            let path: Vec<usize> = word_tags.iter().map(|t| t.tag).collect();
            for span in self.ner.tags.spans(&path) {
                let start = sentence.words[span.start].0;
                let end = sentence.words[span.end - 1].1;
                mentions.push(claims::EntityMention {
                    start,
                    end,
                    label: self.ner.tags.types[span.kind].clone(),
                });
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
                    score: round3(score),
                    company: None,
                });
            }
        }
        let found = claims::extract_claims(&p.normalized.chars, &p.sentences, &mentions);
        let claims = claims::to_wire(&found, &article.text, &index, &p.normalized, &p.sentences);
        Annotated {
            record: Record {
                id: article.id.clone(),
                schema: SCHEMA,
                entities,
                claims,
                companies: Vec::new(),
                targets: None,
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

/// Scores are written with three decimals: more is noise, and lines stay short.
fn round3(x: f32) -> f32 {
    (x * 1000.0).round() / 1000.0
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
