#!/usr/bin/env bash
# Interop check: transformers.js (Node), running the ONNX files our exporter writes (float32, and the q8 and q4
# files of export --quantize, loaded with its dtype "q8" and "q4"), must pick the same greedy token ids as our
# Java decoding loop on the same files. Exit 0 identical, 1 different, 3 transformers.js unavailable.
#   scripts/interop/check.sh [ROWS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ROWS="${1:-24}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

"$ROOT/scripts/summarizer" init --config tiny --out "$WORK/model" --seed 11 >/dev/null
"$ROOT/scripts/summarizer" export --model "$WORK/model" --quantize q8,q4 >/dev/null 2>&1

# Dialogues from SAMSum when the shared data is beside the clone, a few written here otherwise.
SAMSUM="$ROOT/../shared/data/samsum/validation.jsonl"
node --input-type=module -e '
  import { readFileSync, writeFileSync, existsSync } from "node:fs";
  const [samsum, rows, out] = process.argv.slice(1);
  let texts = [
    "Amanda: I baked cookies. Do you want some?\nJerry: Sure!\nAmanda: I will bring you tomorrow :-)",
    "Olivia: Who are you voting for in this election?\nOliver: Liberals as always.\nOlivia: Me too!!",
    "Tim: Hi, what is up?\nKim: Bad mood tbh, I was going to do lots of stuff but ended up procrastinating",
    "Edward: Rachel, I think I am in love with Bella..\nRachel: Dont say anything else..",
  ];
  if (existsSync(samsum)) {
    texts = readFileSync(samsum, "utf8").split("\n").filter(l => l.trim()).map(l => JSON.parse(l).dialogue)
      .filter(t => t.trim()).slice(0, Number(rows));
  }
  writeFileSync(out, texts.map(t => JSON.stringify({ text: t })).join("\n") + "\n");
' "$SAMSUM" "$ROWS" "$WORK/rows.jsonl"

for dtype in fp32 q8 q4; do
  echo "interop: $dtype" >&2
  "$ROOT/scripts/summarizer" summarize --model "$WORK/model" --input "$WORK/rows.jsonl" --output "$WORK/java-$dtype.jsonl" \
    --dtype "$dtype" --num-beams 1 --max-new-tokens 24 --min-new-tokens 0 --no-repeat-ngram-size 0 --batch-size 4 2>/dev/null
  status=0
  "$ROOT/scripts/interop/run.sh" --model "$WORK/model" --input "$WORK/rows.jsonl" --output "$WORK/js-$dtype.jsonl" \
    --dtype "$dtype" --max-new-tokens 24 || status=$?
  if [ "$status" -ne 0 ]; then
    exit "$status"
  fi
  node "$ROOT/scripts/interop/compare.mjs" "$WORK/java-$dtype.jsonl" "$WORK/js-$dtype.jsonl"
done
