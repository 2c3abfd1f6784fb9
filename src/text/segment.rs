//! Sentences and words of normalised text.
//!
//! Reads: normalised characters. Writes: sentences, each with its words, as normalised
//! code point ranges. Words follow the CoNLL-2003 (Penn Treebank-like) convention the NER
//! model was trained on: punctuation apart, clitics apart ("Microsoft 's", "does n't"),
//! hyphenated words, numbers and abbreviations ("U.S.", "Inc.") whole.

use unicode_segmentation::UnicodeSegmentation;

use crate::range::CharRange;

/// A `[start, end)` range of normalised code points, inside the segmenter.
type Range = (usize, usize);

/// A sentence: its code point range and its words, in the normalised text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// First code point.
    pub start: usize,
    /// End, exclusive.
    pub end: usize,
    /// Its words in order.
    pub words: Vec<CharRange>,
}

impl Sentence {
    /// The sentence's code point range.
    pub fn range(&self) -> CharRange {
        CharRange::new(self.start, self.end)
    }
}

/// Abbreviations that keep their period and do not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "capt", "st",
    "jr", "sr", "rev", "hon", "pres", "supt", "messrs", "mt", "ft", "inc", "corp", "ltd", "co",
    "cos", "bros", "plc", "llc", "vs", "etc", "no", "nos", "vol", "fig", "approx", "est", "dept",
    "univ", "assn", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "mon", "tue", "wed", "thu", "fri", "sat", "sun", "ave", "blvd", "rd", "u.s", "u.k",
    "u.n", "e.u", "a.m", "p.m", "d.c", "i.e", "e.g", "al", "pvt", "pte", "pty", "sdn", "bhd",
];

/// Abbreviations that often end a sentence too ("... in the U.S. The ...").
const FINAL_ABBREVIATIONS: &[&str] = &[
    "inc", "corp", "ltd", "co", "plc", "llc", "etc", "u.s", "u.k", "bhd",
];

const CLITICS: &[&str] = &["s", "re", "ve", "ll", "d", "m"];

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

/// A line ends at a newline or at U+2029, which normalisation puts for a paragraph break
/// where the original had room for one character only ("# Title\ntext").
pub(crate) fn is_line_break(c: char) -> bool {
    c == '\n' || c == PARAGRAPH_SEPARATOR
}

const PARAGRAPH_SEPARATOR: char = '\u{2029}';

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '\u{ad}'
}

/// Splits normalised text into sentences of words.
pub fn segment(chars: &[char]) -> Vec<Sentence> {
    let mut sentences = Vec::new();
    for (line_start, line_end) in lines(chars) {
        let words = word_ranges(chars, line_start, line_end);
        split_sentences(chars, words, &mut sentences);
    }
    sentences
}

/// Lines, joining a line to the previous one when it plainly continues the same sentence
/// (hard-wrapped text: no final punctuation before, lowercase start after).
fn lines(chars: &[char]) -> Vec<Range> {
    let mut out: Vec<Range> = Vec::new();
    let mut start = 0;
    for i in 0..=chars.len() {
        if i < chars.len() && !is_line_break(chars[i]) {
            continue;
        }
        let line = (start, i);
        start = i + 1;
        let paragraph_ends = chars.get(i) == Some(&PARAGRAPH_SEPARATOR);
        let Some(first) = chars[line.0..line.1]
            .iter()
            .position(|c| !c.is_whitespace())
        else {
            // A blank line ends a paragraph: the empty entry stops the next line joining.
            out.push((line.0, line.0));
            continue;
        };
        let continues = out.last().is_some_and(|&(s, e)| {
            e > s
                && chars[s..e]
                    .iter()
                    .rev()
                    .find(|c| !c.is_whitespace())
                    .is_some_and(|c| c.is_alphanumeric() || *c == ',')
                && chars[line.0 + first].is_lowercase()
        });
        match out.last_mut() {
            Some(last) if continues => last.1 = line.1,
            _ => out.push(line),
        }
        if paragraph_ends {
            out.push((i, i));
        }
    }
    out.retain(|&(s, e)| e > s);
    out
}

