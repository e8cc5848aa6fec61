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
//! - `id`: for files, the path relative to the argument given; for JSONL,
//!   JSON, CSV and TSV records, the id field; for WARC, the target URI;
//! - `path`, `title`, `url`, `date` (`YYYY-MM-DD`), `site`: metadata or null;
//! - `removed`: `[[start, end], ...]` byte ranges set aside as boilerplate;
//! - `family`: copy-family id, or null when the document has no copies;
//! - `story`: story id, or null when no other document reports its story;
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
//! (the root of the family's derivation edges, or null when no direction is
//! known), `edges` (the derivation edges inside the family, see below).
//!
//! **stories.jsonl**, one line per story (documents reporting one event:
//! copies, rewrites and independent reports) of two or more documents,
//! ordered by first member:
//! - `id` (`s-` and a hash of the smallest member id), `size`, `members`
//!   (ids in input order), `families` (ids of the copy families inside it);
//! - `title`: the original's title, else the first member's that has one;
//! - `first_date`, `last_date`: the range of the members' dates, or null;
//! - `cohesion`: mean link weight over all member pairs (1: all copies);
//! - `original`: the root of its derivation edges, or null;
//! - `edges`: derivation edges among members, each `{"from", "to",
//!   "relation", "confidence", "evidence": [{"kind", "weight", "detail"}]}`:
//!   `to` was derived from `from` with probability `confidence` (0.6..1);
//!   `kind` is `date`, `containment`, `chrome`, `attribution` or `spin`, and
//!   `weight` its log-odds for this direction (negative: it pointed the
//!   other way);
//! - `claims`: the claim matrix, distinct statements most widely carried
//!   first: `{"text", "documents", "sentences": [{"doc", "span"}]}`, `span`
//!   the sentence's bytes in `doc`; null when the story has more documents
//!   than a matrix is built for.
//!
//! **summary.json**: counts of documents, pairs by relation, families,
//! stories, derivation edges, candidates, problems (skipped inputs and warnings, each with its source
//! file and line or record), and seconds per pass.
//!
//! Names are stable: later versions add fields, never rename or remove them.

use crate::analysis::Analysis;
use crate::spool::Spool;
use crate::story_lines::write_story_lines;
pub use crate::story_lines::{ClaimLine, StoryLine};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Arc;
use unspun_cluster::{edges_by_group, families, original, Derivation, Evidence};
use unspun_compare::relation::round4;
use unspun_compare::{Note, Passage, Relation, Scores, Side};
use unspun_ingest::Problem;
use unspun_text::{Document, Span};

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
    pub story: Option<String>,
    pub tokens: usize,
    pub bytes: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct PairRecord {
    /// Shared with every other pair of the document (millions of pairs
    /// name their documents at a large scan).
    pub a: Arc<str>,
    pub b: Arc<str>,
    pub relation: Relation,
    pub source: Option<Side>,
    pub scores: Scores,
    pub passages: Vec<Passage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<Note>,
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

/// `to` was derived from `from`.
#[derive(Debug, Clone, Serialize)]
pub struct EdgeRecord {
    pub from: Arc<str>,
    pub to: Arc<str>,
    pub relation: Relation,
    #[serde(serialize_with = "round4")]
    pub confidence: f64,
    /// Shared by the story's copy of the edge and the scan's edge list.
    pub evidence: Arc<[Evidence]>,
    #[serde(skip)]
    pub from_index: u32,
    #[serde(skip)]
    pub to_index: u32,
}

impl EdgeRecord {
    /// The record of derivation `d`, documents named by `name`.
    pub fn new(d: Derivation, name: impl Fn(u32) -> Arc<str>) -> EdgeRecord {
        EdgeRecord {
            from: name(d.from),
            to: name(d.to),
            relation: d.relation,
            confidence: d.confidence,
            evidence: d.evidence.into(),
            from_index: d.from,
            to_index: d.to,
        }
    }
}

/// One sentence that makes a claim.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimSentence {
    /// Shared with every other sentence of the same document: a story's
    /// claims name their documents millions of times on a large corpus.
    pub doc: Arc<str>,
    pub span: Span,
    #[serde(skip)]
    pub doc_index: u32,
}

/// A distinct statement of a story. Its text, the first sentence's bytes,
/// is not held but read back from the spool when the line is written
/// ([`ClaimRecord::text`], [`ScanResult::for_each_story_line`]).
#[derive(Debug, Clone)]
pub struct ClaimRecord {
    /// How many documents carry it.
    pub documents: usize,
    pub sentences: Vec<ClaimSentence>,
}

