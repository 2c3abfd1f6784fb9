//! The HTML inside markdown (and whole `.html` files): text kept, tags dropped, entities
//! decoded, comments and `<script>`/`<style>`/`<pre>` contents hidden.
//!
//! Reads: pieces of raw HTML as (character, original offset) pairs, in text order, as the
//! markdown parser hands them over (one per inline tag or HTML block line). Writes: text
//! characters and break hints to a [`Sink`]. The state (inside a comment, a script, a
//! tag) carries from one piece to the next, since an HTML block may end before its
//! `</script>` does.

/// A break between two pieces of text, strongest last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Break {
    None,
    /// Words apart (table cells).
    Space,
    /// A line break (`<br>`, a hard break).
    Line,
    /// A paragraph break (blocks: `<p>`, `<div>`, headings, list items, ...).
    Paragraph,
}

/// Where the scanner puts what it finds.
pub(super) trait Sink {
    /// A visible character taken from original offsets `[at, end)`.
    fn text(&mut self, c: char, at: usize, end: usize);
    /// Original offset `at` holds markup that is never text (a newline there is not a
    /// line break of the text).
    fn hide(&mut self, at: usize);
    /// The text breaks here.
    fn split(&mut self, kind: Break);
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
enum State {
    #[default]
    Text,
    /// Inside `<...>`; `quote` is the open attribute quote; `raw` names a tag whose content
    /// is hidden (set when the tag closes).
    Tag {
        quote: Option<char>,
        raw: Option<&'static str>,
    },
    /// Inside `<!-- ... -->`.
    Comment,
    /// Inside `<!...>` or `<?...>`.
    Declaration,
    /// Inside a hidden element, until `</name`.
    Raw(&'static str),
}

/// Elements whose content is code or data, never text.
const HIDDEN: &[&str] = &[
    "script", "style", "pre", "noscript", "template", "svg", "math", "textarea",
];

/// Elements that start or end a paragraph.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "caption",
    "blockquote",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "aside",
    "main",
    "figure",
    "figcaption",
    "hr",
    "title",
    "head",
    "body",
    "html",
    "form",
    "fieldset",
    "address",
    "details",
    "summary",
];

/// Longest entity looked for, `&` and `;` included (`&CounterClockwiseContourIntegral;`).
const MAX_ENTITY: usize = 34;

#[derive(Debug, Default)]
pub(crate) struct Scanner {
    state: State,
}

impl Scanner {
    /// Whether text given now is hidden (inside a comment or a hidden element).
    pub(crate) fn hiding(&self) -> bool {
        !matches!(self.state, State::Text)
    }

    /// A markdown block ended: a tag left open in it was not one.
    pub(crate) fn end_block(&mut self) {
        if matches!(self.state, State::Tag { .. }) {
            self.state = State::Text;
        }
    }

    /// Scans one piece of raw HTML.
    pub(super) fn feed(&mut self, piece: &[(char, usize)], out: &mut impl Sink) {
        let mut i = 0;
        while i < piece.len() {
            i = match self.state.clone() {
                State::Text => self.text(piece, i, out),
                State::Tag { quote, raw } => self.tag(piece, i, quote, raw, out),
                State::Comment => self.until(piece, i, "-->", out),
                State::Declaration => self.until(piece, i, ">", out),
                State::Raw(name) => self.raw(piece, i, name, out),
            };
        }
    }

