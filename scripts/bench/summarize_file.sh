#!/usr/bin/env bash
# Memory of summarize --input on a big file (results go in BENCHMARKS.md): a ~200 MB JSON Lines file of long texts
# (SAMSum dialogues joined into rows of ~20 kB), summarized for SECONDS with a model, stopped, then resumed for as
# long again. Prints the rows written, the peak resident memory of each run, and whether the resumed output is whole.
#   scripts/bench/summarize_file.sh MODEL_DIR [SECONDS] [SIZE_MB]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MODEL="${1:?usage: summarize_file.sh MODEL_DIR [SECONDS] [SIZE_MB]}"
SECONDS_EACH="${2:-60}"
SIZE_MB="${3:-200}"
SAMSUM="$ROOT/../shared/data/samsum/train.jsonl"
WORK="$ROOT/target/bench-summarize-file"
mkdir -p "$WORK"
INPUT="$WORK/input.jsonl"
OUTPUT="$WORK/output.jsonl"

if [ ! -f "$INPUT" ] || [ "$(( $(stat -c %s "$INPUT") / 1000000 ))" -lt "$SIZE_MB" ]; then
  python3 - "$SAMSUM" "$INPUT" "$SIZE_MB" <<'EOF'
import json, sys
src, dst, size = sys.argv[1], sys.argv[2], int(sys.argv[3]) * 1_000_000
dialogues = [json.loads(l)["dialogue"] for l in open(src, encoding="utf-8") if l.strip()]
dialogues = [d for d in dialogues if d.strip()]
written, row, i = 0, 0, 0
with open(dst, "w", encoding="utf-8") as out:
    while written < size:
        parts, length = [], 0
        while length < 20_000:
            parts.append(dialogues[i % len(dialogues)]); length += len(parts[-1]); i += 1
        line = json.dumps({"id": row, "text": "\n".join(parts)}) + "\n"
        out.write(line); written += len(line.encode("utf-8")); row += 1
EOF
fi
rows=$(wc -l < "$INPUT")
peak() { awk '/Maximum resident set size/ {printf "%.0f", $6 / 1024}' "$1"; }
rm -f "$OUTPUT"

run() { # $1: extra flag
  /usr/bin/time -v -o "$WORK/time.txt" timeout --signal=TERM "$SECONDS_EACH" "$ROOT/scripts/summarizer" summarize \
    --model "$MODEL" --input "$INPUT" --output "$OUTPUT" --max-new-tokens 16 --batch-size 8 $1 \
    >/dev/null 2>"$WORK/log.txt" || true
  echo "{\"run\":\"${1:-first}\",\"input_mb\":$(( $(stat -c %s "$INPUT") / 1000000 )),\"input_rows\":$rows,\"rows_written\":$(wc -l < "$OUTPUT"),\"peak_rss_mb\":$(peak "$WORK/time.txt")}"
}
run ""
run "--resume"
python3 - "$OUTPUT" <<'EOF'
import json, sys
ids = [json.loads(l)["id"] for l in open(sys.argv[1], encoding="utf-8")]
print(json.dumps({"output_rows_parse": True, "ids_in_order": ids == list(range(len(ids)))}))
EOF
