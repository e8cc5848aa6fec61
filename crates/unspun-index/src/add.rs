//! Adding documents: sketched in parallel, then matched and stored in
//! order, in one write transaction per batch.

use crate::error::IndexError;
use crate::family;
use crate::index::{only, Index};
use crate::match_::{verify, Round, Verified};
use crate::meaning::close_in_meaning;
use crate::postings::MAX_SEQ;
use crate::schema::*;
use crate::sketch::Sketched;
use crate::tables::{bump, load, Tables};
use crate::views::{Added, Pair};
use rayon::prelude::*;
use redb::{ReadableTable, WriteTransaction};
use std::collections::{BTreeSet, HashMap, HashSet};
use unspun_text::{Document, Token};

/// New documents verified in one round: their pairs are compared together,
/// the model's work batched across them. Bounds the documents prepared at
/// once.
const VERIFY_CHUNK: usize = 256;

/// A new document numbered for storing, with its candidates.
struct Numbered {
    seq: u32,
    s: Sketched,
    found: Vec<u32>,
}

/// A pair of a new document: the other's number and id, and the comparison.
struct Matched {
    seq: u32,
    id: String,
    comparison: unspun_compare::Comparison,
}

impl Index {
    /// Adds one document and returns its relations to the documents already
    /// indexed. Committed (durably) before it returns.
    pub fn add(&self, doc: Document) -> Result<Added, IndexError> {
        only(self.add_batch(vec![doc])?)
    }

    /// Adds documents in one write transaction: all of them are durable when
    /// it returns `Ok`, none when it returns `Err`. Each document is matched
    /// against everything before it, earlier members of the batch included.
    /// Per-document refusals (duplicate id, empty text) are the inner results.
    pub fn add_batch(
        &self,
        docs: Vec<Document>,
    ) -> Result<Vec<Result<Added, IndexError>>, IndexError> {
        // Sketching needs no lock: do it for the whole batch, in parallel.
        let sketched: Vec<Result<Sketched, IndexError>> =
            docs.into_par_iter().map(|d| self.sketch(d)).collect();
        let _writer = self.lock_writer();
        let txn = self.begin_write()?;
        let mut staged: Vec<(u32, Vec<u64>, Vec<u32>)> = Vec::new();
        let result = self.add_in(&txn, sketched, &mut staged);
        let committed = result.and_then(|out| txn.commit().map(|_| out).map_err(IndexError::from));
        if committed.is_err() {
            // The transaction is gone: so must be its documents' postings.
            let mut postings = self.postings_mut();
            let mut vectors = self.vectors_mut();
            for (seq, keys, anchors) in &staged {
                postings.remove(*seq, keys, anchors);
                vectors.remove(*seq);
            }
        }
        committed
    }

    fn add_in(
        &self,
        txn: &WriteTransaction,
        sketched: Vec<Result<Sketched, IndexError>>,
        staged: &mut Vec<(u32, Vec<u64>, Vec<u32>)>,
    ) -> Result<Vec<Result<Added, IndexError>>, IndexError> {
        let mut t = Tables::open(txn)?;
        let mut out = Vec::with_capacity(sketched.len());
        let mut sketched = sketched.into_iter();
        loop {
            let chunk: Vec<_> = sketched.by_ref().take(VERIFY_CHUNK).collect();
            if chunk.is_empty() {
                return Ok(out);
            }
            self.add_chunk(&mut t, chunk, staged, &mut out)?;
        }
    }

    /// Adds documents in order, as if one by one, with one verify round for
    /// all of them: each is numbered and its candidates found with the
    /// earlier ones' postings live; then all pairs are compared together
    /// (the model's work batched across documents); then each is stored.
    fn add_chunk(
        &self,
        t: &mut Tables,
        chunk: Vec<Result<Sketched, IndexError>>,
        staged: &mut Vec<(u32, Vec<u64>, Vec<u32>)>,
        out: &mut Vec<Result<Added, IndexError>>,
    ) -> Result<(), IndexError> {
        let mut next_seq = t.meta.get(KEY_NEXT_SEQ)?.map_or(0, |g| g.value());
        let first_seq = next_seq;
        // Each new document's search by meaning among the stored ones, on
        // all threads, before any goes in.
        let nearest = self.nearest_now_all(&chunk);
        let mut ids = HashSet::new();
        let mut slots: Vec<Result<Numbered, IndexError>> = Vec::with_capacity(chunk.len());
        // Each numbered document's content tokens, for its preparation.
        let mut tokens: Vec<Vec<Token>> = Vec::with_capacity(chunk.len());
        for (s, nearest) in chunk.into_iter().zip(nearest) {
            let mut s = match s {
                Ok(s) => s,
                Err(e) => {
                    slots.push(Err(e));
                    continue;
                }
            };
            // Earlier members of the chunk are not stored yet: `ids` has them.
            if t.ids.get(s.meta.id.as_str())?.is_some() || !ids.insert(s.meta.id.clone()) {
                slots.push(Err(IndexError::DuplicateId(s.meta.id)));
                continue;
            }
            let seq = u32::try_from(next_seq)
                .ok()
                .filter(|&s| s <= MAX_SEQ)
                .ok_or(IndexError::Full)?;
            next_seq += 1;
            let found = self.candidates_of(&s, nearest.as_ref());
            let (keys, anchors) = (s.record.band_keys.clone(), s.record.anchors.clone());
            self.postings_mut().insert(seq, &keys, &anchors);
            if let Some(v) = &s.vector {
                self.vectors_mut().insert(seq, v.clone());
            }
            staged.push((seq, keys, anchors));
            tokens.push(std::mem::take(&mut s.tokens));
            slots.push(Ok(Numbered { seq, s, found }));
        }
        let matched = self.match_chunk(t, first_seq, &slots, tokens)?;
        for (slot, matched) in slots.into_iter().zip(matched) {
            out.push(match slot {
                Ok(n) => Ok(self.store(t, n.seq, n.s, matched)?),
                Err(e) => Err(e),
            });
        }
        Ok(())
    }

