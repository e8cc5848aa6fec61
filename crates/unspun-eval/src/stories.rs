//! Stories and provenance against labels: story clustering on the seeds and
//! on the SemEval-2022 Task 8 dev pairs, and which side of each Clough &
//! Stevenson pair the scan names the original.

use crate::clough::{Label, Row as CloughRow};
use crate::metrics::{pair_scores, PairScores};
use crate::{jsonl, ratio, EvalError};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use unspun_compare::Meaning;
use unspun_scan::{scan_documents_with_meaning, scan_with_meaning, Quiet, ScanOptions, ScanResult};
use unspun_text::Document;

/// SemEval `overall` at or below which two articles are one story...
pub const SAME_STORY_AT_MOST: f64 = 1.5;
/// ...and at or above which they are different stories.
pub const APART_AT_LEAST: f64 = 3.5;

/// Story clustering against gold labels.
#[derive(Debug, Clone, Serialize)]
pub struct StoryScores {
    pub documents: usize,
    /// ARI and pairwise precision/recall over all document pairs, the gold
    /// partition given as labels per document.
    pub clustering: PairScores,
    /// Over the labelled pairs only: of the pairs put in one story, the
    /// share that are one story in gold; of the gold same-story pairs, the
    /// share put in one story.
    pub labelled_precision: f64,
    pub labelled_recall: f64,
    pub labelled_pairs: usize,
}

/// The story (index) of each document of a result, singletons labelled
/// with their own negative number.
fn story_labels(result: &ScanResult) -> Vec<i64> {
    let index: HashMap<&str, usize> = result
        .documents
        .iter()
        .enumerate()
        .map(|(k, d)| (d.id.as_str(), k))
        .collect();
    let mut labels: Vec<i64> = (0..result.documents.len() as i64).map(|k| -1 - k).collect();
    for (s, story) in result.stories.iter().enumerate() {
        for m in &story.members {
            if let Some(&k) = index.get(m.as_str()) {
                labels[k] = s as i64;
            }
        }
    }
    labels
}

/// Precision/recall of "same story" over labelled pairs `(i, j, same)`.
fn labelled(labels: &[i64], pairs: &[(usize, usize, bool)]) -> (f64, f64) {
    let together = |i: usize, j: usize| labels.get(i).is_some() && labels.get(i) == labels.get(j);
    let (mut tp, mut fp, mut positives) = (0, 0, 0);
    for &(i, j, same) in pairs {
        let pred = together(i, j);
        positives += usize::from(same);
        tp += usize::from(pred && same);
        fp += usize::from(pred && !same);
    }
    let precision = if tp + fp == 0 {
        1.0
    } else {
        ratio(tp, tp + fp)
    };
    (precision, ratio(tp, positives))
}

/// What the scan of the five seeds shows: one story, and the BBC text (002)
/// the source of the spun rewrite (000) and of the quoting piece (001).
#[derive(Debug, Clone, Serialize)]
pub struct SeedReport {
    pub stories: StoryScores,
    /// Derivation edges, `from → to`, by the seeds' three-digit prefixes.
    pub edges: Vec<(String, String)>,
    /// 002 → 000 and 002 → 001 are edges; no edge touches 003 or 004.
    pub provenance_correct: bool,
}

pub fn seeds(dir: &Path, meaning: Option<&Meaning>) -> Result<SeedReport, EvalError> {
    let result = scan_with_meaning(
        &[dir.to_path_buf()],
        &ScanOptions::default(),
        meaning,
        &Quiet,
    )?;
    let labels = story_labels(&result);
    let n = labels.len();
    let gold = vec![0u8; n];
    let all_pairs: Vec<(usize, usize, bool)> = (0..n)
        .flat_map(|i| (i + 1..n).map(move |j| (i, j, true)))
        .collect();
    let (labelled_precision, labelled_recall) = labelled(&labels, &all_pairs);
    let prefix = |id: &str| id.get(..3).unwrap_or(id).to_string();
    let edges: Vec<(String, String)> = result
        .edges
        .iter()
        .map(|e| (prefix(&e.from), prefix(&e.to)))
        .collect();
    let has = |f: &str, t: &str| edges.iter().any(|(a, b)| a == f && b == t);
    let independent = |d: &str| !edges.iter().any(|(a, b)| a == d || b == d);
    let provenance_correct =
        has("002", "000") && has("002", "001") && independent("003") && independent("004");
    Ok(SeedReport {
        stories: StoryScores {
            documents: n,
            clustering: pair_scores(&labels, &gold),
            labelled_precision,
            labelled_recall,
            labelled_pairs: all_pairs.len(),
        },
        edges,
        provenance_correct,
    })
}

