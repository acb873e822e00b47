// The apps of examples/ against the package exactly as npm ships it: `npm pack pkg/`, the tarball
// installed into a temporary copy of each example together with its pinned bundler, built the way
// the example's README says, served, and its page run in headless Chromium:
//
//   vite     `tsc && vite build` + `vite preview`, and the `vite` dev server (pre-bundled deps)
//   webpack  `webpack --mode production`, dist/ served as static files
//   plain    the folder itself (index.html + node_modules/) served as static files
//
// Each page runs import -> trim -> uppercase -> undo -> diff page -> close -> reopen and prints the
// result as JSON; the test checks it and that nothing was requested from another origin. No
// option or copy step for duckline is used anywhere: that is the point.
//
// Needs pkg/ (make pkg) and the npm registry (or a warm npm cache) for the bundlers.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT, launchBrowser, watchPage } from './helpers.mjs';
import { startServer } from '../../scripts/serve.mjs';

const PKG = path.join(REPO_ROOT, 'pkg');
const SKIP = existsSync(path.join(PKG, 'duckline.js')) ? false : 'pkg/ is not built (make pkg)';
/** A hang guard for installs, builds and pages, not a performance limit. */
const PATIENCE_MS = 15 * 60_000;

let work;
let tarball;
const children = new Set();

/** Runs a command to completion; rejects with its output when it fails. */
function run(cmd, args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited with ${code}:\n${output}`));
    });
  });
}

/** A TCP port free right now on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a long-running server command (its own process group, ended by `stop`) and resolves once
 * `url` answers 200.
 */
async function serveWith(cmd, args, cwd, url) {
  const child = spawn(cmd, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const stop = () => {
    children.delete(child);
    if (child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
  };
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${cmd} ${args.join(' ')} exited with ${child.exitCode}:\n${output}`);
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return { stop, output: () => output };
    await new Promise((r) => setTimeout(r, 200));
  }
}

const prepared = new Map();

/** A copy of examples/<name> in the work folder with the packed duckline installed into it (once). */
function prepare(name) {
  if (!prepared.has(name)) prepared.set(name, install(name));
  return prepared.get(name);
}

async function install(name) {
  const dir = path.join(work, name);
  await cp(path.join(REPO_ROOT, 'examples', name), dir, {
    recursive: true,
    filter: (src) => !/[/\\](node_modules|dist)([/\\]|$)/.test(src),
  });
  await run('npm', ['install', '--no-audit', '--no-fund', tarball], dir);
  return dir;
}

/** Opens `url` in a fresh browser profile, waits for the example's result and checks it. */
async function checkPage(url) {
  const browser = await launchBrowser();
  try {
    const { page } = browser;
    const origin = new URL(url).origin;
    const log = watchPage(page, origin);
    await page.goto(url);
    await page.waitForFunction(() => document.body.dataset.status !== undefined, null, { timeout: PATIENCE_MS, polling: 100 });
    const status = await page.evaluate(() => document.body.dataset.status);
    const text = await page.textContent('#result');
    assert.equal(status, 'ok', `the page reports: ${text}\npage errors: ${log.pageErrors.join('\n')}`);
    assert.deepEqual(log.pageErrors, []);
    assert.deepEqual(log.foreignRequests, [], 'everything comes from the app origin');
    // The workspace ran in the package's worker (the bundler emitted it under a name of its own:
    // it is the worker with duckline's host hook), next to DuckDB-WASM's worker.
    const workers = page.workers();
    const ours = await Promise.all(workers.map((w) => w.evaluate(() => typeof globalThis.__ducklineHost === 'function').catch(() => false)));
    assert.ok(ours.includes(true), `duckline's worker runs (workers: ${workers.map((w) => w.url()).join(', ')})`);
    assert.ok(workers.length >= 2, "DuckDB-WASM's worker runs too");
    checkFlow(JSON.parse(text));
  } finally {
    await browser.close();
  }
}

/** The round trip of examples/<name>/flow: values as the 3-row CSV makes them. */
function checkFlow(r) {
  assert.equal(r.imported, 3);
  assert.equal(r.trimmed.command.op, 'trim');
  assert.equal(r.trimmed.rowsAffected, 2, 'two names had stray spaces');
  assert.equal(r.undone.command.op, 'uppercase');
  assert.equal(r.diff.modified, 2);
  const nameAt = r.diff.page.columns.indexOf('name');
  assert.deepEqual(
    r.diff.page.rows.map((row) => [row.status, row.changed, row.before[nameAt], row.after[nameAt]]),
    [
      ['modified', ['name'], '  Ada ', 'Ada'],
      ['modified', ['name'], 'Grace  ', 'Grace'],
    ],
  );
  assert.deepEqual(r.reopened, {
    position: 1,
    stepCount: 2,
    names: ['Ada', 'Grace', 'Linus'],
    cities: ['London', 'New York', 'Helsinki'],
  });
}

before(async () => {
  if (SKIP) return;
  work = await mkdtemp(path.join(tmpdir(), 'duckline-examples-'));
  const out = await run('npm', ['pack', '--json', '--pack-destination', work, PKG], REPO_ROOT);
  const [info] = JSON.parse(out.slice(out.indexOf('[')));
  tarball = path.join(work, info.filename);
  const shipped = info.files.map((f) => f.path);
  for (const f of ['duckline.js', 'duckline.worker.js', 'duckline.d.ts', 'duckline_wasm.js', 'duckline_wasm_bg.wasm', 'duckdb/duckdb-eh.wasm', 'duckdb/duckdb-browser-eh.worker.js', 'README.md']) {
    assert.ok(shipped.includes(f), `the tarball ships ${f} (it has ${shipped.join(', ')})`);
  }
  assert.ok(shipped.some((f) => f.startsWith('snippets/')), 'the tarball ships the wasm-bindgen snippets');
});

after(async () => {
  for (const child of children) if (child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
  if (work) await rm(work, { recursive: true, force: true });
});

test('vite 8: tsc + vite build, served by vite preview', { skip: SKIP, timeout: PATIENCE_MS }, async () => {
  const dir = await prepare('vite');
  await run('npm', ['run', 'build'], dir);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const server = await serveWith(path.join(dir, 'node_modules/.bin/vite'), ['preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], dir, url);
  try {
    await checkPage(url);
  } finally {
    server.stop();
  }
});

test('vite 8: the dev server (duckline pre-bundled into node_modules/.vite)', { skip: SKIP, timeout: PATIENCE_MS }, async () => {
  const dir = await prepare('vite');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const server = await serveWith(path.join(dir, 'node_modules/.bin/vite'), ['--host', '127.0.0.1', '--port', String(port), '--strictPort'], dir, url);
  try {
    await checkPage(url);
    assert.ok(existsSync(path.join(dir, 'node_modules/.vite/deps')), `vite pre-bundled the dependencies:\n${server.output()}`);
  } finally {
    server.stop();
  }
});

test('webpack 5: production build served as static files', { skip: SKIP, timeout: PATIENCE_MS }, async () => {
  const dir = await prepare('webpack');
  await run('npm', ['run', 'build'], dir);
  const dist = path.join(dir, 'dist');
  const server = await startServer({ port: 0, mounts: [['/', dist]] });
  try {
    await checkPage(server.url);
  } finally {
    await server.close();
  }
});

test('a plain <script type="module"> page with an import map, served as static files', { skip: SKIP, timeout: PATIENCE_MS }, async () => {
  const dir = await prepare('plain');
  const server = await startServer({ port: 0, mounts: [['/', dir]] });
  try {
    await checkPage(server.url);
  } finally {
    await server.close();
  }
});
