//! `claimlink index` and `claimlink search` on SQLite: the corpus through run → index →
//! search, replacement on re-index, skipped error lines, hostile queries, a SIGKILLed load,
//! offsets in other units.

mod feed;
mod util;

use std::path::Path;

use rusqlite::Connection;
use util::*;

fn index(db: &Path, inputs: &[&Path], extra: &[&str]) -> std::process::Output {
    let mut args: Vec<String> = vec!["index".into(), "--db".into(), db.display().to_string()];
    args.extend(inputs.iter().map(|p| p.display().to_string()));
    args.extend(extra.iter().map(|s| s.to_string()));
    claimlink(&args, None)
}

fn search(db: &Path, args: &[&str]) -> std::process::Output {
    let mut all: Vec<String> = vec!["search".into(), "--db".into(), db.display().to_string()];
    all.extend(args.iter().map(|s| s.to_string()));
    claimlink(&all, None)
}

fn count(db: &Path, table: &str) -> i64 {
    let conn = Connection::open(db).expect("open index");
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .expect("count")
}

fn integrity(db: &Path) {
    let conn = Connection::open(db).expect("open index");
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check");
    assert_eq!(ok, "ok");
    // The full-text index agrees with its content table.
    conn.execute_batch(
        "INSERT INTO claims_fts(claims_fts, rank) VALUES ('integrity-check', 1);
         INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1);",
    )
    .expect("FTS5 integrity-check");
}

#[test]
fn corpus_runs_indexes_and_searches_with_ranked_hits_and_facets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = feed::file(dir.path(), "corpus.jsonl", feed::corpus_output(true));
    let db = dir.path().join("corpus.db");
    let out = index(&db, &[&input], &[]);
    assert_success(&out);
    assert!(feed::stderr(&out).contains(&format!("{} claims", feed::corpus_claims())));
    assert_eq!(count(&db, "articles"), 7);
    assert_eq!(count(&db, "claims") as usize, feed::corpus_claims());
    assert!(count(&db, "entities") > 20);
    assert!(count(&db, "mentions") > 5);
    let out = search(&db, &["demand", "--json", "--facets"]);
    assert_success(&out);
    let lines: Vec<serde_json::Value> = stdout_lines(&out);
    let (facets, hits) = lines.split_last().expect("facets line");
    assert!(!hits.is_empty());
    let ids: std::collections::HashSet<String> = feed::records(true)
        .iter()
        .flat_map(|r| r["claims"].as_array().cloned().unwrap_or_default())
        .map(|c| c["id"].as_str().expect("id").to_string())
        .collect();
    for hit in hits {
        assert!(ids.contains(hit["claim_id"].as_str().expect("claim id")));
        let snippet = hit["snippet"].as_str().expect("snippet");
        assert!(snippet.to_lowercase().contains("[demand]"), "{snippet}");
    }
    // BM25 ranks: lower is better, in order.
    let ranks: Vec<f64> = hits
        .iter()
        .map(|h| h["rank"].as_f64().expect("rank"))
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
    let sentiments = facets["facets"]["sentiment"]
        .as_array()
        .expect("sentiment facet");
    let total: i64 = sentiments
        .iter()
        .map(|p| p[1].as_i64().expect("count"))
        .sum();
    assert_eq!(total as usize, hits.len());
    // Text output: numbered hits with the claim id.
    let out = search(&db, &["demand"]);
    assert_success(&out);
    assert!(feed::stdout(&out).starts_with("1. "));
}

#[test]
fn names_match_the_knowledge_base_names_aliases_and_tickers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = feed::file(dir.path(), "corpus.jsonl", feed::corpus_output(false));
    let db = dir.path().join("corpus.db");
    assert_success(&index(&db, &[&input], &[]));
    let speakers = |name: &str| -> Vec<String> {
        let out = search(&db, &["--speaker", name, "--json", "--limit", "100"]);
        assert_success(&out);
        stdout_lines(&out)
            .iter()
            .map(|h| h["claim_id"].as_str().expect("id").to_string())
            .collect()
    };
    let by_name = speakers("Nvidia");
    assert!(!by_name.is_empty(), "the corpus has a claim by Nvidia");
    assert_eq!(speakers("NVDA"), by_name);
    assert_eq!(speakers("nvidia"), by_name);
    assert_eq!(speakers("Nvidia Corp."), by_name);
    assert!(speakers("Nobody Atall").is_empty());
    for (flag, value) in [("--sentiment", "negative"), ("--kind", "direct")] {
        let out = search(&db, &[flag, value, "--json", "--limit", "100"]);
        assert_success(&out);
        let key = flag.trim_start_matches("--");
        for hit in stdout_lines(&out) {
            assert_eq!(hit[key], value);
        }
    }
}

