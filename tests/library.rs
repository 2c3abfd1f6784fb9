//! The library as other tools meet it: claimlink output read back with the crate's own
//! types, and the README's example record, which must be what the binary prints.

mod util;

use claimlink::record::OutputLine;
use claimlink::Record;
use util::{assert_success, claimlink, corpus, project};

/// Every line of a corpus run with every optional field on (mention sentiment, input
/// targets, an error line) reads back as an `OutputLine` and writes out byte for byte the
/// same, so the types are the whole format.
#[test]
fn output_lines_round_trip_through_the_record_types() {
    let extra = concat!(
        r#"{"id": "t", "text": "Apple beat estimates while Samsung missed.", "#,
        r#""targets": [{"start": 0, "end": 5}]}"#,
        "\n{not json\n"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let extra_path = dir.path().join("extra.jsonl");
    std::fs::write(&extra_path, extra).expect("write input");
    let output = claimlink(
        &[
            "run".as_ref(),
            "--mention-sentiment".as_ref(),
            corpus().as_os_str(),
            extra_path.as_os_str(),
        ],
        None,
    );
    let text = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines.len() >= 9,
        "corpus articles plus two: {}",
        lines.len()
    );
    let mut errors = 0;
    for line in lines {
        let parsed: OutputLine = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("{e}: a line the types cannot read: {line}"));
        errors += usize::from(parsed.is_error());
        assert_eq!(parsed.to_json(), line, "written back differently");
    }
    assert_eq!(errors, 1, "the bad line is an error record, read as one");
}

/// The README's example record between its markers is the binary's record of the seed
/// article in f32 (the same bytes on every CPU), abridged. `CLAIMLINK_BLESS=1` writes the
/// current one into the README.
#[test]
fn readme_example_record_is_what_the_binary_prints() {
    let seed = corpus().join("microsoft-openai-briefing.txt");
    let output = claimlink(
        &[
            "run".as_ref(),
            seed.as_os_str(),
            "--precision".as_ref(),
            "f32".as_ref(),
        ],
        None,
    );
    assert_success(&output);
    let record: Record = serde_json::from_slice(&output.stdout).expect("one record");
    let example = format!("```jsonc\n{}\n```", abridged(&record));
    let readme_path = project().join("README.md");
    let readme = std::fs::read_to_string(&readme_path).expect("README.md");
    let (start, end) = (
        "<!-- example-record:start -->",
        "<!-- example-record:end -->",
    );
    let (Some(a), Some(b)) = (readme.find(start), readme.find(end)) else {
        panic!("README.md lacks the {start} ... {end} markers");
    };
    let current = readme[a + start.len()..b].trim();
    if std::env::var_os("CLAIMLINK_BLESS").is_some() {
        let updated = format!("{}{start}\n{example}\n{}", &readme[..a], &readme[b..]);
        std::fs::write(&readme_path, updated).expect("write README.md");
        return;
    }
    assert_eq!(
        current, example,
        "the README's example record is stale; rerun with CLAIMLINK_BLESS=1"
    );
}

/// The record with its lists cut to their first items (two entities, one claim, two
/// companies), one list item per line.
fn abridged(record: &Record) -> String {
    fn list<T: serde::Serialize>(key: &str, items: &[T], keep: usize) -> String {
        let shown: Vec<String> = (items.iter().take(keep))
            .map(|item| format!("    {}", serde_json::to_string(item).expect("serialisable")))
            .collect();
        format!(
            "  \"{key}\": [  // {} of {}\n{}\n  ]",
            shown.len(),
            items.len(),
            shown.join(",\n")
        )
    }
    let lines = [
        format!("  \"id\": {:?}", record.id),
        format!("  \"schema\": {:?}", record.schema),
        list("entities", &record.entities, 2),
        list("claims", &record.claims, 1),
        list("companies", &record.companies, 2),
    ];
    format!("{{\n{}\n}}", lines.join(",\n"))
}
