//! Output rules shared by every command that writes a file (`run`, `export`, `report`):
//! stdout, a device or pipe written directly, or a regular file written as `FILE.part` and
//! renamed into place when complete, so `FILE` is never half-written; a link is followed
//! and its target replaced, the link kept. An output that is an input, or a link to one,
//! is refused before anything is created, and nothing that is an input is ever truncated,
//! replaced or removed. Errors name the user's path, not the `.part` file. `run`'s lines
//! are whole: each goes out in one write after the line before it is complete.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Where output lines go: stdout, a device or FIFO directly, or a file through its `.part` file renamed into place at the end.
pub struct Sink {
    out: Out,
    /// Where the lines go, for messages.
    name: PathBuf,
}

enum Out {
    Stdout(BufWriter<std::io::Stdout>),
    /// A character device, FIFO or socket: written in place, never renamed.
    Direct(BufWriter<File>),
    /// A regular file: written to `part`, renamed onto `dest` at the end.
    Part {
        file: BufWriter<File>,
        part: PathBuf,
        dest: PathBuf,
    },
}

/// Where `-o PATH` writes, decided before anything is created.
enum Target {
    /// Not a regular file: write into it as it is.
    Direct(PathBuf),
    /// A regular file or nothing yet: write `dest.part`, rename onto `dest`.
    Part { dest: PathBuf, part: PathBuf },
}

impl Sink {
    /// Lines to stdout.
    pub fn stdout() -> Self {
        Sink {
            out: Out::Stdout(BufWriter::with_capacity(1 << 16, std::io::stdout())),
            name: PathBuf::from("standard output"),
        }
    }

    /// Opens `path` for a fresh run; refuses to write over or beside any of `inputs`.
    pub fn file(path: &Path, inputs: &[PathBuf]) -> Result<Self> {
        Ok(match target(path, inputs)? {
            Target::Direct(dest) => Self::direct(&dest)?,
            Target::Part { dest, part } => {
                let file = create_part(path, &dest, &part)?;
                Self::part(file, part, dest, path)
            }
        })
    }

    /// Continues `path.part` left by an interrupted run. Every complete line in it must be
    /// a record whose `id` is that of the input item at the same position (`expected`
    /// yields them in input order, and is advanced past the lines kept); otherwise nothing
    /// is changed and the error names the first line that does not match. A torn last line
    /// is cut. Returns the sink and how many lines are done; without a `.part` file this is
    /// a fresh start (0 lines done).
    pub fn resume(
        path: &Path,
        inputs: &[PathBuf],
        expected: &mut dyn Iterator<Item = ExpectedId>,
    ) -> Result<(Self, usize)> {
        let shown = path;
        let (dest, part) = match target(path, inputs)? {
            Target::Part { dest, part } => (dest, part),
            Target::Direct(dest) => {
                return Err(Error::Invalid(format!(
                    "--resume needs a regular output file; {} is a device, pipe or socket",
                    dest.display()
                )))
            }
        };
        if !std::fs::symlink_metadata(&part).is_ok_and(|m| m.file_type().is_file()) {
            return Ok((Self::file(path, inputs)?, 0));
        }
        let (keep, done) = verify_part(&part, expected)?;
        let file = OpenOptions::new()
            .append(true)
            .open(&part)
            .map_err(|e| Error::write(shown, e))?;
        // Append mode: after the cut, every write lands at the (new) end.
        file.set_len(keep).map_err(|e| Error::write(shown, e))?;
        Ok((Self::part(file, part, dest, shown), done))
    }

    /// The `.part` file lines go to before the rename (`None`: stdout or a device).
    pub(crate) fn part_file(&self) -> Option<&Path> {
        match &self.out {
            Out::Part { part, .. } => Some(part),
            _ => None,
        }
    }

    fn direct(dest: &Path) -> Result<Self> {
        let file = OpenOptions::new()
            .write(true)
            .open(dest)
            .map_err(|e| Error::write(dest, e))?;
        Ok(Sink {
            out: Out::Direct(BufWriter::with_capacity(1 << 16, file)),
            name: dest.to_path_buf(),
        })
    }

    fn part(file: File, part: PathBuf, dest: PathBuf, shown: &Path) -> Self {
        Sink {
            name: shown.to_path_buf(),
            out: Out::Part {
                file: BufWriter::with_capacity(1 << 20, file),
                part,
                dest,
            },
        }
    }

