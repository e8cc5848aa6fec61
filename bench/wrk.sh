#!/usr/bin/env bash
# HTTP load on loopback: builds an index of DOCS bench-corpus documents,
# serves it, and runs wrk for DURATION against GET /v1/documents/{id} and
# POST /v1/documents (a new article per request). Prints wrk's latency
# distribution; "Non-2xx" or "Socket errors" lines mean errors.
#
#   bench/wrk.sh                       # DOCS=50000 DURATION=60s CONNS=16 PORT=18080
#   DOCS=200000 DURATION=60s bench/wrk.sh
#   SKIP_BUILD=1 WORK=/tmp/w bench/wrk.sh   # reuse built examples and the index in /tmp/w
#
# Needs: Debian's wrk (installed here if missing), python3, ../shared.
set -euo pipefail
cd "$(dirname "$0")/.."
DOCS=${DOCS:-50000}
DURATION=${DURATION:-60s}
CONNS=${CONNS:-16}
PORT=${PORT:-18080}
WORK=${WORK:-$(mktemp -d)}
mkdir -p "$WORK"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
if [ -z "${SKIP_BUILD:-}" ]; then
  cargo build --release -q -p unspun-index --example ingest_bench
  cargo build --release -q -p unspun-server --example serve
fi
if [ ! -d "$WORK/index" ]; then
  python3 ../shared/bench/make_corpus.py --docs "$DOCS" --seed 7 > "$WORK/corpus.jsonl"
  target/release/examples/ingest_bench "$WORK/corpus.jsonl" --index "$WORK/index" --single 0 | grep -E "bulk load|index:"
fi
target/release/examples/serve --index "$WORK/index" --addr "127.0.0.1:$PORT" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
  sleep 0.1
done
echo "== GET /v1/documents/{id}: $DURATION, $CONNS connections"
DOCS=$DOCS wrk -t2 -c"$CONNS" -d"$DURATION" --latency -s bench/wrk_get.lua "http://127.0.0.1:$PORT"
echo "== POST /v1/documents: $DURATION, $CONNS connections"
wrk -t2 -c"$CONNS" -d"$DURATION" --latency -s bench/wrk_post.lua "http://127.0.0.1:$PORT"
echo "== server counters"
curl -s "http://127.0.0.1:$PORT/metrics" | grep -E '^unspun_(documents_added_total|documents_refused_total|write_batches_total|index_documents|http_requests_total)'
