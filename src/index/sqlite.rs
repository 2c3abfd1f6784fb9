//! The embedded index: one SQLite file (WAL), plain tables a user can open with `sqlite3`,
//! Python or Datasette, and FTS5 tables over claims (quote, sentence, title) and articles
//! (title, text) kept in sync by triggers.
//!
//! Each batch of articles is one transaction: an article already in the index is deleted
//! (its claims, entities and mentions go with it) and written again, so a re-index replaces
//! and a load killed at any point leaves the last committed batch, which a second run
//! completes.

use std::path::Path;
use std::time::Duration;

use rusqlite::{
    params, params_from_iter, Connection, ErrorCode, OpenFlags, ToSql, TransactionBehavior,
};

use crate::companies::KnowledgeBase;
use crate::index::dbfile::{self, open_checked, open_read_only, At, Contents};
use crate::index::filter::{Dialect, Filter, Param};
use crate::index::query::{quoted_prefix, Facets, Hit, Search, FACETS};
use crate::index::{IndexError, Rows, Searcher, Sink};

/// The tables, full-text tables, triggers and indexes, created when missing.
pub(crate) const SCHEMA_SQL: &str = r#"
CREATE TABLE IF NOT EXISTS articles (
  rowid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  title TEXT, url TEXT, published TEXT, source TEXT, text TEXT, models TEXT,
  meta TEXT -- JSON object
);
CREATE TABLE IF NOT EXISTS claims (
  rowid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  quote TEXT NOT NULL, quote_start INTEGER NOT NULL, quote_end INTEGER NOT NULL,
  sentence TEXT, sentence_start INTEGER, sentence_end INTEGER,
  speaker TEXT, speaker_mention TEXT, cue TEXT, target TEXT, source TEXT,
  sentiment TEXT, sentiment_score REAL,
  title TEXT, published TEXT,
  speaker_title TEXT, speaker_org TEXT
);
CREATE INDEX IF NOT EXISTS claims_article ON claims(article_id);
CREATE INDEX IF NOT EXISTS claims_speaker ON claims(speaker);
CREATE INDEX IF NOT EXISTS claims_target ON claims(target);
CREATE INDEX IF NOT EXISTS claims_source ON claims(source);
CREATE INDEX IF NOT EXISTS claims_published ON claims(published);
CREATE TABLE IF NOT EXISTS entities (
  article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  start INTEGER NOT NULL, "end" INTEGER NOT NULL,
  text TEXT NOT NULL, label TEXT NOT NULL, score REAL, company TEXT
);
CREATE INDEX IF NOT EXISTS entities_article ON entities(article_id);
CREATE TABLE IF NOT EXISTS companies (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT,
  tickers TEXT -- JSON array
);
CREATE TABLE IF NOT EXISTS aliases (
  alias TEXT NOT NULL COLLATE NOCASE,
  company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  PRIMARY KEY (alias, company_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS mentions (
  article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  company_id TEXT, company TEXT NOT NULL,
  mentions INTEGER NOT NULL, sentiment TEXT, sentiment_score REAL
);
CREATE INDEX IF NOT EXISTS mentions_article ON mentions(article_id);
CREATE INDEX IF NOT EXISTS mentions_company ON mentions(company);
CREATE VIRTUAL TABLE IF NOT EXISTS claims_fts USING fts5(
  quote, sentence, title, content='claims', content_rowid='rowid',
  tokenize='porter unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
  title, text, content='articles', content_rowid='rowid',
  tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS claims_ai AFTER INSERT ON claims BEGIN
  INSERT INTO claims_fts(rowid, quote, sentence, title)
  VALUES (new.rowid, new.quote, new.sentence, new.title);
END;
CREATE TRIGGER IF NOT EXISTS claims_ad AFTER DELETE ON claims BEGIN
  INSERT INTO claims_fts(claims_fts, rowid, quote, sentence, title)
  VALUES ('delete', old.rowid, old.quote, old.sentence, old.title);
END;
CREATE TRIGGER IF NOT EXISTS articles_ai AFTER INSERT ON articles BEGIN
  INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
CREATE TRIGGER IF NOT EXISTS articles_ad AFTER DELETE ON articles BEGIN
  INSERT INTO articles_fts(articles_fts, rowid, title, text)
  VALUES ('delete', old.rowid, old.title, old.text);
END;
"#;

/// A SQLite index file.
pub struct Sqlite {
    conn: Connection,
    at: At,
    /// Whether `claims` has the speaker's organisation: an index made before version 2
    /// has not until it is next written, and is searched as if every value were NULL.
    has_org: bool,
}

/// Columns of `claims` added after the first schema (version 2), fixed names only.
const ADDED_COLUMNS: [&str; 2] = ["speaker_title", "speaker_org"];

/// Whether the `claims` table has `column`.
fn has_column(conn: &Connection, column: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT count(*) FROM pragma_table_info('claims') WHERE name = ?1",
        [column],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n > 0)
}

/// How long a write waits for another process's lock by default (`index --wait`).
pub(crate) const DEFAULT_WAIT: Duration = Duration::from_secs(30);

/// Per-connection settings. A large page cache: claim ids are random, so their index is
/// written all over; with the default 2 MiB most inserts miss.
const READ_PRAGMAS: &str = "PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY;
    PRAGMA mmap_size=1073741824;";

impl Sqlite {
    /// Opens the index at `path`: for writing, creating it when missing, when `create`;
    /// else read-only. Waits up to `DEFAULT_WAIT` for another writer's lock.
    pub fn open(path: &Path, create: bool) -> Result<Self, IndexError> {
        Self::open_waiting(path, create, DEFAULT_WAIT)
    }

    /// `open`, a write waiting up to `wait` for another process's lock.
    ///
    /// Nothing is written to a file that is not an index or empty: its first bytes and then
    /// its application id and tables are read first (`dbfile`). The busy timeout is set
    /// before the first statement, so every lock (the switch to WAL, the schema, each batch)
    /// waits for it.
    pub(crate) fn open_waiting(
        path: &Path,
        create: bool,
        wait: Duration,
    ) -> Result<Self, IndexError> {
        if !create && !path.is_file() {
            return Err(IndexError::Usage(format!(
                "no index at {}: build one with `claimlink index --db {}`",
                path.display(),
                path.display()
            )));
        }
        dbfile::check_header(path)?;
        let at = At {
            path: path.to_path_buf(),
            wait,
        };
        let (conn, contents) = if create {
            let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE;
            open_checked(path, flags, &at)?
        } else {
            open_read_only(path, &at)?
        };
        conn.execute_batch(READ_PRAGMAS).map_err(|e| at.err(e))?;
        let has_org = has_column(&conn, "speaker_org").map_err(|e| at.err(e))?;
        let mut db = Sqlite { conn, at, has_org };
        if create {
            db.prepare_for_writing(contents)?;
        } else if contents == Contents::Empty {
            return Err(IndexError::Usage(format!(
                "{} holds no index yet: build one with `claimlink index --db {}`",
                path.display(),
                path.display()
            )));
        }
        Ok(db)
    }

    /// Switches a writable index to WAL and, when it is not this build's, creates its
    /// schema, adds the columns an older claimlink did not make, and stamps it: in one
    /// transaction, so a concurrent writer sees the old schema or the whole new one.
    fn prepare_for_writing(&mut self, contents: Contents) -> Result<(), IndexError> {
        let at = self.at.clone();
        let e = |e| at.err(e);
        self.conn
            .execute_batch(
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            )
            .map_err(e)?;
        let version: i32 = (self.conn)
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(e)?;
        if contents != Contents::Index || version < dbfile::SCHEMA_VERSION {
            let tx = (self.conn)
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(e)?;
            tx.execute_batch(SCHEMA_SQL).map_err(e)?;
            for column in ADDED_COLUMNS {
                if !has_column(&tx, column).map_err(e)? {
                    let sql = format!("ALTER TABLE claims ADD COLUMN {column} TEXT");
                    tx.execute_batch(&sql).map_err(e)?;
                }
            }
            tx.execute_batch(&dbfile::stamp_sql()).map_err(e)?;
            tx.commit().map_err(e)?;
        }
        self.has_org = true;
        self.conn.execute_batch(STAGING_SQL).map_err(e)
    }

    /// The open connection (for tests and tools).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    fn err(&self, e: rusqlite::Error) -> IndexError {
        self.at.err(e)
    }

    /// The canonical company names `name` is the name, id, alias or ticker of.
    fn canonical(&self, name: &str) -> Result<Vec<String>, IndexError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT name FROM companies WHERE name = ?1 COLLATE NOCASE OR id = ?1
                 UNION
                 SELECT c.name FROM aliases a JOIN companies c ON c.id = a.company_id
                 WHERE a.alias = ?1",
            )
            .map_err(|e| self.err(e))?;
        let names = stmt
            .query_map([name], |r| r.get::<_, String>(0))
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.err(e))?;
        Ok(names)
    }

    /// `search` with each name filter widened to the names it stands for.
    fn resolve(&self, search: &Search) -> Result<Search, IndexError> {
        let mut resolved = search.clone();
        for names in [
            &mut resolved.speaker,
            &mut resolved.speaker_org,
            &mut resolved.target,
            &mut resolved.source,
        ] {
            if let Some(name) = names.first().cloned() {
                *names = crate::index::names_with(&name, |n| self.canonical(n))?;
            }
        }
        Ok(resolved)
    }
}

