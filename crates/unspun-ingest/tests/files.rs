//! Directories, plain files, HTML pages and bad files.
#![allow(clippy::unwrap_used)]

mod common;

use std::fs;
use std::path::PathBuf;
use std::sync::atomic::Ordering;

use common::{docs, fixtures, problems, read_all, trace};
use unspun_ingest::{total_input_bytes, DateOrder, InputOptions, Item, ProblemKind};

#[test]
fn mixed_directory_in_path_order_with_every_problem() {
    let dir = fixtures().join("mixed");
    let opts = InputOptions::default();
    let items = read_all(&[&dir], &opts);
    let base = format!("{}/", dir.display());
    assert_eq!(
        trace(&items, &base),
        [
            "doc bbc.co.uk/xi-visit.txt",
            "binary binary.txt skipped",
            "empty empty.txt skipped",
            "invalid_utf8 latin1.txt warning",
            "doc latin1.txt",
            "doc wire-1",
            "malformed_json lines.jsonl:2 skipped",
            "missing_field lines.jsonl:4 warning",
            "doc lines.jsonl:4",
            "doc 17",
            "duplicate_id lines.jsonl:6 warning",
            "doc wire-1#2",
            "missing_field lines.jsonl:7 skipped",
            "doc page.html",
        ]
    );
    // Every byte of the readable kinds was consumed; rtf and hidden files are not counted.
    let total = total_input_bytes(std::slice::from_ref(&dir), &InputOptions::default()).unwrap();
    let rtf = fs::metadata(dir.join("notes.rtf")).unwrap().len();
    let hidden = fs::metadata(dir.join(".hidden.txt")).unwrap().len();
    let all: u64 = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    let sub = fs::metadata(dir.join("bbc.co.uk/xi-visit.txt"))
        .unwrap()
        .len();
    let dir_entry = fs::metadata(dir.join("bbc.co.uk")).unwrap().len();
    assert_eq!(total, all - rtf - hidden - dir_entry + sub);
    assert_eq!(opts.bytes_read.load(Ordering::Relaxed), total);
}

#[test]
fn plain_text_metadata_and_paths() {
    let dir = fixtures().join("mixed");
    let items = read_all(&[&dir], &InputOptions::default());
    let docs = docs(&items);

    let xi = docs[0];
    assert_eq!(xi.site.as_deref(), Some("bbc.co.uk"));
    assert_eq!(xi.date.as_deref(), Some("2023-03-17"));
    // The text is as published: the date line stays for the cleaner to set aside.
    assert!(xi.text.starts_with("date 2023-03-17 Xi Jinping"));
    assert_eq!(
        xi.path.as_deref(),
        Some(dir.join("bbc.co.uk/xi-visit.txt").to_str().unwrap())
    );

    let latin = docs[1];
    assert_eq!(
        latin.text,
        "Caf\u{fffd} owners in Z\u{fffd}rich say prices rose again.\n"
    );
    assert_eq!(
        latin.site, None,
        "a file directly in the argument has no folder site"
    );
    let warning = problems(&items)
        .into_iter()
        .find(|p| p.kind == ProblemKind::InvalidUtf8)
        .unwrap();
    assert!(warning.message.contains("byte 3"), "{}", warning.message);
}

#[test]
fn jsonl_fields_in_a_directory() {
    let dir = fixtures().join("mixed");
    let items = read_all(&[&dir], &InputOptions::default());
    let docs = docs(&items);
    let wire = docs[2];
    assert_eq!(wire.id, "wire-1");
    assert_eq!(
        wire.path,
        Some(format!("{}:1", dir.join("lines.jsonl").display()))
    );
    assert_eq!(
        wire.url.as_deref(),
        Some("https://www.reuters.com/markets/1")
    );
    assert_eq!(wire.site.as_deref(), Some("reuters.com"));
    assert_eq!(wire.date.as_deref(), Some("2024-05-14"));
    assert_eq!(wire.title.as_deref(), Some("Markets rise"));
    assert_eq!(docs[4].id, "17");
    assert_eq!(docs[4].site.as_deref(), Some("apnews.com"));

    let malformed = problems(&items)
        .into_iter()
        .find(|p| p.kind == ProblemKind::MalformedJson)
        .unwrap();
    assert!(
        malformed.message.contains("column"),
        "{}",
        malformed.message
    );
    let dup = problems(&items)
        .into_iter()
        .find(|p| p.kind == ProblemKind::DuplicateId)
        .unwrap();
    assert!(dup.message.contains("`wire-1#2`"), "{}", dup.message);
}

