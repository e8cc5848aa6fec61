//! A small corpus (the input split at 0x1E into up to six documents, some
//! dated, some of one site) through the whole lexical scan: no panic, and
//! every passage and claim sentence slices its document's text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unspun_scan::{scan_documents, Quiet, ScanOptions};
use unspun_text::Document;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let docs: Vec<Document> = text
        .split('\u{1e}')
        .take(6)
        .enumerate()
        .map(|(i, t)| Document {
            id: format!("d{i}"),
            text: t.to_string(),
            date: (i % 2 == 0).then(|| format!("2024-01-0{}", i + 1)),
            site: (i < 3).then(|| "example.com".to_string()),
            ..Document::default()
        })
        .collect();
    let texts: Vec<String> = docs.iter().map(|d| d.text.clone()).collect();
    let result = scan_documents(docs, &ScanOptions::default(), &Quiet).expect("spool");
    for p in &result.pairs {
        let (a, b) = (&texts[p.a_index as usize], &texts[p.b_index as usize]);
        for passage in &p.passages {
            assert!(a.get(passage.a.range()).is_some(), "passage {:?} in {}", passage.a, p.a);
            assert!(b.get(passage.b.range()).is_some(), "passage {:?} in {}", passage.b, p.b);
        }
    }
    // The lines of stories.jsonl, whose claim texts come from the spool.
    let mut lines = 0;
    result
        .for_each_story_line(|line| {
            assert!(line.claims.iter().flatten().all(|c| !c.text.is_empty()));
            lines += 1;
            Ok(())
        })
        .expect("claim texts");
    assert_eq!(lines, result.stories.len());
    for story in &result.stories {
        for claim in story.claims.iter().flatten() {
            for s in &claim.sentences {
                assert!(texts[s.doc_index as usize].get(s.span.range()).is_some());
            }
        }
    }
});
