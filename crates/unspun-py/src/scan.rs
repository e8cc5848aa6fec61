//! `scan` over Python rows: the batch pipeline of `unspun scan`, in process.

use crate::convert::{record_to_py, records_to_py};
use crate::document::{document_from_row, Fields};
use crate::sketch::Sketcher;
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;
use unspun_ingest::{Problem, ProblemKind};
use unspun_scan::{
    scan_documents_with_meaning, scan_with_meaning, DedupOptions, Quiet, ScanOptions,
    ScanResult as Scanned,
};
use unspun_text::Document;

/// Documents read from rows, with the problems met (the CLI's kinds and
/// messages, sources named `<rows>:N` for row N counted from 1).
pub struct Rows {
    pub docs: Vec<Document>,
    pub problems: Vec<Problem>,
}

/// Renames later duplicate ids `id#2`, `id#3`, ... as the CLI's reader does.
#[derive(Default)]
pub struct IdNamer {
    last: HashMap<String, u32>,
}

impl IdNamer {
    /// The id to use and, when renamed, the CLI's warning.
    pub fn name(&mut self, id: String) -> (String, Option<String>) {
        let Some(&last) = self.last.get(&id) else {
            self.last.insert(id.clone(), 1);
            return (id, None);
        };
        let mut k = last;
        let renamed = loop {
            k += 1;
            let candidate = format!("{id}#{k}");
            if !self.last.contains_key(&candidate) {
                break candidate;
            }
        };
        self.last.insert(id.clone(), k);
        self.last.insert(renamed.clone(), 1);
        let message = format!("id `{id}` was already used; renamed to `{renamed}`");
        (renamed, Some(message))
    }
}

/// Reads every row; with `strict`, the first bad row raises `ValueError`.
pub fn read_rows(rows: &Bound<'_, PyAny>, fields: &Fields, strict: bool) -> PyResult<Rows> {
    let mut out = Rows {
        docs: Vec::new(),
        problems: Vec::new(),
    };
    let mut names = IdNamer::default();
    for (i, row) in rows.try_iter()?.enumerate() {
        let row = row?;
        let source = format!("<rows>:{}", i + 1);
        match document_from_row(&row, fields, &source, None)? {
            Ok((mut doc, warnings)) => {
                for (kind, msg) in warnings {
                    out.problems
                        .push(Problem::warning(source.clone(), kind, msg));
                }
                let (id, renamed) = names.name(std::mem::take(&mut doc.id));
                if let Some(msg) = renamed {
                    out.problems
                        .push(Problem::warning(source, ProblemKind::DuplicateId, msg));
                }
                doc.id = id;
                out.docs.push(doc);
            }
            Err(e) => {
                let problem = Problem::skip(source, e.0, e.1);
                if strict {
                    return Err(PyValueError::new_err(problem.to_string()));
                }
                out.problems.push(problem);
            }
        }
    }
    Ok(out)
}

/// The results of a scan: the records of documents.jsonl, pairs.jsonl and
/// families.jsonl as lists of dicts (same fields), and summary.json as a dict.
#[pyclass(module = "unspun._unspun", frozen)]
pub struct ScanResult {
    inner: Scanned,
    documents: OnceLock<Py<PyList>>,
    pairs: OnceLock<Py<PyList>>,
    families: OnceLock<Py<PyList>>,
    stories: OnceLock<Py<PyList>>,
}

fn cached<'py, T: serde::Serialize>(
    py: Python<'py>,
    cell: &OnceLock<Py<PyList>>,
    rows: &[T],
) -> PyResult<Bound<'py, PyList>> {
    if let Some(list) = cell.get() {
        return Ok(list.bind(py).clone());
    }
    let list = records_to_py(py, rows)?;
    // Another thread may have filled it meanwhile; either list is equal.
    let _ = cell.set(list.clone().unbind());
    Ok(list)
}

