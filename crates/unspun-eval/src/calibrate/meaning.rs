//! Fits the meaning layer's weights on the dev data (`unspun eval
//! --calibrate-meaning`); docs/calibration.md describes the method.
//!
//! 1. `paraphrase`: L2-regularized logistic regression of the sentence-pair
//!    features on MSRP train (label 1 = paraphrase).
//! 2. `similarity`: ridge least squares of the same features on STS-B train,
//!    target label / 5.
//! 3. For each point of a small grid of `fast_gate` x `paraphrase_coverage`
//!    (both decide which sentence pairs reach the full model, so the document
//!    features move with them): the `story` logistic regression on the
//!    document features of the SemEval-2022 dev pairs (target: overall at
//!    most 2.5), with its 5-fold cross-validated Pearson as the honest
//!    estimate; the Spearman of `semantic` on STS-B train; the Clough &
//!    Stevenson 4-way accuracy; whether the seed articles keep their promised
//!    relations.
//! 4. The chosen point: the seeds kept; the best Clough 4-way accuracy;
//!    SemEval CV Pearson and STS-B train Spearman each within one standard
//!    error of its best; the highest gate (the fewest full-model runs); the middle
//!    coverage of those left.
//! 5. The lead tier of the story (`unspun_eval::story_tiers`): the lead
//!    length, its logistic weights on every non-copy SemEval pair, and the
//!    band of first-tier stories it decides, each the cheapest choice within
//!    0.01 of the best 5-fold CV Pearson.
//! 6. The rewrite tier's cosine and sentence minimum
//!    ([`super::rewrite`]).
//!
//! Everything is deterministic: Newton iterations are fixed, folds are
//! round-robin in file order, weights are rounded to six decimals before they
//! are evaluated and written.

use super::rewrite::{calibrate_rewrite, RewriteChoice};
use crate::clough::{compare_all, report, CloughReport, Label, Row};
use crate::fit::{cross_validate, dot, present, round6, sigmoid};
use crate::semantic::{
    features_of, fit_paraphrase, fit_similarity, fit_story, msrp, read_pairs, seed_relations,
    seeds_keep, semantic_scores, semeval, semeval_results, sentence_features, story_cv, stsb,
    warm_whole, MsrpReport, SeedPair, SemevalReport, StoryTarget, StsbReport, FOLDS, ITERATIONS,
    PARAPHRASE_L2, SIMILARITY_L2, STORY_L2, STORY_TARGET,
};
use crate::stats::{pearson, spearman, Binary};
use crate::story_tiers::{calibrate_lead, LeadCalibration};
use crate::EvalError;
use rayon::prelude::*;
use serde::Serialize;
use std::path::Path;
use std::time::Instant;
use unspun_compare::meaning::align_meaning;
use unspun_compare::meaning::Calibration;
use unspun_compare::{
    compare, compare_with_meaning, Meaning, PairContext, Prepared, Relation, Sentences, Thresholds,
};
use unspun_text::clean;

/// The values swept for the two decision knobs.
#[derive(Debug, Clone, Serialize)]
pub struct MeaningGrid {
    pub fast_gate: Vec<f64>,
    pub paraphrase_coverage: Vec<f64>,
}

