//! Input: JSONL articles, `.txt`/`.md`/`.html` files, folders of them, or `-` for stdin
//! (JSONL); any of them may be gzip- or zstd-compressed (recognised by magic bytes).
//!
//! Streams `Item`s in input order, one per JSONL line (blank, broken and oversized lines
//! included, as errors), so output line N always answers input line N. A file that cannot be
//! read becomes one error item in its place; the stream goes on.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::doc::Article;
use crate::error::{Error, Result};
use crate::text::Markup;

/// The default `--max-article-bytes`: larger lines or files become `too_large` errors.
pub const DEFAULT_MAX_ARTICLE_BYTES: usize = 8 << 20;

/// What could not be read from one input line or file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// The item's id, when it could be read.
    pub id: Option<String>,
    /// A stable machine-readable kind (`invalid_json`, ...).
    pub kind: &'static str,
    /// What is wrong, for people.
    pub message: String,
}

/// One unit of input: an article or the reason a line was not one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Where it came from: the file (or `-`) and its 1-based line (1 for whole files).
    pub file: String,
    /// 1-based line in `file`.
    pub line: usize,
    /// The article, or why there is none.
    pub article: std::result::Result<Article, InputError>,
}

/// How a file's content is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON article per line.
    Jsonl,
    /// The whole file is one article, marked up as the run's `--markup` says.
    Text,
    /// The whole file is one HTML article, whatever `--markup` says.
    Html,
}

/// One input to read: a file, or `-` for stdin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// The file (`-` for stdin).
    pub path: PathBuf,
    /// How its content is read.
    pub format: Format,
    /// The id of the article a whole file makes: its path below the folder it was found
    /// in (or its name when named directly), without the extension.
    pub id: String,
    /// Why the file cannot be read, found while listing (a dangling link, no permission).
    pub problem: Option<String>,
}

/// The inputs behind the command line's arguments, and what was passed over on the way.
#[derive(Debug, Clone, Default)]
pub(crate) struct Listing {
    /// The files to read, in order.
    pub inputs: Vec<Input>,
    /// Things skipped on purpose, for the user to see (cycles, files reached twice).
    pub warnings: Vec<String>,
}

impl Listing {
    /// The size of all inputs in bytes as stored (compressed ones compressed); `None` when
    /// one is stdin, whose size is not known ahead.
    pub(crate) fn total_bytes(&self) -> Option<u64> {
        total_bytes(self.inputs.iter().map(|input| input.path.as_path()))
    }
}

/// The size of the files at `paths` in bytes as stored; `None` when one is stdin (`-`),
/// whose size is not known ahead.
pub(crate) fn total_bytes<'a>(paths: impl IntoIterator<Item = &'a Path>) -> Option<u64> {
    paths.into_iter().try_fold(0u64, |sum, path| {
        if path.as_os_str() == "-" {
            return None;
        }
        let size = std::fs::metadata(path).map_or(0, |m| m.len());
        Some(sum + size)
    })
}

/// Bytes read from the inputs so far, as stored (before decompression), for progress.
#[derive(Debug, Clone, Default)]
pub struct BytesRead(Arc<AtomicU64>);

