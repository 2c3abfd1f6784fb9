//! What a `--db` file holds, told before anything is written to it; how it is opened
//! (read-only for `search`, also in a folder the user cannot write); and who holds it when
//! its lock is busy.
//!
//! A claimlink index carries `PRAGMA application_id = APPLICATION_ID` and its schema version
//! in `user_version`. Indexes made before claimlink set them are recognised by their tables
//! (and stamped when next written). Any other non-empty file is refused, whether a SQLite
//! database of another program or no database at all (a JSONL file given as `--db`).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags};

use crate::index::IndexError;

/// `PRAGMA application_id` of a claimlink index: "ClLk" in ASCII.
pub const APPLICATION_ID: i32 = 0x436c_4c6b;
/// `PRAGMA user_version` of an index this build makes; a higher one is a newer claimlink's.
/// Version 2 added `claims.speaker_title` and `claims.speaker_org`; a version 1 index is
/// searched as it is and gains them when next written.
pub const SCHEMA_VERSION: i32 = 2;
/// The tables that make an index written before the application id was set.
const INDEX_TABLES: [&str; 8] = [
    "articles",
    "claims",
    "entities",
    "companies",
    "aliases",
    "mentions",
    "claims_fts",
    "articles_fts",
];

/// What an opened database is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Contents {
    /// No tables yet: a new or empty file, free to become an index.
    Empty,
    /// A claimlink index with this build's schema.
    Index,
    /// A claimlink index from before the application id: its tables, no stamp.
    Unstamped,
}

/// Checks, by its first bytes and without opening it as a database, that the file at `path`
/// is missing, empty or a SQLite database.
pub(crate) fn check_header(path: &Path) -> Result<(), IndexError> {
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(IndexError::Io {
                path: path.display().to_string(),
                source,
            })
        }
    };
    let not_an_index = |what: String| IndexError::NotAnIndex {
        path: path.display().to_string(),
        what,
    };
    if path.is_dir() {
        return Err(not_an_index("it is a folder".into()));
    }
    let mut head = Vec::with_capacity(16);
    (&mut file)
        .take(16)
        .read_to_end(&mut head)
        .map_err(|source| IndexError::Io {
            path: path.display().to_string(),
            source,
        })?;
    if head.is_empty() || head == b"SQLite format 3\0" {
        return Ok(());
    }
    let start = String::from_utf8_lossy(&head);
    let hint = if start.trim_start().starts_with('{') {
        " (it looks like JSON lines: inputs go after the options, --db names the index)"
    } else {
        ""
    };
    Err(not_an_index(format!(
        "not a SQLite database, it starts with {}{hint}",
        crate::index::query::quoted_prefix(&start)
    )))
}

/// What the database open on `conn` holds; refuses another program's database. Reads only;
/// `err` says a failed read in the caller's terms.
pub(crate) fn contents(
    conn: &Connection,
    path: &Path,
    err: impl Fn(rusqlite::Error) -> IndexError,
) -> Result<Contents, IndexError> {
    let pragma = |name: &str| conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0));
    let id: i32 = pragma("application_id").map_err(&err)?;
    let version: i32 = pragma("user_version").map_err(&err)?;
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(&err)?;
    let objects: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .map_err(&err)?;
    let foreign = |what: String| IndexError::NotAnIndex {
        path: path.display().to_string(),
        what,
    };
    match (id, version) {
        (APPLICATION_ID, v) if v <= SCHEMA_VERSION => Ok(Contents::Index),
        (APPLICATION_ID, v) => Err(foreign(format!(
            "an index of schema version {v}, made by a newer claimlink than this one \
             (version {SCHEMA_VERSION})"
        ))),
        (0, _) if objects == 0 => Ok(Contents::Empty),
        (0, _) if INDEX_TABLES.iter().all(|t| tables.iter().any(|n| n == t)) => {
            Ok(Contents::Unstamped)
        }
        (0, _) => {
            let some: Vec<&str> = tables.iter().take(5).map(String::as_str).collect();
            Err(foreign(format!(
                "a SQLite database of another program (tables: {}{})",
                some.join(", "),
                match tables.len() {
                    0..=5 => String::new(),
                    n => format!(" and {} more", n - 5),
                }
            )))
        }
        (other, _) => Err(foreign(format!(
            "a SQLite database of another program (application id {other:#x})"
        ))),
    }
}

/// Which file, and how long a write waits for another process's lock: what an error needs
/// to say where and why.
#[derive(Clone)]
pub(crate) struct At {
    pub path: PathBuf,
    pub wait: Duration,
}

impl At {
    pub(crate) fn err(&self, e: rusqlite::Error) -> IndexError {
        err(&self.path, self.wait, e)
    }
}

/// Opens `path` (a file path, or a `file:` URI with `SQLITE_OPEN_URI`) and tells what it
/// holds, before anything is written.
pub(crate) fn open_checked(
    path: &Path,
    flags: OpenFlags,
    at: &At,
) -> Result<(Connection, Contents), IndexError> {
    let conn = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| at.err(e))?;
    conn.busy_timeout(at.wait).map_err(|e| at.err(e))?;
    let contents = contents(&conn, &at.path, |e| at.err(e))?;
    Ok((conn, contents))
}

