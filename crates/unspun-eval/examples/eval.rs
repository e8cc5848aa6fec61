//! Runs one evaluation and prints its JSON report (the calibration also
//! prints its table), until the CLI has `unspun eval`.
//!
//! Usage: eval bench CORPUS.jsonl | clough PAIRS.jsonl | pan DIR
//!        | calibrate CLOUGH.jsonl DEV_CORPUS.jsonl

use std::path::Path;
use unspun_compare::Thresholds;
use unspun_scan::ScanOptions;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| {
        args.get(i)
            .map(Path::new)
            .ok_or("missing argument; see the usage in examples/eval.rs")
    };
    let th = Thresholds::default();
    let json = match args.first().map(String::as_str) {
        Some("bench") => {
            serde_json::to_string_pretty(&unspun_eval::bench(arg(1)?, &ScanOptions::default())?)?
        }
        Some("clough") => serde_json::to_string_pretty(&unspun_eval::clough(arg(1)?, &th, None)?)?,
        Some("pan") => serde_json::to_string_pretty(&unspun_eval::pan(arg(1)?, &th)?)?,
        Some("calibrate") => {
            let grid = unspun_eval::Grid::default();
            let report = unspun_eval::calibrate(arg(1)?, arg(2)?, &ScanOptions::default(), &grid)?;
            print!("{report}");
            serde_json::to_string(&report)?
        }
        _ => return Err("usage: eval bench|clough|pan|calibrate PATH...".into()),
    };
    println!("{json}");
    Ok(())
}
