//! The PostgreSQL index: the same tables as SQLite, with `jsonb` for JSON values,
//! generated `tsvector` columns with GIN indexes for full text, `COPY` for bulk loads,
//! upserts by id for companies. A batch's articles are written on a few connections in
//! parallel; each connection's share is one transaction that deletes those articles and
//! their rows and copies them in again, so a re-index replaces. The child tables have no
//! foreign keys: their checks cost a quarter of a load, and the loader is what keeps them
//! in step with `articles`.
//!
//! Credentials come from the URL or the usual `PG*` variables and are never printed.

use std::io::Write;

use std::time::Duration;

use postgres::config::Host;
use postgres::error::SqlState;
use postgres::types::ToSql;
use postgres::{Client, Config, NoTls};

use crate::companies::KnowledgeBase;
use crate::index::filter::{Dialect, Filter, Param};
use crate::index::query::{Facets, Hit, Search, FACETS};
use crate::index::rows::ClaimRow;
use crate::index::{IndexError, Rows, Searcher, Sink};

/// The tables, generated columns and indexes, created when missing.
pub(crate) const SCHEMA_SQL: &str = r#"
CREATE TABLE IF NOT EXISTS articles (
  id text PRIMARY KEY,
  title text, url text, published text, source text, text text, models text,
  meta jsonb,
  fts tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(text, '')), 'B')) STORED
);
CREATE INDEX IF NOT EXISTS articles_fts ON articles USING gin (fts);
CREATE TABLE IF NOT EXISTS claims (
  id text PRIMARY KEY,
  article_id text NOT NULL,
  kind text NOT NULL,
  quote text NOT NULL, quote_start bigint NOT NULL, quote_end bigint NOT NULL,
  sentence text, sentence_start bigint, sentence_end bigint,
  speaker text, speaker_mention text, cue text, target text, source text,
  sentiment text, sentiment_score double precision,
  title text, published text,
  speaker_title text, speaker_org text,
  fts tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', coalesce(quote, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(title, '')), 'B') ||
    setweight(to_tsvector('english', coalesce(sentence, '')), 'C')) STORED
);
-- A table made before the speaker's title and organisation were indexed gains them.
ALTER TABLE claims ADD COLUMN IF NOT EXISTS speaker_title text;
ALTER TABLE claims ADD COLUMN IF NOT EXISTS speaker_org text;
CREATE INDEX IF NOT EXISTS claims_fts ON claims USING gin (fts);
CREATE INDEX IF NOT EXISTS claims_article ON claims (article_id);
CREATE INDEX IF NOT EXISTS claims_speaker ON claims (lower(speaker));
CREATE INDEX IF NOT EXISTS claims_target ON claims (lower(target));
CREATE INDEX IF NOT EXISTS claims_source ON claims (lower(source));
CREATE INDEX IF NOT EXISTS claims_published ON claims (published);
CREATE TABLE IF NOT EXISTS entities (
  article_id text NOT NULL,
  start bigint NOT NULL, "end" bigint NOT NULL,
  text text NOT NULL, label text NOT NULL, score double precision, company text
);
CREATE INDEX IF NOT EXISTS entities_article ON entities (article_id);
CREATE TABLE IF NOT EXISTS companies (
  id text PRIMARY KEY, name text NOT NULL, kind text, tickers jsonb
);
CREATE TABLE IF NOT EXISTS aliases (
  alias text NOT NULL,
  company_id text NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
  PRIMARY KEY (alias, company_id)
);
CREATE INDEX IF NOT EXISTS aliases_lower ON aliases (lower(alias));
CREATE TABLE IF NOT EXISTS mentions (
  article_id text NOT NULL,
  company_id text, company text NOT NULL,
  mentions bigint NOT NULL, sentiment text, sentiment_score double precision
);
CREATE INDEX IF NOT EXISTS mentions_article ON mentions (article_id);
CREATE INDEX IF NOT EXISTS mentions_company ON mentions (company);
"#;

/// A PostgreSQL index.
pub struct Postgres {
    client: Client,
    /// How to open more connections, and how many a load writes on in parallel: the
    /// server's work (text search vectors, GIN and B-tree inserts) is the bound on a load,
    /// and one connection keeps one core of it busy.
    config: Config,
    /// `statement_timeout` of each connection: `index`'s or `search`'s.
    statement_timeout: Duration,
    connections: usize,
    /// The further loading connections, opened at the first batch.
    writers: Vec<Client>,
}

