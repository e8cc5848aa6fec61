//! `unspun._unspun`: the Python binding of unspun, imported as `unspun`.
//!
//! A thin layer over the core crates: it converts Python values in and out
//! and releases the GIL around the work; every decision (cleaning, sketches,
//! candidates, relations, families) is made by the same code as the CLI.
//! Records come out with the field names of `scan`'s JSON Lines output.

mod compare;
mod convert;
mod document;
mod index;
mod meaning;
mod provenance;
mod scan;
mod sketch;

use crate::document::{document_from_row, Fields};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Reads one row (a dict) by the rules `scan` applies to a JSON Lines row:
/// returns a dict `id`, `text`, `title`, `url`, `date`, `site`, or raises
/// `ValueError` with the CLI's message for a row that is not a document.
/// `fallback_id` names a row without an id (the CLI uses `file:LINE`).
#[pyfunction]
// Each argument is a Python keyword argument.
#[allow(clippy::too_many_arguments)]
#[pyo3(name = "document", signature = (row, *, fallback_id, text_field="text", id_field="id", title_field="title", url_field="url", date_field="date", site_field="site", date_order=None))]
fn read_document<'py>(
    py: Python<'py>,
    row: &Bound<'py, PyAny>,
    fallback_id: &str,
    text_field: &str,
    id_field: &str,
    title_field: &str,
    url_field: &str,
    date_field: &str,
    site_field: &str,
    date_order: Option<&str>,
) -> PyResult<Bound<'py, PyDict>> {
    let names = [
        text_field,
        id_field,
        title_field,
        url_field,
        date_field,
        site_field,
    ];
    let fields = Fields::named(names, date_order)?;
    let (doc, _) = document_from_row(row, &fields, fallback_id, None)?
        .map_err(|e| PyValueError::new_err(e.1))?;
    let d = PyDict::new(py);
    d.set_item("id", doc.id)?;
    d.set_item("text", doc.text)?;
    d.set_item("title", doc.title)?;
    d.set_item("url", doc.url)?;
    d.set_item("date", doc.date)?;
    d.set_item("site", doc.site)?;
    Ok(d)
}

/// The id of the copy family whose smallest member id is `doc_id`
/// (`f-` and 12 hex digits), as `scan` names families.
#[pyfunction]
fn family_id(doc_id: &str) -> String {
    unspun_cluster::families::family_id(doc_id)
}

#[pymodule]
fn _unspun(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<sketch::Cleaned>()?;
    m.add_class::<sketch::Sketch>()?;
    m.add_class::<compare::Comparison>()?;
    m.add_class::<compare::Passage>()?;
    m.add_class::<scan::ScanResult>()?;
    m.add_class::<index::Index>()?;
    m.add_class::<provenance::Provenance>()?;
    m.add_function(wrap_pyfunction!(sketch::clean_text, m)?)?;
    m.add_function(wrap_pyfunction!(sketch::sketch, m)?)?;
    m.add_function(wrap_pyfunction!(sketch::doc_line_keys, m)?)?;
    m.add_function(wrap_pyfunction!(sketch::signature_and_keys, m)?)?;
    m.add_function(wrap_pyfunction!(sketch::scan_sketch, m)?)?;
    m.add_function(wrap_pyfunction!(sketch::scan_params, m)?)?;
    m.add_function(wrap_pyfunction!(compare::compare, m)?)?;
    m.add_function(wrap_pyfunction!(compare::compare_many, m)?)?;
    m.add_function(wrap_pyfunction!(compare::verify, m)?)?;
    m.add_function(wrap_pyfunction!(scan::scan, m)?)?;
    m.add_function(wrap_pyfunction!(read_document, m)?)?;
    m.add_function(wrap_pyfunction!(family_id, m)?)?;
    m.add_function(wrap_pyfunction!(provenance::family_provenance, m)?)?;
    m.add_function(wrap_pyfunction!(provenance::story_groups, m)?)?;
    m.add_function(wrap_pyfunction!(provenance::dedup_group, m)?)?;
    Ok(())
}
