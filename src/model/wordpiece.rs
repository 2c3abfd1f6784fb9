//! Words → wordpiece ids with the model folder's own tokenizer, plus the casing class the
//! uncased encoder cannot see.

use std::path::Path;

use tokenizers::models::wordpiece::WordPiece;
use tokenizers::normalizers::BertNormalizer;
use tokenizers::pre_tokenizers::bert::BertPreTokenizer;
use tokenizers::Tokenizer;

use crate::error::{Error, Result};

/// A word never contributes more pieces than this (URLs, long numbers).
const MAX_PIECES_PER_WORD: usize = 16;

/// Casing classes fed to the encoder next to each wordpiece.
pub(crate) const CASING_CLASSES: i64 = 6;

/// What the case of a word says, as an embedding index (0 is padding and special tokens).
pub fn casing(word: &str) -> u8 {
    let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
    let Some(first) = letters.first() else {
        return 5; // digits, punctuation
    };
    let uppers = letters.iter().filter(|c| c.is_uppercase()).count();
    if uppers == 0 {
        1 // lower
    } else if uppers == letters.len() && letters.len() > 1 {
        3 // UPPER
    } else if first.is_uppercase() && uppers == 1 {
        2 // Title
    } else {
        4 // mIxed, McDonald, iPhone
    }
}

pub struct WordPiecer {
    tokenizer: Tokenizer,
    pub cls: u32,
    pub sep: u32,
    pub pad: u32,
    pub unk: u32,
}

impl WordPiecer {
    /// Loads `tokenizer.json`, or builds the BERT uncased tokenizer from `vocab.txt`.
    pub fn from_dir(dir: &Path) -> Result<Self> {
        let json = dir.join("tokenizer.json");
        let vocab = dir.join("vocab.txt");
        let err = |path: &Path, e: &dyn std::fmt::Display| Error::Tokenizer {
            path: path.to_path_buf(),
            message: e.to_string(),
        };
        let mut tokenizer = if json.is_file() {
            Tokenizer::from_file(&json).map_err(|e| err(&json, &e))?
        } else if vocab.is_file() {
            let path = vocab.to_string_lossy().to_string();
            let model = WordPiece::from_file(&path)
                .build()
                .map_err(|e| err(&vocab, &e))?;
            let mut t = Tokenizer::new(model);
            t.with_normalizer(Some(BertNormalizer::new(true, true, None, true)));
            t.with_pre_tokenizer(Some(BertPreTokenizer));
            t
        } else {
            return Err(Error::model(
                dir,
                "has neither tokenizer.json nor vocab.txt",
            ));
        };
        tokenizer.with_padding(None);
        tokenizer.with_truncation(None).map_err(|e| err(dir, &e))?;
        let id = |token: &str| {
            tokenizer
                .token_to_id(token)
                .ok_or_else(|| Error::model(dir, format!("tokenizer has no {token} token")))
        };
        Ok(WordPiecer {
            cls: id("[CLS]")?,
            sep: id("[SEP]")?,
            pad: id("[PAD]")?,
            unk: id("[UNK]")?,
            tokenizer,
        })
    }

    /// The wordpieces of one word; `[UNK]` when the tokenizer drops it entirely.
    pub fn word(&self, word: &str) -> Vec<u32> {
        let mut ids = match self.tokenizer.encode(word, false) {
            Ok(encoding) => encoding.get_ids().to_vec(),
            Err(_) => Vec::new(),
        };
        ids.truncate(MAX_PIECES_PER_WORD);
        if ids.is_empty() {
            ids.push(self.unk);
        }
        ids
    }

    /// Copies the tokenizer definition into a model folder being written.
    pub(crate) fn save(&self, dir: &Path) -> Result<()> {
        self.tokenizer
            .save(dir.join("tokenizer.json"), false)
            .map_err(|e| Error::Tokenizer {
                path: dir.to_path_buf(),
                message: e.to_string(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::casing;

    #[test]
    fn casing_classes() {
        assert_eq!(casing("licenses"), 1);
        assert_eq!(casing("Microsoft"), 2);
        assert_eq!(casing("A"), 2);
        assert_eq!(casing("AWS"), 3);
        assert_eq!(casing("OpenAI"), 4);
        assert_eq!(casing("1,000"), 5);
        assert_eq!(casing("U.S."), 3);
    }
}
