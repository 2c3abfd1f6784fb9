//! What kind of organisation a name says it is: the one home of the organisation-kind
//! words (legal forms, firm endings, kinds of company, descriptor heads, words of public
//! bodies, market names) that the claims rules and the name comparison ask about.
//!
//! Reads: `models/org-words.json`, built into the binary (`include_str!`), so the words
//! are there wherever the library runs, with or without a models folder; the file is the
//! only copy. Each list has a `why`, the reason it holds for news in general. Provides
//! one question per list (or per group of lists the rules ask about together), each asked
//! of a lowercase word.

use std::path::Path;
use std::sync::LazyLock;

use serde::Deserialize;

use crate::error::{Error, Result};

/// The file, as built in.
const BUNDLED: &str = include_str!("../../models/org-words.json");
/// Where the built-in file comes from, for error messages.
const BUNDLED_PATH: &str = "models/org-words.json";
/// The file version this build reads.
const VERSION: u64 = 1;

/// One list: its words and why it holds.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct List {
    why: String,
    words: Vec<String>,
}

impl List {
    fn has(&self, word: &str) -> bool {
        self.words.iter().any(|w| w == word)
    }
}

/// The organisation-kind words (see `models/org-words.json` for what each list is).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OrgWords {
    version: u64,
    /// What the file is, for its readers.
    about: String,
    legal_forms: List,
    group_words: List,
    firm_endings: List,
    organisation_endings: List,
    company_kinds: List,
    descriptor_heads: List,
    not_companies: List,
    kinds_after: List,
    market_names: List,
    commenting_firm_kinds: List,
    commenting_firm_endings: List,
    concepts: List,
}

impl OrgWords {
    /// Reads and checks the text of an organisation words file; `path` names it in errors.
    pub(crate) fn parse(text: &str, path: &Path) -> Result<Self> {
        let error = |message: String| Error::OrgWords {
            path: path.to_path_buf(),
            message,
        };
        let words: OrgWords = serde_json::from_str(text).map_err(|e| {
            error(format!(
                "not an organisation words file: {e}; follow the format of {BUNDLED_PATH}"
            ))
        })?;
        if words.about.trim().is_empty() {
            return Err(error(
                "\"about\" is empty: say in a sentence what the file is for".to_string(),
            ));
        }
        if words.version != VERSION {
            return Err(error(format!(
                "version {} is not the version this build reads ({VERSION}): use the file \
                 that came with this build",
                words.version
            )));
        }
        for (name, list) in words.lists() {
            check(name, list).map_err(error)?;
        }
        let dotted =
            (words.legal_forms.words.iter()).find(|w| !w.chars().all(char::is_alphanumeric));
        if let Some(word) = dotted {
            return Err(error(format!(
                "legal form {word:?} has other characters than letters and digits: write \
                 legal forms without dots (\"nv\" matches \"N.V.\" and \"NV\")"
            )));
        }
        Ok(words)
    }

