//! Reading every input kind into [`unspun_text::Document`]s.
//!
//! One entry point, [`read_inputs`], streams documents and [`Problem`]s to a
//! sink in a deterministic order: inputs in the order given, directory entries
//! sorted by path, records and lines in file order. Bad input never aborts a
//! run: it becomes a `Problem`, either a warning (`skipped: false`, the document
//! is still delivered right after it) or a skip.
//!
//! Supported inputs: directories (recursive), `.txt`/`.md` plain text,
//! `.html`/`.htm` pages (main text extracted with a Readability port),
//! `.jsonl`/`.ndjson` (one JSON object per line, parsed in parallel),
//! `.json` arrays of such objects, `.csv`/`.tsv` with a header row (the same
//! fields as JSON Lines), `.warc` web archives, and `-` for JSON Lines on
//! stdin. Any of them may be gzipped or Zstandard-compressed (`.warc.gz`,
//! `.jsonl.zst`, `.html.gz`...): the magic bytes, not the name, decide.
//!
//! Ids: a file inside a directory argument is named by its path relative to
//! that argument (`demo/seeds/000_x.txt` → `000_x.txt`), a file argument by
//! the path as given; a JSONL line or CSV record by its id field (else
//! `file:LINE`); a WARC
//! record by its `WARC-Target-URI` (else `WARC-Record-ID`, else `file#N`).
//! A later duplicate id becomes `id#2`, `id#3`, ... with a
//! [`ProblemKind::DuplicateId`] warning. `Document::path` says where the text
//! is: the file path, `path:LINE` or `path#N` (records counted from 1, all
//! record types included).
//!
//! Progress: [`InputOptions::bytes_read`] is a shared counter of the input
//! bytes consumed so far (on-disk bytes, so compressed bytes for `.warc.gz`
//! or `.jsonl.zst`), comparable to [`total_input_bytes`]. Clone the `Arc` before calling
//! [`read_inputs`] and poll it from a progress-bar thread.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod charset;
mod dates;
mod decode;
mod delimited;
mod files;
mod html;
mod json_file;
mod jsonl;
mod lines;
mod open;
mod problem;
mod utf16;
mod walk;
mod warc;
mod wrapped;
mod zstd;

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use unspun_text::Document;
use xxhash_rust::xxh3::xxh3_128;

pub use dates::{
    date_field, date_problem, normalize_date, normalize_date_in, read_date, DateOrder,
};
pub use html::{extract_html, HtmlPage};
pub use jsonl::missing_text_message;
pub use lines::RecordLines;
pub use problem::{Problem, ProblemKind};

/// The JSON fields (or CSV columns) that hold each part of a document.
/// Exports name them in many ways: news-please writes `maintext`,
/// `date_publish` and `source_domain`, Media Cloud `publish_date` and
/// `media_name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldNames {
    pub text: String,
    pub id: String,
    pub title: String,
    pub url: String,
    pub date: String,
    pub site: String,
}

impl Default for FieldNames {
    fn default() -> Self {
        FieldNames {
            text: "text".to_string(),
            id: "id".to_string(),
            title: "title".to_string(),
            url: "url".to_string(),
            date: "date".to_string(),
            site: "site".to_string(),
        }
    }
}

/// How to read the inputs.
#[derive(Debug, Clone)]
pub struct InputOptions {
    /// Where JSONL, JSON and CSV records keep each part of a document.
    pub fields: FieldNames,
    /// Documents larger than this (in bytes) are skipped with [`ProblemKind::TooLarge`].
    pub max_doc_bytes: usize,
    /// Day or month first in JSONL and CSV dates like `03/04/2023`; without
    /// it such a date is read only where one order alone makes a date.
    pub date_order: Option<DateOrder>,
    /// Input bytes consumed so far, for a progress bar (see the crate docs).
    pub bytes_read: Arc<AtomicU64>,
    /// The run's own output files and folders: a folder being read that
    /// holds them leaves them out (a second `scan .` must not read the
    /// first one's `results/`). A file named as an input is still read.
    pub outputs: Vec<PathBuf>,
}

impl Default for InputOptions {
    fn default() -> Self {
        InputOptions {
            fields: FieldNames::default(),
            max_doc_bytes: 256 << 20,
            date_order: None,
            bytes_read: Arc::new(AtomicU64::new(0)),
            outputs: Vec::new(),
        }
    }
}

