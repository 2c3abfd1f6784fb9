//! In-document resolution of descriptors: "the startup", "the tech giant", "the company"
//! refer back to a company named earlier in the article.
//!
//! Reads: the article's words (normalised code point ranges, text order), the company
//! mentions found so far and the knowledge base. Writes: each descriptor phrase with the
//! company it refers to. A phrase some knowledge-base entries list among their
//! `descriptors` ("the chipmaker") goes to the most recent earlier mention of one of those
//! companies; a generic one ("the company", "the firm": a head word the knowledge base
//! lists under `generic_descriptors`) to the most recent company mention, looking back at
//! most `REACH` sentences. Nothing is returned when no candidate fits: a wrong company is
//! worse than none.

use crate::companies::kb::{Kind, KnowledgeBase};
use crate::doc::CharRange;

/// How many sentences back (the current one included) a generic descriptor may reach.
const REACH: usize = 3;

/// A word of the article: lowercase text, code point range and sentence index.
#[derive(Debug, Clone)]
pub struct Word {
    pub lower: String,
    pub range: CharRange,
    pub sentence: usize,
}

/// A company named in the article: code point range and knowledge-base entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NamedMention {
    pub range: CharRange,
    pub sentence: usize,
    pub entry: usize,
}

/// A descriptor phrase and the entry it refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resolved {
    pub range: CharRange,
    pub entry: usize,
}

pub fn resolve_descriptors(
    kb: &KnowledgeBase,
    words: &[Word],
    named: &[NamedMention],
) -> Vec<Resolved> {
    let phrases: Vec<(Vec<String>, Vec<usize>)> = kb_phrases(kb);
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if words[i].lower != "the" {
            i += 1;
            continue;
        }
        let listed = phrases.iter().find(|(p, _)| {
            p.len() <= words.len() - i && p.iter().zip(&words[i..]).all(|(a, b)| *a == b.lower)
        });
        let (len, allowed): (usize, Option<&[usize]>) = match listed {
            Some((p, entries)) => (p.len(), Some(entries.as_slice())),
            None => match generic_len(&words[i..], kb.generic_descriptors()) {
                Some(len) => (len, None),
                None => {
                    i += 1;
                    continue;
                }
            },
        };
        let start = words[i].range.start;
        let sentence = words[i].sentence;
        let fits = |m: &&NamedMention| {
            m.range.end <= start
                && kb.entry(m.entry).kind == Kind::Company
                && match allowed {
                    Some(entries) => entries.contains(&m.entry),
                    None => sentence - m.sentence.min(sentence) < REACH,
                }
        };
        if let Some(m) = named.iter().filter(fits).max_by_key(|m| m.range.start) {
            out.push(Resolved {
                range: CharRange::new(start, words[i + len - 1].range.end),
                entry: m.entry,
            });
        }
        i += len;
    }
    out
}

/// Knowledge-base descriptor phrases (lowercase words) with the entries listing them,
/// longest first.
fn kb_phrases(kb: &KnowledgeBase) -> Vec<(Vec<String>, Vec<usize>)> {
    let mut phrases: Vec<(Vec<String>, Vec<usize>)> = Vec::new();
    for e in 0..kb.len() {
        for d in &kb.entry(e).descriptors {
            let words: Vec<String> = crate::companies::kb::words_of(&d.to_lowercase());
            if words.first().is_none_or(|w| w != "the") {
                continue;
            }
            match phrases.iter_mut().find(|(p, _)| *p == words) {
                Some((_, entries)) => entries.push(e),
                None => phrases.push((words, vec![e])),
            }
        }
    }
    phrases.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
    phrases
}

/// `the HEAD` or `the ADJ HEAD` with a generic head, not followed by a word that makes
/// the head a modifier ("the company's" is fine, "the company car" is not).
fn generic_len(words: &[Word], generic: &[String]) -> Option<usize> {
    let head = (1..=2).find(|&k| words.get(k).is_some_and(|w| generic.contains(&w.lower)))?;
    let next = words.get(head + 1).map(|w| w.lower.as_str());
    let modifier = next.is_some_and(|n| n.chars().all(char::is_alphabetic) && !is_boundary(n));
    (!modifier).then_some(head + 1)
}

