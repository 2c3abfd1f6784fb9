//! `claimlink eval quotes`: direct quotations and their attribution against PolNeAR.
//!
//! Reads: a PolNeAR split folder (see `eval::polnear`) and runs the real pipeline
//! (`Pipeline::annotate`, plain markup) on each article's text. Writes: `QuoteScores`.
//!
//! Gold convention (so numbers compare with published baselines): a gold content is
//! direct when all its letters and digits lie between double quotation marks (`"`,
//! `“ ”`, `''` pairs); each quoted piece of it is one gold quote (a content split by
//! `"...," he said, "..."` gives two; a quote running over paragraphs gives one per
//! paragraph), trimmed like predictions (`claims::quotes::trim_content`). Contents that
//! mix quoted and unquoted text are "don't care" regions: a prediction that overlaps no
//! gold quote but overlaps one of them is ignored. Scores: content exact and overlap
//! P/R/F1 (overlap: any shared character, one-to-one, largest overlaps first); on
//! overlap-matched quotes, speaker accuracy (the predicted speaker mention overlaps the
//! gold source, or its text or name equals it ignoring case; a gold quote without a
//! source wants no speaker) and cue accuracy (same test); end to end, a quote counts only
//! with its right speaker.

use std::path::Path;
use std::time::Instant;

