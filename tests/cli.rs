//! End-to-end tests: the real binary, the committed models, the bundled corpus.

mod util;

use util::*;

#[test]
fn corpus_run_has_one_valid_record_per_article_with_exact_offsets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("corpus.jsonl");
    let output = claimlink(
        &[
            "run",
            "corpus",
            "-o",
            out.to_str().expect("utf-8 path"),
            "--quiet",
        ],
        None,
    );
    assert_success(&output);
    let records = read_lines(&out);
    let texts = corpus_texts();
    assert_eq!(records.len(), texts.len());
    let mut checked = 0;
    for record in &records {
        assert_eq!(record["schema"], "claimlink/1");
        let id = record["id"].as_str().expect("id");
        let text = &texts[id];
        let mut found = Vec::new();
        spans(record, &mut found);
        for (span_text, start, end) in found {
            assert!(start < end, "{id}: empty span {start}..{end}");
            assert_eq!(
                slice(text, start, end),
                span_text,
                "{id}: span {start}..{end}"
            );
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} spans checked");
}

#[test]
fn seed_article_lists_its_companies_with_correct_offsets() {
    let path = corpus().join("microsoft-openai-briefing.txt");
    let output = claimlink(&["run", path.to_str().expect("utf-8"), "--quiet"], None);
    assert_success(&output);
    let records = stdout_lines(&output);
    assert_eq!(records.len(), 1);
    let text = std::fs::read_to_string(&path).expect("seed");
    let entities = records[0]["entities"].as_array().expect("entities");
    let names: Vec<&str> = entities
        .iter()
        .map(|e| e["text"].as_str().expect("text"))
        .collect();
    for expected in [
        "Microsoft",
        "OpenAI",
        "Azure",
        "The Information",
        "Touchcast",
        "Snap",
        "Instacart",
        "Google Cloud",
        "Amazon Web Services",
    ] {
        let entity = entities
            .iter()
            .find(|e| e["text"] == expected)
            .unwrap_or_else(|| panic!("{expected} missing; found {names:?}"));
        let (s, e) = (
            entity["start"].as_u64().expect("start"),
            entity["end"].as_u64().expect("end"),
        );
        assert_eq!(slice(&text, s, e), expected);
    }
}

#[test]
fn bad_lines_become_error_records_in_place_and_the_run_goes_on() {
    let mut input = Vec::new();
    input.extend_from_slice(b"{\"id\": \"a\", \"text\": \"Apple hired Tim Cook in Cupertino.\"}\n");
    input.extend_from_slice(b"{not json}\n");
    input.extend_from_slice(b"{\"id\": \"c\"}\n");
    input.extend_from_slice(b"{\"id\": \"d\", \"text\": 42}\n");
    input.extend_from_slice(b"{\"id\": \"e\", \"text\": \"caf\xe9\"}\n");
    input.extend_from_slice(b"\n");
    input.extend_from_slice(b"{\"id\": 7, \"text\": \"Siemens AG is based in Munich.\"}\n");
    let output = claimlink(&["run", "-", "--quiet"], Some(&input));
    assert_eq!(output.status.code(), Some(1), "per-line errors exit 1");
    let lines = stdout_lines(&output);
    assert_eq!(lines.len(), 7, "one output line per input line");
    let kinds: Vec<Option<&str>> = lines.iter().map(|l| l["error"]["kind"].as_str()).collect();
    assert_eq!(
        kinds,
        vec![
            None,
            Some("invalid_json"),
            Some("missing_field"),
            Some("invalid_field"),
            Some("invalid_utf8"),
            Some("empty_line"),
            None
        ]
    );
    for (n, line) in lines.iter().enumerate() {
        if line.get("error").is_some() {
            assert_eq!(line["error"]["line"].as_u64(), Some(n as u64 + 1));
        }
    }
    assert_eq!(lines[0]["id"], "a");
    assert_eq!(lines[2]["id"], "c");
    assert_eq!(lines[6]["id"], "7");
    assert!(!lines[6]["entities"]
        .as_array()
        .expect("entities")
        .is_empty());
}

