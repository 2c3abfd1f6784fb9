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

/// The LIKE pattern of names that end in the words of `name` ("Farley" → `% Farley`): a
/// speaker is stored by a person's fullest name, and is asked for by surname too. `%`, `_`
/// and `\` in the name are escaped (backslash escapes, as both back ends read them).
pub(crate) fn surname_pattern(name: &str) -> String {
    let mut pattern = String::from("% ");
    for c in name.trim().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern
}

/// The articles a search's name filters should match: the name itself, and the canonical
/// names of the companies it is the name, id, alias or ticker of.
pub(crate) fn names_with(name: &str, canonical: Vec<String>) -> Vec<String> {
    let mut names = vec![name.to_string()];
    for c in canonical {
        if !names.contains(&c) {
            names.push(c);
        }
    }
    names
}
