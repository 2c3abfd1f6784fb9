//! Every command that writes a file follows `run`'s rules (issue 29): never over an input
//! or a link to one, nothing left behind on a refusal, errors that name the user's path, a
//! resumed run's index that holds every article, gold spans checked before scoring, and
//! what the user sees: both times in the run summary, the report's speaker roles.

mod util;

use std::path::Path;

use util::*;

const ARTICLES: &str = "{\"id\":\"a\",\"text\":\"Apple hired Tim Cook in Cupertino.\"}\n\
{\"id\":\"b\",\"text\":\"\\\"We will grow,\\\" said Ann Lee, chief executive of Siemens.\"}\n";

/// A folder with `in.jsonl` (two articles) and `out.jsonl`, their claimlink records.
fn annotated() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("in.jsonl"), ARTICLES).expect("write");
    let output = run_in(
        dir.path(),
        &[
            "run",
            "in.jsonl",
            "-o",
            "out.jsonl",
            "--with-text",
            "--quiet",
        ],
    );
    assert_success(&output);
    dir
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn export_and_report_refuse_to_write_over_their_input_or_a_link_to_it() {
    let dir = annotated();
    let before = std::fs::read(dir.path().join("out.jsonl")).expect("records");
    std::os::unix::fs::symlink("out.jsonl", dir.path().join("link.jsonl")).expect("symlink");
    std::fs::hard_link(dir.path().join("out.jsonl"), dir.path().join("hard.jsonl"))
        .expect("hard link");
    let commands: [&[&str]; 5] = [
        &["export", "--format", "es-bulk", "out.jsonl"],
        &[
            "export",
            "--format",
            "csv",
            "--table",
            "claims",
            "out.jsonl",
        ],
        &[
            "export",
            "--format",
            "parquet",
            "--table",
            "claims",
            "out.jsonl",
        ],
        &["report", "out.jsonl"],
        &["report", "in.jsonl", "--articles", "out.jsonl"],
    ];
    for command in commands {
        for target in ["out.jsonl", "link.jsonl", "hard.jsonl"] {
            let mut args = command.to_vec();
            args.extend(["-o", target]);
            let output = run_in(dir.path(), &args);
            assert_eq!(
                output.status.code(),
                Some(2),
                "{args:?}: {}",
                stderr(&output)
            );
            assert!(
                stderr(&output).contains("is also an input"),
                "{args:?}: {}",
                stderr(&output)
            );
            assert_eq!(
                std::fs::read(dir.path().join("out.jsonl")).expect("records"),
                before,
                "{args:?} changed its input"
            );
        }
    }
    assert_eq!(
        files_in(dir.path()),
        ["hard.jsonl", "in.jsonl", "link.jsonl", "out.jsonl"],
        "a refusal leaves nothing behind"
    );
}

#[test]
fn export_through_a_link_writes_its_target_and_failures_name_the_users_path() {
    let dir = annotated();
    std::fs::write(dir.path().join("old.csv"), "old\n").expect("write");
    std::os::unix::fs::symlink("old.csv", dir.path().join("table.csv")).expect("symlink");
    let output = run_in(
        dir.path(),
        &[
            "export",
            "--format",
            "csv",
            "--table",
            "claims",
            "out.jsonl",
            "-o",
            "table.csv",
        ],
    );
    assert_success(&output);
    let link = std::fs::symlink_metadata(dir.path().join("table.csv")).expect("link");
    assert!(link.file_type().is_symlink(), "the link is kept");
    let written = std::fs::read_to_string(dir.path().join("old.csv")).expect("target");
    assert!(written.starts_with("article_id,"), "{written}");

    // A folder that cannot be made (a file stands in its way).
    let output = run_in(
        dir.path(),
        &[
            "export",
            "--format",
            "csv",
            "--table",
            "claims",
            "out.jsonl",
            "-o",
            "in.jsonl/c.csv",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    let said = stderr(&output);
    assert!(said.contains("cannot write in.jsonl/c.csv"), "{said}");
    assert!(!said.contains(".part") && !said.contains(".tmp"), "{said}");
}

#[test]
fn a_run_refused_for_its_index_leaves_no_part_file() {
    // A file whose name starts like a URL scheme is a file all the same.
    for input in ["in.jsonl", "postgres-in.jsonl"] {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(input), ARTICLES).expect("write");
        let args = ["run", input, "-o", "out.jsonl", "--index", input, "--quiet"];
        let output = run_in(dir.path(), &args);
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        let said = stderr(&output);
        assert!(said.contains("is also an input"), "{said}");
        assert_eq!(files_in(dir.path()), [input]);
        assert_eq!(
            std::fs::read_to_string(dir.path().join(input)).expect("input"),
            ARTICLES
        );
    }
}

fn indexed_articles(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).expect("open index");
    let mut statement = conn
        .prepare("SELECT id FROM articles ORDER BY id")
        .expect("query");
    let ids = statement
        .query_map([], |row| row.get::<_, String>(0))
        .expect("rows");
    ids.map(|id| id.expect("id")).collect()
}

