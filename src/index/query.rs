//! A search: what the user asked (query text and filters), and what comes back (hits and
//! facet counts), printed as text or JSON lines. Backends turn a `Search` into parameterised
//! SQL; nothing here is ever spliced into SQL text.

use serde::Serialize;

use crate::index::IndexError;

#[derive(Debug, Clone, Default, PartialEq)]
/// A search: query words, filters and a limit.
pub struct Search {
    /// Full-text query (FTS5 syntax in SQLite, web-search syntax in PostgreSQL); `None`
    /// lists the newest claims that pass the filters.
    pub query: Option<String>,
    /// Each filter holds every name it matches: the name as given and the canonical names
    /// of the companies it is an alias, ticker or id of (filled by the backend).
    pub speaker: Vec<String>,
    /// Speaker organisation filter names: claims whose speaker speaks for one of them
    /// (whole words, any case: "Boeing" finds "Boeing Co.").
    pub speaker_org: Vec<String>,
    /// Target filter names.
    pub target: Vec<String>,
    /// Source filter names.
    pub source: Vec<String>,
    /// `positive`, `neutral` or `negative`.
    pub sentiment: Option<String>,
    /// `direct` or `indirect`.
    pub kind: Option<String>,
    /// `YYYY-MM-DD`, inclusive, compared with the first 10 characters of `published`.
    pub since: Option<String>,
    /// `YYYY-MM-DD`, inclusive.
    pub until: Option<String>,
    /// Most hits returned.
    pub limit: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
/// One ranked claim.
pub struct Hit {
    /// The article's id.
    pub article_id: String,
    /// The article's title.
    pub title: Option<String>,
    /// The claim's global id.
    pub claim_id: String,
    /// `direct` or `indirect`.
    pub kind: String,
    /// The quoted words.
    pub quote: String,
    /// The speaker's name.
    pub speaker: Option<String>,
    /// The organisation the speaker speaks for ("Boeing" for "a Boeing spokesperson"); null
    /// in an index made before schema version 2.
    pub speaker_org: Option<String>,
    /// The target's name.
    pub target: Option<String>,
    /// The source publication's name.
    pub source: Option<String>,
    /// The claim's sentiment label.
    pub sentiment: Option<String>,
    /// The article's publication date.
    pub published: Option<String>,
    /// The matching text with the query's terms in `[` `]`.
    pub snippet: String,
    /// Lower is better in SQLite (BM25 as FTS5 gives it); higher is better in PostgreSQL
    /// (`ts_rank_cd`); 0 without a query.
    pub rank: f64,
}

/// Claim counts per value of each facet, most frequent first.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Facets {
    /// Hits per speaker.
    pub speaker: Vec<(Option<String>, i64)>,
    /// Hits per speaker organisation.
    pub speaker_org: Vec<(Option<String>, i64)>,
    /// Hits per target.
    pub target: Vec<(Option<String>, i64)>,
    /// Hits per source.
    pub source: Vec<(Option<String>, i64)>,
    /// Hits per sentiment label.
    pub sentiment: Vec<(Option<String>, i64)>,
}

/// The facet columns, as (name in output, column of `claims`). Fixed names, so the column
/// is never user text.
pub(crate) const FACETS: [(&str, &str); 5] = [
    ("speaker", "speaker"),
    ("speaker_org", "speaker_org"),
    ("target", "target"),
    ("source", "source"),
    ("sentiment", "sentiment"),
];

impl Facets {
    /// Stores the counts of facet `name`.
    pub fn set(&mut self, name: &str, counts: Vec<(Option<String>, i64)>) {
        match name {
            "speaker" => self.speaker = counts,
            "speaker_org" => self.speaker_org = counts,
            "target" => self.target = counts,
            "source" => self.source = counts,
            _ => self.sentiment = counts,
        }
    }
}

/// Longest query `search` accepts, in characters: enough for any question a person types,
/// short enough that the engine's parse and plan stay cheap.
pub(crate) const MAX_QUERY_CHARS: usize = 1000;
/// Most words a query may hold (operators such as AND, OR, NOT and NEAR not counted): each
/// word is one more posting list to read and score.
pub(crate) const MAX_QUERY_WORDS: usize = 32;
/// How much of a query an error message quotes.
const QUOTED_CHARS: usize = 40;

/// The start of `query` as an error message quotes it: at most 40 characters, in double
/// quotes, control characters escaped, `…` when cut.
pub(crate) fn quoted_prefix(query: &str) -> String {
    let mut shown: String = query.chars().take(QUOTED_CHARS).collect();
    let cut = shown.len() < query.len();
    if cut {
        shown.push('…');
    }
    format!("{shown:?}")
}

/// Checks a query's size before any engine sees it: at most `MAX_QUERY_CHARS` characters
/// and `MAX_QUERY_WORDS` words.
pub fn check_query(query: &str) -> Result<(), IndexError> {
    let chars = query.chars().count();
    let too_big = |what: String| IndexError::Query {
        query: quoted_prefix(query),
        reason: format!(
            "{what}; narrow the query (filters such as --speaker or --since cost nothing)"
        ),
    };
    if chars > MAX_QUERY_CHARS {
        return Err(too_big(format!(
            "{chars} characters, more than the {MAX_QUERY_CHARS} a query may have"
        )));
    }
    let words = query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !matches!(*w, "AND" | "OR" | "NOT" | "NEAR"))
        .count();
    if words > MAX_QUERY_WORDS {
        return Err(too_big(format!(
            "{words} words, more than the {MAX_QUERY_WORDS} a query may have"
        )));
    }
    Ok(())
}