#[pymethods]
impl ScanResult {
    /// One dict per document, in input order: `id`, `path`, `title`, `url`,
    /// `date`, `site`, `removed` (byte ranges), `family`, `tokens`, `bytes`.
    #[getter]
    fn documents<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        cached(py, &self.documents, &self.inner.documents)
    }

    /// One dict per related pair: `a`, `b`, `relation`, `source`, `scores`,
    /// `passages` (byte offsets into each text).
    #[getter]
    fn pairs<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        cached(py, &self.pairs, &self.inner.pairs)
    }

    /// One dict per copy family: `id`, `size`, `members`, `original`,
    /// `edges` (which member was derived from which, with the evidence).
    #[getter]
    fn families<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        cached(py, &self.families, &self.inner.family_lines())
    }

    /// Which documents to keep so that each text is kept once, as `unspun
    /// dedup` decides: `{"kept": [ids, input order], "dropped": [{"id",
    /// "kept", "of", "relation", "lexical", "containment"}]}`. Duplicates
    /// and near-duplicates go for the earliest dated (then the longest;
    /// `keep="longest"` or `"first"` changes that); documents wholly inside
    /// a kept one go too, unless `keep_contained`.
    #[pyo3(signature = (*, keep="earliest", keep_contained=false))]
    fn dedup<'py>(
        &self,
        py: Python<'py>,
        keep: &str,
        keep_contained: bool,
    ) -> PyResult<Bound<'py, PyDict>> {
        let dropped = self.inner.dedup(DedupOptions {
            drop_contained: !keep_contained,
            keep: keep.parse().map_err(PyValueError::new_err)?,
        });
        let kept: Vec<&str> = self
            .inner
            .documents
            .iter()
            .zip(&dropped)
            .filter(|(_, why)| why.is_none())
            .map(|(d, _)| d.id.as_str())
            .collect();
        let out = PyDict::new(py);
        out.set_item("kept", PyList::new(py, kept)?)?;
        out.set_item(
            "dropped",
            records_to_py(py, &self.inner.dropped_records(&dropped))?,
        )?;
        Ok(out)
    }

    /// One dict per story (stories.jsonl): `id`, `size`, `members`, `title`,
    /// dates, `cohesion`, `families`, `original`, `edges`, `claims`.
    #[getter]
    fn stories<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        if let Some(list) = self.stories.get() {
            return Ok(list.bind(py).clone());
        }
        // The lines as stories.jsonl has them: claim texts come from the
        // scan's spool.
        let mut json = String::from("[");
        self.inner
            .for_each_story_line(|line| {
                if json.len() > 1 {
                    json.push(',');
                }
                json.push_str(&serde_json::to_string(line).map_err(std::io::Error::other)?);
                Ok(())
            })
            .map_err(|e| PyOSError::new_err(format!("reading the texts of the claims: {e}")))?;
        json.push(']');
        let list = py
            .import("json")?
            .call_method1("loads", (json,))?
            .downcast_into::<PyList>()?;
        let _ = self.stories.set(list.clone().unbind());
        Ok(list)
    }

    /// Counts, problems and seconds per pass (summary.json).
    #[getter]
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        record_to_py(py, &self.inner.summary)
    }

    /// Writes documents.jsonl, pairs.jsonl, families.jsonl and summary.json
    /// to `directory`, byte for byte as `unspun scan --out` would.
    fn write(&self, py: Python<'_>, directory: PathBuf) -> PyResult<()> {
        py.allow_threads(|| self.inner.write_to(&directory))
            .map_err(|e| {
                PyOSError::new_err(format!("writing results to {}: {e}", directory.display()))
            })
    }

    fn __repr__(&self) -> String {
        let s = &self.inner.summary;
        format!(
            "ScanResult(documents={}, pairs={}, families={})",
            s.documents, s.pairs, s.families
        )
    }
}

