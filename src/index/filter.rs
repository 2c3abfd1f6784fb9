//! The FROM and WHERE clauses of a search, for either back end: one builder over a
//! [`Search`], and a [`Dialect`] for what SQLite and PostgreSQL spell differently
//! (placeholders, the full-text match, case-insensitive names, a date's first ten
//! characters). Built from fixed SQL fragments only; every value the user gave is a bound
//! parameter.

use crate::index::query::Search;
use crate::index::{surname_pattern, word_patterns};

/// The SQL a back end speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// `?` placeholders, FTS5 `MATCH`, `COLLATE NOCASE`, `substr`.
    Sqlite,
    /// `$N` placeholders, `tsquery` (bound as `$1`), `lower(..) = ANY`, `left`.
    Postgres,
}

/// A bound value: one text or, for PostgreSQL's `= ANY`, a list of texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Param {
    Text(String),
    Texts(Vec<String>),
}

/// The conditions over `claims c` and their parameters, in placeholder order.
pub(crate) struct Filter {
    dialect: Dialect,
    /// Whether `claims` has `speaker_org` (an index made before schema version 2 has not).
    has_org: bool,
    sql: Vec<String>,
    pub(crate) params: Vec<Param>,
}

impl Filter {
    pub(crate) fn new(search: &Search, dialect: Dialect, has_org: bool) -> Filter {
        let mut f = Filter {
            dialect,
            has_org,
            sql: Vec::new(),
            params: Vec::new(),
        };
        if let Some(q) = &search.query {
            f.full_text(q);
        }
        if !search.speaker.is_empty() {
            f.speaker(&search.speaker);
        }
        if !search.speaker_org.is_empty() {
            let org = f.column("speaker_org");
            let clause = f.words(&org, &search.speaker_org);
            f.sql.push(clause);
        }
        for (column, names) in [("c.target", &search.target), ("c.source", &search.source)] {
            if !names.is_empty() {
                f.names(column, names);
            }
        }
        if let Some(s) = &search.sentiment {
            f.compare("c.sentiment", "=", s);
        }
        if let Some(k) = &search.kind {
            f.compare("c.kind", "=", k);
        }
        if let Some(d) = &search.since {
            f.compare(self::day(dialect), ">=", d);
        }
        if let Some(d) = &search.until {
            f.compare(self::day(dialect), "<=", d);
        }
        f
    }

    /// `FROM` (with the full-text table or query when there is a query) and `WHERE`.
    pub(crate) fn clauses(&self, search: &Search) -> String {
        let from = match (self.dialect, search.query.is_some()) {
            (Dialect::Sqlite, true) => {
                "FROM claims_fts JOIN claims c ON c.rowid = claims_fts.rowid"
            }
            (Dialect::Postgres, true) => "FROM claims c, websearch_to_tsquery('english', $1) q",
            (_, false) => "FROM claims c",
        };
        if self.sql.is_empty() {
            from.to_string()
        } else {
            format!("{from} WHERE {}", self.sql.join(" AND "))
        }
    }

    /// The placeholder of the next parameter.
    fn mark(&self) -> String {
        match self.dialect {
            Dialect::Sqlite => "?".to_string(),
            Dialect::Postgres => format!("${}", self.params.len() + 1),
        }
    }

    fn full_text(&mut self, query: &str) {
        match self.dialect {
            Dialect::Sqlite => {
                let mark = self.mark();
                self.sql.push(format!("claims_fts MATCH {mark}"));
                self.params.push(Param::Text(literal_words(query)));
            }
            Dialect::Postgres => {
                // The parsed query is `q` in the FROM clause, bound as $1.
                self.sql.push("c.fts @@ q".into());
                self.params.push(Param::Text(query.to_string()));
            }
        }
    }

    /// A column of `claims` as a select or filter expression: a column an older index
    /// lacks reads as NULL.
    pub(crate) fn column(&self, name: &str) -> String {
        match (name, self.has_org, self.dialect) {
            ("speaker_org", false, Dialect::Sqlite) => "NULL".into(),
            ("speaker_org", false, Dialect::Postgres) => "NULL::text".into(),
            _ => format!("c.{name}"),
        }
    }

