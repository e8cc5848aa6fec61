//! Query, remove, reopen, version checks and concurrent readers.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use unspun_compare::Relation;
use unspun_index::{schema, Index, IndexError, OpenOptions, SketchParams};
use unspun_text::Document;

fn seeded() -> (tempfile::TempDir, Index) {
    let dir = tempfile::tempdir().unwrap();
    let index = Index::open(dir.path()).unwrap();
    for d in common::seeds() {
        index.add(d).unwrap();
    }
    (dir, index)
}

#[test]
fn query_matches_without_storing() {
    let (_dir, index) = seeded();
    let seeds = common::seeds();
    let before = index.stats().unwrap();
    let mut probe = seeds[2].clone();
    probe.id = "probe".into();
    let pairs = index.query(probe).unwrap();
    assert!(
        pairs
            .iter()
            .any(|p| p.a == seeds[2].id && p.relation == Relation::Duplicate),
        "{pairs:?}"
    );
    assert!(pairs.iter().all(|p| p.b == "probe"));
    assert_eq!(index.stats().unwrap(), before);
    assert!(index.document("probe", false).unwrap().is_none());
}

#[test]
fn a_query_batch_matches_each_document_as_a_query_of_it_alone() {
    let (_dir, index) = seeded();
    let seeds = common::seeds();
    let mut probes: Vec<Document> = seeds.clone();
    for (k, p) in probes.iter_mut().enumerate() {
        p.id = format!("probe-{k}");
    }
    probes.insert(2, Document::new("blank", "  \n"));
    let alone: Vec<_> = probes.iter().map(|d| index.query(d.clone())).collect();
    let batched = index.query_batch(probes.clone()).unwrap();
    assert_eq!(batched.len(), probes.len());
    assert!(matches!(batched[2], Err(IndexError::InvalidDocument(_))));
    assert!(matches!(alone[2], Err(IndexError::InvalidDocument(_))));
    for (k, (b, a)) in batched.iter().zip(&alone).enumerate() {
        if k != 2 {
            assert_eq!(b.as_ref().unwrap(), a.as_ref().unwrap(), "{}", probes[k].id);
        }
    }
    // Each probe finds the seed it copies, and none the other probes.
    let first = batched[0].as_ref().unwrap();
    assert!(first
        .iter()
        .any(|p| p.a == seeds[0].id && p.relation == Relation::Duplicate));
    assert!(batched
        .iter()
        .flatten()
        .flatten()
        .all(|p| !p.a.starts_with("probe")));
}

#[test]
fn duplicate_ids_and_empty_texts_are_refused_per_document() {
    let (_dir, index) = seeded();
    let seeds = common::seeds();
    let results = index
        .add_batch(vec![
            seeds[0].clone(),
            Document::new("blank", "  \n"),
            Document::new("fresh", "A new text about nothing in particular."),
        ])
        .unwrap();
    assert!(matches!(results[0], Err(IndexError::DuplicateId(_))));
    assert!(matches!(results[1], Err(IndexError::InvalidDocument(_))));
    assert!(results[2].is_ok());
    assert_eq!(index.len().unwrap(), 6);
    index.check().unwrap();
}

#[test]
fn remove_drops_pairs_and_regroups_the_family() {
    let (_dir, index) = seeded();
    let seeds = common::seeds();
    // A chain: copy1 copies seed 2, copy2 copies copy1. Removing copy1
    // leaves copy2 joined to seed 2 directly (they are duplicates too).
    index
        .add(Document::new("copy1", seeds[2].text.clone()))
        .unwrap();
    let fam = index
        .document("copy1", false)
        .unwrap()
        .unwrap()
        .family
        .unwrap();
    let before = index.family(&fam).unwrap().unwrap();
    assert!(before.members.contains(&"copy1".to_string()));
    index.remove("copy1").unwrap();
    assert!(index.document("copy1", false).unwrap().is_none());
    assert!(matches!(
        index.matches("copy1"),
        Err(IndexError::NotFound(_))
    ));
    for s in &seeds {
        assert!(index
            .matches(&s.id)
            .unwrap()
            .iter()
            .all(|p| p.a != "copy1" && p.b != "copy1"));
    }
    index.check().unwrap();
    assert!(matches!(
        index.remove("copy1"),
        Err(IndexError::NotFound(_))
    ));
    // Removing every member of a family leaves no family behind.
    let fam = index.families(0, 10).unwrap();
    for f in &fam {
        for m in &f.members {
            index.remove(m).unwrap();
        }
    }
    let stats = index.stats().unwrap();
    assert_eq!((stats.families, stats.documents_in_families), (0, 0));
    index.check().unwrap();
    // And the postings went with them: a removed text finds nothing.
    let again = index
        .query(Document::new("q", seeds[2].text.clone()))
        .unwrap();
    assert!(again
        .iter()
        .all(|p| index.document(&p.a, false).unwrap().is_some()));
}

