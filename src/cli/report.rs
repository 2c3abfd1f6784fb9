//! `claimlink report`: its arguments, and the handler that calls `claimlink::report`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

use claimlink::report::ReportOptions;

/// `claimlink report`'s arguments.
#[derive(clap::Args, Debug)]
pub(crate) struct ReportArgs {
    /// claimlink/1 output (JSONL), best written with `run --with-text` so the report can
    /// show the texts.
    pub pred: PathBuf,
    /// Gold JSONL (as for `eval corpus`): marks misses and false positives, adds the scores.
    #[arg(long)]
    pub gold: Option<PathBuf>,
    /// The input JSONL (`{"id", "text"}` per line), for records written without text.
    #[arg(long)]
    pub articles: Option<PathBuf>,
    /// The HTML file to write (atomically, via OUTPUT.part; never one of the inputs).
    #[arg(short, long)]
    pub output: PathBuf,
}

/// `claimlink report`: writes the page; exit 0.
pub(crate) fn report_command(args: &ReportArgs) -> Result<ExitCode> {
    claimlink::report::write_report(&ReportOptions {
        pred: args.pred.clone(),
        gold: args.gold.clone(),
        articles: args.articles.clone(),
        output: args.output.clone(),
    })?;
    Ok(ExitCode::SUCCESS)
}
