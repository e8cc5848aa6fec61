//! The small model fits behind `unspun eval --calibrate-meaning`, written
//! out so that a calibration is reproducible to the bit: no randomness, fixed
//! iteration counts, fixed folds.
//!
//! Every feature vector carries its bias as element 0 (as
//! `unspun_compare::meaning::pair_features` and `DocFeatures::vector` do);
//! the L2 penalty leaves the bias alone.

/// Weights rounded to six decimals (and -0 made 0), as they are written:
/// a calibration is evaluated with exactly what it writes.
pub fn round6(w: Vec<f64>) -> Vec<f64> {
    w.into_iter()
        .map(|v| (v * 1e6).round() / 1e6 + 0.0)
        .collect()
}

/// The vectors of the items that have one (and whose index `keep` lets
/// through), with their targets: what a fit over optional features takes.
pub fn present<T>(
    items: &[Option<T>],
    targets: &[f64],
    keep: impl Fn(usize) -> bool,
    vector: impl Fn(&T) -> Vec<f64>,
) -> (Vec<Vec<f64>>, Vec<f64>) {
    items
        .iter()
        .zip(targets)
        .enumerate()
        .filter(|(i, _)| keep(*i))
        .filter_map(|(_, (item, t))| Some((vector(item.as_ref()?), *t)))
        .unzip()
}

/// L2-regularized logistic regression by Newton's method (iteratively
/// reweighted least squares) with a backtracking step: minimises
/// `sum_i CE(y_i, sigmoid(w.x_i)) + l2/2 |w[1..]|^2`. `y` may be soft
/// (any value in 0..1), which fits graded targets with the same loss.
pub fn logistic(x: &[Vec<f64>], y: &[f64], l2: f64, iterations: usize) -> Vec<f64> {
    let d = x.first().map_or(0, Vec::len);
    let mut w = vec![0.0; d];
    if d == 0 {
        return w;
    }
    let objective = |w: &[f64]| -> f64 {
        let mut loss = 0.0;
        for (xi, &yi) in x.iter().zip(y) {
            let z = dot(w, xi);
            // log(1 + e^z) - y z, stable for large |z|.
            loss += softplus(z) - yi * z;
        }
        loss + l2 / 2.0 * w[1..].iter().map(|v| v * v).sum::<f64>()
    };
    let mut current = objective(&w);
    for _ in 0..iterations {
        let mut g = vec![0.0; d];
        let mut h = vec![vec![0.0; d]; d];
        for (xi, &yi) in x.iter().zip(y) {
            let p = sigmoid(dot(&w, xi));
            let s = p * (1.0 - p);
            for a in 0..d {
                g[a] += (p - yi) * xi[a];
                for b in 0..d {
                    h[a][b] += s * xi[a] * xi[b];
                }
            }
        }
        for a in 0..d {
            let penalty = if a == 0 { 1e-9 } else { l2 };
            if a > 0 {
                g[a] += l2 * w[a];
            }
            h[a][a] += penalty;
        }
        let Some(step) = solve(h, g) else { break };
        let mut t = 1.0;
        let mut improved = false;
        for _ in 0..40 {
            let trial: Vec<f64> = w.iter().zip(&step).map(|(wi, si)| wi - t * si).collect();
            let value = objective(&trial);
            if value <= current {
                improved = value < current;
                w = trial;
                current = value;
                break;
            }
            t /= 2.0;
        }
        if !improved {
            break;
        }
    }
    w
}

