//! Nothing lost, whatever the input or the machine: outputs that are not regular files,
//! inputs that must never be touched, resumes that must match their input, unreadable,
//! looping, oversized, compressed and oddly named inputs, and refusals that say why.
//! Every input is hand-made in a temp folder.

mod util;

use std::path::Path;

use util::*;

const ARTICLE: &str = r#"{"id":"a","text":"Apple hired Tim Cook in Cupertino."}"#;

fn write(path: &Path, content: &[u8]) {
    std::fs::write(path, content).expect("write test input");
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

#[test]
fn output_to_a_fifo_is_written_into_the_fifo() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(&dir.path().join("in.jsonl"), ARTICLE.as_bytes());
    let fifo = dir.path().join("fifo");
    let c = std::ffi::CString::new(fifo.to_str().expect("utf-8")).expect("path");
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).expect("read fifo"))
    };
    let output = run_in(dir.path(), &["run", "in.jsonl", "-o", "fifo", "--quiet"]);
    assert_success(&output);
    let got = reader.join().expect("reader");
    assert_eq!(got.lines().count(), 1, "the reader got the record: {got}");
    let kind = std::fs::symlink_metadata(&fifo).expect("fifo").file_type();
    assert!(std::os::unix::fs::FileTypeExt::is_fifo(&kind));
    assert!(!dir.path().join("fifo.part").exists());
}

#[test]
fn output_to_a_character_device_leaves_the_device_in_place() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().expect("tempdir");
    write(&dir.path().join("in.jsonl"), ARTICLE.as_bytes());
    let device = if is_root() {
        // A null device of our own, so the test never touches the real /dev/null.
        let path = dir.path().join("null");
        let c = std::ffi::CString::new(path.to_str().expect("utf-8")).expect("path");
        // SAFETY: a valid path; makedev(1, 3) is the null device.
        let made = unsafe { libc::mknod(c.as_ptr(), libc::S_IFCHR | 0o666, libc::makedev(1, 3)) };
        assert_eq!(made, 0, "mknod");
        path
    } else {
        std::path::PathBuf::from("/dev/null")
    };
    let output = run_in(
        dir.path(),
        &[
            "run",
            "in.jsonl",
            "-o",
            device.to_str().expect("utf-8"),
            "--quiet",
        ],
    );
    assert_success(&output);
    let kind = std::fs::symlink_metadata(&device)
        .expect("device")
        .file_type();
    assert!(kind.is_char_device(), "{} was replaced", device.display());
}

#[test]
fn output_through_a_link_writes_the_target_and_keeps_the_link() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(&dir.path().join("in.jsonl"), ARTICLE.as_bytes());
    std::fs::create_dir(dir.path().join("real")).expect("mkdir");
    write(&dir.path().join("real/out.jsonl"), b"old\n");
    std::os::unix::fs::symlink("real/out.jsonl", dir.path().join("link.jsonl")).expect("link");
    let output = run_in(
        dir.path(),
        &["run", "in.jsonl", "-o", "link.jsonl", "--quiet"],
    );
    assert_success(&output);
    let link = std::fs::symlink_metadata(dir.path().join("link.jsonl")).expect("link");
    assert!(link.file_type().is_symlink());
    let records = read_lines(&dir.path().join("real/out.jsonl"));
    assert_eq!(records[0]["id"], "a");
}

#[test]
fn an_input_named_like_the_part_file_is_refused_and_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(&dir.path().join("x.part"), ARTICLE.as_bytes());
    let output = run_in(dir.path(), &["run", "x.part", "-o", "x", "--quiet"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("x.part is an input"));
    let kept = std::fs::read_to_string(dir.path().join("x.part")).expect("input kept");
    assert_eq!(kept, ARTICLE);
    assert!(!dir.path().join("x").exists());
}

