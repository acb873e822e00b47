// The crash harness shared by tests/e2e/crash.test.mjs (a few kill points in `make test`) and
// scripts/crash-soak.mjs (`make crash-soak N=...`). One kill point: start the real Chromium binary on
// a fresh profile, run SCENARIO on flights.csv in the page, SIGKILL the browser after a seeded random
// delay, restart it on the same profile and origin, reopen the workspace and check it (checkReopened).
// ../shared/TOOLCHAIN.md, "Killing Chromium", has the facts this relies on.

import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';
import { CHROMIUM_ARGS, REPO_ROOT } from './helpers.mjs';

// The binary itself: /usr/bin/chromium is a shell script that a SIGKILL would leave running.
const CHROMIUM_BINARY = process.env.CHROMIUM_BINARY ?? '/usr/lib/chromium/chromium';
const WORKSPACE = 'crash';
export const PKG_DIR = process.env.E2E_PKG_DIR ? path.resolve(process.env.E2E_PKG_DIR) : path.join(REPO_ROOT, 'pkg');
const TABLE = 'flights';

const apply = (command) => ({ kind: 'apply', table: TABLE, command });
const undo = { kind: 'undo', table: TABLE };
const redo = { kind: 'redo', table: TABLE };
const goto = (position) => ({ kind: 'goto', table: TABLE, position });

/** Every delta kind of ARCHITECTURE.md, undo to 0, redo to the end, goto, a new branch after undo. */
const SCENARIO = [
  { kind: 'import', table: TABLE },
  apply({ op: 'pad_zeros', column: 'flight', length: 5 }), // Cells (retyped: whole column)
  apply({ op: 'uppercase', column: 'tailnum' }), // Cells (changed cells only)
  apply({ op: 'remove_duplicates', columns: ['month', 'day', 'carrier', 'flight'] }), // DeleteRows
  apply({ op: 'combine_columns', columns: ['origin', 'dest'], separator: '-', newColumn: 'route' }), // AddColumns
  apply({ op: 'rename_column', column: 'dest', newName: 'destination' }), // Schema
  apply({ op: 'delete_column', column: 'time_hour' }), // DeleteColumn
  apply({ op: 'insert_row', after: null, values: { carrier: 'ZZ', origin: 'XXX' } }), // InsertRows
  apply({ op: 'custom_sql', sql: 'UPDATE {table} SET dep_delay = 0 WHERE dep_delay < 0' }), // Snapshot
  ...Array(8).fill(undo),
  ...Array(8).fill(redo),
  goto(2),
  goto(6),
  undo,
  undo,
  apply({ op: 'lowercase', column: 'carrier' }), // a new branch: steps 5..8 are discarded
  goto(1),
  goto(5),
];

/**
 * The committed state after each action as the test process predicts it: `states[i + 1]` after
 * SCENARIO[i], `states[0]` before the import (no table). A state is `{ position, commands }`.
 */
const STATES = (() => {
  const states = [null];
  let s = null;
  for (const a of SCENARIO) {
    if (a.kind === 'import') s = { position: 0, commands: [] };
    else if (a.kind === 'apply') s = { position: s.position + 1, commands: [...s.commands.slice(0, s.position), a.command] };
    else if (a.kind === 'undo') s = { ...s, position: Math.max(0, s.position - 1) };
    else if (a.kind === 'redo') s = { ...s, position: Math.min(s.commands.length, s.position + 1) };
    else s = { ...s, position: a.position };
    states.push(s);
  }
  return states;
})();

/** A small seeded PRNG (mulberry32): the kill delay of a seed is reproducible. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The server of the page, pkg/ and the data; one per run, so the origin stays across restarts. */
export function startCrashServer() {
  const data = path.resolve(process.env.DUCKLINE_DATA_DIR || path.join(REPO_ROOT, '../shared/data/nycflights13'));
  return startServer({
    port: Number(process.env.CRASH_PORT ?? 0),
    mounts: [
      ['/pkg/', PKG_DIR],
      ['/sample/', data],
      ['/', path.join(REPO_ROOT, 'tests/e2e/crash-page')],
    ],
  });
}

