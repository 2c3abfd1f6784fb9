//! Fuzzing the stages that take raw input, with hostile generated text: the reader's line
//! parser (arbitrary bytes and broken JSON), the normaliser (both markups), the segmenter
//! and the quote finder. Each must not panic, and every offset it gives must be valid:
//! inside the text, start <= end, and mapped back through the normaliser, inside the
//! original on code point boundaries.
//!
//! The normal test run tries proptest's default number of cases (256 per property, a few
//! seconds). The long run, whose result the README states:
//!
//! ```sh
//! PROPTEST_CASES=100000 cargo test --release --test fuzz
//! ```

use claimlink::claims::quotes::{find_quotes, paragraphs};
use claimlink::doc::{CharIndex, CharRange};
use claimlink::io::read::parse_line;
use claimlink::text::{segment, Markup, Normalized};
use proptest::prelude::*;
use unicode_segmentation::UnicodeSegmentation;

/// Pieces that stress the text stages: markup of every kind, entities, quotes of every
/// kind, combining marks, joiners, right-to-left text and controls.
const FRAGMENTS: &[&str] = &[
    "**",
    "__",
    "*",
    "_",
    "~~",
    "`",
    "``",
    "```",
    "~~~",
    "    ",
    "\t",
    "# ",
    "## ",
    "###### ",
    "> ",
    ">",
    "- ",
    "+ ",
    "1. ",
    "2) ",
    "[",
    "]",
    "](",
    "(",
    ")",
    "![",
    "[x] ",
    "|",
    " | ",
    "|---|",
    "---",
    "===",
    "\\",
    "\\*",
    "<",
    ">",
    "</",
    "<!--",
    "-->",
    "<!DOCTYPE html>",
    "<?x ?>",
    "<![CDATA[",
    "]]>",
    "<script>",
    "</script>",
    "<SCRIPT src=\"a>b\">",
    "<style>",
    "</style>",
    "<pre>",
    "</pre>",
    "<p>",
    "</p>",
    "<br>",
    "<br/>",
    "<div class='x'>",
    "</div>",
    "<td>",
    "<b>",
    "</b>",
    "<a href=\"#\">",
    "</a>",
    "&",
    ";",
    "&amp;",
    "&eacute;",
    "&nbsp;",
    "&#8220;",
    "&#x201D;",
    "&#0;",
    "&#x110000;",
    "&NotEqualTilde;",
    "&bogus;",
    "\"",
    "“",
    "”",
    "‘",
    "’",
    "„",
    "«",
    "»",
    "'",
    "''",
    "`",
    "‹",
    "›",
    "「",
    "」",
    "\u{301}",
    "\u{308}\u{323}",
    "\u{200d}",
    "\u{200c}",
    "\u{2060}",
    "\u{fe0f}",
    "\u{e0100}",
    "\u{1f3fd}",
    "\u{1f469}\u{200d}\u{1f4bb}",
    "\u{1f1fa}\u{1f1f8}",
    "\u{200f}",
    "\u{200e}",
    "\u{202e}",
    "\u{2067}",
    "\u{2069}",
    "שלום",
    "مرحبا",
    "\u{645}\u{6cc}\u{200c}",
    "\u{2029}",
    "\u{2028}",
    "\u{200b}",
    "\u{feff}",
    "\u{ad}",
    "\u{0}",
    "\u{7f}",
    "\r",
    "\n",
    "\n\n",
    "\r\n",
    " ",
    "  \n",
    ".",
    ",",
    "!",
    "?",
    "…",
    "Mr.",
    "U.S.",
    "n't",
    "'s",
    "Apple",
    "APPLE",
    "said",
    "Reuters",
    "OpenAI",
    "Ame\u{301}lie",
    "Reu\u{2060}ters",
    "according to",
];

fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(FRAGMENTS).prop_map(str::to_string),
        1 => any::<char>().prop_map(|c| c.to_string()),
        1 => "[a-zA-Z]{1,8}",
    ]
}

/// Hostile text: up to 80 fragments.
fn hostile() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..80).prop_map(|parts| parts.concat())
}

