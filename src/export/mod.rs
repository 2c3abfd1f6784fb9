//! `claimlink export`: records as Elasticsearch/OpenSearch `_bulk` NDJSON and the index
//! template that maps them, or as flat tables for dataframes (CSV, Parquet; see `table`).
//!
//! Bulk grammar (the `_bulk` API): each document is an action line
//! `{"index":{"_index":NAME,"_id":ID}}` then the document's source on the next line, every
//! line one JSON object ended by `\n`, the body ended by `\n`. Ids are deterministic
//! (`claim:` + the claim's global id, `article:` + the article id, hashed when longer than
//! the 512 bytes an `_id` may take), so loading twice overwrites instead of duplicating.

pub mod table;
mod write;

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::index::input::{lines, Line};
use crate::index::{IndexError, Rows, Unit};
use crate::io::write::OutputFile;
use crate::record::Record;
pub use table::Table;
use write::{Csv, Parquet, RowWriter};

/// What `export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
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

/// What to export where: the options of `claimlink export`.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// claimlink/1 output files (JSONL); none or `-`: stdin. Not read for `EsMapping`.
    pub inputs: Vec<PathBuf>,
    /// What to write.
    pub format: Format,
    /// The table, for `Csv` and `Parquet`.
    pub table: Option<Table>,
    /// The file (written atomically, never one of the inputs); `None` or `-`: stdout.
    pub output: Option<PathBuf>,
    /// Index name in the action lines (`EsBulk`) or the template's pattern (`EsMapping`).
    pub index: String,
    /// Unit of the offsets written.
    pub offsets: Unit,
}

/// Longest `_id` Elasticsearch accepts, in bytes.
const MAX_ID_BYTES: usize = 512;

/// `prefix:id`, or `prefix:sha256:<hex>` when that would be too long for an `_id`.
pub(crate) fn doc_id(prefix: &str, id: &str) -> String {
    let plain = format!("{prefix}:{id}");
    if plain.len() <= MAX_ID_BYTES {
        plain
    } else {
        format!("{prefix}:sha256:{:x}", Sha256::digest(id.as_bytes()))
    }
}

/// The bulk lines of one record: an article document, then one per claim.
pub(crate) fn bulk_lines(
    record: &Record,
    index: &str,
    unit: Unit,
) -> Result<Vec<String>, IndexError> {
    let rows = Rows::from_record(record, unit)?;
    let a = &rows.article;
    let mut out = Vec::with_capacity(2 + 2 * rows.claims.len());
    let action = |id: String| json!({"index": {"_index": index, "_id": id}}).to_string();
    let meta = record.meta.clone().map(Value::Object);
    let entities: Vec<Value> = rows
        .entities
        .iter()
        .map(|e| {
            json!({"text": e.text, "label": e.label, "start": e.start, "end": e.end,
                   "score": e.score, "company": e.company})
        })
        .collect();
    let companies: Vec<Value> = rows
        .mentions
        .iter()
        .map(|m| {
            json!({"id": m.company_id, "name": m.company, "kind": m.kind, "tickers": m.tickers,
                   "mentions": m.mentions, "sentiment": m.sentiment,
                   "sentiment_score": m.sentiment_score})
        })
        .collect();
    out.push(action(doc_id("article", &a.id)));
    out.push(
        json!({
            "doc_type": "article", "article_id": a.id, "title": a.title, "url": a.url,
            "published": a.published, "article_source": a.source, "text": a.text,
            "models": a.models, "meta": meta, "offsets": unit.name(),
            "entities": entities, "companies": companies,
        })
        .to_string(),
    );
    for c in &rows.claims {
        out.push(action(doc_id("claim", &c.id)));
        let mut doc = Map::new();
        for (k, v) in [
            ("doc_type", json!("claim")),
            ("claim_id", json!(c.id)),
            ("article_id", json!(c.article_id)),
            ("title", json!(a.title)),
            ("url", json!(a.url)),
            ("published", json!(a.published)),
            ("article_source", json!(a.source)),
            ("models", json!(a.models)),
            ("kind", json!(c.kind)),
            ("quote", json!(c.quote)),
            ("quote_start", json!(c.quote_start)),
            ("quote_end", json!(c.quote_end)),
            ("sentence", json!(c.sentence)),
            ("sentence_start", json!(c.sentence_start)),
            ("sentence_end", json!(c.sentence_end)),
            ("speaker", json!(c.speaker)),
            ("speaker_mention", json!(c.speaker_mention)),
            ("cue", json!(c.cue)),
            ("target", json!(c.target)),
            ("source", json!(c.source)),
            ("sentiment", json!(c.sentiment)),
            ("sentiment_score", json!(c.sentiment_score)),
            ("offsets", json!(unit.name())),
        ] {
            doc.insert(k.to_string(), v);
        }
        out.push(Value::Object(doc).to_string());
    }
    Ok(out)
}

