//! In-memory postings: LSH band key → documents and anchor → documents.
//!
//! Rebuilt on open from the stored keys of every document. Most keys belong
//! to one document, so a key's slot holds that document inline and only keys
//! shared by several documents get a list: about 16 bytes per posting.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Set on a slot that points into `lists` instead of holding a document.
const LIST: u32 = 1 << 31;

/// Largest document number a posting can hold.
pub const MAX_SEQ: u32 = LIST - 1;

/// Keys are already well-mixed hashes (band keys are fmix64 outputs, anchors
/// the high half of one): use them as they are.
#[derive(Default, Clone, Copy)]
pub struct MixedKey(u64);

impl Hasher for MixedKey {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
    fn write_u32(&mut self, n: u32) {
        // Spread a 32-bit key over the high bits hashbrown uses for tags.
        self.0 = u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// One key → ascending document numbers.
#[derive(Debug)]
pub struct PostingMap<K> {
    slots: HashMap<K, u32, BuildHasherDefault<MixedKey>>,
    lists: Vec<Vec<u32>>,
    free: Vec<u32>,
    entries: usize,
}

impl<K> Default for PostingMap<K> {
    fn default() -> Self {
        PostingMap {
            slots: HashMap::default(),
            lists: Vec::new(),
            free: Vec::new(),
            entries: 0,
        }
    }
}

impl<K: std::hash::Hash + Eq + Copy> PostingMap<K> {
    pub fn with_capacity(keys: usize) -> Self {
        PostingMap {
            slots: HashMap::with_capacity_and_hasher(keys, Default::default()),
            ..Default::default()
        }
    }

    /// Documents under `key`, ascending.
    pub fn get(&self, key: K) -> &[u32] {
        match self.slots.get(&key) {
            None => &[],
            Some(slot) if slot & LIST == 0 => std::slice::from_ref(slot),
            Some(slot) => self
                .lists
                .get((slot & !LIST) as usize)
                .map_or(&[], Vec::as_slice),
        }
    }

    /// Adds `doc` under `key`. Documents arrive in increasing order, so a
    /// push keeps the list sorted; an out-of-order one is inserted in place.
    pub fn insert(&mut self, key: K, doc: u32) {
        let doc = doc.min(MAX_SEQ);
        match self.slots.get(&key).copied() {
            None => {
                self.slots.insert(key, doc);
            }
            Some(one) if one & LIST == 0 => {
                if one == doc {
                    return;
                }
                let list = if one < doc {
                    vec![one, doc]
                } else {
                    vec![doc, one]
                };
                let at = self.alloc(list);
                self.slots.insert(key, at | LIST);
            }
            Some(slot) => {
                let Some(list) = self.lists.get_mut((slot & !LIST) as usize) else {
                    return;
                };
                match list.binary_search(&doc) {
                    Ok(_) => return,
                    Err(i) => list.insert(i, doc),
                }
            }
        }
        self.entries += 1;
    }

    /// Removes `doc` from `key`'s documents, if there.
    pub fn remove(&mut self, key: K, doc: u32) {
        let Some(slot) = self.slots.get(&key).copied() else {
            return;
        };
        if slot & LIST == 0 {
            if slot == doc {
                self.slots.remove(&key);
                self.entries -= 1;
            }
            return;
        }
        let at = slot & !LIST;
        let Some(list) = self.lists.get_mut(at as usize) else {
            return;
        };
        let Ok(i) = list.binary_search(&doc) else {
            return;
        };
        list.remove(i);
        self.entries -= 1;
        if let [last] = list[..] {
            // Back to an inline slot; the list's storage is reused later.
            self.slots.insert(key, last);
            list.clear();
            list.shrink_to_fit();
            self.free.push(at);
        }
    }

    fn alloc(&mut self, list: Vec<u32>) -> u32 {
        match self.free.pop() {
            Some(at) => {
                self.lists[at as usize] = list;
                at
            }
            None => {
                self.lists.push(list);
                (self.lists.len() - 1) as u32
            }
        }
    }

    /// Distinct keys.
    pub fn keys(&self) -> usize {
        self.slots.len()
    }

    /// (key, document) entries.
    pub fn entries(&self) -> usize {
        self.entries
    }

    /// Approximate heap bytes, for stats.
    pub fn heap_bytes(&self) -> usize {
        let slot = std::mem::size_of::<K>() + 4 + 1;
        self.slots.capacity() * slot
            + self
                .lists
                .iter()
                .map(|l| 24 + l.capacity() * 4)
                .sum::<usize>()
    }
}

/// Both indexes, and each document's anchor count (read by the anchor test).
#[derive(Debug, Default)]
pub struct Postings {
    pub bands: PostingMap<u64>,
    pub anchors: PostingMap<u32>,
    /// Anchor count by document number (capped as in batch scan); 0 for
    /// documents absent or removed.
    pub anchor_counts: Vec<u16>,
}

impl Postings {
    pub fn with_capacity(band_keys: usize, anchor_keys: usize) -> Self {
        Postings {
            bands: PostingMap::with_capacity(band_keys),
            anchors: PostingMap::with_capacity(anchor_keys),
            anchor_counts: Vec::new(),
        }
    }

    pub fn insert(&mut self, seq: u32, band_keys: &[u64], anchors: &[u32]) {
        for &k in band_keys {
            self.bands.insert(k, seq);
        }
        for &a in anchors {
            self.anchors.insert(a, seq);
        }
        let i = seq as usize;
        if self.anchor_counts.len() <= i {
            self.anchor_counts.resize(i + 1, 0);
        }
        self.anchor_counts[i] = anchors.len().min(u16::MAX as usize) as u16;
    }

    pub fn remove(&mut self, seq: u32, band_keys: &[u64], anchors: &[u32]) {
        for &k in band_keys {
            self.bands.remove(k, seq);
        }
        for &a in anchors {
            self.anchors.remove(a, seq);
        }
        if let Some(c) = self.anchor_counts.get_mut(seq as usize) {
            *c = 0;
        }
    }

    pub fn anchor_count(&self, seq: u32) -> u16 {
        self.anchor_counts.get(seq as usize).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_slots_grow_into_lists_and_shrink_back() {
        let mut p = PostingMap::<u64>::default();
        p.insert(7, 1);
        assert_eq!(p.get(7), &[1]);
        p.insert(7, 4);
        p.insert(7, 2);
        p.insert(7, 4);
        assert_eq!(p.get(7), &[1, 2, 4]);
        assert_eq!(p.entries(), 3);
        p.remove(7, 2);
        p.remove(7, 1);
        assert_eq!(p.get(7), &[4]);
        p.insert(8, 3);
        p.insert(8, 5);
        assert_eq!(p.get(8), &[3, 5]);
        p.remove(7, 4);
        assert!(p.get(7).is_empty());
        assert_eq!((p.keys(), p.entries()), (1, 2));
    }
}
