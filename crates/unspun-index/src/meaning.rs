//! The meaning layer in the index: a document vector per document (the
//! fast tier over its content, as `unspun scan` computes it), nearest
//! neighbours of a new document among the stored ones, and the gate that
//! decides which pairs the model looks at.

use unspun_compare::meaning::{cosine_i8, quantize};
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
pub(crate) fn close_in_meaning(a: Option<&DocVector>, b: Option<&DocVector>) -> bool {
    a.zip(b).is_some_and(|(a, b)| a.cosine(b) >= MIN_COSINE)
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

    pub fn cosine(&self, other: &DocVector) -> f32 {
        cosine_i8(&self.v, &other.v)
    }

    fn within_window(&self, other: &DocVector) -> bool {
        match (self.day, other.day) {
            (Some(x), Some(y)) => (x - y).abs() <= WINDOW_DAYS,
            _ => true,
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
    rows: Vec<Option<DocVector>>,
}

impl Vectors {
    pub fn insert(&mut self, seq: u32, v: DocVector) {
        let k = seq as usize;
        if self.rows.len() <= k {
            self.rows.resize(k + 1, None);
        }
        self.rows[k] = Some(v);
    }

    pub fn remove(&mut self, seq: u32) {
        if let Some(r) = self.rows.get_mut(seq as usize) {
            *r = None;
        }
    }

    pub fn get(&self, seq: u32) -> Option<&DocVector> {
        self.rows.get(seq as usize)?.as_ref()
    }

    /// The stored documents nearest to `v` (cosine at least [`MIN_COSINE`],
    /// within the date window), at most [`NEIGHBOURS`], skipping `known`
    /// (sorted): closest first, then by sequence number.
    pub fn neighbours(&self, v: &DocVector, known: &[u32]) -> Vec<u32> {
        let mut best: Vec<(f32, u32)> = self
            .rows
            .iter()
            .enumerate()
            .filter_map(|(k, r)| Some((k as u32, r.as_ref()?)))
            .filter(|(k, r)| known.binary_search(k).is_err() && v.within_window(r))
            .map(|(k, r)| (v.cosine(r), k))
            .filter(|&(c, _)| c >= MIN_COSINE)
            .collect();
        best.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
        best.into_iter().take(NEIGHBOURS).map(|(_, k)| k).collect()
    }
}
