//! claimlink: reads news articles in bulk and writes one annotated `claimlink/1` JSON line
//! per article.
//!
//! Stages, in order (each a module with one job):
//! `io::read` → `text::normalize` → `text::segment` → `model::ner` (+ `model::attribution`)
//! → `companies` → `claims` → `stance` (`model::sentiment`) → `record`, driven by
//! `pipeline` (one batch of articles) and `run` (a whole stream, in order, to `io::write`).

pub mod bench;
pub mod claims;
pub mod companies;
pub mod digest;
pub mod doc;
pub mod error;
pub mod eval;
pub mod export;
pub mod feed;
pub mod index;
pub mod io;
pub mod model;
pub mod pipeline;
pub mod record;
pub mod run;
pub mod stance;
pub mod text;
pub mod train;

pub use error::{Error, Result};
pub use pipeline::{Options, Pipeline};
