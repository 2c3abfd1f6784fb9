//! `claimlink eval corpus`: hand-made gold and predictions with known numbers of right,
//! wrong and missing items give exactly the expected counts and P/R/F1; bad gold is an
//! error naming its line; `--json` is one metrics object.

mod util;

use serde_json::{json, Value};
use util::*;

fn span(start: usize, end: usize) -> Value {
    json!({"text": "x", "start": start, "end": end})
}

fn named(name: &str) -> Value {
    json!({"name": name, "mention": null})
}

fn entity(start: usize, end: usize, label: &str, company: Option<&str>) -> Value {
    json!({"text": "x", "label": label, "start": start, "end": end, "score": 0.9, "company": company})
}

/// A predicted claim as `run` writes it.
fn claim(
    quote: (usize, usize),
    speaker: Option<&str>,
    target: Option<&str>,
    source: Option<&str>,
    cue: Option<(usize, usize)>,
    sentiment: Option<&str>,
) -> Value {
    json!({
        "id": format!("c{}", quote.0),
        "kind": "direct",
        "quote": span(quote.0, quote.1),
        "speaker": speaker.map(named),
        "cue": cue.map(|(s, e)| span(s, e)),
        "source": source.map(named),
        "target": target.map(named),
        "sentiment": sentiment.map(|l| json!({"label": l, "score": 0.8})),
        "sentence": null,
    })
}

fn company(name: &str, sentiment: Option<&str>) -> Value {
    json!({"name": name, "mentions": 1, "sentiment": sentiment.map(|l| json!({"label": l, "score": 0.7}))})
}

/// Three gold articles: a1 predicted with right, wrong and missing items; a2 not
/// predicted at all; and a prediction a3 that has no gold.
fn gold_lines() -> Vec<Value> {
    vec![
        json!({
            "id": "a1",
            "entities": [
                {"start": 0, "end": 5, "label": "ORG", "company": "Acme"},
                {"start": 10, "end": 15, "label": "PER"},
                {"start": 20, "end": 25, "label": "LOC"},
                {"start": 30, "end": 35}
            ],
            "claims": [
                {"quote": {"start": 100, "end": 120}, "speaker": {"name": "Ann Lee"},
                 "target": {"name": "Acme"}, "source": null, "cue": {"start": 90, "end": 94},
                 "sentiment": {"label": "negative"}},
                {"quote": {"start": 200, "end": 230}, "speaker": {"name": "Bob"},
                 "target": {"name": "Zed"}},
                {"quote": {"start": 300, "end": 310}, "speaker": {"name": "Cy"}}
            ],
            "companies": [
                {"name": "Acme", "sentiment": {"label": "negative"}},
                {"name": "Beta"},
                {"name": "Gamma", "sentiment": {"label": "positive"}}
            ],
            "targets": [
                {"start": 0, "end": 5, "sentiment": {"label": "negative"}},
                {"start": 10, "end": 15, "sentiment": {"label": "positive"}}
            ]
        }),
        json!({
            "id": "a2",
            "claims": [{"quote": {"start": 0, "end": 10}, "speaker": {"name": "X"}}],
            "companies": [{"name": "Acme", "sentiment": {"label": "negative"}}]
        }),
    ]
}

