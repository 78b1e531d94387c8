# Builds the project when a source or POM is newer than the last build, then sets SUMMARIZER_CLASSPATH and
# SUMMARIZER_SPARK_CLASSPATH. Needs ROOT and a JDK (lib/jdk.sh). Extra Maven arguments come from
# SUMMARIZER_MAVEN_ARGS (e.g. -Pcpu).

MODULES="models training serving spark"

build_is_stale() {
  local stamp="$ROOT/target/.build-stamp" m
  [ -f "$stamp" ] || return 0
  for m in $MODULES; do
    [ -f "$ROOT/$m/target/runtime-classpath.txt" ] || return 0
  done
  [ "$(cat "$stamp")" = "${SUMMARIZER_MAVEN_ARGS:-}" ] || return 0
  [ -n "$(find "$ROOT/pom.xml" $(for m in $MODULES; do echo "$ROOT/$m/pom.xml $ROOT/$m/src/main"; done) \
           -newer "$stamp" -type f -print -quit 2>/dev/null)" ]
}

ensure_built() {
  mkdir -p "$ROOT/target"
  (
    flock 9
    if build_is_stale; then
      command -v mvn >/dev/null 2>&1 || { echo "summarizer: Maven (mvn) is needed to build the project" >&2; exit 1; }
      echo "summarizer: building (first run or sources changed)..." >&2
      local log="$ROOT/target/build.log"
      if ! MAVEN_OPTS="${MAVEN_OPTS:-} $(jvm_flags)" mvn -B -q -f "$ROOT/pom.xml" package -DskipTests \
            ${SUMMARIZER_MAVEN_ARGS:-} >"$log" 2>&1; then
        cat "$log" >&2
        echo "summarizer: the build failed (log: $log)" >&2
        exit 1
      fi
      printf '%s' "${SUMMARIZER_MAVEN_ARGS:-}" > "$ROOT/target/.build-stamp"
    fi
  ) 9>"$ROOT/target/.build-lock" || exit 1
  local cp="" m
  for m in $MODULES; do
    if [ "$m" = spark ]; then
      # Spark brings its own versions of shared libraries (Jackson) and its own logging: the spark module runs on
      # a class path of its own (below); here only its command, so that the command list shows it.
      cp="$cp:$(module_jar spark)"
    else
      cp="$cp:$(module_jar "$m"):$(cat "$ROOT/$m/target/runtime-classpath.txt")"
    fi
  done
  # Modules share dependencies; keep the first occurrence of each jar.
  SUMMARIZER_CLASSPATH=$(printf '%s' "${cp#:}" | tr ':' '\n' | awk 'NF && !seen[$0]++' | paste -sd: -)
  SUMMARIZER_SPARK_CLASSPATH="$(module_jar spark):$(cat "$ROOT/spark/target/runtime-classpath.txt")"
}

module_jar() { # the jar a module's build wrote
  ls "$ROOT/$1/target/"summarizer-"$1"-*.jar 2>/dev/null | grep -v -e '-tests.jar' -e '-cluster.jar' | head -n 1
}
