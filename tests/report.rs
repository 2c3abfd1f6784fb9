//! `claimlink report`: the HTML file is self-contained and escapes everything, and in a
//! real browser (Debian's chromium, headless) it loads without console messages, shows as
//! many entity marks and claim elements as the JSONL holds, and runs nothing from the
//! data. `scripts/test.sh` installs chromium (`scripts/chromium.sh`) and passes its path
//! in `CLAIMLINK_TEST_CHROMIUM`; without it the browser tests fail saying so, never skip.

mod feed;
mod util;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use util::*;

/// Article text that would run script or add elements if it were ever parsed as markup.
const PAYLOAD: &str = "Acme said \"<script>document.title='pwned'</script>\" and </script> \
<img src=x onerror=\"document.title='pwned'\"> --> <!-- <b id=\"injected\">bold</b> \
<svg onload=\"document.body.setAttribute('data-pwned','1')\"></svg> \u{2028} end.";

/// A hand-made record over `PAYLOAD`: one entity, one claim, payloads in every name.
fn payload_record() -> Value {
    let chars: Vec<char> = PAYLOAD.chars().collect();
    let find = |needle: &str| -> (usize, usize) {
        let byte = PAYLOAD.find(needle).expect("needle in payload");
        let start = PAYLOAD[..byte].chars().count();
        (start, start + needle.chars().count())
    };
    let text = |(s, e): (usize, usize)| chars[s..e].iter().collect::<String>();
    let acme = find("Acme");
    let quote = find("<script>document.title='pwned'</script>");
    let said = find("said");
    let evil = "<img src=x onerror=\"document.title='pwned'\"></script>";
    json!({
        "id": "payload <b id=\"injected\">",
        "schema": "claimlink/1",
        "title": "</script><script>document.title='pwned'</script>",
        "text": PAYLOAD,
        "entities": [
            {"text": text(acme), "label": "ORG", "start": acme.0, "end": acme.1, "score": 0.9, "company": evil}
        ],
        "claims": [{
            "id": "c-payload",
            "kind": "direct",
            "quote": {"text": text(quote), "start": quote.0, "end": quote.1},
            "speaker": {"name": evil, "mention": {"text": text(acme), "start": acme.0, "end": acme.1}},
            "cue": {"text": text(said), "start": said.0, "end": said.1},
            "source": {"name": "-->", "mention": null},
            "target": {"name": evil, "mention": null},
            "sentiment": {"label": "negative", "score": 0.9},
            "sentence": null
        }],
        "companies": [{"name": evil, "mentions": 1, "sentiment": {"label": "negative", "score": 0.8}}]
    })
}

/// The corpus output (with text) and the payload record, as a JSONL file in `dir`.
fn predictions(dir: &Path) -> (PathBuf, Vec<Value>) {
    let mut records = feed::records(true);
    records.push(payload_record());
    let text: String = records.iter().map(|r| format!("{r}\n")).collect();
    (feed::file(dir, "pred.jsonl", &text), records)
}

fn report(pred: &Path, extra: &[&str], out: &Path) -> String {
    let mut args = vec![
        "report",
        pred.to_str().expect("utf-8"),
        "-o",
        out.to_str().expect("utf-8"),
    ];
    args.extend_from_slice(extra);
    let output = claimlink(&args, None);
    assert_success(&output);
    std::fs::read_to_string(out).expect("report written")
}

/// The page without its embedded data.
fn markup_only(html: &str) -> String {
    let start = html
        .find("<script type=\"application/json\"")
        .expect("data element");
    let end = start + html[start..].find("</script>").expect("data element ends");
    format!("{}{}", &html[..start], &html[end..])
}