/// `postgres://user:secret@host:5432/db?password=x` → `postgres://host:5432/db`: what
/// may be printed of a connection URL.
pub(crate) fn redact(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let host = authority.rsplit('@').next().unwrap_or("");
    format!("{scheme}://{host}{path}")
}

/// The URL's settings, with what it leaves out taken from `PGHOST`, `PGPORT`, `PGUSER`,
/// `PGPASSWORD` and `PGDATABASE`, as libpq does.
fn config(url: &str) -> Result<Config, IndexError> {
    let mut config: Config = url.parse().map_err(|e: postgres::Error| {
        IndexError::Usage(format!(
            "not a valid PostgreSQL URL ({}): {}",
            redact(url),
            describe(&e)
        ))
    })?;
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    if config.get_hosts().is_empty() {
        config.host(var("PGHOST").as_deref().unwrap_or("localhost"));
    }
    if config.get_ports().is_empty() {
        if let Some(port) = var("PGPORT").and_then(|p| p.parse().ok()) {
            config.port(port);
        }
    }
    if config.get_user().is_none() {
        let user = var("PGUSER")
            .or_else(|| var("USER"))
            .unwrap_or_else(|| "postgres".into());
        config.user(&user);
    }
    if config.get_password().is_none() {
        if let Some(password) = var("PGPASSWORD") {
            config.password(password);
        }
    }
    if config.get_dbname().is_none() {
        if let Some(db) = var("PGDATABASE") {
            config.dbname(&db);
        }
    }
    Ok(config)
}

/// Settings for each session, measured on searches over a million claims: JIT compiling
/// took 70 ms of a 200 ms query; with the default random-page cost the planner scanned the
/// whole table for frequent words rather than use the GIN index; parallel workers cost
/// more to start than they saved.
const SESSION_SQL: &str = "SET client_min_messages = warning; SET jit = off;
    SET random_page_cost = 1.1; SET max_parallel_workers_per_gather = 0";

/// How long a connection may take (TCP connect, startup and authentication) unless the URL
/// says `connect_timeout=S`.
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// `statement_timeout` of `index` (each batch's statements) unless the URL's `options` set one.
pub(crate) const INDEX_STATEMENT_TIMEOUT: Duration = Duration::from_secs(60);
/// `statement_timeout` of `search` unless the URL's `options` set one.
pub(crate) const SEARCH_STATEMENT_TIMEOUT: Duration = Duration::from_secs(10);

/// The server as messages name it: `host:port`.
fn server(config: &Config) -> String {
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(Host::Unix(p)) => p.display().to_string(),
        None => "localhost".into(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!("{host}:{port}")
}

/// One connection, with the session settings and `statement_timeout`. The whole handshake
/// is bounded, not only the TCP connect (which is all the driver's `connect_timeout`
/// covers): a server that accepts and never answers fails after the timeout.
fn open(config: &Config, statement_timeout: Duration) -> Result<Client, IndexError> {
    let limit = config
        .get_connect_timeout()
        .copied()
        .unwrap_or(CONNECT_TIMEOUT);
    let mut attempt = config.clone();
    attempt.connect_timeout(limit);
    let (sender, outcome) = std::sync::mpsc::sync_channel(1);
    // On a timeout the thread is left blocked on its socket; it ends with the process.
    std::thread::spawn(move || {
        let _ = sender.send(attempt.connect(NoTls));
    });
    let mut client = match outcome.recv_timeout(limit) {
        Ok(Ok(client)) => client,
        Ok(Err(e)) => {
            return Err(IndexError::Postgres(format!(
                "cannot connect to {}: {}",
                server(config),
                describe(&e)
            )))
        }
        Err(_) => {
            return Err(IndexError::Postgres(format!(
                "timed out connecting to {} after {} s: the server did not complete the \
                 connection; check the host and port, or wait longer with ?connect_timeout=S \
                 in the URL",
                server(config),
                limit.as_secs_f64()
            )))
        }
    };
    client
        .batch_execute(&session_sql(config, statement_timeout))
        .map_err(pg)?;
    Ok(client)
}

/// The session settings, with `statement_timeout` unless the URL's `options` set it.
fn session_sql(config: &Config, statement_timeout: Duration) -> String {
    let mut sql = SESSION_SQL.to_string();
    if !config
        .get_options()
        .is_some_and(|o| o.contains("statement_timeout"))
    {
        sql += &format!(
            "; SET statement_timeout = {}",
            statement_timeout.as_millis()
        );
    }
    sql
}

/// What went wrong, from the server's own message when it sent one (the driver's Display
/// says only "db error"), else the driver's error and its causes. Neither holds the password.
fn describe(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        let mut said = format!("{} (SQLSTATE {})", db.message(), db.code().code());
        if let Some(detail) = db.detail() {
            said += &format!("; {detail}");
        }
        if let Some(hint) = db.hint() {
            said += &format!("; {hint}");
        }
        if db.code() == &SqlState::QUERY_CANCELED {
            said += "; a statement ran longer than statement_timeout: raise it with \
                     ?options=-c%20statement_timeout=MS in the URL";
        }
        return said;
    }
    let mut said = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        let text = c.to_string();
        if !said.contains(&text) {
            said += &format!(": {text}");
        }
        cause = c.source();
    }
    if said.contains("password missing") {
        said += "; give it in the URL (postgres://user:PASSWORD@host/db) or in PGPASSWORD";
    }
    said
}

