//! Cleaning and sketching one text, exactly as `unspun scan`'s sketch pass
//! does, plus the per-document pieces the Spark job distributes.

use crate::convert::{as_signed, span_tuple, spans_to_flat, CharOffsets};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use unspun_scan::ScanOptions;
use unspun_sketch::{anchors, shingles, AnchorParams, LshParams, MinHasher, Signature};
use unspun_text::boilerplate::{clean, line_keys, site_key, Cleaned as TextCleaned, LineStats};
use unspun_text::Span;

/// The MinHash seed of `unspun scan` (unspun-scan's sketch pass). Band keys
/// are only comparable between runs with the same seed; the Spark test checks
/// that the two pipelines agree.
pub const MINHASH_SEED: u64 = 0x005e_ed0f_0a11;

/// Signature, LSH and anchor settings, from a threshold and a length.
#[derive(Debug, Clone)]
pub struct Sketcher {
    pub hasher: MinHasher,
    pub lsh: LshParams,
    pub anchors: AnchorParams,
    pub max_bucket: usize,
}

impl Sketcher {
    /// Same validation and message as `unspun scan --threshold`.
    pub fn new(threshold: f64, bins: usize) -> PyResult<Self> {
        if !(threshold > 0.0 && threshold <= 1.0) {
            return Err(PyValueError::new_err(format!(
                "--threshold must be in (0, 1], got {threshold}"
            )));
        }
        if bins == 0 {
            return Err(PyValueError::new_err("bins must be at least 1"));
        }
        let defaults = ScanOptions::default();
        Ok(Sketcher {
            hasher: MinHasher::new(bins, MINHASH_SEED),
            lsh: LshParams::for_threshold(threshold, bins),
            anchors: defaults.anchors,
            max_bucket: defaults.max_bucket,
        })
    }

    pub fn sketch(
        &self,
        text: &str,
        stats: Option<&LineStats>,
        site: Option<&str>,
        boilerplate: bool,
    ) -> Sketched {
        let cleaned = if boilerplate {
            clean(text, stats, site)
        } else {
            TextCleaned {
                kept: vec![Span::new(0, text.len())],
                tokens: unspun_text::tokenize(text),
                ..Default::default()
            }
        };
        let sh = shingles(&cleaned.tokens);
        let signature = self.hasher.sketch(&sh);
        let band_keys = signature
            .as_ref()
            .map(|s| self.lsh.band_keys(s))
            .unwrap_or_default();
        Sketched {
            anchors: anchors(&sh, &self.anchors),
            shingles: sh.len(),
            tokens: cleaned.tokens.len(),
            kept: cleaned.kept,
            removed: cleaned.removed,
            title: cleaned.title,
            signature,
            band_keys,
        }
    }
}

/// Everything the sketch pass learns about one text.
pub struct Sketched {
    pub kept: Vec<Span>,
    pub removed: Vec<Span>,
    pub title: Option<Span>,
    pub tokens: usize,
    pub shingles: usize,
    pub signature: Option<Signature>,
    pub band_keys: Vec<u64>,
    pub anchors: Vec<u32>,
}

/// Content and boilerplate of a text, as byte ranges into it (and the same
/// ranges in characters, for slicing the Python `str`).
#[pyclass(module = "unspun._unspun", frozen, get_all)]
pub struct Cleaned {
    /// Content lines, `[start, end)` byte offsets into the UTF-8 text.
    kept: Vec<(u32, u32)>,
    /// Boilerplate set aside, `[start, end)` byte offsets.
    removed: Vec<(u32, u32)>,
    /// `kept` as character offsets (`text[start:end]` in Python).
    kept_chars: Vec<(u32, u32)>,
    /// `removed` as character offsets.
    removed_chars: Vec<(u32, u32)>,
    /// The headline line, if one was recognized.
    title: Option<String>,
    /// Its byte range.
    title_span: Option<(u32, u32)>,
    /// Number of content tokens.
    tokens: usize,
    /// The content lines joined with newlines.
    content: String,
}

#[pymethods]
impl Cleaned {
    fn __repr__(&self) -> String {
        let title = self
            .title
            .as_deref()
            .map_or("None".to_string(), |t| format!("{t:?}"));
        format!(
            "Cleaned(kept={} lines, removed={} ranges, title={title}, tokens={})",
            self.kept.len(),
            self.removed.len(),
            self.tokens
        )
    }
}