impl BytesRead {
    /// Bytes read so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// A reader that adds what it reads to a `BytesRead`.
struct Counting<R> {
    inner: R,
    count: BytesRead,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.0.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Lists the inputs behind the arguments, in order. Folders are walked in name order,
/// following links, for `.jsonl`, `.txt`, `.md` and `.html` files (extensions in any case,
/// optionally `.gz`/`.zst`); hidden files and folders are skipped, a link cycle is walked
/// once, and a file reached twice is read once. A missing argument is an error; an
/// unreadable file inside a folder becomes an input with a `problem`.
pub(crate) fn expand_inputs(args: &[PathBuf]) -> Result<Listing> {
    let mut listing = Listing::default();
    let mut seen = Seen::default();
    for arg in args {
        if arg.as_os_str() == "-" {
            listing.inputs.push(Input {
                path: arg.clone(),
                format: Format::Jsonl,
                id: "-".into(),
                problem: None,
            });
        } else if arg.is_dir() {
            walk(arg, &mut listing, &mut seen);
        } else if arg.is_file() {
            if seen.first_time(arg, &mut listing.warnings) {
                let format = format_of(arg).unwrap_or(Format::Jsonl);
                listing.inputs.push(Input {
                    id: stem(arg.file_name().map(Path::new).unwrap_or(arg)),
                    path: arg.clone(),
                    format,
                    problem: None,
                });
            }
        } else {
            return Err(Error::Invalid(format!(
                "input {} does not exist (give JSONL, .txt, .md or .html files, folders, or - \
                 for stdin)",
                arg.display()
            )));
        }
    }
    unique_ids(&mut listing.inputs);
    Ok(listing)
}

fn walk(root: &Path, listing: &mut Listing, seen: &mut Seen) {
    let entries = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
    for entry in entries {
        match entry {
            Ok(entry) if entry.file_type().is_dir() => {}
            Ok(entry) => {
                let path = entry.path();
                let Some(format) = format_of(path) else {
                    continue;
                };
                if seen.first_time(path, &mut listing.warnings) {
                    listing.inputs.push(Input {
                        id: stem(path.strip_prefix(root).unwrap_or(path)),
                        path: path.to_path_buf(),
                        format,
                        problem: None,
                    });
                }
            }
            Err(e) if e.loop_ancestor().is_some() => listing.warnings.push(format!(
                "{} is a link back to a folder above it (a cycle): its files are read once",
                e.path().map_or(root.display(), Path::display)
            )),
            Err(e) => {
                let Some(path) = e.path() else { continue };
                // A folder or file we would have read, but cannot: say so in its place.
                if format_of(path).is_some() || path.is_dir() || e.depth() == 0 {
                    let cause = e.io_error().map_or(e.to_string(), ToString::to_string);
                    listing.inputs.push(Input {
                        id: stem(path.strip_prefix(root).unwrap_or(path)),
                        path: path.to_path_buf(),
                        format: format_of(path).unwrap_or(Format::Text),
                        problem: Some(format!("cannot read {}: {cause}", path.display())),
                    });
                }
            }
        }
    }
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with('.'))
}

/// Files already listed, by device and inode, so a file reached twice is read once.
#[derive(Default)]
struct Seen(std::collections::HashSet<(u64, u64)>);

impl Seen {
    fn first_time(&mut self, path: &Path, warnings: &mut Vec<String>) -> bool {
        use std::os::unix::fs::MetadataExt;
        let Ok(meta) = std::fs::metadata(path) else {
            return true;
        };
        let first = self.0.insert((meta.dev(), meta.ino()));
        if !first {
            warnings.push(format!(
                "{} is a file already read (through another path or link): read once",
                path.display()
            ));
        }
        first
    }
}

/// The format a file name asks for, seen through a `.gz`/`.zst` suffix, in any case.
fn format_of(path: &Path) -> Option<Format> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    let name = ["gz", "zst", "zstd"]
        .iter()
        .find_map(|c| name.strip_suffix(&format!(".{c}")))
        .unwrap_or(&name);
    match name.rsplit_once('.')?.1 {
        "jsonl" | "ndjson" | "json" => Some(Format::Jsonl),
        "txt" | "md" | "markdown" | "text" => Some(Format::Text),
        "html" | "htm" | "xhtml" => Some(Format::Html),
        _ => None,
    }
}

/// A path without its extensions (`a/b.md.gz` → `a/b`), with `/` between its parts.
fn stem(path: &Path) -> String {
    if path.as_os_str().is_empty() {
        return String::new();
    }
    let mut parts: Vec<String> = path
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if let Some(last) = parts.last_mut() {
        if let Some(format_end) = strip_extensions(last) {
            last.truncate(format_end);
        }
    }
    parts.join("/")
}

