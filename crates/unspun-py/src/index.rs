//! A streaming index: documents arrive one at a time, each is checked against
//! everything before it.
//!
//! Candidates come as in `scan`: a shared LSH band key, or shared anchors that
//! pass the same containment criteria (`AnchorParams`); each candidate is
//! verified exactly and aligned. Differences from a batch scan, which sees the
//! whole corpus first: texts are cleaned without corpus line statistics (they
//! do not exist yet), and the size limits on buckets and anchor postings apply
//! to their size when the document arrives.

use crate::compare::{compare_spans, Record};
use crate::convert::records_to_py;
use crate::document::{document_from_row, Fields};
use crate::scan::IdNamer;
use crate::sketch::{params_dict, Sketcher};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use unspun_cluster::families;
use unspun_compare::{Comparison, Relation, Side};
use unspun_scan::FamilyRecord;
use unspun_text::{Document, Span};

struct Entry {
    id: String,
    text: String,
    kept: Vec<Span>,
    date: Option<String>,
    /// Anchor count, capped as in the batch candidate finder.
    anchors: u16,
}

/// A copy relation found so far, for families.
struct CopyEdge {
    a: u32,
    b: u32,
    source: Option<u32>,
}

/// An in-memory index of documents for near-duplicate, containment and
/// reuse queries.
#[pyclass(module = "unspun._unspun")]
pub struct Index {
    sketcher: Sketcher,
    docs: Vec<Entry>,
    names: IdNamer,
    /// One table per LSH band: key -> documents, in arrival order.
    bands: Vec<HashMap<u64, Vec<u32>>>,
    /// Anchor -> documents, in arrival order.
    postings: HashMap<u32, Vec<u32>>,
    copies: Vec<CopyEdge>,
}

/// A pair as pairs.jsonl has it; `b` is null for an anonymous query.
#[derive(serde::Serialize)]
struct IndexPair {
    a: String,
    b: Option<String>,
    #[serde(flatten)]
    rest: Record,
}

/// What one query found: related earlier documents with their comparisons.
type Found = Vec<(u32, Comparison)>;

impl Index {
    /// Candidates for a sketched text, by the criteria of `scan`.
    fn candidates(&self, band_keys: &[u64], anchors: &[u32], adding: bool) -> Vec<u32> {
        let mut out = Vec::new();
        for (band, key) in band_keys.iter().enumerate() {
            let Some(bucket) = self.bands.get(band).and_then(|t| t.get(key)) else {
                continue;
            };
            if bucket.len() + usize::from(adding) > self.sketcher.max_bucket {
                // Huge buckets are chained, as in batch: link to the last only.
                out.extend(bucket.last());
            } else {
                out.extend_from_slice(bucket);
            }
        }
        let params = &self.sketcher.anchors;
        let mut shared: HashMap<u32, u32> = HashMap::new();
        for a in anchors {
            let Some(posting) = self.postings.get(a) else {
                continue;
            };
            if posting.len() + usize::from(adding) > params.max_posting {
                continue;
            }
            for &d in posting {
                *shared.entry(d).or_default() += 1;
            }
        }
        let mine = anchors.len().min(u16::MAX as usize);
        for (d, n) in shared {
            let smaller = mine.min(self.docs[d as usize].anchors as usize).max(1);
            let contained =
                n >= params.min_shared && n as f32 >= params.min_containment * smaller as f32;
            if contained || n >= params.min_shared_reuse {
                out.push(d);
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Sketches and verifies `text` against the index; nothing is added.
    fn find(
        &self,
        py: Python<'_>,
        text: &str,
        site: Option<&str>,
        date: Option<&str>,
        adding: bool,
    ) -> (Vec<Span>, Vec<u64>, Vec<u32>, Found) {
        py.allow_threads(|| {
            let s = self.sketcher.sketch(text, None, site, true);
            let cands = self.candidates(&s.band_keys, &s.anchors, adding);
            let found: Found = cands
                .par_iter()
                .filter_map(|&d| {
                    let e = &self.docs[d as usize];
                    let c = compare_spans(&e.text, &e.kept, text, &s.kept, e.date.as_deref(), date);
                    (c.relation != Relation::Unrelated).then_some((d, c))
                })
                .collect();
            (s.kept, s.band_keys, s.anchors, found)
        })
    }

    /// Pair dicts (pairs.jsonl fields), the earlier document as `a`.
    fn pairs_to_py<'py>(
        &self,
        py: Python<'py>,
        b_id: Option<&str>,
        found: &Found,
    ) -> PyResult<Bound<'py, PyList>> {
        let records: Vec<IndexPair> = found
            .iter()
            .map(|(d, c)| IndexPair {
                a: self.docs[*d as usize].id.clone(),
                b: b_id.map(str::to_string),
                rest: Record::new(c),
            })
            .collect();
        records_to_py(py, &records)
    }

    fn insert(
        &mut self,
        doc: Document,
        kept: Vec<Span>,
        band_keys: Vec<u64>,
        anchors: Vec<u32>,
        found: &Found,
    ) {
        let me = self.docs.len() as u32;
        if self.bands.len() < band_keys.len() {
            self.bands.resize_with(band_keys.len(), HashMap::new);
        }
        for (band, key) in band_keys.into_iter().enumerate() {
            self.bands[band].entry(key).or_default().push(me);
        }
        for &a in &anchors {
            self.postings.entry(a).or_default().push(me);
        }
        for (d, c) in found.iter().filter(|(_, c)| c.relation.is_copy()) {
            let source = match c.source {
                Some(Side::A) => Some(*d),
                Some(Side::B) => Some(me),
                None => None,
            };
            self.copies.push(CopyEdge {
                a: *d,
                b: me,
                source,
            });
        }
        let anchors = anchors.len().min(u16::MAX as usize) as u16;
        self.docs.push(Entry {
            id: doc.id,
            text: doc.text,
            kept,
            date: doc.date,
            anchors,
        });
    }
}

#[pymethods]
impl Index {
    /// An empty index; `threshold` is the Jaccard similarity LSH is tuned to.
    #[new]
    #[pyo3(signature = (*, threshold=0.5, bins=128))]
    fn new(threshold: f64, bins: usize) -> PyResult<Self> {
        Ok(Index {
            sketcher: Sketcher::new(threshold, bins)?,
            docs: Vec::new(),
            names: IdNamer::default(),
            bands: Vec::new(),
            postings: HashMap::new(),
            copies: Vec::new(),
        })
    }

