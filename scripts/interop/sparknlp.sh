#!/usr/bin/env bash
# Interop check: Spark NLP's T5Transformer (5.5.3, on Spark 3.5 / Scala 2.12 / ONNX Runtime 1.19.2, JDK 17) loads a
# folder laid out from our export and must pick the same greedy ids, and print the same text, as our Java loop.
# Exit 0 identical, 1 different, 3 not runnable here (no JDK 17, no ../shared/t5/spiece.model, or Spark NLP's
# ~500 MB of jars not in the local Maven repository and SUMMARIZER_SPARKNLP=1 not given to fetch them).
#   scripts/interop/sparknlp.sh [ROWS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CHECK="$ROOT/scripts/interop/sparknlp"
ROWS="${1:-8}"
MAX_NEW=24

skip() { echo "sparknlp.sh: $*" >&2; exit 3; }

# Spark NLP 5.5 runs on Spark 3.5, whose Hadoop 3.3 fails on JDK 21+ (Subject.getSubject): a JDK 17 of its own.
JDK17="${SPARKNLP_JAVA_HOME:-}"
if [ -z "$JDK17" ]; then
  for c in /usr/lib/jvm/*17* /usr/java/*17* /opt/java/*17* "$HOME"/.sdkman/candidates/java/17*; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] && { JDK17="$c"; break; }
  done
fi
[ -n "$JDK17" ] || skip "no JDK 17 found (set SPARKNLP_JAVA_HOME)"
SPIECE="$ROOT/../shared/t5/spiece.model"
[ -f "$SPIECE" ] || skip "needs $SPIECE (the T5 SentencePiece model, in the shared data folder)"

mkdir -p "$ROOT/target"
WORK="$(mktemp -d "$ROOT/target/sparknlp.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
offline=-o
[ "${SUMMARIZER_SPARKNLP:-}" = 1 ] && offline=
# Maven on the JDK 17, without the options the callers' newer JDK takes (test.sh exports them in MAVEN_OPTS).
if ! JAVA_HOME="$JDK17" MAVEN_OPTS= mvn -B -q $offline -f "$CHECK/pom.xml" package dependency:build-classpath \
      -Dmdep.outputFile="$WORK/classpath.txt" >"$WORK/build.log" 2>&1; then
  if [ -n "$offline" ] && grep -q -i "offline" "$WORK/build.log"; then
    skip "Spark NLP's jars are not in the local Maven repository (SUMMARIZER_SPARKNLP=1 fetches them, ~500 MB)"
  fi
  cat "$WORK/build.log" >&2
  echo "sparknlp.sh: building the check failed" >&2
  exit 1
fi

# A small random T5 of the two sizes Spark NLP's ONNX T5 fixes (d_kv 64, vocab 32128), with its own lm_head so that
# greedy search does not just repeat the decoder start token.
"$ROOT/scripts/summarizer" init --config "$CHECK/config.json" --tokenizer "$ROOT/../shared/t5/tokenizer.json" \
  --out "$WORK/model" --seed 11 >/dev/null
"$ROOT/scripts/summarizer" export --model "$WORK/model" >/dev/null 2>&1
# Spark NLP's layout: the ONNX files at the top, the SentencePiece model in assets/.
mkdir -p "$WORK/sparknlp-model/assets"
for f in encoder_model decoder_model decoder_model_merged; do
  ln "$WORK/model/onnx/$f.onnx" "$WORK/sparknlp-model/$f.onnx" 2>/dev/null \
    || cp "$WORK/model/onnx/$f.onnx" "$WORK/sparknlp-model/$f.onnx"
done
cp "$SPIECE" "$WORK/sparknlp-model/assets/spiece.model"

SAMSUM="$ROOT/../shared/data/samsum/validation.jsonl"
if [ -f "$SAMSUM" ] && command -v jq >/dev/null 2>&1; then
  # SAMSum dialogues; Spark NLP does not truncate its inputs, and these are all under our 512 tokens.
  head -n "$ROWS" "$SAMSUM" | jq -c '{text: .dialogue}' > "$WORK/rows.jsonl"
else
  printf '%s\n' '{"text": "Amanda: I baked cookies. Do you want some?\nJerry: Sure!"}' \
    '{"text": "Olivia: Who are you voting for in this election?\nOliver: Liberals as always.\nOlivia: Me too!!"}' \
    '{"text": "Tim: Hi, what is up?\nKim: Bad mood tbh, I was going to do lots of stuff but ended up procrastinating"}' \
    > "$WORK/rows.jsonl"
fi
"$ROOT/scripts/summarizer" summarize --model "$WORK/model" --input "$WORK/rows.jsonl" --output "$WORK/ours.jsonl" \
  --num-beams 1 --max-new-tokens "$MAX_NEW" --min-new-tokens 0 --no-repeat-ngram-size 0 --prefix "summarize: " \
  --batch-size 1 2>/dev/null
"$JDK17/bin/java" @"$CHECK/jvm.options" -Xmx4g -cp "$CHECK/target/classes:$(cat "$WORK/classpath.txt")" \
  dev.summarizer.interop.SparkNlpGreedy "$WORK/sparknlp-model" "$WORK/rows.jsonl" "$WORK/ours.jsonl" "$MAX_NEW" \
  2> "$WORK/sparknlp.log" || { status=$?; tail -n 20 "$WORK/sparknlp.log" >&2; exit "$status"; }
