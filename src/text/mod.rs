//! Text preparation: normalisation with an offset map, then sentences and words.

pub mod dateline;
mod html;
mod markup;
pub mod normalize;
pub mod segment;

pub use normalize::{Markup, Normalized};
pub use segment::{segment, Sentence};
