//! `claimlink run` and `claimlink bench`: the pipeline over a stream of articles.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;

use claimlink::bench::measure;
use claimlink::run::{run, RunOptions};
use claimlink::Options;

use super::args::{BenchArgs, RunArgs};

/// Annotates the inputs; exit 1 when some lines were errors.
pub(crate) fn run_command(args: RunArgs) -> Result<ExitCode> {
    let inputs = if args.inputs.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.inputs.clone()
    };
    if inputs.iter().any(|p| p.as_os_str() == "-") && std::io::stdin().is_terminal() {
        eprintln!(
            "claimlink: reading articles from standard input, one JSON object per line \
             ({{\"id\": ..., \"text\": ...}}); end with Ctrl-D, or pass files: \
             claimlink run FILE... (see --help)"
        );
    }
    let started = Instant::now();
    let pipeline = args.model.pipeline_with(Options {
        with_text: args.with_text,
        ..args.batching.options()
    })?;
    let load_seconds = started.elapsed().as_secs_f64();
    let output = args.output.clone().filter(|p| p.as_os_str() != "-");
    let mut summary = run(
        &pipeline,
        &RunOptions {
            inputs,
            output,
            batch_articles: args.batching.batch_articles,
            progress: !args.quiet,
            resume: args.resume,
            max_article_bytes: args.batching.max_article_bytes,
            index: args.index.clone(),
        },
    )?;
    summary.load_seconds = Some(load_seconds);
    for warning in &summary.warnings {
        eprintln!("claimlink: warning: {warning}");
    }
    if !args.quiet {
        if summary.resumed > 0 {
            eprintln!(
                "claimlink: resumed after {} lines already written",
                summary.resumed
            );
        }
        eprintln!("claimlink: {summary}");
    }
    Ok(if summary.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Runs the pipeline over the inputs and prints the bench table.
pub(crate) fn bench_command(args: BenchArgs) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    let pipeline = args.model.pipeline_with(args.batching.options())?;
    let startup = started.elapsed().as_secs_f64();
    let options = RunOptions {
        inputs: args.inputs.clone(),
        output: args.output.clone(),
        batch_articles: args.batching.batch_articles,
        progress: true,
        resume: false,
        max_article_bytes: args.batching.max_article_bytes,
        index: None,
    };
    let report = measure(&pipeline, &options, startup, args.matmul_seconds)?;
    print!("{}", report.table());
    Ok(ExitCode::SUCCESS)
}
