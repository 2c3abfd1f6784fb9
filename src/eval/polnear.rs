//! Reader for PolNeAR (Newell et al. 2018): attribution relations in brat standoff.
//!
//! Reads: a split folder `DIR/text/NAME.txt` + `DIR/attributions/NAME_ANNOTATOR.ann`, and
//! `DIR/../metadata.tsv` (the annotator of record per file) when present. Writes:
//! `PolnearDoc`s, each with its text and attributions (content, cue and source as lists
//! of code point fragments; the offsets of PolNeAR are code points, checked on its
//! non-ASCII files). A file annotated twice uses the annotator named in the metadata,
//! else the first in name order. Lines other than `T` and `E` (notes, continuation lines
//! of a span text holding a newline) are skipped; a span outside the text is dropped.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A `[start, end)` code point range of the text.
pub(crate) type Fragment = (usize, usize);

/// One attribution: what was said (content), the cue, and who said it (source).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attribution {
    pub content: Vec<Fragment>,
    pub cue: Vec<Fragment>,
    pub source: Vec<Fragment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolnearDoc {
    pub name: String,
    pub text: String,
    pub attributions: Vec<Attribution>,
}

/// Parses one `.ann` file against its text length (code points).
pub(crate) fn parse_ann(ann: &str, text_len: usize) -> Vec<Attribution> {
    let mut spans: HashMap<&str, Vec<Fragment>> = HashMap::new();
    let mut relations: Vec<&str> = Vec::new();
    for line in ann.lines() {
        let mut fields = line.split('\t');
        let (Some(id), Some(body)) = (fields.next(), fields.next()) else {
            continue;
        };
        if id.starts_with('T') {
            if let Some(fragments) = parse_fragments(body, text_len) {
                spans.insert(id, fragments);
            }
        } else if id.starts_with('E') {
            relations.push(body);
        }
    }
    relations
        .into_iter()
        .filter_map(|body| {
            let mut a = Attribution::default();
            for arg in body.split_whitespace() {
                let Some((role, target)) = arg.split_once(':') else {
                    continue;
                };
                let fragments = spans.get(target).cloned().unwrap_or_default();
                match role {
                    "Content" | "Content2" => a.content.extend(fragments),
                    "Cue" => a.cue.extend(fragments),
                    "Source" => a.source.extend(fragments),
                    _ => {}
                }
            }
            a.content.sort_unstable();
            (!a.content.is_empty()).then_some(a)
        })
        .collect()
}

/// `Label 12 20;25 30` → fragments, or `None` when malformed or outside the text.
fn parse_fragments(body: &str, text_len: usize) -> Option<Vec<Fragment>> {
    let (_, ranges) = body.split_once(' ')?;
    ranges
        .split(';')
        .map(|r| {
            let (s, e) = r.trim().split_once(' ')?;
            let (s, e) = (s.parse().ok()?, e.parse().ok()?);
            (s < e && e <= text_len).then_some((s, e))
        })
        .collect()
}

/// The annotator of record per file name, from `metadata.tsv` (`filename` and
/// `annotators` columns).
fn annotators(metadata: &Path) -> Result<HashMap<String, String>> {
    let text = match std::fs::read_to_string(metadata) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(HashMap::new()),
        Err(e) => return Err(Error::io(metadata, e)),
    };
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
    let column = |name: &str| header.iter().position(|h| *h == name);
    let (Some(file), Some(who)) = (column("filename"), column("annotators")) else {
        return Err(Error::Data {
            path: metadata.to_path_buf(),
            line: 1,
            message: "expected `filename` and `annotators` columns".into(),
        });
    };
    Ok(lines
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Some((f.get(file)?.to_string(), f.get(who)?.to_string()))
        })
        .collect())
}

fn list(dir: &Path, ext: &str) -> Result<Vec<PathBuf>> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    out.sort();
    Ok(out)
}

/// Reads a split folder such as `../shared/data/polnear/dev`: every text with an
/// annotation file, in name order.
pub fn read_split(dir: &Path) -> Result<Vec<PolnearDoc>> {
    let texts = dir.join("text");
    let anns = dir.join("attributions");
    if !texts.is_dir() || !anns.is_dir() {
        return Err(Error::Invalid(format!(
            "{} is not a PolNeAR split: expected text/ and attributions/ in it \
             (e.g. ../shared/data/polnear/dev)",
            dir.display()
        )));
    }
    let of_record = annotators(&dir.join("../metadata.tsv"))?;
    let mut by_name: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for ann in list(&anns, "ann")? {
        let stem = ann.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        if let Some((name, _)) = stem.rsplit_once('_') {
            by_name
                .entry(name.to_string())
                .or_default()
                .push(ann.clone());
        }
    }
    let mut docs = Vec::with_capacity(by_name.len());
    for (name, files) in by_name {
        let text_path = texts.join(format!("{name}.txt"));
        if !text_path.is_file() {
            continue;
        }
        let chosen = of_record
            .get(&name)
            .and_then(|who| {
                files.iter().find(|f| {
                    f.file_stem()
                        .and_then(|s| s.to_str())
                        .is_some_and(|s| s.ends_with(&format!("_{who}")))
                })
            })
            .or(files.first());
        let Some(ann_path) = chosen else {
            continue;
        };
        let text = std::fs::read_to_string(&text_path).map_err(|e| Error::io(&text_path, e))?;
        let ann = std::fs::read_to_string(ann_path).map_err(|e| Error::io(ann_path, e))?;
        let attributions = parse_ann(&ann, text.chars().count());
        docs.push(PolnearDoc {
            name,
            text,
            attributions,
        });
    }
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_spans_relations_and_discontinuous_content() {
        let ann = "T1\tSource 0 3\tBob\n\
                   T2\tCue 10 14\tsaid\n\
                   T3\tContent 5 8;16 20\tHi, there\n\
                   T4\tAttribution 10 14\tsaid\n\
                   E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n\
                   #1\tAnnotatorNotes T3\tnote\n\
                   a continuation line of a span text\n\
                   T5\tContent 30 999\toutside\n\
                   E2\tAttribution-no-source:T4 Content:T5 Cue:T2\n";
        let got = parse_ann(ann, 40);
        assert_eq!(
            got,
            vec![Attribution {
                content: vec![(5, 8), (16, 20)],
                cue: vec![(10, 14)],
                source: vec![(0, 3)],
            }]
        );
    }

    #[test]
    fn reads_a_split_preferring_the_annotator_of_record() {
        let root = tempfile::tempdir().expect("temp dir");
        let split = root.path().join("dev");
        std::fs::create_dir_all(split.join("text")).expect("mkdir");
        std::fs::create_dir_all(split.join("attributions")).expect("mkdir");
        std::fs::write(split.join("text/doc.txt"), "Zoë said “hi.”").expect("write");
        let ann = |cue: &str| {
            format!(
                "T1\tContent 10 12\thi\nT2\tCue {cue}\tx\nE1\tAttribution:T2 Content:T1 Cue:T2\n"
            )
        };
        std::fs::write(split.join("attributions/doc_aaaa.ann"), ann("0 1")).expect("write");
        std::fs::write(split.join("attributions/doc_bbbb.ann"), ann("4 8")).expect("write");
        std::fs::write(
            root.path().join("metadata.tsv"),
            "compartment\tfilename\tlevel\tannotators\ndev\tdoc\t1\tbbbb\n",
        )
        .expect("write");
        let docs = read_split(&split).expect("reads");
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].attributions[0].cue, vec![(4, 8)]);
        assert_eq!(docs[0].attributions[0].content, vec![(10, 12)]);
    }
}
