//! With the meaning layer, an index fed the seeds one by one finds the
//! paraphrase and same-story pairs and the story a batch scan finds.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use unspun_compare::Meaning;
use unspun_index::{meaning, Index};
use unspun_scan::{scan_documents_with_meaning, Quiet, ScanOptions};

#[test]
fn the_index_uses_scans_meaning_defaults() {
    let o = ScanOptions::default();
    assert_eq!(meaning::MIN_COSINE, o.meaning_min_cosine);
    assert_eq!(meaning::NEIGHBOURS, o.meaning_neighbours);
    assert_eq!(meaning::WINDOW_DAYS, o.story_window_days);
}

/// The same pairs with the same fields. The model's vectors differ in the
/// last float digits with the batch they were computed in, which can move a
/// rounded meaning score by one in its last place; the rest agrees exactly.
fn assert_same_pairs(got: &Pairs, want: &Pairs) {
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>()
    );
    for (k, v) in want {
        let mut got = got[k].clone();
        let mut want = v.clone();
        for score in ["semantic", "story", "rewrite"] {
            let (x, y) = (got["scores"][score].take(), want["scores"][score].take());
            match (x.as_f64(), y.as_f64()) {
                (Some(x), Some(y)) => {
                    assert!((x - y).abs() <= 1e-4 + 1e-9, "{score} of {k:?}: {x} vs {y}")
                }
                _ => assert_eq!(x, y, "{score} of {k:?}"),
            }
        }
        assert_eq!(got, want, "pair {k:?} differs");
    }
}

type Pairs = std::collections::BTreeMap<(String, String), serde_json::Value>;

#[test]
fn seeds_added_one_by_one_match_a_batch_scan_with_meaning() {
    let m = Arc::new(Meaning::load(None).expect("the model (fetched on first use)"));
    let docs = common::seeds();
    let scan = scan_documents_with_meaning(docs.clone(), &ScanOptions::default(), Some(&m), &Quiet)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let index = Index::open(dir.path()).unwrap().with_meaning(m.clone());
    let from_index = common::add_all(&index, docs);
    let from_scan = common::by_ids(&scan.pairs);
    assert_eq!(
        from_index.keys().collect::<Vec<_>>(),
        from_scan.keys().collect::<Vec<_>>()
    );
    assert_same_pairs(&from_index, &from_scan);
    let relation = |a: &str, b: &str| {
        from_index
            .iter()
            .find(|((x, y), _)| x.starts_with(a) && y.starts_with(b))
            .map(|(_, v)| v["relation"].as_str().unwrap().to_string())
    };
    assert_eq!(relation("000", "002").as_deref(), Some("paraphrase"));
    assert_eq!(relation("001", "002").as_deref(), Some("reuse"));
    assert_eq!(relation("003", "004").as_deref(), Some("same_story"));

    // A fresh compare of two stored documents reads them with the model too.
    let (spun, bbc) = (&scan.documents[0].id, &scan.documents[2].id);
    let fresh = index.compare(spun, bbc).unwrap();
    let stored = &from_index[&(spun.clone(), bbc.clone())];
    assert_eq!(
        serde_json::to_value(fresh.relation).unwrap(),
        stored["relation"]
    );
    assert_eq!(
        serde_json::to_value(&fresh.passages).unwrap(),
        stored["passages"]
    );
    assert!(
        fresh.scores.semantic.is_some_and(|s| s > 0.5),
        "{:?}",
        fresh.scores
    );

    // One story of all five, with the scan's id and cohesion.
    let stories = index.stories().unwrap();
    assert_eq!(stories.len(), 1, "{stories:?}");
    assert_eq!(stories.len(), scan.stories.len());
    assert_eq!(stories[0].id, scan.stories[0].id);
    assert_eq!(stories[0].members, scan.stories[0].members);
    assert!((stories[0].cohesion - scan.stories[0].cohesion).abs() < 1e-3);
    let one = index.story(&stories[0].id).unwrap().unwrap();
    assert_eq!(one.pairs.len(), from_index.len());
    // Its derivations, original and claims are the scan's: the BBC report
    // (002) is the original, spun by 000 and quoted by 001.
    let want = &scan.stories[0];
    assert_eq!(one.original, want.original);
    assert!(one.original.as_deref().unwrap().starts_with("002"));
    let got_edges: Vec<_> = one
        .edges
        .iter()
        .map(|e| (e.from.as_str(), e.to.as_str(), e.relation))
        .collect();
    let want_edges: Vec<_> = want
        .edges
        .iter()
        .map(|e| (&*e.from, &*e.to, e.relation))
        .collect();
    assert_eq!(got_edges, want_edges);
    assert!(one
        .edges
        .iter()
        .any(|e| e.from.starts_with("002") && e.to.starts_with("000")));
    assert!(one
        .edges
        .iter()
        .any(|e| e.from.starts_with("002") && e.to.starts_with("001")));
    let claims = one.claims.as_ref().unwrap();
    let want_claims = want.claims.as_ref().unwrap();
    assert_eq!(claims.len(), want_claims.len());
    for (got, want) in claims.iter().zip(want_claims) {
        assert_eq!(got.text, want.text(scan.texts.as_ref().unwrap()).unwrap());
        let got_sentences: Vec<_> = got
            .sentences
            .iter()
            .map(|x| (x.doc.as_str(), x.span))
            .collect();
        let want_sentences: Vec<_> = want.sentences.iter().map(|x| (&*x.doc, x.span)).collect();
        assert_eq!(got_sentences, want_sentences);
    }
    assert!(
        claims.iter().any(|c| c.documents >= 3),
        "no claim shared by three seeds"
    );

    // Removing the BBC report takes its links along; the rest stays one story.
    index.remove(&scan.documents[2].id).unwrap();
    let after = index.stories().unwrap();
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].size, 4);
    index.check().unwrap();
}

