//! Loading claimlink/1 output files into an index: what `claimlink index` does, for any
//! caller that builds an [`IndexOptions`].

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use crate::companies::KnowledgeBase;
use crate::index::input::{lines, total_bytes, Line};
use crate::index::open::open_sink;
use crate::index::{IndexError, LoadSummary, Rows, Sink, Unit};

/// Articles written per transaction: large enough that commits cost little, small enough
/// that a kill loses little.
pub const DEFAULT_BATCH: usize = 500;

/// What to load where: the options of `claimlink index`.
#[derive(Debug, Clone)]
pub struct IndexOptions {
    /// claimlink/1 output files (JSONL); none or `-`: stdin.
    pub inputs: Vec<PathBuf>,
    /// A SQLite file or a `postgres://` URL.
    pub db: String,
    /// Unit of the stored offsets.
    pub offsets: Unit,
    /// Articles per transaction.
    pub batch: usize,
    /// SQLite: how long to wait for another writer.
    pub wait: Duration,
    /// PostgreSQL: connections loading in parallel (`None`: the cores, at most 4).
    pub connections: Option<usize>,
    /// Knowledge base whose names and aliases `search` matches (`None`: the models
    /// folder's companies.json, when there is one).
    pub companies: Option<PathBuf>,
    /// A progress bar on stderr (when it is a terminal).
    pub progress: bool,
}

/// Loads `options.inputs` into `options.db`, with the knowledge base's companies first.
pub fn index(options: &IndexOptions) -> Result<LoadSummary, IndexError> {
    let mut sink = open_sink(&options.db, options.connections, options.wait)?;
    if let Some(kb) = knowledge_base(&options.companies)? {
        sink.companies(&kb)?;
    }
    let progress = crate::progress::bar(
        options.progress,
        total_bytes(&options.inputs),
        "0 articles indexed",
    );
    let loaded = load(
        &options.inputs,
        sink.as_mut(),
        options.offsets,
        options.batch,
        &progress,
    );
    progress.finish_and_clear();
    loaded
}

/// The models folder's knowledge base, as `run` finds it.
fn knowledge_base(flag: &Option<PathBuf>) -> Result<Option<KnowledgeBase>, IndexError> {
    let path = match flag {
        Some(p) => p.clone(),
        None => {
            let models = crate::model_paths::ModelPaths::locate(None, None).models;
            let path = models.join("companies.json");
            if !path.is_file() {
                return Ok(None);
            }
            path
        }
    };
    Ok(Some(KnowledgeBase::load(&path)?))
}

/// Loads records into `sink`, `batch` articles per transaction. Skipped lines are told on
/// stderr with their file and line.
///
/// Reading, parsing and flattening run on a thread of their own, a batch or two ahead of
/// the writer, so the database's work (the bound on the load) overlaps the JSON's.
pub fn load(
    inputs: &[PathBuf],
    sink: &mut dyn Sink,
    unit: Unit,
    batch: usize,
    progress: &indicatif::ProgressBar,
) -> Result<LoadSummary, IndexError> {
    let batch = batch.max(1);
    let lines = lines(inputs, progress)?;
    let (sender, batches) = std::sync::mpsc::sync_channel::<Result<Vec<Rows>, IndexError>>(2);
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || read_batches(lines, unit, batch, &sender, progress));
        // The writer stops at the first failure; dropping `batches` then ends the reader.
        let (mut articles, mut claims) = (0, 0);
        let written = batches.into_iter().try_for_each(|rows| {
            let rows = rows?;
            sink.write_batch(&rows)?;
            articles += rows.len();
            claims += rows.iter().map(|r| r.claims.len()).sum::<usize>();
            progress.set_message(format!("{articles} articles, {claims} claims indexed"));
            Ok(())
        });
        let summary = reader
            .join()
            .map_err(|_| IndexError::Usage("the input reader stopped unexpectedly".into()))?;
        written.map(|()| summary)
    })
}

/// Parses `lines` into batches of rows for the writer; counts what it read and tells the
/// lines it skips. Stops early when the writer has gone.
fn read_batches(
    lines: impl Iterator<Item = Result<Line, IndexError>> + Send,
    unit: Unit,
    batch: usize,
    sender: &std::sync::mpsc::SyncSender<Result<Vec<Rows>, IndexError>>,
    progress: &indicatif::ProgressBar,
) -> LoadSummary {
    let mut tally = Tally::default();
    let mut rows: Vec<Rows> = Vec::with_capacity(batch);
    // Said above the progress bar, not through it; a closed stderr is no reason to stop.
    let tell = |message: String| {
        progress.suspend(|| {
            let _ = writeln!(std::io::stderr(), "claimlink: {message}");
        })
    };
    for line in lines {
        let record = match line {
            Ok(Line::Record(record)) => record,
            Ok(Line::Error { file, line }) => {
                tally.summary.skipped += 1;
                tell(format!("{file}:{line}: error line, not indexed"));
                continue;
            }
            Ok(Line::Invalid {
                file,
                line,
                message,
            }) => {
                tally.summary.skipped += 1;
                tell(format!("{file}:{line}: {message}; skipped"));
                continue;
            }
            Err(e) => {
                let _ = sender.send(Err(e));
                return tally.summary;
            }
        };
        match Rows::from_record(&record, unit) {
            Ok(r) => {
                if let Some(message) = tally.add(&r.article.id, r.claims.len()) {
                    tell(message);
                }
                rows.push(r);
            }
            Err(e) => {
                let _ = sender.send(Err(e));
                return tally.summary;
            }
        }
        if rows.len() >= batch {
            let full = std::mem::replace(&mut rows, Vec::with_capacity(batch));
            if sender.send(Ok(full)).is_err() {
                return tally.summary;
            }
        }
    }
    let _ = sender.send(Ok(rows));
    tally.summary
}

/// Article ids given more than once that are named on stderr; the rest are counted.
const DUPLICATES_TOLD: usize = 5;

/// What a load read: distinct articles, the claims of each one's last copy, the copies
/// given again.
#[derive(Default)]
struct Tally {
    summary: LoadSummary,
    /// Claims of each article's latest copy, by a 64-bit hash of its id (16 bytes an
    /// article, where the ids themselves could be hundreds).
    seen: std::collections::HashMap<u64, usize>,
}

impl Tally {
    /// Counts one article; for a copy of an article already read, what to tell.
    fn add(&mut self, id: &str, claims: usize) -> Option<String> {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        id.hash(&mut hasher);
        let s = &mut self.summary;
        match self.seen.insert(hasher.finish(), claims) {
            None => {
                s.articles += 1;
                s.claims += claims;
                None
            }
            Some(before) => {
                s.claims = s.claims - before + claims;
                s.duplicates += 1;
                match s.duplicates {
                    n if n <= DUPLICATES_TOLD => Some(format!(
                        "article {} is given again; the index keeps its last copy",
                        crate::index::query::quoted_prefix(id)
                    )),
                    n if n == DUPLICATES_TOLD + 1 => {
                        Some("more articles are given again; the summary counts them".into())
                    }
                    _ => None,
                }
            }
        }
    }
}
