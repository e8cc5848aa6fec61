//! Pass 6 of a scan: stories, provenance and claims, from the verified
//! pairs. Texts are read back from the spool only for the documents and
//! pairs that need them (derivation candidates, stories small enough for a
//! claim matrix), a story or a pair at a time.

use crate::output::PairRecord;
use rayon::prelude::*;
use unspun_cluster::{
    claims, derive, edges_by_group, original, stories, Derivation, DocMeta, SharedText, Story,
    StoryEdge, StoryParams, TextOf,
};
use unspun_compare::Meaning;
use unspun_text::Span;

pub use unspun_cluster::{story_weight, NEAR_MISS_STORY};

/// The sentences that make one claim, `(document, bytes)`, at most one per
/// document; the first words the claim.
pub type ClaimSentences = Vec<(u32, Span)>;

/// What pass 6 found.
#[derive(Debug, Default)]
pub struct Analysis {
    pub stories: Vec<Story>,
    pub derivations: Vec<Derivation>,
    /// Per story: its claims, each as its sentences `(document, bytes)`,
    /// or `None` when the story is too large for a matrix. A claim's text
    /// is its first sentence, read back from the spool when written (see
    /// `story_lines`).
    pub claims: Vec<Option<Vec<ClaimSentences>>>,
    /// The story of each document, by index into `stories`.
    pub story_of: Vec<Option<usize>>,
}

/// What is known of each document, by index.
pub struct Docs<'a> {
    pub meta: Vec<DocMeta<'a>>,
    pub kept: &'a [Vec<Span>],
}

/// Knobs of pass 6.
#[derive(Debug, Clone, Copy)]
pub struct AnalysisOptions {
    pub stories: StoryParams,
    /// Stories with more documents get no claim matrix (its cost is
    /// quadratic in documents).
    pub claim_max_docs: usize,
}

pub fn analyse(
    docs: &Docs,
    pairs: &[PairRecord],
    near_misses: &[(u32, u32, f64)],
    text: TextOf,
    meaning: Option<&Meaning>,
    opts: &AnalysisOptions,
) -> std::io::Result<Analysis> {
    let ids: Vec<&str> = docs.meta.iter().map(|d| d.id).collect();
    let days: Vec<Option<i64>> = docs.meta.iter().map(|d| d.day).collect();
    let mut edges: Vec<StoryEdge> = pairs
        .iter()
        .map(|p| StoryEdge {
            a: p.a_index,
            b: p.b_index,
            weight: story_weight(p.relation, p.scores.story),
        })
        .collect();
    edges.extend(
        near_misses
            .iter()
            .map(|&(a, b, weight)| StoryEdge { a, b, weight }),
    );
    let stories = stories(&ids, &days, &edges, &opts.stories);

    let shared: Vec<SharedText> = pairs
        .iter()
        .map(|p| SharedText {
            a: p.a_index,
            b: p.b_index,
            relation: p.relation,
            scores: &p.scores,
            passages: &p.passages,
        })
        .collect();
    let derivations = derive(&docs.meta, &shared, text)?;

    let mut story_of = vec![None; ids.len()];
    for (k, s) in stories.iter().enumerate() {
        for &m in &s.members {
            story_of[m as usize] = Some(k);
        }
    }
    let inside = edges_by_group(&derivations, &story_of, stories.len());
    let mut pairs_in: Vec<Vec<SharedText>> = vec![Vec::new(); stories.len()];
    for p in &shared {
        let of = |d: u32| story_of.get(d as usize).copied().flatten();
        if let (Some(x), Some(y)) = (of(p.a), of(p.b)) {
            if x == y {
                pairs_in[x].push(*p);
            }
        }
    }
    let claims = stories
        .par_iter()
        .zip(&inside)
        .zip(&pairs_in)
        .map(|((s, edges), pairs)| {
            if s.members.len() > opts.claim_max_docs {
                return Ok(None);
            }
            // The original's wording names each claim it carries.
            let mut order = s.members.clone();
            if let Some(o) = original(&s.members, edges.iter().map(|&k| &derivations[k])) {
                order.retain(|&m| m != o);
                order.insert(0, o);
            }
            let found = claims(&order, docs.kept, pairs, text, meaning)?;
            Ok(Some(found.into_iter().map(|c| c.sentences).collect()))
        })
        .collect::<std::io::Result<Vec<_>>>()?;
    Ok(Analysis {
        stories,
        derivations,
        claims,
        story_of,
    })
}
