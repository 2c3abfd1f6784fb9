//! The flat tables of `claimlink export --format csv|parquet`: one row per claim, entity,
//! company (per article) or article, each row starting with the article's metadata so a
//! table stands alone in a dataframe.
//!
//! Reads a `Record` through `index::Rows` (offsets converted there, scores kept at three
//! decimals); nested values are written as JSON text (`tickers`, `meta`) so every column
//! is a string, an integer or a float.

use crate::index::rows::{ArticleRow, ClaimRow, EntityRow, MentionRow};
use crate::index::{IndexError, Rows, Unit};
use crate::record::{Claim, Company, Entity, Record, Sentiment};

/// Which rows a table has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Table {
    /// One row per claim.
    Claims,
    /// One row per entity mention.
    Entities,
    /// One row per company an article mentions.
    Companies,
    /// One row per article.
    Articles,
}

/// A column's type: nullable UTF-8 text, 64-bit integer or double.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// UTF-8 text.
    Str,
    /// A 64-bit integer.
    Int,
    /// A double.
    Float,
}

/// One cell; `Null` for a missing value of any kind.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// A missing value.
    Null,
    /// Text.
    Str(String),
    /// An integer.
    Int(i64),
    /// A double.
    Float(f64),
}

impl Cell {
    /// Whether the cell can sit in a column of `kind`.
    pub(crate) fn fits(&self, kind: Kind) -> bool {
        matches!(
            (self, kind),
            (Cell::Null, _)
                | (Cell::Str(_), Kind::Str)
                | (Cell::Int(_), Kind::Int)
                | (Cell::Float(_), Kind::Float)
        )
    }
}

impl From<Option<String>> for Cell {
    fn from(v: Option<String>) -> Self {
        v.map_or(Cell::Null, Cell::Str)
    }
}

impl From<String> for Cell {
    fn from(v: String) -> Self {
        Cell::Str(v)
    }
}

impl From<&str> for Cell {
    fn from(v: &str) -> Self {
        Cell::Str(v.to_string())
    }
}

impl From<i64> for Cell {
    fn from(v: i64) -> Self {
        Cell::Int(v)
    }
}

impl From<Option<i64>> for Cell {
    fn from(v: Option<i64>) -> Self {
        v.map_or(Cell::Null, Cell::Int)
    }
}

impl From<Option<f64>> for Cell {
    fn from(v: Option<f64>) -> Self {
        v.map_or(Cell::Null, Cell::Float)
    }
}

/// A count as a column value.
fn count(n: usize) -> Cell {
    Cell::Int(i64::try_from(n).unwrap_or(i64::MAX))
}

type Columns = &'static [(&'static str, Kind)];

/// The article metadata every table starts with.
const ARTICLE: Columns = &[
    ("article_id", Kind::Str),
    ("article_title", Kind::Str),
    ("article_url", Kind::Str),
    ("article_published", Kind::Str),
    ("article_source", Kind::Str),
];

const CLAIMS: Columns = &[
    ("claim_id", Kind::Str),
    ("kind", Kind::Str),
    ("quote", Kind::Str),
    ("quote_start", Kind::Int),
    ("quote_end", Kind::Int),
    ("sentence", Kind::Str),
    ("sentence_start", Kind::Int),
    ("sentence_end", Kind::Int),
    ("speaker", Kind::Str),
    ("speaker_mention", Kind::Str),
    ("speaker_title", Kind::Str),
    ("speaker_affiliation", Kind::Str),
    ("speaker_company", Kind::Str),
    ("cue", Kind::Str),
    ("target", Kind::Str),
    ("source", Kind::Str),
    ("sentiment", Kind::Str),
    ("sentiment_score", Kind::Float),
    ("sentiment_toward", Kind::Str),
];

const ENTITIES: Columns = &[
    ("start", Kind::Int),
    ("end", Kind::Int),
    ("text", Kind::Str),
    ("label", Kind::Str),
    ("score", Kind::Float),
    ("company", Kind::Str),
    ("sentiment", Kind::Str),
    ("sentiment_score", Kind::Float),
];

const COMPANIES: Columns = &[
    ("company_id", Kind::Str),
    ("company", Kind::Str),
    ("kind", Kind::Str),
    ("tickers", Kind::Str),
    ("mentions", Kind::Int),
    ("sentiment", Kind::Str),
    ("sentiment_score", Kind::Float),
    ("sentiment_negative", Kind::Int),
    ("sentiment_neutral", Kind::Int),
    ("sentiment_positive", Kind::Int),
];

const ARTICLES: Columns = &[
    ("models", Kind::Str),
    ("meta", Kind::Str),
    ("text", Kind::Str),
    ("entity_count", Kind::Int),
    ("claim_count", Kind::Int),
    ("company_count", Kind::Int),
];

