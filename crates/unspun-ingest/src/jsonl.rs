//! JSON Lines: the hot input. A reader thread reads big chunks, splits them
//! into lines with memchr and parses each chunk's lines in parallel (rayon)
//! into owned results; the calling thread delivers them in input order, so
//! the caller's work on one chunk overlaps the parsing of the next.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, Read};
use std::path::Path;
use std::sync::mpsc;

use rayon::prelude::*;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use unspun_text::document::site_of_url;
use unspun_text::Document;

use crate::decode::{binary_reason, first_invalid_utf8, is_blank};
use crate::open::{read_utf8, unpacked};
use crate::problem::{Problem, ProblemKind};
use crate::wrapped::with_articles_unwrapped;
use crate::{date_field, DateOrder, IngestError, InputOptions, Out};

/// Bytes read per chunk: big enough to keep both cores busy on a chunk.
const CHUNK: usize = 8 << 20;
/// Chunks parsed ahead of the caller; bounds memory.
const AHEAD: usize = 2;

/// Reads a JSONL file; `id_base` names it in fallback ids (`id_base:LINE`).
pub(crate) fn read_file(path: &Path, label: &str, id_base: &str, out: &mut Out) {
    let result = read_utf8(path, label, out, |reader, out| {
        read_stream(reader, label, id_base, false, out)
    });
    if let Err(err) = result {
        out.problem(Problem::skip(
            label,
            ProblemKind::Unreadable,
            err.to_string(),
        ));
    }
}

/// Reads JSONL on stdin, gunzipped or Zstandard-decoded if it is packed
/// (`curl ... | unspun scan -`).
pub(crate) fn read_stdin(out: &mut Out) -> Result<(), IngestError> {
    let stdin = io::BufReader::with_capacity(1 << 16, io::stdin());
    let (stdin, _) = unpacked(stdin).map_err(IngestError::Stdin)?;
    read_stream(stdin, "<stdin>", "<stdin>", true, out).map_err(IngestError::Stdin)
}

/// What the parser thread sends: results of one chunk with the bytes it took.
enum Msg {
    Lines(Vec<LineOut>, u64),
    Binary(String),
    Failed(io::Error),
}

/// One non-blank line, parsed. A document carries its source as its `path`.
pub(crate) struct LineOut {
    pub line_no: usize,
    pub result: Result<(Document, Warnings), (ProblemKind, String)>,
}

/// Field names and limits the parser needs.
pub(crate) struct Fields<'a> {
    pub text: &'a str,
    pub id: &'a str,
    pub title: &'a str,
    pub url: &'a str,
    pub date: &'a str,
    pub site: &'a str,
    pub max_doc_bytes: usize,
    pub date_order: Option<DateOrder>,
    /// Names the input in problem sources and `path`s.
    pub label: &'a str,
    /// Names the input in fallback ids.
    pub id_base: &'a str,
}

impl<'a> Fields<'a> {
    /// The run's field names and limits, for the input `label`.
    pub(crate) fn of(opts: &'a InputOptions, label: &'a str, id_base: &'a str) -> Self {
        Fields {
            text: &opts.fields.text,
            id: &opts.fields.id,
            title: &opts.fields.title,
            url: &opts.fields.url,
            date: &opts.fields.date,
            site: &opts.fields.site,
            max_doc_bytes: opts.max_doc_bytes,
            date_order: opts.date_order,
            label,
            id_base,
        }
    }

    /// The six names, in the order of [`Row::slots`].
    fn names(&self) -> [&'a str; 6] {
        [
            self.text, self.id, self.title, self.url, self.date, self.site,
        ]
    }

    /// Whether some field is a path into nested objects (`source.name`)
    /// that starts at the object key `key`.
    fn nests_under(&self, key: &str) -> bool {
        self.names().iter().any(|n| path_rest(n, key).is_some())
    }

    /// A line or record this long cannot hold a document under the limit,
    /// even with every character escaped as `\uXXXX`: stop buffering it.
    pub(crate) fn record_limit(&self) -> usize {
        self.max_doc_bytes.saturating_mul(4).saturating_add(1 << 20)
    }
}