    fn text(&mut self, piece: &[(char, usize)], i: usize, out: &mut impl Sink) -> usize {
        let (c, at) = piece[i];
        let next = piece.get(i + 1).map(|p| p.0);
        match (c, next) {
            ('<', Some('!')) if starts_with(piece, i, "<!--") => {
                hide_all(&piece[i..i + 4], out);
                self.state = State::Comment;
                i + 4
            }
            ('<', Some('!' | '?')) => {
                hide_all(&piece[i..i + 2], out);
                self.state = State::Declaration;
                i + 2
            }
            ('<', Some(n)) if n.is_ascii_alphabetic() || n == '/' => self.open_tag(piece, i, out),
            ('&', _) => match entity(piece, i) {
                Some((decoded, next)) => {
                    // A decoded entity is never longer than its source (`&` … `;`): its
                    // characters take the entity's first offsets, the last one the rest.
                    let n = decoded.chars().count();
                    for (k, d) in decoded.chars().enumerate() {
                        let end = if k + 1 == n {
                            piece[next - 1].1 + 1
                        } else {
                            piece[i + k].1 + 1
                        };
                        out.text(d, piece[i + k].1, end);
                    }
                    next
                }
                None => {
                    out.text('&', at, at + 1);
                    i + 1
                }
            },
            // Newlines come from the original text between pieces, not from here.
            ('\n', _) => i + 1,
            _ => {
                out.text(c, at, at + 1);
                i + 1
            }
        }
    }

    /// `<name` or `</name`: reads the name, then the rest of the tag in `State::Tag`.
    fn open_tag(&mut self, piece: &[(char, usize)], i: usize, out: &mut impl Sink) -> usize {
        let closing = piece.get(i + 1).is_some_and(|p| p.0 == '/');
        let name_start = if closing { i + 2 } else { i + 1 };
        let name_end = (name_start..piece.len())
            .find(|&j| !(piece[j].0.is_ascii_alphanumeric() || piece[j].0 == '-'))
            .unwrap_or(piece.len());
        if name_end == name_start || !piece[name_start].0.is_ascii_alphabetic() {
            // "</ " or "</3": not a tag.
            out.text('<', piece[i].1, piece[i].1 + 1);
            return i + 1;
        }
        let name: String = piece[name_start..name_end]
            .iter()
            .map(|p| p.0.to_ascii_lowercase())
            .collect();
        hide_all(&piece[i..name_end], out);
        match name.as_str() {
            "br" => out.split(Break::Line),
            "td" | "th" => out.split(Break::Space),
            n if BLOCKS.contains(&n) => out.split(Break::Paragraph),
            _ => {}
        }
        let raw = HIDDEN.iter().copied().find(|&h| h == name && !closing);
        if raw.is_some() {
            // Hidden content reads as a paragraph of its own, never glued to a word.
            out.split(Break::Paragraph);
        }
        self.state = State::Tag { quote: None, raw };
        name_end
    }

    fn tag(
        &mut self,
        piece: &[(char, usize)],
        mut i: usize,
        mut quote: Option<char>,
        raw: Option<&'static str>,
        out: &mut impl Sink,
    ) -> usize {
        while i < piece.len() {
            let (c, at) = piece[i];
            out.hide(at);
            i += 1;
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '>') => {
                    let self_closing = i >= 2 && piece[i - 2].0 == '/';
                    self.state = match raw {
                        Some(name) if !self_closing => State::Raw(name),
                        _ => State::Text,
                    };
                    return i;
                }
                _ => {}
            }
        }
        self.state = State::Tag { quote, raw };
        i
    }

    /// Hides everything up to and including `end`, then goes back to text.
    fn until(
        &mut self,
        piece: &[(char, usize)],
        i: usize,
        end: &str,
        out: &mut impl Sink,
    ) -> usize {
        match (i..piece.len()).find(|&j| starts_with(piece, j, end)) {
            Some(j) => {
                let stop = j + end.chars().count();
                hide_all(&piece[i..stop], out);
                self.state = State::Text;
                stop
            }
            None => {
                hide_all(&piece[i..], out);
                piece.len()
            }
        }
    }

    /// Hides a hidden element's content up to its `</name`.
    fn raw(
        &mut self,
        piece: &[(char, usize)],
        i: usize,
        name: &'static str,
        out: &mut impl Sink,
    ) -> usize {
        let closes = |j: usize| {
            starts_with(piece, j, "</")
                && starts_with_ignore_case(piece, j + 2, name)
                && piece
                    .get(j + 2 + name.len())
                    .is_none_or(|p| !p.0.is_ascii_alphanumeric())
        };
        match (i..piece.len()).find(|&j| closes(j)) {
            Some(j) => {
                hide_all(&piece[i..j], out);
                self.state = State::Text;
                out.split(Break::Paragraph);
                j
            }
            None => {
                hide_all(&piece[i..], out);
                piece.len()
            }
        }
    }
}

