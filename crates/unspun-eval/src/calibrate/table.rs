//! The table `unspun eval --calibrate` prints.

use super::{CalibrationReport, CalibrationRow};

fn row(f: &mut std::fmt::Formatter<'_>, name: &str, r: &CalibrationRow) -> std::fmt::Result {
    let t = &r.thresholds;
    writeln!(
        f,
        "{:<14} {:>6.2} {:>6.2} {:>6.2} {:>6.2} {:>5} {:>5} | {:>7.4} | {:>7.4} {:>7.4} {:>7.4}",
        name,
        t.duplicate_jaccard,
        t.near_duplicate_coverage,
        t.containment_coverage,
        t.reuse_coverage,
        t.reuse_tokens,
        t.containment_tokens,
        r.clough_accuracy,
        r.ari,
        r.pair_precision,
        r.pair_recall
    )
}

impl std::fmt::Display for CalibrationReport {
    /// The table `unspun eval --calibrate` prints.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{} grid points; {} Clough pairs; dev corpus {} docs, {} pairs (permissive scan {:.1}s)",
            self.points, self.clough_pairs, self.bench_documents, self.bench_pairs, self.scan_seconds
        )?;
        if self.clough_mismatches + self.bench_mismatches > 0 {
            writeln!(
                f,
                "WARNING: offline decisions differ from compare() on {} Clough and {} bench pairs; the sweep is stale",
                self.clough_mismatches, self.bench_mismatches
            )?;
        }
        writeln!(
            f,
            "{:<14} {:>6} {:>6} {:>6} {:>6} {:>5} {:>5} | {:>7} | {:>7} {:>7} {:>7}",
            "",
            "dup_j",
            "near",
            "cont",
            "reuse",
            "r_tok",
            "c_tok",
            "clough",
            "ARI",
            "prec",
            "recall"
        )?;
        let named = [
            ("current", &self.current),
            ("best clough", &self.best_clough),
            ("best ARI", &self.best_ari),
            ("best balanced", &self.best_balanced),
        ];
        for (name, r) in named {
            row(f, name, r)?;
        }
        for (i, r) in self.top.iter().enumerate() {
            row(f, &format!("top {}", i + 1), r)?;
        }
        writeln!(f, "one field at a time, the others current:")?;
        let current = &self.current.thresholds;
        for r in &self.one_at_a_time {
            let t = &r.thresholds;
            #[allow(clippy::float_cmp)] // the values were copied, not computed
            let field = if t.duplicate_jaccard != current.duplicate_jaccard {
                "dup_j"
            } else if t.near_duplicate_coverage != current.near_duplicate_coverage {
                "near"
            } else if t.containment_coverage != current.containment_coverage {
                "cont"
            } else if t.reuse_coverage != current.reuse_coverage {
                "reuse"
            } else if t.reuse_tokens != current.reuse_tokens {
                "r_tok"
            } else if t.containment_tokens != current.containment_tokens {
                "c_tok"
            } else {
                "(current)"
            };
            row(f, field, r)?;
        }
        let c = &self.ceiling;
        writeln!(
            f,
            "ceiling (kept pairs joined exactly when in one gold family): ARI {:.4}, precision {:.4}, recall {:.4}",
            c.ari, c.pair_precision, c.pair_recall
        )?;
        Ok(())
    }
}
