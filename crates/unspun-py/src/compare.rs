//! One pair: relation, source, scores and aligned passages.

use crate::convert::{record_to_py, span_tuple, spans_from_flat, CharOffsets};
use pyo3::exceptions::PyRuntimeError;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde::Serialize;
use unspun_compare::{
    compare as compare_pair, compare_text_pairs, compare_with_meaning, content,
    Comparison as Compared, PairContext, Prepared, Relation, Scores, Side, TextPair, Thresholds,
};
use unspun_ingest::{read_date, DateOrder};
use unspun_text::Span;

/// A passage both texts share (verbatim, small edits bridged).
///
/// `a` and `b` are `[start, end)` **byte** offsets into the UTF-8 encoding of
/// each text (what `scan`'s JSON output holds); `a_chars` and `b_chars` are
/// the same ranges in **characters**, for slicing the Python `str`:
/// `text_a[p.a_chars[0]:p.a_chars[1]] == p.a_text`.
#[pyclass(module = "unspun._unspun", frozen, get_all)]
#[derive(Clone)]
pub struct Passage {
    a: (u32, u32),
    b: (u32, u32),
    a_chars: (u32, u32),
    b_chars: (u32, u32),
    /// `"verbatim"` (later also `"paraphrase"`).
    kind: String,
    a_text: String,
    b_text: String,
}

#[pymethods]
impl Passage {
    fn __repr__(&self) -> String {
        format!(
            "Passage(kind={:?}, a={:?}, b={:?})",
            self.kind, self.a, self.b
        )
    }
}

/// How two texts relate.
#[pyclass(module = "unspun._unspun", frozen)]
pub struct Comparison {
    /// `duplicate`, `near_duplicate`, `containment`, `reuse`, `unrelated`,
    /// and with the meaning layer `paraphrase` or `same_story`.
    #[pyo3(get)]
    relation: String,
    /// `"a"` or `"b"`: the side the other was copied from, where the
    /// evidence (dates, or containment) says; else `None`.
    #[pyo3(get)]
    source: Option<String>,
    /// The scores as JSON (see the `scores` getter).
    scores: String,
    #[pyo3(get)]
    passages: Vec<Passage>,
    /// `"not_english"` when a text is not English prose, so the meaning
    /// layer was not applied; `"empty"` when a text has no words; else `None`.
    #[pyo3(get)]
    note: Option<String>,
    /// The pair record (`scan`'s pair fields without `a` and `b`).
    record: Record,
}

#[pymethods]
impl Comparison {
    /// `lexical`, `containment_a_in_b`, `containment_b_in_a`, `coverage_a`,
    /// `coverage_b` in 0..1, rounded as in `scan`'s output, and the meaning
    /// layer's scores (`None` where it did not run): the `scores` of pairs.jsonl.
    #[getter]
    fn scores<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py.import("json")?
            .call_method1("loads", (self.scores.as_str(),))
    }

    /// The pair as `scan` writes it in pairs.jsonl, without the ids:
    /// `relation`, `source`, `scores`, `passages` (byte offsets).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        record_to_py(py, &self.record)
    }

    fn __repr__(&self) -> String {
        format!(
            "Comparison(relation={:?}, source={:?}, scores={}, passages={})",
            self.relation,
            self.source,
            self.scores,
            self.passages.len()
        )
    }
}

/// A comparison as pairs.jsonl has it: optional ids, then the fields in the
/// CLI's order.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub a: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub b: Option<String>,
    pub relation: Relation,
    pub source: Option<Side>,
    pub scores: Scores,
    pub passages: Vec<unspun_compare::Passage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<unspun_compare::Note>,
}

impl Record {
    pub fn new(c: &Compared) -> Self {
        Record {
            a: None,
            b: None,
            relation: c.relation,
            source: c.source,
            scores: c.scores,
            passages: c.passages.clone(),
            note: c.note,
        }
    }
}

