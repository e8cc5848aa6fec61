//! Provenance for the distributed scan: the derivation edge of one verified
//! pair, and the edges and original of one copy family. The single-machine
//! scan computes the same from the same functions of `unspun_cluster`.

use crate::compare::{compare_spans, Record};
use crate::convert::{record_to_py, spans_from_flat};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use std::collections::BTreeMap;
use unspun_cluster::provenance::derives;
use unspun_cluster::{derive_pair, drop_siblings, original, Derivation, DocMeta, Outlets, Profile};
use unspun_cluster::{story_weight, DedupDoc, DedupOptions, DedupPair, SharedText};
use unspun_compare::Relation;
use unspun_scan::{day_number, EdgeRecord, ScanOptions};
use unspun_text::Span;

/// Finds which side of a pair was derived from the other. Build it once
/// from the site (or URL) of every document of the corpus: outlets the
/// corpus names are recognised in attributions ("the BBC says").
#[pyclass(module = "unspun._unspun", frozen)]
pub struct Provenance {
    outlets: Outlets,
}

/// What `Provenance.verify` returns: the pair's record and, if one side
/// derives from the other, `(edge_dict, confidence, from_is_a)`.
type Verified<'py> = (Bound<'py, PyAny>, Option<(Bound<'py, PyAny>, f64, bool)>);

/// One side of a pair as `Provenance.verify` takes it:
/// `(id, text, kept, date, site, removed_bytes)`.
type SideIn = (
    String,
    String,
    Vec<u32>,
    Option<String>,
    Option<String>,
    usize,
);

#[pymethods]
impl Provenance {
    #[new]
    fn new(sites: Vec<String>) -> Self {
        Provenance {
            outlets: Outlets::new(sites.iter().map(String::as_str)),
        }
    }

    /// Verifies a pair as `unspun.verify` does and, when it shares text,
    /// derives its direction: returns `(record, edge)`, `edge` being `None`
    /// or `(edge_dict, confidence, from_is_a)` with `edge_dict` a line of a
    /// family's `edges` (`from`, `to`, `relation`, `confidence`, `evidence`).
    fn verify<'py>(&self, py: Python<'py>, a: SideIn, b: SideIn) -> PyResult<Verified<'py>> {
        let ka = spans_from_flat(&a.2, &a.1)?;
        let kb = spans_from_flat(&b.2, &b.1)?;
        let (c, derived) = py.allow_threads(|| {
            let c = compare_spans(&a.1, &ka, &b.1, &kb, a.3.as_deref(), b.3.as_deref());
            if !derives(c.relation) {
                return (c, None);
            }
            let (ma, mb) = (doc_meta(&a), doc_meta(&b));
            let (pa, pb) = (
                Profile::of(&a.1, &ma, &self.outlets),
                Profile::of(&b.1, &mb, &self.outlets),
            );
            let pair = SharedText::new(0, 1, &c);
            let d = derive_pair(&pair, (&ma, &pa, &a.1), (&mb, &pb, &b.1), &self.outlets);
            (c, d)
        });
        let record = record_to_py(py, &Record::new(&c))?;
        let edge = match derived {
            Some(d) => {
                let (confidence, a_is_source) = (d.confidence, d.from == 0);
                let name =
                    |i: u32| std::sync::Arc::from(if i == 0 { a.0.as_str() } else { b.0.as_str() });
                let e = EdgeRecord::new(d, name);
                Some((record_to_py(py, &e)?, confidence, a_is_source))
            }
            None => None,
        };
        Ok((record, edge))
    }
}

fn doc_meta(s: &SideIn) -> DocMeta<'_> {
    DocMeta::new(&s.0, s.3.as_deref(), s.4.as_deref(), s.5)
}

/// An edge as `family_provenance` takes it: `(from, to, confidence,
/// from_spans, to_spans)`, the spans flat `[s0, e0, ...]` byte offsets of
/// each side of the passages the two share.
type EdgeIn = (u32, u32, f64, Vec<u32>, Vec<u32>);

/// The derivation edges of one copy family and its original, as `scan`
/// decides them: `members` are the family's input positions, `edges` every
/// derivation edge into a member (from anywhere: a common parent outside
/// the family can explain what two members share). Returns `(original,
/// kept)`: the original's position or `None`, and the indices into `edges`
/// of the edges the family keeps (both ends inside), by (from, to).
#[pyfunction]
pub fn family_provenance(members: Vec<u32>, edges: Vec<EdgeIn>) -> (Option<u32>, Vec<usize>) {
    let to_spans = |flat: &[u32]| -> Vec<Span> {
        flat.chunks_exact(2)
            .map(|c| Span::new(c[0] as usize, c[1] as usize))
            .collect()
    };
    let mut spans: BTreeMap<(u32, u32), Vec<Span>> = BTreeMap::new();
    let mut index: BTreeMap<(u32, u32), usize> = BTreeMap::new();
    let derived: Vec<Derivation> = edges
        .iter()
        .enumerate()
        .map(|(k, (from, to, confidence, from_spans, to_spans_flat))| {
            spans.insert((*from, *to), to_spans(from_spans));
            spans.insert((*to, *from), to_spans(to_spans_flat));
            index.insert((*from, *to), k);
            Derivation {
                from: *from,
                to: *to,
                // Neither sibling pruning nor the original looks at it.
                relation: Relation::Reuse,
                confidence: *confidence,
                evidence: Vec::new(),
            }
        })
        .collect();
    let kept = drop_siblings(derived, |doc, other| {
        spans.get(&(doc, other)).cloned().unwrap_or_default()
    });
    let inside: std::collections::BTreeSet<u32> = members.iter().copied().collect();
    let mut within: Vec<&Derivation> = kept
        .iter()
        .filter(|d| inside.contains(&d.from) && inside.contains(&d.to))
        .collect();
    within.sort_by_key(|d| (d.from, d.to));
    let root = original(&members, within.iter().copied());
    let chosen = within
        .iter()
        .filter_map(|d| index.get(&(d.from, d.to)).copied())
        .collect();
    (root, chosen)
}

