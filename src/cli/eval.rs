//! `claimlink eval ...`: scores the pipeline against gold files and prints the reports
//! (tables, or with `--json` one metrics object).

use std::process::ExitCode;

use anyhow::Result;

use claimlink::eval::business::{eval_business, gold_texts};
use claimlink::eval::corpus::eval_corpus;
use claimlink::eval::ner::eval_ner;
use claimlink::eval::quotes::eval_quotes;
use claimlink::eval::record::eval_record;
use claimlink::eval::sentiment::eval_sentiment;
use claimlink::text::Markup;
use claimlink::Options;

use super::args::{CorpusArgs, EvalCommand};

/// The report as text or as a JSON object.
enum Report {
    Text(String),
    Json(serde_json::Value),
}

fn pick(
    json: bool,
    text: impl FnOnce() -> String,
    value: impl FnOnce() -> serde_json::Value,
) -> Report {
    if json {
        Report::Json(value())
    } else {
        Report::Text(text())
    }
}

/// Runs one eval subcommand and prints its report.
pub(crate) fn eval_command(command: EvalCommand) -> Result<ExitCode> {
    let report = match command {
        EvalCommand::Corpus(args) => corpus(&args)?,
        EvalCommand::Quotes {
            gold,
            roles,
            json,
            model,
        } => {
            let pipeline = model.pipeline_with(Options {
                markup: Markup::Plain,
                roles: roles.into(),
                ..Options::default()
            })?;
            let eval = eval_quotes(&pipeline, &gold)?;
            pick(json, || eval.report(&gold), || eval.to_json(&gold))
        }
        EvalCommand::Business {
            gold,
            data,
            split,
            json,
            mistakes,
            model,
        } => {
            // The gold and its texts are checked before the models load.
            let docs = gold_texts(&gold, &data, split.into())?;
            let pipeline = model.pipeline(Markup::Plain)?;
            let eval = eval_business(&pipeline, &docs, split.into())?;
            let report = || match mistakes {
                true => format!("{}\n{}", eval.report(&gold), eval.mistakes()),
                false => eval.report(&gold),
            };
            pick(json, report, || eval.to_json(&gold))
        }
        EvalCommand::Ner { gold, json, model } => {
            let pipeline = model.pipeline(Markup::Plain)?;
            let eval = eval_ner(&pipeline, &gold)?;
            pick(json, || eval.report(&gold), || eval.to_json(&gold))
        }
        EvalCommand::Record { gold, json, model } => {
            let pipeline = model.pipeline(Markup::Markdown)?;
            let eval = eval_record(&pipeline, &gold)?;
            let title = format!("eval record: {}", gold.display());
            pick(
                json,
                || eval.report(&title, false),
                || {
                    let mut value = eval.to_json(false);
                    value["eval"] = "record".into();
                    value["gold"] = gold.display().to_string().into();
                    value
                },
            )
        }
        EvalCommand::Sentiment {
            gold,
            data,
            split,
            json,
            model,
        } => {
            let pipeline = model.pipeline(Markup::Plain)?;
            let eval = eval_sentiment(&pipeline, &gold, &data, split.into())?;
            pick(json, || eval.report(&gold), || eval.to_json(&gold))
        }
    };
    match report {
        Report::Text(text) => print!("{text}"),
        Report::Json(value) => println!("{value}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// `eval corpus`: the models load only when there are no predictions to score.
fn corpus(args: &CorpusArgs) -> Result<Report> {
    let pipeline = match &args.pred {
        Some(_) => None,
        None => {
            // The gold is checked before the models load.
            claimlink::eval::gold::read_gold(&args.gold)?;
            Some(args.model.pipeline(args.markup.into())?)
        }
    };
    let eval = eval_corpus(pipeline.as_ref(), &args.gold, args.pred.as_deref())?;
    let title = match &args.pred {
        Some(pred) => format!(
            "eval corpus: {} against {}",
            pred.display(),
            args.gold.display()
        ),
        None => format!("eval corpus: the pipeline against {}", args.gold.display()),
    };
    Ok(pick(
        args.json,
        || eval.report(&title, args.per_article),
        || {
            let mut value = eval.to_json(args.per_article);
            value["eval"] = "corpus".into();
            value["gold"] = args.gold.display().to_string().into();
            value["pred"] = args.pred.as_ref().map(|p| p.display().to_string()).into();
            value
        },
    ))
}