#[test]
fn output_file_is_never_an_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in.jsonl");
    let original = "{\"id\": \"x\", \"text\": \"IBM said so.\"}\n";
    std::fs::write(&input, original).expect("write");
    let path = input.to_str().expect("utf-8");
    let output = claimlink(&["run", path, "-o", path], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("also an input"));
    assert_eq!(std::fs::read_to_string(&input).expect("read"), original);
}

#[test]
fn missing_input_is_a_usage_error_that_says_what_to_give() {
    let output = claimlink(&["run", "no/such/file.jsonl"], None);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no/such/file.jsonl") && stderr.contains("does not exist"),
        "{stderr}"
    );
}

#[test]
fn markdown_offsets_point_into_the_original_text() {
    let text = "- **Siemens** said, per [Reuters](https://x.y), that *Berlin* agreed.";
    let line = serde_json::json!({"id": "md", "text": text}).to_string() + "\n";
    let output = claimlink(&["run", "--quiet"], Some(line.as_bytes()));
    assert!(output.status.success());
    let record = &stdout_lines(&output)[0];
    let entities = record["entities"].as_array().expect("entities");
    assert!(!entities.is_empty());
    for e in entities {
        let (s, t) = (
            e["start"].as_u64().expect("s"),
            e["end"].as_u64().expect("e"),
        );
        assert_eq!(slice(text, s, t), e["text"].as_str().expect("text"));
    }
    assert!(entities.iter().any(|e| e["text"] == "Reuters"));
}

#[test]
fn eval_ner_scores_a_conll_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gold = dir.path().join("gold.conll");
    std::fs::write(
        &gold,
        "-DOCSTART- -X- -X- O\n\nAngela NNP B-NP I-PER\nMerkel NNP I-NP I-PER\nvisited VBD B-VP O\nParis NNP B-NP I-LOC\n. . O O\n\nSiemens NNP B-NP I-ORG\nrose VBD B-VP O\n. . O O\n",
    )
    .expect("write");
    let output = claimlink(
        &["eval", "ner", "--gold", gold.to_str().expect("utf-8")],
        None,
    );
    assert_success(&output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let overall = stdout
        .lines()
        .find(|l| l.starts_with("overall"))
        .expect("overall row");
    let f1: f64 = overall
        .split_whitespace()
        .nth(3)
        .expect("F1")
        .parse()
        .expect("number");
    assert!(f1 > 0.5, "F1 {f1} on three easy entities\n{stdout}");
}

#[test]
fn models_command_lists_the_ner_model() {
    let output = claimlink(&["models"], None);
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("ner") && stdout.contains("dev F1"),
        "{stdout}"
    );
}

#[test]
fn resume_after_sigkill_gives_the_same_file_as_an_uninterrupted_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("many.jsonl");
    let mut lines = String::new();
    for i in 0..400 {
        let text = format!(
            "Siemens AG said on day {i} that Berlin and Paris would \"agree soon,\" per Reuters."
        );
        lines += &serde_json::json!({"id": format!("a{i}"), "text": text}).to_string();
        lines.push('\n');
    }
    std::fs::write(&input, lines).expect("write");
    let input = input.to_str().expect("utf-8").to_string();
    let whole = dir.path().join("whole.jsonl");
    let args = |out: &std::path::Path| {
        vec![
            "run".to_string(),
            input.clone(),
            "-o".into(),
            out.to_str().expect("utf-8").into(),
            "--batch-articles".into(),
            "1".into(),
            "--quiet".into(),
        ]
    };
    assert!(claimlink(&args(&whole), None).status.success());

    let cut = dir.path().join("cut.jsonl");
    let part = dir.path().join("cut.jsonl.part");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_claimlink"))
        .args(args(&cut))
        .current_dir(project())
        .spawn()
        .expect("start");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        let written = std::fs::read_to_string(&part)
            .map(|t| t.lines().count())
            .unwrap_or(0);
        if written >= 20 || std::time::Instant::now() > deadline {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    assert!(
        !cut.exists(),
        "an interrupted run never leaves the final file"
    );
    let kept = std::fs::read_to_string(&part)
        .expect("part file")
        .lines()
        .count();
    assert!(kept < 400, "killed before the end ({kept} lines)");

    let mut resumed = args(&cut);
    resumed.push("--resume".into());
    assert!(claimlink(&resumed, None).status.success());
    assert_eq!(
        std::fs::read(&cut).expect("resumed output"),
        std::fs::read(&whole).expect("whole output")
    );
}

