//! The on-disk layout: one redb file, `index.redb`, in the index folder.
//!
//! Documents are numbered in the order they were added (`seq`, a `u32` that
//! is never reused); everything else points at these numbers. Postings (LSH
//! band key and anchor → documents) are *not* stored: they are rebuilt in
//! memory on open from each document's stored keys, which keeps every add
//! to a handful of writes (see the crate docs for the measurements).
//!
//! | table | key → value |
//! |---|---|
//! | `meta` | name → `u64` (format version, next seq, counters) |
//! | `params` | `"sketch"` → the sketch parameters as text |
//! | `ids` | external id → seq |
//! | `docs` | seq → [`DocMeta`] as JSON |
//! | `texts` | seq → text as given |
//! | `sketches` | seq → [`SketchRecord`] (binary, little-endian) |
//! | `pairs` | (a, b), a < b → [`unspun_compare::Comparison`] as JSON |
//! | `pairs_by_b` | (b, a) → () (the reverse direction, to list a doc's pairs) |
//! | `family_of` | seq → root seq of its copy family (families of 2+) |
//! | `family_members` | (root, member) → () |
//! | `families` | root → smallest member id (the family id is its hash) |
//! | `family_names` | family id → root |
//! | `vectors` | seq → day (i64 LE, `i64::MIN` when unknown) + 384 × i8 document vector (with the meaning layer) |
//! | `links` | (seq, seq) → story weight, both directions: every related pair and near miss (see [`crate::Index::stories`]) |

use redb::TableDefinition;
use serde::{Deserialize, Serialize};
use unspun_text::Span;

/// Bump on any change to tables, records or sketch semantics.
pub const FORMAT_VERSION: u64 = 2;

pub const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
pub const PARAMS: TableDefinition<&str, &str> = TableDefinition::new("params");
pub const IDS: TableDefinition<&str, u32> = TableDefinition::new("ids");
pub const DOCS: TableDefinition<u32, &[u8]> = TableDefinition::new("docs");
pub const TEXTS: TableDefinition<u32, &str> = TableDefinition::new("texts");
pub const SKETCHES: TableDefinition<u32, &[u8]> = TableDefinition::new("sketches");
pub const PAIRS: TableDefinition<(u32, u32), &[u8]> = TableDefinition::new("pairs");
pub const PAIRS_BY_B: TableDefinition<(u32, u32), ()> = TableDefinition::new("pairs_by_b");
pub const FAMILY_OF: TableDefinition<u32, u32> = TableDefinition::new("family_of");
pub const FAMILY_MEMBERS: TableDefinition<(u32, u32), ()> = TableDefinition::new("family_members");
pub const FAMILIES: TableDefinition<u32, &str> = TableDefinition::new("families");
pub const FAMILY_NAMES: TableDefinition<&str, u32> = TableDefinition::new("family_names");
pub const VECTORS: TableDefinition<u32, &[u8]> = TableDefinition::new("vectors");
pub const LINKS: TableDefinition<(u32, u32), f64> = TableDefinition::new("links");

pub const KEY_FORMAT: &str = "format_version";
pub const KEY_NEXT_SEQ: &str = "next_seq";
pub const KEY_DOCS: &str = "documents";
pub const KEY_PAIRS: &str = "pairs";
pub const KEY_FAMILIES: &str = "families";
pub const KEY_IN_FAMILIES: &str = "documents_in_families";
/// Per-relation pair counters are `pairs.<relation>`.
pub const PAIRS_PREFIX: &str = "pairs.";

/// What is kept of a document besides its text and sketch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocMeta {
    pub id: String,
    pub path: Option<String>,
    /// The given title, else the line cleaning took for the headline.
    pub title: Option<String>,
    pub url: Option<String>,
    pub date: Option<String>,
    pub site: Option<String>,
    /// Content tokens (after boilerplate).
    pub tokens: usize,
    pub bytes: usize,
}