#[test]
fn news_page_main_text_without_chrome() {
    let path = fixtures().join("mixed/page.html");
    let items = read_all(&[&path], &InputOptions::default());
    assert!(problems(&items).is_empty(), "{items:?}");
    let doc = docs(&items)[0];
    // A single-file argument keeps the path as given as its id.
    assert_eq!(doc.id, path.display().to_string());
    assert_eq!(
        doc.title.as_deref(),
        Some("Council approves Riverside tram line after decade of delays")
    );
    assert_eq!(
        doc.url.as_deref(),
        Some("https://www.riverside-gazette.example/news/2024/05/14/tram-line-approved")
    );
    assert_eq!(doc.site.as_deref(), Some("riverside-gazette.example"));
    assert_eq!(doc.date.as_deref(), Some("2024-05-14"));

    let paragraphs: Vec<&str> = doc.text.split("\n\n").collect();
    assert_eq!(paragraphs.len(), 6, "{}", doc.text);
    assert!(paragraphs[0].starts_with("Riverside city council voted on Monday night"));
    assert!(
        paragraphs[1].contains("about €410 million"),
        "entities decoded"
    );
    assert!(paragraphs[5].ends_with("a new levy on large car parks."));
    for chrome in [
        "cookies",
        "Most read",
        "Subscribe",
        "All rights reserved",
        "Sign up",
        "dataLayer",
    ] {
        assert!(
            !doc.text.contains(chrome),
            "chrome `{chrome}` leaked into the text"
        );
    }
}

#[test]
fn html_without_an_article_falls_back_or_is_empty() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.htm"), "<html><body><aside><p>Tram works start in May.</p></aside><button>Share</button></body></html>").unwrap();
    fs::write(
        dir.path().join("b.html"),
        "<html><head><title>x</title></head><body> <script>1</script> </body></html>",
    )
    .unwrap();
    let items = read_all(&[dir.path().to_path_buf()], &InputOptions::default());
    let base = format!("{}/", dir.path().display());
    assert_eq!(
        trace(&items, &base),
        [
            "malformed_html a.htm warning",
            "doc a.htm",
            "empty b.html skipped"
        ]
    );
    // Readability gives up on a page with only an aside; all body text is kept.
    assert_eq!(docs(&items)[0].text, "Tram works start in May.\n\nShare");
}

#[test]
fn missing_inputs_are_problems_not_errors() {
    let missing = PathBuf::from("/nonexistent/unspun/input.txt");
    let good = fixtures().join("mixed/latin1.txt");
    let items = read_all(&[missing.clone(), good], &InputOptions::default());
    let problems = problems(&items);
    assert_eq!(problems[0].kind, ProblemKind::Unreadable);
    assert_eq!(problems[0].source, "/nonexistent/unspun/input.txt");
    assert!(
        problems[0].message.contains("No such file"),
        "{}",
        problems[0].message
    );
    assert!(problems[0].skipped);
    assert_eq!(docs(&items).len(), 1);
    assert_eq!(
        total_input_bytes(&[missing, PathBuf::from("-")], &InputOptions::default()),
        None
    );
}

#[cfg(unix)]
#[test]
fn permission_denied_is_unreadable() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("secret.txt");
    fs::write(&path, "text").unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&path).is_ok() {
        return; // running as root: permissions are not enforced
    }
    let items = read_all(&[path], &InputOptions::default());
    assert_eq!(common::kinds(&items), [ProblemKind::Unreadable]);
}

#[test]
fn duplicate_ids_across_inputs_get_suffixes() {
    let file = fixtures().join("mixed/latin1.txt");
    let items = read_all(
        &[file.clone(), file.clone(), file],
        &InputOptions::default(),
    );
    let ids: Vec<&str> = docs(&items).iter().map(|d| d.id.as_str()).collect();
    let base = fixtures().join("mixed/latin1.txt").display().to_string();
    assert_eq!(
        ids,
        [base.clone(), format!("{base}#2"), format!("{base}#3")]
    );
    let dups = problems(&items)
        .iter()
        .filter(|p| p.kind == ProblemKind::DuplicateId)
        .count();
    assert_eq!(dups, 2);
}

#[test]
fn huge_document_is_delivered_and_limit_applies() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.txt");
    let line = "The quick brown fox jumps over the lazy dog near the river bank today.\n";
    let text = line.repeat((100 << 20) / line.len() + 1);
    fs::write(&path, &text).unwrap();

    let items = read_all(&[&path], &InputOptions::default());
    assert_eq!(docs(&items).len(), 1);
    assert_eq!(docs(&items)[0].text.len(), text.len());

    let small = InputOptions {
        max_doc_bytes: 1 << 20,
        ..InputOptions::default()
    };
    let items = read_all(&[path], &small);
    let problems = problems(&items);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].kind, ProblemKind::TooLarge);
    assert!(problems[0].skipped);
}