fn pred_lines() -> Vec<Value> {
    let record = |id: &str, entities: Value, claims: Value, companies: Value| json!({"id": id, "schema": "claimlink/1", "entities": entities, "claims": claims, "companies": companies});
    let mut a1 = record(
        "a1",
        json!([
            entity(0, 5, "ORG", Some("Acme")),
            entity(10, 15, "ORG", None),
            entity(30, 35, "MISC", None),
            entity(40, 45, "PER", None)
        ]),
        json!([
            claim(
                (100, 120),
                Some("ann  LEE"),
                Some("Acme"),
                Some("Reuters"),
                Some((90, 94)),
                Some("positive")
            ),
            claim(
                (205, 230),
                Some("Bob"),
                None,
                None,
                Some((195, 199)),
                Some("neutral")
            ),
            claim((400, 410), Some("Dee"), None, None, None, None)
        ]),
        json!([
            company("Acme", Some("negative")),
            company("Beta", Some("positive")),
            company("Delta", Some("neutral"))
        ]),
    );
    a1["targets"] = json!([
        {"text": "x", "start": 0, "end": 5, "sentiment": {"label": "negative", "score": 0.9}},
        {"text": "x", "start": 10, "end": 15, "sentiment": {"label": "negative", "score": 0.9}}
    ]);
    let a3 = record(
        "a3",
        json!([entity(0, 3, "PER", None)]),
        json!([claim((5, 9), Some("Y"), None, None, None, Some("positive"))]),
        json!([company("Foo", Some("positive"))]),
    );
    let error = json!({"id": "a4", "error": {"kind": "empty", "message": "no text", "line": 3}});
    vec![a1, a3, error]
}

fn write_jsonl(dir: &std::path::Path, name: &str, lines: &[Value]) -> std::path::PathBuf {
    let path = dir.join(name);
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&path, text).expect("write");
    path
}

fn eval_json(gold: &std::path::Path, pred: &std::path::Path, extra: &[&str]) -> Value {
    let mut args = vec![
        "eval",
        "corpus",
        "--gold",
        gold.to_str().expect("utf-8"),
        "--pred",
        pred.to_str().expect("utf-8"),
        "--json",
    ];
    args.extend_from_slice(extra);
    let output = claimlink(&args, None);
    assert_success(&output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        stdout.trim().lines().count(),
        1,
        "one JSON object: {stdout}"
    );
    serde_json::from_str(stdout.trim()).expect("--json prints JSON")
}

#[test]
fn known_right_wrong_and_missing_items_give_the_expected_counts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gold = write_jsonl(dir.path(), "gold.jsonl", &gold_lines());
    let pred = write_jsonl(dir.path(), "pred.jsonl", &pred_lines());
    let v = eval_json(&gold, &pred, &[]);
    assert_eq!(v["articles"]["gold"], 2);
    assert_eq!(v["articles"]["predicted"], 2);
    assert_eq!(v["articles"]["gold_without_prediction"], json!(["a2"]));
    assert_eq!(v["articles"]["predicted_not_in_gold"], json!(["a3"]));
    assert_eq!(v["articles"]["prediction_error_lines"], 1);
    // (tp, fp, fn) worked out by hand from the two files above.
    let expected = [
        ("entity_spans", (3, 2, 1)),
        ("entity_labels", (1, 3, 2)),
        ("entity_companies", (1, 0, 0)),
        ("quotes_exact", (1, 3, 3)),
        ("quotes_overlap", (2, 2, 2)),
        ("speaker", (2, 2, 2)),
        ("target", (1, 0, 1)),
        ("source", (0, 1, 0)),
        ("cue", (1, 0, 0)),
        ("claim_sentiment", (0, 2, 1)),
        ("target_sentiment", (1, 1, 1)),
        ("company_sentiment", (1, 2, 2)),
    ];
    let fields = &v["scores"]["fields"];
    for (name, (tp, fp, fn_)) in expected {
        let f = &fields[name];
        assert_eq!(
            (f["tp"].as_u64(), f["fp"].as_u64(), f["fn"].as_u64()),
            (Some(tp), Some(fp), Some(fn_)),
            "{name}: {f}"
        );
        // 0/0 counts as 0, as in the report.
        let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let (p, r) = (ratio(tp, tp + fp), ratio(tp, tp + fn_));
        let f1 = if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        };
        for (key, want) in [("precision", p), ("recall", r), ("f1", f1)] {
            let got = f[key].as_f64().expect("a number");
            assert!((got - want).abs() < 1e-9, "{name} {key}: {got} != {want}");
        }
    }
    // Plain accuracy on matched quotes whose gold gives the field.
    let on = &v["scores"]["on_matched_quotes"];
    assert_eq!(on["speaker"], json!({"right": 2, "of": 2}));
    assert_eq!(on["target"], json!({"right": 1, "of": 2}));
    assert_eq!(on["source"], json!({"right": 0, "of": 1}));
    assert_eq!(on["claim_sentiment"], json!({"right": 0, "of": 1}));
}

