#!/usr/bin/env bash
# Training-step benchmark (results go in BENCHMARKS.md): one step of forward, backward and AdamW at batch 8, 512
# source and 128 target tokens, ours and PyTorch's (Hugging Face T5, torch AdamW, the same thread count), in one run,
# each in its own process with its peak resident memory:
#   full fine-tuning of the t5-small preset, ours and PyTorch's;
#   LoRA r 8 on q,v of the t5-small preset (alpha 16, the model frozen), ours and PyTorch + PEFT's;
#   LoRA r 8 on q,v of the flan-t5-base preset, ours and PyTorch + PEFT's.
#   scripts/bench/training.sh [STEPS] [THREADS] [DROPOUT] [BATCH] [SOURCE_LEN] [TARGET_LEN]
# (the last three default to 8 512 128; smaller values check the script quickly). Each line is one JSON row; a last
# row gives each LoRA run's step time and peak memory as a share of full fine-tuning's on the same machine.
# PyTorch comes from scripts/reference/.venv (see scripts/reference/README.md) or PYTHON.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STEPS="${1:-3}"
THREADS="${2:-$(nproc)}"
DROPOUT="${3:-0}"
BATCH="${4:-8}"
SOURCE="${5:-512}"
TARGET="${6:-128}"
LORA_R=8
LORA_TARGETS=q,v
PYTHON="${PYTHON:-$ROOT/scripts/reference/.venv/bin/python}"
PRESETS="$ROOT/models/src/main/resources/dev/summarizer/t5"
mkdir -p "$ROOT/target"

peak() { awk '/Maximum resident set size/ {printf "%.0f", $6 / 1024}'; }

# java PRESET [LORA_R LORA_TARGETS]: one JSON row with peak_rss_mb added.
java_row() {
  local time="$ROOT/target/bench-java-$1-${2:-full}.time" out
  out=$(SUMMARIZER_MAIN=dev.summarizer.training.bench.TrainingStepBenchmark /usr/bin/time -v \
    "$ROOT/scripts/summarizer" "$1" "$BATCH" "$SOURCE" "$TARGET" "$STEPS" "$THREADS" "$DROPOUT" "${@:2}" 2>"$time")
  echo "${out%\}},\"peak_rss_mb\":$(peak < "$time")}"
}

# torch PRESET [LORA_R LORA_TARGETS]
torch_row() {
  local time="$ROOT/target/bench-torch-$1-${2:-full}.time" out
  out=$(/usr/bin/time -v "$PYTHON" "$ROOT/scripts/bench/torch_training_step.py" "$PRESETS/preset-$1.json" "$BATCH" "$SOURCE" \
    "$TARGET" "$STEPS" "$THREADS" "$DROPOUT" "${@:2}" 2>"$time")
  echo "${out%\}}, \"peak_rss_mb_time\": $(peak < "$time")}"
}

field() { sed -E "s/.*\"$2\": ?([0-9.]+).*/\\1/" <<<"$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

full=$(java_row t5-small); echo "$full"
lora=$(java_row t5-small "$LORA_R" "$LORA_TARGETS"); echo "$lora"
base=$(java_row flan-t5-base "$LORA_R" "$LORA_TARGETS"); echo "$base"
echo "{\"t5_small_lora_vs_full\": {\"step_time\": $(ratio "$(field "$lora" step_s)" "$(field "$full" step_s)"),"\
"\"peak_rss\": $(ratio "$(field "$lora" peak_rss_mb)" "$(field "$full" peak_rss_mb)")}, \"targets\": {\"step_time\": 0.7, \"peak_rss\": 0.6}}"

if [ -x "$PYTHON" ]; then
  torch_row t5-small
  torch_row t5-small "$LORA_R" "$LORA_TARGETS"
  torch_row flan-t5-base "$LORA_R" "$LORA_TARGETS"
else
  echo "training.sh: no PyTorch at $PYTHON; skipped the PyTorch side" >&2
fi
