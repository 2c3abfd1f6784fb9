//! Who a speaker speaks for, and in what role: `"…," said Ann Lee, chief economist at
//! Contoso` → title "chief economist", affiliation Contoso.
//!
//! Reads: the word `View` and a claim's speaker (the mention and the entity it refers to).
//! Writes: the title's words and the affiliation's organisation entity. Patterns, at the
//! speaker's entity and, failing that, at the person's earlier mentions in the article
//! (first one first: "Ann Lee, who runs Contoso, …" then "Lee said"):
//! - apposition: `X, TITLE at|of|with|for|from ORG`, `X, ORG's TITLE`, `X, ORG TITLE`,
//!   `X of ORG`, `X, who runs|heads|leads|chairs|founded ORG`;
//! - premodifier and possessive: `ORG TITLE X`, `ORG's TITLE X`;
//! - a descriptor speaker: `a ORG spokesman`, `an analyst at ORG`;
//! - an organisation speaker is its own affiliation.
//!
//! A title is a run of title words with at least one head noun ("spokesman", "officer");
//! an affiliation is an organisation entity. Nothing is returned when no pattern fits.

use crate::claims::lexicon::{
    is_adjunct, is_age, is_cue, is_determiner, is_function_word, is_outside_role, is_possessive,
    is_public_role, is_punct,
};
use crate::claims::orgs::{first_company, mentions_of};
use crate::claims::view::View;
use crate::companies::kinds::{ends_organisation_name, is_descriptor_head};
use crate::doc::{EntityLabel, WordRange};
use crate::speakers::is_name_suffix;
use crate::text::dateline;

/// Head nouns of roles.
const HEADS: &[&str] = &[
    "analyst",
    "analysts",
    "economist",
    "economists",
    "strategist",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "spokesmen",
    "president",
    "chairman",
    "chairwoman",
    "chair",
    "director",
    "manager",
    "officer",
    "executive",
    "head",
    "partner",
    "trader",
    "traders",
    "dealer",
    "dealers",
    "broker",
    "founder",
    "boss",
    "co-founder",
    "cofounder",
    "governor",
    "minister",
    "secretary",
    "treasurer",
    "counsel",
    "editor",
    "consultant",
    "official",
    "owner",
    "principal",
    "researcher",
    "ceo",
    "cfo",
    "coo",
    "cto",
    "vice-president",
    "adviser",
    "advisor",
    "specialist",
    "representative",
    "controller",
    "administrator",
    "commissioner",
    "lawyer",
    "attorney",
    "judge",
    "admiral",
    "banker",
    "chief",
    "professor",
    "co-ceo",
    "fellow",
    "scientist",
    "expert",
    // "executive board member X", "House Speaker X"
    "member",
    "speaker",
];

/// Words that modify a role ("chief investment officer", "head of financials").
const MODIFIERS: &[&str] = &[
    "senior",
    "lead",
    "global",
    "private",
    "retail",
    "consumer",
    "automotive",
    "banking",
    "investor",
    "vice",
    "deputy",
    "managing",
    "general",
    "finance",
    "financial",
    "financials",
    "marketing",
    "investment",
    "investments",
    "portfolio",
    "research",
    "sales",
    "operating",
    "operations",
    "technology",
    "technical",
    "group",
    "regional",
    "assistant",
    "associate",
    "fund",
    "equity",
    "equities",
    "bond",
    "credit",
    "market",
    "markets",
    "oil",
    "metals",
    "currency",
    "foreign",
    "exchange",
    "country",
    "corporate",
    "public",
    "affairs",
    "relations",
    "communications",
    "strategy",
    "economic",
    "business",
    "international",
    "joint",
    "co-chief",
    "acting",
    "interim",
    "treasury",
    "trading",
    "industry",
    "political",
    // "state secretary", "state treasurer": also a speech verb, so it needs saying here.
    "state",
    "legal",
    "commercial",
    "product",
    "products",
    "energy",
    "chief",
    "executive",
    "and",
    "&",
    "of",
    "-",
];

/// Verbs of `X, who runs ORG`.
pub(super) const RUNS: &[&str] = &[
    "runs", "heads", "leads", "chairs", "founded", "manages", "run", "heads", "led", "ran",
];

/// Prepositions between a title and its organisation.
pub(super) const PREPOSITIONS: &[&str] = &["at", "of", "with", "for", "from"];

/// A speaker's role and organisation, as word ranges.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Affiliated {
    pub title: Option<WordRange>,
    pub organisation: Option<WordRange>,
}

impl Affiliated {
    fn found(&self) -> bool {
        self.title.is_some() || self.organisation.is_some()
    }
}

/// A head noun of a role ("analyst", "judge", "chairman").
pub(super) fn is_title_head(word: &str) -> bool {
    HEADS.contains(&word)
}

/// Whether an entity is a role the tagger took for a name ("the CFO" tagged an
/// organisation): it names nobody and employs nobody.
pub(super) fn is_role_tagged(v: &View, entity: WordRange) -> bool {
    entity.len() == 1 && is_title_head(v.word(entity.start))
}

fn is_title_word(word: &str) -> bool {
    HEADS.contains(&word) || MODIFIERS.contains(&word)
}

/// Word `w`, or the word after it when `w` is a split-off possessive ("Contoso 's chief").
fn past_possessive(v: &View, w: usize) -> usize {
    w + usize::from(is_possessive(v.word(w)))
}

/// The organisation entity starting at word `w` (after an optional determiner). A name
/// the tagger took for a person but followed by a firm's last word ("Front Barnett" of
/// "Front Barnett Associates") is a firm named after its founders, that word included.
fn organisation_at(v: &View, w: usize) -> Option<WordRange> {
    let w = if is_determiner(v.word(w)) { w + 1 } else { w };
    let entity = v.entity_words(w).filter(|e| e.start == w)?;
    if is_role_tagged(v, entity) {
        return None;
    }
    let firm_name = ends_organisation_name(v.word(entity.end - 1));
    if v.label(w) == Some(EntityLabel::Organisation) || firm_name {
        return Some(entity);
    }
    let ending = entity.end;
    (v.label(w) == Some(EntityLabel::Person)
        && v.label(ending).is_none()
        && v.is_capitalized(ending)
        && ends_organisation_name(v.word(ending)))
    .then(|| WordRange::new(entity.start, ending + 1))
}

/// The organisation entity ending right before word `end`.
fn organisation_before(v: &View, end: usize) -> Option<WordRange> {
    let last = end.checked_sub(1)?;
    (v.label(last) == Some(EntityLabel::Organisation))
        .then(|| v.entity_words(last))
        .flatten()
        .filter(|e| e.end == end)
}