#[test]
fn explicit_file_with_unknown_extension_is_sniffed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.data");
    fs::write(
        &path,
        "{\"id\":\"x\",\"text\":\"from a jsonl without the extension\"}\n",
    )
    .unwrap();
    let items = read_all(&[&path], &InputOptions::default());
    assert_eq!(docs(&items)[0].id, "x");
    assert!(matches!(items[0], Item::Document(_)));

    // Compressed, the kind is told from the decompressed bytes.
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(&fs::read(&path).unwrap()).unwrap();
    let zipped = dir.path().join("export.data.gz");
    fs::write(&zipped, encoder.finish().unwrap()).unwrap();
    let items = read_all(&[&zipped], &InputOptions::default());
    assert_eq!(docs(&items)[0].id, "x");
    let crawl = dir.path().join("crawl.bin");
    fs::copy(fixtures().join("compressed/news.warc.zst"), &crawl).unwrap();
    let items = read_all(&[&crawl], &InputOptions::default());
    assert_eq!(docs(&items).len(), 3, "{:?}", problems(&items));
}

/// One page in UTF-8, in windows-1252 under its own `<meta charset>`, and
/// as UTF-8 bytes under a Latin-1 label; one text in UTF-8 and in UTF-16
/// with a byte-order mark. Each pair must read as the same text.
#[test]
fn declared_and_marked_encodings_read_as_the_same_text() {
    let dir = fixtures().join("encodings");
    let read_one = |name: &str| {
        let items = read_all(&[dir.join(name)], &InputOptions::default());
        assert!(problems(&items).is_empty(), "{name}: {items:?}");
        docs(&items)[0].clone()
    };
    let utf8 = read_one("cafe-utf8.html");
    assert!(
        utf8.text
            .contains("“We cannot absorb another 12 per cent,” said Renée Müller"),
        "{}",
        utf8.text
    );
    let title = utf8.title.as_deref().unwrap_or_default();
    assert!(
        title.starts_with("Zürich cafés brace for rent rise"),
        "{title}"
    );
    for variant in ["cafe-cp1252.html", "cafe-mislabeled.html"] {
        let doc = read_one(variant);
        assert_eq!(doc.text, utf8.text, "{variant}");
        assert_eq!(doc.title, utf8.title, "{variant}");
    }
    let plain = read_one("cafe.txt");
    assert!(plain.text.contains("façades along the Limmat quay"));
    assert_eq!(read_one("cafe-utf16.txt").text, plain.text);
}

/// CSV and TSV exports: quoted text over several lines, a semicolon
/// spreadsheet with a byte-order mark and no id column, a UTF-16 "Unicode
/// text" export, Unix-time dates, and the bad records and files reported
/// by line.
#[test]
fn csv_and_tsv_records_are_documents() {
    let dir = fixtures().join("tables");
    let items = read_all(&[&dir], &InputOptions::default());
    let base = format!("{}/", dir.display());
    assert_eq!(
        trace(&items, &base),
        [
            "empty empty.csv skipped",
            "missing_field export-semicolon.csv warning",
            "doc export-semicolon.csv:2",
            "doc r-1",
            "missing_field no-text-column.csv skipped",
            "doc u-1",
            "doc ap-1",
            "doc ap-2",
            "empty wire.csv:6 skipped",
            "bad_date wire.csv:7 warning",
            "doc ap-4",
            "missing_field wire.csv:8 skipped",
        ]
    );
    let docs = docs(&items);
    let semicolon = docs[0];
    assert!(semicolon
        .text
        .starts_with("Xi und Putin sprachen am Dienstag im Kreml über die Ukraine; der Westen"));
    assert_eq!(semicolon.date.as_deref(), Some("2023-03-21"));
    assert_eq!(semicolon.site.as_deref(), Some("dw.example"));
    assert_eq!(docs[1].date.as_deref(), Some("2023-03-21"));
    assert!(
        docs[2].text.starts_with("Die Gespräche in Moskau"),
        "{}",
        docs[2].text
    );
    let ap1 = docs[3];
    assert_eq!(ap1.title.as_deref(), Some("Xi arrives in Moscow"));
    assert_eq!(ap1.date.as_deref(), Some("2023-03-20"));
    assert_eq!(ap1.site.as_deref(), Some("apnews.example"));
    assert_eq!(
        ap1.path.as_deref(),
        Some(format!("{base}wire.csv:2").as_str())
    );
    assert!(ap1.text.ends_with(
        "third term.\n\nOfficials said the talks would cover \"a comprehensive partnership\", energy and trade."
    ), "{}", ap1.text);
    assert_eq!(docs[4].date.as_deref(), Some("2023-03-20"));
    assert_eq!(docs[5].date, None);
    let problems = problems(&items);
    assert!(
        problems[2].message.contains("the header has: id, body"),
        "{}",
        problems[1].message
    );
    // Every byte was counted for the progress bar.
    let total = total_input_bytes(std::slice::from_ref(&dir), &InputOptions::default()).unwrap();
    assert_eq!(
        total,
        fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().metadata().unwrap().len())
            .sum::<u64>()
    );
}

