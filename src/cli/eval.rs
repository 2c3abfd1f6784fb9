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

/// Runs one eval subcommand and prints its report.
pub fn eval_command(command: EvalCommand) -> Result<ExitCode> {
    let report = match command {
        EvalCommand::Quotes { gold, roles, model } => {
            let pipeline = model.pipeline_with(Options {
                markup: Markup::Plain,
                roles: roles.into(),
                ..Options::default()
            })?;
            eval_quotes(&pipeline, &gold)?.report(&gold)
        }
        EvalCommand::Business { gold, data, model } => {
            // The gold and its texts are checked before the models load.
            let docs = gold_texts(&gold, &data)?;
            let pipeline = model.pipeline(Markup::Plain, 4096)?;
            eval_business(&pipeline, &docs)?.report(&gold)
        }
        EvalCommand::Ner { gold, model } => {
            let pipeline = model.pipeline(Markup::Plain, 4096)?;
            eval_ner(&pipeline, &gold)?.report(&gold)
        }
        EvalCommand::Record { gold, model } => {
            let pipeline = model.pipeline(Markup::Markdown, 4096)?;
            eval_record(&pipeline, &gold)?.report(&gold)
        }
        EvalCommand::Sentiment { gold, model } => {
            let pipeline = model.pipeline(Markup::Plain, 4096)?;
            eval_sentiment(&pipeline, &gold)?.report(&gold)
        }
    };
    print!("{report}");
    Ok(ExitCode::SUCCESS)
}