/// The title run starting at word `w` (trailing joiners dropped), when it has a head.
fn title_from(v: &View, w: usize) -> Option<WordRange> {
    let mut end = w;
    // A name is never part of a role ("co-founder of Energy Aspects").
    while end < v.words.len()
        && end - w < 8
        && is_title_word(v.word(end))
        && !v.is_quoted(end)
        && v.label(end).is_none()
    {
        end += 1;
    }
    while end > w && matches!(v.word(end - 1), "and" | "&" | "of" | "-") {
        end -= 1;
    }
    let run = WordRange::new(w, end);
    (run.start..run.end)
        .any(|k| HEADS.contains(&v.word(k)))
        .then_some(run)
}

/// The title run ending right before word `end`.
fn title_before(v: &View, end: usize) -> Option<WordRange> {
    let mut start = end;
    // Not "state" here: before a name it is mostly a place's ("New York State Attorney
    // General Eliot Spitzer").
    while start > 0
        && end - start < 8
        && is_title_word(v.word(start - 1))
        && v.word(start - 1) != "state"
        && v.label(start - 1).is_none()
    {
        start -= 1;
    }
    while start < end && matches!(v.word(start), "and" | "&" | "of" | "-") {
        start += 1;
    }
    let run = WordRange::new(start, end);
    (run.start..run.end)
        .any(|k| HEADS.contains(&v.word(k)))
        .then_some(run)
}

/// `X, TITLE at ORG` / `X, ORG's TITLE` / `X, ORG TITLE` / `X of ORG` / `X, who runs ORG`.
fn apposition(v: &View, person: WordRange) -> Affiliated {
    let w = person.end;
    if matches!(v.word(w), "of" | "at" | "from") {
        if let Some(organisation) = organisation_at(v, w + 1) {
            return Affiliated {
                title: None,
                organisation: Some(organisation),
            };
        }
    }
    if v.word(w) != "," {
        return Affiliated::default();
    }
    let mut w = w + 1;
    // "Mario Cuomo, 78, a lawyer at ...": the age is set off before the role.
    if is_age(v.word(w)) && v.word(w + 1) == "," {
        w += 2;
    }
    // "Peter Roe, at Paribas in London".
    if matches!(v.word(w), "of" | "at" | "from" | "with") {
        if let Some(organisation) = organisation_at(v, w + 1) {
            return Affiliated {
                title: None,
                organisation: Some(organisation),
            };
        }
    }
    if RUNS.contains(&v.word(w + 1)) && v.word(w) == "who" {
        // "who heads Contoso", or "who heads the team at ING acting as advisers".
        return Affiliated {
            title: None,
            organisation: organisation_at(v, w + 2).or_else(|| organisation_after(v, w + 2)),
        };
    }
    if is_determiner(v.word(w)) || v.word(w) == "one" {
        w += 1;
    }
    if let Some(organisation) = organisation_at(v, w) {
        let after = past_possessive(v, organisation.end);
        if let Some(title) = title_from(v, after) {
            return Affiliated {
                title: Some(title),
                organisation: Some(organisation),
            };
        }
    }
    // "Ann Lee, the company's chief executive", "…, the engine maker's chairman": the
    // organisation named last before, by a descriptor.
    if let Some(possessive) = (w..w + 4)
        .take_while(|&k| !v.is_capitalized(k) && v.label(k).is_none())
        .find(|&k| is_possessive(v.word(k + 1)) && is_descriptor_head(v.word(k)))
    {
        if let Some(title) = title_from(v, possessive + 2) {
            return Affiliated {
                title: Some(title),
                organisation: latest_organisation(v, person.start),
            };
        }
    }
    // "a London-based analyst": a place or kind before the role.
    while w < person.end + 5 && title_from(v, w).is_none() && is_premodifier(v, w) {
        w += 1;
    }
    let Some(title) = title_from(v, w) else {
        return Affiliated::default();
    };
    // "JANE DOE, ANALYST, CONTOSO SECURITIES": the employer set off by its own comma.
    let set_off = || (v.word(title.end) == ",").then(|| organisation_at(v, title.end + 1));
    Affiliated {
        title: Some(title),
        organisation: organisation_after(v, title.end).or_else(|| set_off().flatten()),
    }
}

/// A word that may stand before a role in an apposition: `London-based`, `Budapest`, or a
/// plain word naming the field (`aerospace consultant`, `payments consultant`); a function
/// word, a speech verb or an adverb ends the search.
fn is_premodifier(v: &View, w: usize) -> bool {
    let word = v.word(w);
    let plain = !word.is_empty()
        && word.chars().all(|c| c.is_alphabetic() || c == '-')
        && !is_function_word(word)
        && !is_cue(word)
        && !is_adjunct(word)
        && v.label(w).is_none();
    word.ends_with("-based")
        || (v.is_capitalized(w) && v.label(w) != Some(EntityLabel::Person))
        || plain
}

/// The organisation a role phrase ending at word `from` names: `at|of|with|for|from ORG`
/// within the next few words of the clause ("deputy head of the currency department at
/// the State Customs Committee"), or a descriptor (`of the company`) referring to the
/// latest organisation before it.
fn organisation_after(v: &View, from: usize) -> Option<WordRange> {
    let mut w = from;
    while w < v.words.len() && w < from + 10 && !v.is_quoted(w) {
        let word = v.word(w);
        if matches!(word, "," | "." | ";" | ":") {
            break;
        }
        // "economist with Credit Suisse": a name a role is held at is an employer, also
        // when the tagger took it for a person (a firm named after its founders).
        if matches!(word, "at" | "with") && v.label(w + 1) == Some(EntityLabel::Person) {
            if let Some(firm) = v
                .entity_words(w + 1)
                .filter(|e| e.start == w + 1 && e.len() > 1)
            {
                return Some(firm);
            }
        }
        if PREPOSITIONS.contains(&word) {
            if let Some(organisation) = kind_then_organisation(v, w + 1) {
                // "Professor of Accounting at Peking University": a department or a
                // discipline, then the institution that employs the person.
                let outer = (word == "of" && matches!(v.word(organisation.end), "at" | "with"))
                    .then(|| organisation_at(v, organisation.end + 1))
                    .flatten();
                return Some(outer.unwrap_or(organisation));
            }
        }
        if is_descriptor_head(word) && !v.is_capitalized(w) && w > from {
            // "at brokerage Tailspin" names its firm; "of the company" refers back.
            return organisation_at(v, w + 1).or_else(|| latest_organisation(v, from));
        }
        w += 1;
    }
    None
}

