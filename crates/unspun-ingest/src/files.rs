//! One input argument: a directory or a single file, dispatched by kind.

use std::fs::{self, File};
use std::io::{self, BufReader, Read};
use std::path::{Component, Path};

use unspun_text::document::{leading_date_line, site_of_url};
use unspun_text::Document;

use crate::charset::meta_charset;
use crate::decode::{binary_reason_of_text, decode_text, is_blank};
use crate::open::{unpacked, Packing};
use crate::problem::{Problem, ProblemKind};
use crate::walk::{walk, Entry, FileKind, Outputs};
use crate::{delimited, display_path, html, json_file, jsonl, warc, Out};

/// The file names a folder's walk reads, for messages.
const READ_KINDS: &str = ".txt, .md, .html, .htm, .jsonl, .ndjson, .json, .csv, .tsv, .warc; \
                          each also gzipped or zstd-compressed";

/// Reads one command-line input (not `-`).
pub(crate) fn read_input(input: &Path, out: &mut Out) {
    let meta = match fs::metadata(input) {
        Ok(meta) => meta,
        Err(err) => {
            let source = display_path(input);
            return out.problem(Problem::skip(
                source,
                ProblemKind::Unreadable,
                err.to_string(),
            ));
        }
    };
    if meta.is_dir() {
        let entries = walk(input, &Outputs::of(&out.opts.outputs));
        if entries.is_empty() {
            // Said, not silent: a folder of `.xml` or `.doc` files gives
            // nothing, and the user should hear why.
            let message = format!("no file of a kind unspun reads in this folder ({READ_KINDS})");
            out.problem(Problem::skip(
                display_path(input),
                ProblemKind::Empty,
                message,
            ));
        }
        for entry in entries {
            match entry {
                Entry::File {
                    path,
                    rel,
                    kind,
                    len,
                } => {
                    let id = rel_id(&rel);
                    // A file in a subfolder: its first folder names the site.
                    let folder = match rel.components().next() {
                        Some(Component::Normal(first)) if rel.components().count() > 1 => {
                            Some(first.to_string_lossy().into_owned())
                        }
                        _ => None,
                    };
                    read_file(&path, &display_path(&path), kind, len, id, folder, out);
                }
                Entry::Problem(problem) => out.problem(problem),
            }
        }
    } else if meta.is_file() {
        // A file named explicitly is read even without a known extension.
        let kind = FileKind::of(input).unwrap_or_else(|| sniff_kind(input));
        let label = display_path(input);
        read_file(input, &label, kind, meta.len(), label.clone(), None, out);
    } else if is_device(&meta) {
        // `/dev/zero` would be copied until the disk is full.
        let message = "a device, not a file or a pipe";
        out.problem(Problem::skip(
            display_path(input),
            ProblemKind::Unreadable,
            message,
        ));
    } else {
        read_pipe(input, out);
    }
}

#[cfg(unix)]
fn is_device(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    meta.file_type().is_char_device() || meta.file_type().is_block_device()
}

#[cfg(not(unix))]
fn is_device(_: &fs::Metadata) -> bool {
    false
}

/// A pipe named on the command line (`<(zcat crawl.jsonl.gz)`,
/// `/dev/stdin` when piped): it can be read only once, and the readers open a file
/// more than once (to tell its kind, to find a table), so it is copied to
/// a temporary file first, then read under its own name.
fn read_pipe(input: &Path, out: &mut Out) {
    let label = display_path(input);
    let spooled = tempfile::NamedTempFile::new().and_then(|mut spool| {
        io::copy(&mut File::open(input)?, spool.as_file_mut())?;
        Ok(spool)
    });
    let spool = match spooled {
        Ok(spool) => spool,
        Err(err) => {
            let message = format!("could not copy it to a temporary file: {err}");
            return out.problem(Problem::skip(label, ProblemKind::Unreadable, message));
        }
    };
    let path = spool.path();
    let len = fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let kind = FileKind::of(input).unwrap_or_else(|| sniff_kind(path));
    read_file(path, &label, kind, len, label.clone(), None, out);
}

/// Bytes [`read_input`] would consume for this input; `None` for a pipe,
/// whose length is not known before it is read.
pub(crate) fn input_bytes(input: &Path, outputs: &Outputs) -> Option<u64> {
    match fs::metadata(input) {
        Ok(meta) if meta.is_dir() => Some(
            walk(input, outputs)
                .iter()
                .map(|e| match e {
                    Entry::File { len, .. } => *len,
                    Entry::Problem(_) => 0,
                })
                .sum(),
        ),
        Ok(meta) if meta.is_file() => Some(meta.len()),
        Ok(_) => None,
        Err(_) => Some(0),
    }
}

/// A relative path as an id, with `/` separators on every platform.
fn rel_id(rel: &Path) -> String {
    let parts: Vec<_> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect();
    parts.join("/")
}

/// Guesses the kind of an explicitly named file with an unknown extension,
/// compressed or not, from its first bytes.
fn sniff_kind(path: &Path) -> FileKind {
    let mut head = Vec::new();
    let _ = File::open(path)
        .and_then(|f| unpacked(BufReader::new(f)))
        .and_then(|(text, _)| text.take(1024).read_to_end(&mut head));
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    let lower = String::from_utf8_lossy(&head).to_ascii_lowercase();
    if head.starts_with(b"WARC/") {
        FileKind::Warc
    } else if head.get(start) == Some(&b'{') {
        FileKind::Jsonl
    } else if head.get(start) == Some(&b'[') {
        FileKind::Json
    } else if lower.contains("<html") || lower.contains("<!doctype html") {
        FileKind::Html
    } else {
        FileKind::Text
    }
}

