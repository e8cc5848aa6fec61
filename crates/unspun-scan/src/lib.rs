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
pub mod output;
pub mod spool;

use rayon::prelude::*;
use std::cell::OnceCell;
use std::path::PathBuf;
use std::time::Instant;
use unspun_compare::{
    compare_staged, compare_with_meaning, Comparison, Meaning, PairContext, Prepared, Relation,
    Staged, Thresholds,
};
use unspun_ingest::{read_inputs, InputOptions, Item, Problem};
use unspun_sketch::{
    anchor_candidates, anchors, lsh_candidates, AnchorParams, LshParams, MinHasher,
};
use unspun_text::boilerplate::{clean, LineStats};
use unspun_text::{Document, Span};

pub use output::{
    ClaimRecord, DocumentRecord, EdgeRecord, FamilyRecord, PairRecord, ScanResult, StoryRecord,
    Summary, Texts,
};
pub use spool::Spool;

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
    /// ...at most this many per document...
    pub meaning_neighbours: usize,
    /// ...published at most this many days apart when both dates are known
    /// (also the longest span of dates inside one story).
    pub story_window_days: i64,
    /// Least mean link weight between two groups of documents for them to
    /// be one story (see `unspun_cluster::stories`).
    pub story_min_linkage: f64,
    /// Stories with more documents get no claim matrix.
    pub claim_max_docs: usize,
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
    progress.stage("read", unspun_ingest::total_input_bytes(inputs));
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

fn unspun_embed_dim() -> usize {
    384
}

/// True when either date is unknown or they are at most `days` apart.
fn within_days(a: Option<&str>, b: Option<&str>, days: i64) -> bool {
    match (a.and_then(day_number), b.and_then(day_number)) {
        (Some(x), Some(y)) => (x - y).abs() <= days,
        _ => true,
    }
}

pub use unspun_cluster::day_number;

/// Candidate groups (pairs sharing their first document) per verify block:
/// the full-model sentences of a block are embedded together, and stay in
/// the model's cache (up to 200,000 sentences) until the block is compared.
const VERIFY_BLOCK: usize = 2048;

/// One document after the sketch pass: its state, LSH band keys, anchor
/// shingles and document vector (empty without the meaning layer).
type SketchedDoc = (Sketched, Vec<u64>, Vec<u32>, Vec<f32>);

