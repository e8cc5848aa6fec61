//! The meaning layer in the index: a document vector per document (the
//! fast tier over its content, as `unspun scan` computes it), nearest
//! neighbours of a new document among the stored ones, and the gate that
//! decides which pairs the model looks at.

use rayon::prelude::*;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::ops::Range;
use unspun_compare::meaning::{cosine_i8, cosine_of_dot, each_dot_i8, quantize};
use unspun_compare::Meaning;
use unspun_text::Span;

/// `unspun scan`'s defaults (a test checks they agree): documents closer
/// than this in meaning are compared by the meaning layer...
pub const MIN_COSINE: f32 = 0.45;
/// ...each new document with at most this many nearest stored ones that
/// share no shingles...
pub const NEIGHBOURS: usize = 5;
/// ...published at most this many days apart (when both dates are known).
pub const WINDOW_DAYS: i64 = 7;

const DIM: usize = unspun_embed::DIM;
/// Stored for a document without a date.
const NO_DAY: i64 = i64::MIN;

/// Whether two documents are close enough in meaning for the meaning
/// layer (as `unspun scan` decides); never without both vectors.
pub(crate) fn close_in_meaning(a: Option<&[i8]>, b: Option<&[i8]>) -> bool {
    a.zip(b).is_some_and(|(a, b)| cosine_i8(a, b) >= MIN_COSINE)
}

/// A document's vector, quantized to `i8` (unit length × 127), and its day.
#[derive(Debug, Clone, PartialEq)]
pub struct DocVector {
    pub day: Option<i64>,
    pub v: Box<[i8]>,
}

impl DocVector {
    /// The document's vector as `unspun scan` computes it.
    pub fn of(meaning: &Meaning, text: &str, kept: &[Span], day: Option<i64>) -> DocVector {
        let v = meaning.document_vector(text, kept);
        DocVector {
            day,
            v: quantize(&v, DIM).into_boxed_slice(),
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(8 + DIM);
        out.extend_from_slice(&self.day.unwrap_or(NO_DAY).to_le_bytes());
        out.extend(self.v.iter().map(|&x| x as u8));
        out
    }

    pub fn decode(bytes: &[u8]) -> Option<DocVector> {
        let (day, v) = bytes.split_first_chunk::<8>()?;
        if v.len() != DIM {
            return None;
        }
        let day = i64::from_le_bytes(*day);
        Some(DocVector {
            day: (day != NO_DAY).then_some(day),
            v: v.iter().map(|&x| x as i8).collect(),
        })
    }
}

/// The stored documents' vectors, by sequence number, in memory.
#[derive(Debug, Default)]
pub struct Vectors {
    /// Row `seq` at `flat[seq * DIM..]`, zeros where no document is: one
    /// block of memory that a search streams through (rows boxed one by
    /// one were read from all over the heap).
    flat: Vec<i8>,
    /// Each row's day, where a document is stored (`Some(None)`: undated).
    days: Vec<Option<Option<i64>>>,
    /// The dated rows' sequence numbers by day, and the undated ones, each
    /// ascending: a dated document's search reads only the rows its date
    /// window can admit (in a year of news, a twentieth of them), not all.
    by_day: BTreeMap<i64, Vec<u32>>,
    undated: Vec<u32>,
}

/// Rows scored on one thread at a time: 384 KiB, which stay in cache
/// while every query of a batch reads them.
const SEARCH_BLOCK: usize = 1024;

impl Vectors {
    pub fn insert(&mut self, seq: u32, v: DocVector) {
        self.remove(seq);
        let k = seq as usize;
        if self.days.len() <= k {
            self.days.resize(k + 1, None);
            self.flat.resize((k + 1) * DIM, 0);
        }
        let bucket = match v.day {
            Some(day) => self.by_day.entry(day).or_default(),
            None => &mut self.undated,
        };
        if let Err(at) = bucket.binary_search(&seq) {
            bucket.insert(at, seq);
        }
        let n = v.v.len().min(DIM);
        self.flat[k * DIM..k * DIM + n].copy_from_slice(&v.v[..n]);
        self.days[k] = Some(v.day);
    }

    pub fn remove(&mut self, seq: u32) {
        let k = seq as usize;
        let Some(day) = self.days.get_mut(k).and_then(Option::take) else {
            return;
        };
        self.flat[k * DIM..(k + 1) * DIM].fill(0);
        let bucket = match day {
            Some(day) => self.by_day.get_mut(&day),
            None => Some(&mut self.undated),
        };
        if let Some(bucket) = bucket {
            if let Ok(at) = bucket.binary_search(&seq) {
                bucket.remove(at);
            }
        }
    }

