//! `claimlink export`: its arguments, and the handler that calls `claimlink::export`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

use claimlink::export::{ExportOptions, Format, Table};

use super::args::OffsetsArg;

const TABLES_HELP: &str = "\
Tables (--format csv|parquet): one row per claim, entity mention, company (per article)
or article. Every row starts with its article's metadata: article_id, article_title,
article_url, article_published, article_source. Then:
  claims     claim_id kind quote quote_start quote_end sentence sentence_start sentence_end
             speaker speaker_mention speaker_title speaker_affiliation speaker_company cue
             target source sentiment sentiment_score sentiment_toward
             (source: the publication the claim was reported through, else the article's)
  entities   start end text label score company sentiment sentiment_score
  companies  company_id company kind tickers mentions sentiment sentiment_score
             sentiment_negative sentiment_neutral sentiment_positive
  articles   models meta text entity_count claim_count company_count
Nested values are JSON text: tickers (an array), meta (an object). Nested objects are
otherwise flattened into the columns above. Offsets are in --offsets units; text is
present only for records written by `claimlink run --with-text`.
Error lines and lines that are not claimlink/1 records are reported, counted and skipped;
the export is still written, and claimlink exits 1.";

#[derive(clap::Args, Debug)]
#[command(after_long_help = TABLES_HELP)]
pub(crate) struct ExportArgs {
    /// claimlink/1 output files (JSONL); - or none: stdin. Not read for es-mapping.
    pub inputs: Vec<PathBuf>,
    #[arg(long, value_enum)]
    pub format: FormatArg,
    /// The table to write, for csv and parquet (see --help for the columns).
    #[arg(long, value_enum, required_if_eq_any = [("format", "csv"), ("format", "parquet")])]
    pub table: Option<TableArg>,
    /// Write here instead of stdout, atomically: into OUTPUT.part, renamed over OUTPUT once
    /// complete (removed if the export fails). Refused when it is one of the inputs.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Index name in the action lines (es-bulk) or the template's pattern (es-mapping).
    #[arg(long, default_value = "claimlink")]
    pub index: String,
    /// Unit of the offsets written; other than code points, records need their text.
    #[arg(long, value_enum, default_value_t = OffsetsArg::Codepoint)]
    pub offsets: OffsetsArg,
}

/// `--format`: the library's `export::Format`, with the flag's values and help.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    /// `_bulk` NDJSON: one document per claim (article metadata denormalised) and one per
    /// article (entities as `nested`).
    EsBulk,
    /// The index template for those documents.
    EsMapping,
    /// A flat table (`--table`), RFC 4180 CSV with a header line; an empty field is a
    /// missing value.
    Csv,
    /// A flat table (`--table`), Parquet (snappy), every column nullable: text as UTF-8
    /// strings, offsets and counts as INT64, scores as DOUBLE. Needs `-o`.
    Parquet,
}

/// `--table`: the library's `export::Table`, with the flag's values and help.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TableArg {
    /// One row per claim.
    Claims,
    /// One row per entity mention.
    Entities,
    /// One row per company an article mentions.
    Companies,
    /// One row per article.
    Articles,
}

impl From<FormatArg> for Format {
    fn from(arg: FormatArg) -> Format {
        match arg {
            FormatArg::EsBulk => Format::EsBulk,
            FormatArg::EsMapping => Format::EsMapping,
            FormatArg::Csv => Format::Csv,
            FormatArg::Parquet => Format::Parquet,
        }
    }
}

impl From<TableArg> for Table {
    fn from(arg: TableArg) -> Table {
        match arg {
            TableArg::Claims => Table::Claims,
            TableArg::Entities => Table::Entities,
            TableArg::Companies => Table::Companies,
            TableArg::Articles => Table::Articles,
        }
    }
}

/// `claimlink export`: exit 1 when input lines were skipped (the export is still written).
pub(crate) fn export_command(args: &ExportArgs) -> Result<ExitCode> {
    let skipped = claimlink::export::export(&ExportOptions {
        inputs: args.inputs.clone(),
        format: args.format.into(),
        table: args.table.map(Table::from),
        output: args.output.clone(),
        index: args.index.clone(),
        offsets: args.offsets.into(),
    })?;
    if skipped > 0 {
        eprintln!("claimlink: {skipped} lines skipped");
    }
    Ok(if skipped > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
