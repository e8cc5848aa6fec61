//! Speed and quality of both embedding tiers.
//!
//!     cargo run --release -p unspun-embed --example tiers [-- path/to/stsb_dev.jsonl]
//!
//! Speed: sentences/s embedding 2,000 real sentences (the first 1,000 STS-B
//! dev pairs, both sides). Quality: Spearman correlation between cosine and
//! the gold 0..5 score over all 1,500 STS-B dev pairs (sentence-transformers'
//! MiniLM gets about 0.82 here). Set RAYON_NUM_THREADS=1 to time one core.

use std::path::PathBuf;
use std::time::Instant;

use unspun_embed::{cosine, ensure_model, MiniLm, StaticTable};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/data/pairs/stsb_dev.jsonl")
        });
    if !path.exists() {
        println!(
            "skipping: {} not found (shared data missing)",
            path.display()
        );
        return Ok(());
    }
    let mut a = Vec::new();
    let mut b = Vec::new();
    let mut gold = Vec::new();
    for line in std::fs::read_to_string(&path)?.lines() {
        let row: serde_json::Value = serde_json::from_str(line)?;
        let (Some(sa), Some(sb), Some(label)) =
            (row["a"].as_str(), row["b"].as_str(), row["label"].as_f64())
        else {
            return Err(format!("bad row in {}: {line}", path.display()).into());
        };
        a.push(sa.to_string());
        b.push(sb.to_string());
        gold.push(label);
    }
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let b: Vec<&str> = b.iter().map(String::as_str).collect();
    let timed: Vec<&str> = a
        .iter()
        .zip(&b)
        .take(1000)
        .flat_map(|(x, y)| [*x, *y])
        .collect();
    println!("{} pairs; timing on {} sentences", gold.len(), timed.len());

    let files = ensure_model(None)?;
    let t = Instant::now();
    let model = MiniLm::load(&files)?;
    println!("tier 2 load: {:.2}s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let table = StaticTable::ensure(&files)?;
    println!("tier 1 load (or build): {:.2}s", t.elapsed().as_secs_f64());

    // Tier 1: a few rounds, since one takes only milliseconds.
    let rounds = 20;
    let t = Instant::now();
    let mut sink = 0.0f32;
    for _ in 0..rounds {
        sink += table.embed(&timed).iter().map(|v| v[0]).sum::<f32>();
    }
    let rate1 = (rounds * timed.len()) as f64 / t.elapsed().as_secs_f64();
    let t = Instant::now();
    let v2 = model.embed(&timed)?;
    let rate2 = timed.len() as f64 / t.elapsed().as_secs_f64();
    sink += v2[0][0];

    let s1 = spearman(&scores(&table.embed(&a), &table.embed(&b)), &gold);
    let s2 = spearman(&scores(&model.embed(&a)?, &model.embed(&b)?), &gold);
    println!("tier           sentences/s   STS-B dev Spearman");
    println!("1 static       {rate1:>11.0}   {s1:.4}");
    println!("2 MiniLM       {rate2:>11.0}   {s2:.4}");
    // Keeps the timed work from being optimised away.
    if sink.is_nan() {
        println!("(nan)");
    }
    Ok(())
}

fn scores(a: &[Vec<f32>], b: &[Vec<f32>]) -> Vec<f64> {
    a.iter()
        .zip(b)
        .map(|(x, y)| f64::from(cosine(x, y)))
        .collect()
}

/// Ranks with ties given their average rank, as Spearman's rho needs.
fn ranks(xs: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..xs.len()).collect();
    order.sort_by(|&i, &j| xs[i].total_cmp(&xs[j]));
    let mut r = vec![0.0; xs.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && xs[order[j + 1]] == xs[order[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0;
        for &k in &order[i..=j] {
            r[k] = avg;
        }
        i = j + 1;
    }
    r
}

fn spearman(x: &[f64], y: &[f64]) -> f64 {
    let (rx, ry) = (ranks(x), ranks(y));
    let n = rx.len() as f64;
    let (mx, my) = (rx.iter().sum::<f64>() / n, ry.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in rx.iter().zip(&ry) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    sxy / (sxx * syy).sqrt()
}
