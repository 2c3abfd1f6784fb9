//! What a model stage did: batches, real and padded pieces, matrix-multiply FLOPs and the
//! time it spent, so benchmarks can set its speed against the machine's matmul bound.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Counters a model updates on every batch (shared by reference across threads).
#[derive(Debug, Default)]
pub struct Meter {
    batches: AtomicU64,
    real: AtomicU64,
    padded: AtomicU64,
    flops: AtomicU64,
    nanos: AtomicU64,
}

/// A snapshot of a `Meter`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Usage {
    pub batches: u64,
    /// Pieces of real input (special tokens included).
    pub real: u64,
    /// Pieces the model computed: rows × longest row of every batch.
    pub padded: u64,
    pub flops: u64,
    pub seconds: f64,
}

impl Usage {
    pub(crate) fn padding_ratio(&self) -> f64 {
        1.0 - self.real as f64 / self.padded.max(1) as f64
    }

    pub(crate) fn gflops(&self) -> f64 {
        self.flops as f64 / self.seconds.max(1e-9) / 1e9
    }

    pub(crate) fn tokens_per_second(&self) -> f64 {
        self.real as f64 / self.seconds.max(1e-9)
    }

    pub fn add(&self, other: &Usage) -> Usage {
        Usage {
            batches: self.batches + other.batches,
            real: self.real + other.real,
            padded: self.padded + other.padded,
            flops: self.flops + other.flops,
            seconds: self.seconds + other.seconds,
        }
    }
}

impl Meter {
    /// Records one batch of `rows` inputs padded to `longest` pieces, `real` of them input.
    pub fn record(&self, real: usize, padded: usize, flops: u64) {
        self.batches.fetch_add(1, Ordering::Relaxed);
        self.real.fetch_add(real as u64, Ordering::Relaxed);
        self.padded.fetch_add(padded as u64, Ordering::Relaxed);
        self.flops.fetch_add(flops, Ordering::Relaxed);
    }

    /// Adds the wall time of one inference call (its batches may run side by side, so
    /// their own times would add up to more than the call took).
    pub fn time(&self, started: Instant) {
        let nanos = started.elapsed().as_nanos() as u64;
        self.nanos.fetch_add(nanos, Ordering::Relaxed);
    }

    pub fn usage(&self) -> Usage {
        Usage {
            batches: self.batches.load(Ordering::Relaxed),
            real: self.real.load(Ordering::Relaxed),
            padded: self.padded.load(Ordering::Relaxed),
            flops: self.flops.load(Ordering::Relaxed),
            seconds: self.nanos.load(Ordering::Relaxed) as f64 / 1e9,
        }
    }
}

/// Matrix-multiply FLOPs (2 per multiply-add) of `layers` BERT layers over a batch of
/// `rows` inputs of `len` pieces: Q, K, V and output projections (4·h²), the feed-forward
/// block (2·h·ffn) per piece, and attention scores and mixing (2·len·h) per piece.
pub(crate) fn encoder_flops(
    rows: usize,
    len: usize,
    layers: usize,
    hidden: usize,
    ffn: usize,
) -> u64 {
    let per_piece = 2 * (4 * hidden * hidden + 2 * hidden * ffn + 2 * len * hidden);
    (rows * len * layers * per_piece) as u64
}

/// The machine's matrix-multiply rate in GFLOP/s on the encoder's own shapes: `rows`
/// pieces through a projection (`hidden`→`hidden`), the feed-forward up (`hidden`→`ffn`)
/// and down (`ffn`→`hidden`) matrices in the proportions a layer has them (4 : 1 : 1),
/// in `kind`, on the current libtorch threads, for about `seconds`.
pub(crate) fn matmul_gflops(
    rows: i64,
    hidden: i64,
    ffn: i64,
    kind: tch::Kind,
    seconds: f64,
) -> f64 {
    let opts = (kind, tch::Device::Cpu);
    let x = tch::Tensor::randn([rows, hidden], opts);
    let up_in = tch::Tensor::randn([rows, ffn], opts);
    let square = tch::Tensor::randn([hidden, hidden], opts);
    let up = tch::Tensor::randn([hidden, ffn], opts);
    let down = tch::Tensor::randn([ffn, hidden], opts);
    let layer = || {
        for _ in 0..4 {
            let _ = x.matmul(&square);
        }
        let _ = x.matmul(&up);
        let _ = up_in.matmul(&down);
    };
    let flops_per_layer = 2 * rows * (4 * hidden * hidden + 2 * hidden * ffn);
    tch::no_grad(|| {
        layer();
        let started = Instant::now();
        let mut done = 0u64;
        while started.elapsed().as_secs_f64() < seconds {
            layer();
            done += 1;
        }
        (done as f64 * flops_per_layer as f64) / started.elapsed().as_secs_f64() / 1e9
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minilm_costs_about_22_mflop_per_piece_at_length_128() {
        let flops = encoder_flops(1, 128, 6, 384, 1536);
        assert_eq!(
            flops,
            128 * 6 * 2 * (4 * 384 * 384 + 2 * 384 * 1536 + 2 * 128 * 384)
        );
        let per_piece = flops as f64 / 128.0 / 1e6;
        assert!((22.0..23.0).contains(&per_piece), "{per_piece}");
    }

    #[test]
    fn usage_ratios() {
        let meter = Meter::default();
        meter.record(75, 100, 1_000);
        let usage = meter.usage();
        assert!((usage.padding_ratio() - 0.25).abs() < 1e-9);
        assert_eq!(usage.batches, 1);
    }
}
