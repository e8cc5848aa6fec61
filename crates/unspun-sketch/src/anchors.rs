//! Containment anchors: a content-defined sample of a document's shingles.
//!
//! A shingle is an anchor when its hash falls in a fixed 1-in-2^bits slice, so
//! two documents sample the *same* shingles from the text they share. The
//! number of shared anchors divided by the smaller document's anchors estimates
//! how much of the smaller one lies inside the larger: a partial copy, a page
//! quoted inside another, which whole-document Jaccard (and so MinHash LSH)
//! misses when the sizes differ. A large absolute overlap (a long quoted
//! passage inside a long article) is a candidate too.

use rayon::prelude::*;
use unspun_text::token::fmix64;

const ANCHOR_SEED: u64 = 0xA5A5_5A5A_C3C3_3C3C;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AnchorParams {
    /// Keep one shingle in 2^bits.
    pub sample_bits: u32,
    /// Candidates share at least this many anchors...
    pub min_shared: u32,
    /// ...and at least this share of the smaller document's anchors,
    pub min_containment: f32,
    /// ...or at least this many anchors whatever the sizes (long reuse).
    pub min_shared_reuse: u32,
    /// Anchors in more documents than this are stock phrases or chrome,
    /// not evidence of copying; they are skipped.
    pub max_posting: usize,
}

