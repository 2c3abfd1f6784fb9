//! Direct quotations: the spans of normalised text that sit between quotation marks.
//!
//! Reads: normalised characters. Writes: `Quote`s, the content range inside the marks
//! (marks, surrounding spaces and a comma or period just inside the closing mark left out),
//! plus where the marks are, so attribution can look just before and just after.
//!
//! Marks: straight `"`, curly `“ ”`, `„`, `« »`, typewriter pairs `''` and ``` `` ```
//! (the New York Times style), and single curly `‘ ’` when they quote rather than stand
//! for an apostrophe (`OpenAI’s`, `’90s`, `dollars’` are apostrophes). Straight single
//! quotes are not quotation marks here: they are apostrophes far more often than not.
//! A straight mark's direction comes from its neighbours (space before: opening; space or
//! punctuation after: closing), and when that is unclear, from whether a quote is open.
//! Inside a double quote, single quotes are nested quotes and the outer one is reported.
//!
//! Quotes never cross a paragraph (a line), except by the news convention: a paragraph
//! that opens a quote and does not close it goes on in the next paragraph when that one
//! starts with an opening mark; each paragraph's piece is then its own `Quote`, and the
//! pieces share a `group`. A mark with no partner costs at most its own quote.
//!
//! Where lines are not paragraphs (one sentence per line, hard-wrapped text), a quote left
//! open at a line end whose next line does not reopen it runs on into the next lines when
//! one of them, at most [`MAX_RUN_ON_LINES`] later and with no blank line between, closes
//! it.

use crate::doc::CharRange;
use crate::text::segment::is_line_break;

/// A quotation found in normalised text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quote {
    /// The content, `[start, end)`.
    pub start: usize,
    /// End of the content, exclusive.
    pub end: usize,
    /// Start of the opening mark.
    pub open: usize,
    /// End of the closing mark, or the paragraph end for a piece that goes on.
    pub close: usize,
    /// The quote goes on in the next paragraph.
    pub continues: bool,
    /// Index (in the returned list) of the first piece of this quote.
    pub group: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dir {
    Open,
    Close,
    Either,
}

#[derive(Debug, Clone, Copy)]
struct Mark {
    start: usize,
    end: usize,
    dir: Dir,
    style: Style,
}

/// Kinds of double marks, for telling nested quotes from closing ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Straight,
    Curly,
    Typewriter,
}

/// How many further lines a quote left open at a line end may run on into.
pub(crate) const MAX_RUN_ON_LINES: usize = 4;

/// Finds the quotations of `chars`, in text order.
pub fn find_quotes(chars: &[char]) -> Vec<Quote> {
    let paragraphs = quote_blocks(chars);
    let mut out: Vec<Quote> = Vec::new();
    let mut carried_group: Option<usize> = None;
    for (k, &(ps, pe)) in paragraphs.iter().enumerate() {
        let next_opens = paragraphs
            .get(k + 1)
            .is_some_and(|&(ns, ne)| opens_with_mark(chars, ns, ne));
        let first_of_paragraph = out.len();
        let (mut found, dangling) = pair_doubles(chars, ps, pe);
        if let (Some(open), true) = (dangling, next_opens) {
            if let Some(CharRange { start: s, end: e }) =
                trim_content(chars, CharRange::new(open.end, pe))
            {
                found.push(Quote {
                    start: s,
                    end: e,
                    open: open.start,
                    close: pe,
                    continues: true,
                    group: 0,
                });
            }
        }
        found.extend(single_quotes(chars, ps, pe, &found));
        found.sort_by_key(|q| q.open);
        for mut q in found {
            let index = out.len();
            q.group = match carried_group {
                Some(g) if index == first_of_paragraph && q.open == first_char(chars, ps, pe) => g,
                _ => index,
            };
            out.push(q);
        }
        carried_group = out
            .last()
            .filter(|q| q.continues && out.len() > first_of_paragraph)
            .map(|q| q.group);
    }
    out
}