impl Table {
    /// Name and kind of each column, the article's first.
    pub fn columns(self) -> Vec<(&'static str, Kind)> {
        let own = match self {
            Table::Claims => CLAIMS,
            Table::Entities => ENTITIES,
            Table::Companies => COMPANIES,
            Table::Articles => ARTICLES,
        };
        ARTICLE.iter().chain(own).copied().collect()
    }

    /// The table's rows for one record, cells in [`Table::columns`] order.
    pub fn rows(self, record: &Record, unit: Unit) -> Result<Vec<Vec<Cell>>, IndexError> {
        let rows = Rows::from_record(record, unit)?;
        let a = &rows.article;
        let with_article = |own: Vec<Cell>| {
            let mut row = article_cells(a);
            row.extend(own);
            row
        };
        Ok(match self {
            Table::Claims => (rows.claims.iter().zip(&record.claims))
                .map(|(c, claim)| with_article(claim_cells(c, claim)))
                .collect(),
            Table::Entities => (rows.entities.iter().zip(&record.entities))
                .map(|(e, entity)| with_article(entity_cells(e, entity)))
                .collect(),
            Table::Companies => (rows.mentions.iter().zip(&record.companies))
                .map(|(m, company)| with_article(company_cells(m, company)))
                .collect(),
            Table::Articles => vec![with_article(vec![
                a.models.clone().into(),
                a.meta.clone().into(),
                a.text.clone().into(),
                count(record.entities.len()),
                count(record.claims.len()),
                count(record.companies.len()),
            ])],
        })
    }
}

/// The article metadata every row starts with.
fn article_cells(a: &ArticleRow) -> Vec<Cell> {
    vec![
        a.id.clone().into(),
        a.title.clone().into(),
        a.url.clone().into(),
        a.published.clone().into(),
        a.source.clone().into(),
    ]
}

/// A claim's own cells: the index row's, and from the record what the index does not keep
/// (speaker title and affiliation, what the sentiment is toward).
fn claim_cells(c: &ClaimRow, claim: &Claim) -> Vec<Cell> {
    let speaker = claim.speaker.as_ref();
    let affiliation = speaker.and_then(|s| s.affiliation.as_ref());
    vec![
        c.id.clone().into(),
        c.kind.into(),
        c.quote.clone().into(),
        c.quote_start.into(),
        c.quote_end.into(),
        c.sentence.clone().into(),
        c.sentence_start.into(),
        c.sentence_end.into(),
        c.speaker.clone().into(),
        c.speaker_mention.clone().into(),
        speaker
            .and_then(|s| s.title.as_ref())
            .map(|t| t.text.clone())
            .into(),
        affiliation.map(|a| a.name.clone()).into(),
        affiliation.and_then(|a| a.company.clone()).into(),
        c.cue.clone().into(),
        c.target.clone().into(),
        c.source.clone().into(),
        c.sentiment.clone().into(),
        c.sentiment_score.into(),
        toward(claim.sentiment.as_ref()).into(),
    ]
}

/// An entity mention's own cells, with its sentiment when the record has one.
fn entity_cells(e: &EntityRow, entity: &Entity) -> Vec<Cell> {
    vec![
        e.start.into(),
        e.end.into(),
        e.text.clone().into(),
        e.label.clone().into(),
        e.score.into(),
        e.company.clone().into(),
        label(entity.sentiment.as_ref()).into(),
        score(entity.sentiment.as_ref()).into(),
    ]
}

/// A company's own cells: its knowledge-base facts, mentions, sentiment and claim counts
/// per label (null when the record has no counts).
fn company_cells(m: &MentionRow, company: &Company) -> Vec<Cell> {
    let counts = company.sentiment_counts;
    let tally = |f: fn(&crate::labels::LabelCounts) -> usize| {
        counts.as_ref().map_or(Cell::Null, |c| count(f(c)))
    };
    vec![
        m.company_id.clone().into(),
        m.company.clone().into(),
        m.kind.clone().into(),
        serde_json::Value::from(m.tickers.clone())
            .to_string()
            .into(),
        m.mentions.into(),
        m.sentiment.clone().into(),
        m.sentiment_score.into(),
        tally(|c| c.negative),
        tally(|c| c.neutral),
        tally(|c| c.positive),
    ]
}

fn label(s: Option<&Sentiment>) -> Option<String> {
    s.map(|s| s.label.as_str().to_string())
}

/// A sentiment score at the three decimals the record has (see `index::rows`).
fn score(s: Option<&Sentiment>) -> Option<f64> {
    s.map(|s| (f64::from(s.score) * 1000.0).round() / 1000.0)
}

