//! Provenance: which document was derived from which.
//!
//! Every pair that shares text (a copy relation, reuse or paraphrase) is a
//! candidate derivation. Its clues ([`crate::evidence`]) add up as log-odds
//! into a direction and a confidence; pairs whose clues do not agree enough
//! get no edge. Two copies of one source share text too, and often look
//! derived from each other: an edge between siblings is dropped when both
//! have the same parent and what they share lies inside what each took from
//! it.
//!
//! Texts are read back a block of pairs at a time, in parallel; nothing of
//! them stays in memory past their block.

use crate::attribution::Outlets;
use crate::evidence::{evidence, side_spans, DocMeta, Evidence, Profile, Side};
use crate::spin::{spin_of, SpinText};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use unspun_compare::{Comparison, Passage, Relation, Scores};
use unspun_text::Span;

/// Reads document `i`'s text back (from the scan's spool, or memory).
pub type TextOf<'a> = &'a (dyn Fn(u32) -> std::io::Result<String> + Sync);

/// Least total log-odds for an edge: a confidence of 0.6.
const MIN_LOG_ODDS: f64 = 0.405;
/// Share of the text two siblings share that must lie inside what each took
/// from the common parent for their own edge to be dropped.
const EXPLAINED: f64 = 0.5;

/// A related pair as the compare stage found it.
#[derive(Debug, Clone, Copy)]
pub struct SharedText<'a> {
    pub a: u32,
    pub b: u32,
    pub relation: Relation,
    pub scores: &'a Scores,
    pub passages: &'a [Passage],
}