impl Sink for Sqlite {
    fn companies(&mut self, kb: &KnowledgeBase) -> Result<(), IndexError> {
        let at = self.at.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| at.err(e))?;
        {
            let mut company = tx
                .prepare(
                    "INSERT INTO companies (id, name, kind, tickers) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (id) DO UPDATE SET name = excluded.name,
                       kind = excluded.kind, tickers = excluded.tickers",
                )
                .map_err(|e| at.err(e))?;
            let mut alias = tx
                .prepare("INSERT OR IGNORE INTO aliases (alias, company_id) VALUES (?1, ?2)")
                .map_err(|e| at.err(e))?;
            for entry in kb.entries() {
                let id = entry.id();
                let tickers = serde_json::to_string(&entry.tickers).unwrap_or_default();
                company
                    .execute(params![id, entry.name, entry.kind.as_str(), tickers])
                    .map_err(|e| at.err(e))?;
                for a in entry.aliases.iter().chain(&entry.tickers) {
                    alias.execute(params![a, id]).map_err(|e| at.err(e))?;
                }
            }
        }
        tx.commit().map_err(|e| at.err(e))
    }

    fn write_batch(&mut self, batch: &[Rows]) -> Result<(), IndexError> {
        let at = self.at.clone();
        let e = |e| at.err(e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(e)?;
        insert_batch(&tx, batch).map_err(e)?;
        tx.commit().map_err(e)
    }
}

