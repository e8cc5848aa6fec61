//! The meaning layer (sentence embeddings), loaded once per model folder and
//! shared by every call: loading the model costs far more than one pair.

use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::PyBool;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use unspun_compare::Meaning;

/// Loaded models by folder and whether the story's lead tier runs.
type Loaded = HashMap<(Option<PathBuf>, bool), Arc<Meaning>>;

static LOADED: Mutex<Option<Loaded>> = Mutex::new(None);

/// What `meaning=` asks for: `False` (lexical only), `True` (the model in the
/// default cache, fetched on first use, as the CLI does) or a model folder.
pub fn requested(arg: &Bound<'_, PyAny>) -> PyResult<Option<Option<PathBuf>>> {
    if let Ok(b) = arg.downcast::<PyBool>() {
        return Ok(b.is_true().then_some(None));
    }
    if arg.is_none() {
        return Ok(None);
    }
    match arg.extract::<PathBuf>() {
        Ok(dir) => Ok(Some(Some(dir))),
        Err(_) => Err(PyTypeError::new_err(
            "meaning must be True, False or a model folder path",
        )),
    }
}

/// Loads (or reuses) the model; the GIL is released while it loads. The
/// lead tier of the story score (the full model on two documents' leads
/// where the first tier is unsure) runs in `compare`; `scan` runs it only
/// when asked, as the CLI does: on a corpus it costs many times the scan.
pub fn load(py: Python<'_>, dir: Option<PathBuf>, lead_tier: bool) -> PyResult<Arc<Meaning>> {
    let mut loaded = LOADED.lock().unwrap_or_else(|e| e.into_inner());
    let table = loaded.get_or_insert_with(HashMap::new);
    let key = (dir, lead_tier);
    if let Some(m) = table.get(&key) {
        return Ok(m.clone());
    }
    let dir = key.0.clone();
    let mut m = py
        .allow_threads(|| Meaning::load(dir.as_deref()))
        .map_err(|e| {
            PyRuntimeError::new_err(format!(
                "{e}\n(use meaning=False to run on lexical evidence alone)"
            ))
        })?;
    if !lead_tier {
        m.calibration.turn_off_lead_tier();
    }
    let m = Arc::new(m);
    table.insert(key, m.clone());
    Ok(m)
}

/// `load` for an optional request.
pub fn from_arg(
    py: Python<'_>,
    arg: &Bound<'_, PyAny>,
    lead_tier: bool,
) -> PyResult<Option<Arc<Meaning>>> {
    requested(arg)?
        .map(|dir| load(py, dir, lead_tier))
        .transpose()
}
