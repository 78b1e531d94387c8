#!/usr/bin/env bash
# Training-step benchmark (results go in BENCHMARKS.md): one step of forward, backward and AdamW for the
# t5-small preset at batch 8, 512 source and 128 target tokens, ours and PyTorch's (Hugging Face T5, torch
# AdamW, the same thread count), in one run, each with its peak resident memory.
#   scripts/bench/training.sh [STEPS] [THREADS] [DROPOUT]
# PyTorch comes from scripts/reference/.venv (see scripts/reference/README.md) or PYTHON.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STEPS="${1:-3}"
THREADS="${2:-$(nproc)}"
DROPOUT="${3:-0}"
PYTHON="${PYTHON:-$ROOT/scripts/reference/.venv/bin/python}"
CONFIG="$ROOT/models/src/main/resources/dev/summarizer/t5/preset-t5-small.json"

peak() { awk '/Maximum resident set size/ {printf "%.0f", $6 / 1024}'; }

out=$(SUMMARIZER_MAIN=dev.summarizer.training.bench.TrainingStepBenchmark /usr/bin/time -v \
  "$ROOT/scripts/summarizer" t5-small 8 512 128 "$STEPS" "$THREADS" "$DROPOUT" 2>"$ROOT/target/bench-java.time")
echo "${out%\}},\"peak_rss_mb\":$(peak < "$ROOT/target/bench-java.time")}"

if [ -x "$PYTHON" ]; then
  out=$(/usr/bin/time -v "$PYTHON" "$ROOT/scripts/bench/torch_training_step.py" "$CONFIG" 8 512 128 "$STEPS" "$THREADS" "$DROPOUT" \
    2>"$ROOT/target/bench-torch.time")
  echo "${out%\}}, \"peak_rss_mb_time\": $(peak < "$ROOT/target/bench-torch.time")}"
else
  echo "training.sh: no PyTorch at $PYTHON; skipped the PyTorch side" >&2
fi