/// Where the known extensions of a file name start, if it has any.
fn strip_extensions(name: &str) -> Option<usize> {
    let lower = name.to_ascii_lowercase();
    let mut end = lower.len();
    for _ in 0..2 {
        let (rest, ext) = lower[..end].rsplit_once('.')?;
        if rest.is_empty() {
            break;
        }
        end = rest.len();
        if !matches!(ext, "gz" | "zst" | "zstd") {
            break;
        }
    }
    (end < name.len()).then_some(end)
}

/// Whole-file articles whose ids collide are told apart: `a.txt` beside `a.md` keep their
/// extensions (`a.txt`, `a.md`); what still collides (the same name in two folders named
/// directly) takes the path as given.
fn unique_ids(inputs: &mut [Input]) {
    let with_extension = |input: &Input| {
        let id = &input.id;
        let name = input.path.file_name().map(|n| n.to_string_lossy());
        match (id.rsplit_once('/'), name) {
            (Some((folder, _)), Some(name)) => format!("{folder}/{name}"),
            (None, Some(name)) => name.into_owned(),
            (_, None) => display(&input.path),
        }
    };
    let steps: [&dyn Fn(&Input) -> String; 2] = [&with_extension, &|i| display(&i.path)];
    for step in steps {
        let mut count: HashMap<String, usize> = HashMap::new();
        for input in inputs.iter().filter(|i| i.format != Format::Jsonl) {
            *count.entry(input.id.clone()).or_default() += 1;
        }
        for input in inputs.iter_mut().filter(|i| i.format != Format::Jsonl) {
            if input.id.is_empty() || count.get(&input.id).is_some_and(|&n| n > 1) {
                input.id = step(input);
            }
        }
    }
}

/// Streams the items of the given inputs; `max_bytes` bounds one article; what is read
/// is added to `read`.
pub fn items(inputs: Vec<Input>, max_bytes: usize, read: BytesRead) -> impl Iterator<Item = Item> {
    inputs
        .into_iter()
        .flat_map(move |input| -> Box<dyn Iterator<Item = Item>> {
            if let Some(problem) = &input.problem {
                return Box::new(std::iter::once(unreadable(&input, 1, problem.clone())));
            }
            let reader = match open(&input.path, &read) {
                Ok(reader) => reader,
                Err(e) => return Box::new(std::iter::once(unreadable(&input, 1, e.to_string()))),
            };
            match input.format {
                Format::Jsonl => Box::new(JsonlItems::new(reader, display(&input.path), max_bytes)),
                Format::Text | Format::Html => {
                    Box::new(std::iter::once(whole_file(&input, reader, max_bytes)))
                }
            }
        })
}

fn unreadable(input: &Input, line: usize, message: String) -> Item {
    Item {
        file: display(&input.path),
        line,
        article: Err(InputError {
            id: (input.format != Format::Jsonl).then(|| input.id.clone()),
            kind: "unreadable",
            message,
        }),
    }
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

/// Opens a file (or stdin), decompressing gzip or zstd content found by its magic bytes.
fn open(path: &Path, read: &BytesRead) -> Result<Box<dyn BufRead>> {
    let inner: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(File::open(path).map_err(|e| Error::io(path, e))?)
    };
    let raw = Counting {
        inner,
        count: read.clone(),
    };
    // Small reads, so the bytes counted for progress follow what was really taken.
    let mut reader = BufReader::with_capacity(64 << 10, raw);
    let magic = reader.fill_buf().map_err(|e| Error::io(path, e))?;
    Ok(if magic.starts_with(&[0x1f, 0x8b]) {
        Box::new(BufReader::with_capacity(
            1 << 20,
            flate2::bufread::MultiGzDecoder::new(reader),
        ))
    } else if magic.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        let decoder = ruzstd::decoding::StreamingDecoder::new(reader).map_err(|e| {
            Error::io(
                path,
                std::io::Error::new(std::io::ErrorKind::InvalidData, e),
            )
        })?;
        Box::new(BufReader::with_capacity(1 << 20, decoder))
    } else {
        Box::new(reader)
    })
}