impl ClaimRecord {
    /// The statement as its first document words it.
    pub fn text(&self, texts: &Texts) -> std::io::Result<String> {
        let Some(first) = self.sentences.first() else {
            return Ok(String::new());
        };
        let text = texts.read(first.doc_index as usize)?;
        Ok(self.worded_in(&text).to_string())
    }

    /// The claim's words in `text`, the text of its first sentence's
    /// document ("" if the span does not slice it).
    pub(crate) fn worded_in<'t>(&self, text: &'t str) -> &'t str {
        self.sentences
            .first()
            .and_then(|s| text.get(s.span.range()))
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct StoryRecord {
    pub id: String,
    pub size: usize,
    pub members: Vec<String>,
    pub title: Option<String>,
    pub first_date: Option<String>,
    pub last_date: Option<String>,
    #[serde(serialize_with = "round4")]
    pub cohesion: f64,
    pub families: Vec<String>,
    pub original: Option<String>,
    pub edges: Vec<EdgeRecord>,
    /// Written by [`StoryLine`], with their texts.
    #[serde(skip)]
    pub claims: Option<Vec<ClaimRecord>>,
    #[serde(skip)]
    pub member_indices: Vec<u32>,
}

/// The texts of a scan, kept on disk for whoever renders its results.
#[derive(Clone)]
pub struct Texts(Arc<Spool>);

impl Texts {
    pub(crate) fn new(spool: Spool) -> Texts {
        Texts(Arc::new(spool))
    }

    /// The text of document `i` (input order), as read.
    pub fn read(&self, i: usize) -> std::io::Result<String> {
        self.0.read(i)
    }
}

impl std::fmt::Debug for Texts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Texts({} documents)", self.0.len())
    }
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
    pub stories: usize,
    pub documents_in_stories: usize,
    /// Derivation edges (which document was derived from which).
    pub derivations: usize,
    pub candidates: CandidateCounts,
    pub problems: Vec<Problem>,
    pub seconds: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, Default)]
pub struct ScanResult {
    pub documents: Vec<DocumentRecord>,
    pub pairs: Vec<PairRecord>,
    pub families: Vec<FamilyRecord>,
    pub stories: Vec<StoryRecord>,
    /// Every derivation edge, ordered by (from, to) input position.
    pub edges: Vec<EdgeRecord>,
    pub summary: Summary,
    /// The texts, for a report (none when the result was not scanned here).
    pub texts: Option<Texts>,
}

