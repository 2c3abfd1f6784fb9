//! The pipeline over a batch of articles: normalise → segment → NER and attribution roles
//! (one encoder pass) → companies → claims → sentiment → record.
//!
//! CPU stages run per article on the rayon pool; the model sees the windows of all articles
//! of the batch at once, sorted by length, which is where transformer throughput comes from.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use rayon::prelude::*;

use crate::claims::indirect::{Role, RoleSpan};
use crate::companies::acronyms::link_acronyms;
use crate::companies::descriptors::{resolve_descriptors, NamedMention, Resolved, Word};
use crate::companies::{link, KnowledgeBase, Linked};
use crate::doc::{Article, CharIndex, Span};
use crate::error::Result;
use crate::model::attribution::AttributionModel;
use crate::model::meter::Usage;
use crate::model::ner::{per_sentence, NerModel, WordTag};
use crate::model::precision::Precision;
use crate::model::sentiment::SentimentModel;
use crate::model::window::{encode_words, pack, EncodedWord, Window};
use crate::model::wordpiece::WordPiecer;
use crate::record::{Company, Entity, Record, Target, SCHEMA};
use crate::stance::{self, CompanyMention, Request, Slot};
use crate::text::segment::Range;
use crate::text::{segment, Markup, Normalized, Sentence};

#[derive(Debug, Clone)]
pub struct Options {
    pub markup: Markup,
    /// Most padded pieces in one model batch.
    pub batch_tokens: usize,
    /// Where indirect claims come from.
    pub roles: Roles,
    /// What the encoders compute in.
    pub precision: Precision,
    /// Also write each company entity mention's own sentiment (`entities[].sentiment`);
    /// the company aggregates are built from those answers either way.
    pub mention_sentiment: bool,
    /// Write the article text into the record (`run --with-text`).
    pub with_text: bool,
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
            batch_tokens: 4096,
            roles: Roles::Head,
            precision: Precision::auto(),
            mention_sentiment: false,
            with_text: false,
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
    /// Reads the NER encoder at an inner layer: one encoder pass serves both.
    attribution: Option<AttributionModel>,
    companies: KnowledgeBase,
    sentiment: Option<SentimentModel>,
    /// Digest of the model folder, written into every record.
    models: String,
    pub options: Options,
}

