//! Library errors. Each variant says what went wrong and where; the CLI adds what to do.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
/// Everything the library can fail with.
pub enum Error {
    #[error("cannot read {path}: {source}")]
    /// A file or folder could not be read.
    Io {
        /// Which one.
        path: PathBuf,
        #[source]
        /// Why.
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    /// An output could not be written.
    Write {
        /// Which one.
        path: PathBuf,
        #[source]
        /// Why.
        source: std::io::Error,
    },
    #[error("model folder {path}: {message}")]
    /// A model folder is missing something or holds something unusable.
    Model {
        /// The folder.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    #[error("libtorch: {0}")]
    /// libtorch failed.
    Torch(#[from] tch::TchError),
    #[error("rust-bert: {0}")]
    /// rust-bert failed (building or loading an encoder).
    Bert(#[from] rust_bert::RustBertError),
    #[error("tokenizer {path}: {message}")]
    /// A tokenizer file could not be loaded.
    Tokenizer {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    #[error("{path}:{line}: {message}")]
    /// A data file (gold labels, training data, knowledge base) is malformed at a line.
    Data {
        /// Which file.
        path: PathBuf,
        /// 1-based line (0 for the whole file).
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The company knowledge base file cannot be read or is not one.
    #[error("company knowledge base {path}: {message}")]
    KnowledgeBase {
        /// The knowledge base file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// The organisation words file (`models/org-words.json`) is not one.
    #[error("organisation words {path}: {message}")]
    OrgWords {
        /// The file.
        path: PathBuf,
        /// What is wrong with it and what to do.
        message: String,
    },
    #[error("{0}")]
    /// Anything else that is not as it must be, with the reason.
    Invalid(String),
}

impl Error {
    /// A read error of `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// A write error of `path`.
    pub fn write(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Write {
            path: path.into(),
            source,
        }
    }

    /// A problem with the model folder `path`.
    pub fn model(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Error::Model {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
