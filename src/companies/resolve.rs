//! Entities → companies: links the NER model's entities of one sentence to the knowledge
//! base, and adds the unambiguous names the model missed.
//!
//! Reads: a sentence's words, its NER spans, the knowledge base. Writes: the sentence's
//! entities, each with the company it refers to when known.

use crate::companies::kb::{Kind, KnowledgeBase, Match};
use crate::companies::names::is_legal_form;

/// An entity over a sentence's words `[start, end)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Linked {
    pub start: usize,
    pub end: usize,
    pub label: String,
    /// The NER model's confidence; `None` for a name only the knowledge base found.
    pub score: Option<f32>,
    /// Knowledge-base entry index.
    pub company: Option<usize>,
}

fn capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

fn kb_label(kb: &KnowledgeBase, m: &Match) -> &'static str {
    match (m.product, kb.entry(m.entry).kind) {
        (true, _) => "MISC",
        (false, Kind::Company | Kind::Publication | Kind::Institution) => "ORG",
    }
}

/// Links `ner` (sorted, non-overlapping) to `kb` over `words`.
pub fn link(kb: &KnowledgeBase, words: &[&str], ner: Vec<Linked>) -> Vec<Linked> {
    let matches = kb.find(words);
    let mut out: Vec<Linked> = Vec::with_capacity(ner.len());
    for mut entity in ner {
        let inside: Vec<&Match> = matches
            .iter()
            .filter(|m| entity.start <= m.start && m.end <= entity.end)
            .collect();
        if let Some(exact) = inside
            .iter()
            .find(|m| m.start == entity.start && m.end == entity.end)
        {
            entity.company = Some(exact.entry);
            out.push(entity);
            continue;
        }
        let covered = |w: usize| inside.iter().any(|m| m.start <= w && w < m.end);
        let rest = || (entity.start..entity.end).filter(|&w| !covered(w));
        if let [only] = inside[..] {
            // "Exxon Mobil Corp." is the listed "Exxon Mobil": a legal form or punctuation
            // does not make another company.
            let punctuation = |w: &str| !w.chars().any(char::is_alphanumeric);
            if !only.product && rest().all(|w| is_legal_form(words[w]) || punctuation(words[w])) {
                entity.company = Some(only.entry);
                out.push(entity);
                continue;
            }
        }
        let rest_is_lowercase = rest().all(|w| !capitalised(words[w]));
        if !inside.is_empty() && (inside.len() >= 2 || rest_is_lowercase) {
            // "Azure ChatGPT API" is two known names; "Azure cloud" is one.
            for m in inside {
                out.push(Linked {
                    start: m.start,
                    end: m.end,
                    label: entity.label.clone(),
                    score: entity.score,
                    company: Some(m.entry),
                });
            }
            continue;
        }
        let around = matches
            .iter()
            .find(|m| !m.ambiguous && m.start <= entity.start && entity.end <= m.end);
        if let Some(m) = around {
            // "Information" inside "The Information".
            entity.start = m.start;
            entity.end = m.end;
            entity.company = Some(m.entry);
        }
        out.push(entity);
    }
    for m in matches.iter().filter(|m| !m.ambiguous) {
        let taken = out.iter().any(|e| e.start < m.end && m.start < e.end);
        if !taken {
            out.push(Linked {
                start: m.start,
                end: m.end,
                label: kb_label(kb, m).to_string(),
                score: None,
                company: Some(m.entry),
            });
        }
    }
    out.sort_by_key(|e| (e.start, e.end));
    out.dedup_by(|a, b| a.start < b.end && b.start < a.end);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::companies::kb::Entry;

    fn entry(name: &str, kind: Kind, products: &[&str], ambiguous: &[&str]) -> Entry {
        Entry {
            name: name.into(),
            kind,
            id: None,
            tickers: Vec::new(),
            aliases: Vec::new(),
            products: products.iter().map(|s| s.to_string()).collect(),
            descriptors: Vec::new(),
            ambiguous: ambiguous.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn kb() -> KnowledgeBase {
        KnowledgeBase::new(vec![
            entry("Microsoft", Kind::Company, &["Azure"], &[]),
            entry("OpenAI", Kind::Company, &["ChatGPT"], &[]),
            entry("The Information", Kind::Publication, &[], &[]),
            entry("Snap", Kind::Company, &[], &["Snap"]),
            entry("Apple", Kind::Company, &["iPhone"], &["Apple"]),
            entry("Target", Kind::Company, &[], &["Target"]),
        ])
    }

    fn ner(start: usize, end: usize) -> Linked {
        Linked {
            start,
            end,
            label: "ORG".into(),
            score: Some(0.9),
            company: None,
        }
    }

    fn names(
        kb: &KnowledgeBase,
        words: &[&str],
        linked: &[Linked],
    ) -> Vec<(String, Option<String>)> {
        linked
            .iter()
            .map(|e| {
                (
                    words[e.start..e.end].join(" "),
                    e.company.map(|c| kb.entry(c).name.clone()),
                )
            })
            .collect()
    }

    #[test]
    fn a_listed_name_with_a_legal_form_is_the_listed_company() {
        let kb = kb();
        let words = [
            "Target",
            "Corp.",
            "and",
            "The",
            "Microsoft",
            "Corp",
            "rose",
            "Azure",
            "Inc",
        ];
        let linked = link(&kb, &words, vec![ner(0, 2), ner(3, 6), ner(7, 9)]);
        assert_eq!(
            names(&kb, &words, &linked),
            vec![
                ("Target Corp.".into(), Some("Target".into())),
                ("The Microsoft Corp".into(), Some("Microsoft".into())),
                ("Azure Inc".into(), None),
            ]
        );
    }

    #[test]
    fn products_resolve_to_their_owner() {
        let kb = kb();
        let words = ["Azure", "sales", "grew"];
        let linked = link(&kb, &words, vec![ner(0, 1)]);
        assert_eq!(
            names(&kb, &words, &linked),
            vec![("Azure".into(), Some("Microsoft".into()))]
        );
    }

    #[test]
    fn spans_over_two_names_split_and_lowercase_tails_drop() {
        let kb = kb();
        let words = ["Azure", "ChatGPT", "API", "and", "Azure", "cloud"];
        let linked = link(&kb, &words, vec![ner(0, 3), ner(4, 6)]);
        assert_eq!(
            names(&kb, &words, &linked),
            vec![
                ("Azure".into(), Some("Microsoft".into())),
                ("ChatGPT".into(), Some("OpenAI".into())),
                ("Azure".into(), Some("Microsoft".into()))
            ]
        );
    }

    #[test]
    fn partial_model_spans_widen_and_missed_names_are_added_without_a_score() {
        let kb = kb();
        let words = ["per", "The", "Information", ",", "OpenAI", "said"];
        let linked = link(&kb, &words, vec![ner(2, 3)]);
        assert_eq!(
            names(&kb, &words, &linked),
            vec![
                ("The Information".into(), Some("The Information".into())),
                ("OpenAI".into(), Some("OpenAI".into()))
            ]
        );
        assert_eq!(linked[1].score, None);
    }

    /// Issue 11 item 15: all-caps and title-case spellings of knowledge-base names link
    /// the entities the model found; capitalised common words make no entity by themselves.
    #[test]
    fn headline_capitals_link_found_entities_only() {
        let kb = kb();
        let words = [
            "APPLE", "AND", "SNAP", "MISS", "TARGET", "ON", "IPHONE", "SALES",
        ];
        let linked = link(&kb, &words, vec![ner(0, 1), ner(2, 3), ner(6, 7)]);
        assert_eq!(
            names(&kb, &words, &linked),
            vec![
                ("APPLE".into(), Some("Apple".into())),
                ("SNAP".into(), Some("Snap".into())),
                ("IPHONE".into(), Some("Apple".into()))
            ]
        );
        let words = ["Openai", "rival", "Iphone", "maker", "OPENAI"];
        let linked = link(&kb, &words, vec![ner(0, 1)]);
        assert_eq!(
            names(&kb, &words, &linked),
            vec![("Openai".into(), Some("OpenAI".into()))]
        );
    }

    #[test]
    fn ambiguous_names_never_create_entities() {
        let kb = kb();
        let words = ["Snap", "decisions", "and", "Snap", "shares"];
        let linked = link(&kb, &words, vec![ner(3, 4)]);
        assert_eq!(
            names(&kb, &words, &linked),
            vec![("Snap".into(), Some("Snap".into()))]
        );
    }
}
