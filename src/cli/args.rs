//! The command line's arguments: the clap structs of every subcommand, their defaults and
//! help text, and the small conversions from them to library options.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Parser, Subcommand, ValueEnum};

use claimlink::eval::business::Split;
use claimlink::index::Unit;
use claimlink::io::read::DEFAULT_MAX_ARTICLE_BYTES;
use claimlink::model::precision::Precision;
use claimlink::model_paths::ModelPaths;
use claimlink::pipeline::Roles;
use claimlink::text::Markup;
use claimlink::train::fit::Schedule;
use claimlink::{Options, Pipeline};

#[derive(Parser)]
#[command(
    name = "claimlink",
    version,
    about = "Annotates news articles: entities, claims, speakers, targets, sources, sentiment"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Annotate articles: one claimlink/1 JSON line per input article, in input order.
    Run(RunArgs),
    /// Score the pipeline against gold files.
    #[command(subcommand)]
    Eval(EvalCommand),
    /// Fine-tune a model from the base encoder.
    #[command(subcommand)]
    Train(TrainCommand),
    /// List the model folders and how they were trained.
    Models(ModelArgs),
    /// Run the whole pipeline over a corpus and print throughput, padding, peak RSS and
    /// each model stage's speed against this machine's matrix-multiply bound.
    Bench(BenchArgs),
    /// Load claimlink/1 output into a search index (SQLite file, or postgres:// URL).
    Index(super::index::IndexArgs),
    /// Search an index: ranked claims, with filters and facet counts.
    Search(super::index::SearchArgs),
    /// Write claimlink/1 output as Elasticsearch/OpenSearch bulk NDJSON, or its mapping.
    Export(super::export::ExportArgs),
    /// Write one self-contained HTML file showing claimlink/1 output: corpus overview,
    /// articles with entity marks and claims, with --gold the misses and false positives.
    Report(super::report::ReportArgs),
}

#[derive(Args)]
pub(crate) struct BenchArgs {
    /// Inputs as for `run`: JSONL files, .txt/.md files or folders of them.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Where the annotations go (default: a temporary file, removed afterwards).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub batching: BatchArgs,
    /// Seconds spent measuring the matrix-multiply rate.
    #[arg(long, default_value_t = 3.0)]
    pub matmul_seconds: f64,
    #[command(flatten)]
    pub model: PipelineArgs,
}

#[derive(Args, Clone)]
pub(crate) struct ModelArgs {
    /// Folder of model folders (default: $CLAIMLINK_MODELS, models/ next to the executable,
    /// ./models, or the project's models/).
    #[arg(long)]
    pub models: Option<PathBuf>,
    /// Base encoder folder, source of the shared word embeddings (default:
    /// $CLAIMLINK_BASE_MODEL, base/ next to the executable, ./.libtorch/base, or the
    /// project's .libtorch/base, installed by scripts/setup.sh).
    #[arg(long)]
    pub base_model: Option<PathBuf>,
}

/// How many threads the work may use.
#[derive(Args, Clone)]
pub(crate) struct ThreadArgs {
    /// Threads for the CPU stages and for libtorch (default: all cores).
    #[arg(long, value_parser = at_least_one)]
    pub threads: Option<usize>,
}

/// The model options of the commands that run the pipeline (training always uses f32).
#[derive(Args, Clone)]
pub(crate) struct PipelineArgs {
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub threads: ThreadArgs,
    /// What the encoders compute in. `auto` (the default): bf16 on a CPU with AMX, where it
    /// runs about twice as fast, f32 elsewhere; chosen by the CPU's features, never by a
    /// timing. Every precision gives the same bytes whatever the threads and batching; bf16
    /// differs from f32 in the last digits of scores, so ask for `f32` to get the same bytes
    /// on every machine.
    #[arg(long, value_enum, default_value_t = PrecisionArg::Auto)]
    pub precision: PrecisionArg,
    /// Company knowledge base: a JSON file of companies and publications with their
    /// aliases, products and descriptors, in the format of models/companies.json (default:
    /// companies.json in the models folder).
    #[arg(long, value_name = "FILE")]
    pub companies: Option<PathBuf>,
}

