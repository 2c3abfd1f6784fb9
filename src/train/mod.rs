//! Fine-tuning: data preparation per task, the training loop, checkpoints and the record
//! of how a model was made (`training.json`).

pub mod attribution;
pub mod checkpoint;
pub mod compose;
pub mod directed;
pub mod fit;
pub mod ner;
pub mod schedule;
pub mod sentiment;
pub mod soft;
pub mod target;
