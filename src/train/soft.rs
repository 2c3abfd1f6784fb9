//! Soft labels (issue 31): a trained sentiment teacher's class log-probabilities for the
//! student's training windows and for organisations in unlabelled business paragraphs,
//! written once so that distilling the student is reproducible without the teacher.
//!
//! The file is JSONL. The first line, `{"soft_labels": {...}}`, says which teacher made it
//! and from what. Then one `{"key", "logp"}` per distinct window, training or unlabelled:
//! the key hashes the window's pieces and target marks, so a student that builds the same
//! windows from the same data finds its rows, and no text is copied.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::Digest;

use crate::digest::sha256_file;
use crate::error::{Error, Result};
use crate::eval::business::{gold_texts, organisation_mentions, Split};
use crate::io::write::part_path;
use crate::model::mpnet::SentimentTeacher;
use crate::model::window::Window;
use crate::model::wordpiece::WordPiecer;
use crate::train::sentiment::{marking_for, prepare, read_data, SentimentTrainJob};

pub struct SoftLabelJob {
    /// A teacher folder `train sentiment --teacher` wrote.
    pub teacher: PathBuf,
    /// The training data as the teacher's own run read it (its recorded configuration).
    pub data: SentimentTrainJob,
    /// Unlabelled mentions (`scripts/unlabelled-orgs.py`), their texts under the data folder.
    pub unlabelled: Option<(PathBuf, PathBuf)>,
    pub out: PathBuf,
}

/// What `soft_labels` wrote.
pub struct SoftLabelSummary {
    pub windows: usize,
    pub unlabelled: usize,
}

/// The key of a window: its pieces and target marks, hashed.
pub fn window_key(window: &Window) -> String {
    let mut hasher = sha2::Sha256::new();
    for id in window
        .ids
        .iter()
        .chain([-1i64].iter())
        .chain(window.types.iter())
    {
        hasher.update(id.to_le_bytes());
    }
    format!("{:x}", hasher.finalize())[..20].to_string()
}

fn logp(probs: [f32; 3]) -> Vec<f64> {
    probs
        .iter()
        .map(|&p| (f64::from(p.max(1e-12)).ln() * 1e4).round() / 1e4)
        .collect()
}

pub fn soft_labels(job: &SoftLabelJob) -> Result<SoftLabelSummary> {
    let mut teacher = SentimentTeacher::load(&job.teacher)?;
    teacher.temperature = 1.0;
    let pieces = WordPiecer::from_dir(&job.data.base)?;
    let marking = marking_for(&pieces, &job.data.config)?;
    let (train, _) = read_data(&job.data, marking)?;
    let mut seen = HashSet::new();
    let mut owned: Vec<(Window, String)> = Vec::new();
    for window in train.windows {
        let key = window_key(&window);
        if seen.insert(key.clone()) {
            owned.push((window, key));
        }
    }
    let windows = owned.len();
    let mut unlabelled = 0;
    if let Some((file, data)) = &job.unlabelled {
        let docs = gold_texts(file, data, Split::All)?;
        let mentions = prepare(&organisation_mentions(&docs)?, marking);
        for window in &mentions.windows {
            let key = window_key(window);
            if seen.insert(key.clone()) {
                owned.push((window.clone(), key));
                unlabelled += 1;
            }
        }
    }
    eprintln!("soft labels: {windows} distinct training windows, {unlabelled} unlabelled mentions");
    let all: Vec<&Window> = owned.iter().map(|(w, _)| w).collect();
    let probs = teacher.predict(&all)?;
    let tmp = part_path(&job.out);
    let file = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
    let mut out = std::io::BufWriter::new(file);
    let header = serde_json::json!({"soft_labels": {
        "teacher": job.teacher.display().to_string(),
        "teacher model.safetensors sha256": sha256_file(&job.teacher.join("model.safetensors"))?,
        "teacher config": job.data.config,
        "unlabelled": job.unlabelled.as_ref().map(|(f, _)| f.display().to_string()),
        "unlabelled sha256": match &job.unlabelled {
            Some((f, _)) => Some(sha256_file(f)?),
            None => None,
        },
        "logp": "natural log of the teacher's class probabilities at temperature 1, in the order negative, neutral, positive",
    }});
    let mut lines = vec![header];
    for ((_, key), p) in owned.iter().zip(&probs) {
        lines.push(serde_json::json!({"key": key, "logp": logp(*p)}));
    }
    for line in lines {
        writeln!(out, "{line}").map_err(|e| Error::io(&tmp, e))?;
    }
    out.flush().map_err(|e| Error::io(&tmp, e))?;
    drop(out);
    std::fs::rename(&tmp, &job.out).map_err(|e| Error::io(&job.out, e))?;
    Ok(SoftLabelSummary {
        windows,
        unlabelled,
    })
}

