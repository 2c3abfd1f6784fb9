//! CoNLL-2003 files: `token POS chunk NER` per line, blank lines between sentences,
//! `-DOCSTART-` between documents, IOB1 tags (converted here to IOB2).

use std::path::Path;

use crate::error::{Error, Result};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ConllSentence {
    pub words: Vec<String>,
    /// IOB2 labels, one per word.
    pub labels: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ConllDocument {
    pub sentences: Vec<ConllSentence>,
}

pub(crate) fn read_conll(path: &Path) -> Result<Vec<ConllDocument>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    parse_conll(&text, path)
}

pub(crate) fn parse_conll(text: &str, path: &Path) -> Result<Vec<ConllDocument>> {
    let mut docs: Vec<ConllDocument> = Vec::new();
    let mut doc = ConllDocument::default();
    let mut sentence = ConllSentence::default();
    let end_sentence = |doc: &mut ConllDocument, sentence: &mut ConllSentence| {
        if !sentence.words.is_empty() {
            let mut s = std::mem::take(sentence);
            s.labels = iob1_to_iob2(&s.labels);
            doc.sentences.push(s);
        }
    };
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.is_empty() {
            end_sentence(&mut doc, &mut sentence);
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields[0] == "-DOCSTART-" {
            end_sentence(&mut doc, &mut sentence);
            if !doc.sentences.is_empty() {
                docs.push(std::mem::take(&mut doc));
            }
            continue;
        }
        let (Some(word), Some(label)) = (fields.first(), fields.last()) else {
            continue;
        };
        if fields.len() < 2 {
            return Err(Error::Data {
                path: path.to_path_buf(),
                line: n + 1,
                message: "expected `token ... TAG` (at least two columns)".into(),
            });
        }
        sentence.words.push(word.to_string());
        sentence.labels.push(label.to_string());
    }
    end_sentence(&mut doc, &mut sentence);
    if !doc.sentences.is_empty() {
        docs.push(doc);
    }
    Ok(docs)
}

/// IOB1 (`I-X` opens an entity unless it continues one of type X) → IOB2.
pub(crate) fn iob1_to_iob2(labels: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(labels.len());
    for label in labels {
        let converted = match label.strip_prefix("I-") {
            Some(kind) => {
                let continues = out
                    .last()
                    .and_then(|p| p.get(2..))
                    .is_some_and(|prev_kind| {
                        prev_kind == kind && out.last().is_some_and(|p| p != "O")
                    });
                if continues {
                    label.clone()
                } else {
                    format!("B-{kind}")
                }
            }
            None => label.clone(),
        };
        out.push(converted);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_documents_and_converts_tags() {
        let text = "-DOCSTART- -X- -X- O\n\nEU NNP B-NP I-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP I-MISC\n\nPeter NNP B-NP I-PER\nBlackburn NNP I-NP I-PER\n\n-DOCSTART- -X- O O\n\nA B C I-LOC\nB B C B-LOC\n";
        let docs = parse_conll(text, Path::new("x")).expect("parses");
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].sentences.len(), 2);
        assert_eq!(docs[0].sentences[0].labels, vec!["B-ORG", "O", "B-MISC"]);
        assert_eq!(docs[0].sentences[1].labels, vec!["B-PER", "I-PER"]);
        assert_eq!(docs[1].sentences[0].labels, vec!["B-LOC", "B-LOC"]);
    }
}
