//! What the relation decision of [`unspun_compare::compare`] reads, kept per
//! pair so that a threshold sweep can re-decide without re-aligning.

use unspun_compare::{Passage, Relation, Scores, Thresholds};

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PairFeatures {
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

impl PairFeatures {
    /// From a comparison's scores and passages (a `Comparison` or a scan's
    /// `PairRecord`) and the content token counts of both sides.
    pub fn of(scores: &Scores, passages: &[Passage], tokens_a: usize, tokens_b: usize) -> Self {
        PairFeatures {
            lexical: scores.lexical,
            coverage_a: scores.coverage_a,
            coverage_b: scores.coverage_b,
            tokens_a,
            tokens_b,
            passage_tokens_a: passages.iter().map(Passage::token_len_a).sum(),
            passage_tokens_b: passages.iter().map(Passage::token_len_b).sum(),
        }
    }

    /// The lexical relation under `th`, decided by the same function as
    /// `unspun_compare::compare`.
    pub fn classify(&self, th: &Thresholds) -> Relation {
        unspun_compare::decide_lexical(
            &unspun_compare::LexicalFeatures {
                lexical: self.lexical,
                coverage_a: self.coverage_a,
                coverage_b: self.coverage_b,
                tokens_a: self.tokens_a,
                tokens_b: self.tokens_b,
                passage_tokens_a: self.passage_tokens_a,
                passage_tokens_b: self.passage_tokens_b,
            },
            th,
        )
    }
}

/// Relations decided from the lexical evidence alone (the ones
/// [`PairFeatures::classify`] can reproduce).
pub(crate) fn is_lexical(r: Relation) -> bool {
    matches!(
        r,
        Relation::Duplicate
            | Relation::NearDuplicate
            | Relation::Containment
            | Relation::Reuse
            | Relation::Unrelated
    )
}

/// Relations that say one text was copied from the other, in whole or part.
pub(crate) fn is_copied(r: Relation) -> bool {
    matches!(
        r,
        Relation::Duplicate | Relation::NearDuplicate | Relation::Containment | Relation::Reuse
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use unspun_compare::{compare, PairContext, Prepared};

    const SOURCE: &str = "China's President Xi Jinping will travel to Moscow next week to hold talks with Russian President Vladimir Putin, officials say. \
        The Kremlin said they would discuss a comprehensive partnership and strategic co-operation. \
        The visit comes as Beijing, an ally of Russia, has offered proposals to end the war in Ukraine, to which the West has given a lukewarm reception. \
        Western countries have warned Beijing against supplying Moscow with weapons.";

    #[test]
    fn classify_agrees_with_compare_across_thresholds() {
        let part = &SOURCE[SOURCE.find("The visit").unwrap_or(0)..];
        let noisy = SOURCE
            .replace("travel", "travl")
            .replace("lukewarm", "cool");
        let quoting = format!("Reporters in Moscow and Beijing watched closely as the talks were announced this week. {part} Analysts expect little.");
        let texts = [
            SOURCE,
            part,
            noisy.as_str(),
            quoting.as_str(),
            "Nothing to do with any of it, a recipe for bread with flour and water.",
        ];
        let grid = [
            Thresholds::default(),
            Thresholds {
                duplicate_jaccard: 0.5,
                near_duplicate_coverage: 0.3,
                ..Thresholds::default()
            },
            Thresholds {
                containment_coverage: 0.2,
                reuse_coverage: 0.05,
                reuse_tokens: 8,
                ..Thresholds::default()
            },
            Thresholds {
                duplicate_jaccard: 1.0,
                near_duplicate_coverage: 1.0,
                containment_coverage: 1.0,
                reuse_coverage: 0.9,
                ..Thresholds::default()
            },
        ];
        for a in &texts {
            for b in &texts {
                let (pa, pb) = (Prepared::whole(a), Prepared::whole(b));
                for th in &grid {
                    let c = compare(&pa, &pb, PairContext::default(), th);
                    let f =
                        PairFeatures::of(&c.scores, &c.passages, pa.tokens.len(), pb.tokens.len());
                    if is_lexical(c.relation) {
                        assert_eq!(f.classify(th), c.relation, "{th:?}\n{a}\n{b}");
                    }
                }
            }
        }
    }
}
