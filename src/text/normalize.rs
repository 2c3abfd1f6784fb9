//! Markdown / light HTML → plain text, keeping an alignment back to the original.
//!
//! Reads: the article text as given. Writes: `Normalized`, whose every code point knows the
//! code point of the original it came from (like tokenizers' `NormalizedString`), so every
//! span found in the normalised text is reported against the original.

/// Plain text plus, per code point, the original code point offset it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    pub chars: Vec<char>,
    /// `origin[i]` is the original code point offset of `chars[i]`.
    pub origin: Vec<usize>,
    /// Code point length of the original text.
    pub original_len: usize,
}

/// Which markup the input may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Markup {
    /// Markdown emphasis, links, list markers and headings, simple HTML tags and entities.
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
        let original_len = chars.len();
        Normalized {
            chars,
            origin,
            original_len,
        }
    }

    pub fn new(text: &str, markup: Markup) -> Self {
        match markup {
            Markup::Plain => Self::plain(text),
            Markup::Markdown => normalize_markdown(text),
        }
    }

    pub fn len(&self) -> usize {
        self.chars.len()
    }

    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// Original `[start, end)` of the normalised range `[start, end)` (non-empty).
    pub fn to_original(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        if start >= end || end > self.chars.len() {
            return None;
        }
        Some((self.origin[start], self.origin[end - 1] + 1))
    }

    /// Normalised range covering the original range `[start, end)`; `None` when markup
    /// removal left nothing of it.
    pub fn from_original(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        let first = self.origin.partition_point(|&o| o < start);
        let last = self.origin.partition_point(|&o| o < end);
        (first < last).then_some((first, last))
    }

    pub fn text(&self, start: usize, end: usize) -> String {
        self.chars[start..end].iter().collect()
    }
}

struct Builder {
    chars: Vec<char>,
    origin: Vec<usize>,
}

impl Builder {
    fn push(&mut self, c: char, at: usize) {
        self.chars.push(c);
        self.origin.push(at);
    }
}

fn normalize_markdown(text: &str) -> Normalized {
    let src: Vec<char> = text.chars().collect();
    let mut out = Builder {
        chars: Vec::with_capacity(src.len()),
        origin: Vec::with_capacity(src.len()),
    };
    let mut i = 0;
    let mut line_start = true;
    while i < src.len() {
        if line_start {
            i = skip_line_marker(&src, i);
            line_start = false;
            if i >= src.len() {
                break;
            }
        }
        let c = src[i];
        if c == '\n' {
            out.push(c, i);
            i += 1;
            line_start = true;
            continue;
        }
        if c == '\\' && i + 1 < src.len() && is_markdown_escapable(src[i + 1]) {
            out.push(src[i + 1], i + 1);
            i += 2;
            continue;
        }
        if c == '*' || (c == '_' && src.get(i + 1) == Some(&'_')) {
            let run = run_length(&src, i, c);
            if is_emphasis_delimiter(&src, i, run) {
                i += run;
                continue;
            }
        }
        if c == '[' || (c == '!' && src.get(i + 1) == Some(&'[')) {
            let open = if c == '!' { i + 1 } else { i };
            if let Some((close, after)) = find_link(&src, open) {
                // Keep the link text (re-normalised for nested emphasis), drop the target.
                let inner: String = src[open + 1..close].iter().collect();
                let nested = normalize_markdown(&inner);
                for (ch, o) in nested.chars.iter().zip(&nested.origin) {
                    out.push(*ch, open + 1 + o);
                }
                i = after;
                continue;
            }
        }
        if c == '<' {
            if let Some((end, block)) = find_html_tag(&src, i) {
                if block {
                    out.push('\n', i);
                }
                i = end;
                continue;
            }
        }
        if c == '&' {
            if let Some((decoded, end)) = decode_entity(&src, i) {
                out.push(decoded, i);
                i = end;
                continue;
            }
        }
        out.push(c, i);
        i += 1;
    }
    Normalized {
        chars: out.chars,
        origin: out.origin,
        original_len: src.len(),
    }
}

fn run_length(src: &[char], i: usize, c: char) -> usize {
    src[i..].iter().take_while(|&&x| x == c).count()
}

/// A `*`/`__` run opens or closes emphasis when it touches a non-space on one side.
fn is_emphasis_delimiter(src: &[char], i: usize, run: usize) -> bool {
    let before = i.checked_sub(1).map(|j| src[j]);
    let after = src.get(i + run).copied();
    let touches = |c: Option<char>| c.is_some_and(|c| !c.is_whitespace());
    // "5 * 3" is arithmetic, not emphasis.
    touches(before) || touches(after)
}

fn is_markdown_escapable(c: char) -> bool {
    "\\`*_{}[]()#+-.!<>|".contains(c)
}

