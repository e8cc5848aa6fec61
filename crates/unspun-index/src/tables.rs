//! Every table of a write transaction, opened once (redb allows one open
//! handle per table per transaction), and helpers shared by reads and writes.

use crate::error::IndexError;
use crate::match_::Loaded;
use crate::schema::*;
use redb::{ReadableTable, Table, WriteTransaction};

pub(crate) struct Tables<'t> {
    pub meta: Table<'t, &'static str, u64>,
    pub ids: Table<'t, &'static str, u32>,
    pub docs: Table<'t, u32, &'static [u8]>,
    pub texts: Table<'t, u32, &'static str>,
    pub sketches: Table<'t, u32, &'static [u8]>,
    pub pairs: Table<'t, (u32, u32), &'static [u8]>,
    pub pairs_by_b: Table<'t, (u32, u32), ()>,
    pub family_of: Table<'t, u32, u32>,
    pub family_members: Table<'t, (u32, u32), ()>,
    pub families: Table<'t, u32, &'static str>,
    pub family_names: Table<'t, &'static str, u32>,
    pub vectors: Table<'t, u32, &'static [u8]>,
    pub links: Table<'t, (u32, u32), f64>,
}

impl<'t> Tables<'t> {
    pub fn open(txn: &'t WriteTransaction) -> Result<Self, IndexError> {
        Ok(Tables {
            meta: txn.open_table(META)?,
            ids: txn.open_table(IDS)?,
            docs: txn.open_table(DOCS)?,
            texts: txn.open_table(TEXTS)?,
            sketches: txn.open_table(SKETCHES)?,
            pairs: txn.open_table(PAIRS)?,
            pairs_by_b: txn.open_table(PAIRS_BY_B)?,
            family_of: txn.open_table(FAMILY_OF)?,
            family_members: txn.open_table(FAMILY_MEMBERS)?,
            families: txn.open_table(FAMILIES)?,
            family_names: txn.open_table(FAMILY_NAMES)?,
            vectors: txn.open_table(VECTORS)?,
            links: txn.open_table(LINKS)?,
        })
    }
}

/// Adds `delta` to a counter in `meta`.
pub(crate) fn bump(
    meta: &mut Table<&'static str, u64>,
    key: &str,
    delta: i64,
) -> Result<(), IndexError> {
    let now = meta.get(key)?.map_or(0, |g| g.value());
    let next = now.saturating_add_signed(delta);
    if next == 0 && key.starts_with(PAIRS_PREFIX) {
        // Per-relation counters come and go; keep the table to live ones.
        meta.remove(key)?;
    } else {
        meta.insert(key, next)?;
    }
    Ok(())
}

/// A stored document's metadata.
pub(crate) fn load_meta(
    docs: &impl ReadableTable<u32, &'static [u8]>,
    seq: u32,
) -> Result<Option<DocMeta>, IndexError> {
    match docs.get(seq)? {
        Some(g) => Ok(Some(serde_json::from_slice(g.value())?)),
        None => Ok(None),
    }
}

/// Everything needed to compare against a stored document.
pub(crate) fn load(
    docs: &impl ReadableTable<u32, &'static [u8]>,
    texts: &impl ReadableTable<u32, &'static str>,
    sketches: &impl ReadableTable<u32, &'static [u8]>,
    seq: u32,
) -> Result<Option<Loaded>, IndexError> {
    let Some(meta) = load_meta(docs, seq)? else {
        return Ok(None);
    };
    let text = texts.get(seq)?.map(|g| g.value().to_string());
    let sketch = sketches.get(seq)?.map(|g| SketchRecord::decode(g.value()));
    match (text, sketch) {
        (Some(text), Some(Some(sketch))) => Ok(Some(Loaded {
            seq,
            meta,
            text,
            sketch,
        })),
        _ => Err(IndexError::Corrupt(format!(
            "document #{seq} has no text or sketch"
        ))),
    }
}