/// Ridge least squares: minimises `sum_i (w.x_i - y_i)^2 + l2 |w[1..]|^2`
/// through the normal equations.
pub fn least_squares(x: &[Vec<f64>], y: &[f64], l2: f64) -> Vec<f64> {
    let d = x.first().map_or(0, Vec::len);
    let mut a = vec![vec![0.0; d]; d];
    let mut b = vec![0.0; d];
    for (xi, &yi) in x.iter().zip(y) {
        for i in 0..d {
            b[i] += xi[i] * yi;
            for j in 0..d {
                a[i][j] += xi[i] * xi[j];
            }
        }
    }
    for (i, row) in a.iter_mut().enumerate() {
        row[i] += if i == 0 { 1e-9 } else { l2 };
    }
    solve(a, b).unwrap_or_else(|| vec![0.0; d])
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting; `None`
/// for a singular system.
pub fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-300 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        let (upper, lower) = a.split_at_mut(col + 1);
        let pivot_row = &upper[col];
        for (offset, row) in lower.iter_mut().enumerate() {
            let f = row[col] / pivot_row[col];
            if f != 0.0 {
                for (x, p) in row[col..].iter_mut().zip(&pivot_row[col..]) {
                    *x -= f * p;
                }
                b[col + 1 + offset] -= f * b[col];
            }
        }
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        let rest: f64 = (i + 1..n).map(|k| a[i][k] * x[k]).sum();
        x[i] = (b[i] - rest) / a[i][i];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

/// The fold (of `k`) that item `i` belongs to: items are dealt round-robin
/// in file order, so folds are fixed and balanced.
pub fn fold_of(i: usize, k: usize) -> usize {
    i % k.max(1)
}

/// A fit: weights from feature vectors and targets.
pub type FitFn = dyn Fn(&[Vec<f64>], &[f64]) -> Vec<f64>;

/// Out-of-fold predictions: item `i` is predicted by `predict(fit(rest), x_i)`
/// where `rest` is every item outside its fold.
pub fn cross_validate(
    x: &[Vec<f64>],
    y: &[f64],
    k: usize,
    fit: &FitFn,
    predict: &dyn Fn(&[f64], &[f64]) -> f64,
) -> Vec<f64> {
    let mut out = vec![0.0; x.len()];
    for f in 0..k {
        let (mut tx, mut ty) = (Vec::new(), Vec::new());
        for (i, (xi, yi)) in x.iter().zip(y).enumerate() {
            if fold_of(i, k) != f {
                tx.push(xi.clone());
                ty.push(*yi);
            }
        }
        let w = fit(&tx, &ty);
        for (i, xi) in x.iter().enumerate() {
            if fold_of(i, k) == f {
                out[i] = predict(&w, xi);
            }
        }
    }
    out
}

pub fn dot(w: &[f64], x: &[f64]) -> f64 {
    w.iter().zip(x).map(|(a, b)| a * b).sum()
}

pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

fn softplus(z: f64) -> f64 {
    if z > 0.0 {
        z + (-z).exp().ln_1p()
    } else {
        z.exp().ln_1p()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// A fixed pseudo-random sequence (xorshift), so the tests are exact.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> f64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    #[test]
    fn solve_by_hand() {
        // 2x + y = 5, x + 3y = 10 -> x = 1, y = 3.
        let x = solve(vec![vec![2.0, 1.0], vec![1.0, 3.0]], vec![5.0, 10.0]).unwrap();
        assert!(
            (x[0] - 1.0).abs() < 1e-12 && (x[1] - 3.0).abs() < 1e-12,
            "{x:?}"
        );
        // Needs pivoting: leading zero.
        let x = solve(vec![vec![0.0, 1.0], vec![1.0, 0.0]], vec![2.0, 3.0]).unwrap();
        assert_eq!(x, vec![3.0, 2.0]);
        assert!(solve(vec![vec![1.0, 2.0], vec![2.0, 4.0]], vec![1.0, 2.0]).is_none());
    }

    #[test]
    fn least_squares_recovers_a_linear_law() {
        // y = 0.2 + 0.5 a - 0.3 b exactly: the fit returns those weights.
        let mut rng = Rng(7);
        let x: Vec<Vec<f64>> = (0..50).map(|_| vec![1.0, rng.next(), rng.next()]).collect();
        let y: Vec<f64> = x.iter().map(|v| 0.2 + 0.5 * v[1] - 0.3 * v[2]).collect();
        let w = least_squares(&x, &y, 0.0);
        for (got, want) in w.iter().zip([0.2, 0.5, -0.3]) {
            assert!((got - want).abs() < 1e-6, "{w:?}");
        }
        // A ridge penalty shrinks the slopes but not the bias.
        let shrunk = least_squares(&x, &y, 10.0);
        assert!(shrunk[1].abs() < 0.5 && shrunk[2].abs() < 0.3, "{shrunk:?}");
    }

    #[test]
    fn logistic_recovers_a_known_direction() {
        // Labels drawn from sigmoid(-2 + 4a - 3b): with 4,000 samples the
        // maximum-likelihood weights land near the true ones.
        let truth = [-2.0, 4.0, -3.0];
        let mut rng = Rng(42);
        let mut x = Vec::new();
        let mut y = Vec::new();
        for _ in 0..4000 {
            let v = vec![1.0, rng.next() * 2.0, rng.next() * 2.0];
            let p = sigmoid(dot(&truth, &v));
            y.push(if rng.next() < p { 1.0 } else { 0.0 });
            x.push(v);
        }
        let w = logistic(&x, &y, 1e-6, 50);
        for (got, want) in w.iter().zip(truth) {
            assert!((got - want).abs() < 0.35, "{w:?}");
        }
        // The direction is right to a few degrees.
        let cos = dot(&w[1..], &truth[1..]) / (dot(&w[1..], &w[1..]) * 25.0).sqrt();
        assert!(cos > 0.995, "{cos}");
    }

    #[test]
    fn logistic_on_separable_data_stays_finite_and_separates() {
        // Perfectly separable at a = 0.5: without the penalty the weights
        // would grow without bound; with it they stay finite and classify
        // every point right.
        let x: Vec<Vec<f64>> = (0..20).map(|i| vec![1.0, i as f64 / 19.0]).collect();
        let y: Vec<f64> = x.iter().map(|v| f64::from(u8::from(v[1] > 0.5))).collect();
        let w = logistic(&x, &y, 0.1, 100);
        assert!(w.iter().all(|v| v.is_finite()), "{w:?}");
        for (v, t) in x.iter().zip(&y) {
            assert_eq!(sigmoid(dot(&w, v)) > 0.5, *t > 0.5, "{w:?} at {v:?}");
        }
    }

    #[test]
    fn soft_targets_fit_the_mean() {
        // One constant feature: the fitted probability is the mean target.
        let x = vec![vec![1.0]; 4];
        let w = logistic(&x, &[0.25, 0.25, 0.5, 0.0], 0.0, 50);
        assert!((sigmoid(w[0]) - 0.25).abs() < 1e-9, "{w:?}");
    }

    #[test]
    fn cross_validation_holds_each_fold_out() {
        // The model "fit" returns the mean of the training targets: each
        // held-out prediction is the mean of the other folds.
        let x: Vec<Vec<f64>> = (0..6).map(|_| vec![1.0]).collect();
        let y = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let fit = |_: &[Vec<f64>], y: &[f64]| vec![y.iter().sum::<f64>() / y.len() as f64];
        let predict = |w: &[f64], _: &[f64]| w[0];
        let out = cross_validate(&x, &y, 3, &fit, &predict);
        // Fold 0 holds items 0 and 3 (targets 1 and 4): the rest average 4.
        assert_eq!(out[0], (2.0 + 3.0 + 5.0 + 6.0) / 4.0);
        assert_eq!(out[3], out[0]);
        assert_eq!(fold_of(4, 3), 1);
    }
}
