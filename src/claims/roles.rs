//! The publication a quote was reported through (source) and the organisation it is
//! about (target).
//!
//! Reads: the word `View` and the unquoted words of a quote's sentences. Writes: word
//! ranges. Source patterns: `told Reuters`, `in an interview with CNN`, `said on Fox
//! News`, `wrote in The New York Times`, `per The Information`, `according to a Bloomberg
//! report`, `Reuters reported`. Target: the first organisation of the clause that holds
//! a partial quote (`OpenAI's licenses are "..."` → OpenAI), else `said of X`. Both are
//! organisation entities other than the speaker; nothing is returned when no pattern fits.

use crate::claims::lexicon::{ends_clause, is_determiner, is_report_noun};
use crate::claims::view::View;
use crate::doc::{EntityLabel, WordRange};

/// The organisation entity starting at `seq[i]` (after an optional determiner).
fn org_at(v: &View, seq: &[usize], i: usize) -> Option<WordRange> {
    let mut i = i;
    if seq.get(i).is_some_and(|&w| is_determiner(v.word(w))) && v.label(seq[i]).is_none() {
        i += 1;
    }
    let w = *seq.get(i)?;
    if v.label(w) != Some(EntityLabel::Organisation) {
        return None;
    }
    v.entity_words(w).filter(|r| r.start == w)
}

/// `per The Information`: a run of capitalised words, when the model missed the name.
fn capitalised_at(v: &View, seq: &[usize], i: usize) -> Option<WordRange> {
    let a = *seq.get(i)?;
    let n = seq[i..]
        .iter()
        .enumerate()
        .take_while(|&(k, &w)| k < 6 && w == a + k && v.is_capitalized(w))
        .count();
    (n > 0).then_some(WordRange::new(a, a + n))
}

/// The publication named in the unquoted words `seq`, other than the speaker's words.
pub(crate) fn source(v: &View, seq: &[usize], speaker: Option<WordRange>) -> Option<WordRange> {
    let not_speaker = |r: WordRange| speaker.is_none_or(|s| !s.overlaps(r));
    for i in 0..seq.len() {
        let w = v.word(seq[i]);
        let prev = i.checked_sub(1).map(|p| v.word(seq[p]));
        let found = match w {
            "told" | "tells" | "tell" | "telling" => org_at(v, seq, i + 1),
            "with" if prev == Some("interview") => org_at(v, seq, i + 1),
            "on" | "in" | "to"
                if matches!(
                    prev,
                    Some(
                        "said"
                            | "says"
                            | "wrote"
                            | "writes"
                            | "writing"
                            | "appearing"
                            | "statement"
                    )
                ) =>
            {
                org_at(v, seq, i + 1)
            }
            "per" => org_at(v, seq, i + 1).or_else(|| capitalised_at(v, seq, i + 1)),
            "according" if seq.get(i + 1).is_some_and(|&n| v.word(n) == "to") => {
                org_at(v, seq, i + 2).filter(|r| {
                    seq.iter()
                        .position(|&x| x == r.end)
                        .is_some_and(|p| is_report_noun(v.word(seq[p])))
                })
            }
            // "Reuters reported", "Reuters quoted Ann Lee as saying"
            "reported" | "reports" | "quoted" | "quotes" | "cited" | "cites" if prev.is_some() => {
                let end = seq[i - 1] + 1;
                v.entity_words(seq[i - 1])
                    .filter(|r| r.end == end && v.label(r.start) == Some(EntityLabel::Organisation))
            }
            _ => None,
        };
        if let Some(r) = found.filter(|&r| not_speaker(r)) {
            return Some(r);
        }
    }
    None
}

