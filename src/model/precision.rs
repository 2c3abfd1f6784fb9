//! The number format the encoders compute in at inference.
//!
//! bf16 halves the bits of every matrix multiply; on some CPUs with AVX-512 BF16
//! instructions libtorch (oneDNN) runs them at about twice the f32 rate, on others slower
//! than f32, so `auto` measures. Training always uses f32, and the task heads' classifiers
//! read f32 in either format.

use std::sync::OnceLock;

use tch::nn;
use tch::Kind;

use crate::model::meter::matmul_gflops;

/// How much faster bf16 must multiply than f32 for `auto` to take it: a clear margin, so
/// that a machine does not flip between the two (and their outputs) from run to run.
const BF16_MARGIN: f64 = 1.25;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    F32,
    Bf16,
}

impl Precision {
    /// bf16 where the CPU has AVX-512 BF16 and multiplies bf16 at least `BF16_MARGIN`
    /// times faster than f32 on the current libtorch threads, at the encoder's shapes
    /// (`hidden` wide, `ffn` in the feed-forward block), else f32 (emulated bf16 is
    /// slower). The instructions alone do not tell: an AMD EPYC with them multiplied the
    /// encoders' shapes at 413 GFLOP/s in bf16 against 193 in f32, an Intel Xeon with
    /// them at 172 against 311. Measured once per process (about 0.2 s), on such CPUs only;
    /// later calls get the first call's answer, whatever their shapes.
    pub fn auto(hidden: usize, ffn: usize) -> Self {
        static CHOICE: OnceLock<Precision> = OnceLock::new();
        *CHOICE.get_or_init(|| {
            if cpu_has_bf16() && bf16_pays(hidden, ffn) {
                Precision::Bf16
            } else {
                Precision::F32
            }
        })
    }

    /// Most padded pieces in one model batch unless told otherwise: measured on the first
    /// 150 PolNeAR articles (`claimlink bench --batch-tokens N`, output byte-identical for
    /// every N), bf16 on an AMD EPYC ran best at 4,096 (5,159 words/s against 4,766 at
    /// 1,024), f32 on an Intel Xeon at 768-1,024 (4,566 and 4,529 against 4,067 at 4,096).
    pub fn batch_tokens(self) -> usize {
        match self {
            Precision::F32 => 1024,
            Precision::Bf16 => 4096,
        }
    }

    pub fn kind(self) -> Kind {
        match self {
            Precision::F32 => Kind::Float,
            Precision::Bf16 => Kind::BFloat16,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Precision::F32 => "f32",
            Precision::Bf16 => "bf16",
        }
    }

    /// Casts the floating-point variables under `path` to this precision.
    pub fn apply(self, mut path: nn::Path) {
        match self {
            Precision::F32 => path.float(),
            Precision::Bf16 => path.bfloat16(),
        }
    }
}

/// Whether bf16 matrix multiplies run `BF16_MARGIN` times faster than f32 here, at an
/// encoder's shapes.
fn bf16_pays(hidden: usize, ffn: usize) -> bool {
    let rate = |kind| matmul_gflops(1024, hidden as i64, ffn as i64, kind, 0.08);
    let f32 = rate(Kind::Float);
    rate(Kind::BFloat16) >= BF16_MARGIN * f32
}

fn cpu_has_bf16() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        // CPUs with AMX have it too.
        std::arch::is_x86_feature_detected!("avx512bf16")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_is_f32_without_the_instructions_and_decided_once() {
        let first = Precision::auto(384, 1536);
        if !cpu_has_bf16() {
            assert_eq!(first, Precision::F32);
        }
        // One decision per process: a second measurement could differ under load.
        assert_eq!(Precision::auto(384, 1536), first);
    }
}