/// The index template (composable, `PUT _index_template/NAME`) for the bulk documents:
/// keyword facets, english-analysed text with offsets stored for highlighting, `nested`
/// entities, strict so a field the mapping lacks is refused rather than guessed.
pub fn mapping(index: &str) -> Value {
    let keyword = json!({"type": "keyword"});
    let text = json!({"type": "text", "analyzer": "english",
                      "term_vector": "with_positions_offsets",
                      "fields": {"raw": {"type": "keyword", "ignore_above": 1024}}});
    let long_text = json!({"type": "text", "analyzer": "english",
                           "term_vector": "with_positions_offsets"});
    let int = json!({"type": "integer"});
    let float = json!({"type": "float"});
    let date = json!({"type": "date", "format": "strict_date_optional_time||epoch_millis",
                      "ignore_malformed": true});
    let mut properties = Map::new();
    for (k, v) in [
        ("doc_type", &keyword),
        ("claim_id", &keyword),
        ("article_id", &keyword),
        ("title", &text),
        ("url", &keyword),
        ("published", &date),
        ("article_source", &keyword),
        ("models", &keyword),
        ("offsets", &keyword),
        ("kind", &keyword),
        ("quote", &text),
        ("quote_start", &int),
        ("quote_end", &int),
        ("sentence", &long_text),
        ("sentence_start", &int),
        ("sentence_end", &int),
        ("speaker", &keyword),
        ("speaker_mention", &keyword),
        ("cue", &keyword),
        ("target", &keyword),
        ("source", &keyword),
        ("sentiment", &keyword),
        ("sentiment_score", &float),
        ("text", &long_text),
    ] {
        properties.insert(k.to_string(), v.clone());
    }
    properties.insert("meta".into(), json!({"type": "object", "enabled": false}));
    properties.insert(
        "entities".into(),
        json!({"type": "nested", "properties": {
            "text": keyword, "label": keyword, "start": int, "end": int,
            "score": float, "company": keyword}}),
    );
    properties.insert(
        "companies".into(),
        json!({"type": "nested", "properties": {
            "id": keyword, "name": keyword, "kind": keyword, "tickers": keyword,
            "mentions": int, "sentiment": keyword, "sentiment_score": float}}),
    );
    json!({
        "index_patterns": [format!("{index}*")],
        "template": {
            "settings": {"number_of_shards": 1},
            "mappings": {"dynamic": "strict", "properties": properties}
        },
        "_meta": {"description": "claimlink/1 claims and articles (claimlink export --format es-bulk)"}
    })
}