    /// `column` is any of `names`, ignoring case.
    fn names(&mut self, column: &str, names: &[String]) {
        let clause = self.any_of(column, names);
        self.sql.push(clause);
    }

    /// `column` is any of `names`, ignoring case, as one condition.
    fn any_of(&mut self, column: &str, names: &[String]) -> String {
        let mark = self.mark();
        match self.dialect {
            Dialect::Sqlite => {
                let marks = vec!["?"; names.len()].join(", ");
                self.params.extend(names.iter().cloned().map(Param::Text));
                format!("{column} COLLATE NOCASE IN ({marks})")
            }
            Dialect::Postgres => {
                let lower = names.iter().map(|n| n.to_lowercase()).collect();
                self.params.push(Param::Texts(lower));
                format!("lower({column}) = ANY({mark})")
            }
        }
    }

    /// `column` matches any of `patterns` (LIKE, backslash escapes), ignoring case.
    fn like_any(&mut self, column: &str, patterns: Vec<String>) -> String {
        let mark = self.mark();
        match self.dialect {
            Dialect::Sqlite => {
                let likes: Vec<String> = (patterns.iter())
                    .map(|_| format!("{column} LIKE ? ESCAPE '\\'"))
                    .collect();
                self.params.extend(patterns.into_iter().map(Param::Text));
                format!("({})", likes.join(" OR "))
            }
            Dialect::Postgres => {
                let lower = patterns.iter().map(|p| p.to_lowercase()).collect();
                self.params.push(Param::Texts(lower));
                format!("lower({column}) LIKE ANY({mark})")
            }
        }
    }

    /// `column` holds one of `names` as whole words ("Boeing" in "Boeing Co.").
    fn words(&mut self, column: &str, names: &[String]) -> String {
        let patterns = names.iter().flat_map(|n| word_patterns(n)).collect();
        self.like_any(column, patterns)
    }

    /// The speaker is one of `names`, a full name ending in one of them (a person goes by
    /// their full name: "Farley" finds "Jim Farley"), or speaks for an organisation named
    /// so ("Boeing" finds "a Boeing spokesperson" and Boeing's executives).
    fn speaker(&mut self, names: &[String]) {
        let exact = self.any_of("c.speaker", names);
        let surnames = self.like_any(
            "c.speaker",
            names.iter().map(|n| surname_pattern(n)).collect(),
        );
        let org = self.column("speaker_org");
        let org = self.words(&org, names);
        self.sql.push(format!("({exact} OR {surnames} OR {org})"));
    }

    fn compare(&mut self, left: &str, op: &str, value: &str) {
        let mark = self.mark();
        self.sql.push(format!("{left} {op} {mark}"));
        self.params.push(Param::Text(value.to_string()));
    }
}

/// The day (`YYYY-MM-DD`) of a claim's article's publication time.
fn day(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Sqlite => "substr(c.published, 1, 10)",
        Dialect::Postgres => "left(c.published, 10)",
    }
}

