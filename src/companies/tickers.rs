//! Stock tickers written beside a company's name: Reuters instrument codes, in parentheses
//! ("Kimberly-Clark Corp. ( KMB.N )") or bare after the name ("Techem TNHG.DE"), and
//! exchange-prefixed symbols ("Apple Inc (NASDAQ: AAPL)"). A ticker is evidence, not a
//! name of its own: the tagger takes its pieces ("KMB.", "N", "NASDAQ") for organisations,
//! which then became speakers and targets, and it swallows a bare code into the name
//! ("Techem TNHG"). So entity mentions inside a ticker go, a name that runs into one ends
//! before it, and the name it stands beside takes the knowledge base's company with that
//! ticker when the name itself was not linked.

use std::sync::OnceLock;

use regex::Regex;

use crate::companies::KnowledgeBase;
use crate::doc::{CharRange, EntityLabel, Mention, MentionKind, Role, RoleSpan};

/// Exchange suffixes of Reuters instrument codes (New York, Nasdaq, London, Frankfurt,
/// Paris, Tokyo, Hong Kong, Sydney, Toronto, ...): a code must end in one of them, so that
/// "U.S" or "No.1" never reads as a ticker.
const RIC_SUFFIXES: &str = "N|O|OQ|A|K|P|PK|OB|L|DE|F|PA|AS|BR|MI|MC|LS|SW|VX|S|ST|CO|OL|HE|I|IR|\
     VI|WA|PR|BU|AT|IS|TA|JO|J|T|OS|HK|SS|SZ|KS|KQ|TW|SI|KL|BK|JK|BO|NS|AX|NZ|TO|V|CN|SA|MX|BA|\
     SN|QA|AD|DU|KW|SE|Z";

/// Exchanges that prefix a symbol: "(NYSE: IBM)", "(Nasdaq:AAPL)".
const EXCHANGES: &str = "NYSE(?: American| Arca| MKT)?|NASDAQ|Nasdaq|AMEX|Amex|LSE|TSX(?:-?V)?|\
     ASX|OTC(?:QX|QB)?|Euronext|SIX|HKEX|SGX|NSE|BSE|TSE|Xetra|XETRA|JSE|KRX|KOSDAQ|TASE|NZX";

/// The patterns, compiled once: a parenthesis of codes or exchange symbols, and a bare code.
fn patterns() -> &'static (Regex, Regex) {
    static PATTERNS: OnceLock<(Regex, Regex)> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        // A share class may follow in lowercase: "VIAb.N", "BRKa.N".
        let ric = format!(r"[A-Z0-9][A-Z0-9&_-]{{0,9}}[a-c]?\.(?:{RIC_SUFFIXES})");
        let symbol = format!(r"(?:{EXCHANGES})\s*:\s*[A-Z0-9][A-Z0-9.-]{{0,9}}");
        let one = format!(r"(?:{ric}|{symbol})");
        let parenthesised = format!(r"\(\s*{one}(?:\s*(?:,|;|/|and|or)\s*{one})*\s*\)");
        // A bare code: at least two characters before the dot, standing alone.
        let bare = format!(
            r"(?:^|[\s,;])([A-Z0-9][A-Z0-9&_-]{{1,9}}[a-c]?\.(?:{RIC_SUFFIXES}))(?:$|[\s,;:)])"
        );
        (
            Regex::new(&parenthesised).expect("the ticker pattern compiles"),
            Regex::new(&bare).expect("the ticker pattern compiles"),
        )
    })
}

/// A ticker found in the text: where it is and the symbol it names ("KMB" of "KMB.N").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticker {
    pub range: CharRange,
    pub symbols: Vec<String>,
}

/// The tickers of a text, in text order.
pub fn find(chars: &[char]) -> Vec<Ticker> {
    let text: String = chars.iter().collect();
    // Byte offsets of the regex → code point offsets of the document.
    let mut char_at = vec![0usize; text.len() + 1];
    for (i, (b, c)) in text.char_indices().enumerate() {
        char_at[b..b + c.len_utf8()].fill(i);
    }
    char_at[text.len()] = chars.len();
    let (parenthesised, bare) = patterns();
    let mut found: Vec<Ticker> = (parenthesised.find_iter(&text))
        .map(|m| Ticker {
            range: CharRange::new(char_at[m.start()], char_at[m.end()]),
            symbols: symbols(m.as_str()),
        })
        .collect();
    for caps in bare.captures_iter(&text) {
        let Some(m) = caps.get(1) else { continue };
        let range = CharRange::new(char_at[m.start()], char_at[m.end()]);
        if !found.iter().any(|t| t.range.overlaps(range)) {
            found.push(Ticker {
                range,
                symbols: symbols(m.as_str()),
            });
        }
    }
    found.sort_by_key(|t| t.range.start);
    found
}

