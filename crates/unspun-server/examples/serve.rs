//! Serves an index folder: what `unspun serve --index DIR` does, for
//! benchmarks and trying the page without the CLI.
//!
//! ```sh
//! cargo run --release -p unspun-server --example serve -- --index /tmp/idx [--addr 127.0.0.1:8080] [--token T]
//! ```

use std::path::PathBuf;
use unspun_server::{run_server, ServerConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut cfg = ServerConfig::default();
    let mut index = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let value = args.next().ok_or(format!("{a} needs a value"))?;
        match a.as_str() {
            "--index" => index = Some(PathBuf::from(value)),
            "--addr" => cfg.addr = value.parse()?,
            "--token" => cfg.token = Some(value),
            _ => return Err(format!("unknown option {a}").into()),
        }
    }
    let index = index.ok_or("usage: serve --index DIR [--addr IP:PORT] [--token T]")?;
    run_server(&index, cfg, |addr| {
        eprintln!("unspun: serving {} on http://{addr}/", index.display())
    })?;
    Ok(())
}
