#!/usr/bin/env bash
# The whole product in one go, offline: build, make a synthetic dialogue corpus and its tokenizer, train a
# small T5 from scratch, score it on held-out dialogues, export it, serve it, and summarize two held-out
# dialogues over HTTP.   scripts/demo.sh [--real] [--dir DIR]
#   --real   instead fetch t5-small and SAMSum from the Hugging Face Hub and fine-tune briefly (needs network)
#   --dir    where everything goes (default: runs/demo, or runs/demo-real with --real); rerunning replaces it
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SUMMARIZER="$ROOT/scripts/summarizer"
. "$ROOT/scripts/lib/server.sh"

REAL=false
DIR=""
while [ $# -gt 0 ]; do
  case "$1" in
    --real) REAL=true ;;
    --dir) DIR="${2:?--dir needs a folder}"; shift ;;
    -h|--help) sed -n '2,6s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "demo.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$DIR" ] || DIR="$ROOT/runs/$([ "$REAL" = true ] && echo demo-real || echo demo)"
command -v curl >/dev/null 2>&1 || { echo "demo.sh: curl is needed to query the server" >&2; exit 1; }

START=$SECONDS
step() { printf '\n== %s (%ds)\n' "$1" $((SECONDS - START)); }

step "building"
"$SUMMARIZER" --help >/dev/null
mkdir -p "$DIR"

if [ "$REAL" = true ]; then
  step "fetching t5-small and 1,000 SAMSum dialogues per split from the Hugging Face Hub"
  "$SUMMARIZER" fetch --model t5-small --dataset samsum --limit 1000 --out "$DIR/fetched"
  BASE="$DIR/fetched/model"
  DATA="$DIR/fetched/data/samsum"
  TEST="$DATA/test.jsonl"
  step "fine-tuning t5-small on 1,000 SAMSum dialogues (one epoch; Ctrl-C saves a resumable checkpoint)"
  "$SUMMARIZER" train --model "$BASE" --train "$DATA/train.jsonl" --validation "$DATA/validation.jsonl" \
    --output-dir "$DIR/train" --overwrite-output-dir --learning-rate 3e-4 --per-device-train-batch-size 8 \
    --num-train-epochs 1 --max-source-length 256 --max-target-length 64 --logging-steps 25 \
    --max-eval-samples 200 --predict-with-generate --generation-eval-samples 50 --save-steps 0
  EVAL_LIMIT=100
else
  step "writing the synthetic corpus and its tokenizer"
  DATA="$DIR/data"
  "$SUMMARIZER" demo-data --out "$DATA" --overwrite
  BASE="$DIR/untrained"
  "$SUMMARIZER" init --config "$DATA/config.json" --tokenizer "$DATA/tokenizer/tokenizer.json" --out "$BASE" --overwrite
  TEST="$DATA/test.jsonl"
  step "training the small T5 from scratch (a few minutes on two cores; Ctrl-C saves a resumable checkpoint)"
  "$SUMMARIZER" train --model "$BASE" --train "$DATA/train.jsonl" --validation "$DATA/validation.jsonl" \
    --output-dir "$DIR/train" --overwrite-output-dir --learning-rate 3e-3 --warmup-steps 100 \
    --per-device-train-batch-size 32 --max-steps 1000 --logging-steps 50 --eval-steps 500 \
    --predict-with-generate --generation-eval-samples 100 --save-steps 0
  EVAL_LIMIT=0
fi

step "ROUGE on the held-out dialogues"
"$SUMMARIZER" evaluate --model "$DIR/train/final" --data "$TEST" --limit "$EVAL_LIMIT" | tee "$DIR/test-rouge.json"

step "exporting the ONNX model"
rm -rf "$DIR/model"
"$SUMMARIZER" export --model "$DIR/train/final" --out "$DIR/model"

step "starting the server"
LOG="$DIR/server.log"
start_server demo.sh "$LOG" "$DIR/model"
echo "listening on $URL (log: $LOG)"

# A dataset row is {"dialogue": "...", "summary": "..."} as one line of JSON; its dialogue string is
# already JSON-escaped, so it goes into the request unchanged.
json_field() { # the raw (escaped) string value of field $1 in the JSON object on stdin
  sed -n "s/.*\"$1\" *: *\"\(\([^\"\\\\]\|\\\\.\)*\)\".*/\1/p"
}
unescape() { sed -e 's/\\n/\n/g' -e 's/\\"/"/g' -e 's/\\\\/\\/g'; }

step "summarizing two held-out dialogues over HTTP"
for n in 1 2; do
  row=$(sed -n "${n}p" "$TEST")
  dialogue=$(printf '%s' "$row" | json_field dialogue)
  reference=$(printf '%s' "$row" | json_field summary | unescape)
  echo "curl -s $URL/v1/summarize -H 'Content-Type: application/json' -d '{\"text\": \"...\"}'"
  answer=$(curl -sS "$URL/v1/summarize" -H 'Content-Type: application/json' -d "{\"text\": \"$dialogue\"}")
  summary=$(printf '%s' "$answer" | json_field summary | unescape)
  [ -n "$summary" ] || { echo "demo.sh: unexpected answer: $answer" >&2; exit 1; }
  left=$(printf '%s' "$dialogue" | unescape | fold -s -w 58)
  right=$(printf 'MODEL SUMMARY\n%s\n\nREFERENCE\n%s\n' "$summary" "$reference" | fold -s -w 58)
  printf '\n-- held-out dialogue %d %s\n' "$n" "$(printf '%.0s-' $(seq 1 100))" | cut -c1-122
  pr -m -t -w 122 <(printf 'DIALOGUE\n%s\n' "$left") <(printf '%s\n' "$right")
done

step "stopping the server"
kill -TERM "$SERVER"
wait "$SERVER" 2>/dev/null || true
trap - EXIT
printf '\ndone in %d s. The model folder is %s; serve it again with:\n  scripts/summarizer serve --model %s\n' \
  $((SECONDS - START)) "$DIR/model" "$DIR/model"