fn pg(e: postgres::Error) -> IndexError {
    IndexError::Postgres(describe(&e))
}

/// Refuses FTS5 syntax that `websearch_to_tsquery` would read as plain words (and so find
/// other claims than SQLite does): `NEAR(`, `prefix*`, `column:word`.
fn check_websearch(query: &str) -> Result<(), IndexError> {
    let refuse = |what: &str| IndexError::Query {
        query: crate::index::query::quoted_prefix(query),
        reason: format!(
            "{what} is SQLite (FTS5) syntax; a PostgreSQL index takes web-search syntax: \
             words, \"a phrase\", OR, -word"
        ),
    };
    let near_group = query
        .match_indices("NEAR")
        .any(|(i, _)| query[i + 4..].trim_start().starts_with('('));
    if near_group {
        return Err(refuse("NEAR(…)"));
    }
    for word in query.split(|c: char| c.is_whitespace() || c == '"') {
        let stem = word.trim_end_matches('*');
        if stem.len() < word.len() && stem.ends_with(char::is_alphanumeric) {
            return Err(refuse("a prefix search (word*)"));
        }
        if let Some((column, _)) = word.split_once(':') {
            if ["quote", "sentence", "title"].contains(&column) {
                return Err(refuse("a column filter (column:word)"));
            }
        }
    }
    Ok(())
}

impl Postgres {
    /// Connects, creating the tables when `create` (for `index`; its statements get the
    /// longer timeout).
    pub fn connect(url: &str, create: bool) -> Result<Self, IndexError> {
        let config = config(url)?;
        let statement_timeout = if create {
            INDEX_STATEMENT_TIMEOUT
        } else {
            SEARCH_STATEMENT_TIMEOUT
        };
        let client = open(&config, statement_timeout)?;
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let mut db = Postgres {
            client,
            config,
            statement_timeout,
            connections: cores.min(4),
            writers: Vec::new(),
        };
        if create {
            db.client.batch_execute(SCHEMA_SQL).map_err(pg)?;
        }
        Ok(db)
    }

    /// The open connection (for tests and tools).
    pub fn client(&mut self) -> &mut Client {
        &mut self.client
    }

    /// Loads on `n` connections in parallel (at least one).
    pub(crate) fn with_connections(mut self, n: usize) -> Self {
        self.connections = n.max(1);
        self
    }

    fn canonical(&mut self, name: &str) -> Result<Vec<String>, IndexError> {
        let rows = self
            .client
            .query(
                "SELECT name FROM companies WHERE lower(name) = lower($1) OR id = $1
                 UNION
                 SELECT c.name FROM aliases a JOIN companies c ON c.id = a.company_id
                 WHERE lower(a.alias) = lower($1)",
                &[&name],
            )
            .map_err(pg)?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn resolve(&mut self, search: &Search) -> Result<Search, IndexError> {
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

    /// Whether `claims` has `speaker_org`: a table an older claimlink made has not until
    /// `index` next opens it, and is searched as if every value were NULL.
    fn has_org(&mut self) -> Result<bool, IndexError> {
        let row = self
            .client
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('claims')
                   AND attname = 'speaker_org' AND NOT attisdropped)",
                &[],
            )
            .map_err(pg)?;
        Ok(row.get(0))
    }
}