#[test]
fn reindexing_replaces_articles_and_error_lines_are_skipped_with_exit_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = feed::file(dir.path(), "corpus.jsonl", feed::corpus_output(true));
    let db = dir.path().join("corpus.db");
    assert_success(&index(&db, &[&input], &[]));
    assert_success(&index(&db, &[&input], &[]));
    assert_eq!(count(&db, "articles"), 7);
    assert_eq!(count(&db, "claims") as usize, feed::corpus_claims());
    // An article written again with fewer claims keeps only those.
    let mut chip = feed::records(true)
        .into_iter()
        .find(|r| r["id"] == "chipmaker-earnings")
        .expect("chipmaker-earnings");
    let before = chip["claims"].as_array().map_or(0, Vec::len);
    assert!(before > 1);
    chip["claims"].as_array_mut().expect("claims").truncate(1);
    let error = r#"{"id":"x","schema":"claimlink/1","error":{"kind":"invalid_json","message":"m","file":"f","line":2}}"#;
    let changed = feed::file(
        dir.path(),
        "changed.jsonl",
        &format!("{chip}\n{error}\nnot json\n"),
    );
    let out = index(&db, &[&changed], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", feed::stderr(&out));
    let said = feed::stderr(&out);
    assert!(said.contains("changed.jsonl:2: error line"), "{said}");
    assert!(said.contains("changed.jsonl:3: not JSON"), "{said}");
    assert!(said.contains("2 lines skipped"), "{said}");
    assert_eq!(count(&db, "articles"), 7);
    assert_eq!(
        count(&db, "claims") as usize,
        feed::corpus_claims() - before + 1
    );
    integrity(&db);
}

