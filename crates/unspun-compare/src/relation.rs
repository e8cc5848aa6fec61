//! The relation of a pair, its evidence and its direction.

use crate::align::{align, coverage, Passage};
use crate::meaning::{
    align_meaning_with, align_planned, aligned_paraphrase, Calibration, Leads, Meaning,
    MeaningResult, Plan, Sentences,
};
use crate::prepare::Prepared;
use crate::rewrite;
use crate::verify::set_overlap;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    Duplicate,
    NearDuplicate,
    Containment,
    Reuse,
    Paraphrase,
    SameStory,
    Unrelated,
}

impl Relation {
    pub const ALL: [Relation; 7] = [
        Relation::Duplicate,
        Relation::NearDuplicate,
        Relation::Containment,
        Relation::Reuse,
        Relation::Paraphrase,
        Relation::SameStory,
        Relation::Unrelated,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Relation::Duplicate => "duplicate",
            Relation::NearDuplicate => "near_duplicate",
            Relation::Containment => "containment",
            Relation::Reuse => "reuse",
            Relation::Paraphrase => "paraphrase",
            Relation::SameStory => "same_story",
            Relation::Unrelated => "unrelated",
        }
    }

    /// Relations that make two documents members of one copy family.
    pub fn is_copy(&self) -> bool {
        matches!(
            self,
            Relation::Duplicate | Relation::NearDuplicate | Relation::Containment
        )
    }
}

impl std::fmt::Display for Relation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    A,
    B,
}

/// Scores of a pair, all in 0..1. `lexical` and the containments are exact,
/// on the shingle sets; the coverages are the share of each side's content
/// tokens inside aligned passages (robust to small edits, which break
/// shingles but not passages).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Scores {
    #[serde(serialize_with = "round4")]
    pub lexical: f64,
    #[serde(serialize_with = "round4")]
    pub containment_a_in_b: f64,
    #[serde(serialize_with = "round4")]
    pub containment_b_in_a: f64,
    #[serde(serialize_with = "round4")]
    pub coverage_a: f64,
    #[serde(serialize_with = "round4")]
    pub coverage_b: f64,
    /// How much of the smaller text's meaning the other carries (meaning
    /// layer; null when it did not run).
    #[serde(serialize_with = "round4_opt")]
    pub semantic: Option<f64>,
    /// Probability that the two report the same event (meaning layer).
    #[serde(serialize_with = "round4_opt")]
    pub story: Option<f64>,
    /// The rewrite tier's measure, where it ran: each sentence of the smaller
    /// text's best full-model cosine in the other, averaged (`paraphrase`
    /// from `rewrite_cosine` up; see `crate::rewrite`).
    #[serde(
        default,
        serialize_with = "round4_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub rewrite: Option<f64>,
}

/// Four decimals: enough to rank, short to read, and free of float noise.
pub fn round4<S: serde::Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((x * 10_000.0).round() / 10_000.0)
}

pub fn round4_opt<S: serde::Serializer>(x: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match x {
        Some(v) => round4(v, s),
        None => s.serialize_none(),
    }
}

/// Decision thresholds. The defaults were calibrated with `unspun eval
/// --calibrate` on a development bench corpus (make_corpus.py seed 1) and the
/// Clough & Stevenson dev pairs; see docs/calibration.md.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// Exact Jaccard at or above which a pair is a duplicate.
    pub duplicate_jaccard: f64,
    /// Coverage of both sides for a near-duplicate.
    pub near_duplicate_coverage: f64,
    /// Coverage of the contained side for containment...
    pub containment_coverage: f64,
    /// ...and passage tokens on that side: a document of a sentence or two
    /// found inside another is a quote (reuse), not a copy, and would chain
    /// unrelated families together through every page that quotes it.
    pub containment_tokens: usize,
    /// Coverage of the smaller side for reuse...
    pub reuse_coverage: f64,
    /// ...and passage tokens on that side;
    pub reuse_tokens: usize,
    /// or at least this many passage tokens, whatever the share.
    pub reuse_long_tokens: usize,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            duplicate_jaccard: 0.9,
            near_duplicate_coverage: 0.6,
            containment_coverage: 0.8,
            containment_tokens: 96,
            reuse_coverage: 0.15,
            reuse_tokens: 40,
            reuse_long_tokens: 60,
        }
    }
}