/// `[start, end)` inside the marks without surrounding spaces and without one comma or
/// period just inside the closing mark; `None` when nothing with a letter or digit is left.
pub(crate) fn trim_content(chars: &[char], range: CharRange) -> Option<CharRange> {
    let (mut s, mut e) = (range.start, range.end.min(chars.len()));
    while s < e && chars[s].is_whitespace() {
        s += 1;
    }
    while e > s && chars[e - 1].is_whitespace() {
        e -= 1;
    }
    let ellipsis = e >= s + 2 && chars[e - 2] == '.';
    if e > s && matches!(chars[e - 1], ',' | '.') && !ellipsis {
        e -= 1;
        while e > s && chars[e - 1].is_whitespace() {
            e -= 1;
        }
    }
    chars[s..e]
        .iter()
        .any(|c| c.is_alphanumeric())
        .then_some(CharRange::new(s, e))
}

/// Non-blank lines as `[start, end)` ranges (a line ends as in `text::segment`).
pub fn paragraphs(chars: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 0..=chars.len() {
        if i == chars.len() || is_line_break(chars[i]) {
            if chars[start..i].iter().any(|c| !c.is_whitespace()) {
                out.push((start, i));
            }
            start = i + 1;
        }
    }
    out
}

/// The paragraphs, with lines joined where a quote runs on across a line break.
fn quote_blocks(chars: &[char]) -> Vec<(usize, usize)> {
    let lines = paragraphs(chars);
    let mut out = Vec::with_capacity(lines.len());
    let mut k = 0;
    while k < lines.len() {
        let (start, mut end) = lines[k];
        let mut last = k;
        while let (_, Some(open)) = pair_doubles(chars, start, end) {
            // A line that opens with a mark may still close the quote (a mark alone on
            // its line); otherwise it starts a quote of its own and the search stops.
            let mut closing = None;
            for m in (last + 1..lines.len()).take(MAX_RUN_ON_LINES) {
                // A blank line is a paragraph break, which no quote crosses.
                if chars[lines[m - 1].1..lines[m].0]
                    .iter()
                    .filter(|&&c| is_line_break(c))
                    .count()
                    > 1
                {
                    break;
                }
                let (quotes, _) = pair_doubles(chars, start, lines[m].1);
                if quotes.iter().any(|q| q.open == open.start) {
                    closing = Some(m);
                    break;
                }
                if opens_with_mark(chars, lines[m].0, lines[m].1) {
                    break;
                }
            }
            let Some(m) = closing else { break };
            end = lines[m].1;
            last = m;
        }
        out.push((start, end));
        k = last + 1;
    }
    out
}

fn first_char(chars: &[char], ps: usize, pe: usize) -> usize {
    (ps..pe).find(|&i| !chars[i].is_whitespace()).unwrap_or(pe)
}

fn opens_with_mark(chars: &[char], ps: usize, pe: usize) -> bool {
    let i = first_char(chars, ps, pe);
    double_mark_at(chars, i, ps, pe).is_some_and(|m| m.start == i && m.dir != Dir::Close)
}

/// Pairs the double marks of one paragraph; returns the quotes and an opening mark left
/// without its closing one. A mark of another style inside a quote nests (`"... “x” ..."`);
/// a closing mark of another style closes a lone open quote (`“...," he said`).
fn pair_doubles(chars: &[char], ps: usize, pe: usize) -> (Vec<Quote>, Option<Mark>) {
    let mut quotes = Vec::new();
    let mut stack: Vec<Mark> = Vec::new();
    let mut i = ps;
    while i < pe {
        let Some(mark) = double_mark_at(chars, i, ps, pe) else {
            i += 1;
            continue;
        };
        i = mark.end.max(i + 1);
        if is_inch_mark(chars, mark, ps) {
            continue;
        }
        // `<tweet id="123">`: an attribute value, with its partner.
        if mark.style == Style::Straight && mark.start > ps && chars[mark.start - 1] == '=' {
            if let Some(j) = (mark.end..pe).find(|&j| chars[j] == '"') {
                i = j + 1;
            }
            continue;
        }
        let same = stack.iter().rposition(|m| m.style == mark.style);
        let closes = match mark.dir {
            Dir::Close => true,
            Dir::Open => false,
            Dir::Either => same.is_some(),
        };
        if !closes {
            // An earlier opening mark of this style had no partner.
            if let Some(d) = same {
                stack.truncate(d);
            }
            stack.push(mark);
            continue;
        }
        let outer = same == Some(0) || (same.is_none() && stack.len() == 1);
        if outer {
            let o = stack[0];
            if let Some(CharRange { start: s, end: e }) =
                trim_content(chars, CharRange::new(o.end, mark.start))
            {
                quotes.push(Quote {
                    start: s,
                    end: e,
                    open: o.start,
                    close: mark.end,
                    continues: false,
                    group: 0,
                });
            }
            stack.clear();
        } else if let Some(d) = same {
            stack.truncate(d);
        }
    }
    (quotes, stack.first().copied())
}

