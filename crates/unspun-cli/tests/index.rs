//! `unspun index add|query|stats` with the meaning layer (the default): the
//! spun rewrite is found as a paraphrase of the BBC report as it arrives.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod util;

use util::{seed_path, seeds_dir, Fixture};

fn lines(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn seeds_added_to_an_index_are_matched_by_meaning_and_queried() {
    let fx = Fixture::new();
    let seeds = seeds_dir();
    let run = fx.run(&[
        "index".as_ref(),
        "add".as_ref(),
        "--index".as_ref(),
        "idx".as_ref(),
        seeds.as_os_str(),
    ]);
    run.assert_code(0);
    let added = lines(&run.stdout);
    assert_eq!(added.len(), 5);
    let pairs: usize = added
        .iter()
        .map(|d| d["pairs"].as_array().unwrap().len())
        .sum();
    assert!(
        run.stderr.contains("unspun: added 5 documents in ")
            && run
                .stderr
                .contains(&format!(": {pairs} pairs; 0 refused, 0 input problems")),
        "{}",
        run.stderr
    );
    let relations: Vec<(String, String, String)> = added
        .iter()
        .flat_map(|d| d["pairs"].as_array().unwrap().clone())
        .map(|p| {
            let s = |k: &str| p[k].as_str().unwrap()[..3].to_string();
            (s("a"), s("b"), s("relation"))
        })
        .collect();
    assert!(
        relations.contains(&("000".into(), "002".into(), "par".into())),
        "{relations:?}"
    );
    assert!(
        relations.contains(&("003".into(), "004".into(), "sam".into())),
        "{relations:?}"
    );

    // A query neither stores nor changes anything.
    let bbc = seed_path("002");
    let q = fx.run(&[
        "index".as_ref(),
        "query".as_ref(),
        "--index".as_ref(),
        "idx".as_ref(),
        bbc.as_os_str(),
    ]);
    q.assert_code(0);
    let hits = lines(&q.stdout);
    assert!(hits[0]["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["relation"] == "duplicate"));
    let stats = fx.run(&["index", "stats", "--index", "idx"]);
    stats.assert_code(0);
    let stats: serde_json::Value = serde_json::from_str(&stats.stdout).unwrap();
    assert_eq!(stats["documents"], 5, "{stats}");

    // Lexical only: no paraphrase, no same_story.
    let run = fx.run(&[
        "index".as_ref(),
        "add".as_ref(),
        "--index".as_ref(),
        "lex".as_ref(),
        seeds.as_os_str(),
        "--no-meaning".as_ref(),
    ]);
    run.assert_code(0);
    assert!(!run.stdout.contains("\"paraphrase\"") && !run.stdout.contains("\"same_story\""));
}

/// The index reads stories as `scan` does: the lead tier only with
/// `--lead-tier`. Two reports of a rail strike (one on the trains, one on
/// the airports) are an uncertain story for the first tier; the lead tier,
/// reading their leads, decides against it.
#[test]
fn the_index_runs_the_lead_tier_only_when_asked_as_scan_does() {
    let fx = Fixture::new();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/rail_strike")
        .display()
        .to_string();
    // Relation and scores of each pair, as `a b relation scores`.
    let brief =
        |p: &serde_json::Value| format!("{} {} {} {}", p["a"], p["b"], p["relation"], p["scores"]);
    let scan = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["scan", dir.as_str(), "-q", "--out", "out"];
        args.extend(extra);
        fx.run(&args).assert_code(0);
        util::read_jsonl(&fx.join("out/pairs.jsonl"))
            .iter()
            .map(brief)
            .collect()
    };
    let index = |name: &str, extra: &[&str]| -> Vec<String> {
        let mut args = vec!["index", "add", "--index", name, dir.as_str()];
        args.extend(extra);
        let run = fx.run(&args);
        run.assert_code(0);
        lines(&run.stdout)
            .iter()
            .flat_map(|d| d["pairs"].as_array().unwrap().clone())
            .map(|p| brief(&p))
            .collect()
    };
    let scanned = scan(&[]);
    assert_eq!(scanned.len(), 1, "{scanned:?}");
    assert!(scanned[0].contains("\"same_story\""), "{scanned:?}");
    assert_eq!(index("plain", &[]), scanned);
    assert_eq!(scan(&["--lead-tier"]), Vec::<String>::new());
    assert_eq!(index("lead", &["--lead-tier"]), Vec::<String>::new());
}
