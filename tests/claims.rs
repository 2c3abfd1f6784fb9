//! Claims end to end through the library (quotes → attribution → record), on hand-made
//! sentences; plus, ignored by default, the rules on PolNeAR with entities cached from a
//! `claimlink run` (for error analysis without running the model each time).

use std::collections::HashMap;
use std::io::Write;

use claimlink::claims::{annotate_with, ClaimOptions, Indirect};
use claimlink::doc::{CharRange, EntityLabel, Mention, MentionKind};
use claimlink::eval::polnear::read_split;
use claimlink::eval::quotes::{gold_quotes, Predicted, QuoteScores};
use claimlink::labels::ClaimKind;
use claimlink::record::Claim;
use claimlink::text::Markup;
use claimlink::{Article, Document, Record};

/// Each `(name, label)` as an entity mention at the name's first occurrence in `text`.
fn mentions_in(text: &str, entities: &[(&str, &str)]) -> Vec<Mention> {
    entities
        .iter()
        .filter_map(|(name, label)| {
            let at = text.find(name)?;
            let start = text[..at].chars().count();
            Some(Mention {
                range: CharRange::new(start, start + name.chars().count()),
                label: EntityLabel::parse(label)?,
                kind: MentionKind::Entity,
                score: None,
                company: None,
                sentiment: None,
            })
        })
        .collect()
}

/// Claims of `text` (markdown) with the given entities (`(name, label)`, first match in the
/// normalised text), by the direct-quote rules.
fn claims(text: &str, entities: &[(&str, &str)]) -> Vec<Claim> {
    let mut doc = Document::new(&Article::new("t", text), Markup::Markdown);
    let plain: String = doc.chars().iter().collect();
    doc.mentions = mentions_in(&plain, entities);
    assert_eq!(
        doc.mentions.len(),
        entities.len(),
        "every entity is in the text"
    );
    annotate_with(&mut doc, Indirect::FromRoles, &ClaimOptions::default());
    Record::from_document(&doc, false).claims
}

/// (quote, speaker name, speaker mention, cue, source, target) as texts.
type Row = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn rows(claims: &[Claim]) -> Vec<Row> {
    claims
        .iter()
        .map(|c| {
            (
                c.quote.text.clone(),
                c.speaker.as_ref().map(|s| s.name.clone()),
                c.speaker
                    .as_ref()
                    .and_then(|s| s.mention.as_ref())
                    .map(|m| m.text.clone()),
                c.cue.as_ref().map(|c| c.text.clone()),
                c.source.as_ref().map(|s| s.name.clone()),
                c.target.as_ref().map(|s| s.name.clone()),
            )
        })
        .collect()
}

fn some(s: &str) -> Option<String> {
    Some(s.to_string())
}

#[test]
fn seed_sentence_gives_three_claims_by_microsoft_about_openai() {
    let text = "- Microsoft instructed **Azure** sales staff to tell prospective customers that \
                OpenAI's licenses are \"great [for] experimentation\" but have \"limited \
                enterprise-grade capabilities\" and fewer \"security/privacy features,\" per \
                [The Information](#).\n";
    let got = claims(
        text,
        &[
            ("Microsoft", "ORG"),
            ("Azure", "ORG"),
            ("OpenAI", "ORG"),
            ("The Information", "ORG"),
        ],
    );
    let quotes: Vec<&str> = got.iter().map(|c| c.quote.text.as_str()).collect();
    assert_eq!(
        quotes,
        vec![
            "great [for] experimentation",
            "limited enterprise-grade capabilities",
            "security/privacy features"
        ]
    );
    for c in &got {
        let speaker = c.speaker.as_ref().expect("a speaker");
        assert_eq!(speaker.name, "Microsoft");
        assert_eq!(c.cue.as_ref().map(|c| c.text.as_str()), Some("tell"));
        assert_eq!(
            c.source.as_ref().map(|s| s.name.as_str()),
            Some("The Information")
        );
        assert_eq!(c.target.as_ref().map(|s| s.name.as_str()), Some("OpenAI"));
        // Offsets point into the original markdown.
        let original: String = text
            .chars()
            .skip(c.quote.start)
            .take(c.quote.end - c.quote.start)
            .collect();
        assert_eq!(original, c.quote.text);
    }
}

