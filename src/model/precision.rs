//! The number format the encoders compute in at inference.
//!
//! bf16 halves the bits of every matrix multiply; on a CPU with AVX-512 BF16 instructions
//! libtorch (oneDNN) runs them at about twice the f32 rate. Training always uses f32, and
//! the task heads' classifiers read f32 in either format.

use std::str::FromStr;

use tch::nn;
use tch::Kind;

use crate::error::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    F32,
    Bf16,
}

impl Precision {
    /// bf16 where the CPU multiplies it natively, else f32 (emulated bf16 is slower).
    pub fn auto() -> Self {
        if cpu_has_bf16() {
            Precision::Bf16
        } else {
            Precision::F32
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

impl FromStr for Precision {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        match s {
            "auto" => Ok(Precision::auto()),
            "f32" => Ok(Precision::F32),
            "bf16" => Ok(Precision::Bf16),
            other => Err(Error::Invalid(format!(
                "unknown precision {other:?}: use auto, f32 or bf16"
            ))),
        }
    }
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
