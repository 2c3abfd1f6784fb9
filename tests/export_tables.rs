//! `claimlink export --format csv|parquet --table ...`: the corpus output exported and read
//! back (CSV with the csv crate, Parquet with the parquet crate's reader, both in DuckDB),
//! one row per claim / entity / company / article, with the article's metadata on every
//! row; error lines skipped with exit 1; the output written atomically.

mod feed;
mod util;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use serde_json::{json, Value};
use util::*;

const TABLES: [&str; 4] = ["claims", "entities", "companies", "articles"];

fn export(args: &[&str], stdin: Option<&[u8]>) -> std::process::Output {
    let mut all = vec!["export"];
    all.extend_from_slice(args);
    claimlink(&all, stdin)
}

type Row = HashMap<String, Value>;

/// A CSV table as rows of column → value (an empty field is null, numbers parsed back).
fn read_csv(bytes: &[u8]) -> Vec<Row> {
    let mut reader = csv::Reader::from_reader(bytes);
    let header: Vec<String> = (reader.headers().expect("a header").iter())
        .map(String::from)
        .collect();
    reader
        .records()
        .map(|r| {
            let r = r.expect("a CSV record");
            assert_eq!(r.len(), header.len(), "every row as long as the header");
            (header.iter().zip(r.iter()))
                .map(|(k, v)| (k.clone(), csv_value(k, v)))
                .collect()
        })
        .collect()
}

/// Numeric columns back as numbers, so CSV and Parquet rows compare alike.
fn csv_value(column: &str, field: &str) -> Value {
    if field.is_empty() {
        return Value::Null;
    }
    if column.contains("score") {
        // A float column: "1" is 1.0, as Parquet's DOUBLE and the record have it.
        return Value::from(field.parse::<f64>().expect("a float"));
    }
    let numeric = column.ends_with("_start")
        || column.ends_with("_end")
        || column.ends_with("_count")
        || ["start", "end", "mentions"].contains(&column)
        || column.starts_with("sentiment_ne")
        || column == "sentiment_positive";
    if numeric {
        serde_json::from_str(field).expect("a number")
    } else {
        Value::from(field)
    }
}

/// A Parquet file as rows of column → value, through the parquet crate's row reader.
fn read_parquet(path: &Path) -> Vec<Row> {
    let file = std::fs::File::open(path).expect("the parquet file");
    let reader = SerializedFileReader::new(file).expect("a parquet file");
    reader
        .get_row_iter(None)
        .expect("rows")
        .map(|row| {
            (row.expect("a row").get_column_iter())
                .map(|(name, field)| {
                    let value = match field {
                        Field::Null => Value::Null,
                        Field::Str(s) => Value::from(s.as_str()),
                        Field::Long(n) => Value::from(*n),
                        Field::Double(x) => Value::from(*x),
                        other => panic!("{name}: unexpected {other:?}"),
                    };
                    (name.clone(), value)
                })
                .collect()
        })
        .collect()
}

fn items<'a>(record: &'a Value, key: &str) -> &'a [Value] {
    record[key].as_array().map_or(&[], Vec::as_slice)
}

/// What each table should hold, from the JSONL: (article record, item) per row.
fn expected<'a>(records: &'a [Value], table: &str) -> Vec<(&'a Value, &'a Value)> {
    records
        .iter()
        .flat_map(|r| match table {
            "articles" => vec![(r, r)],
            "claims" => items(r, "claims").iter().map(|i| (r, i)).collect(),
            "entities" => items(r, "entities").iter().map(|i| (r, i)).collect(),
            "companies" => items(r, "companies").iter().map(|i| (r, i)).collect(),
            other => panic!("no table {other}"),
        })
        .collect()
}