#[test]
fn seed_claims_match_their_gold_labels() {
    let gold: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            project().join("tests/fixtures/microsoft-openai-briefing.gold.json"),
        )
        .expect("gold"),
    )
    .expect("gold JSON");
    let path = corpus().join("microsoft-openai-briefing.txt");
    // In both number formats: f32 is the default, bf16 an opt-in.
    for precision in ["f32", "bf16"] {
        let output = claimlink(
            &[
                "run",
                path.to_str().expect("utf-8"),
                "--quiet",
                "--precision",
                precision,
            ],
            None,
        );
        assert!(output.status.success());
        let record = &stdout_lines(&output)[0];
        assert_seed_claims(record, &gold, precision);
    }
}

fn assert_seed_claims(record: &serde_json::Value, gold: &serde_json::Value, precision: &str) {
    let claims = record["claims"].as_array().expect("claims");
    let gold_claims = gold["claims"].as_array().expect("gold claims");
    assert_eq!(claims.len(), gold_claims.len(), "{precision}: {claims:#?}");
    for (claim, want) in claims.iter().zip(gold_claims) {
        assert_eq!(claim["quote"]["start"], want["quote"]["start"]);
        assert_eq!(claim["quote"]["end"], want["quote"]["end"]);
        assert_eq!(claim["speaker"]["name"], want["speaker"]["canonical"]);
        assert_eq!(claim["target"]["name"], want["target"]["canonical"]);
        assert_eq!(claim["source"]["name"], want["source"]["canonical"]);
        assert_eq!(claim["cue"]["start"], want["cue"]["start"]);
        assert_eq!(
            claim["sentiment"]["label"], want["sentiment"],
            "{precision}: {}",
            claim["quote"]["text"]
        );
    }
}

#[test]
fn an_unknown_precision_is_a_usage_error() {
    let output = claimlink(&["run", "--precision", "f8"], Some(b""));
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("f32, bf16"), "{stderr}");
}

#[test]
fn eval_record_scores_the_seed() {
    let gold = project().join("tests/fixtures/microsoft-openai-briefing.gold.json");
    let output = claimlink(
        &["eval", "record", "--gold", gold.to_str().expect("utf-8")],
        None,
    );
    assert_success(&output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("claim quotes (exact)") && stdout.contains("speaker"),
        "{stdout}"
    );
}

#[test]
fn input_targets_get_their_own_sentiment_in_input_order() {
    let text = "Investors praised Nvidia for its strong results but blamed Intel for years of mismanagement.";
    let at = |name: &str| {
        let byte = text.find(name).expect("name in text");
        let start = text[..byte].chars().count();
        serde_json::json!({"start": start, "end": start + name.chars().count()})
    };
    let line =
        serde_json::json!({"id": "two", "text": text, "targets": [at("Intel"), at("Nvidia")]});
    let output = claimlink(
        &["run", "--quiet"],
        Some((line.to_string() + "\n").as_bytes()),
    );
    assert_success(&output);
    let record = &stdout_lines(&output)[0];
    let targets = record["targets"].as_array().expect("targets");
    assert_eq!(targets[0]["text"], "Intel");
    assert_eq!(targets[1]["text"], "Nvidia");
    assert_eq!(targets[0]["sentiment"]["label"], "negative");
    assert_eq!(targets[1]["sentiment"]["label"], "positive");
    for t in targets {
        let score = t["sentiment"]["score"].as_f64().expect("score");
        assert!((0.0..=1.0).contains(&score));
    }
}