/// Words of `chars[start..end]`. A word never ends inside a grapheme cluster (`e` +
/// combining acute, emoji ZWJ sequences, flags) nor before a joiner or other invisible
/// format character, which Unicode word boundaries (UAX #29, WB4) skip over.
pub(crate) fn tokenize(chars: &[char], start: usize, end: usize) -> Vec<CharRange> {
    (word_ranges(chars, start, end).into_iter())
        .map(|(s, e)| CharRange::new(s, e))
        .collect()
}

fn word_ranges(chars: &[char], start: usize, end: usize) -> Vec<Range> {
    let clusters = Clusters::new(chars, start, end);
    let mut words = Vec::new();
    let mut i = start;
    while i < end {
        let c = chars[i];
        // A mark or joiner with no word before it belongs to the space it follows.
        if c.is_whitespace() || c.is_control() || c == '\u{200b}' || c == '\u{feff}' || is_glue(c) {
            i += 1;
            continue;
        }
        let j = if is_word_char(c) {
            word_end(chars, i, end)
        } else {
            punct_end(chars, i, end)
        };
        let j = clusters.word_end(chars, j);
        split_clitic(chars, i, j, &clusters, &mut words);
        i = j;
    }
    words
}

/// Grapheme cluster starts of a line, when it has any non-ASCII character.
struct Clusters {
    start: usize,
    end: usize,
    /// `starts[k]`: a cluster starts at `start + k`. Empty for ASCII lines (every character
    /// is a cluster, "\r\n" aside, which is never inside a word).
    starts: Vec<bool>,
}

impl Clusters {
    fn new(chars: &[char], start: usize, end: usize) -> Self {
        let line = &chars[start..end];
        let mut starts = Vec::new();
        if !line.iter().all(char::is_ascii) {
            let text: String = line.iter().collect();
            starts = vec![false; line.len()];
            let mut k = 0;
            for g in text.graphemes(true) {
                starts[k] = true;
                k += g.chars().count();
            }
        }
        Clusters { start, end, starts }
    }

    fn is_start(&self, k: usize) -> bool {
        self.starts.get(k - self.start) != Some(&false)
    }

    /// The first cluster boundary at or after `j` that no joiner or mark follows.
    fn word_end(&self, chars: &[char], mut j: usize) -> usize {
        while j < self.end && (self.starts.get(j - self.start) == Some(&false) || is_glue(chars[j]))
        {
            j += 1;
        }
        j
    }
}

/// Characters that continue the character before them: combining marks, ZWJ, variation
/// selectors, emoji modifiers (grapheme extenders), and invisible format characters
/// (ZWNJ, word joiner, direction marks and isolates).
fn is_glue(c: char) -> bool {
    if c.is_ascii() {
        return false;
    }
    if matches!(c, '\u{200c}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206f}' | '\u{061c}' | '\u{180e}')
    {
        return true;
    }
    // Grapheme-extending: "a" followed by it is one cluster.
    let mut buf = [0u8; 5];
    buf[0] = b'a';
    let n = c.encode_utf8(&mut buf[1..]).len();
    std::str::from_utf8(&buf[..=n]).is_ok_and(|s| s.graphemes(true).nth(1).is_none())
}