impl Default for AnchorParams {
    fn default() -> Self {
        AnchorParams {
            sample_bits: 3,
            min_shared: 3,
            min_containment: 0.4,
            min_shared_reuse: 12,
            max_posting: 1000,
        }
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
    let (flat, starts) = inverted(docs);
    let ids: Vec<u32> = flat.par_iter().map(|p| p.1).collect();
    let postings_of = posting_ranges(&flat, &starts, rayon::current_num_threads());
    drop(flat);
    // Anchor counts in one compact array: read for every touched document.
    let sizes: Vec<u16> = docs
        .iter()
        .map(|a| a.len().min(u16::MAX as usize) as u16)
        .collect();

    let mut pairs: Vec<(u32, u32)> = (0..docs.len())
        .into_par_iter()
        // A dense counter per worker: increments are array writes, and only
        // the touched slots are visited and reset.
        .map_init(
            // The touched list has room for every document, so that a
            // first touch is recorded without a branch (whether a slot was
            // still zero is as good as random).
            || (vec![0u16; docs.len()], vec![0u32; docs.len()]),
            |(counts, touched), doc| {
                let mut n_touched = 0;
                for &(lo, hi) in &postings_of[starts[doc]..starts[doc + 1]] {
                    if (hi - lo) as usize > params.max_posting {
                        continue;
                    }
                    // Only earlier documents: each pair is found once, by its later member.
                    for &other in &ids[lo as usize..hi as usize] {
                        if other as usize >= doc {
                            break;
                        }
                        let c = &mut counts[other as usize];
                        // `other < doc`, so at most `doc` distinct slots: in bounds.
                        touched[n_touched] = other;
                        n_touched += usize::from(*c == 0);
                        *c = c.saturating_add(1);
                    }
                }
                let mine = docs[doc].len();
                let mut found = Vec::new();
                for &other in &touched[..n_touched] {
                    let shared = counts[other as usize] as u32;
                    counts[other as usize] = 0;
                    if shared < params.min_shared {
                        continue;
                    }
                    let smaller = mine.min(sizes[other as usize] as usize).max(1);
                    let contained = shared >= params.min_shared
                        && shared as f32 >= params.min_containment * smaller as f32;
                    if contained || shared >= params.min_shared_reuse {
                        found.push((other, doc as u32));
                    }
                }
                found
            },
        )
        .flatten_iter()
        .collect();
    pairs.par_sort_unstable();
    pairs
}

/// The inverted index: every (anchor, document), sorted (so each anchor's
/// documents are a run, in ascending order), and where each document's
/// anchors start in a document-by-document layout (`starts[d]`, with the
/// total last).
fn inverted(docs: &[Vec<u32>]) -> (Vec<(u32, u32)>, Vec<usize>) {
    let mut flat: Vec<(u32, u32)> = docs
        .par_iter()
        .enumerate()
        .flat_map_iter(|(d, a)| a.iter().map(move |&x| (x, d as u32)))
        .collect();
    flat.par_sort_unstable();
    let mut starts: Vec<usize> = Vec::with_capacity(docs.len() + 1);
    starts.push(0);
    for a in docs {
        starts.push(starts[starts.len() - 1] + a.len());
    }
    (flat, starts)
}

/// A posting range: `start..end` of one anchor's run in the sorted list.
type Posting = (u32, u32);

/// Each document's anchors as posting ranges into the sorted `flat`, laid
/// out document by document (document `d`'s from `starts[d]`, in anchor
/// order): a document's pass reads its own slice instead of looking every
/// anchor up in a map. The documents are cut into `groups` (one per
/// thread), each filling its own part of the layout from one read of `flat`.
fn posting_ranges(flat: &[(u32, u32)], starts: &[usize], groups: usize) -> Vec<Posting> {
    let docs = starts.len() - 1;
    let mut postings_of: Vec<Posting> = vec![(0, 0); flat.len()];
    let groups = groups.clamp(1, docs.max(1));
    let mut parts: Vec<(std::ops::Range<usize>, &mut [Posting])> = Vec::with_capacity(groups);
    let mut rest: &mut [Posting] = &mut postings_of;
    for g in 0..groups {
        let (lo, hi) = (docs * g / groups, docs * (g + 1) / groups);
        let (part, tail) = std::mem::take(&mut rest).split_at_mut(starts[hi] - starts[lo]);
        parts.push((lo..hi, part));
        rest = tail;
    }
    parts.into_par_iter().for_each(|(own, part)| {
        let base = starts[own.start];
        let mut filled: Vec<usize> = starts[own.clone()].iter().map(|&s| s - base).collect();
        for (start, run) in runs(flat) {
            let range = (start as u32, (start + run) as u32);
            for &(_, d) in &flat[start..start + run] {
                if own.contains(&(d as usize)) {
                    let slot = &mut filled[d as usize - own.start];
                    part[*slot] = range;
                    *slot += 1;
                }
            }
        }
    });
    postings_of
}

/// `(start, length)` of each run of equal anchors in a sorted list.
fn runs(flat: &[(u32, u32)]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        if i >= flat.len() {
            return None;
        }
        let start = i;
        while i < flat.len() && flat[i].0 == flat[start].0 {
            i += 1;
        }
        Some((start, i - start))
    })
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
        let docs = vec![
            anchors(&original, &p),
            anchors(&part, &p),
            anchors(&unrelated, &p),
        ];
        assert_eq!(anchor_candidates(&docs, &p), vec![(0, 1)]);
    }

    #[test]
    fn posting_ranges_are_the_same_for_any_number_of_groups() {
        let p = AnchorParams::default();
        let docs: Vec<Vec<u32>> = (0..7u64)
            .map(|d| anchors(&shingles(d * 50..d * 50 + 300), &p))
            .collect();
        let (flat, starts) = inverted(&docs);
        let one = posting_ranges(&flat, &starts, 1);
        // Document d's k-th slot is the run of its k-th anchor, and that run
        // holds d.
        for (d, a) in docs.iter().enumerate() {
            for (k, &x) in a.iter().enumerate() {
                let (lo, hi) = one[starts[d] + k];
                let run = &flat[lo as usize..hi as usize];
                assert!(run.iter().all(|e| e.0 == x));
                assert!(run.contains(&(x, d as u32)));
            }
        }
        // Neighbouring documents overlap, so some runs hold several of them.
        assert!(one.iter().any(|&(lo, hi)| hi - lo > 1));
        for groups in 2..=9 {
            assert_eq!(
                posting_ranges(&flat, &starts, groups),
                one,
                "{groups} groups"
            );
        }
    }

    #[test]
    fn a_long_quote_in_a_long_article_is_found() {
        let p = AnchorParams::default();
        let a = shingles(0..1000);
        let mut b = shingles(9000..10000);
        b.extend(shingles(400..600)); // 200 shingles quoted: ~25 anchors
        let docs = vec![anchors(&a, &p), anchors(&b, &p)];
        assert_eq!(anchor_candidates(&docs, &p), vec![(0, 1)]);
    }
}
