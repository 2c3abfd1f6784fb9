//! Shared by the index, search, export and schema tests: the corpus annotated once per test
//! binary, and copies of its records under new ids.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::util::{assert_success, claimlink, stdout_lines};

/// `claimlink run corpus --with-text` (or without), run once per test binary.
pub fn corpus_output(with_text: bool) -> &'static str {
    static WITH: OnceLock<String> = OnceLock::new();
    static WITHOUT: OnceLock<String> = OnceLock::new();
    let cell = if with_text { &WITH } else { &WITHOUT };
    cell.get_or_init(|| {
        let mut args = vec!["run", "corpus", "--quiet"];
        if with_text {
            args.push("--with-text");
        }
        let output = claimlink(&args, None);
        assert_success(&output);
        String::from_utf8(output.stdout).expect("utf-8 output")
    })
}

pub fn records(with_text: bool) -> Vec<serde_json::Value> {
    corpus_output(with_text)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

/// Claims in the annotated corpus.
pub fn corpus_claims() -> usize {
    records(true)
        .iter()
        .map(|r| r["claims"].as_array().map_or(0, Vec::len))
        .sum()
}

/// `dir/twice.jsonl`: the corpus, then one of its articles again with a single claim, and
/// the claims an index holds once it has replaced the article with that last copy.
pub fn corpus_then_shorter_copy(dir: &Path) -> (PathBuf, usize) {
    let mut chip = records(true)
        .into_iter()
        .find(|r| r["id"] == "chipmaker-earnings")
        .expect("chipmaker-earnings");
    let before = chip["claims"].as_array().map_or(0, Vec::len);
    chip["claims"].as_array_mut().expect("claims").truncate(1);
    let text = format!("{}{chip}\n", corpus_output(true));
    (
        file(dir, "twice.jsonl", &text),
        corpus_claims() - before + 1,
    )
}

/// Annotates into `db` (a SQLite file or a PostgreSQL URL) an article whose speakers are
/// "Jim Farley", attributed by surname, and "Ann_Lee", and checks that `search --speaker`
/// finds the person by surname or full name, in any case, by whole words only, with LIKE's
/// wildcards read as plain characters.
pub fn assert_speaker_search(dir: &Path, db: &str) {
    let text = "Ford chief executive Jim Farley spoke on Monday. \"We will build more trucks,\" \
                Farley said. \"Demand is strong,\" said Ann_Lee, an analyst.";
    let line = format!("{}\n", serde_json::json!({"id": "f", "text": text}));
    let input = file(dir, "in.jsonl", &line);
    let input = input.to_str().expect("utf-8");
    assert_success(&claimlink(&["run", input, "--quiet", "--index", db], None));
    let speakers = |speaker: &str| -> Vec<String> {
        let out = claimlink(
            &["search", "--db", db, "--speaker", speaker, "--json"],
            None,
        );
        assert_success(&out);
        (stdout_lines(&out).iter())
            .map(|hit| hit["speaker"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(speakers("Farley"), ["Jim Farley"]);
    assert_eq!(speakers("JIM FARLEY"), ["Jim Farley"]);
    assert_eq!(speakers("jim farley"), ["Jim Farley"]);
    assert!(speakers("arley").is_empty());
    assert!(speakers("%").is_empty());
    assert!(speakers("_").is_empty());
}

/// Annotates into `db` (a SQLite file or a PostgreSQL URL) an article with a claim by "a
/// Boeing spokesperson" (organisation Boeing) and one by "F.B.I. Director Christopher Wray"
/// (organisation F.B.I.), and checks that `search --speaker-org` finds each by its
/// organisation, in any case and with or without the initialism's dots, that `--speaker`
/// finds the spokesperson through the organisation, and that other names find nothing.
pub fn assert_speaker_org_search(dir: &Path, db: &str) {
    let text = "Boeing delayed the jet again on Tuesday. \"We are working closely with our \
                customers,\" a Boeing spokesperson said. F.B.I. Director Christopher Wray said \
                the bureau would investigate the failure.";
    let line = format!("{}\n", serde_json::json!({"id": "org", "text": text}));
    let input = file(dir, "org.jsonl", &line);
    let input = input.to_str().expect("utf-8");
    assert_success(&claimlink(&["run", input, "--quiet", "--index", db], None));
    let quotes = |flag: &str, name: &str| -> Vec<String> {
        let out = claimlink(&["search", "--db", db, flag, name, "--json"], None);
        assert_success(&out);
        (stdout_lines(&out).iter())
            .map(|hit| hit["quote"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    let boeing = ["We are working closely with our customers"];
    let fbi = ["the bureau would investigate the failure"];
    assert_eq!(quotes("--speaker-org", "boeing"), boeing);
    assert_eq!(quotes("--speaker-org", "BOEING"), boeing);
    assert_eq!(quotes("--speaker", "Boeing"), boeing);
    // Each hit says whom its speaker speaks for.
    let out = claimlink(
        &["search", "--db", db, "--speaker-org", "boeing", "--json"],
        None,
    );
    assert_success(&out);
    let orgs: Vec<serde_json::Value> = (stdout_lines(&out).iter())
        .map(|hit| hit["speaker_org"].clone())
        .collect();
    assert_eq!(orgs, [serde_json::json!("Boeing")]);
    assert_eq!(quotes("--speaker-org", "FBI"), fbi);
    assert_eq!(quotes("--speaker-org", "F.B.I."), fbi);
    assert_eq!(quotes("--speaker-org", "fbi"), fbi);
    assert_eq!(quotes("--speaker", "F.B.I."), fbi);
    // A person is still found by name.
    assert_eq!(quotes("--speaker", "Wray"), fbi);
    for other in ["Airbus", "Boe", "spokesperson", "B.I.", "%"] {
        assert!(quotes("--speaker-org", other).is_empty(), "{other}");
    }
    // The facets count speakers by organisation.
    let out = claimlink(
        &[
            "search",
            "--db",
            db,
            "--speaker-org",
            "fbi",
            "--json",
            "--facets",
        ],
        None,
    );
    assert_success(&out);
    let lines = stdout_lines(&out);
    let facets = &lines.last().expect("facets line")["facets"]["speaker_org"];
    assert_eq!(facets, &serde_json::json!([["F.B.I.", 1]]));
}

/// `text` written to `dir/name`.
pub fn file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

/// `copies` copies of each corpus record (with text) under ids `ID~K`, their claim ids
/// recomputed as claimlink computes them.
pub fn replicated(copies: usize) -> String {
    let mut out = String::new();
    for k in 1..=copies {
        for mut record in records(true) {
            let id = format!("{}~{k}", record["id"].as_str().expect("id"));
            let text = record["text"].as_str().expect("text").to_string();
            record["id"] = id.clone().into();
            if let Some(claims) = record["claims"].as_array_mut() {
                for claim in claims {
                    let (s, e) = (&claim["quote"]["start"], &claim["quote"]["end"]);
                    let (s, e) = (s.as_u64().expect("start"), e.as_u64().expect("end"));
                    claim["id"] =
                        claimlink::record::claim_id(&id, &text, s as usize, e as usize).into();
                }
            }
            out.push_str(&record.to_string());
            out.push('\n');
        }
    }
    out
}

// One implementation, used by the binaries that call it through `feed`.
#[allow(unused_imports)]
pub use crate::util::stderr;

pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}