/// Checks a `--since`/`--until` date: `YYYY-MM-DD`, a day of the calendar.
pub fn check_date(flag: &str, date: &str) -> Result<String, IndexError> {
    let bad = |why: &str| IndexError::Usage(format!("{flag} {}: {why}", quoted_prefix(date)));
    let b = date.as_bytes();
    let number = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(bad("expected a date as YYYY-MM-DD"));
    }
    let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10)) else {
        return Err(bad("expected a date as YYYY-MM-DD"));
    };
    if !(1..=12).contains(&month) {
        return Err(bad("there is no such month (01 to 12)"));
    }
    if day == 0 || day > days_in_month(year, month) {
        return Err(bad(&format!(
            "there is no such day (month {month:02} of {year} has {} days)",
            days_in_month(year, month)
        )));
    }
    Ok(date.to_string())
}

/// Days in `month` (1 to 12) of `year`, in the Gregorian calendar.
fn days_in_month(year: u32, month: u32) -> u32 {
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `text` safe to print on a terminal: C0 and C1 control characters and DEL (which can
/// clear the screen, move the cursor or set the window title) written as `\u{..}`
/// escapes; newlines and tabs too unless `spaces`, which turns them into spaces.
pub(crate) fn printable(text: &str, spaces: bool) -> std::borrow::Cow<'_, str> {
    let control = |c: char| c.is_control();
    if !text.chars().any(control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' | '\t' | '\r' if spaces => out.push(' '),
            c if control(c) => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The hits as the terminal shows them: every value from the index passed through
/// `printable`, so article text cannot drive the terminal.
pub fn print_hits(hits: &[Hit], out: &mut impl std::io::Write) -> std::io::Result<()> {
    let show = |v: &str| printable(v, false).into_owned();
    for (i, hit) in hits.iter().enumerate() {
        let or = |v: &Option<String>| v.as_deref().map_or_else(|| "-".into(), show);
        writeln!(
            out,
            "{}. {} {}[claim {}]",
            i + 1,
            show(&hit.article_id),
            hit.title
                .as_ref()
                .map(|t| format!("\"{}\" ", show(t)))
                .unwrap_or_default(),
            show(&hit.claim_id)
        )?;
        writeln!(
            out,
            "   speaker: {}  target: {}  source: {}  sentiment: {}  {}",
            or(&hit.speaker),
            or(&hit.target),
            or(&hit.source),
            or(&hit.sentiment),
            show(&hit.kind)
        )?;
        writeln!(out, "   {}", printable(&hit.snippet, true))?;
    }
    Ok(())
}

/// Writes facet counts, one line per facet.
pub fn print_facets(facets: &Facets, out: &mut impl std::io::Write) -> std::io::Result<()> {
    for (name, counts) in [
        ("speaker", &facets.speaker),
        ("speaker organisation", &facets.speaker_org),
        ("target", &facets.target),
        ("source", &facets.source),
        ("sentiment", &facets.sentiment),
    ] {
        let list: Vec<String> = counts
            .iter()
            .map(|(v, n)| format!("{} {n}", printable(v.as_deref().unwrap_or("(none)"), false)))
            .collect();
        writeln!(out, "{name}: {}", list.join(", "))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_be_iso_days() {
        assert!(check_date("--since", "2024-01-31").is_ok());
        for bad in [
            "2024-1-31",
            "yesterday",
            "2024-01-31'; --",
            "",
            "２０２４-01-31",
        ] {
            assert!(check_date("--since", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dates_must_be_days_of_the_calendar() {
        for good in ["2024-02-29", "2000-02-29", "2023-12-31", "2024-04-30"] {
            assert!(check_date("--since", good).is_ok(), "{good}");
        }
        for bad in [
            "2024-13-01",
            "2024-00-10",
            "2023-02-29",
            "1900-02-29",
            "2024-04-31",
        ] {
            let said = check_date("--since", bad).expect_err(bad).to_string();
            assert!(said.contains("no such"), "{bad}: {said}");
        }
    }

    #[test]
    fn control_characters_are_escaped_for_the_terminal() {
        assert_eq!(printable("plain Zoë", false), "plain Zoë");
        assert_eq!(printable("a\x1b[2Jb", false), "a\\u{1b}[2Jb");
        assert_eq!(
            printable("t\x1b]0;title\x07", false),
            "t\\u{1b}]0;title\\u{7}"
        );
        assert_eq!(printable("c1\u{9b}31m", false), "c1\\u{9b}31m");
        assert_eq!(printable("line\nnext\ttab", true), "line next tab");
        assert_eq!(printable("line\n", false), "line\\u{a}");
    }

    #[test]
    fn queries_are_bounded_and_errors_quote_only_their_start() {
        assert!(check_query("demand OR supply AND NOT chips").is_ok());
        let long = "(".repeat(100_000);
        let said = check_query(&long).expect_err("too long").to_string();
        assert!(said.len() < 300, "{said}");
        assert!(said.contains("100000 characters"), "{said}");
        let many = vec!["word"; MAX_QUERY_WORDS + 1].join(" OR ");
        let said = check_query(&many).expect_err("too many words").to_string();
        assert!(said.contains("33 words"), "{said}");
        assert!(check_query(&vec!["word"; MAX_QUERY_WORDS].join(" OR ")).is_ok());
    }
}
