//! The two tiers of the story score on SemEval-2022 dev: cross-validated
//! estimates of the shipped combination, and the calibration of the lead
//! tier (its lead length, its weights and the band of first-tier scores it
//! decides). See `unspun_compare::lead`.

use crate::fit::{self, dot, present, round6, sigmoid};
use crate::semantic::{fit_story, warm, LabelledPair, StoryTarget, FOLDS};
use crate::stats::pearson;
use crate::EvalError;
use rayon::prelude::*;
use serde::Serialize;
use unspun_compare::lead::{in_band, lead_features, lead_texts, LeadFeatures};
use unspun_compare::meaning::DocFeatures;
use unspun_compare::{compare, Meaning, PairContext, Prepared, Sentences, Thresholds};

/// Lead lengths (content bytes) the calibration tries.
pub const LEAD_BYTES: [usize; 5] = [250, 500, 750, 1000, 1500];
/// Lower and upper ends of the first-tier band the calibration tries.
pub const BAND_LO: [f64; 6] = [0.02, 0.05, 0.1, 0.15, 0.2, 0.3];
pub const BAND_HI: [f64; 5] = [0.7, 0.8, 0.9, 0.95, 0.98];
/// CV Pearson a cheaper choice (shorter lead, narrower band) may give up:
/// below the noise of a Pearson on 181 pairs (standard error about 0.03).
pub const TOLERANCE: f64 = 0.01;

/// The lead features of every pair that is not a lexical copy, computed
/// whatever the first tier says (for fitting and what-ifs).
pub(crate) fn semeval_leads(
    pairs: &[LabelledPair],
    meaning: &Meaning,
    lead_bytes: usize,
) -> Result<Vec<Option<LeadFeatures>>, EvalError> {
    let th = Thresholds::default();
    let texts: Vec<String> = pairs
        .par_iter()
        .flat_map_iter(|p| {
            [&p.a, &p.b].into_iter().flat_map(|t| {
                let prepared = Prepared::whole(t);
                lead_texts(&prepared, &Sentences::of(&prepared, meaning), lead_bytes)
            })
        })
        .collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    warm(meaning, &refs, "SemEval leads")?;
    pairs
        .par_iter()
        .map(|p| {
            let (a, b) = (Prepared::whole(&p.a), Prepared::whole(&p.b));
            if compare(&a, &b, PairContext::default(), &th)
                .relation
                .is_copy()
            {
                return Ok(None);
            }
            let (sa, sb) = (Sentences::of(&a, meaning), Sentences::of(&b, meaning));
            Ok(lead_features(&a, &b, &sa, &sb, meaning, lead_bytes)?)
        })
        .collect()
}

/// The story of one pair from both tiers' weights (1 for copies).
pub fn two_tier_story(
    first: &[f64],
    lead_weights: &[f64],
    band: [f64; 2],
    features: Option<&DocFeatures>,
    lead: Option<&LeadFeatures>,
) -> f64 {
    let Some(f) = features else { return 1.0 };
    let p = sigmoid(dot(first, &f.vector()));
    match lead {
        Some(l) if in_band(p, band) => sigmoid(dot(lead_weights, &l.vector())),
        _ => p,
    }
}

/// Out-of-fold stories with both tiers refitted on the other folds (each
/// on every non-copy pair it has features for); `band` = None puts every
/// pair with lead features through the lead tier.
pub fn two_tier_cv(
    features: &[Option<DocFeatures>],
    leads: &[Option<LeadFeatures>],
    overall: &[f64],
    target: StoryTarget,
    band: Option<[f64; 2]>,
) -> Vec<f64> {
    let mut out = vec![1.0; features.len()];
    for fold in 0..FOLDS {
        let train = |i: usize| fit::fold_of(i, FOLDS) != fold;
        let (x1, y1) = present(features, overall, train, |f| f.vector().to_vec());
        let (x2, y2) = present(leads, overall, train, |l| l.vector().to_vec());
        let w1 = fit_story(&x1, &y1, target);
        let w2 = fit_story(&x2, &y2, target);
        for i in (0..overall.len()).filter(|&i| !train(i)) {
            out[i] = two_tier_story(
                &w1,
                &w2,
                band.unwrap_or([0.0, 1.0]),
                features[i].as_ref(),
                leads[i].as_ref(),
            );
        }
    }
    out
}

