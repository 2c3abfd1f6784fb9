//! `claimlink run` and `claimlink bench`: the pipeline over a stream of articles.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

use claimlink::bench::{peak_rss_kib, BenchReport};
use claimlink::model::meter::matmul_gflops;
use claimlink::run::{run, RunOptions};

use super::args::{BenchArgs, RunArgs};

/// Annotates the inputs; exit 1 when some lines were errors.
pub fn run_command(args: RunArgs) -> Result<ExitCode> {
    let pipeline = args.model.pipeline_with(args.batching.options())?;
    let inputs = if args.inputs.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.inputs.clone()
    };
    let output = args.output.clone().filter(|p| p.as_os_str() != "-");
    let summary = run(
        &pipeline,
        &RunOptions {
            inputs,
            output,
            batch_articles: args.batching.batch_articles,
            progress: !args.quiet,
            resume: args.resume,
            max_article_bytes: args.batching.max_article_bytes,
        },
    )?;
    for warning in &summary.warnings {
        eprintln!("claimlink: warning: {warning}");
    }
    if !args.quiet {
        let target = summary
            .output
            .as_ref()
            .map_or("stdout".to_string(), |p| p.display().to_string());
        if summary.resumed > 0 {
            eprintln!(
                "claimlink: resumed after {} lines already written",
                summary.resumed
            );
        }
        let duplicates = match summary.duplicate_ids {
            0 => String::new(),
            n => format!(", {n} with an id already used"),
        };
        eprintln!(
            "claimlink: {} articles ({} error lines{duplicates}), {} words in {:.2} s ({:.0} words/s) → {target}",
            summary.articles,
            summary.errors,
            summary.words,
            summary.seconds,
            summary.words as f64 / summary.seconds.max(1e-9)
        );
    }
    Ok(if summary.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Runs the pipeline over the inputs and prints the bench table.
pub fn bench_command(args: BenchArgs) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    let pipeline = args.model.pipeline_with(args.batching.options())?;
    let startup = started.elapsed().as_secs_f64();
    let scratch =
        std::env::temp_dir().join(format!("claimlink-bench-{}.jsonl", std::process::id()));
    let output = args.output.clone().unwrap_or_else(|| scratch.clone());
    let summary = run(
        &pipeline,
        &RunOptions {
            inputs: args.inputs.clone(),
            output: Some(output),
            batch_articles: args.batching.batch_articles,
            progress: true,
            resume: false,
            max_article_bytes: args.batching.max_article_bytes,
        },
    )?;
    if args.output.is_none() {
        let _ = std::fs::remove_file(&scratch);
    }
    let peak_rss_kib = peak_rss_kib();
    let (hidden, ffn) = pipeline.encoder_shape();
    let report = BenchReport {
        input: (args.inputs.iter())
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(" "),
        threads: tch::get_num_threads().max(1) as usize,
        startup,
        summary,
        stages: pipeline.usage(),
        bound_gflops: matmul_gflops(
            2048,
            hidden as i64,
            ffn as i64,
            pipeline.options.precision.kind(),
            args.matmul_seconds,
        ),
        precision: pipeline.options.precision,
        peak_rss_kib,
    };
    print!("{}", report.table());
    Ok(ExitCode::SUCCESS)
}