/// Markup and batching options shared by `run` and `bench`.
#[derive(Args)]
pub(crate) struct BatchArgs {
    /// How article text is marked up.
    #[arg(long, value_enum, default_value_t = MarkupArg::Markdown)]
    pub markup: MarkupArg,
    /// Articles per batch (bounds memory; model batches are formed across them).
    #[arg(long, default_value_t = 64, value_parser = at_least_one)]
    pub batch_articles: usize,
    /// Most padded wordpieces per model batch [default: 1024 in f32, 4096 in bf16].
    #[arg(long, value_parser = at_least_one)]
    pub batch_tokens: Option<usize>,
    /// Most bytes of one article (a JSONL line or a whole file): a larger one becomes a
    /// `too_large` error line, read past without being held in memory.
    #[arg(long, default_value_t = DEFAULT_MAX_ARTICLE_BYTES, value_parser = at_least_one)]
    pub max_article_bytes: usize,
    /// Also write the sentiment toward its company on each company entity mention.
    #[arg(long)]
    pub mention_sentiment: bool,
}

impl BatchArgs {
    /// The pipeline options these flags set.
    pub(crate) fn options(&self) -> Options {
        Options {
            markup: self.markup.into(),
            batch_tokens: self.batch_tokens,
            mention_sentiment: self.mention_sentiment,
            ..Options::default()
        }
    }
}

