// The page's own behaviour (grid paging and jumps, selection, forms, error display) against the
// plain-JS mock package in tests/e2e/mock-pkg, so it runs without the wasm build. What the mock
// computes is not under test here; how the page calls the API and shows the results is.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultMounts, startServer } from '../../scripts/serve.mjs';
import {
  REPO_ROOT,
  assertNoError,
  currentError,
  launchBrowser,
  readRowCount,
  readTimeline,
  waitIdle,
  waitReady,
  watchPage,
} from './helpers.mjs';

// E2E_PAGE_PKG_DIR=pkg runs these page checks against the real package instead.
const MOCK = process.env.E2E_PAGE_PKG_DIR
  ? path.resolve(process.env.E2E_PAGE_PKG_DIR)
  : path.join(REPO_ROOT, 'tests/e2e/mock-pkg');
let server;
let browser;
let page;
let log;

before(async () => {
  await access(path.join(REPO_ROOT, 'www/dist/app.js')).catch(() => {
    throw new Error('www/dist/app.js is missing: run `node www/build.mjs` first');
  });
  const mounts = defaultMounts().map(([prefix, dir]) => [prefix, prefix === '/pkg/' ? MOCK : dir]);
  server = await startServer({ port: 0, mounts });
  browser = await launchBrowser();
  page = browser.page;
  log = watchPage(page, server.url.replace(/\/$/, ''));
  await page.goto(server.url);
  await waitReady(page);
  await page.click('[data-testid="load-sample"]');
  await waitIdle(page);
  await assertNoError(page, 'import');
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Row index -> row id of the rows rendered in the grid. */
async function renderedRows() {
  return page.$$eval('[data-testid="row"][data-row-id]', (els) =>
    els.map((e) => ({ index: Number(e.dataset.row), rowId: Number(e.dataset.rowId) })).sort((a, b) => a.index - b.index),
  );
}

async function settle() {
  // Scrolling schedules a render on the next frame, which then queues the page fetches.
  await page.waitForTimeout(100);
  await waitIdle(page);
}

test('grid: scrollbar jumps use rowsAt, scrolling on uses rows({ after }), rows line up', async () => {
  const scroller = page.locator('[data-testid="grid-scroll"]');
  // Right after an import, row ids follow the display order: id = index + offset.
  const top = await renderedRows();
  const offset = top[0].rowId - top[0].index;
  for (const r of top) assert.equal(r.rowId, r.index + offset);
  // Jump to the middle of the table (like dragging the scrollbar).
  await scroller.evaluate((el) => {
    el.scrollTop = el.scrollHeight / 2;
  });
  await settle();
  let rows = await renderedRows();
  assert.ok(rows.length > 10, 'rows are rendered after the jump');
  for (const r of rows) assert.equal(r.rowId, r.index + offset);
  const mid = rows[0].index;
  assert.ok(mid > 100_000 && mid < 250_000, `middle row ${mid}`);
  const jumpFetches = await page.evaluate(() => window.__duckline.metrics.timings.filter((t) => t.label === 'grid.rowsAt').length);
  assert.ok(jumpFetches >= 2, 'the jump fetched with rowsAt');

  // Scroll on by a few hundred rows: the next page continues from the cached one's cursor.
  const before = await page.evaluate(() => window.__duckline.metrics.timings.filter((t) => t.label === 'grid.rows').length);
  await scroller.evaluate((el) => {
    el.scrollTop += 26 * 300;
  });
  await settle();
  const afterCount = await page.evaluate(() => window.__duckline.metrics.timings.filter((t) => t.label === 'grid.rows').length);
  assert.ok(afterCount > before, 'sequential scrolling used rows({ after })');
  rows = await renderedRows();
  for (const r of rows) assert.equal(r.rowId, r.index + offset);

  // "Go to row" and the info line.
  await page.fill('[data-testid="grid-goto"]', '300000');
  await page.click('[data-testid="grid-goto-submit"]');
  await settle();
  rows = await renderedRows();
  assert.ok(rows.some((r) => r.index === 299_999), 'row 300,000 is rendered');
  assert.match(await page.textContent('[data-testid="grid-info"]'), /^Rows 300,000–/);

  // Back to the top.
  await scroller.evaluate((el) => {
    el.scrollTop = 0;
  });
  await settle();
  rows = await renderedRows();
  assert.equal(rows[0].index, 0);
});

test('forms: a rejected command shows its code and message and changes nothing', async () => {
  const position = (await readTimeline(page)).position;
  await page.selectOption('[data-testid="command-select"]', 'pad_zeros');
  await page.selectOption('[data-testid="pad_zeros-column"]', 'flight');
  await page.fill('[data-testid="pad_zeros-length"]', '0');
  await page.click('[data-testid="pad_zeros-submit"]');
  await waitIdle(page);
  const err = await currentError(page);
  assert.equal(err?.code, 'InvalidCommand');
  const message = page.locator('[data-testid="command-message"]');
  assert.equal(await message.getAttribute('data-code'), 'InvalidCommand');
  assert.match(await message.textContent(), /^InvalidCommand: /);
  assert.equal((await readTimeline(page)).position, position);
  await page.click('[data-testid="error-dismiss"]');
  assert.equal(await currentError(page), null);

  // Input the page cannot turn into a command is refused before any call.
  await page.selectOption('[data-testid="command-select"]', 'delete_rows');
  await page.fill('[data-testid="delete_rows-rowIds"]', '1, x');
  await page.click('[data-testid="delete_rows-submit"]');
  assert.match(await message.textContent(), /row ids must be integers/);
  assert.equal((await readTimeline(page)).position, position);
});

test('import under a taken name shows TableExists', async () => {
  await page.click('[data-testid="load-sample"]');
  await waitIdle(page);
  const err = await currentError(page);
  assert.equal(err?.code, 'TableExists');
  assert.equal(await page.getAttribute('[data-testid="import-message"]', 'data-code'), 'TableExists');
  assert.equal(await page.locator('[data-testid="table-item"]').count(), 1);
  await page.click('[data-testid="error-dismiss"]');
});

test('selection feeds delete_rows and insert_row; timeline click goes back', async () => {
  const count = await readRowCount(page);
  const start = (await readTimeline(page)).position;
  const row = page.locator('[data-testid="row"][data-row="2"]');
  const rowId = await row.getAttribute('data-row-id');
  await row.locator('[data-col="year"]').click();
  assert.equal(await page.textContent('[data-testid="selected-row-id"]'), rowId);

  await page.selectOption('[data-testid="command-select"]', 'delete_rows');
  await page.click('[data-testid="delete_rows-rowIds-use-selected"]');
  assert.equal(await page.inputValue('[data-testid="delete_rows-rowIds"]'), rowId);
  await page.click('[data-testid="delete_rows-submit"]');
  await waitIdle(page);
  await assertNoError(page, 'delete_rows');
  assert.equal(await readRowCount(page), count - 1);
  assert.equal(await page.locator(`[data-testid="row"][data-row-id="${rowId}"]`).count(), 0);

  // Insert at the top with values.
  await page.selectOption('[data-testid="command-select"]', 'insert_row');
  await page.selectOption('[data-testid="insert_row-after"]', 'top');
  await page.fill('[data-testid="insert_row-values"]', '{"carrier": "QQ", "year": 1999}');
  await page.click('[data-testid="insert_row-submit"]');
  await waitIdle(page);
  await assertNoError(page, 'insert_row');
  assert.equal(await readRowCount(page), count);
  assert.equal(await page.textContent('[data-testid="cell"][data-row="0"][data-col="carrier"]'), 'QQ');

  // Back to where we started through the timeline.
  await page.locator(`[data-testid="timeline-entry"][data-index="${start}"]`).click();
  await waitIdle(page);
  await assertNoError(page, 'goto');
  const tl = await readTimeline(page);
  assert.equal(tl.position, start);
  assert.equal(tl.entries.filter((e) => e.index > start).length, 2, 'the two steps stay redoable');
  assert.equal(await readRowCount(page), count);
  assert.equal(await page.locator('[data-testid="redo"]').isDisabled(), false);
});

test('edit: Escape cancels, empty sets NULL', async () => {
  const cell = page.locator('[data-testid="cell"][data-row="1"][data-col="tailnum"]');
  const original = await cell.textContent();
  const position = (await readTimeline(page)).position;
  await cell.dblclick();
  await page.fill('[data-testid="cell-editor"]', 'XXXX');
  await page.press('[data-testid="cell-editor"]', 'Escape');
  await settle();
  assert.equal(await page.locator('[data-testid="cell-editor"]').count(), 0);
  assert.equal(await cell.textContent(), original);
  assert.equal((await readTimeline(page)).position, position);

  await cell.dblclick();
  await page.fill('[data-testid="cell-editor"]', '');
  await page.press('[data-testid="cell-editor"]', 'Enter');
  await waitIdle(page);
  await assertNoError(page, 'edit to NULL');
  assert.equal((await readTimeline(page)).position, position + 1);
  assert.equal(await cell.textContent(), 'null');
  assert.match(await cell.getAttribute('class'), /\bnull\b/);
});

test('drop table needs two clicks', async () => {
  await page.click('[data-testid="drop-table"]');
  assert.equal(await page.getAttribute('[data-testid="drop-table"]', 'data-armed'), '1');
  assert.equal(await page.locator('[data-testid="table-item"]').count(), 1);
  await page.click('[data-testid="drop-table"]');
  await waitIdle(page);
  await assertNoError(page, 'drop');
  assert.equal(await page.locator('[data-testid="table-item"]').count(), 0);
  assert.equal(await page.textContent('[data-testid="table-name"]'), 'No table');
  assert.deepEqual(log.pageErrors, []);
  assert.deepEqual(log.foreignRequests, []);
});

test('file import; tables taller than the browser allows: "Go to row" moves the window', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'duckline-big-'));
  try {
    const n = 700_000;
    const lines = ['n,label'];
    for (let i = 0; i < n; i++) lines.push(`${i},r${i}`);
    const file = path.join(dir, 'big.csv');
    await writeFile(file, `${lines.join('\n')}\n`);
    await page.fill('[data-testid="import-name"]', 'big');
    await page.setInputFiles('[data-testid="file-input"]', file);
    await waitIdle(page);
    await assertNoError(page, 'file import');
    assert.equal(await page.textContent('[data-testid="table-name"]'), 'big');
    assert.equal(await readRowCount(page), n);
    assert.match(await page.textContent('[data-testid="grid-info"]'), /use Go to row for others/);

    await page.fill('[data-testid="grid-goto"]', '690000');
    await page.click('[data-testid="grid-goto-submit"]');
    await settle();
    const rows = await renderedRows();
    assert.ok(rows.some((r) => r.index === 689_999), 'row 690,000 is rendered');
    const offset = rows[0].rowId - rows[0].index;
    for (const r of rows) assert.equal(r.rowId, r.index + offset);
    const label = await page.textContent('[data-testid="cell"][data-row="689999"][data-col="label"]');
    assert.equal(label, 'r689999');
    assert.match(await page.textContent('[data-testid="grid-info"]'), /^Rows 690,000–/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
