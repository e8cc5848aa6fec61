//! A full consistency check: what a reopened index must satisfy after a crash.

use crate::error::IndexError;
use crate::index::Index;
use crate::schema::*;
use redb::{ReadableTable, ReadableTableMetadata};
use std::collections::{BTreeMap, BTreeSet};
use unspun_compare::Comparison;

/// What [`Index::check`] looked at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckReport {
    pub documents: u64,
    pub pairs: u64,
    pub families: u64,
}

impl Index {
    /// Walks every table and checks that they agree: each id has its
    /// metadata, text, decodable sketch and live postings; each pair joins
    /// two stored documents and has its reverse entry; families match the
    /// copy pairs' components; counters match the tables.
    pub fn check(&self) -> Result<CheckReport, IndexError> {
        let s = self.snapshot()?;
        let bad = |m: String| Err(IndexError::Corrupt(m));
        let postings = self.postings();
        let mut seqs = BTreeSet::new();
        for e in s.ids.iter()? {
            let (id, seq) = e?;
            let (id, seq) = (id.value().to_string(), seq.value());
            let Some(meta) = crate::tables::load_meta(&s.docs, seq)? else {
                return bad(format!("`{id}` has no metadata"));
            };
            if meta.id != id {
                return bad(format!("`{id}` points at the record of `{}`", meta.id));
            }
            if s.texts.get(seq)?.is_none() {
                return bad(format!("`{id}` has no text"));
            }
            let Some(sketch) = s
                .sketches
                .get(seq)?
                .and_then(|g| SketchRecord::decode(g.value()))
            else {
                return bad(format!("`{id}` has no readable sketch"));
            };
            let missing = sketch
                .band_keys
                .iter()
                .any(|&k| postings.bands.get(k).binary_search(&seq).is_err())
                || sketch
                    .anchors
                    .iter()
                    .any(|&a| postings.anchors.get(a).binary_search(&seq).is_err());
            if missing {
                return bad(format!("`{id}` is missing from the postings"));
            }
            seqs.insert(seq);
        }
        if s.docs.len()? != seqs.len() as u64
            || s.texts.len()? != seqs.len() as u64
            || s.sketches.len()? != seqs.len() as u64
        {
            return bad("documents without an id, text or sketch".into());
        }
        let mut pairs = 0u64;
        let mut by_relation: BTreeMap<String, u64> = BTreeMap::new();
        let mut copy_edges = Vec::new();
        for e in s.pairs.iter()? {
            let (k, v) = e?;
            let (a, b) = k.value();
            let c: Comparison = serde_json::from_slice(v.value())?;
            if a >= b
                || !seqs.contains(&a)
                || !seqs.contains(&b)
                || s.pairs_by_b.get((b, a))?.is_none()
            {
                return bad(format!("pair #{a}-#{b} is dangling"));
            }
            pairs += 1;
            *by_relation.entry(c.relation.to_string()).or_default() += 1;
            if c.relation.is_copy() {
                copy_edges.push((a, b));
            }
        }
        if s.pairs_by_b.len()? != pairs {
            return bad("reverse pair entries without a pair".into());
        }
        // Families: components of the copy edges, rooted at the smallest seq.
        let mut root: BTreeMap<u32, u32> = seqs.iter().map(|&s| (s, s)).collect();
        fn find(root: &BTreeMap<u32, u32>, mut x: u32) -> u32 {
            while let Some(&p) = root.get(&x).filter(|&&p| p != x) {
                x = p;
            }
            x
        }
        for (a, b) in copy_edges {
            let (ra, rb) = (find(&root, a), find(&root, b));
            let (lo, hi) = (ra.min(rb), ra.max(rb));
            root.insert(hi, lo);
        }
        let mut expected: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        for &seq in &seqs {
            expected.entry(find(&root, seq)).or_default().push(seq);
        }
        expected.retain(|_, m| m.len() > 1);
        let mut stored: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        for e in s.family_members.iter()? {
            let (r, m) = e?.0.value();
            if s.family_of.get(m)?.map(|g| g.value()) != Some(r) {
                return bad(format!("family member #{m} is not marked as such"));
            }
            stored.entry(r).or_default().push(m);
        }
        if stored != expected {
            return bad("families do not match the copy pairs".into());
        }
        if s.families.len()? != expected.len() as u64
            || s.family_names.len()? != expected.len() as u64
        {
            return bad("family records do not match the families".into());
        }
        let in_families = expected.values().map(|m| m.len() as u64).sum::<u64>();
        let counters = [
            (KEY_DOCS, seqs.len() as u64),
            (KEY_PAIRS, pairs),
            (KEY_FAMILIES, expected.len() as u64),
            (KEY_IN_FAMILIES, in_families),
        ];
        for (key, n) in counters {
            if s.meta.get(key)?.map_or(0, |g| g.value()) != n {
                return bad(format!("counter `{key}` is off"));
            }
        }
        for (rel, n) in by_relation {
            if s.meta
                .get(format!("{PAIRS_PREFIX}{rel}").as_str())?
                .map_or(0, |g| g.value())
                != n
            {
                return bad(format!("counter of {rel} pairs is off"));
            }
        }
        Ok(CheckReport {
            documents: seqs.len() as u64,
            pairs,
            families: expected.len() as u64,
        })
    }
}
