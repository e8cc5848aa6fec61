//! `unspun dedup`: one copy of each text is kept, the rest is accounted for.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod util;

use serde_json::{json, Value};
use util::{
    article, near_copy, other_article, parse_jsonl, read_jsonl, seed_text, seeds_dir, str_field,
    Fixture,
};

fn ids(lines: &[Value]) -> Vec<&str> {
    lines.iter().map(|l| str_field(l, "id")).collect()
}

fn record(id: &str, text: &str, date: Option<&str>) -> String {
    let mut r = json!({"id": id, "text": text});
    if let Some(d) = date {
        r["date"] = json!(d);
    }
    serde_json::to_string(&r).unwrap()
}

/// A corpus with one copy of each kind: an article (`original`), its first
/// half undated (`mirror`), a later near-copy of it, its second half dated
/// earlier (`excerpt`) that a longer page also quotes whole, a piece quoting
/// one paragraph, and an independent report.
fn corpus(fx: &Fixture) -> std::path::PathBuf {
    let page = format!("{}\n{}", other_article(), seed_text("004"));
    let quote = format!(
        "{}\n\nAs the BBC put it: {}\n",
        seed_text("000").trim(),
        article().split("\n\n").nth(1).unwrap()
    );
    let lines = [
        record("mirror", &article(), None),
        record(
            "copy",
            &near_copy(&format!("{}\n{}", article(), other_article())),
            Some("2023-03-18"),
        ),
        record(
            "original",
            &format!("{}\n{}", article(), other_article()),
            Some("2023-03-17"),
        ),
        record("excerpt", &other_article(), Some("2023-03-16")),
        record("page", &page, Some("2023-03-19")),
        record("quote", &quote, None),
        record("independent", &seed_text("003"), None),
    ];
    fx.write("corpus.jsonl", lines.join("\n") + "\n")
}

#[test]
fn keeps_one_copy_of_each_text_and_says_why_the_rest_went() {
    let fx = Fixture::new();
    let input = corpus(&fx);
    let run = fx.run(&[
        "dedup".as_ref(),
        input.as_os_str(),
        "--dropped".as_ref(),
        "dropped.jsonl".as_ref(),
        "-q".as_ref(),
    ]);
    run.assert_code(0);
    let kept = parse_jsonl(&run.stdout);
    // The earliest of the copies, which also holds the excerpt, the page
    // that quotes the excerpt, and the pieces that only share a passage or
    // nothing.
    assert_eq!(ids(&kept), ["original", "page", "quote", "independent"]);
    let original = &kept[0];
    assert_eq!(
        str_field(original, "text"),
        format!("{}\n{}", article(), other_article())
    );
    assert_eq!(str_field(original, "date"), "2023-03-17");
    // The way back to the input record.
    assert!(
        str_field(original, "path").ends_with("corpus.jsonl:3"),
        "{original}"
    );
    assert_eq!(original["copies"], 3);
    assert_eq!(kept[1]["copies"], 0);
    assert_eq!(kept[2]["copies"], 0);
    assert!(kept[2].get("date").is_none(), "no date is not a null date");

    let dropped = read_jsonl(&fx.join("dropped.jsonl"));
    let why: Vec<(&str, &str, &str)> = dropped
        .iter()
        .map(|d| {
            (
                str_field(d, "id"),
                str_field(d, "kept"),
                str_field(d, "relation"),
            )
        })
        .collect();
    assert_eq!(
        why,
        [
            ("mirror", "original", "containment"),
            ("copy", "original", "near_duplicate"),
            // Inside both the original and the page: the first to keep wins.
            ("excerpt", "original", "containment"),
        ]
    );
    for d in &dropped {
        assert_eq!(d["of"], d["kept"]);
        let containment = d["containment"].as_f64().unwrap();
        assert!(containment > 0.8, "{d}");
    }
    assert!(
        run.stderr.contains("Kept 4 of 7 documents"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("dropped 3 (2 containment, 1 near_duplicate)"),
        "{}",
        run.stderr
    );
}

#[test]
fn excerpts_stay_with_keep_contained_and_ids_only_lists_ids() {
    let fx = Fixture::new();
    let input = corpus(&fx);
    let run = fx.run(&[
        "dedup".as_ref(),
        input.as_os_str(),
        "--keep-contained".as_ref(),
        "--ids-only".as_ref(),
        "-q".as_ref(),
    ]);
    run.assert_code(0);
    let listed: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        listed,
        [
            "mirror",
            "original",
            "excerpt",
            "page",
            "quote",
            "independent"
        ]
    );
}

