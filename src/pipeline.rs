//! The pipeline over a batch of articles, as a table of contents: text (normalise,
//! segment) → one encoder pass (NER and attribution tags) → mentions → claims →
//! sentiment → record. Each stage is a function over `&mut Document` in its own module;
//! the model stages are split into predicting (here, over the windows of the whole
//! batch at once, sorted by length, which is where transformer throughput comes from) and
//! setting the annotations (in the stage's module).
//!
//! CPU stages run per article on the rayon pool. An article whose processing panics gets
//! an error of its own; the others are unaffected.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::claims::rank::TargetRanker;
use crate::claims::{self, Indirect};
use crate::companies::tickers::move_speakers;
use crate::companies::KnowledgeBase;
use crate::doc::{Article, Document};
use crate::error::Result;
use crate::mentions;
use crate::model::attribution::{role_spans, AttributionModel};
use crate::model::meter::Usage;
use crate::model::ner::{per_sentence, NerModel, WordTag};
use crate::model::precision::Precision;
use crate::model::sentiment::SentimentModel;
use crate::model::tags::TagSet;
use crate::model::window::{encode_words, pack, EncodedWord, Window};
use crate::model::wordpiece::WordPiecer;
use crate::record::Record;
use crate::sentiment::{self, Request};
use crate::text::Markup;

/// The target ranker's weights under the models folder.
pub const RANKER_FILE: &str = "target/ranker.json";

#[derive(Debug, Clone)]
/// How the pipeline runs.
pub struct Options {
    /// The markup of input texts (an `.html` file's own overrides it).
    pub markup: Markup,
    /// Most padded pieces in one model batch; `None`: the precision's own default
    /// ([`Precision::batch_tokens`]).
    pub batch_tokens: Option<usize>,
    /// Where indirect claims come from.
    pub roles: Roles,
    /// What the encoders compute in; by default bf16 on a CPU with AMX, f32 elsewhere (see
    /// [`Precision`]).
    pub precision: Precision,
    /// Also write each company entity mention's own sentiment (`entities[].sentiment`);
    /// the company aggregates are built from those answers either way.
    pub mention_sentiment: bool,
    /// The company knowledge base file; `None` is `companies.json` in the models folder,
    /// used when present.
    pub companies: Option<PathBuf>,
    /// Write the article text into the record (`run --with-text`).
    pub with_text: bool,
    /// Choose direct claims' targets with the learned ranker (`models/target/ranker.json`)
    /// when it is installed; `false` keeps the rules' targets (what the ranker is trained on).
    pub rank_targets: bool,
}

/// The source of the role spans (source, cue, content) behind indirect claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Roles {
    /// The attribution head (`models/attribution`); no indirect claims without it.
    Head,
    /// The rule baseline (`claims::indirect::rule_roles`).
    Rules,
    /// No indirect claims.
    Off,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            markup: Markup::Markdown,
            batch_tokens: None,
            roles: Roles::Head,
            precision: Precision::for_this_cpu(),
            mention_sentiment: false,
            companies: None,
            with_text: false,
            rank_targets: true,
        }
    }
}

/// An annotated article and how many words it had.
#[derive(Debug, Clone)]
pub struct Annotated {
    /// The article's record.
    pub record: Record,
    /// Words the article had.
    pub words: usize,
}

/// An article's outcome: its annotations, or why it could not be processed.
pub(crate) type Outcome = std::result::Result<Annotated, String>;

/// A document and the model windows its sentences were packed into.
struct Prepared {
    doc: Document,
    windows: Vec<Window>,
}

/// A model's tag of every word of every sentence of one document.
type SentenceTags = Vec<Vec<WordTag>>;

/// The loaded models and knowledge base; `annotate` runs the stages over a batch.
pub struct Pipeline {
    ner: NerModel,
    /// Reads the NER encoder at an inner layer: one encoder pass serves both.
    attribution: Option<AttributionModel>,
    companies: KnowledgeBase,
    /// The learned target choice, when installed and asked for.
    ranker: Option<TargetRanker>,
    sentiment: Option<SentimentModel>,
    /// Digest of the model folder, written into every record.
    models: String,
    /// How it runs.
    pub options: Options,
    /// Most padded pieces in one model batch (`options.batch_tokens` decided).
    batch_tokens: usize,
}

