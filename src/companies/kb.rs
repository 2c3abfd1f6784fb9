//! The company knowledge base: a JSON data file users can edit (`models/companies.json`).
//!
//! Reads: entries `{name, kind, aliases, products, descriptors, ambiguous?}`. Provides
//! case-sensitive whole-word matching of names, aliases and products over a sentence's
//! words, each match naming the company it refers to (a product refers to its owner).

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::text::segment::tokenize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Company,
    Publication,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Entry {
    pub name: String,
    pub kind: Kind,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub products: Vec<String>,
    #[serde(default)]
    pub descriptors: Vec<String>,
    /// Names that are also common words: they resolve a found mention, never create one.
    #[serde(default)]
    pub ambiguous: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct File {
    companies: Vec<Entry>,
}

#[derive(Debug, Clone)]
struct Name {
    words: Vec<String>,
    entry: usize,
    product: bool,
    ambiguous: bool,
}

/// A name found in a word sequence: words `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    pub start: usize,
    pub end: usize,
    pub entry: usize,
    /// The words name a product of the entry, not the entry itself.
    pub product: bool,
    /// The name is also a common word.
    pub ambiguous: bool,
}

#[derive(Debug, Clone, Default)]
pub struct KnowledgeBase {
    entries: Vec<Entry>,
    /// Names by their first word.
    index: HashMap<String, Vec<Name>>,
}

pub fn words_of(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    tokenize(&chars, 0, chars.len())
        .into_iter()
        .map(|(s, e)| chars[s..e].iter().collect())
        .collect()
}

impl KnowledgeBase {
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let file: File = serde_json::from_str(&text).map_err(|e| Error::Data {
            path: path.to_path_buf(),
            line: e.line(),
            message: format!("not a companies file: {e}"),
        })?;
        Ok(Self::new(file.companies))
    }

    pub fn new(entries: Vec<Entry>) -> Self {
        let mut index: HashMap<String, Vec<Name>> = HashMap::new();
        for (i, entry) in entries.iter().enumerate() {
            let names = std::iter::once((&entry.name, false))
                .chain(entry.aliases.iter().map(|a| (a, false)))
                .chain(entry.products.iter().map(|p| (p, true)));
            for (name, product) in names {
                let words = words_of(name);
                let Some(first) = words.first().cloned() else {
                    continue;
                };
                index.entry(first).or_default().push(Name {
                    words,
                    entry: i,
                    product,
                    ambiguous: entry.ambiguous.contains(name),
                });
            }
        }
        for names in index.values_mut() {
            names.sort_by_key(|n| std::cmp::Reverse(n.words.len()));
        }
        KnowledgeBase { entries, index }
    }

    pub fn entry(&self, i: usize) -> &Entry {
        &self.entries[i]
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Longest names first, left to right, without overlaps.
    pub fn find(&self, words: &[&str]) -> Vec<Match> {
        let mut found = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let hit = self.index.get(words[i]).and_then(|names| {
                names.iter().find(|n| {
                    n.words.len() <= words.len() - i
                        && n.words.iter().zip(&words[i..]).all(|(a, b)| a == b)
                })
            });
            match hit {
                Some(name) => {
                    found.push(Match {
                        start: i,
                        end: i + name.words.len(),
                        entry: name.entry,
                        product: name.product,
                        ambiguous: name.ambiguous,
                    });
                    i += name.words.len();
                }
                None => i += 1,
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kb() -> KnowledgeBase {
        let json = r#"{"companies": [
            {"name": "Microsoft", "kind": "company", "aliases": ["Microsoft Corp."], "products": ["Azure"]},
            {"name": "The Information", "kind": "publication"},
            {"name": "Snap", "kind": "company", "ambiguous": ["Snap"]}
        ]}"#;
        let file: File = serde_json::from_str(json).expect("valid");
        KnowledgeBase::new(file.companies)
    }

    #[test]
    fn finds_longest_names_and_products() {
        let kb = kb();
        let words = [
            "Microsoft",
            "Corp.",
            "sells",
            "Azure",
            ",",
            "per",
            "The",
            "Information",
        ];
        let found = kb.find(&words);
        let got: Vec<(usize, usize, &str, bool)> = found
            .iter()
            .map(|m| (m.start, m.end, kb.entry(m.entry).name.as_str(), m.product))
            .collect();
        assert_eq!(
            got,
            vec![
                (0, 2, "Microsoft", false),
                (3, 4, "Microsoft", true),
                (6, 8, "The Information", false)
            ]
        );
    }

    #[test]
    fn matching_is_case_sensitive_and_flags_common_words() {
        let kb = kb();
        assert!(kb.find(&["the", "information"]).is_empty());
        let snap = kb.find(&["Snap"]);
        assert!(snap[0].ambiguous);
    }
}
