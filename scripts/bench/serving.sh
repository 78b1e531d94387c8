#!/usr/bin/env bash
# Serving load test (results go in BENCHMARKS.md): a t5-small-preset model served on loopback, greedy summaries of
# SAMSum validation dialogues under a mixed load -- half the closed-loop clients ask max_new_tokens 8, half 64 (a lone
# client asks them in turn) -- with 1, 8 and 16 clients for SECONDS each, under static and then continuous batching
# (the same run, so the rows compare). Prints one JSON object per run (per-class latency percentiles, throughput, mean
# batch occupancy); fails on any error. MIX in-turn has every client alternate the two classes instead, so that the
# answers stay half short and half long however the server orders them (see LoadTest).
#   scripts/bench/serving.sh [MODEL_DIR] [SECONDS] [CLIENT_COUNTS] [MODES] [MIX]
# e.g. scripts/bench/serving.sh target/bench/t5-small 60 "1 8 16" "static continuous"
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MODEL="${1:-$ROOT/target/bench/t5-small}"
SECONDS_PER_RUN="${2:-60}"
CLIENT_COUNTS="${3:-1 8 16}"
MODES="${4:-static continuous}"
MIX="${5:-by-client}"
SAMSUM="$ROOT/../shared/data/samsum/validation.jsonl"
[ -f "$SAMSUM" ] || { echo "serving.sh: needs $SAMSUM (the shared data folder beside the clone)" >&2; exit 1; }
. "$ROOT/scripts/lib/server.sh"

if [ ! -f "$MODEL/onnx/decoder_model.onnx" ]; then
  "$ROOT/scripts/summarizer" init --config t5-small --out "$MODEL" --overwrite >&2
  "$ROOT/scripts/summarizer" export --model "$MODEL" >&2
fi
mkdir -p "$ROOT/target/bench"

MIXED='[{"num_beams": 1, "max_new_tokens": 8}, {"num_beams": 1, "max_new_tokens": 64}]'
load() { SUMMARIZER_MAIN=dev.summarizer.serving.bench.LoadTest "$ROOT/scripts/summarizer" "$URL" "$SAMSUM" "$@" "$MIXED" "$MIX"; }
for mode in $MODES; do
  LOG="$ROOT/target/bench/serving-$mode.log"
  # shellcheck disable=SC2086
  start_server serving.sh "$LOG" "$MODEL" --batching "$mode" --max-batch-size 8 --queue-size 64 ${SERVE_FLAGS:-}
  echo "serving.sh: $mode batching at $URL (log: $LOG)" >&2
  load 4 5 >/dev/null # warm-up: the first batches of each size allocate
  for clients in $CLIENT_COUNTS; do
    load "$clients" "$SECONDS_PER_RUN" | sed "s/^{/{\"batching\":\"$mode\",/"
  done
  kill "$SERVER"
  wait "$SERVER" 2>/dev/null || true
done
