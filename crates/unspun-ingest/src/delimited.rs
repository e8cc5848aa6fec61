//! CSV and TSV files with a header row, as data teams export articles: one
//! document per record, with the fields of JSON Lines (`--text-field`,
//! `--id-field`, `title`, `url`, `date`, `site`). Quoted fields may span
//! lines (article text does); a record's source is `file:LINE`, the line it
//! starts on.

use std::borrow::Cow;
use std::io::{BufRead, BufReader};
use std::path::Path;

use crate::decode::{binary_reason, utf16_bom};
use crate::jsonl::{deliver, Fields, LineOut, Row, Scalar};
use crate::open::read_utf8;
use crate::problem::{Problem, ProblemKind};
use crate::{FieldNames, Out};

/// Delimiters tried on the header line, in this order of preference.
const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];

/// Reads a CSV (`tab`: TSV) file; `id_base` names it in fallback ids.
pub(crate) fn read_file(path: &Path, label: &str, id_base: &str, tab: bool, out: &mut Out) {
    let result = read_utf8(path, label, out, |reader, out| {
        let mut reader = BufReader::with_capacity(1 << 16, reader);
        let head = reader.fill_buf()?;
        if head.is_empty() {
            out.problem(Problem::skip(label, ProblemKind::Empty, "empty file"));
        } else if let Some(reason) = binary_reason(head) {
            out.problem(Problem::skip(label, ProblemKind::Binary, reason));
        } else {
            read_table(reader, label, id_base, tab, out);
        }
        Ok(())
    });
    if let Err(err) = result {
        out.problem(Problem::skip(
            label,
            ProblemKind::Unreadable,
            err.to_string(),
        ));
    }
}

/// Whether a file named like text, of which `head` is the start, is a
/// tab-separated table: its first line has tabs and names the text column,
/// as a spreadsheet's "Unicode text" (UTF-16) or "Text (tab delimited)"
/// export saved as `.txt` does. An article's first line naming the text
/// column between tabs is not news.
pub(crate) fn is_tab_table(head: &[u8], text_field: &str) -> bool {
    let head = &head[..head.len().min(4096)];
    let text = match utf16_bom(head) {
        Some((encoding, bom)) => encoding.decode_without_bom_handling(&head[bom..]).0,
        None => {
            let line_end = memchr::memchr(b'\n', head).unwrap_or(head.len());
            if memchr::memchr(b'\t', &head[..line_end]).is_none() {
                return false; // the common case, decided without decoding
            }
            String::from_utf8_lossy(head)
        }
    };
    let first_line = text.lines().next().unwrap_or("");
    let cells: Vec<&str> = first_line.split('\t').map(clean_name).collect();
    cells.len() >= 2 && cells.contains(&text_field)
}

