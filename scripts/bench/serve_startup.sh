#!/usr/bin/env bash
# Start-up of `summarizer serve` (results go in BENCHMARKS.md): for each batching mode, the time the server says it
# took to be ready (loading, building the continuous batch's decoder, warming up), then the wall time of its first
# requests, two greedy and two with 4 beams, 64 tokens each, from curl.
#   scripts/bench/serve_startup.sh [MODEL_DIR] [MODES]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MODEL="${1:-$ROOT/target/bench/t5-small}"
MODES="${2:-static continuous}"
. "$ROOT/scripts/lib/server.sh"
[ -f "$MODEL/onnx/encoder_model.onnx" ] || { echo "serve_startup.sh: $MODEL has no exported model (see serving.sh)" >&2; exit 1; }
mkdir -p "$ROOT/target/bench"
TEXT='Anna: Are we still on for lunch tomorrow at the usual place?\nBen: Yes, noon at the station, and bring the report.'
for mode in $MODES; do
  LOG="$ROOT/target/bench/serve-startup-$mode.log"
  start_server serve_startup.sh "$LOG" "$MODEL" --batching "$mode"
  echo "$mode: $(grep -o 'ready in [0-9.]* s' "$LOG")"
  for beams in 1 1 4 4; do
    curl -sf -o /dev/null -w "$mode: first requests, $beams beam(s): %{time_total} s\n" "$URL/v1/summarize" \
      -H 'Content-Type: application/json' -d "{\"text\": \"$TEXT\", \"max_new_tokens\": 64, \"num_beams\": $beams}"
  done
  kill "$SERVER"
  wait "$SERVER" 2>/dev/null || true
done