/// Compares two prepared texts with the default thresholds.
pub fn compare_spans(
    a: &str,
    ka: &[Span],
    b: &str,
    kb: &[Span],
    date_a: Option<&str>,
    date_b: Option<&str>,
) -> Compared {
    let (pa, pb) = (Prepared::new(a, ka), Prepared::new(b, kb));
    compare_pair(
        &pa,
        &pb,
        PairContext { date_a, date_b },
        &Thresholds::default(),
    )
}

/// Compares two texts as `unspun compare` does: boilerplate set aside
/// (unless `boilerplate=False`), exact shingle overlap, passages, relation.
/// Dates (read as `scan` reads a JSON Lines `date`: `YYYY-MM-DD`, ISO
/// date-times, `17 Mar 2023`...; `date_order="dmy"` or `"mdy"` for
/// `03/04/2023`; `ValueError` for one that is no date) decide the source
/// when they differ. `meaning=True`
/// (or a model folder) adds the meaning layer as the CLI's default does:
/// `paraphrase` and `same_story`, and the `semantic` and `story` scores.
#[pyfunction]
#[pyo3(signature = (a, b, *, date_a=None, date_b=None, boilerplate=true, meaning=None, date_order=None))]
// Each argument is a Python keyword argument.
#[allow(clippy::too_many_arguments)]
pub fn compare(
    py: Python<'_>,
    a: &str,
    b: &str,
    date_a: Option<&str>,
    date_b: Option<&str>,
    boilerplate: bool,
    meaning: Option<Bound<'_, PyAny>>,
    date_order: Option<&str>,
) -> PyResult<Comparison> {
    let order = date_order_of(date_order)?;
    let date_a = normalized_date("date_a", date_a, order)?;
    let date_b = normalized_date("date_b", date_b, order)?;
    let model = match &meaning {
        Some(arg) => crate::meaning::from_arg(py, arg, true)?,
        None => None,
    };
    let c = py
        .allow_threads(|| {
            let (ka, kb) = (content(a, boilerplate), content(b, boilerplate));
            let (pa, pb) = (Prepared::new(a, &ka), Prepared::new(b, &kb));
            let ctx = PairContext {
                date_a: date_a.as_deref(),
                date_b: date_b.as_deref(),
            };
            compare_with_meaning(&pa, &pb, ctx, &Thresholds::default(), model.as_deref())
        })
        .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
    comparison_of(a, b, &c)
}

/// Compares many pairs as `unspun compare --pairs` does: on all threads,
/// with the meaning layer's model batched across pairs (much faster than a
/// `compare` per pair). `pairs` holds `(a, b)` tuples or dicts with `"a"`,
/// `"b"` and optionally `"date_a"`, `"date_b"` (read as `compare` reads
/// them, with `date_order`); the results are in their order.
#[pyfunction]
#[pyo3(signature = (pairs, *, boilerplate=true, meaning=None, date_order=None))]
pub fn compare_many(
    py: Python<'_>,
    pairs: &Bound<'_, PyAny>,
    boilerplate: bool,
    meaning: Option<Bound<'_, PyAny>>,
    date_order: Option<&str>,
) -> PyResult<Vec<Comparison>> {
    let order = date_order_of(date_order)?;
    let model = match &meaning {
        Some(arg) => crate::meaning::from_arg(py, arg, true)?,
        None => None,
    };
    let mut given: Vec<TextPair> = Vec::new();
    for (i, item) in pairs.try_iter()?.enumerate() {
        given.push(text_pair(&item?, order).map_err(|e| {
            PyValueError::new_err(format!(
                "pair {i}: {e} (give (a, b) or {{\"a\": ..., \"b\": ...}})"
            ))
        })?);
    }
    let compared = py
        .allow_threads(|| {
            compare_text_pairs(
                &given,
                boilerplate,
                &Thresholds::default(),
                model.as_deref(),
            )
        })
        .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
    given
        .iter()
        .zip(&compared)
        .map(|(p, c)| comparison_of(&p.a, &p.b, c))
        .collect()
}