/// The records of a table whose text `reader` gives.
fn read_table(mut reader: impl BufRead, label: &str, id_base: &str, tab: bool, out: &mut Out) {
    let head = match reader.fill_buf() {
        Ok(head) => head,
        Err(err) => {
            let problem = Problem::skip(label, ProblemKind::Unreadable, err.to_string());
            return out.problem(problem);
        }
    };
    let delimiter = delimiter(head, &out.opts.fields.text, tab);
    // After a CR LF the csv crate places the next record at the LF, on the
    // line before; Windows exports end every line so.
    let crlf_lines = memchr::memchr(b'\n', head).is_some_and(|i| i > 0 && head[i - 1] == b'\r');
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(QuoteWatch::new(reader, delimiter));
    let columns = match csv.byte_headers() {
        Ok(header) => Columns::of(header, &out.opts.fields),
        Err(err) => {
            return out.problem(Problem::skip(
                label,
                ProblemKind::MalformedCsv,
                err.to_string(),
            ));
        }
    };
    let Some(text_column) = columns.text else {
        let message = format!(
            "no `{}` column (the header has: {}); --text-field names the column of the text",
            out.opts.fields.text,
            columns.names.join(", ")
        );
        return out.problem(Problem::skip(label, ProblemKind::MissingField, message));
    };
    if columns.id.is_none() {
        let message = format!(
            "no `{}` column; records are named `{id_base}:LINE`",
            out.opts.fields.id
        );
        out.problem(Problem::warning(label, ProblemKind::MissingField, message));
    }
    let fields = Fields::of(out.opts, label, id_base);
    let mut record = csv::ByteRecord::new();
    let mut records = 0usize;
    loop {
        match csv.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(err) => {
                let line = err.position().map_or(0, |p| p.line()) + u64::from(crlf_lines);
                out.problem(Problem::skip(
                    format!("{label}:{line}"),
                    ProblemKind::Unreadable,
                    format!("{err}; the rest of the file is not read"),
                ));
                break;
            }
        }
        records += 1;
        let line_no = record.position().map_or(0, |p| p.line() as usize) + usize::from(crlf_lines);
        let mut warnings = Vec::new();
        let mut cell = |column: Option<usize>| -> Scalar<'static> {
            let Some(bytes) = column.and_then(|c| record.get(c)) else {
                return Scalar::Absent;
            };
            match String::from_utf8_lossy(bytes) {
                Cow::Borrowed(text) => Scalar::Str(Cow::Owned(text.to_string())),
                Cow::Owned(fixed) => {
                    let name = column
                        .and_then(|c| columns.names.get(c))
                        .map_or("", String::as_str);
                    let at = std::str::from_utf8(bytes)
                        .err()
                        .map_or(0, |e| e.valid_up_to());
                    warnings.push((
                        ProblemKind::InvalidUtf8,
                        format!(
                            "invalid UTF-8 at byte {at} of column `{name}`; replaced with U+FFFD"
                        ),
                    ));
                    Scalar::Str(Cow::Owned(fixed))
                }
            }
        };
        let row = Row {
            id: match columns.id {
                Some(_) => cell(columns.id),
                None => Scalar::Str(Cow::Owned(format!("{id_base}:{line_no}"))),
            },
            text: cell(Some(text_column)),
            title: cell(columns.title),
            url: cell(columns.url),
            date: cell(columns.date),
            site: cell(columns.site),
        };
        let result = row.into_document(line_no, &fields, warnings);
        deliver(LineOut { line_no, result }, label, out);
    }
    if let Some(line) = csv.get_ref().open_quote_line() {
        let message = "a quoted field opened on this line is never closed: \
                       the rest of the file was read as that field";
        let at = format!("{label}:{line}");
        out.problem(Problem::warning(at, ProblemKind::MalformedCsv, message));
    }
    if records == 0 {
        out.problem(Problem::skip(
            label,
            ProblemKind::Empty,
            "no records under the header",
        ));
    }
}

/// Follows the quoting of the bytes the csv crate reads, which ends a
/// quoted field at the end of the file without saying so: one stray quote
/// then swallows every record after it into one field.
struct QuoteWatch<R> {
    inner: R,
    delimiter: u8,
    state: Quoting,
    /// Lines ended so far, and the line the open quoted field started on.
    lines: u64,
    opened_on: u64,
}

#[derive(Clone, Copy, PartialEq)]
enum Quoting {
    FieldStart,
    Bare,
    Quoted,
    /// A quote inside a quoted field: its end, or the first of `""`.
    QuoteInQuoted,
}

impl<R> QuoteWatch<R> {
    fn new(inner: R, delimiter: u8) -> Self {
        QuoteWatch {
            inner,
            delimiter,
            state: Quoting::FieldStart,
            lines: 0,
            opened_on: 0,
        }
    }