#[test]
fn targets_outside_the_text_are_an_error_line() {
    let line = r#"{"id": "bad", "text": "IBM", "targets": [{"start": 0, "end": 40}]}"#;
    let output = claimlink(&["run", "--quiet"], Some(format!("{line}\n").as_bytes()));
    assert_eq!(output.status.code(), Some(1));
    let record = &stdout_lines(&output)[0];
    assert_eq!(record["error"]["kind"], "invalid_field");
    assert!(record["error"]["message"]
        .as_str()
        .expect("message")
        .contains("targets[0]"));
}

#[test]
fn output_is_byte_identical_whatever_the_threads_and_batching() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = |name: &str, extra: &[&str]| {
        let out = dir.path().join(name);
        let mut args = vec![
            "run",
            "corpus",
            "--quiet",
            "-o",
            out.to_str().expect("utf-8"),
        ];
        args.extend_from_slice(extra);
        assert!(claimlink(&args, None).status.success());
        std::fs::read(&out).expect("output")
    };
    // bf16 too: every bf16 multiply has one row count and every window its own padded
    // length, so a window's numbers never depend on its batch-mates (model::fast).
    for precision in ["f32", "bf16"] {
        let reference = run(
            &format!("{precision}-a.jsonl"),
            &[
                "--precision",
                precision,
                "--threads",
                "1",
                "--batch-articles",
                "1",
            ],
        );
        let batched = run(
            &format!("{precision}-b.jsonl"),
            &[
                "--precision",
                precision,
                "--threads",
                "2",
                "--batch-articles",
                "3",
                "--batch-tokens",
                "300",
            ],
        );
        assert!(reference == batched, "{precision}: output differs");
    }
}

/// Claims of one JSONL article: (kind, quote, speaker name) per claim.
fn claims_of(text: &str) -> Vec<(String, String, Option<String>)> {
    let line = serde_json::json!({"id": "t", "text": text}).to_string();
    let output = claimlink(&["run", "--quiet"], Some(line.as_bytes()));
    assert_success(&output);
    let records = stdout_lines(&output);
    records[0]["claims"]
        .as_array()
        .expect("claims")
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().expect("kind").to_string(),
                c["quote"]["text"].as_str().expect("quote").to_string(),
                c["speaker"]["name"].as_str().map(str::to_string),
            )
        })
        .collect()
}

#[test]
fn reported_speech_becomes_an_indirect_claim_with_its_speaker() {
    let claims = claims_of(
        "The city council met on Tuesday. Mayor Karen Bass said the city would cut \
         property taxes by five percent next year.",
    );
    let indirect: Vec<_> = claims.iter().filter(|c| c.0 == "indirect").collect();
    assert_eq!(indirect.len(), 1, "{claims:?}");
    assert!(
        indirect[0]
            .1
            .starts_with("the city would cut property taxes"),
        "{claims:?}"
    );
    assert_eq!(indirect[0].2.as_deref(), Some("Karen Bass"), "{claims:?}");
}

#[test]
fn direct_and_indirect_claims_are_told_apart() {
    let claims = claims_of(
        "Acme Corp said on Monday that its sales had doubled in the third quarter. \
         \"We have never seen demand like this,\" chief executive Jane Smith told Reuters.",
    );
    let kinds: Vec<&str> = claims.iter().map(|c| c.0.as_str()).collect();
    assert!(
        kinds.contains(&"direct") && kinds.contains(&"indirect"),
        "{claims:?}"
    );
    let direct = claims.iter().find(|c| c.0 == "direct").expect("direct");
    assert_eq!(direct.1, "We have never seen demand like this");
    assert_eq!(direct.2.as_deref(), Some("Jane Smith"));
}

