//! Threshold calibration: sweeps small grids of the relation [`Thresholds`](unspun_compare::Thresholds)
//! and reports the settings that score best on the Clough & Stevenson pairs
//! and on a development bench corpus.
//!
//! Kept cheap by deciding relations offline. Every pair is compared once —
//! the Clough pairs under the current thresholds, the bench corpus by one
//! scan under the most permissive setting of the grid — and its scores,
//! token counts and passage token counts are kept; each grid point then only
//! re-decides relations (see `features.rs`). The permissive scan keeps every
//! pair that any grid point could call related, since lowering a threshold
//! only ever turns `unrelated` into a relation. Grid points that make the
//! same copy edges share one clustering and its scores.
//!
//! Use a development corpus (make_corpus.py `--seed 1`), never the test
//! corpus (seed 7) the thresholds are reported on.

use crate::bench::Gold;
use crate::clough::{compare_all, copied_accuracy};
use crate::features::{is_lexical, PairFeatures};
use crate::metrics::{pair_scores, PairScores};
use crate::{EvalError, ThresholdValues};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;
use unspun_scan::{scan, Quiet, ScanOptions};

mod grid;
pub mod meaning;
pub mod rewrite;
mod table;

pub use grid::Grid;
use grid::Nearness;

/// One grid point and its scores.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct CalibrationRow {
    pub thresholds: ThresholdValues,
    /// Clough & Stevenson copied-vs-not accuracy.
    pub clough_accuracy: f64,
    /// Bench adjusted Rand index and pairwise precision/recall.
    pub ari: f64,
    pub pair_precision: f64,
    pub pair_recall: f64,
}

