//! JSON Lines at scale: chunk boundaries, order, line numbers, progress.
#![allow(clippy::unwrap_used)]

mod common;

use std::fmt::Write as _;
use std::fs;
use std::sync::atomic::Ordering;

use common::{docs, problems, read_all};
use unspun_ingest::{InputOptions, ProblemKind};

/// About 14 MB, so the file spans two 8 MiB chunks; lines 5,000 and 19,999
/// are broken and line 12,345 is blank.
fn big_jsonl() -> String {
    let mut out = String::new();
    for n in 1..=20_000u32 {
        match n {
            5_000 | 19_999 => out.push_str("{\"id\": \"broken\", \"text\": \n"),
            12_345 => out.push('\n'),
            _ => {
                let body =
                    format!("Paragraph {n} of the wire story, \\\"quoted\\\" and caf\\u00e9. ")
                        .repeat(10);
                writeln!(
                    out,
                    r#"{{"id":"doc-{n}","text":"{body}","title":"T{n}","meta":{{"n":{n}}}}}"#
                )
                .unwrap();
            }
        }
    }
    out
}

#[test]
fn many_lines_across_chunks_keep_order_and_line_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corpus.jsonl");
    let content = big_jsonl();
    assert!(
        content.len() > 9 << 20,
        "must span chunks: {}",
        content.len()
    );
    fs::write(&path, &content).unwrap();

    let opts = InputOptions::default();
    let items = read_all(&[&path], &opts);
    let docs = docs(&items);
    assert_eq!(docs.len(), 20_000 - 3);
    let expected: Vec<String> = (1..=20_000)
        .filter(|n| ![5_000, 12_345, 19_999].contains(n))
        .map(|n| format!("doc-{n}"))
        .collect();
    let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, expected);
    assert_eq!(docs[0].path, Some(format!("{}:1", path.display())));
    assert_eq!(docs[19_996].path, Some(format!("{}:20000", path.display())));
    assert!(docs[7]
        .text
        .starts_with("Paragraph 8 of the wire story, \"quoted\" and café. "));

    let problems = problems(&items);
    let sources: Vec<String> = problems.iter().map(|p| p.source.clone()).collect();
    let file = path.display();
    assert_eq!(sources, [format!("{file}:5000"), format!("{file}:19999")]);
    assert!(problems
        .iter()
        .all(|p| p.kind == ProblemKind::MalformedJson && p.skipped));
    assert_eq!(
        opts.bytes_read.load(Ordering::Relaxed),
        content.len() as u64
    );
}

#[test]
fn overlong_line_is_skipped_without_losing_count() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.jsonl");
    let long = "y".repeat(3 << 20);
    let content = format!(
        "{{\"id\":\"a\",\"text\":\"short\"}}\n{{\"id\":\"b\",\"text\":\"{long}\"}}\n{{\"id\":\"c\",\"text\":\"after\"}}\n"
    );
    fs::write(&path, content).unwrap();
    let opts = InputOptions {
        max_doc_bytes: 1000,
        ..InputOptions::default()
    };
    let items = read_all(&[&path], &opts);
    let ids: Vec<&str> = docs(&items).iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["a", "c"]);
    assert_eq!(docs(&items)[1].path, Some(format!("{}:3", path.display())));
    let problems = problems(&items);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].kind, ProblemKind::TooLarge);
    assert_eq!(problems[0].source, format!("{}:2", path.display()));
}

#[test]
fn large_text_field_within_limit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("one.jsonl");
    let text = "word ".repeat(5 << 20);
    fs::write(&path, format!("{{\"id\":\"big\",\"text\":\"{text}\"}}")).unwrap();
    let items = read_all(&[path], &InputOptions::default());
    assert_eq!(docs(&items)[0].text.len(), text.len());
}

#[test]
fn binary_and_empty_jsonl_files() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.jsonl"), b"\x00\x01\x02{\"id\":1}").unwrap();
    fs::write(dir.path().join("b.jsonl"), "\n \n").unwrap();
    let items = read_all(&[dir.path().to_path_buf()], &InputOptions::default());
    let kinds: Vec<ProblemKind> = problems(&items).iter().map(|p| p.kind).collect();
    assert_eq!(kinds, [ProblemKind::Binary, ProblemKind::Empty]);
    assert!(docs(&items).is_empty());
}
