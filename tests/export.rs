//! `claimlink export`: the `_bulk` NDJSON grammar (action line, then the document; one
//! JSON object per line; a final newline), deterministic ids, and a mapping that covers
//! every field the documents have (it is `dynamic: strict`). No Elasticsearch or
//! OpenSearch server runs here: these check the documented format, not a live load.

mod feed;
mod util;

use std::collections::{HashMap, HashSet};

use serde_json::Value;
use util::*;

fn export(args: &[&str], stdin: Option<&[u8]>) -> std::process::Output {
    let mut all = vec!["export"];
    all.extend_from_slice(args);
    claimlink(&all, stdin)
}

/// The bulk body as (action, document) pairs, checking the grammar on the way.
fn parse_bulk(body: &str) -> Vec<(Value, Value)> {
    assert!(body.ends_with('\n'), "a bulk body ends with a newline");
    let lines: Vec<&str> = body.split_terminator('\n').collect();
    assert_eq!(lines.len() % 2, 0, "action and source lines come in pairs");
    lines
        .chunks(2)
        .map(|pair| {
            let action: Value = serde_json::from_str(pair[0]).expect("action line is JSON");
            let doc: Value = serde_json::from_str(pair[1]).expect("source line is JSON");
            let object = action.as_object().expect("action is an object");
            assert_eq!(object.len(), 1, "one action per line: {action}");
            let meta = &object["index"];
            assert!(
                meta["_index"].is_string() && meta["_id"].is_string(),
                "{action}"
            );
            assert!(meta["_id"].as_str().expect("id").len() <= 512);
            assert!(doc.is_object(), "the source is an object");
            (action, doc)
        })
        .collect()
}

/// Every field path of `doc` is a property of `mapping` (what `dynamic: strict` demands).
fn assert_mapped(doc: &Value, properties: &Value, path: &str) {
    for (key, value) in doc.as_object().expect("object") {
        let field = &properties[key];
        assert!(field.is_object(), "{path}{key} is not in the mapping");
        if field["enabled"] == false {
            continue;
        }
        if let Some(inner) = field.get("properties") {
            let items: Vec<&Value> = match value {
                Value::Array(items) => items.iter().collect(),
                Value::Null => Vec::new(),
                other => vec![other],
            };
            for item in items {
                assert_mapped(item, inner, &format!("{path}{key}."));
            }
        } else {
            assert!(
                !value.is_object(),
                "{path}{key} is an object mapped as a leaf"
            );
        }
    }
}

#[test]
fn bulk_export_follows_the_bulk_grammar_with_one_document_per_claim_and_article() {
    let body_of = |args: &[&str]| {
        let out = export(args, Some(feed::corpus_output(true).as_bytes()));
        assert_success(&out);
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let body = body_of(&["--format", "es-bulk", "--index", "news"]);
    let pairs = parse_bulk(&body);
    let records = feed::records(true);
    let claims: usize = records
        .iter()
        .map(|r| r["claims"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(pairs.len(), records.len() + claims);
    let mut ids = HashSet::new();
    let mut types: HashMap<String, usize> = HashMap::new();
    for (action, doc) in &pairs {
        assert_eq!(action["index"]["_index"], "news");
        assert!(
            ids.insert(action["index"]["_id"].as_str().expect("id").to_string()),
            "ids are unique"
        );
        *types
            .entry(doc["doc_type"].as_str().expect("doc_type").to_string())
            .or_default() += 1;
        if doc["doc_type"] == "claim" {
            let id = format!("claim:{}", doc["claim_id"].as_str().expect("claim id"));
            assert_eq!(action["index"]["_id"], id.as_str());
            assert!(doc["article_id"].is_string());
            let text = records
                .iter()
                .find(|r| r["id"] == doc["article_id"])
                .and_then(|r| r["text"].as_str())
                .expect("the claim's article");
            let (s, e) = (
                doc["quote_start"].as_u64().expect("s"),
                doc["quote_end"].as_u64().expect("e"),
            );
            assert_eq!(slice(text, s, e), doc["quote"].as_str().expect("quote"));
        } else {
            assert!(doc["entities"].is_array());
        }
    }
    assert_eq!(types["article"], records.len());
    assert_eq!(types["claim"], claims);
    // Deterministic: the same input gives the same body.
    assert_eq!(body, body_of(&["--format", "es-bulk", "--index", "news"]));
}

#[test]
fn the_mapping_is_a_template_that_maps_every_exported_field() {
    let out = export(&["--format", "es-mapping", "--index", "news"], None);
    assert_success(&out);
    let template: Value = serde_json::from_str(&feed::stdout(&out)).expect("mapping is JSON");
    assert_eq!(template["index_patterns"][0], "news*");
    let mappings = &template["template"]["mappings"];
    assert_eq!(mappings["dynamic"], "strict");
    let properties = &mappings["properties"];
    assert_eq!(properties["entities"]["type"], "nested");
    assert_eq!(properties["quote"]["analyzer"], "english");
    assert_eq!(properties["quote"]["term_vector"], "with_positions_offsets");
    for facet in ["speaker", "target", "source", "sentiment", "kind"] {
        assert_eq!(properties[facet]["type"], "keyword", "{facet}");
    }
    let bulk = export(
        &["--format", "es-bulk", "--offsets", "utf16"],
        Some(feed::corpus_output(true).as_bytes()),
    );
    assert_success(&bulk);
    for (_, doc) in parse_bulk(&feed::stdout(&bulk)) {
        assert_eq!(doc["offsets"], "utf16");
        assert_mapped(&doc, properties, "");
    }
}

#[test]
fn error_lines_are_not_exported_and_exit_1() {
    let error = r#"{"id":"x","schema":"claimlink/1","error":{"kind":"invalid_json","message":"m","file":"f","line":1}}"#;
    let out = export(
        &["--format", "es-bulk"],
        Some(format!("{error}\n").as_bytes()),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(feed::stderr(&out).contains("-:1: error line"));
}
