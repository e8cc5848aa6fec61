//! Which documents of a scan to keep so that each text is kept once (see
//! `unspun_cluster::dedup` for the rule).

use crate::output::ScanResult;
use unspun_cluster::{day_number, DedupDoc, DedupOptions, DedupPair, Dropped};
use unspun_text::Span;

impl ScanResult {
    /// For each document (input order), `None` to keep it or why it is
    /// dropped; `Dropped::pair` indexes `self.pairs`.
    pub fn dedup(&self, opts: DedupOptions) -> Vec<Option<Dropped>> {
        let docs: Vec<DedupDoc> = self
            .documents
            .iter()
            .map(|d| DedupDoc {
                day: d.date.as_deref().and_then(day_number),
                content_bytes: d
                    .bytes
                    .saturating_sub(d.removed.iter().map(Span::len).sum()),
            })
            .collect();
        let pairs: Vec<DedupPair> = self
            .pairs
            .iter()
            .map(|p| DedupPair {
                a: p.a_index,
                b: p.b_index,
                relation: p.relation,
                containment_a_in_b: p.scores.containment_a_in_b,
                containment_b_in_a: p.scores.containment_b_in_a,
            })
            .collect();
        unspun_cluster::dedup(&docs, &pairs, opts)
    }
}
