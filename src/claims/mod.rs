//! Claims: quotations in the text, and who said them (speaker, cue), through which
//! publication (source), about which company (target).
//!
//! Reads: normalised characters, the segmenter's sentences and the NER entities, all as
//! normalised code point ranges. Writes: `FoundClaim`s in normalised ranges;
//! `to_wire` turns them into record `Claim`s with original offsets, dropping a span that
//! does not map back rather than reporting a wrong one. Stages: `quotes` finds the
//! quotations, `attribution` finds speaker and cue, `roles` source and target.
//! A field no rule supports stays `None`.

pub(crate) mod affiliation;
pub(crate) mod attribution;
pub(crate) mod discourse;
pub(crate) mod filter;
pub(crate) mod indirect;
pub(crate) mod lexicon;
pub(crate) mod orgs;
pub(crate) mod phrase;
pub mod quotes;
pub(crate) mod rank;
pub(crate) mod roles;
pub(crate) mod target;
pub(crate) mod unlisted;
pub(crate) mod view;

use crate::companies::tickers;
use crate::doc::{single_spaced, text_at, CharRange, Document, EntityLabel, Mention, WordRange};
use crate::text::dateline;
#[cfg(test)]
use crate::text::Sentence;
use attribution::{from_colon, from_header, from_lead, from_tail, resolve, Attribution};
use discourse::{colon_lead, next_sentence_tail, parts, previous, Parts};

pub use attribution::How;
use quotes::{find_quotes, Quote};
use view::View;

pub(crate) use crate::doc::{ClaimCompanies, FoundClaim};
pub(crate) use crate::labels::ClaimKind;

/// Test input: each `(name, label)` as an entity mention at the name's first occurrence in
/// `text`.
#[cfg(test)]
pub(crate) fn mentions_in(text: &str, entities: &[(&str, &str)]) -> Vec<Mention> {
    entities
        .iter()
        .filter_map(|(name, label)| {
            let at = text.find(name)?;
            let start = text[..at].chars().count();
            Some(Mention {
                range: CharRange::new(start, start + name.chars().count()),
                label: EntityLabel::parse(label)?,
                kind: crate::doc::MentionKind::Entity,
                score: None,
                company: None,
                sentiment: None,
            })
        })
        .collect()
}

/// How indirect claims are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indirect {
    /// From the role spans already in the document (the attribution head's).
    FromRoles,
    /// From role spans found by the rule baseline (`indirect::rule_roles`), written into
    /// the document first.
    Rules,
}

/// The claims stage: direct claims by the rules, then indirect ones from role spans, in text
/// order, with the companies their speakers, sources and targets name.
pub fn annotate(doc: &mut Document, indirect: Indirect) {
    annotate_with(doc, indirect, &ClaimOptions::default());
}

