//! Which sentence pairs the meaning layer scores for two documents, and
//! whether the full model is worth running on them: the cascade's plan
//! (docs/calibration.md, "When the full model runs").

use crate::align::Passage;
use crate::meaning::{
    dot, monotone_alignment, pair_features, sigmoid, Meaning, Sentences, IN_VERBATIM,
};
use crate::prepare::Prepared;
use std::collections::HashMap;
use unspun_embed::cosine;

/// Share of each sentence's tokens inside the verbatim passages, on the side
/// that `side` picks out of a passage.
fn verbatim_shares(
    s: &Sentences,
    verbatim: &[Passage],
    side: impl Fn(&Passage) -> (usize, usize),
) -> Vec<f64> {
    s.token_ranges
        .iter()
        .map(|&(start, end)| {
            let covered: usize = verbatim
                .iter()
                .map(|p| {
                    let (ps, pe) = side(p);
                    pe.min(end).saturating_sub(ps.max(start))
                })
                .sum();
            covered as f64 / (end - start).max(1) as f64
        })
        .collect()
}

/// The sentence pairs the meaning layer scores for two documents, and
/// whether it scores them with the full model.
pub struct Plan {
    /// `(i, j, fast cosine)`: sentence `i` of `a` against `j` of `b`.
    pub(crate) candidates: Vec<(usize, usize, f64)>,
    /// A paraphrase is still possible, so the model's cosine is worth having.
    pub(crate) possible: bool,
    /// Share of each sentence of `a`, and of `b`, inside verbatim passages.
    pub(crate) verbatim_a: Vec<f64>,
    pub(crate) verbatim_b: Vec<f64>,
    /// Whether the rewrite tier may decide the pair ([`Plan::checking_rewrites`]).
    pub(crate) rewrite: bool,
}