/// One field in COPY's text format: `\N` for null, backslash escapes; NUL characters,
/// which PostgreSQL text cannot hold, are dropped.
fn field(out: &mut Vec<u8>, value: Option<&str>) {
    let Some(value) = value else {
        out.extend_from_slice(b"\\N");
        return;
    };
    for b in value.bytes() {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0 => {}
            _ => out.push(b),
        }
    }
}

/// One COPY row from its fields.
fn row(out: &mut Vec<u8>, fields: &[Option<&str>]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(b'\t');
        }
        field(out, *f);
    }
    out.push(b'\n');
}

fn num<T: ToString>(v: Option<T>) -> Option<String> {
    v.map(|v| v.to_string())
}

impl Sink for Postgres {
    fn companies(&mut self, kb: &KnowledgeBase) -> Result<(), IndexError> {
        let mut tx = self.client.transaction().map_err(pg)?;
        for entry in kb.entries() {
            let id = entry.id();
            let tickers = serde_json::to_string(&entry.tickers).unwrap_or_default();
            tx.execute(
                "INSERT INTO companies (id, name, kind, tickers) VALUES ($1, $2, $3, $4::text::jsonb)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind,
                   tickers = excluded.tickers",
                &[&id, &entry.name, &entry.kind.as_str(), &tickers],
            )
            .map_err(pg)?;
            for alias in entry.aliases.iter().chain(&entry.tickers) {
                tx.execute(
                    "INSERT INTO aliases (alias, company_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    &[alias, &id],
                )
                .map_err(pg)?;
            }
        }
        tx.commit().map_err(pg)
    }

    fn write_batch(&mut self, batch: &[Rows]) -> Result<(), IndexError> {
        if batch.is_empty() {
            return Ok(());
        }
        let batch = Rows::last_copies(batch);
        while self.writers.len() + 1 < self.connections.min(batch.len()) {
            self.writers
                .push(open(&self.config, self.statement_timeout)?);
        }
        // The batch's articles are distinct now, so the shares may commit in any order;
        // the next batch starts when all have.
        let n = self.writers.len() + 1;
        let mut parts: Vec<Vec<&Rows>> = vec![Vec::new(); n];
        for (i, rows) in batch.into_iter().enumerate() {
            parts[i % n].push(rows);
        }
        let clients = std::iter::once(&mut self.client).chain(self.writers.iter_mut());
        std::thread::scope(|scope| {
            let running: Vec<_> = clients
                .zip(&parts)
                .map(|(client, part)| scope.spawn(move || write_part(client, part)))
                .collect();
            running.into_iter().try_for_each(|r| {
                r.join().map_err(|_| {
                    IndexError::Postgres(
                        "a loading connection's thread stopped unexpectedly".into(),
                    )
                })?
            })
        })
    }
}

/// Some of a batch's articles on one connection, in one transaction: their old rows
/// deleted, the new ones copied in.
fn write_part(client: &mut Client, batch: &[&Rows]) -> Result<(), IndexError> {
    if batch.is_empty() {
        return Ok(());
    }
    let ids: Vec<&str> = batch.iter().map(|r| r.article.id.as_str()).collect();
    let mut data = CopyData::default();
    for rows in batch {
        data.add(rows);
    }
    let mut tx = client.transaction().map_err(pg)?;
    for table in ["claims", "entities", "mentions"] {
        tx.execute(
            &format!("DELETE FROM {table} WHERE article_id = ANY($1)"),
            &[&ids],
        )
        .map_err(pg)?;
    }
    tx.execute("DELETE FROM articles WHERE id = ANY($1)", &[&ids])
        .map_err(pg)?;
    for (sql, data) in [
        (
            "COPY articles (id, title, url, published, source, text, models, meta) FROM STDIN",
            &data.articles,
        ),
        (
            "COPY claims (id, article_id, kind, quote, quote_start, quote_end, sentence,
                   sentence_start, sentence_end, speaker, speaker_mention, cue, target, source,
                   sentiment, sentiment_score, title, published, speaker_title,
                   speaker_org) FROM STDIN",
            &data.claims,
        ),
        (
            "COPY entities (article_id, start, \"end\", text, label, score, company) FROM STDIN",
            &data.entities,
        ),
        (
            "COPY mentions (article_id, company_id, company, mentions, sentiment,
                   sentiment_score) FROM STDIN",
            &data.mentions,
        ),
    ] {
        if data.is_empty() {
            continue;
        }
        let mut writer = tx.copy_in(sql).map_err(pg)?;
        writer
            .write_all(data)
            .map_err(|e| IndexError::Postgres(format!("COPY failed: {e}")))?;
        writer.finish().map_err(pg)?;
    }
    let mut companies = data.companies;
    companies.sort();
    companies.dedup_by(|a, b| a.0 == b.0);
    for (id, name, kind, tickers) in companies {
        let tickers = serde_json::to_string(&tickers).unwrap_or_default();
        tx.execute(
            "INSERT INTO companies (id, name, kind, tickers) VALUES ($1, $2, $3, $4::text::jsonb)
                 ON CONFLICT (id) DO NOTHING",
            &[&id, &name, &kind, &tickers],
        )
        .map_err(pg)?;
    }
    tx.commit().map_err(pg)
}

