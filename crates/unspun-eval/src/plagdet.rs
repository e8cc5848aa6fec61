//! PAN's character-level text-alignment measures (Potthast, Stein,
//! Barrón-Cedeño & Rosso, "An Evaluation Framework for Plagiarism Detection",
//! COLING 2010), as the PAN 2009–2015 evaluators implement them.
//!
//! A case (gold) or a detection is a *pair* of character ranges: one in the
//! suspicious document, one in the source. Definitions, with `S` all cases
//! and `R` all detections pooled over every document pair:
//!
//! - `r` *detects* `s` when they belong to the same document pair and overlap
//!   on the suspicious side **and** on the source side;
//! - `s ⊓ r` is the pair of overlaps (suspicious, source) when `r` detects
//!   `s`, else empty; sizes `|x|` count the characters of both sides;
//! - macro recall `= 1/|S| Σ_s |∪_{r∈R} (s ⊓ r)| / |s|`;
//! - macro precision `= 1/|R| Σ_r |∪_{s∈S} (s ⊓ r)| / |r|` (the same formula
//!   with the roles swapped), so a detection in a pair without cases adds 0;
//! - both are 1 when there are neither cases nor detections, and 0 when there
//!   are only one of them;
//! - granularity `= mean over detected cases of the number of detections
//!   that detect it` (1 when no case is detected);
//! - plagdet `= F1(precision, recall) / log2(1 + granularity)`, 0 when
//!   precision and recall are both 0.

use serde::Serialize;
use std::ops::Range;

/// A case or a detection: character ranges in the suspicious and source
/// documents of one pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    pub susp: Range<usize>,
    pub src: Range<usize>,
}

/// The cases and detections of one document pair.
#[derive(Debug, Clone, Default)]
pub struct PairAnnotations {
    pub cases: Vec<Annotation>,
    pub detections: Vec<Annotation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PlagdetScores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub granularity: f64,
    pub plagdet: f64,
    pub cases: usize,
    pub detections: usize,
    /// Cases detected by at least one detection.
    pub detected_cases: usize,
}

fn overlaps(x: &Range<usize>, y: &Range<usize>) -> bool {
    x.start < y.end && y.start < x.end
}

fn detects(r: &Annotation, s: &Annotation) -> bool {
    overlaps(&r.susp, &s.susp) && overlaps(&r.src, &s.src)
}

/// Characters of `target` covered by the union of `others`.
fn covered(target: &Range<usize>, others: &mut Vec<Range<usize>>) -> usize {
    let mut clipped: Vec<Range<usize>> = others
        .iter()
        .map(|o| o.start.max(target.start)..o.end.min(target.end))
        .filter(|o| o.start < o.end)
        .collect();
    clipped.sort_by_key(|o| o.start);
    let (mut total, mut reach) = (0, target.start);
    for o in clipped {
        let start = o.start.max(reach);
        if o.end > start {
            total += o.end - start;
            reach = o.end;
        }
    }
    others.clear();
    total
}

/// Sum over `targets` of the share of each covered by the `others` that
/// detect it (or that it detects: the relation is symmetric).
fn covered_shares(targets: &[Annotation], others: &[Annotation]) -> f64 {
    let mut buf = Vec::new();
    targets
        .iter()
        .map(|t| {
            let hits: Vec<&Annotation> = others.iter().filter(|o| detects(o, t)).collect();
            buf.extend(hits.iter().map(|o| o.susp.clone()));
            let susp = covered(&t.susp, &mut buf);
            buf.extend(hits.iter().map(|o| o.src.clone()));
            let src = covered(&t.src, &mut buf);
            let size = t.susp.len() + t.src.len();
            if size == 0 {
                0.0
            } else {
                (susp + src) as f64 / size as f64
            }
        })
        .sum()
}

