//! `claimlink train ner|sentiment|attribution`: checks the data, then fine-tunes.
//!
//! The three share one skeleton (`train_task`): thread pools, the schedule's overrides,
//! the task's own flags and data checks, the output folder, the training and one closing
//! line. Each task says only what differs, as a `Task`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;

use claimlink::eval::business::Split;
use claimlink::pipeline::Options;
use claimlink::train::attribution::{
    train_attribution, AttributionTrainConfig, AttributionTrainJob,
};
use claimlink::train::checkpoint::Position;
use claimlink::train::fit::Schedule;
use claimlink::train::ner::{train_ner, NerTrainConfig, NerTrainJob};
use claimlink::train::sentiment::{train_sentiment, SentimentTrainConfig, SentimentTrainJob};
use claimlink::train::soft::{soft_labels, teacher_config, SoftLabelJob};
use claimlink::train::target::{train_target, GoldPart, TargetTrainConfig, TargetTrainJob};

use super::args::{
    output_folder, PrecisionArg, ScheduleArgs, ThreadArgs, TrainAttributionArgs, TrainCommand,
    TrainNerArgs, TrainSentimentArgs, TrainSoftLabelsArgs, TrainTargetArgs,
};

/// Runs one training subcommand.
pub(crate) fn train_command(command: TrainCommand) -> Result<ExitCode> {
    match command {
        TrainCommand::Ner(args) => train_task(args),
        TrainCommand::Sentiment(args) => train_task(args),
        TrainCommand::Attribution(args) => train_task(args),
        // No epochs, checkpoints or schedule: a full-batch fit over features.
        TrainCommand::Target(args) => train_target_command(args),
        TrainCommand::SoftLabels(args) => soft_labels_command(args),
    }
}

/// What one `train` subcommand adds to the shared skeleton.
trait Task {
    type Config: Default;
    /// The checked training data's paths.
    type Data;
    type Job;
    /// As in `train NAME` and the default folder `models/NAME`.
    const NAME: &'static str;
    /// The closing line's wording: what the best epoch was chosen on, what the folder holds.
    const BEST: &'static str;
    const HOLDS: &'static str;

    /// The flags every task has: threads, schedule and `--out`.
    fn shared(&self) -> (&ThreadArgs, &ScheduleArgs, &Option<PathBuf>);
    fn schedule(config: &mut Self::Config) -> &mut Schedule;
    /// The task's own flags into `config`; the data checked before anything loads.
    fn prepare(&self, config: &mut Self::Config) -> Result<Self::Data>;
    fn job(self, data: Self::Data, config: Self::Config, out: PathBuf) -> Self::Job;
    fn train(job: &Self::Job) -> claimlink::Result<Position>;
}

