#![allow(clippy::unwrap_used)]
use unspun_cluster::spin::spin;
use unspun_compare::{compare, PairContext, Prepared, Thresholds};
fn main() {
    let text = std::fs::read_to_string("/work/shared/data/pairs/clough_stevenson_dev.jsonl").unwrap();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let (a, b) = (v["a"].as_str().unwrap(), v["b"].as_str().unwrap());
        let c = compare(&Prepared::whole(a), &Prepared::whole(b), PairContext::default(), &Thresholds::default());
        let s = spin(a, b, &c.passages);
        println!("{:5} {:14} src {:5.2} ({:3}) ans {:5.2} ({:3}) d={:+.2}  lenA {} lenB {}", v["label"].as_str().unwrap(), c.relation.as_str(), s.rarity_a, s.words_a, s.rarity_b, s.words_b, s.rarity_b - s.rarity_a, a.len(), b.len());
    }
}