impl Pipeline {
    /// Loads the model folders under `models` (`ner` required; `attribution`, `sentiment`
    /// and the company knowledge base `companies.json` when present, or the one
    /// `options.companies` names, which must be there); word embeddings they leave out come
    /// from the base encoder in `base`.
    pub fn load(models: &Path, base: &Path, options: Options) -> Result<Self> {
        let companies = match &options.companies {
            Some(path) => KnowledgeBase::load(path)?,
            None if models.join("companies.json").is_file() => {
                KnowledgeBase::load(&models.join("companies.json"))?
            }
            None => KnowledgeBase::default(),
        };
        let ranker_file = models.join(RANKER_FILE);
        let ranker = if options.rank_targets && ranker_file.is_file() {
            Some(TargetRanker::load(&ranker_file)?)
        } else {
            None
        };
        let sentiment_dir = models.join("sentiment");
        let mut sentiment = if sentiment_dir.join("config.json").is_file() {
            Some(SentimentModel::load(&sentiment_dir, base)?)
        } else {
            None
        };
        let attribution_dir = models.join("attribution");
        let mut attribution = if attribution_dir.join("config.json").is_file() {
            Some(AttributionModel::load(
                &attribution_dir,
                &models.join("ner"),
            )?)
        } else {
            None
        };
        let mut ner = NerModel::load(&models.join("ner"), base)?;
        let precision = options.precision;
        let batch_tokens = options.batch_tokens.unwrap_or(precision.batch_tokens());
        ner.base.prepare(precision)?;
        if let Some(head) = &mut attribution {
            head.prepare(precision)?;
        }
        if let Some(model) = &mut sentiment {
            model.base.prepare(precision)?;
        }
        Ok(Pipeline {
            ner,
            attribution,
            companies,
            ranker,
            sentiment,
            models: models_digest(models, precision)?,
            options,
            batch_tokens,
        })
    }

    /// What the encoders compute in.
    pub fn precision(&self) -> Precision {
        self.options.precision
    }

    /// The company knowledge base the pipeline links mentions with.
    pub fn companies(&self) -> &KnowledgeBase {
        &self.companies
    }

    /// What each model stage has done so far: the shared encoder pass with the NER and
    /// attribution heads, and the sentiment model.
    pub fn usage(&self) -> Vec<(&'static str, Usage)> {
        let mut stages = vec![(
            if self.attribution.is_some() {
                "ner+attribution"
            } else {
                "ner"
            },
            self.ner.base.meter.usage(),
        )];
        if let Some(model) = &self.sentiment {
            stages.push(("sentiment", model.base.meter.usage()));
        }
        stages
    }

    /// Hidden and feed-forward widths of the encoder (for the matmul bound).
    pub(crate) fn encoder_shape(&self) -> (usize, usize) {
        (self.ner.base.hidden as usize, self.ner.base.ffn)
    }

    /// Whether a sentiment model is loaded.
    pub(crate) fn has_sentiment(&self) -> bool {
        self.sentiment.is_some()
    }

    /// Annotates articles, in order.
    pub fn annotate(&self, articles: &[Article]) -> Result<Vec<Outcome>> {
        let mut docs = self.documents(articles)?;
        self.add_sentiment(&mut docs)?;
        let (companies, models) = (&self.companies, self.models.as_str());
        let options = &self.options;
        Ok(docs
            .into_par_iter()
            .map(|doc| {
                let doc = doc?;
                guard(|| Annotated {
                    record: record(&doc, companies, models, options),
                    words: doc.word_count(),
                })
            })
            .collect())
    }

    /// The documents of `articles` through every stage before sentiment, in order.
    pub(crate) fn documents(
        &self,
        articles: &[Article],
    ) -> Result<Vec<std::result::Result<Document, String>>> {
        let (markup, pieces) = (self.options.markup, &self.ner.base.pieces);
        let max_len = self.ner.base.max_len;
        let prepared: Vec<std::result::Result<Prepared, String>> = articles
            .par_iter()
            .map(|a| guard(|| prepare(a, markup, pieces, max_len)))
            .collect();
        let tags = self.tag_words(&prepared)?;
        let stages = self.cpu_stages();
        Ok((prepared.into_par_iter())
            .zip(tags)
            .map(|(p, (ner, roles))| p.and_then(|p| guard(|| stages.run(p.doc, &ner, &roles))))
            .collect())
    }

    /// One encoder pass over the windows of every article: each article's NER tags and
    /// attribution tags (empty without the head) per sentence.
    fn tag_words(
        &self,
        prepared: &[std::result::Result<Prepared, String>],
    ) -> Result<Vec<(SentenceTags, SentenceTags)>> {
        let windows: Vec<&Window> = (prepared.iter().flatten())
            .flat_map(|p| p.windows.iter())
            .collect();
        let head = (self.attribution.as_ref()).filter(|_| self.options.roles == Roles::Head);
        let (entities, roles) = self.ner.predict_with(&windows, self.batch_tokens, head)?;
        let (mut entities, mut roles) = (entities.into_iter(), roles.into_iter());
        let mut out = Vec::with_capacity(prepared.len());
        for p in prepared {
            let Ok(p) = p else {
                out.push(Default::default());
                continue;
            };
            let n = p.windows.len();
            let entities: SentenceTags = entities.by_ref().take(n).collect();
            let roles: SentenceTags = roles.by_ref().take(n).collect();
            let by_sentence = |tags: &SentenceTags| {
                let lens: Vec<usize> = p.doc.sentences.iter().map(|s| s.words.len()).collect();
                per_sentence(p.windows.iter().zip(tags.iter().map(Vec::as_slice)), &lens)
            };
            let roles = if roles.len() == n && head.is_some() {
                by_sentence(&roles)
            } else {
                Vec::new()
            };
            out.push((by_sentence(&entities), roles));
        }
        Ok(out)
    }

