//! Word lists the attribution rules use: speech verbs (cues), pronouns, determiners,
//! adverbs and auxiliaries that sit between a speaker and a cue, and words that cannot be
//! part of a speaker's noun phrase.
//!
//! Reads: lowercased words. Writes: nothing; pure predicates. The cue list started from the
//! cues of PolNeAR `train` attributions whose content is in quotation marks (said 45%,
//! told, wrote, added, says, called, saying, according to, tweeted, ...).

use crate::doc::EntityLabel;
use std::collections::HashSet;
use std::sync::OnceLock;

/// Speech and report verbs, all inflections listed.
static CUES: List = List::new(
    "\
say says said saying tell tells told telling write writes wrote writing written add
adds added adding call calls called calling tweet tweets tweeted tweeting ask asks
asked asking continue continues continued note notes noted noting describe describes
described describing report reports reported argue argues argued arguing declare
declares declared declaring reply replies replied explain explains explained
explaining state states stated stating respond responds responded conclude concludes
concluded recall recalls recalled recalling reads promise promises promised accuse
accuses accused accusing pledge pledges pledged answer answers answered acknowledge
acknowledges acknowledged suggest suggests suggested suggesting cite cites cited
citing insist insists insisted insisting warn warns warned warning claim claims
claimed claiming shout shouted shouts yell yelled chant chanted chants chanting scream
screamed urge urges urged assure assures assured announce announces announced admit
admits admitted vow vows vowed lament laments lamented complain complains complained
predict predicts predicted remark remarks remarked remarking mock mocks mocked mocking
joke jokes joked quip quips quipped blast blasts blasted slam slams slammed assert
asserts asserted boast boasts boasted concede concedes conceded emphasize emphasizes
emphasized stress stresses stressed observe observes observed testify testifies
testified post posts posted mention mentions mentioned confirm confirms confirmed deny
denies denied echo echoes echoed exclaim exclaimed snap snapped retort retorted
counter countered maintain maintains maintained contend contends contended allege
alleges alleged recount recounted dub dubs dubbed label labels labeled labelled brand
branded muse mused wonder wondered quote quoted texted emailed reiterate reiterated
affirm affirmed proclaim proclaimed plead pleaded demand demanded tout touted decry
decried denounce denounced condemn condemned criticize criticized praise praised
characterize characterized thank thanked agree agreed whisper whispered cry cried
sneer sneered scoff scoffed barked beamed fumed affirms gushed raged sniped groused
griped bragged marveled opined reasoned reflected repeated reminded roared scolded
seethed sighed clarified confided bellowed cautioned chided commented cracked crowed
elaborated grumbled hinted howled implored interjected jabbed laughed objected posited
protested ranted speculated summarized surmised taunted teased thundered volunteered
messaged remembers remembered charged",
);

/// Words that stand between a subject and its verb: auxiliaries, negation, adverbs,
/// time words, "in a statement".
static ADJUNCTS: List = List::new(
    "\
also has have had was were is are be been being would will could can should may might
must did does do not n't never later then once previously recently repeatedly
reportedly publicly privately famously simply flatly just even often always already
frequently openly earlier first again still now ultimately finally initially
originally allegedly apparently herself himself themselves itself too yesterday today
tonight monday tuesday wednesday thursday friday saturday sunday morning afternoon
evening night week weekend month year on last this late early next in a statement
interview",
);

/// Nouns ending in -ly, so not adverbs.
static LY_NOUNS: List = List::new(
    "\
family ally rally assembly supply reply july italy daily monopoly anomaly fly holly
kelly emily bully",
);

/// Words a speaker's noun phrase does not contain.
static NP_STOPS: List = List::new(
    "\
that which what where when why how if because so but or to in on at by with from into
as than is are was were be been being not n't do does did will would can could should
has have had there here also then while after before since about it's this these those
we you i me him them us whether though although until unless during among against over
under up out off through said says say",
);

/// Words that open a noun phrase.
static DETERMINERS: List = List::new(
    "\
the a an his her its their our my your one some another each every many several both
two three four other those these",
);

/// Words that name nothing by themselves: pronouns, relative pronouns and quantifiers
/// (determiners are in `DETERMINERS`). A speaker or target made only of these and
/// punctuation is a fragment, never a name ("They", "the", "who").
static FUNCTION_WORDS: List = List::new(
    "\
he she it they we i you him them us me who whom whose which that this what these those
few all any most none such there here",
);

/// Words that open an introductory phrase before a sentence's subject.
static INTRO: List = List::new(
    "\
in on at after before when while as since if although though during despite for with
without because speaking asked but and yet still however instead meanwhile later
earlier under by from to unlike like now then so",
);

/// Nouns that make "according to a Bloomberg report" a report of a publication.
static REPORT_NOUNS: List = List::new(
    "\
report article story analysis interview investigation survey poll memo piece editorial
op-ed column broadcast review study podcast",
);

