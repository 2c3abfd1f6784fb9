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

    pub fn add(&mut self, other: Counts) {
        self.tp += other.tp;
        self.fp += other.fp;
        self.fn_ += other.fn_;
    }
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

    /// A conlleval-like table.
    pub fn table(&self, title: &str) -> String {
        let mut out = format!(
            "{title:<10} {:>9} {:>9} {:>9} {:>7} {:>7} {:>7}\n",
            "precision", "recall", "F1", "tp", "fp", "fn"
        );
        let row = |name: &str, c: &Counts| {
            format!(
                "{name:<10} {:>9.4} {:>9.4} {:>9.4} {:>7} {:>7} {:>7}\n",
                c.precision(),
                c.recall(),
                c.f1(),
                c.tp,
                c.fp,
                c.fn_
            )
        };
        for (label, c) in &self.by_label {
            out += &row(label, c);
        }
        out += &row("overall", &self.overall);
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