/// Reads `path`, named `label` in problems and documents' `path`s.
fn read_file(
    path: &Path,
    label: &str,
    kind: FileKind,
    len: u64,
    id: String,
    folder: Option<String>,
    out: &mut Out,
) {
    match kind {
        FileKind::Jsonl => jsonl::read_file(path, label, &id, out),
        FileKind::Json => json_file::read_file(path, label, &id, out),
        FileKind::Csv { tab } => delimited::read_file(path, label, &id, tab, out),
        FileKind::Warc => warc::read_file(path, label, &id, out),
        FileKind::Text | FileKind::Html => {
            match read_whole(path, label, kind, len, &id, folder, out) {
                Whole::Document(doc) => out.document(doc),
                Whole::Table => delimited::read_file(path, label, &id, true, out),
                Whole::Skipped => {}
            }
        }
    }
}

/// What a text or HTML file turned out to be.
enum Whole {
    Document(Document),
    /// A spreadsheet export named like text, to be read as a table.
    Table,
    /// Skipped, with the problem reported.
    Skipped,
}

/// A text or HTML file (maybe compressed), read once into memory.
fn read_whole(
    path: &Path,
    source: &str,
    kind: FileKind,
    len: u64,
    id: &str,
    folder: Option<String>,
    out: &mut Out,
) -> Whole {
    let max = out.opts.max_doc_bytes as u64;
    let opts = out.opts;
    let table =
        |head: &[u8]| kind == FileKind::Text && delimited::is_tab_table(head, &opts.fields.text);
    let opened = File::open(path).and_then(|f| unpacked(BufReader::new(f)));
    let (reader, packing) = match opened {
        Ok(opened) => opened,
        Err(err) => {
            out.add_progress(len);
            let problem = Problem::skip(source, ProblemKind::Unreadable, err.to_string());
            out.problem(problem);
            return Whole::Skipped;
        }
    };
    // A compressed file's size says nothing of its text's: it is read up to
    // the limit instead.
    if packing == Packing::Plain && len > max {
        // A table streams whatever its size. A head that cannot be read is
        // no table, and the file is reported too large.
        let mut head = Vec::new();
        let _ = reader.take(4096).read_to_end(&mut head);
        if table(&head) {
            return Whole::Table;
        }
        let msg = format!("{len} bytes, over the limit of {max}");
        out.add_progress(len);
        out.problem(Problem::skip(source, ProblemKind::TooLarge, msg));
        return Whole::Skipped;
    }
    let plain_len = if packing == Packing::Plain { len } else { 0 };
    let mut bytes = Vec::with_capacity(plain_len as usize);
    // `take` guards against a file that grew since it was measured.
    let read = reader.take(max + 1).read_to_end(&mut bytes);
    if read.is_ok() && table(&bytes) {
        return Whole::Table;
    }
    out.add_progress(len);
    if let Err(err) = read {
        // A compressed file cut short keeps the text before the cut.
        let truncated = packing.read_error_kind();
        if packing == Packing::Plain || bytes.trim_ascii().is_empty() {
            out.problem(Problem::skip(source, truncated, err.to_string()));
            return Whole::Skipped;
        }
        let msg = format!("{err}; the text ends after {} bytes", bytes.len());
        out.problem(Problem::warning(source, truncated, msg));
    }
    if bytes.len() as u64 > max {
        let msg = if packing == Packing::Plain {
            format!("over the limit of {max} bytes")
        } else {
            format!("over the limit of {max} bytes once decompressed")
        };
        out.problem(Problem::skip(source, ProblemKind::TooLarge, msg));
        return Whole::Skipped;
    }
    if let Some(reason) = binary_reason_of_text(&bytes) {
        out.problem(Problem::skip(source, ProblemKind::Binary, reason));
        return Whole::Skipped;
    }
    let declared = match kind {
        FileKind::Html => meta_charset(&bytes),
        _ => None,
    };
    let decoded = decode_text(bytes, declared.as_deref());
    let text = decoded.text;
    if is_blank(&text) {
        out.problem(Problem::skip(source, ProblemKind::Empty, "no text"));
        return Whole::Skipped;
    }
    if let Some(problem) = decoded.problem {
        out.problem(Problem::warning(
            source,
            problem.kind(),
            problem.message(""),
        ));
    }
    let mut doc = Document {
        id: id.to_string(),
        path: Some(source.to_string()),
        ..Default::default()
    };
    if kind == FileKind::Html {
        let page = html::extract_html(&text);
        if is_blank(&page.text) {
            out.problem(Problem::skip(
                source,
                ProblemKind::Empty,
                "no visible text in the HTML",
            ));
            return Whole::Skipped;
        }
        if page.used_fallback {
            out.problem(Problem::warning(
                source,
                ProblemKind::MalformedHtml,
                html::FALLBACK_NOTE,
            ));
        }
        doc.site = page
            .url
            .as_deref()
            .and_then(site_of_url)
            .or(folder)
            .or(page.site_name);
        doc.text = page.text;
        doc.title = page.title;
        doc.url = page.url;
        doc.date = page.date;
    } else {
        // The text stays as is; the cleaner sets the date line aside later.
        doc.date = leading_date_line(&text).map(|(date, _)| date);
        doc.site = folder;
        doc.text = text;
    }
    Whole::Document(doc)
}
