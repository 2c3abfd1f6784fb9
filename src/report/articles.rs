//! The report's embedded data: per article its text, entities, claims and companies, with
//! `--gold` the false positives flagged and the missed gold items listed (entities by exact
//! span, claims one-to-one by overlap, as `eval corpus` matches them).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::eval::gold::GoldRecord;
use crate::eval::metrics::match_by_overlap;
use crate::record::Record;

/// Values of a filter, most frequent first.
fn by_frequency(counts: BTreeMap<String, usize>) -> Vec<String> {
    let mut list: Vec<(String, usize)> = counts.into_iter().collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    list.into_iter().map(|(name, _)| name).collect()
}

/// `{articles: [...], companies: [...], speakers: [...]}`.
pub(super) fn data(
    records: &[Record],
    gold: Option<&BTreeMap<&str, &GoldRecord>>,
    texts: &BTreeMap<String, String>,
) -> Value {
    let mut companies: BTreeMap<String, usize> = BTreeMap::new();
    let mut speakers: BTreeMap<String, usize> = BTreeMap::new();
    let articles: Vec<Value> = (records.iter())
        .map(|r| {
            for c in &r.companies {
                *companies.entry(c.name.clone()).or_default() += 1;
            }
            for s in r.claims.iter().filter_map(|c| c.speaker.as_ref()) {
                *speakers.entry(s.name.clone()).or_default() += 1;
            }
            let g = gold.and_then(|g| g.get(r.id.as_str()).copied());
            article(r, g, texts)
        })
        .collect();
    json!({
        "articles": articles,
        "companies": by_frequency(companies),
        "speakers": by_frequency(speakers),
        "gold": gold.is_some(),
    })
}

fn article(r: &Record, gold: Option<&GoldRecord>, texts: &BTreeMap<String, String>) -> Value {
    let text = r.text.clone().or_else(|| texts.get(&r.id).cloned());
    let gold_entities = gold.and_then(|g| g.entities.as_ref());
    let gold_spans: Vec<(usize, usize)> = (gold_entities.iter().copied().flatten())
        .map(|e| (e.start, e.end))
        .collect();
    let ents: Vec<Value> = (r.entities.iter())
        .map(|e| {
            let fp = gold_entities.is_some() && !gold_spans.contains(&(e.start, e.end));
            json!([e.start, e.end, e.label.as_str(), e.company, u8::from(fp)])
        })
        .collect();
    let predicted_spans: Vec<(usize, usize)> =
        r.entities.iter().map(|e| (e.start, e.end)).collect();
    let miss_ents: Vec<Value> = (gold_entities.iter().copied().flatten())
        .filter(|e| !predicted_spans.contains(&(e.start, e.end)))
        .map(|e| json!([e.start, e.end, e.label.map(|l| l.as_str())]))
        .collect();
    let gold_claims = gold.and_then(|g| g.claims.as_ref());
    let p_quotes: Vec<(usize, usize)> = (r.claims.iter())
        .map(|c| (c.quote.start, c.quote.end))
        .collect();
    let g_quotes: Vec<(usize, usize)> = (gold_claims.iter().copied().flatten())
        .map(|c| c.quote.pair())
        .collect();
    let matched = match_by_overlap(&p_quotes, &g_quotes);
    let claims: Vec<Value> = (r.claims.iter().enumerate())
        .map(|(i, c)| {
            let fp = gold_claims.is_some() && !matched.iter().any(|&(p, _)| p == i);
            json!({
                "id": c.id,
                "s": c.quote.start,
                "e": c.quote.end,
                "kind": c.kind,
                "speaker": c.speaker.as_ref().map(|s| &s.name),
                "title": c.speaker.as_ref().and_then(|s| s.title.as_ref()).map(|t| &t.text),
                "org": (c.speaker.as_ref().and_then(|s| s.affiliation.as_ref()))
                    .map(|a| &a.name)
                    .filter(|org| c.speaker.as_ref().is_none_or(|s| &s.name != *org)),
                "target": c.target.as_ref().map(|t| &t.name),
                "source": c.source.as_ref().map(|s| &s.name),
                "cue": c.cue.as_ref().map(|c| &c.text),
                "sent": c.sentiment.as_ref().map(|s| s.label.as_str()),
                "fp": u8::from(fp),
            })
        })
        .collect();
    let miss_claims: Vec<Value> = (gold_claims.iter().copied().flatten())
        .enumerate()
        .filter(|(j, _)| !matched.iter().any(|&(_, g)| g == *j))
        .map(|(_, c)| {
            let speaker = c.speaker.as_ref().and_then(|s| s.as_ref()).map(|s| &s.name);
            json!([c.quote.start, c.quote.end, speaker])
        })
        .collect();
    let companies: Vec<Value> = (r.companies.iter())
        .map(|c| {
            json!([
                c.name,
                c.sentiment.as_ref().map(|s| s.label.as_str()),
                c.mentions
            ])
        })
        .collect();
    json!({
        "id": r.id,
        "title": r.title,
        "text": text,
        "ents": ents,
        "missEnts": miss_ents,
        "claims": claims,
        "missClaims": miss_claims,
        "companies": companies,
        "inGold": gold.is_some(),
    })
}