/// What [`read_inputs`] delivers: a document, or a problem met on the way.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Document(Document),
    Problem(Problem),
}

/// Gzip or Zstandard `bytes` (an HTTP body sent with `Content-Encoding`)
/// decompressed, or `None` when they would exceed `max` bytes. Bytes that
/// are neither are an `InvalidData` error.
pub fn inflate(bytes: &[u8], max: usize) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let (reader, packing) = open::unpacked(bytes)?;
    if packing == open::Packing::Plain {
        let message = "not gzip or zstd data";
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            message,
        ));
    }
    let mut out = Vec::new();
    reader.take(max as u64 + 1).read_to_end(&mut out)?;
    Ok((out.len() <= max).then_some(out))
}

/// Fatal conditions only; everything about a single input is a [`Problem`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IngestError {
    #[error("cannot read standard input: {0}")]
    Stdin(#[source] std::io::Error),
}

/// Streams every document of every input, in a deterministic order, to `sink`.
///
/// `-` means JSON Lines on stdin. Returns `Err` only for fatal errors; inputs
/// that do not exist are reported as [`ProblemKind::Unreadable`] problems.
/// A warning about a document is delivered just before that document.
pub fn read_inputs(
    inputs: &[PathBuf],
    opts: &InputOptions,
    sink: &mut dyn FnMut(Item),
) -> Result<(), IngestError> {
    let mut out = Out {
        sink,
        ids: HashMap::default(),
        opts,
    };
    for input in inputs {
        if input.as_os_str() == "-" {
            jsonl::read_stdin(&mut out)?;
        } else {
            files::read_input(input, &mut out);
        }
    }
    Ok(())
}

/// Total bytes of the inputs (for a progress bar); `None` when stdin or a
/// pipe is among them.
pub fn total_input_bytes(inputs: &[PathBuf], opts: &InputOptions) -> Option<u64> {
    let outputs = walk::Outputs::of(&opts.outputs);
    let mut total = 0u64;
    for input in inputs {
        if input.as_os_str() == "-" {
            return None;
        }
        total += files::input_bytes(input, &outputs)?;
    }
    Some(total)
}

/// The delivery end: renames duplicate ids and forwards to the caller's sink.
pub(crate) struct Out<'a> {
    sink: &'a mut dyn FnMut(Item),
    /// Every id delivered so far (by 128-bit hash: no copy of the id is
    /// kept, and a false match is out of reach), with the last suffix number
    /// handed out for it.
    ids: HashMap<u128, u32, BuildHasherDefault<IdHasher>>,
    pub(crate) opts: &'a InputOptions,
}

impl Out<'_> {
    pub(crate) fn problem(&mut self, problem: Problem) {
        (self.sink)(Item::Problem(problem));
    }

    pub(crate) fn document(&mut self, mut doc: Document) {
        let key = xxh3_128(doc.id.as_bytes());
        if let Some(&last) = self.ids.get(&key) {
            // Later duplicates get `#2`, `#3`, ... skipping any suffix that is
            // itself an id already seen.
            let mut k = last;
            let (renamed, renamed_key) = loop {
                k += 1;
                let candidate = format!("{}#{k}", doc.id);
                let candidate_key = xxh3_128(candidate.as_bytes());
                if !self.ids.contains_key(&candidate_key) {
                    break (candidate, candidate_key);
                }
            };
            self.ids.insert(key, k);
            let source = doc.path.clone().unwrap_or_else(|| doc.id.clone());
            let message = format!("id `{}` was already used; renamed to `{renamed}`", doc.id);
            self.problem(Problem::warning(source, ProblemKind::DuplicateId, message));
            doc.id = renamed;
            self.ids.insert(renamed_key, 1);
        } else {
            self.ids.insert(key, 1);
        }
        (self.sink)(Item::Document(doc));
    }

    pub(crate) fn add_progress(&self, bytes: u64) {
        self.opts.bytes_read.fetch_add(bytes, Ordering::Relaxed);
    }
}

/// Keys are already uniform hashes: use their low bits as they are.
#[derive(Default)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u128(&mut self, n: u128) {
        self.0 = n as u64;
    }
}

/// A path as text for ids, sources and messages.
pub(crate) fn display_path(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}
