// DevTools aids of the package (pkg/, `make pkg`): every public call is a User Timing measure
// `duckline <call>` (plus its phases), `logLevel: "info"` logs each call, `logLevel: "debug"`
// also each SQL statement with its duration and row count, and a rejection names the call and
// keeps DuckDB's message.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, launchBrowser, watchPage } from './helpers.mjs';
import { startServer } from '../../scripts/serve.mjs';

const PKG = path.join(REPO_ROOT, 'pkg');
const SKIP = existsSync(path.join(PKG, 'duckline.js')) ? false : 'pkg/ is not built (make pkg)';

let server;
let browser;
let page;
const consoleLog = [];

before(async () => {
  if (SKIP) return;
  server = await startServer({
    port: 0,
    mounts: [
      ['/pkg/', PKG],
      ['/', path.join(REPO_ROOT, 'tests/e2e/devtools-page')],
    ],
  });
  browser = await launchBrowser();
  page = browser.page;
  watchPage(page, server.url.replace(/\/$/, ''));
  page.on('console', (m) => consoleLog.push({ type: m.type(), text: m.text() }));
  await page.goto(server.url);
  await page.waitForFunction(() => document.body.dataset.ready === '1', null, { timeout: 120_000 });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Runs a small session at `logLevel` (undefined = default) and returns what the page recorded. */
async function session(logLevel) {
  consoleLog.length = 0;
  return page.evaluate(async (level) => {
    performance.clearMeasures();
    const { Workspace } = window.duckline;
    const ws = await Workspace.open({ name: `devtools-${level}`, storage: 'memory', logLevel: level });
    const t = await ws.importCsv('people', new TextEncoder().encode('name,city\n  Ada ,London\nLinus,Helsinki\n'));
    await t.apply({ op: 'trim', column: 'name' });
    await t.undo();
    let error = null;
    try {
      await t.apply({ op: 'custom_sql', sql: 'UPDATE {table} SET name = no_such_column' });
    } catch (e) {
      error = { code: e.code, message: e.message };
    }
    const d = await t.diff({ from: 0 });
    await d.page();
    await ws.close();
    const measures = performance.getEntriesByType('measure').filter((m) => m.name.startsWith('duckline '));
    return {
      error,
      measures: measures.map((m) => ({
        name: m.name,
        duration: m.duration,
        track: m.detail?.devtools?.track,
        color: m.detail?.devtools?.color,
        properties: Object.fromEntries(m.detail?.devtools?.properties ?? []),
      })),
    };
  }, logLevel);
}

test('every public call and its phases are User Timing measures on the "duckline" track', { skip: SKIP }, async () => {
  const { measures } = await session(undefined);
  const names = measures.map((m) => m.name);
  for (const name of ['duckline open', 'duckline start DuckDB', 'duckline restore', 'duckline importCsv', 'duckline read input', 'duckline apply trim', 'duckline undo', 'duckline apply custom_sql', 'duckline diff', 'duckline diff.page', 'duckline encode result', 'duckline close']) {
    assert.ok(names.includes(name), `${name} among ${names.join(', ')}`);
  }
  for (const m of measures) {
    assert.equal(m.track, 'duckline', `${m.name} is on the duckline track`);
    assert.ok(m.duration >= 0);
  }
  const trim = measures.find((m) => m.name === 'duckline apply trim');
  assert.equal(trim.properties.call, 'Table("people").apply(trim)');
  assert.equal(trim.color, 'primary');
  const failed = measures.find((m) => m.name === 'duckline apply custom_sql');
  assert.equal(failed.color, 'error', 'a failed call is coloured as an error');
  assert.match(failed.properties.error, /no_such_column/);
  assert.ok(!names.includes('duckline sql'), 'statements are measured at logLevel "debug" only');
  assert.deepEqual(consoleLog.filter((m) => m.type === 'debug' || m.type === 'info'), [], 'the default level logs nothing');
});

test('a rejection names the call and keeps DuckDB\'s message', { skip: SKIP }, async () => {
  const { error } = await session(undefined);
  assert.ok(error, 'the bad custom_sql rejected');
  assert.match(error.message, /^Table\("people"\)\.apply\(custom_sql\): /);
  assert.match(error.message, /no_such_column/, 'DuckDB\'s text is kept');
});

test('logLevel "info" logs each call; "debug" also each SQL statement with duration and rows', { skip: SKIP }, async () => {
  await session('info');
  const info = consoleLog.filter((m) => m.type === 'info').map((m) => m.text);
  assert.ok(info.some((t) => /^Table\("people"\)\.apply\(trim\) [\d.]+ ms, ok$/.test(t)), info.join('\n'));
  assert.ok(info.some((t) => /^Table\("people"\)\.apply\(custom_sql\) [\d.]+ ms, failed: .*no_such_column/.test(t)), info.join('\n'));
  assert.equal(consoleLog.filter((m) => m.type === 'debug').length, 0, '"info" logs no statements');

  const { measures } = await session('debug');
  const debug = consoleLog.filter((m) => m.type === 'debug').map((m) => m.text);
  assert.ok(debug.length > 5, `statements logged: ${debug.length}`);
  for (const line of debug) assert.match(line, /^duckline sql [\d.]+ ms, (\d+ rows|ok|failed: .+): \S/, line);
  assert.ok(debug.some((t) => /, \d+ rows: .*read_csv/s.test(t)), 'the CSV import statement is logged with its row count');
  assert.ok(debug.some((t) => /failed: .*no_such_column/.test(t)), 'a failing statement is logged with DuckDB\'s error');
  const sql = measures.filter((m) => m.name === 'duckline sql');
  assert.equal(sql.length, debug.length, 'each logged statement is a measure too');
  assert.ok(sql.every((m) => typeof m.properties.statement === 'string' && m.properties.statement.length > 0));
});

test('an unknown logLevel is rejected with InvalidCommand', { skip: SKIP }, async () => {
  const error = await page.evaluate(() =>
    window.duckline.Workspace.open({ storage: 'memory', logLevel: 'verbose' }).then(
      () => null,
      (e) => ({ code: e.code, message: e.message }),
    ),
  );
  assert.equal(error?.code, 'InvalidCommand');
  assert.match(error.message, /^Workspace\.open\("default"\): logLevel must be/);
});
