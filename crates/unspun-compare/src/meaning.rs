//! The meaning layer: sentence alignment by meaning, paraphrase and same story.
//!
//! Two tiers of sentence vectors (see `unspun-embed`): the fast static table
//! for every sentence, and the full MiniLM model only for the sentence pairs
//! the fast tier (or shared words) proposes. Sentence pairs are scored by a
//! logistic model over both cosines and lexical features; an order-preserving
//! alignment (spinners keep the order of their source) picks the pairs that
//! become `paraphrase` passages. Document features then give `semantic` and
//! `story` scores. Every weight comes from [`Calibration`], fitted by
//! `unspun eval --calibrate-meaning` on the dev data and compiled in.

use crate::align::{token_index, Passage, PassageKind};
pub use crate::dot::{dot_i8, each_dot_i8};
pub use crate::lead::LeadFeatures;
use crate::lead::{in_band, lead_features_of, lead_pair_texts};
pub use crate::plan::Plan;
use crate::prepare::Prepared;
use crate::rewrite::{self, Rewrite};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
pub use unspun_embed::cosine;
use unspun_embed::{ensure_model, EmbedError, MiniLm, StaticTable};
use unspun_text::sentence::sentences_in;
use unspun_text::Span;

/// The fitted weights (see docs/calibration.md).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Calibration {
    /// Sentence pair is a paraphrase: logistic over [`pair_features`].
    pub paraphrase: Vec<f64>,
    /// Sentence similarity 0..1: linear over [`pair_features`] (STS-B train).
    pub similarity: Vec<f64>,
    /// Same story: logistic over [`DocFeatures::vector`] (SemEval dev).
    pub story: Vec<f64>,
    /// Share of the smaller text's tokens that must align for `paraphrase`.
    pub paraphrase_coverage: f64,
    /// Fast-tier cosine at which a sentence pair is worth the full model.
    pub fast_gate: f64,
    /// Same story, second tier: logistic over [`LeadFeatures::vector`]
    /// (SemEval dev), for pairs whose first-tier story is in `story_band`.
    pub story_lead: Vec<f64>,
    /// First-tier story range `[lo, hi]` the lead tier decides (lo > hi:
    /// never).
    pub story_band: [f64; 2],
    /// Content bytes, in whole sentences, that make a document's lead.
    pub lead_bytes: usize,
    /// Rewrite tier (`crate::rewrite`): mean best sentence cosine at which a
    /// pair that is neither a copy nor aligned enough is a `paraphrase`...
    #[serde(default = "no_rewrite_cosine")]
    pub rewrite_cosine: f64,
    /// ...when the smaller text has this many sentences (0: never).
    #[serde(default)]
    pub rewrite_sentences: usize,
}

fn no_rewrite_cosine() -> f64 {
    1.0
}

static CALIBRATION_JSON: &str = include_str!("../calibration.json");

impl Calibration {
    /// Turns the story's lead tier off (an empty band): what `scan`, the
    /// index and the server do unless asked, as it embeds a kilobyte of
    /// each uncertain pair's documents, 26x a scan's time on the 20k bench
    /// corpus (docs/calibration.md).
    pub fn turn_off_lead_tier(&mut self) {
        self.story_band = [1.0, 0.0];
    }

    /// The compiled-in calibration.
    pub fn builtin() -> Calibration {
        serde_json::from_str(CALIBRATION_JSON).unwrap_or_else(|_| Calibration::fallback())
    }

    /// Hand-set weights, used only if the compiled-in file is unreadable
    /// (a test guards that it is not).
    pub fn fallback() -> Calibration {
        Calibration {
            paraphrase: vec![-9.0, 10.0, 1.0, 2.0, -1.0, 0.5],
            similarity: vec![-0.2, 1.0, 0.1, 0.2, -0.1, 0.0],
            story: vec![-6.0, 6.0, 2.0, 2.0, 1.0, 1.0],
            paraphrase_coverage: 0.7,
            fast_gate: 0.6,
            story_lead: vec![-8.0, 8.0, 4.0],
            story_band: [1.0, 0.0],
            lead_bytes: 500,
            rewrite_cosine: no_rewrite_cosine(),
            rewrite_sentences: 0,
        }
    }
}

