// A real crash: the Chromium binary is SIGKILLed while the page runs a scenario on flights.csv
// (import, every delta kind, undo to 0, redo to the end, goto, a new branch), then restarted on the
// same profile and origin; the reopened workspace is checked against the test process's own record
// (crash-harness.mjs, checkReopened). Three kill points: one after the end of the scenario (which
// also measures its duration) and two at seeded random moments within it. `make crash-soak N=...`
// runs many more. CRASH_SEED / CRASH_SPAN_MS rerun a printed kill point.

import { test, before, after } from 'node:test';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PKG_DIR, firstSeed, killPoint, scenarioSpan, startCrashServer } from './crash-harness.mjs';

const SKIP = existsSync(path.join(PKG_DIR, 'duckline.js')) ? false : 'pkg/ is not built (make pkg)';
const RANDOM_KILL_POINTS = 2;

let server;
let spanMs;

before(async () => {
  if (!SKIP) server = await startCrashServer();
});

after(async () => {
  await server?.close();
});

test('a kill after the last call leaves the whole scenario', { skip: SKIP }, async () => {
  const span = await scenarioSpan(server);
  spanMs = span.spanMs;
  if (span.calibration) console.log(`kill after the end: ${JSON.stringify(span.calibration)}`);
});

const seed = firstSeed();
for (let i = 0; i < RANDOM_KILL_POINTS; i++) {
  test(`a kill at a random moment (seed ${seed + i})`, { skip: SKIP }, async () => {
    const r = await killPoint(server, { seed: seed + i, spanMs });
    console.log(`seed ${seed + i}, span ${spanMs} ms: ${JSON.stringify(r)}`);
  });
}
