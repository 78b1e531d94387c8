# The reference Python for the checks that need Hugging Face's own code: $PYTHON, else scripts/reference/.venv's
# (see scripts/reference/README.md). Sets PYTHON; returns 1 when it is missing or cannot import every module named.
#   reference_python transformers tensorboard || exit 3
reference_python() {
  PYTHON="${PYTHON:-$ROOT/scripts/reference/.venv/bin/python}"
  local imports
  imports="$(IFS=,; echo "$*")"
  [ -x "$PYTHON" ] && "$PYTHON" -c "import $imports" >/dev/null 2>&1
}
