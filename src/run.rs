//! `claimlink run`: streams inputs through the pipeline in batches and writes one output
//! line per input line, in input order. Memory is bounded by the batch, not the corpus.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

use crate::doc::Article;
use crate::error::{Error, Result};
use crate::io::read::{expand_inputs, items, BytesRead, Item};
use crate::io::write::{ExpectedId, Sink};
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
    /// Wall-clock time.
    pub seconds: f64,
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
            "), {} words in {:.2} s ({:.0} words/s) → ",
            self.words,
            self.seconds,
            self.words as f64 / self.seconds.max(1e-9)
        )?;
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
    let (mut sink, done) = match &options.output {
        Some(path) if options.resume => {
            let mut expected = items.by_ref().map(|item| {
                let id = expected_id(&item);
                ids.insert(&id);
                id
            });
            Sink::resume(path, &files, &mut expected)?
        }
        Some(path) => (Sink::file(path, &files)?, 0),
        None if options.resume => {
            return Err(Error::Invalid(
                "--resume needs -o FILE: stdout cannot be resumed".into(),
            ))
        }
        None => (Sink::stdout(), 0),
    };
    let mut index = match &options.index {
        Some(db) => Some(crate::index::live::RunIndex::open(
            db,
            pipeline.companies(),
        )?),
        None => None,
    };
    let bar = progress_bar(options.progress, total_bytes, "0 articles");
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
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
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
    mut index: Option<&mut crate::index::live::RunIndex>,
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

/// A bar over the bytes of the inputs with an ETA when their size is known, else a
/// spinner, starting with `message`; only on a terminal.
pub(crate) fn progress_bar(
    wanted: bool,
    total_bytes: Option<u64>,
    message: &'static str,
) -> indicatif::ProgressBar {
    if !wanted || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let (bar, template) = match total_bytes {
        Some(total) => (
            indicatif::ProgressBar::new(total),
            "{bar:30} {bytes}/{total_bytes} read, {msg}, {elapsed} elapsed, ETA {eta}",
        ),
        None => (
            indicatif::ProgressBar::new_spinner(),
            "{spinner} {bytes} read, {msg}, {elapsed} elapsed",
        ),
    };
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar.set_message(message);
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}
