//! WARC web archives, plain, gzipped or Zstandard-compressed (`.warc.zst`).
//! The format is simple enough to read by hand: a version line, headers, a
//! blank line, `Content-Length` bytes of block, and a blank line. `response`
//! and `resource` records holding HTML or plain text become documents; all
//! other records are passed over.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use unspun_text::document::site_of_url;
use unspun_text::Document;

use crate::charset::{content_type_charset, meta_charset};
use crate::decode::{decode_text, is_blank};
use crate::html::{self, extract_html};
use crate::open::{unpacked, Counting, Packing};
use crate::problem::{Problem, ProblemKind};
use crate::Out;

/// Longest header line accepted, so garbage cannot make us buffer a whole file.
const MAX_LINE: u64 = 64 << 10;

/// Reads a WARC file, plain or compressed; `id_base` names it in fallback ids (`id_base#N`).
pub(crate) fn read_file(path: &Path, label: &str, id_base: &str, out: &mut Out) {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(err) => {
            return out.problem(Problem::skip(
                label,
                ProblemKind::Unreadable,
                err.to_string(),
            ))
        }
    };
    let file_len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let counted = AtomicU64::new(0);
    let counting = Counting {
        inner: file,
        global: &out.opts.bytes_read,
        local: &counted,
    };
    // Compression is told by the magic bytes, not the file name.
    let raw = BufReader::with_capacity(1 << 16, counting);
    let (mut reader, packing) = match unpacked(raw) {
        Ok(opened) => opened,
        Err(err) => {
            let problem = Problem::skip(label, ProblemKind::Unreadable, err.to_string());
            out.problem(problem);
            return out.add_progress(file_len.saturating_sub(counted.load(Ordering::Relaxed)));
        }
    };
    let mut records = Records {
        reader: &mut *reader,
        label,
        packing,
        number: 0,
        resyncing: false,
    };
    loop {
        match records.next_record(out) {
            Step::Record(record) => handle_record(record, label, id_base, out),
            Step::Skipped => {}
            Step::Done => break,
            Step::Fatal(problem) => {
                out.problem(problem);
                break;
            }
        }
    }
    // After a fatal error the rest of the file is given up: count it as done.
    out.add_progress(file_len.saturating_sub(counted.load(Ordering::Relaxed)));
}

/// One WARC record: its number (1-based), headers and block.
struct Record {
    number: u64,
    headers: Vec<(String, String)>,
    block: Vec<u8>,
}

fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

enum Step {
    Record(Record),
    /// A record passed over (not wanted, too large, or malformed).
    Skipped,
    Done,
    /// The rest of the file cannot be read.
    Fatal(Problem),
}

struct Records<'r> {
    reader: &'r mut dyn BufRead,
    label: &'r str,
    packing: Packing,
    number: u64,
    /// Set after a record whose end is unknown: the junk that follows is expected.
    resyncing: bool,
}

