//! The target of a direct claim as a learned choice. Every organisation the article names
//! is a candidate (its mentions grouped by name: "Exxon", "Exxon Mobil Corp."), and so is
//! "no target". A linear model scores each candidate from features that hold for news in
//! general (where the organisation is named against the quote, how often, whether it is the
//! speaker's own, the article's lead company or a commentator's firm, what the rules chose)
//! and the best score wins. `claimlink train target` fits the weights on annotated business
//! quotes; more annotated quotes make it better without a new rule.
//!
//! Reads: the claims with their rule targets, the view of the article. Writes: the targets
//! of direct claims.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::claims::orgs::{first_company, focal_company, is_company, is_linked};
use crate::claims::phrase::is_fragment;
use crate::claims::target::{
    about_market, first_person, is_insider, outside_firm, points_at_company,
};
use crate::claims::view::View;
use crate::companies::kinds::is_concept;
use crate::companies::names::{name_words, runs_inside};
use crate::doc::{EntityLabel, FoundClaim, WordRange};
use crate::error::{Error, Result};
use crate::labels::ClaimKind;

/// What the model knows of one organisation as the target of one claim, in this order
/// (the rules' choice first: `Choice::rules_choice` reads it there).
pub const CANDIDATE_FEATURES: &[&str] = &[
    "rule_choice",
    "speaker_own",
    "speaker_own_insider",
    "speaker_own_outsider",
    "speaker_is_it",
    "in_quote",
    "first_in_quote",
    "focal",
    "focal_outsider",
    "first_named",
    "in_lead",
    "log_mentions",
    "share_of_mentions",
    "order_named",
    "in_attribution_sentence",
    "in_paragraph",
    "named_before",
    "nearness_before",
    "only_after",
    "is_company",
    "in_knowledge_base",
    "in_dateline",
    "commentators_firm",
    "own_first_person",
    "outsider_results_focal",
    "focal_pointed_at",
    "own_pointed_at",
];

/// What the model knows of a claim when it weighs "no target", in this order.
pub const NONE_FEATURES: &[&str] = &[
    "bias",
    "about_market",
    "insider",
    "has_organisation",
    "first_person",
    "log_candidates",
    "log_quote_words",
    "no_speaker",
    "rule_none",
    "points_at_company",
    "judges_results",
];

/// Words of an article's opening that count as its lead.
const LEAD_WORDS: usize = 50;

/// The weights, as `train target` writes them to `models/target/ranker.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TargetRanker {
    pub candidate_features: Vec<String>,
    pub candidate_weights: Vec<f64>,
    pub none_features: Vec<String>,
    pub none_weights: Vec<f64>,
    /// Added to the score of the rules' own choice (a candidate, or "no target"): how far
    /// the ranker must disagree with the rules to overrule them. Chosen on the dev sets.
    #[serde(default)]
    pub rule_prior: f64,
}

impl TargetRanker {
    /// Reads the weights, refusing a file made for other features.
    pub fn load(path: &Path) -> Result<Self> {
        let invalid = |message: String| Error::Invalid(format!("{}: {message}", path.display()));
        let text = std::fs::read_to_string(path).map_err(|e| invalid(e.to_string()))?;
        let ranker: TargetRanker =
            serde_json::from_str(&text).map_err(|e| invalid(e.to_string()))?;
        let same = |names: &[String], code: &[&str], weights: &[f64]| {
            names.iter().map(String::as_str).eq(code.iter().copied()) && weights.len() == code.len()
        };
        if !same(
            &ranker.candidate_features,
            CANDIDATE_FEATURES,
            &ranker.candidate_weights,
        ) || !same(&ranker.none_features, NONE_FEATURES, &ranker.none_weights)
        {
            return Err(invalid(
                "the ranker was trained for other features than this build computes; retrain it \
                 with `claimlink train target`"
                    .into(),
            ));
        }
        Ok(ranker)
    }

    /// The score of one option: its weights times its features.
    pub fn score(weights: &[f64], features: &[f64]) -> f64 {
        weights.iter().zip(features).map(|(w, f)| w * f).sum()
    }

