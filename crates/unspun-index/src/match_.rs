//! Candidates from the postings, then exact verification: the same criteria
//! as `unspun scan`'s candidate and verify passes, for one new document.

use crate::error::IndexError;
use crate::postings::Postings;
use crate::schema::{DocMeta, SketchRecord};
use crate::sketch::{SketchParams, Sketched};
use rayon::prelude::*;
use std::collections::HashMap;
use unspun_cluster::NEAR_MISS_STORY;
use unspun_compare::{
    compare_batch, Comparison, Meaning, PairContext, PairInput, Prepared, Relation, Thresholds,
};

/// A compared pair: index into the loaded documents, and the comparison
/// (related, or a near miss that counts only toward stories).
pub(crate) type Verified = (usize, Comparison);

/// A stored document loaded for comparison.
#[derive(Debug)]
pub(crate) struct Loaded {
    pub seq: u32,
    pub meta: DocMeta,
    pub text: String,
    pub sketch: SketchRecord,
}

/// Indexed documents that may relate to `new`, ascending.
///
/// - LSH: any band key in common (a band bucket already holding
///   `max_bucket` documents links only its latest member, as batch scan
///   chains large buckets);
/// - anchors: at least `min_shared` shared anchors that make up
///   `min_containment` of the smaller document's anchors, or
///   `min_shared_reuse` whatever the sizes; anchors in more than
///   `max_posting` documents are ignored.
pub(crate) fn candidates(
    postings: &Postings,
    params: &SketchParams,
    new: &SketchRecord,
) -> Vec<u32> {
    let mut out = Vec::new();
    for &key in &new.band_keys {
        let bucket = postings.bands.get(key);
        if bucket.len() < params.max_bucket {
            out.extend_from_slice(bucket);
        } else if let Some(&last) = bucket.last() {
            out.push(last);
        }
    }
    let a = &params.anchors;
    let mut shared: HashMap<u32, u16> = HashMap::new();
    for &anchor in &new.anchors {
        let docs = postings.anchors.get(anchor);
        // Batch counts the new document in the posting too.
        if docs.len() + 1 > a.max_posting {
            continue;
        }
        for &d in docs {
            let c = shared.entry(d).or_default();
            *c = c.saturating_add(1);
        }
    }
    let mine = new.anchors.len();
    for (d, n) in shared {
        let n = u32::from(n);
        if n < a.min_shared {
            continue;
        }
        let smaller = mine.min(usize::from(postings.anchor_count(d))).max(1);
        if n as f32 >= a.min_containment * smaller as f32 || n >= a.min_shared_reuse {
            out.push(d);
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Compares each loaded document (as side `a`) with the new one (side `b`),
/// with the meaning layer where `close(seq)`; keeps related pairs and near
/// misses (unrelated, story score at least [`NEAR_MISS_STORY`]), in order.
pub(crate) fn verify(
    loaded: &[Loaded],
    new: &Sketched,
    th: &Thresholds,
    meaning: Option<&Meaning>,
    close: &(dyn Fn(u32) -> bool + Sync),
) -> Result<Vec<Verified>, IndexError> {
    // The loaded documents, then the new one (at `new_doc`).
    let mut docs: Vec<Prepared> = loaded
        .par_iter()
        .map(|l| Prepared::new(&l.text, &l.sketch.kept))
        .collect();
    let new_doc = docs.len();
    // The cleaned spans, not first to last token: sentences keep their
    // closing punctuation, as in a scan, so their vectors are the scan's.
    docs.push(Prepared::from_cleaned(
        &new.text,
        new.record.kept.clone(),
        new.tokens.clone(),
    ));
    // Two batches, with and without the model: each embeds the sentences
    // of all its pairs together rather than a few per pair.
    let (with_model, lexical): (Vec<usize>, Vec<usize>) =
        (0..loaded.len()).partition(|&i| meaning.is_some() && close(loaded[i].seq));
    let mut out = Vec::new();
    for (group, m) in [(with_model, meaning), (lexical, None)] {
        let pairs: Vec<PairInput> = group
            .iter()
            .map(|&i| {
                let ctx = PairContext {
                    date_a: loaded[i].meta.date.as_deref(),
                    date_b: new.meta.date.as_deref(),
                };
                (i, new_doc, ctx)
            })
            .collect();
        let compared =
            compare_batch(&docs, &pairs, th, m).map_err(|e| IndexError::Meaning(e.to_string()))?;
        out.extend(group.into_iter().zip(compared).filter(|(_, c)| {
            c.relation != Relation::Unrelated
                || c.scores.story.is_some_and(|s| s >= NEAR_MISS_STORY)
        }));
    }
    out.sort_unstable_by_key(|(i, _)| *i);
    Ok(out)
}