/// What a claim's sentiment was judged toward, as the record spells it.
fn toward(s: Option<&Sentiment>) -> Option<String> {
    let toward = s.and_then(|s| s.toward.as_ref())?;
    match serde_json::to_value(toward) {
        Ok(serde_json::Value::String(name)) => Some(name),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> Record {
        let line = serde_json::json!({
            "id": "a", "schema": "claimlink/1", "title": "T", "source": "Wire",
            "meta": {"desk": "tech"},
            "entities": [
                {"text": "Acme", "label": "ORG", "start": 2, "end": 6, "score": 0.722,
                 "company": "Acme", "sentiment": {"label": "negative", "score": 0.6}},
                {"text": "Bo", "label": "PER", "start": 8, "end": 10, "score": null,
                 "company": null, "sentiment": null}],
            "claims": [{"id": "0123456789abcdef", "kind": "direct",
                        "quote": {"text": "up", "start": 13, "end": 15},
                        "speaker": {"name": "Bo Li", "mention": {"text": "Bo", "start": 8, "end": 10},
                                    "title": {"text": "CEO", "start": 11, "end": 14},
                                    "affiliation": {"name": "Acme", "company": "Acme"}},
                        "cue": null, "source": null, "target": {"name": "Acme"},
                        "sentiment": {"label": "positive", "score": 0.722, "toward": "target"},
                        "sentence": null}],
            "companies": [{"id": "acme", "name": "Acme", "kind": "company",
                           "tickers": ["ACM", "AC\"M"], "mentions": 1,
                           "sentiment": {"label": "neutral", "score": 0.5},
                           "sentiment_counts": {"negative": 1, "neutral": 2, "positive": 0}}]
        });
        serde_json::from_value(line).expect("a record")
    }

    fn column(table: Table, name: &str) -> usize {
        (table.columns().iter())
            .position(|(n, _)| *n == name)
            .expect("a column")
    }

    #[test]
    fn every_cell_fits_its_column_and_rows_are_as_long_as_the_header() {
        for table in [
            Table::Claims,
            Table::Entities,
            Table::Companies,
            Table::Articles,
        ] {
            let columns = table.columns();
            let rows = table.rows(&record(), Unit::Codepoint).expect("rows");
            assert!(!rows.is_empty(), "{table:?}");
            for row in rows {
                assert_eq!(row.len(), columns.len(), "{table:?}");
                for (cell, (name, kind)) in row.iter().zip(&columns) {
                    assert!(cell.fits(*kind), "{table:?}.{name}: {cell:?}");
                }
            }
        }
    }

    #[test]
    fn rows_carry_the_article_and_flatten_nested_values() {
        let r = record();
        let claims = Table::Claims.rows(&r, Unit::Codepoint).expect("rows");
        let c = &claims[0];
        assert_eq!(c[column(Table::Claims, "article_title")], "T".into());
        assert_eq!(c[column(Table::Claims, "speaker_title")], "CEO".into());
        assert_eq!(c[column(Table::Claims, "speaker_company")], "Acme".into());
        // No source of its own: the article's, as the index has it.
        assert_eq!(c[column(Table::Claims, "source")], "Wire".into());
        assert_eq!(
            c[column(Table::Claims, "sentiment_toward")],
            "target".into()
        );
        assert_eq!(
            c[column(Table::Claims, "sentiment_score")],
            Cell::Float(0.722)
        );

        let entities = Table::Entities.rows(&r, Unit::Codepoint).expect("rows");
        assert_eq!(entities.len(), 2);
        assert_eq!(entities[1][column(Table::Entities, "score")], Cell::Null);
        assert_eq!(
            entities[0][column(Table::Entities, "sentiment")],
            "negative".into()
        );

        let companies = Table::Companies.rows(&r, Unit::Codepoint).expect("rows");
        let tickers = &companies[0][column(Table::Companies, "tickers")];
        let Cell::Str(tickers) = tickers else {
            panic!("tickers are text: {tickers:?}")
        };
        let back: Vec<String> = serde_json::from_str(tickers).expect("JSON array");
        assert_eq!(back, ["ACM", "AC\"M"]);
        assert_eq!(
            companies[0][column(Table::Companies, "sentiment_neutral")],
            Cell::Int(2)
        );

        let articles = Table::Articles.rows(&r, Unit::Codepoint).expect("rows");
        assert_eq!(articles.len(), 1);
        assert_eq!(
            articles[0][column(Table::Articles, "meta")],
            r#"{"desk":"tech"}"#.into()
        );
        assert_eq!(
            articles[0][column(Table::Articles, "entity_count")],
            Cell::Int(2)
        );
    }
}
