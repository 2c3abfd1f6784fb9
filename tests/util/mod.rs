//! A small harness for driving the real `claimlink` binary.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn corpus() -> PathBuf {
    project().join("corpus")
}

/// Runs claimlink with `args` in the project folder, feeding `stdin`.
pub fn claimlink<S: AsRef<std::ffi::OsStr>>(args: &[S], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_claimlink"))
        .args(args)
        .current_dir(project())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("claimlink starts");
    {
        let mut input = child.stdin.take().expect("stdin");
        if let Some(bytes) = stdin {
            input.write_all(bytes).expect("write stdin");
        }
    }
    child.wait_with_output().expect("claimlink finishes")
}

/// Runs claimlink in `dir` (so relative paths in `args` point into the test's folder), with
/// no stdin.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_claimlink"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("claimlink runs")
}

/// claimlink's stderr, as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Fails with claimlink's stderr when it did not exit 0.
pub fn assert_success(output: &Output) {
    assert!(
        output.status.success(),
        "claimlink exited {:?}: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
}

pub fn stdout_lines(output: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("every output line is JSON"))
        .collect()
}

pub fn read_lines(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .expect("output file")
        .lines()
        .map(|l| serde_json::from_str(l).expect("every output line is JSON"))
        .collect()
}

/// `text[start..end]` in code points.
pub fn slice(text: &str, start: u64, end: u64) -> String {
    text.chars()
        .skip(start as usize)
        .take((end - start) as usize)
        .collect()
}

/// Every `{text,start,end}` object anywhere in `value`.
pub fn spans(value: &serde_json::Value, out: &mut Vec<(String, u64, u64)>) {
    match value {
        serde_json::Value::Object(map) => {
            if let (Some(t), Some(s), Some(e)) = (
                map.get("text").and_then(|v| v.as_str()),
                map.get("start").and_then(|v| v.as_u64()),
                map.get("end").and_then(|v| v.as_u64()),
            ) {
                out.push((t.to_string(), s, e));
            }
            for v in map.values() {
                spans(v, out);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| spans(v, out)),
        _ => {}
    }
}

/// The input texts of the bundled corpus by article id.
pub fn corpus_texts() -> std::collections::HashMap<String, String> {
    let mut texts = std::collections::HashMap::new();
    for entry in std::fs::read_dir(corpus()).expect("corpus") {
        let path = entry.expect("entry").path();
        match path.extension().and_then(|e| e.to_str()) {
            Some("jsonl") => {
                for line in std::fs::read_to_string(&path).expect("read").lines() {
                    let v: serde_json::Value = serde_json::from_str(line).expect("corpus JSON");
                    texts.insert(
                        v["id"].as_str().expect("id").to_string(),
                        v["text"].as_str().expect("text").to_string(),
                    );
                }
            }
            Some("txt" | "md") => {
                let id = path
                    .file_stem()
                    .expect("stem")
                    .to_string_lossy()
                    .to_string();
                texts.insert(id, std::fs::read_to_string(&path).expect("read"));
            }
            _ => {}
        }
    }
    texts
}