/// A count that must be 1 or more (threads, batch sizes, byte limits).
pub(crate) fn at_least_one(value: &str) -> std::result::Result<usize, String> {
    match value.parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

#[derive(Args)]
pub(crate) struct RunArgs {
    /// JSONL files (`{"id","text",...}` per line), .txt/.md files, folders of them, or - for
    /// stdin. Default: stdin.
    pub inputs: Vec<PathBuf>,
    /// Write here (atomically, via OUTPUT.part) instead of stdout; - is stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub batching: BatchArgs,
    /// No progress bar and no summary line.
    #[arg(short, long)]
    pub quiet: bool,
    /// Continue an interrupted run: keep the lines already in OUTPUT.part (a torn last
    /// line is redone) and skip their inputs. Needs -o.
    #[arg(long)]
    pub resume: bool,
    /// Also write each article's text into its record (for indexes and exports).
    #[arg(long)]
    pub with_text: bool,
    /// Also load the records into this index while annotating (a SQLite file, or a
    /// postgres:// URL), as `claimlink index` would.
    #[arg(long)]
    pub index: Option<String>,
    #[command(flatten)]
    pub model: PipelineArgs,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum PrecisionArg {
    /// bf16 where the CPU has AMX, f32 elsewhere.
    Auto,
    F32,
    Bf16,
}

impl PrecisionArg {
    /// The precision asked for.
    fn chosen(self) -> Precision {
        match self {
            PrecisionArg::Auto => Precision::for_this_cpu(),
            PrecisionArg::F32 => Precision::F32,
            PrecisionArg::Bf16 => Precision::Bf16,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum SplitArg {
    Dev,
    Train,
    All,
}

impl From<SplitArg> for Split {
    fn from(split: SplitArg) -> Self {
        match split {
            SplitArg::Dev => Split::Dev,
            SplitArg::Train => Split::Train,
            SplitArg::All => Split::All,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum MarkupArg {
    Markdown,
    Plain,
}

#[derive(Subcommand)]
pub(crate) enum EvalCommand {
    /// P/R/F1 per field against your own gold: JSONL in the claimlink/1 shape with every
    /// part optional (schema/claimlink-gold.schema.json), so a corrected output line is
    /// gold.
    #[command(long_about = CORPUS_HELP)]
    Corpus(Box<CorpusArgs>),
    /// Score one article's record against a hand-made gold record (e.g. the seed's), as a
    /// one-article `eval corpus`.
    Record {
        /// Gold JSON: {id, text, entities, claims}, e.g. ../shared/seed/*.gold.json
        #[arg(long)]
        gold: PathBuf,
        /// Print one JSON metrics object instead of the table.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        model: PipelineArgs,
    },
    /// Macro-F1, accuracy, confusion matrix and calibration on a NewsMTSC or SEntFiN file.
    Sentiment {
        /// NewsMTSC or SEntFiN JSONL, or the business gold's organisations in their
        /// paragraphs (told apart by their fields), e.g. ../shared/data/newsmtsc/dev-rw.jsonl,
        /// ../shared/data/sentfin/dev.jsonl or gold/business-quotes-reuters-2006-2013.jsonl
        #[arg(long)]
        gold: PathBuf,
        /// For the business gold: the folder its `file` paths are relative to.
        #[arg(long, default_value = "../shared/data")]
        data: PathBuf,
        /// For the business gold: the documents scored, by their `split`.
        #[arg(long, value_enum, default_value_t = SplitArg::Dev)]
        split: SplitArg,
        /// Print one JSON metrics object instead of the table.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        model: PipelineArgs,
    },
    /// Direct and indirect claims with their speakers and cues, P/R/F1 and accuracies, on
    /// a PolNeAR split.
    Quotes {
        /// PolNeAR split folder (text/, attributions/), e.g. ../shared/data/polnear/dev
        #[arg(long)]
        gold: PathBuf,
        /// Where indirect claims come from: the attribution head, or the rule baseline.
        #[arg(long, value_enum, default_value_t = RolesArg::Head)]
        roles: RolesArg,
        /// Print one JSON metrics object instead of the table.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        model: PipelineArgs,
    },
    /// Direct quotes in business news with speaker, affiliation and target company, on
    /// the project's own gold sets (texts rebuilt from the data folder, hashes checked).
    Business {
        /// Gold JSONL of ids and offsets, e.g. gold/business-quotes-dev.jsonl or
        /// gold/business-quotes-reuters-2006-2013.jsonl
        #[arg(long)]
        gold: PathBuf,
        /// Folder the gold's `file` paths are relative to.
        #[arg(long, default_value = "../shared/data")]
        data: PathBuf,
        /// Documents to score by their `split` (a gold line without one is dev).
        #[arg(long, value_enum, default_value_t = SplitArg::Dev)]
        split: SplitArg,
        /// Print one JSON metrics object instead of the table.
        #[arg(long)]
        json: bool,
        /// Also list every wrong speaker, affiliation, title and target of a matched quote
        /// (gold, predicted, document), after the table.
        #[arg(long, conflicts_with = "json")]
        mistakes: bool,
        #[command(flatten)]
        model: PipelineArgs,
    },
    /// Entity-level P/R/F1 (conlleval-style) of the pipeline on a CoNLL-2003 file.
    Ner {
        /// CoNLL file (token ... TAG per line), e.g. ../shared/data/conll2003/valid.txt
        #[arg(long)]
        gold: PathBuf,
        /// Print one JSON metrics object instead of the table.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        model: PipelineArgs,
    },
}

/// `eval corpus --help`: what is matched and how.
const CORPUS_HELP: &str = "\
P/R/F1 per field against your own gold: JSONL in the claimlink/1 shape with every part
optional (schema/claimlink-gold.schema.json), so a corrected `claimlink run` line is gold.
Without --pred, the pipeline runs on each gold line's `text`.

Matching rules:
- Articles match by `id`. A gold article with no prediction counts all its gold items as
  misses; a predicted article not in the gold counts all its items as false positives;
  both are listed.
- A part the gold omits (`entities`, `claims`, `companies`, `targets`, or a claim's
  `speaker`, `target`, `source`, `cue`, `sentiment`) is not scored; a present part is
  complete: `[]` means none, `null` means the claim has no such value.
- entity spans: exact start and end. entity labels: exact span and label (PER, ORG, LOC,
  MISC) over labelled gold entities; a gold entity without label is scored as a span only.
  entity companies: exact span and `company`.
- claim quotes (exact): same start and end. claim quotes (overlap): one-to-one, largest
  overlap first.
- speaker, target, source, cue, claim sentiment: on overlap-matched claims, the claim's
  value is the item: names compared ignoring case and spacing, cue by exact span,
  sentiment by label. Right: true positive; wrong: a false positive and a miss; on one
  side only: a false positive or a miss. Values of unmatched predicted claims are false
  positives, of unmatched gold claims misses. \"on matched quotes\" gives plain accuracy
  over matched claims whose gold gives the field.
- target sentiment: input `targets` by exact span and label. company sentiment:
  `companies` by name (case and spacing ignored) and label.
Counts are summed over articles (micro-average).";

#[derive(Args)]
pub(crate) struct CorpusArgs {
    /// Gold JSONL (schema/claimlink-gold.schema.json), e.g. gold/seed.jsonl
    #[arg(long)]
    pub gold: PathBuf,
    /// Predictions to score (claimlink/1 JSONL, as `run` writes); without it the pipeline
    /// runs on the gold texts.
    #[arg(long)]
    pub pred: Option<PathBuf>,
    /// Also report every article's scores.
    #[arg(long)]
    pub per_article: bool,
    /// Print one JSON metrics object instead of the tables.
    #[arg(long)]
    pub json: bool,
    /// How the gold texts are marked up (when the pipeline runs).
    #[arg(long, value_enum, default_value_t = MarkupArg::Markdown)]
    pub markup: MarkupArg,
    #[command(flatten)]
    pub model: PipelineArgs,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum RolesArg {
    Head,
    Rules,
}

impl From<RolesArg> for Roles {
    fn from(arg: RolesArg) -> Roles {
        match arg {
            RolesArg::Head => Roles::Head,
            RolesArg::Rules => Roles::Rules,
        }
    }
}

#[derive(Subcommand)]
pub(crate) enum TrainCommand {
    /// NER on CoNLL-2003 train, selected on valid.
    Ner(TrainNerArgs),
    /// Target-dependent sentiment on NewsMTSC train, selected and calibrated on dev-rw.
    Sentiment(TrainSentimentArgs),
    /// Attribution roles (source, cue, content) on PolNeAR train over the NER encoder,
    /// selected on dev.
    Attribution(TrainAttributionArgs),
    /// The target ranker (which organisation a direct quote is about) on the business
    /// gold's train part, scored on the business dev sets.
    Target(TrainTargetArgs),
    /// A sentiment teacher's soft labels (`train sentiment --teacher`) for its training
    /// windows and for unlabelled organisation mentions, for distilling the student.
    SoftLabels(TrainSoftLabelsArgs),
}

#[derive(Args)]
pub(crate) struct TrainSoftLabelsArgs {
    /// The trained teacher folder (`train sentiment --teacher ... --out DIR`).
    #[arg(long)]
    pub teacher: PathBuf,
    /// Folder holding the data the teacher was trained on (newsmtsc/, sentfin/, and the
    /// texts of --business and --unlabelled).
    #[arg(long, default_value = "../shared/data")]
    pub data: PathBuf,
    /// The business gold the teacher was trained with, when its run used --business.
    #[arg(long)]
    pub business: Option<PathBuf>,
    /// Unlabelled organisation mentions (scripts/unlabelled-orgs.py) to label too.
    #[arg(long)]
    pub unlabelled: Option<PathBuf>,
    /// The soft-label file (JSONL) to write; an existing file is replaced only with --force.
    #[arg(long)]
    pub out: PathBuf,
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub threads: ThreadArgs,
}

/// Overrides of a task's default training schedule.
#[derive(Args)]
pub(crate) struct ScheduleArgs {
    /// Continue from the checkpoint when there is one.
    #[arg(long)]
    pub resume: bool,
    /// Passes over the training data; the best epoch on dev is kept [default: ner 8,
    /// sentiment 6, attribution 4].
    #[arg(long)]
    pub epochs: Option<usize>,
    /// Peak learning rate of AdamW, reached after warm-up and decayed linearly to 0
    /// [default: ner 1e-4, sentiment 8e-5, attribution 1e-4].
    #[arg(long)]
    pub lr: Option<f64>,
    /// Seed of the initialisation and of the example order [default: 13].
    #[arg(long)]
    pub seed: Option<u64>,
    /// Examples (NER: windows, sentiment: targets) per optimiser step [default: ner 8,
    /// sentiment 16, attribution 16].
    #[arg(long)]
    pub batch: Option<usize>,
    /// Replace the model folder in models/ when --out is not given and one is there.
    #[arg(long)]
    pub force: bool,
}

/// Where a training command writes: `out` when given; else `default`, which holds a
/// committed model (its `marker` file, `what` in the message) and so is only replaced
/// with `--force`.
pub(crate) fn output_folder(
    out: &Option<PathBuf>,
    default: &str,
    force: bool,
    marker: &str,
    what: &str,
) -> Result<PathBuf> {
    if let Some(out) = out {
        return Ok(out.clone());
    }
    let default = PathBuf::from(default);
    anyhow::ensure!(
        force || !default.join(marker).exists(),
        "{} already holds {what}: pass --out FOLDER to train into another folder, or \
         --force to replace it",
        default.display()
    );
    Ok(default)
}

impl ScheduleArgs {
    /// Where the trained model goes: `--out` when given; else the default folder, which
    /// holds a committed model and so is only replaced with `--force`.
    pub(crate) fn out(&self, out: &Option<PathBuf>, default: &str) -> Result<PathBuf> {
        output_folder(out, default, self.force, "config.json", "a model")
    }

    /// Applies the overrides; refuses a schedule that would train nothing before any data
    /// or model is loaded.
    pub(crate) fn apply(&self, schedule: &mut Schedule) -> Result<()> {
        schedule.epochs = self.epochs.unwrap_or(schedule.epochs);
        schedule.lr = self.lr.unwrap_or(schedule.lr);
        schedule.seed = self.seed.unwrap_or(schedule.seed);
        schedule.batch = self.batch.unwrap_or(schedule.batch);
        Ok(schedule.check()?)
    }
}

#[derive(Args)]
pub(crate) struct TrainSentimentArgs {
    /// Folder holding newsmtsc/train.jsonl and newsmtsc/dev-rw.jsonl.
    #[arg(long, default_value = "../shared/data")]
    pub data: PathBuf,
    /// Where the trained model folder goes [default: models/sentiment, with --force].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Checkpoint folder (resumable state, not for git).
    #[arg(long, default_value = "target/claimlink-train/sentiment")]
    pub checkpoint: PathBuf,
    /// Also train on the polar examples of directed-sentiment/train.txt.
    #[arg(long)]
    pub directed: bool,
    /// Also train on SEntFiN (sentfin/train.jsonl, financial headlines) and select on the
    /// mean macro-F1 of NewsMTSC dev-rw and sentfin/dev.jsonl.
    #[arg(long)]
    pub sentfin: bool,
    /// With --sentfin: how many times each SEntFiN target is seen per epoch (its headlines
    /// are short, so repeating them weights business news up at little cost).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=8))]
    pub sentfin_repeat: u32,
    /// Start from this trained sentiment model folder instead of the base encoder.
    #[arg(long)]
    pub init: Option<PathBuf>,
    /// Also mark the target in the text, between the words `<` and `>` (the model records
    /// it, and inference then does the same).
    #[arg(long)]
    pub markers: bool,
    /// With --sentfin: add this many two-clause sentences per epoch, each two SEntFiN
    /// headlines joined ("A …, while B …") with both targets and their own labels, so the
    /// model learns that each clause decides its own target's sentiment.
    #[arg(long, default_value_t = 0)]
    pub compose: usize,
    /// Also train on the organisations labelled in their paragraphs in the `train` half of
    /// this business gold (texts from --data), and select and calibrate on its `dev` half
    /// too (e.g. gold/business-quotes-reuters-2006-2013.jsonl).
    #[arg(long)]
    pub business: Option<PathBuf>,
    /// With --business: how many times each of its organisations is seen per epoch.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=8))]
    pub business_repeat: u32,
    /// Fine-tune the larger MPNet encoder in this folder (all-mpnet-base-v2, fetched by
    /// scripts/teacher.sh into target/teacher/) as a teacher for distillation, instead of
    /// the shipped encoder; needs --out (a teacher is never a shipped model).
    #[arg(long)]
    pub teacher: Option<PathBuf>,
    /// Distil: learn a teacher's soft labels (a `train soft-labels` file) beside the gold
    /// labels.
    #[arg(long)]
    pub soft_labels: Option<PathBuf>,
    /// With --soft-labels: also learn these unlabelled organisation mentions
    /// (scripts/unlabelled-orgs.py; texts from --data) through their soft labels.
    #[arg(long)]
    pub unlabelled: Option<PathBuf>,
    /// With --soft-labels: the soft term's share of the loss.
    #[arg(long, default_value_t = 0.5)]
    pub soft_weight: f64,
    /// With --soft-labels: the temperature both distributions are softened by.
    #[arg(long, default_value_t = 2.0)]
    pub soft_temperature: f64,
    #[command(flatten)]
    pub schedule: ScheduleArgs,
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub threads: ThreadArgs,
}

#[derive(Args)]
pub(crate) struct TrainNerArgs {
    /// Folder holding conll2003/train.txt and conll2003/valid.txt.
    #[arg(long, default_value = "../shared/data")]
    pub data: PathBuf,
    /// Where the trained model folder goes [default: models/ner, with --force].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Checkpoint folder (resumable state, not for git).
    #[arg(long, default_value = "target/claimlink-train/ner")]
    pub checkpoint: PathBuf,
    #[command(flatten)]
    pub schedule: ScheduleArgs,
    /// Train without the casing embedding (for measuring what it is worth).
    #[arg(long)]
    pub no_casing: bool,
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub threads: ThreadArgs,
}

#[derive(Args)]
pub(crate) struct TrainAttributionArgs {
    /// Folder holding polnear/train/ and polnear/dev/ (text/ and attributions/ in each).
    #[arg(long, default_value = "../shared/data")]
    pub data: PathBuf,
    /// Where the trained head folder goes (the NER model is read from --models)
    /// [default: models/attribution, with --force].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Checkpoint folder (resumable state, not for git).
    #[arg(long, default_value = "target/claimlink-train/attribution")]
    pub checkpoint: PathBuf,
    /// The head reads the output of this NER encoder layer (1-based).
    #[arg(long)]
    pub branch: Option<usize>,
    /// Encoder layers of the head's own above the branch.
    #[arg(long)]
    pub layers: Option<usize>,
    #[command(flatten)]
    pub schedule: ScheduleArgs,
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub threads: ThreadArgs,
}

/// `train target`: what it learns from, where it is scored, where the weights go.
#[derive(Args)]
pub struct TrainTargetArgs {
    /// Gold business quotes to learn from (ids, offsets and target names).
    #[arg(long, default_value = "gold/business-quotes-reuters-2006-2013.jsonl")]
    pub gold: PathBuf,
    /// The part of --gold to learn from.
    #[arg(long, value_enum, default_value_t = SplitArg::Train)]
    pub split: SplitArg,
    /// Gold files whose dev part the ranker is scored on (repeat the flag).
    #[arg(
        long,
        default_values = ["gold/business-quotes-reuters-2006-2013.jsonl", "gold/business-quotes-dev.jsonl"]
    )]
    pub dev: Vec<PathBuf>,
    /// Folder the gold files' `file` paths are relative to.
    #[arg(long, default_value = "../shared/data")]
    pub data: PathBuf,
    /// Where ranker.json and training.json go [default: models/target, with --force].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Also write every train and dev example (candidates, features, answer) to this JSONL
    /// file, for error analysis.
    #[arg(long, value_name = "FILE")]
    pub examples: Option<PathBuf>,
    /// Replace models/target when --out is not given and a ranker is there.
    #[arg(long)]
    pub force: bool,
    /// Full-batch optimiser steps [default: 1500].
    #[arg(long)]
    pub steps: Option<usize>,
    /// Adam's learning rate [default: 0.03].
    #[arg(long)]
    pub lr: Option<f64>,
    /// L2 penalty on the weights [default: 0.1].
    #[arg(long)]
    pub l2: Option<f64>,
    #[command(flatten)]
    pub model: PipelineArgs,
}

impl ModelArgs {
    /// The model folders: these flags, else the library's default lookup.
    pub(crate) fn paths(&self) -> ModelPaths {
        ModelPaths::locate(self.models.as_deref(), self.base_model.as_deref())
    }
}

impl ThreadArgs {
    /// Sizes libtorch's and rayon's thread pools.
    pub(crate) fn setup(&self) {
        let n = self.threads.unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        });
        tch::set_num_threads(n as i32);
        // Already built only if called twice; nothing to do then.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global();
    }
}

impl PipelineArgs {
    /// The pipeline with these model options and `markup`.
    pub(crate) fn pipeline(&self, markup: Markup) -> Result<Pipeline> {
        self.pipeline_with(Options {
            markup,
            ..Options::default()
        })
    }

    /// The pipeline with these model options over `options`.
    pub(crate) fn pipeline_with(&self, options: Options) -> Result<Pipeline> {
        self.threads.setup();
        let options = Options {
            precision: self.precision.chosen(),
            companies: self.companies.clone(),
            ..options
        };
        let ModelPaths { models, base } = self.model.paths();
        Pipeline::load(&models, &base, options).map_err(|e| match e {
            // Said whole, with what to do: the models are not the problem.
            claimlink::Error::KnowledgeBase { .. } => anyhow::anyhow!(
                "{e}; pass --companies with a file in the format of models/companies.json"
            ),
            e => anyhow::Error::new(e).context(format!(
                "cannot load the models in {} (base encoder {}); run scripts/setup.sh \
                 or pass --models/--base-model",
                models.display(),
                base.display()
            )),
        })
    }
}

impl From<MarkupArg> for Markup {
    fn from(arg: MarkupArg) -> Markup {
        match arg {
            MarkupArg::Markdown => Markup::Markdown,
            MarkupArg::Plain => Markup::Plain,
        }
    }
}

/// `--offsets`: the library's `index::Unit`, with the flag's values and help.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum OffsetsArg {
    /// Unicode code points (as in the record).
    Codepoint,
    /// UTF-16 code units: a character beyond U+FFFF counts 2.
    Utf16,
    /// UTF-8 bytes.
    Byte,
}

impl From<OffsetsArg> for Unit {
    fn from(arg: OffsetsArg) -> Unit {
        match arg {
            OffsetsArg::Codepoint => Unit::Codepoint,
            OffsetsArg::Utf16 => Unit::Utf16,
            OffsetsArg::Byte => Unit::Byte,
        }
    }
}