    /// Every list with its name in the file.
    fn lists(&self) -> [(&'static str, &List); 12] {
        [
            ("legal_forms", &self.legal_forms),
            ("group_words", &self.group_words),
            ("firm_endings", &self.firm_endings),
            ("organisation_endings", &self.organisation_endings),
            ("company_kinds", &self.company_kinds),
            ("descriptor_heads", &self.descriptor_heads),
            ("not_companies", &self.not_companies),
            ("kinds_after", &self.kinds_after),
            ("market_names", &self.market_names),
            ("commenting_firm_kinds", &self.commenting_firm_kinds),
            ("commenting_firm_endings", &self.commenting_firm_endings),
            ("concepts", &self.concepts),
        ]
    }
}

/// What is wrong with the list `name`, if anything: no reason given, no words, a word
/// empty, with a space or not in lower case, a word listed twice.
fn check(name: &str, list: &List) -> std::result::Result<(), String> {
    if list.why.trim().is_empty() {
        return Err(format!(
            "list {name} has no \"why\": say in a sentence why it holds for news in general"
        ));
    }
    if list.words.is_empty() {
        return Err(format!(
            "list {name} has no words: list some, or ask for the rule that reads it to go"
        ));
    }
    for (i, word) in list.words.iter().enumerate() {
        if word.is_empty() || word.chars().any(char::is_whitespace) {
            return Err(format!(
                "{name} word {word:?} is not one word: list single words, as the article's \
                 words are compared one at a time"
            ));
        }
        if word.to_lowercase() != *word {
            return Err(format!(
                "{name} word {word:?} is not in lower case: write it lower case (it is \
                 compared with the article's words lowercased)"
            ));
        }
        if list.words[..i].contains(word) {
            return Err(format!("{name} lists {word:?} twice: remove one"));
        }
    }
    Ok(())
}

/// The built-in words, read on first use.
static WORDS: LazyLock<OrgWords> = LazyLock::new(|| {
    match OrgWords::parse(BUNDLED, Path::new(BUNDLED_PATH)) {
        Ok(words) => words,
        // The unit tests read the same file: a build whose file is broken fails them.
        Err(e) => panic!("{e}"),
    }
});

/// Whether `word` is a legal form ("Inc.", "N.V.", "plc"), in any case, dots ignored.
pub(crate) fn is_legal_form(word: &str) -> bool {
    let bare: String = (word.chars())
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    !bare.is_empty() && WORDS.legal_forms.has(&bare)
}

/// Whether `word` ends a company name without changing which company it is: a legal form
/// or a group word ("Gencor Ltd" and "Barrick Gold Group" are Gencor and Barrick Gold).
pub(crate) fn is_suffix(word: &str) -> bool {
    is_legal_form(word) || WORDS.group_words.has(word)
}

/// Whether a name ending with `word` is a company's: a legal form, a group word or a firm
/// ending ("Fabrikam Securities").
pub(crate) fn ends_company_name(word: &str) -> bool {
    is_suffix(word) || WORDS.firm_endings.has(word)
}

/// Whether a name ending with `word` is an organisation's, a company's or a public
/// body's ("Woodgrove Capital", "World Bank").
pub(crate) fn ends_organisation_name(word: &str) -> bool {
    ends_company_name(word) || WORDS.organisation_endings.has(word)
}

/// Whether `word`, right before a name, says it is a company ("chipmaker Nvidia").
pub(crate) fn is_company_kind(word: &str) -> bool {
    WORDS.company_kinds.has(word)
}

/// Whether `word` heads a phrase that refers back to an organisation ("the company").
pub(crate) fn is_descriptor_head(word: &str) -> bool {
    WORDS.descriptor_heads.has(word)
}

/// Whether an organisation name with `word` in it is no company: a word of public
/// bodies ("commission") or a market name ("Nikkei").
pub(crate) fn is_not_company(word: &str) -> bool {
    WORDS.not_companies.has(word) || WORDS.market_names.has(word)
}

/// Whether `word`, right after a name, says it is no company ("the CFDT union").
pub(crate) fn is_kind_after(word: &str) -> bool {
    WORDS.kinds_after.has(word)
}

/// Whether `word`, before a firm's name, makes its people outside commentators
/// ("stockbroker Tailspin").
pub(crate) fn is_commenting_firm_kind(word: &str) -> bool {
    WORDS.commenting_firm_kinds.has(word)
}

/// Whether a name, its lowercase words joined without spaces, is a business concept
/// ("IPO", "R&D"): never what a claim is about.
pub(crate) fn is_concept(joined: &str) -> bool {
    WORDS.concepts.has(joined)
}

/// Whether a firm name ending with `word` is an investor's, broker's or researcher's
/// ("Northwind Securities").
pub(crate) fn is_commenting_firm_ending(word: &str) -> bool {
    WORDS.commenting_firm_endings.has(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<OrgWords> {
        OrgWords::parse(text, Path::new("org-words.json"))
    }

    /// The built-in file with `list`'s words replaced by `words`.
    fn with_words(list: &str, words: serde_json::Value) -> String {
        let mut file: serde_json::Value = serde_json::from_str(BUNDLED).expect("json");
        file[list]["words"] = words;
        file.to_string()
    }

    #[test]
    fn the_built_in_file_reads_and_every_list_says_why() {
        let words = parse(BUNDLED).expect("models/org-words.json");
        assert!(!words.about.is_empty());
        assert!(words.lists().iter().all(|(_, l)| !l.why.is_empty()));
    }

    #[test]
    fn the_questions_answer_from_the_lists() {
        for word in ["Inc.", "inc", "N.V.", "PLC", "ltd."] {
            assert!(is_legal_form(word), "{word}");
        }
        assert!(!is_legal_form("group") && !is_legal_form("."));
        assert!(is_suffix("group") && !is_suffix("securities"));
        assert!(ends_company_name("securities") && !ends_company_name("bank"));
        assert!(ends_organisation_name("bank") && ends_organisation_name("plc"));
        assert!(is_company_kind("chipmaker") && is_descriptor_head("company"));
        assert!(is_not_company("commission") && is_not_company("nikkei"));
        assert!(!is_not_company("gencor"));
        assert!(is_kind_after("union") && is_commenting_firm_kind("stockbroker"));
        assert!(is_commenting_firm_ending("securities") && !is_commenting_firm_ending("inc"));
    }

    #[test]
    fn a_broken_file_is_an_error_saying_what_where_and_what_to_do() {
        let message = |text: &str| parse(text).expect_err("broken").to_string();
        let text = message(&with_words("legal_forms", serde_json::json!(["n.v."])));
        assert!(
            text.starts_with("organisation words org-words.json: legal form \"n.v.\"")
                && text.contains("without dots"),
            "{text}"
        );
        let text = message(&with_words("market_names", serde_json::json!(["Nikkei"])));
        assert!(
            text.contains("market_names word \"Nikkei\" is not in lower case"),
            "{text}"
        );
        let text = message(&with_words(
            "kinds_after",
            serde_json::json!(["union", "union"]),
        ));
        assert!(text.contains("kinds_after lists \"union\" twice"), "{text}");
        let text = message(&with_words(
            "company_kinds",
            serde_json::json!(["oil major"]),
        ));
        assert!(text.contains("is not one word"), "{text}");
        let mut file: serde_json::Value = serde_json::from_str(BUNDLED).expect("json");
        file["version"] = 2.into();
        assert!(message(&file.to_string()).contains("version 2"));
        file["version"] = 1.into();
        file["legal_form"] = file["legal_forms"].clone();
        let text = message(&file.to_string());
        assert!(text.contains("unknown field `legal_form`"), "{text}");
        file["legal_forms"]["why"] = "".into();
        if let Some(fields) = file.as_object_mut() {
            fields.remove("legal_form");
        }
        assert!(message(&file.to_string()).contains("list legal_forms has no \"why\""));
    }
}
