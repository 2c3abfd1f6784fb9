//! Input: JSONL articles, `.txt`/`.md` files, folders of them, or `-` for stdin (JSONL).
//!
//! Streams `Item`s in input order, one per JSONL line (blank and broken lines included, as
//! errors), so output line N always answers input line N.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use crate::doc::Article;
use crate::error::{Error, Result};

/// What could not be read from one input line or file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub id: Option<String>,
    pub kind: &'static str,
    pub message: String,
}

/// One unit of input: an article or the reason a line was not one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Where it came from: the file (or `-`) and its 1-based line (1 for whole files).
    pub file: String,
    pub line: usize,
    pub article: std::result::Result<Article, InputError>,
}

/// The files behind a list of input arguments, in order; folders are walked in name order
/// for `.jsonl`, `.txt` and `.md` files.
pub fn expand_inputs(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for input in inputs {
        if input.as_os_str() == "-" {
            files.push(input.clone());
        } else if input.is_dir() {
            walk(input, &mut files)?;
        } else if input.is_file() {
            files.push(input.clone());
        } else {
            return Err(Error::Invalid(format!(
                "input {} does not exist (give JSONL, .txt or .md files, folders, or - for stdin)",
                input.display()
            )));
        }
    }
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, files)?;
        } else if matches!(kind_of(&path), Kind::Jsonl | Kind::Text) {
            files.push(path);
        }
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Jsonl,
    Text,
    Other,
}

fn kind_of(path: &Path) -> Kind {
    if path.as_os_str() == "-" {
        return Kind::Jsonl;
    }
    match path.extension().and_then(|e| e.to_str()) {
        Some("jsonl" | "ndjson" | "json") => Kind::Jsonl,
        Some("txt" | "md" | "markdown" | "text") => Kind::Text,
        _ => Kind::Other,
    }
}

/// Streams the items of the given files.
pub fn items(files: Vec<PathBuf>) -> impl Iterator<Item = Result<Item>> {
    files
        .into_iter()
        .flat_map(|path| -> Box<dyn Iterator<Item = Result<Item>>> {
            match kind_of(&path) {
                Kind::Jsonl | Kind::Other => match open(&path) {
                    Ok(reader) => Box::new(JsonlItems::new(reader, display(&path))),
                    Err(e) => Box::new(std::iter::once(Err(e))),
                },
                Kind::Text => Box::new(std::iter::once(text_file(&path))),
            }
        })
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

fn open(path: &Path) -> Result<Box<dyn BufRead>> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(BufReader::new(std::io::stdin())));
    }
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    Ok(Box::new(BufReader::with_capacity(1 << 20, file)))
}

/// A whole `.txt`/`.md` file is one article whose id is the file name without extension.
fn text_file(path: &Path) -> Result<Item> {
    let mut bytes = Vec::new();
    File::open(path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .map_err(|e| Error::io(path, e))?;
    let id = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| display(path));
    let article = match String::from_utf8(bytes) {
        Ok(text) => Ok(Article::new(id, text)),
        Err(e) => Err(InputError {
            id: Some(id),
            kind: "invalid_utf8",
            message: format!(
                "the file is not valid UTF-8 (byte {}); convert it to UTF-8",
                e.utf8_error().valid_up_to()
            ),
        }),
    };
    Ok(Item {
        file: display(path),
        line: 1,
        article,
    })
}

struct JsonlItems {
    reader: Box<dyn BufRead>,
    file: String,
    line: usize,
    done: bool,
}

impl JsonlItems {
    fn new(reader: Box<dyn BufRead>, file: String) -> Self {
        JsonlItems {
            reader,
            file,
            line: 0,
            done: false,
        }
    }
}

impl Iterator for JsonlItems {
    type Item = Result<Item>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let mut bytes = Vec::new();
        match self.reader.read_until(b'\n', &mut bytes) {
            Ok(0) => {
                self.done = true;
                None
            }
            Ok(_) => {
                self.line += 1;
                while matches!(bytes.last(), Some(b'\n' | b'\r')) {
                    bytes.pop();
                }
                Some(Ok(Item {
                    file: self.file.clone(),
                    line: self.line,
                    article: parse_line(&bytes, &self.file, self.line),
                }))
            }
            Err(e) => {
                self.done = true;
                Some(Err(Error::io(&self.file, e)))
            }
        }
    }
}

