//! `unspun compare`: two articles (JSON and human-readable), and batches of
//! pairs with `--pairs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod util;

use serde_json::{json, Value};
use std::ffi::OsStr;
use util::{
    article, near_copy, other_article, parse_jsonl, range, seed_paragraphs, seed_path, seed_text,
    slice, words, Fixture, Run,
};

const JUNIOR: &str = "finds itself increasingly in the role of junior partner";

fn compare_seeds(fx: &Fixture, a: &str, b: &str, extra: &[&str]) -> Run {
    let (pa, pb) = (seed_path(a), seed_path(b));
    let mut args: Vec<&OsStr> = vec![OsStr::new("compare"), pa.as_os_str(), pb.as_os_str()];
    args.extend(extra.iter().map(OsStr::new));
    fx.run(&args)
}

/// The one JSON line `compare --json` prints.
fn json_line(run: &Run) -> Value {
    let lines = parse_jsonl(&run.stdout);
    assert_eq!(lines.len(), 1, "{}", run.stdout);
    lines.into_iter().next().unwrap()
}

/// Share of `a`'s words that also occur in `b` (set membership, not counts).
fn word_overlap(a: &str, b: &str) -> f64 {
    let (wa, wb) = (words(a), words(b));
    let set: std::collections::HashSet<&String> = wb.iter().collect();
    wa.iter().filter(|w| set.contains(w)).count() as f64 / wa.len().max(1) as f64
}

#[test]
fn json_for_two_seed_files_shows_the_reused_bbc_passages() {
    let fx = Fixture::new();
    let run = compare_seeds(&fx, "001", "002", &["--json"]);
    run.assert_code(0);
    assert!(!run.stderr.contains("skipped"), "{}", run.stderr);
    let c = json_line(&run);
    assert_eq!(c["relation"], "reuse");
    assert!(c["source"].is_null());
    assert!(c.get("id").is_none(), "no id for a single pair: {c}");
    let (t1, t2) = (seed_text("001"), seed_text("002"));
    let passages = c["passages"].as_array().unwrap();
    assert!(!passages.is_empty());
    for q in passages {
        let (a, b) = (slice(&t1, &q["a"]), slice(&t2, &q["b"]));
        // Equal-ish: the same sentences with an edit or two.
        assert!(
            word_overlap(a, b) > 0.85 && word_overlap(b, a) > 0.85,
            "{a:?}\nvs\n{b:?}"
        );
        assert_eq!(words(a).first(), words(b).first());
        assert_eq!(words(a).last(), words(b).last());
    }
    assert!(passages
        .iter()
        .any(|q| slice(&t1, &q["a"]).contains(JUNIOR) && slice(&t2, &q["b"]).contains(JUNIOR)));
    let s = &c["scores"];
    let (ca, cb) = (
        s["coverage_a"].as_f64().unwrap(),
        s["coverage_b"].as_f64().unwrap(),
    );
    // 001 is the shorter text: more of it is inside the passages.
    assert!(ca > cb && cb > 0.0, "{s}");
    assert!(s["lexical"].as_f64().unwrap() < 0.5, "{s}");
}