#[test]
fn pronoun_speaker_resolves_to_the_previous_person() {
    let text = "Jane Doe runs the fund. \"We are buying,\" she said.";
    let got = rows(&claims(text, &[("Jane Doe", "PER")]));
    assert_eq!(
        got,
        vec![(
            "We are buying".to_string(),
            some("Jane Doe"),
            some("she"),
            some("said"),
            None,
            None
        )]
    );
}

#[test]
fn unattributed_follow_up_quote_takes_the_previous_speaker() {
    let text = "\"We will win,\" Jane Doe said. \"We always win.\"";
    let got = rows(&claims(text, &[("Jane Doe", "PER")]));
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].0, "We always win");
    assert_eq!(got[1].1, some("Jane Doe"));
}

#[test]
fn interrupted_quote_gives_two_claims_with_one_speaker() {
    let text = "\"It is early,\" said Bo Li, the chief executive, \"but we like the numbers.\"";
    let got = rows(&claims(text, &[("Bo Li", "PER")]));
    let speakers: Vec<Option<String>> = got.iter().map(|r| r.1.clone()).collect();
    assert_eq!(speakers, vec![some("Bo Li"), some("Bo Li")]);
    assert_eq!(got[1].0, "but we like the numbers");
}

#[test]
fn statement_source_and_colon_paragraph() {
    let text = "Acme said in a statement to Reuters:\n\n\"We regret the error.\"";
    let got = rows(&claims(text, &[("Acme", "ORG"), ("Reuters", "ORG")]));
    assert_eq!(
        got,
        vec![(
            "We regret the error".to_string(),
            some("Acme"),
            some("Acme"),
            some("said"),
            some("Reuters"),
            // The company speaking of itself in the first person is what the quote is about.
            some("Acme")
        )]
    );
}

#[test]
fn scare_quotes_without_a_cue_are_not_claims() {
    let text = "The so-called \"deal\" closed on Friday.";
    assert!(claims(text, &[]).is_empty());
}

#[test]
fn unknown_speaker_stays_null() {
    let text = "The banner read in large letters across the hall today: nothing.\n\n\
                \"Nobody expected this outcome at all.\"";
    let got = claims(text, &[]);
    assert_eq!(got.len(), 1);
    assert!(got[0].speaker.is_none());
}

#[test]
fn said_in_a_statement_and_according_to() {
    let text = "Acme said in a statement that its results were \"deeply disappointing.\" \
                The outlook is \"very strong this year,\" according to Bo Li.";
    let got = rows(&claims(text, &[("Acme", "ORG"), ("Bo Li", "PER")]));
    let speakers: Vec<(String, Option<String>, Option<String>)> =
        got.into_iter().map(|r| (r.0, r.1, r.3)).collect();
    assert_eq!(
        speakers,
        vec![
            ("deeply disappointing".into(), some("Acme"), some("said")),
            (
                "very strong this year".into(),
                some("Bo Li"),
                some("according to")
            ),
        ]
    );
}

#[test]
fn dash_attribution_and_told_a_publication() {
    let text =
        "\"Never give up.\" — Winston Churchill\n\n\"We will appeal,\" Jane Doe told Reuters.";
    let got = rows(&claims(
        text,
        &[
            ("Winston Churchill", "PER"),
            ("Jane Doe", "PER"),
            ("Reuters", "ORG"),
        ],
    ));
    assert_eq!(got[0].1, some("Winston Churchill"));
    assert_eq!(
        (got[1].1.clone(), got[1].3.clone(), got[1].4.clone()),
        (some("Jane Doe"), some("told"), some("Reuters"))
    );
}

#[test]
fn quotes_over_paragraphs_share_the_speaker() {
    let text = "Jane Doe said:\n\n“We started small.\n\n“Now we are everywhere.”";
    let got = rows(&claims(text, &[("Jane Doe", "PER")]));
    let speakers: Vec<Option<String>> = got.iter().map(|r| r.1.clone()).collect();
    assert_eq!(speakers, vec![some("Jane Doe"), some("Jane Doe")]);
}

#[test]
fn titles_in_quotes_are_not_claims() {
    let text = "Bo Li said on ABC's \"This Week\" that costs were \"out of control.\"";
    let got = rows(&claims(text, &[("Bo Li", "PER"), ("ABC", "ORG")]));
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, "out of control");
    assert_eq!(got[0].1, some("Bo Li"));
}

