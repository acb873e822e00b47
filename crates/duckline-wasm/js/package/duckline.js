// The package's entry (`import init, { Workspace } from "duckline"`): the API of ../../shared/API.md
// on the page's main thread, with the work done in a dedicated worker (duckline.worker.js), so a
// 1M-row step never stalls the page's frames (issue 9, "The host page stays responsive").
//
// Every member is the one of the wasm-bindgen classes (duckline_wasm.d.ts describes them both):
// a call posts its arguments to the worker and resolves with its answer. `name` and `summary` are
// sync getters, known when the object is made. CallOptions cross as data: `onProgress` is called
// here for each report the worker sends, and an abort of `signal` is sent to the worker's call.
// Byte arguments (Uint8Array, ArrayBuffer) are copied in 8 MiB parts with a task between parts
// (a 200 MB CSV would otherwise be one long structured clone); Blob and File are passed as they
// are (cloning a Blob copies no bytes).
//
// `duckdb` (bring your own AsyncDuckDB) cannot cross to a worker: with it, or with `worker: false`,
// the workspace runs on this thread, exactly as duckline_wasm.js does (loaded on first use).

const BYTE_PART = 8 * 1024 * 1024;
const DUCKDB_OPTION = "duckdb";

let host = null; // { worker, ready: Promise, timeOffset }
let initInput;
let inline = null; // Promise of the duckline_wasm.js module, initialised
const pending = new Map(); // call id -> { resolve, reject, onProgress }
let nextId = 1;
let nextBytesKey = 1;

function decodeError(e) {
  const error = new Error(e.message);
  for (const [k, v] of Object.entries(e)) if (k !== "message") error[k] = v;
  return error;
}

function onMessage(event) {
  const m = event.data;
  switch (m.type) {
    case "result": {
      const p = pending.get(m.id);
      pending.delete(m.id);
      p?.resolve(decodeValue(m.value));
      break;
    }
    case "error": {
      const p = pending.get(m.id);
      pending.delete(m.id);
      p?.reject(decodeError(m.error));
      break;
    }
    case "progress":
      pending.get(m.id)?.onProgress?.(m.progress);
      break;
    case "measure": {
      // The worker's performance.now() is on its own time origin.
      const offset = host ? host.timeOffset : 0;
      try {
        performance.measure(m.name, { start: m.start + offset, end: m.end + offset, detail: m.detail });
      } catch {
        // No options form of measure() in this browser: a debugging aid, never an error.
      }
      break;
    }
    case "log":
      console[m.level](m.message);
      break;
    default:
      break;
  }
}

async function startWorker(state) {
  const worker = state.worker;
  worker.postMessage({ type: "init", input: await workerInput(initInput) });
}

function newHost() {
  const worker = new Worker(new URL("./duckline.worker.js", import.meta.url), { type: "module", name: "duckline" });
  const state = { worker, timeOffset: 0, ready: null };
  state.ready = new Promise((resolve, reject) => {
    const first = (event) => {
      if (event.data.type === "ready") {
        state.timeOffset = event.data.timeOrigin - performance.timeOrigin;
        worker.removeEventListener("message", first);
        worker.addEventListener("message", onMessage);
        resolve();
      } else if (event.data.type === "failed") {
        worker.removeEventListener("message", first);
        reject(decodeError(event.data.error));
      }
    };
    worker.addEventListener("message", first);
    worker.addEventListener("error", (event) => {
      const error = Object.assign(new Error(`duckline: the worker failed: ${event.message ?? "it did not load"}`), { code: "Engine" });
      reject(error);
      for (const p of pending.values()) p.reject(error);
      pending.clear();
    });
  });
  startWorker(state).catch((e) => worker.dispatchEvent(new ErrorEvent("error", { message: String(e) })));
  return state;
}

/** init()'s argument as the worker can take it: a URL string, a compiled module or bytes. */
async function workerInput(input) {
  let v = input && typeof input === "object" && "module_or_path" in input ? await input.module_or_path : input;
  if (typeof Response !== "undefined" && v instanceof Response) v = await v.arrayBuffer();
  if (typeof Request !== "undefined" && v instanceof Request) v = v.url;
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string" || v instanceof URL) return new URL(v, location.href).href;
  return v;
}

/**
 * Loads duckline: starts its worker and the wasm module in it. `input` (optional) is where
 * `duckline_wasm_bg.wasm` is (a URL, a `WebAssembly.Module`, or `{ module_or_path }`); by default
 * the file next to this module, which bundlers emit. Resolves when the module is ready; rejects
 * when the worker or the module fails to load. Calling it again returns the same promise.
 */
export default function init(input) {
  if (host === null) {
    initInput = input;
    host = newHost();
  }
  return host.ready;
}

function inlineModule() {
  if (inline === null) {
    inline = import("./duckline_wasm.js").then(async (m) => {
      await m.default(initInput === undefined ? undefined : { module_or_path: initInput.module_or_path ?? initInput });
      return m;
    });
  }
  return inline;
}

