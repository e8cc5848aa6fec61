//! `.json` files: one array of article objects, as scrapers and news APIs
//! export them, or one or more objects, pretty-printed or not. The file is
//! cut into its records as it streams (so a large export never sits whole in
//! memory), and each record is parsed as a JSON Lines row: the same fields,
//! the line it starts on as its source, and a bad record costs only itself.
//! A news API's response saved whole (`{"articles": [...]}`) gives the
//! articles it holds.

use std::io::{self, Read};
use std::path::Path;

use rayon::prelude::*;

use crate::decode::binary_reason;
use crate::jsonl::{deliver, parse_line, Fields, LineOut};
use crate::open::read_utf8;
use crate::problem::{Problem, ProblemKind};
use crate::wrapped::with_articles_unwrapped;
use crate::Out;

/// Bytes read at a time.
const CHUNK: usize = 1 << 20;
/// Records are parsed in parallel in batches of about this many bytes.
const BATCH_BYTES: usize = 8 << 20;

/// Reads a `.json` file; `id_base` names it in fallback ids (`id_base:LINE`).
pub(crate) fn read_file(path: &Path, label: &str, id_base: &str, out: &mut Out) {
    let result = read_utf8(path, label, out, |reader, out| {
        read_json(reader, label, id_base, out)
    });
    if let Err(err) = result {
        out.problem(Problem::skip(
            label,
            ProblemKind::Unreadable,
            err.to_string(),
        ));
    }
}

/// Reads the records of a `.json` file's text. Errors are read errors;
/// every record read before one is delivered.
fn read_json(mut reader: impl Read, label: &str, id_base: &str, out: &mut Out) -> io::Result<()> {
    let fields = Fields::of(out.opts, label, id_base);
    let record_limit = fields.record_limit();
    let mut splitter = Splitter::new(record_limit);
    let mut buf = vec![0u8; CHUNK];
    let mut first = true;
    let mut failure = None;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => {
                failure = Some(err);
                break;
            }
        };
        let mut chunk = &buf[..n];
        if first {
            first = false;
            if let Some(reason) = binary_reason(chunk) {
                out.problem(Problem::skip(label, ProblemKind::Binary, reason));
                return Ok(());
            }
            chunk = chunk.strip_prefix(b"\xef\xbb\xbf").unwrap_or(chunk);
        }
        splitter.feed(chunk);
        if let Some(found) = splitter.not_json {
            let message = format!(
                "not a JSON array or object: it starts with `{}`",
                char::from(found).escape_default()
            );
            out.problem(Problem::skip(label, ProblemKind::MalformedJson, message));
            return Ok(());
        }
        if splitter.pending_bytes >= BATCH_BYTES {
            parse_and_deliver(&mut splitter, &fields, out);
        }
    }
    if let Some(err) = failure {
        // The record the error cut is not parsed: the error covers it.
        parse_and_deliver(&mut splitter, &fields, out);
        return Err(err);
    }
    splitter.finish();
    parse_and_deliver(&mut splitter, &fields, out);
    match splitter.state {
        State::Start => out.problem(Problem::skip(label, ProblemKind::Empty, "no JSON value")),
        State::Array => {
            let message = "the array is not closed: the file ends inside it (cut short?); \
                           the records before the end were read";
            out.problem(Problem::warning(label, ProblemKind::MalformedJson, message));
        }
        State::Sequence | State::Done => {}
    }
    if let Some(line) = splitter.text_after_array {
        let message = "text after the array's closing `]`, ignored";
        let source = format!("{label}:{line}");
        out.problem(Problem::warning(
            source,
            ProblemKind::MalformedJson,
            message,
        ));
    }
    Ok(())
}

fn parse_and_deliver(splitter: &mut Splitter, fields: &Fields, out: &mut Out) {
    let records = std::mem::take(&mut splitter.records);
    splitter.pending_bytes = 0;
    let parsed: Vec<LineOut> = records
        .par_iter()
        .with_min_len(16)
        .map(|record| {
            if record.oversized {
                let message = format!("record longer than {} bytes", splitter.record_limit);
                LineOut {
                    line_no: record.line,
                    result: Err((ProblemKind::TooLarge, message)),
                }
            } else {
                parse_line(&record.bytes, record.line, fields)
            }
        })
        .collect();
    let sources = records.iter().map(|r| (r.line, &r.bytes[..]));
    for line in with_articles_unwrapped(parsed, sources, fields) {
        deliver(line, fields.label, out);
    }
}

/// Where the splitter is in the file's top level.
#[derive(Clone, Copy, Debug, PartialEq)]
enum State {
    /// Before the first value.
    Start,
    /// Inside `[ ... ]`: records are its elements.
    Array,
    /// Records are top-level values one after another (one object, or
    /// objects separated by white space).
    Sequence,
    /// After the array's `]` (another `[` starts an appended array).
    Done,
}

