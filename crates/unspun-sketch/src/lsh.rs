//! Locality-sensitive hashing by banding.
//!
//! A signature of `bands × rows` bins is cut into bands; two documents are
//! candidates when any band is equal. The chance of that at Jaccard `s` is
//! `1 - (1 - s^rows)^bands`, an S-curve whose bend [`LshParams::for_threshold`]
//! places at the requested threshold, so users give a similarity, not a shape.

use crate::minhash::Signature;
use rayon::prelude::*;
use unspun_text::token::fmix64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LshParams {
    pub bands: usize,
    pub rows: usize,
}

impl LshParams {
    /// Bands and rows for `bins` signature bins that minimize the area of
    /// false positives below `threshold` plus false negatives above it.
    pub fn for_threshold(threshold: f64, bins: usize) -> LshParams {
        let threshold = threshold.clamp(0.01, 0.99);
        let mut best = (
            f64::MAX,
            LshParams {
                bands: 1,
                rows: bins.max(1),
            },
        );
        for bands in 1..=bins {
            for rows in 1..=bins / bands {
                let p = |s: f64| 1.0 - (1.0 - s.powi(rows as i32)).powi(bands as i32);
                let false_pos = integrate(p, 0.0, threshold);
                let false_neg = integrate(|s| 1.0 - p(s), threshold, 1.0);
                let err = 0.5 * false_pos + 0.5 * false_neg;
                if err < best.0 {
                    best = (err, LshParams { bands, rows });
                }
            }
        }
        best.1
    }

    /// Probability that two documents of Jaccard `s` share a band.
    pub fn collision_probability(&self, s: f64) -> f64 {
        1.0 - (1.0 - s.powi(self.rows as i32)).powi(self.bands as i32)
    }

    /// One key per band.
    pub fn band_keys(&self, sig: &Signature) -> Vec<u64> {
        (0..self.bands)
            .map(|b| {
                let rows = sig.0.get(b * self.rows..(b + 1) * self.rows).unwrap_or(&[]);
                rows.iter()
                    .fold(fmix64(b as u64 + 1), |h, &v| fmix64(h ^ v as u64))
            })
            .collect()
    }
}

fn integrate(f: impl Fn(f64) -> f64, a: f64, b: f64) -> f64 {
    const STEPS: usize = 200;
    let h = (b - a) / STEPS as f64;
    (0..STEPS).map(|i| f(a + (i as f64 + 0.5) * h)).sum::<f64>() * h
}

/// Candidate pairs `(i, j)`, `i < j`, of documents sharing a band key.
///
/// `keys[doc]` holds the band keys of one document (empty for documents with
/// no signature). Each band is sorted on its own, in parallel, so no shared
/// table or lock is needed. A bucket larger than `max_bucket` (thousands of
/// copies of one text) is linked as a chain instead of all its pairs: that
/// still joins them into one family without quadratic output.
pub fn lsh_candidates(keys: &[Vec<u64>], bands: usize, max_bucket: usize) -> Vec<(u32, u32)> {
    let mut pairs: Vec<(u32, u32)> = (0..bands)
        .into_par_iter()
        .flat_map_iter(|band| {
            let mut column: Vec<(u64, u32)> = keys
                .iter()
                .enumerate()
                .filter_map(|(doc, k)| k.get(band).map(|&key| (key, doc as u32)))
                .collect();
            column.sort_unstable();
            let mut out = Vec::new();
            for bucket in column.chunk_by(|x, y| x.0 == y.0) {
                if bucket.len() > max_bucket {
                    out.extend(bucket.windows(2).map(|w| (w[0].1, w[1].1)));
                } else {
                    for (n, x) in bucket.iter().enumerate() {
                        out.extend(bucket[n + 1..].iter().map(|y| (x.1, y.1)));
                    }
                }
            }
            out
        })
        .collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threshold_places_the_bend() {
        let p = LshParams::for_threshold(0.5, 128);
        assert!(p.bands * p.rows <= 128);
        assert!(p.collision_probability(0.8) > 0.99, "{p:?}");
        assert!(p.collision_probability(0.2) < 0.1, "{p:?}");
        let low = LshParams::for_threshold(0.2, 128);
        assert!(low.rows < p.rows);
    }

    #[test]
    fn equal_bands_make_candidates_in_order() {
        let keys = vec![vec![1, 2], vec![3, 2], vec![5, 6], vec![], vec![1, 9]];
        assert_eq!(lsh_candidates(&keys, 2, 100), vec![(0, 1), (0, 4)]);
    }

    #[test]
    fn huge_buckets_are_chained() {
        let keys: Vec<Vec<u64>> = (0..10).map(|_| vec![7]).collect();
        let pairs = lsh_candidates(&keys, 1, 3);
        assert_eq!(pairs.len(), 9);
        assert!(pairs.iter().all(|&(a, b)| b == a + 1));
    }
}
