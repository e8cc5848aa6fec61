//! `unspun scan` on bad input: every problem is reported with its source,
//! the good input is still used, and the exit code says whether anything
//! was skipped (1) or the command itself was wrong (2).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod util;

use serde_json::{json, Value};
use util::{
    article, doc, near_copy, other_article, read_json, read_jsonl, seed_paragraphs, seed_path,
    slice, str_field, Fixture,
};

/// Real text with one invalid byte (0xFF) in the middle; returns the bytes
/// and the offset of the bad byte.
fn broken_utf8() -> (Vec<u8>, usize) {
    let text = other_article();
    let cut = text.find("Last month Xi published").unwrap();
    let mut bytes = text.as_bytes()[..cut].to_vec();
    let at = bytes.len();
    bytes.push(0xff);
    bytes.extend_from_slice(&text.as_bytes()[cut..]);
    (bytes, at)
}

/// Bytes that are plainly not text: a zip-like header with NULs.
fn binary() -> Vec<u8> {
    let mut bytes = b"PK\x03\x04\x14\x00\x00\x00\x08\x00".to_vec();
    for i in 0..2000u32 {
        bytes.push((i * 7 % 256) as u8);
    }
    bytes
}

fn jsonl_line(id: &str, text: &str) -> String {
    serde_json::to_string(&json!({"id": id, "text": text})).unwrap()
}

/// Three lines, the middle one cut short.
fn jsonl_with_bad_line_2() -> String {
    let paras = seed_paragraphs("002");
    format!(
        "{}\n{{\"id\": \"j2\", \"text\": \"The visit comes as Beijing, an ally\n{}\n",
        jsonl_line("j1", &paras[9]),
        jsonl_line("j3", &paras[12]),
    )
}