    fn follow(&mut self, bytes: &[u8]) {
        for &b in bytes {
            let ends_field = b == self.delimiter || b == b'\n' || b == b'\r';
            self.state = match (self.state, b) {
                (Quoting::Quoted, b'"') => Quoting::QuoteInQuoted,
                (Quoting::Quoted, _) => Quoting::Quoted,
                (Quoting::FieldStart, b'"') => {
                    self.opened_on = self.lines + 1;
                    Quoting::Quoted
                }
                (Quoting::QuoteInQuoted, b'"') => Quoting::Quoted,
                (_, _) if ends_field => Quoting::FieldStart,
                (_, _) => Quoting::Bare,
            };
            self.lines += u64::from(b == b'\n');
        }
    }

    /// The line (from 1) of a quoted field still open where the bytes end.
    fn open_quote_line(&self) -> Option<u64> {
        (self.state == Quoting::Quoted).then_some(self.opened_on)
    }
}

impl<R: std::io::Read> std::io::Read for QuoteWatch<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.follow(&buf[..n]);
        Ok(n)
    }
}

/// The delimiter under which the header line has the text column: a
/// European spreadsheet writes `;`. Otherwise `,` (TSV: a tab).
fn delimiter(head: &[u8], text_field: &str, tab: bool) -> u8 {
    let header = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let header = String::from_utf8_lossy(header);
    let has_text = |d: u8| {
        header
            .split(char::from(d))
            .any(|name| clean_name(name) == text_field)
    };
    let preferred = if tab { b'\t' } else { b',' };
    std::iter::once(preferred)
        .chain(DELIMITERS)
        .find(|&d| has_text(d))
        .unwrap_or(preferred)
}

/// A header name without a byte-order mark, quotes or surrounding spaces.
fn clean_name(name: &str) -> &str {
    name.trim_start_matches('\u{feff}')
        .trim()
        .trim_matches('"')
        .trim()
}

/// Where each field is in a record.
struct Columns {
    names: Vec<String>,
    text: Option<usize>,
    id: Option<usize>,
    title: Option<usize>,
    url: Option<usize>,
    date: Option<usize>,
    site: Option<usize>,
}

impl Columns {
    fn of(header: &csv::ByteRecord, fields: &FieldNames) -> Columns {
        let names: Vec<String> = header
            .iter()
            .map(|name| clean_name(&String::from_utf8_lossy(name)).to_string())
            .collect();
        let find = |wanted: &str| names.iter().position(|n| n == wanted);
        Columns {
            text: find(&fields.text),
            id: find(&fields.id),
            title: find(&fields.title),
            url: find(&fields.url),
            date: find(&fields.date),
            site: find(&fields.site),
            names,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delimiter_is_the_one_that_finds_the_text_column() {
        assert_eq!(delimiter(b"id,title,text\n1,a,b", "text", false), b',');
        assert_eq!(
            delimiter(b"\xef\xbb\xbfid;\"text\";date\n", "text", false),
            b';'
        );
        assert_eq!(delimiter(b"id\ttext\n", "text", false), b'\t');
        assert_eq!(delimiter(b"id\tbody\n", "text", true), b'\t');
        assert_eq!(delimiter(b"id;body\n", "text", false), b',');
    }

    fn open_quote(csv: &[u8]) -> Option<u64> {
        let mut watch = QuoteWatch::new(csv, b',');
        // In pieces, as the csv crate reads: state carries across reads.
        let mut buf = [0u8; 3];
        while std::io::Read::read(&mut watch, &mut buf).is_ok_and(|n| n > 0) {}
        watch.open_quote_line()
    }

    #[test]
    fn a_quoted_field_left_open_at_the_end_is_found_with_its_line() {
        let closed = b"id,text\n1,\"a \"\"quoted\"\" word,\nover lines\"\n2,b\"c\"\n3,\"\"\n";
        assert_eq!(open_quote(closed), None);
        assert_eq!(
            open_quote(b"id,text\n1,\"fine\"\n2,\"never closed\n3,x\n"),
            Some(3)
        );
        // A quote inside a bare field is text, not an opening.
        assert_eq!(open_quote(b"id,text\n1,5\" screen\n"), None);
        assert_eq!(open_quote(b"id,text\r\n1,\"a\"\"\r\n"), Some(2));
    }
}
