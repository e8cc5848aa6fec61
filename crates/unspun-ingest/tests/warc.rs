//! WARC and WARC.gz archives, written byte by byte here.
#![allow(clippy::unwrap_used)]

mod common;

use std::fs;
use std::io::Write;
use std::path::Path;

use common::{docs, fixtures, problems, read_all, trace};
use flate2::write::GzEncoder;
use flate2::Compression;
use unspun_ingest::{InputOptions, ProblemKind};

fn record(warc_type: &str, headers: &[(&str, &str)], block: &[u8]) -> Vec<u8> {
    let mut out = format!("WARC/1.1\r\nWARC-Type: {warc_type}\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!("Content-Length: {}\r\n\r\n", block.len()));
    let mut out = out.into_bytes();
    out.extend_from_slice(block);
    out.extend_from_slice(b"\r\n\r\n");
    out
}

fn http(status: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

/// Eight records: only 3 (HTML), 6 (text resource) and 7 (HTML with bad
/// UTF-8) hold documents.
fn records() -> Vec<Vec<u8>> {
    let page = fs::read(fixtures().join("mixed/page.html")).unwrap();
    let uri = |u: &'static str| ("WARC-Target-URI", u);
    let html = "text/html; charset=utf-8";
    vec![
        record("warcinfo", &[("Content-Type", "application/warc-fields")], b"software: test\r\n"),
        record("request", &[uri("https://news.example.com/world/a"), ("Content-Type", "application/http; msgtype=request")], b"GET /world/a HTTP/1.1\r\nHost: news.example.com\r\n\r\n"),
        record("response", &[uri("https://news.example.com/world/a"), ("WARC-Record-ID", "<urn:uuid:3>"), ("Content-Type", "application/http; msgtype=response")], &http("200 OK", html, &page)),
        record("response", &[uri("https://news.example.com/logo.jpg"), ("Content-Type", "application/http; msgtype=response")], &http("200 OK", "image/jpeg", b"\xff\xd8\xff\xe0\0\x10JFIF")),
        record("response", &[uri("https://news.example.com/gone"), ("Content-Type", "application/http; msgtype=response")], &http("404 Not Found", html, b"<html><body><p>Not found</p></body></html>")),
        record("resource", &[("WARC-Record-ID", "<urn:uuid:6>"), ("Content-Type", "text/plain")], b"A plain text resource about the tram line."),
        record("response", &[uri("https://other.example.org/b"), ("Content-Type", "application/http; msgtype=response")], &http("200 OK", html, b"<html><body><article><p>Caf\xe9 prices rose again in the old town this spring.</p></article></body></html>")),
        record("metadata", &[uri("https://news.example.com/world/a")], b"via: x\r\n"),
    ]
}

fn gzip_members(records: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for r in records {
        let mut gz = GzEncoder::new(Vec::new(), Compression::default());
        gz.write_all(r).unwrap();
        out.extend(gz.finish().unwrap());
    }
    out
}

fn check_full_archive(path: &Path) {
    let items = read_all(&[path.to_path_buf()], &InputOptions::default());
    let base = path.display().to_string();
    assert_eq!(
        trace(&items, &base),
        [
            "doc https://news.example.com/world/a",
            "doc urn:uuid:6",
            "invalid_utf8 #7 warning",
            "doc https://other.example.org/b",
        ]
    );
    let docs = docs(&items);
    let page = docs[0];
    assert_eq!(page.path, Some(format!("{base}#3")));
    assert_eq!(
        page.url.as_deref(),
        Some("https://news.example.com/world/a")
    );
    assert_eq!(page.site.as_deref(), Some("news.example.com"));
    assert_eq!(page.date.as_deref(), Some("2024-05-14"));
    assert_eq!(
        page.title.as_deref(),
        Some("Council approves Riverside tram line after decade of delays")
    );
    assert_eq!(page.text.split("\n\n").count(), 6);
    assert!(!page.text.contains("Most read"));

    assert_eq!(docs[1].text, "A plain text resource about the tram line.");
    assert_eq!(docs[1].path, Some(format!("{base}#6")));
    assert_eq!(docs[1].url, None);
    assert_eq!(
        docs[2].text,
        "Caf\u{fffd} prices rose again in the old town this spring."
    );
    assert_eq!(docs[2].site.as_deref(), Some("other.example.org"));
}

#[test]
fn plain_warc() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crawl.warc");
    fs::write(&path, records().concat()).unwrap();
    check_full_archive(&path);
}

#[test]
fn gzipped_warc_of_one_member_per_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crawl.warc.gz");
    fs::write(&path, gzip_members(&records())).unwrap();
    check_full_archive(&path);
}