/// Splits a text into content and boilerplate (site chrome, teasers, captions).
///
/// `site` enables nothing by itself here; it matters when corpus statistics
/// are known (as in `scan`), where short lines repeated on one site go.
#[pyfunction]
#[pyo3(name = "clean", signature = (text, *, site=None))]
pub fn clean_text(py: Python<'_>, text: &str, site: Option<&str>) -> Cleaned {
    let c = py.allow_threads(|| clean(text, None, site));
    let chars = CharOffsets::new(text);
    let content = c
        .kept
        .iter()
        .map(|s| &text[s.range()])
        .collect::<Vec<_>>()
        .join("\n");
    Cleaned {
        kept: c.kept.iter().map(|&s| span_tuple(s)).collect(),
        removed: c.removed.iter().map(|&s| span_tuple(s)).collect(),
        kept_chars: c.kept.iter().map(|&s| chars.span(s)).collect(),
        removed_chars: c.removed.iter().map(|&s| chars.span(s)).collect(),
        title: c.title.map(|s| text[s.range()].to_string()),
        title_span: c.title.map(span_tuple),
        tokens: c.tokens.len(),
        content,
    }
}

/// A text's MinHash signature and the keys `scan` indexes it by.
#[pyclass(module = "unspun._unspun", frozen, get_all)]
pub struct Sketch {
    /// One-permutation MinHash, one unsigned 32-bit value per bin (empty for
    /// a text without words).
    signature: Vec<u32>,
    /// One unsigned 64-bit key per LSH band.
    band_keys: Vec<u64>,
    /// Containment anchors: sorted, distinct, unsigned 32-bit.
    anchors: Vec<u32>,
    /// Content tokens and 3-word shingles the signature was made from.
    tokens: usize,
    shingles: usize,
    /// LSH shape: `bands * rows <= len(signature)`.
    bands: usize,
    rows: usize,
}

#[pymethods]
impl Sketch {
    /// Estimated Jaccard similarity with another sketch (share of equal bins).
    fn jaccard(&self, other: &Sketch) -> f64 {
        Signature(self.signature.clone()).jaccard(&Signature(other.signature.clone()))
    }

    fn __repr__(&self) -> String {
        format!(
            "Sketch(bins={}, bands={}x{}, anchors={}, tokens={})",
            self.signature.len(),
            self.bands,
            self.rows,
            self.anchors.len(),
            self.tokens
        )
    }
}

/// Sketches a text as `scan` does: boilerplate set aside (unless
/// `boilerplate=False`), 3-word shingles, MinHash, LSH band keys, anchors.
#[pyfunction]
#[pyo3(signature = (text, *, site=None, threshold=0.5, bins=128, boilerplate=true))]
pub fn sketch(
    py: Python<'_>,
    text: &str,
    site: Option<&str>,
    threshold: f64,
    bins: usize,
    boilerplate: bool,
) -> PyResult<Sketch> {
    let sk = Sketcher::new(threshold, bins)?;
    let s = py.allow_threads(|| sk.sketch(text, None, site, boilerplate));
    Ok(Sketch {
        signature: s.signature.map(|s| s.0).unwrap_or_default(),
        band_keys: s.band_keys,
        anchors: s.anchors,
        tokens: s.tokens,
        shingles: s.shingles,
        bands: sk.lsh.bands,
        rows: sk.lsh.rows,
    })
}

/// Corpus counts of a document's repeated short lines: `(key, documents)`
/// pairs for the global table and for the per-site table (keys as given by
/// [`doc_line_keys`]). Only the document's own keys are needed.
type LineCounts = (Vec<(i64, u32)>, Vec<(i64, u32)>);

fn stats_of(counts: Option<LineCounts>) -> Option<LineStats> {
    let (global, by_site) = counts?;
    let mut stats = LineStats::new();
    stats
        .global
        .extend(global.into_iter().map(|(k, n)| (k as u64, n)));
    stats
        .by_site
        .extend(by_site.into_iter().map(|(k, n)| (k as u64, n)));
    Some(stats)
}

