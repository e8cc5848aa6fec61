use crate::args::EvalArgs;
use crate::Outcome;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use unspun_compare::Thresholds;
use unspun_scan::ScanOptions;

pub fn run(args: EvalArgs) -> Result<Outcome> {
    let data = args.shared.join("data");
    if !data.is_dir() {
        bail!(
            "{} not found: pass --shared DIR (the folder with data/ and bench/)",
            data.display()
        );
    }
    let clough_path = data.join("pairs/clough_stevenson_dev.jsonl");
    if args.calibrate {
        let dev = bench_corpus(&args.shared, args.bench_docs.max(1000), 1)?;
        let report = unspun_eval::calibrate(
            &clough_path,
            &dev,
            &ScanOptions::default(),
            &unspun_eval::Grid::default(),
        )?;
        print!("{report}");
        write_json(args.json.as_deref(), &report)?;
        return Ok(Outcome::Complete);
    }
    let th = Thresholds::default();
    let mut reports = serde_json::Map::new();

    let clough = unspun_eval::clough(&clough_path, &th)?;
    println!(
        "Clough & Stevenson dev ({} pairs): copied (cut, light) vs not accuracy {:.3}; 4-way accuracy {:.3}",
        clough.pairs, clough.copied_accuracy, clough.four_way_accuracy
    );
    reports.insert("clough".into(), serde_json::to_value(&clough)?);

    let pan = unspun_eval::pan(&data.join("alignment/pan13_dev"), &th)?;
    for (name, s) in [
        ("all passages", &pan.alignment),
        ("reported pairs", &pan.reported),
    ] {
        println!(
            "PAN 2013 dev, {name}: plagdet {:.3} (precision {:.3}, recall {:.3}, granularity {:.3})",
            s.plagdet, s.precision, s.recall, s.granularity
        );
    }
    reports.insert("pan".into(), serde_json::to_value(&pan)?);

    if args.bench_docs > 0 {
        let corpus = bench_corpus(&args.shared, args.bench_docs, args.seed)?;
        let bench = unspun_eval::bench(&corpus, &ScanOptions::default())?;
        println!(
            "Bench corpus ({} docs, seed {}): ARI {:.4}, pair precision {:.4}, recall {:.4}, {:.0} docs/s",
            bench.documents, args.seed, bench.scores.ari, bench.scores.pair_precision, bench.scores.pair_recall, bench.docs_per_s
        );
        reports.insert("bench".into(), serde_json::to_value(&bench)?);
    }
    write_json(args.json.as_deref(), &reports)?;
    Ok(Outcome::Complete)
}

fn write_json<T: serde::Serialize>(path: Option<&Path>, value: &T) -> Result<()> {
    if let Some(p) = path {
        std::fs::write(p, serde_json::to_vec_pretty(value)?)
            .with_context(|| format!("writing {}", p.display()))?;
    }
    Ok(())
}

/// Generates (once, cached under target/bench) a bench corpus with the
/// shared generator.
fn bench_corpus(shared: &Path, docs: usize, seed: u64) -> Result<PathBuf> {
    let dir = PathBuf::from("target/bench");
    std::fs::create_dir_all(&dir).context("creating target/bench")?;
    let path = dir.join(format!("corpus_{docs}_{seed}.jsonl"));
    if path.exists() {
        return Ok(path);
    }
    let script = shared.join("bench/make_corpus.py");
    let tmp = dir.join(format!(".corpus_{docs}_{seed}.partial"));
    let file =
        std::fs::File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
    eprintln!("unspun: generating bench corpus {} ...", path.display());
    let status = std::process::Command::new("python3")
        .arg(&script)
        .args(["--docs", &docs.to_string(), "--seed", &seed.to_string()])
        .stdout(file)
        .status()
        .with_context(|| format!("running python3 {}", script.display()))?;
    if !status.success() {
        bail!("{} failed ({status})", script.display());
    }
    std::fs::rename(&tmp, &path)?;
    Ok(path)
}