#[test]
fn hostile_queries_are_data_never_sql() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = feed::file(dir.path(), "corpus.jsonl", feed::corpus_output(true));
    let db = dir.path().join("corpus.db");
    assert_success(&index(&db, &[&input], &[]));
    let claims = count(&db, "claims");
    for query in [
        "\"unbalanced",
        "AND",
        "demand AND",
        "nosuchcolumn:demand",
        "*",
        "NEAR(",
        "(demand",
    ] {
        let out = search(&db, &[query]);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{query}: {}",
            feed::stderr(&out)
        );
        let said = feed::stderr(&out);
        assert!(said.contains("invalid search query"), "{query}: {said}");
        assert!(!said.to_lowercase().contains("sqlite"), "{query}: {said}");
        assert!(!said.contains("fts5:"), "{query}: {said}");
    }
    for query in [
        "'; DROP TABLE claims; --",
        "\"; DELETE FROM articles; --\"",
        "x' OR '1'='1",
        "Robert'); DROP TABLE articles;--",
    ] {
        let out = search(&db, &[query]);
        assert_success(&out);
        assert!(feed::stdout(&out).is_empty(), "{query} found something");
    }
    for flag in ["--speaker", "--target", "--source"] {
        let out = search(&db, &[flag, "x' OR 1=1; DROP TABLE claims; --"]);
        assert_success(&out);
        assert!(feed::stdout(&out).is_empty(), "{flag}");
    }
    let out = search(&db, &["--since", "2024-01-01' OR 1=1 --"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(count(&db, "claims"), claims);
    assert_eq!(count(&db, "articles"), 7);
    integrity(&db);
    // Punctuated words are searched as the words they hold.
    let out = search(&db, &["data-center"]);
    assert_success(&out);
    assert!(!feed::stdout(&out).is_empty());
}

#[test]
fn a_sigkilled_load_leaves_a_consistent_index_and_a_second_run_completes_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = feed::file(dir.path(), "big.jsonl", &feed::replicated(3000));
    let articles = 3000 * 7;
    let db = dir.path().join("big.db");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_claimlink"))
        .args(["index", "--db"])
        .arg(&db)
        .arg(&input)
        .args(["--batch", "200"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("index starts");
    // Kill once some batches are committed (the WAL holds them), well before the end.
    let started = std::time::Instant::now();
    let wal = dir.path().join("big.db-wal");
    while started.elapsed() < std::time::Duration::from_secs(30) {
        if std::fs::metadata(&wal).map_or(0, |m| m.len()) > 2_000_000 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    integrity(&db);
    let partial = count(&db, "articles");
    assert!(partial < articles, "the load finished before the kill");
    assert_eq!(partial % 200, 0, "only whole batches are committed");
    // Every committed article has all its claims, and no claim is without its article.
    let expected: std::collections::HashMap<String, i64> = feed::records(true)
        .iter()
        .map(|r| {
            let n = r["claims"].as_array().map_or(0, Vec::len) as i64;
            (r["id"].as_str().expect("id").to_string(), n)
        })
        .collect();
    let conn = Connection::open(&db).expect("open");
    let per_article: Vec<(String, i64)> = conn
        .prepare("SELECT a.id, (SELECT count(*) FROM claims c WHERE c.article_id = a.id) FROM articles a")
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    for (id, n) in per_article {
        let base = id.split('~').next().expect("base id");
        assert_eq!(Some(&n), expected.get(base), "{id}");
    }
    let orphans: i64 = conn
        .query_row(
            "SELECT count(*) FROM claims WHERE article_id NOT IN (SELECT id FROM articles)",
            [],
            |r| r.get(0),
        )
        .expect("orphans");
    assert_eq!(orphans, 0);
    drop(conn);
    let out = index(&db, &[&input], &[]);
    assert_success(&out);
    assert_eq!(count(&db, "articles"), articles);
    assert_eq!(count(&db, "claims") as usize, 3000 * feed::corpus_claims());
    integrity(&db);
}

#[test]
fn offsets_in_utf16_units_and_bytes_slice_the_text_in_those_units() {
    let dir = tempfile::tempdir().expect("tempdir");
    // An astral character before the quote makes the three units differ.
    let article = serde_json::json!({
        "id": "astral",
        "text": "🚀 Launch day. \"Demand is huge,\" said Acme Corp. chief Jane Roe.",
    });
    let out = claimlink(
        &["run", "-", "--quiet", "--with-text"],
        Some(format!("{article}\n").as_bytes()),
    );
    assert_success(&out);
    let record = feed::stdout(&out);
    let input = feed::file(dir.path(), "astral.jsonl", &record);
    let text = article["text"].as_str().expect("text");
    for (unit, slice_of) in [
        (
            "codepoint",
            Box::new(|s: usize, e: usize| text.chars().skip(s).take(e - s).collect::<String>())
                as Box<dyn Fn(usize, usize) -> String>,
        ),
        (
            "utf16",
            Box::new(|s: usize, e: usize| {
                let units: Vec<u16> = text.encode_utf16().collect();
                String::from_utf16_lossy(&units[s..e])
            }),
        ),
        (
            "byte",
            Box::new(|s: usize, e: usize| text[s..e].to_string()),
        ),
    ] {
        let db = dir.path().join(format!("{unit}.db"));
        assert_success(&index(&db, &[&input], &["--offsets", unit]));
        let conn = Connection::open(&db).expect("open");
        let rows: Vec<(String, i64, i64)> = conn
            .prepare("SELECT quote, quote_start, quote_end FROM claims")
            .expect("prepare")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert!(!rows.is_empty(), "the quote is a claim");
        for (quote, s, e) in rows {
            assert_eq!(slice_of(s as usize, e as usize), quote, "{unit}");
        }
    }
    // Other units need the text: records written without --with-text are refused.
    let bare = feed::file(dir.path(), "bare.jsonl", feed::corpus_output(false));
    let out = index(
        &dir.path().join("bare.db"),
        &[&bare],
        &["--offsets", "utf16"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(feed::stderr(&out).contains("--with-text"));
}

#[test]
fn search_without_an_index_or_with_a_bad_date_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("missing.db");
    let out = search(&missing, &["demand"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(feed::stderr(&out).contains("claimlink index"));
    assert!(!missing.exists(), "search never creates an index");
}

#[test]
fn run_with_index_writes_the_index_while_annotating() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("live.db");
    let out = claimlink(
        &[
            "run",
            "corpus",
            "--quiet",
            "--with-text",
            "--index",
            db.to_str().expect("utf-8"),
        ],
        None,
    );
    assert_success(&out);
    assert_eq!(count(&db, "articles"), 7);
    assert_eq!(count(&db, "claims") as usize, feed::corpus_claims());
    assert!(
        count(&db, "companies") > 100,
        "the knowledge base's names are loaded"
    );
    let out = search(&db, &["demand", "--json"]);
    assert_success(&out);
    assert!(!stdout_lines(&out).is_empty());
    integrity(&db);
}

#[test]
fn an_article_given_twice_is_indexed_as_its_last_copy_whatever_the_batch() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The article's two copies in one batch, in two, and in two batches of three.
    let (input, claims) = feed::corpus_then_shorter_copy(dir.path());
    for batch in ["500", "1", "3"] {
        let db = dir.path().join(format!("batch-{batch}.db"));
        assert_success(&index(&db, &[&input], &["--batch", batch]));
        assert_eq!(count(&db, "articles"), 7, "batch {batch}");
        assert_eq!(count(&db, "claims") as usize, claims, "batch {batch}");
        integrity(&db);
    }
}

/// The file's bytes, to show a command left it as it was.
fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("read file")
}

/// Waits for `child` at most `limit`, killing it (and failing) if it runs on.
fn finish_within(
    child: std::process::Child,
    limit: std::time::Duration,
) -> (std::process::Output, std::time::Duration) {
    let started = std::time::Instant::now();
    let pid = child.id();
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(child.wait_with_output());
    });
    match finished.recv_timeout(limit) {
        Ok(out) => (out.expect("output"), started.elapsed()),
        Err(_) => {
            let _ = std::process::Command::new("kill")
                .args(["-9", &pid.to_string()])
                .status();
            panic!("claimlink ran for more than {limit:?}");
        }
    }
}

fn spawn_claimlink(args: &[String]) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_claimlink"))
        .args(args)
        .current_dir(project())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("claimlink starts")
}