static BACKGROUND_JSON: &str = include_str!("../background.json");

/// The direction all news texts share (see examples/background.rs).
pub fn background() -> Vec<f32> {
    serde_json::from_str(BACKGROUND_JSON).unwrap_or_default()
}

/// A unit vector in `dim` signed bytes (×127, zero-padded): a document
/// vector in 384 bytes.
pub fn quantize(v: &[f32], dim: usize) -> Vec<i8> {
    let mut q: Vec<i8> = v
        .iter()
        .take(dim)
        .map(|x| (x * 127.0).round().clamp(-127.0, 127.0) as i8)
        .collect();
    q.resize(dim, 0);
    q
}

/// Approximate cosine of two [`quantize`]d unit vectors.
pub fn cosine_i8(a: &[i8], b: &[i8]) -> f32 {
    cosine_of_dot(dot_i8(a, b))
}

/// The cosine of two [`quantize`]d unit vectors from their [`dot_i8`].
pub fn cosine_of_dot(dot: i32) -> f32 {
    dot as f32 / (127.0 * 127.0)
}

/// `v` with the background direction projected out, unit length: what is
/// left is what sets this text apart from news in general.
pub fn center(v: &[f32], background: &[f32]) -> Vec<f32> {
    let along: f32 = v.iter().zip(background).map(|(x, b)| x * b).sum();
    let mut out: Vec<f32> = v
        .iter()
        .zip(background.iter().chain(std::iter::repeat(&0.0)))
        .map(|(x, b)| x - along * b)
        .collect();
    let n = out.iter().map(|x| x * x).sum::<f32>().sqrt();
    if n > 0.0 {
        out.iter_mut().for_each(|x| *x /= n);
    }
    out
}

fn cache_key(sentence: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(sentence.as_bytes())
}

/// Both embedding tiers, with a cache of full-model vectors by sentence.
pub struct Meaning {
    full: MiniLm,
    fast: StaticTable,
    cache: Mutex<HashMap<u64, Arc<[f32]>>>,
    background: Vec<f32>,
    pub calibration: Calibration,
}

impl std::fmt::Debug for Meaning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Meaning").finish_non_exhaustive()
    }
}

impl Meaning {
    /// Loads the model from `model_dir`, or the default cache (fetching it
    /// there on first use).
    pub fn load(model_dir: Option<&Path>) -> Result<Meaning, EmbedError> {
        let files = ensure_model(model_dir)?;
        Ok(Meaning {
            full: MiniLm::load(&files)?,
            fast: StaticTable::ensure(&files)?,
            cache: Mutex::new(HashMap::new()),
            background: background(),
            calibration: Calibration::builtin(),
        })
    }

    /// Fast-tier vectors with the background direction projected out, so
    /// that cosines measure what two texts share beyond being news prose.
    pub fn fast(&self, sentences: &[&str]) -> Vec<Vec<f32>> {
        self.fast
            .embed(sentences)
            .iter()
            .map(|v| center(v, &self.background))
            .collect()
    }

    /// A document's vector: the fast tier over its content (`kept` spans of
    /// `text`), centred. What candidates by meaning and the index compare.
    pub fn document_vector(&self, text: &str, kept: &[unspun_text::Span]) -> Vec<f32> {
        let content: Vec<&str> = kept.iter().filter_map(|s| text.get(s.range())).collect();
        self.fast(&[content.join("\n").as_str()])
            .pop()
            .unwrap_or_default()
    }

    /// Fast-tier vectors as the table gives them (to build the background).
    pub fn fast_raw(&self, sentences: &[&str]) -> Vec<Vec<f32>> {
        self.fast.embed(sentences)
    }

