use crate::args::ScanArgs;
use crate::progress::Bars;
use crate::Outcome;
use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use unspun_scan::{scan_with_meaning, ScanOptions, ScanResult};

/// Pairs listed on the terminal; all of them are in pairs.jsonl.
const LISTED_PAIRS: usize = 20;

/// Checks `--threshold` and starts `--threads` workers (shared with dedup).
pub fn start(threshold: f64, threads: Option<usize>) -> Result<()> {
    if !(0.0..=1.0).contains(&threshold) || threshold == 0.0 {
        bail!("--threshold must be in (0, 1], got {threshold}");
    }
    if let Some(n) = threads {
        if n == 0 {
            bail!("--threads must be at least 1");
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .context("starting worker threads")?;
    }
    Ok(())
}

pub fn run(args: ScanArgs) -> Result<Outcome> {
    start(args.threshold, args.threads)?;
    let mut opts = ScanOptions {
        lsh_threshold: args.threshold,
        claim_max_docs: args.claim_max_docs,
        ..ScanOptions::default()
    };
    opts.input.fields = args.fields.names();
    opts.input.date_order = args.fields.date_order;
    opts.input.outputs = std::iter::once(args.out.clone())
        .chain(args.report.clone())
        .collect();

    check_destinations(&args.inputs, &args.out, args.report.as_deref())?;
    let meaning = args.model.load()?;
    let bars = Bars::new(args.quiet);
    let started = std::time::Instant::now();
    let result = scan_with_meaning(&args.inputs, &opts, meaning.as_ref(), &bars)?;
    bars.finish();
    result
        .write_to(&args.out)
        .with_context(|| format!("writing results to {}", args.out.display()))?;
    if let Some(path) = &args.report {
        unspun_report::write_report_file(path, &result)
            .with_context(|| format!("writing the report to {}", path.display()))?;
    }
    report(&result, &args, started.elapsed().as_secs_f64())?;
    Ok(outcome_of(result))
}

/// Whether two paths name one existing file (shared with dedup).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Fails before the scan, not after an hour of it, when its results could
/// not be written: makes the `--out` folder and checks the report's folder,
/// and that the report would not overwrite an input.
fn check_destinations(inputs: &[PathBuf], out: &Path, report: Option<&Path>) -> Result<()> {
    if out.exists() && !out.is_dir() {
        bail!(
            "--out {}: a file is there; --out names a folder",
            out.display()
        );
    }
    std::fs::create_dir_all(out)
        .with_context(|| format!("creating the results folder {}", out.display()))?;
    if let Some(report) = report {
        let folder = report.parent().filter(|p| !p.as_os_str().is_empty());
        if folder.is_some_and(|f| !f.is_dir()) {
            bail!("--report {}: its folder does not exist", report.display());
        }
        if let Some(input) = inputs.iter().find(|i| same_file(i, report)) {
            bail!(
                "{} is both an input and the report: writing it would destroy it",
                input.display()
            );
        }
        if report.is_dir() {
            bail!(
                "--report {}: a folder is there; --report names a file",
                report.display()
            );
        }
    }
    Ok(())
}

/// Partial when any input was skipped. The result is left to the OS: the
/// process exits next, freeing the records one by one took 0.2 s of a
/// 2-thread 100k scan and 1.6 s at 1M, and the OS takes the memory back at
/// once (the spool is an unnamed temporary file: nothing is left).
pub fn outcome_of(result: ScanResult) -> Outcome {
    let outcome = if result.summary.skipped > 0 {
        Outcome::Partial
    } else {
        Outcome::Complete
    };
    std::mem::forget(result);
    outcome
}

/// `Skipped 2 inputs (1 empty, 1 unreadable); 3 warnings`, when any input
/// was skipped (shared with dedup).
pub fn skipped_summary(s: &unspun_scan::Summary) -> Option<String> {
    if s.skipped == 0 {
        return None;
    }
    let kinds: Vec<String> = s
        .skipped_by_kind
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    Some(format!(
        "Skipped {} ({}); {}",
        counted(s.skipped, "input", "inputs"),
        kinds.join(", "),
        counted(s.warnings, "warning", "warnings"),
    ))
}

/// `1 story`, `2 stories`.
pub fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn report(r: &ScanResult, args: &ScanArgs, seconds: f64) -> Result<()> {
    let s = &r.summary;
    let mut out = std::io::stdout().lock();
    let rate = if seconds > 0.0 {
        s.documents as f64 / seconds
    } else {
        0.0
    };
    writeln!(
        out,
        "Scanned {} in {seconds:.2}s ({rate:.0} docs/s): {}, {}, {}.",
        counted(s.documents, "document", "documents"),
        counted(s.pairs, "related pair", "related pairs"),
        counted(s.families, "copy family", "copy families"),
        counted(s.stories, "story", "stories"),
    )?;
    if let Some(skipped) = skipped_summary(s) {
        writeln!(out, "{skipped}. Details in summary.json.")?;
    } else if s.warnings > 0 {
        writeln!(
            out,
            "{} (nothing skipped). Details in summary.json.",
            counted(s.warnings, "warning", "warnings"),
        )?;
    }
    if !args.quiet {
        if !s.pairs_by_relation.is_empty() {
            let rel: Vec<String> = s
                .pairs_by_relation
                .iter()
                .map(|(k, n)| format!("{k} {n}"))
                .collect();
            writeln!(out, "Relations: {}", rel.join(", "))?;
        }
        for p in r.pairs.iter().take(LISTED_PAIRS) {
            let source = match p.source {
                Some(unspun_compare::Side::A) => format!("  source: {}", p.a),
                Some(unspun_compare::Side::B) => format!("  source: {}", p.b),
                None => String::new(),
            };
            writeln!(
                out,
                "  {:<16} {} ~ {}  (lexical {:.2}, coverage {:.2}/{:.2}, {}){source}",
                p.relation.as_str(),
                p.a,
                p.b,
                p.scores.lexical,
                p.scores.coverage_a,
                p.scores.coverage_b,
                counted(p.passages.len(), "passage", "passages"),
            )?;
        }
        if r.pairs.len() > LISTED_PAIRS {
            writeln!(out, "  ... and {} more", r.pairs.len() - LISTED_PAIRS)?;
        }
    }
    writeln!(
        out,
        "Wrote documents.jsonl, pairs.jsonl, families.jsonl, stories.jsonl, summary.json to {}",
        args.out.display()
    )?;
    if let Some(path) = &args.report {
        writeln!(out, "Wrote the report to {}", path.display())?;
    }
    Ok(())
}
