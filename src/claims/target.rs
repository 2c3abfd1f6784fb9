//! The company a claim is about (its target), when the attribution does not say (`said of
//! X`, handled by `roles::target`). In order:
//! 1. an insider's own company when the quote names it; else a company named inside the
//!    quote, the first one (its subject or topic: "Contoso was and is the jewel of the
//!    group"), other than an outside commentator's own firm;
//! 2. the speaker's own company when an insider speaks in the first person plural ("we",
//!    "our") or an insider's quote is about results ("profit", "outlook", "sales");
//! 3. the article's focal company when an outsider's quote judges results;
//! 4. a company the quote refers to by pronoun or descriptor ("it", "this is", "the
//!    company", "its shares", a fragment going on from "it"): the article's focal
//!    company, or an insider's own;
//! 5. the target of the same speaker's quote just before, which this one goes on from.
//!
//! Organisations that are not companies (central banks, ministries, regulators, unions,
//! exchanges) and market names (indices, bond markets) are never targets, and a quote
//! about a market or an economy gets none from rules 2 to 5 unless it points at a company
//! (or, for an insider, judges the company's results).

use crate::claims::affiliation::{is_outsider, refers_back, RUNS};
use crate::claims::lexicon::{is_outside_role, is_punct};
use crate::claims::orgs::{focal_company, is_company, is_linked, mentions_of, same_words};
use crate::claims::view::View;
use crate::claims::FoundClaim;
use crate::companies::kinds::{is_commenting_firm_ending, is_commenting_firm_kind};
use crate::doc::{EntityLabel, WordRange};
use crate::labels::ClaimKind;

/// Words of a quote about a market, a sector or an economy rather than one company.
const MARKET: &[&str] = &[
    "market",
    "markets",
    "economy",
    "sector",
    "industry",
    "currency",
    "currencies",
    "exchange",
    "inflation",
    "exports",
    "imports",
];

/// Words of a quote that point at a company it does not name.
const DESCRIPTORS: &[&str] = &[
    "company",
    "stock",
    "shares",
    "firm",
    "plant",
    "plants",
    "refinery",
    "factory",
    "factories",
    "mine",
    "mill",
];

/// Words of a quote about a company's own business.
const RESULTS: &[&str] = &[
    "profit",
    "profits",
    "earnings",
    "sales",
    "result",
    "results",
    "performance",
    "outlook",
    "revenue",
    "revenues",
    "margin",
    "margins",
    "dividend",
    "orders",
    "turnover",
    "growth",
    "loss",
    "losses",
    "costs",
    "year",
    "quarter",
    "half",
    "business",
    "portfolio",
    "merger",
    "acquisition",
    "shareholders",
];

/// Words of a quote that judge a company's results or prospects.
const EVALUATED: &[&str] = &[
    "profit",
    "profits",
    "earnings",
    "results",
    "outlook",
    "forecast",
    "forecasts",
    "performance",
    "sales",
    "revenue",
    "revenues",
    "margins",
    "dividend",
];