impl Default for MeaningGrid {
    fn default() -> Self {
        MeaningGrid {
            fast_gate: (1..=7).map(|v| v as f64 / 10.0).collect(),
            paraphrase_coverage: (6..=18).map(|v| (v * 5) as f64 / 100.0).collect(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct LogisticFit {
    pub samples: usize,
    pub positives: usize,
    pub l2: f64,
    pub iterations: usize,
    pub weights: Vec<f64>,
    pub train_accuracy: f64,
    /// 5-fold cross-validated accuracy (refitted per fold).
    pub cv_accuracy: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct LinearFit {
    pub samples: usize,
    pub l2: f64,
    pub weights: Vec<f64>,
    pub train_spearman: f64,
    pub train_pearson: f64,
    /// On STS-B dev (not used for fitting), the linear score on every pair.
    pub dev_spearman: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct StoryFit {
    /// Pairs with features (the rest are lexical copies, story 1).
    pub samples: usize,
    pub copies: usize,
    pub target: StoryTarget,
    pub l2: f64,
    pub weights: Vec<f64>,
    /// Pearson against the negated overall, fitted and scored on all pairs.
    pub in_sample_pearson: f64,
    /// 5-fold cross-validated Pearson of the fitted target...
    pub cv_pearson: f64,
    /// ...and of each target.
    pub cv_pearson_binary: f64,
    pub cv_pearson_graded: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct MeaningGridRow {
    pub fast_gate: f64,
    pub paraphrase_coverage: f64,
    pub clough_four_way: f64,
    pub seeds_kept: bool,
    /// 5-fold CV Pearson of the story model fitted at this point.
    pub semeval_cv_pearson: f64,
    /// Spearman of `semantic` on STS-B train (the similarity weights were
    /// fitted there, but the knobs decide which pairs get a score at all).
    pub stsb_train_spearman: f64,
    /// Cost: sentence pairs per SemEval document pair that reach the full
    /// model.
    pub semeval_full_model_pairs: f64,
}

/// Standard error of a correlation `r` measured on `n` pairs,
/// `(1 - r²) / √(n - 1)`: what a point may give up on that measure for a
/// higher gate (fewer full-model runs) and still count as good as the best.
/// About 0.03 for SemEval's 181 pairs, 0.005 for STS-B train's 5,749: a
/// tolerance on their mean would let the larger set's real losses through.
pub fn correlation_noise(r: f64, n: usize) -> f64 {
    (1.0 - r * r) / ((n.max(2) - 1) as f64).sqrt()
}

/// What the meaning layer saw in one Clough & Stevenson pair.
#[derive(Debug, Clone, Serialize)]
pub struct CloughEvidence {
    pub id: String,
    pub label: Label,
    /// The relation on verbatim evidence alone.
    pub lexical: Relation,
    /// The relation with the meaning layer.
    pub relation: Relation,
    /// Share of the smaller side's tokens in aligned sentences (what
    /// `paraphrase_coverage` is compared with), and in verbatim passages.
    pub aligned: f64,
    pub verbatim: f64,
    pub paraphrased_sentences: usize,
    pub semantic: f64,
    pub story: f64,
}

/// The evidence behind every Clough & Stevenson pair under the current
/// calibration (None fields for copies, decided on verbatim evidence).
pub fn clough_evidence(path: &Path, meaning: &Meaning) -> Result<Vec<CloughEvidence>, EvalError> {
    let rows: Vec<(usize, Row)> = crate::jsonl::read_all(path)?;
    rows.par_iter()
        .map(|(_, row)| {
            let (clean_a, clean_b) = (clean(&row.a, None, None), clean(&row.b, None, None));
            let a = Prepared::new(&row.a, &clean_a.kept);
            let b = Prepared::new(&row.b, &clean_b.kept);
            let th = Thresholds::default();
            let lexical = compare(&a, &b, PairContext::default(), &th);
            let full = compare_with_meaning(&a, &b, PairContext::default(), &th, Some(meaning))?;
            let a_smaller = a.tokens.len() <= b.tokens.len();
            let verbatim = if a_smaller {
                lexical.scores.coverage_a
            } else {
                lexical.scores.coverage_b
            };
            let mut e = CloughEvidence {
                id: row.id.clone(),
                label: row.label,
                lexical: lexical.relation,
                relation: full.relation,
                aligned: verbatim,
                verbatim,
                paraphrased_sentences: 0,
                semantic: 1.0,
                story: 1.0,
            };
            if !lexical.relation.is_copy() {
                let (sa, sb) = (Sentences::of(&a, meaning), Sentences::of(&b, meaning));
                let m = align_meaning(&a, &b, &sa, &sb, &lexical.passages, meaning)?;
                e.aligned = if a_smaller { m.aligned_a } else { m.aligned_b };
                e.paraphrased_sentences = m.paraphrased_sentences;
                e.semantic = m.semantic;
                e.story = m.story;
            }
            Ok(e)
        })
        .collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct MeaningCalibrationReport {
    /// The fitted values (what `--write` puts in calibration.json).
    pub calibration: Calibration,
    /// The values compiled in when the calibration ran.
    pub previous: Calibration,
    pub paraphrase: LogisticFit,
    pub similarity: LinearFit,
    pub story: StoryFit,
    pub lead: LeadCalibration,
    pub rewrite: RewriteChoice,
    pub grid: MeaningGrid,
    pub rows: Vec<MeaningGridRow>,
    pub chosen: MeaningGridRow,
    /// Whether any grid point kept the seed relations.
    pub seeds_kept: bool,
    /// The figures `unspun eval` prints, with the fitted values.
    pub msrp: MsrpReport,
    pub stsb: StsbReport,
    pub semeval: SemevalReport,
    pub clough: CloughReport,
    pub clough_evidence: Vec<CloughEvidence>,
    pub seeds: Vec<SeedPair>,
    pub seconds: f64,
}

fn logistic_predict(w: &[f64], x: &[f64]) -> f64 {
    sigmoid(dot(w, x))
}

/// Fits every weight of the meaning layer on the data in `data_dir` (the
/// shared `data/` folder) and leaves the result in `meaning.calibration`.
pub fn calibrate_meaning(
    data_dir: &Path,
    meaning: &mut Meaning,
    grid: &MeaningGrid,
) -> Result<MeaningCalibrationReport, EvalError> {
    let started = Instant::now();
    let previous = meaning.calibration.clone();
    let pairs_dir = data_dir.join("pairs");

    // 1. Sentence paraphrase on MSRP train.
    let msrp_pairs = read_pairs(&pairs_dir.join("msrp_train.jsonl"))?;
    let x = sentence_features(&msrp_pairs, meaning, "MSRP")?;
    let y: Vec<f64> = msrp_pairs
        .iter()
        .map(|p| f64::from(u8::from(p.label >= 0.5)))
        .collect();
    let w = round6(fit_paraphrase(&x, &y));
    let accuracy =
        |pred: &[f64]| Binary::of(pred.iter().zip(&y).map(|(p, g)| (*p > 0.5, *g > 0.5))).accuracy;
    let train: Vec<f64> = x.iter().map(|v| logistic_predict(&w, v)).collect();
    let cv = cross_validate(&x, &y, FOLDS, &fit_paraphrase, &logistic_predict);
    let paraphrase = LogisticFit {
        samples: x.len(),
        positives: y.iter().filter(|v| **v > 0.5).count(),
        l2: PARAPHRASE_L2,
        iterations: ITERATIONS,
        train_accuracy: accuracy(&train),
        cv_accuracy: accuracy(&cv),
        weights: w,
    };

    // 2. Sentence similarity on STS-B train, checked on dev.
    let sts_train = read_pairs(&pairs_dir.join("stsb_train.jsonl"))?;
    let x = sentence_features(&sts_train, meaning, "STS-B train")?;
    let y: Vec<f64> = sts_train.iter().map(|p| p.label / 5.0).collect();
    let w = round6(fit_similarity(&x, &y));
    let train: Vec<f64> = x.iter().map(|v| dot(&w, v)).collect();
    let sts_dev = read_pairs(&pairs_dir.join("stsb_dev.jsonl"))?;
    let x_dev = sentence_features(&sts_dev, meaning, "STS-B dev")?;
    let dev: Vec<f64> = x_dev.iter().map(|v| dot(&w, v)).collect();
    let dev_gold: Vec<f64> = sts_dev.iter().map(|p| p.label).collect();
    let similarity = LinearFit {
        samples: x.len(),
        l2: SIMILARITY_L2,
        train_spearman: spearman(&train, &y),
        train_pearson: pearson(&train, &y),
        dev_spearman: spearman(&dev, &dev_gold),
        weights: w,
    };
    meaning.calibration.paraphrase = paraphrase.weights.clone();
    meaning.calibration.similarity = similarity.weights.clone();

    // 3. The grid. Both knobs change which sentence pairs reach the full
    // model, so the story features (and weights) are refitted at every point.
    let semeval_path = pairs_dir.join("semeval22_en_dev.jsonl");
    let sem_pairs = read_pairs(&semeval_path)?;
    let overall: Vec<f64> = sem_pairs.iter().map(|p| p.label).collect();
    let negated: Vec<f64> = overall.iter().map(|o| -o).collect();
    warm_whole(&sem_pairs, meaning, "SemEval")?;
    warm_whole(&sts_train, meaning, "STS-B train")?;
    let sts_train_gold: Vec<f64> = sts_train.iter().map(|p| p.label).collect();
    let clough_path = pairs_dir.join("clough_stevenson_dev.jsonl");
    let seeds_dir = data_dir.join("corpora/seeds");
    let th = Thresholds::default();
    let mut rows = Vec::new();
    let mut stories = Vec::new();
    // The grid sees the first tier alone; the lead tier is fitted after it.
    meaning.calibration.turn_off_lead_tier();
    for &gate in &grid.fast_gate {
        for &coverage in &grid.paraphrase_coverage {
            meaning.calibration.fast_gate = gate;
            meaning.calibration.paraphrase_coverage = coverage;
            let results = semeval_results(&sem_pairs, meaning)?;
            let features = features_of(&results);
            let full_model_pairs = results
                .iter()
                .flatten()
                .map(|r| r.full_model_pairs)
                .sum::<usize>() as f64
                / results.len().max(1) as f64;
            let cv_binary = pearson(
                &story_cv(&features, &overall, StoryTarget::Binary),
                &negated,
            );
            let cv_graded = pearson(
                &story_cv(&features, &overall, StoryTarget::Graded),
                &negated,
            );
            let (xs, ys) = present(&features, &overall, |_| true, |f| f.vector().to_vec());
            let w = round6(fit_story(&xs, &ys, STORY_TARGET));
            let fitted: Vec<f64> = features
                .iter()
                .map(|f| f.map_or(1.0, |f| logistic_predict(&w, &f.vector())))
                .collect();
            let story = StoryFit {
                samples: xs.len(),
                copies: features.len() - xs.len(),
                target: STORY_TARGET,
                l2: STORY_L2,
                weights: w.clone(),
                in_sample_pearson: pearson(&fitted, &negated),
                cv_pearson: match STORY_TARGET {
                    StoryTarget::Binary => cv_binary,
                    StoryTarget::Graded => cv_graded,
                },
                cv_pearson_binary: cv_binary,
                cv_pearson_graded: cv_graded,
            };
            meaning.calibration.story = w;
            let sts_semantic = semantic_scores(&sts_train, meaning)?;
            let clough = report(&compare_all(&clough_path, &th, Some(meaning))?, &th);
            let seeds = seed_relations(&seeds_dir, meaning)?;
            let row = MeaningGridRow {
                fast_gate: gate,
                paraphrase_coverage: coverage,
                clough_four_way: clough.four_way_accuracy,
                seeds_kept: seeds_keep(&seeds),
                semeval_cv_pearson: story.cv_pearson,
                stsb_train_spearman: spearman(&sts_semantic, &sts_train_gold),
                semeval_full_model_pairs: full_model_pairs,
            };
            eprintln!(
                "unspun: gate {gate:.2} coverage {coverage:.2}: Clough 4-way {:.3}, seeds {}, SemEval CV {:.3}, STS-B train {:.3}, {:.1} full-model pairs per SemEval pair",
                row.clough_four_way,
                if row.seeds_kept { "kept" } else { "broken" },
                row.semeval_cv_pearson,
                row.stsb_train_spearman,
                row.semeval_full_model_pairs
            );
            rows.push(row);
            stories.push(story);
        }
    }

    // 4. Choose: the seeds kept, the best Clough 4-way accuracy, then
    // SemEval CV Pearson and STS-B train Spearman each within its noise
    // (`correlation_noise`) of its best, then the highest gate (the fewest
    // full-model runs), then the middle coverage of those left.
    let seeds_kept = rows.iter().any(|r| r.seeds_kept);
    let eligible: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].seeds_kept || !seeds_kept)
        .collect();
    let best_four_way = eligible
        .iter()
        .map(|&i| rows[i].clough_four_way)
        .fold(f64::NEG_INFINITY, f64::max);
    let tied: Vec<usize> = eligible
        .into_iter()
        .filter(|&i| rows[i].clough_four_way == best_four_way)
        .collect();
    let best = |m: &dyn Fn(&MeaningGridRow) -> f64| {
        tied.iter()
            .map(|&i| m(&rows[i]))
            .fold(f64::NEG_INFINITY, f64::max)
    };
    let best_semeval = best(&|r| r.semeval_cv_pearson);
    let best_stsb = best(&|r| r.stsb_train_spearman);
    let semeval_noise = correlation_noise(best_semeval, sem_pairs.len());
    let stsb_noise = correlation_noise(best_stsb, sts_train.len());
    let good: Vec<usize> = tied
        .into_iter()
        .filter(|&i| {
            rows[i].semeval_cv_pearson >= best_semeval - semeval_noise
                && rows[i].stsb_train_spearman >= best_stsb - stsb_noise
        })
        .collect();
    let gate = good
        .iter()
        .map(|&i| rows[i].fast_gate)
        .fold(f64::NEG_INFINITY, f64::max);
    let mut at_gate: Vec<usize> = good
        .into_iter()
        .filter(|&i| rows[i].fast_gate == gate)
        .collect();
    at_gate.sort_by(|&x, &y| {
        rows[x]
            .paraphrase_coverage
            .total_cmp(&rows[y].paraphrase_coverage)
    });
    let index = *at_gate
        .get(at_gate.len().saturating_sub(1) / 2)
        .ok_or_else(|| EvalError::Data("empty meaning calibration grid".into()))?;
    let chosen = rows[index].clone();
    let story = stories.swap_remove(index);
    meaning.calibration.story = story.weights.clone();
    meaning.calibration.paraphrase_coverage = chosen.paraphrase_coverage;
    meaning.calibration.fast_gate = chosen.fast_gate;

    // 5. The lead tier, on the first tier just chosen.
    let features = features_of(&semeval_results(&sem_pairs, meaning)?);
    let lead = calibrate_lead(&sem_pairs, &features, &story.weights, meaning, STORY_TARGET)?;
    meaning.calibration = Calibration {
        paraphrase: paraphrase.weights.clone(),
        similarity: similarity.weights.clone(),
        story: story.weights.clone(),
        paraphrase_coverage: chosen.paraphrase_coverage,
        fast_gate: chosen.fast_gate,
        story_lead: lead.weights.clone(),
        story_band: lead.band,
        lead_bytes: lead.lead_bytes,
        rewrite_cosine: previous.rewrite_cosine,
        rewrite_sentences: 0,
    };
    // 6. The rewrite tier, on everything else fitted.
    let rewrite = calibrate_rewrite(&pairs_dir, &seeds_dir, meaning)?;

    // 7. The figures of the result.
    let msrp = msrp(&pairs_dir.join("msrp_train.jsonl"), meaning)?;
    let stsb = stsb(&pairs_dir.join("stsb_dev.jsonl"), meaning)?;
    let semeval = semeval(&semeval_path, meaning, STORY_TARGET)?;
    let clough = report(&compare_all(&clough_path, &th, Some(meaning))?, &th);
    let clough_evidence = clough_evidence(&clough_path, meaning)?;
    let seeds = seed_relations(&seeds_dir, meaning)?;
    Ok(MeaningCalibrationReport {
        calibration: meaning.calibration.clone(),
        previous,
        paraphrase,
        similarity,
        story,
        lead,
        rewrite,
        grid: grid.clone(),
        rows,
        chosen,
        seeds_kept,
        msrp,
        stsb,
        semeval,
        clough,
        clough_evidence,
        seeds,
        seconds: started.elapsed().as_secs_f64(),
    })
}

impl std::fmt::Display for MeaningCalibrationReport {
    /// What `unspun eval --calibrate-meaning` prints.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let w = |v: &[f64]| {
            v.iter()
                .map(|x| format!("{x:.3}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let p = &self.paraphrase;
        writeln!(
            f,
            "paraphrase (MSRP train, {} pairs, logistic, L2 {}): [{}]; accuracy {:.3} train, {:.3} 5-fold CV",
            p.samples, p.l2, w(&p.weights), p.train_accuracy, p.cv_accuracy
        )?;
        let s = &self.similarity;
        writeln!(
            f,
            "similarity (STS-B train, {} pairs, least squares, L2 {}): [{}]; Spearman {:.3} train, {:.3} dev",
            s.samples, s.l2, w(&s.weights), s.train_spearman, s.dev_spearman
        )?;
        let st = &self.story;
        writeln!(
            f,
            "story (SemEval dev, {} pairs + {} copies, logistic, {:?} target, L2 {}): [{}]; Pearson {:.3} in-sample, 5-fold CV {:.3} (binary target {:.3}, graded {:.3})",
            st.samples, st.copies, st.target, st.l2, w(&st.weights), st.in_sample_pearson,
            st.cv_pearson, st.cv_pearson_binary, st.cv_pearson_graded
        )?;
        let l = &self.lead;
        for r in &l.leads {
            writeln!(
                f,
                "lead tier, lead of {} bytes, on every non-copy pair: SemEval 5-fold CV {:.3}{}",
                r.lead_bytes,
                r.cv_pearson,
                if r.lead_bytes == l.lead_bytes {
                    "  <- chosen"
                } else {
                    ""
                }
            )?;
        }
        writeln!(
            f,
            "lead tier weights [{}]; band [{:.2}, {:.2}] of the first tier's story: {} of the pairs through the lead tier, CV {:.3} (first tier alone {:.3})",
            w(&l.weights),
            l.band[0],
            l.band[1],
            l.bands
                .iter()
                .find(|b| b.band == l.band)
                .map_or(0, |b| b.in_band),
            l.cv_pearson,
            l.first_tier_cv_pearson
        )?;
        let rw = &self.rewrite;
        writeln!(
            f,
            "rewrite tier: cosine {:.2}, at least {} sentences; Clough 4-way {:.3} -> {:.3}, leave-one-out {:.3} (made paraphrase: {})",
            rw.rewrite_cosine,
            rw.rewrite_sentences,
            rw.clough_before,
            rw.clough_after,
            rw.clough_leave_one_out,
            rw.clough_changed
                .iter()
                .map(|(id, label)| format!("{id} {label:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        )?;
        writeln!(f, "gate  coverage  Clough-4way  seeds   SemEval-CV  STS-B-train  full-model pairs per SemEval pair")?;
        for r in &self.rows {
            let mark = if r.fast_gate == self.chosen.fast_gate
                && r.paraphrase_coverage == self.chosen.paraphrase_coverage
            {
                "  <- chosen"
            } else {
                ""
            };
            writeln!(
                f,
                "{:.2}  {:.2}      {:.3}        {:<6}  {:.3}       {:.3}        {:.1}{mark}",
                r.fast_gate,
                r.paraphrase_coverage,
                r.clough_four_way,
                if r.seeds_kept { "kept" } else { "broken" },
                r.semeval_cv_pearson,
                r.stsb_train_spearman,
                r.semeval_full_model_pairs
            )?;
        }
        if !self.seeds_kept {
            writeln!(f, "WARNING: no grid point keeps the seed relations")?;
        }
        writeln!(
            f,
            "chosen: fast_gate {:.2}, paraphrase_coverage {:.2}",
            self.chosen.fast_gate, self.chosen.paraphrase_coverage
        )?;
        writeln!(
            f,
            "with it: MSRP train accuracy {:.3}, F1 {:.3}; STS-B dev Spearman {:.3}; SemEval dev Pearson {:.3} (5-fold CV {:.3}); Clough 4-way {:.3}",
            self.msrp.paraphrase.accuracy,
            self.msrp.paraphrase.f1,
            self.stsb.spearman,
            self.semeval.pearson,
            self.semeval.cv_pearson,
            self.clough.four_way_accuracy
        )?;
        writeln!(
            f,
            "Clough & Stevenson evidence (aligned / verbatim share of the smaller side):"
        )?;
        let mut evidence: Vec<&CloughEvidence> = self.clough_evidence.iter().collect();
        evidence.sort_by(|x, y| x.label.cmp(&y.label).then(x.aligned.total_cmp(&y.aligned)));
        for e in evidence {
            writeln!(
                f,
                "  {:<5} {:<16} {:<14} -> {:<14} aligned {:.2} verbatim {:.2} paraphrased {:>2} semantic {:.2} story {:.2}",
                format!("{:?}", e.label).to_lowercase(),
                e.id,
                e.lexical.as_str(),
                e.relation.as_str(),
                e.aligned,
                e.verbatim,
                e.paraphrased_sentences,
                e.semantic,
                e.story
            )?;
        }
        for s in &self.seeds {
            writeln!(f, "  seeds {:<14} {} ~ {}", s.relation.as_str(), s.a, s.b)?;
        }
        writeln!(f, "({:.0}s)", self.seconds)
    }
}