#[test]
fn descriptors_refer_back_to_the_company_named_before() {
    let claims = claims_of(
        "OpenAI met Microsoft executives on Monday. \"Our models are the best in the \
         world by a wide margin,\" the startup said in a statement.",
    );
    let direct = claims
        .iter()
        .find(|c| c.0 == "direct")
        .expect("a direct claim");
    assert_eq!(direct.2.as_deref(), Some("OpenAI"), "{claims:?}");
}

#[test]
fn entities_are_the_same_with_and_without_the_attribution_head() {
    // The head reads the NER encoder's inner layer: one encoder pass, NER unchanged.
    let models = tempfile::tempdir().expect("tempdir");
    for name in ["ner", "sentiment", "companies.json"] {
        let from = project().join("models").join(name);
        std::os::unix::fs::symlink(&from, models.path().join(name)).expect("symlink");
    }
    let path = corpus().join("microsoft-openai-briefing.txt");
    let entities = |models: &std::path::Path| {
        let output = claimlink(
            &[
                "run",
                path.to_str().expect("utf-8"),
                "--quiet",
                "--models",
                models.to_str().expect("utf-8"),
            ],
            None,
        );
        assert_success(&output);
        stdout_lines(&output)[0]["entities"].clone()
    };
    assert!(project().join("models/attribution/config.json").is_file());
    let with_head = entities(&project().join("models"));
    let without = entities(models.path());
    assert_eq!(with_head, without);
    assert!(with_head.as_array().is_some_and(|e| e.len() > 20));
}

#[test]
fn bench_prints_the_stage_table_against_the_matmul_bound() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("bench.jsonl");
    let output = claimlink(
        &[
            "bench",
            "corpus",
            "-o",
            out.to_str().expect("utf-8"),
            "--matmul-seconds",
            "0.2",
        ],
        None,
    );
    assert_success(&output);
    let table = String::from_utf8_lossy(&output.stdout);
    for expected in [
        "matmul bound",
        "words/s",
        "peak RSS",
        "ner+attribution",
        "sentiment",
        "of bound",
    ] {
        assert!(table.contains(expected), "{expected} missing:\n{table}");
    }
    assert_eq!(read_lines(&out).len(), corpus_texts().len());
}