/// Reads JSON Lines from `reader`, delivering to `out` (`count_bytes`: count
/// the bytes read for the progress bar, where no reader below counts them).
/// Errors are read errors; everything read before one is delivered.
fn read_stream(
    reader: impl Read + Send,
    label: &str,
    id_base: &str,
    count_bytes: bool,
    out: &mut Out,
) -> io::Result<()> {
    let fields = Fields::of(out.opts, label, id_base);
    let (tx, rx) = mpsc::sync_channel(AHEAD);
    let mut lines_seen = false;
    let mut failure = None;
    std::thread::scope(|scope| {
        scope.spawn(|| produce(reader, &fields, tx));
        for msg in rx {
            match msg {
                Msg::Lines(lines, bytes) => {
                    lines_seen |= !lines.is_empty();
                    for line in lines {
                        deliver(line, label, out);
                    }
                    if count_bytes {
                        out.add_progress(bytes);
                    }
                }
                Msg::Binary(reason) => {
                    lines_seen = true;
                    out.problem(Problem::skip(label, ProblemKind::Binary, reason));
                }
                Msg::Failed(err) => failure = Some(err),
            }
        }
    });
    if let Some(err) = failure {
        return Err(err);
    }
    if !lines_seen {
        out.problem(Problem::skip(label, ProblemKind::Empty, "no JSON lines"));
    }
    Ok(())
}

pub(crate) fn deliver(line: LineOut, label: &str, out: &mut Out) {
    let source = || format!("{label}:{}", line.line_no);
    match line.result {
        Ok((doc, warnings)) => {
            for (kind, message) in warnings {
                out.problem(Problem::warning(source(), kind, message));
            }
            out.document(doc);
        }
        Err((kind, message)) => out.problem(Problem::skip(source(), kind, message)),
    }
}

/// The parser thread: read, split, parse in parallel, send; in order.
fn produce(mut reader: impl Read, fields: &Fields, tx: mpsc::SyncSender<Msg>) {
    let line_limit = fields.record_limit();
    let mut buf = Vec::with_capacity(CHUNK);
    let mut line_no = 0usize;
    let mut unsent = 0u64;
    let mut skipping = false;
    let mut first = true;
    let mut failure;
    loop {
        let before = buf.len();
        // What was read before an error (a gzip cut short) is still parsed.
        failure = (&mut reader).take(CHUNK as u64).read_to_end(&mut buf).err();
        let n = buf.len() - before;
        unsent += n as u64;
        let eof = n == 0 && failure.is_none();
        let stop = eof || failure.is_some();
        if first && !buf.is_empty() {
            first = false;
            if let Some(reason) = binary_reason(&buf) {
                let _ = tx.send(Msg::Binary(reason));
                return;
            }
        }
        if skipping {
            // Dropping the rest of an overlong line.
            match memchr::memchr(b'\n', &buf) {
                Some(i) => {
                    buf.drain(..=i);
                    line_no += 1;
                    skipping = false;
                }
                None => {
                    buf.clear();
                    if stop {
                        break;
                    }
                    continue;
                }
            }
        }
        let end = match memchr::memrchr(b'\n', &buf) {
            _ if eof => buf.len(),
            Some(i) => i + 1,
            // The line the error cut is lost with the rest of the file.
            None if failure.is_some() => 0,
            None if buf.len() > line_limit => {
                let message = format!("line longer than {line_limit} bytes");
                let out = LineOut {
                    line_no: line_no + 1,
                    result: Err((ProblemKind::TooLarge, message)),
                };
                skipping = true;
                buf.clear();
                if tx.send(Msg::Lines(vec![out], 0)).is_err() {
                    return;
                }
                continue;
            }
            None => continue, // a line longer than a chunk: read on
        };
        let lines = split_lines(&buf[..end], &mut line_no);
        let parsed: Vec<LineOut> = lines
            .par_iter()
            .with_min_len(16)
            .map(|&(no, line)| parse_line(line, no, fields))
            .collect();
        let parsed = with_articles_unwrapped(parsed, lines.iter().copied(), fields);
        buf.drain(..end);
        if tx
            .send(Msg::Lines(parsed, std::mem::take(&mut unsent)))
            .is_err()
        {
            return;
        }
        if stop {
            break;
        }
    }
    if unsent > 0 {
        let _ = tx.send(Msg::Lines(Vec::new(), unsent));
    }
    if let Some(err) = failure {
        let _ = tx.send(Msg::Failed(err));
    }
}