    /// A stored document's vector.
    pub fn get(&self, seq: u32) -> Option<&[i8]> {
        let k = seq as usize;
        self.days.get(k)?.as_ref()?;
        Some(self.row(k))
    }

    fn row(&self, k: usize) -> &[i8] {
        &self.flat[k * DIM..(k + 1) * DIM]
    }

    /// Rows below this are stored or were.
    fn rows(&self) -> usize {
        self.days.len()
    }

    /// The stored documents nearest to `v` (cosine at least [`MIN_COSINE`],
    /// within the date window), at most [`NEIGHBOURS`], skipping `known`
    /// (sorted): closest first, then by sequence number.
    pub fn neighbours(&self, v: &DocVector, known: &[u32]) -> Vec<u32> {
        nearest_of(self.scored(v, 0..self.rows(), known))
    }

    /// The documents stored now that are nearest to `v`, for
    /// [`Vectors::neighbours_after`] once more have been inserted: a new
    /// document's search done ahead of its turn, beside the others'.
    pub fn nearest_now(&self, v: &DocVector) -> Nearest {
        self.kept_nearest(self.scored(v, 0..self.rows(), &[]))
    }

    /// [`Vectors::nearest_now`] for each of `vs`. The undated ones are
    /// searched together, each block of rows read from memory once for all
    /// of them: one at a time, 2,000 searches of 100,000 rows streamed 77 GB
    /// and waited on memory. The dated ones read only their windows.
    pub fn nearest_now_all(&self, vs: &[Option<&DocVector>]) -> Vec<Option<Nearest>> {
        let mut scored: Vec<Vec<(f32, u32)>> = vec![Vec::new(); vs.len()];
        let undated: Vec<(usize, &[i8])> = (vs.iter().enumerate())
            .filter_map(|(i, v)| v.filter(|v| v.day.is_none()).map(|v| (i, &*v.v)))
            .collect();
        let queries: Vec<&[i8]> = undated.iter().map(|&(_, v)| v).collect();
        for (q, c, k) in self.scored_in_rows(&queries, 0..self.rows(), &[]) {
            scored[undated[q].0].push((c, k));
        }
        let dated: Vec<Option<Vec<(f32, u32)>>> = vs
            .par_iter()
            .map(|v| {
                let v = v.filter(|v| v.day.is_some())?;
                Some(self.scored(v, 0..self.rows(), &[]))
            })
            .collect();
        for (all, found) in scored.iter_mut().zip(dated) {
            all.extend(found.into_iter().flatten());
        }
        (vs.iter().zip(scored))
            .map(|(v, all)| v.map(|_| self.kept_nearest(all)))
            .collect()
    }

    fn kept_nearest(&self, mut all: Vec<(f32, u32)>) -> Nearest {
        all.sort_by(closest_first);
        let complete = all.len() <= NEAREST_KEPT;
        all.truncate(NEAREST_KEPT);
        Nearest {
            found: all,
            rows: self.rows(),
            complete,
        }
    }

    /// [`Vectors::neighbours`], from `before` for the documents it saw. It
    /// is the same answer: when at least [`NEIGHBOURS`] of its documents
    /// are not in `known`, no document ranked below them can be among the
    /// nearest; otherwise (and it kept only some) they are searched again.
    pub fn neighbours_after(&self, v: &DocVector, known: &[u32], before: &Nearest) -> Vec<u32> {
        let mut best: Vec<(f32, u32)> = before
            .found
            .iter()
            .filter(|(_, k)| known.binary_search(k).is_err())
            .copied()
            .collect();
        if best.len() < NEIGHBOURS && !before.complete {
            best = self.scored(v, 0..before.rows, known);
        }
        best.extend(self.scored(v, before.rows..self.rows(), known));
        nearest_of(best)
    }

