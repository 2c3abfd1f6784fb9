//! The PostgreSQL backend, live: `scripts/test.sh` starts a throw-away server
//! (`scripts/postgres.sh`) and passes its URL in `CLAIMLINK_TEST_POSTGRES`. Without it these
//! tests fail and say what to install: they never skip silently.

mod feed;
mod util;

use util::*;

/// The test server's URL, each test in its own database.
fn database(name: &str) -> String {
    let url = std::env::var("CLAIMLINK_TEST_POSTGRES").unwrap_or_else(|_| {
        panic!(
            "CLAIMLINK_TEST_POSTGRES is not set: these tests need a PostgreSQL server. Run \
             ./scripts/test.sh (it starts one with scripts/postgres.sh, installing Debian's \
             postgresql package when initdb and pg_ctl are missing), or start one yourself \
             with `scripts/postgres.sh start DIR` and export CLAIMLINK_TEST_POSTGRES=<the URL it prints>"
        )
    });
    let mut admin =
        postgres::Client::connect(&url, postgres::NoTls).expect("test server reachable");
    // One statement per call: DROP/CREATE DATABASE cannot run in a transaction block.
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .expect("drop test database");
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("create test database");
    let (base, _) = url.rsplit_once('/').expect("URL with a database");
    format!("{base}/{name}")
}

fn password(url: &str) -> String {
    let authority = url
        .split("://")
        .nth(1)
        .and_then(|r| r.split('@').next())
        .unwrap_or("");
    authority.split(':').nth(1).unwrap_or("").to_string()
}

fn run(args: &[&str], stdin: Option<&[u8]>) -> std::process::Output {
    claimlink(args, stdin)
}

fn count(url: &str, table: &str) -> i64 {
    let mut client = postgres::Client::connect(url, postgres::NoTls).expect("connect");
    client
        .query_one(&format!("SELECT count(*) FROM {table}"), &[])
        .expect("count")
        .get(0)
}

#[test]
fn postgres_indexes_the_corpus_replaces_on_reindex_and_searches() {
    let url = database("claimlink_corpus");
    let dir = tempfile::tempdir().expect("tempdir");
    let input = feed::file(dir.path(), "corpus.jsonl", feed::corpus_output(true));
    let input = input.to_str().expect("utf-8");
    let claims = feed::corpus_claims();
    for _ in 0..2 {
        let out = run(&["index", "--db", &url, input], None);
        assert_success(&out);
        let said = feed::stderr(&out);
        assert!(
            !said.contains(&password(&url)),
            "the password is printed: {said}"
        );
        assert!(said.contains("postgres://127.0.0.1"), "{said}");
    }
    assert_eq!(count(&url, "articles"), 7);
    assert_eq!(count(&url, "claims") as usize, claims);
    assert!(count(&url, "entities") > 20);
    assert!(
        count(&url, "companies") > 100,
        "the knowledge base is loaded"
    );
    let out = run(
        &["search", "--db", &url, "demand", "--json", "--facets"],
        None,
    );
    assert_success(&out);
    let lines = stdout_lines(&out);
    let (facets, hits) = lines.split_last().expect("facets line");
    assert!(!hits.is_empty());
    for hit in hits {
        assert!(
            hit["snippet"]
                .as_str()
                .expect("snippet")
                .to_lowercase()
                .contains("[demand]"),
            "{hit}"
        );
    }
    let ranks: Vec<f64> = hits
        .iter()
        .map(|h| h["rank"].as_f64().expect("rank"))
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] >= w[1]), "{ranks:?}");
    assert!(facets["facets"]["speaker"].is_array());
    // The same hits as SQLite for a plain word.
    let db = dir.path().join("corpus.db");
    assert_success(&run(
        &["index", "--db", db.to_str().expect("utf-8"), input],
        None,
    ));
    let ids = |out: &std::process::Output| {
        let mut ids: Vec<String> = stdout_lines(out)
            .iter()
            .filter_map(|h| h["claim_id"].as_str().map(String::from))
            .collect();
        ids.sort();
        ids
    };
    let sqlite = run(
        &[
            "search",
            "--db",
            db.to_str().expect("utf-8"),
            "demand",
            "--json",
        ],
        None,
    );
    let pg = run(&["search", "--db", &url, "demand", "--json"], None);
    assert_eq!(ids(&sqlite), ids(&pg));
    // Names resolve through the knowledge base.
    let by = |name: &str| {
        ids(&run(
            &["search", "--db", &url, "--speaker", name, "--json"],
            None,
        ))
    };
    assert!(!by("Nvidia").is_empty());
    assert_eq!(by("NVDA"), by("Nvidia"));
}

