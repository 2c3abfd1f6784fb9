//! Reads claimlink/1 output for `index` and `export`: JSONL files or stdin, one record per
//! line, through `record::Record`. Error lines and lines that are not records are
//! reported (file and line) and skipped, never indexed.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use crate::index::IndexError;
use crate::record::Record;

/// One input line: a record, or why it is skipped.
pub(crate) enum Line {
    Record(Box<Record>),
    /// An error line of `run` (`{"error": ...}`): counted, not indexed.
    Error {
        file: String,
        line: usize,
    },
    /// Not a claimlink/1 record.
    Invalid {
        file: String,
        line: usize,
        message: String,
    },
}

/// Each line of each input in turn (`-` or no input: stdin); the bytes read advance
/// `progress`.
pub(crate) fn lines(
    inputs: &[PathBuf],
    progress: &indicatif::ProgressBar,
) -> Result<impl Iterator<Item = Result<Line, IndexError>> + Send, IndexError> {
    let inputs: Vec<PathBuf> = if inputs.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        inputs.to_vec()
    };
    let mut readers = Vec::with_capacity(inputs.len());
    for path in &inputs {
        readers.push((name(path), progress.wrap_read(open(path)?)));
    }
    Ok(readers.into_iter().flat_map(|(file, reader)| {
        reader.split(b'\n').enumerate().map(move |(i, bytes)| {
            let bytes = bytes.map_err(|source| IndexError::Io {
                path: file.clone(),
                source,
            })?;
            Ok(parse(&bytes, &file, i + 1))
        })
    }))
}

fn name(path: &Path) -> String {
    path.display().to_string()
}

fn open(path: &Path) -> Result<Box<dyn BufRead + Send>, IndexError> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(std::io::BufReader::new(std::io::stdin())));
    }
    let file = std::fs::File::open(path).map_err(|source| IndexError::Io {
        path: name(path),
        source,
    })?;
    Ok(Box::new(std::io::BufReader::with_capacity(1 << 20, file)))
}

/// The inputs' total size, when every one is a file (none: stdin).
pub(crate) fn total_bytes(inputs: &[PathBuf]) -> Option<u64> {
    if inputs.is_empty() {
        return None;
    }
    crate::io::read::total_bytes(inputs.iter().map(PathBuf::as_path))
}

/// Parses one output line of `claimlink run`.
pub(crate) fn parse(bytes: &[u8], file: &str, line: usize) -> Line {
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    let invalid = |message: String| Line::Invalid {
        file: file.to_string(),
        line,
        message,
    };
    // Records are the common case: read them straight into `Record`, and look closer
    // only at a line that is not one.
    if let Ok(record) = serde_json::from_slice::<Record>(bytes) {
        return Line::Record(Box::new(record));
    }
    let value: serde_json::Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => return invalid(format!("not JSON: {e}")),
    };
    if value.get("error").is_some_and(|e| e.is_object()) {
        return Line::Error {
            file: file.to_string(),
            line,
        };
    }
    match serde_json::from_value::<Record>(value) {
        Ok(record) => Line::Record(Box::new(record)),
        Err(e) => invalid(format!("not a claimlink/1 record: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_lines_and_foreign_lines_are_told_apart_from_records() {
        let record =
            br#"{"id":"a","schema":"claimlink/1","entities":[],"claims":[],"companies":[]}"#;
        assert!(matches!(parse(record, "f", 1), Line::Record(_)));
        let error = br#"{"id":"a","schema":"claimlink/1","error":{"kind":"internal","message":"m","file":"f","line":1}}"#;
        assert!(matches!(parse(error, "f", 2), Line::Error { line: 2, .. }));
        let other =
            br#"{"id":"a","schema":"claimlink/2","entities":[],"claims":[],"companies":[]}"#;
        assert!(matches!(parse(other, "f", 3), Line::Invalid { .. }));
        assert!(matches!(parse(b"{", "f", 4), Line::Invalid { .. }));
    }
}