/// The organisation entity at word `w`, or after a few lowercase words saying what kind
/// of organisation it is ("fund manager Northwind", "the stockbroker Tailspin") or a
/// nationality or place ("the Swedish Industry Ministry", "the U.S. Treasury").
fn kind_then_organisation(v: &View, w: usize) -> Option<WordRange> {
    let first = w + usize::from(is_determiner(v.word(w)));
    let kind_word = |k: usize| {
        v.label(k).is_none() && !v.is_capitalized(k) && v.word(k).chars().all(char::is_alphabetic)
    };
    let place = |k: usize| matches!(v.label(k), Some(EntityLabel::Misc | EntityLabel::Location));
    (first..first + 4)
        .take_while(|&k| k == first || kind_word(k - 1) || place(k - 1))
        .find_map(|k| organisation_at(v, k))
}

/// The latest organisation entity before word `before`, outside quotes.
fn latest_organisation(v: &View, before: usize) -> Option<WordRange> {
    (0..before)
        .rev()
        .find(|&w| v.label(w) == Some(EntityLabel::Organisation) && !v.is_quoted(w))
        .and_then(|w| v.entity_words(w))
}

/// The organisation that a descriptor of kind `head` at word `at` ("the unit's managing
/// director", "the carrier's chief financial officer") refers back to: the latest one
/// named with that kind word beside it in its sentence or the one before ("Land Rover
/// luxury unit"), else the first one its own sentence names outside a prepositional phrase
/// (its subject: "Delta will counter a bid by US Airways, the carrier's CFO said"), else
/// the latest one before it. Never the agency of the dateline ("LONDON (Reuters) -"),
/// which only filed the story.
fn antecedent(v: &View, at: usize, head: &str) -> Option<WordRange> {
    let agency = dateline::agency(v.chars);
    let before: Vec<WordRange> = (v.entities_in(WordRange::new(0, at)).iter().copied())
        .filter(|&e| {
            e.end <= at
                && v.label(e.start) == Some(EntityLabel::Organisation)
                && !v.is_quoted(e.start)
                && !(agency.zip(v.span(e))).is_some_and(|(a, e)| a.overlaps(e))
        })
        .collect();
    // "union Unite", "Land Rover luxury unit"; not "the company's Caremark unit".
    let beside = |e: &WordRange| {
        let after = (e.end..(e.end + 3).min(at))
            .take_while(|&k| !is_possessive(v.word(k)) && !is_punct(v.word(k)));
        (e.start > 0 && v.word(e.start - 1) == head) || after.into_iter().any(|k| v.word(k) == head)
    };
    let sentence = v.sentence_of.get(at).copied();
    let near = |e: &WordRange| {
        (sentence.zip(v.sentence_of.get(e.start))).is_some_and(|(s, &t)| t + 1 >= s)
    };
    (before.iter().rev().find(|e| near(e) && beside(e)))
        .or_else(|| {
            (before.iter()).find(|e| {
                sentence.is_some()
                    && v.sentence_of.get(e.start).copied() == sentence
                    && !in_prepositional_phrase(v, e.start)
            })
        })
        .or(before.last())
        .copied()
}

/// Whether a name at word `w` is a preposition's object ("in a filing with the SEC"), so
/// not its sentence's subject.
fn in_prepositional_phrase(v: &View, w: usize) -> bool {
    let mut k = w;
    while k > 0 && is_determiner(v.word(k - 1)) {
        k -= 1;
    }
    k > 0
        && (PREPOSITIONS.contains(&v.word(k - 1))
            || matches!(v.word(k - 1), "by" | "to" | "in" | "on"))
}

/// "the carrier's" opening a role at word `w`: the organisation it refers back to, and
/// where the role starts ("new" is no part of it: "the group's new chief executive").
fn possessive_descriptor(v: &View, w: usize) -> Option<(Option<WordRange>, usize)> {
    let head = v.word(w + 1);
    let role = w + 3 + usize::from(v.word(w + 3) == "new");
    let kind = is_descriptor_head(head) && !v.is_capitalized(w + 1);
    (v.word(w) == "the" && kind && is_possessive(v.word(w + 2)))
        .then(|| (antecedent(v, w, head), role))
}

/// Whether a title speaks for no company: an outside commentator's role (an analyst, a
/// dealer) or a public office (a minister, a governor).
pub(super) fn is_outsider(v: &View, title: WordRange) -> bool {
    (title.start..title.end).any(|w| is_outside_role(v.word(w)) || is_public_role(v.word(w)))
}

/// `ORG TITLE X` / `ORG's TITLE X`, also with an honorific (`chairman Sir X`) or with
/// the role set off by commas (`ORG's finance director, X, said`).
fn premodifier(v: &View, person: WordRange) -> Affiliated {
    let mut end = person.start;
    while end > 0 && is_honorific(v.word(end - 1)) {
        end -= 1;
    }
    let set_off = end > 0 && v.word(end - 1) == "," && v.word(person.end) == ",";
    let title =
        title_before(v, end).or_else(|| set_off.then(|| title_before(v, end - 1)).flatten());
    let Some(title) = title else {
        return Affiliated::default();
    };
    let before = title.start;
    let organisation = organisation_before(v, before)
        .or_else(|| before_parenthesis(v, before).and_then(|open| organisation_before(v, open)))
        .or_else(|| {
            is_possessive(v.word(before.wrapping_sub(1)))
                .then(|| organisation_before(v, before - 1))
                .flatten()
        })
        .or_else(|| mislabelled_employer(v, title))
        .or_else(|| possessive_pronoun(v, before));
    Affiliated {
        title: Some(title),
        organisation,
    }
}

/// "The CFTC will rework its plan, its chairman Gary Gensler said": "its" (or "the
/// company's") right before the role at word `before` refers back to an organisation.
fn possessive_pronoun(v: &View, before: usize) -> Option<WordRange> {
    let at = before.checked_sub(1)?;
    if v.word(at) == "its" {
        return antecedent(v, at, "");
    }
    let at = before.checked_sub(3)?;
    possessive_descriptor(v, at)
        .and_then(|(organisation, role)| (role == before).then_some(organisation)?)
}

/// Most words inside a parenthesis between a name and a role ("( WFC.N )").
const PARENTHESIS_WORDS: usize = 4;