#[test]
fn output_onto_a_folder_is_refused_without_leaving_a_part_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(&dir.path().join("in.jsonl"), ARTICLE.as_bytes());
    std::fs::create_dir(dir.path().join("out")).expect("mkdir");
    let output = run_in(dir.path(), &["run", "in.jsonl", "-o", "out", "--quiet"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("is a folder"),
        "{}",
        stderr(&output)
    );
    assert!(!dir.path().join("out.part").exists());
}

#[test]
fn resume_refuses_a_part_file_left_by_another_input_and_leaves_it_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        &dir.path().join("in.jsonl"),
        b"{\"id\":\"a\",\"text\":\"Apple rose.\"}\n{\"id\":\"b\",\"text\":\"IBM fell.\"}\n",
    );
    for (left, line) in [
        (
            "{\"id\":\"other\",\"schema\":\"claimlink/1\",\"entities\":[]}\n",
            "line 1",
        ),
        (
            "{\"id\":\"a\",\"schema\":\"claimlink/1\",\"entities\":[]}\nnot a record\n",
            "line 2",
        ),
    ] {
        write(&dir.path().join("out.jsonl.part"), left.as_bytes());
        let output = run_in(
            dir.path(),
            &["run", "in.jsonl", "-o", "out.jsonl", "--resume", "--quiet"],
        );
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(stderr(&output).contains(line), "{}", stderr(&output));
        let part = std::fs::read_to_string(dir.path().join("out.jsonl.part")).expect("part");
        assert_eq!(part, left, ".part must be left as it was");
    }
}

#[test]
fn resume_keeps_matching_lines_and_annotates_the_rest() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        &dir.path().join("in.jsonl"),
        b"{\"id\":\"a\",\"text\":\"Apple rose.\"}\n{\"id\":\"b\",\"text\":\"IBM fell.\"}\n",
    );
    let kept = "{\"id\":\"a\",\"schema\":\"claimlink/1\",\"entities\":[],\"claims\":[],\"companies\":[]}\n";
    write(&dir.path().join("out.jsonl.part"), kept.as_bytes());
    let output = run_in(
        dir.path(),
        &["run", "in.jsonl", "-o", "out.jsonl", "--resume", "--quiet"],
    );
    assert_success(&output);
    let text = std::fs::read_to_string(dir.path().join("out.jsonl")).expect("out");
    assert!(text.starts_with(kept), "the kept line stays as it was");
    let records = read_lines(&dir.path().join("out.jsonl"));
    assert_eq!(records.len(), 2);
    assert_eq!(records[1]["id"], "b");
    assert!(!records[1]["entities"]
        .as_array()
        .expect("entities")
        .is_empty());
}

