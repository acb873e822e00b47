// Where the package's own copy of DuckDB-WASM's eh bundle lives: `duckdb/` at the package root
// (`make pkg` copies it there). wasm-bindgen places this file at
// `snippets/duckline-wasm-<hash>/js/bundles.js`, hence `../../../duckdb/`.
//
// Each URL is a literal `new URL("<relative file>", import.meta.url)` on purpose: that is the
// pattern bundlers look for (Vite in dev and build, webpack 5, Rollup plugins, Parcel): they emit
// the file into the app's output and rewrite the URL, so `npm i duckline` needs no copying or
// configuration. Without a bundler the URLs resolve next to this file as they are. Both files
// are emitted as plain assets (not re-bundled): the worker is started with `new Worker(url)` by
// the DuckDB glue.

/** Absolute URL of `duckdb-eh.wasm` (DuckDB-WASM 1.32.0, single-threaded `eh` build, 34 MB). */
export function packageWasmUrl() {
  return new URL("../../../duckdb/duckdb-eh.wasm", import.meta.url).href;
}

/** Absolute URL of `duckdb-browser-eh.worker.js`, the classic-script worker of that build. */
export function packageWorkerUrl() {
  return new URL("../../../duckdb/duckdb-browser-eh.worker.js", import.meta.url).href;
}
