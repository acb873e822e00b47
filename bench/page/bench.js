// The benchmark page's side (bench/run.mjs drives it step by step through page.evaluate, so it can
// read the DuckDB worker's wasm heap between steps). Every function returns plain JSON: wall times
// in milliseconds (performance.now() around the awaited call, in the page), sizes in bytes.
//
// "ours" = the duckline package (pkg/duckline.js); "base" = BenchBaseline (crates/duckline-wasm/src/
// bench.rs): bare DuckDB-WASM + full-table Parquet snapshots, the reference system's strategy.

import init, { Workspace, BenchBaseline } from '/pkg/duckline.js';

const now = () => performance.now();
const BUNDLES = {
  mainModule: new URL('/pkg/duckdb/duckdb-eh.wasm', location.href).href,
  mainWorker: new URL('/duckdb-probe.worker.js', location.href).href,
};
const TABLE = 't';
const ID = '_cs_id';

const S = { wasm: null, csv: null, ws: null, t: null, d: null, cursor: null, b: null };

async function timed(f) {
  const t0 = now();
  const value = await f();
  return { ms: now() - t0, value };
}

/**
 * Like `timed`, passing CallOptions with an `onProgress` to `f`: also the longest gap in ms
 * between the call's start, its progress reports and its end (`progressGapMs`), and the count of
 * reports.
 */
async function timedWithProgress(f) {
  const t0 = now();
  let last = t0;
  let gap = 0;
  let reports = 0;
  const onProgress = () => {
    const t = now();
    gap = Math.max(gap, t - last);
    last = t;
    reports += 1;
  };
  const value = await f({ onProgress });
  const t1 = now();
  return { ms: t1 - t0, value, progressGapMs: Math.max(gap, t1 - last), progressReports: reports };
}

function pageShape(p) {
  return { rows: p.rows.length, next: p.nextCursor !== null };
}

export const bench = {
  async init() {
    S.wasm = await init();
    return true;
  },
  /** Bytes of this page's duckline wasm module memory (ours only; not DuckDB's). */
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
    const { ms, value } = await timed(() => Workspace.open({ name, duckdbBundles: BUNDLES }));
    S.ws = value;
    return { ms };
  },
  async wsImport() {
    const { ms, value, progressGapMs } = await timedWithProgress((call) => S.ws.importCsv(TABLE, S.csv, call));
    S.t = value;
    const info = await S.t.info();
    const storage = await S.ws.storage();
    return { ms, progressGapMs, rows: info.rowCount, columns: info.columns.length, bytes: storage.bytes, files: storage.files };
  },
  async wsMemory() {
    return (await S.ws.memory()).duckdbBytes;
  },
  async wsStorage() {
    return S.ws.storage();
  },
  async wsApply(command) {
    const { ms, value, progressGapMs } = await timedWithProgress((call) => S.t.apply(command, call));
    return { ms, progressGapMs, step: value };
  },
  async wsUndo() {
    const { ms, value, progressGapMs } = await timedWithProgress((call) => S.t.undo(call));
    return { ms, progressGapMs, step: value };
  },
  async wsRedo() {
    const { ms, value, progressGapMs } = await timedWithProgress((call) => S.t.redo(call));
    return { ms, progressGapMs, step: value };
  },
  async wsInfo() {
    return S.t.info();
  },
  async wsDiffBuild(from) {
    const { ms, value, progressGapMs } = await timedWithProgress((call) => S.t.diff({ from, ...call }));
    S.d = value;
    return { ms, progressGapMs, summary: value.summary };
  },
  async wsDiffFirstPage(limit) {
    const { ms, value } = await timed(() => S.d.page({ limit }));
    S.cursor = value.nextCursor;
    return { ms, ...pageShape(value) };
  },
  async wsDiffNextPages(count, limit) {
    const out = [];
    for (let i = 0; i < count && S.cursor !== null; i++) {
      const { ms, value } = await timed(() => S.d.page({ after: S.cursor, limit }));
      S.cursor = value.nextCursor;
      out.push({ ms, ...pageShape(value) });
    }
    return out;
  },
  async wsDiffJumps(positions, limit) {
    const out = [];
    for (const index of positions) {
      const { ms, value } = await timed(() => S.d.pageAt(index, { limit }));
      out.push({ index, ms, ...pageShape(value) });
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
    const t0 = now();
    S.ws = await Workspace.open({ name, duckdbBundles: BUNDLES });
    const t1 = now();
    S.t = await S.ws.table(TABLE);
    const first = await S.t.rows({ limit });
    const t2 = now();
    const info = await S.t.info();
    const last = await S.t.rowsAt(Math.max(0, info.rowCount - limit), { limit });
    const t3 = now();
    return {
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