/// (speaker name, title, affiliation name) of each claim.
fn affiliations(claims: &[Claim]) -> Vec<(Option<String>, Option<String>, Option<String>)> {
    (claims.iter())
        .map(|c| {
            let s = c.speaker.as_ref();
            (
                s.map(|s| s.name.clone()),
                s.and_then(|s| s.title.as_ref()).map(|t| t.text.clone()),
                s.and_then(|s| s.affiliation.as_ref())
                    .map(|a| a.name.clone()),
            )
        })
        .collect()
}

#[test]
fn a_quote_after_reported_speech_goes_on_with_its_speaker() {
    let text = "Jane Doe said the group would wait for prices to fall.\n\n\
                \"We would have liked more of it, but it is a question of value.\"";
    let all = claims(text, &[("Jane Doe", "PER")]);
    // The sentence before is a reported claim of its own (the rules find it since #32).
    assert_eq!(all[0].quote.text, "the group would wait for prices to fall");
    let direct: Vec<Claim> = (all.into_iter())
        .filter(|c| c.kind == ClaimKind::Direct)
        .collect();
    let got = rows(&direct);
    assert_eq!(got.len(), 1);
    // The speaker carries over; the cue belongs to the sentence before.
    assert_eq!(
        (got[0].1.clone(), got[0].3.clone()),
        (some("Jane Doe"), None)
    );
}

#[test]
fn a_line_that_only_attributes_belongs_to_the_quote_above() {
    let text = "\"Are they able to make that transition to a larger company?\"\n\nBo Li said.\n\n\
                Other analysts were more bullish.";
    let got = rows(&claims(text, &[("Bo Li", "PER")]));
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].1, some("Bo Li"));
    // A dateline-like line is no attribution.
    let text = "\"We will not comment on the talks with anyone today.\"\n\n-- Chicago Newsdesk";
    let got = claims(text, &[("Chicago Newsdesk", "ORG")]);
    assert!(got.iter().all(|c| c.speaker.is_none()), "{got:?}");
}

#[test]
fn he_after_a_role_speaker_is_that_role_not_its_company() {
    let text = "\"Property shares are strong this week,\" a spokesman for Contoso said. \
                \"We have been very positive on the sector,\" he said.";
    let got = claims(text, &[("Contoso", "ORG")]);
    assert_eq!(got.len(), 2);
    let speakers = affiliations(&got);
    assert_eq!(speakers[1].1, some("spokesman"), "{speakers:?}");
    assert_eq!(speakers[1].2, some("Contoso"));
    assert_eq!(
        got[1]
            .speaker
            .as_ref()
            .and_then(|s| s.mention.as_ref())
            .map(|m| m.text.as_str()),
        Some("he")
    );
}

#[test]
fn a_person_opening_the_clause_speaks_whatever_commas_the_apposition_holds() {
    let text = "Robert Gutenstein, an analyst for Kalf, Voorhis & Co., said the contract \
                was \"not unique, but it is big.\"";
    let got = claims(
        text,
        &[("Robert Gutenstein", "PER"), ("Kalf, Voorhis & Co.", "ORG")],
    );
    assert_eq!(got.len(), 1);
    let speakers = affiliations(&got);
    assert_eq!(speakers[0].0, some("Robert Gutenstein"));
    assert_eq!(speakers[0].1, some("analyst"));
}

#[test]
fn a_period_inside_a_word_does_not_end_the_attribution() {
    let text = "\"This really indicates we are back in the business,\" William Luehrs, \
                president of the Glenview, Ill.-based company's network division, said in \
                an interview.";
    let got = rows(&claims(text, &[("William Luehrs", "PER")]));
    assert_eq!(got.len(), 1);
    assert_eq!(
        (got[0].1.clone(), got[0].3.clone()),
        (some("William Luehrs"), some("said"))
    );
}

#[test]
fn an_organisation_set_off_by_at_is_the_affiliation() {
    let text = "\"They were pretty much in line with our estimate,\" said Peter Roe, at \
                Paribas in London.";
    let got = claims(text, &[("Peter Roe", "PER"), ("Paribas", "ORG")]);
    assert_eq!(
        affiliations(&got),
        vec![(some("Peter Roe"), None, some("Paribas"))]
    );
}