/// The skeleton: setup, checks (all before any model loads), training, one closing line.
fn train_task<T: Task>(args: T) -> Result<ExitCode> {
    let (threads, schedule, out) = args.shared();
    threads.setup();
    let mut config = T::Config::default();
    schedule.apply(T::schedule(&mut config))?;
    let data = args.prepare(&mut config)?;
    let out = schedule.out(out, &format!("models/{}", T::NAME))?;
    let job = args.job(data, config, out.clone());
    let position = T::train(&job)?;
    println!(
        "train {}: {} {:.4} at epoch {}; {} in {}",
        T::NAME,
        T::BEST,
        position.best_score,
        position.best_epoch.unwrap_or(0),
        T::HOLDS,
        out.display()
    );
    Ok(ExitCode::SUCCESS)
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

impl Task for TrainNerArgs {
    type Config = NerTrainConfig;
    /// CoNLL-2003 train and valid.
    type Data = (PathBuf, PathBuf);
    type Job = NerTrainJob;
    const NAME: &'static str = "ner";
    const BEST: &'static str = "best valid F1";
    const HOLDS: &'static str = "model";

    fn shared(&self) -> (&ThreadArgs, &ScheduleArgs, &Option<PathBuf>) {
        (&self.threads, &self.schedule, &self.out)
    }
    fn schedule(config: &mut NerTrainConfig) -> &mut Schedule {
        &mut config.schedule
    }

    fn prepare(&self, config: &mut NerTrainConfig) -> Result<Self::Data> {
        config.casing = !self.no_casing;
        let train = self.data.join("conll2003/train.txt");
        let valid = self.data.join("conll2003/valid.txt");
        require_files(&[&train, &valid], "conll2003")?;
        Ok((train, valid))
    }

    fn job(self, (train, valid): Self::Data, config: NerTrainConfig, out: PathBuf) -> NerTrainJob {
        NerTrainJob {
            train,
            valid,
            base: self.model.paths().base,
            out,
            checkpoint: self.checkpoint,
            config,
            resume: self.schedule.resume,
        }
    }

    fn train(job: &NerTrainJob) -> claimlink::Result<Position> {
        train_ner(job)
    }
}

impl Task for TrainAttributionArgs {
    type Config = AttributionTrainConfig;
    /// PolNeAR train and dev folders.
    type Data = (PathBuf, PathBuf);
    type Job = AttributionTrainJob;
    const NAME: &'static str = "attribution";
    const BEST: &'static str = "best dev F1";
    const HOLDS: &'static str = "head";

    fn shared(&self) -> (&ThreadArgs, &ScheduleArgs, &Option<PathBuf>) {
        (&self.threads, &self.schedule, &self.out)
    }
    fn schedule(config: &mut AttributionTrainConfig) -> &mut Schedule {
        &mut config.schedule
    }

    fn prepare(&self, config: &mut AttributionTrainConfig) -> Result<Self::Data> {
        config.branch = self.branch.unwrap_or(config.branch);
        config.layers = self.layers.unwrap_or(config.layers);
        let (train, dev) = (
            self.data.join("polnear/train"),
            self.data.join("polnear/dev"),
        );
        for split in [&train, &dev] {
            anyhow::ensure!(
                split.join("text").is_dir() && split.join("attributions").is_dir(),
                "{} is not a PolNeAR split (text/ and attributions/): pass --data with the \
                 folder that holds polnear/",
                split.display()
            );
        }
        Ok((train, dev))
    }

    fn job(
        self,
        (train, dev): Self::Data,
        config: AttributionTrainConfig,
        out: PathBuf,
    ) -> AttributionTrainJob {
        let paths = self.model.paths();
        AttributionTrainJob {
            train,
            dev,
            trunk: paths.models.join("ner"),
            base: paths.base,
            out,
            checkpoint: self.checkpoint,
            config,
            resume: self.schedule.resume,
        }
    }

    fn train(job: &AttributionTrainJob) -> claimlink::Result<Position> {
        train_attribution(job)
    }
}

/// The sentiment task's data files; the optional ones are named even when not used.
struct SentimentData {
    train: PathBuf,
    dev: PathBuf,
    directed: PathBuf,
    sentfin_train: PathBuf,
    sentfin_dev: PathBuf,
}

impl Task for TrainSentimentArgs {
    type Config = SentimentTrainConfig;
    type Data = SentimentData;
    type Job = SentimentTrainJob;
    const NAME: &'static str = "sentiment";
    const BEST: &'static str =
        "best dev selection score (macro-F1, the mean over dev sets with --sentfin)";
    const HOLDS: &'static str = "model";

    fn shared(&self) -> (&ThreadArgs, &ScheduleArgs, &Option<PathBuf>) {
        (&self.threads, &self.schedule, &self.out)
    }
    fn schedule(config: &mut SentimentTrainConfig) -> &mut Schedule {
        &mut config.schedule
    }

    fn prepare(&self, config: &mut SentimentTrainConfig) -> Result<SentimentData> {
        config.directed = self.directed;
        let train = self.data.join("newsmtsc/train.jsonl");
        let dev = self.data.join("newsmtsc/dev-rw.jsonl");
        require_files(&[&train, &dev], "newsmtsc")?;
        let directed = self.data.join("directed-sentiment/train.txt");
        if self.directed {
            require_files(&[&directed], "directed-sentiment")?;
        }
        config.sentfin = self.sentfin;
        anyhow::ensure!(
            self.sentfin || self.sentfin_repeat == 1,
            "--sentfin-repeat needs --sentfin"
        );
        config.sentfin_repeat = self.sentfin_repeat as usize;
        anyhow::ensure!(
            self.sentfin || self.compose == 0,
            "--compose needs --sentfin (it joins SEntFiN headlines)"
        );
        config.compose = self.compose;
        anyhow::ensure!(
            self.business.is_some() || self.business_repeat == 1,
            "--business-repeat needs --business"
        );
        if let Some(gold) = &self.business {
            anyhow::ensure!(
                gold.is_file(),
                "{} not found: pass --business with a business gold file such as \
                 gold/business-quotes-reuters-2006-2013.jsonl",
                gold.display()
            );
            config.business_repeat = self.business_repeat as usize;
        }
        if let Some(init) = &self.init {
            anyhow::ensure!(
                init.join("config.json").is_file(),
                "{} is not a model folder (no config.json): pass --init with a trained sentiment model",
                init.display()
            );
        }
        if let Some(teacher) = &self.teacher {
            anyhow::ensure!(
                teacher.join("model.safetensors").is_file()
                    && teacher.join("config.json").is_file(),
                "{} holds no MPNet checkpoint (model.safetensors, config.json): run \
                 scripts/teacher.sh, then pass --teacher target/teacher/all-mpnet-base-v2",
                teacher.display()
            );
            anyhow::ensure!(
                self.out.is_some(),
                "--teacher needs --out: a teacher is not a model claimlink runs"
            );
            anyhow::ensure!(
                self.init.is_none(),
                "--teacher starts from the MPNet checkpoint: drop --init"
            );
        }
        config.teacher = self.teacher.clone();
        anyhow::ensure!(
            self.soft_labels.is_some() || self.unlabelled.is_none(),
            "--unlabelled needs --soft-labels (unlabelled mentions are learnt from soft labels)"
        );
        if let Some(soft_labels) = &self.soft_labels {
            anyhow::ensure!(
                soft_labels.is_file(),
                "{} not found: make it with `claimlink train soft-labels`",
                soft_labels.display()
            );
            anyhow::ensure!(
                (0.0..=1.0).contains(&self.soft_weight) && self.soft_temperature > 0.0,
                "--soft-weight must be in [0, 1] and --soft-temperature above 0"
            );
            config.distil = Some(claimlink::train::sentiment::Distil {
                soft_labels: soft_labels.clone(),
                unlabelled: self.unlabelled.clone(),
                weight: self.soft_weight,
                temperature: self.soft_temperature,
            });
        }
        config.init = self.init.clone();
        config.markers = self.markers;
        let sentfin_train = self.data.join("sentfin/train.jsonl");
        let sentfin_dev = self.data.join("sentfin/dev.jsonl");
        if self.sentfin {
            require_files(&[&sentfin_train, &sentfin_dev], "sentfin")?;
        }
        Ok(SentimentData {
            train,
            dev,
            directed,
            sentfin_train,
            sentfin_dev,
        })
    }

    fn job(
        self,
        data: SentimentData,
        config: SentimentTrainConfig,
        out: PathBuf,
    ) -> SentimentTrainJob {
        SentimentTrainJob {
            train: data.train,
            dev: data.dev,
            directed: data.directed,
            sentfin_train: data.sentfin_train,
            sentfin_dev: data.sentfin_dev,
            business: self.business.map(|gold| (gold, self.data.clone())),
            data: self.data,
            base: self.model.paths().base,
            out,
            checkpoint: self.checkpoint,
            config,
            resume: self.schedule.resume,
        }
    }

    fn train(job: &SentimentTrainJob) -> claimlink::Result<Position> {
        train_sentiment(job)
    }
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
    let out = output_folder(
        &args.out,
        "models/target",
        args.force,
        "ranker.json",
        "a ranker",
    )?;
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
    // They are made in f32 unless bf16 is asked for by name: the same weights on every CPU.
    let mut model = args.model.clone();
    if matches!(model.precision, PrecisionArg::Auto) {
        model.precision = PrecisionArg::F32;
    }
    let pipeline = model.pipeline_with(Options {
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

fn soft_labels_command(args: TrainSoftLabelsArgs) -> Result<ExitCode> {
    args.threads.setup();
    anyhow::ensure!(
        args.force || !args.out.exists(),
        "{} exists: pass --force to replace it, or another --out",
        args.out.display()
    );
    let config = teacher_config(&args.teacher)?;
    anyhow::ensure!(
        config.teacher.is_some(),
        "{} is a student, not a teacher: pass the folder `train sentiment --teacher` wrote",
        args.teacher.display()
    );
    anyhow::ensure!(
        config.business_repeat == 0 || args.business.is_some(),
        "the teacher was trained with --business: pass the same gold file"
    );
    let sentfin = |name: &str| args.data.join("sentfin").join(name);
    let data = SentimentTrainJob {
        train: args.data.join("newsmtsc/train.jsonl"),
        dev: args.data.join("newsmtsc/dev-rw.jsonl"),
        directed: args.data.join("directed-sentiment/train.txt"),
        sentfin_train: sentfin("train.jsonl"),
        sentfin_dev: sentfin("dev.jsonl"),
        business: args.business.map(|gold| (gold, args.data.clone())),
        data: args.data.clone(),
        base: args.model.paths().base,
        out: args.teacher.clone(),
        checkpoint: PathBuf::new(),
        config,
        resume: false,
    };
    let job = SoftLabelJob {
        teacher: args.teacher,
        data,
        unlabelled: args.unlabelled.map(|file| (file, args.data.clone())),
        out: args.out,
    };
    let summary = soft_labels(&job)?;
    println!(
        "train soft-labels: {} training windows and {} unlabelled mentions in {}",
        summary.windows,
        summary.unlabelled,
        job.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
