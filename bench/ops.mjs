#!/usr/bin/env node
// Per-command benchmark on nycflights13 flights.csv (336,776 rows x 19 columns): every command of
// ../shared/COMMANDS.md once from the freshly imported table, in headless Chromium with OPFS.
//
//   node bench/ops.mjs [--runs 3] [--out bench-results] [--pkg pkg]      (`make bench-ops`)
//
// Needs pkg/ built (`make pkg`). The CSV is $DUCKLINE_DATA_DIR/flights.csv (default
// ../shared/data/nycflights13 next to the checkout), imported once with nullStrings ["NA"] into a
// fresh browser profile. Per run, per command (bench/page/ops.js `measure`): from position 0, apply
// it (StepInfo durationMs, bytesWritten, rowsAffected), undo (wall), redo (wall), undo, goto(0).
// Some commands get a setup first (applied, not measured): unformat_currency and fix_negatives cast
// dep_delay to VARCHAR, so they parse text rather than cast a BIGINT to DOUBLE; the date commands run
// on time_hour (TIMESTAMPTZ) and again on a "M/D/YYYY" text column made by combine_columns. An error
// is recorded (code, message), not fatal.
// Output: medians over the runs as a markdown table on stdout and bench-results/ops-flights.json.

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startServer } from '../scripts/serve.mjs';
import { BENCH_DIR, REPO_ROOT, assertPkg, call, launchFresh, machineFacts, median, openPage, printTable } from './lib.mjs';

const DATA_DIR = path.resolve(process.env.DUCKLINE_DATA_DIR ?? path.join(REPO_ROOT, '../shared/data/nycflights13'));
const CSV = 'flights.csv';

function parseArgs(argv) {
  const opts = { runs: 3, out: 'bench-results', pkg: 'pkg' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const key = { '--runs': 'runs', '--out': 'out', '--pkg': 'pkg' }[a];
    if (a === '--help' || a === '-h') {
      console.log('usage: node bench/ops.mjs [--runs N] [--out DIR] [--pkg DIR]');
      process.exit(0);
    }
    if (!key || argv[i + 1] === undefined) throw new Error(`bad argument ${a} (see --help)`);
    opts[key] = key === 'runs' ? Number(argv[++i]) : argv[++i];
  }
  if (!Number.isInteger(opts.runs) || opts.runs < 1) throw new Error('--runs must be a positive integer');
  return opts;
}

