//! The meaning layer on the labelled dev data: sentence paraphrase (MSRP),
//! sentence similarity (STS-B), same story (SemEval-2022 Task 8) and the
//! speed of both embedding tiers.
//!
//! Every pair goes through `unspun_compare::compare_with_meaning` on
//! `Prepared::whole` of its two texts, with the calibration compiled in (or
//! whatever `meaning.calibration` holds), so the figures are those of the
//! shipped decision. Reference figures of plain cosine (both tiers) and
//! cross-validated estimates of the fitted parts are reported next to them.

use crate::fit::{self, cross_validate, dot, sigmoid};
use crate::stats::{best_threshold_accuracy, pearson, spearman, Binary};
use crate::story_tiers::{semeval_leads, two_tier_cv, two_tier_story};
use crate::{jsonl, EvalError};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;
use unspun_compare::meaning::{align_meaning, sentence_pair_features, DocFeatures};
use unspun_compare::{
    compare, compare_with_meaning, Comparison, Meaning, MeaningResult, PairContext, Prepared,
    Relation, Sentences, Thresholds,
};
use unspun_embed::cosine;

/// Folds of every cross-validation here.
pub const FOLDS: usize = 5;
/// L2 penalty of the sentence-pair paraphrase logistic regression.
pub const PARAPHRASE_L2: f64 = 1.0;
/// L2 penalty of the similarity least squares.
pub const SIMILARITY_L2: f64 = 0.01;
/// L2 penalty of the story logistic regression.
pub const STORY_L2: f64 = 1.0;
/// Newton iterations of every logistic fit (they converge in about ten).
pub const ITERATIONS: usize = 50;
/// The story target the calibration fits (see [`StoryTarget`]).
pub const STORY_TARGET: StoryTarget = StoryTarget::Binary;
/// SemEval `overall` at or below which a pair is the same story.
pub const SAME_STORY_MAX_OVERALL: f64 = 2.5;

/// One labelled pair of the MSRP, STS-B and SemEval files.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct LabelledPair {
    #[allow(dead_code)]
    pub id: String,
    pub a: String,
    pub b: String,
    pub label: f64,
}

pub(crate) fn read_pairs(path: &Path) -> Result<Vec<LabelledPair>, EvalError> {
    Ok(jsonl::read_all(path)?.into_iter().map(|(_, r)| r).collect())
}

/// Relations that count as "paraphrase" for MSRP: the same content, copied
/// or rewritten.
pub fn is_paraphrase(r: Relation) -> bool {
    matches!(
        r,
        Relation::Duplicate
            | Relation::NearDuplicate
            | Relation::Containment
            | Relation::Paraphrase
    )
}

/// The sentences `compare_with_meaning` would embed in `p`.
pub(crate) fn sentence_texts<'a>(p: &Prepared<'a>, meaning: &Meaning) -> Vec<&'a str> {
    let s = Sentences::of(p, meaning);
    s.spans.iter().map(|sp| &p.text[sp.range()]).collect()
}

