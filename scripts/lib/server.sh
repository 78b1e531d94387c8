# Starts `summarizer serve` in the background on a free port and waits until it listens.
#   start_server NAME LOG MODEL [serve flags...]
# NAME prefixes error messages; the server's output goes to LOG. Sets SERVER (its pid) and URL, and kills the
# server when the calling script exits. Needs ROOT.
start_server() {
  local name="$1" log="$2" model="$3"
  shift 3
  "$ROOT/scripts/summarizer" serve --model "$model" --port 0 "$@" >"$log" 2>&1 &
  SERVER=$!
  trap 'kill "$SERVER" 2>/dev/null || true' EXIT
  URL=""
  for _ in $(seq 1 600); do
    URL=$(sed -n 's|^serving .* on \(http://[^ ]*\)/ .*|\1|p' "$log")
    [ -n "$URL" ] && return 0
    kill -0 "$SERVER" 2>/dev/null || { cat "$log" >&2; echo "$name: the server did not start" >&2; exit 1; }
    sleep 0.2
  done
  cat "$log" >&2
  echo "$name: the server did not start in 2 minutes" >&2
  exit 1
}
