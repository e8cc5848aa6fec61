//! The meaning-layer evaluations end to end on a handful of pairs (the
//! model is fetched on first use, like every command that needs it). The
//! full dev sets take minutes: `unspun eval` runs them.

use std::path::{Path, PathBuf};
use unspun_compare::Meaning;

fn write_jsonl(dir: &Path, name: &str, rows: &[serde_json::Value]) -> PathBuf {
    let path = dir.join(format!("{name}.jsonl"));
    let text: String = rows.iter().map(|r| format!("{r}\n")).collect();
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    path
}

fn row(id: &str, a: &str, b: &str, label: f64) -> serde_json::Value {
    serde_json::json!({"id": id, "a": a, "b": b, "label": label})
}

#[test]
fn msrp_stsb_and_semeval_on_a_few_pairs() -> Result<(), Box<dyn std::error::Error>> {
    let meaning = Meaning::load(None)?;
    // Removed when the test ends, passing or not.
    let dir = tempfile::tempdir()?;
    let same = (
        "The central bank raised interest rates by half a point on Tuesday to fight inflation.",
        "On Tuesday the central bank lifted interest rates by 0.5 percentage points to combat inflation.",
    );
    let other = (
        "The central bank raised interest rates by half a point on Tuesday to fight inflation.",
        "A rare orchid has been found growing on a rooftop garden in the city centre.",
    );
    let identical = (
        "Officials said the bridge would reopen to traffic next month after repairs.",
        "Officials said the bridge would reopen to traffic next month after repairs.",
    );
    let rows = [
        row("1", same.0, same.1, 1.0),
        row("2", other.0, other.1, 0.0),
        row("3", identical.0, identical.1, 1.0),
    ];

    let msrp = unspun_eval::msrp(&write_jsonl(dir.path(), "msrp", &rows), &meaning)?;
    assert_eq!(msrp.pairs, 3);
    // The unrelated pair is not a paraphrase; the identical one is a copy.
    assert!(msrp.paraphrase.true_negatives == 1, "{msrp:?}");
    assert!(msrp.paraphrase.true_positives >= 1, "{msrp:?}");

    let sts_rows = [
        row("1", same.0, same.1, 4.5),
        row("2", other.0, other.1, 0.2),
        row("3", identical.0, identical.1, 5.0),
    ];
    let stsb = unspun_eval::stsb(&write_jsonl(dir.path(), "stsb", &sts_rows), &meaning)?;
    // Ranked in the gold order: the copy (semantic null, taken as 1) first.
    assert!((stsb.spearman - 1.0).abs() < 1e-9, "{stsb:?}");
    assert_eq!(stsb.copies, 1);

    // Story: a rewritten report of one event against an unrelated one.
    let story_rows = [
        row("1", &format!("{} {}", same.0, "Markets fell after the announcement."), &format!("{} {}", same.1, "Shares dropped once the decision was known."), 1.0),
        row("2", other.0, other.1, 4.0),
        row("3", same.1, "The orchid, which botanists thought extinct in the region, was identified by a volunteer.", 4.0),
    ];
    let semeval = unspun_eval::semeval(
        &write_jsonl(dir.path(), "semeval", &story_rows),
        &meaning,
        unspun_eval::semantic::STORY_TARGET,
    )?;
    assert_eq!(semeval.pairs, 3);
    assert_eq!(semeval.feature_mismatches, 0, "{semeval:?}");
    assert!(semeval.pearson > 0.0, "{semeval:?}");
    Ok(())
}
