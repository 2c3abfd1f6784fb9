//! The wire format: schema `claimlink/1`, one JSON object per output line.
//!
//! These structs are the format, for writing and for reading claimlink output back
//! (`Record: Deserialize`). `Record::from_document` is the one place where the stages'
//! normalised ranges become offsets into the original text.
//! `schema/claimlink-1.schema.json` documents the same shape for users. Every offset is a
//! code point offset into the input `text`, end exclusive; a field that is unknown is
//! `null`, never guessed.

use serde::{Deserialize, Serialize};

use sha2::{Digest, Sha256};

use crate::doc::{
    CharIndex, CharRange, Document, EntityLabel, FoundClaim, MentionKind, Probs, Span,
};
pub(crate) use crate::labels::{ClaimKind, Label, LabelCounts, SentimentBasis, Toward};
use crate::speakers::{self, SpeakerKind};

/// The value of every record's `schema` field.
pub(crate) const SCHEMA: &str = "claimlink/1";

/// The annotations of one article.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Record {
    /// The article's id, as given (or made from its file name or line).
    pub id: String,
    /// Always `SCHEMA`; reading another schema's line fails.
    #[serde(deserialize_with = "schema_tag")]
    pub schema: String,
    /// The input's title, passed through when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The input's URL, passed through when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The input's publication date, passed through when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// The publication the article appeared in, passed through when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The input's free `meta` object, passed through untouched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<serde_json::Map<String, serde_json::Value>>,
    /// The article text (`run --with-text`), so an index needs no second source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Digest of the model set that produced the record (`pipeline::models_digest`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub models: Option<String>,
    /// Named entities in text order.
    pub entities: Vec<Entity>,
    /// Quoted and reported claims in text order.
    pub claims: Vec<Claim>,
    /// Companies the entities refer to.
    pub companies: Vec<Company>,
    /// Present when the input named targets: their sentiment, in the input's order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub targets: Option<Vec<Target>>,
}

/// A span the input asked the sentiment of.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Target {
    /// The span's text, as in the input.
    pub text: String,
    /// First code point.
    pub start: usize,
    /// End, exclusive.
    pub end: usize,
    /// Null when no sentiment model is installed or the span covers no word.
    pub sentiment: Option<Sentiment>,
}

/// A named entity.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Entity {
    /// The mention's text, as in the input.
    pub text: String,
    /// PER, ORG, LOC or MISC.
    pub label: EntityLabel,
    /// First code point.
    pub start: usize,
    /// End, exclusive.
    pub end: usize,
    /// Mean probability the model gave the entity's tags; null for a name only the
    /// company knowledge base found.
    pub score: Option<f32>,
    /// The canonical company this mention refers to, when known.
    pub company: Option<String>,
    /// Sentiment toward the company at this mention (the mention marked in its sentence);
    /// written with `--mention-sentiment`, on company mentions only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentiment: Option<Sentiment>,
}

/// A speaker, source or target: how it is named, and where the text names it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Named {
    /// Canonical company name when known, else the entity's or the mention's words.
    pub name: String,
    /// Where the text names it.
    pub mention: Option<Span>,
}

/// Who made a claim: how the speaker is named, where, in what role and for whom.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Speaker {
    /// The person's fullest name in the article ("Jim Farley" for "Farley", or for "he"
    /// after "Farley"), else the organisation's canonical name, else the words of the
    /// mention ("a spokesman").
    pub name: String,
    /// What the speaker is (absent in records of builds before 2026-12).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<SpeakerKind>,
    /// Where the attribution names the speaker.
    pub mention: Option<Span>,
    /// The speaker's role as written ("chief executive", "analyst", "spokesman").
    pub title: Option<Span>,
    /// The organisation the speaker speaks for; for an organisation speaker, itself.
    pub affiliation: Option<Affiliation>,
}

/// The organisation a speaker speaks for.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Affiliation {
    /// The knowledge base's canonical name when linked, else the words of its mention.
    pub name: String,
    /// Where the text names it.
    pub mention: Option<Span>,
    /// The knowledge-base company, when it is one.
    pub company: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
