//! The batch pipeline behind `unspun scan`.
//!
//! Passes, each parallel over documents where it can be:
//! 1. **read**: documents stream in from [`unspun_ingest`]; texts go to a
//!    [`Spool`] on disk, short lines are counted for the boilerplate signal;
//! 2. **sketch**: each text is read back, cleaned, tokenized and shingled into
//!    a MinHash signature (kept only as LSH band keys) and containment anchors;
//! 3. **candidates**: LSH bands and shared anchors propose pairs;
//! 4. **verify**: every candidate is compared exactly on its shingle sets and
//!    aligned into passages; only related pairs are kept;
//! 5. **group**: copy relations make families;
//! 6. **stories**: stories, provenance and claim matrices ([`analysis`]),
//!    reading back only the texts they need.
//!
//! In memory stay the band keys, anchors and metadata of each document, never
//! its text or shingles: a corpus larger than memory scans as long as its
//! signatures fit.

// Tests may panic on setup failures; library code may not.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod analysis;
pub mod ann;
pub mod dedup;
pub mod output;
pub mod spool;
mod story_lines;

use rayon::prelude::*;
use std::path::PathBuf;
use std::time::Instant;
use unspun_compare::{
    compare_batch_with, Comparison, Meaning, PairContext, PairInput, Prepared, Relation, Thresholds,
};
use unspun_ingest::{read_inputs, InputOptions, Item, Problem};
use unspun_sketch::{
    anchor_candidates, anchors, lsh_candidates, AnchorParams, LshParams, MinHasher,
};
use unspun_text::boilerplate::{clean, LineStats};
use unspun_text::{Document, Span};

pub use dedup::DroppedRecord;
pub use output::{
    ClaimLine, ClaimRecord, DocumentRecord, EdgeRecord, FamilyRecord, PairRecord, ScanResult,
    StoryLine, StoryRecord, Summary, Texts,
};
pub use spool::Spool;
pub use unspun_cluster::{DedupOptions, Dropped, Keep};

/// Everything that shapes a scan.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Jaccard similarity the LSH bands are tuned to (near-duplicates).
    pub lsh_threshold: f64,
    /// MinHash signature length.
    pub bins: usize,
    pub anchors: AnchorParams,
    pub thresholds: Thresholds,
    pub input: InputOptions,
    /// Buckets with more documents are chained, not fully paired.
    pub max_bucket: usize,
    /// Meaning layer: cosine of centred document vectors for a candidate
    /// with no shared text (0.45 keeps about four in five same-story pairs
    /// of the SemEval dev data and one in ten unrelated ones, see
    /// crates/unspun-compare/examples/background.rs)...
    pub meaning_min_cosine: f32,
    /// ...at most this many per document, its nearest among the documents
    /// it is not a candidate with already (copies would crowd out the
    /// other reports of their story)...
    pub meaning_neighbours: usize,
    /// ...published at most this many days apart when both dates are known
    /// (also the longest span of dates inside one story).
    pub story_window_days: i64,
    /// Least mean link weight between two groups of documents for them to
    /// be one story (see `unspun_cluster::stories`).
    pub story_min_linkage: f64,
    /// Stories with more documents get no claim matrix.
    pub claim_max_docs: usize,
    /// Pass 6 (stories, provenance, claims). Off for a copies-only run
    /// such as `unspun dedup`, which needs the pairs and families alone:
    /// then no story, derivation or family original is reported.
    pub stories: bool,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            lsh_threshold: 0.5,
            bins: 128,
            anchors: AnchorParams::default(),
            thresholds: Thresholds::default(),
            input: InputOptions::default(),
            max_bucket: 64,
            meaning_min_cosine: 0.45,
            meaning_neighbours: 5,
            story_window_days: 7,
            story_min_linkage: unspun_cluster::StoryParams::default().min_linkage,
            claim_max_docs: 40,
            stories: true,
        }
    }
}

