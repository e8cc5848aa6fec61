//! Exact set overlap: no reported pair rests on a sketch collision alone.

/// Sizes of two shingle sets and of their intersection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SetOverlap {
    pub a: usize,
    pub b: usize,
    pub shared: usize,
}

impl SetOverlap {
    pub fn jaccard(&self) -> f64 {
        let union = self.a + self.b - self.shared;
        if union == 0 {
            0.0
        } else {
            self.shared as f64 / union as f64
        }
    }
    /// Share of `a`'s shingles found in `b`.
    pub fn a_in_b(&self) -> f64 {
        if self.a == 0 {
            0.0
        } else {
            self.shared as f64 / self.a as f64
        }
    }
    pub fn b_in_a(&self) -> f64 {
        if self.b == 0 {
            0.0
        } else {
            self.shared as f64 / self.b as f64
        }
    }
}

/// Overlap of two sorted, deduplicated sets (a linear merge).
pub fn set_overlap(a: &[u64], b: &[u64]) -> SetOverlap {
    let (mut i, mut j, mut shared) = (0, 0, 0);
    // Without branches on the comparison: hashes compare at random, so a
    // branch on it is mispredicted half the time.
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        shared += usize::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    SetOverlap {
        a: a.len(),
        b: b.len(),
        shared,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlap_counts() {
        let o = set_overlap(&[1, 3, 5, 7], &[3, 4, 5]);
        assert_eq!(o.shared, 2);
        assert!((o.jaccard() - 2.0 / 5.0).abs() < 1e-12);
        assert_eq!(o.a_in_b(), 0.5);
        assert!((o.b_in_a() - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(set_overlap(&[], &[]).jaccard(), 0.0);
    }
}