/// Verbs that are cues with a particle: "shot back", "went on", "pointed out".
static PHRASAL: List = List::new(
    "shot_back fired_back hit_back snapped_back went_on goes_on pointed_out
points_out chimed_in weighed_in spoke_up lashed_out put_it puts_it",
);

/// A word list, written as whitespace-separated words, looked up through a set built on
/// first use.
struct List {
    words: &'static str,
    set: OnceLock<HashSet<&'static str>>,
}

impl List {
    const fn new(words: &'static str) -> Self {
        List {
            words,
            set: OnceLock::new(),
        }
    }

    fn has(&self, word: &str) -> bool {
        self.set
            .get_or_init(|| self.words.split_whitespace().collect())
            .contains(word)
    }
}

fn has(list: &List, word: &str) -> bool {
    list.has(word)
}

/// Cues that are nouns as often as verbs ("a note", "the report", "a tweet").
static NOUN_LIKE: List = List::new(
    "note report claim call post quote answer state tweet remark demand promise vow chant \
     joke warning comment cry whisper counter stress echo label brand dub thank",
);

pub(crate) fn is_noun_like_cue(word: &str) -> bool {
    NOUN_LIKE.has(word)
}

/// A verb and particle that together are a cue.
pub(crate) fn is_phrasal_cue(verb: &str, particle: &str) -> bool {
    PHRASAL.has(&format!("{verb}_{particle}"))
}

pub(crate) fn is_cue(word: &str) -> bool {
    has(&CUES, word)
}

pub(crate) fn is_adjunct(word: &str) -> bool {
    has(&ADJUNCTS, word) || is_adverb(word)
}

pub(crate) fn is_adverb(word: &str) -> bool {
    word.len() > 4
        && word.ends_with("ly")
        && word.chars().all(|c| c.is_ascii_lowercase())
        && !has(&LY_NOUNS, word)
}

pub(crate) fn is_np_stop(word: &str) -> bool {
    has(&NP_STOPS, word) || is_cue(word)
}

pub(crate) fn is_determiner(word: &str) -> bool {
    has(&DETERMINERS, word)
}

/// A lowercase word that names nothing by itself (see `FUNCTION_WORDS`).
pub(crate) fn is_function_word(word: &str) -> bool {
    has(&FUNCTION_WORDS, word) || has(&DETERMINERS, word)
}

pub(crate) fn is_intro(word: &str) -> bool {
    has(&INTRO, word)
}

pub(crate) fn is_report_noun(word: &str) -> bool {
    has(&REPORT_NOUNS, word)
        || word
            .strip_suffix('s')
            .is_some_and(|w| has(&REPORT_NOUNS, w))
}

/// A subject pronoun that can name a speaker.
pub(crate) fn is_subject_pronoun(word: &str) -> bool {
    matches!(
        word,
        "he" | "she" | "they" | "it" | "we" | "i" | "you" | "who"
    )
}

/// A person's age set off by commas ("Warren, 61, who ...", "Cuomo, 78, a lawyer"): one to
/// three digits.
pub(crate) fn is_age(word: &str) -> bool {
    (1..=3).contains(&word.len()) && word.chars().all(|c| c.is_ascii_digit())
}

/// Which entity labels a pronoun may refer to.
pub(crate) fn antecedent_labels(word: &str) -> &'static [EntityLabel] {
    use EntityLabel::{Organisation, Person};
    match word {
        "he" | "she" | "him" | "her" | "his" | "i" => &[Person],
        "it" | "its" => &[Organisation],
        "they" | "them" | "their" | "we" => &[Organisation, Person],
        _ => &[],
    }
}

/// A dash that may introduce an attribution: `"..." — Jane Doe`.
pub(crate) fn is_dash(word: &str) -> bool {
    matches!(word, "—" | "–" | "--" | "-" | "―")
}

/// A possessive ending split off as its own word: "Contoso 's", "General Motors '".
pub(crate) fn is_possessive(word: &str) -> bool {
    matches!(word, "'s" | "’s" | "'" | "’")
}

pub(crate) fn is_punct(word: &str) -> bool {
    !word.is_empty() && word.chars().all(|c| !c.is_alphanumeric())
}

/// Belief, intention, stance and report verbs (lemmas) that make a reported claim beside
/// the speech verbs of `CUES`: "believes the plant will close", "a poll found that ...".
/// Verbs of events ("posted a loss", "fell", "rose", "unveiled") are not here.
static CLAIM_LEMMAS: List = List::new(
    "\
believe think feel hope fear expect doubt suspect assume worry know consider regard view
see want wish plan intend decide agree disagree estimate forecast project find show
reveal indicate conclude determine judge deem realize realise recognize recognise
understand reckon guess imagine suppose bet trust question oppose support favor favour
endorse reject dispute challenge blame credit criticize criticise praise welcome applaud
defend attack caution propose recommend request order threaten refuse decline disclose
signal hint imply calculate prove demonstrate argue insist demand ask urge pledge promise
vow concede admit confirm deny say tell write add call note describe report declare
explain state respond warn claim announce predict assert acknowledge suggest cite
mention speak talk discuss learn allege maintain contend complain accuse testify
tweet reply answer recall emphasize emphasise stress reiterate reference compare detail
illustrate highlight identify link debate dismiss condemn advocate express echo rail
ignore wonder",
);