#[test]
fn a_run_on_list_of_hundreds_of_companies_costs_short_windows_and_loses_none() {
    // A flattened price table: 300 firms in one 1,500-word sentence. Each mention still
    // gets its own sentiment, in a window sized to the list, not a full one per name.
    let dir = tempfile::tempdir().expect("tempdir");
    let table: Vec<String> = (0..300)
        .map(|i| format!("Norv{i}x Corp {}.{} up {}%", 10 + i, i % 10, i % 7))
        .collect();
    let input = dir.path().join("table.jsonl");
    let line = serde_json::json!({"id": "table", "text": table.join(" ")});
    std::fs::write(&input, format!("{line}\n")).expect("input");
    let out = dir.path().join("out.jsonl");
    let output = claimlink(
        &[
            "bench",
            input.to_str().expect("utf-8"),
            "-o",
            out.to_str().expect("utf-8"),
            "--threads",
            "1",
            "--matmul-seconds",
            "0.2",
        ],
        None,
    );
    assert_success(&output);
    let record = &read_lines(&out)[0];
    let companies = record["companies"].as_array().expect("companies");
    assert!(companies.len() >= 290, "{} companies", companies.len());
    assert!(companies.iter().all(|c| c["sentiment"].is_object()));
    let table = String::from_utf8_lossy(&output.stdout);
    let pieces: usize = (table.lines())
        .find_map(|l| l.strip_prefix("sentiment "))
        .and_then(|row| row.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or_else(|| panic!("no sentiment row:\n{table}"));
    // A full window would be about 160 pieces per mention.
    assert!(
        pieces <= 64 * companies.len(),
        "{pieces} sentiment pieces for {} companies",
        companies.len()
    );
}

/// A data folder holding a two-document CoNLL file, and the text of its document 1 as
/// `eval business` rebuilds it (tokens joined by spaces, one line per sentence).
fn business_data(dir: &std::path::Path) -> String {
    let conll = "-DOCSTART- -X- O O\n\nMarkets O O O\nopen O O O\n. O O O\n\n\
                 -DOCSTART- -X- O O\n\n\" O O O\nSales O O O\nwill O O O\nrise O O O\n, O O O\n\
                 \" O O O\nsaid O O O\nAnn O O B-PER\nLee O O I-PER\n, O O O\nan O O O\n\
                 analyst O O O\nat O O O\nContoso O O B-ORG\n. O O O\n";
    std::fs::create_dir_all(dir.join("conll2003")).expect("data dir");
    std::fs::write(dir.join("conll2003/train.txt"), conll).expect("conll");
    "\" Sales will rise , \" said Ann Lee , an analyst at Contoso .\n".to_string()
}

fn business_gold(dir: &std::path::Path, sha: &str) -> std::path::PathBuf {
    let line = serde_json::json!({
        "doc": 1, "file": "conll2003/train.txt", "text_sha256": sha,
        "claims": [{"quote": {"start": 2, "end": 19}, "speaker": {"start": 27, "end": 34},
                    "title": {"start": 40, "end": 47},
                    "affiliation": {"name": "Contoso", "mention": {"start": 51, "end": 58}},
                    "target": null, "cue": {"start": 22, "end": 26}, "shape": "apposition"}]
    });
    let path = dir.join("gold.jsonl");
    std::fs::write(&path, format!("{line}\n")).expect("gold");
    path
}

fn eval_business(gold: &std::path::Path, data: &std::path::Path) -> std::process::Output {
    claimlink(
        &[
            "eval",
            "business",
            "--gold",
            gold.to_str().expect("utf-8"),
            "--data",
            data.to_str().expect("utf-8"),
        ],
        None,
    )
}

#[test]
fn eval_business_scores_a_hand_made_document_rebuilt_from_the_data_folder() {
    use sha2::Digest;
    let dir = tempfile::tempdir().expect("tempdir");
    let text = business_data(dir.path());
    let sha = format!("{:x}", sha2::Sha256::digest(text.as_bytes()));
    let output = eval_business(&business_gold(dir.path(), &sha), dir.path());
    assert_success(&output);
    let table = String::from_utf8_lossy(&output.stdout);
    let row = table
        .lines()
        .find(|l| l.starts_with("quote overlap"))
        .expect("quote row");
    let counts: Vec<&str> = row.split_whitespace().rev().take(3).collect();
    // fn, fp, tp: the one quote is found where the gold puts it.
    assert_eq!(counts, ["0", "0", "1"], "{table}");
    assert!(table.contains("affiliation accuracy"), "{table}");
}

#[test]
fn eval_business_refuses_a_changed_text_naming_the_doc() {
    let dir = tempfile::tempdir().expect("tempdir");
    business_data(dir.path());
    let output = eval_business(&business_gold(dir.path(), &"0".repeat(64)), dir.path());
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("doc 1") && stderr.contains("text_sha256"),
        "{stderr}"
    );
}

#[test]
fn eval_business_refuses_an_empty_gold_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    business_data(dir.path());
    let gold = dir.path().join("empty.jsonl");
    std::fs::write(&gold, "").expect("gold");
    let output = eval_business(&gold, dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no documents"));
}

/// A JSONL data file of one article and a gold line for it by id, in split `split`.
fn business_by_id(dir: &std::path::Path, split: &str) -> std::path::PathBuf {
    use sha2::Digest;
    let text = "\"Sales will rise,\" said Ann Lee, an analyst at Contoso.";
    std::fs::create_dir_all(dir.join("news")).expect("data dir");
    let article = serde_json::json!({"id": "n-1", "title": "t", "text": text});
    std::fs::write(dir.join("news/articles.jsonl"), format!("{article}\n")).expect("data");
    let line = serde_json::json!({
        "id": "n-1", "file": "news/articles.jsonl",
        "text_sha256": format!("{:x}", sha2::Sha256::digest(text.as_bytes())),
        "split": split,
        "claims": [{"quote": {"start": 1, "end": 17}, "speaker": {"start": 24, "end": 31},
                    "title": {"start": 36, "end": 43},
                    "affiliation": {"name": "Contoso", "mention": {"start": 47, "end": 54}},
                    "target": null, "cue": {"start": 19, "end": 23}, "shape": "apposition"}],
        "organisations": [{"paragraph": {"start": 0, "end": 55}, "name": "Contoso",
                           "mention": {"start": 47, "end": 54}, "kind": "company",
                           "sentiment": "neutral"}]
    });
    let path = dir.join("gold-by-id.jsonl");
    std::fs::write(&path, format!("{line}\n")).expect("gold");
    path
}