/// The rows match the records one for one, in order, with some field values checked.
fn assert_rows_match(table: &str, rows: &[Row], records: &[Value]) {
    let want = expected(records, table);
    assert!(!want.is_empty(), "the corpus has {table}");
    assert_eq!(rows.len(), want.len(), "{table}: one row per item");
    for (row, (record, item)) in rows.iter().zip(&want) {
        assert_eq!(row["article_id"], record["id"], "{table}");
        assert_eq!(row["article_title"], record["title"], "{table}");
        let source = record.get("source").cloned().unwrap_or(Value::Null);
        assert_eq!(row["article_source"], source, "{table}");
        match table {
            "claims" => {
                assert_eq!(row["claim_id"], item["id"]);
                assert_eq!(row["quote"], item["quote"]["text"]);
                assert_eq!(row["quote_start"], item["quote"]["start"]);
                let speaker = item["speaker"].get("name").cloned();
                assert_eq!(row["speaker"], speaker.unwrap_or(Value::Null));
                let sentiment = item["sentiment"].get("label").cloned();
                assert_eq!(row["sentiment"], sentiment.unwrap_or(Value::Null));
            }
            "entities" => {
                for key in ["text", "label", "start", "end", "score"] {
                    assert_eq!(row[key], item[key], "entity {key}");
                }
            }
            "companies" => {
                assert_eq!(row["company"], item["name"]);
                assert_eq!(row["mentions"], item["mentions"]);
                let tickers: Value =
                    serde_json::from_str(row["tickers"].as_str().expect("tickers text"))
                        .expect("tickers are a JSON array");
                assert_eq!(tickers, item.get("tickers").cloned().unwrap_or(json!([])));
            }
            _ => {
                assert_eq!(row["text"], record["text"]);
                assert_eq!(row["claim_count"], json!(items(record, "claims").len()));
                assert_eq!(row["entity_count"], json!(items(record, "entities").len()));
            }
        }
    }
}

#[test]
fn csv_tables_have_a_row_per_item_with_the_article_on_each() {
    let input = feed::corpus_output(true).as_bytes();
    let records = feed::records(true);
    for table in TABLES {
        let out = export(&["--format", "csv", "--table", table], Some(input));
        assert_success(&out);
        assert_rows_match(table, &read_csv(&out.stdout), &records);
    }
}

#[test]
fn parquet_tables_read_back_with_the_parquet_reader_as_the_csv_does() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = feed::file(dir.path(), "corpus.jsonl", feed::corpus_output(true));
    let records = feed::records(true);
    for table in TABLES {
        let path = dir.path().join(format!("{table}.parquet"));
        let out = export(
            &[
                "--format",
                "parquet",
                "--table",
                table,
                input.to_str().expect("utf-8"),
                "-o",
                path.to_str().expect("utf-8"),
            ],
            None,
        );
        assert_success(&out);
        let rows = read_parquet(&path);
        assert_rows_match(table, &rows, &records);
        let csv = export(
            &["--format", "csv", "--table", table, "-"],
            Some(feed::corpus_output(true).as_bytes()),
        );
        assert_eq!(
            read_csv(&csv.stdout),
            rows,
            "{table}: CSV and Parquet agree"
        );
    }
    let left: Vec<PathBuf> = (std::fs::read_dir(dir.path()).expect("dir"))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

#[test]
fn parquet_splits_big_tables_into_row_groups_and_keeps_every_row() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Enough copies of the corpus for more entities than one row group holds (50,000).
    let per_copy = expected(&feed::records(true), "entities").len();
    let copies = 50_000 / per_copy + 10;
    let input = feed::file(dir.path(), "big.jsonl", &feed::replicated(copies));
    let path = dir.path().join("entities.parquet");
    let out = export(
        &[
            "--format",
            "parquet",
            "--table",
            "entities",
            input.to_str().expect("utf-8"),
            "-o",
            path.to_str().expect("utf-8"),
        ],
        None,
    );
    assert_success(&out);
    let reader = SerializedFileReader::new(std::fs::File::open(&path).expect("file"))
        .expect("a parquet file");
    assert!(reader.metadata().num_row_groups() >= 2);
    let records: Vec<Value> = (std::fs::read_to_string(&input).expect("input").lines())
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_rows_match("entities", &read_parquet(&path), &records);
}

