//! Which documents of a scan to keep so that each text is kept once (see
//! `unspun_cluster::dedup` for the rule).

use crate::output::ScanResult;
use serde::Serialize;
use unspun_cluster::{day_number, DedupDoc, DedupOptions, DedupPair, Dropped};
use unspun_compare::relation::round4;
use unspun_text::Span;

/// A dropped document, as `unspun dedup --dropped` writes it.
#[derive(Debug, Clone, Serialize)]
pub struct DroppedRecord<'a> {
    pub id: &'a str,
    /// The kept document that has its text.
    pub kept: &'a str,
    /// The document its pair links it to: `kept`, or a near-duplicate of it
    /// dropped as an excerpt of `kept`.
    pub of: &'a str,
    pub relation: &'static str,
    /// The pair's Jaccard similarity.
    #[serde(serialize_with = "round4")]
    pub lexical: f64,
    /// The share of this document's shingles inside `of`.
    #[serde(serialize_with = "round4")]
    pub containment: f64,
}

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

    /// The records of the dropped documents of `dedup`, in input order.
    pub fn dropped_records(&self, dropped: &[Option<Dropped>]) -> Vec<DroppedRecord<'_>> {
        let name = |k: u32| self.documents.get(k as usize).map_or("", |d| d.id.as_str());
        self.documents
            .iter()
            .zip(dropped)
            .enumerate()
            .filter_map(|(i, (doc, why))| {
                let why = (*why)?;
                let pair = self.pairs.get(why.pair)?;
                let containment = if pair.a_index as usize == i {
                    pair.scores.containment_a_in_b
                } else {
                    pair.scores.containment_b_in_a
                };
                Some(DroppedRecord {
                    id: &doc.id,
                    kept: name(why.kept),
                    of: name(why.of),
                    relation: why.relation.as_str(),
                    lexical: pair.scores.lexical,
                    containment,
                })
            })
            .collect()
    }
}
