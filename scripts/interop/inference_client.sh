#!/usr/bin/env bash
# The Hugging Face Inference API on our server, through huggingface_hub's own InferenceClient: a random tiny model is
# served with continuous batching, and InferenceClient(base_url=URL).summarization(text) (and a deployment URL passed
# as the model) must give what `summarizer summarize` gives; an unknown parameter must be a 400 naming it. Exit 0 when
# all hold, 1 when one does not, 3 when no Python with huggingface_hub is available (scripts/reference/.venv or PYTHON).
#   scripts/interop/inference_client.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$ROOT/scripts/lib/python.sh"
if ! reference_python huggingface_hub; then
  echo "inference_client: no Python with huggingface_hub at $PYTHON" >&2
  exit 3
fi
WORK="$(mktemp -d)"
S="$ROOT/scripts/summarizer"
"$S" init --config tiny --out "$WORK/model" --seed 3 >/dev/null 2>&1
"$S" export --model "$WORK/model" >/dev/null 2>&1
TEXT=$'Anna: Are we still meeting at noon?\nBen: Yes, see you at the station.'
greedy=$("$S" summarize --model "$WORK/model" --max-new-tokens 12 --num-beams 1 --threads 1 "$TEXT" 2>/dev/null)
beams=$("$S" summarize --model "$WORK/model" --max-new-tokens 10 --num-beams 3 --threads 1 "$TEXT" 2>/dev/null)
"$PYTHON" -c 'import json, sys; json.dump({"text": sys.argv[1], "greedy": sys.argv[2], "beams": sys.argv[3]}, open(sys.argv[4], "w"))' \
  "$TEXT" "$greedy" "$beams" "$WORK/expected.json"

. "$ROOT/scripts/lib/server.sh"
start_server inference_client "$WORK/serve.log" "$WORK/model" --batching continuous --threads 1
trap 'kill "$SERVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT
"$PYTHON" "$ROOT/scripts/interop/inference_client.py" "$URL" "$WORK/expected.json"
