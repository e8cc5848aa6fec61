//! Tier 2: all-MiniLM-L6-v2 (a 6-layer, 384-wide BERT) on candle's CPU
//! backend, pooled like sentence-transformers: mean over the real tokens
//! (including `[CLS]` and `[SEP]`), then L2-normalised.
//!
//! The forward pass is written here on candle-core/candle-nn ops instead of
//! pulling candle-transformers: BERT inference is ~100 lines and the extra
//! crate would only add build time.
//!
//! Long texts: the model was trained on at most 256 tokens. Rather than cut a
//! text there silently, its tokens are split into near-equal windows of at
//! most 254 (+ `[CLS]`/`[SEP]`), each window is encoded on its own, and the
//! token vectors of all windows are averaged together. For texts that fit in
//! one window this is exactly the sentence-transformers embedding.

use std::collections::HashMap;

use candle_core::{DType, Device, Tensor};
use candle_nn::ops::{layer_norm, softmax_last_dim};

use crate::error::{EmbedError, Result};
use crate::fetch::ModelFiles;
use crate::gelu::BiasGelu;
use crate::tokenizer::WordPiece;
use crate::{l2_normalize, DIM};

const LAYERS: usize = 6;
const HEADS: usize = 12;
const HEAD_DIM: usize = DIM / HEADS;
const FFN: usize = 1536;
const MAX_POSITIONS: usize = 512;
const LN_EPS: f32 = 1e-12;
/// sentence-transformers' `max_seq_length` for this model, in tokens
/// including `[CLS]` and `[SEP]`.
pub const MAX_WINDOW: usize = 256;
/// Padded tokens per forward batch. Larger batches keep the matrix kernels
/// no busier: at 8192 tokens a batch's intermediate activations (50 MB) and
/// attention scores were fresh memory on every layer, and a 20k-document
/// meaning scan took 27 s; at 1024 it takes 19-21 s in 0.33 GB less, with
/// the same output (see docs/calibration.md).
const BATCH_TOKENS: usize = 1024;
const MAX_BATCH: usize = 128;

/// A dense layer with its weight pre-transposed to (in, out), so every
/// matmul is a plain row-major GEMM.
struct Dense {
    w: Tensor,
    b: Tensor,
}

impl Dense {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        Ok(x.matmul(&self.w)?.broadcast_add(&self.b)?)
    }

    /// `gelu(x w + b)`, the bias and activation fused in one pass.
    fn forward_gelu(&self, x: &Tensor) -> Result<Tensor> {
        Ok(x.matmul(&self.w)?.apply_op2_no_bwd(&self.b, &BiasGelu)?)
    }
}

struct Norm {
    gamma: Tensor,
    beta: Tensor,
}

impl Norm {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        Ok(layer_norm(x, &self.gamma, &self.beta, LN_EPS)?)
    }
}

struct Layer {
    /// Query, key and value fused into one (384, 1152) matmul.
    qkv: Dense,
    attn_out: Dense,
    attn_norm: Norm,
    ffn_in: Dense,
    ffn_out: Dense,
    ffn_norm: Norm,
}

/// The all-MiniLM-L6-v2 sentence encoder.
pub struct MiniLm {
    tokenizer: WordPiece,
    word_emb: Tensor,
    pos_emb: Tensor,
    /// Row 0 of the token-type table: single sentences are all type 0.
    type_emb: Tensor,
    emb_norm: Norm,
    layers: Vec<Layer>,
    device: Device,
}

/// Pulls named tensors out of the safetensors map, checking their shapes, so
/// a wrong or damaged file fails at load with the tensor's name.
struct Weights<'a> {
    map: HashMap<String, Tensor>,
    files: &'a ModelFiles,
}