/** Pids of every process whose command line names `profile` (the browser and its children). */
async function profileProcesses(profile) {
  const pids = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(`--user-data-dir=${profile}`)) pids.push(Number(pid));
  }
  return pids;
}

/**
 * Starts the Chromium binary on `profile` in its own process group and attaches over CDP.
 * Returns `{ page, kill }`; `kill()` SIGKILLs the whole group and resolves when no process of the
 * profile is left (never two browsers on one profile).
 */
async function startChromium(profile) {
  const proc = spawn(
    CHROMIUM_BINARY,
    [...CHROMIUM_ARGS, '--headless=new', `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank'],
    { detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  let alive = true;
  const kill = async () => {
    if (alive) {
      alive = false;
      try {
        process.kill(-proc.pid, 'SIGKILL');
      } catch {
        // The group is already gone.
      }
    }
    await exited;
    for (let pids = await profileProcesses(profile); pids.length; pids = await profileProcesses(profile)) {
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Exited meanwhile.
        }
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  // A test runner that exits on an error must not leave the browser running.
  const onExit = () => alive && process.kill(-proc.pid, 'SIGKILL');
  process.once('exit', onExit);
  exited.then(() => process.off('exit', onExit));
  try {
    const wsUrl = await new Promise((resolve, reject) => {
      let stderr = '';
      proc.stderr.on('data', (chunk) => {
        stderr += chunk;
        const m = /DevTools listening on (ws:\/\/\S+)/.exec(stderr);
        if (m) resolve(m[1]);
      });
      proc.once('exit', (code, signal) => reject(new Error(`chromium exited (${code ?? signal}) before DevTools: ${stderr.slice(-2000)}`)));
      proc.once('error', reject);
    });
    const browser = await chromium.connectOverCDP(wsUrl);
    const context = browser.contexts()[0];
    const page = context.pages()[0] ?? (await context.newPage());
    return { context, page, kill };
  } catch (e) {
    await kill();
    throw e;
  }
}

// Interrupted (Ctrl-C, a stopped make): exit through 'exit', whose handlers kill the browsers.
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130));

/** The lock files a killed Chromium leaves; the next start on the profile aborts while they exist. */
async function removeSingletons(profile) {
  for (const f of ['SingletonLock', 'SingletonSocket', 'SingletonCookie']) await rm(path.join(profile, f), { force: true });
}

async function openPage(page, server) {
  page.on('pageerror', (e) => console.error(`[page error] ${e.stack ?? e}`));
  if (process.env.E2E_VERBOSE) page.on('console', (m) => console.log(`[page ${m.type()}] ${m.text()}`));
  await page.goto(server.url);
  await page.waitForFunction(() => document.body.dataset.ready === '1', null, { timeout: 0 });
  await page.evaluate(() => window.harness.loadFlights());
}

/** Whether the step commands `observed` (as StepInfo.command) are the scenario's `expected` ones. */
function sameCommands(observed, expected) {
  return (
    observed.length === expected.length &&
    observed.every((o, i) => Object.entries(expected[i]).every(([k, v]) => JSON.stringify(o[k]) === JSON.stringify(v)))
  );
}

function sameState(observed, expected) {
  if (observed === null || expected === null) return observed === expected;
  return observed.position === expected.position && sameCommands(observed.commands, expected.commands);
}

/** Paths of the files a manifest names (Delta::files and TableEntry::files of persist/manifest.rs). */
function manifestFiles(manifest) {
  const out = [];
  for (const t of manifest.tables) {
    out.push(...t.original, ...(t.originalCsv ? [t.originalCsv.file] : []));
    for (const { delta: d } of t.steps) {
      switch (d.kind) {
        case 'cells':
        case 'delete_rows':
        case 'insert_rows':
        case 'snapshot':
          out.push(...d.undo, ...d.redo);
          break;
        case 'add_columns':
          out.push(...d.columns.flatMap((c) => c.redo));
          break;
        case 'delete_column':
          out.push(...d.undo);
          break;
        case 'schema':
          break;
        default:
          throw new Error(`manifest ${manifest.generation}: unknown delta kind ${d.kind}`);
      }
    }
  }
  return out;
}

/** Decodes `<crc32 hex>\n<json>`; null when the checksum or the JSON is bad. */
function decodeManifest(text) {
  const nl = text.indexOf('\n');
  const body = Buffer.from(text.slice(nl + 1));
  if (nl < 0 || crc32(body) !== parseInt(text.slice(0, nl), 16)) return null;
  try {
    return JSON.parse(body);
  } catch {
    return null;
  }
}

/**
 * The folder against the kept manifests (ARCHITECTURE.md, invariants): the newest valid manifest
 * and the valid one before it. Every file is one of them or named by one; every named file is there
 * with its recorded size. Returns a list of problems (empty: fine) and the current manifest.
 */
export function checkFolder(files) {
  const problems = [];
  const manifests = files
    .filter((f) => f.text !== undefined)
    .map((f) => ({ path: f.path, manifest: decodeManifest(f.text) }))
    .sort((a, b) => (a.path < b.path ? 1 : -1));
  const bad = manifests.filter((m) => m.manifest === null).map((m) => m.path);
  if (bad.length) problems.push(`damaged manifest files: ${bad.join(', ')}`);
  const kept = manifests.filter((m) => m.manifest !== null).slice(0, 2);
  const sizes = new Map(files.map((f) => [f.path, f.size]));
  const named = new Set(kept.map((m) => m.path));
  for (const { path: p, manifest } of kept) {
    for (const ref of manifestFiles(manifest)) {
      named.add(ref.path);
      if (!sizes.has(ref.path)) problems.push(`${p} names ${ref.path}, which is missing`);
      else if (sizes.get(ref.path) !== ref.bytes) problems.push(`${ref.path}: ${sizes.get(ref.path)} bytes, ${p} says ${ref.bytes}`);
    }
  }
  const stray = files.filter((f) => !named.has(f.path)).map((f) => f.path);
  if (stray.length) problems.push(`files no kept manifest names: ${stray.join(', ')}`);
  return { problems, current: kept[0]?.manifest ?? null };
}

/** Fingerprints of the reference replays, by the JSON of the command list (valid across kill points). */
const referenceCache = new Map();

async function referenceFingerprints(page, commands) {
  const key = JSON.stringify(commands);
  if (!referenceCache.has(key)) {
    referenceCache.set(key, await page.evaluate((c) => window.harness.reference(c), commands));
  }
  return referenceCache.get(key);
}

const fp = (f) => `${f.rowCount} rows, ${f.columns.map((c) => c.name).join('|')}, ${f.sha256.slice(0, 12)}`;

/**
 * The checks after a restart: the workspace opens with no damaged manifest, except when a call was
 * in flight: its manifest file may exist but be empty or torn (OPFS creates the entry before the
 * write), and open then falls back to the kept generation (ARCHITECTURE.md, invariants), with the
 * damaged file and the in-flight step's files left until an open after the next commit collects
 * them; its timeline is one of
 * `candidates` (the committed states the kill may have left); the folder holds exactly the kept
 * generations; the data equals the recipe replayed on a fresh import; undo to 0 and redo to the end
 * give every state of the timeline's replay; the folder is still exact after those commits.
 * Throws with what was seen. Returns the index (in `candidates`) of the state found.
 */
async function checkReopened(page, candidates) {
  const opened = await page.evaluate((n) => window.harness.open(n), WORKSPACE);
  const torn = opened.damaged.length > 0;
  if (torn && candidates.length < 2) throw new Error(`open reported damaged manifests with no call in flight: ${JSON.stringify(opened.damaged)}`);
  const timeline = opened.tables.includes(TABLE) ? await page.evaluate((n) => window.harness.timeline(n), TABLE) : null;
  const observed = timeline && { position: timeline.position, commands: timeline.commands };
  const found = candidates.findIndex((c) => sameState(observed, c));
  if (found < 0) {
    throw new Error(
      `reopened timeline ${JSON.stringify(observed && { position: observed.position, ops: observed.commands.map((c) => c.op) })} ` +
        `is none of the committed states ${JSON.stringify(candidates.map((c) => c && { position: c.position, ops: c.commands.map((x) => x.op) }))}`,
    );
  }
  const files = () => page.evaluate((n) => window.harness.files(n), WORKSPACE);
  const folder = async (when) => {
    const { problems, current } = checkFolder(await files());
    if (problems.length) throw new Error(`OPFS folder ${when}: ${problems.join('; ')}`);
    return current;
  };
  if (!timeline) {
    // Killed before the first import committed. Open collects garbage only after it has read a
    // manifest, so what that import stored stays (tables/0/original/ only) until the next commit
    // overwrites or a later open collects it: the next import and a reopen must leave the folder exact.
    const left = (await files()).map((f) => f.path);
    const foreign = left.filter((p) => !p.startsWith('tables/0/original/'));
    if (foreign.length) throw new Error(`no table reopened, but the folder holds ${foreign.join(', ')}`);
    if (left.length) {
      await page.evaluate((a) => window.harness.act(a), SCENARIO[0]);
      await page.evaluate(() => window.harness.close());
      await page.evaluate((n) => window.harness.open(n), WORKSPACE);
      await folder(`after an import and a reopen (a killed first import had left ${left.join(', ')})`);
    }
    return found;
  }
  if (torn && found !== 0) throw new Error(`damaged manifests ${JSON.stringify(opened.damaged)}, yet the call in flight committed`);
  if (!torn) await folder('after reopen');
  if (JSON.stringify(timeline.recipe.steps) !== JSON.stringify(timeline.commands.slice(0, timeline.position))) {
    throw new Error(`recipe() ${JSON.stringify(timeline.recipe)} is not the timeline's first ${timeline.position} commands`);
  }
  // The recipe replayed on a fresh import, then the redoable steps: the expected state at every position.
  const expected = await referenceFingerprints(page, [...timeline.recipe.steps, ...timeline.commands.slice(timeline.position)]);
  const now = await page.evaluate((n) => window.harness.fingerprint(n), TABLE);
  const mismatch = (what, got, want) => {
    if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`${what}: ${fp(got)}, the recipe replay gives ${fp(want)}`);
  };
  mismatch(`data at position ${timeline.position}`, now, expected[timeline.position]);
  const walk = await page.evaluate((n) => window.harness.walk(n), TABLE);
  walk.down.forEach((f, p) => mismatch(`after undo to ${p}`, f, expected[p]));
  walk.up.forEach((f, p) => f && mismatch(`after redo to ${p}`, f, expected[p]));
  if (walk.atZeroUndo !== null || walk.atEndRedo !== null || walk.end !== timeline.commands.length) {
    throw new Error(`walk: undo at 0 gave ${walk.atZeroUndo}, redo at the end ${walk.atEndRedo}, end ${walk.end}`);
  }
  if (torn) {
    // The walk committed: an open now reads a valid newest manifest and collects the rest.
    await page.evaluate(() => window.harness.close());
    const again = await page.evaluate((n) => window.harness.open(n), WORKSPACE);
    if (again.damaged.length) throw new Error(`damaged manifests after a commit and a reopen: ${JSON.stringify(again.damaged)}`);
    await folder('after the walk and a reopen (a kill mid-manifest had left a damaged one)');
    return found;
  }
  await folder('after undo to 0 and redo to the end');
  return found;
}

