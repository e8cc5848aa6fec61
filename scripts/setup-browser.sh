#!/usr/bin/env bash
# Installs Debian's headless-capable Chromium for the web page tests of
# unspun-server (crates/unspun-server/tests/browser.rs). Idempotent: does
# nothing when `chromium` is already on PATH. Needs root (apt-get).
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
command -v chromium >/dev/null