impl Pipeline {
    /// Loads the model folders under `models` (`ner` required; `attribution`, `sentiment`
    /// and the company knowledge base `companies.json` when present); word embeddings they
    /// leave out come from the base encoder in `base`.
    pub fn load(models: &Path, base: &Path, options: Options) -> Result<Self> {
        let kb_path = models.join("companies.json");
        let companies = if kb_path.is_file() {
            KnowledgeBase::load(&kb_path)?
        } else {
            KnowledgeBase::default()
        };
        let sentiment_dir = models.join("sentiment");
        let sentiment = if sentiment_dir.join("config.json").is_file() {
            Some(SentimentModel::load(&sentiment_dir, base)?)
        } else {
            None
        };
        let attribution_dir = models.join("attribution");
        let attribution = if attribution_dir.join("config.json").is_file() {
            Some(AttributionModel::load(
                &attribution_dir,
                &models.join("ner"),
            )?)
        } else {
            None
        };
        let ner = NerModel::load(&models.join("ner"), base)?;
        let digest = crate::feed::models_digest(models)?;
        ner.base.set_precision(options.precision);
        if let Some(head) = &attribution {
            head.set_precision(options.precision);
        }
        if let Some(model) = &sentiment {
            model.base.set_precision(options.precision);
        }
        Ok(Pipeline {
            ner,
            attribution,
            companies,
            sentiment,
            models: digest,
            options,
        })
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
    pub fn encoder_shape(&self) -> (usize, usize) {
        (self.ner.base.hidden as usize, self.ner.base.ffn)
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
        let pieces = &self.ner.base.pieces;
        let (markup, max_len) = (self.options.markup, self.ner.base.max_len);
        let prepared: Vec<std::result::Result<Prepared, String>> = articles
            .par_iter()
            .map(|a| guard(|| prepare(&a.text, a.markup.unwrap_or(markup), pieces, max_len)))
            .collect();
        let windows: Vec<&Window> = prepared
            .iter()
            .flat_map(|p| p.iter().flat_map(|p| p.windows.iter()))
            .collect();
        let head = self
            .attribution
            .as_ref()
            .filter(|_| self.options.roles == Roles::Head);
        let (entities, roles) = self
            .ner
            .predict_with(&windows, self.options.batch_tokens, head)?;
        let (mut entities, mut roles) = (entities.into_iter(), roles.into_iter());
        let mut assembled = Vec::with_capacity(articles.len());
        for (article, prepared) in articles.iter().zip(&prepared) {
            assembled.push(match prepared {
                Ok(p) => {
                    let n = p.windows.len();
                    let tags: Vec<Vec<WordTag>> = entities.by_ref().take(n).collect();
                    let role_tags: Vec<Vec<WordTag>> = roles.by_ref().take(n).collect();
                    guard(|| self.assemble(article, p, &tags, &role_tags))
                }
                Err(e) => Err(e.clone()),
            });
        }
        self.add_sentiment(assembled)
    }

    /// Runs the sentiment model on every article's requests at once and files the answers.
    fn add_sentiment(
        &self,
        assembled: Vec<std::result::Result<(Annotated, Vec<Request>), String>>,
    ) -> Result<Vec<std::result::Result<Annotated, String>>> {
        let windows: Vec<&Window> = assembled
            .iter()
            .flat_map(|a| {
                a.iter()
                    .flat_map(|(_, requests)| requests.iter().map(|r| &r.window))
            })
            .collect();
        let probs = match &self.sentiment {
            Some(model) if !windows.is_empty() => {
                model.predict(&windows, self.options.batch_tokens)?
            }
            _ => Vec::new(),
        };
        let mut probs = probs.into_iter();
        Ok(assembled
            .into_iter()
            .map(|a| {
                a.map(|(mut annotated, requests)| {
                    let answers: Vec<(Slot, [f32; 3])> = requests
                        .into_iter()
                        .zip(probs.by_ref())
                        .map(|(r, p)| (r.slot, p))
                        .collect();
                    stance::apply(
                        &mut annotated.record,
                        &answers,
                        self.options.mention_sentiment,
                    );
                    annotated
                })
            })
            .collect())
    }

    fn assemble(
        &self,
        article: &Article,
        p: &Prepared,
        tags: &[Vec<WordTag>],
        role_tags: &[Vec<WordTag>],
    ) -> (Annotated, Vec<Request>) {
        let lens: Vec<usize> = p.sentences.iter().map(|s| s.words.len()).collect();
        let per_sentence = per_sentence(
            p.windows.iter().zip(tags).map(|(w, t)| (w, t.as_slice())),
            &lens,
        );
        let index = CharIndex::new(&article.text);
        let mut entities = Vec::new();
        // The normalised range of each entity, for the sentiment toward its company.
        let mut entity_ranges = Vec::new();
        let mut mentions = Vec::new();
        let mut company_mentions = Vec::new();
        let mut named = Vec::new();
        for (s, (sentence, word_tags)) in p.sentences.iter().zip(&per_sentence).enumerate() {
            for linked in self.sentence_entities(p, sentence, word_tags) {
                let start = sentence.words[linked.start].0;
                let end = sentence.words[linked.end - 1].1;
                mentions.push(crate::claims::EntityMention {
                    start,
                    end,
                    label: linked.label.clone(),
                });
                if let Some(entry) = linked.company {
                    named.push(NamedMention {
                        range: (start, end),
                        sentence: s,
                        entry,
                    });
                }
                let company = linked.company.map(|c| self.companies.entry(c).name.clone());
                let Some((s, e)) = p.normalized.to_original(start, end) else {
                    continue;
                };
                let Some(located) = index.span(&article.text, s, e) else {
                    continue;
                };
                entities.push(Entity {
                    text: located.text,
                    label: linked.label,
                    start: located.start,
                    end: located.end,
                    score: linked.score.map(round3),
                    company,
                    sentiment: None,
                });
                entity_ranges.push((start, end));
            }
        }
        let original: Vec<char> = article.text.chars().collect();
        link_acronyms(&original, &mut entities);
        // After acronym linking, so "AWS" defined as "Amazon Web Services (AWS)" counts too.
        for (i, (entity, &(start, end))) in entities.iter().zip(&entity_ranges).enumerate() {
            if let Some(name) = &entity.company {
                company_mentions.push(CompanyMention {
                    start,
                    end,
                    company: name.clone(),
                    entity: Some(i),
                });
            }
        }
        // "the startup", "the company": ORG mentions for the claim rules, company mentions
        // for sentiment, and the company's name wherever a claim points at them.
        let descriptors = self.descriptors(p, &named);
        for d in &descriptors {
            mentions.push(crate::claims::EntityMention {
                start: d.range.0,
                end: d.range.1,
                label: "ORG".into(),
            });
            company_mentions.push(CompanyMention {
                start: d.range.0,
                end: d.range.1,
                company: self.companies.entry(d.entry).name.clone(),
                entity: None,
            });
        }
        let referring: Vec<(Span, String)> = descriptors
            .iter()
            .filter_map(|d| {
                let (s, e) = p.normalized.to_original(d.range.0, d.range.1)?;
                let span = index.span(&article.text, s, e)?;
                Some((span, self.companies.entry(d.entry).name.clone()))
            })
            .collect();
        let chars = &p.normalized.chars;
        let roles = match self.options.roles {
            Roles::Head => self.role_spans(p, role_tags, &lens),
            Roles::Rules => crate::claims::rule_roles(chars, &p.sentences, &mentions),
            Roles::Off => Vec::new(),
        };
        let found = crate::claims::extract_all(chars, &p.sentences, &mentions, &roles);
        let mut claims =
            crate::claims::to_wire(&found, &article.text, &index, &p.normalized, &p.sentences);
        canonicalise(&mut claims, &entities, &referring);
        // The found claim behind each wire claim (to_wire drops quotes that do not map back).
        let sources: Vec<&crate::claims::FoundClaim> = claims
            .iter()
            .filter_map(|c| {
                found.iter().find(|f| {
                    p.normalized.to_original(f.quote.0, f.quote.1)
                        == Some((c.quote.start, c.quote.end))
                })
            })
            .collect();
        let (targets, target_ranges) = self.input_targets(article, p, &index);
        let requests = match (&self.sentiment, sources.len() == claims.len()) {
            (Some(model), true) => stance::requests(
                model,
                &p.normalized,
                &p.sentences,
                &sources,
                &company_mentions,
                &target_ranges,
            ),
            _ => Vec::new(),
        };
        let mut record = Record {
            id: article.id.clone(),
            schema: SCHEMA,
            title: article.title.clone(),
            url: article.url.clone(),
            published: article.published.clone(),
            source: article.source.clone(),
            meta: article.meta.clone(),
            text: self.options.with_text.then(|| article.text.clone()),
            models: Some(self.models.clone()),
            companies: company_counts(&entities),
            entities,
            claims,
            targets,
        };
        crate::feed::finish(&mut record, &article.text, &self.companies);
        let annotated = Annotated {
            record,
            words: lens.iter().sum(),
        };
        (annotated, requests)
    }

    /// The input's targets as record entries (sentiment filled later) and their normalised
    /// ranges (`None` where markup removal left nothing of a target).
    fn input_targets(
        &self,
        article: &Article,
        p: &Prepared,
        index: &CharIndex,
    ) -> (Option<Vec<Target>>, Vec<Option<Range>>) {
        let Some(given) = &article.targets else {
            return (None, Vec::new());
        };
        let mut targets = Vec::with_capacity(given.len());
        let mut ranges = Vec::with_capacity(given.len());
        for &(start, end) in given {
            let Some(span) = index.span(&article.text, start, end) else {
                continue;
            };
            targets.push(Target {
                text: span.text,
                start,
                end,
                sentiment: None,
            });
            ranges.push(p.normalized.from_original(start, end));
        }
        (Some(targets), ranges)
    }

    /// Descriptor phrases of the article resolved to the companies named before them.
    fn descriptors(&self, p: &Prepared, named: &[NamedMention]) -> Vec<Resolved> {
        if named.is_empty() {
            return Vec::new();
        }
        let words: Vec<Word> = (p.sentences.iter().enumerate())
            .flat_map(|(s, sentence)| {
                sentence.words.iter().map(move |&(a, b)| Word {
                    lower: p.normalized.text(a, b).to_lowercase(),
                    range: (a, b),
                    sentence: s,
                })
            })
            .collect();
        resolve_descriptors(&self.companies, &words, named)
    }

    /// The attribution head's role spans over the whole article (a content may run over
    /// several sentences), as normalised code point ranges.
    fn role_spans(
        &self,
        p: &Prepared,
        role_tags: &[Vec<WordTag>],
        lens: &[usize],
    ) -> Vec<RoleSpan> {
        let Some(head) = &self.attribution else {
            return Vec::new();
        };
        if role_tags.len() != p.windows.len() {
            return Vec::new();
        }
        let tags = per_sentence(
            p.windows
                .iter()
                .zip(role_tags)
                .map(|(w, t)| (w, t.as_slice())),
            lens,
        );
        let words: Vec<Range> = p
            .sentences
            .iter()
            .flat_map(|s| s.words.iter().copied())
            .collect();
        let flat: Vec<&WordTag> = tags.iter().flatten().collect();
        let path: Vec<usize> = flat.iter().map(|t| t.tag).collect();
        head.tags
            .spans(&path)
            .into_iter()
            .filter_map(|span| {
                let role = match head.tags.types[span.kind].as_str() {
                    "SOURCE" => Role::Source,
                    "CUE" => Role::Cue,
                    "CONTENT" => Role::Content,
                    _ => return None,
                };
                let probs = flat.get(span.start..span.end)?;
                Some(RoleSpan {
                    start: words.get(span.start)?.0,
                    end: words.get(span.end.checked_sub(1)?)?.1,
                    role,
                    score: probs.iter().map(|t| t.prob).sum::<f32>() / probs.len() as f32,
                })
            })
            .collect()
    }

    /// The NER model's entities of one sentence, linked to the company knowledge base.
    fn sentence_entities(
        &self,
        p: &Prepared,
        sentence: &Sentence,
        tags: &[WordTag],
    ) -> Vec<Linked> {
        let path: Vec<usize> = tags.iter().map(|t| t.tag).collect();
        let ner: Vec<Linked> = self
            .ner
            .tags
            .spans(&path)
            .into_iter()
            .map(|span| {
                let probs = &tags[span.start..span.end];
                Linked {
                    start: span.start,
                    end: span.end,
                    label: self.ner.tags.types[span.kind].clone(),
                    score: Some(probs.iter().map(|t| t.prob).sum::<f32>() / probs.len() as f32),
                    company: None,
                }
            })
            .collect();
        let words: Vec<String> = sentence
            .words
            .iter()
            .map(|&(s, e)| p.normalized.text(s, e))
            .collect();
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        link(&self.companies, &words, ner)
    }
}

fn prepare(text: &str, markup: Markup, pieces: &WordPiecer, max_len: usize) -> Prepared {
    let normalized = Normalized::new(text, markup);
    let sentences = segment(&normalized.chars);
    let encoded: Vec<Vec<EncodedWord>> = sentences
        .iter()
        .map(|s| encode_words(&normalized.chars, &s.words, pieces))
        .collect();
    let windows = pack(&encoded, max_len, pieces);
    Prepared {
        normalized,
        sentences,
        windows,
    }
}

/// Speakers, targets and sources named by their company when the entity at the mention,
/// or the entity the name was resolved to (a pronoun's antecedent), has one (a speaker
/// "Azure" is Microsoft; "the company said" after "Nvidia Corp." is Nvidia).
/// `referring` holds descriptor phrases with the company each refers to.
fn canonicalise(
    claims: &mut [crate::record::Claim],
    entities: &[Entity],
    referring: &[(Span, String)],
) {
    // Only a mention that is exactly an entity: "AMD's chief Lisa Su" is Lisa Su, not AMD.
    let company_at = |span: &Span| {
        entities
            .iter()
            .find(|e| e.start == span.start && e.end == span.end)
            .and_then(|e| e.company.clone())
            .or_else(|| {
                referring
                    .iter()
                    .find(|(d, _)| d.start == span.start && d.end == span.end)
                    .map(|(_, company)| company.clone())
            })
    };
    let company_named = |name: &str| {
        entities
            .iter()
            .find(|e| e.text == name && e.company.is_some())
            .and_then(|e| e.company.clone())
    };
    for claim in claims {
        for named in [&mut claim.speaker, &mut claim.target, &mut claim.source]
            .into_iter()
            .flatten()
        {
            let company =
                company_named(&named.name).or_else(|| named.mention.as_ref().and_then(company_at));
            if let Some(company) = company {
                named.name = company;
            }
        }
    }
}

/// Companies mentioned, most mentioned first (then by first mention).
fn company_counts(entities: &[Entity]) -> Vec<Company> {
    let mut companies: Vec<Company> = Vec::new();
    for name in entities.iter().filter_map(|e| e.company.as_ref()) {
        match companies.iter_mut().find(|c| &c.name == name) {
            Some(c) => c.mentions += 1,
            None => companies.push(Company {
                id: None,
                name: name.clone(),
                kind: None,
                tickers: Vec::new(),
                mentions: 1,
                sentiment: None,
                sentiment_counts: None,
            }),
        }
    }
    // Stable: ties keep the order of first mention.
    companies.sort_by_key(|c| std::cmp::Reverse(c.mentions));
    companies
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
