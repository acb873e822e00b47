// Loading the duckline package, the busy flag, the call queue, timings and error display.

import { byTestId, errorText } from './util.js';

export const PKG_URL = '/pkg/duckline.js';
export const BUILD_HINT = 'make pkg (from the repository root)';

/** Absolute URLs of the DuckDB-WASM files served by our own origin (never a CDN). */
export function duckdbBundles() {
  return {
    mainModule: new URL('/duckdb/duckdb-eh.wasm', location.href).href,
    mainWorker: new URL('/duckdb/duckdb-browser-eh.worker.js', location.href).href,
  };
}

/**
 * Imports /pkg/duckline.js and initialises its wasm. Rejects with code "PackageMissing" when the
 * package has not been built (the file is absent), with the underlying error otherwise.
 */
export async function loadDuckline() {
  let probe;
  try {
    probe = await fetch(PKG_URL, { method: 'HEAD', cache: 'no-store' });
  } catch (err) {
    throw withCode(new Error(`cannot reach ${PKG_URL}: ${err.message}`), 'PackageMissing');
  }
  if (probe.status === 404) {
    throw withCode(
      new Error(`duckline package not built: ${PKG_URL} is missing (HTTP 404). Build it with: ${BUILD_HINT}`),
      'PackageMissing',
    );
  }
  if (!probe.ok) {
    throw withCode(new Error(`${PKG_URL} answered HTTP ${probe.status}`), 'PackageMissing');
  }
  const mod = await import(/* @vite-ignore */ PKG_URL);
  if (typeof mod.default !== 'function' || typeof mod.Workspace !== 'function') {
    throw withCode(new Error(`${PKG_URL} does not export init() and Workspace`), 'PackageMissing');
  }
  await timed('init', () => mod.default());
  return mod;
}

function withCode(err, code) {
  err.code = code;
  return err;
}

// ---------------------------------------------------------------------------------------------
// Timings: every duckline call made through `timed` is recorded here (tests read it).

/** Observed figures: `timings` is a list of { label, ms, at, ok }; `marks` are named times. */
export const metrics = { timings: [], marks: {} };

/** Runs `fn`, recording its duration under `label`. */
export async function timed(label, fn) {
  const t0 = performance.now();
  let ok = false;
  try {
    const result = await fn();
    ok = true;
    return result;
  } finally {
    const ms = performance.now() - t0;
    metrics.timings.push({ label, ms, at: t0, ok });
    if (metrics.timings.length > 2000) metrics.timings.splice(0, 1000);
  }
}

/** Records a named point in time (ms since navigation start). */
export function mark(name) {
  metrics.marks[name] = performance.now();
}

// ---------------------------------------------------------------------------------------------
// The call queue: user actions and grid page fetches run one at a time; `body[data-busy]` is "1"
// from the moment an action is queued until the queue is empty.

let pending = 0;
let tail = Promise.resolve();

function setBusy() {
  document.body.dataset.busy = pending > 0 ? '1' : '0';
}

/**
 * Queues `fn` behind every earlier action. Errors are shown in the error bar (and, when given,
 * in `messageEl`) and swallowed unless `rethrow` is set; resolves to fn's result or undefined.
 */
export function run(label, fn, { messageEl = null, rethrow = false, quiet = false } = {}) {
  pending += 1;
  setBusy();
  if (!quiet) setStatus(`${label}…`);
  const job = tail.then(async () => {
    try {
      const result = await fn();
      if (!quiet) setStatus('Ready');
      return result;
    } catch (err) {
      console.error(label, err);
      showError(err, messageEl);
      if (!quiet) setStatus(`${label} failed`);
      if (rethrow) throw err;
      return undefined;
    } finally {
      pending -= 1;
      // Let the last render settle before declaring the page idle.
      await nextFrame();
      setBusy();
    }
  });
  tail = job.catch(() => {});
  return job;
}

/** Resolves after the next animation frame (or 50 ms when frames are paused, e.g. hidden tab). */
/** The AbortController of the long call under way (the header's Cancel button aborts it). */
let current = null;

/** Aborts the long call under way, if any (the header's Cancel button). */
export function cancelCurrent() {
  current?.abort();
}

/**
 * Runs `fn(callOptions)`, where `callOptions` is API.md's CallOptions `{ signal, onProgress }`:
 * the header's progress bar shows its phase and fraction, and its Cancel button aborts it (the
 * call then rejects with code "Cancelled" and nothing changed).
 */
export async function cancellable(fn) {
  const abort = new AbortController();
  current = abort;
  const cancel = byTestId('cancel');
  const bar = byTestId('progress-bar');
  const text = byTestId('progress');
  cancel.disabled = false;
  bar.hidden = false;
  bar.value = 0;
  const onProgress = (p) => {
    bar.value = p.fraction ?? 0;
    text.textContent = `${p.phase} ${Math.round((p.fraction ?? 0) * 100)}%${p.message ? ` ${p.message}` : ''}`;
  };
  try {
    return await fn({ signal: abort.signal, onProgress });
  } finally {
    if (current === abort) current = null;
    cancel.disabled = true;
    bar.hidden = true;
    text.textContent = '';
  }
}

export function nextFrame() {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 50);
    requestAnimationFrame(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Sets the status line. */
export function setStatus(text) {
  const el = document.querySelector('[data-testid="status"]');
  if (el) el.textContent = text;
}

/** Shows a rejected call's `code` and `message` in the error bar (and in `messageEl`). */
export function showError(err, messageEl = null) {
  const bar = byTestId('error');
  bar.hidden = false;
  bar.dataset.code = err?.code ?? 'Error';
  bar.querySelector('.error-text').textContent = errorText(err);
  if (messageEl) {
    messageEl.textContent = errorText(err);
    messageEl.dataset.code = err?.code ?? 'Error';
    messageEl.classList.add('is-error');
  }
}

/** Hides the error bar. */
export function clearError() {
  const bar = byTestId('error');
  bar.hidden = true;
  delete bar.dataset.code;
  bar.querySelector('.error-text').textContent = '';
}

/** Shows a plain (non-error) message in `el`. */
export function showMessage(el, text) {
  el.textContent = text;
  delete el.dataset.code;
  el.classList.remove('is-error');
}