    /// Writes one line (the newline is added).
    pub(crate) fn write_line(&mut self, line: &str) -> Result<()> {
        let mut buf = Vec::with_capacity(line.len() + 1);
        buf.extend_from_slice(line.as_bytes());
        buf.push(b'\n');
        let written = match &mut self.out {
            Out::Stdout(w) => w.write_all(&buf),
            Out::Direct(w) => w.write_all(&buf),
            Out::Part { file, .. } => file.write_all(&buf),
        };
        written.map_err(|e| Error::write(&self.name, e))
    }

    /// Pushes what was written so far to the OS (after every batch).
    pub(crate) fn flush(&mut self) -> Result<()> {
        let flushed = match &mut self.out {
            Out::Stdout(w) => w.flush(),
            Out::Direct(w) => w.flush(),
            Out::Part { file, .. } => file.flush(),
        };
        flushed.map_err(|e| Error::write(&self.name, e))
    }

    /// Flushes, syncs and moves the file into place; returns where the output went (`None`
    /// for stdout).
    pub fn finish(mut self) -> Result<Option<PathBuf>> {
        self.flush()?;
        match self.out {
            Out::Stdout(_) => Ok(None),
            Out::Direct(_) => Ok(Some(self.name)),
            Out::Part { file, part, dest } => {
                let file = file
                    .into_inner()
                    .map_err(|e| Error::write(&self.name, e.into_error()))?;
                commit(file, &part, &dest, &self.name)?;
                Ok(Some(self.name))
            }
        }
    }
}

/// A file `export` or `report` writes whole, under `run`'s rules: refused when it is an
/// input; a regular file is written as `FILE.part` and renamed into place by `commit`,
/// and dropping it uncommitted removes the `.part` file, so a failed command leaves any
/// earlier `FILE` as it was and nothing beside it; a device or pipe is written directly.
pub(crate) struct OutputFile {
    file: Option<File>,
    /// The path as the user gave it, for messages.
    shown: PathBuf,
    /// `Some((part, dest))` when written through a `.part` file.
    rename: Option<(PathBuf, PathBuf)>,
}

impl OutputFile {
    /// Opens `path` for writing; refuses a folder and any path that is one of `inputs`.
    pub(crate) fn create(path: &Path, inputs: &[PathBuf]) -> Result<Self> {
        let (file, rename) = match target(path, inputs)? {
            Target::Direct(dest) => {
                let file = OpenOptions::new()
                    .write(true)
                    .open(&dest)
                    .map_err(|e| Error::write(path, e))?;
                (file, None)
            }
            Target::Part { dest, part } => (create_part(path, &dest, &part)?, Some((part, dest))),
        };
        Ok(OutputFile {
            file: Some(file),
            shown: path.to_path_buf(),
            rename,
        })
    }

    /// A handle to write through (buffer it; flush before `commit`).
    pub(crate) fn handle(&self) -> Result<File> {
        let file = self
            .file
            .as_ref()
            .ok_or_else(|| Error::Invalid(format!("{} is already closed", self.shown.display())))?;
        file.try_clone().map_err(|e| Error::write(&self.shown, e))
    }

    /// Syncs the file and gives it its name.
    pub(crate) fn commit(mut self) -> Result<PathBuf> {
        let file = self
            .file
            .take()
            .ok_or_else(|| Error::Invalid(format!("{} is already closed", self.shown.display())))?;
        if let Some((part, dest)) = self.rename.take() {
            if let Err(e) = commit(file, &part, &dest, &self.shown) {
                let _ = std::fs::remove_file(&part);
                return Err(e);
            }
        }
        Ok(self.shown.clone())
    }
}

impl Drop for OutputFile {
    /// Not committed: the `.part` file goes.
    fn drop(&mut self) {
        if let Some((part, _)) = self.rename.take() {
            let _ = std::fs::remove_file(part);
        }
    }
}

/// Creates the `.part` file of `dest` (and its folder), replacing a link left there; errors
/// name `shown`, the user's path.
fn create_part(shown: &Path, dest: &Path, part: &Path) -> Result<File> {
    if let Some(parent) = dest.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| Error::write(shown, e))?;
    }
    // A link left at `.part` is replaced, never followed.
    if std::fs::symlink_metadata(part).is_ok_and(|m| m.file_type().is_symlink()) {
        std::fs::remove_file(part).map_err(|e| Error::write(shown, e))?;
    }
    File::create(part).map_err(|e| Error::write(shown, e))
}

/// Syncs `file` (the `.part` of `dest`) and renames it onto `dest`, durably.
fn commit(file: File, part: &Path, dest: &Path, shown: &Path) -> Result<()> {
    file.sync_all().map_err(|e| Error::write(shown, e))?;
    drop(file);
    std::fs::rename(part, dest).map_err(|e| Error::write(shown, e))?;
    // The rename itself is durable once the folder is synced.
    if let Some(dir) = dest.parent().filter(|p| !p.as_os_str().is_empty()) {
        if let Ok(dir) = File::open(dir) {
            let _ = dir.sync_all();
        }
    }
    Ok(())
}