impl Weights<'_> {
    fn get(&mut self, name: &str, shape: &[usize]) -> Result<Tensor> {
        let corrupt = |reason: String| EmbedError::CorruptFile {
            file: self.files.safetensors.clone(),
            reason,
        };
        let t = self
            .map
            .remove(name)
            .ok_or_else(|| corrupt(format!("no tensor {name}")))?;
        if t.dims() != shape {
            return Err(corrupt(format!(
                "tensor {name} has shape {:?}, expected {shape:?}",
                t.dims()
            )));
        }
        Ok(t.to_dtype(DType::F32)?)
    }

    fn dense(&mut self, prefix: &str, out_dim: usize, in_dim: usize) -> Result<Dense> {
        let w = self.get(&format!("{prefix}.weight"), &[out_dim, in_dim])?;
        let b = self.get(&format!("{prefix}.bias"), &[out_dim])?;
        Ok(Dense {
            w: w.t()?.contiguous()?,
            b,
        })
    }

    fn norm(&mut self, prefix: &str) -> Result<Norm> {
        Ok(Norm {
            gamma: self.get(&format!("{prefix}.weight"), &[DIM])?,
            beta: self.get(&format!("{prefix}.bias"), &[DIM])?,
        })
    }
}

impl MiniLm {
    /// Loads the tokenizer and the weights (about 90 MB, read into memory).
    pub fn load(files: &ModelFiles) -> Result<Self> {
        let tokenizer = WordPiece::from_file(&files.tokenizer)?;
        let device = Device::Cpu;
        let map = candle_core::safetensors::load(&files.safetensors, &device).map_err(|e| {
            EmbedError::CorruptFile {
                file: files.safetensors.clone(),
                reason: e.to_string(),
            }
        })?;
        let mut w = Weights { map, files };
        let vocab = tokenizer.vocab_size();
        let word_emb = w.get("embeddings.word_embeddings.weight", &[vocab, DIM])?;
        let pos_emb = w.get(
            "embeddings.position_embeddings.weight",
            &[MAX_POSITIONS, DIM],
        )?;
        let type_emb = w
            .get("embeddings.token_type_embeddings.weight", &[2, DIM])?
            .get(0)?;
        let emb_norm = w.norm("embeddings.LayerNorm")?;
        let mut layers = Vec::with_capacity(LAYERS);
        for i in 0..LAYERS {
            let p = format!("encoder.layer.{i}");
            let q = w.dense(&format!("{p}.attention.self.query"), DIM, DIM)?;
            let k = w.dense(&format!("{p}.attention.self.key"), DIM, DIM)?;
            let v = w.dense(&format!("{p}.attention.self.value"), DIM, DIM)?;
            let qkv = Dense {
                w: Tensor::cat(&[&q.w, &k.w, &v.w], 1)?,
                b: Tensor::cat(&[&q.b, &k.b, &v.b], 0)?,
            };
            layers.push(Layer {
                qkv,
                attn_out: w.dense(&format!("{p}.attention.output.dense"), DIM, DIM)?,
                attn_norm: w.norm(&format!("{p}.attention.output.LayerNorm"))?,
                ffn_in: w.dense(&format!("{p}.intermediate.dense"), FFN, DIM)?,
                ffn_out: w.dense(&format!("{p}.output.dense"), DIM, FFN)?,
                ffn_norm: w.norm(&format!("{p}.output.LayerNorm"))?,
            });
        }
        Ok(Self {
            tokenizer,
            word_emb,
            pos_emb,
            type_emb,
            emb_norm,
            layers,
            device,
        })
    }

    pub fn tokenizer(&self) -> &WordPiece {
        &self.tokenizer
    }

