//! `claimlink eval business`: direct quotes in business news, with speaker, affiliation
//! and target company, against the project's own dev set (`gold/business-quotes-dev.jsonl`,
//! its guide in `gold/README.md`).
//!
//! Reads: the gold JSONL (one line per document: `doc` (a CoNLL document index) or `id`
//! (an article id in a JSONL data file such as `reuters-2006-2013/articles.jsonl`),
//! `file`, `text_sha256`, `claims`, optionally `split`), the files it names under the data
//! folder (CoNLL texts are rebuilt exactly as `eval ner` builds them, JSONL texts are the
//! article's `text`; each is checked against the hash, so no data-set text lives in the
//! project), keeps the documents of the asked split (a line without `split` is dev), and
//! runs the real pipeline (`Pipeline::annotate`, plain markup) on them.
//! Writes: `BusinessScores`.
//!
//! Scores: direct claims matched one-to-one to gold quotes by overlap (largest first);
//! on matched quotes, speaker accuracy (the predicted speaker mention overlaps the gold
//! speaker span, or its name or text equals the gold speaker's text, or, when the gold
//! speaker is an organisation, names the same company), affiliation accuracy (the
//! speaker's `affiliation` names the gold one) and title accuracy (the predicted title
//! overlaps the gold one); target precision and recall over all
//! predicted and gold claims (a target is right on a matched quote whose gold target
//! names the same company, see `Names::same`).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Deserialize;

use crate::companies::names::Names;
use crate::doc::Article;
use crate::error::{Error, Result};
use crate::eval::conll::{read_conll, ConllDocument};
use crate::eval::metrics::{match_by_overlap, Counts};
use crate::eval::ner::document_text;
use crate::eval::newsmtsc::TargetExample;
use crate::eval::quotes::speaker_texts;
use crate::model::sentiment::LABELS;
use crate::model::tags::TagSet;
use crate::pipeline::Pipeline;
use crate::record::{Claim, ClaimKind, Record};

/// A code point range `[start, end)` in the gold file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct CharRange {
    pub start: usize,
    pub end: usize,
}

impl CharRange {
    fn overlaps(&self, start: usize, end: usize) -> bool {
        self.start.max(start) < self.end.min(end)
    }
}

/// An organisation by canonical name, with where the text names it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct GoldNamed {
    pub name: String,
    pub mention: Option<CharRange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct GoldClaim {
    pub quote: CharRange,
    pub speaker: Option<CharRange>,
    #[serde(default)]
    pub title: Option<CharRange>,
    #[serde(default)]
    pub affiliation: Option<GoldNamed>,
    #[serde(default)]
    pub target: Option<GoldNamed>,
    #[serde(default)]
    pub cue: Option<CharRange>,
    /// How the attribution names the speaker (`apposition`, `premodifier`, ...).
    #[serde(default)]
    pub shape: Option<String>,
}

impl GoldClaim {
    /// The speaker is the organisation itself (its span is the affiliation's mention).
    fn speaker_is_organisation(&self) -> bool {
        self.shape.as_deref() == Some("organisation")
            || matches!((&self.speaker, &self.affiliation),
                (Some(s), Some(GoldNamed { mention: Some(m), .. })) if s == m)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct GoldDoc {
    /// The document's 0-based index in a CoNLL file (`gold/business-quotes-dev.jsonl`).
    #[serde(default)]
    pub doc: Option<usize>,
    /// The article's `id` in a JSONL data file (`gold/business-quotes-reuters-2006-2013.jsonl`).
    #[serde(default)]
    pub id: Option<String>,
    pub file: String,
    pub text_sha256: String,
    /// `train` or `dev`; absent means dev (the CoNLL set is a dev set).
    #[serde(default)]
    pub split: Option<String>,
    pub claims: Vec<GoldClaim>,
    /// Every named organisation's sentiment in its paragraph (the 2006–2013 set).
    #[serde(default)]
    pub organisations: Vec<GoldOrganisation>,
}

/// An organisation's sentiment in one paragraph: how the paragraph treats it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct GoldOrganisation {
    pub paragraph: CharRange,
    pub name: String,
    pub mention: CharRange,
    /// `negative`, `neutral` or `positive`; absent in a file of unlabelled mentions
    /// (`scripts/unlabelled-orgs.py`), which no gold reader accepts.
    #[serde(default)]
    pub sentiment: String,
}

/// The organisations of `docs` as sentiment examples: each paragraph with its
/// organisation's mention as the target, the way a user passes known targets.
pub fn organisation_examples(docs: &[(GoldDoc, String)]) -> Result<Vec<TargetExample>> {
    paragraph_targets(docs, true)
}

/// The same windows for unlabelled mentions (their `label` is neutral's index and unused):
/// what a teacher gives soft labels to.
pub fn organisation_mentions(docs: &[(GoldDoc, String)]) -> Result<Vec<TargetExample>> {
    paragraph_targets(docs, false)
}

fn paragraph_targets(docs: &[(GoldDoc, String)], labelled: bool) -> Result<Vec<TargetExample>> {
    let mut out = Vec::new();
    for (doc, text) in docs {
        let chars: Vec<char> = text.chars().collect();
        for (k, o) in doc.organisations.iter().enumerate() {
            let (p, m) = (o.paragraph, o.mention);
            let fits =
                p.start <= m.start && m.start < m.end && m.end <= p.end && p.end <= chars.len();
            let label = match labelled {
                true => LABELS.iter().position(|&l| l == o.sentiment),
                false => Some(1),
            };
            let (true, Some(label)) = (fits, label) else {
                return Err(Error::Invalid(format!(
                    "{}: organisations[{k}] ({}): the mention must lie in its paragraph inside the \
                     text, and sentiment be negative, neutral or positive",
                    doc.label(),
                    o.name
                )));
            };
            out.push(TargetExample {
                sentence: chars[p.start..p.end].iter().collect(),
                target: (m.start - p.start, m.end - p.start),
                label,
            });
        }
    }
    Ok(out)
}

impl GoldDoc {
    /// How messages name the document: `doc 115 of conll2003/train.txt` or the article id.
    pub fn label(&self) -> String {
        match (&self.id, self.doc) {
            (Some(id), _) => format!("{id} of {}", self.file),
            (None, Some(d)) => format!("doc {d} of {}", self.file),
            (None, None) => format!("a document of {}", self.file),
        }
    }