#[test]
fn per_article_scores_sum_to_the_total() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gold = write_jsonl(dir.path(), "gold.jsonl", &gold_lines());
    let pred = write_jsonl(dir.path(), "pred.jsonl", &pred_lines());
    let v = eval_json(&gold, &pred, &["--per-article"]);
    let articles = v["per_article"].as_array().expect("per_article");
    let ids: Vec<&str> = articles.iter().filter_map(|a| a["id"].as_str()).collect();
    assert_eq!(ids, ["a1", "a2", "a3"]);
    let sum: u64 = (articles.iter())
        .filter_map(|a| a["scores"]["fields"]["speaker"]["fn"].as_u64())
        .sum();
    assert_eq!(Some(sum), v["scores"]["fields"]["speaker"]["fn"].as_u64());
    // a2 has no entities in its gold, so they are not scored there.
    assert!(articles[1]["scores"]["fields"]["entity_spans"].is_null());
}

#[test]
fn the_text_report_has_every_field_and_names_the_missing_articles() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gold = write_jsonl(dir.path(), "gold.jsonl", &gold_lines());
    let pred = write_jsonl(dir.path(), "pred.jsonl", &pred_lines());
    let output = claimlink(
        &[
            "eval",
            "corpus",
            "--gold",
            gold.to_str().expect("utf-8"),
            "--pred",
            pred.to_str().expect("utf-8"),
        ],
        None,
    );
    assert_success(&output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    for needle in [
        "entity labels",
        "claim quotes (overlap)",
        "company sentiment",
        "gold without prediction: a2",
        "predicted not in gold: a3",
    ] {
        assert!(stdout.contains(needle), "{needle}: {stdout}");
    }
    let speaker = stdout
        .lines()
        .find(|l| l.starts_with("speaker"))
        .expect("speaker row");
    assert!(speaker.contains("0.5000"), "{speaker}");
}

#[test]
fn a_run_output_line_scored_against_itself_is_perfect() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pred = write_jsonl(dir.path(), "pred.jsonl", &pred_lines()[..2]);
    let v = eval_json(&pred, &pred, &[]);
    for (name, f) in v["scores"]["fields"].as_object().expect("fields") {
        if !f.is_null() {
            assert_eq!(f["f1"].as_f64(), Some(1.0), "{name}: {f}");
        }
    }
}

#[test]
fn malformed_gold_is_an_error_naming_the_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pred = write_jsonl(dir.path(), "pred.jsonl", &pred_lines());
    for (lines, line, words) in [
        (
            vec![
                json!({"id": "a"}),
                json!({"id": "b", "claims": [{"speaker": null}]}),
            ],
            2,
            "quote",
        ),
        (
            vec![json!({"id": "a", "entities": [{"start": 0, "end": 2, "label": "PERSON"}]})],
            1,
            "label",
        ),
        (
            vec![json!({"id": "a"}), json!({"id": "b"}), json!({"id": "a"})],
            3,
            "already",
        ),
        (vec![json!({"claims": []})], 1, "id"),
    ] {
        let gold = write_jsonl(dir.path(), "bad.jsonl", &lines);
        let output = claimlink(
            &[
                "eval",
                "corpus",
                "--gold",
                gold.to_str().expect("utf-8"),
                "--pred",
                pred.to_str().expect("utf-8"),
            ],
            None,
        );
        assert_eq!(output.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(&format!("bad.jsonl:{line}:")) && stderr.contains(words),
            "{stderr}"
        );
    }
    std::fs::write(dir.path().join("bad.jsonl"), "{\"id\": \"a\"}\nnot json\n").expect("write");
    let output = claimlink(
        &[
            "eval",
            "corpus",
            "--gold",
            dir.path().join("bad.jsonl").to_str().expect("utf-8"),
            "--pred",
            pred.to_str().expect("utf-8"),
        ],
        None,
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("bad.jsonl:2: not JSON"));
}