/// One batch's rows in COPY text format, and the knowledge-base companies they name.
#[derive(Default)]
struct CopyData {
    articles: Vec<u8>,
    claims: Vec<u8>,
    entities: Vec<u8>,
    mentions: Vec<u8>,
    /// (id, name, kind, tickers)
    companies: Vec<(String, String, Option<String>, Vec<String>)>,
}

impl CopyData {
    /// Adds one claim's row.
    fn claim(&mut self, c: &ClaimRow) {
        let n = [
            c.quote_start.to_string(),
            c.quote_end.to_string(),
            num(c.sentence_start).unwrap_or_default(),
            num(c.sentence_end).unwrap_or_default(),
            num(c.sentiment_score).unwrap_or_default(),
        ];
        let opt = |present: bool, s: &str| present.then(|| s.to_string());
        let (ss, se, score) = (
            opt(c.sentence_start.is_some(), &n[2]),
            opt(c.sentence_end.is_some(), &n[3]),
            opt(c.sentiment_score.is_some(), &n[4]),
        );
        row(
            &mut self.claims,
            &[
                Some(&c.id),
                Some(&c.article_id),
                Some(c.kind),
                Some(&c.quote),
                Some(&n[0]),
                Some(&n[1]),
                c.sentence.as_deref(),
                ss.as_deref(),
                se.as_deref(),
                c.speaker.as_deref(),
                c.speaker_mention.as_deref(),
                c.cue.as_deref(),
                c.target.as_deref(),
                c.source.as_deref(),
                c.sentiment.as_deref(),
                score.as_deref(),
                c.title.as_deref(),
                c.published.as_deref(),
                c.speaker_title.as_deref(),
                c.speaker_org.as_deref(),
            ],
        );
    }

    /// Adds one article's rows.
    fn add(&mut self, rows: &Rows) {
        let a = &rows.article;
        row(
            &mut self.articles,
            &[
                Some(&a.id),
                a.title.as_deref(),
                a.url.as_deref(),
                a.published.as_deref(),
                a.source.as_deref(),
                a.text.as_deref(),
                a.models.as_deref(),
                a.meta.as_deref(),
            ],
        );
        for c in &rows.claims {
            self.claim(c);
        }
        for e in &rows.entities {
            let (s, en, sc) = (e.start.to_string(), e.end.to_string(), num(e.score));
            row(
                &mut self.entities,
                &[
                    Some(&e.article_id),
                    Some(&s),
                    Some(&en),
                    Some(&e.text),
                    Some(&e.label),
                    sc.as_deref(),
                    e.company.as_deref(),
                ],
            );
        }
        for m in &rows.mentions {
            let (n, sc) = (m.mentions.to_string(), num(m.sentiment_score));
            row(
                &mut self.mentions,
                &[
                    Some(&m.article_id),
                    m.company_id.as_deref(),
                    Some(&m.company),
                    Some(&n),
                    m.sentiment.as_deref(),
                    sc.as_deref(),
                ],
            );
            if let Some(id) = &m.company_id {
                self.companies.push((
                    id.clone(),
                    m.company.clone(),
                    m.kind.clone(),
                    m.tickers.clone(),
                ));
            }
        }
    }
}

/// The filter's parameters as the client binds them.
fn bound(filter: &Filter) -> Vec<&(dyn ToSql + Sync)> {
    (filter.params.iter())
        .map(|p| match p {
            Param::Text(text) => text as &(dyn ToSql + Sync),
            Param::Texts(texts) => texts,
        })
        .collect()
}