/// The id an output line must carry at one position: an article's id, or, for an input
/// line that could not be read, the id it was known by (if any).
pub(crate) type ExpectedId = Option<String>;

/// Checks the complete lines of `part` against the ids the input gives, in order; returns
/// the byte length of those lines and their number.
fn verify_part(
    part: &Path,
    expected: &mut dyn Iterator<Item = ExpectedId>,
) -> Result<(u64, usize)> {
    let file = File::open(part).map_err(|e| Error::io(part, e))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let (mut keep, mut done) = (0u64, 0usize);
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| Error::io(part, e))?;
        if n == 0 || line.last() != Some(&b'\n') {
            break; // the end, or a torn last line to redo
        }
        let number = done + 1;
        let mismatch = |why: String| {
            Error::Invalid(format!(
                "cannot resume: line {number} of {} {why}; it was not left by a run over \
                 these inputs. Nothing was changed: remove {0} to start over, or pass the \
                 inputs that run had",
                part.display()
            ))
        };
        let found = match serde_json::from_slice::<serde_json::Value>(&line) {
            Ok(serde_json::Value::Object(record)) if record.contains_key("schema") => record
                .get("id")
                .and_then(|id| id.as_str())
                .map(str::to_string),
            _ => return Err(mismatch("is not a claimlink record".into())),
        };
        let Some(wanted) = expected.next() else {
            return Err(mismatch("is past the end of the input".into()));
        };
        if found != wanted {
            return Err(mismatch(format!(
                "has id {} where the input has {}",
                quoted(&found),
                quoted(&wanted)
            )));
        }
        keep += n as u64;
        done += 1;
    }
    Ok((keep, done))
}

fn quoted(id: &Option<String>) -> String {
    id.as_ref().map_or("no id".into(), |id| format!("{id:?}"))
}

/// Checks that `-o path` can be written under these rules (not a folder, not an input),
/// creating nothing: for commands that must refuse before they create anything else.
pub(crate) fn check_output(path: &Path, inputs: &[PathBuf]) -> Result<()> {
    target(path, inputs).map(|_| ())
}

/// Whether `path` is one of `inputs`: the same file through any symbolic or hard link.
pub(crate) fn is_input(path: &Path, inputs: &[PathBuf]) -> bool {
    let Some(candidate) = file_identity(path) else {
        return false;
    };
    inputs
        .iter()
        .any(|input| file_identity(input) == Some(candidate))
}

/// What makes a file itself whatever its name: device and inode on Unix.
fn file_identity(path: &Path) -> Option<(u64, u64)> {
    // `-` is stdin, which may be a file redirected in (`< in.jsonl`).
    let path = if path.as_os_str() == "-" {
        Path::new("/dev/stdin")
    } else {
        path
    };
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        std::fs::canonicalize(path).ok().map(|p| {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            p.hash(&mut h);
            (0, h.finish())
        })
    }
}

/// Decides where `-o path` writes, refusing a folder and any path that is an input.
fn target(path: &Path, inputs: &[PathBuf]) -> Result<Target> {
    let dest = resolve_link(path);
    let meta = std::fs::metadata(&dest).ok();
    if meta.as_ref().is_some_and(|m| m.is_dir()) {
        return Err(Error::Invalid(format!(
            "output {} is a folder: give a file path for -o (or - for stdout)",
            path.display()
        )));
    }
    if is_input(&dest, inputs) {
        return Err(Error::Invalid(format!(
            "output {} is also an input: claimlink never overwrites its input; choose another -o",
            path.display()
        )));
    }
    if meta.is_some_and(|m| !m.is_file()) {
        return Ok(Target::Direct(dest));
    }
    let part = part_path(&dest);
    if is_input(&part, inputs) {
        return Err(Error::Invalid(format!(
            "{} is an input, and claimlink writes its output there before renaming it to {}: \
             choose another -o, or rename that input",
            part.display(),
            path.display()
        )));
    }
    Ok(Target::Part { dest, part })
}

/// Follows a chain of links to the path they finally name (which need not exist), so the
/// output replaces the link's target, not the link.
fn resolve_link(path: &Path) -> PathBuf {
    let mut current = path.to_path_buf();
    // More than 40 hops is a loop; writing then fails with the OS's own message.
    for _ in 0..40 {
        let Ok(next) = std::fs::read_link(&current) else {
            break;
        };
        current = match current.parent() {
            Some(parent) if next.is_relative() => parent.join(next),
            _ => next,
        };
    }
    current
}

