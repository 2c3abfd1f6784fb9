//! The report's corpus overview, rendered as static HTML and inline SVG: counts, top
//! speakers and targets, the speaker → target matrix, per-company sentiment, and with
//! `--gold` the `eval corpus` scores.

use std::collections::BTreeMap;

use super::escape;
use crate::eval::corpus::{score_corpus, FIELDS};
use crate::eval::gold::GoldRecord;
use crate::record::Record;

/// Rows of the top lists and of the matrix.
const TOP: usize = 10;
/// Companies in the sentiment chart.
const CHART_COMPANIES: usize = 15;

fn top(counts: &BTreeMap<String, usize>, n: usize) -> Vec<(String, usize)> {
    let mut list: Vec<(String, usize)> = counts.iter().map(|(k, v)| (k.clone(), *v)).collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    list.truncate(n);
    list
}

/// Per speaker, how often each role ("spokesperson, Boeing") is given to them.
type Roles = BTreeMap<String, BTreeMap<String, usize>>;

/// A claim's speaker's title and organisation, as "title, organisation" (the organisation
/// left out when it is the speaker itself); `None` when it has neither.
fn role(c: &crate::record::Claim) -> Option<String> {
    let s = c.speaker.as_ref()?;
    let title = s.title.as_ref().map(|t| t.text.as_str());
    let org = (s.affiliation.as_ref().map(|a| a.name.as_str())).filter(|o| *o != s.name);
    let parts: Vec<&str> = [title, org].into_iter().flatten().collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// The role most often given to `name` (the first in order among equals).
fn usual_role<'a>(roles: &'a Roles, name: &str) -> Option<&'a str> {
    let counts = roles.get(name)?;
    let best = counts.values().max()?;
    counts
        .iter()
        .find(|(_, n)| *n == best)
        .map(|(r, _)| r.as_str())
}

/// A top list; with `roles`, each name followed by its usual title and organisation.
fn top_table(title: &str, rows: &[(String, usize)], roles: Option<&Roles>) -> String {
    let mut out = format!(
        "<table class=\"top\"><caption>{}</caption><tr><th>name</th><th>claims</th></tr>",
        escape(title)
    );
    for (name, n) in rows {
        let role = (roles.and_then(|r| usual_role(r, name)))
            .map(|r| format!(" <span class=\"role\">({})</span>", escape(r)))
            .unwrap_or_default();
        out += &format!("<tr><td>{}{role}</td><td>{n}</td></tr>", escape(name));
    }
    out + "</table>"
}

/// The overview `<section>`.
pub(crate) fn render(records: &[Record], errors: usize, gold: Option<&[GoldRecord]>) -> String {
    let mut speakers: BTreeMap<String, usize> = BTreeMap::new();
    let mut roles = Roles::new();
    let mut targets: BTreeMap<String, usize> = BTreeMap::new();
    let mut pairs: BTreeMap<(String, String), usize> = BTreeMap::new();
    // Per company: articles whose overall sentiment toward it is negative, neutral, positive.
    let mut sentiment: BTreeMap<String, [usize; 3]> = BTreeMap::new();
    let (mut claims, mut entities) = (0, 0);
    for r in records {
        claims += r.claims.len();
        entities += r.entities.len();
        for c in &r.claims {
            let speaker = c.speaker.as_ref().map(|s| s.name.clone());
            let target = c.target.as_ref().map(|t| t.name.clone());
            if let Some(s) = &speaker {
                *speakers.entry(s.clone()).or_default() += 1;
                if let Some(r) = role(c) {
                    *roles.entry(s.clone()).or_default().entry(r).or_default() += 1;
                }
            }
            if let Some(t) = &target {
                *targets.entry(t.clone()).or_default() += 1;
            }
            if let (Some(s), Some(t)) = (speaker, target) {
                *pairs.entry((s, t)).or_default() += 1;
            }
        }
        for c in &r.companies {
            if let Some(s) = &c.sentiment {
                sentiment.entry(c.name.clone()).or_default()[s.label as usize] += 1;
            }
        }
    }
    let mut out = String::from("<section id=\"overview\"><h2>Overview</h2>\n");
    out += &format!(
        "<p class=\"stats\"><b id=\"n-articles\">{}</b> articles, <b id=\"n-claims\">{claims}</b> claims, \
         <b>{entities}</b> entities, <b>{}</b> companies, {errors} error lines in the input</p>\n",
        records.len(),
        count_companies(records),
    );
    let (top_speakers, top_targets) = (top(&speakers, TOP), top(&targets, TOP));
    out += "<div class=\"row\">";
    out += &top_table("top speakers", &top_speakers, Some(&roles));
    out += &top_table("top targets", &top_targets, None);
    out += "</div>\n";
    out += &matrix(&top_speakers, &top_targets, &pairs);
    out += &chart(&sentiment);
    if let Some(gold) = gold {
        out += &scores(records, gold);
    }
    out + "</section>\n"
}