fn is_open_context(c: Option<char>) -> bool {
    c.is_none_or(|c| c.is_whitespace() || "([{<—–-/‘“'".contains(c))
}

fn is_close_context(c: Option<char>) -> bool {
    c.is_none_or(|c| c.is_whitespace() || ",.;:!?)]}>—–-/…’”'".contains(c))
}

fn straight_dir(prev: Option<char>, next: Option<char>) -> Dir {
    match (is_open_context(prev), is_close_context(next)) {
        (true, false) => Dir::Open,
        (false, true) => Dir::Close,
        _ => Dir::Either,
    }
}

/// The double quotation mark starting at `i`, if any, within paragraph `[ps, pe)`.
fn double_mark_at(chars: &[char], i: usize, ps: usize, pe: usize) -> Option<Mark> {
    let at = |j: usize| (j >= ps && j < pe).then(|| chars[j]);
    let prev = i.checked_sub(1).and_then(at);
    let c = at(i)?;
    let mark = |start: usize, end: usize, dir: Dir, style: Style| {
        Some(Mark {
            start,
            end,
            dir,
            style,
        })
    };
    match c {
        '“' | '„' | '«' => {
            let closes =
                prev.is_some_and(|p| !is_open_context(Some(p))) && is_close_context(at(i + 1));
            let dir = if closes { Dir::Close } else { Dir::Open };
            mark(i, i + 1, dir, Style::Curly)
        }
        '”' | '»' => {
            let opens = is_open_context(prev) && at(i + 1).is_some_and(|n| n.is_alphanumeric());
            let dir = if opens { Dir::Open } else { Dir::Close };
            mark(i, i + 1, dir, Style::Curly)
        }
        '"' => mark(i, i + 1, straight_dir(prev, at(i + 1)), Style::Straight),
        '`' if at(i + 1) == Some('`') && prev != Some('`') => {
            mark(i, i + 2, Dir::Open, Style::Typewriter)
        }
        '\'' if at(i + 1) == Some('\'') && prev != Some('\'') => {
            let run = (i..pe).take_while(|&j| chars[j] == '\'').count();
            let dir = straight_dir(prev, at(i + run));
            match (run, dir) {
                (2, _) => mark(i, i + 2, dir, Style::Typewriter),
                // `'''`: a single and a double mark; the double is on the outside.
                (3, Dir::Close) => mark(i + 1, i + 3, dir, Style::Typewriter),
                (3, _) => mark(i, i + 2, dir, Style::Typewriter),
                _ => None,
            }
        }
        _ => None,
    }
}

/// `5' 10"` or `10''`: a double mark right after a number of feet and inches.
fn is_inch_mark(chars: &[char], mark: Mark, ps: usize) -> bool {
    let mut j = mark.start;
    let digits_end = j;
    while j > ps && chars[j - 1].is_ascii_digit() {
        j -= 1;
    }
    if j == digits_end || digits_end - j > 2 {
        return false;
    }
    if j > ps && chars[j - 1] == ' ' {
        j -= 1;
    }
    j >= ps + 2 && matches!(chars[j - 1], '\'' | '’' | '′') && chars[j - 2].is_ascii_digit()
}

