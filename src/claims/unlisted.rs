//! Companies the knowledge base does not list, named as companies by the article itself.
//!
//! Reads: the claims stage's view (words, entities). Writes: for each organisation entity
//! with no knowledge-base company that the article shows to be a company, the name all its
//! mentions go by. Evidence, at any mention of the name: a legal form or firm word ending
//! it ("Gencor Ltd", "Fabrikam Securities"), a kind of company right before it ("miner
//! Gencor", "chipmaker Nvidia"), or its shares ("Gencor shares", "shares of Gencor",
//! "Gencor's stock"). What `orgs::is_company` refuses (public bodies, markets,
//! unions) never counts, and a name without evidence stays without company: a wrong
//! company is worse than none. Being a claim's target is not evidence: in political news
//! the target rules take agencies and parties (PolNeAR dev: 90 such names, against 6
//! companies with the evidence above).

use crate::claims::lexicon::is_possessive;
use crate::claims::orgs::{is_company, stands_for};
use crate::claims::view::View;
use crate::companies::kinds::{ends_company_name, is_company_kind, is_suffix};
use crate::doc::{single_spaced, text_at, EntityLabel, MentionKind, WordRange};

/// What only a listed company has: "Gencor shares", "Gencor's stock". Results words
/// ("revenue", "profit") are not here: governments, leagues and universities have them too.
const OWNED: &[&str] = &["shares", "stock", "shareholders", "stockholders"];

/// The mentions to name (indices into `v.entities`) and the name each goes by.
pub(super) fn companies(v: &View) -> Vec<(usize, String)> {
    let candidates: Vec<(usize, WordRange)> = (v.entities.iter().enumerate())
        .filter(|(_, m)| {
            m.kind == MentionKind::Entity
                && m.label == EntityLabel::Organisation
                && m.company.is_none()
        })
        .map(|(i, m)| (i, v.words_in(m.range)))
        .filter(|&(_, words)| is_name(v, words))
        .collect();
    let linked_keys: Vec<Vec<&str>> = (v.entities.iter())
        .filter(|m| m.kind == MentionKind::Entity && m.company.is_some())
        .map(|m| key(v, v.words_in(m.range)))
        .collect();
    let mut groups: Vec<Group> = Vec::new();
    for &(i, words) in &candidates {
        let k = key(v, stands_for(v, words));
        match groups.iter_mut().find(|(g, _)| *g == k) {
            Some((_, members)) => members.push((i, words)),
            None => groups.push((k, vec![(i, words)])),
        }
    }
    join_short_names(&mut groups);
    let mut out = Vec::new();
    for (k, members) in groups {
        let named = (members.iter()).any(|&(_, words)| evidence(v, words));
        let refused = (members.iter()).any(|&(_, words)| !is_company(v, words));
        if !named || refused || linked_keys.contains(&k) {
            continue;
        }
        // The fullest spelling the article uses ("Brush Wellman Inc" over "Brush Wellman").
        let Some(&(_, fullest)) = members
            .iter()
            .max_by_key(|(_, words)| (words.len(), std::cmp::Reverse(words.start)))
        else {
            continue;
        };
        let Some(name) = v.span(fullest).map(|r| single_spaced(&text_at(v.chars, r))) else {
            continue;
        };
        out.extend(members.iter().map(|&(i, _)| (i, name.clone())));
    }
    out
}

/// A name's mentions by their key, each with its entity index and words.
type Group<'v> = (Vec<&'v str>, Vec<(usize, WordRange)>);

/// Moves the mentions of a short name into the one longer name it begins ("Barrick" into
/// "Barrick Gold Corp"); a short name that begins two ("Sumitomo": Sumitomo Corp, Sumitomo
/// Bank) stays apart.
fn join_short_names(groups: &mut Vec<Group>) {
    let mut i = 0;
    while i < groups.len() {
        let short = &groups[i].0;
        let longer: Vec<usize> = (0..groups.len())
            .filter(|&j| groups[j].0.len() > short.len() && groups[j].0.starts_with(short))
            .collect();
        if let [j] = longer[..] {
            let (_, members) = groups.remove(i);
            let j = if j > i { j - 1 } else { j };
            groups[j].1.extend(members);
        } else {
            i += 1;
        }
    }
}