/// Non-blank lines with their 1-based numbers; `line_no` counts on across chunks.
fn split_lines<'a>(mut rest: &'a [u8], line_no: &mut usize) -> Vec<(usize, &'a [u8])> {
    let mut lines = Vec::new();
    while !rest.is_empty() {
        let (mut line, next) = match memchr::memchr(b'\n', rest) {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        *line_no += 1;
        if *line_no == 1 {
            line = line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line);
        }
        if !line.iter().all(u8::is_ascii_whitespace) {
            lines.push((*line_no, line));
        }
        rest = next;
    }
    lines
}

/// Field names shown when a record lacks its text field.
const KEYS_SHOWN: usize = 12;

/// The message for a record without its text field, naming the fields it
/// has: the likely fix is to name the right one.
pub fn missing_text_message(field: &str, keys: &[&str]) -> String {
    let mut shown: Vec<String> = keys
        .iter()
        .take(KEYS_SHOWN)
        .map(|k| format!("`{k}`"))
        .collect();
    if keys.len() > KEYS_SHOWN {
        shown.push(format!("{} more", keys.len() - KEYS_SHOWN));
    }
    if shown.is_empty() {
        return format!("field `{field}` is missing (the record has no fields)");
    }
    format!(
        "field `{field}` is missing (the record has {}); --text-field names the field that \
         holds the text",
        shown.join(", ")
    )
}

/// A parsed row as a document; a row without the text field is told with
/// the fields `json`, its object, has.
fn row_document(
    row: Row,
    json: &[u8],
    line_no: usize,
    fields: &Fields,
    warnings: Warnings,
) -> Result<(Document, Warnings), (ProblemKind, String)> {
    if row.text != Scalar::Absent {
        return row.into_document(line_no, fields, warnings);
    }
    let mut de = serde_json::Deserializer::from_slice(json);
    let keys = de.deserialize_map(KeyNames).unwrap_or_default();
    let keys: Vec<&str> = keys.iter().map(|k| k.0.as_ref()).collect();
    Err((
        ProblemKind::MissingField,
        missing_text_message(fields.text, &keys),
    ))
}

/// The keys of a JSON object, in order.
struct KeyNames;

impl<'de> Visitor<'de> for KeyNames {
    type Value = Vec<Key<'de>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut keys = Vec::new();
        while let Some((key, IgnoredAny)) = map.next_entry::<Key, IgnoredAny>()? {
            keys.push(key);
        }
        Ok(keys)
    }
}

pub(crate) fn parse_line(line: &[u8], line_no: usize, fields: &Fields) -> LineOut {
    let result = match parse_row(line, fields) {
        Ok(row) => row_document(row, line, line_no, fields, Vec::new()),
        // serde_json rejects invalid UTF-8; retry lossily only then, so
        // valid lines are validated once.
        Err(err) => match first_invalid_utf8(line) {
            Some(at) => {
                let fixed = String::from_utf8_lossy(line);
                match parse_row(fixed.as_bytes(), fields) {
                    Ok(row) => {
                        let msg =
                            format!("invalid UTF-8 at byte {at} of the line; replaced with U+FFFD");
                        let warnings = vec![(ProblemKind::InvalidUtf8, msg)];
                        row_document(row, fixed.as_bytes(), line_no, fields, warnings)
                    }
                    Err(err) => Err((ProblemKind::MalformedJson, json_message(&err, line_no))),
                }
            }
            None => Err((ProblemKind::MalformedJson, json_message(&err, line_no))),
        },
    };
    LineOut { line_no, result }
}

/// Whether `json` is an object that has the text field (whatever its value).
pub(crate) fn has_text_field(json: &[u8], fields: &Fields) -> bool {
    parse_row(json, fields).is_ok_and(|row| row.text != Scalar::Absent)
}

/// Whether a JSON object has the id field (null or not).
pub(crate) fn has_id_field(json: &[u8], fields: &Fields) -> bool {
    parse_row(json, fields).is_ok_and(|row| row.id != Scalar::Absent)
}

fn parse_row<'a>(line: &'a [u8], fields: &Fields) -> serde_json::Result<Row<'a>> {
    let mut de = serde_json::Deserializer::from_slice(line);
    let row = RowSeed { fields }.deserialize(&mut de)?;
    de.end()?;
    Ok(row)
}