const BOM: &[u8] = b"\xef\xbb\xbf";

/// A whole `.txt`/`.md`/`.html` file is one article. A leading UTF-8 byte order mark is
/// an encoding signature, not text: it is dropped, and offsets count from after it.
fn whole_file(input: &Input, reader: Box<dyn BufRead>, max_bytes: usize) -> Item {
    let file = display(&input.path);
    let fail = |kind: &'static str, message: String| Item {
        file: file.clone(),
        line: 1,
        article: Err(InputError {
            id: Some(input.id.clone()),
            kind,
            message,
        }),
    };
    let mut bytes = Vec::new();
    // One byte over the limit is enough to know it is too large.
    let limit = max_bytes as u64 + BOM.len() as u64 + 1;
    if let Err(e) = reader.take(limit).read_to_end(&mut bytes) {
        return fail("unreadable", Error::io(&input.path, e).to_string());
    }
    let body = bytes.strip_prefix(BOM).unwrap_or(&bytes);
    if body.len() > max_bytes {
        return fail("too_large", too_large_message(max_bytes, "the file"));
    }
    match std::str::from_utf8(body) {
        Ok(text) => {
            let mut article = Article::new(input.id.clone(), text);
            if input.format == Format::Html {
                article.markup = Some(Markup::Markdown);
            }
            Item {
                file: file.clone(),
                line: 1,
                article: Ok(article),
            }
        }
        Err(e) => fail(
            "invalid_utf8",
            format!(
                "the file is not valid UTF-8 (byte {}); convert it to UTF-8",
                e.valid_up_to()
            ),
        ),
    }
}

fn too_large_message(max_bytes: usize, what: &str) -> String {
    format!(
        "{what} is over {max_bytes} bytes, the most one article may have; raise \
         --max-article-bytes to annotate it, or split it"
    )
}

struct JsonlItems {
    reader: Box<dyn BufRead>,
    file: String,
    line: usize,
    max_bytes: usize,
    done: bool,
}

impl JsonlItems {
    fn new(reader: Box<dyn BufRead>, file: String, max_bytes: usize) -> Self {
        JsonlItems {
            reader,
            file,
            line: 0,
            max_bytes,
            done: false,
        }
    }
}

impl Iterator for JsonlItems {
    type Item = Item;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let mut bytes = Vec::new();
        let read = read_line(&mut self.reader, &mut bytes, self.max_bytes);
        let article = match read {
            Ok(Line::End) => {
                self.done = true;
                return None;
            }
            Ok(Line::Whole) => {
                while matches!(bytes.last(), Some(b'\n' | b'\r')) {
                    bytes.pop();
                }
                let body = match self.line {
                    0 => bytes.strip_prefix(BOM).unwrap_or(&bytes),
                    _ => &bytes,
                };
                if body.len() > self.max_bytes {
                    Err(InputError {
                        id: sniff_id(&body[..body.len().min(KEEP_OF_OVERSIZED)]),
                        kind: "too_large",
                        message: too_large_message(self.max_bytes, "the line"),
                    })
                } else {
                    parse_line(body, &self.file, self.line + 1)
                }
            }
            Ok(Line::TooLarge) => Err(InputError {
                id: sniff_id(&bytes),
                kind: "too_large",
                message: too_large_message(self.max_bytes, "the line"),
            }),
            Err(e) => {
                // The rest of the file cannot be trusted (a torn archive, a failing disk):
                // say so once, in place, and go on with the next input.
                self.done = true;
                Err(InputError {
                    id: None,
                    kind: "unreadable",
                    message: format!("cannot read {} after line {}: {e}", self.file, self.line),
                })
            }
        };
        self.line += 1;
        Some(Item {
            file: self.file.clone(),
            line: self.line,
            article,
        })
    }
}

