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

use clap::Parser;
use std::process::ExitCode;

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
    let outcome = unspun_index::run_index_command(&dir, cmd, meaning, &mut out)?;
    for p in &outcome.problems {
        eprintln!("unspun: {p}");
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
            eprintln!("unspun: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