/// Staging tables for a batch's articles and claims, in the connection's memory. FTS5
/// flushes its pending terms at every statement that writes it, so rows inserted one
/// statement each would make one index segment per claim, and merging those cost three
/// quarters of a load; staged rows reach the indexed tables (and their full-text
/// triggers) in one statement per batch.
const STAGING_SQL: &str = r#"
CREATE TEMP TABLE IF NOT EXISTS batch_articles (
  seq INTEGER PRIMARY KEY, id, title, url, published, source, text, models, meta
);
CREATE TEMP TABLE IF NOT EXISTS batch_claims (
  seq INTEGER PRIMARY KEY, id, article_id, kind, quote, quote_start, quote_end,
  sentence, sentence_start, sentence_end, speaker, speaker_mention, cue,
  target, source, sentiment, sentiment_score, title, published, speaker_title, speaker_org
);
"#;

/// A batch's rows, replacing what the index held for its articles; an article repeated
/// within the batch is written as its last copy. Statements are prepared once per
/// connection (`prepare_cached`).
fn insert_batch(tx: &rusqlite::Transaction, batch: &[Rows]) -> rusqlite::Result<()> {
    let batch = Rows::last_copies(batch);
    tx.execute_batch("DELETE FROM temp.batch_articles; DELETE FROM temp.batch_claims;")?;
    for rows in &batch {
        stage(tx, rows)?;
    }
    tx.execute_batch(
        "DELETE FROM main.articles WHERE id IN (SELECT id FROM temp.batch_articles);
         INSERT INTO main.articles (id, title, url, published, source, text, models, meta)
           SELECT id, title, url, published, source, text, models, meta
           FROM temp.batch_articles ORDER BY seq;
         INSERT INTO main.claims (id, article_id, kind, quote, quote_start, quote_end,
             sentence, sentence_start, sentence_end, speaker, speaker_mention, cue,
             target, source, sentiment, sentiment_score, title, published,
             speaker_title, speaker_org)
           SELECT id, article_id, kind, quote, quote_start, quote_end,
             sentence, sentence_start, sentence_end, speaker, speaker_mention, cue,
             target, source, sentiment, sentiment_score, title, published,
             speaker_title, speaker_org
           FROM temp.batch_claims WHERE true ORDER BY seq
           ON CONFLICT (id) DO NOTHING;",
    )?;
    for rows in &batch {
        insert_entities(tx, rows)?;
        insert_mentions(tx, rows)?;
    }
    Ok(())
}

