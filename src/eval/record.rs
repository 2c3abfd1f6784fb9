//! `claimlink eval record --gold FILE.json`: scores the pipeline's record for one article
//! against a hand-made gold record like `shared/seed/*.gold.json`:
//! `{id, text, entities: [{text, label, start, end, canonical?}], claims: [{quote, speaker,
//! target, cue, source, sentiment}]}` where speaker/target/source are
//! `{canonical, mentions: [...]}` and sentiment a label.
//!
//! Entities are scored by exact span (labels differ between schemes, so they are not
//! compared) and by company; claims by quote (exact and overlap), then on matched quotes
//! speaker, target and source by canonical name, cue by exact span, sentiment by label.

use std::path::Path;

use serde::Deserialize;

use crate::doc::Article;
use crate::error::{Error, Result};
use crate::eval::metrics::Counts;
use crate::pipeline::Pipeline;
use crate::record::Record;

#[derive(Debug, Deserialize)]
struct GoldSpan {
    start: usize,
    end: usize,
}

#[derive(Debug, Deserialize)]
struct GoldEntity {
    start: usize,
    end: usize,
    canonical: Option<String>,
}

#[derive(Debug, Deserialize)]
struct GoldNamed {
    canonical: String,
}

#[derive(Debug, Deserialize)]
struct GoldClaim {
    quote: GoldSpan,
    speaker: Option<GoldNamed>,
    target: Option<GoldNamed>,
    source: Option<GoldNamed>,
    cue: Option<GoldSpan>,
    sentiment: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Gold {
    id: String,
    text: String,
    #[serde(default)]
    entities: Vec<GoldEntity>,
    #[serde(default)]
    claims: Vec<GoldClaim>,
}

/// Right answers out of the matched claims, per field.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Agreement {
    pub right: usize,
    pub of: usize,
}

#[derive(Debug, Default)]
pub struct RecordEval {
    pub entity_spans: Counts,
    pub entity_companies: Counts,
    pub quotes_exact: Counts,
    pub quotes_overlap: Counts,
    pub speaker: Agreement,
    pub target: Agreement,
    pub source: Agreement,
    pub cue: Agreement,
    pub sentiment: Agreement,
}

fn counts<T: PartialEq>(gold: &[T], predicted: &[T]) -> Counts {
    let tp = predicted.iter().filter(|p| gold.contains(p)).count();
    Counts {
        tp,
        fp: predicted.len() - tp,
        fn_: gold.len() - gold.iter().filter(|g| predicted.contains(g)).count(),
    }
}

fn agree(a: &mut Agreement, right: bool) {
    a.of += 1;
    a.right += usize::from(right);
}

pub fn eval_record(pipeline: &Pipeline, gold_path: &Path) -> Result<RecordEval> {
    let text = std::fs::read_to_string(gold_path).map_err(|e| Error::io(gold_path, e))?;
    let gold: Gold = serde_json::from_str(&text).map_err(|e| Error::Data {
        path: gold_path.to_path_buf(),
        line: e.line(),
        message: format!("not a gold record: {e}"),
    })?;
    let article = Article::new(gold.id.clone(), gold.text.clone());
    let record: Record = pipeline
        .annotate(std::slice::from_ref(&article))?
        .pop()
        .ok_or_else(|| Error::Invalid("the pipeline returned no record".into()))?
        .map_err(Error::Invalid)?
        .record;
    Ok(score(&gold, &record))
}

fn score(gold: &Gold, record: &Record) -> RecordEval {
    let mut eval = RecordEval {
        entity_spans: counts(
            &gold
                .entities
                .iter()
                .map(|e| (e.start, e.end))
                .collect::<Vec<_>>(),
            &record
                .entities
                .iter()
                .map(|e| (e.start, e.end))
                .collect::<Vec<_>>(),
        ),
        ..RecordEval::default()
    };
    let gold_companies: Vec<(usize, usize, &str)> = (gold.entities.iter())
        .filter_map(|e| Some((e.start, e.end, e.canonical.as_deref()?)))
        .collect();
    let predicted_companies: Vec<(usize, usize, &str)> = (record.entities.iter())
        .filter_map(|e| Some((e.start, e.end, e.company.as_deref()?)))
        .collect();
    eval.entity_companies = counts(&gold_companies, &predicted_companies);
    let gold_quotes: Vec<(usize, usize)> = gold
        .claims
        .iter()
        .map(|c| (c.quote.start, c.quote.end))
        .collect();
    let predicted_quotes: Vec<(usize, usize)> = record
        .claims
        .iter()
        .map(|c| (c.quote.start, c.quote.end))
        .collect();
    eval.quotes_exact = counts(&gold_quotes, &predicted_quotes);
    let overlaps = |a: (usize, usize), b: (usize, usize)| a.0 < b.1 && b.0 < a.1;
    let mut used = vec![false; record.claims.len()];
    for g in &gold.claims {
        let found = (0..record.claims.len())
            .find(|&i| !used[i] && overlaps((g.quote.start, g.quote.end), predicted_quotes[i]));
        let Some(i) = found else {
            eval.quotes_overlap.fn_ += 1;
            continue;
        };
        used[i] = true;
        eval.quotes_overlap.tp += 1;
        let p = &record.claims[i];
        let name = |n: &Option<crate::record::Named>| n.as_ref().map(|n| n.name.clone());
        let canonical = |n: &Option<GoldNamed>| n.as_ref().map(|n| n.canonical.clone());
        agree(
            &mut eval.speaker,
            p.speaker.as_ref().map(|s| s.name.clone()) == canonical(&g.speaker),
        );
        agree(&mut eval.target, name(&p.target) == canonical(&g.target));
        agree(&mut eval.source, name(&p.source) == canonical(&g.source));
        let cue = p.cue.as_ref().map(|c| (c.start, c.end));
        agree(
            &mut eval.cue,
            cue == g.cue.as_ref().map(|c| (c.start, c.end)),
        );
        let label = p.sentiment.as_ref().map(|s| s.label.as_str().to_string());
        agree(&mut eval.sentiment, label == g.sentiment);
    }
    eval.quotes_overlap.fp = used.iter().filter(|u| !**u).count();
    eval
}

impl RecordEval {
    /// What `claimlink eval record` prints for the gold file `gold`: a heading line, then
    /// the table.
    pub fn report(&self, gold: &Path) -> String {
        format!("eval record: {}\n{}", gold.display(), self.table())
    }

    pub fn table(&self) -> String {
        let row = |name: &str, c: &Counts| c.row(name, 22);
        let mut out = Counts::header("", 22);
        out += &row("entity spans", &self.entity_spans);
        out += &row("entity companies", &self.entity_companies);
        out += &row("claim quotes (exact)", &self.quotes_exact);
        out += &row("claim quotes (overlap)", &self.quotes_overlap);
        out += "on matched quotes:\n";
        for (name, a) in [
            ("speaker", self.speaker),
            ("target", self.target),
            ("source", self.source),
            ("cue", self.cue),
            ("sentiment", self.sentiment),
        ] {
            out += &format!("  {name:<20} {}/{}\n", a.right, a.of);
        }
        out
    }
}
