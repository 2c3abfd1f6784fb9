//! Companies: the knowledge base (data) and the linking of entity mentions to it.

pub mod acronyms;
pub mod descriptors;
pub mod kb;
pub mod resolve;

pub use kb::KnowledgeBase;
pub use resolve::{link, Linked};