/// A table cut short inside a quoted field (a truncated export): the csv
/// crate ends the field at the end of the file in silence. The record is
/// kept, and a warning names the line where its quote opened.
#[test]
fn a_table_cut_inside_quotes_is_read_and_reported() {
    let path = fixtures().join("broken-tables/cut-short.csv");
    let items = read_all(&[&path], &InputOptions::default());
    let base = format!("{}/", fixtures().join("broken-tables").display());
    assert_eq!(
        trace(&items, &base),
        [
            "doc w-1",
            "doc w-2",
            "doc w-3",
            "malformed_csv cut-short.csv:6 warning"
        ]
    );
    let docs = docs(&items);
    assert!(docs[1].text.ends_with("The Kremlin called them \"frank\"."));
    assert!(
        docs[2].text.ends_with("and will meet ag"),
        "{}",
        docs[2].text
    );
    assert!(problems(&items)[0].message.contains("never closed"));
}

#[test]
fn slash_dates_follow_the_given_order_or_only_the_possible_one() {
    let dir = fixtures().join("dates");
    let dates = |order| {
        let opts = InputOptions {
            date_order: order,
            ..InputOptions::default()
        };
        let items = read_all(&[&dir], &opts);
        let warned: Vec<String> = problems(&items)
            .iter()
            .map(|p| format!("{} {}", p.kind.as_str(), p.source))
            .collect();
        let found: Vec<(String, Option<String>)> = docs(&items)
            .iter()
            .map(|d| (d.id.clone(), d.date.clone()))
            .collect();
        (found, warned)
    };
    let day = |s: &str| Some(s.to_string());
    let (found, warned) = dates(None);
    assert_eq!(
        found,
        [
            ("uk-1".into(), day("2023-03-20")),
            ("uk-2".into(), None),
            ("us-1".into(), day("2023-03-20")),
            ("us-2".into(), None),
            ("us-3".into(), day("2023-03-21")),
        ]
    );
    let base = dir.display();
    assert_eq!(
        warned,
        [
            format!("bad_date {base}/uk-feed.jsonl:2"),
            format!("bad_date {base}/us-export.csv:3"),
        ]
    );
    let (found, warned) = dates(Some(DateOrder::MonthFirst));
    assert_eq!(found[3], ("us-2".into(), day("2023-03-04")));
    // Told month first, a day-first feed's 20/03/2023 is no date.
    assert_eq!(found[0], ("uk-1".into(), None));
    assert_eq!(warned.len(), 1);
    let (found, warned) = dates(Some(DateOrder::DayFirst));
    assert_eq!(found[1], ("uk-2".into(), day("2023-03-04")));
    assert_eq!(found[0], ("uk-1".into(), day("2023-03-20")));
    assert_eq!(warned.len(), 2, "{warned:?}");
}

/// A UTF-16 export is read as it streams: records past the first buffer
/// come out whole, line numbers hold, progress counts the file's bytes, and
/// one unpaired surrogate is replaced with a warning while the rest is kept.
#[test]
fn a_large_utf16_table_streams_with_its_lines_and_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("unicode-export.tsv");
    let mut table = String::from("id\ttext\n");
    for i in 0..1000 {
        table.push_str(&format!(
            "r{i}\t\"Record {i}: Kyiv – “talks” in 東京 🇺🇦, line one.\nLine two of record {i}.\"\n"
        ));
    }
    let mut units: Vec<u16> = table.encode_utf16().collect();
    let at = units.iter().position(|&u| u == u16::from(b'K')).unwrap();
    units.insert(at, 0xd800); // in record r0, before "Kyiv"
    let mut bytes = vec![0xfe, 0xff];
    bytes.extend(units.iter().flat_map(|u| u.to_be_bytes()));
    assert!(bytes.len() > 64 << 10, "the table must outgrow one buffer");
    fs::write(&path, &bytes).unwrap();

    let opts = InputOptions::default();
    let items = read_all(&[&path], &opts);
    let docs = docs(&items);
    assert_eq!(docs.len(), 1000);
    assert_eq!(
        docs[0].text,
        "Record 0: \u{fffd}Kyiv – “talks” in 東京 🇺🇦, line one.\nLine two of record 0."
    );
    assert_eq!(
        docs[999].text,
        "Record 999: Kyiv – “talks” in 東京 🇺🇦, line one.\nLine two of record 999."
    );
    assert!(docs[900]
        .path
        .as_deref()
        .unwrap()
        .ends_with("unicode-export.tsv:1802"));
    let problems = problems(&items);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].kind, ProblemKind::InvalidEncoding);
    assert_eq!(
        problems[0].message,
        "bytes not valid UTF-16BE; replaced with U+FFFD"
    );
    assert_eq!(opts.bytes_read.load(Ordering::Relaxed), bytes.len() as u64);
}