/// One pair of `compare_many`: an `(a, b)` tuple or a dict.
fn text_pair(item: &Bound<'_, PyAny>, order: Option<DateOrder>) -> PyResult<TextPair> {
    if let Ok((a, b)) = item.extract::<(String, String)>() {
        return Ok(TextPair {
            a,
            b,
            ..TextPair::default()
        });
    }
    let dict = item.downcast::<PyDict>()?;
    let text = |key: &str| -> PyResult<String> {
        dict.get_item(key)?
            .ok_or_else(|| PyValueError::new_err(format!("no {key:?}")))?
            .extract()
    };
    let date = |key: &str| -> PyResult<Option<String>> {
        match dict.get_item(key)? {
            Some(v) if !v.is_none() => normalized_date(key, Some(&v.extract::<String>()?), order),
            _ => Ok(None),
        }
    };
    Ok(TextPair {
        a: text("a")?,
        b: text("b")?,
        date_a: date("date_a")?,
        date_b: date("date_b")?,
    })
}

/// `"dmy"`, `"mdy"` or `None`, as `scan` takes it.
fn date_order_of(given: Option<&str>) -> PyResult<Option<DateOrder>> {
    given
        .map(str::parse)
        .transpose()
        .map_err(PyValueError::new_err)
}

/// A date argument as `YYYY-MM-DD`; blank is none, and one that is no date
/// is refused with the reason `scan` would give.
fn normalized_date(
    field: &str,
    raw: Option<&str>,
    order: Option<DateOrder>,
) -> PyResult<Option<String>> {
    read_date(raw.unwrap_or(""), order)
        .map_err(|why| PyValueError::new_err(format!("{field}: {why}")))
}

/// The Python view of a comparison of `a` and `b`.
fn comparison_of(a: &str, b: &str, c: &Compared) -> PyResult<Comparison> {
    let record = Record::new(c);
    // Rounded as in the JSON output, through the same serializer.
    let scores =
        serde_json::to_string(&c.scores).map_err(|e| PyValueError::new_err(e.to_string()))?;
    let (ca, cb) = (CharOffsets::new(a), CharOffsets::new(b));
    let passages = c
        .passages
        .iter()
        .map(|p| Passage {
            a: span_tuple(p.a),
            b: span_tuple(p.b),
            a_chars: ca.span(p.a),
            b_chars: cb.span(p.b),
            kind: record_kind(&p.kind),
            a_text: a[p.a.range()].to_string(),
            b_text: b[p.b.range()].to_string(),
        })
        .collect();
    Ok(Comparison {
        relation: c.relation.as_str().to_string(),
        source: c.source.map(|s| side_name(&s)),
        scores,
        passages,
        note: c.note.map(|n| n.as_str().to_string()),
        record,
    })
}

fn record_kind(kind: &unspun_compare::PassageKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn side_name(side: &unspun_compare::Side) -> String {
    serde_json::to_value(side)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Verifies one candidate pair, as `scan`'s verify pass: returns the pair
/// record (`relation`, `source`, `scores`, `passages` with byte offsets), with
/// `relation == "unrelated"` when the pair is not related.
///
/// `kept_a` / `kept_b` are flat byte-offset lists `[s0, e0, ...]` of the
/// content (as `scan_sketch` gives them, cleaned with corpus statistics);
/// without them each text is cleaned on its own, as `compare` does.
#[pyfunction]
#[pyo3(signature = (text_a, text_b, date_a=None, date_b=None, kept_a=None, kept_b=None))]
pub fn verify<'py>(
    py: Python<'py>,
    text_a: &str,
    text_b: &str,
    date_a: Option<&str>,
    date_b: Option<&str>,
    kept_a: Option<Vec<u32>>,
    kept_b: Option<Vec<u32>>,
) -> PyResult<Bound<'py, PyAny>> {
    let ka = match kept_a {
        Some(flat) => spans_from_flat(&flat, text_a)?,
        None => content(text_a, true),
    };
    let kb = match kept_b {
        Some(flat) => spans_from_flat(&flat, text_b)?,
        None => content(text_b, true),
    };
    let c = py.allow_threads(|| compare_spans(text_a, &ka, text_b, &kb, date_a, date_b));
    record_to_py(py, &Record::new(&c))
}
