// The benchmark page's side (bench/run.mjs drives it step by step through page.evaluate, so it can
// read the DuckDB worker's wasm heap between steps). Every function returns plain JSON: wall times
// in milliseconds (performance.now() around the awaited call, in the page), sizes in bytes.
//
// "ours" = the duckline package (pkg/duckline.js: the workspace in the package's worker; with
// `?inline` in the page URL, `worker: false`, on this page's thread); "base" = BenchBaseline
// (crates/duckline-wasm/src/bench.rs, loaded from the wasm-bindgen module on this thread): bare
// DuckDB-WASM + full-table Parquet snapshots, the reference system's strategy.

import init, { Workspace } from '/pkg/duckline.js';
import initWasm, { BenchBaseline } from '/pkg/duckline_wasm.js';

const now = () => performance.now();
const BUNDLES = {
  mainModule: new URL('/pkg/duckdb/duckdb-eh.wasm', location.href).href,
  mainWorker: new URL('/duckdb-probe.worker.js', location.href).href,
};
const TABLE = 't';
const ID = '_cs_id';

const WORKER = !new URLSearchParams(location.search).has('inline');
const S = { wasm: null, csv: null, ws: null, t: null, d: null, cursor: null, b: null };

/**
 * Watches this page's main thread while a call runs: a requestAnimationFrame loop records the
 * longest gap in ms between frames (start and end of the watch included), and a `longtask`
 * PerformanceObserver sums the long tasks (main-thread tasks over 50 ms) that ended meanwhile.
 * `stop()` resolves to `{ frameGapMs, longTaskMs, longTasks }`.
 */
