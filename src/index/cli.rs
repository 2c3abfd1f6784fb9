//! The `index` and `search` commands: their arguments and what they do.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use crate::companies::KnowledgeBase;
use crate::index::input::{lines, total_bytes, Line};
use crate::index::open::{display_db, open_searcher, open_sink};
use crate::index::query::{check_date, check_query, print_facets, print_hits, Search};
use crate::index::{IndexError, LoadSummary, Rows, Sink, Unit};

/// Articles written per transaction: large enough that commits cost little, small enough
/// that a kill loses little.
pub const DEFAULT_BATCH: usize = 500;

#[derive(clap::Args, Debug)]
pub struct IndexArgs {
    /// claimlink/1 output files (JSONL); - or none: stdin.
    pub inputs: Vec<PathBuf>,
    /// The index: a SQLite file (created when missing; another program's database or a
    /// file that is not SQLite is refused untouched), or a postgres:// URL (credentials from
    /// the URL or the PG* environment variables; ?connect_timeout=S, default 10, and
    /// ?options=-c%20statement_timeout=MS, default 60000 per batch, bound the waits).
    #[arg(long)]
    pub db: String,
    /// Unit of the stored offsets: code points, UTF-16 units (JavaScript, Elasticsearch)
    /// or bytes; other than code points, the records must carry their text (run --with-text).
    #[arg(long, value_enum, default_value_t = Unit::Codepoint)]
    pub offsets: Unit,
    /// Articles per transaction.
    #[arg(long, default_value_t = DEFAULT_BATCH)]
    pub batch: usize,
    /// SQLite: seconds to wait for another process writing the index before giving up.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub wait: u64,
    /// PostgreSQL: connections that load in parallel, each its share of every batch
    /// (default: the number of cores, at most 4).
    #[arg(long, value_name = "N")]
    pub connections: Option<usize>,
    /// Company knowledge base whose names and aliases `search` matches (default: the
    /// models folder's companies.json: $CLAIMLINK_MODELS, ./models or the project's models/).
    #[arg(long)]
    pub companies: Option<PathBuf>,
    /// No summary line.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(clap::Args, Debug)]
#[command(after_help = SEARCH_AFTER_HELP)]
pub struct SearchArgs {
    /// Full-text query over claim quote, sentence and title; at most 1000 characters and
    /// 32 words. SQLite: words (all must match), "a phrase", OR, AND, NOT, ( ), prefix*,
    /// NEAR(word word, 10), quote:word, sentence:word, title:word; a word with other
    /// punctuation (data-center, AT&T) is searched as the words it holds. PostgreSQL:
    /// words, "a phrase", OR, -word; prefix*, NEAR and column: are refused there. None:
    /// the newest claims that pass the filters.
    pub query: Option<String>,
    /// The index: a SQLite file (opened read-only) or a postgres:// URL (?connect_timeout=S,
    /// default 10; ?options=-c%20statement_timeout=MS, default 10000).
    #[arg(long)]
    pub db: String,
    /// Claims by this speaker: a company's name, alias, ticker or id, or a person's full
    /// name or surname ("Farley" finds "Jim Farley": a speaker is stored by the fullest
    /// name its article gives).
    #[arg(long)]
    pub speaker: Option<String>,
    /// Claims about this company.
    #[arg(long)]
    pub target: Option<String>,
    /// Claims reported through this publication (or from articles of this source).
    #[arg(long)]
    pub source: Option<String>,
    #[arg(long, value_enum)]
    pub sentiment: Option<SentimentArg>,
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    /// Articles published on or after this day (YYYY-MM-DD).
    #[arg(long)]
    pub since: Option<String>,
    /// Articles published on or before this day (YYYY-MM-DD).
    #[arg(long)]
    pub until: Option<String>,
    /// Most hits printed (1 to 10000).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub limit: u32,
    /// Also print claim counts per speaker, target, source and sentiment.
    #[arg(long)]
    pub facets: bool,
    /// One JSON object per hit (and one `{"facets": ...}` line with --facets).
    #[arg(long)]
    pub json: bool,
}

/// What `search --help` ends with: the exit status.
const SEARCH_AFTER_HELP: &str = "Exit status: 0 when the search ran, with hits or without \
(no hits: \"no claims match\" on stderr, nothing on stdout, also with --json); 2 for bad \
usage, a query refused or an index that cannot be read.";

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum SentimentArg {
    Positive,
    Neutral,
    Negative,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum KindArg {
    Direct,
    Indirect,
}

/// The models folder's knowledge base, as `run` finds it.
fn knowledge_base(flag: &Option<PathBuf>) -> Result<Option<KnowledgeBase>, IndexError> {
    let path = match flag {
        Some(p) => p.clone(),
        None => {
            let models = crate::models::ModelPaths::locate(None, None).models;
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

pub fn index_command(args: &IndexArgs) -> Result<ExitCode, IndexError> {
    let started = Instant::now();
    let wait = std::time::Duration::from_secs(args.wait);
    let mut sink = open_sink(&args.db, args.connections, wait)?;
    if let Some(kb) = knowledge_base(&args.companies)? {
        sink.companies(&kb)?;
    }
    let progress =
        crate::progress::bar(!args.quiet, total_bytes(&args.inputs), "0 articles indexed");
    let loaded = load(
        &args.inputs,
        sink.as_mut(),
        args.offsets,
        args.batch,
        &progress,
    );
    progress.finish_and_clear();
    let summary = loaded?;
    if !args.quiet {
        let seconds = started.elapsed().as_secs_f64();
        let again = match summary.duplicates {
            0 => String::new(),
            n => format!("; {n} repeated articles replaced by their last copy"),
        };
        eprintln!(
            "claimlink: indexed {} articles, {} claims ({} lines skipped{again}) in {seconds:.2} s \
             ({:.0} claims/s) → {}",
            summary.articles,
            summary.claims,
            summary.skipped,
            summary.claims as f64 / seconds.max(1e-9),
            display_db(&args.db)
        );
    }
    Ok(if summary.skipped > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

pub fn search_command(args: &SearchArgs) -> Result<ExitCode, IndexError> {
    let date =
        |flag: &str, d: &Option<String>| d.as_deref().map(|d| check_date(flag, d)).transpose();
    let query = args.query.clone().filter(|q| !q.trim().is_empty());
    if let Some(q) = &query {
        check_query(q)?;
    }
    let search = Search {
        query,
        speaker: args.speaker.iter().cloned().collect(),
        target: args.target.iter().cloned().collect(),
        source: args.source.iter().cloned().collect(),
        sentiment: args.sentiment.map(|s| format!("{s:?}").to_lowercase()),
        kind: args.kind.map(|k| format!("{k:?}").to_lowercase()),
        since: date("--since", &args.since)?,
        until: date("--until", &args.until)?,
        limit: args.limit as usize,
    };
    let mut searcher = open_searcher(&args.db)?;
    let hits = searcher.search(&search)?;
    if hits.is_empty() {
        eprintln!("claimlink: no claims match");
        return Ok(ExitCode::SUCCESS);
    }
    let facets = if args.facets {
        Some(searcher.facets(&search)?)
    } else {
        None
    };
    let out = &mut std::io::stdout().lock();
    let io = |source| IndexError::Io {
        path: "stdout".into(),
        source,
    };
    if args.json {
        for hit in &hits {
            writeln!(out, "{}", serde_json::to_string(hit).unwrap_or_default()).map_err(io)?;
        }
        if let Some(f) = &facets {
            let line = serde_json::json!({ "facets": f });
            writeln!(out, "{line}").map_err(io)?;
        }
    } else {
        print_hits(&hits, out).map_err(io)?;
        if let Some(f) = &facets {
            print_facets(f, out).map_err(io)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