/// One article's row and its claims, into the staging tables.
fn stage(tx: &rusqlite::Transaction, rows: &Rows) -> rusqlite::Result<()> {
    let a = &rows.article;
    tx.prepare_cached(
        "INSERT INTO temp.batch_articles (id, title, url, published, source, text, models, meta)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        a.id,
        a.title,
        a.url,
        a.published,
        a.source,
        a.text,
        a.models,
        a.meta
    ])?;
    let mut claim = tx.prepare_cached(
        "INSERT INTO temp.batch_claims (id, article_id, kind, quote, quote_start, quote_end,
           sentence, sentence_start, sentence_end, speaker, speaker_mention, cue,
           target, source, sentiment, sentiment_score, title, published, speaker_title,
           speaker_org)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
           ?16, ?17, ?18, ?19, ?20)",
    )?;
    for c in &rows.claims {
        claim.execute(params![
            c.id,
            c.article_id,
            c.kind,
            c.quote,
            c.quote_start,
            c.quote_end,
            c.sentence,
            c.sentence_start,
            c.sentence_end,
            c.speaker,
            c.speaker_mention,
            c.cue,
            c.target,
            c.source,
            c.sentiment,
            c.sentiment_score,
            c.title,
            c.published,
            c.speaker_title,
            c.speaker_org
        ])?;
    }
    Ok(())
}

/// One article's entities.
fn insert_entities(tx: &rusqlite::Transaction, rows: &Rows) -> rusqlite::Result<()> {
    let mut entity = tx.prepare_cached(
        "INSERT INTO entities (article_id, start, \"end\", text, label, score, company)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for n in &rows.entities {
        entity.execute(params![
            n.article_id,
            n.start,
            n.end,
            n.text,
            n.label,
            n.score,
            n.company
        ])?;
    }
    Ok(())
}

/// An article's companies, and the knowledge-base companies they are.
fn insert_mentions(tx: &rusqlite::Transaction, rows: &Rows) -> rusqlite::Result<()> {
    let mut mention = tx.prepare_cached(
        "INSERT INTO mentions (article_id, company_id, company, mentions, sentiment,
           sentiment_score) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut company = tx.prepare_cached(
        "INSERT INTO companies (id, name, kind, tickers) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO NOTHING",
    )?;
    for m in &rows.mentions {
        mention.execute(params![
            m.article_id,
            m.company_id,
            m.company,
            m.mentions,
            m.sentiment,
            m.sentiment_score
        ])?;
        if let Some(id) = &m.company_id {
            let tickers = serde_json::to_string(&m.tickers).unwrap_or_default();
            company.execute(params![id, m.company, m.kind, tickers])?;
        }
    }
    Ok(())
}

impl ToSql for Param {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        match self {
            Param::Text(text) => text.to_sql(),
            // SQLite binds a list as one `?` per item (`Filter::names`).
            Param::Texts(_) => Err(rusqlite::Error::ToSqlConversionFailure(
                "a list parameter in SQLite".into(),
            )),
        }
    }
}