function watchMainThread() {
  const t0 = now();
  let last = t0;
  let gap = 0;
  let running = true;
  let longTaskMs = 0;
  let longTasks = 0;
  const count = (entries) => {
    for (const e of entries) {
      if (e.startTime + e.duration < t0) continue;
      longTaskMs += e.duration;
      longTasks += 1;
    }
  };
  const observer = new PerformanceObserver((list) => count(list.getEntries()));
  observer.observe({ type: 'longtask' });
  const frame = () => {
    const t = now();
    gap = Math.max(gap, t - last);
    last = t;
    if (running) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  return {
    async stop() {
      const end = now();
      running = false;
      gap = Math.max(gap, end - last);
      // Long-task entries are queued after the task ends: let one task pass before reading them.
      await new Promise((resolve) => setTimeout(resolve, 0));
      count(observer.takeRecords());
      observer.disconnect();
      return { frameGapMs: gap, longTaskMs, longTasks };
    },
  };
}

async function timed(f) {
  const watch = watchMainThread();
  const t0 = now();
  const value = await f();
  const ms = now() - t0;
  return { ms, value, ...(await watch.stop()) };
}

/**
 * Like `timed`, passing CallOptions with an `onProgress` to `f`: also the longest gap in ms
 * between the call's start, its progress reports and its end (`progressGapMs`, and the report
 * it followed: `progressGapAfter`), and the count of reports.
 */
async function timedWithProgress(f) {
  const watch = watchMainThread();
  const t0 = now();
  let last = t0;
  let lastWhat = 'the call';
  let gap = 0;
  let gapAfter = null;
  let reports = 0;
  const onProgress = (p) => {
    const t = now();
    if (t - last > gap) {
      gap = t - last;
      gapAfter = lastWhat;
    }
    last = t;
    lastWhat = `${p.phase} ${p.message ?? ''}`.trim();
    reports += 1;
  };
  const value = await f({ onProgress });
  const t1 = now();
  if (t1 - last > gap) {
    gap = t1 - last;
    gapAfter = `${lastWhat} (then the end)`;
  }
  const thread = await watch.stop();
  return { ms: t1 - t0, value, progressGapMs: gap, progressGapAfter: gapAfter, progressReports: reports, ...thread };
}

/** The main-thread figures of a `timed` or `timedWithProgress` result. */
function thread(r) {
  return { frameGapMs: r.frameGapMs, longTaskMs: r.longTaskMs, longTasks: r.longTasks };
}

function pageShape(p) {
  return { rows: p.rows.length, next: p.nextCursor !== null };
}

export const bench = {
  async init() {
    await init();
    S.wasm = await initWasm();
    return true;
  },
  /** Bytes of this page's duckline wasm module memory (the inline module; the worker's is not read). */
  moduleHeapBytes() {
    return S.wasm ? S.wasm.memory.buffer.byteLength : null;
  },
  async fetchCsv(url) {
    const r = await fetch(url);
    if (!r.ok) throw new Error(`GET ${url}: ${r.status}`);
    S.csv = new Uint8Array(await r.arrayBuffer());
    return S.csv.length;
  },

  // ----- ours -------------------------------------------------------------------------------
  async wsOpen(name) {
    const { ms, value } = await timed(() => Workspace.open({ name, duckdbBundles: BUNDLES, worker: WORKER }));
    S.ws = value;
    return { ms };
  },
  async wsImport() {
    const r = await timedWithProgress((call) => S.ws.importCsv(TABLE, S.csv, call));
    const { ms, value, progressGapMs } = r;
    S.t = value;
    const info = await S.t.info();
    const storage = await S.ws.storage();
    return { ms, progressGapMs, progressGapAfter: r.progressGapAfter, ...thread(r), rows: info.rowCount, columns: info.columns.length, bytes: storage.bytes, files: storage.files };
  },
  async wsMemory() {
    return (await S.ws.memory()).duckdbBytes;
  },
  async wsStorage() {
    return S.ws.storage();
  },
  async wsApply(command) {
    const r = await timedWithProgress((call) => S.t.apply(command, call));
    return { ms: r.ms, progressGapMs: r.progressGapMs, progressGapAfter: r.progressGapAfter, ...thread(r), step: r.value };
  },
  async wsUndo() {
    const r = await timedWithProgress((call) => S.t.undo(call));
    return { ms: r.ms, progressGapMs: r.progressGapMs, progressGapAfter: r.progressGapAfter, ...thread(r), step: r.value };
  },
  async wsRedo() {
    const r = await timedWithProgress((call) => S.t.redo(call));
    return { ms: r.ms, progressGapMs: r.progressGapMs, progressGapAfter: r.progressGapAfter, ...thread(r), step: r.value };
  },
  async wsInfo() {
    return S.t.info();
  },
  async wsDiffBuild(from) {
    const r = await timedWithProgress((call) => S.t.diff({ from, ...call }));
    S.d = r.value;
    return { ms: r.ms, progressGapMs: r.progressGapMs, progressGapAfter: r.progressGapAfter, ...thread(r), summary: r.value.summary };
  },
  /** export(format) of the current table: wall time, main-thread figures and the file's bytes. */
  async wsExport(format) {
    const r = await timedWithProgress((call) => S.t.export(format, call));
    return { ms: r.ms, progressGapMs: r.progressGapMs, progressGapAfter: r.progressGapAfter, ...thread(r), bytes: r.value.length };
  },
  async wsDiffFirstPage(limit) {
    const r = await timed(() => S.d.page({ limit }));
    S.cursor = r.value.nextCursor;
    return { ms: r.ms, ...thread(r), ...pageShape(r.value) };
  },
  async wsDiffNextPages(count, limit) {
    const out = [];
    for (let i = 0; i < count && S.cursor !== null; i++) {
      const r = await timed(() => S.d.page({ after: S.cursor, limit }));
      S.cursor = r.value.nextCursor;
      out.push({ ms: r.ms, ...thread(r), ...pageShape(r.value) });
    }
    return out;
  },
  async wsDiffJumps(positions, limit) {
    const out = [];
    for (const index of positions) {
      const r = await timed(() => S.d.pageAt(index, { limit }));
      out.push({ index, ms: r.ms, ...thread(r), ...pageShape(r.value) });
    }
    return out;
  },
  async wsDiffClose() {
    const { ms } = await timed(() => S.d.close());
    S.d = null;
    return { ms };
  },
  async wsClose() {
    const { ms } = await timed(() => S.ws.close());
    S.ws = null;
    S.t = null;
    return { ms };
  },
  /**
   * Reopens workspace `name` in this (fresh) page: open, then the first rows() page, then the last
   * page (rowsAt(rowCount - limit): needs every row loaded). Times from the moment open resolves,
   * plus open itself (which starts a DuckDB-WASM worker).
   */
  async wsReopen(name, limit) {
    const watch = watchMainThread();
    const t0 = now();
    S.ws = await Workspace.open({ name, duckdbBundles: BUNDLES, worker: WORKER });
    const t1 = now();
    S.t = await S.ws.table(TABLE);
    const first = await S.t.rows({ limit });
    const t2 = now();
    const info = await S.t.info();
    const last = await S.t.rowsAt(Math.max(0, info.rowCount - limit), { limit });
    const t3 = now();
    return {
      ...(await watch.stop()),
      ms: t3 - t0,
      openMs: t1 - t0,
      firstPageMs: t2 - t1,
      wholeTableMs: t3 - t1,
      firstRows: first.rows.length,
      lastRows: last.rows.length,
      rowCount: info.rowCount,
      position: info.position,
    };
  },

  // ----- baseline ---------------------------------------------------------------------------
  async baseOpen(name, fresh = true) {
    const { ms, value } = await timed(() => BenchBaseline.open({ name, fresh, duckdbBundles: BUNDLES }));
    S.b = value;
    return { ms };
  },
  async baseClose() {
    await S.b.close();
    S.b = null;
    return true;
  },
  async baseMemory() {
    return S.b.memoryBytes();
  },
  async baseCount() {
    return S.b.queryNumber(`SELECT count(*) FROM ${TABLE}`);
  },
  /** Bare DuckDB-WASM: registerFileBuffer + CREATE TABLE AS SELECT * FROM read_csv (no persistence). */
  async baseBareReadCsv() {
    const copy = S.csv.slice(); // registerFileBuffer transfers (detaches) its buffer
    const db = S.b.duckdb;
    const { ms } = await timed(async () => {
      await db.registerFileBuffer('bare.csv', copy);
      await S.b.execute(`CREATE TABLE bare AS SELECT * FROM read_csv('bare.csv')`);
    });
    const rows = await S.b.queryNumber('SELECT count(*) FROM bare');
    const columns = await S.b.queryNumber(
      `SELECT count(*) FROM information_schema.columns WHERE table_name = 'bare'`,
    );
    await S.b.execute('DROP TABLE bare');
    await db.dropFile('bare.csv');
    return { ms, rows, columns };
  },
  /** The reference's import: read_csv with a row id, then the original snapshot and the persisted copy. */
  async baseImport() {
    const copy = S.csv.slice();
    const db = S.b.duckdb;
    const t0 = now();
    await db.registerFileBuffer('import.csv', copy);
    await S.b.execute(
      `CREATE TABLE ${TABLE} AS SELECT CAST(row_number() OVER () AS BIGINT) AS ${ID}, * FROM read_csv('import.csv')`,
    );
    await db.dropFile('import.csv');
    const t1 = now();
    const original = await S.b.writeSnapshot(TABLE, ID, 'original');
    const t2 = now();
    const persist = await S.b.writeSnapshot(TABLE, ID, `tables/${TABLE}`);
    const t3 = now();
    return {
      ms: t3 - t0,
      readMs: t1 - t0,
      snapshotMs: t2 - t1,
      persistMs: t3 - t2,
      bytes: original.bytes + persist.bytes,
      rows: original.rows,
    };
  },
  /** A destructive step: full snapshot before, the SQL, full persistence export after. */
  async baseStep(index, sql) {
    const t0 = now();
    const snap = await S.b.writeSnapshot(TABLE, ID, `snapshots/${index}`);
    const t1 = now();
    await S.b.execute(sql);
    const t2 = now();
    const persist = await S.b.writeSnapshot(TABLE, ID, `tables/${TABLE}`);
    const t3 = now();
    return {
      ms: t3 - t0,
      snapshotMs: t1 - t0,
      sqlMs: t2 - t1,
      persistMs: t3 - t2,
      bytes: snap.bytes + persist.bytes,
      rows: persist.rows,
    };
  },
  /** Undo: restore the full snapshot taken before step `index + 1`, then the persistence export. */
  async baseUndo(index) {
    const t0 = now();
    const rows = await S.b.restoreSnapshot(`snapshots/${index}`, TABLE);
    const t1 = now();
    const persist = await S.b.writeSnapshot(TABLE, ID, `tables/${TABLE}`);
    const t2 = now();
    return { ms: t2 - t0, restoreMs: t1 - t0, persistMs: t2 - t1, bytes: persist.bytes, rows };
  },
  /** Redo: re-run the step's SQL, then the persistence export. */
  async baseRedo(sql) {
    const t0 = now();
    await S.b.execute(sql);
    const t1 = now();
    const persist = await S.b.writeSnapshot(TABLE, ID, `tables/${TABLE}`);
    const t2 = now();
    return { ms: t2 - t0, sqlMs: t1 - t0, persistMs: t2 - t1, bytes: persist.bytes, rows: persist.rows };
  },
  /** Reload as the reference does: the whole persisted table is read back before any row shows. */
  async baseReopen(name, limit) {
    const t0 = now();
    S.b = await BenchBaseline.open({ name, fresh: false, duckdbBundles: BUNDLES });
    const t1 = now();
    const rows = await S.b.restoreSnapshot(`tables/${TABLE}`, TABLE);
    await S.b.execute(`SELECT * FROM ${TABLE} ORDER BY ${ID} LIMIT ${limit}`);
    const t2 = now();
    return { openMs: t1 - t0, firstPageMs: t2 - t1, wholeTableMs: t2 - t1, rowCount: rows };
  },
};