/// The teacher's recorded training configuration (`training.json`).
pub fn teacher_config(teacher: &Path) -> Result<crate::train::sentiment::SentimentTrainConfig> {
    let path = teacher.join("training.json");
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let record: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Error::model(teacher, format!("training.json is not valid JSON: {e}")))?;
    serde_json::from_value(record["config"].clone()).map_err(|e| {
        Error::model(
            teacher,
            format!("training.json has no sentiment config: {e}"),
        )
    })
}

/// The rows of a soft-label file: window key → teacher log-probabilities.
pub fn read_soft_labels(path: &Path) -> Result<HashMap<String, [f32; 3]>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let mut rows = HashMap::new();
    for (n, line) in text.lines().enumerate() {
        let fail = |message: &str| Error::Data {
            path: path.to_path_buf(),
            line: n + 1,
            message: message.to_string(),
        };
        let value: serde_json::Value =
            serde_json::from_str(line).map_err(|e| fail(&format!("not JSON: {e}")))?;
        if n == 0 {
            if value.get("soft_labels").is_none() {
                return Err(fail(
                    "the first line must be the {\"soft_labels\": ...} header",
                ));
            }
            continue;
        }
        let key = value["key"]
            .as_str()
            .ok_or_else(|| fail("no \"key\" string"))?;
        let logp: Vec<f32> = (value["logp"].as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_f64())
                    .map(|v| v as f32)
                    .collect()
            })
            .unwrap_or_default();
        let [a, b, c] = logp[..] else {
            return Err(fail("\"logp\" must be three numbers"));
        };
        rows.insert(key.to_string(), [a, b, c]);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(ids: &[i64], types: &[i64]) -> Window {
        Window {
            ids: ids.to_vec(),
            casing: vec![0; ids.len()],
            types: types.to_vec(),
            firsts: Vec::new(),
            words: Vec::new(),
        }
    }

    #[test]
    fn a_window_key_depends_on_its_pieces_and_its_target() {
        let a = window(&[101, 7, 8, 102], &[0, 1, 0, 0]);
        let b = window(&[101, 7, 8, 102], &[0, 0, 1, 0]);
        assert_eq!(window_key(&a), window_key(&a.clone()));
        assert_ne!(window_key(&a), window_key(&b));
        assert_eq!(window_key(&a).len(), 20);
    }

    #[test]
    fn soft_label_files_need_their_header_and_three_numbers() {
        let dir = std::env::temp_dir().join(format!("claimlink-soft-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("folder");
        let path = dir.join("soft.jsonl");
        let good = "{\"soft_labels\": {}}\n{\"key\": \"k\", \"logp\": [-0.1, -2.5, -3]}\n";
        std::fs::write(&path, good).expect("writes");
        let rows = read_soft_labels(&path).expect("reads");
        assert_eq!(rows["k"], [-0.1, -2.5, -3.0]);
        std::fs::write(&path, "{\"key\": \"k\", \"logp\": [0, 0, 0]}\n").expect("writes");
        assert!(read_soft_labels(&path).is_err(), "no header");
        let short = "{\"soft_labels\": {}}\n{\"key\": \"k\", \"logp\": [0, 0]}\n";
        std::fs::write(&path, short).expect("writes");
        let message = read_soft_labels(&path)
            .expect_err("two numbers")
            .to_string();
        assert!(
            message.contains("three numbers") && message.contains(":2"),
            "{message}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