    /// The full model itself, uncached (for timing it).
    pub fn full_model(&self) -> &MiniLm {
        &self.full
    }

    /// The full-model vectors computed so far, by sentence key, so that an
    /// evaluation can keep them on disk between runs.
    pub fn cached_vectors(&self) -> Vec<(u64, Arc<[f32]>)> {
        let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache.iter().map(|(k, v)| (*k, v.clone())).collect()
    }

    /// Adds vectors that [`Meaning::cached_vectors`] returned earlier (from
    /// the same model) to the cache.
    pub fn preload(&self, entries: impl IntoIterator<Item = (u64, Arc<[f32]>)>) {
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache.extend(
            entries
                .into_iter()
                .filter(|(_, v)| v.len() == unspun_embed::DIM),
        );
    }

    /// The distinct sentences of `sentences` that have no full-model vector
    /// cached yet.
    pub fn missing<'s>(&self, sentences: &[&'s str]) -> Vec<&'s str> {
        let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        let mut seen = std::collections::HashSet::new();
        sentences
            .iter()
            .copied()
            .filter(|s| {
                let key = cache_key(s);
                !cache.contains_key(&key) && seen.insert(key)
            })
            .collect()
    }

    /// Full-model vectors, computed once per distinct sentence.
    pub fn full(&self, sentences: &[&str]) -> Result<Vec<Arc<[f32]>>, EmbedError> {
        let missing = self.missing(sentences);
        if !missing.is_empty() {
            let vectors = self.full.embed(&missing)?;
            let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            if cache.len() > 200_000 {
                cache.clear();
            }
            for (s, v) in missing.iter().zip(vectors) {
                cache.insert(cache_key(s), Arc::from(v));
            }
        }
        let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        Ok(sentences
            .iter()
            .map(|s| {
                cache
                    .get(&cache_key(s))
                    .cloned()
                    .unwrap_or_else(|| Arc::from(vec![0.0; unspun_embed::DIM]))
            })
            .collect())
    }
}

/// Sentences of one prepared document.
pub struct Sentences {
    pub spans: Vec<Span>,
    /// Token range of each sentence in `Prepared::tokens`.
    pub token_ranges: Vec<(usize, usize)>,
    pub fast: Vec<Vec<f32>>,
    /// Sorted distinct token hashes of each sentence.
    pub(crate) words: Vec<Vec<u64>>,
    /// Sorted distinct hashes of numeric tokens of each sentence.
    pub(crate) numbers: Vec<Vec<u64>>,
}

impl Sentences {
    pub fn of(p: &Prepared, meaning: &Meaning) -> Sentences {
        let mut spans = Vec::new();
        for k in &p.kept {
            spans.extend(sentences_in(p.text, k.range()));
        }
        let mut token_ranges = Vec::with_capacity(spans.len());
        let mut t = 0;
        for s in &spans {
            while t < p.tokens.len() && p.tokens[t].span.start < s.start {
                t += 1;
            }
            let start = t;
            let mut end = t;
            while end < p.tokens.len() && p.tokens[end].span.end <= s.end {
                end += 1;
            }
            token_ranges.push((start, end));
            t = end;
        }
        // Sentences without a word (a lone dash) carry nothing to align.
        let keep: Vec<bool> = token_ranges.iter().map(|r| r.1 > r.0).collect();
        let spans: Vec<Span> = spans
            .into_iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(s, _)| s)
            .collect();
        let token_ranges: Vec<(usize, usize)> = token_ranges
            .into_iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(r, _)| r)
            .collect();
        let texts: Vec<&str> = spans.iter().map(|s| &p.text[s.range()]).collect();
        let fast = meaning.fast(&texts);
        let mut words = Vec::with_capacity(spans.len());
        let mut numbers = Vec::with_capacity(spans.len());
        for &(a, b) in &token_ranges {
            let toks = &p.tokens[a..b];
            let mut w: Vec<u64> = toks.iter().map(|t| t.hash).collect();
            w.sort_unstable();
            w.dedup();
            let mut n: Vec<u64> = toks
                .iter()
                .filter(|t| p.text[t.span.range()].bytes().all(|c| c.is_ascii_digit()))
                .map(|t| t.hash)
                .collect();
            n.sort_unstable();
            n.dedup();
            words.push(w);
            numbers.push(n);
        }
        Sentences {
            spans,
            token_ranges,
            fast,
            words,
            numbers,
        }
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    pub fn tokens(&self, i: usize) -> usize {
        self.token_ranges[i].1 - self.token_ranges[i].0
    }

    /// Mean of the fast vectors, weighted by tokens, unit length.
    pub fn doc_vector(&self) -> Vec<f32> {
        let mut v = vec![0.0f32; unspun_embed::DIM];
        for (i, f) in self.fast.iter().enumerate() {
            let w = self.tokens(i) as f32;
            v.iter_mut().zip(f).for_each(|(o, x)| *o += w * x);
        }
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        if n > 0.0 {
            v.iter_mut().for_each(|x| *x /= n);
        }
        v
    }
}

