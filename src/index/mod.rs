//! `claimlink index` and `claimlink search`: claimlink/1 records into a search index, an
//! embedded SQLite database (FTS5) by default, PostgreSQL for a `postgres://` URL; the same
//! tables in both (articles, claims, entities, companies, aliases, mentions).
//!
//! Reads records through `record::Record` (Deserialize); a query is always a bound
//! parameter, never SQL text.

pub mod dbfile;
mod filter;
pub(crate) mod input;
pub(crate) mod live;
pub mod load;
pub(crate) mod offsets;
pub mod open;
pub mod postgres;
pub mod query;
pub(crate) mod rows;
pub mod sqlite;

use crate::companies::KnowledgeBase;
pub use load::{index, IndexOptions, DEFAULT_BATCH};
pub use offsets::Unit;
pub use query::{Facets, Hit, Search};
pub(crate) use rows::Rows;

#[derive(Debug, thiserror::Error)]
/// Everything `index`, `search` and `export` can fail with.
pub enum IndexError {
    /// Bad usage: the command cannot start (exit 2).
    #[error("{0}")]
    Usage(String),
    /// A search query the full-text engine cannot parse, or too large to run (exit 2).
    #[error("invalid search query {query}: {reason}")]
    Query {
        /// The start of the query, quoted (`query::quoted_prefix`): a query may be long.
        query: String,
        /// What the engine could not read.
        reason: String,
    },
    #[error("SQLite database {path}: {source}")]
    /// A SQLite database could not be opened, written or read.
    Sqlite {
        /// The database file.
        path: String,
        #[source]
        /// Why.
        source: rusqlite::Error,
    },
    /// `--db` names a file that is not a claimlink index: it is left as it was.
    #[error(
        "{path} is not a claimlink index: {what}; nothing was written to it. Give \
             --db a new file (or an index claimlink made)"
    )]
    NotAnIndex {
        /// The file.
        path: String,
        /// What it is instead.
        what: String,
    },
    /// Another process held the index's write lock longer than `index` waits.
    #[error(
        "{path} is locked: {holder} kept it through the {seconds} s this run waited; try \
         again when it is done (index --wait SECONDS waits longer)"
    )]
    Locked {
        /// The database file.
        path: String,
        /// Who holds it, as far as can be told.
        holder: String,
        /// How long `index` waited.
        seconds: u64,
    },
    /// PostgreSQL errors, said without the connection string (it may hold a password).
    #[error("PostgreSQL: {0}")]
    Postgres(String),
    #[error("cannot read {path}: {source}")]
    /// An input or output file failed.
    Io {
        /// The file.
        path: String,
        #[source]
        /// Why.
        source: std::io::Error,
    },
    #[error(transparent)]
    /// A library error (the knowledge base, say).
    Library(#[from] crate::Error),
}

/// Where an index lives: a SQLite file or a PostgreSQL URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A SQLite database file.
    Sqlite(std::path::PathBuf),
    /// A `postgres://` URL.
    Postgres(String),
}

impl Target {
    /// The backend `db` names: a `postgres://` or `postgresql://` URL, else a SQLite file.
    pub fn parse(db: &str) -> Target {
        if db.starts_with("postgres://") || db.starts_with("postgresql://") {
            Target::Postgres(db.to_string())
        } else {
            Target::Sqlite(db.into())
        }
    }
}

/// What one load did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadSummary {
    /// Distinct articles loaded (an article given twice counts once).
    pub articles: usize,
    /// Claims loaded: those of each article's last copy.
    pub claims: usize,
    /// Copies of an article the input gave again: each replaced the one before it.
    pub duplicates: usize,
    /// Error lines and lines that are not claimlink/1 records: counted, never indexed.
    pub skipped: usize,
}

/// A backend the loader writes batches of rows into.
pub trait Sink {
    /// Writes the companies of the knowledge base (names and aliases for `--speaker` etc.).
    fn companies(&mut self, kb: &KnowledgeBase) -> Result<(), IndexError>;
    /// Replaces the articles of `batch` (and everything under them) in one transaction.
    fn write_batch(&mut self, batch: &[Rows]) -> Result<(), IndexError>;
}

/// A backend searches are run against.
pub trait Searcher {
    /// The ranked hits of a search.
    fn search(&mut self, search: &Search) -> Result<Vec<Hit>, IndexError>;
    /// Counts per speaker, target, source and sentiment of a search's hits.
    fn facets(&mut self, search: &Search) -> Result<Facets, IndexError>;
}