/// One JSONL line → an article. `id` may be a string or a number; `text` is required.
pub fn parse_line(
    bytes: &[u8],
    file: &str,
    line: usize,
) -> std::result::Result<Article, InputError> {
    let fail =
        |id: Option<String>, kind: &'static str, message: String| InputError { id, kind, message };
    let text = std::str::from_utf8(bytes).map_err(|e| {
        fail(
            None,
            "invalid_utf8",
            format!("line is not valid UTF-8 (byte {})", e.valid_up_to()),
        )
    })?;
    if text.trim().is_empty() {
        return Err(fail(
            None,
            "empty_line",
            "blank line: expected a JSON object".into(),
        ));
    }
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        fail(
            None,
            "invalid_json",
            format!("not valid JSON at column {}: {e}", e.column()),
        )
    })?;
    let object = value.as_object().ok_or_else(|| {
        fail(
            None,
            "invalid_record",
            "expected a JSON object with \"text\"".into(),
        )
    })?;
    let id = match object.get("id") {
        None | Some(serde_json::Value::Null) => format!("{file}:{line}"),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        Some(other) => {
            return Err(fail(
                None,
                "invalid_field",
                format!(
                    "field \"id\" must be a string or number, found {}",
                    type_name(other)
                ),
            ))
        }
    };
    let text = match object.get("text") {
        Some(serde_json::Value::String(s)) => s.clone(),
        None => {
            return Err(fail(
                Some(id),
                "missing_field",
                "field \"text\" is missing".into(),
            ))
        }
        Some(other) => {
            return Err(fail(
                Some(id),
                "invalid_field",
                format!(
                    "field \"text\" must be a string, found {}",
                    type_name(other)
                ),
            ))
        }
    };
    let optional = |name: &str| -> std::result::Result<Option<String>, InputError> {
        match object.get(name) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(fail(
                Some(id.clone()),
                "invalid_field",
                format!(
                    "field \"{name}\" must be a string, found {}",
                    type_name(other)
                ),
            )),
        }
    };
    let targets = match object.get("targets") {
        None | Some(serde_json::Value::Null) => None,
        Some(value) => Some(
            parse_targets(value, &text)
                .map_err(|message| fail(Some(id.clone()), "invalid_field", message))?,
        ),
    };
    Ok(Article {
        targets,
        title: optional("title")?,
        url: optional("url")?,
        published: optional("published")?,
        source: optional("source")?,
        id,
        text,
    })
}

/// `[{"start": S, "end": E}, ...]`, code point offsets with `S < E <= len(text)`.
fn parse_targets(
    value: &serde_json::Value,
    text: &str,
) -> std::result::Result<Vec<(usize, usize)>, String> {
    let items = value.as_array().ok_or_else(|| {
        format!(
            "field \"targets\" must be an array, found {}",
            type_name(value)
        )
    })?;
    let len = text.chars().count();
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let (Some(start), Some(end)) = (item["start"].as_u64(), item["end"].as_u64()) else {
                return Err(format!(
                    "targets[{i}] must be {{\"start\": N, \"end\": M}} with whole numbers"
                ));
            };
            let (start, end) = (start as usize, end as usize);
            if start >= end || end > len {
                return Err(format!(
                    "targets[{i}] = {start}..{end} is not a non-empty range inside the text \
                     ({len} code points)"
                ));
            }
            Ok((start, end))
        })
        .collect()
}

fn type_name(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_line() {
        let a = parse_line(br#"{"id": 7, "text": "Hi", "title": "T"}"#, "f", 1).expect("ok");
        assert_eq!(a.id, "7");
        assert_eq!(a.text, "Hi");
        assert_eq!(a.title.as_deref(), Some("T"));
    }

    #[test]
    fn bad_lines_say_why() {
        let kind = |b: &[u8]| parse_line(b, "f", 3).expect_err("bad").kind;
        assert_eq!(kind(b"{not json"), "invalid_json");
        assert_eq!(kind(br#"{"id": "a"}"#), "missing_field");
        assert_eq!(kind(br#"{"id": "a", "text": 5}"#), "invalid_field");
        assert_eq!(kind(b"[1,2]"), "invalid_record");
        assert_eq!(kind(b"  "), "empty_line");
        assert_eq!(kind(b"{\"text\": \"\xff\"}"), "invalid_utf8");
        let missing = parse_line(br#"{"id": "a"}"#, "f", 3).expect_err("bad");
        assert_eq!(missing.id.as_deref(), Some("a"));
    }

    #[test]
    fn targets_are_checked_against_the_text() {
        let ok = parse_line(
            br#"{"text": "Apple and IBM", "targets": [{"start": 0, "end": 5}]}"#,
            "f",
            1,
        )
        .expect("ok");
        assert_eq!(ok.targets, Some(vec![(0, 5)]));
        for bad in [
            br#"{"text": "Apple", "targets": [{"start": 0, "end": 9}]}"#.as_slice(),
            br#"{"text": "Apple", "targets": [{"start": 3, "end": 3}]}"#.as_slice(),
            br#"{"text": "Apple", "targets": {"start": 0}}"#.as_slice(),
            br#"{"text": "Apple", "targets": [{"start": "0", "end": 2}]}"#.as_slice(),
        ] {
            assert_eq!(
                parse_line(bad, "f", 1).expect_err("bad").kind,
                "invalid_field"
            );
        }
    }

    #[test]
    fn missing_id_names_the_line() {
        let a = parse_line(br#"{"text": "x"}"#, "in.jsonl", 4).expect("ok");
        assert_eq!(a.id, "in.jsonl:4");
    }
}
