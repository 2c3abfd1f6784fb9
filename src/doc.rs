//! The document model: an article as read, and located spans into its original text.
//!
//! Every offset is a Unicode code point offset into `Article::text` exactly as given,
//! start inclusive, end exclusive.

use serde::{Deserialize, Serialize};

use crate::text::Markup;

/// An article as read from the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    pub id: String,
    pub text: String,
    pub title: Option<String>,
    pub url: Option<String>,
    pub published: Option<String>,
    pub source: Option<String>,
    /// The input's free-form `meta` object, passed through to the record.
    pub meta: Option<serde_json::Map<String, serde_json::Value>>,
    /// Spans whose sentiment the user wants, as given (code points into `text`).
    pub targets: Option<Vec<(usize, usize)>>,
    /// The markup of this article's text when its input says so (an `.html` file),
    /// overriding the run's `--markup`.
    pub markup: Option<Markup>,
}

impl Article {
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Self {
        Article {
            id: id.into(),
            text: text.into(),
            title: None,
            url: None,
            published: None,
            source: None,
            meta: None,
            targets: None,
            markup: None,
        }
    }
}

/// A located piece of the original text. The one type for every located thing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// Maps code point offsets to byte offsets of one text, so spans can be sliced.
#[derive(Debug, Clone)]
pub struct CharIndex {
    /// Byte offset of each code point, plus the text length as a sentinel.
    bytes: Vec<usize>,
}

impl CharIndex {
    pub fn new(text: &str) -> Self {
        let mut bytes: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        bytes.push(text.len());
        CharIndex { bytes }
    }

    /// Number of code points in the text.
    pub fn len(&self) -> usize {
        self.bytes.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Byte offset of code point `c`; `None` past the end.
    pub fn byte(&self, c: usize) -> Option<usize> {
        self.bytes.get(c).copied()
    }

    /// The span `[start, end)` of `text` (which must be the indexed text), or `None`
    /// when the range is empty, reversed or out of bounds.
    pub fn span(&self, text: &str, start: usize, end: usize) -> Option<Span> {
        if start >= end {
            return None;
        }
        let (b0, b1) = (self.byte(start)?, self.byte(end)?);
        Some(Span {
            text: text.get(b0..b1)?.to_string(),
            start,
            end,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_count_code_points_not_bytes() {
        let text = "Zoë met “Élan”.";
        let index = CharIndex::new(text);
        assert_eq!(index.len(), text.chars().count());
        let span = index.span(text, 9, 13).expect("in range");
        assert_eq!(span.text, "Élan");
    }

    #[test]
    fn out_of_range_or_empty_spans_are_none() {
        let text = "abc";
        let index = CharIndex::new(text);
        assert!(index.span(text, 2, 2).is_none());
        assert!(index.span(text, 2, 9).is_none());
        assert!(index.span(text, 3, 1).is_none());
    }
}