fn index_args(db: &Path, input: &Path, extra: &[&str]) -> Vec<String> {
    let mut args = vec![
        "index".to_string(),
        "--db".into(),
        db.display().to_string(),
        input.display().to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

#[test]
fn index_refuses_another_programs_database_and_a_non_sqlite_file_without_writing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = feed::file(dir.path(), "corpus.jsonl", feed::corpus_output(true));
    // Someone else's SQLite database, with a table of the same name as one of ours.
    let other = dir.path().join("other.db");
    {
        let conn = Connection::open(&other).expect("create other.db");
        conn.execute_batch(
            "CREATE TABLE articles (headline TEXT); INSERT INTO articles VALUES ('theirs');",
        )
        .expect("their table");
    }
    let before = bytes(&other);
    let out = index(&other, &[&input], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", feed::stderr(&out));
    let said = feed::stderr(&out);
    assert!(said.contains("not a claimlink index"), "{said}");
    assert!(said.contains("another program"), "{said}");
    assert_eq!(bytes(&other), before, "other.db was written");
    let tables: i64 = Connection::open(&other)
        .expect("open")
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .expect("count");
    assert_eq!(tables, 1);
    // A file that is no database at all: the input given as --db by mistake.
    let before = bytes(&input);
    let out = index(&input, &[&input], &[]);
    assert_eq!(out.status.code(), Some(2));
    let said = feed::stderr(&out);
    assert!(said.contains("not a SQLite database"), "{said}");
    assert!(said.len() < 600, "the file's content is not echoed: {said}");
    assert_eq!(bytes(&input), before, "the input was written");
    assert!(!dir.path().join("corpus.jsonl-wal").exists());
    // `search` refuses both as well.
    for db in [&other, &input] {
        let out = search(db, &["demand"]);
        assert_eq!(out.status.code(), Some(2));
        assert!(feed::stderr(&out).contains("not a claimlink index"));
    }
    // An empty file is free to become an index, which is stamped as claimlink's.
    let empty = feed::file(dir.path(), "empty.db", "");
    assert_success(&index(&empty, &[&input], &[]));
    let conn = Connection::open(&empty).expect("open");
    let id: i32 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .expect("application_id");
    let version: i32 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("user_version");
    assert_eq!(id, claimlink::index::dbfile::APPLICATION_ID);
    assert_eq!(version, claimlink::index::dbfile::SCHEMA_VERSION);
}

#[test]
fn an_index_made_before_the_application_id_is_still_searched_and_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = feed::file(dir.path(), "corpus.jsonl", feed::corpus_output(true));
    let db = dir.path().join("old.db");
    assert_success(&index(&db, &[&input], &[]));
    Connection::open(&db)
        .expect("open")
        .execute_batch("PRAGMA application_id = 0; PRAGMA user_version = 0;")
        .expect("unstamp");
    let out = search(&db, &["demand", "--json"]);
    assert_success(&out);
    assert!(!stdout_lines(&out).is_empty());
    assert_success(&index(&db, &[&input], &[]));
    let id: i32 = Connection::open(&db)
        .expect("open")
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .expect("application_id");
    assert_eq!(id, claimlink::index::dbfile::APPLICATION_ID);
    assert_eq!(count(&db, "claims") as usize, feed::corpus_claims());
}

#[test]
fn index_waits_for_another_writers_lock_and_names_a_holder_that_keeps_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = feed::file(dir.path(), "corpus.jsonl", feed::corpus_output(true));
    // Two loads started together on a new file both complete: their batches take turns
    // (before, a deferred transaction's upgrade to writer failed at once, unwaited).
    let big = feed::file(dir.path(), "big.jsonl", &feed::replicated(200));
    for round in 0..3 {
        let db = dir.path().join(format!("together-{round}.db"));
        let first = spawn_claimlink(&index_args(&db, &big, &["--batch", "50"]));
        let second = spawn_claimlink(&index_args(&db, &big, &["--batch", "50"]));
        for child in [first, second] {
            let (out, _) = finish_within(child, std::time::Duration::from_secs(120));
            assert_success(&out);
        }
        assert_eq!(count(&db, "claims") as usize, 200 * feed::corpus_claims());
    }
    // A lock held for a moment is waited for.
    let db = dir.path().join("held.db");
    let holder = Connection::open(&db).expect("open");
    holder.execute_batch("BEGIN EXCLUSIVE").expect("lock");
    let child = spawn_claimlink(&index_args(&db, &input, &[]));
    std::thread::sleep(std::time::Duration::from_millis(1500));
    holder.execute_batch("COMMIT").expect("unlock");
    let (out, _) = finish_within(child, std::time::Duration::from_secs(120));
    assert_success(&out);
    // A lock kept longer than --wait: a plain message naming who holds it.
    holder.execute_batch("BEGIN EXCLUSIVE").expect("lock");
    let child = spawn_claimlink(&index_args(&db, &input, &["--wait", "1"]));
    let (out, took) = finish_within(child, std::time::Duration::from_secs(60));
    holder.execute_batch("COMMIT").expect("unlock");
    assert_eq!(out.status.code(), Some(2));
    let said = feed::stderr(&out);
    assert!(said.contains("is locked"), "{said}");
    assert!(
        said.contains(&format!("process {}", std::process::id())),
        "the holder is this test: {said}"
    );
    assert!(took < std::time::Duration::from_secs(20), "{took:?}");
}

