#!/usr/bin/env bash
# Builds the JS assets of crates/duckline-wasm (idempotent; files are rewritten only when they change,
# so cargo does not rebuild the crate needlessly):
#   - js/duckdb_glue.js: esbuild bundle of js/duckdb_glue.src.js with @duckdb/duckdb-wasm and
#     apache-arrow inlined (no bare imports), imported by src/engine.rs. Generated, not committed.
#   - vendor/duckdb-eh.wasm, vendor/duckdb-browser-eh.worker.js: the single-threaded DuckDB-WASM
#     bundle, served at /vendor/... by wasm-bindgen-test-runner (it serves the crate root).
# Extra arguments are directories that receive a copy of the two DuckDB-WASM files as well
# (e.g. a web app's static folder).
# Needs `npm ci` first (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

CRATE=crates/duckline-wasm
DIST=node_modules/@duckdb/duckdb-wasm/dist
ESBUILD=node_modules/.bin/esbuild
if [ ! -f "$DIST/duckdb-eh.wasm" ] || [ ! -x "$ESBUILD" ]; then
  echo "build-js-assets: node_modules is missing @duckdb/duckdb-wasm or esbuild; run npm ci (scripts/setup.sh)" >&2
  exit 1
fi

# Copies $1 to $2 unless $2 already has the same bytes.
install_if_changed() {
  if ! cmp -s "$1" "$2"; then
    cp "$1" "$2.tmp.$$"
    mv "$2.tmp.$$" "$2"
    echo "build-js-assets: wrote $2"
  fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$ESBUILD" "$CRATE/js/duckdb_glue.src.js" --bundle --format=esm --platform=browser \
  --target=es2020 --minify --legal-comments=eof --log-level=warning \
  --outfile="$tmp/duckdb_glue.js"
install_if_changed "$tmp/duckdb_glue.js" "$CRATE/js/duckdb_glue.js"

for dir in "$CRATE/vendor" "$@"; do
  mkdir -p "$dir"
  for f in duckdb-eh.wasm duckdb-browser-eh.worker.js; do
    install_if_changed "$DIST/$f" "$dir/$f"
  done
done