#[test]
fn postgres_hostile_queries_find_nothing_and_leave_the_tables() {
    let url = database("claimlink_hostile");
    let dir = tempfile::tempdir().expect("tempdir");
    let input = feed::file(dir.path(), "corpus.jsonl", feed::corpus_output(true));
    assert_success(&run(
        &["index", "--db", &url, input.to_str().expect("utf-8")],
        None,
    ));
    let claims = count(&url, "claims");
    for query in [
        "'; DROP TABLE claims; --",
        "\"unbalanced",
        "AND",
        "*",
        "x' OR '1'='1",
        "$1); DROP TABLE articles; --",
    ] {
        let out = run(&["search", "--db", &url, query], None);
        assert_success(&out);
        assert!(feed::stdout(&out).is_empty(), "{query} found something");
    }
    let out = run(
        &[
            "search",
            "--db",
            &url,
            "--speaker",
            "x' OR 1=1; DROP TABLE claims; --",
        ],
        None,
    );
    assert_success(&out);
    assert!(feed::stdout(&out).is_empty());
    assert_eq!(count(&url, "claims"), claims);
    assert_eq!(count(&url, "articles"), 7);
}

#[test]
fn postgres_credentials_are_never_printed() {
    let url = std::env::var("CLAIMLINK_TEST_POSTGRES").unwrap_or_default();
    let secret = password(&url);
    assert!(
        !secret.is_empty(),
        "CLAIMLINK_TEST_POSTGRES must carry a password (run ./scripts/test.sh)"
    );
    // A wrong password, and a database that does not exist.
    let (base, _) = url.rsplit_once('/').expect("URL with a database");
    let wrong = base.replace(&secret, "not-the-password-x9");
    for bad in [
        format!("{wrong}/postgres"),
        format!("{base}/no_such_database"),
    ] {
        let out = run(&["search", "--db", &bad, "demand"], None);
        assert_eq!(out.status.code(), Some(2));
        let said = feed::stderr(&out);
        assert!(!said.contains(&secret), "{said}");
        assert!(!said.contains("not-the-password-x9"), "{said}");
        assert!(said.contains("PostgreSQL"), "{said}");
    }
    // Credentials from PG* variables: the URL names only the host.
    let host_only = base.split('@').nth(1).expect("host");
    let user = url
        .split("://")
        .nth(1)
        .and_then(|r| r.split(':').next())
        .expect("user");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_claimlink"))
        .args([
            "search",
            "--db",
            &format!("postgres://{host_only}/postgres"),
            "anything",
        ])
        .env("PGUSER", user)
        .env("PGPASSWORD", &secret)
        .output()
        .expect("claimlink runs");
    let said = feed::stderr(&out);
    assert!(!said.contains(&secret), "{said}");
    // The database has no index: a clear error, not a connection failure.
    assert!(!said.contains("cannot connect"), "{said}");
}

#[test]
fn parallel_connections_keep_the_last_copy_of_an_article_and_no_orphan_rows() {
    let url = database("claimlink_parallel");
    let dir = tempfile::tempdir().expect("tempdir");
    let (input, claims) = feed::corpus_then_shorter_copy(dir.path());
    let input = input.to_str().expect("utf-8");
    // Batches of 2 on 3 connections: the article's two copies land in different batches,
    // and a second load replaces everything again.
    for _ in 0..2 {
        let out = run(
            &[
                "index",
                "--db",
                &url,
                "--batch",
                "2",
                "--connections",
                "3",
                input,
            ],
            None,
        );
        assert_success(&out);
        assert_eq!(count(&url, "articles"), 7);
        assert_eq!(count(&url, "claims") as usize, claims);
        for table in ["claims", "entities", "mentions"] {
            assert_eq!(
                count(
                    &url,
                    &format!("{table} WHERE article_id NOT IN (SELECT id FROM articles)")
                ),
                0,
                "{table} rows without their article"
            );
        }
    }
}

/// A server that accepts connections and never says a word; its address.
fn silent_server() -> std::net::SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    address
}

/// Runs claimlink with `args`, failing the test if it runs longer than `limit`.
fn run_within(args: &[&str], limit: std::time::Duration) -> (std::process::Output, f64) {
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_claimlink"))
        .args(args)
        .current_dir(project())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("claimlink starts");
    let pid = child.id();
    let started = std::time::Instant::now();
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(child.wait_with_output());
    });
    match finished.recv_timeout(limit) {
        Ok(out) => (out.expect("output"), started.elapsed().as_secs_f64()),
        Err(_) => {
            let _ = std::process::Command::new("kill")
                .args(["-9", &pid.to_string()])
                .status();
            panic!("claimlink {args:?} hung for more than {limit:?}");
        }
    }
}

