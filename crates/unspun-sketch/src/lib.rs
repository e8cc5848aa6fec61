//! The sketch stage of unspun: tokens in, compact signatures out.
//!
//! - [`shingle`]: hashes of overlapping k-token windows;
//! - [`minhash`]: one-permutation MinHash with optimal densification, so a
//!   signature costs one hash per shingle instead of one per permutation;
//! - [`lsh`]: banding with bands × rows derived from a Jaccard threshold, and
//!   a batch candidate finder that sorts each band on its own;
//! - [`anchors`](mod@anchors): a content-defined sample of shingles whose overlap estimates
//!   *containment*, which finds partial copies that Jaccard LSH misses.

// Tests may panic on setup failures; library code may not.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod anchors;
pub mod lsh;
pub mod minhash;
pub mod shingle;

pub use anchors::{anchor_candidates, anchors, AnchorParams};
pub use lsh::{lsh_candidates, LshParams};
pub use minhash::{MinHasher, Signature};
pub use shingle::{shingles, SHINGLE_WORDS};
