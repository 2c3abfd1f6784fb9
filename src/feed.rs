//! What makes a record ready to index without a join: global claim ids, each claim's
//! sentence text, companies with their knowledge-base id, kind and tickers, and the digest
//! of the model set that produced it.
//!
//! Reads a finished `Record` and its article text; writes those fields in place.

use std::path::Path;

use sha2::{Digest, Sha256};

use crate::companies::KnowledgeBase;
use crate::doc::CharIndex;
use crate::error::Result;
use crate::record::Record;

/// Hex digits kept of a claim id's SHA-256 (64 bits: a collision among a billion claims
/// has odds of about 3%, among a million about 3e-8).
const CLAIM_ID_HEX: usize = 16;

/// The global id of the claim quoting code points `[start, end)` of `text` in article
/// `article_id`: the first 16 hex digits of
/// `sha256("{len(article_id)}:{article_id}:{sha256_hex(text)}:{start}:{end}")`, where
/// `len` counts UTF-8 bytes. The same article id, text and quote span give the same id on
/// every run and machine; the length prefix keeps ids such as `a:b` from colliding.
pub fn claim_id(article_id: &str, text: &str, start: usize, end: usize) -> String {
    let text_hash = format!("{:x}", Sha256::digest(text.as_bytes()));
    claim_id_from_hash(article_id, &text_hash, start, end)
}

fn claim_id_from_hash(article_id: &str, text_hash: &str, start: usize, end: usize) -> String {
    let key = format!(
        "{}:{article_id}:{text_hash}:{start}:{end}",
        article_id.len()
    );
    let digest = format!("{:x}", Sha256::digest(key.as_bytes()));
    digest[..CLAIM_ID_HEX].to_string()
}

/// `sha256:` and the first 16 hex digits of the model folder's digest
/// (`digest::sha256_file`: every file's path and SHA-256, in path order).
pub fn models_digest(models: &Path) -> Result<String> {
    let full = crate::digest::sha256_file(models)?;
    Ok(format!("sha256:{}", &full[..16.min(full.len())]))
}

/// Fills the fields an index needs: claim ids (a second claim on the same span gets `-2`,
/// so ids stay unique within a record), sentence texts, company ids, kinds and tickers.
pub fn finish(record: &mut Record, text: &str, companies: &KnowledgeBase) {
    let text_hash = format!("{:x}", Sha256::digest(text.as_bytes()));
    let index = CharIndex::new(text);
    let mut seen: Vec<String> = Vec::with_capacity(record.claims.len());
    for claim in &mut record.claims {
        let base = claim_id_from_hash(&record.id, &text_hash, claim.quote.start, claim.quote.end);
        let mut id = base.clone();
        let mut n = 1;
        while seen.contains(&id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        seen.push(id.clone());
        claim.id = id;
        if let Some(sentence) = &mut claim.sentence {
            sentence.text = index
                .span(text, sentence.start, sentence.end)
                .map(|s| s.text);
        }
    }
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
