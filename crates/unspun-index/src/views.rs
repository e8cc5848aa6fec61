//! What the index hands out: documents, pairs, families, stats.
//!
//! Field names follow `unspun scan`'s output (`crates/unspun-scan/src/output.rs`):
//! a [`Pair`] serializes exactly like a line of `pairs.jsonl`, a
//! [`DocumentView`] like a line of `documents.jsonl` plus `seq` (and `text`
//! when asked for), a [`FamilyView`] like a line of `families.jsonl`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use unspun_cluster::Evidence;
use unspun_compare::{Comparison, Note, Passage, Relation, Scores, Side};
use unspun_text::Span;

/// A related pair. `a` was indexed before `b` (for a query, `b` is the query
/// document); offsets in `passages` point into each side's text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pair {
    pub a: String,
    pub b: String,
    pub relation: Relation,
    /// The side the other was copied from, where the evidence says.
    pub source: Option<Side>,
    pub scores: Scores,
    pub passages: Vec<Passage>,
    /// Why the scores are less than the pipeline could give (`not_english`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Note>,
}

impl Pair {
    /// The view of the comparison `c` of documents `a` and `b`.
    pub fn new(a: String, b: String, c: Comparison) -> Pair {
        Pair {
            a,
            b,
            relation: c.relation,
            source: c.source,
            scores: c.scores,
            passages: c.passages,
            note: c.note,
        }
    }
}

/// One indexed document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentView {
    /// Position in the order of addition (never reused).
    pub seq: u32,
    pub id: String,
    pub path: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
    pub date: Option<String>,
    pub site: Option<String>,
    /// Byte ranges set aside as boilerplate.
    pub removed: Vec<Span>,
    /// Copy-family id, or null when the document has no copies.
    pub family: Option<String>,
    pub tokens: usize,
    pub bytes: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// What an add reports: the new document's relations to what was indexed
/// before it, and its family after the add.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Added {
    pub id: String,
    pub seq: u32,
    pub family: Option<String>,
    pub pairs: Vec<Pair>,
}

/// A short line about one match, for feeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchBrief {
    /// The other document.
    pub id: String,
    pub relation: Relation,
    #[serde(serialize_with = "unspun_compare::relation::round4")]
    pub lexical: f64,
    /// Share of the other document's content inside shared passages.
    #[serde(serialize_with = "unspun_compare::relation::round4")]
    pub coverage: f64,
}

/// A recent document and its matches, newest first in a feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedItem {
    pub document: DocumentView,
    pub matches: Vec<MatchBrief>,
}

/// A story: documents reporting one event (copies, rewrites, independent
/// reports), two or more.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryView {
    /// `s-` and a hash of the smallest member id, as `unspun scan` names it.
    pub id: String,
    pub size: usize,
    /// Ids in the order they were added.
    pub members: Vec<String>,
    /// Mean story weight over all member pairs (1: all copies).
    pub cohesion: f64,
    /// Pairs among the members (filled by [`crate::Index::story`] only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pairs: Vec<Pair>,
    /// The member the derivations lead back to (filled by
    /// [`crate::Index::story`] only, null when none is clear).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original: Option<String>,
    /// Who was made from whom, and the clues (filled by
    /// [`crate::Index::story`] only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub edges: Vec<DerivationView>,
    /// The claim matrix: distinct statements and the sentence of each member
    /// that makes them (filled by [`crate::Index::story`] only; null for
    /// stories too large for a matrix).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claims: Option<Vec<ClaimView>>,
}

/// `to` was derived from `from` (a line of `edges` in `unspun scan`'s
/// stories.jsonl).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DerivationView {
    pub from: String,
    pub to: String,
    pub relation: Relation,
    pub confidence: f64,
    pub evidence: Vec<Evidence>,
}

/// A distinct statement of a story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimView {
    /// As the first document carrying it (the original first) words it.
    pub text: String,
    /// How many documents carry it.
    pub documents: usize,
    pub sentences: Vec<ClaimSentenceView>,
}

/// One sentence that makes a claim: its document and bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimSentenceView {
    pub doc: String,
    pub span: Span,
}

/// A copy family (two or more documents joined by copy relations).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FamilyView {
    pub id: String,
    pub size: usize,
    /// Ids in the order they were added.
    pub members: Vec<String>,
    /// The member the evidence names as source most often, or null.
    pub original: Option<String>,
    /// Pairs among the members (filled by [`crate::Index::family`] only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pairs: Vec<Pair>,
}

/// A fresh comparison of two indexed documents, with both texts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareView {
    pub a: DocumentView,
    pub b: DocumentView,
    pub relation: Relation,
    pub source: Option<Side>,
    pub scores: Scores,
    pub passages: Vec<Passage>,
    /// Why the scores are less than the pipeline could give (`not_english`,
    /// `empty`); absent when nothing is missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Note>,
}

/// Sizes of the in-memory postings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PostingStats {
    pub band_keys: usize,
    pub band_entries: usize,
    pub anchor_keys: usize,
    pub anchor_entries: usize,
    pub heap_bytes: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    pub format_version: u64,
    pub documents: u64,
    pub pairs: u64,
    pub pairs_by_relation: BTreeMap<String, u64>,
    pub families: u64,
    pub documents_in_families: u64,
    /// Size of the index file.
    pub disk_bytes: u64,
    pub postings: PostingStats,
    /// Time the last open took (mostly rebuilding postings).
    pub open_seconds: f64,
}
