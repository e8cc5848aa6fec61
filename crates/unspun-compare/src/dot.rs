//! The `i8` dot product of the search by meaning: every stored document
//! vector is scored against each new one, so this is the inner loop of
//! the index's and the scan's nearest-neighbour search.

/// The dot product of two `i8` vectors of the same length. With
/// AVX2, detected once at run time, 16 bytes at a time widened to `i16`
/// and multiplied in pairs; otherwise in 32 lanes that the compiler keeps
/// in registers. Integer sums, so both give the same result.
pub fn dot_i8(a: &[i8], b: &[i8]) -> i32 {
    #[cfg(target_arch = "x86_64")]
    if let Some(simd) = avx2() {
        return simd.vectorize(|| dot_avx2(simd, a, b));
    }
    dot_portable(a, b)
}

/// [`dot_i8`] of `query` with each of `rows`, handed to `each` with the
/// row's position: one run-time dispatch for all of them, so a search
/// over many rows pays no call per row.
pub fn each_dot_i8<'r>(
    query: &[i8],
    rows: impl IntoIterator<Item = &'r [i8]>,
    mut each: impl FnMut(usize, i32),
) {
    let rows = rows.into_iter().enumerate();
    #[cfg(target_arch = "x86_64")]
    if let Some(simd) = avx2() {
        return simd.vectorize(|| {
            for (i, row) in rows {
                each(i, dot_avx2(simd, query, row));
            }
        });
    }
    for (i, row) in rows {
        each(i, dot_portable(query, row));
    }
}

/// The CPU's AVX2 (with the rest of x86-64-v3), if it has it.
#[cfg(target_arch = "x86_64")]
fn avx2() -> Option<pulp::x86::V3> {
    static DETECTED: std::sync::OnceLock<Option<pulp::x86::V3>> = std::sync::OnceLock::new();
    *DETECTED.get_or_init(pulp::x86::V3::try_new)
}

/// Measured on 384-byte vectors (`examples/dot_bench.rs`, this machine):
/// 13 ns a product against 26 ns for [`dot_portable`] when the rows are in
/// cache, 16-18 against 28-29 when they stream from memory.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn dot_avx2(simd: pulp::x86::V3, a: &[i8], b: &[i8]) -> i32 {
    use std::arch::x86_64::__m256i;
    let avx2 = simd.avx2;
    let len = a.len().min(b.len());
    let (ca, _) = a[..len].as_chunks::<16>();
    let (cb, _) = b[..len].as_chunks::<16>();
    let mut acc: __m256i = pulp::cast([0i32; 8]);
    for (x, y) in ca.iter().zip(cb) {
        let x = avx2._mm256_cvtepi8_epi16(pulp::cast(*x));
        let y = avx2._mm256_cvtepi8_epi16(pulp::cast(*y));
        // Pairs of i16 products summed into i32: at most 2 × 128², exact.
        acc = avx2._mm256_add_epi32(acc, avx2._mm256_madd_epi16(x, y));
    }
    let lanes: [i32; 8] = pulp::cast(acc);
    let done = ca.len() * 16;
    lanes.iter().sum::<i32>() + dot_portable(&a[done..len], &b[done..len])
}

/// Lanes of [`dot_portable`]'s accumulators.
const LANES: usize = 32;

/// Summed in 32 lanes over chunks of 32: the compiler then keeps whole
/// registers of products (2.6x faster on baseline x86-64 than one running
/// sum, which it widened a few bytes at a time).
fn dot_portable(a: &[i8], b: &[i8]) -> i32 {
    let (ca, cb) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let rest: i32 = (ca.remainder().iter().zip(cb.remainder()))
        .map(|(&x, &y)| i32::from(x) * i32::from(y))
        .sum();
    let mut lanes = [0i32; LANES];
    for (x, y) in ca.zip(cb) {
        for k in 0..LANES {
            lanes[k] += i32::from(x[k]) * i32::from(y[k]);
        }
    }
    lanes.iter().sum::<i32>() + rest
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both products against one running sum: every length around the
    /// widths they work in, the extremes of `i8` included.
    #[test]
    fn dot_i8_equals_a_running_sum() {
        let mut x: u32 = 12_345;
        for len in [0usize, 1, 15, 16, 17, 31, 32, 33, 64, 95, 384, 400] {
            let mut next = || {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                (x >> 16) as u8 as i8
            };
            let mut a: Vec<i8> = (0..len).map(|_| next()).collect();
            let b: Vec<i8> = (0..len).map(|_| next()).collect();
            if len > 2 {
                (a[0], a[1]) = (i8::MIN, i8::MAX);
            }
            let want: i32 = a
                .iter()
                .zip(&b)
                .map(|(&p, &q)| i32::from(p) * i32::from(q))
                .sum();
            assert_eq!(dot_i8(&a, &b), want, "length {len}");
            assert_eq!(dot_portable(&a, &b), want, "length {len}");
        }
        let min = vec![i8::MIN; 384];
        assert_eq!(dot_i8(&min, &min), 384 * 128 * 128);
        assert_eq!(dot_portable(&min, &min), 384 * 128 * 128);
    }

    #[test]
    fn each_dot_is_the_dot_of_each_row_in_order() {
        let query: Vec<i8> = (0..48).map(|i| (i * 5 - 100) as i8).collect();
        let rows: Vec<Vec<i8>> = (0..7)
            .map(|r| (0..48).map(|i| ((i * r * 3) % 251) as u8 as i8).collect())
            .collect();
        let mut seen = Vec::new();
        each_dot_i8(&query, rows.iter().map(Vec::as_slice), |i, d| {
            seen.push((i, d));
        });
        let want: Vec<(usize, i32)> = (rows.iter().enumerate())
            .map(|(i, r)| (i, dot_portable(&query, r)))
            .collect();
        assert_eq!(seen, want);
    }
}
