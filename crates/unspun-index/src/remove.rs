//! Removing a document: its records, pairs, links, vector and postings; its
//! family regrouped (its stories follow from the links that remain).

use crate::error::IndexError;
use crate::family;
use crate::index::Index;
use crate::schema::*;
use crate::tables::{bump, Tables};
use redb::ReadableTable;
use unspun_compare::Comparison;

impl Index {
    /// Removes a document. Its pairs go with it, and its family is
    /// recomputed from the copy pairs that remain (it may split).
    pub fn remove(&self, id: &str) -> Result<(), IndexError> {
        let _writer = self.lock_writer();
        let txn = self.begin_write()?;
        let sketch = {
            let mut t = Tables::open(&txn)?;
            let seq = t
                .ids
                .remove(id)?
                .map(|g| g.value())
                .ok_or_else(|| IndexError::NotFound(id.to_string()))?;
            t.docs.remove(seq)?;
            t.texts.remove(seq)?;
            let sketch = t
                .sketches
                .remove(seq)?
                .and_then(|g| SketchRecord::decode(g.value()))
                .unwrap_or_default();
            bump(&mut t.meta, KEY_DOCS, -1)?;
            t.vectors.remove(seq)?;
            let mut linked: Vec<u32> = Vec::new();
            for e in t.links.range((seq, 0)..=(seq, u32::MAX))? {
                linked.push(e?.0.value().1);
            }
            for other in linked {
                t.links.remove((seq, other))?;
                t.links.remove((other, seq))?;
            }
            // Pairs are regrouped from what remains, so the family goes first.
            family::leave(&mut t, seq)?;
            let mut gone: Vec<(u32, u32)> = Vec::new();
            for e in t.pairs_by_b.range((seq, 0)..=(seq, u32::MAX))? {
                gone.push((e?.0.value().1, seq));
            }
            for e in t.pairs.range((seq, 0)..=(seq, u32::MAX))? {
                gone.push((seq, e?.0.value().1));
            }
            for (a, b) in gone {
                t.pairs_by_b.remove((b, a))?;
                if let Some(v) = t.pairs.remove((a, b))? {
                    let c: Comparison = serde_json::from_slice(v.value())?;
                    drop(v);
                    bump(&mut t.meta, KEY_PAIRS, -1)?;
                    bump(&mut t.meta, &format!("{PAIRS_PREFIX}{}", c.relation), -1)?;
                }
            }
            (seq, sketch)
        };
        txn.commit()?;
        let (seq, sketch) = sketch;
        self.postings_mut()
            .remove(seq, &sketch.band_keys, &sketch.anchors);
        self.vectors_mut().remove(seq);
        Ok(())
    }
}
