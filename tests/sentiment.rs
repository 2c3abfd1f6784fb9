//! Sentiment toward companies, end to end through the real binary: contrast sentences with
//! opposite sentiment toward two companies, hand-made business articles with known
//! per-company sentiment, per-mention sentiment, and `eval sentiment` on SEntFiN's format.
//! All texts are our own (tests/fixtures), none from a data set.

mod util;

use util::{assert_success, claimlink, project, stdout_lines};

/// Code point range of the first occurrence of `name` in `text`.
fn at(text: &str, name: &str) -> (usize, usize) {
    let byte = text.find(name).expect("name in text");
    let start = text[..byte].chars().count();
    (start, start + name.chars().count())
}

#[test]
#[ignore = "issue 14: the current sentiment model gets 17 of these 24 targets right (\"Y missed\" read as neutral); a better model must pass it"]
fn contrast_sentences_get_each_companys_own_sentiment() {
    let fixture = project().join("tests/fixtures/contrast-sentences.jsonl");
    let cases: Vec<serde_json::Value> = std::fs::read_to_string(fixture)
        .expect("fixture")
        .lines()
        .map(|l| serde_json::from_str(l).expect("fixture JSON"))
        .collect();
    let mut input = String::new();
    let mut expected = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let text = case["text"].as_str().expect("text");
        let expect = case["expect"].as_object().expect("expect");
        let targets: Vec<serde_json::Value> = expect
            .keys()
            .map(|name| {
                let (start, end) = at(text, name);
                serde_json::json!({"start": start, "end": end})
            })
            .collect();
        let line = serde_json::json!({"id": format!("c{i}"), "text": text, "targets": targets});
        input += &format!("{line}\n");
        expected.push(expect.clone());
    }
    let output = claimlink(&["run", "--quiet"], Some(input.as_bytes()));
    assert_success(&output);
    let records = stdout_lines(&output);
    assert_eq!(records.len(), cases.len());
    let mut wrong = Vec::new();
    for ((record, expect), case) in records.iter().zip(&expected).zip(&cases) {
        let targets = record["targets"].as_array().expect("targets");
        for (target, (name, label)) in targets.iter().zip(expect) {
            assert_eq!(target["text"], name.as_str());
            if target["sentiment"]["label"] != *label {
                wrong.push(format!(
                    "{name}: {} (expected {label}) in {:?}",
                    target["sentiment"], case["text"]
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Each company's aggregate label in the record of `file` (tests/fixtures/business).
fn company_sentiment(file: &str, extra: &[&str]) -> Vec<(String, String, serde_json::Value)> {
    let path = project().join("tests/fixtures/business").join(file);
    let mut args = vec!["run", "--quiet", path.to_str().expect("utf-8")];
    args.extend(extra);
    let output = claimlink(&args, None);
    assert_success(&output);
    let record = stdout_lines(&output).remove(0);
    record["companies"]
        .as_array()
        .expect("companies")
        .iter()
        .map(|c| {
            (
                c["name"].as_str().expect("name").to_string(),
                c["sentiment"]["label"]
                    .as_str()
                    .unwrap_or("none")
                    .to_string(),
                c["sentiment_counts"].clone(),
            )
        })
        .collect()
}

fn assert_companies(file: &str, expected: &[(&str, &str)]) {
    let companies = company_sentiment(file, &[]);
    for (name, label) in expected {
        let found = companies.iter().find(|c| c.0 == *name);
        let (_, got, counts) = found.unwrap_or_else(|| panic!("{name} in {companies:?}"));
        assert_eq!(got, label, "{name} in {file}: {counts}");
        let n: u64 = ["negative", "neutral", "positive"]
            .iter()
            .map(|k| counts[*k].as_u64().expect("count"))
            .sum();
        assert!(n >= 1, "{name}: counts {counts}");
    }
}

#[test]
fn business_article_on_chipmakers_gets_each_companys_sentiment() {
    assert_companies(
        "chipmakers.txt",
        &[
            ("Nvidia", "positive"),
            ("Intel", "negative"),
            ("Qualcomm", "neutral"),
        ],
    );
}

#[test]
fn business_article_on_aircraft_makers_gets_each_companys_sentiment() {
    assert_companies(
        "aircraft.txt",
        &[
            ("Boeing", "negative"),
            ("Airbus", "positive"),
            ("Siemens", "neutral"),
        ],
    );
}

/// Companies the knowledge base does not list get aggregates too when the article shows
/// them to be companies (a legal form, their shares); a short name counts for the full one.
#[test]
fn business_article_on_unlisted_companies_gets_each_companys_sentiment() {
    assert_companies(
        "unlisted.txt",
        &[
            ("Zenmart Holdings Ltd", "positive"),
            ("Orbita Corp", "negative"),
            ("Lumo Foods Inc", "neutral"),
        ],
    );
    let path = project().join("tests/fixtures/business/unlisted.txt");
    let output = claimlink(&["run", "--quiet", path.to_str().expect("utf-8")], None);
    assert_success(&output);
    let record = &stdout_lines(&output)[0];
    let zenmart: Vec<&str> = (record["entities"].as_array().expect("entities").iter())
        .filter(|e| e["company"] == "Zenmart Holdings Ltd")
        .map(|e| e["text"].as_str().expect("text"))
        .collect();
    assert_eq!(zenmart, ["Zenmart Holdings Ltd", "Zenmart"]);
    for company in record["companies"].as_array().expect("companies") {
        assert!(
            company.get("id").is_none(),
            "not in the knowledge base: {company}"
        );
    }
}

#[test]
fn mention_sentiment_is_on_company_mentions_only_and_matches_the_counts() {
    let path = project().join("tests/fixtures/business/chipmakers.txt");
    let path = path.to_str().expect("utf-8");
    let plain = claimlink(&["run", "--quiet", path], None);
    let with = claimlink(&["run", "--quiet", "--mention-sentiment", path], None);
    assert_success(&plain);
    assert_success(&with);
    let (plain, with) = (&stdout_lines(&plain)[0], &stdout_lines(&with)[0]);
    let entities = with["entities"].as_array().expect("entities");
    assert!(plain["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .all(|e| e.get("sentiment").is_none()));
    // The flag adds mention sentiment and changes nothing else.
    assert_eq!(plain["companies"], with["companies"]);
    assert_eq!(plain["claims"], with["claims"]);
    for e in entities {
        assert_eq!(
            e.get("sentiment").is_some(),
            e["company"].is_string(),
            "sentiment exactly on company mentions: {e}"
        );
    }
    // Every named Intel mention is in Intel's counts (descriptors may add more).
    let intel: Vec<&str> = entities
        .iter()
        .filter(|e| e["company"] == "Intel")
        .map(|e| e["sentiment"]["label"].as_str().expect("label"))
        .collect();
    let company = with["companies"]
        .as_array()
        .expect("companies")
        .iter()
        .find(|c| c["name"] == "Intel")
        .expect("Intel");
    for label in ["negative", "neutral", "positive"] {
        let named = intel.iter().filter(|l| **l == label).count() as u64;
        assert!(company["sentiment_counts"][label].as_u64().expect("count") >= named);
    }
    assert!(intel.len() >= 3, "{intel:?}");
    assert!(
        intel.iter().filter(|l| **l == "negative").count() >= 2,
        "{intel:?}"
    );
    // The aggregate says what it rests on: as many answers as it counted, at least one
    // per named mention.
    let basis = &company["sentiment_basis"];
    let answers = ["negative", "neutral", "positive"]
        .iter()
        .map(|k| company["sentiment_counts"][*k].as_u64().expect("count"))
        .sum::<u64>();
    let (mentions, claims) = (basis["mentions"].as_u64(), basis["claims"].as_u64());
    assert_eq!(
        mentions.zip(claims).map(|(m, c)| m + c),
        Some(answers),
        "{company}"
    );
    assert!(mentions >= Some(intel.len() as u64), "{company}");
}

#[test]
fn eval_sentiment_reads_sentfin_headlines() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gold = dir.path().join("headlines.jsonl");
    std::fs::write(
        &gold,
        "{\"id\": 1, \"title\": \"Infosys profit jumps 20%, beats estimates\", \"entities\": [{\"text\": \"Infosys\", \"sentiment\": \"positive\"}]}\n\
         {\"id\": 2, \"title\": \"Wipro shares slump after weak guidance; TCS to announce results on Friday\", \"entities\": [{\"text\": \"Wipro\", \"sentiment\": \"negative\"}, {\"text\": \"TCS\", \"sentiment\": \"neutral\"}]}\n",
    )
    .expect("write");
    let output = claimlink(
        &["eval", "sentiment", "--gold", gold.to_str().expect("utf-8")],
        None,
    );
    assert_success(&output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("SEntFiN"), "{stdout}");
    assert!(stdout.contains("ECE"), "{stdout}");
    let accuracy: f64 = stdout
        .lines()
        .find_map(|l| l.strip_prefix("accuracy"))
        .and_then(|rest| rest.split_whitespace().next())
        .expect("an accuracy line")
        .parse()
        .expect("number");
    assert!(accuracy > 0.6, "{stdout}");
}

#[test]
fn eval_sentiment_on_an_empty_gold_file_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in [
        ("empty.jsonl", ""),
        (
            "no-targets.jsonl",
            "{\"title\": \"Markets calm\", \"entities\": []}\n",
        ),
        (
            "no-newsmtsc-targets.jsonl",
            "{\"sentence_normalized\": \"Calm.\", \"targets\": []}\n",
        ),
    ] {
        let gold = dir.path().join(name);
        std::fs::write(&gold, text).expect("write");
        let output = claimlink(
            &["eval", "sentiment", "--gold", gold.to_str().expect("utf-8")],
            None,
        );
        assert_eq!(output.status.code(), Some(2), "{name}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(name), "{stderr}");
        assert!(output.stdout.is_empty(), "no scores printed for {name}");
    }
}
