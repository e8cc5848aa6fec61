//! Experiment behind the rewrite tier (docs/calibration.md, "Rewrites"):
//! for each pair of a JSON Lines file (`a`, `b`, `label`, `id`), the lexical
//! relation, `semantic`, the rewrite tier's cheap estimate and measure (with
//! the compiled-in calibration), the mean best full-model cosine of the
//! shorter text's sentences, and the share of them in the longest in-order
//! chain of best matches at cosine 0.5, 0.6 and 0.7 (tried as a test of
//! rewriting, and not kept).
//!
//! cargo run --release -p unspun-compare --example rewrite_measures -- PAIRS.jsonl
#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::io::BufRead;
use unspun_compare::meaning::{align_meaning_with, Plan};
use unspun_compare::{compare, Meaning, PairContext, Prepared, Sentences, Thresholds};
use unspun_text::boilerplate::clean;

/// Token share of `b`'s sentences in the longest chain of best matches whose
/// `a` indices increase, counting only matches with cosine >= `gate`.
fn ordered_share(best: &[(usize, f32)], lens: &[usize], gate: f32) -> f64 {
    let total: usize = lens.iter().sum();
    // O(n^2) weighted LIS: a few dozen sentences.
    let mut chain = vec![0usize; best.len()];
    for i in 0..best.len() {
        if best[i].1 < gate {
            continue;
        }
        chain[i] = lens[i];
        for j in 0..i {
            if best[j].1 >= gate && best[j].0 < best[i].0 {
                chain[i] = chain[i].max(chain[j] + lens[i]);
            }
        }
    }
    *chain.iter().max().unwrap_or(&0) as f64 / total.max(1) as f64
}

fn main() {
    let path = std::env::args().nth(1).unwrap();
    let meaning = Meaning::load(None).unwrap();
    let file = std::io::BufReader::new(std::fs::File::open(path).unwrap());
    for line in file.lines() {
        let v: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
        let (mut ta, mut tb) = (v["a"].as_str().unwrap(), v["b"].as_str().unwrap());
        if ta.len() < tb.len() {
            std::mem::swap(&mut ta, &mut tb);
        }
        let (ca, cb) = (clean(ta, None, None), clean(tb, None, None));
        let (pa, pb) = (Prepared::new(ta, &ca.kept), Prepared::new(tb, &cb.kept));
        let c = compare(&pa, &pb, PairContext::default(), &Thresholds::default());
        let (sa, sb) = (Sentences::of(&pa, &meaning), Sentences::of(&pb, &meaning));
        let plan =
            Plan::new(&pa, &pb, &sa, &sb, &c.passages, &meaning).checking_rewrites(c.relation);
        let m = align_meaning_with(&pa, &pb, &sa, &sb, &meaning, &plan).unwrap();
        let texts_a: Vec<&str> = sa.spans.iter().map(|s| &ta[s.range()]).collect();
        let texts_b: Vec<&str> = sb.spans.iter().map(|s| &tb[s.range()]).collect();
        if texts_a.is_empty() || texts_b.is_empty() {
            continue;
        }
        let fa = meaning.full(&texts_a).unwrap();
        let fb = meaning.full(&texts_b).unwrap();
        let best: Vec<(usize, f32)> = fb
            .iter()
            .map(|y| {
                fa.iter()
                    .enumerate()
                    .map(|(j, x)| (j, x.iter().zip(y.iter()).map(|(p, q)| p * q).sum::<f32>()))
                    .fold((0, -1.0f32), |acc, x| if x.1 > acc.1 { x } else { acc })
            })
            .collect();
        let lens: Vec<usize> = sb.token_ranges.iter().map(|&(s, e)| e - s).collect();
        let mean_best = best.iter().map(|b| b.1 as f64).sum::<f64>() / best.len() as f64;
        println!(
            "{}\t{}\t{}\tlex {:.3} sem {:.3} cheap {:.3} possible {} rw {:?} meanbest {:.3} ord50 {:.2} ord60 {:.2} ord70 {:.2} nb {} na {}",
            v["label"],
            v["id"].as_str().unwrap_or(""),
            c.relation.as_str(),
            c.scores.lexical,
            m.semantic,
            m.rewrite_estimate,
            m.full_model_pairs > 0,
            m.rewrite.as_ref().map(|r| (r.cosine * 1000.0).round() / 1000.0),
            mean_best,
            ordered_share(&best, &lens, 0.5),
            ordered_share(&best, &lens, 0.6),
            ordered_share(&best, &lens, 0.7),
            texts_b.len(),
            texts_a.len(),
        );
    }
}
