#!/usr/bin/env bash
# Optimises <dir>/duckline_wasm_bg.wasm in place with wasm-opt from npm's binaryen (run by `make pkg`
# after wasm-bindgen; no binaryen download is reachable here):
#
#   bash scripts/wasm-opt.sh <dir> <wasm-opt flags...>
#
# wasm-opt takes a minute (-O1) to over twelve (-O3) on the 14 MB module, and `make pkg` runs
# wasm-bindgen every time (cargo decides what to rebuild): the result is cached in target/wasm-opt/
# keyed by the input bytes and the flags, so an unchanged build costs a copy.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=$1
shift
wasm="$dir/duckline_wasm_bg.wasm"
WASM_OPT=node_modules/.bin/wasm-opt
if [ ! -x "$WASM_OPT" ]; then
  echo "wasm-opt.sh: $WASM_OPT is missing; run npm ci (scripts/setup.sh)" >&2
  exit 1
fi

key=$( { sha256sum < "$wasm"; echo "$* $("$WASM_OPT" --version)"; } | sha256sum | cut -c1-32)
cache="target/wasm-opt/$key.wasm"
if [ ! -f "$cache" ]; then
  mkdir -p target/wasm-opt
  before=$(stat -c %s "$wasm")
  "$WASM_OPT" "$@" "$wasm" -o "$cache.tmp.$$"
  mv "$cache.tmp.$$" "$cache"
  echo "wasm-opt.sh: $* $wasm: $before -> $(stat -c %s "$cache") bytes"
fi
cp "$cache" "$wasm"