/// End of the word starting at `i`: letters and digits, joined by inner hyphens, periods
/// of numbers and abbreviations, `&` (AT&T), apostrophes (O'Neill, and clitics split later).
fn word_end(chars: &[char], i: usize, end: usize) -> usize {
    let mut j = i;
    while j < end {
        let c = chars[j];
        if is_word_char(c) || is_glue(c) {
            j += 1;
            continue;
        }
        let next = chars.get(j + 1).copied().filter(|_| j + 1 < end);
        let joins = match c {
            '-' | '‐' | '&' | '/' | '_' => next.is_some_and(is_word_char),
            '.' | ',' | ':' => {
                let prev_digit = j > i && chars[j - 1].is_ascii_digit();
                prev_digit && next.is_some_and(|n| n.is_ascii_digit())
            }
            c if is_apostrophe(c) => next.is_some_and(char::is_alphabetic),
            _ => false,
        };
        if !joins {
            break;
        }
        j += 1;
    }
    // Abbreviation period: "U.S.", "Inc.", single initials "J.".
    if j < end && chars[j] == '.' {
        let token: String = chars[i..j].iter().collect::<String>().to_lowercase();
        let dotted = initials_end(chars, i, end);
        if dotted > j {
            return dotted;
        }
        let single_initial = j - i == 1 && chars[i].is_uppercase();
        if single_initial || ABBREVIATIONS.contains(&token.as_str()) {
            return j + 1;
        }
    }
    j
}

/// "U.S." / "a.m." style: single letters each followed by a period.
fn initials_end(chars: &[char], i: usize, end: usize) -> usize {
    let mut j = i;
    let mut count = 0;
    while j + 1 < end && chars[j].is_alphabetic() && chars[j + 1] == '.' {
        j += 2;
        count += 1;
    }
    let runs_on = j < end && is_word_char(chars[j]);
    if count >= 2 && !runs_on {
        j
    } else {
        i
    }
}

/// Punctuation: runs of the same mark ("...", "--", "''") stay one token.
fn punct_end(chars: &[char], i: usize, end: usize) -> usize {
    let c = chars[i];
    let mut j = i + 1;
    if matches!(c, '.' | '-' | '\'' | '`' | '!' | '?' | '*' | '=' | '_') {
        while j < end && chars[j] == c {
            j += 1;
        }
    }
    while j < end && is_glue(chars[j]) {
        j += 1;
    }
    j
}

/// Pushes `[i, j)`, splitting a trailing clitic: "Microsoft's" → "Microsoft" + "'s",
/// "doesn't" → "does" + "n't".
fn split_clitic(chars: &[char], i: usize, j: usize, clusters: &Clusters, words: &mut Vec<Range>) {
    if j - i >= 3 {
        if let Some(a) = (i + 1..j).rev().find(|&k| is_apostrophe(chars[k])) {
            let tail: String = chars[a + 1..j].iter().collect::<String>().to_lowercase();
            if tail == "t"
                && a >= i + 2
                && chars[a - 1].eq_ignore_ascii_case(&'n')
                && clusters.is_start(a - 1)
            {
                words.push((i, a - 1));
                words.push((a - 1, j));
                return;
            }
            if CLITICS.contains(&tail.as_str()) && clusters.is_start(a) {
                words.push((i, a));
                words.push((a, j));
                return;
            }
        }
    }
    words.push((i, j));
}

fn is_sentence_final(word: &[char]) -> bool {
    word.iter().all(|c| matches!(c, '.' | '!' | '?' | '…')) && !word.is_empty()
}

fn is_closing(word: &[char]) -> bool {
    word.len() == 1 && matches!(word[0], '"' | '”' | '’' | '\'' | ')' | ']' | '»')
}

fn starts_sentence(word: &[char]) -> bool {
    word.first().is_some_and(|c| {
        c.is_uppercase() || c.is_ascii_digit() || matches!(c, '"' | '“' | '‘' | '(' | '«' | '[')
    })
}

fn split_sentences(chars: &[char], words: Vec<Range>, out: &mut Vec<Sentence>) {
    let text = |r: Range| &chars[r.0..r.1];
    let mut current: Vec<Range> = Vec::new();
    let mut k = 0;
    while k < words.len() {
        current.push(words[k]);
        let w = text(words[k]);
        let mut boundary = is_sentence_final(w) && !is_code_period(chars, &words, k);
        if !boundary && w.last() == Some(&'.') && w.len() > 1 {
            let lower: String = w[..w.len() - 1].iter().collect::<String>().to_lowercase();
            boundary = FINAL_ABBREVIATIONS.contains(&lower.as_str())
                && words
                    .get(k + 1)
                    .is_some_and(|&n| is_likely_sentence_opener(text(n)));
        }
        if boundary {
            // A closing mark hugs the word before it; a straight quote after a space opens.
            while k + 1 < words.len()
                && words[k + 1].0 == words[k].1
                && is_closing(text(words[k + 1]))
            {
                k += 1;
                current.push(words[k]);
            }
            if words.get(k + 1).is_none_or(|&n| starts_sentence(text(n))) {
                flush(&mut current, out);
            }
        }
        k += 1;
    }
    flush(&mut current, out);
}

