// The main job through the demo page in headless Chromium: import flights.csv, pad_zeros, rename,
// remove_duplicates, edit a cell in the grid, undo, redo, diff from the import (two pages), reload
// (same profile: OPFS persists) and undo after the reload. Figures observed on the way are written
// to bench-results/e2e-figures.json (no wall-clock assertions).
//
// Needs pkg/ (`make pkg`) and www/dist (node www/build.mjs). E2E_PKG_DIR=<dir> serves another
// build of the package at /pkg/ (tests/e2e/mock-pkg is a plain-JS stand-in for the page's checks).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { access, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { defaultMounts, startServer } from '../../scripts/serve.mjs';
import {
  REPO_ROOT,
  assertNoError,
  lastTiming,
  launchBrowser,
  readColumns,
  readRowCount,
  readTimeline,
  waitIdle,
  waitReady,
  watchPage,
} from './helpers.mjs';

const FLIGHTS_ROWS = 336_776;
const PKG_DIR = process.env.E2E_PKG_DIR ? path.resolve(process.env.E2E_PKG_DIR) : path.join(REPO_ROOT, 'pkg');
const FIGURES_FILE = path.join(
  REPO_ROOT,
  process.env.E2E_PKG_DIR ? `bench-results/e2e-figures-${path.basename(PKG_DIR)}.json` : 'bench-results/e2e-figures.json',
);
const LONG = 10 * 60_000;

const pkgBuilt = await access(path.join(PKG_DIR, 'duckline.js')).then(
  () => true,
  () => false,
);

let server;
let browser;
let log;

before(async () => {
  if (!pkgBuilt) return;
  await access(path.join(REPO_ROOT, 'www/dist/app.js')).catch(() => {
    throw new Error('www/dist/app.js is missing: run `node www/build.mjs` first');
  });
  const mounts = defaultMounts().map(([prefix, dir]) => [prefix, prefix === '/pkg/' ? PKG_DIR : dir]);
  server = await startServer({ port: 0, mounts });
  browser = await launchBrowser();
  log = watchPage(browser.page, server.url.replace(/\/$/, ''));
});

after(async () => {
  if (log && (log.pageErrors.length || log.console.length)) {
    console.log('--- page console errors/warnings ---');
    for (const line of [...log.pageErrors, ...log.console].slice(0, 50)) console.log(line);
  }
  await browser?.close();
  await server?.close();
});

/** Picks `op` in the command picker, lets `fill(form)` set the fields, submits, waits. */
async function applyViaForm(page, op, fill) {
  await page.selectOption('[data-testid="command-select"]', op);
  const form = page.locator(`[data-testid="form-${op}"]`);
  await fill(form);
  await form.locator(`[data-testid="${op}-submit"]`).click();
  await waitIdle(page, LONG);
  await assertNoError(page, op);
  const message = await page.textContent('[data-testid="command-message"]');
  return message;
}

/** The step at the current timeline position (asserting it is `op`). */
async function currentStep(page, op) {
  const tl = await readTimeline(page);
  const entry = tl.entries.find((e) => e.index === tl.position);
  assert.ok(entry, `timeline has an entry at position ${tl.position}`);
  assert.equal(entry.op, op, `current step is ${op} (timeline: ${JSON.stringify(tl)})`);
  return entry;
}

/** The text of the grid cell of `rowId` in `column` (waits for it to be rendered). */
async function cellText(page, rowId, column) {
  const cell = page.locator(`[data-testid="cell"][data-row-id="${rowId}"][data-col="${column}"]`);
  await cell.waitFor({ state: 'attached', timeout: 60_000 });
  return cell.textContent();
}

/** The rows of the diff page currently shown. */
async function diffRows(page) {
  return page.$$eval('[data-testid="diff-row"]', (trs) =>
    trs.map((tr) => ({
      rowId: Number(tr.dataset.rowId),
      status: tr.dataset.status,
      index: Number(tr.dataset.index),
      changed: tr.dataset.changed ? tr.dataset.changed.split(',') : [],
      highlighted: Array.from(tr.querySelectorAll('[data-testid="diff-cell"][data-changed="1"]'), (td) => td.dataset.col),
    })),
  );
}

async function diffNumber(page, key) {
  return Number(await page.getAttribute(`[data-testid="diff-${key}"]`, 'data-value'));
}