fn overlap(a: &[u64], b: &[u64]) -> usize {
    crate::verify::set_overlap(a, b).shared
}

/// Features of a sentence pair, with the bias first:
/// `[1, cos_full, cos_fast, word overlap of the shorter, number mismatch, length ratio]`.
pub fn pair_features(
    cos_full: f64,
    cos_fast: f64,
    words_a: &[u64],
    words_b: &[u64],
    nums_a: &[u64],
    nums_b: &[u64],
) -> [f64; 6] {
    let shorter = words_a.len().min(words_b.len()).max(1);
    let word_overlap = overlap(words_a, words_b) as f64 / shorter as f64;
    let shared_nums = overlap(nums_a, nums_b);
    let mismatch = if nums_a.len() + nums_b.len() == 0 {
        0.0
    } else {
        1.0 - 2.0 * shared_nums as f64 / (nums_a.len() + nums_b.len()) as f64
    };
    let ratio =
        words_a.len().min(words_b.len()) as f64 / words_a.len().max(words_b.len()).max(1) as f64;
    [1.0, cos_full, cos_fast, word_overlap, mismatch, ratio]
}

/// [`pair_features`] of two sentences given as texts, computed as
/// [`align_meaning`] computes them for aligned sentences (for calibration on
/// sentence-pair data).
pub fn sentence_pair_features(a: &str, b: &str, meaning: &Meaning) -> Result<[f64; 6], EmbedError> {
    let words = |text: &str| {
        let p = Prepared::whole(text);
        let mut w: Vec<u64> = p.tokens.iter().map(|t| t.hash).collect();
        let mut n: Vec<u64> = p
            .tokens
            .iter()
            .filter(|t| text[t.span.range()].bytes().all(|c| c.is_ascii_digit()))
            .map(|t| t.hash)
            .collect();
        w.sort_unstable();
        w.dedup();
        n.sort_unstable();
        n.dedup();
        (w, n)
    };
    let ((wa, na), (wb, nb)) = (words(a), words(b));
    let fast = meaning.fast(&[a, b]);
    let full = meaning.full(&[a, b])?;
    Ok(pair_features(
        cosine(&full[0], &full[1]) as f64,
        cosine(&fast[0], &fast[1]) as f64,
        &wa,
        &wb,
        &na,
        &nb,
    ))
}

pub fn dot(w: &[f64], x: &[f64]) -> f64 {
    w.iter().zip(x).map(|(a, b)| a * b).sum()
}

pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// What the meaning layer found for a pair.
#[derive(Debug, Clone, Default)]
pub struct MeaningResult {
    /// 0..1: how much of the smaller text's meaning the other carries.
    pub semantic: f64,
    /// 0..1: probability the two report the same event.
    pub story: f64,
    /// Share of each side's tokens in aligned sentences (or verbatim passages).
    pub aligned_a: f64,
    pub aligned_b: f64,
    pub paraphrase_passages: Vec<Passage>,
    /// Aligned sentence pairs that are paraphrases (not verbatim).
    pub paraphrased_sentences: usize,
    /// What the first tier of `story` was computed from (for calibration)...
    pub features: DocFeatures,
    /// ...and the lead tier, where the first was unsure.
    pub lead: Option<LeadFeatures>,
    /// Sentence pairs scored with the full model (0 when a paraphrase was
    /// out of reach and the fast cosine stood in): the cost of the pair.
    pub full_model_pairs: usize,
    /// The rewrite tier's cheap estimate: [`Rewrite::cosine`] from the
    /// scored candidates alone (0 for a sentence without one).
    pub rewrite_estimate: f64,
    /// The rewrite tier, where the estimate came close.
    pub rewrite: Option<Rewrite>,
}

/// Document-level features for the story score.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct DocFeatures {
    pub doc_cosine: f64,
    pub semantic: f64,
    pub aligned: f64,
    pub entities: f64,
    pub numbers: f64,
}

impl DocFeatures {
    pub fn vector(&self) -> [f64; 6] {
        [
            1.0,
            self.doc_cosine,
            self.semantic,
            self.aligned,
            self.entities,
            self.numbers,
        ]
    }
}

/// Aligns two documents by meaning. `verbatim` are the lexical passages
/// already found (their sentences count as aligned and are not repeated).
pub fn align_meaning(
    a: &Prepared,
    b: &Prepared,
    sa: &Sentences,
    sb: &Sentences,
    verbatim: &[Passage],
    meaning: &Meaning,
) -> Result<MeaningResult, EmbedError> {
    align_meaning_with(
        a,
        b,
        sa,
        sb,
        meaning,
        &Plan::new(a, b, sa, sb, verbatim, meaning),
    )
}

/// [`align_meaning`] with its [`Plan`] made (from the same documents and
/// verbatim passages), for instance with [`Plan::checking_rewrites`].
pub fn align_meaning_with(
    a: &Prepared,
    b: &Prepared,
    sa: &Sentences,
    sb: &Sentences,
    meaning: &Meaning,
    plan: &Plan,
) -> Result<MeaningResult, EmbedError> {
    match align_planned(a, b, sa, sb, meaning, plan, Leads::Embed)? {
        Ok(m) => Ok(m),
        // Never asked for with `Leads::Embed`; embedding them finishes it.
        Err(texts) => {
            meaning.full(&texts.iter().map(String::as_str).collect::<Vec<_>>())?;
            Ok(align_planned(a, b, sa, sb, meaning, plan, Leads::Embed)?.unwrap_or_default())
        }
    }
}

/// Where the lead tier's vectors come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leads {
    /// Embedded by the model as needed.
    Embed,
    /// From the cache only: when they are not there, the alignment returns
    /// the texts to embed instead, the lead tier's and the rewrite tier's
    /// (a caller batches those of many pairs).
    Cached,
}

