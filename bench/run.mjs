#!/usr/bin/env node
// The 1M-row benchmark (issue 4; ../shared/DESIGN.md, "Performance targets"): duckline against the
// reference system's strategy, in the same headless Chromium run. Reports, never fails on a miss.
//
//   node bench/run.mjs [--rows 1000000] [--runs 3] [--seed 42] [--out bench-results]
//                      [--pkg pkg] [--parts ours,baseline,growth] [--inline]
//   --inline: our workspaces on the page's main thread (`worker: false`), as before the package's
//   worker, for the before/after of the main-thread figures.
//   (`make bench`, `make bench ROWS=100000 RUNS=1`)
//
// Needs pkg/ built in release (`make pkg`), Debian's /usr/bin/chromium and playwright-core (never a
// downloaded browser). The CSV comes from bench/gen.mjs (bench/data/, written once per size).
// Output: a table on stdout and bench-results/bench-<rows>.json (both gitignored).
//
// One run = one fresh browser profile (a new temporary persistent context, so OPFS starts empty),
// these pages in it (each page has its own DuckDB-WASM worker, the eh bundle from pkg/duckdb/):
//   baseline: bare read_csv (own DuckDB instance); then the reference strategy through
//             BenchBaseline (bench.rs): import, 5 steps (full chunked Parquet snapshot before, SQL,
//             full persistence export after), undo x2 (restore the previous snapshot + export),
//             redo (re-run the SQL + export); then, in a new page, reload (the whole table is read
//             back before the first row shows).
//   ours:     Workspace.open, importCsv, the same 5 commands, undo x2, redo, diff from 0 (build,
//             first page, 20 next pages, 5 pageAt jumps), close; in a new page reopen: first rows()
//             page and the last page (rowsAt: needs every row).
//   growth:   a second workspace: import, 10 one-column steps (DuckDB memory after each), close,
//             reopen in a new page (the "1M rows, 10 steps" reopen of the targets).
// The order of the baseline and ours alternates between runs.

import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../scripts/serve.mjs';
import { COLUMNS, DEFAULT_SEED, ensureData } from './gen.mjs';
import { BENCH_DIR, REPO_ROOT, assertPkg, call, launchFresh, machineFacts, median, openPage, printTable } from './lib.mjs';

// ---------------------------------------------------------------------------------------------
// Arguments

