// The static server and the page's start-up without a built package. Runs without pkg/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, access } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultMounts, startServer } from '../../scripts/serve.mjs';
import { REPO_ROOT, launchBrowser, watchPage } from './helpers.mjs';

let server;
let emptyPkg;

before(async () => {
  await access(path.join(REPO_ROOT, 'www/dist/app.js')).catch(() => {
    throw new Error('www/dist/app.js is missing: run `node www/build.mjs` first');
  });
  emptyPkg = await mkdtemp(path.join(tmpdir(), 'duckline-nopkg-'));
  // Same mounts as the real server, but /pkg/ points at an empty folder.
  const mounts = defaultMounts().map(([prefix, dir]) => [prefix, prefix === '/pkg/' ? emptyPkg : dir]);
  server = await startServer({ port: 0, mounts });
});

after(async () => {
  await server?.close();
  if (emptyPkg) await rm(emptyPkg, { recursive: true, force: true });
});

test('server: MIME types, mounts and no path escape', async () => {
  const base = server.url;
  const head = async (p) => fetch(new URL(p, base), { method: 'HEAD' });

  const index = await fetch(base);
  assert.equal(index.status, 200);
  assert.match(index.headers.get('content-type'), /^text\/html/);
  assert.match(await index.text(), /<title>duckline demo<\/title>/);

  assert.match((await head('/app.js')).headers.get('content-type'), /^text\/javascript/);
  assert.match((await head('/style.css')).headers.get('content-type'), /^text\/css/);
  const wasm = await head('/duckdb/duckdb-eh.wasm');
  assert.equal(wasm.status, 200);
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  assert.ok(Number(wasm.headers.get('content-length')) > 1_000_000);
  assert.match((await head('/duckdb/duckdb-browser-eh.worker.js')).headers.get('content-type'), /^text\/javascript/);
  const csv = await head('/sample/flights.csv');
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /^text\/csv/);

  assert.equal((await head('/pkg/duckline.js')).status, 404);
  assert.equal((await head('/nope.js')).status, 404);
  for (const evil of ['/sample/..%2f..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/etc/passwd', '/duckdb/..%2F..%2F..%2Fpackage.json']) {
    const res = await fetch(new URL(evil, base));
    assert.equal(res.status, 404, evil);
  }
  const post = await fetch(base, { method: 'POST', body: 'x' });
  assert.equal(post.status, 405);
});

test('server: a mount given with .. in its path serves its files (CI checks out beside ../shared)', async () => {
  const data = path.resolve(process.env.DUCKLINE_DATA_DIR || path.join(REPO_ROOT, '../shared/data/nycflights13'));
  const dotted = [data, '..', path.basename(data)].join(path.sep); // not path.join: that normalises
  const s = await startServer({ port: 0, mounts: [['/sample/', dotted]] });
  try {
    const res = await fetch(new URL('/sample/airlines.csv', s.url));
    assert.equal(res.status, 200, dotted);
    assert.match(await res.text(), /^"?carrier"?,"?name"?/);
  } finally {
    await s.close();
  }
});

test('server CLI: prints its URL; fails clearly on a busy port', async () => {
  // Occupy a port, then ask the CLI for it.
  const blocker = createServer();
  await new Promise((r) => blocker.listen(0, '127.0.0.1', r));
  const busyPort = blocker.address().port;
  try {
    const busy = await runCli({ PORT: String(busyPort) }, 10_000);
    assert.equal(busy.code, 1, busy.stderr);
    assert.match(busy.stderr, /already in use/);
  } finally {
    blocker.close();
  }
  // A free port: it prints the URL, then we stop it.
  const ok = await runCli({ PORT: '0' }, 10_000, /duckline demo: (http:\/\/127\.0\.0\.1:\d+\/)/);
  assert.match(ok.stdout, /^duckline demo: http:\/\/127\.0\.0\.1:\d+\/$/m);
});

/** Runs scripts/serve.mjs; resolves on exit, or once stdout matches `until` (then kills it). */
function runCli(env, timeoutMs, until = null) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts/serve.mjs')], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`serve.mjs did not finish in ${timeoutMs} ms; stdout=${stdout} stderr=${stderr}`));
    }, timeoutMs);
    child.stdout.on('data', (d) => {
      stdout += d;
      if (until && until.test(stdout)) child.kill();
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test('page: loads and says clearly that the duckline package is not built', { timeout: 120_000 }, async () => {
  const browser = await launchBrowser();
  try {
    const { page } = browser;
    const log = watchPage(page, server.url.replace(/\/$/, ''));
    await page.goto(server.url);
    await page.waitForFunction(() => document.body.dataset.ready === '0' && document.body.dataset.busy === '0', null, {
      timeout: 60_000,
    });
    const bar = page.locator('[data-testid="error"]');
    assert.equal(await bar.isVisible(), true);
    assert.equal(await bar.getAttribute('data-code'), 'PackageMissing');
    const text = await bar.textContent();
    assert.match(text, /duckline package not built/);
    assert.match(text, /make pkg/);
    assert.equal(await page.evaluate(() => document.body.dataset.bootError), 'PackageMissing');
    assert.equal(await page.getAttribute('[data-testid="load-sample"]', 'disabled'), '');
    assert.deepEqual(log.pageErrors, []);
    assert.deepEqual(log.foreignRequests, []);
  } finally {
    await browser.close();
  }
});
