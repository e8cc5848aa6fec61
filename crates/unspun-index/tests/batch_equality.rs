//! Adding documents one by one gives the relations and families of a batch
//! `unspun scan` of the same documents.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use unspun_index::Index;
use unspun_scan::{scan_documents, Quiet, ScanOptions};
use unspun_text::Document;

fn assert_same_as_scan(docs: Vec<Document>) -> usize {
    let scan = scan_documents(docs.clone(), &ScanOptions::default(), &Quiet).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let index = Index::open(dir.path()).unwrap();
    let from_index = common::add_all(&index, docs);
    let from_scan = common::by_ids(&scan.pairs);
    let only_scan: Vec<_> = from_scan
        .keys()
        .filter(|k| !from_index.contains_key(*k))
        .collect();
    let only_index: Vec<_> = from_index
        .keys()
        .filter(|k| !from_scan.contains_key(*k))
        .collect();
    assert!(
        only_scan.is_empty() && only_index.is_empty(),
        "only in scan: {only_scan:?}\nonly in index: {only_index:?}"
    );
    for (k, v) in &from_scan {
        assert_eq!(&from_index[k], v, "pair {k:?} differs");
    }
    // Stored matches read back the same as what the adds returned.
    for rec in &scan.documents {
        for p in index.matches(&rec.id).unwrap() {
            assert_eq!(
                serde_json::to_value(&p).unwrap(),
                from_scan[&(p.a.clone(), p.b.clone())]
            );
        }
        let view = index.document(&rec.id, false).unwrap().unwrap();
        assert_eq!(view.family, rec.family, "family of {}", rec.id);
        assert_eq!(
            (view.tokens, view.bytes, &view.removed),
            (rec.tokens, rec.bytes, &rec.removed),
            "{}",
            rec.id
        );
    }
    let families = index.families(0, usize::MAX).unwrap();
    assert_eq!(families.len(), scan.families.len());
    // Ids and members only: scan now names a family's `original` from
    // provenance derivations (unspun-cluster), the index still by source
    // votes of copy pairs.
    for (f, g) in families.iter().zip(&scan.families) {
        assert_eq!((&f.id, &f.members), (&g.id, &g.members));
    }
    let stats = index.stats().unwrap();
    assert_eq!(stats.pairs as usize, scan.pairs.len());
    assert_eq!(stats.families as usize, scan.families.len());
    index.check().unwrap();
    scan.pairs.len()
}

#[test]
fn seeds_added_one_by_one_match_a_batch_scan() {
    let pairs = assert_same_as_scan(common::seeds());
    assert!(pairs >= 2, "the seeds have copies: {pairs} pairs");
}

#[test]
fn bench_corpus_added_one_by_one_matches_a_batch_scan() {
    let dir = tempfile::tempdir().unwrap();
    let Some(corpus) = common::bench_corpus(dir.path(), 300, 3) else {
        return;
    };
    let pairs = assert_same_as_scan(common::read(&corpus));
    assert!(pairs > 50, "{pairs} pairs");
}
