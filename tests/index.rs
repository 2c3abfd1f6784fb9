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