#[derive(Deserialize)]
struct SemevalRow {
    id: String,
    a: String,
    b: String,
    label: f64,
}

/// Scans the articles of the SemEval dev pairs as one corpus and scores its
/// stories: pairs with `overall` ≤ 1.5 are one story, ≥ 3.5 apart (the
/// pairs between are not scored); the gold partition for the ARI joins the
/// same-story pairs transitively.
pub fn semeval(path: &Path, meaning: Option<&Meaning>) -> Result<StoryScores, EvalError> {
    let rows: Vec<(usize, SemevalRow)> = jsonl::read_all(path)?;
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    let mut docs: Vec<Document> = Vec::new();
    let mut pairs = Vec::new();
    for (line, row) in &rows {
        let Some((ia, ib)) = row.id.split_once('_') else {
            return Err(EvalError::Parse {
                path: path.to_path_buf(),
                line: *line,
                message: format!("id {:?} is not two article ids joined by '_'", row.id),
            });
        };
        let mut add = |id: &str, text: &str| {
            *index.entry(id.to_string()).or_insert_with(|| {
                docs.push(Document::new(id, text));
                docs.len() - 1
            })
        };
        let (i, j) = (add(ia, &row.a), add(ib, &row.b));
        if row.label <= SAME_STORY_AT_MOST {
            pairs.push((i, j, true));
        } else if row.label >= APART_AT_LEAST {
            pairs.push((i, j, false));
        }
    }
    let n = docs.len();
    let result = scan_documents_with_meaning(docs, &ScanOptions::default(), meaning, &Quiet)?;
    let labels = story_labels(&result);
    // Gold partition: same-story pairs joined transitively.
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for &(i, j, same) in &pairs {
        if same {
            let (ri, rj) = (root(&mut parent, i), root(&mut parent, j));
            parent[ri.max(rj)] = ri.min(rj);
        }
    }
    let gold: Vec<usize> = (0..n).map(|x| root(&mut parent, x)).collect();
    let (labelled_precision, labelled_recall) = labelled(&labels, &pairs);
    Ok(StoryScores {
        documents: n,
        clustering: pair_scores(&labels, &gold),
        labelled_precision,
        labelled_recall,
        labelled_pairs: pairs.len(),
    })
}

/// How often the Wikipedia source is named the original of its copied and
/// rewritten answers.
#[derive(Debug, Clone, Serialize)]
pub struct ProvenanceReport {
    /// Per label (cut, light, heavy): pairs, source named original, the
    /// answer named original (wrong), no direction.
    pub by_label: BTreeMap<String, [usize; 4]>,
    pub pairs: usize,
    /// Source named original / pairs.
    pub source_named: f64,
    /// Source named original / pairs given a direction.
    pub precision: f64,
}

/// Scans each Clough & Stevenson pair (answers copied or rewritten from the
/// source: cut, light, heavy) as a corpus of two, undated.
pub fn clough_provenance(
    path: &Path,
    meaning: Option<&Meaning>,
) -> Result<ProvenanceReport, EvalError> {
    let rows: Vec<(usize, CloughRow)> = jsonl::read_all(path)?;
    let derived: Vec<(Label, Option<bool>)> = rows
        .par_iter()
        .filter(|(_, r)| r.label != Label::Non)
        .map(|(_, r)| {
            let docs = [
                Document::new("source", r.a.as_str()),
                Document::new("answer", r.b.as_str()),
            ];
            let result =
                scan_documents_with_meaning(docs, &ScanOptions::default(), meaning, &Quiet)?;
            let direction = result.edges.first().map(|e| &*e.from == "source");
            Ok((r.label, direction))
        })
        .collect::<Result<_, EvalError>>()?;
    let mut by_label: BTreeMap<String, [usize; 4]> = BTreeMap::new();
    for (label, direction) in &derived {
        let name = serde_json::to_value(label)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let row = by_label.entry(name).or_default();
        row[0] += 1;
        match direction {
            Some(true) => row[1] += 1,
            Some(false) => row[2] += 1,
            None => row[3] += 1,
        }
    }
    let right = derived.iter().filter(|(_, d)| *d == Some(true)).count();
    let decided = derived.iter().filter(|(_, d)| d.is_some()).count();
    Ok(ProvenanceReport {
        by_label,
        pairs: derived.len(),
        source_named: ratio(right, derived.len()),
        precision: ratio(right, decided),
    })
}

/// Where the seed articles are in the shared data.
pub fn seeds_dir(shared: &Path) -> PathBuf {
    shared.join("data/corpora/seeds")
}