#[test]
fn a_resumed_run_indexes_the_lines_it_kept_and_refuses_to_drop_its_index() {
    let dir = annotated();
    // An interrupted run with an index: its first line written, the marker beside it.
    let first = std::fs::read_to_string(dir.path().join("out.jsonl")).expect("records");
    let first = first.lines().next().expect("a line").to_string() + "\n";
    std::fs::write(dir.path().join("cut.jsonl.part"), &first).expect("part");
    std::fs::write(dir.path().join("cut.jsonl.part.index"), "old.db\n").expect("marker");

    let without = run_in(
        dir.path(),
        &["run", "in.jsonl", "-o", "cut.jsonl", "--resume", "--quiet"],
    );
    assert_eq!(without.status.code(), Some(2), "{}", stderr(&without));
    assert!(stderr(&without).contains("--index"), "{}", stderr(&without));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("cut.jsonl.part")).expect("part"),
        first,
        "the refused resume left the .part file as it was"
    );

    let with = run_in(
        dir.path(),
        &[
            "run",
            "in.jsonl",
            "-o",
            "cut.jsonl",
            "--resume",
            "--index",
            "new.db",
            "--quiet",
        ],
    );
    assert_success(&with);
    assert_eq!(indexed_articles(&dir.path().join("new.db")), ["a", "b"]);
    assert_eq!(
        files_in(dir.path()),
        ["cut.jsonl", "in.jsonl", "new.db", "out.jsonl"],
        "the finished run removed its marker"
    );
}

#[test]
fn eval_corpus_refuses_gold_spans_past_the_text_or_backwards_naming_line_and_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = [
        (
            r#"{"id":"a","text":"Apple rose.","entities":[{"start":0,"end":40,"label":"ORG"}]}"#,
            "entities[0]",
        ),
        (
            r#"{"id":"a","text":"Apple rose.","claims":[{"quote":{"start":6,"end":2}}]}"#,
            "claims[0].quote",
        ),
    ];
    for (line, field) in cases {
        let gold = dir.path().join("gold.jsonl");
        std::fs::write(&gold, format!("{{\"id\":\"z\",\"text\":\"x\"}}\n{line}\n")).expect("gold");
        let output = run_in(dir.path(), &["eval", "corpus", "--gold", "gold.jsonl"]);
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        let said = stderr(&output);
        assert!(
            said.contains("gold.jsonl:2") && said.contains(field),
            "{said}"
        );
    }
}

#[test]
fn the_run_summary_shows_the_model_loading_time_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("in.jsonl"), ARTICLES).expect("write");
    let output = run_in(dir.path(), &["run", "in.jsonl", "-o", "out.jsonl"]);
    assert_success(&output);
    let said = stderr(&output);
    assert!(said.contains("loading the models"), "{said}");
}

#[test]
fn the_report_shows_each_claims_speaker_title_and_organisation() {
    let dir = annotated();
    let records = read_lines(&dir.path().join("out.jsonl"));
    let speaker = records
        .iter()
        .flat_map(|r| r["claims"].as_array().expect("claims").iter())
        .find_map(|c| c["speaker"]["title"]["text"].as_str().map(str::to_string))
        .expect("the article names a speaker's title");
    let output = run_in(dir.path(), &["report", "out.jsonl", "-o", "report.html"]);
    assert_success(&output);
    let html = std::fs::read_to_string(dir.path().join("report.html")).expect("report");
    assert!(
        html.contains(&format!("\"title\":\"{speaker}\"")),
        "title in the data"
    );
    assert!(
        html.contains("\"org\":\"Siemens\""),
        "organisation in the data"
    );
    assert!(html.contains("c.title, c.org"), "and the page shows them");
}
