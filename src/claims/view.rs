//! A word-level view of one article for the attribution rules.
//!
//! Reads: normalised characters, the segmenter's sentences, the NER entities and the quotes
//! found. Writes: `View`, every word with its sentence, paragraph, lowercased text, the
//! entity it belongs to and the quote whose marks enclose it. All ranges are normalised
//! code point ranges, end exclusive.

use crate::claims::quotes::{paragraphs, Quote};
use crate::doc::{CharRange, EntityLabel, Mention, WordRange};
use crate::text::Sentence;

pub(crate) struct View<'a> {
    pub chars: &'a [char],
    pub entities: &'a [Mention],
    /// Every word of every sentence, in text order.
    pub words: Vec<CharRange>,
    pub lower: Vec<String>,
    pub sentence_of: Vec<usize>,
    /// The words of each sentence.
    pub sentence_words: Vec<WordRange>,
    pub paragraph_of_sentence: Vec<usize>,
    pub entity_of: Vec<Option<usize>>,
    /// The quote whose marks enclose the word (marks included).
    pub quote_of: Vec<Option<usize>>,
    /// The words of every entity, in text order (asked for per claim: walked once here).
    entity_spans: Vec<WordRange>,
}

impl<'a> View<'a> {
    pub(crate) fn new(
        chars: &'a [char],
        sentences: &[Sentence],
        entities: &'a [Mention],
        quotes: &[Quote],
    ) -> Self {
        let mut words = Vec::new();
        let mut sentence_of = Vec::new();
        let mut sentence_words = Vec::with_capacity(sentences.len());
        for (s, sentence) in sentences.iter().enumerate() {
            let first = words.len();
            for &word in &sentence.words {
                if !word.is_empty() && word.end <= chars.len() {
                    words.push(word);
                    sentence_of.push(s);
                }
            }
            sentence_words.push(WordRange::new(first, words.len()));
        }
        let lower = words
            .iter()
            .map(|w| {
                chars[w.start..w.end]
                    .iter()
                    .collect::<String>()
                    .to_lowercase()
            })
            .collect();
        let paras = paragraphs(chars);
        let paragraph_of_sentence = sentences
            .iter()
            .map(|s| paras.partition_point(|&(_, e)| e <= s.start))
            .collect();
        // Per code point: the entity and the quote that cover it (linear in the text).
        let mut entity_at: Vec<Option<usize>> = vec![None; chars.len()];
        for (i, e) in entities.iter().enumerate() {
            for slot in entity_at.iter_mut().take(e.range.end).skip(e.range.start) {
                slot.get_or_insert(i);
            }
        }
        let mut quote_at: Vec<Option<usize>> = vec![None; chars.len()];
        for (i, q) in quotes.iter().enumerate() {
            for slot in quote_at.iter_mut().take(q.close).skip(q.open) {
                slot.get_or_insert(i);
            }
        }
        let entity_of = words
            .iter()
            .map(|w| entity_at[w.start..w.end].iter().find_map(|&e| e))
            .collect();
        let quote_of = words.iter().map(|w| quote_at[w.start]).collect();
        let mut view = View {
            chars,
            entities,
            words,
            lower,
            sentence_of,
            sentence_words,
            paragraph_of_sentence,
            entity_of,
            quote_of,
            entity_spans: Vec::new(),
        };
        view.entity_spans = view.walk_entities();
        view
    }

    pub(crate) fn word(&self, w: usize) -> &str {
        self.lower.get(w).map_or("", String::as_str)
    }

    /// The first word starting at or after `pos`.
    pub(crate) fn word_at(&self, pos: usize) -> usize {
        self.words.partition_point(|w| w.start < pos)
    }

    /// The sentence holding code point `pos` (or the last one starting before it).
    pub(crate) fn sentence_at(&self, pos: usize) -> usize {
        let w = self.words.partition_point(|w| w.start <= pos);
        w.checked_sub(1)
            .and_then(|w| self.sentence_of.get(w).copied())
            .unwrap_or(0)
    }

    /// The word range covering code points `range` (the words starting inside it).
    pub(crate) fn words_in(&self, range: CharRange) -> WordRange {
        WordRange::new(self.word_at(range.start), self.word_at(range.end))
    }

    /// Code point range of `words`.
    pub(crate) fn span(&self, words: WordRange) -> Option<CharRange> {
        let first = self.words.get(words.start)?;
        let last = self.words.get(words.end.checked_sub(1)?)?;
        (!words.is_empty()).then_some(CharRange::new(first.start, last.end))
    }