/// [`align_meaning`] with its [`Plan`] already made (from the same
/// documents and verbatim passages), or with [`Leads::Cached`] the texts
/// (leads, the rewrite tier's sentences) the full model must embed first.
pub fn align_planned(
    a: &Prepared,
    b: &Prepared,
    sa: &Sentences,
    sb: &Sentences,
    meaning: &Meaning,
    plan: &Plan,
    leads: Leads,
) -> Result<Result<MeaningResult, Vec<String>>, EmbedError> {
    let cal = &meaning.calibration;
    if sa.is_empty() || sb.is_empty() {
        return Ok(Ok(MeaningResult::default()));
    }
    let (candidates, possible) = (&plan.candidates, plan.possible);
    let (verbatim_a, verbatim_b) = (&plan.verbatim_a, &plan.verbatim_b);

    let mut scored: HashMap<(usize, usize), (f64, f64)> = HashMap::new();
    let mut full_model_pairs = 0;
    let a_smaller = a.tokens.len() <= b.tokens.len();
    let mut best_cos = vec![0.0f64; if a_smaller { sa.len() } else { sb.len() }];
    if !candidates.is_empty() {
        let full: Vec<f64> = if possible {
            let texts_a: Vec<&str> = candidates
                .iter()
                .map(|c| &a.text[sa.spans[c.0].range()])
                .collect();
            let texts_b: Vec<&str> = candidates
                .iter()
                .map(|c| &b.text[sb.spans[c.1].range()])
                .collect();
            let va = meaning.full(&texts_a)?;
            let vb = meaning.full(&texts_b)?;
            full_model_pairs = candidates.len();
            va.iter()
                .zip(&vb)
                .map(|(x, y)| cosine(x, y) as f64)
                .collect()
        } else {
            candidates.iter().map(|c| c.2).collect()
        };
        for (k, &(i, j, fast)) in candidates.iter().enumerate() {
            let small_k = if a_smaller { i } else { j };
            best_cos[small_k] = best_cos[small_k].max(full[k]);
            let x = pair_features(
                full[k],
                fast,
                &sa.words[i],
                &sb.words[j],
                &sa.numbers[i],
                &sb.numbers[j],
            );
            let p = sigmoid(dot(&cal.paraphrase, &x));
            let sim = dot(&cal.similarity, &x).clamp(0.0, 1.0);
            scored.insert((i, j), (p, sim));
        }
    }
    let pairs = monotone_alignment(sa.len(), sb.len(), &scored);

    let mut aligned_a = vec![false; sa.len()];
    let mut aligned_b = vec![false; sb.len()];
    for &(i, j) in &pairs {
        aligned_a[i] = true;
        aligned_b[j] = true;
    }
    let (passages, paraphrased) = paraphrase_passages(&pairs, sa, sb, verbatim_a);
    // Sentences mostly inside verbatim passages count as aligned too.
    for (flag, &share) in aligned_a.iter_mut().zip(verbatim_a) {
        *flag |= share >= 0.5;
    }
    for (flag, &share) in aligned_b.iter_mut().zip(verbatim_b) {
        *flag |= share >= 0.5;
    }
    let share = |s: &Sentences, flags: &[bool]| {
        let total: usize = (0..s.len()).map(|i| s.tokens(i)).sum();
        let got: usize = (0..s.len())
            .filter(|&i| flags[i])
            .map(|i| s.tokens(i))
            .sum();
        got as f64 / total.max(1) as f64
    };
    let (aa, ab) = (share(sa, &aligned_a), share(sb, &aligned_b));

    // Semantic: token-weighted best similarity of the smaller side's sentences.
    let (n_small, small) = if a_smaller {
        (sa.len(), sa)
    } else {
        (sb.len(), sb)
    };
    let mut best = vec![0.0f64; n_small];
    for (&(i, j), &(_, sim)) in &scored {
        let k = if a_smaller { i } else { j };
        best[k] = best[k].max(sim);
    }
    for (k, b) in best.iter_mut().enumerate() {
        let verbatim_flag = if a_smaller {
            aligned_a[k] && !pairs.iter().any(|p| p.0 == k)
        } else {
            aligned_b[k] && !pairs.iter().any(|p| p.1 == k)
        };
        if verbatim_flag {
            *b = 1.0;
        }
    }
    let total: usize = (0..n_small).map(|k| small.tokens(k)).sum();
    let semantic = (0..n_small)
        .map(|k| best[k] * small.tokens(k) as f64)
        .sum::<f64>()
        / total.max(1) as f64;

    let small_verbatim = if a_smaller { verbatim_a } else { verbatim_b };
    let rewrite_estimate = (0..n_small)
        .map(|k| {
            let c = if small_verbatim[k] >= IN_VERBATIM {
                1.0
            } else {
                best_cos[k]
            };
            c * small.tokens(k) as f64
        })
        .sum::<f64>()
        / total.max(1) as f64;
    let features = DocFeatures {
        // Centred: close because of the story, not because both are news.
        doc_cosine: {
            // Parsed once with the model, not per pair.
            let bg = &meaning.background;
            cosine(&center(&sa.doc_vector(), bg), &center(&sb.doc_vector(), bg)) as f64
        },
        semantic,
        aligned: if a_smaller { aa } else { ab },
        entities: entity_overlap(a, b),
        numbers: number_overlap(sa, sb),
    };
    let first_tier = sigmoid(dot(&cal.story, &features.vector()));
    let lead_texts =
        in_band(first_tier, cal.story_band).then(|| lead_pair_texts(a, b, sa, sb, cal.lead_bytes));
    let small_aligned = if a_smaller { aa } else { ab };
    let check_rewrite = plan.rewrite
        && !aligned_paraphrase(small_aligned, paraphrased, cal)
        && rewrite::worth_checking(n_small, rewrite_estimate, cal);
    if leads == Leads::Cached {
        // Both tiers' texts in one batch.
        let mut refs: Vec<&str> = lead_texts.iter().flatten().map(String::as_str).collect();
        if check_rewrite {
            refs.extend(rewrite::sentence_texts(a, b, sa, sb));
        }
        let missing = meaning.missing(&refs);
        if !missing.is_empty() {
            return Ok(Err(missing.into_iter().map(str::to_string).collect()));
        }
    }
    let lead = match &lead_texts {
        Some(texts) => lead_features_of(texts, meaning)?,
        None => None,
    };
    let rewrite = if check_rewrite {
        Some(rewrite::rewrite_of(
            (a, sa, verbatim_a),
            (b, sb, verbatim_b),
            meaning,
        )?)
    } else {
        None
    };
    let story = lead.map_or(first_tier, |l| sigmoid(dot(&cal.story_lead, &l.vector())));
    Ok(Ok(MeaningResult {
        semantic,
        story,
        aligned_a: aa,
        aligned_b: ab,
        paraphrase_passages: passages,
        paraphrased_sentences: paraphrased,
        features,
        lead,
        full_model_pairs,
        rewrite_estimate,
        rewrite,
    }))
}