    /// The pairs of each numbered document of a chunk with the documents
    /// before it (stored, or earlier in the chunk), in ascending order.
    fn match_chunk(
        &self,
        t: &Tables,
        first_seq: u64,
        slots: &[Result<Numbered, IndexError>],
        tokens: Vec<Vec<Token>>,
    ) -> Result<Vec<Vec<Matched>>, IndexError> {
        let numbered = || slots.iter().filter_map(|s| s.as_ref().ok());
        // Stored candidates, each loaded once for all its new documents.
        let stored_seqs: BTreeSet<u32> = numbered()
            .flat_map(|n| n.found.iter().copied())
            .filter(|&c| u64::from(c) < first_seq)
            .collect();
        let mut stored = Vec::with_capacity(stored_seqs.len());
        for c in stored_seqs {
            if let Some(l) = load(&t.docs, &t.texts, &t.sketches, c)? {
                stored.push(l);
            }
        }
        // Members of the chunk that take part: with candidates, or found.
        let found_in_chunk: HashSet<u32> = numbered()
            .flat_map(|n| n.found.iter().copied())
            .filter(|&c| u64::from(c) >= first_seq)
            .collect();
        let new: Vec<(u32, &Sketched, Vec<Token>)> = numbered()
            .zip(tokens)
            .filter(|(n, _)| !n.found.is_empty() || found_in_chunk.contains(&n.seq))
            .map(|(n, tokens)| (n.seq, &n.s, tokens))
            .collect();
        let round = Round::new(&stored, new);
        let member: HashMap<u32, usize> = round
            .seqs
            .iter()
            .enumerate()
            .map(|(i, &seq)| (seq, i))
            .collect();
        let wanted: Vec<(usize, Vec<usize>)> = numbered()
            .filter(|n| !n.found.is_empty())
            .filter_map(|n| {
                // A candidate removed since its postings were read is gone.
                // `found` is ascending, as members are by number: so are the
                // pairs.
                let others = n.found.iter().filter_map(|c| member.get(c).copied());
                Some((*member.get(&n.seq)?, others.collect()))
            })
            .collect();
        let vectors = self.vectors.read().unwrap_or_else(|p| p.into_inner());
        let vector_of = |i: usize| vectors.get(round.seqs[i]);
        let close = |a: usize, b: usize| close_in_meaning(vector_of(a), vector_of(b));
        let verified = verify(
            &round,
            &wanted,
            &self.sketcher.params.thresholds,
            self.meaning.as_deref(),
            &close,
        )?;
        let mut by_new: HashMap<usize, Vec<Verified>> =
            wanted.iter().map(|(new, _)| *new).zip(verified).collect();
        Ok(slots
            .iter()
            .map(|s| match s {
                Ok(n) => member
                    .get(&n.seq)
                    .and_then(|i| by_new.remove(i))
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(i, c)| Matched {
                        seq: round.seqs[i],
                        id: round.metas[i].id.clone(),
                        comparison: c,
                    })
                    .collect(),
                Err(_) => Vec::new(),
            })
            .collect())
    }

    /// Writes one matched document; its postings are already live.
    fn store(
        &self,
        t: &mut Tables,
        seq: u32,
        s: Sketched,
        matched: Vec<Matched>,
    ) -> Result<Added, IndexError> {
        if let Some(v) = &s.vector {
            t.vectors.insert(seq, v.encode().as_slice())?;
        }
        t.meta.insert(KEY_NEXT_SEQ, u64::from(seq) + 1)?;
        bump(&mut t.meta, KEY_DOCS, 1)?;
        t.ids.insert(s.meta.id.as_str(), seq)?;
        t.docs
            .insert(seq, serde_json::to_vec(&s.meta)?.as_slice())?;
        t.texts.insert(seq, s.text.as_str())?;
        t.sketches.insert(seq, s.record.encode().as_slice())?;
        let mut pairs = Vec::with_capacity(matched.len());
        let mut partners = Vec::new();
        for Matched {
            seq: other,
            id: other_id,
            comparison: c,
        } in matched
        {
            let weight = unspun_cluster::story_weight(c.relation, c.scores.story);
            if weight > 0.0 {
                t.links.insert((other, seq), weight)?;
                t.links.insert((seq, other), weight)?;
            }
            if c.relation == unspun_compare::Relation::Unrelated {
                // A near miss: it counts toward stories, it is not a pair.
                continue;
            }
            t.pairs
                .insert((other, seq), serde_json::to_vec(&c)?.as_slice())?;
            t.pairs_by_b.insert((seq, other), ())?;
            bump(&mut t.meta, KEY_PAIRS, 1)?;
            bump(&mut t.meta, &format!("{PAIRS_PREFIX}{}", c.relation), 1)?;
            if c.relation.is_copy() {
                partners.push((other, other_id.clone()));
            }
            pairs.push(Pair::new(other_id, s.meta.id.clone(), c));
        }
        let partners: Vec<(u32, &str)> = partners.iter().map(|(q, id)| (*q, id.as_str())).collect();
        let family = family::join(t, seq, &s.meta.id, &partners)?;
        Ok(Added {
            id: s.meta.id,
            seq,
            family,
            pairs,
        })
    }
}
