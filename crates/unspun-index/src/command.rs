//! `unspun index add|query|stats|remove`, for the CLI to call.
//!
//! Output is JSON Lines on the given writer, one line per document, written
//! only after the batch holding it is committed: a printed line is a durable
//! document.

use crate::error::IndexError;
use crate::index::Index;
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use unspun_compare::Meaning;
use unspun_ingest::{read_inputs, InputOptions, Item, Problem};
use unspun_text::Document;

/// Documents `query` matches in one round (the model's work batched
/// across them).
const QUERY_BATCH: usize = 256;

/// One index command, its arguments already parsed.
#[derive(Debug, Clone)]
pub enum IndexCommand {
    /// Add documents (files, directories, JSONL, WARC; `-` for JSONL on
    /// stdin), committing every `batch` documents.
    Add {
        inputs: Vec<PathBuf>,
        input: InputOptions,
        batch: usize,
    },
    /// Match documents against the index without adding them.
    Query {
        inputs: Vec<PathBuf>,
        input: InputOptions,
    },
    /// Counts and sizes, as pretty JSON.
    Stats,
    /// Remove documents by id.
    Remove { ids: Vec<String> },
}

/// What a command did, for the exit code and a summary line.
#[derive(Debug, Default)]
pub struct CommandOutcome {
    /// Documents added, queried or removed.
    pub documents: usize,
    /// Documents refused (duplicate id, empty text, unknown id to remove).
    pub refused: usize,
    /// Pairs the added or queried documents formed with indexed ones.
    pub pairs: usize,
    /// Inputs skipped or warned about while reading.
    pub problems: Vec<Problem>,
}

impl CommandOutcome {
    /// True when some input was not used (exit code 1 in the CLI).
    pub fn partial(&self) -> bool {
        self.refused > 0 || self.problems.iter().any(|p| p.skipped)
    }
}

#[derive(Serialize)]
struct Refused<'a> {
    id: Option<&'a str>,
    error: String,
}

#[derive(Serialize)]
struct QueryLine<'a> {
    id: &'a str,
    pairs: Vec<crate::Pair>,
}

/// Runs `cmd` on the index in `dir` (created by `Add` if missing); with
/// `meaning`, adds and queries find paraphrase and same-story pairs too.
pub fn run_index_command(
    dir: &Path,
    cmd: IndexCommand,
    meaning: Option<Arc<Meaning>>,
    out: &mut dyn Write,
) -> Result<CommandOutcome, IndexError> {
    run_index_command_with(dir, cmd, meaning, out, &mut |_| {})
}

/// [`run_index_command`], calling `progress` with the number of documents
/// just handled (added, refused or queried) as their lines are written.
pub fn run_index_command_with(
    dir: &Path,
    cmd: IndexCommand,
    meaning: Option<Arc<Meaning>>,
    out: &mut dyn Write,
    progress: &mut dyn FnMut(usize),
) -> Result<CommandOutcome, IndexError> {
    let with = |index: Index| match &meaning {
        Some(m) => index.with_meaning(m.clone()),
        None => index,
    };
    let mut outcome = CommandOutcome::default();
    match cmd {
        IndexCommand::Add {
            inputs,
            input,
            batch,
        } => {
            let index = with(Index::open(dir)?);
            in_batches(
                &inputs,
                &input,
                batch,
                &mut outcome,
                &mut |docs, outcome| {
                    let ids: Vec<String> = docs.iter().map(|d| d.id.clone()).collect();
                    for (id, r) in ids.iter().zip(index.add_batch(docs)?) {
                        let r = r.map(|added| (added.pairs.len(), added));
                        report(out, outcome, id, r)?;
                    }
                    progress(ids.len());
                    Ok(())
                },
            )?;
        }
        IndexCommand::Query { inputs, input } => {
            let index = with(Index::open_existing(dir)?);
            in_batches(
                &inputs,
                &input,
                QUERY_BATCH,
                &mut outcome,
                &mut |docs, outcome| {
                    let ids: Vec<String> = docs.iter().map(|d| d.id.clone()).collect();
                    for (id, r) in ids.iter().zip(index.query_batch(docs)?) {
                        let r = r.map(|pairs| (pairs.len(), QueryLine { id, pairs }));
                        report(out, outcome, id, r)?;
                    }
                    progress(ids.len());
                    Ok(())
                },
            )?;
        }
        IndexCommand::Stats => {
            let index = Index::open_existing(dir)?;
            let stats = index.stats()?;
            serde_json::to_writer_pretty(&mut *out, &stats).map_err(|e| io_err(e.into()))?;
            out.write_all(b"\n").map_err(io_err)?;
        }
        IndexCommand::Remove { ids } => {
            let index = Index::open_existing(dir)?;
            for id in &ids {
                match index.remove(id) {
                    Ok(()) => {
                        outcome.documents += 1;
                        line(out, &serde_json::json!({ "removed": id }))?;
                    }
                    Err(IndexError::NotFound(_)) => {
                        outcome.refused += 1;
                        line(
                            out,
                            &Refused {
                                id: Some(id),
                                error: format!("no document `{id}` in the index"),
                            },
                        )?;
                    }
                    Err(e) => return Err(e),
                }
            }
        }
    }
    out.flush().map_err(io_err)?;
    Ok(outcome)
}

/// What [`in_batches`] hands each batch of documents to.
type Flush<'f> = dyn FnMut(Vec<Document>, &mut CommandOutcome) -> Result<(), IndexError> + 'f;

/// Reads `inputs`, handing the documents to `flush` `batch` at a time;
/// problems reading them go to `outcome`. Stops at `flush`'s first error.
fn in_batches(
    inputs: &[PathBuf],
    input: &InputOptions,
    batch: usize,
    outcome: &mut CommandOutcome,
    flush: &mut Flush,
) -> Result<(), IndexError> {
    let batch = batch.max(1);
    let mut pending = Vec::new();
    let mut failure = None;
    read_inputs(inputs, input, &mut |item| match item {
        Item::Document(d) if failure.is_none() => {
            pending.push(d);
            if pending.len() >= batch {
                if let Err(e) = flush(std::mem::take(&mut pending), outcome) {
                    failure = Some(e);
                }
            }
        }
        Item::Document(_) => {}
        Item::Problem(p) => outcome.problems.push(p),
    })
    .map_err(|e| IndexError::InvalidDocument(e.to_string()))?;
    match failure {
        Some(e) => Err(e),
        None => flush(pending, outcome),
    }
}

/// One document's line: its result with the pairs it found, or its
/// refusal (a document the index will not take); other errors stop the
/// command.
fn report<T: Serialize>(
    out: &mut dyn Write,
    outcome: &mut CommandOutcome,
    id: &str,
    result: Result<(usize, T), IndexError>,
) -> Result<(), IndexError> {
    match result {
        Ok((pairs, value)) => {
            outcome.documents += 1;
            outcome.pairs += pairs;
            line(out, &value)
        }
        Err(e) if e.is_client_error() => {
            outcome.refused += 1;
            let error = e.to_string();
            line(
                out,
                &Refused {
                    id: Some(id),
                    error,
                },
            )
        }
        Err(e) => Err(e),
    }
}

fn line<T: Serialize>(out: &mut dyn Write, value: &T) -> Result<(), IndexError> {
    serde_json::to_writer(&mut *out, value).map_err(|e| io_err(e.into()))?;
    out.write_all(b"\n").map_err(io_err)
}

fn io_err(source: std::io::Error) -> IndexError {
    IndexError::Io {
        path: PathBuf::from("<output>"),
        source,
    }
}