#[test]
fn one_batch_matches_adding_one_by_one_with_meaning() {
    // The seeds, a verbatim copy of the BBC report under a new id (its
    // duplicate is in the same batch), and the first seed again under its
    // own id: refused, its place in the results kept.
    let m = Arc::new(Meaning::load(None).expect("the model (fetched on first use)"));
    let mut docs = common::seeds();
    let mut copy = docs[2].clone();
    copy.id = "copy-of-002".into();
    docs.push(copy);
    docs.push(docs[0].clone());

    let dir = tempfile::tempdir().unwrap();
    let one_by_one = Index::open(dir.path()).unwrap().with_meaning(m.clone());
    let singles: Vec<_> = docs.iter().map(|d| one_by_one.add(d.clone())).collect();
    let dir = tempfile::tempdir().unwrap();
    let batched = Index::open(dir.path()).unwrap().with_meaning(m);
    let results = batched.add_batch(docs.clone()).unwrap();

    assert_eq!(results.len(), docs.len());
    assert!(matches!(
        results.last(),
        Some(Err(unspun_index::IndexError::DuplicateId(id))) if *id == docs[0].id
    ));
    assert!(singles.last().unwrap().is_err());
    let pairs = |added: Vec<&unspun_index::Added>| {
        common::by_ids(added.into_iter().flat_map(|a| a.pairs.clone()))
    };
    let from_batch = pairs(results.iter().flatten().collect());
    let from_singles = pairs(singles.iter().flatten().collect());
    assert_same_pairs(&from_batch, &from_singles);
    let copied = &from_batch[&(docs[2].id.clone(), "copy-of-002".to_string())];
    assert_eq!(copied["relation"], "duplicate", "{copied}");
    assert!(from_batch.values().any(|p| p["relation"] == "paraphrase"));
    // Sequence numbers and families as one by one.
    for (b, s) in results.iter().flatten().zip(singles.iter().flatten()) {
        assert_eq!((&b.id, b.seq, &b.family), (&s.id, s.seq, &s.family));
    }
    assert_eq!(
        batched.families(0, usize::MAX).unwrap(),
        one_by_one.families(0, usize::MAX).unwrap()
    );
    batched.check().unwrap();

    // Queries in one batch find what a query of each alone finds.
    let probes: Vec<_> = common::seeds()
        .into_iter()
        .map(|mut d| {
            d.id = format!("probe-{}", d.id);
            d
        })
        .collect();
    let alone = common::by_ids(
        probes
            .iter()
            .flat_map(|d| batched.query(d.clone()).unwrap()),
    );
    let together = common::by_ids(
        batched
            .query_batch(probes)
            .unwrap()
            .into_iter()
            .flat_map(Result::unwrap),
    );
    assert_same_pairs(&together, &alone);
    assert!(together.values().any(|p| p["relation"] == "paraphrase"));
}

#[test]
fn pairs_of_texts_that_are_not_english_keep_their_note_in_the_index() {
    // A Czech report and a longer Czech piece quoting its first sentences:
    // `reuse` on the verbatim evidence, with no English model's guess.
    let report = "Včera večer se nad Prahou přehnala silná bouřka. Meteorologové varovali \
        před přívalovými dešti už od rána. V několika ulicích spadly stromy na zaparkovaná auta. \
        Hasiči vyjížděli k více než stovce událostí. Na Vltavě stoupla hladina o půl metru. \
        Dopravní podnik musel přerušit provoz tramvají v centru. Nikdo nebyl vážně zraněn, \
        uvedli záchranáři. Škody se budou sčítat ještě několik dní.";
    let quoting = "Fotbalisté Slavie porazili v sobotu Plzeň dva k jedné a rozhodující gól \
        vstřelil útočník v poslední minutě zápasu. Trenér po utkání ocenil bojovnost svých hráčů. \
        Zápas ale málem nezačal. Včera večer se nad Prahou přehnala silná bouřka. Meteorologové \
        varovali před přívalovými dešti už od rána. V několika ulicích spadly stromy na \
        zaparkovaná auta. Hasiči vyjížděli k více než stovce událostí. Na Vltavě stoupla hladina \
        o půl metru. Dopravní podnik musel přerušit provoz tramvají v centru. Stadion byl přesto vyprodaný už týden předem a fanoušci oslavovali \
        vítězství až do pozdních nočních hodin. Plzeň zůstává v tabulce na třetím místě.";
    let docs = vec![
        unspun_text::Document::new("report", report),
        unspun_text::Document::new("quoting", quoting),
    ];
    let m = Arc::new(Meaning::load(None).expect("the model (fetched on first use)"));
    let scan = scan_documents_with_meaning(docs.clone(), &ScanOptions::default(), Some(&m), &Quiet)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let index = Index::open(dir.path()).unwrap().with_meaning(m);
    let from_index = common::add_all(&index, docs);
    let pair = &from_index[&("report".to_string(), "quoting".to_string())];
    assert_eq!(pair["relation"], "reuse", "{pair}");
    assert_eq!(pair["note"], "not_english", "{pair}");
    assert!(pair["scores"]["semantic"].is_null());
    assert_eq!(from_index, common::by_ids(&scan.pairs));
    // Read back from the store, the note is still there.
    let stored = index.matches("quoting").unwrap();
    assert_eq!(
        serde_json::to_value(&stored[0]).unwrap()["note"],
        "not_english"
    );
}