fn hide_all(piece: &[(char, usize)], out: &mut impl Sink) {
    for &(_, at) in piece {
        out.hide(at);
    }
}

fn starts_with(piece: &[(char, usize)], i: usize, s: &str) -> bool {
    (i..)
        .zip(s.chars())
        .all(|(k, c)| piece.get(k).map(|p| p.0) == Some(c))
}

fn starts_with_ignore_case(piece: &[(char, usize)], i: usize, s: &str) -> bool {
    (i..)
        .zip(s.chars())
        .all(|(k, c)| piece.get(k).is_some_and(|p| p.0.eq_ignore_ascii_case(&c)))
}

/// `&name;`, `&#123;` or `&#x1F;` at `i`: the decoded text and the index after `;`.
fn entity(piece: &[(char, usize)], i: usize) -> Option<(String, usize)> {
    let semi = (i + 1..piece.len().min(i + MAX_ENTITY))
        .take_while(|&j| {
            piece[j].0 == ';' || piece[j].0.is_ascii_alphanumeric() || piece[j].0 == '#'
        })
        .find(|&j| piece[j].0 == ';')?;
    let source: String = piece[i..=semi].iter().map(|p| p.0).collect();
    let decoded = html_escape::decode_html_entities(&source);
    // Unknown names come back unchanged; a decoding never outgrows its source.
    (decoded != source && decoded.chars().count() <= source.chars().count())
        .then(|| (decoded.into_owned(), semi + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Collect {
        text: String,
        origins: Vec<usize>,
        ends: Vec<usize>,
        hidden: Vec<usize>,
    }

    impl Sink for Collect {
        fn text(&mut self, c: char, at: usize, end: usize) {
            self.text.push(c);
            self.origins.push(at);
            self.ends.push(end);
        }
        fn hide(&mut self, at: usize) {
            self.hidden.push(at);
        }
        fn split(&mut self, kind: Break) {
            self.text.push(match kind {
                Break::None => '0',
                Break::Space => '_',
                Break::Line => '|',
                Break::Paragraph => '¶',
            });
            self.origins.push(usize::MAX);
        }
    }

    fn scan(pieces: &[&str]) -> Collect {
        let mut scanner = Scanner::default();
        let mut out = Collect::default();
        let mut offset = 0;
        for piece in pieces {
            let chars: Vec<(char, usize)> = piece
                .chars()
                .enumerate()
                .map(|(k, c)| (c, offset + k))
                .collect();
            offset += chars.len();
            scanner.feed(&chars, &mut out);
        }
        out
    }

    #[test]
    fn tags_go_blocks_break_and_entities_decode() {
        let got = scan(&["<p class=\"a>b\">Caf&eacute; AT&amp;T</p><br/>x&nbsp;y &bogus; &"]);
        assert_eq!(got.text, "¶Café AT&T¶|x\u{a0}y &bogus; &");
    }

    #[test]
    fn comments_scripts_and_styles_are_hidden_across_pieces() {
        let got = scan(&[
            "a<!-- said \"no\"\n",
            "still --> b <script>\n",
            "var said = \"x\";\n",
            "</script> c <style>p{}</style>d <SCRIPT src=x /> e",
        ]);
        assert_eq!(got.text, "a b ¶¶ c ¶¶d ¶ e");
        assert!(!got.hidden.is_empty());
    }

    #[test]
    fn decoded_entities_point_at_their_ampersand() {
        let got = scan(&["x &#8220;y&#x201D;"]);
        assert_eq!(got.text, "x “y”");
        assert_eq!(got.origins, vec![0, 1, 2, 9, 10]);
        assert_eq!(got.ends, vec![1, 2, 9, 10, 18]);
    }

    #[test]
    fn lone_angle_brackets_are_text() {
        assert_eq!(scan(&["a < b </ c <3"]).text, "a < b </ c <3");
    }
}