/// A sentiment judgement: label, its probability, and on claims what it was judged toward.
pub struct Sentiment {
    /// The most probable label.
    pub label: Label,
    /// Calibrated probability of `label`.
    pub score: f32,
    /// On claims only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toward: Option<Toward>,
}

impl Sentiment {
    /// The most probable label of the model's answer, with its probability.
    pub(crate) fn from_probs(probs: &Probs, toward: Option<Toward>) -> Self {
        let mut best = Label::Negative;
        for label in [Label::Neutral, Label::Positive] {
            if probs[label as usize] > probs[best as usize] {
                best = label;
            }
        }
        Sentiment {
            label: best,
            score: round3(probs[best as usize]),
            toward,
        }
    }
}

/// Where a claim's sentence (or sentences) are.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SentenceRange {
    /// First code point of the first sentence.
    pub start: usize,
    /// End of the last sentence, exclusive.
    pub end: usize,
    /// The sentences' text, so a claim can be indexed alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// A quoted or reported statement, who made it, through which publication and about whom.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Claim {
    /// `c1`, `c2`, ... in text order within the article.
    pub id: String,
    /// Direct quotation or paraphrase.
    pub kind: ClaimKind,
    /// The quoted or reported words.
    pub quote: Span,
    /// Who said it.
    pub speaker: Option<Speaker>,
    /// The verb or phrase that attributes it ("said", "according to").
    pub cue: Option<Span>,
    /// The publication it was reported through.
    pub source: Option<Named>,
    /// The company it is about.
    pub target: Option<Named>,
    /// Its sentiment toward the target (or its own polarity when the target is unknown).
    pub sentiment: Option<Sentiment>,
    /// The sentence or sentences it is in.
    pub sentence: Option<SentenceRange>,
}

/// A company the article mentions.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Company {
    /// The knowledge base's id of the company (`models/companies.json`), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Canonical name from the knowledge base.
    pub name: String,
    /// `company`, `publication` or `institution`, from the knowledge base.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Stock tickers from the knowledge base.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tickers: Vec<String>,
    /// How many entities refer to it.
    pub mentions: usize,
    /// The article's sentiment toward the company over its mentions and the claims about
    /// it (see `sentiment::aggregate`).
    pub sentiment: Option<Sentiment>,
    /// How many of the company's mentions and claims about it were judged negative,
    /// neutral and positive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentiment_counts: Option<LabelCounts>,
    /// How many answers the sentiment rests on: at its mentions and in claims about it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentiment_basis: Option<SentimentBasis>,
}

/// Hex digits kept of a claim id's SHA-256 (64 bits: a collision among a billion claims
/// has odds of about 3%, among a million about 3e-8).
const CLAIM_ID_HEX: usize = 16;

/// The global id of the claim quoting code points `[start, end)` of `text` in article
/// `article_id`: the first 16 hex digits of
/// `sha256("{len(article_id)}:{article_id}:{sha256_hex(text)}:{start}:{end}")`, where
/// `len` counts UTF-8 bytes. The same article id, text and quote span give the same id on
/// every run and machine; the length prefix keeps ids such as `a:b` from colliding.
pub fn claim_id(article_id: &str, text: &str, start: usize, end: usize) -> String {
    let text_hash = text_hash(text);
    claim_id_from_hash(article_id, &text_hash, start, end)
}

fn claim_id_from_hash(article_id: &str, text_hash: &str, start: usize, end: usize) -> String {
    let key = format!(
        "{}:{article_id}:{text_hash}:{start}:{end}",
        article_id.len()
    );
    let digest = format!("{:x}", Sha256::digest(key.as_bytes()));
    digest[..CLAIM_ID_HEX].to_string()
}

/// The SHA-256 of an article text, hex: part of each claim id's key.
pub(crate) fn text_hash(text: &str) -> String {
    format!("{:x}", Sha256::digest(text.as_bytes()))
}

/// Reads a `schema` field, refusing any other schema than `SCHEMA`.
fn schema_tag<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let schema = String::deserialize(d)?;
    if schema == SCHEMA {
        Ok(schema)
    } else {
        Err(serde::de::Error::custom(format!(
            "schema {schema:?} is not {SCHEMA:?}"
        )))
    }
}