/// Hooks for progress display; every method has a no-op default.
pub trait Progress: Sync {
    /// A new stage starts; `total` is in the stage's own units, if known.
    fn stage(&self, _name: &'static str, _total: Option<u64>) {}
    fn advance(&self, _n: u64) {}
    fn problem(&self, _p: &Problem) {}
}

/// Progress that shows nothing.
pub struct Quiet;
impl Progress for Quiet {}

#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error(transparent)]
    Ingest(#[from] unspun_ingest::IngestError),
    #[error("temporary spool file: {0}")]
    Spool(#[from] std::io::Error),
}

/// Scans files, directories, JSONL, WARC (or `-` for JSONL on stdin), on
/// lexical evidence alone.
pub fn scan(
    inputs: &[PathBuf],
    opts: &ScanOptions,
    progress: &dyn Progress,
) -> Result<ScanResult, ScanError> {
    scan_with_meaning(inputs, opts, None, progress)
}

/// Scans with the meaning layer too (paraphrase and same_story pairs).
pub fn scan_with_meaning(
    inputs: &[PathBuf],
    opts: &ScanOptions,
    meaning: Option<&Meaning>,
    progress: &dyn Progress,
) -> Result<ScanResult, ScanError> {
    let started = Instant::now();
    let mut corpus = Corpus::new()?;
    let mut failure: Option<std::io::Error> = None;
    let mut batch = Vec::new();
    progress.stage(
        "read",
        unspun_ingest::total_input_bytes(inputs, &opts.input),
    );
    let mut last_bytes = 0;
    read_inputs(inputs, &opts.input, &mut |item| match item {
        Item::Document(d) => {
            batch.push(d);
            if batch.len() >= BATCH {
                if let Err(e) = corpus.add_batch(std::mem::take(&mut batch)) {
                    failure.get_or_insert(e);
                }
                let now = opts
                    .input
                    .bytes_read
                    .load(std::sync::atomic::Ordering::Relaxed);
                progress.advance(now.saturating_sub(last_bytes));
                last_bytes = now;
            }
        }
        Item::Problem(p) => {
            progress.problem(&p);
            corpus.problems.push(p);
        }
    })?;
    corpus.add_batch(batch)?;
    if let Some(e) = failure {
        return Err(e.into());
    }
    corpus.read_seconds = started.elapsed().as_secs_f64();
    corpus.finish(opts, meaning, progress)
}

/// Scans documents already in memory (tests, bindings), lexically.
pub fn scan_documents(
    docs: impl IntoIterator<Item = Document>,
    opts: &ScanOptions,
    progress: &dyn Progress,
) -> Result<ScanResult, ScanError> {
    scan_documents_with_meaning(docs, opts, None, progress)
}

/// Scans documents already in memory with the meaning layer.
pub fn scan_documents_with_meaning(
    docs: impl IntoIterator<Item = Document>,
    opts: &ScanOptions,
    meaning: Option<&Meaning>,
    progress: &dyn Progress,
) -> Result<ScanResult, ScanError> {
    let started = Instant::now();
    let mut corpus = Corpus::new()?;
    let mut batch = Vec::new();
    for d in docs {
        batch.push(d);
        if batch.len() >= BATCH {
            corpus.add_batch(std::mem::take(&mut batch))?;
        }
    }
    corpus.add_batch(batch)?;
    corpus.read_seconds = started.elapsed().as_secs_f64();
    corpus.finish(opts, meaning, progress)
}

const BATCH: usize = 4096;

/// Drops the items of `items` on the thread pool.
fn free_on_workers<T: Send>(items: Vec<T>) {
    items.into_par_iter().for_each(drop);
}

/// True when either date is unknown or they are at most `days` apart.
fn within_days(a: Option<&str>, b: Option<&str>, days: i64) -> bool {
    match (a.and_then(day_number), b.and_then(day_number)) {
        (Some(x), Some(y)) => (x - y).abs() <= days,
        _ => true,
    }
}

pub use unspun_cluster::day_number;

/// Candidate pairs per verify block: the block's documents are prepared
/// together and kept until its pairs are compared...
const VERIFY_BLOCK: usize = 4096;
/// ...and with the meaning layer, the full-model sentences of its pairs are
/// embedded together. The model wants large batches: a quarter of this
/// made the 20k bench scan's verify pass 47% slower (and a quarter lighter);
/// the sentences stay in the model's cache (up to 200,000) until the block
/// is compared.
const MEANING_BLOCK: usize = 16384;

/// One document after the sketch pass: its state, LSH band keys, anchor
/// shingles and document vector (empty without the meaning layer).
type SketchedDoc = (Sketched, Vec<u64>, Vec<u32>, Vec<f32>);

/// Per-document state between passes (no text).
struct Meta {
    doc: Document,
}

/// What the sketch pass keeps of a document.
struct Sketched {
    kept: Vec<Span>,
    removed: Vec<Span>,
    title: Option<String>,
    tokens: usize,
    bytes: usize,
}

struct Corpus {
    spool: Spool,
    metas: Vec<Meta>,
    stats: LineStats,
    problems: Vec<Problem>,
    read_seconds: f64,
}

impl Corpus {
    fn new() -> std::io::Result<Self> {
        Ok(Corpus {
            spool: Spool::new()?,
            metas: Vec::new(),
            stats: LineStats::new(),
            problems: Vec::new(),
            read_seconds: 0.0,
        })
    }

    fn add_batch(&mut self, batch: Vec<Document>) -> std::io::Result<()> {
        // Spooling is one thread copying into the page cache; the line
        // statistics run beside it on the other workers.
        let spool = &mut self.spool;
        let (partial, spooled) = rayon::join(
            || {
                batch
                    .par_iter()
                    .fold(LineStats::new, |mut s, d| {
                        s.add_document(&d.text, d.site.as_deref());
                        s
                    })
                    .reduce(LineStats::new, |mut a, b| {
                        a.merge(b);
                        a
                    })
            },
            || batch.iter().try_for_each(|d| spool.push(&d.text).map(drop)),
        );
        spooled?;
        self.stats.merge(partial);
        for mut doc in batch {
            doc.text = String::new();
            self.metas.push(Meta { doc });
        }
        Ok(())
    }

    fn finish(
        mut self,
        opts: &ScanOptions,
        meaning: Option<&Meaning>,
        progress: &dyn Progress,
    ) -> Result<ScanResult, ScanError> {
        self.spool.seal()?;
        let n = self.metas.len();
        let mut timings = vec![("read", self.read_seconds)];

        // Pass 2: sketch.
        let t = Instant::now();
        progress.stage("sketch", Some(n as u64));
        let hasher = MinHasher::new(opts.bins, 0x005e_ed0f_0a11);
        let lsh = LshParams::for_threshold(opts.lsh_threshold, opts.bins);
        let sketched: Vec<std::io::Result<SketchedDoc>> = (0..n)
            .into_par_iter()
            .map(|i| {
                let text = self.spool.read(i)?;
                let site = self.metas[i].doc.site.as_deref();
                let cleaned = clean(&text, Some(&self.stats), site);
                let n_tokens = cleaned.tokens.len();
                let shingles = unspun_sketch::shingles(&cleaned.tokens);
                let keys = hasher
                    .sketch(&shingles)
                    .map(|s| lsh.band_keys(&s))
                    .unwrap_or_default();
                let anchor_set = anchors(&shingles, &opts.anchors);
                let title = cleaned.title.map(|s| text[s.range()].to_string());
                // The fast tier over the whole content is the token-weighted
                // mean of its sentences: one pass, no segmentation needed.
                let vector = meaning
                    .map(|m| m.document_vector(&text, &cleaned.kept))
                    .unwrap_or_default();
                progress.advance(1);
                Ok((
                    Sketched {
                        kept: cleaned.kept,
                        removed: cleaned.removed,
                        title,
                        tokens: n_tokens,
                        bytes: text.len(),
                    },
                    keys,
                    anchor_set,
                    vector,
                ))
            })
            .collect();
        let mut docs = Vec::with_capacity(n);
        let mut keys = Vec::with_capacity(n);
        let mut anchor_sets = Vec::with_capacity(n);
        let mut vectors = ann::DocVectors::new(unspun_embed::DIM);
        for r in sketched {
            let (s, k, a, v) = r?;
            docs.push(s);
            keys.push(k);
            anchor_sets.push(a);
            if meaning.is_some() {
                vectors.push(&v);
            }
        }
        // Line statistics served cleaning only.
        self.stats = LineStats::new();
        timings.push(("sketch", t.elapsed().as_secs_f64()));

        // Pass 3: candidates.
        let t = Instant::now();
        progress.stage("candidates", None);
        let lsh_pairs = lsh_candidates(&keys, lsh.bands, opts.max_bucket);
        drop(keys);
        timings.push(("candidates_lsh", t.elapsed().as_secs_f64()));
        let anchor_pairs = anchor_candidates(&anchor_sets, &opts.anchors);
        drop(anchor_sets);
        let mut counts = output::CandidateCounts {
            lsh: lsh_pairs.len(),
            anchors: anchor_pairs.len(),
            ..Default::default()
        };
        let mut candidates = lsh_pairs;
        candidates.extend_from_slice(&anchor_pairs);
        drop(anchor_pairs);
        candidates.par_sort_unstable();
        candidates.dedup();
        if meaning.is_some() {
            let dates: Vec<Option<&str>> =
                self.metas.iter().map(|m| m.doc.date.as_deref()).collect();
            // Each document's nearest in meaning among those it shares no
            // candidate with yet, as the index picks them.
            let allowed = |i: usize, j: usize| {
                within_days(dates[i], dates[j], opts.story_window_days)
                    && candidates
                        .binary_search(&(i.min(j) as u32, i.max(j) as u32))
                        .is_err()
            };
            let meaning_pairs = ann::neighbours(
                &vectors,
                opts.meaning_min_cosine,
                opts.meaning_neighbours,
                &allowed,
            );
            candidates.extend_from_slice(&meaning_pairs);
            candidates.par_sort_unstable();
            counts.meaning = meaning_pairs.len();
        }
        counts.total = candidates.len();
        timings.push(("candidates", t.elapsed().as_secs_f64()));

        let pair_context = |a: usize, b: usize| PairContext {
            date_a: self.metas[a].doc.date.as_deref(),
            date_b: self.metas[b].doc.date.as_deref(),
        };
        // Every pair names its documents through these.
        let ids: Vec<std::sync::Arc<str>> = self
            .metas
            .iter()
            .map(|m| std::sync::Arc::from(m.doc.id.as_str()))
            .collect();

        // Pass 4: verify and align, in blocks of connected pairs so that a
        // document is read and prepared once for all of its pairs in a block.
        let t = Instant::now();
        progress.stage("verify", Some(candidates.len() as u64));
        let candidates = unspun_cluster::connected_order(candidates, n, |&(a, b)| (a, b));
        // The model runs only where the documents are close in meaning;
        // elsewhere the lexical verdict stands.
        let close_in_meaning = |a: usize, b: usize| vectors.cosine(a, b) >= opts.meaning_min_cosine;
        // Reserved for every candidate: only the pages the related pairs
        // fill become resident, and the vector never reallocates (at a
        // million documents a doubling copy would briefly hold a gigabyte
        // of pairs twice).
        let mut pairs: Vec<PairRecord> = Vec::with_capacity(candidates.len());
        let mut near_misses = Vec::new();
        let meaning_error = |e| std::io::Error::other(format!("meaning layer: {e}"));
        // The pair's record, if it is related (or a near miss that stories
        // may still use; those are never output).
        let record = |a: usize, b: usize, c: Comparison| {
            let near_miss = c
                .scores
                .story
                .is_some_and(|s| s >= analysis::NEAR_MISS_STORY);
            (c.relation != Relation::Unrelated || near_miss).then(|| PairRecord {
                a: ids[a].clone(),
                b: ids[b].clone(),
                relation: c.relation,
                source: c.source,
                scores: c.scores,
                passages: c.passages,
                note: c.note,
                a_index: a as u32,
                b_index: b as u32,
            })
        };
        // Block by block: the full model's sentences of a block's pairs are
        // embedded in a few large batches (`compare_batch_with`), where
        // small per-pair batches would waste most of the model's time.
        let block_pairs = if meaning.is_some() {
            MEANING_BLOCK
        } else {
            VERIFY_BLOCK
        };
        for block in candidates.chunks(block_pairs) {
            let mut involved: Vec<u32> = block.iter().flat_map(|&(a, b)| [a, b]).collect();
            involved.sort_unstable();
            involved.dedup();
            let texts = involved
                .par_iter()
                .map(|&d| self.spool.read(d as usize))
                .collect::<std::io::Result<Vec<String>>>()?;
            let prepared: Vec<Prepared> = involved
                .par_iter()
                .zip(&texts)
                .map(|(&d, text)| Prepared::new(text, &docs[d as usize].kept))
                .collect();
            // Every document of the block is in `involved`.
            let at = |d: u32| involved.partition_point(|&x| x < d);
            let inputs: Vec<PairInput> = block
                .iter()
                .map(|&(a, b)| (at(a), at(b), pair_context(a as usize, b as usize)))
                .collect();
            let use_model = |k: usize| {
                let (a, b) = block[k];
                close_in_meaning(a as usize, b as usize)
            };
            let compared = compare_batch_with(
                &prepared,
                &inputs,
                &opts.thresholds,
                meaning,
                &use_model,
                &|| progress.advance(1),
            )
            .map_err(meaning_error)?;
            let records: Vec<PairRecord> = block
                .iter()
                .zip(compared)
                .filter_map(|(&(a, b), c)| record(a as usize, b as usize, c))
                .collect();
            // The block's texts and preparations were allocated on the
            // workers: freed there, in parallel, not one by one on this
            // thread while the workers wait (a tenth of verify at 2 threads).
            free_on_workers(prepared);
            free_on_workers(texts);
            for p in records {
                if p.relation == Relation::Unrelated {
                    near_misses.push((p.a_index, p.b_index, p.scores.story.unwrap_or(0.0)));
                } else {
                    pairs.push(p);
                }
            }
        }
        drop(candidates);
        // Candidate order, whichever block and pass compared the pair.
        pairs.par_sort_unstable_by_key(|p| (p.a_index, p.b_index));
        near_misses.par_sort_unstable_by_key(|p| (p.0, p.1));
        timings.push(("verify", t.elapsed().as_secs_f64()));

        // Pass 6: stories, provenance, claims.
        let t = Instant::now();
        if opts.stories {
            progress.stage("stories", None);
        }
        let kept: Vec<Vec<Span>> = docs
            .iter_mut()
            .map(|s| std::mem::take(&mut s.kept))
            .collect();
        let analysed = if !opts.stories {
            analysis::Analysis::default()
        } else {
            let meta = self
                .metas
                .iter()
                .zip(&docs)
                .map(|(m, s)| {
                    unspun_cluster::DocMeta::new(
                        &m.doc.id,
                        m.doc.date.as_deref(),
                        m.doc.site.as_deref().or(m.doc.url.as_deref()),
                        s.removed.iter().map(Span::len).sum(),
                    )
                })
                .collect();
            let read = |i: u32| self.spool.read(i as usize);
            analysis::analyse(
                &analysis::Docs { meta, kept: &kept },
                &pairs,
                &near_misses,
                &read,
                meaning,
                &analysis::AnalysisOptions {
                    stories: unspun_cluster::StoryParams {
                        min_linkage: opts.story_min_linkage,
                        window_days: opts.story_window_days,
                    },
                    claim_max_docs: opts.claim_max_docs,
                },
            )?
        };
        drop(kept);
        if opts.stories {
            timings.push(("stories", t.elapsed().as_secs_f64()));
        }

        let t = Instant::now();
        let mut result = output::assemble(
            &ids,
            self.metas.into_iter().map(|m| m.doc).collect(),
            docs.into_iter()
                .map(|s| (s.removed, s.title, s.tokens, s.bytes))
                .collect(),
            pairs,
            analysed,
            self.problems,
            counts,
        );
        timings.push(("group", t.elapsed().as_secs_f64()));
        result.texts = Some(Texts::new(self.spool));
        Ok(result.with_timings(timings))
    }
}