impl Searcher for Postgres {
    fn search(&mut self, search: &Search) -> Result<Vec<Hit>, IndexError> {
        if let Some(q) = &search.query {
            check_websearch(q)?;
        }
        let search = &self.resolve(search)?;
        let filter = Filter::new(search, Dialect::Postgres, self.has_org()?);
        let (snippet, rank, order) = if search.query.is_some() {
            (
                "ts_headline('english', coalesce(c.sentence, c.quote), q,
                   'StartSel=[, StopSel=], MaxWords=24, MinWords=8')",
                "ts_rank_cd(c.fts, q)::float8",
                "ORDER BY 12 DESC, c.id",
            )
        } else {
            (
                "c.quote",
                "0::float8",
                "ORDER BY c.published DESC NULLS LAST, c.id",
            )
        };
        let sql = format!(
            "SELECT c.article_id, c.title, c.id, c.kind, c.quote, c.speaker, c.target, c.source,
               c.sentiment, c.published, {snippet}, {rank}, {}
             {} {order} LIMIT {}",
            filter.column("speaker_org"),
            filter.clauses(search),
            search.limit
        );
        let rows = self
            .client
            .query(&sql, &bound(&filter))
            .map_err(|e| match e.code() {
                Some(&SqlState::UNDEFINED_TABLE) => IndexError::Usage(
                    "this PostgreSQL database holds no claimlink index: build one with \
                     `claimlink index --db URL`"
                        .into(),
                ),
                _ => pg(e),
            })?;
        Ok(rows
            .iter()
            .map(|r| Hit {
                article_id: r.get(0),
                title: r.get(1),
                claim_id: r.get(2),
                kind: r.get(3),
                quote: r.get(4),
                speaker: r.get(5),
                speaker_org: r.get(12),
                target: r.get(6),
                source: r.get(7),
                sentiment: r.get(8),
                published: r.get(9),
                snippet: r.get(10),
                rank: r.get(11),
            })
            .collect())
    }

    fn facets(&mut self, search: &Search) -> Result<Facets, IndexError> {
        let search = &self.resolve(search)?;
        let filter = Filter::new(search, Dialect::Postgres, self.has_org()?);
        let mut facets = Facets::default();
        for (name, column) in FACETS {
            let sql = format!(
                "SELECT {}, count(*) {} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20",
                filter.column(column),
                filter.clauses(search)
            );
            let rows = self.client.query(&sql, &bound(&filter)).map_err(pg)?;
            facets.set(name, rows.iter().map(|r| (r.get(0), r.get(1))).collect());
        }
        Ok(facets)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_printed_without_credentials() {
        for url in [
            "postgres://alice:s3cret@db.example:5433/news?sslmode=disable&password=s3cret",
            "postgresql://alice:s3cret@localhost/news",
        ] {
            let shown = redact(url);
            assert!(!shown.contains("s3cret"), "{shown}");
            assert!(!shown.contains("alice"), "{shown}");
            assert!(shown.contains("/news"), "{shown}");
        }
    }

    #[test]
    fn statement_timeout_defaults_unless_the_url_sets_one() {
        let plain: Config = "postgres://u@h/db".parse().expect("URL");
        let sql = session_sql(&plain, SEARCH_STATEMENT_TIMEOUT);
        assert!(sql.ends_with("SET statement_timeout = 10000"), "{sql}");
        let set: Config = "postgres://u@h/db?options=-c%20statement_timeout%3D250"
            .parse()
            .expect("URL");
        assert_eq!(set.get_options(), Some("-c statement_timeout=250"));
        assert!(!session_sql(&set, INDEX_STATEMENT_TIMEOUT).contains("statement_timeout"));
    }

    #[test]
    fn fts5_only_syntax_is_refused_and_web_search_syntax_passes() {
        for bad in ["NEAR(a b, 3)", "x NEAR (a b)", "comp*", "title:chips"] {
            assert!(check_websearch(bad).is_err(), "{bad}");
        }
        for good in [
            "chips",
            "\"a phrase\" OR b",
            "a -b",
            "*",
            "10:30 talks",
            "a NEAR b",
        ] {
            assert!(check_websearch(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn copy_fields_escape_what_copy_reads_as_syntax() {
        let mut out = Vec::new();
        row(&mut out, &[Some("a\tb\\c\nd\0"), None]);
        assert_eq!(out, b"a\\tb\\\\c\\nd\t\\N\n");
    }
}
