//! The feed-forward activation, fused with the bias before it.
//!
//! BERT's GELU is `x * Phi(x)`, with the exact error function. candle's
//! `gelu_erf` calls a scalar libm `erf` per element, and with the separate
//! bias add it was a fifth of the model's time. Here the bias add and the
//! activation are one pass over the matmul output, split across threads, and
//! `erf` is a rational function that the compiler vectorises.

use candle_core::{CpuStorage, CustomOp2, Layout, Shape};
use rayon::prelude::*;

/// `gelu(x + bias)`, bias broadcast over the rows of a row-major `x`.
pub(crate) struct BiasGelu;

/// Elements per parallel task: large enough that scheduling is noise.
const CHUNK: usize = 1 << 14;

impl CustomOp2 for BiasGelu {
    fn name(&self) -> &'static str {
        "bias-gelu"
    }

    fn cpu_fwd(
        &self,
        x: &CpuStorage,
        x_layout: &Layout,
        bias: &CpuStorage,
        bias_layout: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let (CpuStorage::F32(x_all), CpuStorage::F32(bias_all)) = (x, bias) else {
            candle_core::bail!("bias-gelu: f32 tensors only");
        };
        let (Some((x0, x1)), Some((b0, b1))) = (
            x_layout.contiguous_offsets(),
            bias_layout.contiguous_offsets(),
        ) else {
            candle_core::bail!("bias-gelu: contiguous tensors only");
        };
        let (x, bias) = (&x_all[x0..x1], &bias_all[b0..b1]);
        let width = bias.len();
        if width == 0 || x.len() % width != 0 || x_layout.dims().last() != Some(&width) {
            candle_core::bail!(
                "bias-gelu: bias of {width} does not match the rows of {:?}",
                x_layout.dims()
            );
        }
        let mut out = vec![0.0f32; x.len()];
        // Chunks are whole rows, so each row meets the bias from its start.
        let chunk = CHUNK.div_ceil(width) * width;
        out.par_chunks_mut(chunk)
            .zip(x.par_chunks(chunk))
            .for_each(|(out, x)| {
                for (out_row, x_row) in out.chunks_exact_mut(width).zip(x.chunks_exact(width)) {
                    for ((o, &v), &b) in out_row.iter_mut().zip(x_row).zip(bias) {
                        *o = gelu(v + b);
                    }
                }
            });
        Ok((CpuStorage::F32(out), x_layout.shape().clone()))
    }
}

/// `x * Phi(x)`, the exact (erf) GELU.
#[inline]
pub(crate) fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + erf(x * std::f32::consts::FRAC_1_SQRT_2))
}

/// The error function to within 4e-7 (absolute), about the rounding of f32
/// near 1. `erf(x) = x * P(x^2) / Q(x^2)` on [-4, 4], +-1 beyond, where f32
/// `erf` is +-1 anyway. The coefficients are a minimax fit made for this
/// crate (Lawson's iteration on weighted least squares, in f64, against
/// scipy's erf).
#[inline]
pub(crate) fn erf(x: f32) -> f32 {
    const P: [f32; 7] = [
        1.128_378_7,
        2.139_461_7e-1,
        5.243_366_3e-2,
        4.293_114_2e-3,
        1.555_381_9e-4,
        -1.990_323_3e-6,
        1.921_710_6e-8,
    ];
    const Q: [f32; 5] = [
        1.0,
        5.229_325e-1,
        1.208_002_3e-1,
        1.555_121_6e-2,
        1.098_052_6e-3,
    ];
    let x = x.clamp(-4.0, 4.0);
    let u = x * x;
    let p = P.iter().rev().fold(0.0f32, |acc, &c| acc * u + c);
    let q = Q.iter().rev().fold(0.0f32, |acc, &c| acc * u + c);
    (x * p / q).clamp(-1.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// erf by its Maclaurin series in f64 (converges well for |x| <= 4 with
    /// enough terms), so the test does not lean on another erf.
    fn erf_series(x: f64) -> f64 {
        let mut term = x;
        let mut sum = x;
        let mut n = 0.0;
        while term.abs() > 1e-17 * sum.abs().max(1e-300) {
            n += 1.0;
            term *= -x * x / n;
            sum += term / (2.0 * n + 1.0);
        }
        sum * 2.0 / std::f64::consts::PI.sqrt()
    }

    #[test]
    fn erf_is_within_four_ten_millionths_everywhere() {
        let mut worst = 0.0f64;
        for i in -6000..=6000 {
            let x = i as f64 / 1000.0;
            let exact = if x.abs() > 4.5 {
                x.signum()
            } else {
                erf_series(x)
            };
            worst = worst.max((erf(x as f32) as f64 - exact).abs());
        }
        assert!(worst < 4e-7, "worst error {worst}");
        assert_eq!(erf(0.0), 0.0);
        assert_eq!(erf(-10.0), -1.0);
    }

    #[test]
    fn fused_op_adds_the_bias_per_column_then_activates() -> candle_core::Result<()> {
        use candle_core::{Device, Tensor};
        let x = Tensor::new(&[[0.5f32, -1.0, 2.0], [-3.0, 0.0, 1.5]], &Device::Cpu)?;
        let bias = Tensor::new(&[0.25f32, 1.0, -2.0], &Device::Cpu)?;
        let fused = x.apply_op2_no_bwd(&bias, &BiasGelu)?.to_vec2::<f32>()?;
        let reference = x.broadcast_add(&bias)?.gelu_erf()?.to_vec2::<f32>()?;
        for (f, r) in fused.iter().flatten().zip(reference.iter().flatten()) {
            assert!((f - r).abs() < 1e-6, "{f} vs {r}");
        }
        // A bias that does not fit the rows is an error, not a wrong answer.
        let short = Tensor::new(&[1.0f32, 2.0], &Device::Cpu)?;
        assert!(x.apply_op2_no_bwd(&short, &BiasGelu).is_err());
        Ok(())
    }
}
