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
    compare_batch_with, Comparison, Meaning, PairContext, PairInput, Prepared, Relation, Thresholds,
};
use unspun_text::Token;

/// A compared pair: the other document's index in its [`Round`], and the comparison
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

/// The documents of one verify round: stored ones loaded for it, then new
/// ones; ascending by sequence number, so a member's index orders it as its
/// sequence number does.
pub(crate) struct Round<'a> {
    pub docs: Vec<Prepared<'a>>,
    pub seqs: Vec<u32>,
    pub metas: Vec<&'a DocMeta>,
}

impl<'a> Round<'a> {
    /// `stored` prepared on all threads, then each new document from the
    /// tokens its sketching found. The cleaned spans, not first to last
    /// token: sentences keep their closing punctuation, as in a scan, so
    /// their vectors are the scan's.
    pub fn new(stored: &'a [Loaded], new: Vec<(u32, &'a Sketched, Vec<Token>)>) -> Round<'a> {
        let mut docs: Vec<Prepared> = stored
            .par_iter()
            .map(|l| Prepared::new(&l.text, &l.sketch.kept))
            .collect();
        let mut seqs: Vec<u32> = stored.iter().map(|l| l.seq).collect();
        let mut metas: Vec<&DocMeta> = stored.iter().map(|l| &l.meta).collect();
        for (seq, s, tokens) in new {
            docs.push(Prepared::from_cleaned(
                &s.text,
                s.record.kept.clone(),
                tokens,
            ));
            seqs.push(seq);
            metas.push(&s.meta);
        }
        Round { docs, seqs, metas }
    }
}

/// For each `(new, others)` of `wanted`, compares each member of `others`
/// (as side `a`) with member `new` (side `b`), with the meaning layer where
/// `close(other, new)`; keeps related pairs and near misses (unrelated,
/// story score at least [`NEAR_MISS_STORY`]), in the order of `others`.
pub(crate) fn verify(
    round: &Round,
    wanted: &[(usize, Vec<usize>)],
    th: &Thresholds,
    meaning: Option<&Meaning>,
    close: &(dyn Fn(usize, usize) -> bool + Sync),
) -> Result<Vec<Vec<Verified>>, IndexError> {
    let mut out: Vec<Vec<Verified>> = vec![Vec::new(); wanted.len()];
    // All new documents' pairs in one batch, so that the model embeds the
    // sentences of all of them together; each pair as (its entry in
    // `wanted`, other, new).
    let listed: Vec<(usize, usize, usize)> = wanted
        .iter()
        .enumerate()
        .flat_map(|(w, (new, others))| others.iter().map(move |&other| (w, other, *new)))
        .collect();
    let pairs: Vec<PairInput> = listed
        .iter()
        .map(|&(_, a, b)| {
            let ctx = PairContext {
                date_a: round.metas[a].date.as_deref(),
                date_b: round.metas[b].date.as_deref(),
            };
            (a, b, ctx)
        })
        .collect();
    let use_model = |k: usize| close(listed[k].1, listed[k].2);
    let compared = compare_batch_with(&round.docs, &pairs, th, meaning, &use_model, &|| {})
        .map_err(|e| IndexError::Meaning(e.to_string()))?;
    for ((w, a, _), c) in listed.into_iter().zip(compared) {
        if c.relation != Relation::Unrelated || c.scores.story.is_some_and(|s| s >= NEAR_MISS_STORY)
        {
            out[w].push((a, c));
        }
    }
    Ok(out)
}