/// Scores are written with three decimals: more is noise, and lines stay short.
pub(crate) fn round3(x: f32) -> f32 {
    (x * 1000.0).round() / 1000.0
}

impl Record {
    /// The record of an annotated document: every normalised range becomes a span of the
    /// original text (a range that does not map back is left out rather than reported
    /// wrong). `mention_sentiment` writes each company entity's own sentiment.
    pub fn from_document(doc: &Document, mention_sentiment: bool) -> Record {
        let index = CharIndex::new(&doc.text);
        let span = |range: CharRange| -> Option<Span> {
            let (start, end) = doc.normalized.to_original(range)?;
            index.span(&doc.text, start, end)
        };
        let entities: Vec<Entity> = (doc.entities())
            .filter_map(|m| {
                let located = span(m.range)?;
                let sentiment = m
                    .sentiment
                    .filter(|_| mention_sentiment && m.company.is_some());
                Some(Entity {
                    text: located.text,
                    label: m.label,
                    start: located.start,
                    end: located.end,
                    score: m.score.map(round3),
                    company: m.company.clone(),
                    sentiment: sentiment.map(|p| Sentiment::from_probs(&p, None)),
                })
            })
            .collect();
        let text_hash = text_hash(&doc.text);
        let mut claims: Vec<Claim> = Vec::with_capacity(doc.claims.len());
        for found in &doc.claims {
            let Some(mut claim) = wire_claim(doc, found, &span) else {
                continue;
            };
            let (start, end) = (claim.quote.start, claim.quote.end);
            let base = claim_id_from_hash(&doc.id, &text_hash, start, end);
            // A second claim on the same span (rare) gets `-2`, and so on.
            let same = claims.iter().filter(|c| c.id.starts_with(&base)).count();
            claim.id = match same {
                0 => base,
                n => format!("{base}-{}", n + 1),
            };
            claims.push(claim);
        }
        let targets = doc.targets.as_ref().map(|targets| {
            (targets.iter())
                .filter_map(|t| {
                    Some(Target {
                        text: index.span(&doc.text, t.start, t.end)?.text,
                        start: t.start,
                        end: t.end,
                        sentiment: t.sentiment.map(|p| Sentiment::from_probs(&p, None)),
                    })
                })
                .collect()
        });
        let mut companies = company_counts(&entities);
        for company in &mut companies {
            let found = (doc.company_sentiment.iter()).find(|s| s.company == company.name);
            if let Some(found) = found {
                company.sentiment = Some(Sentiment {
                    label: found.label,
                    score: round3(found.score),
                    toward: None,
                });
                company.sentiment_counts = Some(found.counts);
                company.sentiment_basis = Some(found.basis);
            }
        }
        Record {
            id: doc.id.clone(),
            schema: SCHEMA.to_string(),
            title: doc.metadata.title.clone(),
            url: doc.metadata.url.clone(),
            published: doc.metadata.published.clone(),
            source: doc.metadata.source.clone(),
            meta: doc.metadata.meta.clone(),
            text: None,
            models: None,
            entities,
            claims,
            companies,
            targets,
        }
    }
}

