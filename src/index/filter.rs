//! The FROM and WHERE clauses of a search, for either back end: one builder over a
//! [`Search`], and a [`Dialect`] for what SQLite and PostgreSQL spell differently
//! (placeholders, the full-text match, case-insensitive names, a date's first ten
//! characters). Built from fixed SQL fragments only; every value the user gave is a bound
//! parameter.

use crate::index::query::Search;
use crate::index::sqlite::literal_words;
use crate::index::surname_pattern;

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
    sql: Vec<String>,
    pub(crate) params: Vec<Param>,
}

impl Filter {
    pub(crate) fn new(search: &Search, dialect: Dialect) -> Filter {
        let mut f = Filter {
            dialect,
            sql: Vec::new(),
            params: Vec::new(),
        };
        if let Some(q) = &search.query {
            f.full_text(q);
        }
        for (column, names) in [
            ("c.speaker", &search.speaker),
            ("c.target", &search.target),
            ("c.source", &search.source),
        ] {
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

    /// `column` is any of `names`, ignoring case; for the speaker, also a full name ending
    /// in the first one (a person goes by their full name: "Farley" finds "Jim Farley").
    fn names(&mut self, column: &str, names: &[String]) {
        let mark = self.mark();
        let mut clause = match self.dialect {
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
        };
        if let (true, Some(first)) = (column == "c.speaker", names.first()) {
            let mark = self.mark();
            let pattern = surname_pattern(first);
            clause = match self.dialect {
                Dialect::Sqlite => {
                    self.params.push(Param::Text(pattern));
                    format!("({clause} OR {column} LIKE {mark} ESCAPE '\\')")
                }
                Dialect::Postgres => {
                    self.params.push(Param::Text(pattern.to_lowercase()));
                    format!("({clause} OR lower({column}) LIKE {mark})")
                }
            };
        }
        self.sql.push(clause);
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
        let lite = Filter::new(&s, Dialect::Sqlite);
        assert_eq!(
            lite.clauses(&s),
            "FROM claims_fts JOIN claims c ON c.rowid = claims_fts.rowid WHERE \
             claims_fts MATCH ? AND (c.speaker COLLATE NOCASE IN (?) OR c.speaker LIKE ? \
             ESCAPE '\\') AND c.target COLLATE NOCASE IN (?, ?) AND c.sentiment = ? AND \
             substr(c.published, 1, 10) >= ?"
        );
        assert_eq!(lite.params.len(), 7);
        let pg = Filter::new(&s, Dialect::Postgres);
        assert_eq!(
            pg.clauses(&s),
            "FROM claims c, websearch_to_tsquery('english', $1) q WHERE c.fts @@ q AND \
             (lower(c.speaker) = ANY($2) OR lower(c.speaker) LIKE $3) AND \
             lower(c.target) = ANY($4) AND c.sentiment = $5 AND left(c.published, 10) >= $6"
        );
        assert_eq!(pg.params[3], Param::Texts(vec!["ford".into(), "gm".into()]));
        assert_eq!(pg.params.len(), 6);
    }

    #[test]
    fn no_filter_is_every_claim() {
        let s = Search::default();
        for dialect in [Dialect::Sqlite, Dialect::Postgres] {
            assert_eq!(Filter::new(&s, dialect).clauses(&s), "FROM claims c");
        }
    }
}
