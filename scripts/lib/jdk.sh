# Finds a JDK 21 or newer and sets JAVA_HOME, JAVA and JAVA_MAJOR; returns 1 when there is none.
# Order: $JAVA_HOME, the java on PATH, then the usual install folders.

java_major() { # prints the feature version of the java binary $1
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

find_jdk() {
  local candidates=() c major
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for c in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* \
           "$HOME"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$c" ] && candidates+=("$c")
  done
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    major=$(java_major "$c/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME="$c"
      JAVA="$c/bin/java"
      JAVA_MAJOR="$major"
      return 0
    fi
  done
  return 1
}

# JVM flags for every JVM the scripts start: UTF-8 output whatever the locale, and newer JDKs kept quiet about
# the native libraries ONNX Runtime, DJL and protobuf use.
jvm_flags() {
  local flags="--enable-native-access=ALL-UNNAMED -Dstdout.encoding=UTF-8 -Dstderr.encoding=UTF-8"
  [ "${JAVA_MAJOR:-21}" -ge 23 ] && flags="$flags --sun-misc-unsafe-memory-access=allow"
  echo "$flags"
}

# The environment every JVM of this project runs with: ONNX Runtime 1.29 crashes at start with long command lines
# unless its telemetry is off, and DJL probes a cloud metadata address unless tracking is opted out.
export ORT_DISABLE_TELEMETRY=1
export OPT_OUT_TRACKING=true
# The JVM decodes command-line arguments (a text to summarize) with the locale's charset: without a UTF-8
# locale (a bare container, cron) non-ASCII text would arrive as question marks.
case "${LC_ALL:-${LC_CTYPE:-${LANG:-}}}" in
  *UTF-8*|*utf-8*|*UTF8*|*utf8*) ;;
  *) export LC_ALL=C.UTF-8 ;;
esac
