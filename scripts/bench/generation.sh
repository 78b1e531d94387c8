#!/usr/bin/env bash
# Generation benchmark (results go in BENCHMARKS.md): a t5-small-preset model, the first 50 SAMSum
# validation dialogues, max_new_tokens 64; ours greedy and 4-beam, and transformers.js greedy on the same
# ONNX files, in one run. Prints one JSON object per measurement.
#   scripts/bench/generation.sh [MODEL_DIR] [COUNT]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MODEL="${1:-$ROOT/target/bench/t5-small}"
COUNT="${2:-50}"
SAMSUM="$ROOT/../shared/data/samsum/validation.jsonl"
[ -f "$SAMSUM" ] || { echo "generation.sh: needs $SAMSUM (the shared data folder beside the clone)" >&2; exit 1; }

if [ ! -f "$MODEL/onnx/decoder_model_merged.onnx" ]; then
  "$ROOT/scripts/summarizer" init --config t5-small --out "$MODEL" --overwrite >&2
  "$ROOT/scripts/summarizer" export --model "$MODEL" >&2
fi
mkdir -p "$ROOT/target/bench"
ROWS="$ROOT/target/bench/samsum-$COUNT.jsonl"
node --input-type=module -e '
  import { readFileSync, writeFileSync } from "node:fs";
  const [src, n, out] = process.argv.slice(1);
  const rows = readFileSync(src, "utf8").split("\n").filter(l => l.trim()).map(l => JSON.parse(l))
    .filter(r => r.dialogue.trim()).slice(0, Number(n)).map(r => JSON.stringify({ id: r.id, text: r.dialogue }));
  writeFileSync(out, rows.join("\n") + "\n");
' "$SAMSUM" "$COUNT" "$ROWS"

bench() { SUMMARIZER_MAIN=dev.summarizer.bench.GenerationBenchmark "$ROOT/scripts/summarizer" "$@"; }
# Ours: one summary at a time (like for like), then batches of 8 (what `summarize --input` does).
bench "$MODEL" "$ROWS" "$COUNT" 64 1,4 separate 0 1
bench "$MODEL" "$ROWS" "$COUNT" 64 1 merged 0 1
bench "$MODEL" "$ROWS" "$COUNT" 64 1,4 separate 0 8
# transformers.js, greedy (it has no beam search), one at a time and in batches of 8.
for batch in 1 8; do
  "$ROOT/scripts/interop/run.sh" --model "$MODEL" --input "$ROWS" --output "$ROOT/target/bench/js.jsonl" \
    --max-new-tokens 64 --batch-size "$batch" --warmup 1 --timing --timing-output "$ROOT/target/bench/js-timing.json"
  node -e '
    const t = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(JSON.stringify({implementation: "transformers.js 3.8.1", decoder: "merged", num_beams: 1,
      batch_size: t.batch_size, summaries: t.inputs, max_new_tokens: t.max_new_tokens,
      seconds_per_summary: t.total_wall_ms / 1000 / t.inputs, generated_tokens: t.generated_tokens,
      tokens_per_second: t.tokens_per_second, ort_share: t.session_run_share}));
  ' "$ROOT/target/bench/js-timing.json"
done