/// A JSONL line as a user might send it, then maybe broken: cut, or a byte overwritten.
fn jsonl_line() -> impl Strategy<Value = Vec<u8>> {
    let value = prop_oneof![
        hostile().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        Just(serde_json::Value::Null),
        Just(serde_json::json!([{"start": 0, "end": 1}, {"start": 5}])),
    ];
    let targets = prop::collection::vec((0u64..400, 0u64..400), 0..4).prop_map(|t| {
        serde_json::Value::from(
            t.into_iter()
                .map(|(s, e)| serde_json::json!({"start": s, "end": e}))
                .collect::<Vec<_>>(),
        )
    });
    (
        value.clone(),
        hostile(),
        value,
        prop::option::of(targets),
        any::<Option<(usize, u8)>>(),
        any::<Option<usize>>(),
    )
        .prop_map(|(id, text, title, targets, poke, cut)| {
            let mut record = serde_json::json!({"id": id, "text": text, "title": title});
            if let Some(t) = targets {
                record["targets"] = t;
            }
            let mut bytes = record.to_string().into_bytes();
            if let Some((at, byte)) = poke {
                let len = bytes.len();
                bytes[at % len] = byte;
            }
            if let Some(at) = cut {
                bytes.truncate(at % (bytes.len() + 1));
            }
            bytes
        })
}

/// The line parser: no panic; an article's targets are non-empty ranges inside its text.
fn check_line(bytes: &[u8]) {
    match parse_line(bytes, "fuzz.jsonl", 7) {
        Ok(article) => {
            assert!(std::str::from_utf8(bytes).is_ok());
            let len = article.text.chars().count();
            for &(s, e) in article.targets.iter().flatten() {
                assert!(s < e && e <= len, "target {s}..{e} in {len} code points");
            }
        }
        Err(error) => {
            assert!(!error.kind.is_empty() && !error.message.is_empty());
        }
    }
}

/// Characters a word must never end before (UAX #29 WB4 joins them to the word).
fn is_joiner(c: char) -> bool {
    matches!(c, '\u{200c}'..='\u{200f}' | '\u{2060}'..='\u{2064}')
}

/// Normaliser, segmenter and quote finder on `text` in one markup: every offset valid.
fn check_text(text: &str, markup: Markup) {
    let original: Vec<char> = text.chars().collect();
    let index = CharIndex::new(text);
    let n = Normalized::new(text, markup);
    let len = n.len();
    assert_eq!(n.original_len, original.len());
    assert_eq!(n.origin.len(), len);
    assert_eq!(n.ends.len(), len);
    for i in 0..len {
        let next = n.origin.get(i + 1).copied().unwrap_or(n.original_len);
        assert!(
            n.origin[i] < n.ends[i] && n.ends[i] <= next,
            "char {i} maps to {}..{} before {next}",
            n.origin[i],
            n.ends[i]
        );
        // A character is the original one, a break markup stands for, or decoded from an
        // entity that starts at most 40 code points before.
        let at = n.origin[i];
        let entity = original[at.saturating_sub(40)..=at].contains(&'&');
        assert!(
            n.chars[i] == original[at] || n.chars[i].is_whitespace() || entity,
            "{:?} from {:?}",
            n.chars[i],
            original[at]
        );
    }
    let original_span = |s: usize, e: usize| {
        let (os, oe) = n
            .to_original(CharRange::new(s, e))
            .expect("a non-empty range maps back");
        assert!(os < oe && oe <= original.len());
        assert!(
            index.span(text, os, oe).is_some(),
            "{os}..{oe} slices the original"
        );
        let back = n.from_original(os, oe).expect("and forward again");
        let (ns, ne) = (back.start, back.end);
        assert!(ns <= s && e <= ne, "{s}..{e} → {os}..{oe} → {ns}..{ne}");
    };
    let normalized: String = n.chars.iter().collect();
    let mut boundaries = vec![false; len + 1];
    let mut k = 0;
    for g in normalized.graphemes(true) {
        boundaries[k] = true;
        k += g.chars().count();
    }
    boundaries[len] = true;
    let mut previous_end = 0;
    for sentence in segment(&n.chars) {
        assert!(sentence.start < sentence.end && sentence.end <= len);
        assert!(previous_end <= sentence.start, "sentences in order, apart");
        previous_end = sentence.end;
        for &word in &sentence.words {
            let (s, e) = (word.start, word.end);
            assert!(sentence.start <= s && s < e && e <= sentence.end);
            assert!(
                boundaries[s] && boundaries[e],
                "word {s}..{e} cuts a grapheme"
            );
            assert!(
                !n.chars.get(e).copied().is_some_and(is_joiner),
                "word {s}..{e} ends at a joiner"
            );
            original_span(s, e);
        }
    }
    for q in find_quotes(&n.chars) {
        assert!(q.open <= q.start && q.start < q.end && q.end <= q.close && q.close <= len);
        original_span(q.start, q.end);
    }
    for (s, e) in paragraphs(&n.chars) {
        assert!(s < e && e <= len);
        original_span(s, e);
    }
}

