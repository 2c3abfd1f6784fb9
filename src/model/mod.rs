//! Model runtime: tokenisation, the shared encoder, windows and batches, task heads.

pub mod attribution;
pub mod encoder;
pub(crate) mod fast;
pub(crate) mod meter;
pub mod mpnet;
pub mod ner;
pub mod parallel;
pub mod precision;
pub mod sentiment;
pub mod tags;
pub mod window;
pub mod wordpiece;