/** Moves a byte argument to the worker in parts; returns its stand-in. */
async function sendBytes(worker, data) {
  const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const key = `b${nextBytesKey++}`;
  for (let offset = 0; offset < bytes.byteLength; offset += BYTE_PART) {
    const chunk = bytes.slice(offset, offset + BYTE_PART);
    worker.postMessage({ type: "bytes", key, chunk }, [chunk.buffer]);
    if (offset + BYTE_PART < bytes.byteLength) await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return { __ducklineBytes: key };
}

const isBytes = (a) => a instanceof ArrayBuffer || (ArrayBuffer.isView(a) && !(a instanceof DataView));
const isPlainObject = (a) => a !== null && typeof a === "object" && !Array.isArray(a) && !isBytes(a) && !(a instanceof Blob);

async function call(handle, method, args) {
  if (host === null) init();
  await host.ready;
  const { worker } = host;
  const sent = [];
  let callInfo = null;
  let onProgress;
  let signal;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (isBytes(a)) sent.push(await sendBytes(worker, a));
    else if (isPlainObject(a) && ("signal" in a || "onProgress" in a)) {
      const { signal: s, onProgress: f, ...rest } = a;
      signal = s ?? undefined;
      onProgress = typeof f === "function" ? f : undefined;
      callInfo = { index: i, progress: onProgress !== undefined, aborted: signal?.aborted === true };
      sent.push(rest);
    } else sent.push(a);
  }
  const id = nextId++;
  return new Promise((resolve, reject) => {
    let onAbort = null;
    const done = (f) => (v) => {
      if (onAbort) signal.removeEventListener("abort", onAbort);
      f(v);
    };
    pending.set(id, { resolve: done(resolve), reject: done(reject), onProgress });
    if (signal && !signal.aborted) {
      onAbort = () => worker.postMessage({ type: "cancel", id });
      signal.addEventListener("abort", onAbort, { once: true });
    }
    try {
      worker.postMessage({ type: "call", id, handle, method, args: sent, call: callInfo });
    } catch (e) {
      // A DataCloneError: something in the arguments (a function, a DOM node) cannot be sent.
      pending.delete(id);
      done(reject)(Object.assign(new Error(`${method}: an argument cannot be sent to duckline's worker: ${e.message}`), { code: "InvalidInput" }));
    }
  });
}

// Table and Diff handles are let go in the worker when the page drops them (a Workspace is let go
// by close(): dropping one unclosed keeps its lock, as the wasm class does).
const released = new FinalizationRegistry((handle) => host?.worker.postMessage({ type: "free", handle }));

function decodeValue(value) {
  const o = value && typeof value === "object" ? value.__duckline : undefined;
  if (!o) return value;
  const cls = { Workspace, Table, Diff }[o.kind];
  const object = Object.create(cls.prototype);
  object._handle = o.handle;
  if (o.kind === "Diff") object._summary = o.summary;
  else object._name = o.name;
  if (o.kind !== "Workspace") released.register(object, o.handle, object);
  return object;
}

function free() {
  released.unregister(this);
  host?.worker.postMessage({ type: "free", handle: this._handle });
}

function methods(cls, names) {
  cls.prototype.free = free;
  if (typeof Symbol.dispose === "symbol") cls.prototype[Symbol.dispose] = free;
  for (const name of names) {
    Object.defineProperty(cls.prototype, name, {
      value(...args) {
        return call(this._handle, name, args);
      },
      writable: true,
      configurable: true,
    });
  }
}

/** A duckline workspace (API.md "Workspace"); made by `Workspace.open`. */
export class Workspace {
  /**
   * Opens (or creates) a workspace: `options` as `WorkspaceOptions` of API.md, plus `worker`
   * (default true; false, or a `duckdb` instance, runs it on this thread). Errors as the wasm
   * `Workspace.open`: `WorkspaceBusy`, `Unsupported`, `InvalidCommand`, `Engine`.
   */
  static async open(options) {
    const { worker = true, ...rest } = options ?? {};
    if (!worker || (options && options[DUCKDB_OPTION] != null)) {
      const m = await inlineModule();
      return m.Workspace.open(options ? rest : undefined);
    }
    const sent = { ...rest };
    if (sent.duckdbBundles) {
      // Relative URLs are the page's, not the worker script's.
      const b = sent.duckdbBundles;
      sent.duckdbBundles = { ...b };
      for (const k of ["mainModule", "mainWorker"]) if (typeof b[k] === "string") sent.duckdbBundles[k] = new URL(b[k], location.href).href;
    }
    return call(0, "open", [options ? sent : undefined]);
  }

  /** The workspace name (sync). */
  get name() {
    return this._name;
  }
}
methods(Workspace, [
  "tables", "table", "importCsv", "previewCsv", "importParquet", "importJson", "importXlsx",
  "stack", "join", "compare", "dropTable", "damagedManifests", "storage", "memory", "close",
]);

/** One table of a workspace (API.md "Table"). */
export class Table {
  /** The table name (sync). */
  get name() {
    return this._name;
  }
}
methods(Table, [
  "info", "apply", "undo", "redo", "goto", "timeline", "rows", "rowsAt", "diff", "export",
  "recipe", "applyRecipe", "clusters",
]);

/** A diff between two states of a table or two tables (API.md "Diff"). */
export class Diff {
  /** Counts of added, removed, modified and unchanged rows, per column and schema (sync). */
  get summary() {
    return this._summary;
  }
}
methods(Diff, ["page", "pageAt", "close"]);
