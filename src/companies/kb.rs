//! The company knowledge base: a JSON data file users can edit (`models/companies.json`).
//!
//! Reads: entries `{name, kind, aliases, products, descriptors, ambiguous?}`. Provides
//! whole-word matching of names, aliases and products over a sentence's words, each match
//! naming the company it refers to (a product refers to its owner). Matching is exact, or
//! case-insensitive when the words are written all in capitals or in title case ("APPLE",
//! "Open Ai"): such a match resolves an entity the NER model found but never creates one,
//! since in a headline any common word is capitalised too ("TARGET", "SQUARE DEAL").
//! Lowercase words never match a capitalised name.

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
    /// Stable id of the entry; when the file gives none, `slug(name)`.
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    pub kind: Kind,
    /// Stock tickers (also listed in `aliases` when text should match them).
    #[serde(default)]
    pub tickers: Vec<String>,
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

impl Entry {
    /// The entry's id: the one the file gives, else its name's slug.
    pub fn id(&self) -> String {
        self.id.clone().unwrap_or_else(|| slug(&self.name))
    }
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Company => "company",
            Kind::Publication => "publication",
        }
    }
}

/// `"The Wall Street Journal"` → `"the-wall-street-journal"`: lowercase letters and digits,
/// runs of anything else one `-`.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

#[derive(Debug, Deserialize)]
struct File {
    companies: Vec<Entry>,
}

#[derive(Debug, Clone)]
struct Name {
    words: Vec<String>,
    /// `words` lowercased without invisible characters, for case variants.
    folded: Vec<String>,
    entry: usize,
    product: bool,
    ambiguous: bool,
}

impl Name {
    /// How `words` (as long as the name) spell this name, if they do.
    fn spelled_by(&self, words: &[&str]) -> Option<Spelling> {
        if self.words.len() != words.len() {
            return None;
        }
        if self.words.iter().zip(words).all(|(a, b)| *a == visible(b)) {
            return Some(Spelling::Exact);
        }
        let variant = words.iter().all(|w| is_capitals(w) || is_title_case(w))
            && self.folded.iter().zip(words).all(|(a, b)| *a == fold(b));
        variant.then_some(Spelling::CaseVariant)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Spelling {
    Exact,
    CaseVariant,
}

/// Invisible characters that do not change a word: soft hyphen, zero-width space and
/// joiners, word joiner, direction marks, byte order mark.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}')
}

/// The word without its invisible characters ("Reu\u{2060}ters" is "Reuters").
fn visible(word: &str) -> String {
    word.chars().filter(|&c| !is_invisible(c)).collect()
}

/// The key case variants compare by.
fn fold(word: &str) -> String {
    visible(word).to_lowercase()
}

/// "APPLE", "AT&T", "365": no lowercase letter.
fn is_capitals(word: &str) -> bool {
    !word.chars().any(char::is_lowercase)
}

/// "Apple", "Inc.": a capital, then no capital.
fn is_title_case(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_uppercase) && !chars.any(char::is_uppercase)
}

/// A name found in a word sequence: words `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    pub start: usize,
    pub end: usize,
    pub entry: usize,
    /// The words name a product of the entry, not the entry itself.
    pub product: bool,
    /// The name is also a common word, or the words are a case variant of the name: the
    /// match names the company of an entity found, never an entity of its own.
    pub ambiguous: bool,
}

#[derive(Debug, Clone, Default)]
pub struct KnowledgeBase {
    entries: Vec<Entry>,
    /// Names by their first word, lowercased.
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
                let folded: Vec<String> = words.iter().map(|w| fold(w)).collect();
                let Some(first) = folded.first().cloned() else {
                    continue;
                };
                index.entry(first).or_default().push(Name {
                    words,
                    folded,
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

    /// Every entry, in file order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry whose canonical name is `name`.
    pub fn named(&self, name: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.name == name)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Longest names first (an exact spelling before a case variant of the same length),
    /// left to right, without overlaps.
    pub fn find(&self, words: &[&str]) -> Vec<Match> {
        let mut found = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let hit = self.index.get(&fold(words[i])).and_then(|names| {
                names
                    .iter()
                    .filter_map(|n| {
                        let span = words.get(i..i + n.words.len())?;
                        Some((n, n.spelled_by(span)?))
                    })
                    .min_by_key(|(n, spelling)| (std::cmp::Reverse(n.words.len()), *spelling))
            });
            match hit {
                Some((name, spelling)) => {
                    found.push(Match {
                        start: i,
                        end: i + name.words.len(),
                        entry: name.entry,
                        product: name.product,
                        ambiguous: name.ambiguous || spelling == Spelling::CaseVariant,
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
    fn lowercase_never_matches_and_common_words_are_flagged() {
        let kb = kb();
        assert!(kb.find(&["the", "information"]).is_empty());
        assert!(kb.find(&["snap"]).is_empty());
        let snap = kb.find(&["Snap"]);
        assert!(snap[0].ambiguous);
    }

    /// Issue 11 item 15: the all-caps headline word "APPLE" was not Apple.
    #[test]
    fn capitals_and_title_case_match_as_variants_that_never_create_entities() {
        let kb = kb();
        let names = |words: &[&str]| -> Vec<(usize, usize, String, bool)> {
            kb.find(words)
                .iter()
                .map(|m| (m.start, m.end, kb.entry(m.entry).name.clone(), m.ambiguous))
                .collect()
        };
        assert_eq!(
            names(&["MICROSOFT", "CORP.", "AND", "SNAP"]),
            vec![
                (0, 2, "Microsoft".into(), true),
                (3, 4, "Snap".into(), true)
            ]
        );
        assert_eq!(
            names(&["The", "INFORMATION", "said"]),
            vec![(0, 2, "The Information".into(), true)]
        );
        // Exact spellings keep winning and stay unambiguous.
        assert_eq!(
            names(&["Microsoft"]),
            vec![(0, 1, "Microsoft".into(), false)]
        );
        // Mixed case inside a word is neither capitals nor title case.
        assert!(names(&["MicroSoft", "mICROSOFT", "microsoft"]).is_empty());
        // Invisible characters do not change a word (issue 11 item 14's "Reu\u{2060}ters").
        assert_eq!(
            names(&["Micro\u{2060}soft", "MICRO\u{ad}SOFT"]),
            vec![
                (0, 1, "Microsoft".into(), false),
                (1, 2, "Microsoft".into(), true)
            ]
        );
    }
}