impl Records<'_> {
    fn source(&self) -> String {
        format!("{}#{}", self.label, self.number)
    }

    /// A read error mid-file: a damaged compressed stream, or the OS.
    fn read_failed(&self, err: io::Error) -> Step {
        let kind = self.packing.read_error_kind();
        let message = format!("{err}; records before this one were read");
        Step::Fatal(Problem::skip(self.source(), kind, message))
    }

    fn truncated(&self, what: &str) -> Step {
        let (kind, message) = match self.packing {
            Packing::Gzip => (
                ProblemKind::TruncatedGzip,
                format!("gzip stream ends inside {what}"),
            ),
            Packing::Zstd => (
                ProblemKind::TruncatedZstd,
                format!("zstd stream ends inside {what}"),
            ),
            Packing::Plain => (
                ProblemKind::MalformedWarc,
                format!("file ends inside {what}"),
            ),
        };
        Step::Fatal(Problem::skip(self.source(), kind, message))
    }

    /// Reads a line (without its CR LF); `None` at end of input.
    fn line(&mut self) -> io::Result<Option<String>> {
        let mut raw = Vec::new();
        let n = (&mut *self.reader)
            .take(MAX_LINE)
            .read_until(b'\n', &mut raw)?;
        if n == 0 {
            return Ok(None);
        }
        while raw.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            raw.pop();
        }
        Ok(Some(String::from_utf8_lossy(&raw).into_owned()))
    }

    fn next_record(&mut self, out: &mut Out) -> Step {
        // Blank lines end the previous record; anything else before a
        // version line is junk, skipped up to the next `WARC/` line.
        let mut junk = 0u64;
        // Numbered up front so that a failure while looking for the record
        // names the record that was expected.
        self.number += 1;
        let version = loop {
            match self.line() {
                Err(err) => return self.read_failed(err),
                Ok(None) if junk == 0 => return Step::Done,
                Ok(None) => {
                    let message = if self.number == 1 {
                        "no `WARC/` version line: not a WARC file".to_string()
                    } else {
                        format!("{junk} lines after the last record are not WARC data")
                    };
                    let kind = ProblemKind::MalformedWarc;
                    return Step::Fatal(Problem::skip(self.source(), kind, message));
                }
                Ok(Some(line)) if line.starts_with("WARC/") => break line,
                Ok(Some(line)) if line.trim().is_empty() => {}
                Ok(Some(_)) => junk += 1,
            }
        };
        if junk > 0 && !std::mem::take(&mut self.resyncing) {
            let message =
                format!("{junk} unexpected lines before this record's `{version}` line; skipped");
            out.problem(Problem::warning(
                self.source(),
                ProblemKind::MalformedWarc,
                message,
            ));
        }
        let mut headers: Vec<(String, String)> = Vec::new();
        loop {
            let line = match self.line() {
                Err(err) => return self.read_failed(err),
                Ok(None) => return self.truncated("the record headers"),
                Ok(Some(line)) => line,
            };
            if line.is_empty() {
                break;
            }
            if line.starts_with([' ', '\t']) {
                // A folded continuation of the previous header.
                if let Some(last) = headers.last_mut() {
                    last.1.push(' ');
                    last.1.push_str(line.trim());
                }
            } else if let Some((name, value)) = line.split_once(':') {
                headers.push((name.trim().to_string(), value.trim().to_string()));
            }
        }
        let length = header(&headers, "Content-Length").and_then(|v| v.parse::<u64>().ok());
        let Some(length) = length else {
            let message = "record without a valid Content-Length; skipped to the next record";
            out.problem(Problem::skip(
                self.source(),
                ProblemKind::MalformedWarc,
                message,
            ));
            self.resyncing = true;
            return Step::Skipped;
        };
        let wanted =
            header(&headers, "WARC-Type").is_some_and(|t| t == "response" || t == "resource");
        let max = out.opts.max_doc_bytes as u64;
        if !wanted || length > max {
            if wanted {
                let message = format!("{length} bytes, over the limit of {max}");
                out.problem(Problem::skip(self.source(), ProblemKind::TooLarge, message));
            }
            return match io::copy(&mut (&mut *self.reader).take(length), &mut io::sink()) {
                Err(err) => self.read_failed(err),
                Ok(n) if n < length => self.truncated("a record block"),
                Ok(_) => Step::Skipped,
            };
        }
        let mut block = Vec::with_capacity(length.min(1 << 24) as usize);
        match (&mut *self.reader).take(length).read_to_end(&mut block) {
            Err(err) => self.read_failed(err),
            Ok(n) if (n as u64) < length => self.truncated("a record block"),
            Ok(_) => Step::Record(Record {
                number: self.number,
                headers,
                block,
            }),
        }
    }
}

