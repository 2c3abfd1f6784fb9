//! Markdown (CommonMark, with tables, strikethrough and task lists) and the HTML in it →
//! plain text with an origin per character, through pulldown-cmark's offset iterator.
//!
//! Reads: the article text. Writes: characters and their original code point offsets,
//! strictly increasing. Text, link text, image alt text and inline code are kept; markup,
//! link targets, fenced code blocks, HTML comments and `<script>`/`<style>` contents are not.
//! Block boundaries become a blank line and `<br>`/hard breaks a line break, mapped onto
//! the original newlines (or onto the markup they replace), so sentences and paragraphs
//! stay apart; newlines of the original between two kept characters are kept.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use super::html::{Break, Scanner, Sink};

/// Characters of the normalised text, and the original offset and end of each.
pub(super) fn normalize(text: &str) -> (Vec<char>, Vec<usize>, Vec<usize>) {
    let src: Vec<char> = text.chars().collect();
    // Byte offset of each code point, for pulldown-cmark's byte ranges.
    let bytes: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    let char_at = |byte: usize| bytes.partition_point(|&b| b < byte);
    let mut out = Assembler::new(&src);
    let mut html = Scanner::default();
    let mut code_blocks = 0usize;
    let mut indented = false;
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        let (start, end) = (char_at(range.start), char_at(range.end));
        match event {
            // Only fenced code is code: news text indented by four spaces (a CommonMark
            // indented code block) is still text and must not vanish.
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))) => {
                code_blocks += 1;
                out.hide_range(start, end);
                out.split(Break::Paragraph);
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => {
                html.end_block();
                out.split(Break::Paragraph);
                indented = true;
            }
            Event::End(TagEnd::CodeBlock) => {
                code_blocks = code_blocks.saturating_sub(1);
                indented = false;
                out.split(Break::Paragraph);
            }
            Event::Start(tag) if is_block(&tag) => {
                html.end_block();
                out.split(Break::Paragraph);
            }
            Event::End(tag) if is_block_end(&tag) => {
                html.end_block();
                out.split(Break::Paragraph);
            }
            Event::End(TagEnd::TableCell) => out.split(Break::Space),
            Event::Rule => out.split(Break::Paragraph),
            Event::HardBreak => out.split(Break::Line),
            // CommonMark parses no markup inside an indented block; its HTML (tags,
            // comments, entities) is still read as HTML.
            Event::Text(t) if indented => html.feed(&html_piece(&t, &src, start, end), &mut out),
            Event::Text(t) => {
                let piece = align(&t, &src, start, end);
                keep(&piece, code_blocks > 0 || html.hiding(), &mut out);
            }
            Event::Code(t) => {
                // A code span's range includes its backticks.
                let span = src.get(start..end).unwrap_or(&[]);
                let fence = span.iter().take_while(|&&c| c == '`').count();
                let piece = align(&t, &src, start + fence, end.saturating_sub(fence));
                keep(&piece, code_blocks > 0 || html.hiding(), &mut out);
            }
            Event::Html(t) | Event::InlineHtml(t) => {
                html.feed(&html_piece(&t, &src, start, end), &mut out)
            }
            _ => {}
        }
    }
    (out.chars, out.origin, out.ends)
}

/// An event's text with the original offset of each character, for the HTML scanner.
fn html_piece(text: &str, src: &[char], start: usize, end: usize) -> Vec<(char, usize)> {
    (align(text, src, start, end).into_iter())
        .map(|(c, at, _)| (c, at))
        .collect()
}

/// Puts an event's text into the output, or hides it.
fn keep(piece: &[(char, usize, usize)], hidden: bool, out: &mut Assembler) {
    for &(c, at, end) in piece {
        if hidden {
            out.hide(at);
        } else {
            out.text(c, at, end);
        }
    }
}