#[test]
fn the_report_is_self_contained_and_its_data_cannot_end_the_script_element() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pred = feed::file(dir.path(), "pred.jsonl", &format!("{}\n", payload_record()));
    let html = report(&pred, &[], &dir.path().join("r.html"));
    let markup = markup_only(&html);
    let tags = [
        "<img", "<link", "<iframe", "<object", "<embed", "<audio", "<video", "<source", "<a ",
    ];
    for external in tags.iter().chain(&["href=", "url(", "@import"]) {
        assert!(!markup.contains(external), "{external} in the page");
    }
    assert!(html.contains("Content-Security-Policy") && html.contains("default-src 'none'"));
    // Exactly the data element and the page's own script.
    assert_eq!(html.matches("<script").count(), 2);
    assert_eq!(html.matches("</script>").count(), 2);
    assert!(!html.contains("<img") && !html.contains("<!--") && !html.contains("-->"));
    assert!(!html.contains('\u{2028}'));
    // The overview escapes the names it shows.
    assert!(
        markup.contains("&lt;img src=x onerror=&quot;"),
        "escaped speaker name"
    );
}

#[test]
fn a_record_that_is_not_claimlink_output_is_an_error_naming_the_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pred = feed::file(
        dir.path(),
        "pred.jsonl",
        &format!("{}\n{{\"id\": 3}}\n", payload_record()),
    );
    let out = dir.path().join("r.html");
    let output = claimlink(
        &[
            "report",
            pred.to_str().expect("utf-8"),
            "-o",
            out.to_str().expect("utf-8"),
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("pred.jsonl:2:"));
    assert!(!out.exists());
}

fn chromium() -> PathBuf {
    let path = std::env::var("CLAIMLINK_TEST_CHROMIUM").unwrap_or_else(|_| {
        panic!(
            "CLAIMLINK_TEST_CHROMIUM is not set: these tests need a headless chromium. Run \
             ./scripts/test.sh (it installs Debian's chromium with scripts/chromium.sh when \
             missing), or export CLAIMLINK_TEST_CHROMIUM=$(scripts/chromium.sh)"
        )
    });
    PathBuf::from(path)
}