    /// Documents of `seqs` within the date window of `v` and at least
    /// [`MIN_COSINE`] from it, but those in `known`, in no set order; on all
    /// threads.
    fn scored(&self, v: &DocVector, seqs: Range<usize>, known: &[u32]) -> Vec<(f32, u32)> {
        let Some(day) = v.day else {
            // Undated: every row is in its window.
            let found = self.scored_in_rows(&[&v.v], seqs, known);
            return found.into_iter().map(|(_, c, k)| (c, k)).collect();
        };
        let window = day.saturating_sub(WINDOW_DAYS)..=day.saturating_add(WINDOW_DAYS);
        let in_seqs = |k: &&u32| seqs.contains(&(**k as usize));
        let admitted: Vec<usize> = (self.by_day.range(window).flat_map(|(_, s)| s))
            .chain(&self.undated)
            .filter(in_seqs)
            .map(|&k| k as usize)
            .collect();
        (admitted.par_chunks(SEARCH_BLOCK))
            .flat_map_iter(|block| {
                let rows = block.iter().map(|&k| self.row(k));
                let mut out = Vec::new();
                each_dot_i8(&v.v, rows, |i, dot| {
                    if let Some((c, k)) = self.kept(block[i], dot, known) {
                        out.push((c, k));
                    }
                });
                out
            })
            .collect()
    }

    /// The rows of `seqs` at least [`MIN_COSINE`] from each of `queries`,
    /// but those in `known`, as (query, cosine, sequence number), in no set
    /// order: a block of rows at a time on all threads, each block read
    /// once for all the queries.
    fn scored_in_rows(
        &self,
        queries: &[&[i8]],
        seqs: Range<usize>,
        known: &[u32],
    ) -> Vec<(usize, f32, u32)> {
        if queries.is_empty() {
            return Vec::new();
        }
        let end = seqs.end.min(self.rows());
        let blocks: Vec<usize> = (seqs.start..end).step_by(SEARCH_BLOCK).collect();
        (blocks.into_par_iter())
            .flat_map_iter(|first| {
                let rows = &self.flat[first * DIM..(first + SEARCH_BLOCK).min(end) * DIM];
                let mut out = Vec::new();
                for (q, query) in queries.iter().enumerate() {
                    each_dot_i8(query, rows.chunks_exact(DIM), |i, dot| {
                        if let Some((c, k)) = self.kept(first + i, dot, known) {
                            out.push((q, c, k));
                        }
                    });
                }
                out
            })
            .collect()
    }