fn is_block(tag: &Tag) -> bool {
    matches!(
        tag,
        Tag::Paragraph
            | Tag::Heading { .. }
            | Tag::BlockQuote(_)
            | Tag::HtmlBlock
            | Tag::List(_)
            | Tag::Item
            | Tag::Table(_)
            | Tag::TableHead
            | Tag::TableRow
            | Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
    )
}

fn is_block_end(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::BlockQuote(_)
            | TagEnd::HtmlBlock
            | TagEnd::List(_)
            | TagEnd::Item
            | TagEnd::Table
            | TagEnd::TableHead
            | TagEnd::TableRow
            | TagEnd::FootnoteDefinition
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
    )
}

/// How far ahead `align` looks for a character the parser moved.
const LOOKAHEAD: usize = 64;

/// Pairs each character of an event's text with its original `[offset, end)` within
/// `src[start..end]`. Usually the text is the original; where the parser decoded an entity,
/// a character not found ahead takes the next unused offset, and the last character
/// reaches to the end of the original (`é` ← `&eacute;`).
fn align(text: &str, src: &[char], start: usize, end: usize) -> Vec<(char, usize, usize)> {
    let end = end.min(src.len());
    let original = src.get(start..end).unwrap_or(&[]);
    if original.iter().copied().eq(text.chars()) {
        return text
            .chars()
            .zip(start..)
            .map(|(c, at)| (c, at, at + 1))
            .collect();
    }
    let mut out: Vec<(char, usize, usize)> = Vec::with_capacity(original.len());
    let mut cursor = 0;
    for c in text.chars() {
        let Some(&here) = original.get(cursor) else {
            break;
        };
        // A line ending the parser turned into a space stays where it was.
        let k = if here == c || (here.is_whitespace() && c.is_whitespace()) {
            cursor
        } else {
            // Looked for nearby only: a long span of decoded characters stays linear.
            let found = original[cursor..]
                .iter()
                .take(LOOKAHEAD)
                .position(|&s| s == c);
            found.map_or(cursor, |f| cursor + f)
        };
        out.push((c, start + k, start + k + 1));
        cursor = k + 1;
    }
    // A decoded entity's last character reaches over the rest of it.
    if let Some(last) = out.last_mut() {
        let from = original[last.1 - start];
        if from != last.0 || from == '&' {
            last.2 = end;
        }
    }
    out
}

/// Builds the normalised text, filling the gaps between kept characters with the breaks
/// the markup asked for.
struct Assembler<'a> {
    src: &'a [char],
    /// Original offsets whose newlines are markup (inside a comment, tag or code block).
    hidden: Vec<bool>,
    chars: Vec<char>,
    origin: Vec<usize>,
    ends: Vec<usize>,
    pending: Break,
}

impl<'a> Assembler<'a> {
    fn new(src: &'a [char]) -> Self {
        Assembler {
            src,
            hidden: vec![false; src.len()],
            chars: Vec::with_capacity(src.len()),
            origin: Vec::with_capacity(src.len()),
            ends: Vec::with_capacity(src.len()),
            pending: Break::None,
        }
    }

    fn hide_range(&mut self, start: usize, end: usize) {
        let end = end.min(self.hidden.len());
        if start < end {
            self.hidden[start..end].fill(true);
        }
    }

