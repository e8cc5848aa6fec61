//! Many pairs at once give what one call per pair gives, in input order.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use unspun_compare::{
    compare_batch, compare_with_meaning, Meaning, PairContext, PairInput, Prepared, Relation,
    Thresholds,
};
use unspun_text::clean;

fn seeds() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/seeds");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

#[test]
fn a_batch_of_the_seed_pairs_equals_one_call_per_pair() -> Result<(), Box<dyn std::error::Error>> {
    let meaning = Meaning::load(None)?;
    let texts = seeds();
    assert_eq!(texts.len(), 5);
    let kept: Vec<_> = texts.iter().map(|t| clean(t, None, None).kept).collect();
    let prepared: Vec<Prepared> = texts
        .iter()
        .zip(&kept)
        .map(|(t, k)| Prepared::new(t, k))
        .collect();
    // Every pair both ways round, and a text with itself: copies, reuse,
    // the paraphrase and independent reports in one batch.
    let mut inputs: Vec<PairInput> = Vec::new();
    for a in 0..prepared.len() {
        for b in 0..prepared.len() {
            inputs.push((a, b, PairContext::default()));
        }
    }
    let th = Thresholds::default();
    for with in [Some(&meaning), None] {
        let batch = compare_batch(&prepared, &inputs, &th, with)?;
        assert_eq!(batch.len(), inputs.len());
        for (&(a, b, ctx), got) in inputs.iter().zip(&batch) {
            let want = compare_with_meaning(&prepared[a], &prepared[b], ctx, &th, with)?;
            // Scores as written (rounded): the model's vectors differ in the
            // last float digits with the batch they were computed in.
            assert_eq!(serde_json::to_string(got)?, serde_json::to_string(&want)?);
        }
        let relations: Vec<Relation> = batch.iter().map(|c| c.relation).collect();
        assert!(relations.contains(&Relation::Duplicate));
        assert!(relations.contains(&Relation::Reuse));
        assert_eq!(
            relations.contains(&Relation::Paraphrase),
            with.is_some(),
            "{relations:?}"
        );
    }
    Ok(())
}
