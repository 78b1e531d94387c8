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

export MAVEN_OPTS="${MAVEN_OPTS:-} $(jvm_quiet_flags)"
mvn -B -f "$ROOT/pom.xml" ${SUMMARIZER_MAVEN_ARGS:-} verify -Dtest.jvm.args="-Xmx6g $(jvm_quiet_flags)" "$@"
echo "test.sh: all tests passed"