/// PAN's macro precision, recall, granularity and plagdet over all pairs.
pub fn plagdet(pairs: &[PairAnnotations]) -> PlagdetScores {
    let cases: usize = pairs.iter().map(|p| p.cases.len()).sum();
    let detections: usize = pairs.iter().map(|p| p.detections.len()).sum();
    let (mut recall_sum, mut precision_sum) = (0.0, 0.0);
    let (mut detected_cases, mut detections_on_detected) = (0usize, 0usize);
    for p in pairs {
        recall_sum += covered_shares(&p.cases, &p.detections);
        precision_sum += covered_shares(&p.detections, &p.cases);
        for s in &p.cases {
            let n = p.detections.iter().filter(|r| detects(r, s)).count();
            if n > 0 {
                detected_cases += 1;
                detections_on_detected += n;
            }
        }
    }
    let (recall, precision) = match (cases, detections) {
        (0, 0) => (1.0, 1.0),
        (0, _) | (_, 0) => (0.0, 0.0),
        (c, d) => (recall_sum / c as f64, precision_sum / d as f64),
    };
    let granularity = if detected_cases == 0 {
        1.0
    } else {
        detections_on_detected as f64 / detected_cases as f64
    };
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    PlagdetScores {
        precision,
        recall,
        f1,
        granularity,
        plagdet: f1 / (1.0 + granularity).log2(),
        cases,
        detections,
        detected_cases,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ann(susp: Range<usize>, src: Range<usize>) -> Annotation {
        Annotation { susp, src }
    }

    fn one_pair(cases: Vec<Annotation>, detections: Vec<Annotation>) -> PlagdetScores {
        plagdet(&[PairAnnotations { cases, detections }])
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn perfect_detection_scores_one() {
        let s = one_pair(vec![ann(100..200, 0..100)], vec![ann(100..200, 0..100)]);
        assert!(close(s.precision, 1.0) && close(s.recall, 1.0) && close(s.granularity, 1.0));
        assert!(close(s.plagdet, 1.0), "{s:?}");
    }

    #[test]
    fn half_detection_has_full_precision_and_half_recall() {
        // The first half of the case, on both sides.
        let s = one_pair(vec![ann(100..200, 0..100)], vec![ann(100..150, 0..50)]);
        assert!(
            close(s.precision, 1.0) && close(s.recall, 0.5) && close(s.granularity, 1.0),
            "{s:?}"
        );
        assert!(close(s.plagdet, 2.0 / 3.0), "{s:?}");
    }

    #[test]
    fn a_split_detection_has_granularity_two() {
        let s = one_pair(
            vec![ann(100..200, 0..100)],
            vec![ann(100..150, 0..50), ann(150..200, 50..100)],
        );
        assert!(close(s.precision, 1.0) && close(s.recall, 1.0), "{s:?}");
        assert!(
            close(s.granularity, 2.0) && close(s.plagdet, 1.0 / 3f64.log2()),
            "{s:?}"
        );
    }

    #[test]
    fn overlap_on_one_side_only_is_no_detection() {
        let s = one_pair(vec![ann(100..200, 0..100)], vec![ann(100..200, 500..600)]);
        assert_eq!(s.detected_cases, 0);
        assert!(
            close(s.precision, 0.0) && close(s.recall, 0.0) && close(s.plagdet, 0.0),
            "{s:?}"
        );
    }

    #[test]
    fn overshoot_costs_precision_per_side() {
        // Detection twice the case on the suspicious side, exact on the
        // source side: 100 + 100 of its 200 + 100 characters are right.
        let s = one_pair(vec![ann(100..200, 0..100)], vec![ann(50..250, 0..100)]);
        assert!(
            close(s.recall, 1.0) && close(s.precision, 200.0 / 300.0),
            "{s:?}"
        );
    }

    #[test]
    fn detections_in_pairs_without_cases_count_against_precision() {
        let pairs = [
            PairAnnotations {
                cases: vec![ann(0..10, 0..10)],
                detections: vec![ann(0..10, 0..10)],
            },
            PairAnnotations {
                cases: vec![],
                detections: vec![ann(0..10, 0..10)],
            },
        ];
        let s = plagdet(&pairs);
        assert!(close(s.recall, 1.0) && close(s.precision, 0.5), "{s:?}");
    }

    #[test]
    fn nothing_to_find_and_nothing_found_is_perfect() {
        let s = plagdet(&[PairAnnotations::default()]);
        assert!(close(s.plagdet, 1.0), "{s:?}");
        let missed = one_pair(vec![ann(0..10, 0..10)], vec![]);
        assert!(
            close(missed.plagdet, 0.0) && close(missed.granularity, 1.0),
            "{missed:?}"
        );
    }
}