/// Turns a response or resource record into a document, if it holds text.
fn handle_record(record: Record, label: &str, id_base: &str, out: &mut Out) {
    let Record {
        number,
        headers,
        block,
    } = record;
    let source = format!("{label}#{number}");
    let warc_type = header(&headers, "Content-Type")
        .unwrap_or("")
        .to_ascii_lowercase();
    let (content_type, body) = if warc_type.starts_with("application/http") {
        match http_payload(&block, out.opts.max_doc_bytes) {
            Ok(Some(payload)) => payload,
            Ok(None) => return, // not a 2xx answer: no article in it
            Err((kind, message)) => {
                return out.problem(Problem::skip(source, kind, message));
            }
        }
    } else {
        (warc_type, block)
    };
    let is_html =
        content_type.contains("html") || (content_type.is_empty() && looks_like_html(&body));
    if !is_html && !content_type.starts_with("text/plain") {
        return; // images, scripts, style sheets...
    }
    // The HTTP header's charset rules over the page's own declaration.
    let declared = content_type_charset(&content_type)
        .or_else(|| is_html.then(|| meta_charset(&body)).flatten());
    let decoded = decode_text(body, declared.as_deref());
    let text = decoded.text;
    let target = header(&headers, "WARC-Target-URI")
        .map(strip_angle)
        .filter(|u| !u.is_empty());
    let record_id = header(&headers, "WARC-Record-ID")
        .map(strip_angle)
        .filter(|u| !u.is_empty());
    let id = target.or(record_id).map(str::to_string);
    let id = id.unwrap_or_else(|| format!("{id_base}#{number}"));
    let mut doc = Document {
        id,
        path: Some(source.clone()),
        ..Default::default()
    };
    doc.url = target.map(str::to_string);
    let mut fell_back = false;
    if is_html {
        let page = extract_html(&text);
        doc.text = page.text;
        doc.title = page.title;
        doc.date = page.date;
        doc.url = doc.url.or(page.url);
        doc.site = doc.url.as_deref().and_then(site_of_url).or(page.site_name);
        fell_back = page.used_fallback;
    } else {
        doc.site = doc.url.as_deref().and_then(site_of_url);
        doc.text = text;
    }
    if is_blank(&doc.text) {
        return out.problem(Problem::skip(
            source,
            ProblemKind::Empty,
            "no text in the record",
        ));
    }
    if let Some(problem) = decoded.problem {
        out.problem(Problem::warning(
            source.clone(),
            problem.kind(),
            problem.message(" of the payload"),
        ));
    }
    if fell_back {
        out.problem(Problem::warning(
            source,
            ProblemKind::MalformedHtml,
            html::FALLBACK_NOTE,
        ));
    }
    out.document(doc);
}

fn strip_angle(s: &str) -> &str {
    let s = s.trim();
    s.strip_prefix('<')
        .and_then(|s| s.strip_suffix('>'))
        .unwrap_or(s)
}

fn looks_like_html(body: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&body[..body.len().min(1024)]).to_ascii_lowercase();
    head.contains("<html") || head.contains("<!doctype html") || head.contains("<body")
}

/// A response's lowercased content type and decoded body.
type Payload = (String, Vec<u8>);