/// Where a short parenthesis ending right before word `end` opens: "Wells Fargo & Co
/// ( WFC.N ) Chief Financial Officer Tim Sloan" puts a ticker between firm and role.
fn before_parenthesis(v: &View, end: usize) -> Option<usize> {
    let close = end.checked_sub(1).filter(|&c| v.word(c) == ")")?;
    (close.saturating_sub(PARENTHESIS_WORDS + 1)..close)
        .rev()
        .find(|&w| v.word(w) == "(")
}

/// "Kering chief executive X" with "Kering" tagged as a person: a name right before a
/// company office (not "Trump adviser X") is the employer whatever its label. Before a
/// research job ("Edward Jones analyst X") a name tagged as a person is a firm named after
/// its founders: people are not written before "analyst", places ("Wall Street") are.
fn mislabelled_employer(v: &View, title: WordRange) -> Option<WordRange> {
    let has = |words: &[&str]| (title.start..title.end).any(|w| words.contains(&v.word(w)));
    let office = has(&[
        "executive",
        "ceo",
        "cfo",
        "coo",
        "cto",
        "chairman",
        "chairwoman",
        "officer",
    ]);
    let research = has(&["analyst", "economist", "strategist"]);
    let last = title.start.checked_sub(1)?;
    let entity = v.entity_words(last).filter(|e| e.end == title.start)?;
    let person = v.label(last) == Some(EntityLabel::Person);
    ((office || (research && person)) && v.is_capitalized(entity.start)).then_some(entity)
}

/// A form of address (lowercased) the name tagger leaves outside the name ("Sir Nigel
/// Mobbs").
fn is_honorific(word: &str) -> bool {
    matches!(
        word,
        "sir"
            | "dame"
            | "lord"
            | "lady"
            | "mr"
            | "mr."
            | "mrs"
            | "mrs."
            | "ms"
            | "ms."
            | "dr"
            | "dr."
            | "prof."
            | "professor"
    )
}

/// The patterns around one mention of a person.
fn around(v: &View, person: WordRange) -> Affiliated {
    let after = apposition(v, person);
    let before = premodifier(v, person);
    Affiliated {
        title: after.title.or(before.title),
        organisation: after.organisation.or(before.organisation),
    }
}

/// A person name's surname: its last word, before a generational suffix and its period
/// ("Sulzberger" of "Arthur Sulzberger Jr.").
fn surname<'a>(v: &'a View, name: WordRange) -> &'a str {
    let mut end = name.end;
    if end > name.start + 1 && v.word(end - 1) == "." {
        end -= 1;
    }
    if end > name.start + 1 && is_name_suffix(v.word(end - 1)) {
        end -= 1;
    }
    v.word(end.saturating_sub(1).max(name.start))
}

/// Earlier mentions of the person whose entity is `person`: person entities before it
/// with the same surname, first one first; for a one-word name, failing those, full names
/// it opens.
fn earlier_mentions(v: &View, person: WordRange) -> Vec<WordRange> {
    let earlier = |same: &dyn Fn(WordRange) -> bool| -> Vec<WordRange> {
        (v.entities_in(WordRange::new(0, person.start))
            .iter()
            .copied())
        .filter(|&e| v.label(e.start) == Some(EntityLabel::Person))
        .filter(|&e| e.end <= person.start && !v.is_quoted(e.start) && same(e))
        .collect()
    };
    let surname = surname(v, person);
    let by_surname = earlier(&|e| self::surname(v, e) == surname);
    if !by_surname.is_empty() || person.len() != 1 {
        return by_surname;
    }
    // A one-word name that opens an earlier full name: a family name written first
    // ("Xiang Junbo ... Xiang said") or a first name.
    earlier(&|e| e.len() > 1 && v.word(e.start) == surname)
}

/// "Einhorn's Greenlight Capital", "Branson's Virgin Group": the firm a person is written
/// as owning, at any mention of them in the article (the same surname).
fn own_firm(v: &View, person: WordRange) -> Option<WordRange> {
    let surname = surname(v, person);
    let all = WordRange::new(0, v.words.len());
    (v.entities_in(all).iter().copied())
        .filter(|&e| v.label(e.start) == Some(EntityLabel::Person) && !v.is_quoted(e.start))
        .filter(|&e| self::surname(v, e) == surname && is_possessive(v.word(e.end)))
        .find_map(|e| organisation_at(v, e.end + 1).filter(|o| o.start == e.end + 1))
}

/// `The chairman of engineering group T&N Plc said ... . Sir Colin Hope said ...`: a
/// person named with no role of their own, right after a sentence (one of the two before
/// their first mention) opening with a role at an organisation and naming no person, holds
/// that role.
fn introduced(v: &View, first: WordRange) -> Option<Affiliated> {
    let sentence = *v.sentence_of.get(first.start)?;
    (sentence.saturating_sub(2)..sentence).rev().find_map(|s| {
        let words = *v.sentence_words.get(s)?;
        let people = (words.start..words.end).any(|w| v.label(w) == Some(EntityLabel::Person));
        if people || v.is_quoted(words.start) {
            return None;
        }
        opening_role(v, words).or_else(|| attributed_role(v, words))
    })
}

/// A sentence that opens with a role at an organisation: "T&N's chairman said", "The
/// chairman of British-based engineering group T&N Plc said".
fn opening_role(v: &View, words: WordRange) -> Option<Affiliated> {
    let w = words.start + usize::from(is_determiner(v.word(words.start)));
    if let Some(organisation) = organisation_at(v, words.start) {
        let after = past_possessive(v, organisation.end);
        return title_from(v, after).map(|title| Affiliated {
            title: Some(title),
            organisation: Some(organisation),
        });
    }
    let title = title_from(v, w)?;
    if !PREPOSITIONS.contains(&v.word(title.end)) {
        return None;
    }
    let organisation = (title.end + 1..words.end.min(title.end + 12))
        .take_while(|&k| !matches!(v.word(k), "," | "." | ";" | "said" | "says"))
        .find(|&k| v.label(k) == Some(EntityLabel::Organisation))
        .and_then(|k| v.entity_words(k))?;
    Some(Affiliated {
        title: Some(title),
        organisation: Some(organisation),
    })
}

/// A sentence whose speaker is a role at an organisation, named by its kind: "Delta will
/// counter the bid, the carrier's chief financial officer said".
fn attributed_role(v: &View, words: WordRange) -> Option<Affiliated> {
    (words.start..words.end)
        .filter(|&w| !v.is_quoted(w))
        .find_map(|w| {
            let (organisation, after) = possessive_descriptor(v, w)?;
            let title = title_from(v, after)?;
            is_cue(v.word(title.end)).then_some(Affiliated {
                title: Some(title),
                organisation,
            })
        })
}

