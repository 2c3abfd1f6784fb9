//! The company knowledge base: a JSON data file users edit and extend, the bundled
//! `models/companies.json` or another one given with `--companies FILE`
//! (`pipeline::Options::companies`).
//!
//! Reads: `{"companies": [...], "generic_descriptors": [...]}`. Each entry is
//! `{name, kind, aliases, products, descriptors, ambiguous?}`; `generic_descriptors`
//! (optional, default none) lists the head words of descriptors that may refer to any
//! company ("company" makes "the company" and "the software company" refer back), where an
//! entry's own `descriptors` are whole phrases that refer to that entry only. Provides
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
/// What a knowledge-base entry is.
pub enum Kind {
    /// A company.
    Company,
    /// A publication (a source claims are reported through).
    Publication,
    /// A central bank, regulator, agency or other public body: no company, but what a
    /// claim can be about.
    Institution,
}

#[derive(Debug, Clone, Deserialize)]
/// One company or publication of the knowledge base.
pub struct Entry {
    /// Stable id of the entry; when the file gives none, `slug(name)`.
    #[serde(default)]
    pub id: Option<String>,
    /// Canonical name: what records call it.
    pub name: String,
    /// Company, publication or institution.
    pub kind: Kind,
    /// Stock tickers (also listed in `aliases` when text should match them).
    #[serde(default)]
    pub tickers: Vec<String>,
    #[serde(default)]
    /// Other names it goes by (tickers included).
    pub aliases: Vec<String>,
    #[serde(default)]
    /// Products and services that name their owner ("Azure" → Microsoft).
    pub products: Vec<String>,
    #[serde(default)]
    /// Phrases that refer back to it ("the chipmaker").
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
    /// `company`, `publication` or `institution`, as the file writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Company => "company",
            Kind::Publication => "publication",
            Kind::Institution => "institution",
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
    /// Optional: a knowledge base without it has no generic descriptors.
    #[serde(default)]
    generic_descriptors: Vec<String>,
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
    /// First word.
    pub start: usize,
    /// End word, exclusive.
    pub end: usize,
    /// Index of the entry.
    pub entry: usize,
    /// The words name a product of the entry, not the entry itself.
    pub product: bool,
    /// The name is also a common word, or the words are a case variant of the name: the
    /// match names the company of an entity found, never an entity of its own.
    pub ambiguous: bool,
}

#[derive(Debug, Clone, Default)]
/// The company knowledge base (`models/companies.json`): entries and a name index.
pub struct KnowledgeBase {
    entries: Vec<Entry>,
    /// Names by their first word, lowercased.
    index: HashMap<String, Vec<Name>>,
    /// Head words of descriptors that may refer to any company, lowercase.
    generic: Vec<String>,
}

/// The words of `text` as the segmenter splits them.
pub fn words_of(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    tokenize(&chars, 0, chars.len())
        .into_iter()
        .map(|w| chars[w.start..w.end].iter().collect())
        .collect()
}

impl KnowledgeBase {
    /// Reads a knowledge base file; an unreadable or malformed one is an
    /// [`Error::KnowledgeBase`] naming the file and what is wrong with it.
    pub fn load(path: &Path) -> Result<Self> {
        let error = |message: String| Error::KnowledgeBase {
            path: path.to_path_buf(),
            message,
        };
        let text =
            std::fs::read_to_string(path).map_err(|e| error(format!("cannot read it: {e}")))?;
        let file: File =
            serde_json::from_str(&text).map_err(|e| error(format!("not a companies file: {e}")))?;
        let generic = file
            .generic_descriptors
            .into_iter()
            .map(|head| match words_of(&head).as_slice() {
                [word] => Ok(word.to_lowercase()),
                _ => Err(error(format!(
                    "generic descriptor {head:?} is not one word: list head words such as \
                     \"company\", which make \"the company\" refer back"
                ))),
            })
            .collect::<Result<_>>()?;
        Ok(Self::new(file.companies).with_generic_descriptors(generic))
    }

    /// The knowledge base with these generic descriptor heads (see the module comment),
    /// compared lowercase.
    pub fn with_generic_descriptors(mut self, heads: Vec<String>) -> Self {
        self.generic = heads.into_iter().map(|h| h.to_lowercase()).collect();
        self
    }

    /// The head words of descriptors that may refer to any company, lowercase.
    pub fn generic_descriptors(&self) -> &[String] {
        &self.generic
    }

    /// A knowledge base of `entries`.
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
        KnowledgeBase {
            entries,
            index,
            generic: Vec::new(),
        }
    }

    /// Entry `i` (an index from a `Match`).
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

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there is no entry.
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

    fn load_text(text: &str) -> Result<KnowledgeBase> {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("companies.json");
        std::fs::write(&path, text).expect("write");
        KnowledgeBase::load(&path)
    }

    #[test]
    fn generic_descriptors_are_optional_one_word_heads() {
        let entries = r#""companies": [{"name": "Snap", "kind": "company"}]"#;
        let kb = load_text(&format!("{{{entries}}}")).expect("no generic descriptors");
        assert!(kb.generic_descriptors().is_empty());
        let kb = load_text(&format!(
            r#"{{{entries}, "generic_descriptors": ["Company", "start-up"]}}"#
        ))
        .expect("heads");
        assert_eq!(kb.generic_descriptors(), ["company", "start-up"]);
        let error = load_text(&format!(
            r#"{{{entries}, "generic_descriptors": ["the company"]}}"#
        ))
        .expect_err("a phrase is not a head");
        assert!(
            error
                .to_string()
                .contains("\"the company\" is not one word"),
            "{error}"
        );
    }

    #[test]
    fn a_missing_or_malformed_file_is_an_error_naming_it() {
        let error = load_text(r#"{"companies": [{"name": "Snap"}]}"#).expect_err("no kind");
        let text = error.to_string();
        assert!(
            matches!(error, Error::KnowledgeBase { .. })
                && text.contains("companies.json")
                && text.contains("not a companies file")
                && text.contains("kind"),
            "{text}"
        );
        let error = KnowledgeBase::load(Path::new("/no/such/companies.json")).expect_err("missing");
        assert!(
            error
                .to_string()
                .starts_with("company knowledge base /no/such/companies.json: cannot read it"),
            "{error}"
        );
    }

    /// The bundled file carries the generic heads the code used to hard-code.
    #[test]
    fn the_bundled_knowledge_base_lists_generic_descriptors() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/companies.json");
        let kb = KnowledgeBase::load(&path).expect("bundled knowledge base");
        assert!(kb.len() > 100);
        for head in ["company", "firm", "startup", "lender", "conglomerate"] {
            assert!(kb.generic_descriptors().iter().any(|g| g == head), "{head}");
        }
    }

    #[test]
    fn the_bundled_knowledge_base_knows_central_banks_and_regulators_as_institutions() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/companies.json");
        let kb = KnowledgeBase::load(&path).expect("bundled knowledge base");
        for words in [
            &["Fed"][..],
            &["ECB"],
            &["Bank", "of", "England"],
            &["RBA"],
            &["Bank", "of", "Canada"],
            &["SEC"],
        ] {
            let found = kb.find(words);
            let entry = found.first().map(|m| kb.entry(m.entry));
            assert_eq!(entry.map(|e| e.kind), Some(Kind::Institution), "{words:?}");
        }
        assert_eq!(Kind::Institution.as_str(), "institution");
    }
}
