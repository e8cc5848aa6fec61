//! Correlation coefficients and classification figures.

/// Pearson's correlation of `x` and `y` (0 when either is constant or the
/// slices are shorter than two).
pub fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len().min(y.len());
    if n < 2 {
        return 0.0;
    }
    let (x, y) = (&x[..n], &y[..n]);
    let mean = |v: &[f64]| v.iter().sum::<f64>() / n as f64;
    let (mx, my) = (mean(x), mean(y));
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        let (dx, dy) = (a - mx, b - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if sxx <= 0.0 || syy <= 0.0 {
        0.0
    } else {
        sxy / (sxx * syy).sqrt()
    }
}

/// Ranks from 1, ties sharing their average rank.
pub fn ranks(x: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&i, &j| x[i].total_cmp(&x[j]));
    let mut r = vec![0.0; x.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && x[order[end]] == x[order[start]] {
            end += 1;
        }
        // Positions start..end hold equal values: ranks start+1 ..= end.
        let average = (start + 1 + end) as f64 / 2.0;
        for &i in &order[start..end] {
            r[i] = average;
        }
        start = end;
    }
    r
}

/// Spearman's rank correlation: Pearson's of the (tie-averaged) ranks.
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len().min(y.len());
    pearson(&ranks(&x[..n]), &ranks(&y[..n]))
}

/// Binary classification figures, "positive" being the class of interest.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct Binary {
    pub accuracy: f64,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub true_positives: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
    pub true_negatives: usize,
}

impl Binary {
    /// From `(predicted, gold)` pairs.
    pub fn of(pairs: impl IntoIterator<Item = (bool, bool)>) -> Binary {
        let mut b = Binary::default();
        for (p, g) in pairs {
            match (p, g) {
                (true, true) => b.true_positives += 1,
                (true, false) => b.false_positives += 1,
                (false, true) => b.false_negatives += 1,
                (false, false) => b.true_negatives += 1,
            }
        }
        let share = |n: usize, d: usize| if d == 0 { 0.0 } else { n as f64 / d as f64 };
        let tp = b.true_positives;
        let all = tp + b.false_positives + b.false_negatives + b.true_negatives;
        b.accuracy = share(tp + b.true_negatives, all);
        b.precision = share(tp, tp + b.false_positives);
        b.recall = share(tp, tp + b.false_negatives);
        b.f1 = share(2 * tp, 2 * tp + b.false_positives + b.false_negatives);
        b
    }
}

/// The best accuracy any threshold on `score` reaches for `gold` (predicting
/// positive at or above it), and that threshold: the "plain cosine, best
/// threshold" reference.
pub fn best_threshold_accuracy(score: &[f64], gold: &[bool]) -> (f64, f64) {
    let n = score.len().min(gold.len());
    if n == 0 {
        return (0.0, 0.0);
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| score[i].total_cmp(&score[j]));
    // Threshold below everything: all predicted positive.
    let positives = gold[..n].iter().filter(|g| **g).count();
    let mut correct = positives;
    let (mut best, mut best_t) = (correct, f64::NEG_INFINITY);
    let mut k = 0;
    while k < n {
        // Move every item with this score to the negative side.
        let s = score[order[k]];
        while k < n && score[order[k]] == s {
            if gold[order[k]] {
                correct -= 1;
            } else {
                correct += 1;
            }
            k += 1;
        }
        if correct > best {
            best = correct;
            best_t = if k < n {
                score[order[k]]
            } else {
                f64::INFINITY
            };
        }
    }
    (best as f64 / n as f64, best_t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn pearson_by_hand() {
        // x = 1,2,3,4; y = 2,4,5,9: means 2.5, 5; deviations -1.5,-.5,.5,1.5
        // and -3,-1,0,4; sxy = 4.5+0.5+0+6 = 11; sxx = 5; syy = 26.
        let r = pearson(&[1.0, 2.0, 3.0, 4.0], &[2.0, 4.0, 5.0, 9.0]);
        assert!(close(r, 11.0 / (5.0f64 * 26.0).sqrt()), "{r}");
        assert!(close(pearson(&[1.0, 2.0, 3.0], &[-2.0, -4.0, -6.0]), -1.0));
        assert_eq!(pearson(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]), 0.0);
        assert_eq!(pearson(&[1.0], &[1.0]), 0.0);
    }

    #[test]
    fn ranks_average_ties() {
        assert_eq!(ranks(&[10.0, 30.0, 20.0, 30.0]), vec![1.0, 3.5, 2.0, 3.5]);
        assert_eq!(ranks(&[5.0, 5.0, 5.0]), vec![2.0, 2.0, 2.0]);
    }

    #[test]
    fn spearman_by_hand() {
        // Monotone but not linear: rank correlation 1.
        assert!(close(
            spearman(&[1.0, 2.0, 3.0, 4.0], &[1.0, 8.0, 27.0, 64.0]),
            1.0
        ));
        // Ranks x: 1,2,3,4,5; y: 2,1,4,3,5; d^2 = 1+1+1+1+0 = 4;
        // rho = 1 - 6*4 / (5*24) = 0.8.
        let r = spearman(&[1.0, 2.0, 3.0, 4.0, 5.0], &[20.0, 10.0, 40.0, 30.0, 50.0]);
        assert!(close(r, 0.8), "{r}");
    }

    #[test]
    fn binary_figures() {
        // tp 2, fp 1, fn 1, tn 1.
        let b = Binary::of([
            (true, true),
            (true, true),
            (true, false),
            (false, true),
            (false, false),
        ]);
        assert!(
            close(b.accuracy, 0.6) && close(b.precision, 2.0 / 3.0) && close(b.recall, 2.0 / 3.0)
        );
        assert!(close(b.f1, 2.0 / 3.0));
    }

    #[test]
    fn best_threshold_by_hand() {
        let score = [0.1, 0.4, 0.35, 0.8, 0.7];
        let gold = [false, false, true, true, true];
        // Threshold 0.7 gets 0.1, 0.4, 0.35 negative: 4 of 5 right;
        // threshold 0.35: 0.4 wrongly positive, also 4 of 5; the first found wins.
        let (acc, t) = best_threshold_accuracy(&score, &gold);
        assert!(close(acc, 0.8), "{acc}");
        assert!(close(t, 0.35), "{t}");
        assert!(close(
            best_threshold_accuracy(&[0.2, 0.9], &[false, true]).0,
            1.0
        ));
    }
}