/// Opens the index read-only. A WAL index in a folder the user cannot write fails so
/// (SQLite cannot make its `-shm` file there): then, when no write-ahead log is pending,
/// it is opened as immutable, which needs no `-shm`; nobody can be writing it either.
pub(crate) fn open_read_only(path: &Path, at: &At) -> Result<(Connection, Contents), IndexError> {
    let failed = match open_checked(path, OpenFlags::SQLITE_OPEN_READ_ONLY, at) {
        Ok(opened) => return Ok(opened),
        Err(IndexError::Sqlite { source, .. }) if cannot_share(&source) => source,
        Err(other) => return Err(other),
    };
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
        return Err(IndexError::Usage(format!(
            "cannot read {}: its write-ahead log (-wal) holds changes not yet in the file and \
             the folder is read-only ({failed}); someone who can write the folder should fold it \
             in with `claimlink index --db {} < /dev/null`",
            at.path.display(),
            at.path.display()
        )));
    }
    let mut uri = String::from("file:");
    for c in path.display().to_string().chars() {
        match c {
            '%' | '?' | '#' => uri += &format!("%{:02X}", c as u32),
            c => uri.push(c),
        }
    }
    uri += "?immutable=1";
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI;
    open_checked(Path::new(&uri), flags, at)
}

/// SQLite could not make or open the `-shm`/`-wal` files a WAL database's readers share.
fn cannot_share(e: &rusqlite::Error) -> bool {
    e.sqlite_error().is_some_and(|f| {
        f.extended_code == rusqlite::ffi::SQLITE_READONLY_DIRECTORY
            || f.code == ErrorCode::CannotOpen
    })
}

/// A failed statement; a lock still busy after `wait` says who holds it.
fn err(path: &Path, wait: Duration, e: rusqlite::Error) -> IndexError {
    if e.sqlite_error_code() == Some(ErrorCode::DatabaseBusy) {
        return IndexError::Locked {
            path: path.display().to_string(),
            holder: holders(path),
            seconds: wait.as_secs(),
        };
    }
    IndexError::Sqlite {
        path: path.display().to_string(),
        source: e,
    }
}

/// The SQL that stamps a database as this build's index (inside the schema's transaction).
pub(crate) fn stamp_sql() -> String {
    format!("PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {SCHEMA_VERSION};")
}

/// Who else has the file at `path` (or its `-wal`) open, as "process 123 (claimlink)",
/// read from /proc on Linux; elsewhere, or when nothing is found, a general phrase.
pub(crate) fn holders(path: &Path) -> String {
    let found = open_by(path);
    if found.is_empty() {
        return "another claimlink index or a program holding the database open".into();
    }
    let named: Vec<String> = found
        .iter()
        .take(3)
        .map(|(pid, name)| format!("process {pid} ({name})"))
        .collect();
    named.join(", ")
}

/// (pid, command name) of the other processes with `path` or its `-wal` file open.
fn open_by(path: &Path) -> Vec<(u32, String)> {
    let Ok(db) = std::fs::canonicalize(path) else {
        return Vec::new();
    };
    let wal = {
        let mut w = db.clone().into_os_string();
        w.push("-wal");
        std::path::PathBuf::from(w)
    };
    let me = std::process::id();
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for entry in procs.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == me {
            continue;
        }
        let Ok(fds) = std::fs::read_dir(entry.path().join("fd")) else {
            continue;
        };
        let holds = fds
            .flatten()
            .filter_map(|fd| std::fs::read_link(fd.path()).ok())
            .any(|target| target == db || target == wal);
        if holds {
            let name = std::fs::read_to_string(entry.path().join("comm")).unwrap_or_default();
            found.push((pid, name.trim().to_string()));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_that_are_not_sqlite_are_told_by_their_first_bytes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let jsonl = dir.path().join("out.jsonl");
        std::fs::write(&jsonl, "{\"id\":\"a\"}\n").expect("write");
        let said = check_header(&jsonl).expect_err("JSONL").to_string();
        assert!(said.contains("not a SQLite database"), "{said}");
        assert!(said.contains("JSON lines"), "{said}");
        let empty = dir.path().join("empty.db");
        std::fs::write(&empty, "").expect("write");
        assert!(check_header(&empty).is_ok());
        assert!(check_header(&dir.path().join("missing.db")).is_ok());
    }

    #[test]
    fn another_programs_tables_are_refused_and_claimlink_tables_recognised() {
        let conn = Connection::open_in_memory().expect("memory");
        let path = Path::new("mem.db");
        let err = |e: rusqlite::Error| IndexError::Usage(e.to_string());
        assert_eq!(contents(&conn, path, err).expect("empty"), Contents::Empty);
        conn.execute_batch("CREATE TABLE articles (x)")
            .expect("table");
        let said = contents(&conn, path, err).expect_err("foreign").to_string();
        assert!(said.contains("another program"), "{said}");
        assert!(said.contains("articles"), "{said}");
        conn.execute_batch(&stamp_sql()).expect("stamp");
        assert_eq!(
            contents(&conn, path, err).expect("stamped"),
            Contents::Index
        );
    }
}
