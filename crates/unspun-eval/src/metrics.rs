//! Pair-counting agreement of two labelings: adjusted Rand index and pairwise
//! precision/recall, the formulas of `scores()` in `shared/bench/peers.py`, so
//! that unspun and its peers are scored identically.

use serde::Serialize;
use std::collections::HashMap;
use std::hash::Hash;

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PairScores {
    /// Adjusted Rand index (Hubert & Arabie): 1 = same partition, about 0 =
    /// chance agreement.
    pub ari: f64,
    /// Of the pairs put together, the share together in gold (1 when none).
    pub pair_precision: f64,
    /// Of the gold pairs, the share put together (1 when none).
    pub pair_recall: f64,
    /// Pairs together in both labelings.
    pub same_both: u64,
    /// Pairs together in the predicted labeling.
    pub same_pred: u64,
    /// Pairs together in gold.
    pub same_gold: u64,
}

/// `n choose 2`. u128 because at a million documents the pair count is
/// already 5e11 and products of pair counts overflow u64.
fn pairs(n: u64) -> u128 {
    let n = n as u128;
    n * n.saturating_sub(1) / 2
}

/// Scores `pred` against `gold`; `pred[i]` and `gold[i]` label item `i`.
/// Singletons must carry labels of their own (a shared "none" label would
/// make them one big cluster). Extra items of the longer slice are ignored.
pub fn pair_scores<P: Hash + Eq, G: Hash + Eq>(pred: &[P], gold: &[G]) -> PairScores {
    let n = pred.len().min(gold.len());
    let mut both: HashMap<(&P, &G), u64> = HashMap::new();
    let mut by_pred: HashMap<&P, u64> = HashMap::new();
    let mut by_gold: HashMap<&G, u64> = HashMap::new();
    for (p, g) in pred[..n].iter().zip(&gold[..n]) {
        *both.entry((p, g)).or_default() += 1;
        *by_pred.entry(p).or_default() += 1;
        *by_gold.entry(g).or_default() += 1;
    }
    let sum_pairs = |counts: &mut dyn Iterator<Item = u64>| counts.map(pairs).sum::<u128>();
    let same_both = sum_pairs(&mut both.into_values());
    let same_pred = sum_pairs(&mut by_pred.into_values());
    let same_gold = sum_pairs(&mut by_gold.into_values());
    from_counts(same_both, same_pred, same_gold, pairs(n as u64))
}

/// The peers.py formula from the three pair counts and the total pair count.
pub(crate) fn from_counts(
    same_both: u128,
    same_pred: u128,
    same_gold: u128,
    total: u128,
) -> PairScores {
    let expected = if total == 0 {
        0.0
    } else {
        (same_pred * same_gold) as f64 / total as f64
    };
    let maximum = (same_pred + same_gold) as f64 / 2.0;
    // Exact float comparison on purpose: it is what peers.py does, and it
    // only matters for degenerate labelings (everything singleton or one
    // cluster in both), which score 1.
    #[allow(clippy::float_cmp)]
    let ari = if maximum != expected {
        (same_both as f64 - expected) / (maximum - expected)
    } else {
        1.0
    };
    let share = |n: u128, d: u128| if d == 0 { 1.0 } else { n as f64 / d as f64 };
    PairScores {
        ari,
        pair_precision: share(same_both, same_pred),
        pair_recall: share(same_both, same_gold),
        same_both: same_both as u64,
        same_pred: same_pred as u64,
        same_gold: same_gold as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn perfect_agreement_scores_one_whatever_the_label_names() {
        let s = pair_scores(&["x", "x", "y", "y", "z"], &[1, 1, 2, 2, 3]);
        assert!(
            close(s.ari, 1.0) && close(s.pair_precision, 1.0) && close(s.pair_recall, 1.0),
            "{s:?}"
        );
        assert_eq!((s.same_both, s.same_pred, s.same_gold), (2, 2, 2));
    }

    #[test]
    fn all_singletons_have_no_recall_and_zero_ari() {
        let s = pair_scores(&[0, 1, 2, 3, 4], &[0, 0, 0, 1, 1]);
        // No predicted pairs: precision is vacuously 1, as in peers.py.
        assert_eq!((s.same_both, s.same_pred, s.same_gold), (0, 0, 4));
        assert!(
            close(s.pair_precision, 1.0) && close(s.pair_recall, 0.0) && close(s.ari, 0.0),
            "{s:?}"
        );
    }

    #[test]
    fn singletons_in_both_score_one() {
        let s = pair_scores(&[0, 1, 2], &[5, 6, 7]);
        assert!(close(s.ari, 1.0) && close(s.pair_precision, 1.0) && close(s.pair_recall, 1.0));
    }

    #[test]
    fn hand_computed_partial_agreement() {
        // pred {0,1} {2,3} {4}; gold {0,1,2} {3,4}.
        // Together in both: (0,1) = 1; pred pairs 2; gold pairs 3 + 1 = 4;
        // all pairs 10; expected 2 * 4 / 10 = 0.8; maximum (2 + 4) / 2 = 3.
        let s = pair_scores(&[0, 0, 1, 1, 2], &[0, 0, 0, 1, 1]);
        assert!(close(s.ari, (1.0 - 0.8) / (3.0 - 0.8)), "{s:?}");
        assert!(
            close(s.pair_precision, 0.5) && close(s.pair_recall, 0.25),
            "{s:?}"
        );
    }

    #[test]
    fn one_big_cluster_has_full_recall() {
        // pred all together: 6 pairs; gold {0,1} {2,3}: 2 pairs, both found.
        // expected 6 * 2 / 6 = 2 = same_both, so ARI 0.
        let s = pair_scores(&[7, 7, 7, 7], &[0, 0, 1, 1]);
        assert!(
            close(s.pair_recall, 1.0) && close(s.pair_precision, 2.0 / 6.0) && close(s.ari, 0.0),
            "{s:?}"
        );
    }

    #[test]
    fn a_million_documents_do_not_overflow() {
        let total = pairs(1_000_000);
        assert_eq!(total, 499_999_500_000);
        let s = from_counts(total, total, total, total);
        assert!(close(s.ari, 1.0));
    }
}
