//! Opening an index by its `--db` value: a SQLite file or a `postgres://` URL, for writing
//! (`index`, `run --index`) or for searching; and how to name it without credentials.

use crate::index::{IndexError, Searcher, Sink, Target};

/// Opens the index for writing; `connections` sets how many PostgreSQL connections load
/// in parallel (SQLite has one writer, which waits up to `wait` for another's lock).
pub(crate) fn open_sink(
    db: &str,
    connections: Option<usize>,
    wait: std::time::Duration,
) -> Result<Box<dyn Sink>, IndexError> {
    Ok(match Target::parse(db) {
        Target::Sqlite(path) => Box::new(crate::index::sqlite::Sqlite::open_waiting(
            &path, true, wait,
        )?),
        Target::Postgres(url) => {
            let db = crate::index::postgres::Postgres::connect(&url, true)?;
            Box::new(match connections {
                Some(n) => db.with_connections(n),
                None => db,
            })
        }
    })
}

/// Opens the index for `search`: read-only.
pub fn open_searcher(db: &str) -> Result<Box<dyn Searcher>, IndexError> {
    Ok(match Target::parse(db) {
        Target::Sqlite(path) => Box::new(crate::index::sqlite::Sqlite::open(&path, false)?),
        Target::Postgres(url) => Box::new(crate::index::postgres::Postgres::connect(&url, false)?),
    })
}

/// Where the index is, said without credentials.
pub fn display_db(db: &str) -> String {
    match Target::parse(db) {
        Target::Sqlite(path) => path.display().to_string(),
        Target::Postgres(url) => crate::index::postgres::redact(&url),
    }
}
