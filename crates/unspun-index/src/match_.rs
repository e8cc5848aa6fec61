//! Candidates from the postings, then exact verification: the same criteria
//! as `unspun scan`'s candidate and verify passes, for one new document.

use crate::postings::Postings;
use crate::schema::{DocMeta, SketchRecord};
use crate::sketch::{SketchParams, Sketched};
use rayon::prelude::*;
use std::collections::HashMap;
use unspun_compare::{compare, Comparison, PairContext, Prepared, Relation, Thresholds};

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

/// Compares each loaded document (as side `a`) with the new one (side `b`);
/// keeps related pairs as (index into `loaded`, comparison), in order.
pub(crate) fn verify(
    loaded: &[Loaded],
    new: &Sketched,
    th: &Thresholds,
) -> Vec<(usize, Comparison)> {
    let prep_b = Prepared::from_tokens(&new.text, new.tokens.clone());
    let one = |(i, l): (usize, &Loaded)| {
        let prep_a = Prepared::new(&l.text, &l.sketch.kept);
        let ctx = PairContext {
            date_a: l.meta.date.as_deref(),
            date_b: new.meta.date.as_deref(),
        };
        let c = compare(&prep_a, &prep_b, ctx, th);
        (c.relation != Relation::Unrelated).then_some((i, c))
    };
    // Threads pay off only with several candidates.
    if loaded.len() > 2 {
        loaded.par_iter().enumerate().filter_map(one).collect()
    } else {
        loaded.iter().enumerate().filter_map(one).collect()
    }
}
