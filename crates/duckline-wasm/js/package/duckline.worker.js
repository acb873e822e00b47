// The package's dedicated worker: it loads duckline's wasm module (duckline_wasm.js, the
// wasm-bindgen output) and runs every call of the API there, so that the host page's main thread
// only posts messages (issue 9: no frame gap over 50 ms at 1M rows). DuckDB-WASM's own worker is
// started from here (a nested worker). The protocol is private to this file and duckline.js:
//
//   page -> worker  { type: "init", input }                      load the wasm (input: init()'s argument)
//                   { type: "call", id, handle, method, args, call }  handle 0 = the Workspace class
//                   { type: "bytes", key, chunk }                 a transferred part of a byte argument
//                   { type: "cancel", id }                        the call's AbortSignal fired
//                   { type: "free", handle }                      the page dropped a Table/Diff/Workspace
//   worker -> page  { type: "ready", timeOrigin } | { type: "failed", error }
//                   { type: "result", id, value } | { type: "error", id, error }
//                   { type: "progress", id, progress }
//                   { type: "measure", name, start, end, detail } | { type: "log", level, message }
//
// Objects (Workspace, Table, Diff) stay here and are named by handles; a result that is one goes
// to the page as `{ handle, kind, name?, summary? }`. A Uint8Array result is transferred, not copied.

import init, { Diff, Table, Workspace } from "./duckline_wasm.js";

const objects = new Map(); // handle -> Workspace | Table | Diff
let nextHandle = 1;
const controllers = new Map(); // call id -> AbortController
const byteParts = new Map(); // byte-argument key -> Uint8Array[]
const timers = new Map(); // call id -> progress heartbeat interval

// A phase can be one DuckDB statement of seconds at 1M rows, and DuckDB-WASM reports nothing
// while it runs: after HEARTBEAT_MS without a report, the last one is sent again (same phase and
// fraction, never a larger guess) with the time it has been running in its message, so a
// progress bar knows the call is alive at least every 250 ms (issue 10).
const HEARTBEAT_MS = 150;

// js/platform.js sends measures and log lines through this hook, so that they show in the page's
// Performance panel and console (page time = worker time + timeOrigin difference).
globalThis.__ducklineHost = (message) => postMessage(message);

function encodeError(e) {
  if (e instanceof Error || (e && typeof e === "object")) {
    const out = { name: e.name ?? "Error", message: String(e.message ?? e) };
    for (const [k, v] of Object.entries(e)) if (typeof v !== "function" && typeof v !== "object") out[k] = v;
    return out;
  }
  return { name: "Error", message: String(e) };
}

function encodeValue(value) {
  for (const [kind, cls] of [
    ["Workspace", Workspace],
    ["Table", Table],
    ["Diff", Diff],
  ]) {
    if (value instanceof cls) {
      const handle = nextHandle++;
      objects.set(handle, value);
      const out = { handle, kind };
      if (kind !== "Diff") out.name = value.name;
      else out.summary = value.summary;
      return [{ __duckline: out }, []];
    }
  }
  if (value instanceof Uint8Array && value.byteOffset === 0 && value.byteLength === value.buffer.byteLength) {
    return [value, [value.buffer]];
  }
  return [value, []];
}

/** The onProgress of call `id`: posts each report, and the heartbeat between reports. */
function progressReporter(id) {
  let last = null;
  let lastAt = 0;
  let since = 0;
  const send = (progress) => postMessage({ type: "progress", id, progress });
  timers.set(
    id,
    setInterval(() => {
      const t = performance.now();
      if (last === null || t - lastAt < HEARTBEAT_MS) return;
      const seconds = ((t - since) / 1000).toFixed(1);
      send({ ...last, message: `${last.message ?? last.phase} (${seconds} s)` });
      lastAt = t;
    }, HEARTBEAT_MS / 3),
  );
  return (progress) => {
    const t = performance.now();
    if (last === null || last.phase !== progress.phase || last.message !== progress.message) since = t;
    last = progress;
    lastAt = t;
    send(progress);
  };
}

/** The call's arguments as the wasm module takes them: bytes reassembled, CallOptions rebuilt. */
function decodeArgs(id, args, call) {
  const out = args.map((a) => {
    if (a && typeof a === "object" && typeof a.__ducklineBytes === "string") {
      const parts = byteParts.get(a.__ducklineBytes) ?? [];
      byteParts.delete(a.__ducklineBytes);
      const total = parts.reduce((n, p) => n + p.byteLength, 0);
      const bytes = new Uint8Array(total);
      let offset = 0;
      for (const p of parts) {
        bytes.set(p, offset);
        offset += p.byteLength;
      }
      return bytes;
    }
    return a;
  });
  if (call) {
    const controller = new AbortController();
    if (call.aborted) controller.abort();
    controllers.set(id, controller);
    const options = { ...(out[call.index] ?? {}), signal: controller.signal };
    if (call.progress) options.onProgress = progressReporter(id);
    out[call.index] = options;
  }
  return out;
}

async function run({ id, handle, method, args, call }) {
  try {
    let target;
    if (handle === 0) target = Workspace;
    else {
      target = objects.get(handle);
      if (!target) throw Object.assign(new Error(`duckline: this object was freed (${method})`), { code: "NotFound" });
    }
    if (typeof target[method] !== "function") throw new Error(`duckline: no method ${method}`);
    const value = await target[method](...decodeArgs(id, args, call));
    const [encoded, transfer] = encodeValue(value);
    postMessage({ type: "result", id, value: encoded }, transfer);
  } catch (e) {
    postMessage({ type: "error", id, error: encodeError(e) });
  } finally {
    controllers.delete(id);
    clearInterval(timers.get(id));
    timers.delete(id);
  }
}

let ready = null;

self.onmessage = (event) => {
  const m = event.data;
  switch (m.type) {
    case "init":
      ready = init(m.input === undefined ? undefined : { module_or_path: m.input }).then(
        () => postMessage({ type: "ready", timeOrigin: performance.timeOrigin }),
        (e) => postMessage({ type: "failed", error: encodeError(e) }),
      );
      break;
    case "call":
      ready.then(() => run(m));
      break;
    case "bytes": {
      const parts = byteParts.get(m.key) ?? [];
      parts.push(m.chunk);
      byteParts.set(m.key, parts);
      break;
    }
    case "cancel":
      controllers.get(m.id)?.abort();
      break;
    case "free": {
      const object = objects.get(m.handle);
      objects.delete(m.handle);
      if (object && typeof object.free === "function") object.free();
      break;
    }
    default:
      break;
  }
};