/// The organisation the quote is about: the first one after the cue (or the last
/// "that") in the lead, else one the lead says it is `about`, else `said of X` in the
/// tail; never the speaker or the source.
pub(crate) fn target(
    v: &View,
    lead: &[usize],
    tail: &[usize],
    cue: Option<WordRange>,
    exclude: &[String],
) -> Option<WordRange> {
    let text = |r: WordRange| -> String {
        v.span(r)
            .map(|r| {
                v.chars[r.start..r.end]
                    .iter()
                    .collect::<String>()
                    .to_lowercase()
            })
            .unwrap_or_default()
    };
    let allowed = |r: WordRange| !exclude.contains(&text(r));
    // A cue in the tail leaves the whole lead to search.
    let after_cue = cue.map_or(0, |cue| {
        if lead.last().is_some_and(|&l| cue.start <= l) {
            lead.partition_point(|&w| w < cue.end)
        } else {
            0
        }
    });
    let start = (after_cue..lead.len())
        .rev()
        .find(|&p| v.word(lead[p]) == "that")
        .map_or(after_cue, |p| p + 1);
    let in_lead = (start..lead.len())
        .filter_map(|p| org_at(v, lead, p))
        .find(|&r| allowed(r));
    // "Asked about Boeing, Emirates president Tim Clark said": what the speaker was asked
    // or spoke about.
    let asked_about = || {
        (0..lead.len())
            .filter(|&p| v.word(lead[p]) == "about")
            .find_map(|p| org_at(v, lead, p + 1).filter(|&r| allowed(r)))
    };
    in_lead.or_else(asked_about).or_else(|| {
        let cue_end = cue.map(|cue| cue.end)?;
        let p = tail.iter().position(|&w| w == cue_end)?;
        // "said of Burberry", or after the speaker's apposition: "said Ann Lee, an
        // analyst at Contoso, of Burberry's figures".
        let set_off = || {
            (p..tail.len().min(p + 16))
                .take_while(|&k| !ends_clause(v.word(tail[k])))
                .find(|&k| {
                    v.word(tail[k]) == "," && tail.get(k + 1).is_some_and(|&w| v.word(w) == "of")
                })
                .map(|k| k + 1)
        };
        let of = (v.word(tail[p]) == "of").then_some(p).or_else(set_off);
        of.and_then(|k| org_at(v, tail, k + 1))
            .filter(|&r| allowed(r))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::view::{orgs, with_view};

    fn source_text(text: &str, names: &[&str]) -> Option<String> {
        with_view(text, &orgs(names), |v, _| {
            let seq = v.unquoted_words(0);
            let r = v.span(source(v, &seq, None)?)?;
            Some(v.chars[r.start..r.end].iter().collect())
        })
    }

    #[test]
    fn publications() {
        assert_eq!(
            source_text("\"No,\" she told Reuters.", &["Reuters"]).as_deref(),
            Some("Reuters")
        );
        assert_eq!(
            source_text(
                "Acme is \"bad,\" according to a Bloomberg report.",
                &["Acme", "Bloomberg"]
            )
            .as_deref(),
            Some("Bloomberg")
        );
        assert_eq!(
            source_text("It is \"fine,\" per The Information.", &[]).as_deref(),
            Some("The Information")
        );
        assert_eq!(
            source_text("\"Yes,\" he said in an interview with CNN.", &["CNN"]).as_deref(),
            Some("CNN")
        );
        assert_eq!(source_text("\"No,\" she told reporters.", &[]), None);
        assert_eq!(
            source_text(
                "\"No,\" Reuters quoted Ann Lee as saying.",
                &["Reuters", "Ann Lee"]
            )
            .as_deref(),
            Some("Reuters")
        );
    }

    #[test]
    fn target_is_the_clause_subject_organisation() {
        let text = "Microsoft told staff to tell customers that OpenAI's licenses are \"great.\"";
        with_view(text, &orgs(&["Microsoft", "OpenAI"]), |v, quotes| {
            let lead: Vec<usize> = v
                .unquoted_words(0)
                .into_iter()
                .filter(|&w| v.words[w].start < quotes[0].open)
                .collect();
            let tell = lead.iter().copied().find(|&w| v.word(w) == "tell");
            let cue = tell.map(|w| WordRange::new(w, w + 1));
            let got = target(v, &lead, &[], cue, &["microsoft".to_string()]);
            let r = got.and_then(|r| v.span(r)).expect("a target");
            assert_eq!(v.chars[r.start..r.end].iter().collect::<String>(), "OpenAI");
        });
    }
}