impl Sqlite {
    /// A failed statement: an FTS5 query error is the user's query, anything else the
    /// database's.
    fn query_error(&self, search: &Search, e: rusqlite::Error) -> IndexError {
        let message = e.to_string();
        match &search.query {
            Some(q) if is_query_error(&message) => IndexError::Query {
                query: quoted_prefix(q),
                reason: describe_query_error(&message),
            },
            Some(q) if e.sqlite_error_code() == Some(ErrorCode::OperationInterrupted) => {
                IndexError::Query {
                    query: quoted_prefix(q),
                    reason: format!(
                        "stopped after {} s: it matches too much to rank in time; use fewer \
                         OR terms or prefix* words, or add filters (--speaker, --since)",
                        SEARCH_DEADLINE.as_secs()
                    ),
                }
            }
            _ => self.err(e),
        }
    }
}

/// FTS5's messages for a query it cannot parse.
fn is_query_error(message: &str) -> bool {
    message.starts_with("fts5:")
        || message.starts_with("no such column")
        || message.contains("unterminated string")
        || message.contains("unknown special query")
}

/// What was wrong, in the user's terms, and how to search literally.
fn describe_query_error(message: &str) -> String {
    let what = if message.contains("unterminated string") {
        "a \" is not closed".to_string()
    } else if let Some(column) = message.strip_prefix("no such column: ") {
        format!("{column:?} is not a searchable column (quote, sentence, title)")
    } else if message.contains("unknown special query") {
        "`*` must end a word (a prefix search such as `comp*`)".to_string()
    } else if message == "fts5: syntax error near \"\"" {
        "the query ends where a word was expected (after AND, OR, NOT or NEAR?)".to_string()
    } else if let Some(near) = message.strip_prefix("fts5: syntax error near ") {
        let near: String = near.chars().take(42).collect();
        format!("syntax error near {near}")
    } else {
        message.trim_start_matches("fts5: ").to_string()
    };
    format!(
        "{what}; queries are FTS5 syntax (words, \"phrases\", AND/OR/NOT, prefix*, \
         column:word): put words in double quotes to search them literally"
    )
}

/// How long one search statement may run before it is stopped (`query_error` says so):
/// a bound on the work any query can ask for.
pub(crate) const SEARCH_DEADLINE: Duration = Duration::from_secs(5);

/// Interrupts the connection's statements once `limit` has passed, unless dropped before.
struct Deadline {
    _stop: std::sync::mpsc::Sender<()>,
}

impl Deadline {
    fn start(conn: &Connection, limit: Duration) -> Deadline {
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let handle = conn.get_interrupt_handle();
        std::thread::spawn(move || {
            // Dropping the sender ends the wait early (Disconnected): no interrupt then.
            if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(limit) {
                handle.interrupt();
            }
        });
        Deadline { _stop: stop }
    }
}