#[test]
fn the_seeds_share_passages_and_meaning_but_none_is_a_copy() {
    let fx = Fixture::new();
    let run = fx.run(&["dedup".as_ref(), seeds_dir().as_os_str(), "-q".as_ref()]);
    run.assert_code(0);
    let kept = parse_jsonl(&run.stdout);
    assert_eq!(kept.len(), 5);
    for k in &kept {
        let id = str_field(k, "id");
        let file = std::fs::read_to_string(seeds_dir().join(id)).unwrap();
        assert_eq!(str_field(k, "text"), file, "{id} is written as read");
        assert_eq!(k["copies"], 0);
    }
    // Twice the same bytes.
    let again = fx.run(&["dedup".as_ref(), seeds_dir().as_os_str(), "-q".as_ref()]);
    assert_eq!(again.stdout, run.stdout);
}

#[test]
fn strip_boilerplate_writes_the_reporting_without_the_scrapers_junk() {
    let fx = Fixture::new();
    let out = fx.join("clean.jsonl");
    fx.run(&[
        "dedup".as_ref(),
        seeds_dir().as_os_str(),
        "--strip-boilerplate".as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
        "-q".as_ref(),
    ])
    .assert_code(0);
    let kept = read_jsonl(&out);
    let bbc = kept
        .iter()
        .find(|k| str_field(k, "id").starts_with("002"))
        .unwrap();
    let text = str_field(bbc, "text");
    assert!(
        text.starts_with("China’s Xi to meet Putin in Moscow next week"),
        "{text}"
    );
    assert!(text.contains("The Kremlin said they would discuss a “comprehensive partnership"));
    for junk in [
        "We do not claim legitimacy, ownership or copyright",
        "Zlatý oříšek",
        "Dos medias verdades",
        "Donate Now",
    ] {
        assert!(!text.contains(junk), "`{junk}` should be stripped");
    }
    assert!(
        !text.contains("\n\n\n"),
        "no run of blank lines is left behind"
    );
}