#[test]
fn swapping_the_files_mirrors_the_result() {
    let fx = Fixture::new();
    let ab = json_line(compare_seeds(&fx, "001", "002", &["--json"]).assert_code(0));
    let ba = json_line(compare_seeds(&fx, "002", "001", &["--json"]).assert_code(0));
    assert_eq!(ab["relation"], ba["relation"]);
    let (sa, sb) = (&ab["scores"], &ba["scores"]);
    assert_eq!(sa["lexical"], sb["lexical"]);
    assert_eq!(sa["coverage_a"], sb["coverage_b"]);
    assert_eq!(sa["containment_a_in_b"], sb["containment_b_in_a"]);
    let flip = |v: &Value| -> Vec<((usize, usize), (usize, usize))> {
        let mut out: Vec<_> = v["passages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| (range(&q["a"]), range(&q["b"])))
            .collect();
        out.sort();
        out
    };
    let mirrored: Vec<_> = {
        let mut m: Vec<_> = flip(&ba).into_iter().map(|(a, b)| (b, a)).collect();
        m.sort();
        m
    };
    assert_eq!(flip(&ab), mirrored);
}

#[test]
fn human_output_names_the_relation_and_lists_the_passages() {
    let fx = Fixture::new();
    let json = json_line(compare_seeds(&fx, "001", "002", &["--json"]).assert_code(0));
    let run = compare_seeds(&fx, "001", "002", &[]);
    run.assert_code(0);
    let out = &run.stdout;
    assert!(out.contains("relation: reuse"), "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("A: ") && lines[0].ends_with("001_5b3ff33e69876255.txt"),
        "{out}"
    );
    assert!(
        lines[1].starts_with("B: ") && lines[1].ends_with("002_4156b6fe17ca2892.txt"),
        "{out}"
    );
    let passages = json["passages"].as_array().unwrap();
    assert!(
        out.contains(&format!("passages: {}", passages.len())),
        "{out}"
    );
    // The same byte ranges as the JSON, with a snippet of each side.
    for q in passages {
        let ((a0, a1), (b0, b1)) = (range(&q["a"]), range(&q["b"]));
        assert!(
            out.contains(&format!("A[{a0}..{a1}] B[{b0}..{b1}]")),
            "{out}"
        );
    }
    assert!(
        out.contains("    A: the Chinese leader is going to Russia"),
        "{out}"
    );
    assert!(
        out.contains("    B: As for the declared partnership between Moscow and Beijing"),
        "{out}"
    );
    let lexical = json["scores"]["lexical"].as_f64().unwrap();
    assert!(out.contains(&format!("lexical {lexical:.3}")), "{out}");
}

#[test]
fn keep_boilerplate_counts_the_page_furniture() {
    let fx = Fixture::new();
    let clean = json_line(compare_seeds(&fx, "001", "002", &["--json"]).assert_code(0));
    let kept = json_line(
        compare_seeds(&fx, "001", "002", &["--json", "--keep-boilerplate"]).assert_code(0),
    );
    // The shared passages are the same; 002's teasers and notices now dilute
    // its coverage and the overall similarity.
    assert_eq!(clean["passages"], kept["passages"]);
    let cov = |v: &Value, k: &str| v["scores"][k].as_f64().unwrap();
    assert!(
        cov(&kept, "coverage_b") < cov(&clean, "coverage_b"),
        "{clean}\n{kept}"
    );
    assert!(
        cov(&kept, "lexical") < cov(&clean, "lexical"),
        "{clean}\n{kept}"
    );
}

#[test]
fn independent_reports_are_not_copies() {
    // 003 is an independent report (AP) of the same visit as 002.
    let fx = Fixture::new();
    let c = json_line(compare_seeds(&fx, "003", "002", &["--json"]).assert_code(0));
    assert_ne!(c["relation"], "reuse");
    assert_ne!(c["relation"], "duplicate");
    assert_ne!(c["relation"], "near_duplicate");
    assert_ne!(c["relation"], "containment");
}

#[test]
fn compare_with_a_missing_file_is_an_error_naming_it() {
    let fx = Fixture::new();
    fx.write("a.txt", article());
    let run = fx.run(&["compare", "a.txt", "missing.txt"]);
    run.assert_code(2);
    assert!(run.stderr.contains("missing.txt"), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

#[test]
fn an_empty_file_is_compared_as_an_empty_text_with_a_note() {
    let fx = Fixture::new();
    fx.write("a.txt", article());
    fx.write("empty.txt", " \n\n  \n");
    let run = fx.run(&["compare", "a.txt", "empty.txt", "--json"]);
    run.assert_code(0);
    let c = json_line(&run);
    assert_eq!(c["relation"], "unrelated");
    assert_eq!(c["note"], "empty");
    assert!(c["scores"]["semantic"].is_null(), "{c}");
    assert!(run.stderr.contains("empty.txt"), "{}", run.stderr);
    let human = fx.run(&["compare", "empty.txt", "a.txt"]);
    human.assert_code(0);
    assert!(human.stdout.contains("no words"), "{}", human.stdout);
}

/// Three good pairs around a blank line, then a malformed line (line 5).
fn pairs_file() -> String {
    let same = article();
    let text = other_article();
    let unrelated_a = seed_paragraphs("002")
        .into_iter()
        .find(|p| p.starts_with("Crucially, China is coming off the back"))
        .unwrap();
    let unrelated_b = seed_paragraphs("002")
        .into_iter()
        .find(|p| p.starts_with("Zlatý oříšek je soutěž"))
        .unwrap();
    [
        json!({"id": "same", "a": same, "b": same}).to_string(),
        json!({"id": "edited", "a": text, "b": near_copy(&text)}).to_string(),
        String::new(),
        json!({"id": 3, "a": unrelated_a, "b": unrelated_b}).to_string(),
        r#"{"id": "broken", "a": "The Kremlin said", "b": "#.to_string(),
    ]
    .join("\n")
        + "\n"
}

fn check_batch(run: &Run, label: &str, input: &str) {
    run.assert_code(1);
    let lines = parse_jsonl(&run.stdout);
    let ids: Vec<&Value> = lines.iter().map(|l| &l["id"]).collect();
    assert_eq!(
        ids,
        [&json!("same"), &json!("edited"), &json!(3)],
        "{}",
        run.stdout
    );
    let relations: Vec<&str> = lines
        .iter()
        .map(|l| l["relation"].as_str().unwrap())
        .collect();
    assert_eq!(relations, ["duplicate", "near_duplicate", "unrelated"]);
    assert!(run.stderr.contains(&format!("{label}:5")), "{}", run.stderr);
    assert!(run.stderr.contains("malformed_json"), "{}", run.stderr);

    // Passages are byte ranges into the texts given.
    let inputs: Vec<Value> = input
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert_eq!(inputs.len(), 3);
    for (line, given) in lines.iter().zip(&inputs) {
        let (a, b) = (given["a"].as_str().unwrap(), given["b"].as_str().unwrap());
        for q in line["passages"].as_array().unwrap() {
            let (sa, sb) = (slice(a, &q["a"]), slice(b, &q["b"]));
            assert!(word_overlap(sa, sb) > 0.85, "{sa:?} vs {sb:?}");
        }
    }
    // The identical pair: one passage over (nearly) all the text, same bytes.
    let same = &lines[0];
    assert_eq!(same["scores"]["lexical"], 1.0);
    let text = inputs[0]["a"].as_str().unwrap();
    let p = same["passages"].as_array().unwrap();
    assert_eq!(p.len(), 1, "{same}");
    assert_eq!(p[0]["a"], p[0]["b"]);
    assert!(
        slice(text, &p[0]["a"]).len() * 100 >= text.trim().len() * 98,
        "{same}"
    );
    // The edited copy: similar but not a duplicate; every word change inside one passage.
    let edited = &lines[1];
    let lexical = edited["scores"]["lexical"].as_f64().unwrap();
    assert!((0.5..0.9).contains(&lexical), "{edited}");
    assert!(
        edited["scores"]["coverage_a"].as_f64().unwrap() >= 0.8,
        "{edited}"
    );
    // The unrelated pair shares nothing.
    assert_eq!(lines[2]["passages"], json!([]));
    assert!(lines[2]["source"].is_null());
}

#[test]
fn batch_of_pairs_from_a_file() {
    let fx = Fixture::new();
    let input = pairs_file();
    fx.write("pairs.jsonl", &input);
    let run = fx.run(&["compare", "--pairs", "pairs.jsonl"]);
    check_batch(&run, "pairs.jsonl", &input);
}

#[test]
fn batch_of_pairs_from_stdin() {
    let fx = Fixture::new();
    let input = pairs_file();
    let run = fx.run_stdin(&["compare", "--pairs", "-"], input.as_bytes());
    check_batch(&run, "-", &input);
}

#[test]
fn batch_without_problems_exits_0_and_missing_batch_file_exits_2() {
    let fx = Fixture::new();
    let text = article();
    fx.write("ok.jsonl", json!({"a": text, "b": text}).to_string() + "\n");
    let run = fx.run(&["compare", "--pairs", "ok.jsonl"]);
    run.assert_code(0);
    let lines = parse_jsonl(&run.stdout);
    assert_eq!(lines.len(), 1);
    assert!(
        lines[0].get("id").is_none(),
        "no id given, none written: {}",
        lines[0]
    );
    assert_eq!(lines[0]["relation"], "duplicate");

    let run = fx.run(&["compare", "--pairs", "nope.jsonl"]);
    run.assert_code(2);
    assert!(run.stderr.contains("nope.jsonl"), "{}", run.stderr);

    // --pairs and two files do not go together.
    fx.write("b.txt", &text);
    let run = fx.run(&["compare", "b.txt", "b.txt", "--pairs", "ok.jsonl"]);
    run.assert_code(2);
}

#[test]
fn batch_dates_decide_the_source_as_dates() {
    let fx = Fixture::new();
    let text = article();
    // As text, "17 March 2023" sorts before "2023-03-16"; as a date, after.
    let lines = [
        json!({"id": 1, "a": text, "b": text, "date_a": "17 March 2023", "date_b": "2023-03-16"}),
        json!({"id": 2, "a": text, "b": text, "date_a": "03/04/2023", "date_b": "2023-03-20"}),
        json!({"id": 3, "a": text, "b": text, "date_a": "2023-03-16"}),
    ];
    let input: String = lines.iter().map(|l| l.to_string() + "\n").collect();
    fx.write("dated.jsonl", &input);
    let run = fx.run(&["compare", "--pairs", "dated.jsonl", "--no-meaning"]);
    run.assert_code(0);
    let sources: Vec<Value> = parse_jsonl(&run.stdout)
        .iter()
        .map(|l| l["source"].clone())
        .collect();
    // 03/04/2023 could be day or month first: left empty, with a warning.
    assert_eq!(sources, [json!("b"), Value::Null, Value::Null]);
    assert!(
        run.stderr
            .contains("dated.jsonl:2: bad_date (warning): date_a"),
        "{}",
        run.stderr
    );
    let args = [
        "compare",
        "--pairs",
        "dated.jsonl",
        "--no-meaning",
        "--date-order",
        "dmy",
    ];
    let run = fx.run(&args);
    let sources: Vec<Value> = parse_jsonl(&run.stdout)
        .iter()
        .map(|l| l["source"].clone())
        .collect();
    assert_eq!(sources, [json!("b"), json!("b"), Value::Null]);
}

/// The relation of a pair does not depend on which side is given first.
/// The aligner once dropped every shingle found more than 8 times in `a`
/// (it now matches their first occurrences), so a text that repeats its
/// content many times found no passage as `a` but a full one as `b`.
#[test]
fn relation_does_not_depend_on_argument_order_for_repeated_text() {
    let fx = Fixture::new();
    // Six paragraphs of seed 002, twenty times over, against all of 002.
    fx.write("repeated.txt", article().repeat(20));
    let seed = seed_path("002");
    let (rep, s) = (OsStr::new("repeated.txt"), seed.as_os_str());
    let ab = json_line(
        fx.run(&[OsStr::new("compare"), rep, s, OsStr::new("--json")])
            .assert_code(0),
    );
    let ba = json_line(
        fx.run(&[OsStr::new("compare"), s, rep, OsStr::new("--json")])
            .assert_code(0),
    );
    assert_eq!(ab["scores"]["lexical"], ba["scores"]["lexical"]);
    assert_eq!(
        ab["scores"]["coverage_a"], ba["scores"]["coverage_b"],
        "\n{ab}\n{ba}"
    );
    assert_eq!(ab["relation"], ba["relation"], "\n{ab}\n{ba}");
}
