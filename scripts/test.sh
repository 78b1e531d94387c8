#!/usr/bin/env bash
# The whole test suite, from a fresh clone: scripts/test.sh [extra Maven arguments]
# Tests that need ../shared (the T5 tokenizer, datasets, reference models) skip when it is absent.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/lib/jdk.sh"

if ! find_jdk; then
  echo "test.sh: no JDK 21 or newer found; install one (e.g. Temurin 21) or set JAVA_HOME" >&2
  exit 1
fi
command -v mvn >/dev/null 2>&1 || { echo "test.sh: Maven (mvn) is needed" >&2; exit 1; }
echo "test.sh: JDK $JAVA_MAJOR at $JAVA_HOME"

export MAVEN_OPTS="${MAVEN_OPTS:-} $(jvm_flags)"
mvn -B -f "$ROOT/pom.xml" ${SUMMARIZER_MAVEN_ARGS:-} verify -Dtest.jvm.args="-Xmx6g $(jvm_flags)" "$@"
# verify built what the launcher runs; tell it so, so that the checks below do not build again.
mkdir -p "$ROOT/target"
printf '%s' "${SUMMARIZER_MAVEN_ARGS:-}" > "$ROOT/target/.build-stamp"

# Interop: transformers.js must pick the same greedy ids from our exported files as our Java loop.
if command -v node >/dev/null 2>&1; then
  echo "test.sh: interop check with transformers.js (scripts/interop/check.sh)"
  status=0
  "$ROOT/scripts/interop/check.sh" || status=$?
  case "$status" in
    0) ;;
    3) echo "test.sh: interop check skipped: transformers.js could not be installed or started (see above)" ;;
    *) echo "test.sh: interop check FAILED" >&2; exit 1 ;;
  esac
else
  echo "test.sh: interop check skipped: node not found"
fi
# Round trip through Hugging Face's own Python code, where it is installed (scripts/reference/README.md).
echo "test.sh: round trip through transformers (scripts/interop/hf_roundtrip.sh)"
status=0
"$ROOT/scripts/interop/hf_roundtrip.sh" >"$ROOT/target/hf_roundtrip.log" 2>&1 || status=$?
grep -v "Loading weights" "$ROOT/target/hf_roundtrip.log" | tail -n 5
case "$status" in
  0) ;;
  3) echo "test.sh: round trip skipped: no Python with transformers and tensorboard (see scripts/reference/README.md)" ;;
  *) echo "test.sh: round trip through transformers FAILED" >&2; exit 1 ;;
esac
# The Hugging Face Inference API on our server, through huggingface_hub's own InferenceClient, where it is installed.
echo "test.sh: huggingface_hub's InferenceClient against the server (scripts/interop/inference_client.sh)"
status=0
"$ROOT/scripts/interop/inference_client.sh" >"$ROOT/target/inference_client.log" 2>&1 || status=$?
tail -n 5 "$ROOT/target/inference_client.log"
case "$status" in
  0) ;;
  3) echo "test.sh: InferenceClient check skipped: no Python with huggingface_hub (see scripts/reference/README.md)" ;;
  *) echo "test.sh: InferenceClient check FAILED" >&2; exit 1 ;;
esac
# Interop: Spark NLP's T5Transformer must read our exported folder and pick the same greedy ids. It runs when Spark
# NLP's jars are in the local Maven repository (SUMMARIZER_SPARKNLP=1 fetches them, ~500 MB; =0 skips the check).
if [ "${SUMMARIZER_SPARKNLP:-}" = 0 ]; then
  echo "test.sh: Spark NLP interop check skipped (SUMMARIZER_SPARKNLP=0)"
else
  echo "test.sh: interop check with Spark NLP (scripts/interop/sparknlp.sh)"
  status=0
  "$ROOT/scripts/interop/sparknlp.sh" || status=$?
  case "$status" in
    0) ;;
    3) echo "test.sh: Spark NLP interop check skipped (see above)" ;;
    *) echo "test.sh: Spark NLP interop check FAILED" >&2; exit 1 ;;
  esac
fi
echo "test.sh: all tests passed"
