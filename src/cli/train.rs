//! `claimlink train ner|sentiment|attribution`: checks the data, then fine-tunes.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use claimlink::eval::business::Split;
use claimlink::pipeline::Options;
use claimlink::train::attribution::{
    train_attribution, AttributionTrainConfig, AttributionTrainJob,
};
use claimlink::train::ner::{train_ner, NerTrainConfig, NerTrainJob};
use claimlink::train::sentiment::{train_sentiment, SentimentTrainConfig, SentimentTrainJob};
use claimlink::train::target::{train_target, GoldPart, TargetTrainConfig, TargetTrainJob};

use super::args::{
    TrainAttributionArgs, TrainCommand, TrainNerArgs, TrainSentimentArgs, TrainTargetArgs,
};

/// Runs one training subcommand.
pub fn train_command(command: TrainCommand) -> Result<ExitCode> {
    match command {
        TrainCommand::Ner(args) => train_ner_command(args),
        TrainCommand::Sentiment(args) => train_sentiment_command(args),
        TrainCommand::Attribution(args) => train_attribution_command(args),
        TrainCommand::Target(args) => train_target_command(args),
    }
}

/// Training data must be there before anything loads.
fn require_files(files: &[&Path], folder: &str) -> Result<()> {
    for file in files {
        anyhow::ensure!(
            file.is_file(),
            "{} not found: pass --data with the folder that holds {folder}/",
            file.display()
        );
    }
    Ok(())
}

fn train_ner_command(args: TrainNerArgs) -> Result<ExitCode> {
    args.threads.setup();
    let mut config = NerTrainConfig::default();
    args.schedule.apply(&mut config.schedule)?;
    config.casing = !args.no_casing;
    let train = args.data.join("conll2003/train.txt");
    let valid = args.data.join("conll2003/valid.txt");
    require_files(&[&train, &valid], "conll2003")?;
    let job = NerTrainJob {
        train,
        valid,
        base: args.model.paths().base,
        out: args.schedule.out(&args.out, "models/ner")?,
        checkpoint: args.checkpoint,
        config,
        resume: args.schedule.resume,
    };
    let position = train_ner(&job)?;
    println!(
        "train ner: best valid F1 {:.4} at epoch {}; model in {}",
        position.best_score,
        position.best_epoch.unwrap_or(0),
        job.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn train_attribution_command(args: TrainAttributionArgs) -> Result<ExitCode> {
    args.threads.setup();
    let mut config = AttributionTrainConfig::default();
    args.schedule.apply(&mut config.schedule)?;
    config.branch = args.branch.unwrap_or(config.branch);
    config.layers = args.layers.unwrap_or(config.layers);
    let (train, dev) = (
        args.data.join("polnear/train"),
        args.data.join("polnear/dev"),
    );
    for split in [&train, &dev] {
        anyhow::ensure!(
            split.join("text").is_dir() && split.join("attributions").is_dir(),
            "{} is not a PolNeAR split (text/ and attributions/): pass --data with the \
             folder that holds polnear/",
            split.display()
        );
    }
    let paths = args.model.paths();
    let job = AttributionTrainJob {
        train,
        dev,
        trunk: paths.models.join("ner"),
        base: paths.base,
        out: args.schedule.out(&args.out, "models/attribution")?,
        checkpoint: args.checkpoint,
        config,
        resume: args.schedule.resume,
    };
    let position = train_attribution(&job)?;
    println!(
        "train attribution: best dev F1 {:.4} at epoch {}; head in {}",
        position.best_score,
        position.best_epoch.unwrap_or(0),
        job.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn train_sentiment_command(args: TrainSentimentArgs) -> Result<ExitCode> {
    args.threads.setup();
    let mut config = SentimentTrainConfig::default();
    args.schedule.apply(&mut config.schedule)?;
    config.directed = args.directed;
    let train = args.data.join("newsmtsc/train.jsonl");
    let dev = args.data.join("newsmtsc/dev-rw.jsonl");
    require_files(&[&train, &dev], "newsmtsc")?;
    let directed = args.data.join("directed-sentiment/train.txt");
    if args.directed {
        require_files(&[&directed], "directed-sentiment")?;
    }
    config.sentfin = args.sentfin;
    anyhow::ensure!(
        args.sentfin || args.sentfin_repeat == 1,
        "--sentfin-repeat needs --sentfin"
    );
    config.sentfin_repeat = args.sentfin_repeat as usize;
    anyhow::ensure!(
        args.sentfin || args.compose == 0,
        "--compose needs --sentfin (it joins SEntFiN headlines)"
    );
    config.compose = args.compose;
    if let Some(init) = &args.init {
        anyhow::ensure!(
            init.join("config.json").is_file(),
            "{} is not a model folder (no config.json): pass --init with a trained sentiment model",
            init.display()
        );
    }
    config.init = args.init.clone();
    config.markers = args.markers;
    let sentfin_train = args.data.join("sentfin/train.jsonl");
    let sentfin_dev = args.data.join("sentfin/dev.jsonl");
    if args.sentfin {
        require_files(&[&sentfin_train, &sentfin_dev], "sentfin")?;
    }
    let job = SentimentTrainJob {
        train,
        dev,
        directed,
        sentfin_train,
        sentfin_dev,
        base: args.model.paths().base,
        out: args.schedule.out(&args.out, "models/sentiment")?,
        checkpoint: args.checkpoint,
        config,
        resume: args.schedule.resume,
    };
    let position = train_sentiment(&job)?;
    println!(
        "train sentiment: best dev selection score (macro-F1, the mean over dev sets with --sentfin) {:.4} at epoch {}; model in {}",
        position.best_score,
        position.best_epoch.unwrap_or(0),
        job.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn train_target_command(args: TrainTargetArgs) -> Result<ExitCode> {
    let defaults = TargetTrainConfig::default();
    let config = TargetTrainConfig {
        steps: args.steps.unwrap_or(defaults.steps),
        lr: args.lr.unwrap_or(defaults.lr),
        l2: args.l2.unwrap_or(defaults.l2),
    };
    anyhow::ensure!(
        config.steps > 0 && config.lr > 0.0,
        "--steps and --lr must be above 0"
    );
    let out = match args.out {
        Some(out) => out,
        None => {
            let default = std::path::PathBuf::from("models/target");
            anyhow::ensure!(
                args.force || !default.join("ranker.json").exists(),
                "{} already holds a ranker: pass --out FOLDER to train into another folder, or \
                 --force to replace it",
                default.display()
            );
            default
        }
    };
    let job = TargetTrainJob {
        train: GoldPart {
            gold: args.gold,
            split: args.split.into(),
        },
        dev: (args.dev.into_iter())
            .map(|gold| GoldPart {
                gold,
                split: Split::Dev,
            })
            .collect(),
        data: args.data,
        models: args.model.model.paths().models,
        out,
        examples: args.examples,
        config,
    };
    // The features read the rules' targets, so the ranker must not run while they are made.
    let pipeline = args.model.pipeline_with(Options {
        rank_targets: false,
        ..Options::default()
    })?;
    let report = train_target(&pipeline, &job)?;
    println!(
        "train target: {} examples, choice accuracy {:.4} on them",
        report.train_examples, report.train_accuracy
    );
    for (gold, split, n, rules, ranker) in &report.dev {
        println!(
            "  {} ({}): {n} examples, choice accuracy rules {rules:.4}, ranker {ranker:.4}",
            gold.display(),
            split.name()
        );
    }
    println!("ranker and training.json in {}", job.out.display());
    Ok(ExitCode::SUCCESS)
}