/// Excel's "Unicode text" export (UTF-16, tabs, CR LF) saved as `.txt` is a
/// table of articles; a text whose first line merely has tabs stays one
/// article.
#[test]
fn a_spreadsheet_export_saved_as_txt_is_read_as_a_table() {
    let dir = fixtures().join("excel");
    let opts = InputOptions {
        date_order: Some(DateOrder::DayFirst),
        ..InputOptions::default()
    };
    let items = read_all(&[&dir], &opts);
    let base = format!("{}/", dir.display());
    assert_eq!(
        trace(&items, &base),
        ["doc article-with-tabs.txt", "doc afp-1", "doc afp-2"]
    );
    let docs = docs(&items);
    assert!(docs[0].text.starts_with("Moscow\tMarch 20"));
    assert_eq!(docs[1].title.as_deref(), Some("Xi arrives in Moscow"));
    assert_eq!(docs[1].date.as_deref(), Some("2023-03-20"));
    assert!(docs[2]
        .text
        .starts_with("Russian President Vladimir Putin said relations with China"));
    assert_eq!(
        docs[2].path.as_deref(),
        Some(format!("{base}unicode-text-export.txt:3").as_str())
    );
    // A table streams whatever its size; the limit is per record.
    let export = dir.join("unicode-text-export.txt");
    let small = InputOptions {
        max_doc_bytes: 500,
        ..InputOptions::default()
    };
    assert!(fs::metadata(&export).unwrap().len() > 500);
    let items = read_all(&[&export], &small);
    assert_eq!(common::docs(&items).len(), 2);
    let plain = fixtures().join("mixed/latin1.txt");
    let tiny = InputOptions {
        max_doc_bytes: 10,
        ..InputOptions::default()
    };
    assert_eq!(
        common::kinds(&read_all(&[&plain], &tiny)),
        [ProblemKind::TooLarge]
    );
}

/// JSON Lines saved by Windows PowerShell's `>` are UTF-16 with CR LF line
/// ends: they give the documents the UTF-8 file gives, bad lines are named
/// by the same line numbers, and progress counts the file's bytes.
#[test]
fn utf16_json_lines_read_as_their_utf8_twin() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        r#"{"id": "tass-1", "text": "Xi Jinping arrived in Moscow – “a visit of friendship”, Putin said.", "date": "2023-03-20"}"#,
        r#"{"id": "broken", "text": "#,
        r#"{"id": "tass-2", "text": "Переговоры продолжились во вторник. 会谈在周二继续。"}"#,
    ];
    let utf8 = dir.path().join("feed.jsonl");
    fs::write(&utf8, lines.join("\n") + "\n").unwrap();
    let utf16 = dir.path().join("feed-powershell.jsonl");
    let mut bytes = vec![0xff, 0xfe];
    let crlf = lines.join("\r\n") + "\r\n";
    bytes.extend(crlf.encode_utf16().flat_map(u16::to_le_bytes));
    fs::write(&utf16, &bytes).unwrap();

    let read = |path: &std::path::Path| {
        let opts = InputOptions::default();
        let items = read_all(&[path], &opts);
        let docs: Vec<(String, String, Option<String>)> = docs(&items)
            .iter()
            .map(|d| (d.id.clone(), d.text.clone(), d.date.clone()))
            .collect();
        let problems: Vec<String> = problems(&items)
            .iter()
            .map(|p| format!("{:?} {}", p.kind, p.source.rsplit(':').next().unwrap()))
            .collect();
        (docs, problems, opts.bytes_read.load(Ordering::Relaxed))
    };
    let (docs8, problems8, _) = read(&utf8);
    let (docs16, problems16, progress16) = read(&utf16);
    assert_eq!(docs8.len(), 2);
    assert_eq!(docs16, docs8);
    assert_eq!(problems8, ["MalformedJson 2"]);
    assert_eq!(problems16, problems8);
    assert_eq!(progress16, bytes.len() as u64);
}

