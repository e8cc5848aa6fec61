//! Clough & Stevenson rewritten texts: does a single comparison tell answers
//! copied from the Wikipedia source (cut, light) from the others (heavy,
//! non)?

use crate::features::{is_copied, PairFeatures};
use crate::{jsonl, ratio, EvalError, ThresholdValues};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use unspun_compare::{compare_with_meaning, Meaning, PairContext, Prepared, Relation, Thresholds};
use unspun_text::clean;

/// How an answer was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    /// Copy-paste of the source.
    Cut,
    /// Light edits of the source.
    Light,
    /// Rewritten in the writer's words.
    Heavy,
    /// Written independently.
    Non,
}

impl Label {
    pub fn copied(self) -> bool {
        matches!(self, Label::Cut | Label::Light)
    }

    /// The relation the finished pipeline (with its meaning layer) should
    /// give: any copy relation, paraphrase, or no copy at all.
    pub fn four_way_ok(self, r: Relation) -> bool {
        match self {
            Label::Cut | Label::Light => is_copied(r),
            Label::Heavy => r == Relation::Paraphrase,
            Label::Non => matches!(r, Relation::SameStory | Relation::Unrelated),
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct Row {
    pub id: String,
    pub a: String,
    pub b: String,
    pub label: Label,
}

/// One compared pair.
#[derive(Debug, Clone)]
pub(crate) struct ComparedPair {
    pub id: String,
    pub label: Label,
    pub relation: Relation,
    pub features: PairFeatures,
}

/// A copied-vs-not error, with the evidence behind it.
#[derive(Debug, Clone, Serialize)]
pub struct CloughMiss {
    pub id: String,
    pub label: Label,
    pub relation: Relation,
    pub lexical: f64,
    pub coverage_a: f64,
    pub coverage_b: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct CloughReport {
    pub pairs: usize,
    pub thresholds: ThresholdValues,
    /// Share of pairs where "copied" (duplicate, near-duplicate, containment
    /// or reuse) agrees with the label being cut or light.
    pub copied_accuracy: f64,
    pub copied_correct: usize,
    /// Share of pairs with the relation the label calls for (see
    /// [`Label::four_way_ok`]); heavy needs the meaning layer.
    pub four_way_accuracy: f64,
    /// Label → relation → pairs.
    pub confusion: BTreeMap<Label, BTreeMap<Relation, usize>>,
    pub misses: Vec<CloughMiss>,
}

/// Compares every pair of the Clough & Stevenson JSONL file (`a` = source,
/// `b` = answer) on boilerplate-cleaned texts, with the meaning layer when
/// given one (without it no pair can be `paraphrase`, so heavy rewrites all
/// miss the 4-way accuracy).
pub fn clough(
    path: &Path,
    th: &Thresholds,
    meaning: Option<&Meaning>,
) -> Result<CloughReport, EvalError> {
    Ok(report(&compare_all(path, th, meaning)?, th))
}

pub(crate) fn compare_all(
    path: &Path,
    th: &Thresholds,
    meaning: Option<&Meaning>,
) -> Result<Vec<ComparedPair>, EvalError> {
    let rows: Vec<(usize, Row)> = jsonl::read_all(path)?;
    if let Some(m) = meaning {
        let mut texts = Vec::new();
        for (_, row) in &rows {
            for t in [&row.a, &row.b] {
                let cleaned = clean(t, None, None);
                texts.extend(crate::semantic::sentence_texts(
                    &Prepared::new(t, &cleaned.kept),
                    m,
                ));
            }
        }
        crate::semantic::warm(m, &texts, "Clough & Stevenson")?;
    }
    rows.par_iter()
        .map(|(_, row)| {
            let (clean_a, clean_b) = (clean(&row.a, None, None), clean(&row.b, None, None));
            let a = Prepared::new(&row.a, &clean_a.kept);
            let b = Prepared::new(&row.b, &clean_b.kept);
            let c = compare_with_meaning(&a, &b, PairContext::default(), th, meaning)?;
            Ok(ComparedPair {
                id: row.id.clone(),
                label: row.label,
                relation: c.relation,
                features: PairFeatures::of(&c.scores, &c.passages, a.tokens.len(), b.tokens.len()),
            })
        })
        .collect()
}

/// Scores pairs whose relations are already decided.
pub(crate) fn report(pairs: &[ComparedPair], th: &Thresholds) -> CloughReport {
    let mut confusion: BTreeMap<Label, BTreeMap<Relation, usize>> = BTreeMap::new();
    let (mut correct, mut four_way) = (0, 0);
    let mut misses = Vec::new();
    for p in pairs {
        *confusion
            .entry(p.label)
            .or_default()
            .entry(p.relation)
            .or_default() += 1;
        four_way += usize::from(p.label.four_way_ok(p.relation));
        if is_copied(p.relation) == p.label.copied() {
            correct += 1;
        } else {
            misses.push(CloughMiss {
                id: p.id.clone(),
                label: p.label,
                relation: p.relation,
                lexical: p.features.lexical,
                coverage_a: p.features.coverage_a,
                coverage_b: p.features.coverage_b,
            });
        }
    }
    CloughReport {
        pairs: pairs.len(),
        thresholds: (*th).into(),
        copied_accuracy: ratio(correct, pairs.len()),
        copied_correct: correct,
        four_way_accuracy: ratio(four_way, pairs.len()),
        confusion,
        misses,
    }
}

/// Copied-vs-not accuracy of `pairs` re-decided under `th`.
pub(crate) fn copied_accuracy(pairs: &[ComparedPair], th: &Thresholds) -> f64 {
    let correct = pairs
        .iter()
        .filter(|p| is_copied(p.features.classify(th)) == p.label.copied())
        .count();
    ratio(correct, pairs.len())
}