/** The measured commands on flights' columns; `ids` are 10 row ids spread over the table. */
function operations(columns, ids) {
  const toText = [{ op: 'cast_type', column: 'dep_delay', type: 'VARCHAR' }];
  const dateText = [{ op: 'combine_columns', columns: ['month', 'day', 'year'], separator: '/', newColumn: 'date' }];
  return [
    { command: { op: 'trim', column: 'tailnum' } },
    { command: { op: 'collapse_spaces', column: 'tailnum' } },
    { command: { op: 'lowercase', column: 'tailnum' } },
    { command: { op: 'uppercase', column: 'tailnum' } },
    { command: { op: 'title_case', column: 'tailnum' } },
    { command: { op: 'sentence_case', column: 'tailnum' } },
    { command: { op: 'remove_accents', column: 'dest' } },
    { command: { op: 'remove_non_printable', column: 'dest' } },
    { command: { op: 'replace', column: 'carrier', find: 'UA', replaceWith: 'United', match: 'contains' } },
    { command: { op: 'replace_empty', column: 'tailnum', value: 'UNKNOWN' } },
    { command: { op: 'pad_zeros', column: 'flight', length: 5 } },
    { command: { op: 'standardize_date', column: 'time_hour' } },
    { command: { op: 'calculate_age', column: 'time_hour', asOf: '2024-01-01' } },
    { command: { op: 'standardize_date', column: 'date' }, setup: dateText },
    { command: { op: 'calculate_age', column: 'date', asOf: '2024-01-01' }, setup: dateText },
    { command: { op: 'unformat_currency', column: 'dep_delay' }, setup: toText },
    { command: { op: 'fix_negatives', column: 'dep_delay' }, setup: toText },
    { command: { op: 'cast_type', column: 'dep_delay', type: 'VARCHAR' } },
    { command: { op: 'fill_down', column: 'dep_time' } },
    { command: { op: 'edit_cell', rowId: ids[0], column: 'tailnum', value: 'N00000' } },
    { command: { op: 'hash', column: 'tailnum', secret: 's' } },
    { command: { op: 'redact', column: 'tailnum' } },
    { command: { op: 'mask', column: 'tailnum' } },
    { command: { op: 'last4', column: 'tailnum' } },
    { command: { op: 'year_only', column: 'time_hour' } },
    { command: { op: 'year_only', column: 'date' }, setup: dateText },
    { command: { op: 'split_column', column: 'time_hour', delimiter: ' ' } },
    { command: { op: 'combine_columns', columns: ['origin', 'dest'], separator: '-', newColumn: 'route' } },
    { command: { op: 'add_column', name: 'note' } },
    { command: { op: 'delete_column', column: 'air_time' } },
    { command: { op: 'rename_column', column: 'dep_delay', newName: 'departure_delay' } },
    { command: { op: 'reorder_columns', columns: ['time_hour', ...columns.filter((c) => c !== 'time_hour')] } },
    { command: { op: 'remove_duplicates', columns: ['carrier', 'flight', 'origin', 'dest'] } },
    { command: { op: 'delete_rows', rowIds: ids } },
    { command: { op: 'insert_row', after: ids[0], values: { carrier: 'ZZ' } } },
    { command: { op: 'filter_rows', column: 'dep_delay', operator: '>', value: 0 } },
    { command: { op: 'custom_sql', sql: "UPDATE {table} SET distance = distance * 2 WHERE origin = 'JFK'" } },
    { command: { op: 'mass_edit', column: 'carrier', edits: [{ from: ['UA', 'AA'], to: 'XX' }] } },
  ];
}

/** A parameter in short: long lists as their length, short string lists comma-joined. */
function shortValue(v) {
  if (Array.isArray(v) && v.length > 4) return `[${v.length} items]`;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join(',');
  return typeof v === 'string' && /^\S+$/.test(v) ? v : JSON.stringify(v);
}

/** The command's parameters in short, plus its setup commands. */
function shortParams({ command, setup }) {
  const params = (c) =>
    Object.entries(c)
      .filter(([k]) => k !== 'op')
      .map(([k, v]) => `${k}=${shortValue(v)}`)
      .join(' ');
  return setup ? `${params(command)} (after ${setup.map((c) => `${c.op} ${params(c)}`).join('; ')})` : params(command);
}

