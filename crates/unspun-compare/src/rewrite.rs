//! Whole-text rewrites that no single sentence pair gives away.
//!
//! The sentence classifier is fitted on MSRP, whose paraphrases are close;
//! a heavy rewrite changes each sentence too much for it, so too little of
//! the text aligns for `paraphrase`. Read as a whole, though, nearly every
//! sentence of such a rewrite has a close counterpart in the source, which
//! an independent report of the same event, bringing its own quotes and
//! background, does not. This tier measures that with the full model on
//! every sentence of both texts, so it runs only where the cheaper
//! evidence comes close (see docs/calibration.md, "Rewrites").

use crate::align::Passage;
use crate::meaning::{cosine, paraphrase_passages, Calibration, Meaning, Sentences, IN_VERBATIM};
use crate::prepare::Prepared;
use unspun_embed::EmbedError;

/// How far below `rewrite_cosine` the cheap estimate may lie and the full
/// model still be asked: the cheap estimate (fast-tier cosines where the
/// full model did not run, and 0 for sentences without a candidate) lay up
/// to 0.19 under the full one on the Clough & Stevenson dev answers.
pub const PRECHECK_MARGIN: f64 = 0.2;

/// What the rewrite tier found for a pair.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rewrite {
    /// Token-weighted mean, over the smaller text's sentences, of each one's
    /// best full-model cosine with a sentence of the other (1 for sentences
    /// inside verbatim passages).
    pub cosine: f64,
    /// `(i, j)`: sentence `i` of `a` and `j` of `b`, the longest in-order
    /// chain of best matches at `rewrite_cosine` or above (the evidence).
    pub pairs: Vec<(usize, usize)>,
    /// Those pairs as `paraphrase` passages.
    pub passages: Vec<Passage>,
    /// Sentences of the smaller text.
    pub sentences: usize,
}

/// Whether a pair is worth the full model on all its sentences: the smaller
/// text has `rewrite_sentences` sentences at least (a short brief of an
/// event says what any report of it says) and the cheap estimate is close.
pub fn worth_checking(small_sentences: usize, cheap: f64, cal: &Calibration) -> bool {
    cal.rewrite_sentences > 0
        && small_sentences >= cal.rewrite_sentences
        && cheap >= cal.rewrite_cosine - PRECHECK_MARGIN
}

/// Every sentence of both texts, `a`'s first.
pub fn sentence_texts<'t>(
    a: &'t Prepared,
    b: &'t Prepared,
    sa: &Sentences,
    sb: &Sentences,
) -> Vec<&'t str> {
    let of = |p: &'t Prepared, s: &Sentences| -> Vec<&'t str> {
        s.spans.iter().map(|sp| &p.text[sp.range()]).collect()
    };
    let mut texts = of(a, sa);
    texts.extend(of(b, sb));
    texts
}

/// The rewrite measure of a pair. `verbatim_a`/`_b`: the share of each
/// sentence inside verbatim passages.
pub fn rewrite_of(
    (a, sa, verbatim_a): (&Prepared, &Sentences, &[f64]),
    (b, sb, verbatim_b): (&Prepared, &Sentences, &[f64]),
    meaning: &Meaning,
) -> Result<Rewrite, EmbedError> {
    let texts = sentence_texts(a, b, sa, sb);
    let vectors = meaning.full(&texts)?;
    let (va, vb) = vectors.split_at(sa.len());
    let a_smaller = a.tokens.len() <= b.tokens.len();
    let (small, small_vectors, other_vectors, small_verbatim) = if a_smaller {
        (sa, va, vb, verbatim_a)
    } else {
        (sb, vb, va, verbatim_b)
    };
    // Each sentence of the smaller text: its best partner and cosine.
    let best: Vec<(usize, f64)> = small_vectors
        .iter()
        .map(|x| {
            other_vectors
                .iter()
                .enumerate()
                .map(|(j, y)| (j, f64::from(cosine(x, y))))
                .fold((0, f64::MIN), |acc, c| if c.1 > acc.1 { c } else { acc })
        })
        .collect();
    let weight = |k: usize| small.tokens(k) as f64;
    let total: f64 = (0..small.len()).map(weight).sum();
    let summed: f64 = (0..small.len())
        .map(|k| {
            let c = if small_verbatim[k] >= IN_VERBATIM {
                1.0
            } else {
                best[k].1
            };
            c.max(0.0) * weight(k)
        })
        .sum();
    let threshold = meaning.calibration.rewrite_cosine;
    let chain = in_order_chain(&best, threshold, weight);
    let pairs: Vec<(usize, usize)> = chain
        .into_iter()
        .map(|k| {
            if a_smaller {
                (k, best[k].0)
            } else {
                (best[k].0, k)
            }
        })
        .collect();
    let (passages, _) = paraphrase_passages(&pairs, sa, sb, verbatim_a);
    Ok(Rewrite {
        cosine: if total > 0.0 { summed / total } else { 0.0 },
        pairs,
        passages,
        sentences: small.len(),
    })
}

/// Indices `k` (increasing) of the heaviest chain whose partners
/// `best[k].0` increase too, among matches at `threshold` or above.
fn in_order_chain(
    best: &[(usize, f64)],
    threshold: f64,
    weight: impl Fn(usize) -> f64,
) -> Vec<usize> {
    let n = best.len();
    let mut score = vec![0.0f64; n];
    let mut prev: Vec<Option<usize>> = vec![None; n];
    for k in 0..n {
        if best[k].1 < threshold {
            continue;
        }
        score[k] = weight(k);
        for i in 0..k {
            if score[i] > 0.0 && best[i].0 < best[k].0 && score[i] + weight(k) > score[k] {
                score[k] = score[i] + weight(k);
                prev[k] = Some(i);
            }
        }
    }
    let Some(end) = (0..n)
        .filter(|&k| score[k] > 0.0)
        .max_by(|&x, &y| score[x].total_cmp(&score[y]).then(y.cmp(&x)))
    else {
        return Vec::new();
    };
    let mut chain = vec![end];
    while let Some(p) = prev[*chain.last().unwrap_or(&end)] {
        chain.push(p);
    }
    chain.reverse();
    chain
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chain_keeps_order_and_skips_weak_matches() {
        // Partners 0, 2, 1, 3 with one weak match: the chain 0, 2, 3 (or 0,
        // 1, 3) of three sentences beats any with the weak one out of order.
        let best = [(0, 0.9), (2, 0.8), (1, 0.8), (3, 0.9), (4, 0.1)];
        let chain = in_order_chain(&best, 0.5, |_| 1.0);
        assert_eq!(chain.len(), 3);
        assert_eq!(chain.first(), Some(&0));
        assert_eq!(chain.last(), Some(&3));
        assert!(chain.windows(2).all(|w| best[w[0]].0 < best[w[1]].0));
    }

    #[test]
    fn no_match_above_the_threshold_gives_no_chain() {
        assert!(in_order_chain(&[(0, 0.2), (1, 0.3)], 0.5, |_| 1.0).is_empty());
        assert!(in_order_chain(&[], 0.5, |_| 1.0).is_empty());
    }

    #[test]
    fn short_texts_and_far_estimates_are_not_checked() {
        let mut cal = Calibration::fallback();
        cal.rewrite_sentences = 6;
        cal.rewrite_cosine = 0.7;
        assert!(worth_checking(6, 0.5, &cal));
        assert!(!worth_checking(5, 0.9, &cal));
        assert!(!worth_checking(10, 0.49, &cal));
        cal.rewrite_sentences = 0;
        assert!(!worth_checking(100, 1.0, &cal));
    }
}
