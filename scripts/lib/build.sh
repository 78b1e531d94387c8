# Builds the project when a source or POM is newer than the last build, then sets SUMMARIZER_CLASSPATH.
# Needs ROOT and a JDK (lib/jdk.sh). Extra Maven arguments come from SUMMARIZER_MAVEN_ARGS (e.g. -Pcpu).

MODULES="models training serving"

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
  local cp="" m jar
  for m in $MODULES; do
    jar=$(ls "$ROOT/$m/target/"summarizer-"$m"-*.jar 2>/dev/null | grep -v -- '-tests.jar' | head -n 1)
    cp="$cp:$jar:$(cat "$ROOT/$m/target/runtime-classpath.txt")"
  done
  # Modules share dependencies; keep the first occurrence of each jar.
  SUMMARIZER_CLASSPATH=$(printf '%s' "${cp#:}" | tr ':' '\n' | awk 'NF && !seen[$0]++' | paste -sd: -)
}
