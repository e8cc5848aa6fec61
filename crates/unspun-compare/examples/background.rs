//! Builds `background.json`: the mean fast-tier vector of news articles (the
//! SemEval-2022 dev articles in ../shared), the direction every news text
//! shares. Document vectors are compared with it projected out, so that two
//! articles are close because of their story, not because both are news.
//! Also prints how centred cosines separate same-story from other pairs.
//!
//! Usage: cargo run --release -p unspun-compare --example background -- ../shared/data/pairs/semeval22_en_dev.jsonl
#![allow(clippy::unwrap_used, clippy::expect_used)]

use unspun_compare::meaning::{center, Meaning};

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/data/pairs/semeval22_en_dev.jsonl".into());
    let meaning = Meaning::load(None).expect("model");
    let rows: Vec<serde_json::Value> = std::fs::read_to_string(&path)
        .expect("read")
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    let texts: Vec<String> = rows
        .iter()
        .flat_map(|r| {
            [
                r["a"].as_str().unwrap().to_string(),
                r["b"].as_str().unwrap().to_string(),
            ]
        })
        .collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let vectors = meaning.fast_raw(&refs);
    let mut mean = vec![0f64; unspun_embed::DIM];
    for v in &vectors {
        mean.iter_mut().zip(v).for_each(|(m, x)| *m += *x as f64);
    }
    let norm = mean.iter().map(|x| x * x).sum::<f64>().sqrt();
    let bg: Vec<f32> = mean.iter().map(|x| (x / norm) as f32).collect();
    let rounded: Vec<f64> = bg.iter().map(|x| (*x as f64 * 1e6).round() / 1e6).collect();
    std::fs::write(
        "crates/unspun-compare/background.json",
        serde_json::to_string(&rounded).unwrap(),
    )
    .expect("write");
    for (label, lo, hi) in [
        ("same story (overall<=2)", 0.0, 2.0),
        ("middle", 2.0, 3.0),
        ("apart (overall>3)", 3.0, 9.0),
    ] {
        let mut c: Vec<f32> = rows
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                let o = r["label"].as_f64().unwrap();
                o > lo && o <= hi
            })
            .map(|(i, _)| {
                unspun_embed::cosine(
                    &center(&vectors[2 * i], &bg),
                    &center(&vectors[2 * i + 1], &bg),
                )
            })
            .collect();
        c.sort_by(f32::total_cmp);
        let q = |p: f64| {
            c.get(((c.len() as f64 - 1.0) * p) as usize)
                .copied()
                .unwrap_or(0.0)
        };
        println!(
            "{label}: n={} min {:.2} p10 {:.2} median {:.2} p90 {:.2}",
            c.len(),
            q(0.0),
            q(0.1),
            q(0.5),
            q(0.9)
        );
    }
}