/**
 * Runs the scenario in a fresh browser on `profile`, until SCENARIO ends or `killAt` ms after its
 * start. Returns `{ resolved, inFlight, elapsedMs }`: the last action whose call resolved before the
 * kill (-1: none) and the one running at the kill (null: killed after the end).
 */
async function runUntilKilled(server, profile, killAt) {
  const b = await startChromium(profile);
  try {
    await openPage(b.page, server);
    await b.page.evaluate((n) => window.harness.open(n), WORKSPACE);
    let killed = null;
    const start = performance.now();
    const timer = setTimeout(() => {
      killed = b.kill();
    }, killAt);
    let resolved = -1;
    let inFlight = null;
    for (let i = 0; i < SCENARIO.length && !killed; i++) {
      inFlight = i;
      try {
        await b.page.evaluate((a) => window.harness.act(a), SCENARIO[i]);
      } catch (e) {
        if (killed) break;
        throw new Error(`action ${i} ${JSON.stringify(SCENARIO[i])} failed: ${e.message}`);
      }
      // A result that arrived, even after the kill started, was resolved by the browser before it died.
      resolved = i;
      inFlight = null;
    }
    const elapsedMs = performance.now() - start;
    clearTimeout(timer);
    await (killed ?? b.kill());
    return { resolved, inFlight, elapsedMs };
  } finally {
    await b.kill();
  }
}

