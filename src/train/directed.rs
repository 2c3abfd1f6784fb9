//! Extra sentiment training data from the directed-sentiment set (Park et al. 2021): a
//! sentence with two `[bracketed]` entities and who feels what about whom. Only the polar
//! labels say something about one entity as a target ("positive 1→2" makes entity 2 the
//! target of positive sentiment); the neutral label says only that neither entity feels
//! anything about the other, not that the sentence is neutral toward them, so it is left out.

use std::path::Path;

use crate::error::{Error, Result};
use crate::eval::newsmtsc::TargetExample;

/// Polar examples as (sentence without brackets, receiving entity, label index into
/// `model::sentiment::LABELS`). Lines whose receiver cannot be placed are counted in the
/// second return value.
pub(crate) fn read_directed(path: &Path) -> Result<(Vec<TargetExample>, usize)> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let (mut out, mut unplaced) = (Vec::new(), 0);
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let [sentence, first, second, label] = fields[..] else {
            return Err(Error::Data {
                path: path.to_path_buf(),
                line: n + 1,
                message: format!("expected 4 tab-separated fields, found {}", fields.len()),
            });
        };
        // (receiver, label): 1 and 3 point at entity 2, 2 and 4 at entity 1.
        let (receiver, label) = match label.trim() {
            "0" => continue,
            "1" => (second, 2),
            "2" => (first, 2),
            "3" => (second, 0),
            "4" => (first, 0),
            other => {
                return Err(Error::Data {
                    path: path.to_path_buf(),
                    line: n + 1,
                    message: format!("label {other:?} is not 0-4"),
                })
            }
        };
        match place(sentence, receiver) {
            Some((sentence, target)) => out.push(TargetExample {
                sentence,
                target,
                label,
            }),
            None => unplaced += 1,
        }
    }
    Ok((out, unplaced))
}

/// Drops the brackets and returns the code point range of the one bracketed span whose text
/// is `entity`; None when no bracketed span or both of them match it.
fn place(sentence: &str, entity: &str) -> Option<(String, (usize, usize))> {
    let (mut plain, mut spans, mut open) = (String::new(), Vec::new(), None);
    let mut count = 0;
    for c in sentence.chars() {
        match c {
            '[' => open = Some(count),
            ']' => {
                if let Some(start) = open.take() {
                    spans.push((start, count));
                }
            }
            _ => {
                plain.push(c);
                count += 1;
            }
        }
    }
    let chars: Vec<char> = plain.chars().collect();
    let mut matching = spans
        .into_iter()
        .filter(|&(s, e)| chars[s..e].iter().collect::<String>() == entity.trim());
    match (matching.next(), matching.next()) {
        (Some(span), None) if span.0 < span.1 => Some((plain, span)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receiver_of_polar_sentiment_becomes_the_target() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("d.txt");
        std::fs::write(
            &path,
            "[Trump] attacked [Clinton]s record.\tTrump\tClinton\t3\n\
             [Obama] met [Putin].\tObama\tPutin\t0\n\
             [Sanders] was praised by [Warren].\tSanders\tWarren\t2\n",
        )
        .expect("write");
        let (examples, unplaced) = read_directed(&path).expect("reads");
        assert_eq!(unplaced, 0);
        assert_eq!(examples.len(), 2, "the neutral line is left out");
        assert_eq!(examples[0].sentence, "Trump attacked Clintons record.");
        assert_eq!(examples[0].target, (15, 22));
        assert_eq!(examples[0].label, 0);
        assert_eq!(examples[1].target, (0, 7));
        assert_eq!(examples[1].label, 2);
    }

    #[test]
    fn bad_lines_are_reported_with_their_number() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("d.txt");
        std::fs::write(&path, "[A] and [B]\tA\tB\n").expect("write");
        let error = read_directed(&path).expect_err("three fields");
        assert!(error.to_string().contains("d.txt:1:"), "{error}");
    }
}