/// The title and affiliation of a claim's speaker: `speaker` the attribution's mention,
/// `entity` the person or organisation it refers to.
pub fn affiliate(v: &View, speaker: WordRange, entity: Option<WordRange>) -> Affiliated {
    let label = entity.and_then(|e| v.label(e.start));
    match (entity, label) {
        (Some(person), Some(EntityLabel::Person)) => {
            let here = around(v, person);
            if here.organisation.is_some() {
                return here;
            }
            let mentions = earlier_mentions(v, person);
            let first = mentions.first().copied().unwrap_or(person);
            let earlier = (mentions.into_iter())
                .map(|m| around(v, m))
                .find(Affiliated::found)
                .or_else(|| (!here.found()).then(|| introduced(v, first)).flatten())
                .unwrap_or_default();
            let title = here.title.or(earlier.title);
            // "Mark Gildea, chief executive officer, said": an executive with no
            // organisation named works for the company the article is about (the first
            // it names: the lead's subject), or failing one, the organisation named last.
            // Not so for "spokesman for a drivers' group": an organisation left unnamed.
            let unnamed_organisation = |t: WordRange| {
                matches!(v.word(t.end), "for" | "of" | "at" | "with")
                    && matches!(v.word(t.end + 1), "a" | "an")
            };
            // "a member of ...", "House Speaker": a seat, not a job, implies no employer.
            let seat = |t: WordRange| {
                (t.start..t.end)
                    .filter(|&w| is_title_head(v.word(w)))
                    .all(|w| matches!(v.word(w), "member" | "speaker"))
            };
            // "Prime Minister Gordon Brown" speaks for his office, not for "Brown's Labour
            // government".
            let public_office =
                title.is_some_and(|t| (t.start..t.end).any(|w| is_public_role(v.word(w))));
            let implied = title
                .filter(|&t| !is_outsider(v, t) && !unnamed_organisation(t) && !seat(t))
                .and_then(|_| first_company(v).or_else(|| latest_organisation(v, person.start)));
            Affiliated {
                title,
                organisation: (here.organisation.or(earlier.organisation))
                    .or_else(|| own_firm(v, person).filter(|_| !public_office))
                    .or(implied),
            }
        }
        // "the CFO" tagged an organisation: a role, which names none.
        (Some(organisation), Some(EntityLabel::Organisation))
            if is_role_tagged(v, organisation) =>
        {
            Affiliated::default()
        }
        (Some(organisation), Some(EntityLabel::Organisation)) => {
            // "JANE DOE, ANALYST, CONTOSO" with the name tagged an organisation: a name
            // followed by a person's title and an employer is a person.
            let person = apposition(v, organisation);
            if person.title.is_some() && person.organisation.is_some() {
                return person;
            }
            // "a Contoso spokesman", "Contoso's chief executive", "a spokesman for
            // Contoso": the organisation inside a role phrase.
            let after = past_possessive(v, organisation.end);
            let title = (title_from(v, after).filter(|t| t.end <= speaker.end)).or_else(|| {
                (speaker.start..organisation.start)
                    .find_map(|w| title_from(v, w))
                    .filter(|t| t.end <= organisation.start)
            });
            Affiliated {
                title,
                organisation: Some(organisation),
            }
        }
        _ => descriptor(v, speaker),
    }
}

/// Whether a speaker phrase refers back to an organisation: "the company", "the group".
pub(super) fn refers_back(v: &View, speaker: WordRange) -> bool {
    speaker.len() == 2
        && v.word(speaker.start) == "the"
        && is_descriptor_head(v.word(speaker.start + 1))
}

/// A speaker named by a role ("one dealer", "an analyst at Contoso"), or by a phrase that
/// refers back to an organisation ("the company said": the one named last).
fn descriptor(v: &View, speaker: WordRange) -> Affiliated {
    let title = (speaker.start..speaker.end).find_map(|w| title_from(v, w));
    let refers_back = refers_back(v, speaker);
    let organisation = (speaker.start..speaker.end)
        .find_map(|w| organisation_at(v, w))
        .or_else(|| {
            (PREPOSITIONS.contains(&v.word(speaker.end)))
                .then(|| organisation_at(v, speaker.end + 1))
                .flatten()
        })
        .or_else(|| possessive_descriptor(v, speaker.start)?.0)
        .or_else(|| named_before_title(v, speaker, title?))
        .or_else(|| {
            refers_back
                .then(|| antecedent(v, speaker.start, v.word(speaker.start + 1)))
                .flatten()
        });
    Affiliated {
        title,
        organisation,
    }
}