/// A period inside an instrument code written without spaces ("AA.N", "7203.T", "RDSa.L"):
/// edited prose puts a space after a sentence's final period, and business news writes a
/// ticker beside nearly every company it names, so ending the sentence there would cut
/// "Alcoa Inc. ( AA.N ) on Tuesday announced ..." in two.
fn is_code_period(chars: &[char], words: &[Range], k: usize) -> bool {
    let (Some(&before), Some(&period), Some(&after)) = (
        k.checked_sub(1).and_then(|b| words.get(b)),
        words.get(k),
        words.get(k + 1),
    ) else {
        return false;
    };
    let code = &chars[before.0..before.1];
    let suffix = &chars[after.0..after.1];
    let code_like = code
        .first()
        .is_some_and(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && code
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || matches!(c, 'a'..='c'));
    before.1 == period.0
        && period.1 == after.0
        && period.1 - period.0 == 1
        && code_like
        && (1..=2).contains(&suffix.len())
        && suffix.iter().all(char::is_ascii_uppercase)
}

/// Capitalised function words that start sentences but rarely continue a company name.
fn is_likely_sentence_opener(word: &[char]) -> bool {
    let w: String = word.iter().collect();
    matches!(
        w.as_str(),
        "The"
            | "It"
            | "He"
            | "She"
            | "They"
            | "We"
            | "I"
            | "But"
            | "And"
            | "In"
            | "A"
            | "This"
            | "That"
            | "Its"
            | "Their"
            | "His"
            | "Her"
            | "Shares"
            | "On"
            | "At"
            | "For"
    )
}

