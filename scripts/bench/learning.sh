#!/usr/bin/env bash
# The learning check (results in BENCHMARKS.md): the `tiny` preset trained from scratch on the first 2,000
# DialogSum training dialogues for 3 epochs on CPU; prints the evaluation curve from metrics.jsonl.
#   scripts/bench/learning.sh [OUTPUT_DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${1:-$ROOT/target/bench/learning}"
DATA="$ROOT/../shared/data/dialogsum"
[ -f "$DATA/train.jsonl" ] || { echo "learning.sh: needs $DATA (the shared data folder beside the clone)" >&2; exit 1; }
rm -rf "$OUT" "$OUT-model"
"$ROOT/scripts/summarizer" init --config tiny --out "$OUT-model" --seed 1 >&2
"$ROOT/scripts/summarizer" train --model "$OUT-model" --train "$DATA/train.jsonl" --validation "$DATA/validation.jsonl" \
  --output-dir "$OUT" --max-train-samples 2000 --max-eval-samples 200 --predict-with-generate --generation-eval-samples 50 \
  --per-device-train-batch-size 16 --num-train-epochs 3 --eval-steps 50 --save-steps 0 --logging-steps 25 \
  --learning-rate 2e-3 --warmup-steps 20 --max-source-length 256 --max-target-length 64 --generation-max-length 48 >&2
node -e '
  const rows = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean).map(JSON.parse);
  console.log("step  train_loss  eval_loss  rouge1  rougeL");
  let train = NaN;
  for (const r of rows) {
    if (r.loss !== undefined) train = r.loss;
    if (r.eval_loss !== undefined) console.log([r.step, train.toFixed(3), r.eval_loss.toFixed(3), r.eval_rouge1.toFixed(3), r.eval_rougeL.toFixed(3)].join("  "));
  }' "$OUT/metrics.jsonl"
