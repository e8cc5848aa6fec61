//! `unspun`: find where news text came from.
//!
//! This binary only parses flags, dispatches and maps outcomes to exit codes:
//! 0 everything was read, 1 some input was skipped (the rest was processed),
//! 2 usage or fatal error.

mod args;
mod compare_cmd;
mod eval_cmd;
mod progress;
mod scan_cmd;

use clap::Parser;
use std::process::ExitCode;

/// What a command reports back to `main`.
pub enum Outcome {
    Complete,
    /// Some input could not be used; the rest was processed.
    Partial,
}

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let result = match cli.command {
        args::Command::Scan(a) => scan_cmd::run(a),
        args::Command::Compare(a) => compare_cmd::run(a),
        args::Command::Eval(a) => eval_cmd::run(a),
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