proptest! {
    // Cases from PROPTEST_CASES (default 256); failures become named tests below instead
    // of a seed file.
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn line_parser_takes_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        check_line(&bytes);
    }

    #[test]
    fn line_parser_takes_broken_json(bytes in jsonl_line()) {
        check_line(&bytes);
    }

    #[test]
    fn text_stages_take_hostile_markdown(text in hostile()) {
        check_text(&text, Markup::Markdown);
    }

    #[test]
    fn text_stages_take_hostile_plain_text(text in hostile()) {
        check_text(&text, Markup::Plain);
    }

    #[test]
    fn text_stages_take_any_unicode(text in "\\PC{0,200}", markdown in any::<bool>()) {
        check_text(&text, if markdown { Markup::Markdown } else { Markup::Plain });
    }

    /// Fenced code, comments, scripts, styles and preformatted blocks never reach the text,
    /// whatever is in them. (An indented paragraph is text: see `text::markup`.)
    #[test]
    fn hidden_content_stays_hidden(
        before in "[A-Za-z ,.]{0,40}",
        inside in prop::collection::vec(fragment(), 0..20),
        after in "[A-Za-z ,.]{0,40}",
        how in 0usize..6,
    ) {
        // One line: a line break would end a comment's or a fence's line early.
        // The marker has a digit, which `before` and `after` cannot.
        let inside = format!("zq7x{}zq7x", inside.concat().replace(['\n', '\r'], " "));
        let wrapped = match how {
            0 => format!("\n\n```\n{}\n```\n\n", inside.replace("```", "")),
            1 => format!("\n\n~~~\n{}\n~~~\n\n", inside.replace("~~~", "")),
            2 => format!(" <!-- {} --> ", without(&inside, "--")),
            3 => format!(" <script>{}</script> ", inside.to_lowercase().replace("</script", "")),
            4 => format!("\n\n<style>\n{}\n</style>\n\n", inside.to_lowercase().replace("</style", "")),
            _ => format!("\n\n<pre>{}</pre>\n\n", inside.to_lowercase().replace("</pre", "")),
        };
        let text = format!("{before}{wrapped}{after}");
        let n = Normalized::new(&text, Markup::Markdown);
        let plain: String = n.chars.iter().collect();
        prop_assert!(!plain.to_lowercase().contains("zq7x"), "{:?} → {:?}", text, plain);
    }
}

/// `text` with every `pattern` removed, also those the removal itself brings together.
fn without(text: &str, pattern: &str) -> String {
    let mut out = text.to_string();
    while out.contains(pattern) {
        out = out.replace(pattern, "");
    }
    out
}

// Regressions the fuzzer found, each fixed where it was.

/// A word ended before a word joiner that followed an abbreviation's period.
#[test]
fn joiner_after_an_abbreviation_period() {
    check_text("Mr.\u{2060}", Markup::Plain);
    check_text("Mr.\u{2060} Smith", Markup::Markdown);
}

/// A clitic ("'m") was split off inside a grapheme cluster: U+11941 is a prepended sign.
#[test]
fn clitic_split_inside_a_grapheme_cluster() {
    check_text("\u{11941}'m[", Markup::Plain);
}

/// A code span's line ending, a space for the parser, was aligned to a later space.
#[test]
fn code_span_over_a_line_ending() {
    check_text("`\r\"according to`", Markup::Markdown);
}
