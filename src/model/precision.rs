//! The number format the encoders compute in at inference.
//!
//! bf16 halves the bits of every matrix multiply. On a CPU with AMX (Intel's matrix
//! tiles) it runs about twice as fast as f32; on CPUs with only AVX-512 BF16 it was as fast
//! or slower. So the default is chosen by the CPU's features, never by a timing: bf16 where
//! the CPU has AMX-BF16 and the OS lets programs use its tiles, f32 elsewhere
//! ([`Precision::for_this_cpu`]). Either way the output does not depend on the batching:
//! oneDNN picks its bf16 kernels and blocking by a multiply's shape, so the inference
//! forward (`model::fast`) multiplies bf16 in blocks of one fixed row count and every
//! window has a padded length of its own (tested on an AMD EPYC with AVX-512 BF16 and on
//! an Intel Xeon with AMX). bf16 gives other last digits than f32, so outputs of two
//! machines are byte-identical only in one precision asked for by name (`--precision
//! f32`). Training always uses f32, and the task heads' classifiers read f32 in either
//! format.

use tch::nn;
use tch::Kind;

/// What the encoders compute in. Both give the same output whatever the threads, batching
/// or machine load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// The same bytes on every machine.
    F32,
    /// About twice as fast on CPUs with AMX; other last digits than f32.
    Bf16,
}

impl Precision {
    /// bf16 where this CPU multiplies it in AMX tiles, f32 elsewhere.
    pub fn for_this_cpu() -> Self {
        if cpu_has_amx_bf16() {
            Precision::Bf16
        } else {
            Precision::F32
        }
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

/// Whether the CPU has AMX-BF16 and tile registers (CPUID leaf 7: EDX bits 22 and 24) and
/// the OS saves tile state for programs (XCR0 bits 17 and 18), as oneDNN requires before it
/// runs AMX kernels.
#[cfg(target_arch = "x86_64")]
fn cpu_has_amx_bf16() -> bool {
    use std::arch::x86_64::{__cpuid, __cpuid_count, _xgetbv};
    const OSXSAVE: u32 = 1 << 27;
    const AMX_BF16: u32 = 1 << 22;
    const AMX_TILE: u32 = 1 << 24;
    const TILE_STATE: u64 = (1 << 17) | (1 << 18);
    let leaf1 = __cpuid(1);
    if leaf1.ecx & OSXSAVE == 0 || __cpuid(0).eax < 7 {
        return false;
    }
    let leaf7 = __cpuid_count(7, 0);
    if leaf7.edx & AMX_BF16 == 0 || leaf7.edx & AMX_TILE == 0 {
        return false;
    }
    // SAFETY: OSXSAVE is set, so XGETBV is available and XCR0 readable.
    let xcr0 = unsafe { _xgetbv(0) };
    xcr0 & TILE_STATE == TILE_STATE
}

#[cfg(not(target_arch = "x86_64"))]
fn cpu_has_amx_bf16() -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_choice_follows_amx_in_the_cpu_flags() {
        // Linux lists the CPU's features in /proc/cpuinfo: a second reading of CPUID.
        let flags = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let amx = flags.split_whitespace().any(|f| f == "amx_bf16");
        let expected = if amx { Precision::Bf16 } else { Precision::F32 };
        assert_eq!(
            Precision::for_this_cpu(),
            expected,
            "amx_bf16 in /proc/cpuinfo: {amx}"
        );
    }
}
