//! The rewrite tier's two knobs (`unspun_compare::rewrite`), chosen on the
//! dev data after the rest of the meaning layer is fitted:
//!
//! - every Clough & Stevenson and SemEval pair is compared once with the
//!   tier measuring every pair it could apply to;
//! - for each `rewrite_cosine` (0.60 to 0.80 by 0.01) and
//!   `rewrite_sentences` (3 to 10), the relations are decided again;
//! - the point kept makes no SemEval pair (independent reports of one event)
//!   and no seed pair change relation, and has the best Clough 4-way
//!   accuracy; ties go to the highest cosine (the fewest paraphrases), then
//!   the fewest sentences (the widest reach).

use crate::clough::{Label, Row};
use crate::semantic::{seed_relations, LabelledPair};
use crate::{jsonl, EvalError};
use rayon::prelude::*;
use serde::Serialize;
use std::path::Path;
use unspun_compare::meaning::{align_meaning_with, Calibration, Plan};
use unspun_compare::rewrite::PRECHECK_MARGIN;
use unspun_compare::{
    compare, meaning_relation, Meaning, MeaningResult, PairContext, Prepared, Relation, Sentences,
    Thresholds,
};
use unspun_text::clean;

/// What the sweep chose, and what it saw there.
#[derive(Debug, Clone, Serialize)]
pub struct RewriteChoice {
    pub rewrite_cosine: f64,
    pub rewrite_sentences: usize,
    /// Clough 4-way accuracy without the tier, and with the chosen knobs.
    pub clough_before: f64,
    pub clough_after: f64,
    /// Leave-one-out estimate of `clough_after`.
    pub clough_leave_one_out: f64,
    /// Clough pairs the tier turns into `paraphrase`, by label.
    pub clough_changed: Vec<(String, Label)>,
}

/// A non-copy pair as the meaning layer saw it, for re-deciding.
struct Seen {
    lexical: Relation,
    smaller_aligned: f64,
    meaning: MeaningResult,
}

fn see(a_text: &str, b_text: &str, meaning: &Meaning) -> Result<Option<Seen>, EvalError> {
    let (ca, cb) = (clean(a_text, None, None), clean(b_text, None, None));
    let (a, b) = (
        Prepared::new(a_text, &ca.kept),
        Prepared::new(b_text, &cb.kept),
    );
    let c = compare(&a, &b, PairContext::default(), &Thresholds::default());
    if c.relation.is_copy() {
        return Ok(None);
    }
    let (sa, sb) = (Sentences::of(&a, meaning), Sentences::of(&b, meaning));
    let plan = Plan::new(&a, &b, &sa, &sb, &c.passages, meaning).checking_rewrites(c.relation);
    let m = align_meaning_with(&a, &b, &sa, &sb, meaning, &plan)?;
    let smaller_aligned = if a.tokens.len() <= b.tokens.len() {
        m.aligned_a
    } else {
        m.aligned_b
    };
    Ok(Some(Seen {
        lexical: c.relation,
        smaller_aligned,
        meaning: m,
    }))
}

fn decide(seen: &Option<Seen>, cal: &Calibration) -> Option<Relation> {
    seen.as_ref()
        .map(|s| meaning_relation(s.lexical, s.smaller_aligned, &s.meaning, cal))
}