    /// The index of the best candidate, or `None` when "no target" scores higher.
    pub fn choose(&self, choice: &Choice) -> Option<usize> {
        let rules = choice.rules_choice();
        let prior = |i: Option<usize>| if i == rules { self.rule_prior } else { 0.0 };
        let none = Self::score(&self.none_weights, &choice.none) + prior(None);
        (choice.candidates.iter().enumerate())
            .map(|(i, c)| {
                (
                    i,
                    Self::score(&self.candidate_weights, &c.features) + prior(Some(i)),
                )
            })
            .fold((None, none), |(best, top), (i, s)| {
                if s > top {
                    (Some(i), s)
                } else {
                    (best, top)
                }
            })
            .0
    }
}

/// An organisation of the article: its mentions, grouped by name.
#[derive(Debug, Clone)]
pub struct Organisation {
    /// Compared words of each name it goes by (legal suffixes dropped).
    keys: Vec<Vec<String>>,
    /// Its mentions, in text order.
    pub mentions: Vec<WordRange>,
}

impl Organisation {
    fn answers_to(&self, key: &[String]) -> bool {
        self.keys.iter().any(|k| runs_inside(k, key))
    }

    fn holds(&self, v: &View, words: WordRange) -> bool {
        self.mentions.contains(&words) || self.answers_to(&key(v, words))
    }
}

/// One candidate target of a claim.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Index into the article's organisations.
    pub organisation: usize,
    /// The mention a chosen target points at.
    pub mention: WordRange,
    pub features: Vec<f64>,
}

/// A claim's choice: its candidates and the features of "no target".
#[derive(Debug, Clone)]
pub struct Choice {
    /// Index of the claim in the document.
    pub claim: usize,
    pub candidates: Vec<Candidate>,
    pub none: Vec<f64>,
}

impl Choice {
    /// The candidate the rules chose (feature 0), or `None` for "no target".
    pub fn rules_choice(&self) -> Option<usize> {
        (self.candidates.iter()).position(|c| c.features.first().is_some_and(|&f| f > 0.5))
    }
}

/// The words a mention is grouped by: its company's name when linked, else its own.
fn key(v: &View, words: WordRange) -> Vec<String> {
    let company = (v.entity_of.get(words.start).copied().flatten())
        .and_then(|i| v.entities.get(i))
        .and_then(|m| m.company.as_deref());
    match company {
        Some(name) => name_words(name),
        None => name_words(
            &(words.start..words.end)
                .map(|w| v.word(w))
                .collect::<Vec<_>>()
                .join(" "),
        ),
    }
}

/// The article's organisations: organisation entities that are more than function words
/// and no business concept ("R&D"), grouped when one name runs inside the other ("Alcoa",
/// "Alcoa Inc.").
pub fn organisations(v: &View) -> Vec<Organisation> {
    let mut out: Vec<Organisation> = Vec::new();
    let all = WordRange::new(0, v.words.len());
    for &e in v.entities_in(all) {
        let concept = || is_concept(&(e.start..e.end).map(|w| v.word(w)).collect::<String>());
        if v.label(e.start) != Some(EntityLabel::Organisation) || is_fragment(v, e) || concept() {
            continue;
        }
        let k = key(v, e);
        if k.is_empty() {
            continue;
        }
        match out.iter_mut().find(|o| o.answers_to(&k)) {
            Some(o) => {
                o.mentions.push(e);
                if !o.keys.contains(&k) {
                    o.keys.push(k);
                }
            }
            None => out.push(Organisation {
                keys: vec![k],
                mentions: vec![e],
            }),
        }
    }
    out
}

/// Whether `e` stands in the article's dateline: before the agency's tag that opens the
/// story ("FRANKFURT (Reuters) -"), or in an early line that is only a place and a date
/// ("LONDON 1996-08-22").
fn in_dateline(v: &View, e: WordRange) -> bool {
    let early = v.words.len().min(40);
    let tag = (0..early).find(|&w| {
        v.word(w) == "(" && v.word(w + 2) == ")" && matches!(v.word(w + 3), "-" | "--" | "—" | "–")
    });
    if tag.is_some_and(|t| e.end <= t) {
        return true;
    }
    let dated = |s: &WordRange| {
        s.start < early
            && s.len() <= 6
            && (v.word(s.end - 1).chars()).all(|c| c.is_ascii_digit() || c == '-')
            && v.word(s.end - 1).chars().any(|c| c.is_ascii_digit())
    };
    let sentence = v
        .sentence_of
        .get(e.start)
        .and_then(|&s| v.sentence_words.get(s));
    sentence.is_some_and(|s| !s.is_empty() && dated(s))
}