    /// One unit-length 384-d vector per sentence, in input order.
    pub fn embed(&self, sentences: &[&str]) -> Result<Vec<Vec<f32>>> {
        // Every window of every sentence, tagged with its sentence.
        let mut windows: Vec<(usize, Vec<u32>)> = Vec::with_capacity(sentences.len());
        for (i, s) in sentences.iter().enumerate() {
            let ids = self.tokenizer.encode(s);
            for w in split_windows(&ids, MAX_WINDOW - 2) {
                let mut seq = Vec::with_capacity(w.len() + 2);
                seq.push(self.tokenizer.cls_id());
                seq.extend_from_slice(w);
                seq.push(self.tokenizer.sep_id());
                windows.push((i, seq));
            }
        }
        // Similar lengths together, so little of each batch is padding.
        windows.sort_by_key(|(_, seq)| seq.len());

        let mut sums = vec![vec![0.0f32; DIM]; sentences.len()];
        let mut counts = vec![0usize; sentences.len()];
        for batch in length_batches(&windows) {
            let seqs: Vec<&[u32]> = batch.iter().map(|(_, s)| s.as_slice()).collect();
            let pooled = self.pooled_sums(&seqs)?;
            for ((i, seq), row) in batch.iter().zip(pooled) {
                sums[*i].iter_mut().zip(&row).for_each(|(a, x)| *a += x);
                counts[*i] += seq.len();
            }
        }
        // Mean then normalise; the division does not change the direction
        // but keeps the code readable as "mean pooling".
        for (sum, n) in sums.iter_mut().zip(counts) {
            sum.iter_mut().for_each(|x| *x /= n.max(1) as f32);
            l2_normalize(sum);
        }
        Ok(sums)
    }

    /// Sum over positions of the last hidden states, one row per sequence
    /// (padding excluded).
    fn pooled_sums(&self, seqs: &[&[u32]]) -> Result<Vec<Vec<f32>>> {
        let (hidden, mask) = self.forward(seqs)?;
        let (b, l) = mask.dims2()?;
        let pooled = hidden
            .reshape((b, l, DIM))?
            .broadcast_mul(&mask.unsqueeze(2)?)?
            .sum(1)?;
        Ok(pooled.to_vec2::<f32>()?)
    }

    /// Last hidden state at one position of each sequence (position 1 is the
    /// token in `[CLS] token [SEP]`, which the static table is built from).
    pub(crate) fn hidden_at(&self, seqs: &[&[u32]], pos: usize) -> Result<Vec<Vec<f32>>> {
        let (hidden, mask) = self.forward(seqs)?;
        let (b, l) = mask.dims2()?;
        let at = hidden.reshape((b, l, DIM))?.narrow(1, pos, 1)?.squeeze(1)?;
        Ok(at.to_vec2::<f32>()?)
    }

    /// Runs the encoder on a batch of token sequences (each already wrapped
    /// in `[CLS]`/`[SEP]`, at most 512 long), padded to the longest.
    /// Returns the last hidden states as (batch*len, 384) and the (batch,
    /// len) 0/1 mask of real tokens.
    fn forward(&self, seqs: &[&[u32]]) -> Result<(Tensor, Tensor)> {
        let b = seqs.len();
        let l = seqs.iter().map(|s| s.len()).max().unwrap_or(0).max(1);
        if l > MAX_POSITIONS {
            return Err(candle_core::Error::Msg(format!(
                "sequence of {l} tokens exceeds {MAX_POSITIONS} positions"
            ))
            .into());
        }
        let mut ids = vec![0u32; b * l];
        let mut mask = vec![0.0f32; b * l];
        for (row, s) in seqs.iter().enumerate() {
            ids[row * l..row * l + s.len()].copy_from_slice(s);
            mask[row * l..row * l + s.len()].fill(1.0);
        }
        let ids = Tensor::from_vec(ids, b * l, &self.device)?;
        let mask = Tensor::from_vec(mask, (b, l), &self.device)?;
        // 0 for real tokens, -1e9 for padding: added to attention scores so
        // padding gets zero weight after the softmax.
        let bias = mask.affine(1e9, -1e9)?.reshape((b, 1, 1, l))?;

        let x = self.word_emb.index_select(&ids, 0)?.reshape((b, l, DIM))?;
        let x = x
            .broadcast_add(&self.pos_emb.narrow(0, 0, l)?)?
            .broadcast_add(&self.type_emb)?
            .reshape((b * l, DIM))?;
        let mut x = self.emb_norm.forward(&x)?;
        for layer in &self.layers {
            x = layer.forward(&x, &bias, b, l)?;
        }
        Ok((x, mask))
    }
}

