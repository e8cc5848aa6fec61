//! Reads: documents, matches, feeds, families, stats. Each read works on one
//! redb snapshot, so it sees a consistent index while a writer is busy.

use crate::error::IndexError;
use crate::index::{Index, DB_FILE};
use crate::match_::Loaded;
use crate::schema::*;
use crate::tables::{load, load_meta};
use crate::views::*;
use redb::{
    ReadOnlyTable, ReadTransaction, ReadableDatabase, ReadableTable, ReadableTableMetadata,
};
use std::collections::BTreeMap;
use unspun_cluster::families::family_id;
use unspun_compare::{compare_with_meaning, Comparison, PairContext, Prepared, Side};

/// The tables reads use, opened on one snapshot.
pub(crate) struct Snapshot {
    pub ids: ReadOnlyTable<&'static str, u32>,
    pub docs: ReadOnlyTable<u32, &'static [u8]>,
    pub texts: ReadOnlyTable<u32, &'static str>,
    pub sketches: ReadOnlyTable<u32, &'static [u8]>,
    pub pairs: ReadOnlyTable<(u32, u32), &'static [u8]>,
    pub pairs_by_b: ReadOnlyTable<(u32, u32), ()>,
    pub family_of: ReadOnlyTable<u32, u32>,
    pub family_members: ReadOnlyTable<(u32, u32), ()>,
    pub families: ReadOnlyTable<u32, &'static str>,
    pub family_names: ReadOnlyTable<&'static str, u32>,
    pub meta: ReadOnlyTable<&'static str, u64>,
}

impl Snapshot {
    fn open(txn: &ReadTransaction) -> Result<Self, IndexError> {
        Ok(Snapshot {
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
            meta: txn.open_table(META)?,
        })
    }

    pub fn seq_of(&self, id: &str) -> Result<Option<u32>, IndexError> {
        Ok(self.ids.get(id)?.map(|g| g.value()))
    }

    fn family_name(&self, seq: u32) -> Result<Option<String>, IndexError> {
        let Some(root) = self.family_of.get(seq)?.map(|g| g.value()) else {
            return Ok(None);
        };
        Ok(self.families.get(root)?.map(|g| family_id(g.value())))
    }

    pub fn view(&self, seq: u32, with_text: bool) -> Result<Option<DocumentView>, IndexError> {
        let Some(meta) = load_meta(&self.docs, seq)? else {
            return Ok(None);
        };
        let sketch = self
            .sketches
            .get(seq)?
            .and_then(|g| SketchRecord::decode(g.value()));
        let text = if with_text {
            self.texts.get(seq)?.map(|g| g.value().to_string())
        } else {
            None
        };
        Ok(Some(DocumentView {
            seq,
            family: self.family_name(seq)?,
            removed: sketch.map(|s| s.removed).unwrap_or_default(),
            id: meta.id,
            path: meta.path,
            title: meta.title,
            url: meta.url,
            date: meta.date,
            site: meta.site,
            tokens: meta.tokens,
            bytes: meta.bytes,
            text,
        }))
    }

    fn id_of(&self, seq: u32) -> Result<String, IndexError> {
        load_meta(&self.docs, seq)?
            .map(|m| m.id)
            .ok_or_else(|| IndexError::Corrupt(format!("pair names missing document #{seq}")))
    }

    fn comparison(&self, a: u32, b: u32) -> Result<Option<Comparison>, IndexError> {
        match self.pairs.get((a, b))? {
            Some(g) => Ok(Some(serde_json::from_slice(g.value())?)),
            None => Ok(None),
        }
    }

    /// The stored pairs of `seq`, as (a, b, comparison), ordered by (a, b).
    pub fn pairs_of(&self, seq: u32) -> Result<Vec<(u32, u32, Comparison)>, IndexError> {
        let mut out = Vec::new();
        for e in self.pairs_by_b.range((seq, 0)..=(seq, u32::MAX))? {
            let a = e?.0.value().1;
            if let Some(c) = self.comparison(a, seq)? {
                out.push((a, seq, c));
            }
        }
        for e in self.pairs.range((seq, 0)..=(seq, u32::MAX))? {
            let (k, v) = e?;
            out.push((seq, k.value().1, serde_json::from_slice(v.value())?));
        }
        Ok(out)
    }