/// `out.jsonl` → `out.jsonl.part`.
pub(crate) fn part_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".part");
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(list: &[&str]) -> Vec<ExpectedId> {
        list.iter().map(|s| Some(s.to_string())).collect()
    }

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
        std::fs::write(
            part_path(&dest),
            "{\"id\":\"a\",\"schema\":\"claimlink/1\"}\n{\"id\":\"b\",\"schema\":\"claimlink/1\"}\n{\"id\":",
        )
        .expect("write");
        let mut expected = ids(&["a", "b", "c"]).into_iter();
        let (mut sink, done) = Sink::resume(&dest, &[], &mut expected).expect("resume");
        assert_eq!(done, 2);
        assert_eq!(
            expected.next(),
            Some(Some("c".into())),
            "only kept lines consumed"
        );
        sink.write_line("{\"id\":\"c\"}").expect("write");
        sink.finish().expect("finish");
        assert_eq!(
            std::fs::read_to_string(&dest).expect("read"),
            "{\"id\":\"a\",\"schema\":\"claimlink/1\"}\n{\"id\":\"b\",\"schema\":\"claimlink/1\"}\n{\"id\":\"c\"}\n"
        );
    }

    #[test]
    fn resume_refuses_a_part_from_other_input_and_leaves_it_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let dest = dir.path().join("out.jsonl");
        let left = "{\"id\":\"a\",\"schema\":\"claimlink/1\"}\n{\"id\":\"x\",\"schema\":\"claimlink/1\"}\n";
        std::fs::write(part_path(&dest), left).expect("write");
        let mut expected = ids(&["a", "b"]).into_iter();
        let err = Sink::resume(&dest, &[], &mut expected)
            .err()
            .expect("mismatch refused")
            .to_string();
        assert!(err.contains("line 2") && err.contains("\"x\""), "{err}");
        assert_eq!(
            std::fs::read_to_string(part_path(&dest)).expect("read"),
            left
        );
    }

    #[test]
    fn resume_refuses_garbage_lines_and_extra_lines() {
        let dir = tempfile::tempdir().expect("tempdir");
        let dest = dir.path().join("out.jsonl");
        std::fs::write(part_path(&dest), "garbage\n").expect("write");
        let err = Sink::resume(&dest, &[], &mut ids(&["a"]).into_iter()).err();
        assert!(err.expect("refused").to_string().contains("line 1"));
        std::fs::write(
            part_path(&dest),
            "{\"id\":\"a\",\"schema\":\"claimlink/1\"}\n",
        )
        .expect("write");
        let err = Sink::resume(&dest, &[], &mut std::iter::empty()).err();
        assert!(err.expect("refused").to_string().contains("past the end"));
    }

    #[test]
    fn refuses_to_overwrite_an_input() {
        let dir = tempfile::tempdir().expect("tempdir");
        let input = dir.path().join("in.jsonl");
        std::fs::write(&input, "{}\n").expect("write");
        assert!(Sink::file(&input, std::slice::from_ref(&input)).is_err());
        assert_eq!(std::fs::read_to_string(&input).expect("read"), "{}\n");
    }

    #[test]
    fn refuses_when_the_part_file_is_an_input() {
        let dir = tempfile::tempdir().expect("tempdir");
        let input = dir.path().join("x.part");
        std::fs::write(&input, "{}\n").expect("write");
        let err = Sink::file(&dir.path().join("x"), std::slice::from_ref(&input)).err();
        assert!(err.expect("refused").to_string().contains("is an input"));
        assert_eq!(std::fs::read_to_string(&input).expect("read"), "{}\n");
    }

    #[test]
    fn a_folder_is_refused_and_gets_no_part_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(Sink::file(dir.path(), &[]).is_err());
        assert!(!part_path(dir.path()).exists());
    }

    #[test]
    fn a_link_is_kept_and_its_target_written() {
        let dir = tempfile::tempdir().expect("tempdir");
        let real = dir.path().join("real.jsonl");
        let link = dir.path().join("link.jsonl");
        std::fs::write(&real, "old\n").expect("write");
        std::os::unix::fs::symlink(&real, &link).expect("symlink");
        let mut sink = Sink::file(&link, &[]).expect("create");
        sink.write_line("new").expect("write");
        sink.finish().expect("finish");
        assert!(std::fs::symlink_metadata(&link)
            .expect("link")
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&real).expect("read"), "new\n");
    }
}