/// Chromium headless on `page` with `mode` (`--dump-dom` or `--screenshot=FILE`): stdout
/// and stderr.
fn browse(page: &Path, mode: &str) -> (String, String) {
    let profile = tempfile::tempdir().expect("profile dir");
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1280,2000",
            mode,
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let started = Instant::now();
    while child.try_wait().expect("chromium status").is_none() {
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let output = child.wait_with_output().expect("chromium output");
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Console lines the page produced: the page itself logs nothing, so any is a failure
/// (an uncaught exception, console.error, a refused Content-Security-Policy load).
fn console_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught") || l.contains("console.error"))
        .collect()
}

/// The DOM with every `="..."` attribute value emptied.
fn blank_attribute_values(dom: &str) -> String {
    let mut out = String::with_capacity(dom.len());
    let mut rest = dom;
    while let Some(at) = rest.find("=\"") {
        out.push_str(&rest[..at + 2]);
        rest = &rest[at + 2..];
        let end = rest.find('"').unwrap_or(rest.len());
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn count(records: &[Value], part: &str) -> usize {
    records
        .iter()
        .map(|r| r[part].as_array().map_or(0, Vec::len))
        .sum()
}

#[test]
fn in_chromium_the_marks_match_the_jsonl_and_nothing_from_the_data_runs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (pred, records) = predictions(dir.path());
    let page = dir.path().join("report.html");
    report(&pred, &[], &page);
    let (dom, stderr) = browse(&page, "--dump-dom");
    assert!(
        dom.contains("id=\"article-list\""),
        "no DOM dumped: {stderr}"
    );
    assert!(
        console_lines(&stderr).is_empty(),
        "{:?}",
        console_lines(&stderr)
    );
    // Every article is on the first page, so every mark is in the DOM.
    assert!(records.len() <= 20);
    assert_eq!(
        dom.matches(" data-label=\"").count(),
        count(&records, "entities")
    );
    assert_eq!(
        dom.matches(" data-claim-id=\"").count(),
        count(&records, "claims")
    );
    assert!(count(&records, "claims") > 10);
    // Nothing from the data became an element or ran (attribute values, where the
    // serialiser leaves `<` as is, are blanked first).
    let elements = blank_attribute_values(&dom);
    assert!(
        dom.contains("<title>claimlink report</title>"),
        "the title changed"
    );
    assert!(!dom.contains("pwned</title>"));
    assert_eq!(
        elements.matches("<script").count(),
        2,
        "a script element from the data"
    );
    for injected in ["<img", "<svg onload", "data-pwned="] {
        assert!(!elements.contains(injected), "{injected} in the DOM");
    }
    // As an element; as text it is `&lt;b id=...`, in an attribute `&quot;injected&quot;`.
    assert!(!dom.contains("<b id=\"injected\""));
    // ... and shows as text.
    assert!(dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"));
    assert!(dom.contains("&lt;img src=x onerror="));
    assert!(dom.contains("--&gt; &lt;!-- &lt;b id=\"injected\"&gt;"));
    // A screenshot for a person to look at.
    let shot = project().join("target/report-screenshot.png");
    let _ = std::fs::remove_file(&shot);
    let (_, stderr) = browse(&page, &format!("--screenshot={}", shot.display()));
    let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
    assert!(
        size > 10_000,
        "no screenshot at {}: {stderr}",
        shot.display()
    );
}

#[test]
fn in_chromium_gold_misses_and_false_positives_are_marked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let record = payload_record();
    let pred = feed::file(dir.path(), "pred.jsonl", &format!("{record}\n"));
    // The gold has the predicted entity and another one, no claim where the prediction
    // has one, and a claim the prediction misses.
    let gold = json!({
        "id": record["id"],
        "entities": [
            {"start": record["entities"][0]["start"], "end": record["entities"][0]["end"], "label": "ORG"},
            {"start": 0, "end": 2, "label": "PER"}
        ],
        "claims": [{"quote": {"start": 200, "end": 210}, "speaker": {"name": "Someone"}}]
    });
    let gold = feed::file(dir.path(), "gold.jsonl", &format!("{gold}\n"));
    let page = dir.path().join("report.html");
    let html = report(&pred, &["--gold", gold.to_str().expect("utf-8")], &page);
    assert!(html.contains("against the gold"));
    let (dom, stderr) = browse(&page, "--dump-dom");
    assert!(
        console_lines(&stderr).is_empty(),
        "{:?}",
        console_lines(&stderr)
    );
    assert_eq!(
        dom.matches(" data-gold-label=\"").count(),
        1,
        "the missed entity"
    );
    assert_eq!(
        dom.matches(" data-gold-claim=\"").count(),
        1,
        "the missed claim"
    );
    assert!(
        dom.contains("class=\"claim sent-negative fp\""),
        "the unmatched claim"
    );
    assert!(
        dom.contains("class=\"ent ent-ORG\""),
        "the right entity is not flagged"
    );
}

#[test]
fn texts_come_from_articles_when_the_records_have_none() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut record = payload_record();
    let text = record["text"].take();
    record.as_object_mut().expect("object").remove("text");
    let pred = feed::file(dir.path(), "pred.jsonl", &format!("{record}\n"));
    let page = dir.path().join("r.html");
    let without = report(&pred, &[], &page);
    // Only the text has the svg payload's attribute name.
    assert!(
        !without.contains("data-pwned"),
        "no text without --articles"
    );
    let input = json!({"id": record["id"], "text": text});
    let articles = feed::file(dir.path(), "in.jsonl", &format!("{input}\n"));
    let with = report(
        &pred,
        &["--articles", articles.to_str().expect("utf-8")],
        &page,
    );
    assert!(with.contains("data-pwned"), "the text from --articles");
    // ... JSON-escaped for the script element: `<` as \u003c.
    assert!(with.contains("\\u003csvg onload="));
}
