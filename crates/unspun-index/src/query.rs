//! Matching documents against the index without storing them.

use crate::error::IndexError;
use crate::index::{only, Index};
use crate::match_::{verify, Round};
use crate::meaning::close_in_meaning;
use crate::schema::*;
use crate::sketch::Sketched;
use crate::tables::load;
use crate::views::Pair;
use rayon::prelude::*;
use redb::ReadableDatabase;
use std::collections::{BTreeSet, HashMap};
use unspun_compare::Relation;
use unspun_text::{Document, Token};

impl Index {
    /// Matches a document against the index without storing it.
    pub fn query(&self, doc: Document) -> Result<Vec<Pair>, IndexError> {
        only(self.query_batch(vec![doc])?)
    }

    /// Matches documents against the index without storing them, in one
    /// verify round (the model's work batched across them); each sees only
    /// what is stored, not the others. Per-document refusals (empty text)
    /// are the inner results.
    pub fn query_batch(
        &self,
        docs: Vec<Document>,
    ) -> Result<Vec<Result<Vec<Pair>, IndexError>>, IndexError> {
        let mut sketched: Vec<Result<Sketched, IndexError>> =
            docs.into_par_iter().map(|d| self.sketch(d)).collect();
        let nearest = self.nearest_now_all(&sketched);
        let found: Vec<Vec<u32>> = (sketched.par_iter().zip(&nearest))
            .map(|(s, near)| {
                s.as_ref()
                    .map_or(Vec::new(), |s| self.candidates_of(s, near.as_ref()))
            })
            .collect();
        let txn = self.db.begin_read()?;
        let (docs, texts, sketches) = (
            txn.open_table(DOCS)?,
            txn.open_table(TEXTS)?,
            txn.open_table(SKETCHES)?,
        );
        let mut stored = Vec::new();
        for c in found.iter().flatten().copied().collect::<BTreeSet<u32>>() {
            // A candidate removed (or not yet committed) since the postings
            // were read is simply not there.
            if let Some(l) = load(&docs, &texts, &sketches, c)? {
                stored.push(l);
            }
        }
        let member: HashMap<u32, usize> =
            stored.iter().enumerate().map(|(i, l)| (l.seq, i)).collect();
        // Content tokens of the documents sketched, for their preparation.
        let tokens: Vec<Vec<Token>> = sketched
            .iter_mut()
            .filter_map(|s| s.as_mut().ok())
            .map(|s| std::mem::take(&mut s.tokens))
            .collect();
        // The queried documents after the stored ones, in input order; their
        // sequence numbers are not used.
        let queried: Vec<(usize, &Sketched)> = sketched
            .iter()
            .enumerate()
            .filter_map(|(k, s)| Some((k, s.as_ref().ok()?)))
            .collect();
        let new = queried
            .iter()
            .zip(tokens)
            .map(|(&(_, s), t)| (u32::MAX, s, t))
            .collect();
        let round = Round::new(&stored, new);
        let wanted: Vec<(usize, Vec<usize>)> = queried
            .iter()
            .enumerate()
            .map(|(q, &(k, _))| {
                let others = found[k].iter().filter_map(|c| member.get(c).copied());
                (stored.len() + q, others.collect())
            })
            .collect();
        let vectors = self.vectors.read().unwrap_or_else(|p| p.into_inner());
        let close = |a: usize, b: usize| {
            let new = queried[b - stored.len()].1;
            close_in_meaning(
                new.vector.as_ref().map(|v| &*v.v),
                vectors.get(round.seqs[a]),
            )
        };
        let verified = verify(
            &round,
            &wanted,
            &self.sketcher.params.thresholds,
            self.meaning.as_deref(),
            &close,
        )?;
        let mut pairs_of: HashMap<usize, Vec<Pair>> = HashMap::new();
        for (&(k, s), v) in queried.iter().zip(verified) {
            let pairs = v
                .into_iter()
                .filter(|(_, c)| c.relation != Relation::Unrelated)
                .map(|(i, c)| Pair::new(stored[i].meta.id.clone(), s.meta.id.clone(), c))
                .collect();
            pairs_of.insert(k, pairs);
        }
        Ok(sketched
            .into_iter()
            .enumerate()
            .map(|(k, s)| s.map(|_| pairs_of.remove(&k).unwrap_or_default()))
            .collect())
    }
}
