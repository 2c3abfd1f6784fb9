//! Companies: the knowledge base (data) and the linking of entity mentions to it.

pub(crate) mod acronyms;
pub(crate) mod descriptors;
pub mod kb;
pub(crate) mod kinds;
pub(crate) mod names;
pub(crate) mod resolve;
pub(crate) mod tickers;

pub use kb::KnowledgeBase;
pub(crate) use resolve::{link, Linked};