#[test]
fn a_person_named_after_a_sentence_opening_with_their_role_holds_it() {
    let text = "The chairman of engineering group T&N Plc said on Thursday the firm was \
                confident.\n\n\"It could be better, or it could be worse,\" Colin Hope \
                said.";
    let got = claims(text, &[("T&N Plc", "ORG"), ("Colin Hope", "PER")]);
    // The reported claim of the first sentence (found since #32) is the chairman's, of
    // T&N; the quote is Colin Hope's, who holds that role.
    assert_eq!(
        affiliations(&got),
        vec![
            (
                some("The chairman of engineering group T&N Plc"),
                some("chairman"),
                some("T&N Plc")
            ),
            (some("Colin Hope"), some("chairman"), some("T&N Plc"))
        ]
    );
    // Not when the role's sentence names a person of its own.
    let text = "The chairman of T&N Plc, Ann Lee, said on Thursday the firm was confident.\n\n\
                \"It could be better,\" Colin Hope said.";
    let got = claims(
        text,
        &[
            ("T&N Plc", "ORG"),
            ("Ann Lee", "PER"),
            ("Colin Hope", "PER"),
        ],
    );
    // The first sentence is Ann Lee's reported claim (found since #32).
    assert_eq!(
        affiliations(&got),
        vec![
            (some("Ann Lee"), None, None),
            (some("Colin Hope"), None, None)
        ]
    );
}

#[test]
fn a_brand_of_a_known_company_is_the_affiliation_by_its_own_name() {
    let text = "\"Prices will start to firm up,\" said William O'Neill of Merrill Lynch.";
    let mut doc = Document::new(&Article::new("t", text), Markup::Plain);
    doc.mentions = mentions_in(
        text,
        &[("William O'Neill", "PER"), ("Merrill Lynch", "ORG")],
    );
    doc.mentions[1].company = Some("Bank of America".into());
    annotate_with(&mut doc, Indirect::FromRoles, &ClaimOptions::default());
    let claims = Record::from_document(&doc, false).claims;
    let affiliation = (claims.first())
        .and_then(|c| c.speaker.as_ref())
        .and_then(|s| s.affiliation.as_ref())
        .expect("an affiliation");
    assert_eq!(affiliation.name, "Merrill Lynch");
    assert_eq!(affiliation.company.as_deref(), Some("Bank of America"));
}

/// Entities per article id from a `claimlink run` output file.
fn cached_entities(path: &str) -> HashMap<String, Vec<Mention>> {
    let text = std::fs::read_to_string(path).expect("cache file");
    text.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|record| {
            let entities = record["entities"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|e| {
                    Some(Mention {
                        range: CharRange::new(
                            e["start"].as_u64()? as usize,
                            e["end"].as_u64()? as usize,
                        ),
                        label: EntityLabel::parse(e["label"].as_str()?)?,
                        kind: MentionKind::Entity,
                        score: None,
                        company: None,
                        sentiment: None,
                    })
                })
                .collect();
            (record["id"].as_str().unwrap_or("").to_string(), entities)
        })
        .collect()
}

fn env_usize(name: &str) -> Option<usize> {
    std::env::var(name).ok()?.parse().ok()
}

