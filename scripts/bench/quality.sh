#!/usr/bin/env bash
# What quantization costs, measured: greedy summaries of the held-out split with the float32, 8-bit and 4-bit
# files of two trained models (the demo's, trained as scripts/demo.sh does, and the `tiny` preset trained on
# DialogSum as scripts/bench/learning.sh does): ROUGE-1/2/L of each, and the share of summaries identical to
# float32's. Then prompt-lookup decoding on the demo's held-out split: decoder passes per generated token and
# seconds per summary, batch 1 and 8, with the ids checked against plain greedy. Prints tables; raw results
# go to OUT (default target/bench/quality).
#   scripts/bench/quality.sh [--demo DIR] [--learning DIR] [--limit N] [--out OUT]
#   --demo      a demo run folder (default runs/demo); trained there first when it has no train/final
#   --learning  a learning.sh output folder (default target/bench/learning); trained first when it has no final
#   --limit     DialogSum test dialogues to summarize (default 500; the demo's 200 are all used)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SUMMARIZER="$ROOT/scripts/summarizer"
DEMO="$ROOT/runs/demo"
LEARNING="$ROOT/target/bench/learning"
LIMIT=500
OUT="$ROOT/target/bench/quality"
while [ $# -gt 0 ]; do
  case "$1" in
    --demo) DEMO="${2:?--demo needs a folder}"; shift ;;
    --learning) LEARNING="${2:?--learning needs a folder}"; shift ;;
    --limit) LIMIT="${2:?--limit needs a number}"; shift ;;
    --out) OUT="${2:?--out needs a folder}"; shift ;;
    -h|--help) sed -n '2,12s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "quality.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
DIALOGSUM="$ROOT/../shared/data/dialogsum/test.jsonl"
[ -f "$DIALOGSUM" ] || { echo "quality.sh: needs $DIALOGSUM (the shared data folder beside the clone)" >&2; exit 1; }
mkdir -p "$OUT"

if [ ! -f "$DEMO/train/final/model.safetensors" ]; then
  echo "== training the demo model in $DEMO (as scripts/demo.sh does; a few minutes)" >&2
  "$SUMMARIZER" demo-data --out "$DEMO/data" --overwrite >&2
  "$SUMMARIZER" init --config "$DEMO/data/config.json" --tokenizer "$DEMO/data/tokenizer/tokenizer.json" \
    --out "$DEMO/untrained" --overwrite >&2
  "$SUMMARIZER" train --model "$DEMO/untrained" --train "$DEMO/data/train.jsonl" --validation "$DEMO/data/validation.jsonl" \
    --output-dir "$DEMO/train" --overwrite-output-dir --learning-rate 3e-3 --warmup-steps 100 \
    --per-device-train-batch-size 32 --max-steps 1000 --logging-steps 50 --eval-steps 500 \
    --predict-with-generate --generation-eval-samples 100 --save-steps 0 >&2
fi
if [ ! -f "$LEARNING/final/model.safetensors" ]; then
  echo "== training the tiny preset on DialogSum in $LEARNING (scripts/bench/learning.sh)" >&2
  "$ROOT/scripts/bench/learning.sh" "$LEARNING" >&2
fi

# name, trained model, held-out data, evaluate flags
evaluate_all() {
  local name="$1" model="$2" data="$3"; shift 3
  local exported="$OUT/$name-model" d
  rm -rf "$exported"
  "$SUMMARIZER" export --model "$model" --out "$exported" --quantize q8,q4 >&2
  for d in fp32 q8 q4; do
    "$SUMMARIZER" evaluate --model "$exported" --data "$data" --dtype "$d" --num-beams 1 --max-new-tokens 64 \
      --output "$OUT/$name-$d.jsonl" "$@" 2>/dev/null > "$OUT/$name-$d.json"
  done
}
evaluate_all demo "$DEMO/train/final" "$DEMO/data/test.jsonl"
evaluate_all dialogsum-tiny "$LEARNING/final" "$DIALOGSUM" --limit "$LIMIT" --max-source-length 256

echo "quantization: greedy, max_new_tokens 64; identical = summaries equal to float32's"
python3 - "$OUT" <<'PY'
import json, sys, os
out = sys.argv[1]
print(f"{'model':16} {'dtype':5} {'rouge1':>7} {'rouge2':>7} {'rougeL':>7} {'dRougeL':>8} {'identical':>10} {'samples':>7}")
for name in ("demo", "dialogsum-tiny"):
    base = [json.loads(l)["prediction"] for l in open(os.path.join(out, f"{name}-fp32.jsonl"))]
    fp32 = json.load(open(os.path.join(out, f"{name}-fp32.json")))
    for d in ("fp32", "q8", "q4"):
        r = json.load(open(os.path.join(out, f"{name}-{d}.json")))
        preds = [json.loads(l)["prediction"] for l in open(os.path.join(out, f"{name}-{d}.jsonl"))]
        same = sum(a == b for a, b in zip(base, preds)) / len(base)
        print(f"{name:16} {d:5} {r['rouge1']:7.4f} {r['rouge2']:7.4f} {r['rougeL']:7.4f} "
              f"{r['rougeL'] - fp32['rougeL']:+8.4f} {same:10.1%} {r['samples']:7d}")
PY

echo
echo "prompt lookup on the demo's held-out split (fp32, greedy, max_new_tokens 64, drafts of up to 10 tokens)"
bench() { SUMMARIZER_MAIN=dev.summarizer.bench.GenerationBenchmark "$SUMMARIZER" "$@" 2>/dev/null; }
for batch in 1 8; do
  for lookup in 0 10; do
    bench --model "$OUT/demo-model" --input "$DEMO/data/test.jsonl" --count 200 --max-new-tokens 64 \
      --batch-size "$batch" --prompt-lookup-num-tokens "$lookup" --predictions "$OUT/lookup-$batch-$lookup.jsonl" \
      > "$OUT/lookup-$batch-$lookup.json"
  done
done
python3 - "$OUT" <<'PY'
import json, sys, os
out = sys.argv[1]
print(f"{'batch':>5} {'lookup':>6} {'ms/summary':>10} {'passes/token':>12} {'same ids':>9}")
for batch in (1, 8):
    plain = [json.loads(l)["token_ids"] for l in open(os.path.join(out, f"lookup-{batch}-0.jsonl"))]
    for lookup in (0, 10):
        r = json.load(open(os.path.join(out, f"lookup-{batch}-{lookup}.json")))
        ids = [json.loads(l)["token_ids"] for l in open(os.path.join(out, f"lookup-{batch}-{lookup}.jsonl"))]
        same = sum(a == b for a, b in zip(plain, ids))
        print(f"{batch:5d} {lookup:6d} {r['seconds_per_summary'] * 1000:10.2f} {r['passes_per_token']:12.3f} {same:5d}/{len(ids)}")
PY
