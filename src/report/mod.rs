//! `claimlink report PRED.jsonl [--gold GOLD.jsonl] [--articles INPUT.jsonl] -o FILE`: one
//! self-contained HTML file (no network, no external assets) to look at what claimlink
//! found: a corpus overview rendered here, and the articles rendered by the page's one
//! script from embedded JSON, a page at a time so big corpora stay fast.
//!
//! Safety: every text the overview shows goes through `escape`; the embedded data is JSON
//! with `<`, `>`, `&`, U+2028 and U+2029 written as `\uXXXX`, so nothing in it can end the
//! `<script type="application/json">` element; the script builds the articles with DOM
//! calls (`textContent`, never `innerHTML`); and a Content-Security-Policy allows only the
//! page's own script (by hash), inline styles and no network at all.

mod articles;
mod overview;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::eval::gold::{read_gold, GoldRecord};
use crate::io::write::OutputFile;
use crate::record::Record;

const SCRIPT: &str = include_str!("page.js");
const STYLE: &str = include_str!("page.css");

/// What to report and where: the options of `claimlink report`.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// claimlink/1 output (JSONL); with text (`run --with-text`) the report shows it.
    pub pred: PathBuf,
    /// Gold JSONL (as for `eval corpus`): marks misses and false positives, adds scores.
    pub gold: Option<PathBuf>,
    /// The input JSONL (`{"id", "text"}` per line), for records written without text.
    pub articles: Option<PathBuf>,
    /// The HTML file to write (atomically, never one of the inputs).
    pub output: PathBuf,
}

/// The records of a claimlink/1 file, and how many error lines it had.
pub(crate) fn read_records(path: &Path) -> Result<(Vec<Record>, usize)> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let (mut records, mut errors) = (Vec::new(), 0);
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let bad = |message: String| Error::Data {
            path: path.to_path_buf(),
            line: i + 1,
            message,
        };
        let value: serde_json::Value =
            serde_json::from_str(line).map_err(|e| bad(format!("not JSON: {e}")))?;
        if value.get("error").is_some() {
            errors += 1;
            continue;
        }
        let record: Record = serde_json::from_value(value)
            .map_err(|e| bad(format!("not a claimlink/1 record: {e}")))?;
        records.push(record);
    }
    Ok((records, errors))
}

/// Article texts by id from an input JSONL file.
fn read_texts(path: &Path) -> Result<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let mut texts = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value = serde_json::from_str(line).map_err(|e| Error::Data {
            path: path.to_path_buf(),
            line: i + 1,
            message: format!("not JSON: {e}"),
        })?;
        let field = |name: &str| value.get(name).and_then(|v| v.as_str()).map(str::to_string);
        if let (Some(id), Some(text)) = (field("id"), field("text")) {
            texts.insert(id, text);
        }
    }
    Ok(texts)
}

/// Text for HTML element content and quoted attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// JSON that is safe inside `<script type="application/json">`: the characters that could
/// close the element or start markup, and the JavaScript line separators, as `\uXXXX`
/// (they can only occur inside JSON strings, where the escape means the same).
pub(crate) fn script_json(value: &serde_json::Value) -> String {
    let text = value.to_string();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The whole page.
pub(crate) fn render(
    records: &[Record],
    errors: usize,
    gold: Option<&[GoldRecord]>,
    texts: &BTreeMap<String, String>,
) -> String {
    let gold_by_id: Option<BTreeMap<&str, &GoldRecord>> =
        gold.map(|g| g.iter().map(|r| (r.id.as_str(), r)).collect());
    let data = articles::data(records, gold_by_id.as_ref(), texts);
    let overview = overview::render(records, errors, gold);
    let hash = base64(&Sha256::digest(SCRIPT.as_bytes()));
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         script-src 'sha256-{hash}'; style-src 'unsafe-inline'; img-src data:\">\n\
         <title>claimlink report</title>\n<style>{STYLE}</style></head>\n<body>\n\
         <h1>claimlink report</h1>\n{overview}\n\
         <section id=\"articles\"><h2>Articles</h2>\n\
         <div id=\"filters\"><label>company <select id=\"f-company\"><option value=\"\">any</option></select></label>\
         <label>speaker <select id=\"f-speaker\"><option value=\"\">any</option></select></label>\
         <label>sentiment <select id=\"f-sentiment\"><option value=\"\">any</option>\
         <option>negative</option><option>neutral</option><option>positive</option></select></label>\
         <span class=\"hint\">(sentiment of a claim, or of the chosen company)</span></div>\n\
         <div class=\"pager\"><button id=\"prev\" type=\"button\">&larr; previous</button> <span id=\"page-info\"></span> \
         <button id=\"next\" type=\"button\">next &rarr;</button></div>\n\
         <div id=\"article-list\"></div></section>\n\
         <script type=\"application/json\" id=\"data\">{}</script>\n\
         <script>{SCRIPT}</script>\n</body></html>\n",
        script_json(&data)
    )
}

/// Writes the report.
pub fn write_report(options: &ReportOptions) -> Result<()> {
    let inputs: Vec<PathBuf> = [
        Some(&options.pred),
        options.gold.as_ref(),
        options.articles.as_ref(),
    ]
    .into_iter()
    .flatten()
    .cloned()
    .collect();
    // Refused (an input, a folder) before anything is read; removed if anything fails.
    let out = OutputFile::create(&options.output, &inputs)?;
    let (records, errors) = read_records(&options.pred)?;
    let gold = options.gold.as_deref().map(read_gold).transpose()?;
    let texts = match &options.articles {
        Some(path) => read_texts(path)?,
        None => BTreeMap::new(),
    };
    let html = render(&records, errors, gold.as_deref(), &texts);
    let mut file = out.handle()?;
    file.write_all(html.as_bytes())
        .map_err(|e| Error::write(&options.output, e))?;
    out.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_the_script_element() {
        let value = serde_json::json!({"t": "</script><!-- \u{2028} & <img>"});
        let out = script_json(&value);
        assert!(!out.contains('<') && !out.contains('>') && !out.contains('&'));
        assert!(!out.contains('\u{2028}'));
        let back: serde_json::Value = serde_json::from_str(&out).expect("still JSON");
        assert_eq!(back, value);
    }

    #[test]
    fn base64_matches_known_values() {
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64(b"fooba"), "Zm9vYmE=");
        assert_eq!(base64(b"foob"), "Zm9vYg==");
        assert_eq!(base64(b""), "");
    }

    #[test]
    fn escape_covers_markup_and_quotes() {
        assert_eq!(
            escape("<a href='x'>\"&"),
            "&lt;a href=&#39;x&#39;&gt;&quot;&amp;"
        );
    }
}