/// The symbols of a ticker's text: "( KMB.N )" → KMB, "(NASDAQ: AAPL)" → AAPL.
fn symbols(text: &str) -> Vec<String> {
    text.split(|c: char| matches!(c, '(' | ')' | ',' | ';' | '/') || c.is_whitespace())
        .filter(|piece| {
            piece
                .chars()
                .any(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        })
        .filter(|piece| !matches!(*piece, "and" | "or"))
        .map(|piece| {
            let piece = piece.rsplit(':').next().unwrap_or(piece);
            piece.split('.').next().unwrap_or(piece).to_string()
        })
        .filter(|s| !s.is_empty() && !EXCHANGES.split('|').any(|e| e == s))
        .collect()
}

/// The mentions `apply` linked by ticker (index into the mentions, knowledge-base entry),
/// and where the tickers are.
pub struct Applied {
    pub linked: Vec<(usize, usize)>,
    pub tickers: Vec<CharRange>,
}

/// Drops the entity mentions inside a ticker, ends a name that runs into one before it,
/// makes a name tagged MISC or PER right before a ticker an organisation, and links the
/// organisation there to the knowledge-base company whose ticker it is, when it is not
/// linked yet.
pub fn apply(chars: &[char], mentions: &mut Vec<Mention>, kb: &KnowledgeBase) -> Applied {
    let tickers = find(chars);
    if tickers.is_empty() {
        return Applied {
            linked: Vec::new(),
            tickers: Vec::new(),
        };
    }
    mentions.retain(|m| {
        m.kind != MentionKind::Entity
            || !tickers
                .iter()
                .any(|t| t.range.start <= m.range.start && m.range.end <= t.range.end)
    });
    for m in mentions.iter_mut() {
        if let Some(t) = tickers
            .iter()
            .find(|t| m.range.start < t.range.start && t.range.start < m.range.end)
        {
            let mut end = t.range.start;
            while end > m.range.start && chars[end - 1].is_whitespace() {
                end -= 1;
            }
            m.range = CharRange::new(m.range.start, end);
        }
    }
    let mut linked = Vec::new();
    for t in &tickers {
        let before = mentions.iter().rposition(|m| {
            m.kind == MentionKind::Entity
                && m.range.end <= t.range.start
                && chars[m.range.end..t.range.start]
                    .iter()
                    .all(|c| c.is_whitespace() || *c == '(')
        });
        let Some(i) = before else { continue };
        // A ticker names a listed company, so a name beside it the tagger took for a
        // product or a person is an organisation ("Nasdaq Stock Market ( NDAQ.O )" as
        // MISC). A place stays one: "shares rose in Frankfurt ( PEUP.F )" is the market.
        if matches!(mentions[i].label, EntityLabel::Misc | EntityLabel::Person) {
            mentions[i].label = EntityLabel::Organisation;
        }
        if mentions[i].company.is_some() || mentions[i].label != EntityLabel::Organisation {
            continue;
        }
        let entry =
            (kb.entries().iter()).position(|e| e.tickers.iter().any(|k| t.symbols.contains(k)));
        if let Some(entry) = entry {
            mentions[i].company = Some(kb.entry(entry).name.clone());
            linked.push((i, entry));
        }
    }
    Applied {
        linked,
        tickers: tickers.into_iter().map(|t| t.range).collect(),
    }
}

/// A speaker the attribution head tagged inside a ticker ("N" of "( KMB.N ) said") is the
/// organisation the ticker stands beside; with none there, the span goes.
pub fn move_speakers(
    chars: &[char],
    tickers: &[CharRange],
    mentions: &[Mention],
    roles: &mut Vec<RoleSpan>,
) {
    if tickers.is_empty() {
        return;
    }
    roles.retain_mut(|span| {
        if span.role != Role::Speaker {
            return true;
        }
        let Some(ticker) = tickers.iter().find(|t| t.overlaps(span.range)) else {
            return true;
        };
        match beside(chars, mentions, *ticker) {
            Some(name) => {
                span.range = name;
                true
            }
            None => false,
        }
    });
}

/// The entity a ticker stands beside ("Hess AG" of "Hess AG HEAG.DE", "Kimberly-Clark
/// Corp." of "Kimberly-Clark Corp. ( KMB.N )").
pub fn beside(chars: &[char], mentions: &[Mention], ticker: CharRange) -> Option<CharRange> {
    let m = mentions.iter().rfind(|m| {
        m.kind == MentionKind::Entity
            && m.range.end <= ticker.start
            && (chars.get(m.range.end..ticker.start))
                .is_some_and(|gap| gap.iter().all(|c| c.is_whitespace() || *c == '('))
    })?;
    Some(m.range)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(String, Vec<String>)> {
        let chars: Vec<char> = text.chars().collect();
        find(&chars)
            .into_iter()
            .map(|t| {
                let s: String = chars[t.range.start..t.range.end].iter().collect();
                (s, t.symbols)
            })
            .collect()
    }

    #[test]
    fn reuters_codes_and_exchange_symbols_are_tickers() {
        assert_eq!(
            found("Kimberly-Clark Corp. ( KMB.N ) said"),
            [("( KMB.N )".to_string(), vec!["KMB".to_string()])]
        );
        assert_eq!(
            found("Apple Inc (NASDAQ: AAPL) rose and IBM (NYSE:IBM) fell"),
            [
                ("(NASDAQ: AAPL)".to_string(), vec!["AAPL".to_string()]),
                ("(NYSE:IBM)".to_string(), vec!["IBM".to_string()])
            ]
        );
        assert_eq!(
            found("Germany's Techem TNHG.DE at 44 euros, Bank Ltd. MBL.AX, fresh"),
            [
                ("TNHG.DE".to_string(), vec!["TNHG".to_string()]),
                ("MBL.AX".to_string(), vec!["MBL".to_string()])
            ]
        );
        assert_eq!(
            found("Orkla ASA ( ORK.OL ) and Sapa ( 005930.KS , SAPA.ST )").len(),
            2
        );
        assert_eq!(
            found("Viacom Inc. VIAb.N said"),
            [("VIAb.N".to_string(), vec!["VIAb".to_string()])]
        );
    }

    #[test]
    fn abbreviations_and_plain_parentheses_are_not_tickers() {
        assert!(found("the U.S. economy, U.K. banks, No.1 in (the) U.S").is_empty());
        assert!(found("Advanced Micro Devices (AMD) fell 1.2% (about 3.5 points)").is_empty());
        assert!(found("version 2.0 and figure 3.A").is_empty());
    }

    #[test]
    fn mentions_inside_go_names_end_before_and_the_name_is_linked() {
        let entry: crate::companies::kb::Entry = serde_json::from_str(
            r#"{"name": "Kimberly-Clark", "kind": "company", "tickers": ["KMB"]}"#,
        )
        .expect("entry");
        let kb = KnowledgeBase::new(vec![entry]);
        let text = "Kimberly-Clark Corp. ( KMB.N ) and Techem TNHG.DE said";
        let chars: Vec<char> = text.chars().collect();
        // The first `len` characters of `s` where it stands in the text.
        let at = |s: &str, len: usize| {
            let start = text.find(s).expect("in the text");
            let start = text[..start].chars().count();
            CharRange::new(start, start + len)
        };
        let whole = |s: &str| at(s, s.chars().count());
        let org = |range| Mention {
            range,
            label: EntityLabel::Organisation,
            kind: MentionKind::Entity,
            score: Some(0.9),
            company: None,
            sentiment: None,
        };
        let mut mentions = vec![
            org(whole("Kimberly-Clark Corp.")),
            org(whole("KMB.")),
            org(at("N )", 1)),
            // The tagger's other label for a name beside a ticker.
            Mention {
                label: EntityLabel::Misc,
                ..org(whole("Techem TNHG"))
            },
            org(at("DE ", 2)),
        ];
        let linked = apply(&chars, &mut mentions, &kb).linked;
        let left: Vec<String> = (mentions.iter())
            .map(|m| chars[m.range.start..m.range.end].iter().collect())
            .collect();
        assert_eq!(left, ["Kimberly-Clark Corp.", "Techem"]);
        assert_eq!(mentions[1].label, EntityLabel::Organisation);
        assert_eq!(mentions[0].company.as_deref(), Some("Kimberly-Clark"));
        assert_eq!(linked, [(0, 0)]);
    }

    #[test]
    fn a_speaker_tagged_inside_a_ticker_moves_to_the_name_beside_it() {
        let text = "Avis Budget Group, Inc. CAR.N announced cuts; ( NMX.N ) said";
        let chars: Vec<char> = text.chars().collect();
        let tickers: Vec<CharRange> = find(&chars).into_iter().map(|t| t.range).collect();
        assert_eq!(tickers.len(), 2);
        let name = CharRange::new(0, 23);
        let mentions = [Mention {
            range: name,
            label: EntityLabel::Organisation,
            kind: MentionKind::Entity,
            score: Some(0.9),
            company: None,
            sentiment: None,
        }];
        let speaker = |range| RoleSpan {
            range,
            role: Role::Speaker,
            score: 0.9,
        };
        // "N" of "CAR.N", then "N" of "( NMX.N )", which stands beside no name.
        let n_of = |code: &str| {
            let byte = text.find(code).expect("in the text") + code.len() - 1;
            let start = text[..byte].chars().count();
            speaker(CharRange::new(start, start + 1))
        };
        let mut roles = vec![n_of("CAR.N"), n_of("NMX.N")];
        move_speakers(&chars, &tickers, &mentions, &mut roles);
        assert_eq!(roles.len(), 1);
        assert_eq!(roles[0].range, name);
    }
}