/// Whether enough of the smaller text aligns, sentence by sentence, for a
/// `paraphrase` (`smaller_aligned`: its aligned share; `paraphrased`: the
/// aligned sentence pairs that are not verbatim).
pub fn aligned_paraphrase(smaller_aligned: f64, paraphrased: usize, cal: &Calibration) -> bool {
    smaller_aligned >= cal.paraphrase_coverage && paraphrased > 0
}

/// A sentence this much inside verbatim passages is a copy, not a paraphrase.
pub(crate) const IN_VERBATIM: f64 = 0.8;

/// Order-preserving alignment maximizing the summed evidence of its pairs
/// (paraphrase probability above one half), by dynamic programming.
pub(crate) fn monotone_alignment(
    n: usize,
    m: usize,
    scored: &HashMap<(usize, usize), (f64, f64)>,
) -> Vec<(usize, usize)> {
    let gain = |i: usize, j: usize| {
        scored
            .get(&(i, j))
            .map(|&(p, _)| p - 0.5)
            .filter(|g| *g > 0.0)
    };
    let mut best = vec![vec![0.0f64; m + 1]; n + 1];
    for i in 1..=n {
        for j in 1..=m {
            let mut v = best[i - 1][j].max(best[i][j - 1]);
            if let Some(g) = gain(i - 1, j - 1) {
                v = v.max(best[i - 1][j - 1] + g);
            }
            best[i][j] = v;
        }
    }
    let (mut i, mut j) = (n, m);
    let mut out = Vec::new();
    while i > 0 && j > 0 {
        match gain(i - 1, j - 1) {
            Some(g) if (best[i][j] - (best[i - 1][j - 1] + g)).abs() < 1e-12 => {
                out.push((i - 1, j - 1));
                i -= 1;
                j -= 1;
            }
            _ if (best[i][j] - best[i - 1][j]).abs() < 1e-12 => i -= 1,
            _ => j -= 1,
        }
    }
    out.reverse();
    out
}