#[test]
fn error_lines_are_counted_and_skipped_and_the_rest_is_exported_with_exit_1() {
    let first = feed::corpus_output(true).lines().next().expect("a record");
    let input = format!(
        "{first}\n{}\nnot json\n",
        json!({"id": "x", "schema": "claimlink/1",
               "error": {"kind": "input", "message": "m", "file": "f", "line": 2}})
    );
    let out = export(
        &["--format", "csv", "--table", "articles"],
        Some(input.as_bytes()),
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("-:2: error line"), "{stderr}");
    assert!(stderr.contains("-:3: not JSON"), "{stderr}");
    assert!(stderr.contains("2 lines skipped"), "{stderr}");
    let rows = read_csv(&out.stdout);
    assert_eq!(rows.len(), 1);
}

#[test]
fn a_failed_export_leaves_the_earlier_file_and_no_temporary_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("claims.csv");
    std::fs::write(&path, "old").expect("write");
    let missing = dir.path().join("missing.jsonl");
    let out = export(
        &[
            "--format",
            "csv",
            "--table",
            "claims",
            missing.to_str().expect("utf-8"),
            "-o",
            path.to_str().expect("utf-8"),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&path).expect("still there"), "old");
    let entries = std::fs::read_dir(dir.path()).expect("dir").count();
    assert_eq!(entries, 1, "only the earlier file is left");
}

#[test]
fn parquet_without_an_output_file_and_tables_without_a_table_are_usage_errors() {
    let input = Some(feed::corpus_output(true).as_bytes());
    let out = export(&["--format", "parquet", "--table", "claims"], input);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs -o FILE"));
    assert!(out.stdout.is_empty());
    let out = export(&["--format", "csv"], input);
    assert_eq!(out.status.code(), Some(2));
}

/// A Python with DuckDB, in a venv under `target/` (installed from PyPI on first use).
fn duckdb_python() -> PathBuf {
    let venv = project().join("target/duckdb-venv");
    let python = venv.join("bin/python");
    let ready = venv.join(".complete");
    if !ready.exists() {
        let run = |cmd: &mut Command| {
            let out = cmd.output().expect("starts");
            assert!(
                out.status.success(),
                "setting up DuckDB failed ({cmd:?}); it needs python3 with venv and pip, \
                 and PyPI: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        run(Command::new("python3").args(["-m", "venv"]).arg(&venv));
        run(Command::new(&python).args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "duckdb==2.0.1",
        ]));
        std::fs::write(&ready, "").expect("marker");
    }
    python
}

#[test]
fn duckdb_loads_every_table_from_csv_and_parquet_with_the_jsonl_counts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = feed::file(dir.path(), "corpus.jsonl", feed::corpus_output(true));
    let records = feed::records(true);
    let mut want = Vec::new();
    for table in TABLES {
        for format in ["csv", "parquet"] {
            let path = dir.path().join(format!("{table}.{format}"));
            let out = export(
                &[
                    "--format",
                    format,
                    "--table",
                    table,
                    input.to_str().expect("utf-8"),
                    "-o",
                    path.to_str().expect("utf-8"),
                ],
                None,
            );
            assert_success(&out);
        }
        want.push(format!("{table} {}", expected(&records, table).len()));
    }
    // Counts from both files, and a join on article_id that needs the metadata on each row.
    let script = r#"
import duckdb, sys
for t in ["claims", "entities", "companies", "articles"]:
    p = duckdb.sql(f"select count(*) from '{t}.parquet'").fetchall()[0][0]
    c = duckdb.sql(f"select count(*) from read_csv('{t}.csv')").fetchall()[0][0]
    assert p == c, (t, p, c)
    print(t, p)
joined = duckdb.sql(
    "select count(*) from 'claims.parquet' c join 'articles.parquet' a using (article_id) "
    "where c.article_title is not distinct from a.article_title").fetchall()[0][0]
print("joined", joined)
"#;
    let out = Command::new(duckdb_python())
        .args(["-c", script])
        .current_dir(dir.path())
        .output()
        .expect("python starts");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[..4],
        want.iter().map(String::as_str).collect::<Vec<_>>()
    );
    assert_eq!(
        lines[4],
        format!("joined {}", expected(&records, "claims").len())
    );
}