    fn pair(&self, a: u32, b: u32, c: Comparison) -> Result<Pair, IndexError> {
        Ok(Pair::new(self.id_of(a)?, self.id_of(b)?, c))
    }

    fn members(&self, root: u32) -> Result<Vec<u32>, IndexError> {
        self.family_members
            .range((root, 0)..=(root, u32::MAX))?
            .map(|e| e.map(|(k, _)| k.value().1).map_err(IndexError::from))
            .collect()
    }

    fn family(&self, root: u32, with_pairs: bool) -> Result<Option<FamilyView>, IndexError> {
        let Some(smallest) = self.families.get(root)?.map(|g| g.value().to_string()) else {
            return Ok(None);
        };
        let members = self.members(root)?;
        let mut votes: BTreeMap<u32, usize> = BTreeMap::new();
        let mut pairs = Vec::new();
        for &m in &members {
            for e in self.pairs.range((m, 0)..=(m, u32::MAX))? {
                let (k, v) = e?;
                let other = k.value().1;
                if members.binary_search(&other).is_err() {
                    continue;
                }
                let c: Comparison = serde_json::from_slice(v.value())?;
                if c.relation.is_copy() {
                    match c.source {
                        Some(Side::A) => *votes.entry(m).or_default() += 1,
                        Some(Side::B) => *votes.entry(other).or_default() += 1,
                        None => {}
                    }
                }
                if with_pairs {
                    pairs.push(self.pair(m, other, c)?);
                }
            }
        }
        // As batch scan: most votes, ties to the earliest member.
        let original = votes
            .iter()
            .max_by_key(|(doc, n)| (**n, std::cmp::Reverse(**doc)))
            .map(|(doc, _)| *doc);
        Ok(Some(FamilyView {
            id: family_id(&smallest),
            size: members.len(),
            members: members
                .iter()
                .map(|&m| self.id_of(m))
                .collect::<Result<_, _>>()?,
            original: original.map(|o| self.id_of(o)).transpose()?,
            pairs,
        }))
    }

    fn counter(&self, key: &str) -> Result<u64, IndexError> {
        Ok(self.meta.get(key)?.map_or(0, |g| g.value()))
    }
}

fn brief(other: String, c: &Comparison, other_is_a: bool) -> MatchBrief {
    MatchBrief {
        id: other,
        relation: c.relation,
        lexical: c.scores.lexical,
        coverage: if other_is_a {
            c.scores.coverage_a
        } else {
            c.scores.coverage_b
        },
    }
}

impl Index {
    pub(crate) fn snapshot(&self) -> Result<Snapshot, IndexError> {
        Snapshot::open(&self.db.begin_read()?)
    }

    /// One document, with its text when `with_text`.
    pub fn document(&self, id: &str, with_text: bool) -> Result<Option<DocumentView>, IndexError> {
        let s = self.snapshot()?;
        match s.seq_of(id)? {
            Some(seq) => s.view(seq, with_text),
            None => Ok(None),
        }
    }

    /// Every stored pair of a document, ordered by (a, b) in order of addition.
    pub fn matches(&self, id: &str) -> Result<Vec<Pair>, IndexError> {
        let s = self.snapshot()?;
        let seq = s
            .seq_of(id)?
            .ok_or_else(|| IndexError::NotFound(id.to_string()))?;
        s.pairs_of(seq)?
            .into_iter()
            .map(|(a, b, c)| s.pair(a, b, c))
            .collect()
    }

    /// The `limit` latest documents added before `before` (a seq; `None`:
    /// the very latest), newest first, each with its matches.
    pub fn recent(&self, limit: usize, before: Option<u32>) -> Result<Vec<FeedItem>, IndexError> {
        let s = self.snapshot()?;
        let mut out = Vec::new();
        let range = match before {
            Some(b) => s.docs.range(..b)?,
            None => s.docs.range::<u32>(..)?,
        };
        for e in range.rev().take(limit) {
            let seq = e?.0.value();
            let Some(document) = s.view(seq, false)? else {
                continue;
            };
            let mut matches = Vec::new();
            for (a, b, c) in s.pairs_of(seq)? {
                let other_is_a = b == seq;
                matches.push(brief(
                    s.id_of(if other_is_a { a } else { b })?,
                    &c,
                    other_is_a,
                ));
            }
            out.push(FeedItem { document, matches });
        }
        Ok(out)
    }

