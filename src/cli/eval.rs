//! `claimlink eval ...`: scores the pipeline against gold files and prints the reports.

use std::process::ExitCode;

use anyhow::Result;

use claimlink::eval::business::{eval_business, gold_texts};
use claimlink::eval::ner::eval_ner;
use claimlink::eval::quotes::eval_quotes;
use claimlink::eval::record::eval_record;
use claimlink::eval::sentiment::eval_sentiment;
use claimlink::text::Markup;
use claimlink::Options;

use super::args::EvalCommand;

/// Runs one eval subcommand.
pub fn eval_command(command: EvalCommand) -> Result<ExitCode> {
    match command {
        EvalCommand::Quotes { gold, roles, model } => {
            let pipeline = model.pipeline_with(Options {
                markup: Markup::Plain,
                roles: roles.into(),
                ..Options::default()
            })?;
            let report = eval_quotes(&pipeline, &gold)?;
            println!(
                "eval quotes: {} ({} articles, {:.1} s)",
                gold.display(),
                report.scores.documents,
                report.seconds
            );
            print!("{}", report.scores.table("direct quotes"));
            print!("{}", report.indirect.table("indirect claims"));
            Ok(ExitCode::SUCCESS)
        }
        EvalCommand::Business { gold, data, model } => {
            // The gold and its texts are checked before the models load.
            let docs = gold_texts(&gold, &data)?;
            let pipeline = model.pipeline(Markup::Plain, 4096)?;
            let report = eval_business(&pipeline, &docs)?;
            println!(
                "eval business: {} ({} documents, {:.1} s)",
                gold.display(),
                report.scores.documents,
                report.seconds
            );
            print!("{}", report.scores.table());
            Ok(ExitCode::SUCCESS)
        }
        EvalCommand::Ner { gold, model } => {
            let pipeline = model.pipeline(Markup::Plain, 4096)?;
            let report = eval_ner(&pipeline, &gold)?;
            println!(
                "eval ner: {} ({} documents, {} words, {:.1} s, {:.0} words/s)",
                gold.display(),
                report.documents,
                report.words,
                report.seconds,
                report.words as f64 / report.seconds.max(1e-9)
            );
            print!("{}", report.scores.table("entity"));
            Ok(ExitCode::SUCCESS)
        }
        EvalCommand::Record { gold, model } => {
            let pipeline = model.pipeline(Markup::Markdown, 4096)?;
            let report = eval_record(&pipeline, &gold)?;
            println!("eval record: {}", gold.display());
            print!("{}", report.table());
            Ok(ExitCode::SUCCESS)
        }
        EvalCommand::Sentiment { gold, model } => {
            let pipeline = model.pipeline(Markup::Plain, 4096)?;
            let report = eval_sentiment(&pipeline, &gold)?;
            println!(
                "eval sentiment: {} ({})",
                gold.display(),
                report.format.name()
            );
            print!("{}", report.confusion.table());
            println!(
                "ECE (15 bins) {:.4}; targets without an answer: {}",
                report.ece, report.unanswered
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