/// A line of families.jsonl: the family and its derivation edges.
#[derive(Serialize)]
pub struct FamilyLine<'a> {
    #[serde(flatten)]
    family: &'a FamilyRecord,
    edges: Vec<&'a EdgeRecord>,
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

    /// For each family (in order), its derivation edges.
    pub fn family_edges(&self) -> Vec<Vec<&EdgeRecord>> {
        let index: std::collections::HashMap<&str, usize> = self
            .families
            .iter()
            .enumerate()
            .map(|(k, f)| (f.id.as_str(), k))
            .collect();
        let family = |doc: u32| {
            let f = self.documents.get(doc as usize)?.family.as_deref()?;
            index.get(f).copied()
        };
        let mut out = vec![Vec::new(); self.families.len()];
        for e in &self.edges {
            if let (Some(f), Some(g)) = (family(e.from_index), family(e.to_index)) {
                if f == g {
                    out[f].push(e);
                }
            }
        }
        out
    }

    /// The lines of families.jsonl: each family with its derivation edges.
    pub fn family_lines(&self) -> Vec<FamilyLine<'_>> {
        self.families
            .iter()
            .zip(self.family_edges())
            .map(|(family, edges)| FamilyLine { family, edges })
            .collect()
    }

    /// Writes documents.jsonl, pairs.jsonl, families.jsonl, stories.jsonl
    /// and summary.json.
    pub fn write_to(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        // stories.jsonl is half the output: it is written beside the rest.
        let (stories, rest) = rayon::join(
            || write_story_lines(&dir.join("stories.jsonl"), self),
            || {
                write_lines(&dir.join("documents.jsonl"), &self.documents)?;
                write_lines(&dir.join("pairs.jsonl"), &self.pairs)?;
                write_lines(&dir.join("families.jsonl"), &self.family_lines())
            },
        );
        stories?;
        rest?;
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
    shared_ids: &[Arc<str>],
    docs: Vec<Document>,
    sketched: Vec<(Vec<Span>, Option<String>, usize, usize)>,
    pairs: Vec<PairRecord>,
    analysis: Analysis,
    problems: Vec<Problem>,
    candidates: CandidateCounts,
) -> ScanResult {
    // `pairs` come sorted by (a_index, b_index) from the verify pass.
    let mut documents: Vec<DocumentRecord> = docs
        .into_iter()
        .zip(sketched)
        .map(|(d, (removed, title, tokens, bytes))| DocumentRecord {
            family: None,
            story: None,
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
    let ids: Vec<&str> = documents.iter().map(|d| d.id.as_str()).collect();
    let name = |i: u32| ids[i as usize].to_string();
    let shared = |i: u32| shared_ids[i as usize].clone();
    let names = |members: &[u32]| members.iter().map(|&m| name(m)).collect::<Vec<_>>();
    let fams = families(
        &ids,
        pairs
            .iter()
            .filter(|p| p.relation.is_copy())
            .map(|p| (p.a_index, p.b_index)),
    );
    let mut family_of: Vec<Option<usize>> = vec![None; ids.len()];
    for (f, fam) in fams.iter().enumerate() {
        for &m in &fam.members {
            family_of[m as usize] = Some(f);
        }
    }
    let Analysis {
        stories,
        derivations: all_derivations,
        claims: story_claims,
        story_of,
    } = analysis;
    let derivations = &all_derivations;
    let in_family = edges_by_group(derivations, &family_of, fams.len());
    let family_records: Vec<FamilyRecord> = fams
        .iter()
        .zip(&in_family)
        .map(|(f, edges)| FamilyRecord {
            id: f.id.clone(),
            size: f.members.len(),
            members: names(&f.members),
            original: original(&f.members, edges.iter().map(|&k| &derivations[k])).map(name),
        })
        .collect();

    let in_story = edges_by_group(derivations, &story_of, stories.len());
    let roots: Vec<Option<u32>> = stories
        .iter()
        .zip(&in_story)
        .map(|(s, inside)| original(&s.members, inside.iter().map(|&k| &derivations[k])))
        .collect();
    // The derivations move into the edge list; a story's edges share their
    // evidence with it.
    let edges: Vec<EdgeRecord> = all_derivations
        .into_iter()
        .map(|d| EdgeRecord::new(d, shared))
        .collect();
    let mut story_records = Vec::with_capacity(stories.len());
    // Claims move into the records (millions of sentences on a large scan:
    // never two copies at once).
    for (((s, claims), inside), root) in stories.iter().zip(story_claims).zip(&in_story).zip(roots)
    {
        let titled = root
            .into_iter()
            .chain(s.members.iter().copied())
            .find_map(|m| documents[m as usize].title.clone());
        let dates: Vec<&str> = s
            .members
            .iter()
            .filter_map(|&m| documents[m as usize].date.as_deref())
            .collect();
        let mut fam_ids: Vec<String> = Vec::new();
        for &m in &s.members {
            if let Some(f) = family_of[m as usize] {
                if !fam_ids.contains(&fams[f].id) {
                    fam_ids.push(fams[f].id.clone());
                }
            }
        }
        story_records.push(StoryRecord {
            id: s.id.clone(),
            size: s.members.len(),
            members: names(&s.members),
            title: titled,
            first_date: dates.iter().min().map(|d| d.to_string()),
            last_date: dates.iter().max().map(|d| d.to_string()),
            cohesion: s.cohesion,
            families: fam_ids,
            original: root.map(name),
            edges: inside.iter().map(|&k| edges[k].clone()).collect(),
            claims: claims.map(|cs| {
                cs.into_iter()
                    .map(|sentences| ClaimRecord {
                        documents: sentences.len(),
                        sentences: sentences
                            .iter()
                            .map(|&(d, span)| ClaimSentence {
                                doc: shared_ids[d as usize].clone(),
                                span,
                                doc_index: d,
                            })
                            .collect(),
                    })
                    .collect()
            }),
            member_indices: s.members.clone(),
        });
    }

    let mut summary = Summary {
        documents: ids.len(),
        pairs: pairs.len(),
        families: fams.len(),
        documents_in_families: fams.iter().map(|f| f.members.len()).sum(),
        stories: story_records.len(),
        documents_in_stories: story_records.iter().map(|s| s.size).sum(),
        derivations: edges.len(),
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

    let family_ids: Vec<Option<String>> = family_of
        .iter()
        .map(|f| f.map(|f| fams[f].id.clone()))
        .collect();
    let story_id = |i: usize| {
        let k = story_of.get(i).copied().flatten()?;
        Some(story_records.get(k)?.id.clone())
    };
    let story_ids: Vec<Option<String>> = (0..documents.len()).map(story_id).collect();
    for ((d, f), s) in documents.iter_mut().zip(family_ids).zip(story_ids) {
        d.family = f;
        d.story = s;
    }
    ScanResult {
        documents,
        pairs,
        families: family_records,
        stories: story_records,
        edges,
        summary,
        texts: None,
    }
}