impl Plan {
    /// Candidate sentence pairs of two documents, and whether the full model
    /// is worth running on them (a paraphrase is still possible).
    pub fn new(
        a: &Prepared,
        b: &Prepared,
        sa: &Sentences,
        sb: &Sentences,
        verbatim: &[Passage],
        meaning: &Meaning,
    ) -> Plan {
        if sa.is_empty() || sb.is_empty() {
            return Plan {
                candidates: Vec::new(),
                possible: false,
                verbatim_a: Vec::new(),
                verbatim_b: Vec::new(),
                rewrite: false,
            };
        }
        let cal = &meaning.calibration;
        // Candidate sentence pairs: the fast tier proposes (centred cosine, so
        // shared function words do not count), at most three per sentence of `a`.
        // Sentences copied verbatim are aligned by their passage already: the
        // model would only confirm it (a third of a scan's model time went there).
        let verbatim_a = verbatim_shares(sa, verbatim, Passage::tokens_a);
        let verbatim_b = verbatim_shares(sb, verbatim, Passage::tokens_b);
        let mut candidates: Vec<(usize, usize, f64)> = Vec::new();
        for i in (0..sa.len()).filter(|&i| verbatim_a[i] < IN_VERBATIM) {
            let mut row: Vec<(usize, f64)> = (0..sb.len())
                .filter(|&j| verbatim_b[j] < IN_VERBATIM)
                .map(|j| (j, cosine(&sa.fast[i], &sb.fast[j]) as f64))
                .filter(|&(_, c)| c >= cal.fast_gate)
                .collect();
            row.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
            candidates.extend(row.into_iter().take(3).map(|(j, c)| (i, j, c)));
        }
        // The full model is spent only where a paraphrase is still possible:
        // enough of the smaller side must have a candidate partner (or lie in a
        // verbatim passage). Otherwise the fast cosine stands in for it.
        let a_is_smaller = a.tokens.len() <= b.tokens.len();
        let small = if a_is_smaller { sa } else { sb };
        let mut has_partner = vec![false; small.len()];
        for &(i, j, _) in &candidates {
            has_partner[if a_is_smaller { i } else { j }] = true;
        }
        let small_total: usize = (0..small.len()).map(|k| small.tokens(k)).sum();
        let reachable: usize = (0..small.len())
            .filter(|&k| has_partner[k])
            .map(|k| small.tokens(k))
            .sum();
        let verbatim_small: usize = verbatim
            .iter()
            .map(|p| {
                if a_is_smaller {
                    p.token_len_a()
                } else {
                    p.token_len_b()
                }
            })
            .sum();
        let mut possible =
            (reachable + verbatim_small) as f64 >= cal.paraphrase_coverage * small_total as f64;
        if possible && small.len() > FULL_MODEL_ALWAYS_SENTENCES {
            // A cheaper look first: align with the fast cosine standing in for
            // the model's. Where even that aligns little of the smaller side,
            // the model would not find a paraphrase either.
            let fast_scored: HashMap<(usize, usize), (f64, f64)> = candidates
                .iter()
                .map(|&(i, j, fast)| {
                    let x = pair_features(
                        fast,
                        fast,
                        &sa.words[i],
                        &sb.words[j],
                        &sa.numbers[i],
                        &sb.numbers[j],
                    );
                    ((i, j), (sigmoid(dot(&cal.paraphrase, &x)), 0.0))
                })
                .collect();
            let aligned = monotone_alignment(sa.len(), sb.len(), &fast_scored);
            let mut on_small = vec![false; small.len()];
            for &(i, j) in &aligned {
                on_small[if a_is_smaller { i } else { j }] = true;
            }
            // Sentences mostly inside verbatim passages count as aligned.
            let small_shares = if a_is_smaller {
                &verbatim_a
            } else {
                &verbatim_b
            };
            for (flag, &share) in on_small.iter_mut().zip(small_shares) {
                *flag |= share >= 0.5;
            }
            let estimate: usize = (0..small.len())
                .filter(|&k| on_small[k])
                .map(|k| small.tokens(k))
                .sum();
            possible = estimate as f64
                >= FULL_MODEL_MIN_SHARE * cal.paraphrase_coverage * small_total as f64;
        }
        Plan {
            candidates,
            possible,
            verbatim_a,
            verbatim_b,
            rewrite: false,
        }
    }

    /// Lets the rewrite tier decide the pair, unless its lexical relation
    /// settles it (`reuse` stays `reuse`; copies never get here). Off by
    /// default: claims and story features never need it.
    pub fn checking_rewrites(mut self, lexical: crate::Relation) -> Plan {
        self.rewrite = lexical != crate::Relation::Reuse;
        self
    }

    /// Whether [`align_planned`](crate::meaning::align_planned) will call the full model.
    pub fn runs_model(&self) -> bool {
        self.possible && !self.candidates.is_empty()
    }

    /// The sentences (`a`'s, then `b`'s, of each candidate pair) the full
    /// model embeds for this plan, so that a caller can embed those of many
    /// pairs in one large batch beforehand ([`Meaning::full`] keeps them).
    pub fn model_sentences<'t>(
        &self,
        a: &'t Prepared,
        b: &'t Prepared,
        sa: &Sentences,
        sb: &Sentences,
    ) -> Vec<&'t str> {
        if !self.runs_model() {
            return Vec::new();
        }
        let mut out: Vec<&str> = self
            .candidates
            .iter()
            .map(|c| &a.text[sa.spans[c.0].range()])
            .collect();
        out.extend(
            self.candidates
                .iter()
                .map(|c| &b.text[sb.spans[c.1].range()]),
        );
        out
    }
}

/// Texts of up to this many sentences always get the full model: they cost
/// little, and short texts (sentence pairs) need the model's similarity most.
const FULL_MODEL_ALWAYS_SENTENCES: usize = 2;

/// Share of the paraphrase coverage the fast-tier alignment must reach for
/// the full model to run (see docs/calibration.md).
const FULL_MODEL_MIN_SHARE: f64 = 0.875;
