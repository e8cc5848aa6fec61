//! Sentences per second of the full model, for tuning its forward pass.
//!
//! `cargo run --release -p unspun-embed --example minilm_speed -- SENTENCES.txt [ROUNDS]`
//! embeds the file's lines (one sentence each) ROUNDS times (default 5) and
//! prints each round's rate and the median. Also prints a checksum of the
//! vectors so that a faster forward pass can be checked for the same output.

use std::time::Instant;

use anyhow::Context;
use unspun_embed::{ensure_model, MiniLm};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .context("usage: minilm_speed SENTENCES.txt [ROUNDS]")?;
    let rounds: usize = args.next().map_or(Ok(5), |r| r.parse())?;
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    let sentences: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let model = MiniLm::load(&ensure_model(None)?)?;
    let reference = model.embed(&sentences)?;
    let mut rates = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let started = Instant::now();
        std::hint::black_box(model.embed(&sentences)?);
        let rate = sentences.len() as f64 / started.elapsed().as_secs_f64();
        println!("round {round}: {rate:.0} sentences/s");
        rates.push(rate);
    }
    rates.sort_by(f64::total_cmp);
    let checksum: f64 = reference
        .iter()
        .flatten()
        .map(|&x| f64::from(x).abs())
        .sum();
    println!(
        "{} sentences, median {:.0} sentences/s, checksum {checksum:.6}",
        sentences.len(),
        rates[rates.len() / 2]
    );
    Ok(())
}