enum Line {
    /// A line (with its newline, unless the input ended without one) is in the buffer.
    Whole,
    /// The line was longer than the limit: the buffer holds its first bytes, the rest was
    /// read past and dropped.
    TooLarge,
    /// Nothing was left to read.
    End,
}

/// How much of an oversized line is kept, to find its id.
const KEEP_OF_OVERSIZED: usize = 4096;

/// Reads one line into `buf`, never holding more than `max_bytes` of it.
fn read_line(
    reader: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    max_bytes: usize,
) -> std::io::Result<Line> {
    let mut total = 0usize;
    let mut too_large = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            break;
        }
        let (chunk, found) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (&available[..=i], true),
            None => (available, false),
        };
        let used = chunk.len();
        total += used;
        if !too_large && total > max_bytes + 2 {
            too_large = true;
            buf.truncate(KEEP_OF_OVERSIZED);
        }
        if !too_large {
            buf.extend_from_slice(chunk);
        } else if buf.len() < KEEP_OF_OVERSIZED {
            let room = KEEP_OF_OVERSIZED - buf.len();
            buf.extend_from_slice(&chunk[..room.min(used)]);
        }
        reader.consume(used);
        if found {
            break;
        }
    }
    Ok(match (total, too_large) {
        (0, _) => Line::End,
        (_, true) => Line::TooLarge,
        (_, false) => Line::Whole,
    })
}

/// The `"id"` of a JSON line from its first bytes, when it comes early and is simple.
fn sniff_id(prefix: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(prefix);
    let after = &text[text.find("\"id\"")? + 4..];
    let value = after.trim_start().strip_prefix(':')?.trim_start();
    if let Some(rest) = value.strip_prefix('"') {
        let end = rest.find('"')?;
        let id = &rest[..end];
        return (!id.contains('\\')).then(|| id.to_string());
    }
    let digits: String = value
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '-')
        .collect();
    (!digits.is_empty()).then_some(digits)
}

/// One JSONL line → an article. `id` may be a string or a number; `text` is required.
pub fn parse_line(
    bytes: &[u8],
    file: &str,
    line: usize,
) -> std::result::Result<Article, InputError> {
    let object = json_object(bytes)?;
    let id = article_id(&object, file, line)?;
    let invalid = |message: String| InputError {
        id: Some(id.clone()),
        kind: "invalid_field",
        message,
    };
    let text = match object.get("text") {
        Some(serde_json::Value::String(s)) => s.clone(),
        None => {
            return Err(InputError {
                id: Some(id),
                kind: "missing_field",
                message: "field \"text\" is missing".into(),
            })
        }
        Some(other) => return Err(invalid(wrong_type("text", "a string", other))),
    };
    let optional = |name: &str| match object.get(name) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(invalid(wrong_type(name, "a string", other))),
    };
    let targets = match object.get("targets") {
        None | Some(serde_json::Value::Null) => None,
        Some(value) => Some(parse_targets(value, &text).map_err(invalid)?),
    };
    let meta = match object.get("meta") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::Object(map)) => Some(map.clone()),
        Some(other) => return Err(invalid(wrong_type("meta", "an object", other))),
    };
    Ok(Article {
        targets,
        meta,
        title: optional("title")?,
        url: optional("url")?,
        published: optional("published")?,
        source: optional("source")?,
        markup: None,
        id,
        text,
    })
}

/// `field "NAME" must be WHAT, found TYPE`.
fn wrong_type(name: &str, what: &str, found: &serde_json::Value) -> String {
    format!(
        "field \"{name}\" must be {what}, found {}",
        type_name(found)
    )
}

