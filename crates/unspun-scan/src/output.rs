//! The output contract of `unspun scan --out DIR`.
//!
//! # Wire format
//!
//! All files are JSON Lines (one object per line, UTF-8), except
//! `summary.json`. Byte offsets are `[start, end)` pairs into the document's
//! text *as read* (for HTML/WARC input: the extracted main text). Output is
//! deterministic: the same input gives the same ids, order and bytes.
//!
//! **documents.jsonl**, one line per document in input order:
//! - `id`: for files, the path relative to the argument given; for JSONL, its
//!   id field; for WARC, the target URI;
//! - `path`, `title`, `url`, `date` (`YYYY-MM-DD`), `site`: metadata or null;
//! - `removed`: `[[start, end], ...]` byte ranges set aside as boilerplate;
//! - `family`: copy-family id, or null when the document has no copies;
//! - `tokens`: content tokens (after boilerplate); `bytes`: text length.
//!
//! **pairs.jsonl**, one line per related pair (never `unrelated`), ordered by
//! the input position of `a`, then of `b` (`a` always comes first in input):
//! - `a`, `b`: document ids; `relation`: `duplicate`, `near_duplicate`,
//!   `containment`, `reuse` (later: `paraphrase`, `same_story`);
//! - `source`: `"a"`, `"b"` or null: the side the other was copied from;
//! - `scores`: `lexical` (exact Jaccard of 3-word shingle sets),
//!   `containment_a_in_b`, `containment_b_in_a` (exact, same sets),
//!   `coverage_a`, `coverage_b` (share of content tokens inside passages);
//! - `passages`: `[{"a": [start, end], "b": [start, end], "kind": "verbatim"}]`.
//!
//! **families.jsonl**, one line per family of two or more documents, ordered
//! by first member: `id`, `size`, `members` (ids in input order), `original`
//! (the member the evidence names as source most often, or null).
//!
//! **summary.json**: counts of documents, pairs by relation, families,
//! candidates, problems (skipped inputs and warnings, each with its source
//! file and line or record), and seconds per pass.
//!
//! Names are stable: later versions add fields, never rename or remove them.

use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::path::Path;
use unspun_cluster::families;
use unspun_compare::{Comparison, Passage, Relation, Scores, Side};
use unspun_ingest::Problem;
use unspun_text::{Document, Span};