/// `name` as a LIKE pattern's literal text: `%`, `_` and `\\` escaped (backslash escapes,
/// as both back ends read them).
fn like_literal(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The LIKE pattern of names that end in the words of `name` ("Farley" → `% Farley`): a
/// speaker is stored by a person's fullest name, and is asked for by surname too.
pub(crate) fn surname_pattern(name: &str) -> String {
    format!("% {}", like_literal(name))
}

/// The LIKE patterns of texts holding the words of `name` as whole words: the text itself,
/// or at its start, end or middle ("Boeing" matches "Boeing Co." and "the Boeing unit").
pub(crate) fn word_patterns(name: &str) -> Vec<String> {
    let n = like_literal(name);
    vec![
        n.clone(),
        format!("{n} %"),
        format!("% {n}"),
        format!("% {n} %"),
    ]
}

/// `name` with an initialism written both ways: dots dropped ("F.B.I." → "FBI") and added
/// ("FBI" → "F.B.I."), so either spelling finds the other. The query is what changes, not
/// the stored names: indexes made before this match too.
pub(crate) fn spellings(name: &str) -> Vec<String> {
    let mut all = vec![name.to_string()];
    for other in [undotted(name), dotted(name)] {
        if !all.contains(&other) {
            all.push(other);
        }
    }
    all
}

/// "F.B.I. Director" → "FBI Director": dots dropped from runs of two or more single
/// letters each followed by a dot (an initial such as "J. Smith" keeps its dot); any case,
/// as names are matched.
pub(crate) fn undotted(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let starts_word = i == 0 || !chars[i - 1].is_alphanumeric();
        let mut j = i;
        let mut caps = String::new();
        while starts_word
            && chars.get(j).is_some_and(|c| c.is_alphabetic())
            && chars.get(j + 1) == Some(&'.')
        {
            caps.push(chars[j]);
            j += 2;
        }
        let ends_word = chars.get(j).is_none_or(|c| !c.is_alphanumeric());
        if caps.chars().count() >= 2 && ends_word {
            out += &caps;
            i = j;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// "FBI Director" → "F.B.I. Director": each word of two to four capitals dotted, and a
/// name of one such word in any case ("fbi" → "f.b.i.", as names match in any case).
fn dotted(name: &str) -> String {
    let alone = !name.trim().contains(' ');
    let words: Vec<String> = (name.split(' '))
        .map(|w| {
            let n = w.chars().count();
            let letters = w.chars().all(|c| c.is_ascii_alphabetic());
            let capitals = w.chars().all(|c| c.is_ascii_uppercase());
            if (2..=4).contains(&n) && letters && (capitals || alone) {
                w.chars().flat_map(|c| [c, '.']).collect()
            } else {
                w.to_string()
            }
        })
        .collect();
    words.join(" ")
}

/// The names a search's name filter should match: each spelling of `name`, and the
/// canonical names of the companies any of them is the name, id, alias or ticker of
/// (`canonical` looks one up in the index's knowledge base).
pub(crate) fn names_with<E>(
    name: &str,
    mut canonical: impl FnMut(&str) -> Result<Vec<String>, E>,
) -> Result<Vec<String>, E> {
    let mut names = spellings(name);
    for spelling in names.clone() {
        for c in canonical(&spelling)? {
            if !names.contains(&c) {
                names.push(c);
            }
        }
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initialisms_match_with_or_without_their_dots() {
        assert_eq!(spellings("F.B.I."), ["F.B.I.", "FBI"]);
        assert_eq!(spellings("FBI"), ["FBI", "F.B.I."]);
        assert_eq!(spellings("U.S. Steel"), ["U.S. Steel", "US Steel"]);
        assert_eq!(undotted("F.B.I. Director"), "FBI Director");
        assert_eq!(undotted("J. Smith"), "J. Smith");
        assert_eq!(undotted("Jr. A.B"), "Jr. A.B");
        assert_eq!(spellings("Boeing"), ["Boeing"]);
        assert_eq!(spellings("fbi"), ["fbi", "f.b.i."]);
        assert_eq!(spellings("f.b.i."), ["f.b.i.", "fbi"]);
        assert_eq!(spellings("Jim Farley"), ["Jim Farley"]);
        assert_eq!(word_patterns("a_b")[3], "% a\\_b %");
    }
}
