//! `unspun`: find where news text came from.
//!
//! This binary only parses flags, dispatches and maps outcomes to exit codes:
//! 0 everything was read, 1 some input was skipped (the rest was processed),
//! 2 usage or fatal error.

mod args;
mod compare_cmd;
mod dedup_cmd;
mod eval_cmd;
mod progress;
mod scan_cmd;

use crate::progress::Bars;
use clap::Parser;
use std::process::ExitCode;
use unspun_scan::Progress;

// Scans allocate many small vectors from two threads and free most of them
// between passes; mimalloc is faster at that than the system allocator and
// hands freed pages back, so peak RSS follows live memory. Built with
// `no_thp` (Cargo.toml): asked for transparent huge pages, the kernel zeroes
// 2 MiB at every first touch, and on this VM the zeroing of pages handed
// back and taken again was a sixth of a 2-thread scan.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// What a command reports back to `main`.
pub enum Outcome {
    Complete,
    /// Some input could not be used; the rest was processed.
    Partial,
}

fn model_cmd(c: args::ModelCommand) -> anyhow::Result<Outcome> {
    match c {
        args::ModelCommand::Fetch { dir } => {
            let dir = match dir {
                Some(d) => d,
                None => unspun_embed::default_cache_dir()?,
            };
            let files = unspun_embed::fetch_model(&dir)?;
            let started = std::time::Instant::now();
            unspun_embed::StaticTable::ensure(&files)?;
            println!(
                "model ready in {} (static table {:.1}s)",
                files.dir.display(),
                started.elapsed().as_secs_f64()
            );
        }
        args::ModelCommand::Path => println!(
            "{}",
            unspun_embed::default_cache_dir()?
                .join("all-MiniLM-L6-v2")
                .display()
        ),
    }
    Ok(Outcome::Complete)
}

fn input_options(fields: args::FieldArgs) -> unspun_ingest::InputOptions {
    unspun_ingest::InputOptions {
        fields: fields.names(),
        date_order: fields.date_order,
        ..Default::default()
    }
}

fn index_cmd(a: args::IndexArgs) -> anyhow::Result<Outcome> {
    use unspun_index::IndexCommand;
    // Adding and querying match documents: they use the meaning layer.
    let model = match &a.command {
        args::IndexCmd::Add { model, .. } | args::IndexCmd::Query { model, .. } => {
            Some(model.clone())
        }
        _ => None,
    };
    let (dir, cmd) = match a.command {
        args::IndexCmd::Add {
            index,
            inputs,
            batch,
            fields,
            ..
        } => (
            index,
            IndexCommand::Add {
                inputs,
                input: input_options(fields),
                batch: batch.max(1),
            },
        ),
        args::IndexCmd::Query {
            index,
            inputs,
            fields,
            ..
        } => (
            index,
            IndexCommand::Query {
                inputs,
                input: input_options(fields),
            },
        ),
        args::IndexCmd::Stats { index } => (index, IndexCommand::Stats),
        args::IndexCmd::Remove { index, ids } => (index, IndexCommand::Remove { ids }),
    };
    let mut out = std::io::stdout().lock();
    let meaning = match model {
        Some(m) => m.load()?.map(std::sync::Arc::new),
        None => None,
    };
    // A spinner with the documents handled (when stderr is a terminal),
    // then a summary line, for adds and queries.
    let verb = match &cmd {
        IndexCommand::Add { .. } => Some("added"),
        IndexCommand::Query { .. } => Some("queried"),
        _ => None,
    };
    let bars = Bars::new(verb.is_none());
    bars.stage("documents", None);
    let started = std::time::Instant::now();
    let outcome = unspun_index::run_index_command_with(&dir, cmd, meaning, &mut out, &mut |n| {
        bars.advance(n as u64)
    });
    bars.finish();
    let outcome = outcome?;
    for p in &outcome.problems {
        eprintln!("unspun: {p}");
    }
    if let Some(verb) = verb {
        let seconds = started.elapsed().as_secs_f64();
        eprintln!(
            "unspun: {verb} {} documents in {seconds:.1} s ({:.0} docs/s): {} pairs; {} refused, {} input problems",
            outcome.documents,
            outcome.documents as f64 / seconds.max(1e-9),
            outcome.pairs,
            outcome.refused,
            outcome.problems.len()
        );
    }
    Ok(if outcome.partial() {
        Outcome::Partial
    } else {
        Outcome::Complete
    })
}

fn serve_cmd(a: args::ServeArgs) -> anyhow::Result<Outcome> {
    let cfg = unspun_server::ServerConfig {
        addr: a.addr,
        token: a.token,
        meaning: a.model.load()?.map(std::sync::Arc::new),
        ..Default::default()
    };
    unspun_server::run_server(&a.index, cfg, |addr| {
        eprintln!("unspun: serving {} on http://{addr}/", a.index.display())
    })?;
    Ok(Outcome::Complete)
}

/// The error and its causes, `: `-separated, each said once: library errors
/// put their cause in their own message too (`index folder X: No such
/// file`), which `{:#}` would repeat.
fn error_message(e: &anyhow::Error) -> String {
    let mut message = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if message.ends_with(&text) {
            continue;
        }
        if !message.is_empty() {
            message.push_str(": ");
        }
        message.push_str(&text);
    }
    message
}

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let result = match cli.command {
        args::Command::Scan(a) => scan_cmd::run(a),
        args::Command::Compare(a) => compare_cmd::run(a),
        args::Command::Dedup(a) => dedup_cmd::run(a),
        args::Command::Eval(a) => eval_cmd::run(a),
        args::Command::Model(c) => model_cmd(c),
        args::Command::Index(a) => index_cmd(a),
        args::Command::Serve(a) => serve_cmd(a),
    };
    match result {
        Ok(Outcome::Complete) => ExitCode::SUCCESS,
        Ok(Outcome::Partial) => ExitCode::from(1),
        Err(e) => {
            // A closed pipe (`unspun ... | head`) is not an error worth a message.
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            eprintln!("unspun: error: {}", error_message(&e));
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::error_message;

    /// An error that says its cause and also gives it as its source, as
    /// thiserror's `#[error("...: {source}")]` does.
    #[derive(Debug)]
    struct WithCause {
        source: std::io::Error,
    }

    impl std::fmt::Display for WithCause {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "index folder idx: {}", self.source)
        }
    }

    impl std::error::Error for WithCause {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.source)
        }
    }

    #[test]
    fn each_cause_is_said_once() {
        let io = || std::io::Error::new(std::io::ErrorKind::NotFound, "not found");
        let err = anyhow::Error::new(WithCause { source: io() });
        assert_eq!(error_message(&err), "index folder idx: not found");
        let err = anyhow::Error::new(io()).context("opening a.txt");
        assert_eq!(error_message(&err), "opening a.txt: not found");
    }
}