#[test]
fn eval_business_reads_articles_by_id_and_scores_one_split() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gold = business_by_id(dir.path(), "train");
    let args = |split: &str| {
        vec![
            "eval".to_string(),
            "business".into(),
            "--gold".into(),
            gold.to_str().expect("utf-8").into(),
            "--data".into(),
            dir.path().to_str().expect("utf-8").into(),
            "--split".into(),
            split.into(),
        ]
    };
    let output = claimlink(&args("train"), None);
    assert_success(&output);
    let table = String::from_utf8_lossy(&output.stdout);
    assert!(table.contains("split train, 1 documents"), "{table}");
    let row = (table.lines())
        .find(|l| l.starts_with("quote overlap"))
        .expect("quote row");
    let counts: Vec<&str> = row.split_whitespace().rev().take(3).collect();
    assert_eq!(counts, ["0", "0", "1"], "{table}");
    // The default split is dev, which this gold does not have.
    let output = claimlink(&args("dev"), None);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no documents in split dev"), "{stderr}");
}

/// One article's record, run with `--companies FILE` when a knowledge base is given.
fn record_with_companies(text: &str, companies: Option<&std::path::Path>) -> serde_json::Value {
    let line = serde_json::json!({"id": "t", "text": text}).to_string();
    let mut args = vec!["run".to_string(), "--quiet".to_string()];
    if let Some(file) = companies {
        args.push("--companies".into());
        args.push(file.to_str().expect("utf-8").into());
    }
    let output = claimlink(&args, Some(line.as_bytes()));
    assert_success(&output);
    stdout_lines(&output).remove(0)
}

const GLOBEX: &str = "Globex Corporation met analysts on Monday. \"Demand has never been \
                      this strong,\" the outfit said in a statement.";

/// A knowledge base of one company, Globex, with these generic descriptor heads.
fn globex_kb(dir: &std::path::Path, generic: Option<&[&str]>) -> std::path::PathBuf {
    let mut kb = serde_json::json!({"companies": [
        {"name": "Globex", "kind": "company", "aliases": ["Globex Corporation"]}
    ]});
    if let Some(heads) = generic {
        kb["generic_descriptors"] = serde_json::json!(heads);
    }
    let path = dir.join("kb.json");
    std::fs::write(&path, kb.to_string()).expect("write kb");
    path
}

fn entity_company(record: &serde_json::Value) -> Option<String> {
    let entity = &record["entities"][0];
    assert_eq!(entity["text"], "Globex Corporation", "{record}");
    entity["company"].as_str().map(str::to_string)
}

fn speaker(record: &serde_json::Value) -> Option<String> {
    record["claims"][0]["speaker"]["name"]
        .as_str()
        .map(str::to_string)
}

