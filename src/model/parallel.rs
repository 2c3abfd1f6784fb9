//! Model batches computed side by side. Each rayon worker runs whole batches with one
//! libtorch thread, rather than every batch being split across all cores by libtorch's
//! OpenMP pool: a worker never waits for another at a barrier, so when another process
//! takes a core the other worker goes on at full speed (OpenMP workers spin and wait for
//! the slowest one), and on a quiet machine nothing is lost.

use rayon::prelude::*;

use crate::error::Result;

/// Models shared read-only by the workers of one inference call.
struct ReadOnly<'a, M>(&'a M);

impl<M> ReadOnly<'_, M> {
    // A method, so closures capture the wrapper and not the bare reference inside it.
    fn get(&self) -> &M {
        self.0
    }
}

// SAFETY: `map_batches` only runs inference through this reference: it reads the weights
// (no gradient, no mutation of any tensor), and libtorch operations on tensors that are
// only read are safe from several threads. tch marks `Tensor` `Send` but not `Sync` because
// it cannot know that a given use only reads.
unsafe impl<M> Sync for ReadOnly<'_, M> {}
// SAFETY: as above; the reference is only used to read.
unsafe impl<M> Send for ReadOnly<'_, M> {}

/// `compute(models, batch)` for every batch, on the rayon pool, in the order of `batches`.
pub(crate) fn map_batches<M, T, F>(models: &M, batches: &[Vec<usize>], compute: F) -> Result<Vec<T>>
where
    T: Send,
    F: Fn(&M, &[usize]) -> Result<T> + Sync,
{
    let shared = ReadOnly(models);
    let shared = &shared;
    batches
        .par_iter()
        .with_max_len(1)
        .map(|batch| {
            one_torch_thread();
            compute(shared.get(), batch)
        })
        .collect()
}

/// Makes the calling thread compute with one libtorch thread. OpenMP settings are per
/// thread, so this is set on the worker itself, before each batch (it costs microseconds).
fn one_torch_thread() {
    tch::set_num_threads(1);
}
