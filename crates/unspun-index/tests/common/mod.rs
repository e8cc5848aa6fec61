//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use unspun_ingest::{read_inputs, InputOptions, Item};
use unspun_text::Document;

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The five seed articles, read as `unspun scan` reads them.
pub fn seeds() -> Vec<Document> {
    read(&workspace().join("tests/fixtures/seeds"))
}

pub fn read(path: &Path) -> Vec<Document> {
    let mut docs = Vec::new();
    read_inputs(
        &[path.to_path_buf()],
        &InputOptions::default(),
        &mut |item| {
            if let Item::Document(d) = item {
                docs.push(d);
            }
        },
    )
    .unwrap();
    docs
}

/// `make_corpus.py --docs N --seed S` into `dir`, or `None` (with a message)
/// when ../shared is not there.
pub fn bench_corpus(dir: &Path, docs: usize, seed: u64) -> Option<PathBuf> {
    let script = workspace().join("../shared/bench/make_corpus.py");
    if !script.exists() {
        eprintln!(
            "SKIPPED: {} is missing (no ../shared checkout)",
            script.display()
        );
        return None;
    }
    let out = dir.join("corpus.jsonl");
    let file = std::fs::File::create(&out).unwrap();
    let status = std::process::Command::new("python3")
        .arg(&script)
        .args(["--docs", &docs.to_string(), "--seed", &seed.to_string()])
        .stdout(file)
        .status()
        .unwrap();
    assert!(status.success(), "make_corpus.py failed");
    Some(out)
}

/// Pairs (index or scan records) as JSON, keyed by their `(a, b)` ids.
pub fn by_ids<T: serde::Serialize>(
    pairs: impl IntoIterator<Item = T>,
) -> BTreeMap<(String, String), serde_json::Value> {
    pairs
        .into_iter()
        .map(|p| {
            let v = serde_json::to_value(&p).unwrap();
            let id = |k: &str| v[k].as_str().unwrap().to_string();
            ((id("a"), id("b")), v)
        })
        .collect()
}

/// Adds `docs` one by one; the pairs the adds returned, by `(a, b)`.
pub fn add_all(
    index: &unspun_index::Index,
    docs: Vec<Document>,
) -> BTreeMap<(String, String), serde_json::Value> {
    by_ids(docs.into_iter().flat_map(|d| index.add(d).unwrap().pairs))
}
