#!/usr/bin/env bash
# Tests of the Python binding and the Spark job (python/tests), set-up included.
#
# Idempotent: a virtualenv in target/pyenv gets maturin, pytest, pyspark and
# pyarrow once (a stamp file records what was installed); the binding is then
# rebuilt incrementally by cargo and installed into it (`maturin develop`).
# Exits 0 with a "SKIPPED" message only when it cannot run at all: no
# python3, no venv module, or packages that cannot be installed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=$ROOT/target/pyenv
REQS="maturin>=1.5,<2 pytest pyspark pyarrow"

skip() {
  echo "test-python: SKIPPED, cannot run: $*" >&2
  exit 0
}

PY=${PYTHON:-python3}
command -v "$PY" >/dev/null 2>&1 || skip "no $PY on PATH"
if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV" || skip "'$PY -m venv' failed (on Debian: apt-get install python3-venv)"
fi
if [ "$(cat "$VENV/.unspun-reqs" 2>/dev/null)" != "$REQS" ]; then
  echo "test-python: installing $REQS into $VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip || skip "pip cannot reach the package index"
  # shellcheck disable=SC2086
  "$VENV/bin/python" -m pip install -q $REQS || skip "pip could not install $REQS"
  echo "$REQS" > "$VENV/.unspun-reqs"
fi

echo "test-python: building the binding (maturin develop --release)"
export VIRTUAL_ENV=$VENV PYO3_PYTHON=$VENV/bin/python
(cd python && "$VENV/bin/maturin" develop --release -q)

set +e
"$VENV/bin/python" -m pytest python/tests -q -p no:cacheprovider "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "test-python: pytest collected no tests: that is a failure here" >&2
  exit 1
fi
exit "$rc"