/// The speaker's relation to the companies: speaking for one (an organisation, or a
/// person whose role is not an outside commentator's) or commenting from outside.
pub(super) fn is_insider(v: &View, claim: &FoundClaim) -> bool {
    let Some(organisation) = claim.affiliation.map(|a| v.words_in(a)) else {
        return false;
    };
    // "head of financials at stockbroker Tailspin", "a survey by consulting firm Towers
    // Perrin": the kind of firm, given before any of its mentions, makes its people outside
    // commentators, whatever their title.
    let before = |e: WordRange| {
        // Within the mention's own phrase: ", said one analyst . Contoso shares …" says
        // nothing about Contoso.
        let words = (e.start.saturating_sub(3)..e.start).rev();
        words.take_while(|&w| !is_punct(v.word(w)))
    };
    let firm_kind = |w: usize| is_commenting_firm_kind(v.word(w));
    // The speaker's role before their firm's name ("an analyst at Contoso") speaks only
    // of them; the firm's kind ("consulting firm Towers Perrin") holds at any mention.
    let commenting_firm = before(organisation).any(|w| is_outside_role(v.word(w)))
        || (mentions_of(v, organisation).into_iter()).any(|e| before(e).any(firm_kind));
    // "Adventure Works Capital", "Northwind Securities": investors, brokers and
    // researchers by name.
    let commenting_name = is_commenting_firm_ending(v.word(organisation.end.saturating_sub(1)));
    if !is_company(v, organisation) || commenting_firm || commenting_name {
        return false;
    }
    match claim.speaker_title.map(|t| v.words_in(t)) {
        Some(title) => !is_outsider(v, title),
        // The organisation itself speaking ("Contoso said", "the company said"), or a
        // person who runs it ("Ann Lee, who runs Contoso"); a person with no role named
        // may be either.
        None => {
            claim.speaker_entity == claim.affiliation
                || (organisation.start > 0 && RUNS.contains(&v.word(organisation.start - 1)))
                || claim.speaker.is_some_and(|s| {
                    let s = v.words_in(s);
                    // A bank or brokerage speaking is mostly commenting on others.
                    refers_back(v, s) && !matches!(v.word(s.end - 1), "bank" | "brokerage")
                })
        }
    }
}

/// The company entities of the quote's words, in order.
fn companies_in(v: &View, quote: WordRange) -> Vec<WordRange> {
    // A product the knowledge base knows ("Windows 95 is going to do great") stands for
    // its maker.
    (v.entities_in(quote).iter().copied())
        .filter(|&e| v.label(e.start) == Some(EntityLabel::Organisation) || is_linked(v, e))
        .filter(|&e| e.end <= quote.end && is_company(v, e))
        .collect()
}

/// Whether a claim's speaker comments from outside: an outside role ("analyst"), or an
/// organisation that is not a company.
pub fn outside_firm(v: &View, claim: &FoundClaim) -> Option<WordRange> {
    let organisation = claim.affiliation.map(|a| v.words_in(a))?;
    (!is_insider(v, claim)).then_some(organisation)
}

/// The target company of a claim whose attribution named none. `outside` holds the firms
/// of the article's outside commentators.
pub fn quote_target(v: &View, claim: &FoundClaim, outside: &[WordRange]) -> Option<WordRange> {
    let quote = v.words_in(claim.quote);
    let words = || (quote.start..quote.end).map(|w| v.word(w));
    let insider = is_insider(v, claim);
    let own = claim.affiliation.map(|a| v.words_in(a));
    let we = first_person(v, quote);
    let commentator = |e: WordRange| outside.iter().any(|&x| same_words(v, x, e));
    let named: Vec<WordRange> = (companies_in(v, quote).into_iter())
        .filter(|&e| !commentator(e))
        .collect();
    // An insider's quote that names their own company is about it ("… leaving Gencor
    // clearly structured"), whatever else it names on the way.
    if let Some(own_named) = own
        .filter(|_| insider)
        .and_then(|o| (named.iter().copied()).find(|&e| same_words(v, e, o)))
    {
        return Some(own_named);
    }
    // "We are pleased that Arequipa shareholders accepted": the company the quote names
    // before the insider's own.
    if let Some(&first) = named.first() {
        return Some(first);
    }
    // "The market was quiet today", "we have a suitable exchange rate": a quote about a
    // market or an economy has no company target unless it points at one ("the company",
    // "the stock").
    let points = points_at_company(v, quote);
    let about_market = about_market(v, quote) && !points;
    if insider && we && !about_market {
        return own;
    }
    // An insider on the company's results speaks of the company, even when the market
    // explains them ("the profit figures bounce back when markets recover").
    let judges_results = words().any(|w| EVALUATED.contains(&w));
    if insider && (judges_results || (!about_market && words().any(|w| RESULTS.contains(&w)))) {
        return own;
    }
    // An outside commentator judging results ("the outlook looks good") judges the
    // article's company.
    if !insider && !about_market && judges_results {
        return focal_company(v, outside);
    }
    let opens = |w: &str| v.word(quote.start) == w;
    // An insider's "they" are people ("they want to talk"); the company would be "we".
    let refers = points
        || (!about_market
            && ((opens("it") && !expletive_it(v, quote.start))
                || (opens("this") && matches!(v.word(quote.start + 1), "is" | "was" | "'s"))
                || (opens("they") && !insider)));
    if refers {
        return if insider {
            own
        } else {
            focal_company(v, outside)
        };
    }
    None
}

