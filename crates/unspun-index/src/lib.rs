//! A live, persistent index: add articles as they arrive, match each against
//! everything seen before, browse relations and copy families.
//!
//! - Storage: one redb file in a folder ([`schema`] lists the tables), ACID,
//!   crash-safe: every [`Index::add`] / [`Index::add_batch`] is one write
//!   transaction, durable when it returns. The format is versioned
//!   ([`schema::FORMAT_VERSION`]); an index of another version, or built
//!   with other sketch parameters, is refused with a clear error.
//! - Matching: the same cleaning, sketch, candidate criteria (MinHash LSH
//!   tuned to Jaccard 0.5 over 128 bins, containment anchors) and exact
//!   verification as `unspun scan`, applied to one new document at a time.
//!   So an index fed documents one by one reports the pairs a batch scan of
//!   the same documents reports, with two documented differences: cleaning
//!   uses no corpus line statistics (see [`sketch`]), and band buckets are
//!   chained by their size at the time of each add, not at the end.
//! - Postings live in memory and are rebuilt on open from the stored keys.
//!   Measured with 200,000 bench-corpus documents (`examples/ingest_bench.rs`,
//!   2 shared cores): rebuilding takes about 5 s and 160 MiB; storing them
//!   as redb multimap tables instead opens in 0.01 s but took 372 s to
//!   write (three times the whole bulk load), 272 MiB more on disk, and a
//!   p99 of 22 ms for one document's lookups against microseconds in memory.
//! - Concurrency: `Index` is `Sync`; one writer at a time, any number of
//!   readers, each on its own snapshot.
//! - Families: copy relations group documents into families, updated on
//!   every add and regrouped on remove; ids are batch scan's.
//! - Meaning ([`Index::with_meaning`]): each added document gets the fast
//!   tier's document vector (stored, 392 bytes); its nearest stored
//!   neighbours in meaning (at most 5, cosine ≥ 0.45, within 7 days: scan's
//!   defaults) join its candidates, and pairs close in meaning are compared
//!   with the meaning layer (paraphrase, same_story), as scan does. Search
//!   is exact: a dated document scores the rows of its date window, an
//!   undated one every row (about 77 MB at 200,000 documents), the undated
//!   documents of a batch together, each block of rows read once for all
//!   of them; only the meaning path pays it. The documents of
//!   an [`Index::add_batch`] are compared in one round (each with what came
//!   before it, as if added one by one), so the model embeds their
//!   sentences together. The story's lead tier runs as the [`unspun_compare::Meaning`]'s
//!   calibration says; the CLI turns it off as for `scan` (`--lead-tier`
//!   turns it on).
//! - Stories ([`Index::stories`]): every related pair and near miss is kept
//!   as a link with its story weight; stories are built from the links when
//!   asked, by scan's average linkage, so they equal a batch run over the
//!   same links (ids included) however the documents arrived.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod add;
mod check;
mod command;
mod error;
mod family;
mod index;
mod match_;
pub mod meaning;
pub mod postings;
mod query;
mod read;
mod remove;
pub mod schema;
pub mod sketch;
mod stories;
mod tables;
mod views;

pub use check::CheckReport;
pub use command::{run_index_command, run_index_command_with, CommandOutcome, IndexCommand};
pub use error::IndexError;
pub use index::{Index, OpenOptions, DB_FILE};
pub use sketch::SketchParams;
pub use views::*;