#[test]
fn search_opens_the_index_read_only_and_never_writes_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = feed::file(dir.path(), "corpus.jsonl", feed::corpus_output(true));
    let db = dir.path().join("shipped.db");
    assert_success(&index(&db, &[&input], &[]));
    // An index handed out as a single file: rollback journal, read-only permissions.
    Connection::open(&db)
        .expect("open")
        .query_row("PRAGMA journal_mode=DELETE", [], |r| r.get::<_, String>(0))
        .expect("journal mode");
    let mut perms = std::fs::metadata(&db).expect("meta").permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&db, perms).expect("chmod 444");
    let before = bytes(&db);
    let out = search(&db, &["demand", "--json", "--facets"]);
    assert_success(&out);
    assert!(stdout_lines(&out).len() > 1);
    assert_eq!(bytes(&db), before, "search wrote the index");
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut name = db.clone().into_os_string();
        name.push(suffix);
        assert!(!Path::new(&name).exists(), "search left {suffix}");
    }
}

#[test]
fn control_characters_in_the_index_do_not_reach_the_terminal_but_json_keeps_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut record = feed::records(true)
        .into_iter()
        .find(|r| r["claims"].as_array().is_some_and(|c| !c.is_empty()))
        .expect("a record with claims");
    let title = "Clear\u{1b}[2J\u{1b}]0;owned\u{7} \u{9b}31mred";
    record["title"] = title.into();
    record["id"] = "evil\u{1b}[1A".into();
    let input = feed::file(dir.path(), "evil.jsonl", &format!("{record}\n"));
    let db = dir.path().join("evil.db");
    assert_success(&index(&db, &[&input], &[]));
    let out = search(&db, &["--limit", "100", "--facets"]);
    assert_success(&out);
    let shown = feed::stdout(&out);
    assert!(!shown.is_empty());
    for c in shown.chars() {
        assert!(
            !c.is_control() || c == '\n',
            "a control character {c:?} reached the terminal: {shown:?}"
        );
    }
    assert!(shown.contains("Clear\\u{1b}[2J"), "{shown}");
    // JSON output is the data as stored, exactly.
    let out = search(&db, &["--limit", "100", "--json"]);
    assert_success(&out);
    let hits = stdout_lines(&out);
    assert!(hits.iter().all(|h| h["title"] == title));
    assert!(hits.iter().all(|h| h["article_id"] == "evil\u{1b}[1A"));
}