/// Whether the quote refers to a company it does not name: a descriptor with a definite or
/// possessive determiner ("the company", "its shares"), not a generic one ("company news",
/// "a company's bottom line").
pub(super) fn points_at_company(v: &View, quote: WordRange) -> bool {
    let descriptor = (quote.start + 1..quote.end).any(|w| {
        DESCRIPTORS.contains(&v.word(w)) && matches!(v.word(w - 1), "the" | "its" | "their")
    });
    // "our 1996 results", "its first-half profit"
    let own_results = (quote.start..quote.end).any(|w| {
        matches!(v.word(w), "our" | "its")
            && (w + 1..(w + 4).min(quote.end)).any(|r| EVALUATED.contains(&v.word(r)))
    });
    descriptor || own_results || fragment_of_company(v, quote)
}

/// Whether a fragment quote continues a clause whose subject is a company by pronoun or
/// descriptor: Penn Treaty said it "will continue …", the company is "vigorously
/// defending …".
fn fragment_of_company(v: &View, quote: WordRange) -> bool {
    if quote.start == 0 || v.is_capitalized(quote.start) {
        return false;
    }
    let mut w = quote.start;
    while w > 0 && is_punct(v.word(w - 1)) {
        w -= 1;
    }
    for _ in 0..2 {
        if w > 0 && AUXILIARIES.contains(&v.word(w - 1)) {
            w -= 1;
        }
    }
    let Some(subject) = w.checked_sub(1) else {
        return false;
    };
    v.word(subject) == "it"
        || (DESCRIPTORS.contains(&v.word(subject))
            && subject > 0
            && matches!(v.word(subject - 1), "the" | "its"))
}

/// Whether the "it" at word `w` refers to nothing: "it goes without saying", "it seems",
/// "it is too early to say", "it's clear that …".
fn expletive_it(v: &View, w: usize) -> bool {
    let next = |i: usize| v.word(w + i);
    if matches!(
        next(1),
        "goes" | "seems" | "seemed" | "appears" | "appeared" | "remains"
    ) {
        return true;
    }
    // A copula, an adjective or two, then the clause the "it" stands for (not a noun
    // phrase: "it's a move that …" speaks of something).
    matches!(next(1), "is" | "'s" | "was" | "will" | "would")
        && !matches!(
            next(2),
            "a" | "an" | "the" | "our" | "their" | "its" | "his" | "her"
        )
        && (2..6).any(|i| matches!(next(i), "to" | "that" | "whether" | "if" | "how"))
}

/// Auxiliary verbs between a subject and the fragment quote that goes on from it.
const AUXILIARIES: &[&str] = &[
    "is", "was", "are", "were", "will", "would", "has", "had", "have", "could", "can", "may",
    "might", "should", "be", "been",
];

/// Words of a quote in the first person plural: the speaker's organisation speaking.
pub(super) fn first_person(v: &View, quote: WordRange) -> bool {
    (quote.start..quote.end).any(|w| matches!(v.word(w), "we" | "our" | "us" | "ours"))
}

/// Whether the quote's words speak of a market, a sector or an economy.
pub(super) fn about_market(v: &View, quote: WordRange) -> bool {
    (quote.start..quote.end).any(|w| MARKET.contains(&v.word(w)))
}

/// The last word of a claim's speaker (its entity when resolved), lowercased: "Roe" for
/// both "Peter Roe" and a later "Roe".
fn speaker_key(v: &View, claim: &FoundClaim) -> Option<String> {
    let words = v.words_in(claim.speaker_entity.or(claim.speaker)?);
    (words.end > words.start).then(|| v.word(words.end - 1).to_string())
}