/// serde's message with the column, without its `line 1` (each line is
/// parsed alone); a record of a `.json` file that starts on `line_no` and
/// spans lines gets the file's line of the error.
fn json_message(err: &serde_json::Error, line_no: usize) -> String {
    let full = err.to_string();
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    let base = full.strip_suffix(&suffix).unwrap_or(&full);
    match err.line() {
        0 | 1 => format!("{base} at column {}", err.column()),
        line => format!(
            "{base} at line {} column {}",
            line_no + line - 1,
            err.column()
        ),
    }
}

/// A JSON value where a string is expected, borrowed from the line when possible.
#[derive(Debug, Default, PartialEq)]
pub(crate) enum Scalar<'a> {
    #[default]
    Absent,
    Null,
    Str(Cow<'a, str>),
    /// A number, as written by serde_json's formatting.
    Number(String),
    /// Anything else, by JSON type name.
    Other(&'static str),
}

impl<'a> Scalar<'a> {
    /// A usable string: strings as they are, numbers as text (for ids).
    fn into_text(self, numbers: bool) -> Result<Cow<'a, str>, String> {
        match self {
            Scalar::Str(s) => Ok(s),
            Scalar::Number(n) if numbers => Ok(Cow::Owned(n)),
            Scalar::Absent => Err("missing".into()),
            Scalar::Null => Err("null".into()),
            Scalar::Number(_) => Err("a number, not a string".into()),
            Scalar::Other(kind) => Err(format!("{kind}, not a string")),
        }
    }

    /// An optional metadata string: anything but a non-empty string is `None`.
    fn into_opt(self) -> Option<String> {
        match self {
            Scalar::Str(s) if !s.trim().is_empty() => Some(s.into_owned()),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Scalar<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Owned(v.to_string())))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Owned(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Scalar::Number(v.to_string()))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Scalar::Number(v.to_string()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Scalar::Number(v.to_string()))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Scalar::Other("a boolean"))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Scalar::Null)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Scalar::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other("an array"))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other("an object"))
    }
}

/// An object key, borrowed when it has no escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Scalar::deserialize(d)? {
            Scalar::Str(s) => Ok(Key(s)),
            _ => Err(de::Error::custom("object key is not a string")),
        }
    }
}

/// The fields of one line that unspun uses; the rest are skipped unparsed.
#[derive(Debug, Default)]
pub(crate) struct Row<'a> {
    pub id: Scalar<'a>,
    pub text: Scalar<'a>,
    pub title: Scalar<'a>,
    pub url: Scalar<'a>,
    pub date: Scalar<'a>,
    pub site: Scalar<'a>,
}

impl<'a> Row<'a> {
    /// The fields, in the order of [`Fields::names`].
    fn slots(&mut self) -> [&mut Scalar<'a>; 6] {
        [
            &mut self.text,
            &mut self.id,
            &mut self.title,
            &mut self.url,
            &mut self.date,
            &mut self.site,
        ]
    }
}

/// What follows `key.` in the dotted field name `name`.
fn path_rest<'n>(name: &'n str, key: &str) -> Option<&'n str> {
    name.strip_prefix(key)?.strip_prefix('.')
}

/// The value at the dotted `path` inside `value`, as a [`Scalar`].
fn scalar_at<'a>(value: &serde_json::Value, path: &str) -> Scalar<'a> {
    use serde_json::Value;
    let mut at = value;
    for step in path.split('.') {
        match at.get(step) {
            Some(next) => at = next,
            None => return Scalar::Absent,
        }
    }
    match at {
        Value::Null => Scalar::Null,
        Value::String(s) => Scalar::Str(Cow::Owned(s.clone())),
        Value::Number(n) => Scalar::Number(n.to_string()),
        Value::Bool(_) => Scalar::Other("a boolean"),
        Value::Array(_) => Scalar::Other("an array"),
        Value::Object(_) => Scalar::Other("an object"),
    }
}

/// Parses a [`Row`] with field names known only at run time.
struct RowSeed<'f> {
    fields: &'f Fields<'f>,
}

