//! The compare stage of unspun: given two cleaned documents, how do they relate?
//!
//! - [`prepare`]: content tokens and shingles of one document;
//! - [`verify`]: exact Jaccard and containment on the shingle sets;
//! - [`align`](mod@align): verbatim passages from matching shingle runs, as byte ranges;
//! - [`meaning`]: sentence alignment by meaning, paraphrase, and the first
//!   tier of the story score (its plan, in `plan.rs`, says which sentence
//!   pairs the full model scores); [`lead`]: the story score's second tier;
//!   [`rewrite`]: the rewrite tier, for rewrites too free to align;
//! - [`relation`]: the relation, its source direction and the thresholds.

// Tests may panic on setup failures; library code may not.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod align;
mod batch;
mod dot;
pub mod lead;
pub mod meaning;
mod plan;
pub mod prepare;
pub mod relation;
pub mod rewrite;
pub mod verify;

pub use align::{align, token_index, Passage, PassageKind};
pub use batch::{
    compare_batch, compare_batch_with, compare_text_pairs, content, PairInput, TextPair,
};
pub use meaning::{Meaning, MeaningResult, Sentences};
pub use prepare::Prepared;
pub use relation::{
    compare, compare_cached, compare_staged, compare_with_meaning, decide_lexical,
    meaning_relation, Comparison, LexicalFeatures, Note, PairContext, Relation, Scores,
    SentencesCell, Side, Staged, Thresholds,
};
pub use verify::{set_overlap, SetOverlap};