    pub(crate) fn label(&self, w: usize) -> Option<EntityLabel> {
        let e = self.entity_of.get(w).copied().flatten()?;
        self.entities.get(e).map(|e| e.label)
    }

    /// A person or organisation entity.
    pub(crate) fn is_agent(&self, w: usize) -> bool {
        self.label(w).is_some_and(EntityLabel::is_agent)
    }

    pub(crate) fn is_capitalized(&self, w: usize) -> bool {
        self.words
            .get(w)
            .and_then(|r| self.chars.get(r.start))
            .is_some_and(|c| c.is_uppercase())
    }

    /// The quote whose marks enclose word `w` (marks included), if any.
    pub(crate) fn quote_at(&self, w: usize) -> Option<usize> {
        self.quote_of.get(w).copied().flatten()
    }

    pub(crate) fn is_quoted(&self, w: usize) -> bool {
        self.quote_at(w).is_some()
    }

    /// The words of the entity holding word `w`.
    pub(crate) fn entity_words(&self, w: usize) -> Option<WordRange> {
        let e = self.entity_of.get(w).copied().flatten()?;
        let mut a = w;
        while a > 0 && self.entity_of[a - 1] == Some(e) {
            a -= 1;
        }
        let mut b = w + 1;
        while b < self.words.len() && self.entity_of[b] == Some(e) {
            b += 1;
        }
        Some(WordRange::new(a, b))
    }

    /// The entities met walking `words` in order: the entity holding each word, then on
    /// after its last word (the first may start before `words`, the last end after it).
    pub(crate) fn entities_in(&self, words: WordRange) -> &[WordRange] {
        if words.is_empty() {
            return &[];
        }
        let first = (self.entity_spans).partition_point(|e| e.end <= words.start);
        let end = (self.entity_spans).partition_point(|e| e.start < words.end);
        self.entity_spans.get(first..end).unwrap_or_default()
    }

    /// Every entity's words, walking the article: the entity holding each word, then on
    /// after its last word.
    fn walk_entities(&self) -> Vec<WordRange> {
        let mut out = Vec::new();
        let mut w = 0;
        while w < self.words.len() {
            match self.entity_words(w) {
                Some(e) => {
                    out.push(e);
                    w = e.end.max(w + 1);
                }
                None => w += 1,
            }
        }
        out
    }

    /// The words of sentence `s` that are not inside a quote.
    pub(crate) fn unquoted_words(&self, s: usize) -> Vec<usize> {
        let r = self.sentence_words.get(s).copied().unwrap_or_default();
        (r.start..r.end).filter(|&w| !self.is_quoted(w)).collect()
    }
}

/// For tests: `names` as organisation entities, for `with_view`.
#[cfg(test)]
pub(crate) fn orgs<'a>(names: &[&'a str]) -> Vec<(&'a str, &'static str)> {
    names.iter().map(|&name| (name, "ORG")).collect()
}

/// For tests: the view of `text` with `entities` (`(name, label)`, first occurrence each)
/// and the quotes found in it.
#[cfg(test)]
pub(crate) fn with_view<T>(
    text: &str,
    entities: &[(&str, &str)],
    f: impl FnOnce(&View, &[Quote]) -> T,
) -> T {
    let chars: Vec<char> = text.chars().collect();
    let entities = crate::claims::mentions_in(text, entities);
    let sentences = crate::text::segment(&chars);
    let quotes = crate::claims::quotes::find_quotes(&chars);
    let v = View::new(&chars, &sentences, &entities, &quotes);
    f(&v, &quotes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_know_their_sentence_entity_and_quote() {
        let text = "Acme said \"we win.\"\n\nThen Bo left.";
        with_view(text, &[("Acme", "ORG")], |v, _| {
            assert_eq!(v.word(0), "acme");
            assert!(v.is_agent(0) && !v.is_agent(1));
            let we = v.word_at(11);
            assert_eq!(v.word(we), "we");
            assert!(v.is_quoted(we) && !v.is_quoted(1));
            let then = v.word_at(21);
            assert_eq!(v.word(then), "then");
            assert_eq!(v.paragraph_of_sentence[v.sentence_of[then]], 1);
            assert_eq!(v.unquoted_words(0), vec![0, 1]);
        });
    }
}