#[test]
fn a_companies_file_replaces_the_bundled_knowledge_base_with_its_generic_descriptors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let kb = globex_kb(dir.path(), Some(&["outfit"]));
    let custom = record_with_companies(GLOBEX, Some(&kb));
    assert_eq!(
        entity_company(&custom).as_deref(),
        Some("Globex"),
        "{custom}"
    );
    // "the outfit" refers back through the file's own generic head.
    assert_eq!(speaker(&custom).as_deref(), Some("Globex"), "{custom}");
    assert_eq!(custom["companies"][0]["name"], "Globex", "{custom}");
    // The bundled knowledge base knows neither Globex nor "outfit": the name is only the
    // article's own unlisted company ("Corporation"), without a knowledge-base id.
    let bundled = record_with_companies(GLOBEX, None);
    assert_eq!(
        entity_company(&bundled).as_deref(),
        Some("Globex Corporation"),
        "{bundled}"
    );
    assert!(bundled["companies"][0].get("id").is_none(), "{bundled}");
    assert_ne!(speaker(&bundled).as_deref(), Some("Globex"), "{bundled}");
}

#[test]
fn a_companies_file_without_generic_descriptors_loads_and_has_none() {
    let dir = tempfile::tempdir().expect("tempdir");
    let kb = globex_kb(dir.path(), None);
    let record = record_with_companies(GLOBEX, Some(&kb));
    assert_eq!(
        entity_company(&record).as_deref(),
        Some("Globex"),
        "{record}"
    );
    assert_ne!(speaker(&record).as_deref(), Some("Globex"), "{record}");
    let company = GLOBEX.replace("the outfit", "the company");
    let record = record_with_companies(&company, Some(&kb));
    assert_ne!(speaker(&record).as_deref(), Some("Globex"), "{record}");
}

#[test]
fn a_malformed_or_missing_companies_file_is_a_usage_error_that_says_what_to_do() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"companies": [{"name": "Globex"}]}"#).expect("write");
    let missing = dir.path().join("missing.json");
    let input = br#"{"id": "a", "text": "Globex said so."}"#;
    for (file, says) in [(&bad, "not a companies file"), (&missing, "cannot read")] {
        let file = file.to_str().expect("utf-8");
        for command in ["run", "bench"] {
            let mut args = vec![command, "--companies", file];
            if command == "bench" {
                args.push("corpus");
            }
            let output = claimlink(&args, Some(input));
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{command}: {stderr}");
            assert!(output.stdout.is_empty(), "{command}");
            assert!(
                stderr.contains(file) && stderr.contains(says) && stderr.contains("--companies"),
                "{command}: {stderr}"
            );
            assert!(!stderr.contains("scripts/setup.sh"), "{stderr}");
        }
    }
}

#[test]
fn train_target_fits_the_same_ranker_twice_and_never_replaces_the_committed_one_unasked() {
    use sha2::Digest;
    let dir = tempfile::tempdir().expect("tempdir");
    let text = business_data(dir.path());
    let sha = format!("{:x}", sha2::Sha256::digest(text.as_bytes()));
    let gold = business_gold(dir.path(), &sha);
    let (gold, data) = (
        gold.to_str().expect("utf-8"),
        dir.path().to_str().expect("utf-8"),
    );
    let train = |out: &str| {
        let out = dir.path().join(out);
        let output = claimlink(
            &[
                "train",
                "target",
                "--gold",
                gold,
                "--split",
                "dev",
                "--dev",
                gold,
                "--data",
                data,
                "--steps",
                "200",
                "--out",
                out.to_str().expect("utf-8"),
            ],
            None,
        );
        assert_success(&output);
        out
    };
    let (first, second) = (train("a"), train("b"));
    let weights = std::fs::read(first.join("ranker.json")).expect("ranker.json");
    assert_eq!(
        weights,
        std::fs::read(second.join("ranker.json")).expect("again")
    );
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(first.join("training.json")).expect("record"))
            .expect("json");
    assert!(record["command"]
        .as_str()
        .is_some_and(|c| c.contains("--steps 200")));
    assert_eq!(record["data"]["train"]["examples"], 1, "{record}");
    let gold_sha = format!(
        "{:x}",
        sha2::Sha256::digest(std::fs::read(gold).expect("gold"))
    );
    assert_eq!(record["data"]["train"]["sha256"], gold_sha.as_str());
    // Without --out the committed models/target is the default, kept unless --force.
    let refused = claimlink(&["train", "target", "--data", data], None);
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--force"));
}