    /// The id given to the pipeline's article.
    pub(crate) fn article_id(&self) -> String {
        match (&self.id, self.doc) {
            (Some(id), _) => id.clone(),
            (None, d) => format!("{}#{}", self.file, d.unwrap_or_default()),
        }
    }
}

/// Which documents of a gold file are scored (`--split`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Split {
    /// Documents marked `dev`, and those with no `split` (default).
    #[default]
    Dev,
    /// Documents marked `train`.
    Train,
    /// Every document.
    All,
}

impl Split {
    pub fn name(self) -> &'static str {
        match self {
            Split::Dev => "dev",
            Split::Train => "train",
            Split::All => "all",
        }
    }

    fn keeps(self, doc: &GoldDoc) -> bool {
        match self {
            Split::All => true,
            Split::Dev => matches!(doc.split.as_deref(), None | Some("dev")),
            Split::Train => doc.split.as_deref() == Some("train"),
        }
    }
}

/// Reads the gold JSONL with each document's line number; refuses a file without
/// documents, a line naming neither or both of `doc` and `id`, and an unknown split.
pub fn read_gold(path: &Path) -> Result<Vec<(usize, GoldDoc)>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let mut docs = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let fail = |message: String| Error::Data {
            path: path.to_path_buf(),
            line: n + 1,
            message,
        };
        let doc: GoldDoc = serde_json::from_str(line)
            .map_err(|e| fail(format!("not a gold document line ({e})")))?;
        if doc.doc.is_some() == doc.id.is_some() {
            return Err(fail(
                "a gold document names either `doc` (a CoNLL index) or `id` (an article id), \
                 not both or neither"
                    .into(),
            ));
        }
        if let Some(split) = doc
            .split
            .as_deref()
            .filter(|s| !matches!(*s, "dev" | "train"))
        {
            return Err(fail(format!("split {split:?} is not \"dev\" or \"train\"")));
        }
        docs.push((n + 1, doc));
    }
    if docs.is_empty() {
        return Err(Error::Invalid(format!(
            "{} holds no documents: expected one JSON line per document \
             ({{\"doc\" or \"id\", \"file\", \"text_sha256\", \"claims\"}}), see gold/README.md",
            path.display()
        )));
    }
    Ok(docs)
}

fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    format!("{:x}", sha2::Sha256::digest(text.as_bytes()))
}

/// Checks that `text` is the one the gold was made on and that every span fits in it.
pub fn check_text(doc: &GoldDoc, text: &str, gold_path: &Path, line: usize) -> Result<()> {
    let fail = |message: String| Error::Data {
        path: gold_path.to_path_buf(),
        line,
        message,
    };
    if sha256_hex(text) != doc.text_sha256 {
        return Err(fail(format!(
            "{}: text_sha256 does not match the rebuilt text (another version \
             of the data set, or a changed text builder)",
            doc.label()
        )));
    }
    let len = text.chars().count();
    for (k, claim) in doc.claims.iter().enumerate() {
        let named = |n: &Option<GoldNamed>| n.as_ref().and_then(|n| n.mention);
        let spans = [
            Some(claim.quote),
            claim.speaker,
            claim.title,
            claim.cue,
            named(&claim.affiliation),
            named(&claim.target),
        ];
        if let Some(bad) = spans
            .iter()
            .flatten()
            .find(|r| r.start >= r.end || r.end > len)
        {
            return Err(fail(format!(
                "{} claim {k}: span {}..{} is empty or outside the text ({len} characters)",
                doc.label(),
                bad.start,
                bad.end
            )));
        }
    }
    Ok(())
}