/// Scans documents given as dicts `{"id", "text", "title"?, "url"?, "date"?,
/// "site"?}` (any iterable), as `unspun scan` scans a JSON Lines file of the
/// same rows: boilerplate, sketches, LSH and anchor candidates, exact
/// verification, passages and copy families. A path, or a list of paths,
/// scans those files and folders as `unspun scan PATH...` does (text, HTML,
/// JSON Lines, JSON, CSV/TSV, WARC, compressed or not).
///
/// `meaning=True` adds the meaning layer as the CLI's default does
/// (`paraphrase`, `same_story`; the embedding model is fetched on first use),
/// a path names a model folder; the default `False` is `--no-meaning`.
/// `lead_tier=True` is `--lead-tier`: the story's lead tier, as `compare`
/// runs it, many times slower on a large corpus.
///
/// `errors="raise"` (default) raises `ValueError` on the first row that is not
/// a document (the CLI's message), or for files on the first input skipped;
/// `errors="skip"` skips it and lists it in `summary["problems"]`, as the CLI
/// does.
#[pyfunction]
// Each argument is a Python keyword argument.
#[allow(clippy::too_many_arguments)]
#[pyo3(signature = (documents, *, threshold=0.5, text_field="text", id_field="id", title_field="title", url_field="url", date_field="date", site_field="site", errors="raise", meaning=None, lead_tier=false, date_order=None))]
pub fn scan(
    py: Python<'_>,
    documents: &Bound<'_, PyAny>,
    threshold: f64,
    text_field: &str,
    id_field: &str,
    title_field: &str,
    url_field: &str,
    date_field: &str,
    site_field: &str,
    errors: &str,
    meaning: Option<Bound<'_, PyAny>>,
    lead_tier: bool,
    date_order: Option<&str>,
) -> PyResult<ScanResult> {
    let strict = match errors {
        "raise" => true,
        "skip" => false,
        other => {
            return Err(PyValueError::new_err(format!(
                "errors must be \"raise\" or \"skip\", got {other:?}"
            )))
        }
    };
    Sketcher::new(threshold, 1)?;
    let names = [
        text_field,
        id_field,
        title_field,
        url_field,
        date_field,
        site_field,
    ];
    let fields = Fields::named(names, date_order)?;
    let model = match &meaning {
        Some(arg) => crate::meaning::from_arg(py, arg, lead_tier)?,
        None => None,
    };
    let mut opts = ScanOptions {
        lsh_threshold: threshold,
        ..ScanOptions::default()
    };
    let result = if let Some(paths) = paths_in(documents) {
        opts.input.fields = fields.names;
        opts.input.date_order = fields.date_order;
        let result = py
            .allow_threads(|| scan_with_meaning(&paths, &opts, model.as_deref(), &Quiet))
            .map_err(|e| PyOSError::new_err(e.to_string()))?;
        let skipped = result.summary.problems.iter().find(|p| p.skipped);
        if let Some(problem) = skipped.filter(|_| strict) {
            return Err(PyValueError::new_err(format!(
                "{problem} (errors=\"skip\" scans the rest)"
            )));
        }
        result
    } else {
        let rows = read_rows(documents, &fields, strict)?;
        let mut result = py
            .allow_threads(|| {
                scan_documents_with_meaning(rows.docs, &opts, model.as_deref(), &Quiet)
            })
            .map_err(|e| PyOSError::new_err(e.to_string()))?;
        add_problems(&mut result, rows.problems);
        result
    };
    Ok(ScanResult {
        inner: result,
        documents: OnceLock::new(),
        pairs: OnceLock::new(),
        families: OnceLock::new(),
        stories: OnceLock::new(),
    })
}

/// The files to scan when `documents` names them: a path (`str` or
/// `os.PathLike`), or a list or tuple of paths only; `None` for rows.
fn paths_in(documents: &Bound<'_, PyAny>) -> Option<Vec<PathBuf>> {
    if let Ok(path) = documents.extract::<PathBuf>() {
        return Some(vec![path]);
    }
    let items: Vec<Bound<'_, PyAny>> = if let Ok(list) = documents.downcast::<PyList>() {
        list.iter().collect()
    } else if let Ok(tuple) = documents.downcast::<PyTuple>() {
        tuple.iter().collect()
    } else {
        return None;
    };
    if items.is_empty() {
        return None;
    }
    items
        .iter()
        .map(|item| item.extract::<PathBuf>().ok())
        .collect()
}

/// Counts the row problems into the summary as the CLI counts its own.
fn add_problems(result: &mut Scanned, problems: Vec<Problem>) {
    let s = &mut result.summary;
    for p in &problems {
        if p.skipped {
            s.skipped += 1;
            *s.skipped_by_kind.entry(p.kind.to_string()).or_default() += 1;
        } else {
            s.warnings += 1;
        }
    }
    s.problems.extend(problems);
}
