//! Crash safety with a real process: a child ingests documents and prints
//! each id once its add has returned (committed); the parent kills it with
//! SIGKILL mid-ingest, reopens the index and checks that every acknowledged
//! document is there, whole, and that the index is consistent.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use unspun_index::Index;
use unspun_text::Document;

const CHILD_DIR: &str = "UNSPUN_INDEX_CRASH_CHILD_DIR";
const ACK: &str = "ACK ";

/// Documents with plenty of copies, so pairs and families are written too.
fn docs(n: usize) -> Vec<Document> {
    let seeds = common::seeds();
    (0..n)
        .map(|i| {
            let base = &seeds[i % seeds.len()];
            // Every third document is an exact copy of a seed: copy pairs
            // and families; the rest get a unique tail: new documents.
            let text = if i % 3 == 0 {
                base.text.clone()
            } else {
                format!("{}\n\nUpdate number {i}: correspondents in city {} filed this version at hour {}.", base.text, i * 7, i % 24)
            };
            Document { id: format!("doc-{i:05}"), text, ..Document::default() }
        })
        .collect()
}

/// The child: runs only when the parent sets the variable.
#[test]
fn crash_child() {
    let Ok(dir) = std::env::var(CHILD_DIR) else {
        return;
    };
    let index = Index::open(&dir).unwrap();
    for (i, chunk) in docs(20_000).chunks(3).enumerate() {
        // A second run goes on where the first was killed.
        let chunk: Vec<Document> = chunk
            .iter()
            .filter(|d| index.document(&d.id, false).unwrap().is_none())
            .cloned()
            .collect();
        // Alternate single adds and small batches: both must be durable.
        let ids: Vec<String> = chunk.iter().map(|d| d.id.clone()).collect();
        if i % 2 == 0 {
            for d in chunk {
                let added = index.add(d).unwrap();
                println!("{ACK}{}", added.id);
            }
        } else {
            for r in index.add_batch(chunk).unwrap() {
                r.unwrap();
            }
            for id in ids {
                println!("{ACK}{id}");
            }
        }
    }
}

#[test]
fn sigkill_mid_ingest_loses_no_acknowledged_document() {
    let dir = tempfile::tempdir().unwrap();
    for round in 0..2 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "crash_child", "--nocapture", "--test-threads=1"])
            .env(CHILD_DIR, dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut acked = Vec::new();
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                // libtest may print its own words before the first one.
                if let Some((_, id)) = line.split_once(ACK) {
                    acked.push(id.to_string());
                }
            }
            acked
        });
        // Let it ingest for a while (longer on the second round, which
        // starts on a non-empty index and must skip what is there).
        let started = Instant::now();
        while started.elapsed() < Duration::from_millis(1500 + 1000 * round) {
            std::thread::sleep(Duration::from_millis(50));
        }
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        let acked = reader.join().unwrap();

        let index = Index::open(dir.path()).unwrap();
        let report = index.check().unwrap();
        if round == 0 {
            assert!(
                acked.len() > 20,
                "the child acknowledged only {} documents",
                acked.len()
            );
        }
        for id in &acked {
            let doc = index.document(id, true).unwrap();
            assert!(
                doc.is_some_and(|d| d.text.is_some_and(|t| !t.is_empty())),
                "acknowledged `{id}` is missing"
            );
        }
        assert!(report.documents as usize >= acked.len());
        assert!(report.pairs > 0 && report.families > 0, "{report:?}");
        eprintln!(
            "round {round}: {} acknowledged, {report:?} after SIGKILL",
            acked.len()
        );
    }
}