#[test]
fn compression_is_detected_by_content_not_name() {
    let dir = tempfile::tempdir().unwrap();
    let plain_named_gz = dir.path().join("plain.warc.gz");
    fs::write(&plain_named_gz, records().concat()).unwrap();
    check_full_archive(&plain_named_gz);
    let gz_named_plain = dir.path().join("packed.warc");
    fs::write(&gz_named_plain, gzip_members(&records())).unwrap();
    check_full_archive(&gz_named_plain);
}

#[test]
fn not_a_warc_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.warc");
    fs::write(&path, "just some notes\nsaved with the wrong name\n").unwrap();
    let items = read_all(&[&path], &InputOptions::default());
    let base = path.display().to_string();
    assert_eq!(trace(&items, &base), ["malformed_warc #1 skipped"]);
    assert!(problems(&items)[0].message.contains("not a WARC file"));
}

#[test]
fn truncated_gzip_keeps_records_before_the_cut() {
    let records = records();
    let whole = gzip_members(&records);
    // Cut inside the member of record 7.
    let before: usize = gzip_members(&records[..6]).len();
    let cut = before + (whole.len() - gzip_members(&records[7..]).len() - before) / 2;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.warc.gz");
    fs::write(&path, &whole[..cut]).unwrap();

    let items = read_all(&[&path], &InputOptions::default());
    let base = path.display().to_string();
    assert_eq!(
        trace(&items, &base),
        [
            "doc https://news.example.com/world/a",
            "doc urn:uuid:6",
            "truncated_gzip #7 skipped"
        ]
    );
}

/// A `.warc.zst` in the IIPC WARC-zstd format (a compressed dictionary in a
/// skippable frame, one frame per record, written by the reference `zstd`;
/// see `fixtures/compressed/make_warc_zst.py`) reads as its plain twin; cut
/// inside a record, it keeps the records before the cut.
#[test]
fn zstd_warc_with_its_dictionary_reads_as_the_plain_file() {
    let packed = fixtures().join("compressed/news.warc.zst");
    let plain = read_all(
        &[fixtures().join("compressed/news.warc")],
        &InputOptions::default(),
    );
    let unpacked = read_all(&[&packed], &InputOptions::default());
    let content = |items: &[unspun_ingest::Item]| -> Vec<(String, String, Option<String>)> {
        docs(items)
            .iter()
            .map(|d| (d.id.clone(), d.text.clone(), d.title.clone()))
            .collect()
    };
    assert_eq!(content(&plain).len(), 3);
    assert_eq!(content(&unpacked), content(&plain));
    assert!(problems(&unpacked).is_empty(), "{:?}", problems(&unpacked));

    let bytes = fs::read(&packed).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.warc.zst");
    // The last frame is small (the dictionary knows most of it): cut inside.
    fs::write(&path, &bytes[..bytes.len() - 8]).unwrap();
    let items = read_all(&[&path], &InputOptions::default());
    let base = path.display().to_string();
    assert_eq!(
        trace(&items, &base),
        [
            "doc https://news.example.com/world/a",
            "doc https://city.example.org/tram/4",
            "truncated_zstd #5 skipped"
        ]
    );
}

/// Pages stored as sent, with `Content-Encoding: gzip`, `zstd` or `br` (as
/// browser-based crawlers store them; `fixtures/compressed/page.html.br` was
/// written by Google's brotli, quality 11), read as the page; one that
/// inflates past the document limit is skipped as too large without ever
/// being held whole.
#[test]
fn http_bodies_compressed_by_the_server() {
    let page = fs::read(fixtures().join("mixed/page.html")).unwrap();
    let encoded = |encoding: &str, body: &[u8]| {
        let mut out = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: {encoding}\r\n\r\n"
        )
        .into_bytes();
        out.extend_from_slice(body);
        out
    };
    let mut gz = GzEncoder::new(Vec::new(), Compression::best());
    gz.write_all(&page).unwrap();
    let gzipped = gz.finish().unwrap();
    let zstd =
        ruzstd::encoding::compress_to_vec(&page[..], ruzstd::encoding::CompressionLevel::Fastest);
    let brotli = fs::read(fixtures().join("compressed/page.html.br")).unwrap();
    let mut gz = GzEncoder::new(Vec::new(), Compression::best());
    gz.write_all(&vec![b' '; 4 << 20]).unwrap();
    let bomb = gz.finish().unwrap();
    let response = |uri: &'static str, block: &[u8]| {
        record(
            "response",
            &[
                ("WARC-Target-URI", uri),
                ("Content-Type", "application/http; msgtype=response"),
            ],
            block,
        )
    };
    let bytes = [
        response("https://news.example.com/gz", &encoded("gzip", &gzipped)),
        response("https://news.example.com/zstd", &encoded("zstd", &zstd)),
        response("https://news.example.com/br", &encoded("br", &brotli)),
        response("https://news.example.com/bomb", &encoded("gzip", &bomb)),
    ]
    .concat();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("encoded.warc");
    fs::write(&path, bytes).unwrap();
    let opts = InputOptions {
        max_doc_bytes: 1 << 20,
        ..Default::default()
    };
    assert!(bomb.len() < 64 << 10);
    let items = read_all(&[&path], &opts);
    let base = path.display().to_string();
    assert_eq!(
        trace(&items, &base),
        [
            "doc https://news.example.com/gz",
            "doc https://news.example.com/zstd",
            "doc https://news.example.com/br",
            "too_large #4 skipped"
        ]
    );
    let found = docs(&items);
    assert_eq!(found[0].text, found[1].text);
    assert_eq!(found[0].text, found[2].text);
    assert!(found[0].text.len() > 200);
}