/// The distinct short-line keys of a text, and the same keys combined with
/// its site (empty without a site), as signed 64-bit integers (Spark longs).
///
/// Counting in how many documents each key occurs, over a corpus, gives the
/// boilerplate statistics `scan` uses; pass a document's counts back as
/// `line_counts` to `signature_and_keys` or `scan_sketch`.
#[pyfunction]
#[pyo3(name = "line_keys", signature = (text, site=None))]
pub fn doc_line_keys(text: &str, site: Option<&str>) -> (Vec<i64>, Vec<i64>) {
    let mut keys = line_keys(text);
    keys.sort_unstable();
    keys.dedup();
    let with_site = match site {
        Some(s) => {
            let sk = site_key(s);
            keys.iter().map(|k| k ^ sk).collect()
        }
        None => Vec::new(),
    };
    (as_signed(&keys), as_signed(&with_site))
}

/// `(band_keys, anchors, n_tokens)` of one document, as `scan` computes them:
/// band keys as signed 64-bit integers (Spark longs), anchors as unsigned
/// 32-bit. `line_counts` are the corpus counts of its short lines (see
/// `line_keys`); without them no line is removed for repetition.
#[pyfunction]
#[pyo3(signature = (text, *, site=None, line_counts=None, threshold=0.5, bins=128))]
pub fn signature_and_keys(
    py: Python<'_>,
    text: &str,
    site: Option<&str>,
    line_counts: Option<LineCounts>,
    threshold: f64,
    bins: usize,
) -> PyResult<(Vec<i64>, Vec<u32>, usize)> {
    let sk = Sketcher::new(threshold, bins)?;
    let stats = stats_of(line_counts);
    let s = py.allow_threads(|| sk.sketch(text, stats.as_ref(), site, true));
    Ok((as_signed(&s.band_keys), s.anchors, s.tokens))
}

/// The sketch pass of `scan` for one document, for distributed runs:
/// `(band_keys, anchors, n_tokens, kept, removed, title)` where `kept` is the
/// flat byte-offset list `[s0, e0, s1, e1, ...]` that `verify` takes back,
/// `removed` a list of `[start, end]` byte ranges and `title` the headline.
#[pyfunction]
#[pyo3(signature = (text, *, site=None, line_counts=None, threshold=0.5, bins=128))]
#[allow(clippy::type_complexity)]
pub fn scan_sketch(
    py: Python<'_>,
    text: &str,
    site: Option<&str>,
    line_counts: Option<LineCounts>,
    threshold: f64,
    bins: usize,
) -> PyResult<(
    Vec<i64>,
    Vec<u32>,
    usize,
    Vec<u32>,
    Vec<[u32; 2]>,
    Option<String>,
)> {
    let sk = Sketcher::new(threshold, bins)?;
    let stats = stats_of(line_counts);
    let s = py.allow_threads(|| sk.sketch(text, stats.as_ref(), site, true));
    let title = s.title.map(|t| text[t.range()].to_string());
    let removed = s.removed.iter().map(|r| [r.start, r.end]).collect();
    Ok((
        as_signed(&s.band_keys),
        s.anchors,
        s.tokens,
        spans_to_flat(&s.kept),
        removed,
        title,
    ))
}

/// The settings of a scan, as a dict: MinHash bins, LSH `bands` x `rows`
/// (derived from `threshold`), `max_bucket`, and the anchor criteria
/// (`anchor_min_shared`, `anchor_min_containment`, `anchor_min_shared_reuse`,
/// `anchor_max_posting`). A distributed scan must apply exactly these.
#[pyfunction]
#[pyo3(signature = (*, threshold=0.5, bins=128))]
pub fn scan_params(py: Python<'_>, threshold: f64, bins: usize) -> PyResult<Bound<'_, PyDict>> {
    params_dict(py, &Sketcher::new(threshold, bins)?)
}

pub fn params_dict<'py>(py: Python<'py>, s: &Sketcher) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    let a = &s.anchors;
    d.set_item("bins", s.hasher.bins())?;
    d.set_item("bands", s.lsh.bands)?;
    d.set_item("rows", s.lsh.rows)?;
    d.set_item("max_bucket", s.max_bucket)?;
    d.set_item("anchor_sample_bits", a.sample_bits)?;
    d.set_item("anchor_min_shared", a.min_shared)?;
    d.set_item("anchor_min_containment", a.min_containment)?;
    d.set_item("anchor_min_shared_reuse", a.min_shared_reuse)?;
    d.set_item("anchor_max_posting", a.max_posting)?;
    Ok(d)
}
