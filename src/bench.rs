//! `claimlink bench`: the whole pipeline over a corpus, with each model stage set against
//! the machine's matrix-multiply bound.
//!
//! Reads: a finished run's summary, the pipeline's model meters, a matmul measurement.
//! Writes: the report table. The bound of a stage is the matmul rate divided by the
//! stage's FLOPs per real piece: the pieces per second it could reach if every FLOP ran at
//! matmul speed and nothing else cost time.

use crate::error::Result;
use crate::model::meter::{matmul_gflops, Usage};
use crate::model::precision::Precision;
use crate::pipeline::Pipeline;
use crate::run::{run, RunOptions, RunSummary};

pub struct BenchReport {
    pub input: String,
    pub threads: usize,
    /// Seconds from start to all models loaded.
    pub startup: f64,
    pub summary: RunSummary,
    pub stages: Vec<(&'static str, Usage)>,
    /// Matrix-multiply GFLOP/s on the encoder's shapes, in the encoders' precision.
    pub bound_gflops: f64,
    pub precision: Precision,
    pub peak_rss_kib: Option<u64>,
}

/// Runs `pipeline` over `options.inputs` as `claimlink run` does and measures it; without
/// an `options.output` the annotations go to a temporary file, removed afterwards.
/// `startup` is the seconds the pipeline took to load, `matmul_seconds` how long to measure
/// the matrix-multiply rate for.
pub fn measure(
    pipeline: &Pipeline,
    options: &RunOptions,
    startup: f64,
    matmul_seconds: f64,
) -> Result<BenchReport> {
    let scratch =
        std::env::temp_dir().join(format!("claimlink-bench-{}.jsonl", std::process::id()));
    let output = options.output.clone().unwrap_or_else(|| scratch.clone());
    let summary = run(
        pipeline,
        &RunOptions {
            output: Some(output),
            ..options.clone()
        },
    )?;
    if options.output.is_none() {
        let _ = std::fs::remove_file(&scratch);
    }
    let peak_rss_kib = peak_rss_kib();
    let (hidden, ffn) = pipeline.encoder_shape();
    Ok(BenchReport {
        input: (options.inputs.iter())
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(" "),
        threads: tch::get_num_threads().max(1) as usize,
        startup,
        summary,
        stages: pipeline.usage(),
        bound_gflops: matmul_gflops(
            2048,
            hidden as i64,
            ffn as i64,
            pipeline.precision().kind(),
            matmul_seconds,
        ),
        precision: pipeline.precision(),
        peak_rss_kib,
    })
}

/// The process's peak resident set (VmHWM) in KiB, where /proc tells it.
pub(crate) fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

impl BenchReport {
    pub fn table(&self) -> String {
        let s = &self.summary;
        let seconds = s.seconds.max(1e-9);
        let mut out = format!(
            "claimlink bench: {} ({} articles, {} words, {} threads)\n",
            self.input, s.articles, s.words, self.threads
        );
        let rss = self.peak_rss_kib.map_or("n/a".to_string(), |k| {
            format!("{:.0} MiB", k as f64 / 1024.0)
        });
        for (name, value) in [
            ("start-up (models loaded)", format!("{:.2} s", self.startup)),
            ("run wall time", format!("{:.1} s", s.seconds)),
            ("articles/s", format!("{:.1}", s.articles as f64 / seconds)),
            ("words/s", format!("{:.0}", s.words as f64 / seconds)),
            ("peak RSS", rss),
            ("error lines", s.errors.to_string()),
            (
                "matmul bound",
                format!(
                    "{:.1} GFLOP/s ({}, encoder shapes)",
                    self.bound_gflops,
                    self.precision.name()
                ),
            ),
        ] {
            out += &format!("{name:<26} {value}\n");
        }
        out += &format!(
            "\n{:<16} {:>8} {:>10} {:>8} {:>9} {:>8} {:>9} {:>10} {:>11} {:>9}\n",
            "model stage",
            "batches",
            "pieces",
            "padding",
            "MFLOP/pc",
            "time s",
            "GFLOP/s",
            "pieces/s",
            "bound pc/s",
            "of bound"
        );
        let total = self
            .stages
            .iter()
            .fold(Usage::default(), |sum, (_, u)| sum.add(u));
        let all_models = [("all models", total)];
        for (name, u) in self.stages.iter().chain(all_models.iter()) {
            let per_piece = u.flops as f64 / u.real.max(1) as f64;
            let bound = self.bound_gflops * 1e9 / per_piece.max(1.0);
            out += &format!(
                "{:<16} {:>8} {:>10} {:>7.1}% {:>9.1} {:>8.1} {:>9.1} {:>10.0} {:>11.0} {:>8.0}%\n",
                name,
                u.batches,
                u.real,
                100.0 * u.padding_ratio(),
                per_piece / 1e6,
                u.seconds,
                u.gflops(),
                u.tokens_per_second(),
                bound,
                100.0 * u.gflops() / self.bound_gflops.max(1e-9),
            );
        }
        out += &format!(
            "model stages take {:.0}% of the run's wall time\n",
            100.0 * total.seconds / seconds
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_sets_stages_against_the_bound() {
        let usage = Usage {
            batches: 2,
            real: 900,
            padded: 1000,
            flops: 900 * 20_000_000,
            seconds: 1.0,
        };
        let report = BenchReport {
            input: "x.jsonl".into(),
            threads: 2,
            startup: 0.5,
            summary: RunSummary {
                articles: 10,
                words: 700,
                seconds: 2.0,
                ..RunSummary::default()
            },
            stages: vec![("ner", usage)],
            bound_gflops: 36.0,
            precision: Precision::Bf16,
            peak_rss_kib: Some(2048),
        };
        let table = report.table();
        assert!(table.contains("words/s                    350"), "{table}");
        // 18 GFLOP/s achieved of a 36 GFLOP/s bound; 10% padding.
        assert!(table.contains(" 50%"), "{table}");
        assert!(table.contains("10.0%"), "{table}");
        assert!(table.contains("36.0 GFLOP/s (bf16"), "{table}");
        assert!(
            table.contains("peak RSS                   2 MiB"),
            "{table}"
        );
    }
}