/// A direct quote that goes on from the same speaker's quote just before it (within two
/// sentences), names no company and is not about a market is about what that one was.
pub fn inherit_targets(v: &View, claims: &mut [FoundClaim]) {
    for i in 1..claims.len() {
        let c = &claims[i];
        if c.target.is_some() || c.kind != ClaimKind::Direct || about_market(v, v.words_in(c.quote))
        {
            continue;
        }
        let Some(who) = speaker_key(v, c) else {
            continue;
        };
        let earlier = (claims[..i].iter().rev())
            .filter(|p| p.kind == ClaimKind::Direct)
            .take_while(|p| c.sentence.saturating_sub(p.last_sentence) <= 2)
            .find(|p| speaker_key(v, p).as_deref() == Some(who.as_str()));
        if let Some(target) = earlier.and_then(|p| p.target) {
            claims[i].target = Some(target);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::claims::{annotate, mentions_in, Indirect};
    use crate::doc::{Article, Document};
    use crate::text::Markup;

    /// The target and affiliation texts of the first claim of `text`, whose entities are
    /// given as `(name, label)` at their first occurrence; a label `MISC:Company` is a
    /// product the knowledge base links to its maker.
    fn target_of(text: &str, entities: &[(&str, &str)]) -> (Option<String>, Option<String>) {
        let mut doc = Document::new(&Article::new("t", text), Markup::Plain);
        let makers: Vec<(&str, &str)> = (entities.iter())
            .filter_map(|&(name, label)| Some((name, label.split_once(':')?.1)))
            .collect();
        let entities: Vec<(&str, &str)> = (entities.iter())
            .map(|&(name, label)| (name, label.split(':').next().unwrap_or(label)))
            .collect();
        let entities = entities.as_slice();
        doc.mentions = mentions_in(text, entities);
        // Later mentions of the same names are entities too.
        for &(name, label) in entities {
            let mut from = 0;
            while let Some(at) = text[from..].find(name).map(|i| i + from) {
                let start = text[..at].chars().count();
                let range = crate::doc::CharRange::new(start, start + name.chars().count());
                if !doc.mentions.iter().any(|m| m.range.overlaps(range)) {
                    let mut m = mentions_in(name, &[(name, label)]).remove(0);
                    m.range = range;
                    doc.mentions.push(m);
                }
                from = at + name.len();
            }
        }
        doc.mentions.sort_by_key(|m| m.range);
        for m in &mut doc.mentions {
            let name = doc.normalized.chars[m.range.start..m.range.end]
                .iter()
                .collect::<String>();
            if let Some((_, maker)) = makers.iter().find(|(n, _)| *n == name) {
                m.company = Some(maker.to_string());
            }
        }
        annotate(&mut doc, Indirect::FromRoles);
        let claim = doc.claims.first().expect("a claim");
        (
            claim.target.map(|t| doc.text_of(t)),
            claim.affiliation.map(|a| doc.text_of(a)),
        )
    }

    fn some(s: &str) -> Option<String> {
        Some(s.to_string())
    }

    #[test]
    fn the_company_named_in_the_quote_is_its_target() {
        let text = "\"Contoso was and is the jewel of the group,\" said Ann Lee, an analyst at \
                    Northwind.";
        let got = target_of(
            text,
            &[("Contoso", "ORG"), ("Ann Lee", "PER"), ("Northwind", "ORG")],
        );
        assert_eq!(got, (some("Contoso"), some("Northwind")));
    }

    #[test]
    fn an_insider_speaking_for_the_company_makes_it_the_target() {
        let text = "\"We expect a strong second half,\" Contoso chief executive Ann Lee said.";
        let got = target_of(text, &[("Contoso", "ORG"), ("Ann Lee", "PER")]);
        assert_eq!(got, (some("Contoso"), some("Contoso")));
        let text = "\"Profits will rise this year,\" Contoso said.";
        assert_eq!(target_of(text, &[("Contoso", "ORG")]).0, some("Contoso"));
    }

    #[test]
    fn an_analysts_own_firm_is_never_the_target_merely_because_it_is_theirs() {
        let text = "\"Our view is unchanged,\" said Bo Kim, an analyst at Contoso.";
        let got = target_of(text, &[("Bo Kim", "PER"), ("Contoso", "ORG")]);
        assert_eq!(got, (None, some("Contoso")));
    }

    #[test]
    fn a_pronoun_opening_the_quote_refers_to_the_focal_company() {
        let text = "Fabrikam cut its forecast. Fabrikam shares fell 5 percent on Monday. \
                    \"It did not do as well as it could have,\" said Bo Kim, an analyst at \
                    Contoso.";
        let got = target_of(
            text,
            &[("Fabrikam", "ORG"), ("Bo Kim", "PER"), ("Contoso", "ORG")],
        );
        assert_eq!(got.0, some("Fabrikam"));
    }

    #[test]
    fn a_product_the_knowledge_base_knows_stands_for_its_maker() {
        let text = "\"Windows is going to do great,\" said Bo Kim, an analyst at Contoso.";
        let got = target_of(
            text,
            &[
                ("Windows", "MISC:Microsoft"),
                ("Bo Kim", "PER"),
                ("Contoso", "ORG"),
            ],
        );
        assert_eq!(got.0, some("Windows"));
        // A product nobody links to a company is no target.
        let got = target_of(
            text,
            &[("Windows", "MISC"), ("Bo Kim", "PER"), ("Contoso", "ORG")],
        );
        assert_eq!(got.0, None);
    }

    #[test]
    fn an_acronym_of_a_public_body_is_no_company() {
        let text = "The Reserve Bank of Australia (RBA) published its report. \
                    \"We expect growth to slow,\" the RBA said.";
        let got = target_of(
            text,
            &[("Reserve Bank of Australia", "ORG"), ("RBA", "ORG")],
        );
        assert_eq!(got, (None, some("RBA")));
    }

    #[test]
    fn an_insiders_quote_about_the_market_has_no_target_unless_it_points_at_the_company() {
        let text = "Contoso said profits fell. \"A preview of the second half does not reveal \
                    any improvement in market conditions,\" Contoso said.";
        assert_eq!(target_of(text, &[("Contoso", "ORG")]).0, None);
        let text = "\"The company will gain share in a weak market this year,\" Contoso said.";
        assert_eq!(target_of(text, &[("Contoso", "ORG")]).0, some("Contoso"));
        let text = "\"Profits will rise in the second half,\" Contoso said.";
        assert_eq!(target_of(text, &[("Contoso", "ORG")]).0, some("Contoso"));
    }

    #[test]
    fn the_company_speaking_of_its_results_is_the_target_and_a_minister_is_no_insider() {
        let text = "Contoso NV said on Friday it expected higher profits. \"An improvement \
                    is expected in turnover and profits,\" the company said.";
        assert_eq!(
            target_of(text, &[("Contoso NV", "ORG")]).0,
            some("Contoso NV")
        );
        let text = "\"I would like to see how sales moved in the first half,\" said Fabrikam \
                    minister Bo Kim.";
        let got = target_of(text, &[("Fabrikam", "ORG"), ("Bo Kim", "PER")]);
        assert_eq!(got, (None, some("Fabrikam")));
    }

    #[test]
    fn a_company_the_insiders_quote_names_comes_before_their_own() {
        let text = "\"We are pleased that Arequipa shareholders accepted the offer,\" \
                    Barrick chairman Peter Munk said.";
        let got = target_of(
            text,
            &[
                ("Arequipa", "ORG"),
                ("Barrick", "ORG"),
                ("Peter Munk", "PER"),
            ],
        );
        assert_eq!(got, (some("Arequipa"), some("Barrick")));
    }

    #[test]
    fn an_insiders_they_are_people_not_the_company() {
        let text = "\"They want to discuss it in public,\" said Bo Kim, general manager of \
                    Contoso.";
        let got = target_of(text, &[("Bo Kim", "PER"), ("Contoso", "ORG")]);
        assert_eq!(got, (None, some("Contoso")));
    }

    #[test]
    fn indices_and_exchanges_are_no_companies() {
        let text = "\"The Nikkei is testing support at 20,500,\" said a dealer.";
        assert_eq!(target_of(text, &[("Nikkei", "ORG")]).0, None);
        let text = "\"Treasuries remain sensitive to any sign of strength,\" said Bo Kim.";
        assert_eq!(
            target_of(text, &[("Treasuries", "ORG"), ("Bo Kim", "PER")]).0,
            None
        );
    }

    #[test]
    fn a_quote_going_on_from_the_same_speaker_keeps_its_target() {
        let text = "Fabrikam cut its forecast. \"The company will struggle this year,\" said Bo \
                    Kim, an analyst at Contoso. \"The mistake people made was to expect a \
                    fast change.\"";
        let mut doc = Document::new(&Article::new("t", text), Markup::Plain);
        doc.mentions = mentions_in(
            text,
            &[("Fabrikam", "ORG"), ("Bo Kim", "PER"), ("Contoso", "ORG")],
        );
        annotate(&mut doc, Indirect::FromRoles);
        let targets: Vec<Option<String>> = (doc.claims.iter())
            .map(|c| c.target.map(|t| doc.text_of(t)))
            .collect();
        assert_eq!(targets, vec![some("Fabrikam"), some("Fabrikam")]);
    }

    #[test]
    fn a_generic_descriptor_points_at_no_company() {
        let text = "Fabrikam shares rose. \"Everybody trades on company news and a company's \
                    bottom line now,\" said one trader.";
        assert_eq!(target_of(text, &[("Fabrikam", "ORG")]).0, None);
        let text = "Fabrikam shares rose. \"The company has done everything right,\" said one \
                    trader.";
        assert_eq!(target_of(text, &[("Fabrikam", "ORG")]).0, some("Fabrikam"));
    }

    #[test]
    fn an_insiders_quote_naming_their_own_company_is_about_it() {
        let text = "\"We sold Tailspin, leaving Contoso structured along its core metals,\" \
                    said Ann Lee, chairman of Contoso.";
        let got = target_of(
            text,
            &[("Tailspin", "ORG"), ("Contoso", "ORG"), ("Ann Lee", "PER")],
        );
        assert_eq!(got.0, some("Contoso"));
    }

    #[test]
    fn a_fragment_goes_on_from_its_subject() {
        let text = "Contoso dropped the purchase. Contoso said it \"will keep looking for \
                    another licence.\"";
        assert_eq!(target_of(text, &[("Contoso", "ORG")]).0, some("Contoso"));
        let text = "Contoso faces four suits, said Ann Lee, a Contoso spokeswoman. The company is \
                    \"vigorously defending\" them, she said.";
        let got = target_of(text, &[("Contoso", "ORG"), ("Ann Lee", "PER")]);
        assert_eq!(got, (some("Contoso"), some("Contoso")));
    }

    #[test]
    fn an_expletive_it_refers_to_no_company() {
        let text = "Fabrikam lost the appeal. \"It goes without saying that we are \
                    disappointed,\" said Bo Kim, spokesman for the Drivers Association.";
        let got = target_of(
            text,
            &[
                ("Fabrikam", "ORG"),
                ("Bo Kim", "PER"),
                ("Drivers Association", "ORG"),
            ],
        );
        assert_eq!(got, (None, some("Drivers Association")));
        // An unnamed organisation is not the article's company.
        let text = "Fabrikam lost the appeal. \"It goes without saying that we are \
                    disappointed,\" said Bo Kim, spokesman for a drivers' association.";
        let got = target_of(text, &[("Fabrikam", "ORG"), ("Bo Kim", "PER")]);
        assert_eq!(got, (None, None));
        let text = "Fabrikam lost the appeal. \"It is too early to say what comes next,\" said \
                    one lawyer.";
        assert_eq!(target_of(text, &[("Fabrikam", "ORG")]).0, None);
        let text = "Fabrikam lost the appeal. \"It is a blow that will hurt,\" said one lawyer.";
        assert_eq!(target_of(text, &[("Fabrikam", "ORG")]).0, some("Fabrikam"));
    }

    #[test]
    fn a_quote_opening_with_this_is_speaks_of_the_articles_company() {
        let text = "Fabrikam cut its outlook again. \"This is the third warning this year,\" \
                    said Bo Kim, a fund manager at Contoso.";
        let got = target_of(
            text,
            &[("Fabrikam", "ORG"), ("Bo Kim", "PER"), ("Contoso", "ORG")],
        );
        assert_eq!(got, (some("Fabrikam"), some("Contoso")));
    }

    #[test]
    fn an_outsider_judging_results_judges_the_articles_company() {
        let text = "Fabrikam's profit fell six percent. \"The year was disappointing, but the \
                    outlook looks good,\" Contoso analyst Bo Kim said.";
        let got = target_of(
            text,
            &[("Fabrikam", "ORG"), ("Contoso", "ORG"), ("Bo Kim", "PER")],
        );
        assert_eq!(got, (some("Fabrikam"), some("Contoso")));
    }

    #[test]
    fn an_insider_on_results_the_market_explains_speaks_of_the_company() {
        let text = "\"When the profit figures bounce back is a function of markets recovering,\" \
                    said Ann Lee, chairman of Contoso.";
        let got = target_of(text, &[("Ann Lee", "PER"), ("Contoso", "ORG")]);
        assert_eq!(got.0, some("Contoso"));
        let text = "\"We do not expect any burden on our 1996 results from currency markets,\" \
                    said Ann Lee, chairman of Contoso.";
        assert_eq!(
            target_of(text, &[("Ann Lee", "PER"), ("Contoso", "ORG")]).0,
            some("Contoso")
        );
    }

    #[test]
    fn staff_of_a_stockbroker_comment_from_outside_and_a_person_who_runs_a_company_is_inside() {
        let text = "Fabrikam shares fell. \"Loan growth will be weaker than we expected,\" \
                    said Bo Kim, head of financials at stockbroker Tailspin.";
        let got = target_of(
            text,
            &[("Fabrikam", "ORG"), ("Bo Kim", "PER"), ("Tailspin", "ORG")],
        );
        assert_eq!(got, (None, some("Tailspin")));
        let text = "Contoso's profit jumped. Ann Lee, who runs Contoso, was upbeat. \"Our \
                    balance sheet has never been stronger,\" Lee said.";
        let got = target_of(
            text,
            &[("Contoso", "ORG"), ("Ann Lee", "PER"), ("Lee", "PER")],
        );
        assert_eq!(got, (some("Contoso"), some("Contoso")));
    }

    #[test]
    fn the_kind_of_firm_given_at_another_mention_makes_its_people_outsiders() {
        let text = "The survey by consulting firm Tailspin was published on Monday. \"That's a \
                    question we used to ask a lot,\" said Bo Kim, a Tailspin principal.";
        let got = target_of(text, &[("Tailspin", "ORG"), ("Bo Kim", "PER")]);
        assert_eq!(got, (None, some("Tailspin")));
        // Another person's role at the firm says nothing about the firm.
        let text = "\"We expect a strong year,\" said Bo Kim, chief executive of Tailspin. \
                    Ann Lee, an analyst at Tailspin, agreed.";
        assert_eq!(
            target_of(
                text,
                &[("Tailspin", "ORG"), ("Bo Kim", "PER"), ("Ann Lee", "PER")]
            )
            .0,
            some("Tailspin")
        );
    }

    #[test]
    fn what_the_speaker_said_of_after_their_apposition_is_the_target() {
        let text = "\"It's a very disappointing set of results,\" said Ann Lee, lead equity \
                    analyst at Northwind, of Fabrikam's figures.";
        let got = target_of(
            text,
            &[
                ("Ann Lee", "PER"),
                ("Northwind", "ORG"),
                ("Fabrikam", "ORG"),
            ],
        );
        assert_eq!(got, (some("Fabrikam"), some("Northwind")));
        let text = "\"Nobody saw that coming,\" said Ann Lee, an analyst at Northwind, of \
                    Fabrikam's figures.";
        let got = target_of(
            text,
            &[
                ("Ann Lee", "PER"),
                ("Northwind", "ORG"),
                ("Fabrikam", "ORG"),
            ],
        );
        assert_eq!(got.0, some("Fabrikam"));
    }

    #[test]
    fn a_union_named_by_its_kind_is_no_company() {
        let text = "The Socialist CFDT union warned of unrest. Contoso shares fell. \"Company \
                    results will not lift anyone's spirits,\" a broker said.";
        let got = target_of(text, &[("CFDT", "ORG"), ("Contoso", "ORG")]);
        assert_eq!(got.0, some("Contoso"));
        // A company whose union is in the news is still a company.
        let text = "Contoso union members voted to strike. \"Contoso is losing money,\" a \
                    broker said.";
        assert_eq!(target_of(text, &[("Contoso", "ORG")]).0, some("Contoso"));
    }

    #[test]
    fn an_insiders_plant_is_the_companys() {
        let text = "An explosion hit a refinery of Contoso. \"The plant is functioning as \
                    usual,\" said Ann Lee, director of personnel at Contoso.";
        let got = target_of(text, &[("Contoso", "ORG"), ("Ann Lee", "PER")]);
        assert_eq!(got, (some("Contoso"), some("Contoso")));
        let text = "\"A plant like this is rare,\" said Ann Lee, director of personnel at \
                    Contoso.";
        assert_eq!(
            target_of(text, &[("Contoso", "ORG"), ("Ann Lee", "PER")]).0,
            None
        );
    }

    #[test]
    fn people_at_an_investment_firm_comment_from_outside() {
        let text = "Fabrikam said profit doubled. \"Its margins are the best in the sector,\" \
                    said Ann Lee, head of equities at Northwind Capital.";
        let got = target_of(
            text,
            &[
                ("Fabrikam", "ORG"),
                ("Ann Lee", "PER"),
                ("Northwind Capital", "ORG"),
            ],
        );
        assert_eq!(got, (some("Fabrikam"), some("Northwind Capital")));
    }

    #[test]
    fn a_technology_term_tagged_as_a_name_is_no_company() {
        let text = "\"We are investing heavily in AI infrastructure,\" Contoso chief executive \
                    Ann Lee said.";
        let got = target_of(
            text,
            &[("AI", "ORG"), ("Contoso", "ORG"), ("Ann Lee", "PER")],
        );
        assert_eq!(got, (some("Contoso"), some("Contoso")));
    }

    #[test]
    fn a_rating_agency_comments_from_outside() {
        let text = "The rating agency Contoso said \"the outlook for Fabrikam is negative.\"";
        assert_eq!(
            target_of(text, &[("Contoso", "ORG")]),
            (None, some("Contoso"))
        );
    }

    #[test]
    fn what_the_speaker_was_asked_about_is_the_target() {
        let text = "Asked about Fabrikam, Contoso president Bo Kim said: \"They have lost the \
                    plot on quality.\"";
        let got = target_of(
            text,
            &[("Fabrikam", "ORG"), ("Contoso", "ORG"), ("Bo Kim", "PER")],
        );
        assert_eq!(got, (some("Fabrikam"), some("Contoso")));
    }

    #[test]
    fn an_insiders_we_about_the_economy_has_no_target() {
        let text = "\"We have a suitable exchange rate and no sign that exports suffer,\" said \
                    Ann Lee, director of Contoso.";
        assert_eq!(
            target_of(text, &[("Ann Lee", "PER"), ("Contoso", "ORG")]).0,
            None
        );
    }

    #[test]
    fn public_bodies_and_markets_are_no_targets() {
        let text = "\"Growth will slow this year,\" the Reserve Bank said.";
        assert_eq!(target_of(text, &[("Reserve Bank", "ORG")]).0, None);
        let text = "\"The market was very quiet today,\" one dealer said.";
        assert_eq!(target_of(text, &[]).0, None);
    }
}
