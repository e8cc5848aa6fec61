//! `unspun dedup`: the documents to keep, one copy of each text.

use crate::args::DedupArgs;
use crate::progress::Bars;
use crate::scan_cmd::{counted, outcome_of, same_file, skipped_summary, start};
use crate::Outcome;
use anyhow::{bail, Context, Result};
use flate2::write::GzEncoder;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use unspun_ingest::RecordLines;
use unspun_scan::{
    scan_with_meaning, DedupOptions, DocumentRecord, Dropped, ScanOptions, ScanResult,
};
use unspun_text::Span;

/// A line of the kept documents.
#[derive(Serialize)]
struct KeptLine<'a> {
    id: &'a str,
    /// Where it was read (`file:line` for a record): the way back to the
    /// input record with all its fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a str>,
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    site: Option<&'a str>,
    /// Dropped documents whose text this one keeps.
    copies: usize,
}

pub fn run(args: DedupArgs) -> Result<Outcome> {
    start(args.threshold, args.threads)?;
    let mut opts = ScanOptions {
        lsh_threshold: args.threshold,
        // Pairs and their relations are all dedup needs.
        stories: false,
        ..ScanOptions::default()
    };
    opts.input.fields = args.fields.names();
    opts.input.date_order = args.fields.date_order;
    opts.input.outputs = std::iter::once(&args.out)
        .chain(&args.dropped)
        .filter(|p| p.as_os_str() != "-")
        .cloned()
        .collect();
    for output in &opts.input.outputs {
        if let Some(input) = args.inputs.iter().find(|i| same_file(i, output)) {
            bail!(
                "{} is both an input and an output: writing it would destroy it before it is read",
                input.display()
            );
        }
    }

    // The outputs are opened first: a bad path fails before the scan, not after.
    let mut kept_out = Sink::open(&args.out)?;
    let dropped_out = args.dropped.as_deref().map(Sink::open).transpose()?;

    let bars = Bars::new(args.quiet);
    let started = std::time::Instant::now();
    let result = scan_with_meaning(&args.inputs, &opts, None, &bars)?;
    bars.finish();
    let dropped = result.dedup(DedupOptions {
        drop_contained: !args.keep_contained,
        keep: args.keep,
    });

    write_kept(kept_out.writer(), &result, &dropped, &args)
        .and_then(|()| Ok(kept_out.finish()?))
        .with_context(|| format!("writing the kept documents to {}", args.out.display()))?;
    if let (Some(mut out), Some(path)) = (dropped_out, &args.dropped) {
        write_dropped(out.writer(), &result, &dropped)
            .and_then(|()| Ok(out.finish()?))
            .with_context(|| format!("writing the dropped documents to {}", path.display()))?;
    }
    summarize(&result, &dropped, started.elapsed().as_secs_f64())?;
    Ok(outcome_of(result))
}

/// Where a list goes: a file ('-' is standard output), gzipped when its
/// name ends in `.gz`.
enum Sink {
    Plain(BufWriter<Box<dyn Write>>),
    Gzip(Box<BufWriter<GzEncoder<File>>>),
}

impl Sink {
    fn open(path: &Path) -> Result<Sink> {
        if path.as_os_str() == "-" {
            return Ok(Sink::Plain(BufWriter::new(Box::new(std::io::stdout()))));
        }
        let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
        if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("gz"))
        {
            let gz = GzEncoder::new(file, flate2::Compression::default());
            return Ok(Sink::Gzip(Box::new(BufWriter::new(gz))));
        }
        Ok(Sink::Plain(BufWriter::new(Box::new(file))))
    }

    fn writer(&mut self) -> &mut dyn Write {
        match self {
            Sink::Plain(w) => w,
            Sink::Gzip(w) => w,
        }
    }

    /// Flushes, and writes the gzip trailer.
    fn finish(self) -> std::io::Result<()> {
        match self {
            Sink::Plain(mut w) => w.flush(),
            Sink::Gzip(w) => w
                .into_inner()
                .map_err(|e| e.into_error())?
                .finish()
                .map(drop),
        }
    }
}