fn count_companies(records: &[Record]) -> usize {
    let names: std::collections::BTreeSet<&str> = records
        .iter()
        .flat_map(|r| r.companies.iter().map(|c| c.name.as_str()))
        .collect();
    names.len()
}

fn matrix(
    speakers: &[(String, usize)],
    targets: &[(String, usize)],
    pairs: &BTreeMap<(String, String), usize>,
) -> String {
    if speakers.is_empty() || targets.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "<table class=\"matrix\"><caption>claims by speaker (rows) about target (columns)</caption><tr><th></th>",
    );
    for (t, _) in targets {
        out += &format!("<th>{}</th>", escape(t));
    }
    out += "</tr>";
    for (s, _) in speakers {
        out += &format!("<tr><th>{}</th>", escape(s));
        for (t, _) in targets {
            match pairs.get(&(s.clone(), t.clone())) {
                Some(n) => out += &format!("<td class=\"hit\">{n}</td>"),
                None => out += "<td></td>",
            }
        }
        out += "</tr>";
    }
    out + "</table>\n"
}

/// Stacked horizontal bars: articles negative, neutral and positive toward each company.
fn chart(sentiment: &BTreeMap<String, [usize; 3]>) -> String {
    let mut rows: Vec<(&String, &[usize; 3])> = sentiment.iter().collect();
    rows.sort_by(|a, b| {
        let total = |c: &[usize; 3]| c.iter().sum::<usize>();
        total(b.1).cmp(&total(a.1)).then(a.0.cmp(b.0))
    });
    rows.truncate(CHART_COMPANIES);
    if rows.is_empty() {
        return String::new();
    }
    let max = rows
        .iter()
        .map(|(_, c)| c.iter().sum::<usize>())
        .max()
        .unwrap_or(1)
        .max(1);
    let (label_w, bar_w, row_h) = (180.0, 400.0, 22.0);
    let height = row_h * rows.len() as f64 + 30.0;
    let mut out = format!(
        "<figure><figcaption>articles by sentiment toward each company \
         (<span class=\"sw negative\"></span>negative <span class=\"sw neutral\"></span>neutral \
         <span class=\"sw positive\"></span>positive)</figcaption>\
         <svg id=\"company-sentiment\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{height}\" role=\"img\">",
        label_w + bar_w + 60.0
    );
    for (i, (name, counts)) in rows.iter().enumerate() {
        let y = row_h * i as f64 + 4.0;
        out += &format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            label_w - 6.0,
            y + 14.0,
            escape(name)
        );
        let mut x = label_w;
        for (k, class) in ["negative", "neutral", "positive"].iter().enumerate() {
            let w = bar_w * counts[k] as f64 / max as f64;
            if counts[k] > 0 {
                out += &format!(
                    "<rect class=\"{class}\" x=\"{x:.1}\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\"><title>{}: {} {class}</title></rect>",
                    row_h - 6.0,
                    escape(name),
                    counts[k]
                );
            }
            x += w;
        }
        out += &format!(
            "<text x=\"{:.1}\" y=\"{}\">{}</text>",
            x + 4.0,
            y + 14.0,
            counts.iter().sum::<usize>()
        );
    }
    out + "</svg></figure>\n"
}

/// The `eval corpus` table against the gold.
fn scores(records: &[Record], gold: &[GoldRecord]) -> String {
    let predicted: Vec<GoldRecord> = records.iter().map(GoldRecord::from_record).collect();
    let eval = score_corpus(gold, &predicted, 0);
    let mut out = format!(
        "<table class=\"scores\"><caption>against the gold ({} gold articles, {} without prediction, {} predicted not in gold)</caption>\
         <tr><th>field</th><th>precision</th><th>recall</th><th>F1</th><th>tp</th><th>fp</th><th>fn</th></tr>",
        eval.gold_articles,
        eval.missing.len(),
        eval.unexpected.len()
    );
    for ((_, name), c) in FIELDS.iter().zip(&eval.total.fields) {
        if c.tp + c.fp + c.fn_ == 0 {
            continue;
        }
        out += &format!(
            "<tr><td>{name}</td><td>{:.4}</td><td>{:.4}</td><td>{:.4}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            c.precision(),
            c.recall(),
            c.f1(),
            c.tp,
            c.fp,
            c.fn_
        );
    }
    out + "</table>\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_speakers_show_their_usual_title_and_organisation() {
        let mut roles = Roles::new();
        let counts = roles.entry("Kelly Ortberg".into()).or_default();
        counts.insert("chief executive, Boeing".into(), 3);
        counts.insert("chief executive".into(), 1);
        let rows = [("Kelly Ortberg".to_string(), 4), ("Nobody".to_string(), 1)];
        let html = top_table("top speakers", &rows, Some(&roles));
        assert!(html.contains(
            "<td>Kelly Ortberg <span class=\"role\">(chief executive, Boeing)</span></td>"
        ));
        assert!(html.contains("<td>Nobody</td>"));
        assert!(!top_table("top targets", &rows, None).contains("role"));
    }
}
