use crate::args::EvalArgs;
use crate::Outcome;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use unspun_compare::{Meaning, Thresholds};
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
    if args.calibrate_meaning {
        return calibrate_meaning(&args, &data);
    }
    let th = Thresholds::default();
    let mut reports = serde_json::Map::new();

    let clough = unspun_eval::clough(&clough_path, &th, None)?;
    println!(
        "Clough & Stevenson dev ({} pairs): copied (cut, light) vs not accuracy {:.3}; 4-way accuracy {:.3} on verbatim evidence alone",
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
    if let Some(meaning) = args.model.load()? {
        let cache = unspun_eval::vectors::default_path();
        unspun_eval::vectors::load(&cache, &meaning);
        let result = meaning_metrics(&data, &meaning, &th, &mut reports);
        unspun_eval::vectors::save(&cache, &meaning)?;
        result?;
    }
    write_json(args.json.as_deref(), &reports)?;
    Ok(Outcome::Complete)
}

/// The meaning layer's figures (after the lexical ones).
fn meaning_metrics(
    data: &Path,
    meaning: &Meaning,
    th: &Thresholds,
    reports: &mut serde_json::Map<String, serde_json::Value>,
) -> Result<()> {
    let pairs = data.join("pairs");
    println!("Meaning layer (calibration compiled in; see docs/calibration.md):");
    let msrp = unspun_eval::msrp(&pairs.join("msrp_train.jsonl"), meaning)?;
    println!(
        "  MSRP train ({} pairs): paraphrase accuracy {:.3}, F1 {:.3} (precision {:.3}, recall {:.3}); sentence classifier 5-fold CV accuracy {:.3}; plain MiniLM cosine, best threshold {:.3}",
        msrp.pairs,
        msrp.paraphrase.accuracy,
        msrp.paraphrase.f1,
        msrp.paraphrase.precision,
        msrp.paraphrase.recall,
        msrp.classifier_cv_accuracy,
        msrp.cosine_full_best_accuracy
    );
    reports.insert("msrp".into(), serde_json::to_value(&msrp)?);

    let stsb = unspun_eval::stsb(&pairs.join("stsb_dev.jsonl"), meaning)?;
    println!(
        "  STS-B dev ({} pairs): Spearman of semantic {:.3}; plain cosine MiniLM {:.3}, static tier {:.3}",
        stsb.pairs, stsb.spearman, stsb.cosine_full_spearman, stsb.cosine_fast_spearman
    );
    reports.insert("stsb".into(), serde_json::to_value(&stsb)?);

    let semeval = unspun_eval::semeval(
        &pairs.join("semeval22_en_dev.jsonl"),
        meaning,
        unspun_eval::semantic::STORY_TARGET,
    )?;
    println!(
        "  SemEval-2022 Task 8 en dev ({} pairs): Pearson of story vs -overall {:.3} (weights fitted on these pairs; 5-fold CV {:.3}); plain cosine MiniLM {:.3}, static tier {:.3}",
        semeval.pairs,
        semeval.pearson,
        semeval.cv_pearson,
        semeval.cosine_full_pearson,
        semeval.cosine_fast_pearson
    );
    reports.insert("semeval".into(), serde_json::to_value(&semeval)?);

    let clough = unspun_eval::clough(
        &data.join("pairs/clough_stevenson_dev.jsonl"),
        th,
        Some(meaning),
    )?;
    println!(
        "  Clough & Stevenson dev ({} pairs): 4-way accuracy {:.3} (cut, light -> copied; heavy -> paraphrase; non -> same_story/unrelated; the rewrite tier was tuned on these pairs: --calibrate-meaning prints its leave-one-out estimate)",
        clough.pairs, clough.four_way_accuracy
    );
    for (label, relations) in &clough.confusion {
        let row: Vec<String> = relations.iter().map(|(r, n)| format!("{r} {n}")).collect();
        println!(
            "    {:<6} {}",
            format!("{label:?}").to_lowercase(),
            row.join(", ")
        );
    }
    reports.insert("clough_meaning".into(), serde_json::to_value(&clough)?);

    let seeds = unspun_eval::semantic::seed_relations(&data.join("corpora/seeds"), meaning)?;
    println!(
        "  Seeds: {}",
        if unspun_eval::semantic::seeds_keep(&seeds) {
            "000-002 paraphrase, 001-002 reuse, 003 and 004 same_story with all (as promised)"
        } else {
            "NOT as promised"
        }
    );
    for s in &seeds {
        println!("    {:<14} {} ~ {}", s.relation.as_str(), s.a, s.b);
    }
    reports.insert("seeds".into(), serde_json::to_value(&seeds)?);

    story_metrics(data, meaning, reports)?;

    let speed = unspun_eval::tier_speed(&pairs.join("stsb_dev.jsonl"), meaning, 2000)?;
    println!(
        "  Speed on {} STS-B sentences, {} threads: static tier {:.0} sentences/s, MiniLM {:.0} sentences/s",
        speed.sentences, speed.threads, speed.fast_per_s, speed.full_per_s
    );
    reports.insert("tiers".into(), serde_json::to_value(&speed)?);
    Ok(())
}

