//! The mentions stage: the NER model's entities of each sentence, linked to the company
//! knowledge base (which adds the unambiguous names the model missed), stock tickers beside
//! names (`tickers`), acronyms defined in the article, then descriptor phrases ("the
//! startup") resolved to the companies named before them.
//!
//! Reads: the document's sentences and the NER model's tag of every word. Writes:
//! `doc.mentions`, entities in text order, then descriptors in text order.

use crate::claims::lexicon::is_function_word;
use crate::companies::acronyms::link_acronyms;
use crate::companies::descriptors::{resolve_descriptors, NamedMention, Word};
use crate::companies::{link, tickers, KnowledgeBase, Linked};
use crate::doc::{CharRange, Document, EntityLabel, Mention, MentionKind};
use crate::model::ner::WordTag;
use crate::model::tags::TagSet;
use crate::text::dateline;

/// Fills `doc.mentions` from `tags`, the NER tag of every word of every sentence.
pub(crate) fn annotate(
    doc: &mut Document,
    ner: &TagSet,
    kb: &KnowledgeBase,
    tags: &[Vec<WordTag>],
) {
    let mut mentions = Vec::new();
    let mut named = Vec::new();
    let dateline = dateline::place(doc.chars());
    for (s, (sentence, word_tags)) in doc.sentences.iter().zip(tags).enumerate() {
        let words: Vec<String> = (sentence.words.iter()).map(|&w| doc.text_of(w)).collect();
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        for linked in link(kb, &words, model_entities(ner, word_tags)) {
            let Some(label) = EntityLabel::parse(&linked.label) else {
                continue;
            };
            // A pronoun or a determiner is never a name, whatever the tagger says ("They
            // (DuPont) are being conservative" tagged "They" an organisation).
            if words[linked.start..linked.end]
                .iter()
                .all(|w| is_function_word(&w.to_lowercase()))
            {
                continue;
            }
            // The tagger sometimes takes the apostrophe of a split possessive ("NV ' s")
            // into the name.
            let mut end = linked.end;
            while end > linked.start + 1 && is_apostrophe(words[end - 1]) {
                end -= 1;
            }
            let range = CharRange::new(
                sentence.words[linked.start].start,
                sentence.words[end - 1].end,
            );
            // The dateline names where the story was filed, whatever the tagger says
            // ("TOKYO (Reuters) -" tagged an organisation became a claim's target).
            if dateline.is_some_and(|d| d.start <= range.start && range.end <= d.end) {
                mentions.push(Mention {
                    range,
                    label: EntityLabel::Location,
                    kind: MentionKind::Entity,
                    score: linked.score,
                    company: None,
                    sentiment: None,
                });
                continue;
            }
            if let Some(entry) = linked.company {
                named.push(NamedMention {
                    range,
                    sentence: s,
                    entry,
                });
            }
            mentions.push(Mention {
                range,
                label,
                kind: MentionKind::Entity,
                score: linked.score,
                company: linked.company.map(|c| kb.entry(c).name.clone()),
                sentiment: None,
            });
        }
    }
    let applied = tickers::apply(doc.chars(), &mut mentions, kb);
    doc.tickers = applied.tickers;
    for (i, entry) in applied.linked {
        if let Some(sentence) = doc.sentence_at(mentions[i].range) {
            named.push(NamedMention {
                range: mentions[i].range,
                sentence,
                entry,
            });
        }
    }
    // Names that ran into a ticker were cut: the descriptor stage sees them as they are now.
    named.retain(|n| mentions.iter().any(|m| m.range == n.range));
    link_acronyms(doc.chars(), &mut mentions);
    let descriptors = if named.is_empty() {
        Vec::new()
    } else {
        resolve_descriptors(kb, &words(doc), &named)
    };
    mentions.extend(descriptors.into_iter().map(|d| Mention {
        range: d.range,
        label: EntityLabel::Organisation,
        kind: MentionKind::Descriptor,
        score: None,
        company: Some(kb.entry(d.entry).name.clone()),
        sentiment: None,
    }));
    doc.mentions = mentions;
}

fn is_apostrophe(word: &str) -> bool {
    !word.is_empty() && word.chars().all(|c| matches!(c, '\'' | '’' | '`'))
}

/// The entity spans the model tagged in one sentence, with their mean tag probability.
fn model_entities(ner: &TagSet, tags: &[WordTag]) -> Vec<Linked> {
    let path: Vec<usize> = tags.iter().map(|t| t.tag).collect();
    (ner.spans(&path).into_iter())
        .map(|span| {
            let probs = &tags[span.start..span.end];
            Linked {
                start: span.start,
                end: span.end,
                label: ner.types[span.kind].clone(),
                score: Some(probs.iter().map(|t| t.prob).sum::<f32>() / probs.len() as f32),
                company: None,
            }
        })
        .collect()
}

/// Every word of the document, lowercased, with its sentence.
fn words(doc: &Document) -> Vec<Word> {
    (doc.sentences.iter().enumerate())
        .flat_map(|(s, sentence)| {
            sentence.words.iter().map(move |&range| Word {
                lower: doc.text_of(range).to_lowercase(),
                range,
                sentence: s,
            })
        })
        .collect()
}