/// "a Shell spokesman" where the tagger left "Shell" untagged: capitalised words right
/// before the title name the employer when the article names an organisation with exactly
/// those words elsewhere.
fn named_before_title(v: &View, speaker: WordRange, title: WordRange) -> Option<WordRange> {
    let mut start = title.start;
    while start > speaker.start && v.is_capitalized(start - 1) {
        start -= 1;
    }
    // The determiner that opens the phrase ("A Shell spokesman" at a sentence start).
    if start < title.start && matches!(v.word(start), "a" | "an" | "the") {
        start += 1;
    }
    let run = WordRange::new(start, title.start);
    if run.is_empty() {
        return None;
    }
    let named =
        (mentions_of(v, run).iter()).any(|e| v.label(e.start) == Some(EntityLabel::Organisation));
    named.then_some(run)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::attribution::resolve;
    use crate::claims::mentions_in;
    use crate::claims::quotes::find_quotes;
    use crate::text::segment;

    /// Title and affiliation texts of the speaker mention `speaker` (its last occurrence,
    /// an entity of `label` when it is not one already), resolved as the pipeline does.
    fn affiliation_of(
        text: &str,
        entities: &[(&str, &str)],
        (speaker, label): (&str, &str),
    ) -> (Option<String>, Option<String>) {
        let chars: Vec<char> = text.chars().collect();
        let mut mentions = mentions_in(text, entities);
        let at = text.rfind(speaker).expect("speaker in text");
        let start = text[..at].chars().count();
        let range = crate::doc::CharRange::new(start, start + speaker.chars().count());
        if !mentions.iter().any(|m| m.range.overlaps(range)) && !label.is_empty() {
            let mut extra = mentions_in(speaker, &[(speaker, label)]);
            extra[0].range = range;
            mentions.extend(extra);
            mentions.sort_by_key(|m| m.range);
        }
        let sentences = segment(&chars);
        let quotes = find_quotes(&chars);
        let v = View::new(&chars, &sentences, &mentions, &quotes);
        let words = v.words_in(range);
        let found = affiliate(&v, words, resolve(&v, words));
        let text_of = |r: Option<WordRange>| {
            r.and_then(|r| v.span(r))
                .map(|r| chars[r.start..r.end].iter().collect::<String>())
        };
        (text_of(found.title), text_of(found.organisation))
    }

    fn pair(title: &str, organisation: &str) -> (Option<String>, Option<String>) {
        (Some(title.into()), Some(organisation.into()))
    }

    #[test]
    fn roles_held_at_a_body_named_after_a_nationality_an_age_or_a_relative_clause() {
        // "state" is a speech verb too, and "Swedish" stands between "the" and the body.
        let text = "Saab filed. Joran Hagglund, state secretary at the Swedish Industry \
                    Ministry, said: \"We watch.\"";
        let got = affiliation_of(
            text,
            &[
                ("Saab", "ORG"),
                ("Joran Hagglund", "PER"),
                ("Swedish", "MISC"),
                ("Industry Ministry", "ORG"),
            ],
            ("Joran Hagglund", "PER"),
        );
        assert_eq!(got, pair("state secretary", "Industry Ministry"));
        let text = "\"We wait,\" said Mario Cuomo, 78, a lawyer at Willkie Farr LLP.";
        let got = affiliation_of(
            text,
            &[("Mario Cuomo", "PER"), ("Willkie Farr LLP", "ORG")],
            ("Mario Cuomo", "PER"),
        );
        assert_eq!(got, pair("lawyer", "Willkie Farr LLP"));
        let text = "\"Timing is good,\" said Bruce Macfarlane, who heads the team at ING acting \
                    as advisers.";
        let got = affiliation_of(
            text,
            &[("Bruce Macfarlane", "PER"), ("ING", "ORG")],
            ("Bruce Macfarlane", "PER"),
        );
        assert_eq!(got.1.as_deref(), Some("ING"));
    }

    #[test]
    fn a_founders_name_before_a_firm_word_is_the_firm_and_a_board_member_has_a_role() {
        let text = "\"It is a crisis,\" said Marshall Front, chairman of Front Barnett \
                    Associates in Chicago.";
        let got = affiliation_of(
            text,
            &[
                ("Marshall Front", "PER"),
                ("Front Barnett", "PER"),
                ("Chicago", "LOC"),
            ],
            ("Marshall Front", "PER"),
        );
        assert_eq!(got, pair("chairman", "Front Barnett Associates"));
        let text = "\"Join,\" European Central Bank Executive Board member Joerg Asmussen said.";
        let got = affiliation_of(
            text,
            &[
                ("European Central Bank Executive Board", "ORG"),
                ("Joerg Asmussen", "PER"),
            ],
            ("Joerg Asmussen", "PER"),
        );
        assert_eq!(got, pair("member", "European Central Bank Executive Board"));
    }

    #[test]
    fn a_seat_implies_no_employer_and_a_role_tagged_as_a_firm_is_none() {
        let text = "Contoso employs 4,500 people here. \"We must act,\" said Dara Murphy, a \
                    member of Prime Minister Enda Kenny's party.";
        let entities = [
            ("Contoso", "ORG"),
            ("Dara Murphy", "PER"),
            ("Enda Kenny", "PER"),
        ];
        let got = affiliation_of(text, &entities, ("Dara Murphy", "PER"));
        assert_eq!(got, (Some("member".into()), None));
        let text = "Contoso grew. \"Profit will rise,\" the newspaper quoted the CFO as saying.";
        let got = affiliation_of(text, &[("Contoso", "ORG"), ("CFO", "ORG")], ("CFO", "ORG"));
        assert_eq!(got, (None, None));
    }

    #[test]
    fn a_firm_tagged_as_a_person_before_analyst_is_the_employer_a_place_is_not() {
        let text = "Sales fell. \"It slowed,\" Edward Jones analyst Matt Arnold said.";
        let got = affiliation_of(
            text,
            &[("Edward Jones", "PER"), ("Matt Arnold", "PER")],
            ("Matt Arnold", "PER"),
        );
        assert_eq!(got, pair("analyst", "Edward Jones"));
        let text = "Sales fell. \"It slowed,\" Wall Street analyst Matt Arnold said.";
        let got = affiliation_of(
            text,
            &[("Wall Street", "LOC"), ("Matt Arnold", "PER")],
            ("Matt Arnold", "PER"),
        );
        assert_eq!(got.1, None);
    }

    #[test]
    fn a_ticker_between_firm_and_role_and_a_department_before_its_institution() {
        let text = "Fees fell. Contoso Bank ( CTSO.N ) Chief Financial Officer Ann Lee said \
                    \"fees are changing.\"";
        let got = affiliation_of(
            text,
            &[("Contoso Bank", "ORG"), ("Ann Lee", "PER")],
            ("Ann Lee", "PER"),
        );
        assert_eq!(got, pair("Chief Financial Officer", "Contoso Bank"));
        let text = "\"A fair deal,\" said Ann Lee, Professor of Accounting at Fabrikam \
                    University.";
        let got = affiliation_of(
            text,
            &[
                ("Ann Lee", "PER"),
                ("Accounting", "ORG"),
                ("Fabrikam University", "ORG"),
            ],
            ("Ann Lee", "PER"),
        );
        assert_eq!(got, pair("Professor", "Fabrikam University"));
    }

    #[test]
    fn a_family_name_first_and_a_firm_tagged_as_a_person_after_with() {
        let text = "Xiang Junbo, the chairman of the Insurance Commission, spoke. \
                    \"Growth is steady,\" Xiang said.";
        let got = affiliation_of(
            text,
            &[("Xiang Junbo", "PER"), ("Insurance Commission", "ORG")],
            ("Xiang", "PER"),
        );
        assert_eq!(got, pair("chairman", "Insurance Commission"));
        let text = "\"Rates will rise,\" said Ann Lee, economist with Contoso Partners.";
        let got = affiliation_of(
            text,
            &[("Ann Lee", "PER"), ("Contoso Partners", "PER")],
            ("Ann Lee", "PER"),
        );
        assert_eq!(got, pair("economist", "Contoso Partners"));
    }

    #[test]
    fn an_untagged_name_before_the_title_is_the_employer_the_article_names() {
        let text = "Shell's output fell. \"Lines are affected,\" a Shell spokesman said.";
        let got = affiliation_of(text, &[("Shell", "ORG")], ("a Shell spokesman", ""));
        assert_eq!(got, pair("spokesman", "Shell"));
        // A capitalised word the article never names as an organisation is not one.
        let text = "Output fell. \"Lines are affected,\" a Senior spokesman said.";
        let got = affiliation_of(text, &[], ("a Senior spokesman", ""));
        assert_eq!(got.1, None);
    }

    #[test]
    fn a_title_and_an_employer_set_off_by_commas_make_a_person() {
        // A reaction-box header whose name the tagger took for an organisation.
        let text = "COMMENTARY: JANE DOE, ANALYST, CONTOSO SECURITIES, NEW YORK \"Sales \
                    were weak.\"";
        let entities = [("JANE DOE", "ORG"), ("CONTOSO SECURITIES", "ORG")];
        let got = affiliation_of(text, &entities, ("JANE DOE", "ORG"));
        assert_eq!(got, pair("ANALYST", "CONTOSO SECURITIES"));
        let text = "\"Sales were weak,\" said Bo Kim, analyst, Tailspin, in London.";
        let got = affiliation_of(
            text,
            &[("Bo Kim", "PER"), ("Tailspin", "ORG")],
            ("Bo Kim", "PER"),
        );
        assert_eq!(got, pair("analyst", "Tailspin"));
    }

    #[test]
    fn apposition_gives_title_and_organisation() {
        let text = "\"Contoso was and is the jewel of the group,\" said Ann Lee, chief \
                    investment officer at fund manager Northwind.";
        let entities = [("Ann Lee", "PER"), ("Northwind", "ORG")];
        let got = affiliation_of(text, &entities, ("Ann Lee", "PER"));
        // "fund manager" stands between the preposition and the name: what kind of firm.
        assert_eq!(got, pair("chief investment officer", "Northwind"));
        let text = "Fabrikam shares fell. \"Growth will slow,\" said Bo Kim, head of \
                    financials at stockbroker Tailspin.";
        let got = affiliation_of(
            text,
            &[("Fabrikam", "ORG"), ("Bo Kim", "PER"), ("Tailspin", "ORG")],
            ("Bo Kim", ""),
        );
        assert_eq!(got, pair("head of financials", "Tailspin"));
        let text = "\"Sales will rise,\" said Bo Kim, head of financials at Tailspin.";
        let got = affiliation_of(
            text,
            &[("Bo Kim", "PER"), ("Tailspin", "ORG")],
            ("Bo Kim", ""),
        );
        assert_eq!(got, pair("head of financials", "Tailspin"));
        let text = "\"Sales will rise,\" said Bo Kim of Tailspin.";
        let got = affiliation_of(
            text,
            &[("Bo Kim", "PER"), ("Tailspin", "ORG")],
            ("Bo Kim", ""),
        );
        assert_eq!(got, (None, Some("Tailspin".into())));
        // A plain word naming the field before the role.
        let text = "\"Bad information drives out the good,\" said Bo Kim, aerospace \
                    consultant at Tailspin.";
        let got = affiliation_of(
            text,
            &[("Bo Kim", "PER"), ("Tailspin", "ORG")],
            ("Bo Kim", ""),
        );
        assert_eq!(got, pair("consultant", "Tailspin"));
        // A speech verb is no field: "Bo Kim, said ..." has no role here.
        let text = "Bo Kim, said officials at Tailspin, \"will rise.\"";
        let got = affiliation_of(
            text,
            &[("Bo Kim", "PER"), ("Tailspin", "ORG")],
            ("Bo Kim", ""),
        );
        assert_eq!(got.0, None);
    }

    #[test]
    fn a_boss_works_for_the_company_and_a_minister_for_none() {
        let text = "BP cut its dividend. \"This is a reset,\" BP boss Ann Lee said.";
        let got = affiliation_of(text, &[("BP", "ORG"), ("Ann Lee", "PER")], ("Ann Lee", ""));
        assert_eq!(got, pair("boss", "BP"));
        let text = "Fabrikam collapsed. \"It was a failure of management,\" Swiss Finance \
                    Minister Ann Lee said.";
        let got = affiliation_of(
            text,
            &[("Fabrikam", "ORG"), ("Ann Lee", "PER")],
            ("Ann Lee", ""),
        );
        assert_eq!(got, (Some("Finance Minister".into()), None));
    }

    #[test]
    fn a_firm_name_the_tagger_took_for_a_place_is_an_organisation() {
        let text = "\"Investors have lost patience,\" said Ann Lee, a fund manager at Woodgrove \
                    Capital.";
        let got = affiliation_of(
            text,
            &[("Ann Lee", "PER"), ("Woodgrove Capital", "LOC")],
            ("Ann Lee", ""),
        );
        assert_eq!(got, pair("fund manager", "Woodgrove Capital"));
        // Any firm ending or legal form of models/org-words.json, and a bank.
        for firm in ["Peabody Energy", "Woodgrove NV", "Contoso Bank"] {
            let text = format!("\"Coal will recover,\" said Ann Lee, a fund manager at {firm}.");
            let got = affiliation_of(&text, &[("Ann Lee", "PER"), (firm, "LOC")], ("Ann Lee", ""));
            assert_eq!(got, pair("fund manager", firm));
        }
    }

    #[test]
    fn a_company_office_after_a_name_tagged_as_a_person_names_the_employer() {
        let text = "Fabrikam Chief Executive Officer Bo Kim said \"we will sell the unit.\"";
        let got = affiliation_of(
            text,
            &[("Fabrikam", "PER"), ("Bo Kim", "PER")],
            ("Bo Kim", ""),
        );
        assert_eq!(got, pair("Chief Executive Officer", "Fabrikam"));
        // A political aide is nobody's employee.
        let text = "Trump adviser Bo Kim said \"we will win the state.\"";
        let got = affiliation_of(text, &[("Trump", "PER"), ("Bo Kim", "PER")], ("Bo Kim", ""));
        assert_eq!(got, (Some("adviser".into()), None));
    }

    #[test]
    fn a_name_ends_the_role_before_it() {
        let text = "\"Oil will stay above $80,\" said Ann Lee, co-founder of Energy Aspects.";
        let got = affiliation_of(
            text,
            &[("Ann Lee", "PER"), ("Energy Aspects", "ORG")],
            ("Ann Lee", ""),
        );
        assert_eq!(got, pair("co-founder", "Energy Aspects"));
    }

    #[test]
    fn a_descriptors_possessive_gives_the_title_and_the_organisation_named_before() {
        let text = "Fabrikam cut 200 jobs. \"We had no choice,\" said Bo Kim, the company's \
                    chief executive.";
        let got = affiliation_of(
            text,
            &[("Fabrikam", "ORG"), ("Bo Kim", "PER")],
            ("Bo Kim", ""),
        );
        assert_eq!(got, pair("chief executive", "Fabrikam"));
    }

    #[test]
    fn an_industry_descriptor_speaker_is_the_organisation_named_before() {
        let text = "Fabrikam said it would cut 2,000 jobs. \"This step is necessary,\" the \
                    carmaker said.";
        let got = affiliation_of(text, &[("Fabrikam", "ORG")], ("the carmaker", ""));
        assert_eq!(got, (None, Some("Fabrikam".into())));
    }

    #[test]
    fn premodifier_and_possessive_give_title_and_organisation() {
        let text = "Fabrikam chief executive Bo Kim said \"we will grow.\"";
        let got = affiliation_of(
            text,
            &[("Bo Kim", "PER"), ("Fabrikam", "ORG")],
            ("Bo Kim", ""),
        );
        assert_eq!(got, pair("chief executive", "Fabrikam"));
        let text = "Fabrikam's chief financial officer Bo Kim said \"we will grow.\"";
        let got = affiliation_of(
            text,
            &[("Bo Kim", "PER"), ("Fabrikam", "ORG")],
            ("Bo Kim", ""),
        );
        assert_eq!(got, pair("chief financial officer", "Fabrikam"));
        let text = "According to Bo Kim, Fabrikam Motors' chief executive, \"we will grow.\"";
        let got = affiliation_of(
            text,
            &[("Bo Kim", "PER"), ("Fabrikam Motors", "ORG")],
            ("Bo Kim", ""),
        );
        assert_eq!(
            got,
            pair("chief executive", "Fabrikam Motors"),
            "a plural possessive"
        );
        let text = "Fabrikam's chairman Sir Bo Kim said \"we will grow.\"";
        let got = affiliation_of(
            text,
            &[("Bo Kim", "PER"), ("Fabrikam", "ORG")],
            ("Bo Kim", ""),
        );
        assert_eq!(got, pair("chairman", "Fabrikam"), "an honorific between");
        let text = "Fabrikam's finance director, Bo Kim, said \"we will grow.\"";
        let got = affiliation_of(
            text,
            &[("Bo Kim", "PER"), ("Fabrikam", "ORG")],
            ("Bo Kim", ""),
        );
        assert_eq!(
            got,
            pair("finance director", "Fabrikam"),
            "set off by commas"
        );
    }

    #[test]
    fn the_company_said_speaks_for_the_organisation_named_last() {
        let text = "Fabrikam said on Friday it expected higher profits. \
                    \"An improvement is expected,\" the company said.";
        let got = affiliation_of(text, &[("Fabrikam", "ORG")], ("the company", ""));
        assert_eq!(got, (None, Some("Fabrikam".into())));
        // A role phrase is no reference back.
        let text = "Fabrikam said on Friday it expected higher profits. \
                    \"Buy,\" one dealer said.";
        let got = affiliation_of(text, &[("Fabrikam", "ORG")], ("one dealer", ""));
        assert_eq!(got.1, None);
    }

    #[test]
    fn an_earlier_mention_introduces_the_person() {
        let text = "Ann Lee, who runs Contoso, spoke on Monday. \"It was a good year,\" Lee said.";
        let got = affiliation_of(
            text,
            &[("Ann Lee", "PER"), ("Contoso", "ORG")],
            ("Lee", "PER"),
        );
        assert_eq!(got, (None, Some("Contoso".into())));
        let text = "Ann Lee, an analyst at Contoso, spoke. \"Buy,\" Lee said.";
        let got = affiliation_of(
            text,
            &[("Ann Lee", "PER"), ("Contoso", "ORG")],
            ("Lee", "PER"),
        );
        assert_eq!(got, pair("analyst", "Contoso"));
    }

    #[test]
    fn organisations_speak_for_themselves_and_descriptors_name_their_role() {
        let text = "\"We will grow,\" Contoso said.";
        let got = affiliation_of(text, &[("Contoso", "ORG")], ("Contoso", ""));
        assert_eq!(got, (None, Some("Contoso".into())));
        let text = "\"We will grow,\" a Contoso spokesman said.";
        let got = affiliation_of(text, &[("Contoso", "ORG")], ("a Contoso spokesman", ""));
        assert_eq!(got, pair("spokesman", "Contoso"));
        let text = "\"We will grow,\" Contoso's chief executive said.";
        let got = affiliation_of(
            text,
            &[("Contoso", "ORG")],
            ("Contoso's chief executive", ""),
        );
        assert_eq!(got, pair("chief executive", "Contoso"));
    }

    #[test]
    fn a_role_named_by_the_organisations_kind_then_the_person_named() {
        // The lead names the role, the next paragraph the person who holds it.
        let text = "LONDON (Reuters) - Fabrikam Air will counter a bid by Contoso, the \
                    carrier's chief financial officer said.\n\n\"We have a plan,\" Ann Lee said.";
        let entities = [
            ("LONDON", "LOC"),
            ("Reuters", "ORG"),
            ("Fabrikam Air", "ORG"),
            ("Contoso", "ORG"),
            ("Ann Lee", "PER"),
        ];
        let got = affiliation_of(
            text,
            &entities,
            ("the carrier's chief financial officer", ""),
        );
        assert_eq!(got, pair("chief financial officer", "Fabrikam Air"));
        let got = affiliation_of(text, &entities, ("Ann Lee", "PER"));
        assert_eq!(got, pair("chief financial officer", "Fabrikam Air"));
        // The kind word beside a name picks that organisation over the sentence's first.
        let text = "Contoso's Fabrikam luxury unit is in profit, the unit's managing director \
                    said.\n\n\"We grow,\" Ann Lee said.";
        let entities = [("Contoso", "ORG"), ("Fabrikam", "ORG"), ("Ann Lee", "PER")];
        let got = affiliation_of(text, &entities, ("Ann Lee", "PER"));
        assert_eq!(got, pair("managing director", "Fabrikam"));
        // "its" before the role: the sentence's subject, not the body in its object.
        let text = "The Fabrikam Commission will rework its plan to comply with a bill of the \
                    Contoso Parliament, its chairman Ann Lee said.";
        let entities = [
            ("Fabrikam Commission", "ORG"),
            ("Contoso Parliament", "ORG"),
            ("Ann Lee", "PER"),
        ];
        let got = affiliation_of(text, &entities, ("Ann Lee", "PER"));
        assert_eq!(got, pair("chairman", "Fabrikam Commission"));
    }
}