/// One lead length tried by the calibration.
#[derive(Debug, Clone, Serialize)]
pub struct LeadRow {
    pub lead_bytes: usize,
    /// 5-fold CV Pearson with the lead tier on every pair.
    pub cv_pearson: f64,
}

/// One band tried by the calibration.
#[derive(Debug, Clone, Serialize)]
pub struct BandRow {
    pub band: [f64; 2],
    /// 5-fold CV Pearson of the two tiers together.
    pub cv_pearson: f64,
    /// Non-copy pairs whose first-tier story (fitted weights) is in the
    /// band: the pairs that pay for the lead tier.
    pub in_band: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct LeadCalibration {
    pub leads: Vec<LeadRow>,
    pub lead_bytes: usize,
    pub weights: Vec<f64>,
    pub bands: Vec<BandRow>,
    pub band: [f64; 2],
    /// CV Pearson of the first tier alone, and of the chosen two tiers.
    pub first_tier_cv_pearson: f64,
    pub cv_pearson: f64,
}

/// Chooses the lead length (the shortest within [`TOLERANCE`] of the best
/// CV Pearson), fits the lead weights on every non-copy pair, then the
/// band (the fewest pairs through the lead tier within [`TOLERANCE`] of the
/// lead tier on every pair). `first` are the first tier's fitted weights.
pub(crate) fn calibrate_lead(
    pairs: &[LabelledPair],
    features: &[Option<DocFeatures>],
    first: &[f64],
    meaning: &Meaning,
    target: StoryTarget,
) -> Result<LeadCalibration, EvalError> {
    let overall: Vec<f64> = pairs.iter().map(|p| p.label).collect();
    let negated: Vec<f64> = overall.iter().map(|o| -o).collect();
    let mut leads = Vec::new();
    let mut computed = Vec::new();
    for bytes in LEAD_BYTES {
        let l = semeval_leads(pairs, meaning, bytes)?;
        let cv = pearson(&two_tier_cv(features, &l, &overall, target, None), &negated);
        eprintln!("unspun: lead tier, {bytes} bytes: SemEval CV {cv:.3}");
        leads.push(LeadRow {
            lead_bytes: bytes,
            cv_pearson: cv,
        });
        computed.push(l);
    }
    let best = leads.iter().map(|r| r.cv_pearson).fold(f64::MIN, f64::max);
    let chosen = leads
        .iter()
        .position(|r| r.cv_pearson >= best - TOLERANCE)
        .unwrap_or(0);
    let lead = computed.swap_remove(chosen);
    let (x, y) = present(&lead, &overall, |_| true, |l| l.vector().to_vec());
    let weights = round6(fit_story(&x, &y, target));
    let all_lead = leads[chosen].cv_pearson;
    let mut bands = Vec::new();
    for lo in BAND_LO {
        for hi in BAND_HI {
            let band = [lo, hi];
            let cv = two_tier_cv(features, &lead, &overall, target, Some(band));
            let in_band = features
                .iter()
                .zip(&lead)
                .filter(|(f, l)| match (f, l) {
                    (Some(f), Some(_)) => in_band(sigmoid(dot(first, &f.vector())), band),
                    _ => false,
                })
                .count();
            bands.push(BandRow {
                band,
                cv_pearson: pearson(&cv, &negated),
                in_band,
            });
        }
    }
    // Fewest pairs through the model, then the better estimate, then the
    // first in grid order (deterministic).
    let band = bands
        .iter()
        .filter(|r| r.cv_pearson >= all_lead - TOLERANCE)
        .min_by(|x, y| {
            x.in_band
                .cmp(&y.in_band)
                .then(y.cv_pearson.total_cmp(&x.cv_pearson))
        })
        .map_or([0.0, 1.0], |r| r.band);
    let cv_pearson = bands
        .iter()
        .find(|r| r.band == band)
        .map_or(all_lead, |r| r.cv_pearson);
    let first_tier = two_tier_cv(features, &lead, &overall, target, Some([1.0, 0.0]));
    Ok(LeadCalibration {
        leads,
        lead_bytes: LEAD_BYTES[chosen],
        weights,
        bands,
        band,
        first_tier_cv_pearson: pearson(&first_tier, &negated),
        cv_pearson,
    })
}
