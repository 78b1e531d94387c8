#!/usr/bin/env bash
# Spark benchmark (results go in BENCHMARKS.md): a t5-small-preset model, the first COUNT SAMSum training dialogues,
# greedy with max_new_tokens 64 (a random model never emits EOS, so every summary costs the full 64 steps);
# `summarize --input` (batches of 8, all cores, then one thread) beside `spark-summarize` on local[1] and local[2]
# (one partition per core, batches of 8, one ONNX Runtime thread per task) on the same rows. Prints one JSON object
# per run: rows/s, the wall time of the whole command (JVM and Spark start included), and for Spark the job's own
# time, each executor's model load time, and whether every row got the ids summarize gave it.
#   scripts/bench/spark.sh [MODEL_DIR] [COUNT] [MAX_NEW_TOKENS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MODEL="${1:-$ROOT/target/bench/t5-small}"
COUNT="${2:-1000}"
MAX_NEW="${3:-64}"
SAMSUM="$ROOT/../shared/data/samsum/train.jsonl"
[ -f "$SAMSUM" ] || { echo "spark.sh: needs $SAMSUM (the shared data folder beside the clone)" >&2; exit 1; }
command -v jq >/dev/null 2>&1 || { echo "spark.sh: needs jq" >&2; exit 1; }

if [ ! -f "$MODEL/onnx/decoder_model_merged.onnx" ]; then
  "$ROOT/scripts/summarizer" init --config t5-small --out "$MODEL" --overwrite >&2
  "$ROOT/scripts/summarizer" export --model "$MODEL" >&2
fi
WORK="$ROOT/target/bench/spark"
rm -rf "$WORK" && mkdir -p "$WORK"
ROWS="$WORK/samsum-$COUNT.jsonl"
jq -nc --argjson n "$COUNT" 'limit($n; inputs | select(.dialogue | test("\\S")) | {id, text: .dialogue})' "$SAMSUM" > "$ROWS"
GREEDY=(--num-beams 1 --min-new-tokens 0 --no-repeat-ngram-size 0 --max-new-tokens "$MAX_NEW" --batch-size 8)

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { print b - a }'; }

for threads in 0 1; do
  start=$(now)
  "$ROOT/scripts/summarizer" summarize --model "$MODEL" --input "$ROWS" --output "$WORK/summarize-$threads.jsonl" \
    "${GREEDY[@]}" --threads "$threads" 2> "$WORK/summarize-$threads.log"
  wall=$(since "$start")
  # summarize's last progress line: "summarize: N texts in S s (R texts/s)", the decoding alone
  seconds=$(grep -o 'texts in [0-9.]* s' "$WORK/summarize-$threads.log" | tail -n 1 | awk '{print $3}')
  jq -nc --argjson threads "$threads" --argjson rows "$COUNT" --argjson max_new "$MAX_NEW" --argjson wall "$wall" \
    --argjson seconds "${seconds:-null}" \
    '{implementation: "summarize --input", threads: $threads, batch_size: 8, rows: $rows, max_new_tokens: $max_new,
      wall_seconds: $wall, seconds: $seconds, rows_per_second: (if $seconds then $rows / $seconds else null end),
      rows_per_second_wall: ($rows / $wall)}'
done

# The ids summarize gave each row, to check Spark's against.
ids() { jq -r '"\(.id) \(.token_ids | tojson)"' | sort; }
ids < "$WORK/summarize-0.jsonl" > "$WORK/expected-ids.txt"
for master in 'local[1]' 'local[2]'; do
  out="$WORK/spark-${master//[^0-9]/}.jsonl"
  start=$(now)
  "$ROOT/scripts/summarizer" spark-summarize --model "$MODEL" --input "$ROWS" --output "$out" --master "$master" \
    "${GREEDY[@]}" --report "$out.report.json" 2> "$out.log"
  wall=$(since "$start")
  cat "$out"/part-* | ids > "$out.ids.txt"
  same=false
  cmp -s "$out.ids.txt" "$WORK/expected-ids.txt" && same=true
  jq -c --argjson wall "$wall" --argjson same "$same" --argjson max_new "$MAX_NEW" \
    '{implementation: "spark-summarize", master, partitions, batch_size, rows, errors, max_new_tokens: $max_new,
      wall_seconds: $wall, job_seconds: .seconds, rows_per_second, rows_per_second_wall: (.rows / $wall),
      model_load_ms, same_ids_as_summarize: $same}' "$out.report.json"
done
