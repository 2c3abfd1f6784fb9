//! Company names compared across spellings: lower case, punctuation and legal suffixes
//! dropped, knowledge-base aliases mapped to their canonical name. One home for "are these
//! two names one organisation", used by the target ranker's grouping and by the scorers.

use std::collections::HashMap;

use crate::companies::{kinds, KnowledgeBase};

/// Company names compared as the scorer compares them: lower case, punctuation and
/// legal suffixes dropped, knowledge-base aliases mapped to their canonical name; two
/// names are the same when equal or when one's words run inside the other's
/// ("PTT" and "Koninklijke PTT Nederland").
#[derive(Debug, Default)]
pub struct Names {
    canonical: HashMap<String, String>,
}

/// Whether `word` is a legal form or a bare article ("Corp", "Inc.", "AG", "The"): words
/// that do not change which company a name is.
pub fn is_legal_form(word: &str) -> bool {
    let bare: String = (word.chars())
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    bare == "the" || kinds::is_legal_form(&bare)
}

/// The words a name is compared by: lower case, no punctuation, no legal suffix.
pub fn name_words(name: &str) -> Vec<String> {
    let cleaned: String = name
        .replace("'s", "")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '&' {
                c
            } else {
                ' '
            }
        })
        .collect::<String>()
        .to_lowercase();
    cleaned
        .split_whitespace()
        .filter(|w| !is_legal_form(w))
        .map(str::to_string)
        .collect()
}

impl Names {
    pub fn new(kb: &KnowledgeBase) -> Self {
        let mut canonical = HashMap::new();
        for i in 0..kb.len() {
            let entry = kb.entry(i);
            let name = name_words(&entry.name).join(" ");
            for alias in entry.aliases.iter().chain([&entry.name]) {
                canonical.insert(name_words(alias).join(" "), name.clone());
            }
        }
        Names { canonical }
    }

    fn key(&self, name: &str) -> Vec<String> {
        let joined = name_words(name).join(" ");
        match self.canonical.get(&joined) {
            Some(c) => c.split(' ').map(str::to_string).collect(),
            None => name_words(name),
        }
    }

    pub fn same(&self, a: &str, b: &str) -> bool {
        let (a, b) = (self.key(a), self.key(b));
        if a.is_empty() || b.is_empty() {
            return false;
        }
        runs_inside(&a, &b)
    }
}

/// Whether the shorter of two non-empty word lists runs inside the longer ("ptt" in
/// "koninklijke ptt nederland").
pub fn runs_inside(a: &[String], b: &[String]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    !short.is_empty() && long.windows(short.len()).any(|w| w == short)
}
