//! How the sentences of each Clough & Stevenson answer relate to the
//! source: the share of the answer's tokens in sentences that are verbatim
//! (at least 80% inside verbatim passages), lightly edited (best full-model
//! cosine with a source sentence at least 0.6 and word Jaccard with it at
//! least 0.4), rewritten (cosine at least 0.6, Jaccard below 0.4) or not
//! aligned; then the meaning layer's own alignment. It asks whether `light`
//! and `heavy` answers can be told apart sentence by sentence (see
//! docs/calibration.md, "What limits these figures").
//!
//! cargo run --release -p unspun-compare --example clough_sentences -- \
//!     ../shared/data/pairs/clough_stevenson_dev.jsonl | sort
#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::io::BufRead;
use unspun_compare::meaning::align_meaning;
use unspun_compare::{compare, Meaning, PairContext, Prepared, Sentences, Thresholds};
use unspun_text::boilerplate::clean;

fn main() {
    let path = std::env::args().nth(1).unwrap();
    let meaning = Meaning::load(None).unwrap();
    let file = std::io::BufReader::new(std::fs::File::open(path).unwrap());
    for line in file.lines() {
        let v: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
        let (ta, tb) = (v["a"].as_str().unwrap(), v["b"].as_str().unwrap());
        let (ca, cb) = (clean(ta, None, None), clean(tb, None, None));
        let (pa, pb) = (Prepared::new(ta, &ca.kept), Prepared::new(tb, &cb.kept));
        let c = compare(&pa, &pb, PairContext::default(), &Thresholds::default());
        let (sa, sb) = (Sentences::of(&pa, &meaning), Sentences::of(&pb, &meaning));
        let m = align_meaning(&pa, &pb, &sa, &sb, &c.passages, &meaning).unwrap();
        // b's tokens inside verbatim passages.
        let mut verb = vec![false; pb.tokens.len()];
        for p in &c.passages {
            let (s, e) = p.tokens_b();
            for t in s..e.min(verb.len()) {
                verb[t] = true;
            }
        }
        let texts_a: Vec<&str> = sa.spans.iter().map(|s| &ta[s.range()]).collect();
        let texts_b: Vec<&str> = sb.spans.iter().map(|s| &tb[s.range()]).collect();
        let fa = meaning.full(&texts_a).unwrap();
        let fb = meaning.full(&texts_b).unwrap();
        let words = |p: &Prepared, r: (usize, usize)| {
            let mut w: Vec<u64> = p.tokens[r.0..r.1].iter().map(|t| t.hash).collect();
            w.sort_unstable();
            w.dedup();
            w
        };
        let (mut t_verb, mut t_edit, mut t_rewr, mut t_none, mut total) = (0, 0, 0, 0, 0);
        let mut jaccs = Vec::new();
        for (i, &(s, e)) in sb.token_ranges.iter().enumerate() {
            let n = e - s;
            total += n;
            let v = (s..e).filter(|&t| verb[t]).count();
            if v * 5 >= n * 4 {
                t_verb += n;
                continue;
            }
            let (best, cos) = fa
                .iter()
                .enumerate()
                .map(|(j, x)| {
                    (
                        j,
                        x.iter().zip(fb[i].iter()).map(|(p, q)| p * q).sum::<f32>(),
                    )
                })
                .fold((0, -1.0f32), |acc, x| if x.1 > acc.1 { x } else { acc });
            let wb = words(&pb, (s, e));
            let wa = words(&pa, sa.token_ranges[best]);
            let inter = wb.iter().filter(|w| wa.binary_search(w).is_ok()).count();
            let jacc = inter as f64 / (wa.len() + wb.len() - inter).max(1) as f64;
            if cos >= 0.6 {
                jaccs.push(jacc);
                if jacc >= 0.4 {
                    t_edit += n;
                } else {
                    t_rewr += n;
                }
            } else {
                t_none += n;
            }
        }
        let share = |x: usize| x as f64 / total.max(1) as f64;
        let mean_j = if jaccs.is_empty() {
            0.0
        } else {
            jaccs.iter().sum::<f64>() / jaccs.len() as f64
        };
        println!(
            "{}\t{}\t{}\tverb {:.2} edit {:.2} rewr {:.2} none {:.2} meanJ {:.2} | alignedB {:.2} para {} sem {:.2}",
            v["label"].as_str().unwrap(),
            v["id"].as_str().unwrap(),
            c.relation.as_str(),
            share(t_verb),
            share(t_edit),
            share(t_rewr),
            share(t_none),
            mean_j,
            m.aligned_b,
            m.paraphrased_sentences,
            m.semantic
        );
    }
}