/// Runs the full model over `texts` ahead of the comparisons, in parallel
/// batches, so that every later lookup is a cache hit.
pub(crate) fn warm(meaning: &Meaning, texts: &[&str], what: &str) -> Result<(), EvalError> {
    let mut distinct: Vec<&str> = texts.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    let before = meaning.cached_vectors().len();
    let started = Instant::now();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let chunks: Vec<&[&str]> = distinct.chunks(64).collect();
    let last_note = std::sync::Mutex::new(0u64);
    chunks
        .par_iter()
        .try_for_each(|c| -> Result<(), EvalError> {
            meaning.full(c)?;
            let n = done.fetch_add(c.len(), std::sync::atomic::Ordering::Relaxed) + c.len();
            let secs = started.elapsed().as_secs();
            let mut last = last_note.lock().unwrap_or_else(|e| e.into_inner());
            if secs >= *last + 15 {
                *last = secs;
                eprintln!(
                    "unspun: {what}: {n}/{} sentences embedded or cached",
                    distinct.len()
                );
            }
            Ok(())
        })?;
    let added = meaning.cached_vectors().len().saturating_sub(before);
    if added > 0 {
        eprintln!(
            "unspun: {what}: embedded {added} sentences with the full model in {:.0}s",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

fn compare_whole(a: &str, b: &str, meaning: &Meaning) -> Result<Comparison, EvalError> {
    Ok(compare_with_meaning(
        &Prepared::whole(a),
        &Prepared::whole(b),
        PairContext::default(),
        &Thresholds::default(),
        Some(meaning),
    )?)
}

/// The features of every pair as sentence pairs (see
/// `unspun_compare::meaning::sentence_pair_features`), after embedding
/// their sentences.
pub(crate) fn sentence_features(
    pairs: &[LabelledPair],
    meaning: &Meaning,
    what: &str,
) -> Result<Vec<Vec<f64>>, EvalError> {
    let mut texts: Vec<&str> = Vec::with_capacity(pairs.len() * 4);
    for p in pairs {
        texts.extend([&*p.a, &*p.b]);
    }
    warm(meaning, &texts, what)?;
    pairs
        .par_iter()
        .map(|p| Ok(sentence_pair_features(&p.a, &p.b, meaning)?.to_vec()))
        .collect()
}

/// Also warms the sentences `compare_with_meaning` will cut the texts into.
pub(crate) fn warm_whole(
    pairs: &[LabelledPair],
    meaning: &Meaning,
    what: &str,
) -> Result<(), EvalError> {
    let mut texts: Vec<&str> = Vec::new();
    for p in pairs {
        for t in [&p.a, &p.b] {
            texts.extend(sentence_texts(&Prepared::whole(t), meaning));
        }
    }
    warm(meaning, &texts, what)
}

pub fn fit_paraphrase(x: &[Vec<f64>], y: &[f64]) -> Vec<f64> {
    fit::logistic(x, y, PARAPHRASE_L2, ITERATIONS)
}

pub fn fit_similarity(x: &[Vec<f64>], y: &[f64]) -> Vec<f64> {
    fit::least_squares(x, y, SIMILARITY_L2)
}

/// How the story target is made of SemEval's `overall` (1 = same story ..
/// 4 = unrelated).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StoryTarget {
    /// 1 when `overall <= 2.5`, else 0.
    Binary,
    /// `(4 - overall) / 3`, a graded target in 0..1 (same loss).
    Graded,
}

impl StoryTarget {
    pub fn of(self, overall: f64) -> f64 {
        match self {
            StoryTarget::Binary => f64::from(u8::from(overall <= SAME_STORY_MAX_OVERALL)),
            StoryTarget::Graded => ((4.0 - overall) / 3.0).clamp(0.0, 1.0),
        }
    }
}

pub fn fit_story(x: &[Vec<f64>], overall: &[f64], target: StoryTarget) -> Vec<f64> {
    let y: Vec<f64> = overall.iter().map(|o| target.of(*o)).collect();
    fit::logistic(x, &y, STORY_L2, ITERATIONS)
}

fn logistic_predict(w: &[f64], x: &[f64]) -> f64 {
    sigmoid(dot(w, x))
}

// ---------------------------------------------------------------- MSRP

#[derive(Debug, Clone, Serialize)]
pub struct MsrpReport {
    pub pairs: usize,
    /// Predicted paraphrase = relation duplicate, near_duplicate,
    /// containment or paraphrase; gold = label 1.
    pub paraphrase: Binary,
    /// Gold label (0, 1) -> relation -> pairs.
    pub relations: BTreeMap<u8, BTreeMap<Relation, usize>>,
    /// The sentence-pair logistic alone (probability > 0.5 on the features
    /// of the two texts), with the weights in use: fitted on these pairs,
    /// so in-sample...
    pub classifier_accuracy: f64,
    /// ...and refitted by 5-fold cross-validation: the estimate for unseen
    /// pairs of this kind.
    pub classifier_cv_accuracy: f64,
    /// Reference: plain cosine, best threshold on these very pairs.
    pub cosine_full_best_accuracy: f64,
    pub cosine_full_best_threshold: f64,
    pub cosine_fast_best_accuracy: f64,
}

/// MSRP pairs (label 1 paraphrase, 0 not) through `compare_with_meaning`.
pub fn msrp(path: &Path, meaning: &Meaning) -> Result<MsrpReport, EvalError> {
    let pairs = read_pairs(path)?;
    let x = sentence_features(&pairs, meaning, "MSRP")?;
    warm_whole(&pairs, meaning, "MSRP")?;
    let relations: Vec<Relation> = pairs
        .par_iter()
        .map(|p| Ok(compare_whole(&p.a, &p.b, meaning)?.relation))
        .collect::<Result<_, EvalError>>()?;
    let gold: Vec<bool> = pairs.iter().map(|p| p.label >= 0.5).collect();
    let mut by_label: BTreeMap<u8, BTreeMap<Relation, usize>> = BTreeMap::new();
    for (r, g) in relations.iter().zip(&gold) {
        *by_label
            .entry(u8::from(*g))
            .or_default()
            .entry(*r)
            .or_default() += 1;
    }
    let y: Vec<f64> = gold.iter().map(|g| f64::from(u8::from(*g))).collect();
    let w = &meaning.calibration.paraphrase;
    let classifier = Binary::of(
        x.iter()
            .zip(&gold)
            .map(|(xi, g)| (logistic_predict(w, xi) > 0.5, *g)),
    );
    let cv = cross_validate(&x, &y, FOLDS, &fit_paraphrase, &logistic_predict);
    let cv = Binary::of(cv.iter().zip(&gold).map(|(p, g)| (*p > 0.5, *g)));
    let full: Vec<f64> = x.iter().map(|v| v[1]).collect();
    let fast: Vec<f64> = x.iter().map(|v| v[2]).collect();
    let (full_acc, full_t) = best_threshold_accuracy(&full, &gold);
    Ok(MsrpReport {
        pairs: pairs.len(),
        paraphrase: Binary::of(
            relations
                .iter()
                .map(|r| is_paraphrase(*r))
                .zip(gold.iter().copied()),
        ),
        relations: by_label,
        classifier_accuracy: classifier.accuracy,
        classifier_cv_accuracy: cv.accuracy,
        cosine_full_best_accuracy: full_acc,
        cosine_full_best_threshold: full_t,
        cosine_fast_best_accuracy: best_threshold_accuracy(&fast, &gold).0,
    })
}

// ---------------------------------------------------------------- STS-B

#[derive(Debug, Clone, Serialize)]
pub struct StsbReport {
    pub pairs: usize,
    /// Spearman of `scores.semantic` (1 for lexical copies, whose semantic
    /// score is null) against the gold 0..5 similarity.
    pub spearman: f64,
    pub pearson: f64,
    /// Pairs decided as copies on verbatim evidence (semantic taken as 1).
    pub copies: usize,
    /// Pairs whose sentences the fast tier did not put forward (semantic 0).
    pub not_candidates: usize,
    /// The linear similarity on the features of every pair, no gate.
    pub similarity_spearman: f64,
    /// Reference: plain cosine of each tier.
    pub cosine_full_spearman: f64,
    pub cosine_fast_spearman: f64,
}

/// STS-B pairs (label 0..5) through `compare_with_meaning`.
pub fn stsb(path: &Path, meaning: &Meaning) -> Result<StsbReport, EvalError> {
    let pairs = read_pairs(path)?;
    let x = sentence_features(&pairs, meaning, "STS-B")?;
    warm_whole(&pairs, meaning, "STS-B")?;
    let semantic: Vec<Option<f64>> = pairs
        .par_iter()
        .map(|p| Ok(compare_whole(&p.a, &p.b, meaning)?.scores.semantic))
        .collect::<Result<_, EvalError>>()?;
    let gold: Vec<f64> = pairs.iter().map(|p| p.label).collect();
    let score: Vec<f64> = semantic.iter().map(|s| s.unwrap_or(1.0)).collect();
    let w = &meaning.calibration.similarity;
    let linear: Vec<f64> = x.iter().map(|v| dot(w, v)).collect();
    let full: Vec<f64> = x.iter().map(|v| v[1]).collect();
    let fast: Vec<f64> = x.iter().map(|v| v[2]).collect();
    Ok(StsbReport {
        pairs: pairs.len(),
        spearman: spearman(&score, &gold),
        pearson: pearson(&score, &gold),
        copies: semantic.iter().filter(|s| s.is_none()).count(),
        not_candidates: semantic.iter().filter(|s| **s == Some(0.0)).count(),
        similarity_spearman: spearman(&linear, &gold),
        cosine_full_spearman: spearman(&full, &gold),
        cosine_fast_spearman: spearman(&fast, &gold),
    })
}

/// `scores.semantic` of every pair (1 for lexical copies), texts whole.
pub(crate) fn semantic_scores(
    pairs: &[LabelledPair],
    meaning: &Meaning,
) -> Result<Vec<f64>, EvalError> {
    pairs
        .par_iter()
        .map(|p| {
            Ok(compare_whole(&p.a, &p.b, meaning)?
                .scores
                .semantic
                .unwrap_or(1.0))
        })
        .collect()
}

// ---------------------------------------------------------------- SemEval

/// What the meaning layer finds in a pair as `compare_with_meaning` runs it
/// (default thresholds), or `None` when the verbatim evidence makes it a
/// copy (and the meaning layer does not run).
pub fn meaning_result(
    a: &Prepared,
    b: &Prepared,
    meaning: &Meaning,
) -> Result<Option<MeaningResult>, EvalError> {
    let c = compare(a, b, PairContext::default(), &Thresholds::default());
    if c.relation.is_copy() {
        return Ok(None);
    }
    let (sa, sb) = (Sentences::of(a, meaning), Sentences::of(b, meaning));
    Ok(Some(align_meaning(a, b, &sa, &sb, &c.passages, meaning)?))
}

/// SemEval pairs (texts whole) through the meaning layer (None for copies).
pub(crate) fn semeval_results(
    pairs: &[LabelledPair],
    meaning: &Meaning,
) -> Result<Vec<Option<MeaningResult>>, EvalError> {
    pairs
        .par_iter()
        .map(|p| meaning_result(&Prepared::whole(&p.a), &Prepared::whole(&p.b), meaning))
        .collect()
}

/// The story features of each result.
pub(crate) fn features_of(results: &[Option<MeaningResult>]) -> Vec<Option<DocFeatures>> {
    results
        .iter()
        .map(|r| r.as_ref().map(|r| r.features))
        .collect()
}

/// Out-of-fold story scores (copies 1) with the story model refitted on the
/// other folds; folds are over all pairs, copies included.
pub(crate) fn story_cv(
    features: &[Option<DocFeatures>],
    overall: &[f64],
    target: StoryTarget,
) -> Vec<f64> {
    let x: Vec<Option<Vec<f64>>> = features
        .iter()
        .map(|f| f.map(|f| f.vector().to_vec()))
        .collect();
    vectors_cv(&x, overall, target)
}

fn vectors_cv(x: &[Option<Vec<f64>>], overall: &[f64], target: StoryTarget) -> Vec<f64> {
    let mut out = vec![1.0; x.len()];
    for f in 0..FOLDS {
        let (mut tx, mut ty) = (Vec::new(), Vec::new());
        for (i, (xi, o)) in x.iter().zip(overall).enumerate() {
            if let (Some(xi), true) = (xi, fit::fold_of(i, FOLDS) != f) {
                tx.push(xi.clone());
                ty.push(*o);
            }
        }
        let w = fit_story(&tx, &ty, target);
        for (i, xi) in x.iter().enumerate() {
            if let (Some(xi), true) = (xi, fit::fold_of(i, FOLDS) == f) {
                out[i] = logistic_predict(&w, xi);
            }
        }
    }
    out
}

#[derive(Debug, Clone, Serialize)]
pub struct SemevalReport {
    pub pairs: usize,
    /// Pearson of `scores.story` (1 for lexical copies) against the negated
    /// gold `overall`, with the weights in use (fitted on these pairs)...
    pub pearson: f64,
    /// ...and with the story weights refitted by 5-fold cross-validation:
    /// the estimate for unseen pairs.
    pub cv_pearson: f64,
    /// The target the story weights are fitted to.
    pub target: StoryTarget,
    pub copies: usize,
    /// Pairs called same_story, or any relation but unrelated.
    pub same_story: usize,
    pub related: usize,
    /// Reference: plain cosine of whole-text vectors of each tier.
    pub cosine_full_pearson: f64,
    pub cosine_fast_pearson: f64,
    /// 5-fold CV Pearson of the first tier alone (no lead tier)...
    pub cv_pearson_first_tier: f64,
    /// ...and of the lead tier on every non-copy pair (no band).
    pub cv_pearson_lead_everywhere: f64,
    /// Pairs the lead tier decided (first tier in `story_band`).
    pub lead_tier_pairs: usize,
    /// Pairs whose story differs from the one recomputed from its features
    /// (should be 0: the features are those compare uses).
    pub feature_mismatches: usize,
}

/// SemEval-2022 Task 8 English dev pairs (`label` = overall, 1 = same story
/// .. 4 = unrelated) through `compare_with_meaning`.
pub fn semeval(
    path: &Path,
    meaning: &Meaning,
    target: StoryTarget,
) -> Result<SemevalReport, EvalError> {
    let pairs = read_pairs(path)?;
    warm_whole(&pairs, meaning, "SemEval")?;
    let comparisons: Vec<Comparison> = pairs
        .par_iter()
        .map(|p| compare_whole(&p.a, &p.b, meaning))
        .collect::<Result<_, EvalError>>()?;
    let results = semeval_results(&pairs, meaning)?;
    let features = features_of(&results);
    let cal = &meaning.calibration;
    let leads = semeval_leads(&pairs, meaning, cal.lead_bytes)?;
    let overall: Vec<f64> = pairs.iter().map(|p| p.label).collect();
    let negated: Vec<f64> = overall.iter().map(|o| -o).collect();
    let story: Vec<f64> = comparisons
        .iter()
        .map(|c| c.scores.story.unwrap_or(1.0))
        .collect();
    let feature_mismatches = comparisons
        .iter()
        .zip(features.iter().zip(&leads))
        .filter(|(c, (f, l))| match (c.scores.story, f) {
            (Some(s), Some(_)) => {
                let again = two_tier_story(
                    &cal.story,
                    &cal.story_lead,
                    cal.story_band,
                    f.as_ref(),
                    l.as_ref(),
                );
                (s - again).abs() > 1e-9
            }
            (None, None) => false,
            _ => true,
        })
        .count();
    let cv = two_tier_cv(&features, &leads, &overall, target, Some(cal.story_band));
    let cv_first = two_tier_cv(&features, &leads, &overall, target, Some([1.0, 0.0]));
    let cv_lead = two_tier_cv(&features, &leads, &overall, target, None);
    // Whole-text vectors: the full model windows long texts itself.
    let texts: Vec<&str> = pairs.iter().flat_map(|p| [&*p.a, &*p.b]).collect();
    warm(meaning, &texts, "SemEval whole texts")?;
    let full = meaning.full(&texts)?;
    let fast = meaning.fast(&texts);
    let cos_full: Vec<f64> = full
        .chunks(2)
        .map(|v| cosine(&v[0], &v[1]) as f64)
        .collect();
    let cos_fast: Vec<f64> = fast
        .chunks(2)
        .map(|v| cosine(&v[0], &v[1]) as f64)
        .collect();
    Ok(SemevalReport {
        pairs: pairs.len(),
        cv_pearson_first_tier: pearson(&cv_first, &negated),
        cv_pearson_lead_everywhere: pearson(&cv_lead, &negated),
        lead_tier_pairs: results
            .iter()
            .flatten()
            .filter(|r| r.lead.is_some())
            .count(),
        pearson: pearson(&story, &negated),
        cv_pearson: pearson(&cv, &negated),
        target,
        copies: features.iter().filter(|f| f.is_none()).count(),
        same_story: comparisons
            .iter()
            .filter(|c| c.relation == Relation::SameStory)
            .count(),
        related: comparisons
            .iter()
            .filter(|c| c.relation != Relation::Unrelated)
            .count(),
        cosine_full_pearson: pearson(&cos_full, &negated),
        cosine_fast_pearson: pearson(&cos_fast, &negated),
        feature_mismatches,
    })
}

// ---------------------------------------------------------------- speed

#[derive(Debug, Clone, Serialize)]
pub struct TierSpeed {
    /// Distinct STS-B dev sentences embedded.
    pub sentences: usize,
    /// Static table (tier 1), sentences per second.
    pub fast_per_s: f64,
    /// MiniLM (tier 2), uncached, sentences per second.
    pub full_per_s: f64,
    /// Rayon threads available to the full model.
    pub threads: usize,
}

/// Times both tiers on the first `n` distinct sentences of the STS-B file.
pub fn tier_speed(path: &Path, meaning: &Meaning, n: usize) -> Result<TierSpeed, EvalError> {
    let pairs = read_pairs(path)?;
    let mut seen = std::collections::HashSet::new();
    let sentences: Vec<&str> = pairs
        .iter()
        .flat_map(|p| [&*p.a, &*p.b])
        .filter(|s| seen.insert(*s))
        .take(n)
        .collect();
    // The fast tier takes well under a second: repeat for a steady figure.
    let started = Instant::now();
    let mut rounds = 0;
    while rounds == 0 || started.elapsed().as_secs_f64() < 1.0 {
        std::hint::black_box(meaning.fast(&sentences));
        rounds += 1;
    }
    let fast_per_s = (rounds * sentences.len()) as f64 / started.elapsed().as_secs_f64();
    let started = Instant::now();
    std::hint::black_box(meaning.full_model().embed(&sentences)?);
    let full_per_s = sentences.len() as f64 / started.elapsed().as_secs_f64();
    Ok(TierSpeed {
        sentences: sentences.len(),
        fast_per_s,
        full_per_s,
        threads: rayon::current_num_threads(),
    })
}

// ---------------------------------------------------------------- seeds

/// The relation `scan` (with the meaning layer) gives one pair of seeds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeedPair {
    pub a: String,
    pub b: String,
    pub relation: Relation,
}

/// Scans the seed articles in `dir` with the meaning layer and lists every
/// pair of them (`unrelated` for pairs the scan did not report).
pub fn seed_relations(dir: &Path, meaning: &Meaning) -> Result<Vec<SeedPair>, EvalError> {
    let result = unspun_scan::scan_with_meaning(
        &[dir.to_path_buf()],
        &unspun_scan::ScanOptions::default(),
        Some(meaning),
        &unspun_scan::Quiet,
    )?;
    let ids: Vec<&str> = result.documents.iter().map(|d| d.id.as_str()).collect();
    let mut out = Vec::new();
    for (i, a) in ids.iter().enumerate() {
        for b in &ids[i + 1..] {
            let (a, b) = if a <= b { (a, b) } else { (b, a) };
            let relation = result
                .pairs
                .iter()
                .find(|p| (&*p.a, &*p.b) == (*a, *b) || (&*p.a, &*p.b) == (*b, *a))
                .map_or(Relation::Unrelated, |p| p.relation);
            out.push(SeedPair {
                a: a.to_string(),
                b: b.to_string(),
                relation,
            });
        }
    }
    out.sort_by(|x, y| (&x.a, &x.b).cmp(&(&y.a, &y.b)));
    Ok(out)
}

/// Whether the seed relations are the ones the project promises: 000-002
/// paraphrase, 001-002 reuse, 003 and 004 same_story with every other seed
/// (seeds are named by their first three characters).
pub fn seeds_keep(pairs: &[SeedPair]) -> bool {
    let relation = |x: &str, y: &str| {
        pairs
            .iter()
            .find(|p| {
                let (a, b) = (&p.a[..p.a.len().min(3)], &p.b[..p.b.len().min(3)]);
                (a, b) == (x, y) || (a, b) == (y, x)
            })
            .map(|p| p.relation)
    };
    let mut ok = relation("000", "002") == Some(Relation::Paraphrase)
        && relation("001", "002") == Some(Relation::Reuse);
    for story in ["003", "004"] {
        for other in ["000", "001", "002", "003", "004"] {
            if other != story {
                ok &= relation(story, other) == Some(Relation::SameStory);
            }
        }
    }
    ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(a: &str, b: &str, relation: Relation) -> SeedPair {
        SeedPair {
            a: format!("{a}_x.txt"),
            b: format!("{b}_y.txt"),
            relation,
        }
    }

    #[test]
    fn seed_promise() {
        let mut pairs = vec![
            pair("000", "001", Relation::Reuse),
            pair("000", "002", Relation::Paraphrase),
            pair("001", "002", Relation::Reuse),
        ];
        for s in ["003", "004"] {
            for o in ["000", "001", "002"] {
                pairs.push(pair(o, s, Relation::SameStory));
            }
        }
        pairs.push(pair("003", "004", Relation::SameStory));
        assert!(seeds_keep(&pairs));
        pairs[1].relation = Relation::SameStory;
        assert!(!seeds_keep(&pairs));
        pairs[1].relation = Relation::Paraphrase;
        pairs.pop();
        assert!(!seeds_keep(&pairs), "a missing pair fails");
    }

    #[test]
    fn story_targets() {
        assert_eq!(StoryTarget::Binary.of(2.5), 1.0);
        assert_eq!(StoryTarget::Binary.of(2.6), 0.0);
        assert_eq!(StoryTarget::Graded.of(1.0), 1.0);
        assert_eq!(StoryTarget::Graded.of(4.0), 0.0);
        assert!((StoryTarget::Graded.of(2.5) - 0.5).abs() < 1e-12);
    }
}