/// Shared shingles below which no alignment is tried: reuse needs far more.
const MIN_SHARED_TO_ALIGN: usize = 8;

/// What is known of the pair beyond its text.
#[derive(Debug, Clone, Copy, Default)]
pub struct PairContext<'a> {
    pub date_a: Option<&'a str>,
    pub date_b: Option<&'a str>,
}

/// Why a pair's scores are less than the pipeline could give.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Note {
    /// A side is not English prose: the meaning layer (an English model)
    /// was not applied, and the relation rests on the verbatim evidence.
    NotEnglish,
    /// A side has no words (once boilerplate is set aside): nothing to
    /// compare, so the pair is `unrelated` with no meaning scores.
    Empty,
}

impl Note {
    /// The name in JSON output.
    pub fn as_str(&self) -> &'static str {
        match self {
            Note::NotEnglish => "not_english",
            Note::Empty => "empty",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub relation: Relation,
    /// Which side the other was copied from, where the evidence says.
    pub source: Option<Side>,
    pub scores: Scores,
    pub passages: Vec<Passage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Note>,
}

/// Compares two prepared documents.
pub fn compare(a: &Prepared, b: &Prepared, ctx: PairContext, th: &Thresholds) -> Comparison {
    let overlap = set_overlap(&a.set, &b.set);
    // Too few shared shingles for any passage that could change the
    // relation: skip the alignment (most candidates of a large corpus).
    let worth_aligning =
        overlap.shared >= MIN_SHARED_TO_ALIGN || overlap.a_in_b().max(overlap.b_in_a()) >= 0.5;
    let passages = if worth_aligning {
        align(a, b)
    } else {
        Vec::new()
    };
    let (coverage_a, coverage_b) = coverage(a, b, &passages);
    let scores = Scores {
        lexical: overlap.jaccard(),
        containment_a_in_b: overlap.a_in_b(),
        containment_b_in_a: overlap.b_in_a(),
        coverage_a,
        coverage_b,
        semantic: None,
        story: None,
        rewrite: None,
    };
    let features = LexicalFeatures {
        lexical: scores.lexical,
        coverage_a,
        coverage_b,
        tokens_a: a.tokens.len(),
        tokens_b: b.tokens.len(),
        passage_tokens_a: passages.iter().map(Passage::token_len_a).sum(),
        passage_tokens_b: passages.iter().map(Passage::token_len_b).sum(),
    };
    let relation = decide_lexical(&features, th);
    let source = source_side(relation, &scores, ctx);
    Comparison {
        relation,
        source,
        scores,
        passages,
        note: (a.tokens.is_empty() || b.tokens.is_empty()).then_some(Note::Empty),
    }
}

/// Compares two documents lexically and, with a [`Meaning`], by meaning:
/// spun rewrites become `paraphrase`, independent reports `same_story`.
pub fn compare_with_meaning(
    a: &Prepared,
    b: &Prepared,
    ctx: PairContext,
    th: &Thresholds,
    meaning: Option<&Meaning>,
) -> Result<Comparison, unspun_embed::EmbedError> {
    compare_cached(
        a,
        b,
        ctx,
        th,
        meaning,
        [&SentencesCell::new(), &SentencesCell::new()],
    )
}

/// A document's [`Sentences`], made on first use: a caller comparing one
/// document with many passes the same cell to all of its pairs.
pub type SentencesCell = OnceLock<Sentences>;

/// [`compare_with_meaning`] with each side's sentences kept in `cells`.
pub fn compare_cached(
    a: &Prepared,
    b: &Prepared,
    ctx: PairContext,
    th: &Thresholds,
    meaning: Option<&Meaning>,
    cells: [&SentencesCell; 2],
) -> Result<Comparison, unspun_embed::EmbedError> {
    match lexical_first(a, b, ctx, th, meaning, cells) {
        (c, None) => Ok(c),
        (c, Some((meaning, sa, sb))) => {
            let plan = Plan::new(a, b, sa, sb, &c.passages, meaning).checking_rewrites(c.relation);
            let m = align_meaning_with(a, b, sa, sb, meaning, &plan)?;
            Ok(with_meaning(c, a, b, m, meaning, ctx))
        }
    }
}

/// The lexical comparison, and with the meaning layer both sides'
/// sentences, unless the pair is a copy: the verbatim evidence already
/// decides copies, and their meaning scores stay null rather than cost a
/// model run.
fn lexical_first<'m>(
    a: &Prepared,
    b: &Prepared,
    ctx: PairContext,
    th: &Thresholds,
    meaning: Option<&'m Meaning>,
    cells: [&'m SentencesCell; 2],
) -> (
    Comparison,
    Option<(&'m Meaning, &'m Sentences, &'m Sentences)>,
) {
    let mut c = compare(a, b, ctx, th);
    match meaning {
        Some(m) if !c.relation.is_copy() && c.note.is_none() => {
            // The model reads English; its guess on other text is noise.
            if !(a.reads_as_english() && b.reads_as_english()) {
                c.note = Some(Note::NotEnglish);
                return (c, None);
            }
            let sa = cells[0].get_or_init(|| Sentences::of(a, m));
            let sb = cells[1].get_or_init(|| Sentences::of(b, m));
            (c, Some((m, sa, sb)))
        }
        _ => (c, None),
    }
}

/// A pair's comparison, or the sentences the full model must embed first.
pub enum Staged {
    Done(Comparison),
    /// Embed these with [`Meaning::full`] (with those of many other pairs:
    /// small batches waste most of the model's time), then stage the pair
    /// again: it may need a second batch (the lead tier's texts, known only
    /// once its sentences are aligned), or call [`compare_cached`].
    NeedsModel(Vec<String>),
}

/// [`compare_with_meaning`] for pairs that do not need the full model; for
/// those that do, the texts to embed. A corpus scan compares most pairs in
/// one pass this way and only the rest again, after each batch.
///
/// `cells` keep each side's [`Sentences`] for its other pairs (and for
/// [`compare_cached`] after the batch).
pub fn compare_staged(
    a: &Prepared,
    b: &Prepared,
    ctx: PairContext,
    th: &Thresholds,
    meaning: Option<&Meaning>,
    cells: [&SentencesCell; 2],
) -> Result<Staged, unspun_embed::EmbedError> {
    let (c, meaning, sa, sb) = match lexical_first(a, b, ctx, th, meaning, cells) {
        (c, None) => return Ok(Staged::Done(c)),
        (c, Some((meaning, sa, sb))) => (c, meaning, sa, sb),
    };
    let plan = Plan::new(a, b, sa, sb, &c.passages, meaning).checking_rewrites(c.relation);
    let missing = meaning.missing(&plan.model_sentences(a, b, sa, sb));
    if !missing.is_empty() {
        return Ok(Staged::NeedsModel(
            missing.into_iter().map(str::to_string).collect(),
        ));
    }
    match align_planned(a, b, sa, sb, meaning, &plan, Leads::Cached)? {
        Ok(m) => Ok(Staged::Done(with_meaning(c, a, b, m, meaning, ctx))),
        Err(lead_texts) => Ok(Staged::NeedsModel(lead_texts)),
    }
}

/// The lexical comparison `c` completed with what the meaning layer found.
fn with_meaning(
    mut c: Comparison,
    a: &Prepared,
    b: &Prepared,
    m: MeaningResult,
    meaning: &Meaning,
    ctx: PairContext,
) -> Comparison {
    c.scores.semantic = Some(m.semantic);
    c.scores.story = Some(m.story);
    c.scores.rewrite = m.rewrite.as_ref().map(|r| r.cosine);
    let smaller_aligned = if a.tokens.len() <= b.tokens.len() {
        m.aligned_a
    } else {
        m.aligned_b
    };
    let cal = &meaning.calibration;
    let relation = meaning_relation(c.relation, smaller_aligned, &m, cal);
    let aligned = aligned_paraphrase(smaller_aligned, m.paraphrased_sentences, cal);
    if relation == Relation::Paraphrase {
        let evidence = match m.rewrite {
            Some(r) if !aligned => r.passages,
            _ => m.paraphrase_passages,
        };
        c.passages.extend(evidence);
        c.passages.sort_by_key(|p| (p.a.start, p.b.start));
    }
    c.relation = relation;
    c.source = source_side(relation, &c.scores, ctx);
    c
}

/// The relation of a pair that is not a copy, from its lexical relation,
/// the aligned share of the smaller text and what the meaning layer found.
pub fn meaning_relation(
    lexical: Relation,
    smaller_aligned: f64,
    m: &MeaningResult,
    cal: &Calibration,
) -> Relation {
    // A rewrite too free for the sentence classifier, read as a whole text
    // (its gate asked again: a calibration sweep re-decides pairs measured
    // under other knobs).
    let rewritten = m.rewrite.as_ref().is_some_and(|r| {
        rewrite::worth_checking(r.sentences, m.rewrite_estimate, cal)
            && r.cosine >= cal.rewrite_cosine
    });
    if aligned_paraphrase(smaller_aligned, m.paraphrased_sentences, cal) {
        Relation::Paraphrase
    } else if lexical == Relation::Reuse {
        Relation::Reuse
    } else if rewritten {
        Relation::Paraphrase
    } else if m.story >= 0.5 {
        Relation::SameStory
    } else {
        Relation::Unrelated
    }
}

/// What the lexical decision reads: kept apart so that a threshold sweep can
/// re-decide stored pairs without aligning them again.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LexicalFeatures {
    pub lexical: f64,
    pub coverage_a: f64,
    pub coverage_b: f64,
    /// Content tokens of each side.
    pub tokens_a: usize,
    pub tokens_b: usize,
    /// Tokens of each side inside passages.
    pub passage_tokens_a: usize,
    pub passage_tokens_b: usize,
}

/// The relation the verbatim evidence supports.
pub fn decide_lexical(f: &LexicalFeatures, th: &Thresholds) -> Relation {
    let (ca, cb) = (f.coverage_a, f.coverage_b);
    if f.lexical >= th.duplicate_jaccard {
        return Relation::Duplicate;
    }
    if ca.min(cb) >= th.near_duplicate_coverage {
        return Relation::NearDuplicate;
    }
    let contained_tokens = if ca >= cb {
        f.passage_tokens_a
    } else {
        f.passage_tokens_b
    };
    if ca.max(cb) >= th.containment_coverage {
        if contained_tokens >= th.containment_tokens {
            return Relation::Containment;
        }
        // A sentence or two, wholly quoted: reuse, when it is a sentence's
        // worth at least (half what reuse asks of a part of a text).
        if contained_tokens >= th.reuse_tokens / 2 {
            return Relation::Reuse;
        }
    }
    let (share, tokens) = if f.tokens_a <= f.tokens_b {
        (ca, f.passage_tokens_a)
    } else {
        (cb, f.passage_tokens_b)
    };
    // Reuse: a real share of the smaller text, or a long passage whatever
    // the sizes (a page quoting several paragraphs of a long report).
    if (share >= th.reuse_coverage && tokens >= th.reuse_tokens) || tokens >= th.reuse_long_tokens {
        Relation::Reuse
    } else {
        Relation::Unrelated
    }
}

/// The earlier document is the source when dates differ; otherwise, for
/// containment, the containing one (the copy is the part).
fn source_side(relation: Relation, s: &Scores, ctx: PairContext) -> Option<Side> {
    if relation == Relation::Unrelated {
        return None;
    }
    if let (Some(da), Some(db)) = (ctx.date_a, ctx.date_b) {
        match da.cmp(db) {
            std::cmp::Ordering::Less => return Some(Side::A),
            std::cmp::Ordering::Greater => return Some(Side::B),
            std::cmp::Ordering::Equal => {}
        }
    }
    if relation == Relation::Containment {
        return Some(if s.coverage_a >= s.coverage_b {
            Side::B
        } else {
            Side::A
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notes_name_is_its_json_name() {
        for note in [Note::NotEnglish, Note::Empty] {
            assert_eq!(serde_json::to_value(note).unwrap(), note.as_str());
        }
    }

    const ORIGINAL: &str = "China's President Xi Jinping will travel to Moscow next week to hold talks with Russian President Vladimir Putin, officials say. \
        The Kremlin said they would discuss a comprehensive partnership and strategic co-operation. \
        The visit comes as Beijing, an ally of Russia, has offered proposals to end the war in Ukraine, to which the West has given a lukewarm reception. \
        Western countries have warned Beijing against supplying Moscow with weapons.";

    const MORE: &str = "Mr Xi's visit had been expected for months, analysts said. \
        Beijing has sought to cast itself as a neutral party in the conflict, while deepening trade with Moscow. \
        A foreign ministry spokeswoman said China would play a constructive role in promoting talks for peace. \
        Last month Beijing published a twelve-point paper calling for a ceasefire, which Kyiv's allies dismissed. \
        Trade between the two countries reached a record last year, driven by energy sales to China.";

    const BACKGROUND: &str = "Relations between the two neighbours have swung between rivalry and alliance for most of the last century. \
        In the 1960s a bitter split divided the communist world, and troops clashed along the long shared border. \
        Ties warmed after the end of the Soviet Union, when both governments settled their remaining territorial disputes. \
        Since then the two have held joint military exercises, signed energy contracts worth hundreds of billions of dollars and coordinated their votes at the United Nations. \
        Critics in Europe and the United States argue that the partnership helps Moscow withstand sanctions imposed after the invasion. \
        Officials in Beijing reject that view and insist that their trade with Russia is normal commercial activity between sovereign states.";

    fn cmp(a: &str, b: &str) -> Comparison {
        compare(
            &Prepared::whole(a),
            &Prepared::whole(b),
            PairContext::default(),
            &Thresholds::default(),
        )
    }

    #[test]
    fn identical_is_duplicate() {
        let c = cmp(ORIGINAL, ORIGINAL);
        assert_eq!(c.relation, Relation::Duplicate);
        assert_eq!(c.scores.lexical, 1.0);
    }

    #[test]
    fn noisy_copy_is_near_duplicate() {
        let noisy = ORIGINAL
            .replace("travel", "travl")
            .replace("lukewarm", "cool")
            .replace("Western", "Westren");
        assert_eq!(cmp(ORIGINAL, &noisy).relation, Relation::NearDuplicate);
    }

    #[test]
    fn part_of_the_original_is_contained_and_copied_from_it() {
        let part = format!("{ORIGINAL} {MORE}");
        let original = format!("{part} {BACKGROUND}");
        let c = cmp(&part, &original);
        assert_eq!(c.relation, Relation::Containment);
        assert_eq!(c.source, Some(Side::B));
        assert!(c.scores.containment_a_in_b > 0.95);
    }

    #[test]
    fn two_sentences_found_inside_an_article_are_a_quote_not_a_copy() {
        let quote = "The visit comes as Beijing, an ally of Russia, has offered proposals to end the war in Ukraine, to which the West has given a lukewarm reception. \
            Western countries have warned Beijing against supplying Moscow with weapons.";
        let c = cmp(quote, ORIGINAL);
        assert!(c.scores.containment_a_in_b > 0.99);
        assert_eq!(c.relation, Relation::Reuse);
    }

    #[test]
    fn dates_decide_the_source() {
        let c = compare(
            &Prepared::whole(ORIGINAL),
            &Prepared::whole(ORIGINAL),
            PairContext {
                date_a: Some("2023-03-18"),
                date_b: Some("2023-03-17"),
            },
            &Thresholds::default(),
        );
        assert_eq!(c.source, Some(Side::B));
    }
}