/// The payload of an HTTP response block, its body inflated to at most
/// `max` bytes. `Ok(None)` for non-2xx statuses; errors come with the
/// problem kind to report.
fn http_payload(block: &[u8], max: usize) -> Result<Option<Payload>, (ProblemKind, String)> {
    let malformed = |message: &str| (ProblemKind::MalformedWarc, message.to_string());
    let (head_len, body_start) = match memchr::memmem::find(block, b"\r\n\r\n") {
        Some(i) => (i, i + 4),
        None => match memchr::memmem::find(block, b"\n\n") {
            Some(i) => (i, i + 2),
            None => return Err(malformed("HTTP headers do not end")),
        },
    };
    let head = String::from_utf8_lossy(&block[..head_len]);
    let mut lines = head.lines();
    let status_line = lines.next().unwrap_or("");
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok());
    let Some(status) = status.filter(|_| status_line.starts_with("HTTP/")) else {
        return Err(malformed(&format!("bad HTTP status line `{status_line}`")));
    };
    if !(200..300).contains(&status) {
        return Ok(None);
    }
    let mut content_type = String::new();
    let (mut chunked, mut encoding) = (false, String::new());
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let (name, value) = (name.trim(), value.trim().to_ascii_lowercase());
        if name.eq_ignore_ascii_case("Content-Type") {
            content_type = value;
        } else if name.eq_ignore_ascii_case("Transfer-Encoding") {
            chunked = value.contains("chunked");
        } else if name.eq_ignore_ascii_case("Content-Encoding") {
            encoding = value;
        }
    }
    let mut body = block[body_start..].to_vec();
    if chunked {
        // Some crawlers keep the transfer encoding; others strip it but not
        // the header, so only decode what really is chunked.
        if let Some(joined) = dechunk(&body) {
            body = joined;
        }
    }
    // A body that inflates past the document limit is a bomb or not an
    // article: it is never held whole.
    let inflated = match encoding.as_str() {
        "" | "identity" => Ok(Some(body)),
        "gzip" | "x-gzip" | "zstd" => crate::inflate(&body, max),
        "br" => unbrotli(&body, max),
        other => {
            return Err(malformed(&format!(
                "unsupported HTTP Content-Encoding `{other}`"
            )))
        }
    };
    match inflated {
        Ok(Some(plain)) => body = plain,
        Ok(None) => {
            let message = format!("HTTP body over the limit of {max} bytes once decompressed");
            return Err((ProblemKind::TooLarge, message));
        }
        Err(e) => return Err(malformed(&format!("cannot decompress the HTTP body: {e}"))),
    }
    Ok(Some((content_type, body)))
}

/// A brotli body decompressed, or `None` past `max` bytes.
fn unbrotli(body: &[u8], max: usize) -> io::Result<Option<Vec<u8>>> {
    let mut plain = Vec::new();
    brotli_decompressor::Decompressor::new(body, 1 << 16)
        .take(max as u64 + 1)
        .read_to_end(&mut plain)?;
    Ok((plain.len() <= max).then_some(plain))
}

/// Joins a chunked transfer-encoded body; `None` if it is not one.
fn dechunk(mut rest: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(rest.len());
    loop {
        let eol = memchr::memmem::find(rest, b"\r\n")?;
        let size_text = std::str::from_utf8(&rest[..eol]).ok()?;
        let size_text = size_text.split(';').next()?.trim();
        let size = usize::from_str_radix(size_text, 16).ok()?;
        rest = &rest[eol + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(rest.get(..size)?);
        rest = rest
            .get(size..)?
            .strip_prefix(b"\r\n")
            .unwrap_or(rest.get(size..)?);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_payload_parts() {
        let block = b"HTTP/1.1 200 OK\r\nContent-Type: text/HTML; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
        let (ct, body) = http_payload(block, 1 << 20)
            .ok()
            .flatten()
            .unwrap_or_default();
        assert_eq!(ct, "text/html; charset=utf-8");
        assert_eq!(body, b"hello world");
        assert_eq!(
            http_payload(b"HTTP/1.1 404 Not Found\r\n\r\nnope", 1 << 20),
            Ok(None)
        );
        assert!(http_payload(b"garbage\r\n\r\nx", 1 << 20).is_err());
    }

    #[test]
    fn chunked_header_without_chunks_keeps_body() {
        let block = b"HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n<html>plain</html>";
        let (_, body) = http_payload(block, 1 << 20)
            .ok()
            .flatten()
            .unwrap_or_default();
        assert_eq!(body, b"<html>plain</html>");
    }

    #[test]
    fn angle_brackets_stripped() {
        assert_eq!(strip_angle(" <urn:uuid:1> "), "urn:uuid:1");
        assert_eq!(strip_angle("http://a/b"), "http://a/b");
    }
}
