//! Checksums recorded beside trained weights and checked when a model that depends on
//! another one is loaded.

use std::path::Path;

use crate::error::{Error, Result};

/// Hex SHA-256 of a file, recorded beside trained weights. For a folder: of the lines
/// `relative/path sha256`, one per file under it in path order.
pub(crate) fn sha256_file(path: &Path) -> Result<String> {
    use sha2::Digest;
    if path.is_dir() {
        let mut files = Vec::new();
        collect_files(path, &mut files)?;
        files.sort();
        let mut listing = String::new();
        for file in files {
            let relative = file.strip_prefix(path).unwrap_or(&file);
            listing += &format!("{} {}\n", relative.display(), sha256_file(&file)?);
        }
        return Ok(format!("{:x}", sha2::Sha256::digest(listing.as_bytes())));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    Ok(format!("{:x}", sha2::Sha256::digest(&bytes)))
}

fn collect_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        if path.is_dir() {
            collect_files(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}
