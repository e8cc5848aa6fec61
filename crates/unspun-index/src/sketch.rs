//! Cleaning and sketching one document, with the parameters of batch scan.

use crate::error::IndexError;
use crate::schema::{DocMeta, SketchRecord};
use unspun_compare::Thresholds;
use unspun_sketch::{anchors, shingles, AnchorParams, LshParams, MinHasher};
use unspun_text::boilerplate::clean;
use unspun_text::{Document, Token};

/// The MinHash seed of `unspun scan`'s sketch pass: an index and a scan must
/// hash alike for their results to agree.
pub const MINHASH_SEED: u64 = 0x005e_ed0f_0a11;

/// Largest text accepted (byte offsets are stored as `u32`).
pub const MAX_TEXT_BYTES: usize = 256 << 20;

/// What shapes sketches and relations; the defaults are `unspun scan`'s.
#[derive(Debug, Clone, PartialEq)]
pub struct SketchParams {
    pub lsh_threshold: f64,
    pub bins: usize,
    pub anchors: AnchorParams,
    pub thresholds: Thresholds,
    /// A band bucket with more documents links a new one only to the latest
    /// member (batch scan chains such buckets).
    pub max_bucket: usize,
}

impl Default for SketchParams {
    fn default() -> Self {
        SketchParams {
            lsh_threshold: 0.5,
            bins: 128,
            anchors: AnchorParams::default(),
            thresholds: Thresholds::default(),
            max_bucket: 64,
        }
    }
}

impl SketchParams {
    /// A stable text form, stored in the index so that a build with other
    /// parameters refuses to mix its sketches with the stored ones.
    pub fn fingerprint(&self) -> String {
        let a = &self.anchors;
        let t = &self.thresholds;
        format!(
            "seed={MINHASH_SEED:#x} bins={} lsh={} max_bucket={} anchors={}/{}/{}/{}/{} thresholds={}/{}/{}/{}/{}",
            self.bins,
            self.lsh_threshold,
            self.max_bucket,
            a.sample_bits,
            a.min_shared,
            a.min_containment,
            a.min_shared_reuse,
            a.max_posting,
            t.duplicate_jaccard,
            t.near_duplicate_coverage,
            t.containment_coverage,
            t.reuse_coverage,
            t.reuse_tokens
        )
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Sketcher {
    pub params: SketchParams,
    pub hasher: MinHasher,
    pub lsh: LshParams,
}

/// A document ready to be matched and stored.
#[derive(Debug)]
pub(crate) struct Sketched {
    pub meta: DocMeta,
    pub text: String,
    pub record: SketchRecord,
    /// Content tokens, for preparing the comparison without tokenizing again.
    pub tokens: Vec<Token>,
    /// The document vector, with the meaning layer.
    pub vector: Option<crate::meaning::DocVector>,
}

impl Sketcher {
    pub fn new(params: SketchParams) -> Self {
        let bins = params.bins.max(1);
        Sketcher {
            hasher: MinHasher::new(bins, MINHASH_SEED),
            lsh: LshParams::for_threshold(params.lsh_threshold, bins),
            params,
        }
    }

    /// Cleans and sketches a document. Cleaning uses no corpus line
    /// statistics: an index grows one document at a time, and re-cleaning
    /// stored documents as statistics change would change relations already
    /// reported. Per-line rules (chrome phrases, teaser blocks, position,
    /// foreign-language lines) still apply.
    pub fn sketch(&self, doc: Document) -> Result<Sketched, IndexError> {
        validate(&doc)?;
        let cleaned = clean(&doc.text, None, doc.site.as_deref());
        let sh = shingles(&cleaned.tokens);
        let band_keys = self
            .hasher
            .sketch(&sh)
            .map(|s| self.lsh.band_keys(&s))
            .unwrap_or_default();
        let anchor_set = anchors(&sh, &self.params.anchors);
        let title = doc.title.or_else(|| {
            cleaned
                .title
                .and_then(|s| doc.text.get(s.range()))
                .map(str::to_string)
        });
        let meta = DocMeta {
            id: doc.id,
            path: doc.path,
            title,
            url: doc.url,
            date: doc.date,
            site: doc.site,
            tokens: cleaned.tokens.len(),
            bytes: doc.text.len(),
        };
        let record = SketchRecord {
            kept: cleaned.kept,
            removed: cleaned.removed,
            band_keys,
            anchors: anchor_set,
        };
        Ok(Sketched {
            meta,
            text: doc.text,
            record,
            tokens: cleaned.tokens,
            vector: None,
        })
    }
}

fn validate(doc: &Document) -> Result<(), IndexError> {
    let bad = |m: &str| Err(IndexError::InvalidDocument(m.to_string()));
    if doc.id.trim().is_empty() {
        return bad("empty id");
    }
    if doc.id.len() > 4096 {
        return bad("id longer than 4096 bytes");
    }
    if doc.text.trim().is_empty() {
        return bad(&format!("`{}` has no text", doc.id));
    }
    if doc.text.len() > MAX_TEXT_BYTES {
        return bad(&format!(
            "`{}` is larger than {} MiB",
            doc.id,
            MAX_TEXT_BYTES >> 20
        ));
    }
    Ok(())
}
