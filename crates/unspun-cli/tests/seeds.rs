//! `unspun scan` on the seed articles in tests/fixtures/seeds: documents,
//! boilerplate, pairs and passages, a snapshot of the output, determinism.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod util;

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use util::{
    doc, range, read_json, read_jsonl, seed_text, seeds_dir, slice, str_field, words, Fixture, Run,
};

const ID_000: &str = "000_44968c05fa5774c8.txt";
const ID_001: &str = "001_5b3ff33e69876255.txt";
const ID_002: &str = "002_4156b6fe17ca2892.txt";
const ID_003: &str = "003_3f34881810dbdd74.txt";

/// Relations that say one text was copied or reused from the other.
const COPY_RELATIONS: [&str; 4] = ["duplicate", "near_duplicate", "containment", "reuse"];

/// Scans the seeds into `out` (relative to the fixture) with extra flags.
fn scan_seeds(fx: &Fixture, out: &str, extra: &[&str]) -> Run {
    let seeds = seeds_dir();
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "scan".as_ref(),
        seeds.as_os_str(),
        "--out".as_ref(),
        out.as_ref(),
    ];
    args.extend(extra.iter().map(std::ffi::OsStr::new));
    fx.run(&args)
}

/// Byte span of the only occurrence of `needle` in `text`.
fn find_once(text: &str, needle: &str) -> (usize, usize) {
    let start = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` is not in the text"));
    assert_eq!(
        text.matches(needle).count(),
        1,
        "`{needle}` occurs more than once"
    );
    (start, start + needle.len())
}

fn removed_ranges(d: &Value) -> Vec<(usize, usize)> {
    d["removed"]
        .as_array()
        .expect("removed is an array")
        .iter()
        .map(range)
        .collect()
}

/// Asserts one removed range holds all of `needle`.
fn assert_removed(text: &str, removed: &[(usize, usize)], needle: &str) {
    let (s, e) = find_once(text, needle);
    assert!(
        removed.iter().any(|&(rs, re)| rs <= s && e <= re),
        "`{needle}` (bytes {s}..{e}) should be set aside as boilerplate; removed: {removed:?}"
    );
}

/// Asserts no removed range touches any byte of `needle`.
fn assert_kept(text: &str, removed: &[(usize, usize)], needle: &str) {
    let (s, e) = find_once(text, needle);
    let hit: Vec<_> = removed
        .iter()
        .filter(|&&(rs, re)| rs < e && s < re)
        .collect();
    assert!(
        hit.is_empty(),
        "`{needle}` (bytes {s}..{e}) is content but overlaps removed ranges {hit:?}"
    );
}

#[test]
fn documents_are_the_seed_files_in_order_with_metadata() {
    let fx = Fixture::new();
    let run = scan_seeds(&fx, "out", &[]);
    run.assert_code(0);
    assert!(run.stdout.contains("Scanned 5 documents"), "{}", run.stdout);

    let docs = read_jsonl(&fx.join("out/documents.jsonl"));
    let mut names: Vec<String> = std::fs::read_dir(seeds_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 5);
    let ids: Vec<&str> = docs.iter().map(|d| str_field(d, "id")).collect();
    assert_eq!(ids, names);

    for d in &docs {
        let id = str_field(d, "id");
        let file = seeds_dir().join(id);
        let len = std::fs::metadata(&file).unwrap().len();
        // The seeds are clean UTF-8: the text as read is the file.
        assert_eq!(d["bytes"].as_u64(), Some(len), "{id}");
        assert!(
            d["tokens"].as_u64().unwrap() > 100,
            "{id} has real content: {d}"
        );
        assert!(str_field(d, "path").ends_with(id), "{d}");
        assert!(d["family"].is_null(), "no seed is a copy of another: {d}");
        let text = std::fs::read_to_string(&file).unwrap();
        for r in d["removed"].as_array().unwrap() {
            slice(&text, r);
        }
        // Only 003 starts with a date line.
        let date = if id == ID_003 {
            Value::from("2023-03-17")
        } else {
            Value::Null
        };
        assert_eq!(d["date"], date, "{id}");
    }
    assert_eq!(
        str_field(doc(&docs, ID_001), "title"),
        "China’s Xi to visit Russia in Show of Support for Putin"
    );
    assert_eq!(
        str_field(doc(&docs, ID_002), "title"),
        "China’s Xi to meet Putin in Moscow next week"
    );

    let summary = read_json(&fx.join("out/summary.json"));
    assert_eq!(summary["documents"], 5);
    assert_eq!(summary["skipped"], 0);
    assert_eq!(summary["warnings"], 0);
    assert_eq!(summary["problems"], serde_json::json!([]));
}

#[test]
fn boilerplate_of_002_is_set_aside_and_its_reporting_kept() {
    let fx = Fixture::new();
    scan_seeds(&fx, "out", &["--quiet"]).assert_code(0);
    let docs = read_jsonl(&fx.join("out/documents.jsonl"));
    let text = seed_text("002");
    let removed = removed_ranges(doc(&docs, ID_002));

    // The aggregator's notice and the unrelated teasers it appends.
    assert_removed(
        &text,
        &removed,
        "We do not claim legitimacy, ownership or copyright",
    );
    assert_removed(&text, &removed, "Zlatý oříšek je soutěž určená šikovným");
    assert_removed(
        &text,
        &removed,
        "“Dos medias verdades no hacen una verdad” (Multatuli)",
    );
    assert_removed(&text, &removed, "ปชป. ยกทัพใหญ่ ปราศรัยเลือกตั้งซ่อมสงขลาเขต 6");
    assert_removed(
        &text,
        &removed,
        "Shannon Alexandra Wade, age 27, was born July 19, 1995",
    );
    assert_removed(
        &text,
        &removed,
        "Consider making some contribution to keep us going.",
    );

    for kept in [
        "China’s President Xi Jinping will travel to Moscow next week",
        "The Kremlin said they would discuss",
        "finds itself increasingly in the role of junior partner",
        "Crucially, China is coming off the back",
        "The US is keen for Mr Xi and Mr Zelensky",
        "significance of the principle of territorial integrity",
    ] {
        assert_kept(&text, &removed, kept);
    }

    // Every paragraph of the reporting, from the first to the last, is kept
    // (only the video caption in the middle of it is page furniture).
    let first = text
        .find("China’s President Xi Jinping will travel")
        .unwrap();
    let last = text
        .find("On Thursday, China’s foreign minister urged Kyiv")
        .unwrap();
    let end = last + text[last..].find("\n\n").unwrap();
    let mut offset = first;
    let mut checked = 0;
    for para in text[first..end].split("\n\n") {
        let (s, e) = (offset, offset + para.len());
        offset = e + 2;
        if para == "Media caption," || para.starts_with("Watch: One year of war") {
            continue;
        }
        let hit: Vec<_> = removed
            .iter()
            .filter(|&&(rs, re)| rs < e && s < re)
            .collect();
        assert!(
            hit.is_empty(),
            "reporting paragraph at {s}..{e} overlaps removed {hit:?}: {para}"
        );
        checked += 1;
    }
    assert_eq!(checked, 24, "paragraphs of reporting checked");
}

#[test]
fn boilerplate_of_001_is_set_aside_and_its_reporting_kept() {
    let fx = Fixture::new();
    scan_seeds(&fx, "out", &["--quiet"]).assert_code(0);
    let docs = read_jsonl(&fx.join("out/documents.jsonl"));
    let text = seed_text("001");
    let removed = removed_ranges(doc(&docs, ID_001));

    assert_removed(&text, &removed, "Calamos Supports Greece");
    assert_removed(&text, &removed, "Credit: Kremlin.ru");
    assert_removed(&text, &removed, "See all the latest news from Greece");
    assert_removed(&text, &removed, "subscribe here to our daily email!");

    for kept in [
        "The BBC says the fact that the Chinese leader",
        "China’s leader Xi Jinping will visit Russia next week at the invitation",
        "finds itself increasingly in the role of junior partner",
        "That means Xi is treading a fine line between supporting his best friend",
    ] {
        assert_kept(&text, &removed, kept);
    }
}

#[test]
fn bbc_reuse_between_001_and_002_is_found_with_exact_passages() {
    let fx = Fixture::new();
    scan_seeds(&fx, "out", &["--quiet"]).assert_code(0);
    let docs = read_jsonl(&fx.join("out/documents.jsonl"));
    let pairs = read_jsonl(&fx.join("out/pairs.jsonl"));
    let position = |id: &str| docs.iter().position(|d| d["id"] == id).unwrap();

    // Ordered by input position of a, then b; a comes first; never unrelated.
    let keys: Vec<(usize, usize)> = pairs
        .iter()
        .map(|p| (position(str_field(p, "a")), position(str_field(p, "b"))))
        .collect();
    assert!(keys.iter().all(|(a, b)| a < b), "{keys:?}");
    assert!(
        keys.windows(2).all(|w| w[0] < w[1]),
        "pairs out of order: {keys:?}"
    );
    assert!(pairs.iter().all(|p| p["relation"] != "unrelated"));

    let texts: Vec<String> = docs
        .iter()
        .map(|d| seed_text(&str_field(d, "id")[..3]))
        .collect();
    for p in &pairs {
        let (ta, tb) = (
            &texts[position(str_field(p, "a"))],
            &texts[position(str_field(p, "b"))],
        );
        let passages = p["passages"].as_array().unwrap();
        // Independent reports of one story need share no passage at all.
        if p["relation"] != "same_story" {
            assert!(!passages.is_empty(), "a related pair has passages: {p}");
        }
        let mut last_end = 0;
        for q in passages.iter().filter(|q| q["kind"] == "verbatim") {
            let (sa, sb) = (slice(ta, &q["a"]), slice(tb, &q["b"]));
            // Passages are aligned text: they start and end on the same words.
            let (wa, wb) = (words(sa), words(sb));
            assert!(wa.len() >= 8 && wb.len() >= 8, "{q}");
            assert_eq!(wa[0], wb[0], "{sa:?} vs {sb:?}");
            assert_eq!(wa[wa.len() - 1], wb[wb.len() - 1], "{sa:?} vs {sb:?}");
            // In a's order, not overlapping.
            let (s, e) = range(&q["a"]);
            assert!(
                s >= last_end,
                "passages overlap or are out of order in a: {p}"
            );
            last_end = e;
        }
        for key in [
            "lexical",
            "containment_a_in_b",
            "containment_b_in_a",
            "coverage_a",
            "coverage_b",
        ] {
            let x = p["scores"][key].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&x), "{key} = {x}");
        }
    }

    let bbc = pairs
        .iter()
        .find(|p| p["a"] == ID_001 && p["b"] == ID_002)
        .unwrap_or_else(|| panic!("no 001-002 pair in {pairs:?}"));
    assert_eq!(bbc["relation"], "reuse");
    assert!(bbc["source"].is_null(), "neither is dated: {bbc}");
    let (t1, t2) = (seed_text("001"), seed_text("002"));
    let passages = bbc["passages"].as_array().unwrap();
    let in_both = |needle: &str| {
        passages
            .iter()
            .any(|q| slice(&t1, &q["a"]).contains(needle) && slice(&t2, &q["b"]).contains(needle))
    };
    for quote in [
        "finds itself increasingly in the role of junior partner",
        "As for the declared partnership between Moscow and Beijing",
        "the Chinese leader is going to Russia signals Beijing’s strong support for Moscow",
        "So the Chinese government definitely has some sway over Russia",
    ] {
        assert!(
            in_both(quote),
            "no passage holds `{quote}` in both texts: {bbc}"
        );
    }
    // The aggregator's own lines are not part of what was copied.
    assert!(!passages
        .iter()
        .any(|q| slice(&t1, &q["a"]).contains("Greekreporter")));
    assert!(!passages
        .iter()
        .any(|q| slice(&t1, &q["a"]).contains("The BBC says")));

    // 003 is an independent report of the same news: no copy relation.
    for p in &pairs {
        let ids = [str_field(p, "a"), str_field(p, "b")];
        if ids.contains(&ID_003) && (ids.contains(&ID_001) || ids.contains(&ID_002)) {
            assert!(
                !COPY_RELATIONS.contains(&str_field(p, "relation")),
                "003 is not a copy: {p}"
            );
        }
    }
    // Reuse alone makes no copy family.
    assert!(read_jsonl(&fx.join("out/families.jsonl")).is_empty());

    let summary = read_json(&fx.join("out/summary.json"));
    assert_eq!(summary["pairs"].as_u64(), Some(pairs.len() as u64));
    let by_relation: u64 = summary["pairs_by_relation"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(by_relation, pairs.len() as u64);
}

#[test]
fn the_000_rewrite_of_002_is_a_paraphrase_aligned_sentence_by_sentence() {
    // 000 spins the BBC story sentence by sentence; whole clauses survive.
    let fx = Fixture::new();
    scan_seeds(&fx, "out", &["--quiet"]).assert_code(0);
    let pairs = read_jsonl(&fx.join("out/pairs.jsonl"));
    let p = pairs
        .iter()
        .find(|p| p["a"] == ID_000 && p["b"] == ID_002)
        .expect("000-002 pair");
    assert_eq!(p["relation"], "paraphrase");
    let (t0, t2) = (seed_text("000"), seed_text("002"));
    // "officials say" became "According to authorities": aligned by meaning.
    let spun = p["passages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| q["kind"] == "paraphrase")
        .map(|q| {
            (
                slice(&t0, &q["a"]).to_string(),
                slice(&t2, &q["b"]).to_string(),
            )
        })
        .collect::<Vec<_>>();
    assert!(spun.len() >= 3, "{spun:?}");
    assert!(
        spun.iter().any(
            |(a, b)| a.contains("Western countries have cautioned China")
                && b.contains("Western countries have warned Beijing")
        ),
        "{spun:?}"
    );
    let (t0, t2) = (seed_text("000"), seed_text("002"));
    let shared = "Iran and Saudi Arabia to";
    assert!(p["passages"]
        .as_array()
        .unwrap()
        .iter()
        .any(|q| slice(&t0, &q["a"]).contains(shared) && slice(&t2, &q["b"]).contains(shared)));
}

/// documents.jsonl with `path` made independent of where the repository is.
fn portable_documents(out: &Path) -> Vec<Value> {
    let mut docs = read_jsonl(&out.join("documents.jsonl"));
    for d in &mut docs {
        let id = str_field(d, "id").to_string();
        let path = str_field(d, "path");
        assert!(
            path.ends_with(&format!("tests/fixtures/seeds/{id}")),
            "{path}"
        );
        d["path"] = Value::from(format!("tests/fixtures/seeds/{id}"));
    }
    docs
}

#[test]
fn snapshot_of_seed_results() {
    let fx = Fixture::new();
    scan_seeds(&fx, "out", &["--quiet"]).assert_code(0);
    let out = fx.join("out");
    insta::assert_json_snapshot!("seed_documents", portable_documents(&out));
    insta::assert_json_snapshot!("seed_pairs", read_jsonl(&out.join("pairs.jsonl")));
    insta::assert_json_snapshot!("seed_families", read_jsonl(&out.join("families.jsonl")));
}

#[test]
fn output_is_the_same_bytes_with_one_or_two_threads() {
    let fx = Fixture::new();
    scan_seeds(&fx, "one", &["--threads", "1", "--quiet"]).assert_code(0);
    scan_seeds(&fx, "two", &["--threads", "2", "--quiet"]).assert_code(0);
    let mut nonempty = BTreeSet::new();
    for file in ["documents.jsonl", "pairs.jsonl", "families.jsonl"] {
        let one = std::fs::read(fx.join(&format!("one/{file}"))).unwrap();
        let two = std::fs::read(fx.join(&format!("two/{file}"))).unwrap();
        assert!(
            one == two,
            "{file} differs between --threads 1 and --threads 2"
        );
        if !one.is_empty() {
            nonempty.insert(file);
        }
    }
    // The comparison was of real output.
    assert!(nonempty.contains("documents.jsonl") && nonempty.contains("pairs.jsonl"));
    // And a third run gives the same again.
    scan_seeds(&fx, "three", &["--quiet"]).assert_code(0);
    for file in ["documents.jsonl", "pairs.jsonl", "families.jsonl"] {
        let one = std::fs::read(fx.join(&format!("one/{file}"))).unwrap();
        let three = std::fs::read(fx.join(&format!("three/{file}"))).unwrap();
        assert!(one == three, "{file} differs between runs");
    }
}

#[test]
fn threads_zero_is_a_usage_error() {
    let fx = Fixture::new();
    let run = scan_seeds(&fx, "out", &["--threads", "0"]);
    run.assert_code(2);
    assert!(run.stderr.contains("--threads"), "{}", run.stderr);
    assert!(
        !fx.join("out").exists(),
        "nothing is written on a usage error"
    );
}

/// Scanning the folder that holds the last scan's results (`cd corpus &&
/// unspun scan .`, whose default `--out` is `results/`) reads the articles
/// only, not the results nor the report.
#[test]
fn a_second_scan_of_a_folder_does_not_read_the_first_ones_results() {
    let fx = Fixture::new();
    for entry in std::fs::read_dir(seeds_dir()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        fx.write(&name, std::fs::read(&path).unwrap());
    }
    let scan = || {
        fx.run(&["scan", ".", "--no-meaning", "-q", "--report", "report.html"])
            .assert_code(0);
        read_json(&fx.join("results/summary.json"))
    };
    let first = scan();
    let second = scan();
    assert_eq!(second["documents"], 5);
    assert_eq!(second["warnings"], 0);
    assert_eq!(first["pairs"], second["pairs"]);
}

/// Two independent reports of one event (seeds 003 and 004), each
/// syndicated to six outlets: every copy's nearest documents in meaning are
/// its own copies, already candidates by shingles. The search by meaning
/// looks past them, so the two families are linked as one story.
#[test]
fn syndicated_copies_do_not_hide_the_same_story_from_the_search_by_meaning() {
    let fx = Fixture::new();
    let mut jsonl = String::new();
    for (prefix, outlet) in [("003", "ap"), ("004", "rt")] {
        let text = seed_text(prefix);
        for n in 1..=6 {
            let copy = format!("{text}\n\nRepublished by partner outlet number {n}.\n");
            let line = serde_json::json!({"id": format!("{outlet}-{n}"), "text": copy});
            jsonl.push_str(&format!("{line}\n"));
        }
    }
    fx.write("wires.jsonl", jsonl);
    fx.run(&["scan", "wires.jsonl", "--out", "out", "-q"])
        .assert_code(0);
    let pairs = read_jsonl(&fx.join("out/pairs.jsonl"));
    let across = |p: &&Value| str_field(p, "a")[..2] != str_field(p, "b")[..2];
    let linked: Vec<&Value> = pairs.iter().filter(across).collect();
    assert!(
        linked.len() >= 30,
        "{} pairs between the families",
        linked.len()
    );
    assert!(linked
        .iter()
        .all(|p| str_field(p, "relation") == "same_story"));
    let stories = read_jsonl(&fx.join("out/stories.jsonl"));
    assert_eq!(stories.len(), 1, "{stories:?}");
    assert_eq!(stories[0]["size"], 12);
}