/// Jaccard of capitalized words that do not start a sentence (names,
/// places, organisations), a cheap stand-in for named entities.
fn entity_overlap(a: &Prepared, b: &Prepared) -> f64 {
    let names = |p: &Prepared| {
        let mut v: Vec<u64> = p
            .tokens
            .iter()
            .enumerate()
            .filter(|(k, t)| {
                let word = &p.text[t.span.range()];
                let capital = word.chars().next().is_some_and(char::is_uppercase);
                let before = if *k == 0 {
                    ""
                } else {
                    p.text[..t.span.start as usize].trim_end()
                };
                capital && !before.is_empty() && !before.ends_with(['.', '!', '?', '"', '“', '\n'])
            })
            .map(|(_, t)| t.hash)
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let (na, nb) = (names(a), names(b));
    let o = crate::verify::set_overlap(&na, &nb);
    o.jaccard()
}

fn number_overlap(a: &Sentences, b: &Sentences) -> f64 {
    let all = |s: &Sentences| {
        let mut v: Vec<u64> = s.numbers.iter().flatten().copied().collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let o = crate::verify::set_overlap(&all(a), &all(b));
    o.jaccard()
}

/// Verbatim-free sentence pairs of an alignment as `paraphrase` passages
/// (consecutive pairs merged), and how many pairs they hold.
pub(crate) fn paraphrase_passages(
    pairs: &[(usize, usize)],
    sa: &Sentences,
    sb: &Sentences,
    verbatim_a: &[f64],
) -> (Vec<Passage>, usize) {
    let mut passages: Vec<Passage> = Vec::new();
    let mut paraphrased = 0;
    let mut last: Option<(usize, usize)> = None;
    for &(i, j) in pairs {
        if verbatim_a[i] >= IN_VERBATIM {
            last = None;
            continue;
        }
        paraphrased += 1;
        let (ra, rb) = (sa.token_ranges[i], sb.token_ranges[j]);
        // Consecutive aligned sentences read as one passage.
        match (last, passages.last_mut()) {
            (Some((li, lj)), Some(prev)) if li + 1 == i && lj + 1 == j => {
                prev.a.end = sa.spans[i].end;
                prev.b.end = sb.spans[j].end;
                prev.a_tokens.1 = token_index(ra.1);
                prev.b_tokens.1 = token_index(rb.1);
            }
            _ => passages.push(Passage {
                a: sa.spans[i],
                b: sb.spans[j],
                kind: PassageKind::Paraphrase,
                a_tokens: (token_index(ra.0), token_index(ra.1)),
                b_tokens: (token_index(rb.0), token_index(rb.1)),
            }),
        }
        last = Some((i, j));
    }
    (passages, paraphrased)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alignment_keeps_order_and_takes_the_best_chain() {
        let mut s = HashMap::new();
        s.insert((0, 0), (0.9, 0.9));
        s.insert((1, 2), (0.8, 0.8));
        s.insert((2, 1), (0.7, 0.7)); // crosses (1, 2): the weaker one is dropped
        s.insert((2, 3), (0.95, 0.9));
        assert_eq!(monotone_alignment(3, 4, &s), vec![(0, 0), (1, 2), (2, 3)]);
    }

    #[test]
    fn builtin_calibration_parses() -> Result<(), serde_json::Error> {
        let c: Calibration = serde_json::from_str(CALIBRATION_JSON)?;
        assert_eq!(c.paraphrase.len(), 6);
        assert_eq!(c.story.len(), 6);
        Ok(())
    }
}
