//! Precision, recall and F1 from counts, overall and per label.

use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }

    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }

    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    /// The header over `row`s.
    pub fn header(title: &str, name_width: usize) -> String {
        format!(
            "{title:<name_width$} {:>9} {:>9} {:>9} {:>7} {:>7} {:>7}\n",
            "precision", "recall", "F1", "tp", "fp", "fn"
        )
    }

    /// One table row: name, P, R, F1 and the counts.
    pub fn row(&self, name: &str, name_width: usize) -> String {
        format!(
            "{name:<name_width$} {:>9.4} {:>9.4} {:>9.4} {:>7} {:>7} {:>7}\n",
            self.precision(),
            self.recall(),
            self.f1(),
            self.tp,
            self.fp,
            self.fn_
        )
    }

    /// `{tp, fp, fn, precision, recall, f1}`, for `--json`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn_,
            "precision": self.precision(),
            "recall": self.recall(),
            "f1": self.f1(),
        })
    }

    pub fn add(&mut self, other: Counts) {
        self.tp += other.tp;
        self.fp += other.fp;
        self.fn_ += other.fn_;
    }
}

/// Characters two `[start, end)` ranges share.
pub fn overlap(a: (usize, usize), b: (usize, usize)) -> usize {
    a.1.min(b.1).saturating_sub(a.0.max(b.0))
}