/// Words that start with an apostrophe: `’em`, `‘til`, `’90s`.
fn is_elision(chars: &[char], i: usize, pe: usize) -> bool {
    let word: String = chars[i + 1..pe]
        .iter()
        .take_while(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_lowercase();
    let digits = word.chars().take_while(char::is_ascii_digit).count();
    (digits == 2 && (word.len() == 2 || word.ends_with('s')))
        || matches!(
            word.as_str(),
            "em" | "til" | "tis" | "twas" | "cause" | "n" | "round" | "bout" | "nuff" | "cuz"
        )
}

/// Top-level `‘ … ’` quotes of a paragraph, outside the double quotes already found.
fn single_quotes(chars: &[char], ps: usize, pe: usize, doubles: &[Quote]) -> Vec<Quote> {
    let inside = |i: usize| doubles.iter().any(|q| q.open <= i && i < q.close);
    let mut out = Vec::new();
    let mut i = ps;
    while i < pe {
        let prev = i.checked_sub(1).filter(|&p| p >= ps).map(|p| chars[p]);
        let next = (i + 1 < pe).then(|| chars[i + 1]);
        let opens = chars[i] == '‘'
            && is_open_context(prev)
            && next.is_some_and(|n| !n.is_whitespace())
            && !is_elision(chars, i, pe)
            && !inside(i);
        if !opens {
            i += 1;
            continue;
        }
        let limit = (i + 400).min(pe);
        let closers: Vec<usize> = (i + 1..limit)
            .take_while(|&j| !inside(j) && chars[j] != '‘')
            .filter(|&j| {
                chars[j] == '’'
                    && !chars[j - 1].is_whitespace()
                    && chars.get(j + 1).is_none_or(|n| !n.is_alphanumeric())
            })
            .collect();
        let close = closers
            .iter()
            .copied()
            .find(|&j| chars[j - 1] != 's')
            .or(closers.first().copied());
        match close.and_then(|c| trim_content(chars, CharRange::new(i + 1, c)).map(|r| (c, r))) {
            Some((c, CharRange { start: s, end: e })) => {
                out.push(Quote {
                    start: s,
                    end: e,
                    open: i,
                    close: c + 1,
                    continues: false,
                    group: 0,
                });
                i = c + 1;
            }
            None => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quotes(text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        find_quotes(&chars)
            .iter()
            .map(|q| chars[q.start..q.end].iter().collect())
            .collect()
    }

    #[test]
    fn straight_and_curly_doubles() {
        assert_eq!(
            quotes("He said \"we will win,\" and “they will lose.”"),
            vec!["we will win", "they will lose"]
        );
    }

    #[test]
    fn seed_sentence_partial_quotes_with_brackets() {
        let text = "Microsoft instructed Azure sales staff to tell prospective customers that \
                    OpenAI's licenses are \"great [for] experimentation\" but have \"limited \
                    enterprise-grade capabilities\" and fewer \"security/privacy features,\" \
                    per The Information.";
        assert_eq!(
            quotes(text),
            vec![
                "great [for] experimentation",
                "limited enterprise-grade capabilities",
                "security/privacy features"
            ]
        );
    }

    #[test]
    fn typewriter_pairs() {
        assert_eq!(
            quotes("''This is real growth,'' said Mr. Garin. ``Yes.''"),
            vec!["This is real growth", "Yes"]
        );
        assert_eq!(
            quotes("He said, ''She told me 'no.''' Then left."),
            vec!["She told me 'no.'"]
        );
    }

    #[test]
    fn nested_quotes_report_the_outer_one() {
        assert_eq!(
            quotes("“We go to school and they say: ‘You will be thrown out,’ every day.”"),
            vec!["We go to school and they say: ‘You will be thrown out,’ every day"]
        );
    }

    #[test]
    fn nested_quote_of_another_style_and_mismatched_close() {
        assert_eq!(
            quotes("He said: \"It isn’t about “Equal Justice” anymore.\""),
            vec!["It isn’t about “Equal Justice” anymore"]
        );
        assert_eq!(quotes("“Go away,\" he said."), vec!["Go away"]);
    }

    #[test]
    fn attribute_values_are_not_quotes() {
        assert_eq!(
            quotes(
                "<tweet id=\"7711\" author=\"@cspan\">Sessions wears a \"Make Mexico Great\" hat"
            ),
            vec!["Make Mexico Great"]
        );
    }

    #[test]
    fn single_curly_quotes_but_not_apostrophes() {
        assert_eq!(
            quotes("OpenAI’s rivals in the ’90s spent dollars’ worth on ‘moonshots’ daily."),
            vec!["moonshots"]
        );
        assert_eq!(
            quotes("Trump: ‘I Will Win the Voters’ Trust’ Tonight"),
            vec!["I Will Win the Voters’ Trust"]
        );
    }

    #[test]
    fn multi_paragraph_quote_gives_one_piece_per_paragraph() {
        let text = "He said:\n\n“First part goes on.\n\n“Second part ends here.”\n\nAfter.";
        let chars: Vec<char> = text.chars().collect();
        let found = find_quotes(&chars);
        let got: Vec<String> = found
            .iter()
            .map(|q| chars[q.start..q.end].iter().collect())
            .collect();
        assert_eq!(got, vec!["First part goes on", "Second part ends here"]);
        assert!(found[0].continues);
        assert_eq!(found[1].group, 0);
    }

    #[test]
    fn quote_runs_on_across_line_breaks_that_are_not_paragraphs() {
        // One sentence per line, as in tokenised corpora, and hard-wrapped text.
        assert_eq!(
            quotes("\" We are pleased .\nSales rose , \" he said .\n"),
            vec!["We are pleased .\nSales rose"]
        );
        assert_eq!(
            quotes("“We will keep\ninvesting,” she said.\nThe end."),
            vec!["We will keep\ninvesting"]
        );
        // A closing mark alone on its line.
        assert_eq!(
            quotes("said Ann . \"\nNo .\n\"\nThen \"yes\" ."),
            vec!["No", "yes"]
        );
        // A stray mark does not swallow the next line's own quote.
        assert_eq!(quotes("He wrote \"no.\nThen \"yes\" came."), vec!["yes"]);
        // Never across a blank line.
        assert!(quotes("\"A.\n\nB,\" he said.").is_empty());
        // Too far away: the quote is dropped, as an unclosed one.
        let far = format!("\"A.\n{}B,\" he said.", "x.\n".repeat(MAX_RUN_ON_LINES + 1));
        assert!(quotes(&far).is_empty());
    }

    #[test]
    fn unclosed_quote_without_continuation_is_dropped() {
        assert_eq!(
            quotes("He said “this never ends.\n\nNext paragraph “is fine.”"),
            vec!["is fine"]
        );
    }

    #[test]
    fn stray_marks_cost_at_most_one_quote() {
        assert_eq!(
            quotes("A stray ” here, then “a real one” and “another.”"),
            vec!["a real one", "another"]
        );
    }

    #[test]
    fn inch_marks_are_not_quotes() {
        assert_eq!(
            quotes("He is 5' 10\" tall and called it \"fine\" twice."),
            vec!["fine"]
        );
        assert!(quotes("A 6'2\" guard.").is_empty());
    }

    #[test]
    fn numbers_can_end_a_quote() {
        assert_eq!(
            quotes("It was “up 2.5 percent in 2012.”"),
            vec!["up 2.5 percent in 2012"]
        );
    }

    #[test]
    fn trims_trailing_comma_or_period_but_not_ellipsis() {
        let chars: Vec<char> = "x ab, y".chars().collect();
        assert_eq!(
            trim_content(&chars, CharRange::new(1, 5)),
            Some(CharRange::new(2, 4))
        );
        let chars: Vec<char> = "wait...".chars().collect();
        assert_eq!(
            trim_content(&chars, CharRange::new(0, 7)),
            Some(CharRange::new(0, 7))
        );
        let chars: Vec<char> = " , ".chars().collect();
        assert_eq!(trim_content(&chars, CharRange::new(0, 3)), None);
    }
}
