//! Shared by the index, search, export and schema tests: the corpus annotated once per test
//! binary, and copies of its records under new ids.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::util::{assert_success, claimlink};

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
                        claimlink::feed::claim_id(&id, &text, s as usize, e as usize).into();
                }
            }
            out.push_str(&record.to_string());
            out.push('\n');
        }
    }
    out
}

pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}