#[test]
fn an_unreadable_file_in_a_folder_is_one_error_line_and_the_others_are_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).expect("mkdir");
    write(&docs.join("a.txt"), b"Apple hired Tim Cook.");
    std::os::unix::fs::symlink("missing.txt", docs.join("b.txt")).expect("dangling link");
    write(&docs.join("c.txt"), b"IBM is in Armonk.");
    let output = run_in(dir.path(), &["run", "docs", "--quiet"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let lines = stdout_lines(&output);
    let ids: Vec<&str> = lines
        .iter()
        .map(|l| l["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, ["a", "b", "c"]);
    assert_eq!(lines[1]["error"]["kind"], "unreadable");
    assert!(lines[1]["error"]["message"]
        .as_str()
        .expect("message")
        .contains("b.txt"));
    assert!(lines[2]["error"].is_null());
}

#[test]
fn a_link_cycle_is_walked_once_and_said() {
    let dir = tempfile::tempdir().expect("tempdir");
    let docs = dir.path().join("docs");
    std::fs::create_dir_all(docs.join("sub")).expect("mkdir");
    write(&docs.join("sub/a.txt"), b"Apple hired Tim Cook.");
    std::os::unix::fs::symlink("..", docs.join("sub/up")).expect("cycle");
    std::os::unix::fs::symlink("sub/a.txt", docs.join("same.txt")).expect("second path");
    let output = run_in(dir.path(), &["run", "docs", "--quiet"]);
    assert_success(&output);
    assert_eq!(stdout_lines(&output).len(), 1, "the file is read once");
    let said = stderr(&output);
    assert!(said.contains("cycle"), "{said}");
    assert!(said.contains("read once"), "{said}");
}

#[test]
fn an_oversized_line_or_file_is_a_too_large_error_and_the_run_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let big = format!(
        "{{\"id\":\"big\",\"text\":\"{}\"}}\n{ARTICLE}\n",
        "Apple rose. ".repeat(50)
    );
    write(&dir.path().join("in.jsonl"), big.as_bytes());
    write(
        &dir.path().join("long.txt"),
        "IBM fell. ".repeat(50).as_bytes(),
    );
    let output = run_in(
        dir.path(),
        &[
            "run",
            "in.jsonl",
            "long.txt",
            "--max-article-bytes",
            "300",
            "--quiet",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let lines = stdout_lines(&output);
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["error"]["kind"], "too_large");
    assert_eq!(
        lines[0]["id"], "big",
        "the id is found in the line's first bytes"
    );
    assert_eq!(lines[1]["id"], "a");
    assert!(lines[1]["error"].is_null());
    assert_eq!(lines[2]["error"]["kind"], "too_large");
    assert_eq!(lines[2]["id"], "long");
}

#[test]
fn a_byte_order_mark_is_skipped_in_jsonl_and_text_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        &dir.path().join("in.jsonl"),
        format!("\u{feff}{ARTICLE}\n").as_bytes(),
    );
    let text = "Apple hired Tim Cook.";
    write(
        &dir.path().join("b.txt"),
        format!("\u{feff}{text}").as_bytes(),
    );
    let output = run_in(dir.path(), &["run", "in.jsonl", "b.txt", "--quiet"]);
    assert_success(&output);
    let lines = stdout_lines(&output);
    assert_eq!(lines[0]["id"], "a");
    let apple = &lines[1]["entities"][0];
    assert_eq!(apple["text"], "Apple");
    assert_eq!(
        apple["start"], 0,
        "text file offsets count from after the mark"
    );
}

#[test]
fn compressed_inputs_are_read_by_their_magic_bytes() {
    use std::io::Write;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(format!("{ARTICLE}\n").as_bytes())
        .expect("gzip");
    write(&dir.path().join("in.jsonl.gz"), &gz.finish().expect("gzip"));
    let zst = ruzstd::encoding::compress_to_vec(
        format!("{ARTICLE}\n").as_bytes(),
        ruzstd::encoding::CompressionLevel::Fastest,
    );
    write(&dir.path().join("in.jsonl.zst"), &zst);
    let output = run_in(
        dir.path(),
        &["run", "in.jsonl.gz", "in.jsonl.zst", "--quiet"],
    );
    assert_success(&output);
    let lines = stdout_lines(&output);
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|l| l["id"] == "a" && l["error"].is_null()));
}

