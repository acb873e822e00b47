// The package's entry runs workspaces in its dedicated worker (pkg/duckline.worker.js): what
// crosses the thread boundary must behave as the API says — objects and their sync getters,
// byte arguments (copied in parts, the caller's array intact), CallOptions (onProgress called on
// the page, an abort reaching the worker's call), typed errors, transferred export results — and
// `worker: false` must still run the workspace on the page's own thread. Real data: flights.csv.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, launchBrowser, watchPage } from './helpers.mjs';
import { startServer } from '../../scripts/serve.mjs';

const PKG = path.join(REPO_ROOT, 'pkg');
const DATA = path.resolve(process.env.DUCKLINE_DATA_DIR ?? path.join(REPO_ROOT, '../shared/data/nycflights13'));
const SKIP = !existsSync(path.join(PKG, 'duckline.js'))
  ? 'pkg/ is not built (make pkg)'
  : !existsSync(path.join(DATA, 'flights.csv'))
    ? `no flights.csv in ${DATA} (set DUCKLINE_DATA_DIR)`
    : false;

let server;
let browser;
let page;

before(async () => {
  if (SKIP) return;
  server = await startServer({
    port: 0,
    mounts: [
      ['/pkg/', PKG],
      ['/data/', DATA],
      ['/', path.join(REPO_ROOT, 'tests/e2e/devtools-page')],
    ],
  });
  browser = await launchBrowser();
  page = browser.page;
  watchPage(page, server.url.replace(/\/$/, ''));
  await page.goto(server.url);
  await page.waitForFunction(() => document.body.dataset.ready === '1', null, { timeout: 120_000 });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('a workspace in the worker: objects, bytes in parts, progress, errors and export results cross as the API says', { skip: SKIP, timeout: 10 * 60_000 }, async () => {
  const r = await page.evaluate(async () => {
    const { Workspace, Table, Diff } = window.duckline;
    const bytes = new Uint8Array(await (await fetch('/data/flights.csv')).arrayBuffer());
    const firstByte = bytes[0];
    const ws = await Workspace.open({ name: 'worker-flights' });
    for (const t of await ws.tables()) await ws.dropTable(t.name);
    const fractions = [];
    const t = await ws.importCsv('flights', bytes, { onProgress: (p) => fractions.push(p.fraction) });
    const info = await t.info();
    const step = await t.apply({ op: 'lowercase', column: 'carrier' });
    const d = await t.diff({ from: 0 });
    const page1 = await d.page({ limit: 3 });
    await d.close();
    const csv = await t.export('csv');
    let missing = null;
    try {
      await ws.table('no_such_table');
    } catch (e) {
      missing = { isError: e instanceof Error, code: e.code, message: e.message };
    }
    let unsendable = null;
    try {
      await t.apply({ op: 'trim', column: 'carrier', note: () => 'a function cannot be cloned' });
    } catch (e) {
      unsendable = e.code;
    }
    const again = await ws.table('flights');
    const timeline = await again.timeline();
    await ws.close();
    return {
      bytesAfter: { length: bytes.byteLength, firstByte, same: bytes[0] === firstByte },
      objects: { ws: ws instanceof Workspace, t: t instanceof Table, d: d instanceof Diff, wsName: ws.name, tName: t.name },
      rowCount: info.rowCount,
      fractions,
      step: { index: step.index, rowsAffected: step.rowsAffected },
      summary: d.summary,
      page1: page1.rows.map((row) => row.status),
      csv: { isBytes: csv instanceof Uint8Array, head: new TextDecoder().decode(csv.subarray(0, 9)) },
      missing,
      unsendable,
      position: timeline.position,
    };
  });
  const workers = page.workers().map((w) => w.url());
  assert.ok(workers.some((u) => u.endsWith('/pkg/duckline.worker.js')), `the package's worker runs (${workers.join(', ')})`);
  assert.ok(r.bytesAfter.length > 8 * 1024 * 1024, 'flights.csv is larger than one 8 MiB part');
  assert.equal(r.bytesAfter.same, true, "the caller's bytes are left as they were (copied, not transferred)");
  assert.deepEqual(r.objects, { ws: true, t: true, d: true, wsName: 'worker-flights', tName: 'flights' });
  assert.equal(r.rowCount, 336776);
  assert.ok(r.fractions.length >= 3, `progress reached the page (${r.fractions.length} reports)`);
  assert.ok(r.fractions.every((f, i) => i === 0 || f >= r.fractions[i - 1]), 'fractions never decrease');
  assert.equal(r.fractions.at(-1), 1);
  assert.equal(r.step.index, 1);
  assert.ok(r.step.rowsAffected > 0);
  assert.equal(r.summary.modified, r.step.rowsAffected, 'the sync summary getter holds the diff figures');
  assert.deepEqual(r.page1, ['modified', 'modified', 'modified']);
  assert.deepEqual(r.csv, { isBytes: true, head: 'year,mont' });
  assert.equal(r.missing.isError, true);
  assert.equal(r.missing.code, 'NotFound');
  assert.match(r.missing.message, /no_such_table/);
  assert.equal(r.unsendable, 'InvalidInput', 'an argument that cannot cross to the worker is InvalidInput');
  assert.equal(r.position, 1, 'and nothing was applied');
});

test("an abort reaches the worker's call: Cancelled, and the table and timeline are as before", { skip: SKIP, timeout: 10 * 60_000 }, async () => {
  const r = await page.evaluate(async () => {
    const { Workspace } = window.duckline;
    const ws = await Workspace.open({ name: 'worker-cancel', storage: 'memory' });
    const bytes = new Uint8Array(await (await fetch('/data/flights.csv')).arrayBuffer());
    const t = await ws.importCsv('flights', bytes);
    const before = await t.rows({ limit: 5 });
    const abort = new AbortController();
    let code = null;
    try {
      await t.apply({ op: 'lowercase', column: 'origin' }, { signal: abort.signal, onProgress: () => abort.abort() });
    } catch (e) {
      code = e.code;
    }
    const timeline = await t.timeline();
    const after = await t.rows({ limit: 5 });
    await ws.close();
    return { code, steps: timeline.steps.length, position: timeline.position, same: JSON.stringify(before) === JSON.stringify(after) };
  });
  assert.deepEqual(r, { code: 'Cancelled', steps: 0, position: 0, same: true });
});

test('worker: false runs the workspace on the page thread, with the same results and measures', { skip: SKIP }, async () => {
  const r = await page.evaluate(async () => {
    const { Workspace } = window.duckline;
    const csv = new TextEncoder().encode('name,city\n  Ada ,London\nLinus,Helsinki\n');
    const out = {};
    for (const worker of [true, false]) {
      performance.clearMeasures();
      const ws = await Workspace.open({ name: `worker-${worker}`, storage: 'memory', worker });
      const t = await ws.importCsv('people', csv);
      const step = await t.apply({ op: 'trim', column: 'name' });
      const rows = (await t.rows()).rows;
      await t.undo();
      const undone = (await t.rows()).rows;
      await ws.close();
      out[worker] = {
        label: step.label,
        rows,
        undone,
        measures: performance.getEntriesByType('measure').some((m) => m.name === 'duckline apply trim'),
      };
    }
    return out;
  });
  assert.deepEqual(r.true.rows, [['Ada', 'London'], ['Linus', 'Helsinki']]);
  assert.deepEqual(r.false, r.true);
  assert.equal(r.true.measures, true, "the worker's measures are on the page's timeline");
});