/// A candidate group after the first verify pass.
#[derive(Default)]
struct StagedGroup {
    records: Vec<PairRecord>,
    /// Pairs left for the second pass, once the model has embedded...
    deferred: Vec<(u32, u32)>,
    /// ...these sentences.
    sentences: Vec<String>,
}

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
        let partial = batch
            .par_iter()
            .fold(LineStats::new, |mut s, d| {
                s.add_document(&d.text, d.site.as_deref());
                s
            })
            .reduce(LineStats::new, |mut a, b| {
                a.merge(b);
                a
            });
        self.stats.merge(partial);
        for mut doc in batch {
            self.spool.push(&doc.text)?;
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
        let mut vectors = ann::DocVectors::new(unspun_embed_dim());
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
            let window =
                |i: usize, j: usize| within_days(dates[i], dates[j], opts.story_window_days);
            let mut meaning_pairs = ann::neighbours(
                &vectors,
                opts.meaning_min_cosine,
                opts.meaning_neighbours,
                &window,
            );
            meaning_pairs.retain(|p| candidates.binary_search(p).is_err());
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

        // Pass 4: verify and align, grouped by the first document so that
        // it is read and prepared once per group.
        let t = Instant::now();
        progress.stage("verify", Some(candidates.len() as u64));
        let groups: Vec<&[(u32, u32)]> = candidates.chunk_by(|x, y| x.0 == y.0).collect();
        let pair_meaning = |a: usize, b: usize| {
            // The model runs only where the documents are close in meaning;
            // elsewhere the lexical verdict stands.
            meaning.filter(|_| vectors.cosine(a, b) >= opts.meaning_min_cosine)
        };
        // Reserved for every candidate: only the pages the related pairs
        // fill become resident, and the vector never reallocates (at a
        // million documents a doubling copy would briefly hold a gigabyte
        // of pairs twice).
        let mut pairs: Vec<PairRecord> = Vec::with_capacity(candidates.len());
        let mut near_misses = Vec::new();
        // Calls `f` on the pairs of a candidate group that `wanted` lets
        // through, both documents read and prepared (the first once).
        let each_pair =
            |group: &[(u32, u32)],
             wanted: &dyn Fn(usize, usize) -> bool,
             f: &mut dyn FnMut(usize, usize, &Prepared, &Prepared) -> std::io::Result<()>|
             -> std::io::Result<()> {
                let a = group[0].0 as usize;
                let text_a = self.spool.read(a)?;
                let prep_a = Prepared::new(&text_a, &docs[a].kept);
                for &(_, b) in group {
                    let b = b as usize;
                    if wanted(a, b) {
                        let text_b = self.spool.read(b)?;
                        f(a, b, &prep_a, &Prepared::new(&text_b, &docs[b].kept))?;
                    }
                }
                Ok(())
            };
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
                a_index: a as u32,
                b_index: b as u32,
            })
        };
        // Blocks of groups. A first pass compares every pair of the block but
        // those the full model must see; their sentences are then embedded in
        // one large batch (small per-pair batches waste most of the model's
        // time), and a second pass compares those pairs with the vectors at
        // hand.
        for block in groups.chunks(VERIFY_BLOCK) {
            let staged: Vec<std::io::Result<StagedGroup>> = block
                .par_iter()
                .map(|group| {
                    let mut out = StagedGroup::default();
                    // The group's first document, split into sentences once.
                    let a_sentences = OnceCell::new();
                    each_pair(group, &|_, _| true, &mut |a, b, prep_a, prep_b| {
                        let ctx = pair_context(a, b);
                        let th = &opts.thresholds;
                        let m = pair_meaning(a, b);
                        match compare_staged(prep_a, prep_b, ctx, th, m, &a_sentences)
                            .map_err(meaning_error)?
                        {
                            Staged::Done(c) => out.records.extend(record(a, b, c)),
                            Staged::NeedsModel(sentences) => {
                                out.deferred.push((a as u32, b as u32));
                                out.sentences
                                    .extend(sentences.into_iter().map(str::to_string));
                            }
                        }
                        Ok(())
                    })?;
                    progress.advance((group.len() - out.deferred.len()) as u64);
                    Ok(out)
                })
                .collect();
            let mut records = Vec::new();
            let mut deferred = Vec::new();
            let mut sentences = Vec::new();
            for g in staged {
                let g = g?;
                records.extend(g.records);
                deferred.extend(g.deferred);
                sentences.extend(g.sentences);
            }
            if let Some(m) = meaning.filter(|_| !deferred.is_empty()) {
                let refs: Vec<&str> = sentences.iter().map(String::as_str).collect();
                m.full(&refs).map_err(meaning_error)?;
            }
            drop(sentences);
            let deferred_groups: Vec<&[(u32, u32)]> =
                deferred.chunk_by(|x, y| x.0 == y.0).collect();
            let finished: Vec<std::io::Result<Vec<PairRecord>>> = deferred_groups
                .par_iter()
                .map(|group| {
                    let mut out = Vec::new();
                    each_pair(group, &|_, _| true, &mut |a, b, prep_a, prep_b| {
                        let ctx = pair_context(a, b);
                        let th = &opts.thresholds;
                        let c = compare_with_meaning(prep_a, prep_b, ctx, th, pair_meaning(a, b))
                            .map_err(meaning_error)?;
                        out.extend(record(a, b, c));
                        Ok(())
                    })?;
                    progress.advance(group.len() as u64);
                    Ok(out)
                })
                .collect();
            for f in finished {
                records.extend(f?);
            }
            // Candidate order, whichever pass compared the pair.
            records.sort_unstable_by_key(|p| (p.a_index, p.b_index));
            for p in records {
                if p.relation == Relation::Unrelated {
                    near_misses.push((p.a_index, p.b_index, p.scores.story.unwrap_or(0.0)));
                } else {
                    pairs.push(p);
                }
            }
        }
        drop(groups);
        drop(candidates);
        timings.push(("verify", t.elapsed().as_secs_f64()));

        // Pass 6: stories, provenance, claims.
        let t = Instant::now();
        progress.stage("stories", None);
        let kept: Vec<Vec<Span>> = docs
            .iter_mut()
            .map(|s| std::mem::take(&mut s.kept))
            .collect();
        let analysed = {
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
        timings.push(("stories", t.elapsed().as_secs_f64()));

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
