//! Markdown / HTML → plain text, keeping an alignment back to the original.
//!
//! Reads: the article text as given. Writes: `Normalized`, whose every code point knows the
//! code point of the original it came from (like tokenizers' `NormalizedString`), so every
//! span found in the normalised text is reported against the original. The markdown
//! parsing itself is in `text::markup` (CommonMark) and `text::html`.

use crate::range::CharRange;

/// Plain text plus, per code point, the original code point offset it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    /// The plain text, one code point each.
    pub chars: Vec<char>,
    /// `origin[i]` is the original code point offset of `chars[i]`.
    pub origin: Vec<usize>,
    /// `ends[i]` is the original end of `chars[i]`: `origin[i] + 1`, or past the whole
    /// entity it was decoded from (`&eacute;` → `é`), never beyond `origin[i + 1]`.
    pub ends: Vec<usize>,
    /// Code point length of the original text.
    pub original_len: usize,
}

/// Which markup the input may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Markup {
    /// CommonMark (emphasis, links, lists, headings, code, tables) and the HTML in it:
    /// tags, entities, comments, scripts and styles. Covers `.html` input too.
    #[default]
    Markdown,
    /// Text taken as it is.
    Plain,
}

impl Normalized {
    /// The identity normalisation.
    pub fn plain(text: &str) -> Self {
        let chars: Vec<char> = text.chars().collect();
        let origin = (0..chars.len()).collect();
        let ends = (1..=chars.len()).collect();
        let original_len = chars.len();
        Normalized {
            chars,
            origin,
            ends,
            original_len,
        }
    }

    /// Normalises `text` as `markup`.
    pub fn new(text: &str, markup: Markup) -> Self {
        match markup {
            Markup::Plain => Self::plain(text),
            Markup::Markdown => {
                let (chars, origin, ends) = super::markup::normalize(text);
                Normalized {
                    chars,
                    origin,
                    ends,
                    original_len: text.chars().count(),
                }
            }
        }
    }

    /// Number of code points.
    pub fn len(&self) -> usize {
        self.chars.len()
    }

    /// Whether no text is left.
    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// Original code point offsets `[start, end)` of a non-empty normalised range.
    pub fn to_original(&self, range: CharRange) -> Option<(usize, usize)> {
        if range.is_empty() || range.end > self.chars.len() {
            return None;
        }
        Some((self.origin[range.start], self.ends[range.end - 1]))
    }