/// A link as `story_groups` takes it: `(a, b, relation, story)`, `a` and
/// `b` indices into the group's documents, `story` the pair's story score
/// (`None` without the meaning layer).
type LinkIn = (u32, u32, String, Option<f64>);

/// The stories among a group of documents (one connected component of
/// related pairs: stories never cross components), as `scan` builds them:
/// average linkage over the pairs' story weights, within the date window.
/// `ids` and `dates` describe the documents, in input order. Returns
/// `(members, story_id, cohesion)` per story of two or more, by first member.
#[pyfunction]
pub fn story_groups(
    ids: Vec<String>,
    dates: Vec<Option<String>>,
    links: Vec<LinkIn>,
) -> PyResult<Vec<(Vec<u32>, String, f64)>> {
    let names: Vec<&str> = ids.iter().map(String::as_str).collect();
    let days: Vec<Option<i64>> = dates
        .iter()
        .map(|d| d.as_deref().and_then(day_number))
        .collect();
    let mut edges = Vec::with_capacity(links.len());
    for (a, b, relation, story) in links {
        let relation = relation_named(&relation)?;
        edges.push(unspun_cluster::StoryEdge {
            a,
            b,
            weight: story_weight(relation, story),
        });
    }
    let opts = ScanOptions::default();
    let params = unspun_cluster::StoryParams {
        min_linkage: opts.story_min_linkage,
        window_days: opts.story_window_days,
    };
    Ok(unspun_cluster::stories(&names, &days, &edges, &params)
        .into_iter()
        .map(|s| (s.members, s.id, s.cohesion))
        .collect())
}

/// A relation by its name in the JSON output.
fn relation_named(name: &str) -> PyResult<Relation> {
    serde_json::from_value(serde_json::Value::String(name.to_string()))
        .map_err(|_| PyValueError::new_err(format!("unknown relation {name:?}")))
}

/// A dropped document for Python: `(kept, of, relation, pair)`.
type DroppedOut = (u32, u32, &'static str, usize);

/// One pair for [`dedup_group`]: `(a, b, relation, containment_a_in_b,
/// containment_b_in_a)`, documents by index.
type DedupPairIn = (u32, u32, String, f64, f64);

/// Which documents of a group to keep so that each text is kept once, by
/// the rule of `unspun dedup` (see `unspun_cluster::dedup`). `dates` and
/// `content_bytes` (text length, boilerplate aside) describe the documents;
/// returns, per document, `None` to keep it or `(kept, of, relation, pair)`:
/// the kept document with its text, the one its pair links it to, and that
/// pair's index. The Spark job runs it per copy family.
#[pyfunction]
#[pyo3(signature = (dates, content_bytes, pairs, *, keep="earliest", keep_contained=false))]
pub fn dedup_group(
    dates: Vec<Option<String>>,
    content_bytes: Vec<usize>,
    pairs: Vec<DedupPairIn>,
    keep: &str,
    keep_contained: bool,
) -> PyResult<Vec<Option<DroppedOut>>> {
    if dates.len() != content_bytes.len() {
        return Err(PyValueError::new_err(format!(
            "dates and content_bytes differ in length ({} and {})",
            dates.len(),
            content_bytes.len()
        )));
    }
    let docs: Vec<DedupDoc> = dates
        .iter()
        .zip(&content_bytes)
        .map(|(d, &bytes)| DedupDoc {
            day: d.as_deref().and_then(day_number),
            content_bytes: bytes,
        })
        .collect();
    let mut parsed = Vec::with_capacity(pairs.len());
    for (a, b, relation, a_in_b, b_in_a) in pairs {
        parsed.push(DedupPair {
            a,
            b,
            relation: relation_named(&relation)?,
            containment_a_in_b: a_in_b,
            containment_b_in_a: b_in_a,
        });
    }
    let opts = DedupOptions {
        drop_contained: !keep_contained,
        keep: keep.parse().map_err(PyValueError::new_err)?,
    };
    Ok(unspun_cluster::dedup(&docs, &parsed, opts)
        .into_iter()
        .map(|d| d.map(|d| (d.kept, d.of, d.relation.as_str(), d.pair)))
        .collect())
}
