//! Quality evaluation of unspun, behind `unspun eval`.
//!
//! - [`bench()`]: clustering quality and speed of a whole scan on a generated
//!   bench corpus with gold families (adjusted Rand index, pairwise
//!   precision/recall, exactly as `shared/bench/peers.py` computes them);
//! - [`clough()`]: copied-vs-not accuracy of single comparisons on the Clough &
//!   Stevenson rewritten-text pairs;
//! - [`pan()`]: passage alignment quality on PAN 2013 text-alignment pairs
//!   (plagdet);
//! - [`calibrate()`]: small grid sweeps of the relation [`Thresholds`];
//! - [`msrp()`], [`stsb()`], [`semeval()`], [`tier_speed()`]: the meaning
//!   layer on sentence paraphrase, sentence similarity and same-story pairs,
//!   and the speed of both embedding tiers;
//! - [`calibrate_meaning()`]: fits the meaning layer's weights (see
//!   docs/calibration.md).
//!
//! Every report is `Serialize`, so the CLI can print it as JSON.
//!
//! [`Thresholds`]: unspun_compare::Thresholds

// Tests may panic on setup failures; library code may not.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod bench;
pub mod calibrate;
pub mod clough;
mod features;
pub mod fit;
mod jsonl;
pub mod metrics;
pub mod pan;
pub mod plagdet;
pub mod semantic;
pub mod stats;
pub mod stories;
pub mod story_tiers;
pub mod vectors;

pub use bench::{bench, BenchReport};
pub use calibrate::meaning::{calibrate_meaning, MeaningCalibrationReport, MeaningGrid};
pub use calibrate::{calibrate, CalibrationReport, Grid};
pub use clough::{clough, CloughReport};
pub use metrics::{pair_scores, PairScores};
pub use pan::{pan, PanReport};
pub use plagdet::{plagdet, Annotation, PairAnnotations, PlagdetScores};
pub use semantic::{
    msrp, semeval, stsb, tier_speed, MsrpReport, SemevalReport, StsbReport, TierSpeed,
};

use serde::Serialize;
use std::path::PathBuf;
use unspun_compare::Thresholds;

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{line}: {message}", path.display())]
    Parse {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error(transparent)]
    Scan(#[from] unspun_scan::ScanError),
    #[error("meaning layer: {0}")]
    Embed(#[from] unspun_embed::EmbedError),
    #[error("{0}")]
    Data(String),
}

/// [`Thresholds`] as it appears in reports (the compare crate keeps its
/// struct free of serde).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ThresholdValues {
    pub duplicate_jaccard: f64,
    pub near_duplicate_coverage: f64,
    pub containment_coverage: f64,
    pub reuse_coverage: f64,
    pub reuse_tokens: usize,
    pub containment_tokens: usize,
}

impl From<Thresholds> for ThresholdValues {
    fn from(t: Thresholds) -> Self {
        ThresholdValues {
            duplicate_jaccard: t.duplicate_jaccard,
            near_duplicate_coverage: t.near_duplicate_coverage,
            containment_coverage: t.containment_coverage,
            reuse_coverage: t.reuse_coverage,
            reuse_tokens: t.reuse_tokens,
            containment_tokens: t.containment_tokens,
        }
    }
}

impl ThresholdValues {
    /// These values on top of `base`, so that fields the compare crate adds
    /// later keep their base values.
    pub fn apply(self, base: Thresholds) -> Thresholds {
        let mut t = base;
        t.duplicate_jaccard = self.duplicate_jaccard;
        t.near_duplicate_coverage = self.near_duplicate_coverage;
        t.containment_coverage = self.containment_coverage;
        t.reuse_coverage = self.reuse_coverage;
        t.reuse_tokens = self.reuse_tokens;
        t.containment_tokens = self.containment_tokens;
        t
    }
}

/// Share `n / d`, or 0 for an empty denominator.
pub(crate) fn ratio(n: usize, d: usize) -> f64 {
    if d == 0 {
        0.0
    } else {
        n as f64 / d as f64
    }
}