/// Whether `words` are written as a name: some word capitalised (the tagger's "Rival
/// grocer Orbita Corp" may make "grocer" an organisation).
fn is_name(v: &View, words: WordRange) -> bool {
    (words.start..words.end)
        .filter_map(|w| v.words.get(w))
        .any(|r| v.chars.get(r.start).is_some_and(|c| c.is_uppercase()))
}

/// How mentions of one company compare: lowercase words without the legal form ("Gencor
/// Ltd" and "Gencor"), unless that would leave nothing.
fn key<'v>(v: &'v View, words: WordRange) -> Vec<&'v str> {
    let mut end = words.end;
    while end > words.start + 1 && is_suffix(v.word(end - 1)) {
        end -= 1;
    }
    (words.start..end).map(|w| v.word(w)).collect()
}

/// Whether the article shows the organisation at `words` to be a company there.
fn evidence(v: &View, words: WordRange) -> bool {
    let last = words.end.checked_sub(1).map_or("", |w| v.word(w));
    let firm_ending = || words.len() > 1 && ends_company_name(last);
    let before = |n: usize| words.start.checked_sub(n).map_or("", |w| v.word(w));
    let kind_before = || is_company_kind(before(1));
    let after = v.word(words.end);
    // Not "the UN shares of the burden" (a verb or a share of something else).
    let owned_at = |w: usize| OWNED.contains(&v.word(w)) && v.word(w + 1) != "of";
    let owned = || {
        owned_at(words.end)
            || (is_possessive(after) && owned_at(words.end + 1))
            || (matches!(before(1), "of" | "in") && matches!(before(2), "shares" | "stake"))
    };
    firm_ending() || kind_before() || owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::view::with_view;

    /// The names `companies` gives, as (mention text, name), for `text` with `orgs` tagged
    /// (first occurrence each).
    fn named(text: &str, orgs: &[&str]) -> Vec<(String, String)> {
        let tagged: Vec<(&str, &str)> = orgs.iter().map(|o| (*o, "ORG")).collect();
        with_view(text, &tagged, |v, _| {
            companies(v)
                .into_iter()
                .map(|(i, name)| (single_spaced(&text_at(v.chars, v.entities[i].range)), name))
                .collect()
        })
    }

    #[test]
    fn a_legal_form_a_kind_or_shares_make_a_company() {
        assert_eq!(
            named("Gencor Ltd said output rose.", &["Gencor Ltd"]),
            [("Gencor Ltd".into(), "Gencor Ltd".into())]
        );
        assert_eq!(
            named("Shares in miner Zenmart rose.", &["Zenmart"]),
            [("Zenmart".into(), "Zenmart".into())]
        );
        assert_eq!(
            named("Orbita shares fell 3 percent.", &["Orbita"]),
            [("Orbita".into(), "Orbita".into())]
        );
        assert_eq!(
            named("Orbita's stock fell.", &["Orbita"]),
            [("Orbita".into(), "Orbita".into())]
        );
        assert_eq!(
            named(
                "Orbita Management said output rose.",
                &["Orbita Management"]
            ),
            [("Orbita Management".into(), "Orbita Management".into())]
        );
    }

    #[test]
    fn short_and_full_spellings_go_by_the_full_name() {
        assert_eq!(
            named(
                "Brush Wellman shares rose. Brush Wellman Inc makes beryllium.",
                &["Brush Wellman", "Brush Wellman Inc"]
            ),
            [
                ("Brush Wellman".into(), "Brush Wellman Inc".into()),
                ("Brush Wellman Inc".into(), "Brush Wellman Inc".into())
            ]
        );
    }

    #[test]
    fn organisations_without_evidence_or_refused_stay_unnamed() {
        assert!(named("Orbita said talks would go on.", &["Orbita"]).is_empty());
        // Public bodies and markets, whatever the evidence.
        assert!(named("Trade Commission Ltd said so.", &["Trade Commission Ltd"]).is_empty());
        assert!(named("Nikkei shares fell.", &["Nikkei"]).is_empty());
        // Results and a share of something are not a company's alone.
        assert!(named("Harvard's revenue from patents grew.", &["Harvard"]).is_empty());
        assert!(named("Orbita shares of the burden fell.", &["Orbita"]).is_empty());
        // A bank may be a public body ("World Bank"): its name is no evidence.
        assert!(named("World Bank officials said so.", &["World Bank"]).is_empty());
        // A tagger's lowercase "organisation" is no name.
        assert!(named("Rival grocer Orbita fell.", &["grocer"]).is_empty());
    }
}
