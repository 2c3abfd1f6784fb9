//! Every output line `run` writes, records and error lines, validates against
//! `schema/claimlink-1.schema.json` (a JSON Schema validator, draft 2020-12).

mod feed;
mod util;

use util::*;

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(project().join("schema/claimlink-1.schema.json"))
        .expect("schema file");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("a valid JSON Schema")
}

fn assert_valid(validator: &jsonschema::Validator, line: &serde_json::Value) {
    let errors: Vec<String> = validator
        .iter_errors(line)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}: {errors:?}", line["id"]);
}

#[test]
fn every_corpus_record_validates_with_and_without_text() {
    let validator = validator();
    for with_text in [false, true] {
        let records = feed::records(with_text);
        assert!(records.len() >= 7);
        let mut claims = 0;
        for record in &records {
            assert_valid(&validator, record);
            assert_eq!(record.get("text").is_some(), with_text);
            claims += record["claims"].as_array().map_or(0, Vec::len);
        }
        assert!(claims > 10, "only {claims} claims");
    }
}

#[test]
fn error_lines_validate() {
    let validator = validator();
    let input = concat!(
        "{\"id\": \"ok\", \"text\": \"Acme said \\\"we win\\\".\", \"meta\": {\"k\": [1]}}\n",
        "not json\n",
        "\n",
        "{\"id\": \"no-text\"}\n",
        "{\"id\": \"bad-meta\", \"text\": \"x\", \"meta\": 3}\n",
        "{\"id\": [1], \"text\": \"x\"}\n",
        "[1, 2]\n",
    );
    let output = claimlink(&["run", "-", "--quiet"], Some(input.as_bytes()));
    assert_eq!(output.status.code(), Some(1));
    let lines = stdout_lines(&output);
    assert_eq!(lines.len(), 7);
    assert_eq!(lines[0]["meta"]["k"][0], 1, "meta passes through");
    for line in &lines {
        assert_valid(&validator, line);
    }
    let kinds: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l["error"]["kind"].as_str().expect("an error line"))
        .collect();
    assert_eq!(
        kinds,
        [
            "invalid_json",
            "empty_line",
            "missing_field",
            "invalid_field",
            "invalid_field",
            "invalid_record"
        ]
    );
}

#[test]
fn the_schema_is_strict_where_the_format_is_closed() {
    let validator = validator();
    let record = feed::records(false)
        .into_iter()
        .find(|r| r["claims"].as_array().is_some_and(|c| !c.is_empty()))
        .expect("a record with claims");
    assert_valid(&validator, &record);
    let mut extra = record.clone();
    extra["surprise"] = 1.into();
    assert!(!validator.is_valid(&extra), "an unknown record field");
    let mut extra = record.clone();
    extra["claims"][0]["quote"]["surprise"] = 1.into();
    assert!(!validator.is_valid(&extra), "an unknown span field");
    let mut local = record.clone();
    local["claims"][0]["id"] = "c1".into();
    assert!(!validator.is_valid(&local), "a per-article claim id");
    let mut open = record;
    open["meta"] = serde_json::json!({"anything": {"goes": true}});
    assert!(validator.is_valid(&open), "meta is open");
}

#[test]
fn records_carry_metadata_global_claim_ids_and_company_ids() {
    let records = feed::records(true);
    let chip = records
        .iter()
        .find(|r| r["id"] == "chipmaker-earnings")
        .expect("chipmaker-earnings in the corpus");
    assert_eq!(chip["title"], "Chipmaker beats forecasts");
    assert_eq!(chip["source"], "claimlink corpus");
    let models = chip["models"].as_str().expect("models digest");
    // The model set's digest and the precision it computed in: by default bf16 on a CPU
    // with AMX (as Linux's own CPU flags say), f32 elsewhere.
    let (digest, precision) = models.split_once('+').expect("digest+precision");
    assert!(
        digest.starts_with("sha256:") && digest.len() == 23,
        "{models}"
    );
    let cpu = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let amx = cpu.split_whitespace().any(|flag| flag == "amx_bf16");
    assert_eq!(precision, if amx { "bf16" } else { "f32" }, "{models}");
    let text = chip["text"].as_str().expect("text");
    let mut ids = std::collections::HashSet::new();
    for record in &records {
        let text = record["text"].as_str().expect("text");
        let id = record["id"].as_str().expect("id");
        for claim in record["claims"].as_array().expect("claims") {
            let (s, e) = (
                claim["quote"]["start"].as_u64(),
                claim["quote"]["end"].as_u64(),
            );
            let want = claimlink::record::claim_id(
                id,
                text,
                s.expect("s") as usize,
                e.expect("e") as usize,
            );
            let got = claim["id"].as_str().expect("claim id");
            assert!(got.starts_with(&want), "{id}: {got} vs {want}");
            assert!(ids.insert(got.to_string()), "claim id {got} repeats");
            if let Some(sentence) = claim["sentence"].as_object() {
                let (s, e) = (sentence["start"].as_u64(), sentence["end"].as_u64());
                assert_eq!(
                    sentence["text"].as_str().expect("sentence text"),
                    slice(text, s.expect("s"), e.expect("e"))
                );
            }
        }
    }
    let nvidia = chip["companies"]
        .as_array()
        .expect("companies")
        .iter()
        .find(|c| c["name"] == "Nvidia")
        .expect("Nvidia among the companies");
    assert_eq!(nvidia["id"], "nvidia");
    assert_eq!(nvidia["kind"], "company");
    assert_eq!(nvidia["tickers"], serde_json::json!(["NVDA"]));
    // Same article id and text: same claim ids on a second run.
    let again = claimlink(&["run", "corpus", "--quiet"], None);
    assert_success(&again);
    let first: Vec<String> = feed::records(false)
        .iter()
        .flat_map(|r| r["claims"].as_array().cloned().unwrap_or_default())
        .map(|c| c["id"].to_string())
        .collect();
    let second: Vec<String> = stdout_lines(&again)
        .iter()
        .flat_map(|r| r["claims"].as_array().cloned().unwrap_or_default())
        .map(|c| c["id"].to_string())
        .collect();
    assert_eq!(first, second);
    assert!(!text.is_empty());
}
