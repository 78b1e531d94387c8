#!/usr/bin/env bash
# Serving load test (results go in BENCHMARKS.md): a t5-small-preset model served on loopback, greedy
# summaries of SAMSum validation dialogues. First 16 concurrent clients for 60 s (no errors allowed), then the
# batching gain: 1 client against 8 clients, 60 s each. Prints one JSON object per run.
#   scripts/bench/serving.sh [MODEL_DIR] [SECONDS] [MAX_NEW_TOKENS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MODEL="${1:-$ROOT/target/bench/t5-small}"
SECONDS_PER_RUN="${2:-60}"
MAX_NEW="${3:-64}"
SAMSUM="$ROOT/../shared/data/samsum/validation.jsonl"
[ -f "$SAMSUM" ] || { echo "serving.sh: needs $SAMSUM (the shared data folder beside the clone)" >&2; exit 1; }
. "$ROOT/scripts/lib/server.sh"

if [ ! -f "$MODEL/onnx/decoder_model.onnx" ]; then
  "$ROOT/scripts/summarizer" init --config t5-small --out "$MODEL" --overwrite >&2
  "$ROOT/scripts/summarizer" export --model "$MODEL" >&2
fi

LOG="$ROOT/target/bench/serving-server.log"
mkdir -p "$ROOT/target/bench"
# shellcheck disable=SC2086
start_server serving.sh "$LOG" "$MODEL" --max-batch-size 8 --queue-size 64 ${SERVE_FLAGS:-}
echo "serving.sh: server at $URL (log: $LOG)" >&2

REQUEST="{\"num_beams\": 1, \"max_new_tokens\": $MAX_NEW}"
load() { SUMMARIZER_MAIN=dev.summarizer.serving.bench.LoadTest "$ROOT/scripts/summarizer" "$URL" "$SAMSUM" "$@" "$REQUEST"; }
load 2 5 >/dev/null # warm-up: the first batches of each size allocate
load 16 "$SECONDS_PER_RUN"
load 1 "$SECONDS_PER_RUN"
load 8 "$SECONDS_PER_RUN"

