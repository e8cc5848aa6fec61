//! Any bytes as a file of each input format: no panic, and every problem
//! names its file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use unspun_ingest::{read_inputs, InputOptions, Item};

const EXTENSIONS: &[&str] = &[
    "jsonl", "json", "jsonl.gz", "json.gz", "csv.gz", "warc", "warc.gz", "html", "txt", "md",
    "csv", "tsv", "jsonl.zst", "warc.zst", "txt.gz", "html.zst",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("unspun-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let ext = EXTENSIONS[usize::from(pick) % EXTENSIONS.len()];
    let path: PathBuf = dir.join(format!("input.{ext}"));
    if std::fs::write(&path, body).is_err() {
        return;
    }
    let mut docs = 0;
    read_inputs(&[path.clone()], &InputOptions::default(), &mut |item| match item {
        Item::Document(d) => {
            assert!(!d.id.is_empty());
            docs += 1;
        }
        Item::Problem(p) => assert!(p.to_string().contains("input.")),
    })
    .expect("reading a file is never fatal");
    let _ = docs;
});