/// Deterministic prose-like text of `n` sentences from word seed `seed`.
fn prose(seed: u64, n: usize) -> String {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut out = String::new();
    for _ in 0..n {
        for w in 0..12 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let word = format!("w{}", x % 5000);
            out.push_str(if w == 0 { "The" } else { " " });
            out.push(' ');
            out.push_str(&word);
        }
        out.push_str(".\n");
    }
    out
}

#[test]
fn removing_the_bridge_of_a_family_splits_it() {
    let dir = tempfile::tempdir().unwrap();
    let index = Index::open(dir.path()).unwrap();
    let (x, y) = (prose(1, 30), prose(2, 30));
    index.add(Document::new("a", x.clone())).unwrap();
    index.add(Document::new("c", y.clone())).unwrap();
    let bridge = index.add(Document::new("b", format!("{x}{y}"))).unwrap();
    assert_eq!(bridge.pairs.len(), 2, "{:?}", bridge.pairs);
    assert!(bridge
        .pairs
        .iter()
        .all(|p| p.relation == Relation::Containment));
    let family = index
        .family(bridge.family.as_deref().unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(family.members, ["a", "c", "b"]);
    assert_eq!(family.original.as_deref(), Some("b"));
    index.remove("b").unwrap();
    assert_eq!(index.stats().unwrap().families, 0);
    assert!(index
        .document("a", false)
        .unwrap()
        .unwrap()
        .family
        .is_none());
    index.check().unwrap();
    // Adding it again joins them again, under the same family id.
    let again = index.add(Document::new("b", format!("{x}{y}"))).unwrap();
    assert_eq!(again.family, bridge.family);
    index.check().unwrap();
}

#[test]
fn reopening_rebuilds_postings_and_keeps_everything() {
    let (dir, index) = seeded();
    let stats = index.stats().unwrap();
    let matches = index.matches(&common::seeds()[2].id).unwrap();
    drop(index);
    let index = Index::open_existing(dir.path()).unwrap();
    let mut again = index.stats().unwrap();
    again.open_seconds = stats.open_seconds;
    again.disk_bytes = stats.disk_bytes;
    assert_eq!(again, stats);
    assert_eq!(index.matches(&common::seeds()[2].id).unwrap(), matches);
    index.check().unwrap();
}

#[test]
fn a_missing_index_other_versions_and_other_parameters_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = Index::open_existing(dir.path().join("nope")).unwrap_err();
    assert!(matches!(err, IndexError::Missing(_)), "{err}");

    let index = Index::open(dir.path()).unwrap();
    drop(index);
    let other = OpenOptions {
        params: SketchParams {
            lsh_threshold: 0.8,
            ..SketchParams::default()
        },
        ..OpenOptions::default()
    };
    let err = Index::open_with(dir.path(), &other).unwrap_err();
    assert!(matches!(err, IndexError::Params { .. }), "{err}");

    // Pretend a future build wrote this index.
    {
        let db = redb::Database::open(dir.path().join(unspun_index::DB_FILE)).unwrap();
        let txn = db.begin_write().unwrap();
        txn.open_table(schema::META)
            .unwrap()
            .insert(schema::KEY_FORMAT, schema::FORMAT_VERSION + 1)
            .unwrap();
        txn.commit().unwrap();
    }
    let err = Index::open(dir.path()).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, IndexError::FormatVersion { .. }), "{msg}");
    assert!(
        msg.contains(&format!("format version {}", schema::FORMAT_VERSION + 1))
            && msg.contains(&format!("reads version {}", schema::FORMAT_VERSION)),
        "{msg}"
    );
}

#[test]
fn a_second_process_handle_is_refused_while_open() {
    let dir = tempfile::tempdir().unwrap();
    let _index = Index::open(dir.path()).unwrap();
    let err = Index::open(dir.path()).unwrap_err();
    assert!(matches!(err, IndexError::Locked(_)), "{err}");
}

#[test]
fn readers_see_consistent_snapshots_while_a_writer_ingests() {
    let (_dir, index) = seeded();
    let index = Arc::new(index);
    let seeds = common::seeds();
    let done = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let (index, done, seeds) = (index.clone(), done.clone(), seeds.clone());
            std::thread::spawn(move || {
                let mut reads = 0;
                while !done.load(Ordering::Relaxed) {
                    let stats = index.stats().unwrap();
                    assert!(stats.documents >= 5);
                    assert!(index.document(&seeds[0].id, true).unwrap().is_some());
                    let feed = index.recent(5, None).unwrap();
                    assert!(!feed.is_empty());
                    index.query(seeds[1].clone()).unwrap();
                    reads += 1;
                }
                reads
            })
        })
        .collect();
    for i in 0..60 {
        let base = &seeds[i % seeds.len()];
        index
            .add(Document::new(
                format!("w{i}"),
                format!("{}\nEdition {i}.", base.text),
            ))
            .unwrap();
    }
    done.store(true, Ordering::Relaxed);
    for r in readers {
        assert!(r.join().unwrap() > 0);
    }
    assert_eq!(index.len().unwrap(), 65);
    index.check().unwrap();
}
