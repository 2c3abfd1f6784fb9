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
        Self::open(path, inputs, false).map(|(sink, _)| sink)
    }

    /// Continues `path.part` left by an interrupted run: keeps its complete lines, cuts a
    /// torn last line, and returns how many lines are done. Without a `.part` file this is
    /// a fresh start (0 lines done).
    pub fn resume(path: &Path, inputs: &[PathBuf]) -> Result<(Self, usize)> {
        Self::open(path, inputs, true)
    }

    fn open(path: &Path, inputs: &[PathBuf], resume: bool) -> Result<(Self, usize)> {
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
        let mut done = 0;
        let file = if resume && tmp.is_file() {
            let bytes = std::fs::read(&tmp).map_err(|e| Error::io(&tmp, e))?;
            let keep = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            done = bytes[..keep].iter().filter(|&&b| b == b'\n').count();
            // Append mode: after the cut, every write lands at the (new) end.
            let file = std::fs::OpenOptions::new()
                .append(true)
                .open(&tmp)
                .map_err(|e| Error::io(&tmp, e))?;
            file.set_len(keep as u64).map_err(|e| Error::io(&tmp, e))?;
            file
        } else {
            File::create(&tmp).map_err(|e| Error::io(&tmp, e))?
        };
        let sink = Sink {
            out: BufWriter::with_capacity(1 << 20, Box::new(file)),
            paths: Some((tmp, path.to_path_buf())),
        };
        Ok((sink, done))
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
    fn resume_keeps_whole_lines_and_cuts_a_torn_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let dest = dir.path().join("out.jsonl");
        std::fs::write(part_path(&dest), "{\"a\":1}\n{\"b\":2}\n{\"c\":").expect("write");
        let (mut sink, done) = Sink::resume(&dest, &[]).expect("resume");
        assert_eq!(done, 2);
        sink.write_line("{\"c\":3}").expect("write");
        sink.finish().expect("finish");
        assert_eq!(
            std::fs::read_to_string(&dest).expect("read"),
            "{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n"
        );
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