/// `annotate` with other settings of the direct-quote rules (for measuring them).
pub fn annotate_with(doc: &mut Document, indirect: Indirect, options: &ClaimOptions) {
    let chars = &doc.normalized.chars;
    let quotes = find_quotes(chars);
    let v = View::new(chars, &doc.sentences, &doc.mentions, &quotes);
    let mut found = direct_claims(&v, &quotes, options);
    if indirect == Indirect::Rules {
        doc.roles = indirect::rule_roles(&v);
    }
    if !doc.roles.is_empty() {
        indirect::fill_direct_speakers(&v, &doc.roles, &mut found);
        let more = indirect::from_roles(&v, &doc.roles, &found);
        found.extend(more);
    }
    if indirect == Indirect::FromRoles {
        // The head misses plain `X said (that) ...` sentences the rules find: their
        // contents where the head found none (README, "Reported claims"; the rules
        // first measured worse).
        let more = indirect::from_roles(&v, &indirect::rule_roles(&v), &found);
        found.extend(more);
    }
    found.sort_by_key(|f| f.quote);
    for claim in &mut found {
        phrase::complete_speaker(&v, claim);
        speaker_beside_ticker(chars, &doc.tickers, &doc.mentions, claim);
        affiliate(&v, claim);
        // The attribution's organisation that is the speaker's own ("SEC Chairman Arthur
        // Levitt said") is no target by being there; the quote decides below.
        if claim.target.is_some() && claim.target == claim.affiliation {
            claim.target = None;
        }
    }
    discourse::role_antecedents(&v, &mut found);
    // A reported claim whose speaker is still a fragment ("It is worth noting that", "all
    // agreed") names nobody: no claim rather than a speaker called "It".
    found.retain(|c| c.kind != ClaimKind::Indirect || !phrase::is_unnamed_fragment(&v, c));
    let outside: Vec<WordRange> = (found.iter())
        .filter_map(|c| target::outside_firm(&v, c))
        .collect();
    for claim in found.iter_mut().filter(|c| c.target.is_none()) {
        claim.target = target::quote_target(&v, claim, &outside).and_then(|t| v.span(t));
    }
    target::inherit_targets(&v, &mut found);
    // A target is an organisation, never a pronoun or a determiner alone ("They", "the").
    for claim in &mut found {
        if claim
            .target
            .is_some_and(|t| phrase::is_fragment(&v, v.words_in(t)))
        {
            claim.target = None;
        }
    }
    no_outlet_targets(chars, &mut found);
    let unlisted = unlisted::companies(&v);
    for (i, name) in unlisted {
        if let Some(mention) = doc.mentions.get_mut(i) {
            mention.company = Some(name);
        }
    }
    doc.claims = found;
    name_companies(doc);
}

/// A speaker the rules found inside a ticker ("DE" of "Hess AG HEAG.DE said") is the
/// organisation the ticker stands beside; with none there, the claim has no speaker.
fn speaker_beside_ticker(
    chars: &[char],
    tickers: &[CharRange],
    mentions: &[Mention],
    claim: &mut FoundClaim,
) {
    let Some(speaker) = claim.speaker else {
        return;
    };
    let Some(&ticker) = tickers.iter().find(|t| t.overlaps(speaker)) else {
        return;
    };
    let name = tickers::beside(chars, mentions, ticker);
    claim.speaker = name;
    claim.speaker_entity = name;
}

/// The outlet a claim reaches the reader through is neither what it is about nor the
/// speaker's employer: the agency of the dateline ("DETROIT (Reuters) - ... unit \"is
/// strongly in profit\"") and the claim's own source ("an analyst told Reuters") are no
/// targets and no affiliations.
fn no_outlet_targets(chars: &[char], claims: &mut [FoundClaim]) {
    let agency = dateline::agency(chars);
    for claim in claims {
        let source = claim.source.map(|s| single_spaced(&text_at(chars, s)));
        let is_outlet = |r: CharRange| {
            agency.is_some_and(|a| a.start < r.end && r.start < a.end)
                || source.as_ref() == Some(&single_spaced(&text_at(chars, r)))
        };
        if claim.target.is_some_and(is_outlet) {
            claim.target = None;
        }
        if claim.affiliation.is_some_and(is_outlet) {
            claim.affiliation = None;
        }
    }
}

/// Puts the target ranker's choice in place of the rules' target of every direct claim
/// (the rules' choice is one of its features).
pub(crate) fn rank_targets(doc: &mut Document, ranker: &rank::TargetRanker) {
    let chars = &doc.normalized.chars;
    let quotes = find_quotes(chars);
    let v = View::new(chars, &doc.sentences, &doc.mentions, &quotes);
    let mut claims = std::mem::take(&mut doc.claims);
    rank::rank(&v, &mut claims, ranker);
    no_outlet_targets(chars, &mut claims);
    doc.claims = claims;
    name_companies(doc);
}

