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
    /// Hits per target.
    pub target: Vec<(Option<String>, i64)>,
    /// Hits per source.
    pub source: Vec<(Option<String>, i64)>,
    /// Hits per sentiment label.
    pub sentiment: Vec<(Option<String>, i64)>,
}

/// The facet columns, as (name in output, column of `claims`). Fixed names, so the column
/// is never user text.
pub const FACETS: [(&str, &str); 4] = [
    ("speaker", "speaker"),
    ("target", "target"),
    ("source", "source"),
    ("sentiment", "sentiment"),
];

impl Facets {
    /// Stores the counts of facet `name`.
    pub fn set(&mut self, name: &str, counts: Vec<(Option<String>, i64)>) {
        match name {
            "speaker" => self.speaker = counts,
            "target" => self.target = counts,
            "source" => self.source = counts,
            _ => self.sentiment = counts,
        }
    }
}

/// Checks a `--since`/`--until` date: `YYYY-MM-DD`.
pub fn check_date(flag: &str, date: &str) -> Result<String, IndexError> {
    let b = date.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && digits(0..4)
        && digits(5..7)
        && digits(8..10)
    {
        Ok(date.to_string())
    } else {
        Err(IndexError::Usage(format!(
            "{flag} {date:?}: expected a date as YYYY-MM-DD"
        )))
    }
}

/// The hits as the terminal shows them.
pub fn print_hits(hits: &[Hit], out: &mut impl std::io::Write) -> std::io::Result<()> {
    for (i, hit) in hits.iter().enumerate() {
        let or = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
        writeln!(
            out,
            "{}. {} {}[claim {}]",
            i + 1,
            hit.article_id,
            hit.title
                .as_ref()
                .map(|t| format!("\"{t}\" "))
                .unwrap_or_default(),
            hit.claim_id
        )?;
        writeln!(
            out,
            "   speaker: {}  target: {}  source: {}  sentiment: {}  {}",
            or(&hit.speaker),
            or(&hit.target),
            or(&hit.source),
            or(&hit.sentiment),
            hit.kind
        )?;
        writeln!(out, "   {}", hit.snippet.replace('\n', " "))?;
    }
    Ok(())
}

/// Writes facet counts, one line per facet.
pub fn print_facets(facets: &Facets, out: &mut impl std::io::Write) -> std::io::Result<()> {
    for (name, counts) in [
        ("speaker", &facets.speaker),
        ("target", &facets.target),
        ("source", &facets.source),
        ("sentiment", &facets.sentiment),
    ] {
        let list: Vec<String> = counts
            .iter()
            .map(|(v, n)| format!("{} {n}", v.as_deref().unwrap_or("(none)")))
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
}
