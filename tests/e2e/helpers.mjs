// Shared helpers for the Playwright end-to-end tests (node --test tests/e2e/).

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches headless Chromium with a fresh persistent profile; `close()` also removes the profile. */
export async function launchBrowser() {
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'duckline-e2e-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1500, height: 1000 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    userDataDir,
    async close() {
      await context.close().catch(() => {});
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Records console errors, page errors and any request leaving `origin` (nothing may be loaded
 * from elsewhere). Returns the live log.
 */
export function watchPage(page, origin) {
  const log = { console: [], pageErrors: [], foreignRequests: [] };
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') log.console.push(`${msg.type()}: ${msg.text()}`);
    if (process.env.E2E_VERBOSE) console.log(`[page ${msg.type()}] ${msg.text()}`);
  });
  page.on('pageerror', (err) => log.pageErrors.push(String(err?.stack ?? err)));
  page.on('request', (req) => {
    const url = req.url();
    if (url.startsWith('data:') || url.startsWith('blob:')) return;
    if (!url.startsWith(origin)) log.foreignRequests.push(url);
  });
  return log;
}

/** Waits until the page's call queue is empty (`body[data-busy="0"]`). */
export async function waitIdle(page, timeout = 5 * 60_000) {
  await page.waitForFunction(() => document.body.dataset.busy === '0', null, { timeout, polling: 50 });
}

/** The error bar's code and text, or null when it is hidden. */
export async function currentError(page) {
  return page.evaluate(() => {
    const bar = document.querySelector('[data-testid="error"]');
    if (!bar || bar.hidden) return null;
    return { code: bar.dataset.code, text: bar.querySelector('.error-text').textContent.trim() };
  });
}

/** Fails with the page's error bar content when it shows an error. */
export async function assertNoError(page, what) {
  const err = await currentError(page);
  if (err) throw new Error(`${what}: the page shows error [${err.code}] ${err.text}`);
}

/** Waits for the page to finish starting; throws with the shown error when start-up failed. */
export async function waitReady(page, timeout = 5 * 60_000) {
  await page.waitForFunction(() => document.body.dataset.ready !== undefined && document.body.dataset.busy === '0', null, {
    timeout,
    polling: 100,
  });
  const ready = await page.evaluate(() => document.body.dataset.ready);
  if (ready !== '1') {
    const err = await currentError(page);
    throw new Error(`page failed to start: ${err ? `[${err.code}] ${err.text}` : 'no error shown'}`);
  }
}

/** The timeline as shown: `{ position, entries: [{ index, current, op, label, rowsAffected, durationMs, bytesWritten }] }`. */
export async function readTimeline(page) {
  return page.evaluate(() => {
    const pos = document.querySelector('[data-testid="timeline-position"]');
    const entries = Array.from(document.querySelectorAll('[data-testid="timeline-entry"]'), (e) => ({
      index: Number(e.dataset.index),
      current: e.dataset.current === '1',
      op: e.dataset.op ?? null,
      label: e.querySelector('[data-testid="step-label"]')?.textContent ?? '',
      rowsAffected: e.dataset.rowsAffected === undefined ? null : Number(e.dataset.rowsAffected),
      durationMs: e.dataset.durationMs === undefined ? null : Number(e.dataset.durationMs),
      bytesWritten: e.dataset.bytesWritten === undefined ? null : Number(e.dataset.bytesWritten),
    }));
    return { position: Number(pos?.dataset.position), entries };
  });
}

/** The grid's columns as shown in its header: `[{ name, type }]`. */
export async function readColumns(page) {
  return page.$$eval('[data-testid="col-header"]', (els) =>
    els.map((e) => ({
      name: e.querySelector('[data-testid="col-name"]').textContent,
      type: e.querySelector('[data-testid="col-type"]').textContent,
    })),
  );
}

/** The row count shown in the table header. */
export async function readRowCount(page) {
  return Number(await page.getAttribute('[data-testid="row-count"]', 'data-value'));
}

/** Timings the page recorded for duckline calls with `label` (ms). */
export async function pageTimings(page, label) {
  return page.evaluate((l) => window.__duckline.metrics.timings.filter((t) => t.label === l && t.ok).map((t) => t.ms), label);
}

/** The last recorded timing for `label`, or null. */
export async function lastTiming(page, label) {
  const all = await pageTimings(page, label);
  return all.length ? all[all.length - 1] : null;
}