/// The name of the organisation a speaker speaks for: the company it is linked to, unless
/// the article names a brand or unit of it ("William O'Neill of Merrill Lynch" speaks for
/// Merrill Lynch, a Bank of America company: `company` keeps the link). A descriptor ("the
/// company") and an acronym go by the company.
fn affiliation_name(doc: &Document, mention: CharRange, company: Option<&str>) -> String {
    let own = entity_name(doc, mention);
    let Some(company) = company else {
        return own;
    };
    let words = |name: &str| -> Vec<String> {
        (name.split(|c: char| !c.is_alphanumeric()))
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let entity = (doc.mentions.iter()).any(|m| m.range == mention && m.kind == MentionKind::Entity);
    let acronym = own.chars().all(|c| c.is_uppercase() || !c.is_alphabetic());
    let shared = words(&own).iter().any(|w| words(company).contains(w));
    if entity && !acronym && !shared {
        own
    } else {
        company.to_string()
    }
}

/// The name of the entity at `range`: its words, or for an acronym the organisation of the
/// article it abbreviates ("RBA" → "Reserve Bank of Australia").
fn entity_name(doc: &Document, range: CharRange) -> String {
    let full = crate::companies::acronyms::expansion(doc.chars(), &doc.mentions, range);
    doc.name_of(full.unwrap_or(range))
}

/// The record claim (its id set by the caller); `None` when its quote does not map back.
fn wire_claim(
    doc: &Document,
    found: &FoundClaim,
    span: &impl Fn(CharRange) -> Option<Span>,
) -> Option<Claim> {
    let quote = span(found.quote)?;
    // A speaker, source or target goes by its company, else by its entity's name, else by
    // the words of its mention.
    let named =
        |mention: Option<CharRange>, entity: Option<CharRange>, company: &Option<String>| {
            let mention = mention?;
            let located = span(mention)?;
            let name = company
                .clone()
                .unwrap_or_else(|| entity_name(doc, entity.unwrap_or(mention)));
            Some(Named {
                name,
                mention: Some(located),
            })
        };
    let companies = &found.companies;
    let sentence = (doc.sentences.get(found.sentence))
        .zip(doc.sentences.get(found.last_sentence))
        .and_then(|(a, b)| span(CharRange::new(a.start, b.end)))
        .map(|s| SentenceRange {
            start: s.start,
            end: s.end,
            text: Some(s.text),
        });
    Some(Claim {
        id: String::new(),
        kind: found.kind,
        quote,
        speaker: named(found.speaker, found.speaker_entity, &companies.speaker).map(|named| {
            let (phrase, entity) = (found.speaker.unwrap_or_default(), found.speaker_entity);
            let kind = speakers::kind(doc, phrase, entity, companies.speaker.is_some());
            let person = (kind == SpeakerKind::Person)
                .then(|| speakers::person_name(doc, entity.unwrap_or(phrase)))
                .flatten();
            Speaker {
                name: person.unwrap_or(named.name),
                kind: Some(kind),
                mention: named.mention,
                title: found.speaker_title.and_then(span),
                affiliation: found.affiliation.map(|mention| Affiliation {
                    name: affiliation_name(doc, mention, companies.affiliation.as_deref()),
                    mention: span(mention),
                    company: companies.affiliation.clone(),
                }),
            }
        }),
        cue: found.cue.and_then(span),
        source: named(found.source, None, &companies.source),
        target: named(found.target, None, &companies.target),
        sentiment: (found.sentiment).map(|s| Sentiment::from_probs(&s.probs, Some(s.toward))),
        sentence,
    })
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
                sentiment_basis: None,
            }),
        }
    }
    // Stable: ties keep the order of first mention.
    companies.sort_by_key(|c| std::cmp::Reverse(c.mentions));
    companies
}

/// Written in place of a record for an input line that could not be processed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ErrorRecord {
    /// The item's id when it could be read.
    pub id: Option<String>,
    /// Always `SCHEMA`; reading another schema's line fails.
    #[serde(deserialize_with = "schema_tag")]
    pub schema: String,
    /// What went wrong.
    pub error: ErrorDetail,
}

/// What went wrong with an input item, and where it is.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ErrorDetail {
    /// A stable machine-readable kind (`invalid_json`, `too_large`, `unreadable`, ...).
    pub kind: String,
    /// What went wrong, for people.
    pub message: String,
    /// The input file (`-` for stdin).
    pub file: String,
    /// 1-based line in that file (0 for a whole file).
    pub line: usize,
}

/// One output line.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum OutputLine {
    /// An annotated article.
    Record(Record),
    /// An input item that could not be processed, in its place.
    Error(ErrorRecord),
}

impl OutputLine {
    /// Whether this line is an error record.
    pub fn is_error(&self) -> bool {
        matches!(self, OutputLine::Error(_))
    }