impl<'de> DeserializeSeed<'de> for RowSeed<'_> {
    type Value = Row<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Row<'de>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RowSeed<'_> {
    type Value = Row<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Row<'de>, A::Error> {
        let mut row = Row::default();
        let f = self.fields;
        while let Some(Key(key)) = map.next_key()? {
            let slot = match key.as_ref() {
                k if k == f.text => &mut row.text,
                k if k == f.id => &mut row.id,
                k if k == f.title => &mut row.title,
                k if k == f.url => &mut row.url,
                k if k == f.date => &mut row.date,
                k if k == f.site => &mut row.site,
                // API dumps nest parts: NewsAPI's `source.name`.
                k if f.nests_under(k) => {
                    let value: serde_json::Value = map.next_value()?;
                    for (name, slot) in f.names().into_iter().zip(row.slots()) {
                        // A literal dotted key, anywhere in the object, wins.
                        match path_rest(name, k) {
                            Some(rest) if *slot == Scalar::Absent => {
                                *slot = scalar_at(&value, rest)
                            }
                            _ => {}
                        }
                    }
                    continue;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            *slot = map.next_value()?;
        }
        Ok(row)
    }
}

pub(crate) type Warnings = Vec<(ProblemKind, String)>;

impl Row<'_> {
    pub(crate) fn into_document(
        self,
        line_no: usize,
        fields: &Fields,
        mut warnings: Warnings,
    ) -> Result<(Document, Warnings), (ProblemKind, String)> {
        let text = self.text.into_text(false).map_err(|why| {
            (
                ProblemKind::MissingField,
                format!("field `{}` is {why}", fields.text),
            )
        })?;
        if text.len() > fields.max_doc_bytes {
            let msg = format!(
                "{} bytes, over the limit of {}",
                text.len(),
                fields.max_doc_bytes
            );
            return Err((ProblemKind::TooLarge, msg));
        }
        if is_blank(&text) {
            return Err((
                ProblemKind::Empty,
                format!("field `{}` is empty", fields.text),
            ));
        }
        let id = match self.id.into_text(true) {
            Ok(id) if !id.trim().is_empty() => id.into_owned(),
            other => {
                let why = other.err().unwrap_or_else(|| "empty".into());
                let fallback = format!("{}:{line_no}", fields.id_base);
                let msg = format!(
                    "field `{}` is {why}; using `{fallback}` as the id",
                    fields.id
                );
                warnings.push((ProblemKind::MissingField, msg));
                fallback
            }
        };
        let url = self.url.into_opt();
        let site = self
            .site
            .into_opt()
            .or_else(|| url.as_deref().and_then(site_of_url));
        let date = match self.date {
            Scalar::Absent | Scalar::Null => None,
            given => date_field(
                given.into_text(true).as_deref().map_err(String::as_str),
                fields.date_order,
            )
            .unwrap_or_else(|warning| {
                warnings.push((ProblemKind::BadDate, warning));
                None
            }),
        };
        let doc = Document {
            id,
            path: Some(format!("{}:{line_no}", fields.label)),
            text: text.into_owned(),
            title: self.title.into_opt(),
            date,
            url,
            site,
        };
        Ok((doc, warnings))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> Fields<'static> {
        Fields {
            text: "text",
            id: "id",
            title: "title",
            url: "url",
            date: "date",
            site: "site",
            max_doc_bytes: 1000,
            date_order: None,
            label: "dir/f.jsonl",
            id_base: "f.jsonl",
        }
    }

    #[test]
    fn borrowed_fields_and_numeric_id() {
        let line = br#"{"id": 42, "text": "plain", "extra": {"deep": [1, 2]}, "url": "https://www.bbc.co.uk/x"}"#;
        let out = parse_line(line, 7, &fields());
        assert_eq!(out.line_no, 7);
        let (doc, warnings) = out.result.unwrap_or_default();
        assert!(warnings.is_empty());
        assert_eq!(doc.id, "42");
        assert_eq!(doc.text, "plain");
        assert_eq!(doc.path.as_deref(), Some("dir/f.jsonl:7"));
        assert_eq!(doc.site.as_deref(), Some("bbc.co.uk"));
        let row = parse_row(br#"{"text":"no escapes","title":"t\u00e9"}"#, &fields()).ok();
        let row = row.unwrap_or_default();
        assert!(matches!(row.text, Scalar::Str(Cow::Borrowed("no escapes"))));
        assert!(matches!(row.title, Scalar::Str(Cow::Owned(ref t)) if t == "t\u{e9}"));
    }

    #[test]
    fn a_missing_text_field_is_told_with_the_fields_there_are() {
        let out = parse_line(br#"{"id": "a", "body": "x", "b\u00e9": 1}"#, 2, &fields());
        let message = out.result.err().map(|e| e.1).unwrap_or_default();
        assert_eq!(
            message,
            "field `text` is missing (the record has `id`, `body`, `b\u{e9}`); --text-field \
             names the field that holds the text"
        );
        let many: Vec<String> = (0..15).map(|i| format!("f{i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert!(missing_text_message("text", &many).contains("`f11`, 3 more);"));
        assert!(missing_text_message("text", &[]).ends_with("(the record has no fields)"));
        // Only an absent field is told so: a null one says what it is.
        let out = parse_line(br#"{"text": null}"#, 2, &fields());
        let message = out.result.err().map(|e| e.1).unwrap_or_default();
        assert_eq!(message, "field `text` is null");
    }

    #[test]
    fn mapped_field_names() {
        let f = Fields {
            text: "body",
            id: "doc_id",
            ..fields()
        };
        let line =
            br#"{"doc_id":"a","body":"hello","text":"not this","date":"2023-03-17T08:00:00Z"}"#;
        let (doc, _) = parse_line(line, 1, &f).result.unwrap_or_default();
        assert_eq!((doc.id.as_str(), doc.text.as_str()), ("a", "hello"));
        assert_eq!(doc.date.as_deref(), Some("2023-03-17"));

        // A news-please record: every part under its own name.
        let f = Fields {
            text: "maintext",
            title: "title",
            url: "url",
            date: "date_publish",
            site: "source_domain",
            ..fields()
        };
        let line = br#"{"id":"n1","maintext":"Rates held.","date_publish":"2023-03-17 08:00:00","date":"1999-01-01","source_domain":"reuters.com","url":"https://www.bbc.co.uk/x"}"#;
        let (doc, _) = parse_line(line, 1, &f).result.unwrap_or_default();
        assert_eq!(doc.text, "Rates held.");
        assert_eq!(doc.date.as_deref(), Some("2023-03-17"));
        assert_eq!(doc.site.as_deref(), Some("reuters.com"));

        // A NewsAPI article: the outlet nested under `source`; a literal
        // dotted key would win over the path.
        let f = Fields {
            text: "content",
            date: "publishedAt",
            site: "source.name",
            url: "source.url.home",
            ..fields()
        };
        let line = br#"{"source":{"id":"bbc-news","name":"BBC News","url":{"home":"https://bbc.co.uk"}},"content":"Xi arrives.","publishedAt":"2023-03-20T09:00:00Z"}"#;
        let (doc, _) = parse_line(line, 1, &f).result.unwrap_or_default();
        assert_eq!(doc.site.as_deref(), Some("BBC News"));
        assert_eq!(doc.url.as_deref(), Some("https://bbc.co.uk"));
        assert_eq!(doc.date.as_deref(), Some("2023-03-20"));
        let line = br#"{"source":"flat","source.name":"Literal","content":"x"}"#;
        let (doc, _) = parse_line(line, 1, &f).result.unwrap_or_default();
        assert_eq!(doc.site.as_deref(), Some("Literal"));
        let line = br#"{"source":{"name":7},"content":"x"}"#;
        let (doc, _) = parse_line(line, 1, &f).result.unwrap_or_default();
        assert_eq!(doc.site, None);
    }

    #[test]
    fn missing_id_falls_back_with_warning() {
        let (doc, warnings) = parse_line(br#"{"text":"x"}"#, 3, &fields())
            .result
            .unwrap_or_default();
        assert_eq!(doc.id, "f.jsonl:3");
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].0, ProblemKind::MissingField);
        assert!(
            warnings[0].1.contains("`id` is missing"),
            "{}",
            warnings[0].1
        );
    }

    #[test]
    fn bad_lines_are_classified() {
        let err = |line: &[u8]| parse_line(line, 1, &fields()).result.err();
        let (kind, msg) =
            err(br#"{"id":"a","text":"x""#).unwrap_or((ProblemKind::Empty, String::new()));
        assert_eq!(kind, ProblemKind::MalformedJson);
        assert!(msg.ends_with("at column 20"), "{msg}");
        assert!(!msg.contains("line 1"), "{msg}");
        assert_eq!(err(b"[1,2]").map(|e| e.0), Some(ProblemKind::MalformedJson));
        assert_eq!(
            err(br#"{"a":1} x"#).map(|e| e.0),
            Some(ProblemKind::MalformedJson)
        );
        assert_eq!(
            err(br#"{"id":"a"}"#).map(|e| e.0),
            Some(ProblemKind::MissingField)
        );
        assert_eq!(
            err(br#"{"id":"a","text":5}"#).map(|e| e.0),
            Some(ProblemKind::MissingField)
        );
        assert_eq!(
            err(br#"{"id":"a","text":"  \n "}"#).map(|e| e.0),
            Some(ProblemKind::Empty)
        );
        let big = format!(r#"{{"id":"a","text":"{}"}}"#, "x".repeat(1001));
        assert_eq!(
            err(big.as_bytes()).map(|e| e.0),
            Some(ProblemKind::TooLarge)
        );
    }

    #[test]
    fn invalid_utf8_is_decoded_lossily_with_warning() {
        let (doc, warnings) = parse_line(b"{\"id\":\"a\",\"text\":\"caf\xe9!\"}", 2, &fields())
            .result
            .unwrap_or_default();
        assert_eq!(doc.text, "caf\u{fffd}!");
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].0, ProblemKind::InvalidUtf8);
    }

    #[test]
    fn dates_in_every_common_form_or_a_warning() {
        let date_of = |date: &str| {
            let line = format!("{{\"id\":\"a\",\"text\":\"x\",\"date\":{date}}}");
            let (doc, warnings) = parse_line(line.as_bytes(), 1, &fields())
                .result
                .unwrap_or_default();
            let kinds: Vec<ProblemKind> = warnings.iter().map(|w| w.0).collect();
            (doc.date, kinds)
        };
        let ok = |date: &str| (Some(date.to_string()), vec![]);
        assert_eq!(date_of("\"2023-03-20T10:15:00Z\""), ok("2023-03-20"));
        assert_eq!(date_of("\"20.03.2023\""), ok("2023-03-20"));
        assert_eq!(date_of("1679307300"), ok("2023-03-20"));
        assert_eq!(date_of("\"1679307300000\""), ok("2023-03-20"));
        assert_eq!(date_of("null"), (None, vec![]));
        assert_eq!(date_of("\" \""), (None, vec![]));
        assert_eq!(
            date_of("\"03/04/2023\""),
            (None, vec![ProblemKind::BadDate])
        );
        assert_eq!(date_of("[2023, 3, 20]"), (None, vec![ProblemKind::BadDate]));
    }

    #[test]
    fn stream_as_from_stdin() {
        let input = "{\"id\":\"a\",\"text\":\"one\"}\n{\"text\":\"two\"}\n{oops}\n";
        let opts = crate::InputOptions::default();
        let mut items = Vec::new();
        let mut sink = |item| items.push(item);
        let mut out = Out {
            sink: &mut sink,
            ids: Default::default(),
            opts: &opts,
        };
        read_stream(io::Cursor::new(input), "<stdin>", "<stdin>", true, &mut out).unwrap();
        let trace: Vec<String> = items
            .iter()
            .map(|item| match item {
                crate::Item::Document(d) => {
                    format!("doc {} {}", d.id, d.path.as_deref().unwrap_or(""))
                }
                crate::Item::Problem(p) => format!("{} {}", p.kind, p.source),
            })
            .collect();
        assert_eq!(
            trace,
            [
                "doc a <stdin>:1",
                "missing_field <stdin>:2",
                "doc <stdin>:2 <stdin>:2",
                "malformed_json <stdin>:3"
            ]
        );
        assert_eq!(
            opts.bytes_read.load(std::sync::atomic::Ordering::Relaxed),
            input.len() as u64
        );
    }

    #[test]
    fn split_counts_lines_across_chunks_and_skips_blank() {
        let mut no = 0;
        let a = split_lines(b"\xef\xbb\xbf{\"a\":1}\r\n\n  \n{}\n", &mut no);
        assert_eq!(a, vec![(1, &b"{\"a\":1}\r"[..]), (4, &b"{}"[..])]);
        let b = split_lines(b"{}", &mut no);
        assert_eq!(b, vec![(5, &b"{}"[..])]);
    }
}