/// Words that may follow a descriptor head: verbs of saying and other clause material
/// are not modifiers of it.
fn is_boundary(word: &str) -> bool {
    matches!(
        word,
        "said"
            | "says"
            | "has"
            | "had"
            | "have"
            | "is"
            | "was"
            | "will"
            | "would"
            | "could"
            | "can"
            | "and"
            | "or"
            | "but"
            | "that"
            | "which"
            | "who"
            | "also"
            | "declined"
            | "did"
            | "does"
            | "plans"
            | "announced"
            | "reported"
            | "told"
            | "in"
            | "on"
            | "for"
            | "to"
            | "of"
            | "with"
            | "at"
            | "as"
            | "by"
            | "from"
            | "may"
            | "might"
            | "should"
            | "must"
            | "not"
            | "already"
            | "still"
            | "recently"
            | "added"
            | "expects"
            | "expected"
            | "denied"
            | "confirmed"
            | "wrote"
            | "noted"
            | "s"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::companies::kb::Entry;
    use crate::text::segment;

    fn entries() -> Vec<Entry> {
        let entry = |name: &str, descriptors: &[&str]| Entry {
            name: name.into(),
            kind: Kind::Company,
            id: None,
            tickers: Vec::new(),
            aliases: Vec::new(),
            products: Vec::new(),
            descriptors: descriptors.iter().map(|s| s.to_string()).collect(),
            ambiguous: Vec::new(),
        };
        vec![
            entry("Microsoft", &["the tech giant"]),
            entry("OpenAI", &["the startup"]),
        ]
    }

    fn kb() -> KnowledgeBase {
        KnowledgeBase::new(entries())
            .with_generic_descriptors(vec!["company".into(), "Firm".into()])
    }

    /// Resolves the descriptors of `text`, where each known name is a company mention.
    fn resolve(text: &str) -> Vec<(String, String)> {
        resolve_with(&kb(), text)
    }

    fn resolve_with(kb: &KnowledgeBase, text: &str) -> Vec<(String, String)> {
        let chars: Vec<char> = text.chars().collect();
        let mut words = Vec::new();
        for (s, sentence) in segment(&chars).iter().enumerate() {
            for &range in &sentence.words {
                words.push(Word {
                    lower: chars[range.start..range.end]
                        .iter()
                        .collect::<String>()
                        .to_lowercase(),
                    range,
                    sentence: s,
                });
            }
        }
        let named: Vec<NamedMention> = words
            .iter()
            .filter_map(|w| {
                let entry = (0..kb.len()).find(|&e| kb.entry(e).name.to_lowercase() == w.lower)?;
                Some(NamedMention {
                    range: w.range,
                    sentence: w.sentence,
                    entry,
                })
            })
            .collect();
        resolve_descriptors(kb, &words, &named)
            .into_iter()
            .map(|r| {
                (
                    chars[r.range.start..r.range.end].iter().collect(),
                    kb.entry(r.entry).name.clone(),
                )
            })
            .collect()
    }

    #[test]
    fn listed_descriptors_skip_the_nearer_wrong_company() {
        let got = resolve("OpenAI met Microsoft on Monday. The startup said it was pleased.");
        assert_eq!(got, [("The startup".to_string(), "OpenAI".to_string())]);
    }

    #[test]
    fn generic_descriptors_take_the_latest_company_in_reach() {
        let got = resolve("OpenAI met Microsoft. The company declined to comment.");
        assert_eq!(got, [("The company".to_string(), "Microsoft".to_string())]);
        let far =
            resolve("Microsoft grew. Sales rose. Costs fell. Margins held. The company said so.");
        assert!(far.is_empty(), "{far:?}");
    }

    #[test]
    fn no_company_before_means_no_resolution_and_modifiers_are_not_descriptors() {
        assert!(resolve("The company said sales rose. Then Microsoft left.").is_empty());
        assert!(resolve("Microsoft parked the company car.").is_empty());
    }

    #[test]
    fn generic_heads_come_from_the_knowledge_base() {
        let got = resolve("OpenAI met Microsoft. The firm declined to comment.");
        assert_eq!(got, [("The firm".to_string(), "Microsoft".to_string())]);
        // A head the knowledge base does not list is no descriptor.
        assert!(resolve("OpenAI met Microsoft. The giant declined to comment.").is_empty());
        let bare = KnowledgeBase::new(entries());
        assert!(bare.generic_descriptors().is_empty());
        let text = "OpenAI met Microsoft. The company declined to comment.";
        assert!(resolve_with(&bare, text).is_empty());
    }
}
