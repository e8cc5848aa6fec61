//! Line-by-line reading of the JSONL data files, with errors that name the
//! file and line.

use crate::EvalError;
use serde::de::DeserializeOwned;
use std::io::{BufRead, BufReader};
use std::path::Path;

/// Calls `f(line_number, row)` for every non-blank line of `path`, streaming
/// (a bench corpus can be larger than memory).
pub(crate) fn for_each<T: DeserializeOwned>(
    path: &Path,
    mut f: impl FnMut(usize, T) -> Result<(), EvalError>,
) -> Result<(), EvalError> {
    let io = |source| EvalError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut reader = BufReader::with_capacity(1 << 20, std::fs::File::open(path).map_err(io)?);
    let mut line = Vec::new();
    let mut number = 0;
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).map_err(io)? == 0 {
            return Ok(());
        }
        number += 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let row = serde_json::from_slice(&line).map_err(|e| EvalError::Parse {
            path: path.to_path_buf(),
            line: number,
            message: e.to_string(),
        })?;
        f(number, row)?;
    }
}

/// All rows of a small JSONL file.
pub(crate) fn read_all<T: DeserializeOwned>(path: &Path) -> Result<Vec<(usize, T)>, EvalError> {
    let mut rows = Vec::new();
    for_each(path, |line, row| {
        rows.push((line, row));
        Ok(())
    })?;
    Ok(rows)
}