/// `.json` exports: a pretty-printed array (as Scrapy's `-o items.json`
/// writes one) and one pretty-printed object. Each record is read as a JSON
/// Lines row and named by the line it starts on; a broken record or one
/// without text costs only itself.
#[test]
fn json_arrays_and_objects_are_read_record_by_record() {
    let dir = fixtures().join("json");
    let opts = InputOptions::default();
    let items = read_all(&[&dir], &opts);
    let base = format!("{}/", dir.display());
    assert_eq!(
        trace(&items, &base),
        [
            "doc bbc-1",
            "doc afp-1",
            "missing_field scrapy-items.json:10 skipped",
            "doc afp-3",
            "malformed_json scrapy-items.json:17 skipped",
            "doc afp-5",
        ]
    );
    let docs = docs(&items);
    assert_eq!(
        docs[0].site.as_deref(),
        Some("bbc.co.uk"),
        "the url gives the site"
    );
    let afp1 = docs[1];
    assert_eq!(
        afp1.title.as_deref(),
        Some("Xi arrives in Moscow for talks with Putin")
    );
    assert_eq!(afp1.date.as_deref(), Some("2023-03-20"));
    assert!(afp1.text.ends_with("braces } in the text change nothing."));
    assert_eq!(
        afp1.path.as_deref(),
        Some(format!("{base}scrapy-items.json:2").as_str())
    );
    assert_eq!(docs[2].date.as_deref(), Some("2023-03-21"));
    let total = total_input_bytes(std::slice::from_ref(&dir), &InputOptions::default()).unwrap();
    assert_eq!(opts.bytes_read.load(Ordering::Relaxed), total);

    // Cut short, the records before the cut are kept and the cut is named.
    let cut = tempfile::tempdir().unwrap();
    let path = cut.path().join("cut.json");
    let full = fs::read_to_string(dir.join("scrapy-items.json")).unwrap();
    fs::write(&path, &full[..full.find("afp-3").unwrap()]).unwrap();
    let items = read_all(&[&path], &InputOptions::default());
    let kinds: Vec<String> = problems(&items)
        .iter()
        .map(|p| format!("{} {}", p.kind.as_str(), p.message))
        .collect();
    assert_eq!(common::docs(&items).len(), 1);
    assert_eq!(kinds.len(), 3, "{kinds:?}");
    assert!(
        kinds[1].starts_with("malformed_json EOF while parsing"),
        "{kinds:?}"
    );
    assert!(kinds[1].ends_with("at line 15 column 11"), "{kinds:?}");
    assert!(kinds[2].contains("the array is not closed"), "{kinds:?}");
}

/// A NewsAPI response saved whole: its articles are the records, each named
/// by its line, with the outlet read from the nested `source.name`; an
/// article without text costs only itself.
#[test]
fn an_api_response_saved_whole_gives_its_articles() {
    let path = fixtures().join("api/newsapi-response.json");
    let mut opts = InputOptions::default();
    opts.fields.text = "content".into();
    opts.fields.date = "publishedAt".into();
    opts.fields.site = "source.name".into();
    opts.fields.id = "url".into();
    let items = read_all(&[&path], &opts);
    let base = path.display().to_string();
    assert_eq!(
        trace(&items, &base),
        [
            "doc https://www.bbc.co.uk/news/world-europe-65027548",
            "missing_field :16 skipped",
            "doc https://apnews.com/article/xi-putin-kremlin",
        ]
    );
    let found = docs(&items);
    assert_eq!(found[0].site.as_deref(), Some("BBC News"));
    assert_eq!(found[1].site.as_deref(), Some("Associated Press"));
    assert_eq!(found[1].date.as_deref(), Some("2023-03-20"));
    assert_eq!(
        found[1].title.as_deref(),
        Some("Xi and Putin meet in Kremlin")
    );
    // Without the mapping there is no `text` anywhere: one record, skipped,
    // and the message names the fields it has.
    let items = read_all(&[&path], &InputOptions::default());
    assert_eq!(trace(&items, &base), ["missing_field :1 skipped"]);
    assert_eq!(
        problems(&items)[0].message,
        "field `text` is missing (the record has `status`, `totalResults`, `articles`); \
         --text-field names the field that holds the text"
    );

    // Responses appended one per line, as a fetch loop writes them, among
    // plain article lines: each line's articles are named by that line.
    let response: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    let plain = r#"{"url": "https://example.org/own", "content": "Our own report."}"#;
    let lines = format!("{response}\n{plain}\n{response}\n");
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("responses.jsonl");
    fs::write(&feed, lines).unwrap();
    let items = read_all(&[&feed], &opts);
    let base = feed.display().to_string();
    assert_eq!(
        trace(&items, &base),
        [
            "doc https://www.bbc.co.uk/news/world-europe-65027548",
            "missing_field :1 skipped",
            "doc https://apnews.com/article/xi-putin-kremlin",
            "doc https://example.org/own",
            "duplicate_id :3 warning",
            "doc https://www.bbc.co.uk/news/world-europe-65027548#2",
            "missing_field :3 skipped",
            "duplicate_id :3 warning",
            "doc https://apnews.com/article/xi-putin-kremlin#2",
        ]
    );

    // A record with an id of its own is an article that lacks its text, not
    // a response: the texts of its comments are not articles.
    let with_id = r#"{"url": "https://example.org/story", "comments": [{"content": "First!"}, {"content": "Agreed."}]}"#;
    fs::write(&feed, format!("{with_id}\n{plain}\n")).unwrap();
    let items = read_all(&[&feed], &opts);
    assert_eq!(
        trace(&items, &base),
        ["missing_field :1 skipped", "doc https://example.org/own"]
    );
}

