//! `claimlink run --index DB`: each batch's records go into the index as the batch is
//! written, one transaction per batch, without a second pass over the output.

use crate::companies::KnowledgeBase;
use crate::index::{open::open_sink, IndexError, Rows, Sink, Unit};
use crate::record::Record;

pub(crate) struct RunIndex {
    sink: Box<dyn Sink>,
    pending: Vec<Rows>,
    /// Claims written so far.
    pub claims: usize,
}

impl RunIndex {
    /// Opens (creating) the index at `db` and loads the knowledge base's names into it.
    pub(crate) fn open(db: &str, companies: &KnowledgeBase) -> Result<Self, IndexError> {
        let mut sink = open_sink(db, None, crate::index::sqlite::DEFAULT_WAIT)?;
        sink.companies(companies)?;
        Ok(RunIndex {
            sink,
            pending: Vec::new(),
            claims: 0,
        })
    }

    pub(crate) fn add(&mut self, record: &Record) -> Result<(), IndexError> {
        let rows = Rows::from_record(record, Unit::Codepoint)?;
        self.claims += rows.claims.len();
        self.pending.push(rows);
        Ok(())
    }

    /// Writes what was added since the last commit, in one transaction.
    pub(crate) fn commit(&mut self) -> Result<(), IndexError> {
        self.sink.write_batch(&self.pending)?;
        self.pending.clear();
        Ok(())
    }
}

impl From<IndexError> for crate::Error {
    fn from(e: IndexError) -> Self {
        match e {
            IndexError::Library(e) => e,
            other => crate::Error::Invalid(format!("index: {other}")),
        }
    }
}