/// The line as a JSON object: valid UTF-8, not blank, valid JSON, an object.
fn json_object(
    bytes: &[u8],
) -> std::result::Result<serde_json::Map<String, serde_json::Value>, InputError> {
    let fail = |kind: &'static str, message: String| InputError {
        id: None,
        kind,
        message,
    };
    let text = std::str::from_utf8(bytes).map_err(|e| {
        fail(
            "invalid_utf8",
            format!("line is not valid UTF-8 (byte {})", e.valid_up_to()),
        )
    })?;
    if text.trim().is_empty() {
        return Err(fail(
            "empty_line",
            "blank line: expected a JSON object".into(),
        ));
    }
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        fail(
            "invalid_json",
            format!("not valid JSON at column {}: {e}", e.column()),
        )
    })?;
    match value {
        serde_json::Value::Object(object) => Ok(object),
        _ => Err(fail(
            "invalid_record",
            "expected a JSON object with \"text\"".into(),
        )),
    }
}

/// The item's id: a string or number as given, else `FILE:LINE`.
fn article_id(
    object: &serde_json::Map<String, serde_json::Value>,
    file: &str,
    line: usize,
) -> std::result::Result<String, InputError> {
    match object.get("id") {
        None | Some(serde_json::Value::Null) => Ok(format!("{file}:{line}")),
        Some(serde_json::Value::String(s)) => Ok(s.clone()),
        Some(serde_json::Value::Number(n)) => Ok(n.to_string()),
        Some(other) => Err(InputError {
            id: None,
            kind: "invalid_field",
            message: wrong_type("id", "a string or number", other),
        }),
    }
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
    fn an_oversized_line_is_read_past_without_being_held() {
        let huge = std::io::repeat(b'x').take(50 << 20);
        let input = std::io::Cursor::new(b"{\"id\": \"big\", \"text\": \"".to_vec())
            .chain(huge)
            .chain(std::io::Cursor::new(b"\"}\n{\"id\": 2}\n".to_vec()));
        let mut reader = BufReader::new(input);
        let mut buf = Vec::new();
        let read = read_line(&mut reader, &mut buf, 1 << 20).expect("read");
        assert!(matches!(read, Line::TooLarge));
        assert!(buf.capacity() < 2 << 20, "held {} bytes", buf.capacity());
        assert_eq!(sniff_id(&buf).as_deref(), Some("big"));
        buf.clear();
        assert!(matches!(
            read_line(&mut reader, &mut buf, 1 << 20),
            Ok(Line::Whole)
        ));
        assert_eq!(buf, b"{\"id\": 2}\n");
        buf.clear();
        assert!(matches!(
            read_line(&mut reader, &mut buf, 1 << 20),
            Ok(Line::End)
        ));
    }

    #[test]
    fn formats_come_from_names_in_any_case_through_compression_suffixes() {
        let format = |name: &str| format_of(Path::new(name));
        assert_eq!(format("a.JSONL"), Some(Format::Jsonl));
        assert_eq!(format("a.jsonl.gz"), Some(Format::Jsonl));
        assert_eq!(format("A.TXT"), Some(Format::Text));
        assert_eq!(format("a.md.zst"), Some(Format::Text));
        assert_eq!(format("page.Html"), Some(Format::Html));
        assert_eq!(format("notes.pdf"), None);
        assert_eq!(format("gz"), None);
    }

    #[test]
    fn ids_of_files_drop_their_extensions_and_stay_unique() {
        assert_eq!(stem(Path::new("sub/a.md.gz")), "sub/a");
        assert_eq!(stem(Path::new("a.b.txt")), "a.b");
        assert_eq!(stem(Path::new(".txt")), ".txt");
        let input = |path: &str| Input {
            path: PathBuf::from(path),
            format: Format::Text,
            id: stem(Path::new(path).file_name().map(Path::new).expect("name")),
            problem: None,
        };
        let mut inputs = vec![
            input("d/a.txt"),
            input("d/a.md"),
            input("e/b.txt"),
            input("f/b.txt"),
        ];
        unique_ids(&mut inputs);
        let ids: Vec<&str> = inputs.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["a.txt", "a.md", "e/b.txt", "f/b.txt"]);
    }

    #[test]
    fn missing_id_names_the_line() {
        let a = parse_line(br#"{"text": "x"}"#, "in.jsonl", 4).expect("ok");
        assert_eq!(a.id, "in.jsonl:4");
    }
}
