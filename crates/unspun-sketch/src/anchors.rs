//! Containment anchors: a content-defined sample of a document's shingles.
//!
//! A shingle is an anchor when its hash falls in a fixed 1-in-2^bits slice, so
//! two documents sample the *same* shingles from the text they share. The
//! number of shared anchors divided by the smaller document's anchors estimates
//! how much of the smaller one lies inside the larger: a partial copy, a page
//! quoted inside another, which whole-document Jaccard (and so MinHash LSH)
//! misses when the sizes differ.

use rayon::prelude::*;
use std::collections::HashMap;
use unspun_text::token::fmix64;

const ANCHOR_SEED: u64 = 0xA5A5_5A5A_C3C3_3C3C;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AnchorParams {
    /// Keep one shingle in 2^bits.
    pub sample_bits: u32,
    /// Candidates share at least this many anchors...
    pub min_shared: u32,
    /// ...and at least this share of the smaller document's anchors.
    pub min_containment: f32,
    /// Anchors in more documents than this are stock phrases or chrome,
    /// not evidence of copying; they are skipped.
    pub max_posting: usize,
}

impl Default for AnchorParams {
    fn default() -> Self {
        AnchorParams { sample_bits: 3, min_shared: 3, min_containment: 0.2, max_posting: 1000 }
    }
}

/// The sorted, distinct anchors of a shingle sequence.
pub fn anchors(shingles: &[u64], params: &AnchorParams) -> Vec<u32> {
    let mask = (1u64 << params.sample_bits) - 1;
    let mut out: Vec<u32> = shingles
        .iter()
        .filter_map(|&s| {
            let h = fmix64(s ^ ANCHOR_SEED);
            (h & mask == 0).then_some((h >> 32) as u32)
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Candidate pairs `(i, j)`, `i < j`, whose anchor overlap passes `params`.
pub fn anchor_candidates(docs: &[Vec<u32>], params: &AnchorParams) -> Vec<(u32, u32)> {
    // Inverted index as two flat arrays (sorted by anchor): cheap in memory.
    let mut postings: Vec<(u32, u32)> = docs
        .iter()
        .enumerate()
        .flat_map(|(d, a)| a.iter().map(move |&x| (x, d as u32)))
        .collect();
    postings.par_sort_unstable();
    let keys: Vec<u32> = postings.iter().map(|p| p.0).collect();
    let ids: Vec<u32> = postings.iter().map(|p| p.1).collect();
    drop(postings);

    let mut pairs: Vec<(u32, u32)> = (0..docs.len())
        .into_par_iter()
        .flat_map_iter(|doc| {
            let mut counts: HashMap<u32, u32> = HashMap::new();
            for &anchor in &docs[doc] {
                let lo = keys.partition_point(|&k| k < anchor);
                let hi = keys.partition_point(|&k| k <= anchor);
                if hi - lo > params.max_posting {
                    continue;
                }
                // Only earlier documents: each pair is found once, by its later member.
                for &other in &ids[lo..hi] {
                    if (other as usize) < doc {
                        *counts.entry(other).or_default() += 1;
                    }
                }
            }
            let mine = docs[doc].len();
            counts
                .into_iter()
                .filter(move |&(other, shared)| {
                    let smaller = mine.min(docs[other as usize].len()).max(1);
                    shared >= params.min_shared && shared as f32 >= params.min_containment * smaller as f32
                })
                .map(move |(other, _)| (other, doc as u32))
        })
        .collect();
    pairs.par_sort_unstable();
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shingles(range: std::ops::Range<u64>) -> Vec<u64> {
        range.map(|i| fmix64(i * 31 + 5)).collect()
    }

    #[test]
    fn a_partial_copy_is_found_and_a_shared_sentence_is_not() {
        let p = AnchorParams::default();
        let original = shingles(0..400);
        let part = shingles(100..220); // 30 % of the original, wholly inside it
        let mut unrelated = shingles(5000..5400);
        unrelated.extend(shingles(300..320)); // one shared sentence
        let docs = vec![anchors(&original, &p), anchors(&part, &p), anchors(&unrelated, &p)];
        assert_eq!(anchor_candidates(&docs, &p), vec![(0, 1)]);
    }
}
