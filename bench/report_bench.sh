#!/usr/bin/env bash
# The HTML report at corpus scale: scans DOCS bench-corpus documents with
# --report, then prints the report's size, the time `scan` spent, and how
# long headless Chromium takes to load and lay it out (--dump-dom returns
# after the load event and the page's script), against an empty page.
#
#   bench/report_bench.sh                  # DOCS=10000, with the meaning layer
#   DOCS=10000 FLAGS=--no-meaning bench/report_bench.sh
#
# Needs: python3, ../shared, chromium (scripts/setup-browser.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
DOCS=${DOCS:-10000}
FLAGS=${FLAGS:-}
WORK=${WORK:-$(mktemp -d)}
mkdir -p "$WORK"
command -v chromium >/dev/null || bash scripts/setup-browser.sh
cargo build --release -q -p unspun-cli
corpus=$WORK/corpus_${DOCS}.jsonl
[ -f "$corpus" ] || python3 ../shared/bench/make_corpus.py --docs "$DOCS" --seed 7 > "$corpus"
start=$(date +%s.%N)
# shellcheck disable=SC2086
target/release/unspun scan "$corpus" --out "$WORK/out" --report "$WORK/report.html" $FLAGS >/dev/null
end=$(date +%s.%N)
echo "scan + report: $(echo "$end - $start" | bc) s for $DOCS documents"
echo "report size: $(stat -c %s "$WORK/report.html") bytes"
echo "<html><body>empty</body></html>" > "$WORK/empty.html"
load() {
  local s e
  s=$(date +%s.%N)
  chromium --headless --no-sandbox --disable-gpu --dump-dom "file://$1" > /dev/null 2>&1
  e=$(date +%s.%N)
  echo "$e - $s" | bc
}
load "$WORK/empty.html" >/dev/null  # warm the browser's files
empty=$(load "$WORK/empty.html")
report=$(load "$WORK/report.html")
echo "chromium load + render: report ${report} s, empty page ${empty} s"