impl CalibrationRow {
    fn balanced(&self) -> f64 {
        (self.clough_accuracy + self.ari) / 2.0
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CalibrationReport {
    pub grid: Grid,
    pub points: usize,
    /// The thresholds in use, scored the same (offline) way.
    pub current: CalibrationRow,
    /// Best Clough accuracy (ties: best ARI, then closest to current).
    pub best_clough: CalibrationRow,
    /// Best bench ARI (ties: best Clough accuracy, then closest to current).
    pub best_ari: CalibrationRow,
    /// Best mean of the two (ties: closest to current).
    pub best_balanced: CalibrationRow,
    /// The best points by that mean, best first.
    pub top: Vec<CalibrationRow>,
    /// Each grid value of each field, the other fields at their current
    /// values: what each knob does on its own.
    pub one_at_a_time: Vec<CalibrationRow>,
    /// Bench scores if exactly the kept pairs within a gold family were
    /// joined: the ceiling for threshold tuning (the rest is candidates and
    /// alignment).
    pub ceiling: PairScores,
    pub clough_pairs: usize,
    pub bench_documents: usize,
    /// Pairs kept by the permissive scan.
    pub bench_pairs: usize,
    pub scan_seconds: f64,
    /// Pairs whose offline decision differs from compare's own (should be 0;
    /// anything else means compare's decision changed and the sweep is stale).
    pub clough_mismatches: usize,
    pub bench_mismatches: usize,
}

/// Sweeps `grid` on the Clough pairs at `clough_path` and the development
/// bench corpus at `dev_corpus`, scanned with `opts` (whose thresholds are the
/// current ones, reported for comparison).
pub fn calibrate(
    clough_path: &Path,
    dev_corpus: &Path,
    opts: &ScanOptions,
    grid: &Grid,
) -> Result<CalibrationReport, EvalError> {
    let current = opts.thresholds;
    let clough = compare_all(clough_path, &current, None)?;
    let clough_mismatches = clough
        .iter()
        .filter(|p| is_lexical(p.relation) && p.features.classify(&current) != p.relation)
        .count();

    let gold = Gold::read(dev_corpus)?;
    let permissive = grid.permissive(&current);
    let started = Instant::now();
    let result = scan(
        &[dev_corpus.to_path_buf()],
        &ScanOptions {
            thresholds: permissive,
            // The sweep re-decides pairs: stories and provenance are not used.
            stories: false,
            ..opts.clone()
        },
        &Quiet,
    )?;
    let scan_seconds = started.elapsed().as_secs_f64();
    let rows = gold.rows_of(&result);
    let tokens = |i: u32| result.documents.get(i as usize).map_or(0, |d| d.tokens);
    let pairs: Vec<(u32, u32, PairFeatures)> = result
        .pairs
        .iter()
        .map(|p| {
            (
                p.a_index,
                p.b_index,
                PairFeatures::of(&p.scores, &p.passages, tokens(p.a_index), tokens(p.b_index)),
            )
        })
        .collect();
    let bench_mismatches = result
        .pairs
        .iter()
        .zip(&pairs)
        .filter(|(p, (_, _, f))| is_lexical(p.relation) && f.classify(&permissive) != p.relation)
        .count();

    // Many grid points make the same copy edges (reuse coverage makes no
    // family, for one): cluster each distinct edge set once.
    let points = grid.points(&current);
    let single = grid.one_at_a_time(&current);
    let current_values = ThresholdValues::from(current);
    let all: Vec<ThresholdValues> = points
        .iter()
        .chain(&single)
        .chain([&current_values])
        .copied()
        .collect();
    let copy_edges = |t: &ThresholdValues| {
        let th = t.apply(current);
        pairs
            .iter()
            .filter(move |(_, _, f)| f.classify(&th).is_copy())
            .map(|(a, b, _)| (*a, *b))
    };
    let keys: Vec<u64> = all
        .par_iter()
        .map(|t| edge_set_key(copy_edges(t)))
        .collect();
    let mut distinct: Vec<(u64, ThresholdValues)> =
        keys.iter().copied().zip(all.iter().copied()).collect();
    distinct.sort_unstable_by_key(|(k, _)| *k);
    distinct.dedup_by_key(|(k, _)| *k);
    let n_docs = result.documents.len();
    let by_key: HashMap<u64, PairScores> = distinct
        .par_iter()
        .map(|(key, t)| (*key, cluster_scores(n_docs, &gold, &rows, copy_edges(t))))
        .collect();
    let family_scores: HashMap<[u64; 6], PairScores> = all
        .iter()
        .zip(&keys)
        .filter_map(|(t, k)| Some((point_key(t), *by_key.get(k)?)))
        .collect();
    // What perfect decisions on the kept pairs would score: the most any
    // threshold can reach without better candidates or alignment.
    let ceiling = cluster_scores(
        n_docs,
        &gold,
        &rows,
        pairs
            .iter()
            .filter(|(a, b, _)| gold.same_family(&rows, *a as usize, *b as usize) == Some(true))
            .map(|(a, b, _)| (*a, *b)),
    );

    let score = |t: &ThresholdValues| {
        let s = family_scores.get(&point_key(t)).copied();
        CalibrationRow {
            thresholds: *t,
            clough_accuracy: copied_accuracy(&clough, &t.apply(current)),
            ari: s.map_or(0.0, |s| s.ari),
            pair_precision: s.map_or(0.0, |s| s.pair_precision),
            pair_recall: s.map_or(0.0, |s| s.pair_recall),
        }
    };
    let current_row = score(&current_values);
    let rows: Vec<CalibrationRow> = points.par_iter().map(score).collect();
    let one_at_a_time: Vec<CalibrationRow> = single.iter().map(score).collect();
    let near = Nearness::new(grid, &current);
    let best = |key: &dyn Fn(&CalibrationRow) -> (f64, f64)| -> CalibrationRow {
        rows.iter()
            .copied()
            .max_by(|x, y| {
                let (kx, ky) = (key(x), key(y));
                kx.0.total_cmp(&ky.0)
                    .then(kx.1.total_cmp(&ky.1))
                    .then(near.distance(y).total_cmp(&near.distance(x)))
            })
            .unwrap_or(current_row)
    };
    let best_clough = best(&|r| (r.clough_accuracy, r.ari));
    let best_ari = best(&|r| (r.ari, r.clough_accuracy));
    let best_balanced = best(&|r| (r.balanced(), 0.0));
    let mut top = rows.clone();
    top.sort_by(|x, y| {
        y.balanced()
            .total_cmp(&x.balanced())
            .then(near.distance(x).total_cmp(&near.distance(y)))
    });
    top.truncate(TOP);
    Ok(CalibrationReport {
        grid: grid.clone(),
        points: rows.len(),
        current: current_row,
        best_clough,
        best_ari,
        best_balanced,
        top,
        one_at_a_time,
        ceiling,
        clough_pairs: clough.len(),
        bench_documents: gold.family.len(),
        bench_pairs: pairs.len(),
        scan_seconds,
        clough_mismatches,
        bench_mismatches,
    })
}

const TOP: usize = 15;

/// Bench scores of the families `edges` make.
fn cluster_scores(
    n_docs: usize,
    gold: &Gold,
    rows: &[Option<u32>],
    edges: impl Iterator<Item = (u32, u32)>,
) -> PairScores {
    let mut uf = UnionFind::new(n_docs);
    for (a, b) in edges {
        uf.union(a as usize, b as usize);
    }
    let roots: Vec<usize> = (0..n_docs).map(|i| uf.find(i)).collect();
    pair_scores(&gold.predicted(rows, |i| roots[i]), &gold.family)
}

fn point_key(t: &ThresholdValues) -> [u64; 6] {
    [
        t.duplicate_jaccard.to_bits(),
        t.near_duplicate_coverage.to_bits(),
        t.containment_coverage.to_bits(),
        t.reuse_coverage.to_bits(),
        t.reuse_tokens as u64,
        t.containment_tokens as u64,
    ]
}

/// A 64-bit hash of a set of edges given in a fixed order: two grid points
/// with equal keys make the same families (a collision among a few thousand
/// sets has odds around 1e-13).
fn edge_set_key(edges: impl Iterator<Item = (u32, u32)>) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for e in edges {
        e.hash(&mut h);
    }
    h.finish()
}

/// Path-halving union-find over document indices; the root is the label.
struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n).collect(),
        }
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        if a >= self.parent.len() || b >= self.parent.len() {
            return;
        }
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.parent[ra.max(rb)] = ra.min(rb);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_find_joins_components() {
        let mut uf = UnionFind::new(5);
        uf.union(3, 1);
        uf.union(4, 3);
        uf.union(9, 0); // out of range: ignored
        assert_eq!(uf.find(4), 1);
        assert_eq!(uf.find(0), 0);
        assert_eq!(uf.find(2), 2);
    }
}
