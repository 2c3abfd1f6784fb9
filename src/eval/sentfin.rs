//! SEntFiN 1.0 files (financial news headlines): one headline per line,
//! `{"id", "title", "entities": [{"text", "sentiment"}]}`, sentiment `negative`, `neutral` or
//! `positive` toward that entity string.
//!
//! Entities are strings, not spans. Each is placed at its first occurrence that starts and
//! ends at word boundaries ("Jet" in "Jet, SpiceJet shares soar" is the first word, not the
//! end of "SpiceJet"); when it only occurs inside a word ("Sebi" in "Sebis reading"), at its
//! first occurrence, which marks the whole word. One occurrence, not all: at run time the
//! model sees one marked mention at a time, so training marks one too.

use std::path::Path;

use crate::error::Result;
use crate::eval::newsmtsc::{read_examples, TargetExample};
use crate::model::sentiment::LABELS;

pub(crate) fn read_sentfin(path: &Path) -> Result<Vec<TargetExample>> {
    read_examples(path, |value, fail| {
        let title = value["title"]
            .as_str()
            .ok_or_else(|| fail("no \"title\" string".into()))?;
        let entities = value["entities"]
            .as_array()
            .ok_or_else(|| fail("no \"entities\" array".into()))?;
        let chars: Vec<char> = title.chars().collect();
        entities
            .iter()
            .map(|entity| {
                let (Some(name), Some(sentiment)) =
                    (entity["text"].as_str(), entity["sentiment"].as_str())
                else {
                    return Err(fail("an entity lacks \"text\" or \"sentiment\"".into()));
                };
                let label = LABELS.iter().position(|l| *l == sentiment).ok_or_else(|| {
                    fail(format!(
                        "sentiment {sentiment:?} is not negative, neutral or positive"
                    ))
                })?;
                let target = locate(&chars, name)
                    .ok_or_else(|| fail(format!("entity {name:?} does not occur in the title")))?;
                Ok(TargetExample {
                    sentence: title.to_string(),
                    target,
                    label,
                })
            })
            .collect()
    })
}

/// Code point range of `needle` in `chars`: the first occurrence at word boundaries, else
/// the first occurrence; None when it does not occur (or is empty).
pub fn locate(chars: &[char], needle: &str) -> Option<(usize, usize)> {
    let needle: Vec<char> = needle.chars().collect();
    if needle.is_empty() || needle.len() > chars.len() {
        return None;
    }
    let starts: Vec<usize> = (0..=chars.len() - needle.len())
        .filter(|&s| chars[s..s + needle.len()] == needle[..])
        .collect();
    let bounded = |&&s: &&usize| {
        let end = s + needle.len();
        (s == 0 || !chars[s - 1].is_alphanumeric())
            && (end == chars.len() || !chars[end].is_alphanumeric())
    };
    let start = *starts.iter().find(bounded).or(starts.first())?;
    Some((start, start + needle.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn a_word_bounded_occurrence_wins_over_an_earlier_one_inside_a_word() {
        assert_eq!(
            locate(&chars("SpiceJet and Jet rise"), "Jet"),
            Some((13, 16))
        );
        assert_eq!(locate(&chars("Jet, SpiceJet rise"), "Jet"), Some((0, 3)));
        assert_eq!(locate(&chars("Sebis view"), "Sebi"), Some((0, 4)));
        assert_eq!(locate(&chars("Tata Steel"), "Infosys"), None);
        assert_eq!(locate(&chars("ab"), ""), None);
        // Code points, not bytes.
        assert_eq!(locate(&chars("€ rises: Zoë gains"), "Zoë"), Some((9, 12)));
    }

    #[test]
    fn reads_each_entity_as_a_target() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("s.jsonl");
        std::fs::write(
            &path,
            "{\"id\": 1, \"title\": \"Infosys gains, Wipro slips\", \"entities\": \
             [{\"text\": \"Infosys\", \"sentiment\": \"positive\"}, \
              {\"text\": \"Wipro\", \"sentiment\": \"negative\"}]}\n\n",
        )
        .expect("write");
        let examples = read_sentfin(&path).expect("reads");
        assert_eq!(examples.len(), 2);
        assert_eq!((examples[0].target, examples[0].label), ((0, 7), 2));
        assert_eq!((examples[1].target, examples[1].label), ((15, 20), 0));
    }

    #[test]
    fn an_entity_missing_from_its_title_is_an_error_with_the_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("s.jsonl");
        std::fs::write(
            &path,
            "{\"title\": \"Infosys gains\", \"entities\": [{\"text\": \"TCS\", \"sentiment\": \"neutral\"}]}\n",
        )
        .expect("write");
        let error = read_sentfin(&path).expect_err("TCS is not there");
        assert!(error.to_string().contains("s.jsonl:1:"), "{error}");
    }
}
