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
use unspun_text::{clean, Span};

/// Staged rounds before the rest is compared with whatever the model still
/// needs: the aligned sentences first, then the leads (and the rewrite
/// tier's sentences), known only once the sentences are aligned.
const STAGED_ROUNDS: usize = 2;

/// One pair of [`compare_batch`]: indices of its two documents, and their
/// dates.
pub type PairInput<'c> = (usize, usize, PairContext<'c>);

/// What of a text is compared: what cleaning keeps once boilerplate is set
/// aside (as `unspun compare` does by default), or all of it.
pub fn content(text: &str, set_aside_boilerplate: bool) -> Vec<Span> {
    if set_aside_boilerplate {
        clean(text, None, None).kept
    } else {
        vec![Span::new(0, text.len())]
    }
}

/// Two texts to compare, with their dates (`YYYY-MM-DD`) where known: a
/// line of `unspun compare --pairs`, an item of Python's `compare_many`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextPair {
    pub a: String,
    pub b: String,
    pub date_a: Option<String>,
    pub date_b: Option<String>,
}

impl TextPair {
    pub fn context(&self) -> PairContext<'_> {
        PairContext {
            date_a: self.date_a.as_deref(),
            date_b: self.date_b.as_deref(),
        }
    }
}

/// [`compare_batch`] of pairs of texts in input order, each text's
/// [`content`] prepared on all threads.
pub fn compare_text_pairs(
    pairs: &[TextPair],
    set_aside_boilerplate: bool,
    th: &Thresholds,
    meaning: Option<&Meaning>,
) -> Result<Vec<Comparison>, EmbedError> {
    // Both texts of pair k are documents 2k and 2k + 1.
    let docs: Vec<Prepared> = pairs
        .par_iter()
        .flat_map_iter(|p| {
            [&p.a, &p.b].map(|t| Prepared::new(t, &content(t, set_aside_boilerplate)))
        })
        .collect();
    let inputs: Vec<PairInput> = pairs
        .iter()
        .enumerate()
        .map(|(k, p)| (2 * k, 2 * k + 1, p.context()))
        .collect();
    compare_batch(&docs, &inputs, th, meaning)
}

/// [`crate::compare_with_meaning`] of every pair of `docs`, in input order,
/// on all threads, with the full model's work batched across pairs. A
/// document's sentences are found once for all of its pairs.
pub fn compare_batch(
    docs: &[Prepared],
    pairs: &[PairInput],
    th: &Thresholds,
    meaning: Option<&Meaning>,
) -> Result<Vec<Comparison>, EmbedError> {
    compare_batch_with(docs, pairs, th, meaning, &|_| true, &|| {})
}

/// [`compare_batch`], with the meaning layer only for the pairs that
/// `use_model` accepts (by index in `pairs`), and `compared` called as each
/// pair is done (for progress).
pub fn compare_batch_with(
    docs: &[Prepared],
    pairs: &[PairInput],
    th: &Thresholds,
    meaning: Option<&Meaning>,
    use_model: &(dyn Fn(usize) -> bool + Sync),
    compared: &(dyn Fn() + Sync),
) -> Result<Vec<Comparison>, EmbedError> {
    let cells: Vec<SentencesCell> = docs.iter().map(|_| SentencesCell::new()).collect();
    let meaning_of = |k: usize| meaning.filter(|_| use_model(k));
    let mut done: Vec<(usize, Comparison)> = Vec::with_capacity(pairs.len());
    let mut left: Vec<usize> = (0..pairs.len()).collect();
    for _ in 0..STAGED_ROUNDS {
        let staged = left
            .par_iter()
            .map(|&k| {
                let (a, b, ctx) = pairs[k];
                let cells = [&cells[a], &cells[b]];
                let staged = compare_staged(&docs[a], &docs[b], ctx, th, meaning_of(k), cells)?;
                if matches!(staged, Staged::Done(_)) {
                    compared();
                }
                Ok(staged)
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
            let cells = [&cells[a], &cells[b]];
            let c = compare_cached(&docs[a], &docs[b], ctx, th, meaning_of(k), cells)?;
            compared();
            Ok((k, c))
        })
        .collect::<Result<Vec<_>, EmbedError>>()?;
    // The sentences were found on the workers: freed there, in parallel,
    // not one by one on this thread while the workers wait.
    cells.into_par_iter().for_each(drop);
    done.extend(rest);
    done.sort_unstable_by_key(|(k, _)| *k);
    Ok(done.into_iter().map(|(_, c)| c).collect())
}
