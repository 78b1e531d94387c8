#!/usr/bin/env bash
# Generation benchmark in one run (results go in BENCHMARKS.md, with the machine and date): the machine's memory
# read bandwidth (the floor of a batch-1 decoder step; from the JVM and, with gcc, from scripts/bench/bandwidth.c),
# then on the first COUNT SAMSum validation dialogues,
# max_new_tokens 64, greedy: ours with the fp32, q8 and q4 files, with and without prompt lookup (drafts of up to
# 10 tokens), at batch 1 and 8, ours 4-beam fp32 at batch 1, and transformers.js fp32 and q8 (its own q8 files,
# made from our float32 export by scripts/bench/js_quantize.py) at batch 1 and 8. One JSON object per
# measurement, each with its ROUGE against the SAMSum references (meaningful only for a trained MODEL_DIR; the
# default is the untrained t5-small preset, which measures speed alone).
#   scripts/bench/generation.sh [MODEL_DIR] [COUNT]
# A quick check that the script works: scripts/bench/generation.sh runs/demo/model 4
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MODEL="${1:-$ROOT/target/bench/t5-small}"
COUNT="${2:-50}"
SAMSUM="$ROOT/../shared/data/samsum/validation.jsonl"
PYTHON="${PYTHON:-$ROOT/scripts/reference/.venv/bin/python}"
[ -f "$SAMSUM" ] || { echo "generation.sh: needs $SAMSUM (the shared data folder beside the clone)" >&2; exit 1; }
command -v node >/dev/null 2>&1 || { echo "generation.sh: needs Node.js (transformers.js and the tables)" >&2; exit 1; }
WORK="$ROOT/target/bench/generation"
mkdir -p "$WORK"

if [ ! -f "$MODEL/onnx/decoder_model_merged.onnx" ]; then
  "$ROOT/scripts/summarizer" init --config t5-small --out "$MODEL" --overwrite >&2
fi
if [ ! -f "$MODEL/onnx/decoder_with_past_model_q4.onnx" ] || [ ! -f "$MODEL/onnx/decoder_with_past_model_quantized.onnx" ]; then
  "$ROOT/scripts/summarizer" export --model "$MODEL" --quantize q8,q4 >&2
fi
ROWS="$WORK/samsum-$COUNT.jsonl"
node --input-type=module -e '
  import { readFileSync, writeFileSync } from "node:fs";
  const [src, n, out] = process.argv.slice(1);
  const rows = readFileSync(src, "utf8").split("\n").filter(l => l.trim()).map(l => JSON.parse(l))
    .filter(r => r.dialogue.trim()).slice(0, Number(n))
    .map(r => JSON.stringify({ id: r.id, text: r.dialogue, summary: r.summary }));
  writeFileSync(out, rows.join("\n") + "\n");
' "$SAMSUM" "$COUNT" "$ROWS"

main() { local class="$1"; shift; SUMMARIZER_MAIN="$class" "$ROOT/scripts/summarizer" "$@"; }
# Prints JSON row $1 with "rouge1", "rouge2", "rougeL" of predictions file $2 added.
with_rouge() {
  local rouge
  rouge=$("$ROOT/scripts/summarizer" rouge --input "$2" 2>/dev/null)
  node -e '
    const row = JSON.parse(process.argv[1]);
    const r = JSON.parse(process.argv[2]);
    for (const k of ["rouge1", "rouge2", "rougeL"]) row[k] = r[k];
    console.log(JSON.stringify(row));
  ' "$1" "$rouge"
}

main dev.summarizer.bench.MemoryBandwidth 1024 8
# The same measure compiled: it reads closer to the hardware's limit than the JVM does (26 against 19 GB/s here).
if command -v gcc >/dev/null 2>&1 && gcc -O3 -march=native -ffast-math -fopenmp "$ROOT/scripts/bench/bandwidth.c" \
    -o "$WORK/bandwidth" 2>/dev/null; then
  "$WORK/bandwidth" 1024 8
else
  echo "generation.sh: no gcc with OpenMP: only the JVM's bandwidth figure" >&2
fi

# Ours. The warm-up summary and model loading are outside the timing (see GenerationBenchmark).
for dtype in fp32 q8 q4; do
  for lookup in 0 10; do
    for batch in 1 8; do
      predictions="$WORK/ours-$dtype-$lookup-$batch.jsonl"
      row=$(main dev.summarizer.bench.GenerationBenchmark --model "$MODEL" --input "$ROWS" --count "$COUNT" \
        --max-new-tokens 64 --dtype "$dtype" --prompt-lookup-num-tokens "$lookup" --batch-size "$batch" \
        --predictions "$predictions")
      with_rouge "$row" "$predictions"
    done
  done
done
predictions="$WORK/ours-fp32-beam4.jsonl"
row=$(main dev.summarizer.bench.GenerationBenchmark --model "$MODEL" --input "$ROWS" --count "$COUNT" --max-new-tokens 64 \
  --beams 4 --predictions "$predictions")
with_rouge "$row" "$predictions"

# transformers.js (greedy; it has no beam search) on the same weights: our fp32 files, and its own q8 files.
JSQ8="$WORK/js-q8-model"
if [ -x "$PYTHON" ]; then
  rm -rf "$JSQ8"
  "$PYTHON" "$ROOT/scripts/bench/js_quantize.py" "$MODEL" "$JSQ8" 2>/dev/null
else
  echo "generation.sh: no Python with onnxruntime at $PYTHON (set PYTHON): skipping transformers.js q8" >&2
  JSQ8=""
fi
for dtype in fp32 q8; do
  folder="$MODEL"
  if [ "$dtype" = q8 ]; then
    [ -n "$JSQ8" ] || continue
    folder="$JSQ8"
  fi
  for batch in 1 8; do
    out="$WORK/js-$dtype-$batch.jsonl"
    "$ROOT/scripts/interop/run.sh" --model "$folder" --dtype "$dtype" --input "$ROWS" --output "$out" \
      --max-new-tokens 64 --batch-size "$batch" --warmup 1 --timing --timing-output "$WORK/js-timing.json"
    node -e '
      const fs = require("fs");
      const [rowsFile, outFile, predictionsFile] = process.argv.slice(1);
      const read = f => fs.readFileSync(f, "utf8").split("\n").filter(l => l.trim()).map(l => JSON.parse(l));
      const refs = read(rowsFile);
      fs.writeFileSync(predictionsFile, read(outFile)
        .map((r, i) => JSON.stringify({ prediction: r.summary, reference: refs[i].summary })).join("\n") + "\n");
    ' "$ROWS" "$out" "$WORK/js-$dtype-$batch-predictions.jsonl"
    row=$(node -e '
      const t = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      const ort = require(process.argv[2] + "/node_modules/onnxruntime-node/package.json").version;
      console.log(JSON.stringify({implementation: "transformers.js 3.8.1 (onnxruntime-node " + ort + ")",
        dtype: process.argv[3], decoder: "merged", num_beams: 1, batch_size: t.batch_size, summaries: t.inputs,
        max_new_tokens: t.max_new_tokens, seconds_per_summary: t.total_wall_ms / 1000 / t.inputs,
        generated_tokens: t.generated_tokens, tokens_per_second: t.tokens_per_second, ort_share: t.session_run_share}));
    ' "$WORK/js-timing.json" "$ROOT/scripts/interop" "$dtype")
    with_rouge "$row" "$WORK/js-$dtype-$batch-predictions.jsonl"
  done
done
