// Shared plumbing of the benchmarks (bench/run.mjs, bench/ops.mjs): the package check, a fresh
// headless Chromium profile, the page driver, medians, tables and the machine facts.
//
// A bench page (bench/page/*.html) sets `window.bench` to an object of async functions returning
// plain JSON, one of them `init`; `call(page, name, ...args)` runs one of them in the page.

import { execFileSync } from 'node:child_process';
import { access, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../tests/e2e/helpers.mjs';

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(BENCH_DIR, '..');

/** Throws unless `pkgDir` holds a built package with DuckDB-WASM's eh bundle (`make pkg`). */
export async function assertPkg(pkgDir) {
  for (const f of ['duckline.js', 'duckline.worker.js', 'duckline_wasm_bg.wasm', 'duckdb/duckdb-eh.wasm', 'duckdb/duckdb-browser-eh.worker.js']) {
    await access(path.join(pkgDir, f)).catch(() => {
      throw new Error(`${pkgDir}/${f} is missing: build the package first (make pkg)`);
    });
  }
}

/** Headless Debian Chromium on a new temporary profile (so OPFS starts empty); `close()` removes it. */
export async function launchFresh() {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'duckline-bench-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const close = async () => {
    await context.close().catch(() => {});
    await rm(profile, { recursive: true, force: true });
  };
  return { profile, context, close };
}

export const call = (page, fn, ...args) => page.evaluate(([f, a]) => window.bench[f](...a), [fn, args]);

/** Opens `pagePath` of the bench server in a new page, logs its errors, waits for and runs `init`. */
export async function openPage(context, origin, log, pagePath = '/index.html') {
  const page = await context.newPage();
  page.on('pageerror', (e) => log(`  [pageerror] ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') log(`  [console.error] ${m.text()}`);
  });
  await page.goto(`${origin}${pagePath}`);
  await page.waitForFunction(() => window.bench !== undefined, null, { timeout: 60_000 });
  await call(page, 'init');
  return page;
}

/** The median of the finite numbers of `xs`, or null when there are none. */
export function median(xs) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/** Prints a markdown table: `columns` is a list of [key, header], `rows` objects keyed by key. */
export function printTable(title, columns, rows) {
  const widths = columns.map(([k, h]) => Math.max(h.length, ...rows.map((r) => String(r[k]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  console.log(`\n${title}`);
  console.log(line(columns.map(([, h]) => h)));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(columns.map(([k]) => r[k])));
}

export function machineFacts() {
  const git = (...a) => {
    try {
      return execFileSync('git', a, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    } catch {
      return null;
    }
  };
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: +(os.totalmem() / 1024 ** 3).toFixed(1),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    chromium: CHROMIUM,
    commit: git('rev-parse', '--short', 'HEAD'),
    dirty: (git('status', '--porcelain') ?? '') !== '',
  };
}