#[test]
fn zero_threads_is_a_usage_error() {
    let output = claimlink(&["run", "corpus", "--threads", "0"], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("at least 1"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn training_refuses_empty_data_zero_epochs_and_replacing_a_committed_model() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data/conll2003");
    std::fs::create_dir_all(&data).expect("mkdir");
    write(&data.join("train.txt"), b"");
    write(&data.join("valid.txt"), b"");
    std::fs::create_dir_all(dir.path().join("models/ner")).expect("mkdir");
    write(&dir.path().join("models/ner/config.json"), b"{}");
    let train = |extra: &[&str]| {
        let mut args = vec!["train", "ner", "--data", "data"];
        args.extend_from_slice(extra);
        run_in(dir.path(), &args)
    };
    let refused = train(&[]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr(&refused).contains("--force"), "{}", stderr(&refused));
    let zero = train(&["--out", "new", "--epochs", "0"]);
    assert_eq!(zero.status.code(), Some(2));
    assert!(stderr(&zero).contains("--epochs"), "{}", stderr(&zero));
    let empty = train(&["--out", "new"]);
    assert_eq!(empty.status.code(), Some(2));
    assert!(stderr(&empty).contains("no examples"), "{}", stderr(&empty));
    assert!(!dir.path().join("new").exists(), "no model written");
    let kept = std::fs::read_to_string(dir.path().join("models/ner/config.json"));
    assert_eq!(kept.expect("kept"), "{}");
}

#[test]
fn eval_on_an_empty_gold_file_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(&dir.path().join("empty.txt"), b"");
    let gold = dir.path().join("empty.txt");
    let output = claimlink(
        &["eval", "ner", "--gold", gold.to_str().expect("utf-8")],
        None,
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}

#[test]
fn a_write_failure_says_cannot_write_and_names_the_cause_once() {
    if !Path::new("/dev/full").exists() {
        panic!("this test needs /dev/full (every Linux has it)");
    }
    let output = claimlink(&["run", "corpus", "-o", "/dev/full", "--quiet"], None);
    assert_eq!(output.status.code(), Some(2));
    let said = stderr(&output);
    assert!(said.contains("cannot write /dev/full"), "{said}");
    assert_eq!(said.matches("os error 28").count(), 1, "{said}");
}

#[test]
fn folders_read_names_in_any_case_skip_hidden_files_and_keep_ids_unique() {
    let dir = tempfile::tempdir().expect("tempdir");
    let docs = dir.path().join("docs");
    for sub in ["one", "two", ".hidden"] {
        std::fs::create_dir_all(docs.join(sub)).expect("mkdir");
    }
    write(&docs.join("UPPER.TXT"), b"Apple hired Tim Cook.");
    write(&docs.join(".notes.txt"), b"hidden");
    write(&docs.join(".hidden/x.txt"), b"hidden");
    write(&docs.join("a.txt"), b"IBM rose.");
    write(&docs.join("a.md"), b"IBM fell.");
    write(&docs.join("one/n.txt"), b"Siemens rose.");
    write(&docs.join("two/n.txt"), b"Siemens fell.");
    write(
        &docs.join("page.HTML"),
        b"<p>Caf&eacute; Rouge opened.</p><script>var said = \"x\";</script>",
    );
    let output = run_in(dir.path(), &["run", "docs"]);
    assert_success(&output);
    let lines = stdout_lines(&output);
    let mut ids: Vec<&str> = lines
        .iter()
        .map(|l| l["id"].as_str().expect("id"))
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, ["UPPER", "a.md", "a.txt", "one/n", "page", "two/n"]);
    let page = lines.iter().find(|l| l["id"] == "page").expect("page");
    let texts: Vec<&str> = (page["entities"].as_array().expect("entities").iter())
        .map(|e| e["text"].as_str().expect("text"))
        .collect();
    assert!(
        texts.iter().all(|t| !t.contains('<')),
        "HTML is read as markup: {texts:?}"
    );
}

#[test]
fn duplicate_ids_are_counted_in_the_summary_line() {
    let input = format!("{ARTICLE}\n{ARTICLE}\n");
    let output = claimlink(&["run", "-"], Some(input.as_bytes()));
    assert_success(&output);
    assert_eq!(stdout_lines(&output).len(), 2);
    assert!(
        stderr(&output).contains("1 with an id already used"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn bench_without_an_output_leaves_no_files_behind() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = corpus();
    let output = run_in(
        dir.path(),
        &[
            "bench",
            corpus.to_str().expect("utf-8"),
            "--matmul-seconds",
            "0.1",
        ],
    );
    assert_success(&output);
    let left: Vec<_> = std::fs::read_dir(dir.path()).expect("list").collect();
    assert!(
        left.is_empty(),
        "bench wrote into its working folder: {left:?}"
    );
}
