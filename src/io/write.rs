//! Output: stdout, or a file written as `FILE.part` and renamed into place when the run
//! finishes, so `FILE` is never half-written. Whole lines only: each line goes out in one
//! write after the line before it is complete.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

pub struct Sink {
    out: BufWriter<Box<dyn Write>>,
    /// `(temporary, final)` paths when writing a file.
    paths: Option<(PathBuf, PathBuf)>,
}

impl Sink {
    pub fn stdout() -> Self {
        Sink {
            out: BufWriter::new(Box::new(std::io::stdout())),
            paths: None,
        }
    }

    /// Creates `path.part`; refuses to write over any of `inputs`.
    pub fn file(path: &Path, inputs: &[PathBuf]) -> Result<Self> {
        let same =
            |input: &PathBuf| match (std::fs::canonicalize(input), std::fs::canonicalize(path)) {
                (Ok(a), Ok(b)) => a == b,
                _ => false,
            };
        if inputs.iter().any(same) {
            return Err(Error::Invalid(format!(
                "output {} is also an input: claimlink never overwrites its input; choose another -o",
                path.display()
            )));
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        let tmp = part_path(path);
        let file = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        Ok(Sink {
            out: BufWriter::with_capacity(1 << 20, Box::new(file)),
            paths: Some((tmp, path.to_path_buf())),
        })
    }

    pub fn write_line(&mut self, line: &str) -> Result<()> {
        let mut buf = Vec::with_capacity(line.len() + 1);
        buf.extend_from_slice(line.as_bytes());
        buf.push(b'\n');
        self.out.write_all(&buf).map_err(|e| self.error(e))
    }

    /// Pushes what was written so far to the OS (after every batch).
    pub fn flush(&mut self) -> Result<()> {
        self.out.flush().map_err(|e| self.error(e))
    }

    /// Flushes, syncs and moves the file into place; returns where the output went.
    pub fn finish(mut self) -> Result<Option<PathBuf>> {
        self.flush()?;
        let Some((tmp, dest)) = self.paths.take() else {
            return Ok(None);
        };
        let out = std::mem::replace(&mut self.out, BufWriter::new(Box::new(std::io::sink())));
        drop(out);
        if let Ok(file) = File::open(&tmp) {
            let _ = file.sync_all();
        }
        std::fs::rename(&tmp, &dest).map_err(|e| Error::io(&dest, e))?;
        Ok(Some(dest))
    }

    fn error(&self, e: std::io::Error) -> Error {
        match &self.paths {
            Some((tmp, _)) => Error::io(tmp, e),
            None => Error::io("<stdout>", e),
        }
    }
}

/// `out.jsonl` → `out.jsonl.part`.
pub fn part_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".part");
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_appears_only_when_finished() {
        let dir = tempfile::tempdir().expect("tempdir");
        let dest = dir.path().join("out.jsonl");
        let mut sink = Sink::file(&dest, &[]).expect("create");
        sink.write_line("{\"a\":1}").expect("write");
        sink.flush().expect("flush");
        assert!(!dest.exists());
        assert!(part_path(&dest).exists());
        assert_eq!(sink.finish().expect("finish"), Some(dest.clone()));
        assert_eq!(std::fs::read_to_string(&dest).expect("read"), "{\"a\":1}\n");
    }

    #[test]
    fn refuses_to_overwrite_an_input() {
        let dir = tempfile::tempdir().expect("tempdir");
        let input = dir.path().join("in.jsonl");
        std::fs::write(&input, "{}\n").expect("write");
        assert!(Sink::file(&input, std::slice::from_ref(&input)).is_err());
        assert_eq!(std::fs::read_to_string(&input).expect("read"), "{}\n");
    }
}