/// The target ranker's candidates for each direct claim of an annotated document, with
/// each candidate's name (what training matches against the gold target).
pub(crate) fn target_choices(doc: &Document) -> Vec<(rank::Choice, Vec<String>)> {
    let chars = &doc.normalized.chars;
    let quotes = find_quotes(chars);
    let v = View::new(chars, &doc.sentences, &doc.mentions, &quotes);
    let orgs = rank::organisations(&v);
    (rank::choices(&v, &doc.claims).into_iter())
        .map(|choice| {
            let names = (choice.candidates.iter())
                .map(|c| {
                    let m = orgs[c.organisation].mentions[0];
                    let company = (v.entity_of.get(m.start).copied().flatten())
                        .and_then(|i| doc.mentions.get(i))
                        .and_then(|m| m.company.clone());
                    company.unwrap_or_else(|| {
                        v.span(c.mention)
                            .map_or_else(String::new, |r| doc.name_of(r))
                    })
                })
                .collect();
            (choice, names)
        })
        .collect()
}

/// The speaker's title and affiliation. A speaker entity that is an organisation inside a
/// role phrase ("a Contoso spokesman") is the affiliation, and the speaker is the phrase.
fn affiliate(v: &View, claim: &mut FoundClaim) {
    let Some(speaker) = claim.speaker.map(|s| v.words_in(s)) else {
        return;
    };
    let entity = claim.speaker_entity.map(|e| v.words_in(e));
    let found = affiliation::affiliate(v, speaker, entity);
    claim.speaker_title = found.title.and_then(|t| v.span(t));
    claim.affiliation = found.organisation.and_then(|o| v.span(o));
    if found.title.is_some() && claim.speaker_entity == claim.affiliation {
        claim.speaker_entity = None;
    }
}

/// Speakers, targets and sources named by their company when the name is a company entity
/// of the article, or when the mention (or the entity the name was resolved to, a pronoun's
/// antecedent) is exactly a company mention: a speaker "Azure" is Microsoft; "the company
/// said" after "Nvidia Corp." is Nvidia; "AMD's chief Lisa Su" is Lisa Su, not AMD.
pub(crate) fn name_companies(doc: &mut Document) {
    let company_at = |range: CharRange| {
        (doc.mentions.iter())
            .filter(|m| m.range == range)
            .find_map(|m| m.company.clone())
    };
    let company_named = |name: &str| {
        doc.entities()
            .find(|m| m.company.is_some() && doc.text_of(m.range) == name)
            .and_then(|m| m.company.clone())
    };
    let company = |mention: Option<CharRange>, entity: Option<CharRange>| {
        let mention = mention?;
        company_named(&doc.name_of(entity.unwrap_or(mention))).or_else(|| company_at(mention))
    };
    let companies: Vec<ClaimCompanies> = (doc.claims.iter())
        .map(|c| ClaimCompanies {
            speaker: company(c.speaker, c.speaker_entity),
            affiliation: company(c.affiliation, None),
            source: company(c.source, None),
            target: company(c.target, None),
        })
        .collect();
    for (claim, companies) in doc.claims.iter_mut().zip(companies) {
        claim.companies = companies;
    }
}

/// Settings of the rules, for measuring them; `Default` is what the pipeline runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimOptions {
    /// Scare quotes and titles: a quote of fewer words is kept only when it is a sentence
    /// of its own, its cue stands right by it or governs its `that` clause, or its cue also
    /// attributes a longer quote (see `filter`).
    pub min_words: usize,
    /// A quote that opens its sentence with no attribution takes the subject of the
    /// narrative sentence before it, else the previous quote's speaker, when the paragraph
    /// (or the next one) goes on.
    pub inherit: bool,
    /// Drop quotes in Title Case inside a sentence (names of shows, books, slogans).
    pub titles: bool,
}

impl Default for ClaimOptions {
    /// The settings measured best on PolNeAR (README, "How the rule settings were
    /// chosen"): past 3 words the minimum gains almost nothing and starts dropping real
    /// three-word claims whose cue is a clause away.
    fn default() -> Self {
        ClaimOptions {
            min_words: 3,
            inherit: true,
            titles: true,
        }
    }
}

