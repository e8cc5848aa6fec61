//! Helpers shared by the integration tests.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use unspun_ingest::{read_inputs, InputOptions, Item, Problem, ProblemKind};
use unspun_text::Document;

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn read_all<P: AsRef<Path>>(inputs: &[P], opts: &InputOptions) -> Vec<Item> {
    let inputs: Vec<PathBuf> = inputs.iter().map(|p| p.as_ref().to_path_buf()).collect();
    let mut items = Vec::new();
    read_inputs(&inputs, opts, &mut |item| items.push(item)).unwrap();
    items
}

pub fn docs(items: &[Item]) -> Vec<&Document> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Document(d) => Some(d),
            Item::Problem(_) => None,
        })
        .collect()
}

pub fn problems(items: &[Item]) -> Vec<&Problem> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Problem(p) => Some(p),
            Item::Document(_) => None,
        })
        .collect()
}

/// A compact trace of items: `doc ID` or `KIND SOURCE (skipped|warning)`,
/// with `base` removed from sources so that assertions read well.
pub fn trace(items: &[Item], base: &str) -> Vec<String> {
    items
        .iter()
        .map(|i| match i {
            Item::Document(d) => format!("doc {}", d.id),
            Item::Problem(p) => format!(
                "{} {} {}",
                p.kind,
                p.source.strip_prefix(base).unwrap_or(&p.source),
                if p.skipped { "skipped" } else { "warning" }
            ),
        })
        .collect()
}

pub fn kinds(items: &[Item]) -> Vec<ProblemKind> {
    problems(items).iter().map(|p| p.kind).collect()
}
