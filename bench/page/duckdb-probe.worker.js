// DuckDB-WASM's eh worker, unchanged, behind a probe that remembers the wasm linear memory it
// creates, so bench/run.mjs can read the DuckDB worker's wasm heap size between steps (through
// Playwright's Worker.evaluate of `__benchHeapBytes()`). The heap grows up to 4 GiB and never
// shrinks, so its size at any time is also the peak so far.
//
// The eh build creates its memory with `new WebAssembly.Memory(...)` and imports it; the
// constructor is wrapped (same prototype, so `instanceof` still holds). Exported memories of
// instances are caught too, in case a build exports its memory instead. Nothing else changes: the
// worker then loads /pkg/duckdb/duckdb-browser-eh.worker.js and the page passes
// /pkg/duckdb/duckdb-eh.wasm as usual.
(() => {
  const memories = [];
  const NativeMemory = WebAssembly.Memory;
  function ProbedMemory(descriptor) {
    const memory = new NativeMemory(descriptor);
    memories.push(memory);
    return memory;
  }
  ProbedMemory.prototype = NativeMemory.prototype;
  WebAssembly.Memory = ProbedMemory;

  const keepExported = (result) => {
    const instance = result instanceof WebAssembly.Instance ? result : result && result.instance;
    for (const value of Object.values((instance && instance.exports) || {})) {
      if (value instanceof NativeMemory && !memories.includes(value)) memories.push(value);
    }
    return result;
  };
  const instantiate = WebAssembly.instantiate;
  WebAssembly.instantiate = function (source, imports) {
    return instantiate.call(this, source, imports).then(keepExported);
  };
  const streaming = WebAssembly.instantiateStreaming;
  if (streaming) {
    WebAssembly.instantiateStreaming = function (source, imports) {
      return streaming.call(this, source, imports).then(keepExported);
    };
  }
  /** Bytes of the largest wasm memory of this worker (DuckDB's heap), or null before it exists. */
  globalThis.__benchHeapBytes = () =>
    memories.length ? Math.max(...memories.map((m) => m.buffer.byteLength)) : null;
})();
importScripts('/pkg/duckdb/duckdb-browser-eh.worker.js');
