#!/usr/bin/env bash
# Runs generate.mjs (transformers.js, offline) on an exported model folder; installs its Node
# dependencies into scripts/interop/node_modules on first use.
#
#   scripts/interop/run.sh --model DIR --input F.jsonl --output F.jsonl --max-new-tokens N [...]
#
# Exit codes: those of generate.mjs (0 ok, 1 model failed to load or run, 2 bad arguments or input),
# and 3 when Node.js >= 18 or npm is missing or the dependencies cannot be installed.
set -euo pipefail

script="${BASH_SOURCE[0]}"
[[ "$script" == */* ]] || script="./$script"
here="$(cd "${script%/*}" && pwd)"

fail() {
    echo "interop: $*" >&2
    exit 3
}

command -v node >/dev/null 2>&1 || fail "Node.js 18 or newer is needed and 'node' is not on PATH (e.g. apt-get install nodejs npm)"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)' ||
    fail "Node.js 18 or newer is needed, found $(node --version)"

pinned="$(node -p 'require(process.argv[1]).dependencies["@huggingface/transformers"]' "$here/package.json")"
installed="$(node -p 'try { require(process.argv[1]).version } catch { "" }' \
    "$here/node_modules/@huggingface/transformers/package.json")"
# The ONNX Runtime transformers.js runs on is pinned by package.json's overrides (its own, 1.21, has no 8-bit
# MatMulNBits): an install from before the override is redone.
pinned_ort="$(node -p 'require(process.argv[1]).overrides["onnxruntime-node"]' "$here/package.json")"
installed_ort="$(node -p 'try { require(process.argv[1]).version } catch { "" }' \
    "$here/node_modules/onnxruntime-node/package.json")"
if [[ "$installed" != "$pinned" || "$installed_ort" != "$pinned_ort" ]]; then
    command -v npm >/dev/null 2>&1 || fail "npm is needed to install @huggingface/transformers and is not on PATH"
    echo "interop: installing @huggingface/transformers $pinned (onnxruntime-node $pinned_ort) into $here/node_modules..." >&2
    # --ignore-scripts: onnxruntime-node's install script only downloads optional CUDA binaries;
    # the CPU binaries ship inside the package.
    (cd "$here" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error >&2) ||
        fail "npm install failed in $here (is the npm registry reachable?)"
fi

exec node "$here/generate.mjs" "$@"