    /// Adds a document (a dict like a `scan` row: `id`, `text`, `title`?,
    /// `url`?, `date`?, `site`?) and returns its related pairs with the
    /// documents already indexed, as pair dicts (`a` the earlier one).
    /// A repeated id is renamed `id#2`, ... as `scan` does.
    fn add<'py>(
        &mut self,
        py: Python<'py>,
        document: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let fallback = format!("<index>:{}", self.docs.len() + 1);
        let (mut doc, _) = document_from_row(document, &Fields::default(), &fallback, None)?
            .map_err(|e| PyValueError::new_err(e.1))?;
        let (id, _) = self.names.name(std::mem::take(&mut doc.id));
        doc.id = id;
        let (kept, keys, anchors, found) = self.find(
            py,
            &doc.text,
            doc.site.as_deref(),
            doc.date.as_deref(),
            true,
        );
        let pairs = self.pairs_to_py(py, Some(&doc.id), &found)?;
        self.insert(doc, kept, keys, anchors, &found);
        Ok(pairs)
    }

    /// Adds many documents in order; returns all their related pairs.
    fn extend<'py>(
        &mut self,
        py: Python<'py>,
        documents: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let all = PyList::empty(py);
        for doc in documents.try_iter()? {
            for pair in self.add(py, &doc?)?.iter() {
                all.append(pair)?;
            }
        }
        Ok(all)
    }

    /// The indexed documents related to `text`, without adding it: pair dicts
    /// with `a` the indexed document and `b` set to `id` (or `None`).
    #[pyo3(signature = (text, *, id=None, date=None, site=None))]
    fn query<'py>(
        &self,
        py: Python<'py>,
        text: &str,
        id: Option<&str>,
        date: Option<&str>,
        site: Option<&str>,
    ) -> PyResult<Bound<'py, PyList>> {
        let date = date.and_then(unspun_ingest::normalize_date);
        let (_, _, _, found) = self.find(py, text, site, date.as_deref(), false);
        self.pairs_to_py(py, id, &found)
    }

    /// Copy families among the documents added so far (families.jsonl fields).
    fn families<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let ids: Vec<&str> = self.docs.iter().map(|d| d.id.as_str()).collect();
        let fams = families(&ids, self.copies.iter().map(|e| (e.a, e.b)));
        let mut family_of: HashMap<u32, usize> = HashMap::new();
        for (f, fam) in fams.iter().enumerate() {
            family_of.extend(fam.members.iter().map(|&m| (m, f)));
        }
        let mut votes: Vec<BTreeMap<u32, usize>> = vec![BTreeMap::new(); fams.len()];
        for src in self.copies.iter().filter_map(|e| e.source) {
            if let Some(&f) = family_of.get(&src) {
                *votes[f].entry(src).or_default() += 1;
            }
        }
        let records: Vec<FamilyRecord> = fams
            .iter()
            .zip(&votes)
            .map(|(f, v)| FamilyRecord {
                id: f.id.clone(),
                size: f.members.len(),
                members: f
                    .members
                    .iter()
                    .map(|&m| ids[m as usize].to_string())
                    .collect(),
                original: v
                    .iter()
                    .max_by_key(|(doc, n)| (**n, std::cmp::Reverse(**doc)))
                    .map(|(doc, _)| ids[*doc as usize].to_string()),
            })
            .collect();
        records_to_py(py, &records)
    }

    /// The ids of the indexed documents, in arrival order.
    fn ids(&self) -> Vec<String> {
        self.docs.iter().map(|d| d.id.clone()).collect()
    }

    fn __len__(&self) -> usize {
        self.docs.len()
    }

    fn __contains__(&self, id: &str) -> bool {
        self.docs.iter().any(|d| d.id == id)
    }

    fn __repr__(&self) -> String {
        format!(
            "Index(documents={}, bands={}x{})",
            self.docs.len(),
            self.sketcher.lsh.bands,
            self.sketcher.lsh.rows
        )
    }

    /// Settings, for reproducibility: threshold-derived LSH shape and the
    /// anchor criteria shared with `scan`.
    fn params<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        params_dict(py, &self.sketcher)
    }
}