/// Gzipped exports (`.jsonl.gz`, `.json.gz`, `.csv.gz`) give what the plain
/// files give, with progress in compressed bytes; a gzip cut short keeps the
/// records before the cut and names the file.
#[test]
fn gzipped_exports_read_as_the_plain_files() {
    use flate2::write::GzEncoder;
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let gzip = |name: &str, bytes: &[u8]| {
        let mut encoder = GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(bytes).unwrap();
        let path = dir.path().join(name);
        fs::write(&path, encoder.finish().unwrap()).unwrap();
        path
    };
    let sources = [
        fixtures().join("mixed/lines.jsonl"),
        fixtures().join("json/scrapy-items.json"),
        fixtures().join("tables/wire.csv"),
    ];
    for source in &sources {
        let name = source.file_name().unwrap().to_string_lossy();
        let zipped = gzip(&format!("{name}.gz"), &fs::read(source).unwrap());
        let plain = read_all(&[source], &InputOptions::default());
        let opts = InputOptions::default();
        let unzipped = read_all(&[&zipped], &opts);
        let texts = |items: &[Item]| -> Vec<(String, String)> {
            docs(items)
                .iter()
                // Fallback ids name the file: compare their line numbers.
                .map(|d| (d.id.rsplit(':').next().unwrap().to_string(), d.text.clone()))
                .collect()
        };
        assert!(!texts(&plain).is_empty());
        assert_eq!(texts(&unzipped), texts(&plain), "{name}");
        assert_eq!(problems(&unzipped).len(), problems(&plain).len(), "{name}");
        assert_eq!(
            opts.bytes_read.load(Ordering::Relaxed),
            fs::metadata(&zipped).unwrap().len()
        );
    }

    // 2,000 lines, cut in the middle of the compressed stream.
    let lines: String = (0..2000)
        .map(|i| {
            format!(
                "{{\"id\": \"n{i}\", \"text\": \"Report number {i} from the wire, {}.\"}}\n",
                i * 7919
            )
        })
        .collect();
    let whole = gzip("feed.jsonl.gz", lines.as_bytes());
    let bytes = fs::read(&whole).unwrap();
    let cut = dir.path().join("cut.jsonl.gz");
    fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let opts = InputOptions::default();
    let items = read_all(&[&cut], &opts);
    let kept = docs(&items).len();
    assert!(kept > 100 && kept < 2000, "{kept}");
    let problems = problems(&items);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].kind, ProblemKind::Unreadable);
    assert!(problems[0].source.ends_with("cut.jsonl.gz"));
    assert!(
        problems[0]
            .message
            .ends_with("; the rest of the file is not read"),
        "{}",
        problems[0].message
    );
    assert_eq!(
        opts.bytes_read.load(Ordering::Relaxed),
        (bytes.len() / 2) as u64
    );
}