/// Skips a list marker (`- `, `* `, `+ `, `12. `), heading `#`s or `>` quote at a line start,
/// along with leading spaces. Returns the index of the first content character.
fn skip_line_marker(src: &[char], start: usize) -> usize {
    let mut i = start;
    while i < src.len() && (src[i] == ' ' || src[i] == '\t') {
        i += 1;
    }
    let spaced = |j: usize| j < src.len() && (src[j] == ' ' || src[j] == '\t');
    let mut j = i;
    match src.get(i) {
        Some('-' | '*' | '+') if spaced(i + 1) => j = i + 2,
        Some('#') => {
            let hashes = run_length(src, i, '#');
            if hashes <= 6 && spaced(i + hashes) {
                j = i + hashes + 1;
            }
        }
        Some('>') if spaced(i + 1) => j = i + 2,
        Some(d) if d.is_ascii_digit() => {
            let digits = src[i..].iter().take_while(|c| c.is_ascii_digit()).count();
            if digits <= 3
                && matches!(src.get(i + digits), Some('.' | ')'))
                && spaced(i + digits + 1)
            {
                j = i + digits + 2;
            }
        }
        _ => {}
    }
    if j == i {
        return i;
    }
    while j < src.len() && (src[j] == ' ' || src[j] == '\t') {
        j += 1;
    }
    j
}

/// `[text](target)` on one line: returns (index of `]`, index after `)`).
fn find_link(src: &[char], open: usize) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    let mut close = None;
    for (j, &c) in src.iter().enumerate().skip(open) {
        match c {
            '\n' => return None,
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    close = Some(j);
                    break;
                }
            }
            _ => {}
        }
    }
    let close = close?;
    if close == open + 1 || src.get(close + 1) != Some(&'(') {
        return None;
    }
    let mut depth = 0usize;
    for (j, &c) in src.iter().enumerate().skip(close + 1) {
        match c {
            '\n' => return None,
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some((close, j + 1));
                }
            }
            _ => {}
        }
    }
    None
}

/// An HTML tag such as `<b>`, `</p>` or `<br/>`: returns (index after `>`, is block-level).
fn find_html_tag(src: &[char], open: usize) -> Option<(usize, bool)> {
    let mut j = open + 1;
    if src.get(j) == Some(&'/') {
        j += 1;
    }
    let name_start = j;
    while j < src.len() && src[j].is_ascii_alphanumeric() {
        j += 1;
    }
    if j == name_start || !src[name_start].is_ascii_alphabetic() {
        return None;
    }
    let name: String = src[name_start..j]
        .iter()
        .collect::<String>()
        .to_ascii_lowercase();
    let end = src[j..]
        .iter()
        .take(500)
        .position(|&c| c == '>' || c == '<' || c == '\n')?;
    if src[j + end] != '>' {
        return None;
    }
    let block = matches!(
        name.as_str(),
        "p" | "br"
            | "div"
            | "li"
            | "ul"
            | "ol"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "tr"
            | "blockquote"
    );
    Some((j + end + 1, block))
}

fn decode_entity(src: &[char], amp: usize) -> Option<(char, usize)> {
    let semi = src[amp..].iter().take(10).position(|&c| c == ';')? + amp;
    let name: String = src[amp + 1..semi].iter().collect();
    let c = match name.as_str() {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ldquo" => '“',
        "rdquo" => '”',
        "lsquo" => '‘',
        "rsquo" => '’',
        "mdash" => '—',
        "ndash" => '–',
        _ => {
            let code = if let Some(hex) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
                u32::from_str_radix(hex, 16).ok()?
            } else {
                name.strip_prefix('#')?.parse().ok()?
            };
            char::from_u32(code)?
        }
    };
    Some((c, semi + 1))
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
    /// except characters that markup decoding produced.
    fn assert_aligned(text: &str) {
        let orig: Vec<char> = text.chars().collect();
        let n = Normalized::new(text, Markup::Markdown);
        for (c, &o) in n.chars.iter().zip(&n.origin) {
            assert!(o < orig.len());
            if orig[o] != '&' && orig[o] != '<' && orig[o] != '\\' {
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
            .to_original(start, start + "The Information".len())
            .expect("range");
        let orig: String = text.chars().skip(s).take(e - s).collect();
        assert_eq!(orig, "The *Information");
    }

    #[test]
    fn original_ranges_map_forward() {
        let text = "per **The Information** today";
        let n = Normalized::new(text, Markup::Markdown);
        let (s, e) = n.from_original(6, 21).expect("covers text");
        assert_eq!(n.text(s, e), "The Information");
        assert_eq!(n.from_original(4, 6), None, "only markup");
    }

    #[test]
    fn keeps_arithmetic_and_headings_text() {
        assert_eq!(normal("# Title\n5 * 3 = 15"), "Title\n5 * 3 = 15");
        assert_eq!(normal("1. First point"), "First point");
    }

    #[test]
    fn decodes_entities_and_drops_tags() {
        assert_eq!(normal("<p>AT&amp;T &#8220;hi&#8221;</p>"), "\nAT&T “hi”\n");
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
    }
}