/// Everything `export` can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Bad usage: the export cannot start.
    #[error("{0}")]
    Usage(String),
    /// Reading the records.
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error("cannot write {path}: {source}")]
    /// The output failed.
    Io {
        /// The file.
        path: String,
        #[source]
        /// Why.
        source: std::io::Error,
    },
    /// The CSV writer failed (it wraps the output's I/O errors).
    #[error("writing CSV: {0}")]
    Csv(#[from] csv::Error),
    /// The Parquet writer failed.
    #[error("writing Parquet: {0}")]
    Parquet(#[from] parquet::errors::ParquetError),
    /// The output file cannot be used or written (it is an input, a folder, ...).
    #[error(transparent)]
    Output(#[from] crate::Error),
}

impl ExportError {
    fn io(path: &Path, source: std::io::Error) -> Self {
        ExportError::Io {
            path: path.display().to_string(),
            source,
        }
    }
}

/// Each record of the inputs in turn; skipped lines are told on stderr and counted in
/// `skipped`.
fn each_record(
    inputs: &[PathBuf],
    skipped: &mut usize,
    mut f: impl FnMut(&Record) -> Result<(), ExportError>,
) -> Result<(), ExportError> {
    for line in lines(inputs, &indicatif::ProgressBar::hidden())? {
        match line? {
            Line::Record(record) => f(&record)?,
            Line::Error { file, line } => {
                *skipped += 1;
                eprintln!("claimlink: {file}:{line}: error line, not exported");
            }
            Line::Invalid {
                file,
                line,
                message,
            } => {
                *skipped += 1;
                eprintln!("claimlink: {file}:{line}: {message}; skipped");
            }
        }
    }
    Ok(())
}

/// Writes the export; returns how many input lines were skipped (told on stderr).
pub fn export(options: &ExportOptions) -> Result<usize, ExportError> {
    let to_stdout = options
        .output
        .as_deref()
        .is_none_or(|p| p == Path::new("-"));
    if options.format == Format::Parquet && to_stdout {
        return Err(ExportError::Usage(
            "--format parquet needs -o FILE: a Parquet file ends with its footer, so it \
             cannot stream to stdout"
                .into(),
        ));
    }
    let target = match &options.output {
        Some(path) if !to_stdout => Some(OutputFile::create(path, &options.inputs)?),
        _ => None,
    };
    let stream = || -> Result<Box<dyn Write>, ExportError> {
        Ok(match &target {
            Some(file) => Box::new(std::io::BufWriter::new(file.handle()?)),
            None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
        })
    };
    let name = || options.output.clone().unwrap_or_else(|| "stdout".into());
    let mut skipped = 0;
    match (options.format, options.table) {
        (Format::EsMapping, _) => {
            let text = serde_json::to_string_pretty(&mapping(&options.index)).unwrap_or_default();
            let mut out = stream()?;
            writeln!(out, "{text}").map_err(|e| ExportError::io(&name(), e))?;
            out.flush().map_err(|e| ExportError::io(&name(), e))?;
        }
        (Format::EsBulk, _) => {
            let mut out = stream()?;
            each_record(&options.inputs, &mut skipped, |record| {
                for l in bulk_lines(record, &options.index, options.offsets)? {
                    writeln!(out, "{l}").map_err(|e| ExportError::io(&name(), e))?;
                }
                Ok(())
            })?;
            out.flush().map_err(|e| ExportError::io(&name(), e))?;
        }
        (Format::Csv | Format::Parquet, Some(table)) => {
            let columns = table.columns();
            let mut writer: Box<dyn RowWriter> = match (options.format, &target) {
                (Format::Parquet, Some(file)) => Box::new(Parquet::new(file.handle()?, &columns)?),
                _ => Box::new(Csv::new(stream()?, &columns)?),
            };
            each_record(&options.inputs, &mut skipped, |record| {
                for row in table.rows(record, options.offsets)? {
                    writer.write(&row)?;
                }
                Ok(())
            })?;
            writer.finish()?;
        }
        (Format::Csv | Format::Parquet, None) => {
            return Err(ExportError::Usage(
                "--format csv|parquet needs --table".into(),
            ))
        }
    }
    if let Some(file) = target {
        file.commit()?;
    }
    Ok(skipped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_ids_are_hashed_to_fit() {
        assert_eq!(doc_id("article", "a"), "article:a");
        let long = "x".repeat(600);
        let id = doc_id("article", &long);
        assert!(id.len() <= MAX_ID_BYTES);
        assert_eq!(id, doc_id("article", &long));
    }
}