impl Layer {
    /// One post-norm BERT layer on x of shape (b*l, 384).
    fn forward(&self, x: &Tensor, bias: &Tensor, b: usize, l: usize) -> Result<Tensor> {
        let qkv = self.qkv.forward(x)?;
        // (b*l, 384) slice -> (b, heads, l, head_dim)
        let heads = |i: usize| -> Result<Tensor> {
            Ok(qkv
                .narrow(1, i * DIM, DIM)?
                .reshape((b, l, HEADS, HEAD_DIM))?
                .transpose(1, 2)?
                .contiguous()?)
        };
        let scale = 1.0 / (HEAD_DIM as f64).sqrt();
        let q = heads(0)?.affine(scale, 0.0)?;
        let k = heads(1)?;
        let v = heads(2)?;
        let scores = q.matmul(&k.t()?)?.broadcast_add(bias)?;
        let probs = softmax_last_dim(&scores)?;
        let ctx = probs
            .matmul(&v)?
            .transpose(1, 2)?
            .contiguous()?
            .reshape((b * l, DIM))?;
        let x = self
            .attn_norm
            .forward(&(self.attn_out.forward(&ctx)? + x)?)?;
        let h = self.ffn_in.forward_gelu(&x)?;
        self.ffn_norm.forward(&(self.ffn_out.forward(&h)? + &x)?)
    }
}

/// Splits `ids` into the fewest windows of at most `max` tokens, all of
/// near-equal length (so no window is a tiny, context-poor tail). An empty
/// input gives one empty window: "[CLS] [SEP]", as sentence-transformers does.
pub(crate) fn split_windows(ids: &[u32], max: usize) -> Vec<&[u32]> {
    let n = ids.len();
    let k = n.div_ceil(max.max(1)).max(1);
    let base = n / k;
    let extra = n % k;
    let mut out = Vec::with_capacity(k);
    let mut start = 0;
    for i in 0..k {
        let len = base + usize::from(i < extra);
        out.push(&ids[start..start + len]);
        start += len;
    }
    out
}

/// Consecutive runs of the (length-sorted) windows whose padded size stays
/// within the batch budget.
fn length_batches<T>(windows: &[(usize, Vec<T>)]) -> Vec<&[(usize, Vec<T>)]> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < windows.len() {
        let mut end = start + 1;
        while end < windows.len()
            && end - start < MAX_BATCH
            && (end - start + 1) * windows[end].1.len() <= BATCH_TOKENS
        {
            end += 1;
        }
        out.push(&windows[start..end]);
        start = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_balanced_and_cover_everything() {
        let ids: Vec<u32> = (0..600).collect();
        let w = split_windows(&ids, 254);
        assert_eq!(
            w.iter().map(|w| w.len()).collect::<Vec<_>>(),
            [200, 200, 200]
        );
        assert_eq!(w.concat(), ids);
        assert_eq!(split_windows(&ids[..254], 254).len(), 1);
        assert_eq!(split_windows(&ids[..255], 254).len(), 2);
        assert_eq!(split_windows(&[], 254), vec![&[] as &[u32]]);
    }

    #[test]
    fn batches_respect_the_token_budget() {
        let windows: Vec<(usize, Vec<u8>)> = (0..300).map(|i| (i, vec![0; 2 + i])).collect();
        let batches = length_batches(&windows);
        assert_eq!(batches.iter().map(|b| b.len()).sum::<usize>(), 300);
        for b in batches {
            let padded = b.len() * b.last().map_or(0, |w| w.1.len());
            assert!(b.len() == 1 || (padded <= BATCH_TOKENS && b.len() <= MAX_BATCH));
        }
    }
}