/// Words of a quote that judge results or prospects.
fn judges_results(v: &View, quote: WordRange) -> bool {
    (quote.start..quote.end).any(|w| {
        matches!(
            v.word(w),
            "profit"
                | "profits"
                | "earnings"
                | "results"
                | "outlook"
                | "forecast"
                | "sales"
                | "revenue"
                | "revenues"
                | "margins"
                | "growth"
                | "shares"
                | "stock"
                | "valuation"
                | "demand"
                | "quarter"
        )
    })
}

/// What the features read of the whole article.
struct Article<'v> {
    v: &'v View<'v>,
    orgs: Vec<Organisation>,
    /// The firms of the article's outside commentators.
    outside: Vec<WordRange>,
    focal: Option<WordRange>,
    first: Option<WordRange>,
    /// Organisation mentions in all.
    total: usize,
    /// The lead: the article's opening words, whatever its sentences and headline.
    lead_end: usize,
}

/// What the features read of one claim.
struct Claim<'c> {
    claim: &'c FoundClaim,
    quote: WordRange,
    insider: bool,
    own: Option<WordRange>,
    we: bool,
    results: bool,
    points: bool,
    speaker: Option<WordRange>,
    rule: Option<WordRange>,
    paragraph: Option<usize>,
    /// The organisation named first inside the quote.
    first_in_quote: Option<usize>,
}

fn flag(b: bool) -> f64 {
    if b {
        1.0
    } else {
        0.0
    }
}

impl<'v> Article<'v> {
    fn new(v: &'v View<'v>, claims: &[FoundClaim]) -> Self {
        let orgs = organisations(v);
        let outside: Vec<WordRange> = claims.iter().filter_map(|c| outside_firm(v, c)).collect();
        Article {
            v,
            focal: focal_company(v, &outside),
            first: first_company(v),
            total: orgs.iter().map(|o| o.mentions.len()).sum(),
            lead_end: v.words.len().min(LEAD_WORDS),
            orgs,
            outside,
        }
    }