#[test]
fn truncated_plain_warc_and_missing_length() {
    let mut records = records();
    // Record 4 loses its Content-Length: skipped, and reading resumes at record 5.
    let text = String::from_utf8_lossy(&records[3]).into_owned();
    let start = text.find("Content-Length").unwrap();
    let end = start + text[start..].find("\r\n").unwrap() + 2;
    records[3].drain(start..end);
    let mut bytes = records.concat();
    // The file stops 10 bytes into the block of record 7.
    let offset_7: usize = records[..6].iter().map(Vec::len).sum();
    let block_7 = offset_7 + memchr::memmem::find(&records[6], b"\r\n\r\n").unwrap() + 4;
    bytes.truncate(block_7 + 10);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.warc");
    fs::write(&path, bytes).unwrap();

    let items = read_all(&[&path], &InputOptions::default());
    let base = path.display().to_string();
    assert_eq!(
        trace(&items, &base),
        [
            "doc https://news.example.com/world/a",
            "malformed_warc #4 skipped",
            "doc urn:uuid:6",
            "malformed_warc #7 skipped",
        ]
    );
    assert!(problems(&items)[1]
        .message
        .contains("ends inside a record block"));
}

#[test]
fn oversized_record_is_skipped_and_reading_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crawl.warc");
    fs::write(&path, records().concat()).unwrap();
    let opts = InputOptions {
        max_doc_bytes: 2000,
        ..InputOptions::default()
    };
    let items = read_all(&[&path], &opts);
    let base = path.display().to_string();
    assert_eq!(
        trace(&items, &base),
        [
            "too_large #3 skipped",
            "doc urn:uuid:6",
            "invalid_utf8 #7 warning",
            "doc https://other.example.org/b"
        ]
    );
    assert_eq!(problems(&items)[0].kind, ProblemKind::TooLarge);
}

/// The HTTP header's charset decodes the payload, over a wrong `<meta>`.
#[test]
fn http_charset_decodes_legacy_pages() {
    let utf8 = fs::read_to_string(fixtures().join("encodings/cafe-utf8.html")).unwrap();
    let cp1252 = fs::read(fixtures().join("encodings/cafe-cp1252.html")).unwrap();
    // The page's own declaration, made wrong: Shift_JIS instead of windows-1252.
    let label = b"\"windows-1252\"";
    let at = cp1252
        .windows(label.len())
        .position(|w| w == label)
        .unwrap();
    let wrong_meta = [&cp1252[..at], b"\"shift_jis\"", &cp1252[at + label.len()..]].concat();
    let uri = (
        "WARC-Target-URI",
        "https://www.limmat-courier.example/city/cafe-rents",
    );
    let response = ("Content-Type", "application/http; msgtype=response");
    let archive = [
        record(
            "response",
            &[uri, response],
            &http("200 OK", "text/html; charset=windows-1252", &wrong_meta),
        ),
        record(
            "response",
            &[uri, response],
            &http("200 OK", "text/html", utf8.as_bytes()),
        ),
    ]
    .concat();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("legacy.warc");
    fs::write(&path, archive).unwrap();
    let items = read_all(&[&path], &InputOptions::default());
    let docs = docs(&items);
    assert_eq!(docs.len(), 2, "{items:?}");
    // Same URI twice: the second id is made unique, with a warning.
    assert!(
        problems(&items)
            .iter()
            .all(|p| p.kind == ProblemKind::DuplicateId),
        "{items:?}"
    );
    assert!(
        docs[0].text.contains("said Renée Müller"),
        "{}",
        docs[0].text
    );
    assert_eq!(docs[0].text, docs[1].text);
}
