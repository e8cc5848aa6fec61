//! Evaluations on the labelled data in `../shared` (skipped, with a message,
//! where a checkout has no such folder).

use std::path::PathBuf;
use unspun_compare::Thresholds;

fn shared() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: {} does not exist", dir.display());
        None
    }
}

#[test]
fn clough_dev_pairs_are_all_scored() -> Result<(), unspun_eval::EvalError> {
    let Some(shared) = shared() else {
        return Ok(());
    };
    let report = unspun_eval::clough(
        &shared.join("data/pairs/clough_stevenson_dev.jsonl"),
        &Thresholds::default(),
        None,
    )?;
    assert_eq!(report.pairs, 57);
    assert!(
        (0.0..=1.0).contains(&report.copied_accuracy),
        "{}",
        report.copied_accuracy
    );
    assert!(
        (0.0..=1.0).contains(&report.four_way_accuracy),
        "{}",
        report.four_way_accuracy
    );
    let counted: usize = report
        .confusion
        .values()
        .flat_map(|by_relation| by_relation.values())
        .sum();
    assert_eq!(counted, 57);
    Ok(())
}
