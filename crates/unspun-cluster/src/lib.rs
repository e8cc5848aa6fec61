//! The cluster stage of unspun: what the pairs add up to.
//!
//! - [`families`](mod@families): copies, as connected groups of copy relations;
//! - [`stories`](mod@stories): reports of one event, by average linkage (no chaining);
//! - [`provenance`]: which document was derived from which, with the
//!   [`evidence`] for each edge (dates, containment, [`attribution`], [`spin`]);
//! - [`claims`](mod@claims): the claim matrix of a story;
//! - [`dedup`](mod@dedup): which documents to keep so that each text is kept once.

// Tests may panic on setup failures; library code may not.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod attribution;
pub mod claims;
pub mod dedup;
pub mod evidence;
pub mod families;
pub mod provenance;
pub mod spin;
pub mod stories;
pub mod unionfind;

pub use attribution::Outlets;
pub use claims::{claims, Claim};
pub use dedup::{dedup, keep_order, DedupDoc, DedupOptions, DedupPair, Dropped, Keep};
pub use evidence::Profile;
pub use evidence::{DocMeta, Evidence, EvidenceKind};
pub use families::{families, Family};
pub use provenance::{
    derive, derive_pair, drop_siblings, edges_by_group, original, Derivation, PairSide, SharedText,
    TextOf,
};
pub use stories::{
    day_number, stories, story_weight, Story, StoryEdge, StoryParams, NEAR_MISS_STORY,
};
pub use unionfind::{connected_order, UnionFind};
