//! `run_index_command`, the entry point behind `unspun index add|query|stats|remove`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use serde_json::Value;
use unspun_index::{run_index_command, IndexCommand, IndexError};
use unspun_ingest::InputOptions;

fn run(dir: &std::path::Path, cmd: IndexCommand) -> (unspun_index::CommandOutcome, Vec<Value>) {
    let mut out = Vec::new();
    let outcome = run_index_command(dir, cmd, None, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines = serde_json::Deserializer::from_str(&text)
        .into_iter::<Value>()
        .map(Result::unwrap)
        .collect();
    (outcome, lines)
}

#[test]
fn add_query_stats_remove() {
    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("idx");
    let seeds = common::workspace().join("tests/fixtures/seeds");
    let add = || IndexCommand::Add {
        inputs: vec![seeds.clone()],
        input: InputOptions::default(),
        batch: 2,
    };

    let err = run_index_command(&idx, IndexCommand::Stats, None, &mut Vec::new()).unwrap_err();
    assert!(matches!(err, IndexError::Missing(_)), "{err}");

    let (outcome, lines) = run(&idx, add());
    assert_eq!(
        (outcome.documents, outcome.refused, outcome.partial()),
        (5, 0, false)
    );
    assert_eq!(lines.len(), 5);
    assert_eq!(
        lines
            .iter()
            .map(|l| l["pairs"].as_array().unwrap().len())
            .sum::<usize>(),
        2
    );

    // Adding the same files again refuses each one, and says so.
    let (outcome, lines) = run(&idx, add());
    assert_eq!(
        (outcome.documents, outcome.refused, outcome.partial()),
        (0, 5, true)
    );
    assert!(lines
        .iter()
        .all(|l| l["error"].as_str().unwrap().contains("already indexed")));

    let one = seeds.join("002_4156b6fe17ca2892.txt");
    let (outcome, lines) = run(
        &idx,
        IndexCommand::Query {
            inputs: vec![one],
            input: InputOptions::default(),
        },
    );
    assert_eq!(outcome.documents, 1);
    assert!(lines[0]["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["relation"] == "duplicate"));

    let (_, lines) = run(&idx, IndexCommand::Stats);
    assert_eq!(
        (lines[0]["documents"].as_u64(), lines[0]["pairs"].as_u64()),
        (Some(5), Some(2))
    );

    let ids = vec!["002_4156b6fe17ca2892.txt".to_string(), "nope".to_string()];
    let (outcome, lines) = run(&idx, IndexCommand::Remove { ids });
    assert_eq!((outcome.documents, outcome.refused), (1, 1));
    assert_eq!(lines[0]["removed"], "002_4156b6fe17ca2892.txt");
    let (_, lines) = run(&idx, IndexCommand::Stats);
    assert_eq!(
        (lines[0]["documents"].as_u64(), lines[0]["pairs"].as_u64()),
        (Some(4), Some(0))
    );
}