#[test]
fn near_groups_find_the_claims_sqlite_match_finds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = feed::file(dir.path(), "corpus.jsonl", feed::corpus_output(true));
    let db = dir.path().join("corpus.db");
    assert_success(&index(&db, &[&input], &[]));
    // Two words of a claim's quote, a word apart.
    let quote: String = Connection::open(&db)
        .expect("open")
        .query_row(
            "SELECT quote FROM claims ORDER BY length(quote) DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("a quote");
    let words: Vec<&str> = quote
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 3)
        .collect();
    assert!(words.len() >= 3, "{quote}");
    let query = format!("NEAR({} {}, 10)", words[0], words[2]);
    let matched: i64 = Connection::open(&db)
        .expect("open")
        .query_row(
            "SELECT count(*) FROM claims_fts WHERE claims_fts MATCH ?1",
            [&query],
            |r| r.get(0),
        )
        .expect("MATCH");
    assert!(matched > 0, "{query}");
    let out = search(&db, &[&query, "--json", "--limit", "1000"]);
    assert_success(&out);
    assert_eq!(stdout_lines(&out).len() as i64, matched, "{query}");
}

#[test]
fn oversized_queries_are_refused_fast_and_quoted_only_by_their_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = feed::file(dir.path(), "corpus.jsonl", feed::corpus_output(true));
    let db = dir.path().join("corpus.db");
    assert_success(&index(&db, &[&input], &[]));
    let parens = "(".repeat(100_000);
    let words = vec!["demand"; 33].join(" OR ");
    for (query, why) in [(parens.as_str(), "100000 characters"), (&words, "33 words")] {
        let started = std::time::Instant::now();
        let out = search(&db, &[query]);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        assert_eq!(out.status.code(), Some(2));
        let said = feed::stderr(&out);
        assert!(said.contains(why), "{said}");
        assert!(
            said.len() < 400,
            "the query is echoed: {} bytes",
            said.len()
        );
    }
    // Up to the bounds, a query runs.
    let out = search(&db, &[&vec!["demand"; 32].join(" OR ")]);
    assert_success(&out);
    assert!(!feed::stdout(&out).is_empty());
}

#[test]
fn search_flags_are_checked_and_an_empty_result_is_told() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = feed::file(dir.path(), "corpus.jsonl", feed::corpus_output(true));
    let db = dir.path().join("corpus.db");
    assert_success(&index(&db, &[&input], &[]));
    for (flag, value, why) in [
        ("--limit", "18446744073709551615", "--limit"),
        ("--limit", "0", "--limit"),
        ("--since", "2024-13-01", "no such month"),
        ("--until", "2023-02-29", "no such day"),
    ] {
        let out = search(&db, &["demand", flag, value]);
        assert_eq!(out.status.code(), Some(2), "{flag} {value}");
        let said = feed::stderr(&out);
        assert!(said.contains(why), "{flag} {value}: {said}");
        assert!(!said.contains("datatype mismatch"), "{said}");
    }
    assert_success(&search(&db, &["demand", "--since", "2024-02-29"]));
    for extra in [&[][..], &["--json"][..], &["--json", "--facets"][..]] {
        let mut args = vec!["zzzyzxnothing"];
        args.extend(extra);
        let out = search(&db, &args);
        assert_success(&out);
        assert!(feed::stdout(&out).is_empty(), "{extra:?}");
        assert!(feed::stderr(&out).contains("no claims match"), "{extra:?}");
    }
}

