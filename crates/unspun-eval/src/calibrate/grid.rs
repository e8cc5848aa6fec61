//! The grid of threshold values a calibration sweeps, and the distance
//! that breaks ties toward the smallest change.

use super::CalibrationRow;
use crate::ThresholdValues;
use serde::Serialize;
use unspun_compare::Thresholds;

/// Values to try for each threshold; an empty list keeps the current value.
#[derive(Debug, Clone, Serialize)]
pub struct Grid {
    pub duplicate_jaccard: Vec<f64>,
    pub near_duplicate_coverage: Vec<f64>,
    pub containment_coverage: Vec<f64>,
    pub reuse_coverage: Vec<f64>,
    pub reuse_tokens: Vec<usize>,
    pub containment_tokens: Vec<usize>,
}

impl Default for Grid {
    /// Around the shipped defaults, 8,000 points.
    fn default() -> Self {
        Grid {
            duplicate_jaccard: vec![0.8, 0.85, 0.9, 0.95],
            near_duplicate_coverage: vec![0.6, 0.7, 0.8, 0.9],
            containment_coverage: vec![0.5, 0.6, 0.7, 0.8, 0.9],
            reuse_coverage: vec![0.05, 0.1, 0.15, 0.2, 0.3],
            reuse_tokens: vec![15, 25, 40, 60, 80],
            containment_tokens: vec![0, 32, 64, 96],
        }
    }
}

fn or_current<T: Copy>(values: &[T], current: T) -> Vec<T> {
    if values.is_empty() {
        vec![current]
    } else {
        values.to_vec()
    }
}

impl Grid {
    /// Every combination, on top of `current`.
    pub fn points(&self, current: &Thresholds) -> Vec<ThresholdValues> {
        let mut out = Vec::new();
        for &dj in &or_current(&self.duplicate_jaccard, current.duplicate_jaccard) {
            for &nd in &or_current(
                &self.near_duplicate_coverage,
                current.near_duplicate_coverage,
            ) {
                for &cc in &or_current(&self.containment_coverage, current.containment_coverage) {
                    for &rc in &or_current(&self.reuse_coverage, current.reuse_coverage) {
                        for &rt in &or_current(&self.reuse_tokens, current.reuse_tokens) {
                            for &ct in
                                &or_current(&self.containment_tokens, current.containment_tokens)
                            {
                                out.push(ThresholdValues {
                                    duplicate_jaccard: dj,
                                    near_duplicate_coverage: nd,
                                    containment_coverage: cc,
                                    reuse_coverage: rc,
                                    reuse_tokens: rt,
                                    containment_tokens: ct,
                                });
                            }
                        }
                    }
                }
            }
        }
        out
    }

    /// Grid values of one field at a time, the others at `current`.
    pub fn one_at_a_time(&self, current: &Thresholds) -> Vec<ThresholdValues> {
        let c = ThresholdValues::from(*current);
        let mut out = Vec::new();
        out.extend(self.duplicate_jaccard.iter().map(|&v| ThresholdValues {
            duplicate_jaccard: v,
            ..c
        }));
        out.extend(
            self.near_duplicate_coverage
                .iter()
                .map(|&v| ThresholdValues {
                    near_duplicate_coverage: v,
                    ..c
                }),
        );
        out.extend(self.containment_coverage.iter().map(|&v| ThresholdValues {
            containment_coverage: v,
            ..c
        }));
        out.extend(self.reuse_coverage.iter().map(|&v| ThresholdValues {
            reuse_coverage: v,
            ..c
        }));
        out.extend(self.reuse_tokens.iter().map(|&v| ThresholdValues {
            reuse_tokens: v,
            ..c
        }));
        out.extend(self.containment_tokens.iter().map(|&v| ThresholdValues {
            containment_tokens: v,
            ..c
        }));
        out
    }

    /// The lowest value of each field, `current` included: a scan with
    /// these keeps every pair any grid point (or `current`) relates.
    pub(super) fn permissive(&self, current: &Thresholds) -> Thresholds {
        let min = |v: &[f64], c: f64| v.iter().copied().fold(c, f64::min);
        ThresholdValues {
            duplicate_jaccard: min(&self.duplicate_jaccard, current.duplicate_jaccard),
            near_duplicate_coverage: min(
                &self.near_duplicate_coverage,
                current.near_duplicate_coverage,
            ),
            containment_coverage: min(&self.containment_coverage, current.containment_coverage),
            reuse_coverage: min(&self.reuse_coverage, current.reuse_coverage),
            reuse_tokens: self
                .reuse_tokens
                .iter()
                .copied()
                .fold(current.reuse_tokens, usize::min),
            containment_tokens: self
                .containment_tokens
                .iter()
                .copied()
                .fold(current.containment_tokens, usize::min),
        }
        .apply(*current)
    }
}

/// Distance to the current thresholds, each field scaled by its grid span,
/// to break ties toward the smallest change.
pub(super) struct Nearness {
    current: ThresholdValues,
    spans: [f64; 6],
}

impl Nearness {
    pub(super) fn new(grid: &Grid, current: &Thresholds) -> Self {
        let span = |v: &[f64]| {
            let (lo, hi) = v
                .iter()
                .fold((f64::MAX, f64::MIN), |(lo, hi), &x| (lo.min(x), hi.max(x)));
            if hi > lo {
                hi - lo
            } else {
                1.0
            }
        };
        let tokens: Vec<f64> = grid.reuse_tokens.iter().map(|&t| t as f64).collect();
        let contained: Vec<f64> = grid.containment_tokens.iter().map(|&t| t as f64).collect();
        Nearness {
            current: (*current).into(),
            spans: [
                span(&grid.duplicate_jaccard),
                span(&grid.near_duplicate_coverage),
                span(&grid.containment_coverage),
                span(&grid.reuse_coverage),
                span(&tokens),
                span(&contained),
            ],
        }
    }

    pub(super) fn distance(&self, r: &CalibrationRow) -> f64 {
        let (t, c) = (&r.thresholds, &self.current);
        [
            t.duplicate_jaccard - c.duplicate_jaccard,
            t.near_duplicate_coverage - c.near_duplicate_coverage,
            t.containment_coverage - c.containment_coverage,
            t.reuse_coverage - c.reuse_coverage,
            t.reuse_tokens as f64 - c.reuse_tokens as f64,
            t.containment_tokens as f64 - c.containment_tokens as f64,
        ]
        .iter()
        .zip(&self.spans)
        .map(|(d, s)| d.abs() / s)
        .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_points_cover_the_product_and_permissive_is_the_minimum() {
        let grid = Grid {
            duplicate_jaccard: vec![0.8, 0.9],
            near_duplicate_coverage: vec![],
            containment_coverage: vec![0.7],
            reuse_coverage: vec![0.1, 0.2, 0.3],
            reuse_tokens: vec![50],
            containment_tokens: vec![0, 64],
        };
        let current = Thresholds::default();
        assert_eq!(grid.points(&current).len(), 12);
        let p = grid.permissive(&current);
        assert_eq!(p.duplicate_jaccard, 0.8);
        assert_eq!(p.near_duplicate_coverage, current.near_duplicate_coverage);
        assert_eq!(p.reuse_coverage, 0.1);
        // Current is below the grid here, so it stays the minimum.
        assert_eq!(p.reuse_tokens, current.reuse_tokens.min(50));
        assert_eq!(p.containment_tokens, 0);
    }
}