/// Chooses `rewrite_cosine` and `rewrite_sentences` (see the module doc) and
/// leaves them in `meaning.calibration`.
pub fn calibrate_rewrite(
    pairs_dir: &Path,
    seeds_dir: &Path,
    meaning: &mut Meaning,
) -> Result<RewriteChoice, EvalError> {
    let clough: Vec<Row> = jsonl::read_all(&pairs_dir.join("clough_stevenson_dev.jsonl"))?
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    let semeval: Vec<LabelledPair> =
        crate::semantic::read_pairs(&pairs_dir.join("semeval22_en_dev.jsonl"))?;
    let fitted = meaning.calibration.clone();
    // Measured wherever the tier could apply: every estimate passes.
    meaning.calibration.rewrite_sentences = 1;
    meaning.calibration.rewrite_cosine = PRECHECK_MARGIN;
    let m: &Meaning = meaning;
    let seen_clough = clough
        .par_iter()
        .map(|r| see(&r.a, &r.b, m))
        .collect::<Result<Vec<_>, _>>()?;
    let seen_semeval = semeval
        .par_iter()
        .map(|r| see(&r.a, &r.b, m))
        .collect::<Result<Vec<_>, _>>()?;
    let mut off = fitted.clone();
    off.rewrite_sentences = 0;
    // Copies are decided lexically and never reach the tier.
    let right = |k: usize, cal: &Calibration| {
        decide(&seen_clough[k], cal)
            .map_or(clough[k].label.copied(), |r| clough[k].label.four_way_ok(r))
    };
    let four_way = |cal: &Calibration| {
        (0..clough.len()).filter(|&k| right(k, cal)).count() as f64 / clough.len().max(1) as f64
    };
    let semeval_unchanged = |cal: &Calibration| {
        seen_semeval
            .iter()
            .all(|s| decide(s, cal) == decide(s, &off))
    };
    // Each point with which Clough pairs it gets right, computed once.
    let mut points: Vec<(Calibration, Vec<bool>)> = Vec::new();
    for c in 60..=80 {
        for n in 3..=10 {
            let mut cal = fitted.clone();
            cal.rewrite_cosine = f64::from(c) / 100.0;
            cal.rewrite_sentences = n;
            if semeval_unchanged(&cal) {
                let rights = (0..clough.len()).map(|k| right(k, &cal)).collect();
                points.push((cal, rights));
            }
        }
    }
    // Most Clough pairs right (leaving out `held_out`, if any) first; then
    // the highest cosine, then the fewest sentences.
    let rank = |held_out: Option<usize>| {
        move |(cx, rx): &&(Calibration, Vec<bool>), (cy, ry): &&(Calibration, Vec<bool>)| {
            let count = |r: &[bool]| {
                r.iter()
                    .enumerate()
                    .filter(|&(i, &ok)| ok && Some(i) != held_out)
                    .count()
            };
            count(ry)
                .cmp(&count(rx))
                .then(cy.rewrite_cosine.total_cmp(&cx.rewrite_cosine))
                .then(cx.rewrite_sentences.cmp(&cy.rewrite_sentences))
        }
    };
    // The honest estimate: each Clough pair judged by the knobs chosen on
    // the other 56 (the seed check left out).
    let held_out_right = (0..clough.len())
        .filter(|&k| {
            points
                .iter()
                .min_by(rank(Some(k)))
                .map_or(right(k, &off), |(_, rights)| rights[k])
        })
        .count();
    let clough_leave_one_out = held_out_right as f64 / clough.len().max(1) as f64;
    let mut ranked: Vec<&(Calibration, Vec<bool>)> = points.iter().collect();
    ranked.sort_by(rank(None));
    meaning.calibration = off.clone();
    let seeds_before = seed_relations(seeds_dir, meaning)?;
    for (cal, _) in ranked {
        meaning.calibration = cal.clone();
        if seed_relations(seeds_dir, meaning)? == seeds_before {
            let clough_changed = clough
                .iter()
                .zip(&seen_clough)
                .filter(|(_, s)| decide(s, cal) != decide(s, &off))
                .map(|(row, _)| (row.id.clone(), row.label))
                .collect();
            return Ok(RewriteChoice {
                rewrite_cosine: cal.rewrite_cosine,
                rewrite_sentences: cal.rewrite_sentences,
                clough_before: four_way(&off),
                clough_after: four_way(cal),
                clough_leave_one_out,
                clough_changed,
            });
        }
    }
    // No point keeps SemEval and the seeds: the tier stays off.
    meaning.calibration = off;
    Ok(RewriteChoice {
        rewrite_cosine: meaning.calibration.rewrite_cosine,
        rewrite_sentences: 0,
        clough_before: four_way(&meaning.calibration),
        clough_after: four_way(&meaning.calibration),
        clough_leave_one_out,
        clough_changed: Vec::new(),
    })
}