impl Searcher for Sqlite {
    fn search(&mut self, search: &Search) -> Result<Vec<Hit>, IndexError> {
        let _deadline = Deadline::start(&self.conn, SEARCH_DEADLINE);
        let search = &self.resolve(search)?;
        let filter = Filter::new(search, Dialect::Sqlite, self.has_org);
        let (snippet, rank, order) = if search.query.is_some() {
            (
                "snippet(claims_fts, -1, '[', ']', '…', 16)",
                "bm25(claims_fts, 4.0, 1.0, 2.0)",
                "ORDER BY 12",
            )
        } else {
            ("c.quote", "0.0", "ORDER BY c.published DESC, c.id")
        };
        let sql = format!(
            "SELECT c.article_id, c.title, c.id, c.kind, c.quote, c.speaker, c.target, c.source,
               c.sentiment, c.published, {snippet}, {rank}, {}
             {} {order} LIMIT {}",
            filter.column("speaker_org"),
            filter.clauses(search),
            search.limit
        );
        let mut stmt = self
            .conn
            .prepare(&sql)
            .map_err(|e| self.query_error(search, e))?;
        let rows = stmt
            .query_map(params_from_iter(filter.params.iter()), |r| {
                Ok(Hit {
                    article_id: r.get(0)?,
                    title: r.get(1)?,
                    claim_id: r.get(2)?,
                    kind: r.get(3)?,
                    quote: r.get(4)?,
                    speaker: r.get(5)?,
                    speaker_org: r.get(12)?,
                    target: r.get(6)?,
                    source: r.get(7)?,
                    sentiment: r.get(8)?,
                    published: r.get(9)?,
                    snippet: r.get(10)?,
                    rank: r.get(11)?,
                })
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>());
        rows.map_err(|e| self.query_error(search, e))
    }

    fn facets(&mut self, search: &Search) -> Result<Facets, IndexError> {
        let _deadline = Deadline::start(&self.conn, SEARCH_DEADLINE);
        let search = &self.resolve(search)?;
        let filter = Filter::new(search, Dialect::Sqlite, self.has_org);
        let mut facets = Facets::default();
        for (name, column) in FACETS {
            let sql = format!(
                "SELECT {}, count(*) {} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20",
                filter.column(column),
                filter.clauses(search)
            );
            let mut stmt = self
                .conn
                .prepare(&sql)
                .map_err(|e| self.query_error(search, e))?;
            let counts = stmt
                .query_map(params_from_iter(filter.params.iter()), |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
                .map_err(|e| self.query_error(search, e))?;
            facets.set(name, counts);
        }
        Ok(facets)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::filter::literal_words;

    #[test]
    fn words_fts5_cannot_read_bare_are_quoted() {
        assert_eq!(literal_words("data-center chips"), "\"data-center\" chips");
        assert_eq!(
            literal_words("'; DROP TABLE claims; --"),
            "\"';\" DROP TABLE \"claims;\" \"--\""
        );
        // FTS5 syntax is the user's: left as written, so its errors are reported.
        assert_eq!(
            literal_words("\"open ai\" OR comp*"),
            "\"open ai\" OR comp*"
        );
        assert_eq!(literal_words("quote:demand"), "quote:demand");
        assert_eq!(literal_words("Zoë"), "Zoë");
        assert_eq!(
            literal_words("\"; DELETE FROM articles; --\""),
            "\"; DELETE FROM articles; --\""
        );
        assert_eq!(literal_words("\"unclosed phrase"), "\"unclosed phrase");
        assert_eq!(literal_words("Robert'); --"), "\"Robert');\" \"--\"");
        assert_eq!(literal_words("a \"b c\"* d;"), "a \"b c\"* \"d;\"");
        // The comma of a NEAR group is its syntax; elsewhere it is punctuation.
        assert_eq!(
            literal_words("NEAR(disaster Intel, 10)"),
            "NEAR(disaster Intel, 10)"
        );
        assert_eq!(literal_words("NEAR (a b,5) c,"), "NEAR (a b,5) \"c,\"");
        assert_eq!(literal_words("demand, supply"), "\"demand,\" supply");
    }

    #[test]
    fn a_statement_past_its_deadline_is_interrupted_and_one_within_it_is_not() {
        let conn = Connection::open_in_memory().expect("memory");
        let endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)
                       SELECT count(*) FROM c";
        let started = std::time::Instant::now();
        let deadline = Deadline::start(&conn, Duration::from_millis(200));
        let failed = conn.query_row(endless, [], |r| r.get::<_, i64>(0));
        drop(deadline);
        let e = failed.expect_err("interrupted");
        assert_eq!(e.sqlite_error_code(), Some(ErrorCode::OperationInterrupted));
        assert!(started.elapsed() < Duration::from_secs(5));
        let _deadline = Deadline::start(&conn, Duration::from_secs(60));
        let one: i64 = conn.query_row("SELECT 1", [], |r| r.get(0)).expect("runs");
        assert_eq!(one, 1);
    }

    #[test]
    fn query_errors_say_what_was_wrong_without_sqlite_words() {
        let said = describe_query_error("fts5: syntax error near \"AND\"");
        assert!(said.starts_with("syntax error near \"AND\""), "{said}");
        assert!(!said.contains("fts5:"));
        assert!(describe_query_error("unknown special query: ").contains("prefix"));
        let said = describe_query_error("fts5: syntax error near \"\"");
        assert!(said.starts_with("the query ends"), "{said}");
    }
}
