#!/usr/bin/env bash
# Round trip through Hugging Face's own code: a folder transformers wrote (bfloat16 weights in shards,
# models/src/test/resources/fixtures/sharded-bf16) goes through our train (final weights sharded again), evaluate and
# serve, and comes back into transformers: from_pretrained loads the final folder and its checkpoints
# (TrainerState.load_from_json their trainer_state.json), generate() gives the same greedy ids as our summarize, and
# TensorBoard's own reader reads the event files. Exit 0 when all hold, 1 when one does not, 3 when Python with
# transformers and tensorboard is not available (scripts/reference/.venv or PYTHON).
#   scripts/interop/hf_roundtrip.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$ROOT/scripts/lib/python.sh"
if ! reference_python transformers tensorboard; then
  echo "hf_roundtrip: no Python with transformers and tensorboard at $PYTHON" >&2
  exit 3
fi
WORK="$(mktemp -d)"
S="$ROOT/scripts/summarizer"
TRAINER="$ROOT/training/src/test/resources/fixtures/trainer"

"$S" train --model "$ROOT/models/src/test/resources/fixtures/sharded-bf16" --train "$TRAINER/train.jsonl" \
  --validation "$TRAINER/validation.jsonl" --output-dir "$WORK/run" --max-steps 4 --per-device-train-batch-size 8 \
  --eval-steps 2 --save-steps 2 --learning-rate 3e-3 --max-shard-size 40kB --report-to tensorboard \
  --shuffle false --dropout 0 --threads 1 >"$WORK/train.log" 2>&1 || { cat "$WORK/train.log"; exit 1; }
"$S" evaluate --model "$WORK/run/final" --data "$TRAINER/validation.jsonl" --max-new-tokens 8 --threads 1 \
  >"$WORK/evaluate.json" 2>"$WORK/evaluate.log" || { cat "$WORK/evaluate.log"; exit 1; }

head -n 6 "$TRAINER/validation.jsonl" | "$PYTHON" -c '
import json, sys
for line in sys.stdin:
    print(json.dumps({"text": json.loads(line)["dialogue"]}))' >"$WORK/rows.jsonl"
"$S" summarize --model "$WORK/run/final" --input "$WORK/rows.jsonl" --output "$WORK/ours.jsonl" --num-beams 1 \
  --max-new-tokens 12 --threads 1 2>/dev/null

. "$ROOT/scripts/lib/server.sh"
start_server hf_roundtrip "$WORK/serve.log" "$WORK/run/final" --threads 1
trap 'kill "$SERVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT
TEXT=$(head -n 1 "$WORK/rows.jsonl")
served=$(curl -s --fail-with-body "$URL/v1/summarize" -H 'Content-Type: application/json' \
  -d "$("$PYTHON" -c 'import json,sys; r=json.loads(sys.argv[1]); r.update(num_beams=1, max_new_tokens=12); print(json.dumps(r))' "$TEXT")")

"$PYTHON" - "$WORK" "$served" <<'PY'
import glob, json, sys
import torch
from transformers import AutoTokenizer, T5ForConditionalGeneration, TrainerState
from tensorboard.backend.event_processing.event_file_loader import EventFileLoader

work, served = sys.argv[1], json.loads(sys.argv[2])
final = work + "/run/final"
config = json.load(open(final + "/config.json"))
assert config.get("dtype") == "float32", config.get("dtype")
assert glob.glob(final + "/model-0000*-of-0000*.safetensors"), "final weights not sharded"
model = T5ForConditionalGeneration.from_pretrained(final).eval()
tok = AutoTokenizer.from_pretrained(final)
prefix = config["task_specific_params"]["summarization"]["prefix"]
ours = [json.loads(l) for l in open(work + "/ours.jsonl")]
rows = [json.loads(l)["text"] for l in open(work + "/rows.jsonl")]
same = 0
for text, row in zip(rows, ours):
    ids = tok(prefix + text, return_tensors="pt").input_ids
    with torch.no_grad():
        out = model.generate(ids, max_new_tokens=12, num_beams=1, do_sample=False)[0].tolist()[1:]
    same += out == row["token_ids"]
    if out != row["token_ids"]:
        print("different ids for", repr(text[:40]), out, row["token_ids"])
assert same == len(rows), f"{same}/{len(rows)} identical"
assert served["summary"] == ours[0]["summary"], (served, ours[0])
for ck in sorted(glob.glob(work + "/run/checkpoint-*")):
    TrainerState.load_from_json(ck + "/trainer_state.json")
    T5ForConditionalGeneration.from_pretrained(ck)
    AutoTokenizer.from_pretrained(ck)
tags = set()
for f in glob.glob(work + "/run/runs/events.out.tfevents.*"):
    for e in EventFileLoader(f).Load():
        tags.update(v.tag for v in e.summary.value)
assert {"train/loss", "eval/loss"} <= tags, tags
evaluation = json.load(open(work + "/evaluate.json"))
assert "eval_loss" in evaluation and "rougeL" in evaluation, evaluation
print(f"hf_roundtrip: {same}/{len(rows)} greedy summaries identical to transformers' generate(); checkpoints, "
      f"trainer_state.json and {len(tags)} TensorBoard tags read by Hugging Face's code")
PY