/// The direct claims of an article with the given rule settings (for measuring them).
#[cfg(test)]
fn extract_with(
    chars: &[char],
    sentences: &[Sentence],
    entities: &[Mention],
    options: &ClaimOptions,
) -> Vec<FoundClaim> {
    let quotes = find_quotes(chars);
    let v = View::new(chars, sentences, entities, &quotes);
    direct_claims(&v, &quotes, options)
}

pub(crate) fn direct_claims(v: &View, quotes: &[Quote], options: &ClaimOptions) -> Vec<FoundClaim> {
    let chars = v.chars;
    if quotes.is_empty() || v.words.is_empty() {
        return Vec::new();
    }
    let parts: Vec<Parts> = quotes.iter().map(|q| parts(v, q)).collect();
    let mut found: Vec<Option<Attribution>> = quotes
        .iter()
        .zip(&parts)
        .map(|(q, p)| {
            // A period inside the closing mark ends the sentence: what follows is rarely
            // its attribution unless it is short (`"We won." he said.`).
            let ended = chars.get(q.end) == Some(&'.') && p.tail.len() > 6;
            from_tail(v, &p.tail)
                .filter(|_| !ended)
                .or_else(|| from_lead(v, &p.lead))
                .or_else(|| from_colon(v, &p.lead))
                .or_else(|| from_header(v, &p.lead))
                .or_else(|| next_sentence_tail(v, q, p))
                .or_else(|| colon_lead(v, p))
        })
        .collect();
    for i in 0..quotes.len() {
        if found[i].is_none() {
            let group = quotes[i].group;
            found[i] = (0..quotes.len())
                .filter(|&j| quotes[j].group == group)
                .find_map(|j| found[j])
                .map(|a| Attribution {
                    how: How::Group,
                    ..a
                });
        }
        if found[i].is_none() && options.inherit {
            found[i] = previous(v, quotes, &parts, &found, i);
        }
    }
    let mut out = Vec::with_capacity(quotes.len());
    let mut last_entity: Option<(WordRange, usize)> = None;
    let long: Vec<bool> = quotes
        .iter()
        .map(|q| filter::word_count(chars, q) >= options.min_words)
        .collect();
    for (i, ((q, p), a)) in quotes.iter().zip(&parts).zip(&found).enumerate() {
        let cue = a.and_then(|a| a.cue);
        let shared = cue.is_some()
            && (0..quotes.len()).any(|j| j != i && long[j] && found[j].and_then(|a| a.cue) == cue);
        if !filter::keep(v, q, &p.lead, &p.tail, a.as_ref(), shared, options) {
            continue;
        }
        let speaker = a.and_then(|a| a.speaker);
        let mut entity = speaker.and_then(|m| resolve(v, m));
        // A one-word speaker that is no entity ("he") after a named one nearby is them.
        if let Some(m) =
            speaker.filter(|m| entity.is_none() && m.len() == 1 && !v.is_agent(m.start))
        {
            // "He" and "she" are people: after "a Contoso spokesman" they are the role
            // (`discourse::role_antecedents`), not Contoso.
            let person = matches!(v.word(m.start), "he" | "she");
            entity = last_entity
                .filter(|&(_, s)| p.first.saturating_sub(s) <= 3)
                .filter(|&(e, _)| !person || v.label(e.start) == Some(EntityLabel::Person))
                .map(|(e, _)| e);
        }
        if let Some(e) = entity {
            last_entity = Some((e, p.last));
        }
        out.push(direct_claim(v, q, p, a.as_ref(), entity));
    }
    out
}

