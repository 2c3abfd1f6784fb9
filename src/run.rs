//! `claimlink run`: streams inputs through the pipeline in batches and writes one output
//! line per input line, in input order. Memory is bounded by the batch, not the corpus.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::doc::Article;
use crate::error::{Error, Result};
use crate::index::input::{parse, Line};
use crate::index::live::RunIndex;
use crate::index::open::display_db;
use crate::index::Target;
use crate::io::read::{expand_inputs, items, BytesRead, Item};
use crate::io::write::{check_output, is_input, part_path, ExpectedId, Sink};
use crate::pipeline::Pipeline;
use crate::record::{ErrorDetail, ErrorRecord, OutputLine, SCHEMA};

#[derive(Debug, Clone)]
/// What a run reads, where it writes, and how.
pub struct RunOptions {
    /// Files, folders or `-` (stdin).
    pub inputs: Vec<PathBuf>,
    /// `None` writes to stdout.
    pub output: Option<PathBuf>,
    /// Articles per batch.
    pub batch_articles: usize,
    /// Show a progress bar (only when stderr is a terminal).
    pub progress: bool,
    /// Continue an interrupted run into `output` (its `.part` file): lines already written
    /// are kept and their inputs skipped.
    pub resume: bool,
    /// Most bytes of one article (a JSONL line or a whole file); larger ones become
    /// `too_large` error lines.
    pub max_article_bytes: usize,
    /// Also load each record into this index (a SQLite file or a postgres:// URL).
    pub index: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
/// What a run did.
pub struct RunSummary {
    /// Output lines written.
    pub articles: usize,
    /// Of which error lines.
    pub errors: usize,
    /// Words annotated.
    pub words: usize,
    /// Wall-clock time of the run itself.
    pub seconds: f64,
    /// Wall-clock time it took to load the models before, when the caller measured it.
    pub load_seconds: Option<f64>,
    /// Where the lines went (`None`: stdout).
    pub output: Option<PathBuf>,
    /// Lines an interrupted run had already written (kept, not redone).
    pub resumed: usize,
    /// Output lines whose id an earlier line of this run already had.
    pub duplicate_ids: usize,
    /// What was passed over while listing the inputs (cycles, files reached twice).
    pub warnings: Vec<String>,
}

/// The one-line summary `claimlink run` writes to stderr: counts, speed and where the
/// lines went.
impl std::fmt::Display for RunSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} articles ({} error lines", self.articles, self.errors)?;
        if self.duplicate_ids > 0 {
            write!(f, ", {} with an id already used", self.duplicate_ids)?;
        }
        write!(
            f,
            "), {} words in {:.2} s ({:.0} words/s",
            self.words,
            self.seconds,
            self.words as f64 / self.seconds.max(1e-9)
        )?;
        if let Some(load) = self.load_seconds {
            write!(
                f,
                "; {:.2} s in all with {load:.2} s loading the models",
                load + self.seconds
            )?;
        }
        write!(f, ") → ")?;
        match &self.output {
            Some(path) => write!(f, "{}", path.display()),
            None => write!(f, "stdout"),
        }
    }
}