impl<'a> SharedText<'a> {
    /// Documents `a` and `b` as the comparison `c` found them.
    pub fn new(a: u32, b: u32, c: &'a Comparison) -> SharedText<'a> {
        SharedText {
            a,
            b,
            relation: c.relation,
            scores: &c.scores,
            passages: &c.passages,
        }
    }
}

/// `to` was derived from `from`.
#[derive(Debug, Clone, PartialEq)]
pub struct Derivation {
    pub from: u32,
    pub to: u32,
    pub relation: Relation,
    /// 0.6..1: the probability of this direction the clues give.
    pub confidence: f64,
    /// Clues, weights for this direction (negative ones pointed the other way).
    pub evidence: Vec<Evidence>,
}

/// Relations that say one text was made from the other.
pub fn derives(r: Relation) -> bool {
    r.is_copy() || matches!(r, Relation::Reuse | Relation::Paraphrase)
}

/// Derivation edges among `docs` from the pairs that share text, ordered by
/// (from, to).
pub fn derive(
    docs: &[DocMeta],
    pairs: &[SharedText],
    text: TextOf,
) -> std::io::Result<Vec<Derivation>> {
    let mut candidates: Vec<&SharedText> = pairs
        .iter()
        .filter(|p| derives(p.relation) && p.a != p.b && docs.len() > p.a.max(p.b) as usize)
        .collect();
    candidates.sort_by_key(|p| (p.a, p.b));
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let outlets = Outlets::new(docs.iter().filter_map(|d| d.site));
    // Profiles are small (the mentions of outlets): one per document, kept.
    let involved: BTreeSet<u32> = candidates.iter().flat_map(|p| [p.a, p.b]).collect();
    let profiles: BTreeMap<u32, Profile> = involved
        .into_par_iter()
        .map(|i| {
            let t = text(i)?;
            Ok((i, Profile::of(&t, &docs[i as usize], &outlets)))
        })
        .collect::<std::io::Result<_>>()?;
    // Blocks follow connected groups of pairs, so that a text is read and
    // split into words in as few blocks as possible (in input order, a
    // document's pairs spread over many blocks)...
    let by_group =
        crate::unionfind::connected_order(candidates.clone(), docs.len(), |p| (p.a, p.b));
    let mut derived: Vec<Derivation> = Vec::new();
    for block in by_group.chunks(BLOCK_PAIRS) {
        derived.extend(derive_block(docs, block, text, &profiles, &outlets)?);
    }
    // ...and the derivations return to the pairs' order.
    derived.sort_by_key(|d| (d.from.min(d.to), d.from.max(d.to)));
    let passages: BTreeMap<(u32, u32), &[Passage]> = candidates
        .iter()
        .map(|p| ((p.a, p.b), p.passages))
        .collect();
    // `doc`'s side of what it shares with `other`.
    let spans_of = |doc: u32, other: u32| -> Vec<Span> {
        let key = (doc.min(other), doc.max(other));
        passages
            .get(&key)
            .map(|ps| side_spans(ps, doc < other))
            .unwrap_or_default()
    };
    let mut kept = drop_siblings(derived, spans_of);
    kept.sort_by_key(|d| (d.from, d.to));
    Ok(kept)
}

/// Pairs decided together: each text of a block is read and split into
/// words once, however many of its pairs the block holds; only one block's
/// texts are in memory at a time.
const BLOCK_PAIRS: usize = 4096;

/// The derivations of one block of candidate pairs.
fn derive_block(
    docs: &[DocMeta],
    block: &[&SharedText],
    text: TextOf,
    profiles: &BTreeMap<u32, Profile>,
    outlets: &Outlets,
) -> std::io::Result<Vec<Derivation>> {
    let mut involved: Vec<u32> = block.iter().flat_map(|p| [p.a, p.b]).collect();
    involved.sort_unstable();
    involved.dedup();
    let texts: Vec<String> = involved
        .par_iter()
        .map(|&i| text(i))
        .collect::<std::io::Result<_>>()?;
    let spins: Vec<SpinText> = texts.par_iter().map(|t| SpinText::of(t)).collect();
    // Every document of the block is in `involved`.
    let at = |d: u32| involved.binary_search(&d).ok();
    let derived = block
        .par_iter()
        .filter_map(|p| {
            let (i, j) = (at(p.a)?, at(p.b)?);
            let (pa, pb) = (profiles.get(&p.a)?, profiles.get(&p.b)?);
            let side_a = (&docs[p.a as usize], pa, texts[i].as_str());
            let side_b = (&docs[p.b as usize], pb, texts[j].as_str());
            derive_read(p, (side_a, &spins[i]), (side_b, &spins[j]), outlets)
        })
        .collect();
    // Freed on the workers that made them, not one by one on this thread.
    spins.into_par_iter().for_each(drop);
    texts.into_par_iter().for_each(drop);
    Ok(derived)
}

/// One side of a pair for [`derive_pair`]: metadata, profile and text.
pub type PairSide<'a> = (&'a DocMeta<'a>, &'a Profile, &'a str);

/// The derivation edge the clues of one pair give, if they agree enough.
/// `outlets` must be built from the sites of the whole corpus.
pub fn derive_pair(
    p: &SharedText,
    a: PairSide,
    b: PairSide,
    outlets: &Outlets,
) -> Option<Derivation> {
    derive_read(p, (a, &SpinText::of(a.2)), (b, &SpinText::of(b.2)), outlets)
}

/// [`derive_pair`] with each side's text already read for spin (a text in
/// many pairs is read once).
fn derive_read(
    p: &SharedText,
    (a, spin_a): (PairSide, &SpinText),
    (b, spin_b): (PairSide, &SpinText),
    outlets: &Outlets,
) -> Option<Derivation> {
    let sa = Side {
        meta: a.0,
        profile: a.1,
        text: a.2,
        shared: side_spans(p.passages, true),
        coverage: p.scores.coverage_a,
    };
    let sb = Side {
        meta: b.0,
        profile: b.1,
        text: b.2,
        shared: side_spans(p.passages, false),
        coverage: p.scores.coverage_b,
    };
    let s = spin_of(spin_a, spin_b, p.passages);
    decide(p, evidence(&sa, &sb, p.relation, &s, outlets))
}

/// The direction the clues of a pair add up to, if they agree enough.
fn decide(p: &SharedText, mut clues: Vec<Evidence>) -> Option<Derivation> {
    let total: f64 = clues.iter().map(|e| e.weight).sum();
    if total.abs() < MIN_LOG_ODDS {
        return None;
    }
    let (from, to) = if total > 0.0 { (p.a, p.b) } else { (p.b, p.a) };
    if total < 0.0 {
        clues.iter_mut().for_each(|e| e.weight = -e.weight);
    }
    clues.sort_by(|x, y| y.weight.total_cmp(&x.weight).then(x.kind.cmp(&y.kind)));
    Some(Derivation {
        from,
        to,
        relation: p.relation,
        confidence: 1.0 / (1.0 + (-total.abs()).exp()),
        evidence: clues,
    })
}

/// Bytes of `spans` covered by `by` (both sorted or not; small lists).
fn covered_share(spans: &[Span], by: &[Span]) -> f64 {
    let total: usize = spans.iter().map(Span::len).sum();
    if total == 0 {
        return 0.0;
    }
    let inside: usize = spans
        .iter()
        .map(|s| {
            by.iter()
                .map(|b| (s.end.min(b.end) as usize).saturating_sub(s.start.max(b.start) as usize))
                .sum::<usize>()
        })
        .sum();
    inside.min(total) as f64 / total as f64
}

/// Drops `x → y` when a common parent `z` (`z → x`, `z → y`) explains what
/// the two share. `spans_of(doc, other)` is `doc`'s side of the passages it
/// shares with `other`; it is asked only of pairs that have an edge.
pub fn drop_siblings(
    derived: Vec<Derivation>,
    spans_of: impl Fn(u32, u32) -> Vec<Span>,
) -> Vec<Derivation> {
    let mut parents: BTreeMap<u32, BTreeSet<u32>> = BTreeMap::new();
    for d in &derived {
        parents.entry(d.to).or_default().insert(d.from);
    }
    let no_parents = BTreeSet::new();
    let parents_of = |x: u32| parents.get(&x).unwrap_or(&no_parents);
    let explained = |x: u32, y: u32, z: u32| {
        covered_share(&spans_of(x, y), &spans_of(x, z)) >= EXPLAINED
            && covered_share(&spans_of(y, x), &spans_of(y, z)) >= EXPLAINED
    };
    derived
        .into_iter()
        .filter(|d| {
            let (x, y) = (d.from, d.to);
            !parents_of(x)
                .intersection(parents_of(y))
                .any(|&z| z != x && z != y && explained(x, y, z))
        })
        .collect()
}

/// The edges inside each group: for every group (`group_of[doc]`, `groups`
/// of them), the indices of the edges with both ends in it. One pass, so
/// that thousands of groups do not each scan every edge.
pub fn edges_by_group(
    edges: &[Derivation],
    group_of: &[Option<usize>],
    groups: usize,
) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); groups];
    let of = |d: u32| group_of.get(d as usize).copied().flatten();
    for (k, e) in edges.iter().enumerate() {
        if let (Some(g), Some(h)) = (of(e.from), of(e.to)) {
            if g == h && g < groups {
                out[g].push(k);
            }
        }
    }
    out
}