/// Files compressed by the reference `zstd` and `gzip` tools (a page, a
/// two-frame JSONL, a CSV, a text) give what their plain twins give, in a
/// directory walk as when named; progress counts the compressed bytes.
#[test]
fn compressed_files_read_as_their_plain_twins() {
    let twins = [
        ("page.html.zst", "mixed/page.html"),
        ("lines.jsonl.zst", "mixed/lines.jsonl"),
        ("wire.csv.zst", "tables/wire.csv"),
        ("cafe.txt.gz", "encodings/cafe.txt"),
    ];
    let content = |d: &unspun_text::Document| {
        // Ids and paths name the file; JSONL and CSV fallback ids end in the line.
        let line = d.id.rsplit_once(':').map(|(_, n)| n.to_string());
        (
            line,
            d.text.clone(),
            d.title.clone(),
            d.url.clone(),
            d.date.clone(),
        )
    };
    for (packed, plain) in twins {
        let packed = fixtures().join("compressed").join(packed);
        let opts = InputOptions::default();
        let unpacked = read_all(&[&packed], &opts);
        let plain = read_all(&[fixtures().join(plain)], &InputOptions::default());
        let got: Vec<_> = docs(&unpacked).into_iter().map(content).collect();
        let want: Vec<_> = docs(&plain).into_iter().map(content).collect();
        assert!(!want.is_empty());
        assert_eq!(got, want, "{}", packed.display());
        let kinds = |items: &[Item]| -> Vec<ProblemKind> {
            problems(items).iter().map(|p| p.kind).collect()
        };
        assert_eq!(kinds(&unpacked), kinds(&plain), "{}", packed.display());
        assert_eq!(
            opts.bytes_read.load(Ordering::Relaxed),
            fs::metadata(&packed).unwrap().len()
        );
    }
    // The walk reads them too, named without the compression suffix's effect.
    let walked = read_all(&[fixtures().join("compressed")], &InputOptions::default());
    let ids: Vec<&str> = docs(&walked).iter().map(|d| d.id.as_str()).collect();
    assert!(ids.contains(&"cafe.txt.gz"), "{ids:?}");
    assert!(ids.contains(&"page.html.zst"), "{ids:?}");
    assert!(ids.contains(&"wire-1"), "{ids:?}");
}

/// A compressed text cut short keeps the text before the cut, with a
/// warning; a stream that decompresses past the size limit is skipped as
/// too large, however small the file; a cut Zstandard JSONL keeps its
/// complete lines.
#[test]
fn compressed_files_cut_short_or_too_large() {
    use flate2::write::GzEncoder;
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let story: String = (0..400)
        .map(|i| {
            format!(
                "Paragraph {i} of the council's budget report, item {}.\n",
                i * 31
            )
        })
        .collect();
    let mut encoder = GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(story.as_bytes()).unwrap();
    let zipped = encoder.finish().unwrap();
    let cut = dir.path().join("budget.txt.gz");
    fs::write(&cut, &zipped[..zipped.len() * 2 / 3]).unwrap();
    let items = read_all(&[&cut], &InputOptions::default());
    let kept = docs(&items);
    assert_eq!(kept.len(), 1);
    assert!(
        story.starts_with(&kept[0].text),
        "the kept text is a prefix"
    );
    assert!(
        kept[0].text.len() > story.len() / 4,
        "{}",
        kept[0].text.len()
    );
    let problems_found = problems(&items);
    assert_eq!(problems_found.len(), 1);
    assert_eq!(problems_found[0].kind, ProblemKind::TruncatedGzip);
    assert!(!problems_found[0].skipped);
    assert!(problems_found[0].message.contains("the text ends after"));

    let whole = dir.path().join("budget.md.gz");
    fs::write(&whole, &zipped).unwrap();
    let opts = InputOptions {
        max_doc_bytes: story.len() / 2,
        ..Default::default()
    };
    assert!(zipped.len() < opts.max_doc_bytes);
    let items = read_all(&[&whole], &opts);
    assert!(docs(&items).is_empty());
    let problems_found = problems(&items);
    assert_eq!(problems_found.len(), 1);
    assert_eq!(problems_found[0].kind, ProblemKind::TooLarge);
    assert!(problems_found[0].message.ends_with("once decompressed"));

    let packed = fs::read(fixtures().join("compressed/lines.jsonl.zst")).unwrap();
    let cut = dir.path().join("lines.jsonl.zst");
    // Into the second frame: the first frame's three lines are complete.
    fs::write(&cut, &packed[..packed.len() - 20]).unwrap();
    let items = read_all(&[&cut], &InputOptions::default());
    let plain = read_all(
        &[fixtures().join("mixed/lines.jsonl")],
        &InputOptions::default(),
    );
    let cut_docs = docs(&items).len();
    assert!(cut_docs >= 1 && cut_docs < docs(&plain).len(), "{cut_docs}");
    let last = problems(&items).pop().unwrap();
    assert_eq!(last.kind, ProblemKind::Unreadable);
    assert!(last.message.starts_with("zstd stream"), "{}", last.message);
    assert!(last.message.ends_with("; the rest of the file is not read"));
}