/**
 * One kill point: the delay is `seed`'s random fraction of `spanMs` (the scenario's duration), or
 * `spanMs` itself when `seed` is null (a kill after the end). Returns what happened; throws with the
 * seed on a failed check. Its browser is always killed and its profile removed.
 */
export async function killPoint(server, { seed, spanMs }) {
  const killAt = seed === null ? spanMs : Math.floor(random(seed)() * spanMs);
  const profile = await mkdtemp(path.join(tmpdir(), 'duckline-crash-'));
  const t0 = performance.now();
  let run;
  try {
    run = await runUntilKilled(server, profile, killAt);
    await removeSingletons(profile);
    const b = await startChromium(profile);
    try {
      await openPage(b.page, server);
      // Resolved calls are durable; the one in flight may or may not have committed.
      const candidates = [STATES[run.resolved + 1]];
      if (run.inFlight !== null) candidates.push(STATES[run.inFlight + 1]);
      const found = await checkReopened(b.page, candidates);
      const where =
        run.inFlight !== null
          ? `during action ${run.inFlight} (${describe(SCENARIO[run.inFlight])})`
          : run.resolved === SCENARIO.length - 1
            ? 'after the end'
            : `between actions ${run.resolved} and ${run.resolved + 1}`;
      return {
        killAt,
        where,
        committed: found === 0 ? 'the last resolved call' : 'the call in flight',
        ms: Math.round(performance.now() - t0),
        scenarioMs: Math.round(run.elapsedMs),
      };
    } finally {
      await b.kill();
    }
  } catch (e) {
    const where = run ? ` (killed at ${killAt} ms, last resolved action ${run.resolved}, in flight ${run.inFlight})` : '';
    e.message = `seed ${seed} span ${spanMs}${where}: ${e.message}`;
    throw e;
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

const describe = (a) => (a.kind === 'apply' ? a.command.op : a.kind === 'goto' ? `goto ${a.position}` : a.kind);

/**
 * The span kill delays are drawn from: `CRASH_SPAN_MS`, or the duration of the scenario measured
 * by a kill point after the end (which is checked like any other).
 */
export async function scenarioSpan(server) {
  if (process.env.CRASH_SPAN_MS) return { spanMs: Number(process.env.CRASH_SPAN_MS), calibration: null };
  const calibration = await killPoint(server, { seed: null, spanMs: 2 ** 31 - 1 });
  return { spanMs: calibration.scenarioMs, calibration };
}

/** The first seed: `CRASH_SEED`, else random; printed by the callers so a failure can be rerun. */
export const firstSeed = () => (process.env.CRASH_SEED ? Number(process.env.CRASH_SEED) : Math.floor(Math.random() * 2 ** 31));
