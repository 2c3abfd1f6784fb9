//! Reading inputs and writing output lines.

pub mod read;
pub mod write;