    fn claim<'c>(&self, claim: &'c FoundClaim) -> Claim<'c> {
        let v = self.v;
        let quote = v.words_in(claim.quote);
        let first_in_quote = (self.orgs.iter().enumerate())
            .filter_map(|(k, o)| {
                (o.mentions.iter())
                    .find(|m| quote.start <= m.start && m.end <= quote.end)
                    .map(|m| (m.start, k))
            })
            .min()
            .map(|(_, k)| k);
        Claim {
            claim,
            quote,
            insider: is_insider(v, claim),
            own: claim.affiliation.map(|a| v.words_in(a)),
            we: first_person(v, quote),
            results: judges_results(v, quote),
            points: points_at_company(v, quote),
            speaker: (claim.speaker_entity.or(claim.speaker)).map(|s| v.words_in(s)),
            rule: claim.target.map(|t| v.words_in(t)),
            paragraph: v.paragraph_of_sentence.get(claim.sentence).copied(),
            first_in_quote,
        }
    }

    /// Organisation `k` as the target of `c`, in the order of `CANDIDATE_FEATURES`.
    fn candidate(&self, c: &Claim, k: usize) -> Candidate {
        let (v, o, quote) = (self.v, &self.orgs[k], c.quote);
        let has = |r: Option<WordRange>| r.is_some_and(|r| o.holds(v, r));
        let inside = |m: &WordRange| quote.start <= m.start && m.end <= quote.end;
        let in_quote: Vec<WordRange> = o.mentions.iter().copied().filter(inside).collect();
        let before: Vec<WordRange> = (o.mentions.iter().copied())
            .filter(|m| m.end <= quote.start)
            .collect();
        let sentence = |m: &WordRange| v.sentence_of.get(m.start).copied().unwrap_or(0);
        let (first, last) = (c.claim.sentence, c.claim.last_sentence);
        let nearest = (before.last()).map(|m| first.saturating_sub(sentence(m)));
        let (own, focal, insider) = (has(c.own), has(self.focal), c.insider);
        let features = vec![
            flag(has(c.rule)),
            flag(own),
            flag(own && insider),
            flag(own && !insider),
            flag(has(c.speaker)),
            flag(!in_quote.is_empty()),
            flag(c.first_in_quote == Some(k)),
            flag(focal),
            flag(focal && !insider),
            flag(has(self.first)),
            flag(o.mentions.iter().any(|m| m.start < self.lead_end)),
            (o.mentions.len() as f64).ln_1p(),
            o.mentions.len() as f64 / self.total.max(1) as f64,
            1.0 / (1.0 + k as f64),
            flag(
                (o.mentions.iter().filter(|m| !inside(m)))
                    .any(|m| (first..=last).contains(&sentence(m))),
            ),
            flag(
                (o.mentions.iter())
                    .any(|m| v.paragraph_of_sentence.get(sentence(m)).copied() == c.paragraph),
            ),
            flag(!before.is_empty()),
            nearest.map_or(0.0, |d| 1.0 / (1.0 + d as f64)),
            flag(before.is_empty() && in_quote.is_empty()),
            flag(is_company(v, o.mentions[0])),
            flag(o.mentions.iter().any(|&m| is_linked(v, m))),
            flag(o.mentions.iter().all(|&m| in_dateline(v, m))),
            flag(self.outside.iter().any(|&x| o.holds(v, x)) && !own),
            flag(own && c.we),
            flag(focal && !insider && c.results),
            flag(focal && !insider && c.points),
            flag(own && insider && c.points),
        ];
        debug_assert_eq!(features.len(), CANDIDATE_FEATURES.len());
        // A chosen target points at the rules' mention, else the one in the quote, else
        // the nearest before it.
        let mention = (c.rule.filter(|&r| o.holds(v, r)))
            .or_else(|| in_quote.first().copied())
            .or_else(|| before.last().copied())
            .unwrap_or(o.mentions[0]);
        Candidate {
            organisation: k,
            mention,
            features,
        }
    }

    /// "No target" for `c`, in the order of `NONE_FEATURES`.
    fn none(&self, c: &Claim) -> Vec<f64> {
        let none = vec![
            1.0,
            flag(about_market(self.v, c.quote)),
            flag(c.insider),
            flag(c.own.is_some()),
            flag(c.we),
            (self.orgs.len() as f64).ln_1p(),
            (c.quote.len() as f64).ln_1p(),
            flag(c.speaker.is_none()),
            flag(c.rule.is_none()),
            flag(c.points),
            flag(c.results),
        ];
        debug_assert_eq!(none.len(), NONE_FEATURES.len());
        none
    }
}

/// The candidates of every direct claim, with the features the ranker reads.
pub fn choices(v: &View, claims: &[FoundClaim]) -> Vec<Choice> {
    let article = Article::new(v, claims);
    (claims.iter().enumerate())
        .filter(|(_, c)| c.kind == ClaimKind::Direct)
        .map(|(i, c)| {
            let claim = article.claim(c);
            Choice {
                claim: i,
                candidates: (0..article.orgs.len())
                    .map(|k| article.candidate(&claim, k))
                    .collect(),
                none: article.none(&claim),
            }
        })
        .collect()
}

