#![warn(missing_docs)]
//! claimlink: reads news articles in bulk and writes one annotated `claimlink/1` JSON line
//! per article: named entities, the claims quoted in it, who made each claim (speaker),
//! which company it is about (target), through which publication (source), and sentiment.
//!
//! ```
//! use claimlink::model_paths::ModelPaths;
//! use claimlink::{Article, Options, Pipeline};
//!
//! # fn main() -> claimlink::Result<()> {
//! // The models as the command line finds them: $CLAIMLINK_MODELS, ./models, or the
//! // checkout's, and the base encoder `scripts/setup.sh` installs.
//! let paths = ModelPaths::locate(None, None);
//! let pipeline = Pipeline::load(&paths.models, &paths.base, Options::default())?;
//! let article = Article::new(
//!     "a1",
//!     "\"Our cloud business doubled,\" Microsoft's chief executive Satya Nadella said.",
//! );
//! let annotated = pipeline.annotate(&[article])?;
//! let record = &annotated[0].as_ref().expect("annotated").record;
//! let claim = &record.claims[0];
//! assert_eq!(claim.quote.text, "Our cloud business doubled");
//! assert_eq!(claim.speaker.as_ref().map(|s| s.name.as_str()), Some("Satya Nadella"));
//! // One JSON line of the output, and back.
//! let line = serde_json::to_string(record).expect("serialisable");
//! let back: claimlink::Record = serde_json::from_str(&line).expect("readable");
//! assert_eq!(&back, record);
//! # Ok(())
//! # }
//! ```
//!
//! Stages, in order, each a function over a [`Document`] in a module of its own:
//! `text` (normalise, segment) → one encoder pass (`model::ner` with the attribution
//! head) → `mentions` (entities, companies, descriptors) → [`claims`] → `sentiment`
//! → [`Record::from_document`], driven by [`pipeline`] (one batch of articles) and
//! [`run`] (a whole stream, in order, to `io::write`). Around them, what takes records to
//! their users, each with plain options: [`index`] (load, search), [`export`] and
//! [`report`].
//! The `model`, `train`, `bench` and `eval` modules serve the command line and are not a
//! stable API.

#[doc(hidden)]
pub mod bench;
pub mod claims;
pub mod companies;
pub(crate) mod digest;
pub mod doc;
pub mod error;
#[doc(hidden)]
pub mod eval;
pub mod export;
pub mod index;
pub mod io;
pub mod labels;
pub(crate) mod mentions;
#[doc(hidden)]
pub mod model;
pub mod model_paths;
pub mod pipeline;
mod progress;
pub mod range;
pub mod record;
pub mod report;
pub mod run;
pub(crate) mod sentiment;
pub(crate) mod speakers;
pub mod text;
#[doc(hidden)]
pub mod train;

pub use doc::{Article, Document};
pub use error::{Error, Result};
pub use pipeline::{Options, Pipeline};
pub use record::Record;