#[test]
fn an_article_given_twice_is_named_and_counted_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (input, claims) = feed::corpus_then_shorter_copy(dir.path());
    let db = dir.path().join("twice.db");
    let out = index(&db, &[&input], &[]);
    assert_success(&out);
    let said = feed::stderr(&out);
    assert!(
        said.contains("article \"chipmaker-earnings\" is given again"),
        "{said}"
    );
    assert!(
        said.contains(&format!("indexed 7 articles, {claims} claims")),
        "{said}"
    );
    assert!(said.contains("1 repeated"), "{said}");
}

#[test]
fn search_reads_an_index_in_a_folder_the_user_cannot_write() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let input = feed::file(dir.path(), "corpus.jsonl", feed::corpus_output(true));
    let folder = dir.path().join("shared");
    std::fs::create_dir(&folder).expect("folder");
    let db = folder.join("index.db");
    assert_success(&index(&db, &[&input], &[]));
    let mode = |path: &Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod")
    };
    mode(&db, 0o444);
    mode(&folder, 0o555);
    mode(dir.path(), 0o755);
    let before = bytes(&db);
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_claimlink"));
    command
        .args([
            "search",
            "--db",
            db.to_str().expect("utf-8"),
            "demand",
            "--json",
        ])
        .current_dir(project());
    // Root may write anywhere: run as nobody then, for whom the permissions hold.
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        command.uid(65534).gid(65534);
    }
    let out = command.output().expect("claimlink runs");
    mode(&folder, 0o755);
    assert_success(&out);
    assert!(!stdout_lines(&out).is_empty());
    assert_eq!(bytes(&db), before);
}

#[test]
fn search_speaker_org_finds_a_spokesperson_by_organisation_with_or_without_dots() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("orgs.db");
    feed::assert_speaker_org_search(dir.path(), db.to_str().expect("utf-8"));
}

#[test]
fn an_index_of_schema_version_1_is_searched_and_gains_the_speaker_columns_when_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = feed::file(dir.path(), "corpus.jsonl", feed::corpus_output(true));
    let db = dir.path().join("v1.db");
    assert_success(&index(&db, &[&input], &[]));
    // The claims table as claimlink made it before version 2.
    Connection::open(&db)
        .expect("open")
        .execute_batch(
            "ALTER TABLE claims DROP COLUMN speaker_title;
             ALTER TABLE claims DROP COLUMN speaker_org; PRAGMA user_version = 1;",
        )
        .expect("version 1");
    let hits = |args: &[&str]| {
        let out = search(&db, args);
        assert_success(&out);
        stdout_lines(&out)
    };
    let found = hits(&["--speaker", "Nvidia", "--json"]);
    assert!(!found.is_empty());
    // Hits of an index without the column carry no organisation.
    assert!(found.iter().all(|hit| hit["speaker_org"].is_null()));
    assert!(hits(&["--speaker-org", "Nvidia", "--json"]).is_empty());
    let facets = hits(&["demand", "--facets", "--json"]);
    let last = facets.last().expect("facets line");
    let orgs = last["facets"]["speaker_org"].as_array().expect("counts");
    assert_eq!(orgs.len(), 1, "{orgs:?}");
    assert!(orgs[0][0].is_null(), "{orgs:?}");
    // Written again: the columns are added and the file stamped as this build's.
    assert_success(&index(&db, &[&input], &[]));
    let conn = Connection::open(&db).expect("open");
    let version: i32 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("user_version");
    assert_eq!(version, claimlink::index::dbfile::SCHEMA_VERSION);
    let orgs: i64 = conn
        .query_row("SELECT count(speaker_org) FROM claims", [], |r| r.get(0))
        .expect("speaker_org");
    assert!(
        orgs > 0,
        "re-indexed claims carry their speakers' organisations"
    );
    assert_eq!(count(&db, "claims") as usize, feed::corpus_claims());
}

#[test]
fn search_speaker_finds_a_person_by_surname_or_full_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("people.db");
    feed::assert_speaker_search(dir.path(), db.to_str().expect("utf-8"));
}