/// A kept quote with its attribution: the source and target rules run on the words around.
fn direct_claim(
    v: &View,
    q: &Quote,
    p: &Parts,
    a: Option<&Attribution>,
    entity: Option<WordRange>,
) -> FoundClaim {
    let (speaker, cue) = (a.and_then(|a| a.speaker), a.and_then(|a| a.cue));
    // A colon attribution's sentence is part of the quote's context.
    let colon = a.is_some_and(|a| a.how == How::Colon);
    let from = if colon {
        p.first.saturating_sub(1)
    } else {
        p.first
    };
    let mut unquoted: Vec<usize> = (from..=p.last).flat_map(|s| v.unquoted_words(s)).collect();
    unquoted.dedup();
    let source = roles::source(v, &unquoted, speaker);
    let exclude = lowercase_texts(v, &[speaker, entity, source]);
    let target = roles::target(v, &p.lead, &p.tail, cue, &exclude);
    let span = |r: Option<WordRange>| r.and_then(|r| v.span(r));
    FoundClaim {
        speaker: span(speaker),
        speaker_entity: span(entity),
        cue: span(cue),
        source: span(source),
        target: span(target),
        rule: a.map(|a| a.how),
        ..FoundClaim::new(
            ClaimKind::Direct,
            CharRange::new(q.start, q.end),
            p.first,
            p.last,
        )
    }
}

/// The lowercased texts of the given word ranges (for keeping a target apart from them).
fn lowercase_texts(v: &View, ranges: &[Option<WordRange>]) -> Vec<String> {
    (ranges.iter().flatten())
        .filter_map(|&r| v.span(r))
        .map(|r| {
            v.chars[r.start..r.end]
                .iter()
                .collect::<String>()
                .to_lowercase()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::{Article, MentionKind};
    use crate::text::{segment, Markup};

    #[test]
    fn no_quotes_no_claims() {
        let chars: Vec<char> = "Nothing quoted here.".chars().collect();
        let options = ClaimOptions::default();
        assert!(extract_with(&chars, &segment(&chars), &[], &options).is_empty());
    }

    #[test]
    fn a_descriptor_speaker_is_named_by_its_company() {
        let text = "Acme Corp. grew. \"We will win,\" the company said.";
        let mut doc = Document::new(&Article::new("a", text), Markup::Plain);
        doc.mentions = mentions_in(text, &[("Acme Corp.", "ORG"), ("the company", "ORG")]);
        doc.mentions[0].company = Some("Acme".into());
        doc.mentions[1].kind = MentionKind::Descriptor;
        doc.mentions[1].company = Some("Acme".into());
        annotate(&mut doc, Indirect::FromRoles);
        assert_eq!(doc.claims.len(), 1);
        assert_eq!(doc.claims[0].companies.speaker.as_deref(), Some("Acme"));
    }

    #[test]
    fn a_speaker_inside_a_ticker_is_the_name_beside_it_and_outlets_are_no_targets() {
        let text =
            "FRANKFURT (Reuters) - Hess AG HEAG.DE said it had a \"remarkable period of time\". \
                    \"Sales will grow,\" an analyst told Reuters.";
        let mut doc = Document::new(&Article::new("a", text), Markup::Plain);
        doc.mentions = mentions_in(text, &[("Reuters", "ORG"), ("Hess AG", "ORG")]);
        let ticker = text.find("HEAG.DE").expect("in text");
        doc.tickers = vec![CharRange::new(ticker, ticker + "HEAG.DE".len())];
        annotate(&mut doc, Indirect::FromRoles);
        let named = |r: Option<CharRange>| r.map(|r| doc.text_of(r));
        let hess = doc
            .claims
            .iter()
            .find(|c| doc.text_of(c.quote).starts_with("remarkable"));
        assert_eq!(
            named(hess.and_then(|c| c.speaker)).as_deref(),
            Some("Hess AG")
        );
        for claim in &doc.claims {
            assert_ne!(named(claim.target).as_deref(), Some("Reuters"), "{claim:?}");
            assert_ne!(
                named(claim.affiliation).as_deref(),
                Some("Reuters"),
                "{claim:?}"
            );
        }
    }
}
