//! Reads the given inputs and reports throughput:
//! `cargo run --release -p unspun-ingest --example ingest_speed -- corpus.jsonl`
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::time::Instant;

use unspun_ingest::{read_inputs, total_input_bytes, InputOptions, Item};

fn main() {
    let inputs: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let opts = InputOptions::default();
    let (mut docs, mut problems, mut chars) = (0usize, 0usize, 0usize);
    let start = Instant::now();
    read_inputs(&inputs, &opts, &mut |item| match item {
        Item::Document(d) => {
            docs += 1;
            chars += d.text.len();
        }
        Item::Problem(p) => {
            problems += 1;
            if problems <= 5 {
                eprintln!("{p}");
            }
        }
    })
    .unwrap();
    let secs = start.elapsed().as_secs_f64();
    let bytes = total_input_bytes(&inputs, &InputOptions::default()).unwrap_or(0) as f64;
    println!(
        "{docs} docs, {problems} problems, {chars} text bytes in {secs:.3}s: {:.0} docs/s, {:.0} MB/s",
        docs as f64 / secs,
        bytes / secs / 1e6
    );
}