#[test]
fn the_shipped_seed_gold_validates_against_its_schema() {
    let text = std::fs::read_to_string(project().join("schema/claimlink-gold.schema.json"))
        .expect("schema");
    let schema: Value = serde_json::from_str(&text).expect("JSON");
    let validator = jsonschema::validator_for(&schema).expect("a JSON Schema");
    let gold = std::fs::read_to_string(project().join("gold/seed.jsonl")).expect("gold");
    for line in gold.lines() {
        let value: Value = serde_json::from_str(line).expect("JSON");
        assert!(validator.is_valid(&value));
    }
}

/// `eval record` on the seed's own file and `eval corpus` on its conversion agree.
#[test]
fn eval_record_is_eval_corpus_on_the_seed() {
    let seed = project().join("tests/fixtures/microsoft-openai-briefing.gold.json");
    let record = claimlink(
        &[
            "eval",
            "record",
            "--gold",
            seed.to_str().expect("utf-8"),
            "--json",
        ],
        None,
    );
    assert_success(&record);
    let corpus = claimlink(
        &["eval", "corpus", "--gold", "gold/seed.jsonl", "--json"],
        None,
    );
    assert_success(&corpus);
    let parse = |o: &std::process::Output| -> Value {
        serde_json::from_str(String::from_utf8_lossy(&o.stdout).trim()).expect("JSON")
    };
    let (record, corpus) = (parse(&record), parse(&corpus));
    assert_eq!(record["scores"], corpus["scores"]);
    assert_eq!(record["scores"]["on_matched_quotes"]["speaker"]["of"], 3);
}

/// The first line of `claimlink ARGS` parsed as JSON, after checking it is the only one.
fn json_only(args: &[&str]) -> Value {
    let output = claimlink(args, None);
    assert_success(&output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        stdout.trim().lines().count(),
        1,
        "one JSON object: {stdout}"
    );
    serde_json::from_str(stdout.trim()).expect("--json prints JSON")
}

#[test]
fn eval_ner_and_sentiment_print_one_metrics_object_with_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let conll = dir.path().join("gold.conll");
    std::fs::write(
        &conll,
        "-DOCSTART- -X- -X- O\n\nAngela NNP B-NP I-PER\nMerkel NNP I-NP I-PER\nvisited VBD B-VP O\nParis NNP B-NP I-LOC\n. . O O\n",
    )
    .expect("write");
    let ner = json_only(&[
        "eval",
        "ner",
        "--gold",
        conll.to_str().expect("utf-8"),
        "--json",
    ]);
    assert_eq!(ner["eval"], "ner");
    let overall = &ner["entities"]["overall"];
    let found = overall["tp"].as_u64().unwrap_or(0) + overall["fn"].as_u64().unwrap_or(0);
    assert_eq!(found, 2, "two gold entities: {ner}");
    assert!(overall["f1"].as_f64().is_some());
    let headlines = dir.path().join("headlines.jsonl");
    std::fs::write(
        &headlines,
        "{\"id\": 1, \"title\": \"Infosys profit jumps 20%, beats estimates\", \"entities\": [{\"text\": \"Infosys\", \"sentiment\": \"positive\"}]}\n",
    )
    .expect("write");
    let sentiment = json_only(&[
        "eval",
        "sentiment",
        "--gold",
        headlines.to_str().expect("utf-8"),
        "--json",
    ]);
    assert_eq!(sentiment["format"], "SEntFiN");
    let matrix = sentiment["confusion"]["matrix_gold_by_predicted"]
        .as_array()
        .expect("matrix");
    let total: u64 = matrix
        .iter()
        .flat_map(|r| r.as_array().into_iter().flatten())
        .filter_map(Value::as_u64)
        .sum();
    assert_eq!(total, 1);
}