/// Annotates every input item in order, in batches, into the output: atomically through a `.part` file (or to stdout), with progress on stderr.
pub fn run(pipeline: &Pipeline, options: &RunOptions) -> Result<RunSummary> {
    let started = Instant::now();
    let listing = expand_inputs(&options.inputs)?;
    let files: Vec<PathBuf> = listing.inputs.iter().map(|i| i.path.clone()).collect();
    let total_bytes = listing.total_bytes();
    let read = BytesRead::default();
    let mut items = items(listing.inputs, options.max_article_bytes, read.clone());
    let mut ids = SeenIds::default();
    // Everything that can be refused is refused before anything is created.
    if let Some(path) = &options.output {
        check_output(path, &files)?;
    }
    let marker = IndexMarker::check(options, &files)?;
    let (mut sink, done, mut index) =
        open_outputs(pipeline, options, &files, &mut items, &mut ids)?;
    if let (Some(marker), Some(_)) = (&marker, sink.part_file()) {
        marker.write()?;
    }
    if let (Some(index), Some(part)) = (index.as_mut(), sink.part_file()) {
        if done > 0 {
            index_kept_lines(index, part, done, options.batch_articles)?;
        }
    }
    let bar = crate::progress::bar(options.progress, total_bytes, "0 articles");
    let mut summary = RunSummary {
        resumed: done,
        duplicate_ids: ids.duplicates,
        warnings: listing.warnings,
        ..RunSummary::default()
    };
    let mut batch: Vec<Item> = Vec::with_capacity(options.batch_articles);
    for item in items {
        summary.duplicate_ids += usize::from(ids.insert(&expected_id(&item)));
        batch.push(item);
        if batch.len() >= options.batch_articles.max(1) {
            bar.set_position(read.get());
            write_batch(
                pipeline,
                &mut batch,
                &mut sink,
                &mut summary,
                index.as_mut(),
            )?;
            bar.set_position(read.get());
            bar.set_message(format!("{} articles", summary.articles));
        }
    }
    write_batch(
        pipeline,
        &mut batch,
        &mut sink,
        &mut summary,
        index.as_mut(),
    )?;
    bar.finish_and_clear();
    summary.output = sink.finish()?;
    if let Some(marker) = marker {
        marker.remove();
    }
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// The output and the index (when asked for), opened in the order that refuses before it
/// creates: a fresh run opens the index before it creates the `.part` file; a resumed one
/// checks its `.part` file first, reading past the `done` inputs it holds (their ids seen).
fn open_outputs(
    pipeline: &Pipeline,
    options: &RunOptions,
    files: &[PathBuf],
    items: &mut impl Iterator<Item = Item>,
    ids: &mut SeenIds,
) -> Result<(Sink, usize, Option<RunIndex>)> {
    let open_index = || match &options.index {
        Some(db) => RunIndex::open(db, pipeline.companies()).map(Some),
        None => Ok(None),
    };
    let mut index = if options.resume { None } else { open_index()? };
    let (sink, done) = match &options.output {
        Some(path) if options.resume => {
            let mut expected = items.by_ref().map(|item| {
                let id = expected_id(&item);
                ids.insert(&id);
                id
            });
            Sink::resume(path, files, &mut expected)?
        }
        Some(path) => (Sink::file(path, files)?, 0),
        None if options.resume => {
            return Err(Error::Invalid(
                "--resume needs -o FILE: stdout cannot be resumed".into(),
            ))
        }
        None => (Sink::stdout(), 0),
    };
    if options.resume {
        index = open_index()?;
    }
    Ok((sink, done, index))
}

/// Loads the lines an interrupted run had written (the first `done` lines of `part`) into
/// the index, so that a resumed run's index holds every article, whichever index the
/// interrupted run had. Loading is idempotent: an article id indexed again replaces itself.
fn index_kept_lines(index: &mut RunIndex, part: &Path, done: usize, batch: usize) -> Result<()> {
    let file = std::fs::File::open(part).map_err(|e| Error::io(part, e))?;
    let name = part.display().to_string();
    let reader = std::io::BufReader::with_capacity(1 << 20, file);
    for (i, line) in reader.split(b'\n').take(done).enumerate() {
        let line = line.map_err(|e| Error::io(part, e))?;
        if let Line::Record(record) = parse(&line, &name, i + 1) {
            index.add(&record)?;
        }
        if (i + 1) % batch.max(1) == 0 {
            index.commit()?;
        }
    }
    index.commit()?;
    Ok(())
}

/// `OUTPUT.part.index`: says, while a run with `-o` and `--index` is unfinished, which index
/// it loads, so that `--resume` without `--index` is refused instead of leaving that index
/// without the rest of the articles.
struct IndexMarker {
    path: PathBuf,
    /// The index as `display_db` shows it (never a password).
    db: Option<String>,
}

impl IndexMarker {
    /// The marker of this run's output (none when it writes to stdout); refuses a resume
    /// without `--index` whose interrupted run had one, and an index that is an input.
    fn check(options: &RunOptions, inputs: &[PathBuf]) -> Result<Option<Self>> {
        if let Some(db) = &options.index {
            let file = match Target::parse(db) {
                Target::Sqlite(path) => Some(path),
                Target::Postgres(_) => None,
            };
            if file.is_some_and(|path| is_input(&path, inputs)) {
                return Err(Error::Invalid(format!(
                    "--index {db} is also an input: claimlink never overwrites its input; \
                     choose another index file"
                )));
            }
        }
        let Some(output) = &options.output else {
            return Ok(None);
        };
        let mut name = part_path(output).into_os_string();
        name.push(".index");
        let marker = IndexMarker {
            path: PathBuf::from(name),
            db: options.index.as_deref().map(display_db),
        };
        if options.resume && options.index.is_none() {
            if let Ok(earlier) = std::fs::read_to_string(&marker.path) {
                return Err(Error::Invalid(format!(
                    "cannot resume without --index: the interrupted run also loaded the index \
                     {}; pass --index again so the lines it kept are indexed too, or remove {} \
                     to resume without an index",
                    earlier.trim(),
                    marker.path.display()
                )));
            }
        }
        Ok(Some(marker))
    }

    /// Notes the run's index (or, without one, removes an old note).
    fn write(&self) -> Result<()> {
        match &self.db {
            Some(db) => std::fs::write(&self.path, format!("{db}\n"))
                .map_err(|e| Error::write(&self.path, e)),
            None => {
                let _ = std::fs::remove_file(&self.path);
                Ok(())
            }
        }
    }

    /// The run is finished: nothing left to resume.
    fn remove(self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The id the output line of an item carries.
fn expected_id(item: &Item) -> ExpectedId {
    match &item.article {
        Ok(article) => Some(article.id.clone()),
        Err(e) => e.id.clone(),
    }
}

/// Ids seen so far, kept as 64-bit hashes so a run of millions of articles stays small.
#[derive(Default)]
struct SeenIds {
    hashes: std::collections::HashSet<u64>,
    duplicates: usize,
}

impl SeenIds {
    /// Records an id; true when it was seen before.
    fn insert(&mut self, id: &ExpectedId) -> bool {
        use std::hash::{Hash, Hasher};
        let Some(id) = id else { return false };
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        id.hash(&mut hasher);
        let again = !self.hashes.insert(hasher.finish());
        self.duplicates += usize::from(again);
        again
    }
}

fn write_batch(
    pipeline: &Pipeline,
    batch: &mut Vec<Item>,
    sink: &mut Sink,
    summary: &mut RunSummary,
    mut index: Option<&mut RunIndex>,
) -> Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    let articles: Vec<Article> = batch
        .iter()
        .filter_map(|item| item.article.as_ref().ok().cloned())
        .collect();
    let mut annotated = pipeline.annotate(&articles)?.into_iter();
    for item in batch.drain(..) {
        let line = match &item.article {
            Ok(article) => match annotated.next() {
                Some(Ok(a)) => {
                    summary.words += a.words;
                    OutputLine::Record(a.record)
                }
                Some(Err(message)) => {
                    error_line(Some(article.id.clone()), "internal", message, &item)
                }
                None => error_line(
                    Some(article.id.clone()),
                    "internal",
                    "the pipeline returned fewer records than articles".into(),
                    &item,
                ),
            },
            Err(e) => error_line(e.id.clone(), e.kind, e.message.clone(), &item),
        };
        summary.articles += 1;
        summary.errors += usize::from(line.is_error());
        if let (Some(index), OutputLine::Record(record)) = (index.as_deref_mut(), &line) {
            index.add(record)?;
        }
        sink.write_line(&line.to_json())?;
    }
    if let Some(index) = index {
        index.commit()?;
    }
    sink.flush()
}

fn error_line(id: Option<String>, kind: &str, message: String, item: &Item) -> OutputLine {
    OutputLine::Error(ErrorRecord {
        id,
        schema: SCHEMA.to_string(),
        error: ErrorDetail {
            kind: kind.to_string(),
            message,
            file: item.file.clone(),
            line: item.line,
        },
    })
}