const fmt = (x, digits) => (x === null ? '-' : x.toFixed(digits));
const fmtMs = (x) => (x === null ? '-' : fmt(x, x >= 100 ? 0 : 1));

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const log = (s) => console.log(s);
  const pkgDir = path.resolve(REPO_ROOT, opts.pkg);
  await assertPkg(pkgDir);
  const server = await startServer({
    port: 0,
    mounts: [
      ['/pkg/', pkgDir],
      ['/data/', DATA_DIR],
      ['/', path.join(BENCH_DIR, 'page')],
    ],
  });
  const origin = server.url.replace(/\/$/, '');
  const machine = machineFacts();
  const browser = await launchFresh();
  let imported;
  let ops;
  try {
    const page = await openPage(browser.context, origin, log, '/ops.html');
    machine.userAgent = await page.evaluate(() => navigator.userAgent);
    imported = await call(page, 'importCsv', 'ops', 'flights', `/data/${CSV}`, ['NA']);
    const columns = imported.columns.map((c) => c.name);
    log(`ops: imported ${path.join(DATA_DIR, CSV)}: ${imported.rows} rows x ${columns.length} columns in ${fmtMs(imported.ms)} ms`);
    ops = operations(columns, await call(page, 'spreadRowIds', 10)).map((o) => ({ ...o, op: o.command.op, params: shortParams(o), runs: [] }));
    for (let run = 1; run <= opts.runs; run++) {
      for (const o of ops) {
        const r = await call(page, 'measure', o.command, o.setup ?? []);
        o.runs.push(r);
        const what = r.error
          ? `ERROR ${r.error.code}: ${r.error.message.split('\n')[0]}`
          : `${r.rowsAffected} rows, ${fmtMs(r.durationMs)} ms, ${r.bytesWritten} B, undo ${fmtMs(r.undoMs ?? null)} ms, redo ${fmtMs(r.redoMs ?? null)} ms`;
        log(`run ${run}/${opts.runs} ${o.op}: ${what}`);
      }
    }
    await call(page, 'close');
  } finally {
    await browser.close();
    await server.close();
  }

  for (const o of ops) {
    const ok = o.runs.filter((r) => !r.error);
    const m = (k) => median(ok.map((r) => r[k]));
    o.median = {
      rowsAffected: m('rowsAffected'),
      durationMs: m('durationMs'),
      bytesWritten: m('bytesWritten'),
      applyMs: m('applyMs'),
      undoMs: m('undoMs'),
      redoMs: m('redoMs'),
    };
    // The table shows an error's first line; the JSON keeps the whole message.
    const errors = [...new Set(o.runs.filter((r) => r.error).map((r) => `${r.error.code}: ${r.error.message.split('\n')[0]}`))];
    const notes = [
      ...errors.map((e) => `ERROR ${e}`),
      ...(ok.some((r) => r.stepless) ? ['step-less (nothing to undo)'] : []),
      ...(ok[0]?.warnings ?? []),
    ];
    o.note = notes.join('; ');
  }
  const rows = ops.map((o) => ({
    op: o.op,
    params: o.params,
    rowsAffected: o.median.rowsAffected ?? '-',
    durationMs: fmtMs(o.median.durationMs),
    mb: o.median.bytesWritten === null ? '-' : fmt(o.median.bytesWritten / 1e6, 2),
    undo: fmtMs(o.median.undoMs),
    redo: fmtMs(o.median.redoMs),
    note: o.note,
  }));
  printTable(
    `duckline ops on flights.csv (${imported.rows.toLocaleString('en-US')} rows), median of ${opts.runs} run(s); ${machine.cores} cores; ${machine.userAgent}`,
    [['op', 'op'], ['params', 'params'], ['rowsAffected', 'rowsAffected'], ['durationMs', 'durationMs'], ['mb', 'bytesWritten (MB)'], ['undo', 'undo ms'], ['redo', 'redo ms'], ['note', 'note']],
    rows,
  );
  const outDir = path.resolve(REPO_ROOT, opts.out);
  await mkdir(outDir, { recursive: true });
  const file = path.join(outDir, 'ops-flights.json');
  const report = {
    generatedAt: new Date().toISOString(),
    options: opts,
    machine,
    data: { file: path.join(DATA_DIR, CSV), rows: imported.rows, columns: imported.columns, importMs: imported.ms },
    measured: {
      durationMs: 'StepInfo.durationMs of apply (excludes dropping the previous redo branch, which apply does after committing)',
      applyMs: 'wall time of apply in the page (performance.now())',
      bytesWritten: 'StepInfo.bytesWritten (deltas + manifest); MB in the table = 10^6 bytes',
      undoMs: 'wall time of undo() right after the apply',
      redoMs: 'wall time of redo() right after that undo',
      setup: 'commands applied before the measured one (not measured); every op starts from the import (goto(0))',
    },
    ops: ops.map(({ op, params, command, setup, median: med, note, runs }) => ({ op, params, command, setup, median: med, note, runs })),
  };
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${path.relative(REPO_ROOT, file)}`);
}

main().catch((e) => {
  console.error(`bench-ops: ${e.stack ?? e}`);
  process.exit(1);
});