    /// Puts the separators of the gap before original offset `next`: the original's
    /// newlines there (up to a blank line), at least as many as the pending break asks for.
    fn fill_gap(&mut self, next: usize) {
        let pending = std::mem::replace(&mut self.pending, Break::None);
        let Some(&last) = self.origin.last() else {
            return;
        };
        let gap = last + 1..next;
        let want = match pending {
            Break::Paragraph => 2,
            Break::Line => 1,
            Break::None | Break::Space => 0,
        };
        let mut at: Vec<usize> = gap
            .clone()
            .filter(|&i| self.src[i] == '\n' && !self.hidden[i])
            .take(2)
            .collect();
        // Too few newlines in the original: the markup in between stands in for them.
        for i in gap.clone() {
            if at.len() >= want {
                break;
            }
            if !at.contains(&i) {
                at.push(i);
            }
        }
        at.sort_unstable();
        match at.as_slice() {
            // One character for a blank line ("# Title\ntext"): Unicode's paragraph separator.
            [one] if want == 2 => self.push('\u{2029}', *one, *one + 1),
            [] if pending == Break::Space && !gap.is_empty() => {
                let spaced = self.chars.last().is_some_and(|c| c.is_whitespace())
                    || self.src.get(next).is_some_and(|c| c.is_whitespace());
                if !spaced {
                    self.push(' ', gap.start, gap.start + 1);
                }
            }
            _ => {
                for i in at {
                    self.push('\n', i, i + 1);
                }
            }
        }
    }

    fn push(&mut self, c: char, at: usize, end: usize) {
        // A decoded character's end never reaches past the next character's start.
        if let Some(last) = self.ends.last_mut() {
            *last = (*last).min(at);
        }
        self.chars.push(c);
        self.origin.push(at);
        self.ends.push(end.clamp(at + 1, self.src.len()));
    }
}

impl Sink for Assembler<'_> {
    fn text(&mut self, c: char, at: usize, end: usize) {
        // Keeps origins strictly increasing and inside the original, whatever the parser does.
        if at >= self.src.len() || self.origin.last().is_some_and(|&l| at <= l) {
            return;
        }
        self.fill_gap(at);
        self.push(c, at, end);
    }

    fn hide(&mut self, at: usize) {
        if let Some(h) = self.hidden.get_mut(at) {
            *h = true;
        }
    }

    fn split(&mut self, kind: Break) {
        self.pending = self.pending.max(kind);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> String {
        normalize(text).0.into_iter().collect()
    }

    #[test]
    fn aligns_decoded_entities_and_escapes() {
        let text = "Caf&eacute; \\*hi\\*";
        let (chars, origin, ends) = normalize(text);
        assert_eq!(chars.iter().collect::<String>(), "Café *hi*");
        assert_eq!(origin, vec![0, 1, 2, 3, 11, 13, 14, 15, 17]);
        assert_eq!(ends[3], 11, "é spans its entity");
        assert_eq!(ends[4], 12);
    }

    #[test]
    fn blocks_are_paragraphs_even_without_blank_lines() {
        assert_eq!(plain("# Title\nlower text"), "Title\u{2029}lower text");
        let (chars, _, _) = normalize("# Title\nlower text");
        assert_eq!(
            crate::text::segment(&chars).len(),
            2,
            "a heading never joins the next line"
        );
        assert_eq!(plain("- one\n- two"), "one\n\ntwo");
        assert_eq!(plain("<p>one</p><p>two</p>"), "one\n\ntwo");
        assert_eq!(plain("| a | b |\n|---|---|\n| c | d |"), "a b\n\nc d");
    }

    #[test]
    fn wrapped_lines_keep_their_newline() {
        assert_eq!(plain("one\ntwo  \nthree"), "one\ntwo\nthree");
    }

    /// Found by tests/fuzz.rs: a code span's line ending (now a space) was matched to a
    /// later space of the span, and the characters after it to the wrong places.
    #[test]
    fn code_spans_over_line_endings_stay_aligned() {
        let text = "`\r\"according to`";
        let (chars, origin, _) = normalize(text);
        assert_eq!(chars.iter().collect::<String>(), " \"according to");
        assert_eq!(origin, (1..15).collect::<Vec<_>>());
        let (_, origin, ends) = normalize("AT&amp;T and &amp;");
        assert_eq!((origin[2], ends[2]), (2, 7), "& spans &amp;");
        assert_eq!((origin[9], ends[9]), (13, 18));
    }

    #[test]
    fn newlines_inside_hidden_markup_are_not_breaks() {
        assert_eq!(plain("a <!-- x\ny --> b"), "a  b");
    }
}
