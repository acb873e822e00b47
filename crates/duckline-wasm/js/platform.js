// Small platform helpers that web-sys offers only behind `web_sys_unstable_apis` (Web Locks) or
// separately for windows and workers (`navigator`). Imported by src/lock.rs and src/opfs.rs with
// `#[wasm_bindgen(module = "/js/platform.js")]`; no imports, so it needs no bundling.

/** `navigator.storage` (window or worker), or `null` when absent or without OPFS `getDirectory`. */
export function storageManager() {
  const storage = globalThis.navigator ? globalThis.navigator.storage : undefined;
  if (!storage || typeof storage.getDirectory !== "function") return null;
  return storage;
}

/**
 * Tries to take the exclusive Web Lock `name` without waiting (`ifAvailable: true`).
 * Resolves to a release function (call it once to let the lock go), to `null` when another
 * context holds the lock, or to `undefined` when the Web Locks API is missing.
 */
export function tryLock(name) {
  const locks = globalThis.navigator ? globalThis.navigator.locks : undefined;
  if (!locks || typeof locks.request !== "function") return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    let release = () => {};
    const held = new Promise((done) => {
      release = done;
    });
    locks
      .request(name, { mode: "exclusive", ifAvailable: true }, (lock) => {
        if (lock === null) {
          resolve(null);
          return undefined;
        }
        resolve(() => release());
        return held; // the lock is held until this promise settles
      })
      .catch(reject);
  });
}

/**
 * A User Timing measure `name` from `start` to `end` (`performance.now()` milliseconds) on the
 * "duckline" track of Chrome DevTools' Performance panel (the `detail.devtools` extensibility
 * format; other browsers list it as a plain measure). `properties` is `[key, value][]` shown in
 * the entry's summary. A missing or throwing `performance.measure` is ignored: timing is a
 * debugging aid and must never fail a call.
 */
export function measure(name, start, end, failed, properties) {
  const detail = {
    devtools: {
      dataType: "track-entry",
      track: "duckline",
      color: failed ? "error" : "primary",
      properties,
    },
  };
  // In the package's worker (js/package/duckline.worker.js) the measure is the page's to show.
  if (typeof globalThis.__ducklineHost === "function") {
    globalThis.__ducklineHost({ type: "measure", name, start, end, detail });
    return;
  }
  const perf = globalThis.performance;
  if (!perf || typeof perf.measure !== "function") return;
  try {
    perf.measure(name, { start, end, detail });
  } catch {
    // An old browser without the options form of measure(): nothing to record.
  }
}

/** `console[level](message)` for `level` "debug" | "info". */
export function log(level, message) {
  if (typeof globalThis.__ducklineHost === "function") {
    globalThis.__ducklineHost({ type: "log", level, message });
    return;
  }
  globalThis.console[level](message);
}