/// One-to-one matching of predicted to gold ranges, largest overlaps first (ties by
/// predicted, then gold position): the matched `(predicted, gold)` index pairs, in the
/// order they were matched.
pub(crate) fn match_by_overlap(
    predicted: &[(usize, usize)],
    gold: &[(usize, usize)],
) -> Vec<(usize, usize)> {
    let mut pairs: Vec<(usize, usize, usize)> = Vec::new();
    for (i, &p) in predicted.iter().enumerate() {
        for (j, &g) in gold.iter().enumerate() {
            let o = overlap(p, g);
            if o > 0 {
                pairs.push((o, i, j));
            }
        }
    }
    pairs.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let (mut used_p, mut used_g) = (vec![false; predicted.len()], vec![false; gold.len()]);
    let mut matched = Vec::new();
    for (_, i, j) in pairs {
        if !used_p[i] && !used_g[j] {
            used_p[i] = true;
            used_g[j] = true;
            matched.push((i, j));
        }
    }
    matched
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Exact-match scores of labelled items, micro-averaged, and per label.
#[derive(Debug, Clone, Default)]
pub struct LabelledScores {
    pub overall: Counts,
    pub by_label: BTreeMap<String, Counts>,
}

impl LabelledScores {
    /// Adds one unit (e.g. a sentence): `gold` and `predicted` items as (key, label) pairs.
    pub fn add<K: Ord + Clone>(&mut self, gold: &[(K, String)], predicted: &[(K, String)]) {
        let gold: std::collections::BTreeSet<(K, String)> = gold.iter().cloned().collect();
        let predicted: std::collections::BTreeSet<(K, String)> =
            predicted.iter().cloned().collect();
        for item in &predicted {
            let hit = gold.contains(item);
            let c = self.by_label.entry(item.1.clone()).or_default();
            if hit {
                c.tp += 1;
                self.overall.tp += 1;
            } else {
                c.fp += 1;
                self.overall.fp += 1;
            }
        }
        for item in gold.difference(&predicted) {
            self.by_label.entry(item.1.clone()).or_default().fn_ += 1;
            self.overall.fn_ += 1;
        }
    }

    /// `{overall, by_label}`, for `--json`.
    pub fn to_json(&self) -> serde_json::Value {
        let by_label: serde_json::Map<String, serde_json::Value> = (self.by_label.iter())
            .map(|(label, c)| (label.clone(), c.to_json()))
            .collect();
        serde_json::json!({"overall": self.overall.to_json(), "by_label": by_label})
    }

    /// A conlleval-like table.
    pub fn table(&self, title: &str) -> String {
        let mut out = Counts::header(title, 10);
        for (label, c) in &self.by_label {
            out += &c.row(label, 10);
        }
        out += &self.overall.row("overall", 10);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn micro_and_per_label() {
        let mut s = LabelledScores::default();
        let gold = vec![((0, 1), "PER".to_string()), ((2, 3), "ORG".to_string())];
        let pred = vec![((0, 1), "PER".to_string()), ((2, 4), "ORG".to_string())];
        s.add(&gold, &pred);
        assert_eq!(
            s.overall,
            Counts {
                tp: 1,
                fp: 1,
                fn_: 1
            }
        );
        assert!((s.overall.f1() - 0.5).abs() < 1e-9);
        assert_eq!(s.by_label["PER"].f1(), 1.0);
        assert_eq!(s.by_label["ORG"].f1(), 0.0);
    }
}

/// A confusion matrix over `n` classes: `counts[gold][predicted]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confusion {
    pub labels: Vec<String>,
    pub counts: Vec<Vec<usize>>,
}

impl Confusion {
    pub fn new(labels: &[&str]) -> Self {
        Confusion {
            labels: labels.iter().map(|l| l.to_string()).collect(),
            counts: vec![vec![0; labels.len()]; labels.len()],
        }
    }

    pub fn add(&mut self, gold: usize, predicted: usize) {
        self.counts[gold][predicted] += 1;
    }

    pub fn class(&self, c: usize) -> Counts {
        let n = self.labels.len();
        Counts {
            tp: self.counts[c][c],
            fp: (0..n).filter(|&g| g != c).map(|g| self.counts[g][c]).sum(),
            fn_: (0..n).filter(|&p| p != c).map(|p| self.counts[c][p]).sum(),
        }
    }

    pub(crate) fn macro_f1(&self) -> f64 {
        let n = self.labels.len();
        (0..n).map(|c| self.class(c).f1()).sum::<f64>() / n.max(1) as f64
    }

    pub fn accuracy(&self) -> f64 {
        let total: usize = self.counts.iter().flatten().sum();
        let right: usize = (0..self.labels.len()).map(|c| self.counts[c][c]).sum();
        ratio(right, total)
    }

    /// Per-class scores, macro-F1, accuracy and the matrix, for `--json`.
    pub fn to_json(&self) -> serde_json::Value {
        let classes: serde_json::Map<String, serde_json::Value> = (self.labels.iter())
            .enumerate()
            .map(|(c, label)| (label.clone(), self.class(c).to_json()))
            .collect();
        serde_json::json!({
            "classes": classes,
            "macro_f1": self.macro_f1(),
            "accuracy": self.accuracy(),
            "labels": self.labels,
            "matrix_gold_by_predicted": self.counts,
        })
    }

    /// Per-class P/R/F1, macro-F1, accuracy, and the matrix (rows gold, columns predicted).
    pub fn table(&self) -> String {
        let mut out = format!(
            "{:<10} {:>9} {:>9} {:>9}\n",
            "class", "precision", "recall", "F1"
        );
        for (c, label) in self.labels.iter().enumerate() {
            let k = self.class(c);
            out += &format!(
                "{label:<10} {:>9.4} {:>9.4} {:>9.4}\n",
                k.precision(),
                k.recall(),
                k.f1()
            );
        }
        out += &format!(
            "macro-F1   {:>9.4}\naccuracy   {:>9.4}\n",
            self.macro_f1(),
            self.accuracy()
        );
        out += &format!("{:<10}", "gold\\pred");
        for label in &self.labels {
            out += &format!(" {label:>9}");
        }
        out.push('\n');
        for (g, label) in self.labels.iter().enumerate() {
            out += &format!("{label:<10}");
            for count in &self.counts[g] {
                out += &format!(" {count:>9}");
            }
            out.push('\n');
        }
        out
    }
}

/// Expected calibration error of top-class probabilities, over `bins` equal-width bins.
pub(crate) fn expected_calibration_error(confidence: &[f32], correct: &[bool], bins: usize) -> f64 {
    let mut sum_conf = vec![0.0f64; bins];
    let mut sum_right = vec![0.0f64; bins];
    let mut count = vec![0usize; bins];
    for (&c, &ok) in confidence.iter().zip(correct) {
        let b = ((c as f64 * bins as f64) as usize).min(bins - 1);
        sum_conf[b] += c as f64;
        sum_right[b] += f64::from(u8::from(ok));
        count[b] += 1;
    }
    let total = confidence.len().max(1) as f64;
    (0..bins)
        .filter(|&b| count[b] > 0)
        .map(|b| (count[b] as f64 / total) * ((sum_conf[b] - sum_right[b]) / count[b] as f64).abs())
        .sum()
}

#[cfg(test)]
mod classification_tests {
    use super::*;

    #[test]
    fn macro_f1_and_accuracy() {
        let mut c = Confusion::new(&["neg", "neu", "pos"]);
        c.add(0, 0);
        c.add(1, 1);
        c.add(2, 1);
        assert!((c.accuracy() - 2.0 / 3.0).abs() < 1e-9);
        // F1: neg 1, neu 2/3, pos 0.
        assert!((c.macro_f1() - (1.0 + 2.0 / 3.0) / 3.0).abs() < 1e-9);
    }

    #[test]
    fn ece_is_zero_when_confidence_matches_accuracy() {
        let conf = [0.75f32; 4];
        let right = [true, true, true, false];
        assert!(expected_calibration_error(&conf, &right, 10) < 1e-6);
        assert!(expected_calibration_error(&[0.99, 0.99], &[false, false], 10) > 0.9);
    }
}