    /// Normalised range covering the original offsets `[start, end)`; `None` when markup
    /// removal left nothing of it.
    pub fn from_original(&self, start: usize, end: usize) -> Option<CharRange> {
        let first = self.origin.partition_point(|&o| o < start);
        let last = self.origin.partition_point(|&o| o < end);
        (first < last).then_some(CharRange::new(first, last))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normal(text: &str) -> String {
        Normalized::new(text, Markup::Markdown)
            .chars
            .iter()
            .collect()
    }

    /// Every normalised character must come from the same character in the original,
    /// except characters that entity decoding produced and the line breaks markup stands for.
    fn assert_aligned(text: &str) {
        let orig: Vec<char> = text.chars().collect();
        let n = Normalized::new(text, Markup::Markdown);
        for (c, &o) in n.chars.iter().zip(&n.origin) {
            assert!(o < orig.len());
            if orig[o] != '&' && !c.is_whitespace() {
                assert_eq!(orig[o], *c, "char {c:?} maps to {:?}", orig[o]);
            }
        }
    }

    #[test]
    fn strips_emphasis_links_and_bullets() {
        let text = "- Microsoft told **Azure** staff, per [The Information](#).";
        assert_eq!(
            normal(text),
            "Microsoft told Azure staff, per The Information."
        );
        assert_aligned(text);
    }

    #[test]
    fn maps_spans_back_to_the_original() {
        let text = "- per [The *Information*](http://x.y/z) today";
        let n = Normalized::new(text, Markup::Markdown);
        let plain: String = n.chars.iter().collect();
        let start = plain.find("The").expect("present");
        let (s, e) = n
            .to_original(CharRange::new(start, start + "The Information".len()))
            .expect("range");
        let orig: String = text.chars().skip(s).take(e - s).collect();
        assert_eq!(orig, "The *Information");
    }

    #[test]
    fn original_ranges_map_forward() {
        let text = "per **The Information** today";
        let n = Normalized::new(text, Markup::Markdown);
        let r = n.from_original(6, 21).expect("covers text");
        assert_eq!(
            n.chars[r.start..r.end].iter().collect::<String>(),
            "The Information"
        );
        assert_eq!(n.from_original(4, 6), None, "only markup");
    }

    #[test]
    fn keeps_arithmetic_and_headings_text() {
        // A heading is a paragraph of its own: one original newline becomes U+2029.
        assert_eq!(normal("# Title\n5 * 3 = 15"), "Title\u{2029}5 * 3 = 15");
        assert_eq!(normal("1. First point"), "First point");
    }

    #[test]
    fn decodes_entities_and_drops_tags() {
        assert_eq!(normal("<p>AT&amp;T &#8220;hi&#8221;</p>"), "AT&T “hi”");
        assert_eq!(normal("x <b>AT&amp;T</b> y"), "x AT&T y");
    }

    /// Issue 11 item 13: code, comments, scripts and styles produced claims.
    #[test]
    fn code_comments_scripts_and_styles_never_reach_the_text() {
        let text = "Intro.\n\n```\ncode said \"fenced\"\n```\n\n    Indented news text stays.\n\n\
                    A <!-- comment \"said\" --> B.\n\n<script>var s = \"said\";</script>\n\n\
                    <style>p { content: \"x\" }</style>\n\nEnd.";
        let plain = normal(text);
        for hidden in ["code", "fenced", "comment", "var", "content", "\""] {
            assert!(!plain.contains(hidden), "{hidden:?} in {plain:?}");
        }
        // Only fenced code is code: an indented paragraph of news is text.
        for kept in ["Intro.", "Indented news text stays.", "End."] {
            assert!(plain.contains(kept), "{kept:?} missing from {plain:?}");
        }
        assert_aligned(text);
    }

    /// Issue 11 item 13: "Caf&eacute;" stayed an entity.
    #[test]
    fn named_entities_decode_everywhere() {
        assert_eq!(
            normal("Caf&eacute; and <b>Caf&eacute;</b>"),
            "Café and Café"
        );
        let n = Normalized::new("Caf&eacute; Z", Markup::Markdown);
        assert_eq!(n.to_original(CharRange::new(0, 4)), Some((0, 11)));
    }

    /// Issue 11 item 13: `**` and a heading ended up inside a claim.
    #[test]
    fn emphasis_marks_and_headings_stay_out_of_sentences() {
        let text = "## Outlook\n**Acme** said **demand** was *weak*.";
        assert_eq!(normal(text), "Outlook\n\nAcme said demand was weak.");
        let n = Normalized::new(text, Markup::Markdown);
        assert_eq!(crate::text::segment(&n.chars).len(), 2);
    }

    #[test]
    fn html_blocks_become_paragraphs() {
        assert_eq!(
            normal("<div><p>One.</p><p>two</p>three<br>four</div>"),
            "One.\n\ntwo\n\nthree\nfour"
        );
    }

    #[test]
    fn unclosed_markup_is_kept_as_text() {
        assert_eq!(normal("see [note (x"), "see [note (x");
        assert_eq!(normal("a < b and c > d"), "a < b and c > d");
    }

    #[test]
    fn plain_is_identity() {
        let n = Normalized::new("**x**", Markup::Plain);
        assert_eq!(n.chars.iter().collect::<String>(), "**x**");
        assert_eq!(n.origin, vec![0, 1, 2, 3, 4]);
        assert_eq!(n.ends, vec![1, 2, 3, 4, 5]);
    }
}