#[test]
fn a_server_that_never_answers_times_out_naming_host_and_port() {
    let address = silent_server();
    let secret = "hunter2-never-shown";
    let with_timeout = format!("postgres://claimlink:{secret}@{address}/news?connect_timeout=2");
    let default = format!("postgres://claimlink:{secret}@{address}/news");
    let dir = tempfile::tempdir().expect("tempdir");
    let input = feed::file(dir.path(), "one.jsonl", feed::corpus_output(false));
    let input = input.to_str().expect("utf-8");
    for (args, most) in [
        (vec!["search", "--db", &with_timeout, "demand"], 8.0),
        (vec!["index", "--db", &with_timeout, input], 8.0),
        // Without connect_timeout, the default (10 s) applies.
        (vec!["search", "--db", &default, "demand"], 20.0),
    ] {
        let (out, took) = run_within(&args, std::time::Duration::from_secs(60));
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let said = feed::stderr(&out);
        assert!(
            said.contains(&format!("timed out connecting to {address}")),
            "{said}"
        );
        assert!(!said.contains(secret), "{said}");
        assert!(took < most, "{args:?} took {took:.1} s");
        assert!(took > 1.5, "{args:?} gave up after {took:.1} s");
    }
}

#[test]
fn postgres_connection_errors_give_the_servers_reason_without_the_password() {
    let url = std::env::var("CLAIMLINK_TEST_POSTGRES").unwrap_or_default();
    let secret = password(&url);
    assert!(
        !secret.is_empty(),
        "CLAIMLINK_TEST_POSTGRES must carry a password"
    );
    let wrong = url.replace(&secret, "not-the-password-x9");
    let missing = url.replace(&format!(":{secret}@"), "@");
    let (base, _) = url.rsplit_once('/').expect("URL with a database");
    let no_db = format!("{base}/no_such_database");
    for (bad, reason) in [
        (wrong.as_str(), "password authentication failed"),
        (missing.as_str(), "password missing"),
        (
            no_db.as_str(),
            "database \"no_such_database\" does not exist",
        ),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_claimlink"))
            .args(["search", "--db", bad, "demand"])
            .env_remove("PGPASSWORD")
            .output()
            .expect("claimlink runs");
        assert_eq!(out.status.code(), Some(2));
        let said = feed::stderr(&out);
        assert!(said.contains(reason), "{said}");
        assert!(!said.contains(&secret), "{said}");
        assert!(!said.contains("not-the-password-x9"), "{said}");
    }
}

#[test]
fn postgres_refuses_sqlite_only_query_syntax_and_says_so() {
    let url = database("claimlink_syntax");
    let dir = tempfile::tempdir().expect("tempdir");
    let input = feed::file(dir.path(), "corpus.jsonl", feed::corpus_output(true));
    assert_success(&run(
        &["index", "--db", &url, input.to_str().expect("utf-8")],
        None,
    ));
    for query in ["NEAR(demand chips, 10)", "deman*", "quote:demand"] {
        let out = run(&["search", "--db", &url, query], None);
        assert_eq!(out.status.code(), Some(2), "{query}");
        let said = feed::stderr(&out);
        assert!(said.contains("web-search syntax"), "{query}: {said}");
    }
    // What both engines read alike still runs.
    for query in ["demand", "\"demand\" OR chips", "demand -nothing"] {
        assert_success(&run(&["search", "--db", &url, query], None));
    }
}

#[test]
fn postgres_search_speaker_org_finds_a_spokesperson_by_organisation_with_or_without_dots() {
    let url = database("claimlink_orgs");
    let dir = tempfile::tempdir().expect("tempdir");
    feed::assert_speaker_org_search(dir.path(), &url);
}

#[test]
fn postgres_index_made_before_speaker_organisations_is_searched_and_gains_them() {
    let url = database("claimlink_old_claims");
    let dir = tempfile::tempdir().expect("tempdir");
    let input = feed::file(dir.path(), "corpus.jsonl", feed::corpus_output(true));
    let input = input.to_str().expect("utf-8");
    assert_success(&run(&["index", "--db", &url, input], None));
    let mut client = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
    // The claims table as an older claimlink made it.
    client
        .batch_execute(
            "ALTER TABLE claims DROP COLUMN speaker_title; ALTER TABLE claims DROP COLUMN speaker_org",
        )
        .expect("old table");
    let hits = |args: &[&str]| {
        let mut all = vec!["search", "--db", &url, "--json"];
        all.extend_from_slice(args);
        let out = run(&all, None);
        assert_success(&out);
        stdout_lines(&out)
    };
    assert!(!hits(&["--speaker", "Nvidia"]).is_empty());
    assert!(hits(&["--speaker-org", "Nvidia"]).is_empty());
    assert!(!hits(&["demand", "--facets"]).is_empty());
    assert_success(&run(&["index", "--db", &url, input], None));
    let orgs: i64 = client
        .query_one("SELECT count(speaker_org) FROM claims", &[])
        .expect("speaker_org")
        .get(0);
    assert!(
        orgs > 0,
        "re-indexed claims carry their speakers' organisations"
    );
}

#[test]
fn postgres_search_speaker_finds_a_person_by_surname_or_full_name() {
    let url = database("claimlink_people");
    let dir = tempfile::tempdir().expect("tempdir");
    feed::assert_speaker_search(dir.path(), &url);
}
