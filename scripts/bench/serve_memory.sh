#!/usr/bin/env bash
# Resident memory of `summarizer serve` (results go in BENCHMARKS.md): for each batching mode and dtype, starts the
# server on MODEL_DIR, sends one greedy request, and prints the process's resident set then (VmRSS) and at its peak
# so far (VmHWM), in MB, one JSON object per server.
#   scripts/bench/serve_memory.sh [MODEL_DIR] [MODES] [DTYPES]
# e.g. scripts/bench/serve_memory.sh target/bench/t5-small "static continuous" "fp32 q8"
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MODEL="${1:-$ROOT/target/bench/t5-small}"
MODES="${2:-static continuous}"
DTYPES="${3:-fp32 q8}"
. "$ROOT/scripts/lib/server.sh"
[ -f "$MODEL/onnx/encoder_model.onnx" ] || { echo "serve_memory.sh: $MODEL has no exported model (see serving.sh)" >&2; exit 1; }
mkdir -p "$ROOT/target/bench"

kib() { sed -n "s/^$1:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$SERVER/status"; }
for dtype in $DTYPES; do
  for mode in $MODES; do
    LOG="$ROOT/target/bench/serve-memory-$mode-$dtype.log"
    start_server serve_memory.sh "$LOG" "$MODEL" --batching "$mode" --dtype "$dtype" --max-batch-size 8
    curl -sf "$URL/v1/summarize" -H 'Content-Type: application/json' \
      -d '{"text": "Anna: Are we still on for lunch?\nBen: Yes, noon at the station.", "max_new_tokens": 16}' >/dev/null \
      || { echo "serve_memory.sh: the request failed (log: $LOG)" >&2; exit 1; }
    sleep 1
    printf '{"batching": "%s", "dtype": "%s", "rss_mb": %d, "peak_rss_mb": %d}\n' "$mode" "$dtype" \
      $(( $(kib VmRSS) / 1024 )) $(( $(kib VmHWM) / 1024 ))
    kill "$SERVER"
    wait "$SERVER" 2>/dev/null || true
  done
done