    /// Families ordered by their earliest member; `offset` and `limit` page.
    pub fn families(&self, offset: usize, limit: usize) -> Result<Vec<FamilyView>, IndexError> {
        let s = self.snapshot()?;
        let mut out = Vec::new();
        for e in s.families.iter()?.skip(offset).take(limit) {
            let root = e?.0.value();
            if let Some(f) = s.family(root, false)? {
                out.push(f);
            }
        }
        Ok(out)
    }

    /// One family by its id, with the pairs among its members.
    pub fn family(&self, family_id: &str) -> Result<Option<FamilyView>, IndexError> {
        let s = self.snapshot()?;
        match s.family_names.get(family_id)?.map(|g| g.value()) {
            Some(root) => s.family(root, true),
            None => Ok(None),
        }
    }

    /// Compares two indexed documents afresh (whatever their stored
    /// relation), with both texts for display; with the meaning layer when
    /// the index has it.
    pub fn compare(&self, a: &str, b: &str) -> Result<CompareView, IndexError> {
        let s = self.snapshot()?;
        let load_one = |id: &str| -> Result<(Loaded, DocumentView), IndexError> {
            let seq = s
                .seq_of(id)?
                .ok_or_else(|| IndexError::NotFound(id.to_string()))?;
            let loaded = load(&s.docs, &s.texts, &s.sketches, seq)?
                .ok_or_else(|| IndexError::NotFound(id.to_string()))?;
            let view = s
                .view(seq, true)?
                .ok_or_else(|| IndexError::NotFound(id.to_string()))?;
            Ok((loaded, view))
        };
        let (la, va) = load_one(a)?;
        let (lb, vb) = load_one(b)?;
        let (pa, pb) = (
            Prepared::new(&la.text, &la.sketch.kept),
            Prepared::new(&lb.text, &lb.sketch.kept),
        );
        let ctx = PairContext {
            date_a: la.meta.date.as_deref(),
            date_b: lb.meta.date.as_deref(),
        };
        // With the meaning layer, as `unspun compare` does (whether or not
        // the pair is close enough for an add to ask the model).
        let c = compare_with_meaning(
            &pa,
            &pb,
            ctx,
            &self.sketcher.params.thresholds,
            self.meaning.as_deref(),
        )
        .map_err(|e| IndexError::Meaning(e.to_string()))?;
        Ok(CompareView {
            a: va,
            b: vb,
            relation: c.relation,
            source: c.source,
            scores: c.scores,
            passages: c.passages,
            note: c.note,
        })
    }

    /// Counts, sizes and the time the last open took.
    pub fn stats(&self) -> Result<Stats, IndexError> {
        let s = self.snapshot()?;
        let mut pairs_by_relation = BTreeMap::new();
        for e in s.meta.range(PAIRS_PREFIX..)? {
            let (k, v) = e?;
            let Some(rel) = k.value().strip_prefix(PAIRS_PREFIX) else {
                break;
            };
            pairs_by_relation.insert(rel.to_string(), v.value());
        }
        let p = self.postings();
        Ok(Stats {
            format_version: s.counter(KEY_FORMAT)?,
            documents: s.counter(KEY_DOCS)?,
            pairs: s.counter(KEY_PAIRS)?,
            pairs_by_relation,
            families: s.counter(KEY_FAMILIES)?,
            documents_in_families: s.counter(KEY_IN_FAMILIES)?,
            disk_bytes: std::fs::metadata(self.dir.join(DB_FILE)).map_or(0, |m| m.len()),
            postings: PostingStats {
                band_keys: p.bands.keys(),
                band_entries: p.bands.entries(),
                anchor_keys: p.anchors.keys(),
                anchor_entries: p.anchors.entries(),
                heap_bytes: p.bands.heap_bytes() + p.anchors.heap_bytes(),
            },
            open_seconds: self.open_time.as_secs_f64(),
        })
    }

    /// Number of documents (cheap).
    pub fn len(&self) -> Result<u64, IndexError> {
        Ok(self.snapshot()?.ids.len()?)
    }

    pub fn is_empty(&self) -> Result<bool, IndexError> {
        Ok(self.len()? == 0)
    }
}