    fn cpu_stages(&self) -> CpuStages<'_> {
        CpuStages {
            ner: &self.ner.tags,
            head: self.attribution.as_ref().map(|head| &head.tags),
            companies: &self.companies,
            ranker: self.ranker.as_ref(),
            roles: self.options.roles,
        }
    }

    /// Sentiment stage: the requests of every document through the model at once, and the
    /// answers filed back. A document whose requests cannot be built becomes an error.
    fn add_sentiment(&self, docs: &mut [std::result::Result<Document, String>]) -> Result<()> {
        let Some(model) = &self.sentiment else {
            return Ok(());
        };
        let marking = model.marking();
        let requests: Vec<Vec<Request>> = (docs.par_iter_mut())
            .map(|slot| {
                let built = match slot {
                    Ok(doc) => guard(|| sentiment::requests(marking, doc)),
                    Err(_) => Ok(Vec::new()),
                };
                built.unwrap_or_else(|e| {
                    *slot = Err(e);
                    Vec::new()
                })
            })
            .collect();
        let windows: Vec<&Window> = requests.iter().flatten().map(|r| &r.window).collect();
        if windows.is_empty() {
            return Ok(());
        }
        let mut probs = model.predict(&windows, self.batch_tokens)?.into_iter();
        for (doc, requests) in docs.iter_mut().zip(&requests) {
            let answers: Vec<_> = (requests.iter().map(|r| r.slot))
                .zip(probs.by_ref())
                .collect();
            if let Ok(doc) = doc {
                sentiment::apply(doc, answers);
            }
        }
        Ok(())
    }
}

/// The record of an annotated document, ready to index without a join: with the
/// knowledge base's facts about its companies (id, kind, tickers), the digest of the
/// `models` that made it and, when asked, the text. The one place a record is finished.
fn record(doc: &Document, companies: &KnowledgeBase, models: &str, options: &Options) -> Record {
    let mut record = Record::from_document(doc, options.mention_sentiment);
    for company in &mut record.companies {
        if let Some(entry) = companies.named(&company.name) {
            company.id = Some(entry.id());
            company.kind = Some(entry.kind.as_str().to_string());
            company.tickers = entry.tickers.clone();
        }
    }
    record.models = Some(models.to_string());
    if options.with_text {
        record.text = Some(doc.text.clone());
    }
    record
}

/// `sha256:` and the first 16 hex digits of the model folder's digest
/// (`digest::sha256_file`: every file's path and SHA-256, in path order), then `+` and the
/// precision the encoders computed in, since the same models give other scores in bf16.
fn models_digest(models: &Path, precision: Precision) -> Result<String> {
    let full = crate::digest::sha256_file(models)?;
    Ok(format!(
        "sha256:{}+{}",
        &full[..16.min(full.len())],
        precision.name()
    ))
}

/// Text stage: the normalised, segmented document and its model windows.
fn prepare(article: &Article, markup: Markup, pieces: &WordPiecer, max_len: usize) -> Prepared {
    let doc = Document::new(article, markup);
    let encoded: Vec<Vec<EncodedWord>> = (doc.sentences.iter())
        .map(|s| encode_words(doc.chars(), &s.words, pieces))
        .collect();
    let windows = pack(&encoded, max_len, pieces);
    Prepared { doc, windows }
}

/// What the CPU stages after the encoder pass read of the pipeline (shared by the rayon
/// workers; the models themselves are not).
struct CpuStages<'a> {
    ner: &'a TagSet,
    /// The attribution head's tag set, when it is installed.
    head: Option<&'a TagSet>,
    companies: &'a KnowledgeBase,
    ranker: Option<&'a TargetRanker>,
    roles: Roles,
}

impl CpuStages<'_> {
    /// Mentions, role spans and claims of one document.
    fn run(&self, mut doc: Document, ner: &SentenceTags, roles: &SentenceTags) -> Document {
        mentions::annotate(&mut doc, self.ner, self.companies, ner);
        let indirect = match (self.roles, self.head) {
            (Roles::Rules, _) => Indirect::Rules,
            (Roles::Head, Some(head)) if !roles.is_empty() => {
                doc.roles = role_spans(head, &doc, roles);
                let (chars, tickers) = (&doc.normalized.chars, &doc.tickers);
                move_speakers(chars, tickers, &doc.mentions, &mut doc.roles);
                Indirect::FromRoles
            }
            _ => Indirect::FromRoles,
        };
        claims::annotate(&mut doc, indirect);
        if let Some(ranker) = self.ranker {
            claims::rank_targets(&mut doc, ranker);
        }
        doc
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
