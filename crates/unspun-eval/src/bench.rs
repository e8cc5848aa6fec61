//! Bench corpora (`shared/bench/make_corpus.py`): scan them, then score the
//! predicted copy families against the gold `family` of every row.

use crate::metrics::{pair_scores, PairScores};
use crate::{jsonl, EvalError, ThresholdValues};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::Instant;
use unspun_compare::Relation;
use unspun_scan::{scan, Quiet, ScanOptions, ScanResult};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FamilySplit {
    /// Pairs whose documents share a gold family (true copies).
    pub same_family: usize,
    /// Pairs across gold families.
    pub different_family: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    pub corpus: String,
    pub thresholds: ThresholdValues,
    /// Rows of the corpus; every one is scored (as peers.py does), those the
    /// scan skipped as singletons.
    pub documents: usize,
    pub scanned: usize,
    /// Corpus rows missing from the scan output (skipped inputs).
    pub missing: usize,
    /// Ids seen more than once in the corpus (the first row is scored).
    pub duplicate_ids: usize,
    pub gold_families: usize,
    pub predicted_families: usize,
    #[serde(flatten)]
    pub scores: PairScores,
    /// Wall time of the whole scan, reading included.
    pub seconds: f64,
    pub docs_per_s: f64,
    pub seconds_by_pass: BTreeMap<String, f64>,
    pub candidates: usize,
    /// Reported pairs by relation, split by gold family.
    pub pairs_by_relation: BTreeMap<Relation, FamilySplit>,
}

/// Scans `corpus` (JSONL with `id`, `text`, `family`) and scores it.
pub fn bench(corpus: &Path, opts: &ScanOptions) -> Result<BenchReport, EvalError> {
    let gold = Gold::read(corpus)?;
    let started = Instant::now();
    let result = scan(&[corpus.to_path_buf()], opts, &Quiet)?;
    let seconds = started.elapsed().as_secs_f64();
    let rows = gold.rows_of(&result);

    // Predicted label of a scanned document: the first member of its family,
    // or itself.
    let mut first_of: HashMap<&str, usize> = HashMap::new();
    let doc_label: Vec<usize> = result
        .documents
        .iter()
        .enumerate()
        .map(|(i, d)| {
            d.family
                .as_deref()
                .map_or(i, |f| *first_of.entry(f).or_insert(i))
        })
        .collect();
    let pred = gold.predicted(&rows, |i| doc_label[i]);

    let mut pairs_by_relation: BTreeMap<Relation, FamilySplit> = BTreeMap::new();
    for p in &result.pairs {
        if let Some(same) = gold.same_family(&rows, p.a_index as usize, p.b_index as usize) {
            let split = pairs_by_relation.entry(p.relation).or_default();
            if same {
                split.same_family += 1;
            } else {
                split.different_family += 1;
            }
        }
    }
    let scanned = result.documents.len();
    Ok(BenchReport {
        corpus: corpus.display().to_string(),
        thresholds: opts.thresholds.into(),
        documents: gold.family.len(),
        scanned,
        missing: gold.family.len()
            - rows
                .iter()
                .flatten()
                .collect::<std::collections::HashSet<_>>()
                .len(),
        duplicate_ids: gold.duplicate_ids,
        gold_families: gold.families_of_two_or_more(),
        predicted_families: result.families.len(),
        scores: pair_scores(&pred, &gold.family),
        seconds,
        docs_per_s: if seconds > 0.0 {
            scanned as f64 / seconds
        } else {
            0.0
        },
        seconds_by_pass: result.summary.seconds.clone(),
        candidates: result.summary.candidates.total,
        pairs_by_relation,
    })
}

#[derive(Deserialize)]
struct GoldRow {
    id: serde_json::Value,
    #[serde(default)]
    family: serde_json::Value,
}

/// Gold families of a corpus, by row.
pub(crate) struct Gold {
    row_of_id: HashMap<String, u32>,
    /// Interned gold family of each row.
    pub family: Vec<u32>,
    pub duplicate_ids: usize,
}

/// Ids and families as text, the way unspun-ingest reads numeric ids.
fn key(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl Gold {
    /// Streams the corpus; texts are skipped, not kept.
    pub fn read(path: &Path) -> Result<Gold, EvalError> {
        let mut gold = Gold {
            row_of_id: HashMap::new(),
            family: Vec::new(),
            duplicate_ids: 0,
        };
        let mut families: HashMap<String, u32> = HashMap::new();
        let bad = |line, what: &str| EvalError::Parse {
            path: path.to_path_buf(),
            line,
            message: format!("`{what}` must be a string or a number"),
        };
        jsonl::for_each(path, |line, row: GoldRow| {
            let id = key(&row.id).ok_or_else(|| bad(line, "id"))?;
            let family = key(&row.family).ok_or_else(|| bad(line, "family"))?;
            let next = families.len() as u32;
            let f = *families.entry(family).or_insert(next);
            let row_index = gold.family.len() as u32;
            gold.family.push(f);
            if gold.row_of_id.insert(id.clone(), row_index).is_some() {
                gold.duplicate_ids += 1;
                // Keep the first row for this id.
                if let Some(first) = gold.row_of_id.get_mut(&id) {
                    *first = row_index.min(*first);
                }
            }
            Ok(())
        })?;
        Ok(gold)
    }

    /// Gold row of every scanned document (None: not in the corpus file).
    pub fn rows_of(&self, result: &ScanResult) -> Vec<Option<u32>> {
        result
            .documents
            .iter()
            .map(|d| self.row_of_id.get(&d.id).copied())
            .collect()
    }

    /// Predicted label of every row, from the label of each scanned
    /// document; rows the scan did not output are singletons.
    pub fn predicted(
        &self,
        rows: &[Option<u32>],
        doc_label: impl Fn(usize) -> usize,
    ) -> Vec<usize> {
        let n_docs = rows.len();
        let mut pred: Vec<usize> = (0..self.family.len()).map(|r| n_docs + r).collect();
        for (doc, row) in rows.iter().enumerate() {
            if let Some(slot) = row.and_then(|r| pred.get_mut(r as usize)) {
                *slot = doc_label(doc);
            }
        }
        pred
    }

    /// Whether two scanned documents share a gold family (None: unknown).
    pub fn same_family(&self, rows: &[Option<u32>], a: usize, b: usize) -> Option<bool> {
        let family = |d: usize| {
            rows.get(d)
                .copied()
                .flatten()
                .and_then(|r| self.family.get(r as usize))
        };
        Some(family(a)? == family(b)?)
    }

    fn families_of_two_or_more(&self) -> usize {
        let mut size: HashMap<u32, usize> = HashMap::new();
        for &f in &self.family {
            *size.entry(f).or_default() += 1;
        }
        size.values().filter(|&&n| n > 1).count()
    }
}