    /// The line as JSON, without the newline.
    pub fn to_json(&self) -> String {
        // Serialising these plain structs cannot fail (no maps with non-string keys).
        serde_json::to_string(self).unwrap_or_else(|e| {
            format!(r#"{{"schema":"{SCHEMA}","error":{{"kind":"internal","message":"{e}"}}}}"#)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::{annotate, mentions_in, ClaimKind, FoundClaim, Indirect};
    use crate::doc::Article;
    use crate::text::Markup;

    /// The normalised text's entities, as `mentions_in` finds them.
    fn document(text: &str, markup: Markup, entities: &[(&str, &str)]) -> Document {
        let mut doc = Document::new(&Article::new("a", text), markup);
        let plain: String = doc.chars().iter().collect();
        doc.mentions = mentions_in(&plain, entities);
        doc
    }

    #[test]
    fn offsets_point_into_the_original_markdown() {
        let text = "**Acme** said \"we *win* big,\" per [Reuters](#).";
        let mut doc = document(
            text,
            Markup::Markdown,
            &[("Acme", "ORG"), ("Reuters", "ORG")],
        );
        annotate(&mut doc, Indirect::FromRoles);
        let record = Record::from_document(&doc, false);
        let slice = |s: &Span| {
            (text.chars().skip(s.start))
                .take(s.end - s.start)
                .collect::<String>()
        };
        for entity in &record.entities {
            let span = Span {
                text: entity.text.clone(),
                start: entity.start,
                end: entity.end,
            };
            assert_eq!(slice(&span), entity.text);
        }
        let [c] = record.claims.as_slice() else {
            panic!("one claim: {:?}", record.claims);
        };
        assert_eq!(c.kind, ClaimKind::Direct);
        let id = claim_id("a", text, c.quote.start, c.quote.end);
        assert_eq!(c.id, id, "the global id recipe");
        assert_eq!(c.quote.text, "we *win* big");
        assert_eq!(slice(&c.quote), c.quote.text);
        let speaker = c.speaker.as_ref().expect("speaker");
        assert_eq!(speaker.name, "Acme");
        assert_eq!(speaker.mention.as_ref().map(slice).as_deref(), Some("Acme"));
        assert_eq!(c.source.as_ref().map(|s| s.name.as_str()), Some("Reuters"));
    }

    #[test]
    fn a_claim_whose_quote_does_not_map_back_is_left_out() {
        let text = "\"We will win this,\" Acme said.";
        let mut doc = document(text, Markup::Plain, &[("Acme", "ORG")]);
        annotate(&mut doc, Indirect::FromRoles);
        assert_eq!(doc.claims.len(), 1);
        let outside = FoundClaim::new(ClaimKind::Direct, CharRange::new(0, 500), 0, 0);
        doc.claims.insert(0, outside);
        let record = Record::from_document(&doc, false);
        assert_eq!(record.claims.len(), 1);
        assert_eq!(record.claims[0].quote.text, "We will win this");
    }

    #[test]
    fn a_record_reads_back_as_itself() {
        let text = "\"Profits will double,\" Acme said.";
        let mut doc = document(text, Markup::Plain, &[("Acme", "ORG")]);
        doc.mentions[0].company = Some("Acme Corp".into());
        doc.mentions[0].sentiment = Some([0.1, 0.2, 0.7]);
        annotate(&mut doc, Indirect::FromRoles);
        let record = Record::from_document(&doc, true);
        assert_eq!(record.companies[0].name, "Acme Corp");
        let line = OutputLine::Record(record).to_json();
        let back: OutputLine = serde_json::from_str(&line).expect("reads back");
        assert_eq!(back.to_json(), line);
    }

    #[test]
    fn claim_ids_follow_the_recipe() {
        let text = "Acme said \"we win\".";
        let text_hash = format!("{:x}", sha2::Sha256::digest(text.as_bytes()));
        let key = format!("4:a-01:{text_hash}:11:17");
        let want = format!("{:x}", sha2::Sha256::digest(key.as_bytes()));
        assert_eq!(claim_id("a-01", text, 11, 17), want[..16]);
    }

    #[test]
    fn claim_ids_change_with_article_text_and_span() {
        let id = claim_id("a", "text one", 0, 4);
        assert_eq!(id, claim_id("a", "text one", 0, 4));
        assert_ne!(id, claim_id("b", "text one", 0, 4));
        assert_ne!(id, claim_id("a", "text two", 0, 4));
        assert_ne!(id, claim_id("a", "text one", 0, 3));
        // The length prefix separates "a:1" + "x" from "a" + "1:x"-like ids.
        assert_ne!(claim_id("a:1", "x", 0, 1), claim_id("a", "x", 0, 1));
    }
}
