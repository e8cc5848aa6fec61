//! The demo corpus: five real versions of one March 2023 story.
#![allow(clippy::unwrap_used)]

mod common;

use std::fs;
use std::path::Path;

use common::{docs, problems, read_all};
use unspun_ingest::{total_input_bytes, InputOptions};

#[test]
fn demo_seeds_directory() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo/seeds");
    if !seeds.is_dir() {
        eprintln!("skipping: {} not found", seeds.display());
        return;
    }
    let opts = InputOptions::default();
    let items = read_all(&[&seeds], &opts);
    assert!(problems(&items).is_empty(), "{:?}", problems(&items));
    let docs = docs(&items);
    let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "000_44968c05fa5774c8.txt",
            "001_5b3ff33e69876255.txt",
            "002_4156b6fe17ca2892.txt",
            "003_3f34881810dbdd74.txt",
            "004_16ffbdd82e2c7906.txt",
        ]
    );
    for doc in &docs {
        // Text exactly as on disk, so every offset downstream points into the file.
        let on_disk = fs::read_to_string(seeds.join(&doc.id)).unwrap();
        assert_eq!(doc.text, on_disk);
        assert_eq!(doc.path, Some(seeds.join(&doc.id).display().to_string()));
        assert_eq!(doc.site, None);
        assert_eq!(doc.url, None);
    }
    let dates: Vec<Option<&str>> = docs.iter().map(|d| d.date.as_deref()).collect();
    assert_eq!(dates, [None, None, None, Some("2023-03-17"), None]);
    let total = total_input_bytes(&[seeds], &InputOptions::default()).unwrap();
    assert_eq!(
        opts.bytes_read.load(std::sync::atomic::Ordering::Relaxed),
        total
    );
}
