//! `unspun scan --report`: stories.jsonl, provenance in families and
//! stories, the HTML report, and their determinism. (What the report shows
//! in a browser is tested in crates/unspun-report/tests/browser.rs.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod util;

use util::{read_jsonl, seeds_dir, str_field, Fixture};

const ID_000: &str = "000_44968c05fa5774c8.txt";
const ID_001: &str = "001_5b3ff33e69876255.txt";
const ID_002: &str = "002_4156b6fe17ca2892.txt";

fn scan(fx: &Fixture, out: &str, extra: &[&str]) {
    let seeds = seeds_dir();
    let report = format!("{out}/report.html");
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "scan".as_ref(),
        seeds.as_os_str(),
        "--out".as_ref(),
        out.as_ref(),
        "--report".as_ref(),
        report.as_ref(),
        "--quiet".as_ref(),
    ];
    args.extend(extra.iter().map(std::ffi::OsStr::new));
    let run = fx.run(&args);
    run.assert_code(0);
    assert!(run.stdout.contains("Wrote the report to"), "{}", run.stdout);
}

#[test]
fn the_seeds_are_one_story_whose_original_is_the_bbc_report() {
    let fx = Fixture::new();
    scan(&fx, "out", &[]);
    let stories = read_jsonl(&fx.join("out/stories.jsonl"));
    assert_eq!(stories.len(), 1, "{stories:?}");
    let s = &stories[0];
    assert_eq!(str_field(s, "original"), ID_002);
    assert_eq!(
        str_field(s, "title"),
        "China’s Xi to meet Putin in Moscow next week"
    );
    // 002 is the source of the rewrite and of the piece quoting the BBC.
    let edges: Vec<(&str, &str)> = s["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (str_field(e, "from"), str_field(e, "to")))
        .collect();
    assert_eq!(edges, vec![(ID_002, ID_000), (ID_002, ID_001)]);
    for e in s["edges"].as_array().unwrap() {
        let confidence = e["confidence"].as_f64().unwrap();
        assert!((0.6..=1.0).contains(&confidence), "{e}");
        assert!(!e["evidence"].as_array().unwrap().is_empty(), "{e}");
    }
    // Every document line names its story: the independent AP and Reuters
    // reports of the event too (the meaning layer links them).
    for d in read_jsonl(&fx.join("out/documents.jsonl")) {
        assert_eq!(d["story"], s["id"], "{d}");
    }
    // The claim matrix: sentences are byte spans of the documents.
    let claims = s["claims"].as_array().unwrap();
    assert!(claims.len() > 10);
    let shared = &claims[0];
    assert!(shared["documents"].as_u64().unwrap() >= 2, "{shared}");
    // A claim is worded by its first sentence.
    let first = &shared["sentences"][0];
    let first_text = std::fs::read_to_string(seeds_dir().join(str_field(first, "doc"))).unwrap();
    assert_eq!(
        shared["text"].as_str().unwrap(),
        util::slice(&first_text, &first["span"])
    );
    for sentence in shared["sentences"].as_array().unwrap() {
        let doc = str_field(sentence, "doc");
        let text = std::fs::read_to_string(seeds_dir().join(doc)).unwrap();
        let span = util::slice(&text, &sentence["span"]);
        assert!(!span.trim().is_empty());
    }
    let html = std::fs::read_to_string(fx.join("out/report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    // Self-contained: nothing is fetched.
    for external in ["<link", " src=\"", " href=\"http", "@import", "url(http"] {
        assert!(!html.contains(external), "the report loads `{external}`");
    }
}

#[test]
fn stories_and_the_report_are_the_same_bytes_with_one_or_two_threads() {
    let fx = Fixture::new();
    scan(&fx, "one", &["--threads", "1", "--no-meaning"]);
    scan(&fx, "two", &["--threads", "2", "--no-meaning"]);
    for file in ["stories.jsonl", "families.jsonl", "report.html"] {
        let one = std::fs::read(fx.join(&format!("one/{file}"))).unwrap();
        let two = std::fs::read(fx.join(&format!("two/{file}"))).unwrap();
        assert!(one == two, "{file} differs between --threads 1 and 2");
    }
}

#[test]
fn a_pair_the_model_cannot_read_carries_its_note_into_pairs_and_the_report() {
    // Two Czech texts, one quoting the other: `reuse` on the verbatim
    // evidence, and the English model is not asked.
    let fx = Fixture::new();
    fx.write(
        "in/report.txt",
        "Včera večer se nad Prahou přehnala silná bouřka. Meteorologové varovali před \
         přívalovými dešti už od rána. V několika ulicích spadly stromy na zaparkovaná auta. \
         Hasiči vyjížděli k více než stovce událostí. Na Vltavě stoupla hladina o půl metru. \
         Dopravní podnik musel přerušit provoz tramvají v centru. Nikdo nebyl vážně zraněn, \
         uvedli záchranáři. Škody se budou sčítat ještě několik dní.",
    );
    fx.write(
        "in/quoting.txt",
        "Fotbalisté Slavie porazili v sobotu Plzeň dva k jedné a rozhodující gól vstřelil \
         útočník v poslední minutě zápasu. Trenér po utkání ocenil bojovnost svých hráčů. Zápas \
         ale málem nezačal. Včera večer se nad Prahou přehnala silná bouřka. Meteorologové \
         varovali před přívalovými dešti už od rána. V několika ulicích spadly stromy na \
         zaparkovaná auta. Hasiči vyjížděli k více než stovce událostí. Na Vltavě stoupla \
         hladina o půl metru. Dopravní podnik musel přerušit provoz tramvají v centru. Stadion \
         byl přesto vyprodaný už týden předem. Plzeň zůstává v tabulce na třetím místě.",
    );
    let run = fx.run(&[
        "scan",
        "in",
        "--out",
        "out",
        "--report",
        "out/report.html",
        "-q",
    ]);
    run.assert_code(0);
    let pairs = read_jsonl(&fx.join("out/pairs.jsonl"));
    assert_eq!(pairs.len(), 1, "{pairs:?}");
    assert_eq!(str_field(&pairs[0], "relation"), "reuse");
    assert_eq!(str_field(&pairs[0], "note"), "not_english");
    let html = std::fs::read_to_string(fx.join("out/report.html")).unwrap();
    assert!(html.contains(r#""note":"not_english""#));
}
