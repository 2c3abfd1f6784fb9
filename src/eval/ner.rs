//! `claimlink eval ner`: runs the real pipeline on the text of a CoNLL file and scores its
//! entities conlleval-style (exact span and type, micro P/R/F1 and per type).
//!
//! Each gold sentence becomes a line of its document's text, its tokens joined by spaces;
//! the pipeline segments and tokenises that text itself, so the score includes its own
//! tokenisation errors.

use std::path::Path;
use std::time::Instant;

use crate::doc::Article;
use crate::error::{Error, Result};
use crate::eval::conll::{read_conll, ConllDocument};
use crate::eval::metrics::LabelledScores;
use crate::model::tags::TagSet;
use crate::pipeline::Pipeline;

pub struct NerEval {
    pub scores: LabelledScores,
    pub documents: usize,
    pub words: usize,
    pub seconds: f64,
}

impl NerEval {
    /// The metrics object of `eval ner --json`.
    pub fn to_json(&self, gold: &Path) -> serde_json::Value {
        serde_json::json!({
            "eval": "ner",
            "gold": gold.display().to_string(),
            "documents": self.documents,
            "words": self.words,
            "seconds": self.seconds,
            "entities": self.scores.to_json(),
        })
    }

    /// What `claimlink eval ner` prints for the CoNLL file `gold`: a heading line with the
    /// speed, then the entity table.
    pub fn report(&self, gold: &Path) -> String {
        format!(
            "eval ner: {} ({} documents, {} words, {:.1} s, {:.0} words/s)\n{}",
            gold.display(),
            self.documents,
            self.words,
            self.seconds,
            self.words as f64 / self.seconds.max(1e-9),
            self.scores.table("entity")
        )
    }
}

type Key = ((usize, usize, usize), String);

/// The document's text and its gold entities as `(doc, start, end)` code point keys.
/// `eval business` rebuilds its gold texts with it too, so both read the same text.
pub(crate) fn document_text(d: usize, doc: &ConllDocument, tags: &TagSet) -> (String, Vec<Key>) {
    let mut text = String::new();
    let mut gold = Vec::new();
    let mut offset = 0usize;
    for sentence in &doc.sentences {
        let mut starts = Vec::with_capacity(sentence.words.len());
        for (i, word) in sentence.words.iter().enumerate() {
            if i > 0 {
                text.push(' ');
                offset += 1;
            }
            starts.push(offset);
            text.push_str(word);
            offset += word.chars().count();
        }
        let path: Vec<usize> = sentence
            .labels
            .iter()
            .map(|l| tags.index(l).unwrap_or(0))
            .collect();
        for span in tags.spans(&path) {
            let end = starts[span.end - 1] + sentence.words[span.end - 1].chars().count();
            gold.push(((d, starts[span.start], end), tags.types[span.kind].clone()));
        }
        text.push('\n');
        offset += 1;
    }
    (text, gold)
}

pub fn eval_ner(pipeline: &Pipeline, gold_path: &Path) -> Result<NerEval> {
    let docs = read_conll(gold_path)?;
    if docs.is_empty() {
        return Err(Error::Invalid(format!(
            "{} holds no sentences: expected CoNLL `token ... TAG` lines",
            gold_path.display()
        )));
    }
    let tags = TagSet::conll();
    let started = Instant::now();
    let mut scores = LabelledScores::default();
    let mut words = 0;
    let prepared: Vec<(Article, Vec<Key>)> = docs
        .iter()
        .enumerate()
        .map(|(d, doc)| {
            let (text, gold) = document_text(d, doc, &tags);
            (Article::new(format!("doc-{d}"), text), gold)
        })
        .collect();
    for (c, chunk) in prepared.chunks(32).enumerate() {
        let articles: Vec<Article> = chunk.iter().map(|(a, _)| a.clone()).collect();
        let annotated = pipeline.annotate(&articles)?;
        for (i, (result, (_, gold))) in annotated.into_iter().zip(chunk).enumerate() {
            let d = c * 32 + i;
            let annotated = result.map_err(Error::Invalid)?;
            words += annotated.words;
            let predicted: Vec<Key> = annotated
                .record
                .entities
                .iter()
                .map(|e| ((d, e.start, e.end), e.label.as_str().to_string()))
                .collect();
            scores.add(gold, &predicted);
        }
    }
    Ok(NerEval {
        scores,
        documents: docs.len(),
        words,
        seconds: started.elapsed().as_secs_f64(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::conll::ConllSentence;

    #[test]
    fn gold_offsets_point_into_the_built_text() {
        let doc = ConllDocument {
            sentences: vec![
                ConllSentence {
                    words: vec!["Zoë".into(), "joined".into(), "Acme".into(), "Corp".into()],
                    labels: vec!["B-PER".into(), "O".into(), "B-ORG".into(), "I-ORG".into()],
                },
                ConllSentence {
                    words: vec!["Paris".into()],
                    labels: vec!["B-LOC".into()],
                },
            ],
        };
        let (text, gold) = document_text(3, &doc, &TagSet::conll());
        let chars: Vec<char> = text.chars().collect();
        let slice = |(_, s, e): (usize, usize, usize)| chars[s..e].iter().collect::<String>();
        let got: Vec<(String, String)> = gold.iter().map(|(k, l)| (slice(*k), l.clone())).collect();
        assert_eq!(
            got,
            vec![
                ("Zoë".to_string(), "PER".to_string()),
                ("Acme Corp".to_string(), "ORG".to_string()),
                ("Paris".to_string(), "LOC".to_string())
            ]
        );
    }
}
