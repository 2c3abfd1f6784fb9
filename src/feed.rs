//! What makes a record ready to index without a join: global claim ids, each claim's
//! sentence text, companies with their knowledge-base id, kind and tickers, and the digest
//! of the model set that produced it.
//!
//! Claim ids and sentence texts are set by `Record::from_document` with `claim_id`'s
//! recipe; `describe_companies` adds the knowledge base's facts to a finished record.

use std::path::Path;

use crate::companies::KnowledgeBase;
use crate::error::Result;
use crate::model::precision::Precision;
pub use crate::record::claim_id;
use crate::record::Record;

/// `sha256:` and the first 16 hex digits of the model folder's digest
/// (`digest::sha256_file`: every file's path and SHA-256, in path order), then `+` and the
/// precision the encoders computed in, since the same models give other scores in bf16.
pub fn models_digest(models: &Path, precision: Precision) -> Result<String> {
    let full = crate::digest::sha256_file(models)?;
    Ok(format!(
        "sha256:{}+{}",
        &full[..16.min(full.len())],
        precision.name()
    ))
}

/// Fills each company's knowledge-base `id`, `kind` and `tickers`.
pub fn describe_companies(record: &mut Record, companies: &KnowledgeBase) {
    for company in &mut record.companies {
        if let Some(entry) = companies.named(&company.name) {
            company.id = Some(entry.id());
            company.kind = Some(entry.kind.as_str().to_string());
            company.tickers = entry.tickers.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    #[test]
    fn claim_ids_follow_the_recipe() {
        let text = "Acme said \"we win\".";
        let text_hash = format!("{:x}", Sha256::digest(text.as_bytes()));
        let key = format!("4:a-01:{text_hash}:11:17");
        let want = format!("{:x}", Sha256::digest(key.as_bytes()));
        assert_eq!(claim_id("a-01", text, 11, 17), want[..16]);
    }

    #[test]
    fn claim_ids_change_with_article_text_and_span() {
        let id = claim_id("a", "text one", 0, 4);
        assert_eq!(id, claim_id("a", "text one", 0, 4));
        assert_ne!(id, claim_id("b", "text one", 0, 4));
        assert_ne!(id, claim_id("a", "text two", 0, 4));
        assert_ne!(id, claim_id("a", "text one", 0, 3));
        // The length prefix separates "a:1" + "x" from "a" + "1:x"-like ids.
        assert_ne!(claim_id("a:1", "x", 0, 1), claim_id("a", "x", 0, 1));
    }
}