// --- a tiny gzip writer (stored deflate blocks), for WARC.gz fixtures ---

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A valid gzip member holding `data` uncompressed (stored blocks).
fn gzip_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    let chunks: Vec<&[u8]> = if data.is_empty() {
        vec![&[][..]]
    } else {
        data.chunks(65_535).collect()
    };
    for (i, chunk) in chunks.iter().enumerate() {
        let last = i + 1 == chunks.len();
        out.push(u8::from(last));
        let len = chunk.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    out.extend_from_slice(&crc32(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

/// A WARC response record with an HTML page made of `paragraphs`.
fn warc_response(uri: &str, title: &str, paragraphs: &[String]) -> Vec<u8> {
    let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>\n")).collect();
    let html = format!(
        "<!DOCTYPE html>\n<html><head><title>{title}</title></head>\n<body><article>\n<h1>{title}</h1>\n{body}</article></body></html>\n"
    );
    let http = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n{html}", html.len());
    let mut record = format!(
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2023-03-17T10:00:00Z\r\n\
         WARC-Record-ID: <urn:uuid:{}>\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
        uri.len(),
        http.len()
    )
    .into_bytes();
    record.extend_from_slice(http.as_bytes());
    record.extend_from_slice(b"\r\n\r\n");
    record
}

/// Two HTML response records; the second is much longer than the first.
fn two_record_warc() -> (Vec<u8>, usize) {
    let p2 = seed_paragraphs("002");
    let p1 = seed_paragraphs("001");
    let first = warc_response(
        "https://news.example/xi-moscow",
        "Xi to meet Putin",
        &p2[4..9],
    );
    let second = warc_response(
        "https://news.example/xi-visit",
        "Xi to visit Russia",
        &p1[5..20],
    );
    let first_len = first.len();
    let mut all = first;
    all.extend_from_slice(&second);
    (all, first_len)
}

fn problems(summary: &Value) -> &Vec<Value> {
    summary["problems"].as_array().unwrap()
}

fn ids(docs: &[Value]) -> Vec<&str> {
    docs.iter().map(|d| str_field(d, "id")).collect()
}

// The runs whose stderr is checked use `--quiet`: without it, problems are
// lost when stderr is not a terminal (the test at the end pins that bug fix).

#[test]
fn a_directory_of_bad_files_keeps_the_good_ones_and_reports_the_rest() {
    let fx = Fixture::new();
    let (broken, _) = broken_utf8();
    let (warc, _) = two_record_warc();
    let gz = gzip_stored(&warc);
    fx.write("in/good.txt", article());
    fx.write("in/broken_utf8.txt", &broken);
    fx.write("in/binary.txt", binary());
    fx.write("in/empty.txt", "");
    fx.write("in/file.jsonl", jsonl_with_bad_line_2());
    fx.write("in/cut.warc.gz", &gz[..gz.len() / 2]);

    let run = fx.run(&["scan", "in", "missing.txt", "--out", "out", "--quiet"]);
    run.assert_code(1);

    // Directory entries in path order, then the next argument.
    let docs = read_jsonl(&fx.join("out/documents.jsonl"));
    assert_eq!(
        ids(&docs),
        [
            "broken_utf8.txt",
            "https://news.example/xi-moscow",
            "j1",
            "j3",
            "good.txt"
        ]
    );

    let summary = read_json(&fx.join("out/summary.json"));
    assert_eq!(summary["documents"], 5);
    assert_eq!(
        summary["skipped_by_kind"],
        json!({"binary": 1, "empty": 1, "malformed_json": 1, "truncated_gzip": 1, "unreadable": 1})
    );
    assert_eq!(summary["skipped"], 5);
    assert_eq!(summary["warnings"], 1);
    let sources: Vec<(&str, &str)> = problems(&summary)
        .iter()
        .map(|p| (str_field(p, "kind"), str_field(p, "source")))
        .collect();
    assert_eq!(
        sources,
        [
            ("binary", "in/binary.txt"),
            ("invalid_utf8", "in/broken_utf8.txt"),
            ("truncated_gzip", "in/cut.warc.gz#2"),
            ("empty", "in/empty.txt"),
            ("malformed_json", "in/file.jsonl:2"),
            ("unreadable", "missing.txt"),
        ]
    );
    for name in [
        "in/binary.txt",
        "in/broken_utf8.txt",
        "in/cut.warc.gz#2",
        "in/empty.txt",
        "in/file.jsonl:2",
        "missing.txt",
    ] {
        assert!(
            run.stderr.contains(name),
            "stderr does not name {name}:\n{}",
            run.stderr
        );
    }
    assert!(run.stdout.contains("Skipped 5 inputs"), "{}", run.stdout);

    // The complete WARC record repeats most of the good article: a copy.
    let pairs = read_jsonl(&fx.join("out/pairs.jsonl"));
    let copy = pairs
        .iter()
        .find(|p| p["a"] == "https://news.example/xi-moscow" && p["b"] == "good.txt")
        .unwrap_or_else(|| panic!("{pairs:?}"));
    assert!(
        ["near_duplicate", "containment"].contains(&str_field(copy, "relation")),
        "{copy}"
    );
    assert_eq!(
        doc(&docs, "good.txt")["family"],
        doc(&docs, "https://news.example/xi-moscow")["family"]
    );
    assert!(doc(&docs, "good.txt")["family"].is_string());
}

#[test]
fn invalid_utf8_is_a_warning_and_the_document_is_kept() {
    let fx = Fixture::new();
    let (bytes, at) = broken_utf8();
    fx.write("in/broken.txt", &bytes);
    let run = fx.run(&["scan", "in", "--out", "out", "--quiet"]);
    // Warnings do not count as skipped input.
    run.assert_code(0);
    let docs = read_jsonl(&fx.join("out/documents.jsonl"));
    assert_eq!(ids(&docs), ["broken.txt"]);
    // The bad byte became U+FFFD (3 bytes) in the text as read.
    assert_eq!(docs[0]["bytes"].as_u64(), Some(bytes.len() as u64 + 2));
    assert!(docs[0]["tokens"].as_u64().unwrap() > 50);

    let summary = read_json(&fx.join("out/summary.json"));
    assert_eq!(summary["skipped"], 0);
    assert!(summary["warnings"].as_u64().unwrap() >= 1);
    let p = &problems(&summary)[0];
    assert_eq!(p["kind"], "invalid_utf8");
    assert_eq!(p["skipped"], false);
    assert!(str_field(p, "source").ends_with("broken.txt"), "{p}");
    assert!(
        str_field(p, "message").contains(&format!("byte {at}")),
        "{p}"
    );
    assert!(
        run.stderr.contains("broken.txt") && run.stderr.contains("invalid_utf8"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("1 warning (nothing skipped)"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_binary_file_named_txt_is_skipped() {
    let fx = Fixture::new();
    fx.write("in/good.txt", article());
    fx.write("in/picture.txt", binary());
    let run = fx.run(&["scan", "in", "--out", "out", "--quiet"]);
    run.assert_code(1);
    assert_eq!(
        ids(&read_jsonl(&fx.join("out/documents.jsonl"))),
        ["good.txt"]
    );
    let summary = read_json(&fx.join("out/summary.json"));
    assert_eq!(summary["skipped_by_kind"], json!({"binary": 1}));
    assert_eq!(summary["skipped"], 1);
    let p = &problems(&summary)[0];
    assert_eq!(
        (p["kind"].as_str(), p["skipped"].as_bool()),
        (Some("binary"), Some(true))
    );
    assert!(
        str_field(p, "message").contains("NUL byte at offset 5"),
        "{p}"
    );
    assert!(run.stderr.contains("in/picture.txt"), "{}", run.stderr);
}

#[test]
fn an_empty_file_is_skipped() {
    let fx = Fixture::new();
    fx.write("in/empty.txt", "");
    fx.write("in/blank.md", " \n\n\t\n");
    fx.write("in/good.txt", article());
    let run = fx.run(&["scan", "in", "--out", "out", "--quiet"]);
    run.assert_code(1);
    assert_eq!(
        ids(&read_jsonl(&fx.join("out/documents.jsonl"))),
        ["good.txt"]
    );
    let summary = read_json(&fx.join("out/summary.json"));
    assert_eq!(summary["skipped_by_kind"], json!({"empty": 2}));
    assert!(
        run.stderr.contains("in/empty.txt") && run.stderr.contains("in/blank.md"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_malformed_jsonl_line_is_skipped_and_its_neighbours_kept() {
    let fx = Fixture::new();
    fx.write("file.jsonl", jsonl_with_bad_line_2());
    let run = fx.run(&["scan", "file.jsonl", "--out", "out", "--quiet"]);
    run.assert_code(1);
    let docs = read_jsonl(&fx.join("out/documents.jsonl"));
    assert_eq!(ids(&docs), ["j1", "j3"]);
    assert_eq!(str_field(doc(&docs, "j1"), "path"), "file.jsonl:1");
    assert_eq!(str_field(doc(&docs, "j3"), "path"), "file.jsonl:3");
    let paras = seed_paragraphs("002");
    assert_eq!(
        doc(&docs, "j3")["bytes"].as_u64(),
        Some(paras[12].len() as u64)
    );
    assert!(run.stderr.contains("file.jsonl:2"), "{}", run.stderr);
    assert!(run.stderr.contains("malformed_json"), "{}", run.stderr);
    let summary = read_json(&fx.join("out/summary.json"));
    assert_eq!(summary["skipped_by_kind"], json!({"malformed_json": 1}));
}

#[test]
fn a_complete_warc_gz_gives_every_record() {
    let fx = Fixture::new();
    let (warc, _) = two_record_warc();
    fx.write("crawl.warc.gz", gzip_stored(&warc));
    let run = fx.run(&["scan", "crawl.warc.gz", "--out", "out"]);
    run.assert_code(0);
    let docs = read_jsonl(&fx.join("out/documents.jsonl"));
    assert_eq!(
        ids(&docs),
        [
            "https://news.example/xi-moscow",
            "https://news.example/xi-visit"
        ]
    );
    assert_eq!(str_field(&docs[0], "path"), "crawl.warc.gz#1");
    assert_eq!(str_field(&docs[1], "path"), "crawl.warc.gz#2");
    assert_eq!(str_field(&docs[0], "site"), "news.example");
    assert_eq!(str_field(&docs[0], "url"), "https://news.example/xi-moscow");
    assert!(
        docs.iter().all(|d| d["tokens"].as_u64().unwrap() > 80),
        "{docs:?}"
    );
    assert_eq!(
        read_json(&fx.join("out/summary.json"))["problems"],
        json!([])
    );
}

#[test]
fn a_truncated_warc_gz_keeps_the_complete_records_and_reports_the_cut() {
    let fx = Fixture::new();
    let (warc, first_len) = two_record_warc();
    let gz = gzip_stored(&warc);
    let half = gz.len() / 2;
    // The cut falls inside the second record: the first is whole.
    assert!(
        first_len + 10 < half && half < warc.len(),
        "{first_len} {half} {}",
        warc.len()
    );
    fx.write("cut.warc.gz", &gz[..half]);
    let run = fx.run(&["scan", "cut.warc.gz", "--out", "out", "--quiet"]);
    run.assert_code(1);
    let docs = read_jsonl(&fx.join("out/documents.jsonl"));
    assert_eq!(ids(&docs), ["https://news.example/xi-moscow"]);
    let summary = read_json(&fx.join("out/summary.json"));
    assert_eq!(summary["skipped_by_kind"], json!({"truncated_gzip": 1}));
    let p = &problems(&summary)[0];
    assert_eq!(str_field(p, "source"), "cut.warc.gz#2");
    assert!(
        run.stderr
            .contains("cut.warc.gz#2: truncated_gzip (skipped)"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_missing_input_is_skipped_with_its_name() {
    let fx = Fixture::new();
    fx.write("good.txt", article());
    let run = fx.run(&[
        "scan",
        "good.txt",
        "no/such/file.txt",
        "--out",
        "out",
        "--quiet",
    ]);
    run.assert_code(1);
    assert!(run.stderr.contains("no/such/file.txt"), "{}", run.stderr);
    assert_eq!(
        ids(&read_jsonl(&fx.join("out/documents.jsonl"))),
        ["good.txt"]
    );
    let summary = read_json(&fx.join("out/summary.json"));
    assert_eq!(summary["skipped_by_kind"], json!({"unreadable": 1}));
    assert_eq!(
        str_field(&problems(&summary)[0], "source"),
        "no/such/file.txt"
    );

    // Only a missing input: nothing to scan, still a partial run, not a crash.
    let run = fx.run(&["scan", "nothing-here.txt", "--out", "out2", "--quiet"]);
    run.assert_code(1);
    assert!(run.stderr.contains("nothing-here.txt"), "{}", run.stderr);
    assert!(read_jsonl(&fx.join("out2/documents.jsonl")).is_empty());
}

#[test]
fn usage_errors_exit_with_2() {
    let fx = Fixture::new();
    fx.write("onlyone.txt", article());

    let run = fx.run(&["scan"]);
    run.assert_code(2);
    assert!(run.stderr.contains("<INPUTS>"), "{}", run.stderr);

    let run = fx.run(&["compare", "onlyone.txt"]);
    run.assert_code(2);
    assert!(run.stderr.contains("two files"), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);

    for bad in ["7", "0", "-0.5", "NaN", "inf"] {
        let flag = format!("--threshold={bad}");
        let run = fx.run(&["scan", "onlyone.txt", flag.as_str(), "--out", "out"]);
        run.assert_code(2);
        assert!(
            run.stderr.contains("threshold"),
            "--threshold {bad}: {}",
            run.stderr
        );
    }
    let run = fx.run(&["scan", "onlyone.txt", "--threshold", "lots", "--out", "out"]);
    run.assert_code(2);

    let run = fx.run(&["scan", "onlyone.txt", "--no-such-flag"]);
    run.assert_code(2);
    let run = fx.run(&["frobnicate"]);
    run.assert_code(2);
    // No usage error wrote any results.
    assert!(!fx.join("out").exists());
    assert!(!fx.join("results").exists());

    // A threshold inside (0, 1] is fine.
    fx.run(&["scan", "onlyone.txt", "--threshold", "1", "--out", "out"])
        .assert_code(0);
}

/// Results that could not be written fail the command before the scan, not
/// after it, with the flag and the path in the message.
#[test]
fn unwritable_destinations_fail_before_the_scan() {
    let fx = Fixture::new();
    fx.write("onlyone.txt", article());
    fx.write("taken", "a file");
    let run = fx.run(&["scan", "onlyone.txt", "--out", "taken", "--no-meaning"]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("--out taken: a file is there"),
        "{}",
        run.stderr
    );
    assert!(!run.stdout.contains("Scanned"), "{}", run.stdout);
    let args = [
        "scan",
        "onlyone.txt",
        "--out",
        "out",
        "--report",
        "nowhere/r.html",
    ];
    let run = fx.run(&args);
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("nowhere/r.html: its folder does not exist"),
        "{}",
        run.stderr
    );
    assert!(!run.stdout.contains("Scanned"), "{}", run.stdout);
    // The report named as an input would overwrite it.
    let run = fx.run(&[
        "scan",
        "onlyone.txt",
        "--out",
        "out",
        "--report",
        "./onlyone.txt",
    ]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("both an input and the report"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(fx.join("onlyone.txt")).unwrap(),
        article()
    );
}

/// A folder with no file unspun reads is reported, not scanned in silence.
#[test]
fn a_folder_with_nothing_to_read_is_reported() {
    let fx = Fixture::new();
    fx.write("feeds/items.xml", "<rss></rss>");
    let run = fx.run(&["scan", "feeds", "--out", "out", "--no-meaning"]);
    run.assert_code(1);
    let summary = read_json(&fx.join("out/summary.json"));
    let problems = problems(&summary);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(str_field(&problems[0], "source"), "feeds");
    assert_eq!(problems[0]["kind"], "empty");
    assert!(run.stderr.contains(".jsonl"), "{}", run.stderr);
}

#[test]
fn a_30_mb_document_scans() {
    let fx = Fixture::new();
    let block = article() + "\n" + &other_article() + "\n";
    let copies = (30 << 20) / block.len() + 1;
    let big = block.repeat(copies);
    assert!(big.len() >= 30 << 20);
    fx.write("big.txt", &big);
    // The big document comes after a seed it repeats parts of.
    let seed = seed_path("002");
    let run = fx.run(&[
        "scan".as_ref(),
        seed.as_os_str(),
        "big.txt".as_ref(),
        "--out".as_ref(),
        "out".as_ref(),
    ]);
    run.assert_code(0);
    assert!(
        !run.stderr.contains("skipped") && !run.stderr.contains("warning"),
        "{}",
        run.stderr
    );

    let docs = read_jsonl(&fx.join("out/documents.jsonl"));
    assert_eq!(docs.len(), 2);
    let d = doc(&docs, "big.txt");
    assert_eq!(d["bytes"].as_u64(), Some(big.len() as u64));
    assert!(d["tokens"].as_u64().unwrap() > 3_000_000, "{}", d["tokens"]);
    let summary = read_json(&fx.join("out/summary.json"));
    assert_eq!(summary["problems"], json!([]));

    // The seed's paragraphs are found inside it, at real offsets.
    let pairs = read_jsonl(&fx.join("out/pairs.jsonl"));
    assert_eq!(pairs.len(), 1, "{pairs:?}");
    let p = &pairs[0];
    assert_eq!(p["b"], "big.txt");
    let seed_text = std::fs::read_to_string(&seed).unwrap();
    let passages = p["passages"].as_array().unwrap();
    let copied = article();
    let copied = copied.trim();
    assert!(
        passages.iter().any(|q| {
            let (a, b) = (slice(&seed_text, &q["a"]), slice(&big, &q["b"]));
            a == b && a.len() * 10 > copied.len() * 9 && copied.contains(a)
        }),
        "no passage holds the copied paragraphs: {p}"
    );
}

#[test]
fn jsonl_on_stdin() {
    let fx = Fixture::new();
    let text = other_article();
    let edited = near_copy(&text);
    let input = format!(
        "{}\n{}\n",
        jsonl_line("wire-1", &text),
        jsonl_line("wire-2", &edited)
    );
    let run = fx.run_stdin(&["scan", "-", "--out", "out"], input.as_bytes());
    run.assert_code(0);
    let docs = read_jsonl(&fx.join("out/documents.jsonl"));
    assert_eq!(ids(&docs), ["wire-1", "wire-2"]);
    assert_eq!(str_field(&docs[0], "path"), "<stdin>:1");
    assert_eq!(str_field(&docs[1], "path"), "<stdin>:2");
    assert_eq!(docs[0]["bytes"].as_u64(), Some(text.len() as u64));
    let pairs = read_jsonl(&fx.join("out/pairs.jsonl"));
    assert_eq!(pairs.len(), 1, "{pairs:?}");
    assert_eq!(
        (pairs[0]["a"].as_str(), pairs[0]["b"].as_str()),
        (Some("wire-1"), Some("wire-2"))
    );
    assert_eq!(pairs[0]["relation"], "near_duplicate");
    let families = read_jsonl(&fx.join("out/families.jsonl"));
    assert_eq!(families.len(), 1);
    assert_eq!(families[0]["members"], json!(["wire-1", "wire-2"]));
    assert_eq!(docs[0]["family"], families[0]["id"]);

    // The same lines gzipped (`curl ... | unspun scan -`) give the same output.
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(input.as_bytes()).unwrap();
    let zipped = encoder.finish().unwrap();
    let run = fx.run_stdin(&["scan", "-", "--out", "out-gz"], &zipped);
    run.assert_code(0);
    for file in ["documents.jsonl", "pairs.jsonl", "families.jsonl"] {
        let read = |dir: &str| std::fs::read(fx.join(&format!("{dir}/{file}"))).unwrap();
        assert_eq!(read("out-gz"), read("out"), "{file}");
    }
}

/// Makes a named pipe at `path` (`mkfifo`).
#[cfg(unix)]
fn named_pipe(path: &std::path::Path) {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo {}", path.display());
}

/// A pipe named on the command line (`unspun scan <(zcat crawl.jsonl.gz)`)
/// is read once, whatever it holds; a pipe inside a folder is reported, not
/// waited on for ever.
#[cfg(unix)]
#[test]
fn named_pipes() {
    use std::io::Write;
    let fx = Fixture::new();
    let text = other_article();
    let input = format!(
        "{}\n{}\n",
        jsonl_line("wire-1", &text),
        jsonl_line("wire-2", &near_copy(&text))
    );
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(input.as_bytes()).unwrap();
    let zipped = encoder.finish().unwrap();
    // No extension, gzipped: its kind is told from its bytes.
    let pipe = fx.join("pipe");
    named_pipe(&pipe);
    let writer = {
        let pipe = pipe.clone();
        std::thread::spawn(move || std::fs::write(pipe, zipped))
    };
    let run = fx.run(&["scan", "pipe", "--out", "out", "--no-meaning"]);
    writer.join().unwrap().unwrap();
    run.assert_code(0);
    let docs = read_jsonl(&fx.join("out/documents.jsonl"));
    assert_eq!(ids(&docs), ["wire-1", "wire-2"]);
    assert_eq!(str_field(&docs[0], "path"), "pipe:1");
    let pairs = read_jsonl(&fx.join("out/pairs.jsonl"));
    assert_eq!(pairs.len(), 1, "{pairs:?}");
    assert_eq!(pairs[0]["relation"], "near_duplicate");

    // In a folder, with no writer: reported and skipped, the rest read.
    fx.write("folder/a.txt", &text);
    named_pipe(&fx.join("folder/b.jsonl"));
    let run = fx.run(&["scan", "folder", "--out", "out2", "--no-meaning"]);
    run.assert_code(1);
    let docs = read_jsonl(&fx.join("out2/documents.jsonl"));
    assert_eq!(ids(&docs), ["a.txt"]);
    let summary = read_json(&fx.join("out2/summary.json"));
    let problems = problems(&summary);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(str_field(&problems[0], "source").ends_with("b.jsonl"));
    assert_eq!(problems[0]["kind"], "unreadable");
    assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);

    // A device is no pipe: `/dev/zero` would never end.
    let run = fx.run(&["scan", "/dev/zero", "--out", "out3", "--no-meaning"]);
    run.assert_code(1);
    assert!(
        run.stderr
            .contains("/dev/zero: unreadable (skipped): a device"),
        "{}",
        run.stderr
    );
}

#[test]
fn stdin_with_other_field_names() {
    let fx = Fixture::new();
    let paras = seed_paragraphs("002");
    let input = format!(
        "{}\n\n{}\n",
        serde_json::to_string(&json!({"doc_id": 17, "body": paras[9], "text": "not this"}))
            .unwrap(),
        serde_json::to_string(
            &json!({"doc_id": "b", "body": paras[12], "date": "2023-03-17T08:00:00Z"})
        )
        .unwrap(),
    );
    let run = fx.run_stdin(
        &[
            "scan",
            "-",
            "--out",
            "out",
            "--text-field",
            "body",
            "--id-field",
            "doc_id",
            "--quiet",
        ],
        input.as_bytes(),
    );
    run.assert_code(0);
    let docs = read_jsonl(&fx.join("out/documents.jsonl"));
    assert_eq!(ids(&docs), ["17", "b"]);
    assert_eq!(docs[0]["bytes"].as_u64(), Some(paras[9].len() as u64));
    assert_eq!(str_field(&docs[1], "path"), "<stdin>:3");
    assert_eq!(docs[1]["date"], "2023-03-17");
}

/// An export that names every part its own way (as news-please and Media
/// Cloud do): the --*-field options map each one, in CSV as in JSONL.
#[test]
fn every_field_of_an_export_can_be_mapped() {
    let fx = Fixture::new();
    let paras = seed_paragraphs("002");
    let mut csv = String::from("article_id,headline,link,published,outlet,maintext,date\n");
    for (i, para) in paras[9..11].iter().enumerate() {
        let para = para.replace('"', "\"\"");
        csv.push_str(&format!(
            "a{i},Xi in Moscow {i},https://www.bbc.co.uk/news/{i},17 Mar 2023,BBC,\"{para}\",1999-01-01\n"
        ));
    }
    fx.write("export.csv", &csv);
    let run = fx.run(&[
        "scan",
        "export.csv",
        "--out",
        "out",
        "--no-meaning",
        "--id-field",
        "article_id",
        "--text-field",
        "maintext",
        "--title-field",
        "headline",
        "--url-field",
        "link",
        "--date-field",
        "published",
        "--site-field",
        "outlet",
    ]);
    run.assert_code(0);
    let docs = read_jsonl(&fx.join("out/documents.jsonl"));
    assert_eq!(ids(&docs), ["a0", "a1"]);
    assert_eq!(docs[1]["title"], "Xi in Moscow 1");
    assert_eq!(docs[1]["url"], "https://www.bbc.co.uk/news/1");
    assert_eq!(docs[1]["date"], "2023-03-17");
    assert_eq!(docs[1]["site"], "BBC");
    assert_eq!(docs[1]["bytes"].as_u64(), Some(paras[10].len() as u64));

    // NewsAPI articles, one per line: the outlet is nested under `source`.
    let lines: Vec<String> = paras[9..11]
        .iter()
        .enumerate()
        .map(|(i, para)| {
            let article = json!({"source": {"id": null, "name": "BBC News"}, "url": format!("https://www.bbc.co.uk/news/{i}"), "publishedAt": "2023-03-20T09:00:00Z", "content": para});
            article.to_string() + "\n"
        })
        .collect();
    fx.write("newsapi.jsonl", lines.concat());
    let args = [
        "--text-field",
        "content",
        "--date-field",
        "publishedAt",
        "--id-field",
        "url",
    ];
    let run = fx.run(
        &[
            &[
                "scan",
                "newsapi.jsonl",
                "--out",
                "out-newsapi",
                "--no-meaning",
            ][..],
            &args,
            &["--site-field", "source.name"],
        ]
        .concat(),
    );
    run.assert_code(0);
    let docs = read_jsonl(&fx.join("out-newsapi/documents.jsonl"));
    assert_eq!(
        ids(&docs),
        [
            "https://www.bbc.co.uk/news/0",
            "https://www.bbc.co.uk/news/1"
        ]
    );
    assert_eq!(docs[0]["site"], "BBC News");
    assert_eq!(docs[0]["date"], "2023-03-20");
}

/// Problems must reach stderr whether or not it is a terminal. Fails today:
/// without `--quiet`, `progress.rs` (`Bars::problem`) hands each problem to
/// the progress bar's `println`, which indicatif skips when the bar is hidden,
/// as it is when stderr is a pipe or a file.
#[test]
fn problems_reach_a_piped_stderr_without_quiet() {
    let fx = Fixture::new();
    fx.write("good.txt", article());
    let run = fx.run(&["scan", "good.txt", "no/such/file.txt", "--out", "out"]);
    run.assert_code(1);
    assert!(
        run.stderr
            .contains("no/such/file.txt: unreadable (skipped)"),
        "stderr: {:?}",
        run.stderr
    );
}