use crate::claims::lexicon::is_cue;
use crate::claims::quotes::trim_content;
use crate::doc::{Article, CharRange};
use crate::error::{Error, Result};
use crate::eval::metrics::{match_by_overlap, overlap, Counts};
use crate::eval::polnear::{read_split, Attribution, Fragment};
use crate::pipeline::Pipeline;
use crate::record::{Claim, ClaimKind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoldQuote {
    pub range: Fragment,
    /// Sources and cues of every attribution whose content holds this piece.
    pub sources: Vec<Vec<Fragment>>,
    pub cues: Vec<Vec<Fragment>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gold {
    pub quotes: Vec<GoldQuote>,
    pub dont_care: Vec<Fragment>,
    /// Contents with no quoted letter at all: one per fragment, trimmed like quotes.
    pub indirect: Vec<GoldQuote>,
}

impl Gold {
    /// The indirect contents as the gold to score indirect claims against: direct quotes
    /// and mixed contents are don't-care regions for them.
    pub(crate) fn indirect_view(&self) -> Gold {
        let mut dont_care = self.dont_care.clone();
        dont_care.extend(self.quotes.iter().map(|q| q.range));
        Gold {
            quotes: self.indirect.clone(),
            dont_care,
            indirect: Vec::new(),
        }
    }
}

fn file(into: &mut Vec<GoldQuote>, range: Fragment, a: &Attribution) {
    match into.iter_mut().find(|g| g.range == range) {
        Some(g) => {
            g.sources.push(a.source.clone());
            g.cues.push(a.cue.clone());
        }
        None => into.push(GoldQuote {
            range,
            sources: vec![a.source.clone()],
            cues: vec![a.cue.clone()],
        }),
    }
}

/// A predicted quote as the scorer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Predicted {
    pub quote: Fragment,
    pub speaker: Option<Fragment>,
    /// Mention text and name of the speaker.
    pub speaker_texts: Vec<String>,
    pub cue: Option<Fragment>,
}

impl Predicted {
    pub fn from_claims(claims: &[Claim]) -> Vec<Predicted> {
        claims
            .iter()
            .map(|c| {
                let mention = c.speaker.as_ref().and_then(|s| s.mention.as_ref());
                Predicted {
                    quote: (c.quote.start, c.quote.end),
                    speaker: mention.map(|m| (m.start, m.end)),
                    speaker_texts: speaker_texts(c),
                    cue: c.cue.as_ref().map(|c| (c.start, c.end)),
                }
            })
            .collect()
    }
}

/// Which characters of `[s, e)` are inside double quotation marks (marks excluded),
/// reading the marks of the fragment and one just outside it; a line break closes.
fn inside_marks(chars: &[char], s: usize, e: usize) -> Vec<bool> {
    let is_mark_char = |c: char| matches!(c, '"' | '“' | '”') || c == '\'';
    let mut a = s;
    while a > 0 && chars[a - 1] == ' ' {
        a -= 1;
    }
    while a > 0 && is_mark_char(chars[a - 1]) && s - a < 4 {
        a -= 1;
    }
    let mut inside = vec![false; e - s];
    let mut depth = 0usize;
    let mut i = a;
    while i < e {
        let c = chars[i];
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let run = chars[i..chars.len().min(i + 3)]
            .iter()
            .take_while(|&&x| x == '\'')
            .count();
        let after = chars.get(i + run.max(1)).copied();
        // Space (or an opening bracket) before a mark opens, space or punctuation after
        // it closes; when both or neither, it closes an open quote.
        let space_before = prev.is_none_or(|p| p.is_whitespace() || "([{—–-/".contains(p));
        let space_after = after.is_none_or(|n| n.is_whitespace() || ",.;:!?)]}—–-/…".contains(n));
        let opens = match (space_before, space_after) {
            (true, false) => true,
            (false, true) => false,
            _ => depth == 0,
        };
        // `''` is a double mark; in `'''` it is the outer pair, the other one is nested.
        let double_quote = c == '"' || (c == '\'' && (run == 2 || (run == 3 && opens)));
        let width = if c == '\'' && double_quote { 2 } else { 1 };
        let before = depth;
        let curly_opens = (c == '“' && (space_before || !space_after))
            || (c == '”' && space_before && after.is_some_and(char::is_alphanumeric));
        if c == '\n' {
            depth = 0;
        } else if curly_opens || (double_quote && opens) {
            depth += 1;
        } else if c == '“' || c == '”' || double_quote {
            depth = depth.saturating_sub(1);
        }
        // Text, and nested marks, inside the outer pair are the quote's content.
        if before.min(depth) > 0 {
            for k in i..i + width {
                if k >= s && k < e {
                    inside[k - s] = true;
                }
            }
        }
        i += width;
    }
    inside
}

/// Direct gold quotes and don't-care regions of one article.
pub fn gold_quotes(chars: &[char], attributions: &[Attribution]) -> Gold {
    let mut gold = Gold::default();
    for a in attributions {
        let mut pieces = Vec::new();
        let (mut quoted, mut unquoted) = (false, false);
        for &(s, e) in &a.content {
            if e > chars.len() || s >= e {
                continue;
            }
            let inside = inside_marks(chars, s, e);
            for (k, &c) in chars[s..e].iter().enumerate() {
                if c.is_alphanumeric() {
                    quoted |= inside[k];
                    unquoted |= !inside[k];
                }
            }
            let mut k = 0;
            while k < inside.len() {
                let run = inside[k..].iter().take_while(|&&x| x).count();
                if run > 0 {
                    let piece = trim_content(chars, CharRange::new(s + k, s + k + run));
                    pieces.extend(piece.map(|r| (r.start, r.end)));
                }
                k += run.max(1);
            }
        }
        if quoted && unquoted {
            gold.dont_care.extend(a.content.iter().copied());
        } else if quoted {
            for range in pieces {
                file(&mut gold.quotes, range, a);
            }
        } else if unquoted {
            for &(s, e) in &a.content {
                if let Some(r) = trim_content(chars, CharRange::new(s, e.min(chars.len()))) {
                    file(&mut gold.indirect, (r.start, r.end), a);
                }
            }
        }
    }
    gold.quotes.sort_by_key(|g| g.range);
    gold.indirect.sort_by_key(|g| g.range);
    gold
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuoteScores {
    pub exact: Counts,
    pub overlap: Counts,
    pub end_to_end: Counts,
    pub speaker_right: usize,
    pub cue_right: usize,
    /// Overlap-matched quotes (the denominator of the accuracies).
    pub matched: usize,
    pub ignored: usize,
    pub dont_care: usize,
    pub documents: usize,
    /// Matched quotes with a wrong speaker whose gold Source is a speech verb while the
    /// gold Cue holds the predicted speaker: Source and Cue swapped in the annotation.
    pub swapped: usize,
}

/// Whether a predicted speaker text names what the gold source text names: the same words,
/// or a full name whose last words are the gold's ("Donald Trump" for a gold "Trump": the
/// record names a person by the fullest name the article gives).
fn same_person_name(predicted: &str, gold: &str) -> bool {
    let predicted = predicted.to_lowercase();
    !predicted.is_empty()
        && !gold.is_empty()
        && (predicted == gold || predicted.ends_with(&format!(" {gold}")))
}

fn text_of(chars: &[char], fragments: &[Fragment]) -> String {
    let words: Vec<String> = fragments
        .iter()
        .filter(|&&(s, e)| s < e && e <= chars.len())
        .map(|&(s, e)| chars[s..e].iter().collect::<String>())
        .collect();
    words
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Does the prediction fit one of the gold alternatives (an empty one wants none)?
fn fits(chars: &[char], gold: &[Vec<Fragment>], span: Option<Fragment>, texts: &[String]) -> bool {
    gold.iter().any(|g| match span {
        None => g.is_empty(),
        Some(p) => {
            let text = text_of(chars, g);
            g.iter().any(|&f| overlap(f, p) > 0) || texts.iter().any(|t| same_person_name(t, &text))
        }
    })
}

impl QuoteScores {
    /// Scores the predictions of one article.
    pub fn add(&mut self, chars: &[char], gold: &Gold, predicted: &[Predicted]) {
        self.documents += 1;
        self.dont_care += gold.dont_care.len();
        let counted: Vec<&Predicted> = predicted
            .iter()
            .filter(|p| {
                let on_gold = gold.quotes.iter().any(|g| overlap(g.range, p.quote) > 0);
                on_gold || !gold.dont_care.iter().any(|&d| overlap(d, p.quote) > 0)
            })
            .collect();
        self.ignored += predicted.len() - counted.len();
        let exact = counted
            .iter()
            .filter(|p| gold.quotes.iter().any(|g| g.range == p.quote))
            .count();
        let ranges: Vec<Fragment> = counted.iter().map(|p| p.quote).collect();
        let gold_ranges: Vec<Fragment> = gold.quotes.iter().map(|g| g.range).collect();
        let (mut matched, mut both) = (0, 0);
        for (i, j) in match_by_overlap(&ranges, &gold_ranges) {
            matched += 1;
            let (p, g) = (counted[i], &gold.quotes[j]);
            let speaker = fits(chars, &g.sources, p.speaker, &p.speaker_texts);
            let cue_text: Vec<String> = p.cue.iter().map(|&c| text_of(chars, &[c])).collect();
            let cue = fits(chars, &g.cues, p.cue, &cue_text);
            self.speaker_right += usize::from(speaker);
            self.cue_right += usize::from(cue);
            let swapped = !speaker
                && g.sources.iter().zip(&g.cues).any(|(s, c)| {
                    is_cue(&text_of(chars, s))
                        && fits(chars, std::slice::from_ref(c), p.speaker, &p.speaker_texts)
                });
            self.swapped += usize::from(swapped);
            both += usize::from(speaker);
        }
        self.matched += matched;
        let count = |tp: usize| Counts {
            tp,
            fp: counted.len() - tp,
            fn_: gold.quotes.len() - tp,
        };
        self.exact.add(count(exact));
        self.overlap.add(count(matched));
        self.end_to_end.add(count(both));
    }

    /// The counts and accuracies, for `--json`.
    pub fn to_json(&self) -> serde_json::Value {
        let of = |right: usize| right as f64 / self.matched.max(1) as f64;
        serde_json::json!({
            "content_exact": self.exact.to_json(),
            "content_overlap": self.overlap.to_json(),
            "quote_speaker": self.end_to_end.to_json(),
            "speaker_accuracy": {"value": of(self.speaker_right), "right": self.speaker_right, "of": self.matched},
            "cue_accuracy": {"value": of(self.cue_right), "right": self.cue_right, "of": self.matched},
            "documents": self.documents,
            "ignored": self.ignored,
            "dont_care": self.dont_care,
            "swapped": self.swapped,
        })
    }

    /// The report table.
    pub fn table(&self, title: &str) -> String {
        let mut out = Counts::header(title, 22);
        for (name, c) in [
            ("content exact", &self.exact),
            ("content overlap", &self.overlap),
            ("quote+speaker", &self.end_to_end),
        ] {
            out += &c.row(name, 22);
        }
        for (name, right) in [
            ("speaker accuracy", self.speaker_right),
            ("cue accuracy", self.cue_right),
        ] {
            out += &format!(
                "{name:<22} {:>9.4}   ({right} of {} matched quotes)\n",
                right as f64 / self.matched.max(1) as f64,
                self.matched
            );
        }
        out += &format!(
            "{} articles; {} predictions ignored on {} don't-care (mixed) contents\n",
            self.documents, self.ignored, self.dont_care
        );
        out += &format!(
            "{} wrong speakers sit where the gold swapped Source and Cue (Source \"said\", \
             Cue the name); counting them right, speaker accuracy {:.4}\n",
            self.swapped,
            (self.speaker_right + self.swapped) as f64 / self.matched.max(1) as f64
        );
        out
    }
}

pub struct QuotesEval {
    pub scores: QuoteScores,
    pub indirect: QuoteScores,
    pub seconds: f64,
}

impl QuotesEval {
    /// The metrics object of `eval quotes --json`.
    pub fn to_json(&self, gold: &Path) -> serde_json::Value {
        serde_json::json!({
            "eval": "quotes",
            "gold": gold.display().to_string(),
            "seconds": self.seconds,
            "direct": self.scores.to_json(),
            "indirect": self.indirect.to_json(),
        })
    }

    /// What `claimlink eval quotes` prints for the split `gold`: a heading line, then the
    /// direct and the indirect tables.
    pub fn report(&self, gold: &Path) -> String {
        format!(
            "eval quotes: {} ({} articles, {:.1} s)\n{}{}",
            gold.display(),
            self.scores.documents,
            self.seconds,
            self.scores.table("direct quotes"),
            self.indirect.table("indirect claims")
        )
    }
}

/// Runs the pipeline on every article of a PolNeAR split and scores its direct quotes.
pub fn eval_quotes(pipeline: &Pipeline, split: &Path) -> Result<QuotesEval> {
    let docs = read_split(split)?;
    if docs.is_empty() {
        return Err(Error::Invalid(format!(
            "{} holds no annotated articles: expected text/NAME.txt with attributions/NAME_*.ann",
            split.display()
        )));
    }
    let started = Instant::now();
    let (mut scores, mut indirect) = (QuoteScores::default(), QuoteScores::default());
    for chunk in docs.chunks(16) {
        let articles: Vec<Article> = chunk
            .iter()
            .map(|d| Article::new(d.name.clone(), d.text.clone()))
            .collect();
        for (result, doc) in pipeline.annotate(&articles)?.into_iter().zip(chunk) {
            let annotated = result.map_err(Error::Invalid)?;
            let chars: Vec<char> = doc.text.chars().collect();
            let gold = gold_quotes(&chars, &doc.attributions);
            let (direct_claims, indirect_claims): (Vec<Claim>, Vec<Claim>) =
                (annotated.record.claims)
                    .into_iter()
                    .partition(|c| c.kind == ClaimKind::Direct);
            scores.add(&chars, &gold, &Predicted::from_claims(&direct_claims));
            indirect.add(
                &chars,
                &gold.indirect_view(),
                &Predicted::from_claims(&indirect_claims),
            );
        }
    }
    Ok(QuotesEval {
        scores,
        indirect,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// The texts a predicted speaker goes by: its name and its mention's text.
pub(crate) fn speaker_texts(claim: &Claim) -> Vec<String> {
    (claim.speaker.iter())
        .flat_map(|s| {
            [
                Some(s.name.clone()),
                s.mention.as_ref().map(|m| m.text.clone()),
            ]
        })
        .flatten()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, piece: &str) -> Fragment {
        let b = text.find(piece).expect("piece in text");
        let s = text[..b].chars().count();
        (s, s + piece.chars().count())
    }

    fn attribution(text: &str, content: &[&str], source: &str) -> Attribution {
        Attribution {
            content: content.iter().map(|c| at(text, c)).collect(),
            cue: vec![at(text, "said")],
            source: vec![at(text, source)],
        }
    }

    fn pieces(text: &str, gold: &Gold) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        gold.quotes
            .iter()
            .map(|g| chars[g.range.0..g.range.1].iter().collect())
            .collect()
    }

    #[test]
    fn interrupted_quote_gives_one_gold_piece_per_quoted_part() {
        let text = "“We won,” Zoë said, “and we will win again.”";
        let a = attribution(text, &["“We won,”", "“and we will win again.”"], "Zoë");
        let chars: Vec<char> = text.chars().collect();
        let gold = gold_quotes(&chars, &[a]);
        assert_eq!(pieces(text, &gold), vec!["We won", "and we will win again"]);
        assert!(gold.dont_care.is_empty());
    }

    #[test]
    fn marks_outside_the_content_and_typewriter_pairs_count() {
        let text = "Bo said ''it is fine,'' and left.";
        let a = attribution(text, &["it is fine,"], "Bo");
        let chars: Vec<char> = text.chars().collect();
        assert_eq!(pieces(text, &gold_quotes(&chars, &[a])), vec!["it is fine"]);
    }

    #[test]
    fn mixed_content_is_dont_care_and_paraphrase_is_not_gold() {
        let text = "Bo said that the plan was “a disaster” and said it failed.";
        let mixed = attribution(text, &["the plan was “a disaster”"], "Bo");
        let plain = attribution(text, &["it failed"], "Bo");
        let chars: Vec<char> = text.chars().collect();
        let gold = gold_quotes(&chars, &[mixed, plain]);
        assert!(gold.quotes.is_empty());
        assert_eq!(gold.dont_care.len(), 1);
    }

    #[test]
    fn quote_over_two_paragraphs_gives_two_pieces() {
        let text = "Bo said:\n\n“First part.\n\n“Second part.”";
        let a = attribution(text, &["“First part.\n\n“Second part.”"], "Bo");
        let chars: Vec<char> = text.chars().collect();
        assert_eq!(
            pieces(text, &gold_quotes(&chars, &[a])),
            vec!["First part", "Second part"]
        );
    }

    #[test]
    fn scores_exact_overlap_speaker_and_ignored() {
        let text = "“We won,” Zoë said. Bo called it “a fluke” today. “Yes.”";
        let chars: Vec<char> = text.chars().collect();
        let gold = gold_quotes(
            &chars,
            &[
                attribution(text, &["“We won,”"], "Zoë"),
                attribution(text, &["it “a fluke”"], "Bo"),
            ],
        );
        let predicted = vec![
            Predicted {
                quote: (at(text, "We won").0, at(text, "We won").1 - 1),
                speaker: Some(at(text, "Zoë")),
                speaker_texts: vec!["Zoë".into()],
                cue: Some(at(text, "said")),
            },
            Predicted {
                quote: at(text, "a fluke"),
                speaker: Some(at(text, "Bo")),
                speaker_texts: vec!["Bo".into()],
                cue: None,
            },
            Predicted {
                quote: at(text, "Yes"),
                speaker: None,
                speaker_texts: vec![],
                cue: None,
            },
        ];
        let mut scores = QuoteScores::default();
        scores.add(&chars, &gold, &predicted);
        // "a fluke" falls on a mixed content: ignored. "Yes" is a false positive.
        assert_eq!(scores.ignored, 1);
        assert_eq!(
            (scores.exact.tp, scores.exact.fp, scores.exact.fn_),
            (0, 2, 1)
        );
        assert_eq!((scores.overlap.tp, scores.overlap.fp), (1, 1));
        assert_eq!(
            (scores.speaker_right, scores.cue_right, scores.matched),
            (1, 1, 1)
        );
        assert_eq!(scores.end_to_end.tp, 1);
    }

    #[test]
    fn a_full_name_matches_a_gold_surname_but_not_another_word() {
        assert!(same_person_name("Donald Trump", "trump"));
        assert!(same_person_name("Trump", "trump"));
        assert!(!same_person_name("Trumpet", "trump"));
        assert!(!same_person_name("Donald Trump", "donald"));
        assert!(!same_person_name("", ""));
    }
}