#[test]
fn a_bad_output_path_fails_before_the_scan_and_a_bad_input_is_skipped() {
    let fx = Fixture::new();
    let input = corpus(&fx);
    let run = fx.run(&[
        "dedup".as_ref(),
        input.as_os_str(),
        "--out".as_ref(),
        "no/such/dir/kept.jsonl".as_ref(),
    ]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("no/such/dir/kept.jsonl"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("Kept"), "{}", run.stderr);

    let run = fx.run(&[
        "dedup".as_ref(),
        input.as_os_str(),
        "missing.jsonl".as_ref(),
        "--ids-only".as_ref(),
        "-q".as_ref(),
    ]);
    run.assert_code(1);
    assert_eq!(run.stdout.lines().count(), 4);
    assert!(run.stderr.contains("missing.jsonl"), "{}", run.stderr);
    assert!(
        run.stderr.contains("Skipped 1 input (1 unreadable)"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_input_named_as_the_output_is_refused_untouched() {
    let fx = Fixture::new();
    let input = corpus(&fx);
    let before = std::fs::read(&input).unwrap();
    let run = fx.run(&[
        "dedup".as_ref(),
        input.as_os_str(),
        "--out".as_ref(),
        "./corpus.jsonl".as_ref(),
    ]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("is both an input and an output"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read(&input).unwrap(), before);

    // Written inside the folder being read, the outputs are not read back.
    let run = fx.run(&[
        "dedup",
        ".",
        "--out",
        "kept.jsonl.gz",
        "--dropped",
        "dropped.jsonl",
        "-q",
    ]);
    run.assert_code(0);
    assert!(
        run.stderr.contains("Kept 4 of 7 documents"),
        "{}",
        run.stderr
    );
    let mut kept = String::new();
    use std::io::Read;
    flate2::read::GzDecoder::new(std::fs::File::open(fx.join("kept.jsonl.gz")).unwrap())
        .read_to_string(&mut kept)
        .unwrap();
    assert_eq!(
        ids(&parse_jsonl(&kept)),
        ["original", "page", "quote", "independent"]
    );
    assert_eq!(read_jsonl(&fx.join("dropped.jsonl")).len(), 3);
}

#[test]
fn keep_first_lets_the_input_order_decide() {
    let fx = Fixture::new();
    let input = corpus(&fx);
    let kept = |keep: &str| {
        let run = fx.run(&[
            "dedup".as_ref(),
            input.as_os_str(),
            "--keep".as_ref(),
            keep.as_ref(),
            "--ids-only".as_ref(),
            "-q".as_ref(),
        ]);
        run.assert_code(0);
        run.stdout.lines().map(str::to_string).collect::<Vec<_>>()
    };
    // The near-copy is read before the original, dated a day earlier.
    assert_eq!(kept("first"), ["copy", "page", "quote", "independent"]);
    assert_eq!(
        kept("earliest"),
        ["original", "page", "quote", "independent"]
    );
    let run = fx.run(&[
        "dedup".as_ref(),
        input.as_os_str(),
        "--keep".as_ref(),
        "latest".as_ref(),
    ]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("expected earliest, longest or first"),
        "{}",
        run.stderr
    );
}

#[test]
fn records_are_written_as_their_input_lines_with_every_field() {
    let fx = Fixture::new();
    let text = article();
    let own = |id: &str, t: &str, extra: Value| {
        let mut r = json!({"id": id, "text": t, "author": {"name": "Ann Léa"}});
        r["extra"] = extra;
        serde_json::to_string(&r).unwrap()
    };
    let lines = [
        own("a", &text, json!(["first", 1])),
        own(
            "b",
            &near_copy(&format!("{text}\n{}", other_article())),
            json!(null),
        ),
        own(
            "c",
            &format!("{text}\n{}", other_article()),
            json!({"k": true}),
        ),
    ];
    // CRLF line ends, gzipped: the lines come back without their break.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, (lines.join("\r\n") + "\r\n").as_bytes()).unwrap();
    fx.write("in/feed.jsonl.gz", gz.finish().unwrap());
    // A saved API response on one line: its article is no line of its own.
    let response = json!({"status": "ok", "articles": [{"url": "u1", "text": seed_text("003")}]});
    fx.write("in/responses.jsonl", format!("{response}\n"));
    fx.write("in/note.txt", seed_text("004"));

    let run = fx.run(&["dedup", "in", "--records", "-q"]);
    run.assert_code(0);
    let out: Vec<&str> = run.stdout.lines().collect();
    // `a` lies inside `c`, and `b` is a near-copy of `c`: `c` is kept as read.
    assert_eq!(out[0], lines[2]);
    assert_eq!(out.len(), 3, "{}", run.stdout);
    let rest = parse_jsonl(&(out[1..].join("\n") + "\n"));
    assert_eq!(ids(&rest), ["note.txt", "responses.jsonl:1"]);
    assert_eq!(str_field(&rest[1], "text"), seed_text("003"));
    assert!(
        run.stderr.contains("Kept 3 of 5 documents"),
        "{}",
        run.stderr
    );

    let both = fx.run(&["dedup", "in", "--records", "--ids-only"]);
    both.assert_code(2);
}