/// Sets the target of every direct claim to the ranker's choice.
pub fn rank(v: &View, claims: &mut [FoundClaim], ranker: &TargetRanker) {
    for choice in choices(v, claims) {
        let target = ranker
            .choose(&choice)
            .and_then(|i| choice.candidates.get(i))
            .and_then(|c| v.span(c.mention));
        if let Some(claim) = claims.get_mut(choice.claim) {
            claim.target = target;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::view::{orgs, with_view};

    fn ranker(candidate: &[(&str, f64)], none: &[(&str, f64)], rule_prior: f64) -> TargetRanker {
        let weights = |names: &[&str], set: &[(&str, f64)]| {
            (names.iter())
                .map(|n| set.iter().find(|(k, _)| k == n).map_or(0.0, |(_, w)| *w))
                .collect()
        };
        TargetRanker {
            candidate_features: CANDIDATE_FEATURES.iter().map(|s| s.to_string()).collect(),
            candidate_weights: weights(CANDIDATE_FEATURES, candidate),
            none_features: NONE_FEATURES.iter().map(|s| s.to_string()).collect(),
            none_weights: weights(NONE_FEATURES, none),
            rule_prior,
        }
    }

    fn candidate(features: &[(&str, f64)]) -> Candidate {
        Candidate {
            organisation: 0,
            mention: WordRange::new(0, 1),
            features: (CANDIDATE_FEATURES.iter())
                .map(|n| {
                    features
                        .iter()
                        .find(|(k, _)| k == n)
                        .map_or(0.0, |(_, f)| *f)
                })
                .collect(),
        }
    }

    #[test]
    fn a_business_concept_tagged_as_an_organisation_is_no_candidate() {
        let text = "Contoso said it would spend more on R&D before its IPO.";
        with_view(text, &orgs(&["Contoso", "R&D", "IPO"]), |v, _| {
            let found = organisations(v);
            assert_eq!(found.len(), 1, "{found:?}");
            assert_eq!(found[0].keys, vec![vec!["contoso".to_string()]]);
        });
    }

    #[test]
    fn names_of_one_company_are_one_candidate_and_a_dateline_is_seen() {
        let text = "PITTSBURGH (Reuters) - Alcoa said on Monday it would sell a unit to \
                    Reynolds. \"We are pleased,\" said a spokesman. Alcoa Inc. shares rose.";
        let entities = orgs(&["PITTSBURGH", "Alcoa Inc.", "Reynolds", "Alcoa"]);
        with_view(text, &entities, |v, _| {
            let found = organisations(v);
            let mentions: Vec<usize> = found.iter().map(|o| o.mentions.len()).collect();
            assert_eq!(mentions, vec![1, 2, 1], "{found:?}");
            assert_eq!(found[1].keys, vec![vec!["alcoa".to_string()]]);
            assert!(in_dateline(v, found[0].mentions[0]));
            assert!(!in_dateline(v, found[1].mentions[0]));
        });
    }

    #[test]
    fn the_best_score_wins_and_no_target_can_win() {
        let choice = Choice {
            claim: 0,
            candidates: vec![
                candidate(&[("in_quote", 1.0)]),
                candidate(&[("focal", 1.0), ("rule_choice", 1.0)]),
            ],
            none: (NONE_FEATURES.iter())
                .map(|&n| if n == "bias" { 1.0 } else { 0.0 })
                .collect(),
        };
        assert_eq!(choice.rules_choice(), Some(1));
        let quote_first = ranker(&[("in_quote", 2.0), ("focal", 1.0)], &[("bias", 0.5)], 0.0);
        assert_eq!(quote_first.choose(&choice), Some(0));
        // The rules' choice overrules a small disagreement.
        let deferring = TargetRanker {
            rule_prior: 1.5,
            ..quote_first.clone()
        };
        assert_eq!(deferring.choose(&choice), Some(1));
        let none_first = ranker(&[("in_quote", 2.0)], &[("bias", 3.0)], 0.0);
        assert_eq!(none_first.choose(&choice), None);
    }

    #[test]
    fn a_ranker_for_other_features_is_refused() {
        let dir = std::env::temp_dir().join(format!("claimlink-rank-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("ranker.json");
        let mut stale = ranker(&[], &[], 0.0);
        stale.candidate_features[1] = "retired_feature".into();
        std::fs::write(&path, serde_json::to_string(&stale).unwrap()).unwrap();
        let error = TargetRanker::load(&path).unwrap_err().to_string();
        assert!(error.contains("train target"), "{error}");
        let fresh = ranker(&[("in_quote", 1.0)], &[], 0.5);
        std::fs::write(&path, serde_json::to_string(&fresh).unwrap()).unwrap();
        assert_eq!(TargetRanker::load(&path).unwrap().rule_prior, 0.5);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
