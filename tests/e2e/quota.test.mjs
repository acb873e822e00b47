// Quota: Chromium's own (DevTools protocol Storage.overrideQuotaForOrigin, no mock) made smaller than
// what an import, a step or a reopen needs. Each call that needs the space rejects with StorageFull
// and changes nothing (tables, timeline, data, OPFS files); once the quota is lifted the workspace
// opens and works. A workspace already over its quota still opens and reads: open writes nothing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { launchBrowser } from './helpers.mjs';
import { PKG_DIR, checkFolder, startCrashServer } from './crash-harness.mjs';

const SKIP = existsSync(path.join(PKG_DIR, 'duckline.js')) ? false : 'pkg/ is not built (make pkg)';
const NAME = 'quota';
const MiB = 1024 * 1024;

let server;
let browser;
let page;
let cdp;
let origin;

before(async () => {
  if (SKIP) return;
  server = await startCrashServer();
  origin = server.url.replace(/\/$/, '');
  browser = await launchBrowser();
  page = browser.page;
  page.on('pageerror', (e) => console.error(`[page error] ${e.stack ?? e}`));
  cdp = await browser.context.newCDPSession(page);
  await page.goto(server.url);
  await page.waitForFunction(() => document.body.dataset.ready === '1', null, { timeout: 0 });
  await page.evaluate(() => window.harness.loadFlights());
  await page.evaluate((n) => window.harness.open(n), NAME);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Chromium's quota for the page's origin: `bytes` above the current usage, or none (null). */
async function setQuota(bytesAboveUsage) {
  if (bytesAboveUsage === null) {
    await cdp.send('Storage.overrideQuotaForOrigin', { origin });
    return null;
  }
  const { usage } = await page.evaluate(() => navigator.storage.estimate());
  const quotaSize = Math.max(0, usage + bytesAboveUsage);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize });
  return { usage, quotaSize };
}

/** Everything a rejected call must leave as it was: tables, timeline, data, the folder's files. */
async function snapshot() {
  return page.evaluate(async (name) => {
    const h = window.harness;
    const tables = (await h.ws.tables()).map((t) => t.name);
    const out = { tables, files: await h.files(name) };
    if (tables.includes('flights')) {
      out.timeline = await h.timeline('flights');
      out.data = await h.fingerprint('flights');
    }
    return out;
  }, NAME);
}

/** The code of the call's rejection (null when it resolved). */
async function codeOf(fn, arg) {
  return page.evaluate(
    async ([f, a]) => {
      try {
        await window.harness[f](a);
        return null;
      } catch (e) {
        return { code: e.code ?? null, message: String(e.message ?? e) };
      }
    },
    [fn, arg],
  );
}

const importFlights = { kind: 'import', table: 'flights' };
const bigStep = { kind: 'apply', table: 'flights', command: { op: 'custom_sql', sql: 'UPDATE {table} SET dep_delay = 0 WHERE dep_delay < 0' } };

test('an import that does not fit: StorageFull, nothing changed; it works once space is freed', { skip: SKIP }, async () => {
  const before = await snapshot();
  // flights.csv (31 MB) is stored as the table's original while DuckDB reads it.
  const quota = await setQuota(MiB);
  const err = await codeOf('act', importFlights);
  console.log(`import with ${JSON.stringify(quota)}: ${JSON.stringify(err)}`);
  assert.equal(err?.code, 'StorageFull', JSON.stringify(err));
  assert.deepEqual(await snapshot(), before);
  await setQuota(null);
  assert.equal(await codeOf('act', importFlights), null);
  assert.deepEqual(checkFolder((await snapshot()).files).problems, []);
});

test('a step that does not fit: StorageFull, nothing changed, at several margins; then it works', { skip: SKIP }, async () => {
  // custom_sql stores the whole table before and after (a Snapshot delta, ~9 MB each), then a
  // manifest: 12 MiB lets the first file fit and the second fail.
  let rejected = 0;
  for (const margin of [0, MiB, 12 * MiB]) {
    const before = await snapshot();
    const quota = await setQuota(margin);
    const err = await codeOf('act', bigStep);
    console.log(`custom_sql with ${JSON.stringify(quota)}: ${JSON.stringify(err)}`);
    if (err === null) {
      // It fitted: a committed step like any other; undo it for the next margin.
      await setQuota(null);
      assert.equal(await codeOf('act', { kind: 'undo', table: 'flights' }), null);
      continue;
    }
    rejected++;
    assert.equal(err.code, 'StorageFull', JSON.stringify(err));
    assert.deepEqual(await snapshot(), before);
  }
  assert.ok(rejected > 0, 'at least the margin of 0 bytes rejects');
  await setQuota(null);
  assert.equal(await codeOf('act', bigStep), null);
  const after = await snapshot();
  assert.equal(after.timeline.position, 1);
  assert.deepEqual(checkFolder(after.files).problems, []);
});

test('a reopen over the quota opens and reads; a change is StorageFull; all works once space is freed', { skip: SKIP }, async () => {
  const before = await snapshot();
  await page.evaluate(() => window.harness.close());
  // Below the usage: not even a manifest fits.
  const quota = await setQuota(-MiB);
  assert.equal(await codeOf('open', NAME), null, 'open writes nothing');
  const reopened = await snapshot();
  console.log(`reopen with ${JSON.stringify(quota)}: tables ${reopened.tables}, position ${reopened.timeline.position}`);
  assert.deepEqual(reopened, before);
  for (const action of [
    { kind: 'apply', table: 'flights', command: { op: 'uppercase', column: 'carrier' } },
    { kind: 'undo', table: 'flights' },
  ]) {
    const err = await codeOf('act', action);
    console.log(`${action.kind} over the quota: ${JSON.stringify(err)}`);
    assert.equal(err?.code, 'StorageFull', JSON.stringify(err));
    assert.deepEqual(await snapshot(), before);
  }
  await setQuota(null);
  assert.equal(await codeOf('act', { kind: 'undo', table: 'flights' }), null);
  assert.equal(await codeOf('act', { kind: 'apply', table: 'flights', command: { op: 'uppercase', column: 'carrier' } }), null);
  await page.evaluate(() => window.harness.close());
  assert.equal(await codeOf('open', NAME), null);
  const last = await snapshot();
  assert.deepEqual(
    last.timeline.commands.map((c) => c.op),
    ['uppercase'],
  );
  assert.deepEqual(checkFolder(last.files).problems, []);
});
