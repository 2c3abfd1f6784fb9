//! Property tests over the text stages: arbitrary Unicode never panics and every range they
//! produce maps back inside the original text.

use claimlink::text::{segment, Markup, Normalized};
use proptest::prelude::*;

fn check(text: &str) {
    let original_len = text.chars().count();
    for markup in [Markup::Markdown, Markup::Plain] {
        let normalized = Normalized::new(text, markup);
        assert_eq!(normalized.chars.len(), normalized.origin.len());
        assert!(
            normalized.origin.windows(2).all(|w| w[0] < w[1]),
            "origin is increasing"
        );
        for sentence in segment(&normalized.chars) {
            assert!(sentence.start < sentence.end && sentence.end <= normalized.len());
            for &word in &sentence.words {
                assert!(sentence.start <= word.start && !word.is_empty());
                assert!(word.end <= sentence.end);
                let (os, oe) = normalized.to_original(word).expect("maps back");
                assert!(os < oe && oe <= original_len);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_unicode(text in "\\PC{0,300}") {
        check(&text);
    }

    #[test]
    fn markup_heavy(text in "[-*_#>\\[\\]()!<>&;a-zA-Z0-9 .\"“”'’\n]{0,300}") {
        check(&text);
    }
}

#[test]
fn thousands_of_quote_marks_and_deep_markup() {
    check(&"\"“”'’".repeat(2000));
    check(&"[".repeat(5000));
    check(&"**a** [b](c) ".repeat(2000));
    check(&"<b>".repeat(3000));
    // Markdown that the parser rewrites or hides, at length: decoded characters in a code
    // span (aligned within a bounded look-ahead), entities, comments, scripts, fences.
    check(&format!("`{}`", "\0\r".repeat(20_000)));
    check(&"&amp;&eacute;&#0;".repeat(3000));
    check(&"<!-- a --> <script>b</script> ```\nc\n".repeat(2000));
}