/// A predicted direct claim as the scorer sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Predicted {
    pub quote: (usize, usize),
    pub speaker: Option<(usize, usize)>,
    /// The speaker's name and mention text.
    pub speaker_texts: Vec<String>,
    /// The speaker's title span.
    pub title: Option<(usize, usize)>,
    /// The speaker's affiliation's name.
    pub affiliation: Option<String>,
    pub target: Option<String>,
}

impl Predicted {
    pub(crate) fn from_record(record: &Record) -> Vec<Predicted> {
        record
            .claims
            .iter()
            .filter(|c| c.kind == ClaimKind::Direct)
            .map(Predicted::from_claim)
            .collect()
    }

    fn from_claim(c: &Claim) -> Predicted {
        let speaker = c.speaker.as_ref();
        let mention = speaker.and_then(|s| s.mention.as_ref());
        Predicted {
            quote: (c.quote.start, c.quote.end),
            speaker: mention.map(|m| (m.start, m.end)),
            speaker_texts: speaker_texts(c),
            title: (speaker.and_then(|s| s.title.as_ref())).map(|t| (t.start, t.end)),
            affiliation: (speaker.and_then(|s| s.affiliation.as_ref())).map(|a| a.name.clone()),
            target: c.target.as_ref().map(|t| t.name.clone()),
        }
    }
}

/// Right and total of one accuracy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub right: usize,
    pub total: usize,
}

impl Tally {
    fn add(&mut self, right: bool) {
        self.right += usize::from(right);
        self.total += 1;
    }