/// Stories and provenance (issue 4's figures).
fn story_metrics(
    data: &Path,
    meaning: &Meaning,
    reports: &mut serde_json::Map<String, serde_json::Value>,
) -> Result<()> {
    use unspun_eval::stories;
    let seeds = stories::seeds(&data.join("corpora/seeds"), Some(meaning))?;
    let c = &seeds.stories.clustering;
    println!(
        "  Stories, seeds ({} docs, gold: one story): pairwise precision {:.3}, recall {:.3}; provenance {} (edges: {})",
        seeds.stories.documents,
        c.pair_precision,
        c.pair_recall,
        if seeds.provenance_correct { "as promised (002 source of 000 and 001; 003, 004 independent)" } else { "NOT as promised" },
        seeds.edges.iter().map(|(f, t)| format!("{f}->{t}")).collect::<Vec<_>>().join(", ")
    );
    reports.insert("stories_seeds".into(), serde_json::to_value(&seeds)?);
    let semeval = stories::semeval(&data.join("pairs/semeval22_en_dev.jsonl"), Some(meaning))?;
    println!(
        "  Stories, SemEval dev ({} articles, {} labelled pairs: overall <= {} together, >= {} apart): ARI {:.3}; labelled pairs precision {:.3}, recall {:.3}",
        semeval.documents,
        semeval.labelled_pairs,
        stories::SAME_STORY_AT_MOST,
        stories::APART_AT_LEAST,
        semeval.clustering.ari,
        semeval.labelled_precision,
        semeval.labelled_recall
    );
    reports.insert("stories_semeval".into(), serde_json::to_value(&semeval)?);
    let prov = stories::clough_provenance(
        &data.join("pairs/clough_stevenson_dev.jsonl"),
        Some(meaning),
    )?;
    let by: Vec<String> = prov
        .by_label
        .iter()
        .map(|(l, [n, right, wrong, none])| {
            format!("{l} {right}/{n} ({wrong} reversed, {none} undecided)")
        })
        .collect();
    println!(
        "  Provenance, Clough & Stevenson dev ({} copied or rewritten answers): source named original {:.3}, precision when decided {:.3}; {}",
        prov.pairs,
        prov.source_named,
        prov.precision,
        by.join("; ")
    );
    reports.insert("provenance_clough".into(), serde_json::to_value(&prov)?);
    Ok(())
}

/// `--calibrate-meaning [--write]`.
fn calibrate_meaning(args: &EvalArgs, data: &Path) -> Result<Outcome> {
    let Some(mut meaning) = args.model.load()? else {
        bail!("--calibrate-meaning needs the meaning layer (drop --no-meaning)");
    };
    let cache = unspun_eval::vectors::default_path();
    unspun_eval::vectors::load(&cache, &meaning);
    let report =
        unspun_eval::calibrate_meaning(data, &mut meaning, &unspun_eval::MeaningGrid::default());
    unspun_eval::vectors::save(&cache, &meaning)?;
    let report = report?;
    print!("{report}");
    if args.write {
        let path = Path::new(CALIBRATION_JSON);
        let mut text = serde_json::to_string_pretty(&report.calibration)?;
        text.push('\n');
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
        println!(
            "Wrote {}; rebuild (cargo build --release -p unspun-cli) to compile it in.",
            path.canonicalize()
                .unwrap_or_else(|_| path.to_path_buf())
                .display()
        );
    }
    write_json(args.json.as_deref(), &report)?;
    Ok(Outcome::Complete)
}

/// The compiled-in calibration's source file, in this checkout.
const CALIBRATION_JSON: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../unspun-compare/calibration.json"
);

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
