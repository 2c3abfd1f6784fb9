//! The number format the encoders compute in at inference.
//!
//! f32 unless bf16 is asked for. bf16 halves the bits of every matrix multiply and runs
//! about twice as fast on some CPUs with AVX-512 BF16 or AMX (slower than f32 on others).
//! oneDNN picks its bf16 kernels and blocking by a multiply's shape, so the inference
//! forward (`model::fast`) multiplies bf16 in blocks of one fixed row count and every
//! window has a padded length of its own: a window's numbers then do not depend on its
//! batch-mates (tested on an AMD EPYC with AVX-512 BF16; not yet on an AMX CPU). bf16
//! still gives other scores than f32, so the default stays f32, never decided by the CPU
//! or by a timing. Training always uses f32, and the task heads' classifiers read f32 in
//! either format.

use tch::nn;
use tch::Kind;

/// What the encoders compute in; `F32` by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Precision {
    /// Deterministic: the same output whatever the threads, batching or machine load.
    #[default]
    F32,
    /// Opt-in: faster on CPUs with bf16 matrix units; other last digits than f32.
    Bf16,
}

impl Precision {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_f32_on_every_cpu() {
        assert_eq!(Precision::default(), Precision::F32);
        assert_eq!(Precision::default().name(), "f32");
    }
}