/// Speech-verb forms of `CUES` that, in running text, are mostly events: "Intel posted a
/// loss" reports a number, not what Intel said.
fn is_event_form(word: &str) -> bool {
    matches!(word, "post" | "posts" | "posted" | "posting" | "known")
}

/// The lemmas a lowercase verb form may have: itself, and without -s, -es, -ies, -ed,
/// -d, -ied, -ing (with a dropped e or a doubled consonant), plus a few irregulars.
fn lemmas(word: &str) -> Vec<String> {
    let irregular = match word {
        "thought" => Some("think"),
        "felt" => Some("feel"),
        "knew" | "known" => Some("know"),
        "saw" | "seen" => Some("see"),
        "found" => Some("find"),
        "told" => Some("tell"),
        "said" | "says" => Some("say"),
        "wrote" | "written" => Some("write"),
        "spoke" | "spoken" => Some("speak"),
        "understood" => Some("understand"),
        _ => None,
    };
    let mut out = vec![word.to_string()];
    out.extend(irregular.map(str::to_string));
    let strip = |suffix: &str, add: &str| {
        word.strip_suffix(suffix)
            .filter(|stem| stem.len() > 1)
            .map(|stem| format!("{stem}{add}"))
    };
    for (suffix, add) in [
        ("s", ""),
        ("es", ""),
        ("ies", "y"),
        ("ed", ""),
        ("d", ""),
        ("ied", "y"),
        ("ing", ""),
        ("ing", "e"),
    ] {
        out.extend(strip(suffix, add));
    }
    // "planned", "planning": a doubled final consonant.
    for suffix in ["ed", "ing"] {
        if let Some(stem) = word.strip_suffix(suffix) {
            let b = stem.as_bytes();
            if b.len() > 2 && b[b.len() - 1] == b[b.len() - 2] {
                out.push(stem[..stem.len() - 1].to_string());
            }
        }
    }
    out
}

/// A word that can make a reported claim: a speech, belief or report verb in any form.
pub(crate) fn is_claim_verb(word: &str) -> bool {
    if is_event_form(word) {
        return false;
    }
    is_cue(word) || lemmas(word).iter().any(|l| CLAIM_LEMMAS.has(l))
}

/// Sentence-final or clause-final punctuation.
pub(crate) fn ends_clause(word: &str) -> bool {
    matches!(word, "." | "?" | "!" | ";" | "..." | "…")
}

/// Words of public offices: their holders speak for a government, not a company.
pub(crate) fn is_public_role(word: &str) -> bool {
    matches!(
        word,
        "minister"
            | "ministers"
            | "governor"
            | "regulator"
            | "commissioner"
            | "senator"
            | "mayor"
            | "ambassador"
            | "premier"
            // "state secretary", "state treasurer"
            | "state"
    )
}

/// Words of the roles of people who comment on companies from outside (an analyst, a
/// fund manager, a dealer), as opposed to speaking for one.
pub(crate) fn is_outside_role(word: &str) -> bool {
    matches!(
        word,
        "analyst"
            | "analysts"
            | "economist"
            | "economists"
            | "strategist"
            | "trader"
            | "traders"
            | "dealer"
            | "dealers"
            | "broker"
            | "brokers"
            | "consultant"
            | "researcher"
            | "lawyer"
            | "attorney"
            | "banker"
            | "adviser"
            | "advisor"
            | "fund"
            | "portfolio"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cues_and_adjuncts() {
        assert!(is_cue("said") && !is_cue("according") && is_cue("tell"));
        assert!(is_adjunct("reportedly") && is_adjunct("has") && !is_adjunct("family"));
        assert!(is_np_stop("which") && !is_np_stop("spokesman"));
    }

    #[test]
    fn claim_verbs_are_speech_belief_and_report_verbs() {
        for word in [
            "said", "believes", "planned", "worried", "found", "argues", "urging",
        ] {
            assert!(is_claim_verb(word), "{word}");
        }
        for word in [
            "posted", "fell", "rose", "unveiled", "made", "known", "pitches",
        ] {
            assert!(!is_claim_verb(word), "{word}");
        }
    }

    #[test]
    fn pronouns_point_to_labels() {
        assert_eq!(antecedent_labels("she"), &[EntityLabel::Person]);
        assert_eq!(antecedent_labels("it"), &[EntityLabel::Organisation]);
        assert!(antecedent_labels("who").is_empty());
    }
}
