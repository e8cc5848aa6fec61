//! PAN 2013 text alignment: how well do unspun's verbatim passages find the
//! gold plagiarism cases? Scored with PAN's plagdet (see [`mod@crate::plagdet`]).

use crate::plagdet::{plagdet, Annotation, PairAnnotations, PlagdetScores};
use crate::{jsonl, EvalError, ThresholdValues};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use unspun_compare::{compare, PairContext, Prepared, Relation, Thresholds};

#[derive(Deserialize)]
struct Row {
    susp: String,
    src: String,
    cases: Vec<Case>,
}

/// Character offsets, as PAN gives them.
#[derive(Deserialize)]
struct Case {
    susp_offset: usize,
    susp_length: usize,
    src_offset: usize,
    src_length: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct PanReport {
    pub pairs: usize,
    pub thresholds: ThresholdValues,
    /// Every verbatim passage counts as a detection, whatever the relation:
    /// the quality of the alignment itself.
    pub alignment: PlagdetScores,
    /// Only passages of pairs with a relation (not `unrelated`), the ones a
    /// scan would report: alignment and thresholds together.
    pub reported: PlagdetScores,
    /// Pairs by relation.
    pub relations: BTreeMap<Relation, usize>,
    /// Pairs with no gold case, and the passages found in them (all false).
    pub pairs_without_cases: usize,
    pub detections_without_cases: usize,
}

/// Evaluates alignment on `dir/pairs.jsonl` with texts in `dir/docs/`. Each
/// suspicious document is compared (as `a`) with its source (as `b`) whole,
/// without boilerplate removal: PAN texts are not web pages, and gold offsets
/// point into the whole text. Texts are read lossily (the copy was re-encoded
/// and may hold stray bytes); passage byte offsets become character offsets.
pub fn pan(dir: &Path, th: &Thresholds) -> Result<PanReport, EvalError> {
    let rows: Vec<(usize, Row)> = jsonl::read_all(&dir.join("pairs.jsonl"))?;
    let docs = dir.join("docs");
    let results: Vec<Result<(Relation, PairAnnotations), EvalError>> = rows
        .par_iter()
        .map(|(line, row)| {
            let susp = read_doc(&docs, &row.susp, *line)?;
            let src = read_doc(&docs, &row.src, *line)?;
            let c = compare(
                &Prepared::whole(&susp),
                &Prepared::whole(&src),
                PairContext::default(),
                th,
            );
            let detections = c
                .passages
                .iter()
                .map(|p| Annotation {
                    susp: char_index(&susp, p.a.start as usize)
                        ..char_index(&susp, p.a.end as usize),
                    src: char_index(&src, p.b.start as usize)..char_index(&src, p.b.end as usize),
                })
                .collect();
            let cases = row
                .cases
                .iter()
                .map(|k| Annotation {
                    susp: k.susp_offset..k.susp_offset + k.susp_length,
                    src: k.src_offset..k.src_offset + k.src_length,
                })
                .collect();
            Ok((c.relation, PairAnnotations { cases, detections }))
        })
        .collect();
    let mut all = Vec::with_capacity(results.len());
    let mut relations = BTreeMap::new();
    for r in results {
        let (relation, pair) = r?;
        *relations.entry(relation).or_default() += 1;
        all.push((relation, pair));
    }
    let without_cases: Vec<&PairAnnotations> = all
        .iter()
        .map(|(_, p)| p)
        .filter(|p| p.cases.is_empty())
        .collect();
    let reported: Vec<PairAnnotations> = all
        .iter()
        .map(|(r, p)| PairAnnotations {
            cases: p.cases.clone(),
            detections: if *r == Relation::Unrelated {
                Vec::new()
            } else {
                p.detections.clone()
            },
        })
        .collect();
    let pairs: Vec<PairAnnotations> = all.iter().map(|(_, p)| p.clone()).collect();
    Ok(PanReport {
        pairs: pairs.len(),
        thresholds: (*th).into(),
        alignment: plagdet(&pairs),
        reported: plagdet(&reported),
        relations,
        pairs_without_cases: without_cases.len(),
        detections_without_cases: without_cases.iter().map(|p| p.detections.len()).sum(),
    })
}

fn read_doc(docs: &Path, name: &str, line: usize) -> Result<String, EvalError> {
    // Names come from the data file: keep them inside docs/.
    if name.is_empty() || name.contains(['/', '\\']) || name == ".." {
        return Err(EvalError::Parse {
            path: docs.join("..").join("pairs.jsonl"),
            line,
            message: format!("bad document name {name:?}"),
        });
    }
    let path = docs.join(name);
    let bytes = std::fs::read(&path).map_err(|source| EvalError::Io { path, source })?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Character index of byte offset `byte` (passages start and end on
/// character boundaries; offsets past the end give the character count).
fn char_index(text: &str, byte: usize) -> usize {
    if text.is_ascii() {
        return byte.min(text.len());
    }
    text.char_indices().take_while(|(i, _)| *i < byte).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_offsets_become_char_offsets() {
        let text = "a\u{FFFD}bc"; // U+FFFD takes 3 bytes
        assert_eq!(char_index(text, 0), 0);
        assert_eq!(char_index(text, 1), 1);
        assert_eq!(char_index(text, 4), 2);
        assert_eq!(char_index(text, 6), 4);
        assert_eq!(char_index("abc", 2), 2);
    }
}
