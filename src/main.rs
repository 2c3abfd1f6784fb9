//! The `claimlink` command line: parses arguments, calls the library, maps outcomes to
//! exit codes (0 success, 1 a run with per-line errors, 2 bad usage or a failed run).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};

use claimlink::bench::{peak_rss_kib, BenchReport};
use claimlink::eval::business::{eval_business, gold_texts};
use claimlink::eval::ner::eval_ner;
use claimlink::eval::quotes::eval_quotes;
use claimlink::eval::record::eval_record;
use claimlink::eval::sentiment::eval_sentiment;
use claimlink::io::read::DEFAULT_MAX_ARTICLE_BYTES;
use claimlink::model::meter::matmul_gflops;
use claimlink::model::precision::Precision;
use claimlink::pipeline::Roles;
use claimlink::run::{run, RunOptions};
use claimlink::text::Markup;
use claimlink::train::attribution::{
    train_attribution, AttributionTrainConfig, AttributionTrainJob,
};
use claimlink::train::fit::Schedule;
use claimlink::train::ner::{train_ner, NerTrainConfig, NerTrainJob};
use claimlink::train::sentiment::{train_sentiment, SentimentTrainConfig, SentimentTrainJob};
use claimlink::{Options, Pipeline};

#[derive(Parser)]
#[command(
    name = "claimlink",
    version,
    about = "Annotates news articles: entities, claims, speakers, targets, sources, sentiment"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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
    Index(claimlink::index::cli::IndexArgs),
    /// Search an index: ranked claims, with filters and facet counts.
    Search(claimlink::index::cli::SearchArgs),
    /// Write claimlink/1 output as Elasticsearch/OpenSearch bulk NDJSON, or its mapping.
    Export(claimlink::export::ExportArgs),
}

#[derive(Args)]
struct BenchArgs {
    /// Inputs as for `run`: JSONL files, .txt/.md files or folders of them.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Where the annotations go (default: a temporary file, removed afterwards).
    #[arg(short, long)]
    output: Option<PathBuf>,
    #[command(flatten)]
    batching: BatchArgs,
    /// Seconds spent measuring the matrix-multiply rate.
    #[arg(long, default_value_t = 3.0)]
    matmul_seconds: f64,
    #[command(flatten)]
    model: PipelineArgs,
}

#[derive(Args, Clone)]
struct ModelArgs {
    /// Folder of model folders (default: $CLAIMLINK_MODELS, ./models, or the project's models/).
    #[arg(long)]
    models: Option<PathBuf>,
    /// Base encoder folder, source of the shared word embeddings (default:
    /// $CLAIMLINK_BASE_MODEL or the project's .libtorch/base, installed by scripts/setup.sh).
    #[arg(long)]
    base_model: Option<PathBuf>,
}

/// How many threads the work may use.
#[derive(Args, Clone)]
struct ThreadArgs {
    /// Threads for the CPU stages and for libtorch (default: all cores).
    #[arg(long, value_parser = at_least_one)]
    threads: Option<usize>,
}

/// The model options of the commands that run the pipeline (training always uses f32).
#[derive(Args, Clone)]
struct PipelineArgs {
    #[command(flatten)]
    model: ModelArgs,
    #[command(flatten)]
    threads: ThreadArgs,
    /// What the encoders compute in: bf16 (about twice as fast where the CPU has AVX-512
    /// BF16), f32, or auto (bf16 on such CPUs, else f32).
    #[arg(long, default_value = "auto")]
    precision: Precision,
}

/// Markup and batching options shared by `run` and `bench`.
#[derive(Args)]
struct BatchArgs {
    /// How article text is marked up.
    #[arg(long, value_enum, default_value_t = MarkupArg::Markdown)]
    markup: MarkupArg,
    /// Articles per batch (bounds memory; model batches are formed across them).
    #[arg(long, default_value_t = 64, value_parser = at_least_one)]
    batch_articles: usize,
    /// Most padded wordpieces per model batch.
    #[arg(long, default_value_t = 4096, value_parser = at_least_one)]
    batch_tokens: usize,
    /// Most bytes of one article (a JSONL line or a whole file): a larger one becomes a
    /// `too_large` error line, read past without being held in memory.
    #[arg(long, default_value_t = DEFAULT_MAX_ARTICLE_BYTES, value_parser = at_least_one)]
    max_article_bytes: usize,
    /// Also write the sentiment toward its company on each company entity mention.
    #[arg(long)]
    mention_sentiment: bool,
}

impl BatchArgs {
    fn options(&self) -> Options {
        Options {
            markup: self.markup.into(),
            batch_tokens: self.batch_tokens,
            mention_sentiment: self.mention_sentiment,
            ..Options::default()
        }
    }
}