    pub fn accuracy(&self) -> f64 {
        self.right as f64 / self.total.max(1) as f64
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BusinessScores {
    pub documents: usize,
    /// Direct claims against gold quotes, overlap-matched one-to-one.
    pub quotes: Counts,
    /// Matched quotes whose speaker is right.
    pub speaker: Tally,
    /// Speaker accuracy per gold speaker shape.
    pub speaker_by_shape: BTreeMap<String, Tally>,
    /// Matched quotes whose gold has an affiliation.
    pub affiliation: Tally,
    /// Matched quotes with a predicted affiliation where the gold has none.
    pub affiliation_unwanted: usize,
    /// Matched quotes whose gold has a title: the predicted title overlaps it.
    pub title: Tally,
    /// Right targets, predicted targets (fp), gold targets missed (fn).
    pub target: Counts,
    /// Gold quotes found, among those with no line break in them or between them and
    /// their marks: CoNLL texts put each sentence on its own line, which splits quotes
    /// that real paragraphs keep on one line.
    pub one_line_recall: Tally,
    /// Every wrong speaker, affiliation, title and target of a matched quote, for `--mistakes`.
    pub mistakes: Vec<Mistake>,
}

/// One scored field of a matched quote that the prediction got wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mistake {
    pub document: String,
    /// The gold quote's first words.
    pub quote: String,
    pub field: &'static str,
    pub gold: Option<String>,
    pub predicted: Option<String>,
}

impl Mistake {
    fn line(&self) -> String {
        let or_none = |s: &Option<String>| s.clone().unwrap_or_else(|| "(none)".into());
        format!(
            "{:<11} gold {:?}, predicted {:?}  [{}: \"{}\"]",
            self.field,
            or_none(&self.gold),
            or_none(&self.predicted),
            self.document,
            self.quote
        )
    }
}

fn text_of(chars: &[char], r: CharRange) -> String {
    chars[r.start.min(chars.len())..r.end.min(chars.len())]
        .iter()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

impl BusinessScores {
    /// Scores the predictions of one document.
    pub fn add(
        &mut self,
        document: &str,
        chars: &[char],
        gold: &[GoldClaim],
        predicted: &[Predicted],
        names: &Names,
    ) {
        self.documents += 1;
        let ranges: Vec<(usize, usize)> = predicted.iter().map(|p| p.quote).collect();
        let gold_ranges: Vec<(usize, usize)> =
            gold.iter().map(|g| (g.quote.start, g.quote.end)).collect();
        let pairs = match_by_overlap(&ranges, &gold_ranges);
        let matched = pairs.len();
        let mut found = vec![false; gold.len()];
        let mut target_right = 0;
        for &(i, j) in &pairs {
            found[j] = true;
            let (p, g) = (&predicted[i], &gold[j]);
            let speaker = self.speaker_right(chars, g, p, names);
            let mut mistake = |field, gold: Option<String>, predicted: Option<String>| {
                let quote = text_of(chars, g.quote);
                let quote = quote.split(' ').take(8).collect::<Vec<_>>().join(" ");
                self.mistakes.push(Mistake {
                    document: document.to_string(),
                    quote,
                    field,
                    gold,
                    predicted,
                });
            };
            let span = |r: Option<(usize, usize)>| {
                r.map(|(s, e)| text_of(chars, CharRange { start: s, end: e }))
            };
            if !speaker {
                let gold_speaker = g.speaker.map(|r| text_of(chars, r));
                let shown = p.speaker_texts.first().cloned().or_else(|| span(p.speaker));
                mistake("speaker", gold_speaker, shown);
            }
            // A name is right when it is the gold's, or when neither has one.
            let same_name = |gold: Option<&str>, predicted: Option<&String>| match (gold, predicted)
            {
                (Some(gold), Some(p)) => names.same(p, gold),
                (gold, predicted) => gold.is_none() && predicted.is_none(),
            };
            let gold_affiliation = g.affiliation.as_ref().map(|a| a.name.as_str());
            let affiliation_right = same_name(gold_affiliation, p.affiliation.as_ref());
            if !affiliation_right {
                let gold = gold_affiliation.map(str::to_string);
                mistake("affiliation", gold, p.affiliation.clone());
            }
            let title_right = g
                .title
                .map(|t| p.title.is_some_and(|(s, e)| t.overlaps(s, e)));
            if let (Some(gold), Some(false)) = (g.title, title_right) {
                mistake("title", Some(text_of(chars, gold)), span(p.title));
            }
            let gold_target = g.target.as_ref().map(|t| t.name.as_str());
            let target_ok = same_name(gold_target, p.target.as_ref());
            if !target_ok {
                mistake("target", gold_target.map(str::to_string), p.target.clone());
            }
            self.speaker.add(speaker);
            let shape = g.shape.clone().unwrap_or_else(|| "none".into());
            self.speaker_by_shape.entry(shape).or_default().add(speaker);
            match (gold_affiliation, &p.affiliation) {
                (Some(_), _) => self.affiliation.add(affiliation_right),
                (None, Some(_)) => self.affiliation_unwanted += 1,
                (None, None) => {}
            }
            if let Some(right) = title_right {
                self.title.add(right);
            }
            target_right += usize::from(target_ok && g.target.is_some());
        }
        for (j, g) in gold.iter().enumerate() {
            let around =
                &chars[g.quote.start.saturating_sub(2)..(g.quote.end + 2).min(chars.len())];
            if !around.contains(&'\n') {
                self.one_line_recall.add(found[j]);
            }
        }
        self.quotes.add(Counts {
            tp: matched,
            fp: predicted.len() - matched,
            fn_: gold.len() - matched,
        });
        let predicted_targets = predicted.iter().filter(|p| p.target.is_some()).count();
        let gold_targets = gold.iter().filter(|g| g.target.is_some()).count();
        self.target.add(Counts {
            tp: target_right,
            fp: predicted_targets - target_right,
            fn_: gold_targets - target_right,
        });
    }

    fn speaker_right(&self, chars: &[char], g: &GoldClaim, p: &Predicted, names: &Names) -> bool {
        let Some(gold) = g.speaker else {
            return p.speaker.is_none() && p.speaker_texts.is_empty();
        };
        if p.speaker.is_some_and(|(s, e)| gold.overlaps(s, e)) {
            return true;
        }
        // A pronoun mention resolved to the name ("he" named "Ann Lee") is right, and so is
        // a longer or shorter form of the same name ("Lee", "Sir Ann Lee").
        let gold_text = text_of(chars, gold);
        if p.speaker_texts.iter().any(|t| names.same(t, &gold_text)) {
            return true;
        }
        match (&g.affiliation, g.speaker_is_organisation()) {
            (Some(a), true) => p.speaker_texts.iter().any(|t| names.same(t, &a.name)),
            _ => false,
        }
    }

    /// The counts and accuracies, for `--json`.
    pub fn to_json(&self) -> serde_json::Value {
        let tally =
            |t: &Tally| serde_json::json!({"value": t.accuracy(), "right": t.right, "of": t.total});
        let shapes: serde_json::Map<String, serde_json::Value> = (self.speaker_by_shape.iter())
            .map(|(shape, t)| (shape.clone(), tally(t)))
            .collect();
        serde_json::json!({
            "documents": self.documents,
            "quote_overlap": self.quotes.to_json(),
            "one_line_recall": tally(&self.one_line_recall),
            "target_company": self.target.to_json(),
            "speaker_accuracy": tally(&self.speaker),
            "speaker_by_shape": shapes,
            "affiliation_accuracy": tally(&self.affiliation),
            "affiliation_where_none": self.affiliation_unwanted,
            "title_accuracy": tally(&self.title),
        })
    }

    /// The report table.
    pub fn table(&self) -> String {
        const W: usize = 26;
        let mut out = Counts::header("business quotes", W);
        let accuracy = |name: &str, t: &Tally, what: &str| {
            format!(
                "{name:<W$} {:>9.4}   ({} of {} {what})\n",
                t.accuracy(),
                t.right,
                t.total
            )
        };
        out += &self.quotes.row("quote overlap", W);
        out += &accuracy(
            "  recall, one-line",
            &self.one_line_recall,
            "gold quotes with no line break in or around them",
        );
        out += &self.target.row("target company", W);
        out += &accuracy("speaker accuracy", &self.speaker, "matched quotes");
        for (shape, t) in &self.speaker_by_shape {
            out += &accuracy(&format!("  speaker, {shape}"), t, "matched");
        }
        out += &accuracy(
            "affiliation accuracy",
            &self.affiliation,
            "matched quotes with a gold affiliation",
        );
        out += &format!(
            "  affiliation where none    {:>9}   (matched quotes whose gold has none)\n",
            self.affiliation_unwanted
        );
        out += &accuracy(
            "title accuracy",
            &self.title,
            "matched quotes with a gold title",
        );
        out += &format!("{} documents\n", self.documents);
        out
    }
}

pub struct BusinessEval {
    pub scores: BusinessScores,
    /// The documents scored (`--split`).
    pub split: Split,
    pub seconds: f64,
}

impl BusinessEval {
    /// The metrics object of `eval business --json`.
    pub fn to_json(&self, gold: &Path) -> serde_json::Value {
        serde_json::json!({
            "eval": "business",
            "gold": gold.display().to_string(),
            "split": self.split.name(),
            "seconds": self.seconds,
            "scores": self.scores.to_json(),
        })
    }

    /// What `claimlink eval business` prints for the gold file `gold`: a heading line, then
    /// the table.
    pub fn report(&self, gold: &Path) -> String {
        format!(
            "eval business: {} (split {}, {} documents, {:.1} s)\n{}",
            gold.display(),
            self.split.name(),
            self.scores.documents,
            self.seconds,
            self.scores.table()
        )
    }

    /// One line per mistake of a matched quote, grouped by field.
    pub fn mistakes(&self) -> String {
        let mut lines: Vec<&Mistake> = self.scores.mistakes.iter().collect();
        lines.sort_by_key(|m| m.field);
        let mut out = format!("{} mistakes in matched quotes\n", lines.len());
        for m in lines {
            out += &m.line();
            out.push('\n');
        }
        out
    }
}

/// The texts of a JSONL data file (`{"id", "text", ...}` per line) by id.
fn jsonl_texts(path: &Path) -> Result<HashMap<String, String>> {
    #[derive(Deserialize)]
    struct Article {
        id: String,
        text: String,
    }
    let raw = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let mut texts = HashMap::new();
    for (n, line) in raw.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let a: Article = serde_json::from_str(line).map_err(|e| Error::Data {
            path: path.to_path_buf(),
            line: n + 1,
            message: format!("not an article line {{\"id\", \"text\"}} ({e})"),
        })?;
        texts.insert(a.id, a.text);
    }
    Ok(texts)
}

/// The gold documents of `split` with their texts, rebuilt from `data` and checked against
/// their hashes: CoNLL documents by index, JSONL articles by id. Refuses a split with no
/// documents.
pub fn gold_texts(gold_path: &Path, data: &Path, split: Split) -> Result<Vec<(GoldDoc, String)>> {
    let docs = read_gold(gold_path)?;
    let tags = TagSet::conll();
    let mut conll_files: HashMap<String, Vec<ConllDocument>> = HashMap::new();
    let mut jsonl_files: HashMap<String, HashMap<String, String>> = HashMap::new();
    let mut out = Vec::with_capacity(docs.len());
    for (line, doc) in docs.into_iter().filter(|(_, d)| split.keeps(d)) {
        let fail = |message: String| Error::Data {
            path: gold_path.to_path_buf(),
            line,
            message,
        };
        let path: PathBuf = data.join(&doc.file);
        let text = match (&doc.id, doc.doc) {
            (Some(id), _) => {
                if !jsonl_files.contains_key(&doc.file) {
                    jsonl_files.insert(doc.file.clone(), jsonl_texts(&path)?);
                }
                let texts = &jsonl_files[&doc.file];
                let Some(text) = texts.get(id) else {
                    return Err(fail(format!("id {id} is not in {}", path.display())));
                };
                text.clone()
            }
            (None, index) => {
                let index = index.unwrap_or_default();
                if !conll_files.contains_key(&doc.file) {
                    conll_files.insert(doc.file.clone(), read_conll(&path)?);
                }
                let conll = conll_files[&doc.file].as_slice();
                let Some(source) = conll.get(index) else {
                    return Err(fail(format!(
                        "doc {index} is out of range: {} has {} documents",
                        path.display(),
                        conll.len()
                    )));
                };
                document_text(index, source, &tags).0
            }
        };
        check_text(&doc, &text, gold_path, line)?;
        out.push((doc, text));
    }
    if out.is_empty() {
        return Err(Error::Invalid(format!(
            "{} has no documents in split {}",
            gold_path.display(),
            split.name()
        )));
    }
    Ok(out)
}

/// Runs the pipeline on the texts of `gold_texts` (taken from `split`) and scores it.
pub fn eval_business(
    pipeline: &Pipeline,
    docs: &[(GoldDoc, String)],
    split: Split,
) -> Result<BusinessEval> {
    let names = Names::new(pipeline.companies());
    let started = Instant::now();
    let mut scores = BusinessScores::default();
    for chunk in docs.chunks(16) {
        let articles: Vec<Article> = chunk
            .iter()
            .map(|(d, text)| Article::new(d.article_id(), text.clone()))
            .collect();
        for (result, (doc, text)) in pipeline.annotate(&articles)?.into_iter().zip(chunk) {
            let annotated = result.map_err(Error::Invalid)?;
            let chars: Vec<char> = text.chars().collect();
            let predicted = Predicted::from_record(&annotated.record);
            scores.add(&doc.article_id(), &chars, &doc.claims, &predicted, &names);
        }
    }
    Ok(BusinessEval {
        scores,
        split,
        seconds: started.elapsed().as_secs_f64(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::companies::kb::{Entry, Kind};
    use crate::companies::KnowledgeBase;

    const TEXT: &str =
        "\" Northwind is the best buy in the sector , \" said Ann Lee , an analyst at Contoso .\n\
                        \" Prices will rise , \" a Fabrikam spokesman said .\n";

    fn at(piece: &str) -> CharRange {
        let b = TEXT.find(piece).expect("piece in text");
        let start = TEXT[..b].chars().count();
        CharRange {
            start,
            end: start + piece.chars().count(),
        }
    }

    fn named(name: &str, mention: &str) -> Option<GoldNamed> {
        Some(GoldNamed {
            name: name.into(),
            mention: Some(at(mention)),
        })
    }

    fn gold() -> Vec<GoldClaim> {
        vec![
            GoldClaim {
                quote: at("Northwind is the best buy in the sector ,"),
                speaker: Some(at("Ann Lee")),
                title: Some(at("analyst")),
                affiliation: named("Contoso Ltd", "Contoso"),
                target: named("Northwind Traders", "Northwind"),
                cue: Some(at("said")),
                shape: Some("apposition".into()),
            },
            GoldClaim {
                quote: at("Prices will rise ,"),
                speaker: Some(at("spokesman")),
                title: Some(at("spokesman")),
                affiliation: named("Fabrikam", "Fabrikam"),
                target: None,
                cue: None,
                shape: Some("descriptor".into()),
            },
        ]
    }

    #[test]
    fn organisations_become_paragraph_targets_and_a_stray_span_is_refused() {
        let text = "Intro line.\nFabrikam shares fell after Contoso won.\n".to_string();
        let line = |json: &str| -> GoldDoc { serde_json::from_str(json).expect("gold line") };
        let doc = line(
            r#"{"id": "a", "file": "f", "text_sha256": "x", "claims": [],
                "organisations": [{"paragraph": {"start": 12, "end": 50}, "name": "Fabrikam",
                                   "mention": {"start": 12, "end": 20}, "kind": "company",
                                   "sentiment": "negative"}]}"#,
        );
        let examples = organisation_examples(&[(doc, text.clone())]).expect("examples");
        assert_eq!(examples.len(), 1);
        assert!(examples[0].sentence.starts_with("Fabrikam shares fell"));
        assert_eq!((examples[0].target, examples[0].label), ((0, 8), 0));
        let stray = line(
            r#"{"id": "a", "file": "f", "text_sha256": "x", "claims": [],
                "organisations": [{"paragraph": {"start": 12, "end": 50}, "name": "Intro",
                                   "mention": {"start": 0, "end": 5}, "kind": "company",
                                   "sentiment": "neutral"}]}"#,
        );
        let error = organisation_examples(&[(stray, text)])
            .unwrap_err()
            .to_string();
        assert!(error.contains("organisations[0] (Intro)"), "{error}");
    }

    fn names() -> Names {
        Names::new(&KnowledgeBase::new(vec![Entry {
            name: "Northwind Traders".into(),
            kind: Kind::Company,
            id: None,
            tickers: Vec::new(),
            aliases: vec!["NWT".into()],
            products: vec![],
            descriptors: vec![],
            ambiguous: vec![],
        }]))
    }

    fn range(r: CharRange) -> (usize, usize) {
        (r.start, r.end)
    }

    #[test]
    fn names_match_by_alias_suffix_and_contained_words() {
        let n = names();
        assert!(n.same("NWT", "Northwind Traders"));
        assert!(n.same("Contoso", "Contoso Ltd"));
        assert!(n.same("PTT", "Koninklijke PTT Nederland"));
        assert!(!n.same("Fabrikam", "Contoso"));
        assert!(!n.same("", "Contoso"));
    }

    #[test]
    fn right_quote_speaker_and_target_score_fully() {
        let chars: Vec<char> = TEXT.chars().collect();
        let predicted = vec![Predicted {
            quote: range(at("Northwind is the best buy in the sector")),
            speaker: Some(range(at("Ann Lee"))),
            speaker_texts: vec!["Ann Lee".into()],
            title: None,
            affiliation: None,
            target: Some("NWT".into()),
        }];
        let mut s = BusinessScores::default();
        s.add("doc", &chars, &gold(), &predicted, &names());
        assert_eq!((s.quotes.tp, s.quotes.fp, s.quotes.fn_), (1, 0, 1));
        assert_eq!(s.speaker, Tally { right: 1, total: 1 });
        assert_eq!((s.target.tp, s.target.fp, s.target.fn_), (1, 0, 0));
        // No affiliation predicted: wrong.
        assert_eq!(s.affiliation, Tally { right: 0, total: 1 });
        assert_eq!(
            s.speaker_by_shape["apposition"],
            Tally { right: 1, total: 1 }
        );
        assert_eq!(s.one_line_recall, Tally { right: 1, total: 2 });
    }

    #[test]
    fn a_pronoun_named_after_the_speaker_is_right_and_another_name_is_not() {
        let chars: Vec<char> = TEXT.chars().collect();
        let quote = range(at("Northwind is the best buy"));
        let score = |texts: &[&str]| {
            let predicted = vec![Predicted {
                quote,
                speaker: Some((0, 1)),
                speaker_texts: texts.iter().map(|t| t.to_string()).collect(),
                ..Predicted::default()
            }];
            let mut s = BusinessScores::default();
            s.add("doc", &chars, &gold()[..1], &predicted, &names());
            s.speaker.right
        };
        assert_eq!(score(&["Lee", "he"]), 1);
        assert_eq!(score(&["Dr Ann Lee", "she"]), 1);
        assert_eq!(score(&["Bo Kim", "he"]), 0);
    }

    #[test]
    fn affiliations_count_by_name_and_an_organisation_is_no_person() {
        let chars: Vec<char> = TEXT.chars().collect();
        let predicted = vec![
            Predicted {
                quote: range(at("Northwind is the best buy")),
                speaker: Some(range(at("Contoso"))),
                speaker_texts: vec!["Contoso".into()],
                title: None,
                affiliation: Some("Contoso Ltd".into()),
                target: Some("Contoso".into()),
            },
            Predicted {
                quote: range(at("Prices will rise")),
                speaker: Some(range(at("Fabrikam"))),
                speaker_texts: vec!["Fabrikam".into()],
                title: None,
                affiliation: Some("Fabrikam".into()),
                target: None,
            },
        ];
        let mut s = BusinessScores::default();
        s.add("doc", &chars, &gold(), &predicted, &names());
        assert_eq!(s.quotes.tp, 2);
        // Contoso is not Ann Lee; Fabrikam's span misses "spokesman" and the gold
        // speaker is a person, so both speakers are wrong.
        assert_eq!(s.speaker, Tally { right: 0, total: 2 });
        assert_eq!(s.affiliation, Tally { right: 2, total: 2 });
        // The speaker's own company is not the target.
        assert_eq!((s.target.tp, s.target.fp, s.target.fn_), (0, 1, 1));
        // `--mistakes` lists the two speakers and the target, not the right affiliations.
        let fields: Vec<&str> = s.mistakes.iter().map(|m| m.field).collect();
        assert_eq!(fields.iter().filter(|f| **f == "speaker").count(), 2);
        assert!(fields.contains(&"target") && !fields.contains(&"affiliation"));
    }

    #[test]
    fn a_prediction_outside_every_gold_quote_is_a_false_positive() {
        let chars: Vec<char> = TEXT.chars().collect();
        let predicted = vec![Predicted {
            quote: range(at("an analyst at Contoso")),
            target: Some("Northwind".into()),
            ..Predicted::default()
        }];
        let mut s = BusinessScores::default();
        s.add("doc", &chars, &gold(), &predicted, &names());
        assert_eq!((s.quotes.tp, s.quotes.fp, s.quotes.fn_), (0, 1, 2));
        assert_eq!(s.speaker.total, 0);
        assert_eq!((s.target.tp, s.target.fp, s.target.fn_), (0, 1, 1));
    }

    fn doc(sha: String) -> GoldDoc {
        GoldDoc {
            doc: Some(4),
            id: None,
            file: "conll2003/train.txt".into(),
            text_sha256: sha,
            split: None,
            claims: gold(),
            organisations: Vec::new(),
        }
    }

    #[test]
    fn check_text_refuses_a_changed_text_naming_the_doc() {
        let path = Path::new("gold.jsonl");
        assert!(check_text(&doc(sha256_hex(TEXT)), TEXT, path, 1).is_ok());
        let err = check_text(
            &doc(sha256_hex(TEXT)),
            &TEXT.replace("rise", "fall"),
            path,
            3,
        )
        .expect_err("hash differs");
        let message = err.to_string();
        assert!(
            message.contains("doc 4") && message.contains("text_sha256"),
            "{message}"
        );
        assert!(message.contains("gold.jsonl:3"), "{message}");
    }

    #[test]
    fn check_text_refuses_a_span_past_the_end() {
        let mut d = doc(sha256_hex(TEXT));
        d.claims[1].speaker = Some(CharRange {
            start: 5,
            end: 10_000,
        });
        let err = check_text(&d, TEXT, Path::new("g.jsonl"), 1).expect_err("span outside");
        assert!(err.to_string().contains("claim 1"), "{err}");
    }

    #[test]
    fn read_gold_refuses_an_empty_file() {
        let dir = std::env::temp_dir().join(format!("claimlink-business-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("empty.jsonl");
        std::fs::write(&path, "\n \n").expect("write");
        let err = read_gold(&path).expect_err("empty gold");
        assert!(err.to_string().contains("no documents"), "{err}");
        std::fs::write(
            &path,
            format!(
                "{}\n",
                serde_json::json!({
                    "doc": 0, "file": "f", "text_sha256": "00", "claims": []
                })
            ),
        )
        .expect("write");
        assert_eq!(read_gold(&path).expect("one doc").len(), 1);
        std::fs::remove_dir_all(&dir).ok();
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("claimlink-business-{name}-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("news")).expect("temp dir");
        dir
    }

    /// A JSONL data file of two articles and a gold file with one document per split.
    fn reuters_like(dir: &Path) -> PathBuf {
        let texts = [
            ("a-1", "\"Prices will rise,\" a Fabrikam spokesman said."),
            ("a-2", TEXT),
        ];
        let data: String = texts
            .iter()
            .map(|(id, text)| {
                format!(
                    "{}\n",
                    serde_json::json!({"id": id, "title": "t", "text": text})
                )
            })
            .collect();
        std::fs::write(dir.join("news/articles.jsonl"), data).expect("write data");
        let first = texts[0].1;
        let quote = CharRange {
            start: 1,
            end: first.find("\" a").expect("mark"),
        };
        let gold = [
            serde_json::json!({
                "id": "a-1", "file": "news/articles.jsonl", "text_sha256": sha256_hex(first),
                "split": "dev",
                "claims": [{"quote": {"start": quote.start, "end": quote.end},
                            "speaker": {"start": 32, "end": 41}, "title": null,
                            "affiliation": {"name": "Fabrikam", "mention": {"start": 23, "end": 31}},
                            "target": {"name": "Fabrikam", "kind": "company",
                                       "mention": {"start": 23, "end": 31}},
                            "cue": {"start": 42, "end": 46}, "shape": "descriptor"}],
                "organisations": [{"paragraph": {"start": 0, "end": 47}, "name": "Fabrikam",
                                   "mention": {"start": 23, "end": 31}, "kind": "company",
                                   "sentiment": "neutral"}]
            }),
            serde_json::json!({
                "id": "a-2", "file": "news/articles.jsonl", "text_sha256": sha256_hex(TEXT),
                "split": "train", "claims": [], "organisations": []
            }),
        ];
        let path = dir.join("gold.jsonl");
        let lines: String = gold.iter().map(|g| format!("{g}\n")).collect();
        std::fs::write(&path, lines).expect("write gold");
        path
    }

    #[test]
    fn jsonl_articles_are_found_by_id_and_kept_by_split() {
        let dir = temp_dir("split");
        let gold = reuters_like(&dir);
        let dev = gold_texts(&gold, &dir, Split::Dev).expect("dev");
        assert_eq!(dev.len(), 1);
        assert_eq!(dev[0].0.id.as_deref(), Some("a-1"));
        assert_eq!(
            dev[0].0.claims[0].target.as_ref().map(|t| t.name.as_str()),
            Some("Fabrikam")
        );
        assert!(dev[0].1.starts_with("\"Prices"));
        let train = gold_texts(&gold, &dir, Split::Train).expect("train");
        assert_eq!(train.len(), 1);
        assert_eq!(train[0].1, TEXT);
        assert_eq!(gold_texts(&gold, &dir, Split::All).expect("all").len(), 2);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_missing_id_a_changed_text_and_an_empty_split_are_refused() {
        let dir = temp_dir("refuse");
        let gold = reuters_like(&dir);
        let raw = std::fs::read_to_string(&gold).expect("gold");
        std::fs::write(&gold, raw.replace("\"a-2\"", "\"a-9\"")).expect("write");
        let err = gold_texts(&gold, &dir, Split::All).expect_err("missing id");
        assert!(
            err.to_string().contains("a-9") && err.to_string().contains(":2"),
            "{err}"
        );
        let err = gold_texts(&gold, &dir, Split::Dev).map(|d| d.len());
        assert_eq!(err.expect("dev still fine"), 1);
        std::fs::write(&gold, raw.replace("\"train\"", "\"dev\"")).expect("write");
        let err = gold_texts(&gold, &dir, Split::Train).expect_err("no train documents");
        assert!(err.to_string().contains("split train"), "{err}");
        let data = dir.join("news/articles.jsonl");
        let text = std::fs::read_to_string(&data).expect("data");
        std::fs::write(&data, text.replace("rise", "fall")).expect("write");
        let err = gold_texts(&gold, &dir, Split::Dev).expect_err("changed text");
        assert!(
            err.to_string().contains("a-1 of news/articles.jsonl"),
            "{err}"
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_gold_line_names_doc_or_id_and_a_known_split() {
        let dir = temp_dir("lines");
        let path = dir.join("g.jsonl");
        let line = |v: serde_json::Value| format!("{v}\n");
        std::fs::write(
            &path,
            line(serde_json::json!({"file": "f", "text_sha256": "00", "claims": []})),
        )
        .expect("write");
        assert!(read_gold(&path)
            .expect_err("neither")
            .to_string()
            .contains("either"));
        std::fs::write(
            &path,
            line(
                serde_json::json!({"id": "x", "file": "f", "text_sha256": "00",
                                    "split": "test", "claims": []}),
            ),
        )
        .expect("write");
        assert!(read_gold(&path)
            .expect_err("bad split")
            .to_string()
            .contains("\"test\""));
        std::fs::remove_dir_all(&dir).ok();
    }
}