/// The cleaned spans and sketch of one document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SketchRecord {
    pub kept: Vec<Span>,
    pub removed: Vec<Span>,
    pub band_keys: Vec<u64>,
    pub anchors: Vec<u32>,
}

impl SketchRecord {
    /// Four length-prefixed little-endian arrays: compact, and no serde
    /// round trip on the hot path of rebuilding postings.
    pub fn encode(&self) -> Vec<u8> {
        let spans = (self.kept.len() + self.removed.len()) * 8;
        let mut out =
            Vec::with_capacity(16 + spans + self.band_keys.len() * 8 + self.anchors.len() * 4);
        for list in [&self.kept, &self.removed] {
            put_u32(&mut out, list.len());
            for s in list {
                out.extend_from_slice(&s.start.to_le_bytes());
                out.extend_from_slice(&s.end.to_le_bytes());
            }
        }
        put_u32(&mut out, self.band_keys.len());
        for k in &self.band_keys {
            out.extend_from_slice(&k.to_le_bytes());
        }
        put_u32(&mut out, self.anchors.len());
        for a in &self.anchors {
            out.extend_from_slice(&a.to_le_bytes());
        }
        out
    }

    pub fn decode(bytes: &[u8]) -> Option<SketchRecord> {
        let mut r = Reader(bytes);
        let mut spans = || -> Option<Vec<Span>> {
            let n = r.u32()? as usize;
            let mut v = Vec::with_capacity(n.min(r.0.len() / 8));
            for _ in 0..n {
                let (start, end) = (r.u32()?, r.u32()?);
                if start > end {
                    return None;
                }
                v.push(Span { start, end });
            }
            Some(v)
        };
        let kept = spans()?;
        let removed = spans()?;
        let n = r.u32()? as usize;
        let band_keys = (0..n).map(|_| r.u64()).collect::<Option<Vec<u64>>>()?;
        let n = r.u32()? as usize;
        let anchors = (0..n).map(|_| r.u32()).collect::<Option<Vec<u32>>>()?;
        r.0.is_empty().then_some(SketchRecord {
            kept,
            removed,
            band_keys,
            anchors,
        })
    }
}

/// Only the keys and anchors, for rebuilding postings without allocating spans.
pub fn decode_keys(bytes: &[u8]) -> Option<(Vec<u64>, Vec<u32>)> {
    let mut r = Reader(bytes);
    for _ in 0..2 {
        let n = r.u32()? as usize;
        r.skip(n.checked_mul(8)?)?;
    }
    let n = r.u32()? as usize;
    let keys = (0..n).map(|_| r.u64()).collect::<Option<Vec<u64>>>()?;
    let n = r.u32()? as usize;
    let anchors = (0..n).map(|_| r.u32()).collect::<Option<Vec<u32>>>()?;
    Some((keys, anchors))
}

fn put_u32(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&(n as u32).to_le_bytes());
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.0.split_first_chunk::<N>()?;
        self.0 = rest;
        Some(*head)
    }
    fn u32(&mut self) -> Option<u32> {
        self.take::<4>().map(u32::from_le_bytes)
    }
    fn u64(&mut self) -> Option<u64> {
        self.take::<8>().map(u64::from_le_bytes)
    }
    fn skip(&mut self, n: usize) -> Option<()> {
        self.0 = self.0.get(n..)?;
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sketch_records_round_trip_and_reject_truncation() {
        let r = SketchRecord {
            kept: vec![Span::new(0, 5), Span::new(7, 20)],
            removed: vec![Span::new(5, 7)],
            band_keys: vec![1, u64::MAX, 3],
            anchors: vec![9, 8],
        };
        let bytes = r.encode();
        assert_eq!(SketchRecord::decode(&bytes), Some(r.clone()));
        assert_eq!(
            decode_keys(&bytes),
            Some((r.band_keys.clone(), r.anchors.clone()))
        );
        for cut in 0..bytes.len() {
            assert_eq!(SketchRecord::decode(&bytes[..cut]), None, "cut at {cut}");
        }
    }
}
