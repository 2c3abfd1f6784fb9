//! Scoring against gold files.

pub mod business;
pub mod conll;
pub mod corpus;
pub mod gold;
pub mod metrics;
pub mod ner;
pub mod newsmtsc;
pub mod polnear;
pub mod quotes;
pub mod record;
pub mod sentfin;
pub mod sentiment;
