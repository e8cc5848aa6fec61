//! Many pairs at once: the full model's sentences of all of them go into a
//! few large batches instead of one small batch per pair, where the model
//! spends most of its time on overhead.

use crate::meaning::Meaning;
use crate::prepare::Prepared;
use crate::relation::{
    compare_cached, compare_staged, Comparison, PairContext, SentencesCell, Staged, Thresholds,
};
use rayon::prelude::*;
use unspun_embed::EmbedError;

/// Staged rounds before the rest is compared with whatever the model still
/// needs: the aligned sentences first, then the leads (and the rewrite
/// tier's sentences), known only once the sentences are aligned.
const STAGED_ROUNDS: usize = 2;

/// One pair of [`compare_batch`]: indices of its two documents, and their
/// dates.
pub type PairInput<'c> = (usize, usize, PairContext<'c>);

/// [`crate::compare_with_meaning`] of every pair of `docs`, in input order,
/// on all threads, with the full model's work batched across pairs. A
/// document's sentences are found once for all of its pairs.
pub fn compare_batch(
    docs: &[Prepared],
    pairs: &[PairInput],
    th: &Thresholds,
    meaning: Option<&Meaning>,
) -> Result<Vec<Comparison>, EmbedError> {
    let cells: Vec<SentencesCell> = docs.iter().map(|_| SentencesCell::new()).collect();
    let mut done: Vec<(usize, Comparison)> = Vec::with_capacity(pairs.len());
    let mut left: Vec<usize> = (0..pairs.len()).collect();
    for _ in 0..STAGED_ROUNDS {
        let staged = left
            .par_iter()
            .map(|&k| {
                let (a, b, ctx) = pairs[k];
                compare_staged(&docs[a], &docs[b], ctx, th, meaning, [&cells[a], &cells[b]])
            })
            .collect::<Result<Vec<Staged>, EmbedError>>()?;
        let mut deferred = Vec::new();
        let mut batch = Vec::new();
        for (&k, s) in left.iter().zip(staged) {
            match s {
                Staged::Done(c) => done.push((k, c)),
                Staged::NeedsModel(texts) => {
                    deferred.push(k);
                    batch.extend(texts);
                }
            }
        }
        if let Some(m) = meaning.filter(|_| !batch.is_empty()) {
            m.full(&batch.iter().map(String::as_str).collect::<Vec<_>>())?;
        }
        left = deferred;
    }
    let rest = left
        .par_iter()
        .map(|&k| {
            let (a, b, ctx) = pairs[k];
            compare_cached(&docs[a], &docs[b], ctx, th, meaning, [&cells[a], &cells[b]])
                .map(|c| (k, c))
        })
        .collect::<Result<Vec<_>, EmbedError>>()?;
    done.extend(rest);
    done.sort_unstable_by_key(|(k, _)| *k);
    Ok(done.into_iter().map(|(_, c)| c).collect())
}
