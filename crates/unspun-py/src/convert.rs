//! Rust values to Python objects and back.
//!
//! Records that the CLI writes as JSON go through their JSON text on their
//! way to Python (`json.loads`, in C), so a dict has exactly the fields, names and rounding of the
//! corresponding JSON line: one definition of the wire format, not two.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyList;
use unspun_text::Span;

/// A record as the Python object `json.loads` gives for its JSON line: the
/// same fields in the same order.
pub fn record_to_py<'py, T: serde::Serialize + ?Sized>(
    py: Python<'py>,
    record: &T,
) -> PyResult<Bound<'py, PyAny>> {
    let json = serde_json::to_string(record).map_err(|e| PyValueError::new_err(e.to_string()))?;
    py.import("json")?.call_method1("loads", (json,))
}

/// A list of records as a Python list of dicts.
pub fn records_to_py<'py, T: serde::Serialize>(
    py: Python<'py>,
    records: &[T],
) -> PyResult<Bound<'py, PyList>> {
    Ok(record_to_py(py, records)?.downcast_into::<PyList>()?)
}

/// `[start, end)` byte range as a Python tuple.
pub fn span_tuple(s: Span) -> (u32, u32) {
    (s.start, s.end)
}

/// Maps byte offsets of one text to character offsets (what Python's `str`
/// indexing uses). Offsets are looked up in any order; ASCII texts map 1:1.
pub struct CharOffsets {
    /// Byte offset of every char boundary, empty for ASCII text.
    boundaries: Vec<u32>,
}

impl CharOffsets {
    pub fn new(text: &str) -> Self {
        if text.is_ascii() {
            return CharOffsets {
                boundaries: Vec::new(),
            };
        }
        let mut boundaries: Vec<u32> = text.char_indices().map(|(i, _)| i as u32).collect();
        boundaries.push(text.len() as u32);
        CharOffsets { boundaries }
    }

    /// Character offset of a byte offset on a char boundary (spans always
    /// are); an offset inside a char maps to that char's start.
    pub fn char_of(&self, byte: u32) -> u32 {
        if self.boundaries.is_empty() {
            return byte;
        }
        match self.boundaries.binary_search(&byte) {
            Ok(i) => i as u32,
            Err(i) => i.saturating_sub(1) as u32,
        }
    }

    pub fn span(&self, s: Span) -> (u32, u32) {
        (self.char_of(s.start), self.char_of(s.end))
    }
}

/// Flat `[s0, e0, s1, e1, ...]` byte offsets (how Spark stores kept spans)
/// back to spans, checked against the text they point into.
pub fn spans_from_flat(flat: &[u32], text: &str) -> PyResult<Vec<Span>> {
    if !flat.chunks_exact(2).remainder().is_empty() {
        return Err(PyValueError::new_err(
            "kept spans: expected an even number of offsets",
        ));
    }
    flat.chunks_exact(2)
        .map(|c| {
            let (start, end) = (c[0] as usize, c[1] as usize);
            if start > end || end > text.len() || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
                return Err(PyValueError::new_err(format!(
                    "kept span [{start}, {end}) is not a range of whole characters of a {}-byte text",
                    text.len()
                )));
            }
            Ok(Span::new(start, end))
        })
        .collect()
}

/// Spans as the flat offset list of [`spans_from_flat`].
pub fn spans_to_flat(spans: &[Span]) -> Vec<u32> {
    spans.iter().flat_map(|s| [s.start, s.end]).collect()
}

/// u64 keys as Spark's signed 64-bit longs (same bits).
pub fn as_signed(keys: &[u64]) -> Vec<i64> {
    keys.iter().map(|&k| k as i64).collect()
}