/// A count that must be 1 or more (threads, batch sizes, byte limits).
fn at_least_one(value: &str) -> std::result::Result<usize, String> {
    match value.parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

#[derive(Args)]
struct RunArgs {
    /// JSONL files (`{"id","text",...}` per line), .txt/.md files, folders of them, or - for
    /// stdin. Default: stdin.
    inputs: Vec<PathBuf>,
    /// Write here (atomically, via OUTPUT.part) instead of stdout; - is stdout.
    #[arg(short, long)]
    output: Option<PathBuf>,
    #[command(flatten)]
    batching: BatchArgs,
    /// No progress bar and no summary line.
    #[arg(short, long)]
    quiet: bool,
    /// Continue an interrupted run: keep the lines already in OUTPUT.part (a torn last
    /// line is redone) and skip their inputs. Needs -o.
    #[arg(long)]
    resume: bool,
    /// Also write each article's text into its record (for indexes and exports).
    #[arg(long)]
    with_text: bool,
    /// Also load the records into this index while annotating (a SQLite file, or a
    /// postgres:// URL), as `claimlink index` would.
    #[arg(long)]
    index: Option<String>,
    #[command(flatten)]
    model: PipelineArgs,
}

#[derive(Clone, Copy, ValueEnum)]
enum MarkupArg {
    Markdown,
    Plain,
}

#[derive(Subcommand)]
enum EvalCommand {
    /// Score one article's record against a hand-made gold record (e.g. the seed's).
    Record {
        /// Gold JSON: {id, text, entities, claims}, e.g. ../shared/seed/*.gold.json
        #[arg(long)]
        gold: PathBuf,
        #[command(flatten)]
        model: PipelineArgs,
    },
    /// Macro-F1, accuracy, confusion matrix and calibration on a NewsMTSC or SEntFiN file.
    Sentiment {
        /// NewsMTSC or SEntFiN JSONL (told apart by their fields), e.g.
        /// ../shared/data/newsmtsc/dev-rw.jsonl or ../shared/data/sentfin/dev.jsonl
        #[arg(long)]
        gold: PathBuf,
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
        #[command(flatten)]
        model: PipelineArgs,
    },
    /// Direct quotes in business news with speaker, affiliation and target company, on
    /// the project's own dev set (texts rebuilt from the data folder, hashes checked).
    Business {
        /// Gold JSONL of ids and offsets, e.g. gold/business-quotes-dev.jsonl
        #[arg(long)]
        gold: PathBuf,
        /// Folder the gold's `file` paths are relative to.
        #[arg(long, default_value = "../shared/data")]
        data: PathBuf,
        #[command(flatten)]
        model: PipelineArgs,
    },
    /// Entity-level P/R/F1 (conlleval-style) of the pipeline on a CoNLL-2003 file.
    Ner {
        /// CoNLL file (token ... TAG per line), e.g. ../shared/data/conll2003/valid.txt
        #[arg(long)]
        gold: PathBuf,
        #[command(flatten)]
        model: PipelineArgs,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum RolesArg {
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
enum TrainCommand {
    /// NER on CoNLL-2003 train, selected on valid.
    Ner(TrainNerArgs),
    /// Target-dependent sentiment on NewsMTSC train, selected and calibrated on dev-rw.
    Sentiment(TrainSentimentArgs),
    /// Attribution roles (source, cue, content) on PolNeAR train over the NER encoder,
    /// selected on dev.
    Attribution(TrainAttributionArgs),
}

/// Overrides of a task's default training schedule.
#[derive(Args)]
struct ScheduleArgs {
    /// Continue from the checkpoint when there is one.
    #[arg(long)]
    resume: bool,
    /// Passes over the training data; the best epoch on dev is kept [default: ner 8,
    /// sentiment 6, attribution 3].
    #[arg(long)]
    epochs: Option<usize>,
    /// Peak learning rate of AdamW, reached after warm-up and decayed linearly to 0
    /// [default: ner 1e-4, sentiment 8e-5, attribution 1e-4].
    #[arg(long)]
    lr: Option<f64>,
    /// Seed of the initialisation and of the example order [default: 13].
    #[arg(long)]
    seed: Option<u64>,
    /// Examples (NER: windows, sentiment: targets) per optimiser step [default: ner 8,
    /// sentiment 16, attribution 16].
    #[arg(long)]
    batch: Option<usize>,
    /// Replace the model folder in models/ when --out is not given and one is there.
    #[arg(long)]
    force: bool,
}

impl ScheduleArgs {
    /// Where the trained model goes: `--out` when given; else the default folder, which
    /// holds a committed model and so is only replaced with `--force`.
    fn out(&self, out: &Option<PathBuf>, default: &str) -> Result<PathBuf> {
        if let Some(out) = out {
            return Ok(out.clone());
        }
        let default = PathBuf::from(default);
        anyhow::ensure!(
            self.force || !default.join("config.json").exists(),
            "{} already holds a model: pass --out FOLDER to train into another folder, or \
             --force to replace it",
            default.display()
        );
        Ok(default)
    }

    /// Applies the overrides; refuses a schedule that would train nothing before any data
    /// or model is loaded.
    fn apply(&self, schedule: &mut Schedule) -> Result<()> {
        schedule.epochs = self.epochs.unwrap_or(schedule.epochs);
        schedule.lr = self.lr.unwrap_or(schedule.lr);
        schedule.seed = self.seed.unwrap_or(schedule.seed);
        schedule.batch = self.batch.unwrap_or(schedule.batch);
        Ok(schedule.check()?)
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

#[derive(Args)]
struct TrainSentimentArgs {
    /// Folder holding newsmtsc/train.jsonl and newsmtsc/dev-rw.jsonl.
    #[arg(long, default_value = "../shared/data")]
    data: PathBuf,
    /// Where the trained model folder goes [default: models/sentiment, with --force].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Checkpoint folder (resumable state, not for git).
    #[arg(long, default_value = "target/claimlink-train/sentiment")]
    checkpoint: PathBuf,
    /// Also train on the polar examples of directed-sentiment/train.txt.
    #[arg(long)]
    directed: bool,
    /// Also train on SEntFiN (sentfin/train.jsonl, financial headlines) and select on the
    /// mean macro-F1 of NewsMTSC dev-rw and sentfin/dev.jsonl.
    #[arg(long)]
    sentfin: bool,
    /// Start from this trained sentiment model folder instead of the base encoder.
    #[arg(long)]
    init: Option<PathBuf>,
    #[command(flatten)]
    schedule: ScheduleArgs,
    #[command(flatten)]
    model: ModelArgs,
    #[command(flatten)]
    threads: ThreadArgs,
}

#[derive(Args)]
struct TrainNerArgs {
    /// Folder holding conll2003/train.txt and conll2003/valid.txt.
    #[arg(long, default_value = "../shared/data")]
    data: PathBuf,
    /// Where the trained model folder goes [default: models/ner, with --force].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Checkpoint folder (resumable state, not for git).
    #[arg(long, default_value = "target/claimlink-train/ner")]
    checkpoint: PathBuf,
    #[command(flatten)]
    schedule: ScheduleArgs,
    /// Train without the casing embedding (for measuring what it is worth).
    #[arg(long)]
    no_casing: bool,
    #[command(flatten)]
    model: ModelArgs,
    #[command(flatten)]
    threads: ThreadArgs,
}

#[derive(Args)]
struct TrainAttributionArgs {
    /// Folder holding polnear/train/ and polnear/dev/ (text/ and attributions/ in each).
    #[arg(long, default_value = "../shared/data")]
    data: PathBuf,
    /// Where the trained head folder goes (the NER model is read from --models)
    /// [default: models/attribution, with --force].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Checkpoint folder (resumable state, not for git).
    #[arg(long, default_value = "target/claimlink-train/attribution")]
    checkpoint: PathBuf,
    /// The head reads the output of this NER encoder layer (1-based).
    #[arg(long)]
    branch: Option<usize>,
    /// Encoder layers of the head's own above the branch.
    #[arg(long)]
    layers: Option<usize>,
    #[command(flatten)]
    schedule: ScheduleArgs,
    #[command(flatten)]
    model: ModelArgs,
    #[command(flatten)]
    threads: ThreadArgs,
}

/// A path given by flag, else by environment variable, else `local` if it exists here,
/// else the same path inside this project's checkout.
fn resolve(flag: &Option<PathBuf>, env: &str, local: &str) -> PathBuf {
    if let Some(p) = flag {
        return p.clone();
    }
    if let Some(p) = std::env::var_os(env) {
        return PathBuf::from(p);
    }
    let here = PathBuf::from(local);
    if here.exists() {
        return here;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join(local)
}

impl ModelArgs {
    fn models(&self) -> PathBuf {
        resolve(&self.models, "CLAIMLINK_MODELS", "models")
    }

    fn base(&self) -> PathBuf {
        resolve(&self.base_model, "CLAIMLINK_BASE_MODEL", ".libtorch/base")
    }
}

impl ThreadArgs {
    fn setup(&self) {
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
    fn pipeline(&self, markup: Markup, batch_tokens: usize) -> Result<Pipeline> {
        self.pipeline_with(Options {
            markup,
            batch_tokens,
            ..Options::default()
        })
    }

    fn pipeline_with(&self, options: Options) -> Result<Pipeline> {
        self.threads.setup();
        let options = Options {
            precision: self.precision,
            ..options
        };
        let models = self.model.models();
        let base = self.model.base();
        Pipeline::load(&models, &base, options).with_context(|| {
            format!(
                "cannot load the models in {} (base encoder {}); run scripts/setup.sh \
                 or pass --models/--base-model",
                models.display(),
                base.display()
            )
        })
    }
}

/// Keeps freed memory in the process between batches: returning it to the OS and faulting
/// it back in costs more than the inference itself on small batches.
fn tune_malloc() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 30);
        libc::mallopt(libc::M_TRIM_THRESHOLD, i32::MAX);
    }
}

/// Ends the process quietly, as Unix filters do, when the reader of stdout goes away
/// (`claimlink run big.jsonl | head`); Rust ignores SIGPIPE, so printing would panic.
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: resets one signal disposition; called before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() -> ExitCode {
    tune_malloc();
    restore_sigpipe();
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("claimlink: error: {}", chain(&e));
            ExitCode::from(2)
        }
    }
}

/// An error and its causes, each said once: a cause whose text the message before it
/// already includes (as "cannot write X: No space left") is not repeated.
fn chain(error: &anyhow::Error) -> String {
    let mut said = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if !said.contains(&text) {
            if !said.is_empty() {
                said.push_str(": ");
            }
            said.push_str(&text);
        }
    }
    said
}

fn dispatch(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Run(args) => run_command(args),
        Command::Eval(EvalCommand::Quotes { gold, roles, model }) => {
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
        Command::Eval(EvalCommand::Business { gold, data, model }) => {
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
        Command::Eval(EvalCommand::Ner { gold, model }) => {
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
        Command::Eval(EvalCommand::Record { gold, model }) => {
            let pipeline = model.pipeline(Markup::Markdown, 4096)?;
            let report = eval_record(&pipeline, &gold)?;
            println!("eval record: {}", gold.display());
            print!("{}", report.table());
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval(EvalCommand::Sentiment { gold, model }) => {
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
        Command::Train(TrainCommand::Ner(args)) => train_command(args),
        Command::Train(TrainCommand::Sentiment(args)) => train_sentiment_command(args),
        Command::Train(TrainCommand::Attribution(args)) => train_attribution_command(args),
        Command::Models(args) => models_command(&args),
        Command::Bench(args) => bench_command(args),
        Command::Index(args) => Ok(claimlink::index::cli::index_command(&args)?),
        Command::Search(args) => Ok(claimlink::index::cli::search_command(&args)?),
        Command::Export(args) => Ok(claimlink::export::export_command(&args)?),
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

fn run_command(args: RunArgs) -> Result<ExitCode> {
    let pipeline = args.model.pipeline_with(Options {
        with_text: args.with_text,
        ..args.batching.options()
    })?;
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
            index: args.index.clone(),
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

fn bench_command(args: BenchArgs) -> Result<ExitCode> {
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
            index: None,
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

fn train_command(args: TrainNerArgs) -> Result<ExitCode> {
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
        base: args.model.base(),
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
    let job = AttributionTrainJob {
        train,
        dev,
        trunk: args.model.models().join("ner"),
        base: args.model.base(),
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
    if let Some(init) = &args.init {
        anyhow::ensure!(
            init.join("config.json").is_file(),
            "{} is not a model folder (no config.json): pass --init with a trained sentiment model",
            init.display()
        );
    }
    config.init = args.init.clone();
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
        base: args.model.base(),
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

fn models_command(args: &ModelArgs) -> Result<ExitCode> {
    let dir = args.models();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("cannot list models in {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("config.json").is_file())
        .collect();
    entries.sort();
    for path in entries {
        let size: u64 = std::fs::read_dir(&path)?
            .filter_map(|e| e.ok()?.metadata().ok())
            .map(|m| m.len())
            .sum();
        let training: serde_json::Value = std::fs::read_to_string(path.join("training.json"))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default();
        println!(
            "{}\t{:.1} MiB\ttask {}\tdev F1 {}\tbest epoch {}",
            path.display(),
            size as f64 / (1024.0 * 1024.0),
            training["task"].as_str().unwrap_or("?"),
            (training["dev"]["f1"].as_f64())
                .or_else(|| training["dev"]["macro_f1"].as_f64())
                .map_or("?".into(), |f| format!("{f:.4}")),
            training["best_epoch"]
        );
    }
    println!("base encoder: {}", args.base().display());
    Ok(ExitCode::SUCCESS)
}