/// A related pair, by document index.
#[derive(Debug, Clone)]
pub struct Verified {
    pub a: u32,
    pub b: u32,
    pub comparison: Comparison,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocumentRecord {
    pub id: String,
    pub path: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
    pub date: Option<String>,
    pub site: Option<String>,
    pub removed: Vec<Span>,
    pub family: Option<String>,
    pub tokens: usize,
    pub bytes: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct PairRecord {
    pub a: String,
    pub b: String,
    pub relation: Relation,
    pub source: Option<Side>,
    pub scores: Scores,
    pub passages: Vec<Passage>,
    #[serde(skip)]
    pub a_index: u32,
    #[serde(skip)]
    pub b_index: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct FamilyRecord {
    pub id: String,
    pub size: usize,
    pub members: Vec<String>,
    pub original: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct CandidateCounts {
    pub lsh: usize,
    pub anchors: usize,
    /// Proposed by document vectors alone (meaning layer).
    pub meaning: usize,
    pub total: usize,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub documents: usize,
    pub skipped: usize,
    pub warnings: usize,
    pub skipped_by_kind: BTreeMap<String, usize>,
    pub pairs: usize,
    pub pairs_by_relation: BTreeMap<String, usize>,
    pub families: usize,
    pub documents_in_families: usize,
    pub candidates: CandidateCounts,
    pub problems: Vec<Problem>,
    pub seconds: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, Default)]
pub struct ScanResult {
    pub documents: Vec<DocumentRecord>,
    pub pairs: Vec<PairRecord>,
    pub families: Vec<FamilyRecord>,
    pub summary: Summary,
}

impl ScanResult {
    pub(crate) fn with_timings(mut self, timings: Vec<(&'static str, f64)>) -> Self {
        for (k, v) in timings {
            self.summary
                .seconds
                .insert(k.to_string(), (v * 1000.0).round() / 1000.0);
        }
        self
    }

    /// Writes documents.jsonl, pairs.jsonl, families.jsonl and summary.json.
    pub fn write_to(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        write_lines(&dir.join("documents.jsonl"), &self.documents)?;
        write_lines(&dir.join("pairs.jsonl"), &self.pairs)?;
        write_lines(&dir.join("families.jsonl"), &self.families)?;
        let mut f = BufWriter::new(std::fs::File::create(dir.join("summary.json"))?);
        serde_json::to_writer_pretty(&mut f, &self.summary)?;
        f.write_all(b"\n")?;
        f.flush()
    }
}

fn write_lines<T: Serialize>(path: &Path, rows: &[T]) -> std::io::Result<()> {
    let mut f = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    for row in rows {
        serde_json::to_writer(&mut f, row)?;
        f.write_all(b"\n")?;
    }
    f.flush()
}

pub(crate) fn assemble(
    docs: Vec<Document>,
    sketched: Vec<(Vec<Span>, Option<String>, usize, usize)>,
    mut verified: Vec<Verified>,
    problems: Vec<Problem>,
    candidates: CandidateCounts,
) -> ScanResult {
    verified.sort_by_key(|v| (v.a, v.b));
    let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    let fams = families(
        &ids,
        verified
            .iter()
            .filter(|v| v.comparison.relation.is_copy())
            .map(|v| (v.a, v.b)),
    );
    let mut family_of: Vec<Option<usize>> = vec![None; docs.len()];
    for (f, fam) in fams.iter().enumerate() {
        for &m in &fam.members {
            family_of[m as usize] = Some(f);
        }
    }
    // The original of a family: the member most often named as source.
    let mut source_votes: Vec<BTreeMap<u32, usize>> = vec![BTreeMap::new(); fams.len()];
    for v in verified.iter().filter(|v| v.comparison.relation.is_copy()) {
        let src = match v.comparison.source {
            Some(Side::A) => v.a,
            Some(Side::B) => v.b,
            None => continue,
        };
        if let Some(f) = family_of[src as usize] {
            *source_votes[f].entry(src).or_default() += 1;
        }
    }
    let family_records: Vec<FamilyRecord> = fams
        .iter()
        .zip(&source_votes)
        .map(|(f, votes)| FamilyRecord {
            id: f.id.clone(),
            size: f.members.len(),
            members: f
                .members
                .iter()
                .map(|&m| ids[m as usize].to_string())
                .collect(),
            original: votes
                .iter()
                .max_by_key(|(doc, n)| (**n, std::cmp::Reverse(**doc)))
                .map(|(doc, _)| ids[*doc as usize].to_string()),
        })
        .collect();

    let pairs: Vec<PairRecord> = verified
        .into_iter()
        .map(|v| PairRecord {
            a: ids[v.a as usize].to_string(),
            b: ids[v.b as usize].to_string(),
            relation: v.comparison.relation,
            source: v.comparison.source,
            scores: v.comparison.scores,
            passages: v.comparison.passages,
            a_index: v.a,
            b_index: v.b,
        })
        .collect();

    let mut summary = Summary {
        documents: docs.len(),
        pairs: pairs.len(),
        families: fams.len(),
        documents_in_families: fams.iter().map(|f| f.members.len()).sum(),
        candidates,
        ..Summary::default()
    };
    for p in &pairs {
        *summary
            .pairs_by_relation
            .entry(p.relation.to_string())
            .or_default() += 1;
    }
    for p in &problems {
        if p.skipped {
            summary.skipped += 1;
            *summary
                .skipped_by_kind
                .entry(p.kind.to_string())
                .or_default() += 1;
        } else {
            summary.warnings += 1;
        }
    }
    summary.problems = problems;

    let documents = docs
        .into_iter()
        .zip(sketched)
        .enumerate()
        .map(|(i, (d, (removed, title, tokens, bytes)))| DocumentRecord {
            family: family_of[i].map(|f| fams[f].id.clone()),
            title: d.title.or(title),
            bytes,
            id: d.id,
            path: d.path,
            url: d.url,
            date: d.date,
            site: d.site,
            removed,
            tokens,
        })
        .collect();
    ScanResult {
        documents,
        pairs,
        families: family_records,
        summary,
    }
}