function parseArgs(argv) {
  const opts = { rows: 1_000_000, runs: 3, seed: DEFAULT_SEED, out: 'bench-results', pkg: 'pkg', parts: ['ours', 'baseline', 'growth'], inline: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--rows') opts.rows = Number(value());
    else if (a === '--runs') opts.runs = Number(value());
    else if (a === '--seed') opts.seed = Number(value());
    else if (a === '--out') opts.out = value();
    else if (a === '--pkg') opts.pkg = value();
    else if (a === '--parts') opts.parts = value().split(',');
    else if (a === '--inline') opts.inline = true;
    else if (a === '--help' || a === '-h') {
      console.log('usage: node bench/run.mjs [--rows N] [--runs N] [--seed N] [--out DIR] [--pkg DIR] [--parts ours,baseline,growth] [--inline]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  for (const p of opts.parts) {
    if (!['ours', 'baseline', 'growth'].includes(p)) throw new Error(`--parts: unknown part ${p} (ours, baseline, growth)`);
  }
  for (const k of ['rows', 'runs', 'seed']) {
    if (!Number.isInteger(opts[k]) || opts[k] < (k === 'seed' ? 0 : 1)) throw new Error(`--${k} must be a positive integer`);
  }
  return opts;
}

// ---------------------------------------------------------------------------------------------
// The scenario

const AS_OF = '2025-01-01';
const PAGE = 500;
const NEXT_PAGES = 20;
const JUMPS = 5;

/** The scenario's steps: our command, and the baseline's equivalent SQL on table t. */
function steps() {
  const all = [...COLUMNS, 'age'].map((c) => `"${c}"`).join(', ');
  const replace = (expr, col) => `CREATE OR REPLACE TABLE t AS SELECT * REPLACE (${expr} AS "${col}") FROM t`;
  return [
    { name: 'trim', oneColumn: true, command: { op: 'trim', column: 'name' }, sql: replace('trim("name")', 'name') },
    {
      name: 'standardize_date',
      oneColumn: true,
      command: { op: 'standardize_date', column: 'birth_date' },
      sql: replace(
        `CAST(coalesce(try_strptime("birth_date", '%Y-%m-%d'), try_strptime("birth_date", '%m/%d/%Y'), ` +
          `try_strptime("birth_date", '%d.%m.%Y'), try_strptime("birth_date", '%b %d, %Y')) AS DATE)`,
        'birth_date',
      ),
    },
    {
      name: 'calculate_age',
      oneColumn: true,
      command: { op: 'calculate_age', column: 'birth_date', asOf: AS_OF },
      sql: `CREATE OR REPLACE TABLE t AS SELECT *, CAST(date_sub('year', "birth_date", DATE '${AS_OF}') AS INTEGER) AS "age" FROM t`,
    },
    {
      name: 'pad_zeros',
      oneColumn: true,
      command: { op: 'pad_zeros', column: 'account', length: 10 },
      sql: replace(
        `CASE WHEN length(CAST("account" AS VARCHAR)) >= 10 THEN CAST("account" AS VARCHAR) ` +
          `ELSE lpad(CAST("account" AS VARCHAR), 10, '0') END`,
        'account',
      ),
    },
    {
      name: 'remove_duplicates',
      oneColumn: false,
      command: { op: 'remove_duplicates' },
      sql: `CREATE OR REPLACE TABLE t AS SELECT * FROM t QUALIFY row_number() OVER (PARTITION BY ${all} ORDER BY _cs_id) = 1 ORDER BY _cs_id`,
    },
  ];
}

/** The 10 one-column steps of the memory-growth run. */
const GROWTH_STEPS = [
  { op: 'trim', column: 'name' },
  { op: 'standardize_date', column: 'birth_date' },
  { op: 'pad_zeros', column: 'account', length: 10 },
  { op: 'uppercase', column: 'city' },
  { op: 'lowercase', column: 'email' },
  { op: 'trim', column: 'company' },
  { op: 'uppercase', column: 'state' },
  { op: 'lowercase', column: 'department' },
  { op: 'uppercase', column: 'job_title' },
  { op: 'lowercase', column: 'category' },
];

// ---------------------------------------------------------------------------------------------
// Browser plumbing

/** The DuckDB worker's wasm heap in bytes (the newest probe worker of the page), or null. */
async function duckdbHeap(page) {
  const workers = page.workers().filter((w) => w.url().includes('duckdb-probe.worker.js'));
  for (const w of workers.reverse()) {
    const v = await w.evaluate(() => (globalThis.__benchHeapBytes ? globalThis.__benchHeapBytes() : null)).catch(() => null);
    if (v !== null) return v;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// One run

function seededPositions(seed, count, max) {
  let s = (seed * 2654435761) >>> 0 || 1;
  const out = [];
  for (let i = 0; i < count; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out.push(max > 0 ? s % max : 0);
  }
  return out;
}

async function runBaseline(context, origin, csvUrl, log) {
  const out = { steps: {}, errors: [] };
  let page = await openPage(context, origin, log);
  try {
    await call(page, 'fetchCsv', csvUrl);
    // Bare read_csv in its own DuckDB instance.
    await call(page, 'baseOpen', 'bench-bare');
    out.bare = await call(page, 'baseBareReadCsv');
    out.bare.heap = await duckdbHeap(page);
    await call(page, 'baseClose');
    log(`  baseline: bare read_csv ${fmtMs(out.bare.ms)} (${out.bare.rows} rows x ${out.bare.columns} cols)`);

    await call(page, 'baseOpen', 'bench-baseline');
    out.import = await call(page, 'baseImport');
    out.import.mem = await call(page, 'baseMemory');
    out.import.heap = await duckdbHeap(page);
    log(`  baseline: import ${fmtMs(out.import.ms)} ${fmtBytes(out.import.bytes)}`);
    const sc = steps();
    for (const [i, s] of sc.entries()) {
      const r = await call(page, 'baseStep', i, s.sql);
      r.mem = await call(page, 'baseMemory');
      r.heap = await duckdbHeap(page);
      out.steps[s.name] = r;
      log(`  baseline: ${s.name} ${fmtMs(r.ms)} ${fmtBytes(r.bytes)} (snapshot ${fmtMs(r.snapshotMs)}, sql ${fmtMs(r.sqlMs)}, export ${fmtMs(r.persistMs)})`);
    }
    out.rowsAfterDedup = await call(page, 'baseCount');
    // Undo x2: back to the snapshots taken before step 5 (index 4) and step 4 (index 3).
    for (const [key, index] of [['undo1', 4], ['undo2', 3]]) {
      const r = await call(page, 'baseUndo', index);
      r.mem = await call(page, 'baseMemory');
      r.heap = await duckdbHeap(page);
      out.steps[key] = r;
      log(`  baseline: ${key} ${fmtMs(r.ms)} (restore ${fmtMs(r.restoreMs)}, export ${fmtMs(r.persistMs)})`);
    }
    const redo = await call(page, 'baseRedo', sc[3].sql);
    redo.mem = await call(page, 'baseMemory');
    redo.heap = await duckdbHeap(page);
    out.steps.redo = redo;
    out.finalRows = await call(page, 'baseCount');
    log(`  baseline: redo ${fmtMs(redo.ms)} (sql ${fmtMs(redo.sqlMs)}, export ${fmtMs(redo.persistMs)})`);
    await call(page, 'baseClose');
  } catch (e) {
    out.errors.push(`baseline scenario: ${e.message}`);
    log(`  baseline FAILED: ${e.message}`);
  }
  await page.close();
  if (out.errors.length === 0) {
    page = await openPage(context, origin, log);
    try {
      out.reopen = await call(page, 'baseReopen', 'bench-baseline', PAGE);
      out.reopen.mem = await call(page, 'baseMemory');
      out.reopen.heap = await duckdbHeap(page);
      await call(page, 'baseClose');
      log(`  baseline: reload ${fmtMs(out.reopen.openMs + out.reopen.wholeTableMs)} (open ${fmtMs(out.reopen.openMs)}, restore + first page ${fmtMs(out.reopen.firstPageMs)})`);
    } catch (e) {
      out.errors.push(`baseline reload: ${e.message}`);
      log(`  baseline reload FAILED: ${e.message}`);
    }
    await page.close();
  }
  return out;
}

/** The page of our runs: `?inline` runs the workspace on the page's thread (`--inline`). */
let oursPage = '/index.html';

async function runOurs(context, origin, csvUrl, seed, log) {
  const out = { steps: {}, errors: [] };
  let page = await openPage(context, origin, log, oursPage);
  try {
    await call(page, 'fetchCsv', csvUrl);
    out.open = await call(page, 'wsOpen', 'bench-main');
    out.import = await call(page, 'wsImport');
    out.import.mem = await call(page, 'wsMemory');
    out.import.heap = await duckdbHeap(page);
    log(`  ours: import ${fmtMs(out.import.ms)} ${fmtBytes(out.import.bytes)} (${out.import.rows} rows x ${out.import.columns} cols), longest progress gap ${fmtMs(out.import.progressGapMs)} (after ${out.import.progressGapAfter})`);
    for (const s of steps()) {
      const r = await call(page, 'wsApply', s.command);
      out.steps[s.name] = {
        ms: r.ms,
        progressGapMs: r.progressGapMs,
        frameGapMs: r.frameGapMs,
        longTaskMs: r.longTaskMs,
        durationMs: r.step.durationMs,
        bytes: r.step.bytesWritten,
        rowsAffected: r.step.rowsAffected,
        warnings: r.step.warnings,
        mem: await call(page, 'wsMemory'),
        heap: await duckdbHeap(page),
      };
      log(`  ours: ${s.name} ${fmtMs(r.ms)} ${fmtBytes(r.step.bytesWritten)} (${r.step.rowsAffected} rows affected), longest progress gap ${fmtMs(r.progressGapMs)} (after ${r.progressGapAfter})`);
    }
    for (const key of ['undo1', 'undo2', 'redo']) {
      const r = await call(page, key === 'redo' ? 'wsRedo' : 'wsUndo');
      out.steps[key] = {
        ms: r.ms,
        progressGapMs: r.progressGapMs,
        frameGapMs: r.frameGapMs,
        longTaskMs: r.longTaskMs,
        step: r.step ? r.step.label : null,
        bytes: null, // undo/redo write a manifest only; StepInfo.bytesWritten is the step's own figure
        mem: await call(page, 'wsMemory'),
        heap: await duckdbHeap(page),
      };
      log(`  ours: ${key} (${r.step ? r.step.label : 'none'}) ${fmtMs(r.ms)}, longest progress gap ${fmtMs(r.progressGapMs)}`);
    }
    const info = await call(page, 'wsInfo');
    out.finalRows = info.rowCount;
    out.position = info.position;
    // Diff from the import.
    const memBefore = await call(page, 'wsMemory');
    const build = await call(page, 'wsDiffBuild', 0);
    const memAfter = await call(page, 'wsMemory');
    const sum = build.summary;
    const changed = sum.added + sum.removed + sum.modified;
    const first = await call(page, 'wsDiffFirstPage', PAGE);
    const next = await call(page, 'wsDiffNextPages', NEXT_PAGES, PAGE);
    const jumps = await call(page, 'wsDiffJumps', seededPositions(seed, JUMPS, Math.max(0, changed - PAGE)), PAGE);
    out.diff = {
      buildMs: build.ms,
      progressGapMs: build.progressGapMs,
      summary: { added: sum.added, removed: sum.removed, modified: sum.modified, unchanged: sum.unchanged },
      changedRows: changed,
      memBefore,
      memAfter,
      indexBytesPerRow: changed > 0 ? (memAfter - memBefore) / changed : null,
      firstMs: first.ms,
      firstRows: first.rows,
      nextMs: next.map((p) => p.ms),
      jumpMs: jumps.map((p) => p.ms),
      jumpIndexes: jumps.map((p) => p.index),
      heap: await duckdbHeap(page),
      build: { ms: build.ms, frameGapMs: build.frameGapMs, longTaskMs: build.longTaskMs },
      first: { ms: first.ms, frameGapMs: first.frameGapMs, longTaskMs: first.longTaskMs },
      next,
      jumps,
    };
    out.diff.close = await call(page, 'wsDiffClose');
    out.exports = {};
    for (const format of ['csv', 'parquet']) {
      const r = await call(page, 'wsExport', format);
      out.exports[format] = r;
      log(`  ours: export ${format} ${fmtMs(r.ms)} ${fmtBytes(r.bytes)}, longest progress gap ${fmtMs(r.progressGapMs)} (after ${r.progressGapAfter})`);
    }
    log(
      `  ours: diff build ${fmtMs(build.ms)} (${changed} changed rows), first ${fmtMs(first.ms)}, ` +
        `next median ${fmtMs(median(out.diff.nextMs))}, jump median ${fmtMs(median(out.diff.jumpMs))}`,
    );
    out.moduleHeap = await call(page, 'moduleHeapBytes');
    await call(page, 'wsClose');
  } catch (e) {
    out.errors.push(`ours scenario: ${e.message}`);
    log(`  ours FAILED: ${e.message}`);
  }
  await page.close();
  if (out.errors.length === 0) {
    page = await openPage(context, origin, log, oursPage);
    try {
      out.reopen = await call(page, 'wsReopen', 'bench-main', PAGE);
      out.reopen.mem = await call(page, 'wsMemory');
      out.reopen.heap = await duckdbHeap(page);
      await call(page, 'wsClose');
      log(`  ours: reopen (position ${out.reopen.position}) open ${fmtMs(out.reopen.openMs)}, first page +${fmtMs(out.reopen.firstPageMs)}, whole table +${fmtMs(out.reopen.wholeTableMs)}`);
    } catch (e) {
      out.errors.push(`ours reopen: ${e.message}`);
      log(`  ours reopen FAILED: ${e.message}`);
    }
    await page.close();
  }
  return out;
}

async function runGrowth(context, origin, csvUrl, log) {
  const out = { mems: [], ms: [], bytes: [], heaps: [], errors: [] };
  let page = await openPage(context, origin, log, oursPage);
  try {
    await call(page, 'fetchCsv', csvUrl);
    await call(page, 'wsOpen', 'bench-growth');
    const imp = await call(page, 'wsImport');
    out.importMem = await call(page, 'wsMemory');
    out.importHeap = await duckdbHeap(page);
    out.importMs = imp.ms;
    for (const command of GROWTH_STEPS) {
      const r = await call(page, 'wsApply', command);
      out.ms.push(r.ms);
      out.bytes.push(r.step.bytesWritten);
      out.mems.push(await call(page, 'wsMemory'));
      out.heaps.push(await duckdbHeap(page));
    }
    out.ratio = out.mems[out.mems.length - 1] / out.importMem;
    log(`  growth: DuckDB memory after import ${fmtBytes(out.importMem)}, after 10 steps ${fmtBytes(out.mems.at(-1))} (x${out.ratio.toFixed(3)})`);
    await call(page, 'wsClose');
  } catch (e) {
    out.errors.push(`growth: ${e.message}`);
    log(`  growth FAILED: ${e.message}`);
  }
  await page.close();
  if (out.errors.length === 0) {
    page = await openPage(context, origin, log, oursPage);
    try {
      out.reopen = await call(page, 'wsReopen', 'bench-growth', PAGE);
      out.reopen.mem = await call(page, 'wsMemory');
      out.reopen.heap = await duckdbHeap(page);
      await call(page, 'wsClose');
      log(`  growth: reopen (position ${out.reopen.position}) open ${fmtMs(out.reopen.openMs)}, first page +${fmtMs(out.reopen.firstPageMs)}, whole table +${fmtMs(out.reopen.wholeTableMs)}`);
    } catch (e) {
      out.errors.push(`growth reopen: ${e.message}`);
      log(`  growth reopen FAILED: ${e.message}`);
    }
    await page.close();
  }
  return out;
}

async function oneRun(index, opts, origin, csvUrl, log) {
  const { profile, context, close } = await launchFresh();
  const t0 = Date.now();
  const run = { index, profile, loadavgStart: os.loadavg() };
  try {
    const probe = await context.newPage();
    run.userAgent = await probe.evaluate(() => navigator.userAgent);
    await probe.close();
    const baselineFirst = index % 2 === 1;
    const has = (part) => opts.parts.includes(part);
    if (baselineFirst && has('baseline')) run.baseline = await runBaseline(context, origin, csvUrl, log);
    if (has('ours')) run.ours = await runOurs(context, origin, csvUrl, opts.seed, log);
    if (!baselineFirst && has('baseline')) run.baseline = await runBaseline(context, origin, csvUrl, log);
    if (has('growth')) run.growth = await runGrowth(context, origin, csvUrl, log);
    run.order = baselineFirst ? 'baseline, ours, growth' : 'ours, baseline, growth';
  } finally {
    await close();
  }
  run.wallSeconds = (Date.now() - t0) / 1000;
  return run;
}

// ---------------------------------------------------------------------------------------------
// Figures, medians, report

const maxOf = (xs) => {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x));
  return v.length ? Math.max(...v) : null;
};
const get = (o, p) => p.split('.').reduce((x, k) => (x == null ? undefined : x[k]), o);
const num = (x) => (typeof x === 'number' && Number.isFinite(x) ? x : null);
const ratio = (a, b) => (num(a) !== null && num(b) !== null && b !== 0 ? a / b : null);

const STEP_ROWS = [
  ['import', 'import'],
  ['trim', 'trim(name)'],
  ['standardize_date', 'standardize_date(birth_date)'],
  ['calculate_age', 'calculate_age(birth_date)'],
  ['pad_zeros', 'pad_zeros(account, 10)'],
  ['remove_duplicates', 'remove_duplicates'],
  ['undo1', 'undo (remove_duplicates)'],
  ['undo2', 'undo (pad_zeros)'],
  ['redo', 'redo (pad_zeros)'],
];

/**
 * Every call of ours with main-thread figures (bench/page/bench.js watchMainThread): `[key, result]`
 * with `ms`, `frameGapMs` (longest gap between animation frames), `longTaskMs` (sum of long tasks).
 * Diff pages: the slowest next page and jump by frame gap.
 */
function threadCalls(o) {
  const worst = (xs) => (xs ?? []).reduce((a, x) => (a === null || (x.frameGapMs ?? 0) > (a.frameGapMs ?? 0) ? x : a), null);
  return [
    ['import', o.import],
    ...STEP_ROWS.slice(1).map(([key]) => [key, o.steps?.[key]]),
    ['diff build', o.diff?.build],
    ['diff first page', o.diff?.first],
    [`diff next page (worst of ${NEXT_PAGES})`, worst(o.diff?.next)],
    [`diff jump (worst of ${JUMPS})`, worst(o.diff?.jumps)],
    ['export csv', o.exports?.csv],
    ['export parquet', o.exports?.parquet],
    ['reopen: open + first page + last page', o.reopen],
  ];
}

/** The flat figures of one run (null where a phase failed). */
function figures(run) {
  const f = {};
  const o = run.ours ?? {};
  const b = run.baseline ?? {};
  for (const [key] of STEP_ROWS) {
    const os_ = key === 'import' ? o.import : o.steps?.[key];
    const bs = key === 'import' ? b.import : b.steps?.[key];
    for (const [k, v] of [['ms', 'ms'], ['bytes', 'bytes'], ['mem', 'mem'], ['heap', 'heap']]) {
      f[`${key}.ours.${k}`] = num(os_?.[v]);
      f[`${key}.base.${k}`] = num(bs?.[v]);
    }
    f[`${key}.ratio.ms`] = ratio(f[`${key}.ours.ms`], f[`${key}.base.ms`]);
    f[`${key}.ratio.bytes`] = ratio(f[`${key}.ours.bytes`], f[`${key}.base.bytes`]);
  }
  // The longest gap between progress reports (start and end included) of any call of ours.
  f['progress.maxGapMs'] = maxOf([o.import?.progressGapMs, ...Object.values(o.steps ?? {}).map((s) => s.progressGapMs), o.diff?.progressGapMs]);
  for (const [key, r] of threadCalls(o)) {
    f[`thread.${key}.ms`] = num(r?.ms);
    f[`thread.${key}.frameGapMs`] = num(r?.frameGapMs);
    f[`thread.${key}.longTaskMs`] = num(r?.longTaskMs);
  }
  f['thread.maxFrameGapMs'] = maxOf(threadCalls(o).map(([, r]) => r?.frameGapMs));
  f['progress.maxGapMs'] = maxOf([f['progress.maxGapMs'], o.exports?.csv?.progressGapMs, o.exports?.parquet?.progressGapMs]);
  f['bare.ms'] = num(b.bare?.ms);
  f['import.ratio.bare'] = ratio(f['import.ours.ms'], f['bare.ms']);
  const oursMems = [o.import?.mem, ...Object.values(o.steps ?? {}).map((s) => s.mem), o.diff?.memAfter];
  const baseMems = [b.import?.mem, ...Object.values(b.steps ?? {}).map((s) => s.mem)];
  const oursHeaps = [o.import?.heap, ...Object.values(o.steps ?? {}).map((s) => s.heap), o.diff?.heap];
  const baseHeaps = [b.import?.heap, ...Object.values(b.steps ?? {}).map((s) => s.heap)];
  f['peak.ours.mem'] = maxOf(oursMems);
  f['peak.base.mem'] = maxOf(baseMems);
  f['peak.ours.heap'] = maxOf(oursHeaps);
  f['peak.base.heap'] = maxOf(baseHeaps);
  f['peak.ours.moduleHeap'] = num(o.moduleHeap);
  f['diff.buildMs'] = num(o.diff?.buildMs);
  f['diff.firstMs'] = num(o.diff?.firstMs);
  f['diff.nextMedianMs'] = o.diff ? median(o.diff.nextMs) : null;
  f['diff.nextMaxMs'] = o.diff ? maxOf(o.diff.nextMs) : null;
  f['diff.jumpMedianMs'] = o.diff ? median(o.diff.jumpMs) : null;
  f['diff.jumpMaxMs'] = o.diff ? maxOf(o.diff.jumpMs) : null;
  f['diff.changedRows'] = num(o.diff?.changedRows);
  f['diff.indexBytesPerRow'] = num(o.diff?.indexBytesPerRow);
  const g = run.growth ?? {};
  f['growth.importMem'] = num(g.importMem);
  f['growth.after10Mem'] = num(g.mems?.at(-1));
  f['growth.ratio'] = num(g.ratio);
  f['growth.maxRatio'] = g.importMem ? maxOf((g.mems ?? []).map((m) => m / g.importMem)) : null;
  for (const [key, src] of [['reopen.ours', o.reopen], ['reopen.growth', g.reopen], ['reopen.base', b.reopen]]) {
    f[`${key}.openMs`] = num(src?.openMs);
    f[`${key}.firstMs`] = num(src?.firstPageMs);
    f[`${key}.wholeMs`] = num(src?.wholeTableMs);
    f[`${key}.firstTotalMs`] = num(src?.openMs) !== null && num(src?.firstPageMs) !== null ? src.openMs + src.firstPageMs : null;
    f[`${key}.wholeTotalMs`] = num(src?.openMs) !== null && num(src?.wholeTableMs) !== null ? src.openMs + src.wholeTableMs : null;
  }
  return f;
}

function medianFigures(all) {
  const keys = new Set(all.flatMap((f) => Object.keys(f)));
  const m = {};
  for (const k of keys) m[k] = median(all.map((f) => f[k]));
  return m;
}

function fmtMs(x) {
  if (num(x) === null) return 'n/a';
  return x >= 100 ? `${Math.round(x)} ms` : `${x.toFixed(1)} ms`;
}
function fmtBytes(x) {
  if (num(x) === null) return 'n/a';
  const a = Math.abs(x);
  if (a >= 1024 ** 3) return `${(x / 1024 ** 3).toFixed(2)} GiB`;
  if (a >= 1024 ** 2) return `${(x / 1024 ** 2).toFixed(1)} MiB`;
  if (a >= 1024) return `${(x / 1024).toFixed(1)} KiB`;
  return `${Math.round(x)} B`;
}
function fmtRatio(x) {
  if (num(x) === null) return 'n/a';
  return x >= 0.1 ? `${x.toFixed(2)}x` : `${x.toFixed(3)}x`;
}
const fmtNum = (x, d = 1) => (num(x) === null ? 'n/a' : x.toFixed(d));

/** The DESIGN.md targets, evaluated on the median figures. */
function targetRows(m, rows) {
  const out = [];
  const row = (figure, ours, base, r, target, met, note = '') => out.push({ figure, ours, base, ratio: r, target, met, note });
  const metStr = (ok) => (ok === null ? 'n/a' : ok ? 'met' : 'MISSED');
  const le = (x, t) => (num(x) === null ? null : x <= t);
  for (const [key, label] of STEP_ROWS.slice(1, 5)) {
    row(`OPFS bytes: ${label}`, fmtBytes(m[`${key}.ours.bytes`]), fmtBytes(m[`${key}.base.bytes`]), fmtRatio(m[`${key}.ratio.bytes`]), '<= 0.10x baseline', metStr(le(m[`${key}.ratio.bytes`], 0.1)));
  }
  for (const [key, label] of STEP_ROWS.slice(1, 5)) {
    row(`wall time: ${label}`, fmtMs(m[`${key}.ours.ms`]), fmtMs(m[`${key}.base.ms`]), fmtRatio(m[`${key}.ratio.ms`]), '<= 0.33x baseline', metStr(le(m[`${key}.ratio.ms`], 1 / 3)));
  }
  const scale = rows === 1_000_000 ? '' : ` (target is for 1M rows; this run has ${rows.toLocaleString('en-US')})`;
  for (const key of ['undo2', 'redo']) {
    const label = STEP_ROWS.find(([k]) => k === key)[1];
    row(`${label}: 1-column step, wall`, fmtMs(m[`${key}.ours.ms`]), fmtMs(m[`${key}.base.ms`]), fmtRatio(m[`${key}.ratio.ms`]), '<= 1000 ms', metStr(le(m[`${key}.ours.ms`], 1000)), scale.trim());
  }
  const changed = m['diff.changedRows'];
  const diffNote = `${num(changed) === null ? '?' : Math.round(changed).toLocaleString('en-US')} changed rows, pages of ${PAGE}`;
  row('progress: longest gap between reports, any call', fmtMs(m['progress.maxGapMs']), '-', '-', '<= 250 ms', metStr(le(m['progress.maxGapMs'], 250)), 'import, steps, undo/redo, diff build');
  row('main thread: longest frame gap, any call', fmtMs(m['thread.maxFrameGapMs']), '-', '-', '<= 50 ms', metStr(le(m['thread.maxFrameGapMs'], 50)), 'requestAnimationFrame loop in the page; per call in "Main thread"');
  row('diff: index build', fmtMs(m['diff.buildMs']), '-', '-', '<= 1500 ms', metStr(le(m['diff.buildMs'], 1500)), diffNote);
  row('diff: first page', fmtMs(m['diff.firstMs']), '-', '-', '<= 100 ms', metStr(le(m['diff.firstMs'], 100)));
  row(`diff: next page (median of ${NEXT_PAGES})`, fmtMs(m['diff.nextMedianMs']), '-', '-', '<= 30 ms', metStr(le(m['diff.nextMedianMs'], 30)));
  row(`diff: next page (max of ${NEXT_PAGES})`, fmtMs(m['diff.nextMaxMs']), '-', '-', '<= 30 ms', metStr(le(m['diff.nextMaxMs'], 30)));
  row(`diff: random jump (median of ${JUMPS})`, fmtMs(m['diff.jumpMedianMs']), '-', '-', '<= 60 ms', metStr(le(m['diff.jumpMedianMs'], 60)));
  row(`diff: random jump (max of ${JUMPS})`, fmtMs(m['diff.jumpMaxMs']), '-', '-', '<= 60 ms', metStr(le(m['diff.jumpMaxMs'], 60)));
  row('diff: index memory per changed row', `${fmtNum(m['diff.indexBytesPerRow'])} B`, '-', '-', '<= 16 B', metStr(le(m['diff.indexBytesPerRow'], 16)), 'duckdb_memory() after - before build');
  row('DuckDB memory after 10 steps / after import', fmtRatio(m['growth.ratio']), '-', '-', '<= 1.10x', metStr(le(m['growth.ratio'], 1.1)), `${fmtBytes(m['growth.importMem'])} -> ${fmtBytes(m['growth.after10Mem'])}; max over the 10: ${fmtRatio(m['growth.maxRatio'])}`);
  row('reopen (10 steps) -> first page, from open()', fmtMs(m['reopen.growth.firstTotalMs']), fmtMs(m['reopen.base.firstTotalMs']), fmtRatio(ratio(m['reopen.growth.firstTotalMs'], m['reopen.base.firstTotalMs'])), '<= 1500 ms', metStr(le(m['reopen.growth.firstTotalMs'], 1500)), `open ${fmtMs(m['reopen.growth.openMs'])} (starts DuckDB-WASM) + ${fmtMs(m['reopen.growth.firstMs'])}`);
  row('reopen (10 steps) -> whole table, from open()', fmtMs(m['reopen.growth.wholeTotalMs']), fmtMs(m['reopen.base.wholeTotalMs']), fmtRatio(ratio(m['reopen.growth.wholeTotalMs'], m['reopen.base.wholeTotalMs'])), '<= 5000 ms', metStr(le(m['reopen.growth.wholeTotalMs'], 5000)), `open + ${fmtMs(m['reopen.growth.wholeMs'])}`);
  row('reopen (10 steps) -> first page, after open', fmtMs(m['reopen.growth.firstMs']), fmtMs(m['reopen.base.firstMs']), fmtRatio(ratio(m['reopen.growth.firstMs'], m['reopen.base.firstMs'])), '<= 1500 ms', metStr(le(m['reopen.growth.firstMs'], 1500)), 'DuckDB-WASM start excluded');
  row('reopen (10 steps) -> whole table, after open', fmtMs(m['reopen.growth.wholeMs']), fmtMs(m['reopen.base.wholeMs']), fmtRatio(ratio(m['reopen.growth.wholeMs'], m['reopen.base.wholeMs'])), '<= 5000 ms', metStr(le(m['reopen.growth.wholeMs'], 5000)), 'DuckDB-WASM start excluded');
  row('import CSV vs bare read_csv', fmtMs(m['import.ours.ms']), fmtMs(m['bare.ms']), fmtRatio(m['import.ratio.bare']), '<= 1.20x', metStr(le(m['import.ratio.bare'], 1.2)), `baseline column = bare read_csv; reference import (+2 full exports): ${fmtMs(m['import.base.ms'])}`);
  return out;
}

function stepTable(m) {
  return STEP_ROWS.map(([key, label]) => ({
    step: label,
    oursMs: fmtMs(m[`${key}.ours.ms`]),
    baseMs: fmtMs(m[`${key}.base.ms`]),
    msRatio: fmtRatio(m[`${key}.ratio.ms`]),
    oursBytes: key.startsWith('undo') || key === 'redo' ? 'manifest' : fmtBytes(m[`${key}.ours.bytes`]),
    baseBytes: fmtBytes(m[`${key}.base.bytes`]),
    bytesRatio: fmtRatio(m[`${key}.ratio.bytes`]),
    oursMem: fmtBytes(m[`${key}.ours.mem`]),
    baseMem: fmtBytes(m[`${key}.base.mem`]),
    oursHeap: fmtBytes(m[`${key}.ours.heap`]),
    baseHeap: fmtBytes(m[`${key}.base.heap`]),
  }));
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.inline) oursPage = '/index.html?inline';
  const log = (s) => console.log(s);
  const pkgDir = path.resolve(REPO_ROOT, opts.pkg);
  await assertPkg(pkgDir);
  const t0 = Date.now();
  const csv = await ensureData(opts.rows, opts.seed);
  log(`bench: data ${path.relative(REPO_ROOT, csv)} (${((Date.now() - t0) / 1000).toFixed(1)} s to make sure it exists)`);
  const server = await startServer({
    port: 0,
    mounts: [
      ['/pkg/', pkgDir],
      ['/data/', path.dirname(csv)],
      ['/', path.join(BENCH_DIR, 'page')],
    ],
  });
  const origin = server.url.replace(/\/$/, '');
  const csvUrl = `/data/${path.basename(csv)}`;
  const machine = machineFacts();
  log(`bench: ${opts.rows.toLocaleString('en-US')} rows x ${COLUMNS.length} columns, ${opts.runs} run(s); ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.cpu}`);
  const runs = [];
  try {
    for (let i = 1; i <= opts.runs; i++) {
      log(`run ${i}/${opts.runs}`);
      const run = await oneRun(i, opts, origin, csvUrl, log);
      log(`  run ${i} took ${run.wallSeconds.toFixed(0)} s`);
      runs.push(run);
    }
  } finally {
    await server.close();
  }
  machine.userAgent = runs[0]?.userAgent ?? null;
  const perRun = runs.map(figures);
  const m = medianFigures(perRun);
  const stepCols = [
    ['step', 'step'], ['oursMs', 'ours ms'], ['baseMs', 'baseline ms'], ['msRatio', 'ratio'],
    ['oursBytes', 'ours OPFS'], ['baseBytes', 'baseline OPFS'], ['bytesRatio', 'ratio'],
    ['oursMem', 'ours duckdb_memory'], ['baseMem', 'baseline duckdb_memory'], ['oursHeap', 'ours wasm heap'], ['baseHeap', 'baseline wasm heap'],
  ];
  const steps_ = stepTable(m);
  const targets = targetRows(m, opts.rows);
  const title = `duckline bench: ${opts.rows.toLocaleString('en-US')} x ${COLUMNS.length}, median of ${runs.length} run(s); ${machine.cores} cores, ${machine.memoryGiB} GiB; ${machine.userAgent ?? ''}`;
  console.log(`\n${title}`);
  printTable('Per step (memory and heap after the step; baseline bytes = snapshot + export)', stepCols, steps_);
  const peaks = [
    { what: 'peak duckdb_memory() after a step or the diff build', ours: fmtBytes(m['peak.ours.mem']), base: fmtBytes(m['peak.base.mem']), ratio: fmtRatio(ratio(m['peak.ours.mem'], m['peak.base.mem'])) },
    { what: 'peak DuckDB worker wasm heap', ours: fmtBytes(m['peak.ours.heap']), base: fmtBytes(m['peak.base.heap']), ratio: fmtRatio(ratio(m['peak.ours.heap'], m['peak.base.heap'])) },
    { what: "duckline module's own wasm heap (page)", ours: fmtBytes(m['peak.ours.moduleHeap']), base: '-', ratio: '-' },
  ];
  printTable('Peaks', [['what', 'figure'], ['ours', 'ours'], ['base', 'baseline'], ['ratio', 'ratio']], peaks);
  const threadRows = threadCalls(runs[0]?.ours ?? {}).map(([key]) => ({
    call: key,
    ms: fmtMs(m[`thread.${key}.ms`]),
    gap: fmtMs(m[`thread.${key}.frameGapMs`]),
    longTasks: fmtMs(m[`thread.${key}.longTaskMs`]),
  }));
  printTable('Main thread per call of ours (rAF loop and longtask observer in the page)', [['call', 'call'], ['ms', 'wall'], ['gap', 'longest frame gap'], ['longTasks', 'long tasks, total']], threadRows);
  printTable('Targets (DESIGN.md)', [['figure', 'figure'], ['ours', 'ours'], ['base', 'baseline'], ['ratio', 'ratio'], ['target', 'target'], ['met', 'met?'], ['note', 'note']], targets);
  const errors = runs.flatMap((r) => [...(r.baseline?.errors ?? []), ...(r.ours?.errors ?? []), ...(r.growth?.errors ?? [])].map((e) => `run ${r.index}: ${e}`));
  const sanity = runs.map((r) => ({
    run: r.index,
    oursRowsAfterRedo: r.ours?.finalRows ?? null,
    baselineRowsAfterRedo: r.baseline?.finalRows ?? null,
    oursDuplicatesRemoved: r.ours?.steps?.remove_duplicates?.rowsAffected ?? null,
    baselineDuplicatesRemoved:
      r.baseline?.steps?.pad_zeros && r.baseline?.rowsAfterDedup != null ? r.baseline.steps.pad_zeros.rows - r.baseline.rowsAfterDedup : null,
  }));
  for (const s of sanity) {
    log(`sanity run ${s.run}: rows after redo ours ${s.oursRowsAfterRedo} / baseline ${s.baselineRowsAfterRedo}; duplicates removed ours ${s.oursDuplicatesRemoved} / baseline ${s.baselineDuplicatesRemoved}`);
  }
  if (errors.length) {
    console.log('\nFAILURES (figures missing above):');
    for (const e of errors) console.log(`  ${e}`);
  }
  const missed = targets.filter((t) => t.met === 'MISSED').length;
  console.log(`\n${targets.length} target rows: ${targets.filter((t) => t.met === 'met').length} met, ${missed} missed, ${targets.filter((t) => t.met === 'n/a').length} n/a`);
  const outDir = path.resolve(REPO_ROOT, opts.out);
  await mkdir(outDir, { recursive: true });
  const file = path.join(outDir, `bench-${opts.rows}.json`);
  const report = {
    generatedAt: new Date().toISOString(),
    options: opts,
    machine,
    measured: {
      wallMs: 'performance.now() in the page around the awaited call',
      opfsBytes: 'ours: StepInfo.bytesWritten (import: ws.storage().bytes); baseline: Parquet bytes BenchBaseline wrote (snapshot + export)',
      duckdbMemory: "SELECT sum(memory_usage_bytes) FROM duckdb_memory() after the call (ours: ws.memory().duckdbBytes)",
      wasmHeap: 'byteLength of the DuckDB worker\'s WebAssembly.Memory (bench/page/duckdb-probe.worker.js), read after the call; it never shrinks, so it is the peak so far',
    },
    medians: m,
    steps: steps_,
    targets,
    sanity,
    errors,
    perRunFigures: perRun,
    runs,
  };
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${path.relative(REPO_ROOT, file)}`);
}

main().catch((e) => {
  console.error(`bench: ${e.stack ?? e}`);
  process.exit(1);
});
