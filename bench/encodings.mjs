#!/usr/bin/env node
// The transcoding overhead of importCsv (issue 11): nycflights13 flights.csv (336,776 rows x 19
// columns, ASCII) imported in headless Chromium (OPFS) as UTF-8, as windows-1252 (named, so
// encoding_rs decodes it) and as UTF-16LE with a BOM (twice the bytes), interleaved, median of
// --runs; the ratio is against the UTF-8 import of the same run.
//
//   node bench/encodings.mjs [--runs 3] [--pkg pkg]      (`make bench-encodings`)

import path from 'node:path';
import { startServer } from '../scripts/serve.mjs';
import { BENCH_DIR, REPO_ROOT, assertPkg, call, launchFresh, machineFacts, median, openPage, printTable } from './lib.mjs';

const DATA_DIR = path.resolve(process.env.DUCKLINE_DATA_DIR || path.join(REPO_ROOT, '../shared/data/nycflights13'));

function parseArgs(argv) {
  const opts = { runs: 3, pkg: 'pkg' };
  for (let i = 0; i < argv.length; i++) {
    const key = { '--runs': 'runs', '--pkg': 'pkg' }[argv[i]];
    if (!key || argv[i + 1] === undefined) throw new Error(`usage: node bench/encodings.mjs [--runs N] [--pkg DIR]; got ${argv[i]}`);
    opts[key] = key === 'runs' ? Number(argv[++i]) : argv[++i];
  }
  if (!Number.isInteger(opts.runs) || opts.runs < 1) throw new Error('--runs must be a positive integer');
  return opts;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
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
  const browser = await launchFresh();
  let results;
  let userAgent;
  try {
    const page = await openPage(browser.context, server.url.replace(/\/$/, ''), console.log, '/ops.html');
    userAgent = await page.evaluate(() => navigator.userAgent);
    results = await call(page, 'importEncodings', 'encodings', '/data/flights.csv', ['NA'], opts.runs);
  } finally {
    await browser.close();
    await server.close();
  }
  const base = median(results['utf-8'].ms);
  const rows = Object.entries(results).map(([encoding, r]) => ({
    encoding,
    mb: (r.bytes / 1e6).toFixed(1),
    rows: r.rows.toLocaleString('en-US'),
    ms: median(r.ms).toFixed(0),
    ratio: (median(r.ms) / base).toFixed(2),
    runs: r.ms.map((m) => m.toFixed(0)).join(', '),
  }));
  const machine = machineFacts();
  printTable(
    `importCsv of flights.csv by encoding, median of ${opts.runs}; ${machine.cores} cores; ${userAgent}`,
    [['encoding', 'encoding'], ['mb', 'MB'], ['rows', 'rows'], ['ms', 'median ms'], ['ratio', 'vs UTF-8'], ['runs', 'runs (ms)']],
    rows,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