    /// Row `k` with its cosine, if close enough, stored and not in `known`:
    /// the cosine first, as few rows pass it.
    fn kept(&self, k: usize, dot: i32, known: &[u32]) -> Option<(f32, u32)> {
        let (c, k) = (cosine_of_dot(dot), k as u32);
        (c >= MIN_COSINE && self.get(k).is_some() && known.binary_search(&k).is_err())
            .then_some((c, k))
    }
}

/// How many of the nearest documents [`Vectors::nearest_now`] keeps: the
/// neighbours, and room for some of them to be candidates already.
const NEAREST_KEPT: usize = 32;

/// A search of [`Vectors::nearest_now`].
#[derive(Debug, Clone, PartialEq)]
pub struct Nearest {
    /// The nearest documents with their cosines, closest first.
    found: Vec<(f32, u32)>,
    /// The rows searched (sequence numbers below this).
    rows: usize,
    /// Whether `found` holds every document that qualified.
    complete: bool,
}

/// Closest first, then by sequence number.
fn closest_first(x: &(f32, u32), y: &(f32, u32)) -> Ordering {
    y.0.total_cmp(&x.0).then(x.1.cmp(&y.1))
}

/// The [`NEIGHBOURS`] closest of `scored`.
fn nearest_of(mut scored: Vec<(f32, u32)>) -> Vec<u32> {
    scored.sort_by(closest_first);
    scored
        .into_iter()
        .take(NEIGHBOURS)
        .map(|(_, k)| k)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A unit-length vector from a seed (xorshift), quantized as stored.
    fn vector(seed: u64, day: Option<i64>) -> DocVector {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let raw: Vec<f32> = (0..DIM)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                // Biased positive, so that many vectors pass MIN_COSINE.
                (x % 1000) as f32 / 1000.0 - 0.2
            })
            .collect();
        let n = raw.iter().map(|v| v * v).sum::<f32>().sqrt();
        let unit: Vec<f32> = raw.iter().map(|v| v / n).collect();
        DocVector {
            day,
            v: quantize(&unit, DIM).into_boxed_slice(),
        }
    }

    /// The search by day buckets against every row read and filtered: the
    /// same neighbours, dated or not, after removals and a re-insert.
    #[test]
    fn the_date_window_admits_what_a_full_search_admits() {
        let within_window = |x: &DocVector, day: Option<i64>| match (x.day, day) {
            (Some(a), Some(b)) => (a - b).abs() <= WINDOW_DAYS,
            _ => true,
        };
        let day_of = |seq: u64| (seq % 7 != 3).then_some((seq * 37 % 200) as i64);
        let mut vectors = Vectors::default();
        for seq in 0..1_500u32 {
            vectors.insert(seq, vector(u64::from(seq), day_of(u64::from(seq))));
        }
        for seq in (0..1_500u32).step_by(11) {
            vectors.remove(seq);
        }
        // Moved to another day (and another bucket).
        vectors.insert(44, vector(44, Some(100)));
        let full = |v: &DocVector, known: &[u32]| {
            let scored: Vec<(f32, u32)> = (0..vectors.rows() as u32)
                .filter_map(|k| Some((k, vectors.get(k)?, vectors.days[k as usize]?)))
                .filter(|(k, _, day)| known.binary_search(k).is_err() && within_window(v, *day))
                .map(|(k, r, _)| (cosine_i8(&v.v, r), k))
                .filter(|&(c, _)| c >= MIN_COSINE)
                .collect();
            nearest_of(scored)
        };
        let mut found = 0;
        for probe in 5_000..5_040u64 {
            let v = vector(probe, day_of(probe));
            let want = full(&v, &[]);
            found += want.len();
            assert_eq!(vectors.neighbours(&v, &[]), want, "probe {probe}");
            let known: Vec<u32> = want.iter().take(2).copied().collect::<Vec<_>>();
            let mut known = known;
            known.sort_unstable();
            assert_eq!(vectors.neighbours(&v, &known), full(&v, &known));
        }
        assert!(found > 100, "too few neighbours to tell: {found}");
    }

    /// The batch search of a chunk's documents against each searched
    /// alone: dated, undated and missing vectors mixed, over more rows than
    /// one block, with removed rows among them.
    #[test]
    fn searching_many_at_once_finds_what_each_search_finds() {
        let mut vectors = Vectors::default();
        for seq in 0..(3 * SEARCH_BLOCK as u32 + 17) {
            let day = (seq % 3 != 0).then_some(i64::from(seq % 40));
            vectors.insert(seq, vector(u64::from(seq), day));
        }
        for seq in (5..2_000u32).step_by(7) {
            vectors.remove(seq);
        }
        let probes: Vec<DocVector> = (0..12u64)
            .map(|p| vector(20_000 + p, (p % 2 == 0).then_some(p as i64 * 3)))
            .collect();
        let mut vs: Vec<Option<&DocVector>> = probes.iter().map(Some).collect();
        vs.insert(4, None);
        let all = vectors.nearest_now_all(&vs);
        assert_eq!(all.len(), vs.len());
        let mut found = 0;
        for (v, batch) in vs.iter().zip(&all) {
            let alone = v.map(|v| vectors.nearest_now(v));
            found += alone.as_ref().map_or(0, |n| n.found.len());
            assert_eq!(batch, &alone);
        }
        assert!(found > 100, "too few found to tell: {found}");
    }

    #[test]
    fn a_search_done_ahead_finds_what_a_search_in_turn_finds() {
        let mut vectors = Vectors::default();
        for seq in 0..300u32 {
            vectors.insert(seq, vector(u64::from(seq), Some(i64::from(seq % 20))));
        }
        vectors.remove(17);
        let new = vector(9_999, Some(5));
        let before = vectors.nearest_now(&new);
        assert!(!before.complete, "more than {NEAREST_KEPT} qualify");
        // Documents inserted after the search: ten outside the date window,
        // and one nearer than any stored.
        for seq in 300..310u32 {
            vectors.insert(seq, vector(u64::from(seq), Some(1_000)));
        }
        vectors.insert(310, new.clone());
        let full = vectors.neighbours(&new, &[]);
        assert_eq!(full[0], 310);
        // Known candidates: none, a few of the nearest, and so many of
        // them that fewer than NEIGHBOURS of the kept ones are left.
        let nearest_stored: Vec<u32> = before.found.iter().map(|&(_, k)| k).collect();
        let mut many = nearest_stored[..NEAREST_KEPT - 2].to_vec();
        many.sort_unstable();
        let mut few = vec![nearest_stored[0], nearest_stored[3], 310];
        few.sort_unstable();
        for known in [vec![], few, many] {
            assert_eq!(
                vectors.neighbours_after(&new, &known, &before),
                vectors.neighbours(&new, &known),
                "known {known:?}"
            );
        }
    }
}