/// The original among `members`: the root of their derivation edges that
/// reaches most of them (then the most confident, then the first). Edges
/// with an end outside `members` are ignored.
pub fn original<'a>(
    members: &[u32],
    edges: impl IntoIterator<Item = &'a Derivation>,
) -> Option<u32> {
    let inside: BTreeSet<u32> = members.iter().copied().collect();
    let within: Vec<&Derivation> = edges
        .into_iter()
        .filter(|d| inside.contains(&d.from) && inside.contains(&d.to))
        .collect();
    if within.is_empty() {
        return None;
    }
    let mut children: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    let mut has_parent = BTreeSet::new();
    let mut out_confidence: BTreeMap<u32, f64> = BTreeMap::new();
    for d in &within {
        children.entry(d.from).or_default().push(d.to);
        has_parent.insert(d.to);
        *out_confidence.entry(d.from).or_default() += d.confidence;
    }
    let reach = |root: u32| {
        let mut seen = BTreeSet::from([root]);
        let mut stack = vec![root];
        while let Some(x) = stack.pop() {
            for &c in children.get(&x).map(Vec::as_slice).unwrap_or_default() {
                if seen.insert(c) {
                    stack.push(c);
                }
            }
        }
        seen.len()
    };
    let sent = |x: u32| out_confidence.get(&x).copied().unwrap_or(0.0);
    let roots: Vec<u32> = children
        .keys()
        .copied()
        .filter(|x| !has_parent.contains(x))
        .collect();
    // Every source also copied (a cycle of clues): take the best sender.
    let pool = if roots.is_empty() {
        children.keys().copied().collect()
    } else {
        roots
    };
    pool.into_iter().max_by(|&x, &y| {
        reach(x)
            .cmp(&reach(y))
            .then(sent(x).total_cmp(&sent(y)))
            .then(y.cmp(&x))
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::evidence::EvidenceKind;
    use unspun_compare::{compare, Comparison, PairContext, Prepared, Thresholds};

    const REPORT: &str = "China's President Xi Jinping will travel to Moscow next week to hold talks with Russian President Vladimir Putin, officials say. \
        The Kremlin said they would discuss a comprehensive partnership and strategic co-operation. \
        The visit comes as Beijing, an ally of Russia, has offered proposals to end the war in Ukraine, to which the West has given a lukewarm reception. \
        Western countries have warned Beijing against supplying Moscow with weapons. \
        This will be President Xi's first visit to Russia since Russian troops invaded Ukraine.";

    struct Corpus {
        texts: Vec<String>,
        meta: Vec<(String, Option<&'static str>, Option<i64>)>,
        compared: Vec<(u32, u32, Comparison)>,
    }

    impl Corpus {
        fn new(docs: &[(&str, &str, Option<&'static str>, Option<i64>)]) -> Corpus {
            let texts: Vec<String> = docs.iter().map(|d| d.1.to_string()).collect();
            let mut compared = Vec::new();
            for i in 0..texts.len() {
                for j in i + 1..texts.len() {
                    let c = compare(
                        &Prepared::whole(&texts[i]),
                        &Prepared::whole(&texts[j]),
                        PairContext::default(),
                        &Thresholds::default(),
                    );
                    compared.push((i as u32, j as u32, c));
                }
            }
            Corpus {
                texts,
                meta: docs.iter().map(|d| (d.0.to_string(), d.2, d.3)).collect(),
                compared,
            }
        }

        fn derive(&self) -> Vec<Derivation> {
            let meta: Vec<DocMeta> = self
                .meta
                .iter()
                .map(|(id, date, day)| DocMeta {
                    id,
                    date: *date,
                    day: *day,
                    site: None,
                    removed_bytes: 0,
                })
                .collect();
            let shared: Vec<SharedText> = self
                .compared
                .iter()
                .map(|(a, b, c)| SharedText::new(*a, *b, c))
                .collect();
            let read = |i: u32| Ok(self.texts[i as usize].clone());
            derive(&meta, &shared, &read).unwrap()
        }
    }

    fn edges(d: &[Derivation]) -> Vec<(u32, u32)> {
        d.iter().map(|e| (e.from, e.to)).collect()
    }

    #[test]
    fn the_earlier_date_is_the_source() {
        let c = Corpus::new(&[
            ("late", REPORT, Some("2023-03-18"), Some(20)),
            ("early", REPORT, Some("2023-03-17"), Some(19)),
        ]);
        let d = c.derive();
        assert_eq!(edges(&d), vec![(1, 0)]);
        assert_eq!(d[0].evidence[0].kind, EvidenceKind::Date);
        assert!(d[0].confidence > 0.85, "{d:?}");
    }

    #[test]
    fn the_whole_is_the_source_of_its_part() {
        let part = REPORT
            .split(". ")
            .skip(1)
            .take(3)
            .collect::<Vec<_>>()
            .join(". ");
        let c = Corpus::new(&[("part", &part, None, None), ("whole", REPORT, None, None)]);
        let d = c.derive();
        assert_eq!(edges(&d), vec![(1, 0)], "{d:?}");
        assert_eq!(d[0].evidence[0].kind, EvidenceKind::Containment);
    }

    #[test]
    fn identical_texts_without_clues_get_no_direction() {
        let c = Corpus::new(&[("a", REPORT, None, None), ("b", REPORT, None, None)]);
        assert!(c.derive().is_empty());
    }

    #[test]
    fn two_copies_of_one_source_are_siblings_not_parent_and_child() {
        // Both copies are dated after the source and a day apart: the dates
        // alone would chain them, the shared source explains their overlap.
        let c = Corpus::new(&[
            ("source", REPORT, Some("2023-03-17"), Some(19)),
            ("first copy", REPORT, Some("2023-03-18"), Some(20)),
            ("second copy", REPORT, Some("2023-03-19"), Some(21)),
        ]);
        let d = c.derive();
        assert_eq!(edges(&d), vec![(0, 1), (0, 2)], "{d:?}");
        assert_eq!(original(&[0, 1, 2], &d), Some(0));
        assert_eq!(original(&[1, 2], &d), None);
    }
}
