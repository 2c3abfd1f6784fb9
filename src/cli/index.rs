//! `claimlink index` and `claimlink search`: their arguments, and handlers that call
//! `claimlink::index` and print.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Result;

use claimlink::index::open::{display_db, open_searcher};
use claimlink::index::query::{check_date, check_query, print_facets, print_hits, Search};
use claimlink::index::{IndexError, IndexOptions, DEFAULT_BATCH};

use super::args::OffsetsArg;

#[derive(clap::Args, Debug)]
pub(crate) struct IndexArgs {
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
    #[arg(long, value_enum, default_value_t = OffsetsArg::Codepoint)]
    pub offsets: OffsetsArg,
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
pub(crate) struct SearchArgs {
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
    /// name its article gives); also claims of anyone speaking for an organisation of that
    /// name, as --speaker-org ("Boeing" finds "a Boeing spokesperson"). Initialisms match
    /// with or without dots ("FBI" finds "F.B.I.").
    #[arg(long)]
    pub speaker: Option<String>,
    /// Claims whose speaker speaks for this organisation: its name as whole words, any
    /// case ("boeing" finds "a Boeing spokesperson" and Boeing's chief executive), a
    /// knowledge-base alias or ticker, an initialism with or without dots ("F.B.I." = "FBI").
    #[arg(long, value_name = "NAME")]
    pub speaker_org: Option<String>,
    /// Claims about this company: a name, alias or ticker; an initialism with or without
    /// dots.
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
    /// Also print claim counts per speaker, speaker organisation, target, source and
    /// sentiment.
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
pub(crate) enum SentimentArg {
    Positive,
    Neutral,
    Negative,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub(crate) enum KindArg {
    Direct,
    Indirect,
}

/// `claimlink index`: loads, then says what it loaded; exit 1 when lines were skipped.
pub(crate) fn index_command(args: &IndexArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let summary = claimlink::index::index(&IndexOptions {
        inputs: args.inputs.clone(),
        db: args.db.clone(),
        offsets: args.offsets.into(),
        batch: args.batch,
        wait: Duration::from_secs(args.wait),
        connections: args.connections,
        companies: args.companies.clone(),
        progress: !args.quiet,
    })?;
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

/// `claimlink search`: hits (and facets) on stdout; no hits is still a success.
pub(crate) fn search_command(args: &SearchArgs) -> Result<ExitCode> {
    let date =
        |flag: &str, d: &Option<String>| d.as_deref().map(|d| check_date(flag, d)).transpose();
    let query = args.query.clone().filter(|q| !q.trim().is_empty());
    if let Some(q) = &query {
        check_query(q)?;
    }
    let search = Search {
        query,
        speaker: args.speaker.iter().cloned().collect(),
        speaker_org: args.speaker_org.iter().cloned().collect(),
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