/// The query with each word that FTS5 could not read (`data-center`, `AT&T`, `';`) put in
/// double quotes, so it is searched as the words it holds; words of word characters and
/// FTS5 syntax (`"`, `(`, `)`, `:`, `*`, `^`, `+`, `{`, `}`, and `,` inside a
/// `NEAR(a b, N)` group), quoted phrases and the operators stay as written, and FTS5
/// reports their errors.
pub(crate) fn literal_words(query: &str) -> String {
    const SYNTAX: &[char] = &['"', '(', ')', ':', '*', '^', '+', '{', '}'];
    let bare = |c: char| !c.is_ascii() || c.is_ascii_alphanumeric() || c == '_';
    let mut out: Vec<String> = Vec::new();
    // Inside a NEAR group, where `,` separates the phrases from the distance.
    let mut near = false;
    let mut rest = query;
    while !rest.is_empty() {
        let rest_trimmed = rest.trim_start();
        if rest_trimmed.is_empty() {
            break;
        }
        // A phrase in quotes is the user's FTS5 text: kept whole, up to its closing quote
        // (or the end, where FTS5 will say it is not closed).
        if let Some(phrase) = rest_trimmed.strip_prefix('"') {
            let end = phrase.find('"').map_or(phrase.len(), |i| i + 1);
            let (taken, after) = phrase.split_at(end);
            // The phrase may run on into a suffix such as `*` or `:`.
            let tail = after.find(char::is_whitespace).unwrap_or(after.len());
            near &= !after[..tail].contains(')');
            out.push(format!("\"{taken}{}", &after[..tail]));
            rest = &after[tail..];
            continue;
        }
        let end = rest_trimmed
            .find(|c: char| c.is_whitespace() || c == '"')
            .unwrap_or(rest_trimmed.len());
        let (word, after) = rest_trimmed.split_at(end);
        near |= word.starts_with("NEAR(")
            || (word.starts_with('(') && out.last().is_some_and(|w| w == "NEAR"));
        let syntax = |c: char| SYNTAX.contains(&c) || (near && c == ',');
        // A word of word characters and FTS5 syntax is the user's query; one with any other
        // character (`'`, `;`, `-`, `&`) FTS5 would refuse, so it is searched as a phrase.
        if word.chars().all(|c| bare(c) || syntax(c)) {
            out.push(word.to_string());
        } else {
            out.push(format!("\"{word}\""));
        }
        near &= !word.contains(')');
        rest = after;
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn search() -> Search {
        Search {
            query: Some("chips".into()),
            speaker: vec!["Farley".into()],
            target: vec!["Ford".into(), "GM".into()],
            sentiment: Some("negative".into()),
            since: Some("2024-01-01".into()),
            limit: 10,
            ..Search::default()
        }
    }

    #[test]
    fn both_dialects_say_the_same_conditions_in_their_own_words() {
        let s = search();
        let lite = Filter::new(&s, Dialect::Sqlite, true);
        let org = (0..4)
            .map(|_| "c.speaker_org LIKE ? ESCAPE '\\'")
            .collect::<Vec<_>>()
            .join(" OR ");
        assert_eq!(
            lite.clauses(&s),
            format!(
                "FROM claims_fts JOIN claims c ON c.rowid = claims_fts.rowid WHERE \
                 claims_fts MATCH ? AND (c.speaker COLLATE NOCASE IN (?) OR (c.speaker LIKE ? \
                 ESCAPE '\\') OR ({org})) AND c.target COLLATE NOCASE IN (?, ?) AND \
                 c.sentiment = ? AND substr(c.published, 1, 10) >= ?"
            )
        );
        assert_eq!(lite.params.len(), 11);
        let pg = Filter::new(&s, Dialect::Postgres, true);
        assert_eq!(
            pg.clauses(&s),
            "FROM claims c, websearch_to_tsquery('english', $1) q WHERE c.fts @@ q AND \
             (lower(c.speaker) = ANY($2) OR lower(c.speaker) LIKE ANY($3) OR \
             lower(c.speaker_org) LIKE ANY($4)) AND lower(c.target) = ANY($5) AND \
             c.sentiment = $6 AND left(c.published, 10) >= $7"
        );
        assert_eq!(pg.params[4], Param::Texts(vec!["ford".into(), "gm".into()]));
        assert_eq!(
            pg.params[3],
            Param::Texts(vec![
                "farley".into(),
                "farley %".into(),
                "% farley".into(),
                "% farley %".into()
            ])
        );
        assert_eq!(pg.params.len(), 7);
    }

    #[test]
    fn the_speakers_organisation_is_null_in_an_index_made_before_it() {
        let s = Search {
            speaker_org: vec!["Boeing".into()],
            ..Search::default()
        };
        let old = Filter::new(&s, Dialect::Postgres, false);
        assert_eq!(
            old.clauses(&s),
            "FROM claims c WHERE lower(NULL::text) LIKE ANY($1)"
        );
        assert_eq!(old.column("speaker_org"), "NULL::text");
        let new = Filter::new(&s, Dialect::Sqlite, true);
        assert!(new.clauses(&s).contains("c.speaker_org LIKE ?"));
        assert_eq!(new.column("speaker"), "c.speaker");
    }

    #[test]
    fn no_filter_is_every_claim() {
        let s = Search::default();
        for dialect in [Dialect::Sqlite, Dialect::Postgres] {
            assert_eq!(Filter::new(&s, dialect, true).clauses(&s), "FROM claims c");
        }
    }
}
