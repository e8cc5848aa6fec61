//! A disk cache of full-model sentence vectors, so that repeated evaluations
//! and calibrations embed each dev sentence once (MiniLM runs at about a
//! hundred sentences per second here; the dev sets hold some 30,000).
//!
//! Format: `UNSPUNV1`, the dimension (u32 LE), the count (u64 LE), then per
//! vector its sentence key (u64 LE) and its values (f32 LE). Deleting the
//! file is always safe.

use crate::EvalError;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use unspun_compare::Meaning;
use unspun_embed::DIM;

const MAGIC: &[u8; 8] = b"UNSPUNV1";

/// Where `unspun eval` keeps the vectors (relative to the working
/// directory, like the generated bench corpora).
pub fn default_path() -> PathBuf {
    PathBuf::from("target/meaning-cache/all-MiniLM-L6-v2.vectors")
}

/// Loads the vectors at `path` into `meaning`'s cache; a missing or
/// unreadable file loads nothing. Returns how many were loaded.
pub fn load(path: &Path, meaning: &Meaning) -> usize {
    let Ok(bytes) = std::fs::read(path) else {
        return 0;
    };
    let entries = parse(&bytes).unwrap_or_default();
    let n = entries.len();
    meaning.preload(entries);
    n
}

fn parse(bytes: &[u8]) -> Option<Vec<(u64, Arc<[f32]>)>> {
    let header = bytes.get(..20)?;
    if &header[..8] != MAGIC || u32::from_le_bytes(header[8..12].try_into().ok()?) as usize != DIM {
        return None;
    }
    let count = u64::from_le_bytes(header[12..20].try_into().ok()?) as usize;
    let record = 8 + 4 * DIM;
    let body = bytes.get(20..)?;
    if body.len() != count.checked_mul(record)? {
        return None;
    }
    Some(
        body.chunks_exact(record)
            .map(|r| {
                let key = u64::from_le_bytes(r[..8].try_into().unwrap_or_default());
                let v: Vec<f32> = r[8..]
                    .chunks_exact(4)
                    .map(|c| f32::from_le_bytes(c.try_into().unwrap_or_default()))
                    .collect();
                (key, Arc::from(v))
            })
            .collect(),
    )
}

/// Writes every vector in `meaning`'s cache to `path` (atomically).
pub fn save(path: &Path, meaning: &Meaning) -> Result<(), EvalError> {
    let io = |source| EvalError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut entries = meaning.cached_vectors();
    entries.sort_unstable_by_key(|(k, _)| *k);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let mut out = Vec::with_capacity(20 + entries.len() * (8 + 4 * DIM));
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(DIM as u32).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u64).to_le_bytes());
    for (k, v) in &entries {
        out.extend_from_slice(&k.to_le_bytes());
        for x in v.iter() {
            out.extend_from_slice(&x.to_le_bytes());
        }
    }
    let tmp = path.with_extension("partial");
    let mut f = std::fs::File::create(&tmp).map_err(io)?;
    f.write_all(&out).map_err(io)?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(io)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn rejects_foreign_and_truncated_files() {
        assert!(parse(b"not a cache").is_none());
        let mut ok = Vec::new();
        ok.extend_from_slice(MAGIC);
        ok.extend_from_slice(&(DIM as u32).to_le_bytes());
        ok.extend_from_slice(&1u64.to_le_bytes());
        ok.extend_from_slice(&9u64.to_le_bytes());
        for i in 0..DIM {
            ok.extend_from_slice(&(i as f32).to_le_bytes());
        }
        let parsed = parse(&ok).unwrap();
        assert_eq!(parsed.len(), 1);
        assert_eq!(parsed[0].0, 9);
        assert_eq!(parsed[0].1[3], 3.0);
        assert!(parse(&ok[..ok.len() - 1]).is_none());
    }
}
