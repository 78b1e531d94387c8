#!/usr/bin/env bash
# Start-up of a one-off summary (results go in BENCHMARKS.md): the whole `summarizer summarize` process, launcher
# included, RUNS times for each dtype and decoder layout (median wall seconds), then where the time goes inside one
# JVM (StartupBenchmark: JVM start, ONNX Runtime's environment, tokenizer, each session alone, the sessions side
# by side, the first summary). Run it on a quiet machine; the model folder needs export --quantize q8,q4.
#   scripts/bench/startup.sh [MODEL_DIR] [RUNS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MODEL="${1:-$ROOT/target/bench/t5-small}"
RUNS="${2:-5}"
if [ ! -f "$MODEL/onnx/decoder_with_past_model_q4.onnx" ] || [ ! -f "$MODEL/onnx/decoder_with_past_model_quantized.onnx" ]; then
  [ -f "$MODEL/config.json" ] || "$ROOT/scripts/summarizer" init --config t5-small --out "$MODEL" --overwrite >&2
  "$ROOT/scripts/summarizer" export --model "$MODEL" --quantize q8,q4 >&2
fi
"$ROOT/scripts/summarizer" --help >/dev/null # builds, if needed, outside the timing
TEXT="Anna: Are we still meeting at noon?
Ben: Yes, see you at the station."
for dtype in fp32 q8 q4; do
  for decoder in separate merged; do
    times=()
    for _ in $(seq "$RUNS"); do
      start=$(date +%s.%N)
      "$ROOT/scripts/summarizer" summarize --model "$MODEL" --dtype "$dtype" --decoder "$decoder" --max-new-tokens 64 \
        "$TEXT" >/dev/null 2>&1
      times+=("$(echo "$(date +%s.%N) - $start" | bc)")
    done
    median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    echo "{\"measure\": \"summarize process\", \"dtype\": \"$dtype\", \"decoder\": \"$decoder\", \"runs\": $RUNS, \"median_wall_s\": $median}"
  done
done
launcher_start=$(date +%s.%N)
"$ROOT/scripts/summarizer" --help >/dev/null
echo "{\"measure\": \"launcher and JVM, no model (summarizer --help)\", \"wall_s\": $(echo "$(date +%s.%N) - $launcher_start" | bc)}"
for dtype in fp32 q8; do
  SUMMARIZER_MAIN=dev.summarizer.bench.StartupBenchmark "$ROOT/scripts/summarizer" "$MODEL" "$dtype" separate
done
