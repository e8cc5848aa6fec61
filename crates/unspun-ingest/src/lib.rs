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
//! `.warc` and `.warc.gz` web archives, and `-` for JSON Lines on stdin.
//!
//! Progress: [`InputOptions::bytes_read`] is a shared counter of the input
//! bytes consumed so far (on-disk bytes, so compressed bytes for `.warc.gz`),
//! comparable to [`total_input_bytes`]. Clone the `Arc` before calling
//! [`read_inputs`] and poll it from a progress-bar thread.

mod decode;
mod files;
mod html;
mod jsonl;
mod problem;
mod walk;
mod warc;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use unspun_text::Document;

pub use html::{extract_html, normalize_date, HtmlPage};
pub use problem::{Problem, ProblemKind};

/// How to read the inputs.
#[derive(Debug, Clone)]
pub struct InputOptions {
    /// JSONL field holding the article text.
    pub text_field: String,
    /// JSONL field holding the document id.
    pub id_field: String,
    /// Documents larger than this (in bytes) are skipped with [`ProblemKind::TooLarge`].
    pub max_doc_bytes: usize,
    /// Input bytes consumed so far, for a progress bar (see the crate docs).
    pub bytes_read: Arc<AtomicU64>,
}

impl Default for InputOptions {
    fn default() -> Self {
        InputOptions {
            text_field: "text".to_string(),
            id_field: "id".to_string(),
            max_doc_bytes: 256 << 20,
            bytes_read: Arc::new(AtomicU64::new(0)),
        }
    }
}

/// What [`read_inputs`] delivers: a document, or a problem met on the way.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Document(Document),
    Problem(Problem),
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
    let mut out = Out { sink, ids: HashMap::new(), opts };
    for input in inputs {
        if input.as_os_str() == "-" {
            jsonl::read_stdin(&mut out)?;
        } else {
            files::read_input(input, &mut out);
        }
    }
    Ok(())
}

/// Total bytes of the inputs (for a progress bar); `None` when stdin is among them.
pub fn total_input_bytes(inputs: &[PathBuf]) -> Option<u64> {
    let mut total = 0u64;
    for input in inputs {
        if input.as_os_str() == "-" {
            return None;
        }
        total += files::input_bytes(input);
    }
    Some(total)
}

/// The delivery end: renames duplicate ids and forwards to the caller's sink.
pub(crate) struct Out<'a> {
    sink: &'a mut dyn FnMut(Item),
    /// Every id delivered so far, with the last suffix number handed out for it.
    ids: HashMap<String, u32>,
    pub(crate) opts: &'a InputOptions,
}

impl Out<'_> {
    pub(crate) fn problem(&mut self, problem: Problem) {
        (self.sink)(Item::Problem(problem));
    }

    pub(crate) fn document(&mut self, mut doc: Document) {
        if let Some(&last) = self.ids.get(&doc.id) {
            // Later duplicates get `#2`, `#3`, ... skipping any suffix that is
            // itself an id already seen.
            let base = doc.id.clone();
            let mut k = last;
            let renamed = loop {
                k += 1;
                let candidate = format!("{base}#{k}");
                if !self.ids.contains_key(&candidate) {
                    break candidate;
                }
            };
            if let Some(n) = self.ids.get_mut(&base) {
                *n = k;
            }
            let source = doc.path.clone().unwrap_or_else(|| base.clone());
            self.problem(Problem::warning(
                source,
                ProblemKind::DuplicateId,
                format!("id `{base}` was already used; renamed to `{renamed}`"),
            ));
            doc.id = renamed;
        }
        self.ids.insert(doc.id.clone(), 1);
        (self.sink)(Item::Document(doc));
    }

    pub(crate) fn add_progress(&self, bytes: u64) {
        self.opts.bytes_read.fetch_add(bytes, Ordering::Relaxed);
    }
}

/// A path as text for ids, sources and messages.
pub(crate) fn display_path(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}