/// `CLAIMLINK_POLNEAR=../shared/data/polnear/train CLAIMLINK_ENTITIES=train.jsonl
/// cargo test --release --test claims -- --ignored --nocapture`; entities from
/// `claimlink run --markup plain -o train.jsonl DIR/text`. `CLAIMLINK_DUMP=FILE` writes
/// the misses, false alarms and wrong speakers.
#[test]
#[ignore = "needs PolNeAR and cached entities (see the doc comment)"]
fn polnear_from_cached_entities() {
    let (Ok(dir), Ok(cache)) = (
        std::env::var("CLAIMLINK_POLNEAR"),
        std::env::var("CLAIMLINK_ENTITIES"),
    ) else {
        return;
    };
    let mut options = ClaimOptions::default();
    options.min_words = env_usize("CLAIMLINK_MIN_WORDS").unwrap_or(options.min_words);
    options.inherit = env_usize("CLAIMLINK_INHERIT").map_or(options.inherit, |v| v > 0);
    options.titles = env_usize("CLAIMLINK_TITLES").map_or(options.titles, |v| v > 0);
    let entities = cached_entities(&cache);
    let docs = read_split(std::path::Path::new(&dir)).expect("split");
    let mut scores = QuoteScores::default();
    let mut dump = std::env::var("CLAIMLINK_DUMP")
        .ok()
        .map(|p| std::fs::File::create(p).expect("dump file"));
    for doc in &docs {
        let mut annotated = Document::new(&Article::new(&doc.name, &doc.text), Markup::Plain);
        annotated.mentions = entities.get(&doc.name).cloned().unwrap_or_default();
        annotate_with(&mut annotated, Indirect::FromRoles, &options);
        let found = &annotated.claims;
        let wire = Record::from_document(&annotated, false).claims;
        let predicted = Predicted::from_claims(&wire);
        let chars = annotated.chars();
        let gold = gold_quotes(chars, &doc.attributions);
        scores.add(chars, &gold, &predicted);
        if let Some(out) = dump.as_mut() {
            let rules: Vec<String> = found.iter().map(|f| format!("{:?}", f.rule)).collect();
            write_diagnostics(out, &doc.name, chars, &gold, &predicted, &wire, &rules);
        }
    }
    println!("{:?}\n{}", options, scores.table("direct quotes"));
}

fn write_diagnostics(
    out: &mut std::fs::File,
    name: &str,
    chars: &[char],
    gold: &claimlink::eval::quotes::Gold,
    predicted: &[Predicted],
    wire: &[Claim],
    rules: &[String],
) {
    let text = |(s, e): (usize, usize)| chars[s..e].iter().collect::<String>().replace('\n', " ⏎ ");
    let context =
        |(s, e): (usize, usize)| text((s.saturating_sub(120), (e + 120).min(chars.len())));
    let ov = |a: (usize, usize), b: (usize, usize)| a.1.min(b.1) > a.0.max(b.0);
    for g in &gold.quotes {
        if !predicted.iter().any(|p| ov(p.quote, g.range)) {
            let _ = writeln!(out, "MISS\t{name}\t{}\t{}", text(g.range), context(g.range));
        }
    }
    for ((p, c), rule) in predicted.iter().zip(wire).zip(rules) {
        let on_gold = gold.quotes.iter().find(|g| ov(g.range, p.quote));
        let on_dont_care = gold.dont_care.iter().any(|&d| ov(d, p.quote));
        let speaker = c.speaker.as_ref().map(|s| {
            format!(
                "{} <{}>",
                s.name,
                s.mention.as_ref().map_or("", |m| m.text.as_str())
            )
        });
        match on_gold {
            None if !on_dont_care => {
                let _ = writeln!(
                    out,
                    "FALSE\t{name}\t{}\t{:?}\t{rule}\t{}",
                    text(p.quote),
                    speaker,
                    context(p.quote)
                );
            }
            Some(g) => {
                let sources: Vec<String> = g
                    .sources
                    .iter()
                    .map(|f| f.iter().map(|&r| text(r)).collect::<Vec<_>>().join(" "))
                    .collect();
                let cues: Vec<String> = g
                    .cues
                    .iter()
                    .map(|f| f.iter().map(|&r| text(r)).collect::<Vec<_>>().join(" "))
                    .collect();
                let right = g.sources.iter().any(|f| {
                    p.speaker.is_some_and(|s| f.iter().any(|&r| ov(r, s)))
                        || (f.is_empty() && p.speaker.is_none())
                }) || p
                    .speaker_texts
                    .iter()
                    .any(|t| sources.iter().any(|s| s.to_lowercase() == t.to_lowercase()));
                let tag = if right { "RIGHT" } else { "WRONG" };
                let exact = if g.range == p.quote {
                    "exact".to_string()
                } else {
                    format!("inexact gold=«{}»", text(g.range))
                };
                let _ = writeln!(
                    out,
                    "{tag}\t{name}\t{exact}\t{}\tgold={:?}\tcue={:?}\tpred={:?}\tcue={:?}\t{rule}\t{}",
                    text(p.quote),
                    sources,
                    cues,
                    speaker,
                    c.cue.as_ref().map(|c| c.text.clone()),
                    context(p.quote)
                );
            }
            None => {}
        }
    }
}