fn flush(current: &mut Vec<Range>, out: &mut Vec<Sentence>) {
    if let (Some(first), Some(last)) = (current.first(), current.last()) {
        out.push(Sentence {
            start: first.0,
            end: last.1,
            words: (current.drain(..))
                .map(|(start, end)| CharRange::new(start, end))
                .collect(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        tokenize(&chars, 0, chars.len())
            .into_iter()
            .map(|r| chars[r.start..r.end].iter().collect())
            .collect()
    }

    fn sentences(text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        segment(&chars)
            .into_iter()
            .map(|s| chars[s.start..s.end].iter().collect())
            .collect()
    }

    #[test]
    fn words_follow_conll_conventions() {
        assert_eq!(
            words(
                "Microsoft's U.S. unit doesn't sell 1,000.5 AT&T-made \"enterprise-grade\" kits."
            ),
            vec![
                "Microsoft",
                "'s",
                "U.S.",
                "unit",
                "does",
                "n't",
                "sell",
                "1,000.5",
                "AT&T-made",
                "\"",
                "enterprise-grade",
                "\"",
                "kits",
                "."
            ]
        );
    }

    #[test]
    fn curly_apostrophes_and_names() {
        assert_eq!(words("OpenAI’s O'Neill"), vec!["OpenAI", "’s", "O'Neill"]);
        assert_eq!(words("Mr. J. Smith"), vec!["Mr.", "J.", "Smith"]);
    }

    /// Issue 11 item 14: `Ame` was cut from `Ame\u{301}lie`, `Reu` from `Reu\u{2060}ters`.
    #[test]
    fn words_never_end_inside_a_grapheme_or_before_a_joiner() {
        assert_eq!(
            words("Ame\u{301}lie Dupont"),
            vec!["Ame\u{301}lie", "Dupont"]
        );
        assert_eq!(
            words("Reu\u{2060}ters said"),
            vec!["Reu\u{2060}ters", "said"]
        );
        // ZWNJ inside a Persian word, ZWJ inside an emoji, a variation selector, a flag.
        assert_eq!(
            words("\u{645}\u{6cc}\u{200c}\u{62e}\u{648}\u{627}\u{647}\u{645}"),
            vec!["\u{645}\u{6cc}\u{200c}\u{62e}\u{648}\u{627}\u{647}\u{645}"]
        );
        assert_eq!(
            words("a \u{1f469}\u{200d}\u{1f4bb} b"),
            vec!["a", "\u{1f469}\u{200d}\u{1f4bb}", "b"]
        );
        assert_eq!(
            words("Apple\u{fe0f}'s \u{1f1fa}\u{1f1f8}!"),
            vec!["Apple\u{fe0f}", "'s", "\u{1f1fa}\u{1f1f8}", "!"]
        );
        // A mark or a direction mark with nothing before it is not a word of its own.
        assert_eq!(words("x \u{301}\u{200f}y"), vec!["x", "y"]);
        // Found by tests/fuzz.rs: a clitic split inside a cluster (a prepended sign).
        assert_eq!(words("\u{11941}'m"), vec!["\u{11941}'m"]);
        // Found by tests/fuzz.rs: a joiner after an abbreviation's period.
        assert_eq!(words("Mr.\u{2060} Smith"), vec!["Mr.\u{2060}", "Smith"]);
        assert_eq!(
            words("\u{201c}\u{301}Hi\u{200d}\u{201d}"),
            vec!["\u{201c}\u{301}", "Hi\u{200d}", "\u{201d}"]
        );
    }

    #[test]
    fn sentences_survive_abbreviations_and_quotes() {
        let got = sentences(
            "Mr. Smith went to Washington. \"It is great.\" He left at 5 p.m. on Friday.",
        );
        assert_eq!(
            got,
            vec![
                "Mr. Smith went to Washington.",
                "\"It is great.\"",
                "He left at 5 p.m. on Friday."
            ]
        );
    }

    #[test]
    fn lines_are_boundaries_but_wrapped_lines_join() {
        let got = sentences("Headline Here\n\nThe company said\nit would grow.\nNext line");
        assert_eq!(
            got,
            vec![
                "Headline Here",
                "The company said\nit would grow.",
                "Next line"
            ]
        );
    }

    #[test]
    fn legal_forms_of_two_abbreviations_stay_in_one_name() {
        // India's "Pvt. Ltd.", Singapore's "Pte. Ltd.", Australia's "Pty. Ltd.", Malaysia's
        // "Sdn. Bhd.": the first period ends no sentence.
        for name in ["Pvt. Ltd.", "Pte. Ltd.", "Pty. Ltd.", "Sdn. Bhd."] {
            let text = format!(
                "Hopeful on banks: Sanjay Dutt, Quantum Securities {name} The deal closed."
            );
            let got = sentences(&text);
            assert_eq!(got.len(), 2, "{got:?}");
            assert!(got[0].ends_with(name), "{got:?}");
        }
    }

    #[test]
    fn instrument_codes_end_no_sentence() {
        let got = sentences(
            "Alcoa Inc. ( AA.N ) on Tuesday cut jobs. Honda ( 7267.T ) and Shell's ( RDSa.L ) \
             agreed. Macquarie MBL.AX, fresh from a deal, bid. It ended at No.1. Then it fell.",
        );
        assert_eq!(
            got,
            vec![
                "Alcoa Inc. ( AA.N ) on Tuesday cut jobs.",
                "Honda ( 7267.T ) and Shell's ( RDSa.L ) agreed.",
                "Macquarie MBL.AX, fresh from a deal, bid.",
                "It ended at No.1.",
                "Then it fell."
            ]
        );
    }

    #[test]
    fn company_suffix_can_end_a_sentence() {
        let got = sentences("He joined Apple Inc. The deal closed.");
        assert_eq!(got, vec!["He joined Apple Inc.", "The deal closed."]);
    }
}