test('main job: import, clean, undo/redo, diff, reload', { timeout: 30 * 60_000, skip: pkgBuilt ? false : `no ${PKG_DIR}/duckline.js (build pkg/ first)` }, async () => {
  const { page } = browser;
  const figures = { pkg: path.relative(REPO_ROOT, PKG_DIR) || PKG_DIR, rows: FLIGHTS_ROWS, steps: {}, timings: {} };

  // Open the page (a fresh profile: the workspace is empty).
  let t0 = Date.now();
  await page.goto(server.url);
  await waitReady(page, LONG);
  figures.timings.firstOpenMs = Date.now() - t0;
  figures.timings.workspaceOpenMs = await lastTiming(page, 'Workspace.open');
  assert.equal(await page.locator('[data-testid="table-item"]').count(), 0, 'the workspace starts empty');

  // Import the sample through the UI.
  t0 = Date.now();
  await page.click('[data-testid="load-sample"]');
  await waitIdle(page, LONG);
  await assertNoError(page, 'import');
  figures.timings.importUiMs = Date.now() - t0;
  figures.timings.importMs = await lastTiming(page, 'importCsv');
  figures.timings.sampleFetchMs = await lastTiming(page, 'sample.fetch');
  assert.equal(await page.textContent('[data-testid="table-name"]'), 'flights');
  assert.equal(await readRowCount(page), FLIGHTS_ROWS);
  assert.equal(await page.textContent('[data-testid="row-count"]'), '336,776');
  let columns = await readColumns(page);
  assert.ok(columns.some((c) => c.name === 'flight'));
  assert.ok(columns.some((c) => c.name === 'dest'));
  assert.equal((await readTimeline(page)).position, 0);
  figures.timings.firstGridPageAfterImportMs = await lastTiming(page, 'grid.rowsAt');

  // pad_zeros(flight, 5)
  await applyViaForm(page, 'pad_zeros', async (form) => {
    await form.locator('[name="column"]').selectOption('flight');
    await form.locator('[name="length"]').fill('5');
  });
  const pad = await currentStep(page, 'pad_zeros');
  assert.equal(pad.index, 1);
  assert.ok(pad.rowsAffected > 0, 'pad_zeros changed rows');
  figures.steps.pad_zeros = pad;
  figures.timings.applyPadZerosMs = await lastTiming(page, 'apply.pad_zeros');
  columns = await readColumns(page);
  assert.equal(columns.find((c) => c.name === 'flight').type, 'VARCHAR');
  const firstRow = page.locator('[data-testid="row"][data-row="0"]');
  await firstRow.locator('[data-col="flight"]').waitFor();
  assert.match(await firstRow.locator('[data-col="flight"]').textContent(), /^\d{5}$/);

  // rename_column(dest -> destination)
  await applyViaForm(page, 'rename_column', async (form) => {
    await form.locator('[name="column"]').selectOption('dest');
    await form.locator('[name="newName"]').fill('destination');
  });
  const rename = await currentStep(page, 'rename_column');
  assert.equal(rename.index, 2);
  figures.steps.rename_column = rename;
  figures.timings.applyRenameMs = await lastTiming(page, 'apply.rename_column');
  columns = await readColumns(page);
  assert.ok(columns.some((c) => c.name === 'destination'));
  assert.ok(!columns.some((c) => c.name === 'dest'));

  // remove_duplicates(carrier, flight, origin, destination)
  await applyViaForm(page, 'remove_duplicates', async (form) => {
    await form.locator('[name="columns"]').selectOption(['carrier', 'flight', 'origin', 'destination']);
  });
  const dedup = await currentStep(page, 'remove_duplicates');
  assert.equal(dedup.index, 3);
  assert.ok(dedup.rowsAffected > 0, 'flights has repeated carrier/flight/origin/destination');
  figures.steps.remove_duplicates = dedup;
  figures.timings.applyRemoveDuplicatesMs = await lastTiming(page, 'apply.remove_duplicates');
  const afterDedup = FLIGHTS_ROWS - dedup.rowsAffected;
  assert.equal(await readRowCount(page), afterDedup);

  // edit_cell: double-click the carrier cell of the first visible row, type, Enter.
  const cell = page.locator('[data-testid="cell"][data-row="0"][data-col="carrier"]');
  await cell.waitFor();
  const editedRowId = Number(await cell.getAttribute('data-row-id'));
  const originalCarrier = await cell.textContent();
  const newCarrier = originalCarrier === 'ZZ' ? 'YY' : 'ZZ';
  await cell.dblclick();
  const editor = page.locator('[data-testid="cell-editor"]');
  await editor.waitFor();
  await editor.fill(newCarrier);
  await editor.press('Enter');
  await waitIdle(page, LONG);
  await assertNoError(page, 'edit_cell');
  const edit = await currentStep(page, 'edit_cell');
  assert.equal(edit.index, 4);
  assert.equal(edit.rowsAffected, 1);
  figures.steps.edit_cell = edit;
  figures.timings.applyEditCellMs = await lastTiming(page, 'apply.edit_cell');
  assert.equal(await cellText(page, editedRowId, 'carrier'), newCarrier);

  // undo, redo
  await page.click('[data-testid="undo"]');
  await waitIdle(page, LONG);
  await assertNoError(page, 'undo');
  figures.timings.undoMs = await lastTiming(page, 'undo');
  assert.equal((await readTimeline(page)).position, 3);
  assert.equal(await cellText(page, editedRowId, 'carrier'), originalCarrier);
  await page.click('[data-testid="redo"]');
  await waitIdle(page, LONG);
  await assertNoError(page, 'redo');
  figures.timings.redoMs = await lastTiming(page, 'redo');
  assert.equal((await readTimeline(page)).position, 4);
  assert.equal(await cellText(page, editedRowId, 'carrier'), newCarrier);

  // Undo/redo of the big tier-3 step as well (timings only beyond the row count).
  await page.locator('[data-testid="timeline-entry"][data-index="2"]').click();
  await waitIdle(page, LONG);
  await assertNoError(page, 'goto 2');
  figures.timings.gotoBackOverDedupMs = await lastTiming(page, 'goto');
  assert.equal(await readRowCount(page), FLIGHTS_ROWS);
  await page.locator('[data-testid="timeline-entry"][data-index="4"]').click();
  await waitIdle(page, LONG);
  await assertNoError(page, 'goto 4');
  figures.timings.gotoForwardOverDedupMs = await lastTiming(page, 'goto');
  assert.equal(await readRowCount(page), afterDedup);
  assert.equal((await readTimeline(page)).position, 4);

  // Diff from the import.
  await page.selectOption('[data-testid="diff-from"]', '0');
  await page.click('[data-testid="diff-build"]');
  await waitIdle(page, LONG);
  await assertNoError(page, 'diff');
  figures.timings.diffBuildMs = await lastTiming(page, 'diff.build');
  figures.timings.diffFirstPageMs = await lastTiming(page, 'diff.page.first');
  const summary = {
    added: await diffNumber(page, 'added'),
    removed: await diffNumber(page, 'removed'),
    modified: await diffNumber(page, 'modified'),
    unchanged: await diffNumber(page, 'unchanged'),
  };
  figures.diffSummary = summary;
  assert.equal(summary.added, 0, 'nothing was added');
  assert.equal(summary.removed, dedup.rowsAffected, 'removed = rows removed by remove_duplicates');
  assert.ok(summary.modified >= 0);
  assert.equal(summary.unchanged + summary.modified + summary.removed, FLIGHTS_ROWS, 'old side adds up');
  assert.equal(summary.unchanged + summary.modified + summary.added, afterDedup, 'new side adds up');
  // flight was padded on every row that is still there.
  const flightCells = await page.getAttribute('[data-testid="diff-col"][data-col="flight"]', 'data-changed-cells');
  assert.ok(Number(flightCells) > 0, 'flight has changed cells');
  const schema = await page.$$eval('[data-testid="diff-schema-change"]', (els) => els.map((e) => ({ kind: e.dataset.kind, column: e.dataset.col })));
  figures.diffSchemaChanges = schema;
  assert.ok(schema.some((c) => c.kind === 'renamed' && c.column === 'destination'), `rename in schemaChanges: ${JSON.stringify(schema)}`);

  const page1 = await diffRows(page);
  assert.ok(page1.length > 0, 'first diff page has rows');
  assert.ok(page1.length <= 100);
  for (const r of page1) {
    assert.ok(['added', 'removed', 'modified'].includes(r.status));
    if (r.status === 'modified') {
      assert.ok(r.changed.length > 0, 'a modified row names its changed columns');
      assert.deepEqual([...r.highlighted].sort(), [...r.changed].sort(), 'changed cells are highlighted');
    }
  }
  await page.click('[data-testid="diff-next"]');
  await waitIdle(page, LONG);
  await assertNoError(page, 'diff next page');
  figures.timings.diffNextPageMs = await lastTiming(page, 'diff.page.next');
  const page2 = await diffRows(page);
  assert.ok(page2.length > 0, 'second diff page has rows');
  assert.notEqual(page2[0].rowId, page1[0].rowId, 'the second page starts elsewhere');
  assert.ok(!page1.some((r) => r.rowId === page2[0].rowId && r.status === page2[0].status), 'pages do not overlap');
  assert.equal(page2[0].index, page1.length);
  // A random jump into the middle of the changed rows.
  const total = summary.added + summary.removed + summary.modified;
  const jumpTo = Math.floor(total / 2);
  await page.fill('[data-testid="diff-jump-index"]', String(jumpTo + 1));
  await page.click('[data-testid="diff-jump"]');
  await waitIdle(page, LONG);
  await assertNoError(page, 'diff jump');
  figures.timings.diffJumpMs = await lastTiming(page, 'diff.pageAt');
  const page3 = await diffRows(page);
  assert.ok(page3.length > 0);
  assert.equal(page3[0].index, jumpTo);
  await page.click('[data-testid="diff-close"]');
  await waitIdle(page, LONG);
  await assertNoError(page, 'diff close');

  // Storage figures (shown by the panel).
  figures.storage = {
    files: Number(await page.getAttribute('[data-testid="storage-files"]', 'data-value')),
    bytes: Number(await page.getAttribute('[data-testid="storage-bytes"]', 'data-value')),
    duckdbBytes: Number(await page.getAttribute('[data-testid="memory-duckdb"]', 'data-value')),
  };

  // Reload with the same profile: everything must come back from OPFS.
  t0 = Date.now();
  await page.reload();
  await waitReady(page, LONG);
  await page.locator('[data-testid="cell"][data-row="0"]').first().waitFor({ timeout: LONG });
  figures.timings.reloadToFirstPageWallMs = Date.now() - t0;
  figures.timings.reloadToFirstPageMs = await page.evaluate(() => window.__duckline.metrics.marks.firstGridPage ?? null);
  figures.timings.reopenWorkspaceMs = await lastTiming(page, 'Workspace.open');
  assert.equal(await page.textContent('[data-testid="table-name"]'), 'flights');
  assert.equal(await readRowCount(page), afterDedup);
  columns = await readColumns(page);
  assert.ok(columns.some((c) => c.name === 'destination'), 'destination survives the reload');
  assert.ok(!columns.some((c) => c.name === 'dest'), 'dest stays renamed');
  assert.equal(columns.find((c) => c.name === 'flight').type, 'VARCHAR');
  assert.match(await page.locator('[data-testid="cell"][data-row="0"][data-col="flight"]').textContent(), /^\d{5}$/);
  const tlAfter = await readTimeline(page);
  assert.equal(tlAfter.position, 4);
  assert.equal(tlAfter.entries.length, 5);
  assert.equal(await cellText(page, editedRowId, 'carrier'), newCarrier);

  // Undo still works after the reload.
  await page.click('[data-testid="undo"]');
  await waitIdle(page, LONG);
  await assertNoError(page, 'undo after reload');
  figures.timings.undoAfterReloadMs = await lastTiming(page, 'undo');
  assert.equal((await readTimeline(page)).position, 3);
  assert.equal(await cellText(page, editedRowId, 'carrier'), originalCarrier);

  assert.deepEqual(log.foreignRequests, [], 'nothing is loaded from outside our origin');

  await mkdir(path.dirname(FIGURES_FILE), { recursive: true });
  figures.measuredAt = new Date().toISOString();
  await writeFile(FIGURES_FILE, `${JSON.stringify(figures, null, 2)}\n`);
  console.log(`e2e figures (${path.relative(REPO_ROOT, FIGURES_FILE)}):\n${JSON.stringify(figures, null, 2)}`);
});