fn write_kept(
    out: &mut dyn Write,
    r: &ScanResult,
    dropped: &[Option<Dropped>],
    args: &DedupArgs,
) -> Result<()> {
    let mut copies = vec![0usize; r.documents.len()];
    for d in dropped.iter().flatten() {
        if let Some(c) = copies.get_mut(d.kept as usize) {
            *c += 1;
        }
    }
    let texts = r
        .texts
        .as_ref()
        .context("the scan kept no texts to write")?;
    let mut records = args
        .records
        .then(|| InputRecords::new(&r.documents, &args.fields.text_field));
    for (i, (doc, why)) in r.documents.iter().zip(dropped).enumerate() {
        if why.is_some() {
            continue;
        }
        if args.ids_only {
            writeln!(out, "{}", doc.id)?;
            continue;
        }
        if let Some(line) = records.as_mut().and_then(|rs| rs.line_of(doc)) {
            out.write_all(line)?;
            out.write_all(b"\n")?;
            continue;
        }
        let text = texts
            .read(i)
            .with_context(|| format!("reading back the text of {}", doc.id))?;
        let text = if args.strip_boilerplate {
            without(&text, &doc.removed)
        } else {
            text
        };
        let line = KeptLine {
            id: &doc.id,
            path: doc.path.as_deref(),
            text: &text,
            title: doc.title.as_deref(),
            url: doc.url.as_deref(),
            date: doc.date.as_deref(),
            site: doc.site.as_deref(),
            copies: copies[i],
        };
        serde_json::to_writer(&mut *out, &line)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// The input lines of JSON Lines records, read again file by file as the
/// kept documents come (in input order, so each file is read once).
struct InputRecords<'a> {
    text_field: &'a str,
    /// `file:line` sources that gave more than one document: a saved API
    /// response, whose line is not one article.
    shared: std::collections::HashSet<&'a str>,
    /// The file being read, or the one that could not be.
    current: Option<(String, Option<RecordLines>)>,
}

impl<'a> InputRecords<'a> {
    fn new(docs: &'a [DocumentRecord], text_field: &'a str) -> InputRecords<'a> {
        let mut seen = std::collections::HashSet::new();
        let mut shared = std::collections::HashSet::new();
        for path in docs.iter().filter_map(|d| d.path.as_deref()) {
            if !seen.insert(path) {
                shared.insert(path);
            }
        }
        InputRecords {
            text_field,
            shared,
            current: None,
        }
    }

    /// `doc`'s input line, if it was a JSON Lines record of its own whose
    /// line still holds its text field; `None` otherwise.
    fn line_of(&mut self, doc: &DocumentRecord) -> Option<&[u8]> {
        let path = doc.path.as_deref()?;
        let (file, line) = path.rsplit_once(':')?;
        let line: usize = line.parse().ok()?;
        if !is_jsonl_name(file) || self.shared.contains(path) {
            return None;
        }
        if self.current.as_ref().is_none_or(|(f, _)| f != file) {
            self.current = Some((file.to_string(), RecordLines::open(Path::new(file)).ok()));
        }
        let text_field = self.text_field;
        let bytes = self.current.as_mut()?.1.as_mut()?.line(line).ok()??;
        holds_field(bytes, text_field).then_some(bytes)
    }
}

/// A name the walk reads as JSON Lines.
fn is_jsonl_name(file: &str) -> bool {
    let name = file.to_ascii_lowercase();
    let name = name
        .strip_suffix(".gz")
        .or_else(|| name.strip_suffix(".zst"))
        .unwrap_or(&name);
    name.ends_with(".jsonl") || name.ends_with(".ndjson")
}

/// Whether a JSON object has `field` (a literal key, or a dotted path into
/// nested objects, as the readers look it up).
fn holds_field(json: &[u8], field: &str) -> bool {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_slice(json) else {
        return false;
    };
    if map.contains_key(field) {
        return true;
    }
    let mut parts = field.split('.');
    let mut at = parts.next().and_then(|first| map.get(first));
    for part in parts {
        at = at.and_then(|v| v.get(part));
    }
    at.is_some()
}

/// `text` without the byte ranges in `removed` (a range that does not
/// slice it is kept, so nothing is lost to a bad range).
fn without(text: &str, removed: &[Span]) -> String {
    let mut spans: Vec<Span> = removed.to_vec();
    spans.sort_by_key(|s| (s.start, s.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0usize;
    for s in spans {
        let (start, end) = ((s.start as usize).max(at), s.end as usize);
        if start >= end || text.get(start..end).is_none() {
            continue;
        }
        if let Some(before) = text.get(at..start) {
            out.push_str(before);
            at = end;
        }
    }
    out.push_str(text.get(at..).unwrap_or_default());
    tidy_blank_lines(&out)
}

/// At most one blank line in a row, none at either end: a removed line
/// leaves its line breaks behind.
fn tidy_blank_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    for line in text.trim().split('\n') {
        if line.trim().is_empty() {
            blank_run += 1;
            if blank_run > 1 {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.pop();
    out
}

fn write_dropped(out: &mut dyn Write, r: &ScanResult, dropped: &[Option<Dropped>]) -> Result<()> {
    for line in r.dropped_records(dropped) {
        serde_json::to_writer(&mut *out, &line)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// The summary, on standard error (standard output may carry the documents).
fn summarize(r: &ScanResult, dropped: &[Option<Dropped>], seconds: f64) -> Result<()> {
    let s = &r.summary;
    let mut by_relation: BTreeMap<&str, usize> = BTreeMap::new();
    for d in dropped.iter().flatten() {
        *by_relation.entry(d.relation.as_str()).or_default() += 1;
    }
    let n_dropped: usize = by_relation.values().sum();
    let how: Vec<String> = by_relation
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    let rate = if seconds > 0.0 {
        s.documents as f64 / seconds
    } else {
        0.0
    };
    let mut err = std::io::stderr().lock();
    write!(
        err,
        "Kept {} of {} in {seconds:.2}s ({rate:.0} docs/s); dropped {}",
        s.documents.saturating_sub(n_dropped),
        counted(s.documents, "document", "documents"),
        n_dropped,
    )?;
    if how.is_empty() {
        writeln!(err, ".")?;
    } else {
        writeln!(err, " ({}).", how.join(", "))?;
    }
    if let Some(skipped) = skipped_summary(s) {
        writeln!(err, "{skipped}.")?;
    }
    Ok(())
}