/// One record's bytes and the line it starts on.
struct Record {
    line: usize,
    bytes: Vec<u8>,
    oversized: bool,
}

/// Cuts JSON text into top-level records by tracking brackets and strings
/// only; parsing each record is left to serde.
struct Splitter {
    state: State,
    line: usize,
    record_limit: usize,
    /// The record being read, if one is.
    current: Option<Record>,
    nesting: u32,
    in_string: bool,
    escaped: bool,
    records: Vec<Record>,
    pending_bytes: usize,
    not_json: Option<u8>,
    text_after_array: Option<usize>,
}

impl Splitter {
    fn new(record_limit: usize) -> Self {
        Splitter {
            state: State::Start,
            line: 1,
            record_limit,
            current: None,
            nesting: 0,
            in_string: false,
            escaped: false,
            records: Vec::new(),
            pending_bytes: 0,
            not_json: None,
            text_after_array: None,
        }
    }

    fn feed(&mut self, mut bytes: &[u8]) {
        while let Some((&b, rest)) = bytes.split_first() {
            if self.not_json.is_some() {
                return;
            }
            if self.in_string && !self.escaped && self.current.is_some() {
                // Most of an article is string: copy up to its next quote or
                // backslash at once.
                let span = memchr::memchr2(b'"', b'\\', bytes).unwrap_or(bytes.len());
                if span > 0 {
                    self.line += memchr::memchr_iter(b'\n', &bytes[..span]).count();
                    self.push_slice(&bytes[..span]);
                    bytes = &bytes[span..];
                    continue;
                }
            }
            bytes = rest;
            self.feed_byte(b);
        }
    }

    fn feed_byte(&mut self, b: u8) {
        match self.state {
            State::Start => match b {
                b'[' => self.state = State::Array,
                b'{' => {
                    self.state = State::Sequence;
                    self.begin(b);
                }
                _ if b.is_ascii_whitespace() => {}
                _ => self.not_json = Some(b),
            },
            // Scrapy's `-o items.json` appends a second array to the first.
            State::Done if b == b'[' => self.state = State::Array,
            State::Done => {
                if !b.is_ascii_whitespace() && self.text_after_array.is_none() {
                    self.text_after_array = Some(self.line);
                }
            }
            State::Array | State::Sequence if self.current.is_some() => self.step(b),
            State::Array if b == b']' => self.state = State::Done,
            State::Array if b == b',' => {}
            _ if b.is_ascii_whitespace() => {}
            _ => self.begin(b),
        }
        if b == b'\n' {
            self.line += 1;
        }
    }

    fn begin(&mut self, b: u8) {
        self.current = Some(Record {
            line: self.line,
            bytes: Vec::new(),
            oversized: false,
        });
        self.nesting = 0;
        self.in_string = false;
        self.escaped = false;
        self.step(b);
    }

    /// One byte of the current record.
    fn step(&mut self, b: u8) {
        if self.in_string {
            if self.escaped {
                self.escaped = false;
            } else if b == b'\\' {
                self.escaped = true;
            } else if b == b'"' {
                self.in_string = false;
            }
            return self.push(b);
        }
        match b {
            b'"' => {
                self.in_string = true;
                self.push(b);
            }
            b'{' | b'[' => {
                self.nesting += 1;
                self.push(b);
            }
            b'}' | b']' if self.nesting > 0 => {
                self.nesting -= 1;
                self.push(b);
                if self.nesting == 0 {
                    self.end_record();
                }
            }
            // A bare value (a number, a string, junk) in an array ends at the
            // next comma or at the array's end.
            b',' if self.nesting == 0 && self.state == State::Array => self.end_record(),
            b']' if self.nesting == 0 && self.state == State::Array => {
                self.end_record();
                self.state = State::Done;
            }
            // Between top-level objects, stray text runs to the end of its line.
            b'\n' if self.nesting == 0 && self.state == State::Sequence => self.end_record(),
            _ => self.push(b),
        }
    }

    fn push(&mut self, b: u8) {
        self.push_slice(&[b]);
    }

    fn push_slice(&mut self, bytes: &[u8]) {
        if let Some(record) = &mut self.current {
            let room = self.record_limit.saturating_sub(record.bytes.len());
            record
                .bytes
                .extend_from_slice(&bytes[..bytes.len().min(room)]);
            record.oversized |= bytes.len() > room;
        }
    }

    fn end_record(&mut self) {
        if let Some(record) = self.current.take() {
            if !record.bytes.iter().all(u8::is_ascii_whitespace) || record.oversized {
                self.pending_bytes += record.bytes.len();
                self.records.push(record);
            }
        }
    }

    /// At the end of the input: a record cut short is still parsed (and
    /// reported by the parser).
    fn finish(&mut self) {
        self.end_record();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> (Vec<(usize, String)>, State) {
        let mut splitter = Splitter::new(1 << 20);
        // Byte by byte and whole must agree: chunk seams fall anywhere.
        let mut whole = Splitter::new(1 << 20);
        whole.feed(text.as_bytes());
        whole.finish();
        for b in text.as_bytes() {
            splitter.feed(std::slice::from_ref(b));
        }
        splitter.finish();
        let records = |s: &Splitter| -> Vec<(usize, String)> {
            s.records
                .iter()
                .map(|r| (r.line, String::from_utf8(r.bytes.clone()).unwrap()))
                .collect()
        };
        assert_eq!(records(&splitter), records(&whole));
        (records(&splitter), splitter.state)
    }

    #[test]
    fn a_pretty_printed_array_gives_each_object_with_its_first_line() {
        let text = "[\n  {\n    \"id\": \"a\",\n    \"text\": \"brackets ] } in \\\"text\\\"\"\n  },\n  {\"id\": \"b\", \"tags\": [1, [2]]}\n]\n";
        let (records, state) = split(text);
        assert_eq!(state, State::Done);
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].0, 2);
        assert!(records[0]
            .1
            .ends_with("\"brackets ] } in \\\"text\\\"\"\n  }"));
        assert_eq!(
            records[1],
            (6, "{\"id\": \"b\", \"tags\": [1, [2]]}".into())
        );
    }

    #[test]
    fn bare_values_in_an_array_are_records_for_the_parser_to_refuse() {
        let (records, state) = split("[1, \"two\" ,{\"id\":3}, null]");
        let values: Vec<&str> = records.iter().map(|(_, r)| r.as_str()).collect();
        assert_eq!(values, ["1", "\"two\" ", "{\"id\":3}", "null"]);
        assert_eq!(state, State::Done);
    }

    #[test]
    fn objects_one_after_another_and_stray_lines() {
        let (records, state) = split("{\"id\": 1}\n{\n \"id\": 2\n}\noops\n{\"id\": 3}");
        let values: Vec<(usize, &str)> = records.iter().map(|(l, r)| (*l, r.as_str())).collect();
        assert_eq!(
            values,
            [
                (1, "{\"id\": 1}"),
                (2, "{\n \"id\": 2\n}"),
                (5, "oops"),
                (6, "{\"id\": 3}")
            ]
        );
        assert_eq!(state, State::Sequence);
    }

    #[test]
    fn arrays_appended_to_one_another_are_read_on() {
        let (records, state) = split("[\n{\"id\": 1}\n][\n{\"id\": 2}\n]\n");
        assert_eq!(
            records,
            [(2, "{\"id\": 1}".into()), (4, "{\"id\": 2}".into())]
        );
        assert_eq!(state, State::Done);
    }

    #[test]
    fn a_cut_short_array_keeps_its_last_partial_record() {
        let (records, state) = split("[{\"id\": 1}, {\"id\": 2, \"te");
        assert_eq!(records.len(), 2);
        assert_eq!(records[1].1, "{\"id\": 2, \"te");
        assert_eq!(state, State::Array);
    }

    #[test]
    fn lines_count_inside_strings_and_text_is_no_json() {
        // A raw line break inside a string is bad JSON, but the lines after
        // it must still be named right.
        let (records, _) = split("[{\"text\": \"one\ntwo\"},\n{\"id\": 2}]");
        assert_eq!(records[1], (3, "{\"id\": 2}".into()));
        let mut splitter = Splitter::new(64);
        splitter.feed(b"  hello [1]");
        assert_eq!(splitter.not_json, Some(b'h'));
        assert!(splitter.records.is_empty());
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_split_the_same_whole_and_in_pieces(
            bytes in proptest::collection::vec(
                proptest::sample::select(b"[]{},:\"\\\n ab1".to_vec()), 0..200),
            cut in 0usize..200,
        ) {
            let mut whole = Splitter::new(64);
            whole.feed(&bytes);
            whole.finish();
            let mut pieces = Splitter::new(64);
            let cut = cut.min(bytes.len());
            pieces.feed(&bytes[..cut]);
            pieces.feed(&bytes[cut..]);
            pieces.finish();
            let records = |s: &Splitter| -> Vec<(usize, Vec<u8>, bool)> {
                s.records.iter().map(|r| (r.line, r.bytes.clone(), r.oversized)).collect()
            };
            proptest::prop_assert_eq!(records(&whole), records(&pieces));
            proptest::prop_assert_eq!(whole.state, pieces.state);
        }
    }

    #[test]
    fn an_oversized_record_is_marked_not_kept() {
        let mut splitter = Splitter::new(8);
        splitter.feed(b"[{\"id\": \"0123456789\"}, {\"a\":1}]");
        splitter.finish();
        let kept: Vec<(bool, usize)> = splitter
            .records
            .iter()
            .map(|r| (r.oversized, r.bytes.len()))
            .collect();
        assert_eq!(kept, [(true, 8), (false, 7)]);
    }
}
